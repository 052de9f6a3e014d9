"""The driver's own behaviour against a stand-in binary (fake_cli.py), so these run without the
Swift build: the parts reach merge complete and in order, options reach every partition, exit
codes and stderr come back, failed tasks are retried, and the partition count follows the store."""
import json
import os
import sys

import pytest
from conftest import TESTS, run_driver

from zarr_conformance_dask import driver

FINDINGS = [{"severity": ("error", "warning", "info")[i % 3], "message": f"finding {i}"} for i in range(23)]
ITEMS = [f"row {i}" for i in range(17)]


@pytest.fixture(scope="session")
def fake(tmp_path_factory):
    path = tmp_path_factory.mktemp("fake") / "zarr-conformance"
    path.write_text(f"#!{sys.executable}\n" + (TESTS / "fake_cli.py").read_text())
    path.chmod(0o755)
    return str(path)


def make_store(tmp_path, **extra):
    store = tmp_path / "store.json"
    store.write_text(json.dumps({"findings": FINDINGS, "items": ITEMS, "log": str(tmp_path / "log.jsonl"), **extra}))
    return store


def calls(tmp_path):
    path = tmp_path / "log.jsonl"
    return [json.loads(line) for line in open(path)] if path.exists() else []


def single(fake, *args):
    """What the stand-in prints unpartitioned: what the driver must print."""
    from conftest import run
    return run([fake, *args])


@pytest.mark.parametrize("partitions,fmt,fail_on", [(1, "json", "error"), (3, "text", "never"), (7, "json", "warning"),
                                                    (40, "json", "error")])  # 40: more partitions than findings
def test_validate_equals_unpartitioned(cluster, fake, tmp_path, partitions, fmt, fail_on):
    store = make_store(tmp_path)
    want = single(fake, "validate", store, "--format", fmt, "--fail-on", fail_on)
    got = run_driver("validate", store, "--format", fmt, "--fail-on", fail_on, "--partitions", partitions,
                     "--binary", fake, "--scheduler", cluster.scheduler.address)
    assert (got.returncode, got.stdout) == (want.returncode, want.stdout), got.stderr
    assert want.returncode == (0 if fail_on == "never" else 1)
    parts = sorted(c[c.index("--partition") + 1] for c in calls(tmp_path) if "--partition" in c)
    assert parts == sorted(f"{i}/{partitions}" for i in range(partitions))


def test_digest_equals_unpartitioned(cluster, fake, tmp_path):
    store = make_store(tmp_path)
    want = single(fake, "digest", store, "--algorithm", "tree")
    got = run_driver("digest", store, "--algorithm", "tree", "--partitions", 5, "--binary", fake,
                     "--scheduler", cluster.scheduler.address)
    assert (got.returncode, got.stdout) == (0, want.stdout), got.stderr
    assert json.loads(got.stdout)["items"] == len(ITEMS)


def test_options_reach_every_partition(cluster, fake, tmp_path):
    store = make_store(tmp_path)
    manifest = tmp_path / "manifest.json"
    manifest.write_text('{"keys": {"0.0": 12}}')
    got = run_driver("validate", store, "--format", "json", "--partitions", 4, "--binary", fake,
                     "--scheduler", cluster.scheduler.address, "--endpoint-url", "http://127.0.0.1:9",
                     "--no-sign-request", "--concurrency", 5, "--retries", 1, "--spec", "3.0", "--metadata-only",
                     "--expect-chunks", manifest)
    # The manifest went to the workers as bytes: every partition saw the same file content.
    assert json.loads(got.stdout)["manifest_sha256"] == __import__("hashlib").sha256(manifest.read_bytes()).hexdigest()
    partitions = [c for c in calls(tmp_path) if "--partition" in c]
    assert len(partitions) == 4
    for c in partitions:
        for option in (["--endpoint-url", "http://127.0.0.1:9"], ["--concurrency", "5"], ["--retries", "1"],
                       ["--spec", "3.0"], ["--format", "jsonl"]):
            assert c[c.index(option[0]):c.index(option[0]) + 2] == option, c
        assert "--no-sign-request" in c and "--metadata-only" in c
        assert c[1] == str(store)


