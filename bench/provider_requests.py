"""How many Twilio API requests the provider makes, and how long each Pulumi operation takes.

Runs the quickstart with the real Pulumi engine (Automation API inline program) against the emulator
server and prints, per operation (up, preview, refresh, an operator edit, destroy), the wall-clock
seconds and the API requests the emulator served (from its admin API's request counts).

    PULUMI_ROOT=~/.cache/pulumi-twilio-intelligence/pulumi-3.259.0/bin .venv/bin/python -m bench.provider_requests

(from the repository root: the operator edit is the one of ``tests/quickstart.py``). Figures, not a
test; but the script fails rather than print figures of an edit that changed nothing.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pulumi_twilio_intelligence.emulator import EmulatorProcess
from pulumi_twilio_intelligence.testing import load_program, local_stack
from tests.quickstart import QUICKSTART, edited_quickstart


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch, EmulatorProcess(["--operation-delay", "0.2"]) as emulator:
        root = Path(scratch)
        stack = local_stack(
            "bench", project_name="bench", root=root, program=load_program(QUICKSTART), emulator_url=emulator.url
        )

        def measure(name: str, action: Callable[[], Any]) -> None:
            emulator.admin("DELETE", "requests")
            started = time.perf_counter()
            action()
            seconds = time.perf_counter() - started
            counts = emulator.admin("GET", "requests").json()
            detail = ", ".join(f"{k} x{v}" for k, v in sorted(counts.items()))
            print(f"{name:<26} {seconds:6.2f} s  {sum(counts.values()):3d} requests  ({detail})", flush=True)

        print("operation                  wall time   API requests (per route)")
        measure("up (create 3 objects)", stack.up)
        measure("preview (no change)", lambda: stack.preview(expect_no_changes=True))
        measure("up (no change)", lambda: stack.up(expect_no_changes=True))
        measure("refresh (no change)", lambda: stack.refresh(expect_no_changes=True))

        def edit() -> None:
            stack.workspace.program = load_program(edited_quickstart(root))  # type: ignore[attr-defined]
            version = stack.up().outputs["operator_version"].value
            if version != 2:
                raise RuntimeError(f"the prompt edit did not make a new operator version (version {version})")

        measure("up (edit operator prompt)", edit)
        measure("destroy", stack.destroy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
