"""The canonical digest (see Sources/ZarrCore/Arrays/CanonicalDigest.swift for the definition),
computed independently with NumPy from what a peer implementation read back."""
import hashlib
import struct

import numpy as np


def canonical_bytes(a):
    """Yields the canonical byte pieces of a NumPy array read by a peer, in C order."""
    a = np.asarray(a)
    if a.dtype == object:
        for x in a.reshape(-1, order="C"):
            if x is None:
                b = b""
            elif isinstance(x, str):
                b = x.encode("utf-8")
            elif isinstance(x, (bytes, bytearray)):
                b = bytes(x)
            else:  # vlen-array item
                x = np.asarray(x)
                b = x.astype(x.dtype.newbyteorder("<")).tobytes()
            yield struct.pack("<I", len(b)) + b
        return
    yield np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<"))).tobytes(order="C")


def digest(a):
    h = hashlib.sha256()
    for piece in canonical_bytes(a):
        h.update(piece)
    return h.hexdigest()


def dtype_json(dt):
    """The dtype as v2 metadata writes it (str for simple types, descr list for structured)."""
    return dt.descr if dt.fields else dt.str
