"""Credentials and the accounts they act for (Basic auth, as Twilio does it).

Every credential maps to one account: an Account SID with its auth token, or an API key (``SK...``)
with its secret, bound to an account. Resources are invisible across accounts, as Twilio subaccounts are.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import threading
from dataclasses import dataclass

from .errors import EmulatorError

#: The account the emulator serves when it is given none (documented in the README).
DEMO_ACCOUNT_SID = "AC" + "0" * 32
DEMO_AUTH_TOKEN = "emulator-demo-token"
ACCOUNT_SID_PATTERN = re.compile(r"^AC[0-9a-fA-F]{32}$")


@dataclass(frozen=True)
class Credential:
    """A username/password pair and the account it acts for."""

    username: str
    password: str
    account: str


class Accounts:
    """The credentials the emulator accepts. Thread-safe; accounts can be added while it runs."""

    def __init__(self) -> None:
        self._by_username: dict[str, Credential] = {}
        self._lock = threading.Lock()

    def add_account(self, account_sid: str, auth_token: str) -> Credential:
        """Accept ``account_sid``/``auth_token``. Raises ValueError for a malformed Account SID."""
        if not ACCOUNT_SID_PATTERN.match(account_sid):
            raise ValueError(f"{account_sid!r} is not an Account SID (AC followed by 32 hex digits)")
        return self._add(Credential(account_sid, auth_token, account_sid))

    def add_api_key(self, api_key: str, secret: str, account_sid: str) -> Credential:
        """Accept ``api_key``/``secret`` for ``account_sid`` (the account is added if unknown)."""
        if not ACCOUNT_SID_PATTERN.match(account_sid):
            raise ValueError(f"{account_sid!r} is not an Account SID (AC followed by 32 hex digits)")
        return self._add(Credential(api_key, secret, account_sid))

    def _add(self, credential: Credential) -> Credential:
        with self._lock:
            self._by_username[credential.username] = credential
        return credential

    def remove(self, username: str) -> None:
        """Stop accepting ``username`` (an API key that was deleted); unknown names are ignored."""
        with self._lock:
            self._by_username.pop(username, None)

    def all(self) -> list[Credential]:
        """Every accepted credential."""
        with self._lock:
            return list(self._by_username.values())

    def authenticate(self, authorization: str | None) -> str:
        """The account an ``Authorization: Basic ...`` header acts for; 401 otherwise."""
        if not authorization or not authorization.lower().startswith("basic "):
            raise _unauthorized("Authentication required: use HTTP Basic auth with an API key or Account SID")
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
            username, _, password = decoded.partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise _unauthorized("Authentication failed: malformed Basic credentials") from None
        with self._lock:
            credential = self._by_username.get(username)
        if credential is None or not hmac.compare_digest(credential.password.encode(), password.encode()):
            raise _unauthorized("Authentication failed: unknown username or wrong password")
        return credential.account


def _unauthorized(message: str) -> EmulatorError:
    """401 with the challenge Twilio sends (the message never repeats the credentials)."""
    return EmulatorError(401, message, headers={"WWW-Authenticate": 'Basic realm="Twilio API"'})
