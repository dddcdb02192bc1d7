"""The township–concept bipartite graphs, as networkx graphs and as sparse matrices.

An *adoption* is ``fz:implements`` (of a mechanism) or ``fz:participatesIn``
(of a campaign); ``fz:plans`` is not an adoption (it is kept for the views).
The matrix form is what scales: township similarity and co-adoption are its
products (see :mod:`kg.analysis.similarity`).

>>> from kg.analysis.corpus import Corpus, Link, Concept
>>> c = Corpus({}, {"m": Concept("m", "枫桥经验", "Mechanism"), "k": Concept("k", "宪法日", "Campaign")},
...            (Link("a", "implements", "m"), Link("a", "participatesIn", "k"), Link("b", "plans", "m")))
>>> g = bipartite_graph(c, "Mechanism")
>>> sorted(g.edges())
[('a', 'm')]
>>> a = adoption_matrix(c)
>>> a.rows, a.cols, a.binary.toarray().tolist()
(('a',), ('k', 'm'), [[1.0, 1.0]])
"""
from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import sparse

from kg.analysis.corpus import ADOPTION, Corpus


@dataclass(frozen=True)
class Adoption:
    """Townships × concepts; ``weighted`` holds ``reuse_weight`` where the adoption looks copied."""
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    binary: sparse.csr_matrix
    weighted: sparse.csr_matrix

    def column_kind(self, corpus: Corpus) -> np.ndarray:
        return np.array([corpus.concepts[c].kind if c in corpus.concepts else "" for c in self.cols])


def adoptions(corpus: Corpus, kinds: tuple[str, ...] = ("Mechanism", "Campaign")) -> list[tuple[str, str]]:
    """(division, concept) pairs, sorted, for concepts of the given kinds."""
    return sorted({(l.division, l.concept) for l in corpus.links
                   if ADOPTION.get(l.predicate) in kinds
                   and (corpus.concepts[l.concept].kind if l.concept in corpus.concepts else "Mechanism") in kinds})


def bipartite_graph(corpus: Corpus, kinds: str | tuple[str, ...] = ("Mechanism", "Campaign")) -> nx.Graph:
    """Townships (``bipartite=0``) joined to the concepts they adopted (``bipartite=1``)."""
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    g = nx.Graph()
    for division, concept in adoptions(corpus, kinds):
        g.add_node(division, bipartite=0)
        g.add_node(concept, bipartite=1)
        g.add_edge(division, concept)
    return g


def bipartite_of(adoption: "Adoption") -> nx.Graph:
    """:func:`bipartite_graph` built from the matrix (same nodes in the same order), without re-reading the links."""
    coo = adoption.binary.tocsr()
    coo.sort_indices()
    coo = coo.tocoo()
    rows, cols = np.array(adoption.rows, dtype=object), np.array(adoption.cols, dtype=object)
    g = nx.Graph()
    g.add_edges_from(zip(rows[coo.row].tolist(), cols[coo.col].tolist()))
    nx.set_node_attributes(g, {r: 0 for r in adoption.rows}, "bipartite")
    nx.set_node_attributes(g, {c: 1 for c in adoption.cols}, "bipartite")
    return g


def adoption_matrix(corpus: Corpus, kinds: tuple[str, ...] = ("Mechanism", "Campaign"),
                    copied: frozenset = frozenset(), reuse_weight: float = 1.0) -> Adoption:
    pairs = adoptions(corpus, kinds)
    rows = tuple(sorted({d for d, _ in pairs}))
    cols = tuple(sorted({c for _, c in pairs}))
    ri = {r: i for i, r in enumerate(rows)}
    ci = {c: i for i, c in enumerate(cols)}
    r = np.fromiter((ri[d] for d, _ in pairs), dtype=np.int64, count=len(pairs))
    c = np.fromiter((ci[x] for _, x in pairs), dtype=np.int64, count=len(pairs))
    w = np.fromiter((reuse_weight if p in copied else 1.0 for p in pairs), dtype=np.float32, count=len(pairs))
    shape = (len(rows), len(cols))
    binary = sparse.csr_matrix((np.ones(len(pairs), dtype=np.float32), (r, c)), shape=shape)
    weighted = sparse.csr_matrix((w, (r, c)), shape=shape)
    return Adoption(rows, cols, binary, weighted)
