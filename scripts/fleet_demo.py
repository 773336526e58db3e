"""`make fleet-demo`: a fleet of 10 ISV tenants against the local emulator, with the local executor.

1. ``twilio-intelligence-fleet up``: 10 tenants, 4 with accounts of their own, 6 with a subaccount
   (and an API key) created by the runner through the emulator's 2010 Accounts API;
2. ``up`` again: no changes anywhere, no second subaccount;
3. two tenants leave the fleet file: ``up --prune`` destroys and removes their stacks.

Everything lives under ``--dir`` (default ``.fleet-demo/``, started afresh each time): the fleet file,
the program (examples/isv), the state backend, the logs and the emulator's state. Set PULUMI_ROOT to the
folder holding the Pulumi CLI (the Makefile does).

    python scripts/fleet_demo.py [--dir DIR] [--parallel N]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pulumi_twilio_intelligence.emulator import EmulatorProcess  # noqa: E402
from pulumi_twilio_intelligence.testing import find_pulumi_bin  # noqa: E402
from tests.fleet_setup import emulator_args, fleet_env, run_fleet, tenants, write_fleet  # noqa: E402

TENANTS, EXISTING, PRUNED = 10, 4, 2


def _step(title: str, fleet: Path, env: dict[str, str], *args: str) -> list[dict[str, object]]:
    print(f"==> {title}", flush=True)
    summary = fleet.parent / "summary.json"
    done = run_fleet(fleet, env, *args, json_path=summary)
    print(done.stdout, end="", flush=True)
    print(done.stderr, end="", file=sys.stderr, flush=True)
    if done.returncode != 0:
        raise SystemExit(
            f"fleet-demo: `{' '.join(args)}` failed (exit status {done.returncode}); logs in {fleet.parent}"
        )
    records: list[dict[str, object]] = json.loads(summary.read_text())
    return records


def main(argv: Sequence[str] | None = None) -> int:
    """Run the three steps; fails when a step fails or does not do what it should."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=REPO / ".fleet-demo")
    parser.add_argument("--parallel", type=int, default=4)
    options = parser.parse_args(argv)
    root: Path = options.dir.resolve()
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    pulumi_bin = find_pulumi_bin()
    specs = tenants(TENANTS, EXISTING)
    with EmulatorProcess(["--state", str(root / "emulator.sqlite"), *emulator_args(specs)]) as emulator:
        print(f"==> emulator at {emulator.url}; fleet in {root}", flush=True)
        fleet = write_fleet(root, specs, directory_program=True)
        env = fleet_env(root, specs, emulator.url, pulumi_bin)
        parallel = ["--parallel", str(options.parallel)]
        first = _step(f"up: {TENANTS} tenants ({TENANTS - EXISTING} subaccounts created)", fleet, env, "up", *parallel)
        second = _step("up again: nothing to change", fleet, env, "up", *parallel)
        if any(r["changes"] for r in second):
            raise SystemExit(f"fleet-demo: the second up changed something: {second}")
        write_fleet(root, specs[:-PRUNED], directory_program=True)
        third = _step(f"{PRUNED} tenants left the file: up --prune", fleet, env, "up", "--prune", *parallel)
        pruned = [r["tenant"] for r in third if r["changes"].get("delete")]  # type: ignore[union-attr]
        print(
            f"==> created {sum(r['changes'].get('create', 0) for r in first)} resources, "  # type: ignore[union-attr]
            f"then no changes, then pruned {', '.join(map(str, pruned))}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
