"""Problems found in tenant files, and the error that carries them.

A :class:`Problem` is one line of ``mailfleet validate`` output:
``FILE:LINE:COL: message``, with a 1-based line and column. Messages are single lines and
never repeat a password.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from mailfleet.errors import MailfleetError


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one tenant file (or in the directory itself). Sorts by file, line, column, message."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class SpecError(MailfleetError):
    """Tenant files are invalid. ``problems`` holds every problem found; ``str()`` is one line per problem."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(set(problems))
        super().__init__("\n".join(str(problem) for problem in self.problems))
