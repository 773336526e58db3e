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
    DuplicateNameError,
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
        assert str(err.value).endswith(
            "Twilio did not apply this POST. If the problem is about the inputs, correct them; then run `pulumi up` "
            "again: it makes a fresh attempt (a new Idempotency-Key)"
        )
        assert len(_posts(recorder)) == 1  # a fresh failure is not sent again
        twilio.faults.update(fail_operations=0.0)
        clock.advance(4)  # the very next `pulumi up`, a few seconds later
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


def test_a_pending_operation_named_in_abandon_operations_is_given_up_on_and_the_write_sent_afresh(
    make_provider: Factory, twilio: InProcessEmulator, clock: ManualClock, sleeps: list[float]
) -> None:
    twilio.faults.update(stuck_operations=1.0)
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        with pytest.raises(OperationTimeoutError) as err:
            make_provider(ConversationConfigurationProvider, {"twilio:operationTimeout": "5"}).create(
                to_engine(CONVERSATION)
            )
        stuck = err.value.operation_id
        assert f"TWILIO_ABANDON_OPERATIONS={stuck} pulumi up" in str(err.value)
        twilio.faults.update(stuck_operations=0.0)
        clock.advance(60)
        created = make_provider(ConversationConfigurationProvider, {"twilio:abandonOperations": stuck}).create(
            to_engine(CONVERSATION)
        )
    first, replayed, fresh = _posts(recorder)
    assert first == replayed != fresh  # the stuck Operation was read once, then given up on
    assert created.outs["operation_id"] != stuck
    assert twilio.custom_resources() == {"conversation_configuration": 1}


def test_a_stuck_delete_says_how_to_retry_the_destroy_and_abandoning_it_checks_the_object_first(
    make_provider: Factory, twilio: InProcessEmulator, clock: ManualClock, sleeps: list[float]
) -> None:
    created = make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
    twilio.faults.update(stuck_operations=1.0)
    with pytest.raises(OperationTimeoutError) as err:
        make_provider(ConversationConfigurationProvider, {"twilio:operationTimeout": "5"}).delete(
            created.id, created.outs
        )
    stuck = err.value.operation_id
    assert "resumes waiting for it on the next `pulumi destroy`" in str(err.value)
    assert f"run `TWILIO_ABANDON_OPERATIONS={stuck} pulumi destroy`" in str(err.value)
    twilio.faults.update(stuck_operations=0.0)
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        make_provider(ConversationConfigurationProvider, {"twilio:abandonOperations": stuck}).delete(
            created.id, created.outs
        )
    # the replayed DELETE, one read of the stuck Operation, a fetch (still there), a fresh DELETE and its poll
    assert [r.method for r in recorder.requests] == ["DELETE", "GET", "GET", "DELETE", "GET"]
    assert twilio.custom_resources() == {}


def test_a_cancelled_operation_fails_at_once_and_the_next_up_makes_a_fresh_attempt(
    make_provider: Factory, twilio: InProcessEmulator, clock: ManualClock, sleeps: list[float]
) -> None:
    """Operations may end CANCELLED (on Twilio's docs page, not in the document's enum, so this fake is
    not a DocumentedFake)."""

    class Cancel(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            answer = twilio.transport.handle_request(request)
            if request.method != "GET" or "/Operations/" not in request.url.path or not cancelling:
                return answer
            body = answer.read() and answer.json()
            body.update(status="CANCELLED", error={"type": "about:blank", "title": "Cancelled", "status": 409})
            return httpx.Response(200, json=body, headers={"Date": answer.headers["Date"]}, request=request)

    cancelling = True
    twilio.faults.update(fail_operations=1.0)  # not applied; the fake says CANCELLED instead of FAILED
    recorder = Recorder(Cancel())
    with use_transport(recorder):
        with pytest.raises(OperationFailedError) as err:
            make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
        assert str(err.value) == (
            f"POST {V2} was not applied: Operation {err.value.operation_id} was CANCELLED. Twilio did not apply this "
            "POST. If the problem is about the inputs, correct them; then run `pulumi up` again: it makes a fresh "
            "attempt (a new Idempotency-Key)"
        )
        assert err.value.state == "CANCELLED"
        assert [r.url.path for r in recorder.requests].count(
            f"/v2/ControlPlane/Operations/{err.value.operation_id}"
        ) == 1
        cancelling = False
        twilio.faults.update(fail_operations=0.0)
        clock.advance(4)
        created = make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
    first, replayed, fresh = _posts(recorder)
    assert first == replayed != fresh and created.outs["operation_id"] != err.value.operation_id


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
    capsys: pytest.CaptureFixture[str],
    sleeps: list[float],
    case: str,
) -> None:
    provider_cls, inputs = SYNC_CASES[case]
    other = make_provider(provider_cls).create(to_engine({**inputs, "display_name": "other"}))
    with use_transport(LoseAnswer(twilio.transport, reach=True)):
        created = make_provider(provider_cls).create(to_engine(inputs))
    kind = "operator" if case == "operator" else "intelligence_configuration"
    assert twilio.custom_resources() == {kind: 2}  # no duplicate: the other one and the one adopted
    assert created.id != other.id and created.outs["version"] == 1
    assert f"Twilio had created it all the same: adopted {created.id}" in capsys.readouterr().err


