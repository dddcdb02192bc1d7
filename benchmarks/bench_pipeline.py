"""Where does one report's time go?  Per-stage cost of :func:`kg.build.process`, beside jieba.lcut.

    python benchmarks/bench_pipeline.py                       # 200 reports, seed 1, 3 rounds
    python benchmarks/bench_pipeline.py --reports 50 --rounds 5
    python benchmarks/bench_pipeline.py --corpus /tmp/p200/reports

The target (issue 6): the per-report pipeline is at least as fast as plain
``jieba.lcut`` over the same text on one core, the floor of any Chinese text
processing.  Both are timed here, report by report, in the same process and
the same run, in CPU time, so the ratio survives a loaded machine.

Two parts:

1. **Start-up**, once per process (a fresh interpreter, so every cost is cold):
   importing the pipeline, ``Gazetteer.load``, parsing the vocabularies
   (``ontology/*.ttl``), the first report (lazy automata, jieba's dictionary),
   and importing datasketch and scipy (the derivers and analyses).
2. **Per report**, after a warm-up: load, normalize, structure, the report
   check, attribute, each extractor, emit (``list(report_triples(...))``),
   summarize (one pass over the corpus), then the whole ``process()`` and
   jieba.lcut (a second pass).  Each round repeats both passes with the caches
   of values read from reports emptied (:func:`forget_values`), so a report is
   never timed with its own literals and slugs cached; the fastest round of
   each report and stage is kept (noise from other work on the machine only
   ever adds time); times are CPU times of the process (:data:`_clock`).  The
   table gives the median over reports in ms and the throughput (bytes of the
   files ÷ the sum of the per-report times) in MB/s.  The fastest round hides
   the garbage collector's full passes, which come every few hundred reports;
   the last line gives the ratio over whole passes, collections included.
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
if str(ROOT) not in sys.path:       # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(ROOT))

# Run in a fresh interpreter by startup(): each step's cost is the first (cold) one.
_STARTUP = r"""
import json, sys, time
from pathlib import Path
t = {}
def step(name, fn):
    s = time.perf_counter(); out = fn(); t[name] = time.perf_counter() - s; return out
