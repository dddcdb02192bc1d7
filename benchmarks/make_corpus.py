"""Write N synthetic rule-of-law government reports, each with its known answer.

    python benchmarks/make_corpus.py 1000 --seed 1 --out /tmp/corpus-1000
    python benchmarks/make_corpus.py 50 --seed 7 --out /tmp/bad --pathological

Reports come from real divisions of the gazetteer (80 % townships, 10 % counties,
10 % county departments); their parts, headings and sentences are drawn from
``benchmarks/corpus/templates.toml``; mechanisms and campaigns from the
vocabularies plus made-up ones that no vocabulary knows.  5 % are written in
traditional characters, 10 % in GBK, 20 % of township reports name no county
(exact shares: see benchmarks/corpus/files.py).

Output: OUT/reports/*.txt (build this folder), OUT/answers/*.answer.json (what
each report states: division, year, section types, mechanisms implemented and
planned, campaigns, figures), OUT/corpus.json (seed, count, shares).  The same
seed gives the same files, and report i does not depend on N.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:       # run as a script: make `benchmarks.corpus` importable
    sys.path.insert(0, str(ROOT))

from benchmarks.corpus import files  # noqa: E402


def _write_range(args: tuple[int, int, int, str]) -> list[tuple[str, str, int]]:
    start, stop, seed, out = args
    return [files.write(i, seed, Path(out)) for i in range(start, stop)]


def generate(n: int, seed: int, out: Path, pathological: bool = False, jobs: int = 1) -> dict:
    """Write the corpus; returns the manifest (also written to OUT/corpus.json)."""
    started = time.perf_counter()
    out = Path(out)
    (out / files.REPORTS).mkdir(parents=True, exist_ok=True)
    (out / files.ANSWERS).mkdir(parents=True, exist_ok=True)
    chunk = 200
    tasks = [(s, min(s + chunk, n), seed, str(out)) for s in range(0, n, chunk)]
    if jobs > 1 and n > chunk:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = [r for part in pool.imap(_write_range, tasks) for r in part]
    else:
        results = [r for t in tasks for r in _write_range(t)]
    manifest = {
        "seed": seed,
        "reports": n,
        "bytes": sum(r[2] for r in results),
        "scripts": dict(Counter(r[0] for r in results)),
        "encodings": dict(Counter(r[1] for r in results)),
        "crlf": sum(1 for i in range(n) if files.variant(i).newline == "\r\n"),
        "no_county": sum(1 for i in range(n) if i % 20 < 16 and not files.names_county(i)),
        "pathological": None,
        "seconds": 0.0,
    }
    if pathological:
        manifest["pathological"] = files.write_pathological(out, seed).name
    manifest["seconds"] = round(time.perf_counter() - started, 2)
    (out / files.MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int, help="number of reports")
    ap.add_argument("--seed", type=int, default=1, help="the same seed writes the same corpus (default 1)")
    ap.add_argument("--out", type=Path, default=None, help="output folder (default /tmp/fazhi-corpus-SEED-N)")
    ap.add_argument("--pathological", action="store_true",
                    help="add one 10 MB single-line report of a million figures (zz_pathological.txt)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes")
    args = ap.parse_args(argv)
    out = args.out or Path(f"/tmp/fazhi-corpus-{args.seed}-{args.n}")
    m = generate(args.n, args.seed, out, args.pathological, args.jobs)
    print(f"{m['reports']} reports, {m['bytes'] / 1e6:.1f} MB in {out / files.REPORTS} "
          f"({m['seconds']:.1f} s); scripts {m['scripts']}, encodings {m['encodings']}, "
          f"no county named {m['no_county']}" + (f"; pathological: {m['pathological']}" if m["pathological"] else ""))


if __name__ == "__main__":
    main()
