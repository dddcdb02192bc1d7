"""kg.extract.items: one item per point of the shortcomings and next-year plan, with its topics."""
import hashlib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from rdflib import Graph, Namespace
from rdflib.namespace import RDF, RDFS, SKOS

from kg import iri
from kg.build import ontology_into, process
from kg.extract import items
from kg.model import Document, SourceText
from kg.normalize import normalize
from kg.sections import structure
from kg.validate import validate_graph
from kg.vocab import match_key

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FZ = Namespace(iri.ONT)
TOPIC = {c.iri: c.pref_label for c in items.topics()}


def doc_of(text: str) -> Document:
    source = SourceText("t.txt", "t.txt", text, "utf-8", hashlib.sha256(text.encode()).hexdigest())
    return structure(source, normalize(source.text))


def found(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(kind, label, topic labels) per item."""
    return [(m.kind, dict(m.attrs)["label"], tuple(TOPIC[v] for k, v in m.attrs if k == "topic"))
            for m in items.extract(doc_of(text))]


def seed(township: str) -> str:
    texts = [p.read_text("utf-8") for p in SEEDS if township in p.read_text("utf-8")[:300]]
    assert len(texts) == 1, township
    return texts[0]


# -- the seeds ------------------------------------------------------------------------------------

@pytest.mark.parametrize("township, shortcomings, plans", [
    ("加勤乡", 4, 5), ("双泉乡", 2, 2), ("永和镇", 3, 2), ("大村乡", 3, 3), ("色务乡", 3, 4),
])
def test_one_item_per_point(township, shortcomings, plans):
    kinds = Counter(kind for kind, _, _ in found(seed(township)))
    assert kinds == {"shortcoming": shortcomings, "planned-action": plans}


@pytest.mark.parametrize("township, kind, label, topics", [
    ("加勤乡", "shortcoming", "法治意识有待进一步提高", ("法治意识",)),
    ("加勤乡", "shortcoming", "行政执法能力有待加强", ("执法能力",)),
    ("加勤乡", "shortcoming", "法治宣传教育针对性和实效性有待提升", ("普法实效",)),
    ("加勤乡", "shortcoming", "矛盾纠纷化解工作还存在薄弱环节", ("矛盾纠纷化解",)),
    ("加勤乡", "planned-action", "强化法治建设保障措施", ("经费保障",)),
    ("双泉乡", "shortcoming", "法治建设工作机制还不够完善", ("制度机制",)),        # inline 一是 in a paragraph
    ("双泉乡", "planned-action", "坚持强化组织保障", ("组织领导",)),
    ("永和镇", "shortcoming", "法治队伍建设有待强化", ("人才队伍",)),
    ("永和镇", "planned-action", "坚持依法治镇和以德治镇相结合", ("基层依法治理",)),
    ("色务乡", "shortcoming", "矛盾纠纷化解机制不够完善", ("矛盾纠纷化解",)),
    ("色务乡", "planned-action", "打造法治综合广场,营造良好的法治社会环境", ("法治文化阵地",)),
])
def test_seed_items_and_topics(township, kind, label, topics):
    assert (kind, label, topics) in found(seed(township))


def test_concession_is_not_the_point():
    # 大村乡: 一是农村基层群众的法律意识较低,虽然经过长时间的普法宣传和学习,… — 法治意识, not 普法
    first = found(seed("大村乡"))[0]
    assert first[0] == "shortcoming" and first[2] == ("法治意识",)


def test_item_text_ends_with_its_paragraph():
    ms = list(items.extract(doc_of(seed("加勤乡"))))
    last = ms[-1]
    assert last.surface.startswith("强化法治建设保障措施。") and last.surface.endswith("推动法治政府建设各项任务落到实处。")
    assert "今后的工作中" not in last.surface            # the closing paragraph is no point
    # a heading on a line of its own takes the paragraph under it
    shuangquan = [m for m in items.extract(doc_of(seed("双泉乡"))) if m.kind == "planned-action"][0]
    assert shuangquan.surface.startswith("坚持强化组织保障\n") and "谁执法谁普法" in shuangquan.surface


# -- variants ---------------------------------------------------------------------------------------

def test_combined_part_types_its_subparts():
    text = ("关于2024年法治政府建设情况的报告\n2024年,我街道依法行政。\n一、主要成效\n加强学习。\n"
            "二、存在问题及下一步打算\n(一)存在问题\n1.基层法律专业人才缺乏。\n2.经费保障不足。\n"
            "(二)下一步打算\n1.加大执法人员培训力度。\n")
    assert found(text) == [("shortcoming", "基层法律专业人才缺乏", ("人才队伍",)),
                           ("shortcoming", "经费保障不足", ("经费保障",)),
                           ("planned-action", "加大执法人员培训力度", ("执法能力", "学法培训"))]


def test_part_without_points_is_one_item():
    text = ("关于2024年法治政府建设情况的报告\n2024年,我苏木依法行政。\n一、主要成效\n加强学习。\n"
            "二、存在的不足\n部分群众法治观念淡薄,矛盾纠纷排查不够及时。\n另有一段说明。\n三、下一步工作计划\n加强普法。\n")
    assert found(text) == [("shortcoming", "部分群众法治观念淡薄,矛盾纠纷排查不够及时", ("法治意识",)),
                           ("planned-action", "加强普法", ("普法实效",))]


def test_traditional_report():
    text = "關於2024年法治政府建設情況的報告\n一、主要成效\n加強學習。\n二、存在的問題\n（一）行政執法能力有待加強。執法人員偏少。\n三、下一步工作計劃\n（一）加強組織領導。\n"
    assert found(text) == [("shortcoming", "行政执法能力有待加强", ("执法能力",)),
                           ("planned-action", "加强组织领导", ("组织领导",))]


def test_topics_fall_back_to_the_body_and_may_be_absent():
    text = ("关于2024年法治政府建设情况的报告\n一、主要成效\n加强学习。\n二、存在的不足\n"
            "(一)工作还有差距。信访积案化解难度较大。\n(二)其他方面还有不足。\n三、下一步工作计划\n加强学习。\n")
    assert found(text)[:2] == [("shortcoming", "工作还有差距", ("矛盾纠纷化解",)),
                               ("shortcoming", "其他方面还有不足", ())]


# -- the graph --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graph(tmp_path_factory) -> Graph:
    g = Graph()
    ontology_into(g)
    for path in SEEDS:
        for t in process(path).triples:
            g.add(t)
    return g


def test_most_common_weaknesses_by_query(graph):
    rows = graph.query("""
        PREFIX fz: <https://w3id.org/fazhi-kg/ont#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?topic (COUNT(DISTINCT ?item) AS ?n) WHERE {
          ?division fz:hasShortcoming ?item . ?item fz:topic ?t . ?t skos:prefLabel ?topic FILTER(LANG(?topic) = "zh")
        } GROUP BY ?topic ORDER BY DESC(?n) ?topic""")
    counts = {str(t): int(n) for t, n in rows}
    assert counts["法治意识"] == 4 and counts["普法实效"] == 4
    assert sum(counts.values()) == 15


def test_items_carry_text_and_evidence(graph):
    for item in graph.objects(None, FZ.hasShortcoming):
        assert (item, RDF.type, FZ.ShortcomingItem) in graph
        text = graph.value(item, FZ.itemText)
        label = str(graph.value(item, RDFS.label))
        assert text.language == "zh" and label.rstrip("…") in str(text).replace("\n", "") and len(label) <= 60
        st_node = next(graph.subjects(RDF.object, item))
        assert graph.value(st_node, RDF.predicate) == FZ.hasShortcoming
        # the quote is the source as written (，), the text normalized (,)
        assert str(text).split("。")[0] in normalize(str(graph.value(st_node, FZ.quote))).text
    # the evidence of a topic points at its cue in the source
    for st_node in graph.subjects(RDF.predicate, FZ.topic):
        topic = graph.value(st_node, RDF.object)
        start, end = int(graph.value(st_node, FZ.charStart)), int(graph.value(st_node, FZ.charEnd))
        report = graph.value(st_node, FZ.quote)
        assert end - start >= 2 and (topic, RDF.type, FZ.Topic) in graph and report


def test_graph_conforms_and_shapes_catch_breakage(tmp_path):
    g = Graph()
    ontology_into(g)
    for t in process(next(p for p in SEEDS if "加勤乡" in p.read_text("utf-8")[:200])).triples:
        g.add(t)
    conforms, text = validate_graph(g)
    assert conforms, text
    broken = Graph()
    for t in g:
        broken.add(t)
    item = next(broken.objects(None, FZ.hasPlannedAction))
    broken.remove((item, FZ.itemText, None))
    st_node = next(broken.subjects(RDF.predicate, FZ.topic))
    broken.remove((st_node, None, None))
    conforms, text = validate_graph(broken)
    assert not conforms and "要点须有且仅有一段文字" in text and "事实缺少证据" in text


# -- the topic scheme -------------------------------------------------------------------------------

def test_topic_scheme_is_well_formed():
    g = Graph().parse(items.TOPICS_FILE)
    topics = set(g.subjects(RDF.type, FZ.Topic))
    assert len(topics) >= 15
    owners: dict[str, set] = {}
    for t in topics:
        pref = [str(o) for o in g.objects(t, SKOS.prefLabel) if o.language == "zh"]
        assert len(pref) == 1 and str(t) == f"{iri.ID}topic/{iri.slug(pref[0])}", t
        assert [o for o in g.objects(t, SKOS.prefLabel) if o.language == "en"] and g.value(t, SKOS.definition), t
        assert (t, SKOS.inScheme, None) in g and list(g.objects(t, FZ.topicCue)), t
        for cue in (*pref, *(str(o) for o in g.objects(t, SKOS.altLabel)), *(str(o) for o in g.objects(t, FZ.topicCue))):
            owners.setdefault(match_key(cue), set()).add(t)
    assert not {k: v for k, v in owners.items() if len(v) > 1}      # a cue belongs to one topic


def test_terms_are_declared_in_facts_ttl():
    from rdflib.namespace import OWL

    g = Graph().parse(ROOT / "ontology" / "facts.ttl")
    for term in ("ReportItem", "ShortcomingItem", "PlannedAction", "hasShortcoming", "hasPlannedAction", "topic",
                 "inSection", "itemText", "topicCue"):
        assert set(g.objects(FZ[term], RDF.type)) & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, term
        assert {o.language for o in g.objects(FZ[term], RDFS.label)} >= {"zh", "en"}, term


# -- robustness ------------------------------------------------------------------------------------

_SOUP = "一、二、三、(一)(二)1.2.一是二是存在的不足下一步工作计划法治意识普法,。;\n 2024年"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=160), st.text(alphabet=_SOUP, max_size=160)))
def test_never_raises(text):
    d = doc_of(text)
    for m in items.extract(d):
        assert d.text[m.start:m.end] == m.surface and m.surface.strip()
        assert d.section_type_at(m.start) in ("Shortcomings", "NextYearPlan")


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=160), st.text(alphabet=_SOUP, max_size=160)))
def test_emitting_never_raises(text):
    from kg.emit import report_triples
    from kg.link import Attribution, Place

    who = Attribution(Place(iri.division("540626202000"), "加勤乡", "township", "540626202000", "乡"), None, ())
    d = doc_of(text)
    for s, p, o in report_triples(d, who, list(items.extract(d))):
        assert str(s).isascii() and str(p).isascii()
