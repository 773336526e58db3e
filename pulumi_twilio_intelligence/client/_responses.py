"""Reading Twilio's successful answers: JSON, then the documented shape (leniently).

Answers are read with :func:`~pulumi_twilio_intelligence.models.lenient` models: the documented
fields and types, without the limits Twilio puts on requests, so that a limit relaxed later does not
break reading what Twilio stores. An answer that is not JSON, or misses a required field, or has a
value of the wrong type, raises :class:`~pulumi_twilio_intelligence.errors.UnexpectedResponseError`
naming the request, never a bare ``ValueError`` or pydantic error.
"""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError

from ..errors import UnexpectedResponseError
from ..models import WireModel, error_messages, lenient

M = TypeVar("M", bound=WireModel)


def request_line(response: httpx.Response) -> tuple[str, str]:
    """``(method, path)`` of the request ``response`` answers (the path has no query string)."""
    return response.request.method, urlsplit(str(response.request.url)).path


def response_json(response: httpx.Response) -> Any:
    """The decoded JSON body of a successful answer.

    Raises:
        UnexpectedResponseError: the body is not JSON (the message names the request).
    """
    try:
        return response.json()
    except ValueError:
        method, path = request_line(response)
        raise UnexpectedResponseError(
            f"{method} {path} answered HTTP {response.status_code} with a body that is not JSON"
        ) from None


def parse_response(model: type[M], data: Any, *, method: str, path: str) -> M:
    """``data`` (a decoded answer to ``method path``) read with the lenient form of ``model``.

    Raises:
        UnexpectedResponseError: ``data`` does not have the documented shape; the message names the
            request and the first field at fault.
    """
    reader = lenient(model)
    try:
        return reader.from_wire(data)
    except ValidationError as exc:
        pairs = error_messages(reader, exc, python=False)[:3]
        problems = "; ".join(f"{where or 'body'}: {why}" for where, why in pairs)
        raise UnexpectedResponseError(
            f"{method} {path}: Twilio's answer does not have the documented shape of {model.__name__} ({problems})"
        ) from None
