"""The wire models of Memory v1 (ControlPlane) and Knowledge v2 (ControlPlane, knowledge sources)
against the official documents: every documented property is a field, the documents' own examples
validate, and bodies that break a documented constraint are refused naming the property."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from pydantic import ValidationError

from pulumi_twilio_intelligence import models as m
from pulumi_twilio_intelligence.models import WireModel, error_messages, lenient
from tests.conftest import require_document
from tests.emulator.openapi_contract import _deref as resolve

MEMORY = "twilio_memory_v1.json"
KNOWLEDGE = "twilio_knowledge_v2.json"


@cache
def document(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(require_document(name).read_text())
    return loaded


def schema_at(name: str, where: str) -> dict[str, Any]:
    """A schema by ``#/components/schemas/X`` or ``METHOD /path [status]`` (its JSON body)."""
    doc = document(name)
    if where.startswith("#/"):
        return dict(resolve(doc, {"$ref": where}))
    method, path, *status = where.split(" ")
    operation = doc["paths"][path][method.lower()]
    holder = operation["responses"][status[0]] if status else operation["requestBody"]
    return dict(resolve(doc, resolve(doc, holder)["content"]["application/json"]["schema"]))


def properties(name: str, schema: dict[str, Any]) -> set[str]:
    """Property names of a schema, through ``oneOf`` variants."""
    doc = document(name)
    schema = resolve(doc, schema)
    found = set(schema.get("properties", {}))
    for variant in schema.get("oneOf", []):
        found |= properties(name, variant)
    return found


def wire_fields(model: type[WireModel]) -> set[str]:
    return {info.alias or field for field, info in model.model_fields.items()}


# (model, document, schema, documented properties the model leaves out on purpose)
COVERAGE: list[tuple[type[WireModel], str, str, set[str]]] = [
    (m.MemoryStoreCreate, MEMORY, "#/components/schemas/ServiceRequest", set()),
    (m.MemoryStoreUpdate, MEMORY, "PATCH /v1/ControlPlane/Stores/{storeId}", set()),
    (m.MemoryStore, MEMORY, "#/components/schemas/Store", set()),
    (m.MemoryStoreList, MEMORY, "#/components/schemas/ServiceList", set()),
    (m.ListMeta, MEMORY, "#/components/schemas/Meta", set()),
    (m.ListMeta, KNOWLEDGE, "#/components/schemas/KnowledgeMeta", set()),
    (m.TraitGroupCreate, MEMORY, "#/components/schemas/TraitGroupRequest", set()),
    (m.TraitGroupUpdate, MEMORY, "PATCH /v1/ControlPlane/Stores/{storeId}/TraitGroups/{traitGroupName}", set()),
    (m.TraitGroup, MEMORY, "#/components/schemas/TraitGroup", set()),
    (m.TraitDefinition, MEMORY, "#/components/schemas/TraitDefinition", set()),
    (m.TraitValidationRule, MEMORY, "#/components/schemas/ValidationRule", set()),
    (m.TraitGroupList, MEMORY, "GET /v1/ControlPlane/Stores/{storeId}/TraitGroups 200", set()),
    (m.TraitGroupResponse, MEMORY, "GET /v1/ControlPlane/Stores/{storeId}/TraitGroups/{traitGroupName} 200", set()),
    (m.IdentifierConfig, MEMORY, "#/components/schemas/IdentifierConfig", set()),
    (m.IdentityResolutionSettingsUpdate, MEMORY, "#/components/schemas/IdentityResolutionSettingsCore", set()),
    (m.IdentityResolutionSettings, MEMORY, "#/components/schemas/IdentityResolutionSettings", set()),
    (m.ControlPlaneOperation, MEMORY, "#/components/schemas/OperationStatus", set()),
    (m.ControlPlaneOperation, KNOWLEDGE, "#/components/schemas/OperationStatus", set()),
    (m.OperationResult, MEMORY, "#/components/schemas/OperationResultResourceId", set()),
    (m.OperationAccepted, MEMORY, "POST /v1/ControlPlane/Stores 202", set()),
    (m.OperationAccepted, KNOWLEDGE, "POST /v2/ControlPlane/KnowledgeBases 202", set()),
    (m.KnowledgeBaseCreate, KNOWLEDGE, "#/components/schemas/KnowledgeBaseCore", set()),
    (m.KnowledgeBaseUpdate, KNOWLEDGE, "PATCH /v2/ControlPlane/KnowledgeBases/{kbId}", set()),
    (m.KnowledgeBase, KNOWLEDGE, "#/components/schemas/KnowledgeBase", set()),
    (m.KnowledgeBaseList, KNOWLEDGE, "#/components/schemas/KnowledgeBaseList", set()),
    (m.KnowledgeCreate, KNOWLEDGE, "#/components/schemas/KnowledgeCore", set()),
    (m.KnowledgeUpdate, KNOWLEDGE, "PATCH /v2/KnowledgeBases/{kbId}/Knowledge/{knowledgeId}", set()),
    (m.Knowledge, KNOWLEDGE, "#/components/schemas/Knowledge", set()),
    (m.KnowledgeList, KNOWLEDGE, "GET /v2/KnowledgeBases/{kbId}/Knowledge 200", set()),
    # read-only (response) fields of the source types are in the details model only
    (
        m.KnowledgeSource,
        KNOWLEDGE,
        "#/components/schemas/KnowledgeSourceTypes",
        {"errors", "importUrl", "uploadExpiration"},
    ),
    (m.KnowledgeSourceDetails, KNOWLEDGE, "#/components/schemas/KnowledgeSourceTypes", set()),
    (m.KnowledgeErrorGroup, KNOWLEDGE, "#/components/schemas/KnowledgeErrorGroup", set()),
    (m.KnowledgeErrorInstance, KNOWLEDGE, "#/components/schemas/KnowledgeErrorInstance", set()),
]


