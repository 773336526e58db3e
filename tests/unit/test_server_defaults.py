"""Twilio's server-side defaults: declared once on the wire models, applied by one function for the
emulator (what it stores) and for the provider's canonical form (what diff compares)."""

from __future__ import annotations

from pulumi_twilio_intelligence.models import (
    ConversationConfiguration,
    IntelligenceConfigurationCreate,
    OperatorRequest,
    with_server_defaults,
)
from pulumi_twilio_intelligence.models.identity_resolution import IDENTIFIER_CONFIG_DEFAULTS, IdentifierConfig
from pulumi_twilio_intelligence.models.knowledge import WEB_SOURCE_DEFAULTS, KnowledgeSource
from pulumi_twilio_intelligence.resources.intelligence_configuration import INTELLIGENCE_CONFIGURATION

RULE = {"operators": [{"id": "op"}], "actions": []}


def test_defaults_fill_absent_fields_at_every_level_in_either_shape() -> None:
    wire = with_server_defaults(
        IntelligenceConfigurationCreate,
        {
            "displayName": "x",
            "rules": [RULE, {**RULE, "triggers": [{"on": "COMMUNICATION", "parameters": {"count": 3}}]}],
        },
        wire=True,
    )
    assert [r["triggers"] for r in wire["rules"]] == [[], [{"on": "COMMUNICATION", "parameters": {"count": 3}}]]
    python = with_server_defaults(
        ConversationConfiguration,
        {"status_callbacks": [{"url": "https://a"}, {"url": "https://b", "method": "GET"}]},
        wire=False,
    )
    assert python["memory_extraction_enabled"] is False
    assert [cb["method"] for cb in python["status_callbacks"]] == ["POST", "GET"]


def test_a_default_twilio_does_not_store_is_left_out_of_what_the_emulator_stores() -> None:
    body = {"displayName": "x", "prompt": "p", "outputFormat": "TEXT", "parameters": {"a": {"type": "STRING"}}}
    assert with_server_defaults(OperatorRequest, body, wire=True, stored_only=True) == body
    assert with_server_defaults(OperatorRequest, body, wire=True)["parameters"]["a"]["required"] is False


def test_conditional_defaults_apply_only_to_their_shape() -> None:
    assert with_server_defaults(KnowledgeSource, {"type": "Text", "content": "x"}, wire=True) == {
        "type": "Text",
        "content": "x",
    }
    web = with_server_defaults(KnowledgeSource, {"type": "Web", "url": "https://a"}, wire=True)
    assert web == {"type": "Web", "url": "https://a", **WEB_SOURCE_DEFAULTS}
    assert with_server_defaults(IdentifierConfig, {"idType": "email"}, wire=True) == {
        "idType": "email",
        **IDENTIFIER_CONFIG_DEFAULTS,
    }


def test_the_provider_compares_with_the_defaults_filled_in() -> None:
    explicit = {
        "display_name": "x",
        "rules": [{**RULE, "triggers": [{"on": "COMMUNICATION", "parameters": {"count": 1}}]}],
    }
    implicit = {"display_name": "x", "rules": [{**RULE, "triggers": [{"on": "COMMUNICATION"}]}]}
    assert INTELLIGENCE_CONFIGURATION.changed_fields(explicit, implicit) == []
    assert INTELLIGENCE_CONFIGURATION.changed_fields(explicit, {**implicit, "rules": [RULE]}) == ["rules"]
