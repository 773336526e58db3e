"""``check``: every documented constraint, each failure naming its property path; unknowns tolerated;
prompt parameters, output schemas, rule operator parameters and operator version lifecycles."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
from pulumi.output import Unknown

from pulumi_twilio_intelligence.client import use_transport
from pulumi_twilio_intelligence.resources import (
    ConversationConfigurationProvider,
    IntelligenceConfigurationProvider,
    OperatorProvider,
)
from pulumi_twilio_intelligence.resources._known import forget_everything
from pulumi_twilio_intelligence.resources._provider import TwilioProvider
from pulumi_twilio_intelligence.testing import InProcessEmulator

from ..conftest import replace_placeholders
from .conftest import JSON_OPERATOR, MEMORY_STORE_ID, OPERATOR, Factory, FakeTime, Ids, configure, to_engine

RULE: dict[str, Any] = {
    "operators": [{"id": "{custom}", "version": 1, "parameters": {"scale": 3, "tone": "calm"}}],
    "triggers": [{"on": "COMMUNICATION", "parameters": {"count": 2}}],
    "actions": [{"type": "WEBHOOK", "method": "POST", "url": "https://example.com/hook"}],
}
INTELLIGENCE: dict[str, Any] = {"display_name": "support", "rules": [RULE]}
IDENTITY = "test/dev/IntelligenceConfiguration/support"
CONVERSATIONS: dict[str, Any] = {
    "display_name": "Support",
    "description": "Voice line",
    "conversation_grouping_type": "GROUP_BY_PROFILE",
    "memory_store_id": MEMORY_STORE_ID,
    "channel_settings": {"VOICE": {"capture_rules": [{"from": "*", "to": "+18888888888"}]}},
}
PROVIDERS: dict[str, type[TwilioProvider]] = {
    "operator": OperatorProvider,
    "intelligence": IntelligenceConfigurationProvider,
    "conversations": ConversationConfigurationProvider,
}
BASES = {"operator": OPERATOR, "json": JSON_OPERATOR, "intelligence": INTELLIGENCE, "conversations": CONVERSATIONS}


def _nested(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def _set(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``path`` (``a.b[0].c``) set to ``value`` (``...`` deletes it)."""
    out = copy.deepcopy(data)
    parts: list[Any] = []
    for part in path.replace("]", "").replace("[", ".").split("."):
        parts.append(int(part) if part.isdigit() else part)
    target: Any = out
    for part in parts[:-1]:
        target = target[part]
    if value is ...:
        del target[parts[-1]]
    else:
        target[parts[-1]] = value
    return out


