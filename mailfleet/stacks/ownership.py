"""Which stack manages a tenant's Smartlead client, known from the Pulumi backend itself: stack tags.

A stack that manages a client carries the tag ``mailfleet:client:<hash of the client email>`` (value: the stack's
name). mailfleet sets it when it configures a stack and after each successful ``mailfleet up``; ``mailfleet stacks
migrate`` moves it with the tenant. The program asks the backend, before declaring anything, which stack carries the
tag of each client it declares (``pulumi stack ls --tag``, one cheap backend read per client): a client tagged by
another stack is refused, so a second stack never adopts it and nothing is written. No service beyond the backend
the stacks already share; every backend Pulumi offers keeps stack tags (the file and PostgreSQL ones included).

The account-wide things (``specs/account.yaml``: user-scope webhooks) work the same way with one tag,
``mailfleet:account``, on the one stack that declares them.

A fan-out run over many stacks asks the backend once instead (:func:`write_run_claims`): every stack's tags, one
``pulumi stack tag ls`` a stack, into a file of the run named by ``MAILFLEET_CLAIMS_FILE``, which each stack's
program reads. 40 stacks of 50 tenants then cost 40 CLI calls a command, not 2,000. The file is read as it was when
the run began; a stack of the run tags its clients only after its own up, and stacks.yaml gives each tenant to one
stack, so no stack of the run can gain a claim another stack of the run needs to see.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mailfleet.workspace import PulumiCLI

TAG_PREFIX = "mailfleet:client:"
ACCOUNT_TAG = "mailfleet:account"
LOOKUP_THREADS = 8
CLAIMS_FILE_VARIABLE = "MAILFLEET_CLAIMS_FILE"
"""Set by the fan-out commands: the backend's claims read once for the run (tag -> stacks carrying it)."""


Claims = dict[str, list[str]]
"""Ownership tag -> the stacks that carry it."""


def client_tag(email: str) -> str:
    """The tag name for a client email (stack tag names allow no '@' and at most 40 characters)."""
    return TAG_PREFIX + hashlib.sha256(email.strip().casefold().encode()).hexdigest()[:16]


def _stacks_tagged(pulumi: str, tag: str, env: Mapping[str, str]) -> list[str] | None:
    result = subprocess.run(
        [pulumi, "stack", "ls", "--json", "--tag", tag, "--non-interactive"],
        capture_output=True,
        text=True,
        check=False,
        env=dict(env),
        timeout=120,
    )
    if result.returncode != 0:
        return None
    return [str(row["name"]).rsplit("/", 1)[-1] for row in json.loads(result.stdout or "[]")]


def _tags_of(cli: PulumiCLI) -> dict[str, str] | None:
    """The stack tags of ``cli``'s stack, or None when the backend cannot say."""
    result = cli.run("stack", "tag", "ls", "--json", check=False)
    if result.returncode != 0:
        return None
    return {str(name): str(value) for name, value in json.loads(result.stdout or "{}").items()}


def backend_claims(clis: Iterable[PulumiCLI]) -> Claims:
    """Every ownership tag that these stacks carry (tag -> the stacks carrying it), one ``pulumi stack tag ls`` a
    stack. Raises RuntimeError when the backend cannot be asked."""
    chosen = sorted(clis, key=lambda cli: cli.stack)
    names = [cli.stack for cli in chosen]
    with ThreadPoolExecutor(max_workers=LOOKUP_THREADS) as pool:
        found = list(pool.map(_tags_of, chosen))
    claims: Claims = {}
    for stack, tags in zip(names, found, strict=True):
        if tags is None:
            raise RuntimeError(f"pulumi stack tag ls failed for stack {stack}: cannot tell which stack manages what")
        for tag in tags:
            if tag.startswith(TAG_PREFIX) or tag == ACCOUNT_TAG:
                claims.setdefault(tag, []).append(stack)
    return claims


def write_run_claims(path: Path, claims: Claims) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(claims))
    partial.replace(path)


def _run_claims(env: Mapping[str, str]) -> Claims | None:
    """The run's claims when a fan-out wrote them, else None (ask the backend)."""
    target = env.get(CLAIMS_FILE_VARIABLE)
    if not target:
        return None
    try:
        rows = json.loads(Path(target).read_text())
    except (OSError, ValueError):
        return None
    return {str(tag): [str(s) for s in stacks] for tag, stacks in rows.items()}


def owners(
    emails: Iterable[str], *, pulumi: str | None = None, env: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """The stacks whose tag claims each client email (empty list: unclaimed). Raises RuntimeError when the backend
    cannot be asked."""
    environment = dict(os.environ if env is None else env)
    wanted = sorted(set(emails))
    run = _run_claims(environment)
    if run is not None:
        return {email: sorted(run.get(client_tag(email), [])) for email in wanted}
    binary = _binary(pulumi)
    with ThreadPoolExecutor(max_workers=LOOKUP_THREADS) as pool:
        found = list(pool.map(lambda email: _stacks_tagged(binary, client_tag(email), environment), wanted))
    answer: dict[str, list[str]] = {}
    for email, stacks in zip(wanted, found, strict=True):
        if stacks is None:
            raise RuntimeError("pulumi stack ls failed: cannot tell which stack manages each client")
        answer[email] = stacks
    return answer


def foreign_claims(
    emails: Iterable[str], stack: str, *, pulumi: str | None = None, env: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """Client emails that a stack other than ``stack`` claims, with those stacks."""
    claims = owners(emails, pulumi=pulumi, env=env)
    return {email: [s for s in stacks if s != stack] for email, stacks in claims.items() if set(stacks) - {stack}}


def claim(cli: PulumiCLI, emails: Iterable[str]) -> None:
    """Tag ``cli``'s stack as the manager of these clients: only the tags it does not carry yet (after every up of a
    fan-out, so a nightly over 40 stacks of 50 clients sets none, not 2,000)."""
    wanted = sorted({client_tag(email) for email in emails})
    if not wanted:
        return
    carried = _tags_of(cli)
    for tag in wanted:
        if carried is None or carried.get(tag) != cli.stack:
            cli.run("stack", "tag", "set", tag, cli.stack)


def release(cli: PulumiCLI, emails: Iterable[str]) -> None:
    for email in sorted(set(emails)):
        cli.run("stack", "tag", "rm", client_tag(email), check=False)


def _binary(pulumi: str | None) -> str:
    binary = pulumi or shutil.which("pulumi")
    if binary is None:
        raise RuntimeError("the pulumi CLI is not on PATH")
    return binary


def account_owners(*, pulumi: str | None = None, env: Mapping[str, str] | None = None) -> list[str]:
    """The stacks whose tag claims the account-wide things (normally at most one). Raises RuntimeError when the
    backend cannot be asked."""
    environment = dict(os.environ if env is None else env)
    run = _run_claims(environment)
    if run is not None:
        return sorted(run.get(ACCOUNT_TAG, []))
    found = _stacks_tagged(_binary(pulumi), ACCOUNT_TAG, environment)
    if found is None:
        raise RuntimeError("pulumi stack ls failed: cannot tell which stack manages the account-wide things")
    return sorted(found)


def claim_account(cli: PulumiCLI) -> None:
    cli.run("stack", "tag", "set", ACCOUNT_TAG, cli.stack)


def release_account(cli: PulumiCLI) -> None:
    cli.run("stack", "tag", "rm", ACCOUNT_TAG, check=False)
