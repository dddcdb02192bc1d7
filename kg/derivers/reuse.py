"""Text reuse: near-duplicate passages across reports, and who most likely copied whom.

Reports copy passages from county templates and from each other.  Every passage
(a paragraph or numbered item, :class:`kg.derive.Passage`) is reduced to what
copying keeps: the report's own division name and every run of digits are
masked and punctuation and spaces dropped, so a template filled in with
another township's name and figures is still the same text.  Its 5-character
shingles go into a MinHash (datasketch, fixed seed); LSH banding proposes
candidate pairs, the MinHash estimate drops most of them, and a pair counts when
the exact Jaccard similarity of the shingle sets is at least :data:`THRESHOLD`.
Each band of the signature becomes one 64-bit key (:func:`band_keys`), indexed by
sorting numpy arrays (:class:`Corpus`): datasketch's MinHashLSH keeps a dict of
sets per band, about 4.8 KB a passage (measured), which is gigabytes for the
national corpus (about 40,000 reports, a million passages a year).
``benchmarks/bench_reuse.py`` measures time and memory.

Passages are taken in a fixed order of precedence: the higher-level division
first (a county before its townships), then the earlier year, then the
content hash.  A passage that matches an earlier one (in another report)
joins that passage's *reuse group*; otherwise it starts a group of its own.
So every copy is compared with the group's template, never chained through
other copies, and each passage is looked up once.

After a build that changed a few reports, :func:`derive_cached` does not start
over: a passage's decision depends only on the earlier templates that share a
band key with it, so it masks and MinHashes the new reports only (the others'
signatures are cached by content hash), and decides again only their passages
and, in order, those whose earlier templates changed (:func:`decide`).  The
result is the same as a run over everything.

What goes into the graph, for groups with at least one copy:

* ``fz:ReuseGroup``: ``fz:template`` (the first passage), ``fz:passageCount``,
  ``fz:divisionCount`` and ``fz:boilerplate`` (shared by at least
  :data:`BOILERPLATE_DIVISIONS` divisions: a county template copied by many
  townships, or stock text);
* ``fz:Passage`` for each member: its report (``prov:wasDerivedFrom``), source
  offsets, and ``fz:copyWeight`` = 1 / divisionCount, the weight an analysis can
  give a fact stated inside it so that shared text counts once;
* ``fz:TextReuse`` for each copy: ``fz:passage`` → ``fz:sourcePassage`` (the
  template), ``fz:similarity``, ``fz:boilerplate`` and ``fz:directed`` (false
  when the two reports are peers of one year and nothing tells who copied);
* report to report: ``fz:reusesTextOf`` (the direction is known) or
  ``fz:sharesTextWith``, both sub-properties of ``fz:textReuse``.

>>> mask("2024年，加勤乡共开展法治宣传活动58场次。", ("加勤乡", "加勤"))
'#年〇共开展法治宣传活动#场次'
"""
from __future__ import annotations

import collections
import dataclasses
import functools
import hashlib
import heapq
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Optional, Sequence

import numpy as np
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from kg import iri
from kg.derive import Passage, ReportSummary
from kg.gazetteer import split_suffix

NAME = "reuse"
FZ = Namespace(iri.ONT)

SHINGLE = 5                 # characters per shingle: 5-grams of Chinese text rarely repeat by chance
THRESHOLD = 0.6             # exact Jaccard of two passages' shingles for them to count as copies
NUM_PERM = 96               # MinHash size: 96 × 4 bytes a distinct passage
# LSH bands of ROWS values: a pair shares a band with probability 1-(1-J⁴)²⁴: 0.96 at J = 0.6, 0.999 at
# 0.7, but 0.0006 for two passages that share one stock clause (J ≈ 0.07), which are legion.
BANDS, ROWS = 24, 4
ESTIMATE_MARGIN = 0.2       # skip the exact comparison when the MinHash estimate is this far below THRESHOLD
SEED = 1                    # fixed: the same corpus always gives the same graph
MIN_CHARS = 40              # masked characters; shorter passages (headings, stock phrases) coincide by chance
BOILERPLATE_DIVISIONS = 3   # a text shared by this many divisions is template or stock text

_BASE = np.uint64(1_000_003)
_DROP = re.compile(r"[\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")
# Code positions of the levels (2-2-2-3-3): a code ending in zeros from a position on is that level.
_LEVELS = ((2, "province"), (4, "prefecture"), (6, "county"), (9, "township"))
_RANK = {"province": 0, "prefecture": 1, "county": 2, "township": 3, "village": 4}


def level_of(division_iri: str) -> str | None:
    """The level of a division whose IRI ends in a statistical code; None when it has no code.

    >>> level_of("https://w3id.org/fazhi-kg/id/division/540626000000"), level_of("https://w3id.org/fazhi-kg/id/division/540626202000")
    ('county', 'township')
    """
    code = division_iri.rsplit("/", 1)[-1]
    if not (len(code) == 12 and code.isdigit()):
        return None
    return next((level for pos, level in _LEVELS if code[pos:] == "0" * (12 - pos)), "village")


