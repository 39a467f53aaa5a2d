from __future__ import annotations

from mailfleet.pools.caps import pool_cap


def test_the_pool_cap_lowers_the_ramp_and_says_why() -> None:
    pool = {"cap": {"per_day": 10, "why": "resting (pool of campaign 48213)"}}
    assert pool_cap(pool, 75, "standard step 7/7: day 31 on at 75/day") == (
        10,
        "resting (pool of campaign 48213): 10/day; ramp today: standard step 7/7: day 31 on at 75/day",
    )
    assert pool_cap(pool, 10, "step 1") == (10, "step 1")  # not lower: the ramp's own text
    assert pool_cap({"note": "active"}, 40, "s") == (40, "s")
    assert pool_cap(None, 40, "s") == (40, "s")
