"""The part of the graph that analysis and views use, read once into plain frozen records.

Everything downstream (measures, views, the dashboard) works on a :class:`Corpus`
and never on RDF, so that where the graph lives is decided in one place:
:func:`open_graph`.  That is the build's store ``DIR/store/`` (read-only; its
default graph is the union of every report graph) when there is one, else
``DIR/graph.ttl`` loaded into memory.  Each query selects only what the
measures and views use, so nothing else of the graph is held in Python.

>>> from kg.analysis.corpus import read_corpus                  # doctest: +SKIP
>>> c = read_corpus("exports")                                   # doctest: +SKIP
>>> len(c.townships), c.divisions[c.townships[0]].label          # doctest: +SKIP
(5, '大村乡')
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable, Mapping

import pyoxigraph as ox

FZ = "https://w3id.org/fazhi-kg/ont#"
DIVISION_KINDS = ("Province", "Prefecture", "County", "Township")
ADOPTION = {"implements": "Mechanism", "participatesIn": "Campaign"}   # predicate -> concept kind it adopts
PREDICATES = ("implements", "plans", "participatesIn")


class GraphMissing(FileNotFoundError):
    """``DIR`` has no graph: ``kg build --out DIR`` was not run there."""


@dataclass(frozen=True)
class Division:
    iri: str
    label: str
    kind: str                       # Province | Prefecture | County | Township
    parent: str | None = None
    candidates: tuple[str, ...] = ()  # fz:candidateParent when the parent is unknown
    code: str | None = None


@dataclass(frozen=True)
class Concept:
    iri: str
    label: str
    kind: str                       # Mechanism | Campaign
    discovered: bool = False
    month: int | None = None        # the fixed month of a campaign (fz:month or fz:observedOn)


@dataclass(frozen=True)
class Evidence:
    quote: str
    report: str
    start: int | None = None
    end: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class Link:
    """One ``division predicate concept`` fact with the sentences that back it."""
    division: str
    predicate: str                  # implements | plans | participatesIn
    concept: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Measurement:
    division: str
    indicator: str                  # the indicator's Chinese label
    value: float
    unit: str
    year: int | None = None
    quote: str = ""


@dataclass(frozen=True)
class Corpus:
    divisions: Mapping[str, Division]
    concepts: Mapping[str, Concept]   # only concepts some division is linked to
    links: tuple[Link, ...]
    measurements: tuple[Measurement, ...] = ()
    reports: Mapping[str, tuple[str, int | None]] = field(default_factory=dict)  # report -> (division, year)
    reuse_pairs: frozenset[tuple[str, str]] = frozenset()  # division pairs joined by a text-reuse link
    vocabulary_size: Mapping[str, int] = field(default_factory=dict)           # concepts known per kind

    @cached_property
    def townships(self) -> tuple[str, ...]:
        """Divisions that report facts (mostly townships), sorted by IRI."""
        return tuple(sorted({l.division for l in self.links}))

    @cached_property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({y for _, y in self.reports.values() if y is not None}))

    def is_empty(self) -> bool:
        return not self.links and not self.divisions

    def ancestors(self, division: str) -> list[str]:
        """The parent chain upwards, nearest first (a cycle in bad data stops the walk)."""
        chain, seen, cur = [], {division}, self.divisions.get(division)
        while cur is not None and cur.parent and cur.parent not in seen:
            chain.append(cur.parent)
            seen.add(cur.parent)
            cur = self.divisions.get(cur.parent)
        return chain

    def ancestor_of_kind(self, division: str, kind: str) -> str | None:
        for a in self.ancestors(division):
            d = self.divisions.get(a)
            if d is not None and d.kind == kind:
                return a
        return None


def open_graph(out_dir: str | Path) -> ox.Store:
    """The graph ``kg build --out DIR`` wrote, as a queryable store (the one place that knows where it lives)."""
    from kg import store as corpus_store

    if corpus_store.exists(out_dir):
        try:
            return corpus_store.open_read_only(out_dir)
        except corpus_store.StoreError as exc:
            raise GraphMissing(str(exc)) from None
    path = Path(out_dir) / "graph.ttl"
    if not path.is_file():
        raise GraphMissing(f"{path}: no graph here; run `kg build --out {out_dir}` first")
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return store


def read_corpus(out_dir: str | Path, *, views: bool = True) -> Corpus:
    """The corpus of ``DIR``; ``views=False`` reads only what :mod:`kg.analysis` measures (see :func:`corpus_from_store`)."""
    from kg import store as corpus_store

    folder = corpus_store.store_path(out_dir) if corpus_store.exists(out_dir) else None
    return corpus_from_store(open_graph(out_dir), views=views, folder=folder)


def corpus_from_store(store: ox.Store, *, views: bool = True, folder: Path | None = None) -> Corpus:
    """Read the corpus; ``views=False`` leaves out what only the views and the dashboard show.

    Without views there are no measurements, ``fz:plans`` links carry no
    evidence, and evidence has no offsets: the measures use the quotes
    (template copying) and the report years (first year seen) of adoptions
    only.  On a national store that skips most of what reading costs.

    ``folder``: where ``store`` lives on disk; a large one has its evidence read
    by a second process while this one reads the rest (:mod:`kg.analysis.evidence`)."""
    def rows(query: str) -> Iterable:
        return store.query(PREFIXES + query)

    from kg.analysis.evidence import EvidenceReader

    predicates = PREDICATES if views else tuple(ADOPTION)
    with EvidenceReader(folder, rows, predicates, views) as reader:
        reports = _reports(rows)
        divisions = _divisions(rows)
        keys = sorted((r[0].value, pred, r[1].value) for pred in PREDICATES
                      for r in rows(f"SELECT ?s ?o WHERE {{ ?s fz:{pred} ?o }}"))
        linked = {o for _, _, o in keys}
        concepts, sizes = _concepts(rows, linked)
        measurements = _measurements(rows) if views else ()
        reuse = _reuse(rows, reports, divisions)
        found = reader.result(reports.keys())
    evidence: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    for pred, s, o, q, rep, cs in found:
        evidence[(s, pred, o)].append(Evidence(q, rep, cs, None, reports.get(rep, ("", None))[1]))
    links = []
    for key in keys:
        ev = evidence.get(key, ())
        if len(ev) > 1:
            ev.sort(key=lambda e: (e.report, e.start or 0, e.quote))
        links.append(Link(*key, evidence=tuple(ev)))
    # a link subject that is not one of the four levels (a village, a department) still needs a record;
    # it is drawn like a township, under its parent
    missing = sorted({l.division for l in links} - divisions.keys())
    if missing:
        values = " ".join(f"<{iri}>" for iri in missing)
        for r in rows(f"""SELECT ?d ?l ?p WHERE {{ VALUES ?d {{ {values} }}
                OPTIONAL {{ ?d rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "zh") || LANG(?l) = "") }}
                OPTIONAL {{ ?d fz:parentDivision ?p }} }} ORDER BY ?d ?l ?p"""):
            iri = r["d"].value
            if iri not in divisions:
                parent = r["p"].value if r["p"] is not None else None
                divisions[iri] = Division(iri, r["l"].value if r["l"] is not None else _local(iri), "Township", parent)
    return Corpus(divisions, concepts, tuple(links), measurements, reports, reuse, sizes)


PREFIXES = f"""PREFIX fz: <{FZ}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def _count_reports(rows) -> int:
    return int(next(iter(rows("SELECT (COUNT(*) AS ?n) WHERE { ?r a fz:Report }")))[0].value)


