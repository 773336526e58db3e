"""Identity Resolution Settings of a Memory Store (Memory API v1,
``https://memory.twilio.com/v1/ControlPlane/Stores/{storeId}/IdentityResolutionSettings``).

Schemas ``IdentityResolutionSettingsCore`` (the PUT body), ``IdentityResolutionSettings`` and
``IdentifierConfig`` of ``twilio_memory_v1.json``. One per store: ``GET`` reads it (with an
``ETag``), ``PUT`` (with ``If-Match``) replaces it and answers 202 with an Operation.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import WireModel
from .defaults import ServerDefault, declared_defaults

MatchingAlgo = Literal["exact", "fuzzy"]
LimitPolicy = Literal["fifo", "lifo"]
Normalization = Literal["phone", "email", "trim", "none"]

#: A matching rule: one identifier type (``email``, ``phone``), at most 30 characters.
MatchingRule = Annotated[str, Field(max_length=30)]


class IdentifierConfig(WireModel):
    """``{idType, matchingAlgo?, matchingThreshold?, limit?, limitPolicy?, enforceUnique?, normalization?}``.

    ``idType``: 2-30 characters (``email``, ``phone``, ``external_id``...); ``matchingAlgo``:
    ``exact`` (default) or ``fuzzy``; ``matchingThreshold``: the fuzzy threshold in percent, 50-99
    (default 75); ``limit``: how many values to keep, 1-100 (default 100); ``limitPolicy``: ``fifo``
    (default) or ``lifo``; ``enforceUnique`` (default true); ``normalization``: ``phone``, ``email``,
    ``trim`` (default) or ``none``. Defaults: :data:`IDENTIFIER_CONFIG_DEFAULTS`.
    """

    id_type: str = Field(min_length=2, max_length=30)
    matching_algo: Annotated[MatchingAlgo | None, ServerDefault("exact")] = None
    matching_threshold: Annotated[int | None, ServerDefault(75)] = Field(None, ge=50, le=99)
    limit: Annotated[int | None, ServerDefault(100)] = Field(None, ge=1, le=100)
    limit_policy: Annotated[LimitPolicy | None, ServerDefault("fifo")] = None
    enforce_unique: Annotated[bool | None, ServerDefault(True)] = None
    normalization: Annotated[Normalization | None, ServerDefault("trim")] = None


#: Server-side defaults of ``identifierConfigs[]`` (the document's ``default`` values), wire names;
#: declared on the fields (apply them with :func:`~.defaults.with_server_defaults`).
IDENTIFIER_CONFIG_DEFAULTS: dict[str, object] = declared_defaults(IdentifierConfig)


class IdentityResolutionSettingsUpdate(WireModel):
    """Body of ``PUT .../IdentityResolutionSettings`` (with ``If-Match``): a full replacement.

    ``identifierConfigs``: 1-15 identifier types; ``matchingRules``: 1-15 identifier type names, in
    priority order (any one matching is a match).
    """

    identifier_configs: list[IdentifierConfig] = Field(min_length=1, max_length=15)
    matching_rules: list[MatchingRule] = Field(min_length=1, max_length=15)


class IdentityResolutionSettings(IdentityResolutionSettingsUpdate):
    """The settings as Twilio returns them (``version`` starts at 1 and grows with every PUT)."""

    version: int = Field(ge=1)
