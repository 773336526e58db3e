"""``testing.local_stack`` with an inline program: the program's lookups reach the emulator through
the stack config, and the test process's environment is left as it was."""

from __future__ import annotations

import os

import pulumi

import pulumi_twilio_intelligence as twilio_ci
from pulumi_twilio_intelligence.emulator import EmulatorProcess

from .conftest import StackFactory


def program() -> None:
    sentiment = twilio_ci.get_operator(display_name="Sentiment Analysis", author="TWILIO")  # runs in this process
    operator = twilio_ci.Operator("adherence", display_name="Adherence", prompt="Rate it", output_format="TEXT")
    # the invoke convention: Inputs in (another resource's Output), an Output out, attributes lifted
    found = twilio_ci.get_operator_output(display_name=operator.display_name, author=operator.author)
    pulumi.export("sentiment", sentiment.id)
    pulumi.export("operator", operator.id)
    pulumi.export("author", operator.author)  # an output property, resolved by the engine
    pulumi.export("found", found.id)
    pulumi.export("found_version", found.version)


def test_an_inline_program_reads_the_emulator_url_from_stack_config_not_os_environ(
    make_stack: StackFactory, emulator: EmulatorProcess
) -> None:
    before = dict(os.environ)
    stack = make_stack(program)
    config = stack.get_all_config()
    for api in ("intelligence", "conversations", "memory", "knowledge"):
        assert config[f"twilio:{api}BaseUrl"].value == emulator.url
    outputs = {k: v.value for k, v in stack.up().outputs.items()}
    assert outputs["sentiment"].startswith("intelligence_operator_")
    assert outputs["operator"].startswith("intelligence_operator_")
    assert (outputs["author"], outputs["found"], outputs["found_version"]) == ("SELF", outputs["operator"], 1)
    assert emulator.admin("GET", "resources").json() == {"operator": 1}
    assert dict(os.environ) == before
    stack.destroy()
    assert emulator.admin("GET", "resources").json() == {}
