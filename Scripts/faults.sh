#!/usr/bin/env bash
# The fault suite: the real cohortd binary on each of its stores (the embedded SQLite file, and
# a real, throwaway PostgreSQL), under faults.
#
#   Scripts/faults.sh                 the full suite (larger counts; several times the quick run)
#   FAULTS_QUICK=1 Scripts/faults.sh  smaller counts, for a smoke test (about 5 minutes after the build)
#
# Checks, each printing what it tried and what it found, on both stores unless said otherwise:
#   1. kill-9     kill -9 of cohortd (twice) while 32 clients enroll and withdraw with retries
#                 that reuse their request ids; restart; every acknowledged command is in the log
#                 exactly once, and a restarted cohortd's rosters equal a fresh fold of the log.
#   2. pg-restart (PostgreSQL) PostgreSQL stopped and started again under load: cohortd answers
#                 UNAVAILABLE meanwhile, recovers by itself (same process), loses nothing
#                 acknowledged.
#   3. pg-kill    (PostgreSQL) the same with the postmaster killed by SIGKILL: crash recovery.
#      commit-drop (PostgreSQL) a proxy between cohortd and PostgreSQL swallows every 5th commit's
#                 answer (an append's statement, or a COMMIT) and closes the connection: retries answer the stored result, the next
#                 command on the stream sees the committed state, nothing is lost or doubled.
#   4. two-servers two cohortd on one database or SQLite file, started at once (the first-tenant
#                 race), 200 members racing into a cohort of 10 (and a waitlist of 50) through both: capacity never
#                 exceeded, members + waitlist = acknowledged, no one twice, read models agree.
#   5. stale      two cohortd on one database: a member enrolled through one, withdrawn through
#                 the other, enrolled again through the first (whose cache is stale), and back:
#                 every step answers as the log says.
#   6. fuzz       malformed or random protobuf to every RPC of the descriptor set (52)
#                 with the owner's token, then fewer with a staff, partner and member token and
#                 with none: no crash, no hang,
#                 only acceptable statuses (PERMISSION_DENIED / UNAUTHENTICATED where the role
#                 says so), nothing written without a token, the log's invariants hold after.
#   7. sigterm    SIGTERM under load: cohortd exits 0 within 15 s, its log says the projection
#                 stopped at a checkpoint, nothing acknowledged is lost after a restart.
#   8. probes     requests with exactly one right answer: a retry with the same request id but
#                 another body (ALREADY_EXISTS), a request id reused for another command
#                 (ALREADY_EXISTS), the same e-mail with a trailing newline (ALREADY_EXISTS),
#                 edge values (Feb 30, negative price), a position beyond the head (OUT_OF_RANGE).
#   9. disk-full  the store on a small filesystem (tmpfs) filled up under load: appends answer
#                 UNAVAILABLE (never INTERNAL), the server keeps running, and once space is
#                 freed it writes again, with nothing acknowledged lost.
#  10. flood      1,500 connections that never start TLS, 300 tokenless Watch streams and far
#                 position waits while the owner reads: the owner's p99 stays under 1 s.
#
# Every verification reads the log with the database's own client (psql's COPY, the sqlite3
# shell), not with cohortd's code: the count of events must equal the count folded, every
# acknowledged command is there exactly once, a refused request and a request id nobody sent
# have no events, and each server's read model equals the fold.
#
# Environment: FAULTS_QUICK=1 (smaller counts), FAULTS_STORES="sqlite postgres" (the stores to run
# the checks on, in that order), FAULTS_CONFIGURATION=debug|release (cohortd's,
# default debug, so that assertions run), FAULTS_TOOL_CONFIGURATION (cohort-faults', default
# release: a debug load generator takes a whole core of the two and starves the server it tests),
# FAULTS_ONLY="kill-9 fuzz" (run some checks), FAULTS_KEEP=1 (keep the work directory with
# every log and report), FAULTS_LOG_LEVEL (cohortd's --log-level, default info; trace shows every
# PostgreSQL message), FAULTS_TIMEOUT (seconds for the whole run after the build, default 1500).
# Exits non-zero when any check fails.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUICK=${FAULTS_QUICK:-0}
CONFIGURATION=${FAULTS_CONFIGURATION:-debug}
TOOL_CONFIGURATION=${FAULTS_TOOL_CONFIGURATION:-release}
ONLY=${FAULTS_ONLY:-}
STORES=${FAULTS_STORES:-sqlite postgres}
STORE=
BASE=$(mktemp -d "${TMPDIR:-/tmp}/cohort-faults.XXXXXX")
# Each store's checks keep their files in $BASE/<store>; WORK is the one in use.
WORK=$BASE
# Not $BASE/postgres: that is the postgres checks' WORK, and stopping the cluster deletes its directory.
PGDIR=$BASE/cluster
declare -A PIDS=()
declare -a NAMES=() RESULTS=() DETAILS=() STORE_OF=()
MOUNTS=()
WATCHDOG=
FAILED_ANY=0

say() { echo "faults: $*"; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for name in "${!PIDS[@]}"; do
    kill -9 "${PIDS[$name]}" 2>/dev/null || true
  done
  # The watchdog is a subshell: its sleep goes first, or it would keep this script's output open.
  [[ -n "$WATCHDOG" ]] && { pkill -P "$WATCHDOG" 2>/dev/null; kill "$WATCHDOG" 2>/dev/null; } || true
  for mount in "${MOUNTS[@]}"; do umount -l "$mount" 2>/dev/null || true; done
  "$ROOT/Scripts/postgres.sh" stop "$PGDIR" >/dev/null 2>&1 || true
  if [[ "${FAULTS_KEEP:-0}" == 1 || $status -ne 0 ]]; then
    say "logs and reports kept in $BASE"
  else
    rm -rf "$BASE"
  fi
  exit $status
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Build, PostgreSQL, helpers
# ---------------------------------------------------------------------------------------------

command -v sqlite3 >/dev/null || {
  say "installing the sqlite3 shell (verification reads the SQLite log with it)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3; } >"$WORK/apt.log" 2>&1 \
    || { cat "$WORK/apt.log"; exit 1; }
}

say "building cohortd ($CONFIGURATION) and cohort-faults ($TOOL_CONFIGURATION)"
(cd "$ROOT" && swift build -c "$CONFIGURATION" --product cohortd && swift build -c "$TOOL_CONFIGURATION" --product cohort-faults) \
  >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; say "build failed"; exit 1; }
