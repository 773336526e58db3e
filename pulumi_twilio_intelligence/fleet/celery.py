"""Distributed execution on Celery: one task per tenant, acknowledged late.

Workers::

    export TWILIO_FLEET_BROKER_URL=redis://127.0.0.1:6379/0
    celery -A pulumi_twilio_intelligence.fleet.celery worker --pool threads --concurrency 4

The broker also keeps the results and the tenant locks (Redis). Tasks are acknowledged late
(``task_acks_late``, ``task_reject_on_worker_lost``) with a bounded visibility timeout
(``TWILIO_FLEET_VISIBILITY_TIMEOUT`` on workers, ``--visibility-timeout`` on the runner; default 900
seconds, above the longest tenant run): when a worker dies mid-tenant its unacknowledged task goes back
to the queue after that timeout and another worker runs the tenant again. The tenant's Redis lock
(kept alive by a heartbeat, so it expires soon after its worker dies) makes sure a stack never runs
twice at once, even when a slow task's timeout ran out while it still runs; the run that gets the lock
clears what the dead one left in the stack (``pulumi cancel``, ``pulumi refresh --clear-pending-creates``)
and converges the tenant: the provider's crash-safe creates and Idempotency-Keys make no duplicate.

Every worker needs what the runner needs: the fleet file's folder at the same path (a shared file
system: the program and its ``Pulumi.<tenant>.yaml`` files), the state backend, the secrets
passphrase, and the credential variables the fleet file names.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from celery import Celery
from redis import Redis

from .locks import RedisLock
from .results import Operation, TenantResult
from .stacks import FleetContext, Progress, context_for_worker, run_tenant

BROKER_ENV = "TWILIO_FLEET_BROKER_URL"
VISIBILITY_TIMEOUT_ENV = "TWILIO_FLEET_VISIBILITY_TIMEOUT"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
#: Default visibility timeout, seconds (15 minutes); the bounds of what a user sets.
DEFAULT_VISIBILITY_TIMEOUT = 900.0
MIN_VISIBILITY_TIMEOUT, MAX_VISIBILITY_TIMEOUT = 5.0, 86_400.0
#: Time-to-live of a tenant's Redis lock, seconds (a heartbeat extends it every third of that).
LOCK_TTL = 15.0
TASK_NAME = "twilio_intelligence_fleet.run_tenant"


def visibility_timeout(value: float | str | None = None) -> float:
    """The visibility timeout in seconds: ``value``, else ``TWILIO_FLEET_VISIBILITY_TIMEOUT``, else 900.

    Raises:
        ValueError: not a number between 5 and 86400 seconds.
    """
    raw = value if value is not None else os.environ.get(VISIBILITY_TIMEOUT_ENV) or DEFAULT_VISIBILITY_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        raise ValueError(f"visibility timeout: {raw!r} is not a number of seconds") from None
    if not MIN_VISIBILITY_TIMEOUT <= seconds <= MAX_VISIBILITY_TIMEOUT:
        raise ValueError(
            f"visibility timeout: {seconds:g} s must be between "
            f"{MIN_VISIBILITY_TIMEOUT:g} and {MAX_VISIBILITY_TIMEOUT:g} seconds"
        )
    return seconds


def configure(app: Celery, broker: str | None = None, timeout: float | None = None) -> None:
    """Point ``app`` at ``broker`` (else ``TWILIO_FLEET_BROKER_URL``, else local Redis) with the fleet's settings."""
    url = broker or os.environ.get(BROKER_ENV) or DEFAULT_BROKER
    seconds = visibility_timeout(timeout)
    app.conf.update(
        broker_url=url,
        result_backend=url,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_expires=24 * 3600,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": seconds,
            "unacked_restore_interval": max(1, min(10, int(seconds / 4))),
            "unacked_restore_throttle": 1,
        },
        result_backend_transport_options={"visibility_timeout": seconds},
    )


app = Celery("twilio_intelligence_fleet")
configure(app)


