#!/usr/bin/env python3
"""Create the hostile-store corpus under DIR (one directory per store).

Git cannot hold what these stores are made of (symbolic links, FIFOs, sockets, device
nodes, sparse files, unreadable directories), so they are made at test time. Every store
is small on disk; the 8 GiB chunks are sparse.

    python3 Vectors/hostile/make_stores.py DIR        # create the stores under DIR
    python3 Vectors/hostile/make_stores.py --list     # print the store names
    python3 Vectors/hostile/make_stores.py --digests  # print the expected digests

Besides the stores, DIR/outside/ holds what the links point at: secret.txt
(TOP-SECRET-OUTSIDE), zarray.json / zarr.json (valid metadata of shape [31337]) and dir/ (a
group with an array `a` whose attributes and chunk hold the secret). Nothing from there may
ever reach a command's output.

Python 3 standard library only. Device nodes need root (CAP_MKNOD); a store that cannot be
made here is reported as skipped, not silently left out.
"""

import hashlib
import json
import os
import socket
import stat
import struct
import sys

SECRET = b"TOP-SECRET-OUTSIDE"  # 18 bytes: the `|u1` arrays below are 18 long to take it whole
BIG_SPARSE = 8 << 30  # 8 GiB, sparse
HUGE_MISSING_SHAPE = 1 << 28  # 256 MiB of |u1, no chunk stored

STORES = []  # (name, builder), in creation order


def store(name):
    def register(fn):
        STORES.append((name, fn))
        return fn
    return register


class Skip(Exception):
    """The store cannot be made on this machine (e.g. no CAP_MKNOD)."""


# --- helpers -----------------------------------------------------------------------------

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def write_json(path, obj):
    write(path, json.dumps(obj, indent=4, sort_keys=True) + "\n")


def zarray(shape, chunks, dtype="|u1", compressor=None, filters=None, fill_value=0, order="C", **extra):
    meta = {"zarr_format": 2, "shape": shape, "chunks": chunks, "dtype": dtype, "compressor": compressor,
            "filters": filters, "fill_value": fill_value, "order": order}
    meta.update(extra)
    return meta


def v3_array(shape, chunk_shape, data_type="uint8", codecs=None, fill_value=0):
    return {"zarr_format": 3, "node_type": "array", "shape": shape, "data_type": data_type,
            "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": chunk_shape}},
            "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
            "fill_value": fill_value,
            "codecs": codecs if codecs is not None else [{"name": "bytes", "configuration": {"endian": "little"}}],
            "attributes": {}}


def n5_dataset(dimensions, block_size, data_type, compression=None):
    return {"dimensions": dimensions, "blockSize": block_size, "dataType": data_type,
            "compression": compression or {"type": "raw"}}


def sparse(path, size):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb"):
        pass
    os.truncate(path, size)


def u1_store(s, chunk=None, shape=18):
    """A `|u1` array of shape [18] in one chunk, no compressor; `chunk` (bytes) is written as `0`."""
    write_json(f"{s}/.zarray", zarray([shape], [shape]))
    if chunk is not None:
        write(f"{s}/0", chunk)


# --- what the links point at --------------------------------------------------------------

def make_outside(root):
    o = f"{root}/outside"
    write(f"{o}/secret.txt", SECRET)
    # Valid metadata with a shape that appears nowhere else: if 31337 is printed, it was read.
    write_json(f"{o}/zarray.json", zarray([31337], [31337]))
    write_json(f"{o}/zarr.json", v3_array([31337], [31337]))
    write_json(f"{o}/dir/.zgroup", {"zarr_format": 2})
    write_json(f"{o}/dir/.zattrs", {"secret": SECRET.decode()})
    write_json(f"{o}/dir/a/.zarray", zarray([18], [18]))
    write_json(f"{o}/dir/a/.zattrs", {"secret": SECRET.decode()})
    write(f"{o}/dir/a/0", SECRET)


# --- 1. links that resolve outside the store ----------------------------------------------

@store("chunk-link-outside")
def _(s, root):
    u1_store(s)
    os.symlink("../outside/secret.txt", f"{s}/0")


@store("chunk-link-absolute-outside")
def _(s, root):
    u1_store(s)
    os.symlink(os.path.abspath(f"{root}/outside/secret.txt"), f"{s}/0")


@store("chunk-link-chain-outside")
def _(s, root):
    # The first hop stays inside the store, the second leaves it.
    u1_store(s)
    os.makedirs(f"{s}/sub")
    os.symlink("../../outside/secret.txt", f"{s}/sub/hop")
    os.symlink("sub/hop", f"{s}/0")