COHORTD=$(cd "$ROOT" && swift build -c "$CONFIGURATION" --show-bin-path)/cohortd
FAULTS=$(cd "$ROOT" && swift build -c "$TOOL_CONFIGURATION" --show-bin-path)/cohort-faults

( sleep "${FAULTS_TIMEOUT:-1500}"; echo "faults: the suite took longer than ${FAULTS_TIMEOUT:-1500} s; stopping"; kill -TERM $$ ) &
WATCHDOG=$!

say "starting a throwaway PostgreSQL in $PGDIR"
PGURL=$("$ROOT/Scripts/postgres.sh" start "$PGDIR" 2>"$WORK/postgres-start.log" | tail -n 1) \
  || { cat "$WORK/postgres-start.log"; exit 1; }
PGPORT=$(sed -E 's|.*:([0-9]+)/.*|\1|' <<<"$PGURL")
PGBIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")
say "PostgreSQL at $PGURL"

as_postgres() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Runs SQL in database $1 and prints the rows, unaligned.
sql() {
  as_postgres "$PGBIN/psql" --host="$PGDIR/socket" --port="$PGPORT" --username=postgres --dbname="$1" \
    --no-psqlrc --tuples-only --no-align --quiet --command="$2"
}

# new_database NAME [TABLESPACE]: on PostgreSQL, creates an empty database for one check and
# prints its URL; on SQLite prints nothing (cohortd then keeps its log in its data directory).
new_database() {
  [[ "$STORE" == postgres ]] || return 0
  sql cohort "CREATE DATABASE $1${2:+ TABLESPACE $2}" >/dev/null
  echo "postgres://postgres@127.0.0.1:$PGPORT/$1?sslmode=disable"
}

database_name() { sed -E 's|.*/([^/?]+)(\?.*)?$|\1|' <<<"$1"; }

# dump_log DIR URL FILE: the log as tab-separated rows (position, id, tenant, stream, version,
# type, metadata and data in hex), read by the database's own client, not by cohortd's code.
dump_log() {
  local dir=$1 url=$2 out=$3
  if [[ -n "$url" ]]; then
    sql "$(database_name "$url")" "COPY (SELECT position, replace(id::text, '-', ''), replace(tenant_id::text, '-', ''), stream, version, type, encode(metadata, 'hex'), encode(data, 'hex') FROM events ORDER BY position) TO STDOUT" >"$out"
  else
    sqlite3 -readonly -batch -noheader -separator $'\t' "$dir/cohort.sqlite" \
      "SELECT position, lower(hex(id)), lower(hex(tenant_id)), stream, version, type, lower(hex(metadata)), lower(hex(data)) FROM events ORDER BY position" >"$out"
  fi
}

# count_events DIR URL: the number of events in the log, by the database's own client.
count_events() {
  if [[ -n "$2" ]]; then
    sql "$(database_name "$2")" "SELECT count(*) FROM events"
  else
    sqlite3 -readonly -batch -noheader "$1/cohort.sqlite" "SELECT count(*) FROM events"
  fi
}

# verify DIR URL LABEL ARGS...: dumps the log and runs `cohort-faults verify` on it.
verify() {
  local dir=$1 url=$2 label=$3
  shift 3
  dump_log "$dir" "$url" "$WORK/$label.tsv" || { fail "the log could not be read with SQL"; return 1; }
  "$FAULTS" verify --data-dir "$dir" --log-dump "$WORK/$label.tsv" \
    --expect-events "$(count_events "$dir" "$url")" --label "$STORE-$label" "$@"
}

