"""Curated mechanisms and campaigns found by their labels.

Every label of ``ontology/mechanisms.ttl`` and ``ontology/campaigns.ttl`` goes
into one Aho-Corasick automaton (:mod:`kg.vocab`); a hit becomes a mention of
kind ``"mechanism"`` or ``"campaign"`` with the concept attached, except where
the words name something else:

* inside the title of a law or regulation (行政执法监督 in
  《广东省行政执法监督条例》): the document is cited, the mechanism is not done;
* in the report's own title (法治政府建设年度报告 in "…2024年法治政府建设年度报告");
* followed by one of the concept's ``fz:notFollowedBy`` words (村务公开 in
  村务公开栏, a notice board).

>>> from kg.model import SourceText
>>> from kg.normalize import normalize
>>> from kg.sections import structure
>>> t = "某镇2024年法治政府建设年度报告\\n一、主要成效\\n执行《广东省行政执法监督条例》,通过村务公开栏公开信息,推行村务公开。"
>>> doc = structure(SourceText("r.txt", "r.txt", t, "utf-8", ""), normalize(t))
>>> [(m.surface, m.concept.pref_label) for m in extract(doc)]
[('村务公开', '三务公开')]
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Iterator

from rdflib import Namespace

from kg.model import Document, Mention
from kg.vocab import matcher, ontology

NAME = "vocabulary"
ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
FZ = Namespace("https://w3id.org/fazhi-kg/ont#")

# The title of a law or regulation: a label inside it is part of the document's name.
_LAW_TITLE = re.compile(r"《[^《》\n]{0,60}?(?:法|条例)(?:\([^()]*\))?》")
# A guard is checked with a closing quotation mark skipped: “村务公开”栏 is still a board.
_CLOSING = "”’\"」』"


@functools.cache
def _guards() -> dict[str, re.Pattern]:
    """Concept IRI -> the words that, right after a label, show it is another word."""
    g = ontology()      # the shared parse: only the vocabularies use fz:notFollowedBy
    out = {}
    for concept in set(g.subjects(FZ.notFollowedBy, None)):
        words = sorted({str(o) for o in g.objects(concept, FZ.notFollowedBy)}, key=lambda w: (-len(w), w))
        out[str(concept)] = re.compile(f"[{_CLOSING}]?(?:{'|'.join(map(re.escape, words))})")
    return out


def _title_end(doc: Document) -> int:
    """Where the report's own title lines end (0 when it has none)."""
    if not doc.title:
        return 0
    text, pos, end = doc.text, 0, 0
    for line in text.split("\n"):
        body = line.strip()
        if body and body not in doc.title:
            break
        pos += len(line) + 1
        end = pos if body else end
    return end


def extract(doc: Document) -> Iterator[Mention]:
    text = doc.text
    titles = [m.span() for m in _LAW_TITLE.finditer(text)]
    title_end = _title_end(doc)
    guards = _guards()
    for hit in matcher(("mechanism", "campaign")).find(text):
        if hit.end <= title_end or any(s < hit.start and hit.end < e for s, e in titles):
            continue
        guard = guards.get(hit.concept.iri)
        if guard is not None and guard.match(text, hit.end):
            continue
        yield Mention(
            kind=hit.concept.scheme,
            start=hit.start,
            end=hit.end,
            surface=hit.surface,
            extractor=NAME,
            concept=hit.concept,
        )
