#!/usr/bin/env bash
# Reads whole arrays and takes their canonical digest, this implementation (release build) side by
# side with zarr-python 3.1.6, the zarrs pipeline and tensorstore 0.1.86. Arrays: 4096x4096
# float32 (64 MiB) written by zarr-python 3.1.6 as v3 with 256x256 chunks and zstd, and the same
# in 1024x1024 shards of 128x128 inner chunks. Best of 3 runs each; Python timings exclude imports.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product zarr-conformance >/dev/null
mkdir -p .work/bench
.venv-peers/bin/python - <<'PY'
import os, warnings, numpy as np, zarr
warnings.simplefilter("ignore")
data = np.random.RandomState(0).standard_normal((4096, 4096)).astype("float32")
for name, kw in [("zstd", dict(chunks=(256, 256))), ("sharded", dict(chunks=(128, 128), shards=(1024, 1024)))]:
    path = f".work/bench/read-{name}.zarr"
    if not os.path.exists(path + "/zarr.json"):
        zarr.create_array(path, shape=data.shape, dtype="float32", compressors=zarr.codecs.ZstdCodec(level=1), zarr_format=3, **kw)[...] = data
PY
for name in zstd sharded; do
  store=.work/bench/read-$name.zarr
  best=""
  for i in 1 2 3; do
    start=$(date +%s.%N); .build/release/zarr-conformance digest "$store" >/dev/null; end=$(date +%s.%N)
    t=$(python3 -c "print(f'{$end - $start:.3f}')"); best=$(python3 -c "print(min(float('$t'), float('${best:-1e9}')))")
  done
  echo "$name zarr-conformance-0.1.0: ${best}s"
  .venv-peers/bin/python - "$store" "$name" <<'PY'
import sys, time, warnings
warnings.simplefilter("ignore")
sys.path.insert(0, "Vectors/peers")
import numpy as np, zarr, zarrs, tensorstore as ts
from canonical import digest
store, name = sys.argv[1], sys.argv[2]
def best(f):
    times = []
    for _ in range(3):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return min(times)
print(f"{name} zarr-python-3.1.6: {best(lambda: digest(zarr.open_array(store, mode='r')[...])):.3f}s")
def zarrs_read():
    with zarr.config.set({"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True}):
        return digest(zarr.open_array(store, mode="r")[...])
print(f"{name} zarrs-python-0.2.3: {best(zarrs_read):.3f}s")
spec = {"driver": "zarr3", "kvstore": {"driver": "file", "path": store}, "open": True}
print(f"{name} tensorstore-0.1.86: {best(lambda: digest(ts.open(spec).result().read().result())):.3f}s")
PY
done
