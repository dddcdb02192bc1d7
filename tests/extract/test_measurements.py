"""kg.extract.measurements: number + unit statements, with their indicator."""
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from hypothesis import given, settings, strategies as st
from pypinyin import Style, lazy_pinyin
from rdflib.namespace import RDF, RDFS, SKOS

from kg.extract import measurements
from kg.extract.measurements import INDICATOR_BASE, NAME, extract, indicator_concept
from kg.model import Document, NormalizedText, SourceText
from kg.normalize import normalize

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
FZ = rdflib.Namespace("https://w3id.org/fazhi-kg/ont#")


def doc(text: str) -> Document:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(
        source=SourceText("t.txt", "t.txt", text, "utf-8", sha),
        norm=NormalizedText(text, tuple(range(len(text) + 1))),
        sections=(),
        sentences=(),
    )


def normalized_doc(text: str) -> Document:
    """The document as the pipeline hands it over: normalized (，-> , ％ -> % …)."""
    d = doc(text)
    return Document(source=d.source, norm=normalize(text), sections=(), sentences=())


def figures(text: str, make=doc) -> list[tuple]:
    """(surface, value, unit, approximate, value_max, indicator label, concept prefLabel) per mention."""
    return [
        (m.surface, m.quantity.value, m.quantity.unit, m.quantity.approximate, m.quantity.value_max,
         m.quantity.indicator, m.concept.pref_label)
        for m in extract(make(text))
    ]


BOTH = pytest.mark.parametrize("make", [doc, normalized_doc], ids=["as-written", "normalized"])


def seed_text(township: str) -> str:
    texts = [p.read_text("utf-8") for p in SEEDS if township in p.read_text("utf-8")]
    assert len(texts) == 1, township
    return texts[0]


# -- the seeds: acceptance query 07 ------------------------------------------

SEED_FIGURES = [
    ("加勤乡", 58, "场次", False), ("加勤乡", 2000, "份", True), ("加勤乡", 5000, "人次", True),
    ("加勤乡", 168, "家次", False), ("双泉乡", 30, "名", False), ("双泉乡", 6, "名", False),
    ("永和镇", 22, "次", False), ("永和镇", 10000, "份", True), ("永和镇", 98, "%", False),
    ("永和镇", 191, "起", False), ("大村乡", 2000, "份", True), ("大村乡", 3000, "人", True),
    ("色务乡", 140, "次", False), ("色务乡", 5400, "元", False), ("色务乡", 150, "次", True),
]


@BOTH
@pytest.mark.parametrize("township, value, unit, approximate", SEED_FIGURES)
def test_seed_figures(township, value, unit, approximate, make):
    got = {(v, u, a) for _, v, u, a, *_ in figures(seed_text(township), make)}
    assert (Decimal(value), unit, approximate) in got


@BOTH
def test_seed_range(make):
    got = [f for f in figures(seed_text("色务乡"), make) if f[4] is not None]
    assert got == [("4-8名", Decimal(4), "名", False, Decimal(8), "交通劝导员", "交通劝导员")]


@pytest.mark.parametrize(
    "township, surface, indicator, concept",
    [
        ("加勤乡", "58场次", "法治宣传活动", "法治宣传活动"),
        ("加勤乡", "2000余份", "宣传资料", "宣传资料发放"),
        ("加勤乡", "5000余人次", "受教育群众", "受教育群众"),
        ("加勤乡", "168家次", "检查食品药品经营单位", "食品药品安全检查"),
        ("加勤乡", "18个", "法治文化广场", "法治文化阵地"),
        ("双泉乡", "30名", "法律明白人", "法律明白人"),
        ("双泉乡", "6名", "人民调解员", "人民调解员"),
        ("永和镇", "22次", "普法宣传", "法治宣传活动"),
        ("永和镇", "98%", "信访案件化解率", "信访化解率"),
        ("永和镇", "100%", "信访案件办结率", "信访办结率"),
        ("永和镇", "191起", "调解案件", "矛盾纠纷调解"),
        ("永和镇", "52件", "排查矛盾纠纷", "矛盾纠纷排查"),
        ("大村乡", "3000余人", "受众人数", "受教育群众"),
        ("色务乡", "5400元", "涉及资金", "涉案资金"),
        ("色务乡", "150余次", "治安巡逻", "治安巡逻"),
        ("色务乡", "11%", "成功调解同比下降", "同比变化"),
    ],
)
def test_seed_indicators(township, surface, indicator, concept):
    got = {(s, i, c) for s, *_, i, c in figures(seed_text(township))}
    assert (surface, indicator, concept) in got


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_figures_survive_normalization(path):
    text = path.read_text("utf-8")
    as_written = [f[1:] for f in figures(text)]
    assert as_written and [f[1:] for f in figures(text, normalized_doc)] == as_written


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_mentions_are_well_formed(path):
    d = normalized_doc(path.read_text("utf-8"))
    text = d.text
    ms = list(extract(d))
    assert ms
    for m in ms:
        assert m.kind == "measurement" and m.extractor == NAME == "measurements"
        assert m.surface == text[m.start : m.end]
        assert m.quantity.indicator and m.concept.pref_label and m.concept.scheme == "indicator"
        assert m.concept.iri.startswith(INDICATOR_BASE) and m.concept.iri.isascii()
    assert [m.start for m in ms] == sorted(m.start for m in ms)


