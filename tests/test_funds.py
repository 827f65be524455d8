"""Funds: leverage, paid-in ratio, public share, bounds, groups of funds (analysis.funds).

Golden values are the documents' own figures, worked out by hand with 亿 = 1e8 and 万 = 1e4 (codebook
data/CODEBOOK.md, rule 3) and the definitions of analysis.funds. Frames labelled *synthetic* are made up for the test.
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from analysis.funds import (
    POLICY_LEVERAGE_RANGE,
    RATIO_QUALIFIERS,
    Bound,
    BoundedValue,
    aggregate_funds,
    average_fund_size,
    bounded_ratio,
    fund_ratios,
    implied_company_value,
    leverage,
    money_per_project,
    paid_in_ratio,
    policy_context,
    product_qualifier,
    public_share,
    ratio_qualifier,
    sum_qualifier,
    two_layer_leverage,
)

YI = 1e8  # 亿
WAN = 1e4  # 万

COLUMNS = ["fund_id", "region", "sponsor", "fund_type", "part_of", "n_funds", "status", "currency",
           "total_size", "total_size_qualifier", "committed", "committed_qualifier", "paid_in", "paid_in_qualifier"]


def fund(fund_id, sponsor, fund_type="platform", part_of=None, n_funds=1, status="existing", currency="yuan",
         total_size=None, size_q=None, committed=None, committed_q=None, paid_in=None, paid_in_q=None,
         region="R"):
    """One row of the funds table (qualifier defaults to exact where a figure is given)."""
    def q(value, qual):
        return None if value is None else (qual or "exact")
    return {"fund_id": fund_id, "region": region, "sponsor": sponsor, "fund_type": fund_type, "part_of": part_of,
            "n_funds": n_funds, "status": status, "currency": currency,
            "total_size": total_size, "total_size_qualifier": q(total_size, size_q),
            "committed": committed, "committed_qualifier": q(committed, committed_q),
            "paid_in": paid_in, "paid_in_qualifier": q(paid_in, paid_in_q)}


def frame(rows, index=None):
    df = pd.DataFrame(rows, columns=COLUMNS, index=index)
    for c in ("total_size", "committed", "paid_in"):
        df[c] = df[c].astype(float)
    df["n_funds"] = df["n_funds"].astype("Int64")
    return df


# Rows as curated from the documents (the figures are the documents'; the frames are built here).
YIWU = fund("d002-f01", "Yiwu Industrial Investment Group", "platform", n_funds=5,  # doc 002 line 21
            total_size=56.45 * YI, committed=29 * YI, paid_in=15 * YI)
TAIZHOU = [  # doc 001 line 43: 2只母基金和16只子基金,合计规模近200亿元
    fund("d001-f01", "Taizhou government", "mixed", n_funds=18, total_size=200 * YI, size_q="just_under"),
    fund("d001-f02", "Taizhou government", "mother", part_of="d001-f01", n_funds=2),
    fund("d001-f03", "Taizhou government", "sub", part_of="d001-f01", n_funds=16),
]
LINHAI = [  # doc 000 line 66: 新增母基金1支、产业基金3支,上市公司高质量发展基金1支,招商基金2支,股权投资基金3支,基金总规模25.45亿元
    fund("d000-f01", "Linhai Industrial Investment Group", "mixed", n_funds=10, status="new", total_size=25.45 * YI),
    fund("d000-f02", "Linhai Industrial Investment Group", "mother", "d000-f01", 1, status="new"),
    fund("d000-f03", "Linhai Industrial Investment Group", "industry", "d000-f01", 3, status="new"),
    fund("d000-f04", "Linhai Industrial Investment Group", "listed_company", "d000-f01", 1, status="new"),
    fund("d000-f05", "Linhai Industrial Investment Group", "attraction", "d000-f01", 2, status="new"),
    fund("d000-f06", "Linhai Industrial Investment Group", "equity", "d000-f01", 3, status="new"),
]


# --- golden values ---------------------------------------------------------------------------------------

def test_yiwu_golden_scalars():
    # doc 002 line 21: 基金项目5个,基金总规模56.45亿元,其中公司认缴规模29亿元,实缴15亿元
    assert round(leverage(56.45 * YI, 29 * YI), 4) == 1.9466
    assert round(paid_in_ratio(15 * YI, 29 * YI), 4) == 0.5172
    assert round(public_share(29 * YI, 56.45 * YI), 4) == 0.5137
    assert average_fund_size(56.45 * YI, 5) == pytest.approx(11.29 * YI)


def test_yiwu_golden_table_keeps_index_and_names_denominators():
    r = fund_ratios(frame([YIWU], index=["yiwu"]))  # doc 002 line 21
    assert list(r.index) == ["yiwu"]
    row = r.loc["yiwu"]
    assert round(row["leverage"], 4) == 1.9466 and row["leverage_basis"] == "total_size / committed"
    assert round(row["paid_in_ratio"], 4) == 0.5172 and row["paid_in_basis"] == "paid_in / committed"
    assert round(row["public_share"], 4) == 0.5137 and row["public_share_basis"] == "committed / total_size"
    assert row["avg_size"] == pytest.approx(11.29 * YI) and row["avg_size_basis"] == "total_size / n_funds"
    for q in ("leverage_qualifier", "paid_in_ratio_qualifier", "public_share_qualifier", "avg_size_qualifier"):
        assert row[q] == "exact"


def test_taizhou_average_is_an_upper_bound():
    # doc 001 line 43: 2 mother + 16 sub-funds, 合计规模近200亿元 -> just under 200亿 / 18 = 11.11亿 per fund
    r = fund_ratios(frame(TAIZHOU))
    assert r.loc[0, "avg_size"] == pytest.approx(200 * YI / 18)
    assert round(r.loc[0, "avg_size"] / YI, 2) == 11.11
    assert r.loc[0, "avg_size_qualifier"] == "just_under"
    assert Bound(r.loc[0, "avg_size_qualifier"]).is_upper_bound
    # breakdown rows carry counts only: no size, so no average and no qualifier
    assert r.loc[1:, "avg_size"].isna().all() and r.loc[1:, "avg_size_qualifier"].isna().all()
    assert r["is_breakdown"].tolist() == [False, True, True]


def test_taizhou_bounded_ratio_scalar():
    # doc 001 line 43, as a scalar: 近200亿元 / 18 funds
    b = bounded_ratio(200 * YI, 18, "just_under", "exact", basis="total_size / n_funds")
    assert isinstance(b, BoundedValue)
    assert b.value == pytest.approx(11.111111 * YI) and b.qualifier == "just_under" and b.bound.is_upper_bound
    assert b.basis == "total_size / n_funds"


def test_linhai_average_size():
    # doc 000 line 66: 10 new funds, 基金总规模25.45亿元 -> 2.545亿元 per fund
    assert average_fund_size(25.45 * YI, 10) == pytest.approx(2.545 * YI)
    r = fund_ratios(frame(LINHAI))
    assert r.loc[0, "avg_size"] == pytest.approx(2.545 * YI) and r.loc[0, "avg_size_qualifier"] == "exact"


def test_implied_company_value_golden():
    # doc 000 line 62: 临海市工投集团 出资6000万元,持股百分之二十 -> 6000万 / 0.20 = 3亿元
    assert implied_company_value(6000 * WAN, 20) == pytest.approx(3 * YI)
    assert implied_company_value(6000 * WAN, 20) == pytest.approx(300_000_000)


def test_implied_company_value_series_keeps_index():
    s = implied_company_value(pd.Series([60e6, np.nan, 10.0], index=list("abc")), pd.Series([20, 50, 100], index=list("abc")))
    assert list(s.index) == list("abc") and s.name == "implied_value"
    assert s["a"] == pytest.approx(3e8) and math.isnan(s["b"]) and s["c"] == 10.0


# --- analytic cases --------------------------------------------------------------------------------------

def test_missing_inputs_give_nan_not_zero():
    assert math.isnan(leverage(np.nan, 5.0))
    assert math.isnan(leverage(5.0, None))
    assert math.isnan(leverage(5.0, 0.0))  # no public commitment: leverage undefined
    assert math.isnan(paid_in_ratio(1.0, 0))
    assert math.isnan(public_share(1.0, 0))
    assert math.isnan(money_per_project(1e9, 0))  # no project attracted


def test_series_ratios_keep_index_and_name():
    size = pd.Series([10.0, 20.0, np.nan], index=["x", "y", "z"])
    committed = pd.Series([2.0, 0.0, 1.0], index=["x", "y", "z"])
    lev = leverage(size, committed)
    assert lev.name == "leverage" and list(lev.index) == ["x", "y", "z"]
    assert lev["x"] == 5.0 and math.isnan(lev["y"]) and math.isnan(lev["z"])
    arr = public_share(np.array([1.0, 2.0]), np.array([4.0, 4.0]))
    assert isinstance(arr, np.ndarray) and arr.tolist() == [0.25, 0.5]


def test_fund_ratios_missing_committed_gives_nan_and_no_qualifier():
    r = fund_ratios(frame(TAIZHOU))  # doc 001 line 43 states no commitment
    assert r["leverage"].isna().all() and r["leverage_qualifier"].isna().all()
    assert r["public_share"].isna().all() and r["paid_in_ratio"].isna().all()


def test_planned_fund_basis_says_target_size():
    # synthetic: a planned fund's size is a target, and the basis says so
    r = fund_ratios(frame([fund("s-f01", "S", status="planned", total_size=50 * YI, size_q="at_least",
                                committed=10 * YI),
                           fund("s-f02", "S", status="existing", total_size=50 * YI, committed=10 * YI)]))
    assert r.loc[0, "leverage_basis"] == "target_size / committed"
    assert r.loc[0, "public_share_basis"] == "committed / target_size"
    assert r.loc[1, "leverage_basis"] == "total_size / committed"
    assert r.loc[0, "leverage"] == 5.0 and r.loc[0, "leverage_qualifier"] == "at_least"
    assert r.loc[0, "public_share_qualifier"] == "at_most"


def test_bounds_in_table():
    # synthetic: size 近200 / committed exact -> upper bound; size 超 / committed 不超过 -> lower bound;
    # size 超 / committed 超 -> unknown; size 约 / committed exact -> about
    r = fund_ratios(frame([
        fund("a", "S", total_size=200.0, size_q="just_under", committed=40.0),
        fund("b", "S", total_size=200.0, size_q="at_least", committed=40.0, committed_q="at_most"),
        fund("c", "S", total_size=200.0, size_q="at_least", committed=40.0, committed_q="at_least"),
        fund("d", "S", total_size=200.0, size_q="about", committed=40.0),
    ]))
    assert r["leverage"].tolist() == [5.0] * 4
    assert r["leverage_qualifier"].tolist() == ["just_under", "at_least", "unknown", "about"]
    assert [Bound(q).direction for q in r["leverage_qualifier"]] == ["upper", "lower", "unknown", "about"]
    # the public share turns each bound around
    assert r["public_share_qualifier"].tolist() == ["more_than", "at_most", "unknown", "about"]


def test_stated_figure_without_qualifier_is_exact():
    df = frame([YIWU])
    df["total_size_qualifier"] = None
    assert fund_ratios(df).loc[0, "leverage_qualifier"] == "exact"


def test_two_layer_leverage_example():
    # public 1 -> mother 5 (public share 20 %) -> sub-funds 25 (mother's share 20 %): 25x at the project level
    mother = leverage(5.0, 1.0)
    sub = leverage(25.0, 5.0)
    assert public_share(1.0, 5.0) == pytest.approx(0.20) and public_share(5.0, 25.0) == pytest.approx(0.20)
    assert two_layer_leverage(mother, sub) == 25.0
    assert two_layer_leverage(1.0, 4.0) == 4.0  # a mother fund that adds nothing leaves the sub's leverage
    s = two_layer_leverage(pd.Series([5.0, 2.0], index=["p", "q"]), 3.0)
    assert s.name == "two_layer_leverage" and s.tolist() == [15.0, 6.0] and list(s.index) == ["p", "q"]
    assert product_qualifier("just_under", "exact") == "just_under"


def test_money_per_project():
    assert money_per_project(56.45 * YI, 5) == pytest.approx(11.29 * YI)
    s = money_per_project(pd.Series([10.0, 20.0]), pd.Series([2, 0]))
    assert s.iloc[0] == 5.0 and math.isnan(s.iloc[1])


@pytest.mark.parametrize(
    "value, label",
    [
        (1.9466, "below"),  # Yiwu, doc 002 line 21: 56.45 / 29
        (3.0, "below"),
        (10 / 3, "within"),  # public share 30 %
        (4.0, "within"),
        (5.0, "within"),  # public share 20 %
        (5.0001, "above"),
        (25.0, "above"),
    ],
)
def test_policy_context_points(value, label):
    assert policy_context(value) == label


def test_policy_context_range_and_missing():
    assert POLICY_LEVERAGE_RANGE == pytest.approx((10 / 3, 5.0))
    assert math.isnan(policy_context(np.nan))
    s = policy_context(pd.Series([2.0, 4.0, 6.0, np.nan], index=list("abcd")))
    assert s.name == "policy_context" and list(s.index) == list("abcd")
    assert s.iloc[:3].tolist() == ["below", "within", "above"] and pd.isna(s["d"])


@pytest.mark.parametrize(
    "value, qualifier, label",
    [
        (6.0, "at_least", "above"),  # at least 6: certainly above 5
        (4.0, "at_least", "undetermined"),  # at least 4: within or above
        (2.0, "at_most", "below"),  # at most 2: certainly below
        (2.0, "just_under", "below"),
        (4.0, "just_under", "undetermined"),
        (4.0, "about", "within"),
        (4.0, "exact", "within"),
        (4.0, "unknown", "undetermined"),
        (2.0, "about_at_least", "undetermined"),
    ],
)
def test_policy_context_with_bounds(value, qualifier, label):
    assert policy_context(value, qualifier) == label


# --- qualifier algebra -----------------------------------------------------------------------------------

CODEBOOK = ["exact", "at_least", "more_than", "about", "just_under", "at_most"]
# ratio x / y: rows are the qualifier of x, columns the qualifier of y (order of CODEBOOK), worked out by hand:
# a bound on y is turned around (at_least <-> at_most, more_than <-> just_under), then directions combine.
RATIO_EXPECTED = {
    "exact":      ["exact", "at_most", "just_under", "about", "more_than", "at_least"],
    "at_least":   ["at_least", "unknown", "unknown", "about_at_least", "at_least", "at_least"],
    "more_than":  ["more_than", "unknown", "unknown", "about_at_least", "more_than", "at_least"],
    "about":      ["about", "about_at_most", "about_at_most", "about", "about_at_least", "about_at_least"],
    "just_under": ["just_under", "at_most", "just_under", "about_at_most", "unknown", "unknown"],
    "at_most":    ["at_most", "at_most", "at_most", "about_at_most", "unknown", "unknown"],
}


@pytest.mark.parametrize("num", CODEBOOK)
@pytest.mark.parametrize("den", CODEBOOK)
def test_ratio_qualifier_each_combination(num, den):
    expected = RATIO_EXPECTED[num][CODEBOOK.index(den)]
    assert ratio_qualifier(num, den) == expected
    assert (Bound(num) / Bound(den)).qualifier == expected


def test_ratio_qualifier_unknown_and_missing():
    for q in RATIO_QUALIFIERS:
        assert ratio_qualifier("unknown", q) == "unknown" and ratio_qualifier(q, "unknown") == "unknown"
    assert pd.isna(ratio_qualifier(None, "exact")) and pd.isna(ratio_qualifier("exact", np.nan))


def test_ratio_qualifier_vectorised_keeps_index():
    a = pd.Series(["just_under", "at_least", None], index=[10, 20, 30])
    out = ratio_qualifier(a, "exact")
    assert list(out.index) == [10, 20, 30]
    assert out.iloc[:2].tolist() == ["just_under", "at_least"] and pd.isna(out.iloc[2])
    out2 = ratio_qualifier(a, pd.Series(["at_most", "at_least", "exact"], index=[10, 20, 30]))
    assert out2.iloc[:2].tolist() == ["unknown", "unknown"]


def test_bound_properties():
    assert Bound("just_under").is_upper_bound and not Bound("just_under").is_lower_bound
    assert Bound("more_than").is_lower_bound and Bound("about_at_least").is_lower_bound
    assert Bound("about").direction == "about" and Bound("about").approximate
    assert Bound("exact").direction == "exact" and not Bound("exact").approximate
    assert Bound("unknown").direction == "unknown"
    assert Bound("at_least").inverse() == Bound("at_most")
    assert (Bound("at_least") + Bound("exact")) == Bound("at_least")


def test_sum_qualifier():
    assert sum_qualifier(["exact", "exact"]) == "exact"
    assert sum_qualifier(["exact", "at_least", "more_than"]) == "at_least"
    assert sum_qualifier(["just_under", "just_under"]) == "just_under"
    assert sum_qualifier(["at_least", "at_most"]) == "unknown"
    assert sum_qualifier(["about", "exact", None]) == "about"
    assert sum_qualifier(["about", "at_least"]) == "about_at_least"
    assert math.isnan(sum_qualifier([]))


all_q = st.sampled_from(RATIO_QUALIFIERS)


@given(all_q, all_q, all_q)
def test_product_qualifier_commutative_associative(a, b, c):
    assert product_qualifier(a, b) == product_qualifier(b, a)
    assert product_qualifier(product_qualifier(a, b), c) == product_qualifier(a, product_qualifier(b, c))


@given(all_q, all_q)
def test_ratio_is_product_with_inverse(a, b):
    assert ratio_qualifier(a, b) == product_qualifier(a, Bound(b).inverse().qualifier)
    assert Bound(b).inverse().inverse() == Bound(b)


# How a true value may lie around a stated one, for each codebook qualifier (a model for the soundness test:
# 'about' within ±5 %, 'just_under' / 'more_than' within 20 %).
TRUE_RANGE = {"exact": (1.0, 1.0), "at_least": (1.0, 3.0), "more_than": (1.0, 1.2), "about": (0.95, 1.05),
              "just_under": (0.8, 1.0), "at_most": (0.1, 1.0)}
APPROX = 1.05 / 0.95


@settings(max_examples=300)
@given(st.sampled_from(CODEBOOK), st.sampled_from(CODEBOOK),
       st.floats(1.0, 1e12), st.floats(1.0, 1e12), st.floats(0, 1), st.floats(0, 1))
def test_ratio_qualifier_is_sound(qx, qy, x, y, ux, uy):
    """Whatever true values the inputs' qualifiers allow, the ratio's qualifier holds of the true ratio."""
    lo, hi = TRUE_RANGE[qx]
    tx = x * (lo + ux * (hi - lo))
    lo, hi = TRUE_RANGE[qy]
    ty = y * (lo + uy * (hi - lo))
    stated, true = x / y, tx / ty
    b = Bound(ratio_qualifier(qx, qy))
    slack = APPROX if b.approximate else 1.0
    if b.direction == "exact":
        assert true == pytest.approx(stated)
    elif b.direction == "lower":
        assert true >= stated / slack * (1 - 1e-12)
    elif b.direction == "upper":
        assert true <= stated * slack * (1 + 1e-12)
    elif b.direction == "about":
        assert stated / APPROX**2 <= true <= stated * APPROX**2


positive = st.floats(min_value=1e-3, max_value=1e13, allow_nan=False, allow_infinity=False)


@given(positive, positive)
def test_leverage_times_public_share_is_one(size, committed):
    assert leverage(size, committed) * public_share(committed, size) == pytest.approx(1.0, rel=1e-12)


@given(positive, st.floats(min_value=0.01, max_value=100))
def test_implied_value_times_share_is_amount(amount, pct):
    assert implied_company_value(amount, pct) * pct / 100 == pytest.approx(amount, rel=1e-12)


# --- aggregation -----------------------------------------------------------------------------------------

def test_aggregate_group_rows_not_double_counted():
    # doc 000 line 66 (Linhai, 10 funds, 25.45亿元) and doc 001 line 43 (Taizhou, 18 funds, 近200亿元)
    a = aggregate_funds(frame(LINHAI + TAIZHOU), by=["sponsor"])
    lin = a.loc[("Linhai Industrial Investment Group", "new", "yuan")]
    assert lin["n_funds"] == 10 and lin["n_records"] == 1
    assert lin["total_size"] == pytest.approx(25.45 * YI) and lin["total_size_qualifier"] == "exact"
    assert lin["avg_size"] == pytest.approx(2.545 * YI)
    tz = a.loc[("Taizhou government", "existing", "yuan")]
    assert tz["n_funds"] == 18 and tz["total_size"] == pytest.approx(200 * YI)
    assert tz["total_size_qualifier"] == "just_under" and tz["avg_size_qualifier"] == "just_under"


def test_aggregate_counts_by_type_from_breakdown_rows():
    # doc 000 line 66: 母基金1支、产业基金3支,上市公司高质量发展基金1支,招商基金2支,股权投资基金3支
    a = aggregate_funds(frame(LINHAI), by=["sponsor", "fund_type"])
    counts = a["n_funds"].droplevel(["sponsor", "status", "currency"]).to_dict()
    assert counts == {"attraction": 2, "equity": 3, "industry": 3, "listed_company": 1, "mixed": 0, "mother": 1}
    # the money cannot be split by type: it stays with the group row's own type
    money = a["total_size"].droplevel(["sponsor", "status", "currency"])
    assert money["mixed"] == pytest.approx(25.45 * YI) and money.drop("mixed").isna().all()
    assert a["total_size"].sum() == pytest.approx(25.45 * YI) and a["n_funds"].sum() == 10


def test_aggregate_ratio_of_sums_uses_rows_stating_both():
    # synthetic: leverage of the sponsor = (10 + 30) / (2 + 10) = 3.333, not the mean of 5 and 3; the third
    # fund states its size but no commitment, so it counts in total_size and not in leverage
    df = frame([fund("a", "S", total_size=10.0, committed=2.0, paid_in=1.0),
                fund("b", "S", total_size=30.0, committed=10.0, paid_in=5.0),
                fund("c", "S", total_size=100.0)])
    row = aggregate_funds(df).loc[("S", "existing", "yuan")]
    assert row["leverage"] == pytest.approx(40 / 12) and row["leverage_rows"] == 2
    assert row["public_share"] == pytest.approx(12 / 40)
    assert row["paid_in_ratio"] == pytest.approx(6 / 12)
    assert row["total_size"] == 140.0 and row["total_size_rows"] == 3 and row["total_size_qualifier"] == "exact"
    assert row["committed"] == 12.0 and row["committed_rows"] == 2
    assert row["committed_qualifier"] == "at_least"  # fund c's commitment is not stated: the sum is a lower bound
    assert row["leverage_basis"].startswith("sum total_size / sum committed")


def test_aggregate_separates_currency_and_status():
    # synthetic: yuan and USD are never added; planned (target) sizes are not added to existing ones
    df = frame([fund("a", "S", total_size=10.0), fund("b", "S", total_size=20.0, currency="usd"),
                fund("c", "S", total_size=40.0, status="planned")])
    a = aggregate_funds(df)
    assert len(a) == 3
    assert a.loc[("S", "existing", "usd"), "total_size"] == 20.0
    assert a.loc[("S", "planned", "yuan"), "leverage_basis"].startswith("sum target_size")


def test_aggregate_unstated_count_is_lower_bound():
    # synthetic: one fund row does not state how many funds it stands for
    df = frame([fund("a", "S", n_funds=2, total_size=10.0), fund("b", "S", n_funds=None, total_size=5.0)])
    row = aggregate_funds(df).loc[("S", "existing", "yuan")]
    assert row["n_funds"] == 2 and row["n_funds_qualifier"] == "at_least"
    assert row["avg_size"] == 5.0 and row["avg_size_rows"] == 1


def test_aggregate_rejects_bad_links():
    with pytest.raises(ValueError, match="part_of.*nope"):
        aggregate_funds(frame([fund("a", "S", total_size=1.0), fund("b", "S", part_of="nope")]))
    with pytest.raises(ValueError, match="fund_id.*duplicates"):
        aggregate_funds(frame([fund("a", "S"), fund("a", "S")]))
    with pytest.raises(ValueError, match="n_funds.*more funds"):
        aggregate_funds(frame([fund("a", "S", n_funds=2), fund("b", "S", "sub", part_of="a", n_funds=3)]),
                        by=["sponsor", "fund_type"])
    with pytest.raises(ValueError, match="lacks column.*region2"):
        aggregate_funds(frame([YIWU]), by=["region2"])


sponsors = st.sampled_from(["A", "B", "C"])
money = st.one_of(st.none(), st.floats(min_value=0, max_value=1e11, allow_nan=False))
codebook_q = st.sampled_from(CODEBOOK)


@st.composite
def top_level_frames(draw):
    """Synthetic top-level rows with random sponsors, types, sizes and qualifiers."""
    n = draw(st.integers(1, 8))
    rows = []
    for i in range(n):
        rows.append(fund(f"f{i}", draw(sponsors), draw(st.sampled_from(["mixed", "mother"])),
                         n_funds=draw(st.one_of(st.none(), st.integers(1, 20))),
                         status=draw(st.sampled_from(["existing", "planned"])),
                         total_size=draw(money), size_q=draw(codebook_q),
                         committed=draw(money), committed_q=draw(codebook_q),
                         paid_in=draw(money), paid_in_q=draw(codebook_q)))
    return rows


def _assert_same(a, b):
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9)


@settings(max_examples=60, deadline=None)
@given(top_level_frames(), st.randoms())
def test_aggregate_invariant_to_row_order(rows, rnd):
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    for by in (["sponsor"], ["sponsor", "fund_type"]):
        _assert_same(aggregate_funds(frame(rows), by=by), aggregate_funds(frame(shuffled), by=by))


@settings(max_examples=60, deadline=None)
@given(top_level_frames(), st.data())
def test_breakdown_rows_never_change_money_totals(rows, data):
    base = frame(rows)
    extra = []
    for r in rows:  # break some group rows down by type; the breakdown rows even carry stray money
        if r["n_funds"] is None or not data.draw(st.booleans()):
            continue
        left = r["n_funds"]
        for j, t in enumerate(["industry", "sub"]):
            k = data.draw(st.integers(0, left))
            left -= k
            extra.append(fund(f"{r['fund_id']}-b{j}", r["sponsor"], t, part_of=r["fund_id"], n_funds=k or None,
                              status=r["status"], total_size=data.draw(money), committed=data.draw(money)))
    full = frame(rows + extra)
    money_cols = ["total_size", "total_size_qualifier", "committed", "committed_qualifier", "paid_in",
                  "paid_in_qualifier", "leverage", "leverage_qualifier", "public_share", "avg_size", "n_funds"]
    _assert_same(aggregate_funds(full)[money_cols], aggregate_funds(base)[money_cols])
    # by type: counts move to the breakdown types, totals of money and of counts stay the same
    by_type_full = aggregate_funds(full, by=["sponsor", "fund_type"])
    by_type_base = aggregate_funds(base, by=["sponsor", "fund_type"])
    assert by_type_full["total_size"].sum() == pytest.approx(by_type_base["total_size"].sum())
    assert by_type_full["committed"].sum() == pytest.approx(by_type_base["committed"].sum())
    assert by_type_full["n_funds"].sum() == by_type_base["n_funds"].sum()


# --- bad input -------------------------------------------------------------------------------------------

def test_bad_numbers_raise():
    with pytest.raises(ValueError, match="total_size.*non-negative"):
        leverage(-1.0, 2.0)
    with pytest.raises(ValueError, match="public_committed.*number"):
        leverage(1.0, "29亿元")
    with pytest.raises(ValueError, match="committed.*numbers.*abc"):
        paid_in_ratio(pd.Series([1.0]), pd.Series(["abc"]))
    with pytest.raises(ValueError, match="n_funds.*at least 1"):
        average_fund_size(10.0, 0)
    with pytest.raises(ValueError, match="n_funds.*whole"):
        average_fund_size(10.0, 2.5)
    with pytest.raises(ValueError, match="n_projects.*non-negative"):
        money_per_project(10.0, -1)
    with pytest.raises(ValueError, match="mother_leverage"):
        two_layer_leverage(-5.0, 5.0)


@pytest.mark.parametrize("pct", [0, -5, 150])
def test_bad_stake_raises(pct):
    with pytest.raises(ValueError, match="stake_pct"):
        implied_company_value(60e6, pct)


def test_bad_qualifiers_raise():
    with pytest.raises(ValueError, match="numerator_qualifier.*'roughly'"):
        ratio_qualifier("roughly", "exact")
    with pytest.raises(ValueError, match="denominator_qualifier.*'近'"):
        ratio_qualifier(pd.Series(["exact"]), pd.Series(["近"]))
    with pytest.raises(ValueError, match="Bound"):
        Bound("approx")
    df = frame([YIWU])
    df["total_size_qualifier"] = "近"
    with pytest.raises(ValueError, match="total_size_qualifier"):
        fund_ratios(df)
    with pytest.raises(ValueError, match="qualifier"):
        policy_context(4.0, "roughly")


def test_bad_tables_raise():
    with pytest.raises(ValueError, match="DataFrame"):
        fund_ratios([YIWU])
    with pytest.raises(ValueError, match="lacks column.*committed_qualifier"):
        fund_ratios(frame([YIWU]).drop(columns="committed_qualifier"))
    with pytest.raises(ValueError, match="usual_range"):
        policy_context(4.0, usual_range=(5.0, 3.0))


def test_aggregate_states_the_sums_behind_each_ratio():
    # synthetic: leverage (10 + 约30) / (2 + 10); the third fund states no commitment and is left out of both sums
    df = frame([fund("a", "S", total_size=10.0, committed=2.0),
                fund("b", "S", total_size=30.0, size_q="about", committed=10.0),
                fund("c", "S", total_size=100.0)])
    row = aggregate_funds(df).loc[("S", "existing", "yuan")]
    assert row["leverage_numerator"] == 40.0 and row["leverage_numerator_qualifier"] == "about"
    assert row["leverage_denominator"] == 12.0 and row["leverage_denominator_qualifier"] == "exact"
    assert row["leverage"] == pytest.approx(row["leverage_numerator"] / row["leverage_denominator"])
    assert row["leverage_qualifier"] == "about" and row["total_size"] == 140.0


def test_fund_ratios_carry_the_identifying_columns():
    # the embedded funds table: each ratio row names its fund, region and sponsor (no join back needed)
    from analysis import load_dataset

    funds = load_dataset().funds
    r = fund_ratios(funds)
    assert list(r.columns[:5]) == ["fund_id", "region", "sponsor", "fund_type", "status"]
    yiwu = r[(r["region"] == "Yiwu") & r["leverage"].notna()]
    assert len(yiwu) == 1 and yiwu["leverage"].iloc[0] == pytest.approx(56.45 / 29)  # doc 002 line 21
