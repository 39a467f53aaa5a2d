"""Route table: Express-style matching and switched routes."""

from __future__ import annotations

from mailfleet.emulator import urls
from mailfleet.emulator.settings import Switches


def test_matching_with_and_without_trailing_slash() -> None:
    s = Switches()
    found = urls.match("GET", "/api/v1/email-accounts/12/", s)
    assert found is not None and found[0].name == "get_email_account" and found[1] == {"id": "12"}
    assert urls.endpoint_of("GET", "/api/v1/email-accounts", s) == "GET /email-accounts/"
    assert urls.endpoint_of("POST", "/api/v1/email-accounts/save", s) == "POST /email-accounts/save"
    assert urls.endpoint_of("PATCH", "/api/v1/email-accounts/1", s) == "PATCH unknown"
    assert urls.match("GET", "/email-accounts/", s) is None


def test_switched_routes() -> None:
    s = Switches(delete_enabled=False, campaign_webhook_delete="path")
    assert urls.match("DELETE", "/api/v1/email-accounts/1", s) is None
    assert urls.match("DELETE", "/api/v1/campaigns/1/webhooks", s) is None
    assert urls.match("DELETE", "/api/v1/campaigns/1/webhooks/2", s) is not None


def test_every_route_has_a_handler() -> None:
    from mailfleet.emulator import sends_responses
    from mailfleet.emulator.responses import HANDLERS

    assert {r.name for r in urls.ROUTES} == set(HANDLERS) | set(sends_responses.HANDLERS)
