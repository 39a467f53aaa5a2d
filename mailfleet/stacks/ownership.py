"""Which stack manages a tenant's Smartlead client, known from the Pulumi backend itself: stack tags.

A stack that manages a client carries the tag ``mailfleet:client:<hash of the client email>`` (value: the stack's
name). mailfleet sets it when it configures a stack and after each successful ``mailfleet up``; ``mailfleet stacks
migrate`` moves it with the tenant. The program asks the backend, before declaring anything, which stack carries the
tag of each client it declares (``pulumi stack ls --tag``, one cheap backend read per client): a client tagged by
another stack is refused, so a second stack never adopts it and nothing is written. No service beyond the backend
the stacks already share; every backend Pulumi offers keeps stack tags (the file and PostgreSQL ones included).

The account-wide things (``specs/account.yaml``: user-scope webhooks) work the same way with one tag,
``mailfleet:account``, on the one stack that declares them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor

from mailfleet.workspace import PulumiCLI

TAG_PREFIX = "mailfleet:client:"
ACCOUNT_TAG = "mailfleet:account"
LOOKUP_THREADS = 8


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


def owners(
    emails: Iterable[str], *, pulumi: str | None = None, env: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """The stacks whose tag claims each client email (empty list: unclaimed). Raises RuntimeError when the backend
    cannot be asked."""
    binary = _binary(pulumi)
    environment = dict(os.environ if env is None else env)
    wanted = sorted(set(emails))
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
    """Tag ``cli``'s stack as the manager of these clients."""
    for email in sorted(set(emails)):
        cli.run("stack", "tag", "set", client_tag(email), cli.stack)


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
    found = _stacks_tagged(_binary(pulumi), ACCOUNT_TAG, dict(os.environ if env is None else env))
    if found is None:
        raise RuntimeError("pulumi stack ls failed: cannot tell which stack manages the account-wide things")
    return sorted(found)


def claim_account(cli: PulumiCLI) -> None:
    cli.run("stack", "tag", "set", ACCOUNT_TAG, cli.stack)


def release_account(cli: PulumiCLI) -> None:
    cli.run("stack", "tag", "rm", ACCOUNT_TAG, check=False)
