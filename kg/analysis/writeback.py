"""The analysis results as RDF, in a named graph of their own.

``kg analyze`` never edits the triples ``kg build`` wrote: its results go into
the named graph ``<https://w3id.org/fazhi-kg/id/graph/analysis>``, written as
``DIR/analysis/analysis.trig`` and, where the build keeps a store
(``DIR/store/``), replaced there too, so a rerun leaves no stale results.
The terms are declared in ``ontology/analysis.ttl``.

>>> from kg.analysis.writeback import iri_for
>>> iri_for("community", "3")
'https://w3id.org/fazhi-kg/id/analysis/community/3'
"""
from __future__ import annotations

import hashlib
import tempfile
from contextlib import ExitStack
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph as ox

from kg.atomicfile import replacing
from kg.analysis.centrality import Centrality
from kg.analysis.communities import Community
from kg.analysis.similarity import CoAdoption, Similar

ID = "https://w3id.org/fazhi-kg/id/"
FZ = "https://w3id.org/fazhi-kg/ont#"
GRAPH = ox.NamedNode(ID + "graph/analysis")
CHUNK = 20_000                  # triples removed per transaction when the previous analysis is replaced
HEADER = f"@prefix fz: <{FZ}> .\n@prefix fzid: <{ID}> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"


def iri_for(kind: str, key: str) -> str:
    return f"{ID}analysis/{kind}/{key}"


def _pair_key(a: str, b: str) -> str:
    return hashlib.sha1("\n".join(sorted((a, b))).encode()).hexdigest()[:20]


# Triples are written as Turtle terms: formatting strings is ten times faster than building
# pyoxigraph terms, and a national run writes millions of them.  IRIs come from the graph
# (already valid IRIs); the only literals are numbers and "社区 N".
def _n(iri: str) -> str:
    return f"<{iri}>"


def _int(v: int) -> str:
    return str(int(v))                      # Turtle's short form of an xsd:integer


def _dec(v: float) -> str:
    return f"{v:.6f}"                       # ... and of an xsd:decimal


def analysis_triples(*, centrality: Centrality, communities: list[Community], similar: list[Similar],
                     co: list[CoAdoption], adopters: dict[str, int], reuse_weight: float, seed: int) -> Iterator[str]:
    """The results, one Turtle triple per string."""
    run = _n(iri_for("run", "latest"))
    yield f"{run} a fz:AnalysisRun ; fz:reuseWeight {_dec(reuse_weight)} ; " \
          f"fz:betweennessSamples {_int(centrality.samples)} ; fz:randomSeed {_int(seed)} ."
    for node, c in centrality.values.items():
        yield f"<{node}> fz:degree {c.degree} ; fz:degreeCentrality {c.degree_centrality:.6f} ; " \
              f"fz:betweenness {c.betweenness:.6f} ."
    for concept, n in adopters.items():
        yield f"<{concept}> fz:adopters {_int(n)} ."
    for com in communities:
        node = _n(iri_for("community", str(com.index)))
        yield f'{node} a fz:Community ; rdfs:label "社区 {com.index}"@zh ; fz:memberCount {len(com.members)} .'
        for m in com.members:
            yield f"<{m}> fz:community {node} ."
        for concept, _, _ in com.characteristic:
            yield f"{node} fz:characteristicConcept <{concept}> ."
    seen = set()
    for s in similar:
        key = _pair_key(s.a, s.b)
        if key in seen:
            continue
        seen.add(key)
        yield (f"<{ID}analysis/similarity/{key}> a fz:Similarity ; fz:pairMember <{s.a}>, <{s.b}> ; "
               f"fz:jaccard {s.jaccard:.6f} ; fz:discountedSimilarity {s.discounted:.6f} .")
    for c in co:
        yield (f"<{ID}analysis/coadoption/{_pair_key(c.a, c.b)}> a fz:CoAdoption ; fz:pairMember <{c.a}>, <{c.b}> ; "
               f"fz:coAdopters {c.both} ; fz:jaccard {c.jaccard:.6f} ; fz:lift {c.lift:.6f} .")


def write_back(out_dir: str | Path, triples: Iterable[str]) -> Path:
    """Write the named graph to ``DIR/analysis/analysis.trig`` (and into ``DIR/store/`` when there is one)."""
    target = Path(out_dir) / "analysis" / "analysis.trig"
    store_dir = Path(out_dir) / "store"
    body = None
    with ExitStack() as stack:
        f = stack.enter_context(replacing(target, "w", encoding="utf-8"))
        f.write(HEADER + f"<{GRAPH.value}> {{\n")
        if store_dir.is_dir():
            # the same triples as plain Turtle, for the store's bulk loader (it loads a TriG file
            # only into the graph the file names, and the store wants them in two)
            body = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=target.parent))) / "analysis.ttl"
            g = stack.enter_context(body.open("w", encoding="utf-8"))
            g.write(HEADER)
        for t in triples:
            f.write(t)
            f.write("\n")
            if body is not None:
                g.write(t)
                g.write("\n")
        f.write("}\n")
        if body is not None:
            g.close()
            _replace_in_store(out_dir, body)
    return target


def _replace_in_store(out_dir: str | Path, body: Path) -> None:
    """Replace the analysis graph of the store, and its share of the default (union) graph.

    Every triple of the analysis graph is the analysis's own: its subject is
    an ``…/id/analysis/`` node or its predicate a term of
    ``ontology/analysis.ttl``, which no report, vocabulary or derived graph
    states.  So what the previous analysis said leaves the default graph
    without asking, triple by triple, whether another graph says it too
    (what :meth:`kg.store.CorpusStore.drop_graph` must do for a report); and
    the new triples go in with the bulk loader, into both graphs."""
    from kg.store import CorpusStore

    with CorpusStore.open(out_dir) as cs:
        g = f"<{GRAPH.value}>"
        # One pass over a snapshot of the old graph (pyoxigraph iterates a snapshot), CHUNK
        # triples per transaction: a transaction holds all it changes in memory.  Asking the
        # graph again after each chunk would walk past every deletion made so far, which made
        # a rerun at 50,000 reports spend four minutes here.
        old = cs.store.quads_for_pattern(None, None, None, GRAPH)
        while chunk := list(islice(old, CHUNK)):
            blank = [q for q in chunk if _has_blank(q)]          # DELETE DATA takes no blank nodes
            if len(blank) < len(chunk):
                data = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in chunk if not _has_blank(q))
                cs.store.update(f"DELETE DATA {{ {data} GRAPH {g} {{ {data} }} }}")
            for q in blank:
                cs.store.remove(q)
                cs.store.remove(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()))
        cs.store.update(f"DROP SILENT GRAPH {g}")
        for graph in (GRAPH, ox.DefaultGraph()):
            cs.store.bulk_load(path=str(body), format=ox.RdfFormat.TURTLE, to_graph=graph, lenient=True)


def _has_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
