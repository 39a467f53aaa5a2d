from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from mailfleet.pools.plan import Cap, Member, plan_pool, plan_tenant
from mailfleet.spec.model import Pool
from tests.pools._support import POOL, TONIGHT, member, tenant

A, B, C, D, E = "a@x.example", "b@x.example", "c@x.example", "d@x.example", "e@x.example"
IN = (48213,)


def healthy_pool(**changes: Member) -> dict[str, Member]:
    members = {A: member("hhh", campaigns=IN), B: member("hhh", campaigns=IN), C: member("hhh", campaigns=IN)}
    members[D] = member("hhh")
    members.update(changes)
    return members


def test_a_healthy_pool_keeps_its_seats_and_its_ready_reserve() -> None:
    plan = plan_pool(POOL, healthy_pool(), TONIGHT, 30)
    assert plan.active == (A, B, C) and not plan.below_target
    assert plan.notes[A] == "active in campaign 48213"
    assert plan.notes[D] == "reserve for campaign 48213: ready"


def test_a_critical_sender_rests_and_the_ready_reserve_takes_its_place() -> None:
    plans, pools = plan_tenant(tenant(POOL), healthy_pool(**{A: member("hhc", campaigns=IN)}), TONIGHT)
    assert pools[0].active == (B, C, D)
    assert plans[A].campaigns == set()
    assert plans[A].note == f"resting: bounce 6.1 % > 5 % since {TONIGHT}; replaced by {D} in campaign 48213"
    assert plans[A].cap == Cap(10, "resting (pool of campaign 48213)")  # the standard ramp's first step
    assert plans[D].campaigns == {48213}
    assert plans[D].note == f"active: replaces {A} in campaign 48213"


def test_the_rest_level_is_configurable() -> None:
    pool = replace(POOL, rest_per_day=4)
    plans, _ = plan_tenant(tenant(pool), healthy_pool(**{A: member("cc", campaigns=IN)}), TONIGHT)
    assert plans[A].cap == Cap(4, "resting (pool of campaign 48213)")
    assert plans[A].note.startswith(f"resting: bounce 6.1 % > 5 % since {TONIGHT - timedelta(days=1)};")


def test_a_recovered_mailbox_rests_until_k_healthy_nights_then_is_readmitted_and_graduates() -> None:
    resting = healthy_pool(**{A: member("hchh"), D: member("hchh"[:1] + "hhh", campaigns=IN)})
    plan = plan_pool(POOL, resting, TONIGHT, 30)
    assert plan.active == (B, C, D)
    critical_on = TONIGHT - timedelta(days=2)
    assert plan.notes[A] == (
        f"resting: healthy 2 of 3 nights since critical (bounce 6.1 % > 5 %) on {critical_on}; "
        f"replaced by {D} in campaign 48213"
    )

    back = {**resting, A: member("hchhh")}
    plans, pools = plan_tenant(tenant(POOL), back, TONIGHT)
    assert pools[0].active == (A, B, C) and not pools[0].below_target
    assert plans[A].note == "active: re-admitted after 3 healthy nights in campaign 48213"
    assert plans[A].cap == Cap(10, "graduating after rest: standard day 1 at 10/day")
    assert plans[D].campaigns == set() and plans[D].note == "reserve: back to reserve for campaign 48213"

    later = {**back, A: member("hchhh" + "h" * 6, campaigns=IN), D: member("h" * 11)}
    plans, _ = plan_tenant(tenant(POOL), later, TONIGHT)
    assert plans[A].cap == Cap(20, "graduating after rest: standard day 7 at 20/day")


def test_a_warning_starts_the_healthy_count_again_and_a_night_without_report_does_not_break_it() -> None:
    plan = plan_pool(POOL, healthy_pool(**{A: member("chwh-h")}), TONIGHT, 30)
    assert plan.notes[A].startswith("resting: healthy 2 of 3 nights since critical")
    assert plan_pool(POOL, healthy_pool(**{A: member("chh-h")}), TONIGHT, 30).notes[A].startswith("active")


def test_after_recovery_stay_keeps_the_reserve_and_the_recovered_mailbox_waits_ready() -> None:
    pool = replace(POOL, after_recovery="stay")
    members = healthy_pool(**{A: member("chhh"), D: member("hhhh", campaigns=IN)})
    plan = plan_pool(pool, members, TONIGHT, 30)
    assert plan.active == (B, C, D)
    assert plan.notes[A] == "reserve for campaign 48213: ready"
    assert plan.notes[D] == f"active: replaces {A} in campaign 48213"


