#!/usr/bin/env python3
"""Writes OME-Zarr images with ome-zarr 0.21.0 (through zarr-python 3.4.2, Python 3.12 venv):
NGFF 0.4 on Zarr v2 and NGFF 0.5 on Zarr v3, each an image pyramid with a label image, with
catalogs. Each pyramid level (and label level) is one case; the node is its path in the store.

    .venv-peers-py312/bin/python Vectors/generators/ome_zarr_writer.py

Expected digests come from ome-zarr's own read-back (its Reader: the image and label pyramids
it finds from the NGFF metadata); zarr-python 3.1.6 (and for v2 zarr-python 2.18.7) reads
every level too (`expected.cross_check`).
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.simplefilter("ignore")

import numpy as np  # noqa: E402
import ome_zarr  # noqa: E402
import zarr  # noqa: E402
from ome_zarr.format import FormatV04, FormatV05  # noqa: E402
from ome_zarr.io import parse_url  # noqa: E402
from ome_zarr.reader import Reader  # noqa: E402
from ome_zarr.writer import write_image, write_labels  # noqa: E402

from common import PeerWriter, cross_check  # noqa: E402

SCRIPT = "Vectors/generators/ome_zarr_writer.py"
VERSION = "0.21.0"


def image():
    """A 2-channel 3-D image (c, z, y, x) of smooth uint16 values and a label image of two blobs."""
    z, y, x = np.mgrid[0:6, 0:40, 0:33]
    img = np.stack([(x * 7 + y * 3 + z * 11) % 4096, (x * y + z) % 65535]).astype("uint16")
    labels = (((y - 12) ** 2 + (x - 10) ** 2 < 64) * 1 + ((y - 28) ** 2 + (x - 22) ** 2 < 49) * 2).astype("uint8")
    return img, np.broadcast_to(labels, (6, 40, 33)).copy()


def generate(fmt_name, fmt, zarr_format):
    w = PeerWriter(fmt_name, SCRIPT, "ome-zarr", VERSION, ngff=fmt.version, zarr_python=zarr.__version__)
    d = w.store(f"ngff-{fmt.version}-image")
    img, labels = image()
    group = zarr.open_group(d, mode="w", zarr_format=zarr_format)
    write_image(img, group, fmt=fmt, axes="czyx", scale_factors=[2, 4], storage_options={"chunks": (1, 3, 16, 16)})
    write_labels(labels, group, name="blobs", fmt=fmt, axes="zyx", scale_factors=[2],
                 label_metadata={"colors": [{"label-value": 1, "rgba": [255, 0, 0, 255]}]})
    # ome-zarr's read-back: the nodes its Reader finds (image, then labels), each level's data.
    nodes = list(Reader(parse_url(d))())
    for node in nodes:
        prefix = os.path.relpath(node.zarr.path, d) if os.path.abspath(node.zarr.path) != os.path.abspath(d) else ""
        paths = [ds["path"] for ds in node.metadata.get("multiscales", [{}])[0].get("datasets", [])] if "multiscales" in node.metadata else \
            [ds["path"] for ms in node.zarr.root_attrs.get("multiscales", node.zarr.root_attrs.get("ome", {}).get("multiscales", [])) for ds in ms["datasets"]]
        for path, data in zip(paths, node.data):
            full = "/".join(p for p in (prefix, path) if p and p != ".")
            got = np.asarray(data)
            requirements = ["V2-60", "V2-12"] if zarr_format == 2 else ["V3-10", "V3-20"]
            kind = "labels" if "labels" in full else "image"
            w.add(fmt_name, f"ngff-{fmt.version}-{kind}-level-{path}", requirements, d, got, node=full)
    if zarr_format == 2:
        cross_check(w.cases, "v2", "zarr-python-2", "zarr-python-2.18.7")
    cross_check(w.cases, "v3", "zarr-python-3", "zarr-python-3.1.6")
    w.save()


if __name__ == "__main__":
    assert ome_zarr.__version__ == VERSION, ome_zarr.__version__
    generate("v2", FormatV04(), 2)
    generate("v3", FormatV05(), 3)
