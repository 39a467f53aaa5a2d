"""Helpers for the tenant spec tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "specs" / "tenants"

VALID_TENANT = """\
apiVersion: mailfleet/v1
tenant: {name}
client: {{name: Acme Corp, email: ops@acme.example}}
defaults:
  smtp: {{host: smtp.acme.example, port: 465, security: SSL}}
  imap: {{host: imap.acme.example, port: 993}}
  warmup: {{per_day: 25}}
  on_remove: suspend
mailboxes:
  - email: Jane@Acme.example
    from_name: Jane Doe
    password: {{secret: acme-jane}}
    tags: [sales]
    campaigns: [48213]
  - email: john@acme.example
    from_name: John Roe
    username: john.roe
    password: {{env: JOHN_PASSWORD}}
    smtp: {{port: 587, security: TLS}}
    warmup: {{enabled: false, reply_rate: 0}}
    sending: {{ramp: gentle}}
    on_remove: delete
    signature: "<b>John</b>"
    bcc: audit@acme.example
    reply_to: replies@acme.example
    time_to_wait_in_mins: 12
webhooks:
  - {{name: crm, url: "https://hooks.acme.example/smartlead", events: [EMAIL_SENT, EMAIL_REPLY]}}
  - {{name: sales, url: "http://localhost:8080/x", events: [LEAD_CATEGORY_UPDATED], categories: [Interested]}}
ramps:
  gentle:
    - {{from_day: 1, per_day: 5}}
    - {{from_day: 15, per_day: 25}}
campaign_min_warmup_days: 21
health_gate: false
"""


@pytest.fixture
def tenant_dir(tmp_path: Path) -> Path:
    """A directory holding one valid tenant file, ``acme.yaml``, that uses every feature."""
    directory = tmp_path / "tenants"
    directory.mkdir()
    (directory / "acme.yaml").write_text(VALID_TENANT.format(name="acme"), encoding="utf-8")
    return directory
