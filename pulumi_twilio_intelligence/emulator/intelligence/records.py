"""Typed records of the Intelligence v3 backend (besides operators and configurations, which are
kept as the wire bodies the API serves)."""

from __future__ import annotations

from typing import Any

from ...models.operator import VersionStatus
from ..state import Record

#: The wire names of a version's lifecycle fields, in the order the API lists them.
LIFECYCLE = ("version", "status", "dateCreated", "dateDeprecated", "retirementDate", "dateRetired")


class OperatorVersion(Record):
    """One version of an operator: the operator as it was (a wire body) and its lifecycle.

    Attributes:
        operator: the operator's wire body at this version (``id``, ``version``, ``prompt``...).
        status: PREVIEW, ACTIVE, DEPRECATED or RETIRED.
        date_created: when the version was made (ISO-8601).
        date_deprecated, retirement_date, date_retired: set as the version ages (ISO-8601).
    """

    operator: dict[str, Any]
    status: VersionStatus
    date_created: str
    date_deprecated: str | None = None
    retirement_date: str | None = None
    date_retired: str | None = None

    @staticmethod
    def key(operator_id: str, version: int) -> str:
        """The table key of a version: ``<operator id>@<version>``."""
        return f"{operator_id}@{version}"

    @property
    def operator_id(self) -> str:
        """The operator's id."""
        return str(self.operator["id"])

    def to_wire(self) -> dict[str, Any]:
        """``GET .../Operators/{id}/Versions/{version}``: the operator at this version, with its lifecycle."""
        lifecycle = {
            "status": self.status,
            "dateCreated": self.date_created,
            "dateDeprecated": self.date_deprecated,
            "retirementDate": self.retirement_date,
            "dateRetired": self.date_retired,
        }
        return {**self.operator, **{k: v for k, v in lifecycle.items() if v is not None}}

    def summary(self) -> dict[str, Any]:
        """An item of ``GET .../Operators/{id}/Versions``: the version number and its lifecycle."""
        wire = self.to_wire()
        return {k: wire[k] for k in LIFECYCLE if wire.get(k) is not None}


class Seeded(Record):
    """The marker that an account has Twilio's own operators (they are added once)."""

    api: str
