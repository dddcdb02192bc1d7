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
