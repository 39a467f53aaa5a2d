#!/usr/bin/env bash
# Lint .github/workflows with actionlint, built once from Go modules and cached outside the repo by version:
#   ${XDG_CACHE_HOME:-~/.cache}/mailfleet/actionlint/<version>/actionlint
# The build is `go install github.com/rhysd/actionlint/cmd/actionlint@<version>` into that directory (Go from PATH;
# the module proxy configured for Go is the only registry it talks to). Later runs reuse the binary.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v1.7.12
cache="${XDG_CACHE_HOME:-$HOME/.cache}/mailfleet/actionlint/$version"
binary="$cache/actionlint"

if [ ! -x "$binary" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "actionlint: Go is required to build actionlint $version once (then cached in $cache); install Go and run again" >&2
    exit 1
  fi
  echo "actionlint: building $version with $(go version | cut -d' ' -f3) into $cache" >&2
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  GOBIN="$tmp" GOTOOLCHAIN=local CGO_ENABLED=0 \
    go install -trimpath -ldflags "-s -w -X github.com/rhysd/actionlint.version=$version" \
    "github.com/rhysd/actionlint/cmd/actionlint@$version"
  mv "$tmp/actionlint" "$binary"   # atomic: a half-built binary is never cached
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
  echo "actionlint: no workflows in .github/workflows" >&2
  exit 1
fi
# shellcheck is not installed here; actionlint skips it (and pyflakes) when it is absent from PATH.
"$binary" -no-color "${workflows[@]}"
echo "actionlint $version: ${#workflows[@]} workflows OK" >&2
