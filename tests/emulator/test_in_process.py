"""The in-process mode: ``mock_twilio()`` and the pytest plugin's ``twilio_emulator`` fixture."""

from __future__ import annotations

from contextlib import closing

import httpx
import pytest

from pulumi_twilio_intelligence.client import TwilioClient
from pulumi_twilio_intelligence.emulator import Faults, ManualClock
from pulumi_twilio_intelligence.testing import mock_twilio, pytest_plugin
from tests.emulator.helpers import OPERATORS, create_operator, expect, url

CAROL = "AC" + "c" * 32


def test_the_plugin_is_registered_through_its_entry_point(request):
    assert request.config.pluginmanager.get_plugin("twilio_emulator") is pytest_plugin


@pytest.mark.twilio_emulator(accounts={CAROL: "carol-token"}, faults=Faults(operation_delay=7))
def test_the_marker_configures_the_emulator(twilio_emulator, twilio_http):
    assert [c.account for c in twilio_emulator.accounts.all()] == [CAROL]
    assert twilio_emulator.faults.operation_delay == 7
    expect(twilio_http.get(url(OPERATORS)), 200)  # Carol is the only account: twilio_http is hers


def test_twilio_clients_created_in_the_block_talk_to_it_and_closing_one_stops_nothing(twilio_emulator):
    for _ in range(2):
        with closing(TwilioClient(twilio_emulator.settings())) as client:  # closed at the end of each round
            created = client.request(
                "POST", url(OPERATORS), json={"displayName": "a", "prompt": "p", "outputFormat": "TEXT"}
            )
            assert created.status_code == 201
    assert twilio_emulator.custom_resources() == {"operator": 2}


def test_the_emulator_stops_when_the_block_ends():
    with mock_twilio() as twilio:
        transport = twilio.transport
        with twilio.http_client() as http:
            expect(http.get(url(OPERATORS)), 200)
    with httpx.Client(transport=transport) as http, pytest.raises(RuntimeError):
        http.get(url(OPERATORS))


def test_state_path_keeps_objects_across_emulators(tmp_path):
    state = str(tmp_path / "state.sqlite")
    with mock_twilio(state_path=state, clock=ManualClock()) as twilio, twilio.http_client() as http:
        created = create_operator(http)
    with mock_twilio(state_path=state) as twilio, twilio.http_client() as http:
        fetched = expect(http.get(url(OPERATORS + "/{id}", id=created["id"])), 200)
    assert fetched == created
