"""``pulumi preview`` with the real engine: invalid inputs are rejected, each message naming its
property (every example as a directory program: test_examples.py).

The engine stops a preview at the first resource whose check fails, but reports every failure of
that resource; so each preview below runs one resource whose inputs break several rules at once,
at distinct properties, and the table is checked row by row in the engine's messages.
"""

from __future__ import annotations

from typing import Any

import httpx
import pulumi
import pytest
from pulumi import automation as auto

import pulumi_twilio_intelligence as twilio_ci
from pulumi_twilio_intelligence.emulator import EmulatorProcess

from ..conftest import CUSTOM_OPERATOR, replace_placeholders
from .conftest import StackFactory, emulator_settings

MEMORY_STORE_ID = "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7"
MISSING_OPERATOR = "intelligence_operator_01aaaaaaaaaaaaaaaaaaaaaaaa"
WEBHOOK = [{"type": "WEBHOOK", "method": "POST", "url": "https://example.com/hook"}]

#: One resource per preview: (resource class, inputs, [(property, fragment of the reason), ...]).
#: ``{custom}`` is an operator with an optional INTEGER ``scale`` and a required STRING ``tone``;
#: ``{summary}`` is Twilio's Summary operator, whose version 1 is RETIRED.
CASES: dict[str, tuple[type[pulumi.CustomResource], dict[str, Any], list[tuple[str, str]]]] = {
    "operator": (
        twilio_ci.Operator,
        {
            "display_name": "",
            "prompt": "Rate 0-{{parameters.size}}",
            "output_format": "TEXT",
            "parameters": {
                "scale": {"type": "FLOAT"},
                "kb": {"type": "KNOWLEDGE_BASE_AND_SOURCE_IDS", "default": "kb:source"},
                "tone": {"type": "STRING", "default": 3},
            },
            "training_examples": [{"input": "Agent: hello"}],
            "context": {"memory": {"enabled": "maybe"}},
            "existing_id": "op_123",
        },
        [
            ("display_name", "String should have at least 1 character"),
            ("prompt", "uses {{parameters.size}} but parameters declares no 'size'"),
            ("parameters.scale.type", "Input should be 'STRING', 'INTEGER', 'NUMBER', 'BOOLEAN'"),
            ("parameters.kb.default", "KNOWLEDGE_BASE_AND_SOURCE_IDS parameters take no default"),
            ("parameters.tone.default", "must be a STRING value, like the parameter"),
            ("training_examples[0].output", "is required"),
            ("context.memory.enabled", "Input should be a valid boolean"),
            ("existing_id", "must be an id of an existing Operator"),
        ],
    ),
    "output schema": (
        twilio_ci.Operator,
        {
            "display_name": "Scores",
            "prompt": "Score it",
            "output_format": "JSON",
            "output_schema": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
                    "when": {"type": "null"},
                    "pick": {"type": "string", "enum": [str(i) for i in range(1001)]},
                },
                "patternProperties": {"^x": {"type": "string"}},
            },
            "training_examples": [{"input": "Agent: hello", "output": "a score of 3"}],
        },
        [
            ("output_schema.properties.name.minLength", "the keyword 'minLength' is not supported for string"),
            ("output_schema.properties.tags.uniqueItems", "the keyword 'uniqueItems' is not supported for array"),
            ("output_schema.properties.when.type", "type 'null' is not supported"),
            ("output_schema", "has 1001 enum values in total; at most 1000"),
            ("output_schema.patternProperties", "the keyword 'patternProperties' is not supported for object"),
            ("training_examples[0].output", "must be JSON, since output_format is JSON"),
        ],
    ),
    "intelligence rules": (
        twilio_ci.IntelligenceConfiguration,
        {
            "display_name": "x" * 129,
            "rules": [
                {"operators": [{"id": "{custom}", "parameters": {"tone": "calm"}}], "actions": WEBHOOK,
                 "triggers": [{"on": "COMMUNICATION", "parameters": {"count": 25}}]},
                {"operators": [{"id": "{custom}", "parameters": {"tone": "calm"}}],
                 "actions": [{**WEBHOOK[0], "url": "example dot com"}]},
                {"operators": [{"id": "{custom}", "parameters": {"tone": "calm", "scale": "high"}}],
                 "actions": WEBHOOK},
                {"operators": [{"id": "{custom}", "version": 9, "parameters": {"tone": "calm"}}], "actions": WEBHOOK},
                {"operators": [{"id": "{custom}", "parameters": {"tone": "calm"}}], "actions": WEBHOOK,
                 "context": {"knowledge": {"bases": []}}},
            ],
        },
        [
            ("display_name", "String should have at most 128 characters"),
            ("rules[0].triggers[0].parameters.count", "Input should be less than or equal to 20"),
            ("rules[1].actions[0].url", "must be an absolute URI"),
            ("rules[2].operators[0].parameters.scale", "must be a INTEGER value"),
            ("rules[3].operators[0].version", "no such operator or version in this account"),
            ("rules[4].context.knowledge.bases", "List should have at least 1 item"),
        ],
    ),
    "intelligence operators": (
        twilio_ci.IntelligenceConfiguration,
        {
            "display_name": "support",
            "rules": [
                {"operators": [{"id": MISSING_OPERATOR}], "actions": WEBHOOK},
                {"operators": [{"id": "{summary}", "version": 1}], "actions": WEBHOOK},
                {"operators": [{"id": "{custom}", "parameters": {"tone": "calm"}}], "actions": WEBHOOK,
                 "triggers": [{"on": "DAILY"}]},
                {"operators": [{"id": "{custom}", "parameters": {"tone": "calm"}}],
                 "actions": [{**WEBHOOK[0], "method": "GET"}]},
                {"operators": [{"id": "{custom}", "parameters": {"size": 3}}], "actions": WEBHOOK},
            ],
        },
        [
            ("rules[0].operators[0].id", "no such operator or version in this account"),
            ("rules[1].operators[0].version", "version 1 of operator 'Summary'"),
            ("rules[1].operators[0].version", "is RETIRED since 2026-06-01T00:00:00Z: pin an ACTIVE version"),
            ("rules[2].triggers[0].on", "Input should be 'COMMUNICATION', 'CONVERSATION_END'"),
            ("rules[3].actions[0].method", "Input should be 'POST'"),
            ("rules[4].operators[0].parameters.size", "declares no parameter 'size' (declared: scale, tone)"),
            ("rules[4].operators[0].parameters.tone", "requires this parameter"),
        ],
    ),
    "conversations": (
        twilio_ci.ConversationConfiguration,
        {
            "display_name": "Support!",
            "description": "x" * 513,
            "conversation_grouping_type": "BY_DAY",
            "memory_store_id": MEMORY_STORE_ID,
            "channel_settings": {
                "VOICE": {"status_timeouts": {"inactive": 0}},
                "SMS": {"capture_rules": [{"from": "*"}]},
            },
            "status_callbacks": [{"url": "https://example.com/status", "method": "PUT"}],
            "intelligence_configuration_ids": ["intelligence_configuration_01aaaaaaaaaaaaaaaaaaaaaaaa"],
            "conversations_v1_bridge": {"service_id": "IS123"},
        },
        [
            ("display_name", "String should match pattern"),
            ("description", "String should have at most 512 characters"),
            ("conversation_grouping_type", "Input should be 'GROUP_BY_PROFILE'"),
            ("channel_settings.VOICE.status_timeouts.inactive", "Input should be greater than or equal to 1"),
            ("channel_settings.SMS.capture_rules[0].to", "is required"),
            ("status_callbacks[0].method", "Input should be 'POST' or 'GET'"),
            ("intelligence_configuration_ids[0]", "no Intelligence Configuration"),
            ("conversations_v1_bridge.service_id", "String should match pattern"),
        ],
    ),
}  # fmt: skip


