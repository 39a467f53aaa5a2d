"""Property tests: whatever the input, the loader gives clean problem lines or a valid model, nothing else."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailfleet.spec import SpecError, Tenant, load_tenants, validate_directory

from .conftest import VALID_TENANT

LINE = re.compile(r"^(?P<file>[^\n]+):(?P<line>[1-9][0-9]*):(?P<col>[1-9][0-9]*): [^\n]+$")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCHEMA_KEYS = [
    "apiVersion", "tenant", "client", "name", "email", "defaults", "smtp", "imap", "host", "port", "security",
    "warmup", "enabled", "per_day", "rampup", "reply_rate", "sending", "ramp", "on_remove", "mailboxes",
    "from_name", "password", "secret", "env", "tags", "campaigns", "signature", "bcc", "reply_to",
    "time_to_wait_in_mins", "username", "webhooks", "url", "events", "categories", "ramps", "from_day",
    "campaign_min_warmup_days", "health_gate", "<<",
]  # fmt: skip
SCALAR_VALUES = [
    "mailfleet/v1", "acme", "SSL", "TLS", "standard", "retain", "delete", "EMAIL_SENT", "jane@acme.example",
    "https://hooks.acme.example/x", "hunter2", 0, 1, 465, 65536, -1, 50, 101, True, False, None, 1.5, "",
]  # fmt: skip

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
scalars = st.one_of(
    st.sampled_from(SCALAR_VALUES), text, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none()
)
keys = st.one_of(st.sampled_from(SCHEMA_KEYS), text)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=6)),
    max_leaves=30,
)
tenant_like = st.fixed_dictionaries(
    {},
    optional={
        key: documents
        for key in ("apiVersion", "tenant", "client", "defaults", "mailboxes", "webhooks", "ramps", "health_gate")
    },
)


def check(files: dict[str, bytes]) -> list[str]:
    """Validate ``files`` in a fresh directory; assert the contract; return the problem lines."""
    with tempfile.TemporaryDirectory() as name:
        directory = Path(name)
        for file_name, content in files.items():
            (directory / file_name).write_bytes(content)
        problems = validate_directory(directory)
        lines = [str(problem) for problem in problems]
        assert problems == sorted(problems)
        for line in lines:
            match = LINE.match(line)
            assert match, line
            assert len(line.splitlines()) == 1, line
            assert match["file"] in {str(directory / file_name) for file_name in files} | {str(directory)}
        try:
            tenants = load_tenants(directory)
        except SpecError as error:
            assert error.problems == problems
            assert problems
        else:
            assert problems == []
            assert all(isinstance(tenant, Tenant) for tenant in tenants)
        return lines


def _dump(document: Any) -> bytes:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode("utf-8")


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(content: bytes) -> None:
    check({"acme.yaml": content})


@SETTINGS
@given(documents)
def test_arbitrary_yaml_documents(document: Any) -> None:
    check({"acme.yaml": _dump(document)})


@SETTINGS
@given(tenant_like)
def test_tenant_shaped_documents(document: dict[str, Any]) -> None:
    check({"acme.yaml": _dump(document)})


@SETTINGS
@given(st.data())
def test_mutated_valid_file(data: st.DataObject) -> None:
    source = VALID_TENANT.format(name="acme")
    start = data.draw(st.integers(0, len(source)))
    end = data.draw(st.integers(start, min(len(source), start + 40)))
    insert = data.draw(st.one_of(text, st.sampled_from(["\n", ": ", "- ", "{", "[", "&a ", "*a", "!!str ", "'"])))
    lines = check({"acme.yaml": (source[:start] + insert + source[end:]).encode("utf-8")})
    assert all("acme-jane" in source for _ in lines)  # the secret key name may appear; passwords never exist here


@SETTINGS
@given(st.lists(tenant_like, min_size=1, max_size=3))
def test_several_files(documents_: list[dict[str, Any]]) -> None:
    check({f"t{index}.yaml": _dump(document) for index, document in enumerate(documents_)})


def test_valid_variants_produce_models() -> None:
    # a sanity check that the property above can reach the valid branch
    assert check({"acme.yaml": VALID_TENANT.format(name="acme").encode()}) == []
