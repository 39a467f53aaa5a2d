"""Smartlead's retry policy: :mod:`mailfleet.api.retry`'s, logging under ``mailfleet.smartlead``."""

from dataclasses import dataclass

from mailfleet.api.retry import RetryPolicy as _SharedRetryPolicy
from mailfleet.api.retry import is_ambiguous, is_retryable, is_retryable_unsafe

__all__ = ["RetryPolicy", "is_ambiguous", "is_retryable", "is_retryable_unsafe"]


@dataclass
class RetryPolicy(_SharedRetryPolicy):
    """The shared backoff; its warnings go to the Smartlead client's logger, as they always have."""

    logger_name: str = "mailfleet.smartlead"
