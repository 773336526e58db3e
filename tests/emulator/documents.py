"""``assert_documented(response, template)``: one emulator answer checked against Twilio's documents.

A thin front of :mod:`.openapi_contract` (the one checker of this suite) for tests that send their
own requests, including to the emulator server, which the autouse recorder in ``conftest.py`` does
not see: the answer must be one the document allows for ``METHOD template``.
"""

from __future__ import annotations

from functools import cache

import httpx

from tests.conftest import documents_available, require_document

from .openapi_contract import DOCUMENTS, Contract, Exchange


@cache
def contract() -> Contract:
    """The official documents, loaded once (a failure under CI when one is missing, a skip elsewhere)."""
    return Contract.load({prefix: require_document(name) for prefix, name in DOCUMENTS.items()})


def contract_if_available() -> Contract | None:
    """The documents, or ``None`` outside CI when they are missing: behaviour tests still run then,
    without the conformance check (under CI a missing document fails the run)."""
    return contract() if documents_available(*DOCUMENTS.values()) else None


def assert_documented(response: httpx.Response, template: str) -> None:
    """The answer conforms to the documents, and its path is the route ``template``."""
    checker = contract_if_available()
    if checker is None:
        return
    exchange = Exchange.from_httpx(response)
    document = checker.document_for(exchange.path)
    assert document is not None, f"{exchange.describe()} is not an API path"
    assert document.template(exchange.path) == template, f"{exchange.describe()} is not {template}"
    checker.check([exchange])
