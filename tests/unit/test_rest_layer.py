"""The REST layer (client/) against the in-process emulator: CRUD, pagination, errors, retries."""

from __future__ import annotations

import httpx
import pytest

from pulumi_twilio_intelligence.client import Collection, Endpoint, TwilioClient, parse_retry_after
from pulumi_twilio_intelligence.config import Settings
from pulumi_twilio_intelligence.emulator import InProcessEmulator
from pulumi_twilio_intelligence.errors import ConfigurationError, TwilioApiError, TwilioError

OPERATORS = Endpoint("intelligence", "/v3/ControlPlane/Operators")
CONFIGURATIONS = Endpoint("intelligence", "/v3/ControlPlane/Configurations")
CONVERSATIONS = Endpoint("conversations", "/v2/ControlPlane/Configurations", asynchronous=True)

OPERATOR = {
    "displayName": "Adherence",
    "prompt": "Rate 0-{{parameters.scale}}",
    "outputFormat": "JSON",
    "outputSchema": {"type": "object", "properties": {"score": {"type": "integer"}}},
    "parameters": {"scale": {"type": "INTEGER", "default": 5}},
}


def test_operator_crud_round_trip(client: TwilioClient) -> None:
    ops = Collection(client, OPERATORS)
    created = ops.create(OPERATOR).resource
    assert created is not None
    assert created["version"] == 1 and created["author"] == "SELF"
    assert created["outputSchema"]["additionalProperties"] is False
    assert created["outputSchema"]["required"] == ["score"]
    updated = ops.update(created["id"], {**OPERATOR, "prompt": "Rate 0-{{parameters.scale}} strictly"}, if_match="1")
    assert updated.resource is not None and updated.resource["version"] == 2
    assert ops.fetch(created["id"])["prompt"].endswith("strictly")
    ops.delete(created["id"])
    with pytest.raises(TwilioApiError) as err:
        ops.fetch(created["id"])
    assert err.value.not_found and err.value.code == 20404


def test_if_match_mismatch_is_412(client: TwilioClient) -> None:
    ops = Collection(client, OPERATORS)
    created = ops.create(OPERATOR).resource
    assert created is not None
    with pytest.raises(TwilioApiError) as err:
        ops.update(created["id"], OPERATOR, if_match="7")
    assert err.value.status == 412


def test_pagination_follows_next_token(client: TwilioClient, twilio: InProcessEmulator) -> None:
    ops = Collection(client, OPERATORS)
    for i in range(7):
        ops.create({**OPERATOR, "displayName": f"op-{i}"})
    names = [op["displayName"] for op in ops.list(page_size=3)]
    assert [n for n in names if n.startswith("op-")] == [f"op-{i}" for i in range(7)]
    assert len(names) == 7 + 4  # and the four Twilio-authored operators
    assert twilio.request_counts()["GET /v3/ControlPlane/Operators"] == 4  # ceil(11 / 3) pages


def test_async_create_waits_for_the_operation(client: TwilioClient, twilio: InProcessEmulator) -> None:
    twilio.faults.update(operation_delay=0.3)
    conv = Collection(client, CONVERSATIONS)
    body = {
        "displayName": "Support",
        "description": "d",
        "conversationGroupingType": "GROUP_BY_PROFILE",
        "memoryStoreId": "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7",
    }
    result = conv.create(body, idempotency_key="01890a5d-aa0f-7c80-b8e6-0242ac140004")
    assert result.operation is not None and result.operation.status == "COMPLETED"
    assert result.resource is not None and result.resource["memoryExtractionEnabled"] is False
    assert result.resource["version"] == 1
    # the same key and body replays the original operation instead of creating a second configuration
    again = conv.create(body, idempotency_key="01890a5d-aa0f-7c80-b8e6-0242ac140004")
    assert again.operation is not None and again.operation.operation_id == result.operation.operation_id
    assert len(list(conv.list())) == 1


def test_errors_carry_status_code_message_and_more_info(client: TwilioClient) -> None:
    configs = Collection(client, CONFIGURATIONS)
    with pytest.raises(TwilioApiError) as err:
        configs.create({"displayName": "", "rules": []})
    error = err.value
    assert error.status == 400 and error.code == 20001
    assert "displayName" in error.message
    assert error.more_info == "https://www.twilio.com/docs/errors/20001"
    assert "POST /v3/ControlPlane/Configurations failed with HTTP 400" in str(error)


