#!/usr/bin/env bash
# gzip/zlib decode before and after libdeflate: reads a whole array and takes its canonical digest
# with this implementation's release build at BASELINE (default a0c542e, the last revision that
# inflated with zlib alone) and at the working tree, side by side with a Python reader of the same
# store. The data: 2048x2048 uint16 in 256x256 chunks, a ramp with noise (about 1.6:1), written as
#   - N5 gzip (level 5, N5's default gzip container) by z5py 3.0.2, read also by z5py (one thread,
#     its default, and two);
#   - Zarr v2 zlib (level 5) by zarr-python 3.1.6, read also by zarr-python 3.1.6.
# Best of 5 runs each; Python timings exclude imports, ours include process start. The digests
# printed must agree (z5py's view is transposed back to N5 order, as canonical.py wants).
#
#   bash scripts/benchmark-gzip.sh     # BASELINE=<rev> compares another revision; JOBS=1 builds on one core
set -euo pipefail
cd "$(dirname "$0")/.."
BASELINE=${BASELINE:-a0c542e}
JOBS=${JOBS:-$(nproc)}
swift build -c release -j "$JOBS" --product zarr-conformance >/dev/null
base=.work/bench/baseline-$BASELINE
if [ ! -x "$base/.build/release/zarr-conformance" ]; then
  rm -rf "$base" && mkdir -p "$base"
  git archive "$BASELINE" | tar -x -C "$base"
  (cd "$base" && swift build -c release -j "$JOBS" --product zarr-conformance >/dev/null)
fi
n5=.work/bench/gzip-2048.n5
v2=.work/bench/zlib-2048.zarr
if [ ! -f "$n5/data/attributes.json" ] || [ ! -f "$v2/.zarray" ]; then
  rm -rf "$n5" "$v2" && mkdir -p .work/bench
  .venv-peers/bin/python - "$n5" "$v2" <<'PY'
import sys, warnings, numcodecs, numpy as np, z5py, zarr
warnings.simplefilter("ignore")
rng = np.random.RandomState(0)
ramp = np.add.outer(np.arange(2048), np.arange(2048)) % 4096
data = (ramp + rng.randint(0, 64, size=(2048, 2048))).astype("uint16")
f = z5py.N5File(sys.argv[1], mode="w")
f.create_dataset("data", shape=data.shape, chunks=(256, 256), dtype="uint16", compression="gzip", level=5)[:] = data
zarr.create_array(sys.argv[2], shape=data.shape, chunks=(256, 256), dtype="uint16", compressors=numcodecs.Zlib(5), zarr_format=2)[...] = data
PY
fi
best() {  # best BINARY STORE [--node NODE]: best of 5 wall-clock seconds of `digest`, and the digest
  local bin=$1 t b="" digest
  shift
  for _ in 1 2 3 4 5; do
    start=$(date +%s.%N); digest=$("$bin" digest "$@" | sed -E 's/.*"sha256":"([0-9a-f]+)".*/\1/'); end=$(date +%s.%N)
    t=$(python3 -c "print(f'{$end - $start:.3f}')"); b=$(python3 -c "print(min(float('$t'), float('${b:-1e9}')))")
  done
  echo "$b ${digest:0:16}"
}
for case in n5 v2; do
  if [ "$case" = n5 ]; then args=("$n5" --node data); else args=("$v2"); fi
  echo "${case}: $(du -sh "${args[0]}" | cut -f1) on disk for 8 MiB of uint16"
  read -r t d <<<"$(best "$base/.build/release/zarr-conformance" "${args[@]}")"
  echo "  zarr-conformance before ($BASELINE, zlib):  ${t}s  $d"
  read -r t d <<<"$(best .build/release/zarr-conformance "${args[@]}")"
  echo "  zarr-conformance after (libdeflate):    ${t}s  $d"
done
.venv-peers/bin/python - "$n5" "$v2" <<'PY'
import sys, time, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, "Vectors/peers")
import numpy as np, z5py, zarr
from canonical import digest
n5, v2 = sys.argv[1], sys.argv[2]
def best(read):
    times = []
    for _ in range(5):
        t = time.perf_counter(); d = read(); times.append(time.perf_counter() - t)
    return f"{min(times):.3f}s  {d[:16]}"
def z5(threads):
    ds = z5py.File(n5, mode="r")["data"]
    ds.n_threads = threads
    return digest(np.transpose(ds[:]))
print(f"n5: z5py-3.0.2, 1 thread:                 {best(lambda: z5(1))}")
print(f"n5: z5py-3.0.2, 2 threads:                {best(lambda: z5(2))}")
print(f"v2: zarr-python-3.1.6:                    {best(lambda: digest(zarr.open_array(v2, mode='r')[...]))}")
PY
