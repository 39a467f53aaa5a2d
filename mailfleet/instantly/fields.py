"""Instantly's half of the mailbox field table (minimal: only what tenant file validation needs).

Helper ``inclient`` owns this module and extends it with the full mapping (write names, read paths, decode);
``UNSUPPORTED`` stays, derived from that mapping's ``unsupported`` rows.
"""

from __future__ import annotations

UNSUPPORTED: frozenset[str] = frozenset({"smtp_security", "imap_security", "bcc", "client_id"})
"""Keys of :data:`mailfleet.fields.FIELDS` that Instantly v2 has no setting for (research §4.2): its create body
has no SMTP/IMAP security mode and no BCC, and its tenancy is the workspace, not a client."""
