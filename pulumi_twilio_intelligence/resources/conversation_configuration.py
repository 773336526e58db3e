"""The ``ConversationConfiguration`` resource (Conversations v2, Conversation Orchestrator).

Endpoint: ``https://conversations.twilio.com/v2/ControlPlane/Configurations``. Every write is an
asynchronous Operation: the provider sends a deterministic Idempotency-Key and waits for it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure
from typing_extensions import overload

from ..client import CONVERSATION_CONFIGURATIONS, INTELLIGENCE_CONFIGURATIONS
from ..errors import TwilioApiError, TwilioError
from ..models import (
    ConversationConfiguration as ConversationConfigurationModel,
)
from ..models import (
    ConversationConfigurationCreate,
    ConversationConfigurationReplace,
)
from ..models.conversation_configuration import GroupingType
from ._check import CheckContext
from ._provider import TwilioProvider
from ._resource import MODULE, TwilioResource
from ._spec import ResourceSpec
from .args import ChannelSettingArgsDict, ConversationsV1BridgeArgsDict, StatusCallbackArgsDict


def check_intelligence_configurations(ctx: CheckContext) -> list[CheckFailure]:
    """Each attached Intelligence Configuration exists in the account (when its id is known).

    Online: ``GET /v3/ControlPlane/Configurations/{id}`` once per distinct id the old inputs did not
    attach, unless the provider process already knows the configuration (it created it).
    """
    ids = ctx.inputs.get("intelligence_configuration_ids")
    if ctx.client is None or not isinstance(ids, list):
        return []
    failures = []
    for i, ref in enumerate(ids):
        if not isinstance(ref, str) or not ctx.known(ref):
            continue
        try:
            ctx.fetch(INTELLIGENCE_CONFIGURATIONS, ref, where=f"intelligence_configuration_ids[{i}]")
        except TwilioApiError as exc:
            if exc.not_found:
                failures.append(
                    CheckFailure(
                        f"intelligence_configuration_ids[{i}]",
                        f"no Intelligence Configuration {ref} exists in this account",
                    )
                )
            else:
                ctx.warnings.append(f"could not verify intelligence_configuration_ids[{i}]: {exc}")
        except TwilioError as exc:
            ctx.warnings.append(f"could not verify intelligence_configuration_ids[{i}]: {exc}")
    return failures


CONVERSATION_CONFIGURATION = ResourceSpec(
    type_name="ConversationConfiguration",
    title="Conversation Configuration",
    endpoint=CONVERSATION_CONFIGURATIONS,
    create_model=ConversationConfigurationCreate,
    update_model=ConversationConfigurationReplace,
    response_model=ConversationConfigurationModel,
    server_fields=(
        "version",
        "created_at",
        "updated_at",
        "trait_extraction_strategy_ids",
        "observation_extraction_strategy_ids",
    ),
    update_defaults={"channel_settings": {}},  # PUT requires channelSettings
    online_checks=(check_intelligence_configurations,),
    created_at=lambda _client, item: item.get("createdAt"),
    replace_on=("conversation_grouping_type",),  # C1: immutable after creation
    delete_before_replace=True,  # C2: at most 10 per account, so the old one goes first
)


class ConversationConfigurationProvider(TwilioProvider):
    """The dynamic provider of :class:`ConversationConfiguration` (stable import path)."""

    SPEC = CONVERSATION_CONFIGURATION


@pulumi.input_type
@dataclasses.dataclass(kw_only=True)
class ConversationConfigurationArgs:
    """The inputs of a :class:`ConversationConfiguration` (documented there)."""

    display_name: pulumi.Input[str]
    description: pulumi.Input[str]
    conversation_grouping_type: pulumi.Input[GroupingType]
    memory_store_id: pulumi.Input[str]
    channel_settings: pulumi.Input[dict[str, pulumi.Input[ChannelSettingArgsDict]]] | None = None
    status_callbacks: pulumi.Input[list[pulumi.Input[StatusCallbackArgsDict]]] | None = None
    intelligence_configuration_ids: pulumi.Input[list[pulumi.Input[str]]] | None = None
    memory_extraction_enabled: pulumi.Input[bool] | None = None
    conversations_v1_bridge: pulumi.Input[ConversationsV1BridgeArgsDict] | None = None
    existing_id: pulumi.Input[str] | None = None
    allow_duplicate_display_name: pulumi.Input[bool] | None = None


class ConversationConfiguration(TwilioResource, module=MODULE, name="ConversationConfiguration"):
    """A Conversation Configuration: how communications become conversations, and which
    Intelligence Configurations analyse them.

    Endpoint: ``/v2/ControlPlane/Configurations`` (Conversations v2). Writes are asynchronous
    Operations, awaited up to ``twilio:operationTimeout`` seconds. A change of
    ``conversation_grouping_type`` makes a new configuration (the old one is deleted first: Twilio
    allows 10 per account); every other input changes in place.
    """

    display_name: pulumi.Output[str]
    description: pulumi.Output[str]
    conversation_grouping_type: pulumi.Output[str]
    memory_store_id: pulumi.Output[str]
    channel_settings: pulumi.Output[dict[str, Any] | None]
    status_callbacks: pulumi.Output[list[dict[str, str]] | None]
    intelligence_configuration_ids: pulumi.Output[list[str] | None]
    memory_extraction_enabled: pulumi.Output[bool]
    conversations_v1_bridge: pulumi.Output[dict[str, str] | None]
    trait_extraction_strategy_ids: pulumi.Output[list[str] | None]
    observation_extraction_strategy_ids: pulumi.Output[list[str] | None]
    version: pulumi.Output[int | None]
    created_at: pulumi.Output[str | None]
    updated_at: pulumi.Output[str | None]
    operation_id: pulumi.Output[str]

    _provider_class = ConversationConfigurationProvider
    _args_class = ConversationConfigurationArgs

    @overload
    def __init__(
        self, resource_name: str, args: ConversationConfigurationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        display_name: pulumi.Input[str],
        description: pulumi.Input[str],
        conversation_grouping_type: pulumi.Input[GroupingType],
        memory_store_id: pulumi.Input[str],
        channel_settings: pulumi.Input[dict[str, pulumi.Input[ChannelSettingArgsDict]]] | None = None,
        status_callbacks: pulumi.Input[list[pulumi.Input[StatusCallbackArgsDict]]] | None = None,
        intelligence_configuration_ids: pulumi.Input[list[pulumi.Input[str]]] | None = None,
        memory_extraction_enabled: pulumi.Input[bool] | None = None,
        conversations_v1_bridge: pulumi.Input[ConversationsV1BridgeArgsDict] | None = None,
        existing_id: pulumi.Input[str] | None = None,
        allow_duplicate_display_name: pulumi.Input[bool] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(resource_name, *args, **kwargs)
