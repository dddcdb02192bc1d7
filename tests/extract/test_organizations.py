"""kg.extract.organizations: bodies a report names, linked to the division they belong to."""
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from rdflib import Graph, Namespace
from rdflib.namespace import RDF, RDFS, SKOS

from kg import iri
from kg.build import ontology_into, process
from kg.extract import organizations as orgs
from kg.model import Document, SourceText
from kg.normalize import normalize
from kg.sections import structure
from kg.validate import validate_graph
from kg.vocab import match_key

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FZ = Namespace(iri.ONT)


def doc_of(text: str) -> Document:
    source = SourceText("t.txt", "t.txt", text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    return structure(source, normalize(source.text))


def found(text: str) -> list[tuple[str, str, str]]:
    """(name, type prefLabel, level) of every organization mention."""
    labels = orgs.vocabulary().labels
    return [(dict(m.attrs)["name"], labels[dict(m.attrs)["type"]], dict(m.attrs)["level"])
            for m in orgs.extract(doc_of(text))]


def seed(township: str) -> str:
    texts = [p.read_text("utf-8") for p in SEEDS if township in p.read_text("utf-8")[:300]]
    assert len(texts) == 1, township
    return texts[0]


# -- the seeds ------------------------------------------------------------------------------------

@pytest.mark.parametrize("township, name, type_label, level", [
    ("加勤乡", "法治建设工作领导小组", "法治建设领导小组", ""),
    ("加勤乡", "人民调解委员会", "人民调解委员会", "township"),          # 成立了乡村两级人民调解委员会
    ("加勤乡", "党委理论学习中心组", "理论学习中心组", "township"),
    ("双泉乡", "司法所", "司法所", "township"),                          # 联合乡司法所
    ("双泉乡", "依法治县办", "依法治理委员会办公室", "county"),          # 在县依法治县办的正确指导下
    ("双泉乡", "矛盾纠纷调解室", "调解室", "village"),                   # 各村配齐矛盾纠纷调解室
    ("永和镇", "法治政府建设工作领导小组", "法治建设领导小组", "township"),  # 我镇成立了…
    ("永和镇", "纪委", "纪律检查委员会", "township"),                    # 联合镇纪委
    ("永和镇", "财政所", "财政所", ""),
    ("大村乡", "全面依法治乡委员会", "全面依法治理委员会", ""),
    ("大村乡", "便民服务中心", "便民服务中心", ""),
    ("色务乡", "一站式矛盾纠纷调解中心", "矛盾纠纷调解中心", ""),
])
def test_seed_organizations(township, name, type_label, level):
    assert (name, type_label, level) in found(seed(township))


def test_seed_finds_nothing_else_in_jiaqin():
    assert {n for n, _, _ in found(seed("加勤乡"))} == {"法治建设工作领导小组", "人民调解委员会", "党委理论学习中心组"}


# -- variants ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("成立了全面依法治苏木委员会。", [("全面依法治苏木委员会", "全面依法治理委员会", "")]),
    ("街道综治中心受理纠纷。", [("综治中心", "综治中心", "township")]),
    ("聯合鎮司法所開展普法。", [("司法所", "司法所", "township")]),                       # traditional
    ("成立了乡村振兴工作领导小组。", [("乡村振兴工作领导小组", "领导小组", "")]),          # 乡村 is no level
    ("调整平安建设领导小组成员。", [("平安建设领导小组", "领导小组", "")]),
    ("配合县司法局开展培训。", [("司法局", "政府工作部门", "county")]),
    ("邀请司法局、人民法院来乡授课。", [("司法局", "政府工作部门", "county"), ("人民法院", "人民法院", "county")]),
    ("城墙村人民调解委员会调解纠纷。", [("人民调解委员会", "人民调解委员会", "village")]),
    ("农村人民调解委员会调解纠纷。", [("人民调解委员会", "人民调解委员会", "")]),
    ("南宫市人民法院巡回审判。", [("人民法院", "人民法院", "county")]),
])
def test_variants(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "调整领导小组成员。",                              # a head alone names nothing
    "选举产生村民委员会、村务监督委员会。",            # villages' own bodies
    "学习《人民调解委员会组织条例》。",                # inside a title
    "在学校开展模拟法庭活动。",
    "建立健全工作机制,形成工作格局。",
])
def test_not_organizations(text):
    assert found(text) == []


def test_village_words_before_a_body_make_it_a_villages():
    assert found("各村人民调解委员会调解纠纷。") == [("人民调解委员会", "人民调解委员会", "village")]
    assert found("村级公共法律服务工作站全覆盖。") == [("公共法律服务工作站", "公共法律服务工作站", "village")]


# -- the graph --------------------------------------------------------------------------------------

OPENING = ("坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届二中、三中全会精神，"
           "深入学习贯彻习近平法治思想，紧紧围绕法治政府建设目标，扎实推进各项工作，为经济社会发展提供了坚实的法治保障。")
REPORT = """酉阳土家族苗族自治县双泉乡人民政府关于2024年法治政府建设情况的报告
2024年，双泉乡""" + OPENING + """现将有关情况报告如下：
一、主要举措和成效
在县依法治县办的指导下，成立了以乡党委书记为组长的法治建设工作领导小组，乡司法所、县人民法院联合开展普法。各村配齐矛盾纠纷调解室。一站式矛盾纠纷调解中心运行良好，规范一站式矛盾纠纷调解中心台账。
二、存在的不足
法治建设工作领导小组作用发挥不够。
三、下一步工作计划
成立法律顾问工作领导小组。
"""


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Graph:
    path = tmp_path_factory.mktemp("orgs") / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    g = Graph()
    ontology_into(g)
    for t in process(path).triples:
        g.add(t)
    return g


