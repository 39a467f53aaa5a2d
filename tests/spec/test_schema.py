"""The JSON Schema file itself."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mailfleet.fields import DECLARED_FIELDS, EMAIL_DEFAULT, REQUIRED, SECTIONS, Field
from mailfleet.fields import FIELDS as FIELDS_BY_KEY
from mailfleet.spec import loader
from mailfleet.spec.schema import is_email, is_http_url, load_schema, schema_path, schema_text, validator

from .conftest import REPO


def _schemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema with its JSON pointer."""
    if isinstance(node, dict):
        yield path, node
        for key in ("properties", "$defs"):
            for name, child in node.get(key, {}).items():
                yield from _schemas(child, f"{path}/{key}/{name}")
        for key in ("items", "additionalProperties", "propertyNames", "not"):
            if isinstance(node.get(key), dict):
                yield from _schemas(node[key], f"{path}/{key}")


def test_schema_is_valid_2020_12() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_schema_file_is_the_checkout_copy() -> None:
    assert schema_path() == REPO / "specs" / "tenant.schema.json"
    assert json.loads(schema_text()) == load_schema()


def test_every_property_is_described() -> None:
    for pointer, schema in _schemas(load_schema()):
        for name, child in schema.get("properties", {}).items():
            assert "description" in child, f"{pointer}/properties/{name}"


def test_objects_are_closed() -> None:
    for pointer, schema in _schemas(load_schema()):
        if schema.get("type") == "object" and "properties" in schema:
            assert schema.get("additionalProperties") is False, pointer


def test_patterns_have_hints() -> None:
    for pointer, schema in _schemas(load_schema()):
        if "pattern" in schema:
            assert "x-hint" in schema, pointer


def _mailbox_property(path: tuple[str, ...]) -> dict[str, Any]:
    """The schema of a mailbox setting at ``path``, following ``$ref``s."""
    schema = load_schema()
    node: dict[str, Any] = schema["$defs"]["mailbox"]
    for key in path:
        node = node["properties"][key]
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#/").split("/")
            target: Any = schema
            for part in pointer:
                target = target[part]
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


_JSON_TYPES = {"str": "string", "int": "integer", "bool": "boolean"}


@pytest.mark.parametrize("field", DECLARED_FIELDS, ids=lambda f: f.key)
def test_schema_agrees_with_the_field_table(field: Field) -> None:
    """Every declared field of the table is in the schema, with the table's type and default."""
    assert field.spec_path is not None
    node = _mailbox_property(field.spec_path)
    if field.secret:
        assert node["properties"].keys() == {"secret", "env"}
    elif "enum" in node:
        assert all(isinstance(choice, str) for choice in node["enum"]), field.key
    else:
        assert node["type"] == _JSON_TYPES[field.kind], field.key
    if field.default in (None, REQUIRED, EMAIL_DEFAULT):
        assert "default" not in node, field.key
    else:
        assert node["default"] == field.default, field.key
    if field.section is not None:
        # ``defaults`` has the same section, so the key merges into every mailbox.
        defaults = load_schema()["properties"]["defaults"]["properties"][field.section]
        mailbox = load_schema()["$defs"]["mailbox"]["properties"][field.section]
        assert defaults["$ref"] == mailbox["$ref"], field.key


def test_every_mailbox_setting_is_in_the_field_table() -> None:
    """The reverse direction: a schema mailbox key is a table field, a section of them, or mailfleet's own intent."""
    intent = {"email", "tags", "campaigns", "sending", "on_remove"}
    table = {f.spec_path[0] for f in DECLARED_FIELDS if f.spec_path}
    mailbox_keys = set(load_schema()["$defs"]["mailbox"]["properties"])
    assert mailbox_keys - intent == table
    for section in SECTIONS:
        keys = set(_mailbox_property((section,))["properties"])
        assert keys == {f.spec_path[1] for f in DECLARED_FIELDS if f.section == section and f.spec_path}, section


def test_other_defaults_match_the_loader() -> None:
    defs = load_schema()["$defs"]
    assert defs["on_remove"]["default"] == loader.DEFAULT_ON_REMOVE
    assert defs["sending"]["properties"]["ramp"]["default"] == "standard"
    top = load_schema()["properties"]
    assert top["campaign_min_warmup_days"]["default"] == 30
    assert top["health_gate"]["default"] is True


def test_ranges() -> None:
    defs = load_schema()["$defs"]
    port = defs["endpoint"]["properties"]["port"]
    assert (port["minimum"], port["maximum"]) == (1, 65535)
    warmup = defs["warmup"]["properties"]
    assert (warmup["per_day"]["minimum"], warmup["per_day"]["maximum"]) == (1, 50)
    assert (warmup["rampup"]["minimum"], warmup["rampup"]["maximum"]) == (1, 20)
    assert (warmup["reply_rate"]["minimum"], warmup["reply_rate"]["maximum"]) == (0, 100)


