"""Who publishes report number *i*: a real township, county or county department.

Real reports come from about 38,000 townships, 2,800 counties and many county
departments; here 80 % of the reports are township reports, 10 % county reports
and 10 % department reports (attributed to their county, as kg/link.py does).
Each kind's divisions are shuffled once per seed; report *i* takes the next one
of its kind, and once a kind's list is used up it starts again a year earlier,
so no division reports twice on the same year.

>>> pool = Pool.load(seed=1)
>>> a, b = pool.who(0), pool.who(0)
>>> a == b and a.issuer == "township" and a.township is not None
True
>>> [pool.who(i).issuer for i in (15, 16, 18)]
['township', 'county', 'department']
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from typing import Optional

from kg.gazetteer import Division, Gazetteer

TOWNSHIP_KINDS = frozenset({"乡", "镇", "民族乡", "苏木", "街道"})
COUNTY_KINDS = frozenset({"县", "区", "县级市", "自治县", "旗", "自治旗"})
# Out of every 20 reports: 16 township, 2 county, 2 department reports.
_CYCLE, _TOWNSHIPS, _COUNTIES = 20, 16, 2
FIRST_YEAR, LAST_YEAR = 2019, 2024


@dataclass(frozen=True)
class Who:
    """The reporting body of one report and its place in the gazetteer."""

    issuer: str                      # "township" | "county" | "department"
    year: int
    township: Optional[Division]     # None for county and department reports
    county: Division
    prefecture: Optional[Division]   # None under a province-level municipality or 省直辖
    province: Division
    department: str = ""             # 司法局 … for department reports

    @property
    def division(self) -> Division:
        """The division the report is about (a department's report is its county's)."""
        return self.township or self.county


class Pool:
    """The divisions of one seed, in their shuffled order."""

    def __init__(self, gazetteer: Gazetteer, seed: int, departments: tuple[str, ...] = ("司法局",)):
        self.gazetteer = gazetteer
        self.departments = departments
        townships, counties = [], []
        for d in gazetteer:
            if d.abolished or not d.code:
                continue
            if d.level == "township" and d.kind in TOWNSHIP_KINDS and self._county_of(d) is not None:
                townships.append(d)
            elif d.level == "county" and d.kind in COUNTY_KINDS and self._province_of(d) is not None:
                counties.append(d)
        rng = random.Random(f"divisions:{seed}")
        townships.sort(key=lambda d: d.code)
        counties.sort(key=lambda d: d.code)
        rng.shuffle(townships)
        rng.shuffle(counties)
        self.townships, self.counties = townships, counties

    @classmethod
    def load(cls, seed: int, departments: tuple[str, ...] = ("司法局",)) -> "Pool":
        return _cached(seed, departments)

    def _county_of(self, township: Division) -> Optional[Division]:
        parent = self.gazetteer.get(township.parent) if township.parent else None
        return parent if parent is not None and parent.level == "county" and parent.code else None

    def _province_of(self, d: Division) -> Optional[Division]:
        chain = self.gazetteer.chain(d.code)
        return chain[-1] if chain and chain[-1].level == "province" else None

    def who(self, i: int) -> Who:
        """The reporting body of report ``i`` (deterministic for the seed)."""
        block, slot = divmod(i, _CYCLE)
        if slot < _TOWNSHIPS:
            j = block * _TOWNSHIPS + slot
            town = self.townships[j % len(self.townships)]
            return self._who("township", town, self._county_of(town), self._year(j, len(self.townships)))
        j = block * _COUNTIES + (slot - _TOWNSHIPS) % _COUNTIES
        issuer = "county" if slot < _TOWNSHIPS + _COUNTIES else "department"
        # departments walk the counties from the other end, so that a county's own
        # report and its department's are not the same report numbers
        k = j if issuer == "county" else len(self.counties) - 1 - j % len(self.counties)
        county = self.counties[k % len(self.counties)]
        dept = self.departments[(j // len(self.counties) + k) % len(self.departments)] if issuer == "department" else ""
        return self._who(issuer, None, county, self._year(j, len(self.counties)), dept)

    def _who(self, issuer, town, county, year, dept="") -> Who:
        chain = self.gazetteer.chain(county.code)
        prefecture = next((d for d in chain if d.level == "prefecture"), None)
        return Who(issuer, year, town, county, prefecture, chain[-1], dept)

    @staticmethod
    def _year(j: int, size: int) -> int:
        # the position spreads first reports over the years; each further round is a year earlier
        span = LAST_YEAR - FIRST_YEAR + 1
        return LAST_YEAR - ((j % size) * 7 + j // size) % span


@functools.cache
def _cached(seed: int, departments: tuple[str, ...]) -> Pool:
    return Pool(Gazetteer.load(), seed, departments)