def test_429_is_retried_honouring_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("tenacity.nap.time.sleep", waits.append)
    answers = iter(
        [
            httpx.Response(
                429, json={"code": 20429, "message": "slow down", "httpStatusCode": 429}, headers={"Retry-After": "2"}
            ),
            httpx.Response(
                429, json={"code": 20429, "message": "slow down", "httpStatusCode": 429}, headers={"Retry-After": "7"}
            ),
            httpx.Response(201, json={"id": "intelligence_operator_01"}),
        ]
    )
    client = TwilioClient(
        Settings(account_sid="AC" + "1" * 32, auth_token="test-token"),
        transport=httpx.MockTransport(lambda request: next(answers)),
    )
    response = client.request("POST", "https://intelligence.twilio.com/v3/ControlPlane/Operators", json={})
    assert response.status_code == 201
    assert waits == [2.0, 7.0]


def test_retries_run_out_and_raise_the_last_error(twilio: InProcessEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tenacity.nap.time.sleep", lambda _s: None)
    twilio.faults.update(error_rate=1.0)
    client = TwilioClient(twilio.settings(max_retries=3))
    with pytest.raises(TwilioApiError) as err:
        Collection(client, OPERATORS).list().__next__()
    assert err.value.status in (429, 500)
    assert twilio.request_counts()["GET /v3/ControlPlane/Operators"] == 4  # a GET is retried on both


def test_post_is_not_retried_after_a_500(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(500, json={"code": 20500, "message": "boom", "httpStatusCode": 500})

    monkeypatch.setattr("tenacity.nap.time.sleep", lambda _s: None)
    client = TwilioClient(
        Settings(account_sid="AC" + "1" * 32, auth_token="test-token"), transport=httpx.MockTransport(handler)
    )
    with pytest.raises(TwilioApiError):
        client.request("POST", "https://intelligence.twilio.com/v3/ControlPlane/Operators", json={})
    assert calls == ["POST"]  # Twilio may have acted: never sent twice
    calls.clear()
    with pytest.raises(TwilioApiError):
        client.request("GET", "https://intelligence.twilio.com/v3/ControlPlane/Operators")
    assert calls == ["GET"] * 6  # the first try and max_retries=5 retries


def test_credentials_never_appear_in_errors() -> None:
    secret = "s3cr3t-token-value"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"code": 20001, "message": f"echo {secret}", "httpStatusCode": 400})

    client = TwilioClient(
        Settings(account_sid="AC" + "1" * 32, auth_token=secret), transport=httpx.MockTransport(handler)
    )
    with pytest.raises(TwilioApiError) as err:
        client.request("GET", "https://intelligence.twilio.com/v3/ControlPlane/Operators")
    assert secret not in str(err.value) and "***" in str(err.value)
    assert secret not in repr(client.settings)


def test_missing_credentials_name_the_settings() -> None:
    client = TwilioClient(Settings())
    with pytest.raises(ConfigurationError, match="twilio:apiKey"):
        client.request("GET", "https://intelligence.twilio.com/v3/ControlPlane/Operators")


def test_connection_errors_become_twilio_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tenacity.nap.time.sleep", lambda _s: None)

    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = TwilioClient(
        Settings(account_sid="AC" + "1" * 32, auth_token="test-token", max_retries=1),
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(TwilioError, match="ConnectError"):
        client.request("POST", "https://intelligence.twilio.com/v3/ControlPlane/Operators", json={})


@pytest.mark.parametrize(("header", "seconds"), [("5", 5.0), ("0", 0.0), (None, None), ("soon", None)])
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header) == seconds


def test_settings_read_config_before_environment() -> None:
    settings = Settings.load(
        {"twilio:accountSid": "AC" + "a" * 32, "twilio:operationTimeout": "12"},
        env={
            "TWILIO_ACCOUNT_SID": "AC" + "b" * 32,
            "TWILIO_AUTH_TOKEN": "tok",
            "TWILIO_INTELLIGENCE_BASE_URL": "http://127.0.0.1:9/",
        },
    )
    assert settings.account_sid == "AC" + "a" * 32
    assert settings.auth_token == "tok"
    assert settings.operation_timeout == 12.0
    assert settings.intelligence_base_url == "http://127.0.0.1:9"
    with pytest.raises(ConfigurationError, match="twilio:httpTimeout"):
        Settings.load({"twilio:httpTimeout": "soon"}, env={})
