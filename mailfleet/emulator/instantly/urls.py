"""Instantly's route table under ``/api/v2``: method + path template → handler name in ``responses``.

The first matching route wins, so fixed paths (``/accounts/warmup/enable``) come before ``/accounts/{email}``.
A request no route serves gets Fastify's 404 ``Route GET:/api/v2/... not found``.
"""

from __future__ import annotations

from mailfleet.emulator.urls import Route, find_route

API_PREFIX = "/api/v2"

ROUTES: tuple[Route, ...] = (
    Route("GET", "/workspaces/current", "current_workspace"),
    Route("POST", "/accounts", "create_account"),
    Route("GET", "/accounts", "list_accounts"),
    Route("POST", "/accounts/warmup/enable", "enable_warmup"),
    Route("POST", "/accounts/warmup/disable", "disable_warmup"),
    Route("POST", "/accounts/warmup-analytics", "warmup_analytics"),
    Route("GET", "/accounts/analytics/daily", "daily_analytics"),
    Route("GET", "/accounts/{email}", "get_account"),
    Route("PATCH", "/accounts/{email}", "patch_account"),
    Route("DELETE", "/accounts/{email}", "delete_account"),
    Route("POST", "/accounts/{email}/pause", "pause_account"),
    Route("POST", "/accounts/{email}/resume", "resume_account"),
    Route("GET", "/background-jobs/{id}", "get_background_job"),
    Route("POST", "/custom-tags/toggle-resource", "toggle_tags"),
    Route("GET", "/custom-tags", "list_tags"),
    Route("POST", "/custom-tags", "create_tag"),
    Route("GET", "/custom-tags/{id}", "get_tag"),
    Route("PATCH", "/custom-tags/{id}", "patch_tag"),
    Route("DELETE", "/custom-tags/{id}", "delete_tag"),
    Route("GET", "/campaigns", "list_campaigns"),
    Route("GET", "/campaigns/{id}", "get_campaign"),
    Route("PATCH", "/campaigns/{id}", "patch_campaign"),
    Route("GET", "/webhooks", "list_webhooks"),
    Route("POST", "/webhooks", "create_webhook"),
    Route("GET", "/webhooks/{id}", "get_webhook"),
    Route("PATCH", "/webhooks/{id}", "patch_webhook"),
    Route("DELETE", "/webhooks/{id}", "delete_webhook"),
)


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for ``method`` and a full request path (``/api/v2/...``), with its path parameters."""
    return find_route(ROUTES, API_PREFIX, method, path)


def endpoint_of(method: str, path: str) -> str:
    """The request log's endpoint: ``"METHOD /template"`` (``"GET /accounts/{email}"``), or ``"METHOD unknown"``."""
    found = match(method, path)
    return f"{method} unknown" if found is None else found[0].endpoint
