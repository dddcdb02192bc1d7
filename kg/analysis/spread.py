"""Where and when mechanisms spread: adoption by province and prefecture, and first year seen.

Shares are of the townships *that reported*: 3 of the 12 reporting townships
of a prefecture is 25 %, whatever the prefecture's total.  A township whose
parent chain does not reach a province (e.g. a 永和镇 that names no county)
is counted under "未定".

>>> from kg.analysis.corpus import Corpus, Link, Division, Evidence
>>> d = {"p": Division("p", "甲省", "Province"), "t": Division("t", "乙镇", "Township", "p")}
>>> c = Corpus(d, {}, (Link("t", "implements", "m", (Evidence("…", "r", year=2023), Evidence("…", "s", year=2024))),
...                    Link("u", "implements", "m")))
>>> [(r.region, r.adopters, r.reporting) for r in regional_adoption(c, "Province")]
[('甲省', 1, 1), ('未定', 1, 1)]
>>> first_years(c)
{('t', 'm'): 2023}
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from kg.analysis.corpus import ADOPTION, Corpus

UNKNOWN = "未定"


@dataclass(frozen=True)
class RegionalAdoption:
    level: str              # Province | Prefecture
    region: str             # the region's label
    region_iri: str
    concept: str
    adopters: int
    reporting: int          # townships that reported facts in the region

    @property
    def share(self) -> float:
        return self.adopters / self.reporting if self.reporting else 0.0


@dataclass(frozen=True)
class Diffusion:
    concept: str
    year: int
    new: int                # townships seen with it for the first time this year
    cumulative: int


def region_of(corpus: Corpus, division: str, level: str) -> tuple[str, str]:
    iri = division if corpus.divisions.get(division) and corpus.divisions[division].kind == level \
        else corpus.ancestor_of_kind(division, level)
    return (iri, corpus.divisions[iri].label) if iri else ("", UNKNOWN)


def regional_adoption(corpus: Corpus, level: str) -> list[RegionalAdoption]:
    reporting: Counter = Counter()
    adopters: Counter = Counter()
    where = {t: region_of(corpus, t, level) for t in corpus.townships}
    for t, region in where.items():
        reporting[region] += 1
    for t, c in {(l.division, l.concept) for l in corpus.links if l.predicate in ADOPTION}:
        adopters[(where[t], c)] += 1
    rows = [RegionalAdoption(level, region[1], region[0], c, n, reporting[region]) for (region, c), n in adopters.items()]
    return sorted(rows, key=lambda r: (r.region == UNKNOWN, r.region, r.region_iri, -r.adopters, r.concept))


def first_years(corpus: Corpus) -> dict[tuple[str, str], int]:
    """(township, concept) -> the first year a report of it says it adopted the concept."""
    first: dict[tuple[str, str], int] = {}
    for l in corpus.links:
        if l.predicate not in ADOPTION:
            continue
        years = [e.year for e in l.evidence if e.year is not None]
        if years:
            key = (l.division, l.concept)
            first[key] = min(min(years), first.get(key, 10_000))
    return dict(sorted(first.items()))


def diffusion(corpus: Corpus, first: dict[tuple[str, str], int] | None = None) -> list[Diffusion]:
    """New and cumulative adopters per concept and year (meaningful when several years are present);
    ``first``: :func:`first_years`, when already computed."""
    per: dict[str, Counter] = defaultdict(Counter)
    for (_, concept), year in (first_years(corpus) if first is None else first).items():
        per[concept][year] += 1
    out = []
    for concept in sorted(per):
        total = 0
        for year in corpus.years or sorted(per[concept]):
            total += per[concept][year]
            out.append(Diffusion(concept, year, per[concept][year], total))
    return out
