"""A typed model of field-level resource changes, built from Pulumi's structured output (never from CLI text).

Two sources give the same :class:`ResourceChange`:

- a step of a ``pulumi preview --json`` digest (camelCase: ``op``, ``urn``, ``oldState``/``newState`` with
  ``inputs``/``outputs``, ``detailedDiff`` of ``{kind, inputDiff}``, ``diffReasons``, ``replaceReasons``);
- an Automation API engine event's :class:`~pulumi.automation.events.StepEventMetadata` (snake_case).

Each changed property path (``detailedDiff`` keys, e.g. ``from_name``, ``tags[1]``, ``ramp.steps[6][1]``) becomes one
:class:`FieldChange` holding the old and new values found at that path. Secrets never reach the model: a value the
engine marks secret (``"[secret]"`` or a signed secret object), or any value under a secret-named key such as
``password``, is replaced by :data:`SECRET` before it is stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi.automation.events import StepEventMetadata, StepEventStateMetadata

from mailfleet.spec.model import DEFAULT_BACKEND
from mailfleet.vendors import backend_of, vendor_name

__all__ = [
    "ACTIONS",
    "REPORTED_KINDS",
    "SECRET",
    "FieldChange",
    "ResourceChange",
    "changes_from_digest",
    "field_changes",
    "from_digest_step",
    "from_event",
    "merge_changes",
    "parse_path",
    "redact",
    "resource_kind",
]

SECRET = "[secret]"
# The key the engine puts on a serialized secret value (its "signature").
SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"
SECRET_KEYS = frozenset({"password", "imap_password", "smtp_password", "apikey", "api_key", "secret", "token"})
# What the reports count and list: the resources a tenant file declares (not the stack, providers or components).
REPORTED_KINDS = ("TenantClient", "Mailbox", "Webhook", "Tag", "AccountWebhook")
# The order of actions in every summary.
ACTIONS = ("create", "update", "replace", "delete", "same")
_REPLACE_OPS = frozenset({"replace", "create-replacement", "delete-replaced", "discard-replaced", "import-replacement"})
_ABSENT: Any = object()


@dataclass(frozen=True)
class FieldChange:
    """One property path that differs: ``old`` and ``new`` are redacted values (``None`` when absent)."""

    path: str
    kind: str  # add | update | delete (optionally suffixed "-replace")
    old: Any = None
    new: Any = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ResourceChange:
    """One resource's step. ``op`` is normalized: create, update, replace, delete, same, or the engine's own."""

    urn: str
    name: str
    kind: str
    op: str
    tenant: str | None = None
    fields: tuple[FieldChange, ...] = ()
    replace_keys: tuple[str, ...] = ()
    on_remove: str | None = None
    retain_on_delete: bool = False
    backend: str = DEFAULT_BACKEND

    @property
    def vendor(self) -> str:
        """The vendor's name for sentences (``Smartlead``, ``Instantly``)."""
        return vendor_name(self.backend)

    @property
    def reported(self) -> bool:
        return self.kind in REPORTED_KINDS

    @property
    def removal_outcome(self) -> str | None:
        """What a delete does in Smartlead: retained, suspended or deleted (mailboxes follow ``on_remove``)."""
        if self.op != "delete":
            return None
        if self.kind == "Mailbox":
            return {"suspend": "suspended", "delete": "deleted"}.get(self.on_remove or "retain", "retained")
        return "retained" if self.retain_on_delete or self.kind == "TenantClient" else "deleted"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "name": self.name,
            "op": self.op,
            "tenant": self.tenant,
            "fields": [change.to_json() for change in self.fields],
        }
        if self.replace_keys:
            data["replace_keys"] = list(self.replace_keys)
        if self.removal_outcome:
            data["in_smartlead"] = self.removal_outcome  # the key keeps its name for both vendors (JSON readers)
        if self.backend != DEFAULT_BACKEND:
            data["backend"] = self.backend
        return data


def resource_kind(type_: str) -> str:
    """``pulumi-python:dynamic/mailfleet:Mailbox`` -> ``Mailbox``; ``pulumi:providers:x`` -> ``Provider``."""
    if type_.startswith("pulumi:providers:"):
        return "Provider"
    return type_.rsplit(":", 1)[-1].rsplit("/", 1)[-1] or type_


