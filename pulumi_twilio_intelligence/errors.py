"""The package's one exception hierarchy.

::

    TwilioError                      base of everything raised here
    ├── ConfigurationError           missing or malformed settings (credentials, base URLs, timeouts)
    ├── TwilioConnectionError        no answer from Twilio (network failure or timeout, after retries)
    ├── UnexpectedResponseError      Twilio answered 2xx with a body that is not the documented shape
    ├── TwilioApiError               Twilio answered with an error status (status, code, message, more_info)
    │   ├── OperationFailedError     an asynchronous Operation ended FAILED (RFC 9457 problem details)
    │   │   └── OperationCancelledError  ... or CANCELLED: its change was not applied
    │   └── ObjectGoneError          an asynchronous create completed, but its object no longer exists
    ├── OperationTimeoutError        an Operation was still PENDING when our timeout ran out
    │   └── ProvisioningTimeoutError an object was not ready (ACTIVE, COMPLETED) when our timeout ran out
    ├── ProvisioningFailedError      an object Twilio provisions or processes ended FAILED
    ├── OperationAbandonedError      an Operation the settings say to give up on (twilio:abandonOperations)
    └── DuplicateNameError           a create would make a second object with the same display name

No message ever contains a credential: the REST layer scrubs known secrets from every message.
"""

from __future__ import annotations

from typing import Any, TypeVar

#: Twilio's page about one error code (``more_info`` of its error bodies, ``type`` of its problems).
ERROR_DOCS_URL = "https://www.twilio.com/docs/errors/{code}"


def error_docs_url(code: int) -> str:
    """The URL of Twilio's documentation of error ``code`` (e.g. ``.../docs/errors/20404``)."""
    return ERROR_DOCS_URL.format(code=code)


E = TypeVar("E", bound="TwilioApiError")


class TwilioError(Exception):
    """Base class of every error raised by ``pulumi_twilio_intelligence``."""


class ConfigurationError(TwilioError):
    """A setting is missing or malformed; the message names the config key and environment variable."""


class TwilioConnectionError(TwilioError):
    """A request got no answer from Twilio, after the retries that were safe.

    Attributes:
        method, path: the request (no query string, no credentials).
        may_have_reached_twilio: ``False`` when no connection was made (Twilio cannot have acted),
            ``True`` when the answer was lost (a read timeout, a dropped connection): Twilio may have
            acted on the request.
    """

    def __init__(self, message: str, *, method: str, path: str, may_have_reached_twilio: bool) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.may_have_reached_twilio = may_have_reached_twilio


class UnexpectedResponseError(TwilioError):
    """Twilio answered a request with success, but the body does not have the documented shape
    (not JSON, a missing field, a value of the wrong type). The message names the request."""


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

    def with_hint(self: E, hint: str) -> E:
        """A copy of this error (same class and attributes) whose message ends with ``hint``, what the
        user should do, instead of the generic hint of its HTTP status."""
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.hint = hint
        clone.args = (clone._render(),)
        return clone


class OperationFailedError(TwilioApiError):
    """An asynchronous Operation (Conversations v2, Memory v1, Knowledge v2) ended FAILED or
    CANCELLED (``state``).

    ``details`` holds the RFC 9457 problem (``type``, ``title``, ``status``, ``detail``, ``instance``;
    Memory and Knowledge give Twilio's ``code`` instead of ``status``)
    and ``operation_id`` and ``created_at`` (ISO-8601) the Operation. ``method`` and ``path`` are the
    write that started it (``PUT /v2/ControlPlane/Configurations/conv_configuration_...``).
    ``replayed`` is true when the Operation is older than the request: Twilio answered an
    Idempotency-Key it had already seen with that earlier Operation (an earlier run's failure).
    """

    def __init__(
        self,
        operation_id: str,
        problem: dict[str, Any] | None,
        *,
        created_at: str | None = None,
        replayed: bool = False,
        state: str = "FAILED",
        **kwargs: Any,
    ) -> None:
        problem = problem or {}
        self.operation_id = operation_id
        self.created_at = created_at
        self.replayed = replayed
        self.state = state
        title = problem.get("title") or f"Operation {state.lower()}"
        detail = problem.get("detail")
        message = f"Operation {operation_id} {state}: {title}" + (f": {detail}" if detail else "")
        kwargs.setdefault("details", problem)
        kwargs.setdefault("more_info", problem.get("type"))
        code = problem.get("code")  # Memory v1 and Knowledge v2 problems carry Twilio's error code
        if isinstance(code, int) and not isinstance(code, bool):
            kwargs.setdefault("code", code)
        super().__init__(int(problem.get("status") or 500), message, **kwargs)


