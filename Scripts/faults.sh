#!/usr/bin/env bash
# The fault suite: the real cohortd binary against a real (throwaway) PostgreSQL, under faults.
#
#   Scripts/faults.sh                 the full suite (about 8 minutes after the build on 2 cores)
#   FAULTS_QUICK=1 Scripts/faults.sh  smaller counts, for a smoke test (about 3 minutes)
#
# Checks, each printing what it tried and what it found:
#   1. kill-9     kill -9 of cohortd (twice) while 32 clients enroll and withdraw with retries
#                 that reuse their request ids; restart; every acknowledged command is in the log
#                 exactly once, and a restarted cohortd's rosters equal a fresh fold of the log.
#   2. pg-restart PostgreSQL stopped and started again under load: cohortd answers UNAVAILABLE
#                 meanwhile, recovers by itself (same process), loses nothing acknowledged.
#   3. two-servers two cohortd on one database (started at once: the first-tenant race), 200
#                 members racing into a cohort of 10 through both: capacity never exceeded,
#                 members + waitlist = acknowledged, no one twice, both read models agree.
#   4. fuzz       100,000 malformed or random protobuf requests across every RPC: no crash, no
#                 hang, only acceptable statuses; messages over the 1 MiB limit refused.
#   5. sigterm    SIGTERM under load: cohortd exits 0 within 15 s, its log says the projection
#                 stopped at a checkpoint, nothing acknowledged is lost after a restart.
#   6. probes     requests with exactly one right answer: a retry with the same request id but
#                 another body, a request id reused for another command, the same e-mail with a
#                 trailing newline, edge values (Feb 30, negative price), a bounded query wait.
#
# Environment: FAULTS_QUICK=1 (smaller counts), FAULTS_CONFIGURATION=debug|release (cohortd's,
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
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cohort-faults.XXXXXX")
PGDIR=$WORK/postgres
declare -A PIDS=()
declare -a NAMES=() RESULTS=() DETAILS=()
WATCHDOG=
FAILED_ANY=0

