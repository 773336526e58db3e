"""The Intelligence v3 backend: Language Operators, their Versions, and Intelligence Configurations.

State and business rules only (moto's ``models.py``): one :class:`IntelligenceBackend` per account
(``emulator.intelligence[account_sid]``) takes request bodies and returns wire dicts;
:mod:`.responses` does HTTP. Operators and configurations are kept as the wire bodies the API
serves; versions are :class:`~.records.OperatorVersion` records.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...models import (
    IntelligenceConfigurationCreate,
    IntelligenceConfigurationUpdate,
    OperatorRequest,
    RuleUpdate,
    canonical_output_schema,
    with_server_defaults,
)
from ...models.intelligence_configuration import CONFIGURATION_ID_PATTERN
from ...models.operator import OPERATOR_ID_PATTERN, VersionStatus
from ...models.parameters import default_problem, rule_parameter_problems
from ..backend import AccountBackend
from ..errors import EmulatorError, bad_request, conflict, not_found
from ..pagination import paginate
from .records import OperatorVersion, Seeded
from .seed import twilio_operators

if TYPE_CHECKING:
    from ..core import Emulator

OPERATOR = "operator"
OPERATOR_VERSION = "operator_version"
CONFIGURATION = "intelligence_configuration"
SEEDED = "seeded"

#: Fields of a Twilio-authored operator that the API never shows.
HIDDEN_FOR_TWILIO = ("prompt", "trainingExamples")
#: Twilio's code of a rule naming an operator that does not exist (live note I5).
OPERATOR_NOT_FOUND = 70001


class IntelligenceBackend(AccountBackend):
    """Operators, Versions and Intelligence Configurations of one account."""

    def __init__(self, emulator: Emulator, account: str) -> None:
        super().__init__(emulator, account)
        self.operators = self.table(OPERATOR, dict)
        self.versions = self.table(OPERATOR_VERSION, OperatorVersion)
        self.configurations = self.table(CONFIGURATION, dict)
        self.seeded = self.table(SEEDED, Seeded)

    def custom_resources(self) -> dict[str, int]:
        """Custom operators (Twilio-authored ones excluded) and Intelligence Configurations."""
        counts = {
            "operator": sum(1 for doc in self.operators.all() if doc.get("author") != "TWILIO"),
            "intelligence_configuration": len(self.configurations.all()),
        }
        return {kind: n for kind, n in counts.items() if n}

    # -- accounts -----------------------------------------------------------------------------

    def ensure_seeded(self) -> None:
        """Give the account Twilio's own operators (Sentiment Analysis, Summary, ...) once."""
        if self.seeded.get("intelligence"):
            return
        with self.emulator.store.transaction():
            for operator, versions in twilio_operators(self.account):
                self.operators.put(operator["id"], operator)
                for version in versions:
                    self.versions.put(OperatorVersion.key(operator["id"], version.operator["version"]), version)
            self.seeded.put("intelligence", Seeded(api="intelligence"))

    # -- operators ----------------------------------------------------------------------------

    @staticmethod
    def render_operator(doc: dict[str, Any]) -> dict[str, Any]:
        """The public view: Twilio-authored operators hide their prompt and training examples."""
        if doc.get("author") == "TWILIO":
            return {k: v for k, v in doc.items() if k not in HIDDEN_FOR_TWILIO}
        return dict(doc)

    def create_operator(self, body: Any) -> dict[str, Any]:
        """``POST /v3/ControlPlane/Operators``: a new SELF operator at version 1."""
        request = self.emulator.validate(OperatorRequest, body)
        fields = self._operator_fields(request)
        operator_id = self.emulator.ids.mint("intelligence_operator")
        doc = {"id": operator_id, **fields, "version": 1, "author": "SELF"}
        with self.emulator.store.transaction():
            self.operators.put(operator_id, doc)
            self._record_version(doc)
        return self.render_operator(doc)

    def list_operators(self, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Operators``: Twilio-authored and custom operators."""
        self.ensure_seeded()
        return paginate(self.operators, query, key="items", render=self.render_operator)

    def get_operator(self, operator_id: str) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Operators/{id}``."""
        return self.render_operator(self._operator(operator_id))

    def update_operator(self, operator_id: str, body: Any, if_match: str | None) -> dict[str, Any]:
        """``PUT /v3/ControlPlane/Operators/{id}``: full replacement; ``version`` grows by one.

        ``If-Match`` (``3``, ``"3"`` or ``W/"3"``) must equal the current version, else 412.
        """
        current = self._operator(operator_id)
        if current.get("author") == "TWILIO":
            raise EmulatorError(403, f"Operator {operator_id} is authored by Twilio and cannot be updated")
        if if_match is not None and if_match.strip() != "*":
            wanted = if_match.strip().removeprefix("W/").strip('"')
            if wanted != str(current["version"]):
                raise EmulatorError(
                    412,
                    f"Precondition failed: If-Match {if_match.strip()} does not match the current "
                    f"version {current['version']} of operator {operator_id}",
                )
        request = self.emulator.validate(OperatorRequest, body)
        doc = {"id": operator_id, **self._operator_fields(request), "version": current["version"] + 1, "author": "SELF"}
        with self.emulator.store.transaction():
            self.operators.put(operator_id, doc)
            self._record_version(doc)
        return self.render_operator(doc)

    def delete_operator(self, operator_id: str) -> None:
        """``DELETE /v3/ControlPlane/Operators/{id}``: refused (409) while a configuration uses it; a
        Twilio-authored operator is 404 "Operator not found", as live Twilio answers (I2)."""
        current = self._operator(operator_id)
        if current.get("author") == "TWILIO":  # live Twilio: not "yours" to delete (I2)
            raise EmulatorError(404, "Operator not found")
        for config in self.configurations.all():
            for rule in config["rules"]:
                if any(op["id"] == operator_id for op in rule["operators"]):
                    raise conflict(
                        f"Operator {operator_id} is used by Intelligence Configuration {config['id']} "
                        f"(rule {rule['id']}); remove it from that configuration first",
                        config["id"],
                    )
        with self.emulator.store.transaction():
            self.operators.delete(operator_id)
            for version in range(1, current["version"] + 1):
                self.versions.delete(OperatorVersion.key(operator_id, version))

    def list_versions(self, operator_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Operators/{id}/Versions``: every version's status, oldest first."""
        self._operator(operator_id)
        return paginate(
            self.versions,
            query,
            key="items",
            render=OperatorVersion.summary,
            keep=lambda version: version.operator_id == operator_id,
        )

    def get_version(self, operator_id: str, version: str) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Operators/{id}/Versions/{version}``."""
        self._operator(operator_id)
        if not re.fullmatch(r"[0-9]{1,9}", version):  # not a version number: that path cannot exist
            raise not_found(f"Version {version} of operator", operator_id)
        number = int(version)
        record = self.versions.get(OperatorVersion.key(operator_id, number))
        if record is None:
            raise not_found(f"Version {number} of operator", operator_id)
        return self.render_operator(record.to_wire())

    def set_version_status(self, operator_id: str, version: int, status: VersionStatus) -> dict[str, Any]:
        """Admin: move a version to PREVIEW, ACTIVE, DEPRECATED or RETIRED (with the matching dates).

        Returns the version's full wire body (a Twilio-authored operator's prompt included).
        """
        key = OperatorVersion.key(operator_id, version)
        record = self.versions.get(key)
        if record is None:
            raise not_found(f"Version {version} of operator", operator_id)
        now = self.emulator.now_iso()
        late = status in ("DEPRECATED", "RETIRED")
        record = record.model_copy(
            update={
                "status": status,
                "date_deprecated": now if late else None,
                "retirement_date": self.emulator.iso(self.emulator.clock() + 90 * 86400)
                if status == "DEPRECATED"
                else None,
                "date_retired": now if status == "RETIRED" else None,
            }
        )
        self.versions.put(key, record)
        return record.to_wire()

    def _operator(self, operator_id: str) -> dict[str, Any]:
        self.emulator.check_id(operator_id, OPERATOR_ID_PATTERN, "Operator")
        self.ensure_seeded()
        doc = self.operators.get(operator_id)
        if doc is None:
            raise not_found("Operator", operator_id)
        return doc

    @staticmethod
    def _operator_fields(request: OperatorRequest) -> dict[str, Any]:
        for name, parameter in (request.parameters or {}).items():
            problem = default_problem(parameter.type, parameter.default)
            if "default" in parameter.model_fields_set and problem:
                raise bad_request(f"parameters.{name}.default", problem)
        fields = request.to_wire()
        for key in ("id", "version", "author"):  # readOnly: ignored when sent
            fields.pop(key, None)
        if request.output_format == "JSON" and request.output_schema is not None:
            fields["outputSchema"] = canonical_output_schema(request.output_schema)
        return with_server_defaults(OperatorRequest, fields, wire=True, stored_only=True)  # type: ignore[no-any-return]

    def _record_version(self, doc: dict[str, Any]) -> None:
        version = OperatorVersion(operator=doc, status="ACTIVE", date_created=self.emulator.now_iso())
        self.versions.put(OperatorVersion.key(doc["id"], doc["version"]), version)

    # -- configurations -----------------------------------------------------------------------

    def create_configuration(self, body: Any) -> dict[str, Any]:
        """``POST /v3/ControlPlane/Configurations``: version 1, a new id for every rule."""
        request = self.emulator.validate(IntelligenceConfigurationCreate, body)
        wire = request.to_wire()
        rules = [self._rule(i, rule, None) for i, rule in enumerate(wire["rules"])]
        now = self.emulator.now_iso()
        doc = {
            "accountId": self.account,
            "id": self.emulator.ids.mint("intelligence_configuration"),
            "displayName": wire["displayName"],
            **({"description": wire["description"]} if "description" in wire else {}),
            "version": 1,
            "rules": rules,
            "dateCreated": now,
            "dateUpdated": now,
        }
        self.configurations.put(doc["id"], doc)
        return doc

    def list_configurations(self, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Configurations``."""
        return paginate(self.configurations, query, key="items", render=dict)

    def get_configuration(self, configuration_id: str) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Configurations/{id}``."""
        self.emulator.check_id(configuration_id, CONFIGURATION_ID_PATTERN, "Intelligence Configuration")
        doc = self.configurations.get(configuration_id)
        if doc is None:
            raise not_found("Intelligence Configuration", configuration_id)
        return doc

    def update_configuration(self, configuration_id: str, body: Any) -> dict[str, Any]:
        """``PUT /v3/ControlPlane/Configurations/{id}``: a full replacement.

        Rules sent with their ``id`` keep it; rules without one get a new id; rules left out are removed.
        """
        current = self.get_configuration(configuration_id)
        request = self.emulator.validate(IntelligenceConfigurationUpdate, body)
        wire = request.to_wire()
        existing = {rule["id"] for rule in current["rules"]}
        rules = [self._rule(i, rule, existing) for i, rule in enumerate(wire["rules"])]
        ids = [rule["id"] for rule in rules]
        if len(set(ids)) != len(ids):
            raise bad_request("rules", "the same rule id is sent twice")
        doc = {
            **{k: v for k, v in current.items() if k != "description"},
            "displayName": wire["displayName"],
            **({"description": wire["description"]} if "description" in wire else {}),
            "version": current["version"] + 1,
            "rules": rules,
            "dateUpdated": self.emulator.now_iso(),
        }
        self.configurations.put(configuration_id, doc)
        return doc

    def delete_configuration(self, configuration_id: str) -> None:
        """``DELETE /v3/ControlPlane/Configurations/{id}``: refused (409) while a Conversation
        Configuration attaches it."""
        self.get_configuration(configuration_id)
        referrer = self.emulator.conversations[self.account].configuration_attaching(configuration_id)
        if referrer is not None:
            raise conflict(
                f"Intelligence Configuration {configuration_id} is attached to Conversation Configuration "
                f"{referrer}; detach it there first",
                referrer,
            )
        self.configurations.delete(configuration_id)

    def configuration_exists(self, configuration_id: str) -> bool:
        """Whether the account has this Intelligence Configuration."""
        return self.configurations.get(configuration_id) is not None

    def _rule(self, index: int, rule: dict[str, Any], existing: set[str] | None) -> dict[str, Any]:
        where = f"rules[{index}]"
        rule_id = rule.get("id")
        if rule_id is not None:
            if existing is None or rule_id not in existing:
                raise bad_request(f"{where}.id", f"{rule_id} is not a rule of this configuration")
        else:
            rule_id = self.emulator.ids.mint("intelligence_configurationrule")
        for j, reference in enumerate(rule["operators"]):
            self._check_operator_reference(f"{where}.operators[{j}]", reference)
        stored = with_server_defaults(RuleUpdate, rule, wire=True, stored_only=True)
        out = {
            "id": rule_id,
            "operators": stored["operators"],
            "triggers": stored["triggers"],
            "actions": stored["actions"],
        }
        if "context" in stored:
            out["context"] = stored["context"]
        return out

    def _check_operator_reference(self, where: str, reference: dict[str, Any]) -> None:
        operator_id = reference["id"]
        self.ensure_seeded()
        operator = self.operators.get(operator_id)
        if operator is None:  # live Twilio: code 70001 naming the operator (I5)
            raise EmulatorError(
                400,
                f"Invalid parameter '{where}.id': operator {operator_id} does not exist in this account",
                code=OPERATOR_NOT_FOUND,
                field=f"{where}.id",
            )
        declared: dict[str, Any] = operator.get("parameters") or {}
        version = reference.get("version")
        if version is not None:
            snapshot = self.versions.get(OperatorVersion.key(operator_id, version))
            if snapshot is None:
                raise bad_request(f"{where}.version", f"operator {operator_id} has no version {version}")
            if snapshot.status == "RETIRED":
                raise bad_request(
                    f"{where}.version", f"version {version} of operator {operator_id} is RETIRED; pin a valid version"
                )
            declared = snapshot.operator.get("parameters") or {}
        values: dict[str, Any] = reference.get("parameters") or {}
        for name, reason in rule_parameter_problems(operator_id, values, declared)[:1]:
            raise bad_request(f"{where}.parameters.{name}", reason)