def _reports(rows) -> dict[str, tuple[str, int | None]]:
    """report IRI → (its division, its year)."""
    return {r[0].value: (r[1].value, _int(r[2])) for r in rows(
        "SELECT ?r ?d ?y WHERE { ?r a fz:Report ; fz:division ?d . OPTIONAL { ?r fz:year ?y } }")}


def _evidence_rows(rows, reports, predicates=PREDICATES, offsets=True) -> list[tuple]:
    """The sentences behind the links: ``rdf:Statement``s with ``fz:quote``, as
    (predicate, subject, object, quote, report, charStart) tuples.

    One query for all the predicates.  Each property of the statements is
    its own sub-SELECT, so Oxigraph scans each property once and joins them
    by hash, instead of looking up four properties of each statement one by
    one (most of the time goes into reading long terms out of the database).  A statement
    derived from several things (an inferred one names its report and the
    statements it was inferred from) counts once, with its report (one of ``reports``).
    ``fz:charEnd`` is not read (nothing uses it); ``fz:charStart`` only with
    ``offsets``."""
    start = "OPTIONAL { SELECT ?st ?cs WHERE { ?st fz:charStart ?cs } }" if offsets else ""
    wanted = " ".join(f"fz:{pred}" for pred in predicates)
    found: dict[str, tuple] = {}
    for r in rows(f"""SELECT ?st ?p ?s ?o ?q ?r ?cs WHERE {{
            {{ SELECT ?st ?p WHERE {{ VALUES ?p {{ {wanted} }} ?st rdf:predicate ?p }} }}
            {{ SELECT ?st ?s WHERE {{ ?st rdf:subject ?s }} }}
            {{ SELECT ?st ?o WHERE {{ ?st rdf:object ?o }} }}
            {{ SELECT ?st ?q WHERE {{ ?st fz:quote ?q }} }}
            OPTIONAL {{ SELECT ?st ?r WHERE {{ ?st prov:wasDerivedFrom ?r }} }} {start} }}"""):
        st = r[0].value
        seen = found.get(st)
        if seen is None or (seen[4] not in reports and r[5] is not None and r[5].value in reports):
            found[st] = (r[1].value[len(FZ):], r[2].value, r[3].value, r[4].value,
                         r[5].value if r[5] is not None else "", _int(r[6]))
    return list(found.values())


