"""One runner of many on one key: ``python -m mailfleet.testing.limiter_load`` sends requests from several threads,
paced by the limiter the product builds from its settings (``mailfleet:rateLimit`` and ``mailfleet:rateLimitUrl``),
with no retry, so a 429 from the server is an error here instead of being absorbed.

The scale tests start several of these processes at once against one emulator, tied only by the limiter's URL, as
runners on several machines are. The key comes from ``$SMARTLEAD_API_KEY``. Prints one JSON line: requests served,
errors (their first lines).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.ratelimit import RateLimit
from mailfleet.smartlead.retry import RetryPolicy
from mailfleet.smartlead.settings import ConnectionSettings


def run(base_url: str, api_key: str, rate: str, url: str, threads: int, requests: int) -> dict[str, object]:
    settings = ConnectionSettings(base_url, api_key, rate_limit=RateLimit.parse(rate), rate_limit_url=url)
    client = SmartleadClient(base_url, api_key, limiter=settings.limiter(), retry=RetryPolicy(max_retries=0))
    errors: list[str] = []

    def work(_: int) -> int:
        served = 0
        for _ in range(requests):
            try:
                client.list_clients()
                served += 1
            except Exception as error:  # reported, not raised: the test asserts on every runner's result
                errors.append(f"{type(error).__name__}: {str(error).splitlines()[0][:200]}")
        return served

    with client, ThreadPoolExecutor(max_workers=threads) as pool:
        served = sum(pool.map(work, range(threads)))
    return {"served": served, "errors": errors}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mailfleet.testing.limiter_load", description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--rate", required=True, help="N/SECONDS, as mailfleet:rateLimit")
    parser.add_argument("--limiter-url", required=True, help="sqlite:///PATH or postgresql://..., as rateLimitUrl")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--requests", type=int, default=8, help="per thread")
    args = parser.parse_args(argv)
    result = run(
        args.base_url, os.environ["SMARTLEAD_API_KEY"], args.rate, args.limiter_url, args.threads, args.requests
    )
    print(json.dumps(result))
    return 0


@dataclass(frozen=True)
class RunnerResult:
    exit_code: int
    served: int
    errors: list[str]
    stderr: str


def run_runners(
    count: int, *, base_url: str, api_key: str, rate: str, limiter_url: str, threads: int, requests: int
) -> list[RunnerResult]:
    """``count`` runners at once, each its own process; waits for all of them."""
    command = [
        sys.executable, "-m", "mailfleet.testing.limiter_load", "--base-url", base_url, "--rate", rate,
        "--limiter-url", limiter_url, "--threads", str(threads), "--requests", str(requests),
    ]  # fmt: skip
    env = {**os.environ, "SMARTLEAD_API_KEY": api_key}
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(count)
    ]
    results = []
    try:
        for process in runs:
            out, err = process.communicate(timeout=300)
            lines = out.strip().splitlines()
            found: dict[str, Any] = json.loads(lines[-1]) if lines else {"served": 0, "errors": []}
            results.append(RunnerResult(process.returncode, int(found["served"]), list(found["errors"]), err[-2000:]))
    finally:
        for process in runs:
            if process.poll() is None:
                process.kill()
                process.wait()
    return results


if __name__ == "__main__":
    sys.exit(main())
