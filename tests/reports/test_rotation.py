from __future__ import annotations

from typing import Any

from mailfleet.reports.comment import MARKER, Preview, render_comment
from mailfleet.reports.render import GITHUB_COMMENT_LIMIT
from mailfleet.reports.rotation import rotation_section
from tests.reports.conftest import digest, mailbox_inputs, step


def pool_step(email: str, tenant: str, old_note: str, new_note: str, campaigns: list[int]) -> dict[str, Any]:
    old = {**mailbox_inputs(email, tenant), "pool": {"campaigns": [48213], "note": old_note}}
    new = {**old, "pool": {"campaigns": [48213], "note": new_note}, "attached_campaigns": campaigns}
    diff = {"pool.note": "update", "attached_campaigns": "update", "ramp_step": "update", "max_email_per_day": "update"}
    return step("update", email, old, new, **diff)


def rotation_digest(pools: int) -> dict[str, Any]:
    """``pools`` pools (3 senders and a reserve, one per tenant): in each one sender rests, the reserve stands in."""
    steps = []
    for n in range(pools):
        tenant, campaign = f"tenant-{n:03d}", 48213 + n
        burned, reserve = f"sender-a@{tenant}-mail.example", f"reserve@{tenant}-mail.example"
        steps.append(
            pool_step(
                burned,
                tenant,
                f"active in campaign {campaign}",
                f"resting: bounce 6.1 % > 5 % since 2026-12-03; replaced by {reserve} in campaign {campaign}",
                [],
            )
        )
        steps.append(
            pool_step(
                reserve,
                tenant,
                f"reserve for campaign {campaign}: ready",
                f"active: replaces {burned} in campaign {campaign}",
                [campaign],
            )
        )
    return digest(*steps, same=200)


def test_the_comment_for_100_pools_fits_starts_with_the_summary_and_gives_each_reason() -> None:
    text, omitted = render_comment(Preview.of_digest("prod", rotation_digest(100)))

    assert len(text) < GITHUB_COMMENT_LIMIT
    assert text.startswith(f"{MARKER}\n### mailfleet preview for stack `prod`\n\n| create | update |")
    assert "**200 to update** in 100 tenants" in text
    head = text.split("<details")[0]
    assert "**Rotation** (200 mailboxes change pool status):" in head
    assert (
        "- `sender-a@tenant-000-mail.example`: resting: bounce 6.1 % > 5 % since 2026-12-03; "
        "replaced by reserve@tenant-000-mail.example in campaign 48213\n" in head
    )
    assert head.count("\n- `") == 200  # every transition, with its reason
    assert len(head) <= GITHUB_COMMENT_LIMIT // 2 + 400  # the rotation takes at most half
    assert text.rstrip().endswith("</details>")
    assert text.count("- **update** Mailbox") + omitted == 200


def test_a_comment_without_pool_changes_has_no_rotation_section() -> None:
    text, _ = render_comment(Preview.of_digest("ci", digest(step("update", "a@x.example", {}, {}, from_name="update"))))
    assert "Rotation" not in text
    assert rotation_section(()) == ""


def test_the_rotation_section_is_cut_to_half_the_limit() -> None:
    changes = Preview.of_digest("prod", rotation_digest(100)).changed()
    section = rotation_section(changes, limit=4_000)
    assert len(section) <= 2_000
    assert "more; each is in the detail below or the CI log" in section
