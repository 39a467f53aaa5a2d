"""Moved to :mod:`mailfleet.api.redact` (shared by every vendor client); the Smartlead import path still works."""

from mailfleet.api.redact import (
    MASK,
    REDACTOR,
    RedactingFilter,
    Redactor,
    install_log_filter,
    redact_headers,
    redact_url,
    register_secret,
    scrub,
)

__all__ = [
    "MASK",
    "REDACTOR",
    "RedactingFilter",
    "Redactor",
    "install_log_filter",
    "redact_headers",
    "redact_url",
    "register_secret",
    "scrub",
]