pg_stop() { as_postgres "$PGBIN/pg_ctl" --pgdata="$PGDIR/data" --mode=fast --wait --timeout=60 stop >>"$WORK/pg_ctl.log" 2>&1; }
pg_start() {
  as_postgres "$PGBIN/pg_ctl" --pgdata="$PGDIR/data" --log="$PGDIR/server.log" --wait --timeout=60 start \
    >>"$WORK/pg_ctl.log" 2>&1
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    # Below Linux's ephemeral range (32768 and up), where outgoing connections take ports.
    port=$((10000 + RANDOM % 22000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# start_cohortd NAME DATA_DIR DATABASE_URL PORT: runs cohortd in the background, log in $WORK/NAME.log.
start_cohortd() {
  local name=$1 dir=$2 url=$3 port=$4
  mkdir -p "$dir"
  echo "=== start $(date +%T.%N)" >>"$WORK/$name.log"
  "$COHORTD" --data-dir "$dir" --host 127.0.0.1 --port "$port" --https-port 0 ${url:+--database-url "$url"} \
    --log-level "${FAULTS_LOG_LEVEL:-info}" \
    >>"$WORK/$name.log" 2>&1 &
  PIDS[$name]=$!
}

# wait_ready NAME DATA_DIR: until cohortd NAME answers its health check with SERVING (60 s).
wait_ready() {
  local name=$1 dir=$2
  for _ in $(seq 1 600); do
    [[ -f "$dir/server.json" ]] && break
    kill -0 "${PIDS[$name]}" 2>/dev/null || { say "cohortd $name exited during start:"; tail -n 20 "$WORK/$name.log"; return 1; }
    sleep 0.1
  done
  "$FAULTS" wait-ready --data-dir "$dir" --timeout 60 || { tail -n 20 "$WORK/$name.log"; return 1; }
}

# survived NAME DIR URL PORT PID WHEN: whether cohortd NAME (PID) lived through a fault. If it
# exited, records a failure with the end of its log and starts it again, so that the clients'
# retries can finish and loss is still checked (RESTARTED=1 then). Returns 1 if it cannot start.
RESTARTED=0
survived() {
  local name=$1 dir=$2 url=$3 port=$4 pid=$5 when=$6
  RESTARTED=0
  if kill -0 "$pid" 2>/dev/null; then
    say "cohortd (pid $pid) kept running $when"
    return 0
  fi
  wait_exit "$pid" 1
  fail "cohortd exited (status $EXIT_STATUS) $when"
  grep -aE "error|critical|Fatal|stopped|failed" "$WORK/$name.log" | tail -n 6 | cut -c1-400 | sed 's/^/    /'
  say "restarting cohortd so that the clients' retries can finish, to check for loss anyway"
  unset "PIDS[$name]"
  RESTARTED=1
  start_cohortd "$name" "$dir" "$url" "$port"
  wait_ready "$name" "$dir" || { fail "cohortd did not restart"; return 1; }
}

# stop_cohortd NAME: kill -9 (the end of a check; nothing is verified about it).
stop_cohortd() {
  local name=$1
  if [[ -n "${PIDS[$name]:-}" ]]; then
    kill -9 "${PIDS[$name]}" 2>/dev/null || true
    wait "${PIDS[$name]}" 2>/dev/null || true
    unset "PIDS[$name]"
  fi
}

# wait_exit PID SECONDS: waits for the child PID to exit, at most SECONDS; sets EXIT_STATUS to its
# exit status, or "timeout". (Not in a $(...) subshell: only the parent shell can wait for it.)
EXIT_STATUS=
wait_exit() {
  local pid=$1 limit=$2 start=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS - start >= limit)); then
      EXIT_STATUS=timeout
      return 0
    fi
    sleep 0.1
  done
  EXIT_STATUS=0
  wait "$pid" 2>/dev/null || EXIT_STATUS=$?
}

# field NAME FILE: the value of NAME=value on the load summary line in FILE.
field() {
  local value
  value=$(grep -o "summary .*" "$2" 2>/dev/null | tail -n 1 | tr ' ' '\n' | sed -n "s/^$1=//p")
  echo "${value:-0}"
}

now_ms() { date +%s%3N; }

CHECK_OK=1
CHECK_NOTE=
fail() {
  say "  FAIL: $*"
  CHECK_OK=0
  CHECK_NOTE="${CHECK_NOTE:+$CHECK_NOTE; }$*"
}
note() { CHECK_NOTE="${CHECK_NOTE:+$CHECK_NOTE; }$*"; }

run_check() {
  local name=$1 function=$2
  if [[ -n "$ONLY" && " $ONLY " != *" $name "* ]]; then return 0; fi
  CHECK_OK=1
  CHECK_NOTE=
  echo
  say "=== $name on $STORE ==="
  local started=$SECONDS
  "$function" || fail "the check itself stopped early"
  NAMES+=("$name")
  STORE_OF+=("$STORE")
  if ((CHECK_OK)); then RESULTS+=("PASS"); else RESULTS+=("FAIL"); FAILED_ANY=1; fi
  DETAILS+=("$((SECONDS - started)) s; $CHECK_NOTE")
  say "=== $name on $STORE: ${RESULTS[-1]} ($((SECONDS - started)) s)"
}

if ((QUICK)); then
  LOAD_SECONDS=8 FUZZ_COUNT=5000 RACERS=60 KILLS=1 FLOOD_SECONDS=4
else
  LOAD_SECONDS=24 FUZZ_COUNT=100000 RACERS=200 KILLS=2 FLOOD_SECONDS=10
fi

# ---------------------------------------------------------------------------------------------
# 1. kill -9 under load
# ---------------------------------------------------------------------------------------------
check_kill() {
  local url dir=$WORK/kill port load_pid t0 rc
  url=$(new_database faults_kill)
  port=$(free_port)
  start_cohortd kill "$dir" "$url" "$port"
  wait_ready kill "$dir" || { fail "cohortd did not start"; return 0; }
  "$FAULTS" setup --data-dir "$dir" --cohorts 1 2 3 4 --capacity 100 --sent-out "$WORK/kill.sent"

  say "32 clients enroll (and withdraw every 5th) for $LOAD_SECONDS s into cohorts 1-4 (capacity 100 each), retrying with the same request ids; kill -9 of cohortd $KILLS time(s)"
  "$FAULTS" load --data-dir "$dir" --label kill --clients 32 --cohorts 1 2 3 4 --duration "$LOAD_SECONDS" \
    --withdraw-every 5 --request-deadline 90 --out "$WORK/kill.json" >"$WORK/kill-load.out" 2>&1 &
  load_pid=$!
  for round in $(seq 1 "$KILLS"); do
    sleep $((LOAD_SECONDS / (KILLS + 1)))
    say "kill -9 cohortd (pid ${PIDS[kill]}) at $(date +%T)"
    kill -9 "${PIDS[kill]}"
    wait "${PIDS[kill]}" 2>/dev/null || true
    sleep 1
    t0=$(now_ms)
    start_cohortd kill "$dir" "$url" "$port"
    wait_ready kill "$dir" || { fail "cohortd did not restart after kill -9 number $round"; return 0; }
    say "restarted; serving again after $(($(now_ms) - t0)) ms"
  done
  rc=0
  wait "$load_pid" || rc=$?
  cat "$WORK/kill-load.out"
  ((rc == 0)) || fail "the load generator failed ($rc)"

  say "kill -9 once more and restart, so the read model is a fresh fold of the log"
  stop_cohortd kill
  start_cohortd kill "$dir" "$url" "$port"
  wait_ready kill "$dir" || { fail "cohortd did not restart"; return 0; }
  verify "$dir" "$url" kill-verify --report "$WORK/kill.json" --sent "$WORK/kill.sent" \
    || fail "verification found loss, duplicates, unsent or refused requests in the log, or a stale read model"
  local acked unexpected gaveup
  acked=$(field acknowledged "$WORK/kill-load.out")
  unexpected=$(field unexpected "$WORK/kill-load.out")
  gaveup=$(field gaveup "$WORK/kill-load.out")
  note "$acked acknowledged, $gaveup gave up, $(field unavailable "$WORK/kill-load.out") UNAVAILABLE retried, $unexpected unexpected statuses"
  [[ "$unexpected" == 0 ]] || fail "$unexpected statuses other than OK/UNAVAILABLE/DEADLINE_EXCEEDED/ABORTED"
  [[ "$gaveup" == 0 ]] || fail "$gaveup requests never acknowledged within 90 s"
  stop_cohortd kill
}

# ---------------------------------------------------------------------------------------------
# 2, 3. PostgreSQL stopped (pg_ctl stop) or killed (SIGKILL of the postmaster) under load
# ---------------------------------------------------------------------------------------------
check_pg_restart() { pg_outage stop; }
check_pg_kill() { pg_outage kill; }

pg_outage() {
  local how=$1 url dir=$WORK/pg-$1 port load_pid rc pid down=6 t0 t1 name=pg-$1
  url=$(new_database "faults_pg_$how")
  port=$(free_port)
  start_cohortd "$name" "$dir" "$url" "$port"
  wait_ready "$name" "$dir" || { fail "cohortd did not start"; return 0; }
  pid=${PIDS[$name]}
  "$FAULTS" setup --data-dir "$dir" --cohorts 1 2 --capacity 100000 --sent-out "$WORK/$name.sent"

  local duration=$((LOAD_SECONDS + down))
  say "16 clients enroll for $duration s (attempts time out after 15 s, longer than cohortd's 3 s wait for a connection); PostgreSQL $([[ $how == kill ]] && echo 'killed with SIGKILL' || echo stopped) for $down s in the middle"
  "$FAULTS" load --data-dir "$dir" --label "$name" --clients 16 --cohorts 1 2 --duration "$duration" \
    --attempt-timeout 15 --request-deadline 120 --out "$WORK/$name.json" >"$WORK/$name-load.out" 2>&1 &
  load_pid=$!
  sleep $((LOAD_SECONDS / 3))
  t0=$(now_ms)
  if [[ $how == kill ]]; then
    local postmaster
    postmaster=$(head -n 1 "$PGDIR/data/postmaster.pid")
    say "kill -9 of the postmaster (pid $postmaster) at $(date +%T)"
    kill -9 "$postmaster" || fail "could not kill the postmaster"
  else
    say "pg_ctl stop -m fast at $(date +%T)"
    pg_stop || fail "pg_ctl stop failed"
  fi
  sleep "$down"
  say "pg_ctl start at $(date +%T) (down $(($(now_ms) - t0)) ms)"
  # After a SIGKILL the old backends take a moment to notice and leave the shared memory.
  local started=0
  for _ in 1 2 3 4 5; do
    if pg_start; then
      started=1
      break
    fi
    sleep 2
  done
  ((started)) || { fail "pg_ctl start failed"; tail -n 20 "$WORK/pg_ctl.log"; }
  t1=$(now_ms)
  survived "$name" "$dir" "$url" "$port" "$pid" "while PostgreSQL was down" || return 0
  local restarted=$RESTARTED
  "$FAULTS" load --data-dir "$dir" --label "$name-recovery" --clients 1 --cohorts 1 --total 1 --duration 0 \
    --attempt-timeout 5 --request-deadline 60 --out "$WORK/$name-recovery.json" >"$WORK/$name-recovery.out" 2>&1 || true
  if [[ "$(field acknowledged "$WORK/$name-recovery.out")" == 1 ]]; then
    say "first new enrollment acknowledged $(($(now_ms) - t1)) ms after PostgreSQL was back$( ((restarted)) && echo ' (after restarting cohortd)')"
  else
    fail "no enrollment acknowledged within 60 s after PostgreSQL was back"
    cat "$WORK/$name-recovery.out"
  fi
  rc=0
  wait "$load_pid" || rc=$?
  cat "$WORK/$name-load.out"
  ((rc == 0)) || fail "the load generator failed ($rc)"
  if ((restarted == 0)); then
    if kill -0 "$pid" 2>/dev/null; then
      say "cohortd (pid $pid) is still the same process after the load: it recovered without a restart"
    else
      fail "cohortd exited after PostgreSQL came back"
    fi
  fi
  local unavailable unexpected deadline gaveup
  unavailable=$(field unavailable "$WORK/$name-load.out")
  unexpected=$(field unexpected "$WORK/$name-load.out")
  deadline=$(field deadline "$WORK/$name-load.out")
  gaveup=$(field gaveup "$WORK/$name-load.out")
  note "$(field acknowledged "$WORK/$name-load.out") acknowledged; while down: $unavailable UNAVAILABLE, $deadline DEADLINE_EXCEEDED, $unexpected other"
  ((unavailable > 0)) || fail "no UNAVAILABLE seen while PostgreSQL was down"
  [[ "$unexpected" == 0 ]] || fail "$unexpected answers other than OK/UNAVAILABLE/DEADLINE_EXCEEDED/ABORTED"
  [[ "$gaveup" == 0 ]] || fail "$gaveup requests never acknowledged"
  verify "$dir" "$url" "$name-verify" --report "$WORK/$name.json" --report "$WORK/$name-recovery.json" \
    --sent "$WORK/$name.sent" || fail "verification found loss, duplicates, unsent requests or a stale read model"
  stop_cohortd "$name"
}

# ---------------------------------------------------------------------------------------------
# 9. A connection to PostgreSQL that breaks right after COMMIT
# ---------------------------------------------------------------------------------------------
check_commit_drop() {
  local url proxied dir=$WORK/commit-drop port proxy_port rc drops
  url=$(new_database faults_commit)
  proxy_port=$(free_port)
  proxied=${url/:$PGPORT\//:$proxy_port/}
  "$FAULTS" commit-drop-proxy --listen-port "$proxy_port" --upstream-port "$PGPORT" --every 5 --drops 1000 \
    --arm-file "$WORK/commit-drop.armed" >"$WORK/proxy.out" 2>&1 &
  PIDS[proxy]=$!
  port=$(free_port)
  start_cohortd commit-drop "$dir" "$proxied" "$port"
  wait_ready commit-drop "$dir" || { fail "cohortd did not start through the proxy"; return 0; }
  "$FAULTS" setup --data-dir "$dir" --cohorts 1 2 3 --capacity 60 --sent-out "$WORK/commit-drop.sent"
  touch "$WORK/commit-drop.armed"
  say "every 5th COMMIT's reply swallowed and the connection closed: 16 clients enroll and withdraw for $LOAD_SECONDS s, retrying with the same request ids; then the stale-state sequence through this server"
  rc=0
  "$FAULTS" load --data-dir "$dir" --label commit-drop --clients 16 --cohorts 1 2 --duration "$LOAD_SECONDS" \
    --withdraw-every 3 --attempt-timeout 15 --request-deadline 90 --out "$WORK/commit-drop.json" \
    >"$WORK/commit-drop-load.out" 2>&1 || rc=$?
  cat "$WORK/commit-drop-load.out"
  ((rc == 0)) || fail "the load generator failed ($rc)"
  rc=0
  "$FAULTS" stale --data-dir "$dir" --data-dir "$dir" --cohort 3 --rounds 10 --sent-out "$WORK/commit-drop.sent" \
    >"$WORK/commit-drop-stale.out" 2>&1 || rc=$?
  grep -a "stale:" "$WORK/commit-drop-stale.out"
  ((rc == 0)) || fail "after a dropped COMMIT a command was decided from stale state"
  rm -f "$WORK/commit-drop.armed"
  drops=$(grep -ac "dropping the connection" "$WORK/proxy.out" || true)
  say "connections dropped right after a commit: $drops"
  ((drops > 0)) || fail "the proxy dropped no connection (no commit went through it?)"
  local unexpected
  unexpected=$(field unexpected "$WORK/commit-drop-load.out")
  note "$drops commits lost on the way back; $(field acknowledged "$WORK/commit-drop-load.out") acknowledged, $(field unavailable "$WORK/commit-drop-load.out") UNAVAILABLE retried, $unexpected other; $(grep -ao "[0-9]* of [0-9]* steps" "$WORK/commit-drop-stale.out" | tail -n 1) of the stale sequence right"
  [[ "$unexpected" == 0 ]] || fail "$unexpected answers other than OK/UNAVAILABLE/DEADLINE_EXCEEDED/ABORTED"
  [[ "$(field gaveup "$WORK/commit-drop-load.out")" == 0 ]] || fail "some requests were never acknowledged"
  verify "$dir" "$url" commit-drop-verify --report "$WORK/commit-drop.json" --sent "$WORK/commit-drop.sent" \
    || fail "verification found loss, duplicates or a stale read model"
  stop_cohortd commit-drop
  stop_cohortd proxy
}

# ---------------------------------------------------------------------------------------------
# 4. Two cohortd on one database
# ---------------------------------------------------------------------------------------------
# two_servers NAME: starts cohortd NAME-a and NAME-b at once on one new database (on SQLite: one
# file, B's data directory pointing at A's database through a symbolic link) and sets A, B and
# TOKEN (the owner token file, from whichever server created the tenant) and URL.
two_servers() {
  local name=$1 owners=0 port_a port_b tenants
  A=$WORK/$name-a B=$WORK/$name-b TOKEN=
  URL=$(new_database "faults_${name//-/_}")
  port_a=$(free_port)
  port_b=$(free_port)
  if [[ -z "$URL" ]]; then
    mkdir -p "$A" "$B"
    chmod 700 "$A" "$B"
    # One file, made before either starts (an empty file is an empty database): a link to a
    # missing file would be replaced by B's own new file. SQLite resolves the link, so both
    # use one file and one write-ahead log.
    install -m 600 /dev/null "$A/cohort.sqlite"
    ln -s "$A/cohort.sqlite" "$B/cohort.sqlite"
  fi
  say "starting two cohortd on one empty database at once (both race to create the first tenant)"
  start_cohortd "$name-a" "$A" "$URL" "$port_a"
  start_cohortd "$name-b" "$B" "$URL" "$port_b"
  wait_ready "$name-a" "$A" || { fail "cohortd A did not start"; return 1; }
  wait_ready "$name-b" "$B" || { fail "cohortd B did not start"; return 1; }
  [[ -f "$A/owner.token" ]] && { TOKEN=$A/owner.token; owners=$((owners + 1)); }
  [[ -f "$B/owner.token" ]] && { TOKEN=$B/owner.token; owners=$((owners + 1)); }
  tenants=$(grep -c 'TenantCreated' <(dump_log "$A" "$URL" /dev/stdout) || true)
  say "owner token files written: $owners; TenantCreated events: $tenants"
  [[ $owners == 1 && $tenants == 1 ]] || { fail "first-tenant race: $owners owner tokens, $tenants tenants"; [[ $owners -ge 1 ]] || return 1; }
}

check_two_servers() {
  local rc
  two_servers two || return 0
  # 10 seats and a waitlist of 50 (the least a waitlist holds): the rest are refused as full.
  local seats=10 waiting=50
  "$FAULTS" setup --data-dir "$A" --token-file "$TOKEN" --cohorts 1 --capacity "$seats" --sent-out "$WORK/two.sent"
  say "$RACERS members race into cohort 1 ($seats seats, $waiting on the waitlist) from 32 clients, attempts alternating between the two servers"
  rc=0
  "$FAULTS" load --data-dir "$A" --data-dir "$B" --token-file "$TOKEN" --label two --clients 32 --cohorts 1 \
    --total "$RACERS" --duration 0 --request-deadline 120 --out "$WORK/two.json" >"$WORK/two-load.out" 2>&1 || rc=$?
  cat "$WORK/two-load.out"
  ((rc == 0)) || fail "the load generator failed ($rc)"
  local acked aborted unexpected full expected
  acked=$(field acknowledged "$WORK/two-load.out")
  aborted=$(field aborted "$WORK/two-load.out")
  unexpected=$(field unexpected "$WORK/two-load.out")
  full=$(field full "$WORK/two-load.out")
  expected=$((RACERS < seats + waiting ? RACERS : seats + waiting))
  note "$acked of $RACERS acknowledged, $full refused as full, $aborted ABORTED answers retried, $unexpected unexpected"
  [[ "$acked" == "$expected" && $((acked + full)) == "$RACERS" ]] \
    || fail "$acked of $RACERS enrollments acknowledged and $full refused as full (expected $expected and $((RACERS - expected)))"
  [[ "$unexpected" == 0 ]] || fail "$unexpected answers other than OK/UNAVAILABLE/DEADLINE_EXCEEDED/ABORTED/full"
  verify "$A" "$URL" two-verify --data-dir "$B" --token-file "$TOKEN" --report "$WORK/two.json" \
    --sent "$WORK/two.sent" --expect-members "$acked" \
    || fail "capacity, duplicates, loss, unsent requests or the two read models disagree"
  stop_cohortd two-a
  stop_cohortd two-b
}

# ---------------------------------------------------------------------------------------------
# 5. The stale-state sequence across two servers
# ---------------------------------------------------------------------------------------------
check_stale() {
  local rc
  two_servers stale || return 0
  "$FAULTS" setup --data-dir "$A" --token-file "$TOKEN" --cohorts 1 --capacity 100 --sent-out "$WORK/stale.sent"
  rc=0
  "$FAULTS" stale --data-dir "$A" --data-dir "$B" --token-file "$TOKEN" --cohort 1 --rounds 20 \
    --sent-out "$WORK/stale.sent" >"$WORK/stale.out" 2>&1 || rc=$?
  cat "$WORK/stale.out"
  ((rc == 0)) || fail "$(grep -ac "stale: FAIL" "$WORK/stale.out") steps answered from stale state"
  note "$(grep -ao "stale: [A-Z]*: .*" "$WORK/stale.out" | tail -n 1 | cut -c1-160)"
  verify "$A" "$URL" stale-verify --data-dir "$B" --token-file "$TOKEN" --sent "$WORK/stale.sent" \
    || fail "the log or a read model disagrees after the sequence"
  stop_cohortd stale-a
  stop_cohortd stale-b
}

# ---------------------------------------------------------------------------------------------
# 6. Fuzzing, with every role's token and with none
# ---------------------------------------------------------------------------------------------
check_fuzz() {
  local url dir=$WORK/fuzz port pid rc before after
  url=$(new_database faults_fuzz)
  port=$(free_port)
  start_cohortd fuzz "$dir" "$url" "$port"
  wait_ready fuzz "$dir" || { fail "cohortd did not start"; return 0; }
  pid=${PIDS[fuzz]}
  say "$FUZZ_COUNT malformed or random requests with the owner's token, 48 at a time, 10 s deadline each; oversized messages"
  rc=0
  "$FAULTS" fuzz --data-dir "$dir" --no-probes --count "$FUZZ_COUNT" --concurrency 48 --connections 6 --deadline 10 \
    --max-seconds 360 ${FAULTS_SEED:+--seed "$FAULTS_SEED"} >"$WORK/fuzz.out" 2>&1 || rc=$?
  cat "$WORK/fuzz.out"
  ((rc == 0)) || fail "the fuzzer reported failures with the owner's token (see above)"
  local role roles_note=
  for role in staff partner member; do
    "$FAULTS" token --data-dir "$dir" --role "$role" --out "$WORK/fuzz-$role.token" >/dev/null \
      || { fail "could not issue a $role token"; continue; }
    say "$((FUZZ_COUNT / 4)) requests with a $role token"
    rc=0
    "$FAULTS" fuzz --data-dir "$dir" --token-file "$WORK/fuzz-$role.token" --role "$role" --no-probes \
      --count $((FUZZ_COUNT / 4)) --concurrency 24 --connections 4 --deadline 10 --max-seconds 120 \
      ${FAULTS_SEED:+--seed "$FAULTS_SEED"} >"$WORK/fuzz-$role.out" 2>&1 || rc=$?
    grep -aE "^fuzz: (seed|FAIL|PASS|  )" "$WORK/fuzz-$role.out" | grep -av sample | sed 's/^/  /'
    ((rc == 0)) || fail "the fuzzer reported failures with a $role token"
    roles_note+=" $role $(grep -ao "[0-9]* unexpected" "$WORK/fuzz-$role.out" | tail -n 1),"
  done
  before=$(count_events "$dir" "$url")
  say "$((FUZZ_COUNT / 4)) requests with no token ($before events in the log before)"
  rc=0
  "$FAULTS" fuzz --data-dir "$dir" --role none --no-probes --count $((FUZZ_COUNT / 4)) --concurrency 24 \
    --connections 4 --deadline 10 --max-seconds 120 ${FAULTS_SEED:+--seed "$FAULTS_SEED"} \
    >"$WORK/fuzz-none.out" 2>&1 || rc=$?
  grep -aE "^fuzz: (seed|FAIL|PASS|  )" "$WORK/fuzz-none.out" | grep -av sample | sed 's/^/  /'
  ((rc == 0)) || fail "the fuzzer reported failures with no token"
  after=$(count_events "$dir" "$url")
  say "events in the log after the tokenless fuzz: $after"
  [[ "$before" == "$after" ]] || fail "requests without a token wrote $((after - before)) events"
  if kill -0 "$pid" 2>/dev/null; then
    say "cohortd (pid $pid) is still running"
  else
    wait_exit "$pid" 1
    fail "cohortd exited during fuzzing (status $EXIT_STATUS)"
    tail -n 20 "$WORK/fuzz.log" | sed 's/^/    /'
    unset "PIDS[fuzz]"
    return 0
  fi
  verify "$dir" "$url" fuzz-verify || fail "after fuzzing the log breaks an invariant or the read model differs"
  local crashes
  crashes=$(grep -aciE "fatal error|crash|critical|segmentation" "$WORK/fuzz.log" || true)
  ((crashes == 0)) || fail "$crashes fatal/critical lines in the cohortd log"
  note "owner: $(grep -ao "fuzz: [0-9]* requests in [0-9]*" "$WORK/fuzz.out" | head -n 1 | sed 's/fuzz: //') s, $(grep -ao "[0-9]* unexpected statuses" "$WORK/fuzz.out" | tail -n 1);${roles_note} none $(grep -ao "[0-9]* unexpected" "$WORK/fuzz-none.out" | tail -n 1) and nothing written; $(grep -ac "size PASS" "$WORK/fuzz.out" || true) size checks passed, $(grep -ac "size FAIL" "$WORK/fuzz.out" || true) failed"
  stop_cohortd fuzz
}

# ---------------------------------------------------------------------------------------------
# 7. SIGTERM under load
# ---------------------------------------------------------------------------------------------
check_sigterm() {
  local url dir=$WORK/sigterm port pid load_pid rc t0 status elapsed
  url=$(new_database faults_term)
  port=$(free_port)
  start_cohortd term "$dir" "$url" "$port"
  wait_ready term "$dir" || { fail "cohortd did not start"; return 0; }
  pid=${PIDS[term]}
  "$FAULTS" setup --data-dir "$dir" --cohorts 1 2 3 4 --capacity 100 --sent-out "$WORK/term.sent"

  say "32 clients enroll and withdraw for $LOAD_SECONDS s; SIGTERM to cohortd a third of the way in; restart"
  "$FAULTS" load --data-dir "$dir" --label term --clients 32 --cohorts 1 2 3 4 --duration "$LOAD_SECONDS" \
    --withdraw-every 5 --request-deadline 90 --out "$WORK/term.json" >"$WORK/term-load.out" 2>&1 &
  load_pid=$!
  sleep $((LOAD_SECONDS / 3))
  t0=$(now_ms)
  say "SIGTERM to cohortd (pid $pid) at $(date +%T)"
  kill -TERM "$pid"
  wait_exit "$pid" 15
  status=$EXIT_STATUS
  elapsed=$(($(now_ms) - t0))
  unset "PIDS[term]"
  if [[ "$status" == timeout ]]; then
    fail "cohortd still running 15 s after SIGTERM; kill -9"
    kill -9 "$pid" 2>/dev/null || true
  else
    say "cohortd exited with status $status after $elapsed ms"
    [[ "$status" == 0 ]] || fail "cohortd exited with status $status after SIGTERM"
  fi
  local checkpoint
  checkpoint=$(grep -a "projection stopped" "$WORK/term.log" | tail -n 1 || true)
  if grep -qa "projection stopped at a checkpoint" <<<"$checkpoint"; then
    say "log: $checkpoint"
  else
    fail "the log does not say the projection stopped at a checkpoint (last: ${checkpoint:-nothing})"
    grep -aE "error|warning|critical|stopped|failed" "$WORK/term.log" | tail -n 8 | sed 's/^/    /'
  fi
  start_cohortd term "$dir" "$url" "$port"
  wait_ready term "$dir" || { fail "cohortd did not restart"; return 0; }
  rc=0
  wait "$load_pid" || rc=$?
  cat "$WORK/term-load.out"
  ((rc == 0)) || fail "the load generator failed ($rc)"
  local unexpected
  unexpected=$(field unexpected "$WORK/term-load.out")
  note "exit status $status after $elapsed ms; $(field acknowledged "$WORK/term-load.out") acknowledged; $(field unavailable "$WORK/term-load.out") UNAVAILABLE, $(field deadline "$WORK/term-load.out") DEADLINE_EXCEEDED, $unexpected other"
  [[ "$unexpected" == 0 ]] || fail "$unexpected answers other than OK/UNAVAILABLE/DEADLINE_EXCEEDED/ABORTED"
  [[ "$(field gaveup "$WORK/term-load.out")" == 0 ]] || fail "some requests were never acknowledged"
  verify "$dir" "$url" term-verify --report "$WORK/term.json" --sent "$WORK/term.sent" \
    || fail "verification found loss, a half-applied command, unsent requests or a stale read model"
  stop_cohortd term
}

# ---------------------------------------------------------------------------------------------
# 8. Exact probes: retries with another body, request ids reused across commands, e-mail variants
# ---------------------------------------------------------------------------------------------
check_probes() {
  local url dir=$WORK/probes port rc
  url=$(new_database faults_probes)
  port=$(free_port)
  start_cohortd probes "$dir" "$url" "$port"
  wait_ready probes "$dir" || { fail "cohortd did not start"; return 0; }
  say "requests with exactly one right answer each"
  rc=0
  "$FAULTS" fuzz --data-dir "$dir" --probes-only >"$WORK/probes.out" 2>&1 || rc=$?
  grep -a "probe" "$WORK/probes.out"
  ((rc == 0)) || fail "$(grep -ac "probe FAIL" "$WORK/probes.out") probes failed"
  note "$(grep -ac "probe PASS" "$WORK/probes.out") passed, $(grep -ac "probe FAIL" "$WORK/probes.out") failed"
  stop_cohortd probes
}

# ---------------------------------------------------------------------------------------------
# 9. Disk full: the store on a small tmpfs, filled while clients enroll
# ---------------------------------------------------------------------------------------------
check_disk_full() {
  local mount=$WORK/small dir url port load_pid rc pid filler=
  mkdir -p "$mount"
  if ! mount -t tmpfs -o size=48m,mode=0755 tmpfs "$mount" 2>"$WORK/mount.err"; then
    fail "cannot mount a small tmpfs here ($(cat "$WORK/mount.err")); disk full not checked"
    return 0
  fi
  MOUNTS+=("$mount")
  if [[ "$STORE" == postgres ]]; then
    dir=$WORK/disk-full
    mkdir -p "$mount/tablespace"
    chown postgres "$mount/tablespace"
    sql cohort "CREATE TABLESPACE faults_small LOCATION '$mount/tablespace'" >/dev/null
    url=$(new_database faults_full faults_small)
    filler=$mount/tablespace/filler
  else
    dir=$mount/data
    url=
    filler=$mount/filler
  fi
  port=$(free_port)
  start_cohortd disk "$dir" "$url" "$port"
  wait_ready disk "$dir" || { fail "cohortd did not start"; return 0; }
  pid=${PIDS[disk]}
  "$FAULTS" setup --data-dir "$dir" --cohorts 1 2 --capacity 100000 --sent-out "$WORK/disk.sent"
  local duration=$((LOAD_SECONDS + 10))
  say "8 clients enroll for $duration s; the filesystem (48 MiB) filled a third of the way in, freed 6 s later"
  "$FAULTS" load --data-dir "$dir" --label disk --clients 8 --cohorts 1 2 --duration "$duration" \
    --attempt-timeout 15 --request-deadline 120 --out "$WORK/disk.json" >"$WORK/disk-load.out" 2>&1 &
  load_pid=$!
  sleep $((LOAD_SECONDS / 3))
  say "filling $mount at $(date +%T)"
  dd if=/dev/zero of="$filler" bs=1M status=none 2>/dev/null || true
  say "full: $(df -h --output=avail "$mount" | tail -n 1 | tr -d ' ') left"
  sleep 6
  rm -f "$filler"
  say "space freed at $(date +%T)"
  rc=0
  wait "$load_pid" || rc=$?
  cat "$WORK/disk-load.out"
  ((rc == 0)) || fail "the load generator failed ($rc)"
  survived disk "$dir" "$url" "$port" "$pid" "while the disk was full" || return 0
  local unavailable unexpected
  unavailable=$(field unavailable "$WORK/disk-load.out")
  unexpected=$(field unexpected "$WORK/disk-load.out")
  note "$(field acknowledged "$WORK/disk-load.out") acknowledged; while full: $unavailable UNAVAILABLE, $unexpected other"
  ((unavailable > 0)) || fail "no UNAVAILABLE seen while the disk was full"
  [[ "$unexpected" == 0 ]] || fail "$unexpected answers other than OK/UNAVAILABLE/DEADLINE_EXCEEDED/ABORTED (INTERNAL?)"
  [[ "$(field gaveup "$WORK/disk-load.out")" == 0 ]] || fail "some requests were never acknowledged after space was freed"
  verify "$dir" "$url" disk-verify --report "$WORK/disk.json" --sent "$WORK/disk.sent" \
    || fail "verification found loss or a stale read model after the disk was full"
  stop_cohortd disk
  if [[ "$STORE" == postgres ]]; then
    sql cohort "DROP DATABASE faults_full" >/dev/null || true
    sql cohort "DROP TABLESPACE faults_small" >/dev/null || true
  fi
  umount -l "$mount" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# 11. Floods from callers without a token while the owner works
# ---------------------------------------------------------------------------------------------
check_flood() {
  local url dir=$WORK/flood port pid rc
  url=$(new_database faults_flood)
  port=$(free_port)
  start_cohortd flood "$dir" "$url" "$port"
  wait_ready flood "$dir" || { fail "cohortd did not start"; return 0; }
  pid=${PIDS[flood]}
  "$FAULTS" setup --data-dir "$dir" --cohorts 1 --capacity 300 >/dev/null
  "$FAULTS" load --data-dir "$dir" --label flood-fill --clients 8 --cohorts 1 --total 300 --duration 0 \
    --request-deadline 60 --out "$WORK/flood-fill.json" >"$WORK/flood-fill.out" 2>&1 || fail "could not fill the cohort"
  say "the owner reads a 300-member cohort for $FLOOD_SECONDS s, then again while 1,500 connections never start TLS, 300 tokenless Watch streams stay open and 16 callers ask for far positions"
  rc=0
  "$FAULTS" flood --data-dir "$dir" --cohort 1 --seconds "$FLOOD_SECONDS" --handshakes 1500 --watches 300 \
    --far-waits 16 --bound-ms 1000 >"$WORK/flood.out" 2>&1 || rc=$?
  cat "$WORK/flood.out"
  ((rc == 0)) || fail "the owner was not served within the bound during the flood"
  kill -0 "$pid" 2>/dev/null || fail "cohortd exited during the flood"
  note "$(grep -ao "owner p99 .*" "$WORK/flood.out" | tail -n 1); $(grep -ao "silent connections closed by the server: [0-9]* of [0-9]*" "$WORK/flood.out" | tail -n 1)"
  stop_cohortd flood
}

for STORE in $STORES; do
  WORK=$BASE/$STORE
  mkdir -p "$WORK"
  echo
  say "##### store: $STORE #####"
  run_check kill-9 check_kill
  if [[ "$STORE" == postgres ]]; then
    run_check pg-restart check_pg_restart
    run_check pg-kill check_pg_kill
    run_check commit-drop check_commit_drop
  fi
  run_check two-servers check_two_servers
  run_check stale check_stale
  run_check fuzz check_fuzz
  run_check sigterm check_sigterm
  run_check probes check_probes
  run_check disk-full check_disk_full
  run_check flood check_flood
done

echo
say "summary ($([[ $QUICK == 1 ]] && echo quick || echo full), cohortd $CONFIGURATION, cohort-faults $TOOL_CONFIGURATION)"
printf '  %-9s %-12s %-5s %s\n' store check result details
passed=0
failed=0
for i in "${!NAMES[@]}"; do
  printf '  %-9s %-12s %-5s %s\n' "${STORE_OF[$i]}" "${NAMES[$i]}" "${RESULTS[$i]}" "${DETAILS[$i]}"
  if [[ "${RESULTS[$i]}" == PASS ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "faults: $passed passed, $failed failed"
((failed == 0))
