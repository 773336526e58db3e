"""The conformance checker itself: it accepts what the documents allow and names what they do not."""

from __future__ import annotations

import base64
import json
from contextlib import closing
from typing import Any

import pytest

from pulumi_twilio_intelligence.client import TwilioClient
from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN
from pulumi_twilio_intelligence.testing import InProcessEmulator

from .openapi_contract import Contract, Exchange

OPERATOR_ID = "intelligence_operator_01kcgy1ew0e9x8re6jq542zt8b"
OPERATOR = {
    "id": OPERATOR_ID,
    "displayName": "x",
    "prompt": "p",
    "outputFormat": "TEXT",
    "version": 1,
    "author": "SELF",
}
OPERATOR_REQUEST = {"displayName": "x", "prompt": "p", "outputFormat": "TEXT"}
V3_ERROR = {"code": 20404, "message": "not found", "httpStatusCode": 404, "userError": True, "params": {}}
V2_ERROR = {
    "code": 20409,
    "message": "conflict",
    "more_info": "https://www.twilio.com/docs/errors/20409",
    "status": 409,
}
STATUS_URL = "https://conversations.twilio.com/v2/ControlPlane/Operations/proc_job_01h9d8r0vte3hz8tykdj329t7r"
ACCEPTED_HEADERS = {"Operation-Id": "proc_job_01h9d8r0vte3hz8tykdj329t7r", "Location": STATUS_URL, "Retry-After": "1"}
OPERATION = {
    "operationId": "proc_job_01h9d8r0vte3hz8tykdj329t7r",
    "status": "PENDING",
    "createdAt": "2026-01-01T00:00:00Z",
    "statusUrl": STATUS_URL,
}
AUTH = "Basic " + base64.b64encode(f"{DEMO_ACCOUNT_SID}:{DEMO_AUTH_TOKEN}".encode()).decode()


def exchange(
    method: str,
    path: str,
    status: int,
    body: Any = None,
    headers: dict[str, str] | None = None,
    request: Any = None,
    host: str = "https://intelligence.twilio.com",
) -> Exchange:
    request_headers = {"Authorization": AUTH}
    if request is not None:
        request_headers["Content-Type"] = "application/json"
    response_headers = dict(headers or {})
    if body is not None:
        response_headers["Content-Type"] = "application/json"
    return Exchange(
        method=method,
        url=host + path,
        request_headers=request_headers,
        request_body=json.dumps(request).encode() if request is not None else b"",
        status=status,
        response_headers=response_headers,
        response_body=(body if isinstance(body, bytes) else json.dumps(body).encode()) if body is not None else b"",
    )


def conversations(method: str, path: str, status: int, body: Any = None, **kw: Any) -> Exchange:
    return exchange(method, path, status, body, host="https://conversations.twilio.com", **kw)


CONFORMING = [
    exchange("POST", "/v3/ControlPlane/Operators", 201, OPERATOR, {"ETag": "1"}, OPERATOR_REQUEST),
    exchange("GET", f"/v3/ControlPlane/Operators/{OPERATOR_ID}", 200, OPERATOR, {"ETag": "1"}),
    exchange("GET", f"/v3/ControlPlane/Operators/{OPERATOR_ID}", 404, V3_ERROR),
    exchange("DELETE", f"/v3/ControlPlane/Operators/{OPERATOR_ID}", 204),
    # undocumented statuses with the API's own error body
    exchange("DELETE", f"/v3/ControlPlane/Operators/{OPERATOR_ID}", 409, {**V3_ERROR, "httpStatusCode": 409}),
    conversations("PUT", "/v2/ControlPlane/Configurations/conv_configuration_x", 401, {**V2_ERROR, "status": 401}),
    conversations("POST", "/v2/ControlPlane/Configurations", 409, V2_ERROR, headers={"X-Conflicting-Resource-Id": "x"}),
    conversations(
        "DELETE", "/v2/ControlPlane/Configurations/x", 202, {"statusUrl": STATUS_URL}, headers=ACCEPTED_HEADERS
    ),
    exchange("HEAD", f"/v3/ControlPlane/Operators/{OPERATOR_ID}", 200, headers={"ETag": "1"}),
    exchange("POST", "/__emulator/reset", 200, {"reset": True}),
    # beyond the enum, the two statuses Twilio's docs page on Operations lists (live note C8)
    conversations("GET", "/v2/ControlPlane/Operations/x", 200, OPERATION | {"status": "RUNNING"}),
    conversations("GET", "/v2/ControlPlane/Operations/x", 200, OPERATION | {"status": "CANCELLED"}),
]


@pytest.mark.parametrize("good", CONFORMING, ids=lambda x: x.describe())
def test_conforming_exchanges_pass(contract: Contract, good: Exchange) -> None:
    assert contract.problems(good) == []


