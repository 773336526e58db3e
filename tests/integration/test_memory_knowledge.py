"""The Memory and Knowledge resources under the real Pulumi engine, against the emulator server, in
one stack (to keep CI time modest): up, ``preview --expect-no-changes``, an edit of each, refresh after
out-of-band changes of each, out-of-band deletes then refresh and up, and destroy to an empty emulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pulumi
from pulumi import automation as auto

import pulumi_twilio_intelligence as twilio_ci
from pulumi_twilio_intelligence.emulator import EmulatorProcess

from ..conftest import eventually
from .conftest import StackFactory

STORES = "/v1/ControlPlane/Stores"
BASES = "/v2/ControlPlane/KnowledgeBases"
#: The values each run of the program uses; an edit changes one updatable field of every resource.
FIRST: dict[str, Any] = {
    "store": "Support callers",
    "group": "How to reach them",
    "rules": ["email", "phone"],
    "base": "What agents must know",
    "content": "Returns within 30 days.",
}
EDITED: dict[str, Any] = {
    "store": "Support and sales callers",
    "group": "Contact details",
    "rules": ["phone", "email"],
    "base": "What every agent must know",
    "content": "Returns within 60 days.",
}


def program(values: dict[str, Any]) -> Callable[[], None]:
    """A Memory Store with a trait group and identity resolution, a Knowledge Base with a text source."""

    def run() -> None:
        store = twilio_ci.MemoryStore("memory", display_name="it-memory", description=values["store"])
        group = twilio_ci.TraitGroup(
            "contact",
            memory_store_id=store.id,
            display_name="Contact",
            description=values["group"],
            traits={"email": {"data_type": "STRING", "id_type_promotion": "email"}},
        )
        twilio_ci.IdentityResolutionSettings(
            "identity",
            memory_store_id=store.id,
            identifier_configs=[
                {"id_type": "email", "normalization": "email"},
                {"id_type": "phone", "normalization": "phone"},
            ],
            matching_rules=values["rules"],
        )
        base = twilio_ci.KnowledgeBase("knowledge", display_name="it-knowledge", description=values["base"])
        source = twilio_ci.Knowledge(
            "policy",
            knowledge_base_id=base.id,
            name="Returns policy",
            source={"type": "Text", "content": values["content"]},
        )
        pulumi.export("store", store.id)
        pulumi.export("group", group.id)
        pulumi.export("base", base.id)
        pulumi.export("source", source.id)
        pulumi.export("knowledge_id", source.knowledge_id)

    return run


def _outputs(result: auto.UpResult) -> dict[str, Any]:
    return {k: v.value for k, v in result.outputs.items()}


def _changes(result: auto.UpResult | auto.RefreshResult) -> dict[str, int]:
    return {k: v for k, v in (result.summary.resource_changes or {}).items() if k != "same"}


def _accepted(response: httpx.Response) -> str:
    assert response.status_code == 202, response.text
    return httpx.URL(response.headers["Location"]).path


def _wait(api: httpx.Client, *operations: str) -> None:
    for path in operations:
        eventually(lambda p=path: api.get(p).json()["status"] == "COMPLETED", timeout=30, what=f"Operation {path}")


def test_memory_and_knowledge_resources_through_their_lifecycle(
    make_stack: StackFactory, emulator: EmulatorProcess, api: httpx.Client
) -> None:
    stack = make_stack(program(FIRST), project="memory-knowledge")
    up = stack.up()
    assert _changes(up) == {"create": 6}  # the stack and the five resources
    ids = _outputs(up)
    store, base = ids["store"], ids["base"]
    assert ids["group"] == f"{store}/Contact" and ids["source"] == f"{base}/{ids['knowledge_id']}"
    assert api.get(f"{STORES}/{store}").json()["status"] == "ACTIVE"
    stack.preview(expect_no_changes=True)

    # an edit of every resource: each updates in place
    stack.workspace.program = program(EDITED)  # type: ignore[attr-defined]
    edit = stack.up()
    assert _changes(edit) == {"update": 5}
    assert api.get(f"{BASES}/{base}").json()["description"] == "What every agent must know"
    source_path = f"/v2/KnowledgeBases/{base}/Knowledge/{ids['knowledge_id']}"
    assert api.get(source_path).json()["source"]["content"] == "Returns within 60 days."
    stack.preview(expect_no_changes=True)

    # changes outside Pulumi: refresh sees each of them, then up puts the program's values back
    group_path = f"{STORES}/{store}/TraitGroups/Contact"
    settings_path = f"{STORES}/{store}/IdentityResolutionSettings"
    settings = api.get(settings_path).json()
    _wait(
        api,
        _accepted(api.patch(f"{STORES}/{store}", json={"description": "Theirs"})),
        _accepted(api.patch(group_path, json={"description": "Theirs"})),
        _accepted(
            api.put(
                settings_path,
                json={"identifierConfigs": settings["identifierConfigs"], "matchingRules": ["email"]},
            )
        ),
        _accepted(api.patch(f"{BASES}/{base}", json={"description": "Theirs"})),
    )
    assert api.patch(source_path, json={"name": "Their policy"}).status_code in (200, 202)
    refresh = stack.refresh()
    assert _changes(refresh) == {"update": 5}
    assert _changes(stack.up()) == {"update": 5}
    assert api.get(f"{STORES}/{store}").json()["description"] == "Support and sales callers"
    assert api.get(settings_path).json()["matchingRules"] == ["phone", "email"]
    stack.preview(expect_no_changes=True)

    # deleted outside Pulumi: deleting the store and the base deletes their contents too; refresh
    # drops all five, up makes them again
    _wait(api, _accepted(api.delete(f"{STORES}/{store}")), _accepted(api.delete(f"{BASES}/{base}")))
    refresh = stack.refresh()
    assert _changes(refresh) == {"delete": 5}
    again = stack.up()
    assert _changes(again) == {"create": 5}
    assert _outputs(again)["store"] != store
    stack.preview(expect_no_changes=True)

    destroy = stack.destroy()
    assert destroy.summary.result == "succeeded"
    assert emulator.admin("GET", "resources").json() == {}
