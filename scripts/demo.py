"""`make demo`: `pulumi up` of the quickstart stack against the local emulator.

State persists on both sides (the emulator's SQLite file and the Pulumi file backend, both under
.demo/), so a second run reports no changes. Set PULUMI_ROOT to a directory whose bin/ holds the
Pulumi CLI (scripts/get-pulumi.sh prints one); the Makefile does.

    python scripts/demo.py [--dir DIR]     # DIR: default $TWILIO_DEMO_DIR, else .demo/ in the repository
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pulumi_twilio_intelligence.emulator import EmulatorProcess
from pulumi_twilio_intelligence.testing import find_pulumi_root, has_language_host, load_program, local_stack

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / ".demo"
PROJECT = "twilio-intelligence-quickstart"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo (``argv``: the command-line arguments); prints the outputs and the changes made."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(os.environ.get("TWILIO_DEMO_DIR") or DEMO),
        help="where the emulator's state and the Pulumi file backend live (default $TWILIO_DEMO_DIR, else .demo/)",
    )
    directory: Path = parser.parse_args(argv).dir.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    pulumi_root = find_pulumi_root()
    state = directory / "emulator.sqlite"
    with EmulatorProcess(["--state", str(state)]) as emulator:
        print(f"==> emulator at {emulator.url} (state in {state})", flush=True)
        if has_language_host(pulumi_root):
            print("==> running the quickstart as a directory program (Pulumi.yaml)", flush=True)
            stack = local_stack("dev", project_name=PROJECT, root=directory, work_dir=REPO, emulator_url=emulator.url)
        else:
            print(
                "==> no Python language host here: running the quickstart as an Automation API "
                "inline program (same engine, same provider)",
                flush=True,
            )
            program = load_program(REPO / "examples" / "quickstart" / "__main__.py")
            stack = local_stack("dev", project_name=PROJECT, root=directory, program=program, emulator_url=emulator.url)
        result = stack.up(on_output=lambda line: print(line, flush=True))
        print("==> stack outputs", flush=True)
        for key, output in sorted(result.outputs.items()):
            print(f"    {key} = {output.value}")
        changes = {k: v for k, v in (result.summary.resource_changes or {}).items() if k != "same"}
        print(f"==> {'changes: ' + str(changes) if changes else 'no changes'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
