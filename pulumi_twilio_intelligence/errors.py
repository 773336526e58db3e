"""The package's one exception hierarchy.

::

    TwilioError                      base of everything raised here
    ├── ConfigurationError           missing or malformed settings (credentials, base URLs, timeouts)
    ├── TwilioApiError               Twilio answered with an error status (status, code, message, more_info)
    │   └── OperationFailedError     an asynchronous Operation ended FAILED (RFC 9457 problem details)
    └── OperationTimeoutError        an Operation was still PENDING when our timeout ran out

No message ever contains a credential: the REST layer scrubs known secrets from every message.
"""

from __future__ import annotations

from typing import Any


class TwilioError(Exception):
    """Base class of every error raised by ``pulumi_twilio_intelligence``."""


class ConfigurationError(TwilioError):
    """A setting is missing or malformed; the message names the config key and environment variable."""


class TwilioApiError(TwilioError):
    """Twilio answered a request with an error status.

    Attributes:
        status: the HTTP status code (e.g. 404).
        code: Twilio's error code from the body, when it gave one (e.g. 20404).
        message: Twilio's message, or the HTTP reason phrase.
        more_info: a link to Twilio's documentation of the error code, when known.
        method, path: the request that failed (the path has no query string and no credentials).
        details: the decoded error body (a dict), for callers that need more.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: int | None = None,
        more_info: str | None = None,
        method: str = "",
        path: str = "",
        details: dict[str, Any] | None = None,
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.more_info = more_info
        self.method = method
        self.path = path
        self.details = details or {}
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"{self.method} {self.path} " if self.method else ""
        code = f", Twilio error {self.code}" if self.code is not None else ""
        text = f"{where}failed with HTTP {self.status}{code}: {self.message}"
        if self.more_info:
            text += f" (see {self.more_info})"
        if self.hint:
            text += f". {self.hint}"
        return text

    @property
    def not_found(self) -> bool:
        """True for 404: the object does not exist (or not in this account)."""
        return self.status == 404

    def with_hint(self, hint: str) -> TwilioApiError:
        """A copy of this error whose message ends with ``hint`` (what the user should do)."""
        return type(self)(
            self.status,
            self.message,
            code=self.code,
            more_info=self.more_info,
            method=self.method,
            path=self.path,
            details=self.details,
            hint=hint,
        )


class OperationFailedError(TwilioApiError):
    """An asynchronous Operation (Conversations v2) ended FAILED.

    ``details`` holds the RFC 9457 problem (``type``, ``title``, ``status``, ``detail``, ``instance``)
    and ``operation_id`` and ``created_at`` (ISO-8601) the Operation.
    """

    def __init__(
        self, operation_id: str, problem: dict[str, Any] | None, *, created_at: str | None = None, **kwargs: Any
    ) -> None:
        problem = problem or {}
        self.operation_id = operation_id
        self.created_at = created_at
        title = problem.get("title") or "Operation failed"
        detail = problem.get("detail")
        message = f"Operation {operation_id} FAILED: {title}" + (f": {detail}" if detail else "")
        kwargs.setdefault("details", problem)
        kwargs.setdefault("more_info", problem.get("type"))
        super().__init__(int(problem.get("status") or 500), message, **kwargs)

    def with_hint(self, hint: str) -> OperationFailedError:
        return type(self)(self.operation_id, self.details, created_at=self.created_at, hint=hint)


class OperationTimeoutError(TwilioError):
    """An asynchronous Operation was still PENDING after ``timeout`` seconds.

    Re-running ``pulumi up`` resumes it: every asynchronous write carries a deterministic
    Idempotency-Key, so Twilio answers with the same Operation instead of starting another one.
    """

    def __init__(self, operation_id: str, timeout: float) -> None:
        self.operation_id = operation_id
        self.timeout = timeout
        super().__init__(
            f"Operation {operation_id} was still PENDING after {timeout:g} seconds; run `pulumi up` "
            "again to resume waiting for it, or raise twilio:operationTimeout (TWILIO_OPERATION_TIMEOUT)"
        )
