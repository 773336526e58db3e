"""Shared fixtures: the in-process emulator, the official OpenAPI documents, the Pulumi CLI."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_twilio_intelligence.client import TwilioClient
from pulumi_twilio_intelligence.emulator import InProcessEmulator

REPO = Path(__file__).resolve().parent.parent

#: A custom operator with an optional INTEGER and a required STRING parameter.
CUSTOM_OPERATOR: dict[str, Any] = {
    "displayName": "Adherence",
    "prompt": "Rate 0-{{parameters.scale}} in a {{parameters.tone}} tone",
    "outputFormat": "TEXT",
    "parameters": {
        "scale": {"type": "INTEGER", "default": 5},
        "tone": {"type": "STRING", "required": True},
    },
}

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def openapi_dir() -> Path:
    """Where Twilio's OpenAPI documents are: $TWILIO_OPENAPI_DIR, default ../shared/openapi."""
    return Path(os.environ.get("TWILIO_OPENAPI_DIR", REPO.parent / "shared" / "openapi"))


def documents_available(*names: str) -> bool:
    """Whether the official OpenAPI documents are there; under CI their absence is a failure."""
    missing = [openapi_dir() / name for name in names if not (openapi_dir() / name).exists()]
    if missing and IN_CI:
        pytest.fail(f"the OpenAPI documents {', '.join(map(str, missing))} are missing (set TWILIO_OPENAPI_DIR)")
    return not missing


def require_document(name: str) -> Path:
    """The path of an official OpenAPI document; missing: a failure under CI, a skip elsewhere."""
    path = openapi_dir() / name
    if not documents_available(name):
        pytest.skip(f"the OpenAPI document {path} is missing (set TWILIO_OPENAPI_DIR)")
    return path


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
