#!/usr/bin/env python3
"""make bench: this implementation against the pinned peers on the same data, one run.

    python3 bench/run.py [--quick] [--rounds R] [--repeats N] [--cases 1,2,7] [--output Reports]

Makes .venv-bench (bench/requirements.txt on top of .venv-peers), writes the benchmark stores
with the pinned peers (bench/data.py, cached under .work/bench/data), times every reader and
writer on them, checks every digest against the one the data was written from, and writes
OUTPUT/benchmarks.md, benchmarks.json (every raw measurement) and benchmarks.png.

Ours is timed as whole `zarr-conformance` processes (process start included); each peer runs in
a subprocess of its own venv (bench/peers.py) and is timed in-process, imports excluded. The
cases run in R rounds (alternating who goes first), each taking N timed runs per implementation
after one untimed warm-up; a figure is the median of its R x N runs. Exit 1 when a digest
disagrees (the reports are written first, naming it).
"""
import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from httpcount import Server  # noqa: E402
from report import OURS, goals, markdown, ratios  # noqa: E402

BIN = os.path.join(ROOT, ".build", "release", "zarr-conformance")
WORK = os.path.join(ROOT, ".work", "bench")
DATA = os.path.join(WORK, "data")
PEERS_PY = os.path.join(ROOT, ".venv-peers", "bin", "python")
PEERS2_PY = os.path.join(ROOT, ".venv-peers-v2", "bin", "python")
BENCH_VENV = os.path.join(ROOT, ".venv-bench")
BENCH_PY = os.path.join(BENCH_VENV, "bin", "python")
LATENCY_MS = 20
TIME = "/usr/bin/time"  # GNU time (Debian's `time`, installed by make setup)

# bench/peers.py's reader/writer keys -> (the Python package whose version is shown, the venv that runs it)
PEERS = {
    "zarr-python": ("zarr", PEERS_PY),
    "zarrs": ("zarrs", PEERS_PY),
    "tensorstore": ("tensorstore", PEERS_PY),
    "zarr-python-2": ("zarr", PEERS2_PY),
    "z5py": ("z5py", PEERS_PY),
    "zarr-n5": ("zarr_n5", PEERS_PY),
}
V3_READERS = ["zarr-python", "zarrs", "tensorstore"]


def log(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- environment

def ensure_bench_venv():
    """.venv-bench: the base Python of .venv-peers, that venv's packages through a .pth file, and
    bench/requirements.txt installed on top; rebuilt only when the requirements change."""
    req = os.path.join(HERE, "requirements.txt")
    want = hashlib.sha256(open(req, "rb").read() + PEERS_PY.encode()).hexdigest()
    stamp = os.path.join(BENCH_VENV, ".requirements.sha256")
    if os.path.exists(BENCH_PY) and os.path.exists(stamp) and open(stamp).read().strip() == want:
        return
    log("creating .venv-bench from bench/requirements.txt")
    shutil.rmtree(BENCH_VENV, ignore_errors=True)
    subprocess.run([PEERS_PY, "-m", "venv", BENCH_VENV], check=True)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    own = subprocess.run([BENCH_PY, "-c", purelib], check=True, capture_output=True, text=True).stdout.strip()
    peers = subprocess.run([PEERS_PY, "-c", purelib], check=True, capture_output=True, text=True).stdout.strip()
    with open(os.path.join(own, "_venv_peers.pth"), "w") as f:
        f.write(peers + "\n")
    subprocess.run([BENCH_PY, "-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", req], check=True)
    with open(stamp, "w") as f:
        f.write(want + "\n")


def ensure_zstd_cli():
    """The zstd CLI for the throughput reference: Debian's `zstd`, installed when missing (root)."""
    if shutil.which("zstd"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing Debian's zstd (the CLI)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "zstd"]
        if subprocess.run(install, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, stdout=subprocess.DEVNULL)
            subprocess.run(install, env=env, stdout=subprocess.DEVNULL)
    return bool(shutil.which("zstd"))


def machine():
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    mem = next((int(ln.split()[1]) for ln in open("/proc/meminfo") if ln.startswith("MemTotal")), 0)
    osr = dict(ln.rstrip().split("=", 1) for ln in open("/etc/os-release") if "=" in ln)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem / 1024 / 1024, 1),
            "os": osr.get("PRETTY_NAME", "").strip('"'), "kernel": platform.release(), "python": platform.python_version()}


