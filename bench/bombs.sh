#!/usr/bin/env bash
# Memory under an image attack: the demo shop on SQLite (`serve`), with originals in its media
# store that a stranger asks thumbnails of all at once — 8 distinct images just under the pixel
# limit (7,000 × 7,000 RGB, 49 MP) and 2 decompression bombs (10,841² PNG, ~450 KiB, as stored
# before the limit existed) — 3 sizes each, 30 requests at a time. Prints the resident size
# before, the peak during the attack (VmHWM), the time the attack took and the answers, for
# RUNS runs. 127.0.0.1 only.
# Usage: bench/bombs.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/jangteo-target}"
export RUST_LOG=warn
command -v sqlite3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3; }
cargo build --release -p jangteo
BIN="$CARGO_TARGET_DIR/release/jangteo"
WORK="$(mktemp -d /tmp/jangteo-bombs-bench.XXXXXX)"
PORT=18194
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
wait_up() { for _ in $(seq 1 2000); do curl -sf -o /dev/null "http://127.0.0.1:$1$2" && return 0; sleep 0.01; done; exit 1; }
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }

# Images: a PNG of zeros with one pixel set per seed (distinct content, tiny files).
python3 - "$WORK/images" <<'PY'
import os, struct, sys, zlib
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def png(path, size, seed):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = bytes(1 + 3 * size)
    z = zlib.compressobj(9)
    body = [z.compress(b"\x00" + bytes([seed % 256, 7, 9]) + bytes(3 * size - 3))]
    for _ in range(size - 1):
        body.append(z.compress(row))
    body.append(z.flush())
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", b"".join(body)))
        f.write(chunk(b"IEND", b""))
for i in range(8):
    png(f"{out}/large{i}.png", 7000, i + 1)
for i in range(2):
    png(f"{out}/bomb{i}.png", 10841, 100 + i)
PY

for run in $(seq 1 "$RUNS"); do
  dir="$WORK/run$run"; mkdir -p "$dir/data/media/originals"
  url="sqlite:$dir/jangteo.db"
  (cd "$dir" && "$BIN" demo --no-serve --database-url "$url" >/dev/null)
  hashes=()
  for img in "$WORK"/images/*.png; do
    hash=$(sha256sum "$img" | cut -c1-20)
    side=$(python3 -c "import struct,sys; print(struct.unpack('>I', open(sys.argv[1],'rb').read()[16:20])[0])" "$img")
    cp "$img" "$dir/data/media/originals/$hash.png"
    sqlite3 "$dir/jangteo.db" "INSERT INTO media_files (content_hash, storage_key, mime, width, height, byte_size, created_at)
      VALUES ('$hash', 'originals/$hash.png', 'image/png', $side, $side, $(stat -c %s "$img"), '2026-12-05T00:00:00Z')"
    hashes+=("$hash")
  done
  (cd "$dir" && exec "$BIN" serve --database-url "$url" --listen "127.0.0.1:$PORT") & pid=$!
  wait_up "$PORT" /healthz
  sleep 2
  before=$(kib "$pid" VmRSS)
  started=$(date +%s.%N)
  answers=$(for h in "${hashes[@]}"; do for s in list detail zoom; do echo "http://127.0.0.1:$PORT/media/$h/$s.webp"; done; done \
    | xargs -P 30 -n 1 curl -s -o /dev/null -w '%{http_code}\n' | sort | uniq -c | tr -s ' ' | tr '\n' ',')
  took=$(echo "$(date +%s.%N) - $started" | bc)
  peak=$(kib "$pid" VmHWM)
  after=$(kib "$pid" VmRSS)
  echo "run $run: before ${before} KiB, peak ${peak} KiB, after ${after} KiB; attack took ${took} s; answers:${answers%,}"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
