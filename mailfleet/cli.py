"""The ``mailfleet`` command.

Each subcommand is a thin shell over a function in the module that owns the work, imported lazily so that
``mailfleet validate`` does not pay for the emulator's or Pulumi's imports. Errors derived from
:class:`mailfleet.errors.MailfleetError` are printed as one clean line each and exit 1; no traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import click

from mailfleet.deepcheck import DEFAULT_DEEP_BUDGET
from mailfleet.errors import MailfleetError

P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])


def _exits(func: Callable[P, int]) -> Callable[P, None]:
    """Turn a function returning an exit code into a click command body with clean errors."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            code = func(*args, **kwargs)
        except MailfleetError as error:
            click.echo(f"error: {error}", err=True)
            code = 1
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            code = 130
        sys.exit(code)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mailfleet")
def main() -> None:
    """Smartlead mailbox fleets as code."""


@main.command()
@click.argument("directory", default="specs/tenants", type=click.Path(file_okay=False, path_type=str))
@_exits
def validate(directory: str) -> int:
    """Validate tenant files; print each problem as FILE:LINE:COL: message. Exit 0 valid, 1 invalid."""
    from mailfleet.spec.cli import run_validate

    return run_validate(directory)


@main.command()
@_exits
def schema() -> int:
    """Print the tenant file JSON Schema (for editors and other tools)."""
    from mailfleet.spec.cli import run_schema

    return run_schema()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only).")
@click.option("--port", default=8787, show_default=True, type=int, help="Port; 0 picks a free one.")
@click.option("--db", default=".mailfleet/emulator.sqlite3", show_default=True, help="SQLite state file.")
@click.option("--api-key", "api_keys", multiple=True, help="An accepted API key (repeatable).")
@click.option(
    "--rate-limit",
    default=None,
    help="Smartlead: requests per key, N/SECONDS (default 60/60). Instantly: per workspace, N/SECONDS,... "
    "(default 100/1,6000/60).",
)
@click.option("--port-file", default=None, help="Write the bound port here once listening.")
@click.option(
    "--vendor",
    type=click.Choice(["smartlead", "instantly"]),
    default="smartlead",
    show_default=True,
    help="Which API to serve: Smartlead under /api/v1, Instantly under /api/v2.",
)
@click.option("--job-seconds", type=float, default=None, help="Instantly: seconds a warmup job takes (default 3).")
@_exits
def emulator(
    host: str,
    port: int,
    db: str,
    api_keys: tuple[str, ...],
    rate_limit: str | None,
    port_file: str | None,
    vendor: str,
    job_seconds: float | None,
) -> int:
    """Run the local Smartlead (or Instantly) emulator in the foreground."""
    from mailfleet.emulator.server import run_emulator_command

    return run_emulator_command(
        host=host,
        port=port,
        db=db,
        api_keys=list(api_keys),
        rate_limit=rate_limit,
        port_file=port_file,
        vendor=vendor,
        job_seconds=job_seconds,
    )


@main.command()
@click.option("--client-id", type=int, default=None, help="Export the tenant of this Smartlead client id.")
@click.option("--all", "export_all", is_flag=True, help="Export every Smartlead client as a tenant.")
@click.option(
    "--instantly-workspace",
    default=None,
    help="Export this Instantly workspace (the INSTANTLY_API_KEY admin key acting on it) as tenant --tenant.",
)
@click.option("--instantly", "instantly_own", is_flag=True, help="Export INSTANTLY_API_KEY's own workspace.")
@click.option("--tenant", default=None, help="The tenant name of an exported Instantly workspace.")
@click.option("--out", default="specs/tenants", show_default=True, help="Directory to write tenant files to.")
@_exits
def export(
    client_id: int | None,
    export_all: bool,
    instantly_workspace: str | None,
    instantly_own: bool,
    tenant: str | None,
    out: str,
) -> int:
    """Write live accounts as tenant files that validate and adopt with no changes (SMARTLEAD_* settings; for an
    Instantly workspace INSTANTLY_*)."""
    from mailfleet.errors import SetupError
    from mailfleet.export import run_export, run_export_instantly

    if instantly_workspace or instantly_own:
        if client_id is not None or export_all or not tenant:
            raise SetupError("an Instantly export takes --tenant NAME, and no --client-id or --all")
        return run_export_instantly(instantly_workspace, tenant, out)
    return run_export(client_id, export_all, out)


