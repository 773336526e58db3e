"""create, read, update, delete and diff of the three providers against the in-process emulator:
full outputs, If-Match and the 412 message, stable rule ids, drift, 404s, adopt and get."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic.alias_generators import to_snake

from pulumi_twilio_intelligence.client import use_transport
from pulumi_twilio_intelligence.errors import TwilioApiError
from pulumi_twilio_intelligence.resources import (
    ConversationConfiguration,
    ConversationConfigurationProvider,
    IntelligenceConfiguration,
    IntelligenceConfigurationProvider,
    Operator,
    OperatorProvider,
)
from pulumi_twilio_intelligence.resources._provider import TwilioProvider
from pulumi_twilio_intelligence.resources._resource import TwilioResource
from pulumi_twilio_intelligence.testing import InProcessEmulator

from ..conftest import change_operator_out_of_band, replace_placeholders
from .conftest import (
    CONFIGURATIONS,
    CONVERSATION,
    CONVERSATIONS,
    JSON_OPERATOR,
    OPERATORS,
    Factory,
    Ids,
    Recorder,
    to_engine,
)

#: Every field of each resource set (the shared inputs have only the required ones).
FULL_OPERATOR: dict[str, Any] = {
    **JSON_OPERATOR,
    "description": "How well the agent followed the script",
    "training_examples": [{"input": "Agent: hello", "output": '{"score": 3}'}],
    "context": {"memory": {"enabled": True}, "knowledge": {"enabled": False}},
    "parameters": {"scale": {"type": "INTEGER", "default": 5, "required": False, "description": "Maximum"}},
    "__name": "test/dev/Operator/adherence",
}
RULE_A: dict[str, Any] = {
    "operators": [{"id": "{next_best}"}],
    "triggers": [{"on": "CONVERSATION_END"}],
    "actions": [{"type": "WEBHOOK", "method": "POST", "url": "https://example.com/a"}],
}
RULE_B: dict[str, Any] = {
    "operators": [{"id": "{custom}", "version": 1, "parameters": {"tone": "calm"}}],
    "triggers": [{"on": "COMMUNICATION", "parameters": {"count": 3}}],
    "actions": [{"type": "WEBHOOK", "method": "POST", "url": "https://example.com/b"}],
    "context": {"memory": {"enabled": True}},
}
INTELLIGENCE: dict[str, Any] = {
    "display_name": "support",
    "description": "Support rules",
    "rules": [RULE_A, RULE_B],
    "__name": "test/dev/IntelligenceConfiguration/support",
}
FULL_CONVERSATION: dict[str, Any] = {
    **CONVERSATION,
    "channel_settings": {
        "VOICE": {
            "status_timeouts": {"inactive": 30, "closed": 1440},
            "capture_rules": [{"from": "*", "to": "+18888888888", "metadata": {"callType": "PSTN"}}],
        }
    },
    "status_callbacks": [{"url": "https://example.com/status"}],
    "memory_extraction_enabled": True,
    "conversations_v1_bridge": {"service_id": "IS" + "0" * 32},
}
CASES: dict[str, tuple[type[TwilioProvider], type[TwilioResource], dict[str, Any], str]] = {
    "operator": (OperatorProvider, Operator, FULL_OPERATOR, OPERATORS),
    "intelligence": (IntelligenceConfigurationProvider, IntelligenceConfiguration, INTELLIGENCE, CONFIGURATIONS),
    "conversations": (ConversationConfigurationProvider, ConversationConfiguration, FULL_CONVERSATION, CONVERSATIONS),
}


def _inputs(case: str, ids: Ids) -> dict[str, Any]:
    return dict(replace_placeholders(CASES[case][2], vars(ids)))


@pytest.mark.parametrize("case", list(CASES))
def test_create_returns_every_field_twilio_returns(
    make_provider: Factory, ids: Ids, api: httpx.Client, case: str
) -> None:
    provider_cls, resource_cls, _, url = CASES[case]
    inputs = _inputs(case, ids)
    created = make_provider(provider_cls).create(to_engine(inputs))
    remote = api.get(f"{url}/{created.id}").json()
    # every field Twilio returns, with its value, in Python names (nested names too: the wire's
    # camelCase keys inside the conversation's channel settings and bridge are the inputs' snake_case)
    expected = {to_snake(key): value for key, value in remote.items() if key != "id"}
    if case == "conversations":
        expected.update(
            channel_settings=inputs["channel_settings"],
            conversations_v1_bridge=inputs["conversations_v1_bridge"],
            operation_id=created.outs["operation_id"],
        )
        assert created.outs["operation_id"].startswith("proc_job_")
    assert created.outs == {**expected, "__name": inputs["__name"]}
    # every output is declared on the resource (an Output attribute with a type) and reserved in state
    declared = resource_cls.__annotations__
    assert set(provider_cls.SPEC.output_fields) <= set(declared)
    assert set(created.outs) - {"__name"} <= set(provider_cls.SPEC.output_fields)


def test_operator_outputs_carry_version_author_and_the_stored_schema(make_provider: Factory, ids: Ids) -> None:
    created = make_provider(OperatorProvider).create(to_engine(FULL_OPERATOR))
    assert created.id.startswith("intelligence_operator_")
    assert created.outs["version"] == 1 and created.outs["author"] == "SELF"
    assert created.outs["output_schema"] == {
        "type": "object",
        "properties": {"score": {"type": "integer"}},
        "additionalProperties": False,
        "required": ["score"],
    }


def test_intelligence_outputs_carry_rule_ids(make_provider: Factory, ids: Ids) -> None:
    created = make_provider(IntelligenceConfigurationProvider).create(to_engine(_inputs("intelligence", ids)))
    assert [r["id"][:31] for r in created.outs["rules"]] == ["intelligence_configurationrule_"] * 2
    assert created.outs["account_id"].startswith("AC") and created.outs["version"] == 1
    assert created.outs["rules"][0]["triggers"] == [{"on": "CONVERSATION_END", "parameters": {"count": 1}}]


@pytest.mark.parametrize("case", list(CASES))
def test_diff_right_after_create_is_empty_and_a_display_name_change_is_in_place(
    make_provider: Factory, ids: Ids, case: str
) -> None:
    provider = make_provider(CASES[case][0])
    inputs = _inputs(case, ids)
    created = provider.create(to_engine(inputs))
    state = to_engine({**created.outs, "__provider": "pickled-provider-v1"})
    same = provider.diff(created.id, state, to_engine({**inputs, "__provider": "pickled-provider-v2"}))
    assert same.changes is False and same.replaces == []
    changed = provider.diff(created.id, state, to_engine({**inputs, "display_name": "Other"}))
    assert changed.changes is True and changed.replaces == [] and changed.delete_before_replace is False


def test_diff_ignores_the_order_of_map_keys_which_the_engine_does_not_keep(make_provider: Factory) -> None:
    provider = make_provider(OperatorProvider)
    inputs = {**FULL_OPERATOR, "output_schema": {"type": "object", "properties": {"b": {"type": "string"}, "a": {}}}}
    created = provider.create(to_engine(inputs))
    assert created.outs["output_schema"]["required"] == ["b", "a"]  # Twilio lists them in property order
    state = dict(created.outs)
    state["output_schema"] = {**state["output_schema"], "properties": {"a": {}, "b": {"type": "string"}}}
    assert provider.diff(created.id, to_engine(state), to_engine(inputs)).changes is False
    inputs["output_schema"] = {"type": "object", "properties": {"a": {}, "b": {"type": "string"}}}
    assert provider.diff(created.id, to_engine(created.outs), to_engine(inputs)).changes is False


def test_diff_of_a_value_not_known_yet_is_a_change(make_provider: Factory, ids: Ids) -> None:
    from pulumi.output import Unknown

    provider = make_provider(IntelligenceConfigurationProvider)
    inputs = _inputs("intelligence", ids)
    created = provider.create(to_engine(inputs))
    rules = [RULE_A | {"operators": [{"id": Unknown()}]}]
    result = provider.diff(created.id, created.outs, {**inputs, "rules": rules})
    assert result.changes is True and result.replaces == ["rules"]  # a rule change replaces, by default


# -- update ------------------------------------------------------------------------------------


def test_operator_update_sends_if_match_and_returns_every_output(
    make_provider: Factory, twilio: InProcessEmulator
) -> None:
    provider = make_provider(OperatorProvider)
    created = provider.create(to_engine(FULL_OPERATOR))
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        updater = make_provider(OperatorProvider)
        news = {**FULL_OPERATOR, "prompt": "Strictly rate 0-{{parameters.scale}}"}
        updated = updater.update(created.id, to_engine(created.outs), to_engine(news))
    [put] = recorder.writes()
    assert put.method == "PUT" and put.headers["If-Match"] == "1"
    assert updated.outs["version"] == 2 and updated.outs["prompt"].startswith("Strictly")
    assert set(updated.outs) == set(created.outs)


def test_operator_changed_outside_pulumi_fails_with_412_and_says_to_refresh(
    make_provider: Factory, api: httpx.Client
) -> None:
    provider = make_provider(OperatorProvider)
    created = provider.create(to_engine(FULL_OPERATOR))
    change_operator_out_of_band(api, f"{OPERATORS}/{created.id}", {"displayName": "Theirs"})
    with pytest.raises(TwilioApiError) as err:
        provider.update(created.id, to_engine(created.outs), to_engine({**FULL_OPERATOR, "display_name": "Ours"}))
    message = str(err.value)
    assert err.value.status == 412
    assert f"The Operator {created.id} was changed outside Pulumi since version 1 in the state" in message
    assert "run `pulumi refresh`" in message
    # after a refresh (the state has version 2) the same update goes through
    refreshed = provider.read(created.id, to_engine(created.outs))
    updated = provider.update(
        created.id, to_engine(refreshed.outs), to_engine({**FULL_OPERATOR, "display_name": "Ours"})
    )
    assert updated.outs["version"] == 3 and updated.outs["display_name"] == "Ours"


@pytest.mark.parametrize("case", list(CASES))
def test_update_of_an_object_deleted_outside_pulumi_says_to_refresh(
    make_provider: Factory, ids: Ids, api: httpx.Client, case: str
) -> None:
    provider_cls, _, _, url = CASES[case]
    provider = make_provider(provider_cls)
    inputs = _inputs(case, ids)
    created = provider.create(to_engine(inputs))
    api.delete(f"{url}/{created.id}").raise_for_status()
    with pytest.raises(TwilioApiError) as err:
        provider.update(created.id, to_engine(created.outs), to_engine({**inputs, "display_name": "Ours"}))
    assert err.value.status == 404
    assert str(err.value).endswith(
        f"The {provider_cls.SPEC.title} {created.id} no longer exists: run `pulumi refresh` to drop it from the "
        "state, then `pulumi up` to create it again"
    )


def test_intelligence_update_keeps_rule_ids(make_provider: Factory, ids: Ids, twilio: InProcessEmulator) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    inputs = _inputs("intelligence", ids)
    created = provider.create(to_engine(inputs))
    id_a, id_b = (rule["id"] for rule in created.outs["rules"])
    rule_a, rule_b = inputs["rules"]

    # the second rule changes in place: it keeps its id, as does the first
    changed_b = {**rule_b, "triggers": [{"on": "COMMUNICATION", "parameters": {"count": 5}}]}
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        updated = make_provider(IntelligenceConfigurationProvider).update(
            created.id, to_engine(created.outs), to_engine({**inputs, "rules": [rule_a, changed_b]})
        )
    [put] = [r for r in recorder.writes() if r.method == "PUT"]
    assert [rule.get("id") for rule in httpx.Response(200, content=put.content).json()["rules"]] == [id_a, id_b]
    assert [rule["id"] for rule in updated.outs["rules"]] == [id_a, id_b]
    assert updated.outs["rules"][1]["triggers"][0]["parameters"]["count"] == 5
    assert updated.outs["version"] == 2

    # reordered rules are matched by content; a removed rule is gone, a new one gets a new id
    swapped = provider.update(created.id, to_engine(updated.outs), to_engine({**inputs, "rules": [changed_b, rule_a]}))
    assert [rule["id"] for rule in swapped.outs["rules"]] == [id_b, id_a]
    rule_c = {**rule_a, "triggers": [{"on": "CONVERSATION_INACTIVE"}]}
    replaced = provider.update(created.id, to_engine(swapped.outs), to_engine({**inputs, "rules": [rule_a, rule_c]}))
    new_ids = [rule["id"] for rule in replaced.outs["rules"]]
    assert new_ids[0] == id_a and new_ids[1] not in (id_a, id_b)


def test_conversation_update_waits_for_the_operation_and_returns_every_output(make_provider: Factory) -> None:
    provider = make_provider(ConversationConfigurationProvider)
    created = provider.create(to_engine(FULL_CONVERSATION))
    news = {
        **FULL_CONVERSATION,
        "description": "Voice and SMS",
        "status_callbacks": None,
        "conversations_v1_bridge": None,
    }
    updated = provider.update(created.id, to_engine(created.outs), to_engine(news))
    assert updated.outs["description"] == "Voice and SMS"
    assert "status_callbacks" not in updated.outs and "conversations_v1_bridge" not in updated.outs
    assert updated.outs["version"] == created.outs["version"] + 1
    assert updated.outs["operation_id"] != created.outs["operation_id"]
    assert provider.diff(created.id, to_engine(updated.outs), to_engine(news)).changes is False


# -- read (refresh and get) --------------------------------------------------------------------


def test_read_reports_out_of_band_changes_field_by_field_and_returns_inputs(
    make_provider: Factory, api: httpx.Client
) -> None:
    provider = make_provider(OperatorProvider)
    created = provider.create(to_engine(FULL_OPERATOR))
    change_operator_out_of_band(api, f"{OPERATORS}/{created.id}", {"displayName": "Theirs"}, drop=("description",))

    read = provider.read(created.id, to_engine(created.outs))
    assert read.id == created.id
    changed = {k for k in set(read.outs) | set(created.outs) if read.outs.get(k) != created.outs.get(k)}
    assert changed == {"display_name", "description", "version"}
    assert read.outs["display_name"] == "Theirs" and read.outs["version"] == 2
    # the returned inputs are the remote values of the input fields, so no phantom diff follows
    assert read.inputs is not None
    assert set(read.inputs) <= set(OperatorProvider.SPEC.input_fields) | {"__name"}
    assert read.inputs["__name"] == FULL_OPERATOR["__name"]
    assert provider.diff(created.id, to_engine(read.outs), to_engine(read.inputs)).changes is False
    # and the program's inputs now differ exactly where the remote changed
    assert OperatorProvider.SPEC.changed_fields(read.outs, FULL_OPERATOR) == ["display_name", "description"]


@pytest.mark.parametrize("case", list(CASES))
def test_read_of_an_object_deleted_outside_pulumi_drops_it(
    make_provider: Factory, ids: Ids, api: httpx.Client, twilio: InProcessEmulator, case: str
) -> None:
    provider_cls, _, _, url = CASES[case]
    provider = make_provider(provider_cls)
    created = provider.create(to_engine(_inputs(case, ids)))
    assert api.delete(f"{url}/{created.id}").status_code == (202 if provider_cls.SPEC.endpoint.asynchronous else 204)
    gone = provider.read(created.id, to_engine(created.outs))
    assert not gone.id and gone.outs == {}
    provider.delete(created.id, to_engine(created.outs))  # deleting what is gone is done


def test_get_reads_with_only_the_provider_in_props(make_provider: Factory, ids: Ids) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    created = provider.create(to_engine(_inputs("intelligence", ids)))
    got = make_provider(IntelligenceConfigurationProvider).read(created.id, {"__provider": "pickled"})
    assert got.id == created.id
    assert {k: v for k, v in got.outs.items() if k != "__name"} == {
        k: v for k, v in created.outs.items() if k != "__name"
    }
    assert got.inputs is not None and got.inputs["display_name"] == "support"


# -- delete ------------------------------------------------------------------------------------


def test_delete_of_an_operator_in_use_says_what_to_change_first(make_provider: Factory, ids: Ids) -> None:
    operators = make_provider(OperatorProvider)
    created = operators.create(to_engine(FULL_OPERATOR))
    rule = {**RULE_A, "operators": [{"id": created.id}]}
    make_provider(IntelligenceConfigurationProvider).create(to_engine({**INTELLIGENCE, "rules": [rule]}))
    with pytest.raises(TwilioApiError) as err:
        operators.delete(created.id, to_engine(created.outs))
    assert err.value.status == 409
    assert f"The Operator {created.id} is still in use; remove the reference first" in str(err.value)


# -- adopt -------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", list(CASES))
def test_existing_id_adopts_the_object_and_updates_it_to_the_inputs(
    make_provider: Factory, ids: Ids, api: httpx.Client, twilio: InProcessEmulator, case: str
) -> None:
    provider_cls, _, _, url = CASES[case]
    provider = make_provider(provider_cls)
    inputs = _inputs(case, ids)
    original = provider.create(to_engine({**inputs, "display_name": "Made by hand", "__name": "other"}))
    before = twilio.custom_resources()

    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        adopted = make_provider(provider_cls).create(to_engine({**inputs, "existing_id": original.id}))
    assert adopted.id == original.id
    assert twilio.custom_resources() == before  # nothing new was created
    item = f"{url.removeprefix('https://intelligence.twilio.com').removeprefix('https://conversations.twilio.com')}"
    assert recorder.lines()[:2] == [f"GET {item}/{original.id}", f"PUT {item}/{original.id}"]  # one GET only
    assert (
        adopted.outs["display_name"] == inputs["display_name"] == api.get(f"{url}/{adopted.id}").json()["displayName"]
    )
    assert adopted.outs["existing_id"] == original.id
    assert (
        provider.diff(adopted.id, to_engine(adopted.outs), to_engine({**inputs, "existing_id": "x"})).changes is False
    )


def test_existing_id_of_nothing_fails_and_says_what_to_do(make_provider: Factory) -> None:
    missing = "intelligence_operator_01aaaaaaaaaaaaaaaaaaaaaaaa"
    with pytest.raises(TwilioApiError) as err:
        make_provider(OperatorProvider).create(to_engine({**FULL_OPERATOR, "existing_id": missing}))
    assert f"existing_id {missing} names no Operator in this account" in str(err.value)
    assert "remove existing_id to create a new one" in str(err.value)


def test_a_twilio_authored_operator_cannot_be_adopted(make_provider: Factory, ids: Ids) -> None:
    with pytest.raises(TwilioApiError) as err:
        make_provider(OperatorProvider).create(to_engine({**FULL_OPERATOR, "existing_id": ids.sentiment}))
    assert err.value.status == 403 and "read-only" in str(err.value)


# -- idempotency of asynchronous writes --------------------------------------------------------


def test_every_asynchronous_write_carries_a_deterministic_idempotency_key(
    make_provider: Factory, twilio: InProcessEmulator
) -> None:
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        provider = make_provider(ConversationConfigurationProvider)
        created = provider.create(to_engine(FULL_CONVERSATION))
        # a crash after the POST: the next `pulumi up` sends the same key and gets the same object (even
        # when the lookup by display name is turned off)
        allowed = {**FULL_CONVERSATION, "allow_duplicate_display_name": True}
        again = make_provider(ConversationConfigurationProvider).create(to_engine(allowed))
        news = {**FULL_CONVERSATION, "description": "Changed"}
        provider.update(created.id, to_engine(created.outs), to_engine(news))
        provider.delete(created.id, to_engine(created.outs))
    assert again.id == created.id
    writes = recorder.writes()
    assert [w.method for w in writes] == ["POST", "POST", "PUT", "DELETE"]
    keys = [w.headers.get("Idempotency-Key") for w in writes]
    assert all(keys) and keys[0] == keys[1] and len(set(keys)) == 3
    assert twilio.custom_resources() == {}


def test_sync_writes_carry_no_idempotency_key(make_provider: Factory, twilio: InProcessEmulator) -> None:
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        provider = make_provider(OperatorProvider)
        created = provider.create(to_engine(FULL_OPERATOR))
        provider.delete(created.id, to_engine(created.outs))
    assert [("Idempotency-Key" in w.headers) for w in recorder.writes()] == [False, False]


# -- canonical forms and answers Twilio may change ------------------------------------------------


def test_nested_empty_lists_and_maps_are_no_change(make_provider: Factory, ids: Ids) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    inputs = _inputs("intelligence", ids)
    created = provider.create(to_engine(inputs))  # rule A is stored without parameters and context
    rule_a, rule_b = inputs["rules"]
    padded_a = {**rule_a, "operators": [{**rule_a["operators"][0], "parameters": {}}], "context": {}}
    padded = {**inputs, "rules": [padded_a, rule_b]}
    assert provider.diff(created.id, to_engine(created.outs), to_engine(padded)).changes is False
    # a real change in the same places still shows
    changed = {**inputs, "rules": [{**padded_a, "context": {"memory": {"enabled": True}}}, rule_b]}
    assert IntelligenceConfigurationProvider.SPEC.changed_fields(created.outs, changed) == ["rules"]


def test_empty_capture_rules_of_a_channel_are_no_change_but_a_channel_is(make_provider: Factory) -> None:
    spec = ConversationConfigurationProvider.SPEC
    state = {**FULL_CONVERSATION, "channel_settings": {"VOICE": {}}}
    assert spec.changed_fields(state, {**state, "channel_settings": {"VOICE": {"capture_rules": []}}}) == []
    assert spec.changed_fields(state, {**state, "channel_settings": {}}) == ["channel_settings"]


def test_free_form_json_keeps_its_empty_values() -> None:
    spec = OperatorProvider.SPEC
    nested = {"type": "object", "properties": {"meta": {"type": "object", "properties": {}}}}
    closed = {"type": "object", "properties": {"meta": {"type": "object"}}}
    canonical = spec.canonical({**FULL_OPERATOR, "output_schema": nested})["output_schema"]
    assert canonical["properties"]["meta"]["properties"] == {}
    assert spec.changed_fields({**FULL_OPERATOR, "output_schema": nested}, {**FULL_OPERATOR, "output_schema": closed})


class _Relaxed(httpx.BaseTransport):
    """The emulator, with answers Twilio might give once it relaxes a request limit (or adds an enum
    value): a longer display name with other characters, a new grouping type. Not documented today."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method != "GET" or "/Configurations/" not in request.url.path:
            return response
        body = response.json() | {"displayName": "Support line (24/7), all regions!", "conversationGroupingType": "NEW"}
        return httpx.Response(response.status_code, json=body, request=request)


def test_answers_beyond_the_request_limits_are_read(make_provider: Factory, twilio: InProcessEmulator) -> None:
    provider = make_provider(ConversationConfigurationProvider)
    created = provider.create(to_engine(FULL_CONVERSATION))
    with use_transport(_Relaxed(twilio.transport)):
        read = make_provider(ConversationConfigurationProvider).read(created.id, created.outs)
    assert read.outs["display_name"] == "Support line (24/7), all regions!"
    assert read.outs["conversation_grouping_type"] == "NEW"
    assert read.outs["channel_settings"] == FULL_CONVERSATION["channel_settings"]


def test_the_spec_computes_its_fields_once() -> None:
    spec = OperatorProvider.SPEC
    assert spec.input_fields is spec.input_fields and spec.output_fields is spec.output_fields
    assert spec.output_fields == (*spec.input_fields, "version", "author")