@pytest.mark.parametrize(("model", "name", "where", "left_out"), COVERAGE, ids=lambda v: getattr(v, "__name__", None))
def test_every_documented_property_is_a_field(
    model: type[WireModel], name: str, where: str, left_out: set[str]
) -> None:
    documented = properties(name, schema_at(name, where))
    assert wire_fields(model) == documented - left_out


def test_required_fields_follow_the_documents() -> None:
    for model, name, where, _left_out in COVERAGE:
        schema = resolve(document(name), schema_at(name, where))
        if "oneOf" in schema:
            continue  # one model for several shapes: required per type (see the source tests)
        required = {info.alias or f for f, info in model.model_fields.items() if info.is_required()}
        assert required == set(schema.get("required", [])), f"{model.__name__} vs {where}"


def request_examples(name: str, method: str, path: str) -> list[Any]:
    content = document(name)["paths"][path][method]["requestBody"]["content"]["application/json"]
    examples = [e["value"] for e in content.get("examples", {}).values()]
    return examples + ([content["example"]] if "example" in content else [])


@pytest.mark.parametrize(
    ("model", "name", "method", "path"),
    [
        (m.TraitGroupCreate, MEMORY, "post", "/v1/ControlPlane/Stores/{storeId}/TraitGroups"),
        (m.TraitGroupUpdate, MEMORY, "patch", "/v1/ControlPlane/Stores/{storeId}/TraitGroups/{traitGroupName}"),
        (
            m.IdentityResolutionSettingsUpdate,
            MEMORY,
            "put",
            "/v1/ControlPlane/Stores/{storeId}/IdentityResolutionSettings",
        ),
        (m.KnowledgeCreate, KNOWLEDGE, "post", "/v2/KnowledgeBases/{kbId}/Knowledge"),
        (m.KnowledgeUpdate, KNOWLEDGE, "patch", "/v2/KnowledgeBases/{kbId}/Knowledge/{knowledgeId}"),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_the_documents_request_examples_validate(model: type[WireModel], name: str, method: str, path: str) -> None:
    examples = request_examples(name, method, path)
    assert examples
    for example in examples:
        assert model.from_wire(example, strict=True).to_wire() == example


def test_the_documents_response_examples_read() -> None:
    doc = document(KNOWLEDGE)
    created = doc["paths"]["/v2/KnowledgeBases/{kbId}/Knowledge"]["post"]["responses"]["201"]
    for example in created["content"]["application/json"]["examples"].values():
        knowledge = lenient(m.Knowledge).from_wire(example["value"])
        assert knowledge.to_wire() == example["value"]
    file_source = created["content"]["application/json"]["examples"]["fileSource"]["value"]
    assert m.Knowledge.from_wire(file_source).source.import_url.startswith("https://")  # type: ignore[union-attr]
    listed = doc["paths"]["/v2/KnowledgeBases/{kbId}/Knowledge"]["get"]["responses"]["200"]
    page = listed["content"]["application/json"]["schema"]["example"]
    page["meta"].pop("key")  # the example's null key breaks its own schema (nullable: false)
    assert lenient(m.KnowledgeList).from_wire(page).knowledge[0].status == "COMPLETED"
    doc = document(MEMORY)
    irs = doc["paths"]["/v1/ControlPlane/Stores/{storeId}/IdentityResolutionSettings"]["get"]["responses"]["200"]
    settings = m.IdentityResolutionSettings.from_wire(irs["content"]["application/json"]["example"])
    assert settings.version == 3
    assert [c.id_type for c in settings.identifier_configs] == ["email", "whatsapp", "phone"]


def refusals(model: type[WireModel], body: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as caught:
        model.from_wire(body, strict=True)
    return error_messages(model, caught.value, python=False)


STORE = {"displayName": "support-store"}
TEXT = {"type": "Text", "content": "Opening hours: 9-5."}


@pytest.mark.parametrize(
    ("model", "body", "path", "reason"),
    [
        (m.MemoryStoreCreate, {}, "displayName", "is required"),
        (m.MemoryStoreCreate, {"displayName": "has space"}, "displayName", "pattern"),
        (m.MemoryStoreCreate, {"displayName": "x" * 65}, "displayName", "at most 64"),
        (m.MemoryStoreCreate, {**STORE, "description": ""}, "description", "at least 1"),
        (m.MemoryStoreCreate, {**STORE, "description": "d" * 129}, "description", "at most 128"),
        (m.TraitGroupCreate, {"displayName": "a/b"}, "displayName", "pattern"),
        (
            m.TraitGroupCreate,
            {"displayName": "g", "traits": {"t": {"dataType": "DATE"}}},
            "traits.t.dataType",
            "'STRING', 'NUMBER', 'BOOLEAN', 'ARRAY' or ''",
        ),
        (
            m.TraitGroupCreate,
            {"displayName": "g", "traits": {f"t{i}": {"dataType": "STRING"} for i in range(96)}},
            "traits",
            "at most 95",
        ),
        (
            m.TraitGroupCreate,
            {
                "displayName": "g",
                "traits": {"age": {"dataType": "NUMBER", "validationRule": {"ruleType": "NUMBER", "minLength": 1}}},
            },
            "traits.age.validationRule.minLength",
            "is not allowed when ruleType is NUMBER",
        ),
        (
            m.TraitGroupCreate,
            {"displayName": "g", "traits": {"t": {"dataType": "STRING", "idTypePromotion": "x" * 31}}},
            "traits.t.idTypePromotion",
            "at most 30",
        ),
        (
            m.IdentityResolutionSettingsUpdate,
            {"identifierConfigs": [], "matchingRules": ["email"]},
            "identifierConfigs",
            "at least 1",
        ),
        (
            m.IdentityResolutionSettingsUpdate,
            {"identifierConfigs": [{"idType": "email", "matchingThreshold": 100}], "matchingRules": ["email"]},
            "identifierConfigs[0].matchingThreshold",
            "less than or equal to 99",
        ),
        (
            m.IdentityResolutionSettingsUpdate,
            {"identifierConfigs": [{"idType": "e"}], "matchingRules": ["email"]},
            "identifierConfigs[0].idType",
            "at least 2",
        ),
        (
            m.IdentityResolutionSettingsUpdate,
            {"identifierConfigs": [{"idType": "email", "normalization": "lower"}], "matchingRules": ["email"]},
            "identifierConfigs[0].normalization",
            "'phone', 'email', 'trim' or 'none'",
        ),
        (
            m.IdentityResolutionSettingsUpdate,
            {"identifierConfigs": [{"idType": "email"}]},
            "matchingRules",
            "is required",
        ),
        (m.KnowledgeBaseCreate, {"displayName": "kb_1"}, "displayName", "pattern"),
        (m.KnowledgeCreate, {"name": "n" * 31, "source": TEXT}, "name", "at most 30"),
        (
            m.KnowledgeCreate,
            {"name": "faq", "source": {"type": "Text"}},
            "source.content",
            "is required when type is Text",
        ),
        (
            m.KnowledgeCreate,
            {"name": "faq", "source": {**TEXT, "url": "https://x.test"}},
            "source.url",
            "is not allowed when type is Text",
        ),
        (
            m.KnowledgeCreate,
            {"name": "faq", "source": {"type": "Web", "url": "not a uri"}},
            "source.url",
            "absolute URI",
        ),
        (
            m.KnowledgeCreate,
            {"name": "faq", "source": {"type": "Web", "url": "https://x.test", "crawlDepth": 11}},
            "source.crawlDepth",
            "less than or equal to 10",
        ),
        (
            m.KnowledgeCreate,
            {
                "name": "faq",
                "source": {
                    "type": "File",
                    "fileName": "a.pdf",
                    "fileSize": 16 * 1024 * 1024 + 1,
                    "mimeType": "application/pdf",
                },
            },
            "source.fileSize",
            "less than or equal to 16777216",
        ),
        (
            m.KnowledgeCreate,
            {
                "name": "faq",
                "source": {"type": "File", "fileName": "a.doc", "fileSize": 1, "mimeType": "application/msword"},
            },
            "source.mimeType",
            "'text/csv'",
        ),
        (
            m.KnowledgeCreate,
            {
                "name": "faq",
                "source": {
                    "type": "File",
                    "fileName": "a.pdf",
                    "fileSize": 1,
                    "mimeType": "application/pdf",
                    "importUrl": "https://x.test",
                },
            },
            "source",  # read-only: not a field of a request's source
            "",
        ),
        (m.KnowledgeCreate, {"name": "faq", "source": {"type": "Video"}}, "source.type", "'Text', 'Web' or 'File'"),
    ],
)
def test_documented_constraints_are_enforced(
    model: type[WireModel], body: dict[str, Any], path: str, reason: str
) -> None:
    if path == "source":
        # an unknown key is dropped (extra="ignore"), never rendered: the emulator ignores it
        parsed = model.from_wire(body, strict=True)
        assert "importUrl" not in parsed.to_wire()["source"]
        return
    found = refusals(model, body)
    assert any(p == path and reason in r for p, r in found), found


def test_python_shape_and_paths() -> None:
    inputs = {
        "display_name": "contact",
        "traits": {"email": {"data_type": "STRING", "validation_rule": {"rule_type": "STRING", "min": 1}}},
    }
    with pytest.raises(ValidationError) as caught:
        m.TraitGroupCreate.from_python(inputs)
    assert error_messages(m.TraitGroupCreate, caught.value, python=True) == [
        ("traits.email.validation_rule.min", "is not allowed when ruleType is STRING")
    ]
    source = m.KnowledgeCreate.from_python({"name": "faq", "source": {"type": "Web", "url": "https://x.test/faq"}})
    assert source.to_python() == {"name": "faq", "source": {"type": "Web", "url": "https://x.test/faq"}}
    assert source.to_wire() == {"name": "faq", "source": {"type": "Web", "url": "https://x.test/faq"}}


def test_lenient_reading_keeps_unknown_enum_values() -> None:
    store = lenient(m.MemoryStore).from_wire(
        {
            "id": "mem_store_01abc",
            "displayName": "a_b",
            "status": "MIGRATING",
            "intelligenceServiceId": None,
            "version": 1,
        }
    )
    assert (store.status, store.intelligence_service_id) == ("MIGRATING", None)
    operation = lenient(m.ControlPlaneOperation).from_wire(
        {
            "operationId": "x",
            "status": "PAUSED",
            "createdAt": "2026-01-01T00:00:00Z",
            "result": {"type": "OTHER", "id": "y"},
        }
    )
    assert operation.result is not None and operation.result.type == "OTHER"
    source = lenient(m.Knowledge).from_wire(
        {
            "id": "k",
            "name": "n",
            "status": "COMPLETED",
            "createdAt": "t",
            "updatedAt": "t",
            "source": {"type": "Video", "x": 1},
        }
    )
    assert source.source is not None and source.source.type == "Video"


def test_the_memory_store_id_pattern_is_shared() -> None:
    from pulumi_twilio_intelligence.models import conversation_configuration, memory_store

    assert conversation_configuration.MEMORY_STORE_ID_PATTERN == memory_store.MEMORY_STORE_ID_PATTERN
    assert schema_at(MEMORY, "#/components/schemas/Store")["properties"]["id"]["pattern"] == (
        memory_store.MEMORY_STORE_ID_PATTERN
    )


def test_a_keyword_field_is_from_in_both_shapes_and_needs_its_base() -> None:
    rule = m.CaptureRule.from_python({"from": "*", "to": "+18888888888", "extra": 1})
    assert rule.to_python() == {"from": "*", "to": "+18888888888"}
    assert rule.to_wire() == {"from": "*", "to": "+18888888888"}
    assert lenient(m.CaptureRule).from_wire({"from": "*", "to": "*"}).to_python() == {"from": "*", "to": "*"}
    with pytest.raises(TypeError, match="KeywordFieldModel"):

        class Misdeclared(WireModel):  # would render "from_" as its Python key
            from_: str
