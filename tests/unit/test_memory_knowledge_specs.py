"""The per-resource data of the Memory and Knowledge resources, without Twilio: composite and
singleton ids, replacements, canonical forms with Twilio's defaults, the PATCH bodies, file sources
read at check, and check failures (offline: no credentials) naming their property."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from pulumi_twilio_intelligence.resources import (
    IdentityResolutionSettingsProvider,
    KnowledgeProvider,
    TraitGroupProvider,
)
from pulumi_twilio_intelligence.resources.identity_resolution_settings import IDENTITY_RESOLUTION
from pulumi_twilio_intelligence.resources.knowledge import (
    KNOWLEDGE,
    derive_file_source,
    processing_errors,
    unchanged_source_left_out,
)
from pulumi_twilio_intelligence.resources.memory_store import MEMORY_STORE
from pulumi_twilio_intelligence.resources.trait_group import TRAIT_GROUP, patch_traits

from .conftest import configure, to_engine

STORE = "mem_store_01jqz8k6c2w6n9q4r7t1v3x5y7"
BASE = "know_knowledgebase_01jqz8k6c2w6n9q4r7t1v3x5y7"
SOURCE = "know_knowledge_01jqz8k6c2w6n9q4r7t1v3x5y7"


def test_pulumi_ids_of_top_level_nested_and_singleton_objects() -> None:
    assert MEMORY_STORE.split_id(STORE) == (None, STORE) and MEMORY_STORE.join_id(None, STORE) == STORE
    assert TRAIT_GROUP.split_id(f"{STORE}/Contact") == (STORE, "Contact")
    assert TRAIT_GROUP.join_id(STORE, "Contact") == f"{STORE}/Contact"
    assert IDENTITY_RESOLUTION.split_id(STORE) == (STORE, None) and IDENTITY_RESOLUTION.join_id(STORE, None) == STORE
    assert KNOWLEDGE.split_id(f"{BASE}/{SOURCE}") == (BASE, SOURCE)
    assert TRAIT_GROUP.endpoint_in(STORE).path == f"/v1/ControlPlane/Stores/{STORE}/TraitGroups"
    assert KNOWLEDGE.output_fields[:5] == ("knowledge_base_id", "name", "description", "source", "file_path")


def test_what_twilio_cannot_update_is_replaced() -> None:
    group = {"memory_store_id": STORE, "display_name": "Contact", "description": "a"}
    assert TRAIT_GROUP.replaced_fields(group, {**group, "description": "b"}) == []
    assert TRAIT_GROUP.replaced_fields(group, {**group, "display_name": "Reach"}) == ["display_name"]
    assert TRAIT_GROUP.replaced_fields(group, {**group, "memory_store_id": STORE.replace("01", "02")}) == [
        "memory_store_id"
    ]
    text = {"knowledge_base_id": BASE, "name": "n", "source": {"type": "Text", "content": "a"}}
    assert KNOWLEDGE.replaced_fields(text, {**text, "source": {"type": "Text", "content": "b"}}) == []
    web = {**text, "source": {"type": "Web", "url": "https://example.com"}}
    assert KNOWLEDGE.replaced_fields(text, web) == ["source"]
    assert KNOWLEDGE.replaced_fields(web, {**web, "source": {"type": "Web", "url": "https://example.org"}}) == [
        "source"
    ]


def test_twilios_defaults_are_no_change() -> None:
    explicit = {
        "memory_store_id": STORE,
        "identifier_configs": [
            {
                "id_type": "email",
                "matching_algo": "exact",
                "matching_threshold": 75,
                "limit": 100,
                "limit_policy": "fifo",
                "enforce_unique": True,
                "normalization": "trim",
            }
        ],
        "matching_rules": ["email"],
    }
    bare = {**explicit, "identifier_configs": [{"id_type": "email"}]}
    assert IDENTITY_RESOLUTION.changed_fields(explicit, bare) == []
    web = {"knowledge_base_id": BASE, "name": "n", "source": {"type": "Web", "url": "https://example.com"}}
    crawled = {**web, "source": {**web["source"], "crawl_depth": 2, "crawl_period": "NEVER"}}
    assert KNOWLEDGE.changed_fields(web, crawled) == []


def test_the_trait_group_patch_deletes_removed_traits_and_clears_a_removed_description() -> None:
    current = {
        "displayName": "Contact",
        "description": "old",
        "traits": {"email": {"dataType": "STRING"}, "age": {"dataType": "NUMBER"}},
    }
    body = patch_traits({"traits": {"email": {"dataType": "STRING"}}}, current)
    assert body == {"traits": {"email": {"dataType": "STRING"}, "age": {"dataType": ""}}, "description": ""}


def test_an_unchanged_source_is_not_sent_again() -> None:
    current = {"name": "n", "source": {"type": "Text", "content": "a"}}
    assert unchanged_source_left_out({"name": "m", "source": {"type": "Text", "content": "a"}}, current) == {
        "name": "m"
    }
    changed = {"name": "m", "source": {"type": "Text", "content": "b"}}
    assert unchanged_source_left_out(changed, current) == changed


def test_processing_errors_name_what_failed() -> None:
    failed = {
        "source": {
            "errors": [
                {
                    "title": "404 Not Found",
                    "instances": [{"type": "t", "code": 420022, "instance": "https://x/a", "detail": "gone"}],
                }
            ]
        }
    }
    assert processing_errors(failed) == "404 Not Found: gone (https://x/a) [Twilio error 420022]"
    assert processing_errors({"source": {}}) is None


def test_a_file_source_is_derived_from_the_file(tmp_path: Path) -> None:
    file = tmp_path / "faq.csv"
    file.write_text("q,a\n")
    inputs, failures = derive_file_source({"name": "FAQ", "file_path": str(file)})
    assert failures == []
    assert inputs["source"] == {"type": "File", "file_name": "faq.csv", "file_size": 4, "mime_type": "text/csv"}
    assert inputs["file_sha256"] == hashlib.sha256(b"q,a\n").hexdigest()
    _, failures = derive_file_source({"file_path": str(tmp_path / "faq.docx")})
    assert [f.property for f in failures] == ["file_path"]


@pytest.mark.parametrize(
    ("provider_cls", "inputs", "expected"),
    [
        (
            TraitGroupProvider,
            {"memory_store_id": "store-1", "display_name": "has space", "traits": {"a": {"data_type": "TEXT"}}},
            {"memory_store_id", "display_name", "traits.a.data_type"},
        ),
        (TraitGroupProvider, {"display_name": "Contact"}, {"memory_store_id"}),
        (
            IdentityResolutionSettingsProvider,
            {"memory_store_id": STORE, "identifier_configs": [{"id_type": "e", "limit": 0}], "matching_rules": []},
            {"identifier_configs[0].id_type", "identifier_configs[0].limit", "matching_rules"},
        ),
        (
            KnowledgeProvider,
            {"knowledge_base_id": BASE, "name": "x" * 31, "source": {"type": "Web"}},
            {"name", "source.url"},
        ),
    ],
)
def test_check_names_each_broken_property_offline(
    provider_cls: Any, inputs: dict[str, Any], expected: set[str]
) -> None:
    provider = configure(provider_cls(), {})  # no credentials: no online check
    failures = provider.check({}, to_engine(inputs)).failures
    assert {f.property for f in failures} == expected, [(f.property, f.reason) for f in failures]
