"""The investment-growth study's selections (analysis.studies.growth).

Golden values come from the embedded dataset (document and line in a comment) and were computed by hand;
frames built inside a test are synthetic and labelled so. Rates are in percent, pulls in percentage points.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import analysis
import analysis.reporting
from analysis.studies import growth as sg
from analysis.growth import ComponentCheck

TESTLAND = Path(__file__).parent / "data" / "testland"
COLS = ["obs_id", "region", "entity", "period", "measure", "indicator", "indicator_zh", "status", "value", "unit",
        "qualifier", "raw", "yoy_pct", "yoy_qualifier", "yoy_raw", "quality", "doc", "line", "note"]


@pytest.fixture(scope="module")
def ds():
    return analysis.load_dataset()


@pytest.fixture(scope="module")
def tl():
    return analysis.load_dataset(TESTLAND)


def frame(*rows):
    """A SYNTHETIC observations frame: each row a dict over the defaults below."""
    base = {"entity": np.nan, "measure": "flow", "indicator_zh": "指标", "status": "actual", "value": np.nan,
            "unit": "yuan", "qualifier": "exact", "raw": None, "yoy_pct": np.nan, "yoy_qualifier": None,
            "yoy_raw": None, "quality": "ok", "doc": "synthetic.txt", "line": 1, "note": None}
    out = []
    for i, r in enumerate(rows, start=1):
        row = {**base, "obs_id": f"s-o{i:02d}", **r}
        if pd.notna(row["yoy_pct"]) and row["yoy_qualifier"] is None:
            row["yoy_qualifier"] = "exact"
        out.append(row)
    df = pd.DataFrame(out, columns=COLS)
    for c in ("value", "yoy_pct"):
        df[c] = df[c].astype(float)
    df["entity"] = df["entity"].astype(object)
    return df


# --- selection ----------------------------------------------------------------------------------------------


def test_select_keeps_actual_sound_rows_and_counts_left_out(ds):
    sel = sg.select_observations(ds)
    assert set(sel.observations["status"]) == {"actual"}
    assert (sel.observations["quality"] != "damaged").all()
    # document 004 line 19: 202300亩 is the one damaged *actual* figure (d004-o48)
    assert sel.n_damaged == 1
    assert sel.missing == [] and "Linhai" in sel.regions


def test_select_period_and_missing_region(ds):
    sel = sg.select_observations(ds, regions="Linhai, Nowhere", period="2022")
    assert sel.regions == ["Linhai"] and sel.missing == ["Nowhere"]
    # 2022Q1 lies within 2022; 2023-12 and unknown do not
    assert set(sel.observations["period"]) <= {"2022", "2022Q1"}
    assert "d001-o26" in set(sel.observations["obs_id"])
    assert sel.n_other_period > 0
    unknown = sg.select_observations(ds, period="unknown").observations
    assert set(unknown["period"]) == {"unknown"} and set(unknown["region"]) == {"Eastern cluster"}


def test_select_as_of_drops_periods_not_yet_ended(tl):
    # synthetic test region: quarters 2022Q1-Q3; as of 2022-07-15 only Q1 and Q2 have ended
    sel = sg.select_observations(tl, regions=["Testland North"], as_of="2022-07-15")
    assert sorted(sel.observations["period"]) == ["2022Q1", "2022Q2"]
    assert sel.n_after_as_of == 1


def test_select_nowhere_is_empty_not_an_error(ds):
    sel = sg.select_observations(ds, regions=["Nowhere"])
    assert sel.observations.empty and sel.regions == [] and sel.missing == ["Nowhere"]


@pytest.mark.parametrize("kwargs, word", [({"period": "2022Q5"}, "period"), ({"regions": 3}, "regions"),
                                          ({"as_of": "not a date"}, "as_of")])
def test_select_bad_input_names_the_argument(ds, kwargs, word):
    with pytest.raises(ValueError, match=word):
        sg.select_observations(ds, **kwargs)


def test_select_rejects_a_non_frame():
    with pytest.raises(ValueError, match="data"):
        sg.select_observations([1, 2])
    with pytest.raises(ValueError, match="lacks column"):
        sg.select_observations(pd.DataFrame({"region": ["a"]}))


# --- levels and rates ---------------------------------------------------------------------------------------


def test_is_investment_indicator_with_units():
    names = ["fixed_asset_investment", "new_start_projects", "policy_measures_effective_investment"]
    assert sg.is_investment_indicator(names).tolist() == [True, False, True]
    assert sg.is_investment_indicator(names, ["yuan", "count", "count"]).tolist() == [True, False, False]
    with pytest.raises(ValueError, match="units"):
        sg.is_investment_indicator(names, ["yuan"])


def test_levels_zero_rate_gives_base_equal_to_level():
    # synthetic
    df = frame({"region": "A", "period": "2022", "indicator": "fixed_asset_investment", "value": 5e8, "yoy_pct": 0.0})
    t = sg.levels_and_rates(df)
    assert t["base"].iloc[0] == 5e8 and t["increment"].iloc[0] == 0.0 and t["base_bound"].iloc[0] == "exact"


def test_levels_golden_eastern_cluster_and_linhai(ds):
    t = sg.levels_and_rates(sg.select_observations(ds).observations).set_index("obs_id")
    # doc 004 line 14: 20.75亿元, +42.45 % -> base 20.75 / 1.4245 = 14.566515亿元
    assert t.loc["d004-o01", "base"] == pytest.approx(14.566515e8, rel=1e-6)
    # doc 001 line 65: 132亿元, 增长7倍多 -> base 132 / 8 = 16.5亿元, an upper bound
    assert t.loc["d001-o26", "base"] == pytest.approx(16.5e8)
    assert t.loc["d001-o26", "base_bound"] == "upper"
    # doc 001 line 10: Taizhou's 13.7 % has no level, so no base
    assert np.isnan(t.loc["d001-o02", "base"]) and t.loc["d001-o02", "base_bound"] == ""
    # industrial output (doc 004 line 14, +87.92 %) is not investment
    assert "d004-o06" not in t.index
    shown = sg.levels_section(sg.select_observations(ds).observations).tables[0].shown().set_index("Source")
    assert shown.loc["d001-o26", "Implied base"] == "不超过16.5亿元"
    assert shown.loc["d001-o26", "Increment"] == "超115.5亿元"
    assert shown.loc["d004-o01", "Implied base"] == "14.57亿元"
    assert shown.loc["d001-o26", "Growth (%)"] == "more than +700.00 %"


def test_growth_bars_needs_its_columns():
    with pytest.raises(ValueError, match="levels_and_rates"):
        sg.growth_bars(pd.DataFrame({"region": ["a"]}))


@pytest.mark.parametrize("label, prior", [("2023", "2022"), ("2023Q1", "2022Q1"), ("2023-03", "2022-03"),
                                          ("2022-01/2022-10", "2021-01/2021-10"), ("unknown", None),
                                          ("2024-02-29", None)])
def test_prior_year_label(label, prior):
    assert sg.prior_year_label(label) == prior


@given(st.integers(1001, 9999), st.integers(1, 4))
def test_prior_year_label_moves_back_one_year(year, q):
    lab = sg.prior_year_label(f"{year}Q{q}")
    assert lab == f"{year - 1}Q{q}"


def test_prior_year_label_rejects_non_strings():
    with pytest.raises(ValueError, match="label"):
        sg.prior_year_label(2023)


def test_revision_factor_on_test_region(tl):
    # synthetic test region: 2023 21亿元 +16.67 % against the published 2022 level 18亿元
    obs = sg.select_observations(tl).observations
    rev = sg.revision_table(obs, sg.levels_and_rates(obs)).set_index("obs_id")
    assert rev.loc["t-o04", "prior_obs_id"] == "t-o01"
    assert rev.loc["t-o04", "revision_factor"] == pytest.approx(21 / 1.1667 / 18)


def test_revision_table_empty_on_default(ds):
    obs = sg.select_observations(ds).observations
    rev = sg.revision_table(obs, sg.levels_and_rates(obs))
    assert rev.empty and "revision_factor" in rev.columns


# --- components -----------------------------------------------------------------------------------------------


def test_golden_eastern_cluster_components(ds):
    # doc 004 line 14: 固定资产投资20.75亿元 +42.45 %, 政府性投入7.2亿元 +44.91 %, 工业性投入13.55亿元 +41.18 %
    keys = sg.component_keys(ds)
    assert keys[["region", "period", "complete"]].values.tolist() == [["Eastern cluster", "unknown", True]]
    t = sg.component_table(ds, "Eastern cluster", "unknown")
    assert t.index.tolist() == ["fixed_asset_investment", "government_investment", "industrial_investment"]
    assert t["obs_id"].tolist() == ["d004-o01", "d004-o02", "d004-o04"]
    comp = t[t["role"] == "component"]["level_100m"]
    assert comp.tolist() == pytest.approx([7.2, 13.55])
    assert comp.sum() == pytest.approx(20.75) == t.loc["fixed_asset_investment", "level_100m"]


def test_golden_eastern_cluster_pulls_and_check(ds):
    # by hand: base_total = 20.75/1.4245 = 14.566515; gov increment 7.2 - 7.2/1.4491 = 2.231399 -> pull 15.3187 pp,
    # share 2.231399/6.183485 = 0.360864; ind increment 13.55 - 13.55/1.4118 = 3.952323 -> 27.1329 pp, 0.639174
    chk = sg.component_check(sg.component_table(ds, "Eastern cluster", "unknown"))
    assert isinstance(chk, ComponentCheck) and chk.ok
    assert chk.components["pull_pp"].tolist() == pytest.approx([15.3187, 27.1329], abs=1e-4)
    assert chk.components["contribution_share"].tolist() == pytest.approx([0.360864, 0.639174], abs=1e-6)
    # the rounding tolerance follows the digits written: 20.75 ±0.005, 7.2 ±0.05, 13.55 ±0.005
    assert chk.checks.loc["level_sum", "tolerance"] == pytest.approx(0.06)
    assert chk.implied_growth_pct == pytest.approx(42.4523, abs=1e-4)
    pf = sg.pull_frame(chk, "east", {"government_investment": "政府性投入"})
    assert pf["component"].tolist() == ["政府性投入", "industrial_investment"]
    assert pf["pull_pp"].sum() == pytest.approx(42.45, abs=0.01) and set(pf["total_pct"]) == {42.45}
    shown = sg.components_section(ds.observations).tables[1].shown()
    assert shown["Contribution share (%)"].tolist() == ["36.09 %", "63.92 %"]
    assert shown["Pull (pp)"].tolist() == ["+15.3187 pp", "+27.1329 pp"]


def test_component_table_keeps_sub_area_and_targets_out(ds):
    # the sub-area (entity set, doc 004 line 14) has parts but no total: nothing to decompose
    sub = sg.component_table(ds, "Eastern cluster", "unknown", "Eastern XX county district (东部XX县区)")
    assert sub.empty
    # next year's targets (doc 004 line 24: 政府性投入7.6亿元) are never components
    t = sg.component_table(ds, "Eastern cluster", "unknown")
    assert "d004-o56" not in set(t["obs_id"])


def test_component_check_on_synthetic_inconsistent_components():
    # synthetic: components 5.5 + 4.25 = 9.75亿元 against a total of 10.25亿元 (tolerance 0.005 + 0.05 + 0.005)
    df = frame({"region": "A", "period": "2022", "indicator": "fixed_asset_investment", "value": 10.25e8, "yoy_pct": 10.0},
               {"region": "A", "period": "2022", "indicator": "government_investment", "value": 5.5e8, "yoy_pct": 10.0},
               {"region": "A", "period": "2022", "indicator": "industrial_investment", "value": 4.25e8, "yoy_pct": 10.0})
    chk = sg.component_check(sg.component_table(df, "A", "2022"))
    assert not chk.ok and "level_sum" in chk.failed


def test_component_keys_partial_breakdown(tl):
    # synthetic test region: 2022 has both components, 2023 only the industrial one
    keys = sg.component_keys(tl).set_index("period")
    assert keys.loc["2022", "complete"] and not keys.loc["2023", "complete"]
    assert keys.loc["2023", "n_components"] == 1


def test_component_table_duplicate_rows_raise():
    # synthetic: two actual totals for one key
    row = {"region": "A", "period": "2022", "indicator": "fixed_asset_investment", "value": 1e8, "yoy_pct": 1.0}
    with pytest.raises(ValueError, match="more than one"):
        sg.component_table(frame(row, row), "A", "2022")


def test_component_check_bad_tables():
    with pytest.raises(ValueError, match="component_table"):
        sg.component_check(pd.DataFrame({"x": [1]}))
    df = frame({"region": "A", "period": "2022", "indicator": "fixed_asset_investment", "value": 1e8, "yoy_pct": 1.0})
    with pytest.raises(ValueError, match="component"):
        sg.component_check(sg.component_table(df, "A", "2022"))
    with pytest.raises(ValueError, match="ComponentCheck"):
        sg.pull_frame("verdict", "x")


@settings(max_examples=50, deadline=None)
@given(st.floats(0.5, 50), st.floats(0.5, 50), st.floats(-50, 200), st.floats(-50, 200))
def test_consistent_synthetic_components_pass_and_pulls_add_up(l1, l2, g1, g2):
    # synthetic: a total built exactly from its components is consistent, and the pulls sum to its rate
    l1, l2 = round(l1, 2), round(l2, 2)
    b = l1 / (1 + g1 / 100) + l2 / (1 + g2 / 100)
    total = l1 + l2
    g = (total / b - 1) * 100
    df = frame({"region": "A", "period": "2022", "indicator": "fixed_asset_investment", "value": total * 1e8, "yoy_pct": g},
               {"region": "A", "period": "2022", "indicator": "government_investment", "value": l1 * 1e8, "yoy_pct": g1},
               {"region": "A", "period": "2022", "indicator": "industrial_investment", "value": l2 * 1e8, "yoy_pct": g2})
    chk = sg.component_check(sg.component_table(df, "A", "2022"))
    assert chk.ok
    assert chk.components["pull_pp"].sum() == pytest.approx(g, abs=1e-6)


def test_subarea_shares_golden(ds):
    # doc 004 line 14: 政府性投入7.2亿元(东部XX县区6.93亿元), 工业性投入13.55亿元(东部XX县区6.37亿元)
    s = sg.subarea_shares(ds).set_index("indicator")
    assert s.loc["government_investment", "share"] == pytest.approx(6.93 / 7.2)
    assert s.loc["industrial_investment", "share"] == pytest.approx(6.37 / 13.55)


# --- count versus value ---------------------------------------------------------------------------------------


def test_count_value_pairs_golden(ds):
    p = sg.count_value_pairs(sg.select_observations(ds).observations).set_index("region")
    # doc 001 line 61: projects +65.1 %, their investment +246 % -> 3.46 / 1.651 - 1 = +109.570 %
    assert p.loc["Taizhou", "average_size_growth_pct"] == pytest.approx(109.570, abs=1e-3)
    assert p.loc["Taizhou", "average_size_bound"] == "exact"
    # doc 001 line 65: 34 projects, 132亿元 -> 3.882亿元 a project; no count growth, so no size growth
    assert p.loc["Linhai", "average_size"] == pytest.approx(132e8 / 34)
    assert np.isnan(p.loc["Linhai", "average_size_growth_pct"])
    shown = sg.count_value_section(sg.select_observations(ds).observations).tables[0].shown()
    assert "+109.6 %" in shown["Growth in average size (%)"].tolist()


def test_count_value_bound_directions():
    # synthetic: value growth "more than" -> average size growth is a lower bound
    df = frame({"region": "A", "period": "2022", "indicator": "new_start_projects", "unit": "count", "yoy_pct": 10.0},
               {"region": "A", "period": "2022", "indicator": "new_start_projects_investment", "yoy_pct": 50.0,
                "yoy_qualifier": "more_than"})
    p = sg.count_value_pairs(df)
    assert p["average_size_bound"].iloc[0] == "lower"
    assert p["average_size_growth_pct"].iloc[0] == pytest.approx((1.5 / 1.1 - 1) * 100)
    # and entities do not mix: the same rows for another entity make no pair with the region's
    df.loc[1, "entity"] = "Group"
    assert sg.count_value_pairs(df).empty


@given(st.floats(-50, 300))
def test_equal_count_and_value_growth_leaves_size_unchanged(g):
    # synthetic
    df = frame({"region": "A", "period": "2022", "indicator": "new_start_projects", "unit": "count", "yoy_pct": g},
               {"region": "A", "period": "2022", "indicator": "new_start_projects_investment", "yoy_pct": g})
    assert sg.count_value_pairs(df)["average_size_growth_pct"].iloc[0] == pytest.approx(0.0, abs=1e-9)


def test_count_value_pairs_bad_pairs():
    with pytest.raises(ValueError, match="pairs"):
        sg.count_value_pairs(frame(), pairs={"a": 1})


# --- 增长N倍 -------------------------------------------------------------------------------------------------


def test_times_readings_golden_linhai(ds):
    t = sg.times_readings(sg.select_observations(ds).observations)
    assert t["obs_id"].tolist() == ["d001-o26"]
    r = t.iloc[0]
    # doc 001 line 65: 132亿元, 同比增长7倍多: base 132/8 = 16.5亿元 (at most); misread as ×7: 132/7 = 18.857亿元
    assert r["base"] == pytest.approx(16.5e8) and r["bound"] == "upper" and r["ratio"] == 8.0
    assert r["base_if_ratio"] == pytest.approx(132e8 / 7)
    assert r["overstatement_pct"] == pytest.approx(100 / 7)
    shown = sg.times_section(sg.select_observations(ds).observations).tables[0].shown()
    assert shown["Base"].iloc[0] == "不超过16.5亿元"
    assert shown["Base if misread"].iloc[0] == "18.86亿元"


def test_times_readings_exact_synthetic():
    # synthetic: 30亿元 增长2倍 -> base 10亿元 exactly; a percent rate is not a 倍 figure
    df = frame({"region": "A", "period": "2022", "indicator": "x_investment", "value": 30e8, "yoy_pct": 200.0,
                "yoy_raw": "增长2倍"},
               {"region": "B", "period": "2022", "indicator": "x_investment", "value": 30e8, "yoy_pct": 20.0,
                "yoy_raw": "20%"})
    t = sg.times_readings(df)
    assert t["region"].tolist() == ["A"]
    assert t["base"].iloc[0] == pytest.approx(10e8) and t["bound"].iloc[0] == "exact"


# --- scoreboard ---------------------------------------------------------------------------------------------


def test_region_parents_without_a_parent_column(ds, tl):
    # the synthetic test region does not say which region lies above which; the embedded dataset's regions table
    # does (document 001 is Taizhou's account of its counties): the four counties under Taizhou, nothing else
    assert sg.region_parents(tl).empty
    assert sg.region_parents(ds).to_dict() == {"Linhai": "Taizhou", "Xianju": "Taizhou", "Yuhuan": "Taizhou",
                                               "Tiantai": "Taizhou"}
    assert sg.region_parents(pd.DataFrame({"region": ["A"], "region_zh": ["甲"]})).empty
    with pytest.raises(ValueError, match="Dataset"):
        sg.region_parents([1, 2])


def test_region_parents_reads_the_parent_column():
    # synthetic regions table: two counties under a city, the city under a province, one region on its own
    table = pd.DataFrame({"region": ["A", "B", "City", "Province", "Alone"],
                          "parent": ["City", " City ", "Province", None, ""]})
    parents = sg.region_parents(table)
    assert parents.to_dict() == {"A": "City", "B": "City", "City": "Province"}


@pytest.mark.parametrize("rows, match", [
    ({"region": ["A"], "parent": ["A"]}, r"row 2, column 'parent'.*'A'.*the region itself"),
    ({"region": ["A", "B", "A"], "parent": ["C", "C", "D"]}, r"row 4, column 'parent'.*one parent of 'A'.*'C', 'D'"),
    ({"region": ["A", "B"], "parent": ["B", "A"]}, r"column 'parent'.*cycle"),
    ({"name": ["A"], "parent": ["B"]}, "column 'region' is missing"),
])
def test_region_parents_bad_tables(rows, match):
    # synthetic
    with pytest.raises(ValueError, match=match):
        sg.region_parents(pd.DataFrame(rows))


def test_growth_panel_default_has_nothing_to_rank(ds):
    panel = sg.growth_panel(ds)
    # doc 001 line 10 (Taizhou 2022Q1 13.7 %) and doc 004 line 14 (eastern cluster, period unknown, 42.45 %):
    # Taizhou is not left out (the dataset names no parent), it is simply alone in its period
    assert dict(zip(panel["obs_id"], panel["reason"])) == {"d001-o02": "only region in its period",
                                                          "d004-o01": "period unknown"}
    assert not panel["rankable"].any() and not panel["left_out"].any()
    assert sg.race_table(panel).empty and sg.race_stability(panel).empty
    assert sg.left_out_regions(panel).empty


def test_race_on_test_region(tl):
    # synthetic test region: growth 2022Q1 North 12, South 18, East 7 and Testland itself 10; the data do not
    # say Testland lies above the others, so it is ranked with them
    panel = sg.growth_panel(tl)
    assert panel.loc[panel["period"] == "2022Q1", "rankable"].all()
    board = sg.race_table(panel, k=1)
    q1 = board[board["period"] == "2022Q1"]
    assert q1["region"].tolist() == ["Testland South", "Testland North", "Testland", "Testland East"]
    assert q1["rank"].tolist() == [1, 2, 3, 4] and str(q1["rank"].dtype) == "Int64"
    assert q1["rewarded"].tolist() == [True, False, False, False]
    counts = sg.reward_counts(board)
    assert counts["rewarded"].sum() == 3 and set(counts["periods"]) == {3}
    # by hand, ranks (N, S, E, T): 2022Q1 (2, 1, 4, 3), 2022Q2 (1, 4, 3, 2), 2022Q3 (4, 3, 1, 2):
    # sum d^2 = 1 + 9 + 1 + 1 = 12, rho = 1 - 6 * 12 / (4 * 15) = -0.2; then 9 + 1 + 4 + 0 = 14, rho = -0.4
    stab = sg.race_stability(panel)
    assert stab["rho"].tolist() == pytest.approx([-0.2, -0.4]) and set(stab["n"]) == {4}


def _race_ds(tl, obs_rows, doc_region):
    """A Dataset (from the synthetic Testland folder) whose documents and observations are SYNTHETIC rows."""
    import dataclasses

    docs = pd.DataFrame([{**tl.documents.iloc[0].to_dict(), "doc": "synthetic.txt", "region": doc_region}])
    return dataclasses.replace(tl, documents=docs.astype(tl.documents.dtypes.to_dict()), observations=obs_rows)


def _rates(*triples):
    """SYNTHETIC fixed-asset investment growth rows (region, period, percent), in the order given."""
    return frame(*({"region": r, "period": p, "indicator": "fixed_asset_investment", "yoy_pct": g}
                   for r, p, g in triples))


def test_a_county_reporting_itself_and_its_peers_is_ranked(tl):
    # synthetic: county 甲县 writes the report and lists its peers 乙县 and 丙县; nothing says it is above them
    obs = _rates(("甲县", "2022Q1", 9.0), ("乙县", "2022Q1", 12.0), ("丙县", "2022Q1", 5.0))
    panel = sg.growth_panel(_race_ds(tl, obs, "甲县"))
    assert panel["rankable"].all() and not panel["left_out"].any() and set(panel["reason"]) == {""}
    board = sg.race_table(panel, k=1)
    assert board["region"].tolist() == ["乙县", "甲县", "丙县"] and board["rank"].tolist() == [1, 2, 3]
    assert sg.left_out_regions(panel).empty


def test_a_city_above_its_counties_is_left_out_and_named():
    # synthetic: 市 lies above 甲县, 乙县 and 丙县; 省 above 市; in 2023 the city and another city are compared
    parents = {"甲县": "市", "乙县": "市", "丙县": "市", "市": "省", "另一市": "省"}
    obs = _rates(("市", "2022Q1", 10.0), ("甲县", "2022Q1", 9.0), ("乙县", "2022Q1", 12.0), ("丙县", "2022Q1", 5.0),
                 ("省", "2022Q1", 8.0),
                 ("市", "2022Q2", 11.0), ("甲县", "2022Q2", 10.0), ("乙县", "2022Q2", 13.0),
                 ("市", "2023", 7.0), ("另一市", "2023", 6.0))
    panel = sg.growth_panel(obs, parents=parents).set_index(["period", "region"])
    assert panel.loc[("2022Q1", "市"), "reason"] == sg.PARENT_REASON
    assert panel.loc[("2022Q1", "市"), "parent_of"] == "甲县, 乙县, 丙县"
    # the province is above the counties through the city
    assert panel.loc[("2022Q1", "省"), "left_out"] and panel.loc[("2022Q1", "省"), "parent_of"] == "市, 甲县, 乙县, 丙县"
    assert panel.loc[("2022Q1", "甲县"), "n_peers"] == 3
    # in 2023 no region below the city has a rate: the city is ranked against the other city
    assert panel.loc[("2023", "市"), "rankable"] and not panel.loc[("2023", "市"), "left_out"]
    left = sg.left_out_regions(panel.reset_index())
    assert left.to_dict("records") == [
        {"region": "市", "periods": "2022Q1, 2022Q2", "parent_of": "甲县, 乙县, 丙县"},
        {"region": "省", "periods": "2022Q1", "parent_of": "市, 甲县, 乙县, 丙县"}]
    board = sg.race_table(panel.reset_index(), k=1)
    assert board.loc[board["period"] == "2022Q1", "region"].tolist() == ["乙县", "甲县", "丙县"]
    # the same relation read from a regions table
    table = pd.DataFrame({"region": list(parents), "parent": list(parents.values())})
    same = sg.growth_panel(obs, parents=table)
    pd.testing.assert_frame_equal(same, panel.reset_index()[same.columns])


def test_race_orders_chinese_names_by_rank_then_data_not_by_code_point():
    # synthetic: 玉环 and 临海 tie in 2022Q1; by code point 临 (U+4E34) would come before 玉 (U+7389)
    obs = _rates(("玉环", "2022Q1", 10.0), ("临海", "2022Q1", 10.0), ("仙居", "2022Q1", 5.0),
                 ("玉环", "2022Q2", 10.0), ("临海", "2022Q2", 10.0), ("仙居", "2022Q2", 5.0))
    panel = sg.growth_panel(obs)
    assert panel["region"].tolist() == ["玉环", "临海", "仙居"] * 2
    board = sg.race_table(panel, k=1)
    assert board["region"].tolist() == ["玉环", "临海", "仙居"] * 2 and board["rank"].tolist() == [1, 1, 3] * 2
    counts = sg.reward_counts(board)
    assert counts.index.tolist() == ["玉环", "临海", "仙居"]
    assert counts["best_rank"].tolist() == [1, 1, 3] and str(counts["best_rank"].dtype) == "Int64"
    html = analysis.reporting.show(board).data
    assert "<td>1</td>" in html and "1.0" not in html


def test_growth_panel_filters_and_ties():
    # synthetic: two regions tied in one quarter, a duplicate in another, an entity row ignored
    df = frame({"region": "A", "period": "2022Q1", "indicator": "fixed_asset_investment", "yoy_pct": 10.0},
               {"region": "B", "period": "2022Q1", "indicator": "fixed_asset_investment", "yoy_pct": 10.0},
               {"region": "C", "period": "2022Q1", "indicator": "fixed_asset_investment", "yoy_pct": 5.0},
               {"region": "C", "period": "2022Q1", "indicator": "fixed_asset_investment", "yoy_pct": 5.0,
                "entity": "Park"},
               {"region": "A", "period": "2022Q2", "indicator": "fixed_asset_investment", "yoy_pct": 1.0},
               {"region": "A", "period": "2022Q2", "indicator": "fixed_asset_investment", "yoy_pct": 2.0})
    panel = sg.growth_panel(df)
    assert len(panel) == 5
    assert set(panel.loc[panel["period"] == "2022Q2", "reason"]) == {"several figures for the region and period"}
    board = sg.race_table(panel, k=1).set_index("region")
    assert board["rank"].to_dict() == {"A": 1.0, "B": 1.0, "C": 3.0}
    assert board["rewarded"].to_dict() == {"A": True, "B": True, "C": False}  # a tie at the top pays both
    assert sg.growth_panel(df, regions=["A"])["rankable"].sum() == 0


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-20, 80), min_size=2, max_size=8), st.randoms(use_true_random=False))
def test_race_ranks_do_not_depend_on_row_order(rates, rnd):
    # synthetic
    rows = [{"region": f"R{i}", "period": "2022Q1", "indicator": "fixed_asset_investment", "yoy_pct": g}
            for i, g in enumerate(rates)]
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    a = sg.race_table(sg.growth_panel(frame(*rows))).set_index("region")["rank"].sort_index()
    b = sg.race_table(sg.growth_panel(frame(*shuffled))).set_index("region")["rank"].sort_index()
    pd.testing.assert_series_equal(a, b)
    assert a.min() == 1.0


def test_scoreboard_bad_input():
    with pytest.raises(ValueError, match="indicator"):
        sg.growth_panel(frame(), indicator="")
    with pytest.raises(ValueError, match="k"):
        sg.race_table(sg.growth_panel(frame()), k=0)
    with pytest.raises(ValueError, match="growth_panel"):
        sg.race_table(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="race_table"):
        sg.reward_counts(pd.DataFrame({"x": [1]}))


def test_race_rewards_golden(ds):
    # doc 001 line 21: 每季度安排1000万元财政资金, 奖励…排名前列的县(市、区)
    r = sg.race_rewards(ds, ["Taizhou"])
    assert r["value"].tolist() == [1e7] and r["line"].tolist() == [21]
    assert sg.race_rewards(ds, ["Nowhere"]).empty


# --- statistical checks and provenance -----------------------------------------------------------------------


def test_level_series_and_trend_synthetic():
    # synthetic: four annual levels growing exactly 10 % a year, and a stock that is left out
    rows = [{"region": "A", "period": str(2019 + i), "indicator": "fixed_asset_investment", "value": 100e8 * 1.1 ** i}
            for i in range(4)]
    rows.append({"region": "A", "period": "2022", "indicator": "fixed_asset_investment", "value": 1e8,
                 "measure": "stock", "entity": "Park"})
    series = sg.level_series(frame(*rows))
    assert set(series["n"]) == {4} and series["t"].tolist() == [2019, 2020, 2021, 2022]
    tt = sg.trend_table(series)
    assert tt["estimate"].iloc[0] == pytest.approx(10.0)
    assert "only 4 observations" in tt["note"].iloc[0]


def test_trend_table_small_n_says_so(tl):
    # synthetic test region: fixed-asset investment levels 2022 and 2023 only
    tt = sg.trend_table(sg.level_series(tl))
    fai = tt.set_index("indicator").loc["fixed_asset_investment"]
    assert fai["n"] == 2 and np.isnan(fai["estimate"]) and "n = 2 < 3" in fai["note"]
    with pytest.raises(ValueError, match="min_n"):
        sg.trend_table(sg.level_series(tl), min_n=2)


def test_quarterly_series_time_index():
    # synthetic: quarters are spaced one apart across a year boundary
    rows = [{"region": "A", "period": p, "indicator": "x_investment", "value": v}
            for p, v in (("2021Q4", 1e8), ("2022Q1", 2e8), ("2022Q2", 3e8))]
    s = sg.level_series(frame(*rows))
    assert np.diff(s["t"].to_numpy()).tolist() == [1, 1] and set(s["freq_per_year"]) == {4}


def test_growth_bars_label_bounds(ds):
    bars = sg.growth_bars(sg.levels_and_rates(sg.select_observations(ds).observations))
    linhai = bars[bars["label"].str.startswith("Linhai")]
    assert linhai["label"].iloc[0].endswith("(2022Q1, rate: more than)")
    assert linhai["value"].iloc[0] == 132e8


def test_used_obs_ids_and_provenance(ds):
    obs = sg.select_observations(ds).observations
    ids = sg.used_obs_ids(sg.count_value_pairs(obs), sg.component_table(ds, "Eastern cluster", "unknown"))
    assert ids == sorted({"d001-o22", "d001-o23", "d001-o25", "d001-o26", "d004-o01", "d004-o02", "d004-o04"})
    prov = analysis.reporting.provenance(ds, observations=ids)
    assert set(prov["line"]) == {61, 65, 14}
    with pytest.raises(ValueError, match="DataFrames"):
        sg.used_obs_ids(["d001-o22"])


# --- what study 01 prints: ranks, p-values, who is left out ---------------------------------------------------


@pytest.mark.parametrize("p, text, bare", [
    (0.0, "p < 0.001", "< 0.001"), (2 / 40320, "p < 0.001", "< 0.001"), (1 / 3, "p = 0.333", "0.333"),
    (0.0424, "p = 0.042", "0.042"), (1.0, "p = 1.000", "1.000"), (float("nan"), "p n/a", "n/a"),
])
def test_fmt_p_never_writes_p_equals_zero(p, text, bare):
    assert analysis.reporting.fmt_p(p) == text and analysis.reporting.fmt_p(p, label=False) == bare


def test_fmt_p_bad_input():
    with pytest.raises(ValueError, match="probability"):
        analysis.reporting.fmt_p(1.5)
    with pytest.raises(ValueError, match="digits"):
        analysis.reporting.fmt_p(0.5, digits=0)


def test_study_01_race_sentences(tmp_path):
    """Study 01 on a SYNTHETIC dataset folder: county 甲县 writes the report and lists its peers 乙县 and 丙县,
    who keep the same order in two quarters (rho = 1 over n = 3: exact p = 2 / 3! = 1/3)."""
    from conftest import write_dataset

    doc = {"doc": "synthetic.txt", "title_en": "Synthetic county report (made up)", "kind": "work_summary",
           "publisher": "tests", "published": "2022", "period": "2022", "region": "甲县", "damaged": "false"}
    rates = [("甲县", "2022Q1", 9), ("乙县", "2022Q1", 12), ("丙县", "2022Q1", 5),
             ("甲县", "2022Q2", 8), ("乙县", "2022Q2", 11), ("丙县", "2022Q2", 4)]
    obs = [{"obs_id": f"s-o{i}", "region": r, "period": per, "measure": "flow", "indicator": "fixed_asset_investment",
            "indicator_zh": "固定资产投资", "status": "actual", "yoy_pct": g, "yoy_qualifier": "exact",
            "yoy_raw": f"{g}%", "quality": "ok", "doc": "synthetic.txt", "line": i}
           for i, (r, per, g) in enumerate(rates, start=1)]
    folder = write_dataset(tmp_path / "data", {"documents": [doc], "observations": obs})
    report = sg.run(data_dir=str(folder), top_k=1)
    text = "\n".join(report["scoreboard"].findings)
    assert "No region is left out of the ranking: the dataset does not say which region lies above which" in text
    assert "2022Q1 → 2022Q2: rho = 1 (p = 0.333, n = 3 regions)" in text
    assert "p = 0 " not in text and "p = 0," not in text and "p = 0)" not in text
    # by hand: 乙县 first both quarters, then 甲县, then 丙县
    assert "the top 1 reward went 2 time(s) to 乙县, the most of any region; never rewarded: 甲县, 丙县" in text
    board = next(t for t in report["scoreboard"].tables if t.caption.startswith("Scoreboard: rank")).shown()
    assert board["Region"].tolist() == ["乙县", "甲县", "丙县"] * 2
    assert board["Rank"].tolist() == ["1", "2", "3"] * 2  # ranks, not growth rates (9.0 ...)
    assert board["Rewarded"].tolist() == ["yes", "no", "no"] * 2


def test_regions_studied_in_the_order_of_the_data():
    # synthetic: by code point 丙 (U+4E19) < 乙 (U+4E59) < 甲 (U+7532); the data name 甲县 first
    obs = _rates(("甲县", "2022Q1", 9.0), ("乙县", "2022Q1", 12.0), ("丙县", "2022Q1", 5.0), ("甲县", "2022Q2", 1.0))
    assert sg.select_observations(obs).regions == ["甲县", "乙县", "丙县"]
    assert sg.select_observations(obs, regions=["丙县", "甲县"]).regions == ["丙县", "甲县"]


def test_tables_of_study_01_list_regions_in_the_order_of_the_data():
    # synthetic: levels with rates, and a total with its components, for 甲县 (named first) and 丙县;
    # by code point 丙 (U+4E19) would come before 甲 (U+7532)
    rows = []
    for region in ("甲县", "丙县"):
        rows += [{"region": region, "period": "2022", "indicator": "fixed_asset_investment", "value": 30e8,
                  "yoy_pct": 10.0},
                 {"region": region, "period": "2022", "indicator": "government_investment", "value": 10e8,
                  "yoy_pct": 10.0},
                 {"region": region, "period": "2022", "indicator": "industrial_investment", "value": 20e8,
                  "yoy_pct": 10.0}]
    obs = frame(*rows)
    assert sg.levels_and_rates(obs)["region"].drop_duplicates().tolist() == ["甲县", "丙县"]
    assert sg.component_keys(obs)["region"].tolist() == ["甲县", "丙县"]


def test_components_come_from_the_datasets_own_indicators_csv(tmp_path):
    # synthetic: a copy of the test region whose own indicators.csv says industrial investment is NOT a component
    # of fixed-asset investment; the study then decomposes the total into government investment alone
    import shutil

    from analysis import load_dataset

    folder = tmp_path / "tl"
    shutil.copytree(Path(__file__).parent / "data" / "testland", folder)
    (folder / "indicators.csv").write_text(
        "indicator,indicator_zh,description_en,unit,component_of,pairs_with\n"
        "industrial_investment,工业性投入,Industrial investment (synthetic: not a component here),yuan,,\n",
        encoding="utf-8")
    own = load_dataset(folder)
    keys = sg.component_keys(own)
    assert not keys.empty and (keys["n_components"] == 1).all() and keys["complete"].all()
    embedded = sg.component_keys(load_dataset(Path(__file__).parent / "data" / "testland"))
    assert embedded["n_components"].max() == 2 and not embedded["complete"].all()  # two components asked for
