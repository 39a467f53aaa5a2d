"""Moved to :mod:`mailfleet.api.pg_limiter`; the Smartlead import path still works."""

from mailfleet.api.pg_limiter import CONTENTION_RETRY_SECONDS, LEAK_EVERY, PAUSES_LOCK_ID, PostgresBackend

__all__ = ["CONTENTION_RETRY_SECONDS", "LEAK_EVERY", "PAUSES_LOCK_ID", "PostgresBackend"]
