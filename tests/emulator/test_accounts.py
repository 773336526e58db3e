"""Accounts: every credential acts for one account; accounts never see each other's objects."""

from __future__ import annotations

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import Emulator
from tests.emulator.helpers import (
    CONVERSATION_CONFIGURATION,
    CONVERSATION_CONFIGURATIONS,
    INTELLIGENCE_CONFIGURATION,
    INTELLIGENCE_CONFIGURATIONS,
    OPERATION,
    OPERATOR,
    OPERATORS,
    UUID_KEY,
    VERSIONS,
    accepted,
    call,
    conversation_body,
    create_conversation,
    create_intelligence,
    create_operator,
    expect,
    rule,
    twilio_operator,
)

ALICE = "AC" + "a" * 32
BOB = "AC" + "b" * 32
BOB_KEY = "SK" + "b" * 32


@pytest.fixture
def twilio_emulator_options():
    return {"accounts": {ALICE: "alice-token", BOB: "bob-token"}, "api_keys": {BOB_KEY: ("bob-key-secret", BOB)}}


@pytest.fixture
def alice(twilio_emulator):
    with httpx.Client(transport=twilio_emulator.transport, auth=(ALICE, "alice-token")) as http:
        yield http


@pytest.fixture
def bob(twilio_emulator):
    """Bob through his API key."""
    with httpx.Client(transport=twilio_emulator.transport, auth=(BOB_KEY, "bob-key-secret")) as http:
        yield http


def test_objects_of_one_account_are_invisible_to_another(alice, bob):
    operator = create_operator(alice)
    config = create_intelligence(alice, rule({"id": operator["id"]}))
    conversation, operation_id = create_conversation(alice)
    for template, id_ in (
        (OPERATOR, operator["id"]),
        (VERSIONS, operator["id"]),
        (INTELLIGENCE_CONFIGURATION, config["id"]),
        (CONVERSATION_CONFIGURATION, conversation),
        (OPERATION, operation_id),
    ):
        expect(call(bob, "GET", template, id=id_), 404)
        expect(call(alice, "GET", template, id=id_), 200)
    expect(call(bob, "DELETE", OPERATOR, id=operator["id"]), 404)
    assert expect(call(bob, "GET", INTELLIGENCE_CONFIGURATIONS), 200)["items"] == []
    assert expect(call(bob, "GET", CONVERSATION_CONFIGURATIONS), 200)["configurations"] == []
    assert all(op["author"] == "TWILIO" for op in expect(call(bob, "GET", OPERATORS), 200)["items"])


def test_references_across_accounts_are_refused(alice, bob):
    operator = create_operator(alice)
    config = create_intelligence(alice)
    error = expect(
        call(
            bob, "POST", INTELLIGENCE_CONFIGURATIONS, json={"displayName": "x", "rules": [rule({"id": operator["id"]})]}
        ),
        400,
    )
    assert operator["id"] in error["message"]
    body = conversation_body(intelligenceConfigurationIds=[config["id"]])
    expect(call(bob, "POST", CONVERSATION_CONFIGURATIONS, json=body), 400)


def test_an_api_key_acts_for_the_account_it_is_bound_to(twilio_emulator, bob):
    config = create_intelligence(bob)
    assert config["accountId"] == BOB
    with httpx.Client(transport=twilio_emulator.transport, auth=(BOB, "bob-token")) as bob_by_sid:
        expect(call(bob_by_sid, "GET", INTELLIGENCE_CONFIGURATION, id=config["id"]), 200)
    with httpx.Client(transport=twilio_emulator.transport, auth=(BOB_KEY, "bob-token")) as key_with_token:
        expect(call(key_with_token, "GET", INTELLIGENCE_CONFIGURATIONS), 401)


def test_every_account_has_the_twilio_authored_operators_under_their_live_ids(alice, bob):
    # Twilio's own operators have the same ids in every account (live note I9)
    alices, bobs = twilio_operator(alice, "Summary"), twilio_operator(bob, "Summary")
    assert alices["id"] == bobs["id"] == "intelligence_operator_01kcv35pnkeysaf6z6cqtbpegn"
    expect(call(bob, "GET", OPERATOR, id=alices["id"]), 200)


def test_idempotency_keys_are_scoped_to_the_account(alice, bob):
    headers = {"Idempotency-Key": UUID_KEY}
    alices, _ = accepted(call(alice, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body(), headers=headers))
    other_body = conversation_body(description="Bob's")
    bobs, _ = accepted(call(bob, "POST", CONVERSATION_CONFIGURATIONS, json=other_body, headers=headers))
    assert alices != bobs


def test_accounts_can_be_added_while_running(twilio_emulator):
    carol = "AC" + "c" * 32
    with httpx.Client(transport=twilio_emulator.transport, auth=(carol, "carol-token")) as http:
        expect(call(http, "GET", OPERATORS), 401)
        admin = http.post("http://emulator/__emulator/accounts", json={"accountSid": carol, "authToken": "carol-token"})
        assert carol in expect(admin, 200)["accounts"]
        expect(call(http, "GET", OPERATORS), 200)


@pytest.mark.parametrize("sid", ["AC123", "SK" + "a" * 32, "ac" + "a" * 32])
def test_malformed_account_sids_are_refused(sid):
    with pytest.raises(ValueError, match="Account SID"):
        Emulator(accounts={sid: "token"})
