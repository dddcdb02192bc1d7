"""Everything the graph says about one township, county, mechanism or campaign, with its evidence.

``kg explain 永和镇`` resolves the name (simplified or traditional, quotation
marks ignored; also an IRI, a 12-digit division code or 县名+乡名) to one entity
of the graph, or lists the candidates when several match.  :func:`explain` then
collects

* its attributes (labels, code, parent chain, definition, dates, broader and
  narrower concepts, parts …);
* every fact about it that evidence backs (``fz:implements``, ``fz:plans``,
  ``fz:participatesIn``, ``fz:parentDivision`` and any other fact written as an
  ``rdf:Statement``), each with its sentences, the source file, the character
  offsets and the section the mention stands in; an inferred fact shows the
  facts it follows from;
* for a division: its reports, the figures they state, and the passages its
  reports share with others (text reuse).

:func:`render` turns that into a rich tree.  The graph is read through
:func:`open_graph`, the one place that knows where ``kg build --out DIR`` put it.

>>> key("“一村一律師”")
'一村一律师'
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import pyoxigraph as ox

from kg import iri
from kg.vocab import match_key

PREFIXES = """PREFIX fz: <https://w3id.org/fazhi-kg/ont#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
FZ = iri.ONT
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DIVISION_CLASSES = ("Province", "Prefecture", "County", "Township", "Village", "AdministrativeDivision")
# Predicates whose values the header shows already, or that only repeat the structure of the graph.
_SKIP = {RDF_TYPE, RDFS_LABEL, SKOS + "prefLabel", f"{FZ}hasSection"}


class GraphMissing(FileNotFoundError):
    """No graph in the folder given: the message names the file and what to run."""


def open_graph(out_dir: str | Path) -> ox.Store:
    """The graph ``kg build --out DIR`` wrote, as a queryable store (the one place that knows where it lives)."""
    path = Path(out_dir) / "graph.ttl"
    if not path.is_file():
        raise GraphMissing(f"{path}: no graph here; run `kg build --out {out_dir}` first")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    except (SyntaxError, ValueError, OSError) as exc:
        raise GraphMissing(f"{path}: cannot be read as Turtle: {exc}") from None
    return store


