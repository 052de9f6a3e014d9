#!/usr/bin/env python3
"""Writes the zfp fixtures, with catalogs, from whichever writers this venv holds:

- .venv-peers-v2: v2 arrays with numcodecs' `zfpy` (zarr-python 2.18.7, numcodecs 0.15.2, zfpy 1.0.1);
- .venv-peers: v2 `zfpy` and v3 `numcodecs.zfpy` arrays from zarr-python 3.1.6 (numcodecs 0.16.5),
  and v3 arrays with the registered `zfp` codec whose chunks are zfpy 1.0.1's headerless streams.

No installable implementation writes the registered v3 `zfp` codec (the zarrs-python 0.2.3 wheel
is built without it: "codec zfp is not supported"; zarr-python, tensorstore and z5py lack it), so
the v3 `zfp` stores are written by zarr-python 3.1.6 through `ZfpCodecOverZfpy` below: its chunks
are exactly `zfpy.compress_numpy(chunk, write_header=False, <mode parameter>)`, which is
`zfp_compress` of the chunk as the registered codec defines it, and its read-back is
`zfpy._decompress`. zfpy has no expert mode, so no fixture has one.

Every array is stored at node `data` of a group whose node `input` holds, uncompressed, the data
the writer was given (`data.node` in the catalog): a rewrite encodes that input again, so its
chunks can be compared byte for byte and its read-back digest with the writer's. Expected digests
are the writer's own read-back (Vectors/peers/canonical.py); lossy modes are marked lossy.

    .venv-peers-v2/bin/python Vectors/generators/zfp.py
    .venv-peers/bin/python Vectors/generators/zfp.py
"""
import json
import os
import shutil
import sys
import warnings
from dataclasses import dataclass, field
from importlib.metadata import version

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

import numcodecs  # noqa: E402
import numpy as np  # noqa: E402
import zarr  # noqa: E402
import zfpy  # noqa: E402

from common import ROOT, entry, readable, verdict, write_catalog  # noqa: E402

SCRIPT = "Vectors/generators/zfp.py"
ZFPY_VERSION = "1.0.1"
assert version("zfpy") == ZFPY_VERSION, version("zfpy")  # numcodecs cannot parse "1.0.1.post0" (and then fails to import)

# The registered modes (EX-C17) and numcodecs' zfpy modes (2 rate, 3 precision, 4 accuracy; a
# negative parameter means reversible). Parameters from zarr-extensions' codecs/zfp examples.
MODES = {
    "reversible": ({"mode": "reversible"}, {"mode": zfpy.mode_fixed_accuracy, "tolerance": -1}, {}),
    "fixed_accuracy": ({"mode": "fixed_accuracy", "tolerance": 0.05}, {"mode": zfpy.mode_fixed_accuracy, "tolerance": 0.05}, {"tolerance": 0.05}),
    "fixed_rate": ({"mode": "fixed_rate", "rate": 10.5}, {"mode": zfpy.mode_fixed_rate, "rate": 10.5}, {"rate": 10.5}),
    "fixed_precision": ({"mode": "fixed_precision", "precision": 19}, {"mode": zfpy.mode_fixed_precision, "precision": 19}, {"precision": 19}),
}
INT_MODES = {
    "reversible": MODES["reversible"],
    "fixed_rate": ({"mode": "fixed_rate", "rate": 16}, {"mode": zfpy.mode_fixed_rate, "rate": 16}, {"rate": 16}),
    "fixed_precision": ({"mode": "fixed_precision", "precision": 24}, {"mode": zfpy.mode_fixed_precision, "precision": 24}, {"precision": 24}),
}
# Shapes with edge chunks on every axis, and chunk shapes that are not all multiples of zfp's 4.
SHAPES = {0: ((), ()), 1: ((50,), (16,)), 2: ((20, 15), (8, 8)), 3: ((9, 7, 6), (4, 4, 4)), 4: ((5, 6, 4, 3), (4, 4, 2, 2))}


def field_values(dtype, shape, seed=0):
    """A smooth field with a little noise (what zfp is made for), finite everywhere; integers in a
    range zfp's transform handles without overflow."""
    rng = np.random.RandomState(seed)
    if shape:
        grids = np.meshgrid(*[np.linspace(0, 3, n) for n in shape], indexing="ij")
        base = sum(np.sin(g * (i + 1) + i) for i, g in enumerate(grids))
    else:
        base = np.array(0.75)
    a = base * 100 + rng.standard_normal(shape) * 0.5
    dt = np.dtype(dtype)
    if dt.kind == "i":
        a = np.round(a * (1000 if dt.itemsize == 4 else 10**9))
    return a.astype(dt)


def requirements_for(fmt, codec, mode, dtype):
    reqs = {"zfp": ["EX-C17", "EX-C18"], "zfpy": ["NC-26"], "numcodecs.zfpy": ["EX-U01", "NC-26"]}[codec]
    if mode == "reversible" and dtype in ("<f4", "<i4"):
        reqs = reqs + ["E-67"]
    return reqs


