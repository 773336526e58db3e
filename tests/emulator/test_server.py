"""The emulator as a server process: its flags, signals, seeded runs, and durable state that survives
``kill -9``. Every API answer here is checked against the documents (``call`` in helpers)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess
from tests.conftest import eventually
from tests.emulator.helpers import (
    CONVERSATION_CONFIGURATIONS,
    MEMORY_STORES,
    OPERATION,
    OPERATOR,
    OPERATORS,
    TRAIT_GROUPS,
    accepted,
    call,
    conversation_body,
    expect,
    operator_body,
)

ACCOUNT = "AC" + "e" * 32
API_KEY = "SK" + "e" * 32
#: How long a stopping server may take: well above a clean stop (~0.5 s), well below the 10 s after
#: which EmulatorProcess.stop() would SIGKILL it and hide the hang.
STOP_WITHIN = 5


def api(process: EmulatorProcess, auth: tuple[str, str] = (DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN)) -> httpx.Client:
    """A client of the server's API (both Twilio APIs share its one base URL)."""
    return httpx.Client(base_url=process.url, auth=auth, timeout=30)


def operation_status(http: httpx.Client, response: httpx.Response) -> str:
    """The status of the Operation a 202 answer started."""
    _, operation_id = accepted(response)
    return str(expect(call(http, "GET", OPERATION, id=operation_id), 200)["status"])


def test_accounts_latency_and_failing_operations_from_flags():
    flags = ["--account", f"{ACCOUNT}:secret-token", "--api-key", f"{API_KEY}:key-secret:{ACCOUNT}"]
    flags += ["--latency-ms", "120", "--fail-operations", "1", "--operation-delay", "0"]
    with EmulatorProcess(flags) as server:
        faults = server.admin("GET", "faults").json()
        assert (faults["latencyMs"], faults["failOperations"], faults["operationDelay"]) == (120, 1, 0)
        with api(server) as demo:
            expect(call(demo, "GET", OPERATORS), 401)  # only the accounts given
        with api(server, (API_KEY, "key-secret")) as by_key, api(server, (ACCOUNT, "secret-token")) as by_sid:
            started = time.monotonic()
            created = expect(call(by_key, "POST", OPERATORS, json=operator_body()), 201)
            assert time.monotonic() - started >= 0.12
            expect(call(by_sid, "GET", OPERATOR, id=created["id"]), 200)
            response = call(by_sid, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body())
            assert operation_status(by_sid, response) == "FAILED"


def _command_line(server: EmulatorProcess) -> str:
    assert server.proc is not None
    with open(f"/proc/{server.proc.pid}/cmdline", "rb") as file:
        return file.read().replace(b"\0", b" ").decode()


def test_accounts_from_a_file_keep_tokens_out_of_the_process_listing(tmp_path):
    accounts = tmp_path / "accounts"
    accounts.write_text(f"# local accounts\n{ACCOUNT}:file-token-123\n{API_KEY}:file-key-secret:{ACCOUNT}  # a key\n")
    with EmulatorProcess(["--accounts-file", str(accounts)]) as server:
        assert "file-token-123" not in _command_line(server) and "file-key-secret" not in _command_line(server)
        with api(server, (ACCOUNT, "file-token-123")) as by_sid, api(server, (API_KEY, "file-key-secret")) as by_key:
            expect(call(by_sid, "GET", OPERATORS), 200)
            expect(call(by_key, "GET", OPERATORS), 200)
        with api(server) as demo:
            expect(call(demo, "GET", OPERATORS), 401)  # only the accounts given


def test_accounts_from_an_environment_variable():
    env = {"TWILIO_EMULATOR_ACCOUNTS": f"{ACCOUNT}:env-token-456, {DEMO_ACCOUNT_SID}:{DEMO_AUTH_TOKEN}"}
    with EmulatorProcess(env=env) as server:
        assert "env-token-456" not in _command_line(server)
        with api(server, (ACCOUNT, "env-token-456")) as client, api(server) as demo:
            expect(call(client, "GET", OPERATORS), 200)
            expect(call(demo, "GET", OPERATORS), 200)


@pytest.mark.parametrize("content", ["not-an-entry", "ACxyz:secret-in-file", f"{API_KEY}::{ACCOUNT}"])
def test_a_malformed_accounts_file_exits_with_status_2_without_showing_secrets(tmp_path, content):
    accounts = tmp_path / "accounts"
    accounts.write_text(f"{ACCOUNT}:good-token\n{content}\n")
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_twilio_intelligence.emulator", "--accounts-file", str(accounts)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"{accounts}: entry 2 is not SID:TOKEN nor KEY:SECRET:SID" in done.stderr
    assert "secret-in-file" not in done.stderr and "good-token" not in done.stderr