# (base, path to change, new value, the property the failure must name, a fragment of its reason)
INVALID: list[tuple[str, str, Any, str, str]] = [
    ("operator", "display_name", "", "display_name", "at least 1 character"),
    ("operator", "display_name", "x" * 129, "display_name", "at most 128 characters"),
    ("operator", "prompt", ..., "prompt", "is required"),
    ("operator", "output_format", "XML", "output_format", "'TEXT', 'JSON' or 'CLASSIFICATION'"),
    ("operator", "prompt", "Rate 0-{{parameters.size}}", "prompt", "declares no 'size'"),
    ("operator", "prompt", "Rate 0-{{parameters.scale}} {{parameters.}}", "prompt", "malformed"),
    ("operator", "parameters.scale.type", "FLOAT", "parameters.scale.type", "'STRING', 'INTEGER'"),
    ("operator", "parameters.scale.default", "five", "parameters.scale.default", "INTEGER"),
    ("operator", "parameters.kb", {"type": "KNOWLEDGE_BASE_AND_SOURCE_IDS", "default": "a:b"}, "parameters.kb.default",
     "take no default"),
    ("operator", "output_schema", {"type": "object"}, "output_schema", "only allowed when output_format is JSON"),
    ("operator", "training_examples", [{"input": "hi"}], "training_examples[0].output", "is required"),
    ("operator", "context", {"memory": {"enabled": "maybe"}}, "context.memory.enabled", "valid boolean"),
    ("operator", "context", {"memroy": {"enabled": True}}, "context.memroy", "is not a property"),
    ("operator", "existing_id", "op_123", "existing_id", "must be an id of an existing Operator"),
    ("json", "output_schema", ..., "output_schema", "is required when the output format is JSON"),
    ("json", "output_schema.type", "array", "output_schema.type", "root schema must have type 'object'"),
    ("json", "output_schema.properties.name", {"type": "string", "minLength": 1},
     "output_schema.properties.name.minLength", "'minLength' is not supported"),
    ("json", "output_schema.properties.tags", {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
     "output_schema.properties.tags.uniqueItems", "'uniqueItems' is not supported"),
    ("json", "output_schema.properties", {f"p{i}": {"type": "string"} for i in range(101)}, "output_schema",
     "101 object properties in total; at most 100"),
    ("json", "output_schema.properties.deep", _nested(10), "output_schema.properties.deep" + ".properties.a" * 9,
     "nests deeper than 10 levels"),
    ("json", "output_schema.properties.pick", {"type": "string", "enum": [str(i) for i in range(1001)]},
     "output_schema", "1001 enum values in total; at most 1000"),
    ("json", "output_schema.properties.when", {"type": "null"}, "output_schema.properties.when.type", "not supported"),
    ("json", "training_examples", [{"input": "hi", "output": "not json"}], "training_examples[0].output",
     "must be JSON"),
    ("json", "training_examples", [{"input": "hi", "output": '{"score": "high"}'}], "training_examples[0].output",
     "does not match output_schema"),
    ("intelligence", "display_name", ..., "display_name", "is required"),
    ("intelligence", "rules", [RULE] * 6, "rules", "at most 5 items"),
    ("intelligence", "rules[0].operators", [], "rules[0].operators", "at least 1 item"),
    ("intelligence", "rules[0].operators", RULE["operators"] * 6, "rules[0].operators", "at most 5 items"),
    ("intelligence", "rules[0].actions", ..., "rules[0].actions", "is required"),
    ("intelligence", "rules[0].actions", RULE["actions"] * 3, "rules[0].actions", "at most 2 items"),
    ("intelligence", "rules[0].actions[0].method", "GET", "rules[0].actions[0].method", "'POST'"),
    ("intelligence", "rules[0].actions[0].url", "example dot com", "rules[0].actions[0].url", "absolute URI"),
    ("intelligence", "rules[0].triggers", RULE["triggers"] * 2, "rules[0].triggers", "at most 1 item"),
    ("intelligence", "rules[0].triggers[0].on", "DAILY", "rules[0].triggers[0].on", "'COMMUNICATION'"),
    ("intelligence", "rules[0].triggers[0].parameters.count", 25, "rules[0].triggers[0].parameters.count",
     "less than or equal to 20"),
    ("intelligence", "rules[0].triggers[0].parameters.count", 0, "rules[0].triggers[0].parameters.count",
     "greater than or equal to 1"),
    ("intelligence", "rules[0].context", {"knowledge": {"bases": []}}, "rules[0].context.knowledge.bases",
     "at least 1 item"),
    ("intelligence", "rules[0].operators[0].id", "intelligence_operator_01aaaaaaaaaaaaaaaaaaaaaaaa",
     "rules[0].operators[0].id", "no such operator"),
    ("intelligence", "rules[0].operators[0].version", 9, "rules[0].operators[0].version",
     "no such operator or version"),
    ("intelligence", "rules[0].operators[0].parameters.scale", "high", "rules[0].operators[0].parameters.scale",
     "must be a INTEGER value"),
    ("intelligence", "rules[0].operators[0].parameters.size", 3, "rules[0].operators[0].parameters.size",
     "declares no parameter 'size'"),
    ("intelligence", "rules[0].operators[0].parameters.tone", ..., "rules[0].operators[0].parameters.tone",
     "requires this parameter"),
    ("intelligence", "rules[0].operators[0]", {"id": "{summary}", "version": 1}, "rules[0].operators[0].version",
     "is RETIRED"),
    ("conversations", "display_name", "Support!", "display_name", "should match pattern"),
    ("conversations", "display_name", "x" * 33, "display_name", "at most 32 characters"),
    ("conversations", "description", "x" * 513, "description", "at most 512 characters"),
    ("conversations", "conversation_grouping_type", "BY_DAY", "conversation_grouping_type", "'GROUP_BY_PROFILE'"),
    ("conversations", "memory_store_id", ..., "memory_store_id", "is required"),
    ("conversations", "channel_settings.VOICE.status_timeouts", {"inactive": 0},
     "channel_settings.VOICE.status_timeouts.inactive", "greater than or equal to 1"),
    ("conversations", "channel_settings.VOICE.capture_rules[0].to", ..., "channel_settings.VOICE.capture_rules[0].to",
     "is required"),
    ("conversations", "status_callbacks", [{"url": "https://example.com/s"}] * 3, "status_callbacks",
     "at most 2 items"),
    ("conversations", "status_callbacks", [{"url": "https://example.com/s", "method": "PUT"}],
     "status_callbacks[0].method", "'POST' or 'GET'"),
    ("conversations", "status_callbacks", [{"url": "not a url"}], "status_callbacks[0].url", "absolute URI"),
    ("conversations", "intelligence_configuration_ids", ["intelligence_configuration_01aaaaaaaaaaaaaaaaaaaaaaaa"],
     "intelligence_configuration_ids[0]", "no Intelligence Configuration"),
    ("conversations", "conversations_v1_bridge", {"service_id": "IS123"}, "conversations_v1_bridge.service_id",
     "should match pattern"),
    ("conversations", "memory_extraction_enabled", "maybe", "memory_extraction_enabled", "valid boolean"),
]  # fmt: skip


def _resource(base: str) -> str:
    return "operator" if base in ("operator", "json") else base


def test_every_base_input_is_valid(make_provider: Factory, ids: Ids) -> None:
    for base, inputs in BASES.items():
        provider = make_provider(PROVIDERS[_resource(base)])
        result = provider.check({}, to_engine(replace_placeholders(inputs, vars(ids))))
        assert result.failures == [], base


@pytest.mark.parametrize(
    ("base", "path", "value", "prop", "reason"), INVALID, ids=[f"{row[0]}:{row[3]}" for row in INVALID]
)
def test_check_names_the_property_of_each_invalid_input(
    make_provider: Factory, ids: Ids, base: str, path: str, value: Any, prop: str, reason: str
) -> None:
    inputs = replace_placeholders(_set(BASES[base], path, value), vars(ids))
    result = make_provider(PROVIDERS[_resource(base)]).check({}, to_engine(inputs))
    found = [(f.property, f.reason) for f in result.failures]
    assert any(p == prop and reason in r for p, r in found), found
    # the rest of the inputs is valid: every failure is about the property changed (or inside it)
    assert all(p.startswith(prop.split("[")[0].split(".")[0]) for p, _ in found), found


def test_the_invalid_table_is_large_and_covers_every_resource() -> None:
    assert len(INVALID) >= 20
    assert {_resource(row[0]) for row in INVALID} == set(PROVIDERS)
    assert len({(row[0], row[3], row[4]) for row in INVALID}) == len(INVALID)


# -- unknown values (preview) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "inputs"),
    [
        (
            "operator",
            {"display_name": Unknown(), "prompt": Unknown(), "output_format": Unknown(), "output_schema": None},
        ),
        (
            "operator",
            {"display_name": "a", "prompt": "{{parameters.x}}", "output_format": "TEXT", "parameters": Unknown()},
        ),
        ("operator", {**JSON_OPERATOR, "output_schema": Unknown()}),
        ("operator", {**JSON_OPERATOR, "output_schema": {"type": "object", "properties": {"a": Unknown()}}}),
        ("operator", {**OPERATOR, "parameters": {"scale": {"type": "INTEGER", "default": Unknown()}}}),
        ("operator", {**OPERATOR, "existing_id": Unknown()}),
        ("intelligence", {"display_name": Unknown(), "rules": Unknown()}),
        ("intelligence", {"display_name": "x", "rules": [Unknown()]}),
        (
            "intelligence",
            {"display_name": "x", "rules": [{**RULE, "operators": [{"id": Unknown(), "version": Unknown()}]}]},
        ),
        ("intelligence", {"display_name": "x", "rules": [{**RULE, "operators": Unknown(), "actions": [Unknown()]}]}),
        (
            "intelligence",
            {"display_name": "x", "rules": [{**RULE, "operators": [{"id": "{custom}", "parameters": Unknown()}]}]},
        ),
        ("conversations", {**CONVERSATIONS, "intelligence_configuration_ids": [Unknown(), Unknown()]}),
        ("conversations", {**CONVERSATIONS, "channel_settings": Unknown(), "memory_store_id": Unknown()}),
    ],
)
def test_unknown_values_are_not_failures(
    make_provider: Factory, ids: Ids, resource: str, inputs: dict[str, Any]
) -> None:
    inputs = replace_placeholders(inputs, vars(ids))
    result = make_provider(PROVIDERS[resource]).check({}, inputs)
    assert result.failures == []
    assert result.inputs is inputs  # returned as they are: unknowns stay unknown


