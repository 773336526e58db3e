"""Trait Groups of a Memory Store (Memory API v1,
``https://memory.twilio.com/v1/ControlPlane/Stores/{storeId}/TraitGroups``).

Schemas ``TraitGroupRequest`` (create), the inline PATCH body, ``TraitGroup``, ``TraitDefinition``
and ``ValidationRule`` (``String``/``Number``/``Boolean``/``ArrayValidationRule``) of
``twilio_memory_v1.json``. A trait group is addressed by its ``displayName``; create, update (PATCH
with ``If-Match``) and delete answer 202 with an Operation.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ._base import WireModel, field_refusal
from .control_plane import ListMeta

#: ``""`` marks a trait for deletion in a PATCH.
TraitDataType = Literal["STRING", "NUMBER", "BOOLEAN", "ARRAY", ""]
ValidationRuleType = Literal["STRING", "NUMBER", "BOOLEAN", "ARRAY"]

TRAIT_GROUP_NAME_PATTERN = r"^[a-zA-Z0-9_\-\.]+$"
#: At most 95 traits in a group (``maxProperties``).
MAX_TRAITS = 95
#: The deletion marker of ``traits.<name>.dataType`` in a PATCH.
DELETE_TRAIT = ""

#: The fields each ``ruleType`` allows besides ``ruleType`` (wire names; the document's oneOf).
RULE_FIELDS: dict[str, frozenset[str]] = {
    "STRING": frozenset({"pattern", "minLength", "maxLength"}),
    "NUMBER": frozenset({"min", "max"}),
    "BOOLEAN": frozenset(),
    "ARRAY": frozenset({"minItems", "maxItems"}),
}


class TraitValidationRule(WireModel):
    """``{ruleType, ...}``: how a trait's values are validated, one of four shapes by ``ruleType``:

    * ``STRING``: ``pattern?`` (at most 1000 characters), ``minLength?`` (>= 0), ``maxLength?`` (>= 1);
    * ``NUMBER``: ``min?``, ``max?`` (numbers);
    * ``BOOLEAN``: nothing else;
    * ``ARRAY``: ``minItems?``, ``maxItems?`` (>= 0, counts).

    The document's ``oneOf`` (each shape ``additionalProperties: false``) is one model here: a field
    of another shape is refused, naming it and the ``ruleType``.
    """

    rule_type: ValidationRuleType
    pattern: str | None = Field(None, max_length=1000)
    min_length: int | None = Field(None, ge=0)
    max_length: int | None = Field(None, ge=1)
    min: float | None = None
    max: float | None = None
    min_items: int | None = Field(None, ge=0)
    max_items: int | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _fields_of_rule_type(self) -> TraitValidationRule:
        allowed = RULE_FIELDS.get(self.rule_type)
        if allowed is None:  # a lenient read of a rule type this package does not know
            return self
        for name, info in type(self).model_fields.items():
            wire = info.alias or name
            if name != "rule_type" and getattr(self, name) is not None and wire not in allowed:
                message = f"is not allowed when ruleType is {self.rule_type}"
                raise field_refusal(type(self), wire, "field_of_other_rule_type", message)
        return self


class TraitDefinition(WireModel):
    """``{dataType, description?, validationRule?, idTypePromotion?}``: one trait of a group.

    ``dataType`` is STRING, NUMBER, BOOLEAN or ARRAY (``""`` deletes the trait in a PATCH);
    ``description`` at most 1024 characters; ``idTypePromotion`` (at most 30 characters) names the
    identifier type (``email``, ``phone``...) the trait's value is promoted to in identity resolution.
    """

    data_type: TraitDataType
    description: str | None = Field(None, max_length=1024)
    validation_rule: TraitValidationRule | None = None
    id_type_promotion: str | None = Field(None, max_length=30)


class _TraitGroupBody(WireModel):
    """The fields of a trait group; none required."""

    display_name: str | None = Field(None, min_length=1, max_length=64, pattern=TRAIT_GROUP_NAME_PATTERN)
    description: str | None = Field(None, max_length=1024)
    traits: dict[str, TraitDefinition] | None = Field(None, max_length=MAX_TRAITS)


class TraitGroupCreate(_TraitGroupBody):
    """Body of ``POST /v1/ControlPlane/Stores/{storeId}/TraitGroups``: ``{displayName, description?, traits?}``.

    ``displayName``: 1-64 letters, digits, ``_``, ``-`` or ``.``, unique in the store (it addresses
    the group); ``traits``: at most 95, keyed by trait name.
    """

    display_name: str = Field(min_length=1, max_length=64, pattern=TRAIT_GROUP_NAME_PATTERN)


class TraitGroupUpdate(WireModel):
    """Body of ``PATCH /v1/ControlPlane/Stores/{storeId}/TraitGroups/{traitGroupName}`` (with ``If-Match``).

    ``{description?, traits?}``: the display name cannot change. Traits sent are added or replaced
    whole; a trait whose ``dataType`` is ``""`` is removed; traits not sent stay.
    """

    description: str | None = Field(None, max_length=1024)
    traits: dict[str, TraitDefinition] | None = Field(None, max_length=MAX_TRAITS)


class TraitGroup(_TraitGroupBody):
    """A Trait Group as Twilio returns it (``version`` starts at 1 and grows with every update)."""

    display_name: str = Field(min_length=1, max_length=64, pattern=TRAIT_GROUP_NAME_PATTERN)
    version: int = Field(ge=1)


class TraitGroupResponse(WireModel):
    """``GET .../TraitGroups/{traitGroupName}`` (``includeTraits``, default true; with an ``ETag``):
    ``{traitGroup, meta?}``."""

    trait_group: TraitGroup | None = None
    meta: ListMeta | None = None


class TraitGroupList(WireModel):
    """``GET .../TraitGroups`` (``includeTraits``, default false; ``pageSize`` 1-100, ``pageToken``,
    ``orderBy``): ``{traitGroups, meta}``, at most 50 groups a page."""

    trait_groups: list[TraitGroup] = Field(default_factory=list, max_length=50)
    meta: ListMeta | None = None
