"""The resources' public surface, generated from the wire models, and the checks that keep it theirs.

Each field is declared once, on its wire model (type, constraints, ``description``, server-side
default). From there:

* every resource's ``__init__`` docstring lists every input with its type, unit and constraints, as
  Pulumi's own SDKs do (:func:`init_docstring`);
* every output is a documented ``@property`` returning ``pulumi.Output[...]``
  (:func:`output_property`), installed by :class:`~._resource.TwilioResource` for every output the
  resource's :class:`~._spec.ResourceSpec` lists;
* every nested input ``...ArgsDict`` TypedDict gets the documentation of its model's fields
  (:func:`document_typed_dict`).

The hand-written surface that type checkers read (the keyword arguments of ``__init__``, the
``...Args`` input types, the output annotations and the ``...ArgsDict`` TypedDicts) is checked
against the models by :func:`resource_drift` and :func:`typed_dict_drift`: a field added to a model
only, a field removed, or a different required-ness is reported (``tests/unit/test_surface.py``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ForwardRef, Literal, Union, get_args, get_origin

import annotated_types
import pulumi
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from typing_extensions import NotRequired, Required, get_overloads

from ..models import WireModel, python_name, server_default
from ..models._base import _is_model, _unwrap
from ..models._types import _absolute_uri
from ._spec import ALLOW_DUPLICATE, EXISTING_ID, OPERATION_ID, UPDATE_METHOD, UPDATE_METHODS, ResourceSpec

if TYPE_CHECKING:
    from ._resource import TwilioResource

#: What the provider's own inputs and outputs mean (they are no fields of Twilio's models).
PROVIDER_DOCS: dict[str, str] = {
    EXISTING_ID: (
        "Adopt this existing object instead of creating one: it is verified, then updated to these "
        "inputs. Read at creation only."
    ),
    ALLOW_DUPLICATE: (
        "Create the object even when another of its type already has this display name; by default such "
        "a create is refused, or, for an identical object never updated since its creation, adopts it "
        "as this resource's own interrupted create. Read at creation only."
    ),
    UPDATE_METHOD: (
        "How a change of {fields} is applied: ``replace`` (the default: a new object is created, the "
        "resources that reference this one are updated to it, then this one is deleted) or ``in_place`` "
        "(the documented update, which live Twilio may leave inactive)."
    ),
    OPERATION_ID: "The id of the Operation of the last write (``proc_job_...``); the write is complete.",
}


# -- one field's documentation -------------------------------------------------------------------


def _length_unit(annotation: Any) -> str:
    tp = _unwrap(annotation)
    origin = get_origin(tp) or tp
    if origin is str:
        return "characters"
    if origin is dict:
        return "entries"
    return "items"


def _json(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"``{value}``"
    return f"``{value!r}``" if not isinstance(value, (int, float)) else str(value)


def constraints(info: FieldInfo) -> list[str]:
    """The rules a field's value follows, in words: ``1-128 characters``, ``one of TEXT, JSON``,
    ``1-20``, ``matches ^IS[0-9a-f]{32}$``, ``an absolute URI``, ``Twilio's default: 1``."""
    found: list[str] = []
    lengths: dict[str, int] = {}
    bounds: dict[str, Any] = {}
    for meta in info.metadata:
        if isinstance(meta, annotated_types.MinLen):
            lengths["min"] = meta.min_length
        elif isinstance(meta, annotated_types.MaxLen):
            lengths["max"] = meta.max_length
        elif isinstance(meta, (annotated_types.Ge, annotated_types.Gt, annotated_types.Le, annotated_types.Lt)):
            for attr in ("ge", "gt", "le", "lt"):
                if hasattr(meta, attr):
                    bounds[attr] = getattr(meta, attr)
        elif getattr(meta, "pattern", None):
            found.append(f"matches ``{meta.pattern}``")
        elif getattr(meta, "func", None) is _absolute_uri:
            found.append("an absolute URI (``https://...``)")
    if lengths:
        unit = _length_unit(info.annotation)
        low, high = lengths.get("min"), lengths.get("max")
        if low is not None and high is not None:
            found.insert(0, f"{low}-{high} {unit}")
        elif high is not None:
            found.insert(0, f"at most {high} {unit[:-1] if high == 1 else unit}")
        elif low is not None:
            found.insert(0, f"at least {low} {unit[:-1] if low == 1 else unit}")
    if bounds:
        low = bounds.get("ge", bounds.get("gt"))
        high = bounds.get("le", bounds.get("lt"))
        if "ge" in bounds and "le" in bounds:
            found.insert(0, f"{low}-{high}")
        else:
            words = []
            if low is not None:
                words.append(f"at least {low}" if "ge" in bounds else f"more than {low}")
            if high is not None:
                words.append(f"at most {high}" if "le" in bounds else f"less than {high}")
            found.insert(0, " and ".join(words))
    values = _literal_values(info.annotation)
    if values:
        found.append("one of " + ", ".join(_json(v) for v in values))
    default = server_default(info)
    if default is not None:
        found.append(f"Twilio's default: {_json(default.value)}")
    return found


