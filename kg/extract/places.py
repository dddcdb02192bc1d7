"""Villages and places a report names: 城墙村, 城墙村文化广场.

A village is found by its name: any name of the national gazetteer's village lists (ending in
村/社区/嘎查, at least three characters; ``kg/data/places.toml``) gives a mention of kind
``"village"``; when a facility word follows (文化广场, 活动室 …) the village and the facility
also make a mention of kind ``"place"``.

Whose village it is can only be known once the report is attributed, so the emitter links a
mention only when the village belongs to the reporting division in the gazetteer
(:meth:`kg.gazetteer.Gazetteer.villages` of the township, or of a county's townships when one of
them alone has that village); every other mention is left out of the graph.  (The same villages
are clues for the township's county in :mod:`kg.link`.)

Mention ``attrs``: ``candidate`` — every gazetteer village name ending where the mention ends,
longest first (新城墙村 may be 新城墙村 or 城墙村); for a place also ``village`` and ``facility``.

>>> [(m.kind, m.surface) for m in extract_text("在城墙村文化广场举办平安建设宣传活动,深入乡村开展普法。")]
[('village', '城墙村'), ('place', '城墙村文化广场')]
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from rdflib import URIRef

from kg import iri
from kg.emit import FZ, PROV, RDF, RDFS, Context, Triple, emitter, plain, zh
from kg.gazetteer import Gazetteer
from kg.link import GAZETTEER_SOURCE, Span
from kg.model import Document, Mention, NormalizedText, SourceText

NAME = "places"
RULES_FILE = Path(__file__).resolve().parents[2] / "kg" / "data" / "places.toml"
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Rules:
    suffixes: re.Pattern
    min_length: int
    max_length: int
    min_stem: int
    not_before: tuple[str, ...]
    not_names: frozenset[str]
    aliases: tuple[tuple[str, str], ...]
    facilities: tuple[str, ...]


@functools.cache
def rules(path: str | None = None) -> Rules:
    data = tomllib.loads(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    v, p = data["village"], data["place"]
    suffixes = re.compile("|".join(map(re.escape, sorted(v["suffixes"], key=len, reverse=True))))
    return Rules(suffixes, v["min_length"], v["max_length"], v["min_stem"], tuple(v["not_before"]),
                 frozenset(v.get("not_names", ())), tuple((a, b) for a, b in v.get("aliases", ())),
                 tuple(sorted(p["facilities"], key=len, reverse=True)))


def written_forms(name: str) -> tuple[str, ...]:
    """The gazetteer's village name and the shorter form reports write (吉布图嘎查村 → 吉布图嘎查).

    >>> written_forms("吉布图嘎查村"), written_forms("城墙村")
    (('吉布图嘎查村', '吉布图嘎查'), ('城墙村',))
    """
    forms = [name]
    for listed, written in rules().aliases:
        if name.endswith(listed):
            forms.append(name[: -len(listed)] + written)
    return tuple(forms)


@functools.cache
def village_names() -> frozenset[str]:
    """Every village name of the gazetteer (read once, on first use)."""
    gaz = Gazetteer.load()
    r = rules()
    listed = set()
    for d in gaz:
        if d.level in ("township", "county"):
            listed.update(gaz.villages(d.key))
    # Each distinct name once: 650,000 villages share far fewer names, and only those with an
    # aliased suffix (吉布图嘎查村) have a second written form.
    forms = set(listed)
    aliased = tuple(a for a, _ in r.aliases)
    if aliased:
        forms.update(f for v in listed if v.endswith(aliased) for f in written_forms(v))
    return frozenset(f for f in forms if r.min_length <= len(f) <= r.max_length)


def candidates(text: str) -> Iterator[tuple[int, int, tuple[str, ...]]]:
    """(start, end, names) for every village name ending at a suffix; names longest first."""
    r = rules()
    known = village_names()
    for m in r.suffixes.finditer(text):
        end = m.end()
        if text.startswith(r.not_before, end):
            continue
        names = []
        for length in range(r.max_length, max(r.min_length, len(m.group()) + r.min_stem) - 1, -1):
            start = end - length
            if start < 0:
                continue
            name = text[start:end]
            if name in known and name not in r.not_names and all(_CJK.match(ch) for ch in name):
                names.append(name)
        if names:
            yield end - len(names[0]), end, tuple(names)


def extract(doc: Document) -> Iterator[Mention]:
    text = doc.text
    r = rules()
    for start, end, names in candidates(text):
        attrs = tuple(("candidate", n) for n in names)
        yield Mention("village", start, end, text[start:end], NAME, attrs=attrs)
        facility = next((f for f in r.facilities if text.startswith(f, end)), None)
        if facility:
            yield Mention("place", start, end + len(facility), text[start:end + len(facility)], NAME,
                          attrs=attrs + (("facility", facility),))


def extract_text(text: str) -> list[Mention]:
    """Mentions of a bare text (no sections); for examples and quick checks."""
    doc = Document(SourceText("t.txt", "t.txt", text, "utf-8", ""), NormalizedText(text, tuple(range(len(text) + 1))),
                   (), ())
    return list(extract(doc))


# --- emit -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def villages_of(division_code: str, level: str) -> dict[str, tuple[str, str]]:
    """written name -> (gazetteer name, township code), for a township's villages or a county's
    townships' villages; a name two townships of the county share is left out (it cannot say which)."""
    gaz = Gazetteer.load()
    if level == "township":
        towns = [division_code]
    elif level == "county":
        towns = [t.key for t in gaz.children(division_code, "township")]
    else:
        return {}
    out: dict[str, tuple[str, str]] = {}
    shared = set()
    for town in towns:
        for v in gaz.villages(town):
            for form in written_forms(v):
                if form in out and out[form][1] != town:
                    shared.add(form)
                out[form] = (v, town)
    return {form: found for form, found in out.items() if form not in shared}


