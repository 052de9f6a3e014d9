"""The `tree` digest of docs/digests.md: Vectors/peers/tree_digest.py (NumPy, on what zarr-python 3
or zarr-n5 read) against `zarr-conformance digest --algorithm tree`, on every committed fixture a
peer reads correctly, and on copies of larger arrays rechunked, recompressed and converted."""
import glob
import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import REPO, SUMMARY, TESTS, run

MINIMUM_FIXTURES = 800  # 841 when this was written: every readable v2, v3 and N5 fixture zarr-python 3 / zarr-n5 read right


def catalog_requests():
    """Every catalog case that must read, whose store is committed, as read.py takes requests."""
    out = []
    for path in sorted(glob.glob(str(REPO / "Vectors" / "catalog" / "*.json"))):
        for case in json.load(open(path))["cases"]:
            store = REPO / "Vectors" / case["store"] if case.get("store") else None
            if case["expected"].get("outcome") != "read" or not store or not store.exists():
                continue
            out.append({"id": case["id"], "store": str(store), "node": case.get("node") or "",
                        "consolidated": bool(case.get("consolidated")), "format": case["format"],
                        "expected": case["expected"]})
    return out


def cli_tree(binary, req):
    argv = [binary, "digest", req["store"], "--algorithm", "tree"]
    if req.get("node"):
        argv += ["--node", req["node"]]
    if req.get("consolidated"):
        argv.append("--consolidated")
    if req.get("format") in ("v2", "v3"):
        argv += ["--zarr-format", req["format"][1]]
    done = run(argv, timeout=120)
    if done.returncode != 0:
        return {"error": done.stderr.strip()}
    return json.loads(done.stdout)


def test_tree_on_every_fixture(binary, peers_python, tmp_path):
    requests = catalog_requests()
    path = tmp_path / "requests.json"
    path.write_text(json.dumps([{k: v for k, v in r.items() if k != "expected"} for r in requests]))
    done = run([peers_python, TESTS / "peer_tree.py", "read", path], timeout=300)
    assert done.returncode == 0, done.stderr
    peer = {r["id"]: r for r in map(json.loads, done.stdout.splitlines())}
    # Only what the peer read right (its sha256 is the catalog's expected one) is compared.
    agreed = [r for r in requests if peer[r["id"]].get("sha256") == r["expected"].get("sha256")
              and peer[r["id"]].get("shape") == r["expected"].get("shape")]
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        ours = list(pool.map(lambda r: cli_tree(binary, r), agreed))
    mismatches = [(r["id"], peer[r["id"]]["tree"], o) for r, o in zip(agreed, ours) if o.get("tree") != peer[r["id"]]["tree"]]
    formats = {f: sum(1 for r in agreed if r["format"] == f) for f in ("v2", "v3", "n5")}
    SUMMARY.append(f"tree: {len(agreed)} fixtures compared with NumPy ({formats}); {len(requests) - len(agreed)} "
                   f"of {len(requests)} readable fixtures left out (zarr-python 3 / zarr-n5 refuse or misread them)")
    assert not mismatches, f"{len(mismatches)} of {len(agreed)} differ, e.g. {mismatches[:3]}"
    assert len(agreed) >= MINIMUM_FIXTURES
    ranks = {len(peer[r["id"]]["shape"]) for r in agreed}
    assert {0, 1, 2, 3, 4} <= ranks
    assert any(0 in peer[r["id"]]["shape"] for r in agreed), "a zero-length axis"


def test_tree_survives_rechunking(binary, peers_python, tmp_path):
    """Arrays of several tiles per axis (tile edges 16 … 131072, strings included), each written by
    zarr-python 3 in five layouts: v3 zstd, v2 blosc bitshuffle, v3 sharded gzip, v2 one
    uncompressed F-order chunk, v3 chunks that do not divide the tiles."""
    done = run([peers_python, TESTS / "peer_tree.py", "copies", tmp_path], timeout=300)
    assert done.returncode == 0, done.stderr
    copies = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(copies) == 30
    sources = {}
    for copy in copies:
        assert copy["read_back"] == copy["tree"], copy["store"]  # zarr-python read back what it wrote
        ours = cli_tree(binary, copy)
        assert ours.get("tree") == copy["tree"], (copy["store"], ours)
        sources.setdefault(os.path.basename(copy["store"]).split("-v")[0], set()).add(ours["tree"])
    assert all(len(trees) == 1 for trees in sources.values())
    assert len(set.union(*sources.values())) == len(sources) == 6
    SUMMARY.append(f"tree: {len(copies)} rechunked / recompressed / converted copies of {len(sources)} arrays agree")


@pytest.mark.parametrize("shape,dtype,edge", [((2, 3), "<f4", 512), ((2, 3, 4), "<f4", 64), ((5,), "u1", 1 << 20),
                                              ((), "<f8", 1), ((3, 4), "O", 256), ((2,) * 7, "<i8", 4)])
def test_tile_edge(shape, dtype, edge):
    """The examples of docs/digests.md, and the tile edge the CLI reports is the same rule."""
    import sys
    sys.path.insert(0, str(REPO / "Vectors" / "peers"))
    import numpy as np
    from tree_digest import element_size, tile_edge
    assert tile_edge(len(shape), element_size(np.dtype(dtype))) == edge
