#!/usr/bin/env bash
# Checkout benchmark: orders placed and paid with the test gateway per second, on SQLite and on
# PostgreSQL, with the oversell check held under load. Each backend: the demo shop, one SKU;
# phase 1 measures throughput (16 logged-in shoppers, DURATION s, RUNS runs); phase 2 sets the
# stock to 100 and lets 32 shoppers race for it, then checks exactly 100 were sold and the stock
# is 0. A bare axum route (wrk, same run) is the machine's reference. 127.0.0.1 only.
# Usage: bench/checkout.sh [duration] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
RUNS="${2:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/jangteo-target}"
export RUST_LOG=warn
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
command -v sqlite3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3; }
cargo build --release -p jangteo -p jangteo-bench
BIN="$CARGO_TARGET_DIR/release/jangteo"
LOAD="$CARGO_TARGET_DIR/release/checkout-load"
BARE="$CARGO_TARGET_DIR/release/bare-axum"
WORK="$(mktemp -d /tmp/jangteo-checkout-bench.XXXXXX)"
PORT=18191
PG_ADMIN="postgres://postgres@127.0.0.1:5432/postgres"
PG_DB="jangteo_bench_checkout"
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

wait_up() { for _ in $(seq 1 2000); do curl -sf -o /dev/null "http://127.0.0.1:$1$2" && return 0; sleep 0.01; done; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

"$BARE" "127.0.0.1:18192" & pids+=($!)
wait_up 18192 /

: > "$WORK/results.tsv"
for backend in sqlite postgres; do
  dir="$WORK/$backend"; mkdir -p "$dir"
  if [ "$backend" = postgres ]; then
    psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB" >/dev/null
    url="postgres://postgres@127.0.0.1:5432/$PG_DB"
    sql() { psql "$url" -qtAc "$1"; }
  else
    url="sqlite:$dir/jangteo.db"
    sql() { sqlite3 "$dir/jangteo.db" "$1"; }
  fi
  echo "== $backend: loading the demo"
  (cd "$dir" && "$BIN" demo --no-serve --database-url "$url" >/dev/null)
  sku=$(sql "SELECT s.id FROM skus s JOIN products p ON p.id = s.product_id WHERE p.slug = 'matte-ceramic-mug-350ml' ORDER BY s.id LIMIT 1")
  sql "UPDATE skus SET stock = 1000000 WHERE id = $sku" >/dev/null
  (cd "$dir" && exec "$BIN" serve --database-url "$url" --listen "127.0.0.1:$PORT") & pid=$!; pids+=($pid)
  wait_up "$PORT" /healthz
  for run in $(seq 1 "$RUNS"); do
    bare=$(wrk -t1 -c16 -d5s "http://127.0.0.1:18192/" | awk '/Requests\/sec/ {print $2}')
    before=$(cpu_ticks "$pid")
    out=$("$LOAD" "http://127.0.0.1:$PORT" "$sku" 16 "$DURATION" 2>>"$WORK/errors.log")
    after=$(cpu_ticks "$pid")
    printf '%s\t%s\t%s\t%s\t%s\n' "$backend" "$run" "$out" "$((after - before))" "$bare" >> "$WORK/results.tsv"
    echo "$backend run $run: $out (server CPU ticks $((after - before)); bare route $bare req/s)"
  done
  sold_before=$(sql "SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.sku_id = $sku AND o.status <> 'cancelled'")
  sql "UPDATE skus SET stock = 100 WHERE id = $sku" >/dev/null
  race=$("$LOAD" "http://127.0.0.1:$PORT" "$sku" 32 60 10 2>>"$WORK/errors.log")
  sold_after=$(sql "SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.sku_id = $sku AND o.status <> 'cancelled'")
  stock=$(sql "SELECT stock FROM skus WHERE id = $sku")
  echo "$backend oversell race: $race; sold $((sold_after - sold_before)) of 100, stock left $stock"
  printf 'race\t%s\t%s\t%s\t%s\n' "$backend" "$race" "$((sold_after - sold_before))" "$stock" >> "$WORK/results.tsv"
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  printf 'rss\t%s\t%s\n' "$backend" "$rss" >> "$WORK/results.tsv"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  [ "$backend" = postgres ] && psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
done
cp "$WORK/results.tsv" /tmp/jangteo-checkout-bench.tsv
echo "raw results: /tmp/jangteo-checkout-bench.tsv"
[ -s "$WORK/errors.log" ] && { echo "client errors:"; sort "$WORK/errors.log" | uniq -c | head; } || true