def has(g: Graph) -> set[tuple[str, str, str]]:
    return {(str(g.value(d, RDFS.label)), str(g.value(o, RDFS.label)),
             str(g.value(g.value(o, FZ.organizationType), SKOS.prefLabel)))
            for d, o in g.subject_objects(FZ.hasOrganization)}


def test_organizations_are_linked_to_their_division(graph):
    assert has(graph) == {
        ("双泉乡", "法治建设工作领导小组", "法治建设领导小组"),
        ("双泉乡", "司法所", "司法所"),
        ("双泉乡", "一站式矛盾纠纷调解中心", "矛盾纠纷调解中心"),
        ("酉阳土家族苗族自治县", "依法治县办", "依法治理委员会办公室"),
        ("酉阳土家族苗族自治县", "人民法院", "人民法院"),
    }   # not the villages' 调解室, not the planned 法律顾问工作领导小组


def test_one_node_per_division_and_name_with_evidence_per_mention(graph):
    centre = [o for o in graph.objects(None, FZ.hasOrganization) if str(graph.value(o, RDFS.label)) == "一站式矛盾纠纷调解中心"]
    assert len(set(centre)) == 1
    assert str(centre[0]) == f"{iri.ID}organization/500242223000/{iri.slug('一站式矛盾纠纷调解中心')}"
    evidence = [s for s in graph.subjects(RDF.object, centre[0]) if graph.value(s, RDF.predicate) == FZ.hasOrganization]
    assert len(evidence) == 2
    quotes = {str(graph.value(s, FZ.quote)) for s in evidence}
    assert quotes == {"一站式矛盾纠纷调解中心运行良好，规范一站式矛盾纠纷调解中心台账。"}


def test_graph_conforms_and_shapes_catch_breakage(graph):
    conforms, text = validate_graph(graph)
    assert conforms, text
    broken = Graph()
    for t in graph:
        broken.add(t)
    org = next(broken.objects(None, FZ.hasOrganization))
    broken.remove((org, FZ.organizationType, None))
    conforms, text = validate_graph(broken)
    assert not conforms and "机构须有且仅有一个机构类型" in text


# -- the vocabulary ---------------------------------------------------------------------------------

def test_vocabulary_is_well_formed():
    g = Graph().parse(orgs.VOCAB_FILE)
    owners: dict[str, set] = {}
    types = set(g.subjects(RDF.type, FZ.OrganizationType))
    assert len(types) >= 25
    for t in types:
        pref = [str(o) for o in g.objects(t, SKOS.prefLabel) if o.language == "zh"]
        assert len(pref) == 1 and str(t) == f"{iri.ID}organization-type/{iri.slug(pref[0])}", t
        assert [o for o in g.objects(t, SKOS.prefLabel) if o.language == "en"], t
        heads = list(g.objects(t, FZ.nameHead))
        if heads:    # a generic type is only found through its heads, never by its label alone
            assert not list(g.objects(t, SKOS.broader)), t
            continue
        for lab in (*pref, *(str(o) for o in g.objects(t, SKOS.altLabel))):
            owners.setdefault(match_key(lab), set()).add(t)
    assert not {k: v for k, v in owners.items() if len(v) > 1}
    for a, b in g.subject_objects(SKOS.broader):
        assert (b, SKOS.narrower, a) in g


def test_terms_are_declared_in_facts_ttl():
    from rdflib.namespace import OWL

    g = Graph().parse(ROOT / "ontology" / "facts.ttl")
    for term in ("Organization", "OrganizationType", "hasOrganization", "organizationType", "nameHead"):
        assert set(g.objects(FZ[term], RDF.type)) & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, term
        assert {o.language for o in g.objects(FZ[term], RDFS.label)} >= {"zh", "en"}, term


# -- robustness ------------------------------------------------------------------------------------

_SOUP = "委员会领导小组司法所调解中心工作站乡镇县村市各的了成立联合《》、,。\n 12"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=120), st.text(alphabet=_SOUP, max_size=120)))
def test_never_raises(text):
    d = doc_of(text)
    for m in orgs.extract(d):
        assert 0 <= m.start < m.end <= len(d.text) and d.text[m.start:m.end] == m.surface
        assert dict(m.attrs)["level"] in ("", *orgs.LEVELS)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=160), st.text(alphabet=_SOUP, max_size=160)))
def test_emitting_never_raises(text):
    from kg.emit import report_triples
    from kg.link import Attribution, Place

    who = Attribution(Place(iri.division("540626202000"), "加勤乡", "township", "540626202000", "乡"), None, ())
    d = doc_of(text)
    for s, p, o in report_triples(d, who, list(orgs.extract(d))):
        assert str(s).isascii() and str(p).isascii()


# --- one body named twice (sentences written for these tests) ------------------------------------

def test_two_wordings_of_one_group_are_one_organization():
    from kg.extract.organizations import extract
    from kg.model import SourceText
    from kg.normalize import normalize
    from kg.sections import structure
    text = ("关于2024年法治政府建设情况的报告\n一、主要成效\n调整充实镇法治建设领导小组，全年召开会议4次。"
            "法治建设工作领导小组办公室设在司法所。成立法治政府建设工作领导小组和全面依法治镇工作领导小组。"
            "依法治镇领导小组听取汇报。")
    doc = structure(SourceText("r.txt", "r.txt", text, "utf-8", ""), normalize(text))
    names = [dict(m.attrs)["name"] for m in extract(doc) if m.surface.endswith("领导小组")]
    assert names[:3] == ["法治建设工作领导小组", "法治建设工作领导小组", "法治政府建设工作领导小组"]
    assert names[3] == names[4] and names[3].endswith("依法治镇工作领导小组")
    assert len(set(names)) == 3
