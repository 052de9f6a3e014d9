"""The `tree` digest (version 1) of docs/digests.md, computed with NumPy from an array a peer read.
Written from that definition alone, to check the Swift implementation. Usage: tree_digest(a) -> hex."""
import hashlib
import itertools
import struct

import numpy as np

from canonical import canonical_bytes


def element_size(dtype):
    """s: the canonical size of one element in bytes; 16 for variable-length types."""
    if dtype.kind in "OT":
        return 16
    return sum(len(piece) for piece in canonical_bytes(np.zeros(1, dtype=dtype)))


def tile_edge(rank, s):
    if rank == 0:
        return 1
    elements = max(1, (1 << 20) // max(1, s))  # s = 0 (an empty record) is taken as 1 byte
    k = elements.bit_length() - 1  # floor(log2(E))
    return 1 << (k // rank)


def tree_digest(a):
    a = np.asarray(a)
    rank, shape = a.ndim, a.shape
    e = tile_edge(rank, element_size(a.dtype))
    root = hashlib.sha256(b"zarr-tree-v1" + struct.pack(f"<{rank + 2}Q", rank, *shape, e))
    if 0 in shape:
        return root.hexdigest()  # no rows: the header alone

    def tile_hash(t):
        h = hashlib.sha256()
        for piece in canonical_bytes(a[tuple(slice(i * e, (i + 1) * e) for i in t) + (Ellipsis,)]):
            h.update(piece)
        return h.digest()

    grid = [-(-d // e) for d in shape]  # ceil(d / e) tiles per axis
    rows = [()] if rank == 0 else [(j,) for j in range(grid[0])]
    for row in rows:
        rest = itertools.product(*(range(g) for g in grid[1:]))  # C order of the other tile coordinates
        root.update(hashlib.sha256(b"".join(tile_hash(row + t) for t in rest)).digest())
    return root.hexdigest()
