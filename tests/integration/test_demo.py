"""``make demo``: scripts/demo.py runs `pulumi up` of the quickstart as a directory program (the root
Pulumi.yaml) against the emulator, with state kept on both sides, so that a second run changes nothing;
and the `pulumi up` it tells users to run by hand works the same. It runs as ``make demo`` runs it (a
process of its own, hence nothing it sets in its environment reaches later tests), on a copy of the
root project and with its directory in tmp_path."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from pulumi_twilio_intelligence.config import BASE_URL_SETTINGS, SOURCES
from pulumi_twilio_intelligence.emulator import EmulatorProcess

from .conftest import REPO
from .projects import copy_project

DEMO = REPO / "scripts" / "demo.py"
OUTPUT = re.compile(r"^    (\w+) = (.*)$", re.MULTILINE)
OPERATOR_ID = re.compile(r"^intelligence_operator_[0-7][0-9a-z]{25}$")
INTELLIGENCE_CONFIGURATION_ID = re.compile(r"^intelligence_configuration_[0-7][0-9a-z]{25}$")
#: The environment variables of every Twilio API's base URL (TWILIO_INTELLIGENCE_BASE_URL, ...).
BASE_URL_VARIABLES = [SOURCES[name][1] for name in BASE_URL_SETTINGS]


def run_demo(directory: Path, project: Path, pulumi_bin: Path) -> tuple[str, dict[str, str]]:
    """Run the demo with ``--dir directory``; its standard output and the stack outputs it printed."""
    done = subprocess.run(
        [sys.executable, str(DEMO), "--dir", str(directory), "--project", str(project)],
        env={**os.environ, "PULUMI_ROOT": str(pulumi_bin)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = done.stdout.split("==> stack outputs", 1)[1].split("==> to run", 1)[0]
    return done.stdout, dict(OUTPUT.findall(outputs))


def manual_environment(printed: str) -> dict[str, str]:
    """The variables of the ``export`` lines that the demo prints for running `pulumi up` by hand."""
    exported: dict[str, str] = {}
    for line in printed.split("==> to run the same `pulumi up` yourself:", 1)[1].splitlines():
        words = shlex.split(line.strip())
        if words[:1] == ["export"]:
            for word in words[1:]:
                key, _, value = word.partition("=")
                exported[key] = value
    return exported


def test_make_demo_runs_the_directory_program_then_a_second_run_and_pulumi_up_by_hand_change_nothing(
    tmp_path: Path, pulumi_bin: Path
) -> None:
    directory = tmp_path / "demo"
    project = copy_project(REPO, tmp_path / "repository")
    repository_demo_existed = (REPO / ".demo").exists()
    first, outputs = run_demo(directory, project, pulumi_bin)
    assert "==> ran the quickstart as a directory program" in first
    assert "==> changes: {'create': 4}" in first
    assert OPERATOR_ID.match(outputs["operator_id"]), outputs
    assert INTELLIGENCE_CONFIGURATION_ID.match(outputs["intelligence_configuration_id"]), outputs
    assert outputs["operator_version"] == "1"
    assert (directory / "emulator.sqlite").exists() and (directory / "state").is_dir()
    assert (project / "Pulumi.dev.yaml").is_file()  # the stack config, where `pulumi up` by hand finds it

    second, outputs_again = run_demo(directory, project, pulumi_bin)
    assert second.rstrip().endswith("==> no changes"), second
    assert outputs_again == outputs
    assert (REPO / ".demo").exists() == repository_demo_existed  # everything went to --dir

    # by hand, as printed: the CLI on PATH, the exported variables, `pulumi up` in the project
    # (the emulator on the same state file; its port is the test's own)
    exported = manual_environment(second)
    assert exported["PULUMI_BACKEND_URL"] == f"file://{directory / 'state'}"
    assert {variable: exported[variable] for variable in BASE_URL_VARIABLES} == dict.fromkeys(
        BASE_URL_VARIABLES, "http://127.0.0.1:8480"
    )
    assert f"export PATH={pulumi_bin}:$PATH" in second and f"cd {project} && pulumi up --stack dev" in second
    with EmulatorProcess(["--state", str(directory / "emulator.sqlite")]) as emulator:
        env = {
            **os.environ,
            **exported,
            **{variable: emulator.url for variable in BASE_URL_VARIABLES},
            "PATH": f"{pulumi_bin}{os.pathsep}{os.environ['PATH']}",
            "PULUMI_HOME": str(tmp_path / "pulumi-home"),  # not the user's ~/.pulumi
        }
        env.pop("PULUMI_ROOT", None)
        by_hand = subprocess.run(
            ["pulumi", "up", "--stack", "dev", "--yes", "--expect-no-changes", "--non-interactive"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert by_hand.returncode == 0, by_hand.stdout + by_hand.stderr
        assert "4 unchanged" in by_hand.stdout
        assert emulator.admin("GET", "resources").json() == {
            "operator": 1,
            "intelligence_configuration": 1,
            "conversation_configuration": 1,
        }
