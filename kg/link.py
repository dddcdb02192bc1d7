"""Whose report is it?  Link a document to the national gazetteer.

The reporting division comes from the title, the issuing body or the opening
lines (加勤乡…, 酉阳土家族苗族自治县双泉乡人民政府, 安多县色务乡2024年度…).
Its county comes from the text and is checked against the gazetteer: only a
county that really contains a township of that name counts.  When the text
names no county, every gazetteer county with such a township is a candidate;
clues in the text (a prefecture, a province, one of the township's villages)
narrow the candidates where they can.  A township name that exists once in
the whole country determines its county by itself.

A report issued by a county (…区2023年度法治政府建设情况报告) or by a county
department (…县司法局…) is attributed to that county.
"""
from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass
from typing import Optional

from kg import iri
from kg.gazetteer import Division, Gazetteer
from kg.model import Document

LEVEL_CLASS = {
    "province": "Province",
    "prefecture": "Prefecture",
    "county": "County",
    "township": "Township",
}

# A township-level name the gazetteer may not know (renamed, new), recognised by
# its suffix and what follows it in a title or an issuing-body line.
# "…在XX县委" after the name: the opening line's subject (胜利街道在道外区委、区政府的领导下).
_TOWNSHIP_SHAPE = re.compile(
    r"([\u4e00-\u9fff]{1,8}?(?:民族乡|乡|镇|街道办事处|街道|苏木))"
    r"(?=人民政府|党委|政府|办事处|关于|20\d\d|法治|在[^,，。\n]{0,12}?(?:县|区|市|旗)委)"
)
# The subject of the opening sentence: "2020年以来，发展乡始终坚持…" (a name the blind search
# leaves alone because it is also a word).
_OPENING_SUBJECT = re.compile(
    r"(?:^|\n)\s*(?:20\d\d年度?(?:以来)?|今年以来|近年来)[,，]\s*"
    r"([\u4e00-\u9fff]{1,8}?(?:民族乡|乡|镇|街道办事处|街道|苏木))"
)
_COUNTY_SHAPE = re.compile(
    r"([\u4e00-\u9fff]{1,10}?(?:自治县|自治旗|县|区|旗|市))(?=人民政府|委员会|党委|政府|关于|20\d\d|法治|司法局|[\u4e00-\u9fff]{1,8}局)"
)
# What a shape may swallow in front of a name: the Party's name (中共索县委员会), a preposition
# (关于新兴镇…, 根据泗县依法治县委员会…), the end of a
# date (2024年成县司法局).  And stems that are not names: 全街道, 本镇, 各乡镇.
_SHAPE_PREFIX = re.compile(r"^(?:中国共产党|中共|年度|年|关于|根据|按照|依据)")
_NOT_A_STEM = frozenset("全本我该此每各乡镇")
GAZETTEER_SOURCE = "https://w3id.org/fazhi-kg/id/source/gazetteer"


@dataclass(frozen=True)
class Place:
    """A division as the graph records it."""

    iri: str
    name: str
    level: str                  # province | prefecture | county | township
    code: Optional[str] = None
    kind: str = ""

    @property
    def rdf_class(self) -> str:
        return LEVEL_CLASS[self.level]


@dataclass(frozen=True)
class Span:
    start: int                  # normalized offsets
    end: int


@dataclass(frozen=True)
class ParentLink:
    child: Place
    parent: Place
    evidence: Optional[Span]    # where the report names the parent (or the child), if it does
    by_gazetteer: bool          # the link rests on the gazetteer (the report alone does not state it)


@dataclass(frozen=True)
class Attribution:
    division: Place
    mention: Optional[Span]             # where the report names its division
    parents: tuple[ParentLink, ...]     # division -> county -> prefecture -> province, as far as known
    candidates: tuple[Place, ...] = ()  # candidate parents when the county is unknown
    clue: Optional[Span] = None         # what narrowed the candidates


class AttributionError(ValueError):
    """The report names no division that can be recognised."""


def place(d: Division) -> Place:
    return Place(iri.division(d.code), d.name, d.level, d.code, d.kind)


def attribute(doc: Document, gaz: Gazetteer) -> Attribution:
    """Whose report ``doc`` is.  Layout spaces between Chinese characters (加 勤 乡 from a
    PDF's letter-spaced or justified line) do not split a name; spans point into ``doc.text``.
    """
    text, offsets = compact(doc.text)
    head_end = _head_end(doc)
    if offsets is None:
        return _attribute(text, head_end, gaz)
    return _map_spans(_attribute(text, bisect.bisect_left(offsets, head_end), gaz), offsets)


# A run of spaces between two Chinese characters is layout, never a word break.
_LAYOUT_SPACE = re.compile(r"(?<=[\u3400-\u9fff])[ \u3000\u00a0]+(?=[\u3400-\u9fff])")


