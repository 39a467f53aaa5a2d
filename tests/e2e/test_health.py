"""``mailfleet health`` and the health gate, end to end: the real CLI, pulumi and the emulator.

One story on one stack: a mailbox made critical is reported (exit 2, named in the table, the JSON and the chart); fed
that report, the next ``up`` keeps it on its ramp step and the preview says why, while the others move on (also a
critical one in a tenant with ``health_gate: false``); once healthy again it moves; a no-change preview with the
report makes no API request.
"""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from mailfleet.testing.e2e import Project, changed_steps
from mailfleet.testing.projects import mailfleet_command

pytestmark = pytest.mark.e2e

JANE = "jane@acme-mail.example"
JOHN = "john@acme-mail.example"
HANK = "hank@globex-mail.example"


def caps(project: Project) -> dict[str, int]:
    accounts = project.emulator.control.accounts(project.emulator.api_key)
    return {str(a["from_email"]): int(a["message_per_day"]) for a in accounts}


def mailfleet_health(project: Project, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        mailfleet_command("health", "--stack", project.pulumi.stack, *args),
        cwd=project.directory,
        env={**project.pulumi.env(), **env},
        text=True,
        capture_output=True,
        timeout=300,
        check=False,
    )


def test_a_critical_mailbox_is_reported_and_held_on_its_ramp_until_healthy(project: Project, tmp_path: Path) -> None:
    control = project.emulator.control
    start = date.fromisoformat(control.today())
    project.edit_spec("globex", "mailboxes:", "health_gate: false\nmailboxes:")
    project.up(env={"MAILFLEET_TODAY": start.isoformat()})
    ids = {str(a["from_email"]): int(a["id"]) for a in control.accounts(project.emulator.api_key)}
    control.set_health(ids[JANE], "critical")
    control.set_health(ids[HANK], "critical")
    control.advance_days(5)
    later = {"MAILFLEET_TODAY": (start + timedelta(days=5)).isoformat()}

    report, chart = tmp_path / "health.json", tmp_path / "health.png"
    result = mailfleet_health(project, later, "--json", str(report), "--chart", str(chart), "--detail")
    assert result.returncode == 2, result.stderr
    assert f"Critical: {JANE}, {HANK}" in result.stdout.splitlines()[0]
    assert project.emulator.api_key not in result.stdout + result.stderr + report.read_text()
    data = json.loads(report.read_text())
    assert data["critical"] == [JANE, HANK]
    assert data["summary"]["mailboxes"] == 5 and data["summary"]["critical"] == 2
    jane = next(m for m in data["mailboxes"] if m["email"] == JANE)
    assert jane["class"] == "critical" and jane["reason"].startswith("inbox ")
    assert (jane["warmup_day"], jane["ramp_step"], jane["warmup_complete"], jane["bounce_rate"]) == (6, 2, False, None)
    assert len(jane["days"]) == 6
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert "Locator" not in result.stderr and "WARNING" not in result.stderr
    assert data["sources"]["detail_fetched"] == 5  # --detail: every mailbox's 7-day stats
    assert jane["inbox_source"] == "warmup-stats" and jane["dns"]["status"] == "skipped"  # *.example, system resolver

    gated = {**later, "MAILFLEET_HEALTH_REPORT": str(report)}
    steps = changed_steps(project.preview(env=gated))
    assert "max_email_per_day" not in steps[JANE]["detailedDiff"]
    held_step = steps[JANE]["newState"]["inputs"]["ramp_step"]
    assert held_step.startswith("held: critical (inbox ") and "stays at 10/day" in held_step
    assert "max_email_per_day" in steps[HANK]["detailedDiff"]  # its tenant turned the gate off

    project.up(env=gated)
    after = caps(project)
    assert after[JANE] == 10
    assert after[JOHN] == after[HANK] == 20

    control.set_health(ids[JANE], "healthy")
    control.set_health(ids[HANK], "healthy")
    control.clear_requests()
    assert mailfleet_health(project, later, "--json", str(report)).returncode == 0
    # At list cost: one listing page, the one-call bounce source, and stats only for borderline mailboxes.
    endpoints = [e.endpoint for e in control.requests().entries]
    assert endpoints.count("GET /email-accounts/") == 1
    assert endpoints.count("GET /analytics/mailbox/name-wise-health-metrics") == 1
    assert len(endpoints) <= 2 + 20, endpoints
    project.up(env=gated)
    assert set(caps(project).values()) == {20}

    control.clear_requests()
    assert changed_steps(project.preview(env=gated)) == {}
    assert control.requests().entries == []


