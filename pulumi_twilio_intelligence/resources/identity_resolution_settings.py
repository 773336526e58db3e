"""The ``IdentityResolutionSettings`` resource: how a Memory Store resolves and merges profiles.

Endpoint: ``https://memory.twilio.com/v1/ControlPlane/Stores/{storeId}/IdentityResolutionSettings``,
one per store: ``GET`` reads it, ``PUT`` with ``If-Match`` replaces it (an asynchronous Operation).
"""

from __future__ import annotations

import dataclasses
from typing import Any, overload

import pulumi

from ..client import IDENTITY_RESOLUTION_SETTINGS, MEMORY_STORES
from ..models import IdentityResolutionSettings as IdentityResolutionSettingsModel
from ..models import IdentityResolutionSettingsUpdate
from ..models.memory_store import MEMORY_STORE_ID_PATTERN
from ._provider import TwilioProvider
from ._resource import MODULE, TwilioResource
from ._spec import ResourceSpec
from .args import IdentifierConfigArgsDict
from .memory_store import IN_MEMORY_STORE

IDENTITY_RESOLUTION = ResourceSpec(
    type_name="IdentityResolutionSettings",
    title="Identity Resolution Settings",
    endpoint=IDENTITY_RESOLUTION_SETTINGS,
    create_model=IdentityResolutionSettingsUpdate,
    update_model=IdentityResolutionSettingsUpdate,
    response_model=IdentityResolutionSettingsModel,
    server_fields=("version",),
    parent="memory_store_id",
    parent_pattern=MEMORY_STORE_ID_PATTERN,
    parent_title="Memory Store",
    parent_endpoint=MEMORY_STORES,
    singleton=True,
    create_method="PUT",
    etag=True,
    deletable=False,
    online_checks=(IN_MEMORY_STORE,),
)


class IdentityResolutionSettingsProvider(TwilioProvider):
    """The dynamic provider of :class:`IdentityResolutionSettings` (stable import path)."""

    SPEC = IDENTITY_RESOLUTION


@pulumi.input_type
@dataclasses.dataclass(kw_only=True)
class IdentityResolutionSettingsArgs:
    """The inputs of a :class:`IdentityResolutionSettings` (documented there)."""

    memory_store_id: pulumi.Input[str]
    identifier_configs: pulumi.Input[list[pulumi.Input[IdentifierConfigArgsDict]]]
    matching_rules: pulumi.Input[list[pulumi.Input[str]]]


class IdentityResolutionSettings(TwilioResource, module=MODULE, name="IdentityResolutionSettings"):
    """A Memory Store's Identity Resolution Settings: which identifiers find, create and merge
    profiles. Every store has exactly one set; this resource manages it.

    Endpoint: ``/v1/ControlPlane/Stores/{storeId}/IdentityResolutionSettings`` (Memory v1). The
    Pulumi id is the store's id. "Create" and "update" both ``PUT`` the inputs with ``If-Match`` (the
    settings' ``ETag``; on update after checking that their ``version`` is the one in the state) and
    wait for the Operation. **Deleting this resource leaves the store's settings as they are in
    Twilio** (a store always has settings, and there is no way to delete them): ``pulumi destroy``
    only forgets them; deleting the store deletes them. A change of ``memory_store_id`` manages
    another store's settings (a replacement). At preview, with credentials, the store must exist.
    """

    memory_store_id: pulumi.Output[str]
    identifier_configs: pulumi.Output[list[dict[str, Any]]]
    matching_rules: pulumi.Output[list[str]]
    version: pulumi.Output[int]
    operation_id: pulumi.Output[str]

    _provider_class = IdentityResolutionSettingsProvider
    _args_class = IdentityResolutionSettingsArgs

    @overload
    def __init__(
        self, resource_name: str, args: IdentityResolutionSettingsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        memory_store_id: pulumi.Input[str],
        identifier_configs: pulumi.Input[list[pulumi.Input[IdentifierConfigArgsDict]]],
        matching_rules: pulumi.Input[list[pulumi.Input[str]]],
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(resource_name, *args, **kwargs)
