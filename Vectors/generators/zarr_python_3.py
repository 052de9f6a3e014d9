#!/usr/bin/env python3
"""Writes the Zarr v3 fixtures of zarr-python 3.1.6, and the same cases with chunks encoded by
the zarrs-python 0.2.3 codec pipeline (zarr-python still writes the metadata), with catalogs.

Expected digests come from each writer's own read-back (Vectors/peers/canonical.py).

    .venv-peers/bin/python Vectors/generators/zarr_python_3.py
"""
import json
import os
import shutil
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

import numcodecs  # noqa: E402
import numpy as np  # noqa: E402
import zarr  # noqa: E402
import zarr.codecs as zc  # noqa: E402
import zarrs  # noqa: E402,F401
from zarr.codecs import numcodecs as znc  # noqa: E402

from common import ROOT, edit_bytes, edit_json, entry, object_values, readable, values, verdict, write_catalog  # noqa: E402

ZARR_VERSION, ZARRS_VERSION = "3.1.6", "0.2.3"
assert zarr.__version__ == ZARR_VERSION, zarr.__version__
SCRIPT = "Vectors/generators/zarr_python_3.py"

WRITERS = {
    "zarr-python": {"name": "zarr-python", "version": ZARR_VERSION, "numcodecs": numcodecs.__version__, "script": SCRIPT},
    "zarrs-python": {"name": "zarrs-python", "version": ZARRS_VERSION, "zarr-python": ZARR_VERSION, "script": SCRIPT},
}
PIPELINES = {
    "zarr-python": {"codec_pipeline.path": "zarr.core.codec_pipeline.BatchedCodecPipeline"},
    "zarrs-python": {"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True},
}


class Generator:
    def __init__(self, writer):
        self.writer = writer
        self.label = f"{writer}-{WRITERS[writer]['version']}"
        self.fixtures = os.path.join(ROOT, "fixtures", "v3", self.label)
        self.cases = []

    def store_dir(self, name):
        d = os.path.join(self.fixtures, name + ".zarr")
        shutil.rmtree(d, ignore_errors=True)
        return d

    def case(self, name, *args, **kwargs):
        """Writes one case; a case this writer cannot write is reported and left out of its catalog."""
        try:
            self.write_case(name, *args, **kwargs)
        except Exception as e:
            if self.writer == "zarr-python":
                raise
            shutil.rmtree(os.path.join(self.fixtures, name + ".zarr"), ignore_errors=True)
            print(f"{self.label} cannot write {name}: {type(e).__name__}: {str(e)[:120]}")

    def write_case(self, name, requirements, shape=(20, 15), chunks=(7, 6), dtype="int32", data=None, write=None, node="",
                   consolidated=False, lossy=False, **kwargs):
        d = self.store_dir(name)
        with zarr.config.set(PIPELINES[self.writer]):
            root = zarr.open_group(d, mode="w", zarr_format=3) if node else None
            target = root.create_array(node, shape=shape, chunks=chunks, dtype=dtype, **kwargs) if node else \
                zarr.create_array(d, shape=shape, chunks=chunks, dtype=dtype, zarr_format=3, **kwargs)
            if data is None:
                data = values(dtype if not isinstance(dtype, zarr.core.dtype.ZDType) else dtype.to_native_dtype(), shape)
            if write is None:
                target[...] = data
            else:
                write(target, data)
            if consolidated:
                zarr.consolidate_metadata(d)
            opened = zarr.open_consolidated(d, mode="r", zarr_format=3) if consolidated else zarr.open(d, mode="r", zarr_format=3)
            array = opened[node] if node else opened
            got = array[...]
        given = data if write is None else None  # partial writes leave fill values the data does not show
        self.cases.append(entry(f"v3/{self.label}/{name}", "v3", requirements, d, readable(array, got, given, lossy),
                                WRITERS[self.writer], node=node, consolidated=consolidated))

    def refused(self, name, requirements, reason, mutate, **kwargs):
        """Written by zarr-python, then broken by `mutate`; the writer's own verdict is recorded."""
        d = self.store_dir(name)
        kwargs.setdefault("chunks", (7, 6))
        a = zarr.create_array(d, shape=(20, 15), dtype=kwargs.pop("dtype", "int32"), zarr_format=3, **kwargs)
        a[...] = values(a.dtype, (20, 15))
        mutate(d)
        self.cases.append(entry(f"v3/{self.label}/{name}", "v3", requirements, d,
                                {"outcome": "refuse", "reason": reason, "writer_verdict": verdict(lambda: zarr.open_array(d, mode="r")[...])},
                                WRITERS[self.writer]))




def generate_common(g):
    """Cases both pipelines write."""
    for dt in ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64",
               "complex64", "complex128"]:
        g.case(f"dtype-{dt}", ["V3-50", "BY-01", "BY-02", "BY-03"], dtype=dt)
    for dt in ["int16", "int32", "int64", "uint16", "uint64", "float32", "float64", "complex128"]:
        g.case(f"bytes-big-{dt}", ["BY-01", "E-30"], dtype=dt, serializer=zc.BytesCodec(endian="big"), compressors=None)
    g.case("dtype-datetime64-ns", ["EX-D16", "EX-D17"], dtype="M8[ns]")
    g.case("dtype-datetime64-10s", ["EX-D16"], dtype="M8[10s]")
    g.case("dtype-timedelta64-us", ["EX-D16"], dtype="m8[us]")
    g.case("dtype-string", ["EX-D07", "EX-C16"], dtype=str, data=object_values("utf8", (20, 15)).astype(str))
    g.case("dtype-fixed-length-utf32", ["EX-D09", "EX-D10"], dtype="<U5")
    g.case("dtype-null-terminated-bytes", ["EX-U02"], dtype="S5")
    g.case("dtype-raw-bytes", ["EX-U02"], dtype="V4")
    g.case("dtype-structured", ["EX-D15", "AM-12"], dtype=np.dtype([("a", "<i4"), ("b", "<f8")]))
    for level in [0, 1, 9]:
        g.case(f"gzip-level{level}", ["GZ-01", "GZ-02"], dtype="float32", compressors=zc.GzipCodec(level=level))
    for level, checksum in [(0, False), (3, True), (-3, False)]:
        g.case(f"zstd-level{level}{'-checksum' if checksum else ''}", ["EX-C01", "NC-02"], dtype="int64",
               compressors=zc.ZstdCodec(level=level, checksum=checksum))
    for cname in ["lz4", "lz4hc", "blosclz", "zstd", "zlib"]:
        for shuffle in ["noshuffle", "shuffle", "bitshuffle"]:
            g.case(f"blosc-{cname}-{shuffle}", ["BC-01", "BC-02", "BC-03", "E-49"], dtype="uint16",
                   compressors=zc.BloscCodec(cname=cname, clevel=5, shuffle=shuffle, typesize=2))
    g.case("blosc-typesize-differs", ["E-50"], dtype="int32", compressors=zc.BloscCodec(cname="lz4", shuffle="shuffle", typesize=8))
    g.case("crc32c", ["CC-01", "CC-02"], dtype="uint32", compressors=[zc.Crc32cCodec()])
    g.case("zstd-then-crc32c", ["CC-02", "V3-84"], dtype="float64", compressors=[zc.ZstdCodec(level=1), zc.Crc32cCodec()])
    g.case("transpose-2d", ["TR-01", "TR-02", "TR-04"], dtype="int32", filters=[zc.TransposeCodec(order=[1, 0])])
    g.case("transpose-3d-120", ["TR-02", "E-34"], dtype="uint8", shape=(6, 7, 8), chunks=(3, 4, 5), filters=[zc.TransposeCodec(order=[1, 2, 0])])
    # Sharding (SH-*, E-37…E-47).
    g.case("shard-basic", ["SH-01", "SH-05", "SH-09"], dtype="int32", shape=(40, 30), chunks=(5, 5), shards=(20, 15))
    g.case("shard-edges", ["SH-07", "E-42"], dtype="float32", shape=(45, 33), chunks=(4, 4), shards=(16, 16))
    g.case("shard-zstd-inner", ["SH-03", "E-47"], dtype="uint16", shape=(40, 30), chunks=(5, 5), shards=(20, 15), compressors=zc.ZstdCodec(level=3))
    g.case("shard-crc32c-inner", ["SH-03", "E-47"], dtype="int64", shape=(40, 30), chunks=(5, 5), shards=(20, 15), compressors=zc.Crc32cCodec())

    def sparse(a, d):
        a[0:5, 0:5] = d[0:5, 0:5]
        a[33:40, 20:30] = d[33:40, 20:30]
    g.case("shard-sparse", ["SH-06", "SH-13", "E-37", "E-38"], dtype="float64", shape=(40, 30), chunks=(5, 5), shards=(20, 15),
           fill_value=-1.5, write=sparse)
    g.case("shard-1d-many", ["SH-05"], dtype="uint8", shape=(1000,), chunks=(10,), shards=(200,))
    g.case("shard-string", ["SH-12", "EX-C16"], dtype=str, shape=(20, 15), chunks=(5, 5), shards=(10, 15),
           data=object_values("utf8", (20, 15), 7).astype(str))
    # Layout, keys and fill values (V3-60…V3-75, E-01…E-22).
    g.case("key-dot-separator", ["V3-70", "E-12"], chunk_key_encoding={"name": "default", "separator": "."})
    g.case("key-v2-encoding", ["V3-72", "E-12"], chunk_key_encoding={"name": "v2", "separator": "."})
    g.case("key-v2-slash", ["V3-72", "E-12"], chunk_key_encoding={"name": "v2", "separator": "/"})
    g.case("zero-d", ["V3-11", "V3-71", "E-02"], shape=(), chunks=(), dtype="float64")
    g.case("zero-d-v2-key", ["V3-73", "E-03"], shape=(), chunks=(), dtype="int16", chunk_key_encoding={"name": "v2", "separator": "."})
    g.case("zero-length-axis", ["E-04"], shape=(0, 5), chunks=(3, 5), dtype="int32")
    g.case("edge-chunks", ["V3-62", "E-06"], shape=(30, 30), chunks=(16, 16), dtype="float32")
    g.case("chunk-larger-than-array", ["E-08"], shape=(10,), chunks=(100,), dtype="int64")
    g.case("rank-5", ["V3-61"], shape=(2, 3, 4, 3, 2), chunks=(1, 2, 3, 2, 2), dtype="int16")

    def partial(a, d):
        a[0:7, 0:6] = d[0:7, 0:6]
    for dt, fill, label in [("float32", np.nan, "nan"), ("float64", np.inf, "inf"), ("float16", -np.inf, "neg-inf"),
                            ("float64", -0.0, "neg-zero"), ("float16", 0.1, "f16-point-one"),
                            ("uint64", 18446744073709551615, "uint64-max"), ("int64", -9223372036854775808, "int64-min"),
                            ("complex64", complex(np.nan, 2), "complex"), ("bool", True, "bool"), ("int8", -7, "int8")]:
        g.case(f"fill-{label}", ["V3-52", "V3-53", "V3-54", "V3-55", "V3-57", "E-15", "E-17", "E-20", "E-21", "E-23"],
               dtype=dt, fill_value=fill, write=partial)
    g.case("dimension-names", ["V3-20", "E-72"], dimension_names=["y", None])
    g.case("attributes", ["V3-18"], attributes={"units": "m", "scale": [1, 2], "nested": {"a": None}})
    g.case("hierarchy-node", ["V3-06", "E-84"], node="a/b/c", dtype="uint16")
    g.case("consolidated", ["CM-04", "CM-05", "CM-06", "E-88"], node="g1/g2/arr", consolidated=True, dtype="float64")
    g.case("unicode-node", ["E-81"], node="données/日本", dtype="int8")


