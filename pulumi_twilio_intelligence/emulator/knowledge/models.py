"""The Knowledge v2 backend: Knowledge Bases (ControlPlane, asynchronous Operations) and their
knowledge sources (synchronous writes, then processing).

State and business rules only (moto's ``models.py``): one :class:`KnowledgeBackend` per account
(``emulator.knowledge[account_sid]``).

* A Knowledge Base write is accepted at once (202) as a PENDING Operation (see
  :mod:`..control_plane`): a new base is visible at once as ``QUEUED``, becomes ``PROVISIONING``
  when its Operation is RUNNING and ``ACTIVE`` when it completes (``FAILED`` when it fails); a base
  being deleted is ``DELETING`` until its Operation completes.
* A knowledge source is created (201) ``QUEUED`` (text, web) and processed: ``PROCESSING`` after half
  the fault setting ``operation_delay``, ``COMPLETED`` after all of it (``FAILED``, or ``PROCESSING``
  for ever, as the Operation faults decide). A file source starts ``SCHEDULED`` with an ``importUrl``
  valid for an hour; a ``PUT`` of the file there (exactly ``fileSize`` bytes, no credentials: the
  URL is the permission, as a presigned URL is) queues its processing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...models import (
    KnowledgeBaseCreate,
    KnowledgeBaseUpdate,
    KnowledgeCreate,
    KnowledgeSource,
    KnowledgeUpdate,
    with_server_defaults,
)
from ...models.control_plane import CONTROL_PLANE_MAX_PAGE_SIZE, MAX_PAGE_SIZE
from ...models.knowledge import KNOWLEDGE_ID_PATTERN, MAX_FILE_SIZE
from ...models.knowledge_base import KNOWLEDGE_BASE_ID_PATTERN
from ..backend import AccountBackend
from ..control_plane import Accepted, Operations, Outcome, check_if_match, etag, page
from ..errors import EmulatorError, bad_request, conflict, not_found
from ..state import Table
from .records import Processing, Upload

if TYPE_CHECKING:
    from ..core import Emulator

KNOWLEDGE_BASES = "/v2/ControlPlane/KnowledgeBases"
OPERATIONS = "/v2/ControlPlane/Operations"
OPERATION_ID_PREFIX = "know_operation"
UPLOADS = "/__emulator/knowledge-uploads"
#: How long an ``importUrl`` stays valid (seconds).
UPLOAD_LIFETIME = 3600.0
BASE = "knowledge_base"


def _sources_kind(knowledge_base_id: str) -> str:
    return f"knowledge:{knowledge_base_id}"


class KnowledgeBackend(AccountBackend):
    """Knowledge Bases, knowledge sources, uploads and Operations of one account."""

    def __init__(self, emulator: Emulator, account: str) -> None:
        super().__init__(emulator, account)
        self.bases = self.table(BASE, dict)
        self.processing = self.table("knowledge_processing", Processing)
        self.uploads = self.table("knowledge_upload", Upload)
        self.operations = Operations(self, self, api="knowledge", id_prefix=OPERATION_ID_PREFIX, path=OPERATIONS)

    def custom_resources(self) -> dict[str, int]:
        """Knowledge Bases and knowledge sources."""
        self.advance()
        bases = self.bases.all()
        sources = sum(len(self._sources(b["id"]).all()) for b in bases)
        counts = {"knowledge_base": len(bases), "knowledge": sources}
        return {kind: n for kind, n in counts.items() if n}

    def advance(self) -> None:
        """Move Operations and processing along their timelines."""
        self.operations.advance()
        self._advance_processing()

    def _advance_processing(self) -> None:
        now = self.emulator.clock()
        delay = self.emulator.faults.operation_delay
        with self.emulator.store.transaction():
            for job in self.processing.all():
                sources = self._sources(job.knowledge_base_id)
                doc = sources.get(job.knowledge_id)
                if doc is None:
                    self.processing.delete(job.knowledge_id)
                    continue
                status = doc["status"]
                if now >= job.started + delay and job.fate != "stuck":
                    status = "FAILED" if job.fate == "fail" else "COMPLETED"
                    self.processing.delete(job.knowledge_id)
                elif now >= job.started + delay / 2:
                    status = "PROCESSING"
                if status != doc["status"]:
                    updated = {**doc, "status": status, "updatedAt": self.emulator.now_iso()}
                    if status == "FAILED":
                        updated["source"] = _with_failure(updated.get("source"))
                    sources.put(job.knowledge_id, updated)

    # -- knowledge bases ------------------------------------------------------------------------

    def list_knowledge_bases(self, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /v2/ControlPlane/KnowledgeBases`` (``pageSize`` at most 100, ``orderBy``)."""
        self.advance()
        pairs = self.bases.page(limit=10**6)
        return page(pairs, query, key="knowledgeBases", max_page_size=CONTROL_PLANE_MAX_PAGE_SIZE)

    def get_knowledge_base(self, knowledge_base_id: str) -> dict[str, Any]:
        """``GET /v2/ControlPlane/KnowledgeBases/{kbId}`` (404 for an unknown or malformed id)."""
        self.advance()
        return self._base(knowledge_base_id)

    def knowledge_base_exists(self, knowledge_base_id: str) -> bool:
        """Whether the account has this Knowledge Base (in any status)."""
        self.advance()
        return self.bases.get(knowledge_base_id) is not None

    @staticmethod
    def knowledge_base_etag(doc: Mapping[str, Any]) -> str:
        """The ``ETag`` of a Knowledge Base as fetched."""
        return etag(str(doc["id"]), int(doc["version"]))

    def create_knowledge_base(self, body: Any, base_url: str, key: str | None) -> Accepted:
        """``POST /v2/ControlPlane/KnowledgeBases``: the base appears QUEUED; its Operation
        completes when it is ACTIVE. 409 when the display name is taken."""

        def prepare() -> tuple[dict[str, Any], str]:
            fields = self.emulator.validate(KnowledgeBaseCreate, body).to_wire()
            self._check_name(fields["displayName"], exclude=None)
            kb_id = self.emulator.ids.mint("know_knowledgebase")
            now = self.emulator.now_iso()
            doc = {"id": kb_id, **fields, "status": "QUEUED", "createdAt": now, "updatedAt": now, "version": 1}
            self.bases.put(kb_id, doc)
            return {"action": "create", "base": kb_id}, "Knowledge Base creation request accepted for processing."

        return self.operations.accept(key=key, request=["POST", body], prepare=prepare, base_url=base_url)

    def update_knowledge_base(
        self, knowledge_base_id: str, body: Any, if_match: str | None, base_url: str, key: str | None
    ) -> Accepted:
        """``PATCH /v2/ControlPlane/KnowledgeBases/{kbId}``: only the fields sent change; 412 when
        ``If-Match`` is not the current ``ETag``."""

        def prepare() -> tuple[dict[str, Any], str]:
            current = self._base(knowledge_base_id)
            check_if_match(if_match, knowledge_base_id, current["version"], "Knowledge Base")
            fields = self.emulator.validate(KnowledgeBaseUpdate, body).to_wire()
            if "displayName" in fields:
                self._check_name(fields["displayName"], exclude=knowledge_base_id)
            change = {"action": "update", "base": knowledge_base_id, "fields": fields}
            return change, "Knowledge Base update request accepted for processing."

        request = ["PATCH", knowledge_base_id, body]
        return self.operations.accept(key=key, request=request, prepare=prepare, base_url=base_url)

    def delete_knowledge_base(self, knowledge_base_id: str, base_url: str, key: str | None) -> Accepted:
        """``DELETE /v2/ControlPlane/KnowledgeBases/{kbId}``: ``DELETING`` until its Operation
        completes, then gone with its knowledge sources. Rules that name it keep a dangling id."""

        def prepare() -> tuple[dict[str, Any], str]:
            current = self._base(knowledge_base_id)
            self.bases.put(knowledge_base_id, {**current, "status": "DELETING"})
            change = {"action": "delete", "base": knowledge_base_id, "previous": current["status"]}
            return change, "Knowledge Base deletion request accepted for processing."

        request = ["DELETE", knowledge_base_id]
        return self.operations.accept(key=key, request=request, prepare=prepare, base_url=base_url)

    def _base(self, knowledge_base_id: str) -> dict[str, Any]:
        self.emulator.check_id(knowledge_base_id, KNOWLEDGE_BASE_ID_PATTERN, "Knowledge Base")
        doc = self.bases.get(knowledge_base_id)
        if doc is None:
            raise not_found("Knowledge Base", knowledge_base_id)
        return doc

    def _check_name(self, name: str, exclude: str | None) -> None:
        for doc in self.bases.all():
            if doc["displayName"] == name and doc["id"] != exclude:
                raise conflict(f"A Knowledge Base named {name!r} already exists: {doc['id']}", doc["id"])

    # -- operations -----------------------------------------------------------------------------

    def get_operation(self, operation_id: str) -> dict[str, Any]:
        """``GET /v2/ControlPlane/Operations/{operationId}`` (``know_operation_...`` ids)."""
        self.advance()
        doc = self.operations.get(operation_id)
        if doc is None:
            raise not_found("Operation", operation_id)
        return doc

    def operation_running(self, change: dict[str, Any]) -> None:
        """A base being created starts PROVISIONING."""
        if change["action"] == "create":
            self._set_status(change["base"], "PROVISIONING")

    def operation_abandoned(self, change: dict[str, Any], status: str) -> None:
        """A failed creation leaves the base FAILED, a cancelled one removes it; a deletion that
        did not happen gives the base its status back."""
        if change["action"] == "create":
            if status == "CANCELLED":
                self.bases.delete(change["base"])
            else:
                self._set_status(change["base"], "FAILED")
        elif change["action"] == "delete":
            self._set_status(change["base"], change["previous"])

    def operation_completed(self, change: dict[str, Any]) -> Outcome:
        """Apply a Knowledge Base write."""
        kb_id = change["base"]
        current = self.bases.get(kb_id)
        if current is None:
            raise not_found("Knowledge Base", kb_id)
        path = f"{KNOWLEDGE_BASES}/{kb_id}"
        now = self.emulator.now_iso()
        if change["action"] == "create":
            self.bases.put(kb_id, {**current, "status": "ACTIVE", "updatedAt": now})
            return Outcome(kb_id, path)
        if change["action"] == "update":
            fields = change["fields"]
            if "displayName" in fields:
                self._check_name(fields["displayName"], exclude=kb_id)
            self.bases.put(kb_id, {**current, **fields, "updatedAt": now, "version": current["version"] + 1})
            return Outcome(kb_id, path)
        sources = self._sources(kb_id)
        for doc in sources.all():
            self._forget(doc["id"])
            sources.delete(doc["id"])
        self.bases.delete(kb_id)
        return Outcome(kb_id)

    def _set_status(self, kb_id: str, status: str) -> None:
        doc = self.bases.get(kb_id)
        if doc is not None:
            self.bases.put(kb_id, {**doc, "status": status, "updatedAt": self.emulator.now_iso()})

    # -- knowledge sources ----------------------------------------------------------------------

    def list_knowledge(self, knowledge_base_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /v2/KnowledgeBases/{kbId}/Knowledge`` (``pageSize`` at most 1000, creation order)."""
        self.advance()
        self._open_base(knowledge_base_id)
        index = query.get("page")
        if index is not None and not (index.isdigit() and index.isascii()):
            raise bad_request("page", "must be a whole number (0 or more)")
        pairs = self._sources(knowledge_base_id).page(limit=10**6)
        return page(pairs, query, key="knowledge", max_page_size=MAX_PAGE_SIZE, ordered=False)

    def get_knowledge(self, knowledge_base_id: str, knowledge_id: str) -> dict[str, Any]:
        """``GET /v2/KnowledgeBases/{kbId}/Knowledge/{knowledgeId}``."""
        self.advance()
        return self._knowledge(knowledge_base_id, knowledge_id)

    def create_knowledge(self, knowledge_base_id: str, body: Any, base_url: str) -> dict[str, Any]:
        """``POST /v2/KnowledgeBases/{kbId}/Knowledge``: 201, then processing (see the module)."""
        self.advance()
        self._open_base(knowledge_base_id)
        fields = self.emulator.validate(KnowledgeCreate, body).to_wire()
        knowledge_id = self.emulator.ids.mint("know_knowledge")
        now = self.emulator.now_iso()
        doc: dict[str, Any] = {"id": knowledge_id, **fields, "status": "COMPLETED", "createdAt": now, "updatedAt": now}
        with self.emulator.store.transaction():
            self._start(knowledge_base_id, doc, base_url)
        return self._sources(knowledge_base_id).get(knowledge_id) or doc

    def update_knowledge(
        self, knowledge_base_id: str, knowledge_id: str, body: Any, refresh: bool, base_url: str
    ) -> tuple[int, dict[str, Any]]:
        """``PATCH .../Knowledge/{knowledgeId}[?refresh=true]``: ``(200, knowledge)`` when no content
        changed (or a file source awaits a new upload: its answer has the new ``importUrl``),
        ``(202, {message})`` when the content is processed anew. The source's ``type`` and a web
        source's ``url`` cannot change (400 naming them)."""
        self.advance()
        current = self._knowledge(knowledge_base_id, knowledge_id)
        fields = self.emulator.validate(KnowledgeUpdate, body).to_wire() if body is not None else {}
        doc = {**current, **{k: v for k, v in fields.items() if k != "source"}}
        source = fields.get("source")
        reprocess = refresh and current["status"] not in ("QUEUED", "PROCESSING", "SCHEDULED")
        if source is not None:
            source = _check_source_change(current.get("source"), source)
            if source != _source_as_sent(current.get("source")):
                doc["source"] = source
                reprocess = True
        doc["updatedAt"] = self.emulator.now_iso()
        with self.emulator.store.transaction():
            if reprocess:
                self._forget(knowledge_id)
                self._start(knowledge_base_id, doc, base_url)
            else:
                self._sources(knowledge_base_id).put(knowledge_id, doc)
        stored = self._sources(knowledge_base_id).get(knowledge_id) or doc
        if (reprocess or refresh) and stored["status"] != "SCHEDULED":
            return 202, {"message": "Knowledge update accepted"}
        return 200, stored

    def delete_knowledge(self, knowledge_base_id: str, knowledge_id: str) -> None:
        """``DELETE .../Knowledge/{knowledgeId}``: 204; gone at once, with its chunks."""
        self.advance()
        self._knowledge(knowledge_base_id, knowledge_id)
        with self.emulator.store.transaction():
            self._forget(knowledge_id)
            self._sources(knowledge_base_id).delete(knowledge_id)

    def upload(self, token: str, content: bytes) -> None:
        """``PUT`` of a file source's file to its ``importUrl``: queues its processing.

        Raises:
            EmulatorError: 404 for an unknown or used URL, 403 once it has expired, 400 when the
                size is not the declared ``fileSize`` (or above 16 MiB).
        """
        self.advance()
        grant = self.uploads.get(token)
        if grant is None:
            raise EmulatorError(404, "No upload is expected at this URL (unknown, or already used)")
        if self.emulator.clock() > grant.expires:
            raise EmulatorError(403, "This import URL has expired (uploadExpiration); update the source for a new one")
        if len(content) > MAX_FILE_SIZE or len(content) != grant.file_size:
            raise EmulatorError(
                400, f"The upload has {len(content)} bytes; the knowledge source declared fileSize {grant.file_size}"
            )
        sources = self._sources(grant.knowledge_base_id)
        doc = sources.get(grant.knowledge_id)
        if doc is None:
            raise EmulatorError(404, "The knowledge source of this upload no longer exists")
        source = {k: v for k, v in doc["source"].items() if k not in ("importUrl", "uploadExpiration")}
        with self.emulator.store.transaction():
            self.uploads.delete(token)
            sources.put(grant.knowledge_id, {**doc, "source": source, "updatedAt": self.emulator.now_iso()})
            self._queue(grant.knowledge_base_id, grant.knowledge_id)

    def _start(self, kb_id: str, doc: dict[str, Any], base_url: str) -> None:
        """Store ``doc`` and start what its source needs: an upload (file) or processing."""
        source = doc.get("source")
        if source is None:
            self._sources(kb_id).put(doc["id"], {**doc, "status": "COMPLETED"})
            return
        source = _with_defaults(source)
        if source["type"] == "File":
            token = self.emulator.ids.mint("upload")
            expires = self.emulator.clock() + UPLOAD_LIFETIME
            grant = Upload(
                token=token,
                knowledge_base_id=kb_id,
                knowledge_id=doc["id"],
                file_size=source["fileSize"],
                expires=expires,
            )
            self.uploads.put(token, grant)
            source = {
                **source,
                "importUrl": f"{base_url.rstrip('/')}{UPLOADS}/{self.account}/{token}",
                "uploadExpiration": self.emulator.iso(expires),
            }
            self._sources(kb_id).put(doc["id"], {**doc, "source": source, "status": "SCHEDULED"})
            return
        self._sources(kb_id).put(doc["id"], {**doc, "source": source, "status": "QUEUED"})
        self._queue(kb_id, doc["id"])

    def _queue(self, kb_id: str, knowledge_id: str) -> None:
        sources = self._sources(kb_id)
        doc = sources.get(knowledge_id)
        if doc is not None:
            sources.put(knowledge_id, {**doc, "status": "QUEUED"})
        fate = self.emulator.faults.operation_fate()
        job = Processing(knowledge_id=knowledge_id, knowledge_base_id=kb_id, started=self.emulator.clock(), fate=fate)
        self.processing.put(knowledge_id, job)
        self._advance_processing()

    def _forget(self, knowledge_id: str) -> None:
        self.processing.delete(knowledge_id)
        for grant in self.uploads.all():
            if grant.knowledge_id == knowledge_id:
                self.uploads.delete(grant.token)

    def _sources(self, kb_id: str) -> Table[dict[str, Any]]:
        return self.table(_sources_kind(kb_id), dict)

    def _open_base(self, kb_id: str) -> dict[str, Any]:
        base = self._base(kb_id)
        if base["status"] == "DELETING":
            raise not_found("Knowledge Base", f"{kb_id} (being deleted)")
        return base

    def _knowledge(self, kb_id: str, knowledge_id: str) -> dict[str, Any]:
        self._base(kb_id)
        self.emulator.check_id(knowledge_id, KNOWLEDGE_ID_PATTERN, "Knowledge")
        doc = self._sources(kb_id).get(knowledge_id)
        if doc is None:
            raise not_found("Knowledge", f"{knowledge_id} in Knowledge Base {kb_id}")
        return doc


def _with_defaults(source: Mapping[str, Any]) -> dict[str, Any]:
    """A source with what Twilio fills in (a web source's ``crawlDepth`` and ``crawlPeriod``)."""
    filled: dict[str, Any] = with_server_defaults(KnowledgeSource, source, wire=True, stored_only=True)
    return filled


def _source_as_sent(source: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A stored source without what Twilio adds (defaults, errors, upload URL), for comparison."""
    if source is None:
        return None
    kept = {k: v for k, v in source.items() if k not in ("errors", "importUrl", "uploadExpiration")}
    return _with_defaults(kept)


def _check_source_change(current: Mapping[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """The new source, defaults applied; 400 when it changes what cannot change."""
    if current is not None and new["type"] != current["type"]:
        raise bad_request("source.type", f"cannot change ({current['type']} to {new['type']}); create a new source")
    if current is not None and new["type"] == "Web" and new["url"] != current["url"]:
        raise bad_request("source.url", "cannot change; create a new knowledge source for another URL")
    return _with_defaults(new)


def _with_failure(source: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A web source that failed carries its crawl errors (injected failures: one group)."""
    if source is None or source.get("type") != "Web":
        return dict(source) if source is not None else None
    instance = {
        "type": "https://www.twilio.com/docs/api/errors/20500",
        "code": 20500,
        "instance": source["url"],
        "detail": "The crawl failed (injected by the emulator).",
    }
    return {**source, "errors": [{"title": "500 Internal Server Error", "instances": [instance]}]}
