"""Constrained scalar types shared by the wire models."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


def _absolute_uri(value: str) -> str:
    """OpenAPI ``format: uri``: an absolute URI (RFC 3986): a scheme, then no white space."""
    if not _SCHEME.match(value) or any(c.isspace() for c in value):
        raise ValueError("must be an absolute URI, such as https://example.com/hook")
    return value


#: A string in OpenAPI ``format: uri`` (kept exactly as given; never normalised).
Uri = Annotated[str, AfterValidator(_absolute_uri)]
