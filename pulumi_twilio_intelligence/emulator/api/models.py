"""The 2010 API's backend: an account's subaccounts and API keys (moto's ``models.py``).

Every subaccount is an emulator account of its own: its Account SID and auth token, and every API key
made for it, authenticate on every API the emulator serves, and see only that account's objects.
Subaccounts and keys (:mod:`.records`) are stored with the rest of the state (a ``--state`` file keeps them; the
credentials are accepted again when the emulator starts on that file).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from ..backend import AccountBackend
from ..errors import EmulatorError, bad_request, not_found
from .records import ApiKey, Subaccount

if TYPE_CHECKING:
    from ..core import Emulator

SUBACCOUNT, API_KEY = "subaccount", "api_key"
ACCOUNTS_PATH = "/2010-04-01/Accounts"
#: Twilio limits friendly names to 64 characters.
MAX_FRIENDLY_NAME = 64
#: Accounts and keys: PageSize 1-1000 (default 50), as Twilio's 2010 lists.
MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE = 1000, 50


def _rfc2822(epoch: float) -> str:
    return format_datetime(datetime.fromtimestamp(epoch, tz=timezone.utc))


def _friendly_name(form: Mapping[str, str], default: str) -> str:
    name = form.get("FriendlyName", default)
    if len(name) > MAX_FRIENDLY_NAME:
        raise bad_request("FriendlyName", f"must be at most {MAX_FRIENDLY_NAME} characters")
    return name


def _page_size(query: Mapping[str, str]) -> tuple[int, int]:
    """``(PageSize, Page)`` from a list's query; 400 naming the parameter when out of bounds."""
    try:
        size = int(query.get("PageSize", DEFAULT_PAGE_SIZE))
        page = int(query.get("Page", 0))
    except ValueError:
        raise bad_request("PageSize", "must be a whole number") from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise bad_request("PageSize", f"must be between 1 and {MAX_PAGE_SIZE}")
    if not 0 <= page <= 1_000_000:
        raise bad_request("Page", "must be between 0 and 1000000")
    return size, page


def page_of(items: list[dict[str, Any]], key: str, uri: str, query: Mapping[str, str]) -> dict[str, Any]:
    """A 2010 list page: ``{<key>: [...], page, page_size, start, end, uri, first_page_uri,
    next_page_uri, previous_page_uri}`` (URIs relative to the API's host)."""
    size, page = _page_size(query)
    start = page * size
    chunk = items[start : start + size]
    extra = "".join(f"&{k}={v}" for k, v in query.items() if k in ("FriendlyName", "Status"))

    def page_uri(number: int) -> str:
        return f"{uri}?PageSize={size}&Page={number}{extra}"

    return {
        key: chunk,
        "page": page,
        "page_size": size,
        "start": start,
        "end": start + max(len(chunk) - 1, 0),
        "uri": page_uri(page),
        "first_page_uri": page_uri(0),
        "next_page_uri": page_uri(page + 1) if start + size < len(items) else None,
        "previous_page_uri": page_uri(page - 1) if page > 0 else None,
    }


