"""kg.extract.concepts: curated mechanisms and campaigns, and the words that only look like them."""
import pytest

from kg.extract.concepts import extract
from kg.model import SourceText
from kg.normalize import normalize
from kg.sections import structure


def found(text: str) -> list[tuple[str, str]]:
    doc = structure(SourceText("r.txt", "r.txt", text, "utf-8", ""), normalize(text))
    return [(m.surface, m.concept.pref_label) for m in extract(doc)]


@pytest.mark.parametrize("text, expected", [
    # a label inside the title of a law or regulation is the document's name
    ("一、主要成效\n严格执行《广东省行政执法监督条例》，全年办理案件58宗。", []),
    ("一、主要成效\n学习《信访工作条例》，开展《信访工作条例》学习宣传月活动。", [("《信访工作条例》学习宣传月", "信访工作条例宣传月")]),
    # a notice board is not the disclosure system
    ("一、主要成效\n通过乡政府公示栏、村务公开栏和微信群主动公开信息86条。", []),
    ("一、主要成效\n全面推行村务公开，规范村级事务。", [("村务公开", "三务公开")]),
    # wordings of the year's reports (written for this test)
    ("一、主要成效\n畅通12345市民服务热线，班子成员年底书面述法，修订嘎查规民约。",
     [("12345市民服务热线", "12345热线"), ("书面述法", "领导干部述法"), ("嘎查规民约", "村规民约")]),
    ("一、主要成效\n推进“一网统管”建设，开展人民建议征集，设立“共享法庭”。",
     [("一网统管", "一网统管"), ("人民建议征集", "人民建议征集"), ("共享法庭", "共享法庭")]),
])
def test_curated_labels_in_context(text, expected):
    assert found(text) == expected


def test_the_reports_own_title_names_no_mechanism():
    text = "福州市仓山区仓山镇2024年法治政府建设年度报告\n\n一、主要成效\n按时公开法治政府建设年度报告。"
    assert found(text) == [("法治政府建设年度报告", "法治政府建设年度报告制度")]