def _literal_values(annotation: Any) -> tuple[Any, ...]:
    tp = _unwrap(annotation)
    return get_args(tp) if get_origin(tp) is Literal else ()


def description(model: type[BaseModel], name: str) -> str:
    """A field's description: from ``model``, else from the nearest base model declaring the field
    with one (a request model narrows a field of a shared body without repeating its description)."""
    for cls in model.__mro__:
        if isinstance(cls, type) and issubclass(cls, BaseModel) and cls is not BaseModel:
            info = cls.model_fields.get(name)
            if info is not None and info.description:
                return info.description.strip()
    return ""


def field_doc(model: type[BaseModel], name: str) -> str:
    """A field's documentation: its description, then its constraints (``"The operator's name.
    1-128 characters."``)."""
    info = model.model_fields[name]
    text = description(model, name)
    rules = constraints(info)
    if rules:
        text = f"{text} {_sentence('; '.join(rules))}".strip()
    return text


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def model_field(model: type[BaseModel], python: str) -> str | None:
    """The field of ``model`` whose Python name is ``python`` (``from`` -> ``from_``), if any."""
    return next((n for n in model.model_fields if python_name(n) == python), None)


# -- a resource's inputs and outputs ------------------------------------------------------------


def provider_inputs(spec: ResourceSpec) -> tuple[str, ...]:
    """The inputs only the provider reads: ``existing_id`` (adopt an object; not for singletons),
    ``allow_duplicate_display_name`` (where a create looks for objects of the same display name and
    a second one is possible: not for singletons nor objects keyed by their name) and
    ``update_method`` (where a change may be applied in place or by a replacement)."""
    found: tuple[str, ...] = () if spec.singleton else (EXISTING_ID,)
    if spec.display_name_wire is not None and not spec.singleton and spec.key_field != spec.display_name:
        found += (ALLOW_DUPLICATE,)
    return found + ((UPDATE_METHOD,) if spec.replace_unless_in_place else ())


def user_inputs(spec: ResourceSpec) -> tuple[str, ...]:
    """Every keyword argument of the resource (besides ``resource_name`` and ``opts``), in order."""
    return spec.input_fields + provider_inputs(spec)


def required_inputs(spec: ResourceSpec) -> set[str]:
    """The inputs a user must set: the parent, and the create model's required fields."""
    required = {spec.parent} if spec.parent else set()
    return required | {python_name(n) for n, f in spec.create_model.model_fields.items() if f.is_required()}


def input_doc(spec: ResourceSpec, name: str) -> str:
    """The documentation of one input of a resource (from its create model, or the provider's)."""
    field = model_field(spec.create_model, name)
    if field is not None:
        return field_doc(spec.create_model, field)
    if name == spec.parent:
        return f"The id of the {spec.parent_title or 'parent'} this object lives in; a change makes a new object."
    if name == UPDATE_METHOD:
        fields = ", ".join(f"``{f}``" for f in spec.replace_unless_in_place)
        values = ", ".join(f"``{v}``" for v in UPDATE_METHODS)
        return PROVIDER_DOCS[UPDATE_METHOD].format(fields=fields) + f" One of {values}."
    return PROVIDER_DOCS.get(name, "")


def output_doc(spec: ResourceSpec, name: str) -> str:
    """The documentation of one output: an input's, or the response model's field's, or the provider's."""
    if name in spec.input_fields:
        return input_doc(spec, name)
    field = model_field(spec.response_model, name)
    if field is not None:
        return field_doc(spec.response_model, field)
    if name == spec.key_output:
        return f"The object's own id (the resource's id is ``<{spec.parent}>/<{name}>``)."
    return PROVIDER_DOCS.get(name, "")


def always_present(spec: ResourceSpec, name: str) -> bool:
    """Whether an output always has a value once the object exists: a required input, a field that
    Twilio fills in with a default it stores, a field its answers must carry, or an output the
    provider writes (the last write's Operation, the object's own id in a composite Pulumi id)."""
    if name in required_inputs(spec) or name in (OPERATION_ID, spec.key_output):
        return True
    for model in (spec.create_model, spec.response_model):
        field = model_field(model, name)
        if field is None:
            continue
        info = model.model_fields[field]
        default = server_default(info)
        if model is spec.response_model and info.is_required():
            return True
        if default is not None and default.stored:
            return True
    return False


