"""Check an emulator response against Twilio's official OpenAPI document of its API.

``assert_documented(response, "/v3/ControlPlane/Operators/{id}")`` checks that the status is one the
document lists for that operation and that the JSON body validates against the documented schema
(OpenAPI 3.0 rules: ``nullable``, ``format``...). Statuses the document does not list for the
operation (401, 403, 405 and the emulator's 409 on v3) must still carry the API's error body, which
is checked against the schema of that API's documented 400 answer.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import httpx
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.conftest import require_document

DOCUMENTS = {"v3": "twilio_intelligence_v3.json", "v2": "twilio_conversations_v2.json"}
#: Statuses the emulator answers although the operation does not list them (README: "chosen behaviours"):
#: 400 for invalid paging parameters of v3 lists, which document only 200, 429 and 500.
UNDOCUMENTED_ERRORS = frozenset({400, 401, 403, 405, 409, 412})


@cache
def _document(api: str) -> dict[str, Any]:
    return dict(json.loads(require_document(DOCUMENTS[api]).read_text()))


@cache
def _registry(api: str) -> Registry[Any]:
    return Registry().with_resource(f"urn:{api}", Resource.from_contents(_document(api), default_specification=DRAFT4))


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _response(api: str, method: str, template: str, status: int) -> tuple[str, dict[str, Any]] | None:
    """``(json pointer, response object)`` of a documented answer, following a ``$ref``."""
    operation = _document(api)["paths"][template].get(method.lower())
    answer = operation["responses"].get(str(status)) if operation else None
    if answer is None:
        return None
    pointer = _pointer("paths", template, method.lower(), "responses", str(status))
    if "$ref" in answer:
        pointer = answer["$ref"].lstrip("#/")
        answer = _document(api)["components"]["responses"][pointer.rsplit("/", 1)[1]]
    return pointer, answer


def _validate(api: str, pointer: str, body: Any) -> None:
    schema = {"$ref": f"urn:{api}#/{pointer}/content/application~1json/schema"}
    OAS30Validator(schema, registry=_registry(api)).validate(body)


def assert_documented(response: httpx.Response, template: str) -> None:
    """The answer is one the document allows for ``METHOD template`` (status, JSON body, headers)."""
    api = template.split("/")[1]
    method = response.request.method
    found = _response(api, method, template, response.status_code)
    if found is None:
        assert response.status_code in UNDOCUMENTED_ERRORS, (
            f"{method} {template} answered {response.status_code}, which the document does not list"
        )
        collection = "/v3/ControlPlane/Operators" if api == "v3" else "/v2/ControlPlane/Configurations"
        found = _response(api, "POST", collection, 400)
        assert found is not None
    pointer, answer = found
    if "content" in answer:
        _validate(api, pointer, response.json())
    else:
        assert not response.content, f"{method} {template} {response.status_code} should have no body"
    for name, header in answer.get("headers", {}).items():
        value = response.headers.get(name)
        if name == "X-Conflicting-Resource-Id" or name.startswith("X-RateLimit"):
            continue  # present only when the emulator knows the value / when it throttles
        assert value is not None, f"{method} {template} {response.status_code} lacks the header {name}"
        if header["schema"].get("type") == "integer":
            assert value.isdigit() and int(value) >= header["schema"].get("minimum", 0), f"{name}: {value!r}"
