"""Bundles (行政执法三项制度, 三调联动): parts found without false positives, the bundle inferred by section."""
from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from kg.build import ontology_into, process
from kg.extract.bundles import cue_hits, taxonomy

ROOT = Path(__file__).resolve().parents[2]
FZ = Namespace("https://w3id.org/fazhi-kg/ont#")
M = Namespace("https://w3id.org/fazhi-kg/id/mechanism/")
THREE = M["xing-zheng-zhi-fa-san-xiang-zhi-du"]
SANTIAO = M["san-tiao-lian-dong"]

HEAD = """南宫市大村乡人民政府
关于2024年度法治政府建设情况报告
2024年，在南宫市委、市政府的正确领导下，在市级相关部门的大力支持帮助下，大村乡坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届二中、三中全会精神，深入学习贯彻习近平法治思想，紧紧围绕市委、市政府中心工作，坚持依法决策、推进依法行政，扎实开展法治政府建设各项工作。现将有关情况报告如下：
"""


def report(achievements: str = "", shortcomings: str = "", plans: str = "") -> str:
    """A report in the seeds' layout with the three parts given."""
    return (HEAD + "一、主要举措和成效\n（一）规范行政执法行为\n" + (achievements or "持续加强行政执法队伍建设。") + "\n"
            + "二、存在的不足\n" + (shortcomings or "部分干部法治意识有待提高。") + "\n"
            + "三、2025年工作计划\n" + (plans or "进一步加大农村普法宣传力度。") + "\n")


def graph_of(tmp_path: Path, text: str, encoding: str = "utf-8") -> Graph:
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(encoding))
    g = Graph()
    for t in process(path).triples:
        g.add(t)
    return g


def statements(g: Graph, predicate=None, obj=None) -> list[URIRef]:
    return [st for st in g.subjects(RDF.type, RDF.Statement)
            if (predicate is None or g.value(st, RDF.predicate) == predicate) and (obj is None or g.value(st, RDF.object) == obj)]


def inferred(g: Graph) -> list[tuple]:
    return sorted((g.value(st, RDF.predicate), g.value(st, RDF.object)) for st in statements(g)
                  if g.value(st, FZ.inferred) == Literal(True))


# --- the vocabulary ------------------------------------------------------------------------------

def test_the_bundles_and_their_parts():
    bundles = {b.concept.pref_label: b for b in taxonomy().bundles}
    assert sorted(p.pref_label for p in bundles["行政执法三项制度"].parts) == ["执法全过程记录制度", "行政执法公示制度", "重大执法决定法制审核制度"]
    assert bundles["行政执法三项制度"].scope == "report"
    assert sorted(p.pref_label for p in bundles["三调联动"].parts) == ["人民调解制度", "司法调解制度", "行政调解制度"]
    assert bundles["三调联动"].scope == "sentence"


def test_parts_are_narrower_and_the_taxonomy_terms_are_documented():
    g = Graph()
    for name in ("mechanisms.ttl", "taxonomy.ttl"):
        g.parse(ROOT / "ontology" / name)
    for bundle, part in g.subject_objects(FZ.hasPart):
        assert (bundle, SKOS.narrower, part) in g and (part, SKOS.broader, bundle) in g and (part, FZ.isPartOf, bundle) in g
    declared = {s for s in g.subjects(RDF.type, None) if str(s).startswith(str(FZ))}
    assert {FZ.hasPart, FZ.partCue, FZ.inferred, FZ.TextReuse, FZ.similarity, FZ.copyWeight} <= declared
    for term in declared:
        langs = {l.language for l in g.objects(term, RDFS.label)}
        assert {"zh", "en"} <= langs and g.value(term, RDFS.comment) is not None, term
    assert (FZ.isPartOf, RDFS.subPropertyOf, SKOS.broader) in g and (FZ.hasPart, OWL.inverseOf, FZ.isPartOf) in g


