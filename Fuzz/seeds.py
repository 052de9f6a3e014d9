#!/usr/bin/env python3
"""Builds the seed corpora of the fuzz targets from the committed fixtures (Python 3 stdlib only).

    python3 Fuzz/seeds.py OUT [TARGET=MAX_LEN ...]

writes OUT/<target>/<sha1> for each target, skipping seeds longer than the target's MAX_LEN:
- FuzzMetadata:   every metadata document (.zarray, .zgroup, .zattrs, .zmetadata, zarr.json,
                  attributes.json) under Vectors/fixtures/;
- FuzzCodecChain: a selector byte, then a chunk file of the fixture that case was taken from
                  (the cases are read, in order, from Sources/ZarrFuzzing/Cases.swift), or
                  for a hand-written case a chunk made here by its recipe;
- FuzzShardIndex: a selector byte, then a shard file of that case's fixture (re-laid out when
                  the case's `seed` says so);
- FuzzArrayRead:  whole fixture stores packed in FuzzHarness.unarchive's format (u16 LE key
                  length, key, u32 LE value length, value; repeated).
Seeds are added beside whatever OUT/<target>/ already holds (the corpus libFuzzer grew in
earlier runs): files are named by their SHA-1, as libFuzzer names them. Prints the counts.
"""
import bz2
import gzip
import hashlib
import json
import lzma
import os
import re
import struct
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Vectors", "fixtures")
CASES = os.path.join(ROOT, "Sources", "ZarrFuzzing", "Cases.swift")
METADATA_NAMES = {".zarray", ".zgroup", ".zattrs", ".zmetadata", "zarr.json", "attributes.json"}
DEFAULT_MAX_LEN = {"FuzzMetadata": 4096, "FuzzCodecChain": 8192, "FuzzShardIndex": 16384, "FuzzArrayRead": 32768}
CHUNKS_PER_CASE = 4


def files_under(directory):
    """Every file below `directory` as (key relative to it with '/', absolute path), sorted."""
    out = []
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if not os.path.isfile(path):  # links that loop or dangle (some fixtures hold them on purpose)
                continue
            out.append((os.path.relpath(path, directory).replace(os.sep, "/"), path))
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


def cases(array_name):
    """(fixture, seed) of each case of `static let <array_name>` in Cases.swift, in selector order."""
    text = read(CASES).decode("utf-8")
    start = text.index("static let %s" % array_name)
    end = text.index("\n    ]", start)
    pattern = re.compile(r'Case\((?:fixture: "([^"]*)", )?(?:seed: "([^"]*)", )?document:')
    return [(m.group(1) or "", m.group(2) or "") for m in pattern.finditer(text[start:end])]


def chunk_files(fixture):
    """The stored chunks (or shards, or blocks) of a fixture array: its files that are not metadata."""
    directory = os.path.join(FIXTURES, fixture)
    return [path for key, path in files_under(directory) if key.split("/")[-1] not in METADATA_NAMES]


def move_index_to_start(fixture, shard):
    """A shard written with its (uncompressed, checksum-free) index at the end, rewritten with
    the index first and every offset moved past it."""
    meta = json.loads(read(os.path.join(FIXTURES, fixture, "zarr.json")))
    sharding = meta["codecs"][0]["configuration"]
    outer = meta["chunk_grid"]["configuration"]["chunk_shape"]
    count = 1
    for s, c in zip(outer, sharding["chunk_shape"]):
        count *= s // c
    size = 16 * count
    if len(shard) < size:
        return None
    body, index = shard[:-size], shard[-size:]
    entries = struct.unpack("<%dQ" % (2 * count), index)
    moved = []
    for i in range(0, len(entries), 2):
        offset, nbytes = entries[i], entries[i + 1]
        moved += [offset, nbytes] if offset == 2**64 - 1 else [offset + size, nbytes]
    return struct.pack("<%dQ" % (2 * count), *moved) + body


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


COMPRESS = {"none": lambda b: b, "raw": lambda b: b, "zlib": zlib.compress, "gzip": gzip.compress, "bz2": bz2.compress,
            "bzip2": bz2.compress, "lzma": lzma.compress, "xz": lzma.compress,
            "crc32c": lambda b: b + struct.pack("<I", crc32c(b))}


