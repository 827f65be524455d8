"""Tables of the study "Targets, milestones and what happened" (analysis.studies.targets).

Golden values are computed by hand from the source documents (shared/seeds), document and line stated beside each,
and checked on the embedded dataset. Every other dataset here is synthetic: made in this file (or the synthetic
Testland region of tests/data/testland), describing no real place, and labelled so.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import write_dataset
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hst

import analysis
from analysis.studies import targets as st
from analysis.reporting import provenance
from analysis.params import load_actual_dates

TESTLAND = Path(__file__).parent / "data" / "testland"
YI = 1e8  # 亿


# ---------------------------------------------------------------------------------------------------------
# fixtures and helpers
# ---------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ds():
    return analysis.load_dataset()


@pytest.fixture(scope="module")
def testland():
    return analysis.load_dataset(TESTLAND)


DOC = "synthetic.txt"  # synthetic


def _obs(i, region, period, indicator, status, value, unit, raw, *, measure="flow", q="exact", entity=None,
         quality="ok"):
    """One synthetic observation row (strings, as in a CSV)."""
    return {"obs_id": f"s-o{i:02d}", "region": region, "entity": entity, "period": period, "measure": measure,
            "indicator": indicator, "indicator_zh": indicator, "status": status, "value": value, "unit": unit,
            "qualifier": q if value is not None else None, "raw": raw, "quality": quality, "doc": DOC, "line": str(i)}


def _synthetic(tmp_path, observations, projects=(), milestones=()):
    """Write and load a synthetic dataset (validated like a user's folder)."""
    rows = {"documents": [{"doc": DOC, "title_en": "synthetic", "kind": "work_summary", "publisher": "tests",
                           "published": "2022", "period": "2022", "region": "Synthland", "damaged": "false",
                           "note": "synthetic"}],
            "observations": list(observations), "projects": list(projects), "milestones": list(milestones)}
    return analysis.load_dataset(write_dataset(tmp_path / "synth", rows))


def _with_obs(base, rows):
    """The dataset ``base`` with its observations replaced by ``rows`` (synthetic, not validated: for properties)."""
    obs = pd.DataFrame(rows).reindex(columns=base.observations.columns)
    obs["value"] = obs["value"].astype(float)
    return dataclasses.replace(base, observations=obs)


def _project(pid, row, name, sector, inv_yi, stage, unit="开发区", region="Synthland"):
    return {"project_id": pid, "region": region, "table_row": str(row) if row else None, "name_zh": name,
            "name_en": name, "sector": sector,
            "total_investment": str(int(inv_yi * YI)) if inv_yi is not None else None,
            "total_investment_qualifier": "exact" if inv_yi is not None else None,
            "total_investment_raw": f"{inv_yi:g}" if inv_yi is not None else None,
            "stage": stage, "stage_as_of": "2022-01", "lead_unit_zh": unit, "leaders_zh": "甲", "doc": DOC,
            "line": "50"}


def _milestone(mid, pid, planned, kind="other", stage=None):
    return {"milestone_id": mid, "project_id": pid, "planned": planned, "kind": kind, "stage": stage,
            "description_en": kind, "doc": DOC, "line": "60"}


# ---------------------------------------------------------------------------------------------------------
# section 1: target_actual_pairs
# ---------------------------------------------------------------------------------------------------------
def test_pairs_synthetic_match_kinds(tmp_path):
    # synthetic: a target met, a target with no actual, an actual of another year, a period-unknown target,
    # a plan (not a target), a stock actual of the same indicator (different measure: not paired)
    d = _synthetic(tmp_path, [
        _obs(1, "Synthland", "2022", "investment", "target", "2000000000", "yuan", "20亿元"),
        _obs(2, "Synthland", "2022", "investment", "actual", "2500000000", "yuan", "25亿元"),
        _obs(3, "Synthland", "2021", "investment", "actual", "1800000000", "yuan", "18亿元"),
        _obs(4, "Synthland", "2022", "signed", "target", "10", "count", "10个"),
        _obs(5, "Synthland", "unknown", "land", "target", "600", "mu", "600亩"),
        _obs(6, "Synthland", "2022", "loans", "plan", "5000000000", "yuan", "50亿元"),
        _obs(7, "Synthland", "2022", "signed", "actual", "4", "count", "4个", measure="stock"),
    ])
    out = st.target_actual_pairs(d)
    by = out.set_index(["match", "indicator", "period"])
    assert by.loc[("both", "investment", "2022"), "attainment_pct"] == pytest.approx(125.0)  # 25 / 20
    assert bool(by.loc[("both", "investment", "2022"), "met"]) is True
    assert np.isnan(by.loc[("target only", "signed", "2022"), "attainment_pct"])
    assert by.loc[("actual only", "investment", "2021"), "actual_obs_id"] == "s-o03"
    assert ("period unknown", "land", "unknown") in by.index
    assert "loans" not in set(out["indicator"])  # plans are not targets
    assert list(out["match"]) == ["both", "target only", "actual only", "period unknown"]


def test_pairs_region_and_period_filters(tmp_path):
    # synthetic
    d = _synthetic(tmp_path, [
        _obs(1, "Synthland", "2022", "investment", "target", "2000000000", "yuan", "20亿元"),
        _obs(2, "Otherland", "2022", "investment", "target", "1000000000", "yuan", "10亿元"),
        _obs(3, "Synthland", "2023", "investment", "target", "3000000000", "yuan", "30亿元"),
        _obs(4, "Synthland", "unknown", "investment", "target", "3000000000", "yuan", "30亿元"),
    ])
    assert set(st.target_actual_pairs(d, ["Otherland"])["region"]) == {"Otherland"}
    assert set(st.target_actual_pairs(d, "Synthland,Otherland")["region"]) == {"Synthland", "Otherland"}
    only_2023 = st.target_actual_pairs(d, period="2023")
    assert list(only_2023["period"]) == ["2023"]  # unknown-period targets dropped when a period is asked
    assert st.target_actual_pairs(d, ["Nowhere"]).empty
    assert list(st.target_actual_pairs(d, ["Nowhere"]).columns) == list(only_2023.columns)


def test_pairs_bound_from_actual_qualifier(tmp_path):
    # synthetic: an actual of "超" (at least) gives a lower bound on attainment
    d = _synthetic(tmp_path, [
        _obs(1, "Synthland", "2022", "investment", "target", "2000000000", "yuan", "20亿元"),
        _obs(2, "Synthland", "2022", "investment", "actual", "1500000000", "yuan", "超15亿元", q="at_least"),
    ])
    row = st.target_actual_pairs(d).iloc[0]
    assert row["attainment_pct"] == pytest.approx(75.0)
    assert row["attainment_bound"] == "at_least"
    assert bool(row["met"]) is False


def test_pairs_golden_linhai_targets_have_no_actual(ds):
    # Document 003 (003_a07d5e58f742e788.txt), line 19: 2022 年,全市签约亿元以上产业项目 25 个,其中 10 亿元以上
    # 产业项目 5 个,实际使用外资 6700 万美元以上. No document reports Linhai's 2022 outcome for any of them.
    out = st.target_actual_pairs(ds, ["Linhai"], "2022")
    assert set(out["match"]) == {"target only"}
    got = out.set_index("indicator")["target_value"].astype(float)
    assert got["signed_projects_100m_plus"] == 25
    assert got["signed_projects_1bn_plus"] == 5
    assert got["fdi_utilised"] == pytest.approx(6700e4)  # 6700万美元
    fdi = out.set_index("indicator").loc["fdi_utilised"]
    assert (fdi["unit"], fdi["target_qualifier"]) == ("usd", "at_least")


def test_pairs_embedded_eastern_cluster_targets_are_period_unknown(ds):
    # Document 004 lines 23-25: next year's goals, year unreadable: not paired with this year's actuals here
    out = st.target_actual_pairs(ds, ["Eastern cluster"])
    assert set(out["match"]) == {"period unknown"}
    assert "d004-o56" in set(out["target_obs_id"])  # 政府性投入 7.6亿元, line 24


def test_pairs_testland_attainment(testland):
    # synthetic Testland: 2023 fixed-asset investment 21亿元 against a target of 20亿元
    out = st.target_actual_pairs(testland, ["Testland"])
    both = out[out["match"] == "both"].set_index("indicator")
    assert both.loc["fixed_asset_investment", "attainment_pct"] == pytest.approx(105.0)
    assert both.loc["industrial_investment", "attainment_pct"] == pytest.approx(87.5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actual=hst.floats(0, 1e12), target=hst.floats(1e-3, 1e12))
def test_pairs_attainment_property(testland, actual, target):
    # synthetic values: attainment is actual / target * 100, and "met" agrees with it
    d = _with_obs(testland, [
        _obs(1, "Synthland", "2022", "x", "target", target, "yuan", None),
        _obs(2, "Synthland", "2022", "x", "actual", actual, "yuan", None),
    ])
    row = st.target_actual_pairs(d).iloc[0]
    assert row["attainment_pct"] == pytest.approx(actual / target * 100, rel=1e-9)
    assert bool(row["met"]) == (row["attainment_pct"] >= 100)


def test_pairs_bad_input_raises(ds):
    with pytest.raises(ValueError, match="analysis.Dataset"):
        st.target_actual_pairs(ds.observations)
    with pytest.raises(ValueError, match="regions"):
        st.target_actual_pairs(ds, regions=3)
    with pytest.raises(ValueError):
        st.target_actual_pairs(ds, period="next year")


# ---------------------------------------------------------------------------------------------------------
# section 2: pace_rows
# ---------------------------------------------------------------------------------------------------------
def test_pace_golden_taizhou_loans(ds):
    # Document 001 (001_9c420341d3f08b1c.txt), line 31: 全年计划新增贷款100亿元 … 一季度已放款51.7亿元.
    # Attainment 51.7 / 100 = 51.7 %; the first quarter (一季度) is three whole months, so time progress is
    # 3 / 12 = 25 % (as Chinese statistical reports pace a 1-3月 figure), gap +26.7 pp; projection 51.7 / 0.25.
    # The 51.7亿元 is lent to the 124 projects of the bank-project matching drive (same line), not all new loans.
    out = st.pace_rows(ds, "2022-06-30")
    assert len(out) == 1
    r = out.iloc[0]
    assert (r["region"], r["plan_indicator"], r["actual_indicator"]) == ("Taizhou", "new_loans", "loans_disbursed")
    assert r["attainment_pct"] == pytest.approx(51.7)
    assert (r["time_basis"], r["time_elapsed"], r["time_total"]) == ("months", 3, 12)
    assert r["time_basis_text"] == "months 3/12"
    assert r["time_progress_pct"] == pytest.approx(25.0)
    assert r["gap_pp"] == pytest.approx(26.7)
    assert r["data_date"] == pd.Timestamp("2022-03-31")
    assert bool(r["related"]) and bool(r["ahead"])
    assert r["linear_year_end"] == pytest.approx(51.7 * YI / 0.25)
    assert np.isnan(r["seasonal_year_end"])
    assert r["time_progress_as_of_pct"] == pytest.approx(181 / 365 * 100)  # 2022-06-30 is day 181
    assert r["context_value"] == 124 and r["context_obs_id"] == "d001-o15"
    assert isinstance(r["caveat"], str) and "bank-project" in r["caveat"]


def test_pace_as_of_excludes_later_actuals(ds):
    # the Q1 figure is not known on 2022-03-30
    assert st.pace_rows(ds, "2022-03-30").empty
    assert len(st.pace_rows(ds, "2022-03-31")) == 1
    assert len(st.pace_rows(ds, None)) == 1
    assert st.pace_rows(ds, "2022-06-30", ["Linhai"]).empty
    assert st.pace_rows(ds, "2022-06-30", period="2021").empty


def test_pace_synthetic_ytd_rule_and_latest(tmp_path):
    # synthetic: a Q2 flow is not year to date and must not pair; two YTD actuals pair, the later one is latest
    d = _synthetic(tmp_path, [
        _obs(1, "Synthland", "2022", "investment", "target", "2000000000", "yuan", "20亿元"),
        _obs(2, "Synthland", "2022Q1", "investment", "actual", "300000000", "yuan", "3亿元"),
        _obs(3, "Synthland", "2022-01/2022-05", "investment", "actual", "800000000", "yuan", "8亿元"),
        _obs(4, "Synthland", "2022Q2", "investment", "actual", "500000000", "yuan", "5亿元"),
        _obs(5, "Synthland", "2022", "investment", "actual", "2100000000", "yuan", "21亿元"),  # full year: not pace
    ])
    out = st.pace_rows(d, "2022-12-31")
    assert list(out["actual_obs_id"]) == ["s-o02", "s-o03"]
    assert list(out["latest"]) == [False, True]
    assert out["attainment_pct"].tolist() == pytest.approx([15.0, 40.0])
    assert out["time_progress_pct"].iloc[1] == pytest.approx(5 / 12 * 100)  # 1-5月: 5 of 12 months
    assert not out["related"].any()


def test_pace_seasonal_profile(tmp_path):
    # synthetic: with a back-loaded profile (25 % done by end-March) the seasonal projection is actual / 0.25
    d = _synthetic(tmp_path, [
        _obs(1, "Synthland", "2022", "investment", "target", "2000000000", "yuan", "20亿元"),
        _obs(2, "Synthland", "2022Q1", "investment", "actual", "400000000", "yuan", "4亿元"),
    ])
    profile = pd.Series(np.linspace(0.05, 1.0, 12), index=range(1, 13))
    profile[3] = 0.25
    out = st.pace_rows(d, "2022-06-30", profile=profile)
    assert out["seasonal_year_end"].iloc[0] == pytest.approx(4 * YI / 0.25)
    assert out["seasonal_year_end_attainment_pct"].iloc[0] == pytest.approx(80.0)


def test_pace_related_mapping_is_configurable(tmp_path):
    # synthetic: without the related mapping new_loans and loans_disbursed do not pair
    d = _synthetic(tmp_path, [
        _obs(1, "Synthland", "2022", "new_loans", "plan", "5000000000", "yuan", "50亿元"),
        _obs(2, "Synthland", "2022Q1", "loans_disbursed", "actual", "1500000000", "yuan", "15亿元"),
    ])
    assert len(st.pace_rows(d)) == 1
    assert st.pace_rows(d, related={}).empty


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actual=hst.floats(0, 1e11), plan=hst.floats(1.0, 1e11), month=hst.integers(1, 11))
def test_pace_gap_is_attainment_minus_progress(testland, actual, plan, month):
    # synthetic values: gap_pp = attainment_pct - time_progress_pct, and the linear projection scales back up
    d = _with_obs(testland, [
        _obs(1, "Synthland", "2022", "x", "plan", plan, "yuan", None),
        _obs(2, "Synthland", f"2022-01/2022-{month:02d}", "x", "actual", actual, "yuan", None),
    ])
    r = st.pace_rows(d, None).iloc[0]
    assert r["gap_pp"] == pytest.approx(r["attainment_pct"] - r["time_progress_pct"], abs=1e-9)
    assert r["linear_year_end"] * r["time_progress_pct"] / 100 == pytest.approx(actual, rel=1e-9, abs=1e-6)