# -- what is not a measurement -------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "2024年，深入贯彻党的二十大和二十届二中、三中全会精神。",
        "结合“4·15”全民国家安全教育日、“12·4”国家宪法日、9.16平西藏宣传日等重要时间节点。",
        "6月初召开培训会，计划于2025年下半年投入使用，截至2024年11月底，1-6月，2021—2025年。",
        "第一，第3次会议，第二批，1.以深入推动，(一)加强领导，一是加强学习，二是完善制度。",
        "落实好“一村一律师”制度，一村一律师全覆盖，“三调联动”，“四议两公开”，“八五”普法，八五普法。",
        "严格执行行政执法“三项制度”，严格落实行政执法三项制度，执行规范性文件“三统一”制度。",
        "“一把手”负责，一站式服务，四级调研员，12345热线，法律七进，三资管理。",
        "增强“四个意识”、坚定“四个自信”、做到“两个维护”，统筹推进五位一体总体布局。",
        "大家一起学习，一次性告知，形成一个重要抓手，走进千家万户，四处宣传，二次供水。",
        "依据《关于开展3项专项行动的通知》开展工作。",
        "发布“5个100%”工作目标。",
        "1 人民调解员队伍建设\n2 年度重点工作",
        "",
    ],
)
@BOTH
def test_no_false_positives(text, make):
    assert figures(text, make) == []


# -- numerals, ranges, percentages, other provinces ---------------------------

@pytest.mark.parametrize(
    "text, value, unit, approximate, value_max",
    [
        ("全年开展培训三十余次。", "30", "次", True, None),
        ("发放资料一千二百份。", "1200", "份", False, None),
        ("印发宣传册1.2万份。", "12000", "份", False, None),
        ("覆盖群众3万余人次。", "30000", "人次", True, None),
        ("受教育群众近百人。", "100", "人", True, None),
        ("参与群众上千人。", "1000", "人", True, None),
        ("参加人数约500人。", "500", "人", True, None),
        ("召开联席会议1至2次。", "1", "次", False, "2"),
        ("组织三到五次专项行动。", "3", "次", False, "5"),
        ("配备专职网格员4～8名。", "4", "名", False, "8"),
        ("每天安排4~8名交通劝导员。", "4", "名", False, "8"),
        ("群众满意度达到98％。", "98", "%", False, None),
        ("调解成功率达99.5%。", "99.5", "%", False, None),
        ("知晓率达百分之九十以上。", "90", "%", True, None),
        ("出庭应诉率100%以上。", "100", "%", True, None),
        ("投入普法经费5.6万元。", "5.6", "万元", False, None),
        ("追回欠薪120余万元。", "120", "万元", True, None),
        ("共发放宣传资料 2000 余份。", "2000", "份", True, None),
        ("较上年提高3个百分点。", "3", "个百分点", False, None),
        ("检查企业１２家次。", "12", "家次", False, None),
    ],
)
@BOTH
def test_numerals(text, value, unit, approximate, value_max, make):
    (f,) = figures(text, make)
    assert f[1:5] == (Decimal(value), unit, approximate, None if value_max is None else Decimal(value_max))


