"""Token pagination: ``pageSize``/``pageToken`` in, ``{<key>: [...], meta: {nextToken}}`` out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from ..errors import UnexpectedResponseError
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

    The list key is read from ``meta.key`` (``items`` in v3, ``configurations`` in v2, ``stores``,
    ``traitGroups``, ``knowledgeBases``, ``knowledge``), else it is the page's one list.

    Raises:
        TwilioApiError, TwilioConnectionError: as :meth:`TwilioClient.request`.
        UnexpectedResponseError: a page that is not ``{<key>: [...], meta}``.
    """
    query: dict[str, Any] = {**(params or {}), "pageSize": page_size}
    while True:
        page = client.get_json(url, params=query)
        meta = page.get("meta") if isinstance(page, dict) else None
        meta = meta if isinstance(meta, dict) else {}
        key = meta.get("key") or _list_key(page)
        items = page.get(key) if isinstance(page, dict) else None
        if not isinstance(items, list):
            raise UnexpectedResponseError(f"GET {httpx.URL(url).path} answered a page without a list of {key}")
        yield from items
        token = meta.get("nextToken")
        if not token:
            return
        query["pageToken"] = token


def _list_key(page: Any) -> str:
    """The key of the list in a page whose ``meta.key`` is missing or null (Knowledge v2's example)."""
    if isinstance(page, dict):
        for key, value in page.items():
            if key != "meta" and isinstance(value, list):
                return str(key)
    return "items"
