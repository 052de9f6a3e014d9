#!/usr/bin/env python3
"""Derives broken stores from committed fixtures, one targeted defect each, all of which a reader
must refuse: required metadata members removed, members of the wrong type or value, compressed
or checksummed chunks truncated, zeroed or with a flipped bit, N5 block headers that lie.

Deterministic and offline (standard library only); the catalog records the fixture each store
came from. The peers give their own verdicts on these live, in `make conformance`.

    python3 Vectors/generators/corruptions.py
"""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import ROOT, entry, write_catalog  # noqa: E402

SCRIPT = "Vectors/generators/corruptions.py"
OUT = os.path.join(ROOT, "fixtures", "corrupt")


def load(catalog):
    return {c["id"].split("/")[-1]: c for c in json.load(open(os.path.join(ROOT, "catalog", catalog)))["cases"]}


class Corruptor:
    def __init__(self):
        self.cases = []

    def make(self, source, name, requirements, reason, mutate):
        src = os.path.join(ROOT, source["store"])
        fmt = source["format"]
        name = name.split("-", 1)[1]  # "v2-missing-shape" -> "missing-shape": the id already names the format
        d = os.path.join(OUT, fmt, name + os.path.splitext(src)[1])
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(src, d, symlinks=False)
        mutate(d, source.get("node") or "")
        writer = dict(source["writer"], mutated_by=SCRIPT, source=source["id"])
        self.cases.append(entry(f"{fmt}/corrupt/{name}", fmt, requirements, d, {"outcome": "refuse", "reason": reason}, writer,
                                node=source.get("node") or "", consolidated=source.get("consolidated", False)))


def json_edit(filename, change):
    def mutate(d, node):
        p = os.path.join(d, node, filename)
        meta = json.load(open(p))
        change(meta)
        json.dump(meta, open(p, "w"))
    return mutate


def first_chunk(d, node, exclude=(".zarray", ".zattrs", ".zgroup", "zarr.json", "attributes.json")):
    base = os.path.join(d, node)
    found = []
    for root, _, files in os.walk(base):
        for f in files:
            if f not in exclude:
                found.append(os.path.join(root, f))
    return sorted(found, key=lambda p: (p.count(os.sep), p))[0]


def chunk_edit(change):
    def mutate(d, node):
        p = first_chunk(d, node)
        raw = open(p, "rb").read()
        open(p, "wb").write(change(raw))
    return mutate


def flip(raw, at):
    at = at % len(raw)
    return raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1:]


