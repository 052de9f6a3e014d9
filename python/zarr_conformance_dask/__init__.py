"""Partitioned `zarr-conformance validate` and `digest` on a Dask cluster (docs/dask.md).

Each Dask task runs the zarr-conformance binary on one partition of the store
(`--partition I/N`); the driver merges the parts with `zarr-conformance merge` and prints exactly
what the unpartitioned command prints, with its exit code.
"""
from .driver import main

__all__ = ["main"]
