#!/usr/bin/env python3
"""Writes Zarr v3 fixtures with tensorstore 0.1.86's zarr3 driver, with their catalog.

Expected digests come from tensorstore's own read-back (Vectors/peers/canonical.py).

    .venv-peers/bin/python Vectors/generators/tensorstore_v3.py
"""
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import tensorstore as ts  # noqa: E402

from common import ROOT, entry, readable, values, write_catalog  # noqa: E402

VERSION = "0.1.86"
from importlib.metadata import version  # noqa: E402

assert version("tensorstore") == VERSION, version("tensorstore")
LABEL = f"tensorstore-{VERSION}"
WRITER = {"name": "tensorstore", "version": VERSION, "script": "Vectors/generators/tensorstore_v3.py"}
FIXTURES = os.path.join(ROOT, "fixtures", "v3", LABEL)
cases = []


def bytes_codec(endian="little"):
    return {"name": "bytes", "configuration": {"endian": endian}}


def sharding(chunk_shape, codecs=None, index_location="end", index_codecs=None):
    return {"name": "sharding_indexed", "configuration": {
        "chunk_shape": chunk_shape, "codecs": codecs or [bytes_codec()], "index_location": index_location,
        "index_codecs": index_codecs or [bytes_codec(), {"name": "crc32c"}]}}


