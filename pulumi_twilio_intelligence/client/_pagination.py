"""Token pagination: ``pageSize``/``pageToken`` in, ``{<key>: [...], meta: {nextToken}}`` out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ._http import TwilioClient

DEFAULT_PAGE_SIZE = 50


def iter_items(
    client: TwilioClient,
    url: str,
    *,
    params: Mapping[str, Any] | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> Iterator[dict[str, Any]]:
    """Every item of a list endpoint, page after page, until ``meta.nextToken`` is absent.

    The list key is read from ``meta.key`` (``items`` in v3, ``configurations`` in v2).
    """
    query: dict[str, Any] = {**(params or {}), "pageSize": page_size}
    while True:
        page = client.get_json(url, params=query)
        meta = page.get("meta") or {}
        key = meta.get("key") or ("items" if "items" in page else "configurations")
        yield from page.get(key) or []
        token = meta.get("nextToken")
        if not token:
            return
        query["pageToken"] = token
