"""The one generic dynamic provider: check, diff, create, read, update and delete for every resource.

A resource's provider is a tiny subclass that names its :class:`ResourceSpec` (a module-level
constant, pickled by reference). Instances hold no state when pickled into Pulumi state: settings
and the HTTP clients are built in the provider process, from stack config and environment
variables, and never leave it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from typing import Any, ClassVar, TypeVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pydantic import ValidationError

from ..client import (
    CONTROL_PLANE_PAGE_SIZE,
    Collection,
    TwilioClient,
    WriteResult,
    parse_response,
    wait_until_ready,
)
from ..config import Settings
from ..errors import (
    ConfigurationError,
    DuplicateNameError,
    ObjectGoneError,
    OperationAbandonedError,
    OperationFailedError,
    OperationTimeoutError,
    ProvisioningFailedError,
    ProvisioningTimeoutError,
    TwilioApiError,
    TwilioError,
)
from ..models import lenient
from ._check import online_findings, validate_inputs, warn
from ._idempotency import MAX_KEYS, idempotency_key
from ._known import known_objects
from ._listing import Listing
from ._recovery import (
    advise,
    created_meanwhile,
    find_created,
    identical,
    lost_create,
    retry_verified,
    same_name,
    who,
)
from ._spec import (
    ALLOW_DUPLICATE,
    EXISTING_ID,
    OPERATION_ID,
    PROVIDER_INPUTS,
    RESOURCE_IDENTITY,
    UPDATE_METHOD,
    ResourceSpec,
)
from ._workers import freeze_import_heap, lift_worker_limit

T = TypeVar("T")

#: Retries of one request made by ``check``: an unreachable Twilio becomes a warning within seconds.
CHECK_RETRIES = 1


def from_engine(value: Any) -> Any:
    """Undo the engine's number encoding: every number crosses gRPC as a float, so integral
    floats (``5.0``) become ints again, recursively."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {k: v if type(v) in _LEAVES else from_engine(v) for k, v in value.items()}
    if isinstance(value, list):
        return [v if type(v) in _LEAVES else from_engine(v) for v in value]
    return value


#: Types :func:`from_engine` returns as they are (most values: a call less each).
_LEAVES = frozenset({str, int, bool, type(None)})


