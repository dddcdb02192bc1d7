"""Text reuse across reports: groups around a template, similarity, direction, boilerplate."""
from __future__ import annotations

import dataclasses
import hashlib
import random
from pathlib import Path

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

import kg.scratch
from kg import iri
from kg.derive import Passage, ReportSummary
from kg.derivers import reuse
from kg.derivers.reuse import FZ, derive, find_groups, mask

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
DIV = "https://w3id.org/fazhi-kg/id/division/"


def _paragraphs(name: str) -> list[str]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if len(line.strip()) >= 80]


# Real paragraphs: 加勤乡's on dispute resolution and on legal publicity, 色务乡's on petitions,
# 大村乡's on administrative enforcement.
JIAQIN = _paragraphs("000_4e8d029ddc923378.txt")
MEDIATION = next(p for p in JIAQIN if p.startswith("一是完善矛盾纠纷多元化解机制"))
PUBLICITY = next(p for p in JIAQIN if p.startswith("一是深入开展“法律七进”活动"))
SEWU = next(p for p in _paragraphs("004_913615f662c886fc.txt") if "畅通信访渠道" in p)
DACUN = next(p for p in _paragraphs("003_b24c3119e0d03373.txt") if p.startswith("大村乡持续规范行政执法行为"))


def summary(code: str, name: str, year: int | None, *texts: str) -> ReportSummary:
    """A report of division ``code`` whose passages are ``texts`` (one per line)."""
    sha = hashlib.sha256(f"{code}{name}{year}".encode("utf-8")).hexdigest()
    passages, pos = [], 0
    for t in texts:
        passages.append(Passage(pos, pos + len(t), t))
        pos += len(t) + 1
    return ReportSummary(iri.report(sha), sha, f"{name}{year}.txt", DIV + code, name, year, tuple(passages))


def filled(template: str, name: str, figure: int) -> str:
    """A template paragraph as a township fills it in: its own name, its own figures."""
    import re

    return re.sub(r"\d+", str(figure), template.replace("加勤乡", name))


COUNTY = summary("540626000000", "索县", 2024, MEDIATION.replace("加勤乡", "全县"), PUBLICITY.replace("加勤乡", "全县"))
TOWNS = [
    summary("540626202000", "加勤乡", 2024, filled(MEDIATION, "加勤乡", 2), SEWU),
    summary("540626201000", "赤多乡", 2024, filled(MEDIATION, "赤多乡", 5), DACUN),
    summary("540626203000", "嘎木乡", 2024, filled(MEDIATION, "嘎木乡", 3)),
]


def test_mask_removes_what_a_copy_changes():
    assert mask("2024年，加勤乡共开展法治宣传活动58场次。", ("加勤乡",)) == mask("2023年，赤多乡共开展法治宣传活动7场次！", ("赤多乡",))
    assert mask("加勤乡“法律七进”", ("加勤乡", "加勤")) == "〇法律七进"


def test_independent_reports_share_no_passage():
    seeds = [summary(f"54062620{i}000", n, 2024, *_paragraphs(f)) for i, (n, f) in enumerate(
        [("加勤乡", "000_4e8d029ddc923378.txt"), ("色务乡", "004_913615f662c886fc.txt"), ("大村乡", "003_b24c3119e0d03373.txt"),
         ("双泉乡", "001_7fcf7b579bc80cd2.txt"), ("永和镇", "002_879416a33f48ecb3.txt")])]
    assert find_groups(seeds) == []


def test_a_county_template_copied_by_townships_is_one_group_around_the_county_passage():
    groups = find_groups([*TOWNS, COUNTY])
    assert len(groups) == 1
    g = groups[0]
    assert g.template.summary is COUNTY and g.template.passage.text.startswith("一是完善矛盾纠纷多元化解机制")
    assert sorted(c.ref.summary.division_name for c in g.copies) == ["加勤乡", "嘎木乡", "赤多乡"]
    assert all(0.8 <= c.similarity <= 1.0 for c in g.copies)
    assert g.division_count == 4 and g.boilerplate
    assert all(reuse.directed(g.template, c.ref) for c in g.copies)      # the county's text came first


