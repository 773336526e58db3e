"""Conversations v2 Configurations: asynchronous writes (Operations), PUT/PATCH semantics, validation,
the memoryStoreId filter, referential integrity and Idempotency-Key. A ManualClock drives time."""

from __future__ import annotations

import re

import pytest

from pulumi_twilio_intelligence.emulator import Faults, ManualClock
from tests.emulator.helpers import (
    CONVERSATION_CONFIGURATION,
    CONVERSATION_CONFIGURATIONS,
    INTELLIGENCE_CONFIGURATION,
    MEMORY_STORE,
    OPERATION,
    OTHER_MEMORY_STORE,
    OTHER_UUID_KEY,
    UUID_KEY,
    accepted,
    call,
    conversation_body,
    create_conversation,
    create_intelligence,
    expect,
    operation,
    url,
)

DELAY = 5  # seconds an Operation stays PENDING
CONFIGURATION_ID = re.compile(r"^conv_configuration_[0-7][0-9a-z]{25}$")
OPERATION_ID = re.compile(r"^proc_job_[0-7][0-9a-z]{25}$")
BRIDGE = {"serviceId": "IS" + "0" * 32}
VOICE = {"captureRules": [{"from": "*", "to": "+18888888888"}]}
SMS = {"statusTimeouts": {"inactive": 10, "closed": 15}}


@pytest.fixture
def twilio_emulator_options(twilio_emulator_options):
    """Every test gets its own clock; Operations stay PENDING for DELAY seconds of it. The documented
    PATCH is served here (live Twilio answers 405: test_live_behaviour.py)."""
    faults = Faults(operation_delay=DELAY, documented_patch=True)
    return {**twilio_emulator_options, "clock": ManualClock(), "faults": faults}


@pytest.fixture
def clock(twilio_emulator):
    return twilio_emulator.clock


def fetch(http, configuration_id):
    return expect(call(http, "GET", CONVERSATION_CONFIGURATION, id=configuration_id), 200)


def completed(http, clock, operation_id):
    """Let the Operation's time come and return it (COMPLETED or FAILED)."""
    clock.advance(DELAY)
    return operation(http, operation_id)


def test_create_is_202_with_an_operation_and_becomes_visible_when_it_completes(twilio_http, clock):
    response = call(
        twilio_http,
        "POST",
        CONVERSATION_CONFIGURATIONS,
        json=conversation_body(statusCallbacks=[{"url": "https://a.b/c"}]),
    )
    body = expect(response, 202)
    configuration_id, operation_id = body["related"]["configurationId"], response.headers["Operation-Id"]
    assert CONFIGURATION_ID.match(configuration_id) and OPERATION_ID.match(operation_id)
    assert body["statusUrl"] == response.headers["Location"] == url(OPERATION, id=operation_id)
    assert response.headers["Retry-After"] == str(DELAY)
    pending = operation(twilio_http, operation_id)
    assert (pending["status"], pending["related"]) == ("PENDING", {"configurationId": configuration_id})
    assert "completedAt" not in pending and "error" not in pending
    expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATION, id=configuration_id), 404)
    assert expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATIONS), 200)["configurations"] == []
    clock.advance(DELAY - 1)
    assert operation(twilio_http, operation_id)["status"] == "PENDING"
    done = completed(twilio_http, clock, operation_id)
    assert done["status"] == "COMPLETED" and done["completedAt"] > done["createdAt"]
    config = fetch(twilio_http, configuration_id)
    assert config == {
        "id": configuration_id,
        **conversation_body(),
        "statusCallbacks": [{"url": "https://a.b/c", "method": "POST"}],  # the documented default method
        "memoryExtractionEnabled": False,  # the documented default
        "createdAt": done["completedAt"],
        "updatedAt": done["completedAt"],
        "version": 1,
    }


def test_polling_a_pending_operation_advises_retry_after(twilio_http, clock):
    _, operation_id = create_conversation(twilio_http)
    response = call(twilio_http, "GET", OPERATION, id=operation_id)
    assert response.headers["Retry-After"] == str(DELAY)
    clock.advance(DELAY)
    response = call(twilio_http, "GET", OPERATION, id=operation_id)
    assert expect(response, 200)["status"] == "COMPLETED" and "Retry-After" not in response.headers


def _existing(http, clock, **fields):
    configuration_id, operation_id = create_conversation(http, **fields)
    assert completed(http, clock, operation_id)["status"] == "COMPLETED"
    return fetch(http, configuration_id)


