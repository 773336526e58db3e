"""Twilio's server-side defaults: what Twilio stores for a field that a request leaves out.

A field declares its default once, as metadata of its annotation::

    count: Annotated[int | None, ServerDefault(1)] = Field(None, ge=1, le=20)

and :func:`with_server_defaults` applies every declared default of a model, at every level, to a
body in either shape (wire camelCase or Python snake_case). The emulator applies it to what it
stores (``stored_only=True``); the provider applies it to both sides of ``diff`` (its canonical form),
so a default Twilio fills in never shows as a change.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ._base import _is_model, _unwrap, python_name


@dataclass(frozen=True)
class ServerDefault:
    """Annotation metadata: Twilio uses ``value`` when a request leaves the field out (or sends ``null``).

    Attributes:
        value: the default (a JSON value; copied for every use).
        stored: ``True`` when Twilio stores and returns the default; ``False`` when it only behaves
            as if the field had that value and returns nothing (an operator parameter's
            ``required``): the emulator then leaves the field out, while ``diff`` still treats the
            default and an absent field as equal.
        when: the default applies only when these other fields of the same object (Python names)
            have these values (``{"type": "Web"}``: a web source's crawl depth).
    """

    value: Any
    stored: bool = True
    when: Mapping[str, Any] | None = None


def declared_defaults(model: type[BaseModel], *, wire: bool = True) -> dict[str, Any]:
    """The server-side defaults ``model`` declares on its own fields, by wire (or Python) name."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        default = server_default(info)
        if default is not None:
            out[(info.alias or name) if wire else python_name(name)] = default.value
    return out


def server_default(info: FieldInfo) -> ServerDefault | None:
    """The :class:`ServerDefault` a field declares, if any."""
    return next((m for m in info.metadata if isinstance(m, ServerDefault)), None)


def with_server_defaults(annotation: Any, data: Any, *, wire: bool, stored_only: bool = False) -> Any:
    """``data`` with Twilio's server-side defaults filled in wherever a field is absent or ``None``.

    Args:
        annotation: the model (or a type made of models: ``list[Rule]``) that ``data`` follows.
        data: a body in the wire (camelCase, ``wire=True``) or Python (snake_case) shape. Values
            that do not have the model's shape (invalid input, values not known yet) are kept as
            they are.
        wire: which shape ``data`` has (the keys used for the defaults filled in).
        stored_only: fill in only the defaults Twilio stores and returns (:attr:`ServerDefault.stored`).

    Returns:
        A new value; ``data`` is not changed. Keys keep their order; defaults are added after them.
    """
    tp = _unwrap(annotation)
    if _is_model(tp) and isinstance(data, Mapping):
        return _fill(tp, data, wire=wire, stored_only=stored_only)
    origin, args = get_origin(tp), get_args(tp)
    if origin is list and isinstance(data, list) and args:
        return [with_server_defaults(args[0], item, wire=wire, stored_only=stored_only) for item in data]
    if origin is dict and isinstance(data, Mapping) and len(args) == 2:
        return {k: with_server_defaults(args[1], v, wire=wire, stored_only=stored_only) for k, v in data.items()}
    return data


def _fill(model: type[BaseModel], data: Mapping[str, Any], *, wire: bool, stored_only: bool) -> dict[str, Any]:
    out = dict(data)

    def key_of(name: str) -> str:
        info = model.model_fields[name]
        return (info.alias or name) if wire else python_name(name)

    for name, info in model.model_fields.items():
        key = key_of(name)
        default = server_default(info)
        if (
            out.get(key) is None
            and default is not None
            and (default.stored or not stored_only)
            and all(out.get(key_of(other)) == value for other, value in (default.when or {}).items())
        ):
            out[key] = copy.deepcopy(default.value)
        if key in out:
            out[key] = with_server_defaults(info.annotation, out[key], wire=wire, stored_only=stored_only)
    return out
