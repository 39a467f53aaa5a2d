"""End a Pulumi plugin process once the engine that started it is gone.

The ``pulumi`` CLI starts its plugins (the language host, the dynamic provider) in process groups of their own, so
killing the CLI's group (a CI runner's cancel, an OOM kill, ``kill -9 -PGID``) leaves them running, children of
init, forever: nothing would ever talk to them again. :func:`exit_with_parent` makes the process exit when that
happens.

How: a daemon thread compares ``os.getppid()`` with the parent the process started with, every ``interval``
seconds. When the parent dies, the kernel re-parents the process (to init, or to the nearest subreaper) and the
parent pid changes; the process then ends at once (``os._exit``: the engine, which would have received any answer,
is gone, and a half-sent answer has nowhere to go). This needs the launcher to ``exec`` Python, so that the engine is
the parent: ``scripts/python-plugin-launcher`` does.

Why not ``prctl(PR_SET_PDEATHSIG)``: it fires when the parent *thread* that forked the child exits, not the parent
process, and the engine is a Go program whose runtime may end an OS thread while the process lives on; the plugin
would then be killed in the middle of a healthy run. It is also Linux-only. Watching the parent pid costs one system
call per interval, is exact about the process, and works wherever the parent pid changes on re-parenting (Linux,
macOS, the BSDs). On Windows a process is never re-parented, so the watch is not started there.
"""

from __future__ import annotations

import os
import threading
import time

DEFAULT_INTERVAL = 0.5
# The exit status of a plugin whose engine went away (nobody collects it but init).
ORPHANED_EXIT = 70


def exit_with_parent(interval: float = DEFAULT_INTERVAL) -> threading.Thread | None:
    """Start the watch (a daemon thread); returns it, or None where processes are never re-parented."""
    if os.name != "posix":
        return None
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(ORPHANED_EXIT)

    thread = threading.Thread(target=watch, name="mailfleet-lifeline", daemon=True)
    thread.start()
    return thread
