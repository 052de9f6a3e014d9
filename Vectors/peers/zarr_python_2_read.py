#!/usr/bin/env python3
"""zarr-python 2.18.7 as a reader: for each request in the JSON file given as argv[1]
({id, store, node, consolidated}), prints one JSON line with the canonical digest and shape of
what it read, or the error it raised."""
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

import zarr  # noqa: E402

from canonical import digest  # noqa: E402

assert zarr.__version__ == "2.18.7", zarr.__version__


def read(req):
    store = zarr.DirectoryStore(req["store"])
    root = zarr.open_consolidated(store, mode="r") if req.get("consolidated") else zarr.open(store, mode="r")
    node = root[req["node"]] if req.get("node") else root
    if not isinstance(node, zarr.Array):
        raise TypeError("not an array")
    return {"sha256": digest(node[...]), "shape": list(node.shape)}


def main():
    with open(sys.argv[1]) as f:
        requests = json.load(f)
    for req in requests:
        try:
            out = read(req)
        except Exception as e:  # every failure is reported, never fatal
            out = {"error": f"{type(e).__name__}: {e}"[:400]}
        out["id"] = req["id"]
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
