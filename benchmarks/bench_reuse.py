"""How text-reuse detection (kg.derivers.reuse) scales with the number of reports.

    .venv/bin/python benchmarks/bench_reuse.py 2000 [--templates 0.3]

Makes N synthetic report summaries of 20 passages each from the seed reports' own
sentences: every report takes a share of its passages from a pool of 200 county
templates (filled in with its own name and figures) and writes the rest by
recombining 8 of the seeds' clauses at random, which rarely repeat.  Prints
passages, groups, seconds and peak memory; the national corpus is about 40,000
reports a year, so the time per 1,000 reports is what to look at.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import time
import resource
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg import iri  # noqa: E402
from kg.derive import Passage, ReportSummary  # noqa: E402
from kg.derivers.reuse import find_groups  # noqa: E402


def clauses() -> list[str]:
    """The seed reports' clauses (split at ，。；), the material own text is recombined from."""
    out = []
    for f in sorted((ROOT / "seeds").glob("*.txt")):
        out += [c.strip() for c in re.split(r"[，。；\n]", f.read_text(encoding="utf-8")) if len(c.strip()) >= 6]
    return sorted(set(out))


def corpus(n: int, template_share: float, seed: int = 1) -> list[ReportSummary]:
    rng = random.Random(seed)
    pool = clauses()
    templates = ["，".join(rng.sample(pool, 10)) + "。" for _ in range(200)]
    reports = []
    for i in range(n):
        name = f"{chr(0x4e00 + i % 20000)}{chr(0x4e00 + (i * 7) % 20000)}乡"
        passages, pos = [], 0
        for _ in range(20):
            if rng.random() < template_share:
                text = templates[rng.randrange(len(templates))].replace("加勤乡", name)
                text = re.sub(r"\d+", str(rng.randrange(1, 99)), text)
            else:
                text = "，".join(rng.sample(pool, 8)) + "。"
            passages.append(Passage(pos, pos + len(text), text))
            pos += len(text) + 1
        sha = hashlib.sha256(f"{i}".encode()).hexdigest()
        code = f"{110101001000 + i * 1000:012d}"
        reports.append(ReportSummary(iri.report(sha), sha, f"{i}.txt", iri.division(code), name, 2024, tuple(passages)))
    return reports


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("--templates", type=float, default=0.3, help="share of passages copied from templates")
    args = ap.parse_args()
    reports = corpus(args.n, args.templates)
    passages = sum(len(r.passages) for r in reports)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    groups = find_groups(reports)
    seconds = time.perf_counter() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024   # ru_maxrss is in KiB
    copies = sum(len(g.copies) for g in groups)
    print(f"{args.n} reports, {passages} passages: {len(groups)} groups, {copies} copies, "
          f"{seconds:.1f} s ({1000 * seconds / args.n:.2f} s per 1,000 reports), peak memory grew by {grown / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