def compact(text: str) -> tuple[str, Optional[list[int]]]:
    """``text`` without layout spaces between Chinese characters, and the offset in ``text``
    of every character kept (plus the end); ``None`` when nothing was removed.

    >>> compact("加 勤 乡人民政府 2024年")
    ('加勤乡人民政府 2024年', [0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
    >>> compact("加勤乡")
    ('加勤乡', None)
    """
    if _LAYOUT_SPACE.search(text) is None:
        return text, None
    pieces, offsets, pos = [], [], 0
    for m in _LAYOUT_SPACE.finditer(text):
        pieces.append(text[pos:m.start()])
        offsets.extend(range(pos, m.start()))
        pos = m.end()
    pieces.append(text[pos:])
    offsets.extend(range(pos, len(text) + 1))
    return "".join(pieces), offsets


def _map_spans(a: Attribution, offsets: list[int]) -> Attribution:
    """An attribution made on the compact text, with its spans in the original text."""
    def span(s: Optional[Span]) -> Optional[Span]:
        return None if s is None else Span(offsets[s.start], offsets[s.end - 1] + 1 if s.end > s.start else offsets[s.start])
    parents = tuple(dataclasses.replace(p, evidence=span(p.evidence)) for p in a.parents)
    return dataclasses.replace(a, mention=span(a.mention), parents=parents, clue=span(a.clue))


def _attribute(text: str, head_end: int, gaz: Gazetteer) -> Attribution:
    head_hits = gaz.find(text[:head_end], levels=("county", "township"))
    towns = [h for h in head_hits if any(d.level == "township" for d in h.divisions)]
    title_end = _title_end(text)

    town_hit = _pick(towns, title_end)
    if town_hit is None:
        shaped = _shaped(_TOWNSHIP_SHAPE, text[:head_end]) or _shaped(_OPENING_SUBJECT, text[:head_end])
        if shaped is None:
            return _county_report(text, gaz, head_hits, head_end, title_end)
        name, mention = shaped
        townships = [d for d in gaz.named(name, "township") if d.code]
        if not townships:   # a name the gazetteer does not know (renamed, new)
            return _unknown_township(text, gaz, name, mention)
    else:
        townships = [d for d in town_hit.divisions if d.level == "township"]
        mention = Span(town_hit.start, town_hit.end)
    all_hits = gaz.find(text, levels=("province", "prefecture", "county"))

    # 1. the text names the county of one of the candidates (searched for by its own names,
    #    so that short names such as 索县 are found where a blind search must ignore them)
    named = _parent_named(townships, text, head_end, gaz)
    if named is not None:
        town, span = named
        return _resolved(town, gaz, mention, span, by_gazetteer=False)

    # 2. a name the whole country has once
    if len(townships) == 1:
        return _resolved(townships[0], gaz, mention, mention, by_gazetteer=True)

    # 3. clues: a prefecture or province named, or a village of the township
    narrowed, clue = _narrow(townships, all_hits, text, gaz)
    if len(narrowed) == 1:
        return _resolved(narrowed[0], gaz, mention, clue, by_gazetteer=True)
    pool = narrowed or townships
    surface = text[mention.start:mention.end]
    name = surface if surface in {t.name for t in townships} else townships[0].name
    parents = sorted({t.parent for t in pool if t.parent}, key=str)
    candidates = tuple(place(gaz.get(code)) for code in parents if gaz.get(code))
    division = Place(iri.unresolved_division(name), name, "township", None, townships[0].kind)
    return Attribution(division, mention, (), candidates, clue if narrowed else None)


def _parent_named(townships, text: str, head_end: int, gaz: Gazetteer):
    """(township, span of its parent's name) for the parent named first, preferring the opening lines."""
    best = None
    for town in townships:
        if not town.parent:
            continue
        for name in gaz.names_of(town.parent):
            pos = text.find(name)
            if pos < 0:
                continue
            rank = (pos >= head_end, pos, -len(name))
            if best is None or rank < best[0]:
                best = (rank, town, Span(pos, pos + len(name)))
    return None if best is None else (best[1], best[2])


def _resolved(town: Division, gaz: Gazetteer, mention: Span, evidence: Span, by_gazetteer: bool) -> Attribution:
    chain = gaz.chain(town.code)
    links = []
    for i, (child, parent) in enumerate(zip(chain, chain[1:])):
        first = i == 0
        links.append(ParentLink(place(child), place(parent), evidence if first else None, by_gazetteer or not first))
    return Attribution(place(town), mention, tuple(links))


def _narrow(townships, hits, text, gaz):
    """Keep the townships that a named prefecture/province or a named village points to."""
    for level in ("prefecture", "province"):
        for hit in hits:
            codes = {d.code for d in hit.divisions if d.level == level}
            if not codes:
                continue
            kept = [t for t in townships if codes & {a.code for a in gaz.chain(t.code)}]
            if kept and len(kept) < len(townships):
                return kept, Span(hit.start, hit.end)
    with_village = []
    clue = None
    for t in townships:
        for village in gaz.villages(t.code):
            if len(village) >= 3:
                pos = text.find(village)
                if pos >= 0:
                    with_village.append(t)
                    clue = clue or Span(pos, pos + len(village))
                    break
    if with_village and len(with_village) < len(townships):
        return with_village, clue
    return [], None


