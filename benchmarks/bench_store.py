"""The corpus store at a million triples, each timing beside rdflib in memory in the same run.

    python benchmarks/bench_store.py                 # 1,100 reports, about 1.1 million triples
    python benchmarks/bench_store.py --reports 300   # a quick look

The corpus is made from the seeds (:func:`make_corpus`): report k is a copy
of seed k mod 5 with one line of its own, so every file has its own content
hash.  Its store is written the way a build writes it (``CorpusStore.put_report``
per report, then ``kg.build.build`` for the shared graphs and graph.ttl), from
the seed's extracted triples with the hashes, file names and evidence IRIs
rewritten for the copy; that spares extracting 1,100 files one by one, which
is what a build from scratch would do and not what is measured here.

Every canned query on a store already built (issue 6: each under a second at 50,000 reports);
run it on stores of two sizes and compare, since a query that grows with the corpus shows it
at once (twice the reports, twice the time)::

    python benchmarks/bench_store.py --queries OUT [--param township=大桥镇 …]

Three timings, each with its rdflib-in-memory counterpart:

load       N-Triples of the union into an on-disk Oxigraph store (``Store.bulk_load``)
           | into an rdflib ``Graph`` (``parse``)
query      the canned query ``mechanism-townships`` (``kg.query.execute``)
           | the same SPARQL with ``rdflib.Graph.query``
rebuild    ``kg build`` after one file changed: hash every file, extract the one, replace its
           graph, recompute the shared graphs, export graph.ttl, SHACL on the changed report
           | rdflib: read the previous graph (N-Quads, one graph per report) into a ``Dataset``,
           replace that report's graph, write the union as Turtle
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pyoxigraph import DefaultGraph, RdfFormat, Store, parse, serialize  # noqa: E402

import kg.build  # noqa: E402
from kg import iri  # noqa: E402
from kg.build import build, pipeline_fingerprint, process  # noqa: E402
from kg.export import export_store  # noqa: E402
from kg.gazetteer import Gazetteer  # noqa: E402
from kg.parallel import time_limit  # noqa: E402
from kg.query import bind, canned, execute, with_prefixes  # noqa: E402
from kg.store import CorpusStore, Entry, to_quads  # noqa: E402

SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
QUERY = "mechanism-townships"


def make_corpus(folder: Path, out: Path, reports: int) -> None:
    """Write ``reports`` files and, in ``out``, the store a build of them would have."""
    folder.mkdir(parents=True)
    gaz = Gazetteer.load()
    seeds = []
    for path in SEEDS:
        outcome = process(path, gaz)
        nt = serialize((q.triple for q in to_quads(outcome.triples, iri.ID + "g")), format=RdfFormat.N_TRIPLES).decode()
        seeds.append((path, outcome, nt, json.dumps(asdict(outcome.summary), ensure_ascii=False, sort_keys=True)))
    with CorpusStore.open(out) as cs:
        cs.set_state("fingerprint", kg.build.pipeline_fingerprint())
        for k in range(reports):
            path, outcome, nt, summary = seeds[k % len(seeds)]
            name = f"{k:05d}_{path.stem}.txt"
            data = path.read_bytes() + f"\n（第{k}份）\n".encode("utf-8")
            (folder / name).write_bytes(data)
            sha = hashlib.sha256(data).hexdigest()
            text = nt.replace(outcome.sha256, sha).replace(outcome.sha256[:16], sha[:16]).replace(path.name, name)
            # evidence IRIs hash what they state and where: another report, another IRI
            text = re.sub(r"/evidence/([0-9a-f]{20})", lambda m: "/evidence/" + hashlib.sha1((m.group(1) + sha).encode()).hexdigest()[:20], text)
            triples = [q.triple for q in parse(text.encode(), format=RdfFormat.N_TRIPLES)]
            s = summary.replace(outcome.sha256, sha).replace(outcome.sha256[:16], sha[:16]).replace(path.name, name)
            cs.put_report(Entry(sha, str(folder / name), iri.report(sha), s), [(t.subject, t.predicate, t.object) for t in triples])


def timed(fn):
    t = time.perf_counter()
    value = fn()
    return time.perf_counter() - t, value


def time_queries(out: Path, values: dict[str, str], timeout: float) -> None:
    """Each canned query on the store of ``out``, in one query process (so start-up is not
    counted), with ``values`` for the parameters a query has (NAME=VALUE)."""
    from kg.query import QueryTimeout, Worker
    from kg.store import store_path

    worker = Worker(store_path(out))
    worker.run("ASK { ?s ?p ?o }", timeout, 0)
    reports = worker.run("SELECT (COUNT(*) AS ?n) WHERE { ?r a fz:Report }", timeout, 0).rows[0][0][1]
    print(f"{out}: {int(reports):,} reports\n{'canned query':<34}{'seconds':>9}{'rows':>8}", flush=True)
    for name, query in canned().items():
        text = bind(query, {k: v for k, v in values.items() if k in {p.name for p in query.params}})
        t = time.perf_counter()
        try:
            rows = len(worker.run(text, timeout, 0).rows)
            print(f"{name:<34}{time.perf_counter() - t:>9.3f}{rows:>8}", flush=True)
        except QueryTimeout:
            print(f"{name:<34}{'> ' + format(timeout, 'g'):>9}{'-':>8}", flush=True)
            worker = Worker(store_path(out))
    worker.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=1100)
    ap.add_argument("--work", type=Path, default=None, help="folder for the corpus and stores (default: a temporary one)")
    ap.add_argument("--queries", type=Path, default=None, metavar="OUT",
                    help="only time every canned query on the store of OUT (as written by kg build --out)")
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                    help="a parameter value for the canned queries that have it (with --queries)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per query (with --queries)")
    ap.add_argument("--rdflib-timeout", type=int, default=600,
                    help="seconds rdflib may take for the canned query before it is stopped (default 600)")
    args = ap.parse_args()
    if args.queries:
        time_queries(args.queries, dict(p.split("=", 1) for p in args.param), args.timeout)
        return
    # Pinned: an edit to the code base during the run must not turn the incremental rebuild
    # being measured into a rebuild of everything.
    fingerprint = pipeline_fingerprint()
    kg.build.pipeline_fingerprint = lambda: fingerprint
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-store-"))
    folder, out = work / "reports", work / "out"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    gen, _ = timed(lambda: make_corpus(folder, out, args.reports))
    first, result = timed(lambda: build([folder], out, validate=False))
    assert result.reused == args.reports, (result.extracted, result.reused)
    store = Store.read_only(str(out / "store"))
    union = sum(1 for _ in store.quads_for_pattern(None, None, None, DefaultGraph()))
    export_store(store, "nt", work / "union.nt")
    export_store(store, "nq", work / "graphs.nq")
    del store
    print(f"corpus: {args.reports} reports, {union:,} triples in the union; generated in {gen:.1f} s, "
          f"shared graphs and graph.ttl in {first:.1f} s ({result.reused} reports kept)", flush=True)

    rows = []
    print(f"\n{'what':<46}{'store (s)':>12}{'rdflib (s)':>12}{'speed-up':>10}", flush=True)

    def row(what, ox, rd):
        rows.append((what, ox, rd))
        print(f"{what:<46}{ox:>12.2f}{rd:>12.2f}{rd / ox:>9.1f}x", flush=True)

    # 1. load
    import rdflib

    ox_store_dir = work / "load-store"
    ox_load, _ = timed(lambda: Store(str(ox_store_dir)).bulk_load(path=str(work / "union.nt"), format=RdfFormat.N_TRIPLES))
    rd_load, graph = timed(lambda: rdflib.Graph().parse(work / "union.nt", format="nt"))
    row(f"load {union / 1e6:.1f}M triples (N-Triples)", ox_load, rd_load)

    # 2. a canned query
    text = with_prefixes(bind(canned()[QUERY], {}))
    store = Store.read_only(str(out / "store"))
    ox_q, ox_res = timed(lambda: execute(store, text, limit=0))
    try:
        with time_limit(args.rdflib_timeout):    # rdflib is pure Python: SIGALRM stops it
            rd_q, rd_res = timed(lambda: list(graph.query(text)))
        assert len({r for r in ox_res.rows}) == len(set(rd_res)), (len(ox_res.rows), len(rd_res))
        row(f"canned query {QUERY} ({len(ox_res.rows)} rows)", ox_q, rd_q)
    except TimeoutError:
        rows.append((f"canned query {QUERY}", ox_q, None))
        print(f"{f'canned query {QUERY} ({len(ox_res.rows)} rows)':<46}{ox_q:>12.2f}"
              f"{'> ' + format(args.rdflib_timeout, 'g'):>12}{'> ' + format(args.rdflib_timeout / ox_q, '.0f'):>9}x",
              flush=True)
    del store, graph

    # 3. incremental rebuild after one changed file
    changed = sorted(folder.glob("*.txt"))[7]
    before_sha = hashlib.sha256(changed.read_bytes()).hexdigest()
    changed.write_bytes(changed.read_bytes() + "\n全年共开展法治宣传活动12场次。\n".encode("utf-8"))
    inc, res = timed(lambda: build([folder], out))
    assert (res.extracted, res.removed, res.reused) == (1, 1, args.reports - 1), (res.extracted, res.removed, res.reused)

    def rdflib_rebuild():
        ds = rdflib.Dataset()
        ds.parse(work / "graphs.nq", format="nquads")
        ds.remove_graph(rdflib.URIRef(iri.report(before_sha)))
        outcome = process(changed)
        g = ds.graph(rdflib.URIRef(iri.report(outcome.sha256)))
        for t in outcome.triples:
            g.add(t)
        union_graph = rdflib.Graph()
        for s, p, o, _ in ds.quads((None, None, None, None)):
            union_graph.add((s, p, o))
        union_graph.serialize(work / "rdflib-graph.ttl", format="turtle")
    rd_inc, _ = timed(rdflib_rebuild)
    row("rebuild after 1 changed file", inc, rd_inc)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process (rdflib included): {peak:,.0f} MB; work folder: {work}")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
