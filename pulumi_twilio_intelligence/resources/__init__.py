"""The Pulumi resources: ``Operator``, ``IntelligenceConfiguration``, ``ConversationConfiguration``,
``MemoryStore``, ``TraitGroup``, ``IdentityResolutionSettings``, ``KnowledgeBase``, ``Knowledge``, and
the lookups ``get_operator``, ``get_operator_version``, ``get_memory_store`` and ``get_knowledge_base``."""

from .args import (
    ActionArgs,
    CaptureRuleArgs,
    ChannelSettingArgs,
    ContextToggleArgs,
    ConversationsV1BridgeArgs,
    IdentifierConfigArgs,
    KnowledgeContextArgs,
    KnowledgeSourceArgs,
    MemoryContextArgs,
    OperatorContextArgs,
    OperatorParameterArgs,
    RuleArgs,
    RuleContextArgs,
    RuleOperatorArgs,
    StatusCallbackArgs,
    StatusTimeoutsArgs,
    TrainingExampleArgs,
    TraitDefinitionArgs,
    TraitValidationRuleArgs,
    TriggerArgs,
    TriggerParametersArgs,
)
from .conversation_configuration import ConversationConfiguration, ConversationConfigurationProvider
from .identity_resolution_settings import IdentityResolutionSettings, IdentityResolutionSettingsProvider
from .intelligence_configuration import IntelligenceConfiguration, IntelligenceConfigurationProvider
from .knowledge import Knowledge, KnowledgeProvider
from .knowledge_base import KnowledgeBase, KnowledgeBaseProvider
from .lookups import (
    GetKnowledgeBaseResult,
    GetMemoryStoreResult,
    GetOperatorResult,
    GetOperatorVersionResult,
    get_knowledge_base,
    get_memory_store,
    get_operator,
    get_operator_version,
)
from .memory_store import MemoryStore, MemoryStoreProvider
from .operator import Operator, OperatorProvider
from .trait_group import TraitGroup, TraitGroupProvider

__all__ = [
    "ActionArgs",
    "CaptureRuleArgs",
    "ChannelSettingArgs",
    "ContextToggleArgs",
    "ConversationConfiguration",
    "ConversationConfigurationProvider",
    "ConversationsV1BridgeArgs",
    "GetKnowledgeBaseResult",
    "GetMemoryStoreResult",
    "GetOperatorResult",
    "GetOperatorVersionResult",
    "IdentifierConfigArgs",
    "IdentityResolutionSettings",
    "IdentityResolutionSettingsProvider",
    "IntelligenceConfiguration",
    "IntelligenceConfigurationProvider",
    "Knowledge",
    "KnowledgeBase",
    "KnowledgeBaseProvider",
    "KnowledgeContextArgs",
    "KnowledgeProvider",
    "KnowledgeSourceArgs",
    "MemoryContextArgs",
    "MemoryStore",
    "MemoryStoreProvider",
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
    "TraitDefinitionArgs",
    "TraitGroup",
    "TraitGroupProvider",
    "TraitValidationRuleArgs",
    "TriggerArgs",
    "TriggerParametersArgs",
    "get_knowledge_base",
    "get_memory_store",
    "get_operator",
    "get_operator_version",
]
