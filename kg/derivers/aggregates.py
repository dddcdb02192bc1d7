"""Corpus-wide counts, precomputed so that the canned queries that aggregate over the whole
corpus read a few hundred nodes instead of scanning every report (queries/*.rq).

Each count is a node in the derived graph (terms in ``ontology/aggregates.ttl``):

* ``fz:ProvinceAdoption``: for a province (``fz:countedProvince``) and a concept
  (``fz:countedConcept``), the divisions at or under the province that implement it
  (``fz:implementerCount``) and those that plan it without implementing it
  (``fz:plannerOnlyCount``): ``queries/mechanism-adoption-by-province.rq``;
* ``fz:ConceptSpread``: for a concept, the provinces with a division that implements it
  (``fz:provinceCount``) and those divisions (``fz:implementerCount``):
  ``queries/mechanisms-in-many-provinces.rq``;
* ``fz:CampaignTurnout``: for a campaign, the divisions that take part (``fz:participantCount``):
  ``queries/campaigns-by-month.rq``;
* ``fz:ShortcomingTopicCount``: for a topic of ``ontology/topics.ttl``, the reports
  (``fz:reportCount``) and the points under their shortcomings parts (``fz:pointCount``)
  whose heading contains one of the topic's ``fz:topicCue``: ``queries/common-shortcomings.rq``;
* on each report: ``fz:lacksSectionType`` for each of the four kinds of part it has none of
  (``queries/missing-responsibility-section.rq``), and ``fz:mechanismCount``,
  ``fz:campaignCount``, ``fz:figureCount`` (``queries/reports.rq``).

The counts follow the graph's own semantics: a division counts once however many reports
state the fact, a division counts for every province its ``fz:parentDivision`` chain (in the
union of all reports) reaches, itself included.  They come from the facts each
:class:`kg.derive.ReportSummary` records of its report's triples; :func:`derive_cached` keeps
each report's share (its pairs, its topic counts) by content hash, so a build after one
changed report reads one summary and adds up the cached shares: linear in the corpus and
cheap.  Counts are as of the last build: SPARQL updates (``kg serve --allow-update``) do
not change them.

>>> from kg.derive import ReportSummary
>>> d, p, m = "urn:d", "urn:p", "urn:m"
>>> s = ReportSummary("urn:r", "ab", "a.txt", d, "甲乡", 2024, implements=((d, m),), parents=((d, p),), provinces=(p,))
>>> t = Totals.of([share(s, {})])
>>> t.adoption(), t.spread()
({('urn:p', 'urn:m'): (1, 0)}, {'urn:m': (1, 1)})
"""
from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from kg import iri
from kg.derive import Block, ReportSummary, block_key

NAME = "aggregates"
ONTOLOGY_DIR = Path(__file__).resolve().parent.parent.parent / "ontology"
FZ = iri.ONT
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
# The four kinds of part of a report (CONTRACT.md): fz:lacksSectionType names the ones a report has none of.
PART_TYPES = tuple(FZ + t for t in ("Achievements", "Shortcomings", "ResponsibilityPerformance", "NextYearPlan"))


