"""The Instantly emulator as an ASGI app: ``create_instantly_app(settings)``.

Request path for ``/api/v2/...``: fault rules (latency, status, dropped connection) → route (Fastify 404) →
``Authorization: Bearer`` (401) → ``x-as-workspace`` (403) → per-workspace rate limit (bare 429) → paid plan
(402) → JSON body → handler (threadpool) → ``after_commit`` faults → request log. Every response carries the
virtual date in ``Date``; none carries rate-limit headers (Instantly sends none).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from mailfleet.emulator.app import DroppedConnection, Outer, body_keys, body_response, parse_json_body, wrap_outer
from mailfleet.emulator.clock import Clock, iso
from mailfleet.emulator.exceptions import Rejected
from mailfleet.emulator.faults import FaultRule, FaultTable
from mailfleet.emulator.instantly import responses, urls
from mailfleet.emulator.instantly.models import InstantlyBackend, Workspace
from mailfleet.emulator.instantly.settings import InstantlySettings, InstantlySwitches
from mailfleet.emulator.models import key_hash
from mailfleet.emulator.ratelimit import WindowSet
from mailfleet.emulator.requestlog import RequestLog
from mailfleet.emulator.settings import RateLimit
from mailfleet.emulator.store import Store

log = logging.getLogger("mailfleet.emulator")

AS_WORKSPACE_HEADER = "x-as-workspace"
UNPAID_MESSAGE = "Workspace does not have an active paid plan"


@dataclass
class InstantlyEmulator:
    """Everything one running Instantly emulator holds (``app.state.emulator``)."""

    settings: InstantlySettings
    store: Store
    clock: Clock
    backend: InstantlyBackend
    switches: InstantlySwitches
    limiter: WindowSet
    faults: FaultTable = field(default_factory=FaultTable)
    requests: RequestLog = field(default_factory=RequestLog)

    @classmethod
    def open(cls, settings: InstantlySettings) -> InstantlyEmulator:
        store = Store(settings.db_path)
        clock = Clock(store)
        if settings.start_date is not None:
            clock.init_frozen(settings.start_date)
        switches = InstantlySwitches(**settings.switches.as_dict())
        backend = InstantlyBackend(store, clock)
        emulator = cls(
            settings,
            store,
            clock,
            backend,
            switches,
            WindowSet(RateLimit.parse_many(switches.rate_limits)),
            requests=RequestLog(settings.request_log_size),
        )
        # The backend reads the job duration through the emulator, so a switch change (or reset) applies at once.
        backend.job_seconds = lambda: emulator.switches.job_seconds
        existing = {w.id for w in backend.workspaces()}
        if settings.workspace_id not in existing:
            backend.add_workspace(settings.workspace_id, name="Default workspace", admin=True)
        for api_key in settings.api_keys:
            backend.register_key(api_key, settings.workspace_id)
        return emulator

    @property
    def switch_values(self) -> dict[str, Any]:
        return self.switches.as_dict()

    def set_switch(self, name: str, value: Any) -> None:
        self.switches.set(name, value)
        if name == "rate_limits":
            self.limiter.set_limits(RateLimit.parse_many(self.switches.rate_limits))

    def reset_all(self) -> None:
        """Data, clock, faults, request log, rate windows and switches back to the start state; workspaces, keys
        and plan flags stay."""
        self.backend.reset(None)
        self.clock.reset(self.settings.start_date)
        self.faults.clear()
        self.requests.clear()
        self.switches = InstantlySwitches(**self.settings.switches.as_dict())
        self.limiter.set_limits(RateLimit.parse_many(self.switches.rate_limits))


def _error(status: int, message: str) -> Response:
    return JSONResponse(responses.error_body(status, message), status_code=status)


def _fault_response(rule: FaultRule) -> Response:
    if rule.drop_connection:
        return DroppedConnection()
    status = rule.status if rule.status is not None else 500
    if rule.body is None:
        return _error(status, "Emulated fault")
    return body_response(status, rule.body)


def bearer_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _process(em: InstantlyEmulator, request: Request, api_key: str | None, body: Any, body_ok: bool) -> Response:
    method, path = request.method, request.url.path
    found = urls.match(method, path)
    if found is None:
        return _error(404, f"Route {method}:{path} not found")
    if request.headers.get("authorization") is None:
        return _error(401, "Missing Authorization header")
    own = await run_in_threadpool(em.backend.workspace_for_hash, key_hash(api_key)) if api_key else None
    if own is None:
        return _error(401, "Invalid API key")
    try:
        workspace: Workspace = await run_in_threadpool(
            em.backend.acting_workspace, own, request.headers.get(AS_WORKSPACE_HEADER)
        )
    except Rejected as error:
        return _error(error.status, error.message)
    if not em.limiter.allow(workspace.id):
        return _error(429, "Rate limit exceeded")
    if not workspace.paid:
        return _error(402, UNPAID_MESSAGE)
    if not body_ok:
        return _error(400, "Body is not valid JSON")
    route, params = found
    query: dict[str, list[str]] = {}
    for name, value in request.query_params.multi_items():
        query.setdefault(name, []).append(value)
    ctx = responses.Ctx(em.backend, workspace, params, query, body)
    status, payload = await run_in_threadpool(responses.handle, route.name, ctx)
    return body_response(status, payload)


async def api_endpoint(request: Request) -> Response:
    em: InstantlyEmulator = request.app.state.emulator
    method, path = request.method, request.url.path
    api_key = bearer_key(request)
    digest = key_hash(api_key) if api_key else None
    arrived = iso(await run_in_threadpool(em.clock.now))
    raw = await request.body()
    body, body_ok = parse_json_body(raw) if method not in ("GET", "HEAD", "DELETE") else ({}, True)

    rule = em.faults.match(method, path, digest)
    if rule is not None and rule.latency_ms:
        await asyncio.sleep(rule.latency_ms / 1000)
    response: Response
    if rule is not None and not rule.after_commit and (rule.drop_connection or rule.status is not None):
        response = _fault_response(rule)
    else:
        response = await _process(em, request, api_key, body, body_ok)
        if rule is not None and rule.after_commit:
            response = _fault_response(rule)
    em.requests.add(
        at=arrived,
        method=method,
        path=path,
        endpoint=urls.endpoint_of(method, path),
        status=response.status_code,
        query=dict(request.query_params),
        api_key_hash=digest,
        body_keys=body_keys(body),
        fault=None if rule is None else rule.id,
    )
    log.info("%s %s %s", method, path, response.status_code or "dropped")
    return response


def create_instantly_app(settings: InstantlySettings) -> Starlette:
    """The Instantly emulator as an ASGI app. ``app.state.emulator`` holds the state (an ``InstantlyEmulator``)."""
    from mailfleet.emulator.instantly.control import instantly_control_routes

    emulator = InstantlyEmulator.open(settings)
    app = Starlette(
        routes=[
            Mount("/_emulator", routes=instantly_control_routes()),
            Route("/{path:path}", api_endpoint, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
        ]
    )
    app.state.emulator = emulator
    outer = Outer(app, emulator.clock)
    app.state.outer = outer
    return wrap_outer(app, outer)
