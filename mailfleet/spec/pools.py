"""``pools:`` of a tenant file: the checks the schema cannot make, and the typed :class:`Pool` (docs/rotation.md).

A pool's mailboxes and reserves must be mailboxes of the same file; a pool names its senders by ``mailboxes`` or by
``tag``, not both; a mailbox is a sender or a reserve of a pool, not both; one pool per campaign; a pool's campaign
is not also in the per-mailbox ``campaigns`` of one of its members (the pool decides who sends for it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from mailfleet.spec.errors import Problem
from mailfleet.spec.messages import show
from mailfleet.spec.model import (
    DEFAULT_AFTER_RECOVERY,
    DEFAULT_READMIT_AFTER,
    AfterRecovery,
    CampaignId,
    Pool,
    campaign_id,
)

if TYPE_CHECKING:
    from mailfleet.spec.loader import TenantFile


def _pools(data: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    pools = data.get("pools")
    for index, pool in enumerate(pools if isinstance(pools, list) else []):
        if isinstance(pool, dict):
            yield index, pool


def _emails(value: Any) -> list[str]:
    return [str(email).lower() for email in value] if isinstance(value, list) else []


def _tagged(data: dict[str, Any], tag: str) -> list[str]:
    mailboxes = data.get("mailboxes")
    return [
        str(m["email"]).lower()
        for m in (mailboxes if isinstance(mailboxes, list) else [])
        if isinstance(m, dict) and isinstance(m.get("email"), str) and tag in (m.get("tags") or [])
    ]


def senders(data: dict[str, Any], pool: dict[str, Any]) -> list[str]:
    """The pool's senders: ``mailboxes`` as listed, or the ``tag``'s mailboxes in file order, reserves left out."""
    if "mailboxes" in pool:
        return _emails(pool["mailboxes"])
    reserves = set(_emails(pool.get("reserves")))
    tag = pool.get("tag")
    return [email for email in _tagged(data, tag) if email not in reserves] if isinstance(tag, str) else []


def check_pools(file: TenantFile, data: dict[str, Any]) -> list[Problem]:
    """Every pool problem of one file, each at its key or value."""
    declared: dict[str, dict[str, Any]] = {}
    mailboxes = data.get("mailboxes")
    for mailbox in mailboxes if isinstance(mailboxes, list) else []:
        if isinstance(mailbox, dict) and isinstance(mailbox.get("email"), str):
            declared[mailbox["email"].lower()] = mailbox
    problems: list[Problem] = []
    campaigns: dict[CampaignId, int] = {}
    for index, pool in _pools(data):
        where = f"pools[{index}]"
        if ("mailboxes" in pool) == ("tag" in pool):
            problems.append(
                file.problem(("pools", index), f"{where}: give its senders as mailboxes: [...] or as tag: NAME")
            )
            continue
        if "tag" in pool and isinstance(pool["tag"], str) and not senders(data, pool):
            problems.append(
                file.problem(
                    ("pools", index, "tag"), f"{where}.tag: no mailbox of this file has tag {show(pool['tag'])}"
                )
            )
        for key in ("mailboxes", "reserves"):
            for position, email in enumerate(_emails(pool.get(key))):
                if email not in declared:
                    problems.append(
                        file.problem(
                            ("pools", index, key, position),
                            f"{where}.{key}[{position}]: {show(email)} is not a mailbox of this file",
                        )
                    )
        both = set(senders(data, pool)) & set(_emails(pool.get("reserves")))
        for position, email in enumerate(_emails(pool.get("reserves"))):
            if email in both and "mailboxes" in pool:
                problems.append(
                    file.problem(
                        ("pools", index, "reserves", position),
                        f"{where}.reserves[{position}]: {show(email)} is also one of the pool's mailboxes",
                    )
                )
        campaign = campaign_id(pool.get("campaign"))
        if campaign is None:
            continue
        if campaign in campaigns:
            problems.append(
                file.problem(
                    ("pools", index, "campaign"),
                    f"{where}.campaign: campaign {campaign} already has a pool (pools[{campaigns[campaign]}])",
                )
            )
        campaigns.setdefault(campaign, index)
        for email in [*senders(data, pool), *_emails(pool.get("reserves"))]:
            listed = declared.get(email, {}).get("campaigns")
            ids = [campaign_id(item) for item in listed] if isinstance(listed, list) else []
            if campaign in ids:
                position = list(declared).index(email)
                problems.append(
                    file.problem(
                        ("mailboxes", position, "campaigns", ids.index(campaign)),
                        f"mailboxes[{position}].campaigns: campaign {campaign} is rotated by pools[{index}]; "
                        "remove it here (the pool attaches its senders)",
                    )
                )
    return problems


def _campaign(value: Any) -> CampaignId:
    campaign = campaign_id(value)
    assert campaign is not None  # validated
    return campaign


def build_pools(file: TenantFile, data: dict[str, Any]) -> tuple[Pool, ...]:
    """The typed pools of a file that passed :func:`check_pools`."""
    return tuple(
        Pool(
            campaign=_campaign(pool["campaign"]),
            active=int(pool["active"]),
            mailboxes=tuple(senders(data, pool)),
            reserves=tuple(_emails(pool.get("reserves"))),
            readmit_after=int(pool.get("readmit_after", DEFAULT_READMIT_AFTER)),
            rest_per_day=int(pool["rest_per_day"]) if "rest_per_day" in pool else None,
            after_recovery=cast(AfterRecovery, pool.get("after_recovery", DEFAULT_AFTER_RECOVERY)),
            tag=str(pool["tag"]) if "tag" in pool else None,
            location=file.location(("pools", index)),
        )
        for index, pool in _pools(data)
    )