def test_unknown_values_do_not_hide_known_mistakes(make_provider: Factory) -> None:
    inputs = {**INTELLIGENCE, "display_name": Unknown(), "rules": [{**RULE, "operators": Unknown(), "triggers": [{}]}]}
    result = make_provider(IntelligenceConfigurationProvider).check({}, inputs)
    assert [(f.property, f.reason) for f in result.failures] == [("rules[0].triggers[0].on", "is required")]


@pytest.mark.parametrize(
    ("resource", "inputs", "misspelt"),
    [
        # the first preview of a rule that references an operator of the same stack: its id is unknown
        (
            "intelligence",
            {
                **INTELLIGENCE,
                "rules": [
                    {
                        **RULE,
                        "operators": [{"id": Unknown(), "version": Unknown()}],
                        "triggers": [{"on": "COMMUNICATION", "paramters": {"count": 2}}],
                    }
                ],
            },
            "rules[0].triggers[0].paramters",
        ),
        (
            "conversations",
            {
                **CONVERSATIONS,
                "intelligence_configuration_ids": [Unknown()],
                "channel_settings": {"VOICE": {"capture_rules": [{"from": "*", "to": "*", "metdata": {}}]}},
            },
            "channel_settings.VOICE.capture_rules[0].metdata",
        ),
        # and when the rest does not validate either
        (
            "operator",
            {**OPERATOR, "display_name": "", "context": {"memory": {"enabeld": True}}},
            "context.memory.enabeld",
        ),
    ],
)
def test_misspelt_keys_are_reported_whatever_else_is_unknown_or_invalid(
    make_provider: Factory, resource: str, inputs: dict[str, Any], misspelt: str
) -> None:
    result = make_provider(PROVIDERS[resource]).check({}, inputs)
    assert (misspelt, "is not a property of this object; check the spelling and nesting") in [
        (f.property, f.reason) for f in result.failures
    ]


