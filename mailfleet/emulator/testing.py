"""Run a real emulator process for tests, benchmarks and the demo, and drive its control API.

    from mailfleet.emulator.testing import running_emulator

    with running_emulator(tmp_path / "emulator.sqlite3") as emu:
        client = SmartleadClient(emu.base_url, emu.api_key)        # "http://127.0.0.1:PORT/api/v1"
        emu.control.seed_campaign(api_key=emu.api_key, id=48213, name="Outbound")
        emu.control.add_fault(path="/api/v1/email-accounts/save", status=502, after_commit=True, count=1)
        emu.control.advance_days(7)
        assert emu.control.requests().counts["POST /email-accounts/save"] == 1

The process is ``python -m mailfleet.emulator --port 0 --port-file ...`` on 127.0.0.1; the context manager waits
(with a deadline) until ``/_emulator/health`` answers and always stops the process, also when the body raises.
Starting again on the same ``db_path`` keeps all accounts.

Request log endpoints are ``"METHOD /template"`` strings from ``mailfleet.emulator.urls``: ``GET /email-accounts/``,
``GET /email-accounts/{id}``, ``POST /email-accounts/save``, ``POST /email-accounts/{id}``,
``DELETE /email-accounts/{id}``, ``POST /email-accounts/{id}/warmup``, ``GET /email-accounts/{id}/warmup-stats``,
``PUT /email-accounts/suspend/{id}``, ``DELETE /email-accounts/unsuspend/{id}``, ``POST /tags``,
``POST /email-accounts/tag-manager``, ``POST|DELETE /email-accounts/tag-mapping``, ``POST /email-accounts/tag-list``,
``GET|POST|DELETE /campaigns/{campaign_id}/email-accounts``, ``GET|POST|DELETE /campaigns/{campaign_id}/webhooks``,
``DELETE /campaigns/{campaign_id}/webhooks/{id}``, ``GET /campaigns/{campaign_id}/webhooks/summary``,
``POST /campaigns/{campaign_id}/webhooks/retrigger-failed-events``, ``POST
/email-accounts/reconnect-failed-email-accounts``, ``GET /client/``, ``POST /client/save``, ``POST|GET
/client/api-key``, ``DELETE /client/api-key/{id}``, ``PUT /client/api-key/reset/{id}``, ``POST /webhook/create``,
``GET /webhook/{id}``, ``PUT /webhook/update/{id}``, ``DELETE /webhook/delete``; anything else ``"METHOD unknown"``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Self

import httpx

from mailfleet.emulator.instantly.models import DEFAULT_WORKSPACE_ID, new_instantly_key
from mailfleet.emulator.keys import new_api_key
from mailfleet.emulator.models import key_hash

__all__ = [
    "ControlBase",
    "ControlClient",
    "EmulatorControlError",
    "EmulatorStartError",
    "InstantlyControlClient",
    "RequestLog",
    "RequestLogEntry",
    "RunningEmulator",
    "RunningInstantlyEmulator",
    "key_hash",
    "running_emulator",
    "running_instantly_emulator",
]


class EmulatorControlError(RuntimeError):
    """The control API refused a request; ``status`` and ``body`` say why."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"emulator control API answered {status}: {body}")
        self.status = status
        self.body = body


class EmulatorStartError(RuntimeError):
    """The emulator process did not come up; the message ends with its output."""


@dataclass(frozen=True)
class RequestLogEntry:
    """One request the API saw. Never holds the API key (``api_key_hash`` instead) nor any body value."""

    seq: int
    at: str
    method: str
    path: str
    endpoint: str
    status: int
    query: dict[str, str]
    api_key_hash: str | None
    body_keys: list[str]
    fault: str | None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RequestLogEntry:
        return cls(
            seq=int(data["seq"]),
            at=str(data["at"]),
            method=str(data["method"]),
            path=str(data["path"]),
            endpoint=str(data["endpoint"]),
            status=int(data["status"]),
            query=dict(data["query"]),
            api_key_hash=data.get("api_key_hash"),
            body_keys=list(data.get("body_keys", [])),
            fault=data.get("fault"),
        )


