"""Today's date as mailfleet sees it.

Sending ramps advance by days since warmup started. In production that is the calendar (UTC). The emulator keeps a
virtual clock that tests and demos move forward; ``MAILFLEET_TODAY=YYYY-MM-DD`` makes mailfleet agree with it.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from mailfleet.errors import SetupError

TODAY_VARIABLE = "MAILFLEET_TODAY"


def today() -> date:
    override = os.environ.get(TODAY_VARIABLE)
    if override:
        try:
            return date.fromisoformat(override)
        except ValueError:
            raise SetupError(f"{TODAY_VARIABLE}={override!r} is not a date; use YYYY-MM-DD") from None
    return datetime.now(UTC).date()