@store("v3-chunk-link-outside")
def _(s, root):
    write_json(f"{s}/zarr.json", v3_array([18], [18]))
    os.makedirs(f"{s}/c")
    os.symlink("../../outside/secret.txt", f"{s}/c/0")


@store("n5-block-link-outside")
def _(s, root):
    write_json(f"{s}/attributes.json", n5_dataset([18], [18], "uint8"))
    os.symlink("../outside/secret.txt", f"{s}/0")


# --- 2. a group that is a link to a directory outside --------------------------------------

@store("group-link-outside")
def _(s, root):
    write_json(f"{s}/.zgroup", {"zarr_format": 2})
    os.symlink("../outside/dir", f"{s}/g")


# --- 3. metadata that is a link to a file outside ------------------------------------------

@store("zarray-link-outside")
def _(s, root):
    os.makedirs(s)
    os.symlink("../outside/zarray.json", f"{s}/.zarray")
    write(f"{s}/0", bytes(range(18)))


@store("v3-zarr-json-link-outside")
def _(s, root):
    os.makedirs(s)
    os.symlink("../outside/zarr.json", f"{s}/zarr.json")


# --- 4, 5. special files where a file is expected -----------------------------------------

@store("chunk-fifo")
def _(s, root):
    u1_store(s)
    os.mkfifo(f"{s}/0")


@store("zarray-fifo")
def _(s, root):
    os.makedirs(s)
    os.mkfifo(f"{s}/.zarray")


@store("chunk-socket")
def _(s, root):
    u1_store(s)
    path = f"{s}/0"
    if len(os.fsencode(os.path.abspath(path))) >= 108:
        raise Skip("socket path too long for AF_UNIX")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(os.path.abspath(path))
    finally:
        sock.close()  # the socket file stays; nothing listens on it


@store("chunk-char-device")
def _(s, root):
    # A character device with /dev/zero's numbers: read to its end, it never ends.
    u1_store(s)
    try:
        os.mknod(f"{s}/0", stat.S_IFCHR | 0o644, os.makedev(1, 5))
    except (PermissionError, OSError) as e:
        raise Skip(f"mknod: {e.strerror or e}")


SHARD_CODECS = [{"name": "sharding_indexed", "configuration": {
    "chunk_shape": [2],
    "codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
    "index_codecs": [{"name": "bytes", "configuration": {"endian": "little"}}],
    "index_location": "end"}}]


def shard_with_second_entry(offset, nbytes):
    """A shard of uint8 [4] in inner chunks of [2]: 4 data bytes, then the index (u64 LE
    offset, nbytes per inner chunk). The first entry is sound, the second is given."""
    return bytes([1, 2, 3, 4]) + struct.pack("<4Q", 0, 2, offset, nbytes)


@store("v3-shard-index-past-end")
def _(s, root):
    write_json(f"{s}/zarr.json", v3_array([4], [4], codecs=SHARD_CODECS))
    write(f"{s}/c/0", shard_with_second_entry(1 << 40, 2))


@store("v3-shard-index-wraps")
def _(s, root):
    # offset + nbytes wraps around 2^64 to 2: a bounds check done in u64 arithmetic passes.
    write_json(f"{s}/zarr.json", v3_array([4], [4], codecs=SHARD_CODECS))
    write(f"{s}/c/0", shard_with_second_entry((1 << 64) - 2, 4))


# --- 6. sparse chunks far larger than the chunk can encode to -----------------------------

@store("chunk-sparse-8gib")
def _(s, root):
    write_json(f"{s}/.zarray", zarray([100], [100]))  # a chunk is exactly 100 bytes raw
    sparse(f"{s}/0", BIG_SPARSE)


@store("v3-shard-sparse-8gib")
def _(s, root):
    # A shard of 2 inner chunks of 2 bytes with a 2×16-byte index at the end: 36 bytes at most.
    write_json(f"{s}/zarr.json", v3_array([4], [4], codecs=SHARD_CODECS))
    sparse(f"{s}/c/0", BIG_SPARSE)


# --- 7. what cannot be read (checked as an unprivileged user) -----------------------------

@store("dir-unreadable")
def _(s, root):
    write_json(f"{s}/.zarray", zarray([4, 4], [2, 2], dimension_separator="/"))
    for i in range(2):
        for j in range(2):
            write(f"{s}/{i}/{j}", bytes([i * 16 + j] * 4))
    os.chmod(f"{s}/0", 0o000)