def test_put_replaces_the_configuration_keeping_the_display_name_when_not_sent(twilio_http, clock):
    ic = create_intelligence(twilio_http)["id"]
    before = _existing(
        twilio_http,
        clock,
        channelSettings={"VOICE": VOICE},
        statusCallbacks=[{"url": "https://a.b/c", "method": "GET"}],
        intelligenceConfigurationIds=[ic],
        memoryExtractionEnabled=True,
        conversationsV1Bridge=BRIDGE,
    )
    replacement = {k: v for k, v in conversation_body(channelSettings={"SMS": SMS}).items() if k != "displayName"}
    response = call(twilio_http, "PUT", CONVERSATION_CONFIGURATION, id=before["id"], json=replacement)
    _, operation_id = accepted(response)
    assert fetch(twilio_http, before["id"]) == before  # not visible before the Operation completes
    assert completed(twilio_http, clock, operation_id)["status"] == "COMPLETED"
    after = fetch(twilio_http, before["id"])
    assert after == {
        "id": before["id"],
        **conversation_body(channelSettings={"SMS": SMS}),  # displayName kept: PUT does not require it
        "memoryExtractionEnabled": False,  # back to the default; the fields left out are gone
        "createdAt": before["createdAt"],
        "updatedAt": after["updatedAt"],
        "version": 2,
    }
    assert after["updatedAt"] > before["updatedAt"]


def test_patch_changes_only_what_is_sent_and_merges_channel_settings(twilio_http, clock):
    before = _existing(twilio_http, clock, channelSettings={"VOICE": VOICE, "SMS": SMS}, memoryExtractionEnabled=True)
    patch = {
        "displayName": None,  # null on a top-level field: left untouched
        "description": "Patched",
        "channelSettings": {"VOICE": None, "CHAT": VOICE},  # null removes a channel; SMS, not sent, stays
    }
    _, operation_id = accepted(call(twilio_http, "PATCH", CONVERSATION_CONFIGURATION, id=before["id"], json=patch))
    assert completed(twilio_http, clock, operation_id)["status"] == "COMPLETED"
    after = fetch(twilio_http, before["id"])
    assert after["channelSettings"] == {"SMS": SMS, "CHAT": VOICE}
    assert (after["displayName"], after["description"], after["memoryExtractionEnabled"]) == (
        "Support",
        "Patched",
        True,
    )
    assert after["version"] == 2
    _, operation_id = accepted(call(twilio_http, "PATCH", CONVERSATION_CONFIGURATION, id=before["id"], json={}))
    completed(twilio_http, clock, operation_id)
    assert fetch(twilio_http, before["id"])["version"] == 3  # every applied write counts


def test_delete_is_applied_when_its_operation_completes(twilio_http, clock):
    config = _existing(twilio_http, clock)
    response = call(twilio_http, "DELETE", CONVERSATION_CONFIGURATION, id=config["id"])
    configuration_id, operation_id = accepted(response)
    assert configuration_id == config["id"]
    assert fetch(twilio_http, config["id"]) == config
    assert completed(twilio_http, clock, operation_id)["status"] == "COMPLETED"
    for method in ("GET", "DELETE"):
        expect(call(twilio_http, method, CONVERSATION_CONFIGURATION, id=config["id"]), 404)


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_unknown_configuration_ids_are_404(twilio_http, method, clock):
    pending_id, _ = create_conversation(twilio_http)  # not created until its Operation completes
    body = {"PUT": conversation_body(channelSettings={}), "PATCH": {}}.get(method)
    for configuration_id in ("conv_configuration_01kcgy1ew0e9x8re6jq542zt8b", "nonsense", pending_id):
        error = expect(call(twilio_http, method, CONVERSATION_CONFIGURATION, id=configuration_id, json=body), 404)
        assert error["status"] == 404 and configuration_id in error["message"]


def test_unknown_operation_is_404(twilio_http):
    expect(call(twilio_http, "GET", OPERATION, id="proc_job_01kcgy1ew0e9x8re6jq542zt8b"), 404)


MISSING = object()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"displayName": MISSING}, "displayName"),
        ({"description": MISSING}, "description"),
        ({"conversationGroupingType": MISSING}, "conversationGroupingType"),
        ({"memoryStoreId": MISSING}, "memoryStoreId"),
        ({"displayName": "x" * 33}, "displayName"),
        ({"displayName": "Support!"}, "displayName"),
        ({"description": "x" * 513}, "description"),
        ({"description": None}, "description"),
        ({"conversationGroupingType": "GROUP_BY_MOOD"}, "conversationGroupingType"),
        ({"channelSettings": None}, "channelSettings"),
        (
            {"channelSettings": {"VOICE": {"statusTimeouts": {"inactive": 0}}}},
            "channelSettings.VOICE.statusTimeouts.inactive",
        ),
        ({"channelSettings": {"VOICE": {"captureRules": [{"from": "*"}]}}}, "channelSettings.VOICE.captureRules[0].to"),
        ({"channelSettings": {"VOICE": None}}, "channelSettings.VOICE"),
        ({"statusCallbacks": [{"url": "https://a.b"}] * 3}, "statusCallbacks"),
        ({"statusCallbacks": [{"url": "a.b/c"}]}, "statusCallbacks[0].url"),
        ({"statusCallbacks": [{"url": "https://a.b", "method": "PUT"}]}, "statusCallbacks[0].method"),
        ({"intelligenceConfigurationIds": ["x"] * 6}, "intelligenceConfigurationIds"),
        ({"intelligenceConfigurationIds": ["intelligence_configuration_x"]}, "intelligenceConfigurationIds[0]"),
        ({"memoryExtractionEnabled": "false"}, "memoryExtractionEnabled"),
        ({"conversationsV1Bridge": {"serviceId": "IS123"}}, "conversationsV1Bridge.serviceId"),
        ({"conversationsV1Bridge": {}}, "conversationsV1Bridge.serviceId"),
    ],
)
def test_invalid_create_bodies_are_400_naming_the_field(twilio_http, change, field):
    body = {k: v for k, v in {**conversation_body(), **change}.items() if v is not MISSING}
    error = expect(call(twilio_http, "POST", CONVERSATION_CONFIGURATIONS, json=body), 400)
    assert field in error["message"] and error["status"] == 400 and error["more_info"].startswith("https://")


