"""``python -m mailfleet.emulator``: the same as ``mailfleet emulator``, plus test-only options
(``--start-date``, switches, ``--allow-remote``, ``--quiet``)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from mailfleet.errors import MailfleetError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m mailfleet.emulator", description="Local Smartlead or Instantly emulator."
    )
    parser.add_argument("--vendor", choices=("smartlead", "instantly"), default="smartlead", help="API to serve")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback only)")
    parser.add_argument("--port", type=int, default=8787, help="port; 0 picks a free one")
    parser.add_argument("--db", default=".mailfleet/emulator.sqlite3", help="SQLite state file")
    parser.add_argument("--api-key", dest="api_keys", action="append", default=[], help="accepted key (repeat)")
    parser.add_argument(
        "--rate-limit",
        default=None,
        help="N/SECONDS (Smartlead, per key; default 60/60) or N/SECONDS,... (Instantly, per workspace; "
        "default 100/1,6000/60)",
    )
    parser.add_argument("--job-seconds", type=float, default=None, help="Instantly warmup job duration (default 3)")
    parser.add_argument("--port-file", default=None, help="write the bound port here once listening")
    parser.add_argument("--start-date", type=date.fromisoformat, default=None, help="freeze a new clock here")
    parser.add_argument("--allow-remote", action="store_true", help="allow a non-loopback --host")
    parser.add_argument("--quiet", action="store_true", help="no per-request log lines")
    parser.add_argument("--over-limit", choices=("422", "empty"), default=None, help="limit>100 behaviour")
    parser.add_argument("--no-delete", action="store_true", help="DELETE /email-accounts/{id} answers 404")
    parser.add_argument("--campaign-webhook-delete", choices=("body", "path", "both"), default=None)
    parser.add_argument("--strict-warmup", action="store_true", help="enforce the new docs' warmup ranges")
    parser.add_argument(
        "--switch",
        dest="switches",
        action="append",
        default=[],
        type=_switch,
        metavar="NAME=VALUE",
        help="set any switch (mailfleet.emulator.settings.Switches); VALUE is JSON, else a string (repeat)",
    )
    return parser.parse_args(argv)


def _switch(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name, json.loads(raw)
    except ValueError:
        return name, raw


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    switches: dict[str, Any] = {}
    if args.over_limit:
        switches["over_limit"] = args.over_limit
    if args.no_delete:
        switches["delete_enabled"] = False
    if args.campaign_webhook_delete:
        switches["campaign_webhook_delete"] = args.campaign_webhook_delete
    if args.strict_warmup:
        switches["strict_warmup"] = True
    switches.update(args.switches)
    from mailfleet.emulator.server import run_emulator_command

    try:
        return run_emulator_command(
            host=args.host,
            port=args.port,
            db=args.db,
            api_keys=list(args.api_keys),
            rate_limit=args.rate_limit,
            port_file=args.port_file,
            start_date=args.start_date,
            allow_remote=args.allow_remote,
            switches=switches,
            quiet=args.quiet,
            vendor=args.vendor,
            job_seconds=args.job_seconds,
        )
    except MailfleetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