def own_names(summary: ReportSummary) -> tuple[str, ...]:
    """The division's name and its stem (加勤乡, 加勤), longest first: masked before comparing."""
    name = summary.division_name
    names = {name} if name else set()
    for level in (level_of(summary.division) or "township", "county"):
        stem = split_suffix(name, level)[0] if name else ""
        if len(stem) >= 2 and stem != name:
            names.add(stem)
            break
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def mask(text: str, names: Sequence[str] = ()) -> str:
    """What copying keeps of a passage: own names → 〇, digit runs → #, no punctuation or spaces."""
    for name in names:
        text = text.replace(name, "〇")
    return _DIGITS.sub("#", _DROP.sub("", text))


def shingles(masked: str) -> np.ndarray:
    """The distinct :data:`SHINGLE`-character substrings of ``masked``, as sorted 64-bit hashes.

    A polynomial hash over the code points, computed for all windows at once
    (numpy wraps around 2**64), so a passage costs microseconds, not a set of strings.

    >>> len(shingles("一二三四五六")), len(shingles("一二三四五一二三四五"))
    (2, 5)
    """
    codes = np.frombuffer(masked.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = max(len(codes) - SHINGLE + 1, 1)
    h = np.zeros(n, dtype=np.uint64)
    for k in range(min(SHINGLE, len(codes))):
        h = h * _BASE + codes[k:k + n]
    return np.unique(h)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sorted arrays of distinct shingle hashes."""
    if a.size and b.size:           # a binary search per shingle: cheaper than intersect1d's sort
        at = np.searchsorted(b, a)
        at[at == b.size] = 0
        both = int(np.count_nonzero(b[at] == a))
    else:
        both = 0
    union = a.size + b.size - both
    return both / union if union else 1.0


@dataclass(frozen=True, eq=False)
class Ref:
    """One passage of one report (compared by identity: hashing the summary would hash its text)."""

    summary: ReportSummary
    index: int                  # position in summary.passages

    @property
    def passage(self):
        return self.summary.passages[self.index]

    def precedence(self) -> tuple:
        rank = _RANK.get(level_of(self.summary.division) or "township", 3)
        year = self.summary.year if self.summary.year is not None else 10_000
        return rank, year, self.summary.sha256, self.passage.start


@dataclass(frozen=True)
class Copy:
    ref: Ref
    similarity: float


@dataclass(frozen=True)
class Group:
    template: Ref
    copies: tuple[Copy, ...]

    @property
    def refs(self) -> tuple[Ref, ...]:
        return (self.template, *(c.ref for c in self.copies))

    @property
    def division_count(self) -> int:
        return len({r.summary.division for r in self.refs})

    @property
    def boilerplate(self) -> bool:
        return self.division_count >= BOILERPLATE_DIVISIONS


def find_groups(summaries: Sequence[ReportSummary], threshold: float = THRESHOLD) -> list[Group]:
    """Reuse groups with at least one copy, in order of their templates' precedence."""
    by_sha = {s.sha256: s for s in summaries}
    corpus = Corpus(prepare([by_sha[h] for h in sorted(by_sha)]))
    decide(corpus, None, threshold)
    return list(corpus.groups(lambda i: by_sha[corpus.reports[i].sha256]))


# --- per report: what the comparison needs, computed once and cached ----------------------------

class Prepared:
    """What reuse detection keeps of one report: its compared passages' MinHash and text hash.

    ``kept``: the indices (in ``summary.passages``) of the passages compared, ``start``
    their source offsets, ``texthash`` a hash of each one's masked text (equal texts,
    equal hashes), ``sig`` their MinHash signatures (uint32, one row each); ``masked``
    the masked texts, for the exact comparison (``None`` until read back from the
    cache).  ``light`` is the summary with every passage's text cut to what a label
    shows, enough to write the triples; read from the cache only when wanted.
    """

    __slots__ = ("sha256", "rank", "year", "kept", "start", "texthash", "sig", "masked", "_light", "_meta")

    def __init__(self, sha256: str, rank: int, year: int, kept: np.ndarray, start: np.ndarray, texthash: np.ndarray,
                 sig: np.ndarray, masked: Optional[tuple[str, ...]] = None, light: Optional[ReportSummary] = None,
                 meta: Optional[str] = None):
        self.sha256, self.rank, self.year = sha256, rank, year                 # year: 10,000 when unknown
        self.kept, self.start, self.texthash, self.sig, self.masked = kept, start, texthash, sig, masked
        self._light, self._meta = light, meta

    @property
    def light(self) -> ReportSummary:
        if self._light is not None:
            return self._light
        report, division, name, year, passages = json.loads(self._meta)     # not kept: see derive_cached
        return ReportSummary(report, self.sha256, "", division, name, year, tuple(Passage(*p) for p in passages))

    def dumps(self) -> tuple[str, str, bytes, bytes, str]:
        s = self.light
        head = json.dumps([self.rank, self.year, self.kept.tolist(), self.start.tolist()])
        meta = json.dumps([s.report, s.division, s.division_name, s.year, [[p.start, p.end, p.text] for p in s.passages]],
                          ensure_ascii=False)
        return head, meta, self.texthash.tobytes(), self.sig.tobytes(), json.dumps(self.masked, ensure_ascii=False)

    @classmethod
    def loads(cls, sha: str, head: str, meta: str, texthash: bytes, sig: bytes) -> "Prepared":
        rank, year, kept, start = json.loads(head)
        return cls(sha, rank, year, np.array(kept, dtype=np.int64), np.array(start, dtype=np.int64),
                   np.frombuffer(texthash, dtype=np.uint64), np.frombuffer(sig, dtype=np.uint32).reshape(-1, NUM_PERM),
                   meta=meta)


LABEL = 24                      # characters of a passage's text in its label


def prepare(summaries: Sequence[ReportSummary]) -> list[Prepared]:
    """Mask, filter and MinHash the passages of ``summaries`` (identical texts hashed once)."""
    found = []
    for summary in summaries:
        names = own_names(summary)
        kept, texts = [], []
        for i, p in enumerate(summary.passages):
            text = mask(p.text, names)
            if len(text) >= MIN_CHARS:
                kept.append(i)
                texts.append(text)
        found.append((summary, kept, texts))
    rows: dict[str, int] = {}
    for _, _, texts in found:
        for t in texts:
            rows.setdefault(t, len(rows))
    sig = signatures(list(rows))
    out = []
    for summary, kept, texts in found:
        light = dataclasses.replace(summary, source_file="", passages=tuple(
            Passage(p.start, p.end, p.text[:LABEL + 1]) for p in summary.passages))
        idx = np.fromiter((rows[t] for t in texts), dtype=np.int64, count=len(texts))
        rank = _RANK.get(level_of(summary.division) or "township", 3)
        year = summary.year if summary.year is not None else 10_000
        out.append(Prepared(summary.sha256, rank, year, np.array(kept, dtype=np.int64),
                            np.array([summary.passages[i].start for i in kept], dtype=np.int64),
                            np.fromiter((text_hash(t) for t in texts), dtype=np.uint64, count=len(texts)),
                            sig[idx], tuple(texts), light=light))
    return out


def text_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


def band_keys(sig: np.ndarray) -> np.ndarray:
    """LSH banding: one 64-bit key per band of :data:`ROWS` MinHash values (the band's number mixed in).

    Two passages are candidates when they share a key.

    >>> a = np.arange(NUM_PERM, dtype=np.uint32)
    >>> b = a.copy(); b[ROWS:] += 1000                    # agrees with ``a`` on the first band only
    >>> k = band_keys(np.stack([a, b]))
    >>> k.shape, bool(k[0, 0] == k[1, 0]), int((k[0] == k[1]).sum())
    ((2, 24), True, 1)
    """
    v = sig.astype(np.uint64).reshape(sig.shape[0], BANDS, ROWS)
    key = np.broadcast_to(np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15), v.shape[:2]).copy()
    for r in range(ROWS):
        key = (key ^ v[:, :, r]) * _MIX
        key ^= key >> np.uint64(29)
    return key