def label(mode, dtype, rank):
    return f"{mode.replace('_', '-')}-{dtype.lstrip('<')}-{rank}d"


class Writer:
    def __init__(self, fmt, meta, catalog):
        self.fmt = fmt
        self.meta = {**meta, "script": SCRIPT}
        self.label = f"{meta['name']}-{meta['version']}"
        self.fixtures = os.path.join(ROOT, "fixtures", fmt, self.label)
        self.catalog = os.path.join(ROOT, "catalog", catalog)
        self.cases = []

    def store_dir(self, name):
        d = os.path.join(self.fixtures, name + ".zarr")
        shutil.rmtree(d, ignore_errors=True)
        return d

    def add(self, name, requirements, d, data, got, array, lossy):
        case_id = f"{self.fmt}/{self.label}/{name}"
        expected = readable(array, got, data, lossy)
        if lossy:
            expected["lossy"] = True
        e = entry(case_id, self.fmt, requirements, d, expected, self.meta, node="data")
        e["data"]["node"] = "input"
        self.cases.append(e)

    def finish(self):
        write_catalog(self.catalog, self.meta, self.cases)


class ZarrPython2(Writer):
    """zarr-python 2.18.7 with numcodecs' ZFPY (v2 `zfpy`)."""

    def __init__(self):
        assert (zarr.__version__, numcodecs.__version__) == ("2.18.7", "0.15.2")
        super().__init__("v2", {"name": "zarr-python", "version": "2.18.7", "numcodecs": "0.15.2", "zfpy": ZFPY_VERSION},
                         "v2-zarr-python-2.18.7-zfp.json")

    def case(self, name, mode, dtype, rank, modes=MODES):
        from numcodecs import ZFPY
        shape, chunks = SHAPES[rank]
        d = self.store_dir(name)
        store = zarr.DirectoryStore(d)
        root = zarr.group(store=store)
        data = field_values(dtype, shape)
        root.create("input", shape=shape, chunks=chunks, dtype=dtype, compressor=None)[...] = data
        root.create("data", shape=shape, chunks=chunks, dtype=dtype, compressor=ZFPY(**modes[mode][1]))[...] = data
        got = zarr.open(zarr.DirectoryStore(d), mode="r")["data"][...]
        self.add(name, requirements_for("v2", "zfpy", mode, dtype), d, data, got, got, mode != "reversible")

    def run(self):
        for mode in MODES:
            for dtype in ("<f4", "<f8"):
                for rank in (1, 2, 3, 4):
                    self.case("zfpy-" + label(mode, dtype, rank), mode, dtype, rank)
        for mode, dtype, rank in [("reversible", "<i4", 2), ("reversible", "<i8", 3), ("fixed_rate", "<i4", 3), ("fixed_precision", "<i8", 1)]:
            self.case("zfpy-" + label(mode, dtype, rank), mode, dtype, rank, INT_MODES)
        self.finish()


