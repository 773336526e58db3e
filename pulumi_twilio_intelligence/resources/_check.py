"""``check``: validate inputs at preview time, tolerating values that are not known yet.

Inputs are validated with the resource's wire model (every constraint of the OpenAPI document),
walked for keys no model declares (typos, wrong nesting; whether or not the rest validates), then
checked with the resource's own rules (:attr:`ResourceSpec.checks`). Each failure is a
``CheckFailure(property, reason)`` whose property is a Python path such as
``rules[1].triggers[0].parameters.count``. A failure located at or under a value that is still
unknown (an Output of a resource not created yet) is dropped: it is checked again at ``up``.
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
from ._spec import ALLOW_DUPLICATE, EXISTING_ID, UPDATE_METHOD, UPDATE_METHODS, ResourceSpec

if TYPE_CHECKING:
    from ..client import TwilioClient

T = TypeVar("T")


@dataclass
class CheckContext:
    """What a resource-specific check rule gets; one per ``check`` call (never shared between the
    provider's threads, so its cache needs no lock).

    Attributes:
        inputs: the inputs (Python names; ``None`` values dropped; may contain unknowns).
        client: a client for online checks (with a small retry budget), or ``None`` when no
            credentials are configured.
        warnings: messages to show the user without failing (appended by the rules).
    """

    inputs: dict[str, Any]
    client: TwilioClient | None
    warnings: list[str] = field(default_factory=list)
    _answers: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def known(self, value: Any) -> bool:
        """Whether ``value`` is fully known (no unknown Output inside)."""
        return not contains_unknowns(value)

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

    def fetch(self, endpoint: Endpoint, id_: str) -> dict[str, Any]:
        """``GET {endpoint}/{id}`` (wire shape), at most once per check call.

        Raises:
            TwilioError: as :meth:`Collection.fetch` (``TwilioApiError.not_found`` for 404);
                ``ConfigurationError`` without a client.
        """
        client = self.client
        if client is None:
            raise TwilioError("no client for online checks")
        return self.remember(("fetch", endpoint.path, id_), lambda: Collection(client, endpoint).fetch(id_))


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
    spec: ResourceSpec, inputs: dict[str, Any], client: TwilioClient | None
) -> tuple[list[CheckFailure], list[str]]:
    """All check failures and warnings for ``inputs`` of a resource described by ``spec``."""
    failures: list[CheckFailure] = []
    model = spec.create_model
    fields = {k: v for k, v in inputs.items() if k in spec.input_fields and v is not None}
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
    ctx = CheckContext(fields, client)
    for rule in spec.checks:
        failures.extend(rule(ctx))
    return _dedupe(failures), ctx.warnings


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
    """A check rule (for :attr:`ResourceSpec.checks`): the input ``field_name`` names an existing
    ``title`` of this account and, with ``statuses``, one whose ``status`` is among them.

    Online, with the check client, when the id is known (an id that is an output of the same stack is
    checked at ``up``) and matches ``pattern``: ``GET {endpoint}/{id}`` once per check call. A 404
    fails naming the property; Twilio out of reach gives a warning.
    """

    def check(ctx: CheckContext) -> list[CheckFailure]:
        ref = ctx.inputs.get(field_name)
        if ctx.client is None or not isinstance(ref, str) or not ctx.known(ref):
            return []
        if pattern is not None and not re.match(pattern, ref):
            return []  # the model's pattern check names it
        try:
            found = ctx.fetch(endpoint, ref)
        except TwilioApiError as exc:
            if exc.not_found:
                return [CheckFailure(field_name, f"no {title} {ref} exists in this account")]
            ctx.warnings.append(f"could not verify {field_name}: {exc}")
            return []
        except TwilioError as exc:
            ctx.warnings.append(f"could not verify {field_name}: {exc}")
            return []
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