_MIX = np.uint64(0xBF58476D1CE4E5B9)


# --- the whole corpus: precedence, candidates, the greedy grouping ------------------------------

class Corpus:
    """All compared passages of all reports, in order of precedence (see the module's docstring).

    Positions (``0 … n-1``) follow precedence; ``leader[j]`` tells whether passage
    ``j`` heads a group of its own, ``template[j]`` (or -1) which group it joined, with
    ``score[j]``.  :func:`decide` fills these in for the positions it is given and
    for every later passage whose candidates that changes.
    """

    def __init__(self, reports: Sequence[Prepared]):
        self.reports = list(reports)
        self.sha = [r.sha256 for r in self.reports]
        counts = np.array([len(r.kept) for r in self.reports], dtype=np.int64)
        self.offset = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        rep = np.repeat(np.arange(len(self.reports), dtype=np.int64), counts)
        cat = (lambda arrays, empty: np.concatenate(arrays) if arrays else empty)
        kept = cat([r.kept for r in self.reports], np.zeros(0, np.int64))
        start = cat([r.start for r in self.reports], np.zeros(0, np.int64))
        rank = np.array([r.rank for r in self.reports], dtype=np.int64)
        year = np.array([r.year for r in self.reports], dtype=np.int64)
        sha_rank = np.argsort(np.argsort(np.array(self.sha, dtype=object), kind="stable"), kind="stable")
        order = np.lexsort((start, sha_rank[rep] if len(rep) else rep, year[rep], rank[rep]))
        del start
        # int32: positions and runs stay far below 2**31 (a national corpus has a few million passages)
        self.position_of = np.empty(len(order), dtype=np.int32)     # flat index (report by report) -> position
        self.position_of[order] = np.arange(len(order))
        self.rep = rep[order].astype(np.int32)
        self.kept = kept[order].astype(np.int32)
        del kept
        self.texthash = cat([r.texthash for r in self.reports], np.zeros(0, np.uint64))[order]
        # Keys and the estimate's signature are taken report by report, and each report's rows are
        # dropped at once: the whole corpus's uint32 signatures (384 bytes a passage) are never held.
        # The estimate compares the low 8 bits of each value: equal values stay equal, so it is
        # never lower than with 32 bits and every pair it let through still gets through (the
        # exact comparison decides); chance agreements (1 in 256 a value) raise it by about 0.004.
        keys, low = [], []
        for r in self.reports:
            keys.append(band_keys(r.sig))
            low.append(r.sig.astype(np.uint8))
            r.sig = None
        flat = cat(keys, np.zeros((0, BANDS), np.uint64))[order].ravel()
        del keys
        self.sig = cat(low, np.zeros((0, NUM_PERM), np.uint8))[order]
        del low
        self.slot = (order - self.offset[self.rep] if len(order) else order).astype(np.int32)   # index in its report's ``kept``
        del order
        by_key = np.argsort(flat, kind="stable")
        flat = flat[by_key]
        self.sorted_pos = (by_key // BANDS).astype(np.int32)
        # Runs of equal keys: run r is sorted_pos[run_start[r]:run_start[r + 1]], its positions
        # ascending (the sort is stable and the keys were laid out position by position).
        first = np.ones(len(flat), dtype=bool)
        first[1:] = flat[1:] != flat[:-1]
        # Only :meth:`sharing` needs the keys; their high halves do (sorted still), at half the size:
        # a coincidence there marks a few passages more to decide again, which changes nothing.
        self.sorted_keys = (flat >> np.uint64(32)).astype(np.uint32)
        del flat
        self.run_start = np.append(np.flatnonzero(first), len(first)).astype(np.int32)
        run_of = np.empty(len(first), dtype=np.int32)
        run_of[by_key] = np.cumsum(first) - 1
        del by_key, first
        self.run_of = run_of.reshape(-1, BANDS)
        n = len(self.rep)
        self.leader = np.ones(n, dtype=bool)
        self.template = np.full(n, -1, dtype=np.int32)
        self.score = np.zeros(n, dtype=np.float64)
        self._texts: collections.OrderedDict[int, tuple[str, ...]] = collections.OrderedDict()
        self._shingles: collections.OrderedDict[int, np.ndarray] = collections.OrderedDict()

    def position(self, report: int, index: int) -> Optional[int]:
        """The position of passage ``index`` of report number ``report``, if it is compared."""
        kept = self.reports[report].kept
        i = int(np.searchsorted(kept, index))
        if i == len(kept) or kept[i] != index:
            return None
        return int(self.position_of[self.offset[report] + i])

    def __len__(self) -> int:
        return len(self.rep)

    def later(self, j: int) -> np.ndarray:
        """Positions after ``j`` of the passages that share a key with it (sorted, distinct)."""
        runs = self.run_of[j]
        parts = []
        for lo, hi in zip(self.run_start[runs].tolist(), self.run_start[runs + 1].tolist()):
            if hi - lo > 1:
                part = self.sorted_pos[lo:hi]
                part = part[np.searchsorted(part, j, "right"):]
                if len(part):
                    parts.append(part)
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def sharing(self, keys: np.ndarray) -> np.ndarray:
        """Positions of the passages that share one of ``keys`` (sorted, distinct), and perhaps a few
        whose keys agree with one of them in the high 32 bits."""
        keys = (np.asarray(keys, dtype=np.uint64) >> np.uint64(32)).astype(np.uint32)
        lo = np.searchsorted(self.sorted_keys, keys, "left")
        hi = np.searchsorted(self.sorted_keys, keys, "right")
        if not (hi - lo > 0).any():
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate([self.sorted_pos[a:b] for a, b in zip(lo.tolist(), hi.tolist()) if b > a]))

    def shared(self) -> np.ndarray:
        """Positions of the passages that share a band key with another passage."""
        if not len(self):
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero((np.diff(self.run_start)[self.run_of] > 1).any(axis=1))

    def text(self, j: int, load: Optional[Callable[[list[int]], None]] = None) -> str:
        r = int(self.rep[j])
        texts = self.reports[r].masked
        if texts is None:
            texts = self._texts.get(r)
            if texts is not None:
                self._texts.move_to_end(r)
            elif load is not None:
                texts = self._texts[r] = load(r)
                if len(self._texts) > TEXT_CACHE:     # the whole corpus's masked text would be gigabytes
                    self._texts.popitem(last=False)
        return texts[int(self.slot[j])]

    def template_shingles(self, i: int, load: Optional[Callable[[int], tuple[str, ...]]] = None) -> np.ndarray:
        """Shingles of group template ``i``, which is compared again and again: cached by position,
        so that a hit needs no text (its report's texts have mostly left :meth:`text`'s cache)."""
        found = self._shingles.get(i)
        if found is None:
            found = self._shingles[i] = shingles(self.text(i, load))
            if len(self._shingles) > SHINGLE_CACHE:
                self._shingles.popitem(last=False)
        else:
            self._shingles.move_to_end(i)
        return found

    def groups(self, summary_of: Callable[[int], ReportSummary]) -> Iterator[Group]:
        """The groups with at least one copy, in order of their templates' precedence (one at a
        time: a group holds its members' summaries)."""
        copies: dict[int, list[int]] = defaultdict(list)
        for j in np.flatnonzero(self.template >= 0).tolist():
            copies[int(self.template[j])].append(j)
        for i in sorted(copies):
            ref = self._ref(i, summary_of)
            yield Group(ref, tuple(Copy(self._ref(j, summary_of), float(self.score[j])) for j in copies.pop(i)))

    def _ref(self, j: int, summary_of: Callable[[int], ReportSummary]) -> Ref:
        return Ref(summary_of(int(self.rep[j])), int(self.kept[j]))


