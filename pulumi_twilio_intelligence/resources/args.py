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


# -- Memory (Trait Groups, Identity Resolution Settings) ----------------------------------------


class TraitValidationRuleArgs(TypedDict, total=False):
    """How a trait's values are validated, by ``rule_type`` (required): ``STRING`` takes ``pattern``,
    ``min_length``, ``max_length``; ``NUMBER`` takes ``min``, ``max``; ``ARRAY`` takes ``min_items``,
    ``max_items`` (counts); ``BOOLEAN`` nothing else."""

    rule_type: pulumi.Input[Literal["STRING", "NUMBER", "BOOLEAN", "ARRAY"]]
    pattern: pulumi.Input[str]
    min_length: pulumi.Input[int]
    max_length: pulumi.Input[int]
    min: pulumi.Input[float]
    max: pulumi.Input[float]
    min_items: pulumi.Input[int]
    max_items: pulumi.Input[int]


class TraitDefinitionArgs(TypedDict, total=False):
    """One trait of a Trait Group: ``data_type`` (required: ``STRING``, ``NUMBER``, ``BOOLEAN`` or
    ``ARRAY``), ``description`` (at most 1024 characters), ``validation_rule`` and
    ``id_type_promotion`` (the identifier type, e.g. ``email``, that the value is promoted to)."""

    data_type: pulumi.Input[Literal["STRING", "NUMBER", "BOOLEAN", "ARRAY"]]
    description: pulumi.Input[str]
    validation_rule: pulumi.Input[TraitValidationRuleArgs]
    id_type_promotion: pulumi.Input[str]


class IdentifierConfigArgs(TypedDict, total=False):
    """How one identifier type resolves profiles: ``id_type`` (required, 2-30 characters, e.g.
    ``email``), ``matching_algo`` (``exact``, the default, or ``fuzzy``), ``matching_threshold``
    (percent, 50-99, default 75), ``limit`` (values kept, 1-100, default 100), ``limit_policy``
    (``fifo``, the default, or ``lifo``), ``enforce_unique`` (default true) and ``normalization``
    (``phone``, ``email``, ``trim``, the default, or ``none``)."""

    id_type: pulumi.Input[str]
    matching_algo: pulumi.Input[Literal["exact", "fuzzy"]]
    matching_threshold: pulumi.Input[int]
    limit: pulumi.Input[int]
    limit_policy: pulumi.Input[Literal["fifo", "lifo"]]
    enforce_unique: pulumi.Input[bool]
    normalization: pulumi.Input[Literal["phone", "email", "trim", "none"]]


# -- Knowledge ------------------------------------------------------------------------------------


class KnowledgeSourceArgs(TypedDict, total=False):
    """What a knowledge source holds, by ``type`` (required): ``Text`` takes ``content`` (at most
    185000 characters); ``Web`` takes ``url``, ``crawl_depth`` (1-10, default 2) and ``crawl_period``
    (``WEEKLY``, ``BIWEEKLY``, ``MONTHLY`` or ``NEVER``, the default). For a file, give the
    resource's ``file_path`` instead."""

    type: pulumi.Input[Literal["Text", "Web"]]
    content: pulumi.Input[str]
    url: pulumi.Input[str]
    crawl_depth: pulumi.Input[int]
    crawl_period: pulumi.Input[Literal["WEEKLY", "BIWEEKLY", "MONTHLY", "NEVER"]]
