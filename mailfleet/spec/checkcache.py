"""A tenant file's own checks, remembered by content.

Every stack's program validates the whole directory of tenant files, because some rules cross files (a mailbox or a
client email in two of them). A fleet of 200 stacks over 2,000 files would parse and schema-check the same 2,000
files 200 times, about 10 s of CPU each time. A file's own checks depend only on its bytes, the name it is shown
by and mailfleet's code, so their result is kept under a digest of the three.

The entries live in ``$MAILFLEET_SPEC_CACHE`` (default ``${MAILFLEET_CACHE:-${XDG_CACHE_HOME:-~/.cache}/mailfleet}``
``/spec-checks``); ``MAILFLEET_SPEC_CACHE=off`` turns the cache off. An entry that is missing, unreadable or
written by other code is checked again, and deleting the directory is always safe. The rules that cross files,
and the secret references a stack holds, are checked on every run: they depend on more than one file.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import mailfleet

CACHE_VARIABLE = "MAILFLEET_SPEC_CACHE"
OFF = "off"
#: Entries not written for this long are removed (each code version and file edit leaves its own).
MAX_AGE_SECONDS = 30 * 24 * 3600
# The libraries whose behaviour is part of a check's result (parsing, schema messages).
_LIBRARIES = ("pyyaml", "jsonschema")


def cache_dir() -> Path | None:
    """Where entries are kept; None when the cache is off."""
    chosen = os.environ.get(CACHE_VARIABLE, "")
    if chosen == OFF:
        return None
    if chosen:
        return Path(chosen)
    # The same root as the Pulumi CLI's build cache (scripts/build-pulumi.sh).
    root = (
        os.environ.get("MAILFLEET_CACHE")
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mailfleet"
    )
    return Path(root) / "spec-checks"


@functools.cache
def code_fingerprint() -> str:
    """A digest of everything that can change a check's result: mailfleet's source, the tenant schema (read from the
    checkout's ``specs/``, outside the package), the libraries, Python."""
    from mailfleet.spec.schema import schema_text  # the schema module imports the loader's helpers

    digest = hashlib.sha256(sys.version.encode())
    digest.update(b"\0" + schema_text().encode())
    for library in _LIBRARIES:
        digest.update(f"\0{library}={metadata.version(library)}".encode())
    package = Path(mailfleet.__file__).parent
    for source in sorted(package.rglob("*")):
        if source.suffix in {".py", ".json"} and source.is_file():
            digest.update(b"\0" + str(source.relative_to(package)).encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def entry_key(display: str, raw: bytes) -> str:
    digest = hashlib.sha256(code_fingerprint().encode())
    digest.update(b"\0" + display.encode("utf-8", "surrogateescape") + b"\0" + raw)
    return digest.hexdigest()


def load(key: str) -> Any | None:
    """The entry stored under ``key``, or None (off, absent, or unreadable)."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        with (directory / f"{key}.pickle").open("rb") as handle:
            # Written only by store() below, under a key that names the content and the code that checked it.
            return pickle.load(handle)
    except Exception:  # any damaged entry (truncated, other Python) is checked again
        return None


def store(key: str, entry: Any) -> None:
    """Keep ``entry`` under ``key``; a cache that cannot be written is skipped (the checks run again next time)."""
    directory = cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _prune_once(directory)
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, directory / f"{key}.pickle")  # atomic: concurrent stacks read whole entries only
    except OSError:
        Path(temporary).unlink(missing_ok=True)


@functools.cache
def _prune_once(directory: Path) -> None:
    """Remove the entries older than :data:`MAX_AGE_SECONDS`, once per process (when it first writes one)."""
    oldest = time.time() - MAX_AGE_SECONDS
    for entry in os.scandir(directory):
        try:
            if entry.stat().st_mtime < oldest:
                os.unlink(entry.path)
        except OSError:
            continue