TEXT_CACHE = 8192               # reports whose masked texts stay in memory while deciding
SHINGLE_CACHE = 1 << 17         # group templates whose shingles stay in memory while deciding
BIG_RUN = 32                    # passages under one band key above which _Earlier collects its templates as it goes


class _Earlier:
    """The earlier passages that may be group templates for a passage, as :func:`decide` takes
    them in order.

    Under most band keys there are a handful of passages and they are read as they are.  Under
    a key that stock text gives thousands of passages, nearly all copies, reading them all for
    each one is quadratic (half the derivation's time at 50,000 reports, py-spy); there the templates are
    collected as the decisions pass them (``frontier``), each passage read once.  That holds
    because decisions go in order: when ``j`` is decided, everything before it under its keys
    is decided for good.
    """

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.big: dict[int, list] = {}        # run → [frontier in sorted_pos, templates before it (array)]

    def of(self, j: int) -> np.ndarray:
        """Positions before ``j`` sharing a key with it: every template among them (and maybe copies)."""
        c = self.corpus
        runs = c.run_of[j]
        small, parts = [], []
        for run, lo, hi in zip(runs.tolist(), c.run_start[runs].tolist(), c.run_start[runs + 1].tolist()):
            if hi - lo <= 1:
                continue
            if hi - lo <= BIG_RUN:
                small.append(c.sorted_pos[lo:hi])
                continue
            entry = self.big.get(run)
            if entry is None:
                entry = self.big[run] = [lo, np.zeros(0, dtype=np.int32)]
            stop = lo + int(np.searchsorted(c.sorted_pos[lo:hi], j))
            if stop > entry[0]:
                seg = c.sorted_pos[entry[0]:stop]
                seg = seg[c.leader[seg]]
                if len(seg):
                    entry[1] = np.concatenate([entry[1], seg])
                entry[0] = stop
            if len(entry[1]):
                parts.append(entry[1])
        if small:
            small = np.concatenate(small)
            parts.append(small[small < j])
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


