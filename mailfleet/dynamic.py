"""``python -m mailfleet.dynamic``: Pulumi's Python dynamic-provider host, which exits when its engine is gone.

``scripts/python-plugin-launcher``, installed as ``pulumi-resource-pulumi-python``, runs this module where Pulumi's
own launcher runs ``python -m pulumi.dynamic``. It starts :func:`mailfleet.lifeline.exit_with_parent`, then runs
``pulumi.dynamic`` unchanged (the SDK's gRPC ResourceProvider server, which prints its port and serves until the
engine stops it).
"""

from __future__ import annotations

import runpy

from mailfleet.lifeline import exit_with_parent


def main() -> None:
    exit_with_parent()
    runpy.run_module("pulumi.dynamic", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
