"""Knowledge Bases (Knowledge API v2, ``https://knowledge.twilio.com/v2/ControlPlane/KnowledgeBases``).

Schemas ``KnowledgeBaseCore`` (create), the inline PATCH body, ``KnowledgeBase`` and
``KnowledgeBaseList`` of ``twilio_knowledge_v2.json``. Create, update (PATCH with ``If-Match``) and
delete answer 202 with an Operation (:class:`~.control_plane.ControlPlaneOperation`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import WireModel
from .control_plane import ListMeta

KnowledgeBaseStatus = Literal["QUEUED", "PROVISIONING", "ACTIVE", "FAILED", "DELETING"]

KNOWLEDGE_BASE_ID_PATTERN = r"^know_knowledgebase_[0-7][0-9a-z]{25}$"
KNOWLEDGE_BASE_DISPLAY_NAME_PATTERN = r"^[a-zA-Z0-9-]+$"


class _KnowledgeBaseBody(WireModel):
    """The writable fields; none required."""

    display_name: str | None = Field(None, max_length=64, pattern=KNOWLEDGE_BASE_DISPLAY_NAME_PATTERN)
    description: str | None = Field(None, min_length=1, max_length=128)


class KnowledgeBaseCreate(_KnowledgeBaseBody):
    """Body of ``POST /v2/ControlPlane/KnowledgeBases``: ``{displayName, description?}``.

    ``displayName``: letters, digits and ``-``, at most 64 characters, unique in the account;
    ``description``: 1-128 characters.
    """

    display_name: str = Field(max_length=64, pattern=KNOWLEDGE_BASE_DISPLAY_NAME_PATTERN)


class KnowledgeBaseUpdate(_KnowledgeBaseBody):
    """Body of ``PATCH /v2/ControlPlane/KnowledgeBases/{kbId}`` (with ``If-Match``): only the fields sent change."""


class KnowledgeBase(_KnowledgeBaseBody):
    """A Knowledge Base as Twilio returns it (``GET .../KnowledgeBases/{kbId}``, with an ``ETag``).

    ``id`` is a TTID (``know_knowledgebase_...``), ``status`` one of :data:`KnowledgeBaseStatus`,
    ``createdAt``/``updatedAt`` ISO-8601 date-times, ``version`` starts at 1 and grows with every update.
    """

    id: str = Field(pattern=KNOWLEDGE_BASE_ID_PATTERN)
    display_name: str = Field(max_length=64, pattern=KNOWLEDGE_BASE_DISPLAY_NAME_PATTERN)
    status: KnowledgeBaseStatus
    created_at: str
    updated_at: str
    version: int = Field(ge=1)


class KnowledgeBaseList(WireModel):
    """``GET /v2/ControlPlane/KnowledgeBases`` (``pageSize`` 1-100, ``pageToken``, ``orderBy``):
    ``{knowledgeBases, meta}``."""

    knowledge_bases: list[KnowledgeBase] = Field(default_factory=list, max_length=1000)
    meta: ListMeta | None = None
