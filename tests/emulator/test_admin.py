"""The admin API under /__emulator/ and fault injection (in process; the server flags are in test_server.py)."""

from __future__ import annotations

import time
from collections import Counter

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, Faults, ManualClock
from tests.emulator.helpers import (
    CONVERSATION_CONFIGURATION,
    CONVERSATION_CONFIGURATIONS,
    INTELLIGENCE_CONFIGURATIONS,
    OPERATOR,
    OPERATORS,
    VERSIONS,
    call,
    conversation_body,
    create_conversation,
    create_intelligence,
    create_operator,
    expect,
    intelligence_body,
    operation,
    operator_body,
    rule,
)

ADMIN = "http://emulator/__emulator"


def with_faults(**settings):
    """Run the test with an emulator whose :class:`Faults` are ``settings``: the objects are made
    anew for every run of the test (a rerun starts from the same state), with a :class:`ManualClock`."""
    return pytest.mark.parametrize("twilio_emulator_options", [settings], indirect=True, ids=["faults"])


@pytest.fixture
def twilio_emulator_options(request, twilio_emulator_options):
    """The suite's options, with a fresh ManualClock and fresh Faults (``with_faults``) for each test."""
    return {**twilio_emulator_options, "clock": ManualClock(), "faults": Faults(**getattr(request, "param", {}))}


def admin(http, method, path, json=None):
    response = http.request(method, f"{ADMIN}/{path}", json=json)
    return response.status_code, response.json()


def test_reset_forgets_every_object_and_count_but_keeps_accounts_and_faults(twilio_emulator, twilio_http):
    carol = "AC" + "c" * 32
    admin(twilio_http, "POST", "accounts", {"accountSid": carol, "authToken": "carol-token"})
    faults = admin(twilio_http, "POST", "faults", {"operationDelay": 4, "latencyMs": 1})[1]
    create_intelligence(twilio_http, rule({"id": create_operator(twilio_http)["id"]}))
    create_conversation(twilio_http)
    twilio_emulator.clock.advance(4)
    assert admin(twilio_http, "GET", "resources")[1] == {
        "operator": 1,
        "intelligence_configuration": 1,
        "conversation_configuration": 1,
    }
    assert admin(twilio_http, "POST", "reset") == (200, {"reset": True})
    assert admin(twilio_http, "GET", "resources")[1] == {}
    assert admin(twilio_http, "GET", "requests")[1] == {}
    items = expect(call(twilio_http, "GET", OPERATORS), 200)["items"]
    assert items and all(op["author"] == "TWILIO" for op in items)  # Twilio's operators come back
    assert admin(twilio_http, "GET", "faults")[1] == faults
    response = call(twilio_http, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body())
    assert response.headers["Retry-After"] == "4"  # the delay set before the reset
    with httpx.Client(transport=twilio_emulator.transport, auth=(carol, "carol-token")) as by_carol:
        expect(call(by_carol, "GET", OPERATORS), 200)  # the account added before the reset


def test_requests_are_counted_per_method_and_route_template(twilio_http):
    created = create_operator(twilio_http)
    call(twilio_http, "GET", OPERATOR, id=created["id"])
    call(twilio_http, "GET", OPERATOR, id=created["id"])
    call(twilio_http, "GET", VERSIONS, id=created["id"])
    call(twilio_http, "PATCH", OPERATOR, id=created["id"])  # refused, still counted
    admin(twilio_http, "GET", "faults")  # the admin API is never counted
    assert admin(twilio_http, "GET", "requests")[1] == {
        "POST /v3/ControlPlane/Operators": 1,
        "GET /v3/ControlPlane/Operators/{id}": 2,
        "GET /v3/ControlPlane/Operators/{id}/Versions": 1,
        "PATCH /v3/ControlPlane/Operators/{id}": 1,
    }
    assert admin(twilio_http, "DELETE", "requests") == (200, {})
    assert admin(twilio_http, "GET", "requests")[1] == {}


def test_faults_can_be_read_and_changed(twilio_http):
    assert admin(twilio_http, "GET", "faults")[1] == {
        "operationDelay": 0.0,
        "latencyMs": 0.0,
        "errorRate": 0.0,
        "failOperations": 0.0,
        "stuckOperations": 0.0,
        "cancelOperations": 0.0,
        "omitConfigurationIds": 0.0,
        "documentedPatch": False,
        "liveOperationStatuses": False,
        "documentedLimits": False,
    }
    status, faults = admin(twilio_http, "POST", "faults", {"operationDelay": 3, "errorRate": 0.25})
    assert status == 200 and (faults["operationDelay"], faults["errorRate"]) == (3.0, 0.25)
    assert admin(twilio_http, "GET", "faults")[1] == faults


@pytest.mark.parametrize("change", [{"errorRate": 2}, {"failOperations": -0.1}, {"latencyMs": -1}, {"colour": 1}])
def test_invalid_fault_settings_are_400_and_change_nothing(twilio_http, change):
    status, body = admin(twilio_http, "POST", "faults", change)
    assert status == 400 and "bad admin request" in body["message"]
    assert set(admin(twilio_http, "GET", "faults")[1].values()) == {0.0}