def generate_zarr_python_only(g):
    """Cases only zarr-python's own pipeline writes (numcodecs.* and features the zarrs pipeline lacks)."""
    g.case("dtype-variable-length-bytes", ["EX-D08", "EX-C16"], dtype=zarr.core.dtype.VariableLengthBytes(),
           data=object_values("bytes", (20, 15)))
    g.case("shard-index-start", ["SH-08", "SH-10", "E-39"], dtype="int32", shape=(40, 30), chunks=(20, 15),
           serializer=zc.ShardingCodec(chunk_shape=(5, 5), index_location="start"))
    g.case("shard-index-no-crc", ["SH-04", "E-43"], dtype="int32", shape=(40, 30), chunks=(20, 15),
           serializer=zc.ShardingCodec(chunk_shape=(5, 5), index_codecs=[zc.BytesCodec(endian="little")]))
    g.case("shard-index-big-endian", ["SH-04", "E-43"], dtype="int32", shape=(40, 30), chunks=(20, 15),
           serializer=zc.ShardingCodec(chunk_shape=(5, 5), index_codecs=[zc.BytesCodec(endian="big"), zc.Crc32cCodec()]))
    g.case("shard-nested", ["SH-03", "E-41"], dtype="uint16", shape=(40, 40), chunks=(20, 20),
           serializer=zc.ShardingCodec(chunk_shape=(10, 10), codecs=[zc.ShardingCodec(chunk_shape=(5, 5))]))
    g.case("shard-after-transpose", ["E-45", "TR-02"], dtype="int16", shape=(40, 30), chunks=(20, 30),
           filters=[zc.TransposeCodec(order=[1, 0])], serializer=zc.ShardingCodec(chunk_shape=(10, 5)))
    g.case("shard-gzip-outer", ["SH-03", "V3-81"], dtype="float32", shape=(40, 30), chunks=(20, 15),
           serializer=zc.ShardingCodec(chunk_shape=(5, 5)), compressors=zc.GzipCodec(level=1))
    g.case("vlen-bytes-sharded", ["SH-12", "EX-C16"], dtype=zarr.core.dtype.VariableLengthBytes(), shape=(20, 15), chunks=(10, 15),
           serializer=zc.ShardingCodec(chunk_shape=(5, 5), codecs=[zc.VLenBytesCodec()]), data=object_values("bytes", (20, 15), 9))
    for label, filt, dt in [("delta", znc.Delta(dtype="<i4"), "int32"), ("fixedscaleoffset", znc.FixedScaleOffset(offset=10, scale=100, dtype="<f8", astype="<i4"), "float64"),
                            ("quantize", znc.Quantize(digits=3, dtype="<f8"), "float64"), ("bitround", znc.BitRound(keepbits=6), "float32"),
                            ("astype", znc.AsType(encode_dtype="<f4", decode_dtype="<f8"), "float64")]:
        data = np.linspace(-5, 5, 300).reshape(20, 15).astype(dt) if dt.startswith("float") else None
        g.case(f"numcodecs-{label}", ["EX-U01"], dtype=dt, filters=[filt], compressors=None, data=data, lossy=True)
    for label, comp in [("zlib", znc.Zlib(level=3)), ("bz2", znc.BZ2(level=5)), ("lzma", znc.LZMA()), ("lz4", znc.LZ4()),
                        ("crc32", znc.CRC32()), ("adler32", znc.Adler32()), ("fletcher32", znc.Fletcher32()),
                        ("jenkins-lookup3", znc.JenkinsLookup3()), ("shuffle", znc.Shuffle(elementsize=4))]:
        g.case(f"numcodecs-{label}", ["EX-U01"], dtype="int32", compressors=[comp])

    # Must be refused (V3-*, SH-*, E-40, E-44, E-46, E-48, E-68, E-70, E-73).
    g.refused("refuse-unknown-member", ["V3-44", "E-70"], "unknown top-level member", edit_json("zarr.json", lambda m: m.update(foo=1)))
    g.refused("refuse-storage-transformer", ["V3-90", "E-73"], "unknown storage transformer",
              edit_json("zarr.json", lambda m: m.update(storage_transformers=[{"name": "nope"}])))
    g.refused("refuse-unknown-codec", ["V3-44"], "unknown codec", edit_json("zarr.json", lambda m: m["codecs"].append({"name": "nope"})))
    g.refused("refuse-no-array-to-bytes", ["V3-81", "E-68"], "no array→bytes codec", edit_json("zarr.json", lambda m: m.update(codecs=[{"name": "gzip", "configuration": {"level": 1}}])))
    g.refused("refuse-two-array-to-bytes", ["V3-81", "E-68"], "two array→bytes codecs",
              edit_json("zarr.json", lambda m: m.update(codecs=[{"name": "bytes", "configuration": {"endian": "little"}}] * 2)))
    g.refused("refuse-int-fill-float", ["V3-53", "E-22"], "integer fill written 1.0", edit_json("zarr.json", lambda m: m.update(fill_value=1.0)))
    g.refused("refuse-fill-out-of-range", ["V3-53", "E-22"], "fill out of range", edit_json("zarr.json", lambda m: m.update(fill_value=2**40)))
    g.refused("refuse-endian-missing", ["BY-01", "E-31"], "bytes without endian on int32",
              edit_json("zarr.json", lambda m: m["codecs"][0].pop("configuration")))
    g.refused("refuse-transpose-invalid", ["TR-01", "E-35"], "transpose order not a permutation",
              edit_json("zarr.json", lambda m: m["codecs"].insert(0, {"name": "transpose", "configuration": {"order": [0, 0]}})))
    g.refused("refuse-transpose-F", ["TR-03"], "legacy transpose order \"F\"",
              edit_json("zarr.json", lambda m: m["codecs"].insert(0, {"name": "transpose", "configuration": {"order": "F"}})))
    g.refused("refuse-dimension-names-length", ["V3-20", "E-72"], "dimension_names length", edit_json("zarr.json", lambda m: m.update(dimension_names=["x"])))
    g.refused("refuse-node-type", ["V3-10", "E-74"], "node_type group on an array", edit_json("zarr.json", lambda m: m.update(node_type="grup")))
    g.refused("refuse-zarr-format-2", ["V3-10"], "zarr_format 2 in zarr.json", edit_json("zarr.json", lambda m: m.update(zarr_format=2)))
    g.refused("refuse-grid-must-understand", ["V3-45", "E-69"], "must_understand false on the chunk grid",
              edit_json("zarr.json", lambda m: m["chunk_grid"].update(must_understand=False)))
    g.refused("refuse-chunk-zero", ["V3-60"], "chunk size 0", edit_json("zarr.json", lambda m: m["chunk_grid"]["configuration"].update(chunk_shape=[0, 6])))
    g.refused("refuse-truncated-zstd", ["EX-C01"], "truncated zstd chunk", edit_bytes("c/0/0", lambda b: b[:-4]))
    sharded = dict(shards=(20, 15), chunks=(5, 5))
    g.refused("refuse-shard-crc", ["SH-08", "E-40"], "shard index CRC-32C mismatch",
              edit_bytes("c/0/0", lambda b: b[:-1] + bytes([b[-1] ^ 0xFF])), **sharded)
    g.refused("refuse-shard-truncated", ["SH-09"], "shard shorter than its index", edit_bytes("c/0/0", lambda b: b[:100]), **sharded)
    g.refused("refuse-shard-empty-object", ["SH-09"], "zero-byte shard", edit_bytes("c/0/0", lambda b: b""), **sharded)
    g.refused("refuse-shard-compressed-index", ["SH-04", "E-44"], "compressor in index_codecs",
              edit_json("zarr.json", lambda m: m["codecs"][0]["configuration"]["index_codecs"].append({"name": "gzip", "configuration": {"level": 1}})), **sharded)
    g.refused("refuse-shard-not-dividing", ["SH-02", "E-46"], "inner chunk shape does not divide the shard",
              edit_json("zarr.json", lambda m: m["codecs"][0]["configuration"].update(chunk_shape=[3, 5])), **sharded)


def generate():
    for writer in WRITERS:
        g = Generator(writer)
        shutil.rmtree(g.fixtures, ignore_errors=True)
        os.makedirs(g.fixtures)
        generate_common(g)
        if writer == "zarr-python":
            generate_zarr_python_only(g)
        write_catalog(os.path.join(ROOT, "catalog", f"v3-{g.label}.json"), WRITERS[writer], g.cases)


if __name__ == "__main__":
    generate()
