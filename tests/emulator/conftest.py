"""Every response the in-process emulator gives in these tests is checked against Twilio's documents.

The autouse fixture :func:`conforming_responses` records each exchange that passes through
:class:`~pulumi_twilio_intelligence.emulator.EmulatorTransport` (whoever created the emulator:
the ``twilio`` fixture, ``mock_twilio()`` in a test, the provider's clients) and fails the test at
teardown when one of them breaks the official OpenAPI documents (see :mod:`.openapi_contract`).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import EmulatorProcess, EmulatorTransport

from . import documents
from .openapi_contract import Contract, Exchange


@pytest.fixture(scope="session")
def contract() -> Contract:
    """The official documents (a failure under CI when one is missing, a skip elsewhere)."""
    return documents.contract()


@pytest.fixture(scope="module")
def server() -> Iterator[EmulatorProcess]:
    """The emulator as a server process for a test module (demo account, Operations complete at once,
    seeded ids); reset it through its admin API where a test needs it empty."""
    with EmulatorProcess(["--operation-delay", "0", "--seed", "7"]) as emulator:
        yield emulator


@pytest.fixture(autouse=True)
def conforming_responses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Exchange]]:
    """The exchanges the in-process emulator served during the test; checked at teardown (outside
    CI without the documents, the behaviour tests still run, unchecked)."""
    checker = documents.contract_if_available()
    seen: list[Exchange] = []
    serve = EmulatorTransport.handle_request

    def recording(self: EmulatorTransport, request: httpx.Request) -> httpx.Response:
        response = serve(self, request)
        seen.append(Exchange.from_httpx(response))
        return response

    monkeypatch.setattr(EmulatorTransport, "handle_request", recording)
    yield seen
    if checker is not None:
        checker.check(seen)
