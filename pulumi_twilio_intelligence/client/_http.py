"""The HTTP client: auth, timeouts, retries and error mapping over one ``httpx.Client``."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt

from .._version import __version__
from ..config import Settings
from ..errors import TwilioApiError, TwilioError
from ._errors import api_error, scrub
from ._retry import (
    SAFE_METHODS,
    RetryableStatus,
    exception_is_retryable,
    parse_retry_after,
    status_is_retryable,
    wait_time,
)

USER_AGENT = f"pulumi-twilio-intelligence/{__version__}"

_override_lock = threading.Lock()
_override: list[httpx.BaseTransport] = []


@contextmanager
def use_transport(transport: httpx.BaseTransport) -> Iterator[httpx.BaseTransport]:
    """Route every :class:`TwilioClient` created inside the block through ``transport``.

    This is the seam the in-process emulator plugs into (like moto's ``mock_aws``): clients built by
    the provider during a test talk to the emulator instead of the network. Blocks may nest.
    """
    with _override_lock:
        _override.append(transport)
    try:
        yield transport
    finally:
        with _override_lock:
            _override.remove(transport)


def _default_transport() -> httpx.BaseTransport | None:
    with _override_lock:
        return _override[-1] if _override else None


class TwilioClient:
    """A thread-safe JSON client for the Twilio Intelligence v3 and Conversations v2 APIs.

    Args:
        settings: credentials, base URLs, timeouts (seconds) and the retry budget.
        transport: an ``httpx`` transport to use instead of the network, e.g. the in-process
            emulator's (:func:`pulumi_twilio_intelligence.emulator.mock_twilio`).

    One instance may serve the 4 worker threads of a dynamic provider at once.
    """

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self._transport = transport
        self._http: httpx.Client | None = None
        self._lock = threading.Lock()

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                username, password = self.settings.credentials()
                self._http = httpx.Client(
                    auth=httpx.BasicAuth(username, password),
                    timeout=self.settings.http_timeout,
                    transport=self._transport or _default_transport(),
                    headers={"Accept": "application/json", "User-Agent": USER_AGENT},
                )
            return self._http

    def close(self) -> None:
        """Close the connection pool."""
        with self._lock:
            if self._http is not None:
                self._http.close()
                self._http = None

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request, retrying what is safe to retry, and return a 2xx response.

        Retries: 429 and connection errors always; 5xx and lost responses only for GET/DELETE or
        when ``headers`` carry an ``Idempotency-Key``; at most ``settings.max_retries`` times.

        Raises:
            TwilioApiError: a 4xx/5xx answer (after retries).
            TwilioError: the network failed (after retries); the message has no credentials.
            ConfigurationError: no credentials are configured.
        """
        method = method.upper()
        replay_safe = method in SAFE_METHODS or any(k.lower() == "idempotency-key" for k in (headers or {}))
        client = self._client()
        secrets = self.settings.secrets()

        def attempt() -> httpx.Response:
            response = client.request(method, url, json=json, params=params, headers=headers)
            if response.is_success:
                return response
            error = api_error(response, secrets)
            if status_is_retryable(response.status_code, replay_safe=replay_safe):
                raise RetryableStatus(error, parse_retry_after(response.headers.get("Retry-After")))
            raise error

        retrying = Retrying(
            stop=stop_after_attempt(self.settings.max_retries + 1),
            wait=wait_time,
            retry=retry_if_exception(lambda e: exception_is_retryable(e, replay_safe=replay_safe)),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except RetryableStatus as exc:
            raise exc.error from None
        except TwilioApiError:
            raise
        except RetryError as exc:  # pragma: no cover - reraise=True makes this unreachable
            raise TwilioError(str(exc)) from None
        except httpx.HTTPError as exc:
            raise TwilioError(
                scrub(f"{method} {httpx.URL(url).path} failed: {type(exc).__name__}: {exc}", secrets)
            ) from None

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        """``GET url`` and the decoded JSON body."""
        return self.request("GET", url, params=params).json()
