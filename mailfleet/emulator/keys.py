"""API keys shaped like Smartlead's: a UUID v4, an underscore, 7 lowercase alphanumerics."""

from __future__ import annotations

import re
import secrets
import string
import uuid

API_KEY_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}_[a-z0-9]{7}$")


def new_api_key() -> str:
    suffix = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(7))
    return f"{uuid.uuid4()}_{suffix}"


def looks_like_api_key(value: str) -> bool:
    return API_KEY_PATTERN.match(value) is not None


if __name__ == "__main__":
    print(new_api_key())
