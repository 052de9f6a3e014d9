#!/usr/bin/env python3
"""Writes xarray 2026.9.0 datasets (through zarr-python 3.4.2, Python 3.12 venv) on Zarr v2
(`_ARRAY_DIMENSIONS`, consolidated `.zmetadata`) and Zarr v3 (`dimension_names`, consolidated
metadata inline in zarr.json), with catalogs: CF-encoded variables (a float field packed into
int16 with scale_factor/add_offset and _FillValue, a time coordinate as integers with CF units,
text coordinates), and a dataset grown by appends along time. Each stored variable is one case:
its raw stored values (what any Zarr reader sees; CF decoding is not Zarr's).

    .venv-peers-py312/bin/python Vectors/generators/xarray_writer.py

Expected digests come from xarray's own read-back with CF decoding off (`decode_cf=False`);
zarr-python 3.1.6 (and for v2 zarr-python 2.18.7) reads every variable too (`expected.cross_check`).
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402
import zarr  # noqa: E402

from common import PeerWriter, cross_check  # noqa: E402

SCRIPT = "Vectors/generators/xarray_writer.py"
VERSION = "2026.9.0"
REQUIREMENTS = {2: ["V2-60", "V2-12"], 3: ["V3-10", "V3-20"]}


def dataset(times, seed):
    rng = np.random.RandomState(seed)
    lat, lon = np.linspace(-60, 60, 12), np.linspace(0, 330, 12)
    temp = (15 + 10 * rng.standard_normal((len(times), 12, 12))).astype("float32")
    temp[0, 0, :3] = np.nan  # becomes _FillValue after packing
    return xr.Dataset(
        {"temperature": (("time", "lat", "lon"), temp, {"units": "degC", "long_name": "air temperature"}),
         "station": (("lat",), np.array([f"st{i:02d}" for i in range(12)], dtype=object))},
        coords={"time": times, "lat": ("lat", lat, {"units": "degrees_north"}), "lon": ("lon", lon, {"units": "degrees_east"})})


ENCODING = {"temperature": {"dtype": "int16", "scale_factor": 0.01, "add_offset": 15.0, "_FillValue": -32768, "chunks": (2, 6, 6)},
            "time": {"units": "hours since 2000-01-01", "dtype": "int64", "chunks": (10,)}}


def generate(fmt, zarr_format):
    w = PeerWriter(fmt, SCRIPT, "xarray", VERSION, zarr_python=zarr.__version__, pandas=pd.__version__)
    first = pd.date_range("2000-01-01", periods=4, freq="6h")
    more = pd.date_range("2000-01-02", periods=3, freq="6h")

    def save(name, build):
        d = w.store(name)
        build(d)
        ds = xr.open_zarr(d, decode_cf=False, zarr_format=zarr_format, consolidated=True)
        for var in ["temperature", "time", "lat", "lon", "station"]:
            got = ds[var].values
            w.add(fmt, f"{name}-{var}", REQUIREMENTS[zarr_format], d, got, node=var, consolidated=True)

    save("cf-dataset", lambda d: dataset(first, 0).to_zarr(d, mode="w", zarr_format=zarr_format, encoding=ENCODING, consolidated=True))

    def appended(d):
        dataset(first, 0).to_zarr(d, mode="w", zarr_format=zarr_format, encoding=ENCODING, consolidated=True)
        dataset(more, 1).to_zarr(d, append_dim="time", zarr_format=zarr_format, consolidated=True)
    save("appended", appended)
    if zarr_format == 2:
        cross_check(w.cases, "v2", "zarr-python-2", "zarr-python-2.18.7")
    cross_check(w.cases, "v3", "zarr-python-3", "zarr-python-3.1.6")
    w.save()


if __name__ == "__main__":
    assert xr.__version__ == VERSION, xr.__version__
    generate("v2", 2)
    generate("v3", 3)
