"""Token pagination over the store, as both APIs document it.

Query ``pageSize`` (1-1000, default 50) and ``pageToken``; answer ``{<key>: [...], meta: {key,
pageSize, nextToken?}}`` where ``meta.pageSize`` is the number of items actually returned. Tokens are
opaque URL-safe base64 strings.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .errors import bad_request
from .state import R, Table

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
#: Longer page tokens are refused before decoding (the emulator's own are about 20 characters).
MAX_TOKEN_LENGTH = 256
#: A token's position must fit a SQLite integer.
MAX_POSITION = 2**63 - 1


def page_size_param(query: Mapping[str, str]) -> int:
    """``pageSize`` from the query string, validated (400 naming ``pageSize``)."""
    raw = query.get("pageSize")
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        raise bad_request("pageSize", "must be an integer")
    size = int(raw)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise bad_request("pageSize", f"must be between 1 and {MAX_PAGE_SIZE}")
    return size


def _decode(token: str) -> int:
    """The position a token this API issued stands for; 400 for anything else (crafted, oversized,
    not base64, not ``{"after": <integer from 0 to 2**63-1>}``)."""
    refused = bad_request("pageToken", "is not a token this API issued")
    if len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise refused
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)), parse_constant=_refuse)
    except (ValueError, binascii.Error, RecursionError):
        raise refused from None
    after = data.get("after") if isinstance(data, dict) else None
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after <= MAX_POSITION:
        raise refused
    return after


def _refuse(name: str) -> Any:
    raise ValueError(name)


def _encode(after: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def paginate(
    table: Table[R],
    query: Mapping[str, str],
    *,
    key: str,
    render: Callable[[R], dict[str, Any]],
    keep: Callable[[R], bool] = lambda _record: True,
) -> dict[str, Any]:
    """One page of the records of ``table`` that ``keep`` accepts, rendered, in the list envelope."""
    size = page_size_param(query)
    token = query.get("pageToken")
    if token == "":  # OpenAPI: a query parameter without allowEmptyValue must not be empty
        raise bad_request("pageToken", "must not be empty")
    after = _decode(token) if token is not None else 0
    items: list[dict[str, Any]] = []
    last = after
    more = False
    for seq, doc in _iter_after(table, after):
        if not keep(doc):
            continue
        if len(items) == size:
            more = True
            break
        items.append(render(doc))
        last = seq
    meta: dict[str, Any] = {"key": key, "pageSize": len(items)}
    if more:
        meta["nextToken"] = _encode(last)
    return {key: items, "meta": meta}


def _iter_after(table: Table[R], after: int) -> Iterator[tuple[int, R]]:
    while True:
        batch = table.page(after=after, limit=100)
        if not batch:
            return
        yield from batch
        after = batch[-1][0]
