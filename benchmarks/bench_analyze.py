"""How long kg analyze takes, and how much memory, as the corpus grows.

Synthetic graphs (kg/analysis/synthetic.py) of SIZES townships, shaped like the
national corpus (150 mechanisms and 40 campaigns with a long tail of popularity,
about 9 mechanisms and 3 campaigns per township, one report each), kept in a
store as ``kg build`` keeps them.  For each size: the seconds of every step of
kg.analysis.run (wall and CPU: on a shared machine CPU seconds are the steadier
figure), and the peak resident memory of the whole run, each size in a fresh
process.  Reading the graph is the baseline every command pays.  Betweenness is
sampled within kg.analysis.centrality.BUDGET edge visits (sample size shown).

    python benchmarks/bench_analyze.py [--sizes 500 5000 50000]
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one(n: int) -> dict:
    from kg.analysis.adoption import adoption_matrix, bipartite_of
    from kg.analysis.centrality import centrality
    from kg.analysis.communities import communities
    from kg.analysis.corpus import read_corpus
    from kg.analysis.reuse import copied_adoptions
    from kg.analysis.run import analyze_corpus
    from kg.analysis.similarity import co_adoption, township_similarity
    from kg.analysis.synthetic import synthetic_graph

    work = Path(tempfile.mkdtemp(prefix="bench-analyze-"))
    g = synthetic_graph(work, townships=n, seed=1, mechanisms=150, campaigns=40, links_per_township=12, store=True)
    laps: dict[str, tuple[float, float]] = {}
    t, c = time.perf_counter(), time.process_time()

    def tick(name):
        nonlocal t, c
        laps[name] = (time.perf_counter() - t, time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()

    corpus = read_corpus(work, views=False); tick("read (baseline)")   # what kg analyze reads
    copied = copied_adoptions(corpus); tick("copied")
    a = adoption_matrix(corpus, copied=copied); tick("matrix")
    sims = township_similarity(a); tick("similarity")
    co_adoption(a); tick("co-adoption")
    communities(a, sims); tick("Louvain")
    cent = centrality(bipartite_of(a)); tick("centrality")
    started = time.perf_counter(), time.process_time()
    analyze_corpus(corpus, work)
    whole = (time.perf_counter() - started[0], time.process_time() - started[1])
    shutil.rmtree(work, ignore_errors=True)
    return {"n": n, "links": g.links, "laps": laps, "samples": cent.samples, "whole": whole,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 50000])
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    header = None
    for n in args.sizes:
        r = json.loads(subprocess.run([sys.executable, __file__, "--one", str(n)], check=True,
                                      capture_output=True, text=True).stdout)
        if header is None:
            header = list(r["laps"])
            print("| townships | links | " + " | ".join(header) + " | whole kg analyze after read | peak RSS |")
            print("|---:|---:|" + "---:|" * (len(header) + 2))
        cells = [f"{w:.1f} s ({c:.1f} CPU)" for w, c in r["laps"].values()]
        cells[-1] += f" k={r['samples']}"
        w, c = r["whole"]
        print(f"| {r['n']} | {r['links']} | " + " | ".join(cells) + f" | {w:.1f} s ({c:.1f} CPU) | {r['rss_mb']} MB |")


if __name__ == "__main__":
    main()
