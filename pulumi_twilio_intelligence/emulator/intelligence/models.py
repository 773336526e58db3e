"""The Intelligence v3 backend: Language Operators, their Versions, and Intelligence Configurations.

State and business rules only (moto's ``models.py``): it takes validated wire bodies and returns
wire dicts; :mod:`.responses` does HTTP. One store holds every account; every method takes the
account it acts for, so accounts never see each other's objects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...models import (
    IntelligenceConfigurationCreate,
    IntelligenceConfigurationUpdate,
    OperatorRequest,
    canonical_output_schema,
)
from ...models.intelligence_configuration import CONFIGURATION_ID_PATTERN, DEFAULT_TRIGGER_COUNT
from ...models.operator import OPERATOR_ID_PATTERN
from ...models.parameters import default_problem, rule_parameter_problems
from ..errors import EmulatorError, bad_request, conflict, not_found
from ..pagination import paginate
from .seed import twilio_operators

if TYPE_CHECKING:
    from ..core import Emulator

OPERATOR = "operator"
OPERATOR_VERSION = "operator_version"
CONFIGURATION = "intelligence_configuration"
SEEDED = "seeded"

#: Fields of a Twilio-authored operator that the API never shows.
HIDDEN_FOR_TWILIO = ("prompt", "trainingExamples")


def _version_key(operator_id: str, version: int) -> str:
    return f"{operator_id}@{version}"


class IntelligenceBackend:
    """Operators, Versions and Intelligence Configurations of every account."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.store = emulator.store

    # -- accounts -----------------------------------------------------------------------------

    def ensure_seeded(self, account: str) -> None:
        """Give an account Twilio's own operators (Sentiment Analysis, Summary, ...) once."""
        if self.store.get(account, SEEDED, "intelligence"):
            return
        with self.store.transaction():
            for operator, versions in twilio_operators(account):
                self.store.put(account, OPERATOR, operator["id"], operator)
                for version in versions:
                    snapshot = {**operator, "version": version["version"], **version}
                    self.store.put(
                        account, OPERATOR_VERSION, _version_key(operator["id"], version["version"]), snapshot
                    )
            self.store.put(account, SEEDED, "intelligence", {"done": True})

    # -- operators ----------------------------------------------------------------------------

    def render_operator(self, doc: dict[str, Any]) -> dict[str, Any]:
        """The public view: Twilio-authored operators hide their prompt and training examples."""
        if doc.get("author") == "TWILIO":
            return {k: v for k, v in doc.items() if k not in HIDDEN_FOR_TWILIO}
        return dict(doc)

    def create_operator(self, account: str, body: Any) -> dict[str, Any]:
        """``POST /v3/ControlPlane/Operators``: a new SELF operator at version 1."""
        request = self.emulator.validate(OperatorRequest, body)
        fields = self._operator_fields(request)
        operator_id = self.emulator.ids.mint("intelligence_operator")
        doc = {"id": operator_id, **fields, "version": 1, "author": "SELF"}
        with self.store.transaction():
            self.store.put(account, OPERATOR, operator_id, doc)
            self._record_version(account, doc)
        return self.render_operator(doc)

    def list_operators(self, account: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Operators``: Twilio-authored and custom operators."""
        self.ensure_seeded(account)
        return paginate(self.store, account, OPERATOR, query, key="items", render=self.render_operator)

    def get_operator(self, account: str, operator_id: str) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Operators/{id}``."""
        return self.render_operator(self._operator(account, operator_id))

    def update_operator(self, account: str, operator_id: str, body: Any, if_match: str | None) -> dict[str, Any]:
        """``PUT /v3/ControlPlane/Operators/{id}``: full replacement; ``version`` grows by one.

        ``If-Match`` (``3``, ``"3"`` or ``W/"3"``) must equal the current version, else 412.
        """
        current = self._operator(account, operator_id)
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
        with self.store.transaction():
            self.store.put(account, OPERATOR, operator_id, doc)
            self._record_version(account, doc)
        return self.render_operator(doc)

    def delete_operator(self, account: str, operator_id: str) -> None:
        """``DELETE /v3/ControlPlane/Operators/{id}``: refused (409) while a configuration uses it."""
        current = self._operator(account, operator_id)
        if current.get("author") == "TWILIO":
            raise EmulatorError(403, f"Operator {operator_id} is authored by Twilio and cannot be deleted")
        for config in self.store.all(account, CONFIGURATION):
            for rule in config["rules"]:
                if any(op["id"] == operator_id for op in rule["operators"]):
                    raise conflict(
                        f"Operator {operator_id} is used by Intelligence Configuration {config['id']} "
                        f"(rule {rule['id']}); remove it from that configuration first",
                        config["id"],
                    )
        with self.store.transaction():
            self.store.delete(account, OPERATOR, operator_id)
            for version in range(1, current["version"] + 1):
                self.store.delete(account, OPERATOR_VERSION, _version_key(operator_id, version))

    def list_versions(self, account: str, operator_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Operators/{id}/Versions``: every version's status, oldest first."""
        self._operator(account, operator_id)

        def summary(doc: dict[str, Any]) -> dict[str, Any]:
            keys = ("version", "status", "dateCreated", "dateDeprecated", "retirementDate", "dateRetired")
            return {k: doc[k] for k in keys if doc.get(k) is not None}

        return paginate(
            self.store,
            account,
            OPERATOR_VERSION,
            query,
            key="items",
            render=summary,
            keep=lambda doc: doc["id"] == operator_id,
        )

    def get_version(self, account: str, operator_id: str, version: str) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Operators/{id}/Versions/{version}``."""
        self._operator(account, operator_id)
        if not re.fullmatch(r"[0-9]{1,9}", version):  # not a version number: that path cannot exist
            raise not_found(f"Version {version} of operator", operator_id)
        number = int(version)
        doc = self.store.get(account, OPERATOR_VERSION, _version_key(operator_id, number))
        if doc is None:
            raise not_found(f"Version {number} of operator", operator_id)
        return self.render_operator(doc)

    def set_version_status(self, account: str, operator_id: str, version: int, status: str) -> dict[str, Any]:
        """Admin: move a version to PREVIEW, ACTIVE, DEPRECATED or RETIRED (with the matching dates)."""
        doc = self.store.get(account, OPERATOR_VERSION, _version_key(operator_id, version))
        if doc is None:
            raise not_found(f"Version {version} of operator", operator_id)
        now = self.emulator.now_iso()
        doc["status"] = status
        for key in ("dateDeprecated", "retirementDate", "dateRetired"):
            doc.pop(key, None)
        if status in ("DEPRECATED", "RETIRED"):
            doc["dateDeprecated"] = now
        if status == "DEPRECATED":
            doc["retirementDate"] = self.emulator.iso(self.emulator.clock() + 90 * 86400)
        if status == "RETIRED":
            doc["dateRetired"] = now
        self.store.put(account, OPERATOR_VERSION, _version_key(operator_id, version), doc)
        return doc

    def _operator(self, account: str, operator_id: str) -> dict[str, Any]:
        self.emulator.check_id(operator_id, OPERATOR_ID_PATTERN, "Operator")
        self.ensure_seeded(account)
        doc = self.store.get(account, OPERATOR, operator_id)
        if doc is None:
            raise not_found("Operator", operator_id)
        return doc

    def _operator_fields(self, request: OperatorRequest) -> dict[str, Any]:
        for name, parameter in (request.parameters or {}).items():
            problem = default_problem(parameter.type, parameter.default)
            if "default" in parameter.model_fields_set and problem:
                raise bad_request(f"parameters.{name}.default", problem)
        fields = request.to_wire()
        for key in ("id", "version", "author"):  # readOnly: ignored when sent
            fields.pop(key, None)
        if request.output_format == "JSON" and request.output_schema is not None:
            fields["outputSchema"] = canonical_output_schema(request.output_schema)
        return fields

    def _record_version(self, account: str, doc: dict[str, Any]) -> None:
        snapshot = {**doc, "status": "ACTIVE", "dateCreated": self.emulator.now_iso()}
        self.store.put(account, OPERATOR_VERSION, _version_key(doc["id"], doc["version"]), snapshot)

    # -- configurations -----------------------------------------------------------------------

    def create_configuration(self, account: str, body: Any) -> dict[str, Any]:
        """``POST /v3/ControlPlane/Configurations``: version 1, a new id for every rule."""
        request = self.emulator.validate(IntelligenceConfigurationCreate, body)
        wire = request.to_wire()
        rules = [self._rule(account, i, rule, None) for i, rule in enumerate(wire["rules"])]
        now = self.emulator.now_iso()
        doc = {
            "accountId": account,
            "id": self.emulator.ids.mint("intelligence_configuration"),
            "displayName": wire["displayName"],
            **({"description": wire["description"]} if "description" in wire else {}),
            "version": 1,
            "rules": rules,
            "dateCreated": now,
            "dateUpdated": now,
        }
        self.store.put(account, CONFIGURATION, doc["id"], doc)
        return doc

    def list_configurations(self, account: str, query: Mapping[str, str]) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Configurations``."""
        return paginate(self.store, account, CONFIGURATION, query, key="items", render=dict)

    def get_configuration(self, account: str, configuration_id: str) -> dict[str, Any]:
        """``GET /v3/ControlPlane/Configurations/{id}``."""
        self.emulator.check_id(configuration_id, CONFIGURATION_ID_PATTERN, "Intelligence Configuration")
        doc = self.store.get(account, CONFIGURATION, configuration_id)
        if doc is None:
            raise not_found("Intelligence Configuration", configuration_id)
        return doc

    def update_configuration(self, account: str, configuration_id: str, body: Any) -> dict[str, Any]:
        """``PUT /v3/ControlPlane/Configurations/{id}``: a full replacement.

        Rules sent with their ``id`` keep it; rules without one get a new id; rules left out are removed.
        """
        current = self.get_configuration(account, configuration_id)
        request = self.emulator.validate(IntelligenceConfigurationUpdate, body)
        wire = request.to_wire()
        existing = {rule["id"] for rule in current["rules"]}
        rules = [self._rule(account, i, rule, existing) for i, rule in enumerate(wire["rules"])]
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
        self.store.put(account, CONFIGURATION, configuration_id, doc)
        return doc

    def delete_configuration(self, account: str, configuration_id: str) -> None:
        """``DELETE /v3/ControlPlane/Configurations/{id}``: refused (409) while a Conversation
        Configuration attaches it."""
        self.get_configuration(account, configuration_id)
        referrer = self.emulator.conversations.configuration_attaching(account, configuration_id)
        if referrer is not None:
            raise conflict(
                f"Intelligence Configuration {configuration_id} is attached to Conversation Configuration "
                f"{referrer}; detach it there first",
                referrer,
            )
        self.store.delete(account, CONFIGURATION, configuration_id)

    def configuration_exists(self, account: str, configuration_id: str) -> bool:
        """Whether the account has this Intelligence Configuration."""
        return self.store.get(account, CONFIGURATION, configuration_id) is not None

    def _rule(self, account: str, index: int, rule: dict[str, Any], existing: set[str] | None) -> dict[str, Any]:
        where = f"rules[{index}]"
        rule_id = rule.get("id")
        if rule_id is not None:
            if existing is None or rule_id not in existing:
                raise bad_request(f"{where}.id", f"{rule_id} is not a rule of this configuration")
        else:
            rule_id = self.emulator.ids.mint("intelligence_configurationrule")
        for j, reference in enumerate(rule["operators"]):
            self._check_operator_reference(account, f"{where}.operators[{j}]", reference)
        triggers = [
            {**t, "parameters": {"count": DEFAULT_TRIGGER_COUNT, **t.get("parameters", {})}}
            for t in rule.get("triggers", [])
        ]
        out = {"id": rule_id, "operators": rule["operators"], "triggers": triggers, "actions": rule["actions"]}
        if "context" in rule:
            out["context"] = rule["context"]
        return out

    def _check_operator_reference(self, account: str, where: str, reference: dict[str, Any]) -> None:
        operator_id = reference["id"]
        self.ensure_seeded(account)
        operator = self.store.get(account, OPERATOR, operator_id)
        if operator is None:
            raise bad_request(f"{where}.id", f"no operator {operator_id} exists in this account")
        declared: dict[str, Any] = operator.get("parameters") or {}
        version = reference.get("version")
        if version is not None:
            snapshot = self.store.get(account, OPERATOR_VERSION, _version_key(operator_id, version))
            if snapshot is None:
                raise bad_request(f"{where}.version", f"operator {operator_id} has no version {version}")
            if snapshot["status"] == "RETIRED":
                raise bad_request(
                    f"{where}.version", f"version {version} of operator {operator_id} is RETIRED; pin a valid version"
                )
            declared = snapshot.get("parameters") or {}
        values: dict[str, Any] = reference.get("parameters") or {}
        for name, reason in rule_parameter_problems(operator_id, values, declared)[:1]:
            raise bad_request(f"{where}.parameters.{name}", reason)
