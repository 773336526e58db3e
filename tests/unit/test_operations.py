"""The Operation poller: Retry-After, backoff, COMPLETED, FAILED, statuses the enum does not list,
our own timeout, replayed Operations and where to poll (``statusUrl``, ``Location``, relative URLs)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_twilio_intelligence.client import (
    CONVERSATION_CONFIGURATIONS,
    AcceptedOperation,
    Collection,
    TwilioClient,
    wait_for_operation,
)
from pulumi_twilio_intelligence.emulator import ManualClock
from pulumi_twilio_intelligence.errors import OperationFailedError, OperationTimeoutError, UnexpectedResponseError
from pulumi_twilio_intelligence.models import ConversationConfigurationCreate
from pulumi_twilio_intelligence.testing import InProcessEmulator

from .conftest import CONVERSATION, FakeTime, fake_client, undocumented_client

BODY = ConversationConfigurationCreate.from_python({k: v for k, v in CONVERSATION.items() if k != "__name"}).to_wire()
STATUS_URL = "https://conversations.twilio.com/v2/ControlPlane/Operations/proc_job_01h9d8r0vte3hz8tykdj329t7r"


@pytest.fixture
def configurations(client: TwilioClient) -> Collection:
    return Collection(client, CONVERSATION_CONFIGURATIONS)


def test_waits_for_retry_after_then_completes(
    twilio: InProcessEmulator, configurations: Collection, fake_time: FakeTime
) -> None:
    twilio.faults.update(operation_delay=5)  # PENDING for 5 s: Retry-After 5 on the 202 and on every poll
    result = configurations.create(BODY)
    assert result.operation is not None and result.operation.status == "COMPLETED"
    assert fake_time.sleeps == [5.0]  # the 202's Retry-After, then one poll finds it COMPLETED
    assert twilio.request_counts() == {
        "POST /v2/ControlPlane/Configurations": 1,
        "GET /v2/ControlPlane/Operations/{id}": 1,
        "GET /v2/ControlPlane/Configurations/{id}": 1,
    }


def test_a_failed_operation_raises_with_the_problem_and_the_write(
    twilio: InProcessEmulator, configurations: Collection, fake_time: FakeTime
) -> None:
    twilio.faults.update(fail_operations=1.0)
    with pytest.raises(OperationFailedError) as err:
        configurations.create(BODY)
    error = err.value
    assert (error.status, error.replayed) == (500, False)
    assert error.details["title"] == "Internal error"
    assert (
        error.details["instance"] == f"https://conversations.twilio.com/v2/ControlPlane/Operations/{error.operation_id}"
    )
    assert str(error).startswith(
        f"POST /v2/ControlPlane/Configurations failed with HTTP 500: Operation {error.operation_id} FAILED: "
        "Internal error: The operation failed (injected by the emulator)."
    )


def test_times_out_on_our_own_deadline(twilio: InProcessEmulator, client: TwilioClient, fake_time: FakeTime) -> None:
    twilio.faults.update(stuck_operations=1.0, operation_delay=5)
    short = TwilioClient(twilio.settings(operation_timeout=12))
    with pytest.raises(OperationTimeoutError, match="still PENDING after 12 seconds"):
        Collection(short, CONVERSATION_CONFIGURATIONS).create(BODY)
    assert fake_time.sleeps == [5.0, 5.0, 2.0]  # Retry-After, never past the deadline
    assert fake_time.now == 12.0


def _operation(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "operationId": "proc_job_01h9d8r0vte3hz8tykdj329t7r",
        "status": status,
        "createdAt": "2026-01-01T00:00:00Z",
        "statusUrl": STATUS_URL,
        **extra,
    }


def _accepted(retry_after: float | None) -> AcceptedOperation:
    return AcceptedOperation("proc_job_01h9d8r0vte3hz8tykdj329t7r", STATUS_URL, {}, retry_after, accepted_at=0.0)


def test_without_retry_after_polls_back_off(fake_time: FakeTime) -> None:
    answers = iter(
        [httpx.Response(200, json=_operation("PENDING"))] * 5
        + [httpx.Response(200, json=_operation("COMPLETED", completedAt="2026-01-01T00:00:09Z"))]
    )
    client, fake = fake_client(lambda _request: next(answers))
    assert wait_for_operation(client, _accepted(None), timeout=60).status == "COMPLETED"
    assert len(fake.requests) == 6
    # 0.25 s doubling, each within 20 % jitter: 0.25, 0.5, 1, 2, 4
    for wait, base in zip(fake_time.sleeps, (0.25, 0.5, 1.0, 2.0, 4.0), strict=True):
        assert base * 0.8 <= wait <= base * 1.2


def test_a_status_outside_the_enum_counts_as_pending(fake_time: FakeTime) -> None:
    # the API description says PENDING -> RUNNING -> COMPLETED, the enum has no RUNNING: not documented,
    # so this fake is deliberately not checked against the documents
    answers = iter([_operation("RUNNING"), _operation("COMPLETED")])
    client = undocumented_client(lambda _request: httpx.Response(200, json=next(answers)))
    assert wait_for_operation(client, _accepted(1.0), timeout=60).status == "COMPLETED"
    assert fake_time.sleeps[0] == 1.0 and len(fake_time.sleeps) == 2


def test_an_answer_that_is_not_an_operation_is_a_twilio_error(fake_time: FakeTime) -> None:
    client = undocumented_client(lambda _request: httpx.Response(200, json={"operationId": "proc_job_1"}))
    with pytest.raises(UnexpectedResponseError) as err:
        wait_for_operation(client, _accepted(None), timeout=60)
    assert str(err.value) == (
        "GET /v2/ControlPlane/Operations/proc_job_01h9d8r0vte3hz8tykdj329t7r: Twilio's answer does not have the "
        "documented shape of Operation (status: is required; createdAt: is required; statusUrl: is required)"
    )


@pytest.mark.parametrize(
    ("body", "location", "expected"),
    [
        ({"statusUrl": STATUS_URL}, None, STATUS_URL),
        ({}, STATUS_URL, STATUS_URL),  # no statusUrl in the body: the Location header
        ({}, "/v2/ControlPlane/Operations/proc_job_2", "http://127.0.0.1:9/v2/ControlPlane/Operations/proc_job_2"),
        ({"statusUrl": "Operations/proc_job_3"}, None, "http://127.0.0.1:9/v2/ControlPlane/Operations/proc_job_3"),
    ],
)
def test_where_to_poll_is_resolved_against_the_request(
    body: dict[str, Any], location: str | None, expected: str
) -> None:
    request = httpx.Request("POST", "http://127.0.0.1:9/v2/ControlPlane/Configurations")
    headers = {"Location": location} if location else {}
    response = httpx.Response(202, json=body, headers=headers, request=request)
    accepted = AcceptedOperation.from_response(response, now=123.0)
    assert (accepted.status_url, accepted.method, accepted.path) == (
        expected,
        "POST",
        "/v2/ControlPlane/Configurations",
    )
    assert accepted.accepted_at == 123.0  # no Date header: the local time given


def test_a_202_without_any_status_url_is_a_twilio_error() -> None:
    request = httpx.Request("POST", "https://conversations.twilio.com/v2/ControlPlane/Configurations")
    with pytest.raises(UnexpectedResponseError, match="POST /v2/ControlPlane/Configurations answered 202 without"):
        AcceptedOperation.from_response(httpx.Response(202, json={}, request=request), now=0.0)


def test_replays_are_told_by_twilios_clock_not_ours(
    twilio: InProcessEmulator, clock: ManualClock, configurations: Collection
) -> None:
    """The emulator's clock is far from ours (it starts on 2026-01-01): a fresh Operation is fresh,
    a replayed one (same Idempotency-Key, a minute later by Twilio's clock) is a replay."""
    twilio.faults.update(fail_operations=1.0)
    key = "01890a5d-aa0f-7c80-b8e6-0242ac140004"
    with pytest.raises(OperationFailedError) as fresh:
        configurations.create(BODY, idempotency_key=key)
    assert fresh.value.replayed is False
    clock.advance(60)
    with pytest.raises(OperationFailedError) as replayed:
        configurations.create(BODY, idempotency_key=key)
    assert replayed.value.replayed is True and replayed.value.operation_id == fresh.value.operation_id
