"""One generic REST collection (list, fetch, create, update, delete), synchronous or asynchronous."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..models import Operation
from ._http import TwilioClient
from ._operations import AcceptedOperation, wait_for_operation
from ._pagination import iter_items

Api = Literal["intelligence", "conversations"]


@dataclass(frozen=True)
class Endpoint:
    """Where a collection lives and how its writes behave.

    Attributes:
        api: which base URL (``intelligence`` or ``conversations``).
        path: the collection path, e.g. ``/v3/ControlPlane/Operators``.
        asynchronous: writes answer 202 with an Operation that must be awaited (Conversations v2).
        related_key: in an Operation's ``related`` map, the key of the written object's id.
    """

    api: Api
    path: str
    asynchronous: bool = False
    related_key: str = "configurationId"


@dataclass(frozen=True)
class WriteResult:
    """The outcome of a write: the object as Twilio now returns it (``None`` after a delete) and,
    for asynchronous writes, the completed Operation."""

    resource: dict[str, Any] | None
    operation: Operation | None = None


class Collection:
    """CRUD over one Twilio collection (``Endpoint``) through a :class:`TwilioClient`."""

    def __init__(self, client: TwilioClient, endpoint: Endpoint) -> None:
        self.client = client
        self.endpoint = endpoint
        base = (
            client.settings.intelligence_base_url
            if endpoint.api == "intelligence"
            else client.settings.conversations_base_url
        )
        self.url = base + endpoint.path

    def item_url(self, id_: str) -> str:
        """The URL of one object (the id is not validated here)."""
        return f"{self.url}/{id_}"

    def list(self, params: Mapping[str, Any] | None = None, page_size: int = 50) -> Iterator[dict[str, Any]]:
        """``GET {path}``: every object, following ``meta.nextToken`` across pages."""
        return iter_items(self.client, self.url, params=params, page_size=page_size)

    def fetch(self, id_: str) -> dict[str, Any]:
        """``GET {path}/{id}``. Raises ``TwilioApiError`` (``.not_found`` for 404)."""
        data: dict[str, Any] = self.client.get_json(self.item_url(id_))
        return data

    def create(self, body: dict[str, Any], *, idempotency_key: str | None = None) -> WriteResult:
        """``POST {path}``; for an asynchronous collection, wait for the Operation, then fetch."""
        response = self.client.request("POST", self.url, json=body, headers=_headers(idempotency_key))
        if not self.endpoint.asynchronous:
            return WriteResult(response.json())
        accepted = AcceptedOperation.from_response(response)
        operation = self._wait(accepted)
        related = {**accepted.related, **(operation.related or {})}
        id_ = related.get(self.endpoint.related_key)
        if not id_:
            raise ValueError(
                f"Operation {operation.operation_id} completed without related.{self.endpoint.related_key}"
            )
        return WriteResult(self.fetch(id_), operation)

    def update(
        self,
        id_: str,
        body: dict[str, Any],
        *,
        method: Literal["PUT", "PATCH"] = "PUT",
        if_match: str | None = None,
        idempotency_key: str | None = None,
    ) -> WriteResult:
        """``PUT`` (or ``PATCH``) ``{path}/{id}``; sends ``If-Match`` when given."""
        headers = _headers(idempotency_key)
        if if_match is not None:
            headers["If-Match"] = if_match
        response = self.client.request(method, self.item_url(id_), json=body, headers=headers)
        if not self.endpoint.asynchronous:
            return WriteResult(response.json())
        operation = self._wait(AcceptedOperation.from_response(response))
        return WriteResult(self.fetch(id_), operation)

    def delete(self, id_: str, *, idempotency_key: str | None = None) -> WriteResult:
        """``DELETE {path}/{id}``; for an asynchronous collection, wait for the Operation."""
        response = self.client.request("DELETE", self.item_url(id_), headers=_headers(idempotency_key))
        if not self.endpoint.asynchronous or response.status_code == 204:
            return WriteResult(None)
        return WriteResult(None, self._wait(AcceptedOperation.from_response(response)))

    def _wait(self, accepted: AcceptedOperation) -> Operation:
        return wait_for_operation(self.client, accepted, timeout=self.client.settings.operation_timeout)


def _headers(idempotency_key: str | None) -> dict[str, str]:
    return {"Idempotency-Key": idempotency_key} if idempotency_key else {}
