"""What the runner reports per tenant, and the first line of an error with its fix."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

Operation = Literal["preview", "up", "refresh", "destroy", "status", "prune"]
Result = Literal["succeeded", "failed"]

#: (pattern in an error, the fix printed after its first line)
FIXES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"passphrase", re.I),
        "set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE for every runner and worker",
    ),
    (
        re.compile(r"\b(401|20003)\b|Authentication"),
        "check the tenant's credentials (auth_token_env / credentials_file) or the parent's",
    ),
    (
        re.compile(r"\b(20429|429)\b|Too Many Requests"),
        "Twilio throttled the account: lower --parallel or --account-concurrency",
    ),
    (
        re.compile(r"currently locked|locked by"),
        "another run holds the stack: wait for it, or run `pulumi cancel` if it died",
    ),
    (re.compile(r"not set|is required|environment variable", re.I), "set the variable or file the fleet file names"),
    (re.compile(r"ConnectError|Connection refused|timed out", re.I), "check TWILIO_*_BASE_URL and the network"),
]


class TenantResult(BaseModel):
    """One tenant's outcome (also the records of ``--json``).

    Attributes:
        tenant: the tenant's name (its stack name).
        operation: what ran (``preview``, ``up``, ``refresh``, ``destroy``, ``status`` or ``prune``).
        result: ``succeeded`` or ``failed``.
        changes: resource changes by kind (``create``, ``update``, ``delete``, ``replace``, ...);
            unchanged resources (``same``) are not counted.
        seconds: wall time of the tenant's run, seconds.
        error: the error's first line and its fix (``None`` on success); the full text is in the
            tenant's log file.
        detail: what ``status`` found (last update), or a note such as a subaccount created.
    """

    tenant: str
    operation: Operation
    result: Result
    changes: dict[str, int] = Field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the tenant succeeded."""
        return self.result == "succeeded"

    def record(self) -> dict[str, object]:
        """The ``--json`` record: ``{tenant, result, changes, seconds, error}``."""
        return {
            "tenant": self.tenant,
            "result": self.result,
            "changes": self.changes,
            "seconds": round(self.seconds, 3),
            "error": self.error,
        }


def first_line_with_fix(text: str) -> str:
    """The first meaningful line of an error text, followed by the fix for it when one is known."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    interesting = [line for line in lines if line.lower().startswith(("error:", "  error:")) or "error" in line.lower()]
    first = (interesting or lines or ["unknown error"])[0]
    first = first[:300]
    for pattern, fix in FIXES:
        if pattern.search(text):
            return f"{first} (fix: {fix})"
    return first


def is_throttled(text: str) -> bool:
    """Whether an error text is Twilio's 429 (error 20429: too many concurrent requests)."""
    return bool(FIXES[2][0].search(text))
