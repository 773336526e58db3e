"""Twilio-authored Language Operators, present in every account (author ``TWILIO``, read-only).

Their ids are derived from the account, so they are the same in every run. Their version histories
exercise the lifecycle: some have a DEPRECATED or RETIRED earlier version.
"""

from __future__ import annotations

from typing import Any

from ..ids import stable_id

_CREATED = "2025-06-01T00:00:00Z"
_DEPRECATED = "2026-03-01T00:00:00Z"
_RETIREMENT = "2027-03-01T00:00:00Z"
_RETIRED = "2026-06-01T00:00:00Z"

_OPERATORS: list[dict[str, Any]] = [
    {
        "displayName": "Sentiment Analysis",
        "description": "Classifies the customer's overall sentiment in the conversation.",
        "prompt": "Classify the overall sentiment of the customer as POSITIVE, NEUTRAL or NEGATIVE.",
        "outputFormat": "CLASSIFICATION",
        "context": {"memory": {"enabled": False}, "knowledge": {"enabled": False}},
        "parameters": {},
        "_history": [("DEPRECATED", _DEPRECATED), ("ACTIVE", None)],
    },
    {
        "displayName": "Summary",
        "description": "Summarizes the conversation in a few sentences.",
        "prompt": "Summarize the conversation in at most {{parameters.sentences}} sentences.",
        "outputFormat": "TEXT",
        "context": {"memory": {"enabled": False}, "knowledge": {"enabled": False}},
        "parameters": {
            "sentences": {"type": "INTEGER", "default": 3, "required": False, "description": "Maximum sentences."}
        },
        "_history": [("RETIRED", _RETIRED), ("ACTIVE", None)],
    },
    {
        "displayName": "Next Best Response",
        "description": "Suggests the agent's next best response.",
        "prompt": "Suggest the best next response for the agent.",
        "outputFormat": "TEXT",
        "context": {"memory": {"enabled": True}, "knowledge": {"enabled": True}},
        "parameters": {},
        "_history": [("ACTIVE", None)],
    },
    {
        "displayName": "Script Adherence",
        "description": "Scores how closely the agent followed the script.",
        "prompt": "Score from 0 to 10 how closely the agent followed this script: {{parameters.script}}",
        "outputFormat": "JSON",
        "outputSchema": {
            "type": "object",
            "properties": {"score": {"type": "integer"}, "explanation": {"type": "string"}},
            "required": ["explanation", "score"],
            "additionalProperties": False,
        },
        "context": {"memory": {"enabled": False}, "knowledge": {"enabled": False}},
        "parameters": {
            "script": {"type": "STRING", "required": True, "description": "The script the agent should follow."}
        },
        "_history": [("ACTIVE", None)],
    },
]


def twilio_operators(account: str) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """``(operator, versions)`` pairs for an account; the operator is at its latest version."""
    out = []
    for template in _OPERATORS:
        history = template["_history"]
        operator = {k: v for k, v in template.items() if not k.startswith("_")}
        operator = {
            "id": stable_id("intelligence_operator", account, template["displayName"]),
            **operator,
            "version": len(history),
            "author": "TWILIO",
        }
        versions = []
        for number, (status, changed) in enumerate(history, start=1):
            version: dict[str, Any] = {"version": number, "status": status, "dateCreated": _CREATED}
            if status in ("DEPRECATED", "RETIRED"):
                version["dateDeprecated"] = changed
            if status == "DEPRECATED":
                version["retirementDate"] = _RETIREMENT
            if status == "RETIRED":
                version["dateRetired"] = changed
            versions.append(version)
        out.append((operator, versions))
    return out
