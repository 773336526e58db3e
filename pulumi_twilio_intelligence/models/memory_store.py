"""Memory Stores (Memory API v1, ``https://memory.twilio.com/v1/ControlPlane/Stores``).

Schemas ``ServiceRequest`` (create), the inline PATCH body, ``Store`` and ``ServiceList`` of
``twilio_memory_v1.json``. Create, update (PATCH with ``If-Match``) and delete answer 202 with an
Operation (:class:`~.control_plane.ControlPlaneOperation`); a store is ``QUEUED``, then
``PROVISIONING``, then ``ACTIVE`` (or ``FAILED``). At most :data:`MAX_MEMORY_STORES` per account.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import WireModel
from .control_plane import ListMeta

MemoryStoreStatus = Literal["QUEUED", "PROVISIONING", "ACTIVE", "FAILED"]

MEMORY_STORE_ID_PATTERN = r"^mem_(store|service)_[0-7][0-9a-z]{25}$"
MEMORY_STORE_DISPLAY_NAME_PATTERN = r"^[a-zA-Z0-9-]+$"
#: "Accounts can have multiple memory stores, up to a maximum limit of 15" (CreateStore).
MAX_MEMORY_STORES = 15


class _MemoryStoreBody(WireModel):
    """The writable fields; none required."""

    display_name: str | None = Field(None, max_length=64, pattern=MEMORY_STORE_DISPLAY_NAME_PATTERN)
    description: str | None = Field(None, min_length=1, max_length=128)


class MemoryStoreCreate(_MemoryStoreBody):
    """Body of ``POST /v1/ControlPlane/Stores``: ``{displayName, description?}``.

    ``displayName``: letters, digits and ``-``, at most 64 characters, unique in the account;
    ``description``: 1-128 characters.
    """

    display_name: str = Field(max_length=64, pattern=MEMORY_STORE_DISPLAY_NAME_PATTERN)


class MemoryStoreUpdate(_MemoryStoreBody):
    """Body of ``PATCH /v1/ControlPlane/Stores/{storeId}`` (with ``If-Match``): only the fields sent change."""


class MemoryStore(_MemoryStoreBody):
    """A Memory Store as Twilio returns it (``GET /v1/ControlPlane/Stores/{storeId}``, with an ``ETag``).

    ``id`` is a TTID (``mem_store_...``), ``status`` one of :data:`MemoryStoreStatus`,
    ``intelligenceServiceId`` the Conversational Intelligence service provisioned for it (``null``
    until provisioned), ``version`` starts at 1 and grows with every update.
    """

    id: str = Field(pattern=MEMORY_STORE_ID_PATTERN)
    display_name: str = Field(max_length=64, pattern=MEMORY_STORE_DISPLAY_NAME_PATTERN)
    status: MemoryStoreStatus
    intelligence_service_id: str | None = Field(max_length=64)
    version: int = Field(ge=1)

    __nullable__ = frozenset({"intelligence_service_id"})


class MemoryStoreList(WireModel):
    """``GET /v1/ControlPlane/Stores`` (``pageSize`` 1-100, ``pageToken``, ``orderBy``): a page of
    store **ids** (at most 100), not stores: fetch each for its fields."""

    stores: list[str] = Field(default_factory=list, max_length=100)
    meta: ListMeta | None = None
