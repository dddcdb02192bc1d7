"""Dates as Chinese reports and government pages write them.

Three questions, one module: what date a piece of text names (:func:`parse_date`),
which date a document says it was published or issued on (:func:`labeled_date`,
a 发布时间/发布日期/成文日期 line; :func:`closing_date`, the date under the
signature), and which year a report published on a date reports on
(:func:`reported_year`).

>>> parse_date("二〇二五年一月十五日")
datetime.date(2025, 1, 15)
>>> labeled_date("索县人民政府  发布时间：2025-01-20 10:30  来源：加勤乡")
datetime.date(2025, 1, 20)
>>> reported_year(parse_date("2025年1月20日"))
2024
"""
from __future__ import annotations

import re
from datetime import date

import cn2an

_CN_DIGIT = "〇零○一二三四五六七八九"
_YEAR = rf"(?P<y>(?:19|20)\d\d|[一二][{_CN_DIGIT}]{{3}})"
_MONTH = r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?P<d>\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
# 2025-01-20, 2025/1/20, 2025.01.20 (one separator throughout) or 2025年1月20日.
_DATE = re.compile(
    rf"(?<!\d)(?:(?P<ny>(?:19|20)\d\d)(?P<sep>[-/.．])(?P<nm>\d{{1,2}})(?P=sep)(?P<nd>\d{{1,2}})(?!\d)"
    rf"|{_YEAR}\s*年\s*{_MONTH}\s*月\s*{_DAY}\s*[日号])"
)
# The labels a page or a document puts before its publication or issue date.
_LABEL = re.compile(r"(?:发布|发文|成文|印发|公开|公布)(?:时间|日期)\s*[:：]\s*")
_SIGNATURE_LINES = 3


def _number(s: str) -> int:
    if s.isdigit():
        return int(s)
    # cn2an reads 二〇二五 digit by digit and 二十 as twenty; ○ is a look-alike of 〇.
    return int(cn2an.cn2an(s.replace("○", "〇"), "smart"))


def _from_match(m: re.Match[str]) -> date | None:
    if m.group("ny"):
        y, mo, d = m.group("ny"), m.group("nm"), m.group("nd")
    else:
        y, mo, d = m.group("y"), m.group("m"), m.group("d")
    try:
        return date(_number(y), _number(mo), _number(d))
    except ValueError:   # 2025-02-30, or a numeral cn2an cannot read
        return None


def parse_date(text: str) -> date | None:
    """The first valid date written in ``text``, or ``None``.

    >>> parse_date("2025/1/20"), parse_date("2025.01.20 10:30")
    (datetime.date(2025, 1, 20), datetime.date(2025, 1, 20))
    >>> parse_date("2024年12月31日前完成"), parse_date("2025-02-30"), parse_date("2025-01/20")
    (datetime.date(2024, 12, 31), None, None)
    """
    for m in _DATE.finditer(text):
        found = _from_match(m)
        if found is not None:
            return found
    return None


def labeled_date(text: str) -> date | None:
    """The date after the first 发布时间/发布日期/成文日期/印发日期… label.

    >>> labeled_date("发布日期：2025年01月20日  浏览次数：35")
    datetime.date(2025, 1, 20)
    >>> labeled_date("时间：2024年5月10日") is None    # a meeting's time, not a publication date
    True
    """
    for label in _LABEL.finditer(text):
        m = _DATE.match(text, label.end())
        if m and (found := _from_match(m)):
            return found
    return None


def closing_date(text: str) -> date | None:
    """The date on a line of its own among the last lines: the date under the signature.

    >>> closing_date("……提供法治保障。\\n\\n加勤乡人民政府\\n2025年1月15日\\n")
    datetime.date(2025, 1, 15)
    >>> closing_date("计划于2025年1月15日完成。\\n") is None
    True
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines[-_SIGNATURE_LINES:]):
        m = _DATE.fullmatch(line)
        if m and (found := _from_match(m)):
            return found
    return None


def reported_year(published: date) -> int:
    """The year a report published on ``published`` reports on.

    Reports are due by 1 April of the following year (法治政府建设与责任落实督察
    工作规定, 2019, art. 25) and many come out later in that year; only a report
    published in December can be the current year's.

    >>> reported_year(date(2025, 3, 28)), reported_year(date(2024, 12, 20))
    (2024, 2024)
    """
    return published.year if published.month == 12 else published.year - 1
