"""Crash safety: no duplicate after a create whose result never reached the Pulumi state.

A create can be committed by Twilio and still never reach the state: the answer is lost (a read
timeout, a dropped connection, a 5xx after the commit), or the ``pulumi`` CLI, the provider process
or the whole machine dies between Twilio's commit and the engine's checkpoint. Synchronous creates
(Operators, Intelligence Configurations, knowledge sources) carry no Idempotency-Key (Twilio
documents none), so the next ``pulumi up`` would make the object again (asynchronous creates replay
their Operation under the same Idempotency-Key instead). Hence, for every resource type whose spec
names a ``display_name`` (a knowledge source's ``name``):

1. **Before a create**, the provider looks at the objects of the collection (one listing per
   resource type per deployment, :mod:`._listing`) that have the desired display name, leaving out
   Twilio-authored ones and the object this resource replaces:

   * none: it creates the object;
   * exactly one, with exactly the desired inputs (the canonical form ``diff`` compares), still as
     created (``version`` 1: no longer-lived object that was since edited can match) and not made by
     another resource of this deployment: that is this resource's lost create; it is **adopted**
     with a warning naming its id, and no request is sent;
   * otherwise the create is **refused** with the ids found: adopt one with ``existing_id=``, or
     allow a second object with that name with ``allow_duplicate_display_name=True``.

2. **After a create whose answer was lost** (or a 5xx), the provider lists again and adopts the one
   new object with the desired inputs that was not there before; when there is none, Twilio did not
   create it, so the create is retried (within ``twilio:maxRetries``, with backoff). An update whose
   answer was lost is verified by fetching the object likewise.

A 4xx, a 429 and a connection that was never made cannot have created anything and are reported as
they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from typing import Any, TypeVar

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from ..client import MAX_PAGE_SIZE, Collection, TwilioClient, WriteResult, iso, iso_time, parse_response, retry_wait
from ..errors import (
    DuplicateNameError,
    ObjectGoneError,
    OperationFailedError,
    TwilioApiError,
    TwilioConnectionError,
    TwilioError,
    UnexpectedResponseError,
)
from ._check import warn
from ._spec import ALLOW_DUPLICATE, EXISTING_ID, RESOURCE_IDENTITY, ResourceSpec

T = TypeVar("T")
#: Seconds before an Operation that its object's creation date may show (``Date`` has whole seconds).
MARGIN = 10.0


def may_have_acted(exc: TwilioError) -> bool:
    """Whether Twilio may have carried out a request that failed with ``exc``: an answer lost on the
    way back, or a 5xx; never a 4xx, a 429 (answered before acting) or a connection never made."""
    if isinstance(exc, TwilioConnectionError):
        return exc.may_have_reached_twilio
    return isinstance(exc, TwilioApiError) and not isinstance(exc, OperationFailedError) and exc.status >= 500


def who(spec: ResourceSpec, props: dict[str, Any]) -> str:
    """How messages name the resource: its identity ``project/stack/Type/name``, else its type."""
    return str(props.get(RESOURCE_IDENTITY) or spec.type_name)


def same_name(
    spec: ResourceSpec,
    objects: Iterable[dict[str, Any]],
    props: dict[str, Any],
    *,
    replaced: str | None = None,
    previous: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The objects (wire shape) a create of ``props`` would duplicate: users' objects with the same
    display name, other than the object this resource replaces: ``replaced`` (its id as ``diff``
    saw it), else the oldest object with the ``previous`` inputs (the resource's inputs in the state,
    as ``check`` saw them: the engine may replace a resource without asking ``diff``, e.g. for a
    ``replacement_trigger``; ids are TTIDs, whose ULIDs sort by creation time). ``[]`` when the type
    has no display name or ``props`` allow duplicates."""
    key, name = spec.display_name_wire, props.get(spec.display_name or "")
    if key is None or name is None or props.get(ALLOW_DUPLICATE):
        return []
    found = [o for o in objects if o.get(key) == name and spec.owned(o)]
    if replaced is None and previous is not None:
        old = sorted(str(o.get("id")) for o in found if identical(spec, o, previous))
        replaced = old[0] if old else None
    return [o for o in found if o.get("id") != replaced]


