"""Period grammar (analysis.periods)."""

import pandas as pd
import pytest

from analysis import PeriodParseError, parse_period


@pytest.mark.parametrize(
    "text, kind, start, end",
    [
        ("2022", "year", "2022-01-01", "2022-12-31"),
        ("2022Q1", "quarter", "2022-01-01", "2022-03-31"),
        ("2024Q1", "quarter", "2024-01-01", "2024-03-31"),
        ("2022-02", "month", "2022-02-01", "2022-02-28"),
        ("2022-01/2022-10", "month_span", "2022-01-01", "2022-10-31"),
        ("2021/2022", "year_span", "2021-01-01", "2022-12-31"),
        ("2023-12-13", "date", "2023-12-13", "2023-12-13"),
    ],
)
def test_parse_period(text, kind, start, end):
    p = parse_period(text)
    assert p.kind == kind and p.start == pd.Timestamp(start) and p.end == pd.Timestamp(end)


def test_unknown_period_has_no_dates():
    p = parse_period("unknown")
    assert not p.known and pd.isna(p.start) and p.year is None
    with pytest.raises(PeriodParseError):
        _ = p.days


def test_quarter_length():
    assert parse_period("2022Q1").days == 90
    assert parse_period("2024Q1").days == 91  # leap year


@pytest.mark.parametrize("text", ["2022-13", "2022Q5", "x202x", "2022-10/2022-01", "2022-02-30", "1-2023月", ""])
def test_bad_periods_raise(text):
    with pytest.raises(PeriodParseError, match="period|not a valid date|ends before"):
        parse_period(text)


def test_period_bounds_of_a_column():
    from analysis import period_bounds

    labels = pd.Series(["2022Q1", "unknown", None, "2022-01/2022-10", "2022Q1"], index=[10, 11, 12, 13, 14])
    b = period_bounds(labels)
    assert list(b.index) == [10, 11, 12, 13, 14]
    assert b.loc[10, "start"] == pd.Timestamp("2022-01-01") and b.loc[14, "end"] == pd.Timestamp("2022-03-31")
    assert b.loc[13, "end"] == pd.Timestamp("2022-10-31") and b.loc[13, "kind"] == "month_span"
    assert pd.isna(b.loc[11, "start"]) and b.loc[11, "kind"] == "unknown"
    assert pd.isna(b.loc[12, "end"]) and b.loc[12, "kind"] == "unknown"
    with pytest.raises(ValueError, match="Series"):
        period_bounds(["2022"])


def test_period_order_is_the_calendar_not_the_text():
    # synthetic labels: a text sort puts 1-6月 (2024-01/2024-06) before 2024Q1, although Q1 ends first
    from analysis.periods import period_order
    s = pd.Series(["2024-01/2024-06", "2024Q1", "unknown", "2023", "2024Q1", "2024-03", None])
    ordered = s.iloc[period_order(s).sort_values(kind="stable").index].tolist()
    assert ordered[:5] == ["2023", "2024Q1", "2024Q1", "2024-03", "2024-01/2024-06"]
    assert "unknown" in ordered[5:] and pd.isna(pd.Series(ordered[5:])).sum() == 1  # unknown and missing last
    assert period_order(s)[1] == period_order(s)[4]  # equal labels, equal keys: a stable sort keeps data order
