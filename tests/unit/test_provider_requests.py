"""How the providers send requests: retries (only where safe), Retry-After, timeouts and retry
budgets from stack config and environment variables; and the lookups that page through lists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_twilio_intelligence.client import use_transport
from pulumi_twilio_intelligence.emulator import InProcessEmulator
from pulumi_twilio_intelligence.errors import OperationTimeoutError, TwilioApiError, TwilioError
from pulumi_twilio_intelligence.resources import (
    ConversationConfigurationProvider,
    OperatorProvider,
    get_operator,
    get_operator_version,
    lookups,
)

from .conftest import CONVERSATION, Factory, Ids, configure, to_engine

OPERATOR: dict[str, Any] = {"display_name": "Adherence", "prompt": "Rate it", "output_format": "TEXT"}


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits between retries (not slept)."""
    waits: list[float] = []
    monkeypatch.setattr("tenacity.nap.time.sleep", waits.append)
    return waits


class Flaky(httpx.BaseTransport):
    """Answers the first ``failures`` requests itself, then hands over to the emulator."""

    def __init__(self, inner: httpx.BaseTransport, failures: list[httpx.Response | Exception]) -> None:
        self.inner = inner
        self.failures = failures
        self.seen: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.method)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure
        return self.inner.handle_request(request)


def _error(status: int, retry_after: str | None = None) -> httpx.Response:
    headers = {"Retry-After": retry_after} if retry_after else {}
    return httpx.Response(
        status, json={"code": 20000 + status, "message": "no", "httpStatusCode": status}, headers=headers
    )


@pytest.fixture
def flaky(twilio: InProcessEmulator) -> Iterator[Flaky]:
    transport = Flaky(twilio.transport, [])
    with use_transport(transport):
        yield transport


def test_429_and_connection_errors_are_retried_for_a_create_honouring_retry_after(
    make_provider: Factory, flaky: Flaky, sleeps: list[float]
) -> None:
    flaky.failures = [_error(429, "3"), httpx.ConnectError("refused"), _error(429, "1")]
    created = make_provider(OperatorProvider).create(OPERATOR)
    assert created.outs["version"] == 1
    assert flaky.seen == ["POST"] * 4
    assert sleeps[0] == 3.0 and sleeps[2] == 1.0 and 0 <= sleeps[1] <= 20


