"""What every mailfleet dynamic provider shares: configuration from stack config, and the diff rule.

The diff rule: "no change" when none of ``managed_keys`` differs; otherwise "unknown", which makes the engine diff
the inputs itself and show exactly which fields changed (a dynamic provider cannot send a detailed diff).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pulumi.dynamic import ConfigureRequest, DiffResult, ResourceProvider

from resources import connection


def blank(value: Any) -> Any:
    """Empty and missing are the same to a diff: inputs leave out empty optional fields to keep state small."""
    return None if value in (None, "", [], {}) else value


def differs(key: str, olds: dict[str, Any], news: dict[str, Any]) -> bool:
    return bool(blank(olds.get(key)) != blank(news.get(key)))


class SmartleadProvider(ResourceProvider):
    # Instances hold no state and no secret: their pickle stays a small, stable reference to the class.
    serialize_as_secret_always = False
    managed_keys: ClassVar[tuple[str, ...]] = ()

    def configure(self, req: ConfigureRequest) -> None:
        connection.configure_from_request(req)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = any(differs(key, olds, news) for key in self.managed_keys)
        return DiffResult(changes=None if changed else False)
