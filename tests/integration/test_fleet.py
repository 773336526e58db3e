"""The fleet runner with the real engine against the emulator server: the local executor, and the
Celery executor with a real Redis and two real workers, one of them killed with SIGKILL mid-tenant."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess
from tests.fleet_setup import (
    PROJECT,
    TenantSpec,
    emulator_args,
    fleet_env,
    run_fleet,
    tenants,
    write_fleet,
)

pytestmark = pytest.mark.integration

#: What one tenant's TenantIntelligence makes in its account.
#: TenantIntelligence without memory_store_id makes its own Memory Store.
ONE_SET = {"memory_store": 1, "operator": 1, "intelligence_configuration": 1, "conversation_configuration": 1}


def expected(spec: TenantSpec) -> dict[str, int]:
    """A tenant's account after up: its set, and in a created subaccount the runner's one API key."""
    return ONE_SET if spec.existing else {**ONE_SET, "api_key": 1}


def subaccounts(emulator: EmulatorProcess, tenant: str) -> list[dict[str, object]]:
    """The parent's subaccounts named for ``tenant`` (the 2010 API, as the runner finds them)."""
    response = httpx.get(
        f"{emulator.url}/2010-04-01/Accounts.json",
        params={"FriendlyName": f"{PROJECT}/{tenant}"},
        auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN),
    )
    response.raise_for_status()
    accounts: list[dict[str, object]] = response.json()["accounts"]
    return accounts


def account_of(emulator: EmulatorProcess, spec: TenantSpec) -> str:
    """The account a tenant's objects live in: its own, or its one subaccount."""
    if spec.existing:
        return spec.account_sid
    (account,) = subaccounts(emulator, spec.name)
    return str(account["sid"])


def objects(emulator: EmulatorProcess, account: str) -> dict[str, int]:
    """User-made objects per kind in ``account``."""
    found: dict[str, int] = emulator.admin("GET", f"/resources?account={account}").json()
    return found


def records(path: Path) -> dict[str, dict[str, object]]:
    return {r["tenant"]: r for r in json.loads(path.read_text())}


def files_containing(root: Path, secret: str) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]


