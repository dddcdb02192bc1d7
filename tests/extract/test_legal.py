"""kg.extract.legal: legal and policy documents cited, their kind and issuer, with evidence."""
import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS

from kg import iri
from kg.build import ontology_into, process
from kg.extract import legal
from kg.model import Document, SourceText
from kg.normalize import normalize
from kg.sections import structure
from kg.validate import validate_graph

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FZ = Namespace(iri.ONT)
DOC = iri.ID + "legal-document/"


def doc_of(text: str) -> Document:
    source = SourceText("t.txt", "t.txt", text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    return structure(source, normalize(source.text))


def found(text: str) -> list[tuple[str, str, str]]:
    """(surface, label, kind) of every document mention."""
    return [(m.surface, dict(m.attrs)["label"], dict(m.attrs)["kind"]) for m in legal.extract(doc_of(text))]


def seed(township: str) -> str:
    texts = [p.read_text("utf-8") for p in SEEDS if township in p.read_text("utf-8")[:300]]
    assert len(texts) == 1, township
    return texts[0]


# -- the seeds ------------------------------------------------------------------------------------

@pytest.mark.parametrize("township, label, kind", [
    ("加勤乡", "加勤乡重大行政决策程序规定", "LocalNormativeDocument"),
    ("双泉乡", "中华人民共和国宪法", "Law"),
    ("双泉乡", "中华人民共和国民法典", "Law"),
    ("双泉乡", "全面推进依法行政实施纲要", "Plan"),
    ("永和镇", "中华人民共和国民法典", "Law"),
    ("永和镇", "中华人民共和国政府信息公开条例", "AdministrativeRegulation"),   # written without 《》
    ("大村乡", "南宫市法治政府建设实施方案(2021—2025年)", "Plan"),
    ("色务乡", "中华人民共和国政府信息公开条例", "AdministrativeRegulation"),
    ("色务乡", "中华人民共和国宪法", "Law"),                                   # 宪法、民法典等法律法规
])
def test_seed_documents(township, label, kind):
    assert (label, kind) in {(lab, k) for _, lab, k in found(seed(township))}


def test_seed_without_documents_is_empty_of_false_ones():
    # 加勤乡 cites one document; 宪法 appears only inside “12·4”国家宪法日
    assert found(seed("加勤乡")) == [("加勤乡重大行政决策程序规定", "加勤乡重大行政决策程序规定", "LocalNormativeDocument")]


# -- variants ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "学习《中华人民共和国宪法》。", "学习《宪法》。", "學習《中華人民共和國憲法》。", "学习宪法、民法典等法律法规。",
    "深入宣传宪法和法律。",
])
def test_variants_name_one_document(text):
    ms = [m for m in legal.extract(doc_of(text)) if m.concept.pref_label == "中华人民共和国宪法"]
    assert len(ms) == 1 and ms[0].concept.iri == DOC + iri.slug("中华人民共和国宪法")


@pytest.mark.parametrize("text, label", [
    ("贯彻《法治政府建设实施纲要（2021—2025年）》", "法治政府建设实施纲要(2021—2025年)"),
    ("贯彻《法治政府建设实施纲要(2021-2025年)》", "法治政府建设实施纲要(2021—2025年)"),
    ("贯彻《法治政府建设实施纲要》", "法治政府建设实施纲要(2021—2025年)"),
    ("贯彻《法治政府建设实施纲要（2015－2020年）》", "法治政府建设实施纲要(2015—2020年)"),
    ("落实《中国共产党支部工作条例（试行）》", "中国共产党支部工作条例(试行)"),
    ("落实《中国共产党纪律处分条例（2023年修订）》", "中国共产党纪律处分条例"),
    ("执行《“八五”普法规划》", "关于开展法治宣传教育的第八个五年规划(2021—2025年)"),
])
def test_curated_variants(text, label):
    assert [lab for _, lab, _ in found(text)] == [label]


