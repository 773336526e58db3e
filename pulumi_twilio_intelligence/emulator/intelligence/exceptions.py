"""The Intelligence v3 error body: ``{code, message, httpStatusCode, userError, params}``."""

from __future__ import annotations

from typing import Any

from ...errors import error_docs_url
from ..errors import EmulatorError


def render_error(error: EmulatorError) -> dict[str, Any]:
    """The JSON body Twilio's Intelligence v3 API gives for ``error``."""
    params = {"twilioErrorCodeUrl": error_docs_url(error.code)}
    if error.field:
        params["field"] = error.field
    return {
        "code": error.code,
        "message": error.message,
        "httpStatusCode": error.status,
        "userError": error.status < 500,
        "params": params,
    }