def select(store: ox.Store, query: str) -> list[dict[str, object]]:
    """Rows of a SELECT query as plain dicts: IRIs and literals become their string value, unbound is None."""
    result = store.query(PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [{n: (None if row[n] is None else row[n].value) for n in names} for row in result]


def key(term: str) -> str:
    """The form names are compared in: simplified, NFKC, no quotation marks, lower case."""
    return match_key(term.strip())


# --------------------------------------------------------------------------- resolving a name

@dataclass(frozen=True)
class Entity:
    iri: str
    label: str
    kind: str                   # local name of its class: Township, County, Mechanism, Campaign …
    note: str = ""              # what tells candidates apart: code and parent chain, or scheme


def _kinds(store: ox.Store) -> dict[str, str]:
    """Entity IRI → class local name, for divisions and every kind of concept."""
    # The ontology in the graph names the kinds of concept (rdfs:subClassOf skos:Concept); the contract's own
    # classes are listed too, for a graph loaded without it.
    rows = select(store, """SELECT ?e ?t WHERE {
        { ?e a ?t . VALUES ?t { %s fz:Mechanism fz:Campaign fz:Indicator skos:Concept } }
        UNION { ?t rdfs:subClassOf+ skos:Concept . ?e a ?t } }""" % " ".join(f"fz:{c}" for c in DIVISION_CLASSES))
    out: dict[str, str] = {}
    for r in rows:
        kind = str(r["t"]).rsplit("#", 1)[-1]
        if out.get(r["e"]) in (None, "AdministrativeDivision", "Concept"):
            out[r["e"]] = kind
    return out


def resolve(store: ox.Store, term: str) -> list[Entity]:
    """The entities ``term`` names: exactly one, several (ambiguous) or none.

    Tried in turn: an IRI, a division code, an exact label (any of rdfs:label,
    skos:prefLabel, skos:altLabel, skos:hiddenLabel, fz:partCue), a division name
    qualified by an ancestor (索县加勤乡), and finally labels containing the term.
    """
    kinds = _kinds(store)
    term = term.strip()
    if term in kinds:
        return [_entity(store, term, kinds)]
    if term.isdigit() and len(term) == 12:
        rows = select(store, f'SELECT ?e WHERE {{ ?e fz:divisionCode "{term}" }}')
        return [_entity(store, r["e"], kinds) for r in rows if r["e"] in kinds]
    wanted = key(term)
    labels = _labels_of(store, kinds)
    exact = sorted({e for e, ls in labels.items() if wanted in ls})
    if exact:
        return [_entity(store, e, kinds) for e in exact]
    qualified = sorted(e for e in _qualified(store, wanted, labels, kinds))
    if qualified:
        return [_entity(store, e, kinds) for e in qualified]
    partial = sorted({e for e, ls in labels.items() if any(wanted in l for l in ls)}) if len(wanted) >= 2 else []
    return [_entity(store, e, kinds) for e in partial]


def _labels_of(store: ox.Store, kinds: dict[str, str]) -> dict[str, set[str]]:
    rows = select(store, """SELECT ?e ?l WHERE {
        ?e rdfs:label|skos:prefLabel|skos:altLabel|skos:hiddenLabel|fz:partCue ?l }""")
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["e"] in kinds and r["l"]:
            out[r["e"]].add(key(str(r["l"])))
    return out


def _qualified(store: ox.Store, wanted: str, labels: dict[str, set[str]], kinds: dict[str, str]) -> Iterable[str]:
    """Divisions whose label ends ``wanted`` and whose ancestors' names make up the rest (索县加勤乡)."""
    from kg.gazetteer import split_suffix

    for e, ls in labels.items():
        if kinds[e] not in DIVISION_CLASSES:
            continue
        for label in ls:
            if len(wanted) > len(label) and wanted.endswith(label):
                prefix = wanted[: -len(label)]
                names = set()
                for a in _ancestors(store, e):
                    for name in labels.get(a, ()):
                        names |= {name, split_suffix(name, "county")[0], split_suffix(name, "prefecture")[0]}
                if prefix in names or any(prefix == x + y for x in names for y in names):
                    yield e
                    break


def _ancestors(store: ox.Store, e: str) -> list[str]:
    return [r["a"] for r in select(store, f"SELECT ?a WHERE {{ <{e}> (fz:parentDivision|fz:candidateParent)+ ?a }}")]


def _entity(store: ox.Store, e: str, kinds: dict[str, str]) -> Entity:
    kind = kinds.get(e, "")
    label = _label(store, e)
    if kind in DIVISION_CLASSES:
        code = next((r["c"] for r in select(store, f"SELECT ?c WHERE {{ <{e}> fz:divisionCode ?c }}")), None)
        chain = [label_ for _, label_ in _chain(store, e)]
        note = " ".join(filter(None, [code, " › ".join(reversed(chain))]))
        if not chain:
            candidates = [_label(store, r["c"]) for r in select(store, f"SELECT ?c WHERE {{ <{e}> fz:candidateParent ?c }}")]
            note = " ".join(filter(None, [code, "候选上级: " + "、".join(sorted(candidates)) if candidates else ""]))
    else:
        scheme = next((r["s"] for r in select(store, f"SELECT ?s WHERE {{ <{e}> skos:inScheme ?s }}")), None)
        discovered = any(str(r["d"]).lower() == "true" for r in select(store, f"SELECT ?d WHERE {{ <{e}> fz:discovered ?d }}"))
        note = " ".join(filter(None, [_label(store, scheme) if scheme else "", "（文本发现）" if discovered else ""]))
    return Entity(e, label, kind, note)


def _chain(store: ox.Store, e: str) -> list[tuple[str, str]]:
    """(IRI, label) of the parent, grandparent … as far as fz:parentDivision goes."""
    out, seen, cur = [], {e}, e
    while True:
        rows = select(store, f"SELECT ?p WHERE {{ <{cur}> fz:parentDivision ?p }}")
        if not rows or rows[0]["p"] in seen:
            return out
        cur = rows[0]["p"]
        seen.add(cur)
        out.append((cur, _label(store, cur)))


def _label(store: ox.Store, e: str | None) -> str:
    return labels(store, [e]).get(e, "") if e else ""


def labels(store: ox.Store, iris: Iterable[str]) -> dict[str, str]:
    """IRI → its Chinese label (rdfs:label@zh, then skos:prefLabel@zh, then any label, then the IRI's end)."""
    out: dict[str, str] = {}
    for i in sorted({i for i in iris if isinstance(i, str) and i.startswith("http")}):
        best = None
        for rank_p, p in enumerate(_LABEL_PREDICATES):
            for quad in store.quads_for_pattern(ox.NamedNode(i), p, None, None):   # index lookups, any graph
                o = quad.object
                if isinstance(o, ox.Literal):
                    rank = (not (o.language or "").startswith("zh"), rank_p, o.value)
                    best = rank if best is None or rank < best else best
        out[i] = best[2] if best else i.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return out


_LABEL_PREDICATES = (ox.NamedNode(RDFS_LABEL), ox.NamedNode(SKOS + "prefLabel"))


# --------------------------------------------------------------------------- what the graph says

@dataclass(frozen=True)
class Evidence:
    quote: str
    source_file: str | None = None
    start: int | None = None
    end: int | None = None
    section: str = ""               # heading path: 一、主要措施及成效 › （五）化解矛盾纠纷…
    section_type: str = ""          # label of the top-level part's type
    inferred: bool = False
    extractor: str = ""
    follows_from: tuple[str, ...] = ()   # labels of the facts an inferred one follows from
    other_source: str = ""               # a source that is not a report text (the gazetteer)


@dataclass(frozen=True)
class Fact:
    predicate: str
    predicate_label: str
    other: str                      # the other end (object, or subject for an incoming fact)
    other_label: str
    incoming: bool
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Measurement:
    indicator: str
    value: str
    unit: str
    approximate: bool
    evidence: Evidence


@dataclass(frozen=True)
class Report:
    iri: str
    source_file: str
    year: str
    title: str


@dataclass(frozen=True)
class Reuse:
    similarity: str
    mine: Evidence                  # this entity's passage
    other_division: str
    other: Evidence
    boilerplate: bool
    directed: bool
    copied: bool                    # True when this entity's passage is the copy, False when it is the source


@dataclass(frozen=True)
class Explanation:
    entity: Entity
    attributes: tuple[tuple[str, tuple[str, ...]], ...]     # (property label, values)
    facts: tuple[Fact, ...]
    reports: tuple[Report, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    reuse: tuple[Reuse, ...] = ()
    related: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())   # incoming links without evidence


def explain(store: ox.Store, entity: Entity) -> Explanation:
    e = entity.iri
    sections = _Sections(store)
    facts = _facts(store, e, sections)
    backed = {(f.predicate, f.other, f.incoming) for f in facts}
    attributes = _attributes(store, e, backed)
    reports = tuple(Report(r["r"], r["f"] or "", r["y"] or "", r["t"] or "") for r in select(store, f"""
        SELECT ?r ?f ?y ?t WHERE {{ ?r a fz:Report ; fz:division <{e}> .
        OPTIONAL {{ ?r fz:sourceFile ?f }} OPTIONAL {{ ?r fz:year ?y }} OPTIONAL {{ ?r fz:title ?t }} }} ORDER BY ?f"""))
    return Explanation(entity, attributes, facts, reports, _measurements(store, e, sections),
                       _reuse(store, e, sections), _related(store, e, backed))


def _attributes(store: ox.Store, e: str, backed: set) -> tuple[tuple[str, tuple[str, ...]], ...]:
    rows = select(store, f"SELECT ?p ?o ?lang WHERE {{ <{e}> ?p ?o . BIND(LANG(?o) AS ?lang) }}")
    names = labels(store, [r["p"] for r in rows] + [r["o"] for r in rows if isinstance(r["o"], str)])
    grouped: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["p"] in _SKIP or (r["p"], r["o"], False) in backed:
            continue
        value = str(r["o"])
        shown = names.get(value, value) if value.startswith("http") else value
        if r["lang"] and not str(r["lang"]).startswith("zh"):
            shown = f"{shown} @{r['lang']}"
        grouped[_plabel(names, r["p"])].add(shown)
    grouped.pop("", None)
    return tuple((p, tuple(sorted(v))) for p, v in sorted(grouped.items()))


def _plabel(names: dict[str, str], p: str) -> str:
    local = p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    label = names.get(p, local)
    return label if label == local else f"{label} ({local})"


def _related(store: ox.Store, e: str, backed: set) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Incoming links that no statement backs and that have no section of their own (children, narrower …)."""
    rows = select(store, f"""SELECT ?s ?p WHERE {{ ?s ?p <{e}> .
        FILTER NOT EXISTS {{ ?s a rdf:Statement }} FILTER NOT EXISTS {{ ?s a fz:Report }}
        FILTER NOT EXISTS {{ ?s a fz:Measurement }} FILTER(?p != rdf:type && ?p != skos:inScheme) }}""")
    names = labels(store, [r["p"] for r in rows] + [r["s"] for r in rows])
    grouped: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if (r["p"], r["s"], True) not in backed:
            grouped["← " + _plabel(names, r["p"])].add(names.get(r["s"], r["s"]))
    return tuple((p, tuple(sorted(v))) for p, v in sorted(grouped.items()))


def _facts(store: ox.Store, e: str, sections: "_Sections") -> tuple[Fact, ...]:
    rows = select(store, f"""SELECT ?st ?s ?p ?o ?q ?cs ?ce ?inf ?ex ?r ?f ?src WHERE {{
        {{ ?st rdf:subject <{e}> }} UNION {{ ?st rdf:object <{e}> }}
        ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
        OPTIONAL {{ ?st fz:quote ?q }} OPTIONAL {{ ?st fz:charStart ?cs }} OPTIONAL {{ ?st fz:charEnd ?ce }}
        OPTIONAL {{ ?st fz:inferred ?inf }} OPTIONAL {{ ?st fz:extractor ?ex }}
        OPTIONAL {{ ?st prov:wasDerivedFrom ?r . ?r a fz:Report OPTIONAL {{ ?r fz:sourceFile ?f }} }}
        OPTIONAL {{ ?st prov:wasDerivedFrom ?src . FILTER NOT EXISTS {{ ?src a fz:Report }}
                    FILTER NOT EXISTS {{ ?src a rdf:Statement }} }} }}""")
    parts: dict[str, list[str]] = defaultdict(list)
    for r in select(store, f"""SELECT DISTINCT ?st ?po WHERE {{ {{ ?st rdf:subject <{e}> }} UNION {{ ?st rdf:object <{e}> }}
            ?st fz:inferred true ; prov:wasDerivedFrom ?part . ?part a rdf:Statement ; rdf:object ?po . }}"""):
        parts[r["st"]].append(r["po"])
    names = labels(store, [r["p"] for r in rows] + [r["s"] for r in rows] + [r["o"] for r in rows]
                   + [r["src"] for r in rows] + [p for ps in parts.values() for p in ps])
    sections.preload(r["r"] for r in rows)
    grouped: dict[tuple[str, str, bool], dict[str, Evidence]] = defaultdict(dict)
    for r in rows:
        incoming = r["o"] == e and r["s"] != e
        other = r["s"] if incoming else r["o"]
        ev = Evidence(
            quote=str(r["q"] or ""), source_file=r["f"], start=_int(r["cs"]), end=_int(r["ce"]),
            inferred=str(r["inf"]).lower() == "true", extractor=str(r["ex"] or ""),
            follows_from=tuple(sorted({names.get(p, p) for p in parts.get(r["st"], ())})),
            other_source=names.get(r["src"], "") if r["src"] else "",
            **sections.at(r["r"], _int(r["cs"])))
        grouped[(r["p"], other, incoming)][r["st"]] = ev
    facts = [Fact(p, _plabel(names, p), other, names.get(other, str(other)), incoming,
                  tuple(sorted(evs.values(), key=lambda v: (v.source_file or "", v.start or 0, v.quote))))
             for (p, other, incoming), evs in grouped.items()]
    return tuple(sorted(facts, key=lambda f: (f.incoming, f.predicate_label, f.other_label, f.other)))


def _measurements(store: ox.Store, e: str, sections: "_Sections") -> tuple[Measurement, ...]:
    rows = select(store, f"""SELECT ?m ?i ?v ?u ?a ?q ?cs ?ce ?r ?f WHERE {{ ?m a fz:Measurement ; fz:division <{e}> .
        OPTIONAL {{ ?m fz:indicator ?i }} OPTIONAL {{ ?m fz:value ?v }} OPTIONAL {{ ?m fz:unit ?u }}
        OPTIONAL {{ ?m fz:approximate ?a }} OPTIONAL {{ ?m fz:quote ?q }} OPTIONAL {{ ?m fz:charStart ?cs }}
        OPTIONAL {{ ?m fz:charEnd ?ce }} OPTIONAL {{ ?m prov:wasDerivedFrom ?r . OPTIONAL {{ ?r fz:sourceFile ?f }} }} }}""")
    names = labels(store, [r["i"] for r in rows])
    sections.preload(r["r"] for r in rows)
    seen: dict[str, Measurement] = {}
    for r in rows:
        if r["m"] in seen:
            continue
        ev = Evidence(str(r["q"] or ""), r["f"], _int(r["cs"]), _int(r["ce"]), **sections.at(r["r"], _int(r["cs"])))
        seen[r["m"]] = Measurement(names.get(r["i"], ""), str(r["v"] or ""), str(r["u"] or ""),
                                   str(r["a"]).lower() == "true", ev)
    return tuple(sorted(seen.values(), key=lambda m: (m.evidence.source_file or "", m.evidence.start or 0)))


def _reuse(store: ox.Store, e: str, sections: "_Sections") -> tuple[Reuse, ...]:
    rows = select(store, f"""SELECT DISTINCT ?x ?sim ?b ?d ?pa ?pb ?ra ?rb ?fa ?fb ?sa ?ea ?sb ?eb ?da ?db ?qa ?qb WHERE {{
        {{ ?ra fz:division <{e}> . ?pa prov:wasDerivedFrom ?ra . ?x fz:passage ?pa }}
        UNION {{ ?rb fz:division <{e}> . ?pb prov:wasDerivedFrom ?rb . ?x fz:sourcePassage ?pb }}
        ?x a fz:TextReuse ; fz:passage ?pa ; fz:sourcePassage ?pb ; fz:similarity ?sim .
        OPTIONAL {{ ?x fz:boilerplate ?b }} OPTIONAL {{ ?x fz:directed ?d }}
        ?pa prov:wasDerivedFrom ?ra ; fz:charStart ?sa ; fz:charEnd ?ea . ?ra fz:division ?da .
        ?pb prov:wasDerivedFrom ?rb ; fz:charStart ?sb ; fz:charEnd ?eb . ?rb fz:division ?db .
        OPTIONAL {{ ?ra fz:sourceFile ?fa }} OPTIONAL {{ ?rb fz:sourceFile ?fb }}
        OPTIONAL {{ ?pa rdfs:label ?qa }} OPTIONAL {{ ?pb rdfs:label ?qb }} }}""")
    names = labels(store, [r["da"] for r in rows] + [r["db"] for r in rows])
    sections.preload([r["ra"] for r in rows] + [r["rb"] for r in rows])
    out = []
    for r in rows:
        a = Evidence(str(r["qa"] or ""), r["fa"], _int(r["sa"]), _int(r["ea"]), **sections.at(r["ra"], _int(r["sa"])))
        b = Evidence(str(r["qb"] or ""), r["fb"], _int(r["sb"]), _int(r["eb"]), **sections.at(r["rb"], _int(r["sb"])))
        copied = r["da"] == e
        out.append(Reuse(str(r["sim"]), a if copied else b, names.get(r["db"] if copied else r["da"], ""),
                         b if copied else a, str(r["b"]).lower() == "true", str(r["d"]).lower() == "true", copied))
    return tuple(sorted(out, key=lambda x: (x.mine.source_file or "", x.mine.start or 0, x.other.source_file or "")))


class _Sections:
    """The section a character offset of a report falls in, as a heading path and a section type label."""

    def __init__(self, store: ox.Store):
        self._store = store
        self._cache: dict[str, list[dict]] = {}
        self._type_labels: dict[str, str] = {}

    def preload(self, reports: Iterable[str | None]) -> None:
        """Read the sections of many reports in a few queries (a campaign may be named in thousands)."""
        wanted = sorted({r for r in reports if r and r not in self._cache})
        for chunk in range(0, len(wanted), 200):
            part = wanted[chunk:chunk + 200]
            values = " ".join(f"<{r}>" for r in part)
            rows = select(self._store, f"""SELECT ?r ?s ?cs ?ce ?lvl ?n ?h ?l ?t WHERE {{ VALUES ?r {{ {values} }}
                ?r fz:hasSection ?s . ?s fz:charStart ?cs ; fz:charEnd ?ce . OPTIONAL {{ ?s fz:sectionLevel ?lvl }}
                OPTIONAL {{ ?s fz:sectionNumber ?n }} OPTIONAL {{ ?s fz:sectionHeading ?h }}
                OPTIONAL {{ ?s rdfs:label ?l }} OPTIONAL {{ ?s fz:sectionType ?t }} }}""")
            by_report: dict[str, dict[str, dict]] = {r: {} for r in part}
            for row in rows:
                by_report[row["r"]].setdefault(row["s"], row)
            for r, sections in by_report.items():
                self._cache[r] = sorted(sections.values(), key=lambda x: (_int(x["lvl"]) or 0, _int(x["cs"]) or 0))
            self._type_labels.update(labels(self._store, {row["t"] for row in rows if row["t"]} - self._type_labels.keys()))

    def _of(self, report: str) -> list[dict]:
        self.preload([report])
        return self._cache[report]

    def at(self, report: str | None, pos: int | None) -> dict[str, str]:
        if not report or pos is None:
            return {}
        path, kind = [], ""
        for r in self._of(report):
            if (_int(r["lvl"]) or 0) >= 1 and _int(r["cs"]) <= pos < _int(r["ce"]):
                heading = str(r["h"] or r["l"] or "")
                number = str(r["n"] or "")
                path.append(heading if not number or heading.startswith(number) else f"{number} {heading}")
                if r["t"]:
                    kind = self._type_labels.get(r["t"], "")
        return {"section": " › ".join(path), "section_type": kind}


def _int(value) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- showing it

KIND_LABELS = {"Province": "省级", "Prefecture": "地级", "County": "县级", "Township": "乡级", "Village": "村级",
               "Mechanism": "治理机制", "Campaign": "活动", "Indicator": "指标"}


def candidates_table(entities: Sequence[Entity], limit: int = 40):
    """A rich table of the entities a term could mean, to pick one by its IRI or code."""
    from rich.table import Table

    more = len(entities) - limit if limit and len(entities) > limit else 0
    table = Table(title=f"{len(entities)}个条目都符合 / {len(entities)} entries match",
                  caption=f"另有 {more} 条未列出，请写得更具体 / {more} more: be more specific" if more else None)
    table.add_column("#", justify="right")
    table.add_column("名称 name", no_wrap=True)
    table.add_column("类型 kind", no_wrap=True)
    table.add_column("区别 detail · IRI", overflow="fold")
    for n, ent in enumerate(entities[:limit] if limit else entities, 1):
        table.add_row(str(n), ent.label, KIND_LABELS.get(ent.kind, ent.kind), "\n".join(filter(None, [ent.note, ent.iri])))
    return table


def render(x: Explanation, limit: int = 25):
    """A rich tree: attributes, reports, facts with evidence, figures, text reuse."""
    from rich.text import Text
    from rich.tree import Tree

    ent = x.entity
    root = Tree(Text.assemble((ent.label, "bold"), "  ", (KIND_LABELS.get(ent.kind, ent.kind), "cyan"),
                              "  ", (ent.note, "dim"), "\n", (ent.iri, "dim")))
    if x.attributes:
        branch = root.add(Text("属性 attributes", style="bold"))
        for p, values in x.attributes:
            branch.add(Text.assemble((p + ": ", "yellow"), "、".join(values)))
    if x.reports:
        branch = root.add(Text(f"报告 reports ({len(x.reports)})", style="bold"))
        for r in x.reports:
            rest = " · ".join(filter(None, [f"{r.year}年" if r.year else "", r.title]))
            branch.add(Text.assemble((r.source_file, "green"), f" · {rest}" if rest else ""))
    by_predicate: dict[tuple[str, bool], list[Fact]] = defaultdict(list)
    for f in x.facts:
        by_predicate[(f.predicate_label, f.incoming)].append(f)
    for (plabel, incoming), facts in by_predicate.items():
        branch = root.add(Text(f"{'← ' if incoming else ''}{plabel} ({len(facts)})", style="bold"))
        for f in _limited(facts, limit, branch):
            inferred = all(ev.inferred for ev in f.evidence)
            node = branch.add(Text.assemble((f.other_label, "bold green"), ("  推断 inferred" if inferred else "", "magenta")))
            for ev in _limited(list(f.evidence), limit, node):
                node.add(_evidence(ev))
    if x.measurements:
        branch = root.add(Text(f"数量 measurements ({len(x.measurements)})", style="bold"))
        for m in _limited(list(x.measurements), limit, branch):
            value = f"{m.value}{m.unit}" + ("（约数）" if m.approximate else "")
            branch.add(_evidence(m.evidence, Text.assemble((m.indicator or "?", "green"), " = ", (value, "bold"), "\n")))
    if x.reuse:
        branch = root.add(Text(f"文本复用 text reuse ({len(x.reuse)})", style="bold"))
        for u in _limited(list(x.reuse), limit, branch):
            arrow = "复制自 copied from" if u.copied else "被复制于 copied by"
            if not u.directed:
                arrow = "与…重复 shared with"
            head = Text.assemble((f"相似度 {float(u.similarity):.2f} ", "bold"), f"{arrow} ", (u.other_division, "green"),
                                 ("  套话 boilerplate" if u.boilerplate else "", "magenta"), "\n")
            node = branch.add(_evidence(u.mine, head))
            node.add(_evidence(u.other, Text("↔ ", style="dim")))
    for p, values in x.related:
        branch = root.add(Text(f"{p} ({len(values)})", style="bold"))
        for v in _limited(list(values), limit, branch):
            branch.add(Text(v))
    return root


def _limited(items: list, limit: int, branch):
    """The first ``limit`` items (all when 0); a note on ``branch`` says how many more there are."""
    from rich.text import Text

    yield from items[:limit] if limit else items
    if limit and len(items) > limit:
        branch.add(Text(f"… 另有 {len(items) - limit} 条未列出 / {len(items) - limit} more (--limit 0 lists all)", style="dim"))


def _evidence(ev: Evidence, head=None):
    from rich.text import Text

    where = " ".join(filter(None, [ev.source_file or "", f"[{ev.start}–{ev.end}]" if ev.start is not None else "",
                                   f"来源 source: {ev.other_source}" if ev.other_source and not ev.source_file else ""]))
    section = " · ".join(filter(None, [ev.section, f"（{ev.section_type}）" if ev.section_type else ""]))
    parts = [head] if head is not None else []
    parts += [Text(f"“{ev.quote}”" if ev.quote else "（无引文）"), Text("\n"), Text(where, style="cyan")]
    if section:
        parts += [Text(" · "), Text(section, style="dim")]
    if ev.inferred and ev.follows_from:
        parts += [Text("\n"), Text("由以下事实推断 inferred from: " + "、".join(ev.follows_from), style="magenta")]
    return Text.assemble(*parts)