# --- parts named by their cue --------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("加强人民调解工作，充分发挥人民调解在化解矛盾纠纷中的基础性作用。", ["人民调解", "人民调解"]),
    ("建立了人民调解、行政调解、司法调解“三调联动”工作机制。", ["人民调解", "行政调解", "司法调解"]),
    # the cue as the first half of another word is not the mechanism
    ("成立了乡村两级人民调解委员会，配备人民调解员2名，及时调解各类矛盾纠纷。", []),
    ("全力办好办实“人民调解员”“法律明白人”等，全乡确定法律明白人30名，人民调解员6名。", []),
    ("组织学习《中华人民共和国人民调解法》，规范人民调解协议书制作。", []),
    ("设立行政调解室，签订行政调解协议书3份。", []),
])
def test_cues_count_only_as_the_mechanism(text, expected):
    assert [h.surface for h in cue_hits(text)] == expected


def test_a_cue_inside_a_curated_label_is_left_to_that_label():
    from kg.vocab import matcher

    text = "完善人民调解、行政调解、司法调解联动工作体系。"
    curated = matcher(("mechanism", "campaign")).find(text)
    assert [h.concept.pref_label for h in curated] == ["三调联动"]
    assert cue_hits(text, curated) == []


# --- the bundle, inferred ------------------------------------------------------------------------

def test_yonghe_names_all_three_parts_and_implements_the_bundle_as_inferred():
    path = ROOT / "seeds" / "002_879416a33f48ecb3.txt"
    source = path.read_text(encoding="utf-8")
    g = Graph()
    for t in process(path).triples:
        g.add(t)
    town = next(g.objects(None, FZ.division))
    assert (town, FZ.implements, THREE) in g
    [st] = [s for s in statements(g, FZ.implements, THREE)]
    assert g.value(st, FZ.inferred) == Literal(True)
    start, end = int(g.value(st, FZ.charStart)), int(g.value(st, FZ.charEnd))
    assert source[start:end] == "行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度"
    assert "完善行政执法公示制度" in str(g.value(st, FZ.quote))
    sources = set(g.objects(st, PROV.wasDerivedFrom))
    report = next(s for s in sources if (s, RDF.type, FZ.Report) in g)
    parts = sources - {report}
    assert len(parts) == 3
    assert {g.value(p, RDF.object) for p in parts} == {M["xing-zheng-zhi-fa-gong-shi-zhi-du"], M["zhi-fa-quan-guo-cheng-ji-lu-zhi-du"],
                                                       M["zhong-da-zhi-fa-jue-ding-fa-zhi-shen-he-zhi-du"]}
    assert all(g.value(p, RDF.predicate) == FZ.implements and g.value(p, RDF.subject) == town for p in parts)


def test_the_contract_evidence_query_reads_the_inferred_statement_like_any_other():
    g = Graph()
    for t in process(ROOT / "seeds" / "002_879416a33f48ecb3.txt").triples:
        g.add(t)
    ontology_into(g)
    query = ROOT.parent / "shared" / "spec" / "acceptance" / "06-evidence.rq"
    text = query.read_text(encoding="utf-8") if query.exists() else """
        PREFIX fz: <https://w3id.org/fazhi-kg/ont#> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?township ?mechanism ?file ?start ?end ?quote WHERE {
          ?st a rdf:Statement ; rdf:subject ?t ; rdf:predicate fz:implements ; rdf:object ?m ;
              prov:wasDerivedFrom ?r ; fz:quote ?q ; fz:charStart ?s ; fz:charEnd ?e .
          ?r a fz:Report ; fz:sourceFile ?f .
          ?t rdfs:label ?tl . FILTER(LANG(?tl) = "zh") ?m skos:prefLabel ?ml .
          BIND(STR(?tl) AS ?township) BIND(STR(?ml) AS ?mechanism) BIND(STR(?f) AS ?file)
          BIND(STR(?s) AS ?start) BIND(STR(?e) AS ?end) BIND(STR(?q) AS ?quote) }"""
    rows = [r for r in g.query(text) if str(r["mechanism"]) == "行政执法三项制度"]
    assert len(rows) == 1                       # one statement, one span: no cross product of offsets
    source = (ROOT / "seeds" / str(rows[0]["file"])).read_text(encoding="utf-8")
    assert source[int(rows[0]["start"]):int(rows[0]["end"])].startswith("行政执法公示制度")


