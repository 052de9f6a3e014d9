#!/usr/bin/env python3
"""Writes Zarr v2 fixtures with netCDF-C 4.9.0's NCZarr (Debian 12's libnetcdf19 through
python3-netcdf4), in both of its modes: `mode=nczarr` (Zarr v2 plus NCZarr's own `.nczarray`-style
metadata keys) and `mode=zarr` (pure Zarr v2 with `_ARRAY_DIMENSIONS`), with its catalog.

    /usr/bin/python3 Vectors/generators/netcdf_c.py

Debian's netCDF-C is built without NCZarr filter plugins: asked for zlib (and shuffle) it writes
`compressor: null` and no filters without a word; the `*-requested` cases keep that.

netCDF-C can crash on some of its own stores, so every write and every read-back runs in a
forked child; a case whose child crashes is printed and left out. Expected digests come from
netCDF-C's own read-back (raw values: no CF masking or scaling); zarr-python 2.18.7 reads every
store too (`expected.cross_check`).
"""
import os
import pickle
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import netCDF4  # noqa: E402
import numpy as np  # noqa: E402

from common import PeerWriter, cross_check, values  # noqa: E402

SCRIPT = "Vectors/generators/netcdf_c.py"
VERSION = "4.9.0"


def forked(body):
    """body() in a forked child: its return value, or an exception naming the failure or signal."""
    r, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            out = ("ok", body())
        except BaseException as e:  # noqa: BLE001  sent back to the parent
            out = ("error", f"{type(e).__name__}: {e}")
        with os.fdopen(wfd, "wb") as f:
            pickle.dump(out, f)
        os._exit(0)
    os.close(wfd)
    with os.fdopen(r, "rb") as f:
        raw = f.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise RuntimeError(f"netCDF-C crashed ({signal.Signals(os.WTERMSIG(status)).name})")
    kind, value = pickle.loads(raw)
    if kind == "error":
        raise RuntimeError(value)
    return value


def url(path, mode):
    return f"file://{os.path.abspath(path)}#mode={mode},file"


def main():
    w = PeerWriter("v2", SCRIPT, "netcdf-c", VERSION, actual=netCDF4.__netcdf4libversion__.split("-")[0],
                   debian="netcdf-bin, python3-netcdf4", netcdf4_python=netCDF4.__version__, numpy=np.__version__)

    def case(mode, name, requirements, dtype="i4", shape=(20, 15), chunks=(7, 6), group=None, write=None, **var):
        full = f"{mode}-{name}"
        d = w.store(full)
        data = values(dtype, shape)
        node = "/".join([group, "data"] if group else ["data"])

        def make():
            ds = netCDF4.Dataset(url(d, mode), "w")
            g = ds.createGroup(group) if group else ds
            dims = [g.createDimension(n, s) for n, s in zip(("z", "y", "x")[-len(shape):], shape)]
            v = g.createVariable("data", dtype, [x.name for x in dims], chunksizes=chunks, **var)
            v.set_auto_maskandscale(False)
            if write is None:
                v[...] = data
            else:
                write(v, data)
            ds.close()

        def read():
            ds = netCDF4.Dataset(url(d, mode), "r")
            g = ds.groups[group] if group else ds
            v = g.variables["data"]
            v.set_auto_maskandscale(False)
            out = np.array(v[...])
            ds.close()
            return out

        try:
            forked(make)
            got = forked(read)
        except RuntimeError as e:
            print(f"netCDF-C {VERSION} cannot write and read back {full}: {e}")
            return
        w.add("v2", full, requirements, d, got, node=node, given=data if write is None else None)

    for mode in ["zarr", "nczarr"]:
        for dt in ["i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f4", "f8"]:
            case(mode, f"dtype-{dt}", ["V2-30", "V2-32"], dtype=dt)
        case(mode, "zlib-requested", ["V2-55"], dtype="f4", zlib=True, complevel=4)
        case(mode, "shuffle-zlib-requested", ["V2-54", "V2-55"], dtype="i4", zlib=True, complevel=1, shuffle=True)
        case(mode, "fill-missing-chunks", ["V2-52", "E-15"], dtype="f8", fill_value=-999.0,
             write=lambda v, d: v.__setitem__((slice(0, 7), slice(0, 6)), d[0:7, 0:6]))
        case(mode, "edge-chunks", ["V2-53", "E-06"], dtype="f4", shape=(30, 30), chunks=(16, 16))
        case(mode, "rank-3", ["V2-12"], dtype="i2", shape=(6, 7, 8), chunks=(3, 4, 5))
        case(mode, "group-member", ["V2-60"], dtype="u2", group="g")
    cross_check(w.cases, "v2", "zarr-python-2", "zarr-python-2.18.7")
    w.save()


if __name__ == "__main__":
    main()
