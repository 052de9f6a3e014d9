#!/usr/bin/env bash
# Validates a 100,000-chunk store (written by zarr-python 2.18.7: 1000x1000 int32, chunks 1x10,
# zlib) with a release build: metadata only, then every chunk. Prints seconds, chunks per second
# and peak memory (max RSS) for each. Needs `make setup` and /usr/bin/time (Debian's `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product zarr-conformance >/dev/null
store=.work/bench/100k-chunks.zarr
if [ ! -f "$store/.zarray" ]; then
  mkdir -p .work/bench
  .venv-peers-v2/bin/python - "$store" <<'PY'
import sys, numpy as np, zarr, numcodecs
z = zarr.open(sys.argv[1], mode="w", shape=(1000, 1000), chunks=(1, 10), dtype="<i4", compressor=numcodecs.Zlib(1))
z[...] = np.arange(10**6, dtype="<i4").reshape(1000, 1000)
PY
fi
chunks=$(find "$store" -type f ! -name '.z*' | wc -l)
for mode in --metadata-only --full; do
  flag=$([ "$mode" = --metadata-only ] && echo --metadata-only || true)
  out=$( { /usr/bin/time -f "%e %M" .build/release/zarr-conformance validate $flag "$store" >/dev/null; } 2>&1 | tail -1)
  read -r seconds kib <<<"$out"
  echo "validate $mode: $chunks chunks in ${seconds}s = $(python3 -c "print(round($chunks/$seconds))") chunks/s, peak memory $((kib / 1024)) MiB"
done
