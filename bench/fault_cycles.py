"""How often an ``up`` -> edit -> ``destroy`` cycle converges while Twilio fails 20 % of its requests.

Runs a stack of every resource type (a Memory Store with a Trait Group and Identity Resolution
Settings, a Knowledge Base with a Text source, two Operators, an Intelligence Configuration running
both, two Conversation Configurations on the store attaching it: ten resources) with the real Pulumi
engine (Automation API inline program)
against the emulator server started with ``--error-rate 0.2`` (that share of API requests answered
429 or 5xx before anything is done). A cycle converges when ``pulumi up``, an ``up`` that edits every
resource's description (the Identity Resolution Settings have none: their matching rules), and
``pulumi destroy`` each succeed at the first try. After each ``up`` the
emulator's objects are counted (duplicates: more than the stack declares), after ``destroy`` what is
left (leftovers). Prints one line per cycle, then the totals.

    PULUMI_ROOT=~/.cache/pulumi-twilio-intelligence/pulumi-3.259.0 .venv/bin/python -m bench.fault_cycles [--cycles 20]

Figures, not a test (a run takes several minutes).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pulumi
from pulumi import automation as auto

import pulumi_twilio_intelligence as twilio_ci
from pulumi_twilio_intelligence.emulator import EmulatorProcess
from pulumi_twilio_intelligence.testing import local_stack

#: What the stack declares, per kind the emulator lists.
DESIRED = {
    "memory_store": 1,
    "trait_group": 1,
    "knowledge_base": 1,
    "knowledge": 1,
    "operator": 2,
    "intelligence_configuration": 1,
    "conversation_configuration": 2,
}


def program() -> None:
    """Ten resources of every type; stack config ``edition`` goes into every description."""
    edition = pulumi.Config().get("edition") or "0"
    store = twilio_ci.MemoryStore("memory", display_name="fault-memory", description=f"edition {edition}")
    twilio_ci.TraitGroup(
        "contact",
        memory_store_id=store.id,
        display_name="Contact",
        description=f"edition {edition}",
        traits={"email": {"data_type": "STRING", "id_type_promotion": "email"}},
    )
    twilio_ci.IdentityResolutionSettings(
        "identity",
        memory_store_id=store.id,
        identifier_configs=[
            {"id_type": "email", "normalization": "email"},
            {"id_type": "phone", "normalization": "phone"},
        ],
        matching_rules=["email"] if edition == "0" else ["email", "phone"],
    )
    base = twilio_ci.KnowledgeBase("knowledge", display_name="fault-knowledge", description=f"edition {edition}")
    twilio_ci.Knowledge(
        "policy",
        knowledge_base_id=base.id,
        name="Returns policy",
        description=f"edition {edition}",
        source={"type": "Text", "content": "Returns within 30 days."},
    )
    operators = [
        twilio_ci.Operator(
            f"op-{i}",
            display_name=f"fault op {i}",
            description=f"edition {edition}",
            prompt="Rate the call from 0 to 5",
            output_format="TEXT",
        )
        for i in range(2)
    ]
    intelligence = twilio_ci.IntelligenceConfiguration(
        "ic",
        display_name="fault ic",
        description=f"edition {edition}",
        rules=[
            {
                "operators": [{"id": op.id} for op in operators],
                "triggers": [{"on": "COMMUNICATION"}],
                "actions": [{"type": "WEBHOOK", "method": "POST", "url": "https://example.com/hook"}],
            }
        ],
    )
    for i in range(2):
        twilio_ci.ConversationConfiguration(
            f"cc-{i}",
            display_name=f"fault cc {i}",
            description=f"edition {edition}",
            conversation_grouping_type="GROUP_BY_PROFILE",
            memory_store_id=store.id,
            intelligence_configuration_ids=[intelligence.id],
        )


def _counts(emulator: EmulatorProcess) -> dict[str, int]:
    listed = emulator.admin("GET", "resources").json()
    return {kind: int(count) for kind, count in listed.items() if count}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20, help="how many cycles (default 20)")
    parser.add_argument("--error-rate", default="0.2", help="the emulator's injected error rate (default 0.2)")
    args = parser.parse_args()
    converged = duplicates = leftovers = 0
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as scratch,
        EmulatorProcess(["--operation-delay", "0.2", "--error-rate", args.error_rate, "--seed", "20"]) as emulator,
    ):
        stack = local_stack(
            "faults", project_name="faults", root=Path(scratch), program=program, emulator_url=emulator.url
        )
        for cycle in range(1, args.cycles + 1):
            failure, extra = "", 0
            try:
                for step, edition in (("up", "0"), ("edit", str(cycle))):
                    stack.set_config("edition", auto.ConfigValue(edition))
                    stack.up(on_output=lambda _line: None)
                    counts = _counts(emulator)
                    extra += sum(max(0, counts.get(kind, 0) - n) for kind, n in DESIRED.items())
                    if counts != DESIRED and not failure:
                        failure = f"after {step}: {counts}"
                stack.destroy(on_output=lambda _line: None)
            except auto.CommandError as exc:
                lines = [line for line in str(exc).splitlines() if "error" in line.lower()]
                failure = failure or (lines[-1].strip() if lines else "a command failed")[:300]
                emulator.admin("POST", "faults", json={"errorRate": 0})  # clean up without faults
                stack.destroy(on_output=lambda _line: None)
                emulator.admin("POST", "faults", json={"errorRate": float(args.error_rate)})
            left = sum(_counts(emulator).values())
            duplicates += extra
            leftovers += left
            ok = not failure and not left
            converged += ok
            print(f"cycle {cycle:2d}: {'converged' if ok else 'FAILED: ' + failure}; duplicates {extra}, left {left}")
            if left:
                emulator.admin("POST", "reset")
    seconds = time.perf_counter() - started
    print(
        f"converged {converged}/{args.cycles} cycles under error rate {args.error_rate}; "
        f"duplicates {duplicates}, leftovers {leftovers} ({seconds:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
