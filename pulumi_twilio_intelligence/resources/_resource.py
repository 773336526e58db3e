"""The base class of the three resources: placeholders for every output, identity for idempotency."""

from __future__ import annotations

import pickle
from typing import Any, TypeVar

import pulumi
from pulumi import dynamic

from ._provider import TwilioProvider
from ._spec import RESOURCE_IDENTITY

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

    Subclasses set ``_provider_class``. Every output the spec lists exists as an attribute
    (``pulumi.Output``), known after creation.
    """

    _provider_class: type[TwilioProvider]

    def __init__(
        self,
        resource_name: str,
        inputs: dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
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
        TwilioResource.__init__(
            resource, resource_name, {}, pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
        )
        return resource