def test_pace_bad_input_raises(ds):
    with pytest.raises(ValueError, match="as_of"):
        st.pace_rows(ds, "mid-2022")
    with pytest.raises(ValueError, match="Dataset"):
        st.pace_rows(None)


# ---------------------------------------------------------------------------------------------------------
# section 3: ambition_rows
# ---------------------------------------------------------------------------------------------------------
def test_ambition_golden_eastern_cluster(ds):
    # Document 004 (004_84ad286a35deb247.txt), line 14: 政府性投入7.2亿元 … 工业性投入13.55亿元 (this year);
    # line 23: 全年实现工业性投入12亿元; line 24: 全年实现政府性投入7.6亿元 (next year, year unreadable).
    # 7.6 / 7.2 - 1 = +5.56 %; 12 / 13.55 - 1 = -11.44 % (below this year's actual: flagged).
    out = st.ambition_rows(ds, ["Eastern cluster"]).set_index("indicator")
    gov, ind = out.loc["government_investment"], out.loc["industrial_investment"]
    assert gov["ambition_pct"] == pytest.approx((7.6 / 7.2 - 1) * 100)
    assert round(gov["ambition_pct"], 2) == 5.56
    assert bool(gov["below_last_actual"]) is False
    assert ind["ambition_pct"] == pytest.approx((12 / 13.55 - 1) * 100)
    assert round(ind["ambition_pct"], 2) == -11.44
    assert bool(ind["below_last_actual"]) is True
    assert (gov["actual_obs_id"], gov["target_obs_id"]) == ("d004-o02", "d004-o56")
    assert not out["period_known"].any()
    # the sub-area's own actual (东部XX县区 6.93亿元, entity set) has no target and is not paired
    assert "d004-o03" not in set(out["actual_obs_id"])


