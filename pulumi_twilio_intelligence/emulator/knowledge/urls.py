"""Knowledge v2 routes (``https://knowledge.twilio.com``), and the upload route of file sources."""

from __future__ import annotations

from starlette.routing import Route as StarletteRoute

from ..routing import Route, Service
from . import responses as r
from .exceptions import render_error
from .models import KNOWLEDGE_BASES, OPERATION_ID_PREFIX, OPERATIONS, UPLOADS

KNOWLEDGE_BASE = KNOWLEDGE_BASES + "/{kbId}"
KNOWLEDGE = "/v2/KnowledgeBases/{kbId}/Knowledge"


def _knowledge_operation(params: object) -> bool:
    """``/v2/ControlPlane/Operations/{id}`` is Knowledge's when the id is a ``know_operation_`` TTID
    (Conversations v2 serves the same path for its ``proc_job_`` ids)."""
    return isinstance(params, dict) and str(params.get("id", "")).startswith(OPERATION_ID_PREFIX + "_")


SERVICE = Service(
    name="knowledge",
    prefix="/v2/",
    routes=(
        Route("GET", KNOWLEDGE_BASES, r.list_knowledge_bases),
        Route("POST", KNOWLEDGE_BASES, r.create_knowledge_base),
        Route("GET", KNOWLEDGE_BASE, r.fetch_knowledge_base),
        Route("PATCH", KNOWLEDGE_BASE, r.update_knowledge_base),
        Route("DELETE", KNOWLEDGE_BASE, r.delete_knowledge_base),
        Route("GET", OPERATIONS + "/{id}", r.fetch_operation, claims=_knowledge_operation),
        Route("GET", KNOWLEDGE, r.list_knowledge),
        Route("POST", KNOWLEDGE, r.create_knowledge),
        Route("GET", KNOWLEDGE + "/{knowledgeId}", r.fetch_knowledge),
        Route("PATCH", KNOWLEDGE + "/{knowledgeId}", r.update_knowledge),
        Route("DELETE", KNOWLEDGE + "/{knowledgeId}", r.delete_knowledge),
    ),
    render_error=render_error,
    fault_statuses=(429, 500, 503),
)

#: Routes outside the API (no Twilio credentials, no faults): the upload URLs of file sources.
UPLOAD_ROUTES = (StarletteRoute(UPLOADS + "/{account}/{token}", r.upload, methods=["PUT"]),)
