"""Shared fixtures and helpers: the in-process emulator, the official OpenAPI documents, polling with a
deadline; and, under CI, no test may be skipped."""

from __future__ import annotations

import operator
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from tenacity import RetryCallState, Retrying, retry_if_result, stop_after_delay, wait_fixed

from pulumi_twilio_intelligence.client import TwilioClient
from pulumi_twilio_intelligence.resources._known import forget_everything
from pulumi_twilio_intelligence.testing import InProcessEmulator

REPO = Path(__file__).resolve().parent.parent

#: A custom operator with an optional INTEGER and a required STRING parameter.
CUSTOM_OPERATOR: dict[str, Any] = {
    "displayName": "Tone Adherence",
    "prompt": "Rate 0-{{parameters.scale}} in a {{parameters.tone}} tone",
    "outputFormat": "TEXT",
    "parameters": {
        "scale": {"type": "INTEGER", "default": 5},
        "tone": {"type": "STRING", "required": True},
    },
}

pytest_plugins = ["pytester"]  # tests/test_ci_skips.py runs a small suite of its own

T = TypeVar("T")


def in_ci() -> bool:
    """Whether the suite runs under CI (``CI`` set to 1, true or yes): nothing may be skipped then."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """Under CI a skipped test is a failure (with the skip's reason): CI runs everything."""
    report: pytest.TestReport = yield
    if report.skipped and in_ci() and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where every test must run: {reason}"
    return report


def eventually(probe: Callable[[], T], *, timeout: float, what: str, interval: float = 0.1) -> T:
    """Call ``probe()`` every ``interval`` seconds until it returns a true value, and return that value.

    Fails the test once ``timeout`` seconds (monotonic) have passed, naming ``what`` and the last
    value seen; an exception raised by ``probe`` propagates at once.
    """

    def give_up(state: RetryCallState) -> T:
        last = state.outcome.result() if state.outcome else None
        pytest.fail(f"{what}: not within {timeout:g} s (last seen: {last!r})")

    retrying = Retrying(
        stop=stop_after_delay(timeout),
        wait=wait_fixed(interval),
        retry=retry_if_result(operator.not_),
        retry_error_callback=give_up,
        sleep=time.sleep,
    )
    return retrying(probe)


def openapi_dir() -> Path:
    """Where Twilio's OpenAPI documents are: $TWILIO_OPENAPI_DIR, default ../shared/openapi."""
    return Path(os.environ.get("TWILIO_OPENAPI_DIR", REPO.parent / "shared" / "openapi"))


def documents_available(*names: str) -> bool:
    """Whether the official OpenAPI documents are there; under CI their absence is a failure."""
    missing = [openapi_dir() / name for name in names if not (openapi_dir() / name).exists()]
    if missing and in_ci():
        pytest.fail(f"the OpenAPI documents {', '.join(map(str, missing))} are missing (set TWILIO_OPENAPI_DIR)")
    return not missing


def require_document(name: str) -> Path:
    """The path of an official OpenAPI document; missing: a failure under CI, a skip elsewhere."""
    path = openapi_dir() / name
    if not documents_available(name):
        pytest.skip(f"the OpenAPI document {path} is missing (set TWILIO_OPENAPI_DIR)")
    return path


@pytest.fixture(autouse=True)
def _new_provider_process() -> None:
    """Every test starts as a new provider process would: knowing no Twilio object yet (the
    providers share what they learn per process, :mod:`pulumi_twilio_intelligence.resources._known`)."""
    forget_everything()


@pytest.fixture
def twilio_emulator_options() -> dict[str, Any]:
    """This suite's emulators (the package's pytest plugin) mint reproducible ids."""
    return {"seed": 7}


@pytest.fixture
def twilio(twilio_emulator: InProcessEmulator) -> InProcessEmulator:
    """The plugin's in-process emulator (demo account); every TwilioClient in the test talks to it."""
    return twilio_emulator


@pytest.fixture
def client(twilio: InProcessEmulator) -> Iterator[TwilioClient]:
    """A TwilioClient for the demo account of the in-process emulator."""
    c = TwilioClient(twilio.settings(max_retries=2))
    yield c
    c.close()


def change_operator_out_of_band(
    http: httpx.Client, url: str, changes: dict[str, Any], drop: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Change a custom operator behind Pulumi's back, as someone in the Console would: fetch it,
    apply ``changes`` (wire names), leave out ``drop``, ``PUT`` it back; returns the new operator."""
    current = http.get(url).raise_for_status().json()
    body = {k: v for k, v in current.items() if k not in ("id", "version", "author", *drop)} | changes
    updated: dict[str, Any] = http.put(url, json=body).raise_for_status().json()
    return updated


def replace_placeholders(value: Any, mapping: dict[str, str]) -> Any:
    """``value`` with every string ``"{name}"`` replaced by ``mapping[name]``, recursively."""
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in mapping:
        return mapping[value[1:-1]]
    if isinstance(value, dict):
        return {k: replace_placeholders(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_placeholders(v, mapping) for v in value]
    return value
