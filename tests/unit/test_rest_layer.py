"""The REST layer (client/) against the in-process emulator: CRUD, pagination, errors, retries,
their timing, and the settings that drive them."""

from __future__ import annotations

import base64
import email.utils
from pathlib import Path

import httpx
import pytest

from pulumi_twilio_intelligence.client import (
    CONVERSATION_CONFIGURATIONS,
    INTELLIGENCE_CONFIGURATIONS,
    OPERATORS,
    Collection,
    TwilioClient,
    parse_retry_after,
)
from pulumi_twilio_intelligence.config import Settings
from pulumi_twilio_intelligence.emulator import Faults
from pulumi_twilio_intelligence.errors import (
    ConfigurationError,
    TwilioApiError,
    TwilioConnectionError,
    UnexpectedResponseError,
)
from pulumi_twilio_intelligence.models import ConversationConfigurationCreate, OperatorRequest
from pulumi_twilio_intelligence.testing import InProcessEmulator, engine_env

from .conftest import (
    CONVERSATION,
    FAKE_SETTINGS,
    JSON_OPERATOR,
    DocumentedFake,
    FakeTime,
    Recorder,
    fake_client,
    scripted,
    twilio_error,
    undocumented_client,
)
from .conftest import (
    OPERATORS as OPERATORS_URL,
)

OPERATOR = OperatorRequest.from_python(JSON_OPERATOR).to_wire()
CONFIGURATION = ConversationConfigurationCreate.from_python(
    {k: v for k, v in CONVERSATION.items() if k != "__name"}
).to_wire()
PATH = "/v3/ControlPlane/Operators"
KEY = "01890a5d-aa0f-7c80-b8e6-0242ac140004"


def test_operator_crud_round_trip(client: TwilioClient) -> None:
    ops = Collection(client, OPERATORS)
    created = ops.create(OPERATOR).resource
    assert created["version"] == 1 and created["author"] == "SELF"
    assert created["outputSchema"] == {
        "type": "object",
        "properties": {"score": {"type": "integer"}},
        "additionalProperties": False,
        "required": ["score"],
    }
    updated = ops.update(created["id"], {**OPERATOR, "prompt": "Rate 0-{{parameters.scale}} strictly"}, if_match="1")
    assert updated.resource["version"] == 2
    assert ops.fetch(created["id"])["prompt"] == "Rate 0-{{parameters.scale}} strictly"
    assert ops.delete(created["id"]) is None
    with pytest.raises(TwilioApiError) as err:
        ops.fetch(created["id"])
    assert (err.value.status, err.value.code) == (404, 20404)


def test_if_match_mismatch_is_412(client: TwilioClient) -> None:
    ops = Collection(client, OPERATORS)
    created = ops.create(OPERATOR).resource
    with pytest.raises(TwilioApiError) as err:
        ops.update(created["id"], OPERATOR, if_match="7")
    assert (err.value.status, err.value.code) == (412, 20412)


def test_pagination_follows_next_token(client: TwilioClient, twilio: InProcessEmulator) -> None:
    ops = Collection(client, OPERATORS)
    for i in range(7):
        ops.create({**OPERATOR, "displayName": f"op-{i}"})
    names = [op["displayName"] for op in ops.list(page_size=3)]
    assert [n for n in names if n.startswith("op-")] == [f"op-{i}" for i in range(7)]
    assert len(names) == 7 + 4  # and the four Twilio-authored operators
    assert twilio.request_counts()["GET /v3/ControlPlane/Operators"] == 4  # ceil(11 / 3) pages


def test_async_create_waits_for_the_operation_and_a_key_replays_it(
    client: TwilioClient, twilio: InProcessEmulator, fake_time: FakeTime
) -> None:
    twilio.faults.update(operation_delay=3)
    conv = Collection(client, CONVERSATION_CONFIGURATIONS)
    result = conv.create(CONFIGURATION, idempotency_key=KEY)
    assert result.operation is not None and result.operation.status == "COMPLETED"
    assert result.resource["memoryExtractionEnabled"] is False and result.resource["version"] == 1
    assert fake_time.sleeps == [3.0]
    # the same key and body replays the original operation instead of creating a second configuration
    again = conv.create(CONFIGURATION, idempotency_key=KEY)
    assert again.operation is not None and again.operation.operation_id == result.operation.operation_id
    assert [c["id"] for c in conv.list()] == [result.resource["id"]]


