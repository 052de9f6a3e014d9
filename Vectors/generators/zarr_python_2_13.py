#!/usr/bin/env python3
"""Writes Zarr v2 and N5 fixtures with Debian 12's python3-zarr (zarr-python 2.13.6, numcodecs
0.11, NumPy 1.24): what many system installs still have. Runs in Debian's interpreter:

    /usr/bin/python3 Vectors/generators/zarr_python_2_13.py

Expected digests come from zarr-python 2.13's own read-back (Vectors/peers/canonical.py);
zarr-python 2.18.7 (and for N5 also z5py) reads every store too (`expected.cross_check`).
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

import numcodecs  # noqa: E402
import numpy as np  # noqa: E402
import zarr  # noqa: E402
from numcodecs import BZ2, LZMA, Blosc, Delta, FixedScaleOffset, GZip, VLenUTF8, Zlib, Zstd  # noqa: E402

from common import PeerWriter, cross_check, object_values, save_n5, values  # noqa: E402

SCRIPT = "Vectors/generators/zarr_python_2_13.py"
VERSION = "2.13.6"
DEBIAN = {"debian": "python3-zarr " + zarr.__version__, "numcodecs": numcodecs.__version__, "numpy": np.__version__}


def v2():
    w = PeerWriter("v2", SCRIPT, "zarr-python", VERSION, actual=zarr.__version__.split("+")[0], **DEBIAN)

    def case(name, requirements, dtype="<i4", shape=(20, 15), chunks=(7, 6), data=None, write=None, node="", consolidated=False, lossy=False, **kw):
        d = w.store(name)
        store = zarr.NestedDirectoryStore(d) if kw.pop("nested", False) else zarr.DirectoryStore(d)
        if node:
            zarr.group(store=store)
        z = zarr.create(shape=shape, chunks=chunks, dtype=dtype, store=store, path=node or None, **kw)
        data = values(dtype, shape) if data is None else data
        if write is None:
            z[...] = data
        else:
            write(z, data)
        if consolidated:
            zarr.consolidate_metadata(store)
        back = zarr.open_consolidated(store, mode="r") if consolidated else zarr.open(store, mode="r")
        got = (back[node] if node else back)[...]
        w.add("v2", name, requirements, d, got, node=node, consolidated=consolidated, given=data if write is None and not lossy else None)

    for dt in ["|b1", "|i1", "<i2", ">i4", "<i8", "|u1", ">u2", "<u4", "<u8", "<f2", ">f4", "<f8", "<c8", ">c16", "<M8[ns]", "<m8[s]", "|S5", "<U4"]:
        case("dtype-" + dt.replace("<", "l").replace(">", "b").replace("|", "").replace("[", "_").replace("]", "_"), ["V2-30", "V2-36"], dtype=dt)
    case("blosc-lz4-shuffle", ["NC-01"], dtype="<f8", compressor=Blosc(cname="lz4", clevel=5, shuffle=Blosc.SHUFFLE))
    case("blosc-zstd-bitshuffle", ["NC-01"], dtype="<i4", compressor=Blosc(cname="zstd", clevel=3, shuffle=Blosc.BITSHUFFLE))
    case("zlib-level1", ["NC-03"], dtype="<u2", compressor=Zlib(1))
    case("gzip-level5", ["NC-04"], dtype="<f4", compressor=GZip(5))
    case("bz2-level9", ["NC-05"], dtype="<i2", compressor=BZ2(9))
    case("lzma-default", ["NC-06"], dtype="<f8", compressor=LZMA())
    case("zstd-level3", ["NC-02"], dtype="<i8", compressor=Zstd(3))
    case("no-compressor", ["V2-55"], dtype="<f8", compressor=None)
    case("delta-zlib", ["NC-08"], dtype="<i4", filters=[Delta("<i4")], compressor=Zlib(1))
    case("fixedscaleoffset-f8-u1", ["NC-09"], dtype="<f8", filters=[FixedScaleOffset(offset=1000, scale=10, dtype="<f8", astype="|u1")],
         compressor=None, data=np.linspace(1000, 1025, 300).reshape(20, 15), lossy=True)
    case("object-vlen-utf8", ["V2-38", "NC-16"], dtype=object, object_codec=VLenUTF8(), data=object_values("utf8", (20, 15)))
    case("order-F", ["V2-17", "E-32"], dtype="<i4", order="F", compressor=Zlib(1))
    case("nested-store", ["V2-18", "E-11"], dtype="<u2", shape=(6, 7, 8), chunks=(2, 3, 4), nested=True, compressor=None)
    case("fill-nan-missing-chunks", ["V2-46", "E-15"], dtype="<f8", fill_value=np.nan,
         write=lambda z, d: z.__setitem__((slice(0, 7), slice(0, 6)), d[0:7, 0:6]))
    case("consolidated-group", ["V2-60"], node="g/arr", consolidated=True, compressor=Zlib(1))
    case("zero-d", ["V2-51", "E-01"], dtype="<f8", shape=(), chunks=(), compressor=None, data=np.array(2.5))
    case("edge-chunks", ["V2-53", "E-06"], dtype="<f4", shape=(30, 30), chunks=(16, 16))
    cross_check(w.cases, "v2", "zarr-python-2", "zarr-python-2.18.7")
    w.save()


def n5():
    w = PeerWriter("n5", SCRIPT, "zarr-python", VERSION, actual=zarr.__version__.split("+")[0], **DEBIAN)

    def case(name, requirements, dtype="<i4", shape=(20, 15), chunks=(7, 6), **kw):
        d = w.store(name, ".n5")
        root = zarr.group(store=zarr.N5Store(d))
        z = root.create_dataset("data", shape=shape, chunks=chunks, dtype=dtype, **kw)
        data = values(dtype, shape)
        z[...] = data
        # zarr-python 2's N5Store reverses N5 axes (N5-24): the N5-order array is the transpose.
        got = np.transpose(zarr.open(zarr.N5Store(d), mode="r")["data"][...])
        w.add("n5", name, requirements, d, got, node="data", given=np.transpose(data))

    case("raw-i4", ["N5-10"], compressor=None)
    case("gzip-f8", ["N5-10"], dtype="<f8", compressor=GZip(5))
    case("bzip2-u2", ["N5-10"], dtype="<u2", compressor=BZ2(5))
    case("blosc-i8", ["N5-10"], dtype="<i8", compressor=Blosc(cname="lz4", clevel=5, shuffle=1))
    case("rank-3-edges", ["N5-20"], dtype="<i2", shape=(9, 10, 11), chunks=(4, 3, 5), compressor=None)
    save_n5(w)


if __name__ == "__main__":
    v2()
    n5()
