"""Load and validate a directory of tenant files.

Every problem of every file is reported in one run, each with the file, line and column of the offending key
or value. Nothing in a file's content can make this module raise anything but :class:`SpecError`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, cast

from mailfleet.fields import DECLARED_FIELDS, declared_settings
from mailfleet.spec import checkcache
from mailfleet.spec.backends import backend_of, check_backend
from mailfleet.spec.errors import Problem, SpecError
from mailfleet.spec.messages import findings_for as _findings_for
from mailfleet.spec.messages import path_text, show, suggest
from mailfleet.spec.model import (
    ClientSpec,
    DnsSettings,
    InstantlyWorkspace,
    Location,
    Mailbox,
    OnRemove,
    Ramp,
    RampStep,
    SecretKind,
    SecretRef,
    Tenant,
    Webhook,
    campaign_id,
)
from mailfleet.spec.pools import build_pools, check_pools
from mailfleet.spec.ramps import BUILTIN_RAMPS, STANDARD_RAMP_NAME, WARMUP_COMPLETE_DAYS
from mailfleet.spec.schema import validator
from mailfleet.spec.yamlpos import MISSING, JsonPath, Mark, Parsed, parse, position_of

#: Largest tenant file read, in bytes.
MAX_FILE_BYTES = 1024 * 1024
SUFFIXES = (".yaml", ".yml")

DEFAULT_ON_REMOVE: OnRemove = "retain"
SECRET_FIELDS = tuple(f for f in DECLARED_FIELDS if f.secret)
WORKSPACE_KEY_PATH: JsonPath = ("workspace", "api_key")
_RAMP_NAME = re.compile(r"[a-z][a-z0-9-]{0,62}")
_SECRET_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")


@dataclass
class TenantFile:
    """One tenant file as read: where it is, its data with positions, and whether it is worth validating."""

    display: str
    source: Path
    parsed: Parsed

    @property
    def stem(self) -> str:
        """The file's name without its suffix: the tenant name it must declare."""
        return self.source.name.rsplit(".", 1)[0]

    @property
    def data(self) -> dict[str, Any] | None:
        value = self.parsed.value
        return value if isinstance(value, dict) and not self.parsed.fatal else None

    def mark(self, path: JsonPath, *, key: bool = False) -> Mark:
        """Position of the key (``key=True``) or value at ``path``; the nearest enclosing value if unknown."""
        if key and path in self.parsed.keys:
            return self.parsed.keys[path]
        while path not in self.parsed.values and path:
            path = path[:-1]
        return self.parsed.values.get(path, (1, 1))

    def location(self, path: JsonPath, *, key: bool = False) -> Location:
        line, col = self.mark(path, key=key)
        return Location(self.display, line, col)

    def problem(self, path: JsonPath, message: str, *, key: bool = False) -> Problem:
        line, col = self.mark(path, key=key)
        return Problem(self.display, line, col, message)


@dataclass
class Checked:
    """The result of validating a directory: every problem, and the files that were read."""

    problems: list[Problem]
    files: list[TenantFile]

    @property
    def mailbox_count(self) -> int:
        return sum(len(_list(file.data, "mailboxes")) for file in self.files if file.data is not None)


# ----------------------------------------------------------------------------------------------- reading


def _display_dir(directory: Path | str) -> PurePath:
    return PurePath(directory)


def _whole(display: str, source: Path, message: str, line: int = 1, col: int = 1) -> tuple[TenantFile, list[Problem]]:
    """A file that cannot be read as YAML at all: one problem for all of it."""
    return TenantFile(display, source, Parsed(MISSING, fatal=True)), [Problem(display, line, col, message)]