def test_errors_carry_status_code_message_and_more_info(client: TwilioClient) -> None:
    with pytest.raises(TwilioApiError) as err:
        Collection(client, INTELLIGENCE_CONFIGURATIONS).create({"displayName": "", "rules": []})
    error = err.value
    assert (error.status, error.code) == (400, 20001)
    assert error.message == "Invalid parameter 'displayName': String should have at least 1 character"
    assert error.more_info == "https://www.twilio.com/docs/errors/20001"
    assert str(error).startswith("POST /v3/ControlPlane/Configurations failed with HTTP 400, Twilio error 20001")


# -- retries and their timing ------------------------------------------------------------------


def test_retry_after_in_seconds_and_as_a_date_read_against_twilios_clock(fake_time: FakeTime) -> None:
    twilio_now = 1_900_000_000.0  # 2030: far from the local clock, which must not matter
    in_30_s = email.utils.formatdate(twilio_now + 30, usegmt=True)
    client, fake = fake_client(
        scripted(
            twilio_error(PATH, 429, retry_after="2"),
            twilio_error(PATH, 429, retry_after=in_30_s, date=twilio_now),
            httpx.Response(200, json={"items": [], "meta": {"key": "items", "pageSize": 0}}),
        )
    )
    assert list(Collection(client, OPERATORS).list()) == []
    assert fake_time.sleeps == [2.0, 30.0]
    assert fake.lines() == [f"GET {PATH}"] * 3


def test_retry_after_is_capped_at_60_seconds(twilio: InProcessEmulator, fake_time: FakeTime) -> None:
    transport = DocumentedFake(scripted(twilio_error(PATH, 429, retry_after="3600")), inner=twilio.transport)
    TwilioClient(twilio.settings(), transport=transport).request("POST", OPERATORS_URL, json=OPERATOR)
    assert fake_time.sleeps == [60.0]


def test_without_retry_after_the_backoff_doubles_from_half_a_second_up_to_20_seconds(fake_time: FakeTime) -> None:
    answers = [twilio_error(PATH, 500) for _ in range(8)]
    client, fake = fake_client(
        scripted(*answers, httpx.Response(200, json={"items": [], "meta": {"key": "items", "pageSize": 0}})),
        Settings(account_sid="AC" + "1" * 32, auth_token="test-token-0123", max_retries=8),
    )
    client.get_json(OPERATORS_URL)
    assert len(fake.requests) == 9
    for wait, base in zip(fake_time.sleeps, (0.5, 1, 2, 4, 8, 16, 20, 20), strict=True):
        assert base <= wait <= base + 0.5  # plus up to 0.5 s of jitter


def test_a_get_is_retried_on_429_and_5xx_until_the_budget_runs_out(
    twilio: InProcessEmulator, fake_time: FakeTime
) -> None:
    twilio.faults = Faults(error_rate=1.0, seed=3)
    recorder = Recorder(twilio.transport)
    client = TwilioClient(twilio.settings(max_retries=3), transport=recorder)
    with pytest.raises(TwilioApiError) as err:
        next(Collection(client, OPERATORS).list())
    assert recorder.statuses == [429, 500, 429, 500]  # seeded
    assert (err.value.status, err.value.message) == (500, "Injected fault: HTTP 500")
    assert twilio.request_counts() == {"GET /v3/ControlPlane/Operators": 4}
    # the 429s' Retry-After (1 s), and the backoff of the second attempt after the 500
    assert fake_time.sleeps[0] == 1.0 and fake_time.sleeps[2] == 1.0
    assert 1.0 <= fake_time.sleeps[1] <= 1.5


