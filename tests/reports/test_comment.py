from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailfleet.errors import SetupError
from mailfleet.reports.comment import MARKER, Preview, load_digest, render_comment, run_preview_comment
from mailfleet.reports.render import GITHUB_COMMENT_LIMIT, code, fit, format_value
from tests.reports.conftest import digest, mailbox_inputs, step, update_step


def fleet_digest(count: int) -> dict[str, object]:
    """A preview where ``count`` mailboxes across 100 tenants each change three fields."""
    return digest(
        *(
            update_step(
                f"mailbox-{n:04d}@tenant-{n % 100:03d}.example",
                tenant=f"tenant-{n % 100:03d}",
                from_name=f"Sender Number {n} With A Longer Display Name",
                smtp_port=587,
                tags=["sales", "outbound"],
            )
            for n in range(count)
        ),
        same=12,
    )


def test_a_preview_of_1000_changed_mailboxes_fits_a_github_comment_and_starts_with_the_summary() -> None:
    text, omitted = render_comment(Preview.of_digest("prod", fleet_digest(1000)))

    assert len(text) < GITHUB_COMMENT_LIMIT
    assert omitted > 0
    assert text.startswith(f"{MARKER}\n### mailfleet preview for stack `prod`\n\n| create | update |")
    assert "| 0 | 1,000 | 0 | 0 | 12 |" in text.split("\n\n")[1]
    assert "**1,000 to update** in 100 tenants:" in text
    assert f"_… {omitted:,} more changed resources not shown" in text
    assert text.rstrip().endswith("</details>")
    # What is shown is whole: every kept resource has its three field lines.
    shown = text.count("- **update** Mailbox")
    assert shown + omitted == 1000
    assert text.count("  - `") == 3 * shown


def test_a_small_preview_is_whole_with_field_diffs_grouped_by_tenant() -> None:
    preview = Preview.of_digest(
        "ci",
        digest(
            update_step("jane@acme.example", from_name="Jane Smith", password="[secret]"),
            update_step("hank@globex.example", tenant="globex", smtp_port=587),
            step("delete", "old@acme.example", mailbox_inputs("old@acme.example", on_remove="suspend"), None),
            step("create", "new@acme.example", None, mailbox_inputs("new@acme.example")),
        ),
    )

    text, omitted = render_comment(preview)

    assert omitted == 0
    assert "| 1 | 2 | 0 | 1 | 0 |" in text
    assert "**1 to create, 2 to update, 1 to delete** in 2 tenants: acme, globex." in text
    acme, globex = text.index("#### tenant `acme`"), text.index("#### tenant `globex`")
    assert acme < text.index('`from_name`: "Jane Doe" -> "Jane Smith"') < globex
    assert "`password`: [secret] -> [secret]" in text
    assert "`smtp_port`: 465 -> 587" in text[globex:]
    assert "**delete** Mailbox `old@acme.example`: removed from the tenant file; the Smartlead account is" in text
    assert "**suspended** (on_remove: suspend)" in text
    assert "**create** Mailbox `new@acme.example`" in text


def test_no_changes_says_so() -> None:
    text, _ = render_comment(Preview.of_digest("ci", digest(same=9)))

    assert "| 0 | 0 | 0 | 0 | 9 |" in text
    assert "**No changes.**" in text
    assert "<details" not in text


def test_fit_keeps_the_head_and_drops_blocks_from_the_end() -> None:
    text, omitted = fit("HEAD\n", ["a" * 40, "b" * 40, "c" * 40], lambda n: f"[{n} omitted]", limit=90)

    assert (text, omitted) == ("HEAD\n" + "a" * 40 + "[2 omitted]", 2)


def test_values_render_compactly_and_long_ones_are_cut() -> None:
    assert format_value("x") == '"x"'
    assert format_value(None) == "(none)"
    assert format_value("[secret]") == "[secret]"
    assert format_value(["a", 1]) == '["a", 1]'
    assert len(format_value("y" * 500)) == 120
    assert code("a`b") == "``a`b``"


def test_run_preview_comment_writes_the_file_from_a_digest(tmp_path: Path) -> None:
    source = tmp_path / "preview.json"
    source.write_text(json.dumps(digest(update_step("jane@acme.example", from_name="J"))))

    assert run_preview_comment("ci", str(source), str(tmp_path / "comment.md")) == 0
    assert '`from_name`: "Jane Doe" -> "J"' in (tmp_path / "comment.md").read_text()


def test_a_failed_preview_digest_is_a_clean_error(tmp_path: Path) -> None:
    source = tmp_path / "preview.json"
    source.write_text(json.dumps({"diagnostics": [{"severity": "error", "message": "invalid tenant specs:\nx"}]}))

    with pytest.raises(SetupError, match=r"the preview failed: invalid tenant specs:$"):
        load_digest(str(source))
    source.write_text("Previewing update (ci):")
    with pytest.raises(SetupError, match="is not JSON"):
        load_digest(str(source))
