#!/usr/bin/env python3
"""Writes Zarr v2 fixtures with GDAL 3.6.2 (Debian 12's gdal-bin and python3-gdal), through its
multidimensional API (one array per store, in a root group, with its dimensions as GDAL writes
them: `_ARRAY_DIMENSIONS` and indexing variables) and through `gdal_translate -of ZARR` (a
raster), with its catalog. Also records what `FORMAT=ZARR_V3` writes: GDAL 3.6's pre-release v3
draft layout (`zarr.json` with a protocol URL, metadata under `meta/`), which is not Zarr v3 and is
catalogued as a v3 store every reader must refuse.

    /usr/bin/python3 Vectors/generators/gdal_zarr.py

Expected digests come from GDAL's own read-back (Vectors/peers/canonical.py); zarr-python 2.18.7
reads every store too (`expected.cross_check`).
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from osgeo import gdal, gdal_array  # noqa: E402

from common import REPO, PeerWriter, cross_check, values, verdict  # noqa: E402

gdal.UseExceptions()
SCRIPT = "Vectors/generators/gdal_zarr.py"
VERSION = "3.6.2"
META = {"debian": "gdal-bin, python3-gdal", "numpy": np.__version__}


def create(path, name, data, options, fmt="ZARR_V2", chunks=(7, 6), fill=None, region=None):
    """One array `name` in a new root group, dimensions y and x (no indexing variables); with
    `region` (a count from the origin) only that corner is written, other chunks stay missing."""
    ds = gdal.GetDriverByName("Zarr").CreateMultiDimensional(path, options=[f"FORMAT={fmt}"])
    rg = ds.GetRootGroup()
    dims = [rg.CreateDimension(n, None, None, s) for n, s in zip(("z", "y", "x")[-data.ndim:], data.shape)]
    edt = gdal.ExtendedDataType.Create(gdal_array.NumericTypeCodeToGDALTypeCode(data.dtype))
    a = rg.CreateMDArray(name, dims, edt, [f"BLOCKSIZE={','.join(map(str, chunks))}"] + options)
    if fill is not None:
        a.SetNoDataValueDouble(fill)
    if region is None:
        a.Write(data)
    else:
        a.Write(np.ascontiguousarray(data[tuple(slice(0, n) for n in region)]), array_start_idx=[0] * data.ndim, count=list(region))
    del a, rg, ds


def readback(path, name):
    ds = gdal.OpenEx(path, gdal.OF_MULTIDIM_RASTER)
    return ds.GetRootGroup().OpenMDArray(name).ReadAsArray()


def v2():
    w = PeerWriter("v2", SCRIPT, "gdal", VERSION, actual=gdal.__version__, **META)

    def case(name, requirements, dtype="int32", shape=(20, 15), options=(), chunks=(7, 6), fill=None, write=None, validate=None):
        d = w.store(name)
        data = values(dtype, shape)
        if write is None:
            create(d, "data", data, list(options), chunks=chunks, fill=fill)
        else:
            write(d, data)
        extra = {"validate": validate} if validate is not None else {}
        w.add("v2", name, requirements, d, readback(d, "data"), node="data", given=data if write is None else None, **extra)

    for dt in ["uint8", "int16", "uint16", "int32", "uint32", "float32", "float64", "complex64", "complex128"]:
        case(f"dtype-{dt}", ["V2-30", "V2-32"], dtype=dt)
    case("blosc-lz4", ["NC-01"], dtype="float32", options=["COMPRESS=BLOSC", "BLOSC_CNAME=lz4", "BLOSC_SHUFFLE=BYTE"])
    # GDAL writes "shuffle": "BIT", not numcodecs' integer 2: read as bit shuffle, validate warns.
    case("blosc-zstd-bitshuffle", ["NC-01"], dtype="int32", options=["COMPRESS=BLOSC", "BLOSC_CNAME=zstd", "BLOSC_SHUFFLE=BIT"],
         validate=["producer.blosc-shuffle-name"])
    case("zlib", ["NC-03"], dtype="uint16", options=["COMPRESS=ZLIB"])
    case("gzip", ["NC-04"], dtype="float64", options=["COMPRESS=GZIP"])
    case("lzma", ["NC-06"], dtype="int16", options=["COMPRESS=LZMA"])
    case("zstd", ["NC-02"], dtype="float32", options=["COMPRESS=ZSTD"])
    case("lz4", ["NC-07"], dtype="int32", options=["COMPRESS=LZ4"])
    case("delta-zlib", ["NC-08", "V2-54"], dtype="int32", options=["FILTER=DELTA", "COMPRESS=ZLIB"])
    case("order-F", ["V2-17", "E-32"], dtype="int32", options=["CHUNK_MEMORY_LAYOUT=F"])
    case("nested-separator", ["V2-18", "E-11"], dtype="uint16", options=["DIM_SEPARATOR=/"])
    case("edge-chunks", ["V2-53", "E-06"], dtype="float32", shape=(30, 30), chunks=(16, 16))
    case("rank-3", ["V2-12"], dtype="int16", shape=(6, 7, 8), chunks=(3, 4, 5))
    case("nodata-fill", ["V2-40", "V2-52"], dtype="float64", fill=-9999.0)

    case("missing-chunks", ["V2-52", "E-15"], dtype="float64", write=lambda d, data: create(d, "data", data, [], fill=-9999.0, region=(7, 6)))

    # gdal_translate of a GeoTIFF raster: GDAL's classic raster path (a band as a 2-D array with
    # X and Y indexing variables and CRS attributes).
    def translate(d, data):
        src = d + ".tif"
        t = gdal.GetDriverByName("GTiff").Create(src, data.shape[1], data.shape[0], 1, gdal.GDT_Int16)
        t.SetGeoTransform([100000, 30, 0, 200000, 0, -30])
        t.GetRasterBand(1).WriteArray(data)
        del t
        subprocess.run(["gdal_translate", "-q", "-of", "ZARR", "-co", "COMPRESS=ZLIB", "-co", "BLOCKSIZE=8,8", src, d], check=True)
        os.remove(src)
        shutil.rmtree(d + ".aux.xml", ignore_errors=True)

    d = w.store("translate-geotiff")
    data = values("int16", (20, 15))
    translate(d, data)
    name = [n for n in gdal.OpenEx(d, gdal.OF_MULTIDIM_RASTER).GetRootGroup().GetMDArrayNames() if n not in ("X", "Y")][0]
    w.add("v2", "translate-geotiff", ["V2-12", "V2-60"], d, readback(d, name), node=name, given=data)
    cross_check(w.cases, "v2", "zarr-python-2", "zarr-python-2.18.7")
    w.save()


def v3_draft():
    """GDAL 3.6's FORMAT=ZARR_V3 is the pre-release draft: every reader must refuse it as Zarr v3."""
    w = PeerWriter("v3", SCRIPT, "gdal", VERSION, actual=gdal.__version__, **META)
    d = w.store("draft-v3-layout")
    data = values("int32", (20, 15))
    create(d, "data", data, [], fmt="ZARR_V3")
    w.refuse("v3", "draft-v3-layout", ["V3-01", "V3-02"], d,
             "GDAL 3.6 writes the pre-release Zarr v3 draft (zarr.json holds a protocol URL as zarr_format, array metadata sits in "
             "meta/root/*.array.json, chunks under data/root/): not Zarr v3, which needs zarr.json with zarr_format 3 in each node",
             lambda: readback(d, "data"), node="data")
    cross_check(w.cases, "v3", "zarr-python-3", "zarr-python-3.1.6")
    w.save()


if __name__ == "__main__":
    assert gdal.__version__ == VERSION, gdal.__version__
    os.chdir(REPO)
    v2()
    v3_draft()
