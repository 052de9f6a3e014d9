#!/usr/bin/env python3
"""Writes Zarr v2 fixtures with the peers of .venv-peers that write v2 — zarr-python 3.1.6,
tensorstore 0.1.86 (zarr driver) and z5py 3.0.2 — with their catalogs.

Expected digests come from each writer's own read-back (Vectors/peers/canonical.py).

    .venv-peers/bin/python Vectors/generators/v2_peers.py
"""
import os
import shutil
import sys
import warnings
from importlib.metadata import version

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

import numcodecs  # noqa: E402
import numpy as np  # noqa: E402

from common import ROOT, entry, readable, values, write_catalog  # noqa: E402

SCRIPT = "Vectors/generators/v2_peers.py"
DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64", "complex64", "complex128"]


class Writer:
    def __init__(self, name, pinned):
        assert version(name if name != "zarr-python" else "zarr") == pinned
        self.label = f"{name}-{pinned}"
        self.meta = {"name": name, "version": pinned, "script": SCRIPT}
        self.fixtures = os.path.join(ROOT, "fixtures", "v2", self.label)
        self.cases = []
        shutil.rmtree(self.fixtures, ignore_errors=True)
        os.makedirs(self.fixtures)

    def case(self, name, requirements, dtype="int32", shape=(20, 15), chunks=(7, 6), compressor=None, partial=None, **kw):
        d = os.path.join(self.fixtures, name + ".zarr")
        data = values(dtype, shape)
        node = self.write(d, data, chunks, dtype, compressor, partial, **kw)
        got = self.read(d, node)
        self.cases.append(entry(f"v2/{self.label}/{name}", "v2", requirements, d, readable(got, got, None if partial else data), self.meta, node=node))


class ZarrPython3(Writer):
    def __init__(self):
        super().__init__("zarr-python", "3.1.6")

    def write(self, d, data, chunks, dtype, compressor, partial, order="C", separator=".", fill=None):
        import zarr
        a = zarr.create_array(d, shape=data.shape, chunks=chunks, dtype=dtype, zarr_format=2, compressors=compressor, order=order,
                              chunk_key_encoding={"name": "v2", "separator": separator}, fill_value=fill)
        if partial:
            a[partial] = data[partial]
        else:
            a[...] = data
        return ""

    def read(self, d, node):
        import zarr
        return zarr.open_array(d, mode="r", zarr_format=2)[...]


class TensorStoreV2(Writer):
    def __init__(self):
        super().__init__("tensorstore", "0.1.86")

    def write(self, d, data, chunks, dtype, compressor, partial, order="C", separator=".", fill=None):
        import tensorstore as ts
        meta = {"shape": list(data.shape), "chunks": list(chunks), "dtype": np.dtype(dtype).str, "compressor": compressor,
                "order": order, "dimension_separator": separator}
        if fill is not None:
            meta["fill_value"] = fill
        t = ts.open({"driver": "zarr", "kvstore": {"driver": "file", "path": d}, "create": True, "metadata": meta}).result()
        if partial:
            t[partial].write(data[partial]).result()
        else:
            t.write(data).result()
        return ""

    def read(self, d, node):
        import tensorstore as ts
        return ts.open({"driver": "zarr", "kvstore": {"driver": "file", "path": d}, "open": True}).result().read().result()


class Z5pyV2(Writer):
    def __init__(self):
        super().__init__("z5py", "3.0.2")

    def write(self, d, data, chunks, dtype, compressor, partial, order="C", separator=".", fill=None):
        import z5py
        name, options = compressor or ("raw", {})
        f = z5py.File(d, mode="w", dimension_separator=separator)
        ds = f.create_dataset("data", shape=data.shape, chunks=chunks, dtype=dtype, compression=name, **options)
        if partial:
            ds[partial] = data[partial]
        else:
            ds[tuple(slice(None) for _ in data.shape)] = data
        return "data"

    def read(self, d, node):
        import z5py
        ds = z5py.File(d, mode="r")[node]
        return ds[tuple(slice(None) for _ in ds.shape)]


def consolidated_nested(zp):
    """A v2 hierarchy of nested groups consolidated by zarr-python 3, which writes inline
    `consolidated_metadata` members into the nested groups' entries of .zmetadata (CM-10)."""
    import zarr
    d = os.path.join(zp.fixtures, "consolidated-nested-groups.zarr")
    root = zarr.open_group(d, mode="w", zarr_format=2)
    root.attrs["title"] = "nested"
    data = values("float64", (20, 15))
    root.create_group("g1").create_group("g2").create_array("arr", shape=data.shape, chunks=(7, 6), dtype="float64")[...] = data
    zarr.consolidate_metadata(d, zarr_format=2)
    got = zarr.open_consolidated(d, mode="r", zarr_format=2)["g1/g2/arr"][...]
    zp.cases.append(entry(f"v2/{zp.label}/consolidated-nested-groups", "v2", ["CM-04", "CM-10", "V2-61"], d, readable(got, got, data),
                          zp.meta, node="g1/g2/arr", consolidated=True))


