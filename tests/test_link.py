"""Whose report: township, county and the chain up, against the national gazetteer."""
import random
from collections import Counter
from pathlib import Path

import pytest

from kg.gazetteer import Gazetteer
from kg.link import AttributionError, attribute
from kg.model import SourceText
from kg.normalize import normalize
from kg.sections import structure

ROOT = Path(__file__).resolve().parent.parent
GAZ = Gazetteer.load()


def doc_of(text: str, name: str = "t.txt"):
    return structure(SourceText(name, name, text, "utf-8", "0" * 64), normalize(text))


def chain_names(who):
    return [who.division.name] + [link.parent.name for link in who.parents]


@pytest.mark.parametrize("seed, expected", [
    ("000_4e8d029ddc923378.txt", ["加勤乡", "索县", "那曲市", "西藏自治区"]),
    ("001_7fcf7b579bc80cd2.txt", ["双泉乡", "酉阳土家族苗族自治县", "重庆市"]),
    ("003_b24c3119e0d03373.txt", ["大村乡", "南宫市", "邢台市", "河北省"]),
    ("004_913615f662c886fc.txt", ["色务乡", "安多县", "那曲市", "西藏自治区"]),
])
def test_seed_reports_are_attributed(seed, expected):
    who = attribute(doc_of((ROOT / "seeds" / seed).read_text(encoding="utf-8")), GAZ)
    assert chain_names(who) == expected
    assert who.division.code and who.division.code.isdigit()
    # the county is named in the text: the first link rests on the report, not on the gazetteer alone
    assert not who.parents[0].by_gazetteer


def test_township_without_county_keeps_every_candidate():
    who = attribute(doc_of((ROOT / "seeds" / "002_879416a33f48ecb3.txt").read_text(encoding="utf-8")), GAZ)
    assert who.division.name == "永和镇" and who.division.code is None
    assert who.parents == ()
    names = {c.name for c in who.candidates}
    assert {"浏阳市", "晋江市", "正宁县", "上虞区", "安阳县"} <= names
    assert len(names) == len(GAZ.named("永和镇", "township"))


def _ambiguous_townships(k, seed):
    counts = Counter(d.name for d in GAZ if d.level == "township" and d.code)
    names = sorted(n for n, c in counts.items() if c >= 2)
    return random.Random(seed).sample(names, k)


@pytest.mark.parametrize("name", _ambiguous_townships(15, 11))
def test_unseen_townships_with_their_county_named(name):
    """Townships the seeds never mention, drawn from the gazetteer: the named county decides."""
    for town in GAZ.named(name, "township"):
        county = GAZ.get(town.parent)
        text = f"{county.name}{name}人民政府\n关于2024年度法治政府建设情况的报告\n2024年，{name}坚持依法行政，全面推进法治建设。\n一、主要做法及成效\n开展法治宣传活动。"
        who = attribute(doc_of(text), GAZ)
        assert who.division.code == town.code, (name, county.name)


def test_a_province_named_narrows_the_candidates():
    towns = GAZ.named("景山街道", "township")
    target = next(t for t in towns if GAZ.chain(t.key)[-1].name == "浙江省")
    text = "景山街道2024年法治政府建设情况报告\n2024年，景山街道在浙江省委、省政府部署下，坚持依法行政。\n一、主要举措和成效\n开展法治宣传。"
    who = attribute(doc_of(text), GAZ)
    assert who.division.code == target.code
    assert who.parents[0].by_gazetteer


def test_a_village_named_narrows_the_candidates():
    towns = [t for t in GAZ.named("景山街道", "township") if GAZ.villages(t.key)]
    names = Counter(v for t in towns for v in GAZ.villages(t.key))
    target, village = next((t, v) for t in towns for v in GAZ.villages(t.key) if names[v] == 1 and len(v) >= 3)
    text = f"景山街道2024年法治政府建设情况报告\n2024年，景山街道坚持依法行政，在{village}开展法治宣传。\n一、主要举措和成效\n开展法治宣传。"
    who = attribute(doc_of(text), GAZ)
    assert who.division.code == target.code


def test_unique_township_name_determines_its_county():
    counts = Counter(d.name for d in GAZ if d.level == "township" and d.code)
    name = sorted(n for n, c in counts.items() if c == 1 and n.endswith("乡"))[100]
    town = GAZ.named(name, "township")[0]
    who = attribute(doc_of(f"{name}2024年法治政府建设情况报告\n2024年，{name}坚持依法行政。\n一、主要做法及成效\n开展普法。"), GAZ)
    assert who.division.code == town.code
    assert who.parents[0].parent.code == town.parent


def test_county_report_and_department_report():
    who = attribute(doc_of("索县2023年度法治政府建设情况报告\n2023年，索县坚持依法行政。\n一、主要做法及成效\n开展普法。"), GAZ)
    assert (who.division.name, who.division.level) == ("索县", "county")
    assert [l.parent.name for l in who.parents] == ["那曲市", "西藏自治区"]
    who = attribute(doc_of("南宫市司法局2023年法治政府建设工作情况报告\n2023年，我局坚持依法行政。\n一、主要做法及成效\n开展普法。"), GAZ)
    assert who.division.name == "南宫市"


def test_traditional_characters_are_linked_as_simplified():
    who = attribute(doc_of("安多縣色務鄉2024年度法治政府建設情況報告\n2024年，色務鄉深入貫徹落實習近平法治思想。\n一、主要做法及成效\n開展普法。"), GAZ)
    assert chain_names(who)[:2] == ["色务乡", "安多县"]