@pytest.mark.parametrize("missing", ["conversationGroupingType", "channelSettings", "description", "memoryStoreId"])
def test_put_requires_its_own_required_set(twilio_http, clock, missing):
    config = _existing(twilio_http, clock)
    body = {k: v for k, v in conversation_body(channelSettings={}).items() if k != missing}
    error = expect(call(twilio_http, "PUT", CONVERSATION_CONFIGURATION, id=config["id"], json=body), 400)
    assert missing in error["message"]


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"conversationGroupingType": None}, "conversationGroupingType"),
        ({"channelSettings": None}, "channelSettings"),
        ({"displayName": "x" * 33}, "displayName"),
        ({"statusCallbacks": [{"url": "https://a.b"}] * 3}, "statusCallbacks"),
    ],
)
def test_invalid_patches_are_400(twilio_http, clock, patch, field):
    config = _existing(twilio_http, clock)
    error = expect(call(twilio_http, "PATCH", CONVERSATION_CONFIGURATION, id=config["id"], json=patch), 400)
    assert field in error["message"]


def test_unknown_fields_are_ignored(twilio_http, clock):
    config = _existing(twilio_http, clock, colour="blue")
    assert "colour" not in config


def test_list_filters_by_memory_store_and_pages(twilio_http, clock):
    ids = [create_conversation(twilio_http, displayName=f"c{i}")[0] for i in range(3)]
    other = create_conversation(twilio_http, memoryStoreId=OTHER_MEMORY_STORE)[0]
    clock.advance(DELAY)
    listed = expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATIONS, params={"memoryStoreId": MEMORY_STORE}), 200)
    assert [c["id"] for c in listed["configurations"]] == ids
    assert listed["meta"] == {"key": "configurations", "pageSize": 3}
    filtered = {"memoryStoreId": MEMORY_STORE, "pageSize": 2}
    first = expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATIONS, params=filtered), 200)
    params = {**filtered, "pageToken": first["meta"]["nextToken"]}
    second = expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATIONS, params=params), 200)
    assert [c["id"] for c in first["configurations"] + second["configurations"]] == ids  # the filter holds
    assert "nextToken" not in second["meta"]
    page = expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATIONS, params={"pageSize": 3}), 200)
    assert page["meta"]["pageSize"] == 3 and page["meta"]["nextToken"]
    params = {"pageSize": 3, "pageToken": page["meta"]["nextToken"]}
    rest = expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATIONS, params=params), 200)
    assert [c["id"] for c in rest["configurations"]] == [other] and "nextToken" not in rest["meta"]


@pytest.mark.parametrize(
    "params",
    [
        {"memoryStoreId": "memora_service_123"},
        {"pageSize": 0},
        {"pageSize": 1001},
        {"pageToken": "%%%"},
        {"pageToken": ""},
    ],
)
def test_invalid_list_parameters_are_400(twilio_http, params):
    error = expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATIONS, params=params), 400)
    assert next(iter(params)) in error["message"]


# -- referential integrity ----------------------------------------------------------------------------


def test_intelligence_configuration_ids_must_exist_in_the_account(twilio_http, clock):
    ic = create_intelligence(twilio_http)["id"]
    missing = "intelligence_configuration_01kcgy1ew0e9x8re6jq542zt8b"
    body = conversation_body(intelligenceConfigurationIds=[ic, missing])
    error = expect(call(twilio_http, "POST", CONVERSATION_CONFIGURATIONS, json=body), 400)
    assert "intelligenceConfigurationIds[1]" in error["message"] and missing in error["message"]
    config = _existing(twilio_http, clock)
    for method, json in (
        ("PUT", {**body, "channelSettings": {}}),
        ("PATCH", {"intelligenceConfigurationIds": [missing]}),
    ):
        error = expect(call(twilio_http, method, CONVERSATION_CONFIGURATION, id=config["id"], json=json), 400)
        assert missing in error["message"]


