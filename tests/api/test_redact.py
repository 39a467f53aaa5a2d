"""What the shared redaction adds for header-borne credentials."""

from __future__ import annotations

import httpx

from mailfleet.api.redact import MASK, redact_headers, scrub


def test_bearer_tokens_are_masked_in_text() -> None:
    assert scrub("sent Authorization: Bearer abc.def-123 to the API") == f"sent Authorization: Bearer {MASK} to the API"


def test_credential_headers_are_masked() -> None:
    headers = httpx.Headers({"Authorization": "Bearer zzz-unknown-token", "x-as-workspace": "ws-1", "Accept": "a/b"})
    assert redact_headers(headers) == {"authorization": MASK, "x-as-workspace": "ws-1", "accept": "a/b"}
    assert redact_headers({"X-Api-Key": "k-123456", "Cookie": "s=1"}) == {"X-Api-Key": MASK, "Cookie": MASK}
