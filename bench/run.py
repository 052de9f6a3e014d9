#!/usr/bin/env python3
"""make bench: this implementation against the pinned peers on the same data, one run.

    python3 bench/run.py [--quick] [--repeats N] [--cases 1,2,7] [--output Reports]

Makes .venv-bench (bench/requirements.txt on top of .venv-peers), writes the benchmark stores
with the pinned peers (bench/data.py, cached under .work/bench/data), times every reader and
writer on them, checks every digest against the one the data was written from, and writes
OUTPUT/benchmarks.md, benchmarks.json (every raw measurement) and benchmarks.png.

Ours is timed as whole `zarr-conformance` processes (process start included); each peer runs in
a subprocess of its own venv (bench/peers.py) and is timed in-process, imports excluded. The
figure of a case is the median of N runs after one untimed warm-up. Exit 1 when a digest
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

BIN = os.path.join(ROOT, ".build", "release", "zarr-conformance")
WORK = os.path.join(ROOT, ".work", "bench")
DATA = os.path.join(WORK, "data")
PEERS_PY = os.path.join(ROOT, ".venv-peers", "bin", "python")
PEERS2_PY = os.path.join(ROOT, ".venv-peers-v2", "bin", "python")
BENCH_VENV = os.path.join(ROOT, ".venv-bench")
BENCH_PY = os.path.join(BENCH_VENV, "bin", "python")
MIB = 1 << 20
LATENCY_MS = 20

OURS = "zarr-conformance"
# Reader/writer keys of bench/peers.py -> (column name, Python package whose version is shown, venv)
PEERS = {
    "zarr-python": ("zarr-python", "zarr", PEERS_PY),
    "zarrs": ("zarrs-python", "zarrs", PEERS_PY),
    "tensorstore": ("tensorstore", "tensorstore", PEERS_PY),
    "zarr-python-2": ("zarr-python 2", "zarr", PEERS2_PY),
    "z5py": ("z5py", "z5py", PEERS_PY),
    "zarr-n5": ("zarr-n5", "zarr_n5", PEERS_PY),
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
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "zstd"], env=env,
                       stdout=subprocess.DEVNULL, check=False)
    return bool(shutil.which("zstd"))


def machine():
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    mem = next((int(ln.split()[1]) for ln in open("/proc/meminfo") if ln.startswith("MemTotal")), 0)
    osr = dict(ln.rstrip().split("=", 1) for ln in open("/etc/os-release") if "=" in ln)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem / 1024 / 1024, 1),
            "os": osr.get("PRETTY_NAME", "").strip('"'), "kernel": platform.release(), "python": platform.python_version()}


def busy_jiffies():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return sum(f) - f[3] - f[4]  # all but idle and iowait


def ours_info():
    out = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip().splitlines()
    git = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h %cI"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources", "Package.swift"],
                           capture_output=True, text=True).stdout.strip()
    built = datetime.fromtimestamp(os.path.getmtime(BIN), timezone.utc).isoformat(timespec="seconds")
    digest_help = subprocess.run([BIN, "digest", "--help"], capture_output=True, text=True).stdout
    root_help = subprocess.run([BIN, "--help"], capture_output=True, text=True).stdout
    return {"version": out[0] if out else "?", "libraries": [ln.strip() for ln in out[1:]], "head": git,
            "sources_modified_since_head": bool(dirty), "binary_built": built,
            "features": {"selection": "--selection" in digest_help,
                         "convert": re.search(r"^\s+convert\s", root_help, re.M) is not None}}


# ---------------------------------------------------------------- running things

def run_process(cmd, env=None):
    """Runs cmd; returns wall seconds, CPU seconds (user + sys of the child and its threads),
    peak RSS (KiB), exit code, stdout and stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kib": ru.ru_maxrss, "exit": p.returncode,
                "stdout": out.read().decode(errors="replace"), "stderr": err.read().decode(errors="replace")}


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
    last = runs[-1]["stdout"].strip()
    if last.startswith("{"):
        out["result"] = json.loads(last.splitlines()[-1])
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
    def __init__(self, opts, stamps, info):
        self.opts, self.stamps, self.info = opts, stamps, info
        self.repeats = opts.repeats
        self.measurements = []
        self.failures = []

    def wanted(self, case):
        return not self.opts.cases or case.split("-")[0].rstrip("abcdw") in self.opts.cases or case in self.opts.cases

    def record(self, m):
        self.measurements.append(m)
        if m.get("digest_ok") is False:
            self.failures.append(f"case {m['case']}, {m['impl']}: digest {m.get('sha256')} != expected {m.get('expected_sha256')}")
        status = (f"{m['wall']:.3f} s" if m.get("wall") is not None else m.get("unavailable") or m.get("error"))
        log(f"  {m['case']:<8} {m['impl']:<16} {status}")

    def expected(self, store, selection=None):
        st = self.stamps[store]
        if selection:
            return st["selections"][selection]["sha256"], st["selections"][selection]["nbytes"]
        return st["sha256"], st["nbytes"]

    def ours_read(self, case, title, store, selection=None, server=None, latency=0, mode="local"):
        st = self.stamps[store]
        location = server.url(store, latency) if server else os.path.join(DATA, store)
        args = ["digest", location] + (["--node", st["node"]] if st["node"] else [])
        sha, nbytes = self.expected(store, selection)
        m = {"case": case, "title": title, "impl": OURS, "op": "read", "mode": mode, "store": store,
             "selection": selection, "expected_sha256": sha, "output_bytes": nbytes}
        if selection:
            if not self.info["features"]["selection"]:
                m["unavailable"] = "not available in this build (digest has no --selection)"
                return self.record(m)
            sl = st["selections"][selection]["slices"]
            args += ["--selection", ",".join(f"{a}:{b}" for a, b in sl)]
        res = run_ours(args, self.repeats, server=server)
        self.finish_ours(m, res)

    def finish_ours(self, m, res):
        if "error" in res:
            m["error"] = res["error"]
            return self.record(m)
        runs = res["runs"]
        m.update(runs=runs, wall=median([r["wall"] for r in runs]), wall_min=min(r["wall"] for r in runs),
                 cpu=median([r["cpu"] for r in runs]), rss_kib=max(r["rss_kib"] for r in runs),
                 timing="whole process")
        if "result" in res and "expected_sha256" in m:
            m["sha256"] = res["result"].get("sha256")
            m["digest_ok"] = m["sha256"] == m["expected_sha256"]
        if runs and runs[0].get("server"):
            m["requests"] = runs[0]["server"]["requests"]
            m["bytes"] = runs[0]["server"]["bytes"]
            m["ranged_requests"] = runs[0]["server"]["ranged_requests"]
            m["self_reported"] = runs[0].get("remote")
        self.record(m)

    def peer_read(self, case, title, impl, store, fmt, selection=None, server=None, latency=0, mode="local"):
        st = self.stamps[store]
        sha, nbytes = self.expected(store, selection)
        python = BENCH_PY if (server and impl == "zarr-python") else PEERS[impl][2]
        job = {"op": "read", "impl": impl, "format": fmt, "node": st["node"],
               "store": server.url(store, latency) if server else os.path.join(DATA, store),
               "selection": st["selections"][selection]["slices"] if selection else None,
               "repeats": self.repeats, "warmup": 1}
        m = {"case": case, "title": title, "impl": impl, "op": "read", "mode": mode, "store": store,
             "selection": selection, "expected_sha256": sha, "output_bytes": nbytes}
        res = run_peer(job, python, server)
        if "error" in res:
            m["error"] = res["error"]
            return self.record(m)
        self.finish_peer(m, res)
        if server:  # the requests of one cold read: a second process, one read, no warm-up
            cold = run_peer(dict(job, repeats=1, warmup=0), python, server)
            if "server_total" in cold:
                m.update(requests=cold["server_total"]["requests"], bytes=cold["server_total"]["bytes"],
                         ranged_requests=cold["server_total"]["ranged_requests"])
        self.record(m)

    def finish_peer(self, m, res):
        m.update(wall=median(res["times"]), wall_min=min(res["times"]), cpu=median(res["cpu"]), times=res["times"],
                 cpus=res["cpu"], rss_kib=res["rss_peak_kib"], rss_after_imports_kib=res["rss_after_setup_kib"],
                 process=res["process"], version=res["versions"].get(PEERS[m["impl"]][1]),
                 versions=res["versions"], timing="in-process, imports excluded")
        if "sha256" in res:
            m["sha256"] = res["sha256"]
            m["digest_ok"] = res["sha256"] == m["expected_sha256"]
        if "server_total" in res:
            m["server_total"] = res["server_total"]

    # -- the cases of issue 12
    def reads(self):
        cases = [
            ("1", "v3 4096² float32, zstd-1, chunks 512²", "v3-f32-4096-zstd1-c512.zarr", "v3", V3_READERS),
            ("2", "v3 4096² float32, zstd-1, shards 2048² of 256² chunks", "v3-f32-4096-zstd1-s2048-c256.zarr", "v3", V3_READERS),
            ("3", "v3 4096² uint8, zstd-1, chunks 64²", "v3-u8-4096-zstd1-c64.zarr", "v3", V3_READERS),
            ("4", "v2 4096² float32, blosc lz4 shuffle, chunks 512²", "v2-f32-4096-blosc-lz4-c512.zarr", "v2",
             V3_READERS + ["zarr-python-2"]),
            ("5", "N5 2048² uint16, gzip, blocks 256²", "n5-u16-2048-gzip-b256.n5", "n5",
             ["tensorstore", "z5py", "zarr-python-2", "zarr-n5"]),
            ("6-1024", "scaling: case 1 at 1024²", "v3-f32-1024-zstd1-c512.zarr", "v3", V3_READERS),
            ("6-2048", "scaling: case 1 at 2048²", "v3-f32-2048-zstd1-c512.zarr", "v3", V3_READERS),
            ("6-8192", "scaling: case 1 at 8192²", "v3-f32-8192-zstd1-c512.zarr", "v3", V3_READERS),
            ("7a", "case 2's array, one inner chunk [1024:1280, 1024:1280]", "v3-f32-4096-zstd1-s2048-c256.zarr", "v3",
             V3_READERS, "one-inner-chunk"),
            ("7b", "case 2's array, [1000:3000, 1000:3000] across 4 shards", "v3-f32-4096-zstd1-s2048-c256.zarr", "v3",
             V3_READERS, "across-shards"),
        ]
        for case, title, store, fmt, peers, *sel in cases:
            if not self.wanted(case):
                continue
            log(f"case {case}: {title}")
            selection = sel[0] if sel else None
            self.ours_read(case, title, store, selection)
            for impl in peers:
                self.peer_read(case, title, impl, store, fmt, selection)

    def remote(self):
        store = "v3-f32-4096-zstd1-s2048-c256.zarr"
        cases = [("7w-http", "case 2's array, whole, over HTTP (loopback)", store, None, 0),
                 ("7a-http", "case 7a over HTTP (loopback)", store, "one-inner-chunk", 0),
                 ("7b-http", "case 7b over HTTP (loopback)", store, "across-shards", 0),
                 ("10", f"case 1 over HTTP, {LATENCY_MS} ms latency per request", "v3-f32-4096-zstd1-c512.zarr", None, LATENCY_MS)]
        server = Server(DATA)
        try:
            for case, title, store, selection, latency in cases:
                if not self.wanted(case):
                    continue
                log(f"case {case}: {title}")
                self.ours_read(case, title, store, selection, server, latency, mode="http")
                for impl in ("zarr-python", "tensorstore"):
                    self.peer_read(case, title, impl, store, "v3", selection, server, latency, mode="http")
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
        dst = os.path.join(out, "zarr-conformance.zarr")
        m = {"case": case, "title": title, "impl": OURS, "op": "write", "mode": "local", "expected_sha256": sha,
             "output_bytes": nbytes, "source": "v3-f32-4096-raw-c512.zarr (uncompressed v3; ours also reads it)"}
        if not self.info["features"]["convert"]:
            m["unavailable"] = "not available in this build (no convert command)"
            self.record(m)
        else:
            src = os.path.join(DATA, "v3-f32-4096-raw-c512.zarr")
            res = run_ours(["convert", src, dst, "--format", "v3", "--codecs", "zstd:1", "--chunks", "512,512"],
                           self.repeats, setup=lambda: shutil.rmtree(dst, ignore_errors=True))
            res.pop("result", None)
            self.verify_written(m, dst, res, lambda: self.finish_ours(m, res))
        for impl in ("zarr-python", "zarrs", "tensorstore"):
            dst = os.path.join(out, f"{impl}.zarr")
            job = {"op": "write", "impl": impl, "store": dst, "source": os.path.join(DATA, "f32-4096.raw"),
                   "shape": [4096, 4096], "dtype": "<f4", "repeats": self.repeats, "warmup": 1}
            m = {"case": case, "title": title, "impl": impl, "op": "write", "mode": "local", "expected_sha256": sha,
                 "output_bytes": nbytes, "source": "in-memory NumPy array"}
            res = run_peer(job, PEERS[impl][2])
            self.verify_written(m, dst, res, lambda: (self.finish_peer(m, res), self.record(m)))

    def verify_written(self, m, dst, res, finish):
        """Ours reads what was written; the digest must be the source's."""
        if "error" in res:
            m["error"] = res["error"]
            return self.record(m)
        check = run_process([BIN, "digest", dst])
        m["sha256"] = json.loads(check["stdout"])["sha256"] if check["exit"] == 0 else None
        m["digest_ok"] = m["sha256"] == m["expected_sha256"]
        finish()

    def validate(self):
        case = "9"
        if not self.wanted(case):
            return
        store = "v2-i4-1000-zlib1-c1x10.zarr"
        path = os.path.join(DATA, store)
        chunks = sum(1 for _, _, fs in os.walk(path) for f in fs if not f.startswith(".z"))
        for mode, flags in (("metadata-only", ["--metadata-only"]), ("full", [])):
            title = f"validate the 100,000-chunk v2 store, {mode}"
            log(f"case 9 ({mode}): {title}")
            m = {"case": f"9-{mode}", "title": title, "impl": OURS, "op": "validate", "mode": "local", "store": store,
                 "chunks": chunks}
            self.finish_ours(m, run_ours(["validate"] + flags + [path], self.repeats))
            if m.get("wall"):
                m["chunks_per_s"] = chunks / m["wall"]

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


