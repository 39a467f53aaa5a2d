"""mailfleet: Smartlead mailbox fleets as code.

Package map (one job per module or subpackage):
- ``mailfleet.spec``       tenant YAML files: schema, loading with positions, typed model, validation, export.
- ``mailfleet.smartlead``  the Smartlead API client (httpx): models, rate limiting, retries, redaction.
- ``mailfleet.emulator``   a local Smartlead-compatible server (models / responses / urls, as in moto).
- ``mailfleet.workspace``  where the Pulumi CLI, state and settings live; the Automation API wiring.
- ``mailfleet.langhost``   the ``python`` language runtime for the Pulumi CLI, when none is installed.
- ``mailfleet.cli``        the ``mailfleet`` command.

Errors: every error mailfleet raises on purpose derives from :class:`mailfleet.errors.MailfleetError`.
"""

__version__ = "0.1.0"