def test_a_version_pinned_to_an_operator_being_updated_is_not_checked_against_the_old_operator(
    make_provider: Factory, ids: Ids
) -> None:
    # the operator gains a parameter in the same update: its new version is unknown at preview
    rule = {**RULE, "operators": [{"id": ids.custom, "version": Unknown(), "parameters": {"tone": "x", "new": 1}}]}
    result = make_provider(IntelligenceConfigurationProvider).check({}, {**INTELLIGENCE, "rules": [rule]})
    assert result.failures == []


# -- prompt parameters and output schemas ------------------------------------------------------


def test_every_output_schema_problem_is_reported_at_its_own_path(make_provider: Factory) -> None:
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 5},
            "meta": {"type": "object", "properties": {"k": {"type": "string"}}, "minProperties": 1},
            "list": {"type": "array", "items": {"type": "string"}, "contains": {"type": "string"}},
            "choice": {"anyOf": [{"type": "string", "minLength": 2}, {"type": "integer"}]},
            "ref": {"$ref": "#/$defs/x"},
        },
        "$defs": {"x": {"type": "object", "properties": {}, "propertyNames": {"pattern": "^a"}}},
    }
    result = make_provider(OperatorProvider).check({}, {**JSON_OPERATOR, "output_schema": schema})
    assert sorted(f.property for f in result.failures) == [
        "output_schema.$defs.x.propertyNames",
        "output_schema.properties.choice.anyOf[0].minLength",
        "output_schema.properties.list.contains",
        "output_schema.properties.meta.minProperties",
        "output_schema.properties.name.maxLength",
    ]


