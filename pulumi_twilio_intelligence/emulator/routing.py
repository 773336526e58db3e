"""What a route handler receives and returns, independent of the web framework."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import EmulatorError

if TYPE_CHECKING:
    from .core import Emulator


@dataclass
class Call:
    """One authenticated API request.

    Attributes:
        emulator: the emulator serving it.
        account: the Account SID the credentials act for.
        params: path parameters (``{"id": ...}``).
        query: query string parameters.
        headers: request headers (case-insensitive mapping).
        body: the raw request body.
        base_url: scheme and host the client used (``https://conversations.twilio.com``), no slash.
    """

    emulator: Emulator
    account: str
    params: Mapping[str, str]
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes
    base_url: str

    def json(self) -> Any:
        """The body as strict JSON (:func:`strict_json`); 400 when it is missing or malformed, 415
        when it is not JSON at all (or says it is something else).

        A body that does not even start like a JSON value (form-encoded ``a=b&c=d``, XML, bytes) is
        415 with code 20422, as live Twilio answers form-encoded bodies (C7, I5); so is a body sent
        with another ``Content-Type`` than JSON. Requests without a body are never refused for their
        ``Content-Type`` (the official SDK sends a form ``Content-Type`` on body-less requests).
        """
        if not self.body.strip():
            raise EmulatorError(400, "Invalid request body: a JSON object is required", field="body")
        content_type = self.headers.get("content-type", "").lower()
        if content_type and "json" not in content_type:
            raise _unsupported_payload()
        try:
            return strict_json(self.body)
        except ValueError as exc:
            if self.body.lstrip()[:1] not in JSON_STARTS:
                raise _unsupported_payload() from None
            raise EmulatorError(400, f"Invalid request body: {exc}", field="body") from None


def strict_json(body: bytes) -> Any:
    """``body`` parsed as strict JSON (RFC 8259) that can be stored and rendered back.

    Raises:
        ValueError: not UTF-8, malformed, ``NaN``/``Infinity`` or a number too large for a float
            (which Python's parser would accept as infinity), nesting too deep to parse, or a string
            (or key) that is not valid Unicode: a lone surrogate such as ``"\\ud800"`` is valid JSON
            syntax, but no UTF-8 text can hold it, so it could be neither stored nor answered.
    """
    try:
        value = json.loads(body, parse_constant=_refuse_constant, parse_float=_finite)
    except RecursionError:
        raise ValueError("malformed JSON (nested too deeply)") from None
    except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ValueError(f"malformed JSON ({exc})") from None
    _valid_unicode(value)
    return value


#: The bytes a JSON text can start with (after whitespace): a body starting otherwise is not JSON.
JSON_STARTS = frozenset(bytes([c]) for c in b'{["-0123456789tfnNI')
#: Twilio's error code of a payload that is not JSON (with HTTP 415).
UNSUPPORTED_PAYLOAD = 20422


def _unsupported_payload() -> EmulatorError:
    return EmulatorError(
        415,
        "Unsupported Media Type: this API does not support this payload format; send JSON "
        "(Content-Type: application/json)",
        code=UNSUPPORTED_PAYLOAD,
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def _valid_unicode(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _encodable(item)
        elif isinstance(item, dict):
            for key, inner in item.items():
                _encodable(key)
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)


def _encodable(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"the string {text[:40]!r} is not valid Unicode (a lone surrogate)") from None


@dataclass
class Reply:
    """A handler's answer: status, JSON body (``None`` for no body) and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    """``method`` + ``template`` (Starlette path syntax) served by ``handler``.

    ``claims``: for a path two APIs share (``/v2/ControlPlane/Operations/{id}``: Conversations v2 and
    Knowledge v2), which requests this route serves, by their path parameters; the route without
    ``claims`` serves the rest.
    """

    method: str
    template: str
    handler: Handler
    claims: Callable[[Mapping[str, str]], bool] | None = None


@dataclass(frozen=True)
class Service:
    """One emulated API: its routes, its error body, the error statuses it documents for faults and
    the headers it documents on a 429 besides ``Retry-After``."""

    name: str
    prefix: str
    routes: tuple[Route, ...]
    render_error: Callable[[EmulatorError], dict[str, Any]]
    fault_statuses: tuple[int, ...]
    throttle_headers: Mapping[str, str] = field(default_factory=dict)