class TwilioProvider(ResourceProvider):
    """Generic ``ResourceProvider`` driven by ``SPEC``.

    Thread-safe: the dynamic provider server calls many methods at once on one instance (up to
    :data:`~._workers.PROVIDER_THREADS`, see :mod:`._workers`); they share one :class:`TwilioClient`
    for writes and reads and one, with a small retry budget, for ``check``.
    """

    SPEC: ClassVar[ResourceSpec]
    serialize_as_secret_always = False

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
        problem = lift_worker_limit()  # once per process: more than 4 provider calls at once
        if problem:
            warn(problem)
        freeze_import_heap()  # once per process: full garbage collections skip the imported modules
        self._settings = Settings.load(req.config)

    def _shared(self, name: str, make: Callable[[Settings], TwilioClient]) -> TwilioClient:
        """The client stored as attribute ``name``, made once (thread-safe) from the settings."""
        lock = self.__dict__.setdefault("_lock", threading.Lock())  # atomic: unpickled instances have none
        with lock:
            client: TwilioClient | None = self.__dict__.get(name)
            if client is None:
                client = make(self.__dict__.get("_settings") or Settings.load())
                setattr(self, name, client)
            return client

    def _client(self) -> TwilioClient:
        return self._shared("_twilio", TwilioClient)

    def _check_client(self) -> TwilioClient | None:
        """A client for online checks (at most :data:`CHECK_RETRIES` retries per request), or
        ``None`` when no credentials are configured."""
        client = self._shared(
            "_twilio_checks",
            lambda s: TwilioClient(dataclasses.replace(s, max_retries=min(s.max_retries, CHECK_RETRIES))),
        )
        try:
            client.settings.credentials()
        except ConfigurationError:
            return None
        return client

    def _collection(self, parent: str | None = None) -> Collection:
        return Collection(self._client(), self.SPEC.endpoint_in(parent))

    def _listing(self, collection: Collection) -> Listing:
        """This provider process's listing of ``collection`` (:mod:`._listing`; one per parent)."""
        listings: dict[str, Listing] = self.__dict__.setdefault("_listings", {})
        listing = listings.get(collection.url)
        if listing is None:  # setdefault: two threads may get here at once, one Listing wins
            listing = listings.setdefault(collection.url, Listing(self.SPEC.display_name_wire))
        return listing

    # -- check and diff -----------------------------------------------------------------------

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate the inputs, at preview and again before ``create``/``update``.

        Returns the inputs unchanged and one ``CheckFailure(property, reason)`` per problem, the
        property a Python path such as ``rules[1].triggers[0].parameters.count``. Values not known
        yet (outputs of resources still to be created) are skipped. Online checks (referenced
        operators and their versions, attached configurations) verify, when credentials are
        configured, only the references that changed since ``olds`` (the old inputs; ``{}`` on
        create), with objects this provider process already knows, else ``GET`` requests: a no-op
        preview makes none. Problems reaching Twilio become warnings, never failures. Each
        warning starts with the resource's identity (``project/stack/Type/name``).
        """
        derived: list[CheckFailure] = []
        if self.SPEC.derive is not None:
            news, derived = self.SPEC.derive(dict(news))
        failures, warnings = validate_inputs(
            self.SPEC, from_engine(news), self._check_client(), from_engine(olds or {})
        )
        who = news.get(RESOURCE_IDENTITY) or self.SPEC.type_name
        for message in warnings:
            warn(f"{who}: {message}")
        if olds and olds.get(RESOURCE_IDENTITY):  # the resource has state: a create of it is a replacement
            previous: dict[str, Any] = self.__dict__.setdefault("_previous_inputs", {})
            previous[olds[RESOURCE_IDENTITY]] = from_engine(olds)
        return CheckResult(news, derived + failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare canonical forms of the old outputs (state) and the new inputs; no request is sent.

        ``__provider``, the provider's own inputs (``existing_id``, ``update_method``) and
        server-managed fields are not compared, and Twilio's defaults and normalisations are applied
        to both sides (:meth:`ResourceSpec.canonical`). A change of what Twilio cannot update in
        place (the parent, a trait group's name, a knowledge source's type, a Conversation
        Configuration's grouping type: :meth:`ResourceSpec.replaced_fields`), and of the inputs
        replaced unless ``update_method`` is ``"in_place"`` (an Intelligence Configuration's rules:
        :meth:`ResourceSpec.replaced_unless_in_place`), is listed in ``replaces``; a value not known
        yet counts as changed. ``delete_before_replace`` is the spec's, when something is replaced.
        """
        spec = self.SPEC
        olds, news = from_engine(olds), from_engine(news)
        changed = spec.changed_fields(olds, news)
        replaces = spec.replaced_fields(olds, news) if changed else []
        replaces += [f for f in spec.replaced_unless_in_place(changed, news.get(UPDATE_METHOD)) if f not in replaces]
        result = DiffResult(
            changes=bool(changed),
            replaces=replaces,
            stables=[],
            delete_before_replace=bool(replaces) and spec.delete_before_replace,
        )
        self._note_managed(_id, news)
        return result

    def _note_managed(self, id_: str, news: dict[str, Any]) -> None:
        """Remember which object this resource manages now: should the engine replace it (a diff
        that asks for it, ``replacement_trigger``, ``--replace``), the new object's create may reuse
        that display name while the old object still exists."""
        identity = news.get(RESOURCE_IDENTITY)
        if not identity:
            return
        parent, key = self.SPEC.split_id(id_)
        if key is not None:
            self._listing(self._collection(parent)).replacing[identity] = key

    # -- create, read, update, delete ---------------------------------------------------------

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Create the object (``POST {collection}``), or adopt ``existing_id``, and return every output.

        Asynchronous collections (Conversations v2) send a deterministic ``Idempotency-Key`` and
        wait for the Operation. When the answer to a synchronous create is lost (a timeout, a
        dropped connection, a 5xx), the object Twilio may have created is looked for and adopted if
        exactly one fresh identical object exists (:mod:`._recovery`); so is the object of an
        asynchronous create whose Operation completed without naming its id (C4). Returns
        ``CreateResult(id, outputs)``: the id is Twilio's, the outputs every field Twilio returns
        (Python names) plus the provider's own inputs.

        Raises:
            TwilioApiError: Twilio refused the request (status, code, message and ``more_info``).
            TwilioConnectionError: no answer; the message says whether the object may exist.
            OperationFailedError, OperationTimeoutError: the Operation failed or took too long.
        """
        spec = self.SPEC
        props = from_engine(props)
        existing = props.get(EXISTING_ID)
        if existing:
            return self._adopt(existing, props)
        parent = self._parent(props)
        body = spec.create_model.from_python(self._inputs(props)).to_wire()
        collection = self._collection(parent)
        if spec.singleton:  # a singleton exists with its parent: its "create" is an update
            result = self._put_singleton(collection, props, body)
            self._remember(collection, None, result.resource)
            return CreateResult(spec.join_id(parent, None), self._outputs(result.resource, props, result.operation))
        key = str(props[spec.key_field]) if spec.key_field else None
        listing, identity = self._listing(collection), who(spec, props)
        looks = spec.display_name_wire is not None and not props.get(ALLOW_DUPLICATE)
        named, before = (
            listing.snapshot(collection, props.get(spec.display_name or "") if looks else None)
            if looks or not spec.endpoint.asynchronous
            else ([], frozenset[str]())
        )
        previous = self.__dict__.get("_previous_inputs", {}).get(identity)
        matches = same_name(spec, named, props, replaced=listing.replacing.get(identity), previous=previous)
        found = lost_create(spec, matches, props, listing.own)
        if found is not None:
            listing.record(found, own=True)
            return self._created(collection, parent, key, WriteResult(found), props)
        name = str(props.get(spec.display_name or "")) if looks else None
        holder = listing.reserve(name, identity) if name is not None else None
        if holder is not None:
            raise DuplicateNameError(
                f"{identity}: {holder} is creating a {spec.title} named {name!r} in this deployment too; give one "
                f"of them another {spec.display_name}, or set {ALLOW_DUPLICATE}=True on this one",
                [],
            )
        try:
            result = self._create(props, body, key, collection, listing, before)
        except OperationFailedError as exc:
            left = self._failed_leftover(collection, props)
            if left is None:
                raise
            raise exc.with_hint(self._clean_up(collection, left)) from None
        except TwilioApiError as exc:
            if 400 <= exc.status < 500 and spec.explain_create_failure is not None:
                raise spec.explain_create_failure(collection, exc) from None
            raise
        finally:
            if name is not None:
                listing.release(name, identity)
        listing.record(result.resource, own=True)
        return self._created(collection, parent, key, result, props)

    def _created(
        self, collection: Collection, parent: str | None, key: str | None, result: WriteResult, props: dict[str, Any]
    ) -> CreateResult:
        """The create's result once the object is ready."""
        spec = self.SPEC
        created = key or str(result.resource["id"])
        if spec.after_create is not None:
            try:
                spec.after_create(collection, props, result.resource)
            except TwilioError as exc:
                raise TwilioError(f"{exc}. {self._clean_up(collection, created)}") from None
        resource = self._ready(collection, created, result.resource, cleanup=True)
        self._remember(collection, created, resource)
        pulumi_id = spec.join_id(parent, created)
        return CreateResult(pulumi_id, self._outputs(resource, props, result.operation, pulumi_id))

    def _create(
        self,
        props: dict[str, Any],
        body: dict[str, Any],
        key: str | None,
        collection: Collection,
        listing: Listing,
        before: AbstractSet[str],
    ) -> WriteResult:
        """Send the create: asynchronously under Idempotency-Keys, else verified and retried
        (:func:`retry_verified`): a create whose answer was lost is looked for among the objects
        that were not in the listing ``before`` (ids)."""
        spec = self.SPEC

        def settled() -> WriteResult | None:
            fresh = created_meanwhile(spec, listing.relist(collection), before, props, listing.own)
            return WriteResult(fresh[0]) if len(fresh) == 1 else None

        def send(k: str | None) -> WriteResult:
            result = collection.create(body, idempotency_key=k, object_id=key)
            if result.resource or result.operation is None:
                return result
            # C4: Twilio named no id, neither in the 202 nor in the Operation: find the object
            return WriteResult(find_created(spec, collection, props, result), result.operation)

        if spec.endpoint.asynchronous:
            return self._write(props, spec.create_method, collection.endpoint.path, body, None, send, settled)

        def verify(failure: TwilioError) -> WriteResult | None:
            try:
                fresh = created_meanwhile(spec, listing.relist(collection), before, props, listing.own)
            except TwilioError as exc:
                raise advise(
                    failure,
                    f"The {spec.title} may have been created all the same, and looking for it failed ({exc}): run "
                    "`pulumi up` again (it looks again, and adopts the object if Twilio made it)",
                ) from None
            if len(fresh) == 1:
                warn(f"{who(spec, props)}: {failure}; Twilio had created it all the same: adopted {fresh[0]['id']}")
                return WriteResult(fresh[0])
            if fresh:
                ids = ", ".join(str(o.get("id")) for o in fresh)
                raise advise(
                    failure,
                    f"The create may have succeeded: {len(fresh)} new {spec.title}s have these inputs ({ids}). Adopt "
                    f'the one this resource made with {EXISTING_ID}="<id>" (and delete the others), then run '
                    "`pulumi up`",
                ) from None
            return None

        def give_up(failure: TwilioError, attempts: int) -> TwilioError:
            return advise(
                failure,
                f"Twilio created no {spec.title} with these inputs in {attempts} attempts (each verified by listing "
                f"the {spec.title}s): run `pulumi up` again later",
            )

        return retry_verified(collection.client, lambda: send(None), verify, give_up)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Fetch the object (``GET {collection}/{id}``) for ``pulumi refresh`` and ``Resource.get``.

        Returns the outputs, and as ``inputs``:

        * ``None`` when the remote input fields have the same canonical form as those in ``props``
          (the outputs in the state): the engine keeps the inputs the user wrote, so a refresh
          without drift leaves the state untouched and the next ``up`` is a true no-op;
        * otherwise (drift, or ``Resource.get``) the remote values of every input field, so that
          the refresh reports the drift field by field and leaves no phantom diff.

        The online checks then run again on every reference of the object (cached per process) and
        print what they find as warnings: this is when a pinned version that became DEPRECATED or
        RETIRED is reported. A 404 returns an empty id: the engine drops the resource from the state.

        Raises:
            TwilioApiError: any other error status.
        """
        props = from_engine(props)
        parent, key = self.SPEC.split_id(id_)
        collection = self._collection(parent)
        try:
            remote = collection.fetch(key)
        except TwilioApiError as exc:
            if exc.not_found:
                return ReadResult(None, {})
            raise
        self._remember(collection, key, remote)
        outs = self._outputs(remote, props, None, id_)
        self._recheck(outs, props)
        if not self.SPEC.changed_fields(props, outs):
            return ReadResult(id_, outs, None)
        inputs = {k: v for k, v in outs.items() if k in self.SPEC.input_fields}
        inputs.update({k: props[k] for k in PROVIDER_INPUTS if props.get(k) is not None})
        return ReadResult(id_, outs, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Replace the object's fields with the new inputs (``PUT {collection}/{id}``).

        Operators send ``If-Match: <version in the state>``; Intelligence Configurations send their
        rules with the ids in the state (no ``GET``; when Twilio refuses them with a 400, the state
        was stale: the current rules are fetched once and the ``PUT`` is sent again if that changes
        its body); Conversation Configurations send an ``Idempotency-Key`` and wait for the
        Operation. Returns the complete output set.

        Raises:
            TwilioApiError: 412 when the operator changed outside Pulumi, 404 when the object is
                gone (both say to run ``pulumi refresh``), or any other error status.
            OperationFailedError, OperationTimeoutError: the Operation failed or took too long.
        """
        olds, news = from_engine(olds), from_engine(news)
        result = self._update(id_, olds, news)
        parent, _key = self.SPEC.split_id(id_)
        self._listing(self._collection(parent)).record(result.resource)
        return UpdateResult(self._outputs(result.resource, news, result.operation, id_))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Delete the object (``DELETE {collection}/{id}``); one that is already gone counts as deleted.

        Raises:
            TwilioApiError: 409 while another object still uses it (the message says which to
                change first), or any other error status.
            OperationFailedError, OperationTimeoutError: the Operation failed or took too long.
        """
        spec = self.SPEC
        if not spec.deletable:
            return
        parent, key = spec.split_id(id_)
        collection = self._collection(parent)
        known_objects(collection.client).forget(collection.item_url(key))
        listing = self._listing(collection)

        def send(k: str | None) -> bool:
            collection.delete(str(key), idempotency_key=k)
            return True

        def settled() -> bool | None:
            try:
                collection.fetch(key)
            except TwilioApiError as exc:
                if exc.not_found:
                    return True
                raise
            return None

        try:
            self._write(props, "DELETE", f"{collection.endpoint.path}/{key}", None, None, send, settled)
        except TwilioApiError as exc:
            if exc.not_found:
                listing.forget(str(key))
                return
            if exc.status == 409:
                raise exc.with_hint(
                    f"The {spec.title} {id_} is still in use; remove the reference first "
                    "(Pulumi deletes dependents first when they are in the same stack)"
                ) from None
            raise
        listing.forget(str(key))

    # -- internals ----------------------------------------------------------------------------

    def _inputs(self, props: dict[str, Any]) -> dict[str, Any]:
        """The inputs sent to Twilio (Python names): the model's fields that are set."""
        return {k: v for k, v in props.items() if k in self.SPEC.model_types and v is not None}

    def _parent(self, props: dict[str, Any]) -> str | None:
        """The parent object's id from the inputs, for a collection inside another object."""
        parent = props.get(self.SPEC.parent) if self.SPEC.parent else None
        return str(parent) if parent is not None else None

    def _outputs(
        self,
        resource: dict[str, Any],
        props: dict[str, Any],
        operation: Any = None,
        pulumi_id: str | None = None,
    ) -> dict[str, Any]:
        """Every output: the object as Twilio returns it (Python names, without ``id``), the parent's
        id and the object's own id for composite Pulumi ids, plus the provider's own inputs and the
        last Operation id (this write's, else the one in ``props``)."""
        spec = self.SPEC
        path = f"{spec.endpoint.path}/{resource.get('id', '')}"
        remote = parse_response(spec.response_model, resource, method="GET", path=path).to_python()
        outs = {k: v for k, v in remote.items() if k != "id"}
        parent, key = spec.split_id(pulumi_id) if pulumi_id else (self._parent(props), remote.get("id"))
        if spec.parent:
            outs[spec.parent] = parent
        if spec.key_output:
            outs[spec.key_output] = key
        for name in (*PROVIDER_INPUTS, *spec.extra_inputs):
            if props.get(name) is not None:
                outs[name] = props[name]
        if spec.endpoint.asynchronous:
            operation_id = operation.operation_id if operation else props.get(OPERATION_ID)
            if operation_id:
                outs[OPERATION_ID] = operation_id
        return outs

    def _update(
        self,
        id_: str,
        olds: dict[str, Any],
        news: dict[str, Any],
        current: dict[str, Any] | None = None,
        etag: str | None = None,
    ) -> WriteResult:
        """Update the object to the new inputs (``PUT``, or ``PATCH`` as the spec says); ``current``
        (and its ``etag``) is the object as just fetched, if the caller has it."""
        spec = self.SPEC
        parent, key = spec.split_id(id_)
        collection = self._collection(parent)
        target = collection.endpoint.path + (f"/{key}" if key is not None else "")
        desired = spec.update_model.from_python({**spec.update_defaults, **self._inputs(news)}).to_wire()
        if_match = str(olds["version"]) if spec.if_match and olds.get("version") is not None else None
        try:
            if spec.etag:
                if etag is None:
                    current, etag = collection.fetch_with_etag(key)
                    self._same_version(id_, target, olds, current)
                if_match = etag

            def settled() -> WriteResult | None:
                remote = collection.fetch(key)
                return WriteResult(remote) if identical(spec, remote, news) else None

            def write(body: dict[str, Any]) -> WriteResult:
                def send(k: str | None) -> WriteResult:
                    return collection.update(key, body, method=spec.update_method, if_match=if_match, idempotency_key=k)

                if spec.endpoint.asynchronous:
                    return self._write(news, spec.update_method, target, body, olds.get("version"), send, settled)
                return retry_verified(
                    collection.client,
                    lambda: send(None),
                    lambda _failure: settled(),
                    lambda failure, attempts: advise(
                        failure,
                        f"Twilio did not apply the update in {attempts} attempts (each verified by fetching the "
                        f"{spec.title}): run `pulumi up` again later",
                    ),
                )

            if spec.update_body is None:
                result = write(desired)
            else:
                fetched = current is not None
                if current is None:
                    current = self._as_remote(id_, olds)  # the rule ids are in the state: no GET
                if current is None:
                    current, fetched = collection.fetch(key), True
                body = spec.update_body(desired, current)
                try:
                    result = write(body)
                except TwilioApiError as exc:
                    if exc.status != 400 or fetched:
                        raise
                    retry = spec.update_body(desired, collection.fetch(key))  # the state may be stale
                    if retry == body:
                        raise
                    result = write(retry)
        except TwilioApiError as exc:
            if exc.status == 412:
                raise exc.with_hint(
                    f"The {spec.title} {id_} was changed outside Pulumi since version {olds.get('version')} in "
                    "the state: run `pulumi refresh` to see and accept the remote changes, then `pulumi up`"
                ) from None
            if exc.not_found:
                raise exc.with_hint(
                    f"The {spec.title} {id_} no longer exists: run `pulumi refresh` to drop it from the "
                    "state, then `pulumi up` to create it again"
                ) from None
            raise
        resource = self._ready(collection, key, result.resource, cleanup=False)
        self._remember(collection, key, resource)
        return WriteResult(resource, result.operation)

    def _as_remote(self, id_: str, olds: dict[str, Any]) -> dict[str, Any] | None:
        """The object as the old outputs record it, in Twilio's wire shape, or ``None`` when they
        do not have the documented shape (an old state)."""
        try:
            return lenient(self.SPEC.response_model).from_python({**olds, "id": id_}).to_wire()
        except ValidationError:
            return None

    def _remember(self, collection: Collection, key: str | None, resource: dict[str, Any]) -> None:
        """Tell the process's online checks what Twilio answered for the object ``key`` of
        ``collection`` (and what else that answer answers: :attr:`ResourceSpec.also_answers`)."""
        known = known_objects(collection.client)
        url = collection.item_url(key)
        known.store(url, resource)
        for endpoint, other in self.SPEC.also_answers(resource):
            known.store(Collection(collection.client, endpoint).item_url(other), resource, under=url)

    def _recheck(self, outs: dict[str, Any], props: dict[str, Any]) -> None:
        """Run the online checks again on every reference of ``outs`` and warn about what they find."""
        try:
            findings = online_findings(self.SPEC, outs, self._check_client())
        except TwilioError as exc:
            findings = [f"could not verify the references: {exc}"]
        who = props.get(RESOURCE_IDENTITY) or self.SPEC.type_name
        for message in findings:
            warn(f"{who}: {message}")

    def _same_version(self, id_: str, target: str, olds: dict[str, Any], current: dict[str, Any]) -> None:
        """Raise a 412 when the object's ``version`` is no longer the one in the state (it changed
        outside Pulumi): what Twilio would answer to an ``If-Match`` of the state's version."""
        expected, actual = olds.get("version"), current.get("version")
        if expected is not None and actual is not None and expected != actual:
            raise TwilioApiError(
                412,
                f"Precondition Failed: the {self.SPEC.title} {id_} is at version {actual}",
                method=self.SPEC.update_method,
                path=target,
            )

    def _put_singleton(self, collection: Collection, props: dict[str, Any], body: dict[str, Any]) -> WriteResult:
        """The "create" of a singleton: ``PUT`` the inputs with ``If-Match`` of its current ``ETag``."""
        _current, etag = collection.fetch_with_etag(None)

        def settled() -> WriteResult | None:
            remote = collection.fetch(None)
            return WriteResult(remote) if identical(self.SPEC, remote, props) else None

        return self._write(
            props,
            "PUT",
            collection.endpoint.path,
            body,
            None,
            lambda k: collection.update(None, body, method="PUT", if_match=etag, idempotency_key=k),
            settled,
        )

    def _ready(self, collection: Collection, key: str | None, resource: dict[str, Any], *, cleanup: bool) -> Any:
        """``resource`` once ready (``spec.ready``: a store ACTIVE, a knowledge source COMPLETED).

        A create (``cleanup``) whose object ends FAILED deletes it, so that nothing is left behind (a
        failed Memory Store would count against the 15 per account); so does a synchronous create
        still not ready at the timeout (its retry would make another object: an asynchronous one
        replays its Operation under the same Idempotency-Key instead).

        Raises:
            ProvisioningFailedError, ProvisioningTimeoutError: as :func:`wait_until_ready`.
        """
        spec = self.SPEC
        if spec.ready is None:
            return resource
        timeout = collection.client.settings.operation_timeout
        try:
            return wait_until_ready(collection, key, spec.ready, title=spec.title, timeout=timeout, current=resource)
        except ProvisioningFailedError as exc:
            if not cleanup:
                raise
            raise exc.with_hint(self._clean_up(collection, key)) from None
        except ProvisioningTimeoutError as exc:
            if not cleanup or spec.endpoint.asynchronous:
                raise
            raise TwilioError(
                f"The {spec.title} {exc.object_id} was still {exc.status} after {exc.timeout:g} seconds. "
                f"{self._clean_up(collection, key)}; raise twilio:operationTimeout (TWILIO_OPERATION_TIMEOUT)"
            ) from None

    def _failed_leftover(self, collection: Collection, props: dict[str, Any]) -> str | None:
        """The id of the object a create whose Operation FAILED left behind in a failed status (a
        FAILED store takes one of the account's 15 places), found by the spec's ``unique_field``;
        ``None`` when there is none, or finding it failed.

        Endpoints: ``GET {collection}`` (pages of 100), and ``GET {collection}/{id}`` per item when
        the list holds ids only (Memory Stores)."""
        spec = self.SPEC
        if spec.unique_field is None or spec.ready is None or props.get(spec.unique_field) is None:
            return None
        wire = spec.create_model.model_fields[spec.unique_field].alias or spec.unique_field
        try:
            for item in collection.list(page_size=CONTROL_PLANE_PAGE_SIZE):
                found = item if isinstance(item, dict) else collection.fetch(str(item))
                if found.get(wire) == props[spec.unique_field] and found.get(spec.ready.field) in spec.ready.failed:
                    return str(found.get("id"))
        except TwilioError:
            return None
        return None

    def _clean_up(self, collection: Collection, key: str | None) -> str:
        """Delete what a failed create made; say what happened (never raises)."""
        try:
            collection.delete(str(key))
        except TwilioError as exc:
            return f"Deleting it failed too ({exc}): delete it yourself"
        return "It was deleted, so nothing is left behind: fix the cause, then run `pulumi up` again"

    def _write(
        self,
        props: dict[str, Any],
        method: str,
        target: str,
        body: Any,
        version: Any,
        send: Callable[[str | None], T],
        settled: Callable[[], T | None],
    ) -> T:
        """Send one write; an asynchronous one under a deterministic Idempotency-Key, waiting for its
        Operation.

        The same write in a later run sends the same key, so Twilio answers with the same Operation:
        one still PENDING or RUNNING is resumed, never started twice. When the key replays an earlier
        write that cannot serve (a FAILED or CANCELLED Operation, or a create whose object has been
        deleted since), the write is sent again at once under the next key of its sequence (a fresh
        attempt), at most :data:`MAX_KEYS` keys in all. An unfinished Operation that
        ``twilio:abandonOperations`` names is given up on: ``settled()`` reads the object, and unless
        it is already as desired (its answer is then the result), the write goes on under the next key.

        Raises:
            OperationFailedError: this write's own Operation ended FAILED or CANCELLED (the message
                has Twilio's problem details and what to do).
            OperationTimeoutError: still unfinished after ``twilio:operationTimeout`` (the message
                says how to resume it or give up on it).
            TwilioError: every key replayed an unusable write, or what ``send`` raises.
        """
        spec = self.SPEC
        if not spec.endpoint.asynchronous:
            return send(None)
        identity = props.get(RESOURCE_IDENTITY)
        rerun = _rerun(method)
        for attempt in range(MAX_KEYS):
            try:
                return send(idempotency_key(identity, method, target, body, version, attempt))
            except OperationFailedError as exc:
                if not exc.replayed:
                    raise exc.with_hint(
                        f"Twilio did not apply this {method}. If the problem is about the inputs, correct them; "
                        f"then run {rerun} again: it makes a fresh attempt (a new Idempotency-Key)"
                    ) from None
            except ObjectGoneError:
                pass  # a replayed create whose object was deleted since: the next key creates anew
            except OperationAbandonedError as exc:
                done = settled()
                name = identity or spec.type_name
                if done is not None:
                    warn(
                        f"{name}: gave up on Operation {exc.operation_id} (twilio:abandonOperations); the {spec.title} "
                        "is already as desired"
                    )
                    return done
                warn(
                    f"{name}: gave up on Operation {exc.operation_id} ({exc.status or 'unfinished'}, named by "
                    f"twilio:abandonOperations); the {spec.title} is not as desired: sending the {method} again under "
                    "a new Idempotency-Key"
                )
            except OperationTimeoutError as exc:
                if isinstance(exc, ProvisioningTimeoutError):
                    raise
                raise OperationTimeoutError(
                    exc.operation_id,
                    exc.timeout,
                    status=exc.status,
                    advice=f"{method} {target} resumes waiting for it on the next {rerun} (the same Idempotency-Key). "
                    f"To give up on it instead, run `TWILIO_ABANDON_OPERATIONS={exc.operation_id} {rerun[1:-1]}` "
                    f"(or `pulumi config set twilio:abandonOperations {exc.operation_id}`): the provider then reads "
                    f"the {spec.title} and, unless it is already as desired, sends the {method} again under a new "
                    "Idempotency-Key (should the abandoned Operation still complete later, its change is applied "
                    "too). Or raise twilio:operationTimeout (TWILIO_OPERATION_TIMEOUT)",
                ) from None
        raise TwilioError(
            f"{method} {target}: each of the {MAX_KEYS} Idempotency-Keys of this write replayed an earlier "
            "write that failed or whose object was deleted since (Twilio keeps keys for 24 hours): wait, or "
            "change an input (e.g. the description) to start anew"
        )

    def _adopt(self, existing: str, props: dict[str, Any]) -> CreateResult:
        """Bring an existing object under management: fetch it (it must exist), then update it.

        ``existing`` is Twilio's id of the object (a trait group's name) or its Pulumi id
        (``"{parent}/{key}"``); the parent comes from the inputs.
        """
        spec = self.SPEC
        parent = self._parent(props)
        key = existing.rsplit("/", 1)[-1] if spec.parent else existing
        collection = self._collection(parent)
        try:
            current, etag = collection.fetch_with_etag(key)
        except TwilioApiError as exc:
            if exc.not_found:
                raise exc.with_hint(
                    f"existing_id {existing} names no {spec.title} in this account; "
                    "remove existing_id to create a new one"
                ) from None
            raise
        olds = parse_response(spec.response_model, current, method="GET", path=spec.endpoint.path).to_python()
        pulumi_id = spec.join_id(parent, key)
        result = self._update(pulumi_id, olds, props, current=current, etag=etag)
        return CreateResult(pulumi_id, self._outputs(result.resource, props, result.operation, pulumi_id))


def _rerun(method: str) -> str:
    """The command that retries a write: ``pulumi destroy`` for a DELETE, else ``pulumi up``."""
    return "`pulumi destroy`" if method == "DELETE" else "`pulumi up`"
