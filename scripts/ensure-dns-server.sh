#!/usr/bin/env bash
# NSD (Debian's authoritative DNS server) for the DNS-authentication tests (tests/health): each test writes a zone,
# and the fixture runs nsd on a free loopback port. Prints the path of the nsd binary, or nothing (exit 0) when it
# is missing and cannot be installed here; the tests that need it then skip and say why.
set -euo pipefail

find_bin() {
  local candidate
  for candidate in "$(command -v nsd 2>/dev/null || true)" /usr/sbin/nsd; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

if find_bin; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-dns-server: installing nsd with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # The package's own service is not wanted (nothing here runs it): tests start nsd themselves on loopback.
  apt-get install -y -qq --no-install-recommends nsd >/dev/null 2>&1 || apt-get install -y -qq nsd >/dev/null
  find_bin && exit 0
fi
echo "ensure-dns-server: no nsd binary and no way to install it" >&2
exit 0
