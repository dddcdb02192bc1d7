"""Corpus-level facts, recomputed from per-report summaries after every build.

Some facts need more than one report: text reused across reports, a
township's first year with a mechanism, counts over the whole corpus
(:mod:`kg.derivers.aggregates`, read by the canned queries that aggregate).  Extraction sees one report at a time
and leaves a small :class:`ReportSummary`; after the reports are in, every
registered deriver runs over all summaries and returns triples that go into
the graph (the store keeps them in a graph of their own, recomputed whenever
a report changes, so derived facts stay true).

A deriver is a module in :mod:`kg.derivers` with ``NAME`` and
``derive(summaries) -> Iterable[Triple]``; being there registers it.  A deriver
may also have ``derive_cached(summaries, cache)``, which returns the same triples
as :class:`Block` objects and keeps what it computed per report in a
:class:`DeriveCache`, so that a build after a small change costs about what
changed (:func:`derive_blocks`): the store writes only the blocks whose key it
has not seen, and takes away those that did not come again
(:meth:`kg.store.CorpusStore.replace_blocks`).
"""
from __future__ import annotations

import hashlib
import importlib
import json
import pkgutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

from kg.model import Document


@dataclass(frozen=True)
class Block:
    """Derived triples that come and go together (one reuse group, one count node), named by a
    16-byte ``key`` made from what they follow from (:func:`block_key`): equal keys, equal
    triples, within one pipeline.  ``triples`` makes them; it is called only for a key the
    store has not seen, which is what makes a build after a small change cheap.  Blocks may
    share triples (two groups may both say that a report reuses another's text); the triple
    stays while any block holding it does.

    >>> b = Block(block_key("count", "x", 3), lambda: [("s", "p", "o")])
    >>> len(b.key), list(b.triples())
    (16, [('s', 'p', 'o')])
    """

    key: bytes
    triples: Callable[[], Iterable[tuple]]


def block_key(*parts) -> bytes:
    """A :class:`Block` key from the values its triples are made of (strings, numbers, tuples of
    them): their ``repr``, hashed, so that a value written differently gives another key.

    >>> block_key("adoption", "p", "m", 3, 0) == block_key("adoption", "p", "m", 3, 0)
    True
    >>> block_key("a", "bc") == block_key("ab", "c")
    False
    """
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).digest()


@dataclass(frozen=True)
class Passage:
    start: int          # offsets in the decoded source text
    end: int
    text: str           # normalized text of the passage (a paragraph or a numbered item)


@dataclass(frozen=True)
class ReportSummary:
    report: str                         # report IRI
    sha256: str
    source_file: str
    division: str                       # division IRI
    division_name: str
    year: int | None
    passages: tuple[Passage, ...] = ()
    # What corpus-wide counts (kg/derivers/aggregates.py) need, read off the report's own triples so
    # that they say what its graph says; empty in manifests written before they existed (such a
    # manifest belongs to another pipeline fingerprint, so its reports are extracted again anyway).
    implements: tuple[tuple[str, str], ...] = ()      # (division, mechanism) of fz:implements
    plans: tuple[tuple[str, str], ...] = ()           # (division, concept) of fz:plans
    participates: tuple[tuple[str, str], ...] = ()    # (division, campaign) of fz:participatesIn
    parents: tuple[tuple[str, str], ...] = ()         # (child, parent) of fz:parentDivision
    provinces: tuple[str, ...] = ()                   # divisions the graph types fz:Province
    section_types: tuple[str, ...] = ()               # fz:sectionType of the report's parts (IRIs)
    shortcoming_points: tuple[str, ...] = ()          # fz:sectionHeading of each point under a Shortcomings part
    measurements: int = 0                             # nodes typed fz:Measurement in the report's graph


_FZ = "https://w3id.org/fazhi-kg/ont#"      # kg.iri.ONT (kg.iri is not imported here: the manifest reader stays light)
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_PAIRS = {_FZ + "implements": "implements", _FZ + "plans": "plans", _FZ + "participatesIn": "participates",
          _FZ + "parentDivision": "parents"}