def test_ambition_embedded_damaged_targets_kept_without_value(ds):
    # Document 004 line 23: 新投产企业2023家 and 新开工企业2023家 are damaged ("2023" substituted): not assessed
    out = st.ambition_rows(ds).set_index("indicator")
    for ind in ("enterprises_started_production", "enterprises_started_construction"):
        assert out.loc[ind, "target_quality"] == "damaged"
        assert np.isnan(out.loc[ind, "ambition_pct"])
        assert pd.isna(out.loc[ind, "below_last_actual"])


def test_ambition_synthetic_known_years_and_measures(tmp_path):
    # synthetic: 2023 target beside the 2022 actual; a 2022Q1 actual is not a year; a stock actual does not
    # pair with a flow target
    d = _synthetic(tmp_path, [
        _obs(1, "Synthland", "2022", "investment", "actual", "2000000000", "yuan", "20亿元"),
        _obs(2, "Synthland", "2023", "investment", "target", "2300000000", "yuan", "23亿元"),
        _obs(3, "Synthland", "2022Q1", "signed", "actual", "4", "count", "4个"),
        _obs(4, "Synthland", "2023", "signed", "target", "10", "count", "10个"),
        _obs(5, "Synthland", "2022", "parks", "actual", "15", "count", "15个", measure="stock"),
        _obs(6, "Synthland", "2023", "parks", "target", "20", "count", "20个"),
        _obs(7, "Synthland", "2024", "investment", "target", "2500000000", "yuan", "25亿元"),  # no 2023 actual
    ])
    out = st.ambition_rows(d)
    assert list(out["indicator"]) == ["investment"]
    assert out["ambition_pct"].iloc[0] == pytest.approx(15.0)
    assert bool(out["period_known"].iloc[0]) is True
    assert st.ambition_rows(d, period="2024").empty
    assert len(st.ambition_rows(d, period="2023")) == 1


