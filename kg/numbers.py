"""Numbers as Chinese reports write them: ``1,200``, ``三十``, ``1.2万``, ``2000余``, ``4-8``.

:func:`parse` turns one written number (with its approximation markers and an
optional range) into a :class:`Number`; :func:`parse_numeral` converts a bare
numeral.  The regular-expression pieces below say what a written number looks
like, so that an extractor can find one in running text and hand it to
:func:`parse`.

Chinese numerals go through ``cn2an``; Arabic ones through :class:`Decimal`
directly (exact, and much faster).

>>> parse("三万余")
Number(value=Decimal('30000'), approximate=True, value_max=None)
>>> parse("4～8")
Number(value=Decimal('4'), approximate=False, value_max=Decimal('8'))
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Optional

import cn2an

# -- what a written number looks like (regex sources) -----------------------

CN_DIGITS = "零〇一二两三四五六七八九"
CN_MAGNITUDES = "十百千万亿"
_CN = CN_DIGITS + CN_MAGNITUDES

#: An Arabic numeral: 98, 1.5, 1,200 (ASCII comma in groups of three), full-width digits too.
ARABIC = r"\d{1,3}(?:,\d{3})+(?:[.．]\d+)?|\d+(?:[.．]\d+)?"
#: One numeral: Arabic (optionally with a Chinese magnitude, 1.2万 / 5千) or a run of Chinese numerals.
NUMERAL = rf"(?:(?:{ARABIC})[{CN_MAGNITUDES}]*|[{_CN}]+)"
#: Markers before a number that make it approximate: 近百, 约5000, 逾万, 上千, 数十, 几百.
APPROX_PREFIX = r"将近|接近|大约|约|近|逾|超过|超|上|数|几"
#: Markers between a number and its unit: 2000余份, 三十多次, 十几人.
APPROX_INFIX = r"余|多|几"
#: Markers after the unit: 95%以上, 100人左右.
APPROX_SUFFIX = r"以上|左右|以下|以内|上下"
#: Separators of a range: 4-8, 4～8, 4至8, 三到五.
RANGE_SEPARATOR = r"-|~|～|〜|—|–|－|至|到"

# 上/数/几 only mark a number when a magnitude follows (上千, 数十): 上 alone is "on".
_NEEDS_MAGNITUDE = {"上", "数", "几"}
_PREFIXES = sorted(APPROX_PREFIX.split("|"), key=len, reverse=True)
_SUFFIXES = sorted((APPROX_SUFFIX + "|" + APPROX_INFIX).split("|"), key=len, reverse=True)
_RANGE_RE = re.compile(rf"(.+?)(?:{RANGE_SEPARATOR})(.+)")
_ARABIC_RE = re.compile(rf"(?:{ARABIC})")
_MIXED_RE = re.compile(rf"({ARABIC})([{CN_MAGNITUDES}]+)")
_DIGIT_ORDER = "一二三四五六七八九"
# 三四次, 七八十人: two neighbouring digits mean "three or four", not 34.
_NEIGHBOURS_RE = re.compile(rf"([一二两三四五六七八])([二两三四五六七八九])([{CN_MAGNITUDES}]*)")


@dataclass(frozen=True)
class Number:
    """A number as stated: ``value`` (the stated base), whether it was hedged, and a range's upper end."""

    value: Decimal
    approximate: bool = False
    value_max: Optional[Decimal] = None


def _tidy(d: Decimal) -> Decimal:
    """Drop a spurious fractional part: 12000.0 -> 12000, but keep 98.5.

    >>> _tidy(Decimal("12000.0")), _tidy(Decimal("98.50"))
    (Decimal('12000'), Decimal('98.5'))
    """
    try:
        if d == d.to_integral_value():
            return d.quantize(Decimal(1))
        return d.normalize()
    except InvalidOperation:  # more digits than the context holds: leave it as written
        return d


def _cn2an(s: str) -> Decimal:
    try:
        return Decimal(str(cn2an.cn2an(s, "smart")))
    except Exception as e:  # cn2an raises ValueError, but also KeyError/IndexError on odd input
        raise ValueError(f"not a numeral: {s!r}") from e


def parse_numeral(text: str) -> Decimal:
    """Convert one bare numeral (no markers, no range) to a :class:`Decimal`.

    >>> [str(parse_numeral(s)) for s in ["1,200", "1.5", "98", "三十", "一百二十", "十", "两"]]
    ['1200', '1.5', '98', '30', '120', '10', '2']
    >>> [str(parse_numeral(s)) for s in ["1.2万", "5千", "一千二百", "百", "０.５万"]]
    ['12000', '5000', '1200', '100', '5000']
    >>> parse_numeral("余")
    Traceback (most recent call last):
    ValueError: not a numeral: '余'
    """
    s = text.strip().replace("．", ".")
    if not s:
        raise ValueError(f"not a numeral: {text!r}")
    try:
        if _ARABIC_RE.fullmatch(s):
            return _tidy(Decimal(s.replace(",", "")))
        m = _MIXED_RE.fullmatch(s)
        if m:  # 1.2万: exact decimal arithmetic instead of cn2an's float
            return _tidy(Decimal(m.group(1).replace(",", "")) * _cn2an("一" + m.group(2)))
    except InvalidOperation as e:
        raise ValueError(f"not a numeral: {text!r}") from e
    if any(c not in _CN for c in s):
        raise ValueError(f"not a numeral: {text!r}")
    if s[0] in "百千万亿":  # 百 / 近千: the implied 一 that cn2an wants written
        s = "一" + s
    return _tidy(_cn2an(s))


