"""Text reuse: near-duplicate passages across reports, and who most likely copied whom.

Reports copy passages from county templates and from each other.  Every passage
(a paragraph or numbered item, :class:`kg.derive.Passage`) is reduced to what
copying keeps: the report's own division name and every run of digits are
masked and punctuation and spaces dropped, so a template filled in with
another township's name and figures is still the same text.  Its 5-character
shingles go into a MinHash (datasketch, fixed seed); LSH banding proposes
candidate pairs, the MinHash estimate drops most of them, and a pair counts when
the exact Jaccard similarity of the shingle sets is at least :data:`THRESHOLD`.
The bands are indexed by sorting numpy arrays (:func:`band_runs`): datasketch's
MinHashLSH keeps a dict of sets per band, about 4.8 KB a passage (measured),
which is gigabytes for the national corpus (about 40,000 reports, a million
passages a year).  ``benchmarks/bench_reuse.py`` measures time and memory.

Passages are taken in a fixed order of precedence: the higher-level division
first (a county before its townships), then the earlier year, then the
content hash.  A passage that matches an earlier one (in another report)
joins that passage's *reuse group*; otherwise it starts a group of its own.
So every copy is compared with the group's template, never chained through
other copies, and each passage is looked up once.

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

import functools
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from kg import iri
from kg.derive import ReportSummary
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
    both = np.intersect1d(a, b, assume_unique=True).size
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
    refs, texts = _passages(summaries)
    rows: dict[str, int] = {}                   # one MinHash per distinct masked text
    for text in texts:
        rows.setdefault(text, len(rows))
    row_of = np.fromiter((rows[t] for t in texts), dtype=np.int64, count=len(texts))
    sig = signatures(list(rows))
    run_of, shared = band_runs(sig, np.bincount(row_of, minlength=len(rows)))
    leaders: dict[int, list[int]] = {}          # band run -> the group templates in it, in order
    copies: dict[int, list[Copy]] = defaultdict(list)
    for j, ref in enumerate(refs):
        runs = [r for r in run_of[row_of[j]].tolist() if shared[r]]
        candidates = sorted({i for r in runs for i in leaders.get(r, ())})
        best = _best(j, candidates, refs, texts, sig, row_of, threshold)
        if best is not None:
            copies[best[1]].append(Copy(ref, best[0]))
            continue
        for r in runs:
            leaders.setdefault(r, []).append(j)
    return [Group(refs[i], tuple(copies[i])) for i in range(len(refs)) if copies.get(i)]


def _passages(summaries: Sequence[ReportSummary]) -> tuple[list[Ref], list[str]]:
    """Every passage long enough to compare, masked, in order of precedence."""
    found = []
    for summary in summaries:
        names = own_names(summary)
        for i, p in enumerate(summary.passages):
            text = mask(p.text, names)
            if len(text) >= MIN_CHARS:
                found.append((Ref(summary, i), text))
    found.sort(key=lambda f: f[0].precedence())
    return [f[0] for f in found], [f[1] for f in found]


def signatures(texts: Sequence[str]) -> np.ndarray:
    """One MinHash signature (datasketch, fixed seed) per text, as rows of a uint32 matrix."""
    from datasketch import MinHash

    # The shingles are hashed already (:func:`shingles`); MinHash gets their low 32 bits as they are.
    empty = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int)
    out = np.empty((len(texts), NUM_PERM), dtype=np.uint32)
    for n, text in enumerate(texts):
        m = empty.copy()
        m.update_batch((shingles(text) & np.uint64(0xFFFFFFFF)).tolist())
        out[n] = m.hashvalues
    return out


def band_runs(sig: np.ndarray, weight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LSH banding: the run (bucket) of every row in every band, and which runs hold two passages or more.

    Rows whose signatures agree on all :data:`ROWS` values of some band share that
    band's run: they are candidates.  Runs are numbered across bands; ``weight``
    counts the passages each row stands for (identical texts share a row).
    Sorting numpy arrays keeps this at a few bytes a passage, where a dict-of-sets
    index (datasketch's MinHashLSH) costs kilobytes.

    >>> a = np.arange(NUM_PERM, dtype=np.uint32)
    >>> b = a.copy(); b[ROWS:] += 1000                    # agrees with ``a`` on the first band only
    >>> run_of, shared = band_runs(np.stack([a, b, a + 5000]), np.ones(3, dtype=np.int64))
    >>> bool(run_of[0, 0] == run_of[1, 0]), bool(shared[run_of[0, 0]]), bool(shared[run_of[0, 1]]), bool(shared[run_of[2, 0]])
    (True, True, False, False)
    """
    n = sig.shape[0]
    run_of = np.empty((n, BANDS), dtype=np.int64)
    shared = []
    offset = 0
    for band in range(BANDS):
        block = np.ascontiguousarray(sig[:, band * ROWS:(band + 1) * ROWS]).view(f"V{4 * ROWS}").ravel()
        _, inverse = np.unique(block, return_inverse=True)
        inverse = inverse.ravel()
        counts = np.bincount(inverse, weights=weight)
        run_of[:, band] = inverse + offset
        shared.append(counts >= 2)
        offset += len(counts)
    return run_of, (np.concatenate(shared) if shared else np.zeros(0, dtype=bool))


