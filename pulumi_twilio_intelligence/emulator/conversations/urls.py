"""Conversations v2 routes (``https://conversations.twilio.com``)."""

from __future__ import annotations

from ..routing import Route, Service
from . import responses as r
from .exceptions import render_error

CONFIGURATIONS = "/v2/ControlPlane/Configurations"
OPERATIONS = "/v2/ControlPlane/Operations"

SERVICE = Service(
    name="conversations",
    prefix="/v2/",
    routes=(
        Route("GET", CONFIGURATIONS, r.list_configurations),
        Route("POST", CONFIGURATIONS, r.create_configuration),
        Route("GET", CONFIGURATIONS + "/{id}", r.fetch_configuration),
        Route("PUT", CONFIGURATIONS + "/{id}", r.replace_configuration),
        Route("PATCH", CONFIGURATIONS + "/{id}", r.patch_configuration),
        Route("DELETE", CONFIGURATIONS + "/{id}", r.delete_configuration),
        Route("GET", OPERATIONS + "/{id}", r.fetch_operation),
    ),
    render_error=render_error,
    fault_statuses=(429, 500, 503),
)
