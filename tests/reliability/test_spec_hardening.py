"""Spec checks the reliability work added: one client per tenant, no control characters in names or messages."""

from __future__ import annotations

from pathlib import Path

from mailfleet.spec import validate_directory
from mailfleet.testing.fleets import emails_for, tenant_yaml


def test_two_tenants_naming_one_client_email_are_refused_naming_both_places(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text(tenant_yaml("one", emails_for("one", 1), client_email="ops@shared.example"))
    (tmp_path / "two.yaml").write_text(tenant_yaml("two", emails_for("two", 1), client_email="OPS@shared.example"))

    problems = [str(problem) for problem in validate_directory(tmp_path)]

    assert problems == [
        f"{tmp_path}/one.yaml:3:32: client.email: duplicate client email ops@shared.example: "
        f"also declared at {tmp_path}/two.yaml:3:32",
        f"{tmp_path}/two.yaml:3:32: client.email: duplicate client email ops@shared.example: "
        f"also declared at {tmp_path}/one.yaml:3:32",
    ]


def test_control_characters_written_as_yaml_escapes_are_refused_in_names(tmp_path: Path) -> None:
    text = tenant_yaml("acme", emails_for("acme", 1)).replace("M000 Sender", '"M000\\x1b]0;owned\\x07"')
    (tmp_path / "acme.yaml").write_text(text.replace("Acme Inc", '"Acme\\u0085Inc"'))

    problems = [str(problem) for problem in validate_directory(tmp_path)]

    assert problems == [
        f"{tmp_path}/acme.yaml:3:16: client.name: control character U+0085 is not allowed here",
        f"{tmp_path}/acme.yaml:11:16: mailboxes[0].from_name: control character U+001B is not allowed here",
    ]


def test_a_signature_may_span_lines_but_not_carry_escape_sequences(tmp_path: Path) -> None:
    text = tenant_yaml("acme", emails_for("acme", 1)) + '    signature: "Best,\\nM000\\tSender"\n'
    (tmp_path / "acme.yaml").write_text(text)
    assert validate_directory(tmp_path) == []

    (tmp_path / "acme.yaml").write_text(text.replace("Best,", "\\x1b[2JBest,"))
    (problem,) = validate_directory(tmp_path)
    assert problem.message == "mailboxes[0].signature: control character U+001B is not allowed here"


def test_a_file_name_with_an_escape_sequence_is_shown_escaped(tmp_path: Path) -> None:
    (tmp_path / "x\x1b[2J.yaml").write_text(tenant_yaml("acme", emails_for("acme", 1)))

    (problem,) = validate_directory(tmp_path)

    assert "\x1b" not in str(problem)
    assert str(problem).startswith(f"{tmp_path}/x\\x1b[2J.yaml:2:9: tenant: 'acme' does not match the file name")
