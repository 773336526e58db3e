"""Base URLs and valid request bodies shared by the emulator's conformance tests."""

from __future__ import annotations

from typing import Any

INTELLIGENCE = "https://intelligence.twilio.com/v3/ControlPlane"
CONVERSATIONS = "https://conversations.twilio.com/v2/ControlPlane"
MEMORY_STORE_ID = "mem_store_01h9d8r0vte3hz8tykdj329t7r"
OTHER_MEMORY_STORE_ID = "mem_service_01h9d8r0vte3hz8tykdj329t7s"
IDEMPOTENCY_KEY = "01890a5d-aa0f-7c80-b8e6-0242ac140004"
HOOK = "https://example.com/hook"


def operator_body(**overrides: Any) -> dict[str, Any]:
    """A custom JSON operator with one INTEGER parameter (``scale``)."""
    return {
        "displayName": "Script Adherence",
        "description": "How well the agent followed the script.",
        "prompt": "Rate the agent 0-{{parameters.scale}}.",
        "outputFormat": "JSON",
        "outputSchema": {"type": "object", "properties": {"score": {"type": "integer"}}},
        "trainingExamples": [{"input": "Agent: hello", "output": '{"score": 3}'}],
        "context": {"memory": {"enabled": False}, "knowledge": {"enabled": False}},
        "parameters": {"scale": {"type": "INTEGER", "default": 5, "required": False, "description": "Top score."}},
        **overrides,
    }


def rule(operator_id: str, **overrides: Any) -> dict[str, Any]:
    """A rule running one operator on every 3rd communication, posting to a webhook."""
    return {
        "operators": [{"id": operator_id}],
        "triggers": [{"on": "COMMUNICATION", "parameters": {"count": 3}}],
        "actions": [{"type": "WEBHOOK", "method": "POST", "url": HOOK}],
        **overrides,
    }


def conversation_configuration_body(**overrides: Any) -> dict[str, Any]:
    """A Conversation Configuration create body with every optional field set."""
    return {
        "displayName": "Support",
        "description": "Voice and SMS support line",
        "conversationGroupingType": "GROUP_BY_PROFILE",
        "memoryStoreId": MEMORY_STORE_ID,
        "channelSettings": {
            "VOICE": {
                "statusTimeouts": {"inactive": 5, "closed": 60},
                "captureRules": [{"from": "*", "to": "+18888888888"}],
            }
        },
        "statusCallbacks": [{"url": HOOK}],
        "memoryExtractionEnabled": True,
        **overrides,
    }
