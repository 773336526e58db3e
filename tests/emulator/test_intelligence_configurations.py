"""Intelligence v3 Configurations: CRUD, rule ids, defaults, validation and referential integrity."""

from __future__ import annotations

import json
import re

import pytest

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, ManualClock
from tests.emulator.helpers import (
    CONVERSATION_CONFIGURATION,
    INTELLIGENCE_CONFIGURATION,
    INTELLIGENCE_CONFIGURATIONS,
    OPERATOR,
    accepted,
    call,
    conversation_body,
    create_conversation,
    create_intelligence,
    create_operator,
    expect,
    intelligence_body,
    operator_body,
    rule,
    twilio_operator,
)

CONFIGURATION_ID = re.compile(r"^intelligence_configuration_[0-7][0-9a-z]{25}$")
RULE_ID = re.compile(r"^intelligence_configurationrule_[0-7][0-9a-z]{25}$")
MISSING_ID = "intelligence_configuration_01kcgy1ew0e9x8re6jq542zt8b"
KNOWLEDGE = "know_knowledgebase_01kcgy1ew0e9x8re6jq542zt8b:know_knowledge_01kcgy1ew0e9x8re6jq542zt8c"


@pytest.fixture
def twilio_emulator_options(twilio_emulator_options):
    """Every test gets its own clock (a fresh object: a test moves it)."""
    return {**twilio_emulator_options, "clock": ManualClock()}


@pytest.fixture
def operator(twilio_http):
    """A custom operator with an INTEGER parameter ``scale``."""
    return create_operator(twilio_http)


def test_create_assigns_ids_version_dates_and_default_trigger_count(twilio_http, operator):
    rules = [
        rule({"id": operator["id"], "parameters": {"scale": 3}}, triggers=[{"on": "COMMUNICATION"}]),
        rule({"id": operator["id"], "version": 1}, triggers=[{"on": "CONVERSATION_END", "parameters": {"count": 4}}]),
        rule({"id": operator["id"]}),
    ]
    body = create_intelligence(twilio_http, *rules, description="Support")
    assert CONFIGURATION_ID.match(body["id"])
    assert (body["accountId"], body["version"], body["description"]) == (DEMO_ACCOUNT_SID, 1, "Support")
    assert body["dateCreated"] == body["dateUpdated"]
    assert all(RULE_ID.match(r["id"]) for r in body["rules"])
    assert len({r["id"] for r in body["rules"]}) == 3
    assert [r["triggers"] for r in body["rules"]] == [
        [{"on": "COMMUNICATION", "parameters": {"count": 1}}],
        [{"on": "CONVERSATION_END", "parameters": {"count": 4}}],
        [],  # no trigger sent: none stored (the documents give no default trigger)
    ]
    assert body["rules"][0]["operators"] == [{"id": operator["id"], "parameters": {"scale": 3}}]  # no version added
    assert expect(call(twilio_http, "GET", INTELLIGENCE_CONFIGURATION, id=body["id"]), 200) == body


def test_create_with_no_rules_is_allowed(twilio_http):
    assert create_intelligence(twilio_http)["rules"] == []


def test_update_keeps_rule_ids_sent_adds_new_ones_removes_the_rest(twilio_emulator, twilio_http, operator):
    ref = {"id": operator["id"]}
    created = create_intelligence(twilio_http, rule(ref), rule(ref), rule(ref))
    kept, dropped = created["rules"][0]["id"], {r["id"] for r in created["rules"][1:]}
    twilio_emulator.clock.advance(60)
    update = intelligence_body(rule(ref, id=kept, triggers=[{"on": "CONVERSATION_INACTIVE"}]), rule(ref))
    body = expect(call(twilio_http, "PUT", INTELLIGENCE_CONFIGURATION, id=created["id"], json=update), 200)
    assert len(body["rules"]) == 2 and body["rules"][0]["id"] == kept
    assert body["rules"][0]["triggers"] == [{"on": "CONVERSATION_INACTIVE", "parameters": {"count": 1}}]
    assert RULE_ID.match(body["rules"][1]["id"]) and body["rules"][1]["id"] not in dropped | {kept}
    assert body["version"] == 2 and body["dateCreated"] == created["dateCreated"]
    assert body["dateUpdated"] > created["dateUpdated"]
    assert "description" not in body  # a full replacement


