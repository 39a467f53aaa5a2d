"""The whole emulator as a real process over real sockets: faults, rate limits, the request log, restarts."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mailfleet.emulator.models import key_hash
from mailfleet.emulator.testing import RunningEmulator, running_emulator

from .conftest import KEY, OTHER_KEY, Api, save_body


def test_restart_on_the_same_db_keeps_accounts_and_keys(tmp_path: Path) -> None:
    # Setup
    db = tmp_path / "state.sqlite3"
    with running_emulator(db, api_keys=[KEY]) as first, httpx.Client(base_url=first.root_url) as http:
        Api(http, KEY).create()
        added = first.control.add_api_key()
    # Execute: start again with no keys given except the first
    with running_emulator(db, api_keys=[KEY]) as second, httpx.Client(base_url=second.root_url) as http:
        rows = Api(http, KEY)("GET", "/email-accounts/").json()
        runtime_key_still_works = Api(http, added)("GET", "/email-accounts/").status_code
    # Verify
    assert [r["from_email"] for r in rows] == ["jane@acme-mail.example"]
    assert runtime_key_still_works == 200


def test_rate_limit_gives_429_with_headers(live: RunningEmulator, live_api: Api) -> None:
    live.control.set_switch("rate_limit", "3/60")
    answers = [live_api("GET", "/email-accounts/") for _ in range(4)]
    other = Api(live_api.http, OTHER_KEY)("GET", "/email-accounts/")

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["x-ratelimit-remaining"] for a in answers] == ["2", "1", "0", "0"]
    limited = answers[-1]
    retry_after = int(limited.headers["retry-after"])
    assert 1 <= retry_after <= 60 and limited.headers["x-ratelimit-limit"] == "3"
    assert limited.json() == {
        "error": {
            "code": "RATE_LIMIT_EXCEEDED",
            "message": f"Too many requests. Please retry after {retry_after} seconds.",
            "retry_after": retry_after,
        }
    }
    assert other.status_code == 200  # per key


def test_rate_limit_body_is_configurable(live: RunningEmulator, live_api: Api) -> None:
    live.control.set_switch("rate_limit", "1/60")
    live.control.set_switch("rate_limit_body", "slow down, {retry_after}s")
    live_api("GET", "/email-accounts/")
    limited = live_api("GET", "/email-accounts/")
    assert limited.status_code == 429 and limited.text.startswith("slow down, ")


def test_status_fault_with_count(live: RunningEmulator, live_api: Api) -> None:
    fault = live.control.add_fault(path="/api/v1/email-accounts/", method="GET", status=503, count=2)
    answers = [live_api("GET", "/email-accounts/").status_code for _ in range(3)]
    assert answers == [503, 503, 200]
    assert [f["fired"] for f in live.control.faults() if f["id"] == fault] == [2]
    entries = live.control.requests().entries
    assert [e.fault for e in entries] == [fault, fault, None]


def test_dropped_connection_is_a_transport_error(live: RunningEmulator, live_api: Api) -> None:
    live.control.add_fault(path_regex=r"/email-accounts/?$", drop_connection=True, count=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        live_api("GET", "/email-accounts/")
    assert live_api("GET", "/email-accounts/").status_code == 200
    assert live.control.requests().entries[0].status == 0


def test_after_commit_stores_then_fails(live: RunningEmulator, live_api: Api) -> None:
    live.control.add_fault(path_regex=r"/email-accounts/save$", method="POST", status=502, after_commit=True, count=1)
    failed = live_api("POST", "/email-accounts/save", json=save_body())
    assert failed.status_code == 502
    assert [a["from_email"] for a in live.control.accounts(live.api_key)] == ["jane@acme-mail.example"]
    retried = live_api("POST", "/email-accounts/save", json=save_body())
    assert retried.status_code == 400 and "ACCOUNT_ALREADY_EXIST" in retried.text


def test_after_commit_can_drop_the_connection(live: RunningEmulator, live_api: Api) -> None:
    live.control.add_fault(path="/api/v1/email-accounts/save", drop_connection=True, after_commit=True, count=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        live_api("POST", "/email-accounts/save", json=save_body())
    assert len(live.control.accounts(live.api_key)) == 1


def test_latency_fault_delays_but_answers(live: RunningEmulator, live_api: Api) -> None:
    fault = live.control.add_fault(path_regex="email-accounts", latency_ms=50, count=1)
    assert live_api("GET", "/email-accounts/").status_code == 200
    assert live.control.requests().entries[0].fault == fault


def test_probability_fault_is_reproducible_with_a_seed(live: RunningEmulator, live_api: Api) -> None:
    def run() -> list[int]:
        live.control.clear_faults()
        live.control.add_fault(path_regex="email-accounts", status=500, probability=0.5, seed=42)
        return [live_api("GET", "/email-accounts/").status_code for _ in range(12)]

    first, second = run(), run()
    assert first == second and {500, 200} == set(first)


def test_fault_scoped_to_one_key(live: RunningEmulator, live_api: Api) -> None:
    live.control.add_fault(path_regex="email-accounts", status=500, api_key=OTHER_KEY)
    assert live_api("GET", "/email-accounts/").status_code == 200
    assert Api(live_api.http, OTHER_KEY)("GET", "/email-accounts/").status_code == 500


def test_request_log_counts_and_never_holds_keys_or_passwords(live: RunningEmulator, live_api: Api) -> None:
    live_api.create()
    live_api("GET", "/email-accounts/")
    live_api("GET", "/email-accounts/")
    live_api("GET", "/nope")
    log = live.control.requests()
    raw = httpx.get(f"{live.root_url}/_emulator/requests").text

    assert log.counts == {"GET /email-accounts/": 2, "GET unknown": 1, "POST /email-accounts/save": 1}
    assert log.count("POST /email-accounts/save") == 1
    save = log.entries[0]
    assert save.api_key_hash == key_hash(KEY) and save.query == {"api_key": f"sha256:{key_hash(KEY)}"}
    assert "password" in save.body_keys
    assert KEY not in raw and "s3cret-pw" not in raw
    assert KEY not in live.output() and "s3cret-pw" not in live.output()
    assert live.control.clear_requests() == 4 and live.control.requests().entries == []


def test_date_header_follows_the_virtual_clock(live: RunningEmulator, live_api: Api) -> None:
    assert "05 Jan 2026" in live_api("GET", "/email-accounts/").headers["date"]
    live.control.advance_days(3)
    assert "08 Jan 2026" in live_api("GET", "/email-accounts/").headers["date"]
