"""The ASGI app: ``create_app(settings)`` wires store, clock, backend, faults, rate limiter and request log.

Request path for ``/api/v1/...``: fault rules (latency, status, dropped connection) → ``api_key``
auth (401/403) → per-key rate limit (429) → route (Express 404) → JSON body → handler (threadpool) →
``after_commit`` faults → request log. Every response carries the virtual date in ``Date`` and, for known
keys, ``x-ratelimit-*``.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from mailfleet.emulator import responses, urls
from mailfleet.emulator.clock import Clock, iso
from mailfleet.emulator.faults import FaultRule, FaultTable
from mailfleet.emulator.models import Backend, User, key_hash
from mailfleet.emulator.ratelimit import Decision, RateLimiter
from mailfleet.emulator.requestlog import RequestLog
from mailfleet.emulator.settings import EmulatorSettings, RateLimit, Switches, default_rate_limit_body
from mailfleet.emulator.store import Store

log = logging.getLogger("mailfleet.emulator")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ABORT_KEY = "mailfleet.abort"


class ConnectionDropped(Exception):
    """Raised to the caller when a dropped connection is emulated without a real socket (in-process ASGI)."""


@dataclass
class Emulator:
    """Everything one running emulator holds. ``app.state.emulator`` is one of these."""

    settings: EmulatorSettings
    store: Store
    clock: Clock
    backend: Backend
    switches: Switches
    faults: FaultTable = field(default_factory=FaultTable)
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(RateLimit(60, 60)))
    requests: RequestLog = field(default_factory=RequestLog)

    @classmethod
    def open(cls, settings: EmulatorSettings) -> Emulator:
        store = Store(settings.db_path)
        clock = Clock(store)
        if settings.start_date is not None:
            clock.init_frozen(settings.start_date)
        backend = Backend(store, clock)
        for api_key in settings.api_keys:
            backend.register_key(api_key)
        switches = Switches(**settings.switches.as_dict())
        emulator = cls(settings, store, clock, backend, switches)
        emulator.limiter = RateLimiter(RateLimit.parse(switches.rate_limit))
        emulator.requests = RequestLog(settings.request_log_size)
        return emulator

    @property
    def switch_values(self) -> dict[str, Any]:
        return self.switches.as_dict()

    def set_switch(self, name: str, value: Any) -> None:
        self.switches.set(name, value)
        if name == "rate_limit":
            self.limiter.set_limit(RateLimit.parse(self.switches.rate_limit))

    def reset_all(self) -> None:
        """Data, clock, faults, request log, rate windows and switches back to the start state."""
        self.backend.reset(None)
        self.clock.reset(self.settings.start_date)
        self.faults.clear()
        self.requests.clear()
        self.limiter.reset()
        self.switches = Switches(**self.settings.switches.as_dict())
        self.limiter.set_limit(RateLimit.parse(self.switches.rate_limit))


# ------------------------------------------------------------------------------------------------ responses
def express_404(method: str, path: str) -> Response:
    """Express's default ``finalhandler`` page (the path only; never the query string)."""
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n'
        f"<body>\n<pre>Cannot {method} {_html_escape(path)}</pre>\n</body>\n</html>\n"
    )
    return Response(html, status_code=404, media_type="text/html; charset=utf-8")


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def body_response(status: int, body: Any) -> Response:
    if isinstance(body, str):
        return Response(body, status_code=status, media_type="text/plain; charset=utf-8")
    return JSONResponse(body, status_code=status)