def _lock_name(ctx: FleetContext, tenant: str) -> str:
    return f"twilio-intelligence-fleet:lock:{ctx.backend_url}:{ctx.fleet.project}:{tenant}"


@app.task(bind=True, name=TASK_NAME)  # type: ignore[untyped-decorator]
def run_tenant_task(self: Any, fleet_text: str, fleet_path: str, tenant: str, operation: Operation) -> dict[str, Any]:
    """One tenant's run on a worker: the tenant's Redis lock, then :func:`~.stacks.run_tenant`.

    A task delivered again (its visibility timeout ran out while it ran, or its worker died) whose
    result is already stored returns that result instead of running the tenant once more.
    """
    ctx = context_for_worker(fleet_text, fleet_path)
    done = _stored_result(self)
    if done is not None:
        return done
    redis = Redis.from_url(app.conf.broker_url)
    try:
        with RedisLock(redis, _lock_name(ctx, tenant), ttl=LOCK_TTL, wait=visibility_timeout()) as lock:
            done = _stored_result(self)  # the copy that held the lock may have finished meanwhile
            if done is not None:
                return done

            def progress(name: str, step: str) -> None:
                self.update_state(state="PROGRESS", meta={"step": step, "worker": self.request.hostname})

            return run_tenant(ctx, tenant, operation, progress=progress, lock=_Held(lock)).model_dump()
    finally:
        redis.close()


def _stored_result(task: Any) -> dict[str, Any] | None:
    """The result already stored for this task id (a delivery of a task that has run), or ``None``."""
    stored = task.AsyncResult(task.request.id)
    if stored.state == "SUCCESS" and isinstance(stored.result, dict):
        return stored.result
    return None


class _Held:
    """A lock this task already holds, as the context manager ``run_tenant`` takes."""

    def __init__(self, lock: RedisLock) -> None:
        self.lock = lock

    def __enter__(self) -> RedisLock:
        return self.lock

    def __exit__(self, *exc: object) -> None:
        return None


class CeleryExecutor:
    """Sends each tenant as a task (:data:`TASK_NAME`) and waits for its result, reporting its steps.

    While it waits it also puts back in the queue the tasks of workers that died (kombu's
    ``restore_visible`` with this runner's visibility timeout), so recovery does not depend on the
    surviving workers' own setting.
    """

    name = "celery"

    def __init__(self, broker: str | None = None, visibility_timeout: float | None = None) -> None:
        configure(app, broker, visibility_timeout)
        self._stop = threading.Event()
        self._sweeper = threading.Thread(target=self._sweep, name="fleet-restore", daemon=True)
        self._sweeper.start()

    def _sweep(self) -> None:
        options = app.conf.broker_transport_options
        interval = float(options["unacked_restore_interval"])
        while not self._stop.wait(interval):
            try:
                with app.connection_for_write() as connection:
                    connection.default_channel.qos.restore_visible(num=100, interval=1)
            except Exception:  # the broker is away for a moment: the next sweep tries again
                continue

    def run(self, ctx: FleetContext, tenant: str, operation: Operation, progress: Progress) -> TenantResult:
        """Send the tenant's task and wait for its result (no time limit: a dead worker's task is
        delivered again after the visibility timeout)."""
        result = run_tenant_task.apply_async(
            args=[ctx.path.read_text(encoding="utf-8"), str(ctx.path), tenant, operation]
        )
        last = None
        while not result.ready():
            info = result.info if result.state == "PROGRESS" else None
            step = info.get("step") if isinstance(info, dict) else None
            if step and step != last:
                progress(tenant, f"{step} ({info.get('worker', '?')})")  # type: ignore[union-attr]
                last = step
            time.sleep(0.5)
        value = result.get(propagate=False)  # kept (result_expires): a late duplicate delivery returns it
        if isinstance(value, dict):
            return TenantResult.model_validate(value)
        return TenantResult(tenant=tenant, operation=operation, result="failed", error=f"the task failed: {value!r}")

    def close(self) -> None:
        """Stop the restore sweep."""
        self._stop.set()
        self._sweeper.join(timeout=5)