def test_supported_output_schema_features_pass(make_provider: Factory) -> None:
    schema = {
        "type": "object",
        "properties": {
            "deep": _nested(8),  # with the root and the leaf: 10 levels
            "choice": {"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 0}]},
            "ref": {"$ref": "#/$defs/item"},
            "labels": {"type": "array", "items": {"type": "string", "enum": [str(i) for i in range(1000)]}},
            **{f"p{i}": {"type": "boolean"} for i in range(86)},
        },
        "$defs": {"item": {"type": "object", "properties": {"n": {"type": "number"}}}},
    }
    result = make_provider(OperatorProvider).check({}, to_engine({**JSON_OPERATOR, "output_schema": schema}))
    assert result.failures == []


def test_unused_parameters_give_a_warning_naming_the_resource(
    make_provider: Factory, capsys: pytest.CaptureFixture[str]
) -> None:
    parameters = {**OPERATOR["parameters"], "spare": {"type": "STRING"}}
    inputs = {**OPERATOR, "parameters": parameters, "__name": "test/dev/Operator/adherence"}
    result = make_provider(OperatorProvider).check({}, inputs)
    assert result.failures == []
    assert capsys.readouterr().err == (
        "warning: test/dev/Operator/adherence: Operator parameters spare are declared but the prompt never uses them\n"
    )


# -- operator versions -------------------------------------------------------------------------


def test_a_deprecated_version_gives_a_warning_naming_operator_version_and_date(
    make_provider: Factory, ids: Ids, capsys: pytest.CaptureFixture[str]
) -> None:
    rule = {**RULE, "operators": [{"id": ids.sentiment, "version": 1}]}
    inputs = {**INTELLIGENCE, "rules": [rule], "__name": IDENTITY}
    result = make_provider(IntelligenceConfigurationProvider).check({}, to_engine(inputs))
    assert result.failures == []
    assert capsys.readouterr().err == (
        f"warning: {IDENTITY}: rules[0].operators[0]: version 1 of operator 'Sentiment Analysis' ({ids.sentiment}) "
        "is DEPRECATED and will be retired on 2027-03-01T00:00:00Z\n"
    )


def test_a_retired_version_fails_naming_operator_and_version(make_provider: Factory, ids: Ids) -> None:
    rule = {**RULE, "operators": [{"id": ids.summary, "version": 1}]}
    result = make_provider(IntelligenceConfigurationProvider).check({}, to_engine({**INTELLIGENCE, "rules": [rule]}))
    [failure] = result.failures
    assert failure.property == "rules[0].operators[0].version"
    assert f"version 1 of operator 'Summary' ({ids.summary}) is RETIRED" in failure.reason
    assert "pin an ACTIVE version" in failure.reason


def test_a_custom_version_retired_later_fails_at_the_next_check(
    make_provider: Factory, ids: Ids, twilio: InProcessEmulator
) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    inputs = to_engine(replace_placeholders(INTELLIGENCE, vars(ids)))
    assert provider.check({}, inputs).failures == []
    twilio.intelligence[twilio.settings().account_sid or ""].set_version_status(ids.custom, 1, "RETIRED")
    forget_everything()  # the next Pulumi operation runs in a new provider process
    [failure] = provider.check({}, inputs).failures
    assert failure.property == "rules[0].operators[0].version" and "'Tone Adherence'" in failure.reason
    # an unchanged reference is not verified again by check: refresh (read) tells
    assert provider.check(inputs, inputs).failures == []


def test_refresh_reports_a_version_retired_since_the_last_check(
    make_provider: Factory, ids: Ids, twilio: InProcessEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    inputs = to_engine({**replace_placeholders(INTELLIGENCE, vars(ids)), "__name": IDENTITY})
    created = provider.create(inputs)
    twilio.intelligence[twilio.settings().account_sid or ""].set_version_status(ids.custom, 1, "RETIRED")
    forget_everything()  # refresh runs in a new provider process
    capsys.readouterr()
    read = provider.read(created.id, {**created.outs, "__name": IDENTITY})
    assert read.inputs is None  # no drift of the configuration itself
    [warning] = capsys.readouterr().err.splitlines()
    assert warning.startswith(
        f"warning: {IDENTITY}: rules[0].operators[0].version: version 1 of operator 'Tone Adherence'"
    )
    assert "RETIRED" in warning


def test_without_credentials_only_offline_checks_run(ids: Ids) -> None:
    provider = configure(IntelligenceConfigurationProvider(), {})
    rule = {**RULE, "operators": [{"id": ids.summary, "version": 1, "parameters": {"x": 1}}]}
    assert provider.check({}, {**INTELLIGENCE, "rules": [rule]}).failures == []
    bad = {**INTELLIGENCE, "rules": [{**rule, "triggers": [{"on": "NEVER"}]}]}
    assert [f.property for f in provider.check({}, bad).failures] == ["rules[0].triggers[0].on"]


class _DocumentedVersionFetch(httpx.BaseTransport):
    """The emulator, with the fetch of one version cut down to the documented fields (no dates)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if "/Versions/" not in request.url.path:
            return response
        body = {
            k: v for k, v in response.json().items() if k not in ("dateDeprecated", "retirementDate", "dateRetired")
        }
        return httpx.Response(response.status_code, json=body, request=request)


def test_each_operator_and_version_is_fetched_once_per_check(
    make_provider: Factory, ids: Ids, twilio: InProcessEmulator
) -> None:
    pinned = {"id": ids.custom, "version": 1, "parameters": {"tone": "calm"}}
    rules = [{**RULE, "operators": [pinned, {"id": ids.next_best}]} for _ in range(5)]
    provider = make_provider(IntelligenceConfigurationProvider)
    twilio.reset_counts()
    assert provider.check({}, to_engine({**INTELLIGENCE, "rules": rules})).failures == []
    assert twilio.request_counts() == {
        "GET /v3/ControlPlane/Operators/{id}/Versions/{version}": 1,
        "GET /v3/ControlPlane/Operators/{id}": 1,
    }
    twilio.reset_counts()
    provider.check({}, to_engine({**INTELLIGENCE, "rules": rules}))  # the provider process remembers them
    assert twilio.request_counts() == {}
    forget_everything()  # a new provider process (the next Pulumi operation) asks again
    provider.check({}, to_engine({**INTELLIGENCE, "rules": rules}))
    assert sum(twilio.request_counts().values()) == 2


def test_references_unchanged_since_the_old_inputs_are_not_verified_again(
    make_provider: Factory, ids: Ids, twilio: InProcessEmulator
) -> None:
    pinned = {"id": ids.custom, "version": 1, "parameters": {"tone": "calm"}}
    other = {"id": ids.next_best}
    olds = to_engine({**INTELLIGENCE, "rules": [{**RULE, "operators": [pinned]}, {**RULE, "operators": [other]}]})
    provider = make_provider(IntelligenceConfigurationProvider)
    twilio.reset_counts()
    # the same references, the rules reordered: nothing to verify (a no-op preview)
    news = to_engine({**INTELLIGENCE, "rules": [{**RULE, "operators": [other]}, {**RULE, "operators": [pinned]}]})
    assert provider.check(olds, news).failures == []
    assert twilio.request_counts() == {}
    # a changed reference (its parameters) is verified, and only that one
    changed = {**pinned, "parameters": {"tone": "calm", "scale": "high"}}
    news = to_engine({**INTELLIGENCE, "rules": [{**RULE, "operators": [changed]}, {**RULE, "operators": [other]}]})
    [failure] = provider.check(olds, news).failures
    assert failure.property == "rules[0].operators[0].parameters.scale"
    assert twilio.request_counts() == {"GET /v3/ControlPlane/Operators/{id}/Versions/{version}": 1}


def test_an_unreachable_twilio_is_a_warning_after_one_retry(
    make_provider: Factory, ids: Ids, twilio: InProcessEmulator, capsys: pytest.CaptureFixture[str], fake_time: FakeTime
) -> None:
    twilio.faults.update(error_rate=1.0)
    twilio.reset_counts()
    rules = [{**RULE, "operators": [{"id": ids.custom, "version": 1, "parameters": {"tone": "calm"}}]}] * 3
    result = make_provider(IntelligenceConfigurationProvider).check(
        {}, {**INTELLIGENCE, "rules": rules, "__name": IDENTITY}
    )
    assert result.failures == []
    assert twilio.request_counts() == {"GET /v3/ControlPlane/Operators/{id}/Versions/{version}": 2}  # once, 1 retry
    assert len(fake_time.sleeps) == 1
    warnings = capsys.readouterr().err.splitlines()
    assert [w.split(": could not verify ")[0] for w in warnings] == [f"warning: {IDENTITY}"] * 3
    assert [w.split("could not verify ")[1].split(":")[0] for w in warnings] == [
        f"rules[{i}].operators[0]" for i in range(3)
    ]


def test_lifecycle_dates_come_from_the_version_list(
    make_provider: Factory, ids: Ids, twilio: InProcessEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    with use_transport(_DocumentedVersionFetch(twilio.transport)):
        provider = make_provider(IntelligenceConfigurationProvider)
        rules = [{**RULE, "operators": [{"id": ids.sentiment, "version": 1}]}]
        assert provider.check({}, to_engine({**INTELLIGENCE, "rules": rules})).failures == []
        rules = [{**RULE, "operators": [{"id": ids.summary, "version": 1}]}]
        [failure] = provider.check({}, to_engine({**INTELLIGENCE, "rules": rules})).failures
    assert "will be retired on 2027-03-01T00:00:00Z" in capsys.readouterr().err
    assert "is RETIRED since 2026-06-01T00:00:00Z" in failure.reason
