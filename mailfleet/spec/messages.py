"""Human messages for JSON Schema errors: what is wrong, and how to fix it, on one line.

Each jsonschema error becomes one or more :class:`Finding` objects: a JSON path, whether the problem sits on
the key at that path (unknown keys) or on the value, and the message. Values under a ``password`` key are
never repeated in a message.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError

from mailfleet.spec.yamlpos import JsonPath, Mark

_SECRET_KEYS = {"password": "password", "api_key": "API key"}
"""Keys whose value is a secret reference, and what the secret is: their values are never repeated."""


def _plaintext(key: str) -> str:
    return (
        f"plaintext {_SECRET_KEYS[key]}: store it as a stack secret (pulumi config set --secret KEY) "
        "and write {secret: KEY}, or use {env: VAR}"
    )


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")
_TYPE_NAMES = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


@dataclass(frozen=True)
class Finding:
    path: JsonPath
    on_key: bool
    message: str


def path_text(path: Sequence[str | int]) -> str:
    """``mailboxes[1].warmup.per_day`` for ``("mailboxes", 1, "warmup", "per_day")``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(part):
            text += f"[{show(part)}]"
        elif text:
            text += f".{part}"
        else:
            text = part
    return text


def show(value: Any) -> str:
    """A short, single-line rendering of a value from a tenant file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        text = repr(value)
        return text if len(text) <= 40 else text[:37] + "..."
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__  # pragma: no cover - tenant data holds nothing else


def kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, int):
        return f"the number {show(value)}"
    if isinstance(value, float):
        return f"the number {show(value)}"
    if isinstance(value, str):
        return f"the string {show(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return "a list"


def suggest(word: str, options: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when ``word`` is close to one of ``options``; else empty."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _prefix(path: Sequence[str | int]) -> str:
    text = path_text(path)
    return f"{text}: " if text else ""


def _sensitive(path: Sequence[str | int]) -> bool:
    return any(key in path for key in _SECRET_KEYS)


def _type_message(error: ValidationError, path: JsonPath) -> str:
    expected: Any = error.validator_value
    names: list[str] = [expected] if isinstance(expected, str) else list(expected)
    wanted = " or ".join(_TYPE_NAMES.get(name, name) for name in names)
    instance = error.instance
    last = path[-1] if path else None
    if last in _SECRET_KEYS and isinstance(instance, str | int | float) and not isinstance(instance, bool):
        return _prefix(path) + _plaintext(str(last))
    if _sensitive(path):
        return f"{_prefix(path)}must be {wanted}"
    hint = ""
    schema_hint = error.schema.get("x-hint") if isinstance(error.schema, dict) else None
    if schema_hint:
        hint = f": {schema_hint}"
    elif "integer" in names and isinstance(instance, str) and instance.strip().lstrip("+-").isdigit():
        hint = " (remove the quotes)"
    elif "string" in names and isinstance(instance, int | float | bool):
        hint = " (put it in quotes)"
    elif "string" in names and instance is None:
        hint = " (write a value, or remove the key)"
    return f"{_prefix(path)}must be {wanted}, not {kind_of(instance)}{hint}"


def _range_message(error: ValidationError, path: JsonPath) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    low, high = schema.get("minimum"), schema.get("maximum")
    got = "" if _sensitive(path) else f", not {show(error.instance)}"
    hint = f": {schema['x-hint']}" if schema.get("x-hint") else ""
    if low is not None and high is not None:
        return f"{_prefix(path)}must be between {low} and {high}{got}{hint}"
    if low is not None:
        return f"{_prefix(path)}must be at least {low}{got}{hint}"
    return f"{_prefix(path)}must be at most {high}{got}{hint}"


def _unique_findings(error: ValidationError, path: JsonPath, mark_of: Callable[[JsonPath], Mark]) -> list[Finding]:
    items = error.instance if isinstance(error.instance, list) else []
    first: dict[str, int] = {}
    findings: list[Finding] = []
    what = {"campaigns": "campaign", "tags": "tag", "events": "event", "categories": "category"}.get(
        str(path[-1]) if path else "", "item"
    )
    for index, item in enumerate(items):
        key = json.dumps([type(item).__name__, item], sort_keys=True, default=str)
        if key in first:
            line, col = mark_of((*path, first[key]))
            findings.append(
                Finding(
                    (*path, index),
                    False,
                    f"{_prefix(path)}{what} {show(item)} is listed twice "
                    f"(first at line {line}, column {col}): remove one",
                )
            )
        else:
            first[key] = index
    return findings or [Finding(path, False, f"{_prefix(path)}items must be unique")]


def findings_for(error: ValidationError, mark_of: Callable[[JsonPath], Mark]) -> list[Finding]:
    """Translate one jsonschema error (with its ``absolute_path``) into findings."""
    path: JsonPath = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    keyword = error.validator
    hint = schema.get("x-hint")

    if "propertyNames" in error.relative_schema_path:
        # the instance is the offending key of the mapping at ``path``
        name = str(instance)
        if keyword == "not":
            message = f"{_prefix(path)}{show(name)} is built in and cannot be redefined: pick another name"
        else:
            message = f"{_prefix(path)}{show(name)} is not a valid name" + (f": {hint}" if hint else "")
        return [Finding((*path, name), True, message)]

    if keyword == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(schema.get("properties", {}))
        findings = []
        for key in instance:
            if key in allowed:
                continue
            if _sensitive(path):
                message = f"{_prefix(path)}unknown key: write {{secret: KEY}} or {{env: VAR}}"
            elif key == "<<":
                message = f"{_prefix(path)}YAML merge keys ('<<') are not supported: write the keys out"
            else:
                near = suggest(key, allowed)
                message = f"{_prefix(path)}unknown key {show(key)}" + (
                    near or f" (expected one of: {', '.join(allowed)})"
                )
            findings.append(Finding((*path, key), True, message))
        return findings

    if keyword == "required" and isinstance(instance, dict):
        required: Any = error.validator_value
        missing = [key for key in required if key not in instance]
        findings = []
        for key in missing:
            extra = " ({secret: KEY} or {env: VAR})" if key == "password" else f": {hint}" if hint else ""
            findings.append(Finding(path, False, f"{_prefix(path)}missing required key {key!r}{extra}"))
        return findings

    if keyword == "type":
        return [Finding(path, False, _type_message(error, path))]

    if keyword == "const":
        return [Finding(path, False, f"{_prefix(path)}must be {show(error.validator_value)}, not {show(instance)}")]

    if keyword == "enum":
        allowed_values: Any = error.validator_value
        options = [str(option) for option in allowed_values]
        near = suggest(instance, options) if isinstance(instance, str) else ""
        if not near and isinstance(instance, str):
            near = suggest(instance.casefold(), [option.casefold() for option in options])
        return [
            Finding(
                path,
                False,
                f"{_prefix(path)}{show(instance)} is not allowed{near}: use one of {', '.join(options)}",
            )
        ]

    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return [Finding(path, False, _range_message(error, path))]

    if keyword == "minLength":
        if error.validator_value == 1:
            return [Finding(path, False, f"{_prefix(path)}must not be empty")]
        return [Finding(path, False, f"{_prefix(path)}is too short (at least {error.validator_value} characters)")]

    if keyword == "maxLength":
        return [Finding(path, False, f"{_prefix(path)}is too long (at most {error.validator_value} characters)")]

    if keyword == "pattern":
        shown = "" if _sensitive(path) else f"{show(instance)} "
        return [Finding(path, False, f"{_prefix(path)}{shown}is not valid" + (f": {hint}" if hint else ""))]

    if keyword == "format":
        what = {"email": "an email address such as jane@example.com", "uri": "an http(s) URL"}.get(
            str(error.validator_value), str(error.validator_value)
        )
        return [Finding(path, False, f"{_prefix(path)}{show(instance)} is not {what}")]

    if keyword == "uniqueItems":
        return _unique_findings(error, path, mark_of)

    if keyword == "minItems":
        count = error.validator_value
        if count == 1:
            what = {"events": "an event, e.g. EMAIL_REPLY", "ramps": "a step"}.get(
                str(path[-1]) if path else "", "an item"
            )
            if len(path) == 2 and path[0] == "ramps":
                what = "a step"
            return [Finding(path, False, f"{_prefix(path)}is empty: list at least {what}")]
        return [Finding(path, False, f"{_prefix(path)}must list at least {count} item{'s' if count != 1 else ''}")]

    if keyword == "maxItems":
        count = error.validator_value
        most = f"must list at most {count} item{'s' if count != 1 else ''}"
        return [Finding(path, False, f"{_prefix(path)}{most}" + (f": {hint}" if hint else ""))]

    if keyword == "minProperties" and path and path[-1] in _SECRET_KEYS:
        return [Finding(path, False, f"{_prefix(path)}write {{secret: KEY}} or {{env: VAR}}")]

    if keyword == "maxProperties" and path and path[-1] in _SECRET_KEYS:
        return [Finding(path, False, f"{_prefix(path)}give either 'secret' or 'env', not both")]

    if keyword in ("minProperties", "maxProperties") and hint:
        return [Finding(path, False, f"{_prefix(path)}{hint}")]

    if _sensitive(path):
        return [Finding(path, False, f"{_prefix(path)}is not valid ({keyword})")]
    message = " ".join(error.message.split())
    if len(message) > 200:
        message = message[:197] + "..."
    return [Finding(path, False, f"{_prefix(path)}{message}")]
