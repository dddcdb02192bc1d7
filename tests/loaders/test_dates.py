"""Dates in reports and pages, and the report year and publication date that structure() derives."""
from datetime import date

import pytest

from kg.loaders.dates import closing_date, labeled_date, parse_date, reported_year
from kg.model import SourceText
from kg.normalize import normalize
from kg.sections import structure

BODY = "一、主要成效\n今年以来,我镇坚持依法行政,开展法治宣传活动58场次。\n二、存在问题\n法治意识有待提高。\n三、下一步工作打算\n持续深化普法。"


@pytest.mark.parametrize("text, expected", [
    ("2025-01-20", date(2025, 1, 20)),
    ("2025/1/5 09:30", date(2025, 1, 5)),
    ("2025.01.20", date(2025, 1, 20)),
    ("2025年1月20日", date(2025, 1, 20)),
    ("2025 年 01 月 20 日", date(2025, 1, 20)),
    ("二〇二五年一月二十日", date(2025, 1, 20)),
    ("二○二四年十二月三十一日", date(2024, 12, 31)),
    ("二〇二五年三月十号", date(2025, 3, 10)),
    ("2025-13-01", None),
    ("2025年2月30日", None),
    ("2024年", None),
    ("2024年12月", None),
    ("12025-01-20", None),
    ("电话0896-1234567", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("发布时间：2025-01-20 10:30 来源：加勤乡", date(2025, 1, 20)),
    ("发布日期:2025年1月20日", date(2025, 1, 20)),
    ("成文日期：2025-01-15  发布日期：2025-01-20", date(2025, 1, 15)),
    ("印发日期： 二〇二五年一月十五日", date(2025, 1, 15)),
    ("时间：2024年5月10日 地点：镇政府会议室", None),
    ("于2025年1月20日发布", None),
])
def test_labeled_date(text, expected):
    assert labeled_date(text) == expected


def test_closing_date_is_the_date_under_the_signature():
    assert closing_date(BODY + "\n\n色务乡人民政府\n2025年1月15日\n") == date(2025, 1, 15)
    assert closing_date(BODY + "\n色务乡人民政府\n二〇二五年一月十五日") == date(2025, 1, 15)
    assert closing_date(BODY + "\n计划于2025年6月30日前完成。") is None
    assert closing_date("2025年1月15日\n" + BODY) is None


@pytest.mark.parametrize("published, year", [
    (date(2025, 1, 20), 2024), (date(2025, 3, 31), 2024), (date(2025, 9, 1), 2024),
    (date(2024, 12, 25), 2024), (date(2025, 12, 1), 2025),
])
def test_reported_year(published, year):
    assert reported_year(published) == year


def _doc(text, metadata=()):
    return structure(SourceText("r", "r", text, "utf-8", "0" * 64, tuple(metadata)), normalize(text))


def test_year_in_the_title_wins_over_everything():
    doc = _doc("关于2023年度法治政府建设情况的报告\n" + BODY, [("published", "2025-01-20")])
    assert doc.year == 2023


def test_page_published_2025_01_without_a_year_in_the_title_reports_on_2024():
    doc = _doc("色务乡法治政府建设情况报告\n" + BODY.replace("今年以来", "2025年以来"), [("published", "2025-01-20")])
    assert doc.year == 2024
    assert dict(doc.source.metadata)["published"] == "2025-01-20"


def test_publication_line_in_the_text_gives_year_and_metadata():
    doc = _doc("色务乡法治政府建设情况报告\n发布日期:2025年01月20日\n" + BODY)
    assert doc.year == 2024
    assert doc.source.metadata == (("published", "2025-01-20"),)


def test_loader_metadata_is_not_overridden_by_a_text_line():
    doc = _doc("色务乡法治政府建设情况报告\n发布日期:2025年03月01日\n" + BODY, [("published", "2025-01-20")])
    assert doc.source.metadata == (("published", "2025-01-20"),)


def test_opening_paragraph_year_without_any_date():
    doc = _doc("2024年,在县委、县政府的坚强领导下,我镇依法行政。\n" + BODY)
    assert doc.year == 2024
    assert doc.source.metadata == ()


def test_signature_date_when_nothing_else_names_the_year():
    doc = _doc("色务乡法治政府建设情况报告\n" + BODY + "\n色务乡人民政府\n2025年1月15日")
    assert doc.year == 2024
    assert doc.source.metadata == ()   # the date written is not the publication date


def test_most_named_year_is_the_last_resort():
    doc = _doc("色务乡法治政府建设情况报告\n" + BODY + "\n2023年开展活动;2023年培训;2022年起实施。")
    assert doc.year == 2023
