"""When and how long to retry a request (tenacity).

A request is retried on 429 and on connection errors (Twilio cannot have acted), and on 5xx or a
lost response only when it is safe to send twice: GET and DELETE, or any request that carries an
``Idempotency-Key``. The wait honours ``Retry-After`` (seconds or an HTTP date, capped) and otherwise
backs off exponentially with jitter.
"""

from __future__ import annotations

import email.utils
import time

import httpx
from tenacity import RetryCallState, wait_random_exponential

from ..errors import TwilioApiError

#: Never wait longer than this for one retry, whatever Retry-After says (seconds).
MAX_RETRY_AFTER = 60.0
_backoff = wait_random_exponential(multiplier=0.5, max=20)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


class RetryableStatus(Exception):
    """A response that may be retried; carries the error it becomes when retries run out."""

    def __init__(self, error: TwilioApiError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date); ``None`` if absent."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def status_is_retryable(status: int, *, replay_safe: bool) -> bool:
    """429 always; 500, 502, 503 and 504 when the request is safe to send again."""
    return status == 429 or (replay_safe and status in (500, 502, 503, 504))


def exception_is_retryable(exc: BaseException, *, replay_safe: bool) -> bool:
    """Connection failures always (nothing reached Twilio); other transport errors when safe."""
    if isinstance(exc, RetryableStatus):
        return True
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return True
    return replay_safe and isinstance(exc, httpx.TransportError)


def wait_time(state: RetryCallState) -> float:
    """Retry-After when the server gave one (capped at 60 s), else exponential backoff with jitter."""
    outcome = state.outcome
    exc = outcome.exception() if outcome is not None else None
    if isinstance(exc, RetryableStatus) and exc.retry_after is not None:
        return min(exc.retry_after, MAX_RETRY_AFTER)
    return float(_backoff(state))
