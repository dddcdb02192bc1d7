"""Score the pipeline against hand annotations: precision, recall and F1 per area.

A gold directory holds one annotation per report (``annotations/*.toml``, the
format is documented in ``tests/gold/README.md``); each names its text file.
:func:`evaluate` runs every text through the pipeline (:func:`kg.build.process`),
reads the facts back from the triples it emits, and compares them with the
annotation, area by area:

============== =========================================================================
area           one item is …
============== =========================================================================
township       the reporting township (official code when the gazetteer has one)
county         its county (a county-level report: the county itself), or the *set* of
               candidate counties when the report names none
prefecture     the prefecture above the county (none for a municipality's counties)
province       the province
year           the year reported on
sections       each of the four section types the report has
mechanisms     a mechanism implemented (fz:implements) or planned (fz:plans)
campaigns      a campaign participated in (fz:participatesIn) or planned (fz:plans)
measurements   a figure: (value, unit, approximate); 3.5万元 = 35000元
legal_documents a document cited in 《》, by normalized title
============== =========================================================================

Concepts match by any of their labels: a gold label that is a label of a
curated concept (``ontology/*.ttl``) matches that concept under any of its
labels; any other label (a discovered mechanism) matches by its normalized
form (:func:`label_key`).  A fact with the wrong predicate (planned where the
gold says implemented) is both a miss and a spurious item.

>>> label_key("“12·4”国家宪法日") == label_key("12.4国家宪法日")
True
>>> title_key("《民法典》") == title_key("中华人民共和国民法典")
True
>>> quantity_key(3.5, "万元", False)
('35000', '元', False)
"""
from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Iterable, Optional, Sequence

from rdflib import Graph, Namespace
from rdflib.namespace import RDF, RDFS, SKOS

from kg import iri

FZ = Namespace(iri.ONT)

AREAS = ("township", "county", "prefecture", "province", "year", "sections",
         "mechanisms", "campaigns", "measurements", "legal_documents")

# The classes a legal-document extractor may give the documents it finds; the
# scorer reads any of them (and reports zero recall while none is emitted).
LEGAL_DOCUMENT_CLASSES = frozenset({"LegalDocument", "LegalInstrument", "Document", "Law", "Regulation",
                                    "NormativeDocument", "Citation", "CitedDocument"})

# Gold relation names -> contract predicates.
RELATIONS = {"implemented": "implements", "planned": "plans", "participated": "participatesIn"}

# Generic heads a report writes after a work model's name (“一统六联”机制,
# “法治+乡村振兴”工作模式) and dates before an observance (9.16…宣传日, 六月…宣传周):
# the name is what remains, so a discovered label matches with or without them.
_HEADS = ("工作机制", "长效机制", "机制", "工作模式", "治理模式", "新模式", "模式", "工作法", "品牌",
          "工作方式", "制度")
_LEADING_DATE = re.compile(r"^(?:\d{1,2}[·.]\d{1,2}|[一二三四五六七八九十]{1,3}月份?|\d{1,2}月份?)")
_DASHES = re.compile(r"[—–－―-]+")
_TITLE_MARKS = re.compile(r"[《》〈〉<>“”‘’\"'「」『』\s]")
_MONEY = {"万元": Decimal(10000), "亿元": Decimal(100000000)}


# -- normalization ----------------------------------------------------------------------

def label_key(label: str) -> str:
    """A label as it is compared: normalized (t2s, NFKC, one dot), no quotes, ``.`` read as ``·``.

    >>> label_key("新时代“枫桥经验”")
    '新时代枫桥经验'
    """
    from kg.vocab import match_key

    return match_key(label).replace(".", "·").strip()