def test_ambition_unknown_period_needs_same_document(testland, tmp_path):
    # synthetic: period-unknown target and actual from two different documents are not paired
    rows = [_obs(1, "Synthland", "unknown", "x", "actual", 10.0, "count", None),
            _obs(2, "Synthland", "unknown", "x", "target", 12.0, "count", None)]
    assert len(st.ambition_rows(_with_obs(testland, rows))) == 1
    rows[1]["doc"] = "other.txt"
    assert st.ambition_rows(_with_obs(testland, rows)).empty


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actual=hst.floats(1e-3, 1e12), target=hst.floats(1e-3, 1e12))
def test_ambition_sign_matches_flag(testland, actual, target):
    # synthetic values: ambition is negative exactly when the target is below the actual
    d = _with_obs(testland, [_obs(1, "Synthland", "2022", "x", "actual", actual, "yuan", None),
                             _obs(2, "Synthland", "2023", "x", "target", target, "yuan", None)])
    r = st.ambition_rows(d).iloc[0]
    assert r["ambition_pct"] == pytest.approx((target / actual - 1) * 100, rel=1e-9, abs=1e-9)
    assert bool(r["below_last_actual"]) == (target < actual)


# ---------------------------------------------------------------------------------------------------------
# section 4: project table
# ---------------------------------------------------------------------------------------------------------
def test_project_table_golden_linhai(ds):
    # Document 003, line 53: 盯引抓签约项目(33 个); rows 1-13 survive (row 13, line 169, is cut off).
    # Row 1 (line 55): 台州湾新材料产业园项目, total investment 1000 (亿元), land 10000 (亩).
    pt = st.project_table(ds, ["Linhai"])
    assert len(pt) == 13
    assert list(pt["table_row"]) == list(range(1, 14))
    first = pt.iloc[0]
    assert first["name_zh"] == "台州湾新材料产业园项目"
    assert first["total_investment_yi"] == pytest.approx(1000)
    assert (first["land"], first["land_unit"]) == (10000, "mu")
    assert first["n_milestones"] == 3
    cov = st.table_coverage(ds, ["Linhai"]).loc["Linhai"]
    assert (cov["rows_present"], cov["rows_stated"]) == (13, 33)
    assert cov["rows_without_lead_unit"] == 1  # row 13
    assert cov["stated_obs_id"] == "d003-o14"


