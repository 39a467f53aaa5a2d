"""SmartDelivery HTTP: parse, call :mod:`.models`, render in the shapes live callers read (forge-instantly.md §5.1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mailfleet.emulator.models import Backend, User
from mailfleet.emulator.smartdelivery import models
from mailfleet.emulator.validation import F, validate

Result = tuple[int, Any]
_CREATE = {
    "test_name": F("str", required=True),
    "description": F("str"),
    "campaign_id": F("int", required=True),
    "sequence_mapping_id": F("int"),
    "sender_accounts": F("array", required=True, items=F("email")),
    "provider_ids": F("array", items=F("int")),
    "spam_filters": F("array", items=F("str")),
    "link_checker": F("bool"),
    "all_email_sent_without_time_gap": F("bool"),
    "min_time_btwn_emails": F("int"),
    "min_time_unit": F("str"),
    "is_warmup": F("bool"),
}


def create_manual(backend: Backend, user: User, params: dict[str, str], body: Any) -> Result:
    fields = validate(_CREATE, body)
    test = models.create_test(backend, user, fields["test_name"], fields["campaign_id"], fields["sender_accounts"])
    return 200, {"ok": True, "data": {"id": test.id, "spamTestId": test.id}}


def get_test(backend: Backend, user: User, params: dict[str, str], body: Any) -> Result:
    test = models.read_test(backend, user, int(params["id"]))
    end = test.created_at if test.status == "COMPLETED" else None
    return 200, {"id": test.id, "test_name": test.name, "status": test.status, "test_end_date": end}


def sender_account_wise(backend: Backend, user: User, params: dict[str, str], body: Any) -> Result:
    test = models.sender_results(backend, user, int(params["id"]))
    return 200, {
        "ok": True,
        "data": [
            {
                "from_email": r["from_email"],
                "inbox_count": r["inbox"],
                "spam_count": r["spam"],
                "total_count": r["total"],
                "inbox_percentage": f"{round(100 * r['inbox'] / r['total'])}%",
            }
            for r in test.results
        ],
    }


HANDLERS: dict[str, Callable[[Backend, User, dict[str, str], Any], Result]] = {
    "create_manual": create_manual,
    "get_test": get_test,
    "sender_account_wise": sender_account_wise,
}