def _annotation_text(annotation: Any) -> str:
    """An annotation as a program writes it: ``pulumi.Input[list[pulumi.Input[RuleArgsDict]]]``
    (string annotations are kept as written; evaluated ones, as TypedDicts hold them, are rendered)."""
    if isinstance(annotation, ForwardRef):
        return annotation.__forward_arg__
    if isinstance(annotation, str):
        return annotation
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (NotRequired, Required):
        return _annotation_text(args[0])
    if origin is Union:
        if any(isinstance(a, ForwardRef) and a.__forward_arg__.startswith("Output[") for a in args):
            return f"pulumi.Input[{_annotation_text(args[0])}]"  # pulumi.Input[T] = T | Awaitable[T] | Output[T]
        return " | ".join("None" if a is type(None) else _annotation_text(a) for a in args)
    if origin is Literal:
        return f"Literal[{', '.join(repr(a) for a in args)}]"
    if origin is not None:
        return f"{getattr(origin, '__name__', str(origin))}[{', '.join(_annotation_text(a) for a in args)}]"
    if annotation is Any:
        return "Any"
    return getattr(annotation, "__name__", str(annotation))


def _is_optional(text: str) -> bool:
    inner = text.strip()
    for wrapper in ("pulumi.Output[", "Output["):
        if inner.startswith(wrapper) and inner.endswith("]"):
            inner = inner[len(wrapper) : -1]
    return bool(re.search(r"\|\s*None\s*$", inner)) or inner.startswith(("Optional[", "None |"))


def keyword_form(resource: type[TwilioResource]) -> inspect.Signature | None:
    """The signature of the keyword form of a resource's ``__init__`` (its overload with
    ``resource_name``, ``opts`` and every input as keywords), if it declares one."""
    for overload in get_overloads(resource.__init__):
        signature = inspect.signature(overload)
        if "args" not in signature.parameters:
            return signature
    return None


def _keyword_inputs(signature: inspect.Signature) -> dict[str, inspect.Parameter]:
    return {
        n: p for n, p in signature.parameters.items() if n not in ("self", "__self__", "resource_name", "opts", "args")
    }


def init_docstring(resource: type[TwilioResource]) -> str:
    """The ``__init__`` docstring of a resource, in the layout of Pulumi's SDKs: every input with its
    type, whether it is required, what it means, its unit and constraints; then every output."""
    spec = resource._provider_class.SPEC
    args_class = resource._args_class
    types = {n: _annotation_text(t) for n, t in inspect.get_annotations(args_class).items()}
    required = required_inputs(spec)
    article = "an" if spec.title[:1].lower() in "aeiou" else "a"
    lines = [
        f"Create {article} {spec.title} resource with the given unique name, inputs and options.",
        "",
        f"``{resource.__name__}(resource_name, opts=None, **inputs)`` or "
        f"``{resource.__name__}(resource_name, {args_class.__name__}(**inputs), opts=None)``.",
        "",
        ":param str resource_name: The name of the resource.",
        ":param pulumi.ResourceOptions opts: Options for the resource.",
    ]
    for name in user_inputs(spec):
        flag = "(required) " if name in required else ""
        lines.append(f":param {types.get(name, 'Any')} {name}: {flag}{input_doc(spec, name)}")
    lines += ["", "Outputs (``pulumi.Output`` properties, besides ``id`` and ``urn``):", ""]
    outputs = {n: _annotation_text(t) for n, t in _output_annotations(resource).items()}
    for name in spec.output_fields:
        if name not in spec.input_fields:
            lines.append(f":ivar {outputs.get(name, 'pulumi.Output[Any]')} {name}: {output_doc(spec, name)}")
    lines += ["", "Every input is an output too, as Twilio stored it."]
    return "\n".join(lines)


