"""Fixtures and helpers for driving the providers and the REST layer against the in-process emulator.

Shared by every unit test: the inputs (``OPERATOR``, ``JSON_OPERATOR``, ``CONVERSATION``), a
``ManualClock`` behind every emulator (``clock``), fake time for every ``TwilioClient`` (``sleeps``),
and, where the emulator cannot be made to give an answer, a fake Twilio whose every answer is
checked against the official OpenAPI documents (:class:`DocumentedFake`).
"""

from __future__ import annotations

import email.utils
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest
from pulumi.dynamic import Config, ConfigureRequest

from pulumi_twilio_intelligence.client import Timing, TwilioClient
from pulumi_twilio_intelligence.config import Settings
from pulumi_twilio_intelligence.emulator import ManualClock
from pulumi_twilio_intelligence.emulator.app import SERVICES
from pulumi_twilio_intelligence.emulator.errors import EmulatorError
from pulumi_twilio_intelligence.resources import get_operator
from pulumi_twilio_intelligence.resources._provider import TwilioProvider
from pulumi_twilio_intelligence.testing import InProcessEmulator

from ..conftest import CUSTOM_OPERATOR
from ..emulator.documents import contract_if_available
from ..emulator.openapi_contract import Exchange

P = TypeVar("P", bound=TwilioProvider)
MEMORY_STORE_ID = "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7"
OPERATORS = "https://intelligence.twilio.com/v3/ControlPlane/Operators"
CONFIGURATIONS = "https://intelligence.twilio.com/v3/ControlPlane/Configurations"
CONVERSATIONS = "https://conversations.twilio.com/v2/ControlPlane/Configurations"

#: A custom operator's inputs (Python names): TEXT output, one INTEGER parameter the prompt uses.
OPERATOR: dict[str, Any] = {
    "display_name": "Adherence",
    "prompt": "Rate 0-{{parameters.scale}}",
    "output_format": "TEXT",
    "parameters": {"scale": {"type": "INTEGER", "default": 5}},
}
#: The same with JSON output and its schema.
JSON_OPERATOR: dict[str, Any] = {
    **OPERATOR,
    "output_format": "JSON",
    "output_schema": {"type": "object", "properties": {"score": {"type": "integer"}}},
}
#: The required fields of a Conversation Configuration, and the resource's identity.
CONVERSATION: dict[str, Any] = {
    "display_name": "Support",
    "description": "Voice line",
    "conversation_grouping_type": "GROUP_BY_PROFILE",
    "memory_store_id": MEMORY_STORE_ID,
    "__name": "test/dev/ConversationConfiguration/support",
}
#: Credentials for fakes (never a real account).
FAKE_SETTINGS = Settings(account_sid="AC" + "1" * 32, auth_token="test-token-0123")


@pytest.fixture(autouse=True)
def _no_twilio_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come from the test's stack config only (never from the developer's TWILIO_* variables)."""
    for key in list(os.environ):
        if key.startswith("TWILIO_"):
            monkeypatch.delenv(key)


@pytest.fixture
def clock() -> ManualClock:
    """The emulator's clock: time moves only when a test (or :func:`sleeps`) moves it."""
    return ManualClock()


@pytest.fixture
def twilio_emulator_options(clock: ManualClock) -> dict[str, Any]:
    """Every unit test's emulator: reproducible ids, and the test's ManualClock."""
    return {"seed": 7, "clock": clock}


@dataclass
class FakeTime:
    """Time as every TwilioClient sees it during a test: ``sleep`` records the wait and moves the
    clients' monotonic clock and the emulator's ManualClock by it, instead of sleeping."""

    emulator_clock: ManualClock
    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        self.emulator_clock.advance(seconds)

    def clock(self) -> float:
        return self.now


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch, clock: ManualClock) -> FakeTime:
    """Replace the timing of every TwilioClient (never ``time.sleep`` itself) with :class:`FakeTime`."""
    fake = FakeTime(clock)
    monkeypatch.setattr(TwilioClient, "timing", Timing(sleep=fake.sleep, clock=fake.clock))
    return fake


@pytest.fixture
def sleeps(fake_time: FakeTime) -> list[float]:
    """The waits of every TwilioClient in the test (retries and polls), in order; none is slept."""
    return fake_time.sleeps


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