@store("chunk-unreadable")
def _(s, root):
    u1_store(s, bytes(range(18)))
    os.chmod(f"{s}/0", 0o000)


@store("zarray-unreadable")
def _(s, root):
    u1_store(s, bytes(range(18)))
    os.chmod(f"{s}/.zarray", 0o000)


# --- 8. a filter whose dtype is not the array's --------------------------------------------

@store("filter-dtype-mismatch-order-f")
def _(s, root):
    write_json(f"{s}/.zarray", zarray([4, 4], [4, 4], dtype="<i4", order="F",
                                      filters=[{"id": "delta", "dtype": "<i2", "astype": "<i8"}]))
    # 16 items as the filter's astype (<i8): 128 bytes, the size the chain expects, so the
    # chunk reaches the filter, whose <i2 output (32 bytes) is not the <i4 chunk (64 bytes)
    # the transpose of order F then needs (the wave-1 heap overflow).
    write(f"{s}/0.0", struct.pack("<16q", *range(16)))


# --- 9. N5 object blocks that claim a huge payload -----------------------------------------
# An object block is mode 2 (u16 BE), a u32 BE byte count, then the payload; the count is a
# u32, so the largest it can claim is 4 GiB - 1 (0xFFFFFFFF). 10 bytes in all.

def n5_object_block():
    return struct.pack(">HI", 2, 0xFFFFFFFF) + b"\x1f\x8b\x08\x00"


@store("n5-object-huge-count")
def _(s, root):
    write_json(f"{s}/attributes.json", n5_dataset([2, 2], [2, 2], "object"))
    write(f"{s}/0/0", n5_object_block())


@store("n5-object-huge-count-gzip")
def _(s, root):
    # Compressed: a decoder that sizes its output from the claimed count allocates 4 GiB.
    write_json(f"{s}/attributes.json", n5_dataset([2, 2], [2, 2], "object", {"type": "gzip", "level": -1}))
    write(f"{s}/0/0", n5_object_block())


# --- 10. a vlen chunk that claims 2^31 items -----------------------------------------------

@store("vlen-utf8-huge-count")
def _(s, root):
    write_json(f"{s}/.zarray", zarray([2], [2], dtype="|O", filters=[{"id": "vlen-utf8"}], fill_value=""))
    write(f"{s}/0", struct.pack("<II", 1 << 31, 4) + b"abcd")  # 12 bytes


# --- 11. a large array with no chunk stored ------------------------------------------------

@store("huge-missing-chunks-256mib")
def _(s, root):
    write_json(f"{s}/.zarray", zarray([HUGE_MISSING_SHAPE], [1 << 20]))


# --- 12. compressed chunks whose header claims a huge decoded size -------------------------

@store("lz4-huge-size-header")
def _(s, root):
    write_json(f"{s}/.zarray", zarray([100], [100], compressor={"id": "lz4", "acceleration": 1}))
    write(f"{s}/0", struct.pack("<I", (1 << 31) - 1) + b"\x00" * 8)


