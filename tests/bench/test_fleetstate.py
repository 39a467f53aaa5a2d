"""Cloning a stack's state for another group of tenants: names, ids and URNs change, opaque values do not."""

from __future__ import annotations

from typing import Any

from bench.fleetstate import _rename, _stack_renamer, _walk


def test_a_resource_is_renamed_for_the_other_tenants_and_its_ids_remapped() -> None:
    names, indices = {"t0000": "t0050"}, {0: 50}

    def rename(text: str) -> str:
        return _rename(text, names, indices)

    resource: dict[str, Any] = {
        "urn": "urn:pulumi:g000::mailfleet::mailfleet:index:Tenant$pulumi-python:dynamic/mailfleet:Mailbox::"
        "box002@t0000-mail.example",
        "id": "100002",
        "inputs": {
            "email": "box002@t0000-mail.example",
            "smtp_host": "smtp.t0000-mail.example",
            "from_name": "Sender 0-2",
            "tenant": "t0000",
            "client_id": 5002,
            "password": {"ciphertext": "v1:abc:t0000-x.t0000"},
            "__provider": "gASt0000.",
        },
        "outputs": {"account_id": 100002, "members": [100002, 100003], "smtp_port": 465},
        "parent": "urn:pulumi:g000::mailfleet::mailfleet:index:Tenant::t0000",
    }
    ids = {100002: 120002, 100003: 120003, 5002: 6002}
    cloned = _walk(resource, _stack_renamer("g000", "g005", rename), ids)

    assert cloned["urn"].startswith("urn:pulumi:g005::") and cloned["urn"].endswith("::box002@t0050-mail.example")
    assert cloned["id"] == "120002" and cloned["parent"].endswith("Tenant::t0050")
    assert cloned["inputs"]["email"] == "box002@t0050-mail.example"
    assert cloned["inputs"]["smtp_host"] == "smtp.t0050-mail.example"
    assert (cloned["inputs"]["from_name"], cloned["inputs"]["tenant"]) == ("Sender 50-2", "t0050")
    assert cloned["inputs"]["client_id"] == 6002
    assert cloned["inputs"]["password"] == resource["inputs"]["password"]  # ciphertexts are opaque
    assert cloned["inputs"]["__provider"] == "gASt0000."
    assert cloned["outputs"] == {"account_id": 120002, "members": [120002, 120003], "smtp_port": 465}
    assert _rename("Tenant 0", names, indices) == "Tenant 50"