@functools.lru_cache(maxsize=1)
def topic_cues() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(topic IRI, its fz:topicCue strings) of every fz:Topic the ontology files declare, sorted.

    >>> any(cues and t.endswith("/fa-zhi-yi-shi") for t, cues in topic_cues())
    True
    """
    import pyoxigraph as ox

    topics, cues = set(), defaultdict(set)
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        if path.name.startswith("shapes") or "fz:topicCue" not in path.read_text(encoding="utf-8"):
            continue
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if t.predicate.value == RDF_TYPE and t.object.value == FZ + "Topic":
                topics.add(t.subject.value)
            elif t.predicate.value == FZ + "topicCue":
                cues[t.subject.value].add(t.object.value)
    return tuple(sorted((t, tuple(sorted(cues.get(t, ())))) for t in topics))


def share(s: ReportSummary, cues: dict | None = None) -> dict:
    """One report's part of the counts, as JSON-ready data (what the cache keeps).

    ``t``: points per topic whose heading contains a cue of the topic (``cues``: topic → cues;
    ``None``: :func:`topic_cues`).
    """
    cues = dict(topic_cues()) if cues is None else cues
    topics = {}
    for topic, words in cues.items():
        n = sum(1 for heading in s.shortcoming_points if any(w in heading for w in words))
        if n:
            topics[topic] = n
    return {"r": s.report, "i": [list(x) for x in s.implements], "p": [list(x) for x in s.plans],
            "c": [list(x) for x in s.participates], "e": [list(x) for x in s.parents], "v": list(s.provinces),
            "t": topics, "s": list(s.section_types),
            "n": [len({m for _, m in s.implements}), len({c for _, c in s.participates}), s.measurements]}


@dataclass
class Totals:
    """The union of the reports' shares, and the counts made from it."""
    implements: set = field(default_factory=set)
    plans: set = field(default_factory=set)
    participates: set = field(default_factory=set)
    parents: dict = field(default_factory=lambda: defaultdict(set))
    provinces: set = field(default_factory=set)
    topics: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))   # topic → [reports, points]
    reports: list = field(default_factory=list)                               # (report, section types, counts)
    _memo: dict = field(default_factory=dict)                                 # division → its provinces

    @classmethod
    def of(cls, shares: Iterable[dict]) -> "Totals":
        t = cls()
        # Every share spells out its IRIs again; here each is held once (a concept's IRI is in
        # thousands of shares, a division's in all its pairs).
        one = {}.setdefault

        def pairs(items):
            return ((one(a, a), one(b, b)) for a, b in items)

        for sh in shares:
            t.implements.update(pairs(sh["i"]))
            t.plans.update(pairs(sh["p"]))
            t.participates.update(pairs(sh["c"]))
            for child, parent in sh["e"]:
                t.parents[one(child, child)].add(one(parent, parent))
            t.provinces.update(sh["v"])
            for topic, n in sh["t"].items():
                t.topics[topic][0] += 1
                t.topics[topic][1] += n
            t.reports.append((sh["r"], tuple(one(x, x) for x in sh["s"]), tuple(sh["n"])))
        return t

    def provinces_of(self, division: str) -> frozenset:
        """The provinces a division's fz:parentDivision* chain reaches (itself included)."""
        memo = self._memo
        if division not in memo:
            seen, todo = {division}, [division]
            while todo:
                for up in self.parents.get(todo.pop(), ()):
                    if up not in seen:
                        seen.add(up)
                        todo.append(up)
            memo[division] = frozenset(seen & self.provinces)
        return memo[division]

    def adoption(self) -> dict:
        """(province, concept) → (implementing divisions, planning-only divisions)."""
        # the pairs are a set, so each (division, concept) adds one per province: counts of divisions
        impl, plan = Counter(), Counter()
        for d, m in self.implements:
            for p in self.provinces_of(d):
                impl[p, m] += 1
        for d, m in self.plans:
            if (d, m) not in self.implements:
                for p in self.provinces_of(d):
                    plan[p, m] += 1
        return {k: (impl[k], plan[k]) for k in sorted(impl.keys() | plan.keys())}

    def spread(self) -> dict:
        """concept → (provinces, divisions under a province) of the divisions that implement it."""
        provinces, divisions = defaultdict(set), Counter()
        for d, m in self.implements:
            ps = self.provinces_of(d)
            if ps:
                provinces[m].update(ps)
                divisions[m] += 1
        return {m: (len(provinces[m]), divisions[m]) for m in sorted(provinces)}

    def turnout(self) -> dict:
        """campaign → divisions that take part."""
        return dict(sorted(Counter(c for _, c in self.participates).items()))


def _node(kind: str, *keys: str) -> str:
    return f"{iri.ID}count/{kind}/" + hashlib.sha1("\x1f".join(keys).encode("utf-8")).hexdigest()[:20]


def blocks(t: Totals, named: Callable, integer: Callable) -> Iterator[Block]:
    """One :class:`kg.derive.Block` per count node and per report, keyed by the counts, so that a
    build after one changed report writes only the nodes whose counts changed."""
    a = named(RDF_TYPE)
    fz = {n: named(FZ + n) for n in (
        "ProvinceAdoption", "ConceptSpread", "CampaignTurnout", "ShortcomingTopicCount", "countedProvince",
        "countedConcept", "implementerCount", "plannerOnlyCount", "provinceCount", "participantCount", "reportCount",
        "pointCount", "lacksSectionType", "mechanismCount", "campaignCount", "figureCount")}

    def adoption(p: str, m: str, impl: int, plan: int) -> Iterator[tuple]:
        n = named(_node("adoption", p, m))
        yield n, a, fz["ProvinceAdoption"]
        yield n, fz["countedProvince"], named(p)
        yield n, fz["countedConcept"], named(m)
        yield n, fz["implementerCount"], integer(impl)
        yield n, fz["plannerOnlyCount"], integer(plan)

    def spread(m: str, provinces: int, divisions: int) -> Iterator[tuple]:
        n = named(_node("spread", m))
        yield n, a, fz["ConceptSpread"]
        yield n, fz["countedConcept"], named(m)
        yield n, fz["provinceCount"], integer(provinces)
        yield n, fz["implementerCount"], integer(divisions)

    def turnout(c: str, divisions: int) -> Iterator[tuple]:
        n = named(_node("turnout", c))
        yield n, a, fz["CampaignTurnout"]
        yield n, fz["countedConcept"], named(c)
        yield n, fz["participantCount"], integer(divisions)

    def topic(topic: str, reports: int, points: int) -> Iterator[tuple]:
        n = named(_node("shortcoming-topic", topic))
        yield n, a, fz["ShortcomingTopicCount"]
        yield n, fz["countedConcept"], named(topic)
        yield n, fz["reportCount"], integer(reports)
        yield n, fz["pointCount"], integer(points)

    def report(report: str, types: tuple, mechanisms: int, campaigns: int, figures: int) -> Iterator[tuple]:
        r = named(report)
        for pt in PART_TYPES:
            if pt not in types:
                yield r, fz["lacksSectionType"], named(pt)
        yield r, fz["mechanismCount"], integer(mechanisms)
        yield r, fz["campaignCount"], integer(campaigns)
        yield r, fz["figureCount"], integer(figures)

    def block(make: Callable, *values) -> Block:
        return Block(block_key(NAME, make.__name__, *values), lambda: make(*values))

    for (p, m), (impl, plan) in t.adoption().items():
        yield block(adoption, p, m, impl, plan)
    for m, (provinces, divisions) in t.spread().items():
        yield block(spread, m, provinces, divisions)
    for c, divisions in t.turnout().items():
        yield block(turnout, c, divisions)
    for name, (reports, points) in sorted(t.topics.items()):
        yield block(topic, name, reports, points)
    for r, types, (mechanisms, campaigns, figures) in sorted(t.reports, key=lambda x: x[0]):
        yield block(report, r, types, mechanisms, campaigns, figures)


