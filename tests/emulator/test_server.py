"""The emulator as a server process: its flags, and durable state that survives ``kill -9``."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess
from tests.emulator.helpers import conversation_body, operator_body

ACCOUNT = "AC" + "e" * 32
API_KEY = "SK" + "e" * 32


def api(process: EmulatorProcess, auth: tuple[str, str] = (DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN)) -> httpx.Client:
    """A client of the server's API (both Twilio APIs share its one base URL)."""
    return httpx.Client(base_url=process.url, auth=auth, timeout=30)


def operation_status(http: httpx.Client, response: httpx.Response) -> str:
    assert response.status_code == 202, response.text
    return str(http.get(response.headers["Location"]).json()["status"])


def test_accounts_latency_and_failing_operations_from_flags():
    flags = ["--account", f"{ACCOUNT}:secret-token", "--api-key", f"{API_KEY}:key-secret:{ACCOUNT}"]
    flags += ["--latency-ms", "120", "--fail-operations", "1", "--operation-delay", "0"]
    with EmulatorProcess(flags) as server:
        faults = server.admin("GET", "faults").json()
        assert (faults["latencyMs"], faults["failOperations"], faults["operationDelay"]) == (120, 1, 0)
        with api(server) as demo:
            assert demo.get("/v3/ControlPlane/Operators").status_code == 401  # only the accounts given
        with api(server, (API_KEY, "key-secret")) as by_key, api(server, (ACCOUNT, "secret-token")) as by_sid:
            started = time.monotonic()
            created = by_key.post("/v3/ControlPlane/Operators", json=operator_body())
            assert time.monotonic() - started >= 0.12 and created.status_code == 201
            assert by_sid.get(f"/v3/ControlPlane/Operators/{created.json()['id']}").status_code == 200
            response = by_sid.post("/v2/ControlPlane/Configurations", json=conversation_body())
            assert operation_status(by_sid, response) == "FAILED"


def test_error_rate_from_flags():
    with EmulatorProcess(["--error-rate", "1", "--seed", "4"]) as server, api(server) as http:
        answers = [http.get("/v2/ControlPlane/Configurations") for _ in range(30)]
    assert set(Counter(r.status_code for r in answers)) == {429, 500, 503}
    assert all(r.headers["Retry-After"] == "1" for r in answers if r.status_code == 429)
    assert all(set(r.json()) == {"code", "message", "more_info", "status"} for r in answers)


def test_stuck_operations_and_operation_delay_from_flags():
    with EmulatorProcess(["--stuck-operations", "1", "--operation-delay", "0"]) as server, api(server) as http:
        response = http.post("/v2/ControlPlane/Configurations", json=conversation_body())
        assert operation_status(http, response) == "PENDING"
    with EmulatorProcess(["--operation-delay", "0.3"]) as server, api(server) as http:
        response = http.post("/v2/ControlPlane/Configurations", json=conversation_body())
        assert response.headers["Retry-After"] == "1"  # whole seconds, rounded up
        assert operation_status(http, response) == "PENDING"
        time.sleep(0.3)
        assert operation_status(http, response) == "COMPLETED"


@pytest.mark.parametrize(
    "flags",
    [["--error-rate", "2"], ["--fail-operations", "-1"], ["--latency-ms", "-5"], ["--account", "AC1:token"]],
)
def test_invalid_flags_exit_with_status_2(flags):
    run = subprocess.run(
        [sys.executable, "-m", "pulumi_twilio_intelligence.emulator", *flags],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and run.stderr


def _write_until_killed(server: EmulatorProcess, acknowledged: list[tuple[str, str]], stop: threading.Event) -> None:
    """Create operators and conversation configurations until the server dies; record what it acknowledged."""
    with api(server) as http:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                if n % 2:
                    response = http.post("/v3/ControlPlane/Operators", json=operator_body(displayName=f"op {n}"))
                    if response.status_code == 201:
                        acknowledged.append(("operator", response.json()["id"]))
                else:
                    response = http.post(
                        "/v2/ControlPlane/Configurations", json=conversation_body(displayName=f"c {n}")
                    )
                    if response.status_code == 202:
                        acknowledged.append(("configuration", response.json()["related"]["configurationId"]))
            except httpx.TransportError:
                return  # killed


def test_state_survives_kill_9_with_every_acknowledged_write(tmp_path):
    state = tmp_path / "emulator.sqlite"
    flags = ["--state", str(state), "--operation-delay", "0"]
    acknowledged: list[tuple[str, str]] = []
    for _round in range(3):
        with EmulatorProcess(flags) as server:
            stop = threading.Event()
            writer = threading.Thread(target=_write_until_killed, args=(server, acknowledged, stop))
            before = len(acknowledged)
            writer.start()
            while len(acknowledged) < before + 25 and writer.is_alive():
                time.sleep(0.01)
            server.kill()  # SIGKILL while the writer is sending
            stop.set()
            writer.join(30)
        with sqlite3.connect(state) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with EmulatorProcess(flags) as server, api(server) as http:
        operators = http.get("/v3/ControlPlane/Operators", params={"pageSize": 1000}).json()["items"]
        configurations = http.get("/v2/ControlPlane/Configurations", params={"pageSize": 1000}).json()["configurations"]
    stored = {("operator", o["id"]) for o in operators} | {("configuration", c["id"]) for c in configurations}
    assert len(acknowledged) >= 75
    assert set(acknowledged) <= stored
