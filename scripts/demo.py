"""`make demo`: `pulumi up` of the quickstart, as a directory program, against the local emulator.

Runs `pulumi up` in the repository root, where Pulumi.yaml points at examples/quickstart/ and its
`.venv`, with the Python language host, as a user would. State persists on both sides (the emulator's
SQLite file and the Pulumi file backend, both under .demo/), so a second run reports no changes. The
CLI is taken from PULUMI_ROOT (the folder that holds `pulumi`, or one whose bin/ holds it; the
Makefile sets it), else from PATH.

    python scripts/demo.py [--dir DIR] [--project PROJECT]

DIR: default $TWILIO_DEMO_DIR, else .demo/ in the repository. PROJECT: the folder with Pulumi.yaml
(default: the repository root).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from pulumi_twilio_intelligence.emulator import EmulatorProcess
from pulumi_twilio_intelligence.testing import engine_env, find_pulumi_bin, local_stack

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / ".demo"
STACK = "dev"
#: The port the printed instructions start the emulator on (the demo itself picks a free one).
MANUAL_PORT = 8480


def manual_run(project: Path, directory: Path, pulumi_bin: Path) -> list[str]:
    """The shell commands that run the same `pulumi up` by hand (same state, emulator and stack)."""
    url = f"http://127.0.0.1:{MANUAL_PORT}"
    env = engine_env(directory, emulator_url=url, pulumi_bin=pulumi_bin, python=sys.executable)
    pulumi = [
        "PULUMI_BACKEND_URL",
        "PULUMI_CONFIG_PASSPHRASE",
        "PULUMI_SKIP_UPDATE_CHECK",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
    ]
    twilio = sorted(key for key in env if key.startswith("TWILIO_") and key.endswith("_BASE_URL"))
    emulator = shlex.quote(str(Path(sys.executable).parent / "twilio-intelligence-emulator"))
    return [
        f"{emulator} --port {MANUAL_PORT} --state {shlex.quote(str(directory / 'emulator.sqlite'))} &",
        f"export PATH={shlex.quote(str(pulumi_bin))}:$PATH",
        "export " + " ".join(f"{key}={shlex.quote(env[key])}" for key in pulumi),
        "export " + " ".join(f"{key}={shlex.quote(env[key])}" for key in twilio),
        f"cd {shlex.quote(str(project))} && pulumi up --stack {STACK}",
        "kill %1   # the emulator",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo (``argv``: the command-line arguments); prints the outputs and the changes made.

    Returns 0, or 1 when no Pulumi CLI is found. Raises ``pulumi.automation.CommandError`` when
    ``pulumi up`` fails.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(os.environ.get("TWILIO_DEMO_DIR") or DEMO),
        help="where the emulator's state and the Pulumi file backend live (default $TWILIO_DEMO_DIR, else .demo/)",
    )
    parser.add_argument(
        "--project", type=Path, default=REPO, help="the folder with Pulumi.yaml (default: the repository root)"
    )
    args = parser.parse_args(argv)
    directory: Path = args.dir.resolve()
    project: Path = args.project.resolve()
    pulumi_bin = find_pulumi_bin()
    if pulumi_bin is None:
        print("no Pulumi CLI: run `make demo` (it obtains one), or set PULUMI_ROOT", file=sys.stderr)
        return 1
    directory.mkdir(parents=True, exist_ok=True)
    state = directory / "emulator.sqlite"
    with EmulatorProcess(["--state", str(state)]) as emulator:
        print(f"==> emulator at {emulator.url} (state in {state})", flush=True)
        print(f"==> pulumi up in {project} (Pulumi.yaml), stack {STACK}, state in {directory / 'state'}", flush=True)
        stack = local_stack(
            STACK,
            root=directory,
            work_dir=project,
            emulator_url=emulator.url,
            pulumi_bin=pulumi_bin,
        )
        result = stack.up(on_output=lambda line: print(line, flush=True))
        print("==> ran the quickstart as a directory program (the Python language host ran Pulumi.yaml's main)")
        print("==> stack outputs", flush=True)
        for key, output in sorted(result.outputs.items()):
            print(f"    {key} = {output.value}")
        changes = {k: v for k, v in (result.summary.resource_changes or {}).items() if k != "same"}
        print("==> to run the same `pulumi up` yourself:")
        for line in manual_run(project, directory, pulumi_bin):
            print(f"    {line}")
        print(f"==> {'changes: ' + str(changes) if changes else 'no changes'}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
