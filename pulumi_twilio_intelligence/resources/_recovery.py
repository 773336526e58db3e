"""Crash safety of synchronous creates (Operators, Intelligence Configurations).

Their ``POST`` carries no Idempotency-Key (Twilio documents none for them), so when its answer is
lost (a read timeout, a dropped connection, a 5xx), Twilio may have created the object without the
provider learning its id: the state would not record it and the next ``pulumi up`` would make a
duplicate. So, after such a failure, the provider looks for the object, conservatively: it adopts
it only when exactly one object of the account

* has the desired inputs (the same canonical form ``diff`` compares),
* is still as created (``version`` 1), and
* was created since the request was sent, by Twilio's clock (``dateCreated``; for an operator, its
  version 1's), read against the ``Date`` of Twilio's latest answer, so local clock skew does not
  matter (a margin of :data:`MARGIN` seconds covers the resolution of ``Date``).

Otherwise it raises the original error with what to do: run ``pulumi up`` again when nothing was
created, or adopt the right object with ``existing_id`` when several were.
"""

from __future__ import annotations

from typing import Any

from ..client import MAX_PAGE_SIZE, Collection, WriteResult, iso, iso_time, parse_response
from ..errors import (
    ObjectGoneError,
    OperationFailedError,
    TwilioApiError,
    TwilioConnectionError,
    TwilioError,
    UnexpectedResponseError,
)
from ._check import warn
from ._spec import RESOURCE_IDENTITY, ResourceSpec

#: Seconds before our request that an object's creation date may show (``Date`` has whole seconds).
MARGIN = 10.0


def may_have_acted(exc: TwilioError) -> bool:
    """Whether Twilio may have carried out a request that failed with ``exc``: an answer lost on the
    way back, or a 5xx; never a 4xx, a 429 (answered before acting) or a connection never made."""
    if isinstance(exc, TwilioConnectionError):
        return exc.may_have_reached_twilio
    return isinstance(exc, TwilioApiError) and not isinstance(exc, OperationFailedError) and exc.status >= 500


def recover_create(
    spec: ResourceSpec, collection: Collection, props: dict[str, Any], sent: float, failure: TwilioError
) -> dict[str, Any]:
    """The object (wire shape) that a create which failed with ``failure`` made, if it can be told apart.

    Args:
        spec: the resource (its ``created_at`` says when an object was created).
        collection: where it was created.
        props: the desired inputs (Python names), with the resource's identity.
        sent: when the ``POST`` was sent, on ``collection.client.clock``.
        failure: what the create raised (:func:`may_have_acted` is true of it).

    Endpoints: ``GET {collection}`` (pages of 1000) and, per identical candidate, what
    ``spec.created_at`` reads (an operator's ``GET .../Versions/1``).

    Raises:
        TwilioError: ``failure``, with what to do, when no object or several could be the one.
    """
    created_at = spec.created_at
    if created_at is None:
        raise failure
    client = collection.client
    try:
        candidates = [item for item in collection.list(page_size=MAX_PAGE_SIZE) if _identical(spec, item, props)]
        since = client.server_now() - (client.clock() - sent) - MARGIN
        fresh = [item for item in candidates if (iso_time(created_at(client, item)) or 0.0) >= since]
    except TwilioError as exc:
        raise _advise(
            failure,
            f"The {spec.title} may have been created all the same, and looking for it failed ({exc}): "
            f'look for it in the account and adopt it with existing_id="<id>", or run `pulumi up` again '
            "if there is none",
        ) from None
    if len(fresh) == 1:
        found: dict[str, Any] = fresh[0]
        who = props.get(RESOURCE_IDENTITY) or spec.type_name
        warn(f"{who}: {failure}; Twilio had created it all the same: adopted {spec.title} {found.get('id')}")
        return found
    if not fresh:
        raise _advise(
            failure,
            f"No {spec.title} with these inputs was created since {iso(since)}, so Twilio did not create "
            "it: run `pulumi up` again",
        ) from None
    ids = ", ".join(str(item.get("id")) for item in fresh)
    raise _advise(
        failure,
        f"The create may have succeeded: {len(fresh)} {spec.title}s with these inputs were created since "
        f'{iso(since)} ({ids}). Adopt the one this resource made with existing_id="<id>" (and delete the '
        "others), then run `pulumi up`",
    ) from None


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
        spec, collection, props: as for :func:`recover_create`.
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
        if _identical(spec, item, props)
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


def _identical(spec: ResourceSpec, item: dict[str, Any], props: dict[str, Any]) -> bool:
    remote = parse_response(spec.response_model, item, method="GET", path=spec.endpoint.path).to_python()
    return not spec.changed_fields(remote, props)


def _advise(failure: TwilioError, advice: str) -> TwilioError:
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