def test_no_ready_reserve_leaves_the_pool_below_target_and_says_so() -> None:
    members = healthy_pool(**{A: member("hc", campaigns=IN), D: member("h", warmup_day=12)})
    plan = plan_pool(POOL, members, TONIGHT, 30)
    assert plan.active == (B, C) and plan.below_target
    assert plan.summary() == "campaign 48213: 2 of 3 active (below target)"
    assert plan.notes[A] == (
        f"resting: bounce 6.1 % > 5 % since {TONIGHT}; no ready reserve: campaign 48213 below target (2 of 3 active)"
    )
    assert plan.notes[D] == "warming: ready for campaign 48213 on warmup day 30"


def test_a_reserve_that_goes_critical_itself_rests_and_the_next_reserve_stands_in() -> None:
    pool = replace(POOL, reserves=(D, E))
    members = healthy_pool(**{A: member("hhc", campaigns=IN), D: member("hhc"), E: member("hhh")})
    plans, pools = plan_tenant(tenant(pool), members, TONIGHT)
    assert pools[0].active == (B, C, E)
    assert plans[D].campaigns == set() and plans[D].note.startswith(f"resting: bounce 6.1 % > 5 % since {TONIGHT}")
    assert plans[D].cap == Cap(10, "resting (pool of campaign 48213)")
    assert plans[A].note.endswith(f"replaced by {E} in campaign 48213")

    # The standing-in reserve itself goes critical: it is detached, and with no other reserve the pool is short.
    members = {**members, D: member("hhc", campaigns=IN), A: member("chh"), E: member("h")}
    plans, pools = plan_tenant(tenant(replace(POOL, reserves=(D,))), members, TONIGHT)
    assert pools[0].active == (B, C) and pools[0].below_target
    assert plans[D].campaigns == set() and plans[D].note.startswith("resting: bounce 6.1 % > 5 %")


def test_a_mailbox_in_two_pools_rests_from_both_and_each_pool_replaces_it() -> None:
    other = Pool(campaign=50000, active=1, mailboxes=(A,), reserves=(E,), rest_per_day=5)
    members = healthy_pool(**{A: member("hc", campaigns=(48213, 50000)), E: member("hh")})
    plans, pools = plan_tenant(tenant(POOL, other), members, TONIGHT)
    assert plans[A].campaigns == set()
    assert plans[A].note == (
        f"resting: bounce 6.1 % > 5 % since {TONIGHT}; replaced by {D} in campaign 48213; "
        f"resting: bounce 6.1 % > 5 % since {TONIGHT}; replaced by {E} in campaign 50000"
    )
    assert plans[A].cap == Cap(5, "resting (pool of campaign 50000)")  # the lowest rest level of its pools
    assert [p.active for p in pools] == [(B, C, D), (E,)]
    # Healthy, it sends for both.
    plans, _ = plan_tenant(tenant(POOL, other), healthy_pool(**{A: member("h", campaigns=(48213, 50000))}), TONIGHT)
    assert plans[A].campaigns == {48213, 50000} and plans[A].cap is None


def test_without_a_report_the_declared_senders_join_and_no_reserve_is_promoted() -> None:
    plans, pools = plan_tenant(tenant(POOL), {}, None)
    assert pools[0].active == (A, B, C)
    assert plans[A].note == "joins campaign 48213"
    assert plans[D].campaigns == set() and plans[D].note == "reserve for campaign 48213: not in the health report yet"


def test_a_tag_pool_with_more_senders_than_seats_fills_from_the_extra_sender_first() -> None:
    pool = Pool(campaign=48213, active=2, mailboxes=(A, B, C), reserves=(D,))
    members = {A: member("c", campaigns=IN), B: member("h", campaigns=IN), C: member("h"), D: member("h")}
    assert plan_pool(pool, members, TONIGHT, 30).active == (B, C)


def history_of(pattern: str, nights: int) -> list[str]:
    """The mailbox's letters on each night of a run where its class follows ``pattern`` over and over."""
    return [(pattern * nights)[: n + 1] for n in range(nights)]


def test_no_flapping_under_a_class_that_alternates_every_night() -> None:
    for readmit_after in (1, 3):
        pool = replace(POOL, readmit_after=readmit_after)
        sending: list[bool] = []
        for letters in history_of("ch", 12):
            attached = IN if sending and sending[-1] else ()
            members = healthy_pool(**{A: member(letters, campaigns=attached), D: member("h")})
            sending.append(A in plan_pool(pool, members, TONIGHT, 30).active)
        if readmit_after == 3:
            assert sending == [False] * 12  # never three healthy nights in a row: it stays resting
        else:  # K = 1: one rest or one re-admission a night, never both
            assert sending == [False, True] * 6
