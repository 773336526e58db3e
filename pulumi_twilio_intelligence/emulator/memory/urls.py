"""Memory v1 ControlPlane routes (``https://memory.twilio.com``)."""

from __future__ import annotations

from ..routing import Route, Service
from . import responses as r
from .exceptions import render_error
from .models import OPERATIONS, STORES

STORE = STORES + "/{storeId}"
TRAIT_GROUPS = STORE + "/TraitGroups"

SERVICE = Service(
    name="memory",
    prefix="/v1/",
    routes=(
        Route("GET", STORES, r.list_stores),
        Route("POST", STORES, r.create_store),
        Route("GET", STORE, r.fetch_store),
        Route("PATCH", STORE, r.update_store),
        Route("DELETE", STORE, r.delete_store),
        Route("GET", TRAIT_GROUPS, r.list_trait_groups),
        Route("POST", TRAIT_GROUPS, r.create_trait_group),
        Route("GET", TRAIT_GROUPS + "/{traitGroupName}", r.fetch_trait_group),
        Route("PATCH", TRAIT_GROUPS + "/{traitGroupName}", r.update_trait_group),
        Route("DELETE", TRAIT_GROUPS + "/{traitGroupName}", r.delete_trait_group),
        Route("GET", STORE + "/IdentityResolutionSettings", r.fetch_identity_resolution),
        Route("PUT", STORE + "/IdentityResolutionSettings", r.replace_identity_resolution),
        Route("GET", OPERATIONS + "/{operationId}", r.fetch_operation),
    ),
    render_error=render_error,
    fault_statuses=(429, 500, 503),
)
