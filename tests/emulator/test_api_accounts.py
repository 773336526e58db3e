"""The 2010 Accounts API the fleet runner needs: subaccounts (create, fetch, list) and their API keys,
form-encoded as Twilio's 2010 API is; each subaccount an emulator account of its own.

Every answer's body is checked against ``twilio_api_v2010.json`` (the operation's documented schema)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS30ReadValidator

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN
from pulumi_twilio_intelligence.fleet import Subaccounts
from tests.conftest import require_document

BASE = "https://api.twilio.com/2010-04-01"
ACCOUNTS = "/2010-04-01/Accounts.json"
ACCOUNT = "/2010-04-01/Accounts/{Sid}.json"
KEYS = "/2010-04-01/Accounts/{AccountSid}/Keys.json"
KEY = "/2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json"
OTHER_PARENT = "AC" + "2" * 32


@cache
def document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(require_document("twilio_api_v2010.json").read_text())
    return loaded


def _inline(node: Any, seen: tuple[str, ...] = ()) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref not in seen:
            target: Any = document()
            for part in ref.removeprefix("#/").split("/"):
                target = target[part]
            return _inline(target, (*seen, ref))
        return {k: _inline(v, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, seen) for v in node]
    return node


def documented(response: httpx.Response, template: str) -> Any:
    """The answer's body, after checking it against the schema the document gives for its status."""
    operation = document()["paths"][template][response.request.method.lower()]
    documented_response = _inline(operation["responses"].get(str(response.status_code)))
    assert documented_response is not None, f"{response.request.method} {template}: {response.status_code} undocumented"
    if "content" not in documented_response:
        assert not response.content
        return None
    schema = documented_response["content"]["application/json"]["schema"]
    body = response.json()
    errors = [e.message for e in OAS30ReadValidator(schema).iter_errors(body)]
    assert not errors, f"{response.request.method} {template}: {errors}"
    return body


