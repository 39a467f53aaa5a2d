"""Which Pulumi stack manages which tenant: ``stacks.yaml`` at the top of the project.

The default is one stack per tenant file, named after the tenant (``specs/tenants/acme.yaml`` -> stack ``acme``).
``stacks:`` groups tenants instead: ``{local: [acme, globex]}`` keeps a small fleet on one stack. A tenant is in
exactly one stack: the mapping is also how ownership of a tenant's Smartlead client is known (see
:func:`owner_of`), with no service beyond the repository. ``config:`` holds the non-secret ``mailfleet:`` settings
every stack gets when mailfleet creates or configures it (``mailfleet stacks configure``). ``account:`` names the
one stack that declares the account-wide things of ``specs/account.yaml`` (:mod:`mailfleet.spec.account`); a stack
it names that holds no tenant is a stack of its own. Without it, a project of one stack has that stack declare them,
and a project of several declares none (the program refuses an account file with webhooks then).

A project without ``stacks.yaml`` keeps the old behaviour: any stack holds every tenant (one stack for the fleet).

Errors point at ``stacks.yaml:LINE:COL`` like the tenant files' do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailfleet.spec.errors import Problem, SpecError
from mailfleet.spec.messages import path_text, show, suggest
from mailfleet.spec.yamlpos import JsonPath, Parsed, parse

STACKS_FILE = "stacks.yaml"
API_VERSION = "mailfleet/v1"
# Pulumi's stack name characters; tenant names (lowercase, digits, '-') always qualify.
_STACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_CONFIG_KEY = re.compile(r"^mailfleet:[A-Za-z][A-Za-z0-9]*$")
# Secrets never go in this file: they are set from the environment or with `pulumi config set --secret`.
_SECRET_KEYS = frozenset({"mailfleet:apiKey"})
_TOP_KEYS = ("apiVersion", "stacks", "config", "account")


@dataclass(frozen=True)
class StackMap:
    """Every stack with its tenants (sorted), and the config every stack shares. ``source`` is None without a file:
    then :attr:`single` is True and whatever stack runs holds every tenant."""

    stacks: Mapping[str, tuple[str, ...]]
    config: Mapping[str, str] = field(default_factory=dict)
    source: Path | None = None
    account: str | None = None
    """The stack ``account:`` names, as written (None: not given)."""

    @property
    def single(self) -> bool:
        return self.source is None

    @property
    def account_stack(self) -> str | None:
        """The stack that declares the account-wide things: ``account:``, else the only stack, else None. Without
        ``stacks.yaml`` whatever stack runs ("*")."""
        if self.account is not None:
            return self.account
        if self.single:
            return "*"
        return next(iter(self.stacks)) if len(self.stacks) == 1 else None

    def declares_account(self, stack: str) -> bool:
        owner = self.account_stack
        return owner == "*" or owner == stack

    def owner_of(self, tenant: str) -> str | None:
        return next((stack for stack, tenants in self.stacks.items() if tenant in tenants), None)

    def tenants_of(self, stack: str) -> tuple[str, ...]:
        """The tenants ``stack`` declares. Without ``stacks.yaml``: all of them."""
        if self.single:
            return tuple(sorted({t for tenants in self.stacks.values() for t in tenants}))
        return self.stacks.get(stack, ())

    def stacks_for(self, tenants: Iterable[str]) -> list[str]:
        """The stacks holding any of ``tenants``, sorted."""
        wanted = set(tenants)
        return sorted(stack for stack, held in self.stacks.items() if wanted & set(held))


def _problem(display: str, parsed: Parsed, path: JsonPath, message: str, *, key: bool = False) -> Problem:
    marks = parsed.keys if key else parsed.values
    probe = path
    while probe not in marks and probe:
        probe = probe[:-1]
    line, col = marks.get(probe, parsed.values.get(probe, (1, 1)))
    return Problem(display, line, col, f"{path_text(path)}: {message}" if path else message)


Groups = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class ParsedStackMap:
    groups: Groups
    config: dict[str, str]
    account: str | None = None


def parse_stack_map(text: str, display: str, tenants: Sequence[str]) -> ParsedStackMap:
    """The groups, shared config and account stack of a ``stacks.yaml`` text; every problem at once as a
    :class:`SpecError`."""
    parsed = parse(text)
    problems = [Problem(display, line, col, message) for (line, col), message in parsed.problems]
    if parsed.fatal:
        raise SpecError(problems)
    data: Any = parsed.value
    if not isinstance(data, dict):
        raise SpecError([*problems, Problem(display, 1, 1, "expected a mapping with apiVersion, stacks and config")])
    for key in data:
        if key not in _TOP_KEYS:
            problems.append(
                _problem(
                    display,
                    parsed,
                    (key,),
                    f"unknown key{suggest(key, _TOP_KEYS)}; expected one of {', '.join(_TOP_KEYS)}",
                    key=True,
                )
            )
    if data.get("apiVersion") != API_VERSION:
        problems.append(
            _problem(display, parsed, ("apiVersion",), f"must be {API_VERSION}, not {show(data.get('apiVersion'))}")
        )
    known = set(tenants)
    groups: Groups = {}
    owner: dict[str, str] = {}
    raw_groups = data.get("stacks") or {}
    if not isinstance(raw_groups, dict):
        problems.append(_problem(display, parsed, ("stacks",), "must map stack names to lists of tenant names"))
        raw_groups = {}
    for stack, members in raw_groups.items():
        if not _STACK_NAME.fullmatch(stack):
            problems.append(_problem(display, parsed, ("stacks", stack), "not a valid stack name", key=True))
        if not isinstance(members, list) or not members:
            problems.append(_problem(display, parsed, ("stacks", stack), "must be a non-empty list of tenant names"))
            continue
        names: list[str] = []
        for index, member in enumerate(members):
            path: JsonPath = ("stacks", stack, index)
            if not isinstance(member, str) or member not in known:
                hint = suggest(member, known) if isinstance(member, str) else ""
                problems.append(_problem(display, parsed, path, f"no tenant file names tenant {show(member)}{hint}"))
            elif member in owner:
                problems.append(
                    _problem(
                        display,
                        parsed,
                        path,
                        f"tenant {member!r} is already in stack {owner[member]!r}: "
                        "a tenant (and its Smartlead client) belongs to exactly one stack",
                    )
                )
            else:
                owner[member] = stack
                names.append(member)
        groups[stack] = tuple(sorted(names))
    for tenant in sorted(known - set(owner)):
        if tenant in groups:
            problems.append(
                _problem(
                    display,
                    parsed,
                    ("stacks", tenant),
                    f"stack {tenant!r} is tenant {tenant!r}'s own default "
                    "stack: name the group differently or list the tenant in it",
                    key=True,
                )
            )
        groups.setdefault(tenant, (tenant,))
    config: dict[str, str] = {}
    raw_config = data.get("config") or {}
    if not isinstance(raw_config, dict):
        problems.append(_problem(display, parsed, ("config",), "must map mailfleet: config keys to values"))
        raw_config = {}
    for key, value in raw_config.items():
        if not _CONFIG_KEY.fullmatch(key):
            problems.append(_problem(display, parsed, ("config", key), "keys are mailfleet:NAME", key=True))
        elif key in _SECRET_KEYS:
            problems.append(
                _problem(
                    display,
                    parsed,
                    ("config", key),
                    "a secret never goes in this file: mailfleet takes the API key from $SMARTLEAD_API_KEY",
                    key=True,
                )
            )
        elif not isinstance(value, str | int | float) or isinstance(value, bool):
            problems.append(_problem(display, parsed, ("config", key), "must be a string or a number"))
        else:
            config[key] = str(value)
    account = data.get("account")
    if account is not None:
        if not isinstance(account, str) or not _STACK_NAME.fullmatch(account):
            problems.append(
                _problem(display, parsed, ("account",), f"{show(account)} is not a valid stack name: name one stack")
            )
            account = None
        elif account in known and owner.get(account, account) != account:
            problems.append(
                _problem(
                    display,
                    parsed,
                    ("account",),
                    f"{account!r} is tenant {account!r}'s name, but that tenant is in stack {owner[account]!r}: "
                    f"write account: {owner[account]}, or another name for a stack of its own",
                )
            )
            account = None
        else:
            groups.setdefault(account, ())  # a stack of its own, holding no tenant
    if problems:
        raise SpecError(problems)
    return ParsedStackMap(dict(sorted(groups.items())), config, account)


def load_stack_map(project_dir: Path, tenants: Sequence[str]) -> StackMap:
    """The mapping of the project in ``project_dir`` for the tenant names ``tenants`` (the tenant files')."""
    path = project_dir / STACKS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return StackMap({"*": tuple(sorted(tenants))})
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError([Problem(STACKS_FILE, 1, 1, f"cannot read: {error}")]) from None
    parsed = parse_stack_map(text, STACKS_FILE, tenants)
    return StackMap(parsed.groups, parsed.config, path, parsed.account)
