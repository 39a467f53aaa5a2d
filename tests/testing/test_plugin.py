"""mailfleet's pytest plugin, run in a pytest session of its own: a process left running fails the session, and a
test that runs the Pulumi CLI must be marked e2e."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds processes through /proc (Linux)")

CONFTEST = """
import mailfleet.testing.plugin

pytest_plugins = ["mailfleet.testing.plugin"]
mailfleet.testing.plugin.GRACE_SECONDS = 2.0
"""
INI = "[pytest]\nmarkers =\n    e2e: drives the real pulumi CLI\n"


@pytest.fixture
def session(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST)
    pytester.makeini(INI)
    return pytester


def test_a_process_left_running_fails_the_session_and_is_killed(session: pytest.Pytester) -> None:
    session.makepyfile(
        test_leak="""
        import subprocess, sys

        def test_starts_a_process_and_forgets_it():
            # In a session of its own, as Pulumi starts its plugins: only the environment marker finds it.
            subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)  # leaked"], start_new_session=True)
        """
    )
    result = session.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_starts_a_process_and_forgets_it*",
            "*1 process(es) started by this test session still ran 2s after it (killed now):*",
            "*pid *: * -c import time; time.sleep(300)  # leaked*",
        ]
    )


def test_a_session_that_stops_what_it_started_passes(session: pytest.Pytester) -> None:
    session.makepyfile(
        test_clean="""
        import subprocess, sys

        def test_waits_for_its_process():
            subprocess.run([sys.executable, "-c", "pass"], check=True)
        """
    )
    session.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_only_a_test_marked_e2e_may_look_for_the_pulumi_cli(
    session: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A `pulumi` on PATH, as `. .mailfleet/env` puts it there.
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "pulumi").write_text("#!/bin/sh\n")
    (tmp_path / "bin" / "pulumi").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    session.makepyfile(
        test_tiers="""
        import shutil

        import pytest
        from mailfleet.errors import SetupError
        from mailfleet.testing.projects import pulumi_bin

        def test_unit():
            with pytest.raises(SetupError, match="test_unit runs the Pulumi CLI, so it must be marked e2e"):
                pulumi_bin()
            assert shutil.which("pulumi") is None

        @pytest.mark.e2e
        def test_end_to_end():
            # Found after `make setup`; in a checkout without it, the set-up error and not the marker's.
            assert shutil.which("pulumi") is not None
            try:
                assert pulumi_bin().is_dir()
            except SetupError as error:
                assert "make setup" in str(error)
        """
    )
    session.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)