def test_unknown_township_keeps_its_name():
    who = attribute(doc_of("索县新发明镇人民政府\n关于2024年法治政府建设情况的报告\n2024年，新发明镇坚持依法行政。\n一、主要做法及成效\n开展普法。"), GAZ)
    assert who.division.name == "新发明镇" and who.division.code is None
    assert who.parents[0].parent.name == "索县"


def test_no_division_at_all_is_an_error():
    with pytest.raises(AttributionError):
        attribute(doc_of("关于2024年法治政府建设情况的报告\n一年来我们坚持依法行政，取得成效。"), GAZ)


# --- names the shapes must read right (sentences written for these tests) ------------------------

@pytest.mark.parametrize("text, expected", [
    # the Party committee's name is not a county's
    ("中共索县委员会关于2024年度法治建设情况的报告\n2024年，县委坚持依法执政。\n一、主要内容\n开展法治宣传活动。",
     ["索县", "那曲市", "西藏自治区"]),
    # a short county name, named by its department; a date before it is not part of it
    ("2024年成县司法局法治政府建设年度报告\n2024年，我局依法行政。\n一、主要做法\n开展宣传。",
     ["成县", "陇南市", "甘肃省"]),
    ("成县司法局关于2024年法治政府建设情况的报告\n2024年，我局在县委县政府领导下依法行政。\n一、主要做法\n开展宣传。",
     ["成县", "陇南市", "甘肃省"]),
    # the township is the subject of the opening line; 全街道 is no name
    ("关于2024年法治政府建设情况的报告\n2024年，胜利街道在道外区委、区政府的领导下，全街道法治建设取得成效。\n一、主要做法\n开展宣传。",
     ["胜利街道", "道外区", "哈尔滨市", "黑龙江省"]),
    ("关于2024年法治政府建设情况的报告\n2024年，张镇在区委、区政府的正确领导下依法行政。\n一、主要做法\n开展宣传。",
     ["张镇", "顺义区", "北京市"]),
    # a township named with its county, and one whose county the opening names
    ("顺义区张镇人民政府关于2024年法治政府建设情况的报告\n2024年，我镇依法行政。\n一、主要做法\n开展宣传。",
     ["张镇", "顺义区", "北京市"]),
    ("金盆镇2024年法治政府建设情况报告\n2024年，金盆镇在南县县委、县政府的领导下，坚持依法行政。\n一、主要做法\n开展宣传。",
     ["金盆镇", "南县", "益阳市", "湖南省"]),
    ("西城镇人民政府关于2024年法治政府建设情况的报告\n今年以来，西城镇在安国市委、市政府的坚强领导下扎实推进法治建设。\n一、主要做法\n开展宣传。",
     ["西城镇", "安国市", "保定市", "河北省"]),
])
def test_names_read_by_their_shape(text, expected):
    assert chain_names(attribute(doc_of(text), GAZ)) == expected


def test_words_of_a_township_shape_that_are_no_name():
    text = "关于2024年法治政府建设情况的报告\n2024年，全街道在道外区委的领导下依法行政。\n一、主要做法\n开展宣传。"
    who = attribute(doc_of(text), GAZ)
    assert who.division.name != "全街道"


@pytest.mark.parametrize("text, expected", [
    ("关于新兴镇2019年法治政府建设情况的报告\n\n2019年，新兴镇在涡阳县委、涡阳县政府的坚强领导下依法行政。\n一、主要做法\n开展宣传。",
     ["新兴镇", "涡阳县", "亳州市", "安徽省"]),
    ("根据泗县依法治县委员会关于报告年度法治政府建设情况的安排，现将局2023年法治政府建设情况总结如下：\n一、主要做法和成效\n开展宣传。",
     ["泗县", "宿州市", "安徽省"]),
])
def test_words_before_a_shaped_name_are_not_part_of_it(text, expected):
    assert chain_names(attribute(doc_of(text), GAZ)) == expected


def test_the_subject_of_the_opening_sentence_is_the_township():
    text = ("2020年以来，发展乡始终坚持把法治政府建设摆在全局工作的突出位置，在县委、县政府的有力指导下依法行政。"
            "现将2020年工作情况报告如下：\n一.主要工作和成效\n开展宣传。")
    who = attribute(doc_of(text), GAZ)
    assert who.division.name == "发展乡"
    assert "庆安县" in {c.name for c in who.candidates} or "庆安县" in chain_names(who)


@pytest.mark.parametrize("text", [
    "加 勤 乡 人 民 政 府\n关于2024年度法治政府建设情况的报告\n2024年，加勤乡在索县县委的领导下推进法治建设。\n一、主要做法及成效\n开展普法。",
    "2024年，加 勤 乡在索 县县委、县政府的坚强领导下推进法治建设。\n一、主要做法及成效\n开展普法。",
])
def test_layout_spaces_inside_a_name_do_not_split_it(text):
    """A PDF's letter-spaced title or justified line: 加 勤 乡 is 加勤乡; the mention points at it."""
    doc = doc_of(text)
    who = attribute(doc, GAZ)
    assert chain_names(who)[:2] == ["加勤乡", "索县"]
    assert doc.text[who.mention.start:who.mention.end].replace(" ", "") == "加勤乡"
