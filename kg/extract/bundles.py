"""Bundles: a mechanism that is the sum of named parts, inferred when a report names every part.

行政执法三项制度 is 行政执法公示制度 + 执法全过程记录制度 + 重大执法决定法制审核制度, and
三调联动 is 人民调解 + 行政调解 + 司法调解.  ``ontology/mechanisms.ttl`` states the parts
(``fz:hasPart``) and where they must all stand (``fz:partScope``: one sentence for a
linkage like 三调联动, anywhere in the report otherwise).  This extractor

* finds the parts: by their curated labels (the vocabulary matcher), or, for a part
  whose plain name is generic prose, by its ``fz:partCue`` under its
  ``fz:notFollowedBy`` guards: 人民调解 counts in 加强人民调解工作 but not in
  人民调解员 or 人民调解委员会.  Cue hits become ordinary ``mechanism`` mentions, so
  the part gets its own fact and evidence;
* links the division to the bundle when every part is named in the same kind of
  section: all in the year's work gives ``fz:implements``, all in the next-year
  plan ``fz:plans``; a part named only among the shortcomings states nothing, as
  everywhere else (:func:`kg.emit.predicate_for`).  A report that names the
  bundle itself with that predicate needs no inference and gets none.

The bundle's evidence is one ``rdf:Statement`` marked ``fz:inferred true``: it is
``prov:wasDerivedFrom`` the report (so the contract's evidence query reads it like
any other) and each part's own statement; its ``fz:quote`` is the parts'
sentences and its ``fz:charStart``/``fz:charEnd`` the smallest span of the source
that covers one mention of every part.

>>> [(h.surface, h.concept.pref_label) for h in cue_hits("加强人民调解工作，配备人民调解员2名。")]
[('人民调解', '人民调解制度')]
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from rdflib import URIRef

from kg import iri
from kg.emit import FZ, PROV, RDF, TRUE, Context, Triple, emitter, integer, plain, predicate_for
from kg.extract.concepts import NAME as VOCABULARY
from kg.link import Span
from kg.model import Concept, Document, Mention
from kg.vocab import Hit, load_concepts, matcher, ontology

NAME = "bundles"
SCOPES = ("sentence", "report")
# A guard is checked after the cue with a closing quotation mark skipped: “人民调解”员 is still 人民调解员.
_CLOSING = "”’\"」』"


@dataclass(frozen=True)
class Bundle:
    concept: Concept
    parts: tuple[Concept, ...]      # sorted by IRI
    scope: str                      # "sentence" | "report"


@dataclass(frozen=True)
class Cue:
    concept: Concept
    pattern: re.Pattern             # the cue, not followed by any guard


@dataclass(frozen=True)
class BundleMention(Mention):
    """A division named every part of ``concept`` (a bundle): ``parts`` are the mentions it follows from."""

    parts: tuple[Mention, ...] = ()
    predicate: str = ""             # local name of the fact's predicate: "implements" | "plans"


@dataclass(frozen=True)
class Taxonomy:
    bundles: tuple[Bundle, ...]
    cues: tuple[Cue, ...]

    @property
    def part_iris(self) -> frozenset[str]:
        return frozenset(p.iri for b in self.bundles for p in b.parts)


@functools.cache
def taxonomy(directory: str | None = None) -> Taxonomy:
    """Bundles and part cues of the curated vocabulary (``ontology/*.ttl``)."""
    g = ontology(directory)
    concepts = {c.iri: c for c in load_concepts(directory)}
    bundles = []
    for bundle_iri in sorted({str(s) for s in g.subjects(FZ.hasPart, None)}):
        parts = tuple(concepts[str(p)] for p in sorted(g.objects(URIRef(bundle_iri), FZ.hasPart), key=str)
                      if str(p) in concepts)
        scope = str(g.value(URIRef(bundle_iri), FZ.partScope) or "report")
        if scope not in SCOPES:
            raise ValueError(f"{bundle_iri}: fz:partScope must be one of {SCOPES}, not {scope!r}")
        if bundle_iri in concepts and len(parts) >= 2:
            bundles.append(Bundle(concepts[bundle_iri], parts, scope))
    cues = []
    for concept_iri in sorted({str(s) for s in g.subjects(FZ.partCue, None)}):
        node = URIRef(concept_iri)
        guards = sorted({str(o) for o in g.objects(node, FZ.notFollowedBy)}, key=lambda s: (-len(s), s))
        lookahead = f"(?![{_CLOSING}]?(?:{'|'.join(map(re.escape, guards))}))" if guards else ""
        for cue in sorted({str(o) for o in g.objects(node, FZ.partCue)}):
            if concept_iri in concepts:
                cues.append(Cue(concepts[concept_iri], re.compile(re.escape(cue) + lookahead)))
    return Taxonomy(tuple(bundles), tuple(cues))


def cue_hits(text: str, curated: Sequence[Hit] = ()) -> list[Hit]:
    """Parts named by their cue in ``text``, leftmost-longest, outside every curated label hit.

    A curated hit covers its span already (人民调解制度 is found as itself), so a cue
    inside one is not read again.
    """
    found = []
    for cue in taxonomy().cues:
        for m in cue.pattern.finditer(text):
            if not any(h.start < m.end() and m.start() < h.end for h in curated):
                found.append(Hit(m.start(), m.end(), m.group(), cue.concept))
    found.sort(key=lambda h: (h.start, -(h.end - h.start), h.concept.iri))
    hits, cursor = [], 0
    for h in found:
        if h.start >= cursor:
            hits.append(h)
            cursor = h.end
    return hits


def extract(doc: Document) -> Iterator[Mention]:
    tax = taxonomy()
    if not tax.bundles:
        return
    curated = matcher(("mechanism", "campaign")).find(doc.text)
    cued = [Mention("mechanism", h.start, h.end, h.surface, NAME, concept=h.concept) for h in cue_hits(doc.text, curated)]
    yield from cued
    wanted = tax.part_iris
    # The vocabulary extractor yields the curated hits (and their facts); here they only count as parts.
    parts = sorted([*(Mention("mechanism", h.start, h.end, h.surface, VOCABULARY, concept=h.concept)
                      for h in curated if h.concept.iri in wanted), *cued], key=lambda m: (m.start, m.end))
    # Only the bundles' own names matter here (a bundle named directly needs no inference).
    named = {b.concept.iri for b in tax.bundles}
    direct = [Mention("mechanism", h.start, h.end, h.surface, VOCABULARY, concept=h.concept)
              for h in curated if h.concept.iri in named]
    for bundle in tax.bundles:
        yield from _inferred(doc, bundle, parts, direct)


def _inferred(doc: Document, bundle: Bundle, parts: Sequence[Mention], direct: Sequence[Mention]) -> Iterator[BundleMention]:
    """One mention per scope unit (the report, or a sentence) in which every part is named with one predicate."""
    own = {p.iri for p in bundle.parts}
    by_unit: dict[int, list[Mention]] = {}
    for m in parts:
        if m.concept.iri in own:
            by_unit.setdefault(_unit(doc, bundle.scope, m.start), []).append(m)
    stated = {(_unit(doc, bundle.scope, m.start), _predicate(doc, m)) for m in direct if m.concept.iri == bundle.concept.iri}
    for unit, mentions in sorted(by_unit.items()):
        for predicate in ("implements", "plans"):
            if (unit, predicate) in stated:
                continue
            chosen = smallest_cover([m for m in mentions if _predicate(doc, m) == predicate], own)
            if chosen:
                start, end = chosen[0].start, max(m.end for m in chosen)
                yield BundleMention("bundle", start, end, doc.text[start:end], NAME, concept=bundle.concept,
                                    parts=tuple(chosen), predicate=predicate)


def _unit(doc: Document, scope: str, pos: int) -> int:
    if scope == "sentence":
        sentence = doc.sentence_at(pos)
        return sentence.index if sentence is not None else -1 - pos
    return 0


def _predicate(doc: Document, m: Mention) -> str | None:
    pred = predicate_for("mechanism", doc.section_type_at(m.start))
    return None if pred is None else pred.split("#")[-1]


def smallest_cover(mentions: Sequence[Mention], parts: Iterable[str]) -> tuple[Mention, ...]:
    """One mention of every part, chosen so that together they span the least text; () when a part is missing.

    >>> c = lambda i: Concept(i, "mechanism", i)
    >>> ms = [Mention("mechanism", s, s + 2, "", "t", concept=c(k)) for s, k in ((0, "a"), (50, "b"), (60, "a"), (64, "c"))]
    >>> [(m.start, m.concept.iri) for m in smallest_cover(ms, {"a", "b", "c"})]
    [(50, 'b'), (60, 'a'), (64, 'c')]
    """
    needed = set(parts)
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    if {m.concept.iri for m in ordered} < needed or not needed:
        return ()
    best: tuple[int, tuple[Mention, ...]] | None = None
    for i, first in enumerate(ordered):
        pick: dict[str, Mention] = {}
        for m in ordered[i:]:         # for each part, the mention at or after ``first`` that ends first
            if m.concept.iri in needed and (m.concept.iri not in pick or m.end < pick[m.concept.iri].end):
                pick[m.concept.iri] = m
        if set(pick) != needed:
            break                       # later starts can only miss more
        chosen = tuple(sorted(pick.values(), key=lambda m: (m.start, m.end)))
        width = max(m.end for m in chosen) - chosen[0].start
        if best is None or width < best[0]:
            best = (width, chosen)
    return best[1] if best else ()


@emitter("bundle")
def _bundle(ctx: Context, m: Mention) -> Iterator[Triple]:
    if not isinstance(m, BundleMention) or m.concept is None:
        return
    pred, obj = FZ[m.predicate], URIRef(m.concept.iri)
    yield ctx.division, pred, obj
    # Each part's own statement (written by the emitter of the part's mention) is named by
    # what it states and where, so asking for it again yields the same node.
    part_nodes = [next(iter(ctx.evidence(ctx.division, pred, URIRef(p.concept.iri), Span(p.start, p.end), p.extractor)))[0]
                  for p in m.parts]
    start, end = ctx.doc.source_span(m.start, m.end)
    node = URIRef(iri.statement(ctx.report, ctx.division, pred, obj, start, end, "inferred"))
    quotes = list(dict.fromkeys(ctx.quote(Span(p.start, p.end)) for p in m.parts))
    yield node, RDF.type, RDF.Statement
    yield node, RDF.subject, ctx.division
    yield node, RDF.predicate, pred
    yield node, RDF.object, obj
    yield node, PROV.wasDerivedFrom, ctx.report
    for part in part_nodes:
        yield node, PROV.wasDerivedFrom, part
    yield node, FZ.quote, plain(" … ".join(quotes))
    yield node, FZ.charStart, integer(start)
    yield node, FZ.charEnd, integer(end)
    yield node, FZ.extractor, plain(NAME)
    yield node, FZ.inferred, TRUE