def _unknown_township(text: str, gaz: Gazetteer, name: str, mention: Span) -> Attribution:
    # 索县新发明镇: the shape swallowed the county's name in front of the township's
    for hit in gaz.find(name, levels=("province", "prefecture", "county")):
        if hit.start == 0 and hit.end < len(name) - 1:
            return _unknown_township(text, gaz, name[hit.end:], Span(mention.start + hit.end, mention.end))
    division = Place(iri.unresolved_division(name), name, "township", None, _suffix(name))
    head = text[: mention.start]
    for hit in reversed(gaz.find(head, levels=("county",))):
        counties = [d for d in hit.divisions if d.level == "county"]
        if len(counties) == 1:
            county = counties[0]
            chain = gaz.chain(county.code)
            links = [ParentLink(division, place(county), Span(hit.start, hit.end), False)]
            links += [ParentLink(place(c), place(p), None, True) for c, p in zip(chain, chain[1:])]
            return Attribution(division, mention, tuple(links))
    return Attribution(division, mention, ())


def _county_report(text, gaz, head_hits, head_end, title_end) -> Attribution:
    counties = [h for h in head_hits if any(d.level == "county" for d in h.divisions)]
    hit = _pick(counties, title_end)
    if hit is None:
        shaped = _shaped(_COUNTY_SHAPE, text[:head_end])
        if shaped is None:
            raise AttributionError("no township, county or department named in the title or opening lines")
        name, mention = shaped
        # 成县司法局, 中共索县委员会: a short name the blind search leaves alone, named by its body
        options = [d for d in gaz.named(name, "county") if d.code]
        for i, ch in enumerate(name[:-1]):  # 泗县依法治县(委员会): the county is the name's first part
            first = [d for d in gaz.named(name[: i + 1], "county") if d.code] if ch in "县区旗市" and i else []
            if first and not options:
                options, name, mention = first, name[: i + 1], Span(mention.start, mention.start + i + 1)
        if not options:
            return Attribution(Place(iri.unresolved_division(name), name, "county", None, _suffix(name)), mention, ())
    else:
        options = [d for d in hit.divisions if d.level == "county"]
        mention = Span(hit.start, hit.end)
    if len(options) > 1:
        all_hits = gaz.find(text, levels=("province", "prefecture"))
        narrowed, clue = _narrow(options, all_hits, text, gaz)
        if len(narrowed) == 1:
            return _resolved(narrowed[0], gaz, mention, clue, by_gazetteer=True)
        name = options[0].name
        return Attribution(Place(iri.unresolved_division(name), name, "county", None, options[0].kind), mention, ())
    return _resolved(options[0], gaz, mention, mention, by_gazetteer=True)


def _shaped(shape: re.Pattern, head: str) -> Optional[tuple[str, Span]]:
    """The first name of a division's shape in ``head``, without what is not part of it."""
    for m in shape.finditer(head):
        name, start = m.group(1), m.start(1)
        prefix = _SHAPE_PREFIX.match(name)
        if prefix and len(name) - prefix.end() >= 2:
            name, start = name[prefix.end():], start + prefix.end()
        stem = name[: len(name) - len(_suffix(name))]
        if stem and not set(stem) <= _NOT_A_STEM:
            return name, Span(start, start + len(name))
    return None


def _pick(hits, title_end):
    """Prefer a name in the title lines, then one followed by the issuing-body words, then the first."""
    if not hits:
        return None
    in_title = [h for h in hits if h.end <= title_end]
    return (in_title or hits)[0]


def _head_end(doc: Document) -> int:
    """The preamble: title, issuing body and opening paragraph."""
    text = doc.text
    first_part = next((s.start for s in doc.sections if s.level >= 1), len(text))
    # the opening paragraph ends at the first newline after 120 characters
    nl = text.find("\n", min(120, len(text)))
    opening = nl if nl >= 0 else len(text)
    return max(1, min(first_part, max(opening, 60), 800))


def _title_end(text: str) -> int:
    """End of the title block: leading short lines (an issuing body, a title)."""
    pos = 0
    for line in text.split("\n")[:4]:
        stripped = line.strip()
        if stripped and (len(stripped) > 60 or "，" in stripped or "," in stripped):
            break
        pos += len(line) + 1
    return pos


def _suffix(name: str) -> str:
    for suffix in ("民族乡", "街道办事处", "街道", "苏木", "乡", "镇", "自治县", "自治旗", "县", "区", "旗", "市"):
        if name.endswith(suffix):
            return suffix
    return ""
