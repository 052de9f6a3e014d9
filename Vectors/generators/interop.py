#!/usr/bin/env python3
"""Writes the interop fixtures of issue 18: stores like those other projects ship, which this
implementation refused or on which validate said nothing useful, each made by the writer that
makes such stores, with catalogs. Run it with both venvs:

    .venv-peers-v2/bin/python Vectors/generators/interop.py   # zarr-python 2.18.7
    .venv-peers/bin/python Vectors/generators/interop.py      # zarr-python 3.1.6, tensorstore 0.1.86

- fillzero-*: v2 `fill_value: 0` on |S, <U and |b1 arrays, as older zarr-python 2 releases wrote
  it (2.18 writes "", "MA==" or false; the stores are edited to the 0).
- json2-*: numcodecs' json2 object codec, on object arrays of text and on numeric arrays.
- dtypename-*: numcodecs dtype options spelled as NumPy names or typestrs without a byte order;
  v3 ones as zarr-python 3 writes them itself, v2 ones edited from numcodecs' typestrs.
- nestedkeys-undeclared: chunks under 0/0 keys while .zarray has no dimension_separator, as
  zarr-python 2's NestedDirectoryStore wrote before 2.8 (edited out of a 2.18 store).
- dual-*: one directory with both zarr.json and .zarray/.zgroup, as zarrs writes on purpose; each
  store is catalogued as v3 (zarr.json) and as v2 (.zarray).
- noversion-*: N5 containers whose root has no "n5" version (N5-03).

Expected digests come from the writer's own read-back (Vectors/peers/canonical.py); a second
reader from either venv reads each store too (Vectors/peers/read.py) and its verdict is kept as
`expected.cross_check`.
"""
import json
import os
import shutil
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

import numcodecs  # noqa: E402
import numpy as np  # noqa: E402

from common import PeerWriter, cross_check, run_for_venv, save_n5, edit, object_values, values  # noqa: E402

SCRIPT = "Vectors/generators/interop.py"


# zarr-python 2.18.7 ---------------------------------------------------------------------------

