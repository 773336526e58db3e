"""The in-process mode: the emulator as an ``httpx`` transport, in the spirit of moto's ``mock_aws``."""

from __future__ import annotations

import email.utils
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import anyio.from_thread
import httpx
from starlette.types import ASGIApp

from ..client import use_transport
from ..config import Settings
from .app import build_app
from .core import Emulator


class EmulatorTransport(httpx.BaseTransport):
    """A synchronous ``httpx`` transport that serves requests with the emulator's ASGI app.

    The app runs on an event loop in a helper thread (an anyio blocking portal), so the transport
    can be shared by several threads and clients, as the dynamic provider's workers do: closing a
    client that uses it does not stop it. Any host name works:
    ``https://intelligence.twilio.com`` and ``https://conversations.twilio.com`` are both served.
    Like a server, it adds a ``Date`` header (from ``clock``, the emulator's clock) to every answer.

    Run it for a block with ``with EmulatorTransport.serving(app) as transport: ...``, or call
    :meth:`shutdown`; a transport dropped without either stops when it is garbage-collected. (Its
    own ``with`` is httpx's, entered and left by every client that uses it: it does not stop it.)
    """

    def __init__(self, app: ASGIApp, *, clock: Callable[[], float] = time.time) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._clock = clock
        portal_cm = anyio.from_thread.start_blocking_portal()
        self._portal = portal_cm.__enter__()
        self._stop = weakref.finalize(self, portal_cm.__exit__, None, None, None)

    @classmethod
    @contextmanager
    def serving(cls, app: ASGIApp, *, clock: Callable[[], float] = time.time) -> Iterator[EmulatorTransport]:
        """A transport serving ``app`` for the duration of the block, then stopped."""
        transport = cls(app, clock=clock)
        try:
            yield transport
        finally:
            transport.shutdown()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def serve() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            inner = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._asgi.handle_async_request(inner)
            content = await response.aread()
            return response.status_code, response.headers.raw, content

        status, headers, content = self._portal.call(serve)
        response = httpx.Response(status, headers=headers, content=content, request=request)
        response.headers.setdefault("Date", email.utils.formatdate(self._clock(), usegmt=True))
        return response

    def close(self) -> None:
        """Nothing: the transport is shared, and ``httpx.Client.close()`` calls this for every client
        that used it. It stops with :meth:`shutdown` (or at the end of :meth:`serving`)."""

    def shutdown(self) -> None:
        """Stop the helper thread's event loop (once; later calls do nothing); requests after this
        raise RuntimeError."""
        self._stop()


class InProcessEmulator(Emulator):
    """An :class:`Emulator` with its transport, as :func:`mock_twilio` yields it."""

    transport: EmulatorTransport

    def settings(self, account_sid: str | None = None, **overrides: Any) -> Settings:
        """:class:`Settings` with the credentials of ``account_sid`` (default: the first account the
        emulator was given, the demo account if none) and Twilio's real base URLs: the transport
        intercepts them.

        Raises:
            KeyError: the emulator has no credential for ``account_sid``.
        """
        account_sid = account_sid or self.accounts.all()[0].account
        for credential in self.accounts.all():
            if credential.account == account_sid:
                if credential.username.startswith("AC"):
                    return Settings(account_sid=account_sid, auth_token=credential.password, **overrides)
                return Settings(api_key=credential.username, api_secret=credential.password, **overrides)
        raise KeyError(f"the emulator has no credential for {account_sid}")

    def http_client(self, account_sid: str | None = None) -> httpx.Client:
        """A plain ``httpx.Client`` authenticated as ``account_sid`` (default as in :meth:`settings`),
        for raw API calls in tests; closing it does not stop the emulator."""
        settings = self.settings(account_sid)
        return httpx.Client(transport=self.transport, auth=settings.credentials())


@contextmanager
def mock_twilio(**kwargs: Any) -> Iterator[InProcessEmulator]:
    """Serve the Twilio APIs in-process for the duration of the block.

    Keyword arguments are those of :class:`Emulator`. Every ``TwilioClient`` created inside the
    block (including the provider's) talks to the emulator::

        with mock_twilio() as twilio:
            client = TwilioClient(twilio.settings())
            ...
    """
    emulator = InProcessEmulator(**kwargs)
    try:
        with EmulatorTransport.serving(build_app(emulator), clock=emulator.clock) as transport:
            emulator.transport = transport
            with use_transport(transport):
                yield emulator
    finally:
        emulator.store.close()