@pytest.mark.parametrize("rule_id", ["intelligence_configurationrule_01kcgy1ew0e9x8re6jq542zt8b", "other"])
def test_update_with_a_rule_id_of_no_rule_of_this_configuration_is_400(twilio_http, operator, rule_id):
    created = create_intelligence(twilio_http, rule({"id": operator["id"]}))
    update = intelligence_body(rule({"id": operator["id"]}, id=rule_id))
    error = expect(call(twilio_http, "PUT", INTELLIGENCE_CONFIGURATION, id=created["id"], json=update), 400)
    assert error["params"]["field"] == "rules[0].id"


def test_update_with_the_same_rule_id_twice_is_400(twilio_http, operator):
    created = create_intelligence(twilio_http, rule({"id": operator["id"]}))
    same = rule({"id": operator["id"]}, id=created["rules"][0]["id"])
    error = expect(
        call(twilio_http, "PUT", INTELLIGENCE_CONFIGURATION, id=created["id"], json=intelligence_body(same, same)), 400
    )
    assert error["params"]["field"] == "rules"


def test_delete_then_gone(twilio_http):
    created = create_intelligence(twilio_http)
    assert expect(call(twilio_http, "DELETE", INTELLIGENCE_CONFIGURATION, id=created["id"]), 204) is None
    for method in ("GET", "DELETE"):
        expect(call(twilio_http, method, INTELLIGENCE_CONFIGURATION, id=created["id"]), 404)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("configuration_id", [MISSING_ID, "intelligence_configuration_x"])
def test_unknown_or_malformed_ids_are_404(twilio_http, method, configuration_id):
    body = intelligence_body() if method == "PUT" else None
    expect(call(twilio_http, method, INTELLIGENCE_CONFIGURATION, id=configuration_id, json=body), 404)


def test_list_pages(twilio_http):
    ids = [create_intelligence(twilio_http, displayName=f"c{i}")["id"] for i in range(3)]
    first = expect(call(twilio_http, "GET", INTELLIGENCE_CONFIGURATIONS, params={"pageSize": 2}), 200)
    assert first["meta"] == {"key": "items", "pageSize": 2, "nextToken": first["meta"]["nextToken"]}
    params = {"pageSize": 2, "pageToken": first["meta"]["nextToken"]}
    second = expect(call(twilio_http, "GET", INTELLIGENCE_CONFIGURATIONS, params=params), 200)
    assert second["meta"] == {"key": "items", "pageSize": 1}
    assert [c["id"] for c in first["items"] + second["items"]] == ids


