"""The shared error tree's status mapping, and the names the Smartlead client has always raised."""

from __future__ import annotations

import pytest

from mailfleet.api import errors
from mailfleet.errors import MailfleetError
from mailfleet.smartlead import errors as smartlead_errors


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, errors.RequestValidationError),
        (401, errors.AuthenticationError),
        (402, errors.PaymentRequiredError),
        (403, errors.AccessDeniedError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (413, errors.RequestValidationError),
        (422, errors.RequestValidationError),
        (429, errors.RateLimitedError),
        (500, errors.ServerError),
        (524, errors.ServerError),
        (418, errors.APIError),
    ],
)
def test_each_status_has_its_class(status: int, kind: type[errors.APIError]) -> None:
    error = errors.error_for_status(status, "GET", "https://vendor.test/x", "{}", detail="why")
    assert type(error) is kind and error.status == status
    assert f"HTTP {status} (why)" in str(error)


def test_smartlead_names_are_the_same_classes() -> None:
    assert smartlead_errors.SmartleadError is errors.ServiceError
    assert issubclass(errors.ServiceError, MailfleetError)
    for name in ("APIError", "NotFoundError", "TransportError", "ConflictError", "PaymentRequiredError"):
        assert getattr(smartlead_errors, name) is getattr(errors, name)


def test_smartlead_maps_402_and_409_to_the_new_classes_keeping_its_own_cases() -> None:
    assert type(smartlead_errors.error_for_status(402, "GET", "u", "")) is errors.PaymentRequiredError
    assert type(smartlead_errors.error_for_status(409, "GET", "u", "")) is errors.ConflictError
    assert (
        type(smartlead_errors.error_for_status(400, "GET", "u", "ACCOUNT_ALREADY_EXIST")) is errors.AlreadyExistsError
    )
