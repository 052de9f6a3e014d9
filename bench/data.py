"""Writes the benchmark stores with the pinned peers, deterministically (fixed seeds).

    data.py GROUP DIR     GROUP: v3 (run with .venv-peers: zarr-python 3.1.6, z5py 3.0.2)
                                 v2 (run with .venv-peers-v2: zarr-python 2.18.7)

Every store gets a stamp DIR/NAME.json with its recipe and the canonical digest of the NumPy
array it was written from (Vectors/peers/canonical.py), plus the digests of the selections the
partial-read cases take. A store whose stamp matches its recipe is kept; otherwise it is
rewritten. Prints one JSON object: name -> stamp.
"""
import json
import os
import shutil
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Vectors", "peers"))
from canonical import digest  # noqa: E402

warnings.simplefilter("ignore")
RECIPE_VERSION = 1  # bump when a generator below changes


def field_f32(n):
    """A smooth field plus unit Gaussian noise (seed 0): about 1.15:1 with zstd level 1."""
    rng = np.random.RandomState(0)
    t = np.linspace(0, 6 * np.pi, n)
    smooth = 20 * np.sin(t)[:, None] * np.cos(t / 2)[None, :]
    return (smooth + rng.standard_normal((n, n))).astype("<f4")


def ramp_u8(n):
    """A diagonal ramp plus noise (seed 1), wrapped to uint8."""
    rng = np.random.RandomState(1)
    ramp = np.add.outer(np.arange(n), np.arange(n)) // 16
    return ((ramp + rng.randint(0, 16, size=(n, n))) % 256).astype("u1")


def ramp_u16(n):
    """The ramp with noise of scripts/benchmark-gzip.sh (seed 0): about 1.6:1 with gzip."""
    rng = np.random.RandomState(0)
    ramp = np.add.outer(np.arange(n), np.arange(n)) % 4096
    return (ramp + rng.randint(0, 64, size=(n, n))).astype("<u2")


# Selections the partial-read cases take (start, stop per axis), with their expected digests.
SELECTIONS = {"one-inner-chunk": [[1024, 1280], [1024, 1280]], "across-shards": [[1000, 3000], [1000, 3000]]}


def v3_stores():
    import z5py
    import zarr

    def zarr3(path, data, chunks, shards=None, level=1):
        compressors = zarr.codecs.ZstdCodec(level=level) if level is not None else None
        kw = dict(chunks=chunks, shards=shards) if shards else dict(chunks=chunks)
        a = zarr.create_array(path, shape=data.shape, dtype=data.dtype, compressors=compressors,
                              zarr_format=3, fill_value=0, **kw)
        a[...] = data

    def n5(path, data):
        f = z5py.N5File(path, mode="w")
        f.create_dataset("data", shape=data.shape, chunks=(256, 256), dtype="uint16", compression="gzip", level=5)[:] = data

    stores = {}
    for n in (1024, 2048, 4096, 8192):
        stores[f"v3-f32-{n}-zstd1-c512.zarr"] = dict(
            data=("field_f32", n), writer="zarr-python 3.1.6", write=lambda p, d: zarr3(p, d, (512, 512)),
            describe=f"v3 {n}x{n} float32, zstd level 1, chunks 512x512")
    stores["v3-f32-4096-zstd1-s2048-c256.zarr"] = dict(
        data=("field_f32", 4096), writer="zarr-python 3.1.6", write=lambda p, d: zarr3(p, d, (256, 256), (2048, 2048)),
        describe="v3 4096x4096 float32, shards 2048x2048 of 256x256 inner chunks, zstd level 1", selections=True)
    stores["v3-u8-4096-zstd1-c64.zarr"] = dict(
        data=("ramp_u8", 4096), writer="zarr-python 3.1.6", write=lambda p, d: zarr3(p, d, (64, 64)),
        describe="v3 4096x4096 uint8, zstd level 1, chunks 64x64")
    stores["v3-f32-4096-raw-c512.zarr"] = dict(
        data=("field_f32", 4096), writer="zarr-python 3.1.6", write=lambda p, d: zarr3(p, d, (512, 512), level=None),
        describe="v3 4096x4096 float32, uncompressed (bytes codec only), chunks 512x512: the source of ours' write")
    stores["n5-u16-2048-gzip-b256.n5"] = dict(
        data=("ramp_u16", 2048), writer="z5py 3.0.2", write=n5, node="data", n5=True,
        describe="N5 2048x2048 uint16, gzip level 5, blocks 256x256 (dataset 'data')")
    stores["f32-4096.raw"] = dict(
        data=("field_f32", 4096), writer="NumPy", write=lambda p, d: d.tofile(p),
        describe="the float32 array of case 1 as raw little-endian bytes (input of the writers and of zstd -b)")
    return stores


