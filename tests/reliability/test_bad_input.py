"""Hostile input beyond the spec corpus, through ``mailfleet validate`` and through ``pulumi preview``/``up``:
oversized files, deep nesting, YAML alias bombs, control characters in names and file names, bytes that are not
UTF-8; and an emulator answering with malformed JSON or an HTML page. Clear one-line errors, the same from both
entry points, no traceback, no escape sequence reaching the terminal, and nothing applied.
"""

from __future__ import annotations

import subprocess

import pytest

from mailfleet.emulator.testing import RunningEmulator
from mailfleet.testing.fleets import TRACEBACK_MARKERS, Figures, Fleet, emails_for, fresh_fleet, tenant_yaml
from mailfleet.testing.projects import mailfleet_command

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

VALID = {"steady": emails_for("steady", 3)}


def alias_bomb() -> str:
    lines = ["apiVersion: mailfleet/v1", "tenant: bomb", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join([*lines, "client: *a9"]) + "\n"


def hostile_files() -> dict[str, bytes]:
    """File name -> content; each file must be refused, and what each refusal says is checked below."""
    base = tenant_yaml("named", emails_for("named", 1))
    return {
        "huge.yaml": (tenant_yaml("huge", emails_for("huge", 1)) + "#" + "x" * (2 * 1024 * 1024) + "\n").encode(),
        "deep.yaml": ("apiVersion: mailfleet/v1\ntenant: deep\nclient: " + "[" * 5000 + "]" * 5000 + "\n").encode(),
        "bomb.yaml": alias_bomb().encode(),
        "named.yaml": base.replace("M000 Sender", '"M000\\x1b[31mSender\\a"').encode(),
        "tab\x1b[2J.yaml": tenant_yaml("other", emails_for("other", 1)).encode(),
        "latin1.yaml": b"apiVersion: mailfleet/v1\ntenant: caf\xe9\n",
    }


EXPECTED = {
    "huge.yaml": "file is larger than 1024 KiB",
    "deep.yaml": "nesting deeper than 32 levels",
    "bomb.yaml": "YAML alias '*a9' is not allowed",
    "named.yaml": "mailboxes[0].from_name: control character U+001B is not allowed here",
    "tab\\x1b[2J.yaml": "does not match the file name",
    "latin1.yaml": "not UTF-8 text (byte 0xe9)",
}


@pytest.fixture(scope="module")
def fleet(module_emulator: RunningEmulator, figures: Figures, tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    made = fresh_fleet(tmp_path_factory.mktemp("bad-input"), module_emulator, figures, VALID)
    for name, content in hostile_files().items():
        (made.project.specs / name).write_bytes(content)
    return made


def validate(fleet: Fleet) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        mailfleet_command("validate", "specs/tenants"),
        cwd=fleet.project.directory,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_clean(output: str) -> None:
    for marker in TRACEBACK_MARKERS:
        assert marker not in output, f"{marker!r} in:\n{output}"
    assert "\x1b" not in output and "\x07" not in output


def test_validate_and_preview_refuse_every_hostile_file_with_the_same_lines(fleet: Fleet, figures: Figures) -> None:
    fleet.emulator.control.clear_requests()

    checked = validate(fleet)
    preview = fleet.run("preview")
    up = fleet.up()

    assert checked.returncode == 1
    problems = checked.stdout.splitlines()
    assert all(line.startswith("specs/tenants/") for line in problems), problems
    for name, message in EXPECTED.items():
        assert any(line.startswith(f"specs/tenants/{name}:") and message in line for line in problems), name
    for run in (preview, up):
        assert not run.ok
        shown = run.output.splitlines()
        missing = [line for line in problems if line not in shown and f"    {line}" not in shown]
        assert missing == [], run.output
    for output in (checked.stdout + checked.stderr, preview.output, up.output):
        assert_clean(output)
    # Nothing applied, nothing even asked: the specs stop the program before any resource is declared.
    assert fleet.emulator.control.requests().entries == []
    assert fleet.live() == []
    figures.add("hostile_files", len(EXPECTED))
    figures.faults.append("hostile spec files: size, depth, aliases, control characters, encoding")
    fleet.keep_output(checked.stdout + checked.stderr)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('{"data": [{"id": 1, "from_email": ', "malformed JSON"),
        ("<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>", "an HTML page"),
    ],
)
def test_a_garbled_answer_from_smartlead_fails_the_preview_cleanly_and_applies_nothing(
    fleet: Fleet, figures: Figures, body: str, says: str
) -> None:
    for path in list(fleet.project.specs.iterdir()):
        if path.name not in {f"{tenant}.yaml" for tenant in VALID}:
            path.unlink()
    fleet.emulator.control.clear_requests()
    fleet.emulator.control.add_fault(path_regex=r"/api/v1/email-accounts/$", method="GET", status=200, body=body)
    try:
        run = fleet.run("up", "--yes", "--continue-on-error")
    finally:
        fleet.emulator.control.clear_faults()

    figures.faults.append(f"200 with {says} (account listing)")
    assert not run.ok
    assert_clean(run.output)
    assert f"GET {fleet.emulator.base_url}/email-accounts/" in run.output and says in run.output, run.output
    writes = [entry.endpoint for entry in fleet.emulator.control.requests().entries if entry.method != "GET"]
    assert writes == []
    assert fleet.live() == []
