"""The ``Operator`` resource: a custom Language Operator (Intelligence v3).

Endpoint: ``https://intelligence.twilio.com/v3/ControlPlane/Operators``. Updates send
``If-Match: <version>``; every update makes Twilio increment ``version``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from typing import Any

import jsonschema
import pulumi
from pulumi.dynamic import CheckFailure
from typing_extensions import overload

from ..client import OPERATORS, operator_versions
from ..models import LanguageOperator, OperatorRequest, canonical_output_schema
from ..models.operator import OPERATOR_ID_PATTERN, OutputFormat
from ..models.parameters import default_problem
from ._check import CheckContext
from ._provider import TwilioProvider
from ._resource import MODULE, TwilioResource
from ._spec import ResourceSpec
from .args import OperatorContextArgsDict, OperatorParameterArgsDict, TrainingExampleArgsDict

PLACEHOLDER = re.compile(r"\{\{\s*parameters\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}")
_OPENING = re.compile(r"\{\{\s*parameters\b")


def _required_as_sets(node: Any) -> Any:
    """``node`` with every ``required`` list sorted: it is a set, and Twilio derives it from the
    order of ``properties``, which the engine does not keep (maps cross gRPC as unordered Structs)."""
    if isinstance(node, dict):
        return {
            k: sorted(v, key=str) if k == "required" and isinstance(v, list) else _required_as_sets(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_required_as_sets(v) for v in node]
    return node


def _normalise(fields: dict[str, Any]) -> dict[str, Any]:
    """Twilio stores JSON output schemas closed and fully required."""
    if fields.get("output_format") == "JSON" and isinstance(fields.get("output_schema"), dict):
        fields["output_schema"] = _required_as_sets(canonical_output_schema(fields["output_schema"]))
    return fields


def check_prompt_parameters(ctx: CheckContext) -> list[CheckFailure]:
    """Every ``{{parameters.x}}`` in the prompt is declared; malformed placeholders are refused;
    declared parameters the prompt never uses give a warning."""
    prompt, params = ctx.inputs.get("prompt"), ctx.inputs.get("parameters") or {}
    if not isinstance(prompt, str) or not ctx.known(prompt) or not isinstance(params, dict):
        return []
    failures = []
    used = PLACEHOLDER.findall(prompt)
    for name in dict.fromkeys(used):
        if name not in params:
            failures.append(
                CheckFailure(
                    "prompt",
                    f"uses {{{{parameters.{name}}}}} but parameters declares no '{name}'"
                    f" (declared: {', '.join(sorted(params)) or 'none'})",
                )
            )
    if len(_OPENING.findall(prompt)) > len(used):
        failures.append(CheckFailure("prompt", "has a malformed parameter placeholder; write {{parameters.<name>}}"))
    unused = [n for n in params if n not in used]
    if unused and not failures:
        ctx.warnings.append(f"Operator parameters {', '.join(unused)} are declared but the prompt never uses them")
    return failures


def check_output_schema(ctx: CheckContext) -> list[CheckFailure]:
    """``output_schema`` only goes with ``output_format`` JSON (required there, refused otherwise)."""
    fmt, schema = ctx.inputs.get("output_format"), ctx.inputs.get("output_schema")
    if ctx.known(fmt) and fmt in ("TEXT", "CLASSIFICATION") and schema is not None:
        return [CheckFailure("output_schema", f"is only allowed when output_format is JSON (it is {fmt})")]
    return []


def check_parameter_defaults(ctx: CheckContext) -> list[CheckFailure]:
    """A parameter's ``default`` has the parameter's type; knowledge-base parameters take none."""
    params = ctx.inputs.get("parameters")
    if not isinstance(params, dict) or not ctx.known(params):
        return []
    failures = []
    for name, spec in params.items():
        if not isinstance(spec, dict) or spec.get("default") is None:
            continue
        problem = default_problem(str(spec.get("type")), spec["default"])
        if problem:
            failures.append(CheckFailure(f"parameters.{name}.default", problem))
    return failures


def check_training_examples(ctx: CheckContext) -> list[CheckFailure]:
    """For JSON output, every training example's ``output`` is JSON that the output schema accepts."""
    fmt, schema, examples = (ctx.inputs.get(k) for k in ("output_format", "output_schema", "training_examples"))
    if fmt != "JSON" or not isinstance(examples, list) or not ctx.known(examples) or not ctx.known(schema):
        return []
    failures = []
    for i, example in enumerate(examples):
        output = example.get("output") if isinstance(example, dict) else None
        if not isinstance(output, str):
            continue
        try:
            value = json.loads(output)
        except ValueError:
            failures.append(CheckFailure(f"training_examples[{i}].output", "must be JSON, since output_format is JSON"))
            continue
        if isinstance(schema, dict):
            try:
                jsonschema.validate(value, canonical_output_schema(schema))
            except jsonschema.ValidationError as exc:
                failures.append(
                    CheckFailure(f"training_examples[{i}].output", f"does not match output_schema: {exc.message}")
                )
            except jsonschema.SchemaError:
                pass
    return failures