_PATH_TOKEN = re.compile(r'\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([^.\[\]]+)')


def parse_path(path: str) -> list[str | int]:
    """A Pulumi property path as keys and indexes: ``a.b[0]["c.d"]`` -> ``["a", "b", 0, "c.d"]``."""
    parts: list[str | int] = []
    for index, quoted, plain in _PATH_TOKEN.findall(path):
        if index:
            parts.append(int(index))
        elif plain:
            parts.append(plain)
        else:
            parts.append(quoted.replace('\\"', '"').replace("\\\\", "\\"))
    return parts


def _lookup(value: Any, parts: Sequence[str | int]) -> Any:
    for part in parts:
        if _is_secret_value(value):
            return SECRET
        if isinstance(part, int) and isinstance(value, list) and 0 <= part < len(value):
            value = value[part]
        elif isinstance(value, Mapping) and str(part) in value:
            value = value[str(part)]
        else:
            return _ABSENT
    return value


def _is_secret_value(value: Any) -> bool:
    return value == SECRET or (isinstance(value, Mapping) and SECRET_SIGNATURE in value)


def _is_secret_key(key: str | int) -> bool:
    return isinstance(key, str) and key.lower().replace("-", "_") in SECRET_KEYS


def redact(value: Any, path: Sequence[str | int] = ()) -> Any:
    """``value`` with every secret replaced by :data:`SECRET` (secret-marked values and secret-named keys)."""
    if any(_is_secret_key(part) for part in path) or _is_secret_value(value):
        return SECRET
    if isinstance(value, Mapping):
        return {str(k): redact(v, (*path, str(k))) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v, (*path, i)) for i, v in enumerate(value)]
    return value


def field_changes(
    paths: Mapping[str, str],
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
) -> tuple[FieldChange, ...]:
    """One :class:`FieldChange` per changed path (``{path: kind}``), with redacted old and new values."""
    changes = []
    for path, kind in sorted(paths.items()):
        parts = parse_path(path)
        if not parts or str(parts[0]).startswith("__"):
            continue  # the engine's own bookkeeping, e.g. the pickled __provider
        before = _lookup(old or {}, parts)
        after = _lookup(new or {}, parts)
        changes.append(
            FieldChange(
                path=path,
                kind=kind,
                old=None if before is _ABSENT else redact(before, parts),
                new=None if after is _ABSENT else redact(after, parts),
            )
        )
    return tuple(changes)


def _normalize_op(op: str) -> str:
    return "replace" if op in _REPLACE_OPS else op


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _urn_type(urn: str) -> str:
    """The resource type in ``urn:pulumi:STACK::PROJECT::[PARENT$]TYPE::NAME``."""
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""


def _tenant(kind: str, name: str, *states: Mapping[str, Any] | None) -> str | None:
    if kind == "Tenant":
        return name
    for state in states:
        if state and isinstance(state.get("tenant"), str):
            return str(state["tenant"])
    return None


def _build(
    *,
    urn: str,
    type_: str,
    op: str,
    paths: Mapping[str, str],
    input_diff: Mapping[str, bool],
    old_inputs: Mapping[str, Any] | None,
    old_outputs: Mapping[str, Any] | None,
    new_inputs: Mapping[str, Any] | None,
    replace_keys: Iterable[str],
    retain_on_delete: bool,
) -> ResourceChange:
    kind = resource_kind(type_)
    name = _name(urn)
    # A path that is not an input diff compares the old outputs (state) with the new inputs.
    old_side = {**(old_outputs or {}), **(old_inputs or {})}
    fields = list(field_changes({p: k for p, k in paths.items() if input_diff.get(p, True)}, old_inputs, new_inputs))
    fields += field_changes({p: k for p, k in paths.items() if not input_diff.get(p, True)}, old_side, new_inputs)
    fields.sort(key=lambda change: change.path)
    on_remove = (old_inputs or {}).get("on_remove") or (new_inputs or {}).get("on_remove")
    return ResourceChange(
        urn=urn,
        name=name,
        kind=kind,
        op=_normalize_op(op),
        tenant=_tenant(kind, name, new_inputs, old_inputs, old_outputs),
        fields=tuple(fields),
        replace_keys=tuple(sorted(replace_keys)),
        on_remove=str(on_remove) if on_remove else None,
        retain_on_delete=retain_on_delete,
        backend=backend_of(new_inputs or old_inputs or {}),
    )