def test_a_missing_accounts_file_exits_with_status_2(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_twilio_intelligence.emulator", "--accounts-file", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "--accounts-file" in done.stderr


def test_error_rate_from_flags():
    with EmulatorProcess(["--error-rate", "1", "--seed", "4"]) as server, api(server) as http:
        answers = [call(http, "GET", CONVERSATION_CONFIGURATIONS) for _ in range(30)]
    assert set(Counter(r.status_code for r in answers)) == {429, 500, 503}
    assert all(r.headers["Retry-After"] == "1" for r in answers if r.status_code == 429)
    assert all(set(r.json()) == {"code", "message", "more_info", "status"} for r in answers)


def test_stuck_operations_from_flags():
    with EmulatorProcess(["--stuck-operations", "1", "--operation-delay", "0"]) as server, api(server) as http:
        response = call(http, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body())
        assert operation_status(http, response) == "PENDING"


def test_operation_delay_from_flags():
    """A 3.5 s delay: PENDING right after the write (seconds of margin on a loaded machine), then
    COMPLETED, polled with a deadline, and never before the delay has passed."""
    with EmulatorProcess(["--operation-delay", "3.5"]) as server, api(server) as http:
        started = time.monotonic()
        response = call(http, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body())
        assert response.headers["Retry-After"] == "4"  # whole seconds, rounded up
        assert operation_status(http, response) == "PENDING"
        eventually(
            lambda: operation_status(http, response) == "COMPLETED", timeout=30, what="the Operation to complete"
        )
        assert time.monotonic() - started >= 3.5


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--error-rate", "2"], "--error-rate"),
        (["--fail-operations", "-1"], "--fail-operations"),
        (["--latency-ms", "-5"], "--latency-ms"),
        (["--account", "AC1:token"], "--account"),
        (["--api-key", f"{API_KEY}:secret:AC1"], "--api-key"),
    ],
)
def test_invalid_flags_exit_with_status_2_naming_the_flag(flags, named):
    run = subprocess.run(
        [sys.executable, "-m", "pulumi_twilio_intelligence.emulator", *flags],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert f"argument {named}: " in run.stderr, run.stderr


@pytest.mark.parametrize("served_a_request", [False, True], ids=["at-once", "after-a-request"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_sigterm_and_sigint_stop_the_server_cleanly(sig, served_a_request):
    """Status 0 within STOP_WITHIN seconds, from the moment the URL is printed; the test waits itself,
    so a hang cannot hide behind EmulatorProcess.stop()'s SIGKILL."""
    with EmulatorProcess() as server:
        assert server.proc is not None
        if served_a_request:
            with api(server) as http:
                expect(call(http, "GET", OPERATORS), 200)
        server.proc.send_signal(sig)
        try:
            status = server.proc.wait(STOP_WITHIN)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the server did not stop within {STOP_WITHIN} s of {sig.name}: {''.join(server.output)}")
        assert status == 0, "".join(server.output)


def _seeded_run(seed: int) -> tuple[list[str], list[int]]:
    """The random parts of the ids minted by a server started with ``--seed``, and the statuses
    of 20 requests once half of them are answered with errors."""
    with EmulatorProcess(["--seed", str(seed), "--operation-delay", "0"]) as server, api(server) as http:
        ids = [expect(call(http, "POST", OPERATORS, json=operator_body()), 201)["id"] for _ in range(2)]
        ids += accepted(call(http, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body()))
        assert server.admin("POST", "faults", {"errorRate": 0.5}).status_code == 200
        statuses = [call(http, "GET", OPERATORS).status_code for _ in range(20)]
    # a TTID ends with a ULID: 10 characters of time (the server's clock), then 16 of seeded randomness
    return [i[-16:] for i in ids], statuses


def test_seed_makes_ids_and_injected_errors_reproducible():
    ids, statuses = _seeded_run(7)
    assert len(set(ids)) == 4 and {200} < set(statuses)
    assert _seeded_run(7) == (ids, statuses)
    other_ids, other_statuses = _seeded_run(8)
    assert set(other_ids).isdisjoint(ids) and other_statuses != statuses


def _write_until_killed(server: EmulatorProcess, acknowledged: list[tuple[str, str]], stop: threading.Event) -> None:
    """Create operators and conversation configurations until the server dies; record what it acknowledged."""
    with api(server) as http:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                if n % 2:
                    response = http.post(OPERATORS, json=operator_body(displayName=f"op {n}"))
                    if response.status_code == 201:
                        acknowledged.append(("operator", response.json()["id"]))
                else:
                    response = http.post(CONVERSATION_CONFIGURATIONS, json=conversation_body(displayName=f"c {n}"))
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
            eventually(
                lambda: len(acknowledged) >= before + 25 or not writer.is_alive(),  # noqa: B023 (read at once)
                timeout=60,
                interval=0.01,
                what="25 acknowledged writes",
            )
            server.kill()  # SIGKILL while the writer is sending
            stop.set()
            writer.join(30)
            assert not writer.is_alive()
        with sqlite3.connect(state) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with EmulatorProcess(flags) as server, api(server) as http:
        everything = {"pageSize": 1000}
        operators = expect(call(http, "GET", OPERATORS, params=everything), 200)["items"]
        configurations = expect(call(http, "GET", CONVERSATION_CONFIGURATIONS, params=everything), 200)
    stored = {("operator", o["id"]) for o in operators}
    stored |= {("configuration", c["id"]) for c in configurations["configurations"]}
    assert len(acknowledged) >= 75
    assert set(acknowledged) <= stored


def test_a_commit_hook_holds_the_answer_of_a_committed_create_until_released():
    """What the crash tests rely on: the create is committed (listed) while its answer is held."""
    with EmulatorProcess(["--operation-delay", "0"]) as server, api(server) as client:
        armed = server.admin("POST", "hooks", json={"route": f"POST {OPERATORS}", "holdSeconds": 60})
        assert armed.json()["armed"] == {f"POST {OPERATORS}": 60}
        answer: list[httpx.Response] = []
        sender = threading.Thread(target=lambda: answer.append(call(client, "POST", OPERATORS, json=operator_body())))
        sender.start()
        committed = eventually(
            lambda: server.admin("GET", "hooks").json()["committed"], timeout=60, what="the create committed"
        )
        with api(server) as other:
            listed = expect(call(other, "GET", OPERATORS), 200)["items"]
        assert committed[0]["route"] == f"POST {OPERATORS}"
        assert committed[0]["id"] in [o["id"] for o in listed] and not answer  # committed, not answered yet
        assert committed[0]["operation"] is None and committed[0]["statusUrl"] is None  # a synchronous create
        assert server.admin("DELETE", "hooks").json() == {"armed": {}, "committed": []}
        sender.join(timeout=30)
        assert expect(answer[0], 201)["id"] == committed[0]["id"]
        expect(call(client, "POST", OPERATORS, json=operator_body(displayName="next")), 201)  # fired once


def test_a_commit_hook_on_a_route_template_records_the_operation_of_an_asynchronous_create():
    """A Memory create answers 202 without the object's id: the hook records its Operation (the
    ``Operation-Id`` and ``Location`` of the held answer), whose ``result.id`` names the object. The
    route is the template as written, so it matches a create in any store."""
    with EmulatorProcess(["--operation-delay", "0"]) as server, api(server) as client:
        store_answer = call(client, "POST", MEMORY_STORES, json={"displayName": "hooked"})
        store = eventually(
            lambda: client.get(store_answer.headers["Location"]).json().get("result", {}).get("id"),
            timeout=60,
            what="the store created",
        )
        route = f"POST {TRAIT_GROUPS}"
        server.admin("POST", "hooks", json={"route": route, "holdSeconds": 60})
        answer: list[httpx.Response] = []
        group = {"displayName": "Contact", "traits": {"email": {"dataType": "STRING"}}}
        sender = threading.Thread(
            target=lambda: answer.append(call(client, "POST", TRAIT_GROUPS, storeId=store, json=group))
        )
        sender.start()
        [committed] = eventually(
            lambda: server.admin("GET", "hooks").json()["committed"], timeout=60, what="the create committed"
        )
        assert (committed["route"], committed["id"]) == (route, None) and not answer
        assert committed["operation"].startswith("mem_operation_")
        operation = expect(client.get(committed["statusUrl"]), 200)  # readable while the answer is held
        assert operation["operationId"] == committed["operation"]
        server.admin("DELETE", "hooks")
        sender.join(timeout=30)
        expect(answer[0], 202)
        assert answer[0].headers["Operation-Id"] == committed["operation"]
        assert answer[0].headers["Location"] == committed["statusUrl"]
        result = eventually(
            lambda: client.get(committed["statusUrl"]).json().get("result"), timeout=60, what="the Operation done"
        )
        assert result["id"] == "Contact"  # a trait group's id is its name
