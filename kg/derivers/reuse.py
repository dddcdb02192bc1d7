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
signatures are cached by content hash), decides again only their passages and
those whose template went away, and offers each new template to the later
passages that share a key with it, one comparison each (:func:`decide`).  The
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
from kg.derive import Block, Passage, ReportSummary, block_key
from kg.gazetteer import split_suffix
from kg.scratch import Scratch, clean

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
        return self._light if self._light is not None else _light(self.sha256, self._meta)

    def dumps(self) -> tuple[str, str, bytes, bytes, str]:
        s = self.light
        head = json.dumps([self.rank, self.year, self.kept.tolist(), self.start.tolist()])
        meta = json.dumps([s.report, s.division, s.division_name, s.year, [[p.start, p.end, p.text] for p in s.passages]],
                          ensure_ascii=False)
        return head, meta, self.texthash.tobytes(), self.sig.tobytes(), json.dumps(self.masked, ensure_ascii=False)

    @classmethod
    def loads(cls, sha: str, head: str, meta: Optional[str], texthash: bytes, sig: Optional[bytes]) -> "Prepared":
        rank, year, kept, start = json.loads(head)
        return cls(sha, rank, year, np.array(kept, dtype=np.int64), np.array(start, dtype=np.int64),
                   np.frombuffer(texthash, dtype=np.uint64),
                   None if sig is None else np.frombuffer(sig, dtype=np.uint32).reshape(-1, NUM_PERM), meta=meta)