def from_digest_step(step: Mapping[str, Any]) -> ResourceChange:
    """A step of a ``pulumi preview --json`` (or ``refresh --preview-only --json``) digest."""
    old = step.get("oldState") or {}
    new = step.get("newState") or {}
    detailed: Mapping[str, Mapping[str, Any]] = step.get("detailedDiff") or {}
    paths = {path: str(diff.get("kind", "update")) for path, diff in detailed.items()}
    if not paths:
        paths = {key: "update" for key in step.get("diffReasons") or ()}
    return _build(
        urn=str(step.get("urn", "")),
        type_=str(new.get("type") or old.get("type") or _urn_type(str(step.get("urn", "")))),
        op=str(step.get("op", "same")),
        paths=paths,
        input_diff={path: bool(diff.get("inputDiff", True)) for path, diff in detailed.items()},
        old_inputs=old.get("inputs"),
        old_outputs=old.get("outputs"),
        new_inputs=new.get("inputs"),
        replace_keys=step.get("replaceReasons") or step.get("keys") or (),
        retain_on_delete=bool(old.get("retainOnDelete") or new.get("retainOnDelete")),
    )


def _state(state: StepEventStateMetadata | None) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    return (state.inputs, state.outputs) if state is not None else (None, None)


def from_event(metadata: StepEventMetadata) -> ResourceChange:
    """The step of an engine event (``resource_pre_event`` or ``res_outputs_event``)."""
    detailed = metadata.detailed_diff or {}
    paths = {path: str(getattr(diff.diff_kind, "value", diff.diff_kind)) for path, diff in detailed.items()}
    if not paths:
        paths = {key: "update" for key in metadata.diffs or ()}
    old_inputs, old_outputs = _state(metadata.old)
    new_inputs, _ = _state(metadata.new)
    retain = any(bool(state and state.retain_on_delete) for state in (metadata.old, metadata.new))
    op = getattr(metadata.op, "value", metadata.op)
    return _build(
        urn=metadata.urn,
        type_=metadata.type,
        op=str(op),
        paths=paths,
        input_diff={path: bool(diff.input_diff) for path, diff in detailed.items()},
        old_inputs=old_inputs,
        old_outputs=old_outputs,
        new_inputs=new_inputs,
        replace_keys=metadata.keys or (),
        retain_on_delete=retain,
    )


@dataclass
class ChangeSet:
    """Resource changes keyed by URN; a later, more specific step replaces an earlier one for the same URN."""

    by_urn: dict[str, ResourceChange] = field(default_factory=dict)

    def add(self, change: ResourceChange) -> None:
        known = self.by_urn.get(change.urn)
        if known is None or _rank(change) >= _rank(known):
            self.by_urn[change.urn] = change

    def reported(self) -> list[ResourceChange]:
        return [change for change in self.by_urn.values() if change.reported]


def _rank(change: ResourceChange) -> tuple[int, int]:
    # replace beats its create/delete halves; a step with field diffs beats a bare pre-event.
    return (2 if change.op == "replace" else 1 if change.op not in ("same", "refresh") else 0, len(change.fields))


def merge_changes(changes: Iterable[ResourceChange]) -> list[ResourceChange]:
    """One change per resource (the halves of a replacement fold into ``replace``), in first-seen order."""
    merged = ChangeSet()
    for change in changes:
        merged.add(change)
    return list(merged.by_urn.values())


def changes_from_digest(digest: Mapping[str, Any]) -> list[ResourceChange]:
    """Every step of a preview digest, one per resource."""
    steps = digest.get("steps")
    if not isinstance(steps, list):
        raise ValueError("not a `pulumi preview --json` digest: it has no list of steps")
    return merge_changes(from_digest_step(step) for step in steps if isinstance(step, Mapping))
