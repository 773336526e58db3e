"""The emulator behaves like live Twilio where the documents are silent or differ
(../shared/reference/twilio-live-behaviour.md): limits, immutable grouping types, PATCH, error codes,
Twilio-authored operators, and the live faults (CANCELLED Operations, creates without ids, RUNNING)."""

from __future__ import annotations

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess, Faults, ManualClock
from tests.emulator.helpers import (
    CONVERSATION_CONFIGURATION,
    CONVERSATION_CONFIGURATIONS,
    INTELLIGENCE_CONFIGURATIONS,
    OPERATOR,
    OPERATORS,
    accepted,
    call,
    conversation_body,
    create_conversation,
    expect,
    intelligence_body,
    operation,
    operator_body,
    rule,
    twilio_operator,
)

ADMIN = "https://conversations.twilio.com/__emulator"
#: Twilio-authored operators and their ids on live accounts (I9).
LIVE_OPERATORS = {
    "Sentiment Analysis": "intelligence_operator_01kcrvw16kfa88qvgrfmr7y151",
    "Summary": "intelligence_operator_01kcv35pnkeysaf6z6cqtbpegn",
    "Next Best Response": "intelligence_operator_01kea27sy7ffsafmtsfp17nzx4",
    "Script Adherence": "intelligence_operator_01kf34tcyefpyb1t4m0nbd8rxg",
}
CAPTURE = {"from": "*", "to": "+18888888888"}


@pytest.fixture
def twilio_emulator_options(request, twilio_emulator_options):
    """A fresh ManualClock per test, and the Faults of ``@with_faults`` (Operations complete at once)."""
    settings = getattr(request, "param", {})
    return {**twilio_emulator_options, "clock": ManualClock(), "faults": Faults(**settings)}


def with_faults(**settings):
    return pytest.mark.parametrize("twilio_emulator_options", [settings], indirect=True, ids=["faults"])


def _post(http, **fields):
    return call(http, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body(**fields))


# -- limits (C2) ---------------------------------------------------------------------------------


def test_ten_conversation_configurations_per_account(twilio_http):
    ids = [create_conversation(twilio_http, displayName=f"config-{i}")[0] for i in range(10)]
    error = expect(_post(twilio_http, displayName="eleventh"), 400)
    assert error["code"] == 20001 and "10" in error["message"] and "Configurations" in error["message"]
    accepted(call(twilio_http, "DELETE", CONVERSATION_CONFIGURATION, id=ids[0]))
    create_conversation(twilio_http, displayName="eleventh")  # room again once one is deleted


@with_faults(documented_limits=True)
def test_the_documented_limits_allow_more_than_ten(twilio_http):
    for i in range(11):
        create_conversation(twilio_http, displayName=f"config-{i}")


@with_faults(operation_delay=5)
def test_creates_still_pending_count_towards_the_limit(twilio_http):
    for i in range(10):
        create_conversation(twilio_http, displayName=f"config-{i}")  # all PENDING
    expect(_post(twilio_http, displayName="eleventh"), 400)


def test_a_hundred_capture_rules_per_channel(twilio_http):
    create_conversation(twilio_http, channelSettings={"VOICE": {"captureRules": [CAPTURE] * 100}})
    error = expect(_post(twilio_http, channelSettings={"SMS": {"captureRules": [CAPTURE] * 101}}), 400)
    assert error["code"] == 20001 and "channelSettings.SMS.captureRules" in error["message"]


# -- immutable grouping type (C1) and PUT only (C3) ----------------------------------------------


def test_put_cannot_change_the_grouping_type(twilio_http):
    configuration_id, _ = create_conversation(twilio_http)
    other = conversation_body(conversationGroupingType="GROUP_BY_PARTICIPANT_ADDRESSES", channelSettings={})
    error = expect(call(twilio_http, "PUT", CONVERSATION_CONFIGURATION, id=configuration_id, json=other), 400)
    assert "conversationGroupingType" in error["message"] and "GROUP_BY_PROFILE" in error["message"]
    same = conversation_body(description="same grouping", channelSettings={})
    accepted(call(twilio_http, "PUT", CONVERSATION_CONFIGURATION, id=configuration_id, json=same))


def test_patch_is_refused_like_live_twilio(twilio_http):
    configuration_id, _ = create_conversation(twilio_http)
    response = call(twilio_http, "PATCH", CONVERSATION_CONFIGURATION, id=configuration_id, json={"description": "x"})
    error = expect(response, 405)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "PUT", "DELETE"}
    assert error["status"] == 405 and "PUT" in error["message"]


@with_faults(documented_patch=True)
def test_the_documented_patch_is_served_when_asked(twilio_http):
    configuration_id, _ = create_conversation(twilio_http)
    patch = {"description": "patched"}
    _, operation_id = accepted(call(twilio_http, "PATCH", CONVERSATION_CONFIGURATION, id=configuration_id, json=patch))
    assert operation(twilio_http, operation_id)["status"] == "COMPLETED"


# -- Intelligence v3: operators and error codes (I2, I5, I9) --------------------------------------


def test_twilio_authored_operators_have_their_live_ids_and_no_prompt(twilio_http):
    for name, operator_id in LIVE_OPERATORS.items():
        operator = twilio_operator(twilio_http, name)
        assert operator["id"] == operator_id and operator["author"] == "TWILIO"
        assert "prompt" not in operator and "trainingExamples" not in operator
        assert "prompt" not in expect(call(twilio_http, "GET", OPERATOR, id=operator_id), 200)