@pytest.mark.parametrize("text", [
    "开展“12·4”国家宪法日和宪法宣传周活动。", "开展民法典宣传月活动。", "把宪法学习摆在突出位置。",
    "收看《今日说法》栏目。", "订阅《法治日报》《西藏日报》。", "推广“五老调解工作法”与《枫桥工作法》。",
    "学习《习近平法治思想学习纲要》。", "严格落实国家工作人员宪法宣誓制度。",
])
def test_not_documents(text):
    assert found(text) == []


@pytest.mark.parametrize("text, kind", [
    ("学习《中国共产党基层组织选举工作条例》", "PartyRegulation"),
    ("贯彻中共中央《关于党员干部廉洁从政的若干规定》", "PartyRegulation"),
    ("执行《内蒙古自治区矛盾纠纷多元化解条例》", "LocalRegulation"),
    ("修订《吉布图嘎查村规民约》", "VillageRule"),
    ("落实《关于加强新时代检察机关法律监督工作的意见》", "NormativeDocument"),
    ("学习《耕地保护法》", "Law"),
    ("贯彻《社会救助条例》", "AdministrativeRegulation"),
    ("贯彻国务院《关于行政执法的若干规定》", "AdministrativeRegulation"),
    ("印发《东华门街道法治宣传教育工作方案》", "Plan"),
    ("印发《东华门街道行政执法公示办法》", "LocalNormativeDocument"),
    ("印发《阿鲁科尔沁旗行政执法公示办法》", "LocalNormativeDocument"),
])
def test_discovered_kinds(text, kind):
    assert [k for _, _, k in found(text)] == [kind]


def test_discovered_documents_are_concepts_flagged_discovered():
    m = list(legal.extract(doc_of("学习《中华人民共和国耕地保护法》和《耕地保护法》。")))
    assert [x.concept.iri for x in m] == [DOC + iri.slug("中华人民共和国耕地保护法")] * 2
    assert all(x.concept.discovered for x in m)


@pytest.mark.parametrize("text, here", [
    ("2024年,我镇制定了《重大行政决策程序规定》。", True),
    ("出台《村级财务管理办法》。", True),
    ("县政府制定了《重大行政决策程序规定》。", False),         # someone else made it
    ("认真执行《重大行政决策程序规定》。", False),             # executed, not made
    ("制定了《中华人民共和国行政处罚法》宣传方案。", False),   # a national law is nobody's local document
])
def test_issued_here(text, here):
    ms = list(legal.extract(doc_of(text)))
    assert len(ms) == 1 and (dict(ms[0].attrs).get("issued_here") == "1") is here
    assert (ms[0].concept is None) is here       # a document made here is named per division


def test_made_only_in_the_plan_is_not_issued():
    text = "关于2024年法治政府建设情况的报告\n一、主要成效\n加强学习。\n二、下一步工作计划\n计划制定《重大行政决策程序规定》。\n"
    ms = list(legal.extract(doc_of(text)))
    assert len(ms) == 1 and "issued_here" not in dict(ms[0].attrs)


# -- the graph --------------------------------------------------------------------------------------

# Reports must be long enough to pass kg.sections.looks_like_report.
OPENING = ("坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大和二十届二中、三中全会精神，"
           "深入学习贯彻习近平法治思想，紧紧围绕法治政府建设目标，扎实推进各项工作，为经济社会发展提供了坚实的法治保障。")
OPENING_TRAD = ("堅持以習近平新時代中國特色社會主義思想為指導，全面貫徹黨的二十大和二十屆二中、三中全會精神，"
                "深入學習貫徹習近平法治思想，緊緊圍繞法治政府建設目標，紮實推進各項工作，為經濟社會發展提供了堅實的法治保障。")

