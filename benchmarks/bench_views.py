"""How long each kind of view takes to open in headless Chromium, on a 5,000-node graph.

Builds a synthetic graph (kg/analysis/synthetic.py) of about NODES divisions and
concepts, writes the views, and opens each kind offline in Debian's Chromium,
timing from navigation to the first drawing of the settled graph (the page
sets ``data-ready``).  The baseline, measured in the same run, is the same
page template with an empty graph: what the browser, vis-network and the page
cost before any data.  Medians of RUNS openings.

    python benchmarks/bench_views.py [--nodes 5000] [--runs 3]
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from kg.analysis.corpus import Corpus, read_corpus
from kg.analysis.synthetic import synthetic_graph
from kg.viz.browser import Browser
from kg.viz.coadoption import coadoption_view
from kg.viz.concept import concept_view
from kg.viz.lookup import Lookup
from kg.viz.overview import overview
from kg.viz.page import write_view
from kg.viz.township import township_view


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nodes", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-views-"))
    townships = int(args.nodes * 0.9)            # the rest: counties, prefectures, provinces, concepts
    g = synthetic_graph(work, townships=townships, seed=1)
    started = time.perf_counter()
    lk = Lookup.of(read_corpus(work))
    read_s = time.perf_counter() - started
    top = max(lk.corpus.concepts, key=lambda k: lk.adopters.get(k, 0))
    small = min((k for k in lk.corpus.concepts if lk.adopters.get(k, 0)), key=lambda k: lk.adopters[k])
    views = {
        "baseline: empty page": overview(Lookup.of(Corpus({}, {}, ()))),
        "overview": overview(lk),
        "township (ego)": township_view(lk, lk.corpus.townships[0]),
        "mechanism, most adopted": concept_view(lk, top),
        "mechanism, least adopted": concept_view(lk, small),
        "co-adoption": coadoption_view(lk),
    }
    print(f"graph: {g.nodes} nodes ({g.townships} townships), {g.links} links; read in {read_s:.1f} s; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"| view | nodes drawn | edges drawn | physics | write (s) | open in Chromium (s, median of {args.runs}) |")
    print("|---|---:|---:|---|---:|---:|")
    with Browser() as browser:
        for name, view in views.items():
            t = time.perf_counter()
            path = write_view(view, work / "views" / name.split(",")[0].split(":")[0].replace(" ", "-"))
            write_s = time.perf_counter() - t
            opened = [browser.open(path, timeout_s=300) for _ in range(args.runs)]
            assert all(o.errors == () for o in opened), opened[0].errors
            print(f"| {name} | {opened[0].nodes} | {opened[0].edges} | {'off, precomputed' if view.positioned else 'on, then off'} "
                  f"| {write_s:.2f} | {statistics.median(o.seconds for o in opened):.2f} |")


if __name__ == "__main__":
    main()
