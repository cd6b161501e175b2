#!/usr/bin/env bash
# The test command (README, CI): starts a throwaway PostgreSQL (installing it from Debian
# packages if it is missing), runs every test against it and the embedded stores, and stops it.
#
#   Scripts/test.sh                 build and run every test
#   Scripts/test.sh --filter NAME   only tests matching NAME (PostgreSQL is still started)
#
# Fails if any test fails or if no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."

# tmux: the CLI's terminal tests type into it (send-keys) and read its screen (capture-pane).
if ! command -v tmux >/dev/null; then
  echo "test.sh: installing tmux from Debian packages" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tmux >&2
fi

pgdir=$(mktemp -d "${TMPDIR:-/tmp}/cohort-test-pg.XXXXXX")
restartdir=$(mktemp -d "${TMPDIR:-/tmp}/cohort-test-pg-restart.XXXXXX")
cleanup() {
  Scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true
  Scripts/postgres.sh stop "$restartdir" >/dev/null 2>&1 || true
}
trap cleanup EXIT

url=$(Scripts/postgres.sh start "$pgdir" | tail -n 1)
echo "test.sh: PostgreSQL for the tests at $url"
export COHORT_TEST_POSTGRES_URL="$url"
# A second, empty database for the end-to-end test of cohortd on PostgreSQL.
psql -q "$url" -c "CREATE DATABASE cohort_e2e" >/dev/null
export COHORT_TEST_POSTGRES_E2E_URL="${url/\/cohort\?/\/cohort_e2e?}"
export COHORT_REQUIRE_POSTGRES=1
# A second server that the restart tests stop and start again (ThrowawayPostgres), started here so
# that its initdb does not compete with the tests for the disk.
restarturl=$(Scripts/postgres.sh start "$restartdir" | tail -n 1)
export COHORT_TEST_POSTGRES_RESTART_URL=$restarturl COHORT_TEST_POSTGRES_RESTART_DIR=$restartdir
# Each cluster has a TLS certificate from a CA of its own (for the sslmode=verify-full tests).
export COHORT_TEST_POSTGRES_CA=$pgdir/tls/ca.pem COHORT_TEST_POSTGRES_OTHER_CA=$restartdir/tls/ca.pem

# The committed generated code must be what Protos/ generates (checksums; Scripts/generate-protos.sh
# --check regenerates and compares, which needs protoc and about 10 minutes to build the generators).
Scripts/generate-protos.sh --verify
# The house rules of .swift-format (swift-format ships with the toolchain).
Scripts/format.sh --check

# Our targets treat warnings as errors (Package.swift), so a warning fails here too.
swift build --build-tests

# An outside client (Python grpcio) against the real cohortd, before the Swift tests so that
# the output ends with their summary.
Scripts/interop.sh

log=$(mktemp)
status=0
swift test --skip-build "$@" 2>&1 | tee "$log" || status=$?
# Make sure tests ran at all (Swift Testing prints "Test run with N tests ...").
if ! grep -qE "Test run with [1-9][0-9]* tests?" "$log"; then
  echo "test.sh: no test ran" >&2
  status=1
fi
rm -f "$log"
exit "$status"
