"""Gazetteer load and name-finding speed (medians of RUNS), beside a plain str.find baseline.

    python benchmarks/bench_gazetteer.py
"""
import statistics
import time

from pathlib import Path

import kg
from kg.gazetteer import Gazetteer

DATA_FILE = Path(kg.__file__).parent / "data" / "gazetteer.tsv.gz"

RUNS = 5


def median(fn, runs=RUNS):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    load = median(lambda: Gazetteer.load(DATA_FILE), 3)
    g = Gazetteer.load()
    text = ("2024年，在酉阳县委、县政府的坚强领导下，双泉乡坚持依法行政，" * 80)[:6000]
    g.find(text)
    find = median(lambda: g.find(text))
    # baseline: the naive way, every county and township name tested with `in`
    names = [d.name for d in g if d.level in ("county", "township")]
    base = median(lambda: [n for n in names if n in text], 3)
    print(f"{'what':<28}{'seconds':>12}")
    print(f"{'load (no villages)':<28}{load:>12.3f}")
    print(f"{'find() on 6 KB':<28}{find:>12.6f}")
    print(f"{'naive `name in text` x41k':<28}{base:>12.6f}   find() is {base / find:.0f}x faster")


if __name__ == "__main__":
    main()
