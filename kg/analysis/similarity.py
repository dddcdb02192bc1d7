"""Township similarity and concept co-adoption: the two projections of the bipartite graph.

Township similarity is the Jaccard index of the adopted concepts,
``|A ∩ B| / |A ∪ B|``.  Its *discounted* form is the Tanimoto coefficient of
the weighted adoption vectors, ``a·b / (a·a + b·b − a·b)``, where an adoption
that looks copied (:mod:`kg.analysis.reuse`) weighs ``reuse_weight``: with
weights of 0 or 1 it is exactly the Jaccard index of the adoptions left.

All pairs of 38,000 townships do not fit in memory, and nobody reads them:
each township keeps its ``top_k`` most similar neighbours, computed in dense
blocks of rows (numpy's matrix product does the work).

>>> import numpy as np
>>> from scipy import sparse
>>> from kg.analysis.adoption import Adoption
>>> m = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 0, 1]], dtype=np.float32))
>>> pairs = township_similarity(Adoption(("a", "b", "c"), ("x", "y", "z"), m, m), top_k=1)
>>> [(p.a, p.b, round(p.jaccard, 3)) for p in pairs]
[('a', 'b', 0.667), ('b', 'a', 0.667), ('c', 'b', 0.333)]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kg.analysis.adoption import Adoption

BLOCK = 512     # rows per block: 512 × 38,000 float32 is 78 MB


@dataclass(frozen=True)
class Similar:
    a: str
    b: str
    jaccard: float
    discounted: float
    shared: int


@dataclass(frozen=True)
class CoAdoption:
    a: str
    b: str
    both: int           # townships that adopted both
    jaccard: float
    lift: float         # both / expected if adoption were independent


def township_similarity(adoption: Adoption, top_k: int = 10, min_score: float = 1e-9) -> list[Similar]:
    """Each township's ``top_k`` most similar others, by discounted similarity (ties: Jaccard, then IRI)."""
    n = len(adoption.rows)
    if n < 2:
        return []
    b = adoption.binary.toarray()
    w = adoption.weighted.toarray()
    size, norm = b.sum(axis=1), (w * w).sum(axis=1)
    k = min(top_k, n - 1)
    out = []
    for start in range(0, n, BLOCK):
        stop = min(n, start + BLOCK)
        inter = b[start:stop] @ b.T
        dot = w[start:stop] @ w.T
        with np.errstate(divide="ignore", invalid="ignore"):
            jac = np.nan_to_num(inter / (size[start:stop, None] + size[None, :] - inter))
            disc = np.nan_to_num(dot / (norm[start:stop, None] + norm[None, :] - dot))
        rows = np.arange(stop - start)
        disc[rows, rows + start] = jac[rows, rows + start] = -1.0      # never one's own neighbour
        # candidates by one combined key (Jaccard breaks ties), then an exact ordering of those few
        key = disc + 1e-4 * jac
        cand = np.argpartition(-key, k - 1, axis=1)[:, :k] if k < n else np.argsort(-key, axis=1)
        for i in rows.tolist():
            for j in sorted(cand[i].tolist(), key=lambda j: (-disc[i, j], -jac[i, j], j)):
                if disc[i, j] >= min_score or jac[i, j] >= min_score:
                    out.append(Similar(adoption.rows[start + i], adoption.rows[j], float(jac[i, j]),
                                       float(disc[i, j]), int(inter[i, j])))
    return out


def co_adoption(adoption: Adoption) -> list[CoAdoption]:
    """Every pair of concepts adopted together by at least one township."""
    b = adoption.binary
    n = b.shape[0]
    if n == 0:
        return []
    both = (b.T @ b).toarray()
    count = np.diag(both).copy()
    out = []
    ii, jj = np.nonzero(np.triu(both, k=1))
    for i, j in zip(ii.tolist(), jj.tolist()):
        x, ci, cj = float(both[i, j]), float(count[i]), float(count[j])
        out.append(CoAdoption(adoption.cols[i], adoption.cols[j], int(x), x / (ci + cj - x),
                              x * n / (ci * cj)))
    return out
