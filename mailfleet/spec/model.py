"""The typed tenant model: what a valid tenant file means, with ``defaults`` merged into every mailbox.

Everything is a frozen dataclass; collections are tuples. Build it with :func:`mailfleet.spec.load_tenants`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

OnRemove = Literal["retain", "suspend", "delete"]
Backend = Literal["smartlead", "instantly"]
"""The vendor that runs a tenant's mailboxes (``backend:`` of a tenant file)."""
DEFAULT_BACKEND: Backend = "smartlead"
CampaignId = int | str
"""A campaign: a Smartlead campaign id (an int) or an Instantly campaign id (a UUID string, lowercase)."""


def campaign_id(value: Any) -> CampaignId | None:
    """A campaign id from a tenant file (ints as they are, UUIDs lowercase); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return value.lower() if isinstance(value, str) else None


AfterRecovery = Literal["return", "stay"]

#: Pool defaults (the schema's ``default`` values agree: tests/spec/test_schema.py).
DEFAULT_READMIT_AFTER = 3
DEFAULT_AFTER_RECOVERY: AfterRecovery = "return"
SecretKind = Literal["secret", "env"]


@dataclass(frozen=True)
class Location:
    """Where something is declared: ``file`` as the user named it, 1-based ``line`` and ``col``."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class SecretRef:
    """A password reference: ``secret`` = a Pulumi secret config key of the stack, ``env`` = an environment
    variable. Never the password itself."""

    kind: SecretKind
    name: str


@dataclass(frozen=True)
class RampStep:
    """From ``from_day`` (1 = the day warmup started) on, send at most ``per_day`` campaign emails a day."""

    from_day: int
    per_day: int


@dataclass(frozen=True)
class Ramp:
    """A sending ramp: steps with strictly increasing ``from_day``, the first from day 1."""

    name: str
    steps: tuple[RampStep, ...]

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError(f"ramp {self.name!r} has no steps")
        if self.steps[0].from_day != 1:
            raise ValueError(f"ramp {self.name!r} must start at day 1")
        for before, after in zip(self.steps, self.steps[1:], strict=False):
            if after.from_day <= before.from_day:
                raise ValueError(f"ramp {self.name!r}: from_day must increase")

    def step_index_on(self, day: int) -> int:
        """Index of the step in force on ``day`` (days before 1 count as day 1)."""
        starts = [step.from_day for step in self.steps]
        return max(bisect_right(starts, day) - 1, 0)

    def per_day_on(self, day: int) -> int:
        """The daily campaign cap on ``day`` (days before 1 count as day 1)."""
        return self.steps[self.step_index_on(day)].per_day


@dataclass(frozen=True)
class Mailbox:
    """One mailbox with the tenant's ``defaults`` merged in. ``email`` is lowercase.

    ``settings`` holds every declared setting by its field key (:data:`mailfleet.fields.FIELDS`):
    ``from_name``, ``username`` (the email unless given), ``password`` (a :class:`SecretRef`), ``smtp_host``,
    ``warmup_per_day``, ... Optional fields nobody set are absent.
    """

    email: str
    settings: Mapping[str, Any]
    ramp: Ramp
    on_remove: OnRemove
    tags: tuple[str, ...]
    campaigns: tuple[CampaignId, ...]
    """Smartlead: campaign ids (ints); Instantly: campaign UUIDs (strings)."""
    location: Location

    @property
    def password(self) -> SecretRef:
        ref = self.settings["password"]
        assert isinstance(ref, SecretRef)
        return ref

    def secret_refs(self) -> tuple[SecretRef, ...]:
        """Every secret reference the mailbox declares (the password, and a different IMAP password)."""
        return tuple(value for value in self.settings.values() if isinstance(value, SecretRef))


@dataclass(frozen=True)
class Webhook:
    """A Smartlead webhook: Smartlead posts the listed ``events`` (and lead ``categories``) to ``url``."""

    name: str
    url: str
    events: tuple[str, ...]
    categories: tuple[str, ...]
    location: Location | None = None


@dataclass(frozen=True)
class ClientSpec:
    """The tenant's Smartlead white-label client."""

    name: str
    email: str


@dataclass(frozen=True)
class InstantlyWorkspace:
    """``workspace:`` of an Instantly tenant: the Instantly workspace its mailboxes live in (exactly one of the two).

    ``id``: act through the stack's admin key (``mailfleet:instantlyApiKey``), sending ``x-as-workspace: <id>``.
    ``api_key``: the workspace's own key, a reference like a password (``{secret: K}`` is stack config
    ``mailfleet:K``).
    """

    id: str | None
    api_key: SecretRef | None
    location: Location


@dataclass(frozen=True)
class DnsSettings:
    """``dns:`` of a tenant file: whether health checks the mailboxes' domains, and the DKIM selectors to try
    (empty: common selectors)."""

    enabled: bool = True
    dkim_selectors: tuple[str, ...] = ()
    domains: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(domain, its selectors), sorted by domain."""

    def selectors_for(self, domain: str) -> tuple[str, ...]:
        """The declared selectors of ``domain`` (its own, else the tenant's); empty when none are declared."""
        return dict(self.domains).get(domain.lower(), self.dkim_selectors)


@dataclass(frozen=True)
class Pool:
    """``pools:`` of a tenant file: who may send for ``campaign``, and how many at once (docs/rotation.md).

    ``mailboxes`` is resolved (a ``tag`` selector becomes the tagged mailboxes in file order, reserves left out);
    emails are lowercase. ``rest_per_day`` None: the first step of the mailbox's ramp.
    """

    campaign: CampaignId
    active: int
    mailboxes: tuple[str, ...]
    reserves: tuple[str, ...] = ()
    readmit_after: int = DEFAULT_READMIT_AFTER
    rest_per_day: int | None = None
    after_recovery: AfterRecovery = DEFAULT_AFTER_RECOVERY
    tag: str | None = None
    location: Location | None = None

    @property
    def members(self) -> tuple[str, ...]:
        return self.mailboxes + self.reserves


@dataclass(frozen=True)
class Tenant:
    """One tenant file. ``on_remove`` is the file's default (``defaults.on_remove``); each mailbox carries
    its own. ``client`` is set for Smartlead tenants (required there) and None for Instantly ones; ``workspace``
    the other way round."""

    name: str
    client: ClientSpec | None
    mailboxes: tuple[Mailbox, ...]
    webhooks: tuple[Webhook, ...]
    on_remove: OnRemove
    campaign_min_warmup_days: int
    health_gate: bool
    source: Path
    location: Location
    dns: DnsSettings = DnsSettings()
    pools: tuple[Pool, ...] = ()
    backend: Backend = DEFAULT_BACKEND
    workspace: InstantlyWorkspace | None = None

    @property
    def smartlead_client(self) -> ClientSpec:
        """The Smartlead client of a Smartlead tenant (validation guarantees one); ValueError for Instantly."""
        if self.client is None:
            raise ValueError(f"tenant {self.name!r} ({self.backend}) has no Smartlead client")
        return self.client
