#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests.
#
#   Scripts/postgres.sh start DIR   installs PostgreSQL if needed, creates a cluster in DIR, starts it
#                                   on a free loopback port and prints its URL as the last line:
#                                   postgres://postgres@127.0.0.1:PORT/cohort?sslmode=disable
#   Scripts/postgres.sh stop DIR    stops that server and removes DIR.
#   Scripts/postgres.sh pause DIR   stops that server (pg_ctl stop -m fast) and keeps its cluster.
#   Scripts/postgres.sh resume DIR  starts a paused server again, on the same port.
#   Scripts/postgres.sh createdb DIR NAME
#                                   creates an empty database NAME on that running server and
#                                   prints its URL as the last line.
#
# The server listens on 127.0.0.1 only and trusts loopback connections, so it is for tests on
# this machine and nothing else. It also speaks TLS, with a certificate for the name localhost
# (not the address 127.0.0.1) signed by a CA of its own, DIR/tls/ca.pem: the tests of
# sslmode=verify-full connect to it as localhost and as 127.0.0.1. fsync and synchronous_commit
# stay on: the tests exercise the same durability settings as production. The server log is DIR/server.log.
set -euo pipefail

usage() {
  echo "usage: $0 start DIR | stop DIR | pause DIR | resume DIR | createdb DIR NAME" >&2
  exit 2
}

log() { echo "postgres.sh: $*" >&2; }

# The newest installed PostgreSQL's bin directory, or nothing.
find_bin() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n "$initdb" ]] && dirname "$initdb"
  return 0
}

install_postgres() {
  log "installing PostgreSQL from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends postgresql >&2
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  log "found no free port"
  return 1
}

# Runs a command as the postgres user (initdb and postgres refuse to run as root).
as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A CA of the cluster's own (DIR/ca.pem) and a server certificate it signed for localhost only.
make_certificates() {
  local tls=$1
  command -v openssl >/dev/null || {
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssl >&2
  }
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/CN=cohort test PostgreSQL CA" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
    -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' \
    >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 30 \
    -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
  rm -f "$tls/ca.key" "$tls/server.csr" "$tls/server.ext" "$tls/ca.srl"
  chmod 600 "$tls/server.key"
  if [[ $(id -u) -eq 0 ]]; then chown -R postgres: "$tls"; fi
}

start() {
  local dir=$1 bin port
  bin=$(find_bin)
  if [[ -z "$bin" ]]; then
    install_postgres
    bin=$(find_bin)
    [[ -n "$bin" ]] || { log "initdb is still missing after installing postgresql"; exit 1; }
  fi
  if [[ -e "$dir" ]] && [[ -n "$(ls -A "$dir" 2>/dev/null)" ]]; then
    log "$dir exists and is not empty; stop the server there first or pick another directory"
    exit 1
  fi
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi

  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  mkdir -p "$dir/data" "$dir/socket"
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres: "$dir"
    # The postgres user must be able to reach DIR through its parents (for example under /tmp).
    chmod o+x "$(dirname "$dir")" 2>/dev/null || true
  fi

  log "creating a cluster in $dir/data"
  as_postgres "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }

  make_certificates "$dir/tls"
  port=$(free_port)
  cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/socket'
max_connections = 300
fsync = on
synchronous_commit = on
ssl = on
ssl_cert_file = '$dir/tls/server.pem'
ssl_key_file = '$dir/tls/server.key'
EOF
  cat >"$dir/data/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF

  log "starting on 127.0.0.1:$port"
  as_postgres "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
  as_postgres "$bin/createdb" --host="$dir/socket" --port="$port" --username=postgres cohort >&2
  echo "postgres://postgres@127.0.0.1:$port/cohort?sslmode=disable"
}

stop() {
  local dir=$1 bin
  [[ -d "$dir" ]] || { log "$dir does not exist; nothing to stop"; return 0; }
  bin=$(find_bin)
  if [[ -n "$bin" && -f "$dir/data/postmaster.pid" ]]; then
    as_postgres "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >&2 || true
  fi
  rm -rf "$dir"
}

# The way a database goes away in production (an administrator or a failover stops it: the
# backends are told to terminate, then new connections are refused) and comes back.
pause() {
  local bin
  bin=$(find_bin)
  as_postgres "$bin/pg_ctl" --pgdata="$1/data" --mode=fast --wait stop >&2
}

resume() {
  local bin
  bin=$(find_bin)
  as_postgres "$bin/pg_ctl" --pgdata="$1/data" --log="$1/server.log" --wait --timeout=60 start >&2
}

create_database() {
  local dir=$1 name=$2 bin port
  bin=$(find_bin)
  port=$(sed -n 's/^port = //p' "$dir/data/postgresql.conf" | tail -n 1)
  as_postgres "$bin/createdb" --host="$dir/socket" --port="$port" --username=postgres "$name" >&2
  echo "postgres://postgres@127.0.0.1:$port/$name?sslmode=disable"
}

if [[ $# -eq 3 && $1 == createdb ]]; then
  create_database "$2" "$3"
  exit 0
fi
[[ $# -eq 2 ]] || usage
case $1 in
  start) start "$2" ;;
  stop) stop "$2" ;;
  pause) pause "$2" ;;
  resume) resume "$2" ;;
  *) usage ;;
esac
