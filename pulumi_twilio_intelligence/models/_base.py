"""The base of every wire model: camelCase on the wire, snake_case in Python.

A model validates two shapes of the same data:

* the **wire** shape (``displayName``), as Twilio sends and receives it: ``Model.from_wire(body)``;
* the **Python** shape (``display_name``), as a Pulumi program writes it: ``Model.from_python(inputs)``.

and renders both: ``model.to_wire()`` and ``model.to_python()``.

Unknown keys are dropped (``extra="ignore"``), never rendered: the emulator ignores them, as
JSON APIs that do not declare ``additionalProperties: false`` do, while the provider reports them at
``check`` time through :func:`unknown_keys`, which walks the raw input and so works whether or not
the rest of the input validates (values not known yet included).

The constraints are those of requests. Twilio's answers are read with :func:`lenient` models (the
same fields and types, no length, pattern, range or enum limits), so that a limit Twilio relaxes
later does not break reading what it stores.

Explicit ``null`` is refused for every field whose OpenAPI schema is not ``nullable``; a model lists
its nullable fields in ``__nullable__``. The provider validates with ``null_as_absent`` in the
context, because Pulumi inputs use ``None`` for "not set".
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, TypeVar, Union, cast, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_serializer,
)
from pydantic.alias_generators import to_camel
from pydantic_core import InitErrorDetails, PydanticCustomError

M = TypeVar("M", bound="WireModel")

#: Validation context key: treat an explicit ``None`` as "absent" (Pulumi inputs) instead of refusing it.
NULL_AS_ABSENT = "null_as_absent"


def python_name(field_name: str) -> str:
    """The Python-side key of a field: its name without a trailing underscore (``from_`` -> ``from``)."""
    return field_name[:-1] if field_name.endswith("_") else field_name


@functools.cache
def _renames(cls: type[WireModel]) -> dict[str, str]:
    """Python key -> field name, for the fields of ``cls`` whose names differ (``from`` -> ``from_``)."""
    return {python_name(n): n for n in cls.model_fields if n.endswith("_")}


class WireModel(BaseModel):
    """Base class of all Twilio wire models (pydantic v2)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=True,
        extra="ignore",
        loc_by_alias=True,
        serialize_by_alias=False,
    )

    #: Fields whose OpenAPI schema says ``nullable: true``: an explicit ``null`` means "absent".
    __nullable__: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        if value is None and name not in cls.__nullable__ and not cls.model_fields[name].validate_default:
            if isinstance(info.context, Mapping) and info.context.get(NULL_AS_ABSENT):
                return None
            raise ValueError("must not be null")
        return value

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        renamed = _renames(cls)
        if renamed and not issubclass(cls, KeywordFieldModel):
            fields = sorted(renamed.values())
            raise TypeError(f"{cls.__name__}: {fields} have other Python keys: derive it from KeywordFieldModel")

    # -- the two shapes -------------------------------------------------------------------------

    @classmethod
    def from_wire(cls: type[M], data: Any, *, strict: bool = False) -> M:
        """Validate a JSON body in Twilio's camelCase shape.

        Args:
            data: the decoded JSON.
            strict: take JSON types exactly as the document types them (no ``"yes"`` for a boolean,
                no ``"5"`` or ``5.0`` for an integer), as a server validating a request does.

        Raises:
            pydantic.ValidationError: with ``loc`` in wire (camelCase) names.
        """
        return cls.model_validate(data, by_alias=True, by_name=False, strict=strict)

    @classmethod
    def from_python(cls: type[M], data: Any) -> M:
        """Validate a snake_case dict as a Pulumi program writes it (``None`` counts as absent).

        Raises:
            pydantic.ValidationError: ``loc`` in wire names; :func:`python_path` turns it into a
            Python property path.
        """
        data = _python_keys_to_fields(cls, data)
        return cls.model_validate(data, by_alias=True, by_name=True, context={NULL_AS_ABSENT: True})

    def to_wire(self) -> dict[str, Any]:
        """The JSON body in Twilio's camelCase shape, without unset (``None``) fields."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def to_python(self) -> dict[str, Any]:
        """The snake_case dict (Pulumi inputs/outputs), without unset (``None``) fields."""
        return self.model_dump(mode="json", by_alias=False, exclude_none=True)


class KeywordFieldModel(WireModel):
    """A :class:`WireModel` with a field whose Python key is a keyword: ``from_`` is rendered as
    ``from`` in both shapes. Only such models pay for a serializer of their own (a Python call per
    instance rendered); the others render entirely in pydantic-core."""

    @model_serializer(mode="wrap")
    def _render(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if info.by_alias or not isinstance(data, dict):
            return data
        return {python_name(k): v for k, v in data.items()}


def field_refusal(model: type[BaseModel], wire_name: str, error_type: str, message: str) -> ValidationError:
    """A validation error of one field of ``model`` (for model validators): ``loc`` is the field's
    wire name, so that nested models report the full path (``source.content``) and ``check`` the
    Python one."""
    details = InitErrorDetails(type=PydanticCustomError(error_type, message), loc=(wire_name,), input=None)
    return ValidationError.from_exception_data(model.__name__, [details])


def _python_keys_to_fields(cls: type[WireModel], data: Any) -> Any:
    """Rename Python keys that are not valid identifiers (``from``) to their field names (``from_``)."""
    renames = _renames(cls)
    if not renames or not isinstance(data, Mapping):
        return data
    return {renames.get(k, k) if isinstance(k, str) else k: v for k, v in data.items()}


# -- walking models and error locations ----------------------------------------------------------

Segments = tuple[int | str, ...]


def _unwrap(annotation: Any) -> Any:
    """Strip ``Optional``/``Annotated`` layers from a type annotation."""
    while True:
        origin = get_origin(annotation)
        if origin is Union or str(origin) in ("types.UnionType", "<class 'types.UnionType'>"):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
            continue
        if hasattr(annotation, "__metadata__"):  # Annotated[...]
            annotation = get_args(annotation)[0]
            continue
        return annotation


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def render_path(segments: Sequence[int | str]) -> str:
    """A property path from its segments: ``("rules", 1, "triggers")`` -> ``"rules[1].triggers"``."""
    out = ""
    for part in segments:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def python_path(model: type[WireModel], loc: Sequence[int | str]) -> str:
    """Turn a pydantic error ``loc`` (wire names) into a Python property path.

    ``python_path(IntelligenceConfigurationCreate, ("rules", 1, "triggers", 0, "parameters", "count"))``
    returns ``"rules[1].triggers[0].parameters.count"``; ``("displayName",)`` returns ``"display_name"``.
    Keys of free-form maps (operator parameters, channel names) are kept as the user wrote them.
    """
    return render_path(_field_segments(model, loc, wire=False))


def _field_segments(model: type[WireModel], loc: Sequence[int | str], *, wire: bool) -> Segments:
    """A pydantic ``loc`` as property path segments in wire (camelCase) or Python (snake_case) names.

    A ``loc`` mixes both (pydantic names a field by its Python name when its *default* fails
    validation), so every part is looked up in the model it belongs to.
    """
    out: list[int | str] = []
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            out.append(part)
            args = get_args(current)
            current = args[0] if args else Any
            continue
        if _is_model(current):
            by_alias = {f.alias or n: n for n, f in current.model_fields.items()}
            name = by_alias.get(part, part if part in current.model_fields else None)
            if name is None:
                out.append(part)
                current = Any
                continue
            out.append((current.model_fields[name].alias or name) if wire else python_name(name))
            current = current.model_fields[name].annotation
            continue
        origin = get_origin(current)
        if origin in (dict, Mapping) or current is dict:
            out.append(part)
            args = get_args(current)
            current = args[1] if len(args) == 2 else Any
            continue
        # pydantic adds tags such as "function-after[...]" or union member names: skip them
        if "[" in part or part in ("str", "int", "dict", "list"):
            continue
        out.append(part)
        current = Any
    return tuple(out)


@dataclass(frozen=True)
class FieldError:
    """One problem of a validation error, located.

    Attributes:
        segments: the property path as segments (Python or wire names, as asked).
        reason: why the value is refused (``is required``, ``String should have at most 32 characters``).
        problems: for values with an inner structure (an operator's JSON Schema), every
            ``(place inside the value, reason)`` pair the validator listed in ``ctx["problems"]``.
        kind: pydantic's error type (``too_long``, ``missing``, ``string_pattern_mismatch``...).
    """

    segments: Segments
    reason: str
    problems: tuple[tuple[str, str], ...] = ()
    kind: str = ""

    @property
    def path(self) -> str:
        """The property path, e.g. ``rules[0].triggers[0].parameters.count``."""
        return render_path(self.segments)


def field_errors(model: type[WireModel], error: ValidationError, *, python: bool) -> list[FieldError]:
    """Every problem of a validation error of ``model``, with paths in Python or wire names."""
    found: list[FieldError] = []
    for err in error.errors(include_url=False):
        reason = "is required" if err["type"] == "missing" else err["msg"].removeprefix("Value error, ")
        problems = (err.get("ctx") or {}).get("problems") or ()
        segments = _field_segments(model, err["loc"], wire=not python)
        found.append(FieldError(segments, reason, tuple(problems), err["type"]))
    return found


def error_messages(model: type[WireModel], error: ValidationError, *, python: bool) -> list[tuple[str, str]]:
    """``(property path, reason)`` pairs of a validation error, in Python or wire names."""
    return [(e.path, e.reason) for e in field_errors(model, error, python=python)]


def _field_keys(model: type[BaseModel]) -> dict[str, str]:
    """Every key that names a field of ``model`` in either shape (name, Python name, alias) -> field name."""
    keys: dict[str, str] = {}
    for name, info in model.model_fields.items():
        for key in (name, python_name(name), info.alias):
            if key:
                keys[key] = name
    return keys


def unknown_keys(model: type[WireModel], data: Any) -> list[str]:
    """Python property paths of every key in ``data`` (Python shape) that no model field declares.

    It walks the raw data along the model's fields, so it reports typos and wrong nesting whether
    or not the data validates, and skips values that are not mappings or lists (values not known
    yet among them). Keys of free-form maps (channel names, operator parameters) are never reported.
    """
    return _unknown_keys(model, data, ())


def _unknown_keys(annotation: Any, value: Any, at: Segments) -> list[str]:
    tp = _unwrap(annotation)
    if _is_model(tp):
        if not isinstance(value, Mapping):
            return []
        keys = _field_keys(tp)
        found: list[str] = []
        for key, child in value.items():
            name = keys.get(key)
            if name is None:
                found.append(render_path((*at, key)))
            else:
                found += _unknown_keys(tp.model_fields[name].annotation, child, (*at, python_name(name)))
        return found
    origin, args = get_origin(tp), get_args(tp)
    if origin is list and isinstance(value, list) and args:
        return [p for i, item in enumerate(value) for p in _unknown_keys(args[0], item, (*at, i))]
    if origin is dict and isinstance(value, Mapping) and len(args) == 2:
        return [p for key, item in value.items() for p in _unknown_keys(args[1], item, (*at, key))]
    return []


def prune_empty(annotation: Any, value: Any) -> Any:
    """``value`` (Python shape) without the model fields whose value is an empty list or map, at
    every level, as if they were absent (``parameters: {}``, ``capture_rules: []``).

    Only fields of models are pruned: items of lists, entries of maps (``{"VOICE": {}}`` is a
    channel) and free-form values (``Any``, such as an output schema) are kept as they are.
    """
    tp = _unwrap(annotation)
    if _is_model(tp) and isinstance(value, Mapping):
        keys = _field_keys(tp)
        out: dict[Any, Any] = {}
        for key, child in value.items():
            name = keys.get(key)
            if name is not None:
                child = prune_empty(tp.model_fields[name].annotation, child)
                if isinstance(child, (list, dict)) and not child:
                    continue
            out[key] = child
        return out
    origin, args = get_origin(tp), get_args(tp)
    if origin is list and isinstance(value, list) and args:
        return [prune_empty(args[0], item) for item in value]
    if origin is dict and isinstance(value, Mapping) and len(args) == 2:
        return {key: prune_empty(args[1], item) for key, item in value.items()}
    return value


# -- reading Twilio's answers -------------------------------------------------------------------


@functools.cache
def _lenient(model: type[WireModel]) -> type[WireModel]:
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        kwargs: dict[str, Any] = {"alias": info.alias} if info.alias else {}
        if info.default_factory is not None:
            kwargs["default_factory"] = info.default_factory
        elif not info.is_required():
            kwargs["default"] = info.default
        fields[name] = (_lenient_type(info.annotation), Field(**kwargs))
    derived: type[WireModel] = create_model(
        f"Lenient{model.__name__}", __base__=model, __module__=model.__module__, __doc__=model.__doc__, **fields
    )
    derived.__nullable__ = frozenset(fields)
    return derived


def lenient(model: type[M]) -> type[M]:
    """``model`` for reading Twilio's answers: a subclass with the same fields, names, types and
    defaults, but without the constraints of requests (lengths, patterns, ranges, item counts, URI
    formats), with enums read as plain strings (``RUNNING`` for an Operation's status) and ``null``
    read as absent. Nested models are lenient too; required fields stay required. Meant for response
    models (validators of request models would be inherited).

    Raises (from ``from_wire``): pydantic.ValidationError when a value has the wrong JSON type or a
    required field is missing.
    """
    return cast("type[M]", _lenient(model))


def _lenient_type(annotation: Any) -> Any:
    if _is_model(annotation) and issubclass(annotation, WireModel):
        return _lenient(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _lenient_type(args[0])
    if origin is Literal:
        return str
    if origin is Union or str(origin) in ("types.UnionType", "<class 'types.UnionType'>"):
        return Union[tuple(_lenient_type(a) for a in args)]  # noqa: UP007
    if origin in (list, dict):  # the same container of lenient items
        items = (*args[:-1], _lenient_type(args[-1]))
        return cast(Any, origin)[items]
    return annotation
