"""What every mailfleet dynamic provider shares: configuration from stack config, and the diff rule.

The diff rule: "no change" when none of ``managed_keys`` differs; otherwise "unknown", which makes the engine diff
the inputs itself and show exactly which fields changed (a dynamic provider cannot send a detailed diff).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pulumi.dynamic import ConfigureRequest, DiffResult, ResourceProvider

from resources import connection


class SmartleadProvider(ResourceProvider):
    # Instances hold no state and no secret: their pickle stays a small, stable reference to the class.
    serialize_as_secret_always = False
    managed_keys: ClassVar[tuple[str, ...]] = ()

    def configure(self, req: ConfigureRequest) -> None:
        connection.configure_from_request(req)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = any(olds.get(key) != news.get(key) for key in self.managed_keys)
        return DiffResult(changes=None if changed else False)