class ApiBackend(AccountBackend):
    """The subaccounts and API keys of one account (the authenticated one: the parent)."""

    def __init__(self, emulator: Emulator, account: str) -> None:
        super().__init__(emulator, account)
        self.subaccounts = self.table(SUBACCOUNT, Subaccount)
        self.keys = self.table(API_KEY, ApiKey)

    def custom_resources(self) -> dict[str, int]:
        """Subaccounts and API keys made through the API."""
        counts = {SUBACCOUNT: len(self.subaccounts.all()), API_KEY: len(self.keys.all())}
        return {kind: count for kind, count in counts.items() if count}

    # -- accounts -------------------------------------------------------------------------------

    def _account_body(self, record: Subaccount) -> dict[str, Any]:
        uri = f"{ACCOUNTS_PATH}/{record.sid}"
        return {
            "auth_token": record.auth_token,
            "date_created": _rfc2822(record.date_created),
            "date_updated": _rfc2822(record.date_updated),
            "friendly_name": record.friendly_name,
            "owner_account_sid": self.account,
            "sid": record.sid,
            "status": record.status,
            "subresource_uris": {"keys": f"{uri}/Keys.json"},
            "type": "Full",
            "uri": f"{uri}.json",
        }

    def _own_body(self) -> dict[str, Any]:
        """The authenticated account itself (its token is not the emulator's to show: null)."""
        own = Subaccount(
            sid=self.account, friendly_name=self.account, auth_token="", date_created=0.0, date_updated=0.0
        )
        body = self._account_body(own)
        body["auth_token"] = None
        return body

    def create_account(self, form: Mapping[str, str]) -> dict[str, Any]:
        """``POST /2010-04-01/Accounts.json``: a new subaccount, an emulator account of its own."""
        now = self.emulator.clock()
        default = "SubAccount Created at " + datetime.fromtimestamp(now, tz=timezone.utc).strftime("%Y-%m-%d %I:%M %p")
        record = Subaccount(
            sid="AC" + secrets.token_hex(16),
            friendly_name=_friendly_name(form, default),
            auth_token=secrets.token_hex(16),
            date_created=now,
            date_updated=now,
        )
        self.subaccounts.put(record.sid, record)
        self.emulator.accounts.add_account(record.sid, record.auth_token)
        return self._account_body(record)

    def fetch_account(self, sid: str) -> dict[str, Any]:
        """``GET /2010-04-01/Accounts/{Sid}.json``: this account or one of its subaccounts; 404 otherwise."""
        if sid == self.account:
            return self._own_body()
        record = self.subaccounts.get(sid)
        if record is None:
            raise not_found("Account", sid)
        return self._account_body(record)

    def list_accounts(self, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /2010-04-01/Accounts.json``: this account and its subaccounts, filtered by
        ``FriendlyName`` and ``Status`` (``active``, ``suspended``, ``closed``)."""
        status = query.get("Status")
        if status is not None and status not in ("active", "suspended", "closed"):
            raise bad_request("Status", "must be one of active, suspended, closed")
        bodies = [self._own_body()] + [self._account_body(r) for r in self.subaccounts.all()]
        name = query.get("FriendlyName")
        found = [b for b in bodies if (name is None or b["friendly_name"] == name) and status in (None, b["status"])]
        return page_of(found, "accounts", f"{ACCOUNTS_PATH}.json", query)

    # -- keys -------------------------------------------------------------------------------------

    def _owner(self, account_sid: str) -> ApiBackend:
        """The backend of ``account_sid`` when the authenticated account may act for it (itself or its
        subaccount, as a parent's credentials may); 404 otherwise."""
        if account_sid == self.account:
            return self
        if self.subaccounts.get(account_sid) is None:
            raise not_found("Account", account_sid)
        return self.emulator.api[account_sid]

    @staticmethod
    def _key_body(record: ApiKey, *, secret: bool = False) -> dict[str, Any]:
        body = {
            "sid": record.sid,
            "friendly_name": record.friendly_name,
            "date_created": _rfc2822(record.date_created),
            "date_updated": _rfc2822(record.date_updated),
        }
        if secret:
            body["secret"] = record.secret
        return body

    def create_key(self, account_sid: str, form: Mapping[str, str]) -> dict[str, Any]:
        """``POST /2010-04-01/Accounts/{AccountSid}/Keys.json``: a new API key acting for that account;
        the secret is in this answer only."""
        owner = self._owner(account_sid)
        now = self.emulator.clock()
        record = ApiKey(
            sid="SK" + secrets.token_hex(16),
            friendly_name=_friendly_name(form, ""),
            secret=secrets.token_urlsafe(24),
            date_created=now,
            date_updated=now,
        )
        owner.keys.put(record.sid, record)
        self.emulator.accounts.add_api_key(record.sid, record.secret, account_sid)
        return self._key_body(record, secret=True)

    def list_keys(self, account_sid: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /2010-04-01/Accounts/{AccountSid}/Keys.json`` (no secrets)."""
        owner = self._owner(account_sid)
        bodies = [self._key_body(r) for r in owner.keys.all()]
        return page_of(bodies, "keys", f"{ACCOUNTS_PATH}/{account_sid}/Keys.json", query)

    def _key(self, account_sid: str, sid: str) -> tuple[ApiBackend, ApiKey]:
        owner = self._owner(account_sid)
        record = owner.keys.get(sid)
        if record is None:
            raise not_found("Key", sid)
        return owner, record

    def fetch_key(self, account_sid: str, sid: str) -> dict[str, Any]:
        """``GET /2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json`` (no secret)."""
        return self._key_body(self._key(account_sid, sid)[1])

    def delete_key(self, account_sid: str, sid: str) -> None:
        """``DELETE /2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json``: the key stops authenticating."""
        owner, record = self._key(account_sid, sid)
        owner.keys.delete(record.sid)
        self.emulator.accounts.remove(record.sid)


def restore_credentials(emulator: Emulator) -> None:
    """Accept again the subaccounts and keys of a state file (called when the emulator starts)."""
    for account in emulator.store.accounts():
        backend = emulator.api[account]
        for sub in backend.subaccounts.all():
            emulator.accounts.add_account(sub.sid, sub.auth_token)
        for key in backend.keys.all():
            emulator.accounts.add_api_key(key.sid, key.secret, account)


def unsupported_media_type(content_type: str) -> EmulatorError:
    """415: the 2010 API takes ``application/x-www-form-urlencoded`` bodies."""
    return EmulatorError(
        415, f"Unsupported Content-Type {content_type!r}: the 2010 API takes application/x-www-form-urlencoded"
    )
