"""DNS authentication of each mailbox domain, with dnspython: MX, SPF (covering the SMTP host), DKIM, DMARC.

Per domain, each check is ``pass``, ``warn``, ``fail`` or ``unknown``:
- ``mx``: the domain has an MX record (fail: ``no record for D``);
- ``spf``: one ``v=spf1`` record whose mechanisms (``ip4``, ``ip6``, ``a``, ``mx``, ``include``, ``redirect``) cover
  an address of the mailbox's SMTP host (fail: no record, several records, or not covered);
- ``dkim``: a key (``p=``) at ``<selector>._domainkey.D`` for the selector declared in the tenant file
  (``dns.dkim_selector``, per tenant or per domain; fail when it has none), else for one of the common selectors
  (warn when none has one: declare the selector);
- ``dmarc``: ``_dmarc.D``, else (inherited) ``_dmarc.<organisational domain>`` (the last two labels): fail with no
  record, warn for ``p=none``.
A timeout or SERVFAIL makes a check ``unknown``: never failing, and it does not change the mailbox's class.

Resolver: ``MAILFLEET_DNS_NAMESERVERS=IP:PORT,...`` or stack config ``mailfleet:dnsNameservers`` (same format); else
the system resolver. With the system resolver, names under the special-use TLDs (``.example``, ``.test``,
``.invalid``, ``.localhost``: RFC 2606 / 6761) are never asked: they exist on no public server, so the demo (all
``*.example``) asks nothing outside this machine and shows DNS as ``skipped``.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dns.exception
import dns.resolver

from mailfleet.errors import SetupError
from mailfleet.health.assess import DnsCheck, DomainAuth, ManagedMailbox
from mailfleet.spec.model import DnsSettings

NAMESERVERS_VARIABLE = "MAILFLEET_DNS_NAMESERVERS"
NAMESERVERS_CONFIG_KEY = "dnsNameservers"
RESERVED_TLDS = ("example", "test", "invalid", "localhost")
COMMON_SELECTORS = ("default", "google", "selector1", "selector2", "k1", "s1", "s2", "dkim", "mail")
TIMEOUT_SECONDS = 3.0
MAX_SPF_LOOKUPS = 10
TRANSIENT = (dns.exception.Timeout, dns.resolver.NoNameservers, dns.resolver.YXDOMAIN)
ABSENT = (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer)


class Transient(Exception):
    """A lookup that could not be answered now (timeout, SERVFAIL)."""


def parse_nameservers(text: str) -> list[tuple[str, int]]:
    """``"127.0.0.1:5353,[::1]:53,10.0.0.2"`` → [(address, port)]; raises SetupError on a bad entry."""
    found = []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        host, port = raw, "53"
        if raw.startswith("["):
            host, _, rest = raw[1:].partition("]")
            port = rest.removeprefix(":") or "53"
        elif raw.count(":") == 1:
            host, port = raw.split(":")
        try:
            ipaddress.ip_address(host)
            number = int(port)
            if not 0 < number < 65536:
                raise ValueError
        except ValueError:
            raise SetupError(f"DNS nameserver {raw!r} is not IP or IP:PORT (e.g. 127.0.0.1:5353)") from None
        found.append((host, number))
    if not found:
        raise SetupError("DNS nameservers are set but empty; write IP:PORT,... or unset them")
    return found


class Lookup:
    """dnspython, on the configured nameservers or the system's. Answers are cached for one run."""

    def __init__(self, nameservers: Sequence[tuple[str, int]] | None) -> None:
        self.configured = bool(nameservers)
        if nameservers:
            self._resolver = dns.resolver.Resolver(configure=False)
            self._resolver.nameservers = [host for host, _ in nameservers]
            self._resolver.nameserver_ports = {host: port for host, port in nameservers}
        else:
            self._resolver = dns.resolver.Resolver()
        self._resolver.timeout = TIMEOUT_SECONDS
        self._resolver.lifetime = TIMEOUT_SECONDS
        self._cache: dict[tuple[str, str], list[str] | Exception] = {}

    def records(self, name: str, kind: str) -> list[str]:
        """Text of each record (TXT strings joined); empty when there is none. Raises Transient."""
        key = (name.lower().rstrip("."), kind)
        if key not in self._cache:
            try:
                answer = self._resolver.resolve(key[0] + ".", kind, search=False, raise_on_no_answer=True)
                self._cache[key] = [_text(r, kind) for r in answer]
            except ABSENT:
                self._cache[key] = []
            except TRANSIENT as error:
                self._cache[key] = Transient(f"{type(error).__name__}")
        found = self._cache[key]
        if isinstance(found, Exception):
            raise Transient(str(found))
        return found

    def addresses(self, name: str) -> list[str]:
        return self.records(name, "A") + self.records(name, "AAAA")


