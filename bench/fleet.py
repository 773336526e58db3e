"""How fast a fleet goes: wall time of ``twilio-intelligence-fleet up`` for N tenants at several
``--parallel`` settings against the emulator server (Operations take 1 s), with the local executor.

For each run it prints the wall time, the ratio to the ideal (tenants x single-tenant time /
parallelism; the single-tenant time is the ``--parallel 1`` run's time per tenant), the speed-up over
``--parallel 1``, how busy the machine's cores were with the fleet (CPU seconds of the runner and all
its engines / (wall x cores)), the runner's own share of that CPU, and the peak memory (RSS) of the
runner and its engines together. Then the growth with the tenant count at one parallelism (seconds
per tenant should stay flat: linear growth).

    PULUMI_ROOT=~/.cache/pulumi-twilio-intelligence/pulumi-3.259.0 .venv/bin/python -m bench.fleet \
        [--tenants 50] [--parallel 1,4,8,16] [--growth 8:12,25,50]

Figures, not a test. Each run starts from an empty emulator and an empty state backend. On a shared
machine the figures move with the other work on it: say so when you quote them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pulumi_twilio_intelligence.emulator import EmulatorProcess
from pulumi_twilio_intelligence.testing import find_pulumi_bin
from tests.fleet_setup import emulator_args, fleet_env, tenants, write_fleet

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    tenants: int
    parallel: int
    seconds: float
    cpu_seconds: float
    runner_cpu_seconds: float
    peak_rss_mb: float
    failed: int


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def _own_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime of the process itself


def run_once(count: int, parallel: int, pulumi_bin: Path | None) -> Run:
    specs = tenants(count, existing=count)
    with (
        tempfile.TemporaryDirectory() as scratch,
        EmulatorProcess(["--operation-delay", "1", *emulator_args(specs)]) as emulator,
    ):
        root = Path(scratch)
        fleet = write_fleet(root, specs, directory_program=True)
        env = fleet_env(root, specs, emulator.url, pulumi_bin)
        summary = root / "summary.json"
        command = [sys.executable, "-m", "pulumi_twilio_intelligence.fleet.cli", "up", "--fleet", str(fleet)]
        command += ["--parallel", str(parallel), "--json", str(summary)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak, runner_cpu = 0, 0.0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak, runner_cpu
            while not stop.wait(0.5):
                peak = max(peak, sum(_rss(pid) for pid in _tree(process.pid)))
                own = _own_cpu(process.pid)
                if own >= 0:
                    runner_cpu = own

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        process.wait()
        seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        results = json.loads(summary.read_text()) if summary.exists() else []
        failed = sum(1 for r in results if r["result"] != "succeeded") + (count - len(results))
        return Run(count, parallel, seconds, cpu, runner_cpu, peak / 2**20, failed)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--parallel", default="1,4,8,16")
    parser.add_argument("--growth", default="8:12,25", help="PARALLEL:COUNT,... (the main run adds its count)")
    options = parser.parse_args(argv)
    pulumi_bin = find_pulumi_bin()
    cores = os.cpu_count() or 1
    print(
        f"fleet benchmark: {options.tenants} tenants, Operations of 1 s, local executor, {cores} cores, "
        "directory program; load average at start "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    runs: list[Run] = []
    single = None
    for parallel in [int(p) for p in options.parallel.split(",")]:
        run = run_once(options.tenants, parallel, pulumi_bin)
        runs.append(run)
        if parallel == 1:
            single = run.seconds / run.tenants
        ideal = (run.tenants * single / parallel) if single else float("nan")
        speedup = (runs[0].seconds / run.seconds) if runs[0].parallel == 1 else float("nan")
        busy = run.cpu_seconds / (run.seconds * cores)
        print(
            f"--parallel {parallel:2d}: {run.seconds:7.1f} s, ratio to ideal {run.seconds / ideal:5.2f}, "
            f"speed-up over --parallel 1 {speedup:5.2f}x, cores busy with the fleet {busy:5.1%}, "
            f"runner's own CPU {run.runner_cpu_seconds / max(run.cpu_seconds, 1e-9):5.1%} of the fleet's "
            f"({run.runner_cpu_seconds:.1f} of {run.cpu_seconds:.1f} CPU s), peak memory {run.peak_rss_mb:6.0f} MiB, "
            f"failed {run.failed}; load average now {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    growth_parallel, _, counts = options.growth.partition(":")
    base = next((r for r in runs if r.parallel == int(growth_parallel)), None)
    growth = [run_once(int(c), int(growth_parallel), pulumi_bin) for c in counts.split(",") if c]
    if base is not None:
        growth.append(base)
    print(
        f"growth at --parallel {growth_parallel}: "
        + ", ".join(f"{r.tenants} tenants {r.seconds:.1f} s ({r.seconds / r.tenants:.2f} s/tenant)" for r in growth),
        flush=True,
    )
    return 0 if all(r.failed == 0 for r in runs + growth) else 1


if __name__ == "__main__":
    sys.exit(main())
