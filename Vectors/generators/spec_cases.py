#!/usr/bin/env python3
"""Writes the spec fixtures of issue 16: for requirements of the checklist that no other fixture
exercised, and for the Zarr 3.1 rules of Vectors/checklist-supplement.md, stores that must read
(positive) and stores that must be refused or read differently (negative), each written by a
pinned peer and, for the negative ones, edited afterwards. Run it with both venvs:

    .venv-peers-v2/bin/python Vectors/generators/spec_cases.py   # zarr-python 2.18.7: v2
    .venv-peers/bin/python Vectors/generators/spec_cases.py      # zarr-python 3.1.6: v3; tensorstore 0.1.86: N5

Expected digests come from the writer's own read-back; a store that must be refused records the
writer's own verdict. Other peers read every case (`expected.cross_check`). A readable case that
`validate` must still flag lists the rule in `expected.validate`.
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

from common import PeerWriter, cross_check, run_for_venv, save_n5, edit, values, verdict  # noqa: E402

SCRIPT = "Vectors/generators/spec_cases.py"


def rename(d, old, new):
    os.rename(os.path.join(d, old), os.path.join(d, new))


# zarr-python 2.18.7: v2 -------------------------------------------------------------------------

def zarr_python_2():
    import zarr
    w = PeerWriter("spec", SCRIPT, "zarr-python", "2.18.7", numcodecs=numcodecs.__version__)
    ints = (np.arange(24, dtype="i4").reshape(6, 4) * 37 - 300).astype("i4")

    def hierarchy(name, node, data=ints, fill=0):
        """A root group with an array at `node` (its ancestors created as groups)."""
        d = w.store(name)
        root = zarr.open_group(zarr.DirectoryStore(d), mode="w")
        a = root.create_dataset(node, shape=data.shape, chunks=(4, 3), dtype=data.dtype, fill_value=fill)
        a[...] = data
        return d

    def read(d, node=""):
        root = zarr.open(zarr.DirectoryStore(d), mode="r")
        return (root[node] if node else root)[...]

    # V2-05 / ST-04: a segment of only periods other than "." and ".." is a valid v2 name; a ".."
    # segment in a node's path is refused, whatever the store holds.
    d = hierarchy("path-dots-name", "g/...")
    w.add("v2", "path-dots-name", ["V2-05", "ST-04", "V2-04"], d, read(d, "g/..."), node="g/...", given=ints)
    d = hierarchy("path-dotdot-segment", "g/...")
    w.refuse("v2", "path-dotdot-segment", ["V2-05", "ST-04"], d, "the node path g/x/../... has a '..' segment",
             lambda: read(d, "g/x/../..."), node="g/x/../...", validate=[])  # the store is valid: the path is refused

    # V2-14: dtype is a typestr or a list of fields; anything else is refused.
    fields = np.dtype([("x", "<f4"), ("y", "<i2", (2,))])
    d = w.store("dtype-structured-list")
    z = zarr.create(store=zarr.DirectoryStore(d), shape=(5, 4), chunks=(3, 3), dtype=fields, fill_value=None)
    data = values(fields, (5, 4))
    z[...] = data
    w.add("v2", "dtype-structured-list", ["V2-14", "V2-35"], d, read(d), given=data)
    for label, dtype in [("dtype-number", 4), ("dtype-object", {"name": "int32"})]:
        d = w.store(label)
        zarr.create(store=zarr.DirectoryStore(d), shape=(6, 4), chunks=(4, 3), dtype="<i4")[...] = ints
        edit(os.path.join(d, ".zarray"), lambda m, t=dtype: m.update(dtype=t))
        w.refuse("v2", label, ["V2-14"], d, f"dtype {json.dumps(dtype)} is neither a typestr nor a list of fields", lambda d=d: read(d))

    # V2-62: a .zgroup is exactly {"zarr_format": 2}; readers open the root group on the way to a node.
    d = hierarchy("zgroup-root", "g/a")
    w.add("v2", "zgroup-root", ["V2-62", "V2-60", "V2-61"], d, read(d, "g/a"), node="g/a", given=ints)
    for label, text in [("zgroup-format-3", '{"zarr_format": 3}'), ("zgroup-not-object", "[2]")]:
        d = hierarchy(label, "g/a")
        open(os.path.join(d, ".zgroup"), "w").write(text)
        w.refuse("v2", label, ["V2-62"], d, f"the root .zgroup is {text}", lambda d=d: read(d, "g/a"), node="g/a")

    # ST-02: chunk indices are plain decimals; a key with a leading zero is no chunk of the array.
    line = np.arange(25, dtype="<i2") * 3
    for label in ["chunk-key-decimal", "chunk-key-leading-zero"]:
        d = w.store(label)
        zarr.create(store=zarr.DirectoryStore(d), shape=(25,), chunks=(2,), dtype="<i2", fill_value=-1)[...] = line
        if label == "chunk-key-leading-zero":
            rename(d, "10", "010")
            w.add("v2", label, ["ST-02"], d, read(d), validate=["structure.key.leading-zero"])
        else:
            w.add("v2", label, ["ST-02", "E-10"], d, read(d), given=line)

    # ST-03: metadata keys are exact and case-sensitive.
    for label in ["metadata-key-exact", "metadata-key-case"]:
        d = w.store(label)
        zarr.create(store=zarr.DirectoryStore(d), shape=(6, 4), chunks=(4, 3), dtype="<i4")[...] = ints
        if label == "metadata-key-case":
            rename(d, ".zarray", ".ZARRAY")
            w.refuse("v2", label, ["ST-03"], d, "the array's metadata is stored as .ZARRAY, not .zarray", lambda d=d: read(d))
        else:
            w.add("v2", label, ["ST-03", "V2-02"], d, read(d), given=ints)

    # ST-10: an absent chunk reads as the fill value; any other failure to read it is an error
    # (here a chunk that is a symbolic link to itself: ELOOP, not "absent").
    for label in ["chunk-absent", "chunk-unreadable"]:
        d = w.store(label)
        z = zarr.create(store=zarr.DirectoryStore(d), shape=(6, 4), chunks=(4, 3), dtype="<i4", fill_value=7)
        z[...] = ints
        os.remove(os.path.join(d, "0.0"))
        if label == "chunk-unreadable":
            os.symlink("0.0", os.path.join(d, "0.0"))
            w.refuse("v2", label, ["ST-10"], d, "chunk 0.0 cannot be read (a link to itself): an I/O error, not an absent key", lambda d=d: read(d))
        else:
            w.add("v2", label, ["ST-10", "V2-52", "E-15"], d, read(d))

    cross_check(w.cases, "v3", "zarr-python-3", "zarr-python-3.1.6")
    cross_check(w.cases, "v3", "tensorstore", "tensorstore-0.1.86")
    w.save()


# zarr-python 3.1.6: v3 --------------------------------------------------------------------------

def zarr_python_3():
    import zarr
    w = PeerWriter("spec", SCRIPT, "zarr-python", "3.1.6", numcodecs=numcodecs.__version__)
    ints = (np.arange(24, dtype="i4").reshape(6, 4) * 37 - 300).astype("i4")

    def array(name, data=ints, chunks=(4, 3), node="", **kw):
        d = w.store(name)
        if node:
            root = zarr.open_group(d, mode="w", zarr_format=3)
            a = root.create_array(node, shape=data.shape, chunks=chunks, dtype=data.dtype, **kw)
        else:
            a = zarr.create_array(d, shape=data.shape, chunks=chunks, dtype=data.dtype, zarr_format=3, **kw)
        a[...] = data
        return d

    def read(d, node="", consolidated=False):
        root = zarr.open_consolidated(d, mode="r", zarr_format=3) if consolidated else zarr.open(d, mode="r", zarr_format=3)
        return (root[node] if node else root)[...]

    def meta(d, node=""):
        return os.path.join(d, node, "zarr.json")

    # V3-15: a fill value left unspecified is written into zarr.json.
    d = array("fill-default")
    assert "fill_value" in json.load(open(meta(d))), "zarr-python must write the default fill value"
    w.add("v3", "fill-default", ["V3-15", "V3-10"], d, read(d), given=ints)
    d = array("fill-missing", fill_value=5)
    edit(meta(d), lambda m: m.pop("fill_value"))
    w.refuse("v3", "fill-missing", ["V3-15", "V3-10"], d, "zarr.json has no fill_value", lambda: read(d))

    # V3-30: a group's zarr.json has zarr_format 3 and node_type "group"; readers open the root first.
    d = array("group-root", node="g/a")
    w.add("v3", "group-root", ["V3-30", "V3-06", "V3-01"], d, read(d, "g/a"), node="g/a", given=ints)
    for label, change in [("group-no-node-type", lambda m: m.pop("node_type")), ("group-zarr-format-2", lambda m: m.update(zarr_format=2))]:
        d = array(label, node="g/a")
        edit(meta(d), change)
        w.refuse("v3", label, ["V3-30"], d, f"the root group's zarr.json: {label[6:].replace('-', ' ')}", lambda d=d: read(d, "g/a"), node="g/a")

    # V3-01 / ST-03: metadata lives at exactly zarr.json (keys are case-sensitive).
    d = array("metadata-key-case")
    rename(d, "zarr.json", "ZARR.json")
    w.refuse("v3", "metadata-key-case", ["V3-01", "ST-03"], d, "the array's metadata is stored as ZARR.json, not zarr.json", lambda: read(d))

    # V3-82 / V3-83: each codec's encoded type follows from its decoded type; the first decoded
    # representation is the full chunk shape, edge chunks too. Codec objects as 3.0 wrote them (V3-17).
    cube = (np.arange(105, dtype="<i2").reshape(5, 7, 3) * 11 - 500).astype("<i2")
    d = array("codecs-chain-types", data=cube, chunks=(2, 3, 2), filters=[zarr.codecs.TransposeCodec(order=(2, 0, 1))],
              serializer=zarr.codecs.BytesCodec(endian="little"), compressors=[zarr.codecs.GzipCodec(level=5)], fill_value=0)
    w.add("v3", "codecs-chain-types", ["V3-82", "V3-83", "V3-17", "V3-84", "V31-06", "V31-07"], d, read(d), given=cube)
    d = array("codec-unsupported-type", data=np.arange(24).reshape(6, 4) % 3 == 0, fill_value=False, compressors=None)
    edit(meta(d), lambda m: m["codecs"].insert(0, {"name": "bitround", "configuration": {"keepbits": 1}}))
    w.refuse("v3", "codec-unsupported-type", ["V3-82"], d, "bitround does not take a bool array", lambda: read(d))
    d = array("codec-type-mismatch", compressors=None, fill_value=0)
    edge = os.path.join(d, "c", "1", "1")
    open(edge, "wb").write(open(edge, "rb").read()[: 2 * 1 * 4])  # the 2×1 in-bounds elements, not the 4×3 chunk
    w.refuse("v3", "codec-type-mismatch", ["V3-83"], d, "an edge chunk stored without its out-of-bounds part", lambda: read(d))

    # V3-110 / ST-04: node names; zarr.json became forbidden in 3.1.
    d = array("node-name-valid", node="g/a.b-_1")
    w.add("v3", "node-name-valid", ["V3-110", "ST-04", "V31-05"], d, read(d, "g/a.b-_1"), node="g/a.b-_1", given=ints)
    for label, name in [("node-name-zarr-json", "zarr.json"), ("node-name-dots", "..."), ("node-name-dunder", "__a")]:
        d = array(label, node="g/x")
        if name == "zarr.json":
            os.remove(meta(d, "g"))  # the child's directory takes the name of g's own metadata document
        rename(d, "g/x", "g/" + name)
        requirements = ["V3-110", "ST-04"] + (["V31-05"] if name == "zarr.json" else [])
        w.refuse("v3", label, requirements, d, f"a node named {name}", lambda d=d, n=name: read(d, "g/" + n), node="g/" + name)

    # V3-60: chunk sizes are greater than zero.
    d = array("grid-chunk-zero", fill_value=0)
    edit(meta(d), lambda m: m["chunk_grid"]["configuration"].update(chunk_shape=[0, 3]))
    w.refuse("v3", "grid-chunk-zero", ["V3-60", "V31-06"], d, "chunk_shape [0, 3] on a 6×4 array", lambda: read(d))

    # Zarr 3.1 extension definitions: short-hand names and must_understand on every extension
    # point (V31-01); an unknown codec marked must_understand false is skipped (V31-02, V3-43).
    small = (np.arange(24, dtype="u1").reshape(6, 4) * 7).astype("u1")
    forms = [
        ("ext-codecs-shorthand", small, lambda m: m.update(codecs=["bytes", "crc32c"]), ["V31-01", "V3-42", "V3-17", "V31-07"]),
        ("ext-codecs-must-understand", ints, lambda m: [c.update(must_understand=True) for c in m["codecs"]], ["V31-01", "V3-43"]),
        ("ext-codec-optional-unknown", ints, lambda m: m["codecs"].append({"name": "zarr-conformance.unknown-bytes-codec", "must_understand": False}),
         ["V31-02", "V3-43", "E-69"]),
        ("ext-key-encoding-shorthand", ints, lambda m: m.update(chunk_key_encoding="default"), ["V31-01", "V3-42"]),
        ("ext-data-type-object", ints, lambda m: m.update(data_type={"name": "int32", "configuration": {}, "must_understand": True}), ["V31-01", "E-71"]),
        ("ext-chunk-grid-must-understand", ints, lambda m: m["chunk_grid"].update(must_understand=True), ["V31-01"]),
    ]
    for label, data, change, requirements in forms:
        # zarr-python 3.1.6 reads some of these forms itself: its read-back of the store as it
        # wrote it is the expectation, its verdict on the edited store is kept beside it.
        d = array(label, data=data, fill_value=0, compressors=[zarr.codecs.Crc32cCodec()] if "shorthand" in label else None)
        got = read(d)
        edit(meta(d), change)
        w.add("v3", label, requirements, d, got, given=data, writer_verdict_after_edit=verdict(lambda d=d: read(d)))
    d = array("ext-codec-required-unknown", fill_value=0, compressors=None)
    edit(meta(d), lambda m: m["codecs"].append({"name": "zarr-conformance.unknown-bytes-codec"}))
    w.refuse("v3", "ext-codec-required-unknown", ["V31-02", "V3-44"], d, "an unknown codec without must_understand false", lambda: read(d))
    d = array("ext-data-type-optional", fill_value=0)
    edit(meta(d), lambda m: m.update(data_type={"name": "int32", "must_understand": False}))
    w.refuse("v3", "ext-data-type-optional", ["V3-45", "V31-01"], d, "must_understand false on the data type", lambda: read(d))

    # V31-03: consolidated_metadata is the one extra member a group may carry without a name; a
    # reader that does not use it still opens the group. In an array document it is an unknown member.
    d = array("consolidated-member", node="a")
    zarr.consolidate_metadata(d)
    w.add("v3", "consolidated-member", ["V31-03", "V3-32", "CM-04"], d, read(d, "a"), node="a", given=ints)
    d = array("consolidated-on-array", fill_value=0)
    edit(meta(d), lambda m: m.update(consolidated_metadata={"kind": "inline", "metadata": {}}))
    w.refuse("v3", "consolidated-on-array", ["V31-03", "V3-44"], d, "consolidated_metadata without must_understand false in an array", lambda: read(d))

    # V31-04: a float fill written as a JSON number rounds half to even: 1 + 2^-11 lies halfway
    # between the float16 values 1 and 1 + 2^-10 (even: 1), 1 + 3·2^-11 between 1 + 2^-10 and
    # 1 + 2^-9 (even: 1 + 2^-9). Half the array is left unwritten, so the fill shows.
    halves = np.linspace(-4, 4, 24, dtype="<f2").reshape(6, 4)
    for label, fill in [("fill-round-half-even-down", "1.00048828125"), ("fill-round-half-even-up", "1.00146484375")]:
        d = w.store(label)
        a = zarr.create_array(d, shape=(6, 4), chunks=(4, 3), dtype="float16", zarr_format=3, fill_value=0.0)
        a[:4, :3] = halves[:4, :3]
        text = open(meta(d)).read()
        doc = json.loads(text)
        doc["fill_value"] = 0.0
        text = json.dumps(doc, indent=4, sort_keys=True).replace('"fill_value": 0.0', f'"fill_value": {fill}')
        open(meta(d), "w").write(text)
        w.add("v3", label, ["V31-04", "V3-54", "E-20"], d, read(d))

    cross_check(w.cases, "v3", "tensorstore", "tensorstore-0.1.86")
    cross_check(w.cases, "v3", "zarrs-python", "zarrs-python-0.2.3")
    w.save()


# tensorstore 0.1.86: N5 -------------------------------------------------------------------------

def tensorstore_n5():
    import tensorstore as ts
    w = PeerWriter("spec", SCRIPT, "tensorstore", "0.1.86", n5_axes="native")

    def spec(d):
        return {"driver": "n5", "kvstore": {"driver": "file", "path": os.path.join(d, "data")}}

    # N5-14: no block may exceed 2^31 bytes. A uint8 block of 65536 × 32768 is exactly 2^31 bytes;
    # one more column is over. No block is stored: every element reads as 0 where the block is allowed.
    for label, block in [("block-at-limit", [65536, 32768]), ("block-over-limit", [65536, 32769])]:
        d = w.store(label, ".n5")
        t = ts.open({**spec(d), "create": True, "metadata": {"dimensions": [20, 15], "blockSize": [7, 6], "dataType": "uint8",
                                                            "compression": {"type": "raw"}}}).result()
        del t
        json.dump({"n5": "4.0.0"}, open(os.path.join(d, "attributes.json"), "w"))
        edit(os.path.join(d, "data", "attributes.json"), lambda m, b=block: m.update(blockSize=b))
        read = lambda d=d: ts.open({**spec(d), "open": True}).result().read().result()  # noqa: E731
        if label == "block-at-limit":
            w.add("n5", label, ["N5-14"], d, read(), node="data")
        else:
            w.refuse("n5", label, ["N5-14"], d, "blockSize 65536 × 32769 of uint8 is over 2^31 bytes", read, node="data")
    save_n5(w)


if __name__ == "__main__":
    run_for_venv(zarr_python_2, zarr_python_3, tensorstore_n5)
