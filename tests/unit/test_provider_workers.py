"""The provider lifts the dynamic provider server's 4-thread limit from inside, or warns once."""

from __future__ import annotations

import gc
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from pulumi_twilio_intelligence.resources import _workers


def test_the_serving_executor_is_widened_from_one_of_its_own_threads() -> None:
    """8 calls that can only finish together (a barrier of 8): with 4 threads they never would."""
    barrier = threading.Barrier(8, timeout=60)
    with ThreadPoolExecutor(max_workers=4) as pool:

        def first_call() -> bool:
            executor = _workers.serving_executor()
            assert executor is pool
            _workers.widen(executor, 16)
            barrier.wait()
            return True

        futures = [pool.submit(first_call)] + [pool.submit(barrier.wait) for _ in range(7)]
        for future in futures:
            future.result(timeout=120)  # a BrokenBarrierError here: fewer than 8 ran at once
        assert pool._max_workers == 16  # type: ignore[attr-defined]


def test_widen_never_lowers_the_limit() -> None:
    with ThreadPoolExecutor(max_workers=100) as pool:
        _workers.widen(pool, 16)
        assert pool._max_workers == 100  # type: ignore[attr-defined]


def test_outside_the_provider_server_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_workers, "_attempted", False)
    assert not _workers.in_provider_server()
    assert _workers.lift_worker_limit() is None


def test_when_it_cannot_apply_it_warns_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_workers, "_attempted", False)
    monkeypatch.setattr(_workers, "in_provider_server", lambda: True)
    # called from the test's main thread: no ThreadPoolExecutor runs it
    warning = _workers.lift_worker_limit()
    assert warning is not None and "at most 4 provider calls run at once" in warning
    assert _workers.lift_worker_limit() is None  # a single warning per process


def test_an_executor_without_the_expected_internals_is_refused() -> None:
    class Elsewhere:
        _max_workers = "4"

    with pytest.raises(TypeError, match="internals"):
        _workers.widen(Elsewhere(), 16)  # type: ignore[arg-type]


def test_the_import_heap_is_frozen_once_and_only_in_the_provider_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_workers, "_frozen", False)
    assert _workers.freeze_import_heap() is False  # a test process is not the provider server
    assert gc.get_freeze_count() == 0
    monkeypatch.setattr(_workers, "in_provider_server", lambda: True)
    try:
        assert _workers.freeze_import_heap() is True
        frozen = gc.get_freeze_count()
        assert frozen > 1000  # the imported modules' objects
        assert _workers.freeze_import_heap() is False  # once per process
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
