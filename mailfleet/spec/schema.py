"""The tenant file JSON Schema (``specs/tenant.schema.json``) and its compiled validator.

The schema is the single source of truth for the file format; it is read from the repository checkout (the
``specs/`` directory next to the ``mailfleet`` package), or from a copy shipped as package data
(``mailfleet/spec/tenant.schema.json``) when one exists.

``format`` is only an annotation in JSON Schema 2020-12; the validator here enforces ``email`` and ``uri``
(http(s) URLs) with its own checks.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker

from mailfleet.errors import SetupError

SCHEMA_FILE = "tenant.schema.json"
API_VERSION = "mailfleet/v1"

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = re.compile(
    r"(?P<local>[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64})@(?P<domain>" + _LABEL + r"(?:\." + _LABEL + r")+)"
)


def is_email(value: object) -> bool:
    """A plain ASCII address: ``local@domain.tld``; no leading, trailing or doubled dots in the local part."""
    if not isinstance(value, str):
        return True  # not our business: the type check reports it
    match = _EMAIL.fullmatch(value)
    if match is None:
        return False
    local = match.group("local")
    return not (local.startswith(".") or local.endswith(".") or ".." in local)


def is_http_url(value: object) -> bool:
    """An absolute ``http`` or ``https`` URL with a host, without spaces or control characters."""
    if not isinstance(value, str):
        return True
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value):
        return False
    try:
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checker.checks("email")(is_email)
    checker.checks("uri")(is_http_url)
    return checker


def schema_path() -> Path | None:
    """Where the schema file is: the checkout's ``specs/`` first, then package data; None if neither."""
    checkout = Path(__file__).resolve().parent.parent.parent / "specs" / SCHEMA_FILE
    if checkout.is_file():
        return checkout
    packaged = Path(__file__).resolve().parent / SCHEMA_FILE
    if packaged.is_file():
        return packaged
    return None


@lru_cache(maxsize=1)
def schema_text() -> str:
    """The schema file's text, exactly as shipped."""
    path = schema_path()
    if path is not None:
        return path.read_text(encoding="utf-8")
    try:
        return resources.files("mailfleet.spec").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, OSError) as error:
        raise SetupError(
            f"the tenant schema ({SCHEMA_FILE}) is missing: expected specs/{SCHEMA_FILE} in the checkout"
        ) from error


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The schema as data."""
    data = json.loads(schema_text())
    if not isinstance(data, dict):  # pragma: no cover - the shipped file is an object
        raise SetupError(f"{SCHEMA_FILE} is not a JSON object")
    return data


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    """The schema with local ``$ref``s to ``$defs`` replaced by their targets (validation is faster so)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = _inline(defs[str(node["$ref"]).rsplit("/", 1)[-1]], defs)
            return {**target, **{key: _inline(value, defs) for key, value in node.items() if key != "$ref"}}
        return {key: _inline(value, defs) for key, value in node.items() if key != "$defs"}
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


@lru_cache(maxsize=1)
def validator() -> Draft202012Validator:
    """The compiled validator (built once per process), with ``email`` and ``uri`` formats enforced."""
    schema = load_schema()
    return Draft202012Validator(_inline(schema, schema.get("$defs", {})), format_checker=_format_checker())
