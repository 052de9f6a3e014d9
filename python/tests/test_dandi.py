"""The `dandi` digest against the DANDI archive's own `zarr_checksum` package (0.4.7), on a spread
of committed fixture stores (every format and writer, nested keys, non-ASCII names) and on stores
zarr-python 3 wrote here."""
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import REPO, SUMMARY, run

os.environ["TQDM_DISABLE"] = "1"  # zarr_checksum's progress bar

from zarr_checksum import compute_zarr_checksum  # noqa: E402
from zarr_checksum.generators import yield_files_local  # noqa: E402

EVERY = 8  # one fixture store in EVERY, by sorted path, plus those named below


def fixture_stores():
    roots = sorted(p for p in (REPO / "Vectors" / "fixtures").glob("*/*/*") if p.is_dir() and p.suffix in (".zarr", ".n5"))
    chosen = set(roots[::EVERY])
    chosen.add(REPO / "Vectors/fixtures/v2/zarr-python-2.18.7/unicode-node-name.zarr")
    largest = max(roots, key=lambda p: sum(len(files) for _, _, files in os.walk(p)))
    chosen.add(largest)
    # zarr_checksum walks files only (os.walk does not follow links); stores with links are left out.
    return sorted(p for p in chosen if not any(os.path.islink(os.path.join(d, n)) for d, ds, fs in os.walk(p) for n in ds + fs))


def ours(binary, store):
    done = run([binary, "digest", store, "--algorithm", "dandi"], timeout=120)
    assert done.returncode == 0, (store, done.stderr)
    return json.loads(done.stdout)["dandi"]


def test_dandi_equals_zarr_checksum(binary, stores):
    chosen = fixture_stores() + [Path(stores["good"]), Path(stores["bad"])]
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        got = list(pool.map(lambda s: ours(binary, s), chosen))
    want = [compute_zarr_checksum(yield_files_local(str(s))).digest for s in chosen]
    differ = [(str(s), g, w) for s, g, w in zip(chosen, got, want) if g != w]
    assert not differ, differ[:3]
    files = sum(int(w.split("-")[1]) for w in want)
    assert len(chosen) >= 150 and files >= 1500
    SUMMARY.append(f"dandi: {len(chosen)} stores ({files} files) agree with zarr_checksum 0.4.7")
