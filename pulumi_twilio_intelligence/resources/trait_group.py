"""The ``TraitGroup`` resource: a Memory Store's declared traits (Memory v1 ControlPlane).

Endpoint: ``https://memory.twilio.com/v1/ControlPlane/Stores/{storeId}/TraitGroups``. A group is
addressed by its display name, so its Pulumi id is ``"{store_id}/{display_name}"``; create, update
(``PATCH`` with ``If-Match``) and delete are asynchronous Operations.
"""

from __future__ import annotations

import dataclasses
from typing import Any, overload

import pulumi

from ..client import MEMORY_STORES, TRAIT_GROUPS
from ..models import TraitGroup as TraitGroupModel
from ..models import TraitGroupCreate, TraitGroupUpdate
from ..models.memory_store import MEMORY_STORE_ID_PATTERN
from ..models.trait_group import DELETE_TRAIT
from ._provider import TwilioProvider
from ._resource import MODULE, TwilioResource
from ._spec import ResourceSpec
from .args import TraitDefinitionArgsDict
from .memory_store import IN_MEMORY_STORE


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    """An empty description is no description (how the provider clears one with ``PATCH``)."""
    if fields.get("description") == "":
        del fields["description"]
    return fields


def patch_traits(desired: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The ``PATCH`` body: ``desired`` (wire shape), plus a deletion marker (``dataType: ""``) for each
    trait the group has and ``desired`` no longer lists, and an empty description when the inputs
    have none but the group does (``PATCH`` keeps whatever it is not sent)."""
    body = dict(desired)
    remote_traits = current.get("traits") if isinstance(current.get("traits"), dict) else {}
    traits = dict(body.get("traits") or {})
    for name in remote_traits or {}:
        traits.setdefault(name, {"dataType": DELETE_TRAIT})
    if traits:
        body["traits"] = traits
    if "description" not in body and current.get("description"):
        body["description"] = ""
    return body


TRAIT_GROUP = ResourceSpec(
    type_name="TraitGroup",
    title="Trait Group",
    endpoint=TRAIT_GROUPS,
    create_model=TraitGroupCreate,
    update_model=TraitGroupUpdate,
    response_model=TraitGroupModel,
    server_fields=("version",),
    parent="memory_store_id",
    parent_pattern=MEMORY_STORE_ID_PATTERN,
    parent_title="Memory Store",
    parent_endpoint=MEMORY_STORES,
    key_field="display_name",
    display_name=None,  # unique in its account or store on Twilio's side (409): no duplicate-name search
    update_method="PATCH",
    etag=True,
    normalise=_normalise,
    update_body=patch_traits,
    online_checks=(IN_MEMORY_STORE,),
)


class TraitGroupProvider(TwilioProvider):
    """The dynamic provider of :class:`TraitGroup` (keep this import path stable: state refers to it)."""

    SPEC = TRAIT_GROUP


@pulumi.input_type
@dataclasses.dataclass(kw_only=True)
class TraitGroupArgs:
    """The inputs of a :class:`TraitGroup` (documented there)."""

    memory_store_id: pulumi.Input[str]
    display_name: pulumi.Input[str]
    description: pulumi.Input[str] | None = None
    traits: pulumi.Input[dict[str, pulumi.Input[TraitDefinitionArgsDict]]] | None = None
    existing_id: pulumi.Input[str] | None = None


class TraitGroup(TwilioResource, module=MODULE, name="TraitGroup"):
    """A Trait Group: named, typed traits (lasting facts about a customer) of a Memory Store.

    Endpoint: ``/v1/ControlPlane/Stores/{storeId}/TraitGroups`` (Memory v1). The group is addressed
    by its display name: the Pulumi id is ``"{memory_store_id}/{display_name}"``, and a change of
    either makes a new group (a replacement). Create, update and delete are asynchronous
    Operations. Updates send ``PATCH`` with ``If-Match`` (the group's ``ETag``, after checking that its
    ``version`` is the one in the state); a trait removed from ``traits`` is deleted in Twilio. At
    preview, with credentials, the store must exist. ``existing_id`` takes the group's display name
    (or its Pulumi id).
    """

    memory_store_id: pulumi.Output[str]
    display_name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    traits: pulumi.Output[dict[str, dict[str, Any]] | None]
    version: pulumi.Output[int]
    operation_id: pulumi.Output[str]

    _provider_class = TraitGroupProvider
    _args_class = TraitGroupArgs

    @overload
    def __init__(
        self, resource_name: str, args: TraitGroupArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        memory_store_id: pulumi.Input[str],
        display_name: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        traits: pulumi.Input[dict[str, pulumi.Input[TraitDefinitionArgsDict]]] | None = None,
        existing_id: pulumi.Input[str] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(resource_name, *args, **kwargs)
