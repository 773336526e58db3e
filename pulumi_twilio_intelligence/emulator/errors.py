"""Errors the emulator's backends raise; each API renders them in its own error body."""

from __future__ import annotations


class EmulatorError(Exception):
    """A Twilio error answer.

    Attributes:
        status: HTTP status (400, 401, 404, 405, 409, 412, 429, 500, 503...).
        code: the Twilio error code put in the body.
        message: a sentence naming the field and the rule it broke.
        field: the wire path of the offending field, when there is one (e.g. ``rules[0].operators``).
        headers: extra response headers (``X-Conflicting-Resource-Id``, ``Retry-After``).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: int | None = None,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code if code is not None else DEFAULT_CODES.get(status, 20000 + status)
        self.field = field
        self.headers = headers or {}


#: Twilio error codes used for each status when a backend names none.
DEFAULT_CODES = {
    400: 20001,
    401: 20003,
    403: 20403,
    404: 20404,
    405: 20004,
    409: 20409,
    412: 20412,
    415: 20422,
    429: 20429,
    500: 20500,
    503: 20503,
}


def bad_request(field: str, reason: str) -> EmulatorError:
    """400 naming ``field``: ``"Invalid parameter 'field': reason"``."""
    return EmulatorError(400, f"Invalid parameter '{field}': {reason}", field=field)


def not_found(what: str, id_: str) -> EmulatorError:
    """404: ``"<what> <id> was not found"``."""
    return EmulatorError(404, f"{what} {id_} was not found")


def conflict(message: str, conflicting_id: str | None = None) -> EmulatorError:
    """409, with ``X-Conflicting-Resource-Id`` when the conflicting object is known."""
    headers = {"X-Conflicting-Resource-Id": conflicting_id} if conflicting_id else {}
    return EmulatorError(409, message, headers=headers)
