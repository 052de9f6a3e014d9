#!/usr/bin/env python3
"""Writes Zarr v3 and v2 fixtures with zarrita 0.2.7 (PyPI), a small independent implementation
on asyncio (Python 3.12 venv), with catalogs.

    .venv-peers-py312/bin/python Vectors/generators/zarrita_writer.py

Expected digests come from zarrita's own read-back (Vectors/peers/canonical.py); zarr-python
3.1.6 and tensorstore 0.1.86 read every store too (`expected.cross_check`).
"""
import os
import shutil
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

import numpy as np  # noqa: E402
import zarrita  # noqa: E402
from zarrita import codecs as c  # noqa: E402

from common import PeerWriter, cross_check, values  # noqa: E402

SCRIPT = "Vectors/generators/zarrita_writer.py"
VERSION = "0.2.7"


def guarded(w):
    """A case zarrita cannot write or read back is printed and left out of the catalog."""
    def wrap(case):
        def run(name, *a, **k):
            try:
                case(name, *a, **k)
            except Exception as e:  # the writer's own failure is the record
                shutil.rmtree(w.store(name), ignore_errors=True)
                print(f"zarrita {VERSION} cannot write and read back {name}: {type(e).__name__}: {str(e)[:150]}")
        return run
    return wrap


def whole(shape):
    return tuple(slice(None) for _ in shape) if shape else ()


def v3():
    w = PeerWriter("v3", SCRIPT, "zarrita", VERSION, numpy=np.__version__)

    @guarded(w)
    def case(name, requirements, dtype="int32", shape=(20, 15), chunks=(7, 6), write=None, **kw):
        d = w.store(name)
        shutil.rmtree(d, ignore_errors=True)
        a = zarrita.Array.create(zarrita.make_store_path(zarrita.LocalStore(d)), shape=shape, dtype=dtype, chunk_shape=chunks, **kw)
        data = values(dtype, shape)
        if write is None:
            a[whole(shape)] = data
        else:
            write(a, data)
        got = zarrita.Array.open(zarrita.make_store_path(zarrita.LocalStore(d)))[whole(shape)]
        w.add("v3", name, requirements, d, got, given=data if write is None else None)

    for dt in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"]:
        case(f"dtype-{dt}", ["V3-50"], dtype=dt, fill_value=0)
    case("bytes-big-endian", ["V3-81"], dtype="int64", fill_value=0, codecs=[c.bytes_codec("big")])
    case("gzip-level1", ["GZ-01"], dtype="float32", fill_value=0, codecs=[c.bytes_codec(), c.gzip_codec(1)])
    case("zstd-checksum", ["EX-C01"], dtype="int64", fill_value=0, codecs=[c.bytes_codec(), c.zstd_codec(3, True)])
    case("blosc-lz4-shuffle", ["BC-01"], dtype="uint16", fill_value=0, codecs=[c.bytes_codec(), c.blosc_codec(2, "lz4", 5, "shuffle")])
    case("crc32c", ["CR-01"], dtype="int32", fill_value=0, codecs=[c.bytes_codec(), c.crc32c_codec()])
    case("transpose", ["TR-01", "TR-02"], dtype="uint8", shape=(6, 7, 8), chunks=(3, 4, 5), fill_value=0,
         codecs=[c.transpose_codec((2, 0, 1)), c.bytes_codec()])
    case("shard-basic", ["SH-01", "SH-05"], dtype="int32", shape=(40, 30), chunks=(20, 15), fill_value=0,
         codecs=[c.sharding_codec((5, 5), [c.bytes_codec(), c.gzip_codec(1)])])
    case("shard-index-start-missing", ["SH-05", "SH-06", "E-15"], dtype="float64", shape=(45, 33), chunks=(16, 16), fill_value=-1.5,
         codecs=[c.sharding_codec((4, 4), index_location=c.ShardingCodecIndexLocation.start)],
         write=lambda a, d: a.__setitem__((slice(0, 20), slice(0, 10)), d[0:20, 0:10]))
    case("key-default-dot", ["V3-70", "E-12"], fill_value=0, chunk_key_encoding=("default", "."))
    case("key-v2-slash", ["V3-72", "E-12"], fill_value=0, chunk_key_encoding=("v2", "/"))
    case("dimension-names", ["V3-20"], dtype="float32", fill_value=0, dimension_names=["y", "x"])
    case("edge-chunks", ["E-06"], dtype="float32", shape=(30, 30), chunks=(16, 16), fill_value=0)
    cross_check(w.cases, "v3", "zarr-python-3", "zarr-python-3.1.6")
    cross_check(w.cases, "v3", "tensorstore", "tensorstore-0.1.86")
    w.save()


def v2():
    w = PeerWriter("v2", SCRIPT, "zarrita", VERSION, numpy=np.__version__)

    @guarded(w)
    def case(name, requirements, dtype="<i4", shape=(20, 15), chunks=(7, 6), **kw):
        d = w.store(name)
        a = zarrita.ArrayV2.create(zarrita.make_store_path(zarrita.LocalStore(d)), shape=shape, dtype=np.dtype(dtype), chunks=chunks, **kw)
        data = values(dtype, shape)
        a[whole(shape)] = data
        got = zarrita.ArrayV2.open(zarrita.make_store_path(zarrita.LocalStore(d)))[whole(shape)]
        w.add("v2", name, requirements, d, got, given=data)

    case("dtype-li4", ["V2-30"], fill_value=0)
    case("dtype-bf8", ["V2-30"], dtype=">f8", fill_value=0)
    case("zlib", ["NC-03"], dtype="<u2", fill_value=0, compressor={"id": "zlib", "level": 1})
    case("blosc", ["NC-01"], dtype="<f4", fill_value=0, compressor={"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0})
    case("order-F", ["V2-17", "E-32"], fill_value=0, order="F")
    case("nested-separator", ["V2-18", "E-11"], fill_value=0, dimension_separator="/")
    cross_check(w.cases, "v2", "zarr-python-2", "zarr-python-2.18.7")
    w.save()


if __name__ == "__main__":
    assert zarrita.__version__ == VERSION if hasattr(zarrita, "__version__") else True
    v3()
    v2()
