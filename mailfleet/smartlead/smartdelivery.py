"""SmartDelivery (Smartlead's placement tests) on its own base URL, with the same key in ``?api_key=``
(forge-instantly.md §5.1): create a manual spam test, read its status, read the per-sender result.

The client is a :class:`~mailfleet.smartlead.client.SmartleadClient` on another base URL: the same pacing (its own
limiter window: another host), retries and redaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mailfleet.smartlead._coerce import as_int, as_str, first, unwrap_object
from mailfleet.smartlead.client import SmartleadClient

DEFAULT_SMARTDELIVERY_URL = "https://smartdelivery.smartlead.ai/api/v1"
PROVIDER_IDS = (20, 21)
"""G Suite and Office365 seed pools, the only ones offered."""
DONE_STATUSES = ("COMPLETED", "FINISHED", "DONE", "STOPPED")


@dataclass(frozen=True)
class SenderPlacement:
    from_email: str
    inbox: int
    spam: int
    total: int

    @property
    def inbox_rate(self) -> float:
        return self.inbox / self.total if self.total else 0.0

    @property
    def spam_rate(self) -> float:
        return self.spam / self.total if self.total else 0.0

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> SenderPlacement:
        inbox = as_int(first(data, "inbox_count", "inbox")) or 0
        spam = as_int(first(data, "spam_count", "spam")) or 0
        return cls(
            from_email=(as_str(first(data, "from_email", "sender_email", "email")) or "").lower(),
            inbox=inbox,
            spam=spam,
            total=as_int(first(data, "total_count", "total")) or inbox + spam,
        )


class SmartDeliveryClient(SmartleadClient):
    def create_manual_test(self, name: str, campaign_id: int, senders: Sequence[str]) -> int:
        body = {
            "test_name": name,
            "description": "mailfleet placement run",
            "campaign_id": int(campaign_id),
            "sender_accounts": list(senders),
            "provider_ids": list(PROVIDER_IDS),
            "spam_filters": ["spam_assassin"],
            "link_checker": True,
            "all_email_sent_without_time_gap": False,
            "min_time_btwn_emails": 1,
            "min_time_unit": "minutes",
            "is_warmup": True,  # otherwise a test "truncates at ~9 %" (live-verified)
        }
        response = self._request("POST", "/spam-test/manual", json=body, idempotent=False)
        data = self._json(response)
        found = as_int(first(unwrap_object(data) or {}, "id", "spamTestId", "spam_test_id"))
        if found is None:
            raise self._unexpected(response, "the created test has no id")
        return found

    def test_status(self, test_id: int) -> str:
        response = self._request("GET", f"/spam-test/{int(test_id)}")
        body = self._json_object(response)
        return (as_str(body.get("status")) or "").upper()

    def sender_results(self, test_id: int) -> list[SenderPlacement]:
        response = self._request("POST", f"/spam-test/report/{int(test_id)}/sender-account-wise", json={})
        rows = self._json_list(response)
        return [self._parse(response, SenderPlacement.from_api, row) for row in rows]
