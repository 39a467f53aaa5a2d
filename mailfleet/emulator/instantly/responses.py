"""Parse an Instantly v2 request, call the backend, render the result (moto's ``responses.py``).

Handlers are synchronous (they run in the threadpool) and return ``(status, body)``. Every error is Fastify's
``{statusCode, error, message}``: 400 with Ajv's message for a bad body or query, 404 ``Resource not found``,
409 for a duplicate, and the status a business rule names (403, 413).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from http import HTTPStatus
from typing import Any

from mailfleet.emulator.exceptions import AlreadyExists, NotFound, Rejected
from mailfleet.emulator.instantly import schemas
from mailfleet.emulator.instantly.models import STATUS_ACTIVE, STATUS_PAUSED, InstantlyBackend, Workspace
from mailfleet.emulator.instantly.schemas import Invalid, validate
from mailfleet.emulator.instantly.urls import ROUTES

Result = tuple[int, Any]

DAILY_DEFAULT_DAYS = 7
"""``GET /accounts/analytics/daily`` without dates covers the last 7 virtual days."""


@dataclass(frozen=True)
class Ctx:
    backend: InstantlyBackend
    workspace: Workspace
    params: dict[str, str]
    query: dict[str, list[str]]
    """Each query parameter with all its values (``emails=a&emails=b``)."""
    body: Any


def error_body(status: int, message: str) -> dict[str, Any]:
    """Fastify's error shape: ``{"statusCode": 404, "error": "Not Found", "message": "..."}``."""
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return {"statusCode": status, "error": phrase, "message": message}


def _query(ctx: Ctx, schema: dict[str, Any]) -> dict[str, Any]:
    """The query (last value of each parameter), coerced and checked against ``schema``."""
    flat = {name: values[-1] for name, values in ctx.query.items()}
    return validate(schema, schemas.coerce_query(schema, flat), where="querystring")


def _body(ctx: Ctx, schema: dict[str, Any]) -> dict[str, Any]:
    return validate(schema, ctx.body)


def _page(items: list[dict[str, Any]], cursor: str | None) -> dict[str, Any]:
    return {"items": items, "next_starting_after": cursor}


def _email(ctx: Ctx) -> str:
    return ctx.params["email"].strip().lower()


# ------------------------------------------------------------------------------------------------ workspace
def current_workspace(ctx: Ctx) -> Result:
    ws = ctx.workspace
    return 200, {"id": ws.id, "name": ws.name, "owner": ws.parent or ws.id, "plan_paid": ws.paid}


# ------------------------------------------------------------------------------------------------ accounts
def create_account(ctx: Ctx) -> Result:
    return 200, ctx.backend.create_account(ctx.workspace, _body(ctx, schemas.CREATE_ACCOUNT))


def list_accounts(ctx: Ctx) -> Result:
    query = _query(ctx, schemas.LIST_ACCOUNTS)
    tag_ids = [t for t in str(query.get("tag_ids", "")).split(",") if t.strip()]
    items, cursor = ctx.backend.list_accounts(
        ctx.workspace,
        limit=int(query.get("limit", 100)),
        starting_after=query.get("starting_after"),
        search=query.get("search"),
        status=query.get("status"),
        provider_code=query.get("provider_code"),
        tag_ids=[t.strip() for t in tag_ids],
        include_tags=bool(query.get("include_tags", False)),
    )
    return 200, _page(items, cursor)


def get_account(ctx: Ctx) -> Result:
    return 200, ctx.backend.get_account(ctx.workspace, _email(ctx))


def patch_account(ctx: Ctx) -> Result:
    return 200, ctx.backend.patch_account(ctx.workspace, _email(ctx), _body(ctx, schemas.PATCH_ACCOUNT))


def delete_account(ctx: Ctx) -> Result:
    return 200, ctx.backend.delete_account(ctx.workspace, _email(ctx))


def pause_account(ctx: Ctx) -> Result:
    return 200, ctx.backend.set_status(ctx.workspace, _email(ctx), STATUS_PAUSED)


def resume_account(ctx: Ctx) -> Result:
    return 200, ctx.backend.set_status(ctx.workspace, _email(ctx), STATUS_ACTIVE)


# ------------------------------------------------------------------------------------------------ warmup
def _warmup_job(ctx: Ctx, enable: bool) -> Result:
    body = _body(ctx, schemas.WARMUP_JOB)
    include_all = bool(body.get("include_all_emails", False))
    if not include_all and not body.get("emails"):
        raise Invalid("body must have required property 'emails'")
    job = ctx.backend.start_warmup_job(
        ctx.workspace,
        enable,
        emails=list(body.get("emails", [])),
        include_all=include_all,
        excluded=list(body.get("excluded_emails", [])),
    )
    return 200, job


def enable_warmup(ctx: Ctx) -> Result:
    return _warmup_job(ctx, True)


def disable_warmup(ctx: Ctx) -> Result:
    return _warmup_job(ctx, False)