def case(name, requirements, dtype="int32", shape=(20, 15), chunks=(7, 6), codecs=None, fill_value=None, data=None,
         key_encoding=None, write=None):
    d = os.path.join(FIXTURES, name + ".zarr")
    shutil.rmtree(d, ignore_errors=True)
    metadata = {"shape": list(shape), "data_type": dtype,
                "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(chunks)}}}
    if codecs is not None:
        metadata["codecs"] = codecs
    if fill_value is not None:
        metadata["fill_value"] = fill_value
    if key_encoding is not None:
        metadata["chunk_key_encoding"] = key_encoding
    t = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": d}, "create": True, "metadata": metadata}).result()
    if data is None:
        data = values(dtype, shape)
    if write is None:
        t.write(data).result()
    else:
        write(t, data)
    got = ts.open({"driver": "zarr3", "kvstore": {"driver": "file", "path": d}, "open": True}).result().read().result()
    cases.append(entry(f"v3/{LABEL}/{name}", "v3", requirements, d, readable(got, got, data if write is None else None), WRITER))


def generate():
    shutil.rmtree(FIXTURES, ignore_errors=True)
    os.makedirs(FIXTURES)
    for dt in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64",
               "complex64", "complex128"]:
        case(f"dtype-{dt}", ["V3-50", "BY-01"], dtype=dt)
    for dt in ["bfloat16", "float8_e3m4", "float8_e4m3fnuz", "float8_e4m3b11fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu",
               "float8_e4m3fn", "float4_e2m1fn", "int4", "int2"]:
        case(f"dtype-{dt}", ["EX-D01", "EX-D02", "EX-D03", "EX-D04", "EX-D05", "EX-D06"], dtype=dt)
    for dt in ["int32", "float64", "bfloat16", "complex128", "uint16"]:
        case(f"bytes-big-{dt}", ["BY-01", "E-30"], dtype=dt, codecs=[bytes_codec("big")])
    case("gzip", ["GZ-01"], dtype="float32", codecs=[bytes_codec(), {"name": "gzip", "configuration": {"level": 5}}])
    case("zstd", ["EX-C01"], dtype="int64", codecs=[bytes_codec(), {"name": "zstd", "configuration": {"level": 3}}])
    case("zstd-checksum", ["EX-C01"], dtype="int64", codecs=[bytes_codec(), {"name": "zstd", "configuration": {"level": 1, "checksum": True}}])
    for shuffle in ["noshuffle", "shuffle", "bitshuffle"]:
        case(f"blosc-{shuffle}", ["BC-01", "BC-02"], dtype="uint32",
             codecs=[bytes_codec(), {"name": "blosc", "configuration": {"cname": "zstd", "clevel": 3, "shuffle": shuffle, "typesize": 4, "blocksize": 0}}])
    case("crc32c", ["CC-01", "CC-02"], dtype="int16", codecs=[bytes_codec(), {"name": "crc32c"}])
    case("transpose-2d", ["TR-01", "TR-02"], dtype="int32", codecs=[{"name": "transpose", "configuration": {"order": [1, 0]}}, bytes_codec()])
    case("transpose-3d-201", ["TR-02", "E-34"], dtype="uint8", shape=(6, 7, 8), chunks=(3, 4, 5),
         codecs=[{"name": "transpose", "configuration": {"order": [2, 0, 1]}}, bytes_codec()])
    case("shard-basic", ["SH-01", "SH-05"], dtype="int32", shape=(40, 30), chunks=(20, 15), codecs=[sharding([5, 5])])
    case("shard-index-start", ["SH-08", "SH-10", "E-39"], dtype="float32", shape=(40, 30), chunks=(20, 15), codecs=[sharding([5, 5], index_location="start")])
    case("shard-edges", ["SH-07", "E-42"], dtype="uint16", shape=(45, 33), chunks=(16, 16), codecs=[sharding([4, 4])])
    case("shard-nested", ["SH-03", "E-41"], dtype="int64", shape=(40, 40), chunks=(20, 20), codecs=[sharding([10, 10], codecs=[sharding([5, 5])])])
    case("shard-zstd-inner", ["E-47"], dtype="float64", shape=(40, 30), chunks=(20, 15),
         codecs=[sharding([5, 5], codecs=[bytes_codec(), {"name": "zstd", "configuration": {"level": 2}}])])

    def sparse(t, d):
        t[0:5, 0:5].write(d[0:5, 0:5]).result()
        t[30:40, 20:30].write(d[30:40, 20:30]).result()
    case("shard-sparse", ["SH-06", "E-37", "E-38"], dtype="int32", shape=(40, 30), chunks=(20, 15), codecs=[sharding([5, 5])],
         fill_value=-3, write=sparse)
    case("shard-index-no-crc", ["SH-04", "E-43"], dtype="int32", shape=(40, 30), chunks=(20, 15),
         codecs=[sharding([5, 5], index_codecs=[bytes_codec()])])
    case("key-dot", ["V3-70", "E-12"], key_encoding={"name": "default", "configuration": {"separator": "."}})
    case("key-v2", ["V3-72"], key_encoding={"name": "v2", "configuration": {"separator": "."}})
    case("key-v2-slash", ["V3-72"], key_encoding={"name": "v2", "configuration": {"separator": "/"}})
    case("zero-d", ["V3-71", "E-02"], dtype="float64", shape=(), chunks=())
    case("edge-chunks", ["E-06"], dtype="float32", shape=(30, 30), chunks=(16, 16))
    case("rank-4", ["V3-61"], dtype="int16", shape=(3, 4, 5, 6), chunks=(2, 3, 2, 4))

    def partial(t, d):
        t[0:7, 0:6].write(d[0:7, 0:6]).result()
    for dt, fill, label in [("float32", "NaN", "nan"), ("float64", "-Infinity", "neg-inf"), ("float32", "0x7fc00001", "nan-payload"),
                            ("float64", "0x8000000000000000", "neg-zero-hex"), ("uint64", 18446744073709551615, "uint64-max"),
                            ("bfloat16", 1.5, "bfloat16"), ("int4", -3, "int4")]:
        case(f"fill-{label}", ["V3-54", "V3-55", "V3-56", "E-18", "E-19", "E-21"], dtype=dt, fill_value=fill, write=partial)
    write_catalog(os.path.join(ROOT, "catalog", f"v3-{LABEL}.json"), WRITER, cases)


if __name__ == "__main__":
    generate()