def test_comma_after_a_unit_is_not_a_thousands_separator():
    text = "调解案件191起，成卷191件，包含140件书面调解卷，51件口头调解卷。"
    for make in (doc, normalized_doc):  # normalized: 卷,51件
        assert [f[1] for f in figures(text, make)] == [191, 191, 140, 51]


def test_longest_unit_wins():
    units = [f[2] for f in figures("开展活动12场次，培训300人次，检查企业5家次，建设12个村级阵地，12个村民小组。")]
    assert units == ["场次", "人次", "家次", "个", "个"]


def test_another_province():
    # written for this test: a county bureau in another province, in the genre's usual phrasing
    text = (
        "2024年，全县司法行政系统共办理法律援助案件326件，受理行政复议案件15件，行政机关负责人出庭应诉率达100%。"
        "全年排查化解矛盾纠纷1,286件，调解成功率98.6%；组织执法人员培训6期，培训240余人次；"
        "聘请法律顾问覆盖全县196个村，培育“法律明白人”1800余名，在册社区矫正对象73名，"
        "审查规范性文件23件，公开政务信息1.5万余条，同比增长12%。"
    )
    got = {(f[0], f[6]) for f in figures(text)}
    assert got >= {
        ("326件", "法律援助案件"), ("15件", "行政复议案件"), ("100%", "行政机关负责人出庭应诉率"),
        ("1,286件", "矛盾纠纷排查"), ("98.6%", "调解成功率"), ("6期", "执法人员培训"),
        ("196个", "法律顾问"), ("73名", "社区矫正对象"), ("23件", "规范性文件审查"),
        ("1.5万余条", "政务信息公开"), ("12%", "同比变化"),
    }
    values = {f[0]: f[1] for f in figures(text)}
    assert values["1,286件"] == 1286 and values["1.5万余条"] == 15000


def test_noun_after_the_number():
    assert [f[5] for f in figures("建成3个法治公园，确定30名法律明白人。")] == ["法治公园", "法律明白人"]


# -- indicator concepts ---------------------------------------------------------

def test_indicator_concept_matching():
    assert indicator_concept("受教育群众").pref_label == "受教育群众"  # exact
    assert indicator_concept("受众人数").pref_label == "受教育群众"  # altLabel
    assert indicator_concept("解答群众法律咨询").pref_label == "法律咨询"  # label inside the phrase
    assert indicator_concept("食品药品经营单位检查").pref_label == "食品药品安全检查"
    assert indicator_concept("检查食品药品经营单位").pref_label == "食品药品安全检查"  # verb moved to the end
    assert indicator_concept("").pref_label == "其他数量"


def test_discovered_concept():
    c = indicator_concept("停访息诉难旧老案")
    assert c.discovered and c.pref_label == "停访息诉难旧老案" and c.scheme == "indicator"
    assert c.iri == INDICATOR_BASE + "ting-fang-xi-su-nan-jiu-lao-an"


def test_discovered_homophone_does_not_take_a_curated_iri():
    curated = {c.iri for c in measurements._indicators()[0].values()}
    c = indicator_concept("调节")  # tiao-jie, as 调解 would be
    assert c.discovered and c.iri.isascii()
    if c.iri.startswith(INDICATOR_BASE + "tiao-jie"):
        assert c.iri not in curated


# -- the vocabularies -----------------------------------------------------------

def test_indicators_ttl():
    g = rdflib.Graph().parse(ROOT / "ontology" / "indicators.ttl")
    scheme = rdflib.URIRef("https://w3id.org/fazhi-kg/id/scheme/indicators")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in g
    concepts = set(g.subjects(RDF.type, FZ.Indicator))
    assert len(concepts) >= 40
    seen = {}
    for c in concepts:
        assert (c, RDF.type, SKOS.Concept) in g and (c, SKOS.inScheme, scheme) in g
        pref = g.value(c, SKOS.prefLabel)
        assert pref.language == "zh" and g.value(c, RDFS.label) == pref
        assert g.value(c, SKOS.definition) is not None
        assert str(c) == INDICATOR_BASE + "-".join(lazy_pinyin(str(pref), style=Style.NORMAL))
        for label in [pref, *g.objects(c, SKOS.altLabel)]:
            assert label.language == "zh"
            assert seen.setdefault(str(label), c) == c, f"{label} labels two indicators"


