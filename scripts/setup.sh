#!/usr/bin/env bash
# One-time (and idempotent) set-up shared by `make demo`, `make test` and `make bench`:
#   - .venv on Python 3.11 with mailfleet installed (editable) and its pinned dependencies;
#   - a Pulumi CLI v3.259.x (reused from PATH or the cache, else built from Go modules);
#   - .mailfleet/: local state, a local-only passphrase and API key, and the `env` file to source.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
state="$root/.mailfleet"
mkdir -p "$state"

log() { printf 'setup: %s\n' "$*" >&2; }

# --- Python --------------------------------------------------------------------------------
python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     [ "$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" = "3.11" ]; then
    python=$(command -v "$candidate"); break
  fi
done
if [ -z "$python" ]; then
  log "Python 3.11 is required (pyproject pins it together with pulumi==3.259.0); install it and run again."
  exit 1
fi
# Reinstall only when pyproject.toml changed: the stamp holds its hash.
stamp="$root/.venv/.mailfleet-stamp"
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "creating .venv with $python"
  "$python" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
  echo "$want" > "$stamp"
fi

# --- Pulumi CLI ----------------------------------------------------------------------------
pulumi_bin=$(bash scripts/build-pulumi.sh | tail -n 1)
echo "$pulumi_bin" > "$state/pulumi-bin"

# --- PostgreSQL (only for the shared-state test in tests/scale; never fatal) ---------------
bash scripts/ensure-postgres.sh > "$state/postgres-bin" || : > "$state/postgres-bin"

# --- Local-only secrets and the demo emulator's address ------------------------------------
[ -s "$state/passphrase" ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(24))' > "$state/passphrase"
[ -s "$state/api-key" ] || .venv/bin/python -m mailfleet.emulator.keys > "$state/api-key"
[ -s "$state/emulator.port" ] || .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' > "$state/emulator.port"
[ -s "$state/instantly-api-key" ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(36))' > "$state/instantly-api-key"
[ -s "$state/instantly.port" ] || .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' > "$state/instantly.port"
chmod 600 "$state/passphrase" "$state/api-key" "$state/instantly-api-key"
mkdir -p "$state/backend" "$state/pulumi-home"

cat > "$state/env" <<ENV
# Written by scripts/setup.sh. Source it: . .mailfleet/env
export PATH="$pulumi_bin:$root/.venv/bin:\$PATH"
export PULUMI_HOME="$state/pulumi-home"
export PULUMI_BACKEND_URL="file://$state/backend"
export PULUMI_CONFIG_PASSPHRASE_FILE="$state/passphrase"
export PULUMI_STACK="\${PULUMI_STACK:-local}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_PYTHON_CMD="$root/.venv/bin/python"
export SMARTLEAD_BASE_URL="http://127.0.0.1:$(cat "$state/emulator.port")/api/v1"
export SMARTLEAD_API_KEY="\$(cat "$state/api-key")"
export INSTANTLY_BASE_URL="http://127.0.0.1:$(cat "$state/instantly.port")/api/v2"
export INSTANTLY_API_KEY="\$(cat "$state/instantly-api-key")"
ENV
log "ready: $("$pulumi_bin/pulumi" version), $(.venv/bin/python --version)"
