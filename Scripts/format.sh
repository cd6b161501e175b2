#!/usr/bin/env bash
# Formats the hand-written Swift code with swift-format (part of the Swift toolchain) by the
# house rules in .swift-format. Sources/CohortAPI is generated and left as the generators write it.
#
#   Scripts/format.sh          format in place
#   Scripts/format.sh --check  fail, listing what differs, if anything is not formatted (the test command runs this)
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t files < <(find Sources Tests Benchmarks Tools -path Sources/CohortAPI -prune -o -name '*.swift' -print | LC_ALL=C sort)
files+=(Package.swift)

if [ "${1:-}" = "--check" ]; then
  if ! swift format lint --strict --parallel "${files[@]}"; then
    echo "code is not formatted by .swift-format: run Scripts/format.sh and commit the result" >&2
    exit 1
  fi
  echo "${#files[@]} files formatted by .swift-format"
else
  swift format format --in-place --parallel "${files[@]}"
fi
