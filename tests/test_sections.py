import csv
from collections import defaultdict
from pathlib import Path

import docx
import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.load import load
from kg.model import Document, SourceText
from kg.normalize import normalize
from kg.sections import classify_heading, looks_like_report, structure

ROOT = Path(__file__).parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
EXPECTED = ROOT.parent / "shared" / "spec" / "acceptance" / "08-sections.expected.csv"


def doc_of(text: str, name: str = "r.txt") -> Document:
    return structure(SourceText(name, name, text, "utf-8", ""), normalize(text))


def parts(doc: Document) -> list[tuple[int, str, str, str | None]]:
    return [(s.level, s.number, s.heading, s.type) for s in doc.sections[1:]]


def top_types(doc: Document) -> list[str | None]:
    return [s.type for s in doc.sections if s.type]


def expected_types() -> dict[str, set[str]]:
    if not EXPECTED.exists():
        pytest.skip(f"{EXPECTED} not present")
    rows = [line for line in EXPECTED.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    out = defaultdict(set)
    for row in csv.DictReader(rows):
        out[row["file"]].add(row["type"])
    return out


def check_invariants(doc: Document) -> None:
    text = doc.text
    assert doc.sections[0].level == 0 and doc.sections[0].start == 0
    for s in doc.sections:
        assert 0 <= s.start <= s.end <= len(text)
        if s.parent is not None:
            p = doc.sections[s.parent]
            assert p.level < s.level and p.start <= s.start and s.end <= p.end
    assert [s.start for s in doc.sections] == sorted(s.start for s in doc.sections)
    previous_end = 0
    for i, sent in enumerate(doc.sentences):
        assert sent.index == i
        assert text[sent.start:sent.end] == sent.text and sent.text.strip() == sent.text and sent.text
        assert sent.start >= previous_end
        previous_end = sent.end
        sec = doc.sections[sent.section]
        assert sec.start <= sent.start < max(sec.end, sec.start + 1)
        # innermost: no child of it contains the sentence
        assert not any(s.parent == sec.index and s.start <= sent.start < s.end for s in doc.sections)
        assert doc.sentence_at(sent.start) == sent


# --- the seeds -------------------------------------------------------------------

@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_seed_section_types_match_acceptance(path):
    src = load(path)
    doc = structure(src, normalize(src.text))
    assert set(top_types(doc)) == expected_types()[path.name]
    assert looks_like_report(doc) is None
    assert doc.year == 2024
    check_invariants(doc)


@pytest.mark.parametrize(
    "name, title",
    [
        ("000_4e8d029ddc923378.txt", ""),   # starts with its opening paragraph
        ("001_7fcf7b579bc80cd2.txt", "酉阳土家族苗族自治县双泉乡人民政府关于2024年法治政府建设情况的报告"),
        ("003_b24c3119e0d03373.txt", "南宫市大村乡人民政府关于2024年度法治政府建设情况报告"),
        ("004_913615f662c886fc.txt", "安多县色务乡2024年度法治政府建设情况报告"),   # broken over two lines
    ],
)
def test_seed_titles(name, title):
    src = load(ROOT / "seeds" / name)
    assert structure(src, normalize(src.text)).title == title


def test_seed_structure_in_detail():
    src = load(ROOT / "seeds" / "000_4e8d029ddc923378.txt")
    doc = structure(src, normalize(src.text))
    top = [(s.number, s.heading, s.type) for s in doc.sections if s.level == 1]
    assert top == [
        ("一", "主要措施及成效", "Achievements"),
        ("二", "存在的不足", "Shortcomings"),
        ("三", "下一步工作打算", "NextYearPlan"),
    ]
    shortcomings = doc.sections[[s.heading for s in doc.sections].index("存在的不足")]
    children = [s for s in doc.sections if s.parent == shortcomings.index]
    # inline headings: the clause up to the first 。
    assert [s.heading for s in children] == [
        "法治意识有待进一步提高", "行政执法能力有待加强", "法治宣传教育针对性和实效性有待提升", "矛盾纠纷化解工作还存在薄弱环节",
    ]
    items = [s for s in doc.sections if s.level == 3]
    assert items[0].number == "一是" and items[0].heading == "严格落实重大行政决策程序"
    # the preamble is the opening paragraph and has no type
    assert doc.sections[0].type is None and doc.section_type_at(5) is None
    # a mechanism in the plan part is in the plan
    assert doc.section_type_at(doc.text.index("严格落实行政执法“三项制度”")) == "NextYearPlan"
    assert doc.section_type_at(doc.text.index("“三调联动”")) == "Achievements"


def test_responsibility_cue_in_a_body_sentence_makes_no_section():
    src = load(ROOT / "seeds" / "001_7fcf7b579bc80cd2.txt")
    doc = structure(src, normalize(src.text))
    pos = doc.text.index("党政负责人切实履行推进法治建设第一责任人职责")
    assert doc.section_type_at(pos) == "Achievements"
    assert "ResponsibilityPerformance" not in top_types(doc)


def test_seed_sentences():
    src = load(ROOT / "seeds" / "003_b24c3119e0d03373.txt")
    doc = structure(src, normalize(src.text))
    texts = [s.text for s in doc.sentences]
    assert "一、2024年度推进法治政府建设主要举措和成效" in texts           # headings are sentences
    assert "(一)加强法治政府建设组织领导" in texts
    # "主要表现在:一是...;二是..." is cut where the items start
    i = next(i for i, t in enumerate(texts) if t.endswith("主要表现在:"))
    assert texts[i + 1].startswith("一是农村基层群众的法律意识较低")
    assert texts[i + 1].endswith(";")
    assert texts[i + 2].startswith("二是法治机构体系建设不够完善")
    item = doc.sections[doc.sentences[i + 2].section]
    assert (item.level, item.number) == (3, "二是")
    assert doc.section_type_at(doc.sentences[i + 2].start) == "Shortcomings"


def test_page_numbers_are_not_sentences():
    src = load(ROOT / "seeds" / "002_879416a33f48ecb3.txt")
    doc = structure(src, normalize(src.text))
    assert "— 1 —" in doc.text
    assert not any("— 1 —" in s.text for s in doc.sentences)


# --- headings phrased differently ------------------------------------------------------

@pytest.mark.parametrize(
    "heading, expected",
    [
        ("主要举措和成效", "Achievements"),
        ("主要做法及成效", "Achievements"),
        ("2024年度推进法治政府建设主要措施及成效", "Achievements"),
        ("2024年法治政府建设工作开展情况", "Achievements"),
        ("主要工作", "Achievements"),
        ("取得的成效", "Achievements"),
        ("基本情况", "Achievements"),
        ("工作亮点", "Achievements"),
        ("存在的不足和原因", "Shortcomings"),
        ("存在问题与不足", "Shortcomings"),
        ("存在问题及原因", "Shortcomings"),
        ("2024年法治政府建设存在的问题", "Shortcomings"),
        ("存在的困难和问题", "Shortcomings"),
        ("短板和不足", "Shortcomings"),
        ("问题和差距", "Shortcomings"),
        ("工作中的薄弱环节", "Shortcomings"),
        ("党政主要负责人履行推进法治建设第一责任人职责情况", "ResponsibilityPerformance"),
        ("2024年度党政主要负责人履行推进法治建设第一责任人职责,加强法治政府建设的有关情况", "ResponsibilityPerformance"),
        ("主要负责人履职情况", "ResponsibilityPerformance"),
        ("下一步工作计划", "NextYearPlan"),
        ("下一步工作打算", "NextYearPlan"),
        ("下步工作安排", "NextYearPlan"),
        ("三、下一步工作思路".removeprefix("三、"), "NextYearPlan"),
        ("2025年度推进法治政府建设的主要安排", "NextYearPlan"),
        ("2025年法治政府建设工作计划", "NextYearPlan"),
        ("今后工作努力方向", "NextYearPlan"),
        ("意见建议", "NextYearPlan"),
        ("2025年工作重点", "NextYearPlan"),          # by the year alone
        ("其他需要报告的情况", None),
        ("加强组织领导,健全工作机制", None),
    ],
)
def test_heading_phrasings(heading, expected):
    assert classify_heading(heading, 2024)[0] == expected


def test_combined_heading_matches_both():
    kind, matched = classify_heading("存在的问题及下一步工作打算", 2024)
    assert kind == "Shortcomings" and set(matched) == {"Shortcomings", "NextYearPlan"}


def test_cited_document_titles_do_not_decide():
    assert classify_heading("学习《关于存在问题整改工作的通知》", 2024)[0] is None
    assert classify_heading("落实《法治政府建设实施纲要(2021-2025年)》", 2024)[0] is None


VARIANT = """XX县YY镇人民政府
关于二〇二四年度法治政府建设情况的报告
　　二〇二四年，我镇坚持依法行政，现将有关情况报告如下：
　　一、2024年法治政府建设主要举措
　　（一）加强组织领导
　　镇党委书记履行推进法治建设第一责任人职责，召开专题会议4次。
　　（二）深化普法宣传
　　开展“12•4”国家宪法日宣传活动，发放资料1000余份。
　　二、存在问题及原因
　　主要表现在：一是法治意识不强；二是执法力量不足。
　　三、2024年度党政主要负责人履行推进法治建设第一责任人职责情况
　　镇长带头学法。
　　四、2025年度推进法治政府建设的主要安排
　　（一）加强学习
　　坚持和发展新时代“枫桥经验”。
　　五、其他需要报告的情况
　　无。
"""


def test_variant_report_with_indentation_and_chinese_year():
    doc = doc_of(VARIANT)
    assert doc.title == "XX县YY镇人民政府关于二〇二四年度法治政府建设情况的报告"
    assert doc.year == 2024
    top = [(s.number, s.type) for s in doc.sections if s.level == 1]
    assert top == [("一", "Achievements"), ("二", "Shortcomings"), ("三", "ResponsibilityPerformance"),
                   ("四", "NextYearPlan"), ("五", None)]
    # the first-responsibility sentence in part 一 stays in part 一
    assert doc.section_type_at(doc.text.index("镇党委书记履行")) == "Achievements"
    assert doc.section_type_at(doc.text.index("枫桥经验")) == "NextYearPlan"
    assert doc.section_type_at(doc.text.index("二是执法力量不足")) == "Shortcomings"
    check_invariants(doc)


def test_part_numbering_and_next_year_heading():
    text = """关于2024年法治政府建设工作的总结
第一部分 主要工作及成效
全年开展法治讲座6场。
第二部分 存在的困难和问题
专业人才缺乏。
第三部分 2025年工作重点
加强培训。
"""
    doc = doc_of(text)
    assert [(s.number, s.heading, s.type) for s in doc.sections if s.level == 1] == [
        ("第一部分", "主要工作及成效", "Achievements"),
        ("第二部分", "存在的困难和问题", "Shortcomings"),
        ("第三部分", "2025年工作重点", "NextYearPlan"),
    ]
    assert doc.year == 2024      # the plan part naming 2025 does not win


def test_combined_part_types_its_sub_parts():
    text = """关于2024年法治政府建设情况的报告
2024年,我局坚持依法行政。
一、主要成效
全年办理行政复议案件3件。
二、存在的问题和下一步打算
(一)存在的问题
执法人员不足。
(二)下一步打算
开展“枫桥经验”学习。
"""
    doc = doc_of(text)
    by_heading = {s.heading: s.type for s in doc.sections}
    assert by_heading["存在的问题和下一步打算"] == "Shortcomings"
    assert by_heading["存在的问题"] == "Shortcomings"
    assert by_heading["下一步打算"] == "NextYearPlan"
    assert doc.section_type_at(doc.text.index("执法人员不足")) == "Shortcomings"
    assert doc.section_type_at(doc.text.index("枫桥经验")) == "NextYearPlan"
    assert doc.section_type_at(doc.text.index("全年办理")) == "Achievements"


def test_report_without_level_one_numbering_types_level_two():
    text = """2024年法治政府建设情况报告
2024年,我乡认真推进法治政府建设,现报告如下。
(一)主要做法
开展普法宣传20次。
(二)存在的不足
法治意识不强。
(三)下一步工作计划
落实“八五”普法规划。
"""
    doc = doc_of(text)
    assert parts(doc) == [
        (2, "(一)", "主要做法", "Achievements"),
        (2, "(二)", "存在的不足", "Shortcomings"),
        (2, "(三)", "下一步工作计划", "NextYearPlan"),
    ]


def test_report_without_any_numbering_uses_heading_lines():
    text = """2024年度法治政府建设工作总结
今年以来,我办坚持依法行政,党政主要负责人履行推进法治建设第一责任人职责。
主要工作
全年开展法治宣传30余场次,受众2000余人次。
存在的问题
部分干部法治意识不强,基层法治人才短缺。
下一步打算
持续开展“八五”普法。
"""
    doc = doc_of(text)
    assert parts(doc) == [
        (1, "", "主要工作", "Achievements"),
        (1, "", "存在的问题", "Shortcomings"),
        (1, "", "下一步打算", "NextYearPlan"),
    ]
    assert doc.title == "2024年度法治政府建设工作总结"     # the title is not a part
    assert doc.section_type_at(doc.text.index("党政主要负责人")) is None
    assert looks_like_report(doc) == f"too short ({len(text.strip())} chars)"


def test_inline_items_and_level_three_numbering():
    text = """关于2024年法治政府建设情况的报告
一、主要举措和成效
(一)规范行政执法
一是加强执法队伍建设。组织培训2次。二是加大执法力度;开展检查56次。
(二)深化普法
1.开展宪法宣传。发放资料200份。
2、开展民法典宣传。
(1)进村入户。
②进校园。
二、下一步工作计划
  一是加强学习,提高能力。
  三是强化保障。
"""
    doc = doc_of(text)
    assert parts(doc) == [
        (1, "一", "主要举措和成效", "Achievements"),
        (2, "(一)", "规范行政执法", None),
        (3, "一是", "加强执法队伍建设", None),
        (3, "二是", "加大执法力度", None),
        (2, "(二)", "深化普法", None),
        (3, "1", "开展宪法宣传", None),
        (3, "2", "开展民法典宣传", None),
        (3, "(1)", "进村入户", None),
        (3, "②", "进校园", None),
        (1, "二", "下一步工作计划", "NextYearPlan"),
        (3, "一是", "加强学习,提高能力", None),     # numbering that skips (一是, 三是)
        (3, "三是", "强化保障", None),
    ]
    second = next(s for s in doc.sections if s.number == "二是")
    assert [x.text for x in doc.sentences if x.section == second.index] == ["二是加大执法力度;", "开展检查56次。"]
    check_invariants(doc)


def test_numbers_that_are_not_numbering():
    text = """关于2024年法治政府建设情况的报告
一、主要成效
二、三月份开展普法宣传月活动,开展活动5次。
1.5万元用于法治文化阵地建设。
十年来,我乡坚持依法治乡。
二、存在问题
"""
    doc = doc_of(text)
    assert [(s.level, s.number) for s in doc.sections[1:]] == [(1, "一"), (1, "二")]


# --- formats and variants ------------------------------------------------------------------

TRADITIONAL = opencc.OpenCC("s2t").convert("""关于2024年度法治政府建设情况的报告
2024年，我乡认真贯彻落实习近平法治思想，扎实推进法治政府建设。现将有关情况报告如下：
一、主要举措和成效
（一）加强组织领导
组织开展“12·4”国家宪法日宣传活动，发放宣传资料2000余份。
二、存在的不足和原因
一是法治意识有待提高；二是执法队伍力量薄弱。
三、下一步工作打算
持续深化“八五”普法，坚持和发展新时代“枫桥经验”。
""")


def test_big5_traditional_report_end_to_end(tmp_path):
    path = tmp_path / "r.txt"
    path.write_bytes(TRADITIONAL.encode("big5"))
    src = load(path)
    doc = structure(src, normalize(src.text))
    assert src.encoding == "big5"
    assert doc.title == "关于2024年度法治政府建设情况的报告"
    assert top_types(doc) == ["Achievements", "Shortcomings", "NextYearPlan"]
    i = doc.text.index("新时代“枫桥经验”")
    assert doc.source_slice(i, i + len("新时代“枫桥经验”")) == "新時代“楓橋經驗”"


def test_offsets_map_back_through_debris_and_traditional_characters():
    text = "[bookmark: _GoBack]" + TRADITIONAL.replace("組織開展", "組織[bookmark: _Toc1]開展")
    doc = doc_of(text)
    assert top_types(doc) == ["Achievements", "Shortcomings", "NextYearPlan"]
    sent = next(s for s in doc.sentences if "国家宪法日" in s.text)
    assert sent.text == "组织开展“12·4”国家宪法日宣传活动,发放宣传资料2000余份。"
    assert doc.source_slice(sent.start, sent.end) == "組織[bookmark: _Toc1]開展“12·4”國家憲法日宣傳活動，發放宣傳資料2000餘份。"
    i = doc.text.index("12·4")
    assert doc.source_slice(i, i + 4) == "12·4"
    heading = next(s for s in doc.sections if s.type == "Shortcomings")
    s, e = doc.source_span(heading.start, heading.end)
    assert doc.source.text[s:e].startswith("二、存在的不足和原因\n一是法治意識")


def test_docx_report_end_to_end(tmp_path):
    d = docx.Document()
    for line in ["索县加勤乡人民政府", "关于2024年法治政府建设情况的报告",
                 "2024年，加勤乡扎实推进法治政府建设。", "一、主要措施及成效"]:
        d.add_paragraph(line)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "法治宣传活动", "58场次"
    table.cell(1, 0).text, table.cell(1, 1).text = "宣传资料", "2000余份"
    for line in ["二、存在的不足", "法治意识有待提高。", "三、下一步工作打算", "加强学习。"]:
        d.add_paragraph(line)
    d.save(tmp_path / "r.docx")
    src = load(tmp_path / "r.docx")
    doc = structure(src, normalize(src.text))
    assert doc.title == "索县加勤乡人民政府关于2024年法治政府建设情况的报告"
    assert top_types(doc) == ["Achievements", "Shortcomings", "NextYearPlan"]
    assert doc.section_type_at(doc.text.index("58场次")) == "Achievements"
    check_invariants(doc)


# --- looks_like_report ------------------------------------------------------------------

def test_looks_like_report_reasons():
    assert looks_like_report(doc_of("关于法治政府建设的报告")).startswith("too short (")
    english = "This is an annual report about the rule of law in a county. " * 10
    assert looks_like_report(doc_of(english)).startswith("not Chinese text")
    recipe = "红烧肉的做法:五花肉切块,冷水下锅焯水,捞出洗净。锅中放少许油,加入冰糖小火炒出糖色。" * 5
    assert looks_like_report(doc_of(recipe)) == "no mention of 法治"
    unnumbered = ("2024年,我乡坚持依法行政,扎实推进法治政府建设,开展普法宣传活动二十余次,"
                  "化解矛盾纠纷三十余起,法治氛围日益浓厚。") * 4
    assert looks_like_report(doc_of(unnumbered)) is None


# --- properties --------------------------------------------------------------------------

LINES = [
    "关于2024年法治政府建设情况的报告", "一、主要成效", "二、存在问题", "三、下一步工作计划", "(一)加强领导",
    "1.开展宣传。", "一是加强学习;二是规范执法。", "①进村入户", "存在的问题", "", "   ", "— 2 —",
    "党政主要负责人履行推进法治建设第一责任人职责。", "第二部分 存在的困难和问题", "2025年工作计划",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINES) | st.text(max_size=30), max_size=25))
