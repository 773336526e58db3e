"""Credentials and settings: stack config first, then environment variables.

=================================  ==================================  =====================================
stack config (``pulumi config``)   environment variable                meaning
=================================  ==================================  =====================================
``twilio:accountSid``              ``TWILIO_ACCOUNT_SID``              Account SID (``AC...``)
``twilio:authToken`` (secret)      ``TWILIO_AUTH_TOKEN``               its auth token
``twilio:apiKey``                  ``TWILIO_API_KEY``                  API key SID (``SK...``), preferred
``twilio:apiSecret`` (secret)      ``TWILIO_API_SECRET``               its secret
``twilio:intelligenceBaseUrl``     ``TWILIO_INTELLIGENCE_BASE_URL``    default ``https://intelligence.twilio.com``
``twilio:conversationsBaseUrl``    ``TWILIO_CONVERSATIONS_BASE_URL``   default ``https://conversations.twilio.com``
``twilio:httpTimeout``             ``TWILIO_HTTP_TIMEOUT``             seconds per HTTP request (default 30)
``twilio:operationTimeout``        ``TWILIO_OPERATION_TIMEOUT``        seconds to wait for an Operation (600)
``twilio:maxRetries``              ``TWILIO_MAX_RETRIES``              retries of a failed request (default 5)
``twilio:abandonOperations``       ``TWILIO_ABANDON_OPERATIONS``       Operation ids to give up on (comma-separated)
=================================  ==================================  =====================================

With an API key and secret, Basic auth uses them; otherwise the Account SID and auth token.
Settings are read in the provider process (``ResourceProvider.configure``) and are never pickled into
Pulumi state; their ``repr`` hides every secret.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import ConfigurationError

DEFAULT_INTELLIGENCE_BASE_URL = "https://intelligence.twilio.com"
DEFAULT_CONVERSATIONS_BASE_URL = "https://conversations.twilio.com"
DEFAULT_MEMORY_BASE_URL = "https://memory.twilio.com"
DEFAULT_KNOWLEDGE_BASE_URL = "https://knowledge.twilio.com"
#: The APIs this package talks to, each at its own base URL (setting ``<api>_base_url``).
APIS = ("intelligence", "conversations", "memory", "knowledge")


class ConfigSource(Protocol):
    """Anything with ``get(key) -> str | None``: ``pulumi.dynamic.Config`` or a plain mapping."""

    def get(self, key: str) -> Any: ...


#: The settings that hold base URLs, one per API of :data:`APIS`.
BASE_URL_SETTINGS = tuple(f"{api}_base_url" for api in APIS)

#: setting name -> (stack config key, environment variable)
SOURCES: dict[str, tuple[str, str]] = {
    "account_sid": ("twilio:accountSid", "TWILIO_ACCOUNT_SID"),
    "auth_token": ("twilio:authToken", "TWILIO_AUTH_TOKEN"),
    "api_key": ("twilio:apiKey", "TWILIO_API_KEY"),
    "api_secret": ("twilio:apiSecret", "TWILIO_API_SECRET"),
    "intelligence_base_url": ("twilio:intelligenceBaseUrl", "TWILIO_INTELLIGENCE_BASE_URL"),
    "conversations_base_url": ("twilio:conversationsBaseUrl", "TWILIO_CONVERSATIONS_BASE_URL"),
    "memory_base_url": ("twilio:memoryBaseUrl", "TWILIO_MEMORY_BASE_URL"),
    "knowledge_base_url": ("twilio:knowledgeBaseUrl", "TWILIO_KNOWLEDGE_BASE_URL"),
    "http_timeout": ("twilio:httpTimeout", "TWILIO_HTTP_TIMEOUT"),
    "operation_timeout": ("twilio:operationTimeout", "TWILIO_OPERATION_TIMEOUT"),
    "max_retries": ("twilio:maxRetries", "TWILIO_MAX_RETRIES"),
    "abandon_operations": ("twilio:abandonOperations", "TWILIO_ABANDON_OPERATIONS"),
}
#: The most retries a user may ask for (each may wait up to a minute).
MAX_RETRIES_LIMIT = 20
#: The most Operation ids ``abandon_operations`` may name.
MAX_ABANDONED = 100


@dataclass(frozen=True)
class Settings:
    """Everything the REST layer needs. Secrets are excluded from ``repr``.

    Attributes:
        account_sid: the Account SID, or ``None`` when only an API key is given.
        auth_token, api_key, api_secret: credentials (see the module docstring for precedence).
        intelligence_base_url, conversations_base_url, memory_base_url, knowledge_base_url: base URLs
            without a trailing slash (Intelligence v3, Conversations v2, Memory v1, Knowledge v2).
        http_timeout: seconds allowed for one HTTP request.
        operation_timeout: seconds to wait for an asynchronous Operation to finish.
        max_retries: how many times a retryable failure (429, 5xx, connection error) is retried
            (0-20).
        abandon_operations: ids of unfinished Operations to give up on instead of waiting for them
            (``proc_job_...``, at most 100): the provider then checks the object and, unless it is
            already as desired, makes a fresh attempt under a new Idempotency-Key.
    """

    account_sid: str | None = None
    auth_token: str | None = field(default=None, repr=False)
    api_key: str | None = None
    api_secret: str | None = field(default=None, repr=False)
    intelligence_base_url: str = DEFAULT_INTELLIGENCE_BASE_URL
    conversations_base_url: str = DEFAULT_CONVERSATIONS_BASE_URL
    memory_base_url: str = DEFAULT_MEMORY_BASE_URL
    knowledge_base_url: str = DEFAULT_KNOWLEDGE_BASE_URL
    http_timeout: float = 30.0
    operation_timeout: float = 600.0
    max_retries: int = 5
    abandon_operations: frozenset[str] = frozenset()

    @classmethod
    def load(
        cls, config: ConfigSource | Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
    ) -> Settings:
        """Read every setting from ``config`` (stack config) first, then from ``env``.

        Raises:
            ConfigurationError: a number setting that does not parse, a timeout that is not above 0
                or a negative retry count (the message names the config key and the variable).
        """
        env = os.environ if env is None else env
        raw: dict[str, str] = {}
        for name, (config_key, env_key) in SOURCES.items():
            value = config.get(config_key) if config is not None else None
            if value in (None, ""):
                value = env.get(env_key)
            if value not in (None, ""):
                raw[name] = str(value)
        values: dict[str, Any] = dict(raw)
        for name, kind in (("http_timeout", float), ("operation_timeout", float), ("max_retries", int)):
            if name in raw:
                try:
                    number = kind(raw[name])
                except ValueError:
                    config_key, env_key = SOURCES[name]
                    raise ConfigurationError(f"{config_key} / {env_key} must be a number, got {raw[name]!r}") from None
                if (
                    number < 0
                    or (number == 0 and name != "max_retries")
                    or (name == "max_retries" and number > MAX_RETRIES_LIMIT)
                ):
                    need = (
                        f"must be a whole number from 0 to {MAX_RETRIES_LIMIT}"
                        if name == "max_retries"
                        else "must be a number of seconds above 0"
                    )
                    raise ConfigurationError(f"{SOURCES[name][0]} / {SOURCES[name][1]} {need}, got {raw[name]!r}")
                values[name] = number
        if "abandon_operations" in raw:
            ids = frozenset(part for part in raw["abandon_operations"].replace(",", " ").split() if part)
            if len(ids) > MAX_ABANDONED:
                config_key, env_key = SOURCES["abandon_operations"]
                raise ConfigurationError(
                    f"{config_key} / {env_key} names {len(ids)} Operations; at most {MAX_ABANDONED}"
                )
            values["abandon_operations"] = ids
        for name in BASE_URL_SETTINGS:
            if name in values:
                values[name] = values[name].rstrip("/")
        return cls(**values)

    def base_url(self, api: str) -> str:
        """The base URL of ``api`` (one of :data:`APIS`: ``intelligence``, ``conversations``,
        ``memory``, ``knowledge``), without a trailing slash.

        Raises:
            ValueError: an API this package does not know.
        """
        if api not in APIS:
            raise ValueError(f"unknown API {api!r} (known: {', '.join(APIS)})")
        url: str = getattr(self, f"{api}_base_url")
        return url

    def credentials(self) -> tuple[str, str]:
        """``(username, password)`` for HTTP Basic auth: the API key pair if set, else SID and token.

        Raises:
            ConfigurationError: when neither pair is complete. The message names the settings to
            provide and never contains a value.
        """
        if self.api_key and self.api_secret:
            return self.api_key, self.api_secret
        if self.account_sid and self.auth_token:
            return self.account_sid, self.auth_token
        raise ConfigurationError(
            "no Twilio credentials: set twilio:apiKey and the secret twilio:apiSecret "
            "(or twilio:accountSid and the secret twilio:authToken) with `pulumi config set [--secret]`, "
            "or the environment variables TWILIO_API_KEY/TWILIO_API_SECRET "
            "(or TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN)"
        )

    def secrets(self) -> tuple[str, ...]:
        """The secret values, so that error messages can be scrubbed of them: the auth token, the
        API secret, and the ``Authorization: Basic`` value made of them (should a server echo it)."""
        values = [s for s in (self.auth_token, self.api_secret) if s]
        for username, password in ((self.account_sid, self.auth_token), (self.api_key, self.api_secret)):
            if username and password:
                values.append(base64.b64encode(f"{username}:{password}".encode()).decode())
        return tuple(values)