def test_webhook_events_are_the_real_smartlead_list() -> None:
    events = set(load_schema()["$defs"]["smartlead_event"]["enum"])
    assert {"EMAIL_SENT", "EMAIL_OPEN", "EMAIL_LINK_CLICK", "EMAIL_REPLY", "EMAIL_BOUNCE"} <= events
    assert not events & {"EMAIL_OPENED", "EMAIL_REPLIED", "EMAIL_BOUNCED", "LEAD_REPLIED", "SENT", "OPENED"}


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("jane@acme.example", True),
        ("jane.doe+x@mail.acme-corp.example", True),
        ("jane@acme", False),
        ("jane@@acme.example", False),
        (".jane@acme.example", False),
        ("ja..ne@acme.example", False),
        ("jane doe@acme.example", False),
        ("jane@-acme.example", False),
        ("", False),
    ],
)
def test_email_format(value: str, ok: bool) -> None:
    assert is_email(value) is ok
    assert validator().is_valid({"client": {"name": "x", "email": value}}) is False  # other keys are missing
    errors = [e for e in validator().iter_errors({"client": {"name": "x", "email": value}}) if e.validator == "format"]
    assert bool(errors) is not ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("https://hooks.acme.example/smartlead", True),
        ("http://localhost:8080/x?y=1", True),
        ("ftp://hooks.acme.example", False),
        ("hooks.acme.example/x", False),
        ("https://", False),
        ("https://hooks acme.example", False),
        ("https://hooks.acme.example:99999/", False),
    ],
)
def test_url_format(value: str, ok: bool) -> None:
    assert is_http_url(value) is ok


def test_pool_defaults_match_the_model() -> None:
    from mailfleet.pools.nights import LOOKBACK_NIGHTS
    from mailfleet.spec.model import DEFAULT_AFTER_RECOVERY, DEFAULT_READMIT_AFTER

    pool = load_schema()["$defs"]["pool"]["properties"]
    assert pool["readmit_after"]["default"] == DEFAULT_READMIT_AFTER
    assert pool["after_recovery"]["default"] == DEFAULT_AFTER_RECOVERY
    # The report carries LOOKBACK_NIGHTS nights: a longer probation could never end.
    assert pool["readmit_after"]["maximum"] == LOOKBACK_NIGHTS


def test_a_rest_level_is_in_a_ramp_steps_range() -> None:
    defs = load_schema()["$defs"]
    rest = defs["pool"]["properties"]["rest_per_day"]
    step = defs["ramp"]["items"]["properties"]["per_day"]
    assert (rest["minimum"], rest["maximum"]) == (step["minimum"], step["maximum"])


def _branch(name: str) -> dict[str, Any]:
    (conditional,) = load_schema()["allOf"]
    assert conditional["if"] == {"properties": {"backend": {"const": "instantly"}}, "required": ["backend"]}
    branch: dict[str, Any] = conditional[name]
    return branch


def test_backend_agrees_with_the_model() -> None:
    from mailfleet.spec.backends import BACKENDS
    from mailfleet.spec.model import DEFAULT_BACKEND

    backend = load_schema()["properties"]["backend"]
    assert tuple(backend["enum"]) == BACKENDS
    assert backend["default"] == DEFAULT_BACKEND
    assert "client" not in load_schema()["required"]  # required per backend, below
    assert _branch("then")["required"] == ["workspace"]
    assert _branch("else")["required"] == ["client"]


def test_workspace_agrees_with_the_model() -> None:
    import dataclasses

    from mailfleet.spec.model import InstantlyWorkspace

    workspace = load_schema()["$defs"]["workspace"]
    names = {f.name for f in dataclasses.fields(InstantlyWorkspace)} - {"location"}
    assert set(workspace["properties"]) == names
    assert (workspace["minProperties"], workspace["maxProperties"]) == (1, 1)  # exactly one of id / api_key
    assert workspace["properties"]["api_key"]["$ref"] == "#/$defs/secret_ref"
    assert load_schema()["properties"]["workspace"]["$ref"] == "#/$defs/workspace"


def test_campaigns_and_events_follow_the_backend() -> None:
    defs = load_schema()["$defs"]
    by_branch = {"then": "instantly", "else": "smartlead"}
    for branch, backend in by_branch.items():
        campaign, event = f"{backend}_campaign", f"{backend}_event"
        properties = _branch(branch)["properties"]
        mailbox = properties["mailboxes"]["items"]["properties"]
        assert mailbox["campaigns"]["items"] == {"$ref": f"#/$defs/{campaign}"}
        assert properties["pools"]["items"]["properties"]["campaign"] == {"$ref": f"#/$defs/{campaign}"}
        events = properties["webhooks"]["items"]["properties"]["events"]
        assert events["items"] == {"$ref": f"#/$defs/{event}"}
        assert event in defs and campaign in defs
    assert _branch("then")["properties"]["webhooks"]["items"]["properties"]["events"]["maxItems"] == 1
    instantly = set(defs["instantly_event"]["enum"])
    assert {"all_events", "email_sent", "reply_received", "email_link_clicked", "lead_interested"} <= instantly
    assert "link_clicked" not in instantly  # the payload's name; the subscription is email_link_clicked


def test_instantly_rampup_is_within_the_common_range() -> None:
    from mailfleet.instantly.fields import WARMUP_INCREMENT_MAX

    defs = load_schema()["$defs"]
    assert defs["instantly_rampup"]["maximum"] == WARMUP_INCREMENT_MAX
    then = _branch("then")["properties"]
    for where in (then["defaults"]["properties"], then["mailboxes"]["items"]["properties"]):
        assert where["warmup"]["properties"]["rampup"] == {"$ref": "#/$defs/instantly_rampup"}
    assert defs["instantly_rampup"]["maximum"] == 4 <= defs["warmup"]["properties"]["rampup"]["maximum"]


def test_instantly_unsupported_fields_are_schema_fields() -> None:
    """The keys Instantly refuses exist in the schema (so the refusal, not "unknown key", is what a user sees)."""
    from mailfleet.spec.backends import UNSUPPORTED

    for backend, keys in UNSUPPORTED.items():
        for key in keys:
            field = FIELDS_BY_KEY[key]
            if field.spec_path is not None:
                assert _mailbox_property(field.spec_path), (backend, key)
