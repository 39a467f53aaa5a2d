from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.spec import SpecError, load_tenants, validate_directory

TENANT = """\
apiVersion: mailfleet/v1
tenant: acme
client: {name: Acme Corp, email: ops@acme.example}
defaults:
  smtp: {host: smtp.acme.example, port: 465}
  imap: {host: imap.acme.example, port: 993}
mailboxes:
  - {email: a@acme.example, from_name: A, password: {secret: p}, tags: [sales]}
  - {email: b@acme.example, from_name: B, password: {secret: p}, tags: [sales]}
  - {email: c@acme.example, from_name: C, password: {secret: p}, tags: [sales], campaigns: [7]}
  - {email: d@acme.example, from_name: D, password: {secret: p}, tags: [sales]}
"""


def write(tmp_path: Path, pools: str) -> Path:
    (tmp_path / "acme.yaml").write_text(TENANT + pools)
    return tmp_path


def test_a_pool_by_mailboxes_and_one_by_tag(tmp_path: Path) -> None:
    pools = """\
pools:
  - campaign: 48213
    active: 2
    mailboxes: [A@acme.example, b@acme.example]
    reserves: [d@acme.example]
  - {campaign: 50000, active: 2, tag: sales, reserves: [d@acme.example], readmit_after: 5, rest_per_day: 4,
     after_recovery: stay}
"""
    (tenant,) = load_tenants(write(tmp_path, pools))
    first, second = tenant.pools
    assert (first.campaign, first.active, first.mailboxes, first.reserves) == (
        48213,
        2,
        ("a@acme.example", "b@acme.example"),
        ("d@acme.example",),
    )
    assert (first.readmit_after, first.rest_per_day, first.after_recovery) == (3, None, "return")
    assert second.mailboxes == ("a@acme.example", "b@acme.example", "c@acme.example")  # tag, reserves left out
    assert (second.readmit_after, second.rest_per_day, second.after_recovery, second.tag) == (5, 4, "stay", "sales")
    assert str(second.location).endswith("acme.yaml:17:5")


@pytest.mark.parametrize(
    ("pools", "problem"),
    [
        (
            "pools:\n  - {campaign: 1, active: 1, mailboxes: [x@acme.example]}\n",
            "13:42: pools[0].mailboxes[0]: 'x@acme.example' is not a mailbox of this file",
        ),
        (
            "pools:\n  - {campaign: 1, active: 1, tag: sales, mailboxes: [a@acme.example]}\n",
            "13:5: pools[0]: give its senders as mailboxes: [...] or as tag: NAME",
        ),
        (
            "pools:\n  - {campaign: 1, active: 1}\n",
            "13:5: pools[0]: give its senders as mailboxes: [...] or as tag: NAME",
        ),
        (
            "pools:\n  - {campaign: 1, active: 1, tag: ops}\n",
            "13:35: pools[0].tag: no mailbox of this file has tag 'ops'",
        ),
        (
            "pools:\n  - {campaign: 1, active: 1, mailboxes: [a@acme.example], reserves: [a@acme.example]}\n",
            "13:70: pools[0].reserves[0]: 'a@acme.example' is also one of the pool's mailboxes",
        ),
        (
            "pools:\n  - {campaign: 7, active: 1, mailboxes: [c@acme.example]}\n",
            "10:93: mailboxes[2].campaigns: campaign 7 is rotated by pools[0]; remove it here",
        ),
        (
            "pools:\n  - {campaign: 1, active: 1, tag: sales}\n  - {campaign: 1, active: 1, tag: sales}\n",
            "14:16: pools[1].campaign: campaign 1 already has a pool (pools[0])",
        ),
        (
            "pools:\n  - {campaign: 1, active: 0, tag: sales}\n",
            "13:27: pools[0].active: must be between 1 and 1000, not 0",
        ),
        (
            "pools:\n  - {campaign: 1, active: 1, tag: sales, readmit_after: 31}\n",
            "13:57: pools[0].readmit_after: must be between 1 and 30, not 31",
        ),
        ("pools:\n  - {campaign: 1, active: 1, tag: sales, cadence: 2}\n", "13:42: pools[0]: unknown key 'cadence'"),
        ("pools:\n  - {campaign: 1, active: 1, tag: sales, after_recovery: never}\n", "pools[0].after_recovery:"),
    ],
)
def test_pool_problems_point_at_the_key(tmp_path: Path, pools: str, problem: str) -> None:
    problems = [str(p) for p in validate_directory(write(tmp_path, pools))]
    assert any(problem in p for p in problems), problems
    with pytest.raises(SpecError):
        load_tenants(tmp_path)
