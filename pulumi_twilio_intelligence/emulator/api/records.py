"""Typed records of the 2010 API backend: subaccounts and API keys (times in seconds since the epoch)."""

from __future__ import annotations

from ..state import Record


class Subaccount(Record):
    """A subaccount, kept in its owner's (the parent's) state."""

    sid: str
    friendly_name: str
    auth_token: str
    status: str = "active"
    date_created: float
    date_updated: float


class ApiKey(Record):
    """An API key, kept in the state of the account it acts for."""

    sid: str
    friendly_name: str
    secret: str
    date_created: float
    date_updated: float
