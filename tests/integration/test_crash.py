"""Crash safety with the real engine: SIGKILL the ``pulumi`` CLI, or the dynamic provider process, right
after the emulator committed a create, recover as a user would, and count what exists.

The emulator's admin hook (``POST /__emulator/hooks``) holds the answer to the next create of one
route after committing it, and reports that moment (``GET /__emulator/hooks``); the test then kills
its target while the create's result has not reached the Pulumi state. Recovery is what Pulumi
prints: ``pulumi cancel`` when the stack is still locked, then ``pulumi up``. Afterwards exactly the
desired objects exist (no duplicate), and after ``pulumi destroy`` nothing is left.

One stack per kill target; in it, each kind of create of every resource type is killed in turn:
the program's ``generation`` config names every resource, so raising it makes the next ``up``
create a new set (and delete the old one), whose create of the next kind is killed. Asynchronous
creates (Memory, Knowledge Bases, Conversation Configurations) name their object through their
Operation: the hook records it, and the object kept after recovery must be that Operation's
``result.id``. Every process of a killed run is found by a marker in its environment and killed,
and none survives the test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess
from pulumi_twilio_intelligence.emulator.knowledge.urls import KNOWLEDGE
from pulumi_twilio_intelligence.emulator.memory.urls import STORE, TRAIT_GROUPS
from pulumi_twilio_intelligence.testing import engine_env

from ..conftest import eventually

STORES = "/v1/ControlPlane/Stores"
BASES = "/v2/ControlPlane/KnowledgeBases"
SETTINGS = STORE + "/IdentityResolutionSettings"
#: The create of every resource type the program declares (method and the emulator's route
#: template, as its commit hook takes it) -> the kind of object it makes.
CREATES = {
    f"POST {STORES}": "memory_store",
    f"POST {TRAIT_GROUPS}": "trait_group",
    f"PUT {SETTINGS}": "identity_resolution_settings",
    f"POST {BASES}": "knowledge_base",
    f"POST {KNOWLEDGE}": "knowledge",
    "POST /v3/ControlPlane/Operators": "operator",
    "POST /v3/ControlPlane/Configurations": "intelligence_configuration",
    "POST /v2/ControlPlane/Configurations": "conversation_configuration",
}
#: The environment variable that marks every process of a test's Pulumi runs.
MARKER = "TWILIO_CRASH_TEST_RUN"
#: Generous deadlines (seconds): the machine is shared and timings stretch under load.
DEADLINE = 240

PROGRAM = """
import pulumi
import pulumi_twilio_intelligence as twilio_ci

