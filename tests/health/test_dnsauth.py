"""DNS authentication against a real DNS server (NSD) on loopback, serving a zone the test writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.errors import SetupError
from mailfleet.health.assess import Evidence, ManagedMailbox, assess
from mailfleet.health.dnsauth import DnsChecker, Lookup, check_domain, parse_nameservers
from mailfleet.health.thresholds import HealthClass
from mailfleet.spec.model import DnsSettings
from tests.health._nsd import nsd_server
from tests.health._support import TODAY, mailbox, stats

GOOD = [
    "@ IN MX 10 mx.good.example.",
    "mx IN A 192.0.2.20",
    "smtp IN A 192.0.2.10",
    '@ IN TXT "v=spf1 include:_spf.good.example -all"',
    '_spf IN TXT "v=spf1 a:smtp.good.example ip4:198.51.100.0/24 -all"',
    's1._domainkey IN TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"',
    '_dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:d@good.example"',
]
NO_DMARC = [
    "@ IN MX 10 mx.acme-mail.example.",
    "smtp IN A 192.0.2.30",
    '@ IN TXT "v=spf1 ip4:192.0.2.30 -all"',
    'default._domainkey IN TXT "v=DKIM1; p=MIGf"',
]
WEAK = [
    "@ IN MX 10 mx.weak.example.",
    "smtp IN A 192.0.2.40",
    '@ IN TXT "v=spf1 ip4:203.0.113.1 -all"',
    '_dmarc IN TXT "v=DMARC1; p=none"',
]


@pytest.fixture(scope="module")
def lookup(tmp_path_factory: pytest.TempPathFactory):
    zones = {"good.example": GOOD, "acme-mail.example": NO_DMARC, "weak.example": WEAK}
    with nsd_server(tmp_path_factory.mktemp("nsd"), zones, servfail=["broken.example"]) as server:
        yield Lookup(parse_nameservers(server.nameservers))


def statuses(auth) -> dict[str, str]:
    return {c.name: c.status for c in auth.checks}


def test_a_domain_that_passes_every_check(lookup: Lookup) -> None:
    auth = check_domain(lookup, "good.example", "smtp.good.example", ("s1",))
    assert statuses(auth) == {"mx": "pass", "spf": "pass", "dkim": "pass", "dmarc": "pass"}
    assert auth.status == "pass" and auth.findings() == []


def test_dmarc_is_inherited_from_the_organisational_domain(lookup: Lookup) -> None:
    auth = check_domain(lookup, "mail.good.example", "smtp.good.example", ("s1",))
    dmarc = next(c for c in auth.checks if c.name == "dmarc")
    assert dmarc.status == "pass" and "from good.example" in dmarc.detail


def test_no_dmarc_record_makes_the_mailboxes_critical_naming_the_record(lookup: Lookup, tmp_path: Path) -> None:
    checker = DnsChecker(lookup, {"acme": DnsSettings()})
    jane = ManagedMailbox("acme", "jane@acme-mail.example", 1)
    auth = checker([(jane, "smtp.acme-mail.example")])["acme-mail.example"]
    assert statuses(auth) == {"mx": "pass", "spf": "pass", "dkim": "pass", "dmarc": "fail"}
    result = assess(mailbox("jane@acme-mail.example"), Evidence(stats=stats([0.98] * 7), dns=auth), TODAY)
    assert result.health is HealthClass.CRITICAL
    assert result.verdict.reason == "dmarc: no record for acme-mail.example"


def test_spf_that_misses_the_smtp_host_and_weak_policies(lookup: Lookup) -> None:
    auth = check_domain(lookup, "weak.example", "smtp.weak.example", ())
    assert statuses(auth) == {"mx": "pass", "spf": "fail", "dkim": "warn", "dmarc": "warn"}
    assert next(f.text for f in auth.findings()) == "spf: does not cover smtp.weak.example for weak.example"


def test_a_declared_selector_without_a_key_fails(lookup: Lookup) -> None:
    auth = check_domain(lookup, "good.example", "smtp.good.example", ("google",))
    assert statuses(auth)["dkim"] == "fail"


def test_servfail_makes_the_result_unknown_and_the_class_unchanged(lookup: Lookup) -> None:
    auth = check_domain(lookup, "broken.example", "smtp.broken.example", ())
    assert set(statuses(auth).values()) == {"unknown"}
    assert auth.status == "unknown" and auth.findings() == []
    result = assess(mailbox("a@broken.example"), Evidence(stats=stats([0.98] * 7), dns=auth), TODAY)
    assert result.health is HealthClass.HEALTHY


def test_dns_false_and_reserved_names_with_the_system_resolver_ask_nothing() -> None:
    system = Lookup(None)
    checker = DnsChecker(system, {"off": DnsSettings(enabled=False)})
    found = checker(
        [(ManagedMailbox("off", "a@real-looking.com", 1), None), (ManagedMailbox("on", "b@acme.example", 2), None)]
    )
    assert found["real-looking.com"].skipped == "dns: false in the tenant file"
    assert found["acme.example"].skipped and found["acme.example"].status == "skipped"
    assert system._cache == {}


def test_nameserver_setting() -> None:
    assert parse_nameservers("127.0.0.1:5353, [::1]:53,10.0.0.2") == [
        ("127.0.0.1", 5353),
        ("::1", 53),
        ("10.0.0.2", 53),
    ]
    with pytest.raises(SetupError, match="not IP or IP:PORT"):
        parse_nameservers("ns.example:53")
