"""Intelligence v3 ControlPlane: every endpoint, success and error cases.

Every response is also checked against the official document by the autouse fixture of
``conftest.py`` (schemas, documented headers, error bodies).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import InProcessEmulator

from .payloads import INTELLIGENCE, operator_body, rule

OPERATORS = f"{INTELLIGENCE}/Operators"
CONFIGURATIONS = f"{INTELLIGENCE}/Configurations"
UNKNOWN_OPERATOR = "intelligence_operator_01h9d8r0vte3hz8tykdj329t7r"
UNKNOWN_CONFIGURATION = "intelligence_configuration_01h9d8r0vte3hz8tykdj329t7r"


@pytest.fixture
def http(twilio: InProcessEmulator) -> httpx.Client:
    # not closed: closing an httpx.Client closes its transport, the emulator's
    return twilio.http_client()


@pytest.fixture
def operator(http: httpx.Client) -> dict[str, Any]:
    response = http.post(OPERATORS, json=operator_body())
    assert response.status_code == 201, response.text
    return dict(response.json())


def twilio_operator(http: httpx.Client, name: str) -> dict[str, Any]:
    items = http.get(OPERATORS, params={"pageSize": 1000}).json()["items"]
    return next(op for op in items if op["author"] == "TWILIO" and op["displayName"] == name)


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["httpStatusCode"] == status
    return body


# -- operators --------------------------------------------------------------------------------


def test_create_operator(http: httpx.Client) -> None:
    response = http.post(OPERATORS, json=operator_body())
    assert response.status_code == 201
    body = response.json()
    assert body["author"] == "SELF"
    assert body["version"] == 1
    assert response.headers["ETag"] == "1"
    # Twilio forces additionalProperties false and every property required
    assert body["outputSchema"]["additionalProperties"] is False
    assert body["outputSchema"]["required"] == ["score"]
    assert body["parameters"]["scale"]["default"] == 5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in operator_body().items() if k != "prompt"}, "prompt"),
        (operator_body(displayName=""), "displayName"),
        (operator_body(displayName="x" * 129), "displayName"),
        (operator_body(outputFormat="XML"), "outputFormat"),
        ({k: v for k, v in operator_body().items() if k != "outputSchema"}, "outputSchema"),
        (operator_body(outputFormat="TEXT", outputSchema=None), "outputSchema"),
        (operator_body(parameters={"scale": {"type": "DATE"}}), "parameters"),
    ],
    ids=["no-prompt", "empty-name", "long-name", "bad-format", "json-without-schema", "null-schema", "bad-param-type"],
)
def test_create_operator_rejects_invalid_bodies(http: httpx.Client, body: dict[str, Any], field: str) -> None:
    assert field in error(http.post(OPERATORS, json=body), 400)["message"]


def test_create_operator_rejects_malformed_json(http: httpx.Client) -> None:
    error(http.post(OPERATORS, content=b"{not json", headers={"Content-Type": "application/json"}), 400)


def test_requests_need_valid_credentials(twilio: InProcessEmulator) -> None:
    error(httpx.Client(transport=twilio.transport).get(OPERATORS), 401)
    wrong = httpx.Client(transport=twilio.transport, auth=("AC" + "0" * 32, "wrong"))
    error(wrong.post(OPERATORS, json=operator_body()), 401)


def test_list_operators_pages_through_twilio_and_custom_operators(http: httpx.Client, operator: dict[str, Any]) -> None:
    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"pageSize": 2}
    while True:
        page = http.get(OPERATORS, params=params)
        assert page.status_code == 200
        body = page.json()
        assert body["meta"]["key"] == "items"
        assert body["meta"]["pageSize"] == len(body["items"]) <= 2
        seen += body["items"]
        if not body["meta"].get("nextToken"):
            break
        params = {"pageSize": 2, "pageToken": body["meta"]["nextToken"]}
    assert operator["id"] in {op["id"] for op in seen}
    twilio_authored = [op for op in seen if op["author"] == "TWILIO"]
    assert {op["displayName"] for op in twilio_authored} >= {"Sentiment Analysis", "Summary"}
    assert all("prompt" not in op and "trainingExamples" not in op for op in twilio_authored)


@pytest.mark.parametrize(
    "params", [{"pageSize": 0}, {"pageSize": 1001}, {"pageSize": "ten"}, {"pageToken": "@@"}, {"pageToken": ""}]
)
def test_list_operators_rejects_bad_paging(http: httpx.Client, params: dict[str, Any]) -> None:
    error(http.get(OPERATORS, params=params), 400)


def test_fetch_operator(http: httpx.Client, operator: dict[str, Any]) -> None:
    response = http.get(f"{OPERATORS}/{operator['id']}")
    assert response.status_code == 200
    assert response.json() == operator
    assert response.headers["ETag"] == "1"


@pytest.mark.parametrize("operator_id", [UNKNOWN_OPERATOR, "not-an-operator-id"])
def test_fetch_unknown_operator_is_404(http: httpx.Client, operator_id: str) -> None:
    error(http.get(f"{OPERATORS}/{operator_id}"), 404)


def test_fetch_twilio_operator_hides_its_prompt(http: httpx.Client) -> None:
    summary = twilio_operator(http, "Summary")
    fetched = http.get(f"{OPERATORS}/{summary['id']}").json()
    assert fetched["author"] == "TWILIO"
    assert "prompt" not in fetched


def test_update_operator_increments_version(http: httpx.Client, operator: dict[str, Any]) -> None:
    url = f"{OPERATORS}/{operator['id']}"
    first = http.put(url, json=operator_body(displayName="Adherence v2"), headers={"If-Match": "1"})
    assert first.status_code == 200
    assert first.json()["version"] == 2
    assert first.json()["displayName"] == "Adherence v2"
    assert first.headers["ETag"] == "2"
    text = {k: v for k, v in operator_body(outputFormat="TEXT").items() if k != "outputSchema"}
    unconditional = http.put(url, json=text)
    assert unconditional.json()["version"] == 3
    assert "outputSchema" not in unconditional.json()  # a full replacement
    quoted = http.put(url, json=operator_body(), headers={"If-Match": '"3"'})
    assert quoted.json()["version"] == 4


def test_update_operator_with_stale_if_match_is_412(http: httpx.Client, operator: dict[str, Any]) -> None:
    url = f"{OPERATORS}/{operator['id']}"
    error(http.put(url, json=operator_body(), headers={"If-Match": "7"}), 412)
    assert http.get(url).json()["version"] == 1


def test_update_operator_errors(http: httpx.Client, operator: dict[str, Any]) -> None:
    error(http.put(f"{OPERATORS}/{operator['id']}", json=operator_body(outputFormat="XML")), 400)
    error(http.put(f"{OPERATORS}/{UNKNOWN_OPERATOR}", json=operator_body()), 404)
    sentiment = twilio_operator(http, "Sentiment Analysis")
    error(http.put(f"{OPERATORS}/{sentiment['id']}", json=operator_body()), 403)


def test_operator_does_not_allow_patch(http: httpx.Client, operator: dict[str, Any]) -> None:
    error(http.patch(f"{OPERATORS}/{operator['id']}", json={"displayName": "x"}), 405)


def assert_deletes(http: httpx.Client, url: str) -> None:
    """DELETE answers 204 with no body; the object is gone for GET and DELETE."""
    response = http.delete(url)
    assert response.status_code == 204
    assert response.content == b""
    error(http.get(url), 404)
    error(http.delete(url), 404)


def test_delete_operator(http: httpx.Client, operator: dict[str, Any]) -> None:
    url = f"{OPERATORS}/{operator['id']}"
    assert_deletes(http, url)
    error(http.get(f"{url}/Versions"), 404)


def test_delete_operator_errors(http: httpx.Client, operator: dict[str, Any]) -> None:
    configuration = http.post(CONFIGURATIONS, json={"displayName": "uses it", "rules": [rule(operator["id"])]}).json()
    body = error(http.delete(f"{OPERATORS}/{operator['id']}"), 409)
    assert configuration["id"] in body["message"]
    error(http.delete(f"{OPERATORS}/{twilio_operator(http, 'Summary')['id']}"), 403)


# -- operator versions ------------------------------------------------------------------------


@pytest.fixture
def updated_operator_url(http: httpx.Client, operator: dict[str, Any]) -> str:
    """The URL of an operator with two versions (version 2 is named "second")."""
    url = f"{OPERATORS}/{operator['id']}"
    assert http.put(url, json=operator_body(displayName="second")).status_code == 200
    return url


def test_list_operator_versions(http: httpx.Client, updated_operator_url: str) -> None:
    url = updated_operator_url
    response = http.get(f"{url}/Versions")
    assert response.status_code == 200
    assert [(v["version"], v["status"]) for v in response.json()["items"]] == [(1, "ACTIVE"), (2, "ACTIVE")]
    one = http.get(f"{url}/Versions", params={"pageSize": 1}).json()
    assert len(one["items"]) == 1
    assert one["meta"]["nextToken"]


def test_list_versions_of_twilio_operators_show_their_lifecycle(http: httpx.Client) -> None:
    sentiment = twilio_operator(http, "Sentiment Analysis")
    deprecated = http.get(f"{OPERATORS}/{sentiment['id']}/Versions").json()["items"][0]
    assert deprecated["status"] == "DEPRECATED"
    assert deprecated["dateDeprecated"] and deprecated["retirementDate"]
    summary = twilio_operator(http, "Summary")
    retired = http.get(f"{OPERATORS}/{summary['id']}/Versions").json()["items"][0]
    assert retired["status"] == "RETIRED"
    assert retired["dateRetired"]


def test_list_versions_of_unknown_operator_is_404(http: httpx.Client) -> None:
    error(http.get(f"{OPERATORS}/{UNKNOWN_OPERATOR}/Versions"), 404)


def test_fetch_operator_version(http: httpx.Client, updated_operator_url: str) -> None:
    url = updated_operator_url
    response = http.get(f"{url}/Versions/1")
    assert response.status_code == 200
    body = response.json()
    assert (body["version"], body["displayName"], body["status"]) == (1, "Script Adherence", "ACTIVE")
    assert body["dateCreated"]
    assert http.get(f"{url}/Versions/2").json()["displayName"] == "second"


def test_fetch_operator_version_errors(http: httpx.Client, operator: dict[str, Any]) -> None:
    url = f"{OPERATORS}/{operator['id']}"
    error(http.get(f"{url}/Versions/2"), 404)
    not_a_number = http.get(f"{url}/Versions/two")
    assert not_a_number.status_code in (400, 404)  # the path parameter is an integer: both answers fit
    error(not_a_number, not_a_number.status_code)
    error(http.get(f"{OPERATORS}/{UNKNOWN_OPERATOR}/Versions/1"), 404)


# -- intelligence configurations --------------------------------------------------------------


def test_create_configuration(http: httpx.Client, operator: dict[str, Any]) -> None:
    no_trigger = {k: v for k, v in rule(operator["id"]).items() if k != "triggers"}
    one_default = rule(operator["id"], triggers=[{"on": "CONVERSATION_END"}])
    response = http.post(CONFIGURATIONS, json={"displayName": "support", "rules": [rule(operator["id"]), one_default]})
    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["accountId"]) == (1, "AC" + "0" * 32)
    assert body["rules"][1]["triggers"] == [{"on": "CONVERSATION_END", "parameters": {"count": 1}}]
    assert len({r["id"] for r in body["rules"]}) == 2
    empty = http.post(CONFIGURATIONS, json={"displayName": "no rules yet", "rules": []})
    assert empty.status_code == 201
    assert empty.json()["rules"] == []
    assert http.post(CONFIGURATIONS, json={"displayName": "x", "rules": [no_trigger]}).status_code == 201


@pytest.mark.parametrize(
    "mutate",
    [
        lambda op: {"rules": [rule(op)]},
        lambda op: {"displayName": "x", "rules": [rule(op)] * 6},
        lambda op: {"displayName": "x", "rules": [rule(op, operators=[])]},
        lambda op: {"displayName": "x", "rules": [rule(op, triggers=[{"on": "COMMUNICATION"}] * 2)]},
        lambda op: {
            "displayName": "x",
            "rules": [rule(op, triggers=[{"on": "COMMUNICATION", "parameters": {"count": 21}}])],
        },
        lambda op: {
            "displayName": "x",
            "rules": [rule(op, actions=[{"type": "WEBHOOK", "method": "GET", "url": "x"}])],
        },
        lambda op: {"displayName": "x", "rules": [rule(UNKNOWN_OPERATOR)]},
        lambda op: {"displayName": "x", "rules": [rule(op, operators=[{"id": op, "parameters": {"scale": "high"}}])]},
    ],
    ids=["no-name", "six-rules", "no-operators", "two-triggers", "count-21", "bad-action", "unknown-op", "bad-param"],
)
def test_create_configuration_rejects_invalid_bodies(http: httpx.Client, operator: dict[str, Any], mutate: Any) -> None:
    error(http.post(CONFIGURATIONS, json=mutate(operator["id"])), 400)


def test_list_and_fetch_configurations(http: httpx.Client, operator: dict[str, Any]) -> None:
    created = [
        http.post(CONFIGURATIONS, json={"displayName": f"c{i}", "rules": [rule(operator["id"])]}).json()
        for i in range(3)
    ]
    first = http.get(CONFIGURATIONS, params={"pageSize": 2}).json()
    second = http.get(CONFIGURATIONS, params={"pageSize": 2, "pageToken": first["meta"]["nextToken"]}).json()
    assert [c["id"] for c in first["items"] + second["items"]] == [c["id"] for c in created]
    assert "nextToken" not in second["meta"]
    fetched = http.get(f"{CONFIGURATIONS}/{created[0]['id']}")
    assert fetched.status_code == 200
    assert fetched.json() == created[0]
    error(http.get(f"{CONFIGURATIONS}/{UNKNOWN_CONFIGURATION}"), 404)


def test_update_configuration_keeps_rule_ids(http: httpx.Client, operator: dict[str, Any]) -> None:
    created = http.post(CONFIGURATIONS, json={"displayName": "c", "rules": [rule(operator["id"])]}).json()
    kept = {**rule(operator["id"], triggers=[{"on": "CONVERSATION_INACTIVE"}]), "id": created["rules"][0]["id"]}
    response = http.put(
        f"{CONFIGURATIONS}/{created['id']}", json={"displayName": "c2", "rules": [kept, rule(operator["id"])]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2
    assert body["rules"][0]["id"] == created["rules"][0]["id"]
    assert body["rules"][0]["triggers"][0]["on"] == "CONVERSATION_INACTIVE"
    assert body["rules"][1]["id"] != created["rules"][0]["id"]
    assert body["dateCreated"] == created["dateCreated"]


def test_update_configuration_errors(http: httpx.Client, operator: dict[str, Any]) -> None:
    created = http.post(CONFIGURATIONS, json={"displayName": "c", "rules": []}).json()
    url = f"{CONFIGURATIONS}/{created['id']}"
    foreign_rule = {**rule(operator["id"]), "id": "intelligence_configurationrule_01h9d8r0vte3hz8tykdj329t7r"}
    error(http.put(url, json={"displayName": "c", "rules": [foreign_rule]}), 400)
    error(http.put(url, json={"displayName": "c"}), 400)
    error(http.put(f"{CONFIGURATIONS}/{UNKNOWN_CONFIGURATION}", json={"displayName": "c", "rules": []}), 404)


def test_delete_configuration(http: httpx.Client) -> None:
    created = http.post(CONFIGURATIONS, json={"displayName": "c", "rules": []}).json()
    assert_deletes(http, f"{CONFIGURATIONS}/{created['id']}")
