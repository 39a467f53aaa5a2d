"""The /api/v2 route table: fixed paths before /accounts/{email}, endpoints for the request log."""

from __future__ import annotations

from mailfleet.emulator.instantly import responses, urls


def test_fixed_paths_win_over_the_email_route() -> None:
    found = urls.match("POST", "/api/v2/accounts/warmup-analytics")
    assert found is not None and found[0].name == "warmup_analytics"
    found = urls.match("GET", "/api/v2/accounts/analytics/daily")
    assert found is not None and found[0].name == "daily_analytics"
    found = urls.match("POST", "/api/v2/accounts/jane@acme.example/pause")
    assert found is not None and found[1] == {"email": "jane@acme.example"}


def test_endpoints_and_unknown_paths() -> None:
    assert urls.endpoint_of("GET", "/api/v2/accounts/x@y.example") == "GET /accounts/{email}"
    assert urls.endpoint_of("PUT", "/api/v2/accounts") == "PUT unknown"
    assert urls.match("GET", "/api/v1/accounts") is None


def test_every_route_has_a_handler() -> None:
    assert set(responses.HANDLERS) == {route.name for route in urls.ROUTES}
