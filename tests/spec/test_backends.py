"""What each backend can honour (mailfleet/spec/backends.py): derived from the vendors' field tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.fields import FIELDS
from mailfleet.instantly.fields import UNSUPPORTED as INSTANTLY_UNSUPPORTED
from mailfleet.smartlead.fields import UNSUPPORTED as SMARTLEAD_UNSUPPORTED
from mailfleet.spec import validate_directory
from mailfleet.spec.backends import BACKENDS, UNSUPPORTED, backend_of, refusal, supports
from mailfleet.spec.model import DEFAULT_BACKEND

INSTANTLY_TENANT = """\
apiVersion: mailfleet/v1
tenant: initech
backend: instantly
workspace: {{id: 5b0c7d2e-3f41-4a8b-9c6d-2e7f8a9b0c1d}}
defaults:
  smtp: {{host: smtp.initech.example, port: 587}}
  imap: {{host: imap.initech.example, port: 993}}
mailboxes:
  - email: peter@initech.example
    from_name: Peter Gibbons
    password: {{secret: initech-peter}}
{extra}"""


def test_backends_and_default() -> None:
    assert BACKENDS == ("smartlead", "instantly")
    assert DEFAULT_BACKEND == "smartlead"
    assert backend_of({}) == "smartlead"
    assert backend_of({"backend": "instantly"}) == "instantly"
    assert backend_of({"backend": "bogus"}) == "smartlead"  # the schema reports the value


def test_unsupported_sets_come_from_the_vendor_tables() -> None:
    assert UNSUPPORTED["smartlead"] == set(SMARTLEAD_UNSUPPORTED)
    assert UNSUPPORTED["instantly"] == INSTANTLY_UNSUPPORTED
    for backend in BACKENDS:
        assert UNSUPPORTED[backend] <= set(FIELDS), backend  # a renamed field cannot silently drop out


def test_what_each_backend_lacks() -> None:
    assert UNSUPPORTED["smartlead"] == {"provider"}
    assert {"bcc", "smtp_security", "imap_security", "client_id"} <= UNSUPPORTED["instantly"]
    for key in ("password", "smtp_host", "from_name", "reply_to", "warmup_rampup", "provider", "tracking_domain"):
        assert supports("instantly", key), key
    assert not supports("instantly", "bcc")
    assert not supports("smartlead", "provider")


def test_refusal_names_the_backend_and_the_fix() -> None:
    assert refusal(("mailboxes", 0, "bcc"), "instantly") == (
        "mailboxes[0].bcc: the instantly backend has no such setting (remove it, or use backend: smartlead)"
    )
    assert refusal(("workspace",), "smartlead", only="instantly") == (
        "workspace: the smartlead backend has no such setting (remove it, or use backend: instantly)"
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("    bcc: a@initech.example\n", ["12:5: mailboxes[0].bcc: the instantly backend"]),
        ("    smtp: {security: TLS}\n", ["12:12: mailboxes[0].smtp.security: the instantly backend"]),
        ("    provider: microsoft\n", []),
        ("", []),
    ],
)
def test_each_refusal_is_at_its_key(tmp_path: Path, extra: str, expected: list[str]) -> None:
    (tmp_path / "initech.yaml").write_text(INSTANTLY_TENANT.format(extra=extra), encoding="utf-8")
    found = [f"{p.line}:{p.col}: {p.message}" for p in validate_directory(tmp_path)]
    assert [line[: len(want)] for line, want in zip(found, expected, strict=True)] == expected


def test_an_elided_default_is_harmless_on_smartlead(tmp_path: Path) -> None:
    """``provider: custom`` is never sent, so Smartlead honours it; any other provider it cannot."""
    smartlead = (
        INSTANTLY_TENANT.replace("backend: instantly\n", "")
        .replace("workspace: {{id: 5b0c7d2e-3f41-4a8b-9c6d-2e7f8a9b0c1d}}", "client: {{name: I, email: i@i.example}}")
        .replace("tenant: initech", "tenant: smart")
    )
    (tmp_path / "smart.yaml").write_text(smartlead.format(extra="    provider: custom\n"), encoding="utf-8")
    assert validate_directory(tmp_path) == []
    (tmp_path / "smart.yaml").write_text(smartlead.format(extra="    provider: aws\n"), encoding="utf-8")
    (problem,) = validate_directory(tmp_path)
    assert (problem.line, problem.col) == (11, 5)
    assert problem.message == (
        "mailboxes[0].provider: the smartlead backend has no such setting (remove it, or use backend: instantly)"
    )
