"""kg.numbers: numerals as written -> Decimal, with markers and ranges."""
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from kg.numbers import Number, parse, parse_numeral


@pytest.mark.parametrize(
    "text, value",
    [
        ("98", "98"), ("1,200", "1200"), ("1.5", "1.5"), ("１２", "12"),
        ("三十", "30"), ("一百二十", "120"), ("十", "10"), ("两", "2"), ("一千二百", "1200"),
        ("1.2万", "12000"), ("5千", "5000"), ("0.5万", "5000"), ("两万五千", "25000"),
        ("百", "100"), ("三千五", "3500"), ("1.23万", "12300"),
    ],
)
def test_parse_numeral(text, value):
    assert parse_numeral(text) == Decimal(value)
    assert str(parse_numeral(text)) == value  # no spurious ".0" from float arithmetic


@pytest.mark.parametrize("text", ["", "余", "abc", "1,2", "十几"])
def test_parse_numeral_rejects(text):
    with pytest.raises(ValueError):
        parse_numeral(text)


@pytest.mark.parametrize(
    "text, value",
    [
        ("三万余", "30000"), ("十余", "10"), ("2000余", "2000"), ("近百", "100"), ("上千", "1000"),
        ("约5000", "5000"), ("逾万", "10000"), ("超过3000", "3000"), ("5000以上", "5000"),
        ("100左右", "100"), ("三十多", "30"), ("十几", "10"), ("几十", "10"), ("数百", "100"),
    ],
)
def test_approximate_keeps_the_stated_base(text, value):
    assert parse(text) == Number(Decimal(value), True)


@pytest.mark.parametrize(
    "text, lo, hi",
    [
        ("4-8", "4", "8"), ("4～8", "4", "8"), ("4~8", "4", "8"), ("4至8", "4", "8"), ("4—8", "4", "8"),
        ("三到五", "3", "5"), ("三至五", "3", "5"), ("三四", "3", "4"), ("一两", "1", "2"),
        ("七八十", "70", "80"), ("3-5万", "30000", "50000"), ("3万-5万", "30000", "50000"),
    ],
)
def test_ranges(text, lo, hi):
    n = parse(text)
    assert (n.value, n.value_max, n.approximate) == (Decimal(lo), Decimal(hi), False)


def test_range_with_marker_is_approximate():
    assert parse("4-8余") == Number(Decimal(4), True, Decimal(8))


def test_exact():
    assert parse("58") == Number(Decimal(58))


def test_backwards_range_is_rejected():
    with pytest.raises(ValueError):
        parse("8-4")


@given(st.text(max_size=12))
def test_parse_raises_only_value_error(text):
    try:
        parse(text)
    except ValueError:
        pass


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_round_trip(n):
    assert parse_numeral(str(n)) == n
    assert parse_numeral(f"{n:,}") == n


@given(st.text(alphabet="一二两三四五六七八九十百千万亿零〇余多几近约上数逾超过以左右-~至到0123456789.,%", max_size=10))
def test_parse_on_numeral_soup_raises_only_value_error(text):
    try:
        n = parse(text)
    except ValueError:
        return
    assert n.value_max is None or n.value_max > n.value


@given(st.text(alphabet="约近将接大超过逾上数几余多以左右下内0123456789.三十", max_size=8))
def test_plain_numbers_read_as_the_general_path_reads_them(text):
    """parse() reads 58 / 20余 / 约10 without the general machinery; the result must be the same,
    down to the Decimal's exponent (96.50 -> 96.5, 007 -> 7)."""
    from kg import numbers

    def general(t):
        try:
            n = numbers._parse(t, t)
        except (ValueError, ArithmeticError):
            return "error"
        return n, str(n.value)

    def fast(t):
        try:
            n = parse(t)
        except ValueError:
            return "error"
        return n, str(n.value)

    assert fast(text) == general(text)


def test_doctests():
    import doctest

    import kg.numbers

    assert doctest.testmod(kg.numbers).failed == 0