def _divisions(rows) -> dict[str, Division]:
    found: dict[str, dict] = {}
    for r in rows("""SELECT ?d ?k ?l ?lang ?p ?c WHERE {
            VALUES ?k { fz:Province fz:Prefecture fz:County fz:Township } ?d a ?k .
            OPTIONAL { ?d rdfs:label ?l BIND(LANG(?l) AS ?lang) }
            OPTIONAL { ?d fz:parentDivision ?p } OPTIONAL { ?d fz:divisionCode ?c } }"""):
        d = found.setdefault(r["d"].value, {"kind": _local(r["k"].value), "labels": {}, "parent": None, "code": None})
        if r["l"] is not None:
            d["labels"].setdefault(r["lang"].value if r["lang"] is not None else "", r["l"].value)
        if r["p"] is not None:
            d["parent"] = min(filter(None, (d["parent"], r["p"].value)))   # deterministic if bad data has two
        if r["c"] is not None:
            d["code"] = r["c"].value
    candidates: dict[str, set] = defaultdict(set)
    for r in rows("SELECT ?d ?c WHERE { ?d fz:candidateParent ?c }"):
        candidates[r["d"].value].add(r["c"].value)
    return {iri: Division(iri, _pick_label(d["labels"], iri), d["kind"], d["parent"],
                          tuple(sorted(candidates.get(iri, ()))), d["code"])
            for iri, d in sorted(found.items())}


def _concepts(rows, linked: set[str]) -> tuple[dict[str, Concept], dict[str, int]]:
    found: dict[str, dict] = {}
    sizes: dict[str, int] = defaultdict(int)
    for r in rows("""SELECT ?c ?k ?l ?lang ?disc ?m ?on WHERE {
            VALUES ?k { fz:Mechanism fz:Campaign } ?c a ?k .
            OPTIONAL { ?c skos:prefLabel ?l BIND(LANG(?l) AS ?lang) }
            OPTIONAL { ?c fz:discovered ?disc } OPTIONAL { ?c fz:month ?m } OPTIONAL { ?c fz:observedOn ?on } }"""):
        iri = r["c"].value
        c = found.setdefault(iri, {"kind": _local(r["k"].value), "labels": {}, "disc": False, "month": None})
        if r["l"] is not None:
            c["labels"].setdefault(r["lang"].value if r["lang"] is not None else "", r["l"].value)
        if r["disc"] is not None and r["disc"].value == "true":
            c["disc"] = True
        if r["m"] is not None:
            c["month"] = _int(r["m"])
        elif r["on"] is not None and c["month"] is None:          # "--12-04" -> 12
            c["month"] = _int_or_none(r["on"].value[2:4])
    for iri, c in found.items():
        sizes[c["kind"]] += 1
    concepts = {iri: Concept(iri, _pick_label(c["labels"], iri), c["kind"], c["disc"], c["month"])
                for iri, c in sorted(found.items()) if iri in linked}
    for iri in sorted(linked - concepts.keys()):                 # linked to something that is not typed
        concepts[iri] = Concept(iri, _local(iri), "Mechanism")
    return concepts, dict(sizes)