def generate():
    shutil.rmtree(OUT, ignore_errors=True)
    c = Corruptor()
    v2, v3, n5 = load("v2-zarr-python-2.18.7.json"), load("v3-zarr-python-3.1.6.json"), load("n5-tensorstore-0.1.86.json")

    # v2 metadata (V2-10…V2-18, V2-30, V2-34, V2-40).
    base = v2["dtype-li4"]
    for key in ["zarr_format", "shape", "chunks", "dtype", "compressor", "fill_value", "order", "filters"]:
        c.make(base, f"v2-missing-{key}", ["V2-10"], f"required member {key} is missing", json_edit(".zarray", lambda m, k=key: m.pop(k)))
    for label, change, req in [
        ("zarr-format-1", lambda m: m.update(zarr_format=1), "V2-11"), ("zarr-format-string", lambda m: m.update(zarr_format="2"), "V2-11"),
        ("shape-not-list", lambda m: m.update(shape=20), "V2-12"), ("shape-negative", lambda m: m.update(shape=[-20, 15]), "V2-12"),
        ("chunks-zero", lambda m: m.update(chunks=[0, 6]), "V2-13"), ("chunks-rank", lambda m: m.update(chunks=[7, 6, 1]), "V2-13"),
        ("dtype-no-order", lambda m: m.update(dtype="i4"), "V2-30"), ("dtype-unknown", lambda m: m.update(dtype="<q8"), "V2-31"),
        ("dtype-datetime-no-unit", lambda m: m.update(dtype="<m8"), "V2-34"), ("compressor-no-id", lambda m: m.update(compressor={"level": 1}), "V2-15"),
        ("compressor-string", lambda m: m.update(compressor="zlib"), "V2-15"), ("filters-not-list", lambda m: m.update(filters={"id": "delta"}), "V2-16"),
        ("filter-no-id", lambda m: m.update(filters=[{"dtype": "<i4"}]), "V2-16"), ("order-lowercase", lambda m: m.update(order="c"), "V2-17"),
        ("separator-invalid", lambda m: m.update(dimension_separator="-"), "V2-18"), ("fill-string-for-int", lambda m: m.update(fill_value="abc"), "V2-43"),
        ("fill-nan-for-int", lambda m: m.update(fill_value="NaN"), "V2-43"), ("fill-out-of-range", lambda m: m.update(fill_value=2**40), "V2-43"),
        ("unknown-codec", lambda m: m.update(compressor={"id": "nope"}), "NC-26"), ("pickle-filter", lambda m: m.update(filters=[{"id": "pickle"}]), "NC-25"),
        ("object-without-codec", lambda m: m.update(dtype="|O"), "V2-38"), ("shape-overflow", lambda m: m.update(shape=[2**62, 2**62], chunks=[1, 1]), "V2-12"),
    ]:
        c.make(base, f"v2-{label}", [req], label.replace("-", " "), json_edit(".zarray", change))
    c.make(base, "v2-zarray-not-json", ["V2-10"], ".zarray is not JSON", lambda d, n: open(os.path.join(d, ".zarray"), "w").write("{\"zarr_format\": 2,"))
    c.make(base, "v2-zarray-array", ["V2-10"], ".zarray is a list", lambda d, n: open(os.path.join(d, ".zarray"), "w").write("[2]"))

    # v2 chunks: every compressed or checksummed case, truncated and zeroed (NC-01…NC-24).
    for name, case in sorted(v2.items()):
        if case["expected"]["outcome"] != "read" or "missing" in name or name.startswith(("fill-", "zero-", "untouched", "structured", "dtype-", "order-", "nested", "flat", "edge", "chunk", "rank", "consolidated", "hierarchy", "unicode", "object", "no-compressor", "categorize", "fixedscale", "quantize", "bitround", "astype", "delta-i4-as", "delta-f8", "delta-big", "delta-u2", "delta-i4", "shuffle")):
            continue
        c.make(case, f"v2-truncated-{name}", ["V2-55"], "a compressed or checksummed chunk cut short", chunk_edit(lambda b: b[: max(1, len(b) * 2 // 3)]))
        if name.startswith(("checksum", "fletcher")) or "crc32" in name:
            c.make(case, f"v2-bitflip-{name}", ["NC-20", "NC-21", "NC-22", "NC-23", "NC-24"], "a flipped bit under a checksum", chunk_edit(lambda b: flip(b, len(b) // 2)))
        elif name.startswith(("blosc", "zstd", "lz4", "bz2", "lzma", "zlib", "gzip")):
            c.make(case, f"v2-zeroed-{name}", ["V2-55"], "a compressed chunk replaced by zeros", chunk_edit(lambda b: bytes(len(b))))

    # v3 metadata (V3-10…V3-20, V3-44…V3-60, BY-01, SH-01…SH-04).
    base = v3["dtype-int32"]
    for key in ["zarr_format", "node_type", "shape", "data_type", "chunk_grid", "chunk_key_encoding", "fill_value", "codecs"]:
        c.make(base, f"v3-missing-{key}", ["V3-10"], f"required member {key} is missing", json_edit("zarr.json", lambda m, k=key: m.pop(k)))
    for label, change, req in [
        ("data-type-unknown", lambda m: m.update(data_type="int3"), "V3-12"), ("data-type-object-no-name", lambda m: m.update(data_type={"configuration": {}}), "V3-41"),
        ("grid-unknown", lambda m: m.update(chunk_grid={"name": "hexagonal", "configuration": {}}), "V3-13"),
        ("grid-rank", lambda m: m["chunk_grid"]["configuration"].update(chunk_shape=[7]), "V3-60"),
        ("grid-negative", lambda m: m["chunk_grid"]["configuration"].update(chunk_shape=[-7, 6]), "V3-60"),
        ("key-encoding-unknown", lambda m: m.update(chunk_key_encoding={"name": "flat"}), "V3-14"),
        ("key-separator", lambda m: m.update(chunk_key_encoding={"name": "default", "configuration": {"separator": "-"}}), "V3-70"),
        ("key-must-understand", lambda m: m["chunk_key_encoding"].update(must_understand=False), "V3-45"),
        ("codecs-empty", lambda m: m.update(codecs=[]), "V3-16"), ("codecs-not-list", lambda m: m.update(codecs={"name": "bytes"}), "V3-16"),
        ("codec-config-list", lambda m: m["codecs"][0].update(configuration=["little"]), "V3-41"),
        ("endian-invalid", lambda m: m["codecs"][0].update(configuration={"endian": "middle"}), "BY-01"),
        ("zstd-no-level", lambda m: m["codecs"][1].update(configuration={}), "EX-C01"),
        ("gzip-level-10", lambda m: m["codecs"].__setitem__(1, {"name": "gzip", "configuration": {"level": 10}}), "GZ-01"),
        ("blosc-no-typesize", lambda m: m["codecs"].__setitem__(1, {"name": "blosc", "configuration": {"cname": "lz4", "clevel": 5, "shuffle": "shuffle"}}), "BC-02"),
        ("blosc-cname", lambda m: m["codecs"].__setitem__(1, {"name": "blosc", "configuration": {"cname": "brotli", "clevel": 5, "shuffle": "noshuffle"}}), "BC-01"),
        ("crc32c-config", lambda m: m["codecs"].append({"name": "crc32c", "configuration": {"seed": 1}}), "CC-01"),
        ("fill-float-for-int", lambda m: m.update(fill_value=0.5), "V3-53"), ("fill-exponent", lambda m: m.update(fill_value=1e2), "V3-53"),
        ("fill-string-for-int", lambda m: m.update(fill_value="0"), "V3-53"),
        ("dimension-names-type", lambda m: m.update(dimension_names=[1, 2]), "V3-20"), ("attributes-list", lambda m: m.update(attributes=[1]), "V3-18"),
        ("storage-transformer", lambda m: m.update(storage_transformers=[{"name": "sharding"}]), "V3-90"),
        ("unknown-member", lambda m: m.update(extra={"value": 1}), "V3-44"), ("shape-negative", lambda m: m.update(shape=[-1, 15]), "V3-11"),
    ]:
        c.make(base, f"v3-{label}", [req], label.replace("-", " "), json_edit("zarr.json", change))
    c.make(v3["dtype-float32"], "v3-fill-hex-length", ["V3-56"], "hex fill of the wrong length", json_edit("zarr.json", lambda m: m.update(fill_value="0x7fc0")))
    c.make(v3["dtype-string"], "v3-vlen-on-int", ["EX-C16"], "vlen-utf8 on an integer array", json_edit("zarr.json", lambda m: m.update(data_type="int32", fill_value=0)))
    for key in ["chunk_shape", "codecs", "index_codecs"]:
        c.make(v3["shard-basic"], f"v3-shard-missing-{key}", ["SH-01"], f"sharding without {key}", json_edit("zarr.json", lambda m, k=key: m["codecs"][0]["configuration"].pop(k)))
    c.make(v3["shard-basic"], "v3-shard-index-location", ["SH-01"], "index_location middle",
           json_edit("zarr.json", lambda m: m["codecs"][0]["configuration"].update(index_location="middle")))

    # v3 chunks and shards.
    for name in ["gzip-level1", "zstd-level3-checksum", "blosc-lz4-shuffle", "blosc-zstd-bitshuffle", "crc32c", "zstd-then-crc32c",
                 "numcodecs-zlib", "numcodecs-bz2", "numcodecs-lzma", "numcodecs-lz4", "numcodecs-crc32", "numcodecs-adler32", "numcodecs-fletcher32"]:
        c.make(v3[name], f"v3-truncated-{name}", ["V3-84"], "a compressed or checksummed chunk cut short", chunk_edit(lambda b: b[: max(1, len(b) * 2 // 3)]))
    for name in ["crc32c", "zstd-then-crc32c", "numcodecs-crc32", "numcodecs-adler32", "numcodecs-fletcher32", "numcodecs-jenkins-lookup3"]:
        c.make(v3[name], f"v3-bitflip-{name}", ["CC-02"], "a flipped bit under a checksum", chunk_edit(lambda b: flip(b, 3)))
    for name in ["shard-basic", "shard-edges", "shard-zstd-inner", "shard-crc32c-inner", "shard-index-start", "shard-nested"]:
        c.make(v3[name], f"v3-shard-index-flip-{name}", ["SH-08", "E-40"], "a flipped bit in the shard index",
               chunk_edit(lambda b, start=(name == "shard-index-start"): flip(b, 5 if start else len(b) - 7)))
        c.make(v3[name], f"v3-shard-truncated-{name}", ["SH-09"], "a shard cut short", chunk_edit(lambda b: b[: len(b) // 3]))
    c.make(v3["shard-index-no-crc"], "v3-shard-entry-past-end", ["E-48"], "an index entry past the end of the shard",
           chunk_edit(lambda b: b[:-16] + (len(b) * 4).to_bytes(8, "little") + b[-8:]))
    c.make(v3["shard-index-no-crc"], "v3-shard-entry-overflow", ["E-48"], "an index entry whose offset + length overflows",
           chunk_edit(lambda b: b[:-16] + (2**64 - 8).to_bytes(8, "little") + (64).to_bytes(8, "little")))
    c.make(v3["shard-index-no-crc"], "v3-shard-entry-half-sentinel", ["SH-06"], "an index entry with one empty sentinel",
           chunk_edit(lambda b: b[:-16] + (2**64 - 1).to_bytes(8, "little") + b[-8:]))

    # zfp (EX-C17, EX-C18, NC-26): streams cut short, a header that is not zfp's or names another
    # type, configurations outside the registered schema.
    zfpy, zfp = load("v2-zarr-python-2.18.7-zfp.json"), load("v3-zfpy-1.0.1.json")
    for name in ["zfpy-fixed-rate-f8-2d", "zfpy-reversible-f4-3d", "zfpy-fixed-accuracy-f8-1d", "zfpy-fixed-precision-f4-4d"]:
        c.make(zfpy[name], f"v2-truncated-{name}", ["NC-26"], "a zfp stream cut short", chunk_edit(lambda b: b[: len(b) * 2 // 3]))
    c.make(zfpy["zfpy-reversible-f4-2d"], "v2-zfpy-header-magic", ["NC-26"], "a zfpy chunk without zfp's header", chunk_edit(lambda b: b"\0\0\0\0" + b[4:]))
    c.make(zfpy["zfpy-reversible-f4-2d"], "v2-zfpy-header-type", ["NC-26"], "a zfpy header for another type than the array's",
           json_edit(".zarray", lambda m: m.update(dtype="<i4", fill_value=0)))
    for name in ["zfp-fixed-rate-f4-3d", "zfp-reversible-f8-2d", "zfp-fixed-accuracy-f4-4d", "zfp-fixed-precision-f8-1d"]:
        c.make(zfp[name], f"v3-truncated-{name}", ["EX-C18"], "a zfp stream cut short", chunk_edit(lambda b: b[: len(b) * 2 // 3]))
    for label, change in [("mode-unknown", lambda m: m["codecs"][0]["configuration"].update(mode="lossless")),
                          ("rate-missing", lambda m: m["codecs"][0]["configuration"].pop("rate")),
                          ("member-of-other-mode", lambda m: m["codecs"][0]["configuration"].update(precision=19)),
                          ("expert-minbits-above-maxbits", lambda m: m["codecs"][0].update(configuration={"mode": "expert", "minbits": 20, "maxbits": 10, "maxprec": 19, "minexp": -2}))]:
        c.make(zfp["zfp-fixed-rate-f4-2d"], f"v3-zfp-{label}", ["EX-C17"], f"zfp configuration: {label.replace('-', ' ')}", json_edit("zarr.json", change))
    c.make(zfp["zfp-reversible-i4-2d"], "v3-zfp-accuracy-on-int32", ["EX-C17"], "fixed_accuracy on integers, which zfp has no mode for",
           json_edit("zarr.json", lambda m: m["codecs"][0].update(configuration={"mode": "fixed_accuracy", "tolerance": 0.5})))

    # N5 (N5-03…N5-18, E-91…E-95).
    base = n5["dtype-int16"]
    for label, change, req in [
        ("datatype-unknown", lambda m: m.update(dataType="complex64"), "N5-05"), ("compression-unknown", lambda m: m.update(compression={"type": "snappy"}), "N5-06"),
        ("compression-no-type", lambda m: m.update(compression={"level": 1}), "N5-06"), ("blocksize-zero", lambda m: m.update(blockSize=[0, 6]), "N5-04"),
        ("dimensions-negative", lambda m: m.update(dimensions=[-20, 15]), "N5-04"), ("version-10", lambda m: m.update(n5="10.1.0"), "N5-03"),
        ("datatype-number", lambda m: m.update(dataType=5), "N5-05"),
    ]:
        c.make(base, f"n5-{label}", [req], label.replace("-", " "), json_edit("attributes.json", change))
    for name in ["compression-gzip", "compression-gzip-zlib", "compression-bzip2", "compression-xz", "compression-blosc", "compression-zstd"]:
        c.make(n5[name], f"n5-truncated-{name}", ["N5-06"], "a compressed block cut short", chunk_edit(lambda b: b[: max(5, len(b) * 2 // 3)]))
    for label, change in [("mode-3", lambda b: b"\x00\x03" + b[2:]), ("rank-zero", lambda b: b[:2] + b"\x00\x00" + b[4:]),
                          ("dims-larger", lambda b: b[:4] + (100).to_bytes(4, "big") + b[8:]), ("header-only", lambda b: b[:12]),
                          ("varlength-count-lie", lambda b: b"\x00\x01" + b[2:12] + (10**6).to_bytes(4, "big") + b[12:])]:
        c.make(base, f"n5-block-{label}", ["N5-16", "E-92"], f"block header: {label.replace('-', ' ')}", chunk_edit(change))

    by_format = {}
    for case in c.cases:
        by_format.setdefault(case["format"], []).append(case)
    for fmt, cases in by_format.items():
        write_catalog(os.path.join(ROOT, "catalog", f"{fmt}-corrupt.json"), {"name": "corruptions", "version": "1", "script": SCRIPT}, cases)


if __name__ == "__main__":
    generate()
