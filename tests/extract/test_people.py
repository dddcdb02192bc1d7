"""kg.extract.people: people named with a role, and only what the text states."""
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, RDFS

from kg import iri
from kg.build import ontology_into, process
from kg.extract import people
from kg.model import Document, SourceText
from kg.normalize import normalize
from kg.sections import structure
from kg.validate import validate_graph

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FZ = Namespace(iri.ONT)


def doc_of(text: str) -> Document:
    source = SourceText("t.txt", "t.txt", text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    return structure(source, normalize(source.text))


def found(text: str) -> list[tuple[str, tuple[str, ...], str]]:
    """(name, roles, level) per person mention."""
    return [(dict(m.attrs)["name"], tuple(v for k, v in m.attrs if k == "role"), dict(m.attrs)["level"])
            for m in people.extract(doc_of(text))]


def test_seeds_name_one_person_with_two_roles():
    everyone = [p for path in SEEDS for p in found(path.read_text("utf-8"))]
    assert everyone == [("柴绍峰", ("乡党委书记", "四级调研员"), "township")]


@pytest.mark.parametrize("text, expected", [
    ("由镇党委书记王小明任组长,镇长刘洋、副书记陈静任副组长。",
     [("王小明", ("镇党委书记",), "township"), ("刘洋", ("镇长",), "township"), ("陈静", ("副书记",), "")]),
    ("街道党工委书记、办事处主任欧阳明同志主持会议。", [("欧阳明", ("街道党工委书记", "办事处主任"), "township")]),
    ("县委常委、政法委书记张建国一行到我乡调研。", [("张建国", ("县委常委", "政法委书记"), "county")]),
    ("苏木达巴特尔同志带队开展普法。", [("巴特尔", ("苏木达",), "township")]),       # no surname: 同志 says so
    ("驻村第一书记扎西次仁同志宣讲政策。", [("扎西次仁", ("驻村第一书记",), "")]),
    ("张三同志任乡党委书记。", [("张三", ("乡党委书记",), "township")]),
    ("鎮黨委書記王小明同志主持會議。", [("王小明", ("镇党委书记",), "township")]),     # traditional
    ("镇长高峰同志主持会议。", [("高峰", ("镇长",), "township")]),
])
def test_people(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "成立全面依法治乡委员会,由乡党委书记担任主任,政府乡长为副主任。",   # roles, no names (大村乡)
    "乡党委书记高度重视,主任安排部署,司法所所长管理到位。",             # words after roles, not names
    "人民调解员杨某某调解纠纷。",
    "书记和乡长亲自抓。",
    "党政主要负责人履行第一责任人职责。",
    "组长单位要牵头抓总。",
    "镇长高峰主持会议。",          # 高峰 is also a word: without 同志 it stays unnamed
])
def test_no_people(text):
    assert found(text) == []


# -- the graph --------------------------------------------------------------------------------------

OPENING = ("坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届二中、三中全会精神，"
           "深入学习贯彻习近平法治思想，紧紧围绕法治政府建设目标，扎实推进各项工作，为经济社会发展提供了坚实的法治保障。")
REPORT = """安多县色务乡2024年度法治政府建设情况报告
2024年，色务乡""" + OPENING + """现将有关情况报告如下：
一、主要做法及成效
成立了以乡党委书记、四级调研员柴绍峰同志为组长的领导小组。县委常委、政法委书记张建国一行到我乡调研。
村党支部书记李明同志讲授法律知识。
二、存在问题与不足
法治意识有待加强。
三、下一步工作计划
加强普法。
"""


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Graph:
    path = tmp_path_factory.mktemp("people") / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    g = Graph()
    ontology_into(g)
    for t in process(path).triples:
        g.add(t)
    return g


def test_people_in_the_graph(graph):
    rows = {(str(graph.value(p, RDFS.label)), str(r), str(graph.value(graph.value(p, FZ.servesIn), RDFS.label)))
            for p, r in graph.subject_objects(FZ.roleTitle)}
    assert rows == {("柴绍峰", "乡党委书记", "色务乡"), ("柴绍峰", "四级调研员", "色务乡"),
                    ("张建国", "县委常委", "安多县"), ("张建国", "政法委书记", "安多县"),
                    ("李明", "村党支部书记", "None")}      # a village's secretary serves in no division we know


def test_evidence_for_every_role_and_division(graph):
    for p, r in graph.subject_objects(FZ.roleTitle):
        assert r.language == "zh"
        st_node = next(s for s in graph.subjects(RDF.object, r) if graph.value(s, RDF.subject) == p)
        assert graph.value(st_node, RDF.predicate) == FZ.roleTitle and graph.value(st_node, FZ.quote) is not None
    chai = next(p for p in graph.subjects(RDFS.label, Literal("柴绍峰", lang="zh")))
    assert str(chai) == f"{iri.ID}person/540624211000/{iri.slug('柴绍峰')}"


def test_graph_conforms_and_shapes_catch_breakage(graph):
    conforms, text = validate_graph(graph)
    assert conforms, text
    broken = Graph()
    for t in graph:
        broken.add(t)
    st_node = next(broken.subjects(RDF.predicate, FZ.servesIn))
    broken.remove((st_node, None, None))
    conforms, text = validate_graph(broken)
    assert not conforms and "事实缺少证据" in text


# -- robustness ------------------------------------------------------------------------------------

_SOUP = "书记乡长镇长主任调研员同志任主持王李张刘陈柴绍峰扎西、,。\n 的为"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=120), st.text(alphabet=_SOUP, max_size=120)))
def test_never_raises(text):
    d = doc_of(text)
    for m in people.extract(d):
        assert d.text[m.start:m.end] == m.surface == dict(m.attrs)["name"]
        assert 2 <= len(m.surface) <= 4 and [v for k, v in m.attrs if k == "role"]


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=160), st.text(alphabet=_SOUP, max_size=160)))
def test_emitting_never_raises(text):
    from kg.emit import report_triples
    from kg.link import Attribution, Place

    who = Attribution(Place(iri.division("540626202000"), "加勤乡", "township", "540626202000", "乡"), None, ())
    d = doc_of(text)
    for s, p, o in report_triples(d, who, list(people.extract(d))):
        assert str(s).isascii() and str(p).isascii()