class Receiver:
    """A real HTTP receiver on loopback for ``--notify``: keeps every JSON body posted to it."""

    def __init__(self) -> None:
        import http.server
        import threading

        bodies: list[dict[str, Any]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.bodies = bodies
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/secret-token"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()


ACME_ZONE = [  # no DMARC record
    "@ IN MX 10 mx.acme-mail.example.",
    "smtp IN A 192.0.2.30",
    '@ IN TXT "v=spf1 a:smtp.acme-mail.example -all"',
    'default._domainkey IN TXT "v=DKIM1; p=MIGf"',
]


def test_bounce_dns_placement_and_notifications(project: Project, tmp_path: Path) -> None:
    from tests.health._nsd import nsd_server

    control = project.emulator.control
    start = date.fromisoformat(control.today())
    project.up(env={"MAILFLEET_TODAY": start.isoformat()})
    ids = {str(a["from_email"]): int(a["id"]) for a in control.accounts(project.emulator.api_key)}
    control.seed_campaign(api_key=project.emulator.api_key, id=48213, name="Outbound", status="ACTIVE")
    control.edit_account(ids[JANE], message_per_day=100)  # 700 campaign mails a week
    control.set_health(ids[JANE], {"name": "healthy", "bounce_rate": 0.064})
    with project.client() as client:
        client.attach_accounts(48213, [ids[JANE]])
        control.advance_days(6)
        client.attach_accounts(48213, [ids[JOHN]])  # attached for 2 days: 20 mails, below the minimum of 50
    control.advance_days(1)
    today = {"MAILFLEET_TODAY": (start + timedelta(days=7)).isoformat()}
    sd_url = project.emulator.base_url.replace("/api/v1", "/smartdelivery/api/v1")
    project.pulumi.set_config({"mailfleet:smartDeliveryUrl": sd_url, "mailfleet:placementPollSeconds": "0.05"})
    report = tmp_path / "health.json"

    with nsd_server(tmp_path / "dns", {"acme-mail.example": ACME_ZONE}, servfail=["globex-mail.example"]) as dns:
        env = {**today, "MAILFLEET_DNS_NAMESERVERS": dns.nameservers}
        with Receiver() as receiver:
            result = mailfleet_health(project, env, "--json", str(report), "--notify", receiver.url)
            assert result.returncode == 2, result.stderr
            data = json.loads(report.read_text())
            rows = {m["email"]: m for m in data["mailboxes"]}
            jane, john, hank = rows[JANE], rows[JOHN], rows[HANK]
            assert jane["class"] == "critical"
            assert jane["reason"].startswith("bounce 6.") and jane["reason"].endswith(
                "; dmarc: no record for acme-mail.example"
            )
            assert 0.06 <= jane["bounce_rate"] < 0.07 and jane["bounce_sent"] == 700
            assert (jane["bounce_window"], jane["bounce_source"]) == ("7 days", "name-wise-health-metrics")
            assert john["bounce_status"] == "not enough data" and john["bounce_sent"] == 20
            assert john["class"] == "critical" and john["reason"] == "dmarc: no record for acme-mail.example"
            assert hank["dns"]["status"] == "unknown" and hank["class"] == "healthy"  # SERVFAIL changes nothing
            table = result.stdout
            assert "6.4 % of 700" in table and "not enough data (20 sent)" in table and JANE in table
            assert "spam complaint rate: n/a" in table and table.count("spam complaint rate") == 1
            assert len(receiver.bodies) == 1
            posted = receiver.bodies[0]
            assert "DNS acme-mail.example: dmarc: no record for acme-mail.example" in posted["text"]
            assert "secret-token" not in result.stdout + result.stderr
            # The same night again: nothing new is posted.
            assert mailfleet_health(project, env, "--notify", receiver.url).returncode == 2
            assert len(receiver.bodies) == 1

            # Without the one-call source, the campaign's statistics pages give the same rate.
            control.set_switch("health_metrics", False)
            assert mailfleet_health(project, env, "--json", str(report)).returncode == 2
            fallback = {m["email"]: m for m in json.loads(report.read_text())["mailboxes"]}
            assert fallback[JANE]["bounce_source"] == "mailbox-statistics"
            assert fallback[JANE]["bounce_rate"] == jane["bounce_rate"]

            # Placement: refused over the cap, then run against the emulated SmartDelivery.
            placement = mailfleet_command("placement", "run", "--stack", project.pulumi.stack)
            run = {"cwd": project.directory, "env": {**project.pulumi.env(), **env}, "text": True,
                   "capture_output": True, "timeout": 300, "check": False}  # fmt: skip
            refused = subprocess.run([*placement, "--campaign", "48213", "--yes"], **run)  # type: ignore[call-overload]
            assert refused.returncode == 1 and "opt-in" in refused.stderr
            project.pulumi.set_config({"mailfleet:placementCreditCap": "1"})
            refused = subprocess.run([*placement, "--campaign", "48213", "--yes"], **run)  # type: ignore[call-overload]
            assert refused.returncode == 1 and "refused: this test needs 2 credits" in refused.stderr
            project.pulumi.set_config({"mailfleet:placementCreditCap": "10"})
            ran = subprocess.run([*placement, "--campaign", "48213", "--yes"], **run)  # type: ignore[call-overload]
            assert ran.returncode == 0, ran.stderr
            assert JANE in ran.stdout and JOHN in ran.stdout

            control.set_health(ids[HANK], "critical")
            control.advance_days(1)
            env["MAILFLEET_TODAY"] = (start + timedelta(days=8)).isoformat()
            result = mailfleet_health(project, env, "--json", str(report), "--notify", receiver.url)
            assert result.returncode == 2, result.stderr
            rows = {m["email"]: m for m in json.loads(report.read_text())["mailboxes"]}
            assert rows[JANE]["placement"]["inbox_rate"] == 0.975  # 39 of 40 seeds (healthy profile: 98 %)
            assert rows[JANE]["placement"]["date"] == (start + timedelta(days=7)).isoformat()
            assert "inbox 97.5 %" in result.stdout
            assert len(receiver.bodies) == 2
            second = receiver.bodies[1]
            assert [c["email"] for c in second["changes"] if c["kind"] == "class"] == [HANK]
            assert not [c for c in second["changes"] if c["kind"] == "dns"]  # posted once, not every night