OK = {"id": "<operator>"}  # replaced by the id of the test's operator
HOOK = {"type": "WEBHOOK", "method": "POST", "url": "https://example.com/hook"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rules": []}, "displayName"),
        ({"displayName": "", "rules": []}, "displayName"),
        ({"displayName": "x" * 129, "rules": []}, "displayName"),
        ({"displayName": "x"}, "rules"),
        (intelligence_body(*[rule(OK)] * 6), "rules"),
        (intelligence_body(rule()), "rules[0].operators"),
        (intelligence_body(rule(*[OK] * 6)), "rules[0].operators"),
        (intelligence_body({"operators": [OK]}), "rules[0].actions"),
        (intelligence_body(rule(OK, actions=[HOOK] * 3)), "rules[0].actions"),
        (intelligence_body(rule(OK, actions=[{**HOOK, "type": "EMAIL"}])), "rules[0].actions[0].type"),
        (intelligence_body(rule(OK, actions=[{**HOOK, "method": "GET"}])), "rules[0].actions[0].method"),
        (intelligence_body(rule(OK, actions=[{**HOOK, "url": "not a url"}])), "rules[0].actions[0].url"),
        (intelligence_body(rule(OK, triggers=[{"on": "COMMUNICATION"}] * 2)), "rules[0].triggers"),
        (intelligence_body(rule(OK, triggers=[{"on": "HANGUP"}])), "rules[0].triggers[0].on"),
        (
            intelligence_body(rule(OK, triggers=[{"on": "COMMUNICATION", "parameters": {"count": 21}}])),
            "rules[0].triggers[0].parameters.count",
        ),
        (
            intelligence_body(rule(OK, triggers=[{"on": "COMMUNICATION", "parameters": {"count": 0}}])),
            "rules[0].triggers[0].parameters.count",
        ),
        (
            intelligence_body(rule(OK, triggers=[{"on": "COMMUNICATION", "parameters": {"count": "2"}}])),
            "rules[0].triggers[0].parameters.count",
        ),
        (intelligence_body(rule(OK, context={"knowledge": {}})), "rules[0].context.knowledge.bases"),
        (intelligence_body(rule(OK, context={"knowledge": {"bases": []}})), "rules[0].context.knowledge.bases"),
        (intelligence_body(rule({"version": 1})), "rules[0].operators[0].id"),
        (intelligence_body(description=None), "description"),
    ],
)
def test_invalid_bodies_are_400_naming_the_field(twilio_http, operator, body, field):
    body = json.loads(json.dumps(body).replace("<operator>", operator["id"]))
    existing = create_intelligence(twilio_http)["id"]
    for method, template, ids in (
        ("POST", INTELLIGENCE_CONFIGURATIONS, {}),
        ("PUT", INTELLIGENCE_CONFIGURATION, {"id": existing}),
    ):
        error = expect(call(twilio_http, method, template, json=body, **ids), 400)
        assert error["params"]["field"] == field, error


# -- referential integrity (the documents are silent: README "chosen behaviours") ----------------------


def test_rule_operator_must_exist_in_the_account(twilio_http):
    missing = "intelligence_operator_01kcgy1ew0e9x8re6jq542zt8b"
    error = expect(
        call(twilio_http, "POST", INTELLIGENCE_CONFIGURATIONS, json=intelligence_body(rule({"id": missing}))), 400
    )
    assert error["params"]["field"] == "rules[0].operators[0].id" and missing in error["message"]


def test_pinned_version_must_exist_and_not_be_retired(twilio_http, operator):
    error = expect(
        call(
            twilio_http,
            "POST",
            INTELLIGENCE_CONFIGURATIONS,
            json=intelligence_body(rule({"id": operator["id"], "version": 2})),
        ),
        400,
    )
    assert error["params"]["field"] == "rules[0].operators[0].version"
    summary = twilio_operator(twilio_http, "Summary")  # version 1 is RETIRED
    retired = intelligence_body(rule({"id": summary["id"], "version": 1}))
    error = expect(call(twilio_http, "POST", INTELLIGENCE_CONFIGURATIONS, json=retired), 400)
    assert "RETIRED" in error["message"]
    sentiment = twilio_operator(twilio_http, "Sentiment Analysis")  # version 1 is DEPRECATED: still runs
    create_intelligence(twilio_http, rule({"id": sentiment["id"], "version": 1}), rule({"id": summary["id"]}))


