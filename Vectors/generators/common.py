"""What every generator shares: the deterministic data recipes and the catalog format."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(ROOT, "peers"))

from canonical import digest  # noqa: E402,F401  (re-exported for the generators)


def values(dtype, shape, seed=0):
    """The deterministic data recipe for a dtype and shape."""
    rng = np.random.RandomState(seed)
    n = int(np.prod(shape)) if shape else 1
    if isinstance(dtype, str) and (dtype == "bfloat16" or dtype.startswith(("float8_", "float6_", "float4_", "int2", "int4", "uint2", "uint4"))):
        import ml_dtypes
        dt = np.dtype(getattr(ml_dtypes, dtype))
        if dtype.startswith(("int", "uint")):
            info = ml_dtypes.iinfo(dt)
            return rng.randint(int(info.min), int(info.max) + 1, n).astype(dt).reshape(shape)
        return (rng.standard_normal(n) * 3).astype(np.float32).astype(dt).reshape(shape)
    dt = np.dtype(dtype)
    if dt.fields:
        out = np.zeros(n, dtype=dt)
        for name in dt.names:
            if name:
                field = dt.fields[name][0]
                sub = values(field.base, (n,) + field.shape, seed + 1)
                out[name] = sub.reshape(out[name].shape)
        return out.reshape(shape)
    k = dt.kind
    if k == "b":
        a = rng.randint(0, 2, n).astype(bool)
    elif k in "iu":
        info = np.iinfo(dt)
        a = rng.randint(max(info.min, -(2**62)), min(info.max, 2**62) + 1 if info.max < 2**62 else 2**62, n, dtype=np.int64)
        a = a.astype(dt)
        if n > 2:
            a[0], a[1] = info.min, info.max
    elif k == "f":
        a = (rng.standard_normal(n) * 100).astype(dt)
        if n > 4:
            a[1], a[2], a[3] = np.nan, np.inf, -np.inf
    elif k == "c":
        a = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dt)
    elif k in "mM":
        a = rng.randint(-(10**9), 10**9, n).astype("i8").view(dt)
        if n > 1:
            a[1] = np.datetime64("NaT") if k == "M" else np.timedelta64("NaT")
    elif k == "S":
        a = np.array([bytes(rng.randint(0, 256, rng.randint(0, dt.itemsize + 1)).astype("u1")) for _ in range(n)], dtype=dt)
    elif k == "U":
        alphabet = "abcXYZ é日本🙂"
        a = np.array(["".join(rng.choice(list(alphabet), rng.randint(0, dt.itemsize // 4 + 1))) for _ in range(n)], dtype=dt)
    elif k == "V":
        a = np.frombuffer(rng.randint(0, 256, n * dt.itemsize).astype("u1").tobytes(), dtype=dt)
    else:
        raise ValueError(dtype)
    return a.reshape(shape)


def object_values(kind, shape, seed=0):
    rng = np.random.RandomState(seed)
    n = int(np.prod(shape)) if shape else 1
    words = ["", "a", "zarr", "données", "日本語", "🙂 emoji", "x" * 40, "tab\tnul\x00"]
    out = np.empty(n, dtype=object)
    for i in range(n):
        w = words[rng.randint(len(words))]
        if kind == "utf8":
            out[i] = w
        elif kind == "bytes":
            out[i] = w.encode("utf-8") + b"\x00\xff"[: rng.randint(3)]
        else:
            out[i] = np.arange(rng.randint(0, 5), dtype="i4") * (i + 1)
    return out.reshape(shape)


METADATA_KEYS = {"v2": ".zarray", "v3": "zarr.json", "n5": "attributes.json"}


def entry(case_id, fmt, requirements, store_dir, expected, writer, node="", consolidated=False):
    """One catalog entry (see README: The catalog): the array's metadata document as stored and
    the data recipe (the generator's deterministic data for this case) ride along."""
    metadata_path = os.path.join(store_dir, node, METADATA_KEYS[fmt])
    try:
        metadata = json.load(open(metadata_path))
    except (OSError, ValueError):
        metadata = None  # a broken store: its metadata is part of what is wrong
    recipe = {"recipe": "generator", "script": writer.get("script"), "case": case_id.split("/")[-1]}
    return {"id": case_id, "format": fmt, "requirements": requirements, "store": os.path.relpath(store_dir, ROOT),
            "node": node, "consolidated": consolidated, "metadata": metadata, "data": recipe, "expected": expected, "writer": writer}


def readable(array, readback, given=None, lossy=False):
    """The expectation for a case: the digest of what the writer read back. For a lossless case
    whose read-back differs from the data the writer was given, the given data is what the store
    must hold; its digest is expected and the writer's disagreement is recorded for the report."""
    readback = np.asarray(readback)
    expected = {"outcome": "read", "sha256": digest(readback), "shape": list(np.shape(readback)),
                "data_type": str(getattr(array, "dtype", readback.dtype))}
    if given is not None and not lossy:
        given_digest = digest(np.asarray(given).astype(readback.dtype) if np.asarray(given).dtype != readback.dtype else given)
        if given_digest != expected["sha256"]:
            expected["writer_readback_sha256"] = expected["sha256"]
            expected["sha256"] = given_digest
            expected["note"] = "the writer's own read-back differs from the data it was given"
    return expected


def edit_bytes(key, change):
    """A mutation for `refused` cases: the file `key` of a store, passed through `change`."""
    def mutate(store_dir):
        path = os.path.join(store_dir, key)
        raw = open(path, "rb").read()
        open(path, "wb").write(change(raw))
    return mutate


def edit_json(key, change):
    """A mutation for `refused` cases: the JSON document `key` of a store, changed in place."""
    def mutate(store_dir):
        path = os.path.join(store_dir, key)
        doc = json.load(open(path))
        change(doc)
        json.dump(doc, open(path, "w"))
    return mutate


def verdict(read):
    """The writer's own verdict on a broken store, for the report: what `read()` said."""
    try:
        read()
        return "read without error"
    except Exception as e:  # any failure is the verdict
        return f"{type(e).__name__}: {e}"[:300]


def write_catalog(path, writer, cases):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump({"catalog_version": 1, "writer": writer, "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    readable_count = sum(c["expected"]["outcome"] == "read" for c in cases)
    print(f"{len(cases)} cases ({readable_count} readable) -> {os.path.relpath(path, ROOT)}")


REPO = os.path.dirname(ROOT)
VENVS = {"v2": os.path.join(REPO, ".venv-peers-v2", "bin", "python"), "v3": os.path.join(REPO, ".venv-peers", "bin", "python"),
         "py312": os.path.join(REPO, ".venv-peers-py312", "bin", "python"), "system": "/usr/bin/python3"}


class PeerWriter:
    """One pinned peer writing a set of fixtures under fixtures/<kind>/<label>/ with the catalog
    catalog/<kind>-<label>.json (the interop and spec generators)."""

    def __init__(self, kind, script, name, pinned, actual=None, **extra):
        """`actual`: the version the writer reports, where it is not a pip distribution's (GDAL, netCDF-C)."""
        found = actual if actual is not None else version(name if name != "zarr-python" else "zarr")
        assert found == pinned, (name, found, pinned)
        self.kind = kind
        self.label = f"{name}-{pinned}"
        self.meta = {"name": name, "version": pinned, "script": script, **extra}
        self.fixtures = os.path.join(ROOT, "fixtures", kind, self.label)
        self.cases = []
        shutil.rmtree(self.fixtures, ignore_errors=True)
        os.makedirs(self.fixtures)

    def store(self, name, suffix=".zarr"):
        return os.path.join(self.fixtures, name + suffix)

    def add(self, fmt, name, requirements, d, got, node="", given=None, consolidated=False, **expected):
        """A readable case: the digest of `got`, the writer's own read-back."""
        self.cases.append(entry(f"{fmt}/{self.label}/{name}", fmt, requirements, d, dict(readable(got, got, given), **expected), self.meta,
                                node=node, consolidated=consolidated))

    def refuse(self, fmt, name, requirements, d, reason, read, node="", consolidated=False, **expected):
        """A case every reader must refuse, with the writer's own verdict (`read()`)."""
        self.cases.append(entry(f"{fmt}/{self.label}/{name}", fmt, requirements, d,
                                dict({"outcome": "refuse", "reason": reason, "writer_verdict": verdict(read).replace(REPO + "/", "")}, **expected),
                                self.meta, node=node, consolidated=consolidated))

    def save(self):
        write_catalog(os.path.join(ROOT, "catalog", f"{self.kind}-{self.label}.json"), self.meta, self.cases)


def edit(path, change):
    """Changes one JSON document of a store in place, keeping the writer's layout."""
    doc = json.load(open(path))
    change(doc)
    with open(path, "w") as f:
        json.dump(doc, f, indent=4, sort_keys=True, ensure_ascii=True)


def cross_check(cases, venv, peer, label):
    """Has `peer` (Vectors/peers/read.py, in the venv `venv`) read every case; records in each
    case's `expected.cross_check` whether it got the writer's digest (or refused a store that must
    be refused), or what it said."""
    if not cases or not os.path.exists(VENVS[venv]):
        return
    requests = [{"id": c["id"], "store": os.path.join(ROOT, c["store"]), "node": c["node"], "consolidated": c.get("consolidated", False),
                 "format": c["format"]} for c in cases]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(requests, f)
    try:
        out = subprocess.run([VENVS[venv], os.path.join(ROOT, "peers", "read.py"), peer, f.name], capture_output=True, text=True, timeout=600).stdout
    finally:
        os.unlink(f.name)
    answers = {a["id"]: a for a in map(json.loads, filter(None, out.splitlines()))}
    for c in cases:
        a = answers.get(c["id"], {"error": "no answer"})
        result = {"reader": label}
        if "sha256" in a and c["expected"]["outcome"] == "refuse":
            result["error"] = "read without error"
        elif "sha256" in a:
            result["sha256_matches"] = a["sha256"] == c["expected"]["sha256"]
        else:
            result["error"] = a["error"].replace(ROOT + "/", "")[:200]
        c["expected"].setdefault("cross_check", []).append(result)


def save_n5(w):
    """Saves N5 cases after the N5 readers of both venvs (zarr-python 2's N5Store, z5py) read them."""
    cross_check(w.cases, "v2", "zarr-python-2", "zarr-python-2.18.7")
    cross_check(w.cases, "v3", "z5py", "z5py-3.0.2")
    w.save()


def run_for_venv(for_zarr_2, *for_zarr_3):
    """Runs the writers of the venv this script runs in: zarr-python 2's, or the others'."""
    if version("zarr").startswith("2."):
        for_zarr_2()
    else:
        for write in for_zarr_3:
            write()
