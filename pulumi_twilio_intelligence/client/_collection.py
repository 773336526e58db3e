"""One generic REST collection (list, fetch, create, update, delete), synchronous or asynchronous."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from ..errors import ObjectGoneError, TwilioApiError, UnexpectedResponseError
from ..models import Operation
from ._http import TwilioClient
from ._operations import AcceptedOperation, wait_for_operation
from ._pagination import iter_items
from ._responses import response_json

Api = Literal["intelligence", "conversations"]
#: In an Operation's ``related`` map, the key of the written configuration's id (the only kind of
#: object whose writes are asynchronous).
RELATED_ID = "configurationId"


@dataclass(frozen=True)
class Endpoint:
    """Where a collection lives and how its writes behave.

    Attributes:
        api: which base URL (``intelligence`` or ``conversations``).
        path: the collection path, e.g. ``/v3/ControlPlane/Operators``.
        asynchronous: writes answer 202 with an Operation that must be awaited (Conversations v2).
    """

    api: Api
    path: str
    asynchronous: bool = False


@dataclass(frozen=True)
class WriteResult:
    """The outcome of a create or an update: the object as Twilio now returns it and, for
    asynchronous writes, the completed Operation."""

    resource: dict[str, Any]
    operation: Operation | None = None


class Collection:
    """CRUD over one Twilio collection (``Endpoint``) through a :class:`TwilioClient`.

    Every method raises what :meth:`TwilioClient.request` raises (``TwilioApiError`` for an error
    answer, ``TwilioConnectionError`` for none, ``ConfigurationError`` without credentials) and
    ``UnexpectedResponseError`` for an answer without the documented shape.
    """

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
        """``GET {path}/{id}``: the object (wire shape). Raises ``TwilioApiError`` (``.not_found`` for 404)."""
        data: dict[str, Any] = self.client.get_json(self.item_url(id_))
        return data

    def create(self, body: dict[str, Any], *, idempotency_key: str | None = None) -> WriteResult:
        """``POST {path}``; for an asynchronous collection, wait for the Operation, then fetch the object.

        Raises:
            OperationFailedError, OperationTimeoutError: the Operation FAILED (or was CANCELLED), or
                outlived ``settings.operation_timeout``.
            OperationAbandonedError: the Operation is unfinished and ``settings.abandon_operations``
                names it.
            ObjectGoneError: the Operation COMPLETED but its object is gone: Twilio replayed an
                earlier create (same Idempotency-Key within 24 hours) whose object was deleted since.
            UnexpectedResponseError: no ``related.configurationId`` in the 202 nor in the Operation.
        """
        response = self.client.request("POST", self.url, json=body, headers=_headers(idempotency_key))
        if not self.endpoint.asynchronous:
            return WriteResult(_object(response))
        accepted = self._accepted(response)
        operation = self._wait(accepted)
        id_ = {**accepted.related, **(operation.related or {})}.get(RELATED_ID)
        if not id_:
            raise UnexpectedResponseError(
                f"POST {self.endpoint.path}: Operation {operation.operation_id} completed without related.{RELATED_ID}"
            )
        try:
            return WriteResult(self.fetch(id_), operation)
        except TwilioApiError as exc:
            if not exc.not_found:
                raise
            raise ObjectGoneError(
                id_,
                f"Operation {operation.operation_id} created {id_}, which no longer exists",
                code=exc.code,
                more_info=exc.more_info,
                method=exc.method,
                path=exc.path,
                details=exc.details,
            ) from None

    def update(
        self,
        id_: str,
        body: dict[str, Any],
        *,
        if_match: str | None = None,
        idempotency_key: str | None = None,
    ) -> WriteResult:
        """``PUT {path}/{id}`` (a full replacement); sends ``If-Match`` when given. For an asynchronous
        collection, wait for the Operation, then fetch the object.

        Raises:
            TwilioApiError: 412 when ``if_match`` is not the current version, 404 when the object is gone.
            OperationFailedError, OperationTimeoutError: as :meth:`create`.
        """
        headers = _headers(idempotency_key)
        if if_match is not None:
            headers["If-Match"] = if_match
        response = self.client.request("PUT", self.item_url(id_), json=body, headers=headers)
        if not self.endpoint.asynchronous:
            return WriteResult(_object(response))
        operation = self._wait(self._accepted(response))
        return WriteResult(self.fetch(id_), operation)

    def delete(self, id_: str, *, idempotency_key: str | None = None) -> Operation | None:
        """``DELETE {path}/{id}``; for an asynchronous collection, wait for the Operation and return it.

        Raises:
            TwilioApiError: 404 when the object is already gone, 409 while another object uses it.
            OperationFailedError, OperationTimeoutError: as :meth:`create`.
        """
        response = self.client.request("DELETE", self.item_url(id_), headers=_headers(idempotency_key))
        if not self.endpoint.asynchronous or response.status_code == 204:
            return None
        return self._wait(self._accepted(response))

    def _accepted(self, response: httpx.Response) -> AcceptedOperation:
        return AcceptedOperation.from_response(response, now=time.time())

    def _wait(self, accepted: AcceptedOperation) -> Operation:
        settings = self.client.settings
        return wait_for_operation(
            self.client, accepted, timeout=settings.operation_timeout, abandon=settings.abandon_operations
        )


def _object(response: httpx.Response) -> dict[str, Any]:
    data = response_json(response)
    if not isinstance(data, dict):
        raise UnexpectedResponseError(
            f"{response.request.method} {response.request.url.path} answered with JSON that is not an object"
        )
    return data


def _headers(idempotency_key: str | None) -> dict[str, str]:
    return {"Idempotency-Key": idempotency_key} if idempotency_key else {}
