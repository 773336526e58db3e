"""Speed at scale under the real engine, against the emulator server: a no-op preview or up of a stack
of every resource type sends no API request, a refresh without drift and the next up leave the state
untouched, and more than 4 provider calls run at once (the provider server's 4 threads are lifted)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx
import pulumi
from pulumi import automation as auto

import pulumi_twilio_intelligence as twilio_ci
from pulumi_twilio_intelligence.emulator import EmulatorProcess

from .conftest import StackFactory, create_memory_store, emulator_settings

OPERATIONS = "/v2/ControlPlane/Operations"


def every_type_program(twilio_operator: str) -> Callable[[], None]:
    """Every resource type: a Memory Store with a Trait Group and Identity Resolution Settings, a
    Knowledge Base with a Text source, an operator whose parameter names that source, a configuration
    pinning it and a Twilio operator, a Conversation Configuration on the store attaching the
    configuration; no lookup in the program (those are the program's requests, not the provider's)."""

    def program() -> None:
        store = twilio_ci.MemoryStore("memory", display_name="memory")
        twilio_ci.TraitGroup(
            "contact", memory_store_id=store.id, display_name="Contact", traits={"email": {"data_type": "STRING"}}
        )
        twilio_ci.IdentityResolutionSettings(
            "identity",
            memory_store_id=store.id,
            identifier_configs=[{"id_type": "email", "normalization": "email"}],
            matching_rules=["email"],
        )
        base = twilio_ci.KnowledgeBase("knowledge", display_name="knowledge", description="What agents must know")
        policy = twilio_ci.Knowledge(
            "policy",
            knowledge_base_id=base.id,
            name="Returns policy",
            description="The returns policy",
            source={"type": "Text", "content": "Returns within 30 days."},
        )
        operator = twilio_ci.Operator(
            "adherence",
            display_name="Adherence",
            prompt="Rate 0-{{parameters.scale}} against {{parameters.policy}}",
            output_format="TEXT",
            parameters={
                "scale": {"type": "INTEGER", "default": 5},
                "policy": {"type": "KNOWLEDGE_BASE_AND_SOURCE_IDS", "required": True},
            },
        )
        intelligence = twilio_ci.IntelligenceConfiguration(
            "support",
            display_name="Support",
            rules=[
                {
                    "operators": [
                        {
                            "id": operator.id,
                            "version": operator.version,
                            "parameters": {
                                "scale": 10,
                                "policy": pulumi.Output.concat(policy.knowledge_base_id, ":", policy.knowledge_id),
                            },
                        },
                        {"id": twilio_operator},
                    ],
                    "triggers": [{"on": "CONVERSATION_END"}],
                    "actions": [{"type": "WEBHOOK", "method": "POST", "url": "https://example.com/hook"}],
                }
            ],
        )
        twilio_ci.ConversationConfiguration(
            "voice",
            display_name="Voice",
            description="Voice line",
            conversation_grouping_type="GROUP_BY_PROFILE",
            memory_store_id=store.id,
            intelligence_configuration_ids=[intelligence.id],
            channel_settings={"VOICE": {"status_timeouts": {"inactive": 30}, "capture_rules": []}},
        )

    return program


def _requests(emulator: EmulatorProcess, action: Callable[[], object]) -> dict[str, int]:
    emulator.admin("DELETE", "requests")
    action()
    counts: dict[str, int] = emulator.admin("GET", "requests").json()
    return counts


def _resources(stack: auto.Stack) -> dict[str, dict[str, object]]:
    """Per URN, what a step of the engine writes for a resource: id, inputs, outputs, and the times it
    was created and last modified (the engine moves ``modified`` whenever inputs or outputs change).
    (A refresh also drops empty ``propertyDependencies`` lists: the engine's, not the provider's.)"""
    return {
        r["urn"]: {k: r.get(k) for k in ("id", "inputs", "outputs", "created", "modified")}
        for r in stack.export_stack().deployment["resources"]
    }


def test_no_op_preview_and_up_send_no_request_and_refresh_leaves_the_state_untouched(
    make_stack: StackFactory, emulator: EmulatorProcess
) -> None:
    summary = twilio_ci.get_operator(display_name="Next Best Response", settings=emulator_settings(emulator))
    stack = make_stack(every_type_program(summary.id))
    stack.up()

    assert _requests(emulator, lambda: stack.preview(expect_no_changes=True)) == {}
    assert _requests(emulator, lambda: stack.up(expect_no_changes=True)) == {}

    before = _resources(stack)
    refreshed = _requests(emulator, lambda: stack.refresh(expect_no_changes=True))
    assert refreshed.get("GET /v3/ControlPlane/Operators/{id}") == 2  # its own read and the Twilio operator
    after = _resources(stack)
    assert after == before  # no drift: inputs and outputs as they were, nothing modified
    up = stack.up(expect_no_changes=True)
    assert up.summary.resource_changes == {"same": 9}
    assert _resources(stack) == before


def test_more_than_4_provider_calls_run_at_once(
    make_stack: StackFactory, emulator: EmulatorProcess, api: httpx.Client
) -> None:
    """8 Conversation Configurations created with Operations that take 10 s each: at least 5 of them
    are created (POST) within 9 s of each other, so 5 provider calls were waiting at the same time.
    With 4 threads, the 5th POST would come only after one of the first 4 Operations completed.
    (The long delay leaves a loaded machine's engine time to send the creates: no timing is asserted.)"""
    store = create_memory_store(api)  # made outside the stack, before Operations take 10 s
    delay = 10
    emulator.admin("POST", "faults", {"operationDelay": delay})

    def program() -> None:
        for i in range(8):
            configuration = twilio_ci.ConversationConfiguration(
                f"line{i}",
                display_name=f"Line {i}",
                description="A line",
                conversation_grouping_type="GROUP_BY_PROFILE",
                memory_store_id=store,
            )
            pulumi.export(f"operation{i}", configuration.operation_id)

    stack = make_stack(program)
    up = stack.up(parallel=16)
    operations = [value.value for value in up.outputs.values()]
    created = sorted(
        datetime.fromisoformat(api.get(f"{OPERATIONS}/{op}").json()["createdAt"].replace("Z", "+00:00")).timestamp()
        for op in operations
    )
    # createdAt has whole seconds: 5 POSTs whose stamps are at most delay - 2 apart were at most
    # delay - 1 s apart, less than the delay of the first one's Operation
    spreads = [created[i + 4] - created[i] for i in range(len(created) - 4)]
    assert min(spreads) <= delay - 2, f"Operation creation times {created}: at most 4 provider calls ran at once"
    emulator.admin("POST", "faults", {"operationDelay": 0.2})
    stack.destroy(parallel=16)