def v2_stores():
    import numcodecs
    import zarr

    def blosc(path, data):
        z = zarr.open(path, mode="w", shape=data.shape, chunks=(512, 512), dtype="<f4",
                      compressor=numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE))
        z[...] = data

    def many(path, data):
        z = zarr.open(path, mode="w", shape=data.shape, chunks=(1, 10), dtype="<i4", compressor=numcodecs.Zlib(1))
        z[...] = data

    return {
        "v2-f32-4096-blosc-lz4-c512.zarr": dict(
            data=("field_f32", 4096), writer="zarr-python 2.18.7", write=blosc,
            describe="v2 4096x4096 float32, blosc lz4 level 5 byte shuffle, chunks 512x512"),
        "v2-i4-1000-zlib1-c1x10.zarr": dict(
            data=("arange_i4", 1000), writer="zarr-python 2.18.7", write=many,
            describe="v2 1000x1000 int32 (0..10^6-1), zlib level 1, chunks 1x10: 100,000 chunks (scripts/benchmark-validate.sh)"),
    }


def make(kind, n):
    if kind == "arange_i4":
        return np.arange(n * n, dtype="<i4").reshape(n, n)
    return {"field_f32": field_f32, "ramp_u8": ramp_u8, "ramp_u16": ramp_u16}[kind](n)


def main():
    group, root = sys.argv[1], sys.argv[2]
    os.makedirs(root, exist_ok=True)
    stores = v3_stores() if group == "v3" else v2_stores()
    out, cache = {}, {}
    for name, s in stores.items():
        path = os.path.join(root, name)
        recipe = {"version": RECIPE_VERSION, "data": list(s["data"]), "writer": s["writer"], "describe": s["describe"]}
        stamp_path = path + ".json"
        if os.path.exists(stamp_path) and os.path.exists(path):
            stamp = json.load(open(stamp_path))
            if stamp.get("recipe") == recipe:
                out[name] = stamp
                continue
        key = tuple(s["data"])
        if key not in cache:
            cache[key] = make(*key)
        data = cache[key]
        print(f"bench: writing {name} ({s['writer']})", file=sys.stderr, flush=True)
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
        s["write"](path, data)
        # N5 order is the reverse of the view z5py writes from: N5's own order is data.T.
        logical = data.T if s.get("n5") else data
        stamp = {"recipe": recipe, "sha256": digest(logical), "shape": list(logical.shape),
                 "dtype": logical.dtype.name, "nbytes": int(logical.nbytes), "node": s.get("node", ""),
                 "stored_bytes": stored_bytes(path)}
        if s.get("selections"):
            stamp["selections"] = {k: {"slices": sel, "sha256": digest(logical[tuple(slice(a, b) for a, b in sel)]),
                                       "nbytes": int(logical[tuple(slice(a, b) for a, b in sel)].nbytes)}
                                   for k, sel in SELECTIONS.items()}
        with open(stamp_path, "w") as f:
            json.dump(stamp, f, indent=1)
        out[name] = stamp
    print(json.dumps(out))


def stored_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


if __name__ == "__main__":
    main()
