"""The tenant files' check cache: a file's own checks are remembered by its bytes and mailfleet's code, and the
result with the cache is the result without it, for valid and invalid files alike."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from mailfleet.spec import checkcache
from mailfleet.spec.errors import Problem, SpecError
from mailfleet.spec.loader import check_directory, load_tenants
from tests.spec.conftest import VALID_TENANT

BAD_PORT = VALID_TENANT.replace("port: 465", "port: 99999")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(checkcache.CACHE_VARIABLE, str(directory))
    return directory


def tenants_dir(tmp_path: Path, **files: str) -> Path:
    directory = tmp_path / "tenants"
    directory.mkdir(exist_ok=True)
    for name, text in files.items():
        (directory / f"{name}.yaml").write_text(text.format(name=name) if "{name}" in text else text)
    return directory


def entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("*.pickle"))


def test_a_second_check_gives_the_problems_of_a_check_without_the_cache(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tenants_dir(tmp_path, acme=VALID_TENANT, bad=BAD_PORT.replace("acme", "bad").replace("Acme", "Bad"))
    cold = check_directory(directory).problems
    warm = check_directory(directory).problems
    monkeypatch.setenv(checkcache.CACHE_VARIABLE, checkcache.OFF)
    assert cold and all(p.file.endswith("bad.yaml") for p in cold)
    assert warm == cold == check_directory(directory).problems
    assert len(entries(cache)) == 2


def test_a_second_check_reads_the_entry(tmp_path: Path, cache: Path) -> None:
    directory = tenants_dir(tmp_path, acme=VALID_TENANT)
    check_directory(directory)
    (entry,) = entries(cache)
    parsed, problems = pickle.loads(entry.read_bytes())
    marker = Problem(str(directory / "acme.yaml"), 1, 1, "only the cache says this")
    entry.write_bytes(pickle.dumps((parsed, [*problems, marker])))
    assert check_directory(directory).problems == [marker]


def test_an_edited_file_is_checked_again(tmp_path: Path, cache: Path) -> None:
    directory = tenants_dir(tmp_path, acme=VALID_TENANT)
    assert check_directory(directory).problems == []
    (directory / "acme.yaml").write_text(BAD_PORT.format(name="acme"))
    problems = check_directory(directory).problems
    assert [(p.line, "port" in p.message) for p in problems] == [(5, True)]
    assert len(entries(cache)) == 2


def test_other_code_does_not_read_the_entries(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tenants_dir(tmp_path, acme=VALID_TENANT)
    check_directory(directory)
    monkeypatch.setattr(checkcache, "code_fingerprint", lambda: "another version")
    check_directory(directory)
    assert len(entries(cache)) == 2


def test_a_damaged_entry_is_checked_again(tmp_path: Path, cache: Path) -> None:
    directory = tenants_dir(tmp_path, acme=BAD_PORT)
    expected = check_directory(directory).problems
    (entry,) = entries(cache)
    entry.write_bytes(b"not a pickle")
    assert check_directory(directory).problems == expected
    entry.write_bytes(pickle.dumps("not an entry"))
    assert check_directory(directory).problems == expected


def test_secret_references_are_checked_on_every_run(tmp_path: Path, cache: Path) -> None:
    """They depend on the stack's config, not on the file: the cache holds the checks without them."""
    directory = tenants_dir(tmp_path, acme=VALID_TENANT)
    assert check_directory(directory, known_secrets={"acme-jane"}).problems == []
    missing = check_directory(directory, known_secrets=set()).problems
    assert [p.message for p in missing if "acme-jane" in p.message]
    assert check_directory(directory, known_secrets=set(), secrets_of=set()).problems == []


def test_a_file_that_is_not_a_mapping_is_not_kept(tmp_path: Path, cache: Path) -> None:
    directory = tenants_dir(tmp_path, acme="- a list\n", empty="")
    assert len(check_directory(directory).problems) == 2
    assert entries(cache) == []


def test_off_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(checkcache.CACHE_VARIABLE, checkcache.OFF)
    monkeypatch.setattr(pickle, "dump", lambda *_, **__: pytest.fail("stored with the cache off"))
    monkeypatch.setattr(pickle, "load", lambda *_, **__: pytest.fail("read with the cache off"))
    assert checkcache.cache_dir() is None
    assert check_directory(tenants_dir(tmp_path, acme=VALID_TENANT)).problems == []


def test_an_unwritable_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv(checkcache.CACHE_VARIABLE, str(blocker / "cache"))
    assert check_directory(tenants_dir(tmp_path, acme=VALID_TENANT)).problems == []


def test_the_default_place_is_beside_the_pulumi_build_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(checkcache.CACHE_VARIABLE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("MAILFLEET_CACHE", raising=False)
    assert checkcache.cache_dir() == tmp_path / "mailfleet" / "spec-checks"
    monkeypatch.setenv("MAILFLEET_CACHE", str(tmp_path / "root"))
    assert checkcache.cache_dir() == tmp_path / "root" / "spec-checks"


def test_only_builds_the_named_tenants_but_checks_every_file(tmp_path: Path, cache: Path) -> None:
    directory = tenants_dir(
        tmp_path, acme=VALID_TENANT, beta=VALID_TENANT.replace("acme", "beta").replace("Acme", "Beta")
    )
    assert [t.name for t in load_tenants(directory, only=["beta"])] == ["beta"]
    (directory / "acme.yaml").write_text(BAD_PORT.format(name="acme"))
    with pytest.raises(SpecError, match=r"acme\.yaml"):
        load_tenants(directory, only=["beta"])


def test_entries_older_than_the_age_limit_are_removed(tmp_path: Path, cache: Path) -> None:
    directory = tenants_dir(tmp_path, acme=VALID_TENANT)
    check_directory(directory)
    (old,) = entries(cache)
    stale = os.stat(old).st_mtime - checkcache.MAX_AGE_SECONDS - 60
    os.utime(old, (stale, stale))
    checkcache._prune_once.cache_clear()
    (directory / "acme.yaml").write_text(VALID_TENANT.format(name="acme") + "\n")  # a new entry is written
    check_directory(directory)
    assert old not in entries(cache) and len(entries(cache)) == 1


def test_an_edited_schema_changes_the_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """The schema is read from the checkout's specs/, outside the package whose sources are digested."""
    from mailfleet.spec import schema

    before = checkcache.code_fingerprint.__wrapped__()
    monkeypatch.setattr(schema, "schema_text", lambda: "{}")
    assert checkcache.code_fingerprint.__wrapped__() != before
