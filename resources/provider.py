"""What every mailfleet dynamic provider shares: configuration from stack config, and the diff rule.

The diff rule: "no change" when none of ``managed_keys`` differs; otherwise "unknown", which makes the engine diff
the inputs itself and show exactly which fields changed (a dynamic provider cannot send a detailed diff). Two kinds
of change replace the resource instead: a different ``backend`` (another vendor's object), and a change to one of
the keys :meth:`MailfleetProvider.replace_keys` names for the resource's vendor (Instantly's credentials).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pulumi.dynamic import ConfigureRequest, DiffResult, ResourceProvider

from mailfleet.fields import FIELDS, default_of
from mailfleet.vendors import BACKEND_KEY, backend_of
from resources import connection


def blank(value: Any) -> Any:
    """Empty and missing are the same to a diff: inputs leave out empty optional fields to keep state small."""
    return None if value in (None, "", [], {}) else value


def differs(key: str, olds: dict[str, Any], news: dict[str, Any]) -> bool:
    return bool(blank(olds.get(key)) != blank(news.get(key)))


def desired_values(props: Mapping[str, Any]) -> dict[str, Any]:
    """Every table field the inputs declare, typed (Pulumi numbers arrive as floats), elided defaults filled in."""
    email = str(props["email"])
    values: dict[str, Any] = {}
    for key, field in FIELDS.items():
        value = props.get(key)
        if value is None and field.elide:
            value = default_of(field, email)
        if value is None:
            continue
        values[key] = int(value) if field.kind == "int" else bool(value) if field.kind == "bool" else value
    return values


class MailfleetProvider(ResourceProvider):
    # Instances hold no state and no secret: their pickle stays a small, stable reference to the class.
    serialize_as_secret_always = False
    managed_keys: ClassVar[tuple[str, ...]] = ()

    def configure(self, req: ConfigureRequest) -> None:
        connection.configure_from_request(req)

    def replace_keys(self, _news: dict[str, Any]) -> tuple[str, ...]:
        """Keys whose change the vendor of ``news`` can only make by creating the object again."""
        return ()

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        if backend_of(olds) != backend_of(news):
            return DiffResult(changes=True, replaces=[BACKEND_KEY])
        replaced = [key for key in self.replace_keys(news) if differs(key, olds, news)]
        if replaced:
            # The same address cannot exist twice in one workspace: the old account goes first.
            return DiffResult(changes=True, replaces=replaced, delete_before_replace=True)
        changed = any(differs(key, olds, news) for key in self.managed_keys)
        return DiffResult(changes=None if changed else False)


SmartleadProvider = MailfleetProvider
"""The name the providers had before Instantly; kept for imports elsewhere."""