def test_units_ttl():
    g = rdflib.Graph().parse(ROOT / "ontology" / "units.ttl")
    labels = [str(g.value(u, RDFS.label)) for u in g.subjects(RDF.type, FZ.Unit)]
    assert len(labels) == len(set(labels))
    assert {"次", "场", "场次", "人次", "家次", "万元", "%", "个百分点", "首", "分"} <= set(labels)
    assert "个村" not in labels      # "12个村" is 12 个, the measure word (tests/gold/README.md)


# -- robustness -------------------------------------------------------------------

_SOUP = "一二两三十百千万余多近约第年月日次场份人名件起个家户元万%％-～至到 ，。、“”《》0123456789.法治宣传活动开展发放资料群众"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.text(alphabet=_SOUP, max_size=80)))
def test_never_raises_and_surfaces_match(text):
    for m in extract(doc(text)):
        assert m.surface == text[m.start : m.end]
        assert 0 <= m.start < m.end <= len(text)
        assert m.concept is not None and m.concept.pref_label
        assert m.quantity.indicator


def test_doctests():
    import doctest

    assert doctest.testmod(measurements).failed == 0


# --- structure-aware reading (written for these tests) -------------------------------------------

def structured(text: str) -> Document:
    from kg.sections import structure
    src = SourceText("t.txt", "t.txt", text, "utf-8", "")
    return structure(src, normalize(text))


def test_item_numbering_is_not_a_decimal():
    text = "关于2024年法治政府建设情况的报告\n一、主要成效\n1.镇公共法律服务站办理法律援助案件11件。\n2.6个村全部聘请法律顾问。\n"
    assert [(f[0], f[1], f[2]) for f in figures(text, structured)] == [("11件", 11, "件"), ("6个", 6, "个")]


def test_targets_in_the_plan_are_not_figures():
    text = ("关于2024年法治政府建设情况的报告\n一、主要成效\n全年开展执法培训3次。\n"
            "二、下一步打算\n开展执法人员业务培训不少于4次，力争新创建省级民主法治示范村1个。\n")
    assert [f[0] for f in figures(text, structured)] == ["3次"]


def test_a_table_row_reads_like_its_sentence():
    text = "项目\t数量\t单位\n法治宣传活动\t46\t场次\n受教育群众\t1.5万\t人次\n"
    assert [(f[1], f[2], f[5]) for f in figures(text)] == [(46, "场次", "法治宣传活动"), (15000, "人次", "受教育群众")]


@pytest.mark.parametrize("text, expected", [
    ("创作法治山歌30余首，在全区传唱。", [("30余首", "首")]),
    ("考试平均分92.6分，合格率100%。", [("92.6分", "分"), ("100%", "%")]),
    ("这项工作十分重要，三分之一的村已完成。", []),
    ("12个村（社区）划分为71个网格。", [("12个", "个"), ("71个", "个")]),
])
def test_units_of_songs_and_scores_and_villages(text, expected):
    assert [(f[0], f[2]) for f in figures(text)] == expected


@pytest.mark.parametrize("text", [
    "牢牢把握稳定、发展、生态、强边四件大事，坚持依法治镇。",
    "聚焦粮食生产、黑土地保护和农村稳定三项重点任务，依法行政。",
    "推行“135”工作法，即“1个调解平台、3级调解网络、5步调解流程”。",
])
def test_set_phrases_that_count_a_list_or_spell_a_name(text):
    assert figures(text) == []


def test_a_list_of_another_length_is_still_counted():
    assert [f[0] for f in figures("围绕执法、普法开展专项检查三次。")] == ["三次"]


@BOTH
@pytest.mark.parametrize("text, expected", [
    # A page that writes straight quotes: the figure stands between two quoted names.
    ('开展"双随机、一公开"抽查26次，对企业做到"无事不扰"。', [("26", "次")]),
    ('"好差评"好评率99.9%。推进"一网统管"建设。', [("99.9", "%")]),
])
def test_straight_quotes_pair_by_parity(text, expected, make):
    assert [(str(f[1]), f[2]) for f in figures(text, make)] == expected


@BOTH
def test_a_number_inside_straight_quotes_is_a_name(make):
    assert figures('推行"135"工作法，化解纠纷。', make) == []
