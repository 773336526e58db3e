"""The HTTP client: auth, timeouts, retries and error mapping over one ``httpx.Client``."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx
from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt

from .._version import __version__
from ..config import Settings
from ..errors import TwilioApiError, TwilioConnectionError, TwilioError
from ._errors import api_error, scrub
from ._responses import response_json
from ._retry import (
    NOT_SENT,
    SAFE_METHODS,
    RetryableStatus,
    exception_is_retryable,
    parse_retry_after,
    status_is_retryable,
    wait_time,
)
from ._time import server_date

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


@dataclass
class Timing:
    """How clients wait and tell time.

    Attributes:
        sleep: waits so many seconds (between retries, between Operation polls).
        clock: a monotonic clock in seconds (deadlines, time elapsed).
    """

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


class TwilioClient:
    """A thread-safe JSON client for the Twilio Intelligence v3 and Conversations v2 APIs.

    Args:
        settings: credentials, base URLs, timeouts (seconds) and the retry budget.
        transport: an ``httpx`` transport to use instead of the network, e.g. the in-process
            emulator's :class:`~pulumi_twilio_intelligence.emulator.EmulatorTransport` (inside
            :func:`~pulumi_twilio_intelligence.emulator.mock_twilio` every client uses it anyway).
        timing: how this client waits and tells time; by default :attr:`timing`, shared by every
            client (tests replace its ``sleep`` and ``clock`` instead of ``time.sleep`` itself).

    One instance may serve the 4 worker threads of a dynamic provider at once. It remembers the
    ``Date`` of the latest answer, so that :meth:`server_now` tells Twilio's time, whatever the
    local clock says.
    """

    #: The timing of clients made without their own.
    timing: ClassVar[Timing] = Timing()

    def __init__(
        self, settings: Settings, transport: httpx.BaseTransport | None = None, *, timing: Timing | None = None
    ) -> None:
        self.settings = settings
        self._transport = transport
        self._timing = timing
        self._http: httpx.Client | None = None
        self._anonymous: httpx.Client | None = None
        self._lock = threading.Lock()
        self._server_time: tuple[float, float] | None = None  # (Twilio's Date, our clock() then)
        self._last_date: tuple[str | None, float] | None = None  # (a Date header, its time)

    @property
    def transport(self) -> httpx.BaseTransport | None:
        """The transport requests go through (this client's own, else the one of an enclosing
        :func:`use_transport` block), or ``None`` for the network."""
        return self._transport or _default_transport()

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (with this client's :class:`Timing`)."""
        (self._timing or TwilioClient.timing).sleep(seconds)

    def clock(self) -> float:
        """Monotonic seconds (with this client's :class:`Timing`)."""
        return (self._timing or TwilioClient.timing).clock()

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                username, password = self.settings.credentials()
                self._http = httpx.Client(
                    auth=httpx.BasicAuth(username, password),
                    timeout=self.settings.http_timeout,
                    transport=self.transport,
                    headers={"Accept": "application/json", "User-Agent": USER_AGENT},
                )
            return self._http

    def _anonymous_client(self) -> httpx.Client:
        """A client without credentials (presigned upload URLs live on other hosts)."""
        with self._lock:
            if self._anonymous is None:
                self._anonymous = httpx.Client(
                    timeout=self.settings.http_timeout,
                    transport=self._transport or _default_transport(),
                    headers={"User-Agent": USER_AGENT},
                )
            return self._anonymous

    def close(self) -> None:
        """Close the connection pools."""
        with self._lock:
            for http in (self._http, self._anonymous):
                if http is not None:
                    http.close()
            self._http = self._anonymous = None

    def server_now(self) -> float:
        """Twilio's current time (seconds since the epoch): the ``Date`` of the latest answer plus the
        time elapsed since on :attr:`clock`; the local clock before any answer with a ``Date``."""
        with self._lock:
            seen = self._server_time
        if seen is None:
            return time.time()
        date, at = seen
        return date + (self.clock() - at)

    def _note_date(self, response: httpx.Response) -> float | None:
        text = response.headers.get("Date")
        with self._lock:
            seen = self._last_date
        date = seen[1] if seen is not None and seen[0] == text else server_date(response)
        if date is not None:
            with self._lock:
                self._server_time = (date, self.clock())
                self._last_date = (text, date)  # answers within the same second parse it once
        return date

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        content: bytes | None = None,
        authenticated: bool = True,
    ) -> httpx.Response:
        """Send one request, retrying what is safe to retry, and return a 2xx response.

        ``json`` is sent as a JSON body (the v2 and v3 APIs); ``data`` form-encoded
        (``application/x-www-form-urlencoded``, Twilio's 2010 API); ``content`` a raw body.
        ``authenticated=False`` sends no credentials (a presigned upload URL, which may be on another
        host: credentials only ever go to Twilio).

        Retries: 429 and connection errors always; 5xx and lost responses only for GET/DELETE or
        when ``headers`` carry an ``Idempotency-Key``; at most ``settings.max_retries`` times, waiting
        with :attr:`sleep` (see :mod:`._retry` for how long).

        Raises:
            TwilioApiError: a 4xx/5xx answer (after retries).
            TwilioConnectionError: no answer (after retries); ``may_have_reached_twilio`` says whether
                Twilio may have acted. The message has no credentials.
            ConfigurationError: no credentials are configured.
        """
        method = method.upper()
        replay_safe = (
            method in SAFE_METHODS
            or (method == "PUT" and not authenticated)  # an upload of the same bytes to the same URL
            or any(k.lower() == "idempotency-key" for k in (headers or {}))
        )
        client = self._client() if authenticated else self._anonymous_client()

        def attempt() -> httpx.Response:
            response = client.request(
                method, url, json=json, data=data, params=params, headers=headers, content=content
            )
            date = self._note_date(response)
            if response.is_success:
                return response
            error = api_error(response, self.settings.secrets())
            if status_is_retryable(response.status_code, replay_safe=replay_safe):
                raise RetryableStatus(error, parse_retry_after(response.headers.get("Retry-After"), now=date))
            raise error

        try:
            try:  # the first attempt without tenacity's bookkeeping: most requests need no retry
                return attempt()
            except Exception as exc:
                if self.settings.max_retries == 0 or not exception_is_retryable(exc, replay_safe=replay_safe):
                    raise
                failed: list[Exception] = [exc]

            def again() -> httpx.Response:
                if failed:  # tenacity's first attempt is the one that just failed: it waits, then retries
                    raise failed.pop()
                return attempt()

            retrying = Retrying(
                stop=stop_after_attempt(self.settings.max_retries + 1),
                wait=wait_time,
                sleep=self.sleep,
                retry=retry_if_exception(lambda e: exception_is_retryable(e, replay_safe=replay_safe)),
                reraise=True,
            )
            return retrying(again)
        except RetryableStatus as exc:
            raise exc.error from None
        except TwilioApiError:
            raise
        except RetryError as exc:  # pragma: no cover - reraise=True makes this unreachable
            raise TwilioError(str(exc)) from None
        except httpx.HTTPError as exc:
            path = httpx.URL(url).path
            raise TwilioConnectionError(
                scrub(f"{method} {path} failed: {type(exc).__name__}: {exc}", self.settings.secrets()),
                method=method,
                path=path,
                may_have_reached_twilio=not isinstance(exc, NOT_SENT),
            ) from None

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        """``GET url`` and the decoded JSON body.

        Raises:
            TwilioApiError, TwilioConnectionError, ConfigurationError: as :meth:`request`.
            UnexpectedResponseError: the answer is not JSON.
        """
        return response_json(self.request("GET", url, params=params))
