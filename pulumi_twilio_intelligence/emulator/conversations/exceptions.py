"""The Conversations v2 error body: ``{code, message, more_info, status}``."""

from __future__ import annotations

from typing import Any

from ...errors import error_docs_url
from ..errors import EmulatorError


def render_error(error: EmulatorError) -> dict[str, Any]:
    """The JSON body Twilio's Conversations v2 API gives for ``error``."""
    return {
        "code": error.code,
        "message": error.message,
        "more_info": error_docs_url(error.code),
        "status": error.status,
    }
