"""Fixtures: an Instantly client on an in-memory fake, a fake clock, and no real waiting anywhere."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from mailfleet.api.ratelimit import RateLimit, RateLimiter, _reset_registry
from mailfleet.api.retry import RetryPolicy
from mailfleet.instantly.client import InstantlyClient
from tests.instantly._support import API_KEY, BASE_URL, FakeClock, FakeInstantly, transport


@pytest.fixture(autouse=True)
def _fresh_limiters() -> Iterator[None]:
    _reset_registry()
    yield
    _reset_registry()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake() -> FakeInstantly:
    return FakeInstantly()


@pytest.fixture
def make_client(fake: FakeInstantly, clock: FakeClock) -> Iterator[Callable[..., InstantlyClient]]:
    clients: list[InstantlyClient] = []

    def factory(**kwargs: Any) -> InstantlyClient:
        kwargs.setdefault("transport", transport(fake))
        kwargs.setdefault("limiter", RateLimiter((RateLimit(1000, 1.0),), clock=clock, sleep=clock.sleep))
        kwargs.setdefault(
            "retry", RetryPolicy(max_retries=kwargs.pop("max_retries", 3), sleep=clock.sleep, rng=random.Random(7))
        )
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("sleep", clock.sleep)
        made = InstantlyClient(BASE_URL, API_KEY, **kwargs)
        clients.append(made)
        return made

    yield factory
    for made in clients:
        made.close()


@pytest.fixture
def client(make_client: Callable[..., InstantlyClient]) -> InstantlyClient:
    return make_client()
