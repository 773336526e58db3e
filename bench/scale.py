"""Speed at scale: each Pulumi operation on a stack of N resources, with the real engine, against the
emulator server (figures, not a test).

The stack (``N`` = 20, 80, 200 by default, also 1000 with ``--large``): N/2 Operators, N/4
Intelligence Configurations each pinning two of those operators at their ``version``, N/4 Conversation
Configurations each attaching one of those configurations, and the Memory Store they use. Operations
take ``--operation-delay`` seconds (default 1). For each N it prints, per operation, the wall time,
the API requests the emulator served against the minimum the operation needs, and for create and
destroy the bound that the dynamic provider server's 4 threads used to put on them, ``ceil(N_async /
4) x delay + engine floor`` (the floor: the no-op ``up`` of the same stack), with measured / bound;
then the provider process's peak memory. The same again at ``--latency-ms`` (default 100) added to
every answer. Then the create and destroy of the largest stack again with the engine's checkpoints off
(``PULUMI_SKIP_CHECKPOINTS=true``), which shows how much of them is the engine rewriting its state
file after every step. Then the provider's own cost: 200 Operator creates through the provider against
the same requests sent with plain httpx, in a fresh process. Last, the issue's goals, each with its
figure.

    PULUMI_ROOT=~/.cache/pulumi-twilio-intelligence/pulumi-3.259.0 .venv/bin/python -m bench.scale

(from the repository root; ``make bench`` runs it). Options: ``--sizes 20,80``, ``--large``,
``--runs 3`` (medians), ``--latency-ms 0`` (skip the second pass), ``--operation-delay 1``,
``--overhead-only`` (only the provider's cost over plain httpx).
"""

from __future__ import annotations

import argparse
import gc
import math
import multiprocessing
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pulumi

import pulumi_twilio_intelligence as twilio_ci
from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess
from pulumi_twilio_intelligence.resources import OperatorProvider
from pulumi_twilio_intelligence.resources._provider import from_engine
from pulumi_twilio_intelligence.resources.operator import OPERATOR
from pulumi_twilio_intelligence.testing import local_stack

PARALLEL = 64
HOOK = {"type": "WEBHOOK", "method": "POST", "url": "https://example.com/hook"}


def program(n: int, edited: int = 0) -> Callable[[], None]:
    """The stack of ``n`` resources; the first ``edited`` configurations of each kind get another
    description (half Intelligence, half Conversation Configurations)."""
    operators_n, configs_n = n // 2, n // 4

    def run() -> None:
        store = twilio_ci.MemoryStore("memory", display_name="scale-memory")  # the configurations' store
        operators = [
            twilio_ci.Operator(
                f"op{i}",
                display_name=f"Operator {i}",
                prompt="Rate 0-{{parameters.scale}}",
                output_format="TEXT",
                parameters={"scale": {"type": "INTEGER", "default": 5}},
            )
            for i in range(operators_n)
        ]
        configurations = []
        for i in range(configs_n):
            first, second = operators[(2 * i) % operators_n], operators[(2 * i + 1) % operators_n]
            configurations.append(
                twilio_ci.IntelligenceConfiguration(
                    f"ic{i}",
                    display_name=f"Configuration {i}",
                    description="edited" if i < (edited + 1) // 2 else "original",
                    rules=[
                        {
                            "operators": [
                                {"id": first.id, "version": first.version, "parameters": {"scale": 10}},
                                {"id": second.id, "version": second.version},
                            ],
                            "triggers": [{"on": "CONVERSATION_END"}],
                            "actions": [HOOK],
                        }
                    ],
                )
            )
        for i in range(configs_n):
            twilio_ci.ConversationConfiguration(
                f"cc{i}",
                display_name=f"Line {i}",
                description="edited" if i < edited // 2 else "original",
                conversation_grouping_type="GROUP_BY_PROFILE",
                memory_store_id=store.id,
                intelligence_configuration_ids=[configurations[i].id],
            )
        pulumi.export("n", n)

    return run


# -- the provider process's peak memory -----------------------------------------------------------


