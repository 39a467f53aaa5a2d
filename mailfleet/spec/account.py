"""The account file: Smartlead things that belong to the whole account rather than to one tenant.

``account.yaml`` sits beside the tenant directory (``specs/account.yaml`` for ``specs/tenants``). Today it holds
``webhooks:``, Smartlead webhooks at user scope (``association_type: user``): they see the events of every client.
Exactly one stack declares them (``account:`` in ``stacks.yaml``, :mod:`mailfleet.stacks.mapping`).

A webhook here is written as in a tenant file (the schema is derived from the tenant schema's ``webhook``), with two
differences that come from the user-scope API: ``categories`` are lead category ids (``category_id_map``), and
``url`` may be a reference ``{secret: KEY}`` / ``{env: VAR}`` like a password, because a webhook URL often carries
its own credential. A plaintext URL with a password (``user:pass@``) or a credential-like query parameter
(``?token=...``) is refused; every URL reaches Pulumi state only as a secret.

Problems are :class:`~mailfleet.spec.errors.Problem` s at ``FILE:LINE:COL``, like the tenant files'. A URL is never
repeated in a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jsonschema import Draft202012Validator

from mailfleet.spec.errors import Problem, SpecError
from mailfleet.spec.loader import MAX_FILE_BYTES, TenantFile, _check_control_characters
from mailfleet.spec.messages import findings_for, path_text, show
from mailfleet.spec.model import Location, SecretRef
from mailfleet.spec.schema import API_VERSION, _format_checker, load_schema
from mailfleet.spec.yamlpos import JsonPath, parse

ACCOUNT_FILE = "account.yaml"
URL_MASK = "<url>"
_MIN_MASKED = 8  # shorter "URLs" are not worth masking (they would garble the message)

# Query parameter names whose value is a credential (?token=, ?api_key=, ?sig=, ...): such a URL is a secret.
_CREDENTIAL_PARAM = re.compile(
    r"(?i)^(?:.*[-_])?(token|key|apikey|secret|sig|signature|auth|authorization|password|passwd|pass|pwd|code|hmac)$"
)


@dataclass(frozen=True)
class AccountWebhook:
    """A user-scope webhook: Smartlead posts ``events`` of every client (and lead ``category_ids``) to ``url``."""

    name: str
    url: str | SecretRef
    events: tuple[str, ...]
    category_ids: tuple[int, ...]
    location: Location


@dataclass(frozen=True)
class AccountSpec:
    """The account file as declared; ``source`` is None when there is no file (then it declares nothing)."""

    webhooks: tuple[AccountWebhook, ...] = ()
    source: Path | None = None

    @property
    def declares_anything(self) -> bool:
        return bool(self.webhooks)


def account_path(specs_dir: Path | str) -> Path:
    """Where the account file of a tenant directory is: beside it."""
    return Path(specs_dir).parent / ACCOUNT_FILE


@lru_cache(maxsize=1)
def account_schema() -> dict[str, Any]:
    """The account file's JSON Schema, derived from the tenant schema (one definition of a webhook)."""
    tenant = load_schema()
    defs = tenant["$defs"]
    webhook = defs["webhook"]
    url = webhook["properties"]["url"]
    secret_ref = defs["secret_ref"]
    account_url = {
        **url,
        "description": url["description"] + " Or a reference `{secret: KEY}` / `{env: VAR}` to a URL that is secret.",
        "type": ["string", "object"],
        "additionalProperties": False,
        "minProperties": 1,
        "maxProperties": 1,
        "properties": secret_ref["properties"],
    }
    categories = {
        "description": "Lead category ids that trigger the webhook (user scope takes ids: `category_id_map`).",
        "type": "array",
        "uniqueItems": True,
        "default": [],
        "items": {"type": "integer", "minimum": 1},
    }
    # The tenant schema leaves a webhook's event names to each backend's branch; this file is Smartlead's.
    events = {**webhook["properties"]["events"], "items": defs["smartlead_event"]}
    account_webhook = {
        **webhook,
        "description": "A Smartlead webhook at user scope: it sees the events of every client of the account.",
        "properties": {**webhook["properties"], "url": account_url, "events": events, "categories": categories},
    }
    return {
        "$schema": tenant["$schema"],
        "title": "mailfleet account file (apiVersion mailfleet/v1)",
        "type": "object",
        "additionalProperties": False,
        "required": ["apiVersion"],
        "properties": {
            "apiVersion": tenant["properties"]["apiVersion"],
            "webhooks": {
                "description": "User-scope webhooks, declared by the one stack stacks.yaml names as `account:`. "
                "Names are unique.",
                "type": "array",
                "default": [],
                "items": account_webhook,
            },
        },
    }


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(account_schema(), format_checker=_format_checker())


