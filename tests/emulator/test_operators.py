"""Intelligence v3 Language Operators: CRUD, versions, ETag/If-Match, validation, Twilio-authored operators."""

from __future__ import annotations

import re

import pytest

from tests.emulator.helpers import (
    OPERATOR,
    OPERATORS,
    VERSION,
    VERSIONS,
    call,
    create_operator,
    expect,
    operator_body,
    twilio_operator,
)

OPERATOR_ID = re.compile(r"^intelligence_operator_[0-7][0-9a-z]{25}$")
TWILIO_AUTHORED = ("Sentiment Analysis", "Summary", "Next Best Response", "Script Adherence")
MISSING_ID = "intelligence_operator_01kcgy1ew0e9x8re6jq542zt8b"
MISSING = object()  # a field left out of the body


def test_create_assigns_ttid_version_1_author_self_and_etag(twilio_http):
    response = call(twilio_http, "POST", OPERATORS, json=operator_body())
    body = expect(response, 201)
    assert OPERATOR_ID.match(body["id"])
    assert (body["version"], body["author"], response.headers["ETag"]) == (1, "SELF", "1")
    assert {k: body[k] for k in operator_body()} == operator_body()


def test_read_only_and_unknown_fields_sent_are_ignored(twilio_http):
    sent = operator_body(id=MISSING_ID, version=7, author="TWILIO", colour="blue")
    body = create_operator(twilio_http, **{k: v for k, v in sent.items() if k not in operator_body()})
    assert body["id"] != MISSING_ID
    assert (body["version"], body["author"]) == (1, "SELF")
    assert "colour" not in body


def test_fetch_returns_the_operator_with_its_etag(twilio_http):
    created = create_operator(twilio_http)
    response = call(twilio_http, "GET", OPERATOR, id=created["id"])
    assert expect(response, 200) == created
    assert response.headers["ETag"] == "1"


def test_update_replaces_everything_and_increments_the_version(twilio_http):
    created = create_operator(twilio_http, trainingExamples=[{"input": "hi", "output": "3"}])
    replacement = operator_body(displayName="Adherence v2", prompt="Rate it.", parameters={})
    response = call(twilio_http, "PUT", OPERATOR, id=created["id"], json=replacement)
    body = expect(response, 200)
    assert (body["version"], response.headers["ETag"]) == (2, "2")
    assert body["displayName"] == "Adherence v2" and body["parameters"] == {}
    assert "trainingExamples" not in body  # a full replacement: what is left out is gone
    again = call(twilio_http, "PUT", OPERATOR, id=created["id"], json=replacement)
    assert expect(again, 200)["version"] == 3  # every update counts, even an identical one


@pytest.mark.parametrize("if_match", ["1", '"1"', 'W/"1"', "*"])
def test_if_match_with_the_current_version_is_accepted(twilio_http, if_match):
    created = create_operator(twilio_http)
    response = call(
        twilio_http, "PUT", OPERATOR, id=created["id"], json=operator_body(), headers={"If-Match": if_match}
    )
    assert expect(response, 200)["version"] == 2


def test_if_match_with_a_stale_version_is_412_and_changes_nothing(twilio_http):
    created = create_operator(twilio_http)
    call(twilio_http, "PUT", OPERATOR, id=created["id"], json=operator_body())
    stale = call(
        twilio_http, "PUT", OPERATOR, id=created["id"], json=operator_body(prompt="x"), headers={"If-Match": "1"}
    )
    error = expect(stale, 412)
    assert (error["httpStatusCode"], error["userError"]) == (412, True)
    assert "version 2" in error["message"]
    assert expect(call(twilio_http, "GET", OPERATOR, id=created["id"]), 200)["prompt"] == operator_body()["prompt"]


