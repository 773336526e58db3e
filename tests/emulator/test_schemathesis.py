"""Property-based conformance: schemathesis generates requests from the official documents.

Every operation the emulator serves (:data:`SERVED`: the ControlPlanes of Intelligence v3,
Conversations v2, Memory v1 and Knowledge v2, and Knowledge v2's knowledge sources) gets generated
requests, valid and invalid, against the emulator server (``EmulatorProcess``) with
the demo account. No answer may be a 5xx, and every answer must conform to the documents:
schemathesis' own schema and header checks, and :mod:`.openapi_contract` (which also checks the
undocumented error statuses and that requests the documents reject never succeed).

Bounded and deterministic: ``MAX_EXAMPLES`` per operation and generation mode, derandomized, with
no example database.
"""

from __future__ import annotations

import json
import re
import traceback
import uuid
from contextlib import nullcontext
from urllib.parse import urlsplit

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis import APIOperation, BaseSchema, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_headers_conformance, response_schema_conformance

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess
from pulumi_twilio_intelligence.models.conversation_configuration import MAX_CONFIGURATIONS
from tests.conftest import require_document

from .helpers import (
    CONVERSATION_CONFIGURATIONS,
    KNOWLEDGE_BASES,
    accepted,
    conversation_body,
    intelligence_body,
    operator_body,
)
from .openapi_contract import DOCUMENTS, Contract, Exchange

MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, response_schema_conformance, response_headers_conformance]
SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],  # no shrinking: report the first failure
)


#: Each document, and the paths of it the emulator serves (a regular expression).
SERVED = {
    "intelligence": ("/v3/", r"^/v3/ControlPlane/"),
    "conversations": ("/v2/", r"^/v2/ControlPlane/"),
    "memory": (
        "/v1/",
        r"^/v1/ControlPlane/(Operations/|Stores($|/\{storeId\}($|/(TraitGroups|IdentityResolutionSettings))))",
    ),
    "knowledge": (
        "/v2/KnowledgeBases/",
        r"^/v2/(ControlPlane/|KnowledgeBases/\{kbId\}/Knowledge($|/\{knowledgeId\}$))",
    ),
}


def served(api: str, server: EmulatorProcess) -> BaseSchema:
    """The API's document, restricted to the paths the emulator serves, aimed at ``server``."""
    prefix, paths = SERVED[api]
    raw = json.loads(require_document(DOCUMENTS[prefix]).read_text())
    schema = schemathesis.openapi.from_dict(raw)
    schema.config.update(base_url=server.url, basic_auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN))
    return schema.include(path_regex=paths)


def check(case: Case, contract: Contract) -> None:
    """Send one generated request; fail on a 5xx or on any answer that breaks the documents."""
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    headers = {name: ", ".join(values) for name, values in response.headers.items()}
    contract.check([Exchange.from_prepared(response.request, response.status_code, headers, response.content)])


#: Path parameters that name an object (the others, such as an operator's ``{version}``, stay generated).
OBJECT_PARAMETERS = frozenset({"id", "storeId", "traitGroupName", "operationId", "kbId", "knowledgeId"})


