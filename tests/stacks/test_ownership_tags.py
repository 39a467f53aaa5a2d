"""Ownership tags: one stable, valid stack tag name per client email."""

from __future__ import annotations

import re

from mailfleet.stacks.ownership import client_tag


def test_tag_names_are_stable_short_and_case_blind() -> None:
    tag = client_tag("Ops@Acme.example ")
    assert tag == client_tag("ops@acme.example")
    assert len(tag) <= 40 and re.fullmatch(r"[A-Za-z0-9:._-]+", tag)
    assert client_tag("ops@globex.example") != tag
