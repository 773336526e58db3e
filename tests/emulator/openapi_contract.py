"""Check request/response pairs against Twilio's official OpenAPI documents (openapi-core).

:class:`Contract` holds the documents (Intelligence v3 for ``/v3/...``, Memory v1 for ``/v1/...``,
Knowledge v2 for its ``/v2/`` paths, Conversations v2 for the other ``/v2/...``; see :data:`DOCUMENTS`)
and answers, for one :class:`Exchange`, the list of ways the response breaks them:

* a status the document lists for the operation: the body must match that response's schema,
  every header it documents (``ETag``, ``Operation-Id``, ``Location``, ``Retry-After``,
  ``X-RateLimit-*``, ``X-Conflicting-Resource-Id``...) must be present with a valid value, and a
  response documented without content must have no body;
* a status the document does not list (401, 403, 405, 409, 412 on v3...): it must be an error
  (4xx/5xx), and its body must still match the API's own error schema, which is the one schema
  every documented error response of the document shares (v3 ``{code, message, httpStatusCode,
  userError, params}``, v2 ``{code, message, more_info, status}``);
* every error body carries every property of that error schema, and its status property
  (``httpStatusCode`` / ``status``) equals the HTTP status;
* a request the document rejects (bad body, parameter or credentials) must not succeed;
* an Operation's ``status`` may also be ``RUNNING`` or ``CANCELLED``, exactly these two beyond the
  enum: Twilio's docs page on asynchronous Operations lists them (see
  :data:`LIVE_OPERATION_STATUSES`).

``HEAD`` is checked as the ``GET`` of the same path (RFC 9110: the same status and headers, no body).

Paths outside the APIs (the emulator's admin API and upload URLs under ``/__emulator/``) are not checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import requests
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30ReadValidator
from rfc3986_validator import validate_rfc3986

#: The official documents, by the path prefix they serve; the first prefix that matches wins.
#: Knowledge v2 and Conversations v2 share ``/v2/``, and even ``/v2/ControlPlane/Operations/{id}``:
#: Knowledge's Operation ids are ``know_operation_`` TTIDs (the emulator's choice, see the README).
DOCUMENTS = {
    "/v3/": "twilio_intelligence_v3.json",
    "/v1/": "twilio_memory_v1.json",
    "/v2/ControlPlane/KnowledgeBases": "twilio_knowledge_v2.json",
    "/v2/KnowledgeBases/": "twilio_knowledge_v2.json",
    "/v2/ControlPlane/Operations/know_operation_": "twilio_knowledge_v2.json",
    "/v2/": "twilio_conversations_v2.json",
}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
#: Error-body properties that repeat the HTTP status (v3 and v2 spell it differently).
STATUS_PROPERTIES = ("httpStatusCode", "status")
#: ``format: uri`` for headers (``Location``); openapi-core has no formatter of its own for it.
FORMATS = Config(extra_format_validators={"uri": lambda value: bool(validate_rfc3986(value, rule="URI"))})


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and the response it got, independent of the client library.

    ``url`` is absolute (any host: the documents are matched by path); header names are
    case-insensitive; bodies are raw bytes.
    """

    method: str
    url: str
    request_headers: Mapping[str, str]
    request_body: bytes
    status: int
    response_headers: Mapping[str, str]
    response_body: bytes

    def __post_init__(self) -> None:
        # header values travel as ISO-8859-1 (RFC 9110 allows obs-text), not only ASCII
        object.__setattr__(self, "request_headers", httpx.Headers(self.request_headers, encoding="latin-1"))
        object.__setattr__(self, "response_headers", httpx.Headers(self.response_headers, encoding="latin-1"))

    @classmethod
    def from_httpx(cls, response: httpx.Response) -> Exchange:
        """The exchange of an ``httpx`` response (its ``request`` must be set and read)."""
        request = response.request
        return cls(
            method=request.method,
            url=str(request.url),
            request_headers=request.headers,
            request_body=request.content,
            status=response.status_code,
            response_headers=response.headers,
            response_body=response.content,
        )

    @classmethod
    def from_prepared(
        cls, request: requests.PreparedRequest, status: int, headers: Mapping[str, str], body: bytes
    ) -> Exchange:
        """The exchange of a ``requests`` request (the SDK's and schemathesis' client) and its answer."""
        sent = request.body or b""
        return cls(
            method=request.method or "GET",
            url=request.url or "",
            request_headers=request.headers,
            request_body=sent.encode() if isinstance(sent, str) else sent,
            status=status,
            response_headers=headers,
            response_body=body,
        )

    @property
    def documented_method(self) -> str:
        """The method the documents describe this request under (``head`` is ``get``), lower case."""
        method = self.method.lower()
        return "get" if method == "head" else method

    @property
    def path(self) -> str:
        """The URL path, e.g. ``/v3/ControlPlane/Operators``."""
        return urlsplit(self.url).path

    def describe(self) -> str:
        """``"POST /v3/ControlPlane/Operators -> 201"``."""
        return f"{self.method.upper()} {self.path} -> {self.status}"


