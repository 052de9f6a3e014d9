"""benchmarks.json -> benchmarks.md, and the ratios and goals bench/run.py stores in the JSON.

    python3 bench/report.py Reports/benchmarks.json > Reports/benchmarks.md   (re-renders a run)
"""
import json
import re
import sys

OURS = "zarr-conformance"
MIB = 1 << 20
NAMES = {"zarr-python": "zarr-python", "zarrs": "zarrs-python", "tensorstore": "tensorstore",
         "zarr-python-2": "zarr-python", "z5py": "z5py", "zarr-n5": "zarr-n5"}  # bench/peers.py keys, in column order


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
    return OURS if impl == OURS else f"{NAMES[impl]} {versions.get(impl, '')}".strip()


def markdown(res):
    meta, ms = res["meta"], res["measurements"]
    versions = {m["impl"]: m["version"] for m in ms if m.get("version")}
    ours = meta["ours"]
    L = []
    L.append("# Benchmarks\n")
    L.append(f"`make bench` on {meta['date']} (`bench/run.py`{' --quick' if meta['quick'] else ''}; "
             f"{meta['elapsed_s']:.0f} s in all): {meta['rounds']} round(s) over every case, each taking "
             f"{meta['repeats']} timed runs per implementation after one warm-up, in alternating order; "
             f"every figure is the median of its {meta['rounds'] * meta['repeats']} timed runs. "
             f"Every raw measurement is in `benchmarks.json`.\n")
    mc = meta["machine"]
    L.append("## Machine and implementations\n")
    L.append(f"- **Machine:** {mc['cpu']}, {mc['cores']} cores, {mc['memory_gib']} GiB, {mc['os']} (Linux {mc['kernel']}).")
    wait = (f"; the harness waited {meta['waited_for_quiet_s']:.0f} s for the machine to settle, and other processes "
            f"used {meta['other_cores_before_start']:.2f} cores just before" if meta.get("other_cores_before_start") is not None else "")
    L.append(f"- **Load:** other processes used {meta['other_cpu_s']:.1f} CPU-seconds while the harness measured "
             f"({meta['other_cpu_s'] / meta['measuring_s']:.2f} cores on average over {meta['measuring_s']:.0f} s; "
             f"load average {meta['loadavg_start']} at the start{wait}).")
    lib = ", ".join(ours["libraries"])
    stale = " (sources modified since; the binary may be older than the tree)" if ours["sources_modified_since_head"] else ""
    if ours.get("newer_build_during_run"):
        stale += " (a newer build appeared during the run; these figures are of the one copied at the start)"
    L.append(f"- **Ours:** {ours['version']}, `{ours.get('measured_copy_of', '.build/release/zarr-conformance')}` built {ours['binary_built']} "
             f"(sha256 {ours.get('binary_sha256', '?')[:12]}…, copied before measuring), "
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
    L.append(f"- **Ours:** each run is a whole `zarr-conformance digest STORE` process (`convert` in case 8, "
             f"`validate` in case 9): fork, exec, dynamic linking, opening the store, reading, SHA-256 of the "
             f"canonical bytes, printing; wall clock from spawn to exit; "
             f"CPU is the child's user + sys (`wait4`) and peak memory its max RSS (spawned through GNU time, whose "
             f"`%M` it is: about 1 ms more per run). Process start alone "
             f"(`zarr-conformance --version`) takes {res['process_start']['wall'] * 1000:.0f} ms.")
    L.append("- **Peers:** one subprocess per peer and case in the peer's own venv (`bench/peers.py`); imports and "
             "interpreter start are excluded, one untimed warm-up read runs first, then each timed read opens the "
             "array, reads it into NumPy and takes the canonical digest of `Vectors/peers/canonical.py` "
             "(which copies the array once into little-endian order before hashing). CPU is the process's user + sys "
             "over the read (all threads); peak memory is the process's max RSS, interpreter and imports included.")
    st = [m["startup_s"] for m in ms if m.get("startup_s") is not None]
    startup = f" ({min(st):.1f}–{max(st):.1f} s per process here)" if st else ""
    L.append(f"- **What that favours:** the peers — their interpreter start, imports{startup} and first-call "
             "initialisation are not counted, and repeated reads run in a warm process (thread pools, allocator, "
             "HTTP connections kept alive), while every run of ours pays process start and opens new connections. "
             "The peers pay the copy in canonical.py (a few ms per 64 MiB).")
    L.append("- **Writes (case 8):** the peers write an in-memory NumPy array; ours `convert`s an uncompressed v3 "
             "store of the same data, so it also reads 64 MiB, and its directory store fsyncs every chunk and "
             "directory (the peers do not). Each written store is read back by ours and must give the source's digest.")
    L.append("- **Digests:** every read's canonical SHA-256 is compared with the digest of the NumPy array the data "
             "was written from (`bench/data.py`); a figure on other data would be worthless, so a mismatch fails the run.")
    L.append("")
    L.append("## Time and ratio per case\n")
    L.append("Median seconds; in parentheses the peer's time ÷ ours (above 1: ours is faster).\n")
    cols = [p for p in NAMES if p in peers]
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
             "(after imports, before reading, in parentheses). Not like for like: `digest` hashes the array slab "
             "by slab and never holds all of it, while a peer returns the whole array as NumPy (and canonical.py "
             "copies it once more).\n")
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
                 f"parentheses). Case 10 adds {meta['latency_ms']} ms before every answer; ours runs at its default "
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
                 "plus the needed inner chunks in coalesced ranges. The requests of ours, as the server saw them "
                 "(every reader's are in `benchmarks.json`, `request_log`):\n")
        for m in sorted(remote, key=lambda m: case_key(m["case"])):
            if m["impl"] == OURS and m.get("request_log") and len(m["request_log"]) <= 40:
                L.append(f"- {m['case']}: " + "; ".join(f"`{r}`" for r in m["request_log"]))
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


if __name__ == "__main__":
    sys.stdout.write(markdown(json.load(open(sys.argv[1]))))
