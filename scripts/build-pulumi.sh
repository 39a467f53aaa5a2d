#!/usr/bin/env bash
# Provide a Pulumi CLI v3.259.x able to run this Python project and its dynamic providers.
#
# Order of preference:
#   1. the cache (outside the repo, keyed by version) when it holds a complete set;
#   2. a `pulumi` on PATH that reports v3.259.x with the plugins beside it (Pulumi's own installer lays it out so);
#   3. a build from the Go module proxy through a wrapper module that requires Pulumi's modules (no source is
#      copied; `go install` cannot be used because pkg/go.mod has a local replace).
# The Python language host is a separate Go module with no tag, which the proxy here refuses; when it cannot be had,
# mailfleet's own runtime (mailfleet/langhost.py) is installed under its name.
# The CLI that mailfleet runs is then assembled in a directory of its own, named by the hash of mailfleet's plugin
# launcher (scripts/python-plugin-launcher), as mailfleet-<hash>/bin (the Automation API wants a root with bin/pulumi): the same `pulumi` binary (hard-linked, else copied), with the launcher as
# the dynamic-provider host and, unless Pulumi's own language host is there, as the language host. Both plugins then
# exit once the engine that started them is gone (docs/reliability.md). Checkouts with another launcher share the
# build but never each other's launchers.
# Prints the directory that holds the binaries as the last line of stdout; progress goes to stderr.
set -euo pipefail

PULUMI_VERSION="${PULUMI_VERSION:-v3.259.0}"
# Pseudo-version of the language host at the commit tagged pkg/v3.259.0.
LANGHOST_MODULE="github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3"
LANGHOST_VERSION="v3.0.0-20260820084410-a05d88f24d05"
here=$(cd "$(dirname "$0")" && pwd)
CACHE_ROOT="${MAILFLEET_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mailfleet}"
OUT="$CACHE_ROOT/pulumi/$PULUMI_VERSION"
BIN="$OUT/bin"
REQUIRED=(pulumi pulumi-language-python pulumi-resource-pulumi-python)
LAUNCHER="$here/python-plugin-launcher"
DEST="$OUT/mailfleet-$(sha256sum "$LAUNCHER" | cut -c1-12)/bin"

log() { printf 'build-pulumi: %s\n' "$*" >&2; }

complete_in() {
  local dir=$1 f
  for f in "${REQUIRED[@]}"; do [ -x "$dir/$f" ] || return 1; done
  [ "$("$dir/pulumi" version 2>/dev/null | cut -d. -f1,2)" = "${PULUMI_VERSION%.*}" ]
}

# Link a file (no copy of the 150 MB binary) where the file system allows it, else copy it. Never a symlink: the CLI
# looks for its bundled plugins next to its own resolved path.
place() { ln "$1" "$2" 2>/dev/null || cp -p "$1" "$2"; }

# The CLI from the Pulumi binaries in $1, with mailfleet's launcher; prints its directory.
assemble() {
  local src=$1 tmp f
  tmp=$(mktemp -d "$OUT/.assemble.XXXXXX")
  place "$src/pulumi" "$tmp/pulumi"
  if [ -x "$src/pulumi-language-python-exec" ]; then
    # Pulumi's own language host (it runs pulumi-language-python-exec beside it).
    for f in pulumi-language-python pulumi-language-python-exec; do place "$src/$f" "$tmp/$f"; done
  else
    install -m 0755 "$LAUNCHER" "$tmp/pulumi-language-python"
  fi
  install -m 0755 "$LAUNCHER" "$tmp/pulumi-resource-pulumi-python"
  chmod 0755 "$tmp"
  # Another set-up may have assembled the same directory meanwhile: then keep that one.
  [ -e "$DEST" ] || mv "$tmp" "$DEST"
  rm -rf "$tmp"
  complete_in "$DEST" || { log "could not assemble $DEST"; exit 1; }
  echo "$DEST"
}

if complete_in "$DEST"; then
  echo "$DEST"; exit 0
fi
mkdir -p "$(dirname "$DEST")"

if complete_in "$BIN"; then
  assemble "$BIN"; exit 0
fi

if onpath=$(command -v pulumi 2>/dev/null); then
  dir=$(dirname "$(readlink -f "$onpath")")
  if complete_in "$dir"; then
    log "reusing $onpath ($("$onpath" version))"
    assemble "$dir"; exit 0
  fi
  log "not reusing $onpath: it is not ${PULUMI_VERSION%.*}.x with the Python plugins beside it"
fi

if ! command -v go >/dev/null 2>&1; then
  log "no usable pulumi ${PULUMI_VERSION%.*}.x on PATH, and no Go toolchain to build one."
  log "Install Go >= 1.25 (https://go.dev/doc/install), or Pulumi $PULUMI_VERSION (https://www.pulumi.com/docs/install/), and run again."
  exit 1
fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
work="$OUT/wrapper"
mkdir -p "$work" "$BIN"
cd "$work"
start=$(date +%s)

langhost=""
if go list -m "$LANGHOST_MODULE@$LANGHOST_VERSION" >/dev/null 2>&1; then
  langhost="$LANGHOST_MODULE"
else
  log "the module proxy does not serve $LANGHOST_MODULE; using mailfleet's own python language runtime"
fi

{
  printf 'module mailfleet.local/pulumibuild\n\ngo 1.25\n\nrequire (\n'
  printf '\tgithub.com/pulumi/pulumi/pkg/v3 %s\n\tgithub.com/pulumi/pulumi/sdk/v3 %s\n' "$PULUMI_VERSION" "$PULUMI_VERSION"
  [ -z "$langhost" ] || printf '\t%s %s\n' "$langhost" "$LANGHOST_VERSION"
  printf ')\n\n// The tool lines keep `go mod tidy` from dropping the requirements (a main package cannot be imported).\n'
  printf 'tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi\n'
  [ -z "$langhost" ] || printf 'tool %s\n' "$langhost"
} > go.mod
rm -f go.sum

log "resolving modules (a cold module cache downloads about 1.6 GB)"
go mod tidy >&2
# The flags of Pulumi's own release build. The version ldflag is required: the Automation API parses `pulumi version`.
LDF="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
FLAGS=(-trimpath -tags osusergo,grpcnotrace -ldflags "$LDF")
log "building pulumi (a cold build takes several minutes on 2 cores)"
go build "${FLAGS[@]}" -o "$BIN/pulumi.partial" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi >&2
sdk_dir=$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)
# Module-cache files are read-only and lose their exec bit, hence install -m 0755.
install -m 0755 "$sdk_dir/python/dist/pulumi-resource-pulumi-python" "$BIN/"
if [ -n "$langhost" ]; then
  go build "${FLAGS[@]}" -o "$BIN/pulumi-language-python" "$langhost" >&2
  install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$BIN/"
else
  install -m 0755 "$LAUNCHER" "$BIN/pulumi-language-python"
fi
# Renamed last, so an interrupted build is never taken for a complete one.
mv "$BIN/pulumi.partial" "$BIN/pulumi"
log "built $("$BIN/pulumi" version) in $(( $(date +%s) - start ))s into $BIN"
assemble "$BIN"
