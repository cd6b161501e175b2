#!/usr/bin/env bash
# An outside client against the real cohortd: Python grpcio (from PyPI) checks TLS, health,
# reflection and token refusal, and a PortOne webhook signed by the standardwebhooks package
# (PyPI) validates a payment through a stand-in of PortOne's API (Tests/Interop/). Run by Scripts/test.sh; needs a
# built cohortd (swift build). Exits non-zero when a check fails; skips, saying so, when grpcio
# cannot be installed (no PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c "import grpc, grpc_reflection, grpc_health, standardwebhooks" 2>/dev/null; then
  if ! python3 -m pip install -q --disable-pip-version-check grpcio grpcio-reflection grpcio-health-checking \
    standardwebhooks >/dev/null 2>&1; then
    echo "interop.sh: SKIPPED: grpcio or standardwebhooks could not be installed from PyPI" >&2
    exit 0
  fi
fi

home=$(mktemp -d "${TMPDIR:-/tmp}/cohort-interop.XXXXXX")
# PortOne's side: a stand-in of its API on a free loopback port, and the secrets cohortd needs.
secret="whsec_$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(24)).decode())')"
echo "$secret" >"$home/portone-webhook.secret"
echo "interop-api-secret" >"$home/portone-api.secret"
standin_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 Tests/Interop/portone_standin.py "$standin_port" interop-api-secret &
standin=$!
"$(swift build --show-bin-path)/cohortd" --data-dir "$home" --port 0 --https-port 0 --log-level warning \
  --portone-webhook-secret-file "$home/portone-webhook.secret" --portone-api-secret-file "$home/portone-api.secret" \
  --portone-api-url "http://127.0.0.1:$standin_port" &
pid=$!
trap 'kill "$pid" "$standin" 2>/dev/null || true; wait "$pid" "$standin" 2>/dev/null || true; rm -rf "$home"' EXIT
for _ in $(seq 1 100); do
  [ -f "$home/server.json" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "interop.sh: cohortd exited before serving" >&2; exit 1; }
  sleep 0.1
done
echo "interop.sh: Python grpcio against cohortd"
python3 Tests/Interop/python_client.py "$home" "$secret"
