"""The broken-file corpus: each ``corpus/<case>/`` holds tenant files and ``expected.txt``, the exact output.

The validator runs inside the case directory on ``.``, so file names print bare (``acme.yaml:3:5: ...``). An
optional ``known_secrets.txt`` lists the stack's secret keys. To rewrite an ``expected.txt`` after a deliberate
message change, run the same call and review the diff::

    cd tests/spec/corpus/CASE && python -c "from mailfleet.spec import validate_directory as v; \\
        [print(p) for p in v('.')]" > expected.txt
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.spec import SpecError, load_tenants, validate_directory

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(path.name for path in CORPUS.iterdir() if path.is_dir())
VALID_CASES = {"hidden-and-other-files-ignored", "instantly-valid"}


def _known(case: Path) -> list[str] | None:
    path = case / "known_secrets.txt"
    return path.read_text(encoding="utf-8").split() if path.exists() else None


def test_corpus_is_big_enough() -> None:
    assert len(set(CASES) - VALID_CASES) >= 30


@pytest.mark.parametrize("case", CASES)
def test_case(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = CORPUS / case
    expected = (directory / "expected.txt").read_text(encoding="utf-8").splitlines()
    monkeypatch.chdir(directory)
    problems = validate_directory(".", known_secrets=_known(directory))
    assert [str(problem) for problem in problems] == expected
    if case in VALID_CASES:
        assert expected == []
        assert load_tenants(".", known_secrets=_known(directory))
    else:
        assert expected, "a broken case must report something"
        with pytest.raises(SpecError) as raised:
            load_tenants(".", known_secrets=_known(directory))
        assert str(raised.value).splitlines() == expected
        assert raised.value.problems == problems


@pytest.mark.parametrize("case", ["plaintext-password", "plaintext-password-number", "password-empty-or-unknown"])
def test_passwords_are_never_repeated(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS / case)
    output = "\n".join(str(problem) for problem in validate_directory("."))
    for secret in ("hunter2", "S3cret", "12345678"):
        assert secret not in output
    assert "password" in output


def test_a_plaintext_api_key_is_never_repeated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS / "instantly-plaintext-api-key")
    output = "\n".join(str(problem) for problem in validate_directory("."))
    assert "S3cret" not in output
    assert "plaintext API key" in output
