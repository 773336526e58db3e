"""The emulator as an ``httpx`` transport: its ASGI app served in-process, without a socket.

:func:`pulumi_twilio_intelligence.testing.mock_twilio` routes the package's own clients to it.
"""

from __future__ import annotations

import email.utils
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import anyio.from_thread
import httpx
from starlette.types import ASGIApp


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
