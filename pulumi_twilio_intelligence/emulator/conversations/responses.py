"""Conversations v2 handlers: parse the request, call the account's backend, render the reply."""

from __future__ import annotations

from ..errors import EmulatorError
from ..routing import Call, Reply
from .models import ConversationsBackend
from .records import Accepted


def _backend(call: Call) -> ConversationsBackend:
    return call.emulator.conversations[call.account]


def _accepted(result: Accepted) -> Reply:
    return Reply(result.status, result.body, dict(result.headers))


def list_configurations(call: Call) -> Reply:
    return Reply(200, _backend(call).list_configurations(call.query))


def create_configuration(call: Call) -> Reply:
    body = call.json()
    key = call.headers.get("idempotency-key")
    return _accepted(_backend(call).create_configuration(body, call.base_url, key))


def fetch_configuration(call: Call) -> Reply:
    return Reply(200, _backend(call).get_configuration(call.params["id"]))


def replace_configuration(call: Call) -> Reply:
    body = call.json()
    key = call.headers.get("idempotency-key")
    return _accepted(_backend(call).replace_configuration(call.params["id"], body, call.base_url, key))


def patch_configuration(call: Call) -> Reply:
    if not call.emulator.faults.documented_patch:
        raise EmulatorError(
            405,
            "PATCH is not supported on Configurations: send the whole configuration with PUT",
            headers={"Allow": "GET, PUT, DELETE"},
        )
    body = call.json()
    key = call.headers.get("idempotency-key")
    return _accepted(_backend(call).patch_configuration(call.params["id"], body, call.base_url, key))


def delete_configuration(call: Call) -> Reply:
    key = call.headers.get("idempotency-key")
    return _accepted(_backend(call).delete_configuration(call.params["id"], call.base_url, key))


def fetch_operation(call: Call) -> Reply:
    backend = _backend(call)
    doc = backend.get_operation(call.params["id"])
    headers = {"Retry-After": str(backend.retry_after())} if doc["status"] in ("PENDING", "RUNNING") else {}
    return Reply(200, doc, headers)
