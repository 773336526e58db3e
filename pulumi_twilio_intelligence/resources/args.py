"""Typed shapes of every nested input, as Pulumi's own Python SDKs offer them.

``...ArgsDict`` are TypedDicts whose keys and required-ness are those of the wire models (a unit
test keeps them so: ``tests/unit/test_surface.py``); each key's documentation comes from the model
(``help(RuleArgsDict)``). The ``...Args`` names are the same types (aliases), kept for programs
written against earlier versions. Every value may be a ``pulumi.Input`` (a plain value or an
Output). Keys are snake_case; the provider sends them to Twilio in camelCase.

A new nested model gets its ``...ArgsDict`` here and a row in :data:`ARGS_MODELS`.
"""

# No ``from __future__ import annotations``: TypedDict reads Required/NotRequired from evaluated types.

from typing import Any, Literal

import pulumi
from typing_extensions import NotRequired, TypedDict

from ..models import (
    Action,
    CaptureRule,
    ChannelSetting,
    ContextToggle,
    ConversationsV1Bridge,
    KnowledgeContext,
    MemoryContext,
    OperatorContext,
    OperatorParameter,
    RuleContext,
    RuleCreate,
    RuleOperator,
    StatusCallback,
    StatusTimeouts,
    TrainingExample,
    Trigger,
    TriggerParameters,
    WireModel,
)
from ..models.conversation_configuration import CallbackMethod
from ..models.intelligence_configuration import TriggerOn
from ..models.operator import ParameterType
from ._surface import document_typed_dict

# -- Operator --------------------------------------------------------------------------------


class OperatorParameterArgsDict(TypedDict):
    """A declared operator parameter."""

    type: pulumi.Input[ParameterType]
    default: NotRequired[pulumi.Input[Any]]
    required: NotRequired[pulumi.Input[bool]]
    description: NotRequired[pulumi.Input[str]]


class ContextToggleArgsDict(TypedDict):
    """``{"enabled": bool}``."""

    enabled: NotRequired[pulumi.Input[bool]]


class OperatorContextArgsDict(TypedDict):
    """Which context sources (Memory, Knowledge) the operator may use at run time."""

    memory: NotRequired[pulumi.Input[ContextToggleArgsDict]]
    knowledge: NotRequired[pulumi.Input[ContextToggleArgsDict]]


class TrainingExampleArgsDict(TypedDict):
    """An example input and the output expected for it (matching the output format and schema)."""

    input: pulumi.Input[str]
    output: pulumi.Input[str]


# -- Intelligence Configuration ---------------------------------------------------------------


class RuleOperatorArgsDict(TypedDict):
    """A Language Operator a rule runs."""

    id: pulumi.Input[str]
    version: NotRequired[pulumi.Input[int]]
    parameters: NotRequired[pulumi.Input[dict[str, Any]]]


class TriggerParametersArgsDict(TypedDict):
    """The parameters of a trigger."""

    count: NotRequired[pulumi.Input[int]]


class TriggerArgsDict(TypedDict):
    """When a rule runs."""

    on: pulumi.Input[TriggerOn]
    parameters: NotRequired[pulumi.Input[TriggerParametersArgsDict]]


class ActionArgsDict(TypedDict):
    """What a rule does with the results: a ``WEBHOOK`` ``POST`` to ``url``."""

    type: pulumi.Input[Literal["WEBHOOK"]]
    method: pulumi.Input[Literal["POST"]]
    url: pulumi.Input[str]


class MemoryContextArgsDict(TypedDict):
    """Memory for the rule's operators."""

    enabled: NotRequired[pulumi.Input[bool]]


class KnowledgeContextArgsDict(TypedDict):
    """Knowledge for the rule's operators."""

    bases: pulumi.Input[list[pulumi.Input[str]]]


class RuleContextArgsDict(TypedDict):
    """Extra context for a rule's operators."""

    memory: NotRequired[pulumi.Input[MemoryContextArgsDict]]
    knowledge: NotRequired[pulumi.Input[KnowledgeContextArgsDict]]