def lost_create(
    spec: ResourceSpec, matches: list[dict[str, Any]], props: dict[str, Any], own: set[str]
) -> dict[str, Any] | None:
    """Before a create: the object to adopt as this resource's lost create, or ``None`` when there
    is no object of that name (``matches`` is :func:`same_name`'s answer; ``own`` the ids this
    deployment created).

    Raises:
        DuplicateNameError: objects of that name exist and none can be told to be this resource's
            (the message names their ids and says what to do).
    """
    if not matches:
        return None
    if len(matches) == 1:
        found = matches[0]
        if found["id"] not in own and spec.pristine(found) and identical(spec, found, props):
            warn(
                f"{who(spec, props)}: adopted {spec.title} {found['id']}: it has this resource's display name and "
                "exactly its inputs, and was never updated, so it is this resource's own create whose result "
                "never reached the Pulumi state (an interrupted run). If it belongs to something else, run "
                f"`pulumi state delete` for this resource and set {ALLOW_DUPLICATE}=True"
            )
            return found
    ids = [str(m.get("id")) for m in matches]
    why = [
        "another resource of this deployment created it"
        if m["id"] in own
        else "it has other inputs"
        if not identical(spec, m, props)
        else f"it was updated since it was created (version {m.get('version')})"
        if not spec.pristine(m)
        else "several objects have that name"
        for m in matches
    ]
    reasons = "; ".join(f"{i}: {w}" for i, w in zip(ids, why, strict=True))
    name = props.get(spec.display_name or "")
    raise DuplicateNameError(
        f"{who(spec, props)}: a {spec.title} named {name!r} already exists in this account ({reasons}), and "
        f"creating another would give two {spec.title}s the same name. To manage the existing one with this "
        f'resource, set {EXISTING_ID}="{ids[0]}"; to create a second one all the same, set '
        f"{ALLOW_DUPLICATE}=True; or change {spec.display_name}",
        ids,
    )


def find_created(
    spec: ResourceSpec, collection: Collection, props: dict[str, Any], result: WriteResult
) -> dict[str, Any]:
    """The object of an asynchronous create whose 202 and Operation both named no id (live Twilio
    may do this, C4; its advice: list the configurations and match the display name).

    The object is the one of the collection that has every desired input (the canonical form
    ``diff`` compares, display name included) and, when ``spec.created_at`` reads it, was created no
    earlier than the Operation (by Twilio's clock, less :data:`MARGIN`). Nothing is ever created
    here, so neither a retry nor a re-run can duplicate the object.

    Args:
        spec, collection, props: the resource, where it was created, the desired inputs.
        result: the create's outcome (its completed Operation, and whether it was replayed).

    Endpoint: ``GET {collection}`` (pages of 1000).

    Raises:
        ObjectGoneError: the Operation was a replayed earlier create and no such object exists any
            more (deleted since): the create must be sent under the next Idempotency-Key.
        UnexpectedResponseError: no such object after a fresh Operation.
        TwilioError: several objects could be the one: the message names them and says how to
            adopt the right one with ``existing_id``.
    """
    operation = result.operation
    operation_id = operation.operation_id if operation else "?"
    since = (iso_time(operation.created_at) if operation else None) or 0.0
    created_at = spec.created_at
    found = [
        item
        for item in collection.list(page_size=MAX_PAGE_SIZE)
        if identical(spec, item, props)
        and (created_at is None or (iso_time(created_at(collection.client, item)) or since) >= since - MARGIN)
    ]
    write = f"POST {spec.endpoint.path}: Operation {operation_id} completed without naming the new {spec.title}'s id"
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        ids = ", ".join(str(item.get("id")) for item in found)
        raise TwilioError(
            f"{write}, and {len(found)} {spec.title}s with these inputs exist ({ids}): adopt the one this "
            f'resource made with existing_id="<id>" (and delete the others, or give them another '
            "display_name), then run `pulumi up`"
        )
    if result.replayed:
        raise ObjectGoneError("", f"{write}, and no {spec.title} with these inputs exists any more")
    raise UnexpectedResponseError(
        f"{write}, and no {spec.title} with these inputs was listed since {iso(since)}: run `pulumi up` "
        "again (it resumes the same Operation and looks again)"
    )


