"""The Memory v1 ControlPlane backend: Memory Stores, their Trait Groups and Identity Resolution
Settings, and Memory's asynchronous Operations.

State and business rules only (moto's ``models.py``): one :class:`MemoryBackend` per account
(``emulator.memory[account_sid]``) validates request bodies and returns wire dicts; :mod:`.responses`
does HTTP. Every write is accepted at once (202) as a PENDING Operation and applied when the
Operation completes (see :mod:`..control_plane`): a new store is visible at once as ``QUEUED``,
becomes ``PROVISIONING`` when its Operation is RUNNING and ``ACTIVE`` when it completes (``FAILED``
when it fails); the other writes become visible when their Operation completes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...models import (
    IdentityResolutionSettingsUpdate,
    MemoryStoreCreate,
    MemoryStoreUpdate,
    TraitGroupCreate,
    with_server_defaults,
)
from ...models import TraitGroupUpdate as TraitGroupPatch
from ...models.control_plane import CONTROL_PLANE_MAX_PAGE_SIZE
from ...models.memory_store import MAX_MEMORY_STORES, MEMORY_STORE_ID_PATTERN
from ...models.trait_group import DELETE_TRAIT, MAX_TRAITS
from ..backend import AccountBackend
from ..control_plane import Accepted, Operations, Outcome, check_if_match, etag, flag, list_parameters, page
from ..errors import EmulatorError, bad_request, conflict, not_found
from ..state import Table

if TYPE_CHECKING:
    from ..core import Emulator

STORES = "/v1/ControlPlane/Stores"
OPERATIONS = "/v1/ControlPlane/Operations"
STORE = "memory_store"
SETTINGS = "identity_resolution_settings"

#: The Identity Resolution Settings of a new store (the emulator's choice: the documents give none;
#: their example adds ``whatsapp``): email and phone, each normalised, matched exactly.
INITIAL_SETTINGS: dict[str, Any] = {
    "identifierConfigs": [
        {"idType": "email", "normalization": "email"},
        {"idType": "phone", "normalization": "phone"},
    ],
    "matchingRules": ["email", "phone"],
}


def _trait_groups_kind(store_id: str) -> str:
    return f"trait_group:{store_id}"


def _with_identifier_defaults(settings: dict[str, Any]) -> dict[str, Any]:
    model = IdentityResolutionSettingsUpdate
    filled: dict[str, Any] = with_server_defaults(model, settings, wire=True, stored_only=True)
    return filled


class MemoryBackend(AccountBackend):
    """Memory Stores, Trait Groups, Identity Resolution Settings and Operations of one account."""

    def __init__(self, emulator: Emulator, account: str) -> None:
        super().__init__(emulator, account)
        self.stores = self.table(STORE, dict)
        self.settings = self.table(SETTINGS, dict)
        self.operations = Operations(self, self, api="memory", id_prefix="mem_operation", path=OPERATIONS)

    def custom_resources(self) -> dict[str, int]:
        """Memory Stores and Trait Groups (each store has its settings, not counted)."""
        self.operations.advance()
        stores = self.stores.all()
        groups = sum(len(self.table(_trait_groups_kind(s["id"]), dict).all()) for s in stores)
        counts = {"memory_store": len(stores), "trait_group": groups}
        return {kind: n for kind, n in counts.items() if n}

    # -- stores -------------------------------------------------------------------------------

    def list_stores(self, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /v1/ControlPlane/Stores``: a page of store **ids** (``pageSize`` at most 100, ``orderBy``)."""
        self.operations.advance()
        pairs = [(seq, doc["id"]) for seq, doc in self.stores.page(limit=MAX_MEMORY_STORES * 10)]
        return page(pairs, query, key="stores", max_page_size=CONTROL_PLANE_MAX_PAGE_SIZE)

    def get_store(self, store_id: str) -> dict[str, Any]:
        """``GET /v1/ControlPlane/Stores/{storeId}`` (404 for an unknown or malformed id)."""
        self.operations.advance()
        return self._store(store_id)

    def store_exists(self, store_id: str) -> bool:
        """Whether the account has this store (in any status)."""
        self.operations.advance()
        return self.stores.get(store_id) is not None

    def store_etag(self, doc: Mapping[str, Any]) -> str:
        """The ``ETag`` of a store as fetched."""
        return etag(str(doc["id"]), int(doc["version"]))

    def create_store(self, body: Any, base_url: str, key: str | None) -> Accepted:
        """``POST /v1/ControlPlane/Stores``: the store appears QUEUED; its Operation completes when it is ACTIVE.

        400 once the account has :data:`MAX_MEMORY_STORES` stores (in any status); 409 when the
        display name is taken.
        """

        def prepare() -> tuple[dict[str, Any], str]:
            fields = self.emulator.validate(MemoryStoreCreate, body).to_wire()
            count = len(self.stores.all())
            if count >= MAX_MEMORY_STORES:
                raise EmulatorError(
                    400,
                    f"Memory Store limit reached: an account can have at most {MAX_MEMORY_STORES} Memory Stores "
                    f"and this one has {count}; delete one before creating another",
                    field="displayName",
                )
            self._check_store_name(fields["displayName"], exclude=None)
            store_id = self.emulator.ids.mint("mem_store")
            doc = {"id": store_id, **fields, "status": "QUEUED", "intelligenceServiceId": None, "version": 1}
            self.stores.put(store_id, doc)
            return {"action": "create_store", "store": store_id}, "Memory Store creation accepted for processing."

        return self.operations.accept(key=key, request=["POST", STORES, body], prepare=prepare, base_url=base_url)

    def update_store(self, store_id: str, body: Any, if_match: str | None, base_url: str, key: str | None) -> Accepted:
        """``PATCH /v1/ControlPlane/Stores/{storeId}``: only the fields sent change; 412 when
        ``If-Match`` is not the current ``ETag``."""

        def prepare() -> tuple[dict[str, Any], str]:
            current = self._store(store_id)
            check_if_match(if_match, store_id, current["version"], "Memory Store")
            fields = self.emulator.validate(MemoryStoreUpdate, body).to_wire()
            if "displayName" in fields:
                self._check_store_name(fields["displayName"], exclude=store_id)
            change = {"action": "update_store", "store": store_id, "fields": fields}
            return change, "Memory Store update request accepted for processing."

        request = ["PATCH", store_id, body]
        return self.operations.accept(key=key, request=request, prepare=prepare, base_url=base_url)

    def delete_store(self, store_id: str, base_url: str, key: str | None) -> Accepted:
        """``DELETE /v1/ControlPlane/Stores/{storeId}``: with its trait groups and settings, when the
        Operation completes. Conversation Configurations that name the store are left as they are
        (the document lists no 409): they keep a dangling ``memoryStoreId``, as on live Twilio."""

        def prepare() -> tuple[dict[str, Any], str]:
            self._store(store_id)
            return {
                "action": "delete_store",
                "store": store_id,
            }, "Memory Store deletion request accepted for processing."

        return self.operations.accept(key=key, request=["DELETE", store_id], prepare=prepare, base_url=base_url)

    def _store(self, store_id: str) -> dict[str, Any]:
        self.emulator.check_id(store_id, MEMORY_STORE_ID_PATTERN, "Memory Store")
        doc = self.stores.get(store_id)
        if doc is None:
            raise not_found("Memory Store", store_id)
        return doc

    def _check_store_name(self, name: str, exclude: str | None) -> None:
        for doc in self.stores.all():
            if doc["displayName"] == name and doc["id"] != exclude:
                raise conflict(f"A Memory Store named {name!r} already exists: {doc['id']}", doc["id"])

    # -- trait groups -------------------------------------------------------------------------

    def list_trait_groups(self, store_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET .../Stores/{storeId}/TraitGroups``: traits only with ``includeTraits=true``."""
        self.operations.advance()
        self._store(store_id)
        include = flag(query, "includeTraits", default=False)
        pairs = [(seq, self._render_group(doc, include)) for seq, doc in self._groups(store_id).page(limit=10**6)]
        return page(pairs, query, key="traitGroups", max_page_size=CONTROL_PLANE_MAX_PAGE_SIZE)

    def get_trait_group(self, store_id: str, name: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET .../TraitGroups/{traitGroupName}``: ``{traitGroup}`` (traits unless ``includeTraits=false``)."""
        self.operations.advance()
        list_parameters(query, CONTROL_PLANE_MAX_PAGE_SIZE)  # documented for this fetch too; validated, unused
        group = self._group(store_id, name)
        return {"traitGroup": self._render_group(group, flag(query, "includeTraits", default=True))}

    def trait_group_etag(self, store_id: str, group: Mapping[str, Any]) -> str:
        """The ``ETag`` of a trait group as fetched."""
        return etag(f"{store_id}/{group['displayName']}", int(group["version"]))

    def create_trait_group(self, store_id: str, body: Any, base_url: str, key: str | None) -> Accepted:
        """``POST .../Stores/{storeId}/TraitGroups``: the group appears when its Operation completes;
        409 when the store has a group of that name (or one is being created)."""

        def prepare() -> tuple[dict[str, Any], str]:
            self._store(store_id)
            fields = self.emulator.validate(TraitGroupCreate, body).to_wire()
            name = fields["displayName"]
            if self._groups(store_id).get(name) is not None or self._creating(store_id, name):
                raise conflict(f"Memory Store {store_id} already has a Trait Group named {name!r}")
            traits = {k: v for k, v in (fields.get("traits") or {}).items() if v["dataType"] != DELETE_TRAIT}
            fields = {**fields, **({"traits": traits} if "traits" in fields else {})}
            change = {"action": "create_group", "store": store_id, "name": name, "fields": fields}
            return change, "TraitGroup creation request accepted."

        request = ["POST", store_id, body]
        return self.operations.accept(key=key, request=request, prepare=prepare, base_url=base_url)

    def update_trait_group(
        self, store_id: str, name: str, body: Any, if_match: str | None, base_url: str, key: str | None
    ) -> Accepted:
        """``PATCH .../TraitGroups/{traitGroupName}``: traits sent are added or replaced, those with
        ``dataType: ""`` removed; 400 when more than 95 would remain; 412 on a stale ``If-Match``."""

        def prepare() -> tuple[dict[str, Any], str]:
            current = self._group(store_id, name)
            check_if_match(if_match, f"{store_id}/{name}", current["version"], "Trait Group")
            fields = self.emulator.validate(TraitGroupPatch, body).to_wire()
            remaining = _merge_traits(current.get("traits") or {}, fields.get("traits") or {})
            if len(remaining) > MAX_TRAITS:
                raise bad_request(
                    "traits", f"a Trait Group has at most {MAX_TRAITS} traits; this change would leave {len(remaining)}"
                )
            change = {"action": "update_group", "store": store_id, "name": name, "fields": fields}
            return change, "TraitGroup update request accepted."

        request = ["PATCH", f"{store_id}/{name}", body]
        return self.operations.accept(key=key, request=request, prepare=prepare, base_url=base_url)

    def delete_trait_group(self, store_id: str, name: str, base_url: str, key: str | None) -> Accepted:
        """``DELETE .../TraitGroups/{traitGroupName}``: with its traits, when the Operation completes."""

        def prepare() -> tuple[dict[str, Any], str]:
            self._group(store_id, name)
            return {"action": "delete_group", "store": store_id, "name": name}, "TraitGroup deletion request accepted."

        request = ["DELETE", f"{store_id}/{name}"]
        return self.operations.accept(key=key, request=request, prepare=prepare, base_url=base_url)

    def _groups(self, store_id: str) -> Table[dict[str, Any]]:
        return self.table(_trait_groups_kind(store_id), dict)

    def _group(self, store_id: str, name: str) -> dict[str, Any]:
        self._store(store_id)
        group = self._groups(store_id).get(name)
        if group is None:
            raise not_found("Trait Group", f"{name!r} of Memory Store {store_id}")
        return dict(group)

    def _creating(self, store_id: str, name: str) -> bool:
        return any(
            p.change.get("action") == "create_group" and p.change["store"] == store_id and p.change["name"] == name
            for p in self.operations.pending.all()
        )

    @staticmethod
    def _render_group(group: Mapping[str, Any], include_traits: bool) -> dict[str, Any]:
        return {k: v for k, v in group.items() if include_traits or k != "traits"}

    # -- identity resolution settings -----------------------------------------------------------

    def get_identity_resolution(self, store_id: str) -> dict[str, Any]:
        """``GET .../Stores/{storeId}/IdentityResolutionSettings`` (a store has settings once ACTIVE;
        404 before)."""
        self.operations.advance()
        self._store(store_id)
        settings = self.settings.get(store_id)
        if settings is None:
            raise not_found("Identity Resolution Settings of Memory Store", f"{store_id} (not ACTIVE yet)")
        return settings

    def identity_resolution_etag(self, store_id: str, settings: Mapping[str, Any]) -> str:
        """The ``ETag`` of a store's settings as fetched."""
        return etag(f"{store_id}/IdentityResolutionSettings", int(settings["version"]))

    def replace_identity_resolution(
        self, store_id: str, body: Any, if_match: str | None, base_url: str, key: str | None
    ) -> Accepted:
        """``PUT .../IdentityResolutionSettings``: a full replacement, applied when the Operation
        completes. Each ``idType`` once; each matching rule names a configured ``idType``."""

        def prepare() -> tuple[dict[str, Any], str]:
            current = self.get_identity_resolution(store_id)
            check_if_match(if_match, f"{store_id}/IdentityResolutionSettings", current["version"], "the settings of")
            fields = self.emulator.validate(IdentityResolutionSettingsUpdate, body).to_wire()
            _check_settings(fields)
            change = {"action": "put_settings", "store": store_id, "fields": fields}
            return change, "Identity Resolution Settings accepted for processing."

        request = ["PUT", store_id, body]
        return self.operations.accept(key=key, request=request, prepare=prepare, base_url=base_url)

    # -- operations -----------------------------------------------------------------------------

    def get_operation(self, operation_id: str) -> dict[str, Any]:
        """``GET /v1/ControlPlane/Operations/{operationId}``."""
        doc = self.operations.get(operation_id)
        if doc is None:
            raise not_found("Operation", operation_id)
        return doc

    def operation_running(self, change: dict[str, Any]) -> None:
        """A store being created starts PROVISIONING."""
        if change["action"] == "create_store":
            self._set_store_status(change["store"], "PROVISIONING")

    def operation_abandoned(self, change: dict[str, Any], status: str) -> None:
        """A store whose creation FAILED stays, FAILED; one whose creation was CANCELLED goes."""
        if change["action"] != "create_store":
            return
        if status == "CANCELLED":
            self.stores.delete(change["store"])
        else:
            self._set_store_status(change["store"], "FAILED")

    def operation_completed(self, change: dict[str, Any]) -> Outcome:
        """Apply a write (raising :class:`EmulatorError` when it cannot be applied any more)."""
        action, store_id = change["action"], change["store"]
        store = self.stores.get(store_id)
        if store is None:
            raise not_found("Memory Store", store_id)
        store_path = f"{STORES}/{store_id}"
        if action == "create_store":
            service = self.emulator.ids.mint("intelligence_service")
            self.stores.put(store_id, {**store, "status": "ACTIVE", "intelligenceServiceId": service})
            self.settings.put(store_id, {**_with_identifier_defaults(INITIAL_SETTINGS), "version": 1})
            return Outcome(store_id, store_path)
        if action == "update_store":
            fields = change["fields"]
            if "displayName" in fields:
                self._check_store_name(fields["displayName"], exclude=store_id)
            self.stores.put(store_id, {**store, **fields, "version": store["version"] + 1})
            return Outcome(store_id, store_path)
        if action == "delete_store":
            for group in self._groups(store_id).all():
                self._groups(store_id).delete(group["displayName"])
            self.settings.delete(store_id)
            self.stores.delete(store_id)
            return Outcome(store_id)
        if action == "put_settings":
            current = self.settings.get(store_id) or {"version": 0}
            settings = {**_with_identifier_defaults(change["fields"]), "version": current["version"] + 1}
            self.settings.put(store_id, settings)
            return Outcome(store_id, f"{store_path}/IdentityResolutionSettings")
        return self._complete_group_write(change, store_path)

    def _complete_group_write(self, change: dict[str, Any], store_path: str) -> Outcome:
        action, store_id, name = change["action"], change["store"], change["name"]
        groups = self._groups(store_id)
        current = groups.get(name)
        path = f"{store_path}/TraitGroups/{name}"
        if action == "create_group":
            if current is not None:
                raise conflict(f"Memory Store {store_id} already has a Trait Group named {name!r}")
            groups.put(name, {**change["fields"], "version": 1})
            return Outcome(name, path)
        if current is None:
            raise not_found("Trait Group", f"{name!r} of Memory Store {store_id}")
        if action == "delete_group":
            groups.delete(name)
            return Outcome(name)
        fields = change["fields"]
        updated = {**current, "version": current["version"] + 1}
        if "description" in fields:
            updated["description"] = fields["description"]
        if "traits" in fields:
            updated["traits"] = _merge_traits(current.get("traits") or {}, fields["traits"])
        groups.put(name, updated)
        return Outcome(name, path)

    def _set_store_status(self, store_id: str, status: str) -> None:
        store = self.stores.get(store_id)
        if store is not None:
            self.stores.put(store_id, {**store, "status": status})


def _merge_traits(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(current)
    for trait, definition in changes.items():
        if definition["dataType"] == DELETE_TRAIT:
            merged.pop(trait, None)
        else:
            merged[trait] = definition
    return merged


def _check_settings(fields: Mapping[str, Any]) -> None:
    seen: dict[str, int] = {}
    for i, config in enumerate(fields["identifierConfigs"]):
        if config["idType"] in seen:
            raise bad_request(
                f"identifierConfigs[{i}].idType",
                f"{config['idType']!r} is configured twice (also identifierConfigs[{seen[config['idType']]}])",
            )
        seen[config["idType"]] = i
    for i, rule in enumerate(fields["matchingRules"]):
        if rule not in seen:
            raise bad_request(f"matchingRules[{i}]", f"{rule!r} is not an idType of identifierConfigs")
