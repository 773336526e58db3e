"""Fixtures for driving the providers directly against the in-process emulator."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_twilio_intelligence.emulator import InProcessEmulator
from pulumi_twilio_intelligence.resources import get_operator
from pulumi_twilio_intelligence.resources._provider import TwilioProvider

from ..conftest import CUSTOM_OPERATOR

P = TypeVar("P", bound=TwilioProvider)
MEMORY_STORE_ID = "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7"

#: The required fields of a Conversation Configuration (and the resource's identity).
CONVERSATION: dict[str, Any] = {
    "display_name": "Support",
    "description": "Voice line",
    "conversation_grouping_type": "GROUP_BY_PROFILE",
    "memory_store_id": MEMORY_STORE_ID,
    "__name": "test/dev/ConversationConfiguration/support",
}


@pytest.fixture(autouse=True)
def _no_twilio_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come from the test's stack config only (never from the developer's TWILIO_* variables)."""
    for key in list(os.environ):
        if key.startswith("TWILIO_"):
            monkeypatch.delenv(key)


def to_engine(value: Any, *, reorder: bool = True) -> Any:
    """A value as the engine hands it to a provider: every number (not bool) is a float, and maps
    may have lost their key order (they cross gRPC as Structs): with ``reorder``, keys come in
    reverse order, without it in the program's order."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, dict):
        keys = sorted(value, reverse=True) if reorder else list(value)
        return {k: to_engine(value[k], reorder=reorder) for k in keys}
    if isinstance(value, list):
        return [to_engine(v, reorder=reorder) for v in value]
    return value


def configure(provider: P, config: dict[str, Any]) -> P:
    """Run the provider's ``configure`` with this stack config, as the engine does."""
    provider.configure(ConfigureRequest(Config(config, "test")))
    return provider


@pytest.fixture
def make_provider(twilio: InProcessEmulator) -> Callable[..., Any]:
    """``make_provider(OperatorProvider, **config)``: a provider configured with the demo account's
    credentials (as ``twilio:*`` stack config) plus ``config`` (e.g. ``{"twilio:maxRetries": "1"}``)."""
    settings = twilio.settings()

    def make(cls: type[P], config: dict[str, Any] | None = None) -> P:
        stack_config = {"twilio:accountSid": settings.account_sid, "twilio:authToken": settings.auth_token}
        return configure(cls(), {**stack_config, **(config or {})})

    return make


@dataclass
class Ids:
    """Operators the tests reference: a custom one and Twilio-authored ones."""

    custom: str
    sentiment: str  # version 1 DEPRECATED, version 2 ACTIVE
    summary: str  # version 1 RETIRED, version 2 ACTIVE
    next_best: str  # no parameters, one ACTIVE version


@pytest.fixture
def api(twilio: InProcessEmulator) -> Iterator[httpx.Client]:
    """A raw HTTP client for the demo account (out-of-band changes)."""
    with twilio.http_client() as http:
        yield http


@pytest.fixture
def ids(twilio: InProcessEmulator, api: httpx.Client) -> Ids:
    """Create the custom operator and look up Twilio's."""
    created = api.post("https://intelligence.twilio.com/v3/ControlPlane/Operators", json=CUSTOM_OPERATOR)
    assert created.status_code == 201, created.text
    settings = twilio.settings()

    def twilio_operator(name: str) -> str:
        return get_operator(display_name=name, author="TWILIO", settings=settings).id

    return Ids(
        custom=created.json()["id"],
        sentiment=twilio_operator("Sentiment Analysis"),
        summary=twilio_operator("Summary"),
        next_best=twilio_operator("Next Best Response"),
    )


class Recorder(httpx.BaseTransport):
    """Wraps the emulator's transport and keeps every request (method, path, headers)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)

    def writes(self) -> list[httpx.Request]:
        """The requests that change something (POST, PUT, PATCH, DELETE)."""
        return [r for r in self.requests if r.method in ("POST", "PUT", "PATCH", "DELETE")]


Factory = Callable[..., Any]