def _light(sha256: str, meta: str) -> ReportSummary:
    """The summary kept in a cache row's ``meta`` (:meth:`Prepared.dumps`)."""
    report, division, name, year, passages = json.loads(meta)
    return ReportSummary(report, sha256, "", division, name, year, tuple(Passage(*p) for p in passages))


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

    The index is a few hundred bytes a passage (a national corpus has about a million
    passages a year): its arrays live in ``scratch`` (:class:`kg.scratch.Scratch`, files
    on disk for a build), and it is built one band at a time, so that memory holds only
    one band's keys while sorting.  ``signatures(report numbers)``, when given, reads the
    reports' MinHash signatures (else each :class:`Prepared` has its ``sig``), a chunk of
    reports at a time.  What the index copied of a report (``sig``, ``start``,
    ``texthash``) is dropped from its :class:`Prepared`.
    """

    def __init__(self, reports: Sequence[Prepared],
                 signatures: Optional[Callable[[list[int]], Iterable[np.ndarray]]] = None,
                 scratch: Optional[Scratch] = None):
        self.reports = list(reports)
        self.sha = [r.sha256 for r in self.reports]
        self.scratch = scratch = scratch if scratch is not None else Scratch(None)
        count = np.fromiter((len(r.kept) for r in self.reports), dtype=np.int64, count=len(self.reports))
        # A report's passages are consecutive positions (precedence is the report's, then the
        # passage's offset, which follows its index), so a report's first position places them all.
        rank = np.fromiter((r.rank for r in self.reports), dtype=np.int64, count=len(self.reports))
        year = np.fromiter((r.year for r in self.reports), dtype=np.int64, count=len(self.reports))
        sha_rank = np.argsort(np.argsort(np.array(self.sha, dtype=object), kind="stable"), kind="stable")
        order = np.lexsort((sha_rank, year, rank)) if len(self.reports) else np.zeros(0, np.int64)
        del rank, year, sha_rank
        self.first = np.zeros(len(self.reports), dtype=np.int64)      # report number -> its first position
        self.first[order] = np.cumsum(count[order]) - count[order]
        n = int(count.sum())
        # int32: positions and runs stay far below 2**31 (a national corpus has a few million passages)
        self.rep = scratch.zeros("rep", n, np.int32)
        self.kept = scratch.zeros("kept", n, np.int32)                 # index in the report's passages
        self.slot = scratch.zeros("slot", n, np.int32)                 # index in the report's ``kept``
        self.texthash = scratch.zeros("texthash", n, np.uint64)
        # The estimate compares the low 8 bits of each MinHash value: equal values stay equal, so it
        # is never lower than with 32 bits and every pair it let through still gets through (the
        # exact comparison decides); chance agreements (1 in 256 a value) raise it by about 0.004.
        self.sig = scratch.zeros("sig", (n, NUM_PERM), np.uint8)
        keys = scratch.zeros("keys", (BANDS, n), np.uint64)           # band by band, for the sorts below
        for lo in range(0, len(order), SIGNATURE_CHUNK):
            part = order[lo:lo + SIGNATURE_CHUNK]
            sigs = signatures(part.tolist()) if signatures is not None else [self.reports[r].sig for r in part]
            # A chunk of reports in order of precedence holds consecutive positions, a..b: filled
            # at once (band keys report by report were 0.2 s of a 10,000-report build's 0.74).
            a = int(self.first[part[0]])
            b = a + int(count[part].sum())
            mine = [self.reports[r] for r in part.tolist()]
            if b > a:
                self.rep[a:b] = np.repeat(part, count[part])
                self.kept[a:b] = np.concatenate([p.kept for p in mine])
                self.slot[a:b] = np.concatenate([np.arange(len(p.kept)) for p in mine])
                self.texthash[a:b] = np.concatenate([p.texthash for p in mine])
                sig = np.concatenate(sigs)
                self.sig[a:b] = sig.astype(np.uint8)
                keys[:, a:b] = band_keys(sig).T
                del sig
            for p in mine:
                p.sig = p.start = p.texthash = None
            del sigs, mine
            scratch.release()
        del order
        # Band by band: the passages sorted by their key (``sorted_pos``; positions ascending within
        # a key, the sort being stable), runs of equal keys (run r is sorted_pos[run_start[r]:
        # run_start[r + 1]]), each passage's run in each band (``run_of``).  A key mixes in its
        # band's number, so a run never spans two bands.
        self.sorted_pos = scratch.zeros("sorted_pos", n * BANDS, np.int32)
        self._run_of = scratch.zeros("run_of", (BANDS, n), np.int32)
        self._shared = scratch.zeros("shared", n, bool)                # shares some key with another passage
        run_start = scratch.zeros("run_start", n * BANDS + 1, np.int32)
        runs = 0
        for band in range(BANDS):
            col = np.array(keys[band])
            by = np.argsort(col, kind="stable")
            col = col[by]
            first = np.ones(n, dtype=bool)
            first[1:] = col[1:] != col[:-1]
            at = band * n
            self.sorted_pos[at:at + n] = by
            del col
            starts = np.flatnonzero(first)
            local = np.cumsum(first) - 1                                # the run of each sorted entry
            del first
            run_start[runs:runs + len(starts)] = starts + at
            self._run_of[band, by] = local + runs
            self._shared[by] |= (np.diff(np.append(starts, n)) > 1)[local]
            runs += len(starts)
            del by, local, starts
            scratch.release()
        run_start[runs] = n * BANDS
        self.run_start = run_start[:runs + 1]
        del keys
        self.leader = scratch.full("leader", n, bool, True)
        self.template = scratch.full("template", n, np.int32, -1)
        self.score = scratch.zeros("score", n, np.float64)
        scratch.release()
        self._texts: collections.OrderedDict[int, tuple[str, ...]] = collections.OrderedDict()
        self._shingles: collections.OrderedDict[int, np.ndarray] = collections.OrderedDict()

    @property
    def run_of(self) -> np.ndarray:
        """``run_of[j]``: the runs (one per band) of passage ``j``."""
        return self._run_of.T

    def position(self, report: int, index: int) -> Optional[int]:
        """The position of passage ``index`` of report number ``report``, if it is compared."""
        kept = self.reports[report].kept
        i = int(np.searchsorted(kept, index))
        if i == len(kept) or kept[i] != index:
            return None
        return int(self.first[report]) + i

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

    def shared(self) -> np.ndarray:
        """Positions of the passages that share a band key with another passage."""
        return np.flatnonzero(self._shared)

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

    def forget_texts(self) -> None:
        """Drop the caches of masked texts and template shingles, which only deciding needs.
        Writing the groups fills a cache of summaries instead; at 50,000 reports the three
        together, while the groups were written, were the derivation's peak."""
        self._texts.clear()
        self._shingles.clear()
        from kg.store import trim_heap

        trim_heap()

    def groups(self, summary_of: Callable[[int], ReportSummary]) -> Iterator[Group]:
        """The groups with at least one copy, in order of their templates' precedence (one at a
        time: a group holds its members' summaries)."""
        for template, copies in self.group_positions():
            yield self.group(template, copies, summary_of)

    def group_positions(self) -> Iterator[tuple[int, list[int]]]:
        """(template, its copies) of every group with at least one copy, as positions, in order
        of the templates' precedence; copies in order too."""
        copies = np.flatnonzero(self.template >= 0)
        templates = self.template[copies]
        by = np.argsort(templates, kind="stable")          # copies stay in order within a group
        copies, templates = copies[by], templates[by]
        del by
        bounds = np.flatnonzero(np.diff(templates)) + 1
        for n, (lo, hi) in enumerate(zip([0, *bounds.tolist()], [*bounds.tolist(), len(copies)])):
            if hi == lo:
                continue
            if n % CHECK_EVERY == 0:
                self.scratch.keep_within()
            yield int(templates[lo]), copies[lo:hi].tolist()

    def group(self, template: int, copies: Sequence[int], summary_of: Callable[[int], ReportSummary]) -> Group:
        return Group(self._ref(template, summary_of),
                     tuple(Copy(self._ref(j, summary_of), float(self.score[j])) for j in copies))

    def group_key(self, template: int, copies: Sequence[int]) -> bytes:
        """The :class:`kg.derive.Block` key of a group: its passages, by report content hash and
        place in the report, and the copies' similarities.  A report's summary (division,
        year, passages) is a function of its content, so these decide the group's triples."""
        def at(j: int) -> tuple[str, int]:
            return self.sha[int(self.rep[j])], int(self.kept[j])

        return block_key(NAME, at(template), *((*at(j), float(self.score[j])) for j in copies))

    def _ref(self, j: int, summary_of: Callable[[int], ReportSummary]) -> Ref:
        return Ref(summary_of(int(self.rep[j])), int(self.kept[j]))


