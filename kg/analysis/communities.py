"""Communities of similar townships (seeded Louvain) and what characterizes each.

Louvain runs on the township similarity graph (each township joined to its
most similar neighbours, weighted by the discounted similarity), with a fixed
seed so that a rerun finds the same communities.  Up to :data:`NX_LIMIT`
townships it is networkx's implementation; above, igraph's (the same
algorithm in C, seeded through igraph's random generator): networkx needs
minutes for 50,000 townships, igraph about a second.  A community is described by
its most over-represented mechanisms: ``lift = share of its townships that
adopted it / share of all townships that did``; a mechanism must be adopted by
at least a quarter of the community (and by two townships, when it has more
than two) to count.

>>> import numpy as np
>>> from scipy import sparse
>>> from kg.analysis.adoption import Adoption
>>> from kg.analysis.similarity import Similar
>>> m = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]], dtype=np.float32))
>>> sims = [Similar("a", "b", 1, 1, 2), Similar("c", "d", .5, .5, 1)]
>>> cs = communities(Adoption(tuple("abcd"), ("x", "y", "z"), m, m), sims)
>>> [(c.members, c.characteristic[0][0]) for c in cs]
[(('a', 'b'), 'x'), (('c', 'd'), 'z')]
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

import networkx as nx
import numpy as np

from kg.analysis.adoption import Adoption
from kg.analysis.similarity import Similar

SEED = 42
NX_LIMIT = 5000     # townships; above this Louvain runs in igraph


@dataclass(frozen=True)
class Community:
    index: int                                   # 1 = the largest
    members: tuple[str, ...]
    characteristic: tuple[tuple[str, float, int], ...]   # (concept, lift, adopters in the community)


def similarity_graph(rows: tuple[str, ...], similar: list[Similar]) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(rows)
    for s in similar:
        if s.discounted > 0:
            g.add_edge(s.a, s.b, weight=max(s.discounted, g.get_edge_data(s.a, s.b, {}).get("weight", 0)))
    return g


def louvain(rows: tuple[str, ...], similar: list[Similar], seed: int = SEED) -> list[set[str]]:
    """Seeded Louvain on the similarity graph: networkx for small graphs, igraph for big ones."""
    if len(rows) <= NX_LIMIT:
        return nx.community.louvain_communities(similarity_graph(rows, similar), weight="weight", seed=seed)
    import igraph

    index = {r: i for i, r in enumerate(rows)}
    weight: dict[tuple[int, int], float] = {}
    for s in similar:
        if s.discounted > 0:
            a, b = sorted((index[s.a], index[s.b]))
            weight[(a, b)] = max(s.discounted, weight.get((a, b), 0.0))
    g = igraph.Graph(n=len(rows), edges=list(weight), edge_attrs={"weight": list(weight.values())})
    igraph.set_random_number_generator(random.Random(seed))
    try:
        membership = g.community_multilevel(weights="weight").membership
    finally:
        igraph.set_random_number_generator(random)       # igraph's default: the random module
    groups: dict[int, set[str]] = {}
    for r, m in zip(rows, membership):
        groups.setdefault(m, set()).add(r)
    return list(groups.values())


def communities(adoption: Adoption, similar: list[Similar], seed: int = SEED, top: int = 5,
                mask: np.ndarray | None = None) -> list[Community]:
    """Louvain communities, largest first; ``mask`` limits the characteristic concepts (e.g. to mechanisms)."""
    if not adoption.rows:
        return []
    found = louvain(adoption.rows, similar, seed)
    groups = sorted((tuple(sorted(c)) for c in found), key=lambda c: (-len(c), c))
    index = {r: i for i, r in enumerate(adoption.rows)}
    b = adoption.binary.tocsc()
    total = np.asarray(b.sum(axis=0)).ravel()
    n = len(adoption.rows)
    out = []
    for i, members in enumerate(groups, start=1):
        sub = np.asarray(b[[index[m] for m in members]].sum(axis=0)).ravel()
        need = max(1, math.ceil(len(members) / 4), 2 if len(members) > 2 else 1)
        ok = (sub >= need) if mask is None else (sub >= need) & mask
        lift = np.where(total > 0, (sub / len(members)) / np.maximum(total / n, 1e-12), 0.0)
        ranked = sorted(np.nonzero(ok)[0].tolist(), key=lambda j: (-lift[j], -sub[j], adoption.cols[j]))[:top]
        out.append(Community(i, members, tuple((adoption.cols[j], float(lift[j]), int(sub[j])) for j in ranked)))
    return out
