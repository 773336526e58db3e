"""Fixtures for tests that drive the real Pulumi CLI against the emulator server."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from pulumi import automation as auto

from pulumi_twilio_intelligence.config import Settings
from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess
from pulumi_twilio_intelligence.testing import engine_env, find_pulumi_bin, local_stack

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def pulumi_bin() -> Path:
    """The folder that holds the Pulumi CLI and its Python language host: $PULUMI_ROOT (that folder,
    whatever its name, or one whose bin/ holds it), else a ``pulumi`` on PATH or the cached build
    (``scripts/get-pulumi.sh --no-build``, which answers at once).

    Never skipped, never built here (a cold build takes longer than the test timeout): without a
    CLI these tests fail at once, saying how to get one.
    """
    if os.environ.get("PULUMI_ROOT"):
        found_bin = find_pulumi_bin()
        assert found_bin is not None
        if not (found_bin / "pulumi-language-python").is_file() and not shutil.which("pulumi-language-python"):
            pytest.fail(
                f"PULUMI_ROOT={os.environ['PULUMI_ROOT']}: no Python language host (pulumi-language-python) "
                "beside pulumi or on PATH, so directory programs cannot run: `make pulumi` builds one",
                pytrace=False,
            )
        return found_bin
    found = subprocess.run(
        [str(REPO / "scripts" / "get-pulumi.sh"), "--no-build"], capture_output=True, text=True, timeout=60
    )
    if found.returncode != 0:
        pytest.fail(
            "no Pulumi CLI for the integration tests: run them with `make test` (which obtains it), "
            "or build it once with `make pulumi` (10-30 minutes; later runs find it in the cache), "
            f"or set PULUMI_ROOT to the folder holding pulumi.\n{found.stderr}",
            pytrace=False,
        )
    return Path(found.stdout.strip().splitlines()[-1])


@pytest.fixture
def emulator() -> Iterator[EmulatorProcess]:
    """A fresh emulator server (in memory) with short Operations."""
    with EmulatorProcess(["--operation-delay", "0.2"]) as process:
        yield process


StackFactory = Callable[..., auto.Stack]


@pytest.fixture
def make_stack(tmp_path: Path, emulator: EmulatorProcess, pulumi_bin: Path) -> StackFactory:
    """``make_stack(program, name="dev")``: an inline-program stack on a file backend in tmp_path.

    The inline program runs in this process; ``local_stack`` points its lookups at the emulator
    through the stack config (``twilio:*BaseUrl``), never through this process's environment.
    """

    def make(program: Callable[[], None], name: str = "dev", project: str = "it") -> auto.Stack:
        return local_stack(
            name,
            project_name=project,
            root=tmp_path,
            program=program,
            emulator_url=emulator.url,
            pulumi_bin=pulumi_bin,
        )

    return make


def cli(tmp_path: Path, pulumi_bin: Path, emulator_url: str, *args: str, stack: str = "dev") -> str:
    """Run the Pulumi CLI itself (e.g. ``stack export``) in the workspace of ``make_stack``."""
    env = {**os.environ, **engine_env(tmp_path, emulator_url=emulator_url, pulumi_bin=pulumi_bin)}
    out = subprocess.run(
        [str(pulumi_bin / "pulumi"), *args, "--stack", stack, "--non-interactive"],
        cwd=tmp_path / "workspace",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout


def emulator_settings(emulator: EmulatorProcess) -> Settings:
    """Settings for the demo account of the emulator server (for lookups made by the test itself)."""
    return Settings(
        account_sid=DEMO_ACCOUNT_SID,
        auth_token=DEMO_AUTH_TOKEN,
        intelligence_base_url=emulator.url,
        conversations_base_url=emulator.url,
        memory_base_url=emulator.url,
        knowledge_base_url=emulator.url,
    )


@pytest.fixture
def api(emulator: EmulatorProcess) -> Iterator[httpx.Client]:
    """Twilio's API on the emulator, as the demo account: for changes made outside Pulumi."""
    with httpx.Client(base_url=emulator.url, auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN), timeout=30) as client:
        yield client