TEXT_CACHE = 8192               # reports whose masked texts stay in memory while deciding
SIGNATURE_CHUNK = 2000          # reports whose signatures are read at a time while indexing
CHECK_EVERY = 64                # passages decided (or groups written) between looks at the index's resident pages
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
    """Run the greedy grouping for the ``dirty`` positions, in order, and pass each change on
    (``dirty=None``: every passage that shares a key with another, a run from scratch): a
    passage that became a group template is offered to the later passages that share a key
    with it, and one that stopped being one sends the passages that had chosen it back to be
    decided.

    Each passage, in order of precedence, joins the most similar earlier template (of
    another report) it shares a band key with, or becomes a template itself; so a
    passage's decision depends only on the templates before it that share a key with
    it, and redoing the dirty ones in order gives what a run over everything gives.
    ``fresh`` positions (new passages) are offered when they are templates (a copy is
    nobody's candidate).  Returns the number of passages decided over all their candidates.
    """
    everything = dirty is None
    queued = np.zeros(len(corpus), dtype=bool)
    fresh_set = set(int(j) for j in fresh)
    earlier = _Earlier(corpus)
    done = 0

    def one(j: int) -> None:
        """Decide ``j`` over all its candidates."""
        nonlocal done
        done += 1
        if done % CHECK_EVERY == 0:
            corpus.scratch.keep_within()
        best = _best(corpus, j, earlier.of(j), threshold, load)
        if best is None:
            corpus.leader[j], corpus.template[j], corpus.score[j] = True, -1, 0.0
        else:
            corpus.leader[j], corpus.template[j], corpus.score[j] = False, best[1], best[0]

    if everything:
        # Every passage sharing a key is decided, in order: nothing to pass on, and no heap of
        # a million Python integers.
        todo = corpus.shared()
        for lo in range(0, len(todo), 5000):
            for j in todo[lo:lo + 5000].tolist():
                one(j)
        corpus.scratch.release()
        return done
    heap = sorted(set(int(j) for j in dirty))
    queued[heap] = True

    def again(k: int) -> None:
        if not queued[k]:
            queued[k] = True
            heapq.heappush(heap, k)

    def lost(j: int) -> None:
        """``j`` stopped being a template: the later passages that chose it decide again."""
        later = corpus.later(j)
        for k in later[corpus.template[later] == j].tolist():
            again(k)

    def offer(j: int) -> None:
        """``j`` became a template: each later passage takes it if it beats its present choice.
        A passage's choice is the best of its candidates, so one more candidate is one more
        comparison, not a decision over all of them again (a changed report whose passages are
        templates of a thousand copies was 1,347 whole decisions, 1.3 s, at 10,000 reports)."""
        for k in corpus.later(j).tolist():
            if queued[k] or corpus.rep[k] == corpus.rep[j]:
                continue                        # decided again anyway, in order / never its own
            score = _score(corpus, k, j, threshold, load)
            if score is None:
                continue
            if corpus.leader[k]:
                corpus.leader[k], corpus.template[k], corpus.score[k] = False, j, score
                lost(k)
            elif score > corpus.score[k] or (score == corpus.score[k] and j < corpus.template[k]):
                corpus.template[k], corpus.score[k] = j, score      # ties: the earlier template

    # Popped in order, so every passage before ``j`` is settled when ``j`` is decided; a change
    # reaches a later passage by ``offer`` or by deciding it again, whichever it needs.
    while heap:
        j = heapq.heappop(heap)
        was = bool(corpus.leader[j])
        one(j)
        if corpus.leader[j] and (not was or j in fresh_set):
            offer(j)
        elif was and not corpus.leader[j]:
            lost(j)
    corpus.scratch.release()
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
    mine = []
    for i, e in zip(others.tolist(), estimate.tolist()):
        score = _score(corpus, j, i, threshold, load, e, mine)
        if score is not None and (best is None or score > best[0]):
            best = (score, i)                   # ties: the earlier template (candidates are in order)
    return best


