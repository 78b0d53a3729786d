#!/usr/bin/env bash
# Storefront load benchmark: 2,000 products, home / category / product pages at concurrency 32
# for 20 s each, three runs, against a bare axum route measured in the same run as the ceiling.
# Reports requests/s, p50/p99, CPU time per request, peak RSS and time to first answer, and
# writes bench/RESULTS.md. Traffic stays on 127.0.0.1. Usage: bench/run.sh [duration] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
RUNS="${2:-3}"
CONNECTIONS=32
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/jangteo-target}"
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

cargo build --release -p jangteo -p jangteo-bench
BIN="$CARGO_TARGET_DIR/release/jangteo"
BARE="$CARGO_TARGET_DIR/release/bare-axum"
WORK="$(mktemp -d /tmp/jangteo-bench.XXXXXX)"
SHOP_PORT=18181
BARE_PORT=18182
export RUST_LOG=warn
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

echo "== loading the demo with 2,000 products"
(cd "$WORK" && "$BIN" demo --no-serve --bulk-products 2000 >/dev/null)

wait_up() { # port → waits for /healthz (or / for the bare route)
  for _ in $(seq 1 2000); do
    curl -sf -o /dev/null "http://127.0.0.1:$1$2" && return 0
    sleep 0.005
  done
  echo "server on $1 did not start" >&2; exit 1
}

echo "== time from start to first answered request"
: > "$WORK/startup.txt"
for _ in $(seq 1 "$RUNS"); do
  start=$(date +%s%N)
  (cd "$WORK" && exec "$BIN" serve --listen "127.0.0.1:$SHOP_PORT") & pid=$!
  wait_up "$SHOP_PORT" /healthz
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 )) >> "$WORK/startup.txt"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done

"$BARE" "127.0.0.1:$BARE_PORT" & pids+=($!); BARE_PID=$!
(cd "$WORK" && exec "$BIN" serve --listen "127.0.0.1:$SHOP_PORT") & pids+=($!); SHOP_PID=$!
wait_up "$BARE_PORT" /
wait_up "$SHOP_PORT" /healthz

declare -A URLS=(
  [bare]="http://127.0.0.1:$BARE_PORT/"
  [home]="http://127.0.0.1:$SHOP_PORT/"
  [category]="http://127.0.0.1:$SHOP_PORT/categories/fashion"
  [product]="http://127.0.0.1:$SHOP_PORT/products/overfit-cotton-tshirt"
)
for u in "${URLS[@]}"; do curl -sf -o /dev/null "$u"; done  # warm caches

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
: > "$WORK/results.tsv"
for run in $(seq 1 "$RUNS"); do
  for name in bare home category product; do
    pid=$SHOP_PID; [ "$name" = bare ] && pid=$BARE_PID
    before=$(cpu_ticks "$pid")
    out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "${URLS[$name]}")
    after=$(cpu_ticks "$pid")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    total=$(echo "$out" | awk '/requests in/ {print $1}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$name" "$rps" "$p50" "$p99" "$total" "$((after - before))" "$errors" >> "$WORK/results.tsv"
    echo "run $run $name: $rps req/s, p50 $p50, p99 $p99 $errors"
  done
done
rss_shop=$(awk '/VmHWM/ {print $2}' "/proc/$SHOP_PID/status")
rss_bare=$(awk '/VmHWM/ {print $2}' "/proc/$BARE_PID/status")

python3 - "$WORK/results.tsv" "$WORK/startup.txt" "$rss_shop" "$rss_bare" "$DURATION" "$RUNS" "$CONNECTIONS" <<'PY'
import statistics, sys, datetime, os, subprocess
results, startup, rss_shop, rss_bare, duration, runs, conns = sys.argv[1:]
ticks = os.sysconf("SC_CLK_TCK")
def ms(v):
    v = v.strip()
    for unit, f in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if v.endswith(unit): return float(v[:-len(unit)]) * f
    return float(v)
rows = {}
for line in open(results):
    run, name, rps, p50, p99, total, cpu, errs = (line.rstrip("\n").split("\t") + [""])[:8]
    rows.setdefault(name, []).append((float(rps), ms(p50), ms(p99), int(total), int(cpu), errs.strip()))
med = lambda xs: statistics.median(xs)
bare = med([r[0] for r in rows["bare"]])
cpu_model = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], capture_output=True, text=True).stdout.strip()
out = []
out.append("# Benchmark results\n")
out.append(f"Measured {datetime.date.today()} with `bench/run.sh` on this project's shared 2-core machine ({cpu_model}): "
           f"release build, SQLite, 2,000 products, `wrk -t2 -c{conns} -d{duration}s --latency` on 127.0.0.1, "
           f"server and load generator sharing the 2 cores. Medians of {runs} runs; the bare axum route returning a "
           f"constant is measured in the same run as the machine's ceiling.\n")
out.append("| page | requests/s | p50 | p99 | CPU per request | vs bare route |")
out.append("|---|---:|---:|---:|---:|---:|")
for name in ["bare", "home", "category", "product"]:
    r = rows[name]
    rps = med([x[0] for x in r]); p50 = med([x[1] for x in r]); p99 = med([x[2] for x in r])
    cpu_us = med([x[4] / ticks / max(x[3], 1) * 1e6 for x in r])
    label = {"bare": "bare axum route (ceiling)", "home": "home `/`", "category": "category `/categories/fashion`", "product": "product `/products/overfit-cotton-tshirt`"}[name]
    errs = "; ".join(sorted({x[5] for x in r if x[5]}))
    out.append(f"| {label} | {rps:,.0f} | {p50:.2f} ms | {p99:.2f} ms | {cpu_us:.0f} µs | {rps / bare:.2f}× |" + (f" errors: {errs}" if errs else ""))
st = [int(x) for x in open(startup).read().split()]
out.append("")
out.append(f"- Peak resident memory (VmHWM) of the shop after all runs: **{int(rss_shop)/1024:.1f} MiB** (bare route: {int(rss_bare)/1024:.1f} MiB).")
out.append(f"- Time from process start to the first answered request (`/healthz`, schema check included): median **{statistics.median(st)} ms** (runs: {', '.join(map(str, st))} ms).")
print("\n".join(out))
open("bench/RESULTS.latest.md", "w").write("\n".join(out) + "\n")
PY
echo "== numbers written to bench/RESULTS.latest.md (merge them into bench/RESULTS.md with the analysis)"