@store("blosc-huge-nbytes")
def _(s, root):
    write_json(f"{s}/.zarray", zarray([100], [100], compressor={
        "id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1, "blocksize": 0}))
    # version 2, versionlz 1, flags (byte shuffle), typesize 1, nbytes, blocksize, cbytes.
    header = struct.pack("<BBBBIII", 2, 1, 0x01, 1, 0x7FFFFFEF, 1 << 16, 32)
    write(f"{s}/0", header + b"\x00" * 16)


# --- 13. a structured dtype whose field shape is 2^40 --------------------------------------

@store("structured-field-shape-2e40")
def _(s, root):
    write_json(f"{s}/.zarray", zarray([1], [1], dtype=[["a", "<i4", [1 << 40]]], fill_value=None))


# --- 14. tiny chunks on a huge shape -------------------------------------------------------

@store("tiny-chunks-huge-shape")
def _(s, root):
    write_json(f"{s}/.zarray", zarray([1 << 40], [1]))
    write(f"{s}/5", b"\x07")


# --- 15. a variable-length codec on a fixed-size dtype -------------------------------------

@store("fixed-bytes-with-vlen-utf8")
def _(s, root):
    write_json(f"{s}/.zarray", zarray([4], [4], dtype="|S1", filters=[{"id": "vlen-utf8"}], fill_value=None))
    write(f"{s}/0", struct.pack("<I", 4) + b"".join(struct.pack("<I", 1) + c for c in (b"a", b"b", b"c", b"d")))


# --- 16. a leftover partial write ----------------------------------------------------------

PARTIAL_CHUNK = bytes(range(100, 118))


@store("partial-write-leftover")
def _(s, root):
    u1_store(s, PARTIAL_CHUNK)
    write(f"{s}/.0.abcdef.partial", PARTIAL_CHUNK[:7])


# --- 17. links that stay inside the store: followed ----------------------------------------

LINKED_CHUNK = bytes(range(1, 19))


@store("chunk-link-inside")
def _(s, root):
    # |u1 [36] in chunks of 18: `1` is a relative link to `0`, so the array is chunk 0 twice.
    write_json(f"{s}/.zarray", zarray([36], [18]))
    write(f"{s}/0", LINKED_CHUNK)
    os.symlink("0", f"{s}/1")


DIR_LINK_CHUNKS = {"0": bytes([11, 12]), "1": bytes([13, 14])}


@store("dir-link-inside")
def _(s, root):
    # |u1 [2, 4] in chunks [1, 2], nested keys: directory `1` is a relative link to `0`.
    write_json(f"{s}/.zarray", zarray([2, 4], [1, 2], dimension_separator="/"))
    for j, data in DIR_LINK_CHUNKS.items():
        write(f"{s}/0/{j}", data)
    os.symlink("0", f"{s}/1")


# --- 18. no Zarr metadata at all -----------------------------------------------------------

@store("empty-dir")
def _(s, root):
    os.makedirs(s)


@store("unrelated-files-only")
def _(s, root):
    write(f"{s}/README.txt", "not a zarr store\n")
    write(f"{s}/data.bin", bytes(64))
    write(f"{s}/sub/notes.md", "# notes\n")


# --- more ----------------------------------------------------------------------------------

@store("chunk-symlink-loop")
def _(s, root):
    u1_store(s)
    os.symlink("0", f"{s}/0")  # resolving it fails with ELOOP


# --- expected digests ----------------------------------------------------------------------

def sha256_zeros(n):
    h = hashlib.sha256()
    block = bytes(1 << 20)
    while n:
        k = min(n, len(block))
        h.update(block[:k])
        n -= k
    return h.hexdigest()


def expected_digests():
    """SHA-256 over each positive store's elements in C order, little-endian, missing chunks as fill."""
    return {
        "chunk-link-inside": hashlib.sha256(LINKED_CHUNK + LINKED_CHUNK).hexdigest(),
        # row 0 = chunk 0/0 + chunk 0/1; row 1 reads 1/0 + 1/1, which are the same files.
        "dir-link-inside": hashlib.sha256((DIR_LINK_CHUNKS["0"] + DIR_LINK_CHUNKS["1"]) * 2).hexdigest(),
        "partial-write-leftover": hashlib.sha256(PARTIAL_CHUNK).hexdigest(),
        "huge-missing-chunks-256mib": sha256_zeros(HUGE_MISSING_SHAPE),
    }


def secret_fingerprints():
    """What would show the secret was read: the text, its digest as a |u1 array, its `cat` lines."""
    return [SECRET.decode(), hashlib.sha256(SECRET).hexdigest(), "\n".join(str(b) for b in SECRET[:10])]


# --- driver --------------------------------------------------------------------------------

def build(root, only=None):
    """Create the corpus under root. Returns {"created": [names], "skipped": {name: reason}}."""
    old = os.umask(0o022)
    try:
        os.makedirs(root, exist_ok=True)
        make_outside(root)
        created, skipped = [], {}
        for name, builder in STORES:
            if only and name not in only:
                continue
            path = os.path.join(root, name)
            if os.path.lexists(path):
                raise SystemExit(f"make_stores: {path} already exists")
            try:
                builder(path, root)
                created.append(name)
            except Skip as e:
                skipped[name] = str(e)
        return {"created": created, "skipped": skipped}
    finally:
        os.umask(old)


def main(argv):
    if argv[1:] == ["--list"]:
        print("\n".join(name for name, _ in STORES))
        return 0
    if argv[1:] == ["--digests"]:
        print(json.dumps(expected_digests(), indent=2, sort_keys=True))
        return 0
    if len(argv) != 2 or argv[1].startswith("-"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    result = build(argv[1])
    for name, reason in sorted(result["skipped"].items()):
        print(f"skipped {name}: {reason}", file=sys.stderr)
    print(f"make_stores: {len(result['created'])} stores under {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