def leftover_partial(zp):
    """zarr-python 3 killed while replacing a chunk: its temporary `0.<hex>.partial` stays next
    to the chunk it was replacing (which still holds the old data)."""
    import subprocess
    import zarr
    d = os.path.join(zp.fixtures, "leftover-partial-write.zarr")
    data = values("int32", (20, 15))
    zarr.create_array(d, shape=data.shape, chunks=(7, 6), dtype="int32", zarr_format=2, compressors=None)[...] = data
    kill = ("import os, pathlib, zarr; pathlib.Path.replace = lambda self, target: os._exit(0); "
            f"zarr.open_array({d!r}, mode='r+', zarr_format=2)[0:7, 0:6] = -1")
    subprocess.run([sys.executable, "-c", kill], check=True)
    assert any(n.endswith(".partial") for n in os.listdir(d)), "the write left no temporary file"
    got = zarr.open_array(d, mode="r", zarr_format=2)[...]
    zp.cases.append(entry(f"v2/{zp.label}/leftover-partial-write", "v2", ["V3-103", "ST-01"], d, readable(got, got, data), zp.meta))


def generate():
    zp = ZarrPython3()
    consolidated_nested(zp)
    leftover_partial(zp)
    for dt in DTYPES + ["float16", "<U4", "S3", "M8[ns]"]:
        zp.case(f"dtype-{dt.replace('<', '').replace('[', '_').replace(']', '')}", ["V2-30", "V2-31"], dtype=dt)
    for label, comp in [("blosc", numcodecs.Blosc()), ("zstd", numcodecs.Zstd(level=3)), ("gzip", numcodecs.GZip(level=5)),
                        ("zlib", numcodecs.Zlib(level=1)), ("bz2", numcodecs.BZ2()), ("lzma", numcodecs.LZMA()), ("lz4", numcodecs.LZ4())]:
        zp.case(f"compressor-{label}", ["V2-54", "NC-01", "NC-02", "NC-03", "NC-04", "NC-05", "NC-06", "NC-07"], dtype="uint16", compressor=comp)
    zp.case("order-F", ["V2-17", "E-32"], dtype="float64", order="F", compressor=numcodecs.Zlib(level=1))
    zp.case("nested-keys", ["V2-18", "E-11"], separator="/", compressor=numcodecs.Blosc())
    zp.case("missing-chunks", ["V2-52", "E-15"], fill=7, partial=(slice(0, 7), slice(0, 6)))
    zp.case("zero-d", ["V2-51", "E-01"], shape=(), chunks=(), dtype="float32")
    write_catalog(os.path.join(ROOT, "catalog", f"v2-{zp.label}.json"), zp.meta, zp.cases)

    ts = TensorStoreV2()
    for dt in DTYPES + ["float16", ">i4", ">f8"]:
        ts.case(f"dtype-{dt.replace('>', 'be-')}", ["V2-30", "E-29"], dtype=dt)
    for label, comp in [("blosc", {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1}), ("zstd", {"id": "zstd", "level": 3}),
                        ("gzip", {"id": "gzip", "level": 5}), ("zlib", {"id": "zlib", "level": 1}), ("bz2", {"id": "bz2", "level": 9})]:
        ts.case(f"compressor-{label}", ["V2-54", "NC-01"], dtype="int64", compressor=comp)
    ts.case("order-F", ["V2-17", "E-32"], dtype="int32", order="F")
    ts.case("nested-keys", ["V2-18"], separator="/")
    ts.case("missing-chunks", ["V2-52"], fill=-5, partial=(slice(0, 7), slice(0, 6)))
    write_catalog(os.path.join(ROOT, "catalog", f"v2-{ts.label}.json"), ts.meta, ts.cases)

    z5 = Z5pyV2()
    for dt in ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]:
        z5.case(f"dtype-{dt}", ["V2-30"], dtype=dt)
    for label, comp in [("blosc", ("blosc", {"codec": "lz4", "clevel": 5, "shuffle": 1})), ("zlib", ("zlib", {"level": 5})),
                        ("gzip", ("gzip", {"level": 5})), ("bzip2", ("bzip2", {"level": 9})), ("zstd", ("zstd", {"level": 3}))]:
        z5.case(f"compressor-{label}", ["V2-54", "NC-01"], dtype="uint16", compressor=comp)
    z5.case("nested-keys", ["V2-18"], separator="/")
    write_catalog(os.path.join(ROOT, "catalog", f"v2-{z5.label}.json"), z5.meta, z5.cases)


if __name__ == "__main__":
    generate()
