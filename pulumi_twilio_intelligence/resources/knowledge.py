"""The ``Knowledge`` resource: a knowledge source in a Knowledge Base (Knowledge v2).

Endpoint: ``https://knowledge.twilio.com/v2/KnowledgeBases/{kbId}/Knowledge``. Writes are
synchronous (create 201, ``PATCH`` 200 or 202, delete 204); Twilio then processes the content, and
the provider waits until it is COMPLETED. A file source is uploaded to the ``importUrl`` of the
create's answer. The Pulumi id is ``"{knowledge_base_id}/{knowledge_id}"``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path
from typing import Any, overload

import pulumi
from pulumi.dynamic import CheckFailure
from pulumi.runtime.rpc import contains_unknowns

from ..client import KNOWLEDGE_BASES, KNOWLEDGE_SOURCES, Collection, Readiness
from ..errors import TwilioError
from ..models import Knowledge as KnowledgeModel
from ..models import KnowledgeCreate, KnowledgeUpdate
from ..models.knowledge import KNOWLEDGE_ID_PATTERN, MAX_FILE_SIZE, MIME_TYPES_BY_EXTENSION
from ..models.knowledge_base import KNOWLEDGE_BASE_ID_PATTERN
from ._check import reference_check
from ._provider import TwilioProvider
from ._resource import MODULE, TwilioResource
from ._spec import ResourceSpec
from .args import KnowledgeSourceArgsDict

FILE_PATH = "file_path"
FILE_SHA256 = "file_sha256"


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def derive_file_source(inputs: dict[str, Any]) -> tuple[dict[str, Any], list[CheckFailure]]:
    """For ``file_path``: the ``source`` Twilio needs (``{type: File, file_name, file_size,
    mime_type}``) and the file's SHA-256 (``file_sha256``, so that a change of content replaces the
    source), read from the file; failures name ``file_path`` (missing, unsupported type, over 16
    MiB) or ``source`` (given too)."""
    path = inputs.get(FILE_PATH)
    if path is None or contains_unknowns(path):
        return inputs, []
    if inputs.get("source") is not None:
        return inputs, [CheckFailure("source", "give either source or file_path, not both")]
    file = Path(str(path))
    mime_type = MIME_TYPES_BY_EXTENSION.get(file.suffix.lower())
    if mime_type is None:
        kinds = ", ".join(sorted(MIME_TYPES_BY_EXTENSION))
        return inputs, [CheckFailure(FILE_PATH, f"must be a file Twilio can import ({kinds}), not {file.name}")]
    if not file.is_file():
        return inputs, [CheckFailure(FILE_PATH, f"{file} is not a readable file")]
    size = file.stat().st_size
    if size > MAX_FILE_SIZE:
        return inputs, [
            CheckFailure(FILE_PATH, f"{file.name} has {size} bytes; Twilio imports at most {MAX_FILE_SIZE}")
        ]
    inputs["source"] = {"type": "File", "file_name": file.name, "file_size": size, "mime_type": mime_type}
    inputs[FILE_SHA256] = _digest(file)
    return inputs, []


def upload_file(collection: Collection, props: dict[str, Any], created: dict[str, Any]) -> None:
    """``PUT`` the file of ``file_path`` to the ``source.importUrl`` of the create's answer, without
    Twilio's credentials (a presigned URL). Does nothing for other sources.

    Raises:
        TwilioError: no ``importUrl`` in the answer, the file changed since ``check`` read it, or
            the upload failed (after the REST layer's retries).
    """
    path = props.get(FILE_PATH)
    if not path or created.get("status") not in (None, "SCHEDULED"):
        return  # not a file, or one uploaded already (a lost create adopted after its upload)
    source: dict[str, Any] = created["source"] if isinstance(created.get("source"), dict) else {}
    url = source.get("importUrl")
    if not isinstance(url, str) or not url:
        raise TwilioError(f"the knowledge source {created.get('id')} was created without source.importUrl")
    file = Path(str(path))
    if props.get(FILE_SHA256) and _digest(file) != props[FILE_SHA256]:
        raise TwilioError(f"{file} changed since the preview read it: run `pulumi up` again")
    headers = {"Content-Type": str(source.get("mimeType") or "application/octet-stream")}
    collection.client.request("PUT", url, content=file.read_bytes(), headers=headers, authenticated=False)


def unchanged_source_left_out(desired: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The ``PATCH`` body: ``desired`` without ``source`` when the source already has those values
    (a source sent is reprocessed)."""
    source, remote = desired.get("source"), current.get("source")
    if isinstance(source, dict) and isinstance(remote, dict) and all(remote.get(k) == v for k, v in source.items()):
        return {k: v for k, v in desired.items() if k != "source"}
    return desired


def processing_errors(item: dict[str, Any]) -> str | None:
    """What a FAILED knowledge source's ``source.errors`` say: ``title: detail (instance); ...``."""
    source = item.get("source") if isinstance(item.get("source"), dict) else {}
    groups = (source or {}).get("errors")
    if not isinstance(groups, list) or not groups:
        return None
    parts = []
    for group in groups:
        if not isinstance(group, dict):
            continue
        for instance in group.get("instances") or [{}]:
            detail = instance.get("detail") if isinstance(instance, dict) else None
            where = instance.get("instance") if isinstance(instance, dict) else None
            code = instance.get("code") if isinstance(instance, dict) else None
            text = str(group.get("title") or "error")
            text += f": {detail}" if detail else ""
            text += f" ({where})" if where else ""
            text += f" [Twilio error {code}]" if code else ""
            parts.append(text)
    return "; ".join(parts) or None


KNOWLEDGE = ResourceSpec(
    type_name="Knowledge",
    title="knowledge source",
    endpoint=KNOWLEDGE_SOURCES,
    create_model=KnowledgeCreate,
    update_model=KnowledgeUpdate,
    response_model=KnowledgeModel,
    server_fields=("status", "created_at", "updated_at"),
    id_pattern=KNOWLEDGE_ID_PATTERN,
    parent="knowledge_base_id",
    parent_pattern=KNOWLEDGE_BASE_ID_PATTERN,
    parent_title="Knowledge Base",
    parent_endpoint=KNOWLEDGE_BASES,
    key_output="knowledge_id",
    update_method="PATCH",
    replace_on=(
        "source.type",
        "source.url",
        "source.file_name",
        "source.file_size",
        "source.mime_type",
        FILE_SHA256,
    ),
    ready=Readiness(done=frozenset({"COMPLETED"}), problem=processing_errors),
    update_body=unchanged_source_left_out,
    extra_inputs={FILE_PATH: str, FILE_SHA256: str},
    derived_inputs=(FILE_SHA256,),
    field_docs={
        FILE_PATH: (
            "A local file to import instead of ``source``: ``.csv``, ``.md``, ``.pdf``, ``.tsv`` or ``.txt``, "
            "at most 16 MiB; read at preview and uploaded to the create's ``importUrl`` without Twilio's "
            "credentials. A relative path is taken from the program's directory."
        ),
        FILE_SHA256: "The SHA-256 of the file of ``file_path`` when it was read (hex); a change makes a new source.",
        "knowledge_id": "The source's own id (``know_knowledge_...``): the second part of the Pulumi id.",
    },
    derive=derive_file_source,
    after_create=upload_file,
    display_name="name",  # a create is synchronous (no Idempotency-Key): looked for by name first
    pristine=lambda _item: True,  # sources have no version: the name and every input must match
    online_checks=(
        reference_check("knowledge_base_id", KNOWLEDGE_BASES, "Knowledge Base", pattern=KNOWLEDGE_BASE_ID_PATTERN),
    ),
)


class KnowledgeProvider(TwilioProvider):
    """The dynamic provider of :class:`Knowledge` (keep this import path stable: state refers to it)."""

    SPEC = KNOWLEDGE


@pulumi.input_type
@dataclasses.dataclass(kw_only=True)
class KnowledgeArgs:
    """The inputs of a :class:`Knowledge` source (documented there)."""

    knowledge_base_id: pulumi.Input[str]
    name: pulumi.Input[str]
    description: pulumi.Input[str] | None = None
    source: pulumi.Input[KnowledgeSourceArgsDict] | None = None
    file_path: pulumi.Input[str] | None = None
    existing_id: pulumi.Input[str] | None = None
    allow_duplicate_display_name: pulumi.Input[bool] | None = None


class Knowledge(TwilioResource, module=MODULE, name="Knowledge"):
    """A knowledge source in a Knowledge Base: raw text, a web site, or a file.

    Endpoint: ``/v2/KnowledgeBases/{kbId}/Knowledge`` (Knowledge v2). The Pulumi id is
    ``"{knowledge_base_id}/{knowledge_id}"``; both parts are outputs too (a rule's
    ``KNOWLEDGE_BASE_AND_SOURCE_IDS`` parameter takes
    ``pulumi.Output.concat(source.knowledge_base_id, ":", source.knowledge_id)``; only ``Text``
    sources serve operator parameters). The create completes when Twilio has processed the content
    (``status`` COMPLETED); a source whose processing FAILED is deleted and the create fails with
    Twilio's errors. A file (``file_path``, relative to the program's directory) is read at preview
    (type, size, SHA-256) and uploaded to the create's ``importUrl`` without Twilio's credentials.
    ``name``, ``description`` and a text's ``content`` update in place (``PATCH``; new content is
    processed again, and awaited); another source ``type``, web ``url`` or file content makes a new
    source (a replacement). At preview, with credentials, the base must exist. The create has no
    Idempotency-Key: it first looks for a source of the base with this ``name`` (crash safety: one
    with exactly these inputs is the lost create of an interrupted run and is adopted; another is
    refused unless ``allow_duplicate_display_name=True``).
    """

    knowledge_base_id: pulumi.Output[str]
    knowledge_id: pulumi.Output[str]
    name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    source: pulumi.Output[dict[str, Any] | None]
    file_path: pulumi.Output[str | None]
    file_sha256: pulumi.Output[str | None]
    status: pulumi.Output[str]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]

    _provider_class = KnowledgeProvider
    _args_class = KnowledgeArgs

    @overload
    def __init__(self, resource_name: str, args: KnowledgeArgs, opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        knowledge_base_id: pulumi.Input[str],
        name: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        source: pulumi.Input[KnowledgeSourceArgsDict] | None = None,
        file_path: pulumi.Input[str] | None = None,
        existing_id: pulumi.Input[str] | None = None,
        allow_duplicate_display_name: pulumi.Input[bool] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(resource_name, *args, **kwargs)

    def _internal_init(self, resource_name: str, inputs: dict[str, Any], opts: pulumi.ResourceOptions | None) -> None:
        path = inputs.get(FILE_PATH)
        if isinstance(path, str):  # the provider may run elsewhere: resolve against the program's directory
            inputs = {**inputs, FILE_PATH: os.path.abspath(path)}
        super()._internal_init(resource_name, inputs, opts)
