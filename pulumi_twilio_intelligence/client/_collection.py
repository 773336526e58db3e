"""One generic REST collection (list, fetch, create, update, delete), synchronous or asynchronous."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from ..errors import ObjectGoneError, TwilioApiError, UnexpectedResponseError
from ._http import TwilioClient
from ._operations import AcceptedOperation, OperationKind, wait_for_operation
from ._pagination import iter_items
from ._responses import response_json

Api = Literal["intelligence", "conversations", "memory", "knowledge"]
#: Where the path of a collection inside another object (a store's trait groups) names its parent.
PARENT = "{parent}"


@dataclass(frozen=True)
class Endpoint:
    """Where a collection lives and how its writes behave.

    Attributes:
        api: which base URL (``intelligence``, ``conversations``, ``memory`` or ``knowledge``).
        path: the collection path, e.g. ``/v3/ControlPlane/Operators``; a collection inside another
            object holds ``{parent}`` (``/v1/ControlPlane/Stores/{parent}/TraitGroups``): see :meth:`at`.
        operations: for collections whose writes answer 202 with an Operation that must be awaited
            (Conversations v2, Memory v1, Knowledge v2 ControlPlane), how that API's Operations read.
        envelope: the key that wraps a fetched object (``{"traitGroup": {...}, "meta": ...}``), if any.
    """

    api: Api
    path: str
    operations: OperationKind | None = None
    envelope: str | None = None

    @property
    def asynchronous(self) -> bool:
        """Whether writes answer 202 with an Operation (awaited by :class:`Collection`)."""
        return self.operations is not None

    @property
    def nested(self) -> bool:
        """Whether the path names a parent object (``{parent}``), to be filled by :meth:`at`."""
        return PARENT in self.path

    def at(self, parent: str) -> Endpoint:
        """This collection inside the parent object ``parent`` (its id fills ``{parent}`` in the path)."""
        return dataclasses.replace(self, path=self.path.replace(PARENT, parent))


@dataclass(frozen=True)
class WriteResult:
    """The outcome of a create or an update: the object as Twilio now returns it and, for
    asynchronous writes, the completed Operation (a model of the API's :class:`OperationKind`).

    ``resource`` is ``{}`` after an asynchronous create whose 202 and Operation both named no id
    (live Twilio does this, C4): the caller finds the object (by listing). ``replayed`` is true when
    the Operation was an earlier one, replayed for an Idempotency-Key Twilio had already seen.
    """

    resource: dict[str, Any]
    operation: Any = None
    replayed: bool = False


class Collection:
    """CRUD over one Twilio collection (``Endpoint``) through a :class:`TwilioClient`.

    Every method raises what :meth:`TwilioClient.request` raises (``TwilioApiError`` for an error
    answer, ``TwilioConnectionError`` for none, ``ConfigurationError`` without credentials) and
    ``UnexpectedResponseError`` for an answer without the documented shape.
    """

    def __init__(self, client: TwilioClient, endpoint: Endpoint) -> None:
        self.client = client
        self.endpoint = endpoint
        self.url = client.settings.base_url(endpoint.api) + endpoint.path

    def item_url(self, id_: str | None) -> str:
        """The URL of one object (the id is not validated here); ``None``: the collection itself, the
        URL of a singleton (a store's Identity Resolution Settings)."""
        return self.url if id_ is None else f"{self.url}/{id_}"

    def list(self, params: Mapping[str, Any] | None = None, page_size: int = 50) -> Iterator[dict[str, Any]]:
        """``GET {path}``: every object, following ``meta.nextToken`` across pages."""
        return iter_items(self.client, self.url, params=params, page_size=page_size)

    def fetch(self, id_: str | None) -> dict[str, Any]:
        """``GET {path}/{id}``: the object (wire shape, out of its envelope if the endpoint has one).
        Raises ``TwilioApiError`` (``.not_found`` for 404)."""
        return self.fetch_with_etag(id_)[0]

    def fetch_with_etag(self, id_: str | None) -> tuple[dict[str, Any], str | None]:
        """``GET {path}/{id}``: the object (as :meth:`fetch`) and its ``ETag`` header, if any (what an
        ``If-Match`` must send on Memory v1 and Knowledge v2, where ETags are opaque)."""
        response = self.client.request("GET", self.item_url(id_))
        data = _object(response)
        if self.endpoint.envelope:
            inner = data.get(self.endpoint.envelope)
            if not isinstance(inner, dict):
                method, path = response.request.method, response.request.url.path
                raise UnexpectedResponseError(f"{method} {path} answered without {self.endpoint.envelope}")
            data = inner
        return data, response.headers.get("ETag")

    def create(
        self, body: dict[str, Any], *, idempotency_key: str | None = None, object_id: str | None = None
    ) -> WriteResult:
        """``POST {path}``; for an asynchronous collection, wait for the Operation, then fetch the object.

        Args:
            body: the JSON body (wire shape).
            idempotency_key: sent as ``Idempotency-Key``.
            object_id: the new object's id when the caller knows it already (a trait group is named by
                its ``displayName``); otherwise the Operation names it.

        Raises:
            OperationFailedError, OperationTimeoutError: the Operation FAILED (or was CANCELLED), or
                outlived ``settings.operation_timeout``.
            OperationAbandonedError: the Operation is unfinished and ``settings.abandon_operations``
                names it.
            ObjectGoneError: the Operation COMPLETED but its object is gone: Twilio replayed an
                earlier create (same Idempotency-Key within 24 hours) whose object was deleted since.

        Returns ``WriteResult({}, operation)`` when neither the 202 nor the Operation names the object
        (``related.configurationId`` or ``result.id``, as the API's :class:`OperationKind` says) and
        ``object_id`` is not given (live Twilio, C4): the caller finds the object.
        """
        response = self.client.request("POST", self.url, json=body, headers=_headers(idempotency_key))
        kind = self.endpoint.operations
        if kind is None:
            return WriteResult(_object(response))
        accepted = self._accepted(response)
        operation = self._wait(accepted)
        id_ = object_id or kind.created_id(accepted.related, operation)
        if not id_:
            return WriteResult({}, operation, replayed=accepted.is_replay(operation))
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
        id_: str | None,
        body: dict[str, Any],
        *,
        method: str = "PUT",
        if_match: str | None = None,
        idempotency_key: str | None = None,
    ) -> WriteResult:
        """``PUT {path}/{id}`` (a full replacement; ``method="PATCH"`` for a partial one); sends
        ``If-Match`` when given. For an asynchronous collection, wait for the Operation, then fetch the
        object; an answer without the object (202 without an Operation, 204) is followed by a fetch too.

        Raises:
            TwilioApiError: 412 when ``if_match`` is not the current version, 404 when the object is gone.
            OperationFailedError, OperationTimeoutError: as :meth:`create`.
        """
        headers = _headers(idempotency_key)
        if if_match is not None:
            headers["If-Match"] = if_match
        response = self.client.request(method, self.item_url(id_), json=body, headers=headers)
        if not self.endpoint.asynchronous:
            if response.status_code in (202, 204):
                return WriteResult(self.fetch(id_))
            return WriteResult(_object(response))
        operation = self._wait(self._accepted(response))
        return WriteResult(self.fetch(id_), operation)

    def delete(self, id_: str, *, idempotency_key: str | None = None) -> Any:
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

    def _wait(self, accepted: AcceptedOperation) -> Any:
        kind = self.endpoint.operations
        assert kind is not None, "only asynchronous endpoints wait for Operations"
        settings = self.client.settings
        return wait_for_operation(
            self.client, accepted, timeout=settings.operation_timeout, kind=kind, abandon=settings.abandon_operations
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