def decide(corpus: Corpus, dirty: Optional[Iterable[int]] = None, threshold: float = THRESHOLD,
           fresh: Iterable[int] = (), load: Optional[Callable[[int], tuple[str, ...]]] = None) -> int:
    """Run the greedy grouping for the ``dirty`` positions and, in order, for every later passage
    whose candidates change because a passage became or stopped being a group template
    (``dirty=None``: every passage that shares a key with another, a run from scratch).

    Each passage, in order of precedence, joins the most similar earlier template (of
    another report) it shares a band key with, or becomes a template itself; so a
    passage's decision depends only on the templates before it that share a key with
    it, and redoing the dirty ones in order gives what a run over everything gives.
    ``fresh`` positions (new passages) pass their change on when they are templates (a
    copy is nobody's candidate).  Returns the number of passages decided.
    """
    everything = dirty is None
    heap = corpus.shared().tolist() if everything else sorted(set(int(j) for j in dirty))
    queued = np.zeros(len(corpus), dtype=bool)
    queued[heap] = True
    fresh_set = set(int(j) for j in fresh)
    earlier = _Earlier(corpus)
    done = 0
    while heap:
        j = heapq.heappop(heap)
        done += 1
        was = bool(corpus.leader[j])
        best = _best(corpus, j, earlier.of(j), threshold, load)
        if best is None:
            corpus.leader[j], corpus.template[j], corpus.score[j] = True, -1, 0.0
        else:
            corpus.leader[j], corpus.template[j], corpus.score[j] = False, best[1], best[0]
        # From scratch every passage sharing a key is queued already: nothing to pass on.
        if not everything and ((j in fresh_set and corpus.leader[j]) or was != bool(corpus.leader[j])):
            for k in corpus.later(j).tolist():
                if not queued[k]:
                    queued[k] = True
                    heapq.heappush(heap, k)
    return done


