"""The language host never prints the SDK's traceback for a resource failure the engine has already reported."""

from __future__ import annotations

from typing import Any

from pulumi.automation import _server

from mailfleet import langhost

SDK_MESSAGE = (
    "python inline source runtime error: resource acme-client [pulumi-python:dynamic/mailfleet:TenantClient] failed "
    'to register\nTraceback (most recent call last):\n  File "/x/pulumi/runtime/stack.py", line 181\n'
    "pulumi.runtime.stack.ResourceRegistrationFailed: resource acme-client failed to register\n"
)


class Recorder:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, msg: str, *args: Any, **kwargs: Any) -> None:
        self.errors.append(msg)


def test_a_registration_failure_is_not_logged_again_but_other_errors_are() -> None:
    recorder = Recorder()
    log = langhost._EngineLog(recorder)

    log.error(SDK_MESSAGE)
    log.error("python inline source runtime error: division by zero\nTraceback (most recent call last): ...")

    assert recorder.errors == [
        "python inline source runtime error: division by zero\nTraceback (most recent call last): ..."
    ]


def test_the_sdk_run_loop_logs_through_the_filter() -> None:
    assert isinstance(_server.log, langhost._EngineLog)  # type: ignore[attr-defined]
    assert langhost.registration_failed(SDK_MESSAGE)
    assert not langhost.registration_failed("RPC error: the monitor went away")
