"""The base class of the resources: inputs in either Pulumi form, documented outputs, identity for idempotency."""

from __future__ import annotations

import pickle
from typing import Any, ClassVar, TypeVar

import pulumi
from pulumi import dynamic

from ._provider import TwilioProvider
from ._spec import RESOURCE_IDENTITY
from ._surface import _output_annotations, init_docstring, keyword_form, output_property, required_inputs, user_inputs

R = TypeVar("R", bound="TwilioResource")

#: Pulumi type tokens are ``pulumi-python:dynamic/<MODULE>:<Type>``.
MODULE = "twilio"


def unwrap_pickler() -> None:
    """Undo the wrapping of ``pickle._Pickler._batch_setitems`` that Pulumi's SDK leaves behind.

    To pickle a provider deterministically, ``pulumi.dynamic.dynamic.serialize_provider`` replaces
    ``pickle._Pickler._batch_setitems`` with a wrapper that sorts, around whatever was there before,
    and never puts the original back: each dynamic resource registered in a process adds one level,
    so a program of about 900 dynamic resources (fewer in an Automation API process that runs several
    programs) dies with "maximum recursion depth exceeded" (pulumi/pulumi#17803). Called before each
    registration, this puts the original back, so the SDK wraps it once: the same bytes, no depth.
    """
    current = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]
    while getattr(current, "__module__", "pickle") != "pickle":
        names = current.__code__.co_freevars
        cells = current.__closure__ or ()
        if "unsorted_batch_setitems" not in names:
            return  # not the wrapper this knows: leave it alone
        current = cells[names.index("unsorted_batch_setitems")].cell_contents
    pickle._Pickler._batch_setitems = current  # type: ignore[attr-defined]


class TwilioResource(dynamic.Resource):
    """A Pulumi dynamic resource backed by a :class:`TwilioProvider` subclass.

    A subclass sets ``_provider_class`` (whose ``SPEC`` lists the inputs and outputs) and
    ``_args_class`` (its ``@pulumi.input_type`` ``...Args``), annotates every output
    (``version: pulumi.Output[int]``) and declares the two forms of ``__init__`` as overloads
    (``(resource_name, args, opts=None)`` and ``(resource_name, opts=None, *, <inputs>)``) over
    ``def __init__(self, resource_name, *args, **kwargs): super().__init__(resource_name, *args, **kwargs)``.
    From the spec and the wire models this class then makes every output a documented read-only
    property returning a ``pulumi.Output`` and writes the ``__init__`` docstring; a unit test checks
    that the declarations match the models (:func:`._surface.resource_drift`).
    """

    _provider_class: ClassVar[type[TwilioProvider]]
    _args_class: ClassVar[type[Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "_provider_class" not in cls.__dict__:
            return
        spec = cls._provider_class.SPEC
        annotations = _output_annotations(cls)
        for name in spec.output_fields:
            setattr(cls, name, output_property(spec, name, annotations.get(name, "pulumi.Output[Any]")))
        init = cls.__dict__.get("__init__")
        if init is not None and "_args_class" in cls.__dict__:
            init.__doc__ = init_docstring(cls)
            signature = keyword_form(cls)
            if signature is not None:
                setattr(init, "__signature__", signature)  # help() shows the keyword form  # noqa: B010

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        spec = self._provider_class.SPEC
        resource_args, opts, inputs = self._parse(args, kwargs)
        if resource_args is not None:
            inputs = {name: getattr(resource_args, name) for name in user_inputs(spec)}
        if opts is None or (opts.id is None and opts.urn is None):
            for name in required_inputs(spec):
                if inputs.get(name) is None:
                    raise TypeError(f"Missing required property '{name}'")
        self._internal_init(resource_name, inputs, opts)

    @classmethod
    def _parse(
        cls, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, pulumi.ResourceOptions | None, dict[str, Any]]:
        """``(args object or None, opts, keyword inputs)`` of either form of ``__init__``."""
        kwargs = dict(kwargs)
        resource_args = kwargs.pop("args", None)
        rest = list(args)
        if rest and isinstance(rest[0], cls._args_class):
            resource_args = rest.pop(0)
        opts = kwargs.pop("opts", None)
        if rest and (opts is None and (rest[0] is None or isinstance(rest[0], pulumi.ResourceOptions))):
            opts = rest.pop(0)
        if rest:
            raise TypeError(f"{cls.__name__}() takes resource_name, then {cls._args_class.__name__} and opts only")
        if resource_args is not None and not isinstance(resource_args, cls._args_class):
            raise TypeError(f"{cls.__name__}(): args must be a {cls._args_class.__name__}")
        known = set(user_inputs(cls._provider_class.SPEC))
        for name in kwargs:
            if name not in known:
                raise TypeError(f"{cls.__name__}() got an unexpected keyword argument '{name}'")
        if resource_args is not None and kwargs:
            raise TypeError(f"{cls.__name__}(): give the inputs in {cls._args_class.__name__} or as keywords, not both")
        return resource_args, opts, kwargs

    def _internal_init(self, resource_name: str, inputs: dict[str, Any], opts: pulumi.ResourceOptions | None) -> None:
        spec = self._provider_class.SPEC
        props: dict[str, Any] = dict.fromkeys(spec.output_fields)
        props.update({k: v for k, v in inputs.items() if v is not None})
        if opts is None or opts.id is None:
            props[RESOURCE_IDENTITY] = f"{pulumi.get_project()}/{pulumi.get_stack()}/{spec.type_name}/{resource_name}"
        unwrap_pickler()
        super().__init__(self._provider_class(), resource_name, props, opts)

    @classmethod
    def get(cls: type[R], resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> R:
        """Reference an existing object read-only by its id (``pulumi refresh`` keeps it current).

        Nothing is created, updated or deleted; ``pulumi destroy`` only forgets it.
        """
        resource = cls.__new__(cls)
        resource._internal_init(resource_name, {}, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id)))
        return resource
