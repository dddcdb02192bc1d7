"""Corpus-level facts, recomputed from per-report summaries after every build.

Some facts need more than one report: text reused across reports, a
township's first year with a mechanism.  Extraction sees one report at a time
and leaves a small :class:`ReportSummary`; after the reports are in, every
registered deriver runs over all summaries and returns triples that go into
the graph (the store keeps them in a graph of their own, recomputed whenever
a report changes, so derived facts stay true).

A deriver is a module in :mod:`kg.derivers` with ``NAME`` and
``derive(summaries) -> Iterable[Triple]``; being there registers it.  A deriver
may also have ``derive_cached(summaries, cache)``, which returns the same triples
but keeps what it computed per report in a :class:`DeriveCache`, so that a
build after a small change costs about what changed (:func:`derive_all`).
"""
from __future__ import annotations

import importlib
import json
import pkgutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

from kg.model import Document


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


def summarize(doc: Document, report: str, division: str, division_name: str) -> ReportSummary:
    """The part of a processed report that corpus-level derivers need: its paragraphs."""
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
    return ReportSummary(report, doc.source.sha256, doc.source.name, division, division_name, doc.year, tuple(passages))


Deriver = Callable[[Sequence[ReportSummary]], Iterable[tuple]]


def summary_from_json(text: str) -> ReportSummary:
    """A summary as the manifest keeps it (``dataclasses.asdict`` as JSON), read back.

    >>> summary_from_json('{"report": "r", "sha256": "ab", "source_file": "a.txt", "division": "d", '
    ...                   '"division_name": "加勤乡", "year": 2024, "passages": [{"start": 0, "end": 3, "text": "一二三"}]}').passages
    (Passage(start=0, end=3, text='一二三'),)
    """
    d = json.loads(text)
    d["passages"] = tuple(Passage(**p) for p in d.get("passages", ()))
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
    """The triples of every registered deriver.

    ``cache``: a :class:`DeriveCache` file (the build's ``DIR/manifest.sqlite``) and
    ``version`` the pipeline's fingerprint: a deriver with ``derive_cached(summaries,
    cache, oxigraph)`` then reuses what it computed for unchanged reports, and reads
    only the changed reports' summaries when ``summaries`` is a :class:`Summaries`.
    The triples are the same with or without a cache.  ``oxigraph``: such a deriver
    makes its terms with pyoxigraph rather than rdflib (for the store, which takes
    them as they are); others always yield rdflib terms.
    """
    found = derivers()
    modules = _modules() if cache is not None and version else {}
    if not any(hasattr(m, "derive_cached") for m in modules.values()):
        ordered = sorted(summaries, key=lambda s: s.sha256)   # input order must not change the result
        for fn in found.values():
            yield from fn(ordered)
        return
    if not isinstance(summaries, Summaries):
        by_sha = {s.sha256: s for s in summaries}
        summaries = Summaries(by_sha, lambda hs: [by_sha[h] for h in hs])
    store = DeriveCache(cache, version)
    try:
        for name, fn in found.items():
            mod = modules.get(name)
            if mod is not None and fn is mod.derive and hasattr(mod, "derive_cached"):
                yield from mod.derive_cached(summaries, store, oxigraph)
            else:
                yield from fn(list(summaries))
    finally:
        store.close()
