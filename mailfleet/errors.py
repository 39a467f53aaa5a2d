"""The root of mailfleet's error tree.

MailfleetError                      anything mailfleet raises on purpose; its message is safe to show
├── SpecError                       tenant files are invalid (mailfleet.spec.errors)
├── ServiceError                    talking to a vendor's API failed (mailfleet.api.errors; alias SmartleadError)
└── SetupError                      the local tool chain or settings are missing or wrong

Messages never contain an API key or a password: the code raising them redacts first.
The CLI prints ``str(error)`` and exits 1; it never shows a traceback for these.
"""

from __future__ import annotations


class MailfleetError(Exception):
    """Base of every error mailfleet raises on purpose."""


class SetupError(MailfleetError):
    """The local tool chain or settings are missing or wrong."""
