"""``make demo``: scripts/demo.py runs the quickstart against the emulator with state kept on both sides,
so that a second run changes nothing. It runs as ``make demo`` runs it (a process of its own, hence
nothing it sets in its environment reaches later tests), with its directory in tmp_path."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

DEMO = REPO / "scripts" / "demo.py"
OUTPUT = re.compile(r"^    (\w+) = (.*)$", re.MULTILINE)
OPERATOR_ID = re.compile(r"^intelligence_operator_[0-7][0-9a-z]{25}$")
INTELLIGENCE_CONFIGURATION_ID = re.compile(r"^intelligence_configuration_[0-7][0-9a-z]{25}$")


def run_demo(directory: Path, pulumi_root: Path) -> tuple[str, dict[str, str]]:
    """Run the demo with ``--dir directory``; its standard output and the stack outputs it printed."""
    done = subprocess.run(
        [sys.executable, str(DEMO), "--dir", str(directory)],
        env={**os.environ, "PULUMI_ROOT": str(pulumi_root)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout, dict(OUTPUT.findall(done.stdout.split("==> stack outputs", 1)[1]))


def test_make_demo_creates_the_quickstart_then_a_second_run_changes_nothing(tmp_path: Path, pulumi_root: Path) -> None:
    directory = tmp_path / "demo"
    repository_demo_existed = (REPO / ".demo").exists()
    first, outputs = run_demo(directory, pulumi_root)
    assert "==> changes: {'create': 4}" in first
    assert OPERATOR_ID.match(outputs["operator_id"]), outputs
    assert INTELLIGENCE_CONFIGURATION_ID.match(outputs["intelligence_configuration_id"]), outputs
    assert outputs["operator_version"] == "1"
    assert (directory / "emulator.sqlite").exists() and (directory / "state").is_dir()

    second, outputs_again = run_demo(directory, pulumi_root)
    assert second.rstrip().endswith("==> no changes"), second
    assert outputs_again == outputs
    assert (REPO / ".demo").exists() == repository_demo_existed  # everything went to --dir
