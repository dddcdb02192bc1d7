"""RDF for one report: its division, sections, facts and figures, each with provenance.

The section a mention stands in decides the predicate: in the next-year plan a
mechanism or campaign is only *planned* (``fz:plans``); in the shortcomings it
is not claimed as done at all; elsewhere a mechanism is ``fz:implements`` and
a campaign ``fz:participatesIn``.  Every such triple, every
``fz:parentDivision`` and every measurement is backed by evidence written as an
``rdf:Statement`` with ``prov:wasDerivedFrom``, ``fz:quote`` (the sentence as
written in the source) and ``fz:charStart``/``fz:charEnd`` (offsets of the
mention in the decoded source text).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable, Iterator

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib import namespace as _ns

from kg import iri
from kg.link import GAZETTEER_SOURCE, Attribution, ParentLink, Place, Span
from kg.model import Concept, Document, Mention


class CachedTerms:
    """A namespace whose terms are built once.

    rdflib's ``Namespace`` and ``DefinedNamespace`` build a new URIRef on every
    attribute access (1-2 µs, more than the triple's other work), and one report
    asks for the same few terms thousands of times.  The first lookup of a name
    stores its term on this object; later ones are plain attribute reads.  Names a
    closed namespace does not define still raise, as in rdflib.

    >>> FZ.quote is FZ.quote, FZ.quote == URIRef(iri.ONT + "quote"), FZ["Report"] == FZ.Report
    (True, True, True)
    """

    def __init__(self, namespace) -> None:
        self._namespace = namespace
        self._items: dict[str, URIRef] = {}

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> URIRef:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = self._namespace[name]
        return term


FZ = CachedTerms(Namespace(iri.ONT))
RDF, RDFS, PROV, SKOS, XSD = (CachedTerms(n) for n in (_ns.RDF, _ns.RDFS, _ns.PROV, _ns.SKOS, _ns.XSD))
Triple = tuple[URIRef | BNode, URIRef, URIRef | Literal | BNode]

SCHEME_CLASS = {"mechanism": FZ.Mechanism, "campaign": FZ.Campaign, "indicator": FZ.Indicator}
SCHEME_IRI = {k: URIRef(f"{iri.ID}scheme/{k}s") for k in SCHEME_CLASS}
SECTION_TYPES = {"Achievements", "Shortcomings", "ResponsibilityPerformance", "NextYearPlan"}
_DONE = {"mechanism": FZ.implements, "campaign": FZ.participatesIn}

# Literals are immutable, so one instance may stand in any number of triples.  Building
# one costs 2-6 µs (rdflib parses and normalizes its value), and a report repeats the
# same ones: offsets, the quote of a sentence holding several facts, extractor names.
TRUE, FALSE = Literal(True), Literal(False)


@functools.lru_cache(maxsize=8192)
def zh(text: str) -> Literal:
    """A Chinese-language literal.

    >>> zh("大村乡") == Literal("大村乡", lang="zh")
    True
    """
    return Literal(text, lang="zh")


@functools.lru_cache(maxsize=8192)
def plain(text: str) -> Literal:
    """A plain string literal (``Literal(text)``)."""
    return Literal(text)


@functools.lru_cache(maxsize=1 << 16)
def integer(n: int) -> Literal:
    """An ``xsd:integer`` literal.

    >>> integer(12) == Literal(12, datatype=XSD.integer)
    True
    """
    return Literal(n, datatype=XSD.integer)


def decimal(value: Decimal) -> Literal:
    """An ``xsd:decimal`` literal.  Cached by the value's text: equal decimals such as
    1 and 1.0 are different literals.

    >>> decimal(Decimal("1.0")) == Literal(Decimal("1.0"), datatype=XSD.decimal), str(decimal(Decimal("1")))
    (True, '1')
    """
    return _decimal(str(value))


@functools.lru_cache(maxsize=8192)
def _decimal(text: str) -> Literal:
    return Literal(Decimal(text), datatype=XSD.decimal)


def predicate_for(kind: str, section_type: str | None) -> URIRef | None:
    """Which fact a mention states, given the section it stands in.

    >>> predicate_for("mechanism", "NextYearPlan") == FZ.plans
    True
    >>> predicate_for("campaign", "Shortcomings") is None
    True
    """
    if section_type == "NextYearPlan":
        return FZ.plans
    if section_type == "Shortcomings":
        return None
    return _DONE.get(kind)


@dataclass(frozen=True)
class Context:
    """What an emitter needs to know about the report a mention comes from."""

    doc: Document
    who: Attribution
    report: URIRef
    division: URIRef

    def section_iri(self, pos: int) -> URIRef | None:
        inner = None
        for s in self.doc.sections:
            if s.start <= pos < s.end:
                inner = s
        return URIRef(iri.section(self.doc.source.sha256, inner.index)) if inner else None

    def evidence(self, subject, predicate, obj, span: Span, extractor: str) -> Iterator[Triple]:
        """An rdf:Statement backing ``subject predicate obj`` with the sentence and source offsets."""
        return _statement(self.doc, self.report, subject, predicate, obj, span, extractor)

    def quote(self, span: Span) -> str:
        return _quote(self.doc, span)


Emitter = Callable[[Context, Mention], Iterable[Triple]]
EMITTERS: dict[str, Emitter] = {}


def emitter(kind: str) -> Callable[[Emitter], Emitter]:
    """Register how mentions of ``kind`` become triples (extractor modules register their own)."""
    def decorator(fn: Emitter) -> Emitter:
        EMITTERS[kind] = fn
        return fn
    return decorator


def report_triples(doc: Document, who: Attribution, mentions: Iterable[Mention]) -> Iterator[Triple]:
    src = doc.source
    report = URIRef(iri.report(src.sha256))
    division = URIRef(who.division.iri)
    ctx = Context(doc, who, report, division)

    yield report, RDF.type, FZ.Report
    yield report, RDFS.label, zh(doc.title or src.name)
    yield report, FZ.sourceFile, plain(src.name)
    yield report, FZ.sha256, plain(src.sha256)
    yield report, FZ.encoding, plain(src.encoding)
    yield report, FZ.division, division
    if doc.title:
        yield report, FZ.title, zh(doc.title)
    if doc.year is not None:
        yield report, FZ.year, integer(doc.year)
    for key, value in src.metadata:
        yield report, FZ[key], plain(value)

    yield from _place(who.division)
    if who.mention:
        yield from _statement(doc, report, division, FZ.division, report, who.mention, "link", reverse=True)
    for link in who.parents:
        yield from _parent(doc, report, link)
    for candidate in who.candidates:
        yield from _place(candidate)
        yield division, FZ.candidateParent, URIRef(candidate.iri)

    section_iris = {}
    for s in doc.sections:
        node = URIRef(iri.section(src.sha256, s.index))
        section_iris[s.index] = node
        start, end = doc.source_span(s.start, s.end)
        yield report, FZ.hasSection, node
        yield node, RDF.type, FZ.Section
        yield node, RDFS.label, zh(s.heading or ("前言" if s.level == 0 else s.number))
        yield node, FZ.sectionLevel, integer(s.level)
        if s.number:
            yield node, FZ.sectionNumber, plain(s.number)
        if s.heading:
            yield node, FZ.sectionHeading, zh(s.heading)
        if s.type in SECTION_TYPES:
            yield node, FZ.sectionType, FZ[s.type]
        if s.parent is not None:
            yield node, FZ.partOf, URIRef(iri.section(src.sha256, s.parent))
        yield node, FZ.charStart, integer(start)
        yield node, FZ.charEnd, integer(end)

    emitted_concepts: set[str] = set()
    for m in mentions:
        if m.concept is not None and m.concept.discovered and m.concept.iri not in emitted_concepts:
            emitted_concepts.add(m.concept.iri)
            yield from concept_triples(m.concept)
        fn = EMITTERS.get(m.kind)
        if fn is not None:
            yield from fn(ctx, m)


@emitter("mechanism")
@emitter("campaign")
def _fact(ctx: Context, m: Mention) -> Iterator[Triple]:
    if m.concept is None:
        return
    pred = predicate_for(m.kind, ctx.doc.section_type_at(m.start))
    if pred is None:
        return
    obj = URIRef(m.concept.iri)
    yield ctx.division, pred, obj
    yield from ctx.evidence(ctx.division, pred, obj, Span(m.start, m.end), m.extractor)


def _place(p: Place) -> Iterator[Triple]:
    node = URIRef(p.iri)
    yield node, RDF.type, FZ[p.rdf_class]
    yield node, RDFS.label, zh(p.name)
    if p.code:
        yield node, FZ.divisionCode, plain(p.code)
    if p.kind:
        yield node, FZ.divisionKind, plain(p.kind)


def _parent(doc: Document, report: URIRef, link: ParentLink) -> Iterator[Triple]:
    child, parent = URIRef(link.child.iri), URIRef(link.parent.iri)
    yield from _place(link.child)
    yield from _place(link.parent)
    yield child, FZ.parentDivision, parent
    if link.evidence is not None:
        yield from _statement(doc, report, child, FZ.parentDivision, parent, link.evidence, "link",
                              also_from=GAZETTEER_SOURCE if link.by_gazetteer else None)
    else:
        # The gazetteer alone states it: evidence is the official record, not a sentence.
        node = URIRef(iri.statement("gazetteer", link.child.iri, link.parent.iri))
        yield node, RDF.type, RDF.Statement
        yield node, RDF.subject, child
        yield node, RDF.predicate, FZ.parentDivision
        yield node, RDF.object, parent
        yield node, PROV.wasDerivedFrom, URIRef(GAZETTEER_SOURCE)
        yield node, FZ.quote, zh(f"{link.child.code} {link.child.name} → {link.parent.code} {link.parent.name}")


def _statement(doc, report, subject, predicate, obj, span: Span, extractor: str,
               also_from: str | None = None, reverse: bool = False) -> Iterator[Triple]:
    start, end = doc.source_span(span.start, span.end)
    node = URIRef(iri.statement(report, subject, predicate, obj, start, end))
    yield node, RDF.type, RDF.Statement
    if reverse:  # the report names its division: report fz:division division
        yield node, RDF.subject, report
        yield node, RDF.object, subject
    else:
        yield node, RDF.subject, subject
        yield node, RDF.object, obj
    yield node, RDF.predicate, predicate
    yield node, PROV.wasDerivedFrom, report
    if also_from:
        yield node, PROV.wasDerivedFrom, URIRef(also_from)
    yield node, FZ.quote, plain(_quote(doc, span))
    yield node, FZ.charStart, integer(start)
    yield node, FZ.charEnd, integer(end)
    yield node, FZ.extractor, plain(extractor)


def _quote(doc: Document, span: Span) -> str:
    """The sentence holding the span, as written in the source."""
    sentence = doc.sentence_at(span.start)
    if sentence is not None and sentence.end >= span.end:
        return doc.source_slice(sentence.start, sentence.end).strip()
    text = doc.text
    left = max(text.rfind("\n", 0, span.start), text.rfind("。", 0, span.start)) + 1
    right = min([p for p in (text.find("\n", span.end), text.find("。", span.end)) if p >= 0] or [len(text)])
    return doc.source_slice(left, min(right + 1, len(text))).strip()


def concept_triples(c: Concept) -> Iterator[Triple]:
    node = URIRef(c.iri)
    yield node, RDF.type, SCHEME_CLASS.get(c.scheme, SKOS.Concept)
    yield node, RDF.type, SKOS.Concept
    yield node, SKOS.prefLabel, zh(c.pref_label)
    yield node, RDFS.label, zh(c.pref_label)
    for alt in c.alt_labels:
        yield node, SKOS.altLabel, zh(alt)
    if c.scheme in SCHEME_IRI:
        yield node, SKOS.inScheme, SCHEME_IRI[c.scheme]
    if c.discovered:
        yield node, FZ.discovered, TRUE


@emitter("measurement")
def _measurement(ctx: Context, m: Mention) -> Iterator[Triple]:
    doc, report, division = ctx.doc, ctx.report, ctx.division
    q = m.quantity
    start, end = doc.source_span(m.start, m.end)
    node = URIRef(iri.measurement(doc.source.sha256, start, end))
    yield node, RDF.type, FZ.Measurement
    yield node, RDFS.label, zh(f"{q.indicator or ''} {m.surface}".strip())
    yield node, FZ.division, division
    if doc.year is not None:
        yield node, FZ.year, integer(doc.year)
    yield node, FZ.value, decimal(q.value)
    if q.value_max is not None:
        yield node, FZ.valueMax, decimal(q.value_max)
    yield node, FZ.unit, plain(q.unit)
    yield node, FZ.approximate, TRUE if q.approximate else FALSE
    if m.concept is not None:
        yield node, FZ.indicator, URIRef(m.concept.iri)
    yield node, PROV.wasDerivedFrom, report
    yield node, FZ.quote, plain(_quote(doc, Span(m.start, m.end)))
    yield node, FZ.charStart, integer(start)
    yield node, FZ.charEnd, integer(end)
    yield node, FZ.extractor, plain(m.extractor)
    section_type = doc.section_type_at(m.start)
    if section_type in SECTION_TYPES:
        yield node, FZ.inSectionType, FZ[section_type]