def loose_key(label: str) -> str:
    """:func:`label_key` without a leading date and a trailing generic head.

    >>> loose_key("“一统六联”机制"), loose_key("9.16平西藏宣传日")
    ('一统六联', '平西藏宣传日')
    """
    key = label_key(label)
    key = _LEADING_DATE.sub("", key) or key
    for head in _HEADS:
        if key.endswith(head) and len(key) > len(head) + 1:
            return key[: -len(head)]
    return key


def title_key(title: str) -> str:
    """A document title as it is compared: normalized, no 《》 or spaces, one dash,
    without the 中华人民共和国 that national laws are often cited without.

    >>> title_key("《南宫市法治政府建设实施方案（2021—2025年）》")
    '南宫市法治政府建设实施方案(2021-2025年)'
    """
    from kg.normalize import normalize

    text = _DASHES.sub("-", _TITLE_MARKS.sub("", normalize(title).text))
    return text.removeprefix("中华人民共和国")


def quantity_key(value, unit: str, approximate: bool) -> tuple[str, str, bool]:
    """(value, unit, approximate) in one canonical form: money in 元, ％ as %.

    >>> quantity_key("2000", "份", True)
    ('2000', '份', True)
    """
    from kg.normalize import normalize

    v = Decimal(str(value))
    unit = normalize(str(unit)).text.strip()
    if unit in _MONEY:
        v, unit = v * _MONEY[unit], "元"
    v = v.normalize()
    text = format(v, "f")
    return text, unit, bool(approximate)


def name_key(name: str) -> str:
    from kg.normalize import normalize

    return normalize(name).text.strip()


# -- items ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One fact, gold or system.  Two items match when area and relation agree and
    their ``keys`` (the acceptable spellings) intersect."""

    area: str
    relation: str
    keys: frozenset
    text: str                   # how a person reads it
    where: str = ""             # the sentence it was found in / is written in


@dataclass(frozen=True)
class Miss:
    area: str
    file: str
    kind: str                   # "missed" (in the gold, not found) | "spurious" (found, not in the gold)
    relation: str
    text: str
    where: str = ""


@dataclass(frozen=True)
class AreaScore:
    area: str
    gold: int
    system: int
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.system if self.system else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else (1.0 if not self.system else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Evaluation:
    scores: tuple[AreaScore, ...]
    misses: tuple[Miss, ...]
    errors: tuple[tuple[str, str], ...] = ()    # (file, reason) for texts the pipeline rejected
    files: int = 0

    def score(self, area: str) -> AreaScore:
        return next(s for s in self.scores if s.area == area)

    def as_dict(self) -> dict:
        return {
            "files": self.files,
            "areas": {s.area: {"gold": s.gold, "system": s.system, "matched": s.matched,
                               "precision": round(s.precision, 4), "recall": round(s.recall, 4),
                               "f1": round(s.f1, 4)} for s in self.scores},
            "misses": [m.__dict__ for m in self.misses],
            "errors": [{"file": f, "reason": r} for f, r in self.errors],
        }


class GoldError(ValueError):
    """An annotation file that cannot be read; the message names the file."""


# -- concepts --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _ConceptIndex:
    by_label: dict              # label_key -> iri of a curated concept
    keys: dict                  # iri -> frozenset of keys (all labels, strict and loose)
    scheme: dict                # iri -> "mechanism" | "campaign"
    pref: dict                  # iri -> prefLabel


@cache
def _curated() -> _ConceptIndex:
    from kg.vocab import load_concepts

    by_label, keys, scheme, pref = {}, {}, {}, {}
    for c in load_concepts():
        if c.scheme not in ("mechanism", "campaign"):
            continue
        labels = (c.pref_label, *c.alt_labels)
        keys[c.iri] = frozenset({f"iri:{c.iri}"} | {label_key(l) for l in labels} | {loose_key(l) for l in labels})
        scheme[c.iri] = c.scheme
        pref[c.iri] = c.pref_label
        for l in labels:
            by_label.setdefault(label_key(l), c.iri)
    return _ConceptIndex(by_label, keys, scheme, pref)


def gold_concept_keys(label: str) -> frozenset:
    """The keys a gold label accepts: a curated concept's every label, or the label itself.

    >>> "三调联动" in gold_concept_keys("人民调解、行政调解、司法调解联动")
    True
    """
    idx = _curated()
    curated = idx.by_label.get(label_key(label)) or idx.by_label.get(loose_key(label))
    if curated:
        return idx.keys[curated]
    return frozenset({label_key(label), loose_key(label)})


# -- gold --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Gold:
    annotation: Path
    text: Path
    items: tuple[Item, ...]


def load_gold(path: Path) -> Gold:
    """Read one annotation file into items."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise GoldError(f"{path}: cannot read the annotation: {exc}") from None
    try:
        return Gold(path, (path.parent / data["text"]).resolve(), tuple(_gold_items(data)))
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise GoldError(f"{path}: malformed annotation: {type(exc).__name__}: {exc}") from None