def _read_and_check(display: str, source: Path) -> tuple[TenantFile, list[Problem]]:
    """The file read and parsed, with the problems of its own (every check but the secrets a stack holds and the
    rules across files); from the cache when the same bytes were checked before by the same code."""
    try:
        with source.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return _whole(display, source, f"cannot read the file: {error.strerror or type(error).__name__}")
    if len(raw) > MAX_FILE_BYTES:
        return _whole(
            display, source, f"file is larger than {MAX_FILE_BYTES // 1024} KiB: a tenant file is a few KiB of YAML"
        )
    key = checkcache.entry_key(display, raw)
    cached = checkcache.load(key)
    if isinstance(cached, tuple) and len(cached) == 2 and isinstance(cached[0], Parsed):
        return TenantFile(display, source, cached[0]), list(cached[1])
    tenant_file, problems = _parse(display, source, raw)
    data = tenant_file.data
    if data is not None:  # only a mapping is kept: the MISSING of an unparsed file is a singleton pickle would copy
        problems += _check_file(tenant_file, data)
        checkcache.store(key, (tenant_file.parsed, problems))
    return tenant_file, problems


def _parse(display: str, source: Path, raw: bytes) -> tuple[TenantFile, list[Problem]]:
    def whole(message: str, line: int = 1, col: int = 1) -> tuple[TenantFile, list[Problem]]:
        return _whole(display, source, message, line, col)

    if b"\x00" in raw:
        return whole("binary file, not YAML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        col = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        byte = raw[error.start]
        return whole(f"not UTF-8 text (byte 0x{byte:02x}): save the file as UTF-8", line, col)
    parsed = parse(text)
    tenant_file = TenantFile(display, source, parsed)
    problems = [Problem(display, line, col, message) for (line, col), message in parsed.problems]
    value = parsed.value
    if value is MISSING and not parsed.fatal:
        problems.append(Problem(display, 1, 1, "empty file: expected a tenant (apiVersion, tenant, client, mailboxes)"))
        parsed.fatal = True
    elif not parsed.fatal and not isinstance(value, dict):
        line, col = parsed.values.get((), position_of(text, 0))
        what = "an empty document" if value is None else "a list" if isinstance(value, list) else show(value)
        problems.append(
            Problem(display, line, col, f"a tenant file must be a mapping (apiVersion, tenant, ...), not {what}")
        )
        parsed.fatal = True
    return tenant_file, problems


# ----------------------------------------------------------------------------------------------- checking


def _dict(value: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, dict) else {}


def _list(value: Any, *keys: str) -> list[Any]:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, list) else []


def _at(value: Any, path: JsonPath) -> Any:
    """The value at ``path`` (mapping keys and list indexes); None where the file has none."""
    for part in path:
        if isinstance(part, int):
            value = value[part] if isinstance(value, list) and part < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
    return value