def test_a_post_is_not_retried_after_a_5xx_but_a_get_is(fake_time: FakeTime) -> None:
    client, fake = fake_client(lambda _request: twilio_error(PATH, 500))
    with pytest.raises(TwilioApiError):
        client.request("POST", OPERATORS_URL, json=OPERATOR)
    assert fake.lines() == [f"POST {PATH}"]  # Twilio may have acted: never sent twice
    with pytest.raises(TwilioApiError):
        client.request("GET", OPERATORS_URL)
    assert fake.lines()[1:] == [f"GET {PATH}"] * 6  # the first try and max_retries=5 retries


@pytest.mark.parametrize(
    ("method", "headers", "sent"),
    [
        ("GET", {}, 2),  # a lost answer to a read: read again
        ("POST", {"Idempotency-Key": KEY}, 2),  # the key makes sending it again safe
        ("POST", {}, 1),  # Twilio may have acted: never sent twice
    ],
)
def test_a_lost_answer_is_retried_only_where_repeating_is_safe(
    twilio: InProcessEmulator, fake_time: FakeTime, method: str, headers: dict[str, str], sent: int
) -> None:
    transport = DocumentedFake(scripted(httpx.ReadTimeout("timed out")), inner=twilio.transport)
    client = TwilioClient(twilio.settings(), transport=transport)
    url = "https://conversations.twilio.com/v2/ControlPlane/Configurations"
    body = CONFIGURATION if method == "POST" else None
    if sent == 2:
        assert client.request(method, url, json=body, headers=headers).is_success
    else:
        with pytest.raises(TwilioConnectionError) as err:
            client.request(method, url, json=body, headers=headers)
        assert err.value.may_have_reached_twilio is True
        assert str(err.value) == "POST /v2/ControlPlane/Configurations failed: ReadTimeout: timed out"
    assert len(transport.requests) == sent


def test_a_connection_never_made_is_retried_even_for_a_post(twilio: InProcessEmulator, fake_time: FakeTime) -> None:
    transport = DocumentedFake(scripted(httpx.ConnectError("refused")), inner=twilio.transport)
    client = TwilioClient(twilio.settings(), transport=transport)
    assert client.request("POST", OPERATORS_URL, json=OPERATOR).status_code == 201
    assert len(transport.requests) == 2 and len(fake_time.sleeps) == 1
    assert twilio.custom_resources() == {"operator": 1}


def test_connection_errors_after_the_retries_say_twilio_did_not_act(fake_time: FakeTime) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = undocumented_client(refuse)
    with pytest.raises(TwilioConnectionError) as err:
        client.request("POST", OPERATORS_URL, json={})
    assert err.value.may_have_reached_twilio is False
    assert (err.value.method, err.value.path) == ("POST", PATH)
    assert len(fake_time.sleeps) == 5


# -- errors and credentials --------------------------------------------------------------------


def test_credentials_never_appear_in_errors() -> None:
    secret = FAKE_SETTINGS.auth_token or ""
    client, _ = fake_client(lambda _request: twilio_error(PATH, 400, message=f"echo {secret}"))
    with pytest.raises(TwilioApiError) as err:
        client.request("GET", OPERATORS_URL)
    assert str(err.value).startswith(
        "GET /v3/ControlPlane/Operators failed with HTTP 400, Twilio error 20001: echo ***"
    )
    assert secret not in repr(client.settings)


def test_a_secret_is_scrubbed_before_a_long_body_is_cut() -> None:
    secret = FAKE_SETTINGS.auth_token or ""
    basic = base64.b64encode(f"{FAKE_SETTINGS.account_sid}:{secret}".encode()).decode()
    page = "x" * 190 + basic + " proxy error page"  # the Basic value crosses the 200-character cut
    client = undocumented_client(lambda _request: httpx.Response(502, text=page))  # a proxy's answer
    with pytest.raises(TwilioApiError) as err:
        client.request("POST", OPERATORS_URL, json={})
    assert err.value.message == "Bad Gateway: " + ("x" * 190 + "*** proxy error page")[:200]
    assert basic[:10] not in str(err.value)


