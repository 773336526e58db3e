"""Property-based conformance: schemathesis generates requests from the official documents.

Every ControlPlane operation of both documents (``/v3/ControlPlane/...``, ``/v2/ControlPlane/...``)
gets generated requests, valid and invalid, against the emulator server (``EmulatorProcess``) with
the demo account. No answer may be a 5xx, and every answer must conform to the documents:
schemathesis' own schema and header checks, and :mod:`.openapi_contract` (which also checks the
undocumented error statuses and that requests the documents reject never succeed).

Bounded and deterministic: ``MAX_EXAMPLES`` per operation and generation mode, derandomized, with
no example database.
"""

from __future__ import annotations

import json
import traceback
from contextlib import nullcontext

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

from .helpers import CONVERSATION_CONFIGURATIONS, accepted, conversation_body, intelligence_body, operator_body
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


def controlplane(prefix: str, server: EmulatorProcess) -> BaseSchema:
    """The document serving ``prefix``, restricted to its ControlPlane paths, aimed at ``server``."""
    raw = json.loads(require_document(DOCUMENTS[prefix]).read_text())
    schema = schemathesis.openapi.from_dict(raw)
    schema.config.update(base_url=server.url, basic_auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN))
    return schema.include(path_regex=f"^{prefix}ControlPlane/")


def check(case: Case, contract: Contract) -> None:
    """Send one generated request; fail on a 5xx or on any answer that breaks the documents."""
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    headers = {name: ", ".join(values) for name, values in response.headers.items()}
    contract.check([Exchange.from_prepared(response.request, response.status_code, headers, response.content)])


class LiveObjects:
    """Objects that exist on the server, re-created when a generated DELETE removed them.

    Generated path ids are random TTIDs (mostly 404); a second pass aims every ``{id}`` at one of
    these, so generated PUT, PATCH and DELETE bodies reach real objects too. A context manager: its
    client is closed at the end.
    """

    def __init__(self, server: EmulatorProcess) -> None:
        self.http = httpx.Client(base_url=server.url, auth=(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN), timeout=30)
        self.ids: dict[str, str] = {}

    def __enter__(self) -> LiveObjects:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.http.close()

    def id_for(self, template: str) -> str:
        """A live object for a path template (``/v3/ControlPlane/Operators/{id}``...)."""
        collection = template.split("/{id}")[0]
        known = self.ids.get(collection)
        if known is None or self.http.get(f"{collection}/{known}").status_code == 404:
            self.ids[collection] = known = self._create(collection)
        return known

    def _create(self, collection: str) -> str:
        if collection.startswith("/v2/"):
            self._make_room()
        if collection.endswith("/Operations"):
            return accepted(self.http.post(CONVERSATION_CONFIGURATIONS, json=conversation_body()))[1]
        if collection.startswith("/v2/"):
            return accepted(self.http.post(collection, json=conversation_body()))[0]
        body = operator_body() if collection.endswith("/Operators") else intelligence_body()
        created = self.http.post(collection, json=body)
        assert created.status_code == 201, created.text
        return str(created.json()["id"])

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
    fixed = {"id": objects.id_for(template)} if objects else None

    @hypothesis.settings(SETTINGS)
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    def generated(case: Case) -> None:
        if objects:  # the object may have been deleted by the previous example
            case.path_parameters = {**(case.path_parameters or {}), "id": objects.id_for(template)}
        check(case, contract)

    generated()


@pytest.mark.parametrize("live", [False, True], ids=["random-ids", "live-ids"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize("prefix", sorted(DOCUMENTS), ids=["conversations", "intelligence"])
def test_controlplane(
    prefix: str, mode: GenerationMode, live: bool, server: EmulatorProcess, contract: Contract
) -> None:
    """Every ControlPlane operation of one document; with ``live``, those with an ``{id}`` only."""
    failures: dict[str, str] = {}
    operations = [result.ok() for result in controlplane(prefix, server).get_all_operations()]
    assert operations
    with LiveObjects(server) if live else nullcontext() as objects:
        for operation in operations:
            if live and "{id}" not in operation.path:
                continue
            try:
                fuzz(operation, mode, objects, contract)
            except AssertionError as exc:  # collected: every operation runs, every failure is reported
                failures[operation.label] = str(exc)
            except Exception:  # the client could not even send it: show where
                failures[operation.label] = traceback.format_exc(limit=-6)
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
