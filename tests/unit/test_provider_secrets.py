"""No credential in any message, warning, log line, output or pickled provider."""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_twilio_intelligence.client import use_transport
from pulumi_twilio_intelligence.errors import TwilioError
from pulumi_twilio_intelligence.resources import (
    ConversationConfigurationProvider,
    IntelligenceConfigurationProvider,
    OperatorProvider,
)
from pulumi_twilio_intelligence.testing import InProcessEmulator, mock_twilio

from .conftest import CONVERSATION, DocumentedFake, configure, to_engine, twilio_error
from .conftest import OPERATOR as BASE_OPERATOR

ACCOUNT = "AC" + "7" * 32
TOKEN = "tok-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
API_KEY = "SK" + "5" * 32
API_SECRET = "sec-a1b2c3d4e5f60718293a4b5c6d7e8f90"
BASIC = base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
BASIC_KEY = base64.b64encode(f"{API_KEY}:{API_SECRET}".encode()).decode()
SECRETS = (TOKEN, API_SECRET, BASIC, BASIC_KEY)

#: With an unused parameter: a warning to look at.
OPERATOR: dict[str, Any] = {
    **BASE_OPERATOR,
    "parameters": {**BASE_OPERATOR["parameters"], "spare": {"type": "STRING"}},
    "__name": "test/dev/Operator/adherence",
}
CONFIG = {"twilio:accountSid": ACCOUNT, "twilio:authToken": TOKEN}


@pytest.fixture
def account() -> Iterator[InProcessEmulator]:
    with mock_twilio(accounts={ACCOUNT: TOKEN}, api_keys={API_KEY: (API_SECRET, ACCOUNT)}) as emulator:
        yield emulator


def _assert_clean(*texts: object) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in str(text)


def test_a_whole_lifecycle_leaves_no_credential_in_outputs_logs_or_the_pickled_provider(
    account: InProcessEmulator, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[object] = []
    for provider_cls, inputs in ((OperatorProvider, OPERATOR), (ConversationConfigurationProvider, CONVERSATION)):
        provider = configure(provider_cls(), CONFIG)
        seen.append(provider.check({}, to_engine(inputs)).inputs)
        created = provider.create(to_engine(inputs))
        read = provider.read(created.id, created.outs)
        updated = provider.update(created.id, created.outs, to_engine({**inputs, "display_name": "Changed"}))
        provider.delete(created.id, updated.outs)
        seen += [created.outs, read.outs, read.inputs, updated.outs]
        # the provider as Pulumi pickles it into the state, after it has been configured and used
        seen.append(base64.b64decode(serialize_provider(provider)))
    captured = capsys.readouterr()
    assert "warning: test/dev/Operator/adherence: Operator parameters spare" in captured.err  # diagnostics to check
    _assert_clean(*seen, caplog.text, captured.out, captured.err)


def test_errors_and_warnings_are_scrubbed_even_when_twilio_echoes_the_credentials(
    account: InProcessEmulator, capsys: pytest.CaptureFixture[str], sleeps: list[float]
) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        auth = request.headers["Authorization"]
        password = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")[2]
        return twilio_error(request.url.path, 500, message=f"cannot serve {auth} (password {password})")

    messages: list[str] = []
    with use_transport(DocumentedFake(echo)):
        for config in (CONFIG, {"twilio:apiKey": API_KEY, "twilio:apiSecret": API_SECRET}):
            provider = configure(IntelligenceConfigurationProvider(), {**config, "twilio:maxRetries": "1"})
            rules = [{"operators": [{"id": "intelligence_operator_01aaaaaaaaaaaaaaaaaaaaaaaa"}], "actions": []}]
            inputs = {"display_name": "x", "rules": rules}
            assert provider.check({}, inputs).failures == []  # Twilio unreachable: a warning, not a failure
            for method, args in ((provider.create, (inputs,)), (provider.read, ("x", {}))):
                with pytest.raises(TwilioError) as err:
                    method(*args)
                messages += [str(err.value), repr(err.value), str(getattr(err.value, "details", ""))]
    err_text = capsys.readouterr().err
    assert "could not verify rules[0].operators[0]" in err_text and "***" in err_text
    assert all("***" in m for m in messages[::3])
    _assert_clean(err_text, *messages)


def test_rejected_credentials_are_not_repeated(account: InProcessEmulator) -> None:
    wrong = "tok-wrong-0123456789abcdef"
    provider = configure(OperatorProvider(), {"twilio:accountSid": ACCOUNT, "twilio:authToken": wrong})
    with pytest.raises(TwilioError) as err:
        provider.create(OPERATOR)
    assert "HTTP 401" in str(err.value) and "check twilio:apiKey and twilio:apiSecret" in str(err.value)
    assert wrong not in str(err.value)


def test_missing_credentials_name_the_settings_not_values(account: InProcessEmulator) -> None:
    provider = configure(OperatorProvider(), {"twilio:accountSid": ACCOUNT})
    with pytest.raises(TwilioError, match=r"no Twilio credentials: set twilio:apiKey"):
        provider.create(OPERATOR)
    assert TOKEN not in repr(provider.__getstate__())
