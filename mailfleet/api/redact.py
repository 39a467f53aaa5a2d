"""Keep secrets (the API key, mailbox passwords) out of every message, log line and repr.

The client registers each secret it handles with :data:`REDACTOR`; everything that turns a URL, a
response body or an exception into text passes it through :func:`scrub` first. On top of the exact
secrets, a few patterns catch credentials we were never told about (an ``api_key=`` query value, a
JSON ``"password"`` field echoed back by a failed save, anything shaped like a Smartlead key, the token of an
``Authorization: Bearer`` header). :func:`redact_headers` masks credential headers wherever headers are shown.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping

import httpx

__all__ = [
    "MASK",
    "REDACTOR",
    "RedactingFilter",
    "Redactor",
    "install_log_filter",
    "redact_headers",
    "redact_url",
    "register_secret",
    "scrub",
]

MASK = "***"

# Query values: api_key=..., apiKey=..., password=... up to the next separator.
_QUERY_SECRET = re.compile(r"(?i)\b(api_?key|password|imap_password)=([^&\s\"'#]+)")
# JSON string fields whose values are credentials, as a failed save may echo them back.
_JSON_SECRET = re.compile(
    r"(?i)(\"(?:api_?key|password|imap_password|token|access_token|refresh_token|secret_key)\"\s*:\s*)"
    r"\"(?:[^\"\\]|\\.)*\""
)
# Smartlead key shape: UUID v4, underscore, 7 lowercase alphanumerics (research §1).
_KEY_SHAPE = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_[a-z0-9]{7}\b", re.IGNORECASE)
# An Authorization header value quoted in text: "Bearer <token>".
_BEARER = re.compile(r"(?i)\b(bearer)\s+[^\s\"',;]+")
# Header names whose values are credentials, whatever the vendor.
CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "cookie", "set-cookie", "proxy-authorization"})
# Shorter strings than this are not registered: masking "a" everywhere would garble messages.
_MIN_SECRET_LENGTH = 4


class Redactor:
    """A thread-safe set of known secrets plus credential patterns; :meth:`scrub` masks both."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= _MIN_SECRET_LENGTH:
            with self._lock:
                self._secrets.add(secret)

    def __contains__(self, secret: object) -> bool:
        with self._lock:
            return secret in self._secrets

    def scrub(self, text: str, extra: Iterable[str] = ()) -> str:
        with self._lock:
            # Longest first, so a secret containing another is masked whole.
            known = sorted(self._secrets, key=len, reverse=True)
        for secret in sorted((s for s in extra if s and len(s) >= _MIN_SECRET_LENGTH), key=len, reverse=True):
            text = text.replace(secret, MASK)
        for secret in known:
            text = text.replace(secret, MASK)
        text = _QUERY_SECRET.sub(lambda m: f"{m.group(1)}={MASK}", text)
        text = _JSON_SECRET.sub(lambda m: f'{m.group(1)}"{MASK}"', text)
        text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
        return _KEY_SHAPE.sub(MASK, text)

    def __repr__(self) -> str:
        with self._lock:
            return f"<Redactor secrets={len(self._secrets)}>"


#: The process-wide redactor: secrets registered here are masked in every log record and error.
REDACTOR = Redactor()


def register_secret(secret: str | None) -> None:
    """Remember a secret so that it is masked everywhere from now on."""
    REDACTOR.add(secret)


def scrub(text: str, extra: Iterable[str] = ()) -> str:
    """Mask registered secrets, ``extra`` secrets and credential patterns in ``text``."""
    return REDACTOR.scrub(text, extra)


def redact_url(url: str | httpx.URL) -> str:
    """The URL as text with the ``api_key`` query value (and any other known secret) replaced by ``***``."""
    parsed = httpx.URL(str(url))
    if parsed.params:
        params = [(k, MASK if k.lower() in {"api_key", "apikey"} else v) for k, v in parsed.params.multi_items()]
        parsed = parsed.copy_with(params=params)
    # httpx percent-encodes the mask; show it plainly.
    return scrub(str(parsed).replace("%2A%2A%2A", MASK))


def redact_headers(headers: httpx.Headers | Mapping[str, str]) -> dict[str, str]:
    """The headers as a plain dict with every credential header's value replaced by ``***``."""
    items = headers.multi_items() if isinstance(headers, httpx.Headers) else list(headers.items())
    return {name: MASK if name.lower() in CREDENTIAL_HEADERS else scrub(value) for name, value in items}


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with secrets masked; never drops a record."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self._redactor = redactor or REDACTOR

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._redactor.scrub(message)
        if cleaned != message or record.args:
            # Freeze the formatted, scrubbed text so handlers cannot re-render the raw args.
            record.msg = cleaned
            record.args = None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = self._redactor.scrub(logging.Formatter().formatException(record.exc_info))
        return True


_installed_lock = threading.Lock()


LOGGERS = ("mailfleet.api", "mailfleet.smartlead", "mailfleet.instantly", "httpx", "httpcore")
"""Every logger that may format a request: the vendor clients', the shared plumbing's, httpx's."""


def install_log_filter(logger_names: Iterable[str] = LOGGERS) -> None:
    """Attach one :class:`RedactingFilter` to each named logger (idempotent).

    Logger filters see only records created on that very logger, so each logger that may format a
    URL gets its own. httpx and httpcore are included as defence in depth: the clients already keep
    the key out of the URLs and headers they see.
    """
    with _installed_lock:
        for name in logger_names:
            logger = logging.getLogger(name)
            if not any(isinstance(f, RedactingFilter) for f in logger.filters):
                logger.addFilter(RedactingFilter())