def recipe(how):
    """The seed of a hand-written case (no fixture), or None when the stdlib cannot make it."""
    kind, _, codec = how.partition(":")
    if codec not in COMPRESS:
        return None  # lz4, zstd, blosc: left to the fuzzer
    if kind == "vlen-utf8":  # numcodecs / v3 vlen-utf8: u32 LE count, then u32 LE length + UTF-8 per item
        items = ["", "a", "zarr \u2713", "x" * 40]
        raw = struct.pack("<I", len(items)) + b"".join(struct.pack("<I", len(i.encode())) + i.encode() for i in items)
        return COMPRESS[codec](raw)
    if kind == "n5-object":  # N5 object-mode block: u16 BE mode 2, u32 BE byte count, payload
        raw = b"an N5 object block payload"
        return b"\x00\x02" + struct.pack(">I", len(raw)) + COMPRESS[codec](raw)
    sys.exit("seeds.py: unknown seed recipe %r in Cases.swift" % how)


def stores():
    """Each fixture store: <format>/<writer>/<name> and corrupt/<format>/<name>."""
    out = []
    for top in sorted(os.listdir(FIXTURES)):
        for second in sorted(os.listdir(os.path.join(FIXTURES, top))):
            base = os.path.join(FIXTURES, top, second)
            if not os.path.isdir(base):
                continue
            if second.endswith((".zarr", ".n5")):
                out.append(base)
                continue
            for name in sorted(os.listdir(base)):
                if name.endswith((".zarr", ".n5")) and os.path.isdir(os.path.join(base, name)):
                    out.append(os.path.join(base, name))
    return out


def archive(entries):
    out = bytearray()
    for key, value in entries:
        k = key.encode("utf-8")
        out += struct.pack("<H", len(k)) + k + struct.pack("<I", len(value)) + value
    return bytes(out)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    out = argv[1]
    max_len = dict(DEFAULT_MAX_LEN)
    for arg in argv[2:]:
        target, _, n = arg.partition("=")
        if target not in max_len or not n.isdigit():
            sys.exit("seeds.py: expected TARGET=MAX_LEN with TARGET one of %s, got %r" % (", ".join(max_len), arg))
        max_len[target] = int(n)

    seeds = {target: {} for target in max_len}
    skipped = {target: 0 for target in max_len}

    def add(target, data):
        if len(data) > max_len[target]:
            skipped[target] += 1
            return
        seeds[target][hashlib.sha1(data).hexdigest()] = data

    for _, path in files_under(FIXTURES):
        if os.path.basename(path) in METADATA_NAMES:
            add("FuzzMetadata", read(path))

    for selector, (fixture, how) in enumerate(cases("codecChainCases")):
        if not fixture:
            seed = recipe(how)
            if seed is not None:
                add("FuzzCodecChain", bytes([selector]) + seed)
            continue
        for path in chunk_files(fixture)[:CHUNKS_PER_CASE]:
            add("FuzzCodecChain", bytes([selector]) + read(path))

    for selector, (fixture, how) in enumerate(cases("shardIndexCases")):
        for path in chunk_files(fixture)[:CHUNKS_PER_CASE]:
            shard = read(path)
            if how == "move-index-to-start":
                shard = move_index_to_start(fixture, shard)
            elif how:
                sys.exit("seeds.py: unknown seed transform %r in Cases.swift" % how)
            if shard is not None:
                add("FuzzShardIndex", bytes([selector]) + shard)

    for store in stores():
        add("FuzzArrayRead", archive([(key, read(path)) for key, path in files_under(store)]))
    add("FuzzArrayRead", b"")

    for target, items in seeds.items():
        directory = os.path.join(out, target)
        os.makedirs(directory, exist_ok=True)
        for name, data in items.items():
            with open(os.path.join(directory, name), "wb") as f:
                f.write(data)
        print("seeds: %-15s %5d seeds (%d longer than %d bytes left out)" % (target, len(items), skipped[target], max_len[target]))


if __name__ == "__main__":
    main(sys.argv)