say() { echo "faults: $*"; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for name in "${!PIDS[@]}"; do
    kill -9 "${PIDS[$name]}" 2>/dev/null || true
  done
  [[ -n "$WATCHDOG" ]] && kill "$WATCHDOG" 2>/dev/null || true
  "$ROOT/Scripts/postgres.sh" stop "$PGDIR" >/dev/null 2>&1 || true
  if [[ "${FAULTS_KEEP:-0}" == 1 || $status -ne 0 ]]; then
    say "logs and reports kept in $WORK"
  else
    rm -rf "$WORK"
  fi
  exit $status
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------------------------------------
# Build, PostgreSQL, helpers
# ---------------------------------------------------------------------------------------------

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

# Creates an empty database for one check and prints its URL.
new_database() {
  sql cohort "CREATE DATABASE $1" >/dev/null
  echo "postgres://postgres@127.0.0.1:$PGPORT/$1?sslmode=disable"
}

pg_stop() { as_postgres "$PGBIN/pg_ctl" --pgdata="$PGDIR/data" --mode=fast --wait --timeout=60 stop >>"$WORK/pg_ctl.log" 2>&1; }
pg_start() {
  as_postgres "$PGBIN/pg_ctl" --pgdata="$PGDIR/data" --log="$PGDIR/server.log" --wait --timeout=60 start \
    >>"$WORK/pg_ctl.log" 2>&1
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
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
  "$COHORTD" --data-dir "$dir" --host 127.0.0.1 --port "$port" --https-port 0 --database-url "$url" --log-level "${FAULTS_LOG_LEVEL:-info}" \
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
  say "=== $name ==="
  local started=$SECONDS
  "$function" || fail "the check itself stopped early"
  NAMES+=("$name")
  if ((CHECK_OK)); then RESULTS+=("PASS"); else RESULTS+=("FAIL"); FAILED_ANY=1; fi
  DETAILS+=("$((SECONDS - started)) s; $CHECK_NOTE")
  say "=== $name: ${RESULTS[-1]} ($((SECONDS - started)) s)"
}

if ((QUICK)); then
  LOAD_SECONDS=8 FUZZ_COUNT=5000 RACERS=60 KILLS=1
else
  LOAD_SECONDS=24 FUZZ_COUNT=100000 RACERS=200 KILLS=2
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
  "$FAULTS" setup --data-dir "$dir" --cohorts 1 2 3 4 --capacity 100

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
  say "PostgreSQL: $(sql faults_kill "SELECT count(*) || ' events, ' || count(DISTINCT id) || ' distinct ids, max position ' || max(position) FROM events")"
  "$FAULTS" verify --data-dir "$dir" --database-url "$url" --report "$WORK/kill.json" --label kill-verify \
    || fail "verification found loss, duplicates or a stale read model"
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
# 2. PostgreSQL restart under load
# ---------------------------------------------------------------------------------------------
check_pg_restart() {
  local url dir=$WORK/pg-restart port load_pid rc pid down=6 t0 t1
  url=$(new_database faults_pg)
  port=$(free_port)
  start_cohortd pg "$dir" "$url" "$port"
  wait_ready pg "$dir" || { fail "cohortd did not start"; return 0; }
  pid=${PIDS[pg]}
  "$FAULTS" setup --data-dir "$dir" --cohorts 1 2 --capacity 100000

  local duration=$((LOAD_SECONDS + down))
  say "16 clients enroll for $duration s (attempts time out after 15 s, longer than cohortd's 3 s wait for a connection); PostgreSQL stopped for $down s in the middle"
  "$FAULTS" load --data-dir "$dir" --label pg --clients 16 --cohorts 1 2 --duration "$duration" \
    --attempt-timeout 15 --request-deadline 120 --out "$WORK/pg.json" >"$WORK/pg-load.out" 2>&1 &
  load_pid=$!
  sleep $((LOAD_SECONDS / 3))
  t0=$(now_ms)
  say "pg_ctl stop -m fast at $(date +%T)"
  pg_stop || fail "pg_ctl stop failed"
  sleep "$down"
  say "pg_ctl start at $(date +%T) (down $(($(now_ms) - t0)) ms)"
  pg_start || { fail "pg_ctl start failed"; cat "$WORK/pg_ctl.log"; }
  t1=$(now_ms)
  local restarted=0
  if kill -0 "$pid" 2>/dev/null; then
    say "cohortd (pid $pid) is still running with PostgreSQL back"
  else
    wait_exit "$pid" 1
    fail "cohortd exited (status $EXIT_STATUS) while PostgreSQL was down"
    grep -aE "error|critical|Fatal|stopped|failed" "$WORK/pg.log" | grep -av '^ *[0-9]* \[ra\]' | tail -n 6 | cut -c1-400 | sed 's/^/    /'
    say "restarting cohortd so that the clients' retries can finish, to check for loss anyway"
    unset "PIDS[pg]"
    start_cohortd pg "$dir" "$url" "$port"
    wait_ready pg "$dir" || { fail "cohortd did not restart"; return 0; }
    restarted=1
  fi
  "$FAULTS" load --data-dir "$dir" --label pg-recovery --clients 1 --cohorts 1 --total 1 --duration 0 \
    --attempt-timeout 5 --request-deadline 60 --out "$WORK/pg-recovery.json" >"$WORK/pg-recovery.out" 2>&1 || true
  if [[ "$(field acknowledged "$WORK/pg-recovery.out")" == 1 ]]; then
    say "first new enrollment acknowledged $(($(now_ms) - t1)) ms after PostgreSQL was back$( ((restarted)) && echo ' (after restarting cohortd)')"
  else
    fail "no enrollment acknowledged within 60 s after PostgreSQL was back"
    cat "$WORK/pg-recovery.out"
  fi
  rc=0
  wait "$load_pid" || rc=$?
  cat "$WORK/pg-load.out"
  ((rc == 0)) || fail "the load generator failed ($rc)"
  if ((restarted == 0)); then
    if kill -0 "$pid" 2>/dev/null; then
      say "cohortd (pid $pid) is still the same process after the load: it recovered without a restart"
    else
      fail "cohortd exited after PostgreSQL came back"
    fi
  fi
  local unavailable unexpected deadline gaveup
  unavailable=$(field unavailable "$WORK/pg-load.out")
  unexpected=$(field unexpected "$WORK/pg-load.out")
  deadline=$(field deadline "$WORK/pg-load.out")
  gaveup=$(field gaveup "$WORK/pg-load.out")
  note "$(field acknowledged "$WORK/pg-load.out") acknowledged; while down: $unavailable UNAVAILABLE, $deadline DEADLINE_EXCEEDED, $unexpected other"
  ((unavailable > 0)) || fail "no UNAVAILABLE seen while PostgreSQL was down"
  [[ "$unexpected" == 0 ]] || fail "$unexpected answers other than OK/UNAVAILABLE/DEADLINE_EXCEEDED/ABORTED"
  [[ "$gaveup" == 0 ]] || fail "$gaveup requests never acknowledged"
  "$FAULTS" verify --data-dir "$dir" --database-url "$url" --report "$WORK/pg.json" --report "$WORK/pg-recovery.json" \
    --label pg-verify || fail "verification found loss, duplicates or a stale read model"
  stop_cohortd pg
}

# ---------------------------------------------------------------------------------------------
# 3. Two cohortd on one database
# ---------------------------------------------------------------------------------------------
check_two_servers() {
  local url a=$WORK/two-a b=$WORK/two-b port_a port_b token rc owners=0
  url=$(new_database faults_two)
  port_a=$(free_port)
  port_b=$(free_port)
  say "starting two cohortd on one empty database at once (both race to create the first tenant)"
  start_cohortd two-a "$a" "$url" "$port_a"
  start_cohortd two-b "$b" "$url" "$port_b"
  wait_ready two-a "$a" || { fail "cohortd A did not start"; return 0; }
  wait_ready two-b "$b" || { fail "cohortd B did not start"; return 0; }
  [[ -f "$a/owner.token" ]] && { token=$a/owner.token; owners=$((owners + 1)); }
  [[ -f "$b/owner.token" ]] && { token=$b/owner.token; owners=$((owners + 1)); }
  local tenants
  tenants=$(sql faults_two "SELECT count(*) FROM events WHERE type LIKE '%TenantCreated'")
  say "owner token files written: $owners; TenantCreated events: $tenants"
  [[ $owners == 1 && $tenants == 1 ]] || { fail "first-tenant race: $owners owner tokens, $tenants tenants"; [[ $owners -ge 1 ]] || return 0; }

  "$FAULTS" setup --data-dir "$a" --token-file "$token" --cohorts 1 --capacity 10
  say "$RACERS members race into cohort 1 (capacity 10) from 32 clients, attempts alternating between the two servers"
  rc=0
  "$FAULTS" load --data-dir "$a" --data-dir "$b" --token-file "$token" --label two --clients 32 --cohorts 1 \
    --total "$RACERS" --duration 0 --request-deadline 120 --out "$WORK/two.json" >"$WORK/two-load.out" 2>&1 || rc=$?
  cat "$WORK/two-load.out"
  ((rc == 0)) || fail "the load generator failed ($rc)"
  local acked aborted unexpected
  acked=$(field acknowledged "$WORK/two-load.out")
  aborted=$(field aborted "$WORK/two-load.out")
  unexpected=$(field unexpected "$WORK/two-load.out")
  note "$acked of $RACERS acknowledged, $aborted ABORTED answers retried, $unexpected unexpected"
  [[ "$acked" == "$RACERS" ]] || fail "only $acked of $RACERS enrollments acknowledged"
  [[ "$unexpected" == 0 ]] || fail "$unexpected answers other than OK/UNAVAILABLE/DEADLINE_EXCEEDED/ABORTED"
  "$FAULTS" verify --data-dir "$a" --data-dir "$b" --token-file "$token" --database-url "$url" \
    --report "$WORK/two.json" --expect-members "$acked" --label two-verify \
    || fail "capacity, duplicates, loss or the two read models disagree"
  stop_cohortd two-a
  stop_cohortd two-b
}

# ---------------------------------------------------------------------------------------------
# 4. Fuzzing
# ---------------------------------------------------------------------------------------------
check_fuzz() {
  local url dir=$WORK/fuzz port pid rc
  url=$(new_database faults_fuzz)
  port=$(free_port)
  start_cohortd fuzz "$dir" "$url" "$port"
  wait_ready fuzz "$dir" || { fail "cohortd did not start"; return 0; }
  pid=${PIDS[fuzz]}
  say "$FUZZ_COUNT malformed or random requests over every RPC, 48 at a time, 10 s deadline each; probes; oversized messages"
  rc=0
  "$FAULTS" fuzz --data-dir "$dir" --no-probes --count "$FUZZ_COUNT" --concurrency 48 --connections 6 --deadline 10 \
    --max-seconds 360 ${FAULTS_SEED:+--seed "$FAULTS_SEED"} >"$WORK/fuzz.out" 2>&1 || rc=$?
  cat "$WORK/fuzz.out"
  ((rc == 0)) || fail "the fuzzer reported failures (see above)"
  if kill -0 "$pid" 2>/dev/null; then
    say "cohortd (pid $pid) is still running"
  else
    wait_exit "$pid" 1
    fail "cohortd exited during fuzzing (status $EXIT_STATUS)"
    tail -n 20 "$WORK/fuzz.log" | sed 's/^/    /'
    unset "PIDS[fuzz]"
  fi
  local crashes
  crashes=$(grep -aciE "fatal error|crash|critical|segmentation" "$WORK/fuzz.log" || true)
  ((crashes == 0)) || fail "$crashes fatal/critical lines in the cohortd log"
  note "$(grep -ao "fuzz: [0-9]* requests in [0-9]*" "$WORK/fuzz.out" | head -n 1 | sed 's/fuzz: //') s, $(grep -ao "[0-9]* unexpected statuses" "$WORK/fuzz.out" | tail -n 1); $(grep -ac "size PASS" "$WORK/fuzz.out" || true) size checks passed, $(grep -ac "size FAIL" "$WORK/fuzz.out" || true) failed$(grep -aq "WARN: .* oversized" "$WORK/fuzz.out" && echo ' (oversized refused by stream reset = UNAVAILABLE, not RESOURCE_EXHAUSTED)')"
  stop_cohortd fuzz
}

# ---------------------------------------------------------------------------------------------
# 6. Exact probes: retries with another body, request ids reused across commands, e-mail variants
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
# 5. SIGTERM under load
# ---------------------------------------------------------------------------------------------
check_sigterm() {
  local url dir=$WORK/sigterm port pid load_pid rc t0 status elapsed
  url=$(new_database faults_term)
  port=$(free_port)
  start_cohortd term "$dir" "$url" "$port"
  wait_ready term "$dir" || { fail "cohortd did not start"; return 0; }
  pid=${PIDS[term]}
  "$FAULTS" setup --data-dir "$dir" --cohorts 1 2 3 4 --capacity 100

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
  "$FAULTS" verify --data-dir "$dir" --database-url "$url" --report "$WORK/term.json" --label term-verify \
    || fail "verification found loss, a half-applied command or a stale read model"
  stop_cohortd term
}

run_check kill-9 check_kill
run_check pg-restart check_pg_restart
run_check two-servers check_two_servers
run_check fuzz check_fuzz
run_check sigterm check_sigterm
run_check probes check_probes

echo
say "summary ($([[ $QUICK == 1 ]] && echo quick || echo full), cohortd $CONFIGURATION, cohort-faults $TOOL_CONFIGURATION)"
printf '  %-12s %-5s %s\n' check result details
passed=0
failed=0
for i in "${!NAMES[@]}"; do
  printf '  %-12s %-5s %s\n' "${NAMES[$i]}" "${RESULTS[$i]}" "${DETAILS[$i]}"
  if [[ "${RESULTS[$i]}" == PASS ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "faults: $passed passed, $failed failed"
((failed == 0))
