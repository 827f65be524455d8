"""Units and Chinese number words (analysis.units).

Golden values are the documents' own figures, converted by hand with 万 = 1e4 and 亿 = 1e8 (data/CODEBOOK.md, rule 3).
"""

import math

import pytest
from hypothesis import given, strategies as st

from analysis import Quantity, QuantityParseError, format_quantity, parse_chinese_number, parse_quantity


@pytest.mark.parametrize(
    "text, value, unit, qualifier, kind",
    [
        ("533.3亿元", 53_330_000_000, "yuan", "exact", "level"),      # doc 000 line 3
        ("6000万元", 60_000_000, "yuan", "exact", "level"),           # doc 000 line 62
        ("6700万美元", 67_000_000, "usd", "exact", "level"),          # doc 003 line 19
        ("6700 万美元以上", 67_000_000, "usd", "at_least", "level"),  # doc 003 line 19, as written with a space
        ("1000亩", 1000, "mu", "exact", "level"),
        ("6.44万平方米", 64_400, "m2", "exact", "level"),             # doc 000 line 116
        ("120万方", 1_200_000, "m2", "exact", "level"),               # doc 002 line 31 (operated area)
        ("超120万方", 1_200_000, "m2", "at_least", "level"),
        ("478公顷", 4_780_000, "m2", "exact", "level"),               # 1 公顷 = 1e4 m2
        ("13.7%", 13.7, "percent", "exact", "level"),
        ("百分之二十", 20, "percent", "exact", "level"),               # doc 000 line 62
        ("近200亿元", 20_000_000_000, "yuan", "just_under", "level"),  # doc 001 line 43
        ("约230亿元", 23_000_000_000, "yuan", "about", "level"),
        ("超10.5亿元", 1_050_000_000, "yuan", "at_least", "level"),    # doc 000 line 76
        ("50亿元以上", 5_000_000_000, "yuan", "at_least", "level"),    # doc 001 line 31
        ("不少于4次", 4, "count", "at_least", "level"),
        ("550余万元", 5_500_000, "yuan", "more_than", "level"),        # doc 002 line 41
        ("150余家", 150, "count", "more_than", "level"),
        ("超千万元", 10_000_000, "yuan", "at_least", "level"),
        ("115名", 115, "person", "exact", "level"),
        ("20余人次", 20, "person_time", "more_than", "level"),
        ("1800万吨", 18_000_000, "tonne", "exact", "level"),
        ("56.5公里", 56.5, "km", "exact", "level"),
        ("三分之一", 100 / 3, "percent", "exact", "level"),
        ("第三", 3, "rank", "exact", "level"),              # doc 001 line 31: 居全省第三
        ("第12名", 12, "rank", "exact", "level"),
        ("3-5家", 3, "count", "at_least", "level"),          # doc 004 line 18: a range, lower end kept
        ("3路", 3, "count", "exact", "level"),
        ("增长7倍多", 700, "percent", "more_than", "growth"),          # doc 001 line 65: +700 %, not x7
        ("同比增长7倍", 700, "percent", "exact", "growth"),
        ("同比增长42.45%", 42.45, "percent", "exact", "growth"),
        ("下降3.5%", -3.5, "percent", "exact", "growth"),
        ("-2.5%", -2.5, "percent", "exact", "growth"),              # a signed rate, as spreadsheets write it
        ("+7.1%", 7.1, "percent", "exact", "growth"),
        ("−2.5%", -2.5, "percent", "exact", "growth"),              # U+2212 minus sign
        ("－2.5％", -2.5, "percent", "exact", "growth"),            # full-width sign and percent
        ("增长-2.5%", -2.5, "percent", "exact", "growth"),          # statistical tables: 增速-2.5%
        ("增长13.7%", 13.7, "percent", "exact", "growth"),
        ("约-1.2%", -1.2, "percent", "about", "growth"),
        ("突破100亿元", 10_000_000_000, "yuan", "at_least", "level"),  # 突破: exceeded
        ("达52.7亿元", 5_270_000_000, "yuan", "exact", "level"),       # 达: reached
        ("25户", 25, "count", "exact", "level"),                      # firms in statistical bulletins
        ("12台", 12, "count", "exact", "level"),
        ("是去年的3倍", 3, "times", "exact", "ratio"),
        ("为上年的1.5倍", 1.5, "times", "exact", "ratio"),
        ("翻一番", 2, "times", "exact", "ratio"),
        ("翻两番", 4, "times", "exact", "ratio"),
    ],
)
def test_parse_golden(text, value, unit, qualifier, kind):
    q = parse_quantity(text)
    assert math.isclose(q.value, value, rel_tol=1e-12)
    assert (q.unit, q.qualifier, q.kind) == (unit, qualifier, kind)