def create_ids(twilio: InProcessEmulator, api: httpx.Client) -> Ids:
    """Create the custom operator and look up Twilio's."""
    created = api.post(OPERATORS, json=CUSTOM_OPERATOR)
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


@pytest.fixture
def ids(twilio: InProcessEmulator, api: httpx.Client) -> Ids:
    """The custom operator, created, and Twilio's, looked up."""
    return create_ids(twilio, api)


class Recorder(httpx.BaseTransport):
    """Wraps the emulator's transport and keeps every request (method, path, headers) and the
    status of every answer."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []
        self.statuses: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        response = self.inner.handle_request(request)
        self.statuses.append(response.status_code)
        return response

    def writes(self) -> list[httpx.Request]:
        """The requests that change something (POST, PUT, PATCH, DELETE)."""
        return [r for r in self.requests if r.method in ("POST", "PUT", "PATCH", "DELETE")]

    def lines(self) -> list[str]:
        """``"METHOD /path"`` of every request, in order."""
        return [f"{r.method} {r.url.path}" for r in self.requests]


Answer = httpx.Response | Exception | None


class DocumentedFake(httpx.BaseTransport):
    """A fake Twilio, for answers the emulator cannot be made to give (a given ``Retry-After``, an
    answer lost after Twilio acted): each request goes to ``answer``, which returns a response or
    raises (``httpx.ReadTimeout``...), or returns ``None`` to let ``inner`` (the emulator) answer.
    Every response is checked against the official OpenAPI documents: an undocumented one fails
    the test (outside CI only when the documents are missing)."""

    def __init__(
        self,
        answer: Callable[[httpx.Request], httpx.Response | None],
        inner: httpx.BaseTransport | None = None,
    ) -> None:
        self.answer = answer
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        response = self.answer(request)
        if response is None:
            if self.inner is None:
                raise AssertionError(f"no answer for {request.method} {request.url}")
            return self.inner.handle_request(request)
        response.request = request
        response.read()
        checker = contract_if_available()
        if checker is not None:
            checker.check([Exchange.from_httpx(response)])
        return response

    def lines(self) -> list[str]:
        """``"METHOD /path"`` of every request, in order."""
        return [f"{r.method} {r.url.path}" for r in self.requests]


def scripted(*answers: Answer) -> Callable[[httpx.Request], httpx.Response | None]:
    """An ``answer`` for :class:`DocumentedFake`: the given answers in order (an exception is raised,
    ``None`` lets the emulator answer that request), then ``None`` (the emulator answers)."""
    queue = list(answers)

    def answer(request: httpx.Request) -> httpx.Response | None:
        if not queue:
            return None
        item = queue.pop(0)
        if item is None:
            return None
        if isinstance(item, Exception):
            if isinstance(item, httpx.RequestError):
                item.request = request
            raise item
        return item

    return answer


def twilio_error(
    path: str, status: int, *, retry_after: str | None = None, date: float | None = None, message: str = "Injected"
) -> httpx.Response:
    """An error answer as the API serving ``path`` documents it (the emulator's own error body for
    that API, and on a 429 the headers the API documents), with ``Retry-After`` and ``Date`` if given."""
    service = next(s for s in SERVICES if path.startswith(s.prefix))
    headers: dict[str, str] = dict(service.throttle_headers) if status == 429 else {}
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    if date is not None:
        headers["Date"] = email.utils.formatdate(date, usegmt=True)
    return httpx.Response(status, json=service.render_error(EmulatorError(status, message)), headers=headers)


def fake_client(
    answer: Callable[[httpx.Request], httpx.Response | None], settings: Settings = FAKE_SETTINGS
) -> tuple[TwilioClient, DocumentedFake]:
    """A TwilioClient talking to a :class:`DocumentedFake` only (no emulator behind it)."""
    transport = DocumentedFake(answer)
    return TwilioClient(settings, transport=transport), transport


def undocumented_client(handler: Callable[[httpx.Request], httpx.Response]) -> TwilioClient:
    """A TwilioClient over answers the documents do not allow (a status outside the enum, a missing
    field), to test how the client copes with a Twilio that departs from them: not checked, on purpose."""
    return TwilioClient(FAKE_SETTINGS, transport=httpx.MockTransport(handler))


Factory = Callable[..., Any]