def test_structure_never_breaks(lines):
    doc = doc_of("\n".join(lines))
    check_invariants(doc)
    looks_like_report(doc)


def test_heading_sentence_ends_at_its_colon_and_bare_numbers_take_the_next_line():
    text = """关于2024年法治政府建设情况的报告
一、主要成效:全年开展普法活动20场次。
二、

存在的不足
法治意识不强。
"""
    doc = doc_of(text)
    assert [(s.number, s.heading, s.type) for s in doc.sections[1:]] == [
        ("一", "主要成效", "Achievements"), ("二", "存在的不足", "Shortcomings"),
    ]
    assert [s.text for s in doc.sentences][1:3] == ["一、主要成效:", "全年开展普法活动20场次。"]
    check_invariants(doc)


def test_report_starting_with_its_first_part_has_no_title():
    text = """一、2024年法治政府建设工作开展情况
全年开展普法活动20场次。
二、存在的问题
法治意识不强。
"""
    doc = doc_of(text)
    assert doc.title == ""
    assert [(s.number, s.type) for s in doc.sections[1:]] == [("一", "Achievements"), ("二", "Shortcomings")]
    assert doc.sections[0].end == 0
    assert doc.year == 2024


# --- top-level numbering without 一、 (texts written for these tests) ------------------------------

