"""Crash safety with the real engine: SIGKILL the ``pulumi`` CLI, or the dynamic provider process, right
after the emulator committed a create, recover as a user would, and count what exists.

The emulator's admin hook (``POST /__emulator/hooks``) holds the answer to the next create of one
route after committing it, and reports that moment (``GET /__emulator/hooks``); the test then kills
its target while the create's result has not reached the Pulumi state. Recovery is what Pulumi
prints: ``pulumi cancel`` when the stack is still locked, then ``pulumi up``. Afterwards exactly the
desired objects exist (no duplicate), and after ``pulumi destroy`` nothing is left.

One stack per kill target; in it, each kind of create is killed in turn: the program's
``generation`` config names every resource, so raising it makes the next ``up`` create a new set
(and delete the old one), whose create of the next kind is killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess
from pulumi_twilio_intelligence.testing import engine_env

#: The create routes of every resource type the program declares -> the kind the emulator lists.
CREATES = {
    "POST /v3/ControlPlane/Operators": "operator",
    "POST /v3/ControlPlane/Configurations": "intelligence_configuration",
    "POST /v2/ControlPlane/Configurations": "conversation_configuration",
}
#: Generous deadlines (seconds): the machine is shared and timings stretch under load.
DEADLINE = 240

PROGRAM = """
import pulumi
import pulumi_twilio_intelligence as twilio_ci

gen = pulumi.Config().require("generation")
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
    memory_store_id="mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7",
    intelligence_configuration_ids=[intelligence.id],
)
"""


class Project:
    """A directory program on a file backend, run with the ``pulumi`` CLI itself (so it can be killed)."""

    def __init__(self, root: Path, pulumi_bin: Path, emulator_url: str) -> None:
        self.dir = root / "program"
        self.dir.mkdir(parents=True)
        venv = Path(sys.executable).parent.parent
        (self.dir / "Pulumi.yaml").write_text(
            f"name: crash\nruntime:\n  name: python\n  options:\n    toolchain: pip\n    virtualenv: {venv}\n"
        )
        (self.dir / "__main__.py").write_text(PROGRAM)
        self.pulumi = str(pulumi_bin / "pulumi")
        self.env = {**os.environ, **engine_env(root, emulator_url=emulator_url, pulumi_bin=pulumi_bin)}
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


def _descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of every live descendant of ``pid`` (from /proc): the CLI's language host
    and plugins (Pulumi starts plugins in process groups of their own)."""
    children: dict[int, list[int]] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append((child, commands.get(child, "")))
        todo.extend(children.get(child, []))
    return found


def _kill(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _wait_for_commit(admin: httpx.Client, cli: subprocess.Popen[str], route: str) -> str:
    """The id of the object whose create on ``route`` the emulator committed and holds the answer of."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        held = admin.get("/__emulator/hooks").json()["committed"]
        if held:
            assert held[0]["route"] == route, held
            return str(held[0]["id"])
        if cli.poll() is not None:
            raise AssertionError(
                f"pulumi up ended before the {route} was committed:\n{cli.stdout.read() if cli.stdout else ''}"
            )
        time.sleep(0.1)
    raise AssertionError(f"no {route} was committed within {DEADLINE} s")


#: Where the API lists each kind, and the key of its list.
LISTS = {
    "operator": ("/v3/ControlPlane/Operators", "items"),
    "intelligence_configuration": ("/v3/ControlPlane/Configurations", "items"),
    "conversation_configuration": ("/v2/ControlPlane/Configurations", "configurations"),
}


def _objects(admin: httpx.Client) -> dict[str, dict[str, str]]:
    """The user-created objects on the emulator, per kind: id -> display name (through the API)."""
    found: dict[str, dict[str, str]] = {}
    for kind, (path, key) in LISTS.items():
        page = admin.get(path, params={"pageSize": 1000}, auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN)).json()
        objects = {o["id"]: o["displayName"] for o in page[key] if o.get("author", "SELF") == "SELF"}
        if objects:
            found[kind] = objects
    return found


def _custom_resources(admin: httpx.Client) -> dict[str, list[str]]:
    """The display names of the user-created objects on the emulator, per kind."""
    return {kind: sorted(objects.values()) for kind, objects in _objects(admin).items()}


@pytest.mark.parametrize("target", ["cli", "provider"])
def test_a_kill_right_after_each_kind_of_create_leaves_no_duplicate_and_nothing_after_destroy(
    tmp_path: Path, pulumi_bin: Path, emulator: EmulatorProcess, target: str
) -> None:
    project = Project(tmp_path, pulumi_bin, emulator.url)
    with httpx.Client(base_url=emulator.url, timeout=30) as admin:
        for generation, route in enumerate(CREATES):
            project.run("config", "set", "generation", str(generation))
            admin.post("/__emulator/hooks", json={"route": route, "holdSeconds": 60}).raise_for_status()
            cli = project.start("up", "--yes", "--skip-preview")
            family: list[int] = []
            try:
                committed = _wait_for_commit(admin, cli, route)
                family = [pid for pid, _cmd in _descendants(cli.pid)]
                if target == "cli":
                    cli.send_signal(signal.SIGKILL)
                    cli.wait(timeout=DEADLINE)
                else:
                    [provider] = [pid for pid, cmd in _descendants(cli.pid) if "-m pulumi.dynamic" in cmd]
                    os.kill(provider, signal.SIGKILL)
                    admin.delete("/__emulator/hooks").raise_for_status()
                    assert cli.wait(timeout=DEADLINE) != 0  # the engine reports the provider's death
            finally:
                cli.kill()
                _kill(family)  # what the CLI leaves behind dies with it (as with the machine)
                admin.delete("/__emulator/hooks").raise_for_status()
            project.up()
            g = generation
            assert _custom_resources(admin) == {
                "operator": [f"crash op {g}"],
                "intelligence_configuration": [f"crash ic {g}"],
                "conversation_configuration": [f"crash cc {g}"],
            }, f"after killing the {target} at {route}"
            assert committed in _objects(admin)[CREATES[route]]  # the object committed before the kill was kept
            assert "created" not in project.run("up", "--yes", "--skip-preview").stdout  # nothing left to do
        project.run("destroy", "--yes", "--skip-preview")
        assert _custom_resources(admin) == {}
