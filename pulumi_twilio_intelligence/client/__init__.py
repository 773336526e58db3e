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
from ._operations import AcceptedOperation, wait_for_operation
from ._pagination import iter_items
from ._responses import parse_response, response_json
from ._retry import parse_retry_after
from ._retry import wait_time as retry_wait
from ._time import http_date, iso, iso_time

__all__ = [
    "CONVERSATION_CONFIGURATIONS",
    "INTELLIGENCE_CONFIGURATIONS",
    "MAX_PAGE_SIZE",
    "OPERATORS",
    "AcceptedOperation",
    "Collection",
    "Endpoint",
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
    "retry_wait",
    "scrub",
    "use_transport",
    "wait_for_operation",
]