SUMU = """阿鲁科尔沁旗巴彦温都尔苏木2024年度法治政府建设情况报告
2024年，巴彦温都尔苏木在旗委、旗政府的坚强领导下，""" + OPENING + """现将有关情况报告如下：
一、主要举措和成效
（一）加强组织领导
苏木党委理论学习中心组专题学习《中华人民共和国宪法》《民法典》4次。制定了《巴彦温都尔苏木重大行政决策程序规定》，贯彻落实《阿鲁科尔沁旗法治政府建设实施方案》。
二、存在的不足
一是部分干部法治意识不强。
三、下一步工作计划
严格执行《内蒙古自治区矛盾纠纷多元化解条例》，借鉴《南宫市法治政府建设实施方案》。
"""
TOWN_TRAD = """東華門街道2024年法治政府建設情況報告
2024年，東華門街道在東城區委、區政府的領導下，""" + OPENING_TRAD + """現將有關情況報告如下：
一、主要舉措和成效
我街道制定了《重大行政決策程序規定》，學習《中華人民共和國憲法》。
二、存在的問題
法治宣傳不夠深入。
三、下一步工作計劃
加強普法。
"""
TOWN_B = """安多县色务乡2024年度法治政府建设情况报告
2024年，色务乡""" + OPENING + """现将有关情况报告如下：
一、主要做法及成效
我乡制定了《重大行政决策程序规定》。
二、存在问题与不足
普法不够深入。
三、下一步工作计划
加强普法。
"""


def graph_of(tmp_path: Path, *texts: str, encoding: str = "utf-8") -> Graph:
    g = Graph()
    ontology_into(g)
    for i, text in enumerate(texts):
        path = tmp_path / f"r{i}.txt"
        path.write_bytes(text.encode(encoding))
        for t in process(path).triples:
            g.add(t)
    return g


@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Graph:
    return graph_of(tmp_path_factory.mktemp("legal"), SUMU, TOWN_TRAD, TOWN_B)


def label(g, node) -> str:
    return str(g.value(node, SKOS.prefLabel))


def test_cites_with_evidence_pointing_into_the_source(graph):
    cited = {(str(g_r), label(graph, d)) for g_r, d in graph.subject_objects(FZ.cites)}
    labels = {lab for _, lab in cited}
    assert {"中华人民共和国宪法", "中华人民共和国民法典", "巴彦温都尔苏木重大行政决策程序规定",
            "阿鲁科尔沁旗法治政府建设实施方案", "内蒙古自治区矛盾纠纷多元化解条例", "重大行政决策程序规定",
            "南宫市法治政府建设实施方案"} <= labels
    for st_node in graph.subjects(RDF.predicate, FZ.cites):
        assert graph.value(st_node, FZ.quote) is not None and graph.value(st_node, PROV.wasDerivedFrom) is not None
        assert int(graph.value(st_node, FZ.charStart)) < int(graph.value(st_node, FZ.charEnd))


def test_traditional_source_offsets_point_at_the_title_as_written(tmp_path):
    g = graph_of(tmp_path, TOWN_TRAD, encoding="big5")
    constitution = URIRef(DOC + iri.slug("中华人民共和国宪法"))
    st_node = next(s for s in g.subjects(RDF.predicate, FZ.cites) if g.value(s, RDF.object) == constitution)
    start, end = int(g.value(st_node, FZ.charStart)), int(g.value(st_node, FZ.charEnd))
    assert TOWN_TRAD[start:end] == "中華人民共和國憲法"


def test_issuers(graph):
    issued = {(label(graph, d), str(graph.value(by, RDFS.label))) for d, by in graph.subject_objects(FZ.issuedBy)}
    assert ("巴彦温都尔苏木重大行政决策程序规定", "巴彦温都尔苏木") in issued     # its own name in the title
    assert ("阿鲁科尔沁旗法治政府建设实施方案", "阿鲁科尔沁旗") in issued         # its county's name
    assert ("重大行政决策程序规定", "东华门街道") in issued                        # 我街道制定了《…》
    assert ("重大行政决策程序规定", "色务乡") in issued
    assert ("内蒙古自治区矛盾纠纷多元化解条例", "内蒙古自治区") in issued           # its province's
    assert not any(lab.startswith("南宫市") for lab, _ in issued)               # not in its chain: unknown


def test_documents_made_by_two_divisions_are_two_documents(graph):
    nodes = {d for d in graph.subjects(FZ.issuedBy, None) if label(graph, d) == "重大行政决策程序规定"}
    assert len(nodes) == 2 and all(str(n).isascii() for n in nodes)
    assert all(len(set(graph.objects(n, FZ.issuedBy))) == 1 for n in nodes)