def _place_item(area: str, place: dict) -> Item:
    code = str(place.get("code") or "")
    keys = {f"code:{code}"} if code else {f"name:{name_key(place['name'])}"}
    return Item(area, "", frozenset(keys), place["name"] + (f" ({code})" if code else ""))


def _candidates_item(places: Sequence[dict]) -> Item:
    keys = sorted(str(p.get("code") or name_key(p["name"])) for p in places)
    return Item("county", "candidates", frozenset({"candidates:" + ",".join(keys)}),
                "candidates: " + "、".join(sorted(p["name"] for p in places)))


def _gold_items(data: dict) -> Iterable[Item]:
    division, parents = data["division"], data.get("parents", {})
    if division["level"] == "township":
        yield _place_item("township", division)
    elif division["level"] == "county":
        yield _place_item("county", division)
    else:
        raise ValueError(f"division level must be township or county, not {division['level']!r}")
    if "county" in parents:
        yield _place_item("county", parents["county"])
    if parents.get("candidate_counties"):
        yield _candidates_item(parents["candidate_counties"])
    for area in ("prefecture", "province"):
        if area in parents:
            yield _place_item(area, parents[area])
    if data.get("year") is not None:
        yield Item("year", "", frozenset({str(int(data["year"]))}), str(int(data["year"])))
    for section in data.get("sections", ()):
        yield Item("sections", "", frozenset({section}), section)
    for area, relations in (("mechanisms", ("implemented", "planned")), ("campaigns", ("participated", "planned"))):
        block = data.get(area, {})
        for relation in relations:
            for label in block.get(relation, ()):
                yield Item(area, RELATIONS[relation], gold_concept_keys(label), label)
    for m in data.get("measurements", ()):
        key = quantity_key(m["value"], m["unit"], m.get("approximate", False))
        yield Item("measurements", "", frozenset({key}), _quantity_text(key), m.get("text", ""))
    for d in data.get("legal_documents", ()):
        yield Item("legal_documents", "", frozenset({title_key(d["title"])}), d["title"], d.get("text", ""))


def _quantity_text(key: tuple[str, str, bool]) -> str:
    value, unit, approximate = key
    return f"{value} {unit}" + (" (approximate)" if approximate else "")


# -- system --------------------------------------------------------------------------------------

def system_items(triples: Iterable) -> list[Item]:
    """The facts of one report's triples, as items of every area."""
    g = Graph()
    for t in triples:
        g.add(t)
    report = next(g.subjects(RDF.type, FZ.Report), None)
    if report is None:
        return []
    items: list[Item] = []
    division = g.value(report, FZ.division)
    items += _place_items(g, division)
    year = g.value(report, FZ.year)
    if year is not None:
        items.append(Item("year", "", frozenset({str(int(year))}), str(int(year))))
    types = {str(t).rsplit("#", 1)[-1] for s in g.objects(report, FZ.hasSection) for t in g.objects(s, FZ.sectionType)}
    items += [Item("sections", "", frozenset({t}), t) for t in sorted(types)]
    items += _concept_items(g, division)
    items += _measurement_items(g)
    items += _legal_items(g)
    return items