def test_relative_location_is_made_absolute(cluster, fake, tmp_path):
    store = make_store(tmp_path)
    want = single(fake, "validate", store, "--format", "json")
    got = run_driver("validate", "store.json", "--format", "json", "--partitions", 2, "--binary", fake,
                     "--scheduler", cluster.scheduler.address, cwd=tmp_path)
    assert (got.returncode, got.stdout) == (want.returncode, want.stdout), got.stderr


@pytest.mark.parametrize("command", ["validate", "digest"])
@pytest.mark.parametrize("code", [2, 3])
def test_usage_and_unreadable_end_the_run(cluster, fake, tmp_path, command, code):
    store = make_store(tmp_path, exit={"2": [code, "error: key 'a/0': no such file\n"]})
    extra = ["--algorithm", "dandi"] if command == "digest" else []
    got = run_driver(command, store, *extra, "--partitions", 4, "--binary", fake, "--scheduler", cluster.scheduler.address)
    assert got.returncode == code
    assert got.stdout == ""
    assert got.stderr.endswith("error: key 'a/0': no such file\n")


def test_digest_partition_exit_1_is_a_failure(cluster, fake, tmp_path):
    store = make_store(tmp_path, exit={"1": [1, "error: no array at node 'x'\n"]})
    got = run_driver("digest", store, "--algorithm", "tree", "--partitions", 3, "--binary", fake,
                     "--scheduler", cluster.scheduler.address)
    assert (got.returncode, got.stdout) == (1, "")
    assert "no array at node 'x'" in got.stderr


def test_a_crashed_partition_is_retried(cluster, fake, tmp_path):
    store = make_store(tmp_path, crash={"1": str(tmp_path / "crashed-once")})
    want = single(fake, "validate", store, "--format", "json")
    got = run_driver("validate", store, "--format", "json", "--partitions", 3, "--binary", fake,
                     "--scheduler", cluster.scheduler.address)
    assert (got.returncode, got.stdout) == (want.returncode, want.stdout), got.stderr
    assert (tmp_path / "crashed-once").exists()
    ran = [c[c.index("--partition") + 1] for c in calls(tmp_path) if "--partition" in c]
    assert sorted(ran) == ["0/3", "1/3", "1/3", "2/3"]


def test_a_partition_that_keeps_crashing_fails_the_run(cluster, fake, tmp_path):
    store = make_store(tmp_path, crash={"0": "always"})
    got = run_driver("validate", store, "--partitions", 2, "--binary", fake, "--scheduler", cluster.scheduler.address)
    assert (got.returncode, got.stdout) == (driver.EXIT_PARTITION_FAILED, "")
    assert "partition 0/2 failed after 2 retries" in got.stderr and "signal 9" in got.stderr
    ran = [c[c.index("--partition") + 1] for c in calls(tmp_path) if "--partition" in c]
    assert ran.count("0/2") == 1 + driver.RETRIES


def test_partition_count_from_info(cluster, fake, tmp_path):
    info = {"node_type": "array", "shape": [10_000_000, 10], "chunks": [10, 10],
            "storage": {"grid_chunks": 1_000_000, "stored_chunks": 250_000}}
    store = make_store(tmp_path, info=info)
    got = run_driver("validate", store, "--binary", fake, "--scheduler", cluster.scheduler.address)
    assert got.returncode == 1, got.stderr
    ran = [c for c in calls(tmp_path) if "--partition" in c]
    assert len(ran) == 10 and all(c[c.index("--partition") + 1].endswith("/10") for c in ran)


def test_own_local_cluster(fake, tmp_path):
    """--workers: the driver starts (and stops) its own LocalCluster."""
    store = make_store(tmp_path)
    want = single(fake, "validate", store, "--format", "json")
    got = run_driver("validate", store, "--format", "json", "--workers", 2, "--binary", fake)
    assert (got.returncode, got.stdout) == (want.returncode, want.stdout), got.stderr
    # No --partitions and no info for the store's array: 2 × (2 workers × 1 thread).
    assert len([c for c in calls(tmp_path) if "--partition" in c]) == 4


