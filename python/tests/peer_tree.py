"""Run in .venv-peers (zarr-python 3, zarr-n5): the peers' side of the `tree` tests.

  peer_tree.py read REQUESTS.json    one JSON line per request ({id, store, node, consolidated,
                                     format}, as Vectors/peers/read.py takes them): the sha256 and
                                     tree digests, computed with NumPy, of what zarr-python 3 (zarr-n5
                                     for N5) read, or the error
  peer_tree.py copies DIR            writes arrays with several tiles in several chunkings,
                                     codecs and formats under DIR; prints one JSON line per copy:
                                     {store, node, tree} with the tree digest of the source array
"""
import json
import os
import sys
import warnings

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "Vectors", "peers"))
warnings.simplefilter("ignore")

import numpy as np  # noqa: E402
from canonical import digest  # noqa: E402
from read import read_zarr_n5, read_zarr_python  # noqa: E402
from tree_digest import tree_digest  # noqa: E402


def read(path):
    for req in json.load(open(path)):
        try:
            data = np.asarray(read_zarr_n5(req) if req.get("format") == "n5" else read_zarr_python(req))
            out = {"sha256": digest(data), "tree": tree_digest(data), "shape": list(data.shape)}
        except Exception as e:  # noqa: BLE001  a store this peer does not read is left out
            out = {"error": f"{type(e).__name__}: {e}"[:300]}
        out["id"] = req["id"]
        print(json.dumps(out), flush=True)


def sources():
    """Arrays larger than one tile on every axis (tile edges: docs/digests.md)."""
    rng = np.random.default_rng(13)
    yield "f4-2d", rng.standard_normal((1100, 1030)).astype("<f4")  # e = 512: 3 × 3 tiles
    yield "u1-2d", rng.integers(0, 255, (1500, 1100), dtype="u1")  # e = 1024: 2 × 2
    yield "f8-3d", rng.standard_normal((70, 45, 33))  # e = 32: 3 × 2 × 2
    yield "i2-4d", rng.integers(-999, 999, (20, 17, 33, 5), dtype="<i2")  # e = 2^4: 2 × 2 × 3 × 1
    yield "i8-1d", np.arange(300_000, dtype="<i8") * 7  # e = 131072: 3 tiles
    strings = np.array([f"s{i % 977}" * (i % 5) for i in range(300 * 260)], dtype=object).reshape(300, 260)
    yield "str-2d", strings  # variable length: s = 16, e = 256: 2 × 2


def copies(out):
    import numcodecs
    import zarr
    from zarr.codecs import BloscCodec, GzipCodec, ZstdCodec
    for name, a in sources():
        expected = tree_digest(a)
        text = a.dtype == object
        layouts = [
            ("v3-zstd", dict(zarr_format=3, chunks=tuple(max(1, d // 3) for d in a.shape), compressors=ZstdCodec(level=3))),
            ("v2-blosc", dict(zarr_format=2, chunks=tuple(max(1, d // 2 + 1) for d in a.shape),
                              compressors=numcodecs.Blosc(cname="lz4", shuffle=numcodecs.Blosc.BITSHUFFLE))),
            ("v3-sharded", dict(zarr_format=3, shards=tuple(2 * (d // 4 + 1) for d in a.shape),
                                chunks=tuple(d // 4 + 1 for d in a.shape), compressors=GzipCodec(level=1))),
            ("v2-one-chunk", dict(zarr_format=2, chunks=a.shape, compressors=None, order="F")),
            ("v3-unaligned", dict(zarr_format=3, chunks=tuple(max(1, d // 5 + 3) for d in a.shape),
                                  compressors=BloscCodec(cname="zstd"))),
        ]
        for layout, options in layouts:
            if text and layout == "v2-one-chunk":
                options.pop("order")
            store = os.path.join(out, f"{name}-{layout}.zarr")
            kwargs = dict(options)
            if text:
                kwargs["dtype"] = str
            z = zarr.create_array(store, shape=a.shape, dtype=kwargs.pop("dtype", a.dtype), **kwargs)
            z[...] = a
            back = np.asarray(zarr.open_array(store, mode="r")[...])
            print(json.dumps({"store": store, "node": "", "tree": expected, "read_back": tree_digest(back)}), flush=True)


if __name__ == "__main__":
    {"read": read, "copies": copies}[sys.argv[1]](sys.argv[2])
