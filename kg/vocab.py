"""SKOS vocabularies from ``ontology/`` and the label matcher that finds them in text.

The vocabularies are data: every mechanism, campaign and indicator is a
``skos:Concept`` in a Turtle file, with one ``skos:altLabel`` per variant.  This
module reads them into :class:`~kg.model.Concept` objects and builds one
Aho-Corasick automaton over all labels (see ``benchmarks/bench_matcher.py`` for
why Aho-Corasick rather than jieba with a user dictionary).

Matching runs on the normalized text with quotation marks removed, so that
新时代“枫桥经验” and 行政执法“三项制度” are found as plain labels:

>>> from kg.normalize import normalize
>>> m = LabelMatcher([Concept("x:fq", "mechanism", "新时代枫桥经验", ("枫桥经验",))])
>>> [(h.surface, h.concept.pref_label) for h in m.find("发展新时代“枫桥经验”。")]
[('新时代“枫桥经验', '新时代枫桥经验')]
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import ahocorasick
from rdflib import Graph, Namespace, RDF, SKOS

from kg.model import Concept

FZ = Namespace("https://w3id.org/fazhi-kg/ont#")
ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"

# rdf:type of a concept -> the scheme name the pipeline uses.
SCHEME_OF_TYPE = {
    FZ.Mechanism: "mechanism",
    FZ.Campaign: "campaign",
    FZ.Indicator: "indicator",
    FZ.Topic: "topic",
}

# Characters removed before matching; mirrors kg.normalize.strip_quotes.
QUOTES = "“”‘’\"'「」『』"


def ontology_graph(directory: Path | None = None) -> Graph:
    """All Turtle files of the ontology directory in one rdflib graph (a new one, yours to change)."""
    g = Graph()
    for path in sorted((directory or ONTOLOGY_DIR).glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def ontology(directory: str | None = None) -> Graph:
    """The ontology graph parsed once per process and shared: do not change it.

    Parsing the Turtle takes most of a second; the concepts, the bundle taxonomy
    and any other reader of the vocabularies can share one parse.
    """
    return _ontology(str(Path(directory).resolve()) if directory else None)


@functools.cache
def _ontology(directory: str | None) -> Graph:
    return ontology_graph(Path(directory) if directory else None)


def load_concepts(directory: str | None = None) -> tuple[Concept, ...]:
    """Every curated concept of the known schemes, sorted by IRI."""
    # (load_concepts() and load_concepts(None) must share one cache entry)
    return _load_concepts(str(Path(directory).resolve()) if directory else None)


@functools.cache
def _load_concepts(directory: str | None) -> tuple[Concept, ...]:
    g = ontology(directory)
    out = []
    for rdf_type, scheme in SCHEME_OF_TYPE.items():
        for iri in set(g.subjects(RDF.type, rdf_type)):
            pref = _zh(g.objects(iri, SKOS.prefLabel))
            if not pref:
                continue
            alts = tuple(sorted(set(_zh_all(g.objects(iri, SKOS.altLabel))) - {pref[0]}))
            out.append(Concept(str(iri), scheme, pref[0], alts))
    return tuple(sorted(out, key=lambda c: c.iri))


def concepts_of(scheme: str, directory: str | None = None) -> tuple[Concept, ...]:
    return tuple(c for c in load_concepts(directory) if c.scheme == scheme)


def _zh_all(literals: Iterable) -> list[str]:
    return [str(l) for l in literals if getattr(l, "language", None) in ("zh", None) or str(getattr(l, "language", "")).startswith("zh")]


def _zh(literals: Iterable) -> list[str]:
    return sorted(_zh_all(literals))


def match_key(label: str) -> str:
    """The form a label is matched in: quotes removed, dots unified, lower case.

    >>> match_key("“12·4”国家宪法日")
    '12·4国家宪法日'
    """
    from kg.normalize import normalize

    text = normalize(label).text
    return "".join(ch for ch in text if ch not in QUOTES).lower()


@dataclass(frozen=True)
class Hit:
    start: int          # offsets in the text given to find()
    end: int
    surface: str
    concept: Concept


class LabelMatcher:
    """Leftmost-longest, non-overlapping matching of concept labels."""

    def __init__(self, concepts: Sequence[Concept]):
        self._automaton = ahocorasick.Automaton()
        owners: dict[str, Concept] = {}
        for concept in concepts:
            for label in (concept.pref_label, *concept.alt_labels):
                key = match_key(label)
                # A label shared by two concepts is a vocabulary bug; the first (by IRI) wins.
                if len(key) >= 2 and key not in owners:
                    owners[key] = concept
        for key, concept in owners.items():
            self._automaton.add_word(key, (len(key), concept))
        self.size = len(owners)
        if owners:
            self._automaton.make_automaton()
        # The last text searched and its hits: the vocabulary, bundle and discovery
        # extractors all search one document's text with the same matcher.
        self._last: tuple[str, list[Hit]] | None = None

    def find(self, text: str) -> list[Hit]:
        """Find labels in ``text``; offsets refer to ``text`` itself."""
        if not self.size:
            return []
        last = self._last        # read once: another thread may replace it
        if last is not None and last[0] is text:
            return list(last[1])
        view, shifts = _match_view(text)
        spans = []
        for end, (length, concept) in self._automaton.iter(view):
            spans.append((end - length + 1, end + 1, concept))
        # leftmost-longest: sort by start, longer first, then sweep.
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        hits, cursor = [], 0
        for start, end, concept in spans:
            if start < cursor:
                continue
            s, e = _to_text(start, shifts), _to_text(end - 1, shifts) + 1
            hits.append(Hit(s, e, text[s:e], concept))
            cursor = end
        self._last = (text, hits)
        return list(hits)


_QUOTE_RE = re.compile(f"[{re.escape(QUOTES)}]")
# The last text viewed, and its view: every extractor runs its own matchers over the same
# document text, so one report asks for the same view several times in a row.
_last_view: tuple[str, tuple[str, list[int]]] | None = None


def _match_view(text: str) -> tuple[str, list[int]]:
    """``text`` as the automata read it (quotes removed, lower case), and the removed quotes'
    positions as ``quote position - quotes before it``, for :func:`_to_text`.

    >>> _match_view("发展“枫桥经验”")
    ('发展枫桥经验', [2, 6])
    """
    global _last_view
    last = _last_view           # read once: another thread may replace it
    if last is not None and last[0] is text:
        return last[1]
    parts = _QUOTE_RE.split(text)       # (regex split is ~40x faster than str.translate here)
    shifts = list(itertools.accumulate(map(len, parts[:-1])))
    view = "".join(parts).lower()
    _last_view = (text, (view, shifts))
    return view, shifts


def _to_text(i: int, shifts: list[int]) -> int:
    """The position in the text of the view's character ``i``: ``i`` plus the quotes removed
    before it, which are those with at most ``i`` kept characters before them.

    >>> _to_text(2, [2, 6]), _to_text(5, [2, 6]), _to_text(1, [2, 6])
    (3, 6, 1)
    """
    return i + bisect.bisect_right(shifts, i)


@functools.cache
def matcher(scheme: str | tuple[str, ...]) -> LabelMatcher:
    """The cached matcher over one scheme (or several)."""
    schemes = (scheme,) if isinstance(scheme, str) else scheme
    return LabelMatcher([c for c in load_concepts() if c.scheme in schemes])