def triples(t: Totals, named: Callable, integer: Callable) -> Iterator[tuple]:
    for b in blocks(t, named, integer):
        yield from b.triples()


def _rdflib_terms() -> tuple[Callable, Callable]:
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    return URIRef, lambda n: Literal(n, datatype=XSD.integer)


def _oxigraph_terms() -> tuple[Callable, Callable]:
    import pyoxigraph as ox

    integer = ox.NamedNode(XSD_INTEGER)
    return (functools.lru_cache(maxsize=1 << 16)(ox.NamedNode),
            functools.lru_cache(maxsize=1 << 14)(lambda n: ox.Literal(str(n), datatype=integer)))


def derive(summaries: Sequence[ReportSummary]) -> Iterator[tuple]:
    cues = dict(topic_cues())
    yield from triples(Totals.of(share(s, cues) for s in summaries), *_rdflib_terms())


_SCHEMA = "CREATE TABLE IF NOT EXISTS derive_aggregates_share (sha256 TEXT PRIMARY KEY, share TEXT NOT NULL)"


def derive_cached(summaries, cache, oxigraph: bool = False) -> Iterator[Block]:
    """The triples of :func:`derive`, as :func:`blocks`; each report's :func:`share` is kept in ``cache`` (a
    :class:`kg.derive.DeriveCache`) by content hash, so only new reports' summaries are read.
    A share depends only on the summary and the ontology's topics, both covered by the
    cache's version (the pipeline's fingerprint).

    Summaries are read :data:`READ_CHUNK` at a time and the shares added up as they are read
    back from the cache: a summary carries its report's text, and 50,000 of them held at
    once took 1.3 GB.
    """
    db = cache.db
    db.execute(_SCHEMA)
    hashes = list(summaries.hashes)
    known: set[str] = set()
    for i in range(0, len(hashes), 500):
        part = hashes[i:i + 500]
        known.update(h for (h,) in db.execute(f"SELECT sha256 FROM derive_aggregates_share WHERE sha256 IN "
                                              f"({','.join('?' * len(part))})", part))
    new = [h for h in hashes if h not in known]
    del known
    cues = dict(topic_cues()) if new else {}
    # Each part is committed as it is made: a share is a pure function of its report's content
    # (and the cache's version), so a run cut short leaves only rows that are still right.
    for i in range(0, len(new), READ_CHUNK):
        rows = [(s.sha256, json.dumps(share(s, cues), ensure_ascii=False, sort_keys=True))
                for s in summaries.read(new[i:i + READ_CHUNK])]
        with db:
            db.executemany("INSERT OR REPLACE INTO derive_aggregates_share VALUES (?, ?)", rows)
    with db:
        if db.execute("SELECT COUNT(*) FROM derive_aggregates_share").fetchone()[0] != len(hashes):   # reports gone
            db.execute("CREATE TEMP TABLE IF NOT EXISTS aggregates_keep (sha256 TEXT PRIMARY KEY)")
            db.execute("DELETE FROM aggregates_keep")
            db.executemany("INSERT INTO aggregates_keep VALUES (?)", [(h,) for h in hashes])
            db.execute("DELETE FROM derive_aggregates_share WHERE sha256 NOT IN (SELECT sha256 FROM aggregates_keep)")
    totals = Totals.of(json.loads(text) for (text,) in db.execute("SELECT share FROM derive_aggregates_share"))
    yield from blocks(totals, *(_oxigraph_terms() if oxigraph else _rdflib_terms()))


READ_CHUNK = 2000               # new reports' summaries read at a time