def facts_of(triples: Iterable[tuple]) -> dict:
    """The fields of :class:`ReportSummary` that are read off a report's triples (rdflib or any
    terms whose ``str`` is the IRI or the literal's text), sorted and without repeats.

    >>> from rdflib import URIRef as U, Literal as L, RDF
    >>> fz = lambda n: U(_FZ + n)
    >>> f = facts_of([(U("d"), fz("implements"), U("m")), (U("d"), fz("parentDivision"), U("p")),
    ...               (U("p"), RDF.type, fz("Province")), (U("r"), fz("hasSection"), U("s1")),
    ...               (U("s1"), fz("sectionType"), fz("Shortcomings")), (U("s2"), fz("partOf"), U("s1")),
    ...               (U("s3"), fz("partOf"), U("s2")), (U("s3"), fz("sectionHeading"), L("执法队伍不足", lang="zh")),
    ...               (U("x"), RDF.type, fz("Measurement"))])
    >>> f["implements"], f["parents"], f["provinces"], f["shortcoming_points"], f["measurements"]
    ((('d', 'm'),), (('d', 'p'),), ('p',), ('执法队伍不足',), 1)
    """
    pairs: dict[str, set] = {field: set() for field in _PAIRS.values()}
    provinces, measurements, sections = set(), set(), set()
    types: dict[str, str] = {}
    part_of: dict[str, set] = {}
    headings: dict[str, str] = {}
    for s, p, o in triples:
        p = str(p)
        field = _PAIRS.get(p)
        if field is not None:
            pairs[field].add((str(s), str(o)))
        elif p == _RDF_TYPE:
            o = str(o)
            if o == _FZ + "Province":
                provinces.add(str(s))
            elif o == _FZ + "Measurement":
                measurements.add(str(s))
        elif p == _FZ + "hasSection":
            sections.add(str(o))
        elif p == _FZ + "sectionType":
            types.setdefault(str(s), set()).add(str(o))
        elif p == _FZ + "partOf":
            part_of.setdefault(str(s), set()).add(str(o))
        elif p == _FZ + "sectionHeading":
            headings[str(s)] = str(o)
    shortcomings = {s for s in sections if _FZ + "Shortcomings" in types.get(s, ())}   # parts of this report

    def under_shortcomings(node: str) -> bool:     # fz:partOf+ reaches a Shortcomings part
        seen, todo = set(), list(part_of.get(node, ()))
        while todo:
            up = todo.pop()
            if up in shortcomings:
                return True
            if up not in seen:
                seen.add(up)
                todo.extend(part_of.get(up, ()))
        return False

    fields = {field: tuple(sorted(v)) for field, v in pairs.items()}
    fields["provinces"] = tuple(sorted(provinces))
    fields["section_types"] = tuple(sorted({t for s in sections for t in types.get(s, ())}))
    fields["shortcoming_points"] = tuple(headings[n] for n in sorted(headings)
                                         if shortcomings and under_shortcomings(n))
    fields["measurements"] = len(measurements)
    return fields


def summarize(doc: Document, report: str, division: str, division_name: str,
              triples: Iterable[tuple] = ()) -> ReportSummary:
    """The part of a processed report that corpus-level derivers need: its paragraphs, and the
    facts of its ``triples`` (:func:`facts_of`) that corpus-wide counts are made of."""
    passages = []
    text = doc.text
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if len(stripped) >= 20:
            offset = line.index(stripped[0])
            s, e = doc.source_span(pos + offset, pos + offset + len(stripped))
            passages.append(Passage(s, e, stripped))
        pos += len(line) + 1
    return ReportSummary(report, doc.source.sha256, doc.source.name, division, division_name, doc.year, tuple(passages),
                         **facts_of(triples))


Deriver = Callable[[Sequence[ReportSummary]], Iterable[tuple]]


def summary_from_json(text: str) -> ReportSummary:
    """A summary as the manifest keeps it (``dataclasses.asdict`` as JSON), read back.

    >>> summary_from_json('{"report": "r", "sha256": "ab", "source_file": "a.txt", "division": "d", '
    ...                   '"division_name": "加勤乡", "year": 2024, "passages": [{"start": 0, "end": 3, "text": "一二三"}]}').passages
    (Passage(start=0, end=3, text='一二三'),)
    """
    d = json.loads(text)
    d["passages"] = tuple(Passage(**p) for p in d.get("passages", ()))
    for field in ("implements", "plans", "participates", "parents"):
        d[field] = tuple(tuple(pair) for pair in d.get(field, ()))
    for field in ("provinces", "section_types", "shortcoming_points"):
        d[field] = tuple(d.get(field, ()))
    return ReportSummary(**d)


class Summaries(Sequence[ReportSummary]):
    """Every report's summary, read only when asked for.

    An output folder of 10,000 reports keeps 25 MB of summaries; a deriver with a
    cache (:class:`DeriveCache`) needs the hashes of all of them but the text of
    the changed ones only.  ``hashes`` are sorted; ``read(hashes)`` returns the
    summaries of those reports, in that order.  Used as a sequence, every summary
    is read once.

    >>> s = Summaries(["b", "a"], lambda hs: [f"summary of {h}" for h in hs])
    >>> s.hashes, len(s), s.read(["b"]), list(s)
    (('a', 'b'), 2, ['summary of b'], ['summary of a', 'summary of b'])
    """

    def __init__(self, hashes: Iterable[str], read: Callable[[Sequence[str]], list[ReportSummary]]):
        self.hashes = tuple(sorted(hashes))
        self._read = read
        self._all: Optional[list[ReportSummary]] = None

    def read(self, hashes: Sequence[str]) -> list[ReportSummary]:
        return self._read(list(hashes))

    def _everything(self) -> list[ReportSummary]:
        if self._all is None:
            self._all = self.read(self.hashes)
        return self._all

    def __len__(self) -> int:
        return len(self.hashes)

    def __getitem__(self, i):
        return self._everything()[i]

    def __iter__(self) -> Iterator[ReportSummary]:
        return iter(self._everything())


