"""The base of every wire model: camelCase on the wire, snake_case in Python.

A model validates two shapes of the same data:

* the **wire** shape (``displayName``), as Twilio sends and receives it: ``Model.from_wire(body)``;
* the **Python** shape (``display_name``), as a Pulumi program writes it: ``Model.from_python(inputs)``.

and renders both: ``model.to_wire()`` and ``model.to_python()``.

Unknown keys are kept aside (``extra="allow"``) but never rendered: the emulator ignores them, as
JSON APIs that do not declare ``additionalProperties: false`` do, while the provider reports them at
``check`` time through :func:`unknown_fields`.

Explicit ``null`` is refused for every field whose OpenAPI schema is not ``nullable``; a model lists
its nullable fields in ``__nullable__``. The provider validates with ``null_as_absent`` in the
context, because Pulumi inputs use ``None`` for "not set".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypeVar, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
)
from pydantic.alias_generators import to_camel

M = TypeVar("M", bound="WireModel")

#: Validation context key: treat an explicit ``None`` as "absent" (Pulumi inputs) instead of refusing it.
NULL_AS_ABSENT = "null_as_absent"


def python_name(field_name: str) -> str:
    """The Python-side key of a field: its name without a trailing underscore (``from_`` -> ``from``)."""
    return field_name[:-1] if field_name.endswith("_") else field_name


class WireModel(BaseModel):
    """Base class of all Twilio wire models (pydantic v2)."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_alias=True,
        validate_by_name=True,
        extra="allow",
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

    @model_serializer(mode="wrap")
    def _render(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if not isinstance(data, dict):
            return data
        for key in self.model_extra or {}:
            data.pop(key, None)
        if info.by_alias:
            return data
        return {python_name(k): v for k, v in data.items()}

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


def _python_keys_to_fields(cls: type[WireModel], data: Any) -> Any:
    """Rename Python keys that are not valid identifiers (``from``) to their field names (``from_``)."""
    if not isinstance(data, Mapping):
        return data
    renames = {python_name(n): n for n in cls.model_fields if n.endswith("_")}
    if not renames:
        return data
    return {renames.get(k, k) if isinstance(k, str) else k: v for k, v in data.items()}


# -- walking models and error locations ----------------------------------------------------------


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


def python_path(model: type[WireModel], loc: Sequence[int | str]) -> str:
    """Turn a pydantic error ``loc`` (wire names) into a Python property path.

    ``python_path(IntelligenceConfigurationCreate, ("rules", 1, "triggers", 0, "parameters", "count"))``
    returns ``"rules[1].triggers[0].parameters.count"``; ``("displayName",)`` returns ``"display_name"``.
    Keys of free-form maps (operator parameters, channel names) are kept as the user wrote them.
    """
    return _field_path(model, loc, wire=False)


def _field_path(model: type[WireModel], loc: Sequence[int | str], *, wire: bool) -> str:
    """A pydantic ``loc`` as a property path in wire (camelCase) or Python (snake_case) names.

    A ``loc`` mixes both (pydantic names a field by its Python name when its *default* fails
    validation), so every part is looked up in the model it belongs to.
    """
    out = ""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            out += f"[{part}]"
            args = get_args(current)
            current = args[0] if args else Any
            continue
        if _is_model(current):
            by_alias = {f.alias or n: n for n, f in current.model_fields.items()}
            name = by_alias.get(part, part if part in current.model_fields else None)
            if name is None:
                out += f".{part}" if out else part
                current = Any
                continue
            rendered = (current.model_fields[name].alias or name) if wire else python_name(name)
            out += ("." if out else "") + rendered
            current = current.model_fields[name].annotation
            continue
        origin = get_origin(current)
        if origin in (dict, Mapping) or current is dict:
            out += f".{part}" if out else part
            args = get_args(current)
            current = args[1] if len(args) == 2 else Any
            continue
        # pydantic adds tags such as "function-after[...]" or union member names: skip them
        if isinstance(part, str) and ("[" in part or part in ("str", "int", "dict", "list")):
            continue
        out += f".{part}" if out else part
        current = Any
    return out


def unknown_fields(model: BaseModel, prefix: str = "") -> list[str]:
    """Python property paths of every key that no model field declares (typos, wrong nesting)."""
    found: list[str] = []
    for key in model.model_extra or {}:
        found.append(f"{prefix}.{key}" if prefix else key)
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}.{python_name(name)}" if prefix else python_name(name)
        found.extend(_unknown_in(value, path))
    return found


def _unknown_in(value: Any, path: str) -> list[str]:
    if isinstance(value, BaseModel):
        return unknown_fields(value, path)
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _unknown_in(v, f"{path}[{i}]")]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _unknown_in(v, f"{path}.{k}")]
    return []


def error_messages(model: type[WireModel], error: ValidationError, *, python: bool) -> list[tuple[str, str]]:
    """``(property path, reason)`` pairs of a validation error, in Python or wire names."""
    pairs: list[tuple[str, str]] = []
    for err in error.errors(include_url=False):
        loc = err["loc"]
        path = _field_path(model, loc, wire=not python)
        reason = err["msg"]
        if reason.startswith("Value error, "):
            reason = reason[len("Value error, ") :]
        if err["type"] == "missing":
            reason = "is required"
        pairs.append((path, reason))
    return pairs