def is_custom(item: Mapping[str, Any]) -> bool:
    """Whether an operator (wire shape) is one the account made (``author`` ``SELF``), not Twilio's."""
    return bool(item.get("author", "SELF") == "SELF")


OPERATOR = ResourceSpec(
    type_name="Operator",
    title="Operator",
    endpoint=OPERATORS,
    create_model=OperatorRequest,
    update_model=OperatorRequest,
    response_model=LanguageOperator,
    server_fields=("version", "author"),
    id_pattern=OPERATOR_ID_PATTERN,
    if_match=True,
    normalise=_normalise,
    checks=(check_prompt_parameters, check_output_schema, check_parameter_defaults, check_training_examples),
    owned=is_custom,
    also_answers=lambda operator: (
        [(operator_versions(operator["id"]), str(operator["version"]))]
        if "id" in operator and "version" in operator
        else []
    ),
)


class OperatorProvider(TwilioProvider):
    """The dynamic provider of :class:`Operator` (keep this import path stable: state refers to it)."""

    SPEC = OPERATOR


@pulumi.input_type
@dataclasses.dataclass(kw_only=True)
class OperatorArgs:
    """The inputs of an :class:`Operator`: ``Operator("name", OperatorArgs(display_name=..., ...))``.

    The same inputs as the keyword form of :class:`Operator` (documented there).
    """

    display_name: pulumi.Input[str]
    prompt: pulumi.Input[str]
    output_format: pulumi.Input[OutputFormat]
    description: pulumi.Input[str] | None = None
    output_schema: pulumi.Input[dict[str, Any]] | None = None
    training_examples: pulumi.Input[list[pulumi.Input[TrainingExampleArgsDict]]] | None = None
    context: pulumi.Input[OperatorContextArgsDict] | None = None
    parameters: pulumi.Input[dict[str, pulumi.Input[OperatorParameterArgsDict]]] | None = None
    existing_id: pulumi.Input[str] | None = None
    allow_duplicate_display_name: pulumi.Input[bool] | None = None


class Operator(TwilioResource, module=MODULE, name="Operator"):
    """A custom Language Operator: a prompt, its output format and declared parameters.

    Endpoint: ``/v3/ControlPlane/Operators`` (Intelligence v3); updates send ``If-Match: <version>``.
    The resource id is the operator's TTID (``intelligence_operator_...``). Invalid inputs fail at
    ``pulumi preview`` with the property path and the rule broken.
    """

    display_name: pulumi.Output[str]
    description: pulumi.Output[str | None]
    prompt: pulumi.Output[str]
    output_format: pulumi.Output[str]
    output_schema: pulumi.Output[dict[str, Any] | None]
    training_examples: pulumi.Output[list[dict[str, str]] | None]
    context: pulumi.Output[dict[str, Any] | None]
    parameters: pulumi.Output[dict[str, dict[str, Any]] | None]
    version: pulumi.Output[int | None]
    author: pulumi.Output[str | None]

    _provider_class = OperatorProvider
    _args_class = OperatorArgs

    @overload
    def __init__(self, resource_name: str, args: OperatorArgs, opts: pulumi.ResourceOptions | None = None) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        display_name: pulumi.Input[str],
        prompt: pulumi.Input[str],
        output_format: pulumi.Input[OutputFormat],
        description: pulumi.Input[str] | None = None,
        output_schema: pulumi.Input[dict[str, Any]] | None = None,
        training_examples: pulumi.Input[list[pulumi.Input[TrainingExampleArgsDict]]] | None = None,
        context: pulumi.Input[OperatorContextArgsDict] | None = None,
        parameters: pulumi.Input[dict[str, pulumi.Input[OperatorParameterArgsDict]]] | None = None,
        existing_id: pulumi.Input[str] | None = None,
        allow_duplicate_display_name: pulumi.Input[bool] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(resource_name, *args, **kwargs)
