"""Shortcomings and planned actions: one item per point of the 存在的不足 and 下一步安排 parts.

A point is a leaf section ((一), 一是, 1.) under a part of type Shortcomings or NextYearPlan
(:mod:`kg.sections`); a typed part without points is one item made of its first paragraph.  The
item's text runs from its heading (the numbering left out) to the end of its paragraph — or of
the next paragraph when the heading stands on a line of its own — so a closing paragraph after
the last point is not part of it.

Topics come from the SKOS scheme ``ontology/topics.ttl``: every label and ``fz:topicCue`` of a
topic is a cue, matched leftmost-longest (行政执法队伍 is 执法能力, not 人才队伍).  The heading is
read clause by clause and the first clause with cues gives the topics (法治意识有待进一步提高 →
法治意识); clauses that open with a concession (虽然经过长时间的普法宣传) are skipped
(``kg/data/items.toml``).  A heading without cues passes to the first sentence of the body, then
to the most frequent topic of the whole text; a point with no cue at all has no topic.

Mention kinds ``"shortcoming"`` and ``"planned-action"``; ``concept`` is the first topic; ``attrs``
hold ``label``, ``section`` (the section index) and, per topic, ``topic`` (IRI) and ``cue``
(``start:end`` of the cue in the normalized text).

>>> from kg.model import SourceText
>>> from kg.normalize import normalize
>>> from kg.sections import structure
>>> t = "一、主要成效\\n加强学习。\\n二、存在的不足\\n(一)法治意识有待进一步提高。部分群众法治观念淡薄。\\n(二)行政执法能力有待加强。\\n三、下一步工作打算\\n一是加强组织领导,压实各方责任。二是创新普法方式。\\n"
>>> doc = structure(SourceText("r.txt", "r.txt", t, "utf-8", ""), normalize(t))
>>> [(m.kind, dict(m.attrs)["label"], m.concept.pref_label) for m in extract(doc)]  # doctest: +NORMALIZE_WHITESPACE
[('shortcoming', '法治意识有待进一步提高', '法治意识'), ('shortcoming', '行政执法能力有待加强', '执法能力'),
 ('planned-action', '加强组织领导,压实各方责任', '组织领导'), ('planned-action', '创新普法方式', '普法实效')]
"""
from __future__ import annotations

import functools
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from rdflib import Graph, URIRef

from kg import iri
from kg.emit import FZ, PROV, RDF, RDFS, SKOS, Context, Triple, emitter, zh
from kg.link import Span
from kg.model import Concept, Document, Mention, Section
from kg.vocab import LabelMatcher

NAME = "items"
ROOT = Path(__file__).resolve().parents[2]
RULES_FILE = ROOT / "kg" / "data" / "items.toml"
TOPICS_FILE = ROOT / "ontology" / "topics.ttl"
ITEM_CLASS = {"shortcoming": FZ.ShortcomingItem, "planned-action": FZ.PlannedAction}
ITEM_LINK = {"shortcoming": FZ.hasShortcoming, "planned-action": FZ.hasPlannedAction}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"[。!?;\n]")


@dataclass(frozen=True)
class Rules:
    kinds: dict[str, str]
    min_chars: int
    max_label: int
    concessive: tuple[str, ...]
    clause: re.Pattern