def _text(rdata: Any, kind: str) -> str:
    if kind == "TXT":
        return b"".join(rdata.strings).decode("utf-8", "replace")
    if kind == "MX":
        return str(rdata.exchange).rstrip(".")
    return str(rdata)


def organisational_domain(domain: str) -> str:
    labels = domain.split(".")
    return ".".join(labels[-2:])


def check_mx(lookup: Lookup, domain: str) -> DnsCheck:
    def run() -> DnsCheck:
        if lookup.records(domain, "MX"):
            return DnsCheck("mx", "pass", "ok")
        return DnsCheck("mx", "fail", f"no record for {domain}")

    return _guard("mx", run)


def check_spf(lookup: Lookup, domain: str, smtp_host: str | None) -> DnsCheck:
    def run() -> DnsCheck:
        records = [r for r in lookup.records(domain, "TXT") if r.lower().startswith("v=spf1")]
        if not records:
            return DnsCheck("spf", "fail", f"no record for {domain}")
        if len(records) > 1:
            return DnsCheck("spf", "fail", f"{len(records)} records for {domain} (one allowed)")
        if not smtp_host:
            return DnsCheck("spf", "unknown", "no SMTP host to check against")
        ips = lookup.addresses(smtp_host)
        if not ips:
            return DnsCheck("spf", "unknown", f"SMTP host {smtp_host} has no address")
        budget = [MAX_SPF_LOOKUPS]
        if all(_spf_covers(lookup, domain, ipaddress.ip_address(ip), budget) for ip in ips):
            return DnsCheck("spf", "pass", f"covers {smtp_host}")
        return DnsCheck("spf", "fail", f"does not cover {smtp_host} for {domain}")

    return _guard("spf", run)


def _spf_covers(lookup: Lookup, domain: str, ip: Any, budget: list[int]) -> bool:
    records = [r for r in lookup.records(domain, "TXT") if r.lower().startswith("v=spf1")]
    if len(records) != 1:
        return False
    redirect = None
    for term in records[0].split()[1:]:
        qualifier = term[0] if term[0] in "+-~?" else "+"
        body = term[1:] if term[0] in "+-~?" else term
        name, _, value = body.partition(":")
        if body.lower().startswith("redirect="):
            redirect = body.split("=", 1)[1]
            continue
        matched = _mechanism(lookup, name.lower(), value or domain, ip, budget, has_value=bool(value))
        if matched:
            return qualifier == "+"
    if redirect and budget[0] > 0:
        budget[0] -= 1
        return _spf_covers(lookup, redirect, ip, budget)
    return False


def _mechanism(lookup: Lookup, name: str, target: str, ip: Any, budget: list[int], *, has_value: bool) -> bool:
    target, _, length = target.partition("/")
    if name == "all":
        return True
    if name in ("ip4", "ip6"):
        return _in(ip, target, length)
    if name in ("a", "mx", "include") and budget[0] > 0:
        budget[0] -= 1
        if name == "include":
            return _spf_covers(lookup, target, ip, budget)
        hosts = lookup.records(target, "MX") if name == "mx" else [target]
        return any(_in(ip, address, length) for host in hosts for address in lookup.addresses(host))
    return False


def _in(ip: Any, address: str, length: str) -> bool:
    """``ip`` is ``address`` or in ``address/length``."""
    try:
        return ip in ipaddress.ip_network(f"{address}/{length}" if length else address, strict=False)
    except ValueError:
        return False


