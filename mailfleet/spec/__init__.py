"""Tenant files: the JSON Schema, loading with positions, validation and the typed model.

Public API (others code against it)::

    from mailfleet.spec import load_tenants, validate_directory, Problem, SpecError

- ``load_tenants(directory, *, known_secrets=None) -> list[Tenant]``: raises :class:`SpecError`
  carrying every problem.
- ``validate_directory(directory, *, known_secrets=None) -> list[Problem]``: every problem, sorted.
- ``Problem(file, line, col, message)``: ``str()`` is ``FILE:LINE:COL: message``.
"""

from mailfleet.spec.errors import Problem, SpecError
from mailfleet.spec.loader import load_tenants, validate_directory
from mailfleet.spec.model import (
    ClientSpec,
    Location,
    Mailbox,
    Ramp,
    RampStep,
    SecretRef,
    Tenant,
    Webhook,
)
from mailfleet.spec.ramps import BUILTIN_RAMPS, STANDARD

__all__ = [
    "BUILTIN_RAMPS",
    "STANDARD",
    "ClientSpec",
    "Location",
    "Mailbox",
    "Problem",
    "Ramp",
    "RampStep",
    "SecretRef",
    "SpecError",
    "Tenant",
    "Webhook",
    "load_tenants",
    "validate_directory",
]