def deep_budget_option(text: str) -> Callable[[F], F]:
    """``--deep-budget``: one default (the nightly's) for the single-stack and the many-stack drift."""
    return click.option(
        "--deep-budget", type=click.IntRange(min=0), default=DEFAULT_DEEP_BUDGET, show_default=True, help=text
    )


STACK_OPTION = click.option("--stack", default=None, help="Stack name (default: $PULUMI_STACK, else 'local').")


@main.command()
@STACK_OPTION
@click.option("--json", "json_path", default=None, help="Also write the report as JSON here.")
@click.option("--markdown", "markdown_path", default=None, help="Also write the report as Markdown here.")
@click.option("--full", is_flag=True, help="Read every managed account by id too (pages + mailboxes + clients).")
@deep_budget_option("Accounts to read by id tonight (oldest deep check first), for the fields the listing lacks.")
@_exits
def drift(stack: str | None, json_path: str | None, markdown_path: str | None, full: bool, deep_budget: int) -> int:
    """Report drift between the specs and live accounts. Exit 0 none, 2 drift, 1 error."""
    from mailfleet.reports.drift import run_drift

    return run_drift(stack=stack, json_path=json_path, markdown_path=markdown_path, full=full, deep_budget=deep_budget)


@main.command()
@STACK_OPTION
@click.option("--json", "json_path", default=None, help="Also write the report as JSON here.")
@click.option("--chart", "chart_path", default=None, help="Write a chart of inbox rate by day (.png or .svg).")
@click.option("--detail", is_flag=True, help="Fetch every mailbox's 7-day warmup stats (one request each).")
@click.option(
    "--detail-budget",
    type=click.IntRange(min=0),
    default=None,
    help="Most 7-day warmup stats fetched for borderline or blocked mailboxes (default 20).",
)
@click.option("--notify", "notify_url", default=None, help="POST a JSON summary of new changes to this URL.")
@_exits
def health(
    stack: str | None,
    json_path: str | None,
    chart_path: str | None,
    detail: bool,
    detail_budget: int | None,
    notify_url: str | None,
) -> int:
    """Classify every mailbox's health. Exit 0 healthy, 2 some mailbox critical, 1 error."""
    from mailfleet.health.report import run_health

    return run_health(
        stack=stack,
        json_path=json_path,
        chart_path=chart_path,
        detail=detail,
        detail_budget=detail_budget,
        notify_url=notify_url,
    )


@main.command("preview-comment")
@STACK_OPTION
@click.option("--input", "input_path", default=None, help="A `pulumi preview --json` digest; default: run a preview.")
@click.option("--out", "out_path", default=None, help="Write the Markdown here (default: stdout).")
@_exits
def preview_comment(stack: str | None, input_path: str | None, out_path: str | None) -> int:
    """The pull-request comment (Markdown) for a preview, under GitHub's 65,536-character limit."""
    from mailfleet.reports.comment import run_preview_comment

    return run_preview_comment(stack=stack, input_path=input_path, out_path=out_path)


@main.group()
def placement() -> None:
    """Inbox placement tests (Smartlead SmartDelivery): opt-in, credit-capped."""


@placement.command("run")
@STACK_OPTION
@click.option("--campaign", "campaign_id", type=click.IntRange(min=1), required=True, help="Campaign to test.")
@click.option("--mailbox", "mailboxes", multiple=True, help="Sender mailbox (repeatable; default: the campaign's).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation before spending credits.")
@_exits
def placement_run(stack: str | None, campaign_id: int, mailboxes: tuple[str, ...], yes: bool) -> int:
    """Run a SmartDelivery placement test and store each mailbox's result in the health history."""
    from mailfleet.health.placement import run_placement

    return run_placement(stack=stack, campaign_id=campaign_id, mailboxes=list(mailboxes), yes=yes)


# ------------------------------------------------------------------------- several stacks (mailfleet.stacks)

CHANGED_SINCE_OPTION = click.option(
    "--changed-since",
    "changed_since",
    default=None,
    metavar="REF",
    help="Only the stacks whose tenant files differ between REF and the working tree (all if a shared input did).",
)
PARALLEL_OPTION = click.option("--parallel", default=4, show_default=True, type=click.IntRange(1, 64))
STACKS_OPTION = click.option("--stack", "stacks", multiple=True, help="Only this stack (repeatable).")
CONFIGURE_OPTION = click.option(
    "--configure", is_flag=True, help="Configure each chosen stack first (stacks.yaml config, $SMARTLEAD_API_KEY)."
)


