"""What live Twilio does where the documents are silent (../shared/reference/twilio-live-behaviour.md):
replacements it forces (C1, I1), update_method, CANCELLED and RUNNING Operations (C8), checks at
preview of counts and shapes whose items are not known yet (I4, C2, I6), If-Match only for
operators (I3)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pulumi.output import Unknown

from pulumi_twilio_intelligence.client import AcceptedOperation, use_transport, wait_for_operation
from pulumi_twilio_intelligence.emulator import ManualClock
from pulumi_twilio_intelligence.errors import OperationCancelledError, OperationFailedError, TwilioError
from pulumi_twilio_intelligence.models import canonical_output_schema, output_schema_problems
from pulumi_twilio_intelligence.resources import (
    ConversationConfigurationProvider,
    IntelligenceConfigurationProvider,
    OperatorProvider,
)
from pulumi_twilio_intelligence.testing import InProcessEmulator

from ..conftest import replace_placeholders
from .conftest import (
    CONVERSATION,
    CONVERSATIONS,
    JSON_OPERATOR,
    DocumentedFake,
    Factory,
    FakeTime,
    Ids,
    Recorder,
    to_engine,
    undocumented_client,
)
from .test_provider_lifecycle import INTELLIGENCE, RULE_A, RULE_B

STATUS_URL = "https://conversations.twilio.com/v2/ControlPlane/Operations/proc_job_01h9d8r0vte3hz8tykdj329t7r"


def _intelligence(ids: Ids, **changes: Any) -> dict[str, Any]:
    return {**replace_placeholders(INTELLIGENCE, vars(ids)), **changes}


# -- replacements (C1, C2, I1) -----------------------------------------------------------------


def test_a_grouping_type_change_replaces_delete_before_create(make_provider: Factory) -> None:
    provider = make_provider(ConversationConfigurationProvider)
    created = provider.create(to_engine(CONVERSATION))
    regrouped = {**CONVERSATION, "conversation_grouping_type": "GROUP_BY_PARTICIPANT_ADDRESSES"}
    diff = provider.diff(created.id, to_engine(created.outs), to_engine(regrouped))
    assert (diff.changes, diff.replaces, diff.delete_before_replace) == (True, ["conversation_grouping_type"], True)
    # not known yet (preview): a replacement too
    unknown = provider.diff(
        created.id, to_engine(created.outs), {**CONVERSATION, "conversation_grouping_type": Unknown()}
    )
    assert unknown.replaces == ["conversation_grouping_type"]
    # every other field changes in place
    described = provider.diff(created.id, to_engine(created.outs), to_engine({**CONVERSATION, "description": "New"}))
    assert (described.changes, described.replaces, described.delete_before_replace) == (True, [], False)


def test_a_rule_change_replaces_the_intelligence_configuration_create_before_delete(
    make_provider: Factory, ids: Ids
) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    inputs = _intelligence(ids)
    created = provider.create(to_engine(inputs))
    state = to_engine(created.outs)
    rules = [RULE_A, {**RULE_B, "triggers": [{"on": "CONVERSATION_END"}]}]
    changed = _intelligence(ids, rules=replace_placeholders(rules, vars(ids)))
    for method in (None, "replace", Unknown()):  # the default, and a method not known yet, replace
        diff = provider.diff(created.id, state, to_engine({**changed, "update_method": method}))
        assert (diff.changes, diff.replaces, diff.delete_before_replace) == (True, ["rules"], False)
    in_place = provider.diff(created.id, state, to_engine({**changed, "update_method": "in_place"}))
    assert (in_place.changes, in_place.replaces) == (True, [])
    # the display name and description alone change in place, in both modes
    for method in (None, "in_place"):
        renamed = provider.diff(created.id, state, to_engine({**inputs, "display_name": "x", "update_method": method}))
        assert (renamed.changes, renamed.replaces) == (True, [])
    # the update method itself is the provider's: changing it alone changes nothing in Twilio
    assert provider.diff(created.id, state, to_engine({**inputs, "update_method": "in_place"})).changes is False


def test_in_place_updates_keep_the_id_and_record_the_method(make_provider: Factory, ids: Ids) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    inputs = _intelligence(ids, update_method="in_place")
    created = provider.create(to_engine(inputs))
    assert created.outs["update_method"] == "in_place"
    news = _intelligence(ids, rules=replace_placeholders([RULE_A], vars(ids)), update_method="in_place")
    updated = provider.update(created.id, to_engine(created.outs), to_engine(news))
    assert updated.outs["version"] == 2 and len(updated.outs["rules"]) == 1


@pytest.mark.parametrize(
    ("provider_cls", "inputs", "reason"),
    [
        (IntelligenceConfigurationProvider, {"update_method": "patch"}, "must be one of 'replace', 'in_place'"),
        (OperatorProvider, {**JSON_OPERATOR, "update_method": "in_place"}, "is not an input of Operator"),
    ],
)
def test_update_method_is_checked_at_preview(
    make_provider: Factory, ids: Ids, provider_cls: type, inputs: dict[str, Any], reason: str
) -> None:
    if provider_cls is IntelligenceConfigurationProvider:
        inputs = _intelligence(ids, **inputs)
    result = make_provider(provider_cls).check({}, to_engine(inputs))
    assert [(f.property, f.reason) for f in result.failures] == [("update_method", reason)]


# -- If-Match only for operators (I3) -----------------------------------------------------------


def test_configuration_updates_send_no_if_match(make_provider: Factory, ids: Ids, twilio: InProcessEmulator) -> None:
    intelligence = make_provider(IntelligenceConfigurationProvider)
    conversations = make_provider(ConversationConfigurationProvider)
    made = intelligence.create(to_engine(_intelligence(ids)))
    conversation = conversations.create(to_engine(CONVERSATION))
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        news = _intelligence(ids, description="New")
        make_provider(IntelligenceConfigurationProvider).update(made.id, to_engine(made.outs), to_engine(news))
        news = {**CONVERSATION, "description": "New"}
        make_provider(ConversationConfigurationProvider).update(conversation.id, conversation.outs, to_engine(news))
    puts = [r for r in recorder.writes() if r.method == "PUT"]
    assert len(puts) == 2 and all("If-Match" not in r.headers for r in puts)


# -- Operation statuses (C8) --------------------------------------------------------------------


def _operation(status: str) -> dict[str, Any]:
    return {
        "operationId": "proc_job_01h9d8r0vte3hz8tykdj329t7r",
        "status": status,
        "createdAt": "2026-01-01T00:00:00Z",
        "statusUrl": STATUS_URL,
    }


def test_cancelled_is_terminal_and_running_keeps_polling(fake_time: FakeTime) -> None:
    # RUNNING and CANCELLED are on the docs page, not in the document's enum: deliberately unchecked
    answers = iter([_operation("PENDING"), _operation("RUNNING"), _operation("CANCELLED"), _operation("COMPLETED")])
    client = undocumented_client(lambda _request: httpx.Response(200, json=next(answers)))
    accepted = AcceptedOperation(
        "proc_job_01h9d8r0vte3hz8tykdj329t7r",
        STATUS_URL,
        {},
        1.0,
        accepted_at=0.0,
        method="POST",
        path="/v2/ControlPlane/Configurations",
    )
    with pytest.raises(OperationCancelledError) as err:
        wait_for_operation(client, accepted, timeout=600)
    assert isinstance(err.value, OperationFailedError)  # a replayed cancel gets a fresh attempt like a failure
    assert len(fake_time.sleeps) == 3  # stopped at CANCELLED: never waited for the timeout
    assert str(err.value) == (
        "POST /v2/ControlPlane/Configurations was not applied: Operation proc_job_01h9d8r0vte3hz8tykdj329t7r was "
        "CANCELLED. Twilio (or someone in the account) cancelled it; run `pulumi up` again to send the write anew"
    )


# -- checks at preview: counts known while their items are not (I4, C2) -------------------------

OPERATOR_REF = {"id": Unknown(), "version": Unknown()}
UNKNOWN_RULE = {**RULE_A, "operators": [OPERATOR_REF]}
CAPTURE = {"from": "*", "to": Unknown()}

LENGTHS: list[tuple[type, dict[str, Any], str, str]] = [
    (IntelligenceConfigurationProvider, {"rules": [UNKNOWN_RULE] * 6}, "rules", "at most 5 items"),
    (IntelligenceConfigurationProvider, {"rules": [{**RULE_A, "operators": [OPERATOR_REF] * 6}]},
     "rules[0].operators", "at most 5 items"),
    (IntelligenceConfigurationProvider, {"rules": [{**UNKNOWN_RULE, "triggers": [{"on": Unknown()}] * 2}]},
     "rules[0].triggers", "at most 1 item"),
    (IntelligenceConfigurationProvider,
     {"rules": [{**UNKNOWN_RULE, "actions": [{"type": "WEBHOOK", "method": "POST", "url": Unknown()}] * 3}]},
     "rules[0].actions", "at most 2 items"),
    (ConversationConfigurationProvider, {"intelligence_configuration_ids": [Unknown()] * 6},
     "intelligence_configuration_ids", "at most 5 items"),
    (ConversationConfigurationProvider, {"channel_settings": {"SMS": {"capture_rules": [CAPTURE] * 101}}},
     "channel_settings.SMS.capture_rules", "at most 100 items"),
    (ConversationConfigurationProvider, {"status_callbacks": [{"url": Unknown()}] * 3}, "status_callbacks",
     "at most 2 items"),
]  # fmt: skip


@pytest.mark.parametrize(("provider_cls", "changes", "prop", "reason"), LENGTHS, ids=[row[2] for row in LENGTHS])
def test_list_lengths_fail_at_preview_while_their_items_are_unknown(
    make_provider: Factory, ids: Ids, provider_cls: type, changes: dict[str, Any], prop: str, reason: str
) -> None:
    base = _intelligence(ids) if provider_cls is IntelligenceConfigurationProvider else dict(CONVERSATION)
    result = make_provider(provider_cls).check({}, {**base, **changes})
    assert [(f.property, reason in f.reason) for f in result.failures] == [(prop, True)]


def test_the_same_lists_within_their_limits_pass_at_preview(make_provider: Factory, ids: Ids) -> None:
    result = make_provider(IntelligenceConfigurationProvider).check(
        {}, _intelligence(ids, rules=[{**UNKNOWN_RULE, "operators": [OPERATOR_REF] * 5}] * 5)
    )
    assert result.failures == []
    capture = {"channel_settings": {"SMS": {"capture_rules": [CAPTURE] * 100}}}
    result = make_provider(ConversationConfigurationProvider).check({}, {**CONVERSATION, **capture})
    assert result.failures == []


# -- output schemas as Twilio takes them (I6) ---------------------------------------------------


def test_nullable_unions_any_of_and_refs_are_accepted_and_stored_closed() -> None:
    schema = {
        "type": "object",
        "properties": {
            "reason": {"type": ["string", "null"]},
            "detail": {"type": ["object", "null"], "properties": {"n": {"type": "integer"}}},
            "either": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/item"}]},
        },
        "$defs": {"item": {"type": "object", "properties": {"x": {"type": "number"}}}},
    }
    assert output_schema_problems(schema) == []
    stored = canonical_output_schema(schema)
    assert stored["additionalProperties"] is False and stored["required"] == ["reason", "detail", "either"]
    assert stored["properties"]["detail"]["additionalProperties"] is False
    assert stored["properties"]["detail"]["required"] == ["n"]
    assert stored["$defs"]["item"]["required"] == ["x"]


@pytest.mark.parametrize(
    ("node", "where"),
    [
        ({"type": "null"}, "properties.a.type"),  # null alone is no field
        ({"type": ["string", "null"], "maxLength": 3}, "properties.a.maxLength"),
        (
            {"anyOf": [{"type": "array", "items": {"type": "string"}, "minContains": 1}]},
            "properties.a.anyOf[0].minContains",
        ),
        ({"type": "object", "properties": {}, "unevaluatedProperties": False}, "properties.a.unevaluatedProperties"),
        ({"type": "array", "items": {"type": "string"}, "unevaluatedItems": False}, "properties.a.unevaluatedItems"),
        ({"maxProperties": 2}, "properties.a.maxProperties"),  # refused even without a type
    ],
)
def test_rejected_keywords_and_types_are_refused_at_their_path(node: dict[str, Any], where: str) -> None:
    problems = output_schema_problems({"type": "object", "properties": {"a": node}})
    assert [path for path, _ in problems] == [where]


# -- a 202 without an id (C4) -------------------------------------------------------------------


def _without_ids(twilio: InProcessEmulator) -> DocumentedFake:
    """The emulator's answers, less ``related`` in every 202 and Operation (as live Twilio may
    answer a create); each answer is checked against the documents (``related`` is optional)."""

    def answer(request: httpx.Request) -> httpx.Response:
        response = twilio.transport.handle_request(request)
        response.read()
        body = response.json() if response.content else None
        if (
            isinstance(body, dict)
            and "related" in body
            and (response.status_code == 202 or "/Operations/" in request.url.path)
        ):
            body = {k: v for k, v in body.items() if k != "related"}
            return httpx.Response(response.status_code, json=body, headers=_kept_headers(response))
        return httpx.Response(response.status_code, content=response.content, headers=_kept_headers(response))

    return DocumentedFake(answer)


def _kept_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-encoding")}


def _configurations(api: httpx.Client) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = api.get(CONVERSATIONS).json()["configurations"]
    return listed


def test_a_create_without_an_id_finds_its_object_and_a_rerun_duplicates_nothing(
    make_provider: Factory, twilio: InProcessEmulator, api: httpx.Client, clock: ManualClock
) -> None:
    fake = _without_ids(twilio)
    with use_transport(fake):
        first = make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
        clock.advance(120)  # a re-run, later: the same Idempotency-Key replays the same Operation
        again = make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
    assert first.id.startswith("conv_configuration_") and again.id == first.id
    # listed before each create (crash safety: the re-run adopts what the first made), and once to find it
    assert fake.lines().count("GET /v2/ControlPlane/Configurations") == 3
    assert [c["id"] for c in _configurations(api)] == [first.id]
    assert first.outs["display_name"] == CONVERSATION["display_name"] and first.outs["operation_id"]


def test_a_create_without_an_id_ignores_older_look_alikes(
    make_provider: Factory, twilio: InProcessEmulator, api: httpx.Client, clock: ManualClock
) -> None:
    older = make_provider(ConversationConfigurationProvider).create(
        to_engine({**CONVERSATION, "__name": "x/y/z/other"})
    )
    clock.advance(3600)
    allowed = {**CONVERSATION, "allow_duplicate_display_name": True}  # else the older one is refused by name
    with use_transport(_without_ids(twilio)):
        created = make_provider(ConversationConfigurationProvider).create(to_engine(allowed))
    assert created.id != older.id and len(_configurations(api)) == 2


def test_a_create_without_an_id_and_two_look_alikes_fails_naming_both(
    make_provider: Factory, twilio: InProcessEmulator, api: httpx.Client
) -> None:
    other = make_provider(ConversationConfigurationProvider).create(
        to_engine({**CONVERSATION, "__name": "x/y/z/other"})
    )
    allowed = {**CONVERSATION, "allow_duplicate_display_name": True}  # else the other one is adopted by name
    with use_transport(_without_ids(twilio)), pytest.raises(TwilioError) as err:
        make_provider(ConversationConfigurationProvider).create(to_engine(allowed))
    [mine] = [c["id"] for c in _configurations(api) if c["id"] != other.id]
    message = str(err.value)
    assert "completed without naming the new Conversation Configuration's id" in message
    assert other.id in message and mine in message and 'existing_id="<id>"' in message


def test_a_replayed_create_without_an_id_whose_object_was_deleted_creates_anew(
    make_provider: Factory, twilio: InProcessEmulator, api: httpx.Client, clock: ManualClock
) -> None:
    with use_transport(_without_ids(twilio)):
        first = make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
        make_provider(ConversationConfigurationProvider).delete(first.id, first.outs)
        clock.advance(120)
        again = make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
    assert again.id != first.id and [c["id"] for c in _configurations(api)] == [again.id]
