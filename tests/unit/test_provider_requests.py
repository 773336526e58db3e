"""How the providers send requests: retries (only where safe), Retry-After, timeouts, retry budgets,
base URLs and credentials from stack config and environment variables; and the lookups that page
through lists."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_twilio_intelligence.client import use_transport
from pulumi_twilio_intelligence.config import SOURCES
from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess, Faults
from pulumi_twilio_intelligence.errors import (
    OperationTimeoutError,
    TwilioApiError,
    TwilioConnectionError,
    TwilioError,
)
from pulumi_twilio_intelligence.resources import (
    ConversationConfigurationProvider,
    OperatorProvider,
    get_operator,
    get_operator_version,
    lookups,
)
from pulumi_twilio_intelligence.testing import InProcessEmulator

from .conftest import (
    CONVERSATION,
    OPERATOR,
    OPERATORS,
    DocumentedFake,
    Factory,
    FakeTime,
    Ids,
    Recorder,
    configure,
    scripted,
    to_engine,
    twilio_error,
)

V3 = "/v3/ControlPlane/Operators"
V2 = "/v2/ControlPlane/Configurations"


@pytest.fixture
def fake(twilio: InProcessEmulator) -> Iterator[DocumentedFake]:
    """The emulator, behind a fake that first gives the answers a test scripts (``fake.answer``)."""
    transport = DocumentedFake(scripted(), inner=twilio.transport)
    with use_transport(transport):
        yield transport


def test_429_and_connection_errors_are_retried_for_a_create_honouring_retry_after(
    make_provider: Factory, fake: DocumentedFake, sleeps: list[float]
) -> None:
    fake.answer = scripted(
        None,  # the listing that looks for a lost create
        twilio_error(V3, 429, retry_after="3"),
        httpx.ConnectError("refused"),
        twilio_error(V3, 429, retry_after="1"),
    )
    created = make_provider(OperatorProvider).create(to_engine(OPERATOR))
    assert created.outs["version"] == 1
    assert fake.lines() == [f"GET {V3}"] + [f"POST {V3}"] * 4  # the listing (crash safety), then the POSTs
    assert sleeps[0] == 3.0 and sleeps[2] == 1.0 and 1.0 <= sleeps[1] <= 1.5  # Retry-After, backoff, Retry-After


def test_a_5xx_to_a_create_without_idempotency_key_is_retried_once_verified_to_have_created_nothing(
    make_provider: Factory, fake: DocumentedFake, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    fake.answer = scripted(None, twilio_error(V3, 503), None, twilio_error(V3, 500))
    created = make_provider(OperatorProvider).create(to_engine(OPERATOR))
    # listed once (crash safety); after each 5xx listed again to see whether Twilio had acted all the same
    # (it had not), then sent again after a backoff
    assert fake.lines() == [f"GET {V3}", f"POST {V3}", f"GET {V3}", f"POST {V3}", f"GET {V3}", f"POST {V3}"]
    assert twilio.custom_resources() == {"operator": 1} and created.outs["version"] == 1
    assert len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1.0 and 1.0 <= sleeps[1] <= 1.5


def test_a_create_that_keeps_failing_gives_up_after_twilio_max_retries(
    make_provider: Factory, fake: DocumentedFake, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    fake.answer = scripted(*[None, twilio_error(V3, 503)] * 3)
    with pytest.raises(TwilioApiError) as err:
        make_provider(OperatorProvider, {"twilio:maxRetries": "2"}).create(to_engine(OPERATOR))
    assert err.value.status == 503
    assert str(err.value).endswith(
        "Twilio created no Operator with these inputs in 3 attempts (each verified by listing the Operators): "
        "run `pulumi up` again later"
    )
    assert fake.lines().count(f"POST {V3}") == 3 and twilio.custom_resources() == {}


def test_a_5xx_is_retried_for_an_asynchronous_create_protected_by_its_idempotency_key(
    make_provider: Factory, fake: DocumentedFake, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    fake.answer = scripted(None, twilio_error(V2, 500), twilio_error(V2, 503))  # v2 error bodies
    created = make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
    posts = [r for r in fake.requests if r.method == "POST"]
    assert len(posts) == 3 and len({r.headers["Idempotency-Key"] for r in posts}) == 1
    assert twilio.custom_resources() == {"conversation_configuration": 1}
    assert created.outs["version"] == 1


def test_5xx_are_retried_for_reads_and_deletes(
    make_provider: Factory, fake: DocumentedFake, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    provider = make_provider(OperatorProvider)
    created = provider.create(to_engine(OPERATOR))
    fake.answer = scripted(twilio_error(V3, 500), twilio_error(V3, 504))
    assert provider.read(created.id, created.outs).id == created.id
    fake.answer = scripted(twilio_error(V3, 503))
    provider.delete(created.id, created.outs)
    assert fake.lines()[2:] == [f"GET {V3}/{created.id}"] * 3 + [f"DELETE {V3}/{created.id}"] * 2
    assert twilio.custom_resources() == {}


def test_retries_stop_after_twilio_max_retries_from_stack_config(
    make_provider: Factory, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    twilio.faults.update(error_rate=1.0)
    provider = make_provider(OperatorProvider, {"twilio:maxRetries": "2"})
    with pytest.raises(TwilioApiError):
        provider.read("intelligence_operator_01aaaaaaaaaaaaaaaaaaaaaaaa", {})
    assert twilio.request_counts() == {"GET /v3/ControlPlane/Operators/{id}": 3}  # the first try and 2 retries
    assert len(sleeps) == 2


def test_the_provider_survives_an_emulator_that_fails_a_third_of_its_requests(
    make_provider: Factory, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    twilio.faults = Faults(error_rate=0.3, seed=3)  # 429 (always retried) and 5xx (retried where safe)
    provider = make_provider(ConversationConfigurationProvider, {"twilio:maxRetries": "8"})
    created = provider.create(to_engine(CONVERSATION))
    updated = provider.update(created.id, created.outs, to_engine({**CONVERSATION, "description": "Changed"}))
    assert updated.outs["description"] == "Changed"
    provider.delete(created.id, updated.outs)
    twilio.faults.update(error_rate=0.0)
    assert twilio.custom_resources() == {}
    # without faults: the listing (crash safety), 3 requests per create and update (write, poll, fetch), 2 for
    # the delete (write, poll); each injected error cost one retry
    assert sum(twilio.request_counts().values()) == 9 + len(sleeps) and sleeps


# -- timeouts and where to send requests -------------------------------------------------------


@pytest.mark.parametrize("source", ["config", "env"])
def test_a_slow_answer_past_the_http_timeout_fails_a_get_is_retried_a_post_is_not(
    monkeypatch: pytest.MonkeyPatch, fake_time: FakeTime, source: str
) -> None:
    """Against the emulator server answering every request after 500 ms, with twilio:httpTimeout
    0.2 s (and the base URLs) from stack config, or from the environment."""
    with EmulatorProcess(["--latency-ms", "500"]) as server:
        settings = {"http_timeout": "0.2", "intelligence_base_url": server.url, "conversations_base_url": server.url}
        config = {"twilio:accountSid": DEMO_ACCOUNT_SID, "twilio:authToken": DEMO_AUTH_TOKEN, "twilio:maxRetries": "1"}
        for name, value in settings.items():
            config_key, env_key = SOURCES[name]
            if source == "config":
                config[config_key] = value
                monkeypatch.setenv(env_key, "30" if name == "http_timeout" else "http://127.0.0.1:9")  # config wins
            else:
                monkeypatch.setenv(env_key, value)
        provider = configure(OperatorProvider(), config)
        with pytest.raises(TwilioConnectionError) as create:
            provider.create(to_engine(OPERATOR))
        with pytest.raises(TwilioConnectionError) as read:
            provider.read("intelligence_operator_01aaaaaaaaaaaaaaaaaaaaaaaa", {})
        counts = server.admin("GET", "requests").json()
    assert str(create.value).startswith(f"GET {V3} failed: ReadTimeout")
    assert str(read.value).startswith(f"GET {V3}/intelligence_operator_01aaaaaaaaaaaaaaaaaaaaaaaa failed: ReadTimeout")
    # no POST: the listing that looks for a lost create first failed; the GETs (that list, then the read)
    # twice each
    assert counts == {f"GET {V3}": 2, f"GET {V3}/{{id}}": 2}


@pytest.mark.parametrize("source", ["config", "env"])
def test_operation_timeout_comes_from_stack_config_or_environment(
    make_provider: Factory, twilio: InProcessEmulator, monkeypatch: pytest.MonkeyPatch, sleeps: list[float], source: str
) -> None:
    twilio.faults.update(stuck_operations=1.0, operation_delay=2)
    config = {}
    if source == "config":
        config = {"twilio:operationTimeout": "5"}
        monkeypatch.setenv("TWILIO_OPERATION_TIMEOUT", "600")  # stack config wins
    else:
        monkeypatch.setenv("TWILIO_OPERATION_TIMEOUT", "5")
    provider = make_provider(ConversationConfigurationProvider, config)
    with pytest.raises(OperationTimeoutError) as err:
        provider.create(to_engine(CONVERSATION))
    op = err.value.operation_id
    assert str(err.value) == (
        f"Operation {op} was still PENDING after 5 seconds. POST {V2} resumes waiting for it on the next "
        f"`pulumi up` (the same Idempotency-Key). To give up on it instead, run `TWILIO_ABANDON_OPERATIONS={op} "
        f"pulumi up` (or `pulumi config set twilio:abandonOperations {op}`): the provider then reads the "
        "Conversation Configuration and, unless it is already as desired, sends the POST again under a new "
        "Idempotency-Key (should the abandoned Operation still complete later, its change is applied too). Or raise "
        "twilio:operationTimeout (TWILIO_OPERATION_TIMEOUT)"
    )
    assert sleeps == [2.0, 2.0, 1.0]  # Retry-After 2, never past the deadline


def test_a_malformed_number_setting_names_the_config_key_and_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_MAX_RETRIES", "many")
    with pytest.raises(TwilioError, match=r"twilio:maxRetries / TWILIO_MAX_RETRIES must be a number"):
        configure(OperatorProvider(), {})


API_KEY, API_SECRET = "SK" + "3" * 32, "key-secret-9f8e7d6c5b4a"


@pytest.mark.twilio_emulator(api_keys={API_KEY: (API_SECRET, DEMO_ACCOUNT_SID)})
def test_an_api_key_and_secret_from_the_environment(twilio: InProcessEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_API_KEY", API_KEY)
    monkeypatch.setenv("TWILIO_API_SECRET", API_SECRET)
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        created = configure(OperatorProvider(), {}).create(to_engine(OPERATOR))
    assert created.outs["author"] == "SELF"
    [listing, post] = recorder.requests
    assert listing.headers["Authorization"] == post.headers["Authorization"]
    assert post.headers["Authorization"] == "Basic " + base64.b64encode(f"{API_KEY}:{API_SECRET}".encode()).decode()


# -- lookups -----------------------------------------------------------------------------------


def test_get_operator_pages_through_the_list(
    twilio: InProcessEmulator, api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lookups, "PAGE_SIZE", 2)
    for name in ("One", "Two", "Three", "Four", "Five"):
        body: dict[str, Any] = {"displayName": name, "prompt": "p", "outputFormat": "TEXT"}
        api.post(OPERATORS, json=body).raise_for_status()
    twilio.reset_counts()
    found = get_operator(display_name="Five", author="SELF", settings=twilio.settings())
    assert (found.display_name, found.author, found.version) == ("Five", "SELF", 1)
    assert twilio.request_counts() == {"GET /v3/ControlPlane/Operators": 5}  # 9 operators, 2 per page


def test_get_operator_by_author_id_and_the_errors(twilio: InProcessEmulator, ids: Ids) -> None:
    settings = twilio.settings()
    sentiment = get_operator(display_name="Sentiment Analysis", author="TWILIO", settings=settings)
    assert (sentiment.id, sentiment.output_format) == (ids.sentiment, "CLASSIFICATION")
    assert get_operator(id=ids.custom, settings=settings).parameters["tone"] == {"type": "STRING", "required": True}
    with pytest.raises(TwilioError, match=r"no Language Operator matches display_name='Nope'"):
        get_operator(display_name="Nope", settings=settings)
    with pytest.raises(TwilioError, match=r"4 operators match author='TWILIO' \(.*\); pass author= or id="):
        get_operator(author="TWILIO", settings=settings)


def test_get_operator_version_gives_the_lifecycle(twilio: InProcessEmulator, ids: Ids) -> None:
    settings = twilio.settings()
    deprecated = get_operator_version(ids.sentiment, 1, settings=settings)
    assert (deprecated.status, deprecated.version) == ("DEPRECATED", 1)
    assert (deprecated.retirement_date, deprecated.date_deprecated) == ("2027-03-01T00:00:00Z", "2026-03-01T00:00:00Z")
    retired = get_operator_version(ids.summary, 1, settings=settings)
    assert (retired.status, retired.date_retired, retired.display_name) == (
        "RETIRED",
        "2026-06-01T00:00:00Z",
        "Summary",
    )
    with pytest.raises(TwilioApiError) as err:
        get_operator_version(ids.custom, 9, settings=settings)
    assert err.value.not_found