def test_growth_times_is_not_a_ratio():
    # 增长7倍: current = base x (1 + 7) = 8 x base; 是…的7倍: current = 7 x base
    assert parse_quantity("增长7倍").as_ratio() == 8
    assert parse_quantity("是去年的7倍").as_ratio() == 7
    assert parse_quantity("翻一番").as_growth_pct() == 100


def test_bare_number_takes_default_unit():
    q = parse_quantity("1000", default_unit="亿元")   # doc 003 table, 总投资 column in 亿元
    assert q.value == 1e11 and q.unit == "yuan"
    assert parse_quantity("150", default_unit="亩").unit == "mu"


def test_bounds_flags():
    assert parse_quantity("超10.5亿元").is_lower_bound
    assert parse_quantity("近200亿元").is_upper_bound
    assert not parse_quantity("约230亿元").is_lower_bound


@pytest.mark.parametrize(
    "text, message",
    [
        ("签约亿元以上产业项目", "签约"),     # the 约 of 签约 is not 'about'
        ("亿元以上", "does not start with a number"),
        ("12斤", "unknown unit"),
        ("1.2.3亿元", "malformed number"),
        ("2.5个", "whole number"),
        ("", "empty"),
        ("1000", "no unit"),
        ("近约5亿元", "does not start with a number"),
        ("下降-2.5%", "ambiguous"),          # a fall of a fall: refused, not guessed
        ("-5亿元", "does not start with a number"),   # a sign is for rates only
    ],
)
def test_parse_errors_are_clear(text, message):
    with pytest.raises(QuantityParseError, match=message):
        parse_quantity(text)


def test_chinese_numerals():
    assert parse_chinese_number("二十") == 20
    assert parse_chinese_number("十五") == 15
    assert parse_chinese_number("一百零五") == 105
    assert parse_chinese_number("三千二百") == 3200
    with pytest.raises(QuantityParseError):
        parse_chinese_number("二三")
    with pytest.raises(QuantityParseError):
        parse_chinese_number("百千")


# --- property tests ------------------------------------------------------------------------------------

amounts = st.decimals(min_value="0.01", max_value="99999.99", places=2).map(str)


@given(amounts, st.sampled_from([("亿", 1e8), ("万", 1e4), ("", 1.0)]), st.sampled_from(["元", "美元"]))
def test_scale_property(number, scale, currency):
    """A figure with 亿 is 10^4 times the same figure with 万, and 10^8 times the bare one."""
    word, factor = scale
    q = parse_quantity(f"{number}{word}{currency}")
    assert math.isclose(q.value, float(number) * factor, rel_tol=1e-12)
    assert q.unit == ("usd" if currency == "美元" else "yuan")


@given(
    st.decimals(min_value="0.01", max_value="9999999999", places=2).map(float),
    st.sampled_from(["yuan", "usd", "mu", "m2", "tonne"]),
    st.sampled_from(["exact", "at_least", "just_under", "about", "more_than"]),
)
def test_format_parse_round_trip(value, unit, qualifier):
    q = Quantity(value, unit, qualifier)
    back = parse_quantity(format_quantity(q, digits=12))
    assert back.unit == unit and back.qualifier == qualifier
    assert math.isclose(back.value, value, rel_tol=1e-9)


@given(st.integers(min_value=1, max_value=50), st.sampled_from(["", "多"]))
def test_growth_times_round_trip(n, more):
    q = parse_quantity(f"增长{n}倍{more}")
    assert q.kind == "growth" and q.value == n * 100
    assert parse_quantity(format_quantity(q)) == Quantity(q.value, "percent", q.qualifier, "growth", format_quantity(q))


@given(st.integers(min_value=0, max_value=9999))
def test_chinese_numeral_round_trip(n):
    digits = "零一二三四五六七八九"
    def to_cn(x):
        if x == 0:
            return "零"
        out, zero = "", False
        for unit_value, unit_char in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d = x // unit_value % 10
            if d:
                if zero:
                    out += "零"
                out += digits[d] + unit_char
                zero = False
            elif out:
                zero = True
        return out
    assert parse_chinese_number(to_cn(n)) == n


def test_range_keeps_both_ends():
    q = parse_quantity("3-5个")  # doc 004 line 23: 3-5个百亿元级产业集群
    assert (q.value, q.upper, q.qualifier) == (3, 5, "at_least")
    with pytest.raises(QuantityParseError, match="low to high"):
        parse_quantity("5-3个")


@given(st.decimals(min_value="0", max_value="999.99", places=2).map(str))
def test_signed_rate_equals_worded_rate(x):
    """-X% is the same fall as 下降X%, and +X% the same rise as 增长X% (synthetic numbers)."""
    assert parse_quantity(f"-{x}%") == Quantity(-float(x), "percent", "exact", "growth", f"-{x}%")
    assert parse_quantity(f"-{x}%").value == parse_quantity(f"下降{x}%").value
    assert parse_quantity(f"+{x}%").value == parse_quantity(f"增长{x}%").value
