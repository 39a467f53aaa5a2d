"""One account listing for every stack of a fan-out run: the first process lists and writes the run's file, the next
ones read it; without the variable every process lists for itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailfleet.smartlead.models import EmailAccount
from mailfleet.smartlead.shared_listing import (
    LISTING_CACHE_VARIABLE,
    TAG_REGISTRY_VARIABLE,
    run_tags,
    shared_run_listing,
)


class CountingClient:
    def __init__(self) -> None:
        self.calls = 0

    def list_email_accounts(self, **_kwargs: Any) -> list[EmailAccount]:
        self.calls += 1
        return [EmailAccount(id=1, from_email="a@x.example", client_id=7)]


def test_the_run_lists_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LISTING_CACHE_VARIABLE, str(tmp_path / "listing.pickle"))
    client = CountingClient()
    first = shared_run_listing(client)  # type: ignore[arg-type]
    second = shared_run_listing(client)  # type: ignore[arg-type]
    assert client.calls == 1 and first == second and second[0].client_id == 7


def test_a_stale_file_is_listed_again_and_no_file_means_no_sharing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LISTING_CACHE_VARIABLE, str(tmp_path / "listing.pickle"))
    client = CountingClient()
    shared_run_listing(client, ttl=0.0)  # type: ignore[arg-type]
    shared_run_listing(client, ttl=0.0)  # type: ignore[arg-type]
    assert client.calls == 2
    monkeypatch.delenv(LISTING_CACHE_VARIABLE)
    shared_run_listing(client)  # type: ignore[arg-type]
    assert client.calls == 3


def test_tags_created_in_a_run_are_recorded_for_the_next_stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with run_tags() as known:
        assert known == {}  # outside a run: nothing shared
        known["sales"] = 5
    monkeypatch.setenv(TAG_REGISTRY_VARIABLE, str(tmp_path / "tags.json"))
    with run_tags() as known:
        known["sales"] = 301
    with run_tags() as known:
        assert known == {"sales": 301}