@dataclass(frozen=True)
class RequestLog:
    """``entries`` in arrival order and ``counts`` per endpoint (``"POST /email-accounts/save"``: n)."""

    entries: list[RequestLogEntry]
    counts: dict[str, int]

    def count(self, endpoint: str) -> int:
        return self.counts.get(endpoint, 0)


class ControlBase:
    """What both vendors' control APIs share: health, clock, faults, request log, switches. Methods raise
    ``EmulatorControlError`` on any non-2xx answer. API keys are passed as keys; the client sends them only to
    the loopback control API."""

    def __init__(self, root_url: str, *, timeout: float = 30.0, transport: httpx.BaseTransport | None = None) -> None:
        """``transport``: drive an in-process app instead of a socket (tests)."""
        self.root_url = root_url.rstrip("/")
        # No keep-alive: a fresh loopback connection per call costs little and can never race an idle close.
        self._http = httpx.Client(
            base_url=self.root_url + "/_emulator",
            timeout=timeout,
            limits=httpx.Limits(max_keepalive_connections=0),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, *, json: Any = None, params: Mapping[str, str] | None = None) -> Any:
        response = self._http.request(method, path, json=json, params=params)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.status_code >= 300:
            raise EmulatorControlError(response.status_code, body)
        return body

    # -------------------------------------------------------------------------------------------- state
    def health(self) -> dict[str, Any]:
        """``{"ok": true, "today": "YYYY-MM-DD"}``."""
        result: dict[str, Any] = self._call("GET", "/health")
        return result

    # -------------------------------------------------------------------------------------------- clock
    def clock(self) -> dict[str, Any]:
        """``{"today", "offset_days", "frozen_date", "now"}``."""
        result: dict[str, Any] = self._call("GET", "/clock")
        return result

    def today(self) -> str:
        """The virtual date, ``"YYYY-MM-DD"``."""
        return str(self.clock()["today"])

    def advance_days(self, days: int) -> str:
        """Move the virtual clock ``days`` forward; return the new today."""
        return str(self._call("POST", "/clock/advance", json={"days": days})["today"])

    def set_date(self, day: date | str | None) -> str:
        """Freeze the clock at ``day`` (None: follow the real date again); return today."""
        value = None if day is None else str(day)
        return str(self._call("POST", "/clock/set", json={"date": value})["today"])

    # -------------------------------------------------------------------------------------------- faults
    def add_fault(
        self,
        *,
        path_regex: str | None = None,
        path: str | None = None,
        method: str | None = None,
        status: int | None = None,
        body: Any = None,
        latency_ms: int = 0,
        drop_connection: bool = False,
        after_commit: bool = False,
        probability: float = 1.0,
        count: int | None = None,
        seed: int | None = None,
        api_key: str | None = None,
    ) -> str:
        """Add a fault rule for ``/api/v1`` requests; return its id (``"f1"``...).

        Match: ``path`` (exact request path, e.g. ``/api/v1/email-accounts/save``, trailing slash optional) or
        ``path_regex`` (``re.search`` on the path), optional ``method`` and ``api_key``. Effect, after waiting
        ``latency_ms``: answer ``status`` with ``body`` (JSON, or text if a string; default
        ``{"error": "<reason>"}``), or ``drop_connection`` (close the socket, no response). With ``after_commit``
        the request is processed (and stored) first and only its response is replaced (status defaults to
        500). Latency alone just delays. It fires with ``probability`` (random stream seeded by ``seed``), at
        most ``count`` times (None: unlimited)."""
        spec: dict[str, Any] = {
            "latency_ms": latency_ms,
            "drop_connection": drop_connection,
            "after_commit": after_commit,
            "probability": probability,
        }
        for name, value in (
            ("path_regex", path_regex),
            ("path", path),
            ("method", method),
            ("status", status),
            ("body", body),
            ("count", count),
            ("seed", seed),
            ("api_key", api_key),
        ):
            if value is not None:
                spec[name] = value
        return str(self._call("POST", "/faults", json=spec)["id"])

    def faults(self) -> list[dict[str, Any]]:
        """The rules, each with ``fired`` (times applied) and the remaining ``count``."""
        result: list[dict[str, Any]] = self._call("GET", "/faults")["faults"]
        return result

    def remove_fault(self, fault_id: str) -> None:
        self._call("DELETE", f"/faults/{fault_id}")

    def clear_faults(self) -> int:
        return int(self._call("DELETE", "/faults")["deleted"])

    # -------------------------------------------------------------------------------------------- request log
    def requests(self, *, api_key: str | None = None, endpoint: str | None = None) -> RequestLog:
        """The request log (optionally one key's or one endpoint's entries) with counts per endpoint."""
        params: dict[str, str] = {}
        if api_key is not None:
            params["api_key_hash"] = key_hash(api_key)
        if endpoint is not None:
            params["endpoint"] = endpoint
        data = self._call("GET", "/requests", params=params)
        return RequestLog(
            entries=[RequestLogEntry.from_json(e) for e in data["entries"]],
            counts={str(k): int(v) for k, v in data["counts"].items()},
        )

    def clear_requests(self) -> int:
        return int(self._call("DELETE", "/requests")["cleared"])

    # -------------------------------------------------------------------------------------------- switches
    def switches(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/switches")
        return result

    def set_switch(self, name: str, value: Any) -> dict[str, Any]:
        """Flip a switch; the names, values and defaults are listed once, in ``mailfleet.emulator.settings.Switches``.
        Raises ``EmulatorControlError`` (400) for an unknown name or value. Returns all switches."""
        result: dict[str, Any] = self._call("POST", "/switches", json={"name": name, "value": value})
        return result


class ControlClient(ControlBase):
    """Typed client for the Smartlead emulator's ``/_emulator/`` (see ``mailfleet.emulator.control``)."""

    def reset(self, api_key: str | None = None) -> None:
        """Without a key: all data (ids restart), clock, faults, request log, rate windows and switches back to
        the start state; API keys stay. With a key: only that key's data and rate window."""
        self._call("POST", "/reset", json={} if api_key is None else {"api_key": api_key})

    # -------------------------------------------------------------------------------------------- accounts
    def accounts(self, api_key: str | None = None, *, include_deleted: bool = False) -> list[dict[str, Any]]:
        """Every account of ``api_key`` (all keys if None), as ``GET /email-accounts/{id}`` renders it (READ
        names) plus ``campaign_ids`` and an ``_emulator`` object: ``api_key_hash``, ``deleted``, ``health``,
        ``warmup_enabled``, ``warmup_started_on``, ``total_warmup_per_day``, ``daily_rampup``,
        ``reply_rate_percentage``, ``warmup_key``."""
        params = {"include_deleted": "true" if include_deleted else "false"}
        if api_key is not None:
            params["api_key_hash"] = key_hash(api_key)
        result: list[dict[str, Any]] = self._call("GET", "/accounts", params=params)["accounts"]
        return result

    def create_account(self, *, api_key: str, from_email: str, **fields: Any) -> dict[str, Any]:
        """Create an account directly, as if added in Smartlead's UI (no API request is logged). ``fields`` are
        READ names (see ``edit_account``), plus ``warmup_enabled``, ``total_warmup_per_day``, ``daily_rampup``,
        ``reply_rate_percentage``. Missing fields get defaults (``smtp.<domain>:465``, ``imap.<domain>:993``,
        username = from_email). Returns the account as ``accounts`` does."""
        result: dict[str, Any] = self._call(
            "POST", "/accounts", json={"api_key": api_key, "from_email": from_email, **fields}
        )
        return result

    def edit_account(self, account_id: int, **read_fields: Any) -> dict[str, Any]:
        """Change an account as if edited in Smartlead's UI, with READ names: ``from_name``, ``from_email``,
        ``username``, ``password``, ``smtp_host``/``port``/``port_type``, ``imap_*``, ``message_per_day``,
        ``daily_sent_count``, ``minTimeToWaitInMins``, ``signature``, ``custom_tracking_domain``, ``bcc_email``,
        ``different_reply_to_address``, ``is_smtp_success``, ``is_imap_success``, ``smtp_failure_error``,
        ``imap_failure_error``, ``type``, ``client_id``, ``is_suspended``, ``created_at``; and ``tags`` (names or
        ``{name, color}``; replaces), ``campaign_ids`` (replaces), ``health`` (profile), ``warmup_started_days_ago``
        (int), ``warmup_details`` (``status`` ACTIVE/INACTIVE, ``reply_rate``, ``warmup_reputation`` (fixed, None
        to compute), ``is_warmup_blocked``, ``blocked_reason``, ``warmup_created_at``, ``warmup_key_id``,
        ``warmup_max_count``/``max_email_per_day``, ``daily_rampup``). Returns the account as ``accounts`` does."""
        result: dict[str, Any] = self._call("POST", f"/accounts/{account_id}/edit", json=read_fields)
        return result

    def set_health(self, account_id: int, profile: str | Mapping[str, Any]) -> dict[str, Any]:
        """Set the health profile driving the account's warmup numbers: ``"healthy"`` (inbox 98 %),
        ``"warning"`` (82 %), ``"critical"`` (55 %), or ``{"inbox_rate": 0.6, "bounce_rate": 0.08,
        "spam_rate": 0.004}`` (0-1 each). Returns ``{"name", "inbox_rate", "bounce_rate", "spam_rate"}``."""
        value = profile if isinstance(profile, str) else dict(profile)
        result: dict[str, Any] = self._call("POST", f"/accounts/{account_id}/health", json={"profile": value})
        return result

    def mark_bad_credentials(self, *, emails: Sequence[str] = (), hosts: Sequence[str] = ()) -> dict[str, Any]:
        """Saves with these ``from_email`` values or SMTP/IMAP hosts fail with 406 ACCOUNT_VERIFICATION_FAILED
        (as does any password or imap_password starting with ``bad-``). Returns ``{"emails", "hosts"}``."""
        result: dict[str, Any] = self._call(
            "POST", "/bad-credentials", json={"emails": list(emails), "hosts": list(hosts)}
        )
        return result

    # -------------------------------------------------------------------------------------------- campaigns
    def seed_campaign(
        self,
        *,
        api_key: str,
        name: str = "Campaign",
        id: int | None = None,
        client_id: int | None = None,
        status: str = "DRAFTED",
    ) -> dict[str, Any]:
        """Create or replace a campaign of ``api_key`` (the API cannot create campaigns). ``status`` ACTIVE
        forbids detaching its last account. Returns ``{"id", "name", "client_id", "status", "user_id"}``."""
        spec: dict[str, Any] = {"api_key": api_key, "name": name, "status": status, "client_id": client_id}
        if id is not None:
            spec["id"] = id
        result: dict[str, Any] = self._call("POST", "/campaigns", json=spec)
        return result

    def record_webhook_events(
        self, *, api_key: str, campaign_id: int, ok: bool, count: int = 1, at: str | None = None
    ) -> int:
        """Record ``count`` deliveries (``ok`` or failed) of the campaign's webhooks at ``at`` (ISO; default now), as
        ``GET /campaigns/{cid}/webhooks/summary`` counts them and ``retrigger-failed-events`` retries them (the
        emulator sends no webhooks itself). Returns how many were recorded."""
        spec: dict[str, Any] = {"api_key": api_key, "campaign_id": campaign_id, "ok": ok, "count": count, "at": at}
        return int(self._call("POST", "/webhook-events", json=spec)["recorded"])

    # -------------------------------------------------------------------------------------------- keys
    def add_api_key(self, api_key: str | None = None, *, no_plan: bool = False) -> str:
        """Accept another API key (a new, empty Smartlead account); generated if None. ``no_plan`` keys get
        403 "Access denied". Returns the key."""
        spec: dict[str, Any] = {"no_plan": no_plan}
        if api_key is not None:
            spec["api_key"] = api_key
        return str(self._call("POST", "/keys", json=spec)["api_key"])


class InstantlyControlClient(ControlBase):
    """Typed client for the Instantly emulator's ``/_emulator/`` (see ``mailfleet.emulator.instantly.control``).
    Where a workspace is named, pass ``workspace_id`` or ``api_key`` (that key's workspace); with neither, the
    default workspace."""

    @staticmethod
    def _scope(workspace_id: str | None, api_key: str | None) -> dict[str, str]:
        scope: dict[str, str] = {}
        if workspace_id is not None:
            scope["workspace_id"] = workspace_id
        if api_key is not None:
            scope["api_key"] = api_key
        return scope

    def reset(self, api_key: str | None = None, *, workspace_id: str | None = None) -> None:
        """Without a workspace: all data, clock, faults, request log, rate windows and switches back to the start
        state (workspaces, keys and plan flags stay). With one: only that workspace's data and rate window."""
        self._call("POST", "/reset", json=self._scope(workspace_id, api_key))

    # -------------------------------------------------------------------------------------------- accounts
    def accounts(self, *, workspace_id: str | None = None, api_key: str | None = None) -> list[dict[str, Any]]:
        """Every account (of one workspace if named), as the API shows it with ``tags``, plus ``_emulator``:
        ``workspace_id`` and ``password_hashes`` (``{"imap_password": key_hash(...), "smtp_password": ...}``: the
        emulator keeps no password)."""
        params = self._scope(workspace_id, api_key)
        result: list[dict[str, Any]] = self._call("GET", "/accounts", params=params)["accounts"]
        return result

    def create_account(
        self, email: str, *, workspace_id: str | None = None, api_key: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Create an account as if added in Instantly's UI (no API request is logged). ``fields``: any create
        field (settings, ``provider_code``, connection fields) and ``status``/``warmup_status``; connection fields
        default to ``imap.<domain>:993`` and ``smtp.<domain>:587``. Returns the account as the API shows it."""
        body = {"email": email, **self._scope(workspace_id, api_key), **fields}
        result: dict[str, Any] = self._call("POST", "/accounts", json=body)
        return result

    def edit_account(
        self, email: str, *, workspace_id: str | None = None, api_key: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Change an account as Instantly's UI (or Instantly itself) would: any setting (``daily_limit``,
        ``warmup`` merged key by key, ...), ``status``, ``warmup_status``, ``setup_pending``,
        ``is_managed_account``, ``provider_code``, and connection fields. Returns the account."""
        body = {**self._scope(workspace_id, api_key), **fields}
        result: dict[str, Any] = self._call("POST", f"/accounts/{email}/edit", json=body)
        return result

    def seed_history(
        self,
        email: str,
        *,
        kind: str = "warmup",
        days: Mapping[str, Mapping[str, int]] | None = None,
        last_days: int | None = None,
        per_day: Mapping[str, int] | None = None,
        workspace_id: str | None = None,
        api_key: str | None = None,
    ) -> int:
        """Store per-day numbers for an account: ``kind`` ``"warmup"`` (``sent``, ``landed_inbox``,
        ``landed_spam``, ``received``: ``POST /accounts/warmup-analytics``) or ``"daily"`` (``sent``, ``bounced``,
        ... : ``GET /accounts/analytics/daily``). Give ``days`` (``{"2026-01-05": {...}}``) or ``last_days`` and
        ``per_day`` (the same numbers on each of the last N virtual days). Returns the days written."""
        body: dict[str, Any] = {"email": email, "kind": kind, **self._scope(workspace_id, api_key)}
        if days is not None:
            body["days"] = {day: dict(numbers) for day, numbers in days.items()}
        if last_days is not None:
            body["last_days"] = last_days
            body["per_day"] = dict(per_day or {})
        return int(self._call("POST", "/history", json=body)["written"])

    # -------------------------------------------------------------------------------------------- campaigns
    def seed_campaign(
        self,
        *,
        name: str = "Campaign",
        id: str | None = None,
        status: int = 0,
        email_list: Sequence[str] = (),
        workspace_id: str | None = None,
        api_key: str | None = None,
    ) -> dict[str, Any]:
        """Create or replace a campaign (the API cannot create them). Returns ``{id, name, status, email_list,
        ...}`` as ``GET /api/v2/campaigns/{id}`` shows it."""
        body: dict[str, Any] = {"name": name, "status": status, "email_list": list(email_list)}
        body.update(self._scope(workspace_id, api_key))
        if id is not None:
            body["id"] = id
        result: dict[str, Any] = self._call("POST", "/campaigns", json=body)
        return result

    # -------------------------------------------------------------------------------------------- workspaces
    def add_workspace(
        self,
        *,
        id: str | None = None,
        name: str | None = None,
        parent: str | None = None,
        admin: bool = False,
        paid: bool = True,
        api_key: str | bool = False,
    ) -> dict[str, Any]:
        """Create a workspace (``parent``: the admin workspace whose keys may act on it with ``x-as-workspace``).
        ``api_key``: a key to accept for it, or True to generate one. Returns ``{id, name, parent, admin, paid}``
        plus ``api_key``/``api_key_hash`` when a key was made."""
        body: dict[str, Any] = {"admin": admin, "paid": paid, "api_key": api_key}
        for field_name, value in (("id", id), ("name", name), ("parent", parent)):
            if value is not None:
                body[field_name] = value
        result: dict[str, Any] = self._call("POST", "/workspaces", json=body)
        return result

    def workspaces(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._call("GET", "/workspaces")["workspaces"]
        return result

    def set_paid(self, workspace_id: str, paid: bool) -> dict[str, Any]:
        """Flag a workspace unpaid (every API call then answers 402) or paid again."""
        result: dict[str, Any] = self._call("POST", f"/workspaces/{workspace_id}/plan", json={"paid": paid})
        return result

    def add_api_key(self, api_key: str | None = None, *, workspace_id: str | None = None) -> str:
        """Accept another key for a workspace (the default one if None); generated if None. Returns the key."""
        body: dict[str, Any] = self._scope(workspace_id, None)
        if api_key is not None:
            body["api_key"] = api_key
        return str(self._call("POST", "/keys", json=body)["api_key"])


class _ProcessFacts:
    """What both running emulators tell about their process (their dataclass fields supply the attributes)."""

    port: int
    api_keys: list[str]
    log_path: Path

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_key(self) -> str:
        """The first accepted key."""
        return self.api_keys[0]

    def output(self) -> str:
        """What the process printed so far (never contains API keys it was given)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""


@dataclass
class RunningEmulator(_ProcessFacts):
    """A live emulator process. ``base_url`` is what a Smartlead client takes."""

    port: int
    db_path: Path
    api_keys: list[str]
    control: ControlClient
    process: subprocess.Popen[bytes] = field(repr=False)
    log_path: Path = field(repr=False)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api/v1``."""
        return f"{self.root_url}/api/v1"


def _wait_until_up(process: subprocess.Popen[bytes], port_file: Path, log_path: Path, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    port: int | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if port is None and port_file.exists():
            text = port_file.read_text(encoding="utf-8").strip()
            port = int(text) if text.isdigit() else None
        if port is not None:
            with contextlib.suppress(httpx.HTTPError):
                response = httpx.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=2.0)
                if response.status_code == 200:
                    return port
        time.sleep(0.05)
    output = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    state = f"exited with {process.returncode}" if process.poll() is not None else f"not up after {timeout}s"
    raise EmulatorStartError(f"emulator {state}; output:\n{output[-4000:]}")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server a test started, then kill it if it has not exited within 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def _emulator_process(
    db_path: Path, api_keys: Sequence[str], args: Sequence[str], startup_timeout: float, port: int = 0
) -> Iterator[tuple[int, subprocess.Popen[bytes], Path]]:
    """Start ``python -m mailfleet.emulator`` on 127.0.0.1 with ``args``; yield ``(port, process, log_path)`` once
    healthy; always stop the process (also when the body raises) and remove its scratch directory."""
    workdir = Path(tempfile.mkdtemp(prefix="mailfleet-emulator-"))
    port_file = workdir / "port"
    log_path = workdir / "emulator.log"
    command = [
        sys.executable,
        "-m",
        "mailfleet.emulator",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        str(db_path),
        "--port-file",
        str(port_file),
    ]
    for key in api_keys:
        command += ["--api-key", key]
    command += list(args)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        bound = _wait_until_up(process, port_file, log_path, startup_timeout)
        yield bound, process, log_path
    finally:
        stop_process(process)
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def running_emulator(
    db_path: Path,
    *,
    api_keys: list[str] | None = None,
    rate_limit: str = "1000/1",
    port: int = 0,
    extra_args: Sequence[str] = (),
    startup_timeout: float = 30.0,
) -> Iterator[RunningEmulator]:
    """Start the Smartlead emulator (``python -m mailfleet.emulator``) on 127.0.0.1 with state in ``db_path``;
    stop it on exit.

    ``api_keys``: accepted keys (one is generated if None; ``.api_key`` is the first). ``port`` 0 picks a free
    port. ``extra_args`` go to ``python -m mailfleet.emulator`` (e.g. ``["--start-date", "2026-01-05"]``,
    ``["--over-limit", "empty"]``, ``["--no-delete"]``, ``["--campaign-webhook-delete", "path"]``,
    ``["--strict-warmup"]``, ``["--quiet"]``). Raises ``EmulatorStartError`` if it is not healthy within
    ``startup_timeout`` seconds."""
    keys = list(api_keys) if api_keys else [new_api_key()]
    args = ["--rate-limit", rate_limit, *extra_args]
    with (
        _emulator_process(db_path, keys, args, startup_timeout, port) as (bound, process, log_path),
        ControlClient(f"http://127.0.0.1:{bound}") as control,
    ):
        yield RunningEmulator(bound, Path(db_path), keys, control, process, log_path)


@dataclass
class RunningInstantlyEmulator(_ProcessFacts):
    """A live Instantly emulator process. ``base_url`` is what an Instantly client takes; ``api_keys`` belong to
    the default (admin) workspace ``workspace_id``."""

    port: int
    db_path: Path
    api_keys: list[str]
    control: InstantlyControlClient
    process: subprocess.Popen[bytes] = field(repr=False)
    log_path: Path = field(repr=False)
    workspace_id: str = DEFAULT_WORKSPACE_ID

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api/v2``."""
        return f"{self.root_url}/api/v2"


@contextlib.contextmanager
def running_instantly_emulator(
    db_path: Path,
    *,
    api_keys: list[str] | None = None,
    job_seconds: float | None = None,
    rate_limits: str | None = None,
    port: int = 0,
    extra_args: Sequence[str] = (),
    startup_timeout: float = 30.0,
) -> Iterator[RunningInstantlyEmulator]:
    """Start the Instantly emulator (``python -m mailfleet.emulator --vendor instantly``) on 127.0.0.1 with state
    in ``db_path``; stop it on exit, also when the body raises.

    ``api_keys``: keys of the default workspace (one is generated if None). ``job_seconds``: warmup job duration
    (default 3 real seconds). ``rate_limits``: ``"N/SECONDS,..."`` per workspace (default ``100/1,6000/60``).
    ``extra_args`` e.g. ``["--start-date", "2026-01-05", "--quiet"]``."""
    keys = list(api_keys) if api_keys else [new_instantly_key()]
    args = ["--vendor", "instantly"]
    if job_seconds is not None:
        args += ["--job-seconds", str(job_seconds)]
    if rate_limits is not None:
        args += ["--rate-limit", rate_limits]
    args += list(extra_args)
    with (
        _emulator_process(db_path, keys, args, startup_timeout, port) as (bound, process, log_path),
        InstantlyControlClient(f"http://127.0.0.1:{bound}") as control,
    ):
        yield RunningInstantlyEmulator(bound, Path(db_path), keys, control, process, log_path)