def test_a_success_that_is_not_json_is_a_twilio_error(fake_time: FakeTime) -> None:
    client = undocumented_client(lambda _request: httpx.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(UnexpectedResponseError, match=r"^GET /v3/ControlPlane/Operators/x answered HTTP 200 with a"):
        Collection(client, OPERATORS).fetch("x")


def test_missing_credentials_name_the_settings() -> None:
    client = TwilioClient(Settings())
    with pytest.raises(ConfigurationError, match="twilio:apiKey"):
        client.request("GET", OPERATORS_URL)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("5", 5.0), ("0", 0.0), (None, None), ("soon", None), ("Wed, 01 Jan 2031 00:00:10 GMT", 10.0)],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    now = email.utils.parsedate_to_datetime("Wed, 01 Jan 2031 00:00:00 GMT").timestamp()
    assert parse_retry_after(header, now=now) == seconds


# -- settings ----------------------------------------------------------------------------------


def test_settings_read_config_before_environment() -> None:
    settings = Settings.load(
        {
            "twilio:accountSid": "AC" + "a" * 32,
            "twilio:operationTimeout": "12",
            "twilio:conversationsBaseUrl": "http://127.0.0.1:8/",
        },
        env={
            "TWILIO_ACCOUNT_SID": "AC" + "b" * 32,
            "TWILIO_AUTH_TOKEN": "tok",
            "TWILIO_INTELLIGENCE_BASE_URL": "http://127.0.0.1:9/",
            "TWILIO_CONVERSATIONS_BASE_URL": "http://127.0.0.1:10",
            "TWILIO_API_KEY": "SK" + "c" * 32,
            "TWILIO_API_SECRET": "key-secret",
        },
    )
    assert (settings.account_sid, settings.auth_token) == ("AC" + "a" * 32, "tok")
    assert settings.operation_timeout == 12.0
    assert settings.intelligence_base_url == "http://127.0.0.1:9"
    assert settings.conversations_base_url == "http://127.0.0.1:8"
    assert settings.credentials() == ("SK" + "c" * 32, "key-secret")  # an API key is preferred


def test_memory_and_knowledge_base_urls_come_from_config_then_environment_else_twilios_hosts() -> None:
    defaults = Settings.load({}, env={})
    assert (defaults.base_url("memory"), defaults.base_url("knowledge")) == (
        "https://memory.twilio.com",
        "https://knowledge.twilio.com",
    )
    settings = Settings.load(
        {"twilio:memoryBaseUrl": "http://127.0.0.1:7/"},
        env={"TWILIO_MEMORY_BASE_URL": "http://127.0.0.1:6", "TWILIO_KNOWLEDGE_BASE_URL": "http://127.0.0.1:5/"},
    )
    assert settings.memory_base_url == "http://127.0.0.1:7"  # stack config first, no trailing slash
    assert settings.base_url("knowledge") == "http://127.0.0.1:5"
    with pytest.raises(ValueError, match="unknown API 'voice'"):
        settings.base_url("voice")


def test_the_engine_environment_points_every_api_at_the_emulator(tmp_path: Path) -> None:
    env = engine_env(tmp_path, emulator_url="http://127.0.0.1:4")
    for api in ("INTELLIGENCE", "CONVERSATIONS", "MEMORY", "KNOWLEDGE"):
        assert env[f"TWILIO_{api}_BASE_URL"] == "http://127.0.0.1:4"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("twilio:httpTimeout", "soon", "twilio:httpTimeout / TWILIO_HTTP_TIMEOUT must be a number, got 'soon'"),
        ("twilio:httpTimeout", "0", "twilio:httpTimeout / TWILIO_HTTP_TIMEOUT must be a number of seconds above 0"),
        ("twilio:operationTimeout", "0", "twilio:operationTimeout / TWILIO_OPERATION_TIMEOUT must be a number of"),
        (
            "twilio:maxRetries",
            "-1",
            "twilio:maxRetries / TWILIO_MAX_RETRIES must be a whole number from 0 to 20, got '-1'",
        ),
    ],
)
def test_malformed_number_settings_are_refused(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigurationError) as err:
        Settings.load({key: value}, env={})
    assert str(err.value).startswith(message)


def test_zero_retries_is_allowed() -> None:
    assert Settings.load({"twilio:maxRetries": "0"}, env={}).max_retries == 0
