"""The one generic dynamic provider: check, diff, create, read, update and delete for every resource.

A resource's provider is a tiny subclass that names its :class:`ResourceSpec` (a module-level
constant, pickled by reference). Instances hold no state when pickled into Pulumi state: settings
and the HTTP client are built in :meth:`configure`, in the provider process, from stack config and
environment variables, and never leave it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..client import Collection, TwilioClient, WriteResult
from ..config import Settings
from ..errors import ConfigurationError, OperationFailedError, TwilioApiError
from ._check import validate_inputs, warn
from ._keys import idempotency_key, is_replay
from ._spec import EXISTING_ID, OPERATION_ID, PROVIDER_INPUTS, RESOURCE_KEY, ResourceSpec

#: Idempotency-Keys tried for one write (see ``_write``).
_KEY_ATTEMPTS = 3


def from_engine(value: Any) -> Any:
    """Undo the engine's number encoding: every number crosses gRPC as a float, so integral
    floats (``5.0``) become ints again, recursively."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: from_engine(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_engine(v) for v in value]
    return value


class TwilioProvider(ResourceProvider):
    """Generic ``ResourceProvider`` driven by ``SPEC``.

    Thread-safe: the dynamic provider server calls up to 4 methods at once on one instance.
    """

    SPEC: ClassVar[ResourceSpec]
    serialize_as_secret_always = False

    def __init__(self) -> None:
        super().__init__()

    def __getstate__(self) -> dict[str, Any]:
        return {}  # never pickle settings, clients or locks into Pulumi state

    def __setstate__(self, state: dict[str, Any]) -> None:
        pass

    # -- settings and clients -----------------------------------------------------------------

    def configure(self, req: ConfigureRequest) -> None:
        """Read credentials and settings from stack config (``twilio:*``), then the environment.

        Raises:
            ConfigurationError: a number setting (timeouts, retries) that does not parse.
        """
        self._settings = Settings.load(req.config)

    def _client(self) -> TwilioClient:
        lock = self.__dict__.setdefault("_lock", threading.Lock())
        with lock:
            client: TwilioClient | None = self.__dict__.get("_http")
            if client is None:
                settings = self.__dict__.get("_settings") or Settings.load()
                client = TwilioClient(settings)
                self._http = client
            return client

    def _collection(self) -> Collection:
        return Collection(self._client(), self.SPEC.endpoint)

    def _online_client(self) -> TwilioClient | None:
        """A client for online checks, or ``None`` when no credentials are configured."""
        client = self._client()
        try:
            client.settings.credentials()
        except ConfigurationError:
            return None
        return client

    # -- check and diff -----------------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate the inputs, at preview and again before ``create``/``update``.

        Returns the inputs unchanged and one ``CheckFailure(property, reason)`` per problem, the
        property a Python path such as ``rules[1].triggers[0].parameters.count``. Values not known
        yet (outputs of resources still to be created) are skipped. Online checks (referenced
        operators and their versions, attached configurations) use ``GET`` requests when
        credentials are configured; problems reaching Twilio become warnings, never failures.
        """
        failures, warnings = validate_inputs(self.SPEC, from_engine(news), self._online_client())
        for message in warnings:
            warn(message)
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare canonical forms of the old outputs (state) and the new inputs; no request is sent.

        ``__provider``, ``existing_id`` and server-managed fields are not compared, and Twilio's
        defaults and normalisations are applied to both sides (:meth:`ResourceSpec.canonical`).
        Nothing needs a replacement (Twilio updates every field in place), so ``replaces`` is
        always empty.
        """
        changed = self.SPEC.changed_fields(from_engine(olds), from_engine(news))
        return DiffResult(changes=bool(changed), replaces=[], stables=[], delete_before_replace=False)

    # -- create, read, update, delete ---------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create the object (``POST {collection}``), or adopt ``existing_id``, and return every output.

        Asynchronous collections (Conversations v2) send a deterministic ``Idempotency-Key`` and
        wait for the Operation. Returns ``CreateResult(id, outputs)``: the id is Twilio's, the
        outputs every field Twilio returns (Python names) plus the provider's own inputs.

        Raises:
            TwilioApiError: Twilio refused the request (status, code, message and ``more_info``).
            OperationFailedError, OperationTimeoutError: the Operation failed or took too long.
        """
        spec = self.SPEC
        props = from_engine(props)
        existing = props.get(EXISTING_ID)
        if existing:
            return self._adopt(existing, props)
        body = spec.create_model.from_python(self._inputs(props)).to_wire()
        collection = self._collection()
        result = self._write(
            props, "POST", spec.endpoint.path, body, None, lambda key: collection.create(body, idempotency_key=key)
        )
        assert result.resource is not None
        return CreateResult(result.resource["id"], self._outputs(result, props))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Fetch the object (``GET {collection}/{id}``) for ``pulumi refresh`` and ``Resource.get``.

        Returns the outputs and, as ``inputs``, the remote values of every input field, so that a
        refresh leaves no phantom diff. A 404 returns an empty id: the engine drops the resource
        from the state.

        Raises:
            TwilioApiError: any other error status.
        """
        props = from_engine(props)
        try:
            remote = self._collection().fetch(id_)
        except TwilioApiError as exc:
            if exc.not_found:
                return ReadResult(None, {})
            raise
        outs = self._outputs(WriteResult(remote), props)
        inputs = {k: v for k, v in outs.items() if k in self.SPEC.input_fields}
        inputs.update({k: props[k] for k in PROVIDER_INPUTS if props.get(k) is not None})
        return ReadResult(id_, outs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Replace the object's fields with the new inputs (``PUT {collection}/{id}``).

        Operators send ``If-Match: <version in the state>``; Intelligence Configurations send the
        current rules' ids; Conversation Configurations send an ``Idempotency-Key`` and wait for
        the Operation. Returns the complete output set.

        Raises:
            TwilioApiError: 412 when the operator changed outside Pulumi, 404 when the object is
                gone (both say to run ``pulumi refresh``), or any other error status.
            OperationFailedError, OperationTimeoutError: the Operation failed or took too long.
        """
        olds, news = from_engine(olds), from_engine(news)
        result = self._update(id_, olds, news)
        return UpdateResult(self._outputs(result, news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Delete the object (``DELETE {collection}/{id}``); one that is already gone counts as deleted.

        Raises:
            TwilioApiError: 409 while another object still uses it (the message says which to
                change first), or any other error status.
            OperationFailedError, OperationTimeoutError: the Operation failed or took too long.
        """
        spec = self.SPEC
        collection = self._collection()
        try:
            self._write(
                props,
                "DELETE",
                f"{spec.endpoint.path}/{id_}",
                None,
                None,
                lambda key: collection.delete(id_, idempotency_key=key),
            )
        except TwilioApiError as exc:
            if exc.not_found and exc.method == "DELETE":
                return
            if exc.status == 409:
                raise exc.with_hint(
                    f"The {spec.title} {id_} is still in use; remove the reference first "
                    "(Pulumi deletes dependents first when they are in the same stack)"
                ) from None
            raise

    # -- internals ----------------------------------------------------------------------------

    def _inputs(self, props: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in props.items() if k in self.SPEC.input_fields and v is not None}

    def _outputs(self, result: WriteResult, props: dict[str, Any]) -> dict[str, Any]:
        """Every output: the object as Twilio returns it (Python names, without ``id``), plus the
        provider's own inputs and the last Operation id carried over from ``props``."""
        assert result.resource is not None
        remote = self.SPEC.response_model.from_wire(result.resource).to_python()
        outs = {k: v for k, v in remote.items() if k != "id"}
        for key in PROVIDER_INPUTS:
            if props.get(key) is not None:
                outs[key] = props[key]
        if self.SPEC.endpoint.asynchronous:
            operation_id = result.operation.operation_id if result.operation else props.get(OPERATION_ID)
            if operation_id:
                outs[OPERATION_ID] = operation_id
        return outs

    def _update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> WriteResult:
        spec = self.SPEC
        collection = self._collection()
        desired = spec.update_model.from_python({**spec.update_defaults, **self._inputs(news)}).to_wire()
        body = spec.update_body(desired, collection.fetch(id_)) if spec.update_body else desired
        if_match = str(olds["version"]) if spec.if_match and olds.get("version") is not None else None
        try:
            return self._write(
                news,
                "PUT",
                f"{spec.endpoint.path}/{id_}",
                body,
                olds.get("version"),
                lambda key: collection.update(id_, body, if_match=if_match, idempotency_key=key),
            )
        except TwilioApiError as exc:
            if exc.status == 412:
                raise exc.with_hint(
                    f"The {spec.title} {id_} was changed outside Pulumi since version {if_match} in the "
                    "state: run `pulumi refresh` to see and accept the remote changes, then `pulumi up`"
                ) from None
            if exc.not_found and exc.method != "GET":
                raise exc.with_hint(
                    f"The {spec.title} {id_} no longer exists: run `pulumi refresh` to drop it from the "
                    "state, then `pulumi up` to create it again"
                ) from None
            raise

    def _write(
        self,
        props: dict[str, Any],
        method: str,
        target: str,
        body: Any,
        version: Any,
        send: Callable[[str | None], WriteResult],
    ) -> WriteResult:
        """Send one write; an asynchronous one carries a deterministic Idempotency-Key.

        When that key replays an earlier run's FAILED Operation, or a create whose object has been
        deleted since, the write is sent again under a fresh key (at most 3 keys in all).
        """
        if not self.SPEC.endpoint.asynchronous:
            return send(None)
        for attempt in range(_KEY_ATTEMPTS):
            key = idempotency_key(props.get(RESOURCE_KEY), method, target, body, version, attempt)
            sent_at = time.time()
            try:
                return send(key)
            except OperationFailedError as exc:
                if not is_replay(exc.created_at, sent_at) or attempt == _KEY_ATTEMPTS - 1:
                    raise
            except TwilioApiError as exc:
                replayed_deleted = method == "POST" and exc.not_found and exc.method == "GET"
                if not replayed_deleted or attempt == _KEY_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _adopt(self, existing: str, props: dict[str, Any]) -> CreateResult:
        """Bring an existing object under management: verify it exists, then update it."""
        spec = self.SPEC
        try:
            current = self._collection().fetch(existing)
        except TwilioApiError as exc:
            if exc.not_found:
                raise exc.with_hint(
                    f"existing_id {existing} names no {spec.title} in this account; "
                    "remove existing_id to create a new one"
                ) from None
            raise
        olds = spec.response_model.from_wire(current).to_python()
        result = self._update(existing, olds, props)
        return CreateResult(existing, self._outputs(result, props))