def test_a_5xx_is_not_retried_for_a_create_without_idempotency_key(
    make_provider: Factory, flaky: Flaky, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    flaky.failures = [_error(503)]
    with pytest.raises(TwilioApiError) as err:
        make_provider(OperatorProvider).create(OPERATOR)
    assert err.value.status == 503 and "try again later" in str(err.value)
    assert flaky.seen == ["POST"] and twilio.custom_resources() == {}


def test_a_5xx_is_retried_for_an_asynchronous_create_protected_by_its_idempotency_key(
    make_provider: Factory, flaky: Flaky, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    flaky.failures = [_error(500), _error(502)]
    created = make_provider(ConversationConfigurationProvider).create(to_engine(CONVERSATION))
    assert flaky.seen[:3] == ["POST"] * 3
    assert twilio.custom_resources() == {"conversation_configuration": 1}
    assert created.outs["version"] == 1


def test_5xx_are_retried_for_reads_and_deletes(
    make_provider: Factory, flaky: Flaky, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    provider = make_provider(OperatorProvider)
    created = provider.create(OPERATOR)
    flaky.failures = [_error(500), _error(504)]
    assert provider.read(created.id, created.outs).id == created.id
    flaky.failures = [_error(503)]
    provider.delete(created.id, created.outs)
    assert twilio.custom_resources() == {}


def test_retries_stop_after_twilio_max_retries_from_stack_config(
    make_provider: Factory, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    twilio.faults.update(error_rate=1.0)
    provider = make_provider(OperatorProvider, {"twilio:maxRetries": "2"})
    with pytest.raises(TwilioApiError):
        provider.read("intelligence_operator_01aaaaaaaaaaaaaaaaaaaaaaaa", {})
    assert sum(twilio.request_counts().values()) == 3  # the first try and two retries
    assert len(sleeps) == 2


def test_the_provider_survives_an_emulator_that_fails_a_third_of_its_requests(
    make_provider: Factory, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    twilio.faults.update(error_rate=0.3)  # 429 (always retried) and 5xx (retried where safe)
    twilio.faults._random.seed(11)
    provider = make_provider(ConversationConfigurationProvider, {"twilio:maxRetries": "8"})
    created = provider.create(to_engine(CONVERSATION))
    updated = provider.update(created.id, created.outs, to_engine({**CONVERSATION, "description": "Changed"}))
    assert updated.outs["description"] == "Changed"
    provider.delete(created.id, updated.outs)
    twilio.faults.update(error_rate=0.0)
    assert twilio.custom_resources() == {}
    assert sleeps  # some requests were retried


# -- timeouts ----------------------------------------------------------------------------------


def test_http_timeout_comes_from_stack_config_then_environment(
    make_provider: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_HTTP_TIMEOUT", "7")
    from_env = make_provider(OperatorProvider)
    assert from_env._client()._client().timeout == httpx.Timeout(7.0)
    from_config = make_provider(OperatorProvider, {"twilio:httpTimeout": "2.5"})
    assert from_config._client()._client().timeout == httpx.Timeout(2.5)


def test_a_slow_answer_past_the_http_timeout_fails(
    make_provider: Factory, twilio: InProcessEmulator, sleeps: list[float]
) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with use_transport(httpx.MockTransport(slow)):
        provider = make_provider(OperatorProvider, {"twilio:httpTimeout": "0.1", "twilio:maxRetries": "1"})
        with pytest.raises(TwilioError, match="ReadTimeout"):
            provider.create(OPERATOR)  # a POST whose answer was lost is not sent again
    assert len(sleeps) == 0


@pytest.mark.parametrize("source", ["config", "env"])
def test_operation_timeout_comes_from_stack_config_or_environment(
    make_provider: Factory, twilio: InProcessEmulator, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    twilio.faults.update(stuck_operations=1.0)
    config = {}
    if source == "config":
        config = {"twilio:operationTimeout": "0.3"}
        monkeypatch.setenv("TWILIO_OPERATION_TIMEOUT", "600")  # stack config wins
    else:
        monkeypatch.setenv("TWILIO_OPERATION_TIMEOUT", "0.3")
    provider = make_provider(ConversationConfigurationProvider, config)
    with pytest.raises(OperationTimeoutError) as err:
        provider.create(to_engine(CONVERSATION))
    assert "still PENDING after 0.3 seconds" in str(err.value)
    assert "run `pulumi up` again" in str(err.value) and "twilio:operationTimeout" in str(err.value)


def test_a_malformed_number_setting_names_the_config_key_and_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_MAX_RETRIES", "many")
    with pytest.raises(TwilioError, match=r"twilio:maxRetries / TWILIO_MAX_RETRIES must be a number"):
        configure(OperatorProvider(), {})


# -- lookups -----------------------------------------------------------------------------------


def test_get_operator_pages_through_the_list(
    twilio: InProcessEmulator, api: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lookups, "PAGE_SIZE", 2)
    for name in ("One", "Two", "Three", "Four", "Five"):
        body = {"displayName": name, "prompt": "p", "outputFormat": "TEXT"}
        api.post("https://intelligence.twilio.com/v3/ControlPlane/Operators", json=body).raise_for_status()
    twilio.reset_counts()
    found = get_operator(display_name="Five", author="SELF", settings=twilio.settings())
    assert found.display_name == "Five" and found.author == "SELF" and found.version == 1
    assert twilio.request_counts() == {"GET /v3/ControlPlane/Operators": 5}  # 9 operators, 2 per page


def test_get_operator_by_author_id_and_the_errors(twilio: InProcessEmulator, ids: Ids) -> None:
    settings = twilio.settings()
    sentiment = get_operator(display_name="Sentiment Analysis", author="TWILIO", settings=settings)
    assert sentiment.id == ids.sentiment and sentiment.output_format == "CLASSIFICATION"
    assert get_operator(id=ids.custom, settings=settings).parameters["tone"]["required"] is True
    with pytest.raises(TwilioError, match=r"no Language Operator matches display_name='Nope'"):
        get_operator(display_name="Nope", settings=settings)
    with pytest.raises(TwilioError, match=r"4 operators match author='TWILIO' \(.*\); pass author= or id="):
        get_operator(author="TWILIO", settings=settings)


def test_get_operator_version_gives_the_lifecycle(twilio: InProcessEmulator, ids: Ids) -> None:
    settings = twilio.settings()
    deprecated = get_operator_version(ids.sentiment, 1, settings=settings)
    assert (deprecated.status, deprecated.version) == ("DEPRECATED", 1)
    assert deprecated.retirement_date == "2027-03-01T00:00:00Z" and deprecated.date_deprecated
    retired = get_operator_version(ids.summary, 1, settings=settings)
    assert retired.status == "RETIRED" and retired.date_retired and retired.display_name == "Summary"
    with pytest.raises(TwilioApiError) as err:
        get_operator_version(ids.custom, 9, settings=settings)
    assert err.value.not_found