def test_local_executor_up_then_again_with_a_failing_tenant_then_prune(tmp_path: Path, pulumi_bin: Path) -> None:
    specs = tenants(3, existing=2)  # tenant-03 gets a subaccount
    with EmulatorProcess(["--operation-delay", "0.2", *emulator_args(specs)]) as emulator:
        fleet = write_fleet(tmp_path, specs, directory_program=True)
        env = fleet_env(tmp_path, specs, emulator.url, pulumi_bin)
        summary = tmp_path / "summary.json"

        first = run_fleet(fleet, env, "up", "--parallel", "3", json_path=summary)
        assert first.returncode == 0, first.stdout + first.stderr
        assert {t: r["result"] for t, r in records(summary).items()} == dict.fromkeys(
            [s.name for s in specs], "succeeded"
        )
        assert all(r["changes"] == {"create": 6} for r in records(summary).values()), records(summary)
        for spec in specs:
            assert objects(emulator, account_of(emulator, spec)) == expected(spec), spec
        assert "up: 3 succeeded, 0 failed" in first.stdout
        assert (tmp_path / ".fleet" / "logs" / "tenant-03.log").read_text().count("tenant-conversations") > 0

        # the created subaccount's credentials are in the stack config as secrets, in plain text nowhere
        program = tmp_path / "tenant-program"
        secret = subprocess.run(
            ["pulumi", "config", "get", "twilio:apiSecret", "--stack", "tenant-03"],
            cwd=program if program.exists() else tmp_path / ".fleet" / "workspaces" / "tenant-03",
            env={**env, "PULUMI_BACKEND_URL": f"file://{tmp_path / '.fleet' / 'state'}"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert len(secret) >= 16
        assert files_containing(tmp_path, secret) == []
        assert secret not in first.stdout + first.stderr

        # again, tenant-01's token variable gone: it fails alone (exit status 1), the others change nothing
        broken = {k: v for k, v in env.items() if k != specs[0].token_env}
        second = run_fleet(fleet, broken, "up", "--parallel", "3", json_path=summary)
        assert second.returncode == 1, second.stdout + second.stderr
        result = records(summary)
        assert result["tenant-01"]["result"] == "failed"
        assert "TENANT_01_TOKEN is not set" in str(result["tenant-01"]["error"])
        assert [result[t]["changes"] for t in ("tenant-02", "tenant-03")] == [{}, {}], result
        assert result["tenant-02"]["result"] == result["tenant-03"]["result"] == "succeeded"
        assert len(subaccounts(emulator, "tenant-03")) == 1  # a second up creates no second subaccount
        assert objects(emulator, account_of(emulator, specs[2])) == expected(specs[2])  # nor a second key

        # tenant-02 left the file: `up --prune` destroys and removes its stack (`--only` limits the up)
        write_fleet(tmp_path, [specs[0], specs[2]], directory_program=True)
        pruned = run_fleet(fleet, env, "up", "--prune", "--only", "tenant-01", json_path=summary)
        assert pruned.returncode == 0, pruned.stdout + pruned.stderr
        assert records(summary)["tenant-01"]["changes"] == {}
        assert records(summary)["tenant-02"]["result"] == "succeeded"
        assert records(summary)["tenant-02"]["changes"] == {"delete": 6}
        assert objects(emulator, specs[1].account_sid) == {}
        status = run_fleet(fleet, env, "status", json_path=summary)
        assert status.returncode == 0 and set(records(summary)) == {"tenant-01", "tenant-03"}
        assert all(r["result"] == "succeeded" for r in records(summary).values())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real Redis (the distribution's ``redis-server``) on a free port, stopped at the end."""
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("redis-server did not start (the Makefile installs it: apt-get install redis-server)")
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _worker(name: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A Celery worker process (its own process group, so a kill takes its engines with it)."""
    command = [sys.executable, "-m", "celery", "-A", "pulumi_twilio_intelligence.fleet.celery", "worker"]
    command += ["--pool", "solo", "--hostname", f"{name}@fleet-test", "--loglevel", "INFO", "--without-gossip"]
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _tenant_mid_create_on(pid: int, logs: Path) -> str | None:
    """The tenant whose latest run is in worker ``pid`` and is creating its Conversation Configuration."""
    for log in logs.glob("*.log"):
        latest = log.read_text(errors="replace").rsplit("\n=== ", 1)[-1]
        if f"(pid {pid})" in latest and "tenant-conversations" in latest and "creating" in latest:
            return log.stem
    return None


def test_celery_executor_converges_after_a_worker_is_killed_mid_tenant(
    tmp_path: Path, pulumi_bin: Path, redis_url: str
) -> None:
    specs = tenants(3, existing=1)
    # Operations of 3 s: a worker is killed while it waits for a Conversation Configuration's Operation
    with EmulatorProcess(["--operation-delay", "3", *emulator_args(specs)]) as emulator:
        fleet = write_fleet(tmp_path, specs, directory_program=False)
        env = fleet_env(tmp_path, specs, emulator.url, pulumi_bin)
        env |= {"TWILIO_FLEET_BROKER_URL": redis_url, "TWILIO_FLEET_VISIBILITY_TIMEOUT": "15"}
        workers = [_worker(name, env, tmp_path / f"{name}.log") for name in ("worker-a", "worker-b")]
        summary = tmp_path / "summary.json"
        command = [sys.executable, "-m", "pulumi_twilio_intelligence.fleet.cli", "up", "--fleet", str(fleet)]
        command += ["--executor", "celery", "--parallel", "3", "--visibility-timeout", "15", "--json", str(summary)]
        runner = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            killed = None
            deadline = time.monotonic() + 300
            while killed is None and time.monotonic() < deadline and runner.poll() is None:
                killed = _tenant_mid_create_on(workers[0].pid, tmp_path / ".fleet" / "logs")
                time.sleep(0.1)
            assert killed is not None, "worker-a never ran a tenant"
            os.killpg(workers[0].pid, signal.SIGKILL)
            workers[0].wait(timeout=30)
            out, err = runner.communicate(timeout=600)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    os.killpg(worker.pid, signal.SIGTERM)
                    worker.wait(timeout=60)
            if runner.poll() is None:
                runner.kill()
        assert runner.returncode == 0, out + err
        assert "file:// backend" in err  # the warning: right only on a file system every worker shares
        assert {t: r["result"] for t, r in records(summary).items()} == dict.fromkeys(
            [s.name for s in specs], "succeeded"
        )
        # the killed tenant ran again on worker-b, which cleared the interrupted update and converged it
        killed_log = (tmp_path / ".fleet" / "logs" / f"{killed}.log").read_text()
        assert f"(pid {workers[1].pid})" in killed_log
        assert "pending operation(s) from an interrupted run" in killed_log
        for spec in specs:  # no duplicate Twilio object, no second subaccount
            assert objects(emulator, account_of(emulator, spec)) == expected(spec), spec
