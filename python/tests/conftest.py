"""Shared fixtures: the binary under test, one LocalCluster for the session, the driver as a
subprocess, stores written by zarr-python 3 (from .venv-peers) and moto's S3 server (.venv-moto)."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TESTS = Path(__file__).resolve().parent
PEERS_PYTHON = REPO / ".venv-peers" / "bin" / "python"
MOTO_PYTHON = REPO / ".venv-moto" / "bin" / "python"
BINARY = os.environ.get("ZARR_CONFORMANCE_BINARY") or str(REPO / ".build" / "debug" / "zarr-conformance")

sys.path.insert(0, str(REPO / "python"))

# moto takes any credentials; the binary reads them from AWS_* (the cluster's workers inherit them).
for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(name, None)
os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_REGION="us-east-1")


def run(argv, timeout=300, **kwargs):
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, **kwargs)


def driver_argv(*args):
    return [sys.executable, "-m", "zarr_conformance_dask", *map(str, args)]


def driver_env():
    return dict(os.environ, PYTHONPATH=str(REPO / "python"))


def run_driver(*args, timeout=300, env=None, **kwargs):
    """`python -m zarr_conformance_dask ARGS` as a user runs it."""
    return run(driver_argv(*args), timeout=timeout, env=env or driver_env(), **kwargs)


@pytest.fixture(scope="session")
def binary():
    """The Swift CLI; the end-to-end tests need its `merge` (issue 13's partition contract)."""
    assert os.access(BINARY, os.X_OK), f"no zarr-conformance binary at {BINARY} (swift build, or set ZARR_CONFORMANCE_BINARY)"
    if run([BINARY, "merge", "--help"]).returncode != 0:
        pytest.skip(f"{BINARY} has no `merge` subcommand yet (issue 13's partition contract): "
                    "the end-to-end tests need a build with validate/digest --partition and merge")
    return BINARY


@pytest.fixture(scope="session")
def cluster():
    """A client of a LocalCluster of 2 worker processes with 1 thread each, on loopback."""
    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as local, Client(local) as client:
        yield client


@pytest.fixture(scope="session")
def peers_python():
    assert PEERS_PYTHON.exists(), "no .venv-peers (bash scripts/setup.sh creates it)"
    return PEERS_PYTHON


WRITE_STORES = r"""
import sys
import numpy as np
import zarr
from zarr.codecs import ZstdCodec, GzipCodec
out = sys.argv[1]
rng = np.random.default_rng(2013)
root = zarr.open_group(out, mode="w", zarr_format=3)
a = root.create_array("a", shape=(2000, 600), chunks=(100, 100), dtype="<f4", compressors=ZstdCodec(level=1))
a[...] = rng.standard_normal((2000, 600)).astype("<f4")
c = root.create_group("b").create_array("c", shape=(300, 300), shards=(100, 100), chunks=(50, 50), dtype="<i4",
                                          compressors=GzipCodec(level=1))
c[...] = rng.integers(-1000, 1000, (300, 300), dtype="<i4")
s = root.create_array("s", shape=(40,), chunks=(7,), dtype=str)
s[...] = np.array([f"text {i}" * (i % 4) for i in range(40)], dtype=object)
"""


@pytest.fixture(scope="session")
def stores(tmp_path_factory, peers_python):
    """good.zarr: a v3 hierarchy written by zarr-python 3 (a: 20 × 6 chunks of float32, b/c: 9
    shards, s: strings); bad.zarr: the same with two truncated chunks, one chunk of garbage and a
    truncated shard; fixture-bad.zarr: a committed v2 fixture with one chunk truncated."""
    root = tmp_path_factory.mktemp("stores")
    good = root / "good.zarr"
    done = run([peers_python, "-c", WRITE_STORES, good])
    assert done.returncode == 0, done.stderr
    bad = root / "bad.zarr"
    shutil.copytree(good, bad)
    for key, keep in (("a/c/3/2", 10), ("a/c/11/0", 0), ("b/c/c/1/2", 100)):
        path = bad / key
        assert path.exists(), key
        with open(path, "r+b") as f:
            f.truncate(keep)
    (bad / "a/c/7/5").write_bytes(b"not a zstd frame" * 8)
    fixture = REPO / "Vectors/fixtures/v2/zarr-python-2.18.7/blosc-zstd-shuffle1.zarr"
    fixture_bad = root / "fixture-bad.zarr"
    shutil.copytree(fixture, fixture_bad)
    chunk = fixture_bad / "1.1"
    chunk.write_bytes(chunk.read_bytes()[:-5])
    return {"good": good, "bad": bad, "fixture-bad": fixture_bad}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


UPLOAD = r"""
import os, sys
import boto3
endpoint, bucket, *pairs = sys.argv[1:]
s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
s3.create_bucket(Bucket=bucket)
for i in range(0, len(pairs), 2):
    local, prefix = pairs[i], pairs[i + 1]
    for directory, _, names in os.walk(local):
        for name in names:
            path = os.path.join(directory, name)
            key = prefix + "/" + os.path.relpath(path, local).replace(os.sep, "/")
            s3.upload_file(path, bucket, key)
"""


@pytest.fixture(scope="session")
def s3(stores):
    """moto's S3 server on 127.0.0.1 with bucket `dask` holding good.zarr and bad.zarr."""
    assert MOTO_PYTHON.exists(), "no .venv-moto (bash scripts/setup.sh creates it)"
    port = free_port()
    env = dict(os.environ, MOTO_ALLOW_NONEXISTENT_REGION="true")
    server = subprocess.Popen([str(MOTO_PYTHON), "-c", "import sys; from moto.server import main; sys.exit(main(sys.argv[1:]))",
                               "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "moto did not start"
                time.sleep(0.2)
        endpoint = f"http://127.0.0.1:{port}"
        done = run([MOTO_PYTHON, "-c", UPLOAD, endpoint, "dask", stores["good"], "good.zarr", stores["bad"], "bad.zarr"], env=env)
        assert done.returncode == 0, done.stderr
        yield {"endpoint": endpoint, "good": "s3://dask/good.zarr", "bad": "s3://dask/bad.zarr"}
    finally:
        server.terminate()
        server.wait(timeout=10)




# Counts the tests report (fixtures compared, stores checked), printed after the run.
SUMMARY = []


def pytest_terminal_summary(terminalreporter):
    for line in SUMMARY:
        terminalreporter.write_line(line)