def test_operation_fails_when_a_referenced_intelligence_configuration_is_deleted_meanwhile(twilio_http, clock):
    ic = create_intelligence(twilio_http)["id"]
    configuration_id, operation_id = create_conversation(twilio_http, intelligenceConfigurationIds=[ic])
    expect(call(twilio_http, "DELETE", INTELLIGENCE_CONFIGURATION, id=ic), 204)  # not attached yet: allowed
    failed = completed(twilio_http, clock, operation_id)
    assert failed["status"] == "FAILED" and failed["completedAt"]
    problem = failed["error"]
    assert set(problem) == {"type", "title", "status", "detail", "instance"}
    assert problem["status"] == 400 and ic in problem["detail"]
    assert problem["type"].startswith("https://") and problem["instance"] == failed["statusUrl"]
    expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATION, id=configuration_id), 404)


def test_one_configuration_per_conversations_v1_service(twilio_http, clock):
    first = _existing(twilio_http, clock, conversationsV1Bridge=BRIDGE)
    assert first["conversationsV1Bridge"] == BRIDGE
    response = call(
        twilio_http, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body(conversationsV1Bridge=BRIDGE)
    )
    error = expect(response, 409)
    assert response.headers["X-Conflicting-Resource-Id"] == first["id"] and error["status"] == 409
    assert BRIDGE["serviceId"] in error["message"]
    # the same configuration may keep its own bridge
    patch = {"conversationsV1Bridge": BRIDGE, "description": "same bridge"}
    _, operation_id = accepted(call(twilio_http, "PATCH", CONVERSATION_CONFIGURATION, id=first["id"], json=patch))
    assert completed(twilio_http, clock, operation_id)["status"] == "COMPLETED"
    after = fetch(twilio_http, first["id"])
    assert (after["conversationsV1Bridge"], after["description"], after["version"]) == (BRIDGE, "same bridge", 2)


# -- Idempotency-Key ----------------------------------------------------------------------------------


def _post(http, key, **fields):
    return call(
        http, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body(**fields), headers={"Idempotency-Key": key}
    )


def test_the_same_key_and_body_returns_the_original_answer_without_a_second_write(twilio_http, clock):
    first = _post(twilio_http, UUID_KEY)
    clock.advance(DELAY)
    again = _post(twilio_http, UUID_KEY)
    assert (again.status_code, again.json()) == (202, first.json())
    assert again.headers["Operation-Id"] == first.headers["Operation-Id"]
    assert len(expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATIONS), 200)["configurations"]) == 1


def test_the_same_key_with_another_body_is_409_naming_the_original_resource(twilio_http):
    configuration_id, _ = accepted(_post(twilio_http, UUID_KEY))
    response = _post(twilio_http, UUID_KEY, description="another body")
    error = expect(response, 409)
    assert response.headers["X-Conflicting-Resource-Id"] == configuration_id
    assert UUID_KEY in error["message"]


def test_a_key_reused_on_another_endpoint_is_409(twilio_http, clock):
    config = _existing(twilio_http, clock)
    headers = {"Idempotency-Key": UUID_KEY}
    accepted(call(twilio_http, "PATCH", CONVERSATION_CONFIGURATION, id=config["id"], json={}, headers=headers))
    expect(call(twilio_http, "DELETE", CONVERSATION_CONFIGURATION, id=config["id"], headers=headers), 409)


def test_keys_expire_after_24_hours(twilio_http, clock):
    first = _post(twilio_http, UUID_KEY)
    clock.advance(24 * 3600 - 1)
    assert _post(twilio_http, UUID_KEY).headers["Operation-Id"] == first.headers["Operation-Id"]
    clock.advance(1)
    later = _post(twilio_http, UUID_KEY)
    assert later.headers["Operation-Id"] != first.headers["Operation-Id"]
    clock.advance(DELAY)
    assert len(expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATIONS), 200)["configurations"]) == 2


def test_different_keys_are_different_writes(twilio_http, clock):
    _post(twilio_http, UUID_KEY)
    _post(twilio_http, OTHER_UUID_KEY)
    clock.advance(DELAY)
    assert len(expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATIONS), 200)["configurations"]) == 2


def test_a_key_that_is_not_a_uuid_is_400(twilio_http):
    error = expect(_post(twilio_http, "not-a-uuid"), 400)
    assert "Idempotency-Key" in error["message"]


def test_a_refused_request_does_not_use_up_its_key(twilio_http):
    expect(_post(twilio_http, UUID_KEY, displayName="bad!"), 400)
    accepted(_post(twilio_http, UUID_KEY))
