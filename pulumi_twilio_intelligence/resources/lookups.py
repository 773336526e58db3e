"""Read-only lookups for Pulumi programs: ``get_operator`` and ``get_operator_version``, and their
``_output`` forms (``get_operator_output``), which take ``pulumi.Input`` values and return a
``pulumi.Output``, as Pulumi's invoke convention has it.

They run in the program process (dynamic providers cannot serve invokes), with the same settings as
the provider: stack config ``twilio:*`` first, then ``TWILIO_*`` environment variables. The plain
forms return plain values, known at preview time; the ``_output`` forms are known at preview when
their inputs are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from ..client import (
    MAX_PAGE_SIZE,
    OPERATORS,
    Collection,
    TwilioClient,
    operator_version_lifecycle,
    operator_versions,
    parse_response,
)
from ..config import Settings
from ..errors import TwilioError
from ..models import LanguageOperator, LanguageOperatorVersion

#: Items per page when ``get_operator`` searches the list.
PAGE_SIZE = MAX_PAGE_SIZE


class _StackConfig:
    """Reads ``namespace:key`` from the running program's stack config (secrets in plain text)."""

    def get(self, key: str) -> Any:
        namespace, _, name = key.partition(":")
        try:
            return pulumi.Config(namespace).get(name)
        except Exception:  # outside a Pulumi program there is no config
            return None


def _client(settings: Settings | None) -> TwilioClient:
    return TwilioClient(settings or Settings.load(_StackConfig()))


@dataclass(frozen=True)
class GetOperatorResult:
    """A Language Operator as a lookup returns it (Python names; ``id`` is the TTID)."""

    id: str
    display_name: str
    author: str
    version: int
    output_format: str | None = None
    description: str | None = None
    output_schema: dict[str, Any] | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] | None = None


@dataclass(frozen=True)
class GetOperatorVersionResult(GetOperatorResult):
    """One version of an operator, with its lifecycle: ``status`` (PREVIEW, ACTIVE, DEPRECATED or
    RETIRED) and the dates (ISO-8601) that go with it."""

    status: str = "ACTIVE"
    date_created: str | None = None
    date_deprecated: str | None = None
    retirement_date: str | None = None
    date_retired: str | None = None


def _operator_result(data: dict[str, Any], cls: type[GetOperatorResult] = GetOperatorResult, **extra: Any) -> Any:
    fields = parse_response(LanguageOperator, data, method="GET", path=OPERATORS.path).to_python()
    known = {k: fields[k] for k in ("output_format", "description", "output_schema", "context") if k in fields}
    return cls(
        id=fields["id"],
        display_name=fields.get("display_name", ""),
        author=fields.get("author", "SELF"),
        version=fields.get("version", 1),
        parameters=fields.get("parameters") or {},
        **known,
        **extra,
    )


def get_operator(
    display_name: str | None = None,
    author: str | None = None,
    *,
    id: str | None = None,
    settings: Settings | None = None,
) -> GetOperatorResult:
    """Find one Language Operator by id, or by display name and author (``SELF`` or ``TWILIO``).

    Endpoint: ``GET /v3/ControlPlane/Operators[/{id}]`` (every page is read when searching).

    Raises:
        TwilioError: no operator matches, or several do (the message lists what to pass).
        TwilioApiError: the API refused the request.
    """
    client = _client(settings)
    operators = Collection(client, OPERATORS)
    try:
        if id is not None:
            return _operator_result(operators.fetch(id))  # type: ignore[no-any-return]
        matches = [
            op
            for op in operators.list(page_size=PAGE_SIZE)
            if (display_name is None or op.get("displayName") == display_name)
            and (author is None or op.get("author") == author)
        ]
    finally:
        client.close()
    criteria = {"display_name": display_name, "author": author}
    wanted = ", ".join(f"{k}={v!r}" for k, v in criteria.items() if v is not None) or "anything"
    if not matches:
        raise TwilioError(f"get_operator: no Language Operator matches {wanted}")
    if len(matches) > 1:
        ids = ", ".join(op["id"] for op in matches)
        raise TwilioError(f"get_operator: {len(matches)} operators match {wanted} ({ids}); pass author= or id=")
    return _operator_result(matches[0])  # type: ignore[no-any-return]


def get_operator_version(id: str, version: int, *, settings: Settings | None = None) -> GetOperatorVersionResult:
    """One version of a Language Operator, with its status (e.g. to refuse RETIRED pins early).

    Endpoints: ``GET /v3/ControlPlane/Operators/{id}/Versions/{version}`` (the operator at that
    version and its status), then, for a DEPRECATED or RETIRED version, ``GET .../Versions`` (the
    only place Twilio documents the deprecation and retirement dates).

    Raises:
        TwilioApiError: 404 when the operator or the version does not exist.
    """
    client = _client(settings)
    endpoint = operator_versions(id)
    try:
        data = Collection(client, endpoint).fetch(str(version))
        model = parse_response(LanguageOperatorVersion, data, method="GET", path=endpoint.path).to_python()
        lifecycle = {"date_created": model["date_created"]}
        if model["status"] in ("DEPRECATED", "RETIRED"):
            lifecycle.update(operator_version_lifecycle(client, id, version))
    finally:
        client.close()
    dates = {k: lifecycle.get(k) for k in ("date_created", "date_deprecated", "retirement_date", "date_retired")}
    result: GetOperatorVersionResult = _operator_result(
        {**data, "id": data.get("id", id), "version": data.get("version", version)},
        GetOperatorVersionResult,
        status=model["status"],
        **dates,
    )
    return result


def get_operator_output(
    display_name: pulumi.Input[str | None] = None,
    author: pulumi.Input[str | None] = None,
    *,
    id: pulumi.Input[str | None] = None,
    settings: Settings | None = None,
) -> pulumi.Output[GetOperatorResult]:
    """:func:`get_operator` for ``pulumi.Input`` values (an Output of another resource, say):
    ``get_operator_output(display_name=config.require("operator")).id``.

    The lookup runs once every input is known (at preview too, when they are); the result is secret
    when an input is.

    Returns:
        ``pulumi.Output[GetOperatorResult]``; its attributes are Outputs too (``.id``, ``.version``).

    Raises (when the Output resolves, failing the update):
        TwilioError: no operator matches, or several do. TwilioApiError: the API refused the request.
    """
    return pulumi.Output.all(display_name, author, id).apply(
        lambda values: get_operator(values[0], values[1], id=values[2], settings=settings)
    )


def get_operator_version_output(
    id: pulumi.Input[str], version: pulumi.Input[int], *, settings: Settings | None = None
) -> pulumi.Output[GetOperatorVersionResult]:
    """:func:`get_operator_version` for ``pulumi.Input`` values: one version of an operator with its
    status, once ``id`` and ``version`` are known (``get_operator_version_output(op.id, op.version).status``).

    Raises (when the Output resolves): TwilioApiError: 404 when the operator or the version does not exist.
    """
    return pulumi.Output.all(id, version).apply(
        lambda values: get_operator_version(values[0], int(values[1]), settings=settings)
    )
