"""The emulator agrees with the field table: it accepts every write name in the call that writes it, and renders
every readable field where the table says it can be read."""

from __future__ import annotations

import pytest

from mailfleet.emulator import responses
from mailfleet.smartlead.fields import SMARTLEAD_FIELDS, Mapped

from .conftest import Api

BODIES = {"save": responses._SAVE_BODY, "settings": responses._UPDATE_BODY, "warmup": responses._WARMUP_BODY}


@pytest.mark.parametrize("mapped", SMARTLEAD_FIELDS, ids=lambda m: m.key)
def test_each_call_accepts_the_write_name(mapped: Mapped) -> None:
    assert mapped.write in BODIES[mapped.call]
    if mapped.call != "warmup":
        assert mapped.write in responses._SAVE_BODY  # a full save carries every setting


@pytest.mark.parametrize("mapped", [m for m in SMARTLEAD_FIELDS if m.where in ("list", "by_id")], ids=lambda m: m.key)
def test_readable_fields_are_rendered_where_the_table_says(mapped: Mapped, api: Api) -> None:
    account_id = api.create()
    listed = api("GET", "/email-accounts/").json()
    by_id = api("GET", f"/email-accounts/{account_id}/").json()

    def present(row: dict[str, object]) -> bool:
        value: object = row
        for name in mapped.read:
            assert isinstance(value, dict), (mapped.key, name)
            if name not in value:
                return False
            value = value[name]
        return True

    assert present(by_id)
    assert present(listed[0]) == (mapped.where == "list")