def _score(corpus: Corpus, j: int, i: int, threshold: float, load, estimate: Optional[float] = None,
           mine: Optional[list] = None) -> Optional[float]:
    """The similarity of passage ``j`` to template ``i`` when it counts (≥ ``threshold``), else None.

    ``estimate``: their MinHash estimate, if known; ``mine``: an empty list to keep ``j``'s
    shingles in between calls for the same ``j``.
    """
    if estimate is None:
        estimate = float((corpus.sig[i] == corpus.sig[j]).mean())
    if estimate < threshold - ESTIMATE_MARGIN:
        return None
    if corpus.texthash[i] == corpus.texthash[j]:
        return 1.0
    if mine is None:
        mine = []
    if not mine:
        mine.append(shingles(corpus.text(j, load)))
    score = jaccard(mine[0], corpus.template_shingles(i, load))
    return score if score >= threshold else None


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


def derive_cached(summaries, cache, oxigraph: bool = False) -> Iterator[Block]:
    """The triples of :func:`derive`, a :class:`kg.derive.Block` per group, computed from what ``cache`` (a :class:`kg.derive.DeriveCache`)
    kept of the last run: only new reports are masked and MinHashed, and only passages whose
    candidates changed are decided again (:func:`decide`).

    The cache holds, per report, its :class:`Prepared` data (``derive_reuse_report``) and the
    decisions of its passages that are copies (``derive_reuse_copy``), plus the reports of the
    last run (``derive_reuse_state``); all are written in one transaction at the end, and the
    rows of reports no longer in the corpus are deleted then.  ``oxigraph``: the terms are
    pyoxigraph's (:class:`Terms`).

    Memory: the index (:class:`Corpus`) is kept in a scratch folder beside the cache file, and
    what is held per report is its row's head (the compared passages' indices); signatures,
    masked texts and the summaries' labels are read from the cache when wanted.
    """
    db = cache.db
    db.executescript(_SCHEMA)
    hashes = list(summaries.hashes)
    wanted = set(hashes)
    row = db.execute("SELECT value FROM derive_reuse_state WHERE key = 'reports'").fetchone()
    before = set(json.loads(row[0])) if row else set()
    known = _load_prepared(db, hashes, full=False)
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
        for p in prepared:
            known[p.sha256] = Prepared(p.sha256, p.rank, p.year, p.kept, p.start, p.texthash, None)
        del by_sha, prepared, rows

    def signatures(numbers: list[int]) -> list[np.ndarray]:
        found = dict(_rows(db, "SELECT sha256, sig FROM derive_reuse_report WHERE sha256 IN ({})",
                           [hashes[r] for r in numbers]))
        return [np.frombuffer(found[hashes[r]], dtype=np.uint32).reshape(-1, NUM_PERM) for r in numbers]

    clean(cache.path.parent)                    # what a killed build left
    scratch = Scratch(cache.path.parent)
    try:
        corpus = Corpus([known[h] for h in hashes], signatures, scratch)
        del known
        yield from _decided(db, corpus, hashes, wanted, before, oxigraph)
    finally:
        scratch.close()


