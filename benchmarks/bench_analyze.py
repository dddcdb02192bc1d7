"""How long each measure of kg analyze takes as the corpus grows.

Synthetic graphs (kg/analysis/synthetic.py) of SIZES townships; for each, the
seconds of every step of kg.analysis.run.  The baseline, measured in the same
run, is reading the graph (pyoxigraph parse + queries), which every command
pays anyway.  Betweenness is sampled within kg.analysis.centrality.BUDGET edge
visits, so its time stays bounded; the table shows the sample size.

    python benchmarks/bench_analyze.py [--sizes 500 5000 20000]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kg.analysis.adoption import adoption_matrix, bipartite_graph
from kg.analysis.centrality import centrality
from kg.analysis.communities import communities
from kg.analysis.corpus import read_corpus
from kg.analysis.reuse import copied_adoptions
from kg.analysis.similarity import co_adoption, township_similarity
from kg.analysis.synthetic import synthetic_graph


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 20000])
    args = ap.parse_args()
    print("| townships | links | read (baseline) | copied | similarity | co-adoption | Louvain | centrality (samples) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        work = Path(tempfile.mkdtemp(prefix="bench-analyze-"))
        g = synthetic_graph(work, townships=n, seed=1)
        t = time.perf_counter()
        lap = []

        def tick():
            nonlocal t
            now = time.perf_counter()
            lap.append(now - t)
            t = now

        corpus = read_corpus(work); tick()
        copied = copied_adoptions(corpus); tick()
        a = adoption_matrix(corpus, copied=copied)
        sims = township_similarity(a); tick()
        co_adoption(a); tick()
        communities(a, sims); tick()
        c = centrality(bipartite_graph(corpus)); tick()
        print(f"| {n} | {g.links} | " + " | ".join(f"{x:.1f} s" for x in lap[:-1]) + f" | {lap[-1]:.1f} s ({c.samples}) |")


if __name__ == "__main__":
    main()
