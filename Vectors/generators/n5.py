#!/usr/bin/env python3
"""Writes N5 fixtures with every N5 writer installed in this venv — tensorstore 0.1.86 and
z5py 3.0.2 (.venv-peers), zarr-python 2.18.7's N5Store (.venv-peers-v2) — with their catalogs.

Expected digests are in N5's own axis order (`dimensions` order, N5-25): writers that reverse the
axes (z5py, zarr-python 2) are given the transposed data, and their read-back is transposed back.
Every digest comes from the writer's own read-back (Vectors/peers/canonical.py).

    .venv-peers/bin/python Vectors/generators/n5.py
    .venv-peers-v2/bin/python Vectors/generators/n5.py
"""
import json
import os
import shutil
import sys
from importlib.metadata import version

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from common import ROOT, edit_bytes, edit_json, entry, readable, values, verdict, write_catalog  # noqa: E402

SCRIPT = "Vectors/generators/n5.py"


class Writer:
    """One N5 writer: `write(dir, data, block, dtype, compression)` and `read(dir)`, in N5 order."""
    reversed_axes = False

    def __init__(self, name, pinned):
        assert version(name if name != "zarr-python" else "zarr") == pinned, (name, version(name))
        self.label = f"{name}-{pinned}"
        self.meta = {"name": name, "version": pinned, "script": SCRIPT, "n5_axes": "reversed" if self.reversed_axes else "native"}
        self.fixtures = os.path.join(ROOT, "fixtures", "n5", self.label)
        self.cases = []


class TensorStore(Writer):
    compressions = {"raw": {"type": "raw"}, "gzip": {"type": "gzip", "level": 5}, "gzip-zlib": {"type": "gzip", "useZlib": True},
                    "bzip2": {"type": "bzip2", "blockSize": 9}, "xz": {"type": "xz", "preset": 6},
                    "blosc": {"type": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1}, "zstd": {"type": "zstd", "level": 3}}

    def __init__(self):
        super().__init__("tensorstore", "0.1.86")

    def spec(self, d):
        return {"driver": "n5", "kvstore": {"driver": "file", "path": d}}

    def write(self, d, data, block, dtype, compression, partial=None):
        import tensorstore as ts
        t = ts.open({**self.spec(d), "create": True, "metadata": {
            "dimensions": list(data.shape), "blockSize": list(block), "dataType": dtype, "compression": self.compressions[compression]}}).result()
        if partial:
            t[partial].write(data[partial]).result()
        else:
            t.write(data).result()

    def read(self, d):
        import tensorstore as ts
        return ts.open({**self.spec(d), "open": True}).result().read().result()


class Z5py(Writer):
    reversed_axes = True
    compressions = {"raw": ("raw", {}), "gzip": ("gzip", {"level": 5}), "bzip2": ("bzip2", {"level": 9}), "xz": ("xz", {"level": 6}),
                    "lz4": ("lz4", {"level": 6}), "blosc": ("blosc", {"codec": "lz4", "clevel": 5, "shuffle": 1}), "zstd": ("zstd", {"level": 3})}

    def __init__(self):
        super().__init__("z5py", "3.0.2")

    def write(self, d, data, block, dtype, compression, partial=None):
        import z5py
        name, options = self.compressions[compression]
        f = z5py.N5File(d, mode="w")
        ds = f.create_dataset("data", shape=data.T.shape, chunks=tuple(reversed(block)), dtype=dtype, compression=name, **options)
        if partial:
            ds[tuple(reversed(partial))] = data.T[tuple(reversed(partial))]
        else:
            ds[tuple(slice(None) for _ in data.shape)] = data.T

    def read(self, d):
        import z5py
        ds = z5py.N5File(d, mode="r")["data"]
        return np.transpose(ds[tuple(slice(None) for _ in ds.shape)])


class ZarrPython2(Writer):
    reversed_axes = True

    def __init__(self):
        super().__init__("zarr-python", "2.18.7")
        import numcodecs
        self.compressions = {"raw": None, "gzip": numcodecs.GZip(level=5), "gzip-zlib": numcodecs.Zlib(level=5), "bzip2": numcodecs.BZ2(level=9),
                             "xz": numcodecs.LZMA(format=1, check=-1, preset=6, filters=None),
                             "blosc": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=1)}

    def write(self, d, data, block, dtype, compression, partial=None):
        import zarr
        root = zarr.open_group(zarr.N5Store(d), mode="w")
        z = root.create_dataset("data", shape=data.T.shape, chunks=tuple(reversed(block)), dtype=dtype, compressor=self.compressions[compression])
        if partial:
            z[tuple(reversed(partial))] = data.T[tuple(reversed(partial))]
        else:
            z[...] = data.T

    def read(self, d):
        import zarr
        return np.transpose(zarr.open_group(zarr.N5Store(d), mode="r")["data"][...])


