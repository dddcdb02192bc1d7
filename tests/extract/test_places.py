"""kg.extract.places: villages and places, linked to the gazetteer's villages of the reporting division."""
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from kg import iri
from kg.build import ontology_into, process
from kg.extract import places
from kg.link import GAZETTEER_SOURCE
from kg.model import Document, SourceText
from kg.normalize import normalize
from kg.sections import structure
from kg.validate import validate_graph

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FZ = Namespace(iri.ONT)
SHUANGQUAN = "500242223000"


def doc_of(text: str) -> Document:
    source = SourceText("t.txt", "t.txt", text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    return structure(source, normalize(source.text))


def found(text: str) -> list[tuple[str, str]]:
    return [(m.kind, m.surface) for m in places.extract(doc_of(text))]


@pytest.mark.parametrize("text, expected", [
    ("在城墙村文化广场举办平安建设宣传活动。", [("village", "城墙村"), ("place", "城墙村文化广场")]),
    ("在城牆村文化廣場舉辦宣傳活動。", [("village", "城墙村"), ("place", "城墙村文化广场")]),   # traditional
    ("深入吉布图嘎查开展普法。", [("village", "吉布图嘎查")]),                              # listed as 吉布图嘎查村
    ("深入乡村、农村、各村开展普法,驻村干部进村入户。", []),
    ("完善村规民约,健全村级组织,创建民主法治示范村,建设美丽村庄,一社区开展活动。", []),   # 完善村, 健全村 … exist
    ("城墙村村委会、城墙村委会、城墙村两委。", [("village", "城墙村")] * 3),
])
def test_mentions(text, expected):
    assert found(text) == expected


def test_candidates_are_every_village_name_ending_there():
    # 新城墙村 is not a village anywhere; 城墙村 is
    assert [dict(m.attrs) for m in places.extract(doc_of("新城墙村"))][0]["candidate"] == "城墙村"


# -- the graph --------------------------------------------------------------------------------------

OPENING = ("坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届二中、三中全会精神，"
           "深入学习贯彻习近平法治思想，紧紧围绕法治政府建设目标，扎实推进各项工作，为经济社会发展提供了坚实的法治保障。")


def report(head: str, body: str) -> str:
    return (f"{head}\n2024年，{OPENING}现将有关情况报告如下：\n一、主要举措和成效\n{body}\n"
            "二、存在的不足\n法治宣传教育的方式方法还比较传统,创新不够。\n三、下一步工作计划\n加强普法,创新法治宣传教育方式。\n")


TRADITIONAL = """酉陽土家族苗族自治縣雙泉鄉2024年法治政府建設情況報告
2024年，堅持以習近平新時代中國特色社會主義思想為指導，全面貫徹黨的二十大和二十屆二中、三中全會精神，深入學習貫徹習近平法治思想，緊緊圍繞法治政府建設目標，紮實推進各項工作。現將有關情況報告如下：
一、主要舉措和成效
在城牆村文化廣場舉辦平安建設宣傳活動。
二、存在的不足
法治宣傳教育的方式方法還比較傳統，創新不夠。
三、下一步工作計劃
加強普法，創新法治宣傳教育方式。
"""


def graph_of(tmp_path: Path, text: str, encoding: str = "utf-8") -> Graph:
    path = tmp_path / "r.txt"
    path.write_bytes(text.encode(encoding))
    g = Graph()
    ontology_into(g)
    for t in process(path).triples:
        g.add(t)
    return g


def mentioned(g: Graph) -> set[tuple[str, str, str]]:
    return {(str(g.value(p, RDFS.label)), str(g.value(p, RDF.type)).rsplit("#", 1)[1],
             str(g.value(g.value(p, FZ.parentDivision) or g.value(p, FZ.locatedIn), RDFS.label)))
            for p in g.objects(None, FZ.mentionsPlace)}


def test_seed_village_and_place(tmp_path):
    seed = next(p for p in SEEDS if "双泉乡" in p.read_text("utf-8")[:100])
    g = graph_of(tmp_path, seed.read_text("utf-8"))
    assert mentioned(g) == {("城墙村", "Village", "双泉乡"), ("城墙村文化广场", "Place", "城墙村")}
    village = URIRef(f"{iri.division(SHUANGQUAN)}/village/{iri.slug('城墙村')}")
    assert (village, FZ.parentDivision, URIRef(iri.division(SHUANGQUAN))) in g
    st_node = next(s for s in g.subjects(RDF.subject, village) if g.value(s, RDF.predicate) == FZ.parentDivision)
    # the report names the village, the gazetteer says whose it is
    assert set(g.objects(st_node, PROV.wasDerivedFrom)) == {next(g.subjects(RDF.type, FZ.Report)),
                                                            URIRef(GAZETTEER_SOURCE)}
    conforms, text = validate_graph(g)
    assert conforms, text


def test_traditional_source_offsets(tmp_path):
    text = TRADITIONAL
    g = graph_of(tmp_path, text, encoding="big5")
    st_node = next(s for s in g.subjects(RDF.predicate, FZ.mentionsPlace)
                   if str(g.value(g.value(s, RDF.object), RDFS.label)) == "城墙村")
    assert text[int(g.value(st_node, FZ.charStart)):int(g.value(st_node, FZ.charEnd))] == "城牆村"


def test_another_townships_village_is_not_linked(tmp_path):
    # 几荣村 is a village of 加勤乡 (索县), not of 双泉乡
    g = graph_of(tmp_path, report("酉阳土家族苗族自治县双泉乡2024年法治政府建设情况报告", "在几荣村、城墙村开展普法。"))
    assert {lab for lab, _, _ in mentioned(g)} == {"城墙村"}


def test_unresolved_township_links_no_village(tmp_path):
    # 永和镇 names no county: its villages cannot be known
    g = graph_of(tmp_path, report("永和镇人民政府关于2024年法治政府建设情况的报告", "在城墙村开展普法。"))
    assert mentioned(g) == set()


def test_sumu_village_listed_with_another_suffix(tmp_path):
    g = graph_of(tmp_path, report("阿鲁科尔沁旗巴彦温都尔苏木2024年度法治政府建设情况报告",
                                  "在吉布图嘎查文化广场开展普法宣传。"))
    assert mentioned(g) == {("吉布图嘎查村", "Village", "巴彦温都尔苏木"), ("吉布图嘎查文化广场", "Place", "吉布图嘎查村")}


def test_county_report_finds_the_township_of_its_village(tmp_path):
    g = graph_of(tmp_path, report("酉阳土家族苗族自治县2024年法治政府建设情况报告", "在城墙村开展普法。"))
    assert mentioned(g) == {("城墙村", "Village", "双泉乡")}
    town = URIRef(iri.division(SHUANGQUAN))
    assert (town, RDF.type, FZ.Township) in g and (town, FZ.parentDivision, URIRef(iri.division("500242000000"))) in g
    conforms, text = validate_graph(g)
    assert conforms, text


def test_terms_are_declared_in_facts_ttl():
    from rdflib.namespace import OWL

    g = Graph().parse(ROOT / "ontology" / "facts.ttl")
    for term in ("Place", "mentionsPlace", "locatedIn"):
        assert set(g.objects(FZ[term], RDF.type)) & {OWL.Class, OWL.ObjectProperty}, term
        assert {o.language for o in g.objects(FZ[term], RDFS.label)} >= {"zh", "en"}, term


# -- robustness ------------------------------------------------------------------------------------

_SOUP = "城墙村社区嘎查文化广场活动室乡镇各的,。\n 新吉布图"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=120), st.text(alphabet=_SOUP, max_size=120)))
def test_never_raises(text):
    d = doc_of(text)
    for m in places.extract(d):
        assert d.text[m.start:m.end] == m.surface
        first = dict(m.attrs)["candidate"]
        assert m.surface == first if m.kind == "village" else m.surface.startswith(first)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=160), st.text(alphabet=_SOUP, max_size=160)))
def test_emitting_never_raises(text):
    from kg.emit import report_triples
    from kg.link import Attribution, Place

    who = Attribution(Place(iri.division("540626202000"), "加勤乡", "township", "540626202000", "乡"), None, ())
    d = doc_of(text)
    for s, p, o in report_triples(d, who, list(places.extract(d))):
        assert str(s).isascii() and str(p).isascii()