def test_deleting_a_twilio_authored_operator_is_404_operator_not_found(twilio_http):
    operator_id = LIVE_OPERATORS["Summary"]
    error = expect(call(twilio_http, "DELETE", OPERATOR, id=operator_id), 404)
    assert error["message"] == "Operator not found" and error["code"] == 20404 and error["userError"] is True
    expect(call(twilio_http, "GET", OPERATOR, id=operator_id), 200)  # still there
    body = operator_body()
    assert expect(call(twilio_http, "PUT", OPERATOR, id=operator_id, json=body), 403)["userError"] is True


def test_a_rule_naming_a_missing_operator_is_400_code_70001_naming_it(twilio_http):
    missing = "intelligence_operator_01aaaaaaaaaaaaaaaaaaaaaaaa"
    response = call(twilio_http, "POST", INTELLIGENCE_CONFIGURATIONS, json=intelligence_body(rule({"id": missing})))
    error = expect(response, 400)
    assert error["code"] == 70001 and missing in error["message"] and error["userError"] is True
    assert error["params"]["field"] == "rules[0].operators[0].id"


def test_validation_errors_are_20001_and_unknown_objects_20404(twilio_http):
    invalid = expect(call(twilio_http, "POST", OPERATORS, json={}), 400)
    assert invalid["code"] == 20001 and invalid["userError"] is True
    missing = expect(call(twilio_http, "GET", OPERATOR, id="intelligence_operator_01aaaaaaaaaaaaaaaaaaaaaaaa"), 404)
    assert missing["code"] == 20404 and missing["userError"] is True


# -- live faults (C4, C8) ------------------------------------------------------------------------


@with_faults(cancel_operations=1.0)
def test_cancel_operations_end_cancelled_and_change_nothing(twilio_http):
    configuration_id, operation_id = create_conversation(twilio_http)
    cancelled = operation(twilio_http, operation_id)
    assert cancelled["status"] == "CANCELLED" and cancelled.get("error") is None
    expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATION, id=configuration_id), 404)


@with_faults(omit_configuration_ids=1.0)
def test_omit_configuration_ids_leaves_the_id_out_of_the_202_and_the_operation(twilio_http):
    response = _post(twilio_http)
    body = expect(response, 202)
    assert "related" not in body and body["statusUrl"] == response.headers["Location"]
    done = operation(twilio_http, response.headers["Operation-Id"])
    assert done["status"] == "COMPLETED" and "related" not in done
    listed = expect(call(twilio_http, "GET", CONVERSATION_CONFIGURATIONS), 200)["configurations"]
    assert [c["displayName"] for c in listed] == ["Support"]  # created all the same: find it by listing
    # only creates lose their id: a PUT names its configuration
    put = call(
        twilio_http, "PUT", CONVERSATION_CONFIGURATION, id=listed[0]["id"], json=conversation_body(channelSettings={})
    )
    assert accepted(put)[0] == listed[0]["id"]


@with_faults(operation_delay=4, live_operation_statuses=True)
def test_live_operation_statuses_pass_through_running(twilio_emulator, twilio_http):
    _, operation_id = create_conversation(twilio_http)
    seen = []
    for _ in range(5):
        seen.append(operation(twilio_http, operation_id)["status"])
        twilio_emulator.clock.advance(1)
    assert seen == ["PENDING", "PENDING", "RUNNING", "RUNNING", "COMPLETED"]


@with_faults(operation_delay=4)
def test_without_live_statuses_operations_are_pending_until_done(twilio_emulator, twilio_http):
    _, operation_id = create_conversation(twilio_http)
    twilio_emulator.clock.advance(3)
    assert operation(twilio_http, operation_id)["status"] == "PENDING"


def test_the_new_faults_are_admin_settings_like_fail_operations(twilio_http):
    faults = twilio_http.get(f"{ADMIN}/faults").json()
    assert {k: faults[k] for k in ("cancelOperations", "omitConfigurationIds")} == {
        "cancelOperations": 0.0,
        "omitConfigurationIds": 0.0,
    }
    changed = twilio_http.post(f"{ADMIN}/faults", json={"cancelOperations": 0.5, "omitConfigurationIds": 1})
    assert changed.status_code == 200 and (
        changed.json()["cancelOperations"],
        changed.json()["omitConfigurationIds"],
    ) == (
        0.5,
        1.0,
    )
    assert twilio_http.post(f"{ADMIN}/faults", json={"cancelOperations": 1.5}).status_code == 400
    settings = twilio_http.post(f"{ADMIN}/faults", json={"documentedPatch": True, "liveOperationStatuses": True})
    assert settings.status_code == 200 and settings.json()["documentedPatch"] is True


def test_the_live_faults_and_settings_from_flags():
    flags = ["--cancel-operations", "1", "--omit-configuration-ids", "1", "--live-operation-statuses"]
    with EmulatorProcess([*flags, "--documented-patch", "--operation-delay", "0"]) as server:
        faults = server.admin("GET", "faults").json()
        assert (faults["cancelOperations"], faults["omitConfigurationIds"]) == (1.0, 1.0)
        assert faults["liveOperationStatuses"] is True and faults["documentedPatch"] is True
        with httpx.Client(base_url=server.url, auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN), timeout=30) as http:
            response = _post(http)
            assert "related" not in expect(response, 202)
            assert operation(http, response.headers["Operation-Id"])["status"] == "CANCELLED"
