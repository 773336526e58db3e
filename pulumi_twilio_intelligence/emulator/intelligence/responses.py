"""Intelligence v3 handlers: parse the request, call the backend, render the reply."""

from __future__ import annotations

from ..routing import Call, Reply


def _etag(doc: dict[str, object]) -> dict[str, str]:
    return {"ETag": str(doc["version"])}


def list_operators(call: Call) -> Reply:
    return Reply(200, call.emulator.intelligence.list_operators(call.account, call.query))


def create_operator(call: Call) -> Reply:
    doc = call.emulator.intelligence.create_operator(call.account, call.json())
    return Reply(201, doc, _etag(doc))


def fetch_operator(call: Call) -> Reply:
    doc = call.emulator.intelligence.get_operator(call.account, call.params["id"])
    return Reply(200, doc, _etag(doc))


def update_operator(call: Call) -> Reply:
    body = call.json()
    doc = call.emulator.intelligence.update_operator(
        call.account, call.params["id"], body, call.headers.get("if-match")
    )
    return Reply(200, doc, _etag(doc))


def delete_operator(call: Call) -> Reply:
    call.emulator.intelligence.delete_operator(call.account, call.params["id"])
    return Reply(204)


def list_operator_versions(call: Call) -> Reply:
    return Reply(200, call.emulator.intelligence.list_versions(call.account, call.params["id"], call.query))


def fetch_operator_version(call: Call) -> Reply:
    doc = call.emulator.intelligence.get_version(call.account, call.params["id"], call.params["version"])
    return Reply(200, doc)


def list_configurations(call: Call) -> Reply:
    return Reply(200, call.emulator.intelligence.list_configurations(call.account, call.query))


def create_configuration(call: Call) -> Reply:
    return Reply(201, call.emulator.intelligence.create_configuration(call.account, call.json()))


def fetch_configuration(call: Call) -> Reply:
    return Reply(200, call.emulator.intelligence.get_configuration(call.account, call.params["id"]))


def update_configuration(call: Call) -> Reply:
    body = call.json()
    return Reply(200, call.emulator.intelligence.update_configuration(call.account, call.params["id"], body))


def delete_configuration(call: Call) -> Reply:
    call.emulator.intelligence.delete_configuration(call.account, call.params["id"])
    return Reply(204)
