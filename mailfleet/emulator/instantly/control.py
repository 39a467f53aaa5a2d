"""The Instantly emulator's control API under ``/_emulator/``: the vendor-neutral endpoints (health, clock,
faults, request log, switches; ``mailfleet.emulator.control``) plus reset and Instantly seeding.

Where a workspace is named, give ``workspace_id`` or ``api_key`` (that key's workspace); without either, the
default workspace. Errors are ``{"error": "..."}`` with 400, 403 (non-loopback client) or 404.
See ``mailfleet.emulator.testing.InstantlyControlClient`` for the typed client.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from mailfleet.emulator.control import ControlError, common_control_routes, json_body, route
from mailfleet.emulator.instantly.app import InstantlyEmulator
from mailfleet.emulator.instantly.models import STATE_FIELDS, Workspace, new_instantly_key
from mailfleet.emulator.instantly.schemas import CREDENTIALS, SETTINGS
from mailfleet.emulator.models import key_hash

_SCOPE = ("workspace_id", "api_key")


def _em(request: Request) -> InstantlyEmulator:
    emulator: InstantlyEmulator = request.app.state.emulator
    return emulator


def _workspace(em: InstantlyEmulator, data: Mapping[str, Any], *, default: bool = True) -> Workspace | None:
    if data.get("workspace_id"):
        return em.backend.workspace(str(data["workspace_id"]))
    if data.get("api_key"):
        found = em.backend.workspace_for_hash(key_hash(str(data["api_key"])))
        if found is None:
            raise ControlError("unknown API key", 404)
        return found
    return em.backend.workspace(em.settings.workspace_id) if default else None


def _required_workspace(em: InstantlyEmulator, data: Mapping[str, Any]) -> Workspace:
    found = _workspace(em, data)
    assert found is not None
    return found


def _fields(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in _SCOPE}


def default_credentials(email: str) -> dict[str, Any]:
    """Connection fields for an account made in the UI: ``imap.<domain>:993``, ``smtp.<domain>:587``, the
    email as login, placeholder passwords."""
    domain = email.partition("@")[2] or "example.com"
    values: dict[str, Any] = {
        "imap_username": email,
        "imap_password": "ui-password",
        "imap_host": f"imap.{domain}",
        "imap_port": 993,
        "smtp_username": email,
        "smtp_password": "ui-password",
        "smtp_host": f"smtp.{domain}",
        "smtp_port": 587,
    }
    assert set(values) == set(CREDENTIALS)
    return values


async def reset(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    workspace = await run_in_threadpool(lambda: _workspace(em, data, default=False))
    if workspace is None:
        await run_in_threadpool(em.reset_all)
        return JSONResponse({"ok": True, "scope": "all"})
    await run_in_threadpool(em.backend.reset, workspace)
    em.limiter.reset(workspace.id)
    return JSONResponse({"ok": True, "scope": workspace.id})


async def accounts_dump(request: Request) -> Response:
    em = _em(request)
    query = dict(request.query_params)

    def work() -> list[dict[str, Any]]:
        return em.backend.dump_accounts(_workspace(em, query, default=False))

    return JSONResponse({"accounts": await run_in_threadpool(work)})


async def accounts_create(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    if not data.get("email"):
        raise ControlError("give email")

    def work() -> dict[str, Any]:
        workspace = _required_workspace(em, data)
        fields = _fields(data)
        unknown = set(fields) - {"email", "provider_code", *SETTINGS, *CREDENTIALS, *STATE_FIELDS}
        if unknown:
            raise ControlError(f"unknown account fields: {sorted(unknown)}")
        state: dict[str, Any] = {k: fields.pop(k) for k in STATE_FIELDS if k in fields}
        body = {"first_name": "", "last_name": "", "provider_code": 1, **default_credentials(str(data["email"]))}
        body.update(fields)
        created = em.backend.create_account(workspace, body, direct=True)
        return em.backend.edit_account(workspace, created["email"], state) if state else created

    return JSONResponse(await run_in_threadpool(work))


async def account_edit(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    email = request.path_params["email"]

    def work() -> dict[str, Any]:
        return em.backend.edit_account(_required_workspace(em, data), email, _fields(data))

    return JSONResponse(await run_in_threadpool(work))


def _history_days(data: Mapping[str, Any], today: date) -> dict[str, dict[str, Any]]:
    if "days" in data:
        days = data["days"]
        if not isinstance(days, dict):
            raise ControlError("days must be an object of YYYY-MM-DD: {numbers}")
        return {str(day): dict(numbers) for day, numbers in days.items()}
    last, per_day = data.get("last_days"), data.get("per_day")
    if isinstance(last, bool) or not isinstance(last, int) or last < 1 or not isinstance(per_day, dict):
        raise ControlError("give days, or last_days (a positive integer) and per_day")
    return {(today - timedelta(days=n)).isoformat(): dict(per_day) for n in range(last)}


async def history(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    unknown = set(data) - {*_SCOPE, "email", "kind", "days", "last_days", "per_day"}
    if unknown:
        raise ControlError(f"unknown fields: {sorted(unknown)}")

    def work() -> int:
        days = _history_days(data, em.clock.today())
        workspace = _required_workspace(em, data)
        return em.backend.seed_history(workspace, str(data.get("email", "")), str(data.get("kind", "warmup")), days)

    return JSONResponse({"written": await run_in_threadpool(work)})


async def campaigns_seed(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    unknown = set(data) - {*_SCOPE, "id", "name", "status", "email_list"}
    if unknown:
        raise ControlError(f"unknown fields: {sorted(unknown)}")

    def work() -> dict[str, Any]:
        return em.backend.seed_campaign(
            _required_workspace(em, data),
            campaign_id=data.get("id"),
            name=str(data.get("name", "Campaign")),
            status=int(data.get("status", 0)),
            email_list=[str(e) for e in data.get("email_list", [])],
        )

    return JSONResponse(await run_in_threadpool(work))


async def campaigns_list(request: Request) -> Response:
    em = _em(request)
    query = dict(request.query_params)
    campaigns = await run_in_threadpool(lambda: em.backend.list_campaigns(_required_workspace(em, query)))
    return JSONResponse({"campaigns": campaigns})


def _key_for(em: InstantlyEmulator, workspace: Workspace, api_key: Any) -> dict[str, Any]:
    key = str(api_key) if isinstance(api_key, str) and api_key else new_instantly_key()
    em.backend.register_key(key, workspace.id)
    return {"api_key": key, "api_key_hash": key_hash(key), "workspace_id": workspace.id}


async def workspaces_add(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    unknown = set(data) - {"id", "name", "parent", "admin", "paid", "api_key"}
    if unknown:
        raise ControlError(f"unknown fields: {sorted(unknown)}")

    def work() -> dict[str, Any]:
        workspace = em.backend.add_workspace(
            data.get("id"),
            name=data.get("name"),
            parent=data.get("parent"),
            admin=bool(data.get("admin", False)),
            paid=bool(data.get("paid", True)),
        )
        out = workspace.as_dict()
        if data.get("api_key"):
            out.update(_key_for(em, workspace, data["api_key"]))
        return out

    return JSONResponse(await run_in_threadpool(work))


async def workspaces_list(request: Request) -> Response:
    workspaces = await run_in_threadpool(_em(request).backend.workspaces)
    return JSONResponse({"workspaces": [w.as_dict() for w in workspaces]})


async def workspace_plan(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    paid = data.get("paid")
    if not isinstance(paid, bool):
        raise ControlError("paid must be true or false")
    workspace = await run_in_threadpool(em.backend.set_paid, request.path_params["workspace_id"], paid)
    return JSONResponse(workspace.as_dict())


async def keys_add(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    result = await run_in_threadpool(lambda: _key_for(em, _required_workspace(em, data), data.get("api_key")))
    return JSONResponse(result)


async def keys_list(request: Request) -> Response:
    return JSONResponse({"keys": await run_in_threadpool(_em(request).backend.key_hashes)})


def instantly_control_routes() -> list[BaseRoute]:
    return [
        *common_control_routes(),
        route("/reset", reset, "POST"),
        route("/accounts", accounts_dump, "GET"),
        route("/accounts", accounts_create, "POST"),
        route("/accounts/{email}/edit", account_edit, "POST"),
        route("/history", history, "POST"),
        route("/campaigns", campaigns_seed, "POST"),
        route("/campaigns", campaigns_list, "GET"),
        route("/workspaces", workspaces_add, "POST"),
        route("/workspaces", workspaces_list, "GET"),
        route("/workspaces/{workspace_id}/plan", workspace_plan, "POST"),
        route("/keys", keys_add, "POST"),
        route("/keys", keys_list, "GET"),
    ]
