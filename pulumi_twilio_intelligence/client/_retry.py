"""When and how long to retry a request (tenacity).

A request is retried on 429 and on connection errors (Twilio cannot have acted), and on 5xx or a
lost response only when it is safe to send twice: GET and DELETE, or any request that carries an
``Idempotency-Key``. The wait honours ``Retry-After`` (seconds, or an HTTP date read against the
answer's own ``Date``), capped at 60 s, and otherwise backs off exponentially: 0.5 s, 1 s, 2 s, ...
up to 20 s, each plus up to 0.5 s of random jitter.
"""

from __future__ import annotations

import time

import httpx
from tenacity import RetryCallState, wait_exponential, wait_random

from ..errors import TwilioApiError
from ._time import http_date

#: Never wait longer than this for one retry, whatever Retry-After says (seconds).
MAX_RETRY_AFTER = 60.0
#: The first backoff (seconds), its ceiling, and the random jitter added to each.
BACKOFF_INITIAL = 0.5
BACKOFF_MAX = 20.0
BACKOFF_JITTER = 0.5
_backoff = wait_exponential(multiplier=BACKOFF_INITIAL, max=BACKOFF_MAX) + wait_random(0, BACKOFF_JITTER)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
#: Transport failures that happen before the request can reach Twilio.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class RetryableStatus(Exception):
    """A response that may be retried; carries the error it becomes when retries run out."""

    def __init__(self, error: TwilioApiError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header; ``None`` if absent or malformed.

    Args:
        value: delta-seconds (``"5"``) or an HTTP date.
        now: the time a date is counted from, in seconds since the epoch: the ``Date`` of the same
            answer when there is one (so that clock skew does not matter), else the local clock.
    """
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    when = http_date(value)
    if when is None:
        return None
    return max(0.0, when - (time.time() if now is None else now))


def status_is_retryable(status: int, *, replay_safe: bool) -> bool:
    """429 always; 500, 502, 503 and 504 when the request is safe to send again."""
    return status == 429 or (replay_safe and status in (500, 502, 503, 504))


def exception_is_retryable(exc: BaseException, *, replay_safe: bool) -> bool:
    """Connection failures always (nothing reached Twilio); other transport errors when safe."""
    if isinstance(exc, RetryableStatus):
        return True
    if isinstance(exc, NOT_SENT):
        return True
    return replay_safe and isinstance(exc, httpx.TransportError)


def wait_time(state: RetryCallState) -> float:
    """Retry-After when the server gave one (capped at 60 s), else the exponential backoff."""
    outcome = state.outcome
    exc = outcome.exception() if outcome is not None else None
    if isinstance(exc, RetryableStatus) and exc.retry_after is not None:
        return min(exc.retry_after, MAX_RETRY_AFTER)
    return float(_backoff(state))
