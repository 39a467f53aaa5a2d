"""Lenient readers for Smartlead's loosely typed JSON (numbers as strings, "95%", "true", nulls)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

JSON = Any  # Response bodies are untyped JSON; the readers below give them types.


def first(data: Mapping[str, Any], *keys: str) -> Any:
    """The value of the first key present with a non-null value (read names differ between endpoints)."""
    for key in keys:
        value = data.get(key)
        if value is not None:
            return value
    return None


def as_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None if value is None else int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            try:
                return int(float(text))
            except ValueError:
                return None
    return None


def as_float(value: Any) -> float | None:
    """Numbers, numeric strings, and percentages such as ``"95%"`` (kept as 95.0)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        text = value.strip().rstrip("%").strip()
        try:
            return float(text) if text else None
        except ValueError:
            return None
    return None


def as_bool(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"true", "1", "yes", "y", "t"}:
            return True
        if text in {"false", "0", "no", "n", "f", ""}:
            return False
    return default


def as_str(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def as_datetime(value: Any) -> dt.datetime | None:
    """ISO 8601 (with ``Z`` or an offset), or epoch seconds/milliseconds; naive values are taken as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return None


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    stamp = as_datetime(value)
    return stamp.date() if stamp else None


def as_mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    return []


def unwrap_list(body: Any, *keys: str) -> list[Any] | None:
    """A bare array, or the array inside a ``{data: [...]}``-style envelope; None if there is none."""
    if isinstance(body, list):
        return body
    if isinstance(body, Mapping):
        for key in (*keys, "data", "result", "results", "items"):
            inner = body.get(key)
            if isinstance(inner, list):
                return inner
            if isinstance(inner, Mapping):
                nested = unwrap_list(inner, *keys)
                if nested is not None:
                    return nested
    return None


def unwrap_object(body: Any, *keys: str) -> Mapping[str, Any] | None:
    """The first object under ``keys`` or ``data`` (an envelope), else the body itself."""
    if not isinstance(body, Mapping):
        return None
    for key in (*keys, "data"):
        inner = body.get(key)
        if isinstance(inner, Mapping):
            return inner
    return body