def _children(pid: int) -> set[int]:
    """Every descendant of ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@dataclass
class MemoryWatch:
    """Samples the peak resident memory (VmHWM) of the provider processes (``python -m
    pulumi.dynamic``) started by this process, every 0.2 s, while an operation runs."""

    peak_kib: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            for pid in _children(os.getpid()):
                try:
                    if "pulumi.dynamic" not in Path(f"/proc/{pid}/cmdline").read_text():
                        continue
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            self.peak_kib = max(self.peak_kib, int(line.split()[1]))
                except OSError:
                    continue

    def __enter__(self) -> MemoryWatch:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


# -- one stack --------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    seconds: list[float] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    minimum: int = 0
    bound: float | None = None

    @property
    def wall(self) -> float:
        return statistics.median(self.seconds)

    @property
    def count(self) -> int:
        return int(statistics.median(self.requests))


def measure_stack(emulator: EmulatorProcess, n: int, delay: float, runs: int) -> tuple[list[Row], float]:
    """Every operation on the stack of ``n``, ``runs`` times (a fresh stack each time); the rows and
    the provider processes' peak memory (MiB)."""
    n_ops, n_ic, n_cc = n // 2, n // 4, n // 4
    edited = max(2, n // 8)
    edit_ic, edit_cc = (edited + 1) // 2, edited // 2
    polls = 1 if delay <= 1 else math.ceil(delay)  # the emulator's Retry-After is ceil(delay)
    rows = {
        # a write per object, an Operation's polls and fetch (the Conversation Configurations and the
        # Memory Store they share), and crash safety's one listing per collection with display names
        # and deployment (Operators, Intelligence and Conversation Configurations: 1 page each)
        "create": Row("create", minimum=n_ops + n_ic + (n_cc + 1) * (2 + polls) + 3),
        "preview": Row("no-op preview"),
        "up": Row("no-op up"),
        "refresh": Row("refresh", minimum=n + 1),
        "after": Row("up after refresh"),
        "edit": Row(f"edit {edited} resources", minimum=edit_ic + edit_cc * (2 + polls)),
        "destroy": Row("destroy", minimum=n_ops + n_ic + (n_cc + 1) * (1 + polls)),
    }
    peak = 0
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as scratch:
            emulator.admin("POST", "reset")
            stack = local_stack(
                "bench", project_name="scale", root=Path(scratch), program=program(n), emulator_url=emulator.url
            )

            def timed(key: str, action: Callable[..., Any], **options: Any) -> None:
                emulator.admin("DELETE", "requests")
                started = time.perf_counter()
                action(parallel=PARALLEL, **options)
                rows[key].seconds.append(time.perf_counter() - started)
                rows[key].requests.append(sum(emulator.admin("GET", "requests").json().values()))

            with MemoryWatch() as memory:
                timed("create", stack.up)
                timed("preview", stack.preview, expect_no_changes=True)
                timed("up", stack.up, expect_no_changes=True)
                timed("refresh", stack.refresh, expect_no_changes=True)
                timed("after", stack.up, expect_no_changes=True)
                stack.workspace.program = program(n, edited)  # type: ignore[attr-defined]
                timed("edit", stack.up)
                timed("destroy", stack.destroy)
            peak = max(peak, memory.peak_kib)
            stack.workspace.remove_stack("bench")
    floor = rows["up"].wall
    for key in ("create", "destroy"):
        rows[key].bound = math.ceil((n_cc + 1) / 4) * delay + floor  # the configurations and their store
    return list(rows.values()), peak / 1024


def print_rows(n: int, latency: float, rows: list[Row], peak_mib: float) -> None:
    print(
        f"\nN={n}: {n // 2} Operators, {n // 4} Intelligence Configurations, {n // 4} Conversation "
        f"Configurations; latency {latency:g} ms; pulumi --parallel {PARALLEL}",
        flush=True,
    )
    print(f"{'operation':<22} {'wall s':>7} {'requests (minimum)':>19} {'4-worker bound s':>17} {'measured/bound':>15}")
    for row in rows:
        bound = f"{row.bound:17.2f}" if row.bound is not None else " " * 17
        ratio = f"{row.wall / row.bound:15.2f}" if row.bound else " " * 15
        requests = f"{row.count} ({row.minimum})"
        print(f"{row.name:<22} {row.wall:7.2f} {requests:>19} {bound} {ratio}")
    print(f"provider process peak memory: {peak_mib:.0f} MB", flush=True)


def checkpoint_cost(emulator: EmulatorProcess, n: int, rows: list[Row]) -> tuple[float, float]:
    """Create and destroy of the stack of ``n`` again, with the engine's checkpoints off
    (``PULUMI_SKIP_CHECKPOINTS=true``: the engine then writes the state once, at the end, instead of
    rewriting the whole state file after every step); their wall times (seconds). The difference to
    the rows' create and destroy is what the engine spends on its checkpoints (an engine cost, which
    grows with N squared on a file backend), not the provider's."""
    with tempfile.TemporaryDirectory() as scratch:
        emulator.admin("POST", "reset")
        stack = local_stack(
            "bench",
            project_name="scale",
            root=Path(scratch),
            program=program(n),
            emulator_url=emulator.url,
            env={"PULUMI_SKIP_CHECKPOINTS": "true"},
        )
        started = time.perf_counter()
        stack.up(parallel=PARALLEL)
        create = time.perf_counter() - started
        started = time.perf_counter()
        stack.destroy(parallel=PARALLEL)
        destroy = time.perf_counter() - started
        stack.workspace.remove_stack("bench")
    bound = next(row.bound for row in rows if row.name == "create") or float("nan")
    print(
        f"without the engine's checkpoints (PULUMI_SKIP_CHECKPOINTS=true), N={n}: create {create:.2f} s "
        f"({create / bound:.2f} x the 4-worker bound), destroy {destroy:.2f} s ({destroy / bound:.2f} x)",
        flush=True,
    )
    return create, destroy


# -- the provider's own cost -----------------------------------------------------------------------


def provider_overhead(operation_delay: float, creates: int = 200, rounds: int = 15) -> tuple[float, float]:
    """Wall and CPU time of ``creates`` Operator creates through the provider (``create``, as the
    engine calls it, one provider per round as one per deployment) divided by the same POSTs sent
    with plain httpx, one after the other. Measured in a fresh process against a fresh emulator
    (:func:`measure_overhead`): the process that ran the stacks above holds their garbage, which
    made the provider's side look about 15 % slower. The two sides alternate, each round of one
    next to a round of the other; the ratio is the median of the ``rounds`` rounds' ratios (a
    shared 2-core machine's speed drifts by +-25 % between rounds), the fastest rounds' ratio is
    printed too."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(measure_overhead, (operation_delay, creates, rounds))


def measure_overhead(operation_delay: float, creates: int, rounds: int) -> tuple[float, float]:
    """:func:`provider_overhead`'s measure, in the process that calls it."""
    with EmulatorProcess(["--operation-delay", str(operation_delay)]) as emulator:
        return _overhead(emulator, creates, rounds)


def _overhead(emulator: EmulatorProcess, creates: int, rounds: int) -> tuple[float, float]:
    os.environ.update(
        TWILIO_ACCOUNT_SID=DEMO_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=DEMO_AUTH_TOKEN,
        TWILIO_INTELLIGENCE_BASE_URL=emulator.url,
        TWILIO_CONVERSATIONS_BASE_URL=emulator.url,
    )
    props = {
        "display_name": "Adherence",
        "prompt": "Rate 0-{{parameters.scale}}",
        "output_format": "TEXT",
        "parameters": {"scale": {"type": "INTEGER", "default": 5.0}},
        "__name": "bench/scale/Operator/x",
    }
    body = OPERATOR.create_model.from_python(from_engine({k: v for k, v in props.items() if k != "__name"})).to_wire()
    url = f"{emulator.url}{OPERATOR.endpoint.path}"

    def through_provider() -> None:  # each its own name: crash safety refuses a second of one name
        provider = OperatorProvider()
        for i in range(creates):
            provider.create({**props, "display_name": f"Adherence {i}", "__name": f"bench/scale/Operator/x{i}"})
        provider._client().close()

    def plain() -> None:
        with httpx.Client(auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN), timeout=30) as http:
            for i in range(creates):
                response = http.post(url, json={**body, "displayName": f"Adherence {i}"})
                response.raise_for_status()
                response.json()

    def timed(action: Callable[[], None]) -> tuple[float, float]:
        emulator.admin("POST", "reset")
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        return time.perf_counter() - wall, time.process_time() - cpu

    for warm_up in (plain, through_provider):  # imports, connections, the emulator's caches
        timed(warm_up)
    gc.collect()
    gc.freeze()  # as the provider server does after its imports (resources/_workers.py): both sides alike
    walls: dict[str, list[float]] = {"provider": [], "plain": []}
    cpus: dict[str, list[float]] = {"provider": [], "plain": []}
    for i in range(rounds):
        order = (("plain", plain), ("provider", through_provider))
        for name, action in order if i % 2 == 0 else order[::-1]:
            wall, cpu = timed(action)
            walls[name].append(wall)
            cpus[name].append(cpu)
    wall_ratio = statistics.median(p / q for p, q in zip(walls["provider"], walls["plain"], strict=True))
    cpu_ratio = statistics.median(p / q for p, q in zip(cpus["provider"], cpus["plain"], strict=True))
    print(
        f"\nprovider cost, {creates} Operator creates in a fresh process: provider "
        f"{statistics.median(walls['provider']):.2f} s wall / {statistics.median(cpus['provider']):.2f} s CPU, "
        f"plain httpx {statistics.median(walls['plain']):.2f} s / {statistics.median(cpus['plain']):.2f} s: "
        f"{wall_ratio:.2f}x wall, {cpu_ratio:.2f}x CPU (medians of {rounds} paired rounds' ratios; fastest "
        f"rounds: {min(walls['provider']) / min(walls['plain']):.2f}x wall)",
        flush=True,
    )
    return wall_ratio, cpu_ratio


