"""The request log: what reached the API, never the API key (a short hash) nor any body value."""

from __future__ import annotations

import itertools
import threading
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class LogEntry:
    seq: int
    at: str
    """Virtual time (ISO) the request arrived."""
    method: str
    path: str
    endpoint: str
    """``"METHOD /template"`` (``"POST /email-accounts/save"``, ``"GET /email-accounts/{id}"``); for a path no
    route serves, ``"METHOD unknown"``."""
    status: int
    """The status sent; 0 when the connection was dropped."""
    query: dict[str, str]
    """Query parameters; ``api_key`` is replaced by ``sha256:<16 hex>``."""
    api_key_hash: str | None
    body_keys: list[str]
    """Top-level keys of a JSON object body (values are never kept: they hold passwords)."""
    fault: str | None
    """Id of the fault rule that fired, if any."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    def __init__(self, size: int = 10_000) -> None:
        self._entries: deque[LogEntry] = deque(maxlen=size)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, **fields: Any) -> LogEntry:
        with self._lock:
            entry = LogEntry(seq=next(self._seq), **fields)
            self._entries.append(entry)
            return entry

    def snapshot(self, *, api_key_hash: str | None = None, endpoint: str | None = None) -> dict[str, Any]:
        """``{"entries": [...], "counts": {endpoint: n}}``; counts cover the filtered entries."""
        with self._lock:
            entries = [
                e
                for e in self._entries
                if (api_key_hash is None or e.api_key_hash == api_key_hash)
                and (endpoint is None or e.endpoint == endpoint)
            ]
        counts = Counter(e.endpoint for e in entries)
        return {"entries": [e.as_dict() for e in entries], "counts": dict(sorted(counts.items()))}

    def clear(self) -> int:
        with self._lock:
            n = len(self._entries)
            self._entries.clear()
            return n
