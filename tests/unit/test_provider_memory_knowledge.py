"""MemoryStore, TraitGroup, IdentityResolutionSettings, KnowledgeBase and Knowledge on the generic
provider, against the in-process emulator: Operations on Memory's and Knowledge's own endpoints,
waiting until ACTIVE or COMPLETED, PATCH with the ETag, composite and singleton ids, replacements,
file uploads without credentials, the store limit, clean-up of failed creates, lookups, and the
cross-resource checks of Conversation and Intelligence Configurations."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest

import pulumi_twilio_intelligence as twilio_ci
from pulumi_twilio_intelligence.client import Timing, TwilioClient, use_transport
from pulumi_twilio_intelligence.errors import OperationFailedError, TwilioApiError, TwilioError
from pulumi_twilio_intelligence.resources import (
    ConversationConfigurationProvider,
    IdentityResolutionSettingsProvider,
    IntelligenceConfigurationProvider,
    KnowledgeBaseProvider,
    KnowledgeProvider,
    MemoryStoreProvider,
    TraitGroupProvider,
    get_knowledge_base,
    get_memory_store,
)
from pulumi_twilio_intelligence.testing import InProcessEmulator

from .conftest import CONVERSATION, Factory, FakeTime, Recorder, to_engine
from .test_provider_reliability import LoseAnswer

MEMORY = "https://memory.twilio.com/v1/ControlPlane/Stores"
KNOWLEDGE_BASES = "https://knowledge.twilio.com/v2/ControlPlane/KnowledgeBases"

STORE: dict[str, Any] = {
    "display_name": "support-memory",
    "description": "Profiles of support callers",
    "__name": "test/dev/MemoryStore/memory",
}
BASE: dict[str, Any] = {"display_name": "support-knowledge", "__name": "test/dev/KnowledgeBase/kb"}
TRAITS: dict[str, Any] = {
    "email": {"data_type": "STRING", "id_type_promotion": "email"},
    "age": {"data_type": "NUMBER", "validation_rule": {"rule_type": "NUMBER", "min": 0, "max": 150}},
}
SETTINGS: dict[str, Any] = {
    "identifier_configs": [
        {"id_type": "email", "normalization": "email"},
        {"id_type": "phone", "normalization": "phone"},
    ],
    "matching_rules": ["email", "phone"],
}


def store_id(make_provider: Factory, **inputs: Any) -> str:
    created = make_provider(MemoryStoreProvider).create(to_engine({**STORE, **inputs}))
    return str(created.id)


def base_id(make_provider: Factory, **inputs: Any) -> str:
    created = make_provider(KnowledgeBaseProvider).create(to_engine({**BASE, **inputs}))
    return str(created.id)


def text_source(kb: str, content: str = "Returns within 30 days.") -> dict[str, Any]:
    return {
        "knowledge_base_id": kb,
        "name": "Returns policy",
        "source": {"type": "Text", "content": content},
        "__name": "test/dev/Knowledge/policy",
    }


# -- Memory Stores --------------------------------------------------------------------------------


def test_a_store_is_created_through_memorys_operations_and_is_active_when_create_returns(
    make_provider: Factory, twilio: InProcessEmulator, api: httpx.Client
) -> None:
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        created = make_provider(MemoryStoreProvider).create(to_engine(STORE))
    assert created.id.startswith("mem_store_")
    assert created.outs["status"] == "ACTIVE" and created.outs["version"] == 1
    assert created.outs["intelligence_service_id"] and created.outs["operation_id"]
    assert created.outs["display_name"] == "support-memory"
    assert "POST /v1/ControlPlane/Stores" in recorder.lines()
    assert any(line.startswith("GET /v1/ControlPlane/Operations/") for line in recorder.lines())
    [post] = recorder.writes()
    assert post.headers["Idempotency-Key"]
    assert api.get(f"{MEMORY}/{created.id}").json()["status"] == "ACTIVE"


def test_a_store_update_is_a_patch_with_the_etag_and_a_change_outside_pulumi_says_to_refresh(
    make_provider: Factory, twilio: InProcessEmulator, api: httpx.Client
) -> None:
    provider = make_provider(MemoryStoreProvider)
    created = provider.create(to_engine(STORE))
    etag = api.get(f"{MEMORY}/{created.id}").headers["ETag"]
    recorder = Recorder(twilio.transport)
    news = {**STORE, "description": "Callers of the support line"}
    with use_transport(recorder):
        updated = make_provider(MemoryStoreProvider).update(created.id, to_engine(created.outs), to_engine(news))
    [patch] = recorder.writes()
    assert patch.method == "PATCH" and patch.headers["If-Match"] == etag
    assert updated.outs["version"] == 2 and updated.outs["description"] == "Callers of the support line"
    assert provider.diff(created.id, to_engine(updated.outs), to_engine(news)).changes is False

    assert api.patch(f"{MEMORY}/{created.id}", json={"description": "Theirs"}).status_code == 202
    with pytest.raises(TwilioApiError) as err:
        provider.update(created.id, to_engine(updated.outs), to_engine({**news, "description": "Ours"}))
    assert err.value.status == 412
    assert f"The Memory Store {created.id} was changed outside Pulumi since version 2 in the state" in str(err.value)


def test_a_store_deleted_outside_pulumi_is_dropped_by_read_and_delete_waits_for_the_operation(
    make_provider: Factory, api: httpx.Client
) -> None:
    provider = make_provider(MemoryStoreProvider)
    created = provider.create(to_engine(STORE))
    read = provider.read(created.id, to_engine(created.outs))
    assert read.id == created.id and read.outs["display_name"] == "support-memory"
    assert read.inputs is None  # no drift: the engine keeps the inputs as written
    provider.delete(created.id, to_engine(created.outs))
    assert api.get(f"{MEMORY}/{created.id}").status_code == 404
    assert provider.read(created.id, to_engine(created.outs)).id is None
    provider.delete(created.id, to_engine(created.outs))  # already gone: deleted


def test_the_sixteenth_store_fails_naming_the_limit(make_provider: Factory) -> None:
    for i in range(15):
        store_id(make_provider, display_name=f"store-{i}")
    with pytest.raises(TwilioApiError) as err:
        store_id(make_provider, display_name="store-15")
    assert "An account has at most 15 Memory Stores and this one has 15" in str(err.value)


def test_a_store_whose_creation_failed_is_deleted_again(
    make_provider: Factory,
    twilio: InProcessEmulator,
    api: httpx.Client,
    fake_time: FakeTime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the create's Operation is doomed when accepted; the clean-up's delete, accepted later, is not
    twilio.faults.update(fail_operations=1.0, operation_delay=2)

    def sleep(seconds: float) -> None:
        twilio.faults.update(fail_operations=0.0)
        fake_time.sleep(seconds)

    monkeypatch.setattr(TwilioClient, "timing", Timing(sleep=sleep, clock=fake_time.clock))
    with pytest.raises(OperationFailedError) as err:
        store_id(make_provider)
    assert "FAILED" in str(err.value) and "It was deleted, so nothing is left behind" in str(err.value)
    assert api.get(MEMORY).json()["stores"] == []


def test_existing_id_adopts_a_store(make_provider: Factory, api: httpx.Client) -> None:
    existing = store_id(make_provider, display_name="made-by-hand")
    adopted = make_provider(MemoryStoreProvider).create(to_engine({**STORE, "existing_id": existing}))
    assert adopted.id == existing and adopted.outs["display_name"] == "support-memory"
    assert len(api.get(MEMORY).json()["stores"]) == 1


# -- Trait Groups ---------------------------------------------------------------------------------


def test_a_trait_group_has_a_composite_id_and_a_removed_trait_is_deleted_in_twilio(
    make_provider: Factory, api: httpx.Client
) -> None:
    store = store_id(make_provider)
    provider = make_provider(TraitGroupProvider)
    inputs = {"memory_store_id": store, "display_name": "Contact", "traits": TRAITS, "__name": "t/d/TraitGroup/c"}
    created = provider.create(to_engine(inputs))
    assert created.id == f"{store}/Contact"
    assert created.outs["memory_store_id"] == store and created.outs["version"] == 1
    assert provider.diff(created.id, to_engine(created.outs), to_engine(inputs)).changes is False

    news = {**inputs, "traits": {"email": TRAITS["email"]}, "description": "How to reach them"}
    updated = provider.update(created.id, to_engine(created.outs), to_engine(news))
    assert set(updated.outs["traits"]) == {"email"} and updated.outs["description"] == "How to reach them"
    remote = api.get(f"{MEMORY}/{store}/TraitGroups/Contact").json()["traitGroup"]
    assert set(remote["traits"]) == {"email"}

    read = provider.read(created.id, {})  # Resource.get: the id alone
    assert read.inputs["memory_store_id"] == store and read.inputs["display_name"] == "Contact"
    renamed = provider.diff(created.id, to_engine(updated.outs), to_engine({**news, "display_name": "Reach"}))
    assert renamed.changes is True and renamed.replaces == ["display_name"]
    provider.delete(created.id, to_engine(updated.outs))
    assert api.get(f"{MEMORY}/{store}/TraitGroups/Contact").status_code == 404


# -- Identity Resolution Settings -----------------------------------------------------------------


def test_identity_resolution_settings_are_put_with_if_match_and_destroy_leaves_them(
    make_provider: Factory, twilio: InProcessEmulator, api: httpx.Client
) -> None:
    store = store_id(make_provider)
    provider = make_provider(IdentityResolutionSettingsProvider)
    inputs = {"memory_store_id": store, **SETTINGS, "__name": "t/d/IdentityResolutionSettings/i"}
    url = f"{MEMORY}/{store}/IdentityResolutionSettings"
    etag = api.get(url).headers["ETag"]
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        created = make_provider(IdentityResolutionSettingsProvider).create(to_engine(inputs))
    [put] = recorder.writes()
    assert put.method == "PUT" and put.headers["If-Match"] == etag
    assert created.id == store and created.outs["matching_rules"] == ["email", "phone"]
    # Twilio's defaults (exact matching, threshold 75, ...) are no change
    assert provider.diff(created.id, to_engine(created.outs), to_engine(inputs)).changes is False

    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        make_provider(IdentityResolutionSettingsProvider).delete(created.id, to_engine(created.outs))
    assert recorder.requests == []
    assert api.get(url).json()["matchingRules"] == ["email", "phone"]


# -- Knowledge ------------------------------------------------------------------------------------


def test_a_text_source_is_created_processed_and_updated_in_place(make_provider: Factory, api: httpx.Client) -> None:
    kb = base_id(make_provider)
    provider = make_provider(KnowledgeProvider)
    inputs = text_source(kb)
    created = provider.create(to_engine(inputs))
    kb_part, knowledge_id = created.id.split("/")
    assert kb_part == kb and knowledge_id.startswith("know_knowledge_")
    assert created.outs["knowledge_base_id"] == kb and created.outs["knowledge_id"] == knowledge_id
    assert created.outs["status"] == "COMPLETED"
    assert provider.diff(created.id, to_engine(created.outs), to_engine(inputs)).changes is False

    news = text_source(kb, "Returns within 60 days.")
    assert provider.diff(created.id, to_engine(created.outs), to_engine(news)).replaces == []
    updated = provider.update(created.id, to_engine(created.outs), to_engine(news))
    assert updated.outs["status"] == "COMPLETED" and updated.outs["source"]["content"] == "Returns within 60 days."
    web = {**news, "source": {"type": "Web", "url": "https://example.com/faq"}}
    assert provider.diff(created.id, to_engine(updated.outs), to_engine(web)).replaces == ["source"]


def test_a_knowledge_source_committed_before_a_crash_is_adopted_by_the_next_up(
    make_provider: Factory, twilio: InProcessEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A source's create is synchronous and has no Idempotency-Key: the next run finds the source
    the killed run made by its name and inputs in its base (the parent is implied), and sends no create."""
    kb = base_id(make_provider)
    lost = make_provider(KnowledgeProvider).create(to_engine(text_source(kb)))
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        again = make_provider(KnowledgeProvider).create(to_engine(text_source(kb)))
    assert again.id == lost.id and [r.method for r in recorder.requests] == ["GET"]  # one listing, no write
    assert f"adopted knowledge source {lost.id.split('/')[1]}" in capsys.readouterr().err
    assert twilio.custom_resources()["knowledge"] == 1


