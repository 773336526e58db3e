"""The Memory v1 error body: ``TwilioError`` ``{code, message, more_info, status}``, the same as
Conversations v2 (and Knowledge v2) document."""

from __future__ import annotations

from ..conversations.exceptions import render_error

__all__ = ["render_error"]