@pytest.fixture
def operators(api: httpx.Client, emulator: EmulatorProcess) -> dict[str, str]:
    """The ids the cases refer to: a custom operator created through the API, and Twilio's Summary."""
    custom = api.post("/v3/ControlPlane/Operators", json=CUSTOM_OPERATOR).raise_for_status().json()
    summary = twilio_ci.get_operator(display_name="Summary", settings=emulator_settings(emulator))
    return {"custom": custom["id"], "summary": summary.id}


def test_the_table_has_at_least_20_invalid_inputs_over_every_resource() -> None:
    rows = [row for _, _, expected in CASES.values() for row in expected]
    assert len(rows) >= 20
    assert {cls for cls, _, _ in CASES.values()} == {
        twilio_ci.Operator,
        twilio_ci.IntelligenceConfiguration,
        twilio_ci.ConversationConfiguration,
    }


@pytest.mark.parametrize("case", list(CASES))
def test_preview_rejects_invalid_inputs_naming_each_property(
    make_stack: StackFactory, operators: dict[str, str], case: str
) -> None:
    cls, inputs, expected = CASES[case]

    def program() -> None:
        cls("invalid", **replace_placeholders(inputs, operators))

    stack = make_stack(program)
    with pytest.raises(auto.CommandError) as err:
        stack.preview()
    # the engine prints one line per failure:
    #   error: <type> resource 'invalid': property <path> value {...} has a problem: <reason>
    errors = [line for line in str(err.value).splitlines() if line.lstrip().startswith("error:")]
    problems = []
    for line in errors:
        if " resource 'invalid': property " in line and " has a problem: " in line:
            path = line.split(" resource 'invalid': property ", 1)[1].split(" value ", 1)[0]
            problems.append((path, line.split(" has a problem: ", 1)[1]))
    for prop, reason in expected:
        assert any(path == prop and reason in why for path, why in problems), (prop, reason, problems)
    assert len({path for path, _ in problems}) == len({prop for prop, _ in expected}), problems
