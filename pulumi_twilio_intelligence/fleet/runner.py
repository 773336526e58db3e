"""The fleet runner: every tenant's stack, ``parallel`` at a time, on an executor.

::

    report = Fleet.load("fleet.yaml").up(parallel=8, executor="local")
    for result in report.results:          # TenantResult: tenant, result, changes, seconds, error
        ...
    report.ok                              # False when any tenant failed

The runner schedules; an executor runs one tenant (:class:`LocalExecutor` in a thread of this process,
:class:`~.celery.CeleryExecutor` as a task on a Celery worker). One tenant's failure never stops the
others. Twilio's 429s (error 20429, a per-account concurrency limit that subaccounts may share with
their parent) halve the number of tenants run at once for that account and put the tenant back in the
queue (up to :data:`THROTTLE_RETRIES` times, with exponential backoff); each success raises it by one
again, up to ``account_concurrency``.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Protocol

from tenacity import wait_random_exponential

from .results import Operation, TenantResult, is_throttled
from .stacks import FleetContext, Progress, run_tenant

#: Bounds of the numbers a user sets.
MAX_PARALLEL = 256
#: How often a tenant throttled by Twilio (429) is put back in the queue before it counts as failed.
THROTTLE_RETRIES = 5
_backoff = wait_random_exponential(multiplier=2, max=60)


class Executor(Protocol):
    """Runs one tenant's operation and returns its result (blocking; called from a runner thread)."""

    name: str

    def run(self, ctx: FleetContext, tenant: str, operation: Operation, progress: Progress) -> TenantResult: ...

    def close(self) -> None: ...


class LocalExecutor:
    """Runs each tenant in a thread of this process (its engine is a ``pulumi`` subprocess)."""

    name = "local"

    def run(self, ctx: FleetContext, tenant: str, operation: Operation, progress: Progress) -> TenantResult:
        """:func:`~.stacks.run_tenant` with the tenant's file lock."""
        return run_tenant(ctx, tenant, operation, progress=progress)

    def close(self) -> None:
        """Nothing to release."""


@dataclass
class FleetReport:
    """The results of one fleet command, in the fleet file's order (pruned stacks last)."""

    operation: Operation
    results: list[TenantResult]
    seconds: float
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every tenant succeeded."""
        return all(r.ok for r in self.results)

    def records(self) -> list[dict[str, object]]:
        """The ``--json`` summary: ``[{tenant, result, changes, seconds, error}, ...]``."""
        return [r.record() for r in self.results]


@dataclass
class _Account:
    limit: int
    cap: int
    running: int = 0


class Fleet:
    """A fleet file loaded, ready to run. Use :meth:`load`.

    Every operation takes ``only`` (tenant names; default all), ``parallel`` (tenants at once,
    1-256, default 4), ``executor`` (``"local"``, ``"celery"`` or an :class:`Executor`),
    ``account_concurrency`` (tenants at once per Twilio account, 1-256; default ``parallel``),
    ``prune`` (also destroy and remove the stacks of tenants no longer in the file) and ``progress``
    (called with ``(tenant, step)``). They return a :class:`FleetReport`.
    """

    def __init__(self, context: FleetContext) -> None:
        self.context = context

    @classmethod
    def load(cls, path: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> Fleet:
        """Load and validate the fleet file at ``path``.

        Raises:
            FleetFileError: the file breaks a rule (each problem names its line and key).
        """
        return cls(FleetContext.load(path, env))

    def preview(self, **options: object) -> FleetReport:
        """``pulumi preview`` of every tenant (creates no subaccount)."""
        return self.run("preview", **options)  # type: ignore[arg-type]

    def up(self, **options: object) -> FleetReport:
        """``pulumi up`` of every tenant (subaccounts created where the file gives no ``account_sid``)."""
        return self.run("up", **options)  # type: ignore[arg-type]

    def refresh(self, **options: object) -> FleetReport:
        """``pulumi refresh`` of every tenant."""
        return self.run("refresh", **options)  # type: ignore[arg-type]

    def destroy(self, **options: object) -> FleetReport:
        """``pulumi destroy`` of every tenant (the stacks stay; subaccounts are left open)."""
        return self.run("destroy", **options)  # type: ignore[arg-type]

    def status(self, **options: object) -> FleetReport:
        """Each tenant's last update (``result``, ``changes``, ``detail``); nothing runs."""
        return self.run("status", **options)  # type: ignore[arg-type]

    def warnings(self, executor: str | Executor) -> list[str]:
        """What to warn about before running on ``executor``: a celery run on a ``file://`` backend."""
        name = executor if isinstance(executor, str) else executor.name
        backend = self.context.backend_url
        if name == "celery" and backend.startswith("file://"):
            return [
                f"the celery executor with a file:// backend ({backend}) is right only when every worker shares "
                "that file system (and the fleet file's folder); otherwise use an object store (s3://, gs://, "
                "azblob://) or Pulumi Cloud"
            ]
        return []

    def stacks(self) -> list[str]:
        """The names of the project's stacks in the backend."""
        return sorted(s.name.rsplit("/", 1)[-1] for s in self.context.workspace().list_stacks())

    def run(
        self,
        operation: Operation,
        *,
        only: Iterable[str] | None = None,
        parallel: int = 4,
        executor: str | Executor = "local",
        account_concurrency: int | None = None,
        prune: bool = False,
        progress: Progress | None = None,
        broker: str | None = None,
        visibility_timeout: float | None = None,
    ) -> FleetReport:
        """Run ``operation`` on the selected tenants (see the class docstring for the options).

        Raises:
            ValueError: a number out of bounds, or ``only`` names a tenant the file does not have.
        """
        if not 1 <= parallel <= MAX_PARALLEL:
            raise ValueError(f"parallel: {parallel} must be between 1 and {MAX_PARALLEL}")
        if prune and operation not in ("preview", "up", "destroy"):
            raise ValueError(f"prune: goes with preview, up or destroy, not with {operation}")
        if account_concurrency is not None and not 1 <= account_concurrency <= MAX_PARALLEL:
            raise ValueError(f"account_concurrency: {account_concurrency} must be between 1 and {MAX_PARALLEL}")
        names = [t.name for t in self.context.fleet.tenants]
        if only is not None:
            wanted = list(only)
            unknown = sorted(set(wanted) - set(names))
            if unknown:
                raise ValueError(f"only: the fleet file has no tenant {', '.join(unknown)}")
            names = [n for n in names if n in wanted]
        warnings = self.warnings(executor)
        runner = _executor(executor, broker, visibility_timeout)
        started = time.monotonic()
        try:
            jobs: list[tuple[str, Operation]] = [(n, operation) for n in names]
            extra: list[str] = []
            if prune:
                listed = {t.name for t in self.context.fleet.tenants}
                extra = [n for n in self.stacks() if n not in listed]
                if operation != "preview":
                    jobs += [(n, "prune") for n in extra]
            results = _schedule(self.context, jobs, runner, parallel, account_concurrency or parallel, progress)
            if prune and operation == "preview":
                note = "not in the fleet file: `up --prune` destroys and removes its stack"
                results += [TenantResult(tenant=n, operation="prune", result="succeeded", detail=note) for n in extra]
        finally:
            runner.close()
        return FleetReport(operation, results, time.monotonic() - started, warnings)