def _output_annotations(resource: type[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for cls in reversed(resource.__mro__):
        if cls.__module__.startswith("pulumi_twilio_intelligence."):
            found.update(inspect.get_annotations(cls))
    return {n: t for n, t in found.items() if "Output[" in _annotation_text(t)}


def output_property(spec: ResourceSpec, name: str, annotation: Any) -> property:
    """A read-only property returning the output ``name`` (a ``pulumi.Output``), documented from the models."""

    def getter(self: pulumi.Resource) -> Any:
        return pulumi.get(self, name)

    getter.__name__ = name
    getter.__qualname__ = name
    getter.__doc__ = f"{_annotation_text(annotation)}: {output_doc(spec, name)}"
    getter.__annotations__ = {"return": annotation}
    return property(getter, doc=getter.__doc__)


# -- the drift checks --------------------------------------------------------------------------


def resource_drift(resource: type[TwilioResource], spec: ResourceSpec | None = None) -> list[str]:
    """Where a resource's hand-written surface and its models disagree (empty when they agree).

    Checks the keyword form of ``__init__``, the ``...Args`` input type and the ``pulumi.Output``
    annotations against ``spec`` (by default the resource's own): the same inputs (the create model's
    fields, the parent and the provider's inputs), the same required-ness, every output the spec
    lists (the response model's fields but ``id``, the provider's outputs) and no other, each
    optional unless :func:`always_present`; and a description for every field.
    """
    spec = spec or resource._provider_class.SPEC
    problems: list[str] = []
    wanted = user_inputs(spec)
    required = required_inputs(spec)

    def compare(where: str, params: Mapping[str, bool]) -> None:
        for name in wanted:
            if name not in params:
                problems.append(f"{where}: no input '{name}'")
            elif params[name] != (name in required):
                problems.append(f"{where}: input '{name}' is {'required' if params[name] else 'optional'}")
        problems.extend(f"{where}: input '{n}' is no field of the model" for n in params if n not in wanted)

    signature = keyword_form(resource)
    if signature is None:
        problems.append(f"{resource.__name__}.__init__: no keyword overload")
    else:
        compare(
            f"{resource.__name__}.__init__",
            {n: p.default is inspect.Parameter.empty for n, p in _keyword_inputs(signature).items()},
        )
    args_init = inspect.signature(resource._args_class.__init__)
    compare(
        resource._args_class.__name__,
        {n: p.default is inspect.Parameter.empty for n, p in _keyword_inputs(args_init).items()},
    )

    outputs = {n: _annotation_text(t) for n, t in _output_annotations(resource).items()}
    served = {python_name(n) for n in spec.response_model.model_fields} - {"id"}
    listed = set(spec.output_fields)
    for name in sorted(served - listed):
        problems.append(f"{resource.__name__}: '{name}' of {spec.response_model.__name__} is no output")
    for name in spec.output_fields:
        if name not in outputs:
            problems.append(f"{resource.__name__}: no output annotation '{name}'")
        elif _is_optional(outputs[name]) == always_present(spec, name):
            wanted_text = "pulumi.Output[T]" if always_present(spec, name) else "pulumi.Output[T | None]"
            problems.append(f"{resource.__name__}.{name}: annotated {outputs[name]}, the models say {wanted_text}")
        if not output_doc(spec, name):
            problems.append(f"{resource.__name__}.{name}: no description in the models")
    problems.extend(f"{resource.__name__}: output '{n}' is not in the spec" for n in outputs if n not in listed)
    for name in wanted:
        if not input_doc(spec, name):
            problems.append(f"{resource.__name__}: input '{name}' has no description in the models")
    return problems


def typed_dict_drift(typed_dict: type, model: type[BaseModel]) -> list[str]:
    """Where a ``...ArgsDict`` TypedDict and its wire model disagree: keys, required keys, descriptions."""
    keys = {python_name(n): info for n, info in model.model_fields.items()}
    declared = set(typed_dict.__annotations__)
    required = set(typed_dict.__required_keys__)  # type: ignore[attr-defined]
    where = typed_dict.__name__
    problems = [f"{where}: no key '{n}' ({model.__name__} has it)" for n in keys if n not in declared]
    problems += [f"{where}: key '{n}' is no field of {model.__name__}" for n in declared if n not in keys]
    for name, info in keys.items():
        if name in declared and (name in required) != info.is_required():
            problems.append(
                f"{where}: key '{name}' is {'required' if name in required else 'optional'}, "
                f"{model.__name__} says {'required' if info.is_required() else 'optional'}"
            )
        if not description(model, model_field(model, name) or name):
            problems.append(f"{model.__name__}.{name}: no description")
    return problems


def nested_models(model: type[BaseModel]) -> list[type[WireModel]]:
    """Every model nested in ``model``'s fields, at any depth, in order (each once)."""
    found: list[type[WireModel]] = []

    def walk(annotation: Any) -> None:
        tp = _unwrap(annotation)
        if _is_model(tp):
            if tp not in found:
                found.append(tp)
                for info in tp.model_fields.values():
                    walk(info.annotation)
            return
        for arg in get_args(tp):
            walk(arg)

    for info in model.model_fields.values():
        walk(info.annotation)
    return found


def document_typed_dict(typed_dict: type, model: type[BaseModel]) -> None:
    """Append every key's type, required-ness and documentation (from ``model``) to the TypedDict's docstring."""
    lines = [(typed_dict.__doc__ or "").rstrip(), "", "Keys:", ""]
    required = typed_dict.__required_keys__  # type: ignore[attr-defined]
    for key, annotation in typed_dict.__annotations__.items():
        field = model_field(model, key)
        doc = field_doc(model, field) if field else ""
        flag = "(required) " if key in required else ""
        lines.append(f":key {_annotation_text(annotation)} {key}: {flag}{doc}")
    typed_dict.__doc__ = "\n".join(lines)
