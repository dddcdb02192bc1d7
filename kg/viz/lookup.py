"""The corpus indexed the ways the views look things up: links by division and by concept, degrees, file names.

Built once per ``kg viz`` run; every view module reads it.

>>> from kg.analysis.corpus import Corpus, Link, Division
>>> lk = Lookup.of(Corpus({"https://x/division/130581200000": Division("https://x/division/130581200000", "大村乡", "Township")},
...                       {}, (Link("https://x/division/130581200000", "implements", "m"),)))
>>> lk.degree["m"], lk.file_of("https://x/division/130581200000")
(1, '130581200000')
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Mapping

from kg.analysis.corpus import ADOPTION, Corpus, Link, Measurement


@dataclass(frozen=True)
class Lookup:
    corpus: Corpus
    by_division: Mapping[str, tuple[Link, ...]]
    by_concept: Mapping[str, tuple[Link, ...]]
    counts: Mapping[str, Counter]       # division -> predicate -> links
    degree: Mapping[str, int]           # links of any predicate, per division or concept
    adopters: Mapping[str, int]         # concept -> divisions that implement / participate
    planners: Mapping[str, int]         # concept -> divisions that only plan it
    files: Mapping[str, str]            # IRI -> file stem, unique and ASCII
    measures: Mapping[str, tuple[Measurement, ...]] = None   # division -> its figures

    @classmethod
    def of(cls, corpus: Corpus) -> "Lookup":
        by_d, by_c = defaultdict(list), defaultdict(list)
        counts: dict[str, Counter] = defaultdict(Counter)
        for l in corpus.links:
            by_d[l.division].append(l)
            by_c[l.concept].append(l)
            counts[l.division][l.predicate] += 1
        degree = Counter({k: len(v) for k, v in by_d.items()}) + Counter({k: len(v) for k, v in by_c.items()})
        adopters, planners = Counter(), Counter()
        for c, links in by_c.items():
            doing = {l.division for l in links if l.predicate in ADOPTION}
            adopters[c] = len(doing)
            planners[c] = len({l.division for l in links if l.predicate == "plans"} - doing)
        measures = defaultdict(list)
        for m in corpus.measurements:
            measures[m.division].append(m)
        return cls(corpus, {k: tuple(v) for k, v in by_d.items()}, {k: tuple(v) for k, v in by_c.items()},
                   counts, dict(degree), dict(adopters), dict(planners),
                   _file_names([*corpus.divisions, *corpus.concepts]), {k: tuple(v) for k, v in measures.items()})

    def file_of(self, iri: str) -> str:
        return self.files[iri]

    def label(self, iri: str) -> str:
        c = self.corpus
        return c.divisions[iri].label if iri in c.divisions else c.concepts[iri].label if iri in c.concepts else iri


def _file_names(iris) -> dict[str, str]:
    """The IRI's last segment made safe for a file name; two IRIs with the same one get a hash suffix."""
    stems: dict[str, list[str]] = defaultdict(list)
    for iri in sorted(set(iris)):
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]).strip("-")
        stems[(stem or "x")[:80]].append(iri)
    out = {}
    for stem, group in stems.items():
        for iri in group:
            out[iri] = stem if len(group) == 1 else f"{stem}-{hashlib.sha1(iri.encode()).hexdigest()[:8]}"
    return out