# ---------------------------------------------------------------- report

def ratios(measurements):
    """Peer time ÷ our time (medians), per case and peer, where both were measured."""
    by_case = {}
    for m in measurements:
        by_case.setdefault(m["case"], {})[m["impl"]] = m
    out = []
    for case, ms in by_case.items():
        ours = ms.get(OURS)
        if not ours or not ours.get("wall") or ours.get("digest_ok") is False:
            continue
        for impl, m in ms.items():
            if impl != OURS and m.get("wall") and m.get("digest_ok") is not False:
                out.append({"case": case, "peer": impl, "ratio": m["wall"] / ours["wall"]})
    return out


def goals(res):
    ms = {(m["case"], m["impl"]): m for m in res["measurements"]}
    rs = res["ratios"]
    out = []

    def best(case):
        r = [x["ratio"] for x in rs if x["case"] == case]
        return min(r) if r else None

    b1 = best("1")
    out.append({"goal": "≥ 1.3× the best peer on chunked compressed reads (case 1)",
                "met": b1 is not None and b1 >= 1.3, "figure": f"{b1:.2f}×" if b1 else "not measured"})
    cases = sorted({x["case"] for x in rs}, key=case_key)
    worst = [(c, best(c)) for c in cases]
    below = [f"{c} ({b:.2f}×)" for c, b in worst if b < 1.0]
    unavailable = sorted({m["case"] for m in res["measurements"] if m["impl"] == OURS and m.get("unavailable")}, key=case_key)
    fig = (f"lowest {min(b for _, b in worst):.2f}×; below 1: {', '.join(below) or 'none'}" if worst else "not measured")
    if unavailable:
        fig += f"; not measured (ours unavailable): {', '.join(unavailable)}"
    out.append({"goal": "≥ 1.0× the best peer in every case", "met": bool(worst) and not below and not unavailable,
                "figure": fig})
    whole = [m for m in res["measurements"] if m["impl"] == OURS and m["op"] == "read" and m["mode"] == "local"
             and not m.get("selection") and m.get("wall")]
    fr = [(m["case"], m["wall"] / m["cpu"]) for m in whole if m["cpu"]]
    out.append({"goal": "wall ≤ 0.6 × CPU on whole-array reads (ours)", "met": bool(fr) and all(f <= 0.6 for _, f in fr),
                "figure": ", ".join(f"{c}: {f:.2f}" for c, f in fr)})
    z, c1 = res.get("zstd"), ms.get(("1", OURS))
    if z and "decompress_mb_s" in z and c1 and c1.get("wall"):
        ours_mb_s = c1["output_bytes"] / c1["wall"] / 1e6
        need = 0.7 * 2 * z["decompress_mb_s"]
        out.append({"goal": "decoded throughput ≥ 70 % of two cores of zstd -b1 (case 1)", "met": ours_mb_s >= need,
                    "figure": f"{ours_mb_s:.0f} MB/s = {ours_mb_s / (2 * z['decompress_mb_s']):.0%} of 2 × {z['decompress_mb_s']:.0f} MB/s"})
    else:
        out.append({"goal": "decoded throughput ≥ 70 % of two cores of zstd -b1 (case 1)", "met": False,
                    "figure": "not measured (" + (z or {}).get("error", "no zstd CLI or case 1") + ")"})
    mem = [(m["case"], m["rss_kib"] * 1024, m["output_bytes"]) for m in whole if m.get("rss_kib")]
    over = [f"{c} ({r / MIB:.0f} MiB for {o / MIB:.0f} MiB)" for c, r, o in mem if r > o + 64 * MIB]
    out.append({"goal": "peak memory ≤ output size + 64 MiB (ours, whole-array reads)", "met": bool(mem) and not over,
                "figure": "; ".join(f"{c}: {r / MIB:.0f} MiB for {o / MIB:.0f} MiB" for c, r, o in mem) +
                          (f" — over: {', '.join(over)}" if over else "")})
    for mode, need in (("metadata-only", 300_000), ("full", 150_000)):
        m = ms.get((f"9-{mode}", OURS))
        cps = m.get("chunks_per_s") if m else None
        out.append({"goal": f"validate ≥ {need // 1000}k chunks/s, {mode}", "met": bool(cps) and cps >= need,
                    "figure": f"{cps:,.0f} chunks/s ({m['wall']:.3f} s, {m['rss_kib'] / 1024:.0f} MiB)" if cps else "not measured"})
    return out


