"""The ``python`` language runtime for the Pulumi CLI, for a CLI built without ``pulumi-language-python``.

The Go module proxy these machines reach does not serve Pulumi's Python language host (it has no tag of its own), so
``scripts/build-pulumi.sh`` installs a launcher under that name (``scripts/python-plugin-launcher``) which runs this
module. It is a gRPC ``LanguageRuntime`` server, as the real host is: the CLI starts it with the engine's address as
the last argument, reads the port from the first line of stdout, then asks it to ``Run`` the project's
``__main__.py``. It exits as soon as the engine that started it is gone (:mod:`mailfleet.lifeline`).

The work of running a program inside the engine is the SDK's own: ``pulumi.automation``'s ``LanguageServer`` (which
serves inline programs) does it, and this module only tells it which file to run. A CLI installed by Pulumi's own
installer brings the real host, and then this module is never used.
"""

from __future__ import annotations

import os
import runpy
import sys
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from pulumi.automation import _server
from pulumi.automation._server import LanguageServer
from pulumi.errors import RunError
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import language_pb2, language_pb2_grpc
from pulumi.runtime.stack import ResourceRegistrationFailed

from mailfleet.lifeline import exit_with_parent


def program_path(request: Any) -> Path:
    """The file a RunRequest asks for: ``info`` (newer engines) first, then the legacy ``pwd``/``program``."""
    info = request.info
    directory = Path(info.program_directory or request.pwd or os.getcwd())
    entry = info.entry_point or request.program or "."
    target = (directory / entry).resolve()
    return target / "__main__.py" if target.is_dir() else target


def registration_failed(message: str) -> bool:
    """Whether the SDK's message says the program ended because a resource failed to register: a provider error the
    engine has already shown (e.g. a mailbox whose tenant client could not be created). The SDK would log it again
    as a "runtime error" with a traceback of its own internals."""
    return message.startswith("python inline source runtime error:") and ResourceRegistrationFailed.__name__ in message


class _EngineLog:
    """``pulumi.log`` for the SDK's run loop, minus that duplicate traceback."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def error(self, msg: str, *args: Any, **kwargs: Any) -> None:
        if not registration_failed(str(msg)):
            self._inner.error(msg, *args, **kwargs)


_server.log = _EngineLog(_server.log)  # type: ignore[attr-defined,assignment]


class ProjectLanguageServer(LanguageServer):
    """Runs the project's program file, the way ``pulumi-language-python-exec`` does."""

    def __init__(self) -> None:
        super().__init__(program=lambda: None)

    def Run(self, request: Any, context: Any) -> Any:
        path = program_path(request)
        if not path.is_file():
            return language_pb2.RunResponse(error=f"no Pulumi program at {path}")
        os.chdir(request.pwd or path.parent)
        if str(path.parent) not in sys.path:
            sys.path.insert(0, str(path.parent))

        reported: list[RunError] = []

        def program() -> None:
            try:
                runpy.run_path(str(path), run_name="__main__")
            except RunError as error:
                reported.append(error)
                raise

        self.program = program
        response = super().Run(request, context)  # type: ignore[no-untyped-call]
        if reported or registration_failed(str(response.error or "")):
            # The SDK has logged the RunError (e.g. invalid specs) as a diagnostic, or the engine has reported the
            # resource that failed (with its own message): "bail" tells the engine not to print it a second time, as
            # Pulumi's own host does for errors already shown to the user. Never a traceback of the SDK's internals.
            return language_pb2.RunResponse(bail=True)
        return response

    def InstallDependencies(self, request: Any, context: Any) -> Any:
        # Dependencies are the project's virtualenv, made by `make setup`; nothing to install here.
        return iter(())


def main() -> int:
    # Pulumi starts its plugins in process groups of their own: when the CLI is killed, nothing else would end us.
    exit_with_parent()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=_GRPC_CHANNEL_OPTIONS)
    language_pb2_grpc.add_LanguageRuntimeServicer_to_server(ProjectLanguageServer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    # The engine reads the port from the first line of stdout.
    print(port, flush=True)
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        # The engine interrupts its plugins when the operation ends: a normal shutdown, not an error.
        server.stop(grace=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
