"""The Operation poller: Retry-After, backoff, COMPLETED, FAILED and our own timeout."""

from __future__ import annotations

import httpx
import pytest

from pulumi_twilio_intelligence.client import AcceptedOperation, TwilioClient, wait_for_operation
from pulumi_twilio_intelligence.config import Settings
from pulumi_twilio_intelligence.errors import OperationFailedError, OperationTimeoutError

URL = "https://conversations.twilio.com/v2/ControlPlane/Operations/proc_job_1"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def _client(statuses: list[tuple[str, dict[str, str]]]) -> TwilioClient:
    answers = iter(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        status, headers = next(answers)
        body = {"operationId": "proc_job_1", "status": status, "createdAt": "2026-01-01T00:00:00Z", "statusUrl": URL}
        if status == "FAILED":
            body["error"] = {
                "type": "https://www.twilio.com/docs/errors/20400",
                "title": "Bad Request",
                "status": 400,
                "detail": "intelligence configuration missing",
            }
        return httpx.Response(200, json=body, headers=headers)

    return TwilioClient(
        Settings(account_sid="AC" + "1" * 32, auth_token="test-token"), transport=httpx.MockTransport(handler)
    )


def _accepted(retry_after: float | None = 2.0) -> AcceptedOperation:
    return AcceptedOperation("proc_job_1", URL, {"configurationId": "conv_configuration_1"}, retry_after)


def test_honours_retry_after_then_completes() -> None:
    clock = FakeClock()
    client = _client([("PENDING", {"Retry-After": "3"}), ("COMPLETED", {})])
    op = wait_for_operation(client, _accepted(2.0), timeout=60, sleep=clock.sleep, clock=clock)
    assert op.status == "COMPLETED"
    assert clock.sleeps == [2.0, 3.0]


def test_backs_off_without_retry_after() -> None:
    clock = FakeClock()
    client = _client([("PENDING", {})] * 4 + [("COMPLETED", {})])
    wait_for_operation(client, _accepted(None), timeout=60, sleep=clock.sleep, clock=clock)
    assert len(clock.sleeps) == 4
    assert clock.sleeps[-1] > clock.sleeps[0] * 3  # the interval grows


def test_failed_raises_with_problem_details() -> None:
    clock = FakeClock()
    client = _client([("FAILED", {})])
    with pytest.raises(OperationFailedError) as err:
        wait_for_operation(client, _accepted(0.0), timeout=60, sleep=clock.sleep, clock=clock)
    assert err.value.status == 400
    assert "intelligence configuration missing" in str(err.value)
    assert err.value.operation_id == "proc_job_1"


def test_times_out_on_our_own_deadline() -> None:
    clock = FakeClock()
    client = _client([("PENDING", {"Retry-After": "5"})] * 100)
    with pytest.raises(OperationTimeoutError, match="still PENDING after 12 seconds"):
        wait_for_operation(client, _accepted(5.0), timeout=12, sleep=clock.sleep, clock=clock)
    assert sum(clock.sleeps) <= 12
