#!/usr/bin/env bash
# The benchmark suite (issue 4): figures for cohortd, each measured beside a baseline in the same
# run, alternating baseline and subject, reported as medians. Not part of the tests; nothing
# fails on timing.
#
#   Scripts/bench.sh                 full run: 10 s per measurement, 3 rounds, logs of 100,000 and 1,000,000 events
#   BENCH_QUICK=1 Scripts/bench.sh   smoke test: 2 s, 1 round, logs of 10,000 and 100,000 events
#   BENCH_SIZES="100000 1000000 10000000" Scripts/bench.sh   growth up to 10 million events (about an hour more)
#
# Environment (each overrides the mode's default):
#   BENCH_SECONDS   seconds per measurement (default 10; quick 2)
#   BENCH_ROUNDS    baseline/subject pairs per workload (default 3; quick 1)
#   BENCH_EVENTS    the log size the start and rebuild targets are judged at (default 1000000; quick 100000)
#   BENCH_SIZES     the log sizes the rebuild database grows through (must include BENCH_EVENTS)
#   BENCH_CLIENTS   concurrencies of the append workload (default "1 8 32")
#   BENCH_ROSTERS   roster sizes of the GetCohort workload (default "30 300 3000")
#   BENCH_KEEP=1    keep the work directory (logs, pgbench logs) after the run
#
# What it does: builds release `cohortd` and `cohort-bench`, starts a throwaway PostgreSQL
# (Scripts/postgres.sh, which installs it from Debian packages if needed) and a release cohortd
# on it (loopback, a free port, TLS with its development CA, the owner token), then:
#   append   Enroll (one event per call) over gRPC/TLS from 1, 8 and 32 clients, each beside
#            WhoAmI (an authenticated no-op: gRPC + TLS + the token check) at the same
#            concurrency, and pgbench doing the same single-row INSERT into a copy of the events table
#   query    GetCohort for rosters of 30, 300 and 3,000 members vs WhoAmI, 32 clients, and for 300
#            with the replies taken as bytes (cohort-bench shares the cores, and decoding a roster
#            costs it more than cohortd spends answering); the health Check (no token); WhoAmI
#            with a 30 s deadline against WhoAmI without one
#   rebuild  at each log size: cohortd's start-up projection rebuild vs COPY ... TO STDOUT (FORMAT
#            binary) received by psql (and COPY ... TO '/dev/null' inside the server)
#   start    time from exec to serving, and peak RSS (VmHWM) after the rebuild, at each log size;
#            then the same from the snapshot the stop wrote (and how long loading and writing it took)
#   growth   Enroll from 32 clients with each log size already in the log, alternating with Enroll
#            on a second cohortd whose log is near-empty (its own database, on the same PostgreSQL)
# Every cohort-bench call sends no deadline unless a row says otherwise. cohortd's CPU time per
# call comes from /proc/<pid>/stat before and after each run (warm-up included).
# Progress goes to standard error; standard output gets a table and, as its last line, one JSON
# object with every figure, ratio, target and the machine's facts.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { echo "bench.sh: $*" >&2; }

if [[ ${BENCH_QUICK:-0} == 1 ]]; then
  seconds=${BENCH_SECONDS:-2} rounds=${BENCH_ROUNDS:-1} events=${BENCH_EVENTS:-100000} warmup=0.5
  sizes=${BENCH_SIZES:-"10000 $events"}
else
  seconds=${BENCH_SECONDS:-10} rounds=${BENCH_ROUNDS:-3} events=${BENCH_EVENTS:-1000000} warmup=1
  sizes=${BENCH_SIZES:-"100000 $events"}
fi
clients_list=${BENCH_CLIENTS:-"1 8 32"}
query_clients=32
roster_sizes=${BENCH_ROSTERS:-"30 300 3000"}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { log "BENCH_SECONDS must be a positive integer"; exit 2; }
[[ $rounds =~ ^[0-9]+$ && $rounds -gt 0 ]] || { log "BENCH_ROUNDS must be a positive integer"; exit 2; }
[[ $events =~ ^[0-9]+$ && $events -gt 0 ]] || { log "BENCH_EVENTS must be a positive integer"; exit 2; }
previous=0
for size in $sizes; do
  [[ $size =~ ^[0-9]+$ && $size -gt $previous ]] || { log "BENCH_SIZES must be growing positive integers"; exit 2; }
  previous=$size
done
[[ " $sizes " == *" $events "* ]] || { log "BENCH_SIZES ($sizes) must include BENCH_EVENTS ($events)"; exit 2; }
# A measured run gets its warm-up, its duration and a minute of slack before it is killed.
run_timeout=$((seconds + 90))
# cohortd must serve within this many seconds of starting (a slow rebuild is a figure, not a hang).
start_timeout=${BENCH_START_TIMEOUT:-600}