step("import kg.build", lambda: __import__("kg.build"))
from kg import build, extract, vocab
from kg.extract import bundles
from kg.gazetteer import Gazetteer
g = step("Gazetteer.load", Gazetteer.load)
step("extractors registered", extract.load_builtins)
step("vocabularies parsed (ontology/*.ttl)", vocab.load_concepts)
step("bundle taxonomy", bundles.taxonomy)
step("first report (lazy automata, jieba dictionary)", lambda: build.process(Path(sys.argv[1]), g))
step("second report", lambda: build.process(Path(sys.argv[1]), g))
step("import datasketch", lambda: __import__("datasketch"))
step("import scipy.sparse", lambda: __import__("scipy.sparse"))
print(json.dumps(t))
"""


def startup(first: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _STARTUP, str(first)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def corpus(args) -> list[Path]:
    if args.corpus:
        return sorted(p for p in Path(args.corpus).iterdir() if p.is_file())[: args.reports]
    from benchmarks.make_corpus import generate

    out = Path(tempfile.gettempdir()) / f"fazhi-pipeline-{args.seed}-{args.reports}"
    if not (out / "reports").is_dir() or len(list((out / "reports").iterdir())) < args.reports:
        generate(args.reports, args.seed, out)
    return sorted((out / "reports").iterdir())[: args.reports]


# CPU time of this process, not wall time: on a shared machine a call of several
# milliseconds is often preempted and its wall time doubled, while a short stage is not,
# which would skew every comparison here.
_clock = time.process_time


def stages(path: Path, gazetteer, registry) -> dict[str, float]:
    """Seconds of each stage of :func:`kg.build.process` for one file."""
    from kg import iri
    from kg.derive import summarize
    from kg.emit import report_triples
    from kg.link import attribute
    from kg.load import load
    from kg.normalize import normalize
    from kg.sections import looks_like_report, structure

    t: dict[str, float] = {}

    def timed(name, fn, *a):
        s = _clock()
        out = fn(*a)
        t[name] = _clock() - s
        return out

    source = timed("load", load, path)
    norm = timed("normalize", normalize, source.text)
    doc = timed("structure", structure, source, norm)
    timed("looks_like_report", looks_like_report, doc)
    who = timed("attribute", attribute, doc, gazetteer)
    mentions = []
    for name, fn in registry:
        mentions.extend(timed(f"extract: {name}", lambda: list(fn(doc))))
    s = _clock()
    mentions.sort(key=lambda m: (m.start, m.end, m.kind))
    t["extract"] = sum(v for k, v in t.items() if k.startswith("extract: ")) + _clock() - s
    timed("emit", lambda: list(report_triples(doc, who, mentions)))
    timed("summarize", summarize, doc, iri.report(source.sha256), who.division.iri, who.division.name)
    return t


def forget_values() -> None:
    """Empty the caches of values read from reports (literals, pinyin slugs), so that a report
    timed again is timed as a new one; the caches of start-up data stay warm."""
    from kg import emit, iri
    from kg.extract import measurements

    for fn in [*(getattr(emit, n, None) for n in ("zh", "plain", "integer", "_decimal")), iri.slug,
               getattr(measurements, "slug", None), getattr(measurements, "indicator_concept", None)]:
        if hasattr(fn, "cache_clear"):
            fn.cache_clear()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reports", type=int, default=200, help="reports to time (default 200)")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (benchmarks/make_corpus.py)")
    ap.add_argument("--corpus", type=Path, help="a folder of reports instead of a generated corpus")
    ap.add_argument("--rounds", type=int, default=3, help="timings per report and stage; the fastest is kept")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up costs")
    args = ap.parse_args(argv)

    files = corpus(args)
    if not args.no_startup:
        print("## Start-up (once per process, cold, seconds)\n")
        for name, seconds in startup(files[0]).items():
            print(f"- {name}: {seconds:.3f}")
        print()

    import jieba

    from kg import extract
    from kg.build import NotAReport, process
    from kg.gazetteer import Gazetteer
    from kg.link import AttributionError
    from kg.load import LoadError, load

    jieba.initialize()
    gazetteer = Gazetteer.load()
    registry = extract.load_builtins()
    reports = []
    for path in files:
        try:
            process(path, gazetteer)        # (the first ones warm up: lazy automata, dictionaries)
        except (LoadError, NotAReport, AttributionError):
            continue
        reports.append((path, load(path).text))

    best: dict[Path, dict[str, float]] = {}
    passes: list[tuple[float, float]] = []      # (process(), jieba.lcut) seconds of one pass
    for _ in range(args.rounds):
        forget_values()
        timings = {path: stages(path, gazetteer, registry) for path, _ in reports}
        forget_values()
        whole = baseline = 0.0
        for path, text in reports:
            s = _clock()
            process(path, gazetteer)
            timings[path]["process() total"] = took = _clock() - s
            s = _clock()
            jieba.lcut(text)
            timings[path]["jieba.lcut (baseline)"] = spent = _clock() - s
            whole, baseline = whole + took, baseline + spent
        passes.append((whole, baseline))
        for path, t in timings.items():
            kept = best.setdefault(path, t)
            for k, v in t.items():
                kept[k] = min(kept[k], v)
    size = sum(p.stat().st_size for p in best)
    print(f"## Per report: {len(best)} reports, {size / 1e6:.2f} MB, fastest of {args.rounds} rounds\n")
    print("| stage | median ms/report | MB/s | share of process() |")
    print("|---|---:|---:|---:|")
    names = list(next(iter(best.values())))
    total = sum(t["process() total"] for t in best.values())
    for name in names:
        seconds = sum(t[name] for t in best.values())
        med = statistics.median(t[name] for t in best.values()) * 1000
        share = "" if name.startswith("jieba") else f"{seconds / total:.0%}"
        print(f"| {name} | {med:.2f} | {size / 1e6 / seconds:.2f} | {share} |")
    jieba_total = sum(t["jieba.lcut (baseline)"] for t in best.values())
    print(f"\nprocess() MB/s ÷ jieba.lcut MB/s = {jieba_total / total:.2f} (target ≥ 1.0; fastest round of each report)")
    ratio = statistics.median(b / w for w, b in passes)
    print(f"whole passes, garbage collection included: {ratio:.2f} (median of {len(passes)} passes)")


if __name__ == "__main__":
    main()
