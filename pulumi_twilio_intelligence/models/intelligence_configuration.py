"""Intelligence Configurations (Intelligence API v3, ``/v3/ControlPlane/Configurations``).

Schemas ``CreateConfigurationRequest``, ``UpdateConfigurationRequest``, ``RuleCreationRequestPayload``,
``RuleUpdateRequestPayload``, ``Rule``, ``Operator`` (a rule's operator reference), ``Trigger``,
``Action``, ``Context`` and ``IntelligenceConfiguration`` of the official document.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from ._base import WireModel
from ._types import Uri
from .defaults import ServerDefault

TriggerOn = Literal["COMMUNICATION", "CONVERSATION_END", "CONVERSATION_INACTIVE"]

CONFIGURATION_ID_PATTERN = r"^intelligence_configuration_[0-7][0-9a-z]{25}$"

#: Server-side default of ``triggers[].parameters.count``.
DEFAULT_TRIGGER_COUNT = 1


class RuleOperator(WireModel):
    """``{id, version?, parameters?}``: a Language Operator run by a rule.

    Without ``version`` the latest ACTIVE version runs; ``parameters`` must match the operator's
    declared parameters by name and type.
    """

    id: str
    version: int | None = None
    parameters: dict[str, Any] | None = None


class TriggerParameters(WireModel):
    """``{count}``: run every ``count`` communications (1-20, default 1)."""

    count: Annotated[int | None, ServerDefault(DEFAULT_TRIGGER_COUNT)] = Field(None, ge=1, le=20)


class Trigger(WireModel):
    """``{on, parameters?}``: the conversation event that runs the rule."""

    on: TriggerOn
    parameters: Annotated[TriggerParameters | None, ServerDefault({})] = None


class Action(WireModel):
    """``{type: WEBHOOK, method: POST, url}``: what happens with the results."""

    type: Literal["WEBHOOK"]
    method: Literal["POST"]
    url: Uri


class MemoryContext(WireModel):
    """``{enabled}``: pass Memory to the rule's operators."""

    enabled: bool | None = None


class KnowledgeContext(WireModel):
    """``{bases: [id, ...]}`` (at least one): pass these Knowledge Bases to the rule's operators."""

    bases: list[str] = Field(min_length=1)


class RuleContext(WireModel):
    """``{memory?, knowledge?}``: extra context for the rule's operators."""

    memory: MemoryContext | None = None
    knowledge: KnowledgeContext | None = None


class RuleCreate(WireModel):
    """``RuleCreationRequestPayload``: 1-5 operators, at most 1 trigger, at most 2 actions."""

    operators: list[RuleOperator] = Field(min_length=1, max_length=5)
    triggers: Annotated[list[Trigger] | None, ServerDefault([])] = Field(None, max_length=1)
    actions: list[Action] = Field(max_length=2)
    context: RuleContext | None = None


class RuleUpdate(RuleCreate):
    """``RuleUpdateRequestPayload``: with ``id`` the existing rule is updated, without it one is created."""

    id: str | None = None


class IntelligenceConfigurationCreate(WireModel):
    """Body of ``POST /v3/ControlPlane/Configurations``: ``displayName`` (1-128) and 0-5 ``rules``."""

    display_name: str = Field(min_length=1, max_length=128)
    description: str | None = None
    rules: list[RuleCreate] = Field(max_length=5)


class IntelligenceConfigurationUpdate(IntelligenceConfigurationCreate):
    """Body of ``PUT /v3/ControlPlane/Configurations/{id}`` (a full replacement)."""

    rules: list[RuleUpdate] = Field(max_length=5)  # type: ignore[assignment]


class Rule(RuleUpdate):
    """A rule as Twilio returns it, with its ``intelligence_configurationrule_...`` id."""

    id: str
    operators: list[RuleOperator] = Field(max_length=5)
    triggers: list[Trigger] = Field(default_factory=list, max_length=1)


class IntelligenceConfiguration(WireModel):
    """An Intelligence Configuration as Twilio returns it (201 of create, 200 of fetch/update/list)."""

    account_id: str
    id: str
    display_name: str
    description: str | None = None
    version: int
    rules: list[Rule] = Field(max_length=5)
    date_created: str
    date_updated: str
