"""`python -m zarr_conformance_dask` on a LocalCluster of 2 worker processes prints what one
`zarr-conformance` process prints, with the same exit code: validate and digest, on local stores
with bad chunks and on the same stores in S3 (moto), and when a worker is killed mid-run."""
import json
import os
import signal
import subprocess
import time

import pytest
from conftest import SUMMARY, driver_argv, driver_env, run, run_driver


def single(binary, *args):
    return run([binary, *args])


def same(got, want):
    assert (got.returncode, got.stdout) == (want.returncode, want.stdout), got.stderr


@pytest.mark.parametrize("store,fmt,partitions", [
    ("bad", "json", None), ("bad", "text", 7), ("bad", "sarif", 3), ("bad", "junit", 16),
    ("good", "json", None), ("fixture-bad", "json", 5),
])
def test_validate_local(binary, cluster, stores, store, fmt, partitions):
    want = single(binary, "validate", stores[store], "--format", fmt)
    extra = ["--partitions", partitions] if partitions else []
    got = run_driver("validate", stores[store], "--format", fmt, "--binary", binary,
                     "--scheduler", cluster.scheduler.address, *extra)
    same(got, want)
    assert want.returncode == (0 if store == "good" else 1)
    if fmt == "json":
        errors = [f for f in json.loads(want.stdout)["findings"] if f["severity"] == "error"]
        assert len(errors) == {"good": 0, "bad": 4, "fixture-bad": 1}[store], errors


def test_validate_options(binary, cluster, stores, tmp_path):
    """--fail-on, --metadata-only, --spec and a manifest for --expect-chunks (sent to the workers)."""
    manifest = tmp_path / "manifest.json"
    done = single(binary, "manifest", stores["good"])
    assert done.returncode == 0, done.stderr
    manifest.write_text(done.stdout)
    for options in (["--fail-on", "never"], ["--metadata-only", "--spec", "3.0"], ["--expect-chunks", manifest],
                    ["--expect-chunks", "all", "--fail-on", "warning"]):
        want = single(binary, "validate", stores["bad"], "--format", "json", *options)
        got = run_driver("validate", stores["bad"], "--format", "json", *options, "--partitions", 5,
                         "--binary", binary, "--scheduler", cluster.scheduler.address)
        same(got, want)
        if options[-1] == manifest:  # the four damaged chunks differ from the good store's manifest
            rules = [f["rule"] for f in json.loads(want.stdout)["findings"]]
            assert rules.count("data.chunks.changed") == 4, rules


@pytest.mark.parametrize("store,args", [
    ("good", ["--algorithm", "tree", "--node", "a"]),
    ("good", ["--algorithm", "tree", "--node", "b/c"]),
    ("good", ["--algorithm", "tree", "--node", "s"]),
    ("good", ["--algorithm", "dandi"]),
    ("bad", ["--algorithm", "dandi"]),
    ("bad", ["--algorithm", "tree", "--node", "a"]),  # a chunk does not decode: exit 3, as one process
])
def test_digest_local(binary, cluster, stores, store, args):
    want = single(binary, "digest", stores[store], *args)
    got = run_driver("digest", stores[store], *args, "--binary", binary, "--scheduler", cluster.scheduler.address)
    same(got, want)
    if store == "bad" and "tree" in args:
        assert want.returncode == 3 and got.stderr.strip()
    else:
        assert want.returncode == 0 and json.loads(want.stdout)[args[1]]


def test_tree_partitions_across_chunk_rows(binary, cluster, stores):
    """One partition (the whole digest), fewer partitions than tile rows, more than chunk rows: one value."""
    want = json.loads(single(binary, "digest", stores["good"], "--algorithm", "tree", "--node", "a").stdout)["tree"]
    for n in (1, 3, 33):
        got = run_driver("digest", stores["good"], "--algorithm", "tree", "--node", "a", "--partitions", n,
                         "--binary", binary, "--scheduler", cluster.scheduler.address)
        assert got.returncode == 0 and json.loads(got.stdout)["tree"] == want, (n, got.stderr)