command -v python3 >/dev/null || {
  log "installing python3 (aggregates the figures)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 >&2
}

# --- build ----------------------------------------------------------------------------------------
log "building release cohortd and cohort-bench (the first time takes a while)"
swift build -c release --product cohortd >&2
swift build -c release --product cohort-bench >&2
bin=$(swift build -c release --show-bin-path)
cohortd_bin=$bin/cohortd
bench_bin=$bin/cohort-bench

# --- scratch space, and stopping everything on any exit -------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/cohort-bench.XXXXXX")
mkdir -p "$work/logs" "$work/pgbench"
results=$work/results.jsonl
pgdir=$work/pg
cohortd_pid=""
# The growth runs' baseline: a second cohortd on a near-empty log, running beside the measured one.
baseline_pid=""

# stop_pid PID: stops the cohortd with that pid (SIGTERM, then SIGKILL after 30 s).
stop_pid() {
  local pid=$1
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 300); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "cohortd (pid $pid) ignored SIGTERM for 30 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
}
stop_cohortd() {
  stop_pid "$cohortd_pid"
  cohortd_pid=""
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_cohortd
  stop_pid "$baseline_pid"
  Scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true
  if [[ $status -ne 0 || ${BENCH_KEEP:-0} == 1 ]]; then
    rm -rf "$pgdir"
    log "logs kept in $work"
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- PostgreSQL -----------------------------------------------------------------------------------
url=$(Scripts/postgres.sh start "$pgdir" | tail -n 1)
pg_port=${url##*:}
pg_port=${pg_port%%/*}
pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -n 1)")
db_url() { echo "${url/\/cohort\?//$1?}"; }
psql_in() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 "$(db_url "$db")" "$@"; }
log "PostgreSQL at $url"

psql_in cohort -c "CREATE DATABASE cohort_rebuild" -c "CREATE DATABASE cohort_growth" \
  -c "CREATE DATABASE pgbench_baseline" >/dev/null

# pgbench's table: cohortd's own events table (its migrations, applied by cohort-bench), in a
# database of its own so that it never touches cohortd's log.
"$bench_bin" migrate --database-url "$(db_url pgbench_baseline)" >&2
# One MemberEnrolled per transaction, like one Enroll: a fresh id, the client's own stream at its
# next version, a payload and metadata of the sizes cohortd writes (110 and 78 bytes on average;
# the report shows the sizes of this run's MemberEnrolled events as event_bytes).
# pgbench keeps a client's variables from one transaction to the next, so :version counts up.
payload_hex=$(python3 -c 'import os; print(os.urandom(110).hex())')
metadata_hex=$(python3 -c 'import os; print(os.urandom(78).hex())')
cat >"$work/pgbench/insert.sql" <<SQL
\set version :version + 1
INSERT INTO events (id, tenant_id, stream, version, type, schema_version, data, metadata) VALUES (gen_random_uuid(), '6ba7b810-9dad-51d1-80b4-00c04fd430c8', 'cohort-' || :run || '-' || :client_id, :version, 'cohort.v1.events.MemberEnrolled', 1, '\\x$payload_hex'::bytea, '\\x$metadata_hex'::bytea);
SQL

# --- cohortd --------------------------------------------------------------------------------------
start_ms=0
# start_cohortd DATA_DIR DATABASE LOG: starts cohortd and waits until it serves (server.json is
# written once it listens with the read model caught up); sets cohortd_pid and start_ms.
start_cohortd() {
  local dir=$1 database=$2 logfile=$3 t0 t1
  mkdir -p "$dir"
  rm -f "$dir/server.json"
  t0=$(date +%s%N)
  "$cohortd_bin" --data-dir "$dir" --host 127.0.0.1 --port 0 --https-port 0 --database-url "$(db_url "$database")" \
    --log-level info >"$logfile" 2>&1 &
  cohortd_pid=$!
  until [[ -s "$dir/server.json" ]]; do
    if ! kill -0 "$cohortd_pid" 2>/dev/null; then
      log "cohortd exited before serving; the end of its log ($logfile):"
      tail -n 30 "$logfile" >&2
      cohortd_pid=""
      return 1
    fi
    if (($(date +%s%N) - t0 > start_timeout * 1000000000)); then
      log "cohortd did not serve within $start_timeout s; the end of its log:"
      tail -n 30 "$logfile" >&2
      return 1
    fi
    sleep 0.01
  done
  t1=$(date +%s%N)
  start_ms=$(((t1 - t0) / 1000000))
}

# wait_for_log FILE TEXT SECONDS: until the running cohortd's log FILE has a line with TEXT.
wait_for_log() {
  local file=$1 text=$2 deadline=$(($(date +%s) + $3))
  until grep -qF "$text" "$file"; do
    if ! kill -0 "$cohortd_pid" 2>/dev/null || (($(date +%s) > deadline)); then
      log "cohortd logged no '$text' within $3 s; the end of its log ($file):"
      tail -n 30 "$file" >&2
      return 1
    fi
    sleep 0.2
  done
}

# record KEY ROUND JSON [CPU_SECONDS]: one measurement for the aggregation, with the CPU time
# cohortd spent meanwhile.
record() { printf '{"key":"%s","round":%s,"cohortd_cpu_s":%s,"report":%s}\n' "$1" "$2" "${4:-null}" "$3" >>"$results"; }

# CPU seconds (user + system) the running cohortd has used so far.
clock_ticks=$(getconf CLK_TCK)
cohortd_cpu() { awk -v hz="$clock_ticks" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$cohortd_pid/stat"; }
cpu_since() { python3 -c "import sys; print(round(float(sys.argv[2]) - float(sys.argv[1]), 2))" "$1" "$(cohortd_cpu)"; }

# bench ARGS...: runs cohort-bench, bounded in time; prints its JSON line.
bench() {
  local out=$work/logs/bench.out
  if ! timeout --kill-after=10 "$run_timeout" "$bench_bin" "$@" >"$out"; then
    log "cohort-bench $1 failed (see above)"
    return 1
  fi
  tail -n 1 "$out"
}

# pgbench_run CLIENTS ROUND SECONDS: the INSERT baseline; prints a JSON line like cohort-bench's.
pgbench_run() {
  local clients=$1 run=$2 duration=$3 prefix out
  prefix=$work/pgbench/c$clients-r$run
  out=$prefix.out
  rm -f "$prefix".log*
  if ! (cd "$work/pgbench" && timeout --kill-after=10 "$run_timeout" "$pg_bin/pgbench" -n \
    -h 127.0.0.1 -p "$pg_port" -U postgres -c "$clients" -j "$clients" -T "$duration" \
    -f insert.sql -D "run=$run-$clients" -D version=0 -l --log-prefix="$prefix.log" \
    pgbench_baseline >"$out" 2>&1); then
    log "pgbench failed:"
    cat "$out" >&2
    return 1
  fi
  python3 - "$out" "$prefix" "$clients" <<'PY'
import glob, json, re, sys
out, prefix, clients = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(out).read()
tps = float(re.search(r"tps = ([0-9.]+) \(without initial connection time\)", text).group(1))
failed = re.search(r"number of failed transactions: (\d+)", text)
latencies = []
for path in glob.glob(prefix + ".log*"):
    for line in open(path):
        fields = line.split()
        if len(fields) >= 3 and fields[2].isdigit():
            latencies.append(int(fields[2]))
latencies.sort()
def pct(p):
    if not latencies:
        return 0
    return latencies[max((len(latencies) * p + 99) // 100 - 1, 0)]
print(json.dumps({"workload": "pgbench", "clients": clients, "connections": clients, "rate": tps,
                  "count": len(latencies), "p50_us": pct(50), "p90_us": pct(90), "p99_us": pct(99),
                  "max_us": latencies[-1] if latencies else 0,
                  "failed": int(failed.group(1)) if failed else 0}, sort_keys=True))
PY
}

# --- append and query: one cohortd on the `cohort` database ---------------------------------------
main_dir=$work/main
log "starting cohortd (release) on PostgreSQL"
start_cohortd "$main_dir" cohort "$work/logs/cohortd-main.log"
log "cohortd serving after ${start_ms} ms (empty log)"

# Warm both paths once (connections, PostgreSQL's caches), unmeasured.
pgbench_run 8 0 1 >/dev/null
bench append --data-dir "$main_dir" --clients 8 --seconds 1 --warmup 0 --first-cohort 100 >/dev/null

# measure KEY ROUND cohort-bench ARGS...: one cohort-bench run, recorded with cohortd's CPU time.
measure() {
  local key=$1 round=$2 cpu0 out
  shift 2
  cpu0=$(cohortd_cpu)
  out=$(bench "$@" --data-dir "$dir_in_use")
  record "$key" "$round" "$out" "$(cpu_since "$cpu0")"
}
dir_in_use=$main_dir

# measure_baseline KEY ROUND cohort-bench ARGS...: measure, against the growth baseline's cohortd.
measure_baseline() {
  local pid=$cohortd_pid dir=$dir_in_use
  cohortd_pid=$baseline_pid dir_in_use=$baseline_dir
  measure "$@"
  cohortd_pid=$pid dir_in_use=$dir
}

next_cohort=1000
for clients in $clients_list; do
  for round in $(seq 1 "$rounds"); do
    log "append, $clients clients, round $round/$rounds: pgbench INSERT"
    out=$(pgbench_run "$clients" "$((clients * 100 + round))" "$seconds")
    record "append.pgbench.$clients" "$round" "$out"
    log "append, $clients clients, round $round/$rounds: WhoAmI (authenticated no-op)"
    measure "append.noop.$clients" "$round" query --rpc whoami --clients "$clients" --seconds "$seconds" --warmup "$warmup"
    log "append, $clients clients, round $round/$rounds: cohortd Enroll"
    measure "append.cohortd.$clients" "$round" append --clients "$clients" --seconds "$seconds" --warmup "$warmup" \
      --first-cohort "$next_cohort"
    next_cohort=$((next_cohort + clients))
  done
done
# What cohortd really writes, to check the baseline's row size against it.
event_bytes=$(psql_in cohort -At -c \
  "SELECT round(avg(length(data))), round(avg(length(metadata))) FROM events WHERE type = 'cohort.v1.events.MemberEnrolled'")

for members in $roster_sizes; do
  log "query: preparing cohort $((9000 + members / 10)) with $members members"
  bench roster --data-dir "$main_dir" --cohort "$((9000 + members / 10))" --members "$members" >/dev/null
done
for round in $(seq 1 "$rounds"); do
  q=(--clients "$query_clients" --seconds "$seconds" --warmup "$warmup")
  log "query, round $round/$rounds: health Check (no-op without a token)"
  measure "query.health" "$round" query --rpc health "${q[@]}"
  log "query, round $round/$rounds: WhoAmI (authenticated no-op), without and with a 30 s deadline"
  measure "query.noop" "$round" query --rpc whoami "${q[@]}"
  measure "query.noop_deadline" "$round" query --rpc whoami --deadline 30 "${q[@]}"
  for members in $roster_sizes; do
    log "query, round $round/$rounds: GetCohort, $members members"
    measure "query.get_cohort.$members" "$round" query --rpc get-cohort --cohort "$((9000 + members / 10))" "${q[@]}"
  done
  if [[ " $roster_sizes " == *" 300 "* ]]; then
    log "query, round $round/$rounds: GetCohort, 300 members, the replies not decoded by cohort-bench"
    measure "query.get_cohort_undecoded.300" "$round" query --rpc get-cohort --cohort 9030 --no-decode "${q[@]}"
  fi
done
stop_cohortd

# --- rebuild, start, memory and growth: a second database, grown in stages -------------------------
rebuild_dir=$work/rebuild
log "rebuild: first start on an empty database (creates the first tenant and its owner)"
start_cohortd "$rebuild_dir" cohort_rebuild "$work/logs/cohortd-rebuild-0.log"
start_empty_ms=$start_ms
stop_cohortd

# Growth is judged against Enroll on a log that stays near-empty, measured at each stage in turn
# with the grown log's runs: the same machine state and the same PostgreSQL (its caches, its
# checkpoints). Its own cohorts follow on from 5,000.
baseline_dir=$work/growth-baseline
log "growth: starting the baseline cohortd on a database of its own (its log stays near-empty)"
start_cohortd "$baseline_dir" cohort_growth "$work/logs/cohortd-growth-baseline.log"
baseline_pid=$cohortd_pid cohortd_pid=""
baseline_cohort=5000

# The loaded cohorts are numbered from 20,001 on (written straight into the log, past the API's
# 10,000), so that the growth runs' cohorts (5,000 and up, through the API) never meet them.
loaded=0
next_load_cohort=20001
growth_cohort=5000
dir_in_use=$rebuild_dir
for size in $sizes; do
  log "rebuild: loading $((size - loaded)) more events through PostgresEventStore (to $size)"
  timeout --kill-after=10 7200 "$bench_bin" load --database-url "$(db_url cohort_rebuild)" --events "$((size - loaded))" \
    --first-cohort "$next_load_cohort" >"$work/logs/load-$size.out"
  record "load.$size" 1 "$(tail -n 1 "$work/logs/load-$size.out")"
  next_load_cohort=$((next_load_cohort + (size - loaded + 301) / 302))
  loaded=$size
  psql_in cohort_rebuild -c "VACUUM (ANALYZE) events" -c "CHECKPOINT" >/dev/null
  log_events=$(psql_in cohort_rebuild -At -c "SELECT count(*) FROM events")
  table_bytes=$(psql_in cohort_rebuild -At -c "SELECT pg_total_relation_size('events')")
  record "table.$size" 1 "{\"events\": $log_events, \"bytes\": $table_bytes}"

  for round in $(seq 1 "$rounds"); do
    log "rebuild $size, round $round/$rounds: COPY of $log_events rows inside the server, and in binary to a client"
    copy_ms=$(psql_in cohort_rebuild -c '\timing on' \
      -c "COPY (SELECT * FROM events ORDER BY position) TO '/dev/null'" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
    [[ -n "$copy_ms" ]] || { log "psql printed no COPY timing"; exit 1; }
    record "rebuild.copy.$size" "$round" "{\"ms\": $copy_ms, \"events\": $log_events}"
    t0=$(date +%s%N)
    psql_in cohort_rebuild -c "COPY (SELECT * FROM events ORDER BY position) TO STDOUT (FORMAT binary)" >/dev/null
    t1=$(date +%s%N)
    record "rebuild.copy_client.$size" "$round" "{\"ms\": $(((t1 - t0) / 1000000)), \"events\": $log_events}"
    log "rebuild $size, round $round/$rounds: readAll scan without folding (diagnostic)"
    out=$(timeout --kill-after=10 1800 "$bench_bin" scan --database-url "$(db_url cohort_rebuild)" | tail -n 1)
    record "rebuild.scan.$size" "$round" "$out"

    log "rebuild $size, round $round/$rounds: cohortd start with $log_events events (no snapshot)"
    logfile=$work/logs/cohortd-rebuild-$size-$round.log
    rm -f "$rebuild_dir/read-model.snapshot"
    start_cohortd "$rebuild_dir" cohort_rebuild "$logfile"
    hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$cohortd_pid/status")
    rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$cohortd_pid/status")
    # "read model caught up" position=N took=D seconds (a Swift Duration).
    took=$(sed -n 's/.*took=\([0-9.e+-]*\) seconds \[CohortServer\] read model caught up.*/\1/p' "$logfile" | tail -n 1)
    [[ -n "$took" ]] || { log "no 'read model caught up ... took=' line in $logfile"; exit 1; }
    # A start without a snapshot writes one as soon as it has folded a log of at least
    # --snapshot-every events (100,000 by default), on both cores while serving: growth is measured
    # after it, and the stop then has nothing new to write but what the growth run appended.
    written_s=null written_hwm_kb=null
    if ((log_events >= 100000)); then
      wait_for_log "$logfile" "read model snapshot written" "$start_timeout" || exit 1
      written_s=$(sed -n 's/.*took=\([0-9.e+-]*\) seconds \[CohortServer\] read model snapshot written.*/\1/p' "$logfile" | head -n 1)
      written_hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$cohortd_pid/status")
    fi
    record "rebuild.cohortd.$size" "$round" \
      "{\"start_ms\": $start_ms, \"took_s\": $took, \"events\": $log_events, \"vm_hwm_kb\": $hwm_kb, \"vm_rss_kb\": $rss_kb, \"written_s\": $written_s, \"written_vm_hwm_kb\": $written_hwm_kb}"
    if [[ $round == "$rounds" ]]; then
      # As many runs as the near-empty log's Enroll had, for a median as steady as the baseline's.
      # Odd runs measure the baseline first, even runs the grown log first: the first run after
      # the rebuild's snapshot write does not always fall to the same side.
      for growth_round in $(seq 1 "$rounds"); do
        for side in $( ((growth_round % 2)) && echo "baseline grown" || echo "grown baseline"); do
          if [[ $side == baseline ]]; then
            log "growth: Enroll from $query_clients clients on the near-empty log (baseline), run $growth_round/$rounds"
            measure_baseline "growth.baseline.$size" "$growth_round" append --clients "$query_clients" \
              --seconds "$seconds" --warmup "$warmup" --first-cohort "$baseline_cohort"
            baseline_cohort=$((baseline_cohort + query_clients))
          else
            log "growth: Enroll from $query_clients clients with $log_events events in the log, run $growth_round/$rounds"
            measure "growth.enroll.$size" "$growth_round" append --clients "$query_clients" --seconds "$seconds" \
              --warmup "$warmup" --first-cohort "$growth_cohort"
            growth_cohort=$((growth_cohort + query_clients))
          fi
        done
      done
    fi
    stop_cohortd

    # The next start loads the last snapshot written (at shutdown when the growth run appended)
    # and folds no tail.
    snapshot_bytes=$(stat -c %s "$rebuild_dir/read-model.snapshot" 2>/dev/null || echo 0)
    [[ $snapshot_bytes -gt 0 ]] || { log "cohortd left no snapshot ($logfile)"; exit 1; }
    log "rebuild $size, round $round/$rounds: cohortd start from the snapshot it wrote ($snapshot_bytes bytes)"
    logfile=$work/logs/cohortd-snapshot-$size-$round.log
    start_cohortd "$rebuild_dir" cohort_rebuild "$logfile"
    hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$cohortd_pid/status")
    load_s=$(sed -n 's/.*took=\([0-9.e+-]*\) seconds \[CohortServer\] read model loaded from its snapshot.*/\1/p' "$logfile" | tail -n 1)
    [[ -n "$load_s" ]] || { log "cohortd did not load its snapshot:"; grep "no snapshot loaded" "$logfile" >&2; exit 1; }
    record "start.snapshot.$size" "$round" \
      "{\"start_ms\": $start_ms, \"load_s\": $load_s, \"bytes\": $snapshot_bytes, \"vm_hwm_kb\": $hwm_kb}"
    stop_cohortd
  done
done

# --- the report -----------------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem_kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
pg_version=$(psql_in cohort -At -c "SHOW server_version")
swift_version=$(swift --version 2>&1 | sed -n 's/.*Swift version \([^ ]*\).*/\1/p' | head -n 1)

python3 - "$results" <<PY
import json, statistics, sys

machine = {
    "nproc": $(nproc), "memory_gib": round($mem_kb / 1048576, 1), "cpu": """$cpu""".strip(),
    "postgresql": "$pg_version", "swift": "$swift_version", "kernel": "$(uname -r)",
}
settings = {
    "seconds": $seconds, "rounds": $rounds, "sizes": [int(s) for s in "$sizes".split()], "target_size": $events,
    "quick": "${BENCH_QUICK:-0}" == "1", "append_clients": [int(c) for c in "$clients_list".split()],
    "query_clients": $query_clients, "roster_sizes": [int(m) for m in "$roster_sizes".split()],
    "connections": "one TLS connection per client",
    "deadline": "measured calls carry no deadline, except the no-op row that says 30 s",
}
runs = {}
for line in open(sys.argv[1]):
    entry = json.loads(line)
    entry["report"]["cohortd_cpu_s"] = entry.get("cohortd_cpu_s")
    runs.setdefault(entry["key"], []).append(entry["report"])

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

def mib(kb):
    return None if kb is None else round(kb / 1024, 1)

def figures(key):
    reports = runs.get(key, [])
    result = {
        "rate": med([r["rate"] for r in reports]),
        "p50_us": med([r["p50_us"] for r in reports]),
        "p99_us": med([r["p99_us"] for r in reports]),
        "rates": [round(r["rate"], 1) for r in reports],
    }
    # cohortd's CPU time (user + system) per call sent, warm-up included.
    cpu = [r["cohortd_cpu_s"] * 1e6 / r["details"]["calls_sent"] for r in reports
           if r.get("cohortd_cpu_s") is not None and r.get("details", {}).get("calls_sent")]
    if cpu:
        result["cohortd_cpu_us_per_call"] = round(med(cpu))
    # The load generator's CPU per call sent (it runs on the same cores).
    client = [r["details"]["client_cpu_us_per_call"] for r in reports if "client_cpu_us_per_call" in r.get("details", {})]
    if client:
        result["client_cpu_us_per_call"] = round(med(client))
    return result

def paired(subject, baseline, value=lambda r: r["rate"]):
    """Median of the per-round ratios: each round's subject against the baseline run just before it."""
    pairs = zip(runs.get(subject, []), runs.get(baseline, []))
    return med([value(s) / value(b) for s, b in pairs if value(b)])

def target(ratio, at_least):
    return {"ratio": ratio, "target": at_least, "meets_target": ratio is not None and ratio >= at_least}

report = {"machine": machine, "settings": settings}
append = {}
for clients in settings["append_clients"]:
    entry = {"cohortd": figures(f"append.cohortd.{clients}"), "noop": figures(f"append.noop.{clients}"),
             "pgbench": figures(f"append.pgbench.{clients}"),
             "ratio_pgbench": paired(f"append.cohortd.{clients}", f"append.pgbench.{clients}")}
    entry.update(target(paired(f"append.cohortd.{clients}", f"append.noop.{clients}"), 0.8 if clients == 32 else 0))
    append[str(clients)] = entry
report["append"] = append

query = {"clients": $query_clients, "health": figures("query.health"), "noop": figures("query.noop"),
         "noop_deadline": figures("query.noop_deadline"),
         "deadline_cost": paired("query.noop_deadline", "query.noop"), "get_cohort": {}}
for members in settings["roster_sizes"]:
    entry = figures(f"query.get_cohort.{members}")
    entry.update(target(paired(f"query.get_cohort.{members}", "query.noop"), 0.7 if members == 300 else 0))
    entry["reply_bytes"] = med([r.get("details", {}).get("reply_bytes") for r in runs.get(f"query.get_cohort.{members}", [])])
    query["get_cohort"][str(members)] = entry
if runs.get("query.get_cohort_undecoded.300"):
    query["get_cohort_undecoded_300"] = {**figures("query.get_cohort_undecoded.300"),
                                         **target(paired("query.get_cohort_undecoded.300", "query.noop"), 0.7)}
report["query"] = query

stages = {}
for size in settings["sizes"]:
    copies, clients, rebuilds = runs[f"rebuild.copy.{size}"], runs[f"rebuild.copy_client.{size}"], runs[f"rebuild.cohortd.{size}"]
    load, table = runs[f"load.{size}"][0], runs[f"table.{size}"][0]
    events = table["events"]
    rebuild_rates = [r["events"] / r["took_s"] for r in rebuilds]
    client_rates = [c["events"] / (c["ms"] / 1000) for c in clients]
    stage = {
        "events": events, "table_mib": round(table["bytes"] / 1048576, 1),
        "load_seconds": round(load["seconds"], 1), "load_events_per_s": round(load["rate"]),
        "cohortd_seconds": med([r["took_s"] for r in rebuilds]), "cohortd_events_per_s": med(rebuild_rates),
        "copy_seconds": med([c["ms"] / 1000 for c in copies]),
        "copy_events_per_s": med([c["events"] / (c["ms"] / 1000) for c in copies]),
        "copy_client_seconds": med([c["ms"] / 1000 for c in clients]), "copy_client_events_per_s": med(client_rates),
        "readall_scan_events_per_s": med([r["rate"] for r in runs.get(f"rebuild.scan.{size}", [])]),
        "start_ms": med([r["start_ms"] for r in rebuilds]),
        "peak_rss_mib": round(med([r["vm_hwm_kb"] for r in rebuilds]) / 1024, 1),
        "rss_serving_mib": round(med([r["vm_rss_kb"] for r in rebuilds]) / 1024, 1),
        "peak_rss_after_snapshot_mib": mib(med([r["written_vm_hwm_kb"] for r in rebuilds])),
        "enroll": figures(f"growth.enroll.{size}"), "enroll_baseline": figures(f"growth.baseline.{size}"),
        "enroll_ratio": paired(f"growth.enroll.{size}", f"growth.baseline.{size}"),
    }
    snapshots = runs.get(f"start.snapshot.{size}", [])
    stage["snapshot"] = {
        "start_ms": med([r["start_ms"] for r in snapshots]), "load_s": med([r["load_s"] for r in snapshots]),
        "written_s": med([r["written_s"] for r in rebuilds]),
        "mib": round(med([r["bytes"] for r in snapshots]) / 1048576, 1),
        "peak_rss_mib": round(med([r["vm_hwm_kb"] for r in snapshots]) / 1024, 1),
    }
    stage["peak_rss_mib_per_million_events"] = round(stage["peak_rss_mib"] / (events / 1e6), 1)
    stage.update(target(med([r / c for r, c in zip(rebuild_rates, client_rates)]), 0.5))
    stages[str(size)] = stage
report["stages"] = stages
main = stages.get(str(settings["target_size"])) or stages[str(settings["sizes"][-1])]
start_ms = main["snapshot"]["start_ms"]
report["start"] = {"events": main["events"], "ms": start_ms, "without_snapshot_ms": main["start_ms"], "target_ms": 1000,
                   "meets_target": start_ms is not None and start_ms < 1000, "empty_log_ms": $start_empty_ms}
largest = stages[str(settings["sizes"][-1])]
empty_enroll = append.get(str($query_clients), {}).get("cohortd", {}).get("rate")
# The baseline is the near-empty log's Enroll on the second cohortd, run in turn with the grown
# log's; the append section's Enroll (another database, earlier in the run) is shown too.
report["growth"] = {
    "enroll_near_empty_log": largest["enroll_baseline"]["rate"], "enroll_append_section": empty_enroll,
    "enroll_largest_log": largest["enroll"]["rate"], "largest_log_events": largest["events"],
    **target(largest["enroll_ratio"], 0.9),
}
report["event_bytes"] = dict(zip(["data", "metadata"], [float(x) for x in "$event_bytes".split("|")]))

def ms(us):
    return "-" if us is None else f"{us / 1000:.2f}"

def num(x, digits=0):
    return "-" if x is None else f"{x:,.{digits}f}"

def cpu(figure):
    value, client = figure.get("cohortd_cpu_us_per_call"), figure.get("client_cpu_us_per_call")
    text = "" if value is None else f"{value:,} µs"
    return text if client is None else f"{text} (client {client:,} µs)"

def goal(entry, text):
    if not entry.get("target"):
        return ""
    return f"{text} ({'met' if entry['meets_target'] else 'NOT met'})"

def lat(f):
    return f"{ms(f['p50_us'])} / {ms(f['p99_us'])}"

rows = []
for clients, entry in append.items():
    c, n, b = entry["cohortd"], entry["noop"], entry["pgbench"]
    plural = "" if clients == "1" else "s"
    rows.append((f"Enroll, {clients} client{plural}", f"{num(c['rate'])}/s", lat(c), cpu(c),
                 f"WhoAmI {num(n['rate'])}/s, {lat(n)}, {cpu(n)}", f"{num(entry['ratio'], 2)}×", goal(entry, "≥ 0.8×")))
    rows.append(("", "", "", "", f"pgbench INSERT {num(b['rate'])} tps, {lat(b)}", f"{num(entry['ratio_pgbench'], 2)}×", ""))
n, h, d = query["noop"], query["health"], query["noop_deadline"]
rows.append((f"WhoAmI, {query['clients']} clients", f"{num(n['rate'])}/s", lat(n), cpu(n),
             f"health Check (no token) {num(h['rate'])}/s, {lat(h)}, {cpu(h)}", "", ""))
rows.append(("WhoAmI, 30 s deadline", f"{num(d['rate'])}/s", lat(d), cpu(d), "WhoAmI without a deadline",
             f"{num(query['deadline_cost'], 2)}×", ""))
for members, g in query["get_cohort"].items():
    rows.append((f"GetCohort, {int(members):,} members", f"{num(g['rate'])}/s", lat(g), cpu(g),
                 f"WhoAmI; reply {num(g['reply_bytes'])} bytes", f"{num(g['ratio'], 2)}×", goal(g, "≥ 0.7×")))
if "get_cohort_undecoded_300" in query:
    g = query["get_cohort_undecoded_300"]
    rows.append(("GetCohort, 300 members, replies not decoded", f"{num(g['rate'])}/s", lat(g), cpu(g),
                 "WhoAmI; cohort-bench checks each reply's length only", f"{num(g['ratio'], 2)}×", goal(g, "≥ 0.7×")))
for size, s in stages.items():
    rows.append((f"rebuild, {s['events']:,} events", f"{num(s['cohortd_events_per_s'])} events/s", f"{num(s['cohortd_seconds'], 2)} s", "",
                 f"binary COPY to a client {num(s['copy_client_events_per_s'])} events/s ({num(s['copy_client_seconds'], 2)} s); "
                 f"in the server {num(s['copy_events_per_s'])}/s", f"{num(s['ratio'], 2)}×", goal(s, "≥ 0.5×")))
    rows.append((f"start, {s['events']:,} events, no snapshot", f"{num(s['start_ms'])} ms", "", "",
                 f"peak RSS {s['peak_rss_mib']} MiB ({s['peak_rss_mib_per_million_events']} MiB per million events), "
                 f"{num(s['peak_rss_after_snapshot_mib'])} MiB once its first snapshot is written", "", ""))
    p = s["snapshot"]
    rows.append((f"start, {s['events']:,} events, from a snapshot", f"{num(p['start_ms'])} ms", "", "",
                 f"snapshot {p['mib']} MiB, loaded in {num(p['load_s'], 2)} s, written in {num(p['written_s'], 2)} s after the rebuild (none under 100,000 events); "
                 f"peak RSS {p['peak_rss_mib']} MiB", "", goal(report["start"], "< 1000 ms") if s is main else ""))
    e, b = s["enroll"], s["enroll_baseline"]
    rows.append((f"Enroll, {s['events']:,} events in the log", f"{num(e['rate'])}/s", lat(e), cpu(e),
                 f"Enroll on a near-empty log (second cohortd) {num(b['rate'])}/s, {lat(b)}, {cpu(b)}",
                 f"{num(s['enroll_ratio'], 2)}×", goal(report["growth"], "≥ 0.9×") if s is largest else ""))

header = ("workload", "cohortd", "p50 / p99 ms", "cohortd CPU/call", "baseline (same run)", "ratio", "target")
widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
def line(row):
    return "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip()
print(f"Cohort benchmarks: medians of {$rounds} round(s) of {$seconds} s, baseline and cohortd alternating; "
      f"calls without a deadline unless a row says otherwise")
print(f"machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['memory_gib']} GiB, "
      f"PostgreSQL {machine['postgresql']}, Swift {machine['swift']}")
for size, s in stages.items():
    print(f"log of {s['events']:,} events ({s['table_mib']} MiB), the last {num(int(size) - (int(settings['sizes'][settings['sizes'].index(int(size)) - 1]) if settings['sizes'].index(int(size)) else 0))} "
          f"loaded at {num(s['load_events_per_s'])} events/s; readAll alone {num(s['readall_scan_events_per_s'])} events/s")
print()
print(line(header))
print(line(["-" * w for w in widths]))
for row in rows:
    print(line(row))
print()
print(json.dumps(report, ensure_ascii=False, separators=(",", ":")))
PY
