"""``scripts/build-pulumi.sh`` assembles mailfleet's CLI directory from a cached build, without building anything:
the same ``pulumi`` (a hard link), mailfleet's launcher under the plugin names, Pulumi's own language host if any."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from mailfleet.testing.projects import REPO

SCRIPT = REPO / "scripts" / "build-pulumi.sh"
LAUNCHER = REPO / "scripts" / "python-plugin-launcher"
# Answers `pulumi version` like the real CLI, and nothing else.
FAKE_PULUMI = '#!/bin/sh\n[ "$1" = version ] && echo v3.259.0\n'


def executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(0o755)


def cached_build(cache: Path, *, real_language_host: bool) -> Path:
    """What a finished build leaves in the cache: ``pulumi/v3.259.0/bin``."""
    built = cache / "pulumi" / "v3.259.0" / "bin"
    built.mkdir(parents=True)
    executable(built / "pulumi", FAKE_PULUMI)
    executable(built / "pulumi-resource-pulumi-python", "#!/bin/sh\n# the SDK's launcher\n")
    executable(built / "pulumi-language-python", "#!/bin/sh\n# a language host\n")
    if real_language_host:
        executable(built / "pulumi-language-python-exec", "#!/bin/sh\n# Pulumi's\n")
    return built


def run_script(cache: Path) -> Path:
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        env={"PATH": "/usr/bin:/bin", "HOME": str(cache), "MAILFLEET_CACHE": str(cache)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return Path(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("real_language_host", [False, True], ids=["mailfleet-langhost", "pulumi-langhost"])
def test_the_cli_directory_is_assembled_beside_the_build(tmp_path: Path, real_language_host: bool) -> None:
    built = cached_build(tmp_path, real_language_host=real_language_host)

    assembled = run_script(tmp_path)

    revision = hashlib.sha256(LAUNCHER.read_bytes()).hexdigest()[:12]
    assert assembled == built.parent / f"mailfleet-{revision}" / "bin"
    assert (assembled / "pulumi").stat().st_ino == (built / "pulumi").stat().st_ino
    assert (assembled / "pulumi-resource-pulumi-python").read_bytes() == LAUNCHER.read_bytes()
    language_host = (assembled / "pulumi-language-python").read_bytes()
    assert language_host == (b"#!/bin/sh\n# a language host\n" if real_language_host else LAUNCHER.read_bytes())
    assert (assembled / "pulumi-language-python-exec").exists() is real_language_host
    # The build's own directory is left as other checkouts know it.
    assert (built / "pulumi-resource-pulumi-python").read_text() == "#!/bin/sh\n# the SDK's launcher\n"
    # Once assembled, the directory is simply found again.
    assert run_script(tmp_path) == assembled
