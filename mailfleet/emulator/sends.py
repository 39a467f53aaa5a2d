"""Simulated campaign mail (state and rules, no HTTP): what each attached mailbox sends and how much bounces.

A mailbox attached to a campaign sends, on each day from the day it was attached, its daily cap
(``max_email_per_day``) split evenly over the ACTIVE campaigns it is in. A campaign sends only while its status is
``ACTIVE``; the emulator keeps no status history, so a campaign that is not ACTIVE now shows no mail at all.
Suspended and deleted mailboxes send nothing. Bounces follow the account's health profile (``bounce_rate``): over
any run of days the bounced count is the rate times the sent count, rounded (so a window's rate matches the profile
to within one message), deterministic across restarts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from mailfleet.emulator.exceptions import NotFound
from mailfleet.emulator.models import Account, Backend, User
from mailfleet.emulator.store import Db, loads

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS campaign_attached_on ("
    " campaign_id INTEGER NOT NULL, account_id INTEGER NOT NULL, since TEXT NOT NULL,"
    " PRIMARY KEY (campaign_id, account_id))"
)


@dataclass(frozen=True)
class Sends:
    account_id: int
    from_email: str
    sent: int
    bounced: int


def note_attached(db: Db, campaign_id: int, account_id: int, today: date) -> None:
    """Called when a mailbox joins a campaign: it sends from today on."""
    db.execute(SCHEMA)
    db.execute(
        "INSERT OR REPLACE INTO campaign_attached_on (campaign_id, account_id, since) VALUES (?, ?, ?)",
        (campaign_id, account_id, today.isoformat()),
    )


def forget_detached(db: Db, campaign_id: int, account_id: int) -> None:
    db.execute(SCHEMA)
    db.execute("DELETE FROM campaign_attached_on WHERE campaign_id = ? AND account_id = ?", (campaign_id, account_id))


def _bounced_through(rate: float, sent: int) -> int:
    return round(rate * sent)


def pair_sends(account: Account, per_day: int, since: date, start: date, end: date) -> tuple[int, int]:
    """(sent, bounced) of one mailbox in one campaign over ``[start, end]``."""
    first = max(since, start)
    if account.is_suspended or account.deleted or per_day <= 0 or first > end:
        return 0, 0
    before = (first - since).days * per_day
    sent = ((end - first).days + 1) * per_day
    rate = account.profile.bounce_rate
    return sent, _bounced_through(rate, before + sent) - _bounced_through(rate, before)


def _active_pairs(db: Db, user: User) -> list[tuple[int, Account, date]]:
    """(campaign id, account, attached since) for every mailbox in an ACTIVE campaign of this user."""
    db.execute(SCHEMA)
    rows = db.all(
        "SELECT m.campaign_id, c.data AS campaign, a.data AS account, s.since FROM campaign_accounts m"
        " JOIN campaigns c ON c.id = m.campaign_id JOIN accounts a ON a.id = m.account_id"
        " LEFT JOIN campaign_attached_on s ON s.campaign_id = m.campaign_id AND s.account_id = m.account_id"
        " WHERE c.user_id = ? AND a.deleted = 0 ORDER BY m.campaign_id, a.id",
        (user.user_id,),
    )
    found = []
    for row in rows:
        if loads(str(row["campaign"])).get("status") != "ACTIVE":
            continue
        account = Account.from_json(str(row["account"]))
        created = account.created_at[:10]
        if not (row["since"] or created):
            continue
        # A mailbox attached without the API (the control API) sends from its creation; a date older than the
        # account is left from before a reset (ids restart), so the account's creation bounds it.
        since = max(date.fromisoformat(d) for d in (row["since"], created) if d)
        found.append((int(row["campaign_id"]), account, since))
    return found


def _shares(pairs: list[tuple[int, Account, date]]) -> dict[int, int]:
    """Each account's daily sends per campaign: its cap split evenly over its ACTIVE campaigns."""
    counts: dict[int, int] = {}
    caps: dict[int, int] = {}
    for _, account, _ in pairs:
        counts[account.id] = counts.get(account.id, 0) + 1
        caps[account.id] = account.max_email_per_day
    return {account_id: caps[account_id] // counts[account_id] for account_id in counts}


def campaign_sends(backend: Backend, user: User, campaign_id: int, start: date, end: date) -> list[Sends]:
    """Every mailbox of one campaign, in account order, with its sends in the window (zeros if not ACTIVE)."""
    with backend.store.tx() as db:
        if db.one("SELECT id FROM campaigns WHERE id = ? AND user_id = ?", (campaign_id, user.user_id)) is None:
            raise NotFound("campaign", campaign_id)
        pairs = _active_pairs(db, user)
        attached = db.all(
            "SELECT a.data FROM campaign_accounts m JOIN accounts a ON a.id = m.account_id"
            " WHERE m.campaign_id = ? AND a.deleted = 0 ORDER BY a.id",
            (campaign_id,),
        )
    shares = _shares(pairs)
    mine = {account.id: (account, since) for cid, account, since in pairs if cid == campaign_id}
    found = []
    for row in attached:
        account = Account.from_json(str(row["data"]))
        sent, bounced = 0, 0
        if account.id in mine:
            sent, bounced = pair_sends(account, shares[account.id], mine[account.id][1], start, end)
        found.append(Sends(account.id, account.from_email, sent, bounced))
    return found


def mailbox_sends(backend: Backend, user: User, start: date, end: date) -> list[Sends]:
    """Every mailbox with campaign mail in the window, summed over its campaigns."""
    with backend.store.tx() as db:
        pairs = _active_pairs(db, user)
    shares = _shares(pairs)
    totals: dict[int, list[Any]] = {}
    for _, account, since in pairs:
        sent, bounced = pair_sends(account, shares[account.id], since, start, end)
        entry = totals.setdefault(account.id, [account.from_email, 0, 0])
        entry[1] += sent
        entry[2] += bounced
    return [Sends(i, str(e[0]), int(e[1]), int(e[2])) for i, e in sorted(totals.items()) if e[1] > 0]
