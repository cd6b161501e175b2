#!/usr/bin/env bash
# An outside client against the real cohortd: Python grpcio (from PyPI) checks TLS, health,
# reflection and token refusal (Tests/Interop/python_client.py). Run by Scripts/test.sh; needs a
# built cohortd (swift build). Exits non-zero when a check fails; skips, saying so, when grpcio
# cannot be installed (no PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c "import grpc, grpc_reflection, grpc_health" 2>/dev/null; then
  if ! python3 -m pip install -q --disable-pip-version-check grpcio grpcio-reflection grpcio-health-checking >/dev/null 2>&1; then
    echo "interop.sh: SKIPPED: grpcio could not be installed from PyPI" >&2
    exit 0
  fi
fi

home=$(mktemp -d "${TMPDIR:-/tmp}/cohort-interop.XXXXXX")
"$(swift build --show-bin-path)/cohortd" --data-dir "$home" --port 0 --log-level warning &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$home"' EXIT
for _ in $(seq 1 100); do
  [ -f "$home/server.json" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "interop.sh: cohortd exited before serving" >&2; exit 1; }
  sleep 0.1
done
echo "interop.sh: Python grpcio against cohortd"
python3 Tests/Interop/python_client.py "$home"
