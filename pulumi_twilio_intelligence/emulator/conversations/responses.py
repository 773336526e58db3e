"""Conversations v2 handlers: parse the request, call the backend, render the reply."""

from __future__ import annotations

from ..routing import Call, Reply
from .models import Accepted


def _accepted(result: Accepted) -> Reply:
    return Reply(result.status, result.body, dict(result.headers))


def list_configurations(call: Call) -> Reply:
    return Reply(200, call.emulator.conversations.list_configurations(call.account, call.query))


def create_configuration(call: Call) -> Reply:
    body = call.json()
    key = call.headers.get("idempotency-key")
    return _accepted(call.emulator.conversations.create_configuration(call.account, body, call.base_url, key))


def fetch_configuration(call: Call) -> Reply:
    return Reply(200, call.emulator.conversations.get_configuration(call.account, call.params["id"]))


def replace_configuration(call: Call) -> Reply:
    body = call.json()
    key = call.headers.get("idempotency-key")
    backend = call.emulator.conversations
    return _accepted(backend.replace_configuration(call.account, call.params["id"], body, call.base_url, key))


def patch_configuration(call: Call) -> Reply:
    body = call.json()
    key = call.headers.get("idempotency-key")
    backend = call.emulator.conversations
    return _accepted(backend.patch_configuration(call.account, call.params["id"], body, call.base_url, key))


def delete_configuration(call: Call) -> Reply:
    key = call.headers.get("idempotency-key")
    backend = call.emulator.conversations
    return _accepted(backend.delete_configuration(call.account, call.params["id"], call.base_url, key))


def fetch_operation(call: Call) -> Reply:
    doc = call.emulator.conversations.get_operation(call.account, call.params["id"])
    headers = {"Retry-After": str(call.emulator.conversations.retry_after())} if doc["status"] == "PENDING" else {}
    return Reply(200, doc, headers)