def test_document_nodes(graph):
    for d in set(graph.objects(None, FZ.cites)):
        assert (d, RDF.type, FZ.LegalDocument) in graph
        assert len([lab for lab in graph.objects(d, SKOS.prefLabel) if lab.language == "zh"]) == 1
        assert len(set(graph.objects(d, FZ.documentKind))) == 1
    # a division's own document is named under the division's code
    own = next(d for d in graph.objects(None, FZ.cites) if label(graph, d) == "巴彦温都尔苏木重大行政决策程序规定")
    assert str(own) == DOC + "150421205000/" + iri.slug("巴彦温都尔苏木重大行政决策程序规定")


def test_graph_conforms_and_shapes_catch_breakage(graph):
    conforms, text = validate_graph(graph)
    assert conforms, text
    broken = Graph()
    for t in graph:
        broken.add(t)
    d = next(d for d in broken.objects(None, FZ.cites) if (d, FZ.discovered, Literal(True)) in broken)
    broken.remove((d, FZ.documentKind, None))
    st_node = next(broken.subjects(RDF.predicate, FZ.issuedBy))
    broken.remove((st_node, None, None))
    conforms, text = validate_graph(broken)
    assert not conforms
    assert "文件须有且仅有一个类别" in text and "事实缺少证据" in text


# -- the vocabulary and the ontology ---------------------------------------------------------------

def test_vocabulary_is_well_formed():
    g = Graph().parse(legal.VOCAB_FILE)
    kinds = {FZ[k] for k in ("Law", "AdministrativeRegulation", "PartyRegulation", "Plan", "NormativeDocument")}
    docs = set(g.subjects(RDF.type, FZ.LegalDocument))
    assert len(docs) >= 150
    owners: dict[str, set] = {}
    for d in docs:
        pref = [str(o) for o in g.objects(d, SKOS.prefLabel) if o.language == "zh"]
        assert len(pref) == 1, d
        assert str(d) == DOC + iri.slug(pref[0]), d
        assert g.value(d, FZ.documentKind) in kinds, d
        assert [o for o in g.objects(d, SKOS.prefLabel) if o.language == "en"], d
        for lab in (*pref, *(str(o) for o in g.objects(d, SKOS.altLabel))):
            owners.setdefault(legal.title_key(lab), set()).add(d)
    assert not {k: v for k, v in owners.items() if len(v) > 1}


def test_terms_are_declared_in_facts_ttl():
    g = Graph().parse(ROOT / "ontology" / "facts.ttl")
    for term in ("LegalDocument", "DocumentKind", "cites", "documentKind", "issuedBy", "Law", "AdministrativeRegulation",
                 "PartyRegulation", "LocalRegulation", "LocalNormativeDocument", "NormativeDocument", "Plan",
                 "VillageRule"):
        node = FZ[term]
        assert set(g.objects(node, RDF.type)) & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
                                                 OWL.NamedIndividual}, term
        assert {o.language for o in g.objects(node, RDFS.label)} >= {"zh", "en"}, term
        assert list(g.objects(node, RDFS.comment)), term


# -- robustness ------------------------------------------------------------------------------------

_SOUP = "《》〈〉“”()（）—-宪法民法典条例规定办法方案纲要中华人民共和国加勤乡南宫市制定了国务院,。\n 0123"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=120), st.text(alphabet=_SOUP, max_size=120)))
def test_never_raises(text):
    d = doc_of(text)
    for m in legal.extract(d):
        assert 0 <= m.start < m.end <= len(d.text)
        assert d.text[m.start:m.end] == m.surface


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=160), st.text(alphabet=_SOUP, max_size=160)))
def test_emitting_never_raises(text):
    from kg.emit import report_triples
    from kg.link import Attribution, Place

    who = Attribution(Place(iri.division("540626202000"), "加勤乡", "township", "540626202000", "乡"), None, ())
    d = doc_of(text)
    for s, p, o in report_triples(d, who, list(legal.extract(d))):
        assert str(s).isascii() and str(p).isascii()