def test_a_knowledge_create_whose_answer_was_lost_adopts_the_source_twilio_made(
    make_provider: Factory, twilio: InProcessEmulator, capsys: pytest.CaptureFixture[str], sleeps: list[float]
) -> None:
    kb = base_id(make_provider)
    with use_transport(LoseAnswer(twilio.transport, reach=True)):
        created = make_provider(KnowledgeProvider).create(to_engine(text_source(kb)))
    assert twilio.custom_resources()["knowledge"] == 1 and created.outs["status"] == "COMPLETED"
    assert f"Twilio had created it all the same: adopted {created.id.split('/')[1]}" in capsys.readouterr().err


def test_a_second_knowledge_source_with_the_same_name_in_a_base_is_refused_unless_allowed(
    make_provider: Factory, twilio: InProcessEmulator
) -> None:
    kb = base_id(make_provider)
    make_provider(KnowledgeProvider).create(to_engine({**text_source(kb), "description": "someone else's"}))
    with pytest.raises(TwilioError, match=r"or change name$"):
        make_provider(KnowledgeProvider).create(to_engine(text_source(kb)))
    make_provider(KnowledgeProvider).create(to_engine({**text_source(kb), "allow_duplicate_display_name": True}))
    other_kb = base_id(make_provider, display_name="other-knowledge")
    make_provider(KnowledgeProvider).create(to_engine(text_source(other_kb)))  # another base: no conflict
    assert twilio.custom_resources()["knowledge"] == 3


