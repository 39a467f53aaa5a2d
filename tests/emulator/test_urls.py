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


def test_fixed_paths_win_over_id_routes() -> None:
    s = Switches(campaign_webhook_delete="both")
    assert urls.endpoint_of("POST", "/api/v1/email-accounts/reconnect-failed-email-accounts", s) == (
        "POST /email-accounts/reconnect-failed-email-accounts"
    )
    assert urls.endpoint_of("POST", "/api/v1/email-accounts/12", s) == "POST /email-accounts/{id}"
    assert urls.endpoint_of("GET", "/api/v1/campaigns/3/webhooks/summary", s) == (
        "GET /campaigns/{campaign_id}/webhooks/summary"
    )
    assert urls.endpoint_of("DELETE", "/api/v1/campaigns/3/webhooks/summary", s) == (
        "DELETE /campaigns/{campaign_id}/webhooks/{id}"
    )
    assert urls.endpoint_of("PUT", "/api/v1/client/api-key/reset/7", s) == "PUT /client/api-key/reset/{id}"
    assert urls.endpoint_of("DELETE", "/api/v1/client/api-key/7", s) == "DELETE /client/api-key/{id}"
    assert urls.endpoint_of("GET", "/api/v1/client/api-key/", s) == "GET /client/api-key"