@pytest.mark.parametrize(
    ("parameters", "field", "reason"),
    [
        ({"size": 3}, "rules[0].operators[0].parameters.size", "declares no parameter"),
        ({"scale": "3"}, "rules[0].operators[0].parameters.scale", "INTEGER"),
        ({"scale": True}, "rules[0].operators[0].parameters.scale", "INTEGER"),
        ({"scale": 2.5}, "rules[0].operators[0].parameters.scale", "INTEGER"),
    ],
)
def test_rule_parameters_must_match_the_declared_names_and_types(twilio_http, operator, parameters, field, reason):
    body = intelligence_body(rule({"id": operator["id"], "parameters": parameters}))
    error = expect(call(twilio_http, "POST", INTELLIGENCE_CONFIGURATIONS, json=body), 400)
    assert error["params"]["field"] == field and reason in error["message"]


def test_required_parameters_without_default_must_be_given(twilio_http):
    adherence = twilio_operator(twilio_http, "Script Adherence")  # declares a required STRING "script"
    error = expect(
        call(twilio_http, "POST", INTELLIGENCE_CONFIGURATIONS, json=intelligence_body(rule({"id": adherence["id"]}))),
        400,
    )
    assert error["params"]["field"] == "rules[0].operators[0].parameters.script"
    create_intelligence(twilio_http, rule({"id": adherence["id"], "parameters": {"script": "Greet, then help."}}))


def test_knowledge_parameters_take_base_and_source_ids(twilio_http):
    kb = create_operator(twilio_http, parameters={"kb": {"type": "KNOWLEDGE_BASE_AND_SOURCE_IDS", "required": True}})
    bad = intelligence_body(rule({"id": kb["id"], "parameters": {"kb": "faq"}}))
    error = expect(call(twilio_http, "POST", INTELLIGENCE_CONFIGURATIONS, json=bad), 400)
    assert error["params"]["field"] == "rules[0].operators[0].parameters.kb"
    create_intelligence(twilio_http, rule({"id": kb["id"], "parameters": {"kb": KNOWLEDGE}}))


def test_pinned_version_parameters_are_those_of_that_version(twilio_http, operator):
    call(twilio_http, "PUT", OPERATOR, id=operator["id"], json=operator_body(parameters={}))
    create_intelligence(twilio_http, rule({"id": operator["id"], "version": 1, "parameters": {"scale": 2}}))
    latest = intelligence_body(rule({"id": operator["id"], "parameters": {"scale": 2}}))
    expect(call(twilio_http, "POST", INTELLIGENCE_CONFIGURATIONS, json=latest), 400)


def test_deleting_an_operator_used_by_a_rule_is_409_naming_the_configuration(twilio_http, operator):
    config = create_intelligence(twilio_http, rule({"id": operator["id"]}))
    response = call(twilio_http, "DELETE", OPERATOR, id=operator["id"])
    error = expect(response, 409)
    assert config["id"] in error["message"] and config["rules"][0]["id"] in error["message"]
    assert response.headers["X-Conflicting-Resource-Id"] == config["id"]
    call(twilio_http, "PUT", INTELLIGENCE_CONFIGURATION, id=config["id"], json=intelligence_body())
    expect(call(twilio_http, "DELETE", OPERATOR, id=operator["id"]), 204)


def test_deleting_a_configuration_attached_to_a_conversation_configuration_is_409(twilio_http):
    config = create_intelligence(twilio_http)
    conversation_id, _ = create_conversation(twilio_http, intelligenceConfigurationIds=[config["id"]])
    response = call(twilio_http, "DELETE", INTELLIGENCE_CONFIGURATION, id=config["id"])
    error = expect(response, 409)
    assert conversation_id in error["message"]
    assert response.headers["X-Conflicting-Resource-Id"] == conversation_id
    expect(call(twilio_http, "GET", INTELLIGENCE_CONFIGURATION, id=config["id"]), 200)
    detach = conversation_body(channelSettings={})  # PUT without it; Operations complete at once here
    accepted(call(twilio_http, "PUT", CONVERSATION_CONFIGURATION, id=conversation_id, json=detach))
    expect(call(twilio_http, "DELETE", INTELLIGENCE_CONFIGURATION, id=config["id"]), 204)
