"""The frozen dataclasses that cross stage boundaries.

Data flows one way through the pipeline::

    load (bytes -> SourceText) -> normalize (NormalizedText) -> structure (Document)
      -> extract (Mention) -> link (ReportFacts) -> emit (RDF)

Offsets: every ``start``/``end`` inside a :class:`Document` refers to the
*normalized* text (``doc.norm.text``).  :meth:`NormalizedText.to_source` maps a
span back to the decoded source text, which is what provenance records.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional


@dataclass(frozen=True)
class SourceText:
    """One input file, decoded.  ``text`` is exactly what the user's file says."""

    path: str           # path as given (for messages)
    name: str           # file name, recorded as fz:sourceFile
    text: str           # decoded source text (offsets in provenance refer to this)
    encoding: str       # detected encoding, e.g. "utf-8", "gb18030", "utf-16", "docx"
    sha256: str         # hex digest of the raw bytes
    metadata: tuple[tuple[str, str], ...] = ()   # e.g. (("published", "2025-01-20"),)


@dataclass(frozen=True)
class NormalizedText:
    """A normalized copy of a source text with an offset map back to it.

    ``offsets`` has ``len(text) + 1`` entries: ``offsets[i]`` is the source
    index of normalized character ``i`` and ``offsets[len(text)]`` is the source
    end.  Characters deleted by normalization (debris such as
    ``[bookmark: _GoBack]``) simply have no normalized counterpart.
    """

    text: str
    offsets: tuple[int, ...]

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized span ``[start, end)`` to a source span.

        >>> n = NormalizedText("ab", (0, 3, 4))
        >>> n.to_source(1, 2)
        (3, 4)
        """
        if end <= start:
            s = self.offsets[start]
            return s, s
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(frozen=True)
class Section:
    """A part of a report.  ``level`` 0 is the preamble (title, opening lines),
    1 a top-level part (一、), 2 a sub-part (（一）), 3 an item (1. / 一是)."""

    index: int
    level: int
    number: str                 # the numbering as written, e.g. "一", "（二）", "3"; "" for preamble
    heading: str                # the heading line/phrase (normalized text)
    start: int                  # normalized offsets; the section spans its heading and body
    end: int
    type: Optional[str] = None  # "Achievements" | "Shortcomings" | "ResponsibilityPerformance" | "NextYearPlan" | None
    parent: Optional[int] = None


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int                  # normalized offsets
    end: int
    text: str                   # normalized text of the sentence
    section: int                # index of the innermost Section containing it


@dataclass(frozen=True)
class Document:
    source: SourceText
    norm: NormalizedText
    sections: tuple[Section, ...]
    sentences: tuple[Sentence, ...]
    title: str = ""
    year: Optional[int] = None  # the year reported on, when it could be read
    _sentence_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    @property
    def text(self) -> str:
        return self.norm.text

    def sentence_at(self, pos: int) -> Optional[Sentence]:
        starts = self._sentence_starts or tuple(s.start for s in self.sentences)
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and self.sentences[i].start <= pos < self.sentences[i].end:
            return self.sentences[i]
        return None

    def section_type_at(self, pos: int) -> Optional[str]:
        """The type of the top-level part containing ``pos`` (sub-parts inherit it)."""
        best = None
        for s in self.sections:
            if s.start <= pos < s.end and s.type is not None:
                best = s.type
        return best

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.norm.to_source(start, end)

    def source_slice(self, start: int, end: int) -> str:
        s, e = self.norm.to_source(start, end)
        return self.source.text[s:e]


@dataclass(frozen=True)
class Concept:
    """A SKOS concept from a vocabulary in ontology/ (or discovered in text)."""

    iri: str
    scheme: str                 # "mechanism" | "campaign" | "indicator" | "topic" ...
    pref_label: str
    alt_labels: tuple[str, ...] = ()
    discovered: bool = False


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str
    approximate: bool = False
    value_max: Optional[Decimal] = None     # upper bound of a range such as 4-8名
    indicator: Optional[str] = None         # what is counted, as a label (simplified)


@dataclass(frozen=True)
class Mention:
    """Something an extractor found.  Offsets are normalized; ``surface`` is the
    normalized text of the span."""

    kind: str                   # "mechanism" | "campaign" | "measurement" | ...
    start: int
    end: int
    surface: str
    extractor: str
    concept: Optional[Concept] = None
    quantity: Optional[Quantity] = None
    # Extractor-specific details the emitter needs, as (key, value) pairs, e.g.
    # (("kind", "Law"), ("issuer", "加勤乡")); repeated keys are allowed.
    attrs: tuple[tuple[str, str], ...] = ()
