"""kg.explain: names resolved to entities, every fact with its evidence, section and offsets."""
from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from kg.explain import Entity, explain, open_graph, render, resolve, GraphMissing

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
JIAQIN = "000_4e8d029ddc923378.txt"
YONGHE = "002_879416a33f48ecb3.txt"
COPY = "索县赤多乡2024年度法治政府建设情况报告.txt"


def build_graph(out: Path, extra: dict[str, str] | None = None) -> Path:
    """graph.ttl of the seeds (and ``extra`` files) as ``kg build`` writes it: ontology, reports, derived facts."""
    from rdflib import Graph

    from kg.build import process
    from kg.derive import derive_all

    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if not path.name.startswith("shapes"):
            g.parse(path)
    inputs = sorted(SEEDS.glob("*.txt"))
    for name, text in (extra or {}).items():
        (out / name).write_text(text, encoding="utf-8")
        inputs.append(out / name)
    summaries = []
    for path in inputs:
        outcome = process(path)
        for t in outcome.triples:
            g.add(t)
        summaries.append(outcome.summary)
    for t in derive_all(summaries):
        g.add(t)
    g.serialize(out / "graph.ttl", format="turtle")
    return out


def copied_report() -> str:
    """Another township of 索县 whose report copies 加勤乡's, its own name filled in."""
    return (SEEDS / JIAQIN).read_text(encoding="utf-8").replace("加勤乡", "赤多乡").replace("加勤", "赤多")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    out = build_graph(tmp_path_factory.mktemp("graph"), {COPY: copied_report()})
    return open_graph(out)


def one(store, term) -> Entity:
    found = resolve(store, term)
    assert len(found) == 1, found
    return found[0]


def test_missing_graph_names_the_file(tmp_path):
    with pytest.raises(GraphMissing, match=str(tmp_path / "graph.ttl")):
        open_graph(tmp_path)


@pytest.mark.parametrize("term, label, kind", [
    ("永和镇", "永和镇", "Township"),
    ("國家憲法日", "国家宪法日", "Campaign"),              # traditional
    ("三项制度", "行政执法三项制度", "Mechanism"),          # an altLabel
    ("“一村一律师”", "一村一法律顾问", "Mechanism"),        # quoted
    ("人民调解", "人民调解制度", "Mechanism"),              # a part cue
    ("540626202000", "加勤乡", "Township"),                # division code
    ("索县加勤乡", "加勤乡", "Township"),                  # county and township together
    ("https://w3id.org/fazhi-kg/id/division/540626000000", "索县", "County"),
])
def test_names_resolve_to_one_entity(store, term, label, kind):
    e = one(store, term)
    assert (e.label, e.kind) == (label, kind)


def test_ambiguous_and_unknown_names(store):
    found = resolve(store, "司法")
    assert len(found) > 1 and "司法调解制度" in {e.label for e in found}
    assert resolve(store, "无此名称") == []


def test_township_facts_carry_sentence_file_offsets_and_section(store):
    x = explain(store, one(store, "永和镇"))
    source = (SEEDS / YONGHE).read_text(encoding="utf-8")
    [lawyer] = [f for f in x.facts if f.other_label == "一村一法律顾问"]
    assert lawyer.predicate.endswith("#implements") and not lawyer.incoming
    spans = {source[ev.start:ev.end] for ev in lawyer.evidence}
    assert spans == {"一村一律师", "村居法律顾问"}
    ev = lawyer.evidence[0]
    assert ev.source_file == YONGHE and "落实好“一村一律师”制度" in ev.quote
    assert "加强基层法律服务" in ev.section and ev.section_type == "推进法治政府建设的主要举措和成效"
    [three] = [f for f in x.facts if f.other_label == "行政执法三项制度"]
    assert three.evidence[0].inferred
    assert set(three.evidence[0].follows_from) == {"行政执法公示制度", "执法全过程记录制度", "重大执法决定法制审核制度"}
    assert [r.source_file for r in x.reports] == [YONGHE]
    assert any(m.indicator == "信访化解率" and m.value == "98" and m.unit == "%" for m in x.measurements)
    assert any(p.startswith("候选上级县") for p, _ in x.attributes)


def test_plans_show_the_next_year_section(store):
    x = explain(store, one(store, "色务乡"))
    [plan] = [f for f in x.facts if f.predicate.endswith("#plans") and f.other_label == "人民调解制度"]
    assert plan.evidence[0].section_type == "下一年度推进法治政府建设的主要安排"


def test_campaign_shows_its_date_relations_and_who_took_part(store):
    x = explain(store, one(store, "国家宪法日"))
    attributes = dict(x.attributes)
    assert attributes["纪念日期 (observedOn)"] == ("--12-04",)
    took_part = {f.other_label for f in x.facts if f.incoming and f.predicate.endswith("#participatesIn")}
    assert {"加勤乡", "双泉乡", "赤多乡"} <= took_part
    related = dict(x.related)
    assert related["← 围绕举办 (heldAround)"] == ("宪法宣传周",)
    assert related["← 旧称 (formerNameOf)"] == ("全国法制宣传日",)


def test_text_reuse_of_a_copied_report(store):
    x = explain(store, one(store, "赤多乡"))
    assert x.reuse and all(u.other_division == "加勤乡" and float(u.similarity) >= 0.6 for u in x.reuse)
    assert all(not u.directed for u in x.reuse)                       # two townships of one year
    copy, original = copied_report(), (SEEDS / JIAQIN).read_text(encoding="utf-8")
    for u in x.reuse:
        assert u.mine.source_file == COPY and u.other.source_file == JIAQIN
        mine, theirs = copy[u.mine.start:u.mine.end], original[u.other.start:u.other.end]
        assert mine == theirs.replace("加勤乡", "赤多乡").replace("加勤", "赤多")     # the same paragraph, name filled in


def test_render_is_a_readable_tree(store):
    x = explain(store, one(store, "永和镇"))
    console = Console(record=True, width=200)
    console.print(render(x, limit=0))
    text = console.export_text()
    assert text.startswith("永和镇")
    for expected in ("实施 (implements)", "行政执法三项制度", "推断 inferred", "由以下事实推断", YONGHE, "[1523–1528]",
                     "数量 measurements", "信访化解率 = 98%"):
        assert expected in text, expected
    assert "more (--limit 0 lists all)" not in text
    console = Console(record=True, width=200)
    console.print(render(x, limit=2))
    short = console.export_text()
    assert "… 另有 18 条未列出 / 18 more (--limit 0 lists all)" in short and len(short) < len(text)


def test_a_report_without_a_title_is_listed_without_an_empty_field(store):
    x = explain(store, one(store, "加勤乡"))
    (report,) = x.reports
    assert report.title == "" and report.year
    console = Console(record=True, width=200)
    console.print(render(x))
    lines = [l.rstrip() for l in console.export_text().splitlines() if report.source_file in l]
    assert lines[0].endswith(f"{report.source_file} · {report.year}年"), lines[0]
    assert not [l for l in lines if l.endswith("·")]
