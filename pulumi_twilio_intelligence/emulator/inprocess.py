"""The in-process mode: the emulator as an ``httpx`` transport, in the spirit of moto's ``mock_aws``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio.from_thread
import httpx
from starlette.types import ASGIApp

from ..client import use_transport
from ..config import Settings
from .accounts import DEMO_ACCOUNT_SID
from .app import build_app
from .core import Emulator


class EmulatorTransport(httpx.BaseTransport):
    """A synchronous ``httpx`` transport that serves requests with the emulator's ASGI app.

    The app runs on an event loop in a helper thread (an anyio blocking portal), so the transport
    can be shared by several threads, as the dynamic provider's workers do. Any host name works:
    ``https://intelligence.twilio.com`` and ``https://conversations.twilio.com`` are both served.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._asgi = httpx.ASGITransport(app=app)
        self._portal_cm = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_cm.__enter__()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()

        async def serve() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            inner = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._asgi.handle_async_request(inner)
            content = await response.aread()
            return response.status_code, response.headers.raw, content

        status, headers, content = self._portal.call(serve)
        return httpx.Response(status, headers=headers, content=content, request=request)

    def close(self) -> None:
        """Nothing: the transport is shared by every client of the block, and closing one client
        (``TwilioClient.close``, ``with httpx.Client(...)``) must not stop it for the others."""

    def shutdown(self) -> None:
        """Stop the event loop thread (``mock_twilio`` does this when its block ends)."""
        self._portal_cm.__exit__(None, None, None)


class InProcessEmulator(Emulator):
    """An :class:`Emulator` with its transport, as :func:`mock_twilio` yields it."""

    transport: EmulatorTransport

    def settings(self, account_sid: str = DEMO_ACCOUNT_SID, **overrides: Any) -> Settings:
        """:class:`Settings` with the credentials of ``account_sid`` (Twilio's real base URLs: the
        transport intercepts them)."""
        for credential in self.accounts.all():
            if credential.account == account_sid:
                if credential.username.startswith("AC"):
                    return Settings(account_sid=account_sid, auth_token=credential.password, **overrides)
                return Settings(api_key=credential.username, api_secret=credential.password, **overrides)
        raise KeyError(f"the emulator has no credential for {account_sid}")

    def http_client(self, account_sid: str = DEMO_ACCOUNT_SID) -> httpx.Client:
        """A plain ``httpx.Client`` authenticated as ``account_sid``, for raw API calls in tests."""
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
    emulator.transport = EmulatorTransport(build_app(emulator))
    try:
        with use_transport(emulator.transport):
            yield emulator
    finally:
        emulator.transport.shutdown()
        emulator.store.close()