def _executor(executor: str | Executor, broker: str | None, visibility_timeout: float | None) -> Executor:
    if not isinstance(executor, str):
        return executor
    if executor == "local":
        return LocalExecutor()
    if executor == "celery":
        from .celery import CeleryExecutor

        return CeleryExecutor(broker=broker, visibility_timeout=visibility_timeout)
    raise ValueError(f"executor: {executor!r} must be 'local' or 'celery'")


def _schedule(
    context: FleetContext,
    jobs: Sequence[tuple[str, Operation]],
    executor: Executor,
    parallel: int,
    account_concurrency: int,
    progress: Progress | None,
) -> list[TenantResult]:
    report: Progress = progress or (lambda tenant, step: None)
    accounts: dict[str, _Account] = {}
    tenants = {t.name: t for t in context.fleet.tenants}

    def account_of(name: str) -> _Account:
        key = context.account_key(tenants[name]) if name in tenants else "(pruned)"
        return accounts.setdefault(key, _Account(limit=account_concurrency, cap=account_concurrency))

    queue: deque[tuple[str, Operation, int, float]] = deque((n, op, 0, 0.0) for n, op in jobs)
    results: dict[str, TenantResult] = {}
    running: dict[Future[TenantResult], tuple[str, Operation, int]] = {}
    lock = threading.Lock()
    for name, _ in jobs:
        report(name, "queued")
    with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="fleet") as pool:
        while queue or running:
            now = time.monotonic()
            for _ in range(len(queue)):
                if len(running) >= parallel:
                    break
                name, op, attempt, not_before = queue.popleft()
                account = account_of(name)
                if not_before > now or account.running >= account.limit:
                    queue.append((name, op, attempt, not_before))
                    continue
                with lock:
                    account.running += 1
                future = pool.submit(executor.run, context, name, op, report)
                running[future] = (name, op, attempt)
            if not running:
                time.sleep(0.2)
                continue
            done, _ = wait(list(running), timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                name, op, attempt = running.pop(future)
                account = account_of(name)
                account.running -= 1
                try:
                    result = future.result()
                except Exception as exc:  # an executor failure (e.g. the broker went away)
                    result = TenantResult(
                        tenant=name, operation=op, result="failed", error=f"{type(exc).__name__}: {exc}"
                    )
                if not result.ok and result.error and is_throttled(result.error) and attempt < THROTTLE_RETRIES:
                    account.limit = max(1, account.limit // 2)
                    delay = _backoff_seconds(attempt)
                    report(name, f"throttled by Twilio (429): again in {delay:.0f} s")
                    queue.append((name, op, attempt + 1, time.monotonic() + delay))
                    continue
                if result.ok:
                    account.limit = min(account.cap, account.limit + 1)
                results[name] = result
                report(name, "done" if result.ok else "failed")
    return [results[name] for name, _ in jobs if name in results]


def _backoff_seconds(attempt: int) -> float:
    """Seconds before a throttled tenant's next attempt (exponential with jitter, at most 60)."""

    class _State:
        attempt_number = attempt + 1

    return float(_backoff(_State()))  # type: ignore[arg-type]


ProgressCallback = Callable[[str, str], None]
