"""The Instantly API v2 client, Instantly's half of the field table, and its pacing.

Modules, one job each:
- ``client``   :class:`InstantlyClient`, every endpoint mailfleet uses (the transport is the one I/O seam).
- ``models``   pydantic read models, tolerant of unknown keys, never holding a password.
- ``fields``   Instantly's half of :data:`mailfleet.fields.FIELDS`: write paths, read paths, what it cannot honour.
- ``errors``   ``{statusCode, error, message}`` to the shared tree (:mod:`mailfleet.api.errors`); job errors.
- ``pacing``   100 requests a second and 6,000 a minute per workspace, self-paced.
"""
