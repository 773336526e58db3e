"""Rules for an Operator's ``outputSchema`` (JSON output), as the Intelligence v3 document states them.

Twilio accepts a subset of JSON Schema: the root ``type`` is ``object``; the types ``string``,
``number``, ``boolean``, ``integer``, ``object``, ``array``, unions with ``"null"`` for nullable
fields (``["string", "null"]``), and ``anyOf`` (``$defs``/``$ref`` allowed);
at most 100 object properties and 1000 enum values in total and 10 levels of nesting; some keywords
are refused. Twilio stores every object schema with ``additionalProperties: false`` and every property
listed in ``required``, overwriting what was sent: :func:`canonical_output_schema` does the same.
"""

from __future__ import annotations

import copy
from typing import Any

MAX_PROPERTIES = 100
MAX_NESTING = 10
MAX_ENUM_VALUES = 1000
SUPPORTED_TYPES = frozenset({"string", "number", "boolean", "integer", "object", "array"})
#: Allowed only in a union with a supported type (``"type": ["string", "null"]``, a nullable field).
NULL = "null"
UNSUPPORTED_KEYWORDS = {
    "string": ("minLength", "maxLength"),
    "object": ("patternProperties", "unevaluatedProperties", "propertyNames", "minProperties", "maxProperties"),
    "array": ("unevaluatedItems", "contains", "minContains", "maxContains", "uniqueItems"),
}
_SUBSCHEMA_MAPS = ("properties", "$defs", "definitions")
_SUBSCHEMA_LISTS = ("anyOf",)


def output_schema_problems(schema: Any) -> list[tuple[str, str]]:
    """Every way ``schema`` breaks Twilio's supported subset, as ``(json path, reason)`` pairs.

    The path is relative to the schema root (``""`` for the root, ``"properties.score"``...).
    An empty list means the schema is acceptable.
    """
    if not isinstance(schema, dict):
        return [("", "must be a JSON Schema object")]
    problems: list[tuple[str, str]] = []
    if schema.get("type") != "object":
        problems.append(("type", "the root schema must have type 'object'"))
    counts = {"properties": 0, "enum": 0}
    _walk(schema, "", 1, counts, problems)
    if counts["properties"] > MAX_PROPERTIES:
        problems.append(("", f"has {counts['properties']} object properties in total; at most {MAX_PROPERTIES}"))
    if counts["enum"] > MAX_ENUM_VALUES:
        problems.append(("", f"has {counts['enum']} enum values in total; at most {MAX_ENUM_VALUES}"))
    return problems


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _walk(node: Any, path: str, depth: int, counts: dict[str, int], problems: list[tuple[str, str]]) -> None:
    if not isinstance(node, dict):
        problems.append((path, "must be a JSON Schema object"))
        return
    if depth > MAX_NESTING:
        problems.append((path, f"nests deeper than {MAX_NESTING} levels"))
        return
    types = node.get("type")
    type_list = types if isinstance(types, list) else [types] if types is not None else []
    for t in type_list:
        if t == NULL and isinstance(types, list) and len(type_list) > 1:
            continue  # a nullable field: ["string", "null"]
        if t not in SUPPORTED_TYPES:
            problems.append((_join(path, "type"), f"type {t!r} is not supported"))
    for t, keywords in UNSUPPORTED_KEYWORDS.items():
        for keyword in keywords:
            if keyword in node:  # refused whatever the node's type (Twilio refuses the keyword)
                problems.append((_join(path, keyword), f"the keyword '{keyword}' is not supported for {t}"))
    if isinstance(node.get("enum"), list):
        counts["enum"] += len(node["enum"])
    props = node.get("properties")
    if isinstance(props, dict):
        counts["properties"] += len(props)
    for key in _SUBSCHEMA_MAPS:
        sub = node.get(key)
        if isinstance(sub, dict):
            nested = depth + 1 if key == "properties" else depth
            for name, child in sub.items():
                _walk(child, _join(path, f"{key}.{name}"), nested, counts, problems)
    items = node.get("items")
    if isinstance(items, dict):
        _walk(items, _join(path, "items"), depth + 1, counts, problems)
    for key in _SUBSCHEMA_LISTS:
        options = node.get(key)
        if isinstance(options, list):
            for i, child in enumerate(options):
                _walk(child, f"{_join(path, key)}[{i}]", depth, counts, problems)


def canonical_output_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema as Twilio stores it: every object closed and every property required.

    Returns a new dict; ``schema`` is not modified. ``required`` lists the properties in the order
    of ``properties`` ("every provided field"). That order does not survive the Pulumi engine (its
    maps are unordered), so the provider's diff compares ``required`` as the set it is.
    """
    result = copy.deepcopy(schema)
    _close(result)
    return result


def _close(node: Any) -> None:
    if not isinstance(node, dict):
        return
    props = node.get("properties")
    types = node.get("type")
    if types == "object" or (isinstance(types, list) and "object" in types) or isinstance(props, dict):
        node["additionalProperties"] = False
        node["required"] = list(props) if isinstance(props, dict) else []
    for key in _SUBSCHEMA_MAPS:
        sub = node.get(key)
        if isinstance(sub, dict):
            for child in sub.values():
                _close(child)
    _close(node.get("items"))
    for key in _SUBSCHEMA_LISTS:
        options = node.get(key)
        if isinstance(options, list):
            for child in options:
                _close(child)