_LEVEL_OF_CLASS = {"Township": "township", "County": "county", "Prefecture": "prefecture", "Province": "province"}


def _place(g: Graph, node) -> tuple[str, str, str]:
    """(level, label, code) of a division node; level is "" for a node of no division class."""
    classes = {str(t).rsplit("#", 1)[-1] for t in g.objects(node, RDF.type) if str(t).startswith(str(FZ))}
    level = next((lv for cls, lv in _LEVEL_OF_CLASS.items() if cls in classes), "")
    return level, str(g.value(node, RDFS.label) or ""), str(g.value(node, FZ.divisionCode) or "")


def _system_place_item(area: str, g: Graph, node) -> Item:
    _, name, code = _place(g, node)
    return _place_item(area, {"name": name, "code": code})


def _place_items(g: Graph, division) -> list[Item]:
    """The division and its parent chain, one item per level; candidates when the county is unknown."""
    if division is None:
        return []
    items, node, seen = [], division, set()
    while node is not None and node not in seen:
        seen.add(node)
        level = _place(g, node)[0]
        if level:
            items.append(_system_place_item(level, g, node))
        node = g.value(node, FZ.parentDivision)
    candidates = sorted(g.objects(division, FZ.candidateParent), key=str)
    if candidates and not any(i.area == "county" for i in items):
        places = [dict(zip(("level", "name", "code"), _place(g, c))) for c in candidates]
        items.append(_candidates_item(places))
    return items


def _quote_of(g: Graph, subject, predicate, obj) -> str:
    for st in g.subjects(RDF.object, obj):
        if (st, RDF.subject, subject) in g and (st, RDF.predicate, predicate) in g:
            return str(g.value(st, FZ.quote) or "")
    return ""


def _concept_items(g: Graph, division) -> list[Item]:
    idx = _curated()
    items = []
    for predicate in (FZ.implements, FZ.plans, FZ.participatesIn):
        for obj in sorted(set(g.objects(division, predicate)), key=str):
            key = str(obj)
            if key in idx.keys:
                keys, scheme, label = idx.keys[key], idx.scheme[key], idx.pref[key]
            else:
                labels = [str(l) for p in (SKOS.prefLabel, SKOS.altLabel, RDFS.label) for l in g.objects(obj, p)]
                keys = frozenset({label_key(l) for l in labels} | {loose_key(l) for l in labels})
                scheme = "campaign" if (obj, RDF.type, FZ.Campaign) in g else "mechanism"
                label = str(g.value(obj, SKOS.prefLabel) or key.rsplit("/", 1)[-1])
                label += " (discovered)"
            area = "campaigns" if scheme == "campaign" else "mechanisms"
            relation = str(predicate).rsplit("#", 1)[-1]
            items.append(Item(area, relation, keys, label, _quote_of(g, division, predicate, obj)))
    return items


def _measurement_items(g: Graph) -> list[Item]:
    items = []
    for m in sorted(set(g.subjects(RDF.type, FZ.Measurement)), key=str):
        value, unit = g.value(m, FZ.value), g.value(m, FZ.unit)
        if value is None or unit is None:
            continue
        approximate = g.value(m, FZ.approximate)
        key = quantity_key(str(value), str(unit), bool(approximate and approximate.toPython()))
        items.append(Item("measurements", "", frozenset({key}), _quantity_text(key), str(g.value(m, FZ.quote) or "")))
    return items