def _decided(db, corpus: Corpus, hashes: list[str], wanted: set[str], before: set[str], oxigraph: bool) -> Iterator[Block]:
    """:func:`derive_cached` once the corpus is indexed: decide, save the decisions, yield the groups' blocks."""
    index = {h: n for n, h in enumerate(hashes)}
    is_new = np.fromiter((h not in before for h in hashes), dtype=bool, count=len(hashes))
    fresh = np.flatnonzero(is_new[corpus.rep]) if before else np.zeros(0, dtype=np.int64)
    del is_new
    # The last run's decisions, for the reports that stay.
    dirty = set(fresh.tolist())
    for sha, text in _rows(db, "SELECT sha256, copies FROM derive_reuse_copy WHERE sha256 IN ({})", sorted(before & wanted)):
        r = index[sha]
        for k, tsha, tk, score in json.loads(text):
            j = corpus.position(r, k)
            t = corpus.position(index[tsha], tk) if tsha in index else None
            corpus.leader[j], corpus.template[j], corpus.score[j] = False, -1 if t is None else t, score
            if t is None:                       # its template's report is gone
                dirty.add(j)
    # A gone report's passages were candidates only of later passages, and only its templates
    # (leaders) could be chosen: a passage that chose one lost its template (dirty above), one
    # that chose another keeps it (taking away a candidate it passed over changes nothing), and
    # a leader stays one.  Deciding every passage that shared a key with them, as before, was
    # 2,031 passages and 1.2 s after one report of 10,000 changed.
    gone = sorted(before - wanted)
    cached = {sha for (sha,) in _rows(db, "SELECT sha256 FROM derive_reuse_report WHERE sha256 IN ({})", gone)}
    if len(cached) < len(gone):                 # a cache edited by hand: decide everything again
        before = set()
        corpus.leader[:], corpus.template[:], corpus.score[:] = True, -1, 0.0

    def load(r: int) -> tuple[str, ...]:
        (text,), = db.execute("SELECT masked FROM derive_reuse_report WHERE sha256 = ?", (corpus.sha[r],))
        return tuple(json.loads(text))

    if before:
        decide(corpus, sorted(dirty), fresh=fresh.tolist(), load=load)
    else:
        decide(corpus, None, load=load)
    del dirty, fresh
    _save_decisions(db, corpus, hashes, wanted, gone)
    corpus.forget_texts()
    terms = Terms.oxigraph() if oxigraph else RDFLIB

    # A report's summary is read again when it has left this cache: held for every report, the
    # summaries of a national corpus would be gigabytes.
    @functools.lru_cache(maxsize=TEXT_CACHE)
    def light(r: int) -> ReportSummary:
        (meta,), = db.execute("SELECT meta FROM derive_reuse_report WHERE sha256 = ?", (corpus.sha[r],))
        return _light(corpus.sha[r], meta)

    for template, copies in corpus.group_positions():
        yield Block(corpus.group_key(template, copies),
                    lambda t=template, c=copies: group_triples(corpus.group(t, c, light), terms))


