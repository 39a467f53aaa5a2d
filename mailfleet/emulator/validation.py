"""A small Joi look-alike: the schemas the real API validates with (celebrate/Joi), with Joi's messages.

Joi's defaults are mirrored: unknown keys are rejected (``"x" is not allowed``), numbers and booleans given as
strings are converted, the first error wins (``abortEarly``). Like Joi, the schema's keys are checked first, in
schema order (so a missing required key is reported before an unknown one), then the unknown keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from mailfleet.emulator.exceptions import Invalid

Kind = Literal["str", "int", "num", "bool", "email", "isodate", "object", "array", "any"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class F:
    """One field: its kind, whether required, whether ``null`` is allowed, and limits. ``isodate`` values come
    back as aware datetimes (Joi's ``date().iso()`` converts them to a ``Date``)."""

    kind: Kind
    required: bool = False
    nullable: bool = False
    empty: bool = True
    """Whether ``""`` is allowed for strings."""
    choices: tuple[Any, ...] | None = None
    items: F | None = None
    max_items: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    pattern: str | None = None
    """A regular expression strings must match (Joi's ``string().pattern()``)."""


def _label(key: str) -> str:
    return f'"{key}"'


def check(value: Any, spec: F, key: str, source: str) -> Any:
    """Return the converted value or raise ``Invalid`` with Joi's message."""
    label = _label(key)
    if value is None:
        if spec.nullable:
            return None
        raise Invalid(source, key, f"{label} must be {_kind_phrase(spec)}")
    result: Any = value
    if spec.kind in ("str", "email"):
        if not isinstance(value, str):
            raise Invalid(source, key, f"{label} must be a string")
        if value == "" and not spec.empty:
            raise Invalid(source, key, f"{label} is not allowed to be empty")
        if spec.kind == "email" and not _EMAIL.match(value):
            raise Invalid(source, key, f"{label} must be a valid email")
        if spec.pattern is not None and not re.search(spec.pattern, value):
            message = f'{label} with value "{value}" fails to match the required pattern: /{spec.pattern}/'
            raise Invalid(source, key, message)
    elif spec.kind == "isodate":
        result = parse_iso(value) if isinstance(value, str) else None
        if result is None:
            raise Invalid(source, key, f"{label} must be in ISO 8601 date format")
    elif spec.kind in ("int", "num"):
        if isinstance(value, str):
            try:
                result = float(value.strip()) if value.strip() else None
            except ValueError:
                result = None
            if result is None:
                raise Invalid(source, key, f"{label} must be a number")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(source, key, f"{label} must be a number")
        if spec.kind == "int":
            if float(result) != int(result):
                raise Invalid(source, key, f"{label} must be an integer")
            result = int(result)
        if spec.min_value is not None and result < spec.min_value:
            raise Invalid(source, key, f"{label} must be greater than or equal to {_num(spec.min_value)}")
        if spec.max_value is not None and result > spec.max_value:
            raise Invalid(source, key, f"{label} must be less than or equal to {_num(spec.max_value)}")
    elif spec.kind == "bool":
        if isinstance(value, str) and value.lower() in ("true", "false"):
            result = value.lower() == "true"
        elif not isinstance(value, bool):
            raise Invalid(source, key, f"{label} must be a boolean")
    elif spec.kind == "object":
        if not isinstance(value, dict):
            raise Invalid(source, key, f"{label} must be of type object")
    elif spec.kind == "array":
        if not isinstance(value, list):
            raise Invalid(source, key, f"{label} must be an array")
        if spec.max_items is not None and len(value) > spec.max_items:
            raise Invalid(source, key, f"{label} must contain less than or equal to {spec.max_items} items")
        if spec.items is not None:
            result = [check(item, spec.items, f"{key}[{i}]", source) for i, item in enumerate(value)]
    if spec.choices is not None and result not in spec.choices:
        choices = ", ".join(str(c) for c in spec.choices)
        raise Invalid(source, key, f"{label} must be one of [{choices}]")
    return result


def parse_iso(text: str) -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime (naive means UTC, as in JavaScript); None if it is not."""
    if len(text) < 10 or text != text.strip():
        return None
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _kind_phrase(spec: F) -> str:
    return {
        "str": "a string",
        "email": "a string",
        "isodate": "a valid date",
        "int": "a number",
        "num": "a number",
        "bool": "a boolean",
        "object": "of type object",
        "array": "an array",
        "any": "a value",
    }[spec.kind]


def validate(schema: dict[str, F], value: Any, *, source: str = "body", allow_unknown: bool = False) -> dict[str, Any]:
    """Validate an object against ``schema``; return only the keys present, converted."""
    if not isinstance(value, dict):
        raise Invalid(source, None, '"value" must be of type object')
    out: dict[str, Any] = {}
    for key, spec in schema.items():
        if key in value:
            out[key] = check(value[key], spec, key, source)
        elif spec.required:
            raise Invalid(source, key, f"{_label(key)} is required")
    if not allow_unknown:
        for key in value:
            if key not in schema:
                raise Invalid(source, key, f"{_label(key)} is not allowed")
    return out
