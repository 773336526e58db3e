"""Knowledge v2: Knowledge Bases (Operations on the path Conversations v2 shares, PATCH with If-Match,
DELETING), knowledge sources (processing states, PATCH semantics, file uploads through the import
URL) and faults. A ManualClock drives time; every API answer is checked against the document."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from pulumi_twilio_intelligence.emulator import Faults, ManualClock
from tests.emulator.helpers import (
    KNOWLEDGE_BASE,
    KNOWLEDGE_BASES,
    KNOWLEDGE_OPERATION,
    KNOWLEDGE_SOURCE,
    KNOWLEDGE_SOURCES,
    call,
    create_conversation,
    expect,
    operation,
    url,
)

DELAY = 4  # seconds an Operation (and processing) takes
KB_ID = re.compile(r"^know_knowledgebase_[0-7][0-9a-z]{25}$")
KNOWLEDGE_ID = re.compile(r"^know_knowledge_[0-7][0-9a-z]{25}$")
OPERATION_ID = re.compile(r"^know_operation_[0-7][0-9a-z]{25}$")
TEXT = {"name": "hours", "description": "Opening hours", "source": {"type": "Text", "content": "Open 9-5."}}
WEB = {"name": "faq", "source": {"type": "Web", "url": "https://example.com/faq"}}
PDF = b"%PDF-1.4 handbook"
FILE = {
    "name": "handbook",
    "source": {"type": "File", "fileName": "h.pdf", "fileSize": len(PDF), "mimeType": "application/pdf"},
}


@pytest.fixture
def twilio_emulator_options(twilio_emulator_options):
    return {**twilio_emulator_options, "clock": ManualClock(), "faults": Faults(operation_delay=DELAY)}


@pytest.fixture
def clock(twilio_emulator):
    return twilio_emulator.clock


def accepted(response: httpx.Response) -> str:
    body = expect(response, 202)
    operation_id = response.headers["Operation-Id"]
    assert OPERATION_ID.match(operation_id)
    assert body["statusUrl"] == response.headers["Location"] == url(KNOWLEDGE_OPERATION, operationId=operation_id)
    return operation_id


def knowledge_operation(http: httpx.Client, operation_id: str) -> dict[str, Any]:
    body: dict[str, Any] = expect(call(http, "GET", KNOWLEDGE_OPERATION, operationId=operation_id), 200)
    return body


def done(http: httpx.Client, clock: ManualClock, operation_id: str) -> dict[str, Any]:
    clock.advance(DELAY)
    return knowledge_operation(http, operation_id)


def create_base(http: httpx.Client, clock: ManualClock, name: str = "product-docs") -> str:
    finished = done(http, clock, accepted(call(http, "POST", KNOWLEDGE_BASES, json={"displayName": name})))
    assert finished["status"] == "COMPLETED", finished
    kb_id: str = finished["result"]["id"]
    return kb_id


def source(http: httpx.Client, kb_id: str, knowledge_id: str) -> dict[str, Any]:
    body: dict[str, Any] = expect(call(http, "GET", KNOWLEDGE_SOURCE, kbId=kb_id, knowledgeId=knowledge_id), 200)
    return body


def test_a_knowledge_base_is_provisioned_through_an_operation(twilio_http, clock):
    operation_id = accepted(call(twilio_http, "POST", KNOWLEDGE_BASES, json={"displayName": "product-docs"}))
    (base,) = expect(call(twilio_http, "GET", KNOWLEDGE_BASES), 200)["knowledgeBases"]
    assert KB_ID.match(base["id"]) and (base["status"], base["version"]) == ("QUEUED", 1)
    clock.advance(DELAY / 2)
    assert knowledge_operation(twilio_http, operation_id)["status"] == "RUNNING"
    finished = done(twilio_http, clock, operation_id)
    assert finished["result"] == {"type": "RESOURCE_ID", "id": base["id"]}
    assert finished["resultUrl"] == url(KNOWLEDGE_BASE, kbId=base["id"])
    fetched = call(twilio_http, "GET", KNOWLEDGE_BASE, kbId=base["id"])
    assert expect(fetched, 200)["status"] == "ACTIVE" and fetched.headers["ETag"]
    assert (
        "already exists"
        in expect(call(twilio_http, "POST", KNOWLEDGE_BASES, json={"displayName": "product-docs"}), 409)["message"]
    )


def test_patch_with_if_match_and_delete_through_deleting(twilio_http, clock):
    kb_id = create_base(twilio_http, clock)
    etag = call(twilio_http, "GET", KNOWLEDGE_BASE, kbId=kb_id).headers["ETag"]
    update = {"description": "Docs for support"}
    expect(call(twilio_http, "PATCH", KNOWLEDGE_BASE, kbId=kb_id, json=update, headers={"If-Match": '"old"'}), 412)
    done(
        twilio_http,
        clock,
        accepted(call(twilio_http, "PATCH", KNOWLEDGE_BASE, kbId=kb_id, json=update, headers={"If-Match": etag})),
    )
    base = expect(call(twilio_http, "GET", KNOWLEDGE_BASE, kbId=kb_id), 200)
    assert (base["description"], base["version"]) == ("Docs for support", 2)
    created = expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=kb_id, json=TEXT), 201)
    operation_id = accepted(call(twilio_http, "DELETE", KNOWLEDGE_BASE, kbId=kb_id))
    assert expect(call(twilio_http, "GET", KNOWLEDGE_BASE, kbId=kb_id), 200)["status"] == "DELETING"
    expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=kb_id, json=TEXT), 404)
    assert done(twilio_http, clock, operation_id)["status"] == "COMPLETED"
    expect(call(twilio_http, "GET", KNOWLEDGE_BASE, kbId=kb_id), 404)
    expect(call(twilio_http, "GET", KNOWLEDGE_SOURCE, kbId=kb_id, knowledgeId=created["id"]), 404)


def test_knowledge_and_conversations_operations_share_a_path(twilio_http, clock):
    kb_operation = accepted(call(twilio_http, "POST", KNOWLEDGE_BASES, json={"displayName": "kb"}))
    _configuration_id, conversations_operation = create_conversation(twilio_http)
    clock.advance(DELAY)
    assert knowledge_operation(twilio_http, kb_operation)["result"]["type"] == "RESOURCE_ID"
    assert operation(twilio_http, conversations_operation)["related"]
    expect(call(twilio_http, "GET", KNOWLEDGE_OPERATION, operationId="know_operation_01kcgy1ew0e9x8re6jq542zt8b"), 404)


def test_a_text_source_is_queued_processed_and_completed(twilio_http, clock):
    kb_id = create_base(twilio_http, clock)
    created = expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=kb_id, json=TEXT), 201)
    assert KNOWLEDGE_ID.match(created["id"])
    assert {k: created[k] for k in ("name", "description", "source", "status")} == {**TEXT, "status": "QUEUED"}
    clock.advance(DELAY / 2)
    assert source(twilio_http, kb_id, created["id"])["status"] == "PROCESSING"
    clock.advance(DELAY / 2)
    assert source(twilio_http, kb_id, created["id"])["status"] == "COMPLETED"
    listed = expect(call(twilio_http, "GET", KNOWLEDGE_SOURCES, kbId=kb_id), 200)
    assert [k["id"] for k in listed["knowledge"]] == [created["id"]] and listed["meta"]["key"] == "knowledge"


def test_patch_renames_in_place_and_reprocesses_a_changed_content(twilio_http, clock):
    kb_id = create_base(twilio_http, clock)
    knowledge_id = expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=kb_id, json=TEXT), 201)["id"]
    clock.advance(DELAY)
    renamed = call(
        twilio_http, "PATCH", KNOWLEDGE_SOURCE, kbId=kb_id, knowledgeId=knowledge_id, json={**TEXT, "name": "hours-2"}
    )
    assert (expect(renamed, 200)["name"], renamed.json()["status"]) == ("hours-2", "COMPLETED")
    changed = {**TEXT, "source": {"type": "Text", "content": "Open 8-6."}}
    assert expect(
        call(twilio_http, "PATCH", KNOWLEDGE_SOURCE, kbId=kb_id, knowledgeId=knowledge_id, json=changed), 202
    )["message"]
    after = source(twilio_http, kb_id, knowledge_id)
    assert (after["status"], after["source"]["content"], after["name"]) == ("QUEUED", "Open 8-6.", "hours")
    clock.advance(DELAY)
    assert source(twilio_http, kb_id, knowledge_id)["status"] == "COMPLETED"
    refresh = call(
        twilio_http, "PATCH", KNOWLEDGE_SOURCE, kbId=kb_id, knowledgeId=knowledge_id, params={"refresh": "true"}
    )
    expect(refresh, 202)
    assert source(twilio_http, kb_id, knowledge_id)["status"] == "QUEUED"
    web = {**TEXT, "source": WEB["source"]}
    message = expect(call(twilio_http, "PATCH", KNOWLEDGE_SOURCE, kbId=kb_id, knowledgeId=knowledge_id, json=web), 400)[
        "message"
    ]
    assert "source.type" in message


def test_a_web_source_gets_its_defaults_and_keeps_its_url(twilio_http, clock):
    kb_id = create_base(twilio_http, clock)
    created = expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=kb_id, json=WEB), 201)
    assert created["source"] == {**WEB["source"], "crawlDepth": 2, "crawlPeriod": "NEVER"}
    same = {**WEB, "source": {**WEB["source"], "crawlDepth": 2}}
    clock.advance(DELAY)
    unchanged = call(twilio_http, "PATCH", KNOWLEDGE_SOURCE, kbId=kb_id, knowledgeId=created["id"], json=same)
    assert expect(unchanged, 200)["status"] == "COMPLETED"
    moved = {**WEB, "source": {"type": "Web", "url": "https://example.com/other"}}
    assert (
        "source.url"
        in expect(call(twilio_http, "PATCH", KNOWLEDGE_SOURCE, kbId=kb_id, knowledgeId=created["id"], json=moved), 400)[
            "message"
        ]
    )


def test_a_file_source_waits_for_its_upload_at_the_import_url(twilio_emulator, twilio_http, clock):
    kb_id = create_base(twilio_http, clock)
    created = expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=kb_id, json=FILE), 201)
    assert created["status"] == "SCHEDULED"
    import_url, expiry = created["source"]["importUrl"], created["source"]["uploadExpiration"]
    assert (
        import_url.startswith("https://knowledge.twilio.com/__emulator/knowledge-uploads/")
        and expiry > created["createdAt"]
    )
    clock.advance(DELAY * 3)
    assert source(twilio_http, kb_id, created["id"])["status"] == "SCHEDULED"
    with httpx.Client(transport=twilio_emulator.transport) as anonymous:  # a presigned URL: no credentials
        assert anonymous.put(import_url, content=PDF + b"!").status_code == 400
        assert anonymous.put(import_url, content=PDF).status_code == 200
        assert anonymous.put(import_url, content=PDF).status_code == 404  # used
    queued = source(twilio_http, kb_id, created["id"])
    assert queued["status"] == "QUEUED" and "importUrl" not in queued["source"]
    clock.advance(DELAY)
    assert source(twilio_http, kb_id, created["id"])["status"] == "COMPLETED"


def test_an_import_url_expires_after_an_hour(twilio_emulator, twilio_http, clock):
    kb_id = create_base(twilio_http, clock)
    created = expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=kb_id, json=FILE), 201)
    clock.advance(3601)
    with httpx.Client(transport=twilio_emulator.transport) as anonymous:
        assert anonymous.put(created["source"]["importUrl"], content=PDF).status_code == 403
    renewed = {**FILE, "source": {**FILE["source"], "fileName": "h2.pdf"}}
    patched = expect(
        call(twilio_http, "PATCH", KNOWLEDGE_SOURCE, kbId=kb_id, knowledgeId=created["id"], json=renewed), 200
    )
    assert patched["status"] == "SCHEDULED" and patched["source"]["importUrl"] != created["source"]["importUrl"]


def test_a_failed_web_source_carries_its_crawl_errors(twilio_emulator, twilio_http, clock):
    kb_id = create_base(twilio_http, clock)
    twilio_emulator.faults.update(fail_operations=1.0)
    created = expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=kb_id, json=WEB), 201)
    clock.advance(DELAY)
    failed = source(twilio_http, kb_id, created["id"])
    assert failed["status"] == "FAILED"
    assert failed["source"]["errors"][0]["instances"][0]["instance"] == WEB["source"]["url"]


def test_delete_is_immediate(twilio_http, clock):
    kb_id = create_base(twilio_http, clock)
    knowledge_id = expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=kb_id, json=TEXT), 201)["id"]
    assert call(twilio_http, "DELETE", KNOWLEDGE_SOURCE, kbId=kb_id, knowledgeId=knowledge_id).status_code == 204
    expect(call(twilio_http, "GET", KNOWLEDGE_SOURCE, kbId=kb_id, knowledgeId=knowledge_id), 404)


def test_sources_are_validated_naming_the_field(twilio_http, clock):
    kb_id = create_base(twilio_http, clock)
    no_content = {"name": "x", "source": {"type": "Text"}}
    assert (
        "source.content"
        in expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=kb_id, json=no_content), 400)["message"]
    )
    too_big = {**FILE, "source": {**FILE["source"], "fileSize": 16 * 1024 * 1024 + 1}}
    assert (
        "source.fileSize"
        in expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=kb_id, json=too_big), 400)["message"]
    )
    unknown = "know_knowledgebase_01kcgy1ew0e9x8re6jq542zt8b"
    expect(call(twilio_http, "POST", KNOWLEDGE_SOURCES, kbId=unknown, json=TEXT), 404)


def test_a_cancelled_creation_leaves_no_knowledge_base(twilio_emulator, twilio_http, clock):
    twilio_emulator.faults.update(cancel_operations=1.0)
    operation_id = accepted(call(twilio_http, "POST", KNOWLEDGE_BASES, json={"displayName": "kb"}))
    assert done(twilio_http, clock, operation_id)["status"] == "CANCELLED"
    assert expect(call(twilio_http, "GET", KNOWLEDGE_BASES), 200)["knowledgeBases"] == []
