"""Past the dynamic provider server's 4 worker threads.

Pulumi's Python SDK serves a dynamic provider with ``grpc.server(futures.ThreadPoolExecutor(max_workers=4))``
(``pulumi/dynamic/__main__.py``, the same in every SDK version this package allows, 3.216 to 3.x),
and nothing makes that number configurable. Every provider call holds one of those threads until it
returns, so at most 4 run at once whatever ``pulumi up --parallel`` says: while 4 creates of
Conversation Configurations wait for their Operations, every other call queues.

So the first provider call in the server process (``configure``, run in one of those worker threads)
finds the executor that runs it and raises its thread limit to :data:`PROVIDER_THREADS`. The executor
then starts a thread per call the engine sends, up to that number; idle threads are reused. The
engine's own limit (``--parallel``, default 4 x CPUs) still decides how many calls it sends at once:
this only stops the provider from queueing them behind 4 threads.

When it cannot apply (not a ``concurrent.futures.ThreadPoolExecutor``, or its internals differ in a
later Python or SDK), the provider keeps today's 4 threads and prints one warning. Outside the
dynamic provider server (unit tests, a program calling the provider directly) nothing is done.

A ``max_workers`` setting of Pulumi's own (an option of ``pulumi.dynamic``, or an environment
variable read by ``pulumi/dynamic/__main__.py``) would make all of this unnecessary.
"""

from __future__ import annotations

import gc
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

#: Threads the provider server may run at once (calls beyond wait in its queue, as before). It is at
#: most the ``httpx`` connection pool (100), so that no call waits for a connection.
PROVIDER_THREADS = 64

_lock = threading.Lock()
_attempted = False


def in_provider_server() -> bool:
    """Whether this process is Pulumi's dynamic provider server (``python -m pulumi.dynamic``)."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    return getattr(spec, "name", None) == "pulumi.dynamic.__main__"


def serving_executor() -> ThreadPoolExecutor | None:
    """The ``ThreadPoolExecutor`` whose worker thread is running this code, if any."""
    me = threading.current_thread()
    for candidate in gc.get_objects():
        if isinstance(candidate, ThreadPoolExecutor) and me in getattr(candidate, "_threads", ()):
            return candidate
    return None


def widen(executor: ThreadPoolExecutor, threads: int) -> None:
    """Let ``executor`` run up to ``threads`` work items at once (never fewer than it already may),
    and start threads for the items already queued.

    Raises:
        TypeError: the executor does not have the internals of CPython's ``ThreadPoolExecutor``
            (``_max_workers``, ``_adjust_thread_count``, ``_work_queue``, ``_shutdown_lock``).
    """
    current = getattr(executor, "_max_workers", None)
    adjust = getattr(executor, "_adjust_thread_count", None)
    queue = getattr(executor, "_work_queue", None)
    lock = getattr(executor, "_shutdown_lock", None)
    if not isinstance(current, int) or not callable(adjust) or queue is None or lock is None:
        raise TypeError(f"{type(executor).__name__} has not the internals of concurrent.futures.ThreadPoolExecutor")
    with lock:
        executor._max_workers = max(current, threads)
        for _ in range(queue.qsize()):  # calls queued before now get threads too
            adjust()


def lift_worker_limit(threads: int = PROVIDER_THREADS) -> str | None:
    """Raise the provider server's thread limit to ``threads``, once per process.

    Returns a warning to show when it could not be done (``None`` when done, already attempted, or
    not running in the dynamic provider server).
    """
    global _attempted
    with _lock:
        if _attempted:
            return None
        _attempted = True
    if not in_provider_server():
        return None
    try:
        executor = serving_executor()
        if executor is None:
            raise TypeError("provider calls do not run on a concurrent.futures.ThreadPoolExecutor")
        widen(executor, threads)
    except Exception as exc:
        return (
            f"the dynamic provider server keeps its own thread limit, so at most 4 provider calls run at once "
            f"(asynchronous Operations wait in turn): {exc}"
        )
    return None


_frozen = False


def freeze_import_heap() -> bool:
    """Once per dynamic provider server process: move every object that exists by now (the imported
    modules of Pulumi, gRPC, pydantic and this package: some 70,000 objects the collector tracks)
    into the garbage collector's permanent generation (:func:`gc.freeze`). They live as long as the
    process anyway, and the collector's full collections, which the provider's many small
    allocations trigger, then no longer scan them (``bench/scale.py``'s provider cost over plain
    httpx fell from 1.27x to 1.20x wall when its process did the same).

    Returns whether it froze (not outside the provider server, nor twice).
    """
    global _frozen
    with _lock:
        if _frozen or not in_provider_server():
            return False
        _frozen = True
    gc.collect()
    gc.freeze()
    return True
