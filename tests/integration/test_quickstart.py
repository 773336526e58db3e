"""The quickstart end to end with the real Pulumi engine against the emulator server."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from pulumi_twilio_intelligence.emulator import DEMO_AUTH_TOKEN, EmulatorProcess
from pulumi_twilio_intelligence.testing import load_program

from ..quickstart import EDITED_PROMPT, QUICKSTART, edited_quickstart
from .conftest import StackFactory, cli


def test_quickstart_lifecycle(
    tmp_path: Path, make_stack: StackFactory, emulator: EmulatorProcess, pulumi_bin: Path, api: httpx.Client
) -> None:
    stack = make_stack(load_program(QUICKSTART))

    up = stack.up()
    outputs = {k: v.value for k, v in up.outputs.items()}
    assert up.summary.resource_changes == {"create": 4}
    assert outputs["operator_version"] == 1
    assert outputs["operator_id"].startswith("intelligence_operator_")

    # nothing to do right after up
    stack.preview(expect_no_changes=True)
    stack.refresh(expect_no_changes=True)

    # no credential in the exported state (secrets stay encrypted)
    exported = cli(tmp_path, pulumi_bin, emulator.url, "stack", "export")
    assert DEMO_AUTH_TOKEN not in exported
    state = json.loads(exported)
    assert state["deployment"]["resources"]

    # edit the operator's prompt: its version increments, and the rule pinning the new version
    # replaces the Intelligence Configuration (its default update_method), to which the Conversation
    # Configuration is re-pointed
    stack.workspace.program = load_program(edited_quickstart(tmp_path))  # type: ignore[attr-defined]
    up2 = stack.up()
    assert up2.summary.resource_changes == {"same": 1, "update": 2, "replace": 1}
    assert up2.outputs["operator_version"].value == 2
    remote_operator = api.get(f"/v3/ControlPlane/Operators/{outputs['operator_id']}").raise_for_status().json()
    assert remote_operator["prompt"].startswith(EDITED_PROMPT) and remote_operator["version"] == 2
    remote = emulator.admin("GET", "resources").json()
    assert remote == {"operator": 1, "intelligence_configuration": 1, "conversation_configuration": 1}
    stack.preview(expect_no_changes=True)

    # destroy: nothing custom is left in the emulator
    stack.destroy()
    assert emulator.admin("GET", "resources").json() == {}
