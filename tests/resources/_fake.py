"""A small in-memory Smartlead behind ``httpx.MockTransport``, for calling providers directly.

It keeps account rows under Smartlead's READ names and applies writes under its WRITE names, written out here by
hand (not taken from the field table), so that the provider tests check the table against an independent account
of the API. Every request is recorded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

API_KEY = "3b1f0a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b_k3y9zq7"
BASE_URL = "https://smartlead.test/api/v1"

# Write name -> read name, as research §3.2/§3.3 has them.
_RENAMED = {
    "user_name": "username",
    "imap_user_name": "imap_username",
    "max_email_per_day": "message_per_day",
    "time_to_wait_in_mins": "minTimeToWaitInMins",
    "custom_tracking_url": "custom_tracking_domain",
    "bcc": "bcc_email",
}
_WARMUP = {"total_warmup_per_day": "warmup_max_count", "reply_rate_percentage": "reply_rate"}


@dataclass
class Call:
    method: str
    path: str
    body: Any

    @property
    def endpoint(self) -> str:
        path = re.sub(r"/\d+", "/{id}", self.path)
        return f"{self.method} {path}"


@dataclass
class FakeSmartlead:
    accounts: dict[int, dict[str, Any]] = field(default_factory=dict)
    clients: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    campaigns: dict[int, set[int]] = field(default_factory=dict)
    tags: dict[int, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 100

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def add_account(self, email: str, client_id: int | None, **read_fields: Any) -> int:
        account_id = self.new_id()
        self.accounts[account_id] = {
            "id": account_id,
            "from_email": email,
            "from_name": "Someone",
            "username": email,
            "smtp_host": "smtp.acme-mail.example",
            "smtp_port": 465,
            "smtp_port_type": "SSL",
            "imap_host": "imap.acme-mail.example",
            "imap_port": 993,
            "imap_port_type": "SSL",
            "imap_username": email,
            "message_per_day": 10,
            "minTimeToWaitInMins": 10,
            "client_id": client_id,
            "tags": [],
            "warmup_details": {
                "status": "ACTIVE",
                "reply_rate": 30,
                "warmup_max_count": 20,
                "daily_rampup_is_never_returned": True,
                "warmup_created_at": "2026-11-20T10:00:00+00:00",
            },
            **read_fields,
        }
        return account_id

    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.method != "GET"]

    # ------------------------------------------------------------------ transport
    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        path = request.url.path.removeprefix("/api/v1")
        self.calls.append(Call(request.method, path, body))
        return self._route(request.method, path, dict(request.url.params), body)

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> httpx.Response:
        if (method, path) == ("GET", "/email-accounts/"):
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", 100))
            rows = [self._list_row(a) for a in sorted(self.accounts.values(), key=lambda a: a["id"])]
            return httpx.Response(200, json=rows[offset : offset + limit])
        if (method, path) == ("GET", "/client/"):
            return httpx.Response(200, json=self.clients)
        if (method, path) == ("POST", "/email-accounts/save"):
            return self._save(body)
        if match := re.fullmatch(r"/email-accounts/(\d+)/?", path):
            account = self.accounts.get(int(match.group(1)))
            if account is None:
                return httpx.Response(404, json={"error": "Email account not found"})
            if method == "GET":
                return httpx.Response(200, json={**account, "campaign_ids": self._campaigns_of(account["id"])})
            if method == "POST":
                self._apply(account, body)
                return httpx.Response(200, json={"ok": True})
            if method == "DELETE":
                del self.accounts[account["id"]]
                return httpx.Response(200, json={"ok": True})
        if match := re.fullmatch(r"/email-accounts/(\d+)/warmup", path):
            self._apply_warmup(self.accounts[int(match.group(1))], body)
            return httpx.Response(200, json={"ok": True})
        if match := re.fullmatch(r"/email-accounts/suspend/(\d+)", path):
            self.accounts[int(match.group(1))]["is_suspended"] = True
            return httpx.Response(200, json={"success": True})
        if (method, path) == ("POST", "/client/save"):
            return self._save_client(body)
        if (method, path) == ("POST", "/tags"):
            tag_id = self.new_id()
            self.tags[tag_id] = {"id": tag_id, "name": body["name"], "color": body["color"]}
            return httpx.Response(200, json={"ok": True, "data": self.tags[tag_id]})
        if path == "/email-accounts/tag-mapping":
            for account_id in body["email_account_ids"]:
                tags = self.accounts[account_id]["tags"]
                for tag_id in body["tag_ids"]:
                    tags[:] = [t for t in tags if t["id"] != tag_id]
                    if method == "POST":
                        tags.append(self.tags[tag_id])
            return httpx.Response(200, json={"ok": True})
        if (method, path) == ("POST", "/webhook/create"):
            webhook_id = self.new_id()
            self.webhooks[webhook_id] = {"id": webhook_id, **body}
            return httpx.Response(200, json={"ok": True, "id": webhook_id})
        if match := re.fullmatch(r"/webhook/(?:update/)?(\d+)", path):
            webhook = self.webhooks.get(int(match.group(1)))
            if webhook is None:
                return httpx.Response(404, json={"ok": False, "message": "Webhook not found"})
            if method == "PUT":
                webhook.update(body)
                return httpx.Response(200, json={"ok": True})
            return httpx.Response(200, json={"ok": True, "data": webhook})
        if (method, path) == ("DELETE", "/webhook/delete"):
            if self.webhooks.pop(int(body["id"]), None) is None:
                return httpx.Response(404, json={"ok": False, "message": "Webhook not found"})
            return httpx.Response(200, json={"ok": True})
        if match := re.fullmatch(r"/campaigns/(\d+)/email-accounts", path):
            members = self.campaigns.setdefault(int(match.group(1)), set())
            ids = set(body["email_account_ids"])
            members.update(ids) if method == "POST" else members.difference_update(ids)
            return httpx.Response(200, json={"ok": True})
        return httpx.Response(404, text=f"Cannot {method} /api/v1{path}")

    def _save_client(self, body: dict[str, Any]) -> httpx.Response:
        if body.get("id") is None:
            record = {"id": self.new_id(), "name": body["name"], "email": body["email"]}
            self.clients.append(record)
        else:
            record = next(c for c in self.clients if c["id"] == body["id"])
            record.update(name=body["name"], email=body["email"])
        return httpx.Response(200, json={"ok": True, "clientId": record["id"]})

    def _campaigns_of(self, account_id: int) -> list[int]:
        return sorted(c for c, members in self.campaigns.items() if account_id in members)

    def _list_row(self, account: dict[str, Any]) -> dict[str, Any]:
        """The list leaves out what only GET by id returns."""
        row = {**account, "campaign_ids": self._campaigns_of(account["id"])}
        details = dict(row.get("warmup_details") or {})
        details.pop("warmup_max_count", None)
        row["warmup_details"] = details or None
        return row

    def _save(self, body: dict[str, Any]) -> httpx.Response:
        if body.get("id") is None:
            account: dict[str, Any] = {"id": self.new_id(), "tags": [], "warmup_details": None}
            self.accounts[account["id"]] = account
        else:
            account = self.accounts[int(body["id"])]
        warmup_keys = ("warmup_enabled", *_WARMUP, "daily_rampup")
        warmup = {k: v for k, v in body.items() if k in warmup_keys}
        self._apply(account, {k: v for k, v in body.items() if k != "id" and k not in warmup_keys})
        self._apply_warmup(account, warmup)
        return httpx.Response(200, json={"ok": True, "emailAccountId": account["id"]})

    def _apply(self, account: dict[str, Any], body: dict[str, Any]) -> None:
        for name, value in body.items():
            if name in ("password", "imap_password"):
                account[f"_{name}"] = value  # never rendered, as Smartlead gives no usable password back
            elif name == "different_reply_to_address":
                account[name] = value
            else:
                account[_RENAMED.get(name, name)] = value

    def _apply_warmup(self, account: dict[str, Any], body: dict[str, Any]) -> None:
        if not body:
            return
        details = account["warmup_details"] = dict(account.get("warmup_details") or {})
        if "warmup_enabled" in body:
            details["status"] = "ACTIVE" if body["warmup_enabled"] else "INACTIVE"
        for write, read in _WARMUP.items():
            if write in body:
                details[read] = body[write]
        if "daily_rampup" in body:
            account["_daily_rampup"] = body["daily_rampup"]