# -- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20,80,200", help="stack sizes N (default 20,80,200)")
    parser.add_argument("--large", action="store_true", help="also N=1000")
    parser.add_argument("--runs", type=int, default=1, help="runs per N (medians; default 1)")
    parser.add_argument("--latency-ms", type=float, default=100.0, help="second pass latency (0: none)")
    parser.add_argument("--operation-delay", type=float, default=1.0, help="seconds an Operation stays PENDING")
    parser.add_argument("--overhead-only", action="store_true", help="only the provider's cost over plain httpx")
    args = parser.parse_args(argv)
    if args.overhead_only:
        provider_overhead(args.operation_delay)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s] + ([1000] if args.large else [])
    if not 1 <= args.runs <= 9 or not all(4 <= n <= 5000 for n in sizes):
        parser.error("--runs must be 1-9 and every size 4-5000")
    latencies = [0.0] + ([args.latency_ms] if args.latency_ms > 0 else [])
    results: dict[tuple[float, int], tuple[dict[str, Row], float]] = {}
    # N/4 Conversation Configurations in one account: more than live Twilio's 10, so the documents' limits
    with EmulatorProcess(["--operation-delay", str(args.operation_delay), "--documented-limits"]) as emulator:
        for latency in latencies:
            emulator.admin("POST", "faults", {"latencyMs": latency})
            for n in sizes:
                rows, peak = measure_stack(emulator, n, args.operation_delay, args.runs)
                print_rows(n, latency, rows, peak)
                results[(latency, n)] = ({r.name: r for r in rows}, peak)
        emulator.admin("POST", "faults", {"latencyMs": 0})
        biggest = max(sizes)
        checkpoint_cost(emulator, biggest, list(results[(0.0, biggest)][0].values()))
    wall_ratio, _cpu = provider_overhead(args.operation_delay)

    print("\ngoals")
    rows, _ = results[(0.0, biggest)]
    for name in ("create", "destroy"):
        row = rows[name]
        ratio = row.wall / row.bound if row.bound else float("nan")
        print(f"  N={biggest} {name} <= 0.6 x the 4-worker bound: {ratio:.2f} ({'met' if ratio <= 0.6 else 'NOT met'})")
    noop = [
        (lat, n, rows[name].count) for (lat, n), (rows, _) in results.items() for name in ("no-op preview", "no-op up")
    ]
    zero = all(count == 0 for *_, count in noop)
    print(f"  no-op preview and up: 0 API requests at every N: {'met' if zero else 'NOT met'} {sorted(set(noop))}")
    if args.latency_ms > 0:
        slow = results[(args.latency_ms, biggest)][0]["no-op preview"].wall
        fast = rows["no-op preview"].wall
        print(
            f"  N={biggest} no-op preview at {args.latency_ms:g} ms within 1.3 x at 0 ms: "
            f"{slow:.2f} s / {fast:.2f} s = {slow / fast:.2f} ({'met' if slow / fast <= 1.3 else 'NOT met'})"
        )
    after, noop_up = rows["up after refresh"].wall, rows["no-op up"].wall
    within = abs(after / noop_up - 1) <= 0.10
    print(
        f"  up after a drift-free refresh = any no-op up +-10 %: {after:.2f} s vs {noop_up:.2f} s "
        f"({after / noop_up:.2f}; {'met' if within else 'NOT met'})"
    )
    peaks = [f"{results[(0.0, n)][1]:.0f}" for n in sizes]
    print(f"  provider peak memory flat in N: {', '.join(peaks)} MB for N = {', '.join(map(str, sizes))}")
    verdict = "met" if wall_ratio <= 1.05 else "NOT met"
    print(f"  provider overhead over plain httpx <= 1.05x wall: {wall_ratio:.2f}x ({verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
