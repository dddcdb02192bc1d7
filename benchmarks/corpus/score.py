"""Score a built graph against the corpus answers: is extraction still right at scale?

:func:`read_facts` streams the triples of a graph once (pyoxigraph's Turtle
parser, so a graph far larger than memory would allow as an rdflib Graph can
be read) and keeps, for the reports of a sample only, what the answers can be
compared with: division, year, the evidence statements and the measurements.
:func:`score` compares them with the answers:

* division: exact (the official code), *consistent* (left unresolved where the
  text cannot decide: a township report that names no county, recorded with
  candidate parents that include the right county; a county report whose name
  several counties wear and that names no prefecture), or wrong;
* year;
* precision and recall of ``fz:implements`` (curated mechanisms), ``fz:plans``
  (curated mechanisms and campaigns stated in the plan part),
  ``fz:participatesIn`` (curated campaigns), of the made-up mechanisms and
  campaigns (found by discovery, matched by name) and of the figures
  (value, unit, approximate).

>>> s = Score()
>>> s.count("implements", {"a", "b"}, {"b", "c"})
>>> s.pr("implements")
(0.5, 0.5)
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Iterator

from kg import iri

FZ = iri.ONT
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PROV = "http://www.w3.org/ns/prov#"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
FACT_PREDICATES = {FZ + "implements": "implements", FZ + "plans": "plans", FZ + "participatesIn": "participatesIn"}
_STATEMENT_KEYS = {RDF + "subject": 0, RDF + "predicate": 1, RDF + "object": 2}
_MEASUREMENT_KEYS = {FZ + "value": 0, FZ + "unit": 1, FZ + "approximate": 2}
DERIVED = PROV + "wasDerivedFrom"
REPORT_PREFIX = iri.ID + "report/"
_CONCEPT_PREFIXES = (iri.ID + "mechanism/", iri.ID + "campaign/")


@dataclass
class ReportFacts:
    file: str
    division: str = ""
    year: int | None = None
    facts: dict = field(default_factory=lambda: defaultdict(set))   # predicate name -> {(concept iri)}
    measurements: list = field(default_factory=list)                # (value, unit, approximate)


@dataclass
class Graph:
    """What the graph says about the sample reports, plus the labels needed to read it."""

    reports: dict[str, ReportFacts]          # file name -> facts
    labels: dict[str, str]                   # concept or division IRI -> label
    discovered: set[str]
    candidates: dict[str, set[str]]          # division IRI -> candidate parent IRIs


def triples_of(path: Path) -> Iterator[tuple[str, str, str]]:
    """(subject, predicate, object) as plain strings (IRIs, or a literal's lexical form).

    Literals in a language other than Chinese are left out: labels are read in Chinese.
    """
    import pyoxigraph

    for t in pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE):
        o = t.object
        if isinstance(o, pyoxigraph.Literal) and o.language and not o.language.startswith("zh"):
            continue
        yield t.subject.value, t.predicate.value, o.value


def triples_of_store(out_dir: Path) -> Iterator[tuple[str, str, str]]:
    """As :func:`triples_of`, from the default (union) graph of the store ``kg build`` wrote in ``out_dir``
    (large builds do not write graph.ttl)."""
    import pyoxigraph

    from kg.store import open_read_only

    for q in open_read_only(out_dir).quads_for_pattern(None, None, None, pyoxigraph.DefaultGraph()):
        o = q.object
        if isinstance(o, pyoxigraph.Literal) and o.language and not o.language.startswith("zh"):
            continue
        yield q.subject.value, q.predicate.value, o.value


def read_facts(triples: Iterable[tuple[str, str, str]], files: set[str]) -> Graph:
    """One pass over the triples; keeps what concerns the reports named ``files``."""
    source: dict[str, str] = {}                      # report IRI -> file
    division: dict[str, str] = {}
    year: dict[str, str] = {}
    statements: dict[str, list] = {}
    measurements: dict[str, list] = {}
    derived: dict[str, str] = {}
    labels, discovered, candidates = {}, set(), defaultdict(set)
    for s, p, o in triples:
        if p == FZ + "sourceFile":
            if o in files:
                source[s] = o
        elif p == FZ + "division":
            division[s] = o
        elif p == FZ + "year":
            year[s] = o
        elif p in _STATEMENT_KEYS:
            statements.setdefault(s, [None, None, None])[_STATEMENT_KEYS[p]] = o
        elif p in _MEASUREMENT_KEYS:
            measurements.setdefault(s, [None, None, None])[_MEASUREMENT_KEYS[p]] = o
        elif p == DERIVED and o.startswith(REPORT_PREFIX):   # not the gazetteer, a second source
            derived[s] = o
        elif p in (SKOS_PREF, RDFS_LABEL) and (s.startswith(_CONCEPT_PREFIXES) or "/division/" in s):
            labels.setdefault(s, o)
        elif p == FZ + "discovered" and o == "true":
            discovered.add(s)
        elif p == FZ + "candidateParent":
            candidates[s].add(o)
    reports = {iri_: ReportFacts(f, division.get(iri_, ""), int(year[iri_]) if iri_ in year else None)
               for iri_, f in source.items()}
    for node, (subj, pred, obj) in statements.items():
        report = derived.get(node)
        if report in reports and pred in FACT_PREDICATES:
            reports[report].facts[FACT_PREDICATES[pred]].add(obj)
    for node, (value, unit, approximate) in measurements.items():
        report = derived.get(node)
        if report in reports and value is not None:
            reports[report].measurements.append((_number(value), unit, approximate == "true"))
    return Graph({r.file: r for r in reports.values()}, labels, discovered, candidates)


def _number(text: str) -> str:
    """One spelling per value.

    >>> _number("98.50"), _number("2000")
    ('98.5', '2000')
    """
    return format(Decimal(text).normalize(), "f")


@dataclass
class Score:
    counts: dict = field(default_factory=lambda: defaultdict(Counter))   # metric -> tp/fp/fn
    division: Counter = field(default_factory=Counter)                  # exact/consistent/wrong/missing
    year: Counter = field(default_factory=Counter)
    reports: int = 0

    def count(self, metric: str, expected: set, found: set) -> None:
        c = self.counts[metric]
        c["tp"] += len(expected & found)
        c["fp"] += len(found - expected)
        c["fn"] += len(expected - found)

    def pr(self, metric: str) -> tuple[float | None, float | None]:
        c = self.counts[metric]
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
        return p, r


def load_answer(answers_dir: Path, file: str) -> dict:
    return json.loads((answers_dir / (Path(file).stem + ".answer.json")).read_text(encoding="utf-8"))


def score(graph: Graph, answers: dict[str, dict]) -> Score:
    """Compare the graph's facts of each answered report with its answer."""
    s = Score()
    for file, answer in answers.items():
        s.reports += 1
        facts = graph.reports.get(file)
        if facts is None:
            s.division["missing"] += 1
            s.year["missing"] += 1
            for metric, expected in _expected(answer).items():
                s.count(metric, expected, set())
            continue
        s.division[_division_verdict(graph, facts, answer["division"])] += 1
        s.year["right" if facts.year == answer["year"] else "wrong"] += 1
        found = _found(graph, facts, answer)
        for metric, expected in _expected(answer).items():
            s.count(metric, expected, found[metric])
    return s


def _division_verdict(graph: Graph, facts: ReportFacts, d: dict) -> str:
    """exact, consistent (left unresolved where the text cannot decide) or wrong."""
    if facts.division == iri.division(d["code"]):
        return "exact"
    unresolved_same_name = facts.division == iri.unresolved_division(d["name"])
    if d["level"] == "township":
        # no county named: right when the candidates include the county
        county = iri.division(d["county"]["code"])
        if unresolved_same_name and not d["county_named"] and county in graph.candidates.get(facts.division, ()):
            return "consistent"
        return "wrong"
    # a county report naming neither prefecture nor province, for a county name
    # that several counties wear (西湖区, 通州区): only the name can be recorded
    if unresolved_same_name and not d.get("upper_named", False) and len(_counties_named(d["name"])) > 1:
        return "consistent"
    return "wrong"


def _counties_named(name: str) -> list:
    from kg.gazetteer import Gazetteer

    return Gazetteer.load().named(name, "county")


def _expected(answer: dict) -> dict[str, set]:
    types = answer["section_types"]
    plan = {m["label"] for m in answer["mentions"]
            if not m["unseen"] and m["section"] is not None and types[m["section"]] == "NextYearPlan"}
    return {
        "implements": set(answer["mechanisms"]["implemented"]),
        "plans": plan,
        "participatesIn": set(answer["campaigns"]["participated"]),
        "unseen": {u["name"] for k in ("mechanisms", "campaigns") for u in answer["unseen"][k]},
        "measurements": _multiset((m["value"], m["unit"], m["approximate"]) for m in answer["measurements"]),
    }


def _found(graph: Graph, facts: ReportFacts, answer: dict) -> dict[str, set]:
    def curated(pred: str) -> set:
        return {graph.labels.get(o, o) for o in facts.facts.get(pred, ()) if o not in graph.discovered}

    discovered = {graph.labels.get(o, o) for pred in FACT_PREDICATES.values()
                  for o in facts.facts.get(pred, ()) if o in graph.discovered}
    names = {u["name"] for k in ("mechanisms", "campaigns") for u in answer["unseen"][k]}
    # a made-up name counts as found when a discovered label holds it (“一户一档”机制 -> 一户一档)
    unseen = {n for n in names if any(n in label or label in n for label in discovered)}
    unseen |= {label for label in discovered if not any(n in label or label in n for n in names)}
    return {
        "implements": curated("implements"),
        "plans": curated("plans"),
        "participatesIn": curated("participatesIn"),
        "unseen": unseen,
        "measurements": _multiset((_number(v), u, a) for v, u, a in facts.measurements),
    }


def _multiset(items: Iterable[tuple]) -> set:
    """Count repeated figures: (58, 场次, False) twice becomes two distinct members."""
    seen: Counter = Counter()
    out = set()
    for item in items:
        item = (_number(str(item[0])), *item[1:])
        seen[item] += 1
        out.add((*item, seen[item]))
    return out
