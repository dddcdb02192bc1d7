"""Corpus-level facts, recomputed from per-report summaries after every build.

Some facts need more than one report: text reused across reports, a
township's first year with a mechanism.  Extraction sees one report at a time
and leaves a small :class:`ReportSummary`; after the reports are in, every
registered deriver runs over all summaries and returns triples that go into
the graph (the store keeps them in a graph of their own, recomputed whenever
a report changes, so derived facts stay true).

A deriver is a module in :mod:`kg.derivers` with ``NAME`` and
``derive(summaries) -> Iterable[Triple]``; being there registers it.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence

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


def derivers() -> dict[str, Deriver]:
    import kg.derivers

    found = {}
    for info in sorted(pkgutil.iter_modules(kg.derivers.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"kg.derivers.{info.name}")
        if getattr(mod, "NAME", None) and hasattr(mod, "derive"):
            found[mod.NAME] = mod.derive
    return found


def derive_all(summaries: Sequence[ReportSummary]) -> Iterator[tuple]:
    ordered = sorted(summaries, key=lambda s: s.sha256)   # input order must not change the result
    for fn in derivers().values():
        yield from fn(ordered)
