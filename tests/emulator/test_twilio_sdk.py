"""The official ``twilio`` Python SDK (client.intelligence.v3, client.conversations.v2,
client.memory.v1, client.knowledge.v2) against the emulator server.

The SDK runs unchanged over its own HTTP stack (``requests``); only the host is rewritten, from
Twilio's (``https://intelligence.twilio.com``, ``conversations``, ``memory``, ``knowledge``) to the
emulator's URL. Every exchange is checked against the official documents, and together they must
cover every operation the emulator serves (the ControlPlanes, and Knowledge v2's knowledge sources)
with a documented success status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.rest import Client
from twilio.rest.conversations.v2.configuration import ConfigurationList as ConversationConfigurations
from twilio.rest.intelligence.v3.configuration import ConfigurationList as IntelligenceConfigurations
from twilio.rest.intelligence.v3.operator import OperatorList
from twilio.rest.knowledge.v2.knowledge import KnowledgeList
from twilio.rest.knowledge.v2.knowledge_basis import KnowledgeBasisList
from twilio.rest.memory.v1.identity_resolution_setting import IdentityResolutionSettingList
from twilio.rest.memory.v1.store import StoreList
from twilio.rest.memory.v1.trait_group import TraitGroupList

from pulumi_twilio_intelligence.emulator import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, EmulatorProcess

from .helpers import HOOK, MEMORY_STORE, OTHER_MEMORY_STORE, UUID_KEY, conversation_body, rule
from .openapi_contract import METHODS, Contract, Exchange


class LocalTwilioHttpClient(TwilioHttpClient):
    """The SDK's own HTTP client, sending to ``base_url`` instead of Twilio and recording every exchange."""

    def __init__(self, base_url: str) -> None:
        super().__init__(request_hooks={"response": [self._record]}, timeout=30)
        self.base = urlsplit(base_url)
        self.exchanges: list[Exchange] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> TwilioResponse:
        local = urlsplit(url)._replace(scheme=self.base.scheme, netloc=self.base.netloc)
        return super().request(method, urlunsplit(local), *args, **kwargs)

    def _record(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.exchanges.append(
            Exchange.from_prepared(response.request, response.status_code, response.headers, response.content)
        )


@pytest.fixture
def sdk(server: EmulatorProcess, contract: Contract) -> Iterator[tuple[Client, LocalTwilioHttpClient]]:
    """A twilio ``Client`` for the demo account of the emulator server; its exchanges must conform."""
    assert server.admin("POST", "reset").status_code == 200
    http = LocalTwilioHttpClient(server.url)
    yield Client(DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, http_client=http), http
    contract.check(http.exchanges)


def assert_status(status: int, call: Callable[[], object]) -> TwilioRestException:
    """``call()`` raises the SDK's TwilioRestException with this HTTP status (parsed from the error body)."""
    with pytest.raises(TwilioRestException) as raised:
        call()
    assert raised.value.status == status
    assert raised.value.code  # the SDK read Twilio's error code from the body
    return raised.value


def operation_id(status_url: str | None) -> str:
    assert status_url
    return status_url.rstrip("/").rsplit("/", 1)[-1]


def test_operator_lifecycle(sdk: tuple[Client, LocalTwilioHttpClient]) -> None:
    client, _ = sdk
    operators = client.intelligence.v3.operators
    body = {
        "displayName": "Script Adherence",
        "prompt": "Rate the agent 0-{{parameters.scale}}.",
        "outputFormat": "JSON",
        "outputSchema": {"type": "object", "properties": {"score": {"type": "integer"}}},
        "parameters": {"scale": {"type": "INTEGER", "default": 5}},
    }
    created = operators.create(OperatorList.LanguageOperator(body))
    assert (created.author, created.version) == ("SELF", 1)
    assert created.output_schema == {**body["outputSchema"], "additionalProperties": False, "required": ["score"]}

    listed = operators.list(page_size=2)  # pages through with meta.nextToken
    assert created.id in {op.id for op in listed}
    assert "Sentiment Analysis" in {op.display_name for op in listed if op.author == "TWILIO"}

    fetched = operators(created.id).fetch()
    assert (fetched.display_name, fetched.parameters) == ("Script Adherence", body["parameters"])

    updated = operators(created.id).update(
        OperatorList.LanguageOperator({**body, "displayName": "Adherence v2"}), if_match=str(fetched.version)
    )
    assert (updated.display_name, updated.version) == ("Adherence v2", 2)
    assert_status(412, lambda: operators(created.id).update(OperatorList.LanguageOperator(body), if_match="1"))

    versions = client.intelligence.v3.versions(created.id).list()
    assert [(v.version, v.status) for v in versions] == [(1, "ACTIVE"), (2, "ACTIVE")]
    first = client.intelligence.v3.versions(created.id, "1").fetch()
    assert (first.display_name, first.status) == ("Script Adherence", "ACTIVE")

    assert operators(created.id).delete() is True
    assert_status(404, operators(created.id).fetch)


def test_intelligence_configuration_lifecycle(sdk: tuple[Client, LocalTwilioHttpClient]) -> None:
    client, _ = sdk
    sentiment = next(op for op in client.intelligence.v3.operators.list() if op.display_name == "Sentiment Analysis")
    configurations = client.intelligence.v3.configurations
    created = configurations.create(
        IntelligenceConfigurations.CreateConfigurationRequest(
            {"displayName": "support", "rules": [rule({"id": sentiment.id})]}
        )
    )
    assert created.version == 1
    assert created.account_id == DEMO_ACCOUNT_SID
    rule_id = created.rules[0]["id"]

    assert created.id in {c.id for c in configurations.list()}
    assert configurations(created.id).fetch().display_name == "support"

    kept = rule({"id": sentiment.id}, triggers=[{"on": "CONVERSATION_END"}], id=rule_id)
    updated = configurations(created.id).update(
        IntelligenceConfigurations.UpdateConfigurationRequest({"displayName": "support v2", "rules": [kept]})
    )
    assert (updated.display_name, updated.version) == ("support v2", 2)
    assert updated.rules[0]["id"] == rule_id
    assert updated.rules[0]["triggers"] == [{"on": "CONVERSATION_END", "parameters": {"count": 1}}]

    assert configurations(created.id).delete() is True
    assert_status(404, configurations(created.id).fetch)


def test_conversation_configuration_lifecycle(sdk: tuple[Client, LocalTwilioHttpClient]) -> None:
    client, http = sdk
    configurations = client.conversations.v2.configurations
    operations = client.conversations.v2.operations
    accepted = configurations.create(
        idempotency_key=UUID_KEY,
        create_configuration_request=ConversationConfigurations.CreateConfigurationRequest(
            conversation_body(
                channelSettings={"VOICE": {"captureRules": [{"from": "*", "to": "+18888888888"}]}},
                statusCallbacks=[{"url": HOOK}],
                memoryExtractionEnabled=True,
            )
        ),
    )
    configuration_id = accepted.related["configurationId"]
    operation = operations(operation_id(accepted.status_url)).fetch()
    assert (operation.status, operation.related) == ("COMPLETED", {"configurationId": configuration_id})

    listed = configurations.list(memory_store_id=MEMORY_STORE)
    assert [c.id for c in listed] == [configuration_id]
    assert configurations.list(memory_store_id=OTHER_MEMORY_STORE) == []
    fetched = configurations(configuration_id).fetch()
    assert (fetched.display_name, fetched.version) == ("Support", 1)
    assert fetched.status_callbacks == [{"url": HOOK, "method": "POST"}]

    replacement = {
        "description": "Chat only",
        "conversationGroupingType": "GROUP_BY_PROFILE",  # immutable (live note C1)
        "memoryStoreId": MEMORY_STORE,
        "channelSettings": {"CHAT": {"captureRules": [{"from": "*", "to": "*"}]}},
    }
    replaced = configurations(configuration_id).update(
        update_configuration_request=ConversationConfigurations.UpdateConfigurationRequest(replacement)
    )
    assert operations(operation_id(replaced.status_url)).fetch().status == "COMPLETED"
    assert configurations(configuration_id).fetch().channel_settings == replacement["channelSettings"]

    def patch() -> Any:
        request = ConversationConfigurations.PatchConfigurationRequest({"displayName": "Chat"})
        return configurations(configuration_id).patch(patch_configuration_request=request)

    assert_status(405, patch)  # as live Twilio answers (C3); the documented PATCH when asked for:
    admin = f"{http.base.scheme}://{http.base.netloc}/__emulator/faults"
    assert httpx.post(admin, json={"documentedPatch": True}, timeout=30).status_code == 200
    try:
        patched = patch()
    finally:
        assert httpx.post(admin, json={"documentedPatch": False}, timeout=30).status_code == 200
    assert operations(operation_id(patched.status_url)).fetch().status == "COMPLETED"
    after_patch = configurations(configuration_id).fetch()
    assert (after_patch.display_name, after_patch.description, after_patch.version) == ("Chat", "Chat only", 3)

    deleted = configurations(configuration_id).delete()  # the 202 body: {statusUrl, related}
    assert isinstance(deleted, dict)
    assert operations(operation_id(deleted["statusUrl"])).fetch().status == "COMPLETED"
    assert_status(404, configurations(configuration_id).fetch)


def header(headers: Mapping[str, str], name: str) -> str:
    """A response header, whatever the case of its name in the SDK's dict."""
    return next(value for key, value in headers.items() if key.lower() == name.lower())


def test_memory_store_trait_group_and_identity_resolution_lifecycle(
    sdk: tuple[Client, LocalTwilioHttpClient],
) -> None:
    client, _ = sdk
    memory = client.memory.v1
    accepted = memory.stores.create(StoreList.ServiceRequest({"displayName": "support", "description": "Support"}))
    operation = memory.operations(operation_id(accepted.status_url)).fetch()
    assert (operation.status, operation.result["type"]) == ("COMPLETED", "RESOURCE_ID")
    store_id = operation.result["id"]
    assert memory.stores.list(page_size=1) == [store_id]  # ids, paged with meta.nextToken
    store = memory.stores(store_id).fetch()
    assert (store.display_name, store.status, store.version) == ("support", "ACTIVE", 1)
    etag = header(memory.stores(store_id).fetch_with_http_info().headers, "ETag")
    patched = memory.stores(store_id).patch(StoreList.PatchStoreRequest({"description": "Tier 1"}), if_match=etag)
    assert memory.operations(operation_id(patched.status_url)).fetch().status == "COMPLETED"
    assert (memory.stores(store_id).fetch().description, memory.stores(store_id).fetch().version) == ("Tier 1", 2)
    assert_status(412, lambda: memory.stores(store_id).patch(StoreList.PatchStoreRequest({}), if_match=etag))

    groups = memory.trait_groups(store_id)
    contact = {"displayName": "Contact", "traits": {"email": {"dataType": "STRING", "idTypePromotion": "email"}}}
    created = groups.create(TraitGroupList.TraitGroupRequest(contact))
    assert memory.operations(operation_id(created.status_url)).fetch().status == "COMPLETED"
    assert [g.display_name for g in groups.list()] == ["Contact"]
    fetched = memory.trait_groups(store_id, "Contact").fetch()
    assert fetched.trait_group["traits"] == contact["traits"]
    update = TraitGroupList.PatchTraitGroupRequest({"traits": {"tier": {"dataType": "NUMBER"}}})
    assert memory.trait_groups(store_id, "Contact").patch(update).status_url
    assert set(memory.trait_groups(store_id, "Contact").fetch().trait_group["traits"]) == {"email", "tier"}

    settings = memory.identity_resolution_settings(store_id)
    current = settings.fetch()
    assert current.matching_rules == ["email", "phone"]
    wanted = {"identifierConfigs": [{"idType": "email", "normalization": "email"}], "matchingRules": ["email"]}
    replaced = settings.update(IdentityResolutionSettingList.IdentityResolutionSettingsCore(wanted))
    assert memory.operations(operation_id(replaced.status_url)).fetch().status == "COMPLETED"
    assert (settings.fetch().matching_rules, settings.fetch().version) == (["email"], 2)

    for deleted in (memory.trait_groups(store_id, "Contact").delete(), memory.stores(store_id).delete()):
        assert isinstance(deleted, dict)  # the 202 body: {message, statusUrl}
        assert memory.operations(operation_id(deleted["statusUrl"])).fetch().status == "COMPLETED"
    assert_status(404, memory.stores(store_id).fetch)


def test_knowledge_base_and_knowledge_source_lifecycle(sdk: tuple[Client, LocalTwilioHttpClient]) -> None:
    client, _ = sdk
    knowledge = client.knowledge.v2
    accepted = knowledge.knowledge_bases.create(KnowledgeBasisList.KnowledgeBaseCore({"displayName": "product-docs"}))
    operation = knowledge.operations(operation_id(accepted.status_url)).fetch()
    assert operation.status == "COMPLETED"
    kb_id = operation.result["id"]
    assert [kb.id for kb in knowledge.knowledge_bases.list()] == [kb_id]
    base = knowledge.knowledge_bases(kb_id).fetch()
    assert (base.display_name, base.status) == ("product-docs", "ACTIVE")
    etag = header(knowledge.knowledge_bases(kb_id).fetch_with_http_info().headers, "ETag")
    update = KnowledgeBasisList.UpdateKnowledgeBaseRequest({"description": "Docs"})
    assert knowledge.knowledge_bases(kb_id).update(update, if_match=etag).status_url
    assert knowledge.knowledge_bases(kb_id).fetch().description == "Docs"

    sources = knowledge.knowledge(kb_id)
    text = {"name": "hours", "source": {"type": "Text", "content": "Open 9-5."}}
    created = sources.create(KnowledgeList.KnowledgeCore(text))
    assert created.status == "COMPLETED"  # Operations and processing take no time on this server
    assert [k.id for k in sources.list()] == [created.id]
    renamed = knowledge.knowledge(kb_id, created.id).update(
        knowledge_core=KnowledgeList.KnowledgeCore({**text, "name": "hours-2"})
    )
    assert renamed.name == "hours-2"
    assert knowledge.knowledge(kb_id, created.id).fetch().source["content"] == "Open 9-5."
    assert knowledge.knowledge(kb_id, created.id).delete() is True
    assert_status(404, knowledge.knowledge(kb_id, created.id).fetch)
    deleted = knowledge.knowledge_bases(kb_id).delete()
    assert isinstance(deleted, dict)
    assert knowledge.operations(operation_id(deleted["statusUrl"])).fetch().status == "COMPLETED"
    assert_status(404, knowledge.knowledge_bases(kb_id).fetch)


def served(template: str) -> bool:
    """Whether the emulator serves this documented path: the ControlPlanes (without Memory's data
    mappings) and Knowledge v2's knowledge sources."""
    if "/DataMappings" in template:
        return False
    return "/ControlPlane/" in template or template.startswith("/v2/KnowledgeBases/{kbId}/Knowledge")


def test_the_sdk_reaches_every_controlplane_operation(
    sdk: tuple[Client, LocalTwilioHttpClient], contract: Contract
) -> None:
    """The lifecycles above, run together, cover every operation the emulator serves with a documented success."""
    _, http = sdk
    test_operator_lifecycle(sdk)
    test_intelligence_configuration_lifecycle(sdk)
    test_conversation_configuration_lifecycle(sdk)
    test_memory_store_trait_group_and_identity_resolution_lifecycle(sdk)
    test_knowledge_base_and_knowledge_source_lifecycle(sdk)
    wanted = set()
    for document in contract.documents.values():
        for template, item in document.raw["paths"].items():
            if served(template) and not template.endswith("/Chunks"):
                wanted |= {(method, template) for method in item if method in METHODS}
    reached = set()
    for exchange in http.exchanges:
        document = contract.document_for(exchange.path)
        assert document is not None
        template = document.template(exchange.path)
        if 200 <= exchange.status < 300 and document.documented_response(exchange) is not None:
            reached.add((exchange.documented_method, template))
    assert wanted - reached == set()