def test_a_web_source_with_twilios_defaults_has_no_diff(make_provider: Factory) -> None:
    kb = base_id(make_provider)
    provider = make_provider(KnowledgeProvider)
    inputs = {**text_source(kb), "source": {"type": "Web", "url": "https://example.com/faq"}}
    created = provider.create(to_engine(inputs))
    assert created.outs["source"]["crawl_depth"] == 2
    assert provider.diff(created.id, to_engine(created.outs), to_engine(inputs)).changes is False


def test_a_file_source_is_read_at_check_and_uploaded_without_credentials(
    make_provider: Factory, twilio: InProcessEmulator, tmp_path: Path
) -> None:
    kb = base_id(make_provider)
    file = tmp_path / "handbook.md"
    file.write_text("# Handbook\n\nBe kind.\n")
    provider = make_provider(KnowledgeProvider)
    inputs = {"knowledge_base_id": kb, "name": "Handbook", "file_path": str(file), "__name": "t/d/Knowledge/h"}
    checked = provider.check({}, to_engine(inputs))
    assert checked.failures == []
    assert checked.inputs["source"] == {
        "type": "File",
        "file_name": "handbook.md",
        "file_size": file.stat().st_size,
        "mime_type": "text/markdown",
    }
    assert checked.inputs["file_sha256"] == hashlib.sha256(file.read_bytes()).hexdigest()
    recorder = Recorder(twilio.transport)
    with use_transport(recorder):
        created = make_provider(KnowledgeProvider).create(checked.inputs)
    [upload] = [r for r in recorder.requests if r.method == "PUT"]
    assert "Authorization" not in upload.headers and upload.content == file.read_bytes()
    assert created.outs["status"] == "COMPLETED"
    assert provider.diff(created.id, to_engine(created.outs), checked.inputs).changes is False

    file.write_text("# Handbook\n\nBe very kind.\n")
    rechecked = provider.check({}, to_engine(inputs))
    assert provider.diff(created.id, to_engine(created.outs), rechecked.inputs).replaces == ["source", "file_sha256"]