def busy_jiffies():
    """CPU time spent by everything on the machine: user, nice, system, irq, softirq (not idle,
    iowait, steal, nor guest, which user already includes)."""
    f = [int(x) for x in open("/proc/stat").readline().split()[1:8]]
    return f[0] + f[1] + f[2] + f[5] + f[6]


def wait_for_quiet(max_wait_s, threshold=0.3):
    """Waits (at most max_wait_s) until other processes use less than `threshold` cores over 5 s,
    so that a build running beside the benchmark does not end up in its figures. Returns the
    cores they used in the last 5 s and the seconds waited."""
    t0 = time.monotonic()
    while True:
        b0 = busy_jiffies()
        time.sleep(5)
        used = (busy_jiffies() - b0) / os.sysconf("SC_CLK_TCK") / 5
        waited = time.monotonic() - t0
        if used < threshold or waited >= max_wait_s:
            return used, waited
        log(f"other processes use {used:.1f} cores; waiting for the machine to settle "
            f"({waited:.0f} of at most {max_wait_s} s; --wait-idle 0 skips this)")


def ours_info():
    out = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip().splitlines()
    git = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %cI"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources", "Package.swift"],
                           capture_output=True, text=True).stdout.strip()
    built = datetime.fromtimestamp(os.path.getmtime(BIN), timezone.utc).isoformat(timespec="seconds")
    sha = hashlib.sha256(open(BIN, "rb").read()).hexdigest()
    digest_help = subprocess.run([BIN, "digest", "--help"], capture_output=True, text=True).stdout
    root_help = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout
    return {"version": out[0] if out else "?", "libraries": [ln.strip() for ln in out[1:]], "head": git,
            "sources_modified_since_head": bool(dirty), "binary_built": built, "binary_sha256": sha,
            "features": {"selection": "--selection" in digest_help,
                         "convert": re.search(r"^\s+convert\s", root_help, re.M) is not None}}


# ---------------------------------------------------------------- running things

def run_process(cmd):
    """Runs cmd under GNU time; returns wall seconds (spawn to exit), CPU seconds (user + sys of
    the child and all its threads, from wait4), peak RSS in KiB, exit code, stdout and stderr.
    The peak RSS is GNU time's %M: Linux carries the parent's high-water RSS over a vfork + exec,
    so a child spawned straight from this (larger) process would report this process's peak."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r") as rss:
        t0 = time.perf_counter()
        p = subprocess.Popen([TIME, "-q", "-f", "%M", "-o", rss.name] + cmd, stdout=out, stderr=err, cwd=ROOT)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        kib = rss.read().strip().splitlines()
        return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kib": int(kib[-1]) if kib else None,
                "exit": p.returncode, "stdout": out.read().decode(errors="replace"),
                "stderr": err.read().decode(errors="replace")}


REMOTE_LINE = re.compile(r"^remote:.*$", re.M)


def parse_remote(stderr):
    """Our stderr traffic line: `remote: 67 requests, 0 retries, 59410099 bytes, 0 failures`
    (key=value spellings are read too)."""
    m = REMOTE_LINE.search(stderr)
    if not m:
        return None
    pairs = {k: int(v) for v, k in re.findall(r"(\d+) ([a-z_]+)", m.group(0))}
    pairs.update({k: int(v) for k, v in re.findall(r"([a-z_]+)=(\d+)", m.group(0))})
    return pairs


def run_ours(args, repeats, server=None, setup=None):
    """Our CLI, one process per run, after one untimed warm-up run."""
    runs = []
    for i in range(1 + repeats):
        if setup:
            setup()
        if server:
            server.take()
        r = run_process([BIN] + args)
        if server:
            r["server"] = server.take()
        r["remote"] = parse_remote(r["stderr"])
        if r["exit"] != 0:
            return {"error": f"exit {r['exit']}: {r['stderr'].strip()[-300:]}", "runs": runs}
        if i > 0:
            runs.append(r)
    out = {"runs": [{k: v for k, v in r.items() if k not in ("stdout", "stderr")} for r in runs]}
    printed = [r["stdout"].strip().splitlines() for r in runs]
    if all(lines and lines[-1].startswith("{") for lines in printed):  # digest's JSON, one per run
        out["results"] = [json.loads(lines[-1]) for lines in printed]
    return out


def run_peer(job, python, server=None):
    """One peer in its own venv: one process does warm-up + repeats, timed in-process."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(job, f)
    try:
        if server:
            server.take()
        r = run_process([python, os.path.join(HERE, "peers.py"), f.name])
        traffic = server.take() if server else None
    finally:
        os.unlink(f.name)
    if r["exit"] != 0 or not r["stdout"].strip():
        return {"error": (r["stderr"].strip().splitlines() or ["exit %d" % r["exit"]])[-1][-300:]}
    res = json.loads(r["stdout"].strip().splitlines()[-1])
    res["process"] = {k: r[k] for k in ("wall", "cpu", "rss_kib")}
    if traffic:
        res["server_total"] = traffic
    return res


