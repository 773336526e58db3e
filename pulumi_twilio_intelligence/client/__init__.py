"""The thin REST layer: one ``httpx`` client, generic collections, pagination and the Operation poller."""

from ._collection import Collection, Endpoint, WriteResult
from ._endpoints import (
    CONVERSATION_CONFIGURATIONS,
    INTELLIGENCE_CONFIGURATIONS,
    MAX_PAGE_SIZE,
    OPERATORS,
    operator_version_lifecycle,
    operator_versions,
)
from ._errors import api_error, scrub
from ._http import Timing, TwilioClient, use_transport
from ._operations import CONVERSATIONS_OPERATIONS, AcceptedOperation, OperationKind, result_id, wait_for_operation
from ._pagination import iter_items
from ._readiness import Readiness, wait_until_ready
from ._responses import parse_response, response_json
from ._retry import parse_retry_after
from ._retry import wait_time as retry_wait
from ._time import http_date, iso, iso_time

__all__ = [
    "CONVERSATIONS_OPERATIONS",
    "CONVERSATION_CONFIGURATIONS",
    "INTELLIGENCE_CONFIGURATIONS",
    "MAX_PAGE_SIZE",
    "OPERATORS",
    "AcceptedOperation",
    "Collection",
    "Endpoint",
    "OperationKind",
    "Readiness",
    "Timing",
    "TwilioClient",
    "WriteResult",
    "api_error",
    "http_date",
    "iso",
    "iso_time",
    "iter_items",
    "operator_version_lifecycle",
    "operator_versions",
    "parse_response",
    "parse_retry_after",
    "response_json",
    "result_id",
    "retry_wait",
    "scrub",
    "use_transport",
    "wait_for_operation",
    "wait_until_ready",
]
