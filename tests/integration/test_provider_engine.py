"""The provider under the real Pulumi engine, against the emulator server: drift and refresh, objects
deleted out of band, the 412 message, adopt and get, and no credential in any output."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pulumi
import pytest
from pulumi import automation as auto

import pulumi_twilio_intelligence as twilio_ci
from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, EmulatorProcess

from ..conftest import change_operator_out_of_band, eventually
from .conftest import StackFactory, cli, emulator_settings

OPERATORS = "/v3/ControlPlane/Operators"
CONVERSATIONS = "/v2/ControlPlane/Configurations"
MEMORY_STORE_ID = "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7"


def operator_program(**overrides: Any) -> Callable[[], None]:
    """One custom operator (exported as ``id`` and ``version``), with ``overrides`` of its inputs."""

    def program() -> None:
        inputs: dict[str, Any] = {
            "display_name": "Adherence",
            "description": "How well the agent followed the script",
            "prompt": "Rate 0-{{parameters.scale}}",
            "output_format": "TEXT",
            "parameters": {"scale": {"type": "INTEGER", "default": 5}},
        }
        operator = twilio_ci.Operator("adherence", **{**inputs, **overrides})
        pulumi.export("id", operator.id)
        pulumi.export("version", operator.version)

    return program


def _outputs(result: auto.UpResult | auto.RefreshResult) -> dict[str, Any]:
    return {k: v.value for k, v in getattr(result, "outputs", {}).items()}


def test_refresh_reports_out_of_band_changes_field_by_field(make_stack: StackFactory, api: httpx.Client) -> None:
    stack = make_stack(operator_program())
    operator_id = _outputs(stack.up())["id"]
    change_operator_out_of_band(api, f"{OPERATORS}/{operator_id}", {"displayName": "Theirs"}, drop=("description",))

    lines: list[str] = []
    refresh = stack.refresh(on_output=lines.append)
    assert refresh.summary.resource_changes == {"same": 1, "update": 1}
    # exactly the fields changed out of band: description removed, display_name changed
    assert "Operator adherence updated" in "".join(lines) and "[diff: -description~display_name]" in "".join(lines)

    # the program still asks for the old values: the preview proposes exactly that update
    lines.clear()
    preview = stack.preview(on_output=lines.append, diff=True)
    assert preview.change_summary == {"same": 1, "update": 1}
    text = "\n".join(lines)
    assert "~ display_name" in text and "+ description" in text and "~ prompt" not in text

    # a program that accepts the remote values has nothing to do: refresh left no phantom diff
    stack.workspace.program = operator_program(display_name="Theirs", description=None)  # type: ignore[attr-defined]
    stack.preview(expect_no_changes=True)


def test_an_object_deleted_out_of_band_is_dropped_by_refresh_and_recreated_by_up(
    make_stack: StackFactory, api: httpx.Client
) -> None:
    def program() -> None:
        configuration = twilio_ci.ConversationConfiguration(
            "support",
            display_name="Support",
            description="Voice line",
            conversation_grouping_type="GROUP_BY_PROFILE",
            memory_store_id=MEMORY_STORE_ID,
        )
        pulumi.export("id", configuration.id)

    stack = make_stack(program)
    first = _outputs(stack.up())["id"]
    assert api.delete(f"{CONVERSATIONS}/{first}").status_code == 202

    eventually(  # the delete Operation takes 0.2 s
        lambda: api.get(f"{CONVERSATIONS}/{first}").status_code == 404,
        timeout=30,
        what=f"the Conversation Configuration {first} to be deleted",
    )

    refresh = stack.refresh()
    assert refresh.summary.resource_changes == {"same": 1, "delete": 1}
    state = stack.export_stack().deployment["resources"]
    assert not [r for r in state if r["type"].endswith("ConversationConfiguration")]

    up = stack.up()
    assert up.summary.resource_changes == {"same": 1, "create": 1}
    assert _outputs(up)["id"] != first
    stack.preview(expect_no_changes=True)


def test_an_operator_changed_outside_pulumi_fails_the_update_with_412_and_says_to_refresh(
    tmp_path: Path, make_stack: StackFactory, emulator: EmulatorProcess, pulumi_bin: Path, api: httpx.Client
) -> None:
    """Also: with the credentials given as an API key and a secret, neither the secret nor the
    Basic-auth value appears in any engine output, event, diagnostic or the exported state."""
    api_key, api_secret = "SK" + "4" * 32, "sk-secret-6f3d2a1b0c9e8d7f6a5b4c3d"
    emulator.admin("POST", "accounts", {"apiKey": api_key, "apiSecret": api_secret, "accountSid": DEMO_ACCOUNT_SID})
    stack = make_stack(operator_program(), name="keyed")
    stack.remove_config("twilio:authToken")
    stack.set_config("twilio:apiKey", auto.ConfigValue(api_key))
    stack.set_config("twilio:apiSecret", auto.ConfigValue(api_secret, secret=True))
    seen: list[str] = []

    def record(event: auto.EngineEvent) -> None:
        seen.append(repr(event))

    operator_id = _outputs(stack.up(on_output=seen.append, on_event=record))["id"]
    change_operator_out_of_band(api, f"{OPERATORS}/{operator_id}", {"prompt": "Theirs 0-{{parameters.scale}}"})

    stack.workspace.program = operator_program(prompt="Ours 0-{{parameters.scale}}")  # type: ignore[attr-defined]
    with pytest.raises(auto.CommandError) as err:
        stack.up(on_output=seen.append, on_event=record)
    message = " ".join(str(err.value).split())
    assert f"The Operator {operator_id} was changed outside Pulumi since version 1 in the state" in message
    assert "run `pulumi refresh` to see and accept the remote changes, then `pulumi up`" in message
    assert "failed with HTTP 412" in message
    seen.append(str(err.value))

    # as the message says: refresh, then up
    stack.refresh(on_output=seen.append, on_event=record)
    up = stack.up(on_output=seen.append, on_event=record)
    assert up.summary.resource_changes == {"same": 1, "update": 1} and _outputs(up)["version"] == 3
    assert api.get(f"{OPERATORS}/{operator_id}").json()["prompt"] == "Ours 0-{{parameters.scale}}"

    exported = cli(tmp_path, pulumi_bin, emulator.url, "stack", "export", stack="keyed")
    assert json.loads(exported)["deployment"]["resources"]
    basic = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode()
    for text in [*seen, exported]:
        assert api_secret not in text and basic not in text


def test_existing_id_adopts_and_get_references_read_only(
    make_stack: StackFactory, emulator: EmulatorProcess, api: httpx.Client
) -> None:
    made_by_hand = api.post(
        OPERATORS, json={"displayName": "Made by hand", "prompt": "Rate it", "outputFormat": "TEXT"}
    ).json()
    sentiment = twilio_ci.get_operator(display_name="Sentiment Analysis", settings=emulator_settings(emulator))

    def program() -> None:
        adopted = twilio_ci.Operator(
            "adopted",
            existing_id=made_by_hand["id"],
            display_name="Managed",
            prompt="Rate it",
            output_format="TEXT",
        )
        reference = twilio_ci.Operator.get("sentiment", sentiment.id)
        pulumi.export("adopted_id", adopted.id)
        pulumi.export("adopted_version", adopted.version)
        pulumi.export("reference_name", reference.display_name)
        pulumi.export("reference_author", reference.author)

    stack = make_stack(program)
    up = stack.up()
    outputs = _outputs(up)
    assert up.summary.resource_changes == {"create": 2}  # the stack and the adopted operator; get only reads
    assert outputs["adopted_id"] == made_by_hand["id"] and outputs["adopted_version"] == 2
    assert outputs["reference_name"] == "Sentiment Analysis" and outputs["reference_author"] == "TWILIO"
    assert api.get(f"{OPERATORS}/{made_by_hand['id']}").json()["displayName"] == "Managed"
    assert emulator.admin("GET", "resources").json() == {"operator": 1}  # adopted, not duplicated
    stack.preview(expect_no_changes=True)

    # destroy deletes what was adopted (it is managed now) and leaves the referenced object alone
    stack.destroy()
    assert emulator.admin("GET", "resources").json() == {}
    assert api.get(f"{OPERATORS}/{sentiment.id}").status_code == 200
