"""Memory v1 ControlPlane: Memory Stores (QUEUED -> PROVISIONING -> ACTIVE through an Operation, the
15-store limit, PATCH with If-Match), Trait Groups, Identity Resolution Settings, Memory's Operations,
faults, lists, and the references Conversation Configurations make. A ManualClock drives time; every
answer is checked against the document (see conftest.py)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import Faults, ManualClock
from pulumi_twilio_intelligence.emulator.server import parser
from tests.emulator.helpers import (
    CONVERSATION_CONFIGURATION,
    IDENTITY_RESOLUTION,
    MEMORY_OPERATION,
    MEMORY_STORE_PATH,
    MEMORY_STORES,
    OTHER_UUID_KEY,
    TRAIT_GROUP,
    TRAIT_GROUPS,
    UUID_KEY,
    call,
    conversation_body,
    create_conversation,
    expect,
    operation,
    url,
)

DELAY = 4  # seconds an Operation takes
STORE_ID = re.compile(r"^mem_store_[0-7][0-9a-z]{25}$")
OPERATION_ID = re.compile(r"^mem_operation_[0-7][0-9a-z]{25}$")
CONTACT = {
    "displayName": "Contact",
    "description": "Contact details",
    "traits": {
        "email": {"dataType": "STRING", "validationRule": {"ruleType": "STRING", "maxLength": 254}},
        "age": {"dataType": "NUMBER", "validationRule": {"ruleType": "NUMBER", "min": 0, "max": 150}},
    },
}


@pytest.fixture
def twilio_emulator_options(twilio_emulator_options):
    """Every test gets its own clock; Operations take DELAY seconds of it."""
    return {**twilio_emulator_options, "clock": ManualClock(), "faults": Faults(operation_delay=DELAY)}


@pytest.fixture
def clock(twilio_emulator):
    return twilio_emulator.clock


def accepted(response: httpx.Response) -> str:
    """The Operation id of a documented 202 (``statusUrl`` = ``Location`` = the Operation's URL)."""
    body = expect(response, 202)
    operation_id = response.headers["Operation-Id"]
    assert OPERATION_ID.match(operation_id)
    assert body["statusUrl"] == response.headers["Location"] == url(MEMORY_OPERATION, operationId=operation_id)
    assert body["message"] and response.headers["Retry-After"] == str(DELAY)
    return operation_id


def memory_operation(http: httpx.Client, operation_id: str) -> dict[str, Any]:
    body: dict[str, Any] = expect(call(http, "GET", MEMORY_OPERATION, operationId=operation_id), 200)
    return body


def done(http: httpx.Client, clock: ManualClock, operation_id: str) -> dict[str, Any]:
    clock.advance(DELAY)
    return memory_operation(http, operation_id)


def create_store(http: httpx.Client, clock: ManualClock, name: str = "support", **fields: Any) -> str:
    """A store, ACTIVE; its id."""
    operation_id = accepted(call(http, "POST", MEMORY_STORES, json={"displayName": name, **fields}))
    finished = done(http, clock, operation_id)
    assert finished["status"] == "COMPLETED", finished
    store_id: str = finished["result"]["id"]
    return store_id


def fetch_store(http: httpx.Client, store_id: str) -> httpx.Response:
    return call(http, "GET", MEMORY_STORE_PATH, storeId=store_id)


def test_a_store_is_queued_then_provisioning_then_active_when_its_operation_completes(twilio_http, clock):
    operation_id = accepted(call(twilio_http, "POST", MEMORY_STORES, json={"displayName": "support"}))
    pending = memory_operation(twilio_http, operation_id)
    assert pending["status"] == "PENDING" and "result" not in pending
    (store_id,) = expect(call(twilio_http, "GET", MEMORY_STORES), 200)["stores"]
    assert STORE_ID.match(store_id)
    queued = expect(fetch_store(twilio_http, store_id), 200)
    assert queued == {
        "id": store_id,
        "displayName": "support",
        "status": "QUEUED",
        "intelligenceServiceId": None,
        "version": 1,
    }
    clock.advance(DELAY / 2)
    assert memory_operation(twilio_http, operation_id)["status"] == "RUNNING"
    assert expect(fetch_store(twilio_http, store_id), 200)["status"] == "PROVISIONING"
    finished = done(twilio_http, clock, operation_id)
    assert finished["status"] == "COMPLETED" and finished["completedAt"] >= finished["createdAt"]
    assert finished["result"] == {"type": "RESOURCE_ID", "id": store_id}
    assert finished["resultUrl"] == url(MEMORY_STORE_PATH, storeId=store_id)
    active = fetch_store(twilio_http, store_id)
    assert expect(active, 200)["status"] == "ACTIVE"
    assert active.json()["intelligenceServiceId"].startswith("intelligence_service_")
    assert active.headers["ETag"]


def test_at_most_15_stores_per_account_with_an_error_naming_the_limit(twilio_http, clock):
    for i in range(15):
        accepted(call(twilio_http, "POST", MEMORY_STORES, json={"displayName": f"store-{i}"}))
    refused = expect(call(twilio_http, "POST", MEMORY_STORES, json={"displayName": "one-too-many"}), 400)
    assert "at most 15 Memory Stores" in refused["message"] and "has 15" in refused["message"]
    clock.advance(DELAY)
    first = expect(call(twilio_http, "GET", MEMORY_STORES, params={"orderBy": "ASC"}), 200)["stores"][0]
    accepted(call(twilio_http, "DELETE", MEMORY_STORE_PATH, storeId=first))
    clock.advance(DELAY)
    accepted(call(twilio_http, "POST", MEMORY_STORES, json={"displayName": "one-too-many"}))


def test_create_is_validated_and_display_names_are_unique(twilio_http, clock):
    bad = expect(call(twilio_http, "POST", MEMORY_STORES, json={"displayName": "no spaces"}), 400)
    assert "displayName" in bad["message"]
    assert (
        "description"
        in expect(call(twilio_http, "POST", MEMORY_STORES, json={"displayName": "a", "description": ""}), 400)[
            "message"
        ]
    )
    store_id = create_store(twilio_http, clock)
    taken = call(twilio_http, "POST", MEMORY_STORES, json={"displayName": "support"})
    assert expect(taken, 409)["message"].endswith(store_id)


def test_patch_needs_the_current_etag_and_applies_when_its_operation_completes(twilio_http, clock):
    store_id = create_store(twilio_http, clock, description="first")
    etag = fetch_store(twilio_http, store_id).headers["ETag"]
    stale = '"eyJpZCI6ImFuX2lkIiwidiI6MX0"'
    refused = call(
        twilio_http,
        "PATCH",
        MEMORY_STORE_PATH,
        storeId=store_id,
        json={"description": "x"},
        headers={"If-Match": stale},
    )
    assert "If-Match" in expect(refused, 412)["message"]
    update = {"description": "second", "displayName": "support-2"}
    operation_id = accepted(
        call(twilio_http, "PATCH", MEMORY_STORE_PATH, storeId=store_id, json=update, headers={"If-Match": etag})
    )
    assert expect(fetch_store(twilio_http, store_id), 200)["description"] == "first"
    assert done(twilio_http, clock, operation_id)["status"] == "COMPLETED"
    after = fetch_store(twilio_http, store_id)
    assert expect(after, 200) | {} == {**after.json(), **update, "version": 2}
    assert after.headers["ETag"] != etag
    again = call(
        twilio_http, "PATCH", MEMORY_STORE_PATH, storeId=store_id, json={"description": "x"}, headers={"If-Match": etag}
    )
    expect(again, 412)


def test_delete_removes_the_store_with_its_trait_groups_when_its_operation_completes(twilio_http, clock):
    store_id = create_store(twilio_http, clock)
    done(twilio_http, clock, accepted(call(twilio_http, "POST", TRAIT_GROUPS, storeId=store_id, json=CONTACT)))
    operation_id = accepted(call(twilio_http, "DELETE", MEMORY_STORE_PATH, storeId=store_id))
    expect(fetch_store(twilio_http, store_id), 200)
    finished = done(twilio_http, clock, operation_id)
    assert finished["result"] == {"type": "RESOURCE_ID", "id": store_id} and "resultUrl" not in finished
    expect(fetch_store(twilio_http, store_id), 404)
    expect(call(twilio_http, "GET", TRAIT_GROUP, storeId=store_id, traitGroupName="Contact"), 404)
    expect(call(twilio_http, "GET", MEMORY_STORE_PATH, storeId="mem_store_not-a-ttid"), 404)


def test_trait_groups_are_created_listed_patched_and_deleted(twilio_http, clock):
    store_id = create_store(twilio_http, clock)
    operation_id = accepted(call(twilio_http, "POST", TRAIT_GROUPS, storeId=store_id, json=CONTACT))
    expect(call(twilio_http, "GET", TRAIT_GROUP, storeId=store_id, traitGroupName="Contact"), 404)
    duplicate = call(twilio_http, "POST", TRAIT_GROUPS, storeId=store_id, json=CONTACT)
    assert "already has a Trait Group named 'Contact'" in expect(duplicate, 409)["message"]
    finished = done(twilio_http, clock, operation_id)
    assert finished["result"]["id"] == "Contact"
    assert finished["resultUrl"] == url(TRAIT_GROUP, storeId=store_id, traitGroupName="Contact")
    listed = expect(call(twilio_http, "GET", TRAIT_GROUPS, storeId=store_id), 200)
    assert listed["traitGroups"] == [{"displayName": "Contact", "description": "Contact details", "version": 1}]
    with_traits = call(twilio_http, "GET", TRAIT_GROUPS, storeId=store_id, params={"includeTraits": "true"})
    assert expect(with_traits, 200)["traitGroups"][0]["traits"] == CONTACT["traits"]
    fetched = call(twilio_http, "GET", TRAIT_GROUP, storeId=store_id, traitGroupName="Contact")
    assert expect(fetched, 200)["traitGroup"] == {**CONTACT, "version": 1}
    patch = {"traits": {"age": {"dataType": ""}, "phone": {"dataType": "STRING", "idTypePromotion": "phone"}}}
    stale = call(
        twilio_http,
        "PATCH",
        TRAIT_GROUP,
        storeId=store_id,
        traitGroupName="Contact",
        json=patch,
        headers={"If-Match": '"x"'},
    )
    expect(stale, 412)
    operation_id = accepted(
        call(
            twilio_http,
            "PATCH",
            TRAIT_GROUP,
            storeId=store_id,
            traitGroupName="Contact",
            json=patch,
            headers={"If-Match": fetched.headers["ETag"]},
        )
    )
    done(twilio_http, clock, operation_id)
    group = expect(call(twilio_http, "GET", TRAIT_GROUP, storeId=store_id, traitGroupName="Contact"), 200)["traitGroup"]
    assert group["traits"] == {"email": CONTACT["traits"]["email"], "phone": patch["traits"]["phone"]}
    assert (group["version"], group["description"]) == (2, "Contact details")
    done(
        twilio_http,
        clock,
        accepted(call(twilio_http, "DELETE", TRAIT_GROUP, storeId=store_id, traitGroupName="Contact")),
    )
    assert expect(call(twilio_http, "GET", TRAIT_GROUPS, storeId=store_id), 200)["traitGroups"] == []


def test_a_trait_group_keeps_at_most_95_traits(twilio_http, clock):
    store_id = create_store(twilio_http, clock)
    full = {"displayName": "big", "traits": {f"t{i}": {"dataType": "STRING"} for i in range(95)}}
    done(twilio_http, clock, accepted(call(twilio_http, "POST", TRAIT_GROUPS, storeId=store_id, json=full)))
    more = {"traits": {"extra": {"dataType": "BOOLEAN"}}}
    refused = call(twilio_http, "PATCH", TRAIT_GROUP, storeId=store_id, traitGroupName="big", json=more)
    assert "at most 95 traits" in expect(refused, 400)["message"]
    swap = {"traits": {"t0": {"dataType": ""}, "extra": {"dataType": "BOOLEAN"}}}
    done(
        twilio_http,
        clock,
        accepted(call(twilio_http, "PATCH", TRAIT_GROUP, storeId=store_id, traitGroupName="big", json=swap)),
    )
    bad_rule = {
        "displayName": "g",
        "traits": {"t": {"dataType": "NUMBER", "validationRule": {"ruleType": "NUMBER", "maxItems": 1}}},
    }
    message = expect(call(twilio_http, "POST", TRAIT_GROUPS, storeId=store_id, json=bad_rule), 400)["message"]
    assert "traits.t.validationRule.maxItems" in message and "ruleType is NUMBER" in message


def test_identity_resolution_settings_start_with_email_and_phone_and_are_replaced_by_put(twilio_http, clock):
    operation_id = accepted(call(twilio_http, "POST", MEMORY_STORES, json={"displayName": "support"}))
    store_id = expect(call(twilio_http, "GET", MEMORY_STORES), 200)["stores"][0]
    expect(call(twilio_http, "GET", IDENTITY_RESOLUTION, storeId=store_id), 404)  # not ACTIVE yet
    done(twilio_http, clock, operation_id)
    initial = call(twilio_http, "GET", IDENTITY_RESOLUTION, storeId=store_id)
    settings = expect(initial, 200)
    assert settings["matchingRules"] == ["email", "phone"] and settings["version"] == 1
    assert settings["identifierConfigs"][0] == {
        "idType": "email",
        "matchingAlgo": "exact",
        "matchingThreshold": 75,
        "limit": 100,
        "limitPolicy": "fifo",
        "enforceUnique": True,
        "normalization": "email",
    }
    twice = {"identifierConfigs": [{"idType": "email"}, {"idType": "email"}], "matchingRules": ["email"]}
    assert (
        "identifierConfigs[1].idType"
        in expect(call(twilio_http, "PUT", IDENTITY_RESOLUTION, storeId=store_id, json=twice), 400)["message"]
    )
    unknown = {"identifierConfigs": [{"idType": "email"}], "matchingRules": ["phone"]}
    assert (
        "matchingRules[0]"
        in expect(call(twilio_http, "PUT", IDENTITY_RESOLUTION, storeId=store_id, json=unknown), 400)["message"]
    )
    wanted = {
        "identifierConfigs": [
            {"idType": "email", "matchingAlgo": "fuzzy", "matchingThreshold": 90},
            {"idType": "user_id"},
        ],
        "matchingRules": ["user_id", "email"],
    }
    stale = call(
        twilio_http, "PUT", IDENTITY_RESOLUTION, storeId=store_id, json=wanted, headers={"If-Match": '"stale"'}
    )
    expect(stale, 412)
    operation_id = accepted(
        call(
            twilio_http,
            "PUT",
            IDENTITY_RESOLUTION,
            storeId=store_id,
            json=wanted,
            headers={"If-Match": initial.headers["ETag"]},
        )
    )
    finished = done(twilio_http, clock, operation_id)
    assert finished["resultUrl"] == url(IDENTITY_RESOLUTION, storeId=store_id)
    after = expect(call(twilio_http, "GET", IDENTITY_RESOLUTION, storeId=store_id), 200)
    assert after["version"] == 2 and after["matchingRules"] == ["user_id", "email"]
    assert after["identifierConfigs"][0]["matchingThreshold"] == 90
    assert after["identifierConfigs"][1]["normalization"] == "trim"


def test_idempotency_keys_replay_the_original_answer(twilio_http, clock):
    body = {"displayName": "support"}
    first = call(twilio_http, "POST", MEMORY_STORES, json=body, headers={"Idempotency-Key": UUID_KEY})
    again = call(twilio_http, "POST", MEMORY_STORES, json=body, headers={"Idempotency-Key": UUID_KEY})
    assert accepted(first) == accepted(again)
    assert len(expect(call(twilio_http, "GET", MEMORY_STORES), 200)["stores"]) == 1
    other = call(
        twilio_http, "POST", MEMORY_STORES, json={"displayName": "other"}, headers={"Idempotency-Key": UUID_KEY}
    )
    expect(other, 409)
    accepted(
        call(
            twilio_http,
            "POST",
            MEMORY_STORES,
            json={"displayName": "other"},
            headers={"Idempotency-Key": OTHER_UUID_KEY},
        )
    )


def test_unknown_operations_are_404(twilio_http):
    expect(call(twilio_http, "GET", MEMORY_OPERATION, operationId="mem_operation_01kcgy1ew0e9x8re6jq542zt8b"), 404)


def test_lists_page_newest_first_by_default(twilio_http, clock):
    ids = [create_store(twilio_http, clock, f"s{i}") for i in range(3)]
    first = expect(call(twilio_http, "GET", MEMORY_STORES, params={"pageSize": 2}), 200)
    assert first["stores"] == ids[::-1][:2] and first["meta"]["pageSize"] == 2
    rest = call(twilio_http, "GET", MEMORY_STORES, params={"pageSize": 2, "pageToken": first["meta"]["nextToken"]})
    assert expect(rest, 200)["stores"] == [ids[0]] and "nextToken" not in rest.json()["meta"]
    ascending = call(twilio_http, "GET", MEMORY_STORES, params={"orderBy": "ASC"})
    assert expect(ascending, 200)["stores"] == ids
    assert "pageSize" in expect(call(twilio_http, "GET", MEMORY_STORES, params={"pageSize": 101}), 400)["message"]


@pytest.mark.parametrize("fault", ["fail_operations", "stuck_operations", "cancel_operations"])
def test_failed_stuck_and_cancelled_operations(twilio_emulator, twilio_http, clock, fault):
    twilio_emulator.faults.update(**{fault: 1.0})
    operation_id = accepted(call(twilio_http, "POST", MEMORY_STORES, json={"displayName": "support"}))
    store_id = expect(call(twilio_http, "GET", MEMORY_STORES), 200)["stores"][0]
    clock.advance(DELAY * 10)
    result = memory_operation(twilio_http, operation_id)
    if fault == "cancel_operations":  # nothing was created
        assert result["status"] == "CANCELLED" and "completedAt" in result
        expect(fetch_store(twilio_http, store_id), 404)
        return
    store = expect(fetch_store(twilio_http, store_id), 200)
    if fault == "fail_operations":
        assert (result["status"], store["status"]) == ("FAILED", "FAILED")
        assert result["error"]["code"] == 20500 and "completedAt" in result
    else:
        assert (result["status"], store["status"]) == ("RUNNING", "PROVISIONING")


def test_injected_errors_use_the_documented_error_body(twilio_emulator, twilio_http):
    twilio_emulator.faults.update(error_rate=1.0)
    for _ in range(6):
        response = call(twilio_http, "GET", MEMORY_STORES)
        assert response.status_code in (429, 500, 503)
        assert set(response.json()) == {"code", "message", "more_info", "status"}
        if response.status_code == 429:
            assert response.headers["Retry-After"].isdigit()


def test_request_counts_name_the_memory_routes(twilio_emulator, twilio_http, clock):
    create_store(twilio_http, clock)
    counts = twilio_emulator.request_counts()
    assert counts["POST /v1/ControlPlane/Stores"] == 1
    assert counts["GET /v1/ControlPlane/Operations/{operationId}"] == 1


def test_a_conversation_configuration_may_name_a_missing_store_and_a_named_store_may_be_deleted(twilio_http, clock):
    missing = "mem_store_01kcgy1ew0e9x8re6jq542zt8b"
    configuration_id, operation_id = create_conversation(twilio_http, memoryStoreId=missing)
    clock.advance(DELAY)
    assert operation(twilio_http, operation_id)["status"] == "COMPLETED"
    store_id = create_store(twilio_http, clock)
    create_conversation(twilio_http, displayName="Second", memoryStoreId=store_id)
    clock.advance(DELAY)
    assert (
        done(twilio_http, clock, accepted(call(twilio_http, "DELETE", MEMORY_STORE_PATH, storeId=store_id)))["status"]
        == "COMPLETED"
    )
    expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATION, id=configuration_id), 200)


@pytest.mark.twilio_emulator(strict_references=True)
def test_strict_references_refuse_a_configuration_naming_a_missing_store(twilio_http, clock):
    refused = call(
        twilio_http,
        "POST",
        "/v2/ControlPlane/Configurations",
        json=conversation_body(memoryStoreId="mem_store_01kcgy1ew0e9x8re6jq542zt8b"),
    )
    body = expect(refused, 400)
    assert "memoryStoreId" in body["message"] and "no Memory Store" in body["message"]
    store_id = create_store(twilio_http, clock)
    create_conversation(twilio_http, memoryStoreId=store_id)


def test_the_server_has_a_strict_references_flag():
    assert parser().parse_args(["--strict-references"]).strict_references is True
    assert parser().parse_args([]).strict_references is False
