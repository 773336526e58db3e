"""The emulator object: state, ids, clock, accounts, faults, request counts and the API backends
(one per account and API: ``emulator.intelligence[account_sid]``)."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeVar

from pydantic import ValidationError

from ..models import WireModel, error_messages
from .accounts import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, Accounts
from .api.models import ApiBackend, restore_credentials
from .backend import AccountBackend, BackendDict
from .conversations.models import ConversationsBackend
from .errors import EmulatorError, bad_request, not_found
from .faults import Faults
from .hooks import Hooks
from .ids import IdFactory
from .intelligence.models import IntelligenceBackend
from .knowledge.models import KnowledgeBackend
from .memory.models import MemoryBackend
from .state import Store

M = TypeVar("M", bound=WireModel)
B = TypeVar("B", bound=AccountBackend)


class Emulator:
    """A stateful, validating emulator of Twilio's Intelligence v3 and Conversations v2 ControlPlane.

    Args:
        state_path: SQLite file for durable state; ``None`` keeps state in memory.
        accounts: ``{account_sid: auth_token}``; with neither ``accounts`` nor ``api_keys`` the demo
            account (:data:`DEMO_ACCOUNT_SID` / :data:`DEMO_AUTH_TOKEN`) is served.
        api_keys: ``{api_key: (secret, account_sid)}``.
        faults: fault injection and timing (see :class:`Faults`).
        seed: makes minted ids reproducible.
        clock: seconds since the epoch (replace it to drive Operations in tests).
        strict_references: refuse (400 naming ``memoryStoreId``) a Conversation Configuration whose
            Memory Store does not exist in the account; live Twilio accepts it (and then fails
            silently), and so does the emulator by default.

    Raises:
        ValueError: an Account SID is not ``AC`` followed by 32 hex digits.

    Each API has one backend per account: ``emulator.intelligence[account_sid]`` (an
    :class:`~.intelligence.models.IntelligenceBackend`), ``emulator.conversations[account_sid]``.

    Use :func:`~pulumi_twilio_intelligence.emulator.build_app` for the ASGI application (server mode) and
    :func:`pulumi_twilio_intelligence.testing.mock_twilio` for the in-process mode.
    """

    def __init__(
        self,
        *,
        state_path: str | None = None,
        accounts: dict[str, str] | None = None,
        api_keys: dict[str, tuple[str, str]] | None = None,
        faults: Faults | None = None,
        seed: int | None = None,
        clock: Callable[[], float] = time.time,
        strict_references: bool = False,
    ) -> None:
        self.accounts = Accounts()
        for sid, token in (accounts or {}).items():
            self.accounts.add_account(sid, token)
        for key, (secret, sid) in (api_keys or {}).items():
            self.accounts.add_api_key(key, secret, sid)
        if not accounts and not api_keys:
            self.accounts.add_account(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN)
        self.store = Store(state_path)  # opened once the arguments are known to be good
        self.clock = clock
        self.ids = IdFactory(seed, clock)
        self.faults = faults or Faults()
        #: Commit hooks for crash tests (admin API ``/__emulator/hooks``).
        self.hooks = Hooks()
        #: Every API's backends, in registration order (:meth:`register`).
        self.backends: list[BackendDict[Any]] = []
        # the APIs (see "Adding an API" in the package's docstring)
        self.intelligence = self.register(IntelligenceBackend)
        self.conversations = self.register(ConversationsBackend)
        self.memory = self.register(MemoryBackend)
        self.knowledge = self.register(KnowledgeBackend)
        self.api = self.register(ApiBackend)  # Twilio's 2010 API: subaccounts and their API keys
        restore_credentials(self)  # those of a state file authenticate again
        self.strict_references = strict_references
        self._counts: Counter[str] = Counter()
        self._counts_lock = threading.Lock()

    def register(self, backend: Callable[[Emulator, str], B]) -> BackendDict[B]:
        """The backends of one more API, one per account (made on first use); they take part in
        :meth:`custom_resources`."""
        backends = BackendDict(self, backend)
        self.backends.append(backends)
        return backends

    # -- helpers for the backends ------------------------------------------------------------

    def now_iso(self) -> str:
        """The current time as Twilio writes it: ``2026-01-12T08:18:17Z``."""
        return self.iso(self.clock())

    @staticmethod
    def iso(epoch: float) -> str:
        """An epoch time as an ISO-8601 UTC string with seconds precision."""
        return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def validate(self, model: type[M], body: Any) -> M:
        """Validate a JSON request body (strict JSON types) against a wire model; 400 naming the first
        offending field in wire names (``rules[0].triggers[0].parameters.count``)."""
        if not isinstance(body, dict):
            raise bad_request("body", "must be a JSON object")
        try:
            return model.from_wire(body, strict=True)
        except ValidationError as exc:
            pairs = error_messages(model, exc, python=False)
            path, reason = pairs[0] if pairs else ("body", "is invalid")
            raise bad_request(path or "body", reason) from None

    @staticmethod
    def check_id(value: str, pattern: str, what: str) -> None:
        """A path id that cannot exist (wrong TTID pattern) is simply not found: 404 ``"<what> <id> was not found"``."""
        if not re.fullmatch(pattern, value):
            raise not_found(what, value)

    @staticmethod
    def check_pattern(value: str, pattern: str, name: str) -> None:
        """400 naming ``name`` when ``value`` does not match ``pattern``."""
        if not re.fullmatch(pattern, value):
            raise bad_request(name, f"must match {pattern}")

    # -- request accounting -------------------------------------------------------------------

    def count(self, method: str, template: str) -> None:
        """Record one API request (method and route template, e.g. ``GET /v3/ControlPlane/Operators/{id}``)."""
        with self._counts_lock:
            self._counts[f"{method} {template}"] += 1

    def request_counts(self) -> dict[str, int]:
        """API requests served so far, per ``"METHOD /route/{template}"``."""
        with self._counts_lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        """Start counting requests from zero."""
        with self._counts_lock:
            self._counts.clear()

    def reset(self) -> None:
        """Forget all state, request counts and commit hooks (accounts and faults stay)."""
        self.store.reset()
        self.reset_counts()
        self.hooks.clear()

    def custom_resources(self, account: str | None = None) -> dict[str, int]:
        """How many user-created objects exist (Twilio-authored operators excluded), per kind."""
        out: dict[str, int] = {}
        accounts = [account] if account else self.store.accounts()
        for acct in accounts:
            for backends in self.backends:
                for kind, count in backends[acct].custom_resources().items():
                    out[kind] = out.get(kind, 0) + count
        return out

    def error(self, status: int, message: str, **kwargs: Any) -> EmulatorError:
        """An :class:`EmulatorError` (for routes and faults)."""
        return EmulatorError(status, message, **kwargs)
