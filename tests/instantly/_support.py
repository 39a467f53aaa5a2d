"""A small in-memory Instantly v2 for httpx.MockTransport, with one-shot faults (and the fake clock, re-exported)."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.smartlead._support import FakeClock

API_KEY = "inst-key-7f3a9c2e5b1d4a8f9e0c"
BASE_URL = "https://instantly.test"
PREFIX = "/api/v2"
__all__ = ["API_KEY", "BASE_URL", "FakeClock", "FakeInstantly", "Fault", "error", "transport"]


def error(status: int, message: str, name: str = "Error") -> httpx.Response:
    return httpx.Response(status, json={"statusCode": status, "error": name, "message": message})


@dataclass
class Fault:
    """Answer the next matching request with ``status``; ``after_commit`` lets the request take effect first."""

    method: str
    path: str
    status: int
    after_commit: bool = False
    count: int = 1


@dataclass
class FakeInstantly:
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    job_script: list[str] = field(default_factory=lambda: ["in-progress", "success"])
    """The states a job's successive polls show (the last one repeats)."""
    analytics_calls: list[list[str]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    page_size: int | None = None

    def seed(self, email: str, **extra: Any) -> dict[str, Any]:
        n = len(self.accounts) + 1
        account = {
            "email": email,
            "first_name": "Ann",
            "last_name": "Example",
            "provider_code": 1,
            "status": 1,
            "warmup_status": 0,
            "timestamp_created": f"2026-01-01T00:00:{n:02d}.000Z",
            **extra,
        }
        self.accounts[email.casefold()] = account
        return account

    def _fault(self, request: httpx.Request, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.count > 0 and fault.method == request.method and fault.path == path:
                fault.count -= 1
                return fault
        return None

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            return error(401, "Invalid API key", "Unauthorized")
        path = urllib.parse.unquote(request.url.path).removeprefix(PREFIX)
        fault = self._fault(request, path)
        if fault is not None and not fault.after_commit:
            return error(fault.status, "injected")
        response = self._route(request, path)
        if fault is not None:
            return error(fault.status, "injected")
        return response

    def _route(self, request: httpx.Request, path: str) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        method = request.method
        if method == "GET" and path == "/accounts":
            return self._list(request)
        if method == "POST" and path == "/accounts":
            key = body["email"].casefold()
            if key in self.accounts:
                return error(409, "Account already exists", "Conflict")
            stored = {k: v for k, v in body.items()}
            self.accounts[key] = {**stored, "status": 1, "warmup_status": 0}
            return httpx.Response(200, json=self._public(self.accounts[key]))
        if path.startswith("/accounts/") and path.count("/") == 2 and "@" in path:
            key = path.split("/")[2].casefold()
            if key not in self.accounts:
                return error(404, "Resource not found", "Not Found")
            if method == "GET":
                return httpx.Response(200, json=self._public(self.accounts[key]))
            if method == "PATCH":
                self.accounts[key].update(body)
                return httpx.Response(200, json=self._public(self.accounts[key]))
            if method == "DELETE":
                return httpx.Response(200, json=self._public(self.accounts.pop(key)))
        if method == "POST" and path.startswith("/accounts/warmup/"):
            job_id = f"job-{len(self.jobs) + 1}"
            self.jobs[job_id] = {"id": job_id, "status": "pending", "polls": 0, "emails": body["emails"]}
            return httpx.Response(200, json={"id": job_id, "status": "pending", "type": "update-warmup-accounts"})
        if method == "GET" and path.startswith("/background-jobs/"):
            job = self.jobs.get(path.split("/")[2])
            if job is None:
                return error(404, "Resource not found", "Not Found")
            state = self.job_script[min(job["polls"], len(self.job_script) - 1)]
            job["polls"] += 1
            return httpx.Response(200, json={"id": job["id"], "status": state, "progress": 100})
        if method == "POST" and path == "/accounts/warmup-analytics":
            emails = body["emails"]
            self.analytics_calls.append(emails)
            if len(emails) > 100:
                return error(400, "body/emails must NOT have more than 100 items", "Bad Request")
            known = [e for e in emails if e.casefold() in self.accounts]
            return httpx.Response(
                200,
                json={
                    "email_date_data": {e: {"2026-01-02": {"sent": 4, "landed_inbox": 3}} for e in known},
                    "aggregate_data": {e: {"sent": 4, "landed_inbox": 3, "health_score": 75} for e in known},
                },
            )
        return error(404, "Route not found", "Not Found")

    def _list(self, request: httpx.Request) -> httpx.Response:
        """Sorted by (timestamp_created, email); a trailing cursor on the last page, then an empty page."""
        rows = sorted(self.accounts.values(), key=lambda a: (a.get("timestamp_created", ""), a["email"]))
        limit = int(request.url.params.get("limit", "100"))
        limit = min(limit, self.page_size or limit)
        after = request.url.params.get("starting_after")
        if after:
            rows = [r for r in rows if f"{r.get('timestamp_created', '')}&{r['email']}" > after]
        page = rows[:limit]
        cursor = f"{page[-1].get('timestamp_created', '')}&{page[-1]['email']}" if page else None
        return httpx.Response(200, json={"items": [self._public(r) for r in page], "next_starting_after": cursor})

    @staticmethod
    def _public(account: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in account.items() if "password" not in k}


def transport(fake: FakeInstantly | Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(fake.handler if isinstance(fake, FakeInstantly) else fake)
