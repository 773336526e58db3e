"""The provider makes the minimum of requests: creates and updates send their write (plus the polls
and one fetch of an asynchronous Operation), online checks reuse what the provider process already
knows and skip unchanged references, and a read without drift keeps the inputs as written."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import pytest

from pulumi_twilio_intelligence.client import use_transport
from pulumi_twilio_intelligence.resources import (
    ConversationConfigurationProvider,
    IntelligenceConfigurationProvider,
    OperatorProvider,
)
from pulumi_twilio_intelligence.resources._known import KnownObjects
from pulumi_twilio_intelligence.testing import InProcessEmulator

from ..conftest import change_operator_out_of_band
from .conftest import CONFIGURATIONS, CONVERSATION, OPERATOR, OPERATORS, Factory, Ids, Recorder, to_engine

V3_CONFIGURATIONS = "/v3/ControlPlane/Configurations"
RULE: dict[str, Any] = {
    "operators": [],
    "triggers": [{"on": "CONVERSATION_END"}],
    "actions": [{"type": "WEBHOOK", "method": "POST", "url": "https://example.com/hook"}],
}


def _configuration(*operators: dict[str, Any]) -> dict[str, Any]:
    return {
        "display_name": "support",
        "rules": [{**RULE, "operators": [op]} for op in operators],
        "__name": "test/dev/IntelligenceConfiguration/support",
    }


def test_a_stack_created_in_one_process_costs_its_writes_only(
    make_provider: Factory, twilio: InProcessEmulator, ids: Ids
) -> None:
    """Operator, then a configuration pinning it and a Twilio operator, then a Conversation
    Configuration attaching that: check + create of each, as ``pulumi up`` runs them."""
    twilio.reset_counts()
    operators = make_provider(OperatorProvider)
    news = to_engine({**OPERATOR, "__name": "test/dev/Operator/adherence"})
    assert operators.check({}, news).failures == []
    operator = operators.create(news)
    # plus what crash safety needs once per resource type and deployment: one listing of the collection
    assert twilio.request_counts() == {"GET /v3/ControlPlane/Operators": 1, "POST /v3/ControlPlane/Operators": 1}

    twilio.reset_counts()
    intelligence = make_provider(IntelligenceConfigurationProvider)
    news = to_engine(
        _configuration({"id": operator.id, "version": 1, "parameters": {"scale": 3}}, {"id": ids.next_best})
    )
    assert intelligence.check({}, news).failures == []
    configuration = intelligence.create(news)
    # the operator written by this process needs no GET; Twilio's operator is fetched once per process
    assert twilio.request_counts() == {
        "GET /v3/ControlPlane/Operators/{id}": 1,
        f"GET {V3_CONFIGURATIONS}": 1,
        f"POST {V3_CONFIGURATIONS}": 1,
    }

    twilio.reset_counts()
    conversations = make_provider(ConversationConfigurationProvider)
    news = to_engine({**CONVERSATION, "intelligence_configuration_ids": [configuration.id]})
    assert conversations.check({}, news).failures == []
    conversations.create(news)
    counts = twilio.request_counts()
    polls = counts.pop("GET /v2/ControlPlane/Operations/{id}")
    assert counts == {
        "GET /v2/ControlPlane/Configurations": 1,
        "POST /v2/ControlPlane/Configurations": 1,
        "GET /v2/ControlPlane/Configurations/{id}": 1,
    }
    assert polls >= 1


def test_a_second_configuration_reuses_what_the_process_knows(
    make_provider: Factory, twilio: InProcessEmulator, ids: Ids
) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    news = to_engine(_configuration({"id": ids.next_best}, {"id": ids.sentiment, "version": 2}))
    assert provider.check({}, news).failures == []
    twilio.reset_counts()
    other = make_provider(IntelligenceConfigurationProvider)  # another resource type's instance shares it too
    assert other.check({}, {**news, "display_name": "other"}).failures == []
    assert twilio.request_counts() == {}


def test_an_intelligence_configuration_update_sends_one_put_and_no_get(
    make_provider: Factory, twilio: InProcessEmulator, ids: Ids
) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    inputs = _configuration({"id": ids.next_best}, {"id": ids.sentiment, "version": 2})
    created = provider.create(to_engine(inputs))
    rule_ids = [rule["id"] for rule in created.outs["rules"]]
    changed = {**inputs, "rules": [inputs["rules"][0], {**inputs["rules"][1], "triggers": []}]}
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        updated = make_provider(IntelligenceConfigurationProvider).update(
            created.id, to_engine(created.outs), to_engine(changed)
        )
    assert recorder.lines() == [f"PUT {V3_CONFIGURATIONS}/{created.id}"]
    assert [rule["id"] for rule in updated.outs["rules"]] == rule_ids


def test_rule_ids_of_a_stale_state_cost_one_get_and_a_second_put(
    make_provider: Factory, twilio: InProcessEmulator, ids: Ids, api: httpx.Client
) -> None:
    provider = make_provider(IntelligenceConfigurationProvider)
    inputs = _configuration({"id": ids.next_best})
    created = provider.create(to_engine(inputs))
    # someone replaces the rule in the Console: the rule id in the state no longer exists
    url = f"{CONFIGURATIONS}/{created.id}"
    current = api.get(url).raise_for_status().json()
    fresh_rule = {k: v for k, v in current["rules"][0].items() if k != "id"}
    api.put(url, json={"displayName": "support", "rules": [fresh_rule]}).raise_for_status()
    new_id = api.get(url).json()["rules"][0]["id"]

    changed = {**inputs, "description": "changed"}
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        updated = make_provider(IntelligenceConfigurationProvider).update(
            created.id, to_engine(created.outs), to_engine(changed)
        )
    path = f"{V3_CONFIGURATIONS}/{created.id}"
    assert recorder.lines() == [f"PUT {path}", f"GET {path}", f"PUT {path}"]
    assert recorder.statuses[0] == 400
    assert [rule["id"] for rule in updated.outs["rules"]] == [new_id]
    assert updated.outs["description"] == "changed"


def test_read_without_drift_keeps_the_inputs_as_written_and_with_drift_returns_the_remote_ones(
    make_provider: Factory, api: httpx.Client
) -> None:
    provider = make_provider(OperatorProvider)
    written = {**OPERATOR, "parameters": {"scale": {"type": "INTEGER", "default": 5, "required": False}}}
    created = provider.create(to_engine(written))
    read = provider.read(created.id, to_engine(created.outs))
    assert read.inputs is None and read.outs == created.outs

    change_operator_out_of_band(api, f"{OPERATORS}/{created.id}", {"displayName": "Theirs"})
    drifted = provider.read(created.id, to_engine(created.outs))
    assert drifted.inputs is not None and drifted.inputs["display_name"] == "Theirs"
    assert OperatorProvider.SPEC.changed_fields(drifted.outs, written) == ["display_name"]


def test_known_objects_compute_each_key_once_across_threads() -> None:
    known = KnownObjects()
    calls: list[str] = []
    started = threading.Event()

    def slow() -> str:
        calls.append("x")
        started.set()
        time.sleep(0.05)
        return "answer"

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(known.lookup("k", slow))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == ["answer"] * 8 and calls == ["x"]

    attempts: list[int] = []

    def failing() -> str:
        attempts.append(1)
        raise RuntimeError("boom")

    for _ in range(2):  # a failure is not remembered: the next lookup computes again
        with pytest.raises(RuntimeError):
            known.lookup("bad", failing)
    assert len(attempts) == 2
    known.store("https://x/Operators/a", 1)
    known.store("https://x/Operators/a/Versions/1", 2, under="https://x/Operators/a")
    known.store("https://x/Operators/ab", 3)
    known.forget("https://x/Operators/a")
    assert known.lookup("https://x/Operators/ab", lambda: 0) == 3
    assert known.lookup("https://x/Operators/a/Versions/1", lambda: 0) == 0
