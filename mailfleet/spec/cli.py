"""``mailfleet validate`` and ``mailfleet schema``."""

from __future__ import annotations

import sys
from pathlib import Path

from mailfleet.spec.account import account_path, check_account
from mailfleet.spec.loader import check_directory
from mailfleet.spec.schema import schema_text


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    return f"{count} {word}{'es' if word.endswith('x') else 's'}"


def run_validate(directory: str) -> int:
    """Print every problem (stdout, one per line). Exit 0 valid, 1 invalid, 2 no such directory."""
    path = Path(directory)
    if not path.is_dir():
        reason = "is not a directory" if path.exists() else "does not exist"
        print(f"error: {directory} {reason}", file=sys.stderr)
        return 2
    checked = check_directory(directory)
    # The account file beside the tenant directory is validated with it (no file: nothing to check).
    problems = sorted([*checked.problems, *check_account(account_path(directory), str(account_path(directory)))[1]])
    for problem in problems:
        print(problem)
    if problems:
        files = len({problem.file for problem in problems})
        print(
            f"{_plural(len(problems), 'problem')} in {_plural(files, 'file')}: invalid",
            file=sys.stderr,
        )
        return 1
    tenants = _plural(len(checked.files), "tenant")
    print(f"{tenants}, {_plural(checked.mailbox_count, 'mailbox')}: valid", file=sys.stderr)
    return 0


def run_schema() -> int:
    """Print the tenant file JSON Schema."""
    text = schema_text()
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
