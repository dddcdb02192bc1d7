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

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import ahocorasick
from rdflib import Graph, Namespace, RDF, SKOS, URIRef

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
    """All Turtle files of the ontology directory in one rdflib graph."""
    g = Graph()
    for path in sorted((directory or ONTOLOGY_DIR).glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@functools.cache
def load_concepts(directory: str | None = None) -> tuple[Concept, ...]:
    """Every curated concept of the known schemes, sorted by IRI."""
    g = ontology_graph(Path(directory) if directory else None)
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

    def find(self, text: str) -> list[Hit]:
        """Find labels in ``text``; offsets refer to ``text`` itself."""
        if not self.size:
            return []
        kept_index = [i for i, ch in enumerate(text) if ch not in QUOTES]
        view = "".join(text[i] for i in kept_index).lower()
        spans = []
        for end, (length, concept) in self._automaton.iter(view):
            spans.append((end - length + 1, end + 1, concept))
        # leftmost-longest: sort by start, longer first, then sweep.
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        hits, cursor = [], 0
        for start, end, concept in spans:
            if start < cursor:
                continue
            s, e = kept_index[start], kept_index[end - 1] + 1
            hits.append(Hit(s, e, text[s:e], concept))
            cursor = end
        return hits


@functools.cache
def matcher(scheme: str | tuple[str, ...]) -> LabelMatcher:
    """The cached matcher over one scheme (or several)."""
    schemes = (scheme,) if isinstance(scheme, str) else scheme
    return LabelMatcher([c for c in load_concepts() if c.scheme in schemes])