class RuleArgsDict(TypedDict):
    """A Rule: the operators it runs, when, and where their results go."""

    operators: pulumi.Input[list[pulumi.Input[RuleOperatorArgsDict]]]
    triggers: NotRequired[pulumi.Input[list[pulumi.Input[TriggerArgsDict]]]]
    actions: pulumi.Input[list[pulumi.Input[ActionArgsDict]]]
    context: NotRequired[pulumi.Input[RuleContextArgsDict]]


# -- Conversation Configuration ---------------------------------------------------------------


class StatusTimeoutsArgsDict(TypedDict):
    """When conversations become inactive, then closed."""

    inactive: NotRequired[pulumi.Input[int]]
    closed: NotRequired[pulumi.Input[int]]


#: A Capture Rule: which communications of a channel start or join conversations.
CaptureRuleArgsDict = TypedDict(
    "CaptureRuleArgsDict",
    {
        "from": pulumi.Input[str],
        "to": pulumi.Input[str],
        "metadata": NotRequired[pulumi.Input[dict[str, str]]],
    },
)
CaptureRuleArgsDict.__doc__ = "A Capture Rule: which communications of a channel start or join conversations."


class ChannelSettingArgsDict(TypedDict):
    """The settings of one channel (``VOICE``, ``SMS``, ``RCS``, ``WHATSAPP``, ``CHAT``)."""

    status_timeouts: NotRequired[pulumi.Input[StatusTimeoutsArgsDict]]
    capture_rules: NotRequired[pulumi.Input[list[pulumi.Input[CaptureRuleArgsDict]]]]


class StatusCallbackArgsDict(TypedDict):
    """Where conversation status changes are sent."""

    url: pulumi.Input[str]
    method: NotRequired[pulumi.Input[CallbackMethod]]


class ConversationsV1BridgeArgsDict(TypedDict):
    """The Conversations V1 Service bridged to the configuration."""

    service_id: pulumi.Input[str]


#: Every ``...ArgsDict`` and the wire model whose fields it lists (documentation and drift test).
ARGS_MODELS: tuple[tuple[type, type[WireModel]], ...] = (
    (OperatorParameterArgsDict, OperatorParameter),
    (ContextToggleArgsDict, ContextToggle),
    (OperatorContextArgsDict, OperatorContext),
    (TrainingExampleArgsDict, TrainingExample),
    (RuleOperatorArgsDict, RuleOperator),
    (TriggerParametersArgsDict, TriggerParameters),
    (TriggerArgsDict, Trigger),
    (ActionArgsDict, Action),
    (MemoryContextArgsDict, MemoryContext),
    (KnowledgeContextArgsDict, KnowledgeContext),
    (RuleContextArgsDict, RuleContext),
    (RuleArgsDict, RuleCreate),
    (StatusTimeoutsArgsDict, StatusTimeouts),
    (CaptureRuleArgsDict, CaptureRule),
    (ChannelSettingArgsDict, ChannelSetting),
    (StatusCallbackArgsDict, StatusCallback),
    (ConversationsV1BridgeArgsDict, ConversationsV1Bridge),
)

for _typed_dict, _model in ARGS_MODELS:
    document_typed_dict(_typed_dict, _model)

# The names of earlier versions: the same TypedDicts.
OperatorParameterArgs = OperatorParameterArgsDict
ContextToggleArgs = ContextToggleArgsDict
OperatorContextArgs = OperatorContextArgsDict
TrainingExampleArgs = TrainingExampleArgsDict
RuleOperatorArgs = RuleOperatorArgsDict
TriggerParametersArgs = TriggerParametersArgsDict
TriggerArgs = TriggerArgsDict
ActionArgs = ActionArgsDict
MemoryContextArgs = MemoryContextArgsDict
KnowledgeContextArgs = KnowledgeContextArgsDict
RuleContextArgs = RuleContextArgsDict
RuleArgs = RuleArgsDict
StatusTimeoutsArgs = StatusTimeoutsArgsDict
CaptureRuleArgs = CaptureRuleArgsDict
ChannelSettingArgs = ChannelSettingArgsDict
StatusCallbackArgs = StatusCallbackArgsDict
ConversationsV1BridgeArgs = ConversationsV1BridgeArgsDict
