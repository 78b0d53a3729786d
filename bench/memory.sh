#!/usr/bin/env bash
# Memory under guest checkouts: the demo shop on SQLite (`serve`, worker on), 16 guests placing
# and paying orders (each order hashes its order password with Argon2) until ORDERS are paid;
# prints the peak resident size during the load (VmHWM), the resident size right after, and a
# minute later (VmRSS), for RUNS runs. 127.0.0.1 only.
# Usage: bench/memory.sh [orders] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
ORDERS="${1:-1000}"
RUNS="${2:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/jangteo-target}"
export RUST_LOG=warn
command -v sqlite3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3; }
cargo build --release -p jangteo -p jangteo-bench
BIN="$CARGO_TARGET_DIR/release/jangteo"
LOAD="$CARGO_TARGET_DIR/release/checkout-load"
WORK="$(mktemp -d /tmp/jangteo-memory-bench.XXXXXX)"
PORT=18193
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
wait_up() { for _ in $(seq 1 2000); do curl -sf -o /dev/null "http://127.0.0.1:$1$2" && return 0; sleep 0.01; done; exit 1; }
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

for run in $(seq 1 "$RUNS"); do
  dir="$WORK/run$run"; mkdir -p "$dir"
  url="sqlite:$dir/jangteo.db"
  (cd "$dir" && "$BIN" demo --no-serve --database-url "$url" >/dev/null)
  sku=$(sqlite3 "$dir/jangteo.db" "SELECT s.id FROM skus s JOIN products p ON p.id = s.product_id WHERE p.slug = 'matte-ceramic-mug-350ml' ORDER BY s.id LIMIT 1")
  sqlite3 "$dir/jangteo.db" "UPDATE skus SET stock = 1000000 WHERE id = $sku"
  (cd "$dir" && exec "$BIN" serve --database-url "$url" --listen "127.0.0.1:$PORT") & pid=$!
  wait_up "$PORT" /healthz
  sleep 2
  start=$(kib "$pid" VmRSS)
  each=$(( (ORDERS + 15) / 16 ))
  out=$(CHECKOUT_GUEST=1 "$LOAD" "http://127.0.0.1:$PORT" "$sku" 16 600 "$each")
  peak=$(kib "$pid" VmHWM)
  after=$(kib "$pid" VmRSS)
  sleep 60
  idle=$(kib "$pid" VmRSS)
  echo "run $run: start ${start} KiB, peak ${peak} KiB, after ${after} KiB, a minute later ${idle} KiB; $out"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
