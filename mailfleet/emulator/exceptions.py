"""Domain errors raised by the models. ``responses.py`` maps each to the status and body the real endpoint
uses (they differ per endpoint: a missing account is 404 on GET, 400 on suspend, and so on)."""

from __future__ import annotations

from typing import Any


class EmulatorError(Exception):
    """Base of the emulator's domain errors."""


class NotFound(EmulatorError):
    def __init__(self, kind: str, ident: Any = None) -> None:
        super().__init__(f"{kind} not found")
        self.kind = kind
        self.ident = ident


class AlreadyExists(EmulatorError):
    def __init__(self, kind: str, code: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.code = code
        self.message = message


class VerificationFailed(EmulatorError):
    """SMTP/IMAP login failed on save (406 ACCOUNT_VERIFICATION_FAILED)."""

    def __init__(self, which: str) -> None:
        super().__init__(f"{which} verification failed")
        self.which = which


class Rejected(EmulatorError):
    """A business rule refused the request (400 ``{ok:false, message}`` unless mapped otherwise)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class Invalid(EmulatorError):
    """A Joi/celebrate validation failure."""

    def __init__(self, source: str, key: str | None, message: str) -> None:
        super().__init__(message)
        self.source = source
        self.key = key
        self.message = message

    def body(self) -> dict[str, Any]:
        """celebrate's default error envelope."""
        return {
            "statusCode": 400,
            "error": "Bad Request",
            "message": "Validation failed",
            "validation": {
                self.source: {
                    "source": self.source,
                    "keys": [] if self.key is None else [self.key],
                    "message": self.message,
                }
            },
        }


class RangeError(EmulatorError):
    """The new docs' 422 ``{"error": "..."}`` (limit over 100, strict warmup ranges)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
