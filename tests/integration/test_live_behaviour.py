"""Live Twilio behaviour under the real Pulumi engine (../shared/reference/twilio-live-behaviour.md):
replacements Twilio forces (C1, C2, I1) and their order of operations, ``update_method``, list
lengths that fail at preview while their items are unknown, and what ``replace_on_changes`` and
``replacement_trigger`` do to a dynamic provider's resource (the README's claim)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pulumi
import pytest
from pulumi import automation as auto

import pulumi_twilio_intelligence as twilio_ci
from pulumi_twilio_intelligence.emulator import EmulatorProcess

from .conftest import StackFactory, cli

CONVERSATIONS = "/v2/ControlPlane/Configurations"
INTELLIGENCE = "/v3/ControlPlane/Configurations"
MEMORY_STORE_ID = "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7"
WEBHOOK = [{"type": "WEBHOOK", "method": "POST", "url": "https://example.com/hook"}]
SENTIMENT = "Sentiment Analysis"


def _outputs(result: auto.UpResult) -> dict[str, Any]:
    return {k: v.value for k, v in result.outputs.items()}


def _conversation(name: str, grouping: str, **extra: Any) -> twilio_ci.ConversationConfiguration:
    return twilio_ci.ConversationConfiguration(
        name,
        display_name=name,
        description="Voice line",
        conversation_grouping_type=grouping,
        memory_store_id=MEMORY_STORE_ID,
        **extra,
    )


def _steps(events: list[auto.EngineEvent]) -> list[tuple[str, str]]:
    """``(op, resource type)`` of every step the engine started, in order (the stack itself left out)."""
    out = []
    for event in events:
        pre = event.resource_pre_event
        if pre is not None and pre.metadata.op != auto.OpType.SAME and "twilio" in pre.metadata.type:
            out.append((str(pre.metadata.op.value), pre.metadata.type.rsplit(":", 1)[-1]))
    return out


def test_a_grouping_type_change_replaces_delete_before_create_within_the_account_limit(
    make_stack: StackFactory, api: httpx.Client
) -> None:
    """The account already holds 9 other configurations: 10 with this one, Twilio's limit, so the
    replacement must delete the old one before it creates the new one."""
    for i in range(9):
        body = {
            "displayName": f"other-{i}",
            "description": "not managed here",
            "conversationGroupingType": "GROUP_BY_PROFILE",
            "memoryStoreId": MEMORY_STORE_ID,
        }
        assert api.post(CONVERSATIONS, json=body).status_code == 202

    def program(grouping: str) -> Callable[[], None]:
        def run() -> None:
            pulumi.export("id", _conversation("support", grouping).id)

        return run

    stack = make_stack(program("GROUP_BY_PROFILE"))
    first = _outputs(stack.up())["id"]
    stack.workspace.program = program("GROUP_BY_PARTICIPANT_ADDRESSES")  # type: ignore[attr-defined]
    lines: list[str] = []
    preview = stack.preview(diff=True, on_output=lines.append)
    assert preview.change_summary.get("replace") == 1
    assert "conversation_grouping_type" in "".join(lines) and "+-" in "".join(lines)

    events: list[auto.EngineEvent] = []
    up = stack.up(on_event=events.append)
    second = _outputs(up)["id"]
    assert second != first and up.summary.resource_changes == {"same": 1, "replace": 1}
    ops = [op for op, _ in _steps(events)]
    assert ops.index("delete-replaced") < ops.index("create-replacement"), ops
    assert api.get(f"{CONVERSATIONS}/{first}").status_code == 404
    listed = api.get(CONVERSATIONS, params={"pageSize": 50}).json()["configurations"]
    assert len(listed) == 10 and second in {c["id"] for c in listed}
    assert api.get(f"{CONVERSATIONS}/{second}").json()["conversationGroupingType"] == "GROUP_BY_PARTICIPANT_ADDRESSES"
    stack.preview(expect_no_changes=True)


def _intelligence_program(trigger: str, update_method: str | None = None) -> Callable[[], None]:
    def program() -> None:
        sentiment = twilio_ci.get_operator(display_name=SENTIMENT, author="TWILIO")
        rule = {"operators": [{"id": sentiment.id}], "triggers": [{"on": trigger}], "actions": WEBHOOK}
        intelligence = twilio_ci.IntelligenceConfiguration(
            "rules", display_name="rules", rules=[rule], update_method=update_method
        )
        conversation = _conversation("support", "GROUP_BY_PROFILE", intelligence_configuration_ids=[intelligence.id])
        pulumi.export("intelligence_id", intelligence.id)
        pulumi.export("intelligence_version", intelligence.version)
        pulumi.export("conversation_id", conversation.id)

    return program


def test_a_rule_change_replaces_the_intelligence_configuration_and_repoints_its_dependents(
    make_stack: StackFactory, emulator: EmulatorProcess, api: httpx.Client
) -> None:
    stack = make_stack(_intelligence_program("COMMUNICATION"))
    first = _outputs(stack.up())

    stack.workspace.program = _intelligence_program("CONVERSATION_END")  # type: ignore[attr-defined]
    events: list[auto.EngineEvent] = []
    up = stack.up(on_event=events.append)
    second = _outputs(up)
    assert up.summary.resource_changes == {"same": 1, "replace": 1, "update": 1}
    # the new configuration first, then the dependent re-pointed, then the old one deleted (no 409)
    steps = _steps(events)
    order = [steps.index(("create-replacement", "IntelligenceConfiguration")),
             steps.index(("update", "ConversationConfiguration")),
             steps.index(("delete-replaced", "IntelligenceConfiguration"))]  # fmt: skip
    assert order == sorted(order), steps
    assert second["intelligence_id"] != first["intelligence_id"]
    assert second["conversation_id"] == first["conversation_id"]
    attached = api.get(f"{CONVERSATIONS}/{second['conversation_id']}").json()["intelligenceConfigurationIds"]
    assert attached == [second["intelligence_id"]]
    assert api.get(f"{INTELLIGENCE}/{first['intelligence_id']}").status_code == 404
    assert emulator.admin("GET", "resources").json() == {
        "intelligence_configuration": 1,
        "conversation_configuration": 1,
    }
    stack.preview(expect_no_changes=True)

    # update_method="in_place": the documented PUT, the id stays
    stack.workspace.program = _intelligence_program("CONVERSATION_END", "in_place")  # type: ignore[attr-defined]
    stack.up()  # recording the method changes nothing in Twilio
    stack.workspace.program = _intelligence_program("COMMUNICATION", "in_place")  # type: ignore[attr-defined]
    third = _outputs(stack.up())
    assert third["intelligence_id"] == second["intelligence_id"]
    assert third["intelligence_version"] == second["intelligence_version"] + 1
    rules = api.get(f"{INTELLIGENCE}/{third['intelligence_id']}").json()["rules"]
    assert rules[0]["triggers"][0]["on"] == "COMMUNICATION"

    stack.destroy()
    assert emulator.admin("GET", "resources").json() == {}


@pytest.mark.parametrize(
    ("name", "build", "expected"),
    [
        (
            "six rules",
            lambda op: twilio_ci.IntelligenceConfiguration(
                "six", display_name="six", rules=[{"operators": [{"id": op.id}], "actions": WEBHOOK}] * 6
            ),
            "rules",
        ),
        (
            "six configuration ids",
            lambda op: _conversation(
                "six",
                "GROUP_BY_PROFILE",
                intelligence_configuration_ids=[
                    twilio_ci.IntelligenceConfiguration(
                        "one", display_name="one", rules=[{"operators": [{"id": op.id}], "actions": WEBHOOK}]
                    ).id
                ]
                * 6,
            ),
            "intelligence_configuration_ids",
        ),
    ],
)
def test_list_lengths_fail_at_preview_while_the_items_are_unknown(
    make_stack: StackFactory, name: str, build: Callable[[Any], Any], expected: str
) -> None:
    def program() -> None:
        operator = twilio_ci.Operator("op", display_name="op", prompt="Rate it", output_format="TEXT")
        build(operator)  # the operator is new: its id, and all that depends on it, is unknown at preview

    stack = make_stack(program)
    with pytest.raises(auto.CommandError) as err:
        stack.preview()
    message = " ".join(str(err.value).split())
    assert f"property {expected} value" in message or f"{expected}:" in message, message
    assert "List should have at most 5 items after validation, not 6" in message


def _operator_program(description: str, **options: Any) -> Callable[[], None]:
    def program() -> None:
        operator = twilio_ci.Operator(
            "op",
            display_name="op",
            description=description,
            prompt="Rate it",
            output_format="TEXT",
            opts=pulumi.ResourceOptions(**options),
        )
        pulumi.export("id", operator.id)

    return program


def test_replace_on_changes_does_nothing_and_replacement_trigger_replaces(make_stack: StackFactory) -> None:
    """What the README says: the dynamic provider server reports no changed keys, so the engine's
    ``replace_on_changes`` never matches; ``replacement_trigger`` is compared by the engine itself."""
    stack = make_stack(_operator_program("one", replace_on_changes=["description"], replacement_trigger="a"))
    first = _outputs(stack.up())["id"]
    stack.workspace.program = _operator_program(  # type: ignore[attr-defined]
        "two", replace_on_changes=["description"], replacement_trigger="a"
    )
    up = stack.up()
    assert up.summary.resource_changes == {"same": 1, "update": 1} and _outputs(up)["id"] == first
    stack.workspace.program = _operator_program("two", replacement_trigger="b")  # type: ignore[attr-defined]
    up = stack.up()
    assert up.summary.resource_changes == {"same": 1, "replace": 1} and _outputs(up)["id"] != first


def _support_program() -> None:
    pulumi.export("id", _conversation("support", "GROUP_BY_PROFILE").id)


def test_a_create_whose_202_names_no_id_ends_with_exactly_one_configuration_also_after_a_rerun(
    tmp_path: Path, make_stack: StackFactory, emulator: EmulatorProcess, pulumi_bin: Path, api: httpx.Client
) -> None:
    emulator.admin("POST", "faults", {"omitConfigurationIds": 1})
    stack = make_stack(_support_program)
    created = _outputs(stack.up())["id"]

    def in_state() -> list[dict[str, Any]]:
        resources = stack.export_stack().deployment["resources"]
        return [r for r in resources if r["type"].endswith("ConversationConfiguration")]

    assert [c["id"] for c in api.get(CONVERSATIONS).json()["configurations"]] == [created]
    assert [r["id"] for r in in_state()] == [created]
    assert stack.up().summary.resource_changes == {"same": 2}  # a plain re-run: nothing to do

    # a re-run after a crash that lost the create from the state: the same Idempotency-Key resumes
    # the same Operation, which names no id either; the listing finds the same configuration
    cli(tmp_path, pulumi_bin, emulator.url, "state", "delete", in_state()[0]["urn"], "--yes")
    assert in_state() == []
    again = _outputs(stack.up())["id"]
    assert again == created and [r["id"] for r in in_state()] == [created]
    assert [c["id"] for c in api.get(CONVERSATIONS).json()["configurations"]] == [created]
    stack.preview(expect_no_changes=True)


def test_a_cancelled_operation_fails_the_update_within_seconds_naming_it(
    make_stack: StackFactory, emulator: EmulatorProcess, api: httpx.Client
) -> None:
    emulator.admin("POST", "faults", {"cancelOperations": 1, "operationDelay": 0.5})
    stack = make_stack(_support_program)
    stack.set_config("twilio:operationTimeout", auto.ConfigValue("3600"))
    started = time.monotonic()
    with pytest.raises(auto.CommandError) as err:
        stack.up()
    elapsed = time.monotonic() - started
    message = " ".join(str(err.value).split())
    assert "POST /v2/ControlPlane/Configurations was not applied: Operation proc_job_" in message
    assert "was CANCELLED" in message and "run `pulumi up` again" in message
    assert elapsed < 900  # failed at CANCELLED: never waited for the one-hour Operation timeout
    assert api.get(CONVERSATIONS).json()["configurations"] == []