@functools.cache
def rules(path: str | None = None) -> Rules:
    data = tomllib.loads(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    i, t = data["item"], data["topic"]
    return Rules(dict(i["kinds"]), i["min_chars"], i["max_label"], tuple(t["concessive"]),
                 re.compile("[" + re.escape(t["clause_marks"]) + "]"))


@functools.cache
def topics(path: str | None = None) -> tuple[Concept, ...]:
    """The topics of topics.ttl; alt_labels hold every cue (altLabels and fz:topicCue)."""
    g = Graph().parse(path or TOPICS_FILE, format="turtle")
    out = []
    for node in sorted(set(g.subjects(RDF.type, FZ.Topic)), key=str):
        pref = [str(o) for o in g.objects(node, SKOS.prefLabel) if getattr(o, "language", None) == "zh"]
        if not pref:
            continue
        cues = {str(o) for o in g.objects(node, SKOS.altLabel) if getattr(o, "language", None) == "zh"}
        cues |= {str(o) for o in g.objects(node, FZ.topicCue)}
        out.append(Concept(str(node), "topic", pref[0], tuple(sorted(cues - {pref[0]}))))
    return tuple(out)


@functools.cache
def _matcher() -> LabelMatcher:
    return LabelMatcher(topics())


def cues(text: str, offset: int = 0) -> list[tuple[Concept, int, int]]:
    """(topic, start, end) of every cue in ``text``; offsets shifted by ``offset``.

    >>> [(c.pref_label, s, e) for c, s, e in cues("加强行政执法队伍建设")]
    [('执法能力', 2, 6)]
    """
    return [(h.concept, h.start + offset, h.end + offset) for h in _matcher().find(text)]


def topics_of(text: str, offset: int = 0) -> list[tuple[Concept, int, int]]:
    """The topics a heading states: the cues of its first clause that has any.

    >>> [c.pref_label for c, _, _ in topics_of("农村基层群众的法律意识较低,虽然经过长时间的普法宣传和学习,仍有")]
    ['法治意识']
    >>> [c.pref_label for c, _, _ in topics_of("由于普法宣传工作量大,普法人员少")]
    ['普法实效']
    """
    r = rules()
    pos = 0
    for clause in r.clause.split(text):
        start = pos
        pos += len(clause) + 1
        stripped = clause.lstrip()
        if stripped.startswith(r.concessive):
            continue
        found = _dedupe(cues(clause, offset + start))
        if found:
            return found
    return []


def _dedupe(found: list[tuple[Concept, int, int]]) -> list[tuple[Concept, int, int]]:
    seen, out = set(), []
    for c, s, e in found:
        if c.iri not in seen:
            seen.add(c.iri)
            out.append((c, s, e))
    return out


def _leaves(doc: Document) -> Iterator[Section]:
    has_children = {s.parent for s in doc.sections if s.parent is not None}
    for s in doc.sections:
        if s.level >= 1 and s.index not in has_children:
            yield s


def _line_end(text: str, pos: int, limit: int) -> int:
    nl = text.find("\n", pos, limit)
    return limit if nl < 0 else nl


def _next_paragraph(text: str, pos: int, limit: int) -> tuple[int, int]:
    """(start, end) of the first non-blank line at or after ``pos`` and before ``limit``."""
    while pos < limit:
        end = _line_end(text, pos, limit)
        if text[pos:end].strip():
            lead = len(text[pos:end]) - len(text[pos:end].lstrip())
            return pos + lead, end
        pos = end + 1
    return limit, limit


def item_span(doc: Document, s: Section) -> tuple[int, int, int]:
    """(start, heading end, end) of a point: from its heading (or, for a part without points, its
    first paragraph) to the end of that paragraph.  heading end == start when there is none."""
    text = doc.text
    h = text.find(s.heading, s.start, s.end) if s.heading else -1
    if h < 0:
        h = s.start
    h_end = h + len(s.heading) if s.heading else h
    if s.type is not None:          # a typed part without points: its first paragraph
        start, end = _next_paragraph(text, _line_end(text, h_end, s.end) + 1, s.end)
        return start, start, end
    line_end = _line_end(text, h_end, s.end)
    if text[h_end:line_end].strip(" \t。:;,"):
        return h, h_end, line_end
    _, end = _next_paragraph(text, line_end + 1, s.end)
    return h, h_end, max(end, h_end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;、"):
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _topics(text: str, start: int, h_end: int, end: int) -> list[tuple[Concept, int, int]]:
    found = topics_of(text[start:h_end], start) if h_end > start else []
    if not found:
        body = h_end
        while body < end and (text[body].isspace() or text[body] in "。:;,"):
            body += 1
        m = _SENTENCE_END.search(text, body, end)
        found = topics_of(text[body:m.start() if m else end], body)
    if not found:
        every = cues(text[start:end], start)
        counts = Counter(c.iri for c, _, _ in every)
        if counts:
            best = max(counts.values())
            found = [next(x for x in every if counts[x[0].iri] == best)]
    return found


def _label(text: str, limit: int) -> str:
    first = re.split(r"[。;\n]", text, maxsplit=1)[0].strip()
    return first if len(first) <= limit else first[:limit - 1] + "…"


def extract(doc: Document) -> Iterator[Mention]:
    r = rules()
    text = doc.text
    for s in _leaves(doc):
        kind = r.kinds.get(doc.section_type_at(s.start) or "")
        if kind is None:
            continue
        start, h_end, end = item_span(doc, s)
        start, end = _trim(text, start, end)
        if len(_CJK.findall(text[start:end])) < r.min_chars:
            continue
        found = _topics(text, start, min(h_end, end), end)
        label = _label(text[start:h_end] if h_end > start else text[start:end], r.max_label)
        attrs = [("label", label), ("section", str(s.index))]
        for concept, cs, ce in found:
            attrs += [("topic", concept.iri), ("cue", f"{cs}:{ce}")]
        yield Mention(kind, start, end, text[start:end], NAME, concept=found[0][0] if found else None,
                      attrs=tuple(attrs))


# --- emit -------------------------------------------------------------------------------------

def _item(ctx: Context, m: Mention) -> Iterator[Triple]:
    doc = ctx.doc
    start, end = doc.source_span(m.start, m.end)
    node = URIRef(f"{iri.ID}item/{doc.source.sha256[:16]}-{start}-{end}")
    attrs = dict(m.attrs)
    yield node, RDF.type, ITEM_CLASS[m.kind]
    yield node, RDFS.label, zh(attrs["label"])
    yield node, FZ.itemText, zh(m.surface)
    yield node, PROV.wasDerivedFrom, ctx.report
    yield node, FZ.inSection, URIRef(iri.section(doc.source.sha256, int(attrs["section"])))
    section_type = doc.section_type_at(m.start)
    if section_type:
        yield node, FZ.inSectionType, FZ[section_type]
    link = ITEM_LINK[m.kind]
    yield ctx.division, link, node
    yield from ctx.evidence(ctx.division, link, node, Span(m.start, m.end), m.extractor)
    topic_iris = [v for k, v in m.attrs if k == "topic"]
    cue_spans = [v for k, v in m.attrs if k == "cue"]
    for topic, cue in zip(topic_iris, cue_spans):
        cs, ce = map(int, cue.split(":"))
        yield node, FZ.topic, URIRef(topic)
        yield from ctx.evidence(node, FZ.topic, URIRef(topic), Span(cs, ce), m.extractor)


emitter("shortcoming")(_item)
emitter("planned-action")(_item)