@functools.lru_cache(maxsize=1 << 15)
def _cached_shingles(text: str) -> np.ndarray:
    return shingles(text)


def shingles_of(i: int, texts: list[str]) -> np.ndarray:
    """Shingles of a group template: a template is compared again and again, so they are cached."""
    return _cached_shingles(texts[i])


def _best(j: int, candidates: list[int], refs: list[Ref], texts: list[str], sig: np.ndarray,
          row_of: np.ndarray, threshold: float) -> tuple[float, int] | None:
    """The candidate template most similar to passage ``j`` (exact Jaccard ≥ threshold), if any."""
    mine_report = refs[j].summary
    others = [i for i in candidates if refs[i].summary is not mine_report]
    if not others:
        return None
    # The MinHash estimate rules out most candidates before the exact comparison.
    estimate = (sig[row_of[others]] == sig[row_of[j]]).mean(axis=1)
    best = None
    mine = None
    for i, e in zip(others, estimate.tolist()):
        if e < threshold - ESTIMATE_MARGIN:
            continue
        if texts[i] == texts[j]:
            score = 1.0
        else:
            mine = mine if mine is not None else shingles(texts[j])
            score = jaccard(mine, shingles_of(i, texts))
        if score >= threshold and (best is None or score > best[0]):
            best = (score, i)                   # ties: the earlier template (candidates are in order)
    return best


def derive(summaries: Sequence[ReportSummary]) -> Iterator[tuple]:
    ordered = sorted(summaries, key=lambda s: s.sha256)
    for group in find_groups(ordered):
        yield from group_triples(group)


def _hashed(kind: str, *parts: str) -> URIRef:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]
    return URIRef(f"{iri.ID}{kind}/{digest}")


def passage_iri(ref: Ref) -> URIRef:
    p = ref.passage
    return URIRef(f"{iri.report(ref.summary.sha256)}/passage/{p.start}-{p.end}")


def directed(source: Ref, copy: Ref) -> bool:
    """True when the source's report is a higher-level division's or an earlier year's."""
    a, b = source.precedence(), copy.precedence()
    return a[0] < b[0] or (source.summary.year is not None and copy.summary.year is not None and a[1] < b[1])


def group_triples(group: Group) -> Iterator[tuple]:
    template = group.template
    node = _hashed("reuse-group", str(passage_iri(template)))
    count = group.division_count
    weight = Literal(f"{1 / count:.4f}", datatype=XSD.decimal)
    yield node, RDF.type, FZ.ReuseGroup
    yield node, RDFS.label, Literal(f"{template.summary.division_name}段落及其{len(group.copies)}处副本"
                                    f"（{count}个行政区划）", lang="zh")
    yield node, FZ.template, passage_iri(template)
    yield node, FZ.passageCount, Literal(len(group.refs), datatype=XSD.integer)
    yield node, FZ.divisionCount, Literal(count, datatype=XSD.integer)
    yield node, FZ.boilerplate, Literal(group.boilerplate)
    for ref in group.refs:
        yield from _passage(ref, node, weight)
    for c in group.copies:
        reuse = _hashed("reuse", str(passage_iri(c.ref)), str(passage_iri(template)))
        known = directed(template, c.ref)
        yield reuse, RDF.type, FZ.TextReuse
        yield reuse, RDFS.label, Literal(f"{c.ref.summary.division_name}段落与{template.summary.division_name}段落重复"
                                         f"（相似度{c.similarity:.2f}）", lang="zh")
        yield reuse, FZ.passage, passage_iri(c.ref)
        yield reuse, FZ.sourcePassage, passage_iri(template)
        yield reuse, FZ.similarity, Literal(f"{c.similarity:.4f}", datatype=XSD.decimal)
        yield reuse, FZ.directed, Literal(known)
        yield reuse, FZ.boilerplate, Literal(group.boilerplate)
        copy_report, source_report = URIRef(c.ref.summary.report), URIRef(template.summary.report)
        if copy_report != source_report:
            yield copy_report, FZ.reusesTextOf if known else FZ.sharesTextWith, source_report


def _passage(ref: Ref, group: URIRef, weight: Literal) -> Iterator[tuple]:
    node, p = passage_iri(ref), ref.passage
    yield node, RDF.type, FZ.Passage
    yield node, RDFS.label, Literal(p.text[:24] + ("…" if len(p.text) > 24 else ""), lang="zh")
    yield node, PROV.wasDerivedFrom, URIRef(ref.summary.report)
    yield node, FZ.charStart, Literal(p.start, datatype=XSD.integer)
    yield node, FZ.charEnd, Literal(p.end, datatype=XSD.integer)
    yield node, FZ.inReuseGroup, group
    yield node, FZ.copyWeight, weight
