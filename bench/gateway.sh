#!/usr/bin/env bash
# Paid orders per second through each real gateway's flow (issue 14): the shop on Toss Payments,
# PortOne and KakaoPay in turn, the gateway's fake (jangteo-testkit) answering the step the shop
# waits on after 300 ms as a real gateway's latency would (Toss's confirm, PortOne's payment
# lookup, KakaoPay's approve). 32 logged-in shoppers place orders, open the payment window from
# the shop, approve, and come back to the return, where the shop confirms with the gateway.
# SQLite and PostgreSQL, RUNS runs each; the shop's CPU per paid order (the fake runs in the same
# process and is counted with it); a bare axum route measured with wrk in the same run.
# 127.0.0.1 only. Usage: bench/gateway.sh [duration] [runs] [shoppers] [gateways...]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
RUNS="${2:-3}"
SHOPPERS="${3:-32}"
shift $(( $# < 3 ? $# : 3 ))
if [ $# -gt 0 ]; then GATEWAYS=("$@"); else GATEWAYS=(toss portone kakaopay); fi
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/jangteo-target}"
export RUST_LOG=warn
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
cargo build --release -p jangteo-bench
SHOP="$CARGO_TARGET_DIR/release/gateway-shop"
LOAD="$CARGO_TARGET_DIR/release/checkout-load"
BARE="$CARGO_TARGET_DIR/release/bare-axum"
WORK="$(mktemp -d /tmp/jangteo-gateway-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
wait_up() { for _ in $(seq 1 2000); do curl -sf -o /dev/null "http://127.0.0.1:$1$2" && return 0; sleep 0.01; done; exit 1; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

"$BARE" "127.0.0.1:18193" & pids+=($!)
wait_up 18193 /
: > "$WORK/results.tsv"
for gateway in "${GATEWAYS[@]}"; do
for backend in sqlite postgres; do
  "$SHOP" "$backend" "$gateway" 300 > "$WORK/$backend.out" & pid=$!; pids+=($pid)
  for _ in $(seq 1 600); do [ -s "$WORK/$backend.out" ] && break; sleep 0.1; done
  read -r base sku method < "$WORK/$backend.out"
  echo "== $gateway on $backend: shop at $base, SKU $sku, paying by $method"
  for run in $(seq 1 "$RUNS"); do
    bare=$(wrk -t1 -c16 -d5s "http://127.0.0.1:18193/" | awk '/Requests\/sec/ {print $2}')
    before=$(cpu_ticks "$pid")
    out=$(CHECKOUT_METHOD="$method" "$LOAD" "$base" "$sku" "$SHOPPERS" "$DURATION" 2>>"$WORK/errors.log")
    after=$(cpu_ticks "$pid")
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$gateway" "$backend" "$run" "$out" "$((after - before))" "$bare" >> "$WORK/results.tsv"
    echo "$gateway $backend run $run: $out (shop CPU ticks $((after - before)); bare route $bare req/s)"
  done
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  echo "$gateway $backend peak RSS ${rss} kB"
  printf 'rss\t%s\t%s\t%s\n' "$gateway" "$backend" "$rss" >> "$WORK/results.tsv"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
done
cp "$WORK/results.tsv" /tmp/jangteo-gateway-bench.tsv
echo "raw results: /tmp/jangteo-gateway-bench.tsv"
[ -s "$WORK/errors.log" ] && { echo "client errors:"; sort "$WORK/errors.log" | uniq -c | head; } || true