@pytest.mark.parametrize("case", list(SYNC_CASES))
def test_a_create_that_never_reached_twilio_is_sent_again(
    make_provider: Factory, twilio: InProcessEmulator, sleeps: list[float], case: str
) -> None:
    provider_cls, inputs = SYNC_CASES[case]
    recorder = Recorder(LoseAnswer(twilio.transport, reach=False))
    with use_transport(recorder):
        created = make_provider(provider_cls).create(to_engine(inputs))
    path = provider_cls.SPEC.endpoint.path
    # listed, POST lost, listed again (nothing new: Twilio created nothing), POST again after a backoff
    assert [f"{r.method} {r.url.path}" for r in recorder.requests] == [f"GET {path}", f"POST {path}"] * 2
    assert len(sleeps) == 1
    kind = "operator" if case == "operator" else "intelligence_configuration"
    assert twilio.custom_resources() == {kind: 1} and created.outs["version"] == 1


class LoseAnswerTwice(LoseAnswer):
    """Twilio acts on the first create and someone else makes the same object at that moment."""

    def _answer(self, request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST" and not self.lost and self.inner is not None:
            self.inner.handle_request(request)
        return super()._answer(request)


def test_two_new_identical_objects_are_never_adopted(
    make_provider: Factory, twilio: InProcessEmulator, api: httpx.Client, sleeps: list[float]
) -> None:
    with use_transport(LoseAnswerTwice(twilio.transport, reach=True)), pytest.raises(TwilioConnectionError) as err:
        make_provider(IntelligenceConfigurationProvider).create(to_engine(INTELLIGENCE))
    first, second = (c["id"] for c in api.get(CONFIGURATIONS).json()["items"])
    assert str(err.value).endswith(
        f"The create may have succeeded: 2 new Intelligence Configurations have these inputs ({first}, {second}). "
        'Adopt the one this resource made with existing_id="<id>" (and delete the others), then run `pulumi up`'
    )


# -- crash safety: a create committed by Twilio whose result never reached the state ------------

ALL_CASES = {**SYNC_CASES, "conversations": (ConversationConfigurationProvider, CONVERSATION)}


@pytest.mark.parametrize("case", list(ALL_CASES))
def test_a_create_committed_before_a_crash_is_adopted_by_the_next_up(
    make_provider: Factory, twilio: InProcessEmulator, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    """The first run's create reached Twilio, and the run died before the state recorded it; the
    next run (a new provider process) finds the object by its display name and adopts it."""
    provider_cls, inputs = ALL_CASES[case]
    lost = make_provider(provider_cls).create(to_engine(inputs))
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        again = make_provider(provider_cls).create(to_engine(inputs))
    assert again.id == lost.id and again.outs == {k: v for k, v in lost.outs.items() if k != "operation_id"}
    assert [r.method for r in recorder.requests] == ["GET"]  # one listing, no write
    assert f"adopted {provider_cls.SPEC.title} {lost.id}" in capsys.readouterr().err
    assert sum(twilio.custom_resources().values()) == 1


@pytest.mark.parametrize("case", list(ALL_CASES))
def test_a_second_object_with_the_same_display_name_is_refused_unless_allowed(
    make_provider: Factory, twilio: InProcessEmulator, case: str
) -> None:
    provider_cls, inputs = ALL_CASES[case]
    spec = provider_cls.SPEC
    other = make_provider(provider_cls).create(to_engine({**inputs, "description": "someone else's"}))
    with pytest.raises(DuplicateNameError) as err:
        make_provider(provider_cls).create(to_engine(inputs))
    name, identity = inputs["display_name"], inputs.get("__name", spec.type_name)
    assert str(err.value) == (
        f"{identity}: a {spec.title} named {name!r} already exists in this account ({other.id}: it has other "
        f"inputs), and creating another would give two {spec.title}s the same name. To manage the existing one "
        f'with this resource, set existing_id="{other.id}"; to create a second one all the same, set '
        "allow_duplicate_display_name=True; or change display_name"
    )
    assert err.value.existing_ids == [other.id] and sum(twilio.custom_resources().values()) == 1
    allowed = make_provider(provider_cls).create(to_engine({**inputs, "allow_duplicate_display_name": True}))
    assert allowed.id != other.id and allowed.outs["allow_duplicate_display_name"] is True
    assert sum(twilio.custom_resources().values()) == 2


def test_an_identical_object_updated_since_its_creation_is_not_adopted(
    make_provider: Factory, twilio: InProcessEmulator
) -> None:
    """A longer-lived object (edited since it was made) is never taken for a lost create."""
    provider = make_provider(OperatorProvider)
    older = provider.create(to_engine({**OPERATOR, "description": "old"}))
    provider.update(older.id, older.outs, to_engine(OPERATOR))  # now identical, at version 2
    with pytest.raises(DuplicateNameError, match="it was updated since it was created \\(version 2\\)"):
        make_provider(OperatorProvider).create(to_engine(OPERATOR))


def test_two_resources_of_one_deployment_never_share_an_object(make_provider: Factory) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    provider.create(to_engine(INTELLIGENCE))
    twin = {**INTELLIGENCE, "__name": "test/dev/IntelligenceConfiguration/twin"}
    with pytest.raises(DuplicateNameError, match="another resource of this deployment created it"):
        provider.create(to_engine(twin))


def test_a_replacement_may_reuse_the_display_name_of_the_object_it_replaces(
    make_provider: Factory, twilio: InProcessEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    old = provider.create(to_engine(INTELLIGENCE))
    news = to_engine({**INTELLIGENCE, "description": "replaced"})
    # the engine diffs the resource, then replaces it (create before delete: e.g. replacement_trigger)
    provider.diff(old.id, old.outs, news)
    new = provider.create(news)
    provider.delete(old.id, old.outs)
    assert new.id != old.id and twilio.custom_resources() == {"intelligence_configuration": 1}


def test_a_replacement_the_engine_decides_without_diff_may_reuse_the_display_name(
    make_provider: Factory, twilio: InProcessEmulator
) -> None:
    """``replacement_trigger``: the engine replaces without asking ``diff``; ``check`` saw the old inputs."""
    inputs = to_engine({**OPERATOR, "__name": "test/dev/Operator/adherence"})
    old = make_provider(OperatorProvider).create(inputs)
    provider = make_provider(OperatorProvider)  # the next deployment
    assert provider.check(inputs, inputs).failures == []
    new = provider.create(inputs)
    provider.delete(old.id, old.outs)
    assert new.id != old.id and twilio.custom_resources() == {"operator": 1}


def test_crash_safety_costs_one_listing_per_resource_type_per_deployment(
    make_provider: Factory, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    operators, configurations = make_provider(OperatorProvider), make_provider(IntelligenceConfigurationProvider)
    for i in range(5):
        operators.create(to_engine({**OPERATOR, "display_name": f"op {i}", "__name": f"test/dev/Operator/o{i}"}))
        configurations.create(
            to_engine({**INTELLIGENCE, "display_name": f"ic {i}", "__name": f"test/dev/IntelligenceConfiguration/c{i}"})
        )
    counts = twilio.request_counts()
    assert counts["GET /v3/ControlPlane/Operators"] == 1 and counts["GET /v3/ControlPlane/Configurations"] == 1
    assert counts["POST /v3/ControlPlane/Operators"] == 5 and counts["POST /v3/ControlPlane/Configurations"] == 5


# -- concurrency -------------------------------------------------------------------------------


def test_four_calls_at_once_on_one_provider(
    make_provider: Factory, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    """The dynamic provider server runs up to 4 calls at once on one provider instance."""
    provider = make_provider(ConversationConfigurationProvider)
    inputs = [
        to_engine({**CONVERSATION, "display_name": f"c{i}", "__name": f"test/dev/ConversationConfiguration/c{i}"})
        for i in range(8)
    ]

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
        if request.method == "GET":  # the listing that looks for a lost create: empty
            return httpx.Response(200, json={"items": [], "meta": {"key": "items", "pageSize": 1000}}, request=request)
        return httpx.Response(201, json={"id": 7}, request=request)

    with use_transport(httpx.MockTransport(broken)), pytest.raises(TwilioError) as err:
        make_provider(OperatorProvider).create(to_engine(OPERATOR))
    assert not isinstance(err.value, TwilioApiError)
    assert str(err.value).startswith("GET /v3/ControlPlane/Operators/7: Twilio's answer does not have the documented")
