"""examples/composition: two projects on one file backend, each run as a directory program. The
"intelligence" stack reads the "infra" stack's outputs through a StackReference and wraps its Twilio
objects in a component; a change of an infra output reaches Twilio at the intelligence stack's next
`up`: the Conversation Configuration is updated in place, the Intelligence Configuration whose rule
changed is replaced (the provider's safe default for rule changes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from pulumi import automation as auto

from pulumi_twilio_intelligence.emulator import EmulatorProcess
from pulumi_twilio_intelligence.testing import local_stack

from .projects import EXAMPLES, copy_project

COMPOSITION = EXAMPLES / "composition"
DEFAULT_WEBHOOK = "https://hooks.example.com/twilio/intelligence"
NEW_WEBHOOK = "https://hooks.example.com/v2/intelligence"
NEW_NUMBERS = ["+18005550100", "+18005550199", "+18005550101"]


def remote(api: httpx.Client, outputs: dict[str, auto.OutputValue]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Intelligence Configuration and the Conversation Configuration that the stack's outputs name."""
    intelligence = api.get(f"/v3/ControlPlane/Configurations/{outputs['intelligence_configuration_id'].value}")
    conversations = api.get(f"/v2/ControlPlane/Configurations/{outputs['conversation_configuration_id'].value}")
    return intelligence.raise_for_status().json(), conversations.raise_for_status().json()


def captured_numbers(conversations: dict[str, Any]) -> dict[str, list[str]]:
    """Channel -> the numbers its capture rules capture calls or texts to."""
    return {
        channel: [rule["to"] for rule in setting["captureRules"]]
        for channel, setting in conversations["channelSettings"].items()
    }


def test_an_infra_output_flows_through_a_stack_reference_into_the_next_up_as_an_update(
    tmp_path: Path, emulator: EmulatorProcess, pulumi_bin: Path, api: httpx.Client
) -> None:
    backend = tmp_path / "backend"  # one file backend for both projects

    def stack(project: str) -> auto.Stack:
        work_dir = copy_project(COMPOSITION / project, tmp_path / project)
        return local_stack("dev", root=backend, work_dir=work_dir, emulator_url=emulator.url, pulumi_bin=pulumi_bin)

    infra, intelligence = stack("infra"), stack("intelligence")
    assert infra.up().outputs["webhook_url"].value == DEFAULT_WEBHOOK
    assert emulator.admin("GET", "resources").json() == {}  # the infra stack makes no Twilio object

    up = intelligence.up()
    assert up.summary.resource_changes == {"create": 4}  # the stack, the component, 2 configurations
    ic, cc = remote(api, up.outputs)
    assert ic["rules"][0]["actions"][0]["url"] == DEFAULT_WEBHOOK
    assert [callback["url"] for callback in cc["statusCallbacks"]] == [DEFAULT_WEBHOOK]
    assert cc["intelligenceConfigurationIds"] == [ic["id"]]
    assert captured_numbers(cc) == {"VOICE": ["+18005550100", "+18005550101"], "SMS": ["+18005550100", "+18005550101"]}
    # the component is the configurations' parent
    resources = {r["type"]: r for r in intelligence.export_stack().deployment["resources"]}
    component = resources["composition:support:SupportIntelligence"]["urn"]
    assert resources["pulumi-python:dynamic/twilio:IntelligenceConfiguration"]["parent"] == component
    assert resources["pulumi-python:dynamic/twilio:ConversationConfiguration"]["parent"] == component

    # the infra team moves its webhook and adds a number; the intelligence stack's next up follows
    infra.set_all_config(
        {"webhookUrl": auto.ConfigValue(NEW_WEBHOOK), "supportNumbers": auto.ConfigValue(json.dumps(NEW_NUMBERS))}
    )
    infra_up = infra.up()
    assert infra_up.outputs["support_numbers"].value == NEW_NUMBERS
    up = intelligence.up()
    changes = up.summary.resource_changes or {}
    # the Conversation Configuration is updated in place; the Intelligence Configuration's rule changed,
    # which replaces it by default (a PUT of rules can leave Twilio's new version inactive; see the
    # README on update_method), and the Conversation Configuration is re-pointed to the new one
    assert changes.get("update") == 1 and changes.get("replace") == 1, changes
    assert not {"create", "delete"} & changes.keys(), changes
    ic_after, cc_after = remote(api, up.outputs)
    assert cc_after["id"] == cc["id"] and ic_after["id"] != ic["id"]
    assert cc_after["intelligenceConfigurationIds"] == [ic_after["id"]]
    assert api.get(f"/v3/ControlPlane/Configurations/{ic['id']}").status_code == 404  # the old one is gone
    assert ic_after["rules"][0]["actions"][0]["url"] == NEW_WEBHOOK
    assert [callback["url"] for callback in cc_after["statusCallbacks"]] == [NEW_WEBHOOK]
    assert captured_numbers(cc_after) == {"VOICE": NEW_NUMBERS, "SMS": NEW_NUMBERS}
    intelligence.preview(expect_no_changes=True)

    intelligence.destroy()
    assert emulator.admin("GET", "resources").json() == {}