def test_graph_of_a_template_group():
    g = Graph()
    for t in derive([*TOWNS, COUNTY]):
        g.add(t)
    group = g.value(predicate=RDF.type, object=FZ.ReuseGroup, any=False)
    template = g.value(group, FZ.template)
    assert g.value(template, PROV.wasDerivedFrom) == URIRef(COUNTY.report)
    assert int(g.value(group, FZ.divisionCount)) == 4 and int(g.value(group, FZ.passageCount)) == 4
    assert g.value(group, FZ.boilerplate) == Literal(True)
    reuses = list(g.subjects(RDF.type, FZ.TextReuse))
    assert len(reuses) == 3
    for r in reuses:
        assert g.value(r, FZ.sourcePassage) == template
        assert g.value(r, FZ.directed) == Literal(True) and g.value(r, FZ.boilerplate) == Literal(True)
        copy = g.value(r, FZ.passage)
        assert g.value(copy, FZ.copyWeight) == Literal("0.25", datatype=XSD.decimal)   # canonical, as the store keeps it
        start, end = int(g.value(copy, FZ.charStart)), int(g.value(copy, FZ.charEnd))
        report = str(g.value(copy, PROV.wasDerivedFrom))
        town = next(t for t in TOWNS if t.report == report)
        assert town.passages[0].start == start and town.passages[0].end == end
        assert (URIRef(report), FZ.reusesTextOf, URIRef(COUNTY.report)) in g


def test_peers_of_one_year_share_text_without_a_direction():
    a = summary("540626202000", "加勤乡", 2024, filled(PUBLICITY, "加勤乡", 58))
    b = summary("540624211000", "色务乡", 2024, filled(PUBLICITY, "色务乡", 12))
    [group] = find_groups([a, b])
    assert not group.boilerplate and group.division_count == 2
    assert not reuse.directed(group.template, group.copies[0].ref)
    triples = set(derive([a, b]))
    (copy_report, source_report) = (group.copies[0].ref.summary.report, group.template.summary.report)
    assert (URIRef(copy_report), FZ.sharesTextWith, URIRef(source_report)) in triples
    assert not any(p == FZ.reusesTextOf for _, p, _ in triples)


def test_a_township_reusing_its_own_earlier_report_is_directed_and_not_boilerplate():
    old = summary("540626202000", "加勤乡", 2023, filled(PUBLICITY, "加勤乡", 40))
    new = summary("540626202000", "加勤乡", 2024, filled(PUBLICITY, "加勤乡", 58))
    [group] = find_groups([new, old])
    assert group.template.summary is old and group.copies[0].ref.summary is new
    assert reuse.directed(group.template, group.copies[0].ref) and not group.boilerplate


