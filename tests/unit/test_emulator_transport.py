"""The in-process transport: it answers like a server (a ``Date`` from the emulator's clock), and its
helper thread stops at the end of ``serving()``, on ``shutdown()``, or when it is garbage-collected,
never when a client that used it is closed."""

from __future__ import annotations

import email.utils
import gc
import threading

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import Emulator, EmulatorTransport, ManualClock, build_app
from pulumi_twilio_intelligence.testing import InProcessEmulator

URL = "https://intelligence.twilio.com/v3/ControlPlane/Operators"


def _helper_thread(transport: EmulatorTransport) -> threading.Thread:
    """The thread whose event loop serves ``transport`` (asked of the loop itself)."""
    thread: threading.Thread = transport._portal.call(threading.current_thread)
    return thread


def _stopped(thread: threading.Thread) -> bool:
    thread.join(timeout=5)
    return not thread.is_alive()


def _get(transport: EmulatorTransport) -> httpx.Response:
    with httpx.Client(transport=transport, auth=("AC00000000000000000000000000000000", "emulator-demo-token")) as http:
        return http.get(URL)


def test_answers_carry_the_emulators_date(twilio: InProcessEmulator, clock: ManualClock) -> None:
    clock.advance(90)
    with twilio.http_client() as http:
        response = http.get(URL)
    assert response.headers["Date"] == email.utils.formatdate(clock(), usegmt=True) == "Thu, 01 Jan 2026 00:01:30 GMT"


def test_serving_stops_the_helper_thread_at_the_end_of_the_block_not_when_a_client_closes() -> None:
    with EmulatorTransport.serving(build_app(Emulator())) as transport:
        assert _get(transport).status_code == 200  # that client is closed now
        assert _get(transport).status_code == 200
        helper = _helper_thread(transport)
        assert helper is not threading.current_thread() and helper.is_alive()
    assert _stopped(helper)
    with pytest.raises(RuntimeError):
        _get(transport)
    transport.shutdown()  # a second stop does nothing


def test_a_dropped_transport_stops_its_thread() -> None:
    transport = EmulatorTransport(build_app(Emulator()))
    assert _get(transport).status_code == 200
    helper = _helper_thread(transport)
    assert helper.is_alive()
    del transport
    gc.collect()
    assert _stopped(helper)