def _best(corpus: Corpus, j: int, candidates: np.ndarray, threshold: float,
          load: Optional[Callable[[list[int]], None]]) -> tuple[float, int] | None:
    """The earlier template most similar to passage ``j`` (exact Jaccard ≥ threshold), if any."""
    others = candidates[corpus.leader[candidates] & (corpus.rep[candidates] != corpus.rep[j])]
    if not len(others):
        return None
    # The MinHash estimate rules out most candidates before the exact comparison.
    estimate = (corpus.sig[others] == corpus.sig[j]).mean(axis=1)
    best = None
    mine = None
    for i, e in zip(others.tolist(), estimate.tolist()):
        if e < threshold - ESTIMATE_MARGIN:
            continue
        if corpus.texthash[i] == corpus.texthash[j]:
            score = 1.0
        else:
            if mine is None:
                mine = shingles(corpus.text(j, load))
            score = jaccard(mine, corpus.template_shingles(i, load))
        if score >= threshold and (best is None or score > best[0]):
            best = (score, i)                   # ties: the earlier template (candidates are in order)
    return best


def signatures(texts: Sequence[str]) -> np.ndarray:
    """One MinHash signature (datasketch, fixed seed) per text, as rows of a uint32 matrix."""
    out = np.empty((len(texts), NUM_PERM), dtype=np.uint32)
    if not texts:
        return out
    from datasketch import MinHash       # here: importing datasketch costs a second (scipy)

    # The shingles are hashed already (:func:`shingles`); MinHash gets their low 32 bits as they are.
    empty = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)
    for n, text in enumerate(texts):
        m = empty.copy()
        m.update_batch((shingles(text) & np.uint64(0xFFFFFFFF)).tolist())
        out[n] = m.hashvalues
    return out


def derive(summaries: Sequence[ReportSummary]) -> Iterator[tuple]:
    for group in find_groups(summaries):
        yield from group_triples(group)