def test_parts_in_the_plan_give_an_inferred_plan(tmp_path):
    g = graph_of(tmp_path, report(plans="严格落实行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度。"))
    assert inferred(g) == [(FZ.plans, THREE)]
    assert not list(g.subjects(FZ.implements, THREE))


def test_parts_named_only_among_the_shortcomings_give_nothing(tmp_path):
    g = graph_of(tmp_path, report(shortcomings="行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度落实不够到位。"))
    assert inferred(g) == []
    assert not list(g.subjects(None, THREE))


def test_parts_split_between_work_and_plan_give_neither(tmp_path):
    g = graph_of(tmp_path, report(achievements="完善行政执法公示制度和执法全过程记录制度。",
                                  plans="推行重大执法决定法制审核制度。"))
    assert inferred(g) == []
    assert (None, FZ.plans, M["zhong-da-zhi-fa-jue-ding-fa-zhi-shen-he-zhi-du"]) in g


def test_report_scope_parts_may_stand_apart_and_the_span_covers_them(tmp_path):
    text = report(achievements="全面推行行政执法公示制度。严格执行执法全过程记录制度。\n落实重大执法决定法制审核制度。")
    g = graph_of(tmp_path, text)
    [st] = statements(g, FZ.implements, THREE)
    start, end = int(g.value(st, FZ.charStart)), int(g.value(st, FZ.charEnd))
    assert text[start:end].startswith("行政执法公示制度") and text[start:end].endswith("重大执法决定法制审核制度")
    assert str(g.value(st, FZ.quote)).count(" … ") == 2      # the three sentences


def test_the_linkage_needs_its_parts_in_one_sentence(tmp_path):
    together = report(achievements="推动人民调解、行政调解、司法调解有机衔接、相互协调，化解各类纠纷。")
    assert inferred(graph_of(tmp_path, together)) == [(FZ.implements, SANTIAO)]
    apart = report(achievements="加强人民调解工作。规范行政调解程序。\n配合法院做好司法调解。")
    g = graph_of(tmp_path, apart)
    assert inferred(g) == []
    assert {M["ren-min-tiao-jie-zhi-du"], M["xing-zheng-tiao-jie-zhi-du"], M["si-fa-tiao-jie-zhi-du"]} <= set(g.objects(None, FZ.implements))


def test_traditional_characters(tmp_path):
    text = report(achievements="推動人民調解、行政調解、司法調解有機銜接，化解各類糾紛。")
    g = graph_of(tmp_path, text, encoding="gb18030")
    assert inferred(g) == [(FZ.implements, SANTIAO)]


def test_no_inference_when_the_report_names_the_bundle_itself():
    g = Graph()
    for t in process(ROOT / "seeds" / "000_4e8d029ddc923378.txt").triples:    # 加勤乡: 人民调解、行政调解、司法调解“三调联动”
        g.add(t)
    assert [g.value(st, FZ.inferred) for st in statements(g, FZ.implements, SANTIAO)] == [None]


def test_a_report_with_an_inferred_bundle_conforms_to_the_shapes():
    g = Graph()
    for t in process(ROOT / "seeds" / "002_879416a33f48ecb3.txt").triples:
        g.add(t)
    ontology_into(g)
    shapes = Graph()
    for path in sorted((ROOT / "ontology").glob("shapes*.ttl")):
        shapes.parse(path)
    conforms, _, text = pyshacl.validate(g, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text
    st = next(st for st in statements(g, FZ.implements, THREE))
    for part in [p for p in g.objects(st, PROV.wasDerivedFrom) if (p, RDF.type, RDF.Statement) in g]:
        g.remove((st, PROV.wasDerivedFrom, part))
    conforms, _, _ = pyshacl.validate(g, shacl_graph=shapes, inference="none", advanced=True)
    assert not conforms
