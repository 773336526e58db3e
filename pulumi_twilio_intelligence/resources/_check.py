"""``check``: validate inputs at preview time, tolerating values that are not known yet.

Inputs are validated with the resource's wire model (every constraint of the OpenAPI document),
then with the resource's own rules (:attr:`ResourceSpec.checks`). Each failure is a
``CheckFailure(property, reason)`` whose property is a Python path such as
``rules[1].triggers[0].parameters.count``. A failure located at or under a value that is still
unknown (an Output of a resource not created yet) is dropped: it is checked again at ``up``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CheckFailure
from pulumi.runtime.rpc import contains_unknowns
from pydantic import BaseModel, ValidationError

from ..models import WireModel, python_path, unknown_fields
from ..models.operator import OUTPUT_SCHEMA_ERROR
from ._spec import EXISTING_ID, ResourceSpec

if TYPE_CHECKING:
    from ..client import TwilioClient


@dataclass
class CheckContext:
    """What a resource-specific check rule gets.

    Attributes:
        spec: the resource's spec.
        inputs: the inputs (Python names; ``None`` values dropped; may contain unknowns).
        client: a client for online checks, or ``None`` when no credentials are configured.
        warnings: messages to show the user without failing (appended by the rules).
    """

    spec: ResourceSpec
    inputs: dict[str, Any]
    client: TwilioClient | None
    warnings: list[str] = field(default_factory=list)

    def known(self, value: Any) -> bool:
        """Whether ``value`` is fully known (no unknown Output inside)."""
        return not contains_unknowns(value)


def python_segments(model: type[WireModel], loc: Sequence[int | str]) -> list[int | str]:
    """The Python path segments of a pydantic ``loc`` (see :func:`python_path`)."""
    path = python_path(model, loc)
    segments: list[int | str] = []
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        segments.append(int(part[1:-1]) if part.startswith("[") else part)
    return segments


def _under_unknown(data: Any, segments: Sequence[int | str]) -> bool:
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
    return contains_unknowns(current)


def validate_inputs(
    spec: ResourceSpec, inputs: dict[str, Any], client: TwilioClient | None
) -> tuple[list[CheckFailure], list[str]]:
    """All check failures and warnings for ``inputs`` of a resource described by ``spec``."""
    failures: list[CheckFailure] = []
    model = spec.create_model
    fields = {k: v for k, v in inputs.items() if k in spec.input_fields and v is not None}
    parsed: BaseModel | None = None
    try:
        parsed = model.from_python(fields)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            segments = python_segments(model, err["loc"])
            if _under_unknown(fields, segments):
                continue
            path = python_path(model, err["loc"]) or "inputs"
            problems = (err.get("ctx") or {}).get("problems") if err["type"] == OUTPUT_SCHEMA_ERROR else None
            if problems:  # one failure per place in the JSON Schema, e.g. output_schema.properties.a.minLength
                failures.extend(CheckFailure(f"{path}.{where}" if where else path, why) for where, why in problems)
                continue
            reason = "is required" if err["type"] == "missing" else err["msg"].removeprefix("Value error, ")
            failures.append(CheckFailure(path, reason))
    if parsed is not None:
        for path in unknown_fields(parsed):
            failures.append(CheckFailure(path, "is not a property of this object; check the spelling and nesting"))
    existing = inputs.get(EXISTING_ID)
    known_existing = existing is not None and not contains_unknowns(existing)
    if known_existing and spec.id_pattern and not (isinstance(existing, str) and re.match(spec.id_pattern, existing)):
        failures.append(CheckFailure(EXISTING_ID, f"must be an id of an existing {spec.title} ({spec.id_pattern})"))
    ctx = CheckContext(spec, fields, client)
    for rule in spec.checks:
        failures.extend(rule(ctx))
    return _dedupe(failures), ctx.warnings


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
