#!/usr/bin/env python3
"""Writes Zarr v3 and v2 fixtures with zarr-python 3.4.2 (Python 3.12): its newer data types and
codecs (struct, fixed_length_utf32, null_terminated_bytes, numpy.datetime64, `numcodecs.*` codecs in
v3 metadata as it writes them, scale_offset and cast_value), rectilinear chunk grids (experimental,
switched on by its config) and sharding, with catalogs.

    .venv-peers-py312/bin/python Vectors/generators/zarr_python_3_4.py

Expected digests come from zarr-python 3.4.2's own read-back (Vectors/peers/canonical.py);
zarr-python 3.1.6 and tensorstore 0.1.86 read every store too (`expected.cross_check`). A case
this version cannot write is printed and left out.
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

import numcodecs  # noqa: E402
import numpy as np  # noqa: E402
import zarr  # noqa: E402
import zarr.codecs as zc  # noqa: E402

from common import PeerWriter, cross_check, object_values, values  # noqa: E402

SCRIPT = "Vectors/generators/zarr_python_3_4.py"
VERSION = "3.4.2"


def writer(kind):
    return PeerWriter(kind, SCRIPT, "zarr-python", VERSION, numcodecs=numcodecs.__version__, numpy=np.__version__)


def add_case(w, fmt, name, requirements, shape=(20, 15), chunks=(7, 6), dtype="int32", data=None, write=None, node="",
             consolidated=False, lossy=False, config=None, **kw):
    d = w.store(name)
    try:
        with zarr.config.set(config or {}):
            if node:
                root = zarr.open_group(d, mode="w", zarr_format=int(fmt[1]))
                a = root.create_array(node, shape=shape, chunks=chunks, dtype=dtype, **kw)
            else:
                a = zarr.create_array(d, shape=shape, chunks=chunks, dtype=dtype, zarr_format=int(fmt[1]), **kw)
            data = values(dtype, shape) if data is None else data
            if write is None:
                a[...] = data
            else:
                write(a, data)
            if consolidated:
                zarr.consolidate_metadata(d, zarr_format=int(fmt[1]))
            back = zarr.open_consolidated(d, mode="r", zarr_format=int(fmt[1])) if consolidated else zarr.open(d, mode="r", zarr_format=int(fmt[1]))
            got = (back[node] if node else back)[...]
    except Exception as e:  # a case this version cannot write is reported, not catalogued
        import shutil
        shutil.rmtree(d, ignore_errors=True)
        print(f"zarr-python {VERSION} cannot write {fmt} {name}: {type(e).__name__}: {str(e)[:150]}")
        return
    w.add(fmt, name, requirements, d, got, node=node, consolidated=consolidated, given=None if lossy or write else data)


def v3():
    w = writer("v3")

    def case(*a, **k):
        add_case(w, "v3", *a, **k)

    for dt in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64",
               "complex64", "complex128"]:
        case(f"dtype-{dt}", ["V3-50"], dtype=dt)
    case("dtype-string", ["EX-D07", "EX-C16"], dtype=str, data=object_values("utf8", (20, 15)).astype(str))
    case("dtype-bytes", ["EX-D08", "EX-C16"], dtype=zarr.core.dtype.VariableLengthBytes(), data=object_values("bytes", (20, 15)))
    case("dtype-fixed-utf32", ["EX-D09", "EX-D10"], dtype="<U4")
    case("dtype-null-terminated-bytes", ["EX-U02"], dtype="|S5")
    case("dtype-datetime64-ns", ["EX-D16", "EX-D17"], dtype="<M8[ns]")
    case("dtype-struct", ["EX-D11", "EX-D13"], dtype=[("a", "<i2"), ("b", "<f4")])
    case("gzip-level5", ["GZ-01"], dtype="float32", compressors=zc.GzipCodec(level=5))
    case("zstd-checksum", ["EX-C01"], dtype="int64", compressors=zc.ZstdCodec(level=3, checksum=True))
    case("blosc-zstd-bitshuffle", ["BC-01"], dtype="uint16", compressors=zc.BloscCodec(cname="zstd", clevel=5, shuffle="bitshuffle"))
    case("crc32c", ["CR-01"], dtype="int32", compressors=[zc.ZstdCodec(level=1), zc.Crc32cCodec()])
    case("transpose", ["TR-01", "TR-02"], dtype="uint8", shape=(6, 7, 8), chunks=(3, 4, 5), filters=[zc.TransposeCodec(order=(2, 0, 1))])
    case("shard-basic", ["SH-01", "SH-05"], dtype="int32", shape=(40, 30), chunks=(5, 5), shards=(20, 15))
    case("shard-edges-missing", ["SH-06", "SH-07", "E-15"], dtype="float64", shape=(45, 33), chunks=(4, 4), shards=(16, 16), fill_value=-1.5,
         write=lambda a, d: a.__setitem__((slice(0, 20), slice(0, 10)), d[0:20, 0:10]))
    case("numcodecs-zlib", ["EX-U01"], dtype="int16", compressors=zc.Zlib(level=1))
    case("numcodecs-delta-bz2", ["EX-U01"], dtype="int32", filters=zc.Delta(dtype="<i4"), compressors=zc.BZ2(level=5))
    case("numcodecs-lzma", ["EX-U01"], dtype="float64", compressors=zc.LZMA())
    case("numcodecs-fixedscaleoffset", ["EX-U01", "EX-C09"], dtype="float64", lossy=True,
         filters=zc.FixedScaleOffset(offset=1000, scale=10, dtype="<f8", astype="<u1"), data=np.linspace(1000, 1025, 300).reshape(20, 15))
    case("scale-offset-cast-value", ["EX-C07", "EX-C08", "EX-C04"], dtype="float64", lossy=True,
         filters=[zc.ScaleOffset(offset=1000, scale=10), zc.CastValue(data_type="uint8")], fill_value=1000.0, data=np.linspace(1000, 1025, 300).reshape(20, 15))
    case("rectilinear", ["EX-G01", "EX-G02", "EX-G04"], dtype="int32", chunks=[[5, 5, 10], [7, 8]], config={"array.rectilinear_chunks": True})
    case("dimension-names", ["V3-20"], dtype="float32", dimension_names=["y", "x"])
    case("fill-nan-missing-chunks", ["V3-55", "E-15"], dtype="float64", fill_value=np.nan,
         write=lambda a, d: a.__setitem__((slice(0, 7), slice(0, 6)), d[0:7, 0:6]))
    case("consolidated-nested", ["V3-10"], dtype="uint32", node="g/sub/arr", consolidated=True)
    case("zero-d", ["V3-61", "E-01"], dtype="float64", shape=(), chunks=(), data=np.array(2.5))
    case("key-v2-slash", ["V3-72", "E-12"], chunk_key_encoding={"name": "v2", "separator": "/"})
    cross_check(w.cases, "v3", "zarr-python-3", "zarr-python-3.1.6")
    cross_check(w.cases, "v3", "tensorstore", "tensorstore-0.1.86")
    w.save()


def v2():
    w = writer("v2")

    def case(*a, **k):
        add_case(w, "v2", *a, **k)

    for dt in ["|b1", "<i4", ">i8", "<u2", "<f4", ">f8", "<c16", "|S5", "<U4"]:
        case("dtype-" + dt.replace("<", "l").replace(">", "b").replace("|", ""), ["V2-30"], dtype=dt)
    case("blosc-lz4", ["NC-01"], dtype="float64", compressors=numcodecs.Blosc(cname="lz4", clevel=5, shuffle=1))
    case("zstd", ["NC-02"], dtype="int64", compressors=numcodecs.Zstd(level=3))
    case("order-F", ["V2-17", "E-32"], dtype="int32", order="F", compressors=numcodecs.Zlib(1))
    case("vlen-utf8", ["V2-38", "NC-16"], dtype=str, data=object_values("utf8", (20, 15)).astype(str))
    case("nested-separator", ["V2-18", "E-11"], chunk_key_encoding={"name": "v2", "separator": "/"})
    case("fill-nan-missing-chunks", ["V2-40", "V2-52", "E-15"], dtype="float64", fill_value=np.nan,
         write=lambda a, d: a.__setitem__((slice(0, 7), slice(0, 6)), d[0:7, 0:6]))
    case("consolidated-nested", ["V2-60"], dtype="uint32", node="g/arr", consolidated=True)
    cross_check(w.cases, "v2", "zarr-python-2", "zarr-python-2.18.7")
    cross_check(w.cases, "v3", "zarr-python-3", "zarr-python-3.1.6")
    w.save()


if __name__ == "__main__":
    assert zarr.__version__ == VERSION, zarr.__version__
    v3()
    v2()