def test_versions_keep_the_history_latest_active_earlier_fetchable(twilio_http):
    created = create_operator(twilio_http)
    call(twilio_http, "PUT", OPERATOR, id=created["id"], json=operator_body(displayName="Second"))
    call(twilio_http, "PUT", OPERATOR, id=created["id"], json=operator_body(displayName="Third"))
    items = expect(call(twilio_http, "GET", VERSIONS, id=created["id"]), 200)["items"]
    assert [v["version"] for v in items] == [1, 2, 3]
    assert items[-1]["status"] == "ACTIVE"
    first = expect(call(twilio_http, "GET", VERSION, id=created["id"], version=1), 200)
    assert (first["version"], first["displayName"], first["status"]) == (1, "Script Adherence", "ACTIVE")
    assert first["dateCreated"].endswith("Z")
    latest = expect(call(twilio_http, "GET", VERSION, id=created["id"], version=3), 200)
    assert latest["displayName"] == "Third"
    first_page = expect(call(twilio_http, "GET", VERSIONS, id=created["id"], params={"pageSize": 2}), 200)
    assert [v["version"] for v in first_page["items"]] == [1, 2]
    params = {"pageSize": 2, "pageToken": first_page["meta"]["nextToken"]}
    last_page = expect(call(twilio_http, "GET", VERSIONS, id=created["id"], params=params), 200)
    assert [v["version"] for v in last_page["items"]] == [3] and "nextToken" not in last_page["meta"]


@pytest.mark.parametrize("version", ["4", "0", "abc", "1.0"])
def test_a_version_that_does_not_exist_is_404(twilio_http, version):
    created = create_operator(twilio_http)
    expect(call(twilio_http, "GET", VERSION, id=created["id"], version=version), 404)


def test_versions_of_an_operator_that_does_not_exist_are_404(twilio_http):
    for template, ids in ((VERSIONS, {}), (VERSION, {"version": 1})):
        error = expect(call(twilio_http, "GET", template, id=MISSING_ID, **ids), 404)
        assert MISSING_ID in error["message"]


def test_delete_removes_the_operator_and_its_versions(twilio_http):
    created = create_operator(twilio_http)
    assert expect(call(twilio_http, "DELETE", OPERATOR, id=created["id"]), 204) is None
    for template in (OPERATOR, VERSIONS):
        expect(call(twilio_http, "GET", template, id=created["id"]), 404)
    expect(call(twilio_http, "DELETE", OPERATOR, id=created["id"]), 404)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("operator_id", [MISSING_ID, "not-a-ttid", "intelligence_operator_91kcgy1ew0e9x8re6jq542zt8b"])
def test_unknown_or_malformed_ids_are_404(twilio_http, method, operator_id):
    body = operator_body() if method == "PUT" else None
    error = expect(call(twilio_http, method, OPERATOR, id=operator_id, json=body), 404)
    assert operator_id in error["message"]


def test_json_output_schema_is_stored_closed_with_every_property_required(twilio_http):
    schema = {
        "type": "object",
        "properties": {
            "score": {"type": "integer"},
            "detail": {"type": "object", "properties": {"reason": {"type": "string"}}, "additionalProperties": True},
        },
        "required": ["score"],
    }
    body = create_operator(twilio_http, outputFormat="JSON", outputSchema=schema)
    stored = body["outputSchema"]
    assert (stored["additionalProperties"], stored["required"]) == (False, ["score", "detail"])
    detail = stored["properties"]["detail"]
    assert (detail["additionalProperties"], detail["required"]) == (False, ["reason"])
    reordered = {**schema, "properties": dict(reversed(schema["properties"].items()))}
    again = create_operator(twilio_http, outputFormat="JSON", outputSchema=reordered)["outputSchema"]
    assert again["required"] == ["detail", "score"]  # every provided property, in the order sent


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"displayName": MISSING}, "displayName"),
        ({"displayName": ""}, "displayName"),
        ({"displayName": "x" * 129}, "displayName"),
        ({"prompt": MISSING}, "prompt"),
        ({"outputFormat": MISSING}, "outputFormat"),
        ({"outputFormat": "EXTRACTION"}, "outputFormat"),
        ({"outputFormat": "JSON"}, "outputSchema"),
        ({"outputFormat": "JSON", "outputSchema": {"type": "array"}}, "outputSchema"),
        ({"outputFormat": "TEXT", "outputSchema": None}, "outputSchema"),
        (
            {
                "outputFormat": "JSON",
                "outputSchema": {"type": "object", "properties": {"a": {"type": "string", "minLength": 1}}},
            },
            "outputSchema",
        ),
        ({"description": 3}, "description"),
        ({"trainingExamples": [{"input": "hi"}]}, "trainingExamples[0].output"),
        ({"context": {"memory": {"enabled": "yes"}}}, "context.memory.enabled"),
        ({"parameters": {"scale": {"type": "DATE"}}}, "parameters.scale.type"),
        ({"parameters": {"kb": {"type": "KNOWLEDGE_BASE_AND_SOURCE_IDS", "default": "x"}}}, "parameters.kb.default"),
    ],
)
def test_invalid_operator_bodies_are_400_naming_the_field(twilio_http, change, field):
    body = {k: v for k, v in {**operator_body(), **change}.items() if v is not MISSING}
    for method, template, ids in (
        ("POST", OPERATORS, {}),
        ("PUT", OPERATOR, {"id": create_operator(twilio_http)["id"]}),
    ):
        error = expect(call(twilio_http, method, template, json=body, **ids), 400)
        assert error["params"]["field"] == field, error
        assert field in error["message"]


