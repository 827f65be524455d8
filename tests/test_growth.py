"""Growth arithmetic (analysis.growth).

Golden values come from the source documents (document and line in a comment) and were computed by hand;
everything else is synthetic and labelled so. Rates are in percent, pulls in percentage points (pp),
contribution shares are fractions.
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings, strategies as st
from scipy import stats

from analysis.growth import (
    BoundedBase,
    ComponentCheck,
    GrowthResult,
    annualise,
    average_size_growth,
    cagr,
    check_components,
    contribution_share,
    decompose_components,
    decompose_growth,
    growth_from_times,
    implied_base,
    implied_base_bound,
    increment,
    pull,
    rank_stability,
    revision_factor,
    rounding_half_unit,
    scoreboard,
    single_month_from_ytd,
    yoy_growth,
)
from analysis.units import parse_quantity

rates = st.floats(min_value=-90, max_value=500, allow_nan=False)
levels = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)


# --- yoy growth, base, increment ---------------------------------------------------------------------------


def test_zero_growth_base_is_level():
    assert implied_base(20.75, 0.0) == 20.75
    assert increment(20.75, 0.0) == 0.0


def test_analytic_values():
    assert yoy_growth(110.0, 100.0) == pytest.approx(10.0)
    assert implied_base(110.0, 10.0) == pytest.approx(100.0)
    assert increment(110.0, 10.0) == pytest.approx(10.0)
    assert implied_base(50.0, -50.0) == pytest.approx(100.0)
    assert isinstance(yoy_growth(110, 100), float)


def test_golden_eastern_cluster_total_base():
    # doc 004 line 14: 固定资产投资20.75亿元, 同比增长42.45%
    # by hand: base = 20.75 / 1.4245 = 14.566515 亿元; increment = 20.75 - 14.566515 = 6.183485 亿元
    res = decompose_growth(20.75, 42.45)
    assert isinstance(res, GrowthResult)
    assert res.base == pytest.approx(14.566515, abs=1e-6)
    assert res.increment == pytest.approx(6.183485, abs=1e-6)
    assert res.ratio == pytest.approx(1.4245)


def test_series_keep_index_and_name():
    # synthetic
    idx = pd.Index(["a", "b", "c"], name="region")
    cur = pd.Series([110.0, 90.0, 200.0], index=idx)
    prev = pd.Series([100.0, 100.0, 100.0], index=idx)
    g = yoy_growth(cur, prev)
    assert g.index.equals(idx) and g.name == "growth_pct"
    assert g.tolist() == pytest.approx([10.0, -10.0, 100.0])
    base = implied_base(cur, g)
    assert base.tolist() == pytest.approx(prev.tolist())
    df = pd.DataFrame({"x": [110.0, 121.0]}, index=[5, 6])
    assert implied_base(df, 10.0).index.tolist() == [5, 6]


@given(level=levels, g=rates)
def test_base_and_growth_round_trip(level, g):
    base = implied_base(level, g)
    assert yoy_growth(level, base) == pytest.approx(g, abs=1e-7)
    assert increment(level, g) == pytest.approx(level - base, rel=1e-9, abs=1e-9)


def test_revision_factor():
    # synthetic: published prior 100, current 105 at +10 % -> implied base 95.4545..., factor 0.954545...
    assert revision_factor(105.0, 10.0, 100.0) == pytest.approx(105 / 1.1 / 100)
    # consistent figures give 1
    assert revision_factor(110.0, 10.0, 100.0) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: yoy_growth(1.0, 0.0), "zero base"),
        (lambda: yoy_growth("1", 1.0), "current"),
        (lambda: implied_base(1.0, -100.0), "-100 %"),
        (lambda: implied_base(pd.Series([1.0], index=[0]), pd.Series([1.0], index=[1])), "different indexes"),
        (lambda: implied_base(pd.Series([1.0, 2.0]), pd.DataFrame({"a": [1.0, 2.0]})), "both as Series"),
        (lambda: implied_base(pd.Series(["x"]), 1.0), "numeric Series"),
        (lambda: implied_base(True, 1.0), "boolean"),
        (lambda: implied_base(parse_quantity("20.75亿元"), 1.0), "Quantity"),
        (lambda: revision_factor(1.0, 1.0, 0.0), "published_prior"),
    ],
)
def test_bad_input_raises(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- components ------------------------------------------------------------------------------------------

EAST_LEVELS = {"government": 7.2, "industrial": 13.55}
EAST_RATES = {"government": 44.91, "industrial": 41.18}


def test_golden_eastern_cluster_components():
    # doc 004 line 14: total 20.75亿元 +42.45 %; 政府性投入 7.2亿元 +44.91 %; 工业性投入 13.55亿元 +41.18 %.
    # By hand:
    #   base_gov = 7.2 / 1.4491   = 4.968601 亿元;  increment 2.231399
    #   base_ind = 13.55 / 1.4118 = 9.597677 亿元;  increment 3.952323
    #   sum of bases = 14.566278 亿元  vs  total base 20.75 / 1.4245 = 14.566515 亿元 (differ by 0.000237)
    #   pull_gov = 2.231399 / 14.566515 * 100 = 15.3187 pp; pull_ind = 3.952323 / 14.566515 * 100 = 27.1329 pp
    #   (sum 42.4516 pp vs 42.45 reported)
    #   share_gov = 2.231399 / 6.183485 = 0.36086; share_ind = 3.952323 / 6.183485 = 0.63917
    comp = decompose_components(20.75, 42.45, EAST_LEVELS, EAST_RATES)
    assert list(comp.columns) == ["level", "growth_pct", "base", "increment", "pull_pp", "contribution_share"]
    assert comp.loc["government", "base"] == pytest.approx(4.968601, abs=1e-6)
    assert comp.loc["industrial", "base"] == pytest.approx(9.597677, abs=1e-6)
    assert comp.loc["government", "pull_pp"] == pytest.approx(15.3187, abs=1e-4)
    assert comp.loc["industrial", "pull_pp"] == pytest.approx(27.1329, abs=1e-4)
    assert comp.loc["government", "contribution_share"] == pytest.approx(0.36086, abs=1e-5)
    assert comp.loc["industrial", "contribution_share"] == pytest.approx(0.63917, abs=1e-5)


def test_golden_eastern_cluster_check_is_consistent():
    # doc 004 line 14. Levels: 7.2 + 13.55 = 20.75 exactly; tolerance 0.005 (20.75) + 0.05 (7.2) + 0.005 (13.55)
    # = 0.06 亿元.
    # Rate implied by the components: 20.75 / 14.566278 - 1 = 42.4523 % vs 42.45 reported: +0.0023 pp.
    # Tolerance: 0.005 (42.45) + first-order rounding of 7.2 (±0.05), 13.55 (±0.005), 44.91 and 41.18 (±0.005)
    # = 0.0161 pp (the corner extremes computed by hand give 42.4412..42.4634, i.e. ±0.0111 + 0.005).
    # Verdict: consistent (and it would be even with only the ±0.005 of the reported rate).
    res = check_components(20.75, 42.45, EAST_LEVELS, EAST_RATES)
    assert isinstance(res, ComponentCheck)
    assert res.ok and res.failed == ()
    assert res.verdict.startswith("consistent")
    c = res.checks
    assert list(c.columns) == ["reported", "implied", "difference", "tolerance", "ok", "unit"]
    assert c.loc["level_sum", "difference"] == pytest.approx(0.0, abs=1e-12)
    assert c.loc["level_sum", "tolerance"] == pytest.approx(0.06)
    assert res.implied_growth_pct == pytest.approx(42.4523, abs=1e-4)
    assert c.loc["growth_rate", "difference"] == pytest.approx(0.0023, abs=1e-4)
    assert c.loc["growth_rate", "tolerance"] == pytest.approx(0.0161, abs=1e-4)
    assert abs(c.loc["growth_rate", "difference"]) < 0.005  # within the reported rounding alone


def test_check_tolerance_matches_corner_extremes():
    # doc 004 line 14: brute force over the rounding corners of the four component figures
    res = check_components(20.75, 42.45, EAST_LEVELS, EAST_RATES)
    lo, hi = math.inf, -math.inf
    for a in (-0.05, 0.05):
        for b in (-0.005, 0.005):
            for c in (-0.005, 0.005):
                for d in (-0.005, 0.005):
                    l1, l2 = 7.2 + a, 13.55 + b
                    r = ((l1 + l2) / (l1 / (1.4491 + c / 100) + l2 / (1.4118 + d / 100)) - 1) * 100
                    lo, hi = min(lo, r), max(hi, r)
    half_width = (hi - lo) / 2
    assert res.checks.loc["growth_rate", "tolerance"] == pytest.approx(0.005 + half_width, rel=1e-3)


def test_check_flags_the_part_that_disagrees():
    # doc 004 line 14 with the total rate altered to 43.45 (synthetic): the rate check fails by about -1 pp,
    # the level check still passes
    res = check_components(20.75, 43.45, EAST_LEVELS, EAST_RATES)
    assert not res.ok and res.failed == ("growth_rate",)
    assert res.checks.loc["growth_rate", "difference"] == pytest.approx(-0.9977, abs=1e-4)
    assert "implied growth rate" in res.verdict and "-0.997686" in res.verdict
    # and with a level altered (synthetic): 7.3 + 13.55 = 20.85 vs 20.75 -> +0.1 > 0.06
    res = check_components(20.75, 42.45, {"government": 7.3, "industrial": 13.55}, EAST_RATES)
    assert "level_sum" in res.failed
    assert res.checks.loc["level_sum", "difference"] == pytest.approx(0.1)


def test_check_strings_keep_trailing_zeros_and_overrides():
    # '7.20' has two decimals: ±0.005 instead of ±0.05 (synthetic reading of doc 004 line 14)
    res = check_components("20.75", "42.45", {"government": "7.20", "industrial": "13.55"}, EAST_RATES)
    assert res.checks.loc["level_sum", "tolerance"] == pytest.approx(0.015)
    res = check_components(20.75, 42.45, EAST_LEVELS, EAST_RATES, level_half_units=0.0, rate_half_units=0.0)
    assert res.checks["tolerance"].tolist() == [0.0, 0.0]
    assert res.failed == ("growth_rate",)  # with no rounding allowed the 0.0023 pp gap shows


def test_rounding_half_unit():
    assert rounding_half_unit("42.45") == pytest.approx(0.005)
    assert rounding_half_unit(20.75) == pytest.approx(0.005)
    assert rounding_half_unit(7.2) == pytest.approx(0.05)
    assert rounding_half_unit("7.20") == pytest.approx(0.005)
    assert rounding_half_unit(132) == pytest.approx(0.5)
    assert rounding_half_unit(pd.Series([1.5, 2.25], index=["a", "b"])).tolist() == pytest.approx([0.05, 0.005])
    with pytest.raises(ValueError, match="plain number"):
        rounding_half_unit("20.75亿")


@settings(max_examples=200)
@given(
    comps=st.lists(st.tuples(st.floats(0.1, 1e4), st.floats(-80, 300)), min_size=1, max_size=6),
)
def test_pulls_sum_to_total_rate_when_consistent(comps):
    # synthetic: total built from the components, so they are consistent by construction
    lv = pd.Series([c[0] for c in comps], index=[f"c{i}" for i in range(len(comps))])
    g = pd.Series([c[1] for c in comps], index=lv.index)
    total = lv.sum()
    total_g = (total / (lv / (1 + g / 100)).sum() - 1) * 100
    assume(abs(total_g) > 1e-3)
    comp = decompose_components(total, total_g, lv, g)
    assert comp["pull_pp"].sum() == pytest.approx(total_g, rel=1e-7, abs=1e-7)
    assert comp["contribution_share"].sum() == pytest.approx(1.0, rel=1e-7)
    res = check_components(total, total_g, lv, g, level_half_units=0.0, rate_half_units=0.0)
    assert res.ok


def test_pull_and_share_broadcast_over_a_panel():
    # synthetic panel: two totals, components merged onto their total
    panel = pd.DataFrame({"L": [3.0, 7.0, 5.0, 5.0], "g": [50.0, 0.0, 25.0, 25.0],
                          "TL": [10.0, 10.0, 10.0, 10.0], "TG": [100 * (10 / 9 - 1)] * 2 + [25.0] * 2})
    p = pull(panel["L"], panel["g"], panel["TL"], panel["TG"])
    s = contribution_share(panel["L"], panel["g"], panel["TL"], panel["TG"])
    assert p.tolist() == pytest.approx([100 / 9, 0.0, 12.5, 12.5])
    assert s.tolist() == pytest.approx([1.0, 0.0, 0.5, 0.5])
    assert math.isnan(contribution_share(1.0, 0.0, 2.0, 0.0))  # total did not grow: share undefined


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: decompose_components(20.75, 42.45, {"a": 7.2}, {"b": 44.91}), "different components"),
        (lambda: decompose_components(20.75, 42.45, [], []), "no components"),
        (lambda: decompose_components(20.75, 42.45, {"a": "7.2亿"}, {"a": 1.0}), "plain number"),
        (lambda: decompose_components([20.75], 42.45, {"a": 7.2}, {"a": 1.0}), "single number"),
        (lambda: check_components(20.75, 42.45, EAST_LEVELS, EAST_RATES, level_half_units={"total": 0.1}),
         "missing entries"),
        (lambda: check_components(20.75, 42.45, EAST_LEVELS, EAST_RATES, rate_half_units=-1.0), ">= 0"),
    ],
)
def test_components_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- average size, single month, cagr, annualise ----------------------------------------------------------


def test_golden_taizhou_average_project_size():
    # doc 001 line 61: Q1 2022 新开工统计入库项目数增长65.1%, 项目总投资增长246%
    # by hand: 3.46 / 1.651 = 2.0956996 -> average project size +109.56996 % (about +109.6 %)
    assert average_size_growth(65.1, 246.0) == pytest.approx(109.56996, abs=1e-5)
    assert average_size_growth(0.0, 10.0) == pytest.approx(10.0)


@given(gc=rates, gv=rates)
def test_average_size_growth_identity(gc, gv):
    # synthetic: count x average size = value
    avg = average_size_growth(gc, gv)
    assert (1 + gc / 100) * (1 + avg / 100) == pytest.approx(1 + gv / 100, rel=1e-9)


def test_single_month_analytic():
    # synthetic: last year Jan 100, Feb 80; this year Jan 110 (+10 %), Feb 100 (+25 %)
    # YTD Feb 210 vs 180: +16.667 %; single Feb = (210 - 110) / (180 - 100) - 1 = +25 %
    assert single_month_from_ytd(210.0, 110.0, (210 / 180 - 1) * 100, 10.0) == pytest.approx(25.0)
    # YTD Feb +120 % implies prior YTD Feb 210 / 2.2 = 95.45 < prior YTD Jan 100: a negative prior single
    # month, so the single-month rate is NaN rather than a meaningless number
    assert math.isnan(single_month_from_ytd(210.0, 110.0, 120.0, 10.0))
    both = single_month_from_ytd(pd.Series([210.0, 210.0]), 110.0, pd.Series([(210 / 180 - 1) * 100, 120.0]), 10.0)
    assert both.iloc[0] == pytest.approx(25.0) and math.isnan(both.iloc[1])


@given(prev=st.lists(st.floats(1, 1e3), min_size=2, max_size=2), cur=st.lists(st.floats(1, 1e3), min_size=2, max_size=2))
def test_single_month_recovers_monthly_growth(prev, cur):
    # synthetic two-month series for two years
    ytd1, ytd2 = cur[0], cur[0] + cur[1]
    g1, g2 = yoy_growth(ytd1, prev[0]), yoy_growth(ytd2, prev[0] + prev[1])
    assert single_month_from_ytd(ytd2, ytd1, g2, g1) == pytest.approx(yoy_growth(cur[1], prev[1]), rel=1e-6, abs=1e-6)


def test_cagr_and_annualise_analytic():
    assert cagr(100.0, 121.0, 2) == pytest.approx(10.0)
    assert annualise(2.0, 3) == pytest.approx((1.02 ** 4 - 1) * 100)  # a quarter's +2 % -> +8.2432 % a year
    assert annualise(10.0, 12) == pytest.approx(10.0)
    assert annualise(21.0, 24) == pytest.approx(10.0)


@given(start=levels, end=levels, years=st.floats(0.25, 30))
def test_cagr_is_annualised_total_growth(start, end, years):
    total = yoy_growth(end, start)
    assert cagr(start, end, years) == pytest.approx(annualise(total, 12 * years), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: cagr(0.0, 1.0, 1), "start"),
        (lambda: cagr(1.0, 1.0, 0), "years"),
        (lambda: annualise(5.0, 0), "months"),
        (lambda: average_size_growth(-100.0, 5.0), "count_growth_pct"),
        (lambda: single_month_from_ytd(2.0, 1.0, -120.0, 1.0), "growth_ytd_pct"),
    ],
)
def test_other_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- 倍 ----------------------------------------------------------------------------------------------------


def test_growth_from_times_forms():
    assert growth_from_times(7, "increase") == 700.0     # 增长7倍: x8
    assert growth_from_times(7, "ratio") == 600.0        # 是…的7倍: x7
    assert growth_from_times(parse_quantity("增长7倍多")) == 700.0
    assert growth_from_times(parse_quantity("是去年的3倍")) == 200.0
    assert growth_from_times(parse_quantity("翻一番")) == 100.0
    assert growth_from_times(np.array([1.0, 2.0]), "increase").tolist() == [100.0, 200.0]


@given(n=st.floats(0, 100))
def test_increase_n_is_ratio_n_plus_one(n):
    assert growth_from_times(n, "increase") == pytest.approx(growth_from_times(n + 1, "ratio"))


def test_golden_linhai_key_projects_base_bound():
    # doc 001 line 65: 一季度开工入库重点项目34个, 总投资132亿元, 同比增长7倍多
    # 7倍多 = more than +700 %, ratio > 8, so base < 132 / 8 = 16.5亿元: an upper bound
    res = implied_base_bound(parse_quantity("132亿元"), parse_quantity("同比增长7倍多"))
    assert isinstance(res, BoundedBase)
    assert res.value == pytest.approx(16.5e8) and res.bound == "upper" and res.ratio == 8.0
    res = implied_base_bound(132.0, 700.0, growth_qualifier="more_than")
    assert res.value == pytest.approx(16.5) and res.bound == "upper"
    # read as 是…的7倍 instead (synthetic contrast): base 132 / 7 = 18.857亿元
    assert implied_base_bound(132.0, parse_quantity("是去年的7倍")).value == pytest.approx(132 / 7)


@pytest.mark.parametrize(
    "level_q, growth_q, bound",
    [
        ("exact", "exact", "exact"),
        ("at_least", "exact", "lower"),
        ("exact", "just_under", "lower"),
        ("just_under", "exact", "upper"),
        ("at_least", "more_than", "none"),
        ("about", "exact", "about"),
        ("just_under", "more_than", "upper"),
    ],
)
def test_bound_directions(level_q, growth_q, bound):
    assert implied_base_bound(100.0, 50.0, level_qualifier=level_q, growth_qualifier=growth_q).bound == bound


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: growth_from_times(7), "form"),
        (lambda: growth_from_times(7, "times"), "form"),
        (lambda: growth_from_times(parse_quantity("增长7倍"), "ratio"), "contradicts"),
        (lambda: growth_from_times(parse_quantity("132亿元")), "level"),
        (lambda: growth_from_times(0, "ratio"), "positive ratio"),
        (lambda: growth_from_times(-1, "increase"), "N >= 0"),
        (lambda: implied_base_bound(parse_quantity("增长7倍"), 5.0), "not a level"),
        (lambda: implied_base_bound(1.0, 5.0, growth_qualifier="roughly"), "growth_qualifier"),
        (lambda: implied_base_bound(1.0, -100.0), "positive"),
    ],
)
def test_times_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- scoreboard and rank stability -------------------------------------------------------------------------

SYNTH_BOARD = pd.DataFrame({  # synthetic counties and quarters
    "county": ["A", "B", "C", "D", "A", "B", "C", "D"],
    "quarter": ["2022Q1"] * 4 + ["2022Q2"] * 4,
    "fai_growth": [15.0, 15.0, 9.0, 7.0, 3.0, 8.0, 8.0, np.nan],
})


def test_scoreboard_ties():
    out = scoreboard(SYNTH_BOARD, "county", "fai_growth", "quarter", k=1)
    assert out.index.equals(SYNTH_BOARD.index)
    q1 = out[out.quarter == "2022Q1"].set_index("county")
    assert q1["rank"].tolist() == [1, 1, 3, 4]           # 'min': two tied for first are both 1
    assert q1["rewarded"].tolist() == [True, True, False, False]  # k=1, both tied winners paid
    q2 = out[out.quarter == "2022Q2"].set_index("county")
    assert q2.loc["B", "rank"] == 1 and q2.loc["A", "rank"] == 3 and math.isnan(q2.loc["D", "rank"])
    assert not q2.loc["D", "rewarded"] and q2["n_ranked"].iloc[0] == 3


def test_scoreboard_boundary_ties_rewarded_whatever_method():
    # synthetic: Q2 has B and C tied at 8.0 for first; with k=2 both are paid whatever the rank method
    # (under 'max' both rank 2, under 'average' 1.5), and A (third) is not
    for method in ("min", "max", "dense", "average"):
        out = scoreboard(SYNTH_BOARD, "county", "fai_growth", "quarter", k=2, method=method)
        q2 = out[out.quarter == "2022Q2"].set_index("county")
        assert q2.loc[["B", "C"], "rewarded"].all() and not q2.loc["A", "rewarded"]
    dense = scoreboard(SYNTH_BOARD, "county", "fai_growth", "quarter", method="dense")
    assert dense[dense.quarter == "2022Q1"]["rank"].tolist() == [1, 1, 2, 3]
    asc = scoreboard(SYNTH_BOARD, "county", "fai_growth", "quarter", ascending=True)
    assert asc[asc.quarter == "2022Q1"]["rank"].tolist() == [3, 3, 2, 1]
    one = scoreboard(SYNTH_BOARD[SYNTH_BOARD.quarter == "2022Q1"], "county", "fai_growth", k=3)
    assert one["rewarded"].tolist() == [True, True, True, False]


@settings(max_examples=100)
@given(
    values=st.lists(st.integers(0, 5), min_size=12, max_size=12),
    seed=st.integers(0, 2**32 - 1),
    method=st.sampled_from(["min", "max", "dense", "average"]),
)
def test_scoreboard_is_permutation_stable(values, seed, method):
    # synthetic panel of 4 regions x 3 periods with many ties
    df = pd.DataFrame({"r": list("wxyz") * 3, "p": np.repeat([1, 2, 3], 4), "v": values})
    shuffled = df.sample(frac=1, random_state=np.random.RandomState(seed))
    a = scoreboard(df, "r", "v", "p", k=2, method=method).set_index(["p", "r"]).sort_index()
    b = scoreboard(shuffled, "r", "v", "p", k=2, method=method).set_index(["p", "r"]).sort_index()
    pd.testing.assert_frame_equal(a, b)


def test_rank_stability_golden_synthetic():
    # synthetic: Q1 ranks A>B>C>D>E, Q2 identical order -> rho 1; Q3 reversed -> rho -1
    df = pd.DataFrame({
        "county": list("ABCDE") * 3,
        "q": ["2022Q1"] * 5 + ["2022Q2"] * 5 + ["2022Q3"] * 5,
        "g": [5, 4, 3, 2, 1, 50, 40, 30, 20, 10, 1, 2, 3, 4, 5],
    })
    out = rank_stability(df, "county", "g", "q")
    assert list(out.columns) == ["period_from", "period_to", "rho", "p_value", "n", "note"]
    assert out["period_from"].tolist() == ["2022Q1", "2022Q2"]
    assert out["rho"].tolist() == pytest.approx([1.0, -1.0])
    assert out["n"].tolist() == [5, 5] and (out["note"] == "").all()


def test_rank_stability_small_n_and_missing():
    # synthetic: 4 regions, one missing in the second period -> n = 3, warning; matches scipy on the 3 shared
    df = pd.DataFrame({"r": list("abcd") * 2, "p": [1] * 4 + [2] * 4, "v": [1.0, 2, 3, 4, np.nan, 1, 4, 3]})
    out = rank_stability(df, "r", "v", "p")
    ref = stats.spearmanr([2, 3, 4], [1, 4, 3])
    assert out.loc[0, "n"] == 3 and "n = 3 < 5" in out.loc[0, "note"]
    assert out.loc[0, "rho"] == pytest.approx(ref.statistic)
    assert out.loc[0, "p_value"] == pytest.approx(ref.pvalue)
    const = pd.DataFrame({"r": list("abcde") * 2, "p": [1] * 5 + [2] * 5, "v": [1, 2, 3, 4, 5] + [7] * 5})
    assert math.isnan(rank_stability(const, "r", "v", "p").loc[0, "rho"])
    assert rank_stability(df[df.p == 1], "r", "v", "p").empty


@settings(max_examples=50)
@given(data=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=5, max_size=30))
def test_rank_stability_matches_scipy(data):
    # synthetic, with ties
    x, y = [d[0] for d in data], [d[1] for d in data]
    assume(len(set(x)) > 1 and len(set(y)) > 1)
    n = len(data)
    df = pd.DataFrame({"r": list(range(n)) * 2, "p": [0] * n + [1] * n, "v": x + y})
    out = rank_stability(df, "r", "v", "p")
    ref = stats.spearmanr(x, y)
    assert out.loc[0, "rho"] == pytest.approx(ref.statistic, abs=1e-9)
    if abs(ref.statistic) < 1 - 1e-12:
        assert out.loc[0, "p_value"] == pytest.approx(ref.pvalue, rel=1e-6, abs=1e-12)
    else:  # scipy's t approximation says p = 0 there; the exact p-value is positive
        assert 0 < out.loc[0, "p_value"] <= 1


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: scoreboard(SYNTH_BOARD, "region", "fai_growth", "quarter"), "region_col"),
        (lambda: scoreboard(SYNTH_BOARD, "county", "fai_growth", "quarter", method="first"), "row order"),
        (lambda: scoreboard(SYNTH_BOARD, "county", "fai_growth", "quarter", k=0), "positive integer"),
        (lambda: scoreboard(SYNTH_BOARD, "county", "fai_growth"), "more than one row"),
        (lambda: scoreboard(SYNTH_BOARD, "county", "quarter", "quarter"), "numeric"),
        (lambda: scoreboard(SYNTH_BOARD.assign(rank=1), "county", "fai_growth", "quarter"), "already has"),
        (lambda: scoreboard(SYNTH_BOARD.values, "county", "fai_growth"), "DataFrame"),
        (lambda: rank_stability(pd.concat([SYNTH_BOARD, SYNTH_BOARD]), "county", "fai_growth", "quarter"),
         "more than one row"),
    ],
)
def test_scoreboard_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def _brute_force_p(x, y):
    """Exact two-sided permutation p-value of Spearman's rho: share of the orders of y with |rho| >= observed."""
    import itertools

    obs = abs(stats.spearmanr(x, y).statistic)
    hits = [abs(stats.spearmanr(x, perm).statistic) >= obs - 1e-12 for perm in itertools.permutations(y)]
    return sum(hits) / len(hits)


