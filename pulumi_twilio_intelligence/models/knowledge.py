"""Knowledge sources of a Knowledge Base (Knowledge API v2,
``https://knowledge.twilio.com/v2/KnowledgeBases/{kbId}/Knowledge``).

Schemas ``KnowledgeCore`` (the create and PATCH body), ``Knowledge``, ``KnowledgeSourceTypes``
(``TextSourceDetails``, ``WebSourceDetails``, ``FileSourceDetails``), ``SupportedFileMimeType``,
``KnowledgeErrorGroup`` and ``KnowledgeErrorInstance`` of ``twilio_knowledge_v2.json``.

Writes are synchronous (create answers 201, PATCH 200 or 202, delete 204); the content is then
processed: ``status`` goes ``QUEUED`` -> ``PROCESSING`` -> ``COMPLETED`` (or ``FAILED``). A file
source starts ``SCHEDULED``: its answer carries ``source.importUrl``, where the file is uploaded with
``PUT`` before ``source.uploadExpiration``; processing starts once the upload is complete.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ._base import WireModel, field_refusal
from ._types import Uri
from .control_plane import ListMeta
from .defaults import ServerDefault, declared_defaults

KnowledgeStatus = Literal["SCHEDULED", "QUEUED", "PROCESSING", "COMPLETED", "FAILED"]
KnowledgeSourceType = Literal["Text", "Web", "File"]
CrawlPeriod = Literal["WEEKLY", "BIWEEKLY", "MONTHLY", "NEVER"]
#: ``SupportedFileMimeType``: ``.csv``, ``.md``, ``.pdf``, ``.tsv``, ``.txt``.
FileMimeType = Literal["text/csv", "text/markdown", "application/pdf", "text/tab-separated-values", "text/plain"]

KNOWLEDGE_ID_PATTERN = r"^know_knowledge_[0-7][0-9a-z]{25}$"
#: "Maximum file size for any file is 16MB (16 * 1024 * 1024 bytes)".
MAX_FILE_SIZE = 16 * 1024 * 1024
MAX_TEXT_LENGTH = 185_000
#: The file extensions of each supported MIME type (from ``SupportedFileMimeType``).
MIME_TYPES_BY_EXTENSION: dict[str, str] = {
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".pdf": "application/pdf",
    ".tsv": "text/tab-separated-values",
    ".txt": "text/plain",
}
#: The statuses after which processing is over.
TERMINAL_KNOWLEDGE_STATUSES = frozenset({"COMPLETED", "FAILED"})

#: For each source ``type``: the fields it requires and the fields it allows besides ``type`` (wire
#: names; the document's oneOf, each shape ``additionalProperties: false``).
SOURCE_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "Text": (frozenset({"content"}), frozenset({"content"})),
    "Web": (frozenset({"url"}), frozenset({"url", "crawlDepth", "crawlPeriod", "errors"})),
    "File": (
        frozenset({"fileName", "fileSize", "mimeType"}),
        frozenset({"fileName", "fileSize", "mimeType", "importUrl", "uploadExpiration"}),
    ),
}


class KnowledgeErrorInstance(WireModel):
    """``{type, code, instance, detail?}``: one processing error (``type`` a URI of Twilio's error page,
    ``instance`` the URL or resource that failed, at most 500 characters)."""

    type: str = Field(max_length=200)
    code: int
    instance: str = Field(max_length=500)
    detail: str | None = Field(None, max_length=1000)


class KnowledgeErrorGroup(WireModel):
    """``{title, instances}``: processing errors of one kind (``404 Not Found``), at most 3 instances."""

    title: str = Field(max_length=100)
    instances: list[KnowledgeErrorInstance] = Field(max_length=3)


class _SourceFields(WireModel):
    """The fields of every source type, as sent and as returned; which apply depends on ``type``."""

    type: KnowledgeSourceType
    content: str | None = Field(None, max_length=MAX_TEXT_LENGTH)
    url: Uri | None = None
    crawl_depth: Annotated[int | None, ServerDefault(2, when={"type": "Web"})] = Field(None, ge=1, le=10)
    crawl_period: Annotated[CrawlPeriod | None, ServerDefault("NEVER", when={"type": "Web"})] = None
    file_name: str | None = Field(None, max_length=256)
    file_size: int | None = Field(None, ge=0, le=MAX_FILE_SIZE)
    mime_type: FileMimeType | None = None

    @model_validator(mode="after")
    def _fields_of_type(self) -> _SourceFields:
        shape = SOURCE_FIELDS.get(self.type)
        if shape is None:  # a lenient read of a source type this package does not know
            return self
        required, allowed = shape
        for name, info in type(self).model_fields.items():
            wire = info.alias or name
            value = getattr(self, name)
            if name == "type":
                continue
            if value is None and wire in required:
                raise field_refusal(type(self), wire, "missing_for_type", f"is required when type is {self.type}")
            if value is not None and wire not in allowed:
                raise field_refusal(type(self), wire, "field_of_other_type", f"is not allowed when type is {self.type}")
        return self


#: Server-side defaults of a web source (wire names); declared on the fields (apply them with
#: :func:`~.defaults.with_server_defaults`).
WEB_SOURCE_DEFAULTS: dict[str, object] = declared_defaults(_SourceFields)


class KnowledgeSource(_SourceFields):
    """``source`` of a create or PATCH: one of three shapes by ``type``:

    * ``Text``: ``content`` (at most 185000 characters); the only type operator parameters of type
      ``KNOWLEDGE_BASE_AND_SOURCE_IDS`` accept;
    * ``Web``: ``url`` (an absolute URI), ``crawlDepth?`` (1-10, default 2), ``crawlPeriod?``
      (``WEEKLY``, ``BIWEEKLY``, ``MONTHLY`` or ``NEVER``, the default);
    * ``File``: ``fileName`` (at most 256 characters), ``fileSize`` (bytes, at most 16 MiB) and
      ``mimeType`` (:data:`FileMimeType`); the file itself is uploaded to the answer's ``importUrl``.

    The document's ``oneOf`` is one model here: a field of another type is refused, naming it.
    """


class KnowledgeSourceDetails(_SourceFields):
    """``source`` as Twilio returns it: the fields sent, the defaults applied, and for ``Web`` the
    crawl ``errors`` (grouped by title, at most 2000 groups), for ``File`` the ``importUrl`` to
    ``PUT`` the file to and its ``uploadExpiration`` (ISO-8601; both only while ``SCHEDULED``)."""

    errors: list[KnowledgeErrorGroup] | None = Field(None, max_length=2000)
    import_url: Uri | None = None
    upload_expiration: str | None = None


class KnowledgeCreate(WireModel):
    """Body of ``POST /v2/KnowledgeBases/{kbId}/Knowledge`` and of ``PATCH .../Knowledge/{knowledgeId}``
    (the document gives both ``KnowledgeCore``): ``{name, description?, source?}``.

    ``name``: at most 30 characters; ``description``: at most 1024 characters. On PATCH the source's
    ``type`` (and a web source's ``url``) cannot change.
    """

    name: str = Field(max_length=30)
    description: str | None = Field(None, max_length=1024)
    source: KnowledgeSource | None = None


class KnowledgeUpdate(KnowledgeCreate):
    """Body of ``PATCH /v2/KnowledgeBases/{kbId}/Knowledge/{knowledgeId}``: the create body's schema
    (``KnowledgeCore``, ``name`` required). A change of ``source`` reprocesses the content (202);
    ``?refresh=true`` reprocesses it without a change."""


class Knowledge(WireModel):
    """A knowledge source as Twilio returns it (create 201, fetch, PATCH 200, list items).

    ``id`` is a TTID (``know_knowledge_...``), ``status`` one of :data:`KnowledgeStatus`,
    ``createdAt``/``updatedAt`` ISO-8601 date-times.
    """

    id: str = Field(pattern=KNOWLEDGE_ID_PATTERN)
    name: str = Field(max_length=30)
    description: str | None = Field(None, max_length=1024)
    source: KnowledgeSourceDetails | None = None
    status: KnowledgeStatus
    created_at: str
    updated_at: str


class KnowledgeList(WireModel):
    """``GET /v2/KnowledgeBases/{kbId}/Knowledge`` (``pageSize`` 1-1000, ``pageToken``):
    ``{knowledge, meta}``."""

    knowledge: list[Knowledge] = Field(default_factory=list, max_length=1000)
    meta: ListMeta | None = None
