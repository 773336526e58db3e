"""Per-resource specifics as data, and the canonical form that ``diff`` compares.

A :class:`ResourceSpec` says where a resource lives, which wire models validate and render it, which
of its fields are inputs and outputs, how Twilio normalises what it stores, and which extra checks
apply. The generic provider (:mod:`._provider`) does the rest.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pulumi.runtime.rpc import contains_unknowns
from pydantic import TypeAdapter, ValidationError

from ..client import Endpoint, Readiness
from ..models import WireModel, prune_empty, python_name, with_server_defaults
from ..models._base import NULL_AS_ABSENT

if TYPE_CHECKING:
    from pulumi.dynamic import CheckFailure

    from ..client import TwilioClient
    from ._check import CheckContext

#: Inputs only the provider uses (never sent to Twilio, never compared by ``diff``).
EXISTING_ID = "existing_id"
#: ``True`` lets a create make an object whose display name another object of its type already has.
ALLOW_DUPLICATE = "allow_duplicate_display_name"
#: The resource's identity, ``"project/stack/type/name"``, set by the resource class: it seeds the
#: Idempotency-Keys and names the resource in warnings. (The key is ``__name`` for the states
#: written so far.)
RESOURCE_IDENTITY = "__name"
#: How a change of a field in :attr:`ResourceSpec.replace_unless_in_place` is applied: ``"replace"``
#: (the default: a new object, then the old one deleted) or ``"in_place"`` (``PUT``).
UPDATE_METHOD = "update_method"
UPDATE_METHODS = ("replace", "in_place")
#: Outputs only the provider writes.
OPERATION_ID = "operation_id"
PROVIDER_INPUTS = (EXISTING_ID, ALLOW_DUPLICATE, RESOURCE_IDENTITY, UPDATE_METHOD)


def version_one(item: Mapping[str, Any]) -> bool:
    """Whether an object (wire shape) is still as created: Twilio's ``version`` starts at 1 and grows
    with every update."""
    return item.get("version") == 1


class _Unknown:
    """A value not known yet (preview): never equal to anything, not even itself."""

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class ResourceSpec:
    """Everything that differs between the resources.

    Attributes:
        type_name: the Pulumi type name (``pulumi-python:dynamic/twilio:<type_name>``).
        title: how messages name the resource (``Intelligence Configuration``).
        endpoint: the Twilio collection.
        create_model, update_model: wire models of the create and update bodies; ``create_model``
            also validates the inputs at ``check``.
        response_model: the wire model of Twilio's answers (read leniently).
        server_fields: output-only fields Twilio returns (``version``, ``date_created``...).
        id_pattern: the pattern of ids (for ``existing_id``), if Twilio documents one.
        if_match: send ``If-Match: <version>`` on updates (Operators).
        normalise: Twilio's normalisations of a canonical input dict (Python names) beyond the
            server-side defaults the models declare (those are applied by :meth:`canonical`).
        update_body: builds the update body from the desired wire body and the current object
            (keeps rule ids); by default the desired body as it is.
        update_defaults: inputs sent on update when the user set none (fields PUT requires).
        checks: extra ``check`` rules beyond the wire model (cross-field), run by every ``check``.
        online_checks: rules that verify references to other Twilio objects with
            :meth:`CheckContext.fetch` (which skips references unchanged since the old inputs), run
            by ``check`` and again by ``read`` (refresh) on every reference.
        also_answers: for the object as Twilio returns it (wire shape), the other ``(endpoint,
            id)`` whose ``GET`` it answers too (an operator at its version: ``.../Versions/{v}``),
            so that online checks in the same process need not fetch them.
        created_at: when Twilio created an object (ISO-8601), if it is still as created, else
            ``None``: an asynchronous create whose Operation named no id (C4) adopts only an object
            created since the Operation (see :func:`._recovery.find_created`).
        parent: the input naming the object the collection lives in (``memory_store_id``): its value
            fills ``{parent}`` in the endpoint's path, it is an input and an output, and a change of
            it needs a new object. The Pulumi id is then ``"{parent}/{key}"``.
        parent_pattern: the pattern of the parent's id; parent_title: what the parent is.
        parent_endpoint: where the parent lives (its existence is checked online at preview).
        key_field: the input whose value is the object's key in its collection, known before the
            create (a trait group's ``display_name``); a change of it needs a new object.
        singleton: one object per parent at the collection's own URL (a store's Identity Resolution
            Settings); the Pulumi id is the parent's id.
        key_output: the output that holds the object's own id when the Pulumi id is composite
            (``knowledge_id``).
        create_method: ``POST`` to the collection, or ``PUT`` for a singleton (with If-Match).
        update_method: ``PUT`` (a full replacement) or ``PATCH`` (a partial update).
        etag: ``If-Match`` sends the ``ETag`` of a fresh ``GET`` (opaque ETags: Memory v1, Knowledge
            v2), after checking that the object's ``version`` is still the one in the state.
        deletable: ``False``: ``delete`` leaves the object as it is (a singleton Twilio keeps).
        replace_on: input paths (``source.type``) whose change needs a new object, beyond ``parent``
            and ``key_field``.
        ready: after a create or an update, wait until the object is ready (ACTIVE, COMPLETED).
        replace_unless_in_place: inputs whose change replaces the object unless the resource's
            ``update_method`` input is ``"in_place"`` (then they are updated in place).
        delete_before_replace: a replacement deletes the old object first (a per-account limit
            would refuse the new one while the old one exists); otherwise the new one is created
            first and the old one deleted after the dependents were updated.
        display_name: the input (Python name) that names objects of this type for people; a create
            looks for objects with the same value first (crash safety, see :mod:`._recovery`).
            ``None``: the type has no such name (no lookup before a create).
        pristine: whether an object (wire shape) is still as created, so that it may be the lost
            create of this resource (default: ``version`` 1).
        owned: whether an object (wire shape) is one users create; others (Twilio-authored
            operators) are never adopted and never count as a duplicate.
    """

    type_name: str
    title: str
    endpoint: Endpoint
    create_model: type[WireModel]
    update_model: type[WireModel]
    response_model: type[WireModel]
    server_fields: tuple[str, ...]
    id_pattern: str | None = None
    if_match: bool = False
    normalise: Callable[[dict[str, Any]], dict[str, Any]] = lambda fields: fields
    update_body: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]] | None = None
    update_defaults: Mapping[str, Any] = field(default_factory=dict)
    checks: tuple[Callable[[CheckContext], list[CheckFailure]], ...] = ()
    online_checks: tuple[Callable[[CheckContext], list[CheckFailure]], ...] = ()
    also_answers: Callable[[dict[str, Any]], list[tuple[Endpoint, str]]] = lambda _resource: []
    created_at: Callable[[TwilioClient, dict[str, Any]], str | None] | None = None
    parent: str | None = None
    parent_pattern: str | None = None
    parent_title: str = ""
    parent_endpoint: Endpoint | None = None
    key_field: str | None = None
    singleton: bool = False
    key_output: str | None = None
    create_method: str = "POST"
    update_method: str = "PUT"
    etag: bool = False
    deletable: bool = True
    replace_on: tuple[str, ...] = ()
    ready: Readiness | None = None
    replace_unless_in_place: tuple[str, ...] = ()
    delete_before_replace: bool = False

    display_name: str | None = "display_name"
    pristine: Callable[[Mapping[str, Any]], bool] = version_one
    owned: Callable[[Mapping[str, Any]], bool] = lambda _item: True

    @functools.cached_property
    def model_types(self) -> dict[str, Any]:
        """Python names of the inputs sent to Twilio (the create model's fields) -> their type."""
        return {python_name(n): f.annotation or Any for n, f in self.create_model.model_fields.items()}

    @functools.cached_property
    def display_name_wire(self) -> str | None:
        """The wire name of :attr:`display_name` (``displayName``), or ``None``."""
        for name, info in self.create_model.model_fields.items():
            if python_name(name) == self.display_name:
                return info.alias or name
        return None

    @functools.cached_property
    def input_types(self) -> dict[str, Any]:
        """Python names of the inputs a user sets (the parent, then the create model's fields) -> their type."""
        parent: dict[str, Any] = {self.parent: str} if self.parent else {}
        return {**parent, **self.model_types}

    @functools.cached_property
    def input_fields(self) -> tuple[str, ...]:
        """Python names of the inputs a user sets, in the create model's order."""
        return tuple(self.input_types)

    @functools.cached_property
    def output_fields(self) -> tuple[str, ...]:
        """Python names of every output (inputs, then server fields, then provider outputs)."""
        key = (self.key_output,) if self.key_output else ()
        extra = (OPERATION_ID,) if self.endpoint.asynchronous else ()
        return self.input_fields + key + self.server_fields + extra

    # -- where an object lives, and its Pulumi id -----------------------------------------------

    def split_id(self, pulumi_id: str) -> tuple[str | None, str | None]:
        """``(parent id, key)`` of a Pulumi id: ``(None, id)`` for a top-level object, ``(store, None)``
        for a singleton, ``(parent, key)`` for ``"{parent}/{key}"``."""
        if self.singleton:
            return pulumi_id, None
        if self.parent:
            parent, _, key = pulumi_id.partition("/")
            return parent, key
        return None, pulumi_id

    def join_id(self, parent: str | None, key: str | None) -> str:
        """The Pulumi id of the object ``key`` in ``parent`` (the inverse of :meth:`split_id`)."""
        if self.singleton:
            return str(parent)
        if self.parent:
            return f"{parent}/{key}"
        return str(key)

    def endpoint_in(self, parent: str | None) -> Endpoint:
        """The collection, inside ``parent`` when it lives in one."""
        return self.endpoint.at(parent) if parent is not None and self.endpoint.nested else self.endpoint

    def replaced_fields(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """Top-level inputs whose change needs a new object (the parent, the key field, and the paths
        of ``replace_on``), comparing canonical forms; values not known yet count as changed."""
        old, new = self.canonical(olds), self.canonical(news)
        paths = [p for p in (self.parent, self.key_field) if p] + list(self.replace_on)
        fields: list[str] = []
        for path in paths:
            if _at(old, path) != _at(new, path):
                top = path.split(".", 1)[0]
                if top not in fields:
                    fields.append(top)
        return fields

    def replaced_unless_in_place(self, changed: list[str], update_method: Any) -> list[str]:
        """The inputs among ``changed`` that :attr:`replace_unless_in_place` lists, unless the
        resource's ``update_method`` input is ``"in_place"`` (``None``, or a value not known yet,
        means the default ``"replace"``)."""
        if update_method == "in_place":
            return []
        return [name for name in changed if name in self.replace_unless_in_place]

    @functools.cached_property
    def _adapters(self) -> dict[str, TypeAdapter[Any]]:
        return {name: TypeAdapter(tp) for name, tp in self.input_types.items()}

    def canonical(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The canonical form of the input fields in ``values`` (inputs or outputs, Python names).

        Each field is re-rendered through its wire model (so key spellings and ``None`` vs absent
        do not matter), empty lists and maps count as absent at every level of the models (never
        inside free-form JSON such as an output schema), Twilio's server-side defaults are filled
        in (:func:`~pulumi_twilio_intelligence.models.with_server_defaults`, as the emulator does)
        and the spec's normalisations are applied. A field whose value is not known yet is :data:`UNKNOWN`.
        """
        out: dict[str, Any] = {}
        for name in self.input_fields:
            value = values.get(name)
            if value is None:
                continue
            if contains_unknowns(value):
                out[name] = UNKNOWN
                continue
            adapter = self._adapters[name]
            try:
                parsed = adapter.validate_python(value, by_alias=True, by_name=True, context={NULL_AS_ABSENT: True})
                rendered = adapter.dump_python(parsed, mode="json", by_alias=False, exclude_none=True)
            except ValidationError:
                rendered = value  # invalid values are reported by check; compare them as written
            rendered = prune_empty(self.input_types[name], rendered)
            if isinstance(rendered, (list, dict)) and not rendered:
                continue
            out[name] = rendered
        return self.normalise(with_server_defaults(self.create_model, out, wire=False))

    def changed_fields(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """Input fields whose canonical forms differ (or are not known yet), in field order."""
        old, new = self.canonical(olds), self.canonical(news)
        return [name for name in self.input_fields if old.get(name) != new.get(name)]


def _at(values: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted ``path`` (``source.type``) of a canonical form; ``None`` if absent, and
    :data:`UNKNOWN` at or under a value not known yet."""
    current: Any = values
    for part in path.split("."):
        if current is UNKNOWN:
            return UNKNOWN
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current