def _mailboxes(data: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    for index, mailbox in enumerate(_list(data, "mailboxes")):
        if isinstance(mailbox, dict):
            yield index, mailbox


def _check_schema(file: TenantFile, data: dict[str, Any]) -> list[Problem]:
    problems = []
    for error in validator().iter_errors(data):
        for finding in _findings_for(error, file.mark):
            problems.append(file.problem(finding.path, finding.message, key=finding.on_key))
    return problems


def _declared_ramps(data: dict[str, Any]) -> set[str]:
    return {name for name in _dict(data, "ramps") if _RAMP_NAME.fullmatch(name) and name != STANDARD_RAMP_NAME}


def _check_ramps(file: TenantFile, data: dict[str, Any]) -> list[Problem]:
    problems = []
    for name, steps in _dict(data, "ramps").items():
        if not isinstance(steps, list):
            continue
        previous: int | None = None
        for index, step in enumerate(steps):
            day = step.get("from_day") if isinstance(step, dict) else None
            if not isinstance(day, int) or isinstance(day, bool):
                previous = None
                continue
            path: JsonPath = ("ramps", name, index, "from_day")
            if index == 0 and day != 1:
                problems.append(file.problem(path, f"{path_text(path)}: the first step must have from_day 1"))
            elif previous is not None and day <= previous:
                problems.append(
                    file.problem(
                        path,
                        f"{path_text(path)}: must be greater than the previous step's from_day {previous}",
                    )
                )
            previous = day
    known = _declared_ramps(data) | set(BUILTIN_RAMPS)
    uses: list[tuple[JsonPath, Any]] = [
        (("defaults", "sending", "ramp"), _dict(data, "defaults", "sending").get("ramp"))
    ]
    for index, mailbox in _mailboxes(data):
        uses.append((("mailboxes", index, "sending", "ramp"), _dict(mailbox, "sending").get("ramp")))
    for use_path, name in uses:
        if isinstance(name, str) and _RAMP_NAME.fullmatch(name) and name not in known:
            problems.append(
                file.problem(
                    use_path,
                    f"{path_text(use_path)}: unknown ramp {show(name)}{suggest(name, known)}: "
                    f"use {', '.join(repr(k) for k in sorted(known))} or declare it under ramps",
                )
            )
    return problems


def _check_endpoints(file: TenantFile, data: dict[str, Any]) -> list[Problem]:
    problems = []
    for index, mailbox in _mailboxes(data):
        for section in ("smtp", "imap"):
            merged = {**_dict(data, "defaults", section), **_dict(mailbox, section)}
            for key in ("host", "port"):
                if key not in merged:
                    problems.append(
                        file.problem(
                            ("mailboxes", index),
                            f"mailboxes[{index}]: no {section} {key}: "
                            f"set defaults.{section}.{key} or {section}.{key} on this mailbox",
                        )
                    )
    return problems


def _check_dns_domains(file: TenantFile, data: dict[str, Any]) -> list[Problem]:
    """A domain under ``dns.domains`` must be the domain of one of the tenant's mailboxes (a typo would do nothing)."""
    used = {str(m.get("email", "")).rpartition("@")[2].lower() for _, m in _mailboxes(data)}
    problems = []
    for domain in _dict(data, "dns", "domains"):
        if domain.lower() not in used:
            problems.append(
                file.problem(
                    ("dns", "domains", domain),
                    f"dns.domains: {show(domain)} is not the domain of any mailbox of this tenant"
                    + (f" ({', '.join(sorted(used))})" if used else ""),
                )
            )
    return problems


def _secret_paths(data: dict[str, Any]) -> Iterator[tuple[JsonPath, str]]:
    """Every secret reference of a file: its path, and what the secret is (for the fix)."""
    for index, _ in _mailboxes(data):
        for f in SECRET_FIELDS:
            if f.spec_path is not None:
                yield ("mailboxes", index, *f.spec_path), "the password"
    yield WORKSPACE_KEY_PATH, "the workspace's Instantly API key"


def _check_secrets(file: TenantFile, data: dict[str, Any], known: Collection[str]) -> list[Problem]:
    problems = []
    short = {key.rsplit(":", 1)[-1] for key in known}
    for ref_path, what in _secret_paths(data):
        ref = _at(data, ref_path)
        key = ref.get("secret") if isinstance(ref, dict) else None
        if isinstance(key, str) and _SECRET_KEY.fullmatch(key) and key not in known and key not in short:
            path: JsonPath = (*ref_path, "secret")
            problems.append(
                file.problem(
                    path,
                    f"{path_text(path)}: the stack has no secret {key!r}: "
                    f"run pulumi config set --secret {key} (and give {what})",
                )
            )
    return problems


# Fields that may span lines; every other string is a name, an address or a host, on one line.
_MULTILINE_KEYS = {"signature"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_MULTILINE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _check_control_characters(file: TenantFile, value: Any, path: JsonPath = ()) -> list[Problem]:
    """Control characters written as YAML escapes ("\\x1b", "\\a") in names reach Smartlead, headers and terminals."""
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _check_control_characters(file, item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _check_control_characters(file, item, (*path, index))]
    if not isinstance(value, str):
        return []
    pattern = _MULTILINE_CONTROL if path and path[-1] in _MULTILINE_KEYS else _CONTROL
    bad = pattern.search(value)
    if bad is None:
        return []
    return [file.problem(path, f"{path_text(path)}: control character U+{ord(bad.group()):04X} is not allowed here")]


def _check_file(file: TenantFile, data: dict[str, Any]) -> list[Problem]:
    """Every check of one file that depends on nothing but its content."""
    problems = _check_schema(file, data)
    problems += _check_control_characters(file, data)
    tenant = data.get("tenant")
    stem = file.stem
    if isinstance(tenant, str) and tenant != stem:
        problems.append(
            file.problem(
                ("tenant",),
                f"tenant: {show(tenant)} does not match the file name {file.source.name!r}: "
                f"rename the file to '{tenant}.yaml' or write tenant: {stem}",
            )
        )
    problems += check_backend(file, data)
    problems += _check_ramps(file, data)
    problems += _check_endpoints(file, data)
    problems += _check_dns_domains(file, data)
    problems += check_pools(file, data)
    places: dict[str, list[tuple[int, Location]]] = {}
    for index, webhook in enumerate(_list(data, "webhooks")):
        name = webhook.get("name") if isinstance(webhook, dict) else None
        if isinstance(name, str):
            places.setdefault(name, []).append((index, file.location(("webhooks", index, "name"))))
    for name, where in places.items():
        for index, here in where:
            if len(where) > 1:
                others = ", ".join(str(loc) for _, loc in where if loc != here)
                problems.append(
                    file.problem(
                        ("webhooks", index, "name"),
                        f"webhooks[{index}].name: duplicate webhook {show(name)}: also declared at {others}",
                    )
                )
    return problems


def _duplicates(places_by_value: dict[str, list[tuple[TenantFile, JsonPath]]], what: str) -> list[Problem]:
    """One problem per place of a value declared more than once, naming the other places."""
    problems = []
    for value, places in places_by_value.items():
        if len(places) < 2:
            continue
        for file, path in places:
            here = file.location(path)
            others = ", ".join(str(loc) for loc in (f.location(p) for f, p in places) if loc != here)
            message = f"{path_text(path)}: duplicate {what} {value}: also declared at {others}"
            problems.append(file.problem(path, message))
    return problems


def _check_across(files: list[TenantFile], problems_so_far: list[Problem]) -> list[Problem]:
    emails: dict[str, list[tuple[TenantFile, JsonPath]]] = {}
    for file in files:
        data = file.data
        if data is None:
            continue
        for index, mailbox in _mailboxes(data):
            email = mailbox.get("email")
            if isinstance(email, str):
                emails.setdefault(email.lower(), []).append((file, ("mailboxes", index, "email")))
    problems = _duplicates(emails, "mailbox")
    stems: dict[str, TenantFile] = {}
    for file in files:
        stem = file.stem
        if stem in stems:
            problems.append(
                Problem(file.display, 1, 1, f"tenant {stem!r} also has the file {stems[stem].display}: keep one")
            )
        else:
            stems[stem] = file
    # A Smartlead client is found by its email: two tenants naming one client would share it, and each other's
    # mailboxes. Compared among files with no problem of their own (a broken copy of a file says enough).
    broken = {problem.file for problem in [*problems_so_far, *problems]}
    clients: dict[str, list[tuple[TenantFile, JsonPath]]] = {}
    for file in files:
        client_email = _dict(file.data, "client").get("email")
        if file.display not in broken and isinstance(client_email, str):
            clients.setdefault(client_email.strip().lower(), []).append((file, ("client", "email")))
    problems += _duplicates(clients, "client email")
    # Likewise an Instantly workspace: two tenants in one would list, and delete, each other's mailboxes.
    workspaces: dict[str, list[tuple[TenantFile, JsonPath]]] = {}
    for file in files:
        workspace_id = _dict(file.data, "workspace").get("id")
        if file.display not in broken and isinstance(workspace_id, str):
            workspaces.setdefault(workspace_id.lower(), []).append((file, ("workspace", "id")))
    problems += _duplicates(workspaces, "workspace")
    return problems


def tenant_file_names(directory: Path) -> list[str]:
    """The tenant files directly in ``directory`` (``*.yaml``, ``*.yml``, not hidden), sorted; raises OSError."""
    return sorted(
        entry.name
        for entry in directory.iterdir()
        if entry.name.endswith(SUFFIXES) and not entry.name.startswith(".") and entry.is_file()
    )


def check_directory(
    directory: Path | str,
    *,
    known_secrets: Collection[str] | None = None,
    secrets_of: Collection[str] | None = None,
) -> Checked:
    """Read and check every tenant file (``*.yaml``, ``*.yml``) directly in ``directory``.

    ``secrets_of``: the tenant names (file stems) whose secret references are checked against ``known_secrets``
    (default: every file's); a stack that declares some tenants holds only their secrets."""
    shown = _display_dir(directory)
    root = Path(directory)
    try:
        names = tenant_file_names(root)
    except NotADirectoryError:
        return Checked([Problem(str(shown), 1, 1, "not a directory: give the directory of tenant files")], [])
    except FileNotFoundError:
        return Checked([Problem(str(shown), 1, 1, "no such directory")], [])
    except OSError as error:
        return Checked([Problem(str(shown), 1, 1, f"cannot read the directory: {error.strerror}")], [])
    if not names:
        return Checked([Problem(str(shown), 1, 1, "no tenant files (*.yaml) in this directory")], [])
    problems: list[Problem] = []
    files = []
    for name in names:
        tenant_file, found = _read_and_check(str(shown / name), root / name)
        files.append(tenant_file)
        problems += found
        data = tenant_file.data
        if data is not None and known_secrets is not None and (secrets_of is None or tenant_file.stem in secrets_of):
            problems += _check_secrets(tenant_file, data, known_secrets)
    problems += _check_across(files, problems)
    return Checked(sorted({_one_line(problem) for problem in problems}), files)


# Line breaks and every other control character (C0, DEL, C1), escaped: a message quotes user text (file names
# included), and an escape sequence in it must not reach the terminal, nor a line break split one problem in two.
_LINE_BREAKS = str.maketrans(
    {
        **{chr(code): f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))},
        "\t": "\\t",
        "\n": "\\n",
        "\r": "\\r",
        "\x0b": "\\v",
        "\x0c": "\\f",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def _one_line(problem: Problem) -> Problem:
    """The problem with every line break and control character escaped, so it prints as one harmless line."""
    file, message = problem.file.translate(_LINE_BREAKS), problem.message.translate(_LINE_BREAKS)
    if (file, message) == (problem.file, problem.message):
        return problem
    return Problem(file, problem.line, problem.col, message)


def validate_directory(directory: Path | str, *, known_secrets: Collection[str] | None = None) -> list[Problem]:
    """Every problem in the tenant files of ``directory``, sorted; empty when all are valid.

    ``known_secrets``: the secret config keys the stack holds (``KEY`` or ``project:KEY``); when given, a
    ``{secret: KEY}`` the stack does not hold is a problem.
    """
    return check_directory(directory, known_secrets=known_secrets).problems


# ----------------------------------------------------------------------------------------------- the model


def _ramp(name: str, steps: list[dict[str, Any]]) -> Ramp:
    return Ramp(name, tuple(RampStep(int(step["from_day"]), int(step["per_day"])) for step in steps))


def _secret_ref(value: Any) -> SecretRef:
    kind, name = next(iter(value.items()))
    return SecretRef(cast(SecretKind, kind), str(name))


def _tenant(file: TenantFile, data: dict[str, Any]) -> Tenant:
    defaults = _dict(data, "defaults")
    ramps = dict(BUILTIN_RAMPS)
    ramps.update({name: _ramp(name, steps) for name, steps in _dict(data, "ramps").items()})
    default_ramp = _dict(defaults, "sending").get("ramp", STANDARD_RAMP_NAME)
    on_remove: OnRemove = defaults.get("on_remove", DEFAULT_ON_REMOVE)
    mailboxes = []
    for index, raw in _mailboxes(data):
        email = str(raw["email"]).lower()
        mailboxes.append(
            Mailbox(
                email=email,
                settings=declared_settings(raw, defaults, email, _secret_ref),
                ramp=ramps[_dict(raw, "sending").get("ramp", default_ramp)],
                on_remove=raw.get("on_remove", on_remove),
                tags=tuple(str(tag) for tag in _list(raw, "tags")),
                campaigns=tuple(c for c in map(campaign_id, _list(raw, "campaigns")) if c is not None),
                location=file.location(("mailboxes", index)),
            )
        )
    webhooks = tuple(
        Webhook(
            name=str(hook["name"]),
            url=str(hook["url"]),
            events=tuple(str(event) for event in hook["events"]),
            categories=tuple(str(category) for category in hook.get("categories", [])),
            location=file.location(("webhooks", index)),
        )
        for index, hook in enumerate(_list(data, "webhooks"))
    )
    client = _dict(data, "client")
    return Tenant(
        name=str(data["tenant"]),
        client=ClientSpec(name=str(client["name"]), email=str(client["email"])) if client else None,
        mailboxes=tuple(mailboxes),
        webhooks=webhooks,
        on_remove=on_remove,
        campaign_min_warmup_days=int(data.get("campaign_min_warmup_days", WARMUP_COMPLETE_DAYS)),
        health_gate=bool(data.get("health_gate", True)),
        source=file.source,
        location=file.location(()),
        dns=_dns(data.get("dns", True)),
        pools=build_pools(file, data),
        backend=backend_of(data),
        workspace=_workspace(file, data),
    )


def _workspace(file: TenantFile, data: dict[str, Any]) -> InstantlyWorkspace | None:
    workspace = _dict(data, "workspace")
    if not workspace:
        return None
    return InstantlyWorkspace(
        id=str(workspace["id"]).lower() if "id" in workspace else None,
        api_key=_secret_ref(workspace["api_key"]) if "api_key" in workspace else None,
        location=file.location(("workspace",)),
    )


def _selectors(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value or ())


def _dns(value: Any) -> DnsSettings:
    if not isinstance(value, dict):
        return DnsSettings(enabled=bool(value))
    domains = _dict(value, "domains")
    return DnsSettings(
        enabled=True,
        dkim_selectors=_selectors(value.get("dkim_selector")),
        domains=tuple(sorted((d.lower(), _selectors(_dict(domains, d).get("dkim_selector"))) for d in domains)),
    )


def load_tenants(
    directory: Path | str,
    *,
    known_secrets: Collection[str] | None = None,
    secrets_of: Collection[str] | None = None,
    only: Collection[str] | None = None,
) -> list[Tenant]:
    """The tenants of ``directory``, sorted by file name, defaults merged into every mailbox.

    Raises :class:`SpecError` carrying every problem when any file is invalid (as
    :func:`validate_directory` finds them). ``only``: the tenant names (file stems) to return; every file is still
    checked, but a stack of a big fleet builds the model of its own tenants only.
    """
    checked = check_directory(directory, known_secrets=known_secrets, secrets_of=secrets_of)
    if checked.problems:
        raise SpecError(checked.problems)
    wanted = None if only is None else set(only)
    tenants = []
    for file in checked.files:
        data = file.data
        assert data is not None  # no problems: every file parsed to a mapping
        if wanted is not None and file.stem not in wanted:
            continue
        tenants.append(_tenant(file, data))
    return tenants