def zarr_python_2():
    import zarr
    w = PeerWriter("interop", SCRIPT, "zarr-python", "2.18.7", numcodecs=numcodecs.__version__)

    def full(name, requirements, dtype, data, chunks, fill=None, zarray=None, lossy=False, **kw):
        d = w.store(name)
        a = zarr.create(store=d, shape=data.shape, chunks=chunks, dtype=dtype, fill_value=fill, **kw)
        a[...] = data
        if zarray:
            edit(os.path.join(d, ".zarray"), zarray)
        got = zarr.open_array(d, mode="r")[...]
        w.add("v2", name, requirements, d, got, given=None if lossy else data)
        return d

    # v2 fill_value 0 on byte strings, text and bool: fully written, so no element shows the fill
    # (readers disagree on its value: see validate's producer.zarr-python-2.fill-value-zero).
    full("fillzero-bytes", ["V2-45", "V2-41", "E-24"], "|S3", values("|S3", (6, 4)), (4, 3), fill=b"",
         zarray=lambda m: m.update(fill_value=0))
    full("fillzero-unicode", ["V2-45", "V2-43"], "<U3", values("<U3", (6, 4)), (4, 3), fill="", zarray=lambda m: m.update(fill_value=0))
    full("fillzero-bool", ["V2-45", "V2-43"], "|b1", values("bool", (6, 4)), (4, 3), fill=False, zarray=lambda m: m.update(fill_value=0))

    # json2 (NC-18): object arrays of text, a 0-d one, and numeric arrays.
    text = object_values("utf8", (5, 4), seed=3)
    full("json2-strings", ["NC-18", "V2-38"], object, text, (2, 3), fill="", object_codec=numcodecs.JSON())
    scalar = np.array("scalar é 🙂", dtype=object)
    full("json2-zero-d", ["NC-18", "E-01", "V2-51"], object, scalar, (), fill="", object_codec=numcodecs.JSON(), compressor=None)
    full("json2-float64", ["NC-18", "V2-40"], "<f8", values("<f8", (20,)), (7,), fill=0.0, filters=[numcodecs.JSON()], compressor=None)
    full("json2-float32", ["NC-18"], "<f4", values("<f4", (4, 5)), (3, 3), fill=0.0, filters=[numcodecs.JSON()])
    full("json2-int16", ["NC-18"], "<i2", values("<i2", (4, 5)), (3, 3), fill=0, filters=[numcodecs.JSON()])

    # numcodecs dtype options in the spellings numcodecs accepts (NC-08…NC-17).
    def filters(*spellings):
        def change(m):
            for f, spelled in zip(m["filters"], spellings):
                f.update(spelled)
        return change
    ints = (np.arange(24, dtype="i4").reshape(6, 4) * 37 - 300).astype("i4")
    full("dtypename-delta-int32", ["NC-08"], "<i4", ints, (4, 3), fill=0, filters=[numcodecs.Delta(dtype="<i4")],
         zarray=filters({"dtype": "int32", "astype": "i4"}))
    full("dtypename-delta-native", ["NC-08", "V2-39"], "<i8", ints.astype("i8") * 10**12, (4, 3), fill=0,
         filters=[numcodecs.Delta(dtype="<i8", astype="<i8")], zarray=filters({"dtype": "=i8", "astype": "q"}))
    near = 1000 + np.arange(24, dtype="f8").reshape(6, 4) / 10
    full("dtypename-fixedscaleoffset", ["NC-09"], "<f8", near, (4, 3), fill=0.0, lossy=True,
         filters=[numcodecs.FixedScaleOffset(offset=1000, scale=10, dtype="<f8", astype="|u1")],
         zarray=filters({"dtype": "float64", "astype": "uint8"}))
    full("dtypename-quantize", ["NC-10"], "<f4", values("<f4", (6, 4), seed=2), (4, 3), fill=0.0, lossy=True,
         filters=[numcodecs.Quantize(digits=3, dtype="<f4")], zarray=filters({"dtype": "f4", "astype": "float32"}))
    full("dtypename-astype", ["NC-14"], "<i4", ints, (4, 3), fill=0, filters=[numcodecs.AsType(encode_dtype="<i2", decode_dtype="<i4")],
         zarray=filters({"encode_dtype": "int16", "decode_dtype": "|i4"}))
    words = np.array(["x", "yy", "x", "", "yy", "x"] * 4, dtype=object).reshape(6, 4)
    full("dtypename-categorize", ["NC-13"], object, words, (4, 3), fill="", filters=[numcodecs.Categorize(["x", "yy"], dtype=object)],
         zarray=filters({"dtype": "object", "astype": "uint8"}))
    ragged = np.empty(5, dtype=object)
    for i in range(5):
        ragged[i] = np.arange(i, dtype="i4") * (i + 1)
    d = w.store("dtypename-vlen-array")
    a = zarr.create(store=d, shape=(5,), chunks=(2,), dtype=object, object_codec=numcodecs.VLenArray("<i4"), fill_value=None)
    a[...] = ragged
    edit(os.path.join(d, ".zarray"), filters({"dtype": "int32"}))
    w.add("v2", "dtypename-vlen-array", ["NC-17"], d, zarr.open_array(d, mode="r")[...])

    # Chunks under nested keys while .zarray declares no separator: read as fill values (V2-18).
    d = w.store("nestedkeys-undeclared")
    a = zarr.open(zarr.NestedDirectoryStore(d), mode="w", shape=(6, 4), chunks=(4, 3), dtype="<i4", fill_value=-1)
    a[...] = ints
    edit(os.path.join(d, ".zarray"), lambda m: m.pop("dimension_separator"))
    w.add("v2", "nestedkeys-undeclared", ["V2-18", "V2-50", "E-11"], d, zarr.open_array(d, mode="r")[...])

    cross_check(w.cases, "v3", "zarr-python-3", "zarr-python-3.1.6")
    w.save()


# zarr-python 3.1.6 and tensorstore 0.1.86 -------------------------------------------------------

