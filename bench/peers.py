"""One peer implementation reading (or writing) one benchmark array, timed in-process.

    python peers.py JOB.json      (with the venv that holds the peer; bench/run.py picks it)

JOB: {"op": "read" | "write", "impl": a key of READERS or WRITERS, "format": "v2" | "v3" | "n5",
      "store": a path or an http:// URL, "node": "", "selection": [[start, stop], ...] or null,
      "source": raw little-endian file (write), "shape", "dtype" (write), "repeats": N, "warmup": W}

Imports happen before any timing. Each read opens the array, reads it (or the selection) into a
NumPy array and takes the canonical digest of Vectors/peers/canonical.py; each write creates the
array and writes the in-memory NumPy array into it (the destination is removed, untimed, before
every repetition). W untimed repetitions go first (their times: `warmup_times`). Prints one JSON object: versions, per-run wall
seconds (`times`) and CPU seconds of the process, all threads (`cpu`), the digest, and the peak
RSS after imports and at the end (KiB).
"""
import json
import os
import resource
import shutil
import sys
import time
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Vectors", "peers"))
warnings.simplefilter("ignore")

from canonical import digest  # noqa: E402


def index(job, ndim):
    sel = job.get("selection")
    return tuple(slice(a, b) for a, b in sel) if sel else tuple(slice(None) for _ in range(ndim))


def zarr_python(job, zarrs=False):
    import zarr
    if zarrs:
        import zarrs as _  # noqa: F401  registers the pipeline
    config = {"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True} if zarrs else {}

    def read():
        with zarr.config.set(config):
            a = zarr.open_array(job["store"], mode="r", zarr_format=3 if job["format"] == "v3" else 2)
            return a[index(job, a.ndim)]
    return read


def zarr_python_2(job):
    import numpy as np
    import zarr

    def read():
        if job["format"] == "n5":  # N5Store reverses the axes (N5-24): turned back to N5 order
            a = zarr.open(zarr.N5Store(job["store"]), mode="r", path=job["node"])
            return np.transpose(a[index(job, a.ndim)[::-1]])
        a = zarr.open_array(job["store"], mode="r")
        return a[index(job, a.ndim)]
    return read


def zarr_n5(job):
    import zarr
    from zarr.storage import LocalStore
    from zarr_n5 import N5WrapperStore

    def read():
        store = N5WrapperStore(LocalStore(job["store"], read_only=True))
        a = zarr.open_array(store=store, mode="r", zarr_format=3, path=job["node"])
        return a[index(job, a.ndim)]
    return read


def z5py_reader(job):
    import numpy as np
    import z5py

    def read():  # z5py reverses N5 axes (N5-24): turned back to N5 order
        ds = z5py.File(job["store"], mode="r")[job["node"]]
        ds.n_threads = os.cpu_count()
        return np.transpose(ds[index(job, ds.ndim)[::-1]])
    return read


def tensorstore_spec(job):
    driver = {"v2": "zarr", "v3": "zarr3", "n5": "n5"}[job["format"]]
    store = job["store"].rstrip("/") + "/" + (job["node"] + "/" if job["node"] else "")
    if store.startswith("http"):
        return {"driver": driver, "kvstore": {"driver": "http", "base_url": store}}
    return {"driver": driver, "kvstore": {"driver": "file", "path": store}}


def tensorstore_reader(job):
    import tensorstore as ts

    def read():
        a = ts.open(tensorstore_spec(job), open=True, read=True).result()
        return a[index(job, a.ndim)].read().result()
    return read


READERS = {"zarr-python": zarr_python, "zarrs": lambda job: zarr_python(job, zarrs=True),
           "tensorstore": tensorstore_reader, "zarr-python-2": zarr_python_2, "z5py": z5py_reader, "zarr-n5": zarr_n5}


def zarr_python_writer(job, zarrs=False):
    import zarr
    if zarrs:
        import zarrs as _  # noqa: F401
    config = {"codec_pipeline.path": "zarrs.ZarrsCodecPipeline", "codec_pipeline.strict": True} if zarrs else {}

    def write(data):
        with zarr.config.set(config):
            a = zarr.create_array(job["store"], shape=data.shape, dtype=data.dtype, chunks=(512, 512),
                                  compressors=zarr.codecs.ZstdCodec(level=1), zarr_format=3, fill_value=0)
            a[...] = data
    return write


def tensorstore_writer(job):
    import tensorstore as ts

    def write(data):
        spec = {"driver": "zarr3", "kvstore": {"driver": "file", "path": job["store"]},
                "metadata": {"shape": list(data.shape), "data_type": str(data.dtype),
                             "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": [512, 512]}},
                             "codecs": [{"name": "bytes", "configuration": {"endian": "little"}},
                                        {"name": "zstd", "configuration": {"level": 1, "checksum": False}}],
                             "fill_value": 0}}
        ts.open(spec, create=True, delete_existing=True).result().write(data).result()
    return write


WRITERS = {"zarr-python": zarr_python_writer, "zarrs": lambda job: zarr_python_writer(job, zarrs=True),
           "tensorstore": tensorstore_writer}


def versions():
    out = {}
    for name in ("zarr", "zarrs", "tensorstore", "z5py", "zarr_n5", "numcodecs", "numpy", "fsspec", "aiohttp"):
        try:
            from importlib.metadata import version
            out[name] = version(name.replace("_", "-"))
        except Exception:  # noqa: BLE001  not installed in this venv
            pass
    return out


def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main():
    job = json.load(open(sys.argv[1]))
    result = {"impl": job["impl"], "op": job["op"], "versions": versions(), "times": [], "cpu": []}
    if job["op"] == "read":
        run = READERS[job["impl"]](job)
        setup = None
    else:
        import numpy as np
        make = WRITERS[job["impl"]](job)
        data = np.fromfile(job["source"], dtype=job["dtype"]).reshape(job["shape"])

        def setup():
            shutil.rmtree(job["store"], ignore_errors=True)

        def run():
            make(data)
    result["rss_after_setup_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for i in range(job.get("warmup", 0) + job["repeats"]):
        if setup:
            setup()
        t0, c0 = time.perf_counter(), cpu()
        out = run()
        d = digest(out) if job["op"] == "read" else None
        t1, c1 = time.perf_counter(), cpu()
        if i >= job.get("warmup", 0):
            result["times"].append(t1 - t0)
            result["cpu"].append(c1 - c0)
        else:
            result.setdefault("warmup_times", []).append(t1 - t0)
        if d is not None:
            result["sha256"], result["shape"] = d, list(out.shape)
            del out
    result["rss_peak_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


if __name__ == "__main__":
    main()