def zarr_python_3_writers():
    """zarr-python 3.1.6: v2 `zfpy`, v3 `numcodecs.zfpy`, and v3 `zfp` through zfpy."""
    from zarr.abc.codec import ArrayBytesCodec
    from zarr.codecs.numcodecs import ZFPY as ZFPYv3
    from zarr.registry import register_codec

    assert (zarr.__version__, numcodecs.__version__) == ("3.1.6", "0.16.5")

    @dataclass(frozen=True)
    class ZfpCodecOverZfpy(ArrayBytesCodec):
        """The registered `zfp` codec's metadata, with chunks encoded and decoded by zfpy."""
        configuration: dict = field(default_factory=dict)
        is_fixed_size = False

        @classmethod
        def from_dict(cls, data):
            return cls(configuration=dict(data.get("configuration") or {}))

        def to_dict(self):
            return {"name": "zfp", "configuration": dict(self.configuration)}

        def _parameters(self):
            c = self.configuration
            return {"reversible": {}, "fixed_accuracy": {"tolerance": c.get("tolerance")}, "fixed_rate": {"rate": c.get("rate")},
                    "fixed_precision": {"precision": c.get("precision")}}[c["mode"]]

        async def _encode_single(self, chunk_array, chunk_spec):
            a = np.ascontiguousarray(chunk_array.as_numpy_array())
            a = a.reshape(a.shape or (1,))  # a 0-d chunk is nx = 1 (EX-C18)
            return chunk_spec.prototype.buffer.from_bytes(zfpy.compress_numpy(a, write_header=False, **self._parameters()))

        async def _decode_single(self, chunk_bytes, chunk_spec):
            dtype = chunk_spec.dtype.to_native_dtype()
            raw = np.frombuffer(chunk_bytes.to_bytes(), dtype="u1")
            out = zfpy._decompress(raw, zfpy.dtype_to_ztype(dtype), list(chunk_spec.shape or (1,)), **self._parameters())
            return chunk_spec.prototype.nd_buffer.from_numpy_array(np.asarray(out).reshape(chunk_spec.shape))

        def compute_encoded_size(self, input_byte_length, chunk_spec):
            raise NotImplementedError

    register_codec("zfp", ZfpCodecOverZfpy)
    base = {"zarr-python": "3.1.6", "numcodecs": "0.16.5"}

    def write(writer, name, reqs, mode, dtype, rank, modes, fmt, codec_for, shards=None):
        shape, chunks = SHAPES[rank]
        d = writer.store_dir(name)
        data = field_values(dtype, shape)
        root = zarr.open_group(d, mode="w", zarr_format=fmt)
        root.create_array("input", shape=shape, chunks=chunks, dtype=dtype, compressors=None, fill_value=0)[...] = data
        kwargs = {"compressors": codec_for(modes[mode])} if fmt == 2 else {"serializer": codec_for(modes[mode]), "compressors": None}
        if shards:
            kwargs["shards"] = shards
        root.create_array("data", shape=shape, chunks=chunks, dtype=dtype, fill_value=0, **kwargs)[...] = data
        got = zarr.open_group(d, mode="r", zarr_format=fmt)["data"][...]
        writer.add(name, reqs, d, data, got, got, mode != "reversible")

    v2 = Writer("v2", {"name": "zarr-python", "version": "3.1.6", "numcodecs": "0.16.5", "zfpy": ZFPY_VERSION}, "v2-zarr-python-3.1.6-zfp.json")
    for mode, dtype, rank in [("fixed_accuracy", "<f4", 2), ("reversible", "<f8", 3), ("fixed_rate", "<f4", 1), ("fixed_precision", "<f8", 4)]:
        write(v2, "zfpy-" + label(mode, dtype, rank), requirements_for("v2", "zfpy", mode, dtype), mode, dtype, rank, MODES, 2,
              lambda m: numcodecs.ZFPY(**m[1]))
    v2.finish()

    v3 = Writer("v3", {"name": "zarr-python", "version": "3.1.6", "numcodecs": "0.16.5", "zfpy": ZFPY_VERSION}, "v3-zarr-python-3.1.6-zfp.json")
    for mode, dtype, rank in [("fixed_accuracy", "<f8", 2), ("reversible", "<f4", 3), ("fixed_precision", "<f4", 4), ("fixed_rate", "<f8", 1)]:
        write(v3, "numcodecs-zfpy-" + label(mode, dtype, rank), requirements_for("v3", "numcodecs.zfpy", mode, dtype), mode, dtype, rank,
              MODES, 3, lambda m: ZFPYv3(**m[1]))
    v3.finish()

    reg = Writer("v3", {"name": "zfpy", "version": ZFPY_VERSION, **base,
                        "note": "metadata by zarr-python 3.1.6; chunks are zfpy's headerless streams (see the script)"}, "v3-zfpy-1.0.1.json")
    for mode in MODES:
        for dtype in ("<f4", "<f8"):
            for rank in (1, 2, 3, 4):
                write(reg, "zfp-" + label(mode, dtype, rank), requirements_for("v3", "zfp", mode, dtype), mode, dtype, rank, MODES, 3,
                      lambda m: ZfpCodecOverZfpy(m[0]))
    for mode, dtype, rank in [("reversible", "<i4", 2), ("reversible", "<i8", 4), ("fixed_rate", "<i4", 1), ("fixed_precision", "<i8", 3)]:
        write(reg, "zfp-" + label(mode, dtype, rank), requirements_for("v3", "zfp", mode, dtype), mode, dtype, rank, INT_MODES, 3,
              lambda m: ZfpCodecOverZfpy(m[0]))
    write(reg, "zfp-reversible-f8-0d", requirements_for("v3", "zfp", "reversible", "<f8"), "reversible", "<f8", 0, MODES, 3,
          lambda m: ZfpCodecOverZfpy(m[0]))
    write(reg, "zfp-shard-fixed-accuracy-f4-2d", ["EX-C17", "EX-C18", "SH-01"], "fixed_accuracy", "<f4", 2, MODES, 3,
          lambda m: ZfpCodecOverZfpy(m[0]), shards=(16, 8))

    # E-67: a 5-d chunk must be rejected (or squeezed); zfpy itself cannot encode one.
    d = reg.store_dir("refuse-zfp-5d")
    root = zarr.open_group(d, mode="w", zarr_format=3)
    root.create_array("data", shape=(2, 2, 2, 2, 2), chunks=(2, 2, 2, 2, 2), dtype="float32", fill_value=0,
                      serializer=ZfpCodecOverZfpy({"mode": "reversible"}), compressors=None)
    reason = "zfp takes chunks of at most 4 dimensions (EX-C18)"
    writer_verdict = verdict(lambda: zarr.open_array(os.path.join(d, "data"), mode="r+").__setitem__(Ellipsis, np.ones((2,) * 5, "float32")))
    reg.cases.append(entry(f"v3/{reg.label}/refuse-zfp-5d", "v3", ["EX-C18", "E-67"], d,
                           {"outcome": "refuse", "reason": reason, "writer_verdict": writer_verdict}, reg.meta, node="data"))
    reg.finish()


if __name__ == "__main__":
    if zarr.__version__.startswith("2"):
        ZarrPython2().run()
    else:
        zarr_python_3_writers()
