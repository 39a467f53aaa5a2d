"""What each backend can honour, and the problems of a tenant file that declares more than its backend has.

Derived, never listed twice: a mailbox field is unsupported by a backend when that vendor's half of the field table
marks it so (``UNSUPPORTED`` of :mod:`mailfleet.smartlead.fields` and :mod:`mailfleet.instantly.fields`). A
tenant-level key is backend-specific when it declares such a field (``client:`` declares ``client_id``), or when it
is one backend's tenancy or vocabulary (``workspace:``, webhook ``categories``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, get_args

from mailfleet.fields import DECLARED_FIELDS, Field
from mailfleet.instantly.fields import UNSUPPORTED as INSTANTLY_UNSUPPORTED
from mailfleet.smartlead.fields import UNSUPPORTED as SMARTLEAD_UNSUPPORTED
from mailfleet.spec.errors import Problem
from mailfleet.spec.messages import path_text
from mailfleet.spec.model import DEFAULT_BACKEND, Backend
from mailfleet.spec.yamlpos import JsonPath

if TYPE_CHECKING:
    from mailfleet.spec.loader import TenantFile

BACKENDS: tuple[Backend, ...] = get_args(Backend)

UNSUPPORTED: Mapping[Backend, frozenset[str]] = MappingProxyType(
    {
        "smartlead": frozenset(SMARTLEAD_UNSUPPORTED),
        "instantly": frozenset(INSTANTLY_UNSUPPORTED),
    }
)
"""Per backend, the keys of :data:`mailfleet.fields.FIELDS` it has no setting for."""

FIELD_OF_TENANT_KEY: Mapping[str, str] = MappingProxyType({"client": "client_id"})
"""Tenant-level keys that declare a mailbox field for every mailbox of the file."""

ONLY_ON: Mapping[tuple[str, ...], Backend] = MappingProxyType(
    {("workspace",): "instantly", ("webhooks", "*", "categories"): "smartlead"}
)
"""Keys of one backend's tenancy or vocabulary (``*``: any list index)."""


def backend_of(data: Mapping[str, Any]) -> Backend:
    """The file's backend; the default when ``backend:`` is missing or invalid (the schema reports that)."""
    value = data.get("backend", DEFAULT_BACKEND)
    return value if value in BACKENDS else DEFAULT_BACKEND


def supports(backend: Backend, key: str) -> bool:
    """Whether ``backend`` can honour the mailbox field ``key``."""
    return key not in UNSUPPORTED[backend]


def _other(backend: Backend) -> str:
    return " or ".join(f"backend: {b}" for b in BACKENDS if b != backend)


def refusal(path: JsonPath, backend: Backend, *, only: Backend | None = None) -> str:
    """The message for a key at ``path`` that ``backend`` cannot honour."""
    fix = f"backend: {only}" if only is not None else _other(backend)
    return f"{path_text(path)}: the {backend} backend has no such setting (remove it, or use {fix})"


_ABSENT = object()


def _value(data: Any, path: JsonPath) -> Any:
    for key in path:
        if isinstance(key, int):
            data = data[key] if isinstance(data, list) and key < len(data) else _ABSENT
        else:
            data = data.get(key, _ABSENT) if isinstance(data, dict) else _ABSENT
    return data


def _present(data: Any, path: JsonPath) -> bool:
    return _value(data, path) is not _ABSENT


def _harmless(field: Field, value: Any) -> bool:
    """An elided field at its default is never sent nor stored: any backend honours it (``provider: custom``)."""
    return field.elide and value == field.default


def _field_paths(data: Mapping[str, Any], backend: Backend) -> Iterator[JsonPath]:
    """Where the file declares a mailbox field ``backend`` cannot honour: on a mailbox or under ``defaults``."""
    refused = [f for f in DECLARED_FIELDS if f.spec_path is not None and not supports(backend, f.key)]
    mailboxes = data.get("mailboxes")
    for field in refused:
        assert field.spec_path is not None
        count = len(mailboxes) if isinstance(mailboxes, list) else 0
        places: list[JsonPath] = [("mailboxes", index, *field.spec_path) for index in range(count)]
        if field.section is not None:  # a sectioned field also merges from ``defaults``
            places.insert(0, ("defaults", *field.spec_path))
        for path in places:
            value = _value(data, path)
            if value is not _ABSENT and not _harmless(field, value):
                yield path
    for key, field_key in FIELD_OF_TENANT_KEY.items():
        if not supports(backend, field_key) and _present(data, (key,)):
            yield (key,)


def _only_on_paths(data: Mapping[str, Any], backend: Backend) -> Iterator[tuple[JsonPath, Backend]]:
    for pattern, only in ONLY_ON.items():
        if only == backend:
            continue
        if "*" not in pattern:
            yield pattern, only
            continue
        star = pattern.index("*")
        items = data.get(pattern[0]) if star == 1 else None
        for index in range(len(items) if isinstance(items, list) else 0):
            yield (*pattern[:star], index, *pattern[star + 1 :]), only


def check_backend(file: TenantFile, data: dict[str, Any]) -> list[Problem]:
    """A problem at each key the file's backend cannot honour, naming the backend and the fix."""
    backend = backend_of(data)
    problems = [file.problem(path, refusal(path, backend), key=True) for path in _field_paths(data, backend)]
    problems += [
        file.problem(path, refusal(path, backend, only=only), key=True)
        for path, only in _only_on_paths(data, backend)
        if _present(data, path)
    ]
    return problems