# An ASCII number (Decimal reads it as written) with at most one marker before and after it;
# the prefixes that need a magnitude (上/数/几) are left to _strip_markers.
_PLAIN_RE = re.compile(
    rf"({'|'.join(p for p in _PREFIXES if p not in _NEEDS_MAGNITUDE)})?([0-9]+(?:\.[0-9]+)?)({'|'.join(_SUFFIXES)})?"
)
_SPACES_RE = re.compile(r"\s+")
_PREFIX_FIRST = frozenset(p[0] for p in _PREFIXES)
_SUFFIX_LAST = frozenset(q[-1] for q in _SUFFIXES)


def _strip_markers(s: str) -> tuple[str, bool]:
    """Remove approximation markers around a numeral; say whether any was there."""
    approx = False
    changed = True
    while changed and s:
        changed = False
        # (the first and last characters rule out most numerals before the loops)
        for p in _PREFIXES if s[0] in _PREFIX_FIRST else ():
            if s.startswith(p) and len(s) > len(p):
                rest = s[len(p):]
                if p in _NEEDS_MAGNITUDE and rest[0] not in CN_MAGNITUDES:
                    continue
                s, approx, changed = rest, True, True
                break
        for q in _SUFFIXES if s and s[-1] in _SUFFIX_LAST else ():
            if s.endswith(q) and len(s) > len(q):
                s, approx, changed = s[: -len(q)], True, True
                break
    return s, approx


def _magnitude_split(s: str) -> tuple[str, str]:
    """Split a trailing run of magnitude characters off a numeral: 五万 -> (五, 万)."""
    i = len(s)
    while i > 0 and s[i - 1] in CN_MAGNITUDES:
        i -= 1
    return s[:i], s[i:]


def parse(text: str) -> Number:
    """Parse a number as written, with approximation markers and ranges.

    Approximate numbers keep the stated base (十余 -> 10, 2000余 -> 2000, 近百 -> 100).

    >>> parse("十余"), parse("近百").value, parse("2000余").value
    (Number(value=Decimal('10'), approximate=True, value_max=None), Decimal('100'), Decimal('2000'))
    >>> [str(parse(s).value) for s in ["上千", "数十", "十几", "约5000", "1.2万", "三万余"]]
    ['1000', '10', '10', '5000', '12000', '30000']
    >>> parse("三到五")
    Number(value=Decimal('3'), approximate=False, value_max=Decimal('5'))
    >>> parse("一两").value_max, parse("七八十").value_max
    (Decimal('2'), Decimal('80'))
    >>> parse("3-5万")
    Number(value=Decimal('30000'), approximate=False, value_max=Decimal('50000'))
    >>> parse("58")
    Number(value=Decimal('58'), approximate=False, value_max=None)
    """
    m = _PLAIN_RE.fullmatch(text)
    if m:  # 58, 96.5, 20余, 约10: most numbers of a report, read without the machinery below
        return Number(_tidy(Decimal(m.group(2))), bool(m.group(1) or m.group(3)))
    try:
        return _parse(_SPACES_RE.sub("", text).replace("%", "").replace("％", ""), text)
    except ArithmeticError as e:  # decimal.InvalidOperation and friends
        raise ValueError(f"not a number: {text!r}") from e


def _parse(s: str, text: str) -> Number:
    s, approx = _strip_markers(s)
    m = _RANGE_RE.fullmatch(s)
    if m:
        lo_text, a1 = _strip_markers(m.group(1))
        hi_text, a2 = _strip_markers(m.group(2))
        lo, hi = parse_numeral(lo_text), parse_numeral(hi_text)
        base, mag = _magnitude_split(hi_text)
        if mag and mag != hi_text and lo_text == _magnitude_split(lo_text)[0]:
            # 3-5万 / 三到五千: the magnitude written once belongs to both ends
            hi_base = parse_numeral(base)
            if lo < hi_base:
                lo = _tidy(lo * (hi / hi_base))
        if hi <= lo:
            raise ValueError(f"not a range: {text!r}")
        return Number(lo, approx or a1 or a2, hi)
    m = _NEIGHBOURS_RE.fullmatch(s)
    if m:
        a, b = m.group(1).replace("两", "二"), m.group(2).replace("两", "二")
        if _DIGIT_ORDER.index(b) == _DIGIT_ORDER.index(a) + 1:
            mag = m.group(3)
            return Number(parse_numeral(m.group(1) + mag), approx, parse_numeral(m.group(2) + mag))
    return Number(parse_numeral(s), approx)
