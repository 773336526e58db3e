"""The runner's scheduling, with an executor that records what it is asked to run (no engine needed here:
tests/integration/test_fleet.py runs the real one)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from pulumi_twilio_intelligence.fleet import Fleet, TenantResult
from pulumi_twilio_intelligence.fleet import runner as runner_module
from pulumi_twilio_intelligence.fleet.results import Operation, first_line_with_fix
from pulumi_twilio_intelligence.fleet.stacks import FleetContext, Progress

ACCOUNT_A = "AC" + "a" * 32
ACCOUNT_B = "AC" + "b" * 32


def write_fleet(tmp_path: Path, tenants: list[tuple[str, str]]) -> Path:
    lines = ["project: p", "program: mod:fn", "tenants:"]
    for name, account in tenants:
        lines += [f"  - name: {name}", f"    account_sid: {account}", "    auth_token_env: TOKEN"]
    path = tmp_path / "fleet.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


class Recorder:
    """Runs nothing; counts tenants at once per account and answers as ``answers`` says."""

    name = "recorder"

    def __init__(self, answers: dict[str, list[str]] | None = None) -> None:
        self.answers = answers or {}
        self.lock = threading.Lock()
        self.running: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.calls: list[str] = []

    def run(self, ctx: FleetContext, tenant: str, operation: Operation, progress: Progress) -> TenantResult:
        account = ctx.account_key(ctx.tenant(tenant))
        with self.lock:
            self.calls.append(tenant)
            self.running[account] += 1
            self.peak[account] = max(self.peak[account], self.running[account])
            answers = self.answers.get(tenant, [])
            answer = answers.pop(0) if answers else ""
        time.sleep(0.05)
        with self.lock:
            self.running[account] -= 1
        if answer:
            return TenantResult(tenant=tenant, operation=operation, result="failed", error=first_line_with_fix(answer))
        return TenantResult(tenant=tenant, operation=operation, result="succeeded", changes={"create": 3})

    def close(self) -> None:
        pass


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "_backoff_seconds", lambda attempt: 0.0)


def test_one_tenants_failure_never_stops_the_others(tmp_path: Path) -> None:
    fleet = Fleet.load(write_fleet(tmp_path, [(f"t{i}", ACCOUNT_A) for i in range(5)]), env={})
    recorder = Recorder({"t1": ["error: the emulator said no: 400 Bad Request"]})
    report = fleet.up(executor=recorder, parallel=2)
    assert [r.tenant for r in report.results] == ["t0", "t1", "t2", "t3", "t4"]
    assert [r.result for r in report.results] == ["succeeded", "failed", "succeeded", "succeeded", "succeeded"]
    assert not report.ok
    assert report.records()[1] == {
        "tenant": "t1",
        "result": "failed",
        "changes": {},
        "seconds": 0.0,
        "error": "error: the emulator said no: 400 Bad Request",
    }


def test_429s_slow_that_account_down_and_put_the_tenant_back_instead_of_failing_it(tmp_path: Path) -> None:
    tenants = [(f"a{i}", ACCOUNT_A) for i in range(8)] + [(f"b{i}", ACCOUNT_B) for i in range(4)]
    fleet = Fleet.load(write_fleet(tmp_path, tenants), env={})
    throttled = "error: POST /v3/ControlPlane/Operators: 429 Too Many Requests (Twilio error 20429)"
    recorder = Recorder({"a0": [throttled, throttled], "a1": [throttled]})
    report = fleet.up(executor=recorder, parallel=8, account_concurrency=4)
    assert report.ok, report.records()
    assert Counter(recorder.calls)["a0"] == 3 and Counter(recorder.calls)["a1"] == 2
    assert recorder.peak[ACCOUNT_A] <= 4 and recorder.peak[ACCOUNT_B] <= 4


def test_a_tenant_throttled_every_time_fails_with_the_fix(tmp_path: Path) -> None:
    fleet = Fleet.load(write_fleet(tmp_path, [("t0", ACCOUNT_A)]), env={})
    recorder = Recorder({"t0": ["error: 429 Too Many Requests (20429)"] * 10})
    (result,) = fleet.up(executor=recorder).results
    assert result.result == "failed"
    assert result.error is not None and "lower --parallel or --account-concurrency" in result.error
    assert len(recorder.calls) == runner_module.THROTTLE_RETRIES + 1


def test_account_concurrency_caps_tenants_at_once_per_account(tmp_path: Path) -> None:
    fleet = Fleet.load(write_fleet(tmp_path, [(f"t{i}", ACCOUNT_A) for i in range(6)]), env={})
    recorder = Recorder()
    assert fleet.up(executor=recorder, parallel=6, account_concurrency=2).ok
    assert recorder.peak[ACCOUNT_A] == 2


def test_only_and_the_bounds_of_numbers(tmp_path: Path) -> None:
    fleet = Fleet.load(write_fleet(tmp_path, [("t0", ACCOUNT_A), ("t1", ACCOUNT_A)]), env={})
    recorder = Recorder()
    assert [r.tenant for r in fleet.up(executor=recorder, only=["t1"]).results] == ["t1"]
    with pytest.raises(ValueError, match="no tenant nope"):
        fleet.up(executor=recorder, only=["nope"])
    with pytest.raises(ValueError, match="parallel: 0 must be between 1 and 256"):
        fleet.up(executor=recorder, parallel=0)
    with pytest.raises(ValueError, match="prune: goes with preview, up or destroy, not with refresh"):
        fleet.refresh(executor=recorder, prune=True)
    with pytest.raises(ValueError, match="account_concurrency: 999"):
        fleet.up(executor=recorder, account_concurrency=999)
