"""The corpus store: an Oxigraph database on disk with one named graph per report.

Layout of an output folder (``kg build --out DIR``)::

    DIR/store/           the Oxigraph (RocksDB) database
    DIR/manifest.sqlite  which file (content hash, path) is in which graph, its summary
    DIR/graph.ttl        the union of all graphs as sorted, pretty Turtle (kg.export)

Graphs in the store:

* one per report, named by the report IRI (``…/id/report/<sha16>``);
* ``…/id/graph/ontology`` and ``…/id/graph/vocabularies`` (the ``ontology/*.ttl``
  files, shapes excluded), ``…/id/graph/gazetteer`` (the official records of the
  divisions in use) and ``…/id/graph/derived`` (corpus-level facts from
  :mod:`kg.derive`): the *shared* graphs, recomputed when the reports change.

The default graph holds the union of all named graphs as a *set*: a
division's label, repeated in every report graph that names it, is there
once.  (Oxigraph's own union view is a bag: a triple in three graphs would
match three times.)  Queries run on the default graph; ``GRAPH ?g { … }``
still tells which report a triple came from.  Every write keeps this
invariant in the same transaction as the named graph it changes.

Crash safety: a report graph is written in one transaction (``Store.extend``),
and its manifest row is committed only afterwards; removing a report drops the
row first, then the graph.  A kill at any point leaves either a complete graph
with its row, or a graph without a row (an *orphan*, dropped by the next
build), never a half graph that counts as done.  The shared graphs carry a
state stamp that is cleared before they are rewritten and set when they are
complete, so the next build redoes them after an interruption.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     with CorpusStore.open(d) as s:
...         _ = s.put_report(Entry("ab" * 32, "a.txt", "https://w3id.org/fazhi-kg/id/report/abababababababab", "{}"),
...                          [(NamedNode("https://e/s"), NamedNode("https://e/p"), Literal("x"))])
...         [e.path for e in s.entries()], s.count()
(['a.txt'], 1)
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Store, parse

from kg import iri

STORE_DIR = "store"
MANIFEST = "manifest.sqlite"

GRAPH_ONTOLOGY = f"{iri.ID}graph/ontology"
GRAPH_VOCABULARIES = f"{iri.ID}graph/vocabularies"
GRAPH_GAZETTEER = f"{iri.ID}graph/gazetteer"
GRAPH_DERIVED = f"{iri.ID}graph/derived"
SHARED_GRAPHS = (GRAPH_ONTOLOGY, GRAPH_VOCABULARIES, GRAPH_GAZETTEER, GRAPH_DERIVED)


class StoreError(Exception):
    """A store that cannot be opened or read; the message names the folder and the cause."""


@dataclass(frozen=True)
class Entry:
    """One report in the store: its content hash, the file it came from and its graph."""

    sha256: str
    path: str
    graph: str
    summary_json: str       # kg.derive.ReportSummary as JSON, so derivers need not re-read the file
    triples: int = 0


@dataclass(frozen=True)
class SkipEntry:
    """A file that was not a report, remembered by content so an incremental build need not retry it."""

    sha256: str
    path: str
    reason: str


def store_path(out_dir: str | Path) -> Path:
    return Path(out_dir) / STORE_DIR


def exists(out_dir: str | Path) -> bool:
    return (store_path(out_dir) / "CURRENT").exists()


def open_read_only(out_dir: str | Path) -> Store:
    """The store of ``out_dir`` for reading; works while another process (kg serve, kg build) has it open.

    Raises StoreError naming the folder when there is no store there.
    """
    path = store_path(out_dir)
    if not exists(out_dir):
        raise StoreError(f"no store in {out_dir}: run `kg build --out {out_dir}` first")
    try:
        return Store.read_only(str(path))
    except OSError as exc:
        raise StoreError(f"cannot open the store {path}: {exc}") from None


# --- terms -------------------------------------------------------------------------------------

def to_ox(term) -> NamedNode | BlankNode | Literal:
    """An rdflib term as a pyoxigraph term.

    >>> from rdflib import Literal as L, URIRef
    >>> to_ox(URIRef("https://e/x"))
    <NamedNode value=https://e/x>
    >>> to_ox(L("加勤乡", lang="zh")).language
    'zh'
    """
    from rdflib import BNode as RBNode, Literal as RLiteral

    if isinstance(term, RLiteral):
        if term.language:
            return Literal(str(term), language=term.language)
        if term.datatype:
            return Literal(str(term), datatype=NamedNode(str(term.datatype)))
        return Literal(str(term))
    if isinstance(term, RBNode):
        return BlankNode(str(term))
    return NamedNode(str(term))


def _ox(term):
    return term if isinstance(term, (NamedNode, BlankNode, Literal)) else to_ox(term)


def to_quads(triples: Iterable[tuple], graph: str) -> Iterator[Quad]:
    g = NamedNode(graph)
    for s, p, o in triples:
        yield Quad(to_ox(s), to_ox(p), to_ox(o), g)


# --- the store ---------------------------------------------------------------------------------

class CorpusStore:
    """The read-write store of one output folder and its manifest."""

    def __init__(self, out_dir: Path, store: Store, db: sqlite3.Connection):
        self.out_dir = out_dir
        self.store = store
        self.db = db

    @classmethod
    def open(cls, out_dir: str | Path) -> "CorpusStore":
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        try:
            store = Store(str(store_path(out)))
        except OSError as exc:
            raise StoreError(f"cannot open the store {store_path(out)}: {exc} "
                             "(is another `kg build` or `kg serve --allow-update` using it?)") from None
        db = sqlite3.connect(out / MANIFEST)
        db.executescript("""
            CREATE TABLE IF NOT EXISTS report (sha256 TEXT PRIMARY KEY, path TEXT NOT NULL, graph TEXT NOT NULL,
                                               summary TEXT NOT NULL, triples INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE IF NOT EXISTS skipped (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, reason TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """)
        db.commit()
        return cls(out, store, db)

    def close(self) -> None:
        """Flush and release the database (RocksDB closes when its last reference goes)."""
        if self.store is not None:
            self.store.flush()
            self.store = None
            self.db.close()

    def __enter__(self) -> "CorpusStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # manifest ----------------------------------------------------------------------------------
    def entries(self) -> list[Entry]:
        rows = self.db.execute("SELECT sha256, path, graph, summary, triples FROM report ORDER BY sha256")
        return [Entry(*row) for row in rows]

    def skipped(self) -> dict[str, SkipEntry]:
        return {row[0]: SkipEntry(row[1], row[0], row[2])
                for row in self.db.execute("SELECT path, sha256, reason FROM skipped")}

    def remember_skip(self, skip: SkipEntry) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO skipped VALUES (?, ?, ?)", (skip.path, skip.sha256, skip.reason))

    def forget_skips(self, keep_paths: Iterable[str]) -> None:
        keep = set(keep_paths)
        with self.db:
            for (path,) in list(self.db.execute("SELECT path FROM skipped")):
                if path not in keep:
                    self.db.execute("DELETE FROM skipped WHERE path = ?", (path,))

    def get_state(self, key: str) -> Optional[str]:
        row = self.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: Optional[str]) -> None:
        with self.db:
            if value is None:
                self.db.execute("DELETE FROM state WHERE key = ?", (key,))
            else:
                self.db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (key, value))

    # graphs ------------------------------------------------------------------------------------
    def put_report(self, entry: Entry, triples: Iterable[tuple]) -> Entry:
        """Write one report's graph (one transaction), then its manifest row.

        ``triples`` are pyoxigraph or rdflib terms.  A leftover graph of the same
        name (an orphan from an interrupted build) is replaced.
        """
        self.drop_graph(entry.graph)
        n = self._add(entry.graph, triples)
        done = Entry(entry.sha256, entry.path, entry.graph, entry.summary_json, n)
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO report VALUES (?, ?, ?, ?, ?)",
                            (done.sha256, done.path, done.graph, done.summary_json, done.triples))
        return done

    def drop_report(self, entry: Entry) -> None:
        """Forget the manifest row, then drop the graph (a kill in between leaves an orphan graph)."""
        with self.db:
            self.db.execute("DELETE FROM report WHERE sha256 = ?", (entry.sha256,))
        self.drop_graph(entry.graph)

    def drop_graph(self, graph: str) -> None:
        """Drop a named graph and, in the same transaction, its triples that no other graph has
        from the default (union) graph."""
        if self.store.contains_named_graph(NamedNode(graph)):
            g = f"<{graph}>"
            self.store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
                              f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER(?h != {g}) }} }} ; "
                              f"DROP SILENT GRAPH {g}")

    def _add(self, graph: str, triples: Iterable[tuple]) -> int:
        """Add triples to a named graph and to the default (union) graph in one transaction."""
        g, default = NamedNode(graph), DefaultGraph()
        quads = []
        for triple in triples:
            s, p, o = map(_ox, triple)
            quads.append(Quad(s, p, o, g))
            quads.append(Quad(s, p, o, default))
        self.store.extend(quads)
        return len(quads) // 2

    def forget_missing(self) -> list[Entry]:
        """Forget manifest rows whose graph is not in the store (the store folder was deleted or
        replaced): those reports are read again."""
        missing = [e for e in self.entries() if not self.store.contains_named_graph(NamedNode(e.graph))]
        with self.db:
            for e in missing:
                self.db.execute("DELETE FROM report WHERE sha256 = ?", (e.sha256,))
        return missing

    def drop_orphans(self) -> list[str]:
        """Drop every named graph that is neither shared nor in the manifest; returns their names."""
        known = {e.graph for e in self.entries()} | set(SHARED_GRAPHS)
        orphans = sorted(g.value for g in self.store.named_graphs() if isinstance(g, NamedNode) and g.value not in known)
        for g in orphans:
            self.drop_graph(g)
        return orphans

    def replace_graph(self, graph: str, triples: Iterable[tuple]) -> int:
        """Replace a shared graph's content; callers stamp the state once all shared graphs are done."""
        self.drop_graph(graph)
        return self._add(graph, triples)

    def load_file(self, graph: str, path: Path) -> int:
        """Add an RDF file (Turtle …) to a graph (one transaction)."""
        return self._add(graph, (q.triple for q in parse(path=str(path))))

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, NamedNode))

    def count(self, graph: Optional[str] = None) -> int:
        """Triples in one named graph, or in the union (the default graph)."""
        target = NamedNode(graph) if graph else DefaultGraph()
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, target))

    def summaries(self):
        """The ReportSummary of every report in the manifest, read back from JSON."""
        from kg.derive import Passage, ReportSummary

        out = []
        for e in self.entries():
            d = json.loads(e.summary_json)
            d["passages"] = tuple(Passage(**p) for p in d.get("passages", ()))
            out.append(ReportSummary(**d))
        return out