def zarr_python_3():
    import zarr
    from zarr.codecs import BloscCodec
    from zarr.codecs import numcodecs as znc
    w = PeerWriter("interop", SCRIPT, "zarr-python", "3.1.6", numcodecs=numcodecs.__version__)

    # v3 numcodecs.* codecs whose dtype zarr-python 3 writes as a NumPy name (EX-U01).
    def v3(name, requirements, dtype, data, filters, lossy=False):
        d = w.store(name)
        a = zarr.create_array(d, shape=data.shape, chunks=(4, 3), dtype=dtype, filters=filters, zarr_format=3, fill_value=0)
        a[...] = data
        w.add("v3", name, requirements, d, zarr.open_array(d, mode="r", zarr_format=3)[...], given=None if lossy else data)
    ints = (np.arange(24, dtype="i4").reshape(6, 4) * 37 - 300).astype("i4")
    v3("dtypename-delta", ["NC-08", "EX-U01"], "int32", ints, [znc.Delta(dtype="int32")])
    v3("dtypename-fixedscaleoffset", ["NC-09", "EX-U01"], "float64", 1000 + np.arange(24, dtype="f8").reshape(6, 4) / 10,
       [znc.FixedScaleOffset(offset=1000, scale=10, astype="uint8")], lossy=True)  # zarr-python fills in "dtype": "float64"
    v3("dtypename-quantize", ["NC-10", "EX-U01"], "float32", values("<f4", (6, 4), seed=2), [znc.Quantize(digits=3, dtype="float32")], lossy=True)
    v3("dtypename-astype", ["NC-14", "EX-U01"], "int32", ints, [znc.AsType(encode_dtype="int16", decode_dtype="int32")])

    # Both formats in one directory, as zarrs writes them: a root group and an array `a`, each
    # with zarr.json and .zgroup/.zarray; the v3 array uses v2 chunk keys and the same blosc bytes.
    def dual(name, v3_fill, v2_fill, write):
        d = w.store(name)
        twin = tempfile.mkdtemp()
        root = zarr.open_group(d, mode="w", zarr_format=3)
        a = root.create_array("a", shape=(6, 4), chunks=(4, 3), dtype="int32", chunk_key_encoding={"name": "v2", "separator": "."},
                              compressors=BloscCodec(cname="lz4", clevel=5, shuffle="shuffle"), fill_value=v3_fill)
        write(a)
        g2 = zarr.open_group(twin, mode="w", zarr_format=2)
        g2.create_array("a", shape=(6, 4), chunks=(4, 3), dtype="int32", compressors=numcodecs.Blosc(cname="lz4", clevel=5, shuffle=1), fill_value=v2_fill)
        shutil.copy(os.path.join(twin, ".zgroup"), os.path.join(d, ".zgroup"))
        shutil.copy(os.path.join(twin, "a", ".zarray"), os.path.join(d, "a", ".zarray"))
        shutil.rmtree(twin)
        requirements = ["V3-01", "V2-02", "V2-60"]
        w.add("v3", name, requirements, d, zarr.open_array(d, path="a", mode="r", zarr_format=3)[...], node="a")
        w.add("v2", name, requirements + ["V2-52"], d, zarr.open_array(d, path="a", mode="r", zarr_format=2)[...], node="a")
    dual("dual-agree", 0, 0, lambda a: a.__setitem__(Ellipsis, ints))
    dual("dual-disagree", 1, 2, lambda a: a.__setitem__((slice(0, 4), slice(0, 3)), ints[:4, :3]))  # other chunks missing

    cross_check([c for c in w.cases if c["format"] == "v2"], "v2", "zarr-python-2", "zarr-python-2.18.7")
    cross_check(w.cases, "v3", "tensorstore", "tensorstore-0.1.86")
    cross_check([c for c in w.cases if c["format"] == "v3"], "v3", "zarrs-python", "zarrs-python-0.2.3")
    w.save()


def tensorstore_n5():
    import tensorstore as ts
    w = PeerWriter("interop", SCRIPT, "tensorstore", "0.1.86", n5_axes="native")
    data = values("<u2", (5, 7))
    for name, root in [("noversion-root-attributes", {"title": "an N5 container without a version"}), ("noversion-no-root-file", None)]:
        d = w.store(name, ".n5")
        spec = {"driver": "n5", "kvstore": {"driver": "file", "path": os.path.join(d, "data")}}
        t = ts.open({**spec, "create": True, "metadata": {"dimensions": [5, 7], "blockSize": [3, 4], "dataType": "uint16",
                                                         "compression": {"type": "gzip", "level": 5}}}).result()
        t.write(data).result()
        if root is not None:
            json.dump(root, open(os.path.join(d, "attributes.json"), "w"))
        got = ts.open({**spec, "open": True}).result().read().result()
        w.add("n5", name, ["N5-03", "E-95"], d, got, node="data", given=data)
    save_n5(w)


if __name__ == "__main__":
    run_for_venv(zarr_python_2, zarr_python_3, tensorstore_n5)
