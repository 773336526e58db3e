"""Turning Twilio error responses into :class:`~pulumi_twilio_intelligence.errors.TwilioApiError`.

The two APIs answer errors in different shapes, and both are understood:

* Intelligence v3: ``{code, message, httpStatusCode, userError, params}``;
* Conversations v2: ``{code, message, more_info, status}``;
* a FAILED Operation: an RFC 9457 problem ``{type, title, status, detail, instance}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..errors import TwilioApiError, error_docs_url

#: At most this many characters of a body that is not a Twilio error body go into a message.
MAX_BODY_TEXT = 200


#: What to do about an error, per HTTP status (callers with more context replace it with ``with_hint``).
HINTS = {
    400: "Twilio refused the request: correct the input it names (pulumi preview checks most inputs)",
    401: "Twilio rejected the credentials: check twilio:apiKey and twilio:apiSecret (or twilio:accountSid and "
    "twilio:authToken) in the stack config, or the TWILIO_* environment variables",
    403: "the credentials may not do this (Twilio-authored operators, for example, are read-only)",
    429: "Twilio is still rate-limiting after the retries: try again later, or raise twilio:maxRetries "
    "(TWILIO_MAX_RETRIES)",
    500: "Twilio had an internal error: try again later",
    502: "Twilio could not be reached through its gateway: try again later",
    503: "Twilio is unavailable for the moment: try again later",
    504: "Twilio timed out: try again later, or raise twilio:httpTimeout (TWILIO_HTTP_TIMEOUT)",
}

#: Secrets shorter than this are not scrubbed (they would mangle every message; real ones are longer).
MIN_SCRUB_LENGTH = 6


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (of at least 6 characters) replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= MIN_SCRUB_LENGTH:
            text = text.replace(secret, "***")
    return text


def scrub_json(value: Any, secrets: tuple[str, ...]) -> Any:
    """A decoded JSON value with every secret in its strings replaced by ``***`` (see :func:`scrub`)."""
    if isinstance(value, str):
        return scrub(value, secrets)
    if isinstance(value, dict):
        return {k: scrub_json(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(v, secrets) for v in value]
    return value


def api_error(response: httpx.Response, secrets: Iterable[str] = ()) -> TwilioApiError:
    """The :class:`TwilioApiError` that ``response`` (a 4xx or 5xx) describes."""
    secrets = tuple(secrets)
    body: Any
    try:
        body = response.json()
    except ValueError:
        body = None
    details = scrub_json(body, secrets) if isinstance(body, dict) else {}
    code = details.get("code")
    message = details.get("message") or details.get("detail") or details.get("title")
    if not message:
        message = response.reason_phrase or "error"
        text = scrub(response.text.strip(), secrets)  # scrub, then cut: a secret never leaks in part
        if text and not details:
            message = f"{message}: {text[:MAX_BODY_TEXT]}"
    more_info = details.get("more_info") or details.get("moreInfo")
    params = details.get("params")
    if not more_info and isinstance(params, dict):
        more_info = params.get("twilioErrorCodeUrl")
    if not more_info and isinstance(code, int):
        more_info = error_docs_url(code)
    request = response.request
    return TwilioApiError(
        response.status_code,
        scrub(str(message), secrets),
        code=code if isinstance(code, int) else None,
        more_info=more_info,
        method=request.method,
        path=urlsplit(str(request.url)).path,
        details=details,
        hint=HINTS.get(response.status_code),
    )
