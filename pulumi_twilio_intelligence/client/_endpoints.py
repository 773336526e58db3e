"""The Twilio collections this package manages, as the official OpenAPI documents place them."""

from __future__ import annotations

from typing import Any

from ..models import ControlPlaneOperation, OperatorVersionSummary
from ._collection import PARENT, Endpoint
from ._http import TwilioClient
from ._operations import CONVERSATIONS_OPERATIONS, OperationKind
from ._pagination import iter_items
from ._responses import parse_response

#: Language Operators (Intelligence v3).
OPERATORS = Endpoint("intelligence", "/v3/ControlPlane/Operators")
#: Intelligence Configurations (Intelligence v3).
INTELLIGENCE_CONFIGURATIONS = Endpoint("intelligence", "/v3/ControlPlane/Configurations")
#: Conversation Configurations (Conversations v2): every write is an asynchronous Operation.
CONVERSATION_CONFIGURATIONS = Endpoint(
    "conversations", "/v2/ControlPlane/Configurations", operations=CONVERSATIONS_OPERATIONS
)
#: Memory v1 Operations (``/v1/ControlPlane/Operations/{id}`` on memory.twilio.com): a create's
#: object is ``result.id``.
MEMORY_OPERATIONS = OperationKind(ControlPlaneOperation)
#: Knowledge v2 Operations (``/v2/ControlPlane/Operations/{id}`` on knowledge.twilio.com): the same shape.
KNOWLEDGE_OPERATIONS = OperationKind(ControlPlaneOperation)
#: Memory Stores (Memory v1): create, PATCH and delete are asynchronous Operations.
MEMORY_STORES = Endpoint("memory", "/v1/ControlPlane/Stores", operations=MEMORY_OPERATIONS, max_page_size=100)
#: A store's Trait Groups, addressed by display name; a fetched group comes as ``{traitGroup, meta}``.
TRAIT_GROUPS = Endpoint(
    "memory",
    f"{MEMORY_STORES.path}/{PARENT}/TraitGroups",
    operations=MEMORY_OPERATIONS,
    envelope="traitGroup",
    max_page_size=100,
)
#: A store's Identity Resolution Settings: one per store, at this URL itself (GET, PUT with If-Match).
IDENTITY_RESOLUTION_SETTINGS = Endpoint(
    "memory", f"{MEMORY_STORES.path}/{PARENT}/IdentityResolutionSettings", operations=MEMORY_OPERATIONS
)
#: Knowledge Bases (Knowledge v2): create, PATCH and delete are asynchronous Operations.
KNOWLEDGE_BASES = Endpoint(
    "knowledge", "/v2/ControlPlane/KnowledgeBases", operations=KNOWLEDGE_OPERATIONS, max_page_size=100
)
#: A Knowledge Base's knowledge sources: synchronous writes (201, 200 or 202 without Operation, 204).
KNOWLEDGE_SOURCES = Endpoint("knowledge", f"/v2/KnowledgeBases/{PARENT}/Knowledge")
#: Items per page when a whole list is read (Twilio's maximum; ControlPlane lists of Memory and
#: Knowledge take at most :data:`CONTROL_PLANE_PAGE_SIZE`).
MAX_PAGE_SIZE = 1000
CONTROL_PLANE_PAGE_SIZE = 100


def operator_versions(operator_id: str) -> Endpoint:
    """``/v3/ControlPlane/Operators/{id}/Versions``: one operator's versions (fetch by number, list)."""
    return Endpoint("intelligence", f"{OPERATORS.path}/{operator_id}/Versions")


def operator_version_lifecycle(client: TwilioClient, operator_id: str, version: int) -> dict[str, Any]:
    """The lifecycle of one operator version as the version list documents it (Python names):
    ``status`` and the ISO-8601 dates ``date_created``, ``date_deprecated`` (DEPRECATED and
    RETIRED), ``retirement_date`` (DEPRECATED) and ``date_retired`` (RETIRED); ``{}`` if not listed.

    Endpoint: ``GET /v3/ControlPlane/Operators/{id}/Versions`` (every page until the version is
    found; the fetch of one version does not document these dates).

    Raises:
        TwilioApiError: 404 when the operator does not exist.
        UnexpectedResponseError: a list item without the documented shape.
    """
    endpoint = operator_versions(operator_id)
    url = f"{client.settings.base_url(endpoint.api)}{endpoint.path}"
    for item in iter_items(client, url, page_size=MAX_PAGE_SIZE):
        if item.get("version") == version:
            return parse_response(OperatorVersionSummary, item, method="GET", path=endpoint.path).to_python()
    return {}