def test_project_table_synthetic(tmp_path):
    # synthetic: only projects with a table row belong to the table
    d = _synthetic(tmp_path, [], projects=[_project("s-p01", 2, "乙", "x", 20, "signed"),
                                           _project("s-p02", 1, "甲", "x", 5, "negotiation"),
                                           _project("s-p03", None, "丙", "x", None, "planning")],
                   milestones=[_milestone("s-p01-m01", "s-p01", "2022-04")])
    pt = st.project_table(d)
    assert list(pt["project_id"]) == ["s-p02", "s-p01"]
    assert list(pt["n_milestones"]) == [0, 1]
    cov = st.table_coverage(d)
    assert cov.loc["Synthland", "rows_present"] == 2 and np.isnan(cov.loc["Synthland", "rows_stated"])
    assert st.project_table(d, ["Nowhere"]).empty and st.table_coverage(d, ["Nowhere"]).empty


# ---------------------------------------------------------------------------------------------------------
# section 5: milestones
# ---------------------------------------------------------------------------------------------------------
def test_milestone_frame_due_by_as_of_embedded(ds):
    # Document 003 line 59: row 1 phase 1 signed in 4月, lands in 5月, construction 8月 (plan for 2022)
    ms = st.milestone_frame(ds, ["Linhai"], "2022-06-30").set_index("milestone_id")
    assert ms.loc["d003-p01-m01", "due_by_as_of"] == "deadline passed"
    assert ms.loc["d003-p01-m03", "due_by_as_of"] == "not yet due"
    assert ms.loc["d003-p04-m01", "due_by_as_of"] == "in its window"  # 4-6月 window contains 30 June
    assert ms.loc["d003-p01-m01", "project"] == "台州湾新材料产业园项目"
    assert len(ms) == len(ds.milestones)
    counts = ms["due_by_as_of"].value_counts()
    # deadlines before 30 June (document 003, 全年工作目标 columns): 3月 5 milestones, 4月 7, 5月 1 = 13
    assert counts["deadline passed"] == int((ms["planned_end"] < pd.Timestamp("2022-06-30")).sum()) == 13


def test_milestone_frame_synthetic_boundaries(tmp_path):
    # synthetic: a milestone planned for June is in its window on 30 June and late from 1 July
    d = _synthetic(tmp_path, [], projects=[_project("s-p01", 1, "甲", "x", 5, "signed")],
                   milestones=[_milestone("s-p01-m01", "s-p01", "2022-06"),
                               _milestone("s-p01-m02", "s-p01", "unknown")])
    assert st.milestone_frame(d, as_of="2022-06-30")["due_by_as_of"].tolist() == ["in its window", "unknown"]
    assert st.milestone_frame(d, as_of="2022-07-01")["due_by_as_of"].iloc[0] == "deadline passed"
    assert st.milestone_frame(d, as_of="2022-05-31")["due_by_as_of"].iloc[0] == "not yet due"
    assert st.milestone_frame(d)["due_by_as_of"].isna().all()
    assert not st.milestone_frame(d)["planned_known"].iloc[1]


def test_flags_testland_actual_dates(testland):
    # synthetic Testland with its actual_dates.csv, as of 2023-08-31: t-p01 landed 45 days late (snail),
    # t-p02 signing window 4-6月 passed without a date (62 days late: snail), t-p03 started on time (red flag)
    dates = load_actual_dates(TESTLAND / "actual_dates.csv")
    ms = st.milestone_frame(testland, None, "2023-08-31")
    status = analysis.milestone_status(ms, dates, "2023-08-31")
    flags = st.flag_table(testland, status, 30).set_index("project_id")
    assert flags["flag"].to_dict() == {"t-p01": "snail", "t-p02": "snail", "t-p03": "red_flag"}
    assert flags.loc["t-p03", "flag_zh"] == "红旗" and flags.loc["t-p03", "project"] == "测试数字产业园"
    # a looser threshold keeps t-p01 (45 days) and t-p02 (62 days) off the snail list
    loose = st.flag_table(testland, status, 90).set_index("project_id")
    assert loose.loc["t-p01", "flag"] == "neutral" and loose.loc["t-p02", "flag"] == "neutral"
    by_unit = st.status_counts(status, by="lead_unit_zh")
    assert by_unit["total"].sum() == len(status)
    assert by_unit.loc["科技局", "done"] == 1


def test_status_counts_bad_input_raises():
    with pytest.raises(ValueError, match="lacks column"):
        st.status_counts(pd.DataFrame({"status": ["done"]}), by="lead_unit_zh")
    assert st.status_counts(pd.DataFrame({"lead_unit_zh": [], "status": []})).empty


