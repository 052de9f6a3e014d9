#!/usr/bin/env python3
"""Writes the Zarr v2 fixtures of zarr-python 2.18.7 / numcodecs 0.15.2 and their catalog.

Every case is a small directory store under Vectors/fixtures/v2/zarr-python-2.18.7/. The
expected canonical digest of each case is computed from zarr-python's own read-back of what it
wrote (Vectors/peers/canonical.py), never from this project's Swift code.

    .venv-peers-v2/bin/python Vectors/generators/zarr_python_2.py
"""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numcodecs  # noqa: E402
import numpy as np  # noqa: E402
import zarr  # noqa: E402
from numcodecs import (LZ4, LZMA, Adler32, AsType, BitRound, Blosc, BZ2, Categorize, CRC32, CRC32C,  # noqa: E402
                       Delta, FixedScaleOffset, Fletcher32, GZip, JenkinsLookup3, PackBits, Quantize,
                       Shuffle, VLenArray, VLenBytes, VLenUTF8, Zlib, Zstd)

from common import ROOT, digest, edit_bytes, edit_json, entry, object_values, values, verdict  # noqa: E402

ZARR_VERSION, NUMCODECS_VERSION = "2.18.7", "0.15.2"
assert zarr.__version__ == ZARR_VERSION, zarr.__version__
assert numcodecs.__version__ == NUMCODECS_VERSION, numcodecs.__version__

WRITER = f"zarr-python-{ZARR_VERSION}"
FIXTURES = os.path.join(ROOT, "fixtures", "v2", WRITER)
CATALOG = os.path.join(ROOT, "catalog", f"v2-{WRITER}.json")
SCRIPT = "Vectors/generators/zarr_python_2.py"
WRITER_META = {"name": "zarr-python", "version": ZARR_VERSION, "numcodecs": NUMCODECS_VERSION, "script": SCRIPT}

cases = []


def case(name, requirements, shape=(20, 15), chunks=(7, 6), dtype="<i4", data=None, write=None, node="",
         consolidated=False, separator=None, **kwargs):
    """Writes one array with zarr-python, reads it back and records the catalog entry."""
    store_dir = os.path.join(FIXTURES, name + ".zarr")
    shutil.rmtree(store_dir, ignore_errors=True)
    store = zarr.DirectoryStore(store_dir)
    if separator == "/":
        kwargs["dimension_separator"] = "/"  # DirectoryStore nests keys by the separator
    if node:
        zarr.group(store=store)
    z = zarr.create(shape=shape, chunks=chunks, dtype=dtype, store=store, path=node or None, **kwargs)
    if data is None:
        data = values(dtype, shape)
    if write is None:
        z[...] = data
    else:
        write(z, data)
    if consolidated:
        zarr.consolidate_metadata(store)
    readback = (zarr.open_consolidated(store, mode="r") if consolidated else zarr.open(store, mode="r"))
    if node:
        readback = readback[node]
    got = readback[...]
    expected = {"outcome": "read", "sha256": digest(got), "shape": list(readback.shape),
                "data_type": readback.dtype.descr if readback.dtype.fields else readback.dtype.str}
    cases.append(entry(f"v2/{WRITER}/{name}", "v2", requirements, store_dir, expected, WRITER_META, node=node, consolidated=consolidated))


def refused(name, requirements, reason, mutate, dtype="<i4", **kwargs):
    """A case that a reader must refuse: written by zarr-python, then broken by `mutate`."""
    store_dir = os.path.join(FIXTURES, name + ".zarr")
    shutil.rmtree(store_dir, ignore_errors=True)
    z = zarr.create(shape=(20, 15), chunks=(7, 6), dtype=dtype, store=zarr.DirectoryStore(store_dir), **kwargs)
    z[...] = object_values("utf8", (20, 15)) if dtype is object else values(dtype, (20, 15))
    mutate(store_dir)
    peer = verdict(lambda: zarr.open(zarr.DirectoryStore(store_dir), mode="r")[...])
    cases.append(entry(f"v2/{WRITER}/{name}", "v2", requirements, store_dir, {"outcome": "refuse", "reason": reason, "writer_verdict": peer}, WRITER_META))




