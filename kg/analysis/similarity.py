"""Township similarity and concept co-adoption: the two projections of the bipartite graph.

Township similarity is the Jaccard index of the adopted concepts,
``|A ∩ B| / |A ∪ B|``.  Its *discounted* form is the Tanimoto coefficient of
the weighted adoption vectors, ``a·b / (a·a + b·b − a·b)``, where an adoption
that looks copied (:mod:`kg.analysis.reuse`) weighs ``reuse_weight``: with
weights of 0 or 1 it is exactly the Jaccard index of the adoptions left.

All pairs of 38,000 townships do not fit in memory, and nobody reads them:
each township keeps its ``top_k`` most similar neighbours (by discounted
similarity, then Jaccard, then IRI), found exactly without scoring every pair:

* the other townships are sorted by the length of their vector and cut into
  small chunks of equal length; within a chunk the similarity grows with the
  dot product alone, so a chunk's best score is that of its largest dot
  product (one ``maximum.reduceat`` over a block of rows of the sparse × dense
  product);
* the ``top_k``-th best chunk score is a floor that at least ``top_k`` others
  reach, so only the chunks whose best score reaches it are scored in full;
* scores tie a lot (equal adoption vectors), so of those a few partitions per row keep the
  candidates that can still be among the ``top_k`` (:func:`_contenders`), and only these are sorted.

>>> import numpy as np
>>> from scipy import sparse
>>> from kg.analysis.adoption import Adoption
>>> m = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 0, 1]], dtype=np.float32))
>>> pairs = township_similarity(Adoption(("a", "b", "c"), ("x", "y", "z"), m, m), top_k=1)
>>> [(p.a, p.b, round(p.jaccard, 3)) for p in pairs]
[('a', 'b', 0.667), ('b', 'a', 0.667), ('c', 'b', 0.333)]
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from kg.analysis.adoption import Adoption

BLOCK = 512     # rows per block: 512 × 38,000 float32 is 78 MB
CHUNK = 64      # columns per chunk of equal vector length
THREADS = min(2, os.cpu_count() or 1)    # blocks in flight: each holds two 512 × n products


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


def _tanimoto(dot: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """``dot / (left + right − dot)``, 0 where both vectors are empty."""
    den = left + right - dot
    return np.divide(dot, den, out=np.zeros(np.broadcast(dot, den).shape), where=den > 0)


def township_similarity(adoption: Adoption, top_k: int = 10, min_score: float = 1e-9) -> list[Similar]:
    """Each township's ``top_k`` most similar others, by discounted similarity (ties: Jaccard, then IRI)."""
    n = len(adoption.rows)
    if n < 2:
        return []
    k = min(top_k, n - 1)
    b = sparse.csr_matrix(adoption.binary, dtype=np.float32)
    w = sparse.csr_matrix(adoption.weighted, dtype=np.float32)
    same = (b != w).nnz == 0                    # nothing discounted: one product serves both measures
    size = np.asarray(b.sum(axis=1), dtype=np.float64).ravel()
    norm = np.asarray(w.multiply(w).sum(axis=1), dtype=np.float64).ravel()
    order = np.lexsort((np.arange(n), norm))     # columns by vector length: equal lengths side by side
    where = np.empty(n, dtype=np.int64)
    where[order] = np.arange(n)
    wt = np.ascontiguousarray(w[order].T.toarray())
    # the shared adoptions too, block by block, when the weights differ: gathering sparse rows
    # pair by pair took most of kg analyze's similarity time at 50,000 reports
    bt = None if same else np.ascontiguousarray(b[order].T.toarray())
    normp, sizep = norm[order], size[order]
    starts = np.flatnonzero(np.r_[True, normp[1:] != normp[:-1]] | (np.arange(n) % CHUNK == 0))
    ends = np.r_[starts[1:], n]
    # Blocks are independent; scipy's product and numpy's partitions let go of the GIL, so two
    # threads use both cores (the rows come back in block order, as from one).
    def block(lo: int) -> list[Similar]:
        hi = min(n, lo + BLOCK)
        dot = np.asarray(w[lo:hi] @ wt)
        inter = dot if same else np.asarray(b[lo:hi] @ bt)
        dot[np.arange(hi - lo), where[lo:hi]] = -1.0                  # never one's own neighbour
        best = _tanimoto(np.maximum.reduceat(dot, starts, axis=1).astype(np.float64),
                         norm[lo:hi, None], normp[starts][None, :])
        floor = -np.partition(-best, k - 1, axis=1)[:, k - 1] if len(starts) >= k else np.zeros(hi - lo)
        sharp = floor > 0
        # rows with a positive floor: only the chunks that reach it, then only the columns that do
        r_c, c_c = np.nonzero(sharp[:, None] & (best >= floor[:, None]))
        lens = ends[c_c] - starts[c_c]
        r_e = np.repeat(r_c, lens)
        col = np.repeat(starts[c_c] - np.r_[0, np.cumsum(lens)[:-1]], lens) + np.arange(lens.sum())
        disc = _tanimoto(dot[r_e, col].astype(np.float64), norm[lo + r_e], normp[col])
        keep = disc >= floor[r_e]
        cands = [(r_e[keep], col[keep])]
        # rows whose floor is 0 (few others share anything): score every column, keep the near-best
        for dull in np.array_split(np.flatnonzero(~sharp), max(1, (~sharp).sum() // 16)):
            if len(dull):
                cands.append(_near_best(dull, lo, dot, inter, norm, normp, size, sizep, order, k))
        r_e = np.concatenate([r for r, _ in cands])
        col = np.concatenate([c for _, c in cands])
        return _ranked(adoption.rows, lo, r_e, col, dot, inter, norm, normp, size, sizep, order, k, min_score)

    with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="kg-similarity") as pool:
        return [pair for part in pool.map(block, range(0, n, BLOCK)) for pair in part]


def _scores(lo, r_e, col, dot, inter, norm, normp, size, sizep, order):
    """Discounted similarity, Jaccard and shared adoptions of (row, sorted column) pairs; −1 for oneself.

    ``dot`` and ``inter``: the block's weighted and binary products (the same array when
    nothing is discounted)."""
    d = dot[r_e, col].astype(np.float64)
    disc = _tanimoto(d, norm[lo + r_e], normp[col])
    if inter is dot:
        shared, jac = d, disc.copy()
    else:
        shared = inter[r_e, col].astype(np.float64)
        jac = _tanimoto(shared, size[lo + r_e], sizep[col])
    own = order[col] == lo + r_e
    disc[own] = jac[own] = -1.0
    return disc, jac, shared


def _near_best(rows, lo, dot, inter, norm, normp, size, sizep, order, k):
    """Candidates of a few rows scored in full: every column whose key comes near the k-th best.

    The key ``disc + 1e-7·jac`` orders like (disc, jac) up to 1e-7, so every one
    of the true top k lies within 2e-7 of the k-th largest key."""
    n = dot.shape[1]
    r_e, col = np.repeat(rows, n), np.tile(np.arange(n), len(rows))
    disc, jac, _ = _scores(lo, r_e, col, dot, inter, norm, normp, size, sizep, order)
    key = (disc + 1e-7 * jac).reshape(len(rows), n)
    kth = -np.partition(-key, k - 1, axis=1)[:, k - 1]
    # a pair sharing nothing (key 0; oneself −1) is never kept (min_score) and ranks below every
    # pair that shares something: leaving it out changes no rank, and spares sorting every column
    # of a row with fewer than k others that share anything
    keep = ((key >= kth[:, None] - 2e-7) & (key > 0)).ravel()
    return r_e[keep], col[keep]


def _contenders(r_e: np.ndarray, levels, k: int) -> np.ndarray:
    """Positions of the candidates that may be among their row's ``k`` best, ranked by ``levels``
    (functions of positions, larger first, each breaking the ties of the one before): a few
    partitions per row instead of ordering every candidate.  Ties are the rule, not the
    exception: at 50,000 reports 158 million candidates for 411,970 kept pairs, most of a row's
    candidates tied on its k-th score, and sorting them all took most of the similarity's time.

    >>> r, d, j = np.array([0, 0, 0, 0, 1]), np.array([0.9, 0.5, 0.5, 0.5, 0.1]), np.array([7, 3, 1, 2, 4])
    >>> sorted(_contenders(r, (lambda p: d[p], lambda p: -j[p]), 2).tolist())
    [0, 2, 4]
    """
    by = np.argsort(r_e.astype(np.int32), kind="stable")
    cuts = (np.flatnonzero(np.diff(r_e[by])) + 1).tolist()
    keep = [_k_best(by[lo:hi], levels, k) for lo, hi in zip([0, *cuts], [*cuts, len(by)])]
    return np.concatenate(keep) if keep else by


def _k_best(pos: np.ndarray, levels, k: int) -> np.ndarray:
    out = []
    for key in levels:
        if len(pos) <= k:
            break
        v = key(pos)
        kth = np.partition(v, len(v) - k)[len(v) - k]
        better = v > kth
        out.append(pos[better])
        k -= int(better.sum())
        pos = pos[v == kth]
    out.append(pos)
    return np.concatenate(out)


def _ranked(names, lo, r_e, col, dot, inter, norm, normp, size, sizep, order, k, min_score) -> list[Similar]:
    disc, jac, shared = _scores(lo, r_e, col, dot, inter, norm, normp, size, sizep, order)
    j = order[col]
    some = _contenders(r_e, (lambda p: disc[p], lambda p: jac[p], lambda p: -j[p]), k)
    r_e, j, disc, jac, shared = r_e[some], j[some], disc[some], jac[some], shared[some]
    ranked = np.lexsort((j, -jac, -disc, r_e))
    r_e, j, jac, disc, shared = r_e[ranked], j[ranked], jac[ranked], disc[ranked], shared[ranked]
    rank = np.arange(len(r_e)) - np.searchsorted(r_e, r_e)
    top = (rank < k) & ((disc >= min_score) | (jac >= min_score))
    return [Similar(names[i], names[jj], jv, dv, int(round(sv))) for i, jj, jv, dv, sv in
            zip((r_e[top] + lo).tolist(), j[top].tolist(), jac[top].tolist(), disc[top].tolist(), shared[top].tolist())]


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
