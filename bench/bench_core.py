"""Benchmarks of the lookup core: cold index load, one lookup, 100,000 in bulk, memory.

Run: .venv/bin/python bench/bench_core.py   (figures are medians of --runs runs)
Targets (issue #3): cold load ≤ 0.3 s, single lookup ≤ 50 µs, 100,000 in bulk ≤ 0.5 s, index ≤ 40 MB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Measured in a fresh interpreter each time, so "cold" means what a new app process pays.
_COLD = """
import json, time
def rss_kb():
    with open('/proc/self/status') as f:
        return int(next(l for l in f if l.startswith('VmRSS')).split()[1])
import numpy, pyproj, phonenumbers
from locator import clinics, service, store
before = rss_kb()
t0 = time.perf_counter()
ix = store.load()
t1 = time.perf_counter()
index_rss = rss_kb()
loc = service.Locator(ix, clinics.load_clinics(clinics.clinics_path(), ix.clinic_positions))
t2 = time.perf_counter()
print(json.dumps({"index_load": t1 - t0, "locator_ready": t2 - t0, "index_rss_mb": (index_rss - before) / 1024,
                  "locator_rss_mb": (rss_kb() - before) / 1024,
                  "arrays_mb": (ix.unit_keys.nbytes + ix.unit_e.nbytes + ix.unit_n.nbytes) / 2**20}))
"""

SINGLE_QUERIES = ["SL6 8DG", "hp70hp", "W1G 8AJ", "L1 8JQ", "G1 1XQ", "BT1 1AA", "D18 X5K7", "EH1 1YZ", "CF10 1EP"]


def cold(runs: int) -> dict:
    samples = [json.loads(subprocess.run([sys.executable, "-c", _COLD], cwd=ROOT, capture_output=True,
                                         text=True, check=True).stdout) for _ in range(runs)]
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def single(locator, runs: int) -> float:
    per_call = []
    for _ in range(runs):
        n = 2000
        t0 = time.perf_counter()
        for i in range(n):
            locator.lookup(SINGLE_QUERIES[i % len(SINGLE_QUERIES)])
        per_call.append((time.perf_counter() - t0) / n)
    return statistics.median(per_call)


def sample_postcodes(locator, n: int, seed: int = 20261124) -> list[str]:
    import numpy as np

    keys = locator.index.unit_keys[np.random.default_rng(seed).choice(len(locator.index.unit_keys), n)]
    return [f"{k[:-3]} {k[-3:]}" for k in (key.decode() for key in keys.tolist())]


def bulk(locator, n: int, runs: int) -> float:
    from locator.bulk import answer_list

    queries = sample_postcodes(locator, n)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        answer_list(locator, queries)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def build_time() -> float:
    from locator.build import index

    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        index.build(Path(folder) / "index.bin")
        return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--with-build", action="store_true", help="also time a full index build (once)")
    args = parser.parse_args()
    from locator import Locator

    locator = Locator.load()
    figures = cold(args.runs)
    rows = [
        ("cold index load (built index)", f"{figures['index_load'] * 1000:.0f} ms", "≤ 300 ms"),
        ("cold load to a ready Locator", f"{figures['locator_ready'] * 1000:.0f} ms", ""),
        ("single lookup", f"{single(locator, args.runs) * 1e6:.1f} µs", "≤ 50 µs"),
        ("100,000 postcodes in bulk (answer_list)", f"{bulk(locator, 100_000, args.runs):.3f} s", "≤ 0.5 s"),
        ("index memory (RSS growth on load)", f"{figures['index_rss_mb']:.1f} MB", "≤ 40 MB"),
        ("  of which unit arrays", f"{figures['arrays_mb']:.1f} MB", ""),
        ("ready Locator memory (index + lookups)", f"{figures['locator_rss_mb']:.1f} MB", ""),
    ]
    if args.with_build:
        rows.append(("index build from raw data (once)", f"{build_time():.1f} s", "a few seconds"))
    print(f"median of {args.runs} runs, {time.strftime('%Y-%m-%d')}")
    print(f"| {'measure':36} | {'median':>10} | {'target':>13} |")
    print(f"|{'-' * 38}|{'-' * 12}|{'-' * 15}|")
    for name, value, target in rows:
        print(f"| {name:36} | {value:>10} | {target:>13} |")


if __name__ == "__main__":
    main()
