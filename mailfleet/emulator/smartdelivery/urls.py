"""SmartDelivery's route table and its Starlette endpoint (mounted by the emulator app at ``/smartdelivery``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mailfleet.emulator.exceptions import Invalid, NotFound, Rejected
from mailfleet.emulator.smartdelivery.responses import HANDLERS

PREFIX = "/smartdelivery"
ROUTES = (
    ("POST", "/api/v1/spam-test/manual", "create_manual"),
    ("GET", "/api/v1/spam-test/{id:int}", "get_test"),
    ("POST", "/api/v1/spam-test/report/{id:int}/sender-account-wise", "sender_account_wise"),
)


def _endpoint(name: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        em = request.app.state.emulator
        api_key = request.query_params.get("api_key")
        user = await run_in_threadpool(em.backend.user_for_key, api_key) if api_key else None
        if user is None:
            return JSONResponse({"message": "Invalid API Key"}, status_code=401)
        try:
            body = await request.json() if request.method == "POST" else {}
        except ValueError:
            return JSONResponse({"message": "body is not JSON"}, status_code=400)
        params = {k: str(v) for k, v in request.path_params.items()}
        try:
            status, payload = await run_in_threadpool(HANDLERS[name], em.backend, user, params, body)
        except Invalid as error:
            return JSONResponse(error.body(), status_code=400)
        except Rejected as error:
            return JSONResponse({"ok": False, "message": error.message}, status_code=400)
        except NotFound as error:
            return JSONResponse({"ok": False, "message": f"{error.kind.title()} not found"}, status_code=404)
        return JSONResponse(payload, status_code=status)

    return endpoint


def smartdelivery_routes() -> list[BaseRoute]:
    return [Route(path, _endpoint(name), methods=[method]) for method, path, name in ROUTES]
