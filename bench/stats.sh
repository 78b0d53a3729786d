#!/usr/bin/env bash
# Statistics benchmark on PostgreSQL: 1,000,000 generated orders over three years, every
# statistics page timed (RUNS runs × REQUESTS sequential requests) beside /healthz, and the first
# page after a payment marked a day dirty. 127.0.0.1 only. Usage: bench/stats.sh [orders] [runs] [requests]
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/jangteo-target}"
export RUST_LOG=warn
cargo build --release -p jangteo-bench --bin stats-load
"$CARGO_TARGET_DIR/release/stats-load" "${1:-1000000}" "${2:-3}" "${3:-30}"
