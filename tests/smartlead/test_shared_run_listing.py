"""One account listing per fan-out run and key: the first process lists and writes the run's file, the next ones
read it for as long as the run lasts; without the variable every process lists for itself."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from mailfleet.smartlead.models import EmailAccount
from mailfleet.smartlead.shared_listing import (
    LISTING_CACHE_VARIABLE,
    TAG_REGISTRY_VARIABLE,
    run_listing_file,
    run_tags,
    shared_run_listing,
)


class CountingClient:
    def __init__(self, key_name: str = "a" * 64) -> None:
        self.calls = 0
        self.key_name = key_name

    def list_email_accounts(self, **_kwargs: Any) -> list[EmailAccount]:
        self.calls += 1
        return [EmailAccount(id=self.calls, from_email="a@x.example", client_id=7)]


def test_the_run_lists_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LISTING_CACHE_VARIABLE, str(tmp_path / "listing.pickle"))
    client = CountingClient()
    first = shared_run_listing(client)  # type: ignore[arg-type]
    second = shared_run_listing(client)  # type: ignore[arg-type]
    assert client.calls == 1 and first == second and second[0].client_id == 7


def test_the_listing_lasts_for_the_whole_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LISTING_CACHE_VARIABLE, str(tmp_path / "listing.pickle"))
    client = CountingClient()
    shared_run_listing(client)  # type: ignore[arg-type]
    # A fan-out of 20,000 mailboxes runs for hours: the file, however old, is the run's listing.
    made = run_listing_file(str(tmp_path / "listing.pickle"), client.key_name)
    hours_ago = time.time() - 6 * 3600
    os.utime(made, (hours_ago, hours_ago))
    assert shared_run_listing(client)[0].id == 1  # type: ignore[arg-type]
    assert client.calls == 1


def test_each_key_of_a_run_has_its_own_listing_and_no_file_means_no_sharing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LISTING_CACHE_VARIABLE, str(tmp_path / "listing.pickle"))
    first_key, second_key = CountingClient("a" * 64), CountingClient("b" * 64)
    shared_run_listing(first_key)  # type: ignore[arg-type]
    shared_run_listing(second_key)  # type: ignore[arg-type]
    shared_run_listing(second_key)  # type: ignore[arg-type]
    assert (first_key.calls, second_key.calls) == (1, 1)
    monkeypatch.delenv(LISTING_CACHE_VARIABLE)
    shared_run_listing(first_key)  # type: ignore[arg-type]
    assert first_key.calls == 2


def test_tags_created_in_a_run_are_recorded_for_the_next_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with run_tags() as known:
        assert known == {}  # outside a run: nothing shared
        known["sales"] = 5
    monkeypatch.setenv(TAG_REGISTRY_VARIABLE, str(tmp_path / "tags.json"))
    with run_tags() as known:
        known["sales"] = 301
    with run_tags() as known:
        assert known == {"sales": 301}
