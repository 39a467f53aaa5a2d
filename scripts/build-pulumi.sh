#!/usr/bin/env bash
# Provide a Pulumi CLI v3.259.x with the Python language host and the dynamic-provider plugin.
#
# Order of preference:
#   1. the cache (outside the repo, keyed by version), when it holds a complete build;
#   2. a `pulumi` on PATH that reports v3.259.x (its directory must also hold, or PATH must offer,
#      pulumi-language-python and pulumi-resource-pulumi-python);
#   3. a build from the Go module proxy through a wrapper module (no Pulumi source is copied).
# Prints the directory that holds the binaries on its last line of stdout; progress goes to stderr.
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-v3.259.0}"
# The language host has no tag of its own: this pseudo-version names the commit tagged pkg/v3.259.0.
LANGHOST_VERSION="v3.0.0-20260820084410-a05d88f24d05"
CACHE_ROOT="${MAILFLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mailfleet}"
OUT="$CACHE_ROOT/pulumi/$PULUMI_VERSION"
BIN="$OUT/bin"
REQUIRED=(pulumi pulumi-language-python pulumi-language-python-exec pulumi-resource-pulumi-python)

log() { printf 'build-pulumi: %s\n' "$*" >&2; }

complete_in() {
  local dir=$1 f
  for f in "${REQUIRED[@]}"; do [ -x "$dir/$f" ] || return 1; done
  "$dir/pulumi" version 2>/dev/null | grep -q "^${PULUMI_VERSION%.*}\."
}

if complete_in "$BIN"; then
  echo "$BIN"; exit 0
fi

if onpath=$(command -v pulumi 2>/dev/null); then
  dir=$(dirname "$(readlink -f "$onpath")")
  if complete_in "$dir"; then
    log "reusing $onpath ($("$onpath" version))"
    echo "$dir"; exit 0
  fi
  log "ignoring $onpath: not ${PULUMI_VERSION%.*}.x with the Python language host beside it"
fi

if ! command -v go >/dev/null 2>&1; then
  log "no usable pulumi ${PULUMI_VERSION%.*}.x on PATH and no Go toolchain to build one."
  log "Install Go >= 1.25 (https://go.dev/doc/install) or Pulumi $PULUMI_VERSION (https://www.pulumi.com/docs/install/), then run again."
  exit 1
fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
work="$OUT/wrapper"
mkdir -p "$work" "$BIN"
cd "$work"
cat > go.mod <<GOMOD
module mailfleet.local/pulumibuild

go 1.25

require (
	github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION
	github.com/pulumi/pulumi/sdk/v3 $PULUMI_VERSION
)

tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
GOMOD
rm -f go.sum

start=$(date +%s)
log "resolving modules (a cold module cache downloads about 1 GB)"
go mod tidy >&2
LDF="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
log "building pulumi"
go build -trimpath -tags osusergo,grpcnotrace -ldflags "$LDF" -o "$BIN/pulumi.tmp" \
  github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
log "building pulumi-language-python"

  github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3 >&2
sdk_dir=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
# Module-cache files are read-only and lose their exec bit, hence install -m 0755.
install -m 0755 "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$BIN/"
install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$BIN/"
# Written last, so an interrupted build is never mistaken for a complete one.
mv "$BIN/pulumi.tmp" "$BIN/pulumi"
log "built $("$BIN/pulumi" version) in $(( $(date +%s) - start ))s into $BIN"
echo "$BIN"