class OperationCancelledError(OperationFailedError):
    """An asynchronous Operation ended CANCELLED (a terminal status the docs page lists, C8): the
    write it carried was not applied. Attributes as :class:`OperationFailedError`; the message names
    the write and the Operation and says what to do, without an HTTP status (there was none)."""

    def _render(self) -> str:
        where = f"{self.method} {self.path}" if self.method else "The write"
        detail = self.details.get("detail") if isinstance(self.details, dict) else None
        text = f"{where} was not applied: Operation {self.operation_id} was CANCELLED" + (
            f": {detail}" if detail else ""
        )
        hint = self.hint or (
            "Twilio (or someone in the account) cancelled it; run `pulumi up` again to send the write anew"
        )
        return f"{text}. {hint}"


class ObjectGoneError(TwilioApiError):
    """An asynchronous create's Operation COMPLETED, but the object it names is gone (404).

    This is what a replayed create looks like: Twilio answered an Idempotency-Key it had seen within
    24 hours with the original Operation, whose object has been deleted since. ``object_id`` is
    that object's id; ``method`` and ``path`` are the fetch that found it gone.
    """

    def __init__(self, object_id: str, message: str, **kwargs: Any) -> None:
        self.object_id = object_id
        super().__init__(404, message, **kwargs)


class OperationTimeoutError(TwilioError):
    """An asynchronous Operation was still PENDING after ``timeout`` seconds.

    Re-running ``pulumi up`` resumes it: every asynchronous write carries a deterministic
    Idempotency-Key, so Twilio answers with the same Operation instead of starting another one.
    """

    def __init__(self, operation_id: str, timeout: float, *, status: str = "PENDING", advice: str = "") -> None:
        self.operation_id = operation_id
        self.timeout = timeout
        self.status = status
        super().__init__(
            f"Operation {operation_id} was still {status} after {timeout:g} seconds. "
            + (
                advice
                or "Run `pulumi up` again to resume waiting for it, or raise twilio:operationTimeout "
                "(TWILIO_OPERATION_TIMEOUT)"
            )
        )


class OperationAbandonedError(TwilioError):
    """Twilio answered a write with an Operation that ``twilio:abandonOperations`` (environment
    ``TWILIO_ABANDON_OPERATIONS``) names: the provider gives up on it instead of waiting.

    Attributes:
        operation_id: the Operation given up on.
        status: its status when it was given up on (``PENDING``, ``RUNNING``), or ``""`` before any poll.
    """

    def __init__(self, operation_id: str, status: str = "") -> None:
        self.operation_id = operation_id
        self.status = status
        super().__init__(f"Operation {operation_id} is abandoned (twilio:abandonOperations)")


class DuplicateNameError(TwilioError):
    """A create would make a second object of its type with the same display name.

    Attributes:
        existing_ids: the ids of the objects that already have that name.
    """

    def __init__(self, message: str, existing_ids: list[str]) -> None:
        self.existing_ids = existing_ids
        super().__init__(message)


class ProvisioningFailedError(TwilioError):
    """An object that Twilio provisions or processes after the write (a Memory Store, a Knowledge Base,
    a knowledge source) reached a failed status.

    Attributes:
        title: what it is (``Memory Store``); object_id: its id; status: the status it reached;
        problem: what Twilio says went wrong (a knowledge source's errors), if anything;
        details: the object as Twilio returned it (wire shape).
    """

    def __init__(
        self,
        title: str,
        object_id: str,
        status: str,
        problem: str | None,
        *,
        details: dict[str, Any] | None = None,
        hint: str | None = None,
    ) -> None:
        self.title = title
        self.object_id = object_id
        self.status = status
        self.problem = problem
        self.details = details or {}
        self.hint = hint
        text = f"The {title} {object_id} is {status}" + (f": {problem}" if problem else "")
        super().__init__(text + (f". {hint}" if hint else ""))

    def with_hint(self, hint: str) -> ProvisioningFailedError:
        """The same error whose message ends with ``hint`` (what happened next, what to do)."""
        return ProvisioningFailedError(
            self.title, self.object_id, self.status, self.problem, details=self.details, hint=hint
        )


class ProvisioningTimeoutError(OperationTimeoutError):
    """An object that Twilio provisions or processes was not ready after ``timeout`` seconds."""

    def __init__(self, title: str, object_id: str, status: str, timeout: float) -> None:
        TwilioError.__init__(
            self,
            f"The {title} {object_id} was still {status} after {timeout:g} seconds; run `pulumi up` again to "
            "resume waiting for it, or raise twilio:operationTimeout (TWILIO_OPERATION_TIMEOUT)",
        )
        self.operation_id = object_id
        self.timeout = timeout
        self.title = title
        self.object_id = object_id
        self.status = status
