"""Times on the wire: HTTP dates (``Date``, ``Retry-After``) and Twilio's ISO-8601 timestamps."""

from __future__ import annotations

import email.utils
from datetime import datetime, timezone

import httpx


def http_date(value: str | None) -> float | None:
    """Seconds since the epoch of an HTTP date (``Sun, 22 Nov 2026 08:00:00 GMT``); ``None`` if absent
    or malformed."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def iso_time(value: str | None) -> float | None:
    """Seconds since the epoch of an ISO-8601 timestamp (``2026-01-12T08:18:17Z``); ``None`` if absent
    or malformed."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def iso(epoch: float) -> str:
    """An epoch time as Twilio writes it: ``2026-01-12T08:18:17Z``."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def server_date(response: httpx.Response) -> float | None:
    """The server's clock when it answered (its ``Date`` header), in seconds since the epoch."""
    return http_date(response.headers.get("Date"))
