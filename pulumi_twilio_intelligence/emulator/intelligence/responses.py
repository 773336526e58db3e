"""Intelligence v3 handlers: parse the request, call the account's backend, render the reply."""

from __future__ import annotations

from ..routing import Call, Reply
from .models import IntelligenceBackend


def _backend(call: Call) -> IntelligenceBackend:
    return call.emulator.intelligence[call.account]


def _etag(doc: dict[str, object]) -> dict[str, str]:
    return {"ETag": str(doc["version"])}


def list_operators(call: Call) -> Reply:
    return Reply(200, _backend(call).list_operators(call.query))


def create_operator(call: Call) -> Reply:
    doc = _backend(call).create_operator(call.json())
    return Reply(201, doc, _etag(doc))


def fetch_operator(call: Call) -> Reply:
    doc = _backend(call).get_operator(call.params["id"])
    return Reply(200, doc, _etag(doc))


def update_operator(call: Call) -> Reply:
    body = call.json()
    doc = _backend(call).update_operator(call.params["id"], body, call.headers.get("if-match"))
    return Reply(200, doc, _etag(doc))


def delete_operator(call: Call) -> Reply:
    _backend(call).delete_operator(call.params["id"])
    return Reply(204)


def list_operator_versions(call: Call) -> Reply:
    return Reply(200, _backend(call).list_versions(call.params["id"], call.query))


def fetch_operator_version(call: Call) -> Reply:
    return Reply(200, _backend(call).get_version(call.params["id"], call.params["version"]))


def list_configurations(call: Call) -> Reply:
    return Reply(200, _backend(call).list_configurations(call.query))


def create_configuration(call: Call) -> Reply:
    return Reply(201, _backend(call).create_configuration(call.json()))


def fetch_configuration(call: Call) -> Reply:
    return Reply(200, _backend(call).get_configuration(call.params["id"]))


def update_configuration(call: Call) -> Reply:
    body = call.json()
    return Reply(200, _backend(call).update_configuration(call.params["id"], body))


def delete_configuration(call: Call) -> Reply:
    _backend(call).delete_configuration(call.params["id"])
    return Reply(204)
