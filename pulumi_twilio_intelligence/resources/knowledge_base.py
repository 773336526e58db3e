"""The ``KnowledgeBase`` resource (Knowledge v2 ControlPlane).

Endpoint: ``https://knowledge.twilio.com/v2/ControlPlane/KnowledgeBases``. Create, update (``PATCH``
with ``If-Match``) and delete are asynchronous Operations on Knowledge's own Operations endpoint; a
create completes only once the base is ACTIVE.
"""

from __future__ import annotations

import dataclasses
from typing import Any, overload

import pulumi

from ..client import KNOWLEDGE_BASES, Readiness
from ..models import KnowledgeBase as KnowledgeBaseModel
from ..models import KnowledgeBaseCreate, KnowledgeBaseUpdate
from ..models.knowledge_base import KNOWLEDGE_BASE_ID_PATTERN
from ._provider import TwilioProvider
from ._resource import MODULE, TwilioResource
from ._spec import ResourceSpec

KNOWLEDGE_BASE = ResourceSpec(
    type_name="KnowledgeBase",
    title="Knowledge Base",
    endpoint=KNOWLEDGE_BASES,
    create_model=KnowledgeBaseCreate,
    update_model=KnowledgeBaseUpdate,
    response_model=KnowledgeBaseModel,
    server_fields=("status", "created_at", "updated_at", "version"),
    id_pattern=KNOWLEDGE_BASE_ID_PATTERN,
    update_method="PATCH",
    etag=True,
    unique_field="display_name",
    ready=Readiness(done=frozenset({"ACTIVE"})),
    display_name=None,  # unique in its account or store on Twilio's side (409): no duplicate-name search
)


class KnowledgeBaseProvider(TwilioProvider):
    """The dynamic provider of :class:`KnowledgeBase` (keep this import path stable: state refers to it)."""

    SPEC = KNOWLEDGE_BASE


@pulumi.input_type
@dataclasses.dataclass(kw_only=True)
class KnowledgeBaseArgs:
    """The inputs of a :class:`KnowledgeBase` (documented there)."""

    display_name: pulumi.Input[str]
    description: pulumi.Input[str] | None = None
    existing_id: pulumi.Input[str] | None = None


class KnowledgeBase(TwilioResource, module=MODULE, name="KnowledgeBase"):
    """A Knowledge Base: knowledge sources (:class:`Knowledge`) that rules pass to their operators
    (``context.knowledge.bases``, ``KNOWLEDGE_BASE_AND_SOURCE_IDS`` parameters).

    Endpoint: ``/v2/ControlPlane/KnowledgeBases`` (Knowledge v2, knowledge.twilio.com). Create,
    update and delete are asynchronous Operations, awaited up to ``twilio:operationTimeout``
    seconds; the create completes once the base is ``ACTIVE`` (a base that ends FAILED is deleted
    and the create fails). Updates send ``PATCH`` with ``If-Match`` (the base's ``ETag``, after
    checking that its ``version`` is the one in the state); a description can be changed, not
    removed. Deleting a base deletes its sources. The resource id is the base's TTID
    (``know_knowledgebase_...``).
    """

    display_name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    status: pulumi.Output[str]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    version: pulumi.Output[int]
    operation_id: pulumi.Output[str]

    _provider_class = KnowledgeBaseProvider
    _args_class = KnowledgeBaseArgs

    @overload
    def __init__(
        self, resource_name: str, args: KnowledgeBaseArgs, opts: pulumi.ResourceOptions | None = None
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