def test_an_edited_copy_scores_below_one_and_a_rewrite_is_not_a_copy():
    edited = PUBLICITY.replace("创作编排法治文艺节目，通过文艺演出的形式向群众宣传法律知识", "组织法治电影放映")
    a = summary("540626202000", "加勤乡", 2024, PUBLICITY)
    b = summary("540624211000", "色务乡", 2024, edited)
    [group] = find_groups([a, b])
    assert reuse.THRESHOLD <= group.copies[0].similarity < 1.0
    half = PUBLICITY[: len(PUBLICITY) // 3] + DACUN[len(DACUN) // 3:]
    assert find_groups([a, summary("540624211000", "色务乡", 2024, half)]) == []


def test_a_paragraph_repeated_inside_one_report_is_not_reuse():
    assert find_groups([summary("540626202000", "加勤乡", 2024, MEDIATION, SEWU, MEDIATION)]) == []


def test_short_passages_are_left_out():
    line = "（一）加强组织领导，健全法治建设工作机制和工作格局"
    assert find_groups([summary("540626202000", "加勤乡", 2024, line), summary("540624211000", "色务乡", 2024, line)]) == []


def test_the_result_does_not_depend_on_input_order():
    reports = [*TOWNS, COUNTY, summary("540624211000", "色务乡", 2023, filled(PUBLICITY, "色务乡", 9))]
    expected = set(derive(reports))
    shuffled = reports[:]
    random.Random(7).shuffle(shuffled)
    assert set(derive(shuffled)) == expected and expected


def test_many_copies_are_found_through_lsh():
    """120 townships filling in one county template among their own text: one group, every copy in it."""
    own = [p for f in sorted(SEEDS.glob("*.txt")) for p in _paragraphs(f.name) if p != MEDIATION]
    towns = []
    for i in range(120):
        extra = own[i % len(own)].replace("。", f"，第{i}项。")
        towns.append(summary(f"5406262{i:02d}000"[:12], f"第{i}乡", 2024, filled(MEDIATION, f"第{i}乡", i), extra))
    groups = find_groups([COUNTY, *towns])
    mediation = [g for g in groups if g.template.summary is COUNTY and g.template.index == 0]
    assert len(mediation) == 1 and len(mediation[0].copies) == 120
    assert mediation[0].boilerplate


def test_the_derived_graph_conforms_to_the_shapes():
    data = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if not path.name.startswith("shapes"):
            data.parse(path)
    for s in [*TOWNS, COUNTY]:
        data.add((URIRef(s.report), RDF.type, FZ.Report))
    for t in derive([*TOWNS, COUNTY]):
        data.add(t)
    shapes = Graph().parse(ROOT / "ontology" / "shapes-taxonomy.ttl")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text
    # and a copy claimed from its own report breaks them
    reuse_node = next(data.subjects(RDF.type, FZ.TextReuse))
    source = data.value(reuse_node, FZ.sourcePassage)
    data.set((data.value(reuse_node, FZ.passage), PROV.wasDerivedFrom, data.value(source, PROV.wasDerivedFrom)))
    conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert not conforms


# --- incremental derivation ----------------------------------------------------------------------

def _county_and_towns(rng: random.Random, n: int) -> list[ReportSummary]:
    """A county's template paragraphs, and townships filling them in (some edited) among their own text."""
    own = [p for f in sorted(SEEDS.glob("*.txt")) for p in _paragraphs(f.name)]
    county = summary("540626000000", "索县", 2024, MEDIATION.replace("加勤乡", "全县"), PUBLICITY.replace("加勤乡", "全县"))
    reports = [county]
    for i in range(n):
        name = f"第{i}乡"
        texts = [own[rng.randrange(len(own))]]
        for template in (MEDIATION, PUBLICITY):
            if rng.random() < 0.7:
                text = filled(template, name, rng.randrange(1, 99))
                if rng.random() < 0.4:           # an edited copy: part of it rewritten
                    cut = rng.randrange(len(text) // 3, len(text))
                    text = text[:cut] + own[rng.randrange(len(own))][: rng.randrange(10, 80)]
                texts.append(text)
        reports.append(summary(f"5406262{i:02d}000"[:12], name, rng.choice([2023, 2024]), *texts))
    return reports


def _derived(reports, cache, oxigraph=False, keys=None):
    """The triples of the cached derivation; ``keys``: a dict of block key → its triples, kept
    across calls, in which a key must always stand for the same triples."""
    from kg.derive import DeriveCache, Summaries

    by_sha = {s.sha256: s for s in reports}
    store = DeriveCache(cache, "test")
    got = set()
    try:
        for block in reuse.derive_cached(Summaries(by_sha, lambda hs: [by_sha[h] for h in hs]), store, oxigraph):
            triples = frozenset(block.triples())
            if keys is not None:
                assert keys.setdefault(block.key, triples) == triples, "one block key, two sets of triples"
            got |= triples
        return got
    finally:
        store.close()


def test_derivation_with_a_cache_equals_derivation_from_scratch_after_every_change(tmp_path):
    """Reports come and go (the county whose passages are templates, townships, edited copies):
    what the cache gives is what a run over everything gives, every time."""
    rng = random.Random(11)
    pool = _county_and_towns(rng, 40)
    cache = tmp_path / "derive-cache.sqlite"
    current = pool[:30]
    keys = {}
    for step in range(12):
        got = _derived(current, cache, keys=keys)
        assert got == set(derive(current)), f"step {step}"
        if step == 0:
            assert any(p == FZ.reusesTextOf for _, p, _ in got)
        # the next change: the county leaves or comes back, townships leave, come or change
        current = [s for s in current if rng.random() > 0.1 and not (step % 3 == 0 and s is pool[0])]
        if step % 3 == 1 and pool[0] not in current:
            current.append(pool[0])
        current += [s for s in pool if s not in current and rng.random() < 0.15]
        if current:
            i = rng.randrange(len(current))
            s = current[i]
            text = s.passages[-1].text
            edited = summary(s.division[len(DIV):], s.division_name, s.year, *(p.text for p in s.passages[:-1]),
                             text[: len(text) // 2] + f"（修订{step}）" + PUBLICITY[:60])
            sha = hashlib.sha256(repr(edited.passages).encode("utf-8")).hexdigest()   # new content, new hash
            current[i] = dataclasses.replace(edited, sha256=sha, report=iri.report(sha))
    assert _derived([], cache) == set()


def test_the_store_gets_the_same_triples_in_pyoxigraph_terms(tmp_path):
    from kg.store import to_ox

    reports = [*TOWNS, COUNTY, summary("540624211000", "色务乡", 2024, filled(PUBLICITY, "色务乡", 12))]
    expected = {tuple(map(to_ox, t)) for t in derive(reports)}
    assert _derived(reports, tmp_path / "c.sqlite", oxigraph=True) == expected and expected


def test_the_cache_keeps_only_reports_of_the_corpus_and_its_own_version(tmp_path):
    import sqlite3

    cache = tmp_path / "derive-cache.sqlite"
    _derived([*TOWNS, COUNTY], cache)
    _derived(TOWNS[:2], cache)
    db = sqlite3.connect(cache)
    assert sorted(r[0] for r in db.execute("SELECT sha256 FROM derive_reuse_report")) == sorted(t.sha256 for t in TOWNS[:2])
    db.close()
    from kg.derive import DeriveCache

    DeriveCache(cache, "another pipeline").close()       # another version: nothing of the old one is kept
    db = sqlite3.connect(cache)
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'derive_reuse_report'").fetchall() == []


def test_templates_collected_along_a_long_run_are_those_a_full_read_finds(tmp_path, monkeypatch):
    """Under a band key with many passages the earlier templates are collected as the decisions
    pass them (reuse._Earlier); reading every run whole, or collecting along every run, and
    keeping the masked texts of only two reports at a time give the same graph, from scratch and
    after changes."""
    rng = random.Random(5)
    pool = _county_and_towns(rng, 60)
    # Several templates under one key: a township's rewrite of the county's paragraph (too far
    # from it to be a copy, close enough to share keys) is itself copied by later townships.
    half = len(MEDIATION) * 2 // 3
    variant = MEDIATION[:half] + DACUN[: len(MEDIATION) - half]
    pool[1:1] = [summary("540626290000", "第90乡", 2023, filled(variant, "第90乡", 1)),
                 *(summary(f"5406262{91 + i}000", f"第{91 + i}乡", 2024, filled(variant, f"第{91 + i}乡", i))
                   for i in range(6))]
    first, second = pool[:45], pool[:20] + pool[25:60]
    results = []
    for big_run, texts in ((10 ** 9, 10 ** 6), (1, 10 ** 6), (4, 2)):
        monkeypatch.setattr(reuse, "BIG_RUN", big_run)
        monkeypatch.setattr(reuse, "TEXT_CACHE", texts)
        cache = tmp_path / f"cache-{big_run}-{texts}.sqlite"
        results.append((set(derive(first)), _derived(first, cache), _derived(second, cache)))
    assert results[0][0] == results[0][1] and any(p == FZ.reusesTextOf for _, p, _ in results[0][0])
    groups = find_groups(first)
    assert any(g.template.summary.division_name == "第90乡" and len(g.copies) == 6 for g in groups)
    assert results[1] == results[0] and results[2] == results[0]


def test_a_copy_is_decided_once_when_everything_is_decided():
    """From scratch every passage that shares a key is decided once, in order: nothing is queued twice."""
    reports = _county_and_towns(random.Random(3), 50)
    corpus = reuse.Corpus(reuse.prepare(sorted(reports, key=lambda s: s.sha256)))
    assert reuse.decide(corpus, None) == len(corpus.shared()) > 50


def test_every_earlier_template_sharing_a_key_is_a_candidate(monkeypatch):
    """What reuse._Earlier hands to the comparison holds every earlier template that shares a
    band key with the passage (checked against all pairs), when runs are read whole and when
    templates are collected along them, from scratch and when every passage is decided again."""
    reports = sorted(_county_and_towns(random.Random(9), 40), key=lambda s: s.sha256)
    real_best = reuse._best
    checked = []

    def best(corpus, j, candidates, *args):
        keys = set(corpus.run_of[j].tolist())
        brute = {i for i in range(j) if corpus.leader[i] and keys & set(corpus.run_of[i].tolist())}
        assert {int(i) for i in candidates if corpus.leader[i]} == brute, j
        checked.append(j)
        return real_best(corpus, j, candidates, *args)

    monkeypatch.setattr(reuse, "_best", best)
    for big_run in (1, 3, 10 ** 9):
        monkeypatch.setattr(reuse, "BIG_RUN", big_run)
        corpus = reuse.Corpus(reuse.prepare(reports))
        reuse.decide(corpus, None)
        reuse.decide(corpus, range(len(corpus)))
    assert len(checked) > 300


def test_the_index_on_disk_in_small_chunks_gives_the_same_graph_and_leaves_no_scratch(tmp_path, monkeypatch):
    """The cached derivation keeps its index in a scratch folder beside the cache: read a few
    signatures at a time and released every few passages, it gives the graph the in-memory
    derivation gives; the folder is gone afterwards, and one a killed build left is removed."""
    rng = random.Random(17)
    pool = _county_and_towns(rng, 30)
    expected = set(derive(pool))
    monkeypatch.setattr(reuse, "SIGNATURE_CHUNK", 3)
    monkeypatch.setattr(reuse, "PREPARE_CHUNK", 4)
    monkeypatch.setattr(reuse, "CHECK_EVERY", 2)
    monkeypatch.setattr(kg.scratch, "RESIDENT_BUDGET", -1)         # every look releases
    stale = tmp_path / "scratch-killed"
    stale.mkdir()
    (stale / "sorted_pos").write_bytes(b"\0" * 64)
    seen, folders = [], []
    real = reuse.Scratch

    def spy(parent):
        seen.append(real(parent))
        folders.append(seen[-1].folder)
        return seen[-1]

    monkeypatch.setattr(reuse, "Scratch", spy)
    assert _derived(pool, tmp_path / "c.sqlite") == expected
    assert any(p == FZ.reusesTextOf for _, p, _ in expected)
    assert folders and folders[0].parent == tmp_path and seen[0].folder is None   # on disk, then closed
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == []
    assert _derived(pool[5:], tmp_path / "c.sqlite") == set(derive(pool[5:]))


def test_forgetting_the_texts_after_deciding_leaves_every_group_as_it_was():
    """Writing the groups needs no masked text nor template shingles: the caches of both are
    emptied before it (they were the derivation's peak at 50,000 reports), the groups stay."""
    reports = sorted(_county_and_towns(random.Random(5), 40), key=lambda s: s.sha256)
    corpus = reuse.Corpus(reuse.prepare(reports))
    reuse.decide(corpus, None)
    summary = lambda r: corpus.reports[r].light        # noqa: E731
    before = [t for g in corpus.groups(summary) for t in reuse.group_triples(g)]
    assert before and corpus._shingles
    corpus.forget_texts()
    assert not corpus._shingles and not corpus._texts
    assert [t for g in corpus.groups(summary) for t in reuse.group_triples(g)] == before