def test_parts_numbered_1_2_3_hold_their_items():
    text = """余姚市某镇2024年法治政府建设工作报告
今年以来，我镇坚持依法行政。
1.2024年法治建设工作开展情况
（1）推进矛盾纠纷化解。全年调处矛盾纠纷1200余件。
（2）坚持三治融合。
2.存在的问题
（1）村级法治力量薄弱，部分村法律顾问服务形式单一。（2）执法人员不足。
3.下一步打算
（1）全面推进“高效办成一件事”。（2）深入推进诉源治理。
"""
    doc = doc_of(text)
    assert [(s.number, s.type) for s in doc.sections if s.level == 1] == [
        ("1", "Achievements"), ("2", "Shortcomings"), ("3", "NextYearPlan")]
    assert doc.section_type_at(doc.text.index("坚持三治融合")) == "Achievements"
    assert doc.section_type_at(doc.text.index("村级法治力量薄弱")) == "Shortcomings"
    assert doc.section_type_at(doc.text.index("深入推进诉源治理")) == "NextYearPlan"
    check_invariants(doc)


def test_an_item_that_starts_with_a_number_goes_on_the_list():
    text = "关于2024年法治政府建设情况的报告\n一、主要成效\n1.镇司法所办理法律援助案件11件。\n2.6个牧业村全部聘请法律顾问。\n3.开展普法。\n"
    doc = doc_of(text)
    assert [s.number for s in doc.sections if s.level == 3] == ["1", "2", "3"]
    # a decimal at the start of a line with no item before it is not numbering
    assert [s.number for s in doc_of("关于2024年的报告\n一、主要成效\n1.5万元用于阵地建设。\n").sections[1:]] == ["一"]


def test_a_spaced_numeral_heading_may_be_long():
    text = ("关于2023年法治政府建设情况的报告\n一 主要工作和成效\n开展宣传。\n二 存在的问题\n宣传不够。\n"
            "三 2023年度党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况\n镇长带头学法。\n"
            "四 下一步工作打算\n加强培训。\n")
    doc = doc_of(text)
    assert [s.type for s in doc.sections if s.level == 1] == [
        "Achievements", "Shortcomings", "ResponsibilityPerformance", "NextYearPlan"]
