from __future__ import annotations

from typing import Any

import pytest
from pulumi.automation.events import DiffKind, OpType, PropertyDiff, StepEventMetadata, StepEventStateMetadata

from mailfleet.reports.changes import (
    SECRET,
    FieldChange,
    changes_from_digest,
    field_changes,
    from_digest_step,
    from_event,
    parse_path,
    redact,
    resource_kind,
)
from tests.reports.conftest import MAILBOX, SIGNED_SECRET, mailbox_inputs, step, update_step, urn


@pytest.mark.parametrize(
    ("path", "parts"),
    [
        ("from_name", ["from_name"]),
        ("tags[1]", ["tags", 1]),
        ("ramp.steps[6][1]", ["ramp", "steps", 6, 1]),
        ('tag_ids["a.b"]', ["tag_ids", "a.b"]),
        ('x["say \\"hi\\""]', ["x", 'say "hi"']),
    ],
)
def test_parse_path_reads_pulumi_property_paths(path: str, parts: list[str | int]) -> None:
    assert parse_path(path) == parts


@pytest.mark.parametrize(
    ("type_", "kind"),
    [
        (MAILBOX, "Mailbox"),
        ("pulumi-python:dynamic/mailfleet:TenantClient", "TenantClient"),
        ("mailfleet:index:Tenant", "Tenant"),
        ("pulumi:providers:pulumi-python", "Provider"),
        ("pulumi:pulumi:Stack", "Stack"),
    ],
)
def test_resource_kind(type_: str, kind: str) -> None:
    assert resource_kind(type_) == kind


def test_redact_masks_marked_secrets_and_secret_named_keys_at_any_depth() -> None:
    value = {"password": "hunter22", "nested": [{"apiKey": "k-123"}, SIGNED_SECRET, "[secret]", "plain"], "n": 3}

    assert redact(value) == {"password": SECRET, "nested": [{"apiKey": SECRET}, SECRET, SECRET, "plain"], "n": 3}


def test_field_changes_take_old_and_new_at_each_path_and_skip_engine_keys() -> None:
    old = {"tags": ["a", "b"], "ramp": {"steps": [[1, 10]]}, "__provider": "x", "password": "p1"}
    new = {"tags": ["a"], "ramp": {"steps": [[1, 12]]}, "__provider": "y", "password": "p2"}
    paths = {"tags[1]": "delete", "ramp.steps[0][1]": "update", "__provider": "update", "password": "update"}

    assert field_changes(paths, old, new) == (
        FieldChange("password", "update", SECRET, SECRET),
        FieldChange("ramp.steps[0][1]", "update", 10, 12),
        FieldChange("tags[1]", "delete", "b", None),
    )


def test_a_digest_update_becomes_one_change_with_field_diffs_and_its_tenant() -> None:
    change = from_digest_step(update_step("jane@a.example", from_name="Jane Smith", password="[secret]"))

    assert (change.kind, change.name, change.op, change.tenant) == ("Mailbox", "jane@a.example", "update", "acme")
    assert change.fields == (
        FieldChange("from_name", "update", "Jane Doe", "Jane Smith"),
        FieldChange("password", "update", SECRET, SECRET),
    )


def test_the_halves_of_a_replacement_fold_into_one_replace() -> None:
    old = mailbox_inputs("a@a.example")
    steps = [
        {**step("create-replacement", "a@a.example", old, {**old, "email": "b"}, email="update-replace")},
        {
            **step("replace", "a@a.example", old, {**old, "email": "b"}, email="update-replace"),
            "replaceReasons": ["email"],
        },
        step("delete-replaced", "a@a.example", old, None),
    ]

    (change,) = changes_from_digest({"steps": steps})

    assert change.op == "replace"
    assert change.replace_keys == ("email",)
    assert [field.path for field in change.fields] == ["email"]


@pytest.mark.parametrize(
    ("policy", "outcome"), [("retain", "retained"), ("suspend", "suspended"), ("delete", "deleted")]
)
def test_a_removed_mailbox_says_what_happens_in_smartlead(policy: str, outcome: str) -> None:
    change = from_digest_step(step("delete", "a@a.example", mailbox_inputs("a@a.example", on_remove=policy), None))

    assert change.removal_outcome == outcome
    assert change.to_json()["in_smartlead"] == outcome


def test_a_digest_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="no list of steps"):
        changes_from_digest({"config": {}})


def state(inputs: dict[str, Any]) -> StepEventStateMetadata:
    return StepEventStateMetadata(
        type=MAILBOX, urn=urn("jane@a.example"), id="7", parent="", provider="", inputs=inputs, outputs=inputs
    )


def test_an_engine_event_with_a_signed_secret_becomes_the_same_model() -> None:
    old = mailbox_inputs("jane@a.example", password=SIGNED_SECRET)
    new = {**old, "from_name": "Janet Hacker"}
    metadata = StepEventMetadata(
        op=OpType.UPDATE,
        urn=urn("jane@a.example"),
        type=MAILBOX,
        provider="",
        old=state(old),
        new=state(new),
        diffs=["from_name", "password"],
        detailed_diff={
            "from_name": PropertyDiff(DiffKind.UPDATE, True),
            "password": PropertyDiff(DiffKind.UPDATE, True),
        },
    )

    change = from_event(metadata)

    assert change.op == "update"
    assert change.fields == (
        FieldChange("from_name", "update", "Jane Doe", "Janet Hacker"),
        FieldChange("password", "update", SECRET, SECRET),
    )