def _legal_items(g: Graph) -> list[Item]:
    items = []
    nodes = {s for s, t in g.subject_objects(RDF.type)
             if str(t).startswith(str(FZ)) and str(t).rsplit("#", 1)[-1] in LEGAL_DOCUMENT_CLASSES}
    for node in sorted(nodes, key=str):
        title = g.value(node, FZ.title) or g.value(node, SKOS.prefLabel) or g.value(node, RDFS.label)
        if title is not None:
            quote = g.value(node, FZ.quote) or next(
                (g.value(st, FZ.quote) for st in g.subjects(RDF.object, node) if g.value(st, FZ.quote)), "")
            items.append(Item("legal_documents", "", frozenset({title_key(str(title))}), str(title), str(quote)))
    return items


# -- comparison -------------------------------------------------------------------------------------

def compare(file: str, gold: Sequence[Item], system: Sequence[Item]) -> tuple[dict, list[Miss]]:
    """Match gold and system items one to one; ``({area: (gold, system, matched)}, misses)``.

    >>> a = Item("year", "", frozenset({"2024"}), "2024")
    >>> compare("x.txt", [a], [a])[0]["year"]
    (1, 1, 1)
    """
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses: list[Miss] = []
    unmatched = list(system)
    for item in system:
        counts[item.area][1] += 1
    for item in gold:
        counts[item.area][0] += 1
        hit = next((s for s in unmatched if s.area == item.area and s.relation == item.relation
                    and s.keys & item.keys), None)
        if hit is None:
            misses.append(Miss(item.area, file, "missed", item.relation, item.text, item.where))
        else:
            unmatched.remove(hit)
            counts[item.area][2] += 1
    misses += [Miss(s.area, file, "spurious", s.relation, s.text, s.where) for s in unmatched]
    return {a: tuple(c) for a, c in counts.items()}, misses


def annotation_files(gold_dir: Path) -> list[Path]:
    """The annotations of a gold directory: ``annotations/*.toml`` (or ``*.toml`` beside the texts)."""
    gold_dir = Path(gold_dir)
    found = sorted((gold_dir / "annotations").glob("*.toml"))
    return found or sorted(p for p in gold_dir.glob("*.toml") if p.name != "bounds.toml")


def evaluate(gold_dir: str | Path, areas: Optional[Sequence[str]] = None,
             on_progress=None) -> Evaluation:
    """Run the pipeline on every annotated text of ``gold_dir`` and score it."""
    from kg.build import process
    from kg.gazetteer import Gazetteer

    unknown = [a for a in areas or () if a not in AREAS]
    if unknown:
        raise ValueError(f"unknown area {unknown[0]!r}; choose from {', '.join(AREAS)}")
    wanted = tuple(a for a in AREAS if not areas or a in areas)
    files = annotation_files(Path(gold_dir))
    if not files:
        raise GoldError(f"{gold_dir}: no annotation files (expected annotations/*.toml)")
    gazetteer = Gazetteer.load()
    totals: dict[str, list[int]] = {a: [0, 0, 0] for a in wanted}
    misses: list[Miss] = []
    errors: list[tuple[str, str]] = []
    for i, path in enumerate(files):
        gold = load_gold(path)
        name = gold.text.name
        if on_progress:
            on_progress(i, len(files), name)
        try:
            system = system_items(process(gold.text, gazetteer).triples)
        except Exception as exc:  # a rejected text scores zero; the run goes on
            errors.append((name, getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"))
            system = []
        counts, file_misses = compare(name, [g for g in gold.items if g.area in wanted],
                                      [s for s in system if s.area in wanted])
        for area, (n_gold, n_system, n_matched) in counts.items():
            t = totals[area]
            t[0], t[1], t[2] = t[0] + n_gold, t[1] + n_system, t[2] + n_matched
        misses += file_misses
    scores = tuple(AreaScore(a, *totals[a]) for a in wanted)
    return Evaluation(scores, tuple(misses), tuple(errors), len(files))


def read_bounds(path: str | Path) -> dict[str, float]:
    """The F1 bound per area from a bounds file (``[f1]`` table of ``area = number``)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return {area: float(v) for area, v in data.get("f1", {}).items()}
