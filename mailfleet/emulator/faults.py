"""Fault rules (LocalStack's chaos API as data): match requests by path and method, then delay, fail with a
status, drop the connection, or let the request through and fail only the response (``after_commit``)."""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass, field
from typing import Any

_FIELDS = {
    "path_regex",
    "path",
    "method",
    "status",
    "body",
    "latency_ms",
    "drop_connection",
    "after_commit",
    "probability",
    "count",
    "seed",
    "api_key",
    "api_key_hash",
}


@dataclass
class FaultRule:
    """One rule. ``path`` is an exact request path (``/api/v1/email-accounts/save``), ``path_regex`` a regex
    searched in it (``re.search``). ``count`` is how many more times it may fire (None: forever)."""

    id: str
    pattern: re.Pattern[str]
    method: str | None = None
    status: int | None = None
    body: Any = None
    latency_ms: int = 0
    drop_connection: bool = False
    after_commit: bool = False
    probability: float = 1.0
    count: int | None = None
    seed: int | None = None
    api_key_hash: str | None = None
    fired: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    @property
    def fails(self) -> bool:
        """Whether the rule changes the response (not just latency)."""
        return self.drop_connection or self.status is not None or self.after_commit

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path_regex": self.pattern.pattern,
            "method": self.method,
            "status": self.status,
            "body": self.body,
            "latency_ms": self.latency_ms,
            "drop_connection": self.drop_connection,
            "after_commit": self.after_commit,
            "probability": self.probability,
            "count": self.count,
            "seed": self.seed,
            "api_key_hash": self.api_key_hash,
            "fired": self.fired,
        }


class FaultTable:
    """Thread-safe list of rules; the first rule that matches and fires wins."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._next = 1

    def add(self, spec: dict[str, Any], *, key_hasher: Any = None) -> FaultRule:
        """Add a rule from the control API's JSON; raise ``ValueError`` on a bad spec."""
        unknown = set(spec) - _FIELDS
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        if ("path" in spec) == ("path_regex" in spec):
            raise ValueError("give exactly one of path or path_regex")
        try:
            pattern = (
                re.compile("^" + re.escape(spec["path"]) + "/?$")
                if "path" in spec
                else re.compile(str(spec["path_regex"]))
            )
        except re.error as error:
            raise ValueError(f"bad path_regex: {error}") from None
        status = spec.get("status")
        if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
            raise ValueError("status must be an HTTP status code")
        probability = float(spec.get("probability", 1.0))
        if not 0 <= probability <= 1:
            raise ValueError("probability must be between 0 and 1")
        count = spec.get("count")
        if count is not None and (not isinstance(count, int) or count < 0):
            raise ValueError("count must be a non-negative integer")
        latency = int(spec.get("latency_ms", 0) or 0)
        if latency < 0 or latency > 120_000:
            raise ValueError("latency_ms must be between 0 and 120000")
        drop = bool(spec.get("drop_connection", False))
        after = bool(spec.get("after_commit", False))
        if status is None and not drop and not after and latency == 0:
            raise ValueError("a fault needs status, drop_connection, after_commit or latency_ms")
        key_hash = spec.get("api_key_hash")
        if spec.get("api_key") and key_hasher is not None:
            key_hash = key_hasher(str(spec["api_key"]))
        seed = spec.get("seed")
        with self._lock:
            rule = FaultRule(
                id=f"f{self._next}",
                pattern=pattern,
                method=str(spec["method"]).upper() if spec.get("method") else None,
                status=status,
                body=spec.get("body"),
                latency_ms=latency,
                drop_connection=drop,
                after_commit=after,
                probability=probability,
                count=count,
                seed=seed,
                api_key_hash=key_hash,
                _rng=random.Random(seed),
            )
            self._next += 1
            self._rules.append(rule)
        return rule

    def match(self, method: str, path: str, api_key_hash: str | None) -> FaultRule | None:
        """The first rule that applies and fires now (its count is used up here)."""
        with self._lock:
            for rule in self._rules:
                if rule.method is not None and rule.method != method:
                    continue
                if rule.api_key_hash is not None and rule.api_key_hash != api_key_hash:
                    continue
                if not rule.pattern.search(path):
                    continue
                if rule.count is not None and rule.count <= 0:
                    continue
                if rule.probability < 1 and rule._rng.random() >= rule.probability:
                    continue
                if rule.count is not None:
                    rule.count -= 1
                rule.fired += 1
                return rule
        return None

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.as_dict() for rule in self._rules]

    def remove(self, rule_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if r.id != rule_id]
            return len(self._rules) != before

    def clear(self) -> int:
        with self._lock:
            n = len(self._rules)
            self._rules = []
            return n
