"""Fixtures: a client on a respx router, a fake clock, and no real waiting anywhere."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx

from mailfleet.smartlead import RateLimit, RateLimiter, RetryPolicy, SmartleadClient
from mailfleet.smartlead.ratelimit import _reset_registry
from tests.smartlead._support import API_KEY, BASE_URL, FakeClock


@pytest.fixture(autouse=True)
def _fresh_limiters() -> Iterator[None]:
    _reset_registry()
    yield
    _reset_registry()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def router() -> respx.Router:
    return respx.Router(base_url=BASE_URL, assert_all_called=False)


@pytest.fixture
def make_client(router: respx.Router, clock: FakeClock) -> Iterator[Callable[..., SmartleadClient]]:
    clients: list[SmartleadClient] = []

    def factory(**kwargs: Any) -> SmartleadClient:
        kwargs.setdefault("transport", httpx.MockTransport(router.handler))
        kwargs.setdefault("limiter", RateLimiter((RateLimit(1000, 1.0),), clock=clock, sleep=clock.sleep))
        kwargs.setdefault(
            "retry", RetryPolicy(max_retries=kwargs.pop("max_retries", 3), sleep=clock.sleep, rng=random.Random(7))
        )
        client = SmartleadClient(BASE_URL, API_KEY, **kwargs)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., SmartleadClient]) -> SmartleadClient:
    return make_client()
