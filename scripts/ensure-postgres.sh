#!/usr/bin/env bash
# PostgreSQL server binaries for the shared-state test (tests/scale): Pulumi's built-in postgres:// backend is
# tested against Debian's PostgreSQL on loopback. Prints the directory holding initdb/pg_ctl/postgres, or nothing
# (exit 0) when they are missing and cannot be installed here; the test then skips and says why.
set -euo pipefail

find_bin() {
  local dir
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"; return 0
  fi
  # Debian installs the server outside PATH: /usr/lib/postgresql/<major>/bin.
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

if find_bin; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-postgres: installing postgresql with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq postgresql >/dev/null
  find_bin && exit 0
fi
echo "ensure-postgres: no PostgreSQL server binaries (initdb, pg_ctl) and no way to install them" >&2
exit 0
