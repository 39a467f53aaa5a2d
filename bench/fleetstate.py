"""A large deployed fleet without paying its creates: one stack deployed for real, the others cloned from it.

``clone_stacks`` copies the template stack's accounts, clients and tag memberships in the emulator's SQLite store (new
ids, the other tenants' names) and writes each cloned stack's checkpoint into the file backend with the same
substitutions, as ``pulumi up`` would have left it: same inputs, outputs, parents, dependencies and encrypted secrets
(every stack shares the template's passphrase salt, so its ciphertexts decrypt). What the nightly commands read
(listing, state, ids) is then the same as after 20,000 real creates, which would take hours here.

Run it while the emulator is idle: the emulator reads its store on every request, so the rows are live at once.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailfleet.testing.synthetic import tenant_name

PROJECT = "mailfleet"
# A tenant name where the fleet's strings hold one: whole, in a URN, an address or a host name (never inside base64).
_TENANT = re.compile(r"(?:(?<=^)|(?<=[@.:]))t\d{4}(?=$|[-.])")
# Opaque values: ciphertexts, the pickled provider, the manifest's checksum.
_OPAQUE_KEYS = ("ciphertext", "__provider", "magic")
_SENDER = re.compile(r"^Sender (\d+)-(\d+)$")
_CLIENT_NAME = re.compile(r"^Tenant (\d+)$")


@dataclass(frozen=True)
class Clone:
    """A stack to create from the template: its name and the tenant indices standing in for the template's."""

    stack: str
    tenants: Sequence[int]


def checkpoint_path(backend: Path, stack: str) -> Path:
    return backend / ".pulumi" / "stacks" / PROJECT / f"{stack}.json"


def _rename(text: str, tenants: Mapping[str, str], indices: Mapping[int, int]) -> str:
    text = _TENANT.sub(lambda m: tenants.get(m.group(), m.group()), text)
    if (sender := _SENDER.match(text)) is not None:
        return f"Sender {indices.get(int(sender[1]), int(sender[1]))}-{sender[2]}"
    if (client := _CLIENT_NAME.match(text)) is not None:
        return f"Tenant {indices.get(int(client[1]), int(client[1]))}"
    return text


def _walk(value: Any, rename: Any, ids: Mapping[int, int], key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, rename, ids, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, rename, ids, key) for v in value]
    if isinstance(value, str):
        if key in _OPAQUE_KEYS:
            return value
        if key == "id" and value.isdigit():
            return str(ids.get(int(value), int(value)))
        return rename(value)
    if isinstance(value, int) and key in ("account_id", "client_id", "members", "id"):
        return ids.get(value, value)
    return value


def clone_stacks(
    *,
    emulator_db: Path,
    backend: Path,
    project: Path,
    template: str,
    template_tenants: Sequence[int],
    clones: Sequence[Clone],
) -> int:
    """Create every clone (store rows, checkpoint, stack config file); returns the accounts added."""
    document = json.loads(checkpoint_path(backend, template).read_text())
    template_names = {tenant_name(i) for i in template_tenants}
    db = sqlite3.connect(str(emulator_db), timeout=60)
    added = 0
    try:
        accounts = db.execute("SELECT id, user_id, from_email, data FROM accounts WHERE deleted = 0").fetchall()
        accounts = [row for row in accounts if row[2].split("@")[1].split("-")[0] in template_names]
        clients = [row for row in db.execute("SELECT id, user_id, email, data FROM clients").fetchall()
                   if row[2].split("@")[1].split(".")[0] in template_names]  # fmt: skip
        tags = db.execute("SELECT account_id, tag_id FROM account_tags").fetchall()
        tags_of: dict[int, list[int]] = {}
        for account_id, tag_id in tags:
            tags_of.setdefault(account_id, []).append(tag_id)
        with db:
            for clone in clones:
                indices = dict(zip(template_tenants, clone.tenants, strict=True))
                names = {tenant_name(a): tenant_name(b) for a, b in indices.items()}

                def rename(text: str, names: Mapping[str, str] = names, indices: Mapping[int, int] = indices) -> str:
                    return _rename(text, names, indices)

                ids: dict[int, int] = {}
                for old_id, user_id, email, data in clients:
                    row = json.loads(data)
                    cursor = db.execute(
                        "INSERT INTO clients (user_id, email, data) VALUES (?, ?, '{}')", (user_id, rename(email))
                    )
                    assert cursor.lastrowid is not None
                    ids[old_id] = cursor.lastrowid
                    row = _walk(row, rename, ids)
                    row["id"] = ids[old_id]
                    db.execute("UPDATE clients SET data = ? WHERE id = ?", (json.dumps(row), ids[old_id]))
                for old_id, user_id, email, _data in accounts:
                    cursor = db.execute(
                        "INSERT INTO accounts (user_id, from_email, data) VALUES (?, ?, '{}')", (user_id, rename(email))
                    )
                    assert cursor.lastrowid is not None
                    ids[old_id] = cursor.lastrowid
                for old_id, _user_id, _email, data in accounts:
                    row = _walk(json.loads(data), rename, ids)
                    row["id"] = ids[old_id]
                    if isinstance(row.get("warmup_details"), dict):
                        row["warmup_details"]["id"] = ids[old_id]
                    db.execute("UPDATE accounts SET data = ? WHERE id = ?", (json.dumps(row), ids[old_id]))
                    db.executemany(
                        "INSERT INTO account_tags (account_id, tag_id) VALUES (?, ?)",
                        [(ids[old_id], tag) for tag in tags_of.get(old_id, [])],
                    )
                    added += 1
                stack_rename = _stack_renamer(template, clone.stack, rename)
                cloned = _walk(document, stack_rename, ids)
                checkpoint_path(backend, clone.stack).write_text(json.dumps(cloned, separators=(",", ":")))
                shutil.copyfile(project / f"Pulumi.{template}.yaml", project / f"Pulumi.{clone.stack}.yaml")
    finally:
        db.close()
    return added


def _stack_renamer(template: str, stack: str, rename: Any) -> Any:
    """Tenant renames, and the template stack's name where a URN or the checkpoint names the stack."""
    marks = [
        (f"urn:pulumi:{template}::", f"urn:pulumi:{stack}::"),
        (f"{PROJECT}-{template}", f"{PROJECT}-{stack}"),
        (f"organization/{PROJECT}/{template}", f"organization/{PROJECT}/{stack}"),
    ]

    def renamed(text: str) -> str:
        for old, new in marks:
            text = text.replace(old, new)
        result: str = rename(text)
        return result

    return renamed
