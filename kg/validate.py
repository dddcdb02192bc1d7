"""SHACL validation of a built graph against ``ontology/shapes.ttl`` (pySHACL).

>>> conforms, text = validate_graph(Graph())          # doctest: +SKIP
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Optional

from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from kg.vocab import ONTOLOGY_DIR

SH = Namespace("http://www.w3.org/ns/shacl#")
SHAPES_GLOB = "shapes*.ttl"   # shapes.ttl plus one file per area (shapes-legal.ttl …)


def shapes() -> Graph:
    g = Graph()
    for path in sorted(ONTOLOGY_DIR.glob(SHAPES_GLOB)):
        g.parse(path, format="turtle")
    return g


def validate_graph(data: Graph, max_listed: int = 30) -> tuple[bool, str]:
    """(conforms, readable report): one line per violation, offending node first."""
    import pyshacl

    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes(), inference="none", advanced=True)
    if conforms:
        return True, "SHACL: the graph conforms to ontology/shapes.ttl"
    lines = []
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    by_severity = {}
    for r in results:
        severity = str(report.value(r, SH.resultSeverity)).split("#")[-1]
        by_severity.setdefault(severity, []).append(r)
    violations = [r for r in results if report.value(r, SH.resultSeverity) == SH.Violation]
    for r in sorted(results, key=lambda r: (str(report.value(r, SH.resultSeverity)) != str(SH.Violation), str(report.value(r, SH.focusNode))))[:max_listed]:
        severity = str(report.value(r, SH.resultSeverity)).split("#")[-1]
        focus = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        message = report.value(r, SH.resultMessage)
        lines.append(f"  {severity}: {focus}" + (f" [{path.n3(data.namespace_manager) if hasattr(path, 'n3') else path}]" if path else "") + f": {message}")
    summary = ", ".join(f"{len(v)} {k}" for k, v in sorted(by_severity.items()))
    head = f"SHACL: {summary}" + (f" (showing {max_listed})" if len(results) > max_listed else "")
    return not violations, "\n".join([head, *lines])


# --- the store ---------------------------------------------------------------------------------

# Up to this many triples the whole union is validated at once (pySHACL grows faster than linearly:
# about 5 s for the seeds' 11,000 triples); above, each report graph is
# validated with the shared graphs beside it (pySHACL holds its data in memory: about 1 GB
# per million triples), on a sample unless every report is asked for.
WHOLE_STORE_LIMIT = 30_000


@dataclass(frozen=True)
class Finding:
    severity: str           # Violation | Warning | Info
    message: str            # the shape's sh:resultMessage
    path: str               # the property, as a prefixed name ("" for node shapes)
    focus: str              # the offending node
    focus_label: str        # its rdfs:label, when it has one


@dataclass(frozen=True)
class StoreReport:
    conforms: bool
    findings: tuple[Finding, ...]
    checked_reports: int
    total_reports: int
    whole: bool             # the union was validated at once

    @property
    def text(self) -> str:
        """A readable data-quality report: one line per kind of problem, with a count and examples."""
        scope = ("the whole graph" if self.whole else
                 f"{self.checked_reports} of {self.total_reports} report graphs with the shared graphs")
        if self.conforms and not self.findings:
            return f"SHACL: the graph conforms to ontology/shapes*.ttl (checked {scope})"
        lines = [f"SHACL: {summary_counts(self.findings)} (checked {scope})"]
        for (severity, message, path), items in group_findings(self.findings):
            examples = ", ".join(sorted({f.focus_label or f.focus for f in items})[:3])
            lines.append(f"  {severity}: {len(items)} × {message}" + (f" [{path}]" if path else "") + f" — e.g. {examples}")
        return "\n".join(lines)


def summary_counts(findings) -> str:
    counts = Counter(f.severity for f in findings)
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))


def group_findings(findings):
    groups: dict = {}
    for f in findings:
        groups.setdefault((f.severity, f.message, f.path), []).append(f)
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    return sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 3), -len(kv[1]), kv[0][1]))


def validate_store(store, *, sample: Optional[int] = 200, whole_limit: int = WHOLE_STORE_LIMIT,
                   seed: int = 0, only: Optional[list[str]] = None) -> StoreReport:
    """SHACL over a pyoxigraph store built by ``kg build``.

    Small stores are validated as one graph.  Large ones report graph by
    report graph, each with the shared graphs (ontology, vocabularies,
    gazetteer, derived) beside it: a report's facts, evidence and divisions
    all live in its own graph, so nothing a shape needs is missing.
    ``sample`` report graphs are drawn (reproducibly, by ``seed``);
    ``sample=None`` checks them all; ``only`` names the report graphs to check
    (``kg build`` passes the ones it has just written).
    """
    import random

    from kg.store import GRAPH_ONTOLOGY, GRAPH_VOCABULARIES, SHARED_GRAPHS

    reports = sorted(g.value for g in store.named_graphs() if g.value not in SHARED_GRAPHS)
    total = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value) \
        if len(reports) < 2000 else whole_limit + 1
    if total <= whole_limit:
        data = _rdflib_graph(store, None)
        findings = _findings(data)
        return StoreReport(not any(f.severity == "Violation" for f in findings), tuple(findings), len(reports),
                           len(reports), True)
    if only is not None:
        chosen = sorted(set(only) & set(reports))
    else:
        chosen = reports if sample is None or sample >= len(reports) else sorted(random.Random(seed).sample(reports, sample))
    # The vocabularies on their own, once (not when a build checks what it has just written);
    # then each report graph with, from the shared graphs, what they say about the nodes it
    # names (a concept's type and labels …), keeping only what is wrong with the report's own
    # nodes: the gazetteer and derived graphs hold nodes of other reports, checked with theirs.
    findings = [] if only is not None else list(_findings(_rdflib_graph(store, [GRAPH_ONTOLOGY, GRAPH_VOCABULARIES])))
    seen = {(f.focus, f.message, f.path) for f in findings}
    for g in chosen:
        own = _rdflib_graph(store, [g])
        subjects = {str(s) for s in own.subjects()}
        for f in _findings(own + _context(store, own, SHARED_GRAPHS)):
            if f.focus in subjects and (f.focus, f.message, f.path) not in seen:
                seen.add((f.focus, f.message, f.path))
                findings.append(f)
    return StoreReport(not any(f.severity == "Violation" for f in findings), tuple(findings), len(chosen),
                       len(reports), False)


def _context(store, own: Graph, graphs) -> Graph:
    """What ``graphs`` say about every IRI that ``own`` names (one hop), as an rdflib graph."""
    from pyoxigraph import NamedNode, RdfFormat, serialize
    from rdflib import URIRef

    nodes = {str(t) for triple in own for t in (triple[0], triple[2]) if isinstance(t, URIRef)}
    quads = (q for node in sorted(nodes) for g in graphs
             for q in store.quads_for_pattern(NamedNode(node), None, None, NamedNode(g)))
    data = serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES)
    g = Graph()
    if data:
        g.parse(data=data.decode("utf-8"), format="nt")
    return g


def _rdflib_graph(store, graphs) -> Graph:
    """Some graphs of the store (the union when None) as one rdflib graph, via N-Triples."""
    from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, serialize

    g = Graph()
    if graphs is None:
        quads = store.quads_for_pattern(None, None, None, DefaultGraph())
    else:
        quads = (q for name in graphs for q in store.quads_for_pattern(None, None, None, NamedNode(name)))
    data = serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES)
    if data:
        g.parse(data=data.decode("utf-8"), format="nt")
    return g


def _findings(data: Graph) -> list[Finding]:
    import pyshacl
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    from kg.export import render_iri

    _, report, _ = pyshacl.validate(data, shacl_graph=shapes(), inference="none", advanced=True)
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(r, SH.focusNode)
        path = report.value(r, SH.resultPath)
        label = next((str(l) for l in data.objects(focus, RDFS.label) if getattr(l, "language", None) == "zh"), "")
        out.append(Finding(str(report.value(r, SH.resultSeverity)).split("#")[-1],
                           str(report.value(r, SH.resultMessage) or ""),
                           render_iri(str(path)) if isinstance(path, URIRef) else "",
                           str(focus), label))
    return sorted(out, key=lambda f: (f.severity, f.message, f.focus))
