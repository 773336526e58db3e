"""Hostile input to the emulator server: every malformed request answers 4xx with the API's own error
body (never 5xx), and nothing invalid is ever stored (later lists of the account still answer 200,
also from a ``--state`` file after a restart)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess
from tests.emulator.helpers import conversation_body, intelligence_body, operator_body

V3_OPERATORS = "/v3/ControlPlane/Operators"
V3_CONFIGURATIONS = "/v3/ControlPlane/Configurations"
V2_CONFIGURATIONS = "/v2/ControlPlane/Configurations"
LISTS = (V3_OPERATORS, V3_CONFIGURATIONS, V2_CONFIGURATIONS)


def _token(payload: str) -> str:
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmulatorProcess, Path]]:
    """A server with a state file, shared by the module (each test checks the lists still answer)."""
    state = tmp_path_factory.mktemp("hostile") / "state.sqlite"
    with EmulatorProcess(["--operation-delay", "0", "--state", str(state)]) as server:
        yield server, state


@pytest.fixture
def api(hostile: tuple[EmulatorProcess, Path]) -> Iterator[httpx.Client]:
    server, _ = hostile
    with httpx.Client(base_url=server.url, auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN), timeout=30) as client:
        yield client


def _assert_api_error(response: httpx.Response, path: str) -> None:
    """A 4xx with the error body of the API serving ``path`` (v3 or v2), the status inside it."""
    assert 400 <= response.status_code < 500, f"{response.status_code}: {response.text[:300]}"
    body = response.json()
    if path.startswith("/v3/"):
        assert {"code", "message", "httpStatusCode"} <= set(body) and body["httpStatusCode"] == response.status_code
    else:
        assert {"code", "message", "more_info", "status"} <= set(body) and body["status"] == response.status_code


def _assert_lists_answer(api: httpx.Client) -> None:
    for path in LISTS:
        listed = api.get(path, params={"pageSize": 1000})
        assert listed.status_code == 200, f"GET {path}: {listed.status_code} {listed.text[:300]}"


#: JSON texts (as sent on the wire) with a lone surrogate somewhere: valid JSON syntax, invalid Unicode.
SURROGATES = [
    (V3_OPERATORS, '{"displayName": "\\ud800", "prompt": "x", "outputFormat": "TEXT"}'),
    (V3_OPERATORS, '{"displayName": "ok", "prompt": "a\\udfffb", "outputFormat": "TEXT"}'),
    (V3_OPERATORS, '{"displayName": "ok", "prompt": "x", "outputFormat": "TEXT", "extra\\ud800": 1}'),
    (V3_CONFIGURATIONS, '{"displayName": "x", "description": "\\udc00", "rules": []}'),
    (V2_CONFIGURATIONS, json.dumps(conversation_body()).replace('"Support"', '"Sup\\ud83dport"')),
]


@pytest.mark.parametrize(("path", "text"), SURROGATES)
def test_a_lone_surrogate_is_400_and_never_stored(api: httpx.Client, path: str, text: str) -> None:
    response = api.post(path, content=text.encode(), headers={"Content-Type": "application/json"})
    _assert_api_error(response, path)
    assert response.status_code == 400
    _assert_lists_answer(api)


def test_a_surrogate_in_an_update_is_400_and_the_object_is_unchanged(api: httpx.Client) -> None:
    created = api.post(V3_OPERATORS, json=operator_body(displayName="hostile update")).json()
    text = json.dumps(operator_body(displayName="hostile update")).replace('"Scores the agent"', '"\\ud800"')
    path = f"{V3_OPERATORS}/{created['id']}"
    response = api.put(path, content=text.encode(), headers={"Content-Type": "application/json", "If-Match": "1"})
    _assert_api_error(response, path)
    assert api.get(path).json()["version"] == 1
    _assert_lists_answer(api)


PAGE_TOKENS = [
    _token('{"after": 1e999}'),  # infinity
    _token('{"after": 123456789012345678901234567890}'),  # beyond 64 bits
    _token('{"after": -1}'),
    _token('{"after": 1.5}'),
    _token('{"after": "7"}'),
    _token('{"after": true}'),
    _token("[1, 2]"),
    _token('{"after": NaN}'),
    _token("\udcff".encode("utf-8", "surrogatepass").decode("latin-1")),
    "A" * 10_000,  # oversized
    "%%%",
    "\u00e9t\u00e9",
]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("token", PAGE_TOKENS, ids=range(len(PAGE_TOKENS)))
def test_a_crafted_page_token_is_400(api: httpx.Client, path: str, token: str) -> None:
    response = api.get(path, params={"pageToken": token})
    _assert_api_error(response, path)
    assert response.status_code == 400


@pytest.mark.parametrize("size", ["99999999999999999999999", "1e3", "-0", " 5", "\u0661\u0660"])
def test_a_crafted_page_size_is_400(api: httpx.Client, size: str) -> None:
    response = api.get(V3_OPERATORS, params={"pageSize": size})
    _assert_api_error(response, V3_OPERATORS)


@pytest.mark.parametrize(
    "headers",
    [
        {"Idempotency-Key": "\u00e9" * 40},
        {"Idempotency-Key": "x" * 5000},
    ],
)
def test_crafted_headers_are_4xx(api: httpx.Client, headers: dict[str, str]) -> None:
    raw = {k: v.encode("utf-8") for k, v in headers.items()}
    response = api.post(V2_CONFIGURATIONS, content=json.dumps(conversation_body()).encode(), headers=raw)
    _assert_api_error(response, V2_CONFIGURATIONS)
    _assert_lists_answer(api)


@pytest.mark.parametrize(
    "path",
    [f"{V3_OPERATORS}/%ED%A0%80", f"{V3_OPERATORS}/intelligence_operator_{'0' * 5000}", f"{V2_CONFIGURATIONS}/%00"],
)
def test_crafted_path_ids_are_404(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    _assert_api_error(response, path)
    assert response.status_code == 404


ADMIN_BODIES: list[tuple[str, Any]] = [
    ("faults", []),
    ("faults", "x"),
    ("faults", None),
    ("faults", 7),
    ("faults", {"errorRate": "often"}),
    ("faults", {"errorRate": 1e308 * 10}),
    ("faults", {"errorRate": [0.1]}),
    ("faults", {"latencyMs": -1}),
    ("faults", {"unknown": 1}),
    ("accounts", []),
    ("accounts", {"accountSid": 7, "authToken": "t"}),
    ("accounts", {"accountSid": "AC" + "1" * 32}),
    ("hooks", []),
    ("hooks", {"route": "POST /nowhere"}),
    ("hooks", {"route": "POST /v3/ControlPlane/Operators", "holdSeconds": 1e999}),
    ("operators/intelligence_operator_01kcgy1ew0e9x8re6jq542zt8b/versions/1", []),
    ("operators/intelligence_operator_01kcgy1ew0e9x8re6jq542zt8b/versions/x", {"account": 1, "status": "ACTIVE"}),
]


@pytest.mark.parametrize(("path", "body"), ADMIN_BODIES)
def test_the_admin_api_answers_4xx_to_malformed_bodies_and_changes_nothing(
    hostile: tuple[EmulatorProcess, Path], path: str, body: Any
) -> None:
    server, _ = hostile
    before = server.admin("GET", "faults").json()
    content = json.dumps(body, allow_nan=True).encode() if body is not None else b"null"
    response = httpx.post(f"{server.url}/__emulator/{path}", content=content, timeout=30)
    assert 400 <= response.status_code < 500, f"{response.status_code}: {response.text[:300]}"
    assert "message" in response.json()
    assert server.admin("GET", "faults").json() == before


def test_a_body_that_is_not_json_at_all_is_4xx_on_the_admin_api(hostile: tuple[EmulatorProcess, Path]) -> None:
    server, _ = hostile
    for raw in (b"\xff\xfe", b"{", b"[" * 100_000):
        response = httpx.post(f"{server.url}/__emulator/faults", content=raw, timeout=30)
        assert 400 <= response.status_code < 500


@settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(st.characters(exclude_categories=())),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=8,
    ),
    field=st.sampled_from(["displayName", "description", "prompt", "outputFormat", "parameters", "context"]),
)
def test_any_value_in_any_field_of_an_operator_is_never_a_5xx(
    hostile: tuple[EmulatorProcess, Path], field: str, value: Any
) -> None:
    server, _ = hostile
    text = json.dumps({**operator_body(displayName="fuzz"), field: value}, ensure_ascii=True)
    with httpx.Client(base_url=server.url, auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN), timeout=30) as client:
        response = client.post(V3_OPERATORS, content=text.encode(), headers={"Content-Type": "application/json"})
        assert response.status_code < 500, response.text[:300]
        if response.status_code >= 400:
            _assert_api_error(response, V3_OPERATORS)
        listed = client.get(V3_OPERATORS, params={"pageSize": 1000})
        assert listed.status_code == 200
        if response.status_code == 201:
            assert client.delete(f"{V3_OPERATORS}/{response.json()['id']}").status_code == 204


def test_the_state_file_stays_readable_after_hostile_input(hostile: tuple[EmulatorProcess, Path]) -> None:
    """Last in the module: a fresh server on the same state file lists every account's objects."""
    server, state = hostile
    for path, text in SURROGATES:
        server_url = server.url
        httpx.post(
            server_url + path,
            content=text.encode(),
            headers={"Content-Type": "application/json"},
            auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN),
            timeout=30,
        )
    server.stop()
    with (
        EmulatorProcess(["--state", str(state)]) as again,
        httpx.Client(base_url=again.url, auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN), timeout=30) as client,
    ):
        _assert_lists_answer(client)
        assert client.post(V3_CONFIGURATIONS, json=intelligence_body()).status_code == 201
