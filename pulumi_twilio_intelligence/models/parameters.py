"""Operator parameters and the values rules give them (Intelligence v3).

The document: an operator declares ``parameters`` (``{name: {type, default?, required?}}``); "the key
and value passed by the Rule must match the name and data type of the parameter defined in the
Operator"; ``KNOWLEDGE_BASE_AND_SOURCE_IDS`` takes no ``default`` and its value is
``knowledge_base_id:knowledge_source_id``. The emulator enforces these rules at write time and the
provider at ``pulumi preview``, both through the functions below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

KNOWLEDGE = "KNOWLEDGE_BASE_AND_SOURCE_IDS"
#: The value of a KNOWLEDGE_BASE_AND_SOURCE_IDS parameter: ``knowledge_base_id:knowledge_source_id``.
KNOWLEDGE_VALUE_PATTERN = r"know_knowledgebase_[0-7][0-9a-z]{25}:know_knowledge_[0-7][0-9a-z]{25}"
#: JSON value types of each parameter type (a JSON boolean is never a number).
VALUE_TYPES: Mapping[str, tuple[type, ...]] = {
    "STRING": (str,),
    "INTEGER": (int,),
    "NUMBER": (int, float),
    "BOOLEAN": (bool,),
    KNOWLEDGE: (str,),
}


def value_problem(parameter_type: str, value: Any) -> str | None:
    """Why ``value`` cannot be the value of a parameter of ``parameter_type``; ``None`` if it can."""
    kinds = VALUE_TYPES.get(parameter_type)
    if kinds is None:
        return None
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        return f"must be a {parameter_type} value"
    if parameter_type == KNOWLEDGE and not re.fullmatch(KNOWLEDGE_VALUE_PATTERN, str(value)):
        return "must be knowledge_base_id:knowledge_source_id (two TTIDs)"
    return None


def default_problem(parameter_type: str, default: Any) -> str | None:
    """Why ``default`` cannot be the declared default of a parameter of ``parameter_type``."""
    if parameter_type == KNOWLEDGE:
        return f"{KNOWLEDGE} parameters take no default"
    problem = value_problem(parameter_type, default)
    return f"{problem}, like the parameter" if problem else None


def rule_parameter_problems(
    operator_id: str, values: Mapping[str, Any], declared: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """``(parameter name, reason)`` for each way a rule's parameter ``values`` break the operator's
    ``declared`` parameters (wire or Python shape: the keys agree): an undeclared name, a value of the
    wrong type, a required parameter without default left out."""
    problems: list[tuple[str, str]] = []
    for name, value in values.items():
        spec = declared.get(name)
        if not isinstance(spec, Mapping):
            names = ", ".join(sorted(declared)) or "none"
            problems.append((name, f"operator {operator_id} declares no parameter '{name}' (declared: {names})"))
            continue
        problem = value_problem(str(spec.get("type", "")), value)
        if problem:
            problems.append((name, problem))
    for name, spec in declared.items():
        if isinstance(spec, Mapping) and spec.get("required") and "default" not in spec and name not in values:
            problems.append((name, f"operator {operator_id} requires this parameter"))
    return problems