def _save_decisions(db, corpus: Corpus, hashes: list[str], wanted: set[str], gone: list[str]) -> None:
    """Every report's copies (rewritten only when they changed), new reports' rows kept, the
    report list; a few thousand reports at a time, in one transaction."""
    copies = np.flatnonzero(corpus.template >= 0)
    reps = corpus.rep[copies]
    by = np.argsort(reps, kind="stable")
    copies, reps = copies[by], reps[by]
    del by
    with db:
        for lo in range(0, len(hashes), PREPARE_CHUNK):
            a, b = np.searchsorted(reps, [lo, lo + PREPARE_CHUNK])
            mine: dict[int, list] = defaultdict(list)
            for j, r in zip(copies[a:b].tolist(), reps[a:b].tolist()):
                t = int(corpus.template[j])
                mine[r].append([int(corpus.kept[j]), hashes[int(corpus.rep[t])], int(corpus.kept[t]),
                                float(corpus.score[j])])
            part = hashes[lo:lo + PREPARE_CHUNK]
            number = {h: lo + i for i, h in enumerate(part)}
            old = dict(_rows(db, "SELECT sha256, copies FROM derive_reuse_copy WHERE sha256 IN ({})", part))
            rows = [(hashes[r], json.dumps(c)) for r, c in sorted(mine.items())]
            db.executemany("INSERT OR REPLACE INTO derive_reuse_copy VALUES (?, ?)", [x for x in rows if old.get(x[0]) != x[1]])
            db.executemany("DELETE FROM derive_reuse_copy WHERE sha256 = ?",
                           [(h,) for h in old if number[h] not in mine])
        db.executemany("DELETE FROM derive_reuse_copy WHERE sha256 = ?", [(h,) for h in gone])
        saved = [h for (h,) in db.execute("SELECT sha256 FROM derive_reuse_report")]
        db.executemany("DELETE FROM derive_reuse_report WHERE sha256 = ?", [(h,) for h in saved if h not in wanted])
        db.execute("INSERT OR REPLACE INTO derive_reuse_state VALUES ('reports', ?)", (json.dumps(hashes),))


PREPARE_CHUNK = 2000            # new reports prepared (masked, MinHashed) and saved at a time


def _rows(db, sql: str, keys: Sequence[str], chunk: int = 500) -> Iterator[tuple]:
    keys = list(keys)
    for i in range(0, len(keys), chunk):
        part = keys[i:i + chunk]
        yield from db.execute(sql.format(",".join("?" * len(part))), part)


def _load_prepared(db, hashes: Sequence[str], full: bool = True) -> dict[str, Prepared]:
    """The cached :class:`Prepared` of ``hashes``; without ``full``, only what the index holds of
    every report (no signatures, no labels: :class:`Corpus` reads the former as it goes)."""
    if full:
        return {sha: Prepared.loads(sha, head, meta, th, sig) for sha, head, meta, th, sig in
                _rows(db, "SELECT sha256, head, meta, texthash, sig FROM derive_reuse_report WHERE sha256 IN ({})", hashes)}
    return {sha: Prepared.loads(sha, head, None, th, None) for sha, head, th in
            _rows(db, "SELECT sha256, head, texthash FROM derive_reuse_report WHERE sha256 IN ({})", hashes)}


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