# ---------------------------------------------------------------------------------------------------------
# sections 6-7: stages and heat map
# ---------------------------------------------------------------------------------------------------------
def test_stage_table_and_funnel_frame(tmp_path):
    # synthetic: stages in funnel order, unknown last; the chart frame stops at the last stage reached
    d = _synthetic(tmp_path, [], projects=[_project("s-p01", 1, "甲", "x", 5, "construction"),
                                           _project("s-p02", 2, "乙", "x", 5, "negotiation"),
                                           _project("s-p03", 3, "丙", "x", 5, "unknown")])
    tab = st.stage_table(d)
    assert list(tab.index) == ["negotiation", "construction", "unknown"]
    assert tab["total"].sum() == 3
    funnel = analysis.stage_funnel(st.projects_in(d))
    frame = st.funnel_chart_frame(funnel.table)
    assert frame["stage"].iloc[-1] == "construction"
    assert frame["count"].tolist() == [2, 2, 1, 1, 1, 1, 1]
    assert funnel.n_unknown == 1
    with pytest.raises(ValueError, match="n_reached"):
        st.funnel_chart_frame(pd.DataFrame({"x": [1]}))


def test_heatmap_frame_embedded(ds):
    # Document 003: the table's 13 rows state total investment (亿元); 1000 + 100 + 5 + 2 + 12 + 150 + 6 + 8 + 100
    # + 50 + 5.5 + 8 + 50 = 1496.5亿元 (lines 55-169)
    hm = st.heatmap_frame(ds, ["Linhai"])
    assert len(hm) == 13
    assert hm["value"].sum() == pytest.approx(1496.5 * YI)
    assert hm["lead_unit"].eq("(not stated)").sum() == 1  # row 13 is cut off
    grid = analysis.investment_heatmap(hm, rows="sector", cols="lead_unit", value="value")
    assert grid.loc["new_materials", "台州湾经济技术开发区"] == pytest.approx(1100 * YI)  # rows 1 and 2


# ---------------------------------------------------------------------------------------------------------
# section 8-9: statistical sample and provenance
# ---------------------------------------------------------------------------------------------------------
def test_regression_sample(testland, ds):
    # synthetic Testland: 3 complete pairs, 2 in yuan and 1 count: the sample keeps the 2 in yuan
    reg = st.regression_sample(st.target_actual_pairs(testland))
    assert len(reg) == 2 and set(reg["unit"]) == {"yuan"}
    assert sorted(reg["ratio"].round(4)) == [0.875, 1.05]
    # embedded dataset: no target has an actual of the same period (n = 0)
    assert st.regression_sample(st.target_actual_pairs(ds)).empty
    with pytest.raises(ValueError, match="target_actual_pairs"):
        st.regression_sample(pd.DataFrame({"x": [1]}))


def test_provenance_ids(ds):
    pace = st.pace_rows(ds, "2022-06-30")
    ids = st.provenance_ids(pace, st.project_table(ds, ["Linhai"]), st.milestone_frame(ds, ["Linhai"]))
    assert ids["observations"] == ["d001-o10", "d001-o15", "d001-o16"]
    assert len(ids["projects"]) == 13  # the table's rows; milestone projects are among them
    assert "d003-p01-m01" in ids["milestones"]
    prov = provenance(ds, **ids)
    assert set(prov.loc[prov["table"] == "observations", "line"]) == {31}
    assert st.provenance_ids(pd.DataFrame()) == {}
    with pytest.raises(ValueError, match="DataFrames"):
        st.provenance_ids(["d001-o10"])


def test_figure_text():
    assert st.figure_text(6700e4, "usd", "at_least") == "at least 6700万美元"
    assert st.figure_text(7.6e8, "yuan") == "7.6亿元"
    assert st.figure_text(25, "count", None) == "25个"
    assert st.figure_text(np.nan, "yuan") == "n/a"
    with pytest.raises(ValueError, match="qualifier"):
        st.figure_text(1, "yuan", "roughly")


# ---------------------------------------------------------------------------------------------------------
# sentences of sections 1 and 2 on a synthetic region (units from the row, time basis, coverage of targets)
# ---------------------------------------------------------------------------------------------------------
#: Synthetic "Synthland" 2023 (period, indicator, status, value, unit, raw): a USD target and a count target with
#: 1-9月 actuals, a yuan target with an actual stated for a day, a target with an actual for its whole period written
#: as months, and a target with none.
PACE_REGION = [
    ("2023", "fdi_utilised", "target", "80000000", "usd", "8000万美元"),
    ("2023-01/2023-09", "fdi_utilised", "actual", "56400000", "usd", "5640万美元"),
    ("2023", "signed_projects", "target", "20", "count", "20个"),
    ("2023-01/2023-09", "signed_projects", "actual", "13", "count", "13个"),
    ("2023", "effective_investment", "target", "2000000000", "yuan", "20亿元"),
    ("2023-06-20", "effective_investment", "actual", "1000000000", "yuan", "10亿元"),
    ("2023", "enterprises_new", "target", "30", "count", "30家"),
    ("2023-01/2023-12", "enterprises_new", "actual", "32", "count", "32家"),
    ("2023", "land_supplied", "target", "600", "mu", "600亩"),
]


@pytest.fixture
def pace_region(tmp_path):
    return _synthetic(tmp_path, [_obs(i, "Synthland", *row) for i, row in enumerate(PACE_REGION, 1)])


