"""Curated mechanisms and campaigns found by their labels.

Every label of ``ontology/mechanisms.ttl`` and ``ontology/campaigns.ttl`` goes
into one Aho-Corasick automaton (:mod:`kg.vocab`); a hit becomes a mention of
kind ``"mechanism"`` or ``"campaign"`` with the concept attached.
"""
from __future__ import annotations

from typing import Iterator

from kg.model import Document, Mention
from kg.vocab import matcher

NAME = "vocabulary"


def extract(doc: Document) -> Iterator[Mention]:
    for hit in matcher(("mechanism", "campaign")).find(doc.text):
        yield Mention(
            kind=hit.concept.scheme,
            start=hit.start,
            end=hit.end,
            surface=hit.surface,
            extractor=NAME,
            concept=hit.concept,
        )
