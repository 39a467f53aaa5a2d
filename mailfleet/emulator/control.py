"""The control API under ``/_emulator/`` (moto's ``/moto-api``): no ``api_key``, loopback clients only.

Every endpoint takes and returns JSON; errors are ``{"error": "..."}`` with status 400 (bad input), 403
(non-loopback client) or 404 (unknown account/key). Where an API key is named, give either ``api_key``
(the key) or ``api_key_hash`` (``models.key_hash``). See ``testing.ControlClient`` for the typed client and shapes.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mailfleet.emulator.app import Emulator
from mailfleet.emulator.clock import Clock
from mailfleet.emulator.exceptions import AlreadyExists, EmulatorError, NotFound, Rejected
from mailfleet.emulator.faults import FaultTable
from mailfleet.emulator.keys import new_api_key
from mailfleet.emulator.models import AccountView, User, key_hash
from mailfleet.emulator.requestlog import RequestLog
from mailfleet.emulator.responses import account_json
from mailfleet.emulator.validation import parse_iso

Handler = Callable[[Request], Awaitable[Response]]


class ControlError(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    if host in ("localhost", "testclient"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Controlled(Protocol):
    """What the vendor-neutral control endpoints need of an emulator (Smartlead's ``Emulator`` or Instantly's)."""

    clock: Clock
    faults: FaultTable
    requests: RequestLog

    @property
    def switch_values(self) -> dict[str, Any]: ...

    def set_switch(self, name: str, value: Any) -> None: ...


def guarded(handler: Handler) -> Handler:
    """``handler`` for loopback clients only, with errors as ``{"error": ...}`` bodies."""

    async def wrapper(request: Request) -> Response:
        if not _is_loopback(request):
            return JSONResponse({"error": "the control API answers loopback clients only"}, status_code=403)
        try:
            return await handler(request)
        except ControlError as error:
            return JSONResponse({"error": error.message}, status_code=error.status)
        except Rejected as error:
            return JSONResponse({"error": error.message}, status_code=400)
        except NotFound as error:
            return JSONResponse({"error": f"{error.kind} {error.ident} not found"}, status_code=404)
        except AlreadyExists as error:
            return JSONResponse({"error": error.message, "code": error.code}, status_code=400)
        except (ValueError, KeyError, TypeError, EmulatorError) as error:
            return JSONResponse({"error": str(error)}, status_code=400)

    return wrapper


def _em(request: Request) -> Emulator:
    emulator: Emulator = request.app.state.emulator
    return emulator


def _controlled(request: Request) -> Controlled:
    emulator: Controlled = request.app.state.emulator
    return emulator


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise ControlError("body must be JSON") from None
    if not isinstance(data, dict):
        raise ControlError("body must be a JSON object")
    return data


def _user_from(em: Emulator, data: dict[str, Any], *, required: bool) -> User | None:
    digest = data.get("api_key_hash")
    if data.get("api_key"):
        digest = key_hash(str(data["api_key"]))
    if not digest:
        if required:
            raise ControlError("give api_key or api_key_hash")
        return None
    user = em.backend.user_for_hash(str(digest))
    if user is None:
        raise ControlError("unknown API key", 404)
    return user


def _dump(em: Emulator, views: list[AccountView]) -> list[dict[str, Any]]:
    hashes = {u.user_id: u.key_hash for u in em.backend.users()}
    out = []
    for view in views:
        item = account_json(view, detail=True, campaigns=True)
        a = view.account
        item["_emulator"] = {
            "api_key_hash": hashes.get(a.user_id),
            "deleted": a.deleted,
            "health": a.health,
            "warmup_enabled": a.warmup.enabled,
            "warmup_started_on": a.warmup.started_on,
            "total_warmup_per_day": a.warmup.total_per_day,
            "daily_rampup": a.warmup.daily_rampup,
            "reply_rate_percentage": a.warmup.reply_rate,
            "warmup_key": a.warmup_key,
        }
        out.append(item)
    return out


# ------------------------------------------------------------------------------------------------ handlers
async def health(request: Request) -> Response:
    em = _controlled(request)
    state = await run_in_threadpool(em.clock.state)
    return JSONResponse({"ok": True, "today": state["today"]})


async def reset(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    user = await run_in_threadpool(_user_from, em, data, required=False)
    if user is None:
        await run_in_threadpool(em.reset_all)
        return JSONResponse({"ok": True, "scope": "all"})
    await run_in_threadpool(em.backend.reset, user)
    em.limiter.reset(user.key_hash)
    return JSONResponse({"ok": True, "scope": user.key_hash})


async def clock_get(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(_controlled(request).clock.state))


async def clock_advance(request: Request) -> Response:
    data = await json_body(request)
    days = data.get("days")
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ControlError("days must be a non-negative integer")
    return JSONResponse(await run_in_threadpool(_controlled(request).clock.advance, days))


async def clock_set(request: Request) -> Response:
    data = await json_body(request)
    raw = data.get("date")
    day = None if raw is None else date.fromisoformat(str(raw))
    return JSONResponse(await run_in_threadpool(_controlled(request).clock.freeze, day))


async def faults_add(request: Request) -> Response:
    rule = _controlled(request).faults.add(await json_body(request), key_hasher=key_hash)
    return JSONResponse(rule.as_dict())


async def faults_list(request: Request) -> Response:
    return JSONResponse({"faults": _controlled(request).faults.list()})


async def faults_clear(request: Request) -> Response:
    return JSONResponse({"deleted": _controlled(request).faults.clear()})


async def fault_delete(request: Request) -> Response:
    if not _controlled(request).faults.remove(request.path_params["fault_id"]):
        raise ControlError("no such fault", 404)
    return JSONResponse({"deleted": 1})


async def accounts_dump(request: Request) -> Response:
    em = _em(request)
    query = dict(request.query_params)
    include_deleted = query.pop("include_deleted", "false").lower() == "true"
    user = await run_in_threadpool(_user_from, em, query, required=False)

    def work() -> list[dict[str, Any]]:
        return _dump(em, em.backend.dump_accounts(user, include_deleted=include_deleted))

    return JSONResponse({"accounts": await run_in_threadpool(work)})


async def accounts_create(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    user = await run_in_threadpool(_user_from, em, data, required=True)
    assert user is not None
    fields = {k: v for k, v in data.items() if k not in ("api_key", "api_key_hash")}

    def work() -> dict[str, Any]:
        return _dump(em, [em.backend.create_account_direct(user, fields)])[0]

    return JSONResponse(await run_in_threadpool(work))


def _account_id(request: Request) -> int:
    try:
        return int(request.path_params["account_id"])
    except ValueError:
        raise ControlError("account id must be an integer") from None


async def account_edit(request: Request) -> Response:
    em = _em(request)
    account_id = _account_id(request)
    data = await json_body(request)

    def work() -> dict[str, Any]:
        return _dump(em, [em.backend.edit_account(account_id, data)])[0]

    return JSONResponse(await run_in_threadpool(work))


async def account_health(request: Request) -> Response:
    em = _em(request)
    account_id = _account_id(request)
    data = await json_body(request)
    profile = data.get("profile", data)
    result = await run_in_threadpool(em.backend.set_health, account_id, profile)
    return JSONResponse(result.as_dict())


async def _owner(em: Emulator, data: dict[str, Any], fields: set[str]) -> User:
    """The API key ``data`` names (required), after checking that ``data`` has only ``fields`` besides it."""
    unknown = set(data) - {"api_key", "api_key_hash"} - fields
    if unknown:
        raise ControlError(f"unknown fields: {sorted(unknown)}")
    user = await run_in_threadpool(_user_from, em, data, required=True)
    assert user is not None
    return user


async def campaigns_seed(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    user = await _owner(em, data, {"id", "name", "client_id", "status"})
    campaign = await run_in_threadpool(
        lambda: em.backend.seed_campaign(
            user,
            campaign_id=data.get("id"),
            name=str(data.get("name", "Campaign")),
            client_id=data.get("client_id"),
            status=str(data.get("status", "DRAFTED")),
        )
    )
    return JSONResponse(
        {
            "id": campaign.id,
            "name": campaign.name,
            "client_id": campaign.client_id,
            "status": campaign.status,
            "user_id": campaign.user_id,
        }
    )


async def campaigns_list(request: Request) -> Response:
    em = _em(request)
    user = await run_in_threadpool(_user_from, em, dict(request.query_params), required=True)
    assert user is not None
    campaigns = await run_in_threadpool(em.backend.campaigns, user)
    return JSONResponse(
        {
            "campaigns": [
                {
                    "id": c.id,
                    "name": c.name,
                    "client_id": c.client_id,
                    "status": c.status,
                    "user_id": c.user_id,
                }
                for c in campaigns
            ]
        }
    )


async def webhook_events(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    user = await _owner(em, data, {"campaign_id", "ok", "count", "at"})
    campaign_id, count, ok = data.get("campaign_id"), data.get("count", 1), data.get("ok")
    if isinstance(campaign_id, bool) or not isinstance(campaign_id, int):
        raise ControlError("campaign_id must be an integer")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ControlError("count must be a positive integer")
    if not isinstance(ok, bool):
        raise ControlError("ok must be true or false")
    at = None
    if data.get("at") is not None:
        at = parse_iso(str(data["at"]))
        if at is None:
            raise ControlError("at must be an ISO 8601 date-time")
    recorded = await run_in_threadpool(
        lambda: em.backend.record_webhook_events(user, campaign_id, ok=ok, count=count, at=at)
    )
    return JSONResponse({"recorded": recorded})


async def bad_credentials(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request) if request.method == "POST" else {}
    emails = [str(e) for e in data.get("emails", [])]
    hosts = [str(h) for h in data.get("hosts", [])]
    return JSONResponse(await run_in_threadpool(em.backend.mark_bad_credentials, emails, hosts))


async def keys_add(request: Request) -> Response:
    em = _em(request)
    data = await json_body(request)
    api_key = str(data.get("api_key") or new_api_key())
    user = await run_in_threadpool(lambda: em.backend.register_key(api_key, no_plan=bool(data.get("no_plan"))))
    return JSONResponse(
        {"api_key": api_key, "api_key_hash": user.key_hash, "user_id": user.user_id, "no_plan": user.no_plan}
    )


async def keys_list(request: Request) -> Response:
    users = await run_in_threadpool(_em(request).backend.users)
    return JSONResponse(
        {"keys": [{"api_key_hash": u.key_hash, "user_id": u.user_id, "no_plan": u.no_plan} for u in users]}
    )


async def requests_get(request: Request) -> Response:
    em = _controlled(request)
    query = request.query_params
    digest = query.get("api_key_hash") or (key_hash(query["api_key"]) if query.get("api_key") else None)
    return JSONResponse(em.requests.snapshot(api_key_hash=digest, endpoint=query.get("endpoint")))


async def requests_clear(request: Request) -> Response:
    return JSONResponse({"cleared": _controlled(request).requests.clear()})


async def switches_get(request: Request) -> Response:
    return JSONResponse(_controlled(request).switch_values)


async def switches_set(request: Request) -> Response:
    em = _controlled(request)
    data = await json_body(request)
    changes = {str(data["name"]): data.get("value")} if "name" in data else data
    for name, value in changes.items():
        em.set_switch(name, value)
    return JSONResponse(em.switch_values)


def route(path: str, handler: Handler, *methods: str) -> Route:
    return Route(path, guarded(handler), methods=list(methods))


def common_control_routes() -> list[BaseRoute]:
    """The control endpoints every vendor's emulator has: health, clock, faults, request log, switches."""
    return [
        route("/health", health, "GET"),
        route("/clock", clock_get, "GET"),
        route("/clock/advance", clock_advance, "POST"),
        route("/clock/set", clock_set, "POST"),
        route("/faults", faults_add, "POST"),
        route("/faults", faults_list, "GET"),
        route("/faults", faults_clear, "DELETE"),
        route("/faults/{fault_id}", fault_delete, "DELETE"),
        route("/requests", requests_get, "GET"),
        route("/requests", requests_clear, "DELETE"),
        route("/switches", switches_get, "GET"),
        route("/switches", switches_set, "POST"),
    ]


def control_routes() -> list[BaseRoute]:
    return [
        *common_control_routes(),
        route("/reset", reset, "POST"),
        route("/accounts", accounts_dump, "GET"),
        route("/accounts", accounts_create, "POST"),
        route("/accounts/{account_id}/edit", account_edit, "POST"),
        route("/accounts/{account_id}/health", account_health, "POST"),
        route("/campaigns", campaigns_seed, "POST"),
        route("/campaigns", campaigns_list, "GET"),
        route("/webhook-events", webhook_events, "POST"),
        route("/bad-credentials", bad_credentials, "GET", "POST"),
        route("/keys", keys_add, "POST"),
        route("/keys", keys_list, "GET"),
    ]
