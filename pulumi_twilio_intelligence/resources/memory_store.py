"""The ``MemoryStore`` resource (Memory v1 ControlPlane) and what a store's contents need.

Endpoint: ``https://memory.twilio.com/v1/ControlPlane/Stores``. Create, update (``PATCH`` with
``If-Match``) and delete are asynchronous Operations on Memory's own Operations endpoint; a create
completes only once the store is ACTIVE.
"""

from __future__ import annotations

import dataclasses
from typing import Any, overload

import pulumi

from ..client import CONTROL_PLANE_PAGE_SIZE, MEMORY_STORES, Collection, Readiness
from ..errors import TwilioApiError, TwilioError
from ..models import MemoryStore as MemoryStoreModel
from ..models import MemoryStoreCreate, MemoryStoreUpdate
from ..models.memory_store import MAX_MEMORY_STORES, MEMORY_STORE_ID_PATTERN
from ._check import reference_check
from ._provider import TwilioProvider
from ._resource import MODULE, TwilioResource
from ._spec import ResourceSpec

#: A store is ready once ACTIVE (QUEUED, then PROVISIONING before); FAILED never will be.
STORE_READY = Readiness(done=frozenset({"ACTIVE"}))


def explain_store_limit(collection: Collection, error: TwilioApiError) -> TwilioApiError:
    """``error`` (a refused create), saying so when the account already has the most stores Twilio
    allows (:data:`MAX_MEMORY_STORES`). Endpoint: ``GET /v1/ControlPlane/Stores`` (pages of 100 ids)."""
    try:
        count = sum(1 for _ in collection.list(page_size=CONTROL_PLANE_PAGE_SIZE))
    except TwilioError:
        return error
    if count < MAX_MEMORY_STORES:
        return error
    return error.with_hint(
        f"An account has at most {MAX_MEMORY_STORES} Memory Stores and this one has {count}: delete one "
        'you no longer need, or manage an existing store with existing_id="mem_store_..."'
    )


#: The online check of the objects that live in a Memory Store: ``memory_store_id`` names an existing store.
IN_MEMORY_STORE = reference_check("memory_store_id", MEMORY_STORES, "Memory Store", pattern=MEMORY_STORE_ID_PATTERN)

MEMORY_STORE = ResourceSpec(
    type_name="MemoryStore",
    title="Memory Store",
    endpoint=MEMORY_STORES,
    create_model=MemoryStoreCreate,
    update_model=MemoryStoreUpdate,
    response_model=MemoryStoreModel,
    server_fields=("status", "intelligence_service_id", "version"),
    id_pattern=MEMORY_STORE_ID_PATTERN,
    update_method="PATCH",
    etag=True,
    unique_field="display_name",
    ready=STORE_READY,
    explain_create_failure=explain_store_limit,
    display_name=None,  # unique in its account or store on Twilio's side (409): no duplicate-name search
)


class MemoryStoreProvider(TwilioProvider):
    """The dynamic provider of :class:`MemoryStore` (keep this import path stable: state refers to it)."""

    SPEC = MEMORY_STORE


@pulumi.input_type
@dataclasses.dataclass(kw_only=True)
class MemoryStoreArgs:
    """The inputs of a :class:`MemoryStore` (documented there)."""

    display_name: pulumi.Input[str]
    description: pulumi.Input[str] | None = None
    existing_id: pulumi.Input[str] | None = None


class MemoryStore(TwilioResource, module=MODULE, name="MemoryStore"):
    """A Memory Store: where Conversation Memory keeps profiles, traits and observations; every
    Conversation Configuration names one (``memory_store_id=store.id``).

    Endpoint: ``/v1/ControlPlane/Stores`` (Memory v1, memory.twilio.com). Create, update and delete
    are asynchronous Operations, awaited up to ``twilio:operationTimeout`` seconds; the create
    completes once the store is ``ACTIVE`` (a store that ends FAILED is deleted and the create
    fails). An account has at most 15 stores: a create beyond fails saying so. Updates send
    ``PATCH`` with ``If-Match`` (the store's ``ETag``, after checking that its ``version`` is still the
    one in the state); a description can be changed, not removed. Deleting a store deletes its trait
    groups, identity resolution settings and profiles. The resource id is the store's TTID
    (``mem_store_...``).
    """

    display_name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    status: pulumi.Output[str]
    intelligence_service_id: pulumi.Output[str]
    version: pulumi.Output[int]
    operation_id: pulumi.Output[str]

    _provider_class = MemoryStoreProvider
    _args_class = MemoryStoreArgs

    @overload
    def __init__(
        self, resource_name: str, args: MemoryStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        display_name: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        existing_id: pulumi.Input[str] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(resource_name, *args, **kwargs)
