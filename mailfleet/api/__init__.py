"""The HTTP plumbing every vendor client shares (Smartlead, Instantly); nothing here knows a vendor's routes.

Modules, one job each:
- ``transport``   the I/O seam: the credential added at the last moment, :class:`RequestRecord`, httpx failures.
- ``errors``      the error tree, rooted at :class:`ServiceError` (see that module's docstring).
- ``retry``       which failures are retried, and the backoff.
- ``ratelimit``   pacing over one or more sliding windows, shared by clients, threads and (SQLite, PostgreSQL)
                  processes.
- ``redact``      keeps keys, tokens and passwords out of messages, logs, headers and reprs.
"""