@pytest.mark.parametrize(
    ("inputs", "failure"),
    [
        ({"file_path": "notes.docx"}, ("file_path", "must be a file Twilio can import")),
        ({"file_path": "missing.txt"}, ("file_path", "is not a readable file")),
        (
            {"file_path": "notes.txt", "source": {"type": "Text", "content": "x"}},
            ("source", "give either source or file_path, not both"),
        ),
        ({"source": {"type": "Text"}}, ("source.content", "is required when type is Text")),
        ({"knowledge_base_id": "kb-1"}, ("knowledge_base_id", "must be the id of a Knowledge Base")),
    ],
)
def test_check_names_the_property_of_a_bad_knowledge_source(
    make_provider: Factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inputs: dict[str, Any], failure: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("notes")
    (tmp_path / "notes.docx").write_text("notes")
    kb = base_id(make_provider)
    news = {"knowledge_base_id": kb, "name": "Notes", **inputs}
    checked = make_provider(KnowledgeProvider).check({}, to_engine(news))
    found = [(f.property, f.reason) for f in checked.failures]
    assert any(p == failure[0] and failure[1] in r for p, r in found), found


def test_lookups_find_a_store_and_a_base_by_display_name(make_provider: Factory, twilio: InProcessEmulator) -> None:
    store = store_id(make_provider)
    store_id(make_provider, display_name="other")
    kb = base_id(make_provider)
    found = get_memory_store(display_name="support-memory", settings=twilio.settings())
    assert found.id == store and found.status == "ACTIVE"
    assert get_knowledge_base(display_name="support-knowledge", settings=twilio.settings()).id == kb
    with pytest.raises(TwilioError, match="nothing matches display_name='nope'"):
        get_memory_store(display_name="nope", settings=twilio.settings())


# -- cross-resource checks -------------------------------------------------------------------------


def _failures(provider: Any, inputs: dict[str, Any]) -> list[tuple[str, str]]:
    return [(f.property, f.reason) for f in provider.check({}, to_engine(inputs)).failures]


def test_a_conversation_configuration_needs_an_existing_active_store(
    make_provider: Factory, twilio: InProcessEmulator
) -> None:
    provider = make_provider(ConversationConfigurationProvider)
    missing = "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7"
    assert _failures(provider, {**CONVERSATION, "memory_store_id": missing}) == [
        ("memory_store_id", f"no Memory Store {missing} exists in this account")
    ]
    store = store_id(make_provider)
    assert _failures(provider, {**CONVERSATION, "memory_store_id": store}) == []


def test_rule_knowledge_references_are_checked(make_provider: Factory, api: httpx.Client) -> None:
    kb = base_id(make_provider)
    text = make_provider(KnowledgeProvider).create(to_engine(text_source(kb)))
    web = make_provider(KnowledgeProvider).create(
        to_engine({**text_source(kb), "name": "FAQ", "source": {"type": "Web", "url": "https://example.com/faq"}})
    )
    operator = api.post(
        "https://intelligence.twilio.com/v3/ControlPlane/Operators",
        json={
            "displayName": "Policy check",
            "prompt": "Compare with {{parameters.policy}}",
            "outputFormat": "TEXT",
            "parameters": {"policy": {"type": "KNOWLEDGE_BASE_AND_SOURCE_IDS", "required": True}},
        },
    ).json()["id"]
    missing_kb = "know_knowledgebase_01jqz8k6c2w6n9q4r7t1v3x5y7"
    missing_source = "know_knowledge_01jqz8k6c2w6n9q4r7t1v3x5y7"

    def rule(policy: str, bases: list[str]) -> dict[str, Any]:
        return {
            "display_name": "support",
            "rules": [
                {
                    "operators": [{"id": operator, "parameters": {"policy": policy}}],
                    "actions": [],
                    "context": {"knowledge": {"bases": bases}},
                }
            ],
            "__name": "t/d/IntelligenceConfiguration/s",
        }

    provider = make_provider(IntelligenceConfigurationProvider)
    place = "rules[0].operators[0].parameters.policy"
    assert _failures(provider, rule(text.id.replace("/", ":"), [kb])) == []
    assert _failures(provider, rule(f"{missing_kb}:{missing_source}", [missing_kb])) == [
        (place, f"no Knowledge Base {missing_kb} exists in this account"),
        ("rules[0].context.knowledge.bases[0]", f"no Knowledge Base {missing_kb} exists in this account"),
    ]
    assert _failures(provider, rule(f"{kb}:{missing_source}", [kb])) == [
        (place, f"the Knowledge Base {kb} has no knowledge source {missing_source}")
    ]
    web_id = web.id.split("/")[1]
    assert _failures(provider, rule(f"{kb}:{web_id}", [kb])) == [
        (place, f"the knowledge source {web_id} is a Web source; only Text sources are supported")
    ]
    [(where, why)] = _failures(provider, rule(f"{kb}/{web_id}", [kb]))
    assert where == place and "knowledge_base_id:knowledge_source_id" in why


@pytest.mark.parametrize(
    "provider_cls",
    [
        MemoryStoreProvider,
        TraitGroupProvider,
        IdentityResolutionSettingsProvider,
        KnowledgeBaseProvider,
        KnowledgeProvider,
    ],
)
def test_every_output_is_declared_on_the_resource(provider_cls: Any) -> None:
    [resource] = [c for c in vars(twilio_ci).values() if getattr(c, "_provider_class", None) is provider_cls]
    assert set(provider_cls.SPEC.output_fields) <= set(resource.__annotations__)
