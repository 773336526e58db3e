"""Shapes the Memory v1 and Knowledge v2 ControlPlanes share: Operations, 202 bodies, list metadata.

Schemas ``OperationStatus``, ``OperationResult``/``OperationResultResourceId``, ``Meta`` (and
Knowledge's ``KnowledgeMeta``, the same shape) of ``twilio_memory_v1.json`` and
``twilio_knowledge_v2.json``, and the inline ``{message, statusUrl}`` body of their 202 answers. The
two documents define these identically; Conversations v2 has its own Operation shape
(:class:`~pulumi_twilio_intelligence.models.Operation`).

Operations are fetched at ``GET https://memory.twilio.com/v1/ControlPlane/Operations/{operationId}``
and ``GET https://knowledge.twilio.com/v2/ControlPlane/Operations/{operationId}``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import WireModel
from ._types import Uri

ControlPlaneOperationStatus = Literal["PENDING", "RUNNING", "CANCELLED", "COMPLETED", "FAILED"]

#: The statuses after which an Operation never changes.
TERMINAL_OPERATION_STATUSES = frozenset({"CANCELLED", "COMPLETED", "FAILED"})
#: ``pageSize`` of ControlPlane lists (stores, trait groups, knowledge bases): 1-100, default 50.
CONTROL_PLANE_MAX_PAGE_SIZE = 100
#: ``pageSize`` of the knowledge source list: 1-1000, default 50.
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 50
#: ``orderBy`` of ControlPlane lists: ``ASC`` or ``DESC`` (Twilio's default: newest first).
OrderBy = Literal["ASC", "DESC"]
DEFAULT_ORDER_BY = "DESC"


class ListMeta(WireModel):
    """``meta`` of a list page: ``{key, pageSize, nextToken?, previousToken?}``.

    ``key`` names the list property (``traitGroups``, ``knowledgeBases``...), ``pageSize`` is the
    number of items on this page (a count), the tokens are opaque (at most 4096 characters).
    """

    key: str | None = Field(None, max_length=64)
    page_size: int | None = None
    next_token: str | None = Field(None, max_length=4096)
    previous_token: str | None = Field(None, max_length=4096)


class OperationResult(WireModel):
    """``{type: RESOURCE_ID, id}``: the created or affected resource of a COMPLETED Operation
    (``id`` at most 128 characters: a store id, a knowledge base id, a trait group name...)."""

    type: Literal["RESOURCE_ID"]
    id: str = Field(max_length=128)


class OperationError(WireModel):
    """``{type?, title?, code?, detail?}``: why an Operation FAILED (RFC 9457-like problem details).

    ``type`` is a URI of Twilio's error page, ``title`` at most 128 and ``detail`` at most 1024
    characters, ``code`` the Twilio error code.
    """

    type: Uri | None = None
    title: str | None = Field(None, max_length=128)
    code: int | None = None
    detail: str | None = Field(None, max_length=1024)


class ControlPlaneOperation(WireModel):
    """A Memory v1 or Knowledge v2 Operation: an asynchronous write and its state.

    ``status`` is PENDING (or RUNNING) until it ends COMPLETED (with ``result``), FAILED (with
    ``error``) or CANCELLED; ``createdAt``/``completedAt`` are ISO-8601 date-times; ``statusUrl`` is
    where to poll it and ``resultUrl`` where to fetch the resource written.
    """

    operation_id: str = Field(max_length=512)
    status: ControlPlaneOperationStatus
    created_at: str
    status_url: Uri | None = None
    completed_at: str | None = None
    result: OperationResult | None = None
    error: OperationError | None = None
    result_url: Uri | None = None


class OperationAccepted(WireModel):
    """The body of a Memory v1 / Knowledge v2 202: ``{message?, statusUrl?}`` (each at most 512
    characters). The headers ``Operation-Id``, ``Location`` (the status URL) and ``Retry-After``
    (seconds) come with it."""

    message: str | None = Field(None, max_length=512)
    status_url: str | None = Field(None, max_length=512)