def _deref(document: Mapping[str, Any], node: Any) -> Any:
    while isinstance(node, Mapping) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _without_prose(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {k: _without_prose(v) for k, v in node.items() if k not in ("description", "example", "examples")}
    if isinstance(node, list):
        return [_without_prose(v) for v in node]
    return node


def _request_view(document: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a document for checking requests: read-only properties and flags removed.

    OpenAPI 3.0: read-only properties are relevant to responses only; a request SHOULD NOT send
    them and a server may ignore them (as the emulator does), and ``required`` does not apply to
    them in requests. ``readOnly`` means nothing on a parameter, yet Twilio's path ids reuse the
    read-only id schemas, so the flag goes everywhere (the pattern stays).
    """

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, Mapping):
            return node
        out = {k: walk(v) for k, v in node.items() if k not in ("readOnly", "properties")}
        properties = node.get("properties")
        if isinstance(properties, Mapping):
            read_only = {n for n, p in properties.items() if _deref(document, p).get("readOnly") is True}
            out["properties"] = {n: walk(p) for n, p in properties.items() if n not in read_only}
            if isinstance(node.get("required"), list):
                out["required"] = [n for n in node["required"] if n not in read_only]
        return out

    result: dict[str, Any] = walk(document)
    return result


#: Operation statuses that Twilio's docs page on asynchronous Operations lists (PENDING, RUNNING,
#: CANCELLED, COMPLETED, FAILED) and the documents' status enums leave out (live note C8). The
#: emulator answers them on purpose (``--live-operation-statuses``, ``--cancel-operations``), so
#: answers are checked against each Operation status enum plus exactly these two values.
LIVE_OPERATION_STATUSES = ("RUNNING", "CANCELLED")


def _with_live_operation_statuses(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` whose Operation status enums (those listing PENDING, COMPLETED and
    FAILED) also allow :data:`LIVE_OPERATION_STATUSES`; nothing else changes."""

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, Mapping):
            return node
        out = {k: walk(v) for k, v in node.items()}
        enum = node.get("enum")
        if isinstance(enum, list) and {"PENDING", "COMPLETED", "FAILED"} <= set(enum):
            out["enum"] = [*enum, *(s for s in LIVE_OPERATION_STATUSES if s not in enum)]
        return out

    result: dict[str, Any] = walk(document)
    return result


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}/]+\})", template)
    return re.compile("^" + "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "$")


def _messages(error: BaseException) -> list[str]:
    """The readable reasons of an openapi-core error: the header or parameter it names, and each
    schema error with its location."""
    label = type(error).__name__
    if getattr(error, "name", None):
        label += f" {error.name}"  # type: ignore[attr-defined]
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None)
    if schema_errors:
        return [f"{label} at {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in schema_errors]
    return [f"{label}: {error}" + (f" ({cause})" if cause is not None else "")]


def _json(body: bytes) -> tuple[Any, str | None]:
    try:
        return json.loads(body), None
    except ValueError as exc:
        return None, f"the body is not JSON ({exc}): {body[:200]!r}"


@dataclass
class ApiDocument:
    """One official OpenAPI document, ready to check exchanges.

    Raises ``ValueError`` at load when the document's error responses do not share one schema.
    """

    path: Path
    raw: dict[str, Any] = field(init=False, repr=False)
    openapi: OpenAPI = field(init=False, repr=False)
    requests: OpenAPI = field(init=False, repr=False)
    server_url: str = field(init=False)
    error_schema: dict[str, Any] = field(init=False, repr=False)
    _templates: list[tuple[re.Pattern[str], str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.raw = json.loads(self.path.read_text())
        self.openapi = OpenAPI.from_dict(_with_live_operation_statuses(self.raw), config=FORMATS)
        self.requests = OpenAPI.from_dict(_request_view(self.raw), config=FORMATS)
        self.server_url = self.raw["servers"][0]["url"].rstrip("/")
        # literal segments win over parameters (``/Operators/{id}/Versions`` before ``/{version}``)
        templates = sorted(self.raw["paths"], key=lambda t: (t.count("/"), -t.count("{")), reverse=True)
        self._templates = [(_template_regex(t), t) for t in templates]
        self.error_schema = self._shared_error_schema()
        self._error_validator = OAS30ReadValidator(self.error_schema)

    def _shared_error_schema(self) -> dict[str, Any]:
        found: dict[str, dict[str, Any]] = {}
        for item in self.raw["paths"].values():
            for method, operation in item.items():
                if method not in METHODS:
                    continue
                for status, response in operation["responses"].items():
                    if status[0] not in "45":
                        continue
                    schema = _deref(self.raw, _deref(self.raw, response)["content"]["application/json"]["schema"])
                    found[json.dumps(_without_prose(schema), sort_keys=True)] = schema
        if len(found) != 1:
            raise ValueError(f"{self.path.name}: expected one error schema, found {len(found)}")
        return next(iter(found.values()))

    def template(self, path: str) -> str | None:
        """The document's path template matching ``path``, or ``None``."""
        return next((t for regex, t in self._templates if regex.match(path)), None)

    def documented_response(self, exchange: Exchange) -> dict[str, Any] | None:
        """The response object the document gives for this method, path and status (``$ref`` resolved)."""
        template = self.template(exchange.path)
        if template is None:
            return None
        operation = self.raw["paths"][template].get(exchange.documented_method)
        if operation is None:
            return None
        response = operation["responses"].get(str(exchange.status)) or operation["responses"].get("default")
        return _deref(self.raw, response) if response is not None else None

    def problems(self, exchange: Exchange) -> list[str]:
        """Every way ``exchange`` breaks this document (empty when it conforms)."""
        split = urlsplit(exchange.url)
        request = MockRequest(
            self.server_url,
            exchange.documented_method,
            split.path,
            args=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers=dict(exchange.request_headers),
            data=exchange.request_body,
            content_type=exchange.request_headers.get("content-type", ""),
        )
        response = MockResponse(
            exchange.response_body,
            status_code=exchange.status,
            headers=dict(exchange.response_headers),
            content_type=exchange.response_headers.get("content-type", ""),
        )
        problems: list[str] = []
        if exchange.status < 400:
            for error in self.requests.unmarshal_request(request).errors:
                problems += [f"the documents reject the request, yet it succeeded: {m}" for m in _messages(error)]
        documented = self.documented_response(exchange)
        if documented is None:
            if exchange.status < 400:
                problems.append("a success status the document does not list for this operation")
        else:
            if exchange.method.lower() == "head":
                if exchange.response_body:
                    problems.append("a HEAD response has a body")
            else:
                for error in self.openapi.unmarshal_response(request, response).errors:
                    problems += _messages(error)
            for header in documented.get("headers", {}):
                if header not in exchange.response_headers:
                    problems.append(f"the documented header {header} is missing")
            if "content" not in documented and exchange.response_body:
                problems.append(f"documented without a body, yet one was sent: {exchange.response_body[:200]!r}")
        if exchange.status >= 400 and exchange.method.lower() != "head":
            problems += self._error_body_problems(exchange)
        return problems

    def _error_body_problems(self, exchange: Exchange) -> list[str]:
        body, problem = _json(exchange.response_body)
        if problem:
            return [problem]
        problems = [
            f"error body at {'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in self._error_validator.iter_errors(body)
        ]
        if not isinstance(body, dict):
            return problems or [f"the error body is not an object: {body!r}"]
        for name in self.error_schema.get("properties", {}):
            if name not in body:
                problems.append(f"the error body has no {name}: {body!r}")
            elif name in STATUS_PROPERTIES and body[name] != exchange.status:
                problems.append(f"the error body says {name}={body[name]!r}, the HTTP status is {exchange.status}")
        return problems


class Contract:
    """The official documents; :meth:`problems` checks any exchange with the emulator."""

    def __init__(self, documents: Mapping[str, ApiDocument]) -> None:
        self.documents = dict(documents)

    @classmethod
    def load(cls, paths: Mapping[str, Path]) -> Contract:
        """Load the documents: ``{"/v3/": path, "/v2/": path}`` (path prefix -> document file; a
        document serving several prefixes is loaded once)."""
        loaded: dict[Path, ApiDocument] = {}
        for path in paths.values():
            if path not in loaded:
                loaded[path] = ApiDocument(path)
        return cls({prefix: loaded[path] for prefix, path in paths.items()})

    def document_for(self, path: str) -> ApiDocument | None:
        """The document that serves this URL path, or ``None`` (admin API, unknown prefixes)."""
        return next((doc for prefix, doc in self.documents.items() if path.startswith(prefix)), None)

    def problems(self, exchange: Exchange) -> list[str]:
        """Every way ``exchange`` breaks the documents; empty when it conforms or is not an API call."""
        document = self.document_for(exchange.path)
        return document.problems(exchange) if document is not None else []

    def check(self, exchanges: Iterable[Exchange]) -> None:
        """Raise ``AssertionError`` listing every problem of every exchange."""
        report = [f"{x.describe()}: {p}" for x in exchanges for p in self.problems(x)]
        if report:
            raise AssertionError("responses that break the OpenAPI documents:\n  " + "\n  ".join(report))
