"""What a person sees: a live progress table while the fleet runs, and a summary table at the end (rich)."""

from __future__ import annotations

import threading
import time
from types import TracebackType

from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from .runner import FleetReport

#: At most so many running tenants are listed live (the rest are counted).
LIVE_ROWS = 20


def changes_text(changes: dict[str, int]) -> str:
    """``{"create": 3, "update": 1}`` as ``+3 ~1``-style text: ``create 3, update 1`` (``-`` for none)."""
    return ", ".join(f"{kind} {count}" for kind, count in sorted(changes.items())) or "-"


class LiveProgress:
    """A context manager whose :meth:`__call__` is the runner's progress callback ``(tenant, step)``.

    On a terminal it shows the running tenants, their current step and time, and the counts; elsewhere
    (a CI log) it prints one line per finished tenant.
    """

    def __init__(self, console: Console, operation: str) -> None:
        self.console = console
        self.operation = operation
        self._lock = threading.Lock()
        self._steps: dict[str, str] = {}
        self._started: dict[str, float] = {}
        self._live: Live | None = None

    def __call__(self, tenant: str, step: str) -> None:
        with self._lock:
            self._steps[tenant] = step
            if step == "running":
                self._started[tenant] = time.monotonic()
        if self._live is None and step in ("done", "failed"):
            seconds = time.monotonic() - self._started.get(tenant, time.monotonic())
            self.console.print(f"{self.operation} {tenant}: {step} ({seconds:.1f} s)", highlight=False)

    def _render(self) -> Group:
        with self._lock:
            steps = dict(self._steps)
            started = dict(self._started)
        counts = {"queued": 0, "done": 0, "failed": 0}
        running = []
        for tenant, step in steps.items():
            if step in counts:
                counts[step] += 1
            else:
                running.append((tenant, step))
        table = Table(title=f"{self.operation}: {len(running)} running", expand=False)
        table.add_column("tenant")
        table.add_column("step")
        table.add_column("s", justify="right")
        now = time.monotonic()
        for tenant, step in running[:LIVE_ROWS]:
            table.add_row(tenant, step, f"{now - started.get(tenant, now):.0f}")
        footer = Text(
            f"{counts['done']} done, {counts['failed']} failed, {len(running)} running, {counts['queued']} queued"
            + (f" ({len(running) - LIVE_ROWS} more running)" if len(running) > LIVE_ROWS else "")
        )
        return Group(table, footer)

    def __enter__(self) -> LiveProgress:
        if self.console.is_terminal:
            self._live = Live(get_renderable=self._render, console=self.console, refresh_per_second=4, transient=True)
            self._live.__enter__()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._live is not None:
            self._live.__exit__(exc_type, exc, tb)
            self._live = None


def summary_table(report: FleetReport) -> Table:
    """Tenant, result, changes, seconds and the first line of the error with its fix."""
    failed = sum(1 for r in report.results if not r.ok)
    table = Table(
        title=f"{report.operation}: {len(report.results) - failed} succeeded, {failed} failed in {report.seconds:.1f} s"
    )
    table.add_column("tenant")
    table.add_column("result")
    table.add_column("changes")
    table.add_column("seconds", justify="right")
    table.add_column("error / detail", overflow="fold")
    for result in report.results:
        style = "green" if result.ok else "bold red"
        label = result.result if result.operation == report.operation else f"{result.result} ({result.operation})"
        table.add_row(
            result.tenant,
            Text(label, style=style),
            changes_text(result.changes),
            f"{result.seconds:.1f}",
            result.error or result.detail or "",
        )
    return table