def case_key(c):
    m = re.match(r"(\d+)(.*)", c)
    return (int(m.group(1)), m.group(2)) if m else (99, c)


def fmt_s(x):
    return f"{x:.3f} s" if x is not None else "—"


def label(impl, versions):
    return OURS if impl == OURS else f"{PEERS[impl][0]} {versions.get(impl, '')}".strip()


def markdown(res):
    meta, ms = res["meta"], res["measurements"]
    versions = {m["impl"]: m["version"] for m in ms if m.get("version")}
    ours = meta["ours"]
    L = []
    L.append("# Benchmarks\n")
    L.append(f"`make bench` on {meta['date']}, {meta['repeats']} timed runs per figure after one warm-up "
             f"(median shown), harness `bench/run.py`{' --quick' if meta['quick'] else ''}; "
             f"{meta['elapsed_s']:.0f} s in all. Every raw measurement is in `benchmarks.json`.\n")
    mc = meta["machine"]
    L.append("## Machine and implementations\n")
    L.append(f"- **Machine:** {mc['cpu']}, {mc['cores']} cores, {mc['memory_gib']} GiB, {mc['os']} (Linux {mc['kernel']}).")
    L.append(f"- **Load:** other processes used {meta['other_cpu_s']:.0f} CPU-seconds during the run "
             f"({meta['other_cpu_s'] / meta['elapsed_s']:.2f} cores on average; load average {meta['loadavg_start']} at the start).")
    lib = ", ".join(ours["libraries"])
    stale = " (sources modified since; the binary may be older than the tree)" if ours["sources_modified_since_head"] else ""
    L.append(f"- **Ours:** {ours['version']}, release build `.build/release/zarr-conformance` built {ours['binary_built']}, "
             f"tree at {ours['head']}{stale}; {lib}.")
    peers = sorted({m["impl"] for m in ms if m["impl"] != OURS})
    L.append("- **Peers:** " + ", ".join(f"{label(p, versions)}" for p in peers) +
             f"; NumPy {meta['numpy']}. zarrs-python is zarr-python 3.1.6 with the `zarrs.ZarrsCodecPipeline` codec "
             "pipeline. zarr-python 3 reads HTTP through fsspec " + meta.get("fsspec", "") + " with aiohttp "
             f"({'.venv-bench' if meta.get('fsspec') else 'not installed'}); tensorstore through its `http` kvstore. "
             "z5py reads with `n_threads` = cores.")
    z = res.get("zstd") or {}
    if "decompress_mb_s" in z:
        L.append(f"- **zstd reference:** `{z['command']}` ({z['version'].strip('* ')}): level 1 compresses "
                 f"{z['compress_mb_s']:.0f} MB/s, decompresses {z['decompress_mb_s']:.0f} MB/s on one core (×{z['ratio']}).")
    L.append("")
    L.append("## How each is timed\n")
    L.append(f"- **Ours:** each run is a whole `zarr-conformance digest STORE` process (fork, exec, dynamic linking, "
             f"opening the store, reading, SHA-256 of the canonical bytes, printing), wall clock from spawn to exit; "
             f"CPU is the child's user + sys and peak memory its max RSS (`wait4`). Process start alone "
             f"(`zarr-conformance --version`) takes {res['process_start']['wall'] * 1000:.0f} ms.")
    L.append("- **Peers:** one subprocess per peer and case in the peer's own venv (`bench/peers.py`); imports and "
             "interpreter start are excluded, one untimed warm-up read runs first, then each timed read opens the "
             "array, reads it into NumPy and takes the canonical digest of `Vectors/peers/canonical.py` "
             "(which copies the array once into little-endian order before hashing). CPU is the process's user + sys "
             "over the read (all threads); peak memory is the process's max RSS, interpreter and imports included.")
    L.append("- **What that favours:** the peers — their interpreter start, imports (0.3–1 s) and first-call "
             "initialisation are not counted, and repeated reads run in a warm process (thread pools, allocator, "
             "HTTP connections kept alive), while every run of ours pays process start and opens new connections. "
             "The peers pay the copy in canonical.py (a few ms per 64 MiB).")
    L.append("- **Writes (case 8):** the peers write an in-memory NumPy array; ours `convert`s an uncompressed v3 "
             "store of the same data, so it also reads 64 MiB, and its directory store fsyncs every chunk and "
             "directory (the peers do not). Each written store is read back by ours and must give the source's digest.")
    L.append("- **Digests:** every read's canonical SHA-256 is compared with the digest of the NumPy array the data "
             "was written from (`bench/data.py`); a figure on other data would be worthless, so a mismatch fails the run.")
    L.append("")
    L.append("## Reads: time and ratio\n")
    L.append("Median seconds; in parentheses the peer's time ÷ ours (above 1: ours is faster).\n")
    cols = [p for p in PEERS if p in peers]
    L.append("| case | data | " + " | ".join([OURS] + [label(p, versions) for p in cols]) + " |")
    L.append("|---|---|" + "---|" * (1 + len(cols)))
    by = {}
    for m in ms:
        by.setdefault(m["case"], {})[m["impl"]] = m
    for case in sorted(by, key=case_key):
        row = by[case]
        if case.startswith("9"):
            continue
        o = row.get(OURS, {})
        cells = [cell(o, None)]
        for p in cols:
            cells.append(cell(row[p], o) if p in row else "—")
        title = next(iter(row.values()))["title"]
        L.append(f"| {case} | {title} | " + " | ".join(cells) + " |")
    L.append("\n![peer time ÷ ours per case](benchmarks.png)\n")
    L.append("## Where the time goes (ours)\n")
    L.append("| case | wall | CPU (user + sys) | wall ÷ CPU | peak RSS | output | decoded MB/s |")
    L.append("|---|---|---|---|---|---|---|")
    for m in sorted((m for m in ms if m["impl"] == OURS and m.get("wall") and m["op"] == "read"), key=lambda m: case_key(m["case"])):
        L.append(f"| {m['case']} | {fmt_s(m['wall'])} | {fmt_s(m['cpu'])} | {m['wall'] / m['cpu']:.2f} | "
                 f"{m['rss_kib'] / 1024:.0f} MiB | {m['output_bytes'] / MIB:.1f} MiB | {m['output_bytes'] / m['wall'] / 1e6:.0f} |")
    L.append("\n## Peak memory (MiB)\n")
    L.append("Ours: the whole process. Peers: the whole process, interpreter and imports included "
             "(after imports, before reading, in parentheses).\n")
    L.append("| case | " + " | ".join([OURS] + [label(p, versions) for p in cols]) + " |")
    L.append("|---|" + "---|" * (1 + len(cols)))
    for case in sorted(by, key=case_key):
        row = by[case]
        cells = []
        for p in [OURS] + cols:
            m = row.get(p)
            if not m or not m.get("rss_kib"):
                cells.append("—")
            elif m.get("rss_after_imports_kib"):
                cells.append(f"{m['rss_kib'] / 1024:.0f} ({m['rss_after_imports_kib'] / 1024:.0f})")
            else:
                cells.append(f"{m['rss_kib'] / 1024:.0f}")
        L.append(f"| {case} | " + " | ".join(cells) + " |")
    remote = [m for m in ms if m["mode"] == "http"]
    if remote:
        L.append("\n## Remote reads: requests and bytes\n")
        L.append(f"Served by `bench/httpcount.py` on 127.0.0.1 (a threaded Python server on the same 2 cores); "
                 f"requests and body bytes of one cold read, counted by the server (ours' own `remote:` line in "
                 f"parentheses). Case 10 adds {LATENCY_MS} ms before every answer; ours runs at its default "
                 f"`--concurrency` 32.\n")
        L.append("| case | reader | time | requests | ranged | bytes |")
        L.append("|---|---|---|---|---|---|")
        for m in sorted(remote, key=lambda m: (case_key(m["case"]), m["impl"] != OURS)):
            who = label(m["impl"], versions)
            if m.get("unavailable") or m.get("error"):
                L.append(f"| {m['case']} | {who} | {m.get('unavailable') or m.get('error')} | | | |")
                continue
            own = m.get("self_reported") or {}
            req = f"{m.get('requests', '?')}" + (f" ({own.get('requests')})" if own else "")
            byt = f"{m.get('bytes', 0):,}" + (f" ({own.get('bytes', 0):,})" if own else "")
            L.append(f"| {m['case']} | {who} | {fmt_s(m['wall'])} | {req} | {m.get('ranged_requests', '?')} | {byt} |")
        L.append("\nThe sharded store has 4 shards of 64 inner chunks; 7a needs 1 inner chunk of 1 shard, "
                 "7b 81 inner chunks (9 × 9) in 4 shards. Expected for ours: one index read per shard touched "
                 "plus the needed inner chunks in coalesced ranges.")
    val = [m for m in ms if m["op"] == "validate"]
    if val:
        L.append("\n## validate (ours; no peer validates)\n")
        L.append("| mode | chunks | time | chunks/s | CPU | peak RSS |")
        L.append("|---|---|---|---|---|---|")
        for m in val:
            if m.get("wall"):
                L.append(f"| {m['case'][2:]} | {m['chunks']:,} | {fmt_s(m['wall'])} | {m['chunks_per_s']:,.0f} | "
                         f"{fmt_s(m['cpu'])} | {m['rss_kib'] / 1024:.0f} MiB |")
            else:
                L.append(f"| {m['case'][2:]} | {m['chunks']:,} | {m.get('error')} | | | |")
    L.append("\n## Goals (issue 12)\n")
    L.append("| goal | met | measured |")
    L.append("|---|---|---|")
    for g in res["goals"]:
        L.append(f"| {g['goal']} | {'met' if g['met'] else '**not met**'} | {g['figure']} |")
    unavailable = [m for m in ms if m.get("unavailable")]
    errors = [m for m in ms if m.get("error")]
    if unavailable or errors or res["failures"]:
        L.append("\n## Not measured\n")
        for m in unavailable:
            L.append(f"- case {m['case']}, {label(m['impl'], versions)}: {m['unavailable']}.")
        for m in errors:
            L.append(f"- case {m['case']}, {label(m['impl'], versions)}: failed: `{m['error']}`.")
        for f in res["failures"]:
            L.append(f"- **DIGEST MISMATCH** {f}.")
    L.append("\n## The data\n")
    L.append("Written by `bench/data.py` with the pinned peers from fixed seeds and cached under `.work/bench/data/` "
             "(rewritten when its recipe changes):\n")
    for name, st in res["data"].items():
        L.append(f"- `{name}`: {st['recipe']['describe']}; written by {st['recipe']['writer']}; "
                 f"{st['stored_bytes'] / MIB:.1f} MiB stored for {st['nbytes'] / MIB:.1f} MiB; sha256 `{st['sha256'][:16]}…`.")
    return "\n".join(L) + "\n"


