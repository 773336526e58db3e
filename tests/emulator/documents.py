"""``assert_documented(response, template)``: one emulator answer checked against Twilio's documents.

A thin front of :mod:`.openapi_contract` (the one checker of this suite) for tests that send their
own requests, including to the emulator server, which the autouse recorder in ``conftest.py`` does
not see: the answer must be one the document allows for ``METHOD template``.
"""

from __future__ import annotations

from functools import cache

import httpx

from tests.conftest import require_document

from .openapi_contract import DOCUMENTS, Contract, Exchange


@cache
def contract() -> Contract:
    """Both official documents, loaded once (a failure under CI when one is missing)."""
    return Contract.load({prefix: require_document(name) for prefix, name in DOCUMENTS.items()})


def assert_documented(response: httpx.Response, template: str) -> None:
    """The answer conforms to the documents, and its path is the route ``template``."""
    exchange = Exchange.from_httpx(response)
    document = contract().document_for(exchange.path)
    assert document is not None, f"{exchange.describe()} is not an API path"
    assert document.template(exchange.path) == template, f"{exchange.describe()} is not {template}"
    contract().check([exchange])
