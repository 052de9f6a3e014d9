#!/usr/bin/env python3
"""Writes Zarr v3 fixtures with z5py 3.0.2, with their catalog. z5py writes arrays only inside a
group, so every case is the array "data" in a root group.

Expected digests come from z5py's own read-back (Vectors/peers/canonical.py).

    .venv-peers/bin/python Vectors/generators/z5py_v3.py
"""
import os
import shutil
import sys
from importlib.metadata import version

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import z5py  # noqa: E402

from common import ROOT, entry, readable, values, write_catalog  # noqa: E402

VERSION = "3.0.2"
assert version("z5py") == VERSION, version("z5py")
LABEL = f"z5py-{VERSION}"
WRITER = {"name": "z5py", "version": VERSION, "script": "Vectors/generators/z5py_v3.py"}
FIXTURES = os.path.join(ROOT, "fixtures", "v3", LABEL)
cases = []


def case(name, requirements, dtype="int32", shape=(20, 15), chunks=(7, 6), compression="raw", key_encoding="default", write=None, **options):
    d = os.path.join(FIXTURES, name + ".zarr")
    shutil.rmtree(d, ignore_errors=True)
    f = z5py.File(d, mode="w", zarr_format=3)
    ds = f.create_dataset("data", shape=shape, chunks=chunks, dtype=dtype, compression=compression, chunk_key_encoding=key_encoding, **options)
    data = values(dtype, shape)
    if write is None:
        ds[tuple(slice(None) for _ in shape)] = data
    else:
        write(ds, data)
    back = z5py.File(d, mode="r")["data"]
    got = back[tuple(slice(None) for _ in shape)]
    cases.append(entry(f"v3/{LABEL}/{name}", "v3", requirements, d, readable(got, got, data if write is None else None), WRITER, node="data"))


def generate():
    shutil.rmtree(FIXTURES, ignore_errors=True)
    os.makedirs(FIXTURES)
    for dt in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]:
        case(f"dtype-{dt}", ["V3-50", "BY-01"], dtype=dt)
    for level in [1, 9]:
        case(f"gzip-level{level}", ["GZ-01"], dtype="float32", compression="gzip", level=level)
    case("zstd", ["EX-C01"], dtype="int64", compression="zstd", level=3)
    for codec in ["lz4", "zstd", "zlib", "blosclz"]:
        case(f"blosc-{codec}", ["BC-01"], dtype="uint16", compression="blosc", codec=codec, level=5, shuffle=1)
    case("blosc-bitshuffle", ["BC-01"], dtype="int32", compression="blosc", codec="lz4", level=5, shuffle=2)
    case("shard-basic", ["SH-01", "SH-05"], dtype="int32", shape=(40, 30), chunks=(5, 5), shards=(20, 15))
    case("shard-edges", ["SH-07", "E-42"], dtype="float64", shape=(45, 33), chunks=(4, 4), shards=(16, 16))
    case("shard-gzip-inner", ["E-47"], dtype="uint32", shape=(40, 30), chunks=(5, 5), shards=(20, 15), compression="gzip", level=1)
    case("key-v2", ["V3-72"], key_encoding="v2")
    case("edge-chunks", ["E-06"], dtype="float32", shape=(30, 30), chunks=(16, 16))
    case("rank-3", ["V3-61"], dtype="int16", shape=(6, 7, 8), chunks=(3, 4, 5))

    def partial(ds, d):
        ds[0:7, 0:6] = d[0:7, 0:6]
    case("missing-chunks", ["E-15"], dtype="int32", write=partial)
    write_catalog(os.path.join(ROOT, "catalog", f"v3-{LABEL}.json"), WRITER, cases)


if __name__ == "__main__":
    generate()
