"""Subaccounts and their API keys through Twilio's 2010 Accounts API (form-encoded, as that API is).

Endpoints (base URL ``TWILIO_API_BASE_URL``, default ``https://api.twilio.com``), all with the
parent account's credentials:

- ``GET  /2010-04-01/Accounts.json?FriendlyName=...&Status=active``: find a tenant's subaccount;
- ``POST /2010-04-01/Accounts.json`` (``FriendlyName``): create it;
- ``GET  /2010-04-01/Accounts/{AccountSid}/Keys.json``, ``DELETE .../Keys/{Sid}.json`` and
  ``POST /2010-04-01/Accounts/{AccountSid}/Keys.json`` (``FriendlyName``): its API key.

Crash safety: a subaccount is found by its friendly name before one is created, so a crash between
the create and the runner recording it never makes a second one; an API key whose secret was never
recorded (a crash right after its create) is found by its friendly name and deleted before a new one
is made, so no orphaned key stays behind.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..client import TwilioClient, response_json
from ..config import Settings
from ..errors import ConfigurationError

DEFAULT_API_BASE_URL = "https://api.twilio.com"
#: The environment variable naming the 2010 API's base URL (the emulator in tests and the demo).
API_BASE_URL_ENV = "TWILIO_API_BASE_URL"
#: Twilio limits friendly names to 64 characters.
MAX_FRIENDLY_NAME = 64


@dataclass(frozen=True)
class SubaccountCredentials:
    """A tenant's subaccount and the API key the runner made for it (the secret hidden from ``repr``)."""

    account_sid: str
    api_key: str
    api_secret: str = field(repr=False)


def api_base_url(env: Mapping[str, str] | None = None) -> str:
    """The 2010 API's base URL: ``TWILIO_API_BASE_URL``, else Twilio's."""
    env = os.environ if env is None else env
    return (env.get(API_BASE_URL_ENV) or DEFAULT_API_BASE_URL).rstrip("/")


def friendly_name(project: str, tenant: str) -> str:
    """The friendly name that identifies ``tenant``'s subaccount (and its key): ``project/tenant``."""
    return f"{project}/{tenant}"[:MAX_FRIENDLY_NAME]


class Subaccounts:
    """Creates and finds subaccounts of one parent account.

    Args:
        parent_sid, parent_token: the parent account's credentials (never logged, never in errors).
        base_url: the 2010 API's base URL.
        max_retries: retries of 429s and connection errors (see :class:`~..client.TwilioClient`).
    """

    def __init__(self, parent_sid: str, parent_token: str, *, base_url: str | None = None, max_retries: int = 5):
        self.parent_sid = parent_sid
        self.base_url = base_url or api_base_url()
        self._client = TwilioClient(Settings(account_sid=parent_sid, auth_token=parent_token, max_retries=max_retries))

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def _url(self, path: str) -> str:
        return f"{self.base_url}/2010-04-01/{path}"

    def find(self, name: str) -> list[dict[str, Any]]:
        """The parent's active subaccounts named ``name`` (``GET /2010-04-01/Accounts.json``)."""
        found: list[dict[str, Any]] = []
        url: str | None = self._url("Accounts.json")
        params: dict[str, Any] | None = {"FriendlyName": name, "Status": "active", "PageSize": 50}
        for _ in range(100):  # bounded paging
            if url is None:
                break
            page = response_json(self._client.request("GET", url, params=params))
            found.extend(a for a in page.get("accounts", []) if a.get("sid") != self.parent_sid)
            next_uri = page.get("next_page_uri")
            url, params = (self.base_url + next_uri if next_uri else None), None
        return found

    def ensure_account(self, name: str) -> str:
        """The Account SID of the subaccount named ``name``: the existing one, else a new one
        (``POST /2010-04-01/Accounts.json``).

        Raises:
            ConfigurationError: several active subaccounts have that name (their SIDs are named).
            TwilioApiError, TwilioConnectionError: as the REST layer raises them.
        """
        existing = self.find(name)
        if len(existing) > 1:
            sids = ", ".join(a["sid"] for a in existing)
            raise ConfigurationError(
                f"several subaccounts are named {name!r} ({sids}): close the extra ones, or give the tenant "
                "the account_sid to use"
            )
        if existing:
            return str(existing[0]["sid"])
        created = response_json(self._client.request("POST", self._url("Accounts.json"), data={"FriendlyName": name}))
        return str(created["sid"])

    def new_key(self, account_sid: str, name: str) -> SubaccountCredentials:
        """A new API key named ``name`` for ``account_sid``, after deleting earlier keys of that name
        (whose secrets were never recorded). ``POST /2010-04-01/Accounts/{AccountSid}/Keys.json``."""
        keys_url = self._url(f"Accounts/{account_sid}/Keys.json")
        listed = response_json(self._client.request("GET", keys_url, params={"PageSize": 1000}))
        for key in listed.get("keys", []):
            if key.get("friendly_name") == name:
                self._client.request("DELETE", self._url(f"Accounts/{account_sid}/Keys/{key['sid']}.json"))
        created = response_json(self._client.request("POST", keys_url, data={"FriendlyName": name}))
        return SubaccountCredentials(account_sid, str(created["sid"]), str(created["secret"]))
