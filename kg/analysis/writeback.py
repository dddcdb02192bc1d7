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
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
XSD = "http://www.w3.org/2001/XMLSchema#"


def iri_for(kind: str, key: str) -> str:
    return f"{ID}analysis/{kind}/{key}"


def _pair_key(a: str, b: str) -> str:
    return hashlib.sha1("\n".join(sorted((a, b))).encode()).hexdigest()[:20]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _fz(term: str) -> ox.NamedNode:
    return ox.NamedNode(FZ + term)


def _int(v: int) -> ox.Literal:
    return ox.Literal(str(int(v)), datatype=ox.NamedNode(XSD + "integer"))


def _dec(v: float) -> ox.Literal:
    return ox.Literal(f"{v:.6f}", datatype=ox.NamedNode(XSD + "decimal"))


def analysis_triples(*, centrality: Centrality, communities: list[Community], similar: list[Similar],
                     co: list[CoAdoption], adopters: dict[str, int], reuse_weight: float, seed: int) -> Iterator[tuple]:
    run = _n(iri_for("run", "latest"))
    yield run, RDF_TYPE, _fz("AnalysisRun")
    yield run, _fz("reuseWeight"), _dec(reuse_weight)
    yield run, _fz("betweennessSamples"), _int(centrality.samples)
    yield run, _fz("randomSeed"), _int(seed)
    for node, c in centrality.values.items():
        yield _n(node), _fz("degree"), _int(c.degree)
        yield _n(node), _fz("degreeCentrality"), _dec(c.degree_centrality)
        yield _n(node), _fz("betweenness"), _dec(c.betweenness)
    for concept, n in adopters.items():
        yield _n(concept), _fz("adopters"), _int(n)
    for com in communities:
        node = _n(iri_for("community", str(com.index)))
        yield node, RDF_TYPE, _fz("Community")
        yield node, LABEL, ox.Literal(f"社区 {com.index}", language="zh")
        yield node, _fz("memberCount"), _int(len(com.members))
        for m in com.members:
            yield _n(m), _fz("community"), node
        for concept, _, _ in com.characteristic:
            yield node, _fz("characteristicConcept"), _n(concept)
    seen = set()
    for s in similar:
        key = _pair_key(s.a, s.b)
        if key in seen:
            continue
        seen.add(key)
        node = _n(iri_for("similarity", key))
        yield node, RDF_TYPE, _fz("Similarity")
        yield node, _fz("pairMember"), _n(s.a)
        yield node, _fz("pairMember"), _n(s.b)
        yield node, _fz("jaccard"), _dec(s.jaccard)
        yield node, _fz("discountedSimilarity"), _dec(s.discounted)
    for c in co:
        node = _n(iri_for("coadoption", _pair_key(c.a, c.b)))
        yield node, RDF_TYPE, _fz("CoAdoption")
        yield node, _fz("pairMember"), _n(c.a)
        yield node, _fz("pairMember"), _n(c.b)
        yield node, _fz("coAdopters"), _int(c.both)
        yield node, _fz("jaccard"), _dec(c.jaccard)
        yield node, _fz("lift"), _dec(c.lift)


def write_back(out_dir: str | Path, triples: Iterable[tuple]) -> Path:
    """Write the named graph to ``DIR/analysis/analysis.trig`` (and into ``DIR/store/`` when there is one)."""
    quads = [ox.Quad(s, p, o, GRAPH) for s, p, o in triples]
    target = Path(out_dir) / "analysis" / "analysis.trig"
    with replacing(target, "wb") as f:
        ox.serialize(quads, f, ox.RdfFormat.TRIG, prefixes={"fz": FZ, "fzid": ID})
    store_dir = Path(out_dir) / "store"
    if store_dir.is_dir():
        store = ox.Store(str(store_dir))
        store.remove_graph(GRAPH) if store.contains_named_graph(GRAPH) else None
        store.bulk_extend(quads)
        store.flush()
    return target
