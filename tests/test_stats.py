"""Tests of analysis.stats. All series and samples are synthetic, made here, unless a comment cites a document."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.stats import (
    BUNCHING_WARN_N,
    MIN_N,
    WARN_N,
    ActualOnTargetResult,
    BunchingResult,
    TrendGrowthResult,
    actual_on_target,
    bunching,
    trend_growth,
)


# ------------------------------------------------------------------------------------------------------------
# trend_growth
# ------------------------------------------------------------------------------------------------------------
def test_exact_exponential_gives_ten_percent_and_a_tight_ci():
    # synthetic: 100 * 1.1^t, t = 0..7
    r = trend_growth([100 * 1.1**t for t in range(8)])
    assert isinstance(r, TrendGrowthResult)
    assert r.estimate == pytest.approx(10.0, abs=1e-9)
    assert r.ci_low <= r.estimate <= r.ci_high
    assert r.ci_high - r.ci_low < 1e-9
    assert r.n == 8
    assert r.warning is None
    assert r.slope == pytest.approx(math.log(1.1))
    assert r.results.params[1] == pytest.approx(math.log(1.1))


def test_quarterly_series_is_annualised():
    # synthetic: 10 % a year, observed quarterly (12 quarters)
    q = [50 * 1.1 ** (t / 4) for t in range(12)]
    assert trend_growth(q, freq_per_year=4).estimate == pytest.approx(10.0, abs=1e-9)
    # read as annual data, the same numbers grow 2.41 % a period
    assert trend_growth(q).estimate == pytest.approx((1.1**0.25 - 1) * 100, abs=1e-9)


def test_decline_gives_negative_growth():
    # synthetic: -20 % a year
    assert trend_growth([100 * 0.8**t for t in range(6)]).estimate == pytest.approx(-20.0, abs=1e-9)


def test_missing_values_keep_their_place_in_time():
    # synthetic: 100, NaN, 121, 133.1, 146.41 is +10 % a year with the second year unobserved
    s = pd.Series([100, np.nan, 121, 133.1, 146.41], index=[2018, 2019, 2020, 2021, 2022])
    r = trend_growth(s)
    assert r.estimate == pytest.approx(10.0, abs=1e-9)
    assert r.n == 4


def test_explicit_time_for_uneven_spacing():
    # synthetic: years 2015, 2018, 2019, 2022, 2023 at +5 % a year
    years = np.array([2015, 2018, 2019, 2022, 2023])
    r = trend_growth(200 * 1.05 ** (years - 2015), time=years)
    assert r.estimate == pytest.approx(5.0, abs=1e-9)


def test_noisy_series_ci_brackets_the_estimate_and_widens_with_confidence():
    # synthetic: +8 % trend with multiplicative noise (seeded)
    rng = np.random.default_rng(1)
    y = 100 * 1.08 ** np.arange(12) * np.exp(rng.normal(0, 0.05, 12))
    r95, r99 = trend_growth(y), trend_growth(y, alpha=0.01)
    assert r95.ci_low < r95.estimate < r95.ci_high
    assert r99.ci_low < r95.ci_low and r99.ci_high > r95.ci_high
    assert r95.ci_low < 8.0 < r95.ci_high
    assert r95.estimate == r99.estimate


def test_two_points_from_a_document_are_refused():
    # doc 004_84ad286a35deb247.txt line 14: 固定资产投资20.75亿元, 同比增长42.45% gives only two levels:
    # the implied base 20.75 / 1.4245 = 14.567 亿元 and 20.75 亿元. A trend needs at least 3.
    base = 20.75e8 / 1.4245
    assert base == pytest.approx(14.5665e8, rel=1e-4)
    with pytest.raises(ValueError, match="at least 3"):
        trend_growth([base, 20.75e8])


@pytest.mark.parametrize("n, warned", [(3, True), (4, True), (5, False), (6, False)])
def test_small_n_warning(n, warned):
    r = trend_growth([100 * 1.1**t for t in range(n)])  # synthetic
    assert (r.warning is not None) is warned
    if warned:
        assert str(n) in r.warning and "means little" in r.warning


def test_thresholds_are_as_documented():
    assert (MIN_N, WARN_N, BUNCHING_WARN_N) == (3, 5, 10)


def test_missing_values_count_against_n():
    # synthetic: five entries but only two levels
    with pytest.raises(ValueError, match="got 2"):
        trend_growth([100, np.nan, 110, np.nan, np.nan])


@pytest.mark.parametrize("bad, match", [
    ([100, 0, 121, 133], "positive"),
    ([100, -5, 121, 133], "positive"),
    ([100, np.inf, 121, 133], "infinite"),
    ([100, "x", 121, 133], "not numeric"),
    ("100,110,121", "1-D sequence"),
    (pd.DataFrame({"a": [1, 2, 3]}), "DataFrame"),
])
def test_trend_bad_series(bad, match):
    with pytest.raises(ValueError, match=match):
        trend_growth(bad)


def test_trend_bad_arguments():
    y = [100, 110, 121, 133.1]
    with pytest.raises(ValueError, match="same length"):
        trend_growth(y, time=[0, 1, 2])
    with pytest.raises(ValueError, match="freq_per_year"):
        trend_growth(y, freq_per_year=0)
    with pytest.raises(ValueError, match="alpha"):
        trend_growth(y, alpha=1.5)
    with pytest.raises(ValueError, match="same time"):
        trend_growth(y, time=[1, 1, 1, 1])


@settings(max_examples=60, deadline=None)
@given(base=st.floats(1e-3, 1e12), rate=st.floats(-50, 200), n=st.integers(3, 15), freq=st.sampled_from([1, 4, 12]))
def test_exact_series_recover_their_rate(base, rate, n, freq):
    # synthetic: exact geometric series with annual growth `rate` percent observed `freq` times a year
    t = np.arange(n)
    y = base * (1 + rate / 100) ** (t / freq)
    r = trend_growth(y, freq_per_year=freq)
    assert r.estimate == pytest.approx(rate, abs=1e-6 * max(1.0, abs(rate)))
    assert r.ci_high - r.ci_low < 1e-5 * max(1.0, abs(rate))


@settings(max_examples=40, deadline=None)
@given(k=st.floats(1e-3, 1e6), seed=st.integers(0, 10_000))
def test_trend_is_scale_invariant(k, seed):
    # synthetic: multiplying every level by k (a change of unit) leaves growth and its CI unchanged
    y = np.random.default_rng(seed).uniform(1, 100, 8)
    a, b = trend_growth(y), trend_growth(k * y)
    assert b.estimate == pytest.approx(a.estimate, rel=1e-9, abs=1e-9)
    assert b.ci_low == pytest.approx(a.ci_low, rel=1e-9, abs=1e-9)


# ------------------------------------------------------------------------------------------------------------
# actual_on_target
# ------------------------------------------------------------------------------------------------------------
def test_exact_line_gives_slope_and_intercept():
    # synthetic: actual = 2 + 0.5 * target
    target = np.arange(1.0, 11.0)
    r = actual_on_target(2 + 0.5 * target, target)
    assert isinstance(r, ActualOnTargetResult)
    assert r.slope == pytest.approx(0.5, abs=1e-12)
    assert r.intercept == pytest.approx(2.0, abs=1e-12)
    assert r.slope_ci_low == pytest.approx(0.5, abs=1e-9) and r.slope_ci_high == pytest.approx(0.5, abs=1e-9)
    assert r.intercept_ci_low == pytest.approx(2.0, abs=1e-9) and r.intercept_ci_high == pytest.approx(2.0, abs=1e-9)
    assert r.r_squared == pytest.approx(1.0)
    assert r.n == 10 and r.warning is None and r.log is False


def test_hand_computed_ols_with_noise():
    # synthetic: x = 1..5, y = 2, 4, 5, 4, 5. By hand: mean x 3, mean y 4, Sxy = 6, Sxx = 10 -> b = 0.6, a = 2.2;
    # residuals -0.8, 0.6, 1.0, -0.6, -0.2, SSR = 2.4, s^2 = 0.8, se(b) = sqrt(0.08); SST = 6 -> R2 = 0.6.
    r = actual_on_target([2, 4, 5, 4, 5], [1, 2, 3, 4, 5])
    assert r.slope == pytest.approx(0.6)
    assert r.intercept == pytest.approx(2.2)
    assert r.r_squared == pytest.approx(0.6)
    from scipy.stats import t as student_t

    half = student_t.ppf(0.975, 3) * math.sqrt(0.08)
    assert r.slope_ci_low == pytest.approx(0.6 - half)
    assert r.slope_ci_high == pytest.approx(0.6 + half)


def test_log_log_gives_an_elasticity():
    # synthetic: actual = 3 * target^0.8
    target = np.array([5.0, 6.5, 7.0, 8.0, 10.0, 12.0])
    r = actual_on_target(3 * target**0.8, target, log=True)
    assert r.slope == pytest.approx(0.8)
    assert r.intercept == pytest.approx(math.log(3))
    assert r.log is True


def test_pairs_with_missing_values_are_dropped_and_series_indexes_must_match():
    # synthetic
    idx = ["a", "b", "c", "d", "e", "f"]
    target = pd.Series([1, 2, 3, 4, 5, 6.0], index=idx)
    actual = pd.Series([3, 4, np.nan, 6, 7, 8.0], index=idx)
    r = actual_on_target(actual, target)
    assert r.n == 5 and r.slope == pytest.approx(1.0) and r.intercept == pytest.approx(2.0)
    with pytest.raises(ValueError, match="different indexes"):
        actual_on_target(actual, target.set_axis(list("uvwxyz")))


def test_actual_on_target_small_n():
    # synthetic
    r = actual_on_target([1, 2, 3.5, 4], [1, 2, 3, 4])
    assert r.n == 4 and "only 4 observations" in r.warning
    with pytest.raises(ValueError, match="at least 3"):
        actual_on_target([1, 2], [1, 2])


@pytest.mark.parametrize("actual, target, kwargs, match", [
    ([1, 2, 3], [1, 2], {}, "same length"),
    ([1, 2, 3, 4], [2, 2, 2, 2], {}, "not identified"),
    ([1, -2, 3, 4], [1, 2, 3, 4], {"log": True}, "actual: log=True needs positive"),
    ([1, 2, 3, 4], [0, 2, 3, 4], {"log": True}, "target: log=True needs positive"),
    ([1, 2, 3, 4], [1, 2, 3, "x"], {}, "target: expected numbers"),
    ([1, 2, 3, 4], [1, 2, 3, 4], {"alpha": 0}, "alpha"),
])
def test_actual_on_target_bad_input(actual, target, kwargs, match):
    with pytest.raises(ValueError, match=match):
        actual_on_target(actual, target, **kwargs)


@settings(max_examples=60, deadline=None)
@given(a=st.floats(-1e3, 1e3), b=st.floats(-10, 10).filter(lambda v: abs(v) > 1e-3), n=st.integers(3, 30),
       seed=st.integers(0, 10_000))
def test_exact_lines_are_recovered_whatever_the_order(a, b, n, seed):
    # synthetic: exact line through distinct targets; the pair order does not matter
    x = np.random.default_rng(seed).permutation(np.linspace(1, 50, n))
    y = a + b * x
    r = actual_on_target(y, x)
    assert r.slope == pytest.approx(b, rel=1e-7, abs=1e-7)
    assert r.intercept == pytest.approx(a, rel=1e-6, abs=1e-5)
    perm = np.random.default_rng(seed + 1).permutation(n)
    r2 = actual_on_target(y[perm], x[perm])
    assert r2.slope == pytest.approx(r.slope, rel=1e-9, abs=1e-9)


# ------------------------------------------------------------------------------------------------------------
# bunching
# ------------------------------------------------------------------------------------------------------------
def test_constructed_bunching_sample():
    # synthetic: 12 ratios in [1, 1.1], 3 in [0.9, 1), 2 outside the window; targets 100
    ratios = [1.0, 1.0, 1.01, 1.02, 1.02, 1.03, 1.04, 1.05, 1.06, 1.08, 1.09, 1.1, 0.93, 0.97, 0.99, 0.5, 1.5]
    target = np.full(len(ratios), 100.0)
    r = bunching(np.array(ratios) * target, target)
    assert isinstance(r, BunchingResult)
    assert (r.n_above, r.n_below, r.n, r.n_total) == (12, 3, 15, 17)
    assert r.share_above == pytest.approx(0.8)
    # by hand: P(X >= 12 | n = 15, p = 1/2) = (C(15,12) + C(15,13) + C(15,14) + C(15,15)) / 2^15 = 576 / 32768
    assert r.p_value == pytest.approx(576 / 32768)
    assert r.warning is None


def test_exactly_on_target_counts_as_above_and_window_edges_are_inside():
    # synthetic: ratios 1, 0.9 (lower edge), 1.1 (upper edge), 0.8999 and 1.1001 (outside)
    actual = np.array([1.0, 0.9, 1.1, 0.8999, 1.1001])
    r = bunching(actual, np.ones(5))
    assert (r.n_below, r.n_above, r.n_total) == (1, 2, 5)


def test_binomial_p_value_by_hand_and_small_n_warning():
    # synthetic: 9 just above, 1 just below; P(X >= 9 | 10, 1/2) = (10 + 1) / 1024
    actual = [1.01] * 9 + [0.99]
    r = bunching(actual, [1] * 10)
    assert r.p_value == pytest.approx(11 / 1024)
    assert r.n == BUNCHING_WARN_N and r.warning is None
    r9 = bunching(actual[1:], [1] * 9)
    assert r9.n == 9 and "only 9" in r9.warning


def test_no_observation_in_window():
    # synthetic: every ratio far from 1
    r = bunching([50, 200, 300], [100, 100, 100])
    assert r.n == 0 and math.isnan(r.share_above) and math.isnan(r.p_value)
    assert r.warning is not None


def test_ratio_keeps_index_and_histogram_adds_up():
    # synthetic: ratios spread over the window, one missing actual
    idx = [f"county{i}" for i in range(8)]
    actual = pd.Series([95, 99, 100, 101, 103, 107, 110, np.nan], index=idx)
    target = pd.Series(100.0, index=idx)
    r = bunching(actual, target, bin_width=0.02, window=0.1)
    assert list(r.ratio.index) == idx
    assert r.ratio["county2"] == pytest.approx(1.0) and np.isnan(r.ratio["county7"])
    h = r.histogram
    assert len(h) == 10 and list(h.columns) == ["bin_left", "bin_right", "count", "side"]
    assert h.loc[h.side == "below", "count"].sum() == r.n_below == 2
    assert h.loc[h.side == "above", "count"].sum() == r.n_above == 5
    assert h.bin_left.iloc[0] == pytest.approx(0.9) and h.bin_right.iloc[-1] == pytest.approx(1.1)
    # the bin [1.00, 1.02) holds 100 and 101
    assert h.loc[h.bin_left == 1.0, "count"].item() == 2


@pytest.mark.parametrize("kwargs, match", [
    ({"window": 1.0}, "window"),
    ({"window": 0}, "window"),
    ({"bin_width": 0}, "bin_width"),
    ({"bin_width": 0.03, "window": 0.1}, "whole multiple"),
])
def test_bunching_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bunching([1, 2, 3], [1, 2, 3], **kwargs)


def test_bunching_bad_data():
    with pytest.raises(ValueError, match="target: must be positive"):
        bunching([1, 2, 3], [1, 0, 3])
    with pytest.raises(ValueError, match="same length"):
        bunching([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="different indexes"):
        bunching(pd.Series([1, 2], index=[0, 1]), pd.Series([1, 2], index=[1, 2]))


@settings(max_examples=60, deadline=None)
@given(ks=st.lists(st.integers(1, 90), min_size=1, max_size=40))
def test_mirrored_sample_is_balanced(ks):
    # synthetic: every ratio 1 - d has its mirror 1 + d (d = k/1000, away from 1 and from the edges)
    d = np.array(ks) / 1000
    actual = np.concatenate([1 - d, 1 + d]) * 7.0
    r = bunching(actual, np.full(len(actual), 7.0))
    assert r.n_below == r.n_above == len(ks)
    assert r.share_above == pytest.approx(0.5)
    assert r.p_value > 0.5
    assert r.histogram["count"].sum() == r.n
