"""Emulator settings and switches.

``EmulatorSettings`` is what the server starts with. ``Switches`` are the knobs for behaviour the research
could not pin down (see ``research/smartlead-api.md``); they start from the settings and can be flipped at runtime
through ``POST /_emulator/switches`` (``ControlClient.set_switch``). A full reset restores the start values.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args, get_origin, get_type_hints

OverLimitMode = Literal["422", "empty"]
WebhookDeleteMode = Literal["body", "path", "both"]
TagListShape = Literal["envelope", "array"]
WebhookSummaryShape = Literal["docs", "cli"]
ReputationType = Literal["number", "string"]

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class RateLimit:
    """``requests`` per ``seconds``, per API key, over a sliding window of real time."""

    requests: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """Parse ``"N/SECONDS"`` (e.g. ``"60/60"``, ``"10/2"``); raise ``ValueError`` on anything else."""
        match = _RATE.match(text)
        if match is None:
            raise ValueError(f"rate limit must look like N/SECONDS, got {text!r}")
        requests, seconds = int(match.group(1)), float(match.group(2))
        if requests < 1 or seconds <= 0:
            raise ValueError(f"rate limit needs N >= 1 and SECONDS > 0, got {text!r}")
        return cls(requests, seconds)

    @classmethod
    def parse_many(cls, text: str) -> tuple[RateLimit, ...]:
        """Parse comma-separated limits that all apply (``"100/1,6000/60"``)."""
        return tuple(cls.parse(part) for part in text.split(","))

    def __str__(self) -> str:
        seconds = int(self.seconds) if self.seconds == int(self.seconds) else self.seconds
        return f"{self.requests}/{seconds}"


def default_rate_limit_body(retry_after: int) -> dict[str, Any]:
    """The 429 body from the (low-trust) new rate-limit guide."""
    return {
        "error": {
            "code": "RATE_LIMIT_EXCEEDED",
            "message": f"Too many requests. Please retry after {retry_after} seconds.",
            "retry_after": retry_after,
        }
    }


@dataclass
class Switches:
    """Runtime-switchable behaviour. Names are the keys accepted by ``POST /_emulator/switches``.

    - ``delete_enabled`` (bool, default True): ``DELETE /email-accounts/{id}`` exists; when False it answers
      Express's ``Cannot DELETE ...`` 404, as before Nov 2025.
    - ``campaign_webhook_delete`` (``"body"`` | ``"path"`` | ``"both"``, default ``"body"``): which form
      of campaign webhook delete works: ``DELETE /campaigns/{cid}/webhooks`` with ``{"id"}`` body, the path form
      ``DELETE /campaigns/{cid}/webhooks/{id}``, or both. The form that is off answers Express 404.
    - ``over_limit`` (``"422"`` | ``"empty"``, default ``"422"``): ``limit`` > 100 on the account list gives
      422 ``{"error": "limit must be less than or equal to 100"}``, or a silently empty array.
    - ``rate_limit_body`` (JSON or None): the 429 body; None means the documented default; strings may contain
      ``{retry_after}``.
    - ``strict_warmup`` (bool, default False): enforce the new docs' warmup ranges (per day 1-50, rampup 5-20,
      reply rate 20-100) with 422 ``{"error": "... must be ..."}``.
    - ``rate_limit`` (``"N/SECONDS"``): the per-key limit.
    - ``tag_list_shape`` (``"envelope"`` | ``"array"``, default ``"envelope"``): ``POST /email-accounts/tag-list``
      answers the documented ``{ok: true, data: [{email_account_id, from_email, tags}]}``, or a bare array of
      ``{id, from_email, tags}``.
    - ``webhook_summary_shape`` (``"docs"`` | ``"cli"``, default ``"docs"``): ``GET
      /campaigns/{cid}/webhooks/summary`` answers ``{total_calls, successful_calls, failed_calls, success_rate}``
      (new docs) or ``{total, success, failed}`` (the official CLI's schema).
    - ``reputation_by_id`` (``"number"`` | ``"string"``, default ``"number"``): ``warmup_details.warmup_reputation``
      on ``GET /email-accounts/{id}`` is ``95`` (by-id docs, official CLI) or ``"95%"`` (as in the list).
    - ``attach_auto_adjust_warmup`` (bool, default True): ``POST /campaigns/{cid}/email-accounts`` accepts
      ``auto_adjust_warmup`` (the official CLI sends it); when False it answers Joi's ``is not allowed``.
    - ``health_metrics`` (bool, default True): ``GET /analytics/mailbox/name-wise-health-metrics`` answers; when
      False it is Express's 404, as for a key that may not use it (clients fall back to per-campaign statistics).
    """

    delete_enabled: bool = True
    campaign_webhook_delete: WebhookDeleteMode = "body"
    over_limit: OverLimitMode = "422"
    rate_limit_body: Any = None
    strict_warmup: bool = False
    rate_limit: str = "60/60"
    tag_list_shape: TagListShape = "envelope"
    webhook_summary_shape: WebhookSummaryShape = "docs"
    reputation_by_id: ReputationType = "number"
    attach_auto_adjust_warmup: bool = True
    health_metrics: bool = True

    def set(self, name: str, value: Any) -> None:
        """Set one switch, checking the value; raise ``ValueError`` for an unknown name or bad value."""
        if name == "rate_limit":
            RateLimit.parse(str(value))
            value = str(value)
        set_switch(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def set_switch(switches: Any, name: str, value: Any) -> None:
    """Set field ``name`` of a switches dataclass after checking ``value`` against its type hint (bool, float,
    a ``Literal`` of choices); raise ``ValueError`` for an unknown name or a bad value."""
    hints = get_type_hints(type(switches))
    if name not in hints:
        raise ValueError(f"unknown switch {name!r}; known: {sorted(hints)}")
    hint = hints[name]
    if hint is bool and not isinstance(value, bool):
        raise ValueError(f"switch {name} takes true or false")
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"switch {name} takes a non-negative number")
        value = float(value)
    if get_origin(hint) is Literal:
        value = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        choices = get_args(hint)
        if value not in choices:
            raise ValueError(f"switch {name} takes {' or '.join(repr(c) for c in choices)}")
    setattr(switches, name, value)


@dataclass
class EmulatorSettings:
    """How to start an emulator. ``api_keys`` are registered (as hashes) in the database at start-up."""

    db_path: Path
    api_keys: list[str] = field(default_factory=list)
    switches: Switches = field(default_factory=Switches)
    start_date: date | None = None
    """If set and the database has no clock yet, the virtual clock is frozen at this date (tests)."""
    request_log_size: int = 10_000

    @property
    def rate_limit(self) -> RateLimit:
        return RateLimit.parse(self.switches.rate_limit)
