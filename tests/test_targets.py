"""Targets, pace, projections, milestones, flags, funnel and heat map (analysis.targets).

Golden values are computed by hand from the source documents (shared/seeds); the document and line are given
beside each. All other frames are synthetic, made here, and labelled so.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.periods import parse_period
from analysis.targets import (
    MILESTONE_STATUSES,
    STAGE_ORDER,
    Ambition,
    PaceGap,
    StageFunnel,
    YearEndProjection,
    ambition,
    attainment,
    investment_heatmap,
    milestone_status,
    pace_basis,
    pace_gap,
    project_flags,
    project_year_end,
    stage_funnel,
    time_elapsed,
    time_progress,
)

# ---------------------------------------------------------------------------------------------------------
# attainment
# ---------------------------------------------------------------------------------------------------------


def test_attainment_analytic():
    assert attainment(100.0, 100.0) == pytest.approx(100.0)  # actual == target: 100 %
    assert attainment(0.0, 100.0) == 0.0
    assert attainment(150.0, 100.0) == pytest.approx(150.0)
    assert isinstance(attainment(1, 4), float)


def test_attainment_golden_taizhou_loans():
    # Document 001 (001_9c420341d3f08b1c.txt), line 31: 全年计划新增贷款100亿元 … 一季度已放款51.7亿元.
    # Caveat: the 51.7亿元 is the loans disbursed to the 124 projects of the bank-project matching drive, while the
    # 100亿元 is the annual plan of new loans; the document sets them side by side, we treat 51.7 as progress on 100.
    assert attainment(51.7e8, 100e8) == pytest.approx(51.7)


def test_attainment_series_keeps_index_and_nan():
    # synthetic
    idx = pd.Index(["Linhai", "Yuhuan", "Xianju"], name="region")
    actual = pd.Series([5.0, np.nan, 3.0], index=idx)
    target = pd.Series([10.0, 8.0, np.nan], index=idx)
    out = attainment(actual, target)
    assert out.index.equals(idx) and out.name == "attainment_pct"
    assert out["Linhai"] == pytest.approx(50.0)
    assert out[["Yuhuan", "Xianju"]].isna().all()
    # a scalar target broadcasts
    assert attainment(actual, 10.0).iloc[0] == pytest.approx(50.0)


@settings(max_examples=200, deadline=None)
@given(
    actual=st.floats(min_value=0, max_value=1e12, allow_nan=False),
    target=st.floats(min_value=1e-3, max_value=1e12, allow_nan=False),
    k=st.floats(min_value=1e-4, max_value=1e4, allow_nan=False),
)
def test_attainment_scale_invariant(actual, target, k):
    assert attainment(actual * k, target * k) == pytest.approx(attainment(actual, target), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("target", [-100.0, 0.0])
def test_attainment_non_positive_target_raises(target):
    with pytest.raises(ValueError, match="target must be positive"):
        attainment(50.0, target)


def test_attainment_bad_inputs_raise():
    with pytest.raises(ValueError, match="target must be positive"):
        attainment(pd.Series([1.0, 2.0]), pd.Series([1.0, -2.0]))
    with pytest.raises(ValueError, match=r"actual: got the text '51.7亿元'.*analysis\.parse_quantity\('51.7亿元'\)"):
        attainment("51.7亿元", 100.0)
    with pytest.raises(ValueError, match="same index"):
        attainment(pd.Series([1.0], index=["a"]), pd.Series([2.0], index=["b"]))


# ---------------------------------------------------------------------------------------------------------
# time progress and pace
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "period, first, last, days",
    [("2022", "2022-01-01", "2022-12-31", 365), ("2024", "2024-01-01", "2024-12-31", 366),
     ("2022Q1", "2022-01-01", "2022-03-31", 90), ("2022-02", "2022-02-01", "2022-02-28", 28),
     ("2022-01/2022-10", "2022-01-01", "2022-10-31", 304)],
)
def test_time_progress_analytic(period, first, last, days):
    assert time_progress(last, period) == 1.0  # at the period end
    assert time_progress(first, period) == pytest.approx(1 / days)  # the first day counts
    assert time_progress(pd.Timestamp(first) - pd.Timedelta(days=1), period) == 0.0  # before: 0
    assert time_progress(pd.Timestamp(last) + pd.Timedelta(days=40), period) == 1.0  # after: clipped to 1


def test_time_progress_golden_q1_end():
    # Document 001, line 31: 一季度 figures, i.e. as of 2022-03-31; Jan + Feb + Mar = 31 + 28 + 31 = 90 days of 365.
    assert time_progress("2022-03-31", "2022") == pytest.approx(90 / 365)
    assert time_progress("2022-03-31", "2022") * 100 == pytest.approx(24.66, abs=0.005)


def test_time_progress_accepts_date_types_and_period_object():
    p = parse_period("2022")
    for d in ["2022-03-31", pd.Timestamp("2022-03-31 17:30"), dt.date(2022, 3, 31), dt.datetime(2022, 3, 31, 9),
              np.datetime64("2022-03-31")]:
        assert time_progress(d, p) == pytest.approx(90 / 365)


def test_time_progress_series_keeps_index():
    # synthetic
    idx = pd.Index(["a", "b", "c", "d"])
    dates = pd.Series(pd.to_datetime(["2022-01-01", "2022-03-31", None, "2022-12-31"]), index=idx)
    out = time_progress(dates, "2022")
    assert out.index.equals(idx) and out.name == "time_progress"
    assert out.tolist()[:2] == pytest.approx([1 / 365, 90 / 365])
    assert np.isnan(out["c"]) and out["d"] == 1.0
    # ISO strings in a Series work too
    assert time_progress(pd.Series(["2022-03-31"]), "2022").iloc[0] == pytest.approx(90 / 365)


@settings(max_examples=200, deadline=None)
@given(
    d1=st.dates(min_value=dt.date(2020, 6, 1), max_value=dt.date(2024, 6, 30)),
    d2=st.dates(min_value=dt.date(2020, 6, 1), max_value=dt.date(2024, 6, 30)),
    period=st.sampled_from(["2022", "2022Q3", "2023-02", "2021-03/2023-10", "2021/2022"]),
)
def test_time_progress_monotone_in_as_of(d1, d2, period):
    lo, hi = min(d1, d2), max(d1, d2)
    a, b = time_progress(lo, period), time_progress(hi, period)
    assert 0.0 <= a <= b <= 1.0


@pytest.mark.parametrize("as_of", ["abc", "2022/03/31", "31.3.2022", 20220331, 2022.25, None, True, "2022-02-30"])
def test_time_progress_bad_as_of_raises(as_of):
    with pytest.raises(ValueError, match="as_of"):
        time_progress(as_of, "2022")


def test_time_progress_bad_series_raises():
    with pytest.raises(ValueError, match="as_of"):
        time_progress(pd.Series([1, 2]), "2022")
    with pytest.raises(ValueError, match="as_of"):
        time_progress(pd.Series(["2022-03-31", "March"]), "2022")


@pytest.mark.parametrize("period", ["x202x", "2022Q5", "1-2023月", "unknown", 2022, None])
def test_time_progress_bad_period_raises(period):
    with pytest.raises(ValueError, match="period|unknown"):
        time_progress("2022-03-31", period)


def test_pace_gap_golden_taizhou():
    # Document 001 (001_9c420341d3f08b1c.txt), line 31: plan 100亿元 of new loans for 2022 (全年计划新增贷款100亿元),
    # 51.7亿元 disbursed in Q1 (一季度已放款51.7亿元). The 51.7 is loans to the 124 matched projects, the 100 the annual
    # plan of new loans: we read the one as progress on the other, as the article implies.
    # 51.7 % - 90/365 = 51.7 - 24.6575 = +27.04 pp ahead of time progress.
    g = pace_gap(51.7, 100.0, "2022-03-31", "2022")
    assert isinstance(g, PaceGap)
    assert g.attainment_pct == pytest.approx(51.7)
    assert g.time_progress_pct == pytest.approx(24.66, abs=0.005)
    assert g.gap_pp == pytest.approx(27.04, abs=0.005)
    assert g.gap_pp == pytest.approx(51.7 - 9000 / 365)
    assert g.ahead and g.period == "2022" and g.as_of == pd.Timestamp("2022-03-31")


def test_pace_gap_analytic_and_series():
    # synthetic: exactly on pace at mid-year of a 365-day year
    tp = time_progress("2022-07-02", "2022")  # 183/365
    g = pace_gap(tp * 200.0, 200.0, "2022-07-02", "2022")
    assert g.gap_pp == pytest.approx(0.0, abs=1e-9)
    # synthetic regions, one ahead, one behind
    idx = pd.Index(["r1", "r2"])
    g = pace_gap(pd.Series([50.0, 10.0], index=idx), pd.Series([100.0, 100.0], index=idx), "2022-06-30", "2022")
    assert g.gap_pp.index.equals(idx) and g.gap_pp.name == "gap_pp"
    assert g.gap_pp["r1"] == pytest.approx(50 - 18100 / 365)
    assert g.ahead.tolist() == [True, False]


@pytest.mark.parametrize(
    "as_of, period, elapsed, total",
    [("2023-09-30", "2023", 9, 12),  # 1-9月: 9 of 12 months, 75 %
     ("2023-09-29", "2023", 8, 12),  # September not over: 8 whole months
     ("2022-03-31", "2022", 3, 12),  # 一季度
     ("2022-02-28", "2022Q1", 2, 3),
     ("2022-12-31", "2021/2022", 24, 24),
     ("2021-12-31", "2022", 0, 12),  # before the period
     ("2023-05-31", "2022", 12, 12)],  # after: clipped
)
def test_time_progress_months_basis(as_of, period, elapsed, total):
    # time progress of a cumulative 1-m月 figure in whole months, as Chinese statistical reports write 序时进度
    assert time_elapsed(as_of, period, "months") == (elapsed, total)
    assert time_progress(as_of, period, basis="months") == pytest.approx(elapsed / total)


def test_time_progress_months_series_and_days_default():
    # synthetic dates
    idx = pd.Index(["a", "b", "c"])
    dates = pd.Series(pd.to_datetime(["2023-09-30", None, "2023-06-20"]), index=idx)
    out = time_progress(dates, "2023", basis="months")
    assert out.index.equals(idx) and out.name == "time_progress"
    assert out["a"] == pytest.approx(0.75) and np.isnan(out["b"]) and out["c"] == pytest.approx(5 / 12)
    n, days = time_elapsed(dates, "2023")
    assert days == 365 and n["c"] == 171  # 2023-06-20 is day 31+28+31+30+31+20 = 171
    assert time_progress("2023-09-30", "2023") == pytest.approx(273 / 365)  # the default counts days


def test_time_progress_basis_bad_input_raises():
    with pytest.raises(ValueError, match="basis must be one of"):
        time_progress("2023-09-30", "2023", basis="weeks")
    with pytest.raises(ValueError, match="not made of whole months"):
        time_progress("2023-09-30", "2023-09-30", basis="months")


@pytest.mark.parametrize("actual_period, period, basis", [
    ("2023-01/2023-09", "2023", "months"), ("2022Q1", "2022", "months"), ("2022-05", "2022", "months"),
    ("2023-06-20", "2023", "days"), ("2021", "2021/2022", "months")])
def test_pace_basis_follows_the_actual(actual_period, period, basis):
    assert pace_basis(actual_period, period) == basis


def test_pace_gap_months_basis_golden_taizhou():
    # Document 001, line 31: 一季度已放款51.7亿元 against 全年计划新增贷款100亿元. The first quarter is three whole
    # months: time progress 3 / 12 = 25 %, so 51.7 - 25 = +26.7 pp (超序时进度26.7个百分点).
    g = pace_gap(51.7, 100.0, "2022-03-31", "2022", basis="months")
    assert g.time_progress_pct == pytest.approx(25.0)
    assert g.gap_pp == pytest.approx(26.7)
    assert g.basis == "months" and pace_gap(51.7, 100.0, "2022-03-31", "2022").basis == "days"


def test_projection_months_basis():
    # synthetic: 75 by the end of September, paced in months, projects to 75 / 0.75 = 100 for the year
    r = project_year_end(75.0, "2023-09-30", "2023", target=80.0, basis="months")
    assert r.time_progress == pytest.approx(0.75)
    assert r.linear == pytest.approx(100.0) and r.linear_attainment_pct == pytest.approx(125.0)
    with pytest.raises(ValueError, match="no whole month has elapsed"):
        project_year_end(5.0, "2023-01-15", "2023", basis="months")


def test_pace_gap_bad_input_raises():
    with pytest.raises(ValueError, match="target must be positive"):
        pace_gap(51.7, -100.0, "2022-03-31", "2022")
    with pytest.raises(ValueError, match="as_of"):
        pace_gap(51.7, 100.0, "Q1", "2022")
    with pytest.raises(ValueError, match="period"):
        pace_gap(51.7, 100.0, "2022-03-31", "2022Q9")


# ---------------------------------------------------------------------------------------------------------
# year-end projection
# ---------------------------------------------------------------------------------------------------------

#: synthetic back-loaded profile: cumulative share of the year's investment completed by the end of month m
BACK_LOADED = pd.Series([0.04, 0.09, 0.16, 0.23, 0.31, 0.40, 0.48, 0.56, 0.65, 0.74, 0.85, 1.00], index=range(1, 13))


def test_projection_linear_analytic():
    r = project_year_end(80.0, "2022-12-31", "2022")
    assert isinstance(r, YearEndProjection)
    assert r.linear == pytest.approx(80.0) and r.seasonal is None and r.linear_gap is None  # at the end: the actual
    r = project_year_end(90.0, "2022-03-31", "2022")
    assert r.linear == pytest.approx(90.0 * 365 / 90)


def test_projection_seasonal_and_target():
    # synthetic: 16 by end of March with 16 % of last year's total done by then -> 100 seasonally
    r = project_year_end(16.0, "2022-03-31", "2022", profile=BACK_LOADED, target=100.0)
    assert r.seasonal_share == pytest.approx(0.16)
    assert r.seasonal == pytest.approx(100.0)
    assert r.seasonal_gap == pytest.approx(0.0, abs=1e-9) and r.seasonal_attainment_pct == pytest.approx(100.0)
    assert r.linear == pytest.approx(16.0 * 365 / 90)  # 64.9: linear shows a shortfall of 35 that is not there
    assert r.linear_gap == pytest.approx(16.0 * 365 / 90 - 100.0)
    assert r.linear_attainment_pct == pytest.approx(16.0 * 365 / 90)
    # back-loaded profile (share below time progress): seasonal projection above linear
    assert r.seasonal > r.linear


def test_projection_seasonal_within_month_interpolates():
    # synthetic: mid-April lies between 16 % (March) and 23 % (April): 0.16 + 0.07 * 15/30
    r = project_year_end(20.0, "2022-04-15", "2022", profile=BACK_LOADED)
    assert r.seasonal_share == pytest.approx(0.16 + 0.07 * 15 / 30)


def test_projection_series_keeps_index():
    # synthetic
    idx = pd.Index(["x", "y"])
    r = project_year_end(pd.Series([16.0, 32.0], index=idx), "2022-03-31", "2022", profile=BACK_LOADED,
                         target=pd.Series([100.0, 100.0], index=idx))
    assert r.seasonal.index.equals(idx) and r.seasonal.tolist() == pytest.approx([100.0, 200.0])
    assert r.seasonal_gap.tolist() == pytest.approx([0.0, 100.0])


@pytest.mark.parametrize(
    "profile, match",
    [
        (BACK_LOADED.drop(7), "months 1..12"),
        (BACK_LOADED.where(BACK_LOADED.index != 5, 0.1), "non-decreasing"),
        (BACK_LOADED.where(BACK_LOADED.index != 12, 0.95), "reach 1"),
        (BACK_LOADED.where(BACK_LOADED.index != 1, 0.0), r"\(0, 1\]"),
        (BACK_LOADED * 1.2, r"\(0, 1\]"),
        ([0.1] * 12, "Series"),
    ],
)
def test_projection_bad_profile_raises(profile, match):
    with pytest.raises(ValueError, match=match):
        project_year_end(10.0, "2022-03-31", "2022", profile=profile)


def test_projection_bad_input_raises():
    with pytest.raises(ValueError, match="calendar-year"):
        project_year_end(10.0, "2022-02-28", "2022Q1", profile=BACK_LOADED)
    with pytest.raises(ValueError, match="before the start"):
        project_year_end(10.0, "2021-12-31", "2022")
    with pytest.raises(ValueError, match="non-negative"):
        project_year_end(-1.0, "2022-03-31", "2022")
    with pytest.raises(ValueError, match="target must be positive"):
        project_year_end(10.0, "2022-03-31", "2022", target=-5.0)
    with pytest.raises(ValueError, match="unknown"):
        project_year_end(10.0, "2022-03-31", "unknown")


# ---------------------------------------------------------------------------------------------------------
# ambition
# ---------------------------------------------------------------------------------------------------------


def test_ambition_golden_eastern_cluster():
    # Document 004 (004_84ad286a35deb247.txt): this year's actuals on line 14 (政府性投入7.2亿元, 工业性投入13.55亿元),
    # next year's targets on lines 24 (全年实现政府性投入7.6亿元) and 23 (全年实现工业性投入12亿元).
    gov = ambition(7.6e8, 7.2e8)
    assert isinstance(gov, Ambition)
    assert gov.ambition_pct == pytest.approx(5.56, abs=0.005)  # 7.6/7.2 - 1 = +5.56 %
    assert gov.below_last_actual is False
    ind = ambition(12e8, 13.55e8)
    assert ind.ambition_pct == pytest.approx(-11.44, abs=0.005)  # 12/13.55 - 1 = -11.44 %
    assert ind.below_last_actual is True  # a target below this year's actual: flagged


def test_ambition_analytic_and_series():
    assert ambition(100.0, 100.0).ambition_pct == 0.0  # target == last actual
    assert ambition(200.0, 100.0).ambition_pct == pytest.approx(100.0)
    # synthetic series
    idx = pd.Index(["gov", "ind"])
    a = ambition(pd.Series([7.6, 12.0], index=idx), pd.Series([7.2, 13.55], index=idx))
    assert a.ambition_pct.index.equals(idx)
    assert a.below_last_actual.tolist() == [False, True]


def test_ambition_bad_input_raises():
    with pytest.raises(ValueError, match="target must be positive"):
        ambition(-7.6, 7.2)
    with pytest.raises(ValueError, match="last_actual must be positive"):
        ambition(7.6, 0.0)


# ---------------------------------------------------------------------------------------------------------
# milestones
# ---------------------------------------------------------------------------------------------------------


def synthetic_milestones() -> pd.DataFrame:
    """Synthetic milestones in the shape of data/default milestones (planned months and 4-6月-style spans)."""
    return pd.DataFrame(
        {
            "milestone_id": ["p1-m01", "p1-m02", "p1-m03", "p2-m01", "p2-m02", "p3-m01", "p3-m02", "p4-m01"],
            "project_id": ["p1", "p1", "p1", "p2", "p2", "p3", "p3", "p4"],
            "planned": ["2022-03", "2022-04/2022-06", "2022-10", "2022-02", "2022-04", "2022-01", "2022-04",
                        "unknown"],
            "kind": ["signed", "landed", "construction_start", "framework_signed", "signed", "signed",
                     "land_acquired", "other"],
            "stage": ["signed", "landed", "construction", "framework_signed", "signed", "signed", "land_acquired",
                      None],
        },
        index=pd.Index([10, 11, 12, 20, 21, 30, 31, 40], name="row"),
    )


def synthetic_actuals() -> pd.DataFrame:
    """Synthetic actual dates: p1 on time (one early), p2 late by much, p3 late by a little."""
    return pd.DataFrame(
        {
            "milestone_id": ["p1-m01", "p1-m02", "p2-m01", "p3-m01", "p3-m02", "p9-m01"],
            "actual_date": ["2022-02-20", "2022-05-10", "2022-04-15", "2022-02-10", None, "2022-01-01"],
        }
    )


def test_milestone_status_cases():
    out = milestone_status(synthetic_milestones(), synthetic_actuals(), "2022-05-15")
    s = out["status"]
    assert s.tolist() == ["done", "done", "not_yet_due", "done_late", "late", "done_late", "late", "unknown"]
    # days_late: actual (or as_of) minus planned end
    assert out.loc[10, "days_late"] == (pd.Timestamp("2022-02-20") - pd.Timestamp("2022-03-31")).days  # -39, early
    assert out.loc[11, "days_late"] == (pd.Timestamp("2022-05-10") - pd.Timestamp("2022-06-30")).days
    assert out.loc[20, "days_late"] == 46  # done 2022-04-15, planned by 2022-02-28
    assert out.loc[21, "days_late"] == 15  # not done, planned by 2022-04-30, as of 2022-05-15
    assert out.loc[30, "days_late"] == 10  # done 2022-02-10, planned by 2022-01-31
    assert out.loc[31, "days_late"] == 15  # no date given (empty cell) -> not done
    assert np.isnan(out.loc[40, "days_late"])


def test_milestone_status_keeps_index_and_columns():
    ms = synthetic_milestones()
    out = milestone_status(ms, synthetic_actuals(), "2022-05-15")
    assert out.index.equals(ms.index)
    assert list(out.columns[: len(ms.columns)]) == list(ms.columns)
    assert {"planned_start", "planned_end", "actual_date", "status", "days_late"} <= set(out.columns)
    assert set(out["status"]) <= set(MILESTONE_STATUSES)
    assert out.loc[11, "planned_start"] == pd.Timestamp("2022-04-01")  # span 4-6月
    assert out.loc[11, "planned_end"] == pd.Timestamp("2022-06-30")


def test_milestone_status_boundaries():
    # synthetic: one milestone planned for April 2022
    ms = pd.DataFrame({"milestone_id": ["m"], "project_id": ["p"], "planned": ["2022-04"]})
    none = pd.DataFrame({"milestone_id": [], "actual_date": []})
    assert milestone_status(ms, none, "2022-03-31")["status"].iloc[0] == "not_yet_due"
    assert milestone_status(ms, none, "2022-04-01")["status"].iloc[0] == "due"
    assert milestone_status(ms, none, "2022-04-30")["status"].iloc[0] == "due"
    late = milestone_status(ms, none, "2022-05-01")
    assert late["status"].iloc[0] == "late" and late["days_late"].iloc[0] == 1
    on_end = pd.DataFrame({"milestone_id": ["m"], "actual_date": ["2022-04-30"]})
    assert milestone_status(ms, on_end, "2022-06-01")["status"].iloc[0] == "done"
    day_after = pd.DataFrame({"milestone_id": ["m"], "actual_date": ["2022-05-01"]})
    assert milestone_status(ms, day_after, "2022-06-01")["status"].iloc[0] == "done_late"
    # an actual date after as_of is not yet known at as_of
    assert milestone_status(ms, day_after, "2022-04-20")["status"].iloc[0] == "due"
    # no actual_dates at all: nothing done
    assert milestone_status(ms, None, "2022-05-01")["status"].iloc[0] == "late"


def test_milestone_status_bad_input_raises():
    ms = synthetic_milestones()
    with pytest.raises(ValueError, match="as_of"):
        milestone_status(ms, synthetic_actuals(), "May 2022")
    with pytest.raises(ValueError, match="period"):
        milestone_status(ms.assign(planned="4-6月"), None, "2022-05-15")
    with pytest.raises(ValueError, match="duplicated"):
        milestone_status(pd.concat([ms, ms.iloc[:1]]), None, "2022-05-15")
    bad_dates = pd.DataFrame({"milestone_id": ["p1-m01"], "actual_date": ["早于4月"]})
    with pytest.raises(ValueError, match="actual_date"):
        milestone_status(ms, bad_dates, "2022-05-15")
    with pytest.raises(ValueError, match="lacks column"):
        milestone_status(ms.drop(columns="planned"), None, "2022-05-15")


# ---------------------------------------------------------------------------------------------------------
# red flags and snails
# ---------------------------------------------------------------------------------------------------------


def test_project_flags_default_rule():
    st_df = milestone_status(synthetic_milestones(), synthetic_actuals(), "2022-05-15")
    f = project_flags(st_df, projects=pd.DataFrame({"project_id": ["p1", "p2", "p3", "p4", "p5"]}))
    assert f.loc["p1", "flag"] == "red_flag" and f.loc["p1", "flag_zh"] == "红旗"  # all done on time or early
    assert f.loc["p2", "flag"] == "snail" and f.loc["p2", "flag_zh"] == "蜗牛"  # 46 days late > 30
    assert f.loc["p2", "max_days_late"] == 46
    assert f.loc["p3", "flag"] == "neutral"  # late by 10 and 15 days: no red flag, not (yet) a snail
    assert f.loc["p3", ["n_done_late", "n_late"]].tolist() == [1, 1]
    assert f.loc["p4", "flag"] == "neutral"  # only an unknown-period milestone
    assert f.loc["p5", "flag"] == "neutral" and f.loc["p5", "n_milestones"] == 0  # no milestones


def test_project_flags_threshold_configurable():
    # synthetic: one project 20 days late, one 40 days late, one done on time
    df = pd.DataFrame({"project_id": ["a", "b", "c"], "status": ["late", "done_late", "done"],
                       "days_late": [20.0, 40.0, -3.0]})
    f = project_flags(df)
    assert f["flag"].to_dict() == {"a": "neutral", "b": "snail", "c": "red_flag"}
    f = project_flags(df, snail_days=10)
    assert f["flag"].to_dict() == {"a": "snail", "b": "snail", "c": "red_flag"}
    f = project_flags(df, snail_days=45, red_tolerance_days=25)
    assert f.loc["b", "flag"] == "neutral" and f.loc["a", "flag"] == "neutral"  # a has no on-time milestone
    f = project_flags(df, min_done=2)
    assert f.loc["c", "flag"] == "neutral"


def test_project_flags_bad_input_raises():
    df = pd.DataFrame({"project_id": ["a"], "status": ["behind"], "days_late": [3.0]})
    with pytest.raises(ValueError, match="unknown status"):
        project_flags(df)
    ok = df.assign(status="late")
    with pytest.raises(ValueError, match="snail_days"):
        project_flags(ok, snail_days=-1)
    with pytest.raises(ValueError, match="must not exceed"):
        project_flags(ok, snail_days=10, red_tolerance_days=20)
    with pytest.raises(ValueError, match="lacks column"):
        project_flags(ok.drop(columns="days_late"))


# ---------------------------------------------------------------------------------------------------------
# stage funnel
# ---------------------------------------------------------------------------------------------------------


def synthetic_projects() -> pd.DataFrame:
    """Synthetic projects (stage vocabulary of projects.stage), one of unknown stage."""
    return pd.DataFrame(
        {
            "project_id": ["p1", "p2", "p3", "p4", "p5", "p6"],
            "stage": ["negotiation", "signed", "construction", "negotiation", "planning", "unknown"],
            "sector": ["new_materials", "new_materials", "chemicals_pharma", "research", None, "other"],
            "lead_unit_zh": ["开发区", "开发区", "开发区", "市科技局", "市科技局", None],
            "total_investment": [100e8, 10e8, 6e8, 2e8, np.nan, 3.77e8],
        }
    )


def test_stage_funnel_counts_and_conversion():
    f = stage_funnel(synthetic_projects())
    assert isinstance(f, StageFunnel)
    t = f.table
    assert list(t.index) == list(STAGE_ORDER)
    assert t["n_reached"].tolist() == [5, 4, 2, 2, 1, 1, 1, 0, 0]
    assert t["n_at_stage"].tolist() == [1, 2, 0, 1, 0, 0, 1, 0, 0]
    assert np.isnan(t.loc["planning", "conversion_pct"])
    assert t.loc["negotiation", "conversion_pct"] == pytest.approx(80.0)
    assert t.loc["framework_signed", "conversion_pct"] == pytest.approx(50.0)
    assert np.isnan(t.loc["in_statistics", "conversion_pct"])  # 0 / 0
    # the unknown-stage project is counted separately, not dropped silently
    assert f.n_unknown == 1 and f.unknown_ids == ("p6",) and f.n_projects == 6


def test_stage_funnel_custom_stages():
    f = stage_funnel(synthetic_projects(), stages=["negotiation", "signed", "construction"])
    assert f.table["n_reached"].tolist() == [4, 2, 1]
    assert f.table["n_at_stage"].tolist() == [2, 1, 1]


def test_stage_funnel_median_days():
    # synthetic dated stage events
    events = pd.DataFrame(
        {
            "project_id": ["p2", "p2", "p3", "p3", "p3", "p1", "zz"],
            "stage": ["negotiation", "signed", "negotiation", "signed", "construction", "negotiation", "signed"],
            "actual_date": ["2022-01-01", "2022-01-31", "2022-01-01", "2022-03-02", "2022-05-01", "2022-02-01",
                            "2022-01-05"],
        }
    )
    t = stage_funnel(synthetic_projects(), events, stages=["negotiation", "signed", "construction"]).table
    assert t.loc["signed", "median_days_from_previous"] == pytest.approx(45.0)  # median of 30 and 60
    assert t.loc["signed", "n_timed"] == 2
    assert t.loc["construction", "median_days_from_previous"] == pytest.approx(60.0)
    assert np.isnan(t.loc["negotiation", "median_days_from_previous"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(list(STAGE_ORDER) + ["unknown"]), min_size=0, max_size=60))
def test_stage_funnel_counts_non_increasing(stages):
    projects = pd.DataFrame({"project_id": [f"p{i}" for i in range(len(stages))], "stage": stages})  # synthetic
    f = stage_funnel(projects)
    n = f.table["n_reached"].to_numpy()
    assert (np.diff(n) <= 0).all()
    assert n[0] + f.n_unknown == len(stages)
    assert f.table["n_at_stage"].sum() == n[0]


def test_stage_funnel_bad_input_raises():
    with pytest.raises(ValueError, match="unknown stage"):
        stage_funnel(synthetic_projects().assign(stage="opened"))
    with pytest.raises(ValueError, match="unknown stage"):
        stage_funnel(synthetic_projects(), stages=["planning", "opened"])
    with pytest.raises(ValueError, match="order"):
        stage_funnel(synthetic_projects(), stages=["signed", "planning"])
    events = pd.DataFrame({"project_id": ["p1"], "stage": ["opening"], "actual_date": ["2022-01-01"]})
    with pytest.raises(ValueError, match="unknown stage"):
        stage_funnel(synthetic_projects(), events)


# ---------------------------------------------------------------------------------------------------------
# heat map
# ---------------------------------------------------------------------------------------------------------


def test_investment_heatmap_sums_and_margins():
    h = investment_heatmap(synthetic_projects())
    assert h.loc["new_materials", "开发区"] == pytest.approx(110e8)
    assert h.loc["research", "市科技局"] == pytest.approx(2e8)
    assert np.isnan(h.loc["(not stated)", "市科技局"])  # p5 has no amount: NaN, not 0
    assert h.loc["other", "(not stated)"] == pytest.approx(3.77e8)  # missing lead unit kept under a label
    assert np.isnan(h.loc["research", "开发区"])  # empty cell
    m = investment_heatmap(synthetic_projects(), margins=True)
    assert m.loc["total", "total"] == pytest.approx(100e8 + 10e8 + 6e8 + 2e8 + 3.77e8)
    assert m.loc["new_materials", "total"] == pytest.approx(110e8)
    assert m.loc["total", "开发区"] == pytest.approx(116e8)


def test_investment_heatmap_bad_input_raises():
    with pytest.raises(ValueError, match="lacks column"):
        investment_heatmap(synthetic_projects(), cols="leader")
    with pytest.raises(ValueError, match="different"):
        investment_heatmap(synthetic_projects(), rows="sector", cols="sector")
    with pytest.raises(ValueError, match="numeric"):
        investment_heatmap(synthetic_projects(), value="lead_unit_zh")