def test_pace_time_basis_follows_the_actual(pace_region):
    # synthetic: 1-9月 is paced in months (9/12 = 75 %), the figure as of 2023-06-20 in days (171/365)
    out = st.pace_rows(pace_region, "2023-10-31").set_index("plan_indicator")
    fdi, signed, inv = out.loc["fdi_utilised"], out.loc["signed_projects"], out.loc["effective_investment"]
    assert fdi["time_basis_text"] == "months 9/12" and fdi["time_progress_pct"] == pytest.approx(75.0)
    assert fdi["attainment_pct"] == pytest.approx(70.5) and fdi["gap_pp"] == pytest.approx(-4.5)
    assert signed["time_basis_text"] == "months 9/12" and signed["gap_pp"] == pytest.approx(65.0 - 75.0)
    assert inv["time_basis_text"] == "days 171/365" and inv["data_date"] == pd.Timestamp("2023-06-20")
    assert inv["time_progress_pct"] == pytest.approx(171 / 365 * 100)
    assert inv["linear_year_end"] == pytest.approx(10 * YI * 365 / 171)
    assert fdi["linear_year_end"] == pytest.approx(5640e4 / 0.75)  # 7520万美元
    assert "enterprises_new" not in out.index  # a whole-year actual is not an actual to date


def test_pace_leaves_out_stock_on_a_date_and_rates(tmp_path):
    # synthetic: a stock stated on a day is a level, not progress to date; a rate cannot be paced or projected
    d = _synthetic(tmp_path, [
        _obs(1, "Synthland", "2023", "firms", "target", "10", "count", "10家"),
        _obs(2, "Synthland", "2023-06-20", "firms", "actual", "4", "count", "4家", measure="stock"),
        _obs(3, "Synthland", "2023", "share", "target", "50", "percent", "50%"),
        _obs(4, "Synthland", "2023-01/2023-06", "share", "actual", "30", "percent", "30%"),
    ])
    assert st.pace_rows(d).empty


def test_pace_sentences_golden(pace_region):
    # synthetic: the sentence of each row, in the row's unit, with its time basis and no signed "behind by -x"
    out = st.pace_rows(pace_region, "2023-10-31").set_index("plan_indicator", drop=False)
    fdi = st.pace_sentence(out.loc["fdi_utilised"]).text
    assert fdi == ("**Synthland**: fdi_utilised 5640万美元 in 2023-01/2023-09 (to 2023-09-30) against a 2023 target of "
                   "8000万美元 (fdi_utilised): attainment **70.5 %**; time progress **75.0 %** (months 9/12), so the "
                   "actual is **behind time progress by 4.5 pp (落后序时进度4.5个百分点)**.")
    inv = st.pace_sentence(out.loc["effective_investment"]).text
    assert ("10亿元 as of 2023-06-20 (stated for a day: read as cumulative from 2023-01-01, the start of 2023)" in inv
            and "time progress **46.8 %** (days 171/365)" in inv and "ahead of time progress by 3.2 pp" in inv)
    proj = {k: st.projection_sentence(out.loc[k]).text for k in out.index}
    assert proj["fdi_utilised"].startswith("A linear projection of the 2023-01/2023-09 figure to the end of 2023 gives "
                                           "**7520万美元** (94.0 % of the target): the actual divided by time "
                                           "progress (75.0 %, months 9/12).")
    assert "gives **about 17个** (86.7 % of the target)" in proj["signed_projects"]  # 13 / 0.75 = 17.3
    assert "figure as of 2023-06-20 to the end of 2023 gives **21.35亿元**" in proj["effective_investment"]
    assert "万元" not in proj["fdi_utilised"] and "元" not in proj["signed_projects"]  # not written as yuan


def test_pace_sentence_on_the_embedded_and_testland_data(ds, testland):
    # Document 001, line 31 (Taizhou, Q1 = three whole months) and the synthetic Testland (2023Q1 loans, 15 of 50)
    taizhou = st.pace_sentence(st.pace_rows(ds, "2022-06-30").iloc[0]).text
    assert "放款 51.7亿元 in 2022Q1 (to 2022-03-31) against a 2022 plan of 100亿元 (新增贷款)" in taizhou
    assert "time progress **25.0 %** (months 3/12), so the actual is **ahead of time progress by 26.7 pp" in taizhou
    assert "gives **206.8亿元** (206.8 % of the plan)" in st.projection_sentence(st.pace_rows(ds).iloc[0]).text
    t = st.pace_sentence(st.pace_rows(testland).iloc[0]).text
    assert "attainment **30.0 %**; time progress **25.0 %** (months 3/12)" in t and "ahead of time progress by 5.0 pp" in t


@pytest.mark.parametrize("value, unit, text", [
    (7520e4, "usd", "7520万美元"), (2.5e8, "usd", "2.5亿美元"), (17.333, "count", "about 17个"), (16.0, "count", "16个"),
    (12.5, "person", "about 13人"), (2.0675e10, "yuan", "206.75亿元"), (16000.0, "m2", "1.6万平方米"),
    (800.0, "mu", "800亩"), (np.nan, "usd", "n/a")])
def test_projection_text_uses_the_unit_of_the_row(value, unit, text):
    assert st.projection_text(value, unit) == text


