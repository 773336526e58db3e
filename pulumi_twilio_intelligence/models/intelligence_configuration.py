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

    id: str = Field(description="The operator's id (``intelligence_operator_...``).")
    version: int | None = Field(None, description="The operator version to run; without it, the latest ACTIVE version.")
    parameters: dict[str, Any] | None = Field(
        None, description="Values of the operator's declared parameters, by name and of their types."
    )


class TriggerParameters(WireModel):
    """``{count}``: run every ``count`` communications (1-20, default 1)."""

    count: Annotated[int | None, ServerDefault(DEFAULT_TRIGGER_COUNT)] = Field(
        None, ge=1, le=20, description="Run the rule every ``count`` communications (a count)."
    )


class Trigger(WireModel):
    """``{on, parameters?}``: the conversation event that runs the rule."""

    on: TriggerOn = Field(description="The conversation event that runs the rule.")
    parameters: Annotated[TriggerParameters | None, ServerDefault({})] = Field(
        None, description="The trigger's parameters."
    )


class Action(WireModel):
    """``{type: WEBHOOK, method: POST, url}``: what happens with the results."""

    type: Literal["WEBHOOK"] = Field(description="What the action does: a webhook.")
    method: Literal["POST"] = Field(description="The webhook's HTTP method.")
    url: Uri = Field(description="The webhook's URL, which receives the results.")


class MemoryContext(WireModel):
    """``{enabled}``: pass Memory to the rule's operators."""

    enabled: bool | None = Field(None, description="Whether the rule's operators get Memory.")


class KnowledgeContext(WireModel):
    """``{bases: [id, ...]}`` (at least one): pass these Knowledge Bases to the rule's operators."""

    bases: list[str] = Field(min_length=1, description="The Knowledge Base ids passed to the rule's operators.")


class RuleContext(WireModel):
    """``{memory?, knowledge?}``: extra context for the rule's operators."""

    memory: MemoryContext | None = Field(None, description="Memory for the rule's operators.")
    knowledge: KnowledgeContext | None = Field(None, description="Knowledge Bases for the rule's operators.")


class RuleCreate(WireModel):
    """``RuleCreationRequestPayload``: 1-5 operators, at most 1 trigger, at most 2 actions."""

    operators: list[RuleOperator] = Field(
        min_length=1, max_length=5, description="The Language Operators the rule runs."
    )
    triggers: Annotated[list[Trigger] | None, ServerDefault([])] = Field(
        None, max_length=1, description="The conversation event that runs the rule."
    )
    actions: list[Action] = Field(max_length=2, description="Where the results go.")
    context: RuleContext | None = Field(None, description="Extra context for the rule's operators.")


class RuleUpdate(RuleCreate):
    """``RuleUpdateRequestPayload``: with ``id`` the existing rule is updated, without it one is created."""

    id: str | None = Field(None, description="The rule's id (``intelligence_configurationrule_...``), given by Twilio.")


class IntelligenceConfigurationCreate(WireModel):
    """Body of ``POST /v3/ControlPlane/Configurations``: ``displayName`` (1-128) and 0-5 ``rules``."""

    display_name: str = Field(min_length=1, max_length=128, description="The configuration's name.")
    description: str | None = Field(None, description="What the configuration is for.")
    rules: list[RuleCreate] = Field(
        max_length=5, description="The rules: the operators to run, when, and where their results go."
    )


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

    account_id: str = Field(description="The Account SID (``AC...``) the configuration belongs to.")
    id: str = Field(description="The configuration's id (``intelligence_configuration_...``).")
    display_name: str
    description: str | None = None
    version: int = Field(description="The configuration's version: 1 when created, one more with every update.")
    rules: list[Rule] = Field(max_length=5)
    date_created: str = Field(description="When the configuration was created (ISO-8601, UTC).")
    date_updated: str = Field(description="When the configuration was last updated (ISO-8601, UTC).")