BROKEN = [
    (
        exchange(
            "POST", "/v3/ControlPlane/Operators", 201, {**OPERATOR, "version": "1"}, {"ETag": "1"}, OPERATOR_REQUEST
        ),
        "'1' is not of type 'integer'",
    ),
    (
        exchange(
            "POST", "/v3/ControlPlane/Operators", 201, {**OPERATOR, "id": "op_1"}, {"ETag": "1"}, OPERATOR_REQUEST
        ),
        "does not match",
    ),
    (exchange("POST", "/v3/ControlPlane/Operators", 201, OPERATOR, {}, OPERATOR_REQUEST), "header ETag is missing"),
    (exchange("POST", "/v3/ControlPlane/Operators", 201, OPERATOR, {"ETag": "one"}, OPERATOR_REQUEST), "ETag"),
    (
        exchange("POST", "/v3/ControlPlane/Operators", 201, OPERATOR, {"ETag": "1"}, {"displayName": "x"}),
        "the documents reject the request, yet it succeeded",
    ),
    (
        exchange("POST", "/v3/ControlPlane/Operators", 200, OPERATOR, {"ETag": "1"}, OPERATOR_REQUEST),
        "a success status the document does not list",
    ),
    (exchange("DELETE", f"/v3/ControlPlane/Operators/{OPERATOR_ID}", 204, {"deleted": True}), "without a body"),
    (exchange("GET", f"/v3/ControlPlane/Operators/{OPERATOR_ID}", 404, V2_ERROR | {"status": 404}), "httpStatusCode"),
    (exchange("DELETE", f"/v3/ControlPlane/Operators/{OPERATOR_ID}", 409, V3_ERROR), "httpStatusCode=404"),
    (exchange("GET", f"/v3/ControlPlane/Operators/{OPERATOR_ID}", 412, b"<html>"), "not JSON"),
    (
        exchange("GET", "/v3/ControlPlane/Operators", 429, {**V3_ERROR, "httpStatusCode": 429}, {"Retry-After": "1"}),
        "header X-RateLimit-Limit is missing",
    ),
    (conversations("GET", "/v2/ControlPlane/Configurations/x", 404, V3_ERROR), "more_info"),
    (
        conversations("DELETE", "/v2/ControlPlane/Configurations/x", 202, {"statusUrl": STATUS_URL}),
        "header Operation-Id is missing",
    ),
    (
        conversations(
            "DELETE",
            "/v2/ControlPlane/Configurations/x",
            202,
            {"statusUrl": STATUS_URL},
            headers=ACCEPTED_HEADERS | {"Location": "not a uri"},
        ),
        "Location",
    ),
    (
        conversations(
            "DELETE", "/v2/ControlPlane/Configurations/x", 202, {"statusUrl": "not a uri"}, headers=ACCEPTED_HEADERS
        ),
        "statusUrl",
    ),
    (conversations("POST", "/v2/ControlPlane/Configurations", 409, V2_ERROR), "X-Conflicting-Resource-Id"),
    (conversations("GET", "/v2/ControlPlane/Operations/x", 200, {"operationId": "x", "status": "DONE"}), "DONE"),
    # RUNNING and CANCELLED are the only extra statuses (the docs page lists them): no others
    (conversations("GET", "/v2/ControlPlane/Operations/x", 200, OPERATION | {"status": "STARTED"}), "STARTED"),
    (exchange("HEAD", f"/v3/ControlPlane/Operators/{OPERATOR_ID}", 200, OPERATOR, {"ETag": "1"}), "HEAD response"),
]


@pytest.mark.parametrize(("bad", "reason"), BROKEN, ids=[f"{x.describe()}-{r}" for x, r in BROKEN])
def test_broken_exchanges_are_named(contract: Contract, bad: Exchange, reason: str) -> None:
    problems = contract.problems(bad)
    assert any(reason in p for p in problems), problems
    with pytest.raises(AssertionError, match=bad.describe().replace(" ", r"\s")):
        contract.check([bad])


def test_each_document_has_one_error_schema(contract: Contract) -> None:
    v3, v2 = contract.documents["/v3/"], contract.documents["/v2/"]
    assert set(v3.error_schema["properties"]) == {"code", "message", "httpStatusCode", "userError", "params"}
    assert set(v2.error_schema["properties"]) == {"code", "message", "more_info", "status"}


def test_every_in_process_exchange_is_recorded(twilio: InProcessEmulator, conforming_responses: list[Exchange]) -> None:
    """The autouse fixture sees raw clients and the package's TwilioClient alike (checked at teardown)."""
    with twilio.http_client() as http:
        http.get("https://intelligence.twilio.com/v3/ControlPlane/Operators/not-an-id")
    with closing(TwilioClient(twilio.settings(max_retries=0))) as client:
        client.get_json("https://conversations.twilio.com/v2/ControlPlane/Configurations")
    assert [x.describe() for x in conforming_responses] == [
        "GET /v3/ControlPlane/Operators/not-an-id -> 404",
        "GET /v2/ControlPlane/Configurations -> 200",
    ]