def check_dkim(lookup: Lookup, domain: str, declared: Sequence[str]) -> DnsCheck:
    def run() -> DnsCheck:
        selectors = list(declared) or list(COMMON_SELECTORS)
        unknown = None
        for selector in selectors:
            try:
                keys = lookup.records(f"{selector}._domainkey.{domain}", "TXT")
            except Transient as error:
                unknown = error
                continue
            if any(_dkim_key(k) for k in keys):
                return DnsCheck("dkim", "pass", f"key at selector {selector}")
        if unknown is not None:
            raise unknown
        if declared:
            return DnsCheck("dkim", "fail", f"no key for selector {', '.join(declared)} at {domain}")
        return DnsCheck("dkim", "warn", f"no key at common selectors for {domain} (declare dns.dkim_selector)")

    return _guard("dkim", run)


def _dkim_key(record: str) -> bool:
    tags = dict(part.strip().partition("=")[::2] for part in record.split(";") if "=" in part)
    return bool(tags.get("p", "").strip())


def check_dmarc(lookup: Lookup, domain: str) -> DnsCheck:
    def run() -> DnsCheck:
        for name, inherited in ((domain, False), (organisational_domain(domain), True)):
            records = [r for r in lookup.records(f"_dmarc.{name}", "TXT") if r.lower().startswith("v=dmarc1")]
            if records:
                tags = {k.strip().lower(): v.strip() for k, _, v in (p.partition("=") for p in records[0].split(";"))}
                policy = tags.get("sp", "") if inherited and "sp" in tags else tags.get("p", "")
                policy = policy.lower()
                where = f" (from {name})" if inherited else ""
                if policy in ("quarantine", "reject"):
                    return DnsCheck("dmarc", "pass", f"p={policy}{where}")
                return DnsCheck("dmarc", "warn", f"p={policy or 'missing'} for {domain}{where}")
            if name == organisational_domain(domain):
                break
        return DnsCheck("dmarc", "fail", f"no record for {domain}")

    return _guard("dmarc", run)


def _guard(name: str, run: Callable[[], DnsCheck]) -> DnsCheck:
    try:
        return run()
    except Transient as error:
        return DnsCheck(name, "unknown", f"lookup failed ({error}): try again later")


def check_domain(lookup: Lookup, domain: str, smtp_host: str | None, selectors: Sequence[str]) -> DomainAuth:
    if "." not in domain:
        return DomainAuth(domain, (), skipped="not a domain name")
    if not lookup.configured and domain.rsplit(".", 1)[-1] in RESERVED_TLDS:
        return DomainAuth(domain, (), skipped="reserved name, not asked of the system resolver")
    return DomainAuth(
        domain,
        (
            check_mx(lookup, domain),
            check_spf(lookup, domain, smtp_host),
            check_dkim(lookup, domain, selectors),
            check_dmarc(lookup, domain),
        ),
    )


@dataclass(frozen=True)
class DnsChecker:
    """Checks each mailbox domain once, with the tenants' ``dns:`` settings."""

    lookup: Lookup
    tenants: Mapping[str, DnsSettings]

    def __call__(self, targets: Sequence[tuple[ManagedMailbox, str | None]]) -> dict[str, DomainAuth]:
        found: dict[str, DomainAuth] = {}
        for mailbox, smtp_host in targets:
            settings = self.tenants.get(mailbox.tenant, DnsSettings())
            domain = mailbox.domain
            if domain in found:
                continue
            if not settings.enabled:
                found[domain] = DomainAuth(domain, (), skipped="dns: false in the tenant file")
                continue
            found[domain] = check_domain(self.lookup, domain, smtp_host, settings.selectors_for(domain))
        return found


def checker_from_settings(config: Mapping[str, str], specs_dir: Path) -> DnsChecker:
    """The resolver from ``$MAILFLEET_DNS_NAMESERVERS`` or ``mailfleet:dnsNameservers``; per-tenant settings from
    the tenant files (none when the directory does not exist)."""
    raw = os.environ.get(NAMESERVERS_VARIABLE) or config.get(NAMESERVERS_CONFIG_KEY)
    nameservers = parse_nameservers(raw) if raw else None
    tenants: dict[str, DnsSettings] = {}
    if specs_dir.is_dir():
        from mailfleet.spec import load_tenants

        tenants = {t.name: t.dns for t in load_tenants(specs_dir)}
    return DnsChecker(Lookup(nameservers), tenants)