class DeriveCache:
    """Per-report intermediate results of the derivers, kept between builds in an SQLite file
    (the build uses the output folder's manifest: a build from scratch, which deletes it,
    starts with an empty cache).

    A report's summary is a function of its content (sha256) and of the pipeline, so
    what a deriver computes from one summary is cached by sha256 under a *version*,
    the pipeline's fingerprint (:func:`kg.build.pipeline_fingerprint`, which covers
    the derivers' code): the cache of another version is emptied when opened.  Each
    deriver keeps its own tables in :attr:`db`, named ``derive_<NAME>_…``, and
    commits them with the result of its run, so a run that is killed leaves the
    previous state.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     c = DeriveCache(pathlib.Path(d) / "c.sqlite", "v1")
    ...     _ = c.db.execute("CREATE TABLE derive_x_t (x)"); _ = c.db.execute("CREATE TABLE other (x)"); c.db.commit(); c.close()
    ...     c = DeriveCache(pathlib.Path(d) / "c.sqlite", "v2")
    ...     sorted(r[0] for r in c.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    ['derive_version', 'other']
    """

    def __init__(self, path: Path, version: str):
        self.path = Path(path)
        self.db = sqlite3.connect(self.path)
        self.db.execute("CREATE TABLE IF NOT EXISTS derive_version (value TEXT NOT NULL)")
        row = self.db.execute("SELECT value FROM derive_version").fetchone()
        if row is None or row[0] != version:
            with self.db:
                tables = self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'derive\\_%' "
                                         "ESCAPE '\\' AND name != 'derive_version'").fetchall()
                for (name,) in tables:
                    self.db.execute(f'DROP TABLE "{name}"')
                self.db.execute("DELETE FROM derive_version")
                self.db.execute("INSERT INTO derive_version VALUES (?)", (version,))

    def close(self) -> None:
        self.db.close()


def derivers() -> dict[str, Deriver]:
    return {name: mod.derive for name, mod in _modules().items()}


def _modules() -> dict:
    import kg.derivers

    found = {}
    for info in sorted(pkgutil.iter_modules(kg.derivers.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"kg.derivers.{info.name}")
        if getattr(mod, "NAME", None) and hasattr(mod, "derive"):
            found[mod.NAME] = mod
    return found


def derive_all(summaries: Sequence[ReportSummary], cache: Optional[Path] = None, version: str = "",
               oxigraph: bool = False) -> Iterator[tuple]:
    """The triples of every registered deriver (those of :func:`derive_blocks`, one block after
    another; without a cache, each deriver's ``derive``).

    ``cache``: a :class:`DeriveCache` file (the build's ``DIR/manifest.sqlite``) and
    ``version`` the pipeline's fingerprint: a deriver with ``derive_cached(summaries,
    cache, oxigraph)`` then reuses what it computed for unchanged reports, and reads
    only the changed reports' summaries when ``summaries`` is a :class:`Summaries`.
    The triples are the same with or without a cache.  ``oxigraph``: such a deriver
    makes its terms with pyoxigraph rather than rdflib (for the store, which takes
    them as they are); others always yield rdflib terms.
    """
    if cache is None or not version or not any(hasattr(m, "derive_cached") for m in _modules().values()):
        ordered = sorted(summaries, key=lambda s: s.sha256)   # input order must not change the result
        for fn in derivers().values():
            yield from fn(ordered)
        return
    for block in derive_blocks(summaries, cache, version, oxigraph):
        yield from block.triples()


def derive_blocks(summaries: Sequence[ReportSummary], cache: Path, version: str,
                  oxigraph: bool = False) -> Iterator[Block]:
    """Every registered deriver's triples as :class:`Block` objects, with the cache of
    :func:`derive_all`.  A deriver without ``derive_cached`` gives one block, keyed by its
    triples themselves (so they are made every time).
    """
    from kg.store import row_writer, trim_heap

    if not isinstance(summaries, Summaries):
        by_sha = {s.sha256: s for s in summaries}
        summaries = Summaries(by_sha, lambda hs: [by_sha[h] for h in hs])
    modules = _modules()
    store = DeriveCache(cache, version)
    try:
        for name, fn in derivers().items():
            mod = modules.get(name)
            if mod is not None and fn is mod.derive and hasattr(mod, "derive_cached"):
                yield from mod.derive_cached(summaries, store, oxigraph)
            else:
                made = list(fn(list(summaries)))
                as_row = row_writer()
                yield Block(block_key(name, *map(as_row, made)), lambda made=made: made)
            # What one deriver freed goes back to the system before the next one runs: glibc
            # keeps freed pages otherwise, and the next deriver's peak comes on top (at 50,000
            # reports this handed back 120 MB after the aggregates).
            trim_heap()
    finally:
        store.close()
