"""A fleet of ISV tenants against the emulator server, shared by tests/integration/test_fleet.py,
scripts/fleet_demo.py (``make fleet-demo``) and bench/fleet.py.

The program is examples/isv (``TenantIntelligence``), copied with a ``Pulumi.yaml`` of the fleet's
project into the fleet's folder as a directory program, or named as an inline program
(``isv_program:program``, importable through ``PYTHONPATH``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN
from pulumi_twilio_intelligence.testing import engine_env

REPO = Path(__file__).resolve().parents[1]
ISV_PROGRAM = REPO / "examples" / "isv" / "__main__.py"
PROJECT = "isv-fleet"
#: The parent account (the emulator's demo account) and the variables naming its credentials.
PARENT_SID_ENV, PARENT_TOKEN_ENV = "FLEET_PARENT_ACCOUNT_SID", "FLEET_PARENT_AUTH_TOKEN"


@dataclass(frozen=True)
class TenantSpec:
    """A tenant of the test fleet: ``existing`` tenants have an account of their own (``account_sid``
    and a token in ``<NAME>_TOKEN``), the others get a subaccount created."""

    name: str
    existing: bool

    @property
    def account_sid(self) -> str:
        """The tenant's own account (only for ``existing`` tenants): AC + 32 hex digits from its name."""
        return "AC" + self.name.encode().hex().ljust(32, "e")[:32]

    @property
    def token_env(self) -> str:
        """The variable holding the tenant's auth token."""
        return self.name.upper().replace("-", "_") + "_TOKEN"

    @property
    def token(self) -> str:
        """The tenant's auth token (a test value; only opens the local emulator)."""
        return f"token-{self.name}"


def tenants(count: int, existing: int) -> list[TenantSpec]:
    """``count`` tenants ``tenant-01``..., the first ``existing`` of them with accounts of their own."""
    return [TenantSpec(f"tenant-{i + 1:02d}", i < existing) for i in range(count)]


def emulator_args(specs: list[TenantSpec]) -> list[str]:
    """The emulator server's ``--account`` options for the existing tenants and the parent."""
    args = ["--account", f"{DEMO_ACCOUNT_SID}:{DEMO_AUTH_TOKEN}"]
    for spec in specs:
        if spec.existing:
            args += ["--account", f"{spec.account_sid}:{spec.token}"]
    return args


def write_fleet(root: Path, specs: list[TenantSpec], *, directory_program: bool) -> Path:
    """The program and ``fleet.yaml`` under ``root``; returns the fleet file."""
    root.mkdir(parents=True, exist_ok=True)
    if directory_program:
        program_dir = root / "tenant-program"
        program_dir.mkdir(exist_ok=True)
        shutil.copy(ISV_PROGRAM, program_dir / "__main__.py")
        (program_dir / "Pulumi.yaml").write_text(
            f"name: {PROJECT}\nruntime: python\ndescription: one ISV tenant (TenantIntelligence)\n"
        )
        program = "./tenant-program"
    else:
        shutil.copy(ISV_PROGRAM, root / "isv_program.py")
        program = "isv_program:program"
    lines = [
        f"project: {PROJECT}",
        f"program: {program}",
        "parent:",
        f"  account_sid_env: {PARENT_SID_ENV}",
        f"  auth_token_env: {PARENT_TOKEN_ENV}",
        "defaults:",
        '  config: {webhookUrl: "https://example.com/fleet/results", supportNumber: "+18005550100"}',
        "tenants:",
    ]
    for spec in specs:
        lines.append(f"  - name: {spec.name}")
        if spec.existing:
            lines += [f"    account_sid: {spec.account_sid}", f"    auth_token_env: {spec.token_env}"]
        lines.append(f"    config: {{tenant: {spec.name.replace('-', ' ').title()}}}")
    path = root / "fleet.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def fleet_env(root: Path, specs: list[TenantSpec], emulator_url: str, pulumi_bin: Path | None) -> dict[str, str]:
    """The runner's (and workers') environment: an offline engine, every API at the emulator, the
    credentials the fleet file names, and ``root`` on ``PYTHONPATH`` for an inline program."""
    env = {**os.environ, **engine_env(root / ".engine", emulator_url=emulator_url, pulumi_bin=pulumi_bin)}
    env.pop("PULUMI_BACKEND_URL", None)  # the fleet's own default backend: .fleet/state beside the file
    env["TWILIO_API_BASE_URL"] = emulator_url
    env[PARENT_SID_ENV], env[PARENT_TOKEN_ENV] = DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN
    for spec in specs:
        if spec.existing:
            env[spec.token_env] = spec.token
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(root), env.get("PYTHONPATH", "")] if p)
    return env


def run_fleet(
    fleet: Path, env: dict[str, str], *args: str, json_path: Path | None = None, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """``twilio-intelligence-fleet ARGS --fleet FLEET [--json JSON]`` as a process; output captured."""
    command = [sys.executable, "-m", "pulumi_twilio_intelligence.fleet.cli", *args, "--fleet", str(fleet)]
    if json_path is not None:
        command += ["--json", str(json_path)]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
