"""Memory v1 ControlPlane handlers: parse the request, call the account's backend, render the reply."""

from __future__ import annotations

from typing import Any

from ..control_plane import Accepted, Operations
from ..routing import Call, Reply
from .models import MemoryBackend


def _backend(call: Call) -> MemoryBackend:
    return call.emulator.memory[call.account]


def _key(call: Call) -> str | None:
    return call.headers.get("idempotency-key")


def accepted(result: Accepted) -> Reply:
    """The 202 of an asynchronous write."""
    return Reply(202, result.body, dict(result.headers))


def list_stores(call: Call) -> Reply:
    return Reply(200, _backend(call).list_stores(call.query))


def create_store(call: Call) -> Reply:
    body = call.json()
    return accepted(_backend(call).create_store(body, call.base_url, _key(call)))


def fetch_store(call: Call) -> Reply:
    backend = _backend(call)
    doc = backend.get_store(call.params["storeId"])
    return Reply(200, doc, {"ETag": backend.store_etag(doc)})


def update_store(call: Call) -> Reply:
    body = call.json() if call.body.strip() else {}  # the document makes the PATCH body optional
    if_match = call.headers.get("if-match")
    return accepted(_backend(call).update_store(call.params["storeId"], body, if_match, call.base_url, _key(call)))


def delete_store(call: Call) -> Reply:
    return accepted(_backend(call).delete_store(call.params["storeId"], call.base_url, _key(call)))


def list_trait_groups(call: Call) -> Reply:
    return Reply(200, _backend(call).list_trait_groups(call.params["storeId"], call.query))


def create_trait_group(call: Call) -> Reply:
    body = call.json()
    return accepted(_backend(call).create_trait_group(call.params["storeId"], body, call.base_url, _key(call)))


def fetch_trait_group(call: Call) -> Reply:
    backend = _backend(call)
    store_id = call.params["storeId"]
    doc = backend.get_trait_group(store_id, call.params["traitGroupName"], call.query)
    return Reply(200, doc, {"ETag": backend.trait_group_etag(store_id, doc["traitGroup"])})


def update_trait_group(call: Call) -> Reply:
    body = call.json()
    store_id, name = call.params["storeId"], call.params["traitGroupName"]
    if_match = call.headers.get("if-match")
    return accepted(_backend(call).update_trait_group(store_id, name, body, if_match, call.base_url, _key(call)))


def delete_trait_group(call: Call) -> Reply:
    store_id, name = call.params["storeId"], call.params["traitGroupName"]
    return accepted(_backend(call).delete_trait_group(store_id, name, call.base_url, _key(call)))


def fetch_identity_resolution(call: Call) -> Reply:
    backend = _backend(call)
    store_id = call.params["storeId"]
    doc = backend.get_identity_resolution(store_id)
    return Reply(200, doc, {"ETag": backend.identity_resolution_etag(store_id, doc)})


def replace_identity_resolution(call: Call) -> Reply:
    body = call.json()
    store_id = call.params["storeId"]
    if_match = call.headers.get("if-match")
    backend = _backend(call)
    return accepted(backend.replace_identity_resolution(store_id, body, if_match, call.base_url, _key(call)))


def operation_reply(doc: dict[str, Any], operations: Operations) -> Reply:
    """An Operation with its documented headers: ``Operation-Id`` and ``Retry-After`` (seconds; 0
    once it has finished)."""
    wait = operations.retry_after() if doc["status"] in ("PENDING", "RUNNING") else 0
    return Reply(200, doc, {"Operation-Id": doc["operationId"], "Retry-After": str(wait)})


def fetch_operation(call: Call) -> Reply:
    backend = _backend(call)
    return operation_reply(backend.get_operation(call.params["operationId"]), backend.operations)
