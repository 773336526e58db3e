"""The 2010 API's error body: ``{code, message, more_info, status}``, the same as the v2 APIs'."""

from __future__ import annotations

from ..conversations.exceptions import render_error

__all__ = ["render_error"]
