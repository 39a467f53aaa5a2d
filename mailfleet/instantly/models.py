"""Instantly v2 read models (pydantic): tolerant of keys they do not know, and never holding a password.

Each model keeps the fields mailfleet uses; unknown keys are ignored. :class:`Account` also keeps ``raw``, the
answer as received minus every password-like key, for :func:`mailfleet.instantly.fields.live_fields`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "JOB_DONE",
    "Account",
    "BackgroundJob",
    "Campaign",
    "CustomTag",
    "DailyAccountStats",
    "DailyWarmup",
    "WarmupAnalytics",
    "WarmupConfig",
    "Webhook",
    "without_secrets",
]

JOB_DONE = frozenset({"success", "failed", "cancelled"})
"""Background-job states that will not change again."""

_SECRET_MARKERS = ("password", "secret", "token")


def without_secrets(data: Any) -> Any:
    """``data`` with every key that names a password, secret or token dropped, at any depth."""
    if isinstance(data, Mapping):
        return {
            str(k): without_secrets(v)
            for k, v in data.items()
            if not any(marker in str(k).lower() for marker in _SECRET_MARKERS)
        }
    if isinstance(data, list):
        return [without_secrets(item) for item in data]
    return data


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)


class WarmupConfig(_Model):
    limit: int | None = None
    increment: str | None = None
    reply_rate: float | None = None

    @field_validator("increment", mode="before")
    @classmethod
    def _increment_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class AccountTag(_Model):
    id: str
    label: str = ""


class Account(_Model):
    """One sending account, keyed by ``email`` (Instantly has no other id)."""

    email: str
    first_name: str | None = None
    last_name: str | None = None
    provider_code: int | None = None
    status: int | None = None
    """1 active, 2 paused, 3 maintenance, -1 connection error, -2 soft bounce, -3 sending error."""
    warmup_status: int | None = None
    """0 paused, 1 active, -1 banned, -2 spam folder unknown, -3 permanent suspension."""
    daily_limit: int | None = None
    sending_gap: int | None = None
    tracking_domain_name: str | None = None
    signature: str | None = None
    reply_to: str | None = None
    warmup: WarmupConfig | None = None
    stat_warmup_score: float | None = None
    timestamp_created: str | None = None
    tags: tuple[AccountTag, ...] = ()
    raw: Mapping[str, Any] = Field(default_factory=dict, repr=False)

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        """A missing list is no tags; a bare id is a tag without its label."""
        if value is None:
            return ()
        return [{"id": tag} if isinstance(tag, str) else tag for tag in value] if isinstance(value, list) else value

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Account:
        clean = without_secrets(data)
        return cls.model_validate({**clean, "raw": clean})

    @property
    def warmup_enabled(self) -> bool:
        return self.warmup_status == 1

    @property
    def paused(self) -> bool:
        return self.status == 2


class BackgroundJob(_Model):
    """An asynchronous job (warmup enable/disable); ``status`` ends as success, failed or cancelled."""

    id: str
    status: str = "pending"
    type: str | None = None
    progress: float | None = None
    workspace_id: str | None = None
    data: Any = None
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def done(self) -> bool:
        return self.status in JOB_DONE

    @property
    def succeeded(self) -> bool:
        return self.status == "success"


class DailyWarmup(_Model):
    sent: int = 0
    landed_inbox: int = 0
    landed_spam: int = 0
    received: int = 0


class WarmupAnalytics(_Model):
    """One mailbox's warmup health: the aggregate and the days behind it (both empty without history)."""

    email: str
    sent: int = 0
    received: int = 0
    landed_inbox: int = 0
    landed_spam: int = 0
    health_score: float | None = None
    health_score_label: str | None = None
    days: Mapping[str, DailyWarmup] = Field(default_factory=dict)

    @property
    def has_history(self) -> bool:
        return bool(self.days) or self.sent > 0


class DailyAccountStats(_Model):
    """One mailbox's campaign sending on one day (``GET /accounts/analytics/daily``): the bounce source."""

    date: str
    email_account: str
    sent: int = 0
    bounced: int = 0
    contacted: int = 0
    opened: int = 0
    replies: int = 0
    clicks: int = 0


class CustomTag(_Model):
    id: str
    label: str
    description: str | None = None
    timestamp_created: str | None = None


class Campaign(_Model):
    id: str
    name: str | None = None
    status: int | None = None
    email_list: tuple[str, ...] = ()
    """The campaign's senders (account emails)."""

    @field_validator("email_list", mode="before")
    @classmethod
    def _no_senders(cls, value: Any) -> Any:
        return () if value is None else value


class Webhook(_Model):
    id: str
    target_hook_url: str
    event_type: str | None = None
    name: str | None = None
    campaign: str | None = None
    headers: Mapping[str, str] | None = Field(default=None, repr=False)
    """Custom headers Instantly sends with each delivery (the only auth it has): may hold a secret."""
    status: int | None = None
    timestamp_created: str | None = None

    @property
    def url(self) -> str:
        return self.target_hook_url
