"""Typed shapes (TypedDicts) of every nested input, as Pulumi's own Python SDKs offer them.

Every value may be a ``pulumi.Input`` (a plain value or an Output). Keys are snake_case; the provider
sends them to Twilio in camelCase.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

import pulumi

from ..models.conversation_configuration import CallbackMethod
from ..models.intelligence_configuration import TriggerOn
from ..models.operator import ParameterType

# -- Operator --------------------------------------------------------------------------------


class OperatorParameterArgs(TypedDict, total=False):
    """A declared operator parameter. ``type`` is required; ``required`` defaults to false;
    ``KNOWLEDGE_BASE_AND_SOURCE_IDS`` parameters take no ``default``."""

    type: pulumi.Input[ParameterType]
    default: pulumi.Input[Any]
    required: pulumi.Input[bool]
    description: pulumi.Input[str]


class ContextToggleArgs(TypedDict, total=False):
    """``{"enabled": bool}``."""

    enabled: pulumi.Input[bool]


class OperatorContextArgs(TypedDict, total=False):
    """Which context sources (Memory, Knowledge) the operator may use at run time."""

    memory: pulumi.Input[ContextToggleArgs]
    knowledge: pulumi.Input[ContextToggleArgs]


class TrainingExampleArgs(TypedDict):
    """An example input and the output expected for it (matching the output format and schema)."""

    input: pulumi.Input[str]
    output: pulumi.Input[str]


# -- Intelligence Configuration ---------------------------------------------------------------


class RuleOperatorArgs(TypedDict, total=False):
    """An operator a rule runs: ``id`` (required), ``version`` (pin; latest ACTIVE when absent) and
    ``parameters`` (values for the operator's declared parameters)."""

    id: pulumi.Input[str]
    version: pulumi.Input[int]
    parameters: pulumi.Input[dict[str, Any]]


class TriggerParametersArgs(TypedDict, total=False):
    """``count``: run every N communications (1-20, default 1)."""

    count: pulumi.Input[int]


class TriggerArgs(TypedDict, total=False):
    """When a rule runs: ``on`` (required) and its ``parameters``."""

    on: pulumi.Input[TriggerOn]
    parameters: pulumi.Input[TriggerParametersArgs]


class ActionArgs(TypedDict):
    """What a rule does with results: a ``WEBHOOK`` ``POST`` to ``url``."""

    type: pulumi.Input[Literal["WEBHOOK"]]
    method: pulumi.Input[Literal["POST"]]
    url: pulumi.Input[str]


class MemoryContextArgs(TypedDict, total=False):
    """``{"enabled": bool}``: pass Memory to the rule's operators."""

    enabled: pulumi.Input[bool]


class KnowledgeContextArgs(TypedDict):
    """``{"bases": [...]}``: Knowledge Base ids (at least one) passed to the rule's operators."""

    bases: pulumi.Input[list[pulumi.Input[str]]]


class RuleContextArgs(TypedDict, total=False):
    """Extra context for a rule's operators."""

    memory: pulumi.Input[MemoryContextArgs]
    knowledge: pulumi.Input[KnowledgeContextArgs]


class RuleArgs(TypedDict, total=False):
    """A Rule: 1-5 ``operators`` and at most 2 ``actions`` (both required), at most 1 trigger."""

    operators: pulumi.Input[list[pulumi.Input[RuleOperatorArgs]]]
    triggers: pulumi.Input[list[pulumi.Input[TriggerArgs]]]
    actions: pulumi.Input[list[pulumi.Input[ActionArgs]]]
    context: pulumi.Input[RuleContextArgs]


# -- Conversation Configuration ---------------------------------------------------------------


class StatusTimeoutsArgs(TypedDict, total=False):
    """Minutes (at least 1) of inactivity before a conversation becomes inactive, then closed."""

    inactive: pulumi.Input[int]
    closed: pulumi.Input[int]


#: A Capture Rule: ``from`` and ``to`` (``*`` is a wildcard) and string ``metadata``.
CaptureRuleArgs = TypedDict(
    "CaptureRuleArgs",
    {"from": pulumi.Input[str], "to": pulumi.Input[str], "metadata": pulumi.Input[dict[str, str]]},
    total=False,
)


class ChannelSettingArgs(TypedDict, total=False):
    """The settings of one channel (``VOICE``, ``SMS``, ``RCS``, ``WHATSAPP``, ``CHAT``)."""

    status_timeouts: pulumi.Input[StatusTimeoutsArgs]
    capture_rules: pulumi.Input[list[pulumi.Input[CaptureRuleArgs]]]


class StatusCallbackArgs(TypedDict, total=False):
    """Where conversation status changes are sent: ``url`` (required), ``method`` POST (default) or GET."""

    url: pulumi.Input[str]
    method: pulumi.Input[CallbackMethod]


class ConversationsV1BridgeArgs(TypedDict):
    """The Conversations V1 Service (``IS`` + 32 hex digits) bridged to the configuration."""

    service_id: pulumi.Input[str]
