"""SmartDelivery state and rules (no HTTP): spam tests and their per-sender placement.

A test is created for a campaign's sender mailboxes (each must be attached to the campaign) and completes on the
second read of its status (the first says ``ACTIVE``, as a real test does for 5-20 minutes). Each sender's mail
reaches ``SEEDS`` seed inboxes; the share in the inbox follows the account's health profile (``inbox_rate``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from mailfleet.emulator.exceptions import NotFound, Rejected
from mailfleet.emulator.models import Account, Backend, User
from mailfleet.emulator.store import dumps, loads

SEEDS = 40
"""Seed inboxes per sender (20 G Suite + 20 Office365: provider ids 20 and 21)."""
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS smartdelivery_tests ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, data TEXT NOT NULL)"
)
FIRST_TEST_ID = 880_000


@dataclass
class SpamTest:
    id: int
    user_id: int
    name: str
    campaign_id: int
    senders: list[str]
    created_at: str
    reads: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "COMPLETED" if self.reads >= 2 else "ACTIVE"


def create_test(backend: Backend, user: User, name: str, campaign_id: int, senders: list[str]) -> SpamTest:
    if not senders:
        raise Rejected("sender_accounts must name at least one mailbox")
    with backend.store.tx() as db:
        db.execute(SCHEMA)
        if db.one("SELECT id FROM campaigns WHERE id = ? AND user_id = ?", (campaign_id, user.user_id)) is None:
            raise NotFound("campaign", campaign_id)
        rows = db.all(
            "SELECT a.data FROM campaign_accounts m JOIN accounts a ON a.id = m.account_id"
            " WHERE m.campaign_id = ? AND a.deleted = 0",
            (campaign_id,),
        )
        attached = {a.from_email.lower(): a for a in (Account.from_json(str(r["data"])) for r in rows)}
        missing = [s for s in senders if s.lower() not in attached]
        if missing:
            raise Rejected(f"sender accounts not in campaign {campaign_id}: {', '.join(missing)}")
        results = [_result(attached[s.lower()]) for s in senders]
        if db.one("SELECT id FROM smartdelivery_tests LIMIT 1", ()) is None:
            db.execute("INSERT OR IGNORE INTO sqlite_sequence (name, seq) VALUES ('smartdelivery_tests', ?)",
                       (FIRST_TEST_ID,))  # fmt: skip
        cursor = db.execute("INSERT INTO smartdelivery_tests (user_id, data) VALUES (?, '{}')", (user.user_id,))
        test = SpamTest(int(cursor.lastrowid or 0), user.user_id, name, campaign_id, list(senders),
                        backend.clock.now().isoformat(), results=results)  # fmt: skip
        _store(db, test)
        return test


def _result(account: Account) -> dict[str, Any]:
    inbox = round(SEEDS * account.profile.inbox_rate)
    return {"from_email": account.from_email, "inbox": inbox, "spam": SEEDS - inbox, "total": SEEDS}


def _store(db: Any, test: SpamTest) -> None:
    db.execute("UPDATE smartdelivery_tests SET data = ? WHERE id = ?", (dumps(asdict(test)), test.id))


def _load(db: Any, user: User, test_id: int) -> SpamTest:
    db.execute(SCHEMA)
    row = db.one("SELECT data FROM smartdelivery_tests WHERE id = ? AND user_id = ?", (test_id, user.user_id))
    if row is None:
        raise NotFound("spam test", test_id)
    return SpamTest(**loads(str(row["data"])))


def read_test(backend: Backend, user: User, test_id: int) -> SpamTest:
    """One status read (the second one completes the test)."""
    with backend.store.tx() as db:
        test = _load(db, user, test_id)
        test.reads += 1
        _store(db, test)
        return test


def sender_results(backend: Backend, user: User, test_id: int) -> SpamTest:
    with backend.store.tx() as db:
        test = _load(db, user, test_id)
    if test.status != "COMPLETED":
        raise Rejected("the test has not finished yet")
    return test
