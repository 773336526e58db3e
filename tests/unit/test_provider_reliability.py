"""Crash safety and reliability of the provider: Idempotency-Keys of asynchronous writes (replays of
earlier failures and of deleted objects, a create still PENDING), lost answers to synchronous
creates, 4 calls at once on one provider, and the tiny provider pickled into the state."""

from __future__ import annotations

import base64
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_twilio_intelligence.client import TwilioClient, use_transport
from pulumi_twilio_intelligence.emulator import ManualClock
from pulumi_twilio_intelligence.errors import (
    OperationFailedError,
    OperationTimeoutError,
    TwilioApiError,
    TwilioConnectionError,
    TwilioError,
)
from pulumi_twilio_intelligence.resources import (
    ConversationConfigurationProvider,
    IntelligenceConfigurationProvider,
    OperatorProvider,
    _provider,
)
from pulumi_twilio_intelligence.testing import InProcessEmulator

from .conftest import (
    CONFIGURATIONS,
    CONVERSATION,
    OPERATOR,
    DocumentedFake,
    Factory,
    Recorder,
    to_engine,
)

V2 = "/v2/ControlPlane/Configurations"


def _posts(recorder: Recorder) -> list[str]:
    return [r.headers["Idempotency-Key"] for r in recorder.writes() if r.method == "POST"]


# -- asynchronous writes: Idempotency-Keys ----------------------------------------------------------


def test_a_failed_operation_is_sent_once_and_the_next_up_sends_it_again_under_a_fresh_key(
    make_provider: Factory, twilio: InProcessEmulator, clock: ManualClock, sleeps: list[float]
) -> None:
    """The emulator's clock (2026-01-01) is far from ours: only Twilio's clock tells a replay."""
    twilio.faults.update(fail_operations=1.0)
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        with pytest.raises(OperationFailedError) as err:
            make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
        assert err.value.replayed is False
        assert len(_posts(recorder)) == 1  # a fresh failure is not sent again
        twilio.faults.update(fail_operations=0.0)
        clock.advance(120)  # the next `pulumi up`, two minutes later
        created = make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
    first, replayed, fresh = _posts(recorder)
    assert first == replayed != fresh  # the same key replays the FAILED Operation: a new key creates it
    assert created.outs["operation_id"] != err.value.operation_id
    assert twilio.custom_resources() == {"conversation_configuration": 1}