@settings(max_examples=60, deadline=None)
@given(gap=hst.floats(-200, 200, allow_nan=False))
def test_pace_verdict_has_no_double_negative(gap):
    # synthetic gaps: the words carry the sign, the number is the size
    text = st.pace_verdict(gap)
    assert "-" not in text and "−" not in text
    if f"{abs(gap):.1f}" == "0.0":
        assert text.startswith("on pace")
    else:
        assert text.startswith("ahead" if gap > 0 else "behind") and f"by {abs(gap):,.1f} pp" in text


def test_pace_verdict_golden():
    assert st.pace_verdict(-4.8) == "behind time progress by 4.8 pp (落后序时进度4.8个百分点)"
    assert st.pace_verdict(4.8) == "ahead of time progress by 4.8 pp (超序时进度4.8个百分点)"
    assert st.pace_verdict(0.04) == st.pace_verdict(-0.04) == "on pace with time progress (与序时进度持平)"
    assert st.time_basis_text("days", 181.0, 365) == "days 181/365"


def test_coverage_of_targets_synthetic(pace_region):
    # synthetic: one target with an actual for its whole period (2023-01/2023-12 is the year 2023), three with only
    # an actual to date, one with none
    pairs = st.target_actual_pairs(pace_region)
    both = pairs[pairs["match"] == "both"]
    assert list(both["indicator"]) == ["enterprises_new"] and both["actual_period"].iloc[0] == "2023-01/2023-12"
    cov = st.target_coverage(pairs, st.pace_rows(pace_region)).set_index("indicator")
    assert cov["coverage"].to_dict() == {"enterprises_new": "same period", "effective_investment": "to date only",
                                         "fdi_utilised": "to date only", "land_supplied": "none",
                                         "signed_projects": "to date only"}
    assert cov.loc["fdi_utilised", "actual_period"] == "2023-01/2023-09"
    assert cov.loc["signed_projects", "attainment_to_date_pct"] == pytest.approx(65.0)
    text = st.coverage_sentence(cov.reset_index(), n_unknown=0, n_actual_only=3).text
    assert text.startswith("Targets with a level and a readable period: **5**: **1** with an actual for the same "
                           "period, **3** with only an actual to date for part of the period")
    assert "**1** with no actual in the data" in text
    fdi = st.to_date_sentence(cov.reset_index().set_index("indicator", drop=False).loc["fdi_utilised"], "2023-08-31")
    assert fdi.text == ("**Synthland, 2023**: the target of fdi_utilised (fdi_utilised) 8000万美元 has no actual for the "
                        "whole of 2023, only one to date: fdi_utilised 5640万美元 in 2023-01/2023-09 (to 2023-09-30), "
                        "attainment so far 70.5 %. It is dated after the as-of date 2023-08-31, so section 2 leaves "
                        "it out; set as_of to 2023-09-30 or later to pace it.")
    none = cov.reset_index()[cov.reset_index()["coverage"] == "none"]
    assert st.no_actual_sentence("Synthland", "2023", none).text.startswith(
        "**Synthland, 2023**: a target of land_supplied (land_supplied) 600亩. The data hold no actual level of this "
        "indicator in the target's unit for 2023, whole or to date")


def test_coverage_of_targets_embedded_and_testland(ds, testland):
    # Documents 002 and 003: Yiwu's 2021 and Linhai's 2022 targets have no actual at all; synthetic Testland: three
    # 2023 targets with an actual for 2023, the 2024 target with none
    cov = st.target_coverage(st.target_actual_pairs(ds), st.pace_rows(ds))
    assert len(cov) == 8 and set(cov["coverage"]) == {"none"}
    cov = st.target_coverage(st.target_actual_pairs(testland), st.pace_rows(testland))
    assert cov.groupby("coverage").size().to_dict() == {"none": 1, "same period": 3}
    with pytest.raises(ValueError, match="target_actual_pairs"):
        st.target_coverage(pd.DataFrame(), st.pace_rows(ds))
    with pytest.raises(ValueError, match="coverage 'none'"):
        st.no_actual_sentence("Testland", "2023", cov[cov["coverage"] == "same period"])


def test_notebook_sections_1_and_2_on_a_synthetic_region(pace_region, tmp_path):
    """Study 03 run on the synthetic Synthland: the sentences are true of its data (not of the embedded dataset)."""
    import nbformat
    import papermill as pm

    from analysis import config

    out = tmp_path / "03.ipynb"
    pm.execute_notebook(str(config.NOTEBOOKS_DIR / "03-target-versus-actual.ipynb"), str(out),
                        parameters={"data_dir": str(pace_region.source), "as_of": "2023-10-31"},
                        kernel_name="python3", progress_bar=False, cwd=str(config.NOTEBOOKS_DIR))
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(str(o.get("data", {}).get("text/markdown", "")) + str(o.get("data", {}).get("text/html", ""))
                     for o in outputs).replace("\\_", "_")
    assert "report no actual for" not in text
    assert "<strong>3</strong> with only an actual to date for part of the period" in text
    assert "months 9/12" in text and "days 171/365" in text
    assert "gives <strong>7520万美元</strong>" in text and "gives <strong>about 17个</strong>" in text
    assert "behind time progress by 4.5 pp" in text and "by -" not in text
