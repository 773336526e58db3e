"""Endpoints, identifiers, request bodies and calls shared by the emulator tests (in process, server, SDK)."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.emulator.documents import assert_documented

OPERATORS = "/v3/ControlPlane/Operators"
OPERATOR = OPERATORS + "/{id}"
VERSIONS = OPERATOR + "/Versions"
VERSION = VERSIONS + "/{version}"
INTELLIGENCE_CONFIGURATIONS = "/v3/ControlPlane/Configurations"
INTELLIGENCE_CONFIGURATION = INTELLIGENCE_CONFIGURATIONS + "/{id}"
CONVERSATION_CONFIGURATIONS = "/v2/ControlPlane/Configurations"
CONVERSATION_CONFIGURATION = CONVERSATION_CONFIGURATIONS + "/{id}"
OPERATION = "/v2/ControlPlane/Operations/{id}"

MEMORY_STORES = "/v1/ControlPlane/Stores"
MEMORY_STORE_PATH = MEMORY_STORES + "/{storeId}"
TRAIT_GROUPS = MEMORY_STORE_PATH + "/TraitGroups"
TRAIT_GROUP = TRAIT_GROUPS + "/{traitGroupName}"
IDENTITY_RESOLUTION = MEMORY_STORE_PATH + "/IdentityResolutionSettings"
MEMORY_OPERATION = "/v1/ControlPlane/Operations/{operationId}"
KNOWLEDGE_BASES = "/v2/ControlPlane/KnowledgeBases"
KNOWLEDGE_BASE = KNOWLEDGE_BASES + "/{kbId}"
KNOWLEDGE_SOURCES = "/v2/KnowledgeBases/{kbId}/Knowledge"
KNOWLEDGE_SOURCE = KNOWLEDGE_SOURCES + "/{knowledgeId}"
KNOWLEDGE_OPERATION = "/v2/ControlPlane/Operations/{operationId}"

#: Twilio's host of each API, by the path prefix (the first that matches).
HOSTS = {
    "/v3/": "https://intelligence.twilio.com",
    "/v1/": "https://memory.twilio.com",
    "/v2/ControlPlane/KnowledgeBases": "https://knowledge.twilio.com",
    "/v2/KnowledgeBases": "https://knowledge.twilio.com",
    "/v2/ControlPlane/Operations/{operationId}": "https://knowledge.twilio.com",
    "/v2/": "https://conversations.twilio.com",
}
MEMORY_STORE = "mem_store_01k1etk2y5f1y9fpe2epfdtvv2"
OTHER_MEMORY_STORE = "mem_service_01kcgy1ew0e9x8re6jq542zt8b"  # the other documented prefix
#: An Idempotency-Key (the documents ask for a UUID) and a second one.
UUID_KEY = "01890a5d-aa0f-7c80-b8e6-0242ac140004"
OTHER_UUID_KEY = "01890a5d-aa0f-7c80-b8e6-0242ac140005"
HOOK = "https://example.com/hook"


def url(template: str, **ids: object) -> str:
    """The absolute URL of a route template, e.g. ``url(OPERATOR, id=...)``."""
    host = next(host for prefix, host in HOSTS.items() if template.startswith(prefix))
    return host + template.format(**ids)


def call(http: httpx.Client, method: str, template: str, *, json: Any = None, **kwargs: Any) -> httpx.Response:
    """Send one request to ``template`` (path ids as keyword arguments) and check the answer is documented.

    A client with a ``base_url`` (the emulator server's) gets the path; any other gets Twilio's URL.
    """
    names = {"id", "version", *re.findall(r"\{(\w+)\}", template)}  # ids the template does not use are dropped
    ids = {k: kwargs.pop(k) for k in names if k in kwargs}
    target = template.format(**ids) if str(http.base_url) else url(template, **ids)
    response = http.request(method, target, json=json, **kwargs)
    assert_documented(response, template)
    return response


def expect(response: httpx.Response, status: int) -> Any:
    """Assert the status and return the JSON body (``None`` when there is none)."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def operator_body(**fields: Any) -> dict[str, Any]:
    """A valid operator request (a parameter ``scale``), with ``fields`` replacing the defaults."""
    return {
        "displayName": "Script Adherence",
        "description": "Scores the agent",
        "prompt": "Rate 0-{{parameters.scale}}.",
        "outputFormat": "TEXT",
        "parameters": {"scale": {"type": "INTEGER", "default": 5, "description": "Maximum score."}},
        **fields,
    }


def rule(*operators: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A rule running ``operators`` (``{"id": ...}`` references), with a webhook action."""
    return {
        "operators": list(operators),
        "actions": [{"type": "WEBHOOK", "method": "POST", "url": HOOK}],
        **fields,
    }


def intelligence_body(*rules: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A valid Intelligence Configuration request with ``rules``."""
    return {"displayName": "support-intelligence", "rules": list(rules), **fields}


def conversation_body(**fields: Any) -> dict[str, Any]:
    """A valid Conversation Configuration create request."""
    return {
        "displayName": "Support",
        "description": "Voice and SMS support line",
        "conversationGroupingType": "GROUP_BY_PROFILE",
        "memoryStoreId": MEMORY_STORE,
        **fields,
    }


def create_operator(http: httpx.Client, **fields: Any) -> dict[str, Any]:
    """``POST`` an operator; its JSON."""
    body: dict[str, Any] = expect(call(http, "POST", OPERATORS, json=operator_body(**fields)), 201)
    return body


def create_intelligence(http: httpx.Client, *rules: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """``POST`` an Intelligence Configuration; its JSON."""
    response = call(http, "POST", INTELLIGENCE_CONFIGURATIONS, json=intelligence_body(*rules, **fields))
    body: dict[str, Any] = expect(response, 201)
    return body


def accepted(response: httpx.Response) -> tuple[str, str]:
    """``(configuration id, operation id)`` of a 202 answer, whose ``statusUrl`` and ``Location``
    both name that Operation (on the host that answered: Twilio's, or the emulator server's)."""
    body = expect(response, 202)
    operation_id = response.headers["Operation-Id"]
    status_url = str(response.url.join(OPERATION.format(id=operation_id)))
    assert body["statusUrl"] == response.headers["Location"] == status_url, (body, response.headers)
    return body["related"]["configurationId"], operation_id


def create_conversation(http: httpx.Client, **fields: Any) -> tuple[str, str]:
    """``POST`` a Conversation Configuration; ``(configuration id, operation id)``."""
    return accepted(call(http, "POST", CONVERSATION_CONFIGURATIONS, json=conversation_body(**fields)))


def operation(http: httpx.Client, operation_id: str) -> dict[str, Any]:
    """``GET`` an Operation; its JSON."""
    body: dict[str, Any] = expect(call(http, "GET", OPERATION, id=operation_id), 200)
    return body


def twilio_operator(http: httpx.Client, display_name: str) -> dict[str, Any]:
    """The Twilio-authored operator called ``display_name``."""
    items = expect(call(http, "GET", OPERATORS), 200)["items"]
    return next(op for op in items if op["displayName"] == display_name and op["author"] == "TWILIO")
