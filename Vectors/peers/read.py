#!/usr/bin/env python3
"""One peer implementation as a reader. Usage: read.py PEER REQUESTS.json

For each request ({id, store, node, consolidated, format[, values]}) prints one JSON line with
the canonical digest and shape of what PEER read (and, with `values`, writes the canonical bytes
the digest is taken over to that file), or the error it raised (with `unsupported` when
the peer says the feature is not implemented). PEER is a key of READERS (Vectors/peers/peers.json
says which interpreter runs which). Run it with the venv or interpreter that holds that peer."""
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

from canonical import canonical_bytes, digest  # noqa: E402

# Messages with which peers say a feature is outside what they implement (peers.md lists them).
UNSUPPORTED_WORDS = ("not supported", "unsupported", "not implemented", "unknown codec", "notimplemented", "no codec",
                     "codec not available", "not registered", "invalid data type", "cannot handle",
                     "non-native byte order", "must be a c contiguous", "no zarr data type found", "must specify a \"field\"",
                     "does not support", "only supports", "wrong compressor for zarr format", "json.exception.type_error",
                     "unknown chunk grid", "invalid or unsupported format for dtype", "not handled",
                     "while structuring arraymetadata", "nc_enofilter", "unknown filter")


def s3_store(url):
    """zarr-python 3's store for s3://BUCKET/PREFIX on the S3 server of `run --store-kinds s3`
    (moto on loopback; AWS_* variables), through obstore."""
    from obstore.store import S3Store
    from zarr.storage import ObjectStore
    bucket, _, prefix = url[len("s3://"):].partition("/")
    return ObjectStore(S3Store(bucket, prefix=prefix, endpoint=os.environ["AWS_ENDPOINT_URL"], region=os.environ.get("AWS_REGION", "us-east-1"),
                               access_key_id=os.environ["AWS_ACCESS_KEY_ID"], secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
                               client_options={"allow_http": True}), read_only=True)