def identical(spec: ResourceSpec, item: dict[str, Any], props: dict[str, Any]) -> bool:
    """Whether an object (wire shape) has exactly the inputs in ``props`` (canonical forms). The
    inputs Twilio's answer cannot hold are taken as in ``props``: the parent (the object was listed
    or fetched inside it) and the provider's ``extra_inputs`` (a knowledge file's path and digest)."""
    remote = parse_response(spec.response_model, item, method="GET", path=spec.endpoint.path).to_python()
    for implied in (spec.parent, *spec.extra_inputs):
        if implied:
            remote[implied] = props.get(implied)
    return not spec.changed_fields(remote, props)


def created_meanwhile(
    spec: ResourceSpec,
    objects: Iterable[dict[str, Any]],
    before: AbstractSet[str],
    props: dict[str, Any],
    own: set[str],
) -> list[dict[str, Any]]:
    """The objects (wire shape) with the desired inputs that appeared since the listing ``before``
    (ids), other than those this deployment made: what a create whose answer was lost made."""
    return [
        o
        for o in objects
        if o.get("id") not in before and o.get("id") not in own and spec.owned(o) and identical(spec, o, props)
    ]


class _NotDone(Exception):
    """A write that failed and is verified to have changed nothing: safe to send again."""

    def __init__(self, failure: TwilioError) -> None:
        super().__init__(str(failure))
        self.failure = failure


def retry_verified(
    client: TwilioClient,
    send: Callable[[], T],
    verify: Callable[[TwilioError], T | None],
    give_up: Callable[[TwilioError, int], TwilioError],
) -> T:
    """Send a write without an Idempotency-Key; when it fails in a way that may have acted
    (:func:`may_have_acted`), ``verify`` reads Twilio's state: its answer stands for the write's
    result when the write took effect; ``None`` proves that nothing changed, so the write is sent
    again, at most ``client.settings.max_retries`` more times, with the REST layer's backoff (0.5 s,
    1 s, 2 s, ... up to 20 s, plus jitter).

    Raises:
        TwilioError: what ``send`` raised when it cannot have acted; what ``verify`` raises; or
            ``give_up(last failure, attempts)`` when every attempt was verified to have changed nothing.
    """

    def attempt() -> T:
        try:
            return send()
        except TwilioError as exc:
            if not may_have_acted(exc):
                raise
            done = verify(exc)
            if done is not None:
                return done
            raise _NotDone(exc) from None

    attempts = client.settings.max_retries + 1
    try:
        try:  # the first attempt without tenacity's bookkeeping: most writes need no retry
            return attempt()
        except _NotDone as exc:
            if attempts == 1:
                raise
            failed: list[_NotDone] = [exc]

        def again() -> T:
            if failed:  # tenacity's first attempt is the one that just failed: it waits, then retries
                raise failed.pop()
            return attempt()

        retrying = Retrying(
            stop=stop_after_attempt(attempts),
            wait=retry_wait,
            sleep=client.sleep,
            retry=retry_if_exception_type(_NotDone),
            reraise=True,
        )
        return retrying(again)
    except _NotDone as exc:
        raise give_up(exc.failure, attempts) from None


def advise(failure: TwilioError, advice: str) -> TwilioError:
    """``failure`` (same class and attributes) with ``advice`` at the end of its message."""
    if isinstance(failure, TwilioApiError):
        return failure.with_hint(advice)
    if isinstance(failure, TwilioConnectionError):
        return TwilioConnectionError(
            f"{failure}. {advice}",
            method=failure.method,
            path=failure.path,
            may_have_reached_twilio=failure.may_have_reached_twilio,
        )
    return TwilioError(f"{failure}. {advice}")
