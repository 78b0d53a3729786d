#!/usr/bin/env bash
# Jobs benchmark, SQLite and PostgreSQL: no-op jobs drained per second by 1 and 2 workers (20,000
# jobs, RUNS runs), then a bulk send to 100,000 consenting members run by `jangteo worker`, killed
# with SIGKILL half-way and started again: the campaign must finish with exactly one message per
# member. 127.0.0.1 only. Usage: bench/jobs.sh [runs] [members]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
MEMBERS="${2:-100000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/jangteo-target}"
export RUST_LOG=warn
cargo build --release -p jangteo -p jangteo-bench
BIN="$CARGO_TARGET_DIR/release/jangteo"
LOAD="$CARGO_TARGET_DIR/release/jobs-load"
WORK="$(mktemp -d /tmp/jangteo-jobs-bench.XXXXXX)"
PG_ADMIN="postgres://postgres@127.0.0.1:5432/postgres"
PG_DB="jangteo_bench_jobs"
trap 'pkill -f "$WORK" 2>/dev/null || true; rm -rf "$WORK"' EXIT

fresh() { # backend → prints a database URL of a new empty database
  if [ "$1" = postgres ]; then
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB" >/dev/null 2>&1
    echo "postgres://postgres@127.0.0.1:5432/$PG_DB"
  else
    rm -f "$WORK"/jobs.db*; echo "sqlite:$WORK/jobs.db"
  fi
}

for backend in sqlite postgres; do
  for workers in 1 2; do
    for run in $(seq 1 "$RUNS"); do
      url=$(fresh "$backend")
      echo "$backend workers=$workers run=$run $("$LOAD" throughput "$url" 20000 "$workers")"
    done
  done
  url=$(fresh "$backend")
  seed_start=$(date +%s.%N)
  "$LOAD" seed "$url" "$MEMBERS" >/dev/null
  echo "$backend seeded $MEMBERS members in $(echo "$(date +%s.%N) - $seed_start" | bc) s"
  start=$(date +%s.%N)
  (cd "$WORK" && exec "$BIN" worker --data-dir "$WORK" --database-url "$url") & pid=$!
  while :; do
    queued=$("$LOAD" check "$url" | sed 's/.*"queued":\([0-9]*\).*/\1/')
    [ "$queued" -ge $((MEMBERS / 2)) ] && break
    sleep 0.5
  done
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  echo "$backend worker killed at $queued of $MEMBERS queued"
  (cd "$WORK" && exec "$BIN" worker --data-dir "$WORK" --database-url "$url") & pid=$!
  while :; do
    state=$("$LOAD" check "$url")
    echo "$state" | grep -q '"status":"done"' && break
    sleep 1
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$backend bulk send done in $(echo "$(date +%s.%N) - $start" | bc) s: $state"
  [ "$backend" = postgres ] && psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1
done
