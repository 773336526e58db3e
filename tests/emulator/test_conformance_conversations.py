"""Conversations v2 ControlPlane: Configurations (asynchronous writes) and Operations.

Every response is also checked against the official document by the autouse fixture of
``conftest.py`` (schemas, the 202 headers ``Operation-Id``/``Location``/``Retry-After``, error bodies).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import Faults, InProcessEmulator, mock_twilio

from .payloads import (
    CONVERSATIONS,
    IDEMPOTENCY_KEY,
    INTELLIGENCE,
    MEMORY_STORE_ID,
    OTHER_MEMORY_STORE_ID,
    conversation_configuration_body,
)

CONFIGURATIONS = f"{CONVERSATIONS}/Configurations"
OPERATIONS = f"{CONVERSATIONS}/Operations"
BRIDGE = {"serviceId": "IS" + "0" * 32}


@pytest.fixture
def http(twilio: InProcessEmulator) -> httpx.Client:
    # not closed: closing an httpx.Client closes its transport, the emulator's
    return twilio.http_client()


def accepted(response: httpx.Response) -> tuple[str, str]:
    """Check a 202 answer; return ``(configuration id, operation id)``."""
    assert response.status_code == 202, response.text
    body = response.json()
    operation_id = response.headers["Operation-Id"]
    assert body["statusUrl"] == response.headers["Location"] == f"{OPERATIONS}/{operation_id}"
    assert int(response.headers["Retry-After"]) >= 0
    return body["related"]["configurationId"], operation_id


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


def create(http: httpx.Client, **overrides: Any) -> str:
    configuration_id, _ = accepted(http.post(CONFIGURATIONS, json=conversation_configuration_body(**overrides)))
    return configuration_id


class Clock:
    """A clock the test moves by hand (seconds since the epoch)."""

    def __init__(self) -> None:
        self.now = 1_767_225_600.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def slow() -> Iterator[tuple[InProcessEmulator, Clock]]:
    """An emulator whose Operations stay PENDING for 5 seconds of a hand-moved clock."""
    clock = Clock()
    with mock_twilio(seed=7, clock=clock, faults=Faults(operation_delay=5)) as emulator:
        yield emulator, clock


# -- create and operations --------------------------------------------------------------------


def test_create_configuration_is_an_operation(http: httpx.Client) -> None:
    configuration_id, operation_id = accepted(
        http.post(CONFIGURATIONS, json=conversation_configuration_body(conversationsV1Bridge=BRIDGE))
    )
    operation = http.get(f"{OPERATIONS}/{operation_id}")
    assert operation.status_code == 200
    body = operation.json()
    assert (body["operationId"], body["status"]) == (operation_id, "COMPLETED")
    assert body["related"] == {"configurationId": configuration_id}
    assert body["completedAt"]
    fetched = http.get(f"{CONFIGURATIONS}/{configuration_id}")
    assert fetched.status_code == 200
    configuration = fetched.json()
    assert configuration["displayName"] == "Support"
    assert configuration["statusCallbacks"] == [{"url": "https://example.com/hook", "method": "POST"}]
    assert configuration["conversationsV1Bridge"] == BRIDGE
    assert configuration["version"] == 1


def test_operation_stays_pending_until_it_is_due(slow: tuple[InProcessEmulator, Clock]) -> None:
    emulator, clock = slow
    http = emulator.http_client()
    configuration_id, operation_id = accepted(http.post(CONFIGURATIONS, json=conversation_configuration_body()))
    pending = http.get(f"{OPERATIONS}/{operation_id}")
    assert pending.json()["status"] == "PENDING"
    assert pending.headers["Retry-After"] == "5"
    assert "completedAt" not in pending.json()
    error(http.get(f"{CONFIGURATIONS}/{configuration_id}"), 404)
    clock.now += 5
    assert http.get(f"{OPERATIONS}/{operation_id}").json()["status"] == "COMPLETED"
    assert http.get(f"{CONFIGURATIONS}/{configuration_id}").status_code == 200


def test_failed_operation_reports_problem_details() -> None:
    with mock_twilio(seed=7, faults=Faults(fail_operations=1.0)) as emulator:
        http = emulator.http_client()
        configuration_id, operation_id = accepted(http.post(CONFIGURATIONS, json=conversation_configuration_body()))
        body = http.get(f"{OPERATIONS}/{operation_id}").json()
        assert body["status"] == "FAILED"
        assert body["error"]["status"] == 500
        assert body["error"]["instance"] == body["statusUrl"]
        error(http.get(f"{CONFIGURATIONS}/{configuration_id}"), 404)


def test_fetch_unknown_operation_is_404(http: httpx.Client) -> None:
    error(http.get(f"{OPERATIONS}/proc_job_01h9d8r0vte3hz8tykdj329t7r"), 404)


@pytest.mark.parametrize(
    "body",
    [
        {k: v for k, v in conversation_configuration_body().items() if k != "memoryStoreId"},
        conversation_configuration_body(displayName="no/slashes"),
        conversation_configuration_body(displayName="x" * 33),
        conversation_configuration_body(description="x" * 513),
        conversation_configuration_body(conversationGroupingType="GROUP_BY_MOOD"),
        conversation_configuration_body(statusCallbacks=[{"url": "https://example.com"}] * 3),
        conversation_configuration_body(statusCallbacks=[{"url": "https://example.com", "method": "PUT"}]),
        conversation_configuration_body(intelligenceConfigurationIds=["intelligence_configuration_unknown"]),
        conversation_configuration_body(conversationsV1Bridge={"serviceId": "IS123"}),
        conversation_configuration_body(channelSettings={"SMS": {"statusTimeouts": {"inactive": 0}}}),
    ],
    ids=[
        "no-memory-store",
        "name-pattern",
        "long-name",
        "long-description",
        "bad-grouping",
        "three-callbacks",
        "bad-method",
        "unknown-intelligence",
        "bad-bridge",
        "zero-timeout",
    ],
)
def test_create_configuration_rejects_invalid_bodies(http: httpx.Client, body: dict[str, Any]) -> None:
    error(http.post(CONFIGURATIONS, json=body), 400)


def test_create_configuration_with_a_bridged_service_twice_is_409(http: httpx.Client) -> None:
    first = create(http, conversationsV1Bridge=BRIDGE)
    response = http.post(CONFIGURATIONS, json=conversation_configuration_body(conversationsV1Bridge=BRIDGE))
    error(response, 409)
    assert response.headers["X-Conflicting-Resource-Id"] == first


def test_idempotency_key_replays_the_original_answer(http: httpx.Client) -> None:
    headers = {"Idempotency-Key": IDEMPOTENCY_KEY}
    first = http.post(CONFIGURATIONS, json=conversation_configuration_body(), headers=headers)
    again = http.post(CONFIGURATIONS, json=conversation_configuration_body(), headers=headers)
    assert accepted(first) == accepted(again)
    assert len(http.get(CONFIGURATIONS).json()["configurations"]) == 1
    other = http.post(CONFIGURATIONS, json=conversation_configuration_body(displayName="Other"), headers=headers)
    error(other, 409)
    assert other.headers["X-Conflicting-Resource-Id"] == accepted(first)[0]
    error(http.post(CONFIGURATIONS, json=conversation_configuration_body(), headers={"Idempotency-Key": "k1"}), 400)


# -- list and fetch ---------------------------------------------------------------------------


def test_list_configurations_filters_by_memory_store(http: httpx.Client) -> None:
    ids = [create(http, displayName=f"c{i}") for i in range(3)]
    other = create(http, memoryStoreId=OTHER_MEMORY_STORE_ID)
    everything = http.get(CONFIGURATIONS)
    assert everything.status_code == 200
    body = everything.json()
    assert body["meta"] == {"key": "configurations", "pageSize": 4}
    assert [c["id"] for c in body["configurations"]] == [*ids, other]
    filtered = http.get(CONFIGURATIONS, params={"memoryStoreId": MEMORY_STORE_ID, "pageSize": 2}).json()
    assert [c["id"] for c in filtered["configurations"]] == ids[:2]
    rest = http.get(
        CONFIGURATIONS,
        params={"memoryStoreId": MEMORY_STORE_ID, "pageSize": 2, "pageToken": filtered["meta"]["nextToken"]},
    ).json()
    assert [c["id"] for c in rest["configurations"]] == ids[2:]
    assert "nextToken" not in rest["meta"]


@pytest.mark.parametrize(
    "params", [{"memoryStoreId": "memora_service_123"}, {"pageSize": 0}, {"pageToken": "%%"}, {"pageToken": ""}]
)
def test_list_configurations_rejects_bad_parameters(http: httpx.Client, params: dict[str, Any]) -> None:
    error(http.get(CONFIGURATIONS, params=params), 400)


def test_fetch_unknown_configuration_is_404(http: httpx.Client) -> None:
    error(http.get(f"{CONFIGURATIONS}/conv_configuration_01h9d8r0vte3hz8tykdj329t7r"), 404)


# -- update, patch, delete --------------------------------------------------------------------


def test_put_replaces_the_configuration(http: httpx.Client) -> None:
    configuration_id = create(http)
    replacement = {
        "description": "Chat only",
        "conversationGroupingType": "GROUP_BY_PARTICIPANT_ADDRESSES",
        "memoryStoreId": OTHER_MEMORY_STORE_ID,
        "channelSettings": {"CHAT": {"captureRules": [{"from": "*", "to": "*"}]}},
    }
    target, _ = accepted(http.put(f"{CONFIGURATIONS}/{configuration_id}", json=replacement))
    assert target == configuration_id
    body = http.get(f"{CONFIGURATIONS}/{configuration_id}").json()
    assert body["displayName"] == "Support"  # not part of PUT's required set: kept
    assert body["channelSettings"] == replacement["channelSettings"]
    assert "statusCallbacks" not in body  # a full replacement
    assert body["memoryExtractionEnabled"] is False
    assert body["version"] == 2


def test_put_errors(http: httpx.Client) -> None:
    configuration_id = create(http)
    no_channels = {k: v for k, v in conversation_configuration_body().items() if k != "channelSettings"}
    error(http.put(f"{CONFIGURATIONS}/{configuration_id}", json=no_channels), 400)
    error(http.put(f"{CONFIGURATIONS}/conv_configuration_unknown", json=conversation_configuration_body()), 404)


def test_patch_changes_only_the_fields_sent(http: httpx.Client) -> None:
    configuration_id = create(http, channelSettings={"VOICE": {}, "SMS": {}})
    patch = {"description": "patched", "channelSettings": {"SMS": None, "CHAT": {"statusTimeouts": {"closed": 5}}}}
    accepted(http.patch(f"{CONFIGURATIONS}/{configuration_id}", json=patch))
    body = http.get(f"{CONFIGURATIONS}/{configuration_id}").json()
    assert body["description"] == "patched"
    assert body["displayName"] == "Support"
    assert body["channelSettings"] == {"VOICE": {}, "CHAT": {"statusTimeouts": {"closed": 5}}}
    assert body["version"] == 2


def test_patch_errors(http: httpx.Client) -> None:
    configuration_id = create(http)
    error(http.patch(f"{CONFIGURATIONS}/{configuration_id}", json={"displayName": "x" * 33}), 400)
    error(http.patch(f"{CONFIGURATIONS}/conv_configuration_unknown", json={"description": "x"}), 404)


def test_delete_configuration(http: httpx.Client) -> None:
    configuration_id = create(http)
    target, operation_id = accepted(http.delete(f"{CONFIGURATIONS}/{configuration_id}"))
    assert target == configuration_id
    assert http.get(f"{OPERATIONS}/{operation_id}").json()["status"] == "COMPLETED"
    error(http.get(f"{CONFIGURATIONS}/{configuration_id}"), 404)
    error(http.delete(f"{CONFIGURATIONS}/{configuration_id}"), 404)


def test_attached_intelligence_configuration_cannot_be_deleted(http: httpx.Client) -> None:
    intelligence = http.post(f"{INTELLIGENCE}/Configurations", json={"displayName": "ci", "rules": []}).json()
    configuration_id = create(http, intelligenceConfigurationIds=[intelligence["id"]])
    assert http.delete(f"{INTELLIGENCE}/Configurations/{intelligence['id']}").status_code == 409
    accepted(http.patch(f"{CONFIGURATIONS}/{configuration_id}", json={"intelligenceConfigurationIds": []}))
    assert http.delete(f"{INTELLIGENCE}/Configurations/{intelligence['id']}").status_code == 204


def test_requests_need_valid_credentials(twilio: InProcessEmulator) -> None:
    error(httpx.Client(transport=twilio.transport).get(CONFIGURATIONS), 401)
    wrong = httpx.Client(transport=twilio.transport, auth=("AC" + "0" * 32, "wrong"))
    error(wrong.post(CONFIGURATIONS, json=conversation_configuration_body()), 401)