def test_operation_delay_sets_retry_after_and_the_pending_time(twilio_emulator, twilio_http):
    admin(twilio_http, "POST", "faults", {"operationDelay": 3})
    response = call(twilio_http, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body())
    assert response.headers["Retry-After"] == "3"
    assert operation(twilio_http, response.headers["Operation-Id"])["status"] == "PENDING"


@with_faults(error_rate=1.0, seed=11)
def test_error_rate_answers_documented_errors_with_retry_after_and_does_nothing(twilio_emulator, twilio_http):
    statuses = {"v3": Counter(), "v2": Counter()}
    for _ in range(30):
        for api, response in (
            ("v3", call(twilio_http, "POST", OPERATORS, json=operator_body())),
            ("v2", call(twilio_http, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body())),
        ):
            statuses[api][response.status_code] += 1
            if response.status_code == 429:
                assert response.headers["Retry-After"] == "1"
                if api == "v3":
                    assert all(h in response.headers for h in ("X-RateLimit-Limit", "X-RateLimit-Reset"))
    assert set(statuses["v3"]) == {429, 500}  # what the Intelligence document lists
    assert set(statuses["v2"]) == {429, 500, 503}  # what the Conversations document lists
    twilio_emulator.faults.update(error_rate=0)
    assert twilio_emulator.custom_resources() == {}


@with_faults(error_rate=0.3, seed=5)
def test_a_partial_error_rate_lets_the_rest_through(twilio_http):
    answers = Counter(call(twilio_http, "GET", OPERATORS).status_code for _ in range(200))
    assert 0.15 < sum(n for s, n in answers.items() if s != 200) / 200 < 0.45
    assert answers[200] > 0


@with_faults(fail_operations=1.0)
def test_fail_operations_end_failed_and_change_nothing(twilio_emulator, twilio_http):
    configuration_id, operation_id = create_conversation(twilio_http)
    failed = operation(twilio_http, operation_id)
    assert failed["status"] == "FAILED" and failed["error"]["status"] == 500
    assert failed["error"]["instance"] == failed["statusUrl"]
    expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATION, id=configuration_id), 404)


@with_faults(stuck_operations=1.0)
def test_stuck_operations_stay_pending(twilio_emulator, twilio_http):
    configuration_id, operation_id = create_conversation(twilio_http)
    twilio_emulator.clock.advance(30 * 86400)
    assert operation(twilio_http, operation_id)["status"] == "PENDING"
    expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATION, id=configuration_id), 404)


def test_latency_is_added_to_every_api_response(twilio_http):
    admin(twilio_http, "POST", "faults", {"latencyMs": 150})
    started = time.monotonic()
    expect(call(twilio_http, "GET", OPERATORS), 200)
    assert time.monotonic() - started >= 0.15  # a lower bound: the fault is applied, whatever the machine


def test_resources_counts_objects_per_kind_and_account(twilio_emulator, twilio_http):
    other = "AC" + "9" * 32
    admin(twilio_http, "POST", "accounts", {"accountSid": other, "authToken": "t"})
    create_operator(twilio_http)
    create_operator(twilio_http)
    with twilio_emulator.http_client(other) as http:
        create_intelligence(http)
    assert admin(twilio_http, "GET", "resources")[1] == {"operator": 2, "intelligence_configuration": 1}
    assert admin(twilio_http, "GET", f"resources?account={other}")[1] == {"intelligence_configuration": 1}


def test_api_keys_can_be_added(twilio_emulator, twilio_http):
    key = {"apiKey": "SK" + "1" * 32, "apiSecret": "s3cret", "accountSid": DEMO_ACCOUNT_SID}
    assert admin(twilio_http, "POST", "accounts", key)[0] == 200
    created = create_operator(twilio_http)
    with httpx.Client(transport=twilio_emulator.transport, auth=(key["apiKey"], "s3cret")) as by_key:
        expect(call(by_key, "GET", OPERATOR, id=created["id"]), 200)
    status, body = admin(twilio_http, "POST", "accounts", {"accountSid": "AC1", "authToken": "t"})
    assert status == 400 and "Account SID" in body["message"]


def test_an_operator_version_status_can_be_set(twilio_http):
    created = create_operator(twilio_http)
    call(twilio_http, "PUT", OPERATOR, id=created["id"], json=operator_body())
    path = f"operators/{created['id']}/versions/1"
    status, version = admin(twilio_http, "POST", path, {"account": DEMO_ACCOUNT_SID, "status": "DEPRECATED"})
    assert status == 200 and version["status"] == "DEPRECATED"
    items = expect(call(twilio_http, "GET", VERSIONS, id=created["id"]), 200)["items"]
    assert items[0]["status"] == "DEPRECATED" and {"dateDeprecated", "retirementDate"} <= set(items[0])
    admin(twilio_http, "POST", path, {"account": DEMO_ACCOUNT_SID, "status": "RETIRED"})
    pinned = intelligence_body(rule({"id": created["id"], "version": 1}))
    expect(call(twilio_http, "POST", INTELLIGENCE_CONFIGURATIONS, json=pinned), 400)
    assert admin(twilio_http, "POST", path, {"account": DEMO_ACCOUNT_SID, "status": "GONE"})[0] == 400
    missing = f"operators/{created['id']}/versions/9"
    assert admin(twilio_http, "POST", missing, {"account": DEMO_ACCOUNT_SID, "status": "ACTIVE"})[0] == 404
