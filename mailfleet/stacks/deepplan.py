"""The deep-check budget of a ``mailfleet stacks drift`` run: one budget for every stack of the run.

Each stack's ``mailfleet drift`` would otherwise spend the whole budget on its own (40 stacks: 40 x 150 by-id reads a
night, 100 minutes of a real key's quota). Before the stacks run, this reads every stack's mailboxes from its state
(``pulumi stack export``, no Smartlead request) and the project's deep-check bookkeeping, plans one slice oldest
check first over all of them (:func:`mailfleet.deepcheck.plan_run`) and writes it where each stack's drift finds it.

The bookkeeping is one file per project (:func:`mailfleet.deepcheck.store_path`), rows keyed by base URL and account
id, so every stack of the run records into, and plans from, the same rows.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from mailfleet.deepcheck import CheckRecord, DeepChecks, RunPlan, plan_run, store_path
from mailfleet.reports.coverage import stack_mailboxes
from mailfleet.smartlead.client import DEFAULT_BASE_URL
from mailfleet.stacks.project import Project
from mailfleet.workspace import PROJECT_NAME


@dataclass(frozen=True)
class StackAccounts:
    stack: str
    base_url: str
    account_ids: list[int]


def stack_accounts(project: Project, stack: str) -> StackAccounts:
    """The stack's managed account ids and its Smartlead base URL; none when the stack cannot be read (its own
    drift then reports why)."""
    cli = project.cli(stack)
    exported = cli.run("stack", "export", check=False)
    configured = cli.run("config", "--json", check=False)
    try:
        deployment = (json.loads(exported.stdout).get("deployment") or {}) if exported.returncode == 0 else {}
        config = json.loads(configured.stdout) if configured.returncode == 0 else {}
    except ValueError:
        return StackAccounts(stack, DEFAULT_BASE_URL, [])
    base_url = str((config.get(f"{PROJECT_NAME}:baseUrl") or {}).get("value") or DEFAULT_BASE_URL)
    return StackAccounts(stack, base_url, [m.account_id for m in stack_mailboxes(deployment)])


def plan_deep_checks(project: Project, stacks: Sequence[str], budget: int, parallel: int, now: datetime) -> RunPlan:
    """Tonight's deep checks for ``stacks``: ``budget`` accounts in all, never-checked and oldest checks first."""
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        found = list(pool.map(lambda stack: stack_accounts(project, stack), stacks))
    location = store_path({**os.environ, **project.environment, "PULUMI_PROJECT": PROJECT_NAME})
    records: dict[int, CheckRecord] = {}
    if location is not None:
        store = DeepChecks(location)
        for base_url in sorted({item.base_url for item in found}):
            records.update(store.records(base_url))
    return plan_run({item.stack: item.account_ids for item in found}, records, budget, now)