def test_explicit_null_on_a_non_nullable_field_is_400(twilio_http):
    error = expect(call(twilio_http, "POST", OPERATORS, json=operator_body(description=None)), 400)
    assert error["params"]["field"] == "description"
    assert "null" in error["message"]


def test_twilio_authored_operators_are_listed_without_prompt_or_training_examples(twilio_http):
    items = expect(call(twilio_http, "GET", OPERATORS), 200)["items"]
    twilio = {op["displayName"]: op for op in items if op["author"] == "TWILIO"}
    assert set(TWILIO_AUTHORED) <= set(twilio)
    for op in twilio.values():
        assert "prompt" not in op and "trainingExamples" not in op
        fetched = call(twilio_http, "GET", OPERATOR, id=op["id"])
        assert expect(fetched, 200) == op
        assert fetched.headers["ETag"] == str(op["version"])
        version = expect(call(twilio_http, "GET", VERSION, id=op["id"], version=op["version"]), 200)
        assert "prompt" not in version and "trainingExamples" not in version


def test_twilio_authored_operators_cannot_be_updated_403(twilio_http):
    # (a DELETE is 404 "Operator not found", as live Twilio answers: test_live_behaviour.py)
    sentiment = twilio_operator(twilio_http, "Sentiment Analysis")
    error = expect(call(twilio_http, "PUT", OPERATOR, id=sentiment["id"], json=operator_body()), 403)
    assert "authored by Twilio" in error["message"]
    assert expect(call(twilio_http, "GET", OPERATOR, id=sentiment["id"]), 200) == sentiment


def test_twilio_authored_version_history_has_deprecated_and_retired_versions(twilio_http):
    summary = twilio_operator(twilio_http, "Summary")
    items = expect(call(twilio_http, "GET", VERSIONS, id=summary["id"]), 200)["items"]
    retired = next(v for v in items if v["status"] == "RETIRED")
    assert {"dateDeprecated", "dateRetired"} <= set(retired) and "retirementDate" not in retired
    sentiment = twilio_operator(twilio_http, "Sentiment Analysis")
    items = expect(call(twilio_http, "GET", VERSIONS, id=sentiment["id"]), 200)["items"]
    deprecated = next(v for v in items if v["status"] == "DEPRECATED")
    assert {"dateDeprecated", "retirementDate"} <= set(deprecated) and "dateRetired" not in deprecated
    assert items[-1]["status"] == "ACTIVE" and items[-1]["version"] == sentiment["version"]


def test_list_pages_with_page_size_and_next_token(twilio_http):
    for i in range(5):
        create_operator(twilio_http, displayName=f"Operator {i}")
    seen, token, pages = [], None, 0
    while True:
        params = {"pageSize": 2, **({"pageToken": token} if token else {})}
        page = expect(call(twilio_http, "GET", OPERATORS, params=params), 200)
        pages += 1
        assert pages <= 10, "the pages never end"
        assert page["meta"]["key"] == "items"
        assert page["meta"]["pageSize"] == len(page["items"]) <= 2
        seen += [op["id"] for op in page["items"]]
        token = page["meta"].get("nextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == 5 + len(TWILIO_AUTHORED)
    assert pages == 5  # 9 operators, 2 per page; the last page has no nextToken
    everything = expect(call(twilio_http, "GET", OPERATORS), 200)
    assert [op["id"] for op in everything["items"]] == seen and "nextToken" not in everything["meta"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pageSize": 0}, "pageSize"),
        ({"pageSize": 1001}, "pageSize"),
        ({"pageSize": "ten"}, "pageSize"),
        ({"pageToken": "garbage!"}, "pageToken"),
        ({"pageToken": ""}, "pageToken"),
    ],
)
def test_invalid_paging_parameters_are_400(twilio_http, params, field):
    for template, ids in ((OPERATORS, {}), (VERSIONS, {"id": create_operator(twilio_http)["id"]})):
        error = expect(call(twilio_http, "GET", template, params=params, **ids), 400)
        assert error["params"]["field"] == field