@pytest.mark.parametrize("x, y", [
    ([1, 2, 3], [10, 20, 30]),                     # rho = 1, n = 3: 2 of 3! orders give |rho| = 1
    ([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]),            # rho = -1, n = 5: 2 / 120
    ([1, 1, 2, 3], [5, 5, 6, 9]),                  # ties (2, 1, 1): only rho = +1 reachable, 2! / 4!
    ([1, 1, 2, 2, 3], [4, 4, 7, 7, 8]),            # ties (2, 2, 1): not symmetric, 2! 2! / 5!
    ([1, 1, 2, 3, 3], [0, 0, 1, 2, 2]),            # ties (2, 1, 2): symmetric, 2 * 2! 2! / 5!
])
def test_rank_stability_perfect_correlation_has_exact_p_not_zero(x, y):
    # synthetic: two periods ranked alike (or exactly reversed); the t approximation would say p = 0
    n = len(x)
    df = pd.DataFrame({"r": list(range(n)) * 2, "p": [0] * n + [1] * n, "v": list(x) + list(y)})
    out = rank_stability(df, "r", "v", "p")
    assert abs(out.loc[0, "rho"]) == pytest.approx(1.0)
    assert out.loc[0, "p_value"] > 0
    assert out.loc[0, "p_value"] == pytest.approx(_brute_force_p(x, y))


def test_rank_stability_perfect_correlation_many_regions():
    # synthetic: 10 regions in the same order twice: p = 2 / 10! = 5.5e-7, tiny but not 0
    df = pd.DataFrame({"r": list(range(10)) * 2, "p": [0] * 10 + [1] * 10, "v": list(range(10)) * 2})
    p = rank_stability(df, "r", "v", "p").loc[0, "p_value"]
    assert p == pytest.approx(2 / math.factorial(10)) and p > 0


def test_rank_stability_takes_periods_in_calendar_order():
    # synthetic: three regions, ranked in Q1 and in 1-6月 (year to date); Q1 ends first, so it is period_from
    from analysis.growth import rank_stability
    df = pd.DataFrame({"region": list("abcabc"), "g": [1.0, 2.0, 3.0, 3.0, 2.0, 1.0],
                       "period": ["2024-01/2024-06"] * 3 + ["2024Q1"] * 3})
    out = rank_stability(df, "region", "g", "period")
    assert out[["period_from", "period_to"]].values.tolist() == [["2024Q1", "2024-01/2024-06"]]
    assert out["rho"].iloc[0] == pytest.approx(-1.0)
