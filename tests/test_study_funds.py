"""Tables of the fund-leverage study (analysis.studies.funds, notebook 02-fund-leverage).

Golden values are the documents' own figures worked out by hand with 亿 = 1e8 and 万 = 1e4 (document and line in
a comment). Frames built by ``make_ds`` are *synthetic*, made up for the test (region "R", sponsors "S", "T").
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

import analysis
from analysis.studies import funds as sf
from analysis.schema import table_meta

YI = 1e8  # 亿
WAN = 1e4  # 万
TESTLAND = Path(__file__).parent / "data" / "testland"


@pytest.fixture(scope="module")
def ds():
    return analysis.load_dataset()


@pytest.fixture(scope="module")
def base():
    return analysis.load_dataset(TESTLAND)


# --- synthetic frames ---------------------------------------------------------------------------------------

def fund(fund_id, sponsor="S", fund_type="platform", part_of=None, n_funds=1, status="existing", size=None,
         size_q=None, committed=None, committed_q=None, paid_in=None, paid_in_q=None, region="R", as_of="2022",
         currency="yuan"):
    """One synthetic row of the funds table; a qualifier defaults to exact where a figure is given."""
    def q(value, qual):
        return None if value is None else (qual or "exact")
    return {"fund_id": fund_id, "region": region, "sponsor": sponsor, "fund_type": fund_type, "part_of": part_of,
            "n_funds": n_funds, "status": status, "currency": currency, "total_size": size,
            "total_size_qualifier": q(size, size_q), "committed": committed,
            "committed_qualifier": q(committed, committed_q), "paid_in": paid_in,
            "paid_in_qualifier": q(paid_in, paid_in_q), "as_of": as_of, "doc": "synthetic.txt", "line": 1}


def stake(stake_id, amount, stake_pct=None, n=1, region="R", as_of="2022", amount_q="exact"):
    """One synthetic row of the equity_stakes table."""
    return {"stake_id": stake_id, "region": region, "investor": "S", "investee": "X", "n_investments": n,
            "amount": amount, "amount_qualifier": amount_q, "stake_pct": stake_pct, "as_of": as_of,
            "doc": "synthetic.txt", "line": 1}


def make_ds(base_ds, funds=(), stakes=()):
    """A Dataset holding synthetic funds and stakes (other tables from the synthetic Testland folder)."""
    f = pd.DataFrame(list(funds), columns=table_meta("funds").column_names)
    for c in ("total_size", "committed", "paid_in"):
        f[c] = f[c].astype(float)
    f["n_funds"] = f["n_funds"].astype("Int64")
    f["line"] = f["line"].astype("Int64")
    s = pd.DataFrame(list(stakes), columns=table_meta("equity_stakes").column_names)
    for c in ("amount", "stake_pct"):
        s[c] = s[c].astype(float)
    s["n_investments"] = s["n_investments"].astype("Int64")
    s["line"] = s["line"].astype("Int64")
    return dataclasses.replace(base_ds, funds=f, equity_stakes=s)


# --- golden values from the embedded dataset ------------------------------------------------------------------

def test_yiwu_leverage_and_paid_in_ratio(ds):
    # doc 002 line 21: 基金总规模56.45亿元, 公司认缴规模29亿元, 实缴15亿元
    r = sf.ratio_table(ds, ["Yiwu"]).set_index("measure")
    assert round(r.loc["leverage", "value"], 4) == 1.9466           # 56.45 / 29
    assert round(r.loc["paid_in_ratio", "value"], 4) == 0.5172      # 15 / 29
    assert round(r.loc["public_share", "value"], 4) == 0.5137       # 29 / 56.45
    assert r.loc["leverage", "basis"] == "total_size / committed"
    assert r.loc["paid_in_ratio", "denominator"] == "committed"
    assert r.loc["paid_in_ratio", "denominator_text"] == "29亿元"
    assert r.loc["leverage", "qualifier"] == "exact"
    assert r.loc["avg_size", "value"] == pytest.approx(56.45 * YI / 5)  # 5 funds (基金项目5个)


def test_linhai_stake_implies_300_million(ds):
    # doc 000 line 62: 出资6000万元, 持股百分之二十 -> 6000万 / 0.20 = 3亿元
    s = sf.stake_values(ds, "Linhai").iloc[0]
    assert s["implied_value"] == pytest.approx(300_000_000)
    assert s["implied_value_text"] == "3亿元"


def test_yiwu_money_per_equity_investment(ds):
    # doc 002 line 21: 参与股权投资项目16个, 实缴出资额达10.54亿元 -> 10.54亿 / 16 = 6587.5万元
    s = sf.stake_values(ds, ["Yiwu"]).iloc[0]
    assert s["per_investment"] == pytest.approx(65_875_000)
    assert s["per_investment_text"] == "6587.5万元"
    assert math.isnan(s["implied_value"])  # no stake share stated


def test_taizhou_average_size_is_an_upper_bound(ds):
    # doc 001 line 43: 2只母基金和16只子基金, 合计规模近200亿元 -> just under 200亿 / 18 = 11.11亿元
    g = sf.fund_groups_table(ds, "Taizhou").set_index("fund_id")
    row = g.loc["d001-f01"]
    assert row["avg_size"] == pytest.approx(200 * YI / 18)
    assert row["avg_size_qualifier"] == "just_under"
    assert row["avg_size_bound"] == "strict upper bound"
    assert row["avg_size_text"].startswith("近")
    assert row["breakdown"] == "mother 2, sub 16"


def test_planned_funds_are_targets(ds):
    # doc 003 line 27: 设立100亿元母基金; doc 001 line 31: 设立产业基金50亿元以上
    p = sf.planned_vs_existing(ds).set_index("fund_id")
    assert p.loc["d003-f01", "size"] == 100 * YI and p.loc["d003-f01", "size_basis"] == "target size"
    assert p.loc["d001-f05", "size"] == 50 * YI and p.loc["d001-f05", "size_qualifier"] == "at_least"
    assert p.loc["d001-f05", "size_bound"] == "lower bound"
    assert p.loc["d002-f01", "size_basis"] == "total size"


def test_planned_summary_golden(ds):
    # Linhai: planned 100亿 (+ sub-funds of unstated size: at least) against new funds 25.45亿 (doc 000 line 66)
    s = sf.planned_summary(ds).xs("yuan", level="currency")
    assert s.loc["Linhai", "planned_to_current"] == pytest.approx(100 / 25.45)
    assert s.loc["Linhai", "planned_to_current_qualifier"] == "at_least"
    # Taizhou: 50亿以上 against 近200亿 + 约230亿 (doc 001 lines 31, 43): about at least 50/430
    assert s.loc["Taizhou", "current_size"] == pytest.approx(430 * YI)
    assert s.loc["Taizhou", "current_size_qualifier"] == "about_at_most"
    assert s.loc["Taizhou", "planned_to_current"] == pytest.approx(50 / 430)
    assert s.loc["Taizhou", "planned_to_current_qualifier"] == "about_at_least"
    assert math.isnan(s.loc["Yiwu", "planned_to_current"]) and s.loc["Yiwu", "planned_records"] == 0


def test_fund_matrix_counts_groups_once(ds):
    # doc 000 line 66: 母基金1支、产业基金3支、上市公司高质量发展基金1支、招商基金2支、股权投资基金3支 = 10 funds, 25.45亿元
    m = sf.fund_matrix_table(ds, "Linhai")
    lig = m[m["sponsor"] == "Linhai Industrial Investment Group"].set_index("fund_type")
    assert lig["n_funds"].sum() == 10
    assert lig.loc["industry", "n_funds"] == 3 and lig.loc["industry", "cell"] == "count only"
    assert lig["total_size"].sum() == pytest.approx(25.45 * YI)  # money once, on the group's own type
    assert lig.loc["mixed", "cell"] == "money only (funds counted by type)"
    counts = sf.fund_count_matrix(sf.fund_matrix_table(ds))
    assert counts.loc[("Linhai", "Linhai Industrial Investment Group", "new"), "total"] == "10"
    assert counts.loc[("Taizhou", "Taizhou government", "existing"), "total"] == "18"


def test_matrix_money_equals_top_level_money(ds):
    m = sf.fund_matrix_table(ds)
    top = ds.funds[ds.funds["part_of"].isna()]
    assert m["total_size"].sum() == pytest.approx(top["total_size"].sum())


def test_sample_size_golden(ds):
    # only Yiwu's record states size and committed capital (doc 002 line 21), standing for 5 funds
    n = sf.sample_size(ds)
    assert (n.n_records, n.n_funds) == (1, 5)
    assert not n.enough and n.min_n == analysis.MIN_N and n.warn_n == analysis.WARN_N


def test_policy_table_places_yiwu_below_the_range(ds):
    p = sf.policy_table(ds)
    assert list(p["fund_id"]) == ["d002-f01"]
    assert p.iloc[0]["policy_context"] == "below" and not p.iloc[0]["is_sub_fund"]
    assert p.iloc[0]["band_low"] == pytest.approx(1 / 0.3) and p.iloc[0]["band_high"] == pytest.approx(5)
    frame = sf.leverage_frame(p)
    assert list(frame.columns) == ["label", "leverage"] and frame["leverage"].iloc[0] == pytest.approx(56.45 / 29)


def test_fund_matrix_frame_feeds_the_plot(ds):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = sf.fund_matrix_frame(sf.fund_matrix_table(ds))
    assert set(frame["qualifier"]) <= set(analysis.units.QUALIFIERS)
    assert not frame.duplicated(["sponsor", "fund_type"]).any()
    assert frame["value"].sum() == pytest.approx((25.45 + 100 + 200 + 50 + 230 + 56.45) * YI)
    assert "industry (planned, target)" in set(frame["fund_type"])
    fig = analysis.plots.fund_matrix(frame)
    plt.close(fig)


def test_provenance_covers_the_rows_used(ds):
    sub = sf.restrict(ds)
    prov = analysis.report.provenance(ds, funds=sub.funds, equity_stakes=sub.equity_stakes)
    assert set(prov["id"]) == set(ds.funds["fund_id"]) | set(ds.equity_stakes["stake_id"])
    assert {("002_583c6829ab56027c.txt", 21), ("000_890bd172b6e88206.txt", 62)} <= set(zip(prov["doc"], prov["line"]))


# --- selection -----------------------------------------------------------------------------------------------

def test_study_regions(ds):
    assert sf.study_regions(ds) == (["Linhai", "Taizhou", "Yiwu"], [])
    assert sf.study_regions(ds, "Yiwu, Nowhere") == (["Yiwu"], ["Nowhere"])


def test_restrict_period_keeps_periods_inside(ds):
    sub = sf.restrict(ds, period="2022")
    assert set(sub.funds["as_of"]) == {"2022", "2022-05-31"}
    assert sub.equity_stakes.empty  # stakes are of 2021 and 2023


def test_restrict_as_of_keeps_figures_stated_by_then(ds):
    sub = sf.restrict(ds, as_of="2022-06-30")
    assert set(sub.funds["as_of"]) == {"2021", "2022-05-31"}


def test_restrict_without_planned(ds):
    sub = sf.restrict(ds, include_planned=False)
    assert "planned" not in set(sub.funds["status"])
    assert len(sub.funds) == len(ds.funds) - (ds.funds["status"] == "planned").sum()


def test_restrict_breakdown_rows_follow_their_group(base):
    d = make_ds(base, [fund("g", n_funds=3, size=9.0, fund_type="mixed", as_of="2022"),
                       fund("g1", part_of="g", fund_type="mother", n_funds=1, as_of="2023"),
                       fund("h", size=1.0, as_of="2023")])
    sub = sf.restrict(d, period="2022")
    assert set(sub.funds["fund_id"]) == {"g", "g1"}  # g1's own as_of does not matter
    assert set(sf.restrict(d, period="2023").funds["fund_id"]) == {"h"}


def test_restrict_unknown_region_gives_empty_tables(ds):
    sub = sf.restrict(ds, regions=["Nowhere"])
    assert sub.funds.empty and sub.equity_stakes.empty
    assert sf.fund_groups_table(sub).empty
    assert sf.fund_matrix_table(sub).empty
    assert sf.fund_count_matrix(sf.fund_matrix_table(sub)).empty
    assert sf.ratio_table(sub).empty
    assert sf.figure_coverage(sub).empty
    assert sf.planned_vs_existing(sub).empty
    assert sf.planned_summary(sub).empty
    assert sf.stake_values(sub).empty
    assert sf.policy_table(sub).empty
    assert sf.sample_size(sub) == sf.SampleSize(0, 0)


@pytest.mark.parametrize("kwargs, match", [
    ({"period": "2022Q5"}, "period"),
    ({"period": 2.5}, "period"),
    ({"as_of": "not a date"}, "as_of"),
    ({"include_planned": "yes"}, "include_planned"),
    ({"regions": 3}, "regions"),
])
def test_restrict_bad_input(ds, kwargs, match):
    with pytest.raises(ValueError, match=match):
        sf.restrict(ds, **kwargs)


def test_functions_want_a_dataset(ds):
    for fn in (sf.fund_groups_table, sf.fund_matrix_table, sf.ratio_table, sf.planned_vs_existing,
               sf.planned_summary, sf.stake_values, sf.policy_table, sf.figure_coverage, sf.sample_size):
        with pytest.raises(ValueError, match="Dataset"):
            fn(ds.funds)
    with pytest.raises(ValueError, match="regions"):
        sf.ratio_table(ds, regions=[1, 2])


# --- synthetic cases -----------------------------------------------------------------------------------------

def test_ratio_table_carries_bounds(base):
    # synthetic: 近100 over an exact 20 -> leverage just under 5; 超10 paid in of 20 -> at least 0.5
    d = make_ds(base, [fund("a", size=100.0, size_q="just_under", committed=20.0, paid_in=10.0,
                            paid_in_q="at_least")])
    r = sf.ratio_table(d).set_index("measure")
    assert r.loc["leverage", "value"] == 5 and r.loc["leverage", "qualifier"] == "just_under"
    assert r.loc["leverage", "bound"] == "strict upper bound"
    assert r.loc["public_share", "qualifier"] == "more_than"   # 20 / (just under 100) is more than 0.2
    assert r.loc["paid_in_ratio", "value"] == 0.5 and r.loc["paid_in_ratio", "qualifier"] == "at_least"
    assert "avg_size" not in r.index  # a single fund has no average size


def test_ratio_table_planned_uses_target_size(base):
    d = make_ds(base, [fund("p", status="planned", size=50.0, committed=10.0)])
    r = sf.ratio_table(d).set_index("measure")
    assert r.loc["leverage", "basis"] == "target_size / committed"
    assert r.loc["leverage", "numerator"] == "target_size"


def test_ratio_table_skips_missing_figures(base):
    d = make_ds(base, [fund("a", size=10.0), fund("b", committed=5.0)])
    assert sf.ratio_table(d).empty
    cov = sf.figure_coverage(d)
    assert cov.loc["R", "records"] == 2 and cov.loc["R", "with_size_and_committed"] == 0


def test_breakdown_money_is_not_counted_twice(base):
    # synthetic: a group of 4 (10) broken down into 1 mother + 3 sub, a breakdown row wrongly carrying money
    d = make_ds(base, [fund("g", fund_type="mixed", n_funds=4, size=10.0),
                       fund("g1", part_of="g", fund_type="mother", n_funds=1, size=7.0),
                       fund("g2", part_of="g", fund_type="sub", n_funds=3)])
    m = sf.fund_matrix_table(d).set_index("fund_type")
    assert m["total_size"].sum() == 10.0
    assert m.loc["mother", "n_funds"] == 1 and m.loc["sub", "n_funds"] == 3 and m["n_funds"].sum() == 4
    g = sf.fund_groups_table(d)
    assert len(g) == 1 and g.iloc[0]["avg_size"] == 2.5 and g.iloc[0]["breakdown"] == "mother 1, sub 3"


def test_count_matrix_marks_unstated_counts(base):
    d = make_ds(base, [fund("a", n_funds=2, size=4.0), fund("b", n_funds=None, fund_type="sub", size=1.0)])
    c = sf.fund_count_matrix(sf.fund_matrix_table(d))
    row = c.loc[("R", "S", "existing")]
    assert row["platform"] == "2" and row["sub"] == "?" and row["total"] == "≥2"


def test_fund_matrix_frame_maps_derived_qualifiers(base):
    # synthetic: 近10 + 约5 in one cell sums to about_at_most, drawn as at_most
    d = make_ds(base, [fund("a", size=10.0, size_q="just_under"), fund("b", size=5.0, size_q="about")])
    m = sf.fund_matrix_table(d)
    assert m.iloc[0]["total_size_qualifier"] == "about_at_most"
    assert sf.fund_matrix_frame(m).iloc[0]["qualifier"] == "at_most"
    with pytest.raises(ValueError, match="wrap"):
        sf.fund_matrix_frame(m, wrap=3)
    with pytest.raises(ValueError, match="fund_matrix_table"):
        sf.fund_matrix_frame(pd.DataFrame({"x": [1]}))


def test_planned_summary_adds_existing_and_new(base):
    d = make_ds(base, [fund("e", size=10.0), fund("n", status="new", size=5.0),
                       fund("p", status="planned", size=30.0, size_q="at_least")])
    s = sf.planned_summary(d).loc[("R", "yuan")]
    assert s["current_records"] == 2 and s["current_size"] == 15.0
    assert s["planned_to_current"] == 2.0 and s["planned_to_current_qualifier"] == "at_least"


def test_planned_summary_without_current_funds(base):
    d = make_ds(base, [fund("p", status="planned", size=30.0)])
    s = sf.planned_summary(d).loc[("R", "yuan")]
    assert s["current_records"] == 0 and math.isnan(s["current_size"]) and math.isnan(s["planned_to_current"])


def test_stake_values_synthetic(base):
    d = make_ds(base, stakes=[stake("s1", 5000 * WAN, 25), stake("s2", 8 * YI, None, n=4, amount_q="about")])
    s = sf.stake_values(d).set_index("stake_id")
    assert s.loc["s1", "implied_value"] == 2 * YI
    assert s.loc["s2", "per_investment"] == 2 * YI and s.loc["s2", "per_investment_qualifier"] == "about"
    assert s.loc["s2", "per_investment_text"] == "约2亿元"


def test_stake_values_rejects_bad_share(base):
    d = make_ds(base, stakes=[stake("s1", 100.0, 120)])
    with pytest.raises(ValueError, match="stake_pct"):
        sf.stake_values(d)


def test_policy_table_on_testland(base):
    # synthetic Testland: 40亿 over 10亿 committed = 4x, inside 3.33-5x
    p = sf.policy_table(base)
    assert p.iloc[0]["leverage"] == 4 and p.iloc[0]["policy_context"] == "within"
    with pytest.raises(ValueError, match="usual_range"):
        sf.policy_table(base, usual_range=(5, 3))


def test_policy_table_lower_bound_is_undetermined_inside_band(base):
    d = make_ds(base, [fund("a", size=40.0, size_q="at_least", committed=10.0, fund_type="sub")])
    p = sf.policy_table(d).iloc[0]
    assert p["policy_context"] == "undetermined" and p["is_sub_fund"]
    assert sf.leverage_frame(sf.policy_table(d))["label"].iloc[0].endswith("[≥]")


# --- formatting ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, q, text", [
    (2.545 * YI, "exact", "2.545亿元"),
    (200 * YI / 18, "just_under", "近11.111亿元"),
    (50 * YI, "at_least", "超50亿元"),
    (430 * YI, "about_at_most", "about at most 430亿元"),
    (6000 * WAN, None, "6000万元"),
    (1 * YI, "unknown", "1亿元 (bound direction unknown)"),
    (float("nan"), "exact", "n/a"),
])
def test_format_money(value, q, text):
    assert sf.format_money(value, q) == text


def test_format_measure_and_bound_word():
    assert sf.format_measure(56.45 / 29, "exact", "multiple") == "1.95×"
    assert sf.format_measure(15 / 29, None, "fraction") == "51.7 %"
    assert sf.format_measure(0.2, "about_at_least", "fraction") == "about at least 20 %"
    assert sf.format_measure(float("nan")) == "n/a"
    assert sf.bound_word("just_under") == "strict upper bound"
    assert sf.bound_word("at_least") == "lower bound"
    assert list(sf.bound_word(pd.Series(["exact", None], index=[3, 4])).index) == [3, 4]
    with pytest.raises(ValueError, match="unit"):
        sf.format_measure(1.0, "exact", "percent")
    with pytest.raises(ValueError, match="qualifier"):
        sf.format_money(1.0, "roughly")
    with pytest.raises(ValueError, match="qualifier"):
        sf.bound_word(pd.Series(["roughly"]))
    with pytest.raises(ValueError, match="currency"):
        sf.format_money(1.0, "exact", "eur")


# --- properties ----------------------------------------------------------------------------------------------

money = st.floats(min_value=1.0, max_value=1e12, allow_nan=False, allow_infinity=False)
quals = st.sampled_from(["exact", "at_least", "about", "just_under", "at_most", "more_than"])


@settings(max_examples=40, deadline=None)
@given(size=money, committed=money, paid=money, q=quals)
def test_property_ratios_agree_with_their_definitions(base, size, committed, paid, q):
    d = make_ds(base, [fund("a", size=size, size_q=q, committed=committed, paid_in=paid)])
    t = sf.ratio_table(d).set_index("measure")
    r = t["value"]
    assert r["leverage"] == pytest.approx(size / committed)
    assert r["paid_in_ratio"] == pytest.approx(paid / committed)
    assert r["leverage"] * r["public_share"] == pytest.approx(1.0)
    assert t.loc["leverage", "qualifier"] == q  # exact committed: the size's qualifier passes through


@settings(max_examples=40, deadline=None)
@given(sizes=st.lists(st.one_of(st.none(), money), min_size=1, max_size=6),
       counts=st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=2),
       leak=money)
def test_property_matrix_money_is_the_top_level_sum(base, sizes, counts, leak):
    rows = [fund(f"f{i}", sponsor="S" if i % 2 else "T", size=s, n_funds=sum(counts)) for i, s in enumerate(sizes)]
    rows += [fund("b1", part_of="f0", fund_type="mother", n_funds=counts[0], size=leak),
             fund("b2", part_of="f0", fund_type="sub", n_funds=counts[1])]
    d = make_ds(base, rows)
    m = sf.fund_matrix_table(d)
    stated = [s for s in sizes if s is not None]
    if stated:
        assert m["total_size"].sum() == pytest.approx(sum(stated))
    else:
        assert m["total_size"].isna().all()
    assert m["n_funds"].sum() == sum(counts) * len(sizes)  # each fund once
    avg = sf.fund_groups_table(d).set_index("fund_id")["avg_size"]
    for i, s in enumerate(sizes):
        if s is None or sum(counts) == 1:
            assert math.isnan(avg[f"f{i}"])  # no size, or a single fund: no average
        else:
            assert avg[f"f{i}"] == pytest.approx(s / sum(counts))


# --- totals per region (issue 8, item 7) ---------------------------------------------------------------------

def _totals_funds():
    """SYNTHETIC funds of two made-up regions R and Q (figures in yuan, made up for the test)."""
    return [
        fund("a", size=10 * YI, committed=2 * YI, paid_in=1 * YI),
        fund("b", size=30 * YI, size_q="about", committed=10 * YI, paid_in=5 * YI, paid_in_q="at_least"),
        # a group of 3 funds broken down by type; the breakdown row wrongly carries money, which must not count
        fund("g", fund_type="mixed", n_funds=3, size=20 * YI, committed=5 * YI),
        fund("g1", fund_type="sub", part_of="g", n_funds=3, size=7 * YI, committed=3 * YI, paid_in=3 * YI),
        fund("d", size=100 * YI),  # no commitment: in no ratio
        fund("p", status="planned", size=50 * YI, committed=10 * YI),
        fund("f", region="Q", size=8 * YI, committed=4 * YI, paid_in=4 * YI),
    ]


def test_ratio_totals_synthetic_golden(base):
    t = sf.ratio_totals(make_ds(base, _totals_funds()))
    r = t[(t["scope"] == "region") & (t["region"] == "R") & (t["status"] == "existing")].set_index("measure")
    # by hand: records stating size and committed are a, b, g (not g1, a breakdown row; not d):
    # (10 + 约30 + 20) / (2 + 10 + 5) = 60 / 17, approximate because 约30 is
    lev = r.loc["leverage"]
    assert lev["value"] == pytest.approx(60 / 17) and lev["qualifier"] == "about"
    assert lev["n_records"] == 3 and lev["fund_ids"] == "a, b, g"
    assert lev["numerator_value"] == pytest.approx(60 * YI) and lev["numerator_qualifier"] == "about"
    assert lev["denominator_value"] == pytest.approx(17 * YI) and lev["denominator_qualifier"] == "exact"
    assert lev["value_text"] == "about 3.53×" and lev["numerator_text"] == "约60亿元"
    # paid-in ratio over a and b only (g states no paid-in): (1 + 5 or more) / (2 + 10) = 0.5, a lower bound
    pr = r.loc["paid_in_ratio"]
    assert pr["value"] == pytest.approx(6 / 12) and pr["qualifier"] == "at_least" and pr["n_records"] == 2
    assert pr["bound"] == "lower bound" and pr["value_text"] == "at least 50 %"
    ps = r.loc["public_share"]
    assert ps["value"] == pytest.approx(17 / 60) and ps["qualifier"] == "about" and ps["n_records"] == 3
    # planned funds are never pooled with existing ones, and their size is a target
    p = t[(t["region"] == "R") & (t["status"] == "planned")].set_index("measure").loc["leverage"]
    assert p["value"] == pytest.approx(5.0) and p["numerator"] == "target_size" and p["n_records"] == 1
    # pooled over both regions: (60 + 8) / (17 + 4), made of 4 records of 2 regions
    allr = t[t["scope"] == sf.ALL_REGIONS].set_index(["status", "measure"])
    assert allr.loc[("existing", "leverage"), "value"] == pytest.approx(68 / 21)
    assert allr.loc[("existing", "leverage"), "n_records"] == 4
    assert allr.loc[("existing", "leverage"), "n_regions"] == 2
    assert allr.loc[("existing", "paid_in_ratio"), "value"] == pytest.approx(10 / 16)
    # the planned fund is in R only: no pooled planned total
    assert ("planned", "leverage") not in allr.index
    # regions first, in the order of the data (R before Q), then the pooled rows
    assert t["region"].drop_duplicates().tolist() == ["R", "Q", sf.ALL_REGIONS]


def test_ratio_totals_only_one_region_has_no_pooled_rows(base):
    t = sf.ratio_totals(make_ds(base, _totals_funds()), regions=["R"])
    assert set(t["scope"]) == {"region"} and set(t["region"]) == {"R"}
    assert sf.ratio_totals(make_ds(base, [fund("x", size=1.0)])).empty


def test_ratio_totals_embedded_and_testland(ds, base):
    # doc 002 line 21: Yiwu is the one region with a record stating both figures: 56.45亿元 / 29亿元
    t = sf.ratio_totals(ds)
    assert set(t["region"]) == {"Yiwu"} and set(t["n_records"]) == {1}
    assert t.set_index("measure").loc["leverage", "value"] == pytest.approx(56.45 / 29)
    # synthetic Testland: one group of 4 funds (40亿元, committed 10亿元, paid in 6亿元) with breakdown rows
    tl = sf.ratio_totals(base).set_index("measure")
    assert tl.loc["leverage", "value"] == pytest.approx(4.0) and tl.loc["paid_in_ratio", "value"] == pytest.approx(0.6)
    assert set(tl["n_records"]) == {1}


def test_coverage_counts_paid_in_records_not_regions(base):
    cov = sf.figure_coverage(make_ds(base, _totals_funds()))
    # by hand: a, b (R) and f (Q) state paid-in and committed capital; g1 is a breakdown row, not a record
    assert cov["with_paid_in_and_committed"].to_dict() == {"Q": 1, "R": 2}
    assert cov["with_paid_in_and_committed"].sum() == 3


def test_study_regions_in_the_order_of_the_data(base):
    # synthetic: by code point 丙 (U+4E19) < 乙 (U+4E59) < 甲 (U+7532); the funds name 甲县 first, the stakes 丙县
    d = make_ds(base, [fund("a", region="甲县", size=1.0), fund("b", region="乙县", size=1.0),
                       fund("c", region="甲县", size=1.0)], [stake("s", 1.0, region="丙县")])
    assert sf.study_regions(d) == (["甲县", "乙县", "丙县"], [])
