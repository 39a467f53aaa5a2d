"""Two shards of one fleet, on one API key, run ``pulumi up`` in parallel and share the key's limit through the
cross-process limiter (stack config ``mailfleet:rateLimitFile``): the server never has to refuse a request."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.emulator.testing import running_emulator
from mailfleet.testing.scale import assert_inside_the_limit, make_shard, up_in_parallel

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Small on purpose: a window that the two shards together overrun several times over in a few seconds.
LIMIT, PERIOD = 20, 2


def test_two_stacks_on_one_key_stay_inside_its_limit(tmp_path: Path) -> None:
    limiter_file = tmp_path / "limiter.sqlite3"
    with running_emulator(tmp_path / "emulator.sqlite3", rate_limit=f"{LIMIT}/{PERIOD}") as emulator:
        shards = [
            make_shard(
                tmp_path,
                f"shard-{index}",
                backend_url=f"file://{tmp_path}",
                emulator=emulator,
                tenants=2,
                mailboxes=8,
                first=index * 2,
                config={"mailfleet:rateLimit": f"{LIMIT}/{PERIOD}", "mailfleet:rateLimitFile": str(limiter_file)},
            )
            for index in range(2)
        ]
        emulator.control.clear_requests()
        results = up_in_parallel(shards)
        log = emulator.control.requests(api_key=emulator.api_key)
        accounts = emulator.control.accounts(emulator.api_key)

    assert_inside_the_limit(results, log, len(accounts), LIMIT)
