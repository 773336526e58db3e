"""``check``: validate inputs at preview time, tolerating values that are not known yet.

Inputs are validated with the resource's wire model (every constraint of the OpenAPI document),
walked for keys no model declares (typos, wrong nesting; whether or not the rest validates), then
checked with the resource's own rules (:attr:`ResourceSpec.checks`). Each failure is a
``CheckFailure(property, reason)`` whose property is a Python path such as
``rules[1].triggers[0].parameters.count``. A failure located at or under a value that is still
unknown (an Output of a resource not created yet) is dropped: it is checked again at ``up``.

Online rules (:attr:`ResourceSpec.online_checks`) verify references to other Twilio objects with
:meth:`CheckContext.fetch`, which costs nothing for a reference that has not changed since the old
inputs (the last successful check verified it) and looks objects up in what the provider process
already knows (:mod:`._known`) before it sends a ``GET``. So a no-op preview or ``up`` makes no
request. ``read`` (refresh) runs the online rules again on every reference (:func:`online_findings`):
that is when DEPRECATED and RETIRED versions are noticed for references that did not change.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pulumi.dynamic import CheckFailure
from pulumi.runtime.rpc import contains_unknowns
from pydantic import ValidationError

from ..client import Collection, Endpoint
from ..errors import TwilioApiError, TwilioError
from ..models import field_errors, unknown_keys
from ._known import known_objects
from ._spec import ALLOW_DUPLICATE, EXISTING_ID, UPDATE_METHOD, UPDATE_METHODS, ResourceSpec

if TYPE_CHECKING:
    from ..client import TwilioClient

T = TypeVar("T")


@dataclass
class CheckContext:
    """What a resource-specific check rule gets; one per ``check`` call (never shared between the
    provider's threads, so its own memo needs no lock).

    Attributes:
        inputs: the inputs (Python names; ``None`` values dropped; may contain unknowns).
        client: a client for online checks (with a small retry budget), or ``None`` when no
            credentials are configured.
        olds: the old inputs (Python names), which the last successful check verified; ``{}`` on
            create and at refresh (everything is verified then).
        warnings: messages to show the user without failing (appended by the rules).
    """

    inputs: dict[str, Any]
    client: TwilioClient | None
    olds: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    _answers: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def known(self, value: Any) -> bool:
        """Whether ``value`` is fully known (no unknown Output inside)."""
        return not contains_unknowns(value)

    def unchanged(self, where: str) -> bool:
        """Whether the input value at the property path ``where`` (``rules[0].operators[1]``,
        ``memory_store_id``) is one the old inputs already had, anywhere within the same top-level
        property (so reordering rules changes nothing): the last successful check verified it."""
        segments = parse_path(where)
        value = _at(self.inputs, segments)
        if value is _MISSING or not segments or segments[0] not in self.olds:
            return False
        return _occurs(value, self.olds[segments[0]])

    def remember(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()`` once per check call and ``key``: later calls return the same answer, or raise
        the same ``TwilioError``, without a request."""
        if key in self._answers:
            answer = self._answers[key]
            if isinstance(answer, TwilioError):
                raise answer
            return answer  # type: ignore[no-any-return]
        try:
            answer = compute()
        except TwilioError as exc:
            self._answers[key] = exc
            raise
        self._answers[key] = answer
        return answer

    def lookup(self, key: Hashable, compute: Callable[[TwilioClient], T]) -> T:
        """``compute(client)`` at most once per provider process and ``key`` (a tuple naming what is
        computed, e.g. ``("lifecycle", operator_id, version)``), shared by every resource type.

        Raises:
            TwilioError: what ``compute`` raises (not remembered across check calls);
                ``TwilioError`` without a client.
        """
        client = self.client
        if client is None:
            raise TwilioError("no client for online checks")
        return self.remember(key, lambda: known_objects(client).lookup(key, lambda: compute(client)))

    def fetch(self, endpoint: Endpoint, id_: str, *, where: str) -> dict[str, Any] | None:
        """The object ``GET {endpoint}/{id}`` answers (wire shape), to verify the input at ``where``.

        ``None`` when that input is :meth:`unchanged` since the old inputs: there is nothing to
        verify. Otherwise the object as the provider process knows it (written or read by it, or
        fetched by an earlier check), else one ``GET``.

        Raises:
            TwilioError: as :meth:`Collection.fetch` (``TwilioApiError.not_found`` for 404);
                ``TwilioError`` without a client.
        """
        if self.unchanged(where):
            return None
        client = self.client
        if client is None:
            raise TwilioError("no client for online checks")
        collection = Collection(client, endpoint)
        url = collection.item_url(id_)
        return self.remember(url, lambda: known_objects(client).lookup(url, lambda: collection.fetch(id_)))


_MISSING = object()
_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(where: str) -> list[str | int]:
    """``"rules[0].operators[1]"`` -> ``["rules", 0, "operators", 1]``."""
    return [int(index) if index else name for name, index in _SEGMENT.findall(where)]


def _at(data: Any, segments: Sequence[str | int]) -> Any:
    for segment in segments:
        in_dict = isinstance(data, dict) and isinstance(segment, str) and segment in data
        in_list = isinstance(data, list) and isinstance(segment, int) and 0 <= segment < len(data)
        if not (in_dict or in_list):
            return _MISSING
        data = data[segment]
    return data


def _occurs(value: Any, within: Any) -> bool:
    """Whether ``value`` equals ``within`` or a value nested anywhere inside it."""
    if within == value:
        return True
    if isinstance(within, dict):
        return any(_occurs(value, v) for v in within.values())
    if isinstance(within, list):
        return any(_occurs(value, v) for v in within)
    return False


#: pydantic error types about a list or map itself (its length, its being a list or map): known as
#: soon as the container is, even while its items are not (six rules whose operators are outputs of
#: resources still to be created are six rules).
SHAPE_ERRORS = frozenset({"too_long", "too_short", "list_type", "dict_type"})


def _under_unknown(data: Any, segments: Sequence[int | str], kind: str = "") -> bool:
    """Whether an error of type ``kind`` at ``segments`` depends on a value not known yet: the value
    there, or one on the way to it, is unknown, or it is a container with unknowns inside and the
    error is not about the container's shape (:data:`SHAPE_ERRORS`)."""
    current = data
    for segment in segments:
        if contains_unknowns(current) and not isinstance(current, (dict, list)):
            return True
        in_dict = isinstance(current, dict) and isinstance(segment, str) and segment in current
        in_list = isinstance(current, list) and isinstance(segment, int) and segment < len(current)
        if in_dict or in_list:
            current = current[segment]
        else:
            return False
    if isinstance(current, (dict, list)) and kind in SHAPE_ERRORS:
        return False
    return contains_unknowns(current)


def validate_inputs(
    spec: ResourceSpec, inputs: dict[str, Any], client: TwilioClient | None, olds: dict[str, Any] | None = None
) -> tuple[list[CheckFailure], list[str]]:
    """All check failures and warnings for ``inputs`` of a resource described by ``spec``; online
    rules verify only what changed since ``olds`` (the old inputs, Python names)."""
    failures: list[CheckFailure] = []
    model = spec.create_model
    fields = _fields(spec, inputs)
    if spec.parent:
        failures += _parent_failures(spec, fields.get(spec.parent))
    sent = {k: v for k, v in fields.items() if k in spec.model_types}
    try:
        model.from_python(sent)
    except ValidationError as exc:
        for error in field_errors(model, exc, python=True):
            if _under_unknown(sent, error.segments, error.kind):
                continue
            path = error.path or "inputs"
            if error.problems:  # one failure per place inside the value: output_schema.properties.a.minLength
                failures += [CheckFailure(f"{path}.{where}" if where else path, why) for where, why in error.problems]
            else:
                failures.append(CheckFailure(path, error.reason))
    for path in unknown_keys(model, sent):
        failures.append(CheckFailure(path, "is not a property of this object; check the spelling and nesting"))
    existing = inputs.get(EXISTING_ID)
    known_existing = existing is not None and not contains_unknowns(existing)
    if known_existing and spec.id_pattern and not (isinstance(existing, str) and re.match(spec.id_pattern, existing)):
        failures.append(CheckFailure(EXISTING_ID, f"must be an id of an existing {spec.title} ({spec.id_pattern})"))
    allow = inputs.get(ALLOW_DUPLICATE)
    if allow is not None and not contains_unknowns(allow) and not isinstance(allow, bool):
        failures.append(CheckFailure(ALLOW_DUPLICATE, f"must be true or false, got {allow!r}"))
    method = inputs.get(UPDATE_METHOD)
    if method is not None and not contains_unknowns(method):
        if not spec.replace_unless_in_place:
            failures.append(CheckFailure(UPDATE_METHOD, f"is not an input of {spec.title}"))
        elif method not in UPDATE_METHODS:
            failures.append(CheckFailure(UPDATE_METHOD, f"must be one of {', '.join(map(repr, UPDATE_METHODS))}"))
    ctx = CheckContext(fields, client, _fields(spec, olds or {}))
    for rule in (*spec.checks, *spec.online_checks):
        failures.extend(rule(ctx))
    return _dedupe(failures), ctx.warnings


def online_findings(spec: ResourceSpec, inputs: dict[str, Any], client: TwilioClient | None) -> list[str]:
    """What the online rules find about ``inputs`` when every reference is verified again (at
    ``read``, i.e. refresh): their failures (``"property: reason"``) and warnings, as messages."""
    if client is None or not spec.online_checks:
        return []
    ctx = CheckContext(_fields(spec, inputs), client)
    failures: list[CheckFailure] = []
    for rule in spec.online_checks:
        failures.extend(rule(ctx))
    return [f"{f.property}: {f.reason}" for f in _dedupe(failures)] + ctx.warnings


def _fields(spec: ResourceSpec, inputs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in inputs.items() if k in spec.input_fields and v is not None}


def _parent_failures(spec: ResourceSpec, parent: Any) -> list[CheckFailure]:
    """The parent's id is given and has the documented pattern (when known)."""
    name = str(spec.parent)
    if parent is None:
        return [CheckFailure(name, "is required")]
    if contains_unknowns(parent) or spec.parent_pattern is None:
        return []
    if not isinstance(parent, str) or not re.match(spec.parent_pattern, parent):
        return [CheckFailure(name, f"must be the id of a {spec.parent_title} ({spec.parent_pattern})")]
    return []


def reference_check(
    field_name: str,
    endpoint: Endpoint,
    title: str,
    *,
    statuses: frozenset[str] | None = None,
    pattern: str | None = None,
) -> Callable[[CheckContext], list[CheckFailure]]:
    """An online check rule (for :attr:`ResourceSpec.online_checks`): the input ``field_name`` names
    an existing ``title`` of this account and, with ``statuses``, one whose ``status`` is among them.

    Online, with the check client, when the id is known (an id that is an output of the same stack is
    checked at ``up``), matches ``pattern`` and changed since the old inputs: ``GET {endpoint}/{id}``
    unless the provider process already knows the object (:meth:`CheckContext.fetch`). A 404 fails
    naming the property; Twilio out of reach gives a warning.
    """

    def check(ctx: CheckContext) -> list[CheckFailure]:
        ref = ctx.inputs.get(field_name)
        if ctx.client is None or not isinstance(ref, str) or not ctx.known(ref):
            return []
        if pattern is not None and not re.match(pattern, ref):
            return []  # the model's pattern check names it
        try:
            found = ctx.fetch(endpoint, ref, where=field_name)
        except TwilioApiError as exc:
            if exc.not_found:
                return [CheckFailure(field_name, f"no {title} {ref} exists in this account")]
            ctx.warnings.append(f"could not verify {field_name}: {exc}")
            return []
        except TwilioError as exc:
            ctx.warnings.append(f"could not verify {field_name}: {exc}")
            return []
        if found is None:
            return []  # unchanged since the last successful check
        status = found.get("status")
        if statuses is not None and status not in statuses:
            wanted = " or ".join(sorted(statuses))
            return [CheckFailure(field_name, f"the {title} {ref} is {status}, not {wanted}")]
        return []

    check.__name__ = f"check_{field_name}_exists"
    check.__doc__ = f"``{field_name}`` names an existing {title} (online, ``GET {endpoint.path}/{{id}}``)."
    return check


def _dedupe(failures: list[CheckFailure]) -> list[CheckFailure]:
    seen: set[tuple[str, str]] = set()
    out = []
    for failure in failures:
        key = (failure.property, failure.reason)
        if key not in seen:
            seen.add(key)
            out.append(failure)
    return out


def warn(message: str) -> None:
    """Show ``message`` to the user as a warning (the engine reports provider stderr lines)."""
    print(f"warning: {message}", file=sys.stderr, flush=True)