def median(xs):
    return statistics.median(xs) if xs else None


# ---------------------------------------------------------------- the cases

class Bench:
    """Runs the cases in rounds: each round measures every case once (ours: warm-up + N
    processes; each peer: one process of warm-up + N reads), alternating who goes first, so
    that a change of load during the run falls on every implementation alike. The figures are
    taken over the timed runs of all rounds."""

    def __init__(self, opts, stamps, info):
        self.opts, self.stamps, self.info = opts, stamps, info
        self.repeats = opts.repeats
        self.results = {}  # (case, impl) -> measurement
        self.round = 0

    def wanted(self, case):
        return not self.opts.cases or case.split("-")[0].rstrip("abcdw") in self.opts.cases or case in self.opts.cases

    def entry(self, case, impl, **fields):
        """The measurement of (case, impl), made on first use; None when an earlier round found it
        unavailable or failing (it is not tried again)."""
        m = self.results.get((case, impl))
        if m is None:
            m = self.results[(case, impl)] = dict(case=case, impl=impl, **fields)
        return None if m.get("unavailable") or m.get("error") else m

    def order(self, impls):
        return impls if self.round % 2 == 0 else impls[::-1]

    def expected(self, store, selection=None):
        st = self.stamps[store]
        if selection:
            return st["selections"][selection]["sha256"], st["selections"][selection]["nbytes"]
        return st["sha256"], st["nbytes"]

    def check_digest(self, m, sha):
        m.setdefault("sha256_seen", [])
        if sha not in m["sha256_seen"]:
            m["sha256_seen"].append(sha)
        m["sha256"] = sha
        m["digest_ok"] = m.get("digest_ok", True) and sha == m["expected_sha256"]

    def note(self, m, walls):
        log(f"  {m['case']:<16} {m['impl']:<16} " +
            (f"{median(walls):.3f} s" if walls else str(m.get("unavailable") or m.get("error"))))

    # -- one measurement of ours or of a peer
    def ours(self, m, args, server=None, setup=None):
        res = run_ours(args, self.repeats, server=server, setup=setup)
        if "error" in res:
            m["error"] = res["error"]
            return self.note(m, [])
        runs = res["runs"]
        if server:
            if "requests" not in m:  # the first timed run's requests, as the server saw them
                s = runs[0]["server"]
                m.update(requests=s["requests"], bytes=s["bytes"], ranged_requests=s["ranged_requests"],
                         statuses=s["statuses"], request_log=s["log"], self_reported=runs[0].get("remote"))
            for r in runs:
                r["server"] = {k: v for k, v in r["server"].items() if k != "log"}
        for r in runs:
            r["round"] = self.round
        m.setdefault("runs", []).extend(runs)
        m["timing"] = "whole process"
        if m.get("expected_sha256") and m["op"] == "read":
            for result in res.get("results") or [{}]:  # every run's digest, or a missing one
                self.check_digest(m, result.get("sha256"))
        self.note(m, [r["wall"] for r in runs])

    def peer(self, m, job, python, server=None):
        res = run_peer(job, python, server)
        if "error" in res:
            m["error"] = res["error"]
            return self.note(m, [])
        m.setdefault("times", []).extend(res["times"])
        m.setdefault("cpus", []).extend(res["cpu"])
        proc = dict(res["process"], round=self.round, rss_peak_kib=res["rss_peak_kib"],
                    rss_after_imports_kib=res["rss_after_setup_kib"])
        if job["op"] == "read":  # interpreter start, imports and whatever the process did besides reading
            proc["startup_s"] = res["process"]["wall"] - sum(res["times"]) - sum(res.get("warmup_times", []))
        if "server_total" in res:
            proc["server_total"] = {k: v for k, v in res["server_total"].items() if k != "log"}
        m.setdefault("processes", []).append(proc)
        m.update(version=res["versions"].get(PEERS[m["impl"]][0]), versions=res["versions"],
                 timing="in-process, imports excluded")
        if "sha256" in res:
            self.check_digest(m, res["sha256"])
        if server and "requests" not in m:  # the requests of one cold read: one more process, one read
            cold = run_peer(dict(job, repeats=1, warmup=0), python, server)
            if "server_total" in cold:
                t = cold["server_total"]
                m.update(requests=t["requests"], bytes=t["bytes"], ranged_requests=t["ranged_requests"],
                         statuses=t["statuses"], request_log=t["log"], cold_wall=cold["times"][0])
        self.note(m, res["times"])

    # -- the cases of issue 12
    def read_case(self, case, title, store, fmt, peers, selection=None, server=None, latency=0):
        if not self.wanted(case):
            return
        log(f"case {case}: {title}")
        st = self.stamps[store]
        sha, nbytes = self.expected(store, selection)
        mode = "http" if server else "local"
        location = server.url(store, latency) if server else os.path.join(DATA, store)
        common = dict(title=title, op="read", mode=mode, store=store, selection=selection, expected_sha256=sha,
                      output_bytes=nbytes)
        for impl in self.order([OURS] + peers):
            m = self.entry(case, impl, **common)
            if m is None:
                continue
            if impl == OURS:
                args = ["digest", location] + (["--node", st["node"]] if st["node"] else [])
                if selection:
                    if not self.info["features"]["selection"]:
                        m["unavailable"] = "not available in this build (digest has no --selection)"
                        self.note(m, [])
                        continue
                    args += ["--selection", ",".join(f"{a}:{b}" for a, b in st["selections"][selection]["slices"])]
                self.ours(m, args, server)
            else:
                job = {"op": "read", "impl": impl, "format": fmt, "node": st["node"], "store": location,
                       "selection": st["selections"][selection]["slices"] if selection else None,
                       "repeats": self.repeats, "warmup": 1}
                python = BENCH_PY if (server and impl == "zarr-python") else PEERS[impl][1]  # fsspec is in .venv-bench
                self.peer(m, job, python, server)

    def reads(self):
        sharded = "v3-f32-4096-zstd1-s2048-c256.zarr"
        for case, title, store, fmt, peers, *sel in [
            ("1", "v3 4096² float32, zstd-1, chunks 512²", "v3-f32-4096-zstd1-c512.zarr", "v3", V3_READERS),
            ("2", "v3 4096² float32, zstd-1, shards 2048² of 256² chunks", sharded, "v3", V3_READERS),
            ("3", "v3 4096² uint8, zstd-1, chunks 64²", "v3-u8-4096-zstd1-c64.zarr", "v3", V3_READERS),
            ("4", "v2 4096² float32, blosc lz4 shuffle, chunks 512²", "v2-f32-4096-blosc-lz4-c512.zarr", "v2",
             V3_READERS + ["zarr-python-2"]),
            ("5", "N5 2048² uint16, gzip, blocks 256²", "n5-u16-2048-gzip-b256.n5", "n5",
             ["tensorstore", "z5py", "zarr-python-2", "zarr-n5"]),
            ("6-1024", "scaling: case 1 at 1024²", "v3-f32-1024-zstd1-c512.zarr", "v3", V3_READERS),
            ("6-2048", "scaling: case 1 at 2048²", "v3-f32-2048-zstd1-c512.zarr", "v3", V3_READERS),
            ("6-8192", "scaling: case 1 at 8192²", "v3-f32-8192-zstd1-c512.zarr", "v3", V3_READERS),
            ("7a", "case 2's array, one inner chunk [1024:1280, 1024:1280]", sharded, "v3", V3_READERS, "one-inner-chunk"),
            ("7b", "case 2's array, [1000:3000, 1000:3000] across 4 shards", sharded, "v3", V3_READERS, "across-shards"),
        ]:
            self.read_case(case, title, store, fmt, peers, *sel)

    def remote(self):
        sharded = "v3-f32-4096-zstd1-s2048-c256.zarr"
        server = Server(DATA)
        try:
            for case, title, store, selection, latency in [
                ("7w-http", "case 2's array, whole, over HTTP (loopback)", sharded, None, 0),
                ("7a-http", "case 7a over HTTP (loopback)", sharded, "one-inner-chunk", 0),
                ("7b-http", "case 7b over HTTP (loopback)", sharded, "across-shards", 0),
                ("10", f"case 1 over HTTP, {LATENCY_MS} ms latency per request", "v3-f32-4096-zstd1-c512.zarr", None,
                 LATENCY_MS),
            ]:
                self.read_case(case, title, store, "v3", ["zarr-python", "tensorstore"], selection, server, latency)
        finally:
            server.shutdown()
            server.server_close()

    def writes(self):
        case, title = "8", "write v3 4096² float32, zstd-1, chunks 512²"
        if not self.wanted(case):
            return
        log(f"case {case}: {title}")
        sha, nbytes = self.expected("f32-4096.raw")
        out = os.path.join(WORK, "written")
        os.makedirs(out, exist_ok=True)
        common = dict(title=title, op="write", mode="local", expected_sha256=sha, output_bytes=nbytes)
        for impl in self.order([OURS, "zarr-python", "zarrs", "tensorstore"]):
            dst = os.path.join(out, f"{impl}.zarr")
            if impl == OURS:
                m = self.entry(case, impl, source="v3-f32-4096-raw-c512.zarr (uncompressed v3; ours also reads it)",
                               **common)
                if m is None:
                    continue
                if not self.info["features"]["convert"]:
                    m["unavailable"] = "not available in this build (no convert command)"
                    self.note(m, [])
                    continue
                src = os.path.join(DATA, "v3-f32-4096-raw-c512.zarr")
                self.ours(m, ["convert", src, dst, "--format", "v3", "--codecs", "zstd:1", "--chunks", "512,512"],
                          setup=lambda: shutil.rmtree(dst, ignore_errors=True))
            else:
                m = self.entry(case, impl, source="in-memory NumPy array", **common)
                if m is None:
                    continue
                job = {"op": "write", "impl": impl, "store": dst, "source": os.path.join(DATA, "f32-4096.raw"),
                       "shape": [4096, 4096], "dtype": "<f4", "repeats": self.repeats, "warmup": 1}
                self.peer(m, job, PEERS[impl][1])
            if not m.get("error"):  # ours reads what was written: it must be the source's digest
                check = run_process([BIN, "digest", dst])
                self.check_digest(m, json.loads(check["stdout"])["sha256"] if check["exit"] == 0 else None)

    def validate(self):
        if not self.wanted("9"):
            return
        store = "v2-i4-1000-zlib1-c1x10.zarr"
        path = os.path.join(DATA, store)
        chunks = sum(1 for _, _, fs in os.walk(path) for f in fs if not f.startswith(".z"))
        for mode, flags in (("metadata-only", ["--metadata-only"]), ("full", [])):
            title = f"validate the 100,000-chunk v2 store, {mode}"
            log(f"case 9-{mode}: {title}")
            m = self.entry(f"9-{mode}", OURS, title=title, op="validate", mode="local", store=store, chunks=chunks)
            if m is not None:
                self.ours(m, ["validate"] + flags + [path])

    def run_round(self):
        log(f"round {self.round + 1} of {self.opts.rounds}")
        self.reads()
        self.writes()
        self.remote()
        self.validate()
        self.round += 1

    def measurements(self):
        """The figures over all rounds: median and best wall, median CPU, peak RSS."""
        out = []
        for m in self.results.values():
            if m.get("runs"):  # ours
                walls, cpus, rss = [r["wall"] for r in m["runs"]], [r["cpu"] for r in m["runs"]], [r["rss_kib"] for r in m["runs"]]
            elif m.get("times"):  # a peer
                walls, cpus, rss = m["times"], m["cpus"], [p["rss_peak_kib"] for p in m["processes"]]
                m["rss_after_imports_kib"] = max(p["rss_after_imports_kib"] for p in m["processes"])
                st = [p["startup_s"] for p in m["processes"] if "startup_s" in p]
                if st:
                    m["startup_s"] = median(st)
            else:
                walls = cpus = rss = None
            if walls and not m.get("error"):
                m.update(wall=median(walls), wall_min=min(walls), cpu=median(cpus), rss_kib=max(x for x in rss if x))
                if m["op"] == "validate":
                    m["chunks_per_s"] = m["chunks"] / m["wall"]
            out.append(m)
        return out

    def failures(self):
        return [f"case {m['case']}, {m['impl']}: read {', '.join(map(str, m['sha256_seen']))}, expected {m['expected_sha256']}"
                for m in self.results.values() if m.get("digest_ok") is False]

    def process_start(self):
        res = run_ours(["--version"], self.repeats)
        return {"wall": median([r["wall"] for r in res["runs"]]), "rss_kib": max(r["rss_kib"] for r in res["runs"])}