def test_an_up_destroy_loop_with_the_same_inputs_creates_every_time(
    make_provider: Factory, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        provider = make_provider(ConversationConfigurationProvider)
        created = []
        for _ in range(5):
            result = provider.create(to_engine(CONVERSATION))
            created.append(result.id)
            assert twilio.custom_resources() == {"conversation_configuration": 1}
            provider.delete(result.id, result.outs)
    assert len(set(created)) == 5
    # the n-th create replays the n-1 earlier creates (their objects are gone), then creates anew
    keys = _posts(recorder)
    assert len(keys) == 1 + 2 + 3 + 4 + 5 and len(set(keys)) == 5


def test_when_every_key_replays_a_deleted_object_the_error_says_what_to_do(
    make_provider: Factory, twilio: InProcessEmulator, monkeypatch: pytest.MonkeyPatch, sleeps: list[float]
) -> None:
    monkeypatch.setattr(_provider, "MAX_KEYS", 2)
    provider = make_provider(ConversationConfigurationProvider)
    for _ in range(2):
        result = provider.create(to_engine(CONVERSATION))
        provider.delete(result.id, result.outs)
    with pytest.raises(TwilioError) as err:
        provider.create(to_engine(CONVERSATION))
    assert str(err.value) == (
        f"POST {V2}: each of the 2 Idempotency-Keys of this write replayed an earlier write that failed or whose "
        "object was deleted since (Twilio keeps keys for 24 hours): wait, or change an input (e.g. the description) "
        "to start anew"
    )


def test_a_create_still_pending_after_a_crash_is_resumed_not_duplicated(
    make_provider: Factory, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    """The first `pulumi up` gives up (or crashes) while the Operation is PENDING; the next one sends
    the same Idempotency-Key, gets the same Operation and waits for it."""
    twilio.faults.update(operation_delay=30)
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        with pytest.raises(OperationTimeoutError) as err:
            make_provider(ConversationConfigurationProvider, {"twilio:operationTimeout": "10"}).create(
                to_engine(CONVERSATION)
            )
        assert twilio.custom_resources() == {}  # still PENDING
        resumed = make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
    first, second = _posts(recorder)
    assert first == second
    assert resumed.outs["operation_id"] == err.value.operation_id
    assert twilio.custom_resources() == {"conversation_configuration": 1}
    assert sleeps == [10.0, 30.0]  # gave up after 10 s; resumed: the replayed 202's Retry-After (30 s)


# -- synchronous creates: a lost answer ---------------------------------------------------------


class LoseAnswer(DocumentedFake):
    """The emulator, except that the answer to the first create is lost after Twilio acted on it
    (``reach=True``) or before the request reached it (``reach=False``)."""

    def __init__(self, inner: httpx.BaseTransport, *, reach: bool) -> None:
        super().__init__(self._answer, inner)
        self.reach = reach
        self.lost = False

    def _answer(self, request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST" and not self.lost:
            self.lost = True
            if self.reach and self.inner is not None:
                self.inner.handle_request(request)
            raise httpx.ReadTimeout("timed out", request=request)
        return None


INTELLIGENCE: dict[str, Any] = {
    "display_name": "support",
    "rules": [],
    "__name": "test/dev/IntelligenceConfiguration/support",
}
SYNC_CASES = {
    "operator": (OperatorProvider, OPERATOR),
    "intelligence": (IntelligenceConfigurationProvider, INTELLIGENCE),
}


@pytest.mark.parametrize("case", list(SYNC_CASES))
def test_a_create_whose_answer_was_lost_adopts_the_object_twilio_made(
    make_provider: Factory,
    twilio: InProcessEmulator,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
    sleeps: list[float],
    case: str,
) -> None:
    provider_cls, inputs = SYNC_CASES[case]
    older = make_provider(provider_cls).create(to_engine(inputs))  # identical, but an hour old
    clock.advance(3600)
    with use_transport(LoseAnswer(twilio.transport, reach=True)):
        created = make_provider(provider_cls).create(to_engine(inputs))
    kind = "operator" if case == "operator" else "intelligence_configuration"
    assert twilio.custom_resources() == {kind: 2}  # no duplicate: the older one and the one adopted
    assert created.id != older.id and created.outs["version"] == 1
    assert (
        f"Twilio had created it all the same: adopted {provider_cls.SPEC.title} {created.id}" in capsys.readouterr().err
    )


@pytest.mark.parametrize("case", list(SYNC_CASES))
def test_a_create_that_never_reached_twilio_says_to_run_up_again(
    make_provider: Factory, twilio: InProcessEmulator, clock: ManualClock, sleeps: list[float], case: str
) -> None:
    provider_cls, inputs = SYNC_CASES[case]
    make_provider(provider_cls).create(to_engine(inputs))  # identical, but an hour old: never adopted
    clock.advance(3600)
    with use_transport(LoseAnswer(twilio.transport, reach=False)), pytest.raises(TwilioConnectionError) as err:
        make_provider(provider_cls).create(to_engine(inputs))
    title = provider_cls.SPEC.title
    assert str(err.value) == (
        f"POST {provider_cls.SPEC.endpoint.path} failed: ReadTimeout: timed out. No {title} with these inputs was "
        f"created since 2026-01-01T00:59:50Z, so Twilio did not create it: run `pulumi up` again"
    )


def test_two_fresh_identical_objects_are_never_adopted(
    make_provider: Factory, twilio: InProcessEmulator, api: httpx.Client, sleeps: list[float]
) -> None:
    body = {"displayName": "support", "rules": []}
    other = api.post(CONFIGURATIONS, json=body).json()["id"]  # someone made the same a moment ago
    with use_transport(LoseAnswer(twilio.transport, reach=True)), pytest.raises(TwilioConnectionError) as err:
        make_provider(IntelligenceConfigurationProvider).create(to_engine(INTELLIGENCE))
    mine = next(c["id"] for c in api.get(CONFIGURATIONS).json()["items"] if c["id"] != other)
    assert str(err.value).endswith(
        f"The create may have succeeded: 2 Intelligence Configurations with these inputs were created since "
        f'2025-12-31T23:59:50Z ({other}, {mine}). Adopt the one this resource made with existing_id="<id>" (and '
        "delete the others), then run `pulumi up`"
    )


# -- concurrency -------------------------------------------------------------------------------


def test_four_calls_at_once_on_one_provider(
    make_provider: Factory, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    """The dynamic provider server runs up to 4 calls at once on one provider instance."""
    provider = make_provider(ConversationConfigurationProvider)
    inputs = [to_engine({**CONVERSATION, "__name": f"test/dev/ConversationConfiguration/c{i}"}) for i in range(8)]

    def lifecycle(news: dict[str, Any]) -> tuple[list[Any], bool, bool]:
        failures = provider.check({}, news).failures
        created = provider.create(news)
        same = provider.diff(created.id, created.outs, news).changes
        changed = provider.diff(created.id, created.outs, {**news, "description": "other"}).changes
        return failures, same, changed

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lifecycle, inputs))
    assert results == [([], False, True)] * 8
    assert twilio.custom_resources() == {"conversation_configuration": 8}
    assert isinstance(provider._twilio, TwilioClient)  # one shared client for the writes


# -- the provider pickled into the state -------------------------------------------------------


@pytest.mark.parametrize(
    ("provider_cls", "inputs"),
    [
        (OperatorProvider, OPERATOR),
        (IntelligenceConfigurationProvider, INTELLIGENCE),
        (ConversationConfigurationProvider, CONVERSATION),
    ],
)
def test_the_pickled_provider_is_small_by_reference_and_loads_elsewhere(
    make_provider: Factory, provider_cls: type[Any], inputs: dict[str, Any], sleeps: list[float]
) -> None:
    provider = make_provider(provider_cls)
    provider.create(to_engine(inputs))
    pickled = serialize_provider(provider)  # after configure and use, as the engine pickles it
    raw = base64.b64decode(pickled)
    module = provider_cls.__module__
    assert len(raw) < 200 and module.encode() in raw and provider_cls.__name__.encode() in raw
    loaded = subprocess.run(
        [sys.executable, "-c", f"import base64, sys, dill; p = dill.loads(base64.b64decode({pickled!r})); "
         "print(type(p).__module__, type(p).__name__, vars(p))"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert loaded.stdout.split() == [module, provider_cls.__name__, "{}"]


def test_an_unexpected_answer_is_a_twilio_error_naming_the_request(
    make_provider: Factory, twilio: InProcessEmulator
) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, json={"id": 7}, request=request)

    with use_transport(httpx.MockTransport(broken)), pytest.raises(TwilioError) as err:
        make_provider(OperatorProvider).create(to_engine(OPERATOR))
    assert not isinstance(err.value, TwilioApiError)
    assert str(err.value).startswith("GET /v3/ControlPlane/Operators/7: Twilio's answer does not have the documented")
