"""The corpus store: an Oxigraph database on disk with one named graph per report.

Layout of an output folder (``kg build --out DIR``)::

    DIR/store/           the Oxigraph (RocksDB) database
    DIR/manifest.sqlite  which file (content hash, path) is in which graph, its summary
    DIR/graph.ttl        the union of all graphs as sorted, pretty Turtle (kg.export)
    DIR/tmp/             scratch files while a shared graph is replaced (removed after it)

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

Writing: reports arrive in batches (:meth:`CorpusStore.put_reports`) as
N-Quads text, each triple twice (in its report graph and in the default
graph), and go in with Oxigraph's bulk loader; then their manifest rows are
committed in one SQLite transaction.

Crash safety: a report counts as stored only once its manifest row is
committed, which happens after its graph is complete; removing a report drops
the row first, then the graph.  A kill at any point leaves complete graphs
with their rows, plus possibly graphs without a row (*orphans*) and, when the
kill hit a bulk load, default-graph triples that no named graph holds.  A
``loading`` stamp in the manifest is set before every load and cleared after
the rows are committed; the next build sees it and repairs the store
(:meth:`CorpusStore.repair`): orphans dropped, stray default triples deleted.
The shared graphs carry a state stamp that is cleared before they are
rewritten and set when they are complete, so the next build redoes them
after an interruption.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     with CorpusStore.open(d) as s:
...         _ = s.put_report(Entry("ab" * 32, "a.txt", "https://w3id.org/fazhi-kg/id/report/abababababababab", "{}"),
...                          [(NamedNode("https://e/s"), NamedNode("https://e/p"), Literal("x"))])
...         [e.path for e in s.entries()], s.count()
(['a.txt'], 1)
"""
from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store, parse

from kg import iri

STORE_DIR = "store"
MANIFEST = "manifest.sqlite"
SCRATCH_DIR = "tmp"         # scratch files while a shared graph is replaced (kg.scratch)

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


def require_store(out_dir: str | Path) -> Path:
    """The store folder of ``out_dir``; StoreError naming the folder when there is no store there."""
    if not exists(out_dir):
        raise StoreError(f"no store in {out_dir}: run `kg build --out {out_dir}` first")
    return store_path(out_dir)


def open_read_only(out_dir: str | Path) -> Store:
    """The store of ``out_dir`` for reading; works while another process (kg serve, kg build) has it open.

    Raises StoreError naming the folder when there is no store there.
    """
    path = require_store(out_dir)
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


# N-Triples escapes, written exactly as Oxigraph writes them (so that a term read back from the
# store and the same term written here compare equal as text): the delimiters, the usual
# short escapes, every other control character as \uXXXX.
_ESCAPES = str.maketrans({**{chr(i): f"\\u{i:04X}" for i in (*range(0x20), 0x7F)},
                          "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
                          "\b": "\\b", "\f": "\\f"})


