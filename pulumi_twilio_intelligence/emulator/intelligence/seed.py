"""Twilio-authored Language Operators, present in every account (author ``TWILIO``, read-only).

Their ids are the ones they have on live Twilio accounts (live note I9), the same in every account
and every run, so that programs written against the emulator run unchanged on a real account; their
prompts are hidden (left out of every answer, as the document says). Their version histories
exercise the lifecycle: some have a DEPRECATED or RETIRED earlier version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...models.operator import VersionStatus
from .records import OperatorVersion

_CREATED = "2025-06-01T00:00:00Z"
_DEPRECATED = "2026-03-01T00:00:00Z"
_RETIREMENT = "2027-03-01T00:00:00Z"
_RETIRED = "2026-06-01T00:00:00Z"


@dataclass(frozen=True)
class TwilioOperator:
    """A Twilio-authored operator: its wire fields at the latest version, and every version's
    ``(status, date of the last status change)``, oldest first."""

    id: str
    fields: dict[str, Any]
    history: tuple[tuple[VersionStatus, str | None], ...]


_OPERATORS = (
    TwilioOperator(
        "intelligence_operator_01kcrvw16kfa88qvgrfmr7y151",
        {
            "displayName": "Sentiment Analysis",
            "description": "Classifies the customer's overall sentiment in the conversation.",
            "prompt": "Classify the overall sentiment of the customer as POSITIVE, NEUTRAL or NEGATIVE.",
            "outputFormat": "CLASSIFICATION",
            "context": {"memory": {"enabled": False}, "knowledge": {"enabled": False}},
            "parameters": {},
        },
        (("DEPRECATED", _DEPRECATED), ("ACTIVE", None)),
    ),
    TwilioOperator(
        "intelligence_operator_01kcv35pnkeysaf6z6cqtbpegn",
        {
            "displayName": "Summary",
            "description": "Summarizes the conversation in a few sentences.",
            "prompt": "Summarize the conversation in at most {{parameters.sentences}} sentences.",
            "outputFormat": "TEXT",
            "context": {"memory": {"enabled": False}, "knowledge": {"enabled": False}},
            "parameters": {
                "sentences": {"type": "INTEGER", "default": 3, "required": False, "description": "Maximum sentences."}
            },
        },
        (("RETIRED", _RETIRED), ("ACTIVE", None)),
    ),
    TwilioOperator(
        "intelligence_operator_01kea27sy7ffsafmtsfp17nzx4",
        {
            "displayName": "Next Best Response",
            "description": "Suggests the agent's next best response.",
            "prompt": "Suggest the best next response for the agent.",
            "outputFormat": "TEXT",
            "context": {"memory": {"enabled": True}, "knowledge": {"enabled": True}},
            "parameters": {},
        },
        (("ACTIVE", None),),
    ),
    TwilioOperator(
        "intelligence_operator_01kf34tcyefpyb1t4m0nbd8rxg",
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
        },
        (("ACTIVE", None),),
    ),
)


def twilio_operators(account: str) -> list[tuple[dict[str, Any], list[OperatorVersion]]]:
    """``(operator, versions)`` pairs for an account; the operator (a wire body) is at its latest version."""
    out = []
    for template in _OPERATORS:
        operator_id = template.id
        operator = {"id": operator_id, **template.fields, "version": len(template.history), "author": "TWILIO"}
        versions = []
        for number, (status, changed) in enumerate(template.history, start=1):
            late = status in ("DEPRECATED", "RETIRED")
            versions.append(
                OperatorVersion(
                    operator={**operator, "version": number},
                    status=status,
                    date_created=_CREATED,
                    date_deprecated=changed if late else None,
                    retirement_date=_RETIREMENT if status == "DEPRECATED" else None,
                    date_retired=changed if status == "RETIRED" else None,
                )
            )
        out.append((operator, versions))
    return out
