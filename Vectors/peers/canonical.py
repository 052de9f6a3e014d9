"""The canonical digest (see Sources/ZarrCore/Arrays/CanonicalDigest.swift for the definition),
computed independently with NumPy from what a peer implementation read back."""
import hashlib
import struct

import numpy as np


def canonical_bytes(a):
    """Yields the canonical byte pieces of a NumPy array read by a peer, in C order."""
    a = np.asarray(a)
    if a.dtype.kind in "OT":  # object arrays and NumPy 2 StringDType (zarr-python 3 strings)
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
    name = a.dtype.name
    if name in ("int2", "int4"):  # ml_dtypes sub-byte ints: one sign-extended byte each
        yield np.ascontiguousarray(a.astype(np.int8)).tobytes(order="C")
    elif name in ("uint2", "uint4"):
        yield np.ascontiguousarray(a.astype(np.uint8)).tobytes(order="C")
    elif name == "bfloat16" or name.startswith(("float8_", "float6_", "float4_")):  # ml_dtypes: native (little-endian) bits
        yield np.ascontiguousarray(a).tobytes(order="C")
    else:
        yield np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<"))).tobytes(order="C")


def digest(a):
    h = hashlib.sha256()
    for piece in canonical_bytes(a):
        h.update(piece)
    return h.hexdigest()


def dtype_json(dt):
    """The dtype as v2 metadata writes it (str for simple types, descr list for structured)."""
    return dt.descr if dt.fields else dt.str
