"""The emulator as a local HTTP server: ``twilio-intelligence-emulator`` (uvicorn).

The first line printed is ``Twilio emulator listening on http://HOST:PORT``; point
``TWILIO_INTELLIGENCE_BASE_URL``, ``TWILIO_CONVERSATIONS_BASE_URL``, ``TWILIO_MEMORY_BASE_URL`` and
``TWILIO_KNOWLEDGE_BASE_URL`` at that URL.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from collections.abc import Sequence

import uvicorn

from .accounts import ACCOUNT_SID_PATTERN, DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN
from .app import build_app
from .core import Emulator
from .faults import Faults


def _account_sid(sid: str) -> str:
    if not ACCOUNT_SID_PATTERN.match(sid):
        raise argparse.ArgumentTypeError(f"{sid!r} is not an Account SID (AC followed by 32 hex digits)")
    return sid


def _pair(text: str) -> tuple[str, str]:
    sid, sep, token = text.partition(":")
    if not sep or not sid or not token:
        raise argparse.ArgumentTypeError("expected SID:TOKEN")
    return _account_sid(sid), token


def _triple(text: str) -> tuple[str, str, str]:
    parts = text.split(":")
    if len(parts) != 3 or not all(parts):
        raise argparse.ArgumentTypeError("expected KEY:SECRET:ACCOUNT_SID")
    return parts[0], parts[1], _account_sid(parts[2])


#: The environment variable that may hold credentials (same format as ``--accounts-file``).
ACCOUNTS_ENV = "TWILIO_EMULATOR_ACCOUNTS"


def parse_credentials(text: str, source: str) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Credentials from ``text``: entries ``SID:TOKEN`` (an account) or ``KEY:SECRET:SID`` (an API key),
    separated by newlines, commas or spaces; ``#`` starts a comment to the end of the line.

    Returns ``({account_sid: auth_token}, {api_key: (secret, account_sid)})``.

    Raises:
        ValueError: an entry of another shape, or an Account SID that is not ``AC`` + 32 hex digits; the
            message names ``source`` and the entry's position, never the secret.
    """
    accounts: dict[str, str] = {}
    api_keys: dict[str, tuple[str, str]] = {}
    entries = [e for line in text.splitlines() for e in line.split("#", 1)[0].replace(",", " ").split()]
    for number, entry in enumerate(entries, 1):
        try:
            if entry.count(":") == 1:
                sid, token = _pair(entry)
                accounts[sid] = token
            else:
                key, secret, sid = _triple(entry)
                api_keys[key] = (secret, sid)
        except argparse.ArgumentTypeError as exc:
            reason = str(exc).split(" (")[0] if "Account SID" in str(exc) else str(exc)
            raise ValueError(f"{source}: entry {number} is not SID:TOKEN nor KEY:SECRET:SID ({reason})") from None
    return accounts, api_keys


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("expected a fraction between 0 and 1")
    return value


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must not be negative")
    return value


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` (port 0: a free one) and already listening.

    It listens before the URL is printed, so clients may connect at once (uvicorn accepts later).
    Its protocol is ``IPPROTO_TCP``, not 0: asyncio sets ``TCP_NODELAY`` only on such sockets, and
    without it every keep-alive response waits ~40 ms for a delayed ACK (Nagle's algorithm).
    """
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(
        prog="twilio-intelligence-emulator",
        description="A local emulator of Twilio's Intelligence v3, Conversations v2, Memory v1 and Knowledge v2 "
        "ControlPlane APIs (and Knowledge v2's knowledge sources).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port to listen on; 0 picks a free port (default)")
    p.add_argument("--state", metavar="PATH", help="SQLite file for durable state (default: in memory)")
    p.add_argument(
        "--account",
        metavar="SID:TOKEN",
        type=_pair,
        action="append",
        default=[],
        help=f"an Account SID and auth token to accept (repeatable; default {DEMO_ACCOUNT_SID}:{DEMO_AUTH_TOKEN})",
    )
    p.add_argument(
        "--accounts-file",
        metavar="PATH",
        help="a file of credentials, one SID:TOKEN or KEY:SECRET:SID per line (# comments): keeps tokens "
        f"out of process listings; the environment variable {ACCOUNTS_ENV} may hold the same",
    )
    p.add_argument(
        "--api-key",
        metavar="KEY:SECRET:SID",
        type=_triple,
        action="append",
        default=[],
        help="an API key and secret bound to an Account SID (repeatable)",
    )
    p.add_argument(
        "--operation-delay",
        metavar="SECONDS",
        type=_non_negative,
        default=1.0,
        help="how long an Operation stays PENDING (default 1)",
    )
    p.add_argument(
        "--latency-ms", metavar="MS", type=_non_negative, default=0.0, help="milliseconds added to every API response"
    )
    p.add_argument(
        "--error-rate",
        metavar="FRACTION",
        type=_fraction,
        default=0.0,
        help="share of API requests answered 429 (with Retry-After), 500 or 503",
    )
    p.add_argument(
        "--fail-operations", metavar="FRACTION", type=_fraction, default=0.0, help="share of Operations that end FAILED"
    )
    p.add_argument(
        "--stuck-operations",
        metavar="FRACTION",
        type=_fraction,
        default=0.0,
        help="share of Operations that never complete",
    )
    p.add_argument(
        "--cancel-operations",
        metavar="FRACTION",
        type=_fraction,
        default=0.0,
        help="share of Operations that end CANCELLED (their change is not applied)",
    )
    p.add_argument(
        "--omit-configuration-ids",
        metavar="FRACTION",
        type=_fraction,
        default=0.0,
        help="share of Conversation Configuration creates whose 202 and Operation name no id (as live Twilio may)",
    )
    p.add_argument(
        "--live-operation-statuses",
        action="store_true",
        help="Operations are RUNNING for the second half of their delay, before their terminal status",
    )
    p.add_argument(
        "--documented-patch",
        action="store_true",
        help="serve the documented PATCH of Conversation Configurations (live Twilio answers 405)",
    )
    p.add_argument(
        "--documented-limits",
        action="store_true",
        help="no live limit of 10 Conversation Configurations per account (the documents state none)",
    )
    p.add_argument(
        "--strict-references",
        action="store_true",
        help="refuse (400 naming memoryStoreId) a Conversation Configuration whose Memory Store does not exist "
        "(live Twilio accepts it)",
    )
    p.add_argument("--seed", type=int, help="seed for ids and fault injection (reproducible runs)")
    p.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server until SIGINT or SIGTERM."""
    args = parser().parse_args(argv)
    faults = Faults(
        operation_delay=args.operation_delay,
        latency_ms=args.latency_ms,
        error_rate=args.error_rate,
        fail_operations=args.fail_operations,
        stuck_operations=args.stuck_operations,
        cancel_operations=args.cancel_operations,
        omit_configuration_ids=args.omit_configuration_ids,
        live_operation_statuses=args.live_operation_statuses,
        documented_patch=args.documented_patch,
        documented_limits=args.documented_limits,
        seed=args.seed,
    )
    accounts = dict(args.account)
    api_keys = {key: (secret, sid) for key, secret, sid in args.api_key}
    try:
        sources = [(os.environ[ACCOUNTS_ENV], ACCOUNTS_ENV)] if os.environ.get(ACCOUNTS_ENV) else []
        if args.accounts_file:
            with open(args.accounts_file, encoding="utf-8") as file:
                sources.append((file.read(), args.accounts_file))
        for text, source in sources:
            more_accounts, more_keys = parse_credentials(text, source)
            accounts.update(more_accounts)
            api_keys.update(more_keys)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"twilio-intelligence-emulator: --accounts-file / {ACCOUNTS_ENV}: {exc}", file=sys.stderr)
        return 2
    try:
        emulator = Emulator(
            state_path=args.state,
            accounts=accounts,
            api_keys=api_keys,
            faults=faults,
            seed=args.seed,
            strict_references=args.strict_references,
        )
    except ValueError as exc:
        print(f"twilio-intelligence-emulator: {exc}", file=sys.stderr)
        return 2
    config = uvicorn.Config(build_app(emulator), log_level=args.log_level, access_log=False, lifespan="off")
    server = uvicorn.Server(config)

    def stop(*_: object) -> None:
        server.should_exit = True

    # Set before the URL is printed, so that a signal from then on is a clean stop (status 0); uvicorn
    # handles both while it serves and afterwards re-raises the one it got, which lands here again.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    sock = listening_socket(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"Twilio emulator listening on http://{shown}:{port}", flush=True)
    served = sorted({c.account for c in emulator.accounts.all()})
    print(
        f"accounts: {', '.join(served)}; state: {args.state or 'in memory'}; "
        f"operation delay: {faults.operation_delay:g} s",
        flush=True,
    )
    try:
        server.run(sockets=[sock])
    finally:
        emulator.store.close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