def zstd_reference(raw):
    """zstd -b1 on case 1's raw bytes in 1 MiB blocks (one 512² float32 chunk each): the
    single-thread decompression speed, MB/s (10^6 bytes)."""
    p = subprocess.run(["zstd", "-b1", "-i2", "-B1048576", raw], capture_output=True, text=True)
    text = (p.stdout + p.stderr).replace("\r", "\n")
    found = re.findall(r"\(x?([\d.]+)\),\s*([\d.]+) MB/s,\s*([\d.]+) MB/s", text)
    version = subprocess.run(["zstd", "--version"], capture_output=True, text=True).stdout.strip()
    if not found:
        return {"error": text.strip()[-200:]}
    ratio, comp, dec = map(float, found[-1])
    return {"ratio": ratio, "compress_mb_s": comp, "decompress_mb_s": dec, "version": version,
            "command": "zstd -b1 -i2 -B1048576 f32-4096.raw"}


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="one round of 2 timed runs per figure")
    ap.add_argument("--rounds", type=int, help="rounds over every case (default 3; 1 with --quick)")
    ap.add_argument("--repeats", type=int, help="timed runs per figure in each round (default 3; 2 with --quick)")
    ap.add_argument("--cases", type=lambda s: s.split(","), default=[],
                    help="only these cases (1–10, or ids such as 6-8192, 7b-http)")
    ap.add_argument("--output", default=os.path.join(ROOT, "Reports"))
    ap.add_argument("--wait-idle", type=int, default=180, metavar="SECONDS",
                    help="wait at most this long for other processes to go quiet before measuring (default 180)")
    ap.add_argument("--binary", default=BIN, help="the zarr-conformance to measure (default: the release build)")
    opts = ap.parse_args()
    globals()["BIN"] = os.path.abspath(opts.binary)
    opts.repeats = opts.repeats or (2 if opts.quick else 3)
    opts.rounds = opts.rounds or (1 if opts.quick else 3)
    if not os.access(BIN, os.X_OK):
        sys.exit(f"bench: no release build at {BIN} (swift build -c release --product zarr-conformance)")
    if not os.path.exists(PEERS_PY) or not os.path.exists(PEERS2_PY):
        sys.exit("bench: the peer venvs are missing (make setup)")
    started, t0 = datetime.now(timezone.utc), time.perf_counter()
    ensure_bench_venv()
    have_zstd = ensure_zstd_cli()
    log("writing the benchmark data (cached under .work/bench/data)")
    stamps = {}
    for python, group in ((PEERS_PY, "v3"), (PEERS2_PY, "v2")):
        p = subprocess.run([python, os.path.join(HERE, "data.py"), group, DATA], capture_output=True, text=True, cwd=ROOT)
        sys.stderr.write(p.stderr)
        if p.returncode != 0:
            sys.exit(f"bench: bench/data.py {group} failed")
        stamps.update(json.loads(p.stdout))
    busy_before, waited = wait_for_quiet(opts.wait_idle) if opts.wait_idle else (None, 0)
    # A copy of the binary is measured, so that a build finishing during the run cannot mix two
    # builds into one report (the runpath is absolute plus $ORIGIN; no resources sit beside it).
    built = BIN
    globals()["BIN"] = os.path.join(WORK, "zarr-conformance")
    shutil.copy2(built, BIN)
    info = ours_info()
    info["measured_copy_of"] = os.path.relpath(built, ROOT)
    log(f"ours: {info['version']}, built {info['binary_built']}; features {info['features']}")
    busy0, ru0, t_measure = busy_jiffies(), os.times(), time.perf_counter()  # the measuring window starts
    loadavg = open("/proc/loadavg").read().split()[:3]
    b = Bench(opts, stamps, info)
    zstd = zstd_reference(os.path.join(DATA, "f32-4096.raw")) if have_zstd else {"error": "no zstd CLI"}
    start = b.process_start()
    for _ in range(opts.rounds):
        b.run_round()
    measurements, failures = b.measurements(), b.failures()
    ru1 = os.times()
    if hashlib.sha256(open(built, "rb").read()).hexdigest() != info["binary_sha256"]:
        info["newer_build_during_run"] = True
        log(f"note: {built} was rebuilt during the run; the figures are of the build copied at the start")
    ours_cpu = (ru1.children_user - ru0.children_user) + (ru1.children_system - ru0.children_system) + \
               (ru1.user - ru0.user) + (ru1.system - ru0.system)
    elapsed, measuring = time.perf_counter() - t0, time.perf_counter() - t_measure
    other = max(0.0, (busy_jiffies() - busy0) / os.sysconf("SC_CLK_TCK") - ours_cpu)
    np_version = subprocess.run([PEERS_PY, "-c", "import numpy; print(numpy.__version__)"],
                                capture_output=True, text=True).stdout.strip()
    fsspec = subprocess.run([BENCH_PY, "-c", "import fsspec; print(fsspec.__version__)"],
                            capture_output=True, text=True).stdout.strip()
    res = {"meta": {"date": started.isoformat(timespec="seconds"), "repeats": opts.repeats, "rounds": opts.rounds, "warmup": 1,
                    "quick": opts.quick, "cases": opts.cases, "elapsed_s": elapsed, "measuring_s": measuring, "machine": machine(),
                    "loadavg_start": " ".join(loadavg), "other_cpu_s": other, "harness_cpu_s": ours_cpu,
                    "other_cores_before_start": busy_before, "waited_for_quiet_s": waited,
                    "ours": info, "numpy": np_version, "fsspec": fsspec, "latency_ms": LATENCY_MS},
           "data": stamps, "zstd": zstd, "process_start": start, "measurements": measurements,
           "failures": failures}
    res["ratios"] = ratios(measurements)
    res["goals"] = goals(res)
    os.makedirs(opts.output, exist_ok=True)
    jpath = os.path.join(opts.output, "benchmarks.json")
    with open(jpath, "w") as f:
        json.dump(res, f, indent=1)
    with open(os.path.join(opts.output, "benchmarks.md"), "w") as f:
        f.write(markdown(res))
    chart = subprocess.run([BENCH_PY, os.path.join(HERE, "chart.py"), jpath, os.path.join(opts.output, "benchmarks.png")])
    log(f"wrote {opts.output}/benchmarks.md, .json{', .png' if chart.returncode == 0 else ' (chart failed)'} in {elapsed:.0f} s")
    for f in failures:
        log("DIGEST MISMATCH:", f)
    sys.exit(1 if failures or chart.returncode else 0)


if __name__ == "__main__":
    main()
