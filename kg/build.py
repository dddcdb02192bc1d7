"""``kg build``: a folder of reports in, one contract graph out.

>>> from kg.build import build                                  # doctest: +SKIP
>>> result = build(["seeds"], "exports")                         # doctest: +SKIP
>>> result.reports, result.graph_path                            # doctest: +SKIP
(5, PosixPath('exports/graph.ttl'))

Each file goes through the pipeline on its own (:func:`process`); a file that
cannot be read, is empty, binary or not a report is recorded in
``BuildResult.skipped`` with its reason and the batch goes on.  The graph is
written to a temporary file and renamed, so an interrupted build leaves the
previous ``graph.ttl`` intact.
"""
from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

from rdflib import Graph, Namespace
from rdflib.namespace import PROV, RDF, SKOS

from kg import extract, iri
from kg.derive import ReportSummary, derive_all, summarize
from kg.emit import report_triples
from kg.gazetteer import Gazetteer
from kg.link import AttributionError, attribute
from kg.load import SUPPORTED_SUFFIXES, LoadError, load
from kg.normalize import normalize
from kg.sections import looks_like_report, structure
from kg.vocab import ONTOLOGY_DIR

FZ = Namespace(iri.ONT)
# Every ontology file travels inside graph.ttl so that it is self-describing;
# the SHACL shapes stay out of the data.
def _in_graph(path: Path) -> bool:
    return not path.name.startswith("shapes")


MAIN_CLASSES = (FZ.Report, FZ.Province, FZ.Prefecture, FZ.County, FZ.Township, FZ.Mechanism,
                FZ.Campaign, FZ.Indicator, FZ.Measurement, FZ.Section, RDF.Statement)


class NotAReport(ValueError):
    pass


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class ReportOutcome:
    path: str
    sha256: str
    triples: tuple
    division: str
    summary: ReportSummary


@dataclass
class BuildResult:
    graph_path: Optional[Path]
    reports: int = 0
    triples: int = 0
    class_counts: dict = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    conforms: Optional[bool] = None
    validation_text: str = ""


def discover(paths: Sequence[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """Every report file under ``paths``, sorted; explicit files of unknown type are skipped."""
    files, skipped = [], []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            skipped.append(Skipped(str(p), "no such file or directory"))
        elif p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    if f.suffix.lower() in SUPPORTED_SUFFIXES:
                        files.append(f)
                    else:
                        skipped.append(Skipped(str(f), f"unsupported file type '{f.suffix or '(none)'}'"))
        elif p.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(p)
        else:
            skipped.append(Skipped(str(p), f"unsupported file type '{p.suffix or '(none)'}'"))
    return files, skipped


def process(path: Path, gazetteer: Optional[Gazetteer] = None) -> ReportOutcome:
    """One file through the whole pipeline; raises LoadError, NotAReport or AttributionError."""
    source = load(path)
    doc = structure(source, normalize(source.text))
    reason = looks_like_report(doc)
    if reason:
        raise NotAReport(reason)
    who = attribute(doc, gazetteer or Gazetteer.load())
    mentions = extract.run(doc)
    summary = summarize(doc, iri.report(source.sha256), who.division.iri, who.division.name)
    return ReportOutcome(str(path), source.sha256, tuple(report_triples(doc, who, mentions)), who.division.name, summary)


def new_graph() -> Graph:
    g = Graph()
    g.bind("fz", FZ)
    g.bind("fzid", Namespace(iri.ID))
    for name in ("division", "mechanism", "campaign", "indicator", "report", "evidence", "measurement"):
        g.bind(f"fz{name[:3]}" if name not in ("division",) else "div", Namespace(f"{iri.ID}{name}/"))
    g.bind("skos", SKOS)
    g.bind("prov", PROV)
    return g


def ontology_into(g: Graph, directory: Path = ONTOLOGY_DIR) -> None:
    for path in sorted(directory.glob("*.ttl")):
        if _in_graph(path):
            g.parse(path, format="turtle")


def build(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    validate: bool = True,
    on_progress: Optional[Callable[[int, int, str], None]] = None,
) -> BuildResult:
    started = time.perf_counter()
    out = Path(out_dir)
    files, skipped = discover(paths)
    gazetteer = Gazetteer.load()
    g = new_graph()
    ontology_into(g)
    result = BuildResult(graph_path=None, skipped=skipped)
    seen: dict[str, str] = {}
    summaries: list[ReportSummary] = []
    for i, path in enumerate(files):
        if on_progress:
            on_progress(i, len(files), path.name)
        try:
            outcome = process(path, gazetteer)
        except (LoadError, NotAReport, AttributionError) as exc:
            result.skipped.append(Skipped(str(path), getattr(exc, "reason", None) or str(exc)))
            continue
        except Exception as exc:  # one bad file must not stop the batch
            result.skipped.append(Skipped(str(path), f"internal error while extracting: {type(exc).__name__}: {exc}"))
            continue
        if outcome.sha256 in seen:
            result.skipped.append(Skipped(str(path), f"same content as {seen[outcome.sha256]}"))
            continue
        seen[outcome.sha256] = path.name
        for triple in outcome.triples:
            g.add(triple)
        summaries.append(outcome.summary)
        result.reports += 1
    for triple in derive_all(summaries):
        g.add(triple)
    if on_progress:
        on_progress(len(files), len(files), "")

    out.mkdir(parents=True, exist_ok=True)
    result.graph_path = out / "graph.ttl"
    write_atomically(g, result.graph_path, "turtle")
    result.triples = len(g)
    result.class_counts = class_counts(g)
    if validate:
        from kg.validate import validate_graph

        result.conforms, result.validation_text = validate_graph(g)
    result.seconds = time.perf_counter() - started
    return result


def class_counts(g: Graph) -> dict[str, int]:
    """Instances per main class (fz: classes and rdf:Statement)."""
    counts = Counter()
    for cls in MAIN_CLASSES:
        counts[cls.split("#")[-1]] = sum(1 for _ in g.subjects(RDF.type, cls))
    return {k: v for k, v in counts.items() if v}


def write_atomically(g: Graph, path: Path, fmt: str) -> None:
    """Serialize to a temporary file beside ``path``, then rename it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            g.serialize(destination=f, format=fmt)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