def error(response: httpx.Response, status: int) -> dict[str, Any]:
    """A 2010 error body: ``{code, message, more_info, status}`` with the HTTP status in it."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "more_info", "status"} and body["status"] == status
    return body


@pytest.mark.twilio_emulator(accounts={DEMO_ACCOUNT_SID: DEMO_AUTH_TOKEN, OTHER_PARENT: "other-token"})
def test_a_subaccount_is_an_account_of_its_own_on_every_api(twilio_http: httpx.Client) -> None:
    created = documented(twilio_http.post(f"{BASE}/Accounts.json", data={"FriendlyName": "acme/t1"}), ACCOUNTS)
    sid, token = created["sid"], created["auth_token"]
    assert created["owner_account_sid"] == DEMO_ACCOUNT_SID and created["status"] == "active"
    assert created["friendly_name"] == "acme/t1" and created["type"] == "Full"
    fetched = documented(twilio_http.get(f"{BASE}/Accounts/{sid}.json"), ACCOUNT)
    assert fetched == created
    listed = documented(twilio_http.get(f"{BASE}/Accounts.json", params={"FriendlyName": "acme/t1"}), ACCOUNTS)
    assert [a["sid"] for a in listed["accounts"]] == [sid]
    everything = documented(twilio_http.get(f"{BASE}/Accounts.json"), ACCOUNTS)
    assert {a["sid"] for a in everything["accounts"]} == {DEMO_ACCOUNT_SID, sid}

    # the subaccount's own credentials work on the other APIs, and see only its own objects
    operator = {"displayName": "Parent's", "prompt": "Summarise.", "outputFormat": "TEXT"}
    made = twilio_http.post("https://intelligence.twilio.com/v3/ControlPlane/Operators", json=operator)
    assert made.status_code == 201
    with httpx.Client(transport=twilio_http._transport, auth=(sid, token)) as sub:
        operators = sub.get("https://intelligence.twilio.com/v3/ControlPlane/Operators", params={"pageSize": 100})
        assert operators.status_code == 200
        assert made.json()["id"] not in {o["id"] for o in operators.json()["items"]}
        # a subaccount is no parent: it cannot see its parent's other subaccounts
        error(sub.get(f"{BASE}/Accounts/{DEMO_ACCOUNT_SID}.json"), 404)

    # another parent cannot see it
    with httpx.Client(transport=twilio_http._transport, auth=(OTHER_PARENT, "other-token")) as other:
        error(other.get(f"{BASE}/Accounts/{sid}.json"), 404)
        error(other.post(f"{BASE}/Accounts/{sid}/Keys.json", data={"FriendlyName": "x"}), 404)


def test_api_keys_of_a_subaccount_authenticate_for_it_until_deleted(twilio_http: httpx.Client) -> None:
    sid = twilio_http.post(f"{BASE}/Accounts.json", data={"FriendlyName": "acme/t2"}).json()["sid"]
    key = documented(twilio_http.post(f"{BASE}/Accounts/{sid}/Keys.json", data={"FriendlyName": "fleet"}), KEYS)
    assert key["sid"].startswith("SK") and len(key["secret"]) >= 32
    listed = documented(twilio_http.get(f"{BASE}/Accounts/{sid}/Keys.json"), KEYS)
    assert [k["sid"] for k in listed["keys"]] == [key["sid"]] and "secret" not in listed["keys"][0]
    assert "secret" not in documented(twilio_http.get(f"{BASE}/Accounts/{sid}/Keys/{key['sid']}.json"), KEY)
    operators = "https://intelligence.twilio.com/v3/ControlPlane/Operators"
    with httpx.Client(transport=twilio_http._transport, auth=(key["sid"], key["secret"])) as as_key:
        assert as_key.get(operators).status_code == 200
        documented(twilio_http.delete(f"{BASE}/Accounts/{sid}/Keys/{key['sid']}.json"), KEY)
        assert as_key.get(operators).status_code == 401
    error(twilio_http.get(f"{BASE}/Accounts/{sid}/Keys/{key['sid']}.json"), 404)


def test_the_2010_api_is_form_encoded_and_bounded(twilio_http: httpx.Client) -> None:
    body = error(twilio_http.post(f"{BASE}/Accounts.json", json={"FriendlyName": "x"}), 415)
    assert "application/x-www-form-urlencoded" in body["message"]
    assert (
        "FriendlyName"
        in error(twilio_http.post(f"{BASE}/Accounts.json", data={"FriendlyName": "x" * 65}), 400)["message"]
    )
    assert "PageSize" in error(twilio_http.get(f"{BASE}/Accounts.json", params={"PageSize": 0}), 400)["message"]
    assert "Status" in error(twilio_http.get(f"{BASE}/Accounts.json", params={"Status": "gone"}), 400)["message"]
    error(twilio_http.get(f"{BASE}/Accounts/AC{'9' * 32}.json"), 404)
    default = documented(twilio_http.post(f"{BASE}/Accounts.json"), ACCOUNTS)
    assert default["friendly_name"].startswith("SubAccount Created at ")
    for name in ("a", "b", "c"):
        twilio_http.post(f"{BASE}/Accounts.json", data={"FriendlyName": name})
    first = documented(twilio_http.get(f"{BASE}/Accounts.json", params={"PageSize": 2}), ACCOUNTS)
    assert len(first["accounts"]) == 2 and first["next_page_uri"]
    seen, page = [a["sid"] for a in first["accounts"]], first
    while page["next_page_uri"]:
        page = documented(twilio_http.get("https://api.twilio.com" + page["next_page_uri"]), ACCOUNTS)
        seen += [a["sid"] for a in page["accounts"]]
    assert len(seen) == len(set(seen)) == 5  # the parent itself, the default-named one, a, b and c


def test_the_fleet_finds_its_subaccount_by_name_and_replaces_an_unrecorded_key(twilio_emulator: Any) -> None:
    subaccounts = Subaccounts(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, base_url="https://api.twilio.com")
    try:
        sid = subaccounts.ensure_account("acme/t3")
        assert subaccounts.ensure_account("acme/t3") == sid  # a crash before recording it makes no second one
        lost = subaccounts.new_key(sid, "acme/t3")  # its secret never recorded (a crash right after)
        key = subaccounts.new_key(sid, "acme/t3")
        assert "api_secret" not in repr(key)
        with twilio_emulator.http_client() as parent:
            keys = parent.get(f"{BASE}/Accounts/{sid}/Keys.json").json()["keys"]
            assert [k["sid"] for k in keys] == [key.api_key]  # the lost one is deleted, no orphan
            with httpx.Client(transport=parent._transport, auth=(lost.api_key, lost.api_secret)) as old:
                assert old.get("https://intelligence.twilio.com/v3/ControlPlane/Operators").status_code == 401
    finally:
        subaccounts.close()


def test_the_official_sdk_creates_a_subaccount_and_a_key_that_work_on_the_intelligence_api() -> None:
    from twilio.rest import Client

    from pulumi_twilio_intelligence.emulator import EmulatorProcess

    from .test_twilio_sdk import LocalTwilioHttpClient

    with EmulatorProcess() as server:
        http = LocalTwilioHttpClient(server.url)
        parent = Client(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, http_client=http)
        sub = parent.api.v2010.accounts.create(friendly_name="acme/sdk")
        assert sub.owner_account_sid == DEMO_ACCOUNT_SID and sub.auth_token
        assert [a.sid for a in parent.api.v2010.accounts.list(friendly_name="acme/sdk")] == [sub.sid]
        key = parent.api.v2010.accounts(sub.sid).new_keys.create(friendly_name="fleet")
        as_key = Client(key.sid, key.secret, sub.sid, http_client=LocalTwilioHttpClient(server.url))
        assert as_key.intelligence.v3.operators.list(limit=5) is not None
        assert [k.sid for k in parent.api.v2010.accounts(sub.sid).keys.list()] == [key.sid]
