"""Requests per second of the emulator: fetch and create, over loopback HTTP and in-process.

    python bench/emulator_throughput.py [--requests 2000] [--threads 4]

* ``server``: the emulator as a child process (``EmulatorProcess``, uvicorn, in-memory state), driven
  over loopback by ``--threads`` threads, each with its own keep-alive ``httpx.Client``;
* ``in-process``: ``mock_twilio()``, the ASGI app behind an ``httpx`` transport, same threads.

``fetch`` is ``GET /v3/ControlPlane/Operators/{id}``; ``create`` is ``POST /v3/ControlPlane/Operators``
(every create is a new operator and a new version row). Each figure is requests divided by the wall
time of the whole batch, after a short warm-up; every answer must be 200/201 or the script fails.
The machine's other load shows in the figures: compare runs on the same machine only.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess
from pulumi_twilio_intelligence.testing import mock_twilio

OPERATORS = "/v3/ControlPlane/Operators"
OPERATOR = {
    "displayName": "Benchmark",
    "prompt": "Rate the agent 0-{{parameters.scale}}.",
    "outputFormat": "JSON",
    "outputSchema": {"type": "object", "properties": {"score": {"type": "integer"}}},
    "parameters": {"scale": {"type": "INTEGER", "default": 5}},
}
WARM_UP = 20

#: Makes one client per thread: ``factory() -> httpx.Client`` (base URL and credentials set).
ClientFactory = Callable[[], httpx.Client]


@contextmanager
def server_clients() -> Iterator[ClientFactory]:
    """Clients of the emulator server on loopback (no artificial Operation delay)."""
    with EmulatorProcess(["--operation-delay", "0"]) as server:
        yield lambda: httpx.Client(base_url=server.url, auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN), timeout=60)


@contextmanager
def in_process_clients() -> Iterator[ClientFactory]:
    """Clients of the in-process emulator (they share its transport; closing one leaves it running)."""
    with mock_twilio() as emulator:
        auth = emulator.settings().credentials()
        yield lambda: httpx.Client(
            base_url="https://intelligence.twilio.com", transport=emulator.transport, auth=auth, timeout=60
        )


def measure(clients: ClientFactory, method: str, url: str, body: Any, requests: int, threads: int) -> float:
    """Requests per second for ``requests`` calls spread over ``threads`` threads (one client each)."""

    def work(client: httpx.Client, count: int) -> None:
        for _ in range(count):
            response = client.request(method, url, json=body)
            if response.status_code not in (200, 201):
                raise RuntimeError(f"{method} {url} answered {response.status_code}: {response.text[:200]}")

    with ExitStack() as open_clients:
        pool = [open_clients.enter_context(clients()) for _ in range(threads)]
        work(pool[0], WARM_UP)
        shares = [requests // threads + (1 if i < requests % threads else 0) for i in range(threads)]
        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as executor:
            for future in [executor.submit(work, client, share) for client, share in zip(pool, shares, strict=True)]:
                future.result()
        return requests / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per figure (default 2000)")
    parser.add_argument("--threads", type=int, default=4, help="client threads (default 4)")
    args = parser.parse_args(argv)
    print(f"{'mode':<11} {'operation':<7} {'requests':>8} {'threads':>7} {'req/s':>8}")
    for mode, clients in (("server", server_clients), ("in-process", in_process_clients)):
        with clients() as factory:
            with factory() as http:
                created = http.post(OPERATORS, json=OPERATOR).raise_for_status()
            fetch_url = f"{OPERATORS}/{created.json()['id']}"
            for operation, method, url, body in (
                ("fetch", "GET", fetch_url, None),
                ("create", "POST", OPERATORS, OPERATOR),
            ):
                rate = measure(factory, method, url, body, args.requests, args.threads)
                print(f"{mode:<11} {operation:<7} {args.requests:>8} {args.threads:>7} {rate:>8.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
