"""The in-process mode: the emulator behind an ``httpx`` transport that every ``TwilioClient`` of this
process uses, in the spirit of moto's ``mock_aws``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from ..client import use_transport
from ..config import Settings
from ..emulator import Emulator, EmulatorTransport, build_app


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
