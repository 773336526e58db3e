"""Conversation Configurations and Operations (Conversations API v2, ``/v2/ControlPlane/...``).

Schemas ``conversations.v2.configuration`` (and the inline request bodies of POST, PUT and PATCH,
whose required sets differ), ``channel_setting``, ``status_timeouts``, ``capture_rule``,
``status_callback_config``, ``conversations_v1_bridge`` and ``operation_status`` of the official
document. A 202's ``operation_accepted`` body has no model: the client reads its ``statusUrl``, or the
``Location`` header when it is missing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import KeywordFieldModel, WireModel
from ._types import Uri
from .defaults import ServerDefault
from .memory_store import MEMORY_STORE_ID_PATTERN as MEMORY_STORE_ID_PATTERN  # its home; kept importable here

GroupingType = Literal[
    "GROUP_BY_PROFILE", "GROUP_BY_PARTICIPANT_ADDRESSES", "GROUP_BY_PARTICIPANT_ADDRESSES_AND_CHANNEL_TYPE"
]
OperationStatusValue = Literal["PENDING", "COMPLETED", "FAILED"]
CallbackMethod = Literal["POST", "GET"]

DISPLAY_NAME_PATTERN = r"^[a-zA-Z0-9-_ ]+$"
IDEMPOTENCY_KEY_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

#: Live limits the document does not state (Twilio's live-tested notes, C2): capture rules per
#: channel of one configuration, and configurations per account.
MAX_CAPTURE_RULES = 100
MAX_CONFIGURATIONS = 10

#: Server-side default of ``statusCallbacks[].method``.
DEFAULT_CALLBACK_METHOD = "POST"


class StatusTimeouts(WireModel):
    """``{inactive?, closed?}``: minutes (at least 1) before a conversation becomes inactive / closed."""

    inactive: int | None = Field(
        None, ge=1, description="Minutes without a communication before a conversation becomes inactive."
    )
    closed: int | None = Field(None, ge=1, description="Minutes before an inactive conversation is closed.")


class CaptureRule(KeywordFieldModel):
    """``{from, to, metadata?}``: which communications of a channel start or join conversations.

    ``*`` is a wildcard in ``from`` and ``to``; ``metadata`` holds strings such as ``callType``.
    """

    from_: str = Field(alias="from", description="The sender address to capture (``*``: any).")
    to: str = Field(description="The recipient address to capture (``*``: any).")
    metadata: dict[str, str] | None = Field(
        None, description="String metadata the communication must carry, such as ``callType``."
    )


class ChannelSetting(WireModel):
    """``{statusTimeouts?, captureRules?}``: the settings of one channel (``VOICE``, ``SMS``...);
    at most 100 capture rules (a live limit, C2)."""

    status_timeouts: StatusTimeouts | None = Field(
        None, description="When the channel's conversations become inactive, then closed."
    )
    capture_rules: list[CaptureRule] | None = Field(
        None,
        max_length=MAX_CAPTURE_RULES,
        description="Which communications of the channel start or join conversations.",
    )


class StatusCallback(WireModel):
    """``{url, method?}``: where conversation status changes are sent (method POST by default)."""

    url: Uri = Field(description="The URL that receives conversation status changes.")
    method: Annotated[CallbackMethod | None, ServerDefault(DEFAULT_CALLBACK_METHOD)] = Field(
        None, description="The HTTP method of the callback."
    )


class ConversationsV1Bridge(WireModel):
    """``{serviceId}``: the Conversations V1 Service (``IS`` + 32 hex) bridged to this configuration."""

    service_id: str = Field(
        pattern=r"^IS[0-9a-f]{32}$", description="The Conversations V1 Service SID (``IS`` and 32 hex digits)."
    )


class _ConfigurationBody(WireModel):
    """Every writable field; none required (the required sets differ per method)."""

    display_name: str | None = Field(
        None,
        max_length=32,
        pattern=DISPLAY_NAME_PATTERN,
        description="The configuration's name: letters, digits, spaces, ``-`` and ``_``.",
    )
    description: str | None = Field(None, max_length=512, description="What the configuration is for.")
    conversation_grouping_type: GroupingType | None = Field(
        None, description="How communications are grouped into conversations; a change makes a new configuration."
    )
    memory_store_id: str | None = Field(
        None,
        description="The Memory Store (``mem_store_...``, e.g. a ``MemoryStore``'s ``id``) that resolves the "
        "participants' profiles; with credentials, preview fails unless it is an ACTIVE store of the account.",
    )
    channel_settings: dict[str, ChannelSetting] | None = Field(
        None,
        description="The settings of each channel (``VOICE``, ``SMS``, ``RCS``, ``WHATSAPP``, ``CHAT``), by channel.",
    )
    status_callbacks: list[StatusCallback] | None = Field(
        None, max_length=2, description="Where conversation status changes are sent."
    )
    intelligence_configuration_ids: list[str] | None = Field(
        None,
        max_length=5,
        description=(
            "The Intelligence Configurations (``intelligence_configuration_...``) that analyse the conversations."
        ),
    )
    memory_extraction_enabled: Annotated[bool | None, ServerDefault(False)] = Field(
        None, description="Whether Memory learns traits and observations from the conversations."
    )
    conversations_v1_bridge: ConversationsV1Bridge | None = Field(
        None, description="The Conversations V1 Service bridged to this configuration."
    )


class ConversationConfigurationCreate(_ConfigurationBody):
    """Body of ``POST /v2/ControlPlane/Configurations``.

    Required: ``displayName``, ``description``, ``conversationGroupingType``, ``memoryStoreId``.
    """

    display_name: str = Field(max_length=32, pattern=DISPLAY_NAME_PATTERN)
    description: str = Field(max_length=512)
    conversation_grouping_type: GroupingType
    memory_store_id: str


class ConversationConfigurationReplace(_ConfigurationBody):
    """Body of ``PUT /v2/ControlPlane/Configurations/{id}`` (a full replacement).

    Required: ``conversationGroupingType``, ``channelSettings``, ``description``, ``memoryStoreId``.
    """

    description: str = Field(max_length=512)
    conversation_grouping_type: GroupingType
    memory_store_id: str
    channel_settings: dict[str, ChannelSetting]


class ConversationConfigurationPatch(_ConfigurationBody):
    """Body of ``PATCH /v2/ControlPlane/Configurations/{id}``: only the fields sent change.

    Nothing is required. Every field but ``conversationGroupingType`` and ``channelSettings`` is
    nullable (an explicit ``null`` leaves the field untouched); a ``channelSettings`` key mapped to
    ``null`` removes that channel.
    """

    channel_settings: dict[str, ChannelSetting | None] | None = None  # type: ignore[assignment]

    __nullable__ = frozenset(
        {
            "display_name",
            "description",
            "memory_store_id",
            "status_callbacks",
            "intelligence_configuration_ids",
            "memory_extraction_enabled",
            "conversations_v1_bridge",
        }
    )


class ConversationConfiguration(_ConfigurationBody):
    """A Conversation Configuration as Twilio returns it (fetch and list items).

    ``createdAt``/``updatedAt`` are ISO-8601 date-times; ``version`` grows with every change.
    """

    id: str = Field(description="The configuration's id (``conv_configuration_...``).")
    display_name: str = Field(max_length=32, pattern=DISPLAY_NAME_PATTERN)
    description: str = Field(max_length=512)
    conversation_grouping_type: GroupingType
    memory_store_id: str
    status_callbacks: list[StatusCallback] | None = Field(None, max_length=20)
    trait_extraction_strategy_ids: list[str] | None = Field(
        None, max_length=1, description="The trait extraction strategies Twilio attached (read only)."
    )
    observation_extraction_strategy_ids: list[str] | None = Field(
        None, max_length=1, description="The observation extraction strategies Twilio attached (read only)."
    )
    created_at: str | None = Field(None, description="When the configuration was created (ISO-8601, UTC).")
    updated_at: str | None = Field(None, description="When the configuration was last changed (ISO-8601, UTC).")
    version: int | None = Field(None, description="The configuration's version; it grows with every change.")


class Problem(WireModel):
    """An RFC 9457 problem: ``{type, title, status, detail, instance}`` (a FAILED Operation's ``error``)."""

    type: str | None = None
    title: str | None = None
    status: int | None = None
    detail: str | None = None
    instance: str | None = None


class Operation(WireModel):
    """``GET /v2/ControlPlane/Operations/{id}``: an asynchronous write and its state.

    ``status`` is PENDING, then COMPLETED or FAILED (with ``error``); ``related`` maps
    ``configurationId`` to the configuration written.
    """

    operation_id: str
    status: OperationStatusValue
    created_at: str
    completed_at: str | None = None
    status_url: str
    error: Problem | None = None
    related: dict[str, str] | None = None

    __nullable__ = frozenset({"completed_at", "error", "related"})
