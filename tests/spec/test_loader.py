"""Loader edge cases that do not fit the file corpus: sizes, directories, ordering, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.errors import MailfleetError
from mailfleet.spec import Problem, SpecError, load_tenants, validate_directory
from mailfleet.spec.loader import MAX_FILE_BYTES, check_directory
from mailfleet.spec.yamlpos import MAX_DEPTH, parse

from .conftest import VALID_TENANT


def test_problem_format_and_order() -> None:
    problems = [Problem("b.yaml", 1, 1, "x"), Problem("a.yaml", 10, 2, "y"), Problem("a.yaml", 9, 30, "z")]
    assert [str(p) for p in sorted(problems)] == ["a.yaml:9:30: z", "a.yaml:10:2: y", "b.yaml:1:1: x"]


def test_spec_error_carries_sorted_unique_problems() -> None:
    error = SpecError([Problem("b", 2, 1, "m"), Problem("a", 1, 1, "n"), Problem("b", 2, 1, "m")])
    assert isinstance(error, MailfleetError)
    assert error.problems == [Problem("a", 1, 1, "n"), Problem("b", 2, 1, "m")]
    assert str(error) == "a:1:1: n\nb:2:1: m"


def test_huge_file_is_refused_cleanly(tmp_path: Path) -> None:
    text = VALID_TENANT.format(name="big") + "# " + "x" * MAX_FILE_BYTES + "\n"
    (tmp_path / "big.yaml").write_text(text, encoding="utf-8")
    (problem,) = validate_directory(tmp_path)
    assert (problem.line, problem.col) == (1, 1)
    assert "larger than 1024 KiB" in problem.message


def test_very_deep_nesting_is_one_problem(tmp_path: Path) -> None:
    depth = 200_000
    (tmp_path / "deep.yaml").write_text("a: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    (problem,) = validate_directory(tmp_path)
    assert problem.message == f"nesting deeper than {MAX_DEPTH} levels"
    assert (problem.line, problem.col) == (1, 4 + MAX_DEPTH - 1)


def test_billion_laughs_does_not_expand() -> None:
    lines = ['a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    parsed = parse("\n".join(lines) + "\n")
    assert parsed.fatal
    assert len(parsed.problems) == 9
    assert all("alias" in message for _, message in parsed.problems)


def test_huge_integer_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text(
        VALID_TENANT.format(name="acme").replace("per_day: 25", "per_day: " + "9" * 5000, 1), encoding="utf-8"
    )
    (problem,) = validate_directory(tmp_path)
    assert problem.message.endswith("is not a valid int")


def test_every_file_is_reported_in_one_run(tmp_path: Path) -> None:
    for name in ("c", "a", "b"):
        (tmp_path / f"{name}.yaml").write_text(f"tenant: {name}\n", encoding="utf-8")
    problems = validate_directory(tmp_path)
    assert [Path(p.file).name for p in problems] == ["a.yaml"] * 3 + ["b.yaml"] * 3 + ["c.yaml"] * 3
    assert problems == sorted(problems)
    assert validate_directory(tmp_path) == problems  # deterministic


def test_missing_and_non_directories(tmp_path: Path) -> None:
    (missing,) = validate_directory(tmp_path / "nope")
    assert missing.message == "no such directory"
    (tmp_path / "file.yaml").write_text("x: 1\n", encoding="utf-8")
    (not_dir,) = validate_directory(tmp_path / "file.yaml")
    assert not_dir.message.startswith("not a directory")
    with pytest.raises(SpecError):
        load_tenants(tmp_path / "nope")


def test_empty_directory_names_the_directory(tmp_path: Path) -> None:
    (problem,) = validate_directory(tmp_path)
    assert problem == Problem(str(tmp_path), 1, 1, "no tenant files (*.yaml) in this directory")


def test_unreadable_entry_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()  # a directory named like a tenant file is skipped
    (tmp_path / "acme.yaml").write_text(VALID_TENANT.format(name="acme"), encoding="utf-8")
    assert validate_directory(tmp_path) == []
    (tmp_path / "dangling.yaml").symlink_to(tmp_path / "nowhere")
    assert validate_directory(tmp_path) == []  # a dangling link is not a file


def test_known_secrets(tenant_dir: Path) -> None:
    assert validate_directory(tenant_dir, known_secrets={"acme-jane"}) == []
    assert validate_directory(tenant_dir, known_secrets={"mailfleet:acme-jane"}) == []
    (problem,) = validate_directory(tenant_dir, known_secrets=set())
    assert "the stack has no secret 'acme-jane'" in problem.message
    assert (problem.line, problem.col) == (12, 24)
    assert load_tenants(tenant_dir, known_secrets=["acme-jane"])


def test_duplicate_across_files_names_both_places(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID_TENANT.format(name="a"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(VALID_TENANT.format(name="b"), encoding="utf-8")
    problems = validate_directory(tmp_path)
    jane = [str(p) for p in problems if "jane@acme.example" in p.message]
    assert jane == [
        f"{tmp_path}/a.yaml:10:12: mailboxes[0].email: duplicate mailbox jane@acme.example: "
        f"also declared at {tmp_path}/b.yaml:10:12",
        f"{tmp_path}/b.yaml:10:12: mailboxes[0].email: duplicate mailbox jane@acme.example: "
        f"also declared at {tmp_path}/a.yaml:10:12",
    ]
    assert len(problems) == 4  # jane and john, each in both files


def test_counts(tenant_dir: Path) -> None:
    checked = check_directory(tenant_dir)
    assert checked.problems == []
    assert len(checked.files) == 1
    assert checked.mailbox_count == 2


def test_crlf_line_endings_keep_positions(tmp_path: Path) -> None:
    text = VALID_TENANT.format(name="acme").replace("port: 465", "port: 0").replace("\n", "\r\n")
    (tmp_path / "acme.yaml").write_bytes(text.encode())
    (problem,) = validate_directory(tmp_path)
    assert (problem.line, problem.col) == (5, 41)
