"""benchmarks.json -> benchmarks.png: peer time ÷ ours per case (above 1: ours is faster).

    .venv-bench/bin/python bench/chart.py Reports/benchmarks.json Reports/benchmarks.png
"""
import json
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

NAMES = {"zarr-python": "zarr-python 3", "zarrs": "zarrs-python", "tensorstore": "tensorstore",
         "zarr-python-2": "zarr-python 2", "z5py": "z5py", "zarr-n5": "zarr-n5"}
COLOURS = {"zarr-python": "#4c72b0", "zarrs": "#dd8452", "tensorstore": "#55a868", "zarr-python-2": "#8172b3",
           "z5py": "#c44e52", "zarr-n5": "#937860"}


def case_key(c):
    m = re.match(r"(\d+)(.*)", c)
    return (int(m.group(1)), m.group(2)) if m else (99, c)


def main():
    res = json.load(open(sys.argv[1]))
    ratios = res["ratios"]
    titles = {m["case"]: m["title"] for m in res["measurements"]}
    cases = sorted({r["case"] for r in ratios}, key=case_key)
    # one row per (case, peer) measured, cases separated by a gap; bars grow from 1 (as fast as
    # ours) to the ratio, rightwards when ours is faster
    rows, centres, y = [], [], 0.0
    for c in cases:
        first = y
        for p in NAMES:
            r = next((r["ratio"] for r in ratios if r["case"] == c and r["peer"] == p), None)
            if r is not None:
                rows.append((y, p, r))
                y += 1
        centres.append((first + y - 1) / 2)
        y += 0.8
    fig, ax = plt.subplots(figsize=(10, 0.22 * y + 1.4))
    seen = set()
    for row, p, x in rows:
        ax.barh(row, x - 1, left=1, height=0.85, color=COLOURS[p], label=None if p in seen else NAMES[p])
        seen.add(p)
        ax.text(x, row, f" {x:.2f} " if x >= 1 else f"{x:.2f} ", va="center", ha="left" if x >= 1 else "right",
                fontsize=7)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log", base=2)
    every = [x["ratio"] for x in ratios] or [1]
    lo, hi = min(min(every), 1) / 1.25, max(max(every), 1) * 1.25
    ax.set_xlim(lo, hi)
    ticks = [2.0 ** k for k in range(-8, 9)] + ([0.75, 1.5, 3] if hi / lo < 8 else [])
    ticks = sorted(t for t in ticks if lo <= t <= hi)
    ax.set_xticks(ticks, [f"{t:g}×" for t in ticks])
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_yticks(centres)
    ax.set_yticklabels([f"{c}: {titles.get(c, '')}"[:60] for c in cases], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("peer time ÷ zarr-conformance time (log scale; right of 1: zarr-conformance is faster)")
    date = res["meta"]["date"][:10]
    ax.set_title(f"zarr-conformance against the peers, median of {res['meta']['repeats'] * res['meta'].get('rounds', 1)} runs ({date}, "
                 f"{res['meta']['machine']['cores']} cores)", fontsize=10, pad=22)
    if seen:
        ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(seen), frameon=False)
    else:
        ax.text(1, 0, "no case has both ours and a peer measured", ha="center", va="center")
    ax.grid(axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(sys.argv[2], dpi=110, bbox_inches="tight")


if __name__ == "__main__":
    main()