def nt_term(term) -> str:
    """An rdflib or pyoxigraph term in N-Triples syntax.

    >>> from rdflib import Literal as L, URIRef
    >>> nt_term(URIRef("https://e/x")), nt_term(L('说"法"\\n', lang="zh")), nt_term(L(3))
    ('<https://e/x>', '"说\\\\"法\\\\"\\\\n"@zh', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>')
    """
    uriref, rliteral, rbnode = _RDFLIB or _rdflib_terms()
    cls = type(term)
    if cls is uriref:               # most terms: checked first, by identity (half the cost)
        return f"<{term}>"
    if cls is NamedNode or cls is Literal:      # pyoxigraph's: they print as N-Triples
        return str(term)
    if cls is rliteral or isinstance(term, rliteral):
        text = '"' + str(term).translate(_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^<{term.datatype}>" if term.datatype else text
    if isinstance(term, (rbnode, BlankNode)):
        return f"_:{term}" if isinstance(term, rbnode) else str(term)
    if isinstance(term, (NamedNode, Literal)):
        return str(term)
    return f"<{term}>"


_RDFLIB: tuple = ()


def _rdflib_terms() -> tuple:
    """rdflib's URIRef, Literal and BNode, imported on first use (``kg query`` never needs them)."""
    global _RDFLIB
    from rdflib import BNode, Literal as RLiteral, URIRef

    _RDFLIB = (URIRef, RLiteral, BNode)
    return _RDFLIB


IRI_CACHE = 1 << 16     # IRIs whose N-Triples text a row writer keeps (see row_writer)


def row_writer(limit: int = IRI_CACHE):
    """A function from a triple to its N-Triples row (without the final dot) that writes each
    IRI once: a graph repeats its predicates and subjects thousands of times.

    The IRIs written are remembered up to ``limit`` of them, then forgotten all at once
    (``row.iris`` holds them).  Kept for good, they were every distinct IRI of the derived
    graph: rerunning the shared graphs of a 50,000-report build from scratch, its heap peaked
    at 692 and 717 MB with them, 569 MB with this limit.  The repeats that matter (predicates,
    classes, the subject of the next few triples) come back within a few thousand rows.

    >>> from rdflib import Literal as L, URIRef
    >>> row_writer()((URIRef("https://e/s"), URIRef("https://e/p"), L("x")))
    '<https://e/s> <https://e/p> "x"'
    """
    uriref = (_RDFLIB or _rdflib_terms())[0]
    iris: dict = {}

    def term(t) -> str:
        cls = type(t)
        if cls is uriref or cls is NamedNode:
            text = iris.get(t)
            if text is None:
                if len(iris) >= limit:
                    iris.clear()
                text = iris[t] = nt_term(t)
            return text
        return nt_term(t)

    def row(triple) -> str:
        s, p, o = triple
        return f"{term(s)} {term(p)} {term(o)}"

    row.iris = iris
    return row


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _digest(row: str) -> bytes:
    return hashlib.blake2b(row.encode("utf-8"), digest_size=16).digest()


# Triples of a shared graph are compared, and written, this many at a time (a test shrinks it).
_CHUNK = 50_000


# The indexes of CorpusStore.replace_blocks' rows: by block, to take a block away, and by digest,
# to see whether another block still holds a triple.
_BLOCK_INDEXES = """
    CREATE INDEX IF NOT EXISTS block_row_block ON block_row (graph, block);
    CREATE INDEX IF NOT EXISTS block_row_digest ON block_row (graph, digest);
"""


# Digests in bulk are numpy arrays of dtype "S16": 16 bytes each where a set of bytes took ~110,
# and numpy sorts, searches and compares them bytewise, NUL bytes included.  Only reading one
# item back strips its trailing NUL bytes: a digest leaves an array through ``tobytes()``.
# A shared graph grows with the corpus (3.57 million derived triples at 50,000 reports, ten
# times that for a decade), so while it is replaced its previous digests live in a scratch
# file (:mod:`kg.scratch`), not on the heap, and the new ones are only ever held a chunk at a time.

_BLOCK = 1 << 16        # digests copied or compared at a time


def _digests_into(scratch, name: str, digests: Iterable[bytes], n: int):
    """The digests (at most ``n``) in a new scratch array, sorted, each once."""
    import numpy as np

    a = scratch.zeros(name, n, "S16")
    at = 0
    part: list[bytes] = []
    for d in digests:
        part.append(d)
        if len(part) == _BLOCK:
            a[at:at + len(part)] = np.frombuffer(b"".join(part), dtype="S16")
            at += len(part)
            part.clear()
    if part:
        a[at:at + len(part)] = np.frombuffer(b"".join(part), dtype="S16")
        at += len(part)
    a = a[:at]
    if not _is_sorted(a):               # rows read in the order of the manifest's index are
        a.sort()                        # (in place: a copy of the array would be on the heap)
    # A digest twice would leave one copy unmatched, and the rows of both removed as stale:
    # the distinct ones are moved to the front, a block at a time.
    kept = 0
    last = a[:0]
    for lo in range(0, at, _BLOCK):
        block = np.array(a[lo:lo + _BLOCK])
        first = np.ones(len(block), dtype=bool)
        first[1:] = block[1:] != block[:-1]
        if len(last):
            first[0] = block[0] != last[0]
        last = block[-1:]
        block = block[first]
        a[kept:kept + len(block)] = block
        kept += len(block)
    scratch.release()
    return a[:kept]


def _is_sorted(a) -> bool:
    return all(bool((a[lo + 1:lo + _BLOCK + 1] >= a[lo:lo + _BLOCK][:len(a) - lo - 1]).all())
               for lo in range(0, len(a), _BLOCK))


def _items(a) -> Iterator[bytes]:
    """The digests of an "S16" array as 16-byte ``bytes`` (NUL bytes kept)."""
    raw = a.tobytes()
    return (raw[j:j + 16] for j in range(0, len(raw), 16))


def _found(sorted_digests, keys):
    """Where each of ``keys`` would be in the sorted array ``sorted_digests``, and whether it is
    there.  (Searching is twice as fast when ``keys`` are sorted too.)"""
    import numpy as np

    at = np.searchsorted(sorted_digests, keys)
    if not len(sorted_digests):
        return at, np.zeros(len(keys), dtype=bool)
    return at, sorted_digests[np.minimum(at, len(sorted_digests) - 1)] == keys


def report_nquads(graph: str, triples: Iterable[tuple]) -> tuple[bytes, int]:
    """A report's triples as N-Quads for :meth:`CorpusStore.put_reports`: each in the report
    graph and in the default graph.  Returns the text, UTF-8 encoded, and the number of
    distinct triples.  (Encoded where it is made, in a worker process: a Python string with
    Chinese in it takes two bytes a character, and the build holds a batch of them.)

    >>> from rdflib import Literal as L, URIRef
    >>> text, n = report_nquads("https://e/g", [(URIRef("https://e/s"), URIRef("https://e/p"), L("x"))] * 2)
    >>> print(text.decode(), end=""), n
    <https://e/s> <https://e/p> "x" <https://e/g> .
    <https://e/s> <https://e/p> "x" .
    (None, 1)
    """
    row = row_writer()
    g = f" <{graph}> .\n"
    rows = dict.fromkeys(map(row, triples))
    return "".join(f"{row}{g}{row} .\n" for row in rows).encode("utf-8"), len(rows)


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
            # RocksDB names its lock file when another process holds the store; any other cause
            # (a full disk, a file where the folder should be) must not send the user looking
            # for a second process.
            hint = " (is another `kg build` or `kg serve --allow-update` using it?)" if "/LOCK" in str(exc) else ""
            raise StoreError(f"cannot open the store {store_path(out)}: {exc}{hint}") from None
        db = sqlite3.connect(out / MANIFEST)
        db.executescript("""
            CREATE TABLE IF NOT EXISTS report (sha256 TEXT PRIMARY KEY, path TEXT NOT NULL, graph TEXT NOT NULL,
                                               summary TEXT NOT NULL, triples INTEGER NOT NULL DEFAULT 0);
            -- index() reads every row but the summary: from the table, SQLite walks each summary's
            -- overflow pages to reach ``triples`` (0.066 s a read at 10,000 reports, five reads a
            -- build); from this covering index, 0.008 s.
            CREATE INDEX IF NOT EXISTS report_index ON report (sha256, path, graph, triples);
            CREATE TABLE IF NOT EXISTS skipped (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, reason TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS filestat (path TEXT PRIMARY KEY, size INTEGER NOT NULL,
                                                 mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS shared_row (graph TEXT NOT NULL, digest BLOB NOT NULL, row TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS shared_row_digest ON shared_row (digest);
            CREATE TABLE IF NOT EXISTS shared_block (graph TEXT NOT NULL, key BLOB NOT NULL, PRIMARY KEY (graph, key));
            CREATE TABLE IF NOT EXISTS block_row (graph TEXT NOT NULL, block BLOB NOT NULL, digest BLOB NOT NULL,
                                                  row TEXT NOT NULL);
        """)
        db.executescript(_BLOCK_INDEXES)
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

    def index(self) -> list[Entry]:
        """As :meth:`entries` without the summaries (``summary_json`` empty): what a build needs
        to know of every report, at a few hundred bytes each however long the reports are."""
        rows = self.db.execute("SELECT sha256, path, graph, '', triples FROM report ORDER BY sha256")
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
        """Write one report's graph, then its manifest row (see :meth:`put_reports`).

        ``triples`` are pyoxigraph or rdflib terms.
        """
        text, n = report_nquads(entry.graph, triples)
        return self.put_reports([(Entry(entry.sha256, entry.path, entry.graph, entry.summary_json, n), text)])[0]

    def put_reports(self, batch: Sequence[tuple[Entry, bytes]]) -> list[Entry]:
        """Write a batch of reports: their N-Quads (from :func:`report_nquads`) in one bulk
        load, then their manifest rows in one transaction.

        A leftover graph of the same name (an orphan of an interrupted build) is replaced.
        """
        if not batch:
            return []
        for entry, _ in batch:
            self.drop_graph(entry.graph)
        self.set_state("loading", "1")
        self.store.bulk_load(b"".join(text for _, text in batch), RdfFormat.N_QUADS, lenient=True)
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO report VALUES (?, ?, ?, ?, ?)",
                                [(e.sha256, e.path, e.graph, e.summary_json, e.triples) for e, _ in batch])
            self.db.execute("DELETE FROM state WHERE key = 'loading'")
        return [e for e, _ in batch]

    def writer(self) -> "BatchWriter":
        """A :class:`BatchWriter` over this store: bulk loads that overlap with the caller's work."""
        return BatchWriter(self)

    def repair(self) -> list[str]:
        """Undo what an interrupted build left: graphs without a manifest row and, if a bulk
        load was cut short, default-graph triples that no named graph holds (a scan of the
        whole default graph, so only then).  Returns the orphan graphs dropped."""
        orphans = self.drop_orphans()
        if self.get_state("loading"):
            self.store.update("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }")
            self.set_state("loading", None)
        return orphans

    # file hashes ---------------------------------------------------------------------------------
    def cached_hashes(self) -> dict[str, tuple[int, int, str]]:
        """path → (size, mtime_ns, sha256) as last seen, so unchanged files need not be read."""
        return {row[0]: (row[1], row[2], row[3]) for row in self.db.execute("SELECT * FROM filestat")}

    def remember_hashes(self, rows: Iterable[tuple[str, int, int, str]]) -> None:
        with self.db:
            self.db.execute("DELETE FROM filestat")
            self.db.executemany("INSERT OR REPLACE INTO filestat VALUES (?, ?, ?, ?)", rows)

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
        missing = [e for e in self.index() if not self.store.contains_named_graph(NamedNode(e.graph))]
        with self.db:
            for e in missing:
                self.db.execute("DELETE FROM report WHERE sha256 = ?", (e.sha256,))
        return missing

    def drop_orphans(self) -> list[str]:
        """Drop every named graph that is neither shared nor in the manifest; returns their names."""
        known = {e.graph for e in self.index()} | set(SHARED_GRAPHS)
        orphans = sorted(g.value for g in self.store.named_graphs() if isinstance(g, NamedNode) and g.value not in known)
        for g in orphans:
            self.drop_graph(g)
        return orphans

    def replace_graph(self, graph: str, triples: Iterable[tuple]) -> int:
        """Make a shared graph hold exactly ``triples``; callers stamp the state once all shared
        graphs are done.  Returns the number of distinct triples.

        Only the difference is written: after one changed report the derived facts and the
        gazetteer slice mostly stay as they are, and rewriting them whole would cost as much
        as the graphs are large.  What the graph holds is compared by a 16-byte digest per
        triple, kept with its N-Triples row in the manifest (table ``shared_row``): reading
        half a million triples back out of Oxigraph took 4–7 s at 10,000 reports, the
        digests take a fraction of a second.  The table is trusted only while the stamp
        ``rows:<graph>`` is set; it is cleared first, so a kill in the middle makes the next
        build compare against the store itself.  (Blank nodes never compare equal across
        writes: a graph with them is always compared against the store, and their triples
        are always replaced.)

        Memory does not grow with the graph: triples are taken and written in chunks of
        ``_CHUNK``; the previous digests are a sorted array in a scratch file, with a flag
        each (also on disk) set when its triple comes again.  A triple that was not there
        before and comes twice, chunks apart, is written twice (the store keeps it once)
        and its second manifest row is deleted at the end, found through the index on the
        digests, so no set of the new digests is held.
        """
        import numpy as np      # here: `kg query` opens the store too and never needs it
        from kg.scratch import Scratch, clean

        g = NamedNode(graph)
        stamp = f"rows:{graph}"
        # The count guards against a store folder deleted or replaced behind the manifest's back.
        rows_before = self._count_rows(graph) if self.get_state(stamp) == "1" else -1
        graph_size = self._count_graph(g)
        cached = rows_before == graph_size
        self.set_state(stamp, None)
        parent = self.out_dir / SCRATCH_DIR
        clean(parent)                           # what a killed build left
        scratch = Scratch(parent)
        try:
            if cached:
                old = _digests_into(scratch, "old", (d for (d,) in self.db.execute(
                    "SELECT digest FROM shared_row WHERE graph = ? ORDER BY digest", (graph,))), rows_before)
            else:
                old = _digests_into(scratch, "old", (_digest(f"{q.subject} {q.predicate} {q.object}")
                                                     for q in self.store.quads_for_pattern(None, None, None, g)), graph_size)
                with self.db:
                    self.db.execute("DELETE FROM shared_row WHERE graph = ?", (graph,))
                    # All rows are new: appending them and indexing once is ten times faster than
                    # inserting half a million random digests into the index.
                    self.db.execute("DROP INDEX IF EXISTS shared_row_digest")
            again = scratch.zeros("again", len(old), bool)     # which previous triples came again
            pending: dict[bytes, str] = {}
            chunk: list[str] = []
            rows: list[tuple[str, bytes, str]] = []
            blank = False
            inserted = 0
            as_row = row_writer()

            def flush() -> None:
                nonlocal inserted
                self._load_lines(chunk)
                with self.db:
                    self.db.executemany("INSERT INTO shared_row VALUES (?, ?, ?)", rows)
                inserted += len(rows)
                rows.clear()

            def take() -> None:
                """Write the pending triples (distinct among themselves) that were not there before
                and did not come in an earlier chunk as one that was."""
                nonlocal blank
                keys = np.frombuffer(b"".join(pending), dtype="S16")
                order = np.argsort(keys)      # searching sorted keys is twice as fast
                keys = keys[order]
                at, in_old = _found(old, keys)
                first = ~in_old
                first[in_old] = ~again[at[in_old]]
                again[at[in_old]] = True
                # Back to the order the triples came in, so that rows are written in it.
                keep, known = np.empty_like(first), np.empty_like(in_old)
                keep[order], known[order] = first, in_old
                for (key, row), k, o in zip(pending.items(), keep.tolist(), known.tolist()):
                    if not k:
                        continue
                    if not blank and (row.startswith("_:") or " _:" in row):    # (a literal may look so: safe)
                        blank = True
                    if not o:
                        chunk.append(f"{row} {g} .\n{row} .\n")
                    if not o or not cached:
                        rows.append((graph, key, row))
                    if len(chunk) >= _CHUNK or len(rows) >= _CHUNK:
                        flush()
                pending.clear()
                scratch.release()

            for t in triples:
                row = as_row(t)
                pending.setdefault(_digest(row), row)
                if len(pending) >= _CHUNK:
                    take()
            take()
            flush()
            with self.db:
                self.db.execute("CREATE INDEX IF NOT EXISTS shared_row_digest ON shared_row (digest)")
                twice = self._drop_repeated_rows(graph)
            distinct = (int(again.sum()) if cached else 0) + inserted - twice
            if cached:
                self._remove_gone_rows(g, old, again)
            else:
                self._remove_gone_triples(g, old, again, scratch)
        finally:
            old = again = None
            scratch.close()
            try:
                parent.rmdir()                  # an empty folder is not left in the output folder
            except OSError:
                pass
        self.set_state("loading", None)
        if not blank:
            self.set_state(stamp, "1")
        return distinct

    def replace_blocks(self, graph: str, blocks: Iterable) -> tuple[int, int]:
        """Make a shared graph hold exactly the triples of ``blocks`` (:class:`kg.derive.Block`):
        those whose key was written before are kept without being made again, the new ones
        are written, and the triples of blocks that did not come again are removed unless
        another block still holds them.  Returns (blocks written, blocks removed).

        So after one changed report the derived graph costs what changed, plus a look at
        every block's key, instead of every derived triple made, digested and compared
        (:meth:`replace_graph`: 9 of the 15 s of such a build at 10,000 reports, growing
        with the corpus).  The manifest keeps each block's key (``shared_block``) and the
        N-Triples rows of its triples with a 16-byte digest each (``block_row``), so that a
        block can be taken away and a triple shared by two blocks stays while one holds it.
        Those tables are trusted only while the stamp ``blocks:<graph>`` is set, and when a
        sample of their rows is in the store: it is cleared first, so after a kill (or with
        a store folder that is not the manifest's) the graph is dropped and written whole.

        Each block's ``triples`` is called before the next block is asked for (a deriver
        may read from files that are closed once its blocks are all given).  A triple with
        a blank node is refused: it could not be named to remove it.  Memory: the previous
        keys, 16 bytes each, in one array.
        """
        import numpy as np

        g = NamedNode(graph)
        stamp = f"blocks:{graph}"
        trusted = self.get_state(stamp) == "1" and self._block_rows_in_store(graph)
        self.set_state(stamp, None)
        if not trusted:
            with self.db:
                self.db.execute("DELETE FROM shared_block WHERE graph = ?", (graph,))
                self.db.execute("DELETE FROM block_row WHERE graph = ?", (graph,))
                self.db.execute("DELETE FROM shared_row WHERE graph = ?", (graph,))   # of replace_graph, if it wrote it
                # Every row is new: appending them and indexing once is ten times faster.
                self.db.executescript("DROP INDEX IF EXISTS block_row_block; DROP INDEX IF EXISTS block_row_digest;")
            self.set_state(f"rows:{graph}", None)
            self.drop_graph(graph)
        old = np.frombuffer(b"".join(k for (k,) in self.db.execute(
            "SELECT key FROM shared_block WHERE graph = ? ORDER BY key", (graph,))), dtype="S16")
        again = np.zeros(len(old), dtype=bool)
        chunk: list[str] = []
        rows: list[tuple[str, bytes, bytes, str]] = []
        keys: list[tuple[str, bytes]] = []
        as_row = row_writer()
        written = 0

        # Everything is committed here, never left pending while the next block is asked for: the
        # deriver writes its own cache, in the same SQLite file, between its blocks.
        def flush() -> None:
            nonlocal written
            self._load_lines(chunk)
            with self.db:
                # A key twice in one run (the same triples twice) is kept once; its rows, twice, go together.
                written += self.db.executemany("INSERT OR IGNORE INTO shared_block VALUES (?, ?)", keys).rowcount
                self.db.executemany("INSERT INTO block_row VALUES (?, ?, ?, ?)", rows)
            keys.clear()
            rows.clear()

        for block in blocks:
            key = block.key
            if len(key) != 16:
                raise ValueError(f"a block key is 16 bytes, not {len(key)}: {key!r}")
            at, known = _found(old, np.frombuffer(key, dtype="S16"))
            if known[0]:
                again[at[0]] = True
                continue
            keys.append((graph, key))
            for row in dict.fromkeys(map(as_row, block.triples())):
                if row.startswith("_:") or " _:" in row:            # (a literal may look so: refused too)
                    raise ValueError(f"a derived triple with a blank node cannot be kept in blocks: {row}")
                rows.append((graph, key, _digest(row), row))
                chunk.append(f"{row} {g} .\n{row} .\n")
            if len(rows) >= _CHUNK or len(keys) >= _CHUNK:
                flush()
        flush()
        self.db.executescript(_BLOCK_INDEXES)
        gone = old[~again]
        for lo in range(0, len(gone), 500):
            keys = list(_items(gone[lo:lo + 500]))
            marks = ",".join("?" * len(keys))
            held = {d: r for d, r in self.db.execute(
                f"SELECT digest, row FROM block_row WHERE graph = ? AND block IN ({marks})", [graph, *keys])}
            with self.db:
                self.db.execute(f"DELETE FROM block_row WHERE graph = ? AND block IN ({marks})", [graph, *keys])
                self.db.execute(f"DELETE FROM shared_block WHERE graph = ? AND key IN ({marks})", [graph, *keys])
            digests = list(held)
            still = set()
            for part in _chunks(digests, 500):
                still.update(d for (d,) in self.db.execute(
                    f"SELECT digest FROM block_row WHERE graph = ? AND digest IN ({','.join('?' * len(part))})",
                    [graph, *part]))
            for part in _chunks([held[d] for d in digests if d not in still], 5000):
                self._remove_rows(g, list(part))
        self.set_state("loading", None)
        self.set_state(stamp, "1")
        return written, len(gone)

    def _load_lines(self, lines: list[str]) -> None:
        """Bulk-load N-Quads lines and empty the list.  The bulk loader is twice as fast as a
        transaction; a kill inside it is repaired as one inside a report batch is (the
        ``loading`` stamp, :meth:`repair`), which the caller clears when it is done."""
        if lines:
            self.set_state("loading", "1")
            self.store.bulk_load("".join(lines).encode("utf-8"), RdfFormat.N_QUADS, lenient=True)
            lines.clear()

    def _block_rows_in_store(self, graph: str, sample: int = 16) -> bool:
        """Whether the manifest's rows of ``graph`` describe this store: a few rows, spread over
        the table, are in the graph (or there are none and neither is the graph)."""
        top = self.db.execute("SELECT MAX(rowid) FROM block_row").fetchone()[0]
        if top is None:
            return not self.store.contains_named_graph(NamedNode(graph))
        for i in range(sample):
            found = self.db.execute("SELECT row FROM block_row WHERE rowid >= ? AND graph = ? LIMIT 1",
                                    (1 + top * i // sample, graph)).fetchone()
            if found is None:
                continue
            if not self.store.query(f"ASK {{ GRAPH <{graph}> {{ {found[0]} }} }}"):
                return False
        return True

    def _drop_repeated_rows(self, graph: str) -> int:
        """Delete the second and later manifest rows of a digest in ``graph``; how many went.
        (The index on the digests is read alone; rows are looked up only for the repeats.)"""
        repeated = [d for (d,) in self.db.execute("SELECT digest FROM shared_row GROUP BY digest HAVING COUNT(*) > 1")]
        gone = 0
        for d in repeated:
            gone += self.db.execute(
                "DELETE FROM shared_row WHERE graph = ? AND digest = ? AND rowid != "
                "(SELECT MIN(rowid) FROM shared_row WHERE graph = ? AND digest = ?)", (graph, d, graph, d)).rowcount
        return gone

    def _remove_gone_rows(self, g: NamedNode, old, again) -> None:
        """Remove the previous triples that did not come again, read from their manifest rows."""
        graph = g.value
        for lo in range(0, len(old), 5000):
            part = list(_items(old[lo:lo + 5000][~again[lo:lo + 5000]]))
            if not part:
                continue
            found = [r for (r,) in self.db.execute(
                f"SELECT row FROM shared_row WHERE graph = ? AND digest IN ({','.join('?' * len(part))})",
                [graph, *part])]
            self._remove_rows(g, found)
            with self.db:
                self.db.executemany("DELETE FROM shared_row WHERE graph = ? AND digest = ?", [(graph, d) for d in part])

    def _remove_gone_triples(self, g: NamedNode, old, again, scratch) -> None:
        """Remove the previous triples that did not come again, found by reading the graph (a
        row just added may read back with other blank-node labels: it is not in ``old``, so it
        stays)."""
        import numpy as np

        gone = _digests_into(scratch, "gone", (d for lo in range(0, len(old), _BLOCK)
                                               for d in _items(old[lo:lo + _BLOCK][~again[lo:lo + _BLOCK]])),
                             int(len(old) - again.sum()))
        if not len(gone):
            return
        stale: list[tuple] = []
        quads: list = []

        def sift() -> None:
            keys = np.frombuffer(b"".join(_digest(f"{q.subject} {q.predicate} {q.object}") for q in quads), dtype="S16")
            stale.extend((q.subject, q.predicate, q.object) for q, s in zip(quads, _found(gone, keys)[1].tolist()) if s)
            quads.clear()
            scratch.release()

        for q in self.store.quads_for_pattern(None, None, None, g):
            quads.append(q)
            if len(quads) >= _CHUNK:
                sift()
        sift()
        for part in _chunks(stale, 5000):
            self._remove(g, part)

    def _remove(self, graph: NamedNode, triples: list[tuple]) -> None:
        """Remove triples from a named graph and, in the same update, from the default graph
        where no other graph holds them."""
        plain = [t for t in triples if not any(isinstance(x, BlankNode) for x in t)]
        for t in triples:
            if any(isinstance(x, BlankNode) for x in t):    # SPARQL cannot name a blank node
                self.store.remove(Quad(*t, graph))
                if not any(True for _ in self.store.quads_for_pattern(*t, None) if _.graph_name != DefaultGraph()):
                    self.store.remove(Quad(*t, DefaultGraph()))
        if not plain:
            return
        self._remove_rows(graph, [" ".join(map(nt_term, t)) for t in plain])

    def _count_rows(self, graph: str) -> int:
        return self.db.execute("SELECT COUNT(*) FROM shared_row WHERE graph = ?", (graph,)).fetchone()[0]

    def _count_graph(self, graph: NamedNode) -> int:
        return int(next(iter(self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")))["n"].value)

    def _remove_rows(self, graph: NamedNode, rows: list[str]) -> None:
        """:meth:`_remove` for triples without blank nodes given as N-Triples rows (no final dot)."""
        if not rows:
            return
        rows = " ".join(f"({row})" for row in rows)
        g = str(graph)
        self.store.update(f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} }} ; "
                          f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} "
                          f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} }} }}")

    def compact(self) -> None:
        """Compact the database (RocksDB's full compaction, Oxigraph's ``optimize``).

        Each bulk load adds sorted files whose key ranges overlap the earlier ones, so a
        lookup visits many files until RocksDB merges them.  Measured on the 50,000-report
        store of ``make bench`` (2026-11-23): 194 s; the store went from 20 to 15 GB and the
        canned queries ran 2–5 times faster (``mechanism-adoption-by-province`` 7.3 → 1.9 s
        with a warm cache, 13.6 → 5.0 s with a cold one).  The content does not change.
        """
        self.store.optimize()

    def load_file(self, graph: str, path: Path) -> int:
        """Add an RDF file (Turtle …) to a graph and to the default graph; returns the number of
        distinct triples.

        With the bulk loader, as reports are written: a transaction looks up what it writes,
        and in a store of 50,000 reports just loaded (not compacted yet) writing the ontology
        and the vocabularies, about 7,000 triples, in transactions took 150 s.  A kill inside
        the load is repaired as one inside a report batch is (the ``loading`` stamp).
        """
        text, n = report_nquads(graph, (q.triple for q in parse(path=str(path))))
        self.set_state("loading", "1")
        self.store.bulk_load(text, RdfFormat.N_QUADS, lenient=True)
        self.set_state("loading", None)
        return n

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, NamedNode))

    def count(self, graph: Optional[str] = None) -> int:
        """Triples in one named graph, or in the union (the default graph)."""
        if graph:
            return self._count_graph(NamedNode(graph))
        return int(next(iter(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)

    def summaries(self):
        """The ReportSummary of every report in the manifest (a :class:`kg.derive.Summaries`,
        sorted by content hash): read back from JSON when used, and only those asked for
        when a deriver reads them by hash (``.read(hashes)``)."""
        from kg.derive import Summaries, summary_from_json

        def read(hashes: Sequence[str]) -> list:
            found = {}
            for i in range(0, len(hashes), 500):
                part = hashes[i:i + 500]
                found.update(self.db.execute(f"SELECT sha256, summary FROM report WHERE sha256 IN "
                                             f"({','.join('?' * len(part))})", part))
            return [summary_from_json(found[h]) for h in hashes]

        return Summaries([row[0] for row in self.db.execute("SELECT sha256 FROM report")], read)


def trim_heap() -> bool:
    """Hand the heap's free pages back to the system (glibc's ``malloc_trim``); ``False``
    where there is no glibc.

    A bulk load takes a few hundred megabytes and frees them, but glibc keeps the pages
    for the process: in a 10,000-report build the main process held 226 MB before the
    derivation without this, 144 MB with it (measured 2026-11-24), and the derivation's
    own peak comes on top of that.
    """
    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        import ctypes
        import ctypes.util

        try:
            _MALLOC_TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):       # not glibc (musl, macOS, Windows)
            _MALLOC_TRIM = False
    if not _MALLOC_TRIM:
        return False
    _MALLOC_TRIM(0)
    return True


_MALLOC_TRIM = None


class BatchWriter:
    """Bulk loads in a background thread, manifest rows committed in the caller's thread.

    pyoxigraph releases the GIL while it bulk-loads, so the build keeps feeding its worker
    processes meanwhile; loading is most of the main process's work.  The protocol of
    :meth:`CorpusStore.put_reports` holds: the ``loading`` stamp is set before a load, and a
    batch's rows are committed only after its load has completed (by the next
    :meth:`submit`, or :meth:`close`).  Graphs of the same name must not exist (the build
    drops orphans first).

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d, CorpusStore.open(d) as cs:
    ...     with cs.writer() as w:
    ...         _ = w.submit([(Entry("ab" * 32, "a.txt", "https://e/g", "{}", 1), b'<https://e/s> <https://e/p> "x" <https://e/g> .\\n')])
    ...     [e.path for e in cs.entries()], w.written
    (['a.txt'], 1)
    """

    def __init__(self, cs: CorpusStore):
        from concurrent.futures import ThreadPoolExecutor

        self.cs = cs
        self.written = 0
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-bulk-load")
        self._pending = None                    # (future of the load, its entries)

    def submit(self, batch: Sequence[tuple[Entry, bytes]]) -> list[Entry]:
        """Start loading ``batch``; returns the entries of the previous batch, now committed."""
        done = self.wait()
        if batch:
            self.cs.set_state("loading", "1")
            text = b"".join(t for _, t in batch)
            # Only the entries stay: the reports' texts are in ``text`` now, held once.
            self._pending = (self._thread.submit(self._load, text), [e for e, _ in batch])
        return done

    def _load(self, text: bytes) -> None:
        # lenient: the text is our own N-Quads (nt_term), so re-validating every IRI only costs
        # time (about 8 % of the load's CPU, measured on 2.2M quads).  One load at a time: two
        # in flight were not faster on 2 cores and took 1.6–1.8 GB instead of 1.0–1.1 GB
        # (1,000 reports).
        self.cs.store.bulk_load(text, RdfFormat.N_QUADS, lenient=True)
        del text
        trim_heap()

    def wait(self) -> list[Entry]:
        """Wait for the load under way and commit its rows."""
        if self._pending is None:
            return []
        future, entries = self._pending
        self._pending = None
        future.result()
        with self.cs.db:
            self.cs.db.executemany("INSERT OR REPLACE INTO report VALUES (?, ?, ?, ?, ?)",
                                   [(e.sha256, e.path, e.graph, e.summary_json, e.triples) for e in entries])
            self.cs.db.execute("DELETE FROM state WHERE key = 'loading'")
        self.written += len(entries)
        return entries

    def close(self) -> list[Entry]:
        try:
            return self.wait()                  # a completed load is complete: its rows may count
        finally:
            self._thread.shutdown(wait=True)

    def __enter__(self) -> "BatchWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