def village_of(ctx: Context, m: Mention) -> Optional[tuple[str, str, int]]:
    """(gazetteer name, township code, start) of the reporting division's village the mention names."""
    division = ctx.who.division
    if not division.code:
        return None
    known = villages_of(division.code, division.level)
    for written in (v for k, v in m.attrs if k == "candidate"):
        if written in known:
            name, town = known[written]
            village_end = m.end - len(dict(m.attrs).get("facility", ""))
            return name, town, village_end - len(written)
    return None


def village_iri(township_code: str, name: str) -> URIRef:
    return URIRef(f"{iri.division(township_code)}/village/{iri.slug(name)}")


@emitter("village")
def _village(ctx: Context, m: Mention) -> Iterator[Triple]:
    found = village_of(ctx, m)
    if found is None:
        return
    name, town_code, start = found
    span = Span(start, m.end)
    node = village_iri(town_code, name)
    yield from _village_node(ctx, node, name, town_code, span, m.extractor)
    yield ctx.report, FZ.mentionsPlace, node
    yield from ctx.evidence(ctx.report, FZ.mentionsPlace, node, span, m.extractor)


@emitter("place")
def _place(ctx: Context, m: Mention) -> Iterator[Triple]:
    found = village_of(ctx, m)
    if found is None:
        return
    name, town_code, start = found
    full = ctx.doc.text[start:m.end]          # as written: 吉布图嘎查文化广场
    node = URIRef(f"{iri.ID}place/{town_code}/{iri.slug(full)}")
    yield node, RDF.type, FZ.Place
    yield node, RDFS.label, zh(full)
    yield node, FZ.locatedIn, village_iri(town_code, name)
    span = Span(start, m.end)
    yield ctx.report, FZ.mentionsPlace, node
    yield from ctx.evidence(ctx.report, FZ.mentionsPlace, node, span, m.extractor)


def _village_node(ctx: Context, node: URIRef, name: str, town_code: str, span: Span, extractor: str) -> Iterator[Triple]:
    town = URIRef(iri.division(town_code))
    yield node, RDF.type, FZ.Village
    yield node, RDFS.label, zh(name)
    yield node, FZ.parentDivision, town
    if town_code != ctx.who.division.code:   # a county's report: its township, named by the gazetteer
        yield from _gazetteer_township(town_code, ctx.division)
    # The report names the village; the gazetteer says whose it is: evidence from both.
    for t in ctx.evidence(node, FZ.parentDivision, town, span, extractor):
        yield t
        if t[1] == RDF.type:
            yield t[0], PROV.wasDerivedFrom, URIRef(GAZETTEER_SOURCE)


def _gazetteer_township(town_code: str, county: URIRef) -> Iterator[Triple]:
    """A township of the reporting county, as the gazetteer records it (with its parent and the
    gazetteer as the evidence, the way :mod:`kg.emit` records a parent only the gazetteer states)."""
    gaz = Gazetteer.load()
    gaz_town = gaz.get(town_code)
    parent = gaz.get(gaz_town.parent or "") if gaz_town is not None else None
    if gaz_town is None or parent is None or URIRef(iri.division(parent.code)) != county:
        return
    town = URIRef(iri.division(town_code))
    yield town, RDF.type, FZ.Township
    yield town, RDFS.label, zh(gaz_town.name)
    yield town, FZ.divisionCode, plain(town_code)
    yield town, FZ.divisionKind, plain(gaz_town.kind)
    yield town, FZ.parentDivision, county
    node = URIRef(iri.statement("gazetteer", str(town), str(county)))
    yield node, RDF.type, RDF.Statement
    yield node, RDF.subject, town
    yield node, RDF.predicate, FZ.parentDivision
    yield node, RDF.object, county
    yield node, PROV.wasDerivedFrom, URIRef(GAZETTEER_SOURCE)
    # the same words as kg.emit, so that both write one quote on this node
    yield node, FZ.quote, zh(f"{town_code} {gaz_town.name} → {parent.code} {parent.name}")
