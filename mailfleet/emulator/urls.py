"""The route table (moto's ``urls.py``): method + path pattern under ``/api/v1`` → endpoint name.

Express routing is not strict, so every path also matches with a trailing slash. A request that matches no
route (or a route switched off) gets Express's ``Cannot <METHOD> <path>`` 404. The first matching route wins, so
fixed paths (``/email-accounts/reconnect-failed-email-accounts``) come before ``/email-accounts/{id}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mailfleet.emulator.settings import Switches

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    name: str
    enabled: Callable[[Switches], bool] | None = None

    @property
    def endpoint(self) -> str:
        """``"METHOD /template"``, e.g. ``"POST /email-accounts/save"``, ``"GET /email-accounts/{id}"``."""
        return f"{self.method} {self.template}"

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.template)


_CACHE: dict[str, re.Pattern[str]] = {}


def _compile(template: str) -> re.Pattern[str]:
    if template not in _CACHE:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template.rstrip("/"))
        _CACHE[template] = re.compile("^" + regex + "/?$")
    return _CACHE[template]


ROUTES: tuple[Route, ...] = (
    Route("GET", "/email-accounts/", "list_email_accounts"),
    Route("POST", "/email-accounts/save", "save_email_account"),
    Route("POST", "/email-accounts/tag-manager", "tag_manager"),
    Route("POST", "/email-accounts/tag-mapping", "add_tag_mapping"),
    Route("DELETE", "/email-accounts/tag-mapping", "remove_tag_mapping"),
    Route("POST", "/email-accounts/tag-list", "tag_list"),
    Route("POST", "/email-accounts/reconnect-failed-email-accounts", "reconnect_failed_email_accounts"),
    Route("PUT", "/email-accounts/suspend/{id}", "suspend_email_account"),
    Route("DELETE", "/email-accounts/unsuspend/{id}", "unsuspend_email_account"),
    Route("GET", "/email-accounts/{id}", "get_email_account"),
    Route("POST", "/email-accounts/{id}", "update_email_account"),
    Route("DELETE", "/email-accounts/{id}", "delete_email_account", lambda s: s.delete_enabled),
    Route("POST", "/email-accounts/{id}/warmup", "set_warmup"),
    Route("GET", "/email-accounts/{id}/warmup-stats", "warmup_stats"),
    Route("POST", "/tags", "create_tag"),
    Route("GET", "/campaigns/{campaign_id}/email-accounts", "list_campaign_email_accounts"),
    Route("POST", "/campaigns/{campaign_id}/email-accounts", "add_campaign_email_accounts"),
    Route("DELETE", "/campaigns/{campaign_id}/email-accounts", "remove_campaign_email_accounts"),
    Route("GET", "/campaigns/{campaign_id}/webhooks", "list_campaign_webhooks"),
    Route("POST", "/campaigns/{campaign_id}/webhooks", "upsert_campaign_webhook"),
    Route(
        "DELETE",
        "/campaigns/{campaign_id}/webhooks",
        "delete_campaign_webhook",
        lambda s: s.campaign_webhook_delete in ("body", "both"),
    ),
    Route("GET", "/campaigns/{campaign_id}/webhooks/summary", "campaign_webhook_summary"),
    Route("POST", "/campaigns/{campaign_id}/webhooks/retrigger-failed-events", "retrigger_failed_webhook_events"),
    Route(
        "DELETE",
        "/campaigns/{campaign_id}/webhooks/{id}",
        "delete_campaign_webhook_by_path",
        lambda s: s.campaign_webhook_delete in ("path", "both"),
    ),
    Route("GET", "/client/", "list_clients"),
    Route("POST", "/client/save", "save_client"),
    Route("POST", "/client/api-key", "create_client_api_key"),
    Route("GET", "/client/api-key", "list_client_api_keys"),
    Route("DELETE", "/client/api-key/{id}", "delete_client_api_key"),
    Route("PUT", "/client/api-key/reset/{id}", "reset_client_api_key"),
    Route("POST", "/webhook/create", "create_webhook"),
    Route("PUT", "/webhook/update/{id}", "update_webhook"),
    Route("DELETE", "/webhook/delete", "delete_webhook"),
    Route("GET", "/webhook/{id}", "get_webhook"),
)

# Campaign mail for health (mailfleet/emulator/sends_responses.py).
ROUTES += (
    Route("GET", "/campaigns/{campaign_id}/mailbox-statistics", "campaign_mailbox_statistics"),
    Route("GET", "/analytics/mailbox/name-wise-health-metrics", "name_wise_health_metrics", lambda s: s.health_metrics),
)


def find_route(
    routes: Sequence[Route], prefix: str, method: str, path: str, switches: Switches | None = None
) -> tuple[Route, dict[str, str]] | None:
    """The first of ``routes`` for ``method`` and a full request path under ``prefix``, with its path
    parameters. Routes with an ``enabled`` test are skipped unless ``switches`` pass it."""
    if not path.startswith(prefix + "/") and path != prefix:
        return None
    rest = path[len(prefix) :] or "/"
    for route in routes:
        if route.method != method:
            continue
        found = route.pattern.match(rest)
        if found is None:
            continue
        if route.enabled is not None and (switches is None or not route.enabled(switches)):
            continue
        return route, found.groupdict()
    return None


def match(method: str, path: str, switches: Switches) -> tuple[Route, dict[str, str]] | None:
    """The route for ``method`` and a full request path (``/api/v1/...``), with its path parameters."""
    return find_route(ROUTES, API_PREFIX, method, path, switches)


def endpoint_of(method: str, path: str, switches: Switches) -> str:
    """The request log's endpoint for a request: ``"METHOD /template"``, or ``"METHOD unknown"``."""
    found = match(method, path, switches)
    return f"{method} unknown" if found is None else found[0].endpoint
