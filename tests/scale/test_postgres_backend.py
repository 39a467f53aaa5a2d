"""Pulumi state of a team in a shared backend: the CLI's built-in ``postgres://`` backend against Debian's
PostgreSQL on loopback (a throwaway cluster per test). ``up`` then a no-change ``preview`` read the same state."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest

from mailfleet.emulator.testing import running_emulator
from mailfleet.testing.scale import make_shard, postgres_bin_or_skip, postgres_cluster

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_up_and_preview_with_state_in_postgres(tmp_path: Path) -> None:
    bin_dir = postgres_bin_or_skip()
    with postgres_cluster(bin_dir) as server, running_emulator(tmp_path / "emulator.sqlite3") as emulator:
        subprocess.run(
            [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(server.port), "-U", server.user, "pulumi"],
            check=True,
            capture_output=True,
        )
        shard = make_shard(
            tmp_path,
            "team",
            backend_url=server.url("pulumi"),
            emulator=emulator,
            tenants=1,
            mailboxes=3,
            first=0,
            config={"mailfleet:rateLimit": "1000/1"},
        )
        up = shard.run("up", "--yes", "--skip-preview")
        assert up.returncode == 0, up.stderr[-2000:] or up.stdout[-2000:]
        preview = shard.run("preview", "--expect-no-changes", "--json")
        assert preview.returncode == 0, preview.stderr[-2000:] or preview.stdout[-2000:]
        assert {step["op"] for step in json.loads(preview.stdout)["steps"]} == {"same"}
        # The checkpoint lives in PostgreSQL: the table holds this stack's state with its three mailboxes.
        rows = subprocess.run(
            [
                str(bin_dir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(server.port),
                "-U",
                server.user,
                "-d",
                "pulumi",
                "-At",
                "-c",
                "SELECT data->>'data' FROM pulumi_state WHERE key LIKE '%/stacks/mailfleet/team.json'",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert rows.returncode == 0, rows.stderr
        # The backend stores each file as {"data": base64}.
        checkpoint = json.loads(base64.b64decode(rows.stdout.strip()))
        types = [r["type"] for r in checkpoint["checkpoint"]["latest"]["resources"]]
        assert types.count("pulumi-python:dynamic/mailfleet:Mailbox") == 3
        assert len(emulator.control.accounts(emulator.api_key)) == 3