def get_background_job(ctx: Ctx) -> Result:
    return 200, ctx.backend.get_job(ctx.workspace, ctx.params["id"])


def warmup_analytics(ctx: Ctx) -> Result:
    body = _body(ctx, schemas.WARMUP_ANALYTICS)
    return 200, ctx.backend.warmup_analytics(ctx.workspace, body["emails"])


def daily_analytics(ctx: Ctx) -> Result:
    emails = [e for value in ctx.query.get("emails", []) for e in value.split(",") if e.strip()]
    flat: dict[str, Any] = {name: values[-1] for name, values in ctx.query.items() if name != "emails"}
    if emails:
        flat["emails"] = emails
    query = validate(schemas.DAILY_ANALYTICS, flat, where="querystring")
    today = ctx.backend.clock.today()
    end = date.fromisoformat(query["end_date"]) if "end_date" in query else today
    start = (
        date.fromisoformat(query["start_date"])
        if "start_date" in query
        else end - timedelta(days=DAILY_DEFAULT_DAYS - 1)
    )
    return 200, ctx.backend.daily_analytics(ctx.workspace, query["emails"], start, end)


# ------------------------------------------------------------------------------------------------ tags
def list_tags(ctx: Ctx) -> Result:
    query = _query(ctx, schemas.LIST_PAGE)
    items, cursor = ctx.backend.list_tags(
        ctx.workspace, limit=int(query.get("limit", 100)), starting_after=query.get("starting_after")
    )
    return 200, _page(items, cursor)


def create_tag(ctx: Ctx) -> Result:
    body = _body(ctx, schemas.CREATE_TAG)
    return 200, ctx.backend.create_tag(ctx.workspace, body["label"], body.get("description"))


def get_tag(ctx: Ctx) -> Result:
    return 200, ctx.backend.get_tag(ctx.workspace, ctx.params["id"])


def patch_tag(ctx: Ctx) -> Result:
    return 200, ctx.backend.patch_tag(ctx.workspace, ctx.params["id"], _body(ctx, schemas.PATCH_TAG))


def delete_tag(ctx: Ctx) -> Result:
    return 200, ctx.backend.delete_tag(ctx.workspace, ctx.params["id"])


def toggle_tags(ctx: Ctx) -> Result:
    body = _body(ctx, schemas.TOGGLE_TAGS)
    assign = bool(body["assign"])
    touched = ctx.backend.toggle_tags(ctx.workspace, body["tag_ids"], body["resource_ids"], assign)
    verb = "assigned to" if assign else "removed from"
    return 200, {"message": f"Tags {verb} {touched} resources successfully"}


# ------------------------------------------------------------------------------------------------ campaigns
def list_campaigns(ctx: Ctx) -> Result:
    _query(ctx, schemas.LIST_PAGE)
    return 200, _page(ctx.backend.list_campaigns(ctx.workspace), None)


def get_campaign(ctx: Ctx) -> Result:
    return 200, ctx.backend.get_campaign(ctx.workspace, ctx.params["id"])


def patch_campaign(ctx: Ctx) -> Result:
    return 200, ctx.backend.patch_campaign(ctx.workspace, ctx.params["id"], _body(ctx, schemas.PATCH_CAMPAIGN))


# ------------------------------------------------------------------------------------------------ webhooks
def list_webhooks(ctx: Ctx) -> Result:
    query = _query(ctx, schemas.LIST_PAGE)
    items, cursor = ctx.backend.list_webhooks(
        ctx.workspace, limit=int(query.get("limit", 100)), starting_after=query.get("starting_after")
    )
    return 200, _page(items, cursor)


def create_webhook(ctx: Ctx) -> Result:
    return 200, ctx.backend.create_webhook(ctx.workspace, _body(ctx, schemas.CREATE_WEBHOOK))


def get_webhook(ctx: Ctx) -> Result:
    return 200, ctx.backend.get_webhook(ctx.workspace, ctx.params["id"])


def patch_webhook(ctx: Ctx) -> Result:
    return 200, ctx.backend.patch_webhook(ctx.workspace, ctx.params["id"], _body(ctx, schemas.PATCH_WEBHOOK))


def delete_webhook(ctx: Ctx) -> Result:
    return 200, ctx.backend.delete_webhook(ctx.workspace, ctx.params["id"])


HANDLERS: dict[str, Callable[[Ctx], Result]] = {route.name: globals()[route.name] for route in ROUTES}
"""One handler per route of ``urls.ROUTES``, named as the route."""


def handle(name: str, ctx: Ctx) -> Result:
    """Run handler ``name``; domain errors become Instantly's status and error body."""
    try:
        return HANDLERS[name](ctx)
    except Invalid as error:
        return 400, error_body(400, error.message)
    except NotFound:
        return 404, error_body(404, "Resource not found")
    except AlreadyExists as error:
        return 409, error_body(409, error.message)
    except Rejected as error:
        return error.status, error_body(error.status, error.message)
