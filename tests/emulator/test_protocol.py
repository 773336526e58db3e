"""HTTP behaviour shared by every endpoint: authentication, wrong methods, malformed bodies, error bodies."""

from __future__ import annotations

import base64

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN
from tests.emulator.helpers import (
    CONVERSATION_CONFIGURATION,
    CONVERSATION_CONFIGURATIONS,
    INTELLIGENCE_CONFIGURATION,
    INTELLIGENCE_CONFIGURATIONS,
    OPERATION,
    OPERATOR,
    OPERATORS,
    VERSION,
    VERSIONS,
    call,
    conversation_body,
    create_conversation,
    create_intelligence,
    create_operator,
    expect,
    intelligence_body,
    operator_body,
    url,
)

#: Every ControlPlane route and the methods its document lists.
ROUTES = {
    OPERATORS: {"GET", "POST"},
    OPERATOR: {"GET", "PUT", "DELETE"},
    VERSIONS: {"GET"},
    VERSION: {"GET"},
    INTELLIGENCE_CONFIGURATIONS: {"GET", "POST"},
    INTELLIGENCE_CONFIGURATION: {"GET", "PUT", "DELETE"},
    CONVERSATION_CONFIGURATIONS: {"GET", "POST"},
    CONVERSATION_CONFIGURATION: {"GET", "PUT", "PATCH", "DELETE"},
    OPERATION: {"GET"},
}
IDS = {"id": "intelligence_operator_01kcgy1ew0e9x8re6jq542zt8b", "version": 1}
#: Writes with a body (PATCH of a Conversation Configuration is 405, as on live Twilio, unless the
#: documented PATCH is asked for: it never reads the body).
WRITES = [(template, method) for template, methods in ROUTES.items() for method in sorted(methods & {"POST", "PUT"})]


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.mark.parametrize("template", list(ROUTES))
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        _basic(DEMO_ACCOUNT_SID, "wrong-token"),
        _basic("AC" + "1" * 32, DEMO_AUTH_TOKEN),
        "Basic not-base64!",
        "Bearer " + DEMO_AUTH_TOKEN,
    ],
    ids=["none", "wrong-token", "unknown-account", "malformed", "bearer"],
)
def test_missing_or_wrong_credentials_are_401_with_the_api_error_body(twilio_emulator, template, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    with httpx.Client(transport=twilio_emulator.transport) as http:
        response = call(http, "GET", template, headers=headers, **IDS)
    error = expect(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert DEMO_AUTH_TOKEN not in response.text and "wrong-token" not in response.text
    assert error["code"] == 20003


@pytest.mark.parametrize(
    ("template", "body"),
    [
        (OPERATORS, operator_body()),
        (INTELLIGENCE_CONFIGURATIONS, intelligence_body()),
        (CONVERSATION_CONFIGURATIONS, conversation_body()),
    ],
)
def test_a_valid_write_with_wrong_credentials_is_401_and_changes_nothing(twilio_emulator, template, body):
    with httpx.Client(transport=twilio_emulator.transport, auth=(DEMO_ACCOUNT_SID, "wrong-token")) as http:
        expect(call(http, "POST", template, json=body), 401)
    assert twilio_emulator.custom_resources() == {}


@pytest.mark.parametrize("template", list(ROUTES))
def test_methods_a_route_does_not_have_are_405_listing_those_it_has(twilio_http, template):
    for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - ROUTES[template]:
        response = call(twilio_http, method, template, **IDS)
        error = expect(response, 405)
        assert set(response.headers["Allow"].split(", ")) - {"HEAD"} == ROUTES[template]
        assert method in error["message"]


def test_unknown_paths_are_404_with_the_api_error_body(twilio_http):
    expect(twilio_http.get(url(OPERATORS) + "/"), 404)  # exact paths: no redirect
    v3 = expect(twilio_http.get("https://intelligence.twilio.com/v3/ControlPlane/Nothing"), 404)
    assert v3["httpStatusCode"] == 404 and v3["userError"] is True
    v2 = expect(twilio_http.get("https://conversations.twilio.com/v2/ControlPlane/Nothing"), 404)
    assert v2["status"] == 404 and "more_info" in v2


MALFORMED = {
    "empty": b"",
    "truncated": b'{"displayName": "x"',
    "not-utf8": b'{"displayName": "\xff\xfe"}',
    "nan": b'{"displayName": NaN}',
    "infinity": b'{"rules": [], "displayName": Infinity}',
    "deeply-nested": b"[" * 100_000 + b"]" * 100_000,
    "array": b"[]",
    "string": b'"hello"',
    "null": b"null",
}


@pytest.fixture
def existing_ids(twilio_http, twilio_emulator):
    """Ids of one object of each kind, so that PUT and PATCH reach body parsing."""
    return {
        OPERATOR: create_operator(twilio_http)["id"],
        INTELLIGENCE_CONFIGURATION: create_intelligence(twilio_http)["id"],
        CONVERSATION_CONFIGURATION: create_conversation(twilio_http)[0],
    }


@pytest.mark.parametrize(("template", "method"), WRITES)
@pytest.mark.parametrize("content", list(MALFORMED.values()), ids=list(MALFORMED))
def test_malformed_bodies_are_400_never_500(twilio_http, existing_ids, template, method, content):
    ids = {"id": existing_ids[template]} if template in existing_ids else {}
    response = twilio_http.request(
        method, url(template, **ids), content=content, headers={"Content-Type": "application/json"}
    )
    error = expect(response, 400)
    assert error["code"] == 20001 and "body" in error["message"]
    for listing in (OPERATORS, INTELLIGENCE_CONFIGURATIONS, CONVERSATION_CONFIGURATIONS):
        expect(call(twilio_http, "GET", listing), 200)  # nothing unreadable was stored


NOT_JSON = {
    "form": b"displayName=Support&description=Voice",
    "xml": b"<configuration><displayName>x</displayName></configuration>",
    "text": b"hello",
    "bytes": b"\xff\xfe{}",
}


@pytest.mark.parametrize(("template", "method"), WRITES)
@pytest.mark.parametrize("content", list(NOT_JSON.values()), ids=list(NOT_JSON))
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/json"])
def test_bodies_that_are_not_json_are_415_with_code_20422(
    twilio_http, existing_ids, template, method, content, content_type
):
    """Live Twilio refuses form-encoded bodies with 415 and code 20422 (C7, I5); the body is judged,
    whatever its Content-Type says."""
    ids = {"id": existing_ids[template]} if template in existing_ids else {}
    response = twilio_http.request(
        method, url(template, **ids), content=content, headers={"Content-Type": content_type}
    )
    error = expect(response, 415)
    assert error["code"] == 20422 and "payload format" in error["message"]
    assert error.get("userError", True) is True


def test_a_form_content_type_without_a_body_is_harmless(twilio_http, existing_ids):
    form = {"Content-Type": "application/x-www-form-urlencoded"}  # what the official SDK sends on a GET
    expect(twilio_http.get(url(OPERATORS), headers=form), 200)
    expect(twilio_http.delete(url(OPERATOR, id=existing_ids[OPERATOR]), headers=form), 204)


def test_v3_and_v2_errors_use_their_own_bodies(twilio_http):
    v3 = expect(call(twilio_http, "POST", OPERATORS, json={}), 400)
    assert set(v3) == {"code", "message", "httpStatusCode", "userError", "params"}
    assert v3["params"]["twilioErrorCodeUrl"].endswith(str(v3["code"]))
    v2 = expect(call(twilio_http, "POST", CONVERSATION_CONFIGURATIONS, json={}), 400)
    assert set(v2) == {"code", "message", "more_info", "status"}
    assert v2["more_info"].endswith(str(v2["code"]))