def unique(prefix: str) -> str:
    """A display name no earlier example used."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class LiveObjects:
    """Objects that exist on the server, re-created when a generated DELETE removed them.

    Generated path ids are random TTIDs (mostly 404); a second pass aims every path parameter at
    one of these, so generated PUT, PATCH and DELETE bodies reach real objects too. A context
    manager: its client is closed at the end. Operations complete at once on this server.
    """

    def __init__(self, server: EmulatorProcess) -> None:
        self.http = httpx.Client(base_url=server.url, auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN), timeout=30)
        self.ids: dict[str, str] = {}

    def __enter__(self) -> LiveObjects:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.http.close()

    def parameters(self, template: str) -> dict[str, str]:
        """Live values for the path parameters of a template that name objects (``{id}``,
        ``{storeId}``...; an operator's ``{version}`` stays generated)."""
        names = [name for name in re.findall(r"\{(\w+)\}", template) if name in OBJECT_PARAMETERS]
        values: dict[str, str] = {}
        for name in names:
            values[name] = self._live(template, name, values)
        return values

    def _live(self, template: str, name: str, known: dict[str, str]) -> str:
        collection = template.split("{" + name + "}")[0].rstrip("/").format(**known)
        if name == "kbId":  # knowledge sources live under /v2/KnowledgeBases/{kbId}, their base in the ControlPlane
            collection = KNOWLEDGE_BASES
        current = self.ids.get(collection)
        if current is None or self.http.get(f"{collection}/{current}").status_code == 404:
            self.ids[collection] = current = self._create(collection, name)
        return current

    def _create(self, collection: str, name: str) -> str:
        if collection == "/v1/ControlPlane/Operations":
            store = self._live("/v1/ControlPlane/Stores/{storeId}", "storeId", {})
            settings = {"identifierConfigs": [{"idType": "email"}], "matchingRules": ["email"]}
            put = self.http.put(f"/v1/ControlPlane/Stores/{store}/IdentityResolutionSettings", json=settings)
            return str(put.headers["Operation-Id"])
        if collection == "/v2/ControlPlane/Operations" and name == "operationId":  # Knowledge's
            return str(self._async_create(KNOWLEDGE_BASES, {"displayName": unique("kb")})[1])
        if collection == CONVERSATION_CONFIGURATIONS or collection.endswith("/Operations"):
            self._make_room()
        if collection.endswith("/Operations"):
            return accepted(self.http.post(CONVERSATION_CONFIGURATIONS, json=conversation_body()))[1]
        if collection == "/v1/ControlPlane/Stores":
            return self._store()
        if collection.endswith("/TraitGroups"):
            created = self.http.post(collection, json={"displayName": "Contact"})
            assert created.status_code in (202, 409), created.text
            return "Contact"
        if collection == KNOWLEDGE_BASES:
            return self._async_create(KNOWLEDGE_BASES, {"displayName": unique("kb")})[0]
        if collection.endswith("/Knowledge"):
            created = self.http.post(collection, json={"name": "hours", "source": {"type": "Text", "content": "9-5"}})
            assert created.status_code == 201, created.text
            return str(created.json()["id"])
        if collection.startswith("/v2/"):
            return accepted(self.http.post(collection, json=conversation_body()))[0]
        body = operator_body() if collection.endswith("/Operators") else intelligence_body()
        created = self.http.post(collection, json=body)
        assert created.status_code == 201, created.text
        return str(created.json()["id"])

    def _async_create(self, collection: str, body: dict[str, str]) -> tuple[str, str]:
        """``(the new object's id, its Operation's id)`` of a Memory/Knowledge create."""
        created = self.http.post(collection, json=body)
        assert created.status_code == 202, created.text
        operation_id = created.headers["Operation-Id"]
        path = urlsplit(created.headers["Location"]).path
        result = self.http.get(path).json()
        assert result["status"] == "COMPLETED", result
        return str(result["result"]["id"]), str(operation_id)

    def _store(self) -> str:
        """An ACTIVE Memory Store: a new one, or one of the 15 an account may have."""
        created = self.http.post("/v1/ControlPlane/Stores", json={"displayName": unique("store")})
        if created.status_code == 202:
            result = self.http.get(urlsplit(created.headers["Location"]).path).json()
            return str(result["result"]["id"])
        for store_id in self.http.get("/v1/ControlPlane/Stores", params={"pageSize": 100}).json()["stores"]:
            if self.http.get(f"/v1/ControlPlane/Stores/{store_id}").json().get("status") == "ACTIVE":
                return str(store_id)
        raise AssertionError(f"no Memory Store could be made: {created.text}")

    def _make_room(self) -> None:
        """Generated creates fill the account up to live Twilio's 10 Conversation Configurations:
        delete those the fuzzing made (Operations complete at once on this server)."""
        listed = self.http.get(CONVERSATION_CONFIGURATIONS, params={"pageSize": 1000}).json()["configurations"]
        if len(listed) >= MAX_CONFIGURATIONS:
            for configuration in listed:
                self.http.delete(f"{CONVERSATION_CONFIGURATIONS}/{configuration['id']}")


def fuzz(operation: APIOperation, mode: GenerationMode, objects: LiveObjects | None, contract: Contract) -> None:
    """``MAX_EXAMPLES`` generated requests to one operation (its ``{id}`` a live object when ``objects``)."""
    template = operation.path
    fixed = objects.parameters(template) if objects else None

    @hypothesis.settings(SETTINGS)
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    def generated(case: Case) -> None:
        if objects:  # the object may have been deleted by the previous example
            case.path_parameters = {**(case.path_parameters or {}), **objects.parameters(template)}
        check(case, contract)

    generated()


@pytest.mark.parametrize("live", [False, True], ids=["random-ids", "live-ids"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("api", sorted(SERVED))
def test_controlplane(api: str, mode: GenerationMode, live: bool, server: EmulatorProcess, contract: Contract) -> None:
    """Every operation the emulator serves of one document; with ``live``, those with path parameters only."""
    failures: dict[str, str] = {}
    operations = [result.ok() for result in served(api, server).get_all_operations()]
    assert operations
    with LiveObjects(server) if live else nullcontext() as objects:
        for operation in operations:
            if live and "{" not in operation.path:
                continue
            try:
                fuzz(operation, mode, objects, contract)
            except AssertionError as exc:  # collected: every operation runs, every failure is reported
                failures[operation.label] = str(exc)
            except Exception:  # the client could not even send it: show where
                failures[operation.label] = traceback.format_exc(limit=-6)
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
