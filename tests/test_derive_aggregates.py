"""Corpus-wide counts (kg/derivers/aggregates.py) and the report facts they are made of (kg.derive.facts_of)."""
import json
from dataclasses import asdict
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from kg.build import process
from kg.derive import ReportSummary, Summaries, derive_all, summary_from_json
from kg.derivers import aggregates
from kg.derivers.aggregates import Totals, share

ROOT = Path(__file__).resolve().parent.parent
FZ = "https://w3id.org/fazhi-kg/ont#"
D = "https://w3id.org/fazhi-kg/id/division/"
PROVINCE, CITY, COUNTY, TOWN, OTHER = (D + c for c in ("540000000000", "540600000000", "540626000000",
                                                        "540626202000", "130581200000"))
FENGQIAO, SANDIAO = "urn:m:fengqiao", "urn:m:sandiao"
CUES = {"urn:topic:awareness": ("法治意识", "法律意识"), "urn:topic:staff": ("队伍",)}


def summary(sha, **facts) -> ReportSummary:
    return ReportSummary(f"urn:report:{sha}", sha, f"{sha}.txt", facts.pop("division", TOWN), "加勤乡", 2024, **facts)


def test_a_division_counts_for_every_province_its_parent_chain_reaches_across_reports():
    # the township's report names only its county; the county's report names the rest of the chain
    town = summary("a", implements=((TOWN, FENGQIAO),), parents=((TOWN, COUNTY),))
    county = summary("b", division=COUNTY, implements=((COUNTY, FENGQIAO),), parents=((COUNTY, CITY), (CITY, PROVINCE)),
                     provinces=(PROVINCE,))
    t = Totals.of(share(s, CUES) for s in (town, county))
    assert t.adoption() == {(PROVINCE, FENGQIAO): (2, 0)}
    assert t.spread() == {FENGQIAO: (1, 2)}


def test_a_province_counts_for_itself_and_a_division_without_province_counts_nowhere():
    p = summary("a", division=PROVINCE, implements=((PROVINCE, SANDIAO),), provinces=(PROVINCE,))
    lost = summary("b", division=OTHER, implements=((OTHER, SANDIAO),))
    t = Totals.of(share(s, CUES) for s in (p, lost))
    assert t.adoption() == {(PROVINCE, SANDIAO): (1, 0)}
    assert t.spread() == {SANDIAO: (1, 1)}


def test_planning_only_excludes_divisions_that_implement_in_any_report_and_counts_each_division_once():
    chain = dict(parents=((TOWN, PROVINCE),), provinces=(PROVINCE,))
    r2023 = summary("a", plans=((TOWN, FENGQIAO), (TOWN, SANDIAO)), **chain)
    r2024 = summary("b", implements=((TOWN, FENGQIAO),), plans=((TOWN, SANDIAO),), **chain)
    t = Totals.of(share(s, CUES) for s in (r2023, r2024))
    assert t.adoption() == {(PROVINCE, FENGQIAO): (1, 0), (PROVINCE, SANDIAO): (0, 1)}


def test_shortcoming_topics_count_reports_and_points_by_cue():
    a = summary("a", shortcoming_points=("法治意识有待提高", "执法队伍力量薄弱", "法律意识淡薄"))
    b = summary("b", shortcoming_points=("普法形式单一",))
    c = summary("c", shortcoming_points=("法治意识不强",))
    t = Totals.of(share(s, CUES) for s in (a, b, c))
    assert dict(t.topics) == {"urn:topic:awareness": [2, 3], "urn:topic:staff": [1, 1]}


def test_report_counts_and_missing_parts_are_in_the_graph():
    s = summary("a", implements=((TOWN, FENGQIAO), (COUNTY, FENGQIAO), (TOWN, SANDIAO)),
                participates=((TOWN, "urn:c:xianfa"),), measurements=4,
                section_types=(FZ + "Achievements", FZ + "Shortcomings"))
    g = set(aggregates.derive([s]))
    r = URIRef(s.report)
    assert {o for _, p, o in g if p == URIRef(FZ + "lacksSectionType")} == \
        {URIRef(FZ + "ResponsibilityPerformance"), URIRef(FZ + "NextYearPlan")}
    for name, n in (("mechanismCount", 2), ("campaignCount", 1), ("figureCount", 4)):
        assert (r, URIRef(FZ + name), Literal(n, datatype=XSD.integer)) in g
    turnout = {x for x, p, o in g if p == RDF.type and o == URIRef(FZ + "CampaignTurnout")}
    assert len(turnout) == 1


def test_a_seed_report_summary_has_its_facts_and_survives_the_manifest():
    s = process(ROOT / "seeds" / "004_913615f662c886fc.txt").summary
    assert s.implements and s.parents and s.provinces and s.shortcoming_points and s.measurements
    assert {t.rsplit("#", 1)[1] for t in s.section_types} >= {"Achievements", "Shortcomings", "NextYearPlan"}
    assert all(d == s.division for d, _ in s.implements)          # a township report states its own facts
    assert summary_from_json(json.dumps(asdict(s), ensure_ascii=False)) == s


def test_an_old_manifest_summary_still_loads():
    old = '{"report": "r", "sha256": "ab", "source_file": "a.txt", "division": "d", "division_name": "加勤乡", "year": 2024, "passages": []}'
    s = summary_from_json(old)
    assert s.implements == () and s.measurements == 0


def _cached(summaries, cache) -> set:
    by_sha = {s.sha256: s for s in summaries}
    triples = derive_all(Summaries(by_sha, lambda hs: [by_sha[h] for h in hs]), cache, "test")
    per_report = {FZ + p for p in ("lacksSectionType", "mechanismCount", "campaignCount", "figureCount")}
    return {t for t in triples if "/id/count/" in str(t[0]) or str(t[1]) in per_report}


def _plain(summaries) -> set:
    return {t for t in aggregates.derive(sorted(summaries, key=lambda s: s.sha256))}


def test_derivation_with_a_cache_equals_derivation_from_scratch_after_every_change(tmp_path):
    cache = tmp_path / "cache.sqlite"
    chain = dict(parents=((TOWN, PROVINCE),), provinces=(PROVINCE,))
    a = summary("a", implements=((TOWN, FENGQIAO),), **chain)
    b = summary("b", plans=((TOWN, SANDIAO),), shortcoming_points=("法治意识有待提高",), **chain)
    c = summary("c", division=PROVINCE, implements=((PROVINCE, SANDIAO),), provinces=(PROVINCE,))
    for corpus in ([a, b], [a, b, c], [b, c], [c], [a, c]):
        assert _cached(corpus, cache) == _plain(corpus), [s.sha256 for s in corpus]
    import sqlite3
    kept = {r[0] for r in sqlite3.connect(cache).execute("SELECT sha256 FROM derive_aggregates_share")}
    assert kept == {"a", "c"}
