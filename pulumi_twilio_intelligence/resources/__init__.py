"""The Pulumi resources: ``Operator``, ``IntelligenceConfiguration``, ``ConversationConfiguration``,
and the lookups ``get_operator`` and ``get_operator_version``."""

from .args import (
    ActionArgs,
    CaptureRuleArgs,
    ChannelSettingArgs,
    ContextToggleArgs,
    ConversationsV1BridgeArgs,
    KnowledgeContextArgs,
    MemoryContextArgs,
    OperatorContextArgs,
    OperatorParameterArgs,
    RuleArgs,
    RuleContextArgs,
    RuleOperatorArgs,
    StatusCallbackArgs,
    StatusTimeoutsArgs,
    TrainingExampleArgs,
    TriggerArgs,
    TriggerParametersArgs,
)
from .conversation_configuration import ConversationConfiguration, ConversationConfigurationProvider
from .intelligence_configuration import IntelligenceConfiguration, IntelligenceConfigurationProvider
from .lookups import GetOperatorResult, GetOperatorVersionResult, get_operator, get_operator_version
from .operator import Operator, OperatorProvider

__all__ = [
    "ActionArgs",
    "CaptureRuleArgs",
    "ChannelSettingArgs",
    "ContextToggleArgs",
    "ConversationConfiguration",
    "ConversationConfigurationProvider",
    "ConversationsV1BridgeArgs",
    "GetOperatorResult",
    "GetOperatorVersionResult",
    "IntelligenceConfiguration",
    "IntelligenceConfigurationProvider",
    "KnowledgeContextArgs",
    "MemoryContextArgs",
    "Operator",
    "OperatorContextArgs",
    "OperatorParameterArgs",
    "OperatorProvider",
    "RuleArgs",
    "RuleContextArgs",
    "RuleOperatorArgs",
    "StatusCallbackArgs",
    "StatusTimeoutsArgs",
    "TrainingExampleArgs",
    "TriggerArgs",
    "TriggerParametersArgs",
    "get_operator",
    "get_operator_version",
]
