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

    id_type: str = Field(
        min_length=2, max_length=30, description="The identifier type, e.g. ``email``, ``phone``, ``external_id``."
    )
    matching_algo: Annotated[MatchingAlgo | None, ServerDefault("exact")] = Field(
        None, description="``exact`` string matching or ``fuzzy`` (low precision, some variation allowed)."
    )
    matching_threshold: Annotated[int | None, ServerDefault(75)] = Field(
        None, ge=50, le=99, description="The ``fuzzy`` matching threshold, in percent."
    )
    limit: Annotated[int | None, ServerDefault(100)] = Field(
        None, ge=1, le=100, description="How many values of this identifier a profile keeps (a count)."
    )
    limit_policy: Annotated[LimitPolicy | None, ServerDefault("fifo")] = Field(
        None,
        description="Which values go beyond ``limit``: ``fifo`` (the oldest) or ``lifo`` (the newest).",
    )
    enforce_unique: Annotated[bool | None, ServerDefault(True)] = Field(
        None,
        description="No two profiles share a value of this identifier (adding it to a second profile may merge them).",
    )
    normalization: Annotated[Normalization | None, ServerDefault("trim")] = Field(
        None,
        description="Normalisation before storing and matching: ``phone`` (E.164), ``email``, ``trim``, ``none``.",
    )


#: Server-side defaults of ``identifierConfigs[]`` (the document's ``default`` values), wire names;
#: declared on the fields (apply them with :func:`~.defaults.with_server_defaults`).
IDENTIFIER_CONFIG_DEFAULTS: dict[str, object] = declared_defaults(IdentifierConfig)


class IdentityResolutionSettingsUpdate(WireModel):
    """Body of ``PUT .../IdentityResolutionSettings`` (with ``If-Match``): a full replacement.

    ``identifierConfigs``: 1-15 identifier types; ``matchingRules``: 1-15 identifier type names, in
    priority order (any one matching is a match).
    """

    identifier_configs: list[IdentifierConfig] = Field(
        min_length=1, max_length=15, description="The identifier types and how each resolves profiles."
    )
    matching_rules: list[MatchingRule] = Field(
        min_length=1,
        max_length=15,
        description="Identifier types by priority: any one matching finds the profile; matching profiles merge.",
    )


class IdentityResolutionSettings(IdentityResolutionSettingsUpdate):
    """The settings as Twilio returns them (``version`` starts at 1 and grows with every PUT)."""

    version: int = Field(ge=1, description="Starts at 1 and grows by one with every update.")
