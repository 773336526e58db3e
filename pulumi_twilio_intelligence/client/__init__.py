"""The thin REST layer: one ``httpx`` client, generic collections, pagination and the Operation poller."""

from ._collection import Collection, Endpoint, WriteResult
from ._errors import api_error, scrub
from ._http import TwilioClient, use_transport
from ._operations import AcceptedOperation, wait_for_operation
from ._pagination import iter_items
from ._retry import parse_retry_after

__all__ = [
    "AcceptedOperation",
    "Collection",
    "Endpoint",
    "TwilioClient",
    "WriteResult",
    "api_error",
    "iter_items",
    "parse_retry_after",
    "scrub",
    "use_transport",
    "wait_for_operation",
]