@main.command("preview")
@CHANGED_SINCE_OPTION
@STACKS_OPTION
@PARALLEL_OPTION
@CONFIGURE_OPTION
@click.option("--json", "json_path", default=None, help="Write the combined result as JSON here.")
@click.option("--comment", "comment_path", default=None, help="Write the combined PR comment (Markdown) here.")
@_exits
def preview_stacks(
    changed_since: str | None,
    stacks: tuple[str, ...],
    parallel: int,
    configure: bool,
    json_path: str | None,
    comment_path: str | None,
) -> int:
    """Preview every stack of stacks.yaml (or the changed ones). Exit 0 ok, 1 if any stack failed."""
    from mailfleet.stacks.fanout import run_command

    return run_command(
        "preview",
        changed_since=changed_since,
        stacks=stacks,
        parallel=parallel,
        json_path=json_path,
        comment_path=comment_path,
        configure=configure,
    )


@main.command("up")
@CHANGED_SINCE_OPTION
@STACKS_OPTION
@PARALLEL_OPTION
@CONFIGURE_OPTION
@click.option("--refresh", is_flag=True, help="Refresh each stack before the update (as pulumi up --refresh).")
@click.option("--json", "json_path", default=None, help="Write the combined result as JSON here.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (as pulumi up --yes).")
@_exits
def up_stacks(
    changed_since: str | None,
    stacks: tuple[str, ...],
    parallel: int,
    configure: bool,
    refresh: bool,
    json_path: str | None,
    yes: bool,
) -> int:
    """Update every stack of stacks.yaml (or the changed ones). Exit 0 ok, 1 if any stack failed."""
    from mailfleet.stacks.fanout import run_command

    return run_command(
        "up",
        changed_since=changed_since,
        stacks=stacks,
        parallel=parallel,
        json_path=json_path,
        yes=yes,
        configure=configure,
        refresh=refresh,
    )


@main.group("stacks", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the mapping as JSON.")
@click.pass_context
def stacks_group(ctx: click.Context, as_json: bool) -> None:
    """Print which stack manages which tenant (stacks.yaml), and whether each exists."""
    if ctx.invoked_subcommand is None:
        from mailfleet.stacks.commands import run_list

        _exits(run_list)(as_json)


@stacks_group.command("configure")
@STACKS_OPTION
@click.option("--base-url", default=None, help="Smartlead API base URL (default: stacks.yaml, $SMARTLEAD_BASE_URL).")
@click.option("--local-secrets", is_flag=True, help="Give missing password secrets random values (emulator only).")
@_exits
def stacks_configure(stacks: tuple[str, ...], base_url: str | None, local_secrets: bool) -> int:
    """Create or configure stacks: secrets provider, baseUrl, apiKey from $SMARTLEAD_API_KEY, stacks.yaml config."""
    from mailfleet.stacks.commands import run_configure

    return run_configure(stacks, base_url, local_secrets)


@stacks_group.command("migrate")
@click.option("--dry-run", is_flag=True, help="Print the moves and change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_exits
def stacks_migrate(dry_run: bool, yes: bool) -> int:
    """Move resources into the stacks stacks.yaml gives them (pulumi state move; no Smartlead request)."""
    from mailfleet.stacks.commands import run_migrate

    return run_migrate(dry_run, yes)


@stacks_group.command("drift")
@STACKS_OPTION
@PARALLEL_OPTION
@click.option("--json", "json_path", default=None, help="Write the merged report as JSON here.")
@click.option("--markdown", "markdown_path", default=None, help="Write the merged report as Markdown here.")
@deep_budget_option("Accounts to read by id tonight over all the stacks together (oldest deep check first).")
@_exits
def stacks_drift(
    stacks: tuple[str, ...], parallel: int, json_path: str | None, markdown_path: str | None, deep_budget: int
) -> int:
    """mailfleet drift on every stack, one merged report. Exit 0 none, 2 drift, 1 error."""
    from mailfleet.stacks.commands import run_reports

    return run_reports("drift", stacks, parallel, json_path, markdown_path, deep_budget=deep_budget)


@stacks_group.command("health")
@STACKS_OPTION
@PARALLEL_OPTION
@click.option("--json", "json_path", default=None, help="Write the merged report as JSON here (the gate reads it).")
@_exits
def stacks_health(stacks: tuple[str, ...], parallel: int, json_path: str | None) -> int:
    """mailfleet health on every stack, one merged report. Exit 0 healthy, 2 some mailbox critical, 1 error."""
    from mailfleet.stacks.commands import run_reports

    return run_reports("health", stacks, parallel, json_path, None)


if __name__ == "__main__":
    main()
