"""How many Twilio API requests the provider makes, and how long each Pulumi operation takes.

Runs the quickstart with the real Pulumi engine (Automation API inline program) against the emulator
server and prints, per operation (up, preview, refresh, an operator edit, destroy), the wall-clock
seconds and the API requests the emulator served (from its admin API's request counts).

    PULUMI_ROOT=~/.cache/pulumi-twilio-intelligence/pulumi-3.259.0 .venv/bin/python bench/provider_requests.py

A figure, not a test: nothing is asserted.
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

REPO = Path(__file__).resolve().parent.parent
QUICKSTART = REPO / "examples" / "quickstart" / "__main__.py"
PROMPT = "Rate from 0 to {{parameters.scale}} how well the agent followed the support script, "


def _edited(tmp: Path) -> Path:
    edited = tmp / "quickstart_edited.py"
    edited.write_text(QUICKSTART.read_text().replace(PROMPT, "Strictly rate 0 to {{parameters.scale}} the script, "))
    return edited


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
            stack.workspace.program = load_program(_edited(root))  # type: ignore[attr-defined]
            stack.up()

        measure("up (edit operator prompt)", edit)
        measure("destroy", stack.destroy)
    return 0


if __name__ == "__main__":
    sys.exit(main())
