"""Language Operators (Intelligence API v3, ``/v3/ControlPlane/Operators``).

Schemas ``LanguageOperator``, ``OperatorParameter``, ``OperatorContext``, ``OperatorTrainingExample``,
``ListOperatorVersionsResponse`` and ``LanguageOperatorVersion`` of the official document.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from ._base import WireModel
from .defaults import ServerDefault
from .output_schema import output_schema_problems

OutputFormat = Literal["TEXT", "JSON", "CLASSIFICATION"]
ParameterType = Literal["STRING", "INTEGER", "NUMBER", "BOOLEAN", "KNOWLEDGE_BASE_AND_SOURCE_IDS"]
Author = Literal["SELF", "TWILIO"]
VersionStatus = Literal["PREVIEW", "ACTIVE", "DEPRECATED", "RETIRED"]

OPERATOR_ID_PATTERN = r"^intelligence_operator_[0-7][0-9a-z]{25}$"
#: The pydantic error type of an output schema outside Twilio's subset; its ``ctx["problems"]``
#: holds every ``(json path, reason)`` pair.
OUTPUT_SCHEMA_ERROR = "output_schema_subset"


class OperatorParameter(WireModel):
    """One declared parameter: ``{type, default?, required?, description?}``.

    ``required`` defaults to false on Twilio's side; ``KNOWLEDGE_BASE_AND_SOURCE_IDS`` takes no default.
    """

    type: ParameterType = Field(description="The parameter's type.")
    default: Any = Field(
        None,
        description=(
            "The value used when a rule sets none, of the parameter's type (none for "
            "``KNOWLEDGE_BASE_AND_SOURCE_IDS``)."
        ),
    )
    required: Annotated[bool | None, ServerDefault(False, stored=False)] = Field(
        None, description="Whether every rule that runs the operator must set a value."
    )
    description: str | None = Field(None, description="What the parameter means.")

    __nullable__ = frozenset({"default"})


class ContextToggle(WireModel):
    """``{enabled: bool}``: whether the operator may use Memory or Knowledge at run time."""

    enabled: bool | None = Field(None, description="Whether the operator may use this source.")


class OperatorContext(WireModel):
    """``{memory?: {enabled}, knowledge?: {enabled}}``."""

    memory: ContextToggle | None = Field(
        None, description="Memory: what Twilio remembers of the customer (profile, traits, observations)."
    )
    knowledge: ContextToggle | None = Field(None, description="Knowledge: the Knowledge Bases passed by the rule.")


class TrainingExample(WireModel):
    """``{input, output}``: an example of the operator's intended behaviour."""

    input: str = Field(description="An example input (a conversation or an excerpt).")
    output: str = Field(
        description=(
            "The output expected for it; JSON that the output schema accepts when the output format is ``JSON``."
        ),
    )


class _OperatorBody(WireModel):
    """Fields shared by requests and responses; nothing required."""

    display_name: str | None = Field(None, min_length=1, max_length=128, description="The operator's name.")
    description: str | None = Field(None, description="What the operator does.")
    prompt: str | None = Field(
        None,
        description=(
            "The instructions the operator follows; it may use declared parameters as ``{{parameters.<name>}}``."
        ),
    )
    output_format: OutputFormat | None = Field(None, description="The shape of the results.")
    output_schema: dict[str, Any] | None = Field(
        None,
        description=(
            "The JSON Schema (root type ``object``, Twilio's supported subset) of the results; required when the "
            "output format is ``JSON``, refused otherwise. Twilio stores it closed (``additionalProperties: "
            "false``) with every property required."
        ),
    )
    training_examples: list[TrainingExample] | None = Field(
        None, description="Examples of the operator's intended behaviour."
    )
    context: OperatorContext | None = Field(None, description="The context sources the operator may use at run time.")
    parameters: dict[str, OperatorParameter] | None = Field(
        None, description="The parameters the prompt may use, by name; rules set their values."
    )


class OperatorRequest(_OperatorBody):
    """Body of ``POST /v3/ControlPlane/Operators`` and ``PUT /v3/ControlPlane/Operators/{id}``.

    Required: ``displayName``, ``prompt``, ``outputFormat``. ``outputSchema`` is required when
    ``outputFormat`` is ``JSON`` and must stay within Twilio's supported JSON Schema subset.
    """

    display_name: str = Field(min_length=1, max_length=128)
    prompt: str
    output_format: OutputFormat
    output_schema: dict[str, Any] | None = None

    @field_validator("output_schema")
    @classmethod
    def _supported_subset(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        problems = output_schema_problems(value) if value is not None else []
        if problems:
            where, reason = problems[0]
            # the message names the first problem; ``ctx["problems"]`` lists them all (for ``check``)
            raise PydanticCustomError(
                OUTPUT_SCHEMA_ERROR,
                "{first}",
                {"first": f"{where}: {reason}" if where else reason, "problems": problems},
            )
        return value

    @model_validator(mode="after")
    def _schema_for_json(self) -> OperatorRequest:
        # an after-validator, not ``validate_default``: that would let an explicit null through
        if self.output_format == "JSON" and self.output_schema is None:
            error = PydanticCustomError("output_schema_required", "is required when the output format is JSON")
            details = InitErrorDetails(type=error, loc=("outputSchema",), input=None)
            raise ValidationError.from_exception_data(type(self).__name__, [details])
        return self


class LanguageOperator(_OperatorBody):
    """A Language Operator as Twilio returns it (201/200 of create, fetch, update, list items).

    ``id`` is a TTID (``intelligence_operator_...``), ``version`` starts at 1 and grows with every
    update, ``author`` is ``SELF`` for custom operators and ``TWILIO`` for Twilio-authored ones (whose
    ``prompt`` and ``trainingExamples`` are omitted).
    """

    id: str | None = Field(None, description="The operator's id (``intelligence_operator_...``).")
    version: int | None = Field(
        None, description="The operator's version: 1 when created, one more with every update. Pin rules to it."
    )
    author: Author | None = Field(None, description="``SELF`` for custom operators, ``TWILIO`` for Twilio's own.")


class OperatorVersionSummary(WireModel):
    """An item of ``GET /v3/ControlPlane/Operators/{id}/Versions``."""

    version: int
    status: VersionStatus
    date_created: str
    date_deprecated: str | None = None
    retirement_date: str | None = None
    date_retired: str | None = None


class LanguageOperatorVersion(LanguageOperator):
    """``GET /v3/ControlPlane/Operators/{id}/Versions/{version}``: the operator at that version."""

    status: VersionStatus
    date_created: str
