"""Discovery of mechanisms and campaigns the vocabularies do not know, on real and made-up sentences."""
import pytest

from kg.extract.discovery import candidates


def labels(text, kind=None):
    return [c[2] for c in candidates(text) if kind is None or c[0] == kind]


@pytest.mark.parametrize("sentence, expected", [
    # from the seeds
    ("充分发挥“一统六联”机制作用", ["一统六联"]),
    ("加勤乡积极探索“法治+乡村振兴”工作模式，将法治建设融入乡村振兴全过程。", ["法治+乡村振兴"]),
    ("持续深化“党建引领精准服务 党员干部包村联户”党建品牌", ["党建引领精准服务 党员干部包村联户"]),
    ("积极探索“党支部+网格+双联户+奋进队员+交通劝导员+科技支撑”的依法治理新模式",
     ["党支部+网格+双联户+奋进队员+交通劝导员+科技支撑"]),
    # made up, other provinces' styles
    ("推行“五老调解工作法”，化解纠纷", ["五老调解工作法"]),
    ("创新“131”工作法", ["131工作法"]),
    ("落实“一村一辅警”", ["一村一辅警"]),
    ("推进“三治融合”", ["三治融合"]),
    ("完善“街乡吹哨、部门报到”机制", ["街乡吹哨、部门报到"]),
])
def test_unseen_mechanisms_are_discovered(sentence, expected):
    assert labels(sentence, "mechanism") == expected


@pytest.mark.parametrize("sentence", [
    "坚持“法无授权不可为”的总原则",           # a principle, no mechanism head
    "乡、村两级实行“一把手”负责制",            # generic phrase in the stop list
    "深入贯彻党的二十大和二十届二中、三中全会精神",
    "全面践行“习近平法治思想”",
    "在“大”宣传作用",
    "邀请律师开展“法治宣传”",
])
def test_generic_phrases_do_not_become_mechanisms(sentence):
    assert labels(sentence, "mechanism") == []


def test_campaigns_with_head_words():
    found = labels("利用三月平安建设宣传月、“4.15”全民国家安全教育日、六月平安宣传周、9.16平西藏宣传日等各类活动", "campaign")
    assert found == ["平安建设宣传月", "全民国家安全教育日", "平安宣传周", "平西藏宣传日"]


def test_quoted_campaign_keeps_its_head():
    assert labels("开展“蓝天护航”专项行动", "campaign") == ["蓝天护航专项行动"]
    assert labels("开展“民法典宣传月”活动") == ["民法典宣传月"]


def test_spans_point_at_the_label():
    text = "充分发挥“一统六联”机制作用"
    (kind, _, label, start, end), = candidates(text)
    assert text[start:end] == label


def test_a_list_of_observances_keeps_the_last_name():
    assert labels("组织开展国家宪法日和宪法宣传周等集中宣传活动", "campaign") == ["宪法宣传周"]


# --- quoted names without a mechanism head (written for these tests) -------------------------------

@pytest.mark.parametrize("sentence, kind, expected", [
    ("创新开展“法治赶集日”活动，利用农村集市开展法律咨询。", "campaign", ["法治赶集日"]),
    ("开展“百日攻坚”行动，集中化解信访积案。", "campaign", ["百日攻坚"]),
    ("深入开展“四讲四爱”群众教育实践活动。", "campaign", ["四讲四爱"]),        # a campaign, though of a slogan's shape
    ("全面开展“无讼村屯”创建，培育无讼示范村。", "campaign", ["无讼村屯创建"]),
    ("深化“五星”支部创建。", "campaign", ["五星支部创建"]),
    ("坚持村居法律顾问“法律服务日”，深入村社开展法律服务。", "campaign", ["法律服务日"]),
    ("大力推进领导干部法治素养提能行动。", "campaign", ["领导干部法治素养提能行动"]),
    ("计划在各嘎查建设“石榴籽”调解室。", "mechanism", ["石榴籽"]),
    ("打造“云门夜话”议事平台，听取群众意见。", "mechanism", ["云门夜话"]),
    ("设立“艺术家法律服务驿站”，提供著作权咨询。", "mechanism", ["艺术家法律服务驿站"]),
    ("开展“每月一题”专项治理。", "mechanism", ["每月一题"]),
])
def test_quoted_names_of_campaigns_and_institutions(sentence, kind, expected):
    assert labels(sentence, kind) == expected


@pytest.mark.parametrize("sentence", [
    "在册社区矫正对象9人，落实“一人一策”帮教措施。",     # record-keeping slogans are not mechanisms
    "落实“一人一档”管理，全年未发生重新违法犯罪。",
    "以服务“百千万工程”为牵引，推动法治政府建设。",      # a development programme
    "联合市级部门开展专项整治，打击非法采砂。",            # no name before the head
])
def test_slogans_and_programmes_are_not_discovered(sentence):
    assert labels(sentence) == []


def test_a_composite_model_that_contains_a_curated_label_is_still_discovered():
    from kg.extract.discovery import extract
    from kg.model import Document, NormalizedText, SourceText
    t = "积极探索“党支部+网格+双联户+奋进队员+交通劝导员+科技支撑”的依法治理新模式。推进“四议两公开”工作法。"
    d = Document(SourceText("x", "x", t, "utf-8", ""), NormalizedText(t, tuple(range(len(t) + 1))), (), ())
    assert [m.concept.pref_label for m in extract(d)] == ["党支部+网格+双联户+奋进队员+交通劝导员+科技支撑"]


@pytest.mark.parametrize("sentence, expected", [
    # the quotes lost (a page that strips them, a PDF that drops them): the "+" marks the name
    ("加勤乡积极探索法治+乡村振兴工作模式，将法治建设融入乡村振兴全过程。", ["法治+乡村振兴"]),
    ("继续深化党建+网格+调解工作模式", ["党建+网格+调解"]),
    ("推行党建+网格+法治治理模式", ["党建+网格+法治"]),
    ("全面推行4+2工作法", ["4+2工作法"]),
])
def test_an_unquoted_composite_before_a_head_is_discovered(sentence, expected):
    assert labels(sentence, "mechanism") == expected


def test_an_unquoted_composite_without_a_head_is_not():
    assert labels("全部落实网格员+司法所+派出所联动帮扶") == []


@pytest.mark.parametrize("sentence", [
    "结合“四月十五日”全民国家安全教育日开展宣传",     # the date of an observance, written in words
    "以“十二月四日”国家宪法日为契机",
    "利用“12月4日”国家宪法日",
])
def test_a_quoted_date_is_not_a_name(sentence):
    assert [c for c in candidates(sentence) if c[2].endswith("日") and "月" in c[2]] == []


@pytest.mark.parametrize("sentence, expected", [
    ("充分发挥一统六联机制作用", ["一统六联"]),
    ("推行四议两公开工作法", ["四议两公开"]),
    ("一是健全三级联动机制", ["三级联动"]),          # the point's 一是 is not part of it
])
def test_an_unquoted_numeral_slogan_before_a_head_is_discovered(sentence, expected):
    assert labels(sentence, "mechanism") == expected


@pytest.mark.parametrize("sentence", ["完善二十三项工作机制", "建立两个清单制度", "落实三项制度", "一是完善工作机制"])
def test_counted_things_before_a_head_are_not_slogans(sentence):
    assert labels(sentence, "mechanism") == []
