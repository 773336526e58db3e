"""2010 API routes (``https://api.twilio.com``): Accounts and their Keys."""

from __future__ import annotations

from ..routing import Route, Service
from . import responses as r
from .exceptions import render_error
from .models import ACCOUNTS_PATH

KEYS = ACCOUNTS_PATH + "/{account_sid}/Keys"

SERVICE = Service(
    name="api",
    prefix="/2010-04-01/",
    routes=(
        Route("GET", ACCOUNTS_PATH + ".json", r.list_accounts),
        Route("POST", ACCOUNTS_PATH + ".json", r.create_account),
        Route("GET", ACCOUNTS_PATH + "/{sid}.json", r.fetch_account),
        Route("GET", KEYS + ".json", r.list_keys),
        Route("POST", KEYS + ".json", r.create_key),
        Route("GET", KEYS + "/{sid}.json", r.fetch_key),
        Route("DELETE", KEYS + "/{sid}.json", r.delete_key),
    ),
    render_error=render_error,
    fault_statuses=(429, 500, 503),
)