def generate():
    shutil.rmtree(FIXTURES, ignore_errors=True)
    os.makedirs(FIXTURES)
    blosc = Blosc(cname="lz4", clevel=5, shuffle=Blosc.SHUFFLE)

    # Data types, little-endian and big-endian, default compressor (V2-30…V2-37).
    simple = ["|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u2", "<u4", "<u8", "<f2", "<f4", "<f8", "<c8", "<c16",
              "<M8[ns]", "<M8[D]", "<M8[10s]", "<M8[Y]", "<m8[us]", "<m8[ps]", "<m8[h]", "|S5", "|S1", "<U3", "|V4"]
    for dt in simple:
        name = "dtype-" + dt.translate(str.maketrans("<>|[]", "lbn__"))
        case(name, ["V2-30", "V2-31", "V2-32", "V2-33", "V2-34"], dtype=dt, compressor=blosc)
    for dt in [">i2", ">i4", ">i8", ">u2", ">u4", ">u8", ">f2", ">f4", ">f8", ">c8", ">c16", ">M8[ns]", ">m8[s]", ">U3"]:
        name = "dtype-" + dt.translate(str.maketrans("<>|[]", "lbn__"))
        case(name, ["V2-30", "E-29"], dtype=dt, compressor=None)
    structured = {
        "rgb": [("r", "|u1"), ("g", "|u1"), ("b", "|u1")],
        "xyz-subarray": [("x", "<f4"), ("y", "<f4"), ("z", "<f4", (2, 2))],
        "nested": [("foo", "<f4"), ("bar", [("baz", "<f4"), ("qux", "<i4")])],
        "mixed-endian": [("a", ">i4"), ("b", "<f8"), ("c", ">u2"), ("d", "|S3")],
        "padding": [("a", "<i2"), ("", "|V2"), ("b", "<i4")],
    }
    for label, fields in structured.items():
        case(f"structured-{label}", ["V2-35", "V2-36", "V2-37", "E-76"], dtype=np.dtype(fields), compressor=blosc)
    case("object-vlen-utf8", ["V2-38", "NC-16", "E-57"], dtype=object, object_codec=VLenUTF8(),
         data=object_values("utf8", (20, 15)), fill_value="")
    case("object-vlen-bytes", ["V2-38", "NC-16", "E-58"], dtype=object, object_codec=VLenBytes(),
         data=object_values("bytes", (20, 15)))
    case("object-vlen-array", ["V2-38", "NC-17", "E-58"], dtype=object, object_codec=VLenArray("<i4"),
         data=object_values("array", (20, 15)))
    case("object-vlen-utf8-compressor-zstd", ["V2-38", "E-79"], dtype=object, object_codec=VLenUTF8(),
         data=object_values("utf8", (20, 15), 3), compressor=Zstd(level=3))

    # Compressors (NC-01…NC-07, BL-*).
    for cname in ["lz4", "lz4hc", "blosclz", "zstd", "zlib"]:
        for shuffle in [-1, 0, 1, 2]:
            case(f"blosc-{cname}-shuffle{shuffle}", ["NC-01", "BL-01", "BL-02", "E-49", "E-51"], dtype="<i4",
                 compressor=Blosc(cname=cname, clevel=5, shuffle=shuffle))
    case("blosc-lz4-u1-autoshuffle", ["NC-01", "E-49"], dtype="|u1", compressor=Blosc(shuffle=-1))
    case("blosc-lz4-f8-bitshuffle", ["NC-01", "E-49"], dtype="<f8", compressor=Blosc(shuffle=2))
    case("blosc-clevel0-memcpy", ["BL-03", "E-49"], dtype="<i8", compressor=Blosc(clevel=0))
    case("blosc-blocksize256", ["NC-01", "E-50"], dtype="<i2", shape=(100, 30), chunks=(50, 30),
         compressor=Blosc(cname="lz4", blocksize=256))
    case("blosc-zstd-c16", ["NC-01"], dtype="<c16", compressor=Blosc(cname="zstd", clevel=9, shuffle=1))
    for level in [1, 3, 22]:
        case(f"zstd-level{level}", ["NC-02"], dtype="<f8", compressor=Zstd(level=level))
    case("zstd-checksum", ["NC-02", "E-52"], dtype="<i8", compressor=Zstd(level=1, checksum=True))
    case("zstd-negative-level", ["NC-02"], dtype="<u2", compressor=Zstd(level=-5))
    for level in [0, 1, 6, 9]:
        case(f"zlib-level{level}", ["NC-03"], dtype="<i4", compressor=Zlib(level=level))
    for level in [0, 1, 5, 9]:
        case(f"gzip-level{level}", ["NC-04", "E-53"], dtype="<f4", compressor=GZip(level=level))
    for level in [1, 9]:
        case(f"bz2-level{level}", ["NC-05"], dtype="<i8", compressor=BZ2(level=level))
    case("lzma-xz-default", ["NC-06", "E-55"], dtype="<f8", compressor=LZMA())
    case("lzma-xz-check-crc32", ["NC-06", "E-55"], dtype="<i4", compressor=LZMA(check=1, preset=1))
    case("lzma-alone", ["NC-06", "E-55"], dtype="<i4", compressor=LZMA(format=2, check=-1, preset=3))
    case("lzma-raw-lzma2", ["NC-06", "E-55"], dtype="<i2", compressor=LZMA(format=3, filters=[{"id": 33, "preset": 1}]))
    case("lzma-raw-delta-lzma2", ["NC-06", "E-55"], dtype="<u1",
         compressor=LZMA(format=3, filters=[{"id": 3, "dist": 4}, {"id": 33, "preset": 1}]))
    for accel in [1, 10]:
        case(f"lz4-acceleration{accel}", ["NC-07", "E-54"], dtype="<i4", compressor=LZ4(acceleration=accel))
    case("no-compressor", ["V2-55"], dtype="<f8", compressor=None)

    # Filters (NC-08…NC-24).
    case("delta-i4", ["NC-08"], dtype="<i4", filters=[Delta("<i4")], compressor=blosc)
    case("delta-i4-as-i2", ["NC-08"], dtype="<i4", filters=[Delta("<i4", astype="<i2")], compressor=None,
         data=(np.arange(300).reshape(20, 15) * 3).astype("<i4"))
    case("delta-u2-wrap", ["NC-08", "E-59"], dtype="<u2", filters=[Delta("<u2")], compressor=None)
    case("delta-f8", ["NC-08"], dtype="<f8", filters=[Delta("<f8")], compressor=Zlib(1),
         data=np.linspace(0, 1, 300).reshape(20, 15))
    case("delta-big-endian", ["NC-08", "E-29"], dtype=">i8", filters=[Delta(">i8")], compressor=None)
    case("fixedscaleoffset-f8-u1", ["NC-09", "E-59"], dtype="<f8", filters=[FixedScaleOffset(offset=1000, scale=10, dtype="<f8", astype="|u1")],
         compressor=None, data=(1000 + np.linspace(0, 25, 300)).reshape(20, 15))
    case("fixedscaleoffset-f4-i2", ["NC-09"], dtype="<f4", filters=[FixedScaleOffset(offset=0, scale=100, dtype="<f4", astype="<i2")],
         compressor=blosc, data=np.linspace(-50, 50, 300, dtype="f4").reshape(20, 15))
    case("fixedscaleoffset-half-even", ["NC-09", "E-59"], dtype="<f8", filters=[FixedScaleOffset(offset=0, scale=1, dtype="<f8", astype="<i4")],
         compressor=None, data=(np.arange(300).reshape(20, 15) - 150) / 2.0)
    case("quantize-f8-2digits", ["NC-10"], dtype="<f8", filters=[Quantize(digits=2, dtype="<f8")], compressor=Zlib(1),
         data=np.linspace(0, 10, 300).reshape(20, 15))
    case("quantize-f8-as-f4", ["NC-10"], dtype="<f8", filters=[Quantize(digits=3, dtype="<f8", astype="<f4")], compressor=None,
         data=np.linspace(-3, 3, 300).reshape(20, 15))
    case("quantize-f4-1digit", ["NC-10"], dtype="<f4", filters=[Quantize(digits=1, dtype="<f4")], compressor=None,
         data=np.linspace(-3, 3, 300, dtype="f4").reshape(20, 15))
    for dt, keep in [("<f4", 10), ("<f4", 0), ("<f8", 20), ("<f2", 3), ("<f4", 23)]:
        case(f"bitround-{dt[1:]}-keep{keep}", ["NC-11", "E-60"], dtype=dt, filters=[BitRound(keepbits=keep)], compressor=None)
    case("packbits-bool", ["NC-12", "E-61"], dtype="|b1", filters=[PackBits()], compressor=None)
    case("packbits-bool-odd-chunks", ["NC-12", "E-61"], dtype="|b1", shape=(25,), chunks=(9,), filters=[PackBits()], compressor=Zlib(1))
    labels = ["apple", "banana", "cherry", "日本"]
    cat_data = np.array([labels[i % 4] if i % 7 else "unmatched" for i in range(300)]).reshape(20, 15)
    case("categorize-U", ["NC-13", "E-62"], dtype="<U9", filters=[Categorize(labels, dtype="<U9", astype="|u1")], compressor=None,
         data=cat_data)
    case("categorize-object", ["NC-13", "E-62"], dtype=object, object_codec=Categorize(labels, dtype=object, astype="|u1"),
         compressor=Zlib(1), data=cat_data.astype(object), fill_value="")
    case("astype-f8-f4", ["NC-14"], dtype="<f8", filters=[AsType(encode_dtype="<f4", decode_dtype="<f8")], compressor=None,
         data=np.linspace(-1, 1, 300).reshape(20, 15))
    case("astype-i8-i2", ["NC-14"], dtype="<i8", filters=[AsType(encode_dtype="<i2", decode_dtype="<i8")], compressor=None,
         data=(np.arange(300).reshape(20, 15) - 150).astype("<i8"))
    for es in [2, 4, 8]:
        case(f"shuffle-elementsize{es}", ["NC-15"], dtype="<f8", filters=[Shuffle(elementsize=es)], compressor=Zlib(1))
    for codec, label in [(CRC32(), "crc32"), (CRC32(location="end"), "crc32-end"), (Adler32(), "adler32"),
                         (Adler32(location="end"), "adler32-end"), (CRC32C(), "crc32c"), (CRC32C(location="start"), "crc32c-start"),
                         (Fletcher32(), "fletcher32"), (JenkinsLookup3(), "jenkins-lookup3"),
                         (JenkinsLookup3(initval=1234), "jenkins-lookup3-initval")]:
        case(f"checksum-{label}", ["NC-20", "NC-21", "NC-22", "NC-23", "NC-24", "E-56"], dtype="<i4", filters=[codec], compressor=Zlib(1))
    case("fletcher32-odd-length", ["NC-23", "E-56"], dtype="|u1", shape=(21,), chunks=(7,), filters=[Fletcher32()], compressor=None)
    case("chain-delta-shuffle-crc32-blosc", ["V2-54", "V2-58"], dtype="<i8",
         filters=[Delta("<i8"), Shuffle(elementsize=8), CRC32()], compressor=Blosc(cname="zstd", shuffle=0))
    case("chain-astype-delta-zstd", ["V2-54"], dtype="<i8", filters=[AsType(encode_dtype="<i4", decode_dtype="<i8"), Delta("<i4")],
         compressor=Zstd(3), data=(np.arange(300).reshape(20, 15)).astype("<i8"))

    # Layouts and keys (V2-17, V2-18, V2-50…V2-53, E-01…E-13, E-32).
    case("order-F-2d", ["V2-17", "E-32"], dtype="<i4", order="F", compressor=blosc)
    case("order-F-3d-edges", ["V2-17", "E-32", "E-06"], dtype="<f8", shape=(9, 10, 11), chunks=(4, 3, 5), order="F", compressor=Zlib(1))
    case("order-F-filters", ["V2-17", "E-32"], dtype="<i4", order="F", filters=[Delta("<i4")], compressor=Zlib(1))
    case("order-F-vlen-utf8", ["V2-57", "E-33"], dtype=object, order="F", object_codec=VLenUTF8(), data=object_values("utf8", (20, 15)))
    case("order-F-big-endian", ["V2-17", "E-29"], dtype=">u8", order="F", compressor=None)
    case("nested-2d", ["V2-18", "V2-50", "E-11"], separator="/", compressor=blosc)
    case("nested-3d", ["V2-18", "E-11"], separator="/", dtype="<u2", shape=(6, 7, 8), chunks=(2, 3, 4), compressor=None)
    case("nested-4d-chunk1", ["V2-18", "E-09"], separator="/", dtype="|i1", shape=(3, 2, 4, 2), chunks=(1, 1, 1, 1), compressor=None)
    case("flat-separator-explicit", ["V2-18"], dimension_separator=".", compressor=None)
    case("edge-chunks-30x30", ["V2-53", "E-06"], dtype="<f4", shape=(30, 30), chunks=(16, 16), compressor=blosc)
    case("chunk-larger-than-array", ["E-08"], dtype="<i8", shape=(10,), chunks=(100,), compressor=Zlib(1))
    case("chunks-of-one-4d", ["E-09"], dtype="<u1", shape=(2, 3, 2, 3), chunks=(1, 1, 1, 1), compressor=None)
    case("rank-1", ["V2-12"], dtype="<f8", shape=(100,), chunks=(13,), compressor=blosc)
    case("rank-6", ["V2-12", "E-13"], dtype="<i2", shape=(2, 3, 2, 3, 2, 3), chunks=(1, 2, 2, 2, 1, 3), compressor=Zlib(1))
    for dt in ["<i4", "<f8", "|b1", "<U4", "|S3"]:
        case("zero-d-" + dt.translate(str.maketrans("<>|[]", "lbn__")), ["V2-12", "V2-51", "E-01"], shape=(), chunks=(), dtype=dt,
             compressor=blosc)
    case("zero-d-vlen-utf8", ["V2-51", "E-01"], shape=(), chunks=(), dtype=object, object_codec=VLenUTF8(), data=np.array("🙂 scalar", dtype=object))
    case("zero-length-axis", ["V2-12", "E-04"], dtype="<i4", shape=(0, 5), chunks=(3, 5), compressor=blosc)
    case("zero-length-1d", ["V2-12", "E-04"], dtype="<f8", shape=(0,), chunks=(10,), compressor=None)

    # Missing chunks and fill values (V2-40…V2-46, V2-52, E-15…E-25).
    def partial(z, d):
        z[0:7, 0:6] = d[0:7, 0:6]
        z[14:, 12:] = d[14:, 12:]
    for dt, fill, label in [("<i4", 42, "int"), ("<i8", -9223372036854775808, "int64-min"), ("<u8", 18446744073709551615, "uint64-max"),
                            ("<f8", np.nan, "nan"), ("<f4", np.inf, "inf"), ("<f2", -np.inf, "neg-inf"), ("<f8", -0.0, "neg-zero"),
                            ("<f4", 0.1, "point-one"), ("<c16", complex(np.nan, -np.inf), "complex-nan-neginf"), ("<c8", 1 + 2j, "complex"),
                            ("|b1", True, "bool-true"), ("<M8[ns]", np.datetime64("NaT"), "datetime-nat"),
                            ("<m8[s]", np.timedelta64(5, "s"), "timedelta"), ("|S4", b"X", "bytes-base64"),
                            ("<U3", "ab", "unicode"), ("|V3", b"\x01\x02\x03", "void"),
                            (np.dtype([("a", "<i4"), ("b", ">f8")]), (7, 2.5), "structured"),
                            (">i4", 1234567, "big-endian-int")]:
        case(f"fill-{label}-missing-chunks", ["V2-40", "V2-41", "V2-43", "V2-44", "V2-52", "E-15", "E-17", "E-21", "E-23", "E-24", "E-25"],
             dtype=dt, fill_value=fill, write=partial, compressor=blosc)
    case("fill-object-missing-chunks", ["V2-46", "V2-52", "E-15"], dtype=object, object_codec=VLenUTF8(), fill_value="",
         data=object_values("utf8", (20, 15)), write=partial)
    case("untouched-array", ["V2-52", "E-15"], dtype="<f8", fill_value=3.5, write=lambda z, d: None, compressor=blosc)

    # Hierarchies and consolidated metadata (V2-60…V2-64, CM-01…CM-03, E-84, E-87).
    case("hierarchy-nested-node", ["V2-61", "E-84"], node="a/b/c", dtype="<i4", compressor=blosc)
    case("consolidated-nested", ["CM-01", "CM-02", "CM-03", "E-87"], node="group1/sub/arr", consolidated=True, dtype="<f8",
         compressor=Zlib(1))
    case("consolidated-root-array-sibling", ["CM-01", "E-87"], node="data", consolidated=True, dtype="<u2", compressor=None)
    case("unicode-node-name", ["E-81", "V2-04"], node="données/日本", dtype="<i2", compressor=None)

    # Must be refused (V2-10…V2-18, V2-34, V2-38, NC-25, NC-26, corrupt data).
    refused("refuse-missing-shape", ["V2-10"], "required member 'shape' is missing", edit_json(".zarray", lambda m: m.pop("shape")))
    refused("refuse-zarr-format-3", ["V2-11"], "zarr_format must be 2", edit_json(".zarray", lambda m: m.update(zarr_format=3)))
    refused("refuse-bad-order", ["V2-17"], "order must be C or F", edit_json(".zarray", lambda m: m.update(order="K")))
    refused("refuse-bad-separator", ["V2-18"], "dimension_separator must be . or /", edit_json(".zarray", lambda m: m.update(dimension_separator="-")))
    refused("refuse-datetime-no-unit", ["V2-34", "E-78"], "datetime dtype without a unit", edit_json(".zarray", lambda m: m.update(dtype="<M8")))
    refused("refuse-object-no-codec", ["V2-38", "E-79"], "|O without an object codec", edit_json(".zarray", lambda m: m.update(dtype="|O")))
    refused("refuse-unknown-codec", ["NC-26"], "unknown codec id", edit_json(".zarray", lambda m: m.update(compressor={"id": "no-such-codec"})))
    refused("refuse-pickle", ["NC-25"], "pickle is never decoded", edit_json(".zarray", lambda m: m.update(filters=[{"id": "pickle", "protocol": 4}])))
    refused("refuse-not-json", ["V2-10"], ".zarray is not JSON", lambda d: open(os.path.join(d, ".zarray"), "w").write("{not json"))
    refused("refuse-chunks-rank", ["V2-13"], "chunks and shape differ in length", edit_json(".zarray", lambda m: m.update(chunks=[7])))
    refused("refuse-truncated-blosc", ["BL-01"], "truncated blosc chunk", edit_bytes("1.1", lambda b: b[: len(b) // 2]),
            compressor=Blosc())
    refused("refuse-truncated-zlib", ["NC-03"], "truncated zlib stream", edit_bytes("0.0", lambda b: b[:-5]), compressor=Zlib(1))
    refused("refuse-crc32-mismatch", ["NC-20"], "CRC-32 does not match", edit_bytes("0.0", lambda b: b[:4] + bytes([b[4] ^ 1]) + b[5:]),
            filters=[CRC32()], compressor=None)
    refused("refuse-raw-chunk-too-short", ["V2-55"], "uncompressed chunk shorter than the chunk", edit_bytes("0.0", lambda b: b[:-4]),
            compressor=None)
    refused("refuse-raw-chunk-too-long", ["V2-55"], "uncompressed chunk longer than the chunk", edit_bytes("0.0", lambda b: b + b"\0" * 4),
            compressor=None)
    refused("refuse-lz4-size-lie", ["NC-07"], "lz4 header claims a different size", edit_bytes("0.0", lambda b: (10**9).to_bytes(4, "little") + b[4:]),
            compressor=LZ4())
    refused("refuse-zstd-garbage", ["NC-02"], "not a zstd frame", edit_bytes("0.0", lambda b: b"\x00" * len(b)), compressor=Zstd())
    refused("refuse-vlen-truncated", ["NC-16", "E-57"], "vlen-utf8 buffer is truncated", edit_bytes("0.0", lambda b: b[:-3]),
            dtype=object, object_codec=VLenUTF8(), compressor=None)

    os.makedirs(os.path.dirname(CATALOG), exist_ok=True)
    with open(CATALOG, "w") as f:
        json.dump({"catalog_version": 1, "writer": {"name": "zarr-python", "version": ZARR_VERSION, "numcodecs": NUMCODECS_VERSION,
                                                    "script": SCRIPT}, "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"{len(cases)} cases ({sum(c['expected']['outcome'] == 'read' for c in cases)} readable) -> {os.path.relpath(CATALOG, ROOT)}")


if __name__ == "__main__":
    generate()