# --- incremental: the cache ---------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS derive_reuse_report (sha256 TEXT PRIMARY KEY, head TEXT NOT NULL, meta TEXT NOT NULL,
                                         texthash BLOB NOT NULL, sig BLOB NOT NULL, masked TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS derive_reuse_copy (sha256 TEXT PRIMARY KEY, copies TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS derive_reuse_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def derive_cached(summaries, cache, oxigraph: bool = False) -> Iterator[tuple]:
    """The triples of :func:`derive`, computed from what ``cache`` (a :class:`kg.derive.DeriveCache`)
    kept of the last run: only new reports are masked and MinHashed, and only passages whose
    candidates changed are decided again (:func:`decide`).

    The cache holds, per report, its :class:`Prepared` data (``derive_reuse_report``) and the
    decisions of its passages that are copies (``derive_reuse_copy``), plus the reports of the
    last run (``derive_reuse_state``); all are written in one transaction at the end, and the
    rows of reports no longer in the corpus are deleted then.  ``oxigraph``: the terms are
    pyoxigraph's (:class:`Terms`).
    """
    db = cache.db
    db.executescript(_SCHEMA)
    hashes = list(summaries.hashes)
    wanted = set(hashes)
    row = db.execute("SELECT value FROM derive_reuse_state WHERE key = 'reports'").fetchone()
    before = set(json.loads(row[0])) if row else set()
    known = _load_prepared(db, hashes)
    new = [h for h in hashes if h not in known]
    # New reports a few thousand at a time, each part saved and slimmed at once: a whole
    # national corpus of summaries and masked texts held together is gigabytes.  (A row saved
    # here is a pure function of the report's content: harmless if this run is cut short.)
    for i in range(0, len(new), PREPARE_CHUNK):
        part = new[i:i + PREPARE_CHUNK]
        by_sha = {s.sha256: s for s in summaries.read(part)}
        prepared = prepare([by_sha[h] for h in part])
        rows = [(p.sha256, *p.dumps()) for p in prepared]
        with db:
            db.executemany("INSERT OR REPLACE INTO derive_reuse_report VALUES (?, ?, ?, ?, ?, ?)", rows)
        for p, row in zip(prepared, rows):
            known[p.sha256] = Prepared(p.sha256, p.rank, p.year, p.kept, p.start, p.texthash, p.sig, meta=row[2])
        del by_sha, prepared, rows
    corpus = Corpus([known[h] for h in hashes])
    fresh = [pos for pos, r in enumerate(corpus.rep.tolist()) if hashes[r] not in before]

    # The last run's decisions, for the reports that stay.
    index = {h: n for n, h in enumerate(hashes)}
    dirty = set(fresh)
    for sha, text in _rows(db, "SELECT sha256, copies FROM derive_reuse_copy WHERE sha256 IN ({})", sorted(before & wanted)):
        r = index[sha]
        for k, tsha, tk, score in json.loads(text):
            j = corpus.position(r, k)
            t = corpus.position(index[tsha], tk) if tsha in index else None
            corpus.leader[j], corpus.template[j], corpus.score[j] = False, -1 if t is None else t, score
            if t is None:                       # its template's report is gone
                dirty.add(j)
    # Templates that are gone: every passage that shared a key with them is decided again.
    gone = sorted(before - wanted)
    gone_prepared = _load_prepared(db, gone)
    for p in gone_prepared.values():
        if len(p.kept):
            dirty.update(corpus.sharing(np.unique(band_keys(p.sig))).tolist())
    if len(gone_prepared) < len(gone):          # a cache edited by hand: decide everything again
        before = set()
        corpus.leader[:], corpus.template[:], corpus.score[:] = True, -1, 0.0

    def load(r: int) -> tuple[str, ...]:
        (text,), = db.execute("SELECT masked FROM derive_reuse_report WHERE sha256 = ?", (corpus.sha[r],))
        return tuple(json.loads(text))

    if before:
        decide(corpus, sorted(dirty), fresh=fresh, load=load)
    else:
        decide(corpus, None, load=load)

    # Save: new reports' data, every report's copies (rewritten only when they changed), the report list.
    with db:
        copies: dict[int, list] = defaultdict(list)
        for j in np.flatnonzero(corpus.template >= 0).tolist():
            t = int(corpus.template[j])
            copies[int(corpus.rep[j])].append([int(corpus.kept[j]), hashes[int(corpus.rep[t])],
                                               int(corpus.kept[t]), float(corpus.score[j])])
        old = dict(_rows(db, "SELECT sha256, copies FROM derive_reuse_copy WHERE sha256 IN ({})", hashes))
        rows = [(hashes[r], json.dumps(c)) for r, c in sorted(copies.items())]
        db.executemany("INSERT OR REPLACE INTO derive_reuse_copy VALUES (?, ?)", [x for x in rows if old.get(x[0]) != x[1]])
        stale = [h for h in old if index[h] not in copies] + gone
        db.executemany("DELETE FROM derive_reuse_copy WHERE sha256 = ?", [(h,) for h in stale])
        saved = [h for (h,) in db.execute("SELECT sha256 FROM derive_reuse_report")]
        db.executemany("DELETE FROM derive_reuse_report WHERE sha256 = ?", [(h,) for h in saved if h not in wanted])
        db.execute("INSERT OR REPLACE INTO derive_reuse_state VALUES ('reports', ?)", (json.dumps(hashes),))
    terms = Terms.oxigraph() if oxigraph else RDFLIB
    # A report's summary is parsed again when it has left this cache: held for every report, the
    # summaries of a national corpus would be gigabytes.
    light = functools.lru_cache(maxsize=TEXT_CACHE)(lambda r: corpus.reports[r].light)
    for group in corpus.groups(light):
        yield from group_triples(group, terms)


PREPARE_CHUNK = 2000            # new reports prepared (masked, MinHashed) and saved at a time


def _rows(db, sql: str, keys: Sequence[str], chunk: int = 500) -> Iterator[tuple]:
    keys = list(keys)
    for i in range(0, len(keys), chunk):
        part = keys[i:i + chunk]
        yield from db.execute(sql.format(",".join("?" * len(part))), part)


def _load_prepared(db, hashes: Sequence[str]) -> dict[str, Prepared]:
    return {sha: Prepared.loads(sha, head, meta, th, sig) for sha, head, meta, th, sig in
            _rows(db, "SELECT sha256, head, meta, texthash, sig FROM derive_reuse_report WHERE sha256 IN ({})", hashes)}


# --- triples ------------------------------------------------------------------------------------

def _hashed_text(kind: str, *parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
    return f"{iri.ID}{kind}/{digest}"


def _passage_text(ref: Ref) -> str:
    p = ref.passage
    return f"{iri.report(ref.summary.sha256)}/passage/{p.start}-{p.end}"


def passage_iri(ref: Ref) -> URIRef:
    return URIRef(_passage_text(ref))


def directed(source: Ref, copy: Ref) -> bool:
    """True when the source's report is a higher-level division's or an earlier year's."""
    a, b = source.precedence(), copy.precedence()
    return a[0] < b[0] or (source.summary.year is not None and copy.summary.year is not None and a[1] < b[1])


class Terms:
    """The RDF terms of the triples, made with one library: rdflib's classes (:data:`RDFLIB`,
    what :func:`derive` yields) or pyoxigraph's (``Terms.oxigraph()``), which the store takes
    as they are: an rdflib IRI is checked when made and converted when stored, most of
    the cost of writing a large derived graph.  The terms every group repeats are made once.
    """

    def __init__(self, named: Callable, zh: Callable, integer: Callable, decimal: Callable, boolean: Callable):
        self.named, self.zh = named, zh
        self.integer = functools.lru_cache(maxsize=1 << 16)(integer)
        self.decimal = functools.lru_cache(maxsize=1 << 16)(decimal)
        self.true, self.false = boolean(True), boolean(False)
        for name in ("ReuseGroup", "TextReuse", "Passage", "template", "passageCount", "divisionCount", "boilerplate",
                     "passage", "sourcePassage", "similarity", "directed", "reusesTextOf", "sharesTextWith",
                     "charStart", "charEnd", "inReuseGroup", "copyWeight"):
            setattr(self, name, named(iri.ONT + name))
        self.type, self.label, self.wasDerivedFrom = named(str(RDF.type)), named(str(RDFS.label)), named(str(PROV.wasDerivedFrom))

    @classmethod
    def oxigraph(cls) -> "Terms":
        import pyoxigraph as ox

        integer, decimal, boolean = (ox.NamedNode(str(x)) for x in (XSD.integer, XSD.decimal, XSD.boolean))
        return cls(ox.NamedNode, lambda text: ox.Literal(text, language="zh"),
                   lambda n: ox.Literal(str(n), datatype=integer), lambda text: ox.Literal(text, datatype=decimal),
                   lambda b: ox.Literal("true" if b else "false", datatype=boolean))


RDFLIB = Terms(URIRef, lambda text: Literal(text, lang="zh"), lambda n: Literal(n, datatype=XSD.integer),
               lambda text: Literal(text, datatype=XSD.decimal), Literal)


def decimal_text(x: float) -> str:
    """``x`` to 4 places, in the canonical form the store keeps (Oxigraph writes 0.2500 as 0.25: a
    graph compared with the store's copy would otherwise differ in every such literal).

    >>> decimal_text(0.25), decimal_text(1.0), decimal_text(2 / 3)
    ('0.25', '1', '0.6667')
    """
    return f"{x:.4f}".rstrip("0").rstrip(".")


def group_triples(group: Group, t: Terms = RDFLIB) -> Iterator[tuple]:
    template = group.template
    template_text = _passage_text(template)
    template_iri = t.named(template_text)
    node = t.named(_hashed_text("reuse-group", template_text))
    count = group.division_count
    weight = t.decimal(decimal_text(1 / count))
    boilerplate = t.true if group.boilerplate else t.false
    yield node, t.type, t.ReuseGroup
    yield node, t.label, t.zh(f"{template.summary.division_name}段落及其{len(group.copies)}处副本（{count}个行政区划）")
    yield node, t.template, template_iri
    yield node, t.passageCount, t.integer(len(group.refs))
    yield node, t.divisionCount, t.integer(count)
    yield node, t.boilerplate, boilerplate
    reports: dict = {}
    yield from _passage(template, template_iri, node, weight, reports, t)
    source_report = reports[template.summary.report]
    for c in group.copies:
        copy_text = _passage_text(c.ref)
        copy_iri = t.named(copy_text)
        yield from _passage(c.ref, copy_iri, node, weight, reports, t)
        reuse = t.named(_hashed_text("reuse", copy_text, template_text))
        known = directed(template, c.ref)
        yield reuse, t.type, t.TextReuse
        yield reuse, t.label, t.zh(f"{c.ref.summary.division_name}段落与{template.summary.division_name}段落重复"
                                   f"（相似度{c.similarity:.2f}）")
        yield reuse, t.passage, copy_iri
        yield reuse, t.sourcePassage, template_iri
        yield reuse, t.similarity, t.decimal(decimal_text(c.similarity))
        yield reuse, t.directed, t.true if known else t.false
        yield reuse, t.boilerplate, boilerplate
        copy_report = reports[c.ref.summary.report]
        if c.ref.summary.report != template.summary.report:
            yield copy_report, t.reusesTextOf if known else t.sharesTextWith, source_report


def _passage(ref: Ref, node, group, weight, reports: dict, t: Terms) -> Iterator[tuple]:
    p = ref.passage
    report = reports.get(ref.summary.report)
    if report is None:
        report = reports[ref.summary.report] = t.named(ref.summary.report)
    yield node, t.type, t.Passage
    yield node, t.label, t.zh(p.text[:LABEL] + ("…" if len(p.text) > LABEL else ""))
    yield node, t.wasDerivedFrom, report
    yield node, t.charStart, t.integer(p.start)
    yield node, t.charEnd, t.integer(p.end)
    yield node, t.inReuseGroup, group
    yield node, t.copyWeight, weight
