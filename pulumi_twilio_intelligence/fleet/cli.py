"""``twilio-intelligence-fleet``: preview, up, refresh, destroy and status of every tenant's stack.

::

    twilio-intelligence-fleet up --fleet fleet.yaml [--only acme,globex] [--parallel 8]
        [--executor local|celery] [--broker redis://...] [--visibility-timeout 900]
        [--account-concurrency N] [--prune] [--json summary.json]

Exit status: 0 when every tenant succeeded, 1 when any failed, 2 for a bad fleet file or option.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from .celery import BROKER_ENV, DEFAULT_VISIBILITY_TIMEOUT, visibility_timeout
from .display import LiveProgress, summary_table
from .file import FleetFileError
from .runner import MAX_PARALLEL, Fleet

COMMANDS = ("preview", "up", "refresh", "destroy", "status")


def _bounded(low: int, high: int) -> type[int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} must be between {low} and {high}")
        return value

    return parse  # type: ignore[return-value]


def _seconds(text: str) -> float:
    try:
        return visibility_timeout(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parser() -> argparse.ArgumentParser:
    """The command line (see the module docstring)."""
    p = argparse.ArgumentParser(prog="twilio-intelligence-fleet", description=__doc__.split("\n")[0])
    p.add_argument("command", choices=COMMANDS)
    p.add_argument("--fleet", required=True, type=Path, help="the fleet file (YAML)")
    p.add_argument("--only", help="tenants to run, comma-separated (default: all)")
    p.add_argument("--parallel", type=_bounded(1, MAX_PARALLEL), default=4, help="tenants at once (default 4)")
    p.add_argument("--executor", choices=("local", "celery"), default="local")
    p.add_argument("--broker", help=f"Celery broker URL (default ${BROKER_ENV}, else redis://127.0.0.1:6379/0)")
    p.add_argument(
        "--visibility-timeout",
        type=_seconds,
        default=None,
        help=f"seconds before a dead worker's task is run again (default {DEFAULT_VISIBILITY_TIMEOUT:.0f})",
    )
    p.add_argument("--account-concurrency", type=_bounded(1, MAX_PARALLEL), help="tenants at once per Twilio account")
    p.add_argument("--prune", action="store_true", help="destroy and remove stacks of tenants not in the file")
    p.add_argument("--json", type=Path, help="write a summary: [{tenant, result, changes, seconds, error}]")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = parser().parse_args(argv)
    console = Console(stderr=False)
    errors = Console(stderr=True)
    try:
        fleet = Fleet.load(args.fleet)
    except FleetFileError as exc:
        errors.print(str(exc), highlight=False, markup=False)
        return 2
    only = [n.strip() for n in args.only.split(",") if n.strip()] if args.only else None
    for warning in fleet.warnings(args.executor):
        errors.print(f"warning: {warning}", highlight=False, markup=False)
    try:
        with LiveProgress(console, args.command) as progress:
            report = fleet.run(
                args.command,
                only=only,
                parallel=args.parallel,
                executor=args.executor,
                account_concurrency=args.account_concurrency,
                prune=args.prune,
                progress=progress,
                broker=args.broker,
                visibility_timeout=args.visibility_timeout,
            )
    except ValueError as exc:
        errors.print(f"error: {exc}", highlight=False, markup=False)
        return 2
    console.print(summary_table(report))
    console.print(f"logs: {fleet.context.state_dir / 'logs'}", highlight=False)
    if args.json:
        args.json.write_text(json.dumps(report.records(), indent=2) + "\n", encoding="utf-8")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