def credential_in_url(url: str) -> str | None:
    """What makes a plaintext URL a secret (a password, a credential-like query parameter), or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.password:
        return "a password (user:password@)"
    for name, _value in parse_qsl(parts.query, keep_blank_values=True):
        if _CREDENTIAL_PARAM.fullmatch(name):
            return f"the query parameter {name!r}"
    return None


def _urls(data: dict[str, Any]) -> list[str]:
    hooks = data.get("webhooks")
    if not isinstance(hooks, list):
        return []
    return [str(h["url"]) for h in hooks if isinstance(h, dict) and isinstance(h.get("url"), str) and h["url"]]


def _masked(problem: Problem, urls: list[str]) -> Problem:
    """Defence in depth: no message repeats a URL of the file (whole, or as :func:`show` cuts it)."""
    message = problem.message
    for url in sorted(urls, key=len, reverse=True):
        if len(url) >= _MIN_MASKED:
            message = message.replace(show(url), URL_MASK).replace(url, URL_MASK)
    return problem if message == problem.message else Problem(problem.file, problem.line, problem.col, message)


_REFERENCE_COUNT = "write either {secret: KEY} or {env: VAR}"
_CATEGORY_IDS = "user-scope webhooks take lead category ids (numbers), not names"


def _schema_problems(file: TenantFile, data: dict[str, Any]) -> list[Problem]:
    problems = []
    for error in _validator().iter_errors(data):
        path = tuple(error.absolute_path)
        if path and path[-1] == "url" and error.validator in ("minProperties", "maxProperties"):
            problems.append(file.problem(path, f"{path_text(path)}: {_REFERENCE_COUNT}"))
            continue
        if path and path[-1] == "url" and error.validator == "format":
            problems.append(file.problem(path, f"{path_text(path)}: {URL_MASK} is not an http(s) URL"))
            continue
        for finding in findings_for(error, file.mark):
            message = finding.message
            if len(path) == 4 and path[2] == "categories" and error.validator == "type":
                message += f" ({_CATEGORY_IDS})"
            problems.append(file.problem(finding.path, message, key=finding.on_key))
    return problems


def _check(file: TenantFile, data: dict[str, Any]) -> list[Problem]:
    problems = _schema_problems(file, data)
    problems += _check_control_characters(file, data)
    hooks = data.get("webhooks")
    first: dict[str, Location] = {}
    for index, hook in enumerate(hooks if isinstance(hooks, list) else []):
        if not isinstance(hook, dict):
            continue
        name, url = hook.get("name"), hook.get("url")
        name_path: JsonPath = ("webhooks", index, "name")
        if isinstance(name, str):
            if name in first:
                problems.append(
                    file.problem(
                        name_path,
                        f"{path_text(name_path)}: duplicate webhook {show(name)}: also declared at {first[name]}",
                    )
                )
            else:
                first[name] = file.location(name_path)
        if isinstance(url, str) and (why := credential_in_url(url)):
            url_path: JsonPath = ("webhooks", index, "url")
            problems.append(
                file.problem(
                    url_path,
                    f"{path_text(url_path)}: the URL carries {why}, a secret in plaintext: store the URL as a "
                    "stack secret (pulumi config set --secret KEY) and write url: {secret: KEY}, or use {env: VAR}",
                )
            )
    return problems


def check_account_text(text: str, display: str, source: Path) -> tuple[AccountSpec, list[Problem]]:
    """The account spec of a file's text, and every problem in it (the spec is empty when there are problems)."""
    parsed = parse(text)
    file = TenantFile(display, source, parsed)
    problems = [Problem(display, line, col, message) for (line, col), message in parsed.problems]
    data = file.data
    if data is None:
        if not parsed.fatal:
            problems.append(Problem(display, 1, 1, "an account file must be a mapping (apiVersion, webhooks)"))
        return AccountSpec(source=source), problems
    problems += _check(file, data)
    if problems:
        return AccountSpec(source=source), sorted({_masked(p, _urls(data)) for p in problems})
    return AccountSpec(_webhooks(file, data), source), []


def _url(value: Any) -> str | SecretRef:
    if isinstance(value, dict):
        kind, name = next(iter(value.items()))
        return SecretRef(kind, str(name))
    return str(value)


def _webhooks(file: TenantFile, data: dict[str, Any]) -> tuple[AccountWebhook, ...]:
    return tuple(
        AccountWebhook(
            name=str(hook["name"]),
            url=_url(hook["url"]),
            events=tuple(sorted(str(event) for event in hook["events"])),
            category_ids=tuple(sorted(int(c) for c in hook.get("categories", []))),
            location=file.location(("webhooks", index)),
        )
        for index, hook in enumerate(data.get("webhooks") or [])
    )


def check_account(path: Path, display: str | None = None) -> tuple[AccountSpec, list[Problem]]:
    """The account file at ``path`` and its problems; no file is an empty spec and no problem."""
    shown = display or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return AccountSpec(), []
    except OSError as error:
        return AccountSpec(source=path), [Problem(shown, 1, 1, f"cannot read the file: {error.strerror}")]
    if len(raw) > MAX_FILE_BYTES:
        return AccountSpec(source=path), [Problem(shown, 1, 1, "file is too large for an account file")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return AccountSpec(source=path), [Problem(shown, 1, 1, "not UTF-8 text: save the file as UTF-8")]
    return check_account_text(text, shown, path)


def load_account(path: Path, display: str | None = None) -> AccountSpec:
    """The account file at ``path`` (empty without one); raises :class:`SpecError` with every problem."""
    spec, problems = check_account(path, display)
    if problems:
        raise SpecError(problems)
    return spec


__all__ = [
    "ACCOUNT_FILE",
    "API_VERSION",
    "AccountSpec",
    "AccountWebhook",
    "account_path",
    "account_schema",
    "check_account",
    "credential_in_url",
    "load_account",
]