def cell(m, ours):
    if m.get("unavailable"):
        return "n/a (not in this build)"
    if m.get("error"):
        return "error"
    if m.get("digest_ok") is False:
        return f"{fmt_s(m['wall'])} DIGEST MISMATCH"
    if ours is None or not ours.get("wall") or ours.get("digest_ok") is False:
        return fmt_s(m.get("wall"))
    return f"{fmt_s(m['wall'])} ({m['wall'] / ours['wall']:.2f}×)"


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 timed runs per figure instead of 5")
    ap.add_argument("--repeats", type=int, help="timed runs per figure (default 5; 2 with --quick)")
    ap.add_argument("--cases", type=lambda s: s.split(","), default=[],
                    help="only these cases (1–10, or ids such as 6-8192, 7b-http)")
    ap.add_argument("--output", default=os.path.join(ROOT, "Reports"))
    opts = ap.parse_args()
    opts.repeats = opts.repeats or (2 if opts.quick else 5)
    if not os.access(BIN, os.X_OK):
        sys.exit(f"bench: no release build at {BIN} (swift build -c release --product zarr-conformance)")
    if not os.path.exists(PEERS_PY) or not os.path.exists(PEERS2_PY):
        sys.exit("bench: the peer venvs are missing (make setup)")
    started, t0, busy0 = datetime.now(timezone.utc), time.perf_counter(), busy_jiffies()
    ru0 = os.times()
    loadavg = open("/proc/loadavg").read().split()[:3]
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
    info = ours_info()
    log(f"ours: {info['version']}, built {info['binary_built']}; features {info['features']}")
    b = Bench(opts, stamps, info)
    zstd = zstd_reference(os.path.join(DATA, "f32-4096.raw")) if have_zstd else {"error": "no zstd CLI"}
    start = b.process_start()
    b.reads()
    b.writes()
    b.remote()
    b.validate()
    ru1 = os.times()
    ours_cpu = (ru1.children_user - ru0.children_user) + (ru1.children_system - ru0.children_system) + \
               (ru1.user - ru0.user) + (ru1.system - ru0.system)
    elapsed = time.perf_counter() - t0
    other = max(0.0, (busy_jiffies() - busy0) / os.sysconf("SC_CLK_TCK") - ours_cpu)
    np_version = subprocess.run([PEERS_PY, "-c", "import numpy; print(numpy.__version__)"],
                                capture_output=True, text=True).stdout.strip()
    fsspec = subprocess.run([BENCH_PY, "-c", "import fsspec; print(fsspec.__version__)"],
                            capture_output=True, text=True).stdout.strip()
    res = {"meta": {"date": started.isoformat(timespec="seconds"), "repeats": opts.repeats, "warmup": 1,
                    "quick": opts.quick, "cases": opts.cases, "elapsed_s": elapsed, "machine": machine(),
                    "loadavg_start": " ".join(loadavg), "other_cpu_s": other, "harness_cpu_s": ours_cpu,
                    "ours": info, "numpy": np_version, "fsspec": fsspec},
           "data": stamps, "zstd": zstd, "process_start": start, "measurements": b.measurements,
           "failures": b.failures}
    res["ratios"] = ratios(b.measurements)
    res["goals"] = goals(res)
    os.makedirs(opts.output, exist_ok=True)
    jpath = os.path.join(opts.output, "benchmarks.json")
    with open(jpath, "w") as f:
        json.dump(res, f, indent=1)
    with open(os.path.join(opts.output, "benchmarks.md"), "w") as f:
        f.write(markdown(res))
    chart = subprocess.run([BENCH_PY, os.path.join(HERE, "chart.py"), jpath, os.path.join(opts.output, "benchmarks.png")])
    log(f"wrote {opts.output}/benchmarks.md, .json{', .png' if chart.returncode == 0 else ' (chart failed)'} in {elapsed:.0f} s")
    for f in b.failures:
        log("DIGEST MISMATCH:", f)
    sys.exit(1 if b.failures or chart.returncode else 0)


if __name__ == "__main__":
    main()
