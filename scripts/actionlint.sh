#!/usr/bin/env bash
# Placeholder until the workflows land: replaced by the actionlint build-and-run script.
set -euo pipefail
echo "actionlint: no workflows yet" >&2
