"""The Twilio collections this package manages, as the official OpenAPI documents place them."""

from __future__ import annotations

from typing import Any

from ..models import OperatorVersionSummary
from ._collection import Endpoint
from ._http import TwilioClient
from ._operations import CONVERSATIONS_OPERATIONS
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
#: Items per page when a whole list is read (Twilio's maximum).
MAX_PAGE_SIZE = 1000


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
