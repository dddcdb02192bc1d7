"""SHACL validation of a built graph against ``ontology/shapes.ttl`` (pySHACL).

>>> conforms, text = validate_graph(Graph())          # doctest: +SKIP
"""
from __future__ import annotations

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
