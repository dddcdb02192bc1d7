"""How text-reuse detection (kg.derivers.reuse) scales with the number of reports.

    .venv/bin/python benchmarks/bench_reuse.py 2000 [--templates 0.3]
    .venv/bin/python benchmarks/bench_reuse.py 10000 --incremental
    .venv/bin/python benchmarks/bench_reuse.py --store OUT      # an output folder of `kg build`

Makes N synthetic report summaries of 20 passages each from the seed reports' own
sentences: every report takes a share of its passages from a pool of 200 county
templates (filled in with its own name and figures) and writes the rest by
recombining 8 of the seeds' clauses at random, which rarely repeat.  Prints
passages, groups, seconds and peak memory; the national corpus is about 40,000
reports a year, so the time per 1,000 reports is what to look at.

With ``--store OUT`` (the summaries of a built output folder, which is not
changed) or ``--incremental`` (N synthetic reports) it times
:func:`kg.derive.derive_all` with a cache in a temporary folder:
from scratch (empty cache), again with nothing changed, and after one report
changed (the template of the largest reuse group edited), each checked against
a run without cache; triples in pyoxigraph terms, as the build asks for them.
An incremental build pays the last two.
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


def incremental(everything: list[ReportSummary]) -> None:
    """Derivation with a cache: from scratch, nothing changed, one report changed."""
    import dataclasses
    import tempfile

    from kg.derive import Summaries, derive_all
    from kg.derivers import reuse
    from kg.store import to_ox

    def timed(label: str, summaries: Summaries, cache: Path, expected: set) -> None:
        started = time.perf_counter()
        got = set(derive_all(summaries, cache, "bench", oxigraph=True))
        seconds = time.perf_counter() - started
        print(f"{label}: {seconds:.2f} s, {len(got)} triples, same as without cache: {got == expected}", flush=True)

    def lazy(reports: list[ReportSummary]) -> Summaries:
        by_sha = {s.sha256: s for s in reports}
        return Summaries(by_sha, lambda hs: [by_sha[h] for h in hs])

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        expected = {tuple(map(to_ox, t)) for t in derive_all(everything)}
        print(f"{len(everything)} reports; without cache: {time.perf_counter() - started:.2f} s", flush=True)
        cache = Path(tmp) / "cache.sqlite"
        timed("(c) from scratch, empty cache", lazy(everything), cache, expected)
        timed("(a) nothing changed", lazy(everything), cache, expected)
        group = max(reuse.find_groups(everything), key=lambda g: len(g.copies))
        victim, k = group.template.summary, group.template.index
        passages = list(victim.passages)
        passages[k] = dataclasses.replace(passages[k], text=passages[k].text[: len(passages[k].text) // 2] + "另行改写。" * 8)
        sha = hashlib.sha256(repr(passages).encode("utf-8")).hexdigest()
        changed = dataclasses.replace(victim, sha256=sha, report=iri.report(sha), passages=tuple(passages))
        modified = [s for s in everything if s.sha256 != victim.sha256] + [changed]
        timed(f"(b) one report changed (template of {len(group.copies)} copies)", lazy(modified), cache,
              {tuple(map(to_ox, t)) for t in derive_all(modified)})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, nargs="?", default=1000)
    ap.add_argument("--templates", type=float, default=0.3, help="share of passages copied from templates")
    ap.add_argument("--store", metavar="OUT", help="time derivation with a cache on the reports of a built folder")
    ap.add_argument("--incremental", action="store_true", help="time derivation with a cache on N synthetic reports")
    args = ap.parse_args()
    if args.store:
        from kg.store import CorpusStore

        with CorpusStore.open(args.store) as cs:
            return incremental(list(cs.summaries()))
    if args.incremental:
        return incremental(corpus(args.n, args.templates))
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
