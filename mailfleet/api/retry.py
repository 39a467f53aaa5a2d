"""When to try a vendor API call again, and how long to wait first (tenacity underneath).

Which failures are retried depends on whether the call is safe to repeat:

- idempotent calls (reads, updates by id, warmup settings, suspend, tag mapping, attach/detach,
  deletes): 429, 5xx/524, timeouts and dropped or refused connections;
- other calls (creates): only failures that prove the server did nothing, i.e. 429 and connections
  that never opened. After an ambiguous failure the caller must first look for what it created
  (see ``SmartleadClient.create_email_account``, ``InstantlyClient.create_account``).

The wait before attempt n+1 is ``max(Retry-After, base * 2**(n-1) + jitter)``, capped.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import tenacity

from mailfleet.api.errors import RateLimitedError, ServerError, ServiceError, TransportError

__all__ = [
    "RetryPolicy",
    "is_ambiguous",
    "is_retryable",
    "is_retryable_unsafe",
]

T = TypeVar("T")


def is_retryable(exc: BaseException) -> bool:
    """A failure worth retrying for a call that is safe to repeat."""
    if isinstance(exc, TransportError):
        return exc.retryable
    return isinstance(exc, RateLimitedError | ServerError)


def is_retryable_unsafe(exc: BaseException) -> bool:
    """A failure after which even a create may be repeated: the server certainly did nothing."""
    if isinstance(exc, RateLimitedError):
        return True
    return isinstance(exc, TransportError) and exc.retryable and not exc.may_have_reached_server


def is_ambiguous(exc: BaseException) -> bool:
    """A failure after which the request may or may not have taken effect."""
    if isinstance(exc, ServerError):
        return True
    return isinstance(exc, TransportError) and exc.retryable and exc.may_have_reached_server


@dataclass
class RetryPolicy:
    """Exponential backoff with jitter; ``sleep`` and ``rng`` are injectable for tests."""

    max_retries: int = 5
    base: float = 1.0
    max_wait: float = 300.0
    jitter: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    logger_name: str = "mailfleet.api"
    """Where the "retrying" warnings go: each vendor client logs under its own name."""

    def wait_for(self, attempt: int, exc: BaseException | None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        backoff = self.base * 2.0 ** max(attempt - 1, 0) + self.rng.uniform(0, self.jitter)
        retry_after = exc.retry_after if isinstance(exc, RateLimitedError) else None
        if retry_after is not None:
            backoff = max(backoff, retry_after)
        return min(backoff, self.max_wait)

    def call(self, fn: Callable[[], T], *, retry_on: Callable[[BaseException], bool] = is_retryable) -> T:
        """Run ``fn``, retrying failures ``retry_on`` accepts; the last failure is re-raised as is."""

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            return self.wait_for(state.attempt_number, exc)

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            # ServiceError messages are already scrubbed; other exceptions are never retried.
            what = str(exc) if isinstance(exc, ServiceError) else type(exc).__name__
            seconds = state.next_action.sleep if state.next_action else 0.0
            logging.getLogger(self.logger_name).warning(
                "retrying in %.1fs (attempt %d): %s", seconds, state.attempt_number + 1, what
            )

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_retries + 1),
            wait=wait,
            retry=tenacity.retry_if_exception(retry_on),
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        return retrying(fn)