def _measurements(rows) -> tuple[Measurement, ...]:
    """Every ``fz:Measurement`` with a numeric value, ordered by IRI.  A measurement with more
    than one label, value, unit, year or quote keeps the smallest combination (so the choice does
    not hang on the order rows come in).

    Each property is its own sub-SELECT, joined by hash (one scan each): looked up measurement by
    measurement and ordered in SPARQL, this query took 52 s at 10,000 reports; now 13 s."""
    best: dict[str, tuple] = {}
    for r in rows("""SELECT ?m ?d ?il ?v ?u ?y1 ?y2 ?q WHERE {
            { SELECT ?m WHERE { ?m a fz:Measurement } }
            { SELECT ?m ?d WHERE { ?m fz:division ?d } }
            { SELECT ?m ?i WHERE { ?m fz:indicator ?i } }
            { SELECT ?m ?v WHERE { ?m fz:value ?v } }
            OPTIONAL { SELECT ?i ?il WHERE { ?i skos:prefLabel ?il FILTER(LANGMATCHES(LANG(?il), "zh")) } }
            OPTIONAL { SELECT ?m ?u WHERE { ?m fz:unit ?u } }
            OPTIONAL { SELECT ?m ?y1 WHERE { ?m fz:year ?y1 } }
            OPTIONAL { SELECT ?m ?y2 WHERE { ?m prov:wasDerivedFrom ?r . ?r fz:year ?y2 } }
            OPTIONAL { SELECT ?m ?q WHERE { ?m fz:quote ?q } } }"""):
        try:
            value = float(r[3].value)
        except ValueError:
            continue
        year = _int(r[5]) if r[5] is not None else _int(r[6])
        found = (r[1].value, r[2].value if r[2] is not None else "", value,
                 r[4].value if r[4] is not None else "", year, r[7].value if r[7] is not None else "")
        m = r[0].value
        if m not in best or _order(found) < _order(best[m]):
            best[m] = found
    return tuple(Measurement(*best[m]) for m in sorted(best))


def _order(found: tuple) -> tuple:
    return (*found[:4], -1 if found[4] is None else found[4], found[5])


def _reuse(rows, reports, divisions) -> frozenset[tuple[str, str]]:
    """Division pairs joined by any property declared ``rdfs:subPropertyOf fz:textReuse``.

    The link may join reports, divisions or evidence statements; each end is
    mapped to the division whose report it is.
    """
    pairs = set()
    for r in rows("""SELECT ?a ?b ?ra ?rb WHERE { ?p rdfs:subPropertyOf+ fz:textReuse . ?a ?p ?b .
            OPTIONAL { ?a prov:wasDerivedFrom ?ra } OPTIONAL { ?b prov:wasDerivedFrom ?rb } }"""):
        ends = []
        for node, via in ((r["a"], r["ra"]), (r["b"], r["rb"])):
            iri = node.value
            if iri in reports:
                ends.append(reports[iri][0])
            elif iri in divisions:
                ends.append(iri)
            elif via is not None and via.value in reports:
                ends.append(reports[via.value][0])
        if len(ends) == 2 and ends[0] != ends[1]:
            pairs.add(tuple(sorted(ends)))
    return frozenset(pairs)


def _pick_label(labels: dict[str, str], iri: str) -> str:
    for lang in ("zh", "zh-hans", "zh-cn", ""):
        if lang in labels:
            return labels[lang]
    zh = [v for k, v in labels.items() if k.startswith("zh")]
    return zh[0] if zh else next(iter(labels.values()), _local(iri))


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _int(term) -> int | None:
    return None if term is None else _int_or_none(term.value)


def _int_or_none(text: str) -> int | None:
    try:
        return int(float(text))
    except (TypeError, ValueError):
        return None