def case(w, name, requirements, dtype="int32", shape=(20, 15), block=(7, 6), compression="raw", data=None, partial=None):
    if compression not in w.compressions:
        return
    d = os.path.join(w.fixtures, name + ".n5")
    shutil.rmtree(d, ignore_errors=True)
    if data is None:
        data = values(dtype, shape)
    w.write(d, data, block, dtype, compression, partial)
    got = w.read(d)
    node = "" if isinstance(w, TensorStore) else "data"
    w.cases.append(entry(f"n5/{w.label}/{name}", "n5", requirements, d, readable(got, got, None if partial else data), w.meta, node=node))


def refused(w, name, requirements, reason, mutate):
    d = os.path.join(w.fixtures, name + ".n5")
    shutil.rmtree(d, ignore_errors=True)
    w.write(d, values("int16", (20, 15)), (7, 6), "int16", "raw")
    mutate(d)
    w.cases.append(entry(f"n5/{w.label}/{name}", "n5", requirements, d,
                         {"outcome": "refuse", "reason": reason, "writer_verdict": verdict(lambda: w.read(d))}, w.meta))




def generate(w):
    shutil.rmtree(w.fixtures, ignore_errors=True)
    os.makedirs(w.fixtures)
    for dt in ["uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float32", "float64"]:
        case(w, f"dtype-{dt}", ["N5-05", "N5-16", "N5-18"], dtype=dt)
    for compression in ["gzip", "gzip-zlib", "bzip2", "xz", "lz4", "blosc", "zstd"]:
        case(w, f"compression-{compression}", ["N5-06", "N5-07", "N5-09", "N5-10", "N5-11", "E-94"], dtype="uint16", compression=compression)
        case(w, f"compression-{compression}-f8", ["N5-06", "E-94"], dtype="float64", compression=compression, shape=(9, 8, 7), block=(4, 3, 5))
    axes = np.fromfunction(lambda x, y, z: 100 * x + 10 * y + z, (4, 5, 6), dtype=np.int32).astype(np.int32)
    case(w, "axes-xyz", ["N5-12", "N5-25", "E-96"], dtype="int32", shape=(4, 5, 6), block=(3, 2, 4), data=axes)
    case(w, "edge-blocks", ["N5-15", "E-91"], dtype="float32", shape=(30, 17), block=(16, 16))
    case(w, "rank-1", ["N5-16"], dtype="int64", shape=(50,), block=(7,))
    case(w, "rank-4", ["N5-16"], dtype="uint8", shape=(3, 4, 5, 6), block=(2, 3, 2, 4))
    case(w, "missing-blocks", ["N5-13", "E-15"], dtype="int32", partial=(slice(0, 7), slice(0, 6)))
    case(w, "int64-negative", ["E-97"], dtype="int64", data=-np.arange(300, dtype=np.int64).reshape(20, 15) * 10**15)
    case(w, "uint64-large", ["E-97"], dtype="uint64", data=(np.arange(300, dtype=np.uint64).reshape(20, 15) + np.uint64(2**63 + 5)))
    if isinstance(w, TensorStore):
        refused(w, "refuse-version-5", ["N5-03", "E-95"], "N5 version 5.0.0 is too new", edit_json("attributes.json", lambda m: m.update(n5="5.0.0")))
        refused(w, "refuse-header-rank", ["N5-16", "E-92"], "block header rank disagrees", edit_bytes("0/0", lambda b: b[:2] + b"\x00\x03" + b[4:]))
        refused(w, "refuse-object-mode", ["E-92"], "object mode on a numeric dataset", edit_bytes("0/0", lambda b: b"\x00\x02" + b[2:]))
        refused(w, "refuse-block-too-large", ["E-91"], "block larger than blockSize", edit_bytes("0/0", lambda b: b[:4] + (9).to_bytes(4, "big") + b[8:]))
        refused(w, "refuse-truncated-payload", ["N5-16"], "payload shorter than the header says", edit_bytes("0/0", lambda b: b[:-10]))
        refused(w, "refuse-blocksize-rank", ["N5-04"], "blockSize and dimensions differ in length",
                edit_json("attributes.json", lambda m: m.update(blockSize=[7])))
    write_catalog(os.path.join(ROOT, "catalog", f"n5-{w.label}.json"), w.meta, w.cases)


if __name__ == "__main__":
    import importlib.util
    writers = []
    if importlib.util.find_spec("tensorstore"):
        writers.append(TensorStore())
    if importlib.util.find_spec("z5py"):
        writers.append(Z5py())
    if importlib.util.find_spec("zarr") and version("zarr").startswith("2."):
        writers.append(ZarrPython2())
    for w in writers:
        generate(w)
