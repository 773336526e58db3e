"""Knowledge v2 handlers: parse the request, call the account's backend, render the reply."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..control_plane import flag
from ..errors import EmulatorError
from ..memory.responses import accepted, operation_reply
from ..routing import Call, Reply
from .models import KnowledgeBackend


def _backend(call: Call) -> KnowledgeBackend:
    return call.emulator.knowledge[call.account]


def _key(call: Call) -> str | None:
    return call.headers.get("idempotency-key")


def list_knowledge_bases(call: Call) -> Reply:
    return Reply(200, _backend(call).list_knowledge_bases(call.query))


def create_knowledge_base(call: Call) -> Reply:
    body = call.json()
    return accepted(_backend(call).create_knowledge_base(body, call.base_url, _key(call)))


def fetch_knowledge_base(call: Call) -> Reply:
    backend = _backend(call)
    doc = backend.get_knowledge_base(call.params["kbId"])
    return Reply(200, doc, {"ETag": backend.knowledge_base_etag(doc)})


def update_knowledge_base(call: Call) -> Reply:
    body = call.json()
    if_match = call.headers.get("if-match")
    backend = _backend(call)
    return accepted(backend.update_knowledge_base(call.params["kbId"], body, if_match, call.base_url, _key(call)))


def delete_knowledge_base(call: Call) -> Reply:
    return accepted(_backend(call).delete_knowledge_base(call.params["kbId"], call.base_url, _key(call)))


def fetch_operation(call: Call) -> Reply:
    backend = _backend(call)
    return operation_reply(backend.get_operation(call.params["id"]), backend.operations)


def list_knowledge(call: Call) -> Reply:
    return Reply(200, _backend(call).list_knowledge(call.params["kbId"], call.query))


def create_knowledge(call: Call) -> Reply:
    body = call.json()
    return Reply(201, _backend(call).create_knowledge(call.params["kbId"], body, call.base_url))


def fetch_knowledge(call: Call) -> Reply:
    return Reply(200, _backend(call).get_knowledge(call.params["kbId"], call.params["knowledgeId"]))


def update_knowledge(call: Call) -> Reply:
    refresh = flag(call.query, "refresh", default=False)
    body = call.json() if call.body.strip() else None  # the document makes the PATCH body optional
    kb_id, knowledge_id = call.params["kbId"], call.params["knowledgeId"]
    status, doc = _backend(call).update_knowledge(kb_id, knowledge_id, body, refresh, call.base_url)
    return Reply(status, doc)


def delete_knowledge(call: Call) -> Reply:
    _backend(call).delete_knowledge(call.params["kbId"], call.params["knowledgeId"])
    return Reply(204)


async def upload(request: Request) -> Response:
    """``PUT`` of a file to a file source's ``importUrl`` (no credentials: the URL is the permission).

    Answers 200 with no body, as object stores do; errors are ``{"message"}`` with 400, 403 or 404.
    """
    emulator = request.app.state.emulator
    emulator.count("PUT", "/__emulator/knowledge-uploads/{account}/{token}")
    account = request.path_params["account"]
    content = await request.body()
    try:
        with emulator.store.transaction():
            emulator.knowledge[account].upload(request.path_params["token"], content)
    except EmulatorError as error:
        return JSONResponse({"message": error.message}, status_code=error.status)
    return Response(status_code=200)