def read_zarr_python(req, zarrs=False):
    import zarr
    if req.get("format") == "n5":
        return read_zarr_python_2_n5(req)
    if zarr.__version__.startswith("2"):
        store = zarr.DirectoryStore(req["store"])
        root = zarr.open_consolidated(store, mode="r") if req.get("consolidated") else zarr.open(store, mode="r")
        node = root[req["node"]] if req.get("node") else root
    else:
        config = {"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True} if zarrs else {}
        if "rectilinear_chunks" in zarr.config.get("array", {}):  # zarr-python >= 3.2: an experimental switch, on for reading
            config["array.rectilinear_chunks"] = True
        if zarrs:
            import zarrs as _  # noqa: F401
        fmt = 3 if req.get("format") == "v3" else 2
        store = s3_store(req["store"]) if req["store"].startswith("s3://") else req["store"]
        with zarr.config.set(config):
            root = (zarr.open_consolidated(store, mode="r", zarr_format=fmt) if req.get("consolidated")
                    else zarr.open(store, mode="r", zarr_format=fmt))
            node = root[req["node"]] if req.get("node") else root
            if not isinstance(node, zarr.Array):
                raise TypeError("not an array")
            return node[...]
    if not isinstance(node, zarr.Array):
        raise TypeError("not an array")
    return node[...]


def container(tmp, store, fmt):
    """A group holding one member, `arr`, a symlink to `store`: for readers that open arrays only
    inside a group (z5py, zarr-python 2's N5Store). The store's own files are what is read."""
    root = os.path.join(tmp, "c." + ("n5" if fmt == "n5" else "zarr"))
    os.mkdir(root)
    if fmt == "v3":
        json.dump({"zarr_format": 3, "node_type": "group", "attributes": {}}, open(os.path.join(root, "zarr.json"), "w"))
    elif fmt == "n5":
        json.dump({"n5": "2.0.0"}, open(os.path.join(root, "attributes.json"), "w"))
    else:
        json.dump({"zarr_format": 2}, open(os.path.join(root, ".zgroup"), "w"))
    os.symlink(os.path.abspath(store), os.path.join(root, "arr"))
    return root, "arr"


def read_zarr_python_2_n5(req):
    """zarr-python 2's N5Store reverses the axes (N5-24); the data is turned back to N5 order."""
    import tempfile

    import numpy as np
    import zarr
    with tempfile.TemporaryDirectory() as tmp:
        store, node = (req["store"], req["node"]) if req.get("node") else container(tmp, req["store"], "n5")
        return np.transpose(zarr.open(zarr.N5Store(store), mode="r", path=node)[...])


def read_zarr_n5(req):
    """zarr-n5 presents N5 through zarr-python 3, in N5's own axis order."""
    import zarr
    from zarr.storage import LocalStore
    from zarr_n5 import N5WrapperStore
    store = N5WrapperStore(LocalStore(req["store"], read_only=True))
    node = zarr.open(store=store, mode="r", zarr_format=3, path=req.get("node") or "")
    if not isinstance(node, zarr.Array):
        raise TypeError("not an array")
    return node[...]


def read_tensorstore(req):
    """tensorstore shows fixed-length bytes and strings with one more, innermost axis of
    characters; those are folded back into one opaque element, whose bytes are the canonical ones."""
    import numpy as np
    import tensorstore as ts
    fmt = req.get("format", "v2")
    driver = {"v2": "zarr", "v3": "zarr3", "n5": "n5"}[fmt]
    path = os.path.join(req["store"], req.get("node") or "")
    if path.startswith("s3://"):  # `run --store-kinds s3`: the store in a bucket of an S3 server (moto on loopback)
        bucket, _, key = path[len("s3://"):].partition("/")
        kvstore = {"driver": "s3", "bucket": bucket, "path": key.rstrip("/") + "/", "endpoint": os.environ["AWS_ENDPOINT_URL"],
                   "aws_region": os.environ.get("AWS_REGION", "us-east-1"), "aws_credentials": {"type": "environment"}}
    else:
        kvstore = {"driver": "file", "path": path.rstrip("/") + "/"}  # a directory: keys are joined to it
    data = ts.open({"driver": driver, "kvstore": kvstore, "open": True}, read=True).result().read().result()
    metadata = {"v2": ".zarray", "v3": "zarr.json", "n5": "attributes.json"}[fmt]
    meta = json.loads(ts.KvStore.open(kvstore).result().read(metadata).result().value)
    rank = len(meta.get("shape", meta.get("dimensions", [])))
    if data.ndim > rank:
        data = np.ascontiguousarray(data)
        width = data.dtype.itemsize * int(np.prod(data.shape[rank:]))
        data = data.reshape(data.shape[:rank] + (-1,)).view(f"V{width}").reshape(data.shape[:rank])
    return data


def read_z5py(req):
    """z5py opens arrays only inside a group: a root array is reached through a temporary
    container whose one member is a symlink to the store."""
    import tempfile

    import numpy as np
    import z5py
    fmt = req.get("format", "v2")
    with tempfile.TemporaryDirectory() as tmp:
        store, node = (req["store"], req["node"]) if req.get("node") else container(tmp, req["store"], fmt)
        ds = z5py.File(store, mode="r")[node]
        data = ds[tuple(slice(None) for _ in ds.shape)] if ds.shape else ds[()]
        return np.transpose(data) if fmt == "n5" else data  # z5py reverses N5 axes (N5-24)


def read_zarrita(req):
    """zarrita, a small independent v3 (and v2) implementation on asyncio."""
    import zarrita
    path = os.path.join(req["store"], req.get("node") or "")
    cls = zarrita.Array if req.get("format") == "v3" else zarrita.ArrayV2
    a = cls.open(zarrita.make_store_path(zarrita.LocalStore(path)))
    return a[tuple(slice(None) for _ in a.shape)] if a.shape else a[()]


def read_gdal(req):
    """GDAL's Zarr driver through the multidimensional API: the store's root group, then the node
    (a root array is GDAL's one array of that group)."""
    from osgeo import gdal
    gdal.UseExceptions()
    ds = gdal.OpenEx(req["store"], gdal.OF_MULTIDIM_RASTER | gdal.OF_READONLY,
                     allowed_drivers=["Zarr"], open_options=[] if req.get("consolidated") else ["USE_ZMETADATA=NO"])
    group = ds.GetRootGroup()
    parts = [p for p in (req.get("node") or "").split("/") if p]
    for part in parts[:-1]:
        group = group.OpenGroup(part)
    if parts:
        array = group.OpenMDArray(parts[-1])
    else:
        names = group.GetMDArrayNames() or []
        if len(names) != 1:
            raise TypeError(f"the root holds {len(names)} arrays, not one")
        array = group.OpenMDArray(names[0])
    if array is None:
        raise KeyError(req.get("node"))
    return array.ReadAsArray()


def read_netcdf_c(req):
    """netCDF-C's NCZarr in pure-Zarr mode (`#mode=zarr,file`) through netCDF4-python. NCZarr
    opens a group: a root array is reached through a container whose one member is a symlink to it.
    Values are taken raw (no CF mask or scaling). Each request runs in a forked child (see main)."""
    import tempfile

    import netCDF4
    with tempfile.TemporaryDirectory() as tmp:
        store, node = (req["store"], req["node"]) if req.get("node") else container(tmp, req["store"], "v2")
        ds = netCDF4.Dataset(f"file://{os.path.abspath(store)}#mode=zarr,file", "r")
        try:
            parts = node.split("/")
            group = ds
            for part in parts[:-1]:
                group = group.groups[part]
            var = group.variables[parts[-1]]
            var.set_auto_maskandscale(False)
            data = var[...]
            import numpy as np
            return np.array(data)
        finally:
            ds.close()


READERS = {
    "zarr-python-2": read_zarr_python,
    "zarr-python-3": read_zarr_python,
    "zarrs-python": lambda req: read_zarr_python(req, zarrs=True),
    "zarr-python-2-n5": read_zarr_python_2_n5,
    "zarr-n5": read_zarr_n5,
    "tensorstore": read_tensorstore,
    "z5py": read_z5py,
    "zarrita": read_zarrita,
    "gdal": read_gdal,
    "netcdf-c": read_netcdf_c,
}
# Readers whose library can crash the process: each request runs in a forked child, so a crash
# is that request's error and the rest go on.
ISOLATED = {"netcdf-c"}


def isolated(reader, req):
    """Runs reader(req) in a forked child; returns the data or raises with what the child said."""
    import pickle
    import signal
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, send the array (or the error) back, exit without cleanup
        os.close(r)
        try:
            import numpy as np
            payload = ("ok", np.asarray(reader(req)))
        except BaseException as e:  # noqa: BLE001  every failure goes back to the parent
            payload = ("error", f"{type(e).__name__}: {e}", isinstance(e, NotImplementedError))
        with os.fdopen(w, "wb") as f:
            pickle.dump(payload, f)
        os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        raw = f.read()
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise RuntimeError(f"the reader crashed on this store ({signal.Signals(os.WTERMSIG(status)).name})")
    payload = pickle.loads(raw)
    if payload[0] == "ok":
        return payload[1]
    raise (NotImplementedError if payload[2] else RuntimeError)(payload[1])


def main():
    peer, path = sys.argv[1], sys.argv[2]
    reader = READERS[peer]
    with open(path) as f:
        requests = json.load(f)
    for req in requests:
        try:
            data = isolated(reader, req) if peer in ISOLATED else reader(req)
            import numpy as np
            data = np.asarray(data)
            out = {"sha256": digest(data), "shape": list(data.shape)}
            if req.get("values"):  # the canonical bytes themselves, to show where values differ
                with open(req["values"], "wb") as f:
                    for piece in canonical_bytes(data):
                        f.write(piece)
        except BaseException as e:  # every failure is reported, never fatal
            if isinstance(e, KeyboardInterrupt):
                raise
            text = f"{type(e).__name__}: {e}"
            out = {"error": text[:400], "unsupported": isinstance(e, NotImplementedError) or any(w in text.lower() for w in UNSUPPORTED_WORDS)}
        out["id"] = req["id"]
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