def test_binary_without_merge(fake, tmp_path):
    got = run_driver("validate", make_store(tmp_path), "--binary", fake, env=dict(os.environ, FAKE_NO_MERGE="1",
                                                                                 PYTHONPATH=str(TESTS.parent)))
    assert got.returncode == 2 and "no `merge` subcommand" in got.stderr


def test_usage_errors_exit_2(fake):
    assert run_driver("validate").returncode == 2
    assert run_driver("digest", "x", "--algorithm", "sha256").returncode == 2
    assert run_driver("validate", "x", "--workers", 2, "--scheduler", "tcp://127.0.0.1:1").returncode == 2
    got = run_driver("validate", "x", "--binary", "/nonexistent/zarr-conformance")
    assert got.returncode == 2 and "not an executable" in got.stderr


@pytest.mark.parametrize("command,algorithm,info,threads,want", [
    ("validate", None, None, 4, 8),
    ("validate", None, {"node_type": "group"}, 2, 4),
    ("validate", None, {"node_type": "array", "storage": {"grid_chunks": 1_000_001}}, 2, 11),
    ("validate", None, {"node_type": "array", "storage": {"grid_chunks": 90}}, 8, 16),
    ("digest", "dandi", {"node_type": "array", "storage": {"grid_chunks": 10**7, "stored_chunks": 10**6}}, 2, 10),
    ("digest", "tree", {"node_type": "array", "shape": [1000, 50], "chunks": [400, 50],
                        "storage": {"grid_chunks": 3}}, 8, 3),
    ("digest", "tree", {"node_type": "array", "shape": [], "chunks": [], "storage": {"grid_chunks": 1}}, 8, 1),
    ("digest", "tree", {"node_type": "array", "shape": [0, 5], "chunks": [4, 5], "storage": {"grid_chunks": 0}}, 2, 1),
    ("digest", "tree", {"node_type": "array", "shape": [10**8], "chunks": [10],
                        "storage": {"grid_chunks": 10**7}}, 2, 100),
])
def test_default_partitions(command, algorithm, info, threads, want):
    assert driver.default_partitions(command, algorithm, threads, info) == want


def test_workers_need_no_copy_of_the_package(fake, tmp_path):
    """A cluster started apart (`dask scheduler`, `dask worker`) whose workers cannot import
    zarr_conformance_dask: the task is sent by value (docs/dask.md)."""
    import importlib.util
    import subprocess
    import time

    from distributed import Client
    bin_dir = os.path.dirname(sys.executable)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    scheduler_file = tmp_path / "scheduler.json"
    processes = [subprocess.Popen([os.path.join(bin_dir, "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                   "--no-dashboard", "--scheduler-file", str(scheduler_file)],
                                  cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists():
            assert time.monotonic() < deadline, "the scheduler did not start"
            time.sleep(0.1)
        processes.append(subprocess.Popen([os.path.join(bin_dir, "dask"), "worker", "--scheduler-file", str(scheduler_file),
                                           "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1"],
                                          cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(scheduler_file=str(scheduler_file), timeout=60) as client:
            client.wait_for_workers(1, timeout=60)
            assert list(client.run(importlib.util.find_spec, "zarr_conformance_dask").values()) == [None]
            address = client.scheduler.address
        store = make_store(tmp_path)
        want = single(fake, "validate", store, "--format", "json")
        got = run_driver("validate", store, "--format", "json", "--partitions", 3, "--binary", fake, "--scheduler", address)
        assert (got.returncode, got.stdout) == (want.returncode, want.stdout), got.stderr
        # The task's own exception comes back from such a worker too.
        crashing = make_store(tmp_path, crash={"1": "always"})
        got = run_driver("validate", crashing, "--partitions", 3, "--binary", fake, "--scheduler", address)
        assert got.returncode == driver.EXIT_PARTITION_FAILED and "PartitionFailed" in got.stderr, got.stderr
    finally:
        for p in reversed(processes):
            p.terminate()
            p.wait(timeout=30)
