"""Intelligence v3 routes (``https://intelligence.twilio.com``)."""

from __future__ import annotations

from ..routing import Route, Service
from . import responses as r
from .exceptions import render_error

OPERATORS = "/v3/ControlPlane/Operators"
CONFIGURATIONS = "/v3/ControlPlane/Configurations"

SERVICE = Service(
    name="intelligence",
    prefix="/v3/",
    routes=(
        Route("GET", OPERATORS, r.list_operators),
        Route("POST", OPERATORS, r.create_operator),
        Route("GET", OPERATORS + "/{id}", r.fetch_operator),
        Route("PUT", OPERATORS + "/{id}", r.update_operator),
        Route("DELETE", OPERATORS + "/{id}", r.delete_operator),
        Route("GET", OPERATORS + "/{id}/Versions", r.list_operator_versions),
        Route("GET", OPERATORS + "/{id}/Versions/{version}", r.fetch_operator_version),
        Route("GET", CONFIGURATIONS, r.list_configurations),
        Route("POST", CONFIGURATIONS, r.create_configuration),
        Route("GET", CONFIGURATIONS + "/{id}", r.fetch_configuration),
        Route("PUT", CONFIGURATIONS + "/{id}", r.update_configuration),
        Route("DELETE", CONFIGURATIONS + "/{id}", r.delete_configuration),
    ),
    render_error=render_error,
    fault_statuses=(429, 500),
    # documented on every v3 429; the emulator's limit is nominal (it never throttles by itself)
    throttle_headers={"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"},
)
