"""The ``IntelligenceConfiguration`` resource: rules that run Language Operators (Intelligence v3).

Endpoint: ``https://intelligence.twilio.com/v3/ControlPlane/Configurations``. Updates are full
replacements; existing rules are sent with their ids so that rule ids stay stable.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import pulumi
from pulumi.dynamic import CheckFailure
from typing_extensions import overload

from ..client import (
    INTELLIGENCE_CONFIGURATIONS,
    OPERATORS,
    operator_version_lifecycle,
    operator_versions,
)
from ..errors import TwilioApiError, TwilioError
from ..models import (
    IntelligenceConfiguration as IntelligenceConfigurationModel,
)
from ..models import (
    IntelligenceConfigurationCreate,
    IntelligenceConfigurationUpdate,
    RuleCreate,
    with_server_defaults,
)
from ..models.intelligence_configuration import CONFIGURATION_ID_PATTERN
from ..models.parameters import rule_parameter_problems
from ._check import CheckContext
from ._provider import TwilioProvider
from ._resource import MODULE, TwilioResource
from ._spec import ResourceSpec
from .args import RuleArgsDict

#: Operator version statuses that warn (DEPRECATED) or fail (RETIRED) when a rule pins them.
LATE = ("DEPRECATED", "RETIRED")
#: What a 404 of an operator or version means to the user.
MISSING = "no such operator or version in this account"


def _without_id(rule: Any) -> Any:
    return {k: v for k, v in rule.items() if k != "id"} if isinstance(rule, dict) else rule


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    """Rules are compared without their ids (Twilio assigns them)."""
    rules = fields.get("rules")
    if isinstance(rules, list):
        fields["rules"] = [_without_id(r) for r in rules]
    return fields


def keep_rule_ids(desired: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    """The PUT body: ``desired`` with each rule given the id of the current rule it updates.

    A desired rule takes the id of a current rule with the same content; the others take the id of
    the current rule at the same position, if still free; the rest are created anew.
    """

    def content(rule: dict[str, Any]) -> dict[str, Any]:
        stored = with_server_defaults(RuleCreate, RuleCreate.from_wire(_without_id(rule)).to_wire(), wire=True)
        return stored  # type: ignore[no-any-return]

    current_rules = current.get("rules") or []
    free = {rule["id"]: content(rule) for rule in current_rules}
    rules: list[dict[str, Any]] = [dict(r) for r in desired.get("rules") or []]
    assigned: dict[int, str] = {}
    for i, rule in enumerate(rules):
        wanted = content(rule)
        match = next((rid for rid, c in free.items() if c == wanted), None)
        if match:
            assigned[i] = match
            del free[match]
    for i in range(len(rules)):
        if i not in assigned and i < len(current_rules) and current_rules[i]["id"] in free:
            assigned[i] = current_rules[i]["id"]
            del free[current_rules[i]["id"]]
    for i, rid in assigned.items():
        rules[i] = {"id": rid, **rules[i]}
    return {**desired, "rules": rules}


def check_rule_operators(ctx: CheckContext) -> list[CheckFailure]:
    """Each rule's operators exist, pinned versions exist and are not RETIRED (DEPRECATED warns),
    and parameter values match the operator's declared names and types (when known).

    Online, with the check client (1 retry at most, so that an unreachable Twilio becomes a warning
    within seconds, not minutes). Each request is made at most once per ``check`` call, however many
    rules name the same operator:

    * a pinned version: ``GET /v3/ControlPlane/Operators/{id}/Versions/{version}`` (its parameters
      and status); after a 404 there, ``GET /v3/ControlPlane/Operators/{id}`` tells a missing
      operator from a missing version;
    * no version: ``GET /v3/ControlPlane/Operators/{id}`` (the latest parameters);
    * a DEPRECATED or RETIRED version: also ``GET /v3/ControlPlane/Operators/{id}/Versions`` (pages of
      1000 until the version: the only place Twilio documents the dates).

    A reference (``{id, version, parameters}``) that the old inputs already had is not verified
    again (see :meth:`CheckContext.fetch`), and answers are shared by the whole provider process:
    so each distinct (operator, version) pair costs at most one request per process, plus one per
    DEPRECATED or RETIRED pin, and none when the operator was written by the same process.
    """
    rules = ctx.inputs.get("rules")
    if ctx.client is None or not isinstance(rules, list):
        return []
    failures: list[CheckFailure] = []
    for i, rule in enumerate(rules):
        refs = rule.get("operators") if isinstance(rule, dict) else None
        if not isinstance(refs, list):
            continue
        for j, ref in enumerate(refs):
            if not isinstance(ref, dict):
                continue
            where = f"rules[{i}].operators[{j}]"
            operator_id, version = ref.get("id"), ref.get("version")
            if not isinstance(operator_id, str) or not ctx.known(operator_id):
                continue
            if not ctx.known(version):
                continue  # pinned to a version not known yet: the operator itself changes in this update
            try:
                declared = _declared_parameters(ctx, where, operator_id, version, failures)
            except TwilioError as exc:
                ctx.warnings.append(f"could not verify {where}: {exc}")
                continue
            if declared is not None:
                failures.extend(_parameter_failures(where, operator_id, ref.get("parameters"), declared, ctx))
    return failures


def _declared_parameters(
    ctx: CheckContext, where: str, operator_id: str, version: Any, failures: list[CheckFailure]
) -> dict[str, Any] | None:
    """The parameters the referenced operator (version) declares, or ``None`` when the reference is
    unchanged since the old inputs or after a failure (added to ``failures``) that makes checking
    them pointless."""
    if not isinstance(version, int) or isinstance(version, bool):
        try:
            operator = ctx.fetch(OPERATORS, operator_id, where=where)
        except TwilioApiError as exc:
            if not exc.not_found:
                raise
            failures.append(CheckFailure(f"{where}.id", f"{exc.message} ({MISSING})"))
            return None
        return None if operator is None else operator.get("parameters") or {}
    try:
        snapshot = ctx.fetch(operator_versions(operator_id), str(version), where=where)
    except TwilioApiError as exc:
        if not exc.not_found:
            raise
        try:
            ctx.fetch(OPERATORS, operator_id, where=where)
        except TwilioApiError as missing:
            if not missing.not_found:
                raise
            failures.append(CheckFailure(f"{where}.id", f"{missing.message} ({MISSING})"))
            return None
        failures.append(CheckFailure(f"{where}.version", f"{exc.message} ({MISSING})"))
        return None
    if snapshot is None:
        return None
    status = snapshot.get("status")
    if status in LATE:
        name = snapshot.get("displayName", operator_id)
        dates = ctx.lookup(
            ("lifecycle", operator_id, version),
            lambda client: operator_version_lifecycle(client, operator_id, version),
        )
        if status == "RETIRED":
            failures.append(
                CheckFailure(
                    f"{where}.version",
                    f"version {version} of operator '{name}' ({operator_id}) is RETIRED "
                    f"since {dates.get('date_retired', 'an earlier date')}: pin an ACTIVE version",
                )
            )
            return None
        ctx.warnings.append(
            f"{where}: version {version} of operator '{name}' ({operator_id}) is DEPRECATED and "
            f"will be retired on {dates.get('retirement_date', 'a date Twilio will announce')}"
        )
    return snapshot.get("parameters") or {}


def _parameter_failures(
    where: str, operator_id: str, values: Any, declared: dict[str, Any], ctx: CheckContext
) -> list[CheckFailure]:
    if not ctx.known(values):
        return []
    values = values or {}
    if not isinstance(values, dict):
        return []
    return [
        CheckFailure(f"{where}.parameters.{name}", reason)
        for name, reason in rule_parameter_problems(operator_id, values, declared)
    ]


INTELLIGENCE_CONFIGURATION = ResourceSpec(
    type_name="IntelligenceConfiguration",
    title="Intelligence Configuration",
    endpoint=INTELLIGENCE_CONFIGURATIONS,
    create_model=IntelligenceConfigurationCreate,
    update_model=IntelligenceConfigurationUpdate,
    response_model=IntelligenceConfigurationModel,
    server_fields=("account_id", "version", "date_created", "date_updated"),
    id_pattern=CONFIGURATION_ID_PATTERN,
    normalise=_normalise,
    update_body=keep_rule_ids,
    online_checks=(check_rule_operators,),
    # I1: a PUT of the rules may leave the new version inactive: by default a new configuration
    # replaces the old one (created first; the engine re-points the dependents, then deletes it)
    replace_unless_in_place=("rules",),
)


class IntelligenceConfigurationProvider(TwilioProvider):
    """The dynamic provider of :class:`IntelligenceConfiguration` (stable import path)."""

    SPEC = INTELLIGENCE_CONFIGURATION


@pulumi.input_type
@dataclasses.dataclass(kw_only=True)
class IntelligenceConfigurationArgs:
    """The inputs of an :class:`IntelligenceConfiguration` (documented there)."""

    display_name: pulumi.Input[str]
    rules: pulumi.Input[list[pulumi.Input[RuleArgsDict]]]
    description: pulumi.Input[str] | None = None
    existing_id: pulumi.Input[str] | None = None
    allow_duplicate_display_name: pulumi.Input[bool] | None = None
    update_method: pulumi.Input[Literal["replace", "in_place"]] | None = None


class IntelligenceConfiguration(TwilioResource, module=MODULE, name="IntelligenceConfiguration"):
    """An Intelligence Configuration: up to 5 rules, each running 1-5 operators on a trigger.

    Endpoint: ``/v3/ControlPlane/Configurations`` (Intelligence v3). It runs once a Conversation
    Configuration attaches it (``intelligence_configuration_ids``). A change of ``rules`` makes a
    new configuration unless ``update_method="in_place"``; ``display_name`` and ``description``
    always change in place.
    """

    display_name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    rules: pulumi.Output[list[dict[str, Any]]]
    account_id: pulumi.Output[str]
    version: pulumi.Output[int]
    date_created: pulumi.Output[str]
    date_updated: pulumi.Output[str]

    _provider_class = IntelligenceConfigurationProvider
    _args_class = IntelligenceConfigurationArgs

    @overload
    def __init__(
        self, resource_name: str, args: IntelligenceConfigurationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        display_name: pulumi.Input[str],
        rules: pulumi.Input[list[pulumi.Input[RuleArgsDict]]],
        description: pulumi.Input[str] | None = None,
        existing_id: pulumi.Input[str] | None = None,
        allow_duplicate_display_name: pulumi.Input[bool] | None = None,
        update_method: pulumi.Input[Literal["replace", "in_place"]] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(resource_name, *args, **kwargs)