def test_s3(binary, cluster, stores, s3):
    endpoint = ["--endpoint-url", s3["endpoint"]]
    dandi = {}
    for store in ("bad", "good"):
        cases = [["validate", "--format", "json"], ["digest", "--algorithm", "dandi"],
                 ["digest", "--algorithm", "tree", "--node", "a"]]
        for command, *args in cases:
            want = single(binary, command, s3[store], *args, *endpoint)
            got = run_driver(command, s3[store], *args, *endpoint, "--binary", binary,
                             "--scheduler", cluster.scheduler.address)
            same(got, want)
            local = single(binary, command, stores[store], *args)
            assert want.returncode == local.returncode, want.stderr
            if command == "digest" and want.returncode == 0:
                # The same keys and bytes in S3: the same digests as on disk.
                assert json.loads(want.stdout)[args[1]] == json.loads(local.stdout)[args[1]]
                dandi[store] = json.loads(want.stdout).get("dandi", dandi.get(store))
            if command == "validate":
                assert json.loads(want.stdout)["valid"] is (store == "good")
    assert dandi["good"] != dandi["bad"]


def test_own_local_cluster(binary, stores):
    """--workers 2: the driver starts its own LocalCluster."""
    want = single(binary, "validate", stores["bad"], "--format", "json")
    got = run_driver("validate", stores["bad"], "--format", "json", "--workers", 2, "--binary", binary)
    same(got, want)


def test_unreadable_store(binary, cluster, tmp_path):
    missing = tmp_path / "missing.zarr"
    for args in (["validate", missing, "--format", "json"], ["digest", missing, "--algorithm", "dandi"]):
        want = single(binary, *args)
        got = run_driver(*args, "--binary", binary, "--scheduler", cluster.scheduler.address)
        same(got, want)
        assert want.returncode == 3 and got.stderr.strip() == want.stderr.strip()


def test_a_worker_killed_mid_run(binary, cluster, stores, tmp_path):
    """16 partitions of about 1 s each on 2 workers; one worker process is killed (SIGKILL)
    while both run a partition. Dask runs its partition again elsewhere (the nanny restarts the
    worker), and the merged report is the one-process report."""
    log = tmp_path / "partitions.log"
    slow = tmp_path / "slow-zarr-conformance"
    slow.write_text(f"""#!/bin/sh
case " $* " in *" --partition "*) echo "$*" >> '{log}'; sleep 1 ;; esac
exec '{binary}' "$@"
""")
    slow.chmod(0o755)
    want = single(binary, "validate", stores["bad"], "--format", "json")
    started = time.monotonic()
    driver = subprocess.Popen(driver_argv("validate", stores["bad"], "--format", "json", "--partitions", 16,
                                          "--binary", slow, "--scheduler", cluster.scheduler.address),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=driver_env())
    try:
        deadline = time.monotonic() + 60
        while not (log.exists() and len(log.read_text().splitlines()) >= 2):  # both workers are in a partition
            assert time.monotonic() < deadline and driver.poll() is None, driver.stderr.read() if driver.poll() is not None else "no partition started"
            time.sleep(0.05)
        busy = [address for address, keys in cluster.processing().items() if keys]
        assert busy
        pid = cluster.run(os.getpid, workers=busy[:1])[busy[0]]
        os.kill(pid, signal.SIGKILL)
        stdout, stderr = driver.communicate(timeout=240)
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
    assert (driver.returncode, stdout) == (want.returncode, want.stdout), stderr
    runs = [line.split("--partition ")[1].split()[0] for line in log.read_text().splitlines()]
    assert sorted(set(runs)) == sorted(f"{i}/16" for i in range(16))
    again = sorted({r for r in runs if runs.count(r) > 1})
    assert again, "no partition ran twice: the kill did not interrupt a task"
    SUMMARY.append(f"dask: worker {pid} killed mid-run; partitions run again: {again}; "
                   f"merged report equal to one process ({time.monotonic() - started:.1f} s)")