gen = pulumi.Config().require("generation")
store = twilio_ci.MemoryStore(f"store-{gen}", display_name=f"crash-store-{gen}", description="crash test")
twilio_ci.TraitGroup(
    f"group-{gen}",
    memory_store_id=store.id,
    display_name=f"Crash{gen}",
    traits={"email": {"data_type": "STRING", "id_type_promotion": "email"}},
)
twilio_ci.IdentityResolutionSettings(
    f"identity-{gen}",
    memory_store_id=store.id,
    identifier_configs=[{"id_type": "email", "normalization": "email"}],
    matching_rules=["email"],
)
base = twilio_ci.KnowledgeBase(f"kb-{gen}", display_name=f"crash-kb-{gen}", description="crash test")
twilio_ci.Knowledge(
    f"source-{gen}",
    knowledge_base_id=base.id,
    name=f"crash source {gen}",
    source={"type": "Text", "content": "Returns within 30 days."},
)
operator = twilio_ci.Operator(
    f"op-{gen}", display_name=f"crash op {gen}", prompt="Rate the call from 0 to 5", output_format="TEXT"
)
intelligence = twilio_ci.IntelligenceConfiguration(
    f"ic-{gen}",
    display_name=f"crash ic {gen}",
    rules=[{
        "operators": [{"id": operator.id}],
        "triggers": [{"on": "COMMUNICATION"}],
        "actions": [{"type": "WEBHOOK", "method": "POST", "url": "https://example.com/hook"}],
    }],
)
twilio_ci.ConversationConfiguration(
    f"cc-{gen}",
    display_name=f"crash cc {gen}",
    description="crash test",
    conversation_grouping_type="GROUP_BY_PROFILE",
    memory_store_id=store.id,
    intelligence_configuration_ids=[intelligence.id],
)
"""


class Project:
    """A directory program on a file backend, run with the ``pulumi`` CLI itself (so it can be killed).

    Every process of its runs (the CLI, the language host, the program, the dynamic provider) has
    ``TWILIO_CRASH_TEST_RUN=<marker>`` in its environment: :func:`_marked` finds them even once the
    CLI is dead and they were reparented."""

    def __init__(self, root: Path, pulumi_bin: Path, emulator_url: str) -> None:
        self.dir = root / "program"
        self.dir.mkdir(parents=True)
        venv = Path(sys.executable).parent.parent
        (self.dir / "Pulumi.yaml").write_text(
            f"name: crash\nruntime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: {venv}\n"
        )
        (self.dir / "__main__.py").write_text(PROGRAM)
        self.pulumi = str(pulumi_bin / "pulumi")
        self.marker = uuid.uuid4().hex
        self.env = {
            **os.environ,
            **engine_env(root, emulator_url=emulator_url, pulumi_bin=pulumi_bin),
            MARKER: self.marker,
        }
        self.run("stack", "init", "dev")
        self.run("config", "set", "twilio:accountSid", DEMO_ACCOUNT_SID)
        self.run("config", "set", "--secret", "twilio:authToken", DEMO_AUTH_TOKEN)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi <args>`` to its end."""
        done = subprocess.run(
            [self.pulumi, *args, "--non-interactive"],
            cwd=self.dir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=DEADLINE,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"pulumi {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def start(self, *args: str) -> subprocess.Popen[str]:
        """Start ``pulumi <args>`` in its own process group (the CLI, its language host and provider)."""
        return subprocess.Popen(
            [self.pulumi, *args, "--non-interactive"],
            cwd=self.dir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def up(self) -> None:
        """``pulumi up`` as a user recovers after a crash: ``pulumi cancel`` if the stack is locked."""
        done = self.run("up", "--yes", "--skip-preview", check=False)
        if done.returncode != 0 and "locked" in done.stdout + done.stderr:
            self.run("cancel", "--yes", check=False)
            done = self.run("up", "--yes", "--skip-preview", check=False)
        assert done.returncode == 0, f"pulumi up failed:\n{done.stdout}\n{done.stderr}"


def _marked(marker: str) -> list[tuple[int, str]]:
    """(pid, command line) of every live process (zombies left out) whose environment has
    ``TWILIO_CRASH_TEST_RUN=<marker>`` (from /proc): a run's CLI, language host, program and
    plugins, whoever their parent is now (Pulumi starts plugins in process groups of their own, and
    the children of a killed CLI are reparented)."""
    wanted = f"{MARKER}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            if wanted not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError):
            continue
        found.append((int(entry.name), command))
    return found


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _kill_run(marker: str) -> None:
    """SIGKILL every process of the project's runs, again until none is left (one may have forked
    meanwhile): what a killed CLI leaves behind dies with it, as with the machine."""

    def gone() -> bool:
        _kill([pid for pid, _command in _marked(marker)])
        return not _marked(marker)

    eventually(gone, timeout=60, interval=0.2, what="every process of the killed run to die")


def _wait_for_commit(admin: httpx.Client, cli: subprocess.Popen[str], route: str) -> dict[str, Any]:
    """What the emulator committed on ``route`` and holds the answer of: ``{route, id, operation,
    statusUrl, at}`` (its admin API's shape)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        held = admin.get("/__emulator/hooks").json()["committed"]
        if held:
            assert held[0]["route"] == route, held
            return dict(held[0])
        if cli.poll() is not None:
            raise AssertionError(
                f"pulumi up ended before the {route} was committed:\n{cli.stdout.read() if cli.stdout else ''}"
            )
        time.sleep(0.1)
    raise AssertionError(f"no {route} was committed within {DEADLINE} s")


def _written(api: httpx.Client, committed: dict[str, Any]) -> str:
    """The id of the object a committed write made: the id its answer named, else the ``result.id``
    of its Operation once completed (a Memory or Knowledge create names no id before)."""
    if committed["id"] is not None:
        return str(committed["id"])
    assert committed["operation"] and committed["statusUrl"], committed

    def result() -> str | None:
        operation = api.get(committed["statusUrl"]).json()
        assert operation["status"] in ("PENDING", "RUNNING", "COMPLETED"), operation
        return str(operation["result"]["id"]) if operation["status"] == "COMPLETED" else None

    return eventually(result, timeout=60, what=f"Operation {committed['operation']} to complete")


#: Where the API lists each top-level kind, and the key of its list.
LISTS = {
    "operator": ("/v3/ControlPlane/Operators", "items"),
    "intelligence_configuration": ("/v3/ControlPlane/Configurations", "items"),
    "conversation_configuration": ("/v2/ControlPlane/Configurations", "configurations"),
    "knowledge_base": (BASES, "knowledgeBases"),
}


def _page(api: httpx.Client, path: str, key: str) -> list[Any]:
    answer = api.get(path, params={"pageSize": 100})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert not body.get("meta", {}).get("nextToken"), body  # one page holds everything here
    return list(body[key])


def _objects(api: httpx.Client) -> dict[str, dict[str, str]]:
    """The user-created objects on the emulator, per kind: id -> display name (through the API; a
    trait group's id is its name, in its store)."""
    found: dict[str, dict[str, str]] = {}
    for kind, (path, key) in LISTS.items():
        objects = {o["id"]: o["displayName"] for o in _page(api, path, key) if o.get("author", "SELF") == "SELF"}
        found[kind] = objects
    stores = _page(api, STORES, "stores")
    found["memory_store"] = {s: api.get(f"{STORES}/{s}").json()["displayName"] for s in stores}
    groups = [g for s in stores for g in _page(api, f"{STORES}/{s}/TraitGroups", "traitGroups")]
    found["trait_group"] = {g["displayName"]: g["displayName"] for g in groups}
    sources = [k for b in found["knowledge_base"] for k in _page(api, KNOWLEDGE.format(kbId=b), "knowledge")]
    found["knowledge"] = {k["id"]: k["name"] for k in sources}
    return {kind: objects for kind, objects in found.items() if objects}


def _custom_resources(api: httpx.Client) -> dict[str, list[str]]:
    """The display names of the user-created objects on the emulator, per kind."""
    return {kind: sorted(objects.values()) for kind, objects in _objects(api).items()}


def _desired(g: int) -> dict[str, list[str]]:
    """The display names of what generation ``g`` of the program declares, per kind."""
    return {
        "memory_store": [f"crash-store-{g}"],
        "trait_group": [f"Crash{g}"],
        "knowledge_base": [f"crash-kb-{g}"],
        "knowledge": [f"crash source {g}"],
        "operator": [f"crash op {g}"],
        "intelligence_configuration": [f"crash ic {g}"],
        "conversation_configuration": [f"crash cc {g}"],
    }


def _assert_kept(api: httpx.Client, kind: str, written: str) -> None:
    """The object the killed create committed is the one kept: an identity resolution PUT (its
    Operation names the store) was applied exactly once (version 1 when the store was made, 2
    after one PUT) with the program's values."""
    objects = _objects(api)
    if kind != "identity_resolution_settings":
        assert written in objects[kind], (kind, written, objects)
        return
    assert list(objects["memory_store"]) == [written], objects
    settings = api.get(SETTINGS.format(storeId=written)).json()
    assert (settings["version"], settings["matchingRules"]) == (2, ["email"]), settings


def _kill_at(project: Project, admin: httpx.Client, api: httpx.Client, route: str, target: str) -> str:
    """Run ``pulumi up`` and SIGKILL ``target`` (``cli`` or ``provider``) once the emulator has
    committed the create on ``route``; every process of the run dies. The id of the object written."""
    admin.post("/__emulator/hooks", json={"route": route, "holdSeconds": 60}).raise_for_status()
    cli = project.start("up", "--yes", "--skip-preview")
    try:
        committed = _wait_for_commit(admin, cli, route)
        if target == "cli":
            cli.send_signal(signal.SIGKILL)
            cli.wait(timeout=DEADLINE)
        else:
            providers = [pid for pid, cmd in _marked(project.marker) if "-m pulumi.dynamic" in cmd]
            assert providers, _marked(project.marker)
            _kill(providers)
            admin.delete("/__emulator/hooks").raise_for_status()
            assert cli.wait(timeout=DEADLINE) != 0  # the engine reports the provider's death
    finally:
        cli.kill()
        cli.wait(timeout=DEADLINE)
        _kill_run(project.marker)
        admin.delete("/__emulator/hooks").raise_for_status()
    return _written(api, committed)


@pytest.mark.parametrize("target", ["cli", "provider"])
def test_a_kill_right_after_each_kind_of_create_leaves_no_duplicate_and_nothing_after_destroy(
    tmp_path: Path, pulumi_bin: Path, emulator: EmulatorProcess, target: str
) -> None:
    project = Project(tmp_path, pulumi_bin, emulator.url)
    api = httpx.Client(base_url=emulator.url, auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN), timeout=30)
    admin = httpx.Client(base_url=emulator.url, timeout=30)
    try:
        for generation, (route, kind) in enumerate(CREATES.items()):
            project.run("config", "set", "generation", str(generation))
            written = _kill_at(project, admin, api, route, target)
            project.up()
            assert _custom_resources(api) == _desired(generation), f"after killing the {target} at {route}"
            _assert_kept(api, kind, written)
            project.run("up", "--yes", "--skip-preview", "--expect-no-changes")  # nothing left to do
        project.run("destroy", "--yes", "--skip-preview")
        assert _custom_resources(api) == {}
        eventually(lambda: not _marked(project.marker), timeout=60, what="every process of the test's runs to end")
    finally:
        _kill_run(project.marker)
        api.close()
        admin.close()