class DroppedConnection(Response):
    """A "response" that closes the client connection without sending anything."""

    def __init__(self) -> None:
        super().__init__(status_code=0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await scope[ABORT_KEY]()


async def _abort_connection(send: Send) -> None:
    # uvicorn's ``send`` is a bound method of its RequestResponseCycle, which holds the asyncio transport.
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionDropped("emulated dropped connection")
    transport.close()
    for _ in range(3):  # let connection_lost run, so uvicorn knows not to send its own 500
        await asyncio.sleep(0)


class Outer:
    """Outermost ASGI layer: exposes a connection abort to the app and stamps the virtual ``Date``."""

    def __init__(self, app: ASGIApp, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def abort() -> None:
            await _abort_connection(send)

        scope[ABORT_KEY] = abort

        async def send_with_date(message: Message) -> None:
            if message["type"] == "http.response.start":
                now = await run_in_threadpool(self.clock.now)
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", email.utils.format_datetime(now, usegmt=True).encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_date)


# ------------------------------------------------------------------------------------------------ the API
def _fault_response(rule: FaultRule) -> Response:
    if rule.drop_connection:
        return DroppedConnection()
    status = rule.status if rule.status is not None else 500
    body = rule.body
    if body is None:
        body = {"error": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"}
    return body_response(status, body)


def _rate_limited(em: Emulator, decision: Decision) -> Response:
    custom = em.switches.rate_limit_body
    if custom is None:
        body: Any = default_rate_limit_body(decision.retry_after)
    elif isinstance(custom, str):
        body = custom.replace("{retry_after}", str(decision.retry_after))
    else:
        body = custom
    return body_response(429, body)


def parse_json_body(raw: bytes) -> tuple[Any, bool]:
    if not raw.strip():
        return {}, True
    try:
        return json.loads(raw), True
    except (ValueError, UnicodeDecodeError):
        return None, False


def body_keys(body: Any) -> list[str]:
    return sorted(str(k) for k in body) if isinstance(body, dict) else []


def _redacted_query(request: Request) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in request.query_params.items():
        out[name] = f"sha256:{key_hash(value)}" if name == "api_key" else value
    return out


async def _process(em: Emulator, request: Request, body: Any, body_ok: bool) -> Response:
    method, path = request.method, request.url.path
    api_key = request.query_params.get("api_key")
    user: User | None = await run_in_threadpool(em.backend.user_for_key, api_key) if api_key else None
    if user is None:
        return JSONResponse({"message": "Invalid API Key"}, status_code=401)
    decision = em.limiter.check(user.key_hash)
    response = await _authorized(em, request, user, decision, method, path, body, body_ok)
    response.headers.update(decision.headers())
    return response


async def _authorized(
    em: Emulator,
    request: Request,
    user: User,
    decision: Decision,
    method: str,
    path: str,
    body: Any,
    body_ok: bool,
) -> Response:
    if user.no_plan:
        return JSONResponse({"message": "Access denied"}, status_code=403)
    if not decision.allowed:
        return _rate_limited(em, decision)
    found = urls.match(method, path, em.switches)
    if found is None:
        return express_404(method, path)
    route, params = found
    if not body_ok:
        return Response(
            "<pre>SyntaxError: Unexpected token in JSON at position 0</pre>",
            status_code=400,
            media_type="text/html; charset=utf-8",
        )
    ctx = responses.Ctx(em.backend, user, params, dict(request.query_params), body, em.switches)
    status, payload = await run_in_threadpool(responses.handle, route.name, ctx)
    return body_response(status, payload)


async def api_endpoint(request: Request) -> Response:
    em: Emulator = request.app.state.emulator
    method, path = request.method, request.url.path
    api_key = request.query_params.get("api_key")
    digest = key_hash(api_key) if api_key else None
    endpoint = urls.endpoint_of(method, path, em.switches)
    arrived = iso(await run_in_threadpool(em.clock.now))
    raw = await request.body()
    body, body_ok = parse_json_body(raw) if method not in ("GET", "HEAD") else ({}, True)

    rule = em.faults.match(method, path, digest)
    if rule is not None and rule.latency_ms:
        await asyncio.sleep(rule.latency_ms / 1000)
    response: Response
    if rule is not None and not rule.after_commit and (rule.drop_connection or rule.status is not None):
        response = _fault_response(rule)
    else:
        response = await _process(em, request, body, body_ok)
        if rule is not None and rule.after_commit:
            response = _fault_response(rule)
    status = response.status_code
    em.requests.add(
        at=arrived,
        method=method,
        path=path,
        endpoint=endpoint,
        status=status,
        query=_redacted_query(request),
        api_key_hash=digest,
        body_keys=body_keys(body),
        fault=None if rule is None else rule.id,
    )
    log.info("%s %s %s", method, path, status if status else "dropped")
    return response


def create_app(settings: EmulatorSettings) -> Starlette:
    """The emulator as an ASGI app. ``app.state.emulator`` holds the state (an ``Emulator``)."""
    from mailfleet.emulator.control import control_routes
    from mailfleet.emulator.smartdelivery.urls import PREFIX as SMARTDELIVERY_PREFIX
    from mailfleet.emulator.smartdelivery.urls import smartdelivery_routes

    emulator = Emulator.open(settings)
    app = Starlette(
        routes=[
            Mount("/_emulator", routes=control_routes()),
            Mount(SMARTDELIVERY_PREFIX, routes=smartdelivery_routes()),
            Route(
                "/{path:path}",
                api_endpoint,
                methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
            ),
        ]
    )
    app.state.emulator = emulator
    outer = Outer(app, emulator.clock)
    app.state.outer = outer
    return wrap_outer(app, outer)


def wrap_outer(app: Starlette, outer: Outer) -> Starlette:
    # Starlette builds its middleware stack lazily; put ``Outer`` around it while keeping a Starlette object
    # (tests and ``httpx.ASGITransport`` want ``app.state``).
    original = app.build_middleware_stack

    def build() -> ASGIApp:
        inner = original()
        outer.app = inner
        return outer

    app.build_middleware_stack = build  # type: ignore[method-assign]
    return app
