"""Study 02, fund matrix and leverage: the tables (the report that shows them: :mod:`.report`).

Each table function builds what one section of the report shows from a :class:`analysis.io.Dataset`, pandas in
and pandas out (:func:`fund_groups_table`, :func:`fund_matrix_table`, :func:`ratio_table`, :func:`ratio_totals`,
:func:`planned_summary`, :func:`stake_values`, :func:`policy_table`, ...).

The formulas are those of :mod:`analysis.funds`:

==================  ==============================  ===========================================================
measure             formula                         unit
==================  ==============================  ===========================================================
leverage (放大倍数)  total_size / committed          multiple (×)
paid-in ratio       paid_in / committed             fraction (0.5172, shown as 51.7 %)
public share        committed / total_size          fraction
average size        total_size / n_funds            money per fund (yuan, or USD for USD funds)
implied value       amount / (stake_pct / 100)      money, the value of 100 % of a company a stake implies
money per item      amount / n_investments          money per investment of a group row
==================  ==============================  ===========================================================

A planned fund's size is a *target*: its ratios use ``target_size`` as the basis and say so. Qualifiers are kept
and carried through every ratio (:func:`analysis.funds.ratio_qualifier`): ``近200亿元`` over 18 funds is *just
under* 11.11亿元 per fund, an upper bound. A row with ``n_funds`` > 1 is a group of funds reported together, and
rows with ``part_of`` break a group down by type, carrying counts only: money is taken from top-level rows only
(``data/CODEBOOK.md``, table funds).

Selection (:func:`restrict`): regions, the period the figures refer to (the ``as_of`` column of the tables), a
date by which they were stated, and whether planned funds count. The table functions then take the restricted
dataset and, again, an optional list of regions.
"""

from __future__ import annotations

import dataclasses
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ... import stats as _stats
from ...funds import (POLICY_LEVERAGE_RANGE, RATIO_QUALIFIERS, aggregate_funds, fund_ratios, implied_company_value,
                      is_breakdown, money_per_project, policy_context, ratio_qualifier)
from ...io import Dataset
from ...params import check_study_params, region_list
from ...periods import parse_period, period_bounds
from ...reporting.format import fmt_money, fmt_num

__all__ = [
    "POLICY_REINVESTMENT_RANGE",
    "STATUS_ORDER",
    "SampleSize",
    "bound_word",
    "format_money",
    "format_measure",
    "study_regions",
    "restrict",
    "fund_groups_table",
    "fund_matrix_table",
    "fund_count_matrix",
    "fund_matrix_frame",
    "figure_coverage",
    "ratio_table",
    "ALL_REGIONS",
    "ratio_totals",
    "planned_vs_existing",
    "planned_summary",
    "stake_values",
    "policy_table",
    "leverage_frame",
    "sample_size",
    "ratio_record_table",
    "check_include_planned",
]

#: Reinvestment (返投) requirements common in policy documents until the 2025 national guidance asked to lower or
#: drop them, as a multiple of the public contribution (context beside :data:`analysis.funds.POLICY_LEVERAGE_RANGE`).
POLICY_REINVESTMENT_RANGE = (1.0, 2.0)

#: Order of the fund statuses in the tables: set up by the as-of date, set up during the period, announced.
STATUS_ORDER = ("existing", "new", "planned")

_MONEY = ("total_size", "committed", "paid_in")

# qualifier (codebook's six plus the derived ones of analysis.funds) -> words
_BOUND_WORDS = {
    "exact": "exact",
    "at_least": "lower bound",
    "more_than": "strict lower bound",
    "about": "approximate",
    "just_under": "strict upper bound",
    "at_most": "upper bound",
    "about_at_least": "approximate lower bound",
    "about_at_most": "approximate upper bound",
    "unknown": "bound direction unknown",
}
_PREFIX = {"exact": "", "at_least": "at least ", "more_than": "more than ", "about": "about ",
           "just_under": "just under ", "at_most": "at most ", "about_at_least": "about at least ",
           "about_at_most": "about at most ", "unknown": ""}
# derived qualifiers drawn with the nearest codebook qualifier in plots.fund_matrix (which knows the six only)
_PLOT_QUALIFIER = {"about_at_least": "at_least", "about_at_most": "at_most", "unknown": "about"}

# measure -> (numerator column, denominator column) of the funds table
_COLUMNS_OF = {"leverage": ("total_size", "committed"), "paid_in_ratio": ("paid_in", "committed"),
               "public_share": ("committed", "total_size"), "avg_size": ("total_size", "n_funds")}
_MEASURES = (  # measure, value column, qualifier column, basis column, unit
    ("leverage", "leverage", "leverage_qualifier", "leverage_basis", "multiple"),
    ("paid_in_ratio", "paid_in_ratio", "paid_in_ratio_qualifier", "paid_in_basis", "fraction"),
    ("public_share", "public_share", "public_share_qualifier", "public_share_basis", "fraction"),
    ("avg_size", "avg_size", "avg_size_qualifier", "avg_size_basis", "money"),
)


# --- small helpers ------------------------------------------------------------------------------------------

def _check_dataset(ds, who: str) -> None:
    if not isinstance(ds, Dataset):
        raise ValueError(f"{who}: expected an analysis.io.Dataset (analysis.load_dataset()), got {type(ds).__name__}")


def _in_regions(df: pd.DataFrame, regions: list[str] | None) -> pd.Series:
    if regions is None:
        return pd.Series(True, index=df.index)
    return df["region"].isin(regions)


def _top_level(funds: pd.DataFrame) -> pd.DataFrame:
    return funds[~is_breakdown(funds)]


def _funds_in(ds: Dataset, regions, who: str) -> pd.DataFrame:
    """The dataset's funds in the regions, breakdown rows following their group row."""
    _check_dataset(ds, who)
    regs = region_list(regions, f"{who}: regions")
    funds = ds.funds
    top = ~is_breakdown(funds)
    keep_top = top & _in_regions(funds, regs)
    kept_ids = set(funds.loc[keep_top, "fund_id"])
    keep = keep_top | (~top & funds["part_of"].isin(kept_ids))
    return funds[keep]


def _status_rank(status: pd.Series) -> pd.Series:
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    return status.map(order).fillna(len(order)).astype(int)


def _sorted_with_source(out: pd.DataFrame, rows: pd.DataFrame, then: str) -> pd.DataFrame:
    """``out`` with the ``as_of``, ``doc``, ``line`` and ``note`` of ``rows``, sorted by region, status (existing,
    new, planned) and the column ``then``."""
    for c in ("as_of", "doc", "line", "note"):
        out[c] = rows[c]
    key = pd.DataFrame({"r": out["region"], "s": _status_rank(out["status"]), "t": out[then]})
    return out.loc[key.sort_values(["r", "s", "t"], kind="stable").index]


def bound_word(qualifier):
    """What a qualifier says about the true value, in words.

    Parameters
    ----------
    qualifier : str, pandas.Series or None
        A qualifier among :data:`analysis.funds.RATIO_QUALIFIERS` (missing allowed).

    Returns
    -------
    str, pandas.Series or float
        ``exact``, ``lower bound``, ``upper bound``, ``approximate``, ``approximate lower bound``, ... (a Series
        keeps the input's index); NaN for a missing qualifier.

    Raises
    ------
    ValueError
        For a qualifier outside :data:`analysis.funds.RATIO_QUALIFIERS`.

    Notes
    -----
    ``just_under`` (近) is an upper bound: the true value is below the stated one; ``at_least`` (超, 以上) a lower
    bound. A ratio's bound comes from :func:`analysis.funds.ratio_qualifier`.
    """
    if isinstance(qualifier, pd.Series):
        q = qualifier.astype(object)
        bad = q.notna() & ~q.isin(RATIO_QUALIFIERS)
        if bad.any():
            raise ValueError(f"qualifier: expected one of {', '.join(RATIO_QUALIFIERS)}, found {q[bad].iloc[0]!r}")
        return q.map(_BOUND_WORDS).astype(object)
    if qualifier is None or (isinstance(qualifier, float) and np.isnan(qualifier)) or qualifier is pd.NA:
        return np.nan
    if qualifier not in _BOUND_WORDS:
        raise ValueError(f"qualifier: expected one of {', '.join(RATIO_QUALIFIERS)}, got {qualifier!r}")
    return _BOUND_WORDS[qualifier]


def _qualifier_or_exact(qualifier) -> str:
    """A ratio qualifier checked against :data:`analysis.funds.RATIO_QUALIFIERS`; a missing one is exact."""
    if qualifier is None or qualifier is pd.NA or (isinstance(qualifier, float) and np.isnan(qualifier)):
        return "exact"
    if qualifier not in _PREFIX:
        raise ValueError(f"qualifier: expected one of {', '.join(RATIO_QUALIFIERS)}, got {qualifier!r}")
    return qualifier


def format_money(value, qualifier=None, currency: str = "yuan", digits: int = 3) -> str:
    """Money as the report writes it: 亿元 or 万元, with its qualifier (``近11.11亿元``, ``about at most 430亿元``).

    Parameters
    ----------
    value : float
        Money in yuan (or USD); NaN gives ``n/a``.
    qualifier : str or None
        One of :data:`analysis.funds.RATIO_QUALIFIERS`; None or NaN is exact.
    currency : {'yuan', 'usd'}
        Unit of ``value``.
    digits : int
        Decimals kept in 亿 or 万 (trailing zeros dropped): 2.545亿元, not 2.54亿元.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown qualifier or currency.

    Notes
    -----
    The codebook's six qualifiers are written as the documents write them (近, 超, 约, 以上 ...) by
    :func:`analysis.units.format_quantity` (as :func:`analysis.reporting.fmt_money` does, with ``digits``
    decimals); the derived ones in words (``about at least``, ``about at most``) and ``unknown`` with the note
    ``(bound direction unknown)``.
    """
    if currency not in ("yuan", "usd"):
        raise ValueError(f"currency: expected 'yuan' or 'usd', got {currency!r}")
    qualifier = _qualifier_or_exact(qualifier)
    if value is None or value is pd.NA or np.isnan(value):
        return "n/a"
    return fmt_money(value, qualifier, currency, digits=digits)


def format_measure(value, qualifier=None, unit: str = "multiple", currency: str = "yuan") -> str:
    """A ratio as text: a multiple ``1.95×``, a fraction as ``51.7 %`` or money, with its qualifier in words.

    Parameters
    ----------
    value : float
        The measure; NaN gives ``n/a``.
    qualifier : str or None
        One of :data:`analysis.funds.RATIO_QUALIFIERS`; None is exact.
    unit : {'multiple', 'fraction', 'money'}
        ``multiple`` is written with two decimals and ×, ``fraction`` as a percentage with one decimal
        (0.5172 → 51.7 %), ``money`` with :func:`format_money`.
    currency : {'yuan', 'usd'}
        For ``unit='money'``.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For an unknown unit or qualifier.

    Notes
    -----
    Fractions are multiplied by 100 for display only; the tables keep fractions.
    """
    if unit == "money":
        return format_money(value, qualifier, currency)
    if unit not in ("multiple", "fraction"):
        raise ValueError(f"unit: expected 'multiple', 'fraction' or 'money', got {unit!r}")
    qualifier = _qualifier_or_exact(qualifier)
    if value is None or value is pd.NA or np.isnan(value):
        return "n/a"
    number = f"{fmt_num(value, 2)}×" if unit == "multiple" else f"{fmt_num(value * 100, 1)} %"
    return _PREFIX[qualifier] + number + (" (bound direction unknown)" if qualifier == "unknown" else "")


def _n_funds_text(n) -> str:
    return "n/a" if pd.isna(n) else f"{fmt_num(n, 0)} fund" + ("" if n == 1 else "s")


def _count_texts(n: pd.Series, qualifier: pd.Series | None = None) -> pd.Series:
    """Counts as text for display: ``10``, ``≥1`` for a lower bound, ``not stated`` for a missing count."""
    q = qualifier if qualifier is not None else pd.Series("exact", index=n.index)
    return pd.Series(["not stated" if pd.isna(v) else ("≥" if qq == "at_least" else "") + str(int(v))
                      for v, qq in zip(n, q.astype(object))], index=n.index, dtype=object)


def _add_money_words(out: pd.DataFrame, name: str, values: pd.Series, qualifiers: pd.Series,
                     currency: pd.Series | str) -> None:
    """Add ``<name>_bound`` (the bound in words) and ``<name>_text`` (the money as written) to ``out``."""
    out[f"{name}_bound"] = bound_word(qualifiers)
    out[f"{name}_text"] = _money_texts(values, qualifiers, currency)


def _money_texts(values: pd.Series, qualifiers: pd.Series, currency: pd.Series | str = "yuan") -> pd.Series:
    cur = currency if isinstance(currency, pd.Series) else pd.Series(currency, index=values.index)
    return pd.Series([format_money(v, q, c) for v, q, c in zip(values, qualifiers.astype(object), cur)],
                     index=values.index, dtype=object)


# --- selection ----------------------------------------------------------------------------------------------

def study_regions(ds: Dataset, regions=None) -> tuple[list[str], list[str]]:
    """Regions the study covers and those asked for that have no fund or stake data.

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        None for every region with funds or equity stakes; otherwise the names asked for.

    Returns
    -------
    (present, missing) : tuple of lists
        ``present``: asked regions with data, in the order asked (when none was asked: in the order the funds,
        then the equity stakes, first name them; not sorted, since code-point order means nothing for Chinese
        names); ``missing``: asked regions without any fund or equity-stake row.

    Raises
    ------
    ValueError
        For a non-Dataset or a malformed ``regions``.

    Notes
    -----
    A region counts as having data when it has at least one row in ``funds`` or ``equity_stakes``.
    """
    _check_dataset(ds, "study_regions")
    regs = region_list(regions, "study_regions: regions")
    have = list(pd.unique(pd.concat([ds.funds["region"], ds.equity_stakes["region"]]).dropna().astype(str)))
    if regs is None:
        return have, []
    return [r for r in regs if r in have], [r for r in regs if r not in have]


def _period_mask(as_of: pd.Series, period, as_of_date) -> pd.Series:
    """Rows whose as_of period lies within ``period`` and ends on or before ``as_of_date``."""
    keep = pd.Series(True, index=as_of.index)
    if period is None and as_of_date is None:
        return keep
    b = period_bounds(as_of)
    start, end = b["start"], b["end"]
    if period is not None:
        keep &= (start >= period.start) & (end <= period.end)
    if as_of_date is not None:
        keep &= end <= as_of_date
    return keep.fillna(False).astype(bool)


def restrict(ds: Dataset, regions=None, period=None, as_of=None, include_planned: bool = True) -> Dataset:
    """The dataset the study looks at: funds and equity stakes of some regions, periods and statuses.

    Parameters
    ----------
    ds : Dataset
        From :func:`analysis.load_dataset`.
    regions : None, str or list of str
        Regions to keep: a list of names or a comma-separated string (None, ``""`` or ``[]``: all, as
        :func:`analysis.params.check_study_params` reads them). A region without rows gives empty tables.
    period : None, str or int
        Keep rows whose ``as_of`` period lies within this period (grammar of :mod:`analysis.periods`):
        ``2022`` keeps ``2022`` and ``2022-05-31`` but not ``2023``. None: every period.
    as_of : None, str or pandas.Timestamp
        Keep rows whose ``as_of`` period ends on or before this date, ``YYYY-MM-DD`` (figures stated by then; read
        by :func:`analysis.params.check_study_params`). None: no limit.
    include_planned : bool
        False drops funds with status ``planned`` (announced, not set up).

    Returns
    -------
    Dataset
        A copy of ``ds`` whose ``funds`` and ``equity_stakes`` hold the selected rows (index kept); breakdown
        rows (``part_of``) follow their group row. Other tables, ``source`` and ``fingerprint`` are unchanged.

    Raises
    ------
    ValueError
        For a non-Dataset, malformed regions, a period outside the grammar, a date that cannot be read or a
        non-boolean ``include_planned``.

    Notes
    -----
    A row whose ``as_of`` is ``unknown`` cannot be placed in time: it is dropped when ``period`` or ``as_of``
    is given and kept otherwise.
    """
    _check_dataset(ds, "restrict")
    regs = region_list(regions, "restrict: regions")
    checked = check_study_params(period=period, as_of=as_of)  # the one period check and as-of parser
    per = parse_period(checked.period) if checked.period is not None else None
    if per is not None and not per.known:
        raise ValueError(f"restrict: period: expected a known period, got {period!r}")
    date = checked.as_of
    check_include_planned(include_planned)

    funds = ds.funds
    top = ~is_breakdown(funds)
    keep_top = top & _in_regions(funds, regs) & _period_mask(funds["as_of"], per, date)
    if not include_planned:
        keep_top &= funds["status"].astype(object) != "planned"
    kept_ids = set(funds.loc[keep_top, "fund_id"])
    keep = keep_top | (~top & funds["part_of"].isin(kept_ids))
    stakes = ds.equity_stakes
    keep_stakes = _in_regions(stakes, regs) & _period_mask(stakes["as_of"], per, date)
    return dataclasses.replace(ds, funds=funds[keep], equity_stakes=stakes[keep_stakes])


# --- section 1: the fund matrix -----------------------------------------------------------------------------

def fund_groups_table(ds: Dataset, regions=None) -> pd.DataFrame:
    """Each fund record as reported: a single fund or a group of N funds, with its breakdown by type.

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        Regions to show (None: all in ``ds``).

    Returns
    -------
    pandas.DataFrame
        One row per top-level fund record (index of ``ds.funds``), sorted by region, status, sponsor; columns
        ``fund_id``, ``region``, ``sponsor``, ``fund_type``, ``status``, ``n_funds`` (Int64, missing when not
        stated), ``n_funds_text`` (``not stated`` for a missing count), ``is_group`` (``n_funds`` > 1),
        ``breakdown`` (e.g. ``mother 1, industry 3``; empty without breakdown rows), ``total_size``,
        ``total_size_qualifier``, ``size_text``, ``avg_size``, ``avg_size_qualifier``, ``avg_size_bound``,
        ``avg_size_text``, ``as_of``, ``doc``, ``line``, ``note``.

    Raises
    ------
    ValueError
        For a non-Dataset or malformed regions (and the input errors of :func:`analysis.funds.fund_ratios`).

    Notes
    -----
    avg_size = total_size / n_funds (money per fund; a *target* size for planned funds), for groups only
    (``n_funds`` > 1; NaN for a single fund, whose size is its own), with the size's qualifier: a size of
    近200亿元 over 18 funds gives just under 11.11亿元 per fund (an upper bound). A group counts once, as one
    record of ``n_funds`` funds; its breakdown rows are listed in ``breakdown`` only.
    """
    funds = _funds_in(ds, regions, "fund_groups_table")
    top = _top_level(funds)
    bd = funds[is_breakdown(funds)]
    ratios = fund_ratios(top)
    text = (bd["fund_type"].astype(str) + " " + bd["n_funds"].astype("Int64").astype(str).replace("<NA>", "?"))
    breakdown = text.groupby(bd["part_of"].astype(str).to_numpy()).agg(", ".join)
    out = pd.DataFrame({
        "fund_id": top["fund_id"], "region": top["region"], "sponsor": top["sponsor"],
        "fund_type": top["fund_type"], "status": top["status"], "n_funds": top["n_funds"].astype("Int64"),
    }, index=top.index)
    out["n_funds_text"] = _count_texts(out["n_funds"])
    out["is_group"] = (out["n_funds"].fillna(1) > 1).astype(bool)
    out["breakdown"] = top["fund_id"].map(breakdown).astype(object).fillna("")
    out["total_size"] = top["total_size"].astype(float)
    out["total_size_qualifier"] = top["total_size_qualifier"].astype(object).where(out["total_size"].notna())
    out["size_text"] = _money_texts(out["total_size"], out["total_size_qualifier"], top["currency"])
    out["avg_size"] = ratios["avg_size"].where(out["is_group"])
    out["avg_size_qualifier"] = ratios["avg_size_qualifier"].astype(object).where(out["avg_size"].notna())
    _add_money_words(out, "avg_size", out["avg_size"], out["avg_size_qualifier"], top["currency"])
    return _sorted_with_source(out, top, "sponsor")


def fund_matrix_table(ds: Dataset, regions=None) -> pd.DataFrame:
    """The fund matrix (基金矩阵): funds and money by region, sponsor, fund type and status, without double counts.

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        Regions to show (None: all in ``ds``).

    Returns
    -------
    pandas.DataFrame
        One row per (region, sponsor, fund_type, status, currency), columns of
        :func:`analysis.funds.aggregate_funds` (``n_records``, ``n_funds``, ``n_funds_qualifier``,
        ``total_size``, ``total_size_qualifier``, ``committed``, ``paid_in``, ``leverage``, ``avg_size``, ... with
        their ``*_qualifier``, ``*_basis`` and ``*_rows``) as ordinary columns, plus ``cell`` (``money and
        count``, ``count only`` for counts taken from breakdown rows, ``money only (funds counted by type)`` for
        a group row whose funds all went to their types), ``n_funds_text``, ``size_text`` and ``avg_size_text``.
        Empty (with these columns) when no fund is selected.

    Raises
    ------
    ValueError
        For a non-Dataset, malformed regions, or the input errors of :func:`analysis.funds.aggregate_funds`.

    Notes
    -----
    ``aggregate_funds(funds, by=['region', 'sponsor', 'fund_type'])``: money summed over top-level rows only;
    a group's funds are counted under the types of its breakdown rows while its money stays with the group's
    own type (``mixed`` or ``platform``), since the documents do not split the money by type. ``avg_size`` =
    Σ total_size / Σ n_funds of the rows stating both (money per fund, a target for planned funds).
    """
    funds = _funds_in(ds, regions, "fund_matrix_table")
    agg = aggregate_funds(funds, by=["region", "sponsor", "fund_type"]).reset_index()
    money = agg["n_records"] > 0
    counted = agg["n_funds"].fillna(0) > 0
    agg["cell"] = np.where(~money, "count only",
                           np.where(counted | agg["n_funds"].isna(), "money and count",
                                    "money only (funds counted by type)"))
    agg["n_funds_text"] = _count_texts(agg["n_funds"], agg["n_funds_qualifier"])
    agg["size_text"] = _money_texts(agg["total_size"], agg["total_size_qualifier"], agg["currency"])
    agg["avg_size_text"] = _money_texts(agg["avg_size"], agg["avg_size_qualifier"], agg["currency"])
    rank = _status_rank(agg["status"])
    agg = agg.assign(_s=rank).sort_values(["region", "sponsor", "_s", "fund_type"], kind="stable").drop(columns="_s")
    return agg.reset_index(drop=True)


def fund_count_matrix(matrix: pd.DataFrame) -> pd.DataFrame:
    """Funds by sponsor (rows) and fund type (columns): the counting view of the 基金矩阵.

    Parameters
    ----------
    matrix : pandas.DataFrame
        From :func:`fund_matrix_table` (columns ``region``, ``sponsor``, ``status``, ``fund_type``, ``n_funds``,
        ``n_funds_qualifier``).

    Returns
    -------
    pandas.DataFrame
        Index (region, sponsor, status), one column per fund type and ``total``; cells are text: the number of
        funds, prefixed ``≥`` when some record does not state its count, ``?`` where a record states no count
        at all, empty where the sponsor has no fund of that type.

    Raises
    ------
    ValueError
        For a missing column.

    Notes
    -----
    A group's funds appear under their breakdown types, so each fund is counted once; a group row whose funds
    all went to their types shows 0 under its own type (``mixed``) and is left empty here.
    """
    need = ["region", "sponsor", "status", "fund_type", "n_funds", "n_funds_qualifier"]
    missing = [c for c in need if c not in getattr(matrix, "columns", [])]
    if not isinstance(matrix, pd.DataFrame) or missing:
        raise ValueError("fund_count_matrix: expected the table of fund_matrix_table, "
                         f"missing {missing or 'a DataFrame'}")
    keys = ["region", "sponsor", "status"]
    if matrix.empty:
        return pd.DataFrame(columns=["total"], index=pd.MultiIndex.from_arrays([[], [], []], names=keys))
    m = matrix[~(matrix["n_funds"].fillna(-1) == 0)]
    n = m["n_funds"]
    cell = np.where(n.isna(), "?", np.where(m["n_funds_qualifier"] == "at_least", "≥", "")
                    + n.astype("Int64").astype(str).replace("<NA>", ""))
    wide = (m.assign(cell=cell).pivot_table(index=keys, columns="fund_type", values="cell", aggfunc="first")
            .fillna(""))
    tot = m.groupby(keys)["n_funds"].sum(min_count=1)
    unsure = m.assign(u=n.isna() | (m["n_funds_qualifier"] == "at_least")).groupby(keys)["u"].any()
    wide["total"] = [("≥" if u else "") + ("" if pd.isna(t) else str(int(t))) if not (pd.isna(t) and u) else "?"
                     for t, u in zip(tot.reindex(wide.index), unsure.reindex(wide.index))]
    wide.columns.name = None
    order = pd.Series(_status_rank(pd.Series(wide.index.get_level_values("status"))).to_numpy())
    idx = pd.DataFrame({"r": wide.index.get_level_values(0), "s": order, "p": wide.index.get_level_values(1)})
    return wide.iloc[idx.sort_values(["r", "s", "p"], kind="stable").index.to_numpy()]


def fund_matrix_frame(matrix: pd.DataFrame, wrap: int = 16) -> pd.DataFrame:
    """The input of :func:`analysis.plots.fund_matrix`: one bar per sponsor and fund type that states money.

    Parameters
    ----------
    matrix : pandas.DataFrame
        From :func:`fund_matrix_table`.
    wrap : int
        Sponsor labels are wrapped to lines of at most this many characters.

    Returns
    -------
    pandas.DataFrame
        Columns ``sponsor`` (label: the sponsor, with the region in brackets unless the name starts with it;
        wrapped), ``fund_type`` (type, with ``(planned, target)`` or ``(new)`` for those statuses), ``value``
        (size in yuan) and ``qualifier`` (one of the codebook's six); only yuan cells with a size. Empty when
        no cell has one.

    Raises
    ------
    ValueError
        For a missing column or ``wrap`` < 8.

    Notes
    -----
    Derived qualifiers of sums, which the plot does not know, are drawn with the nearest of the six:
    ``about_at_least`` → ``at_least``, ``about_at_most`` → ``at_most``, ``unknown`` → ``about``; the table keeps
    the exact qualifier. USD cells are left out of the figure (never added to yuan).
    """
    need = ["region", "sponsor", "fund_type", "status", "currency", "total_size", "total_size_qualifier"]
    if not isinstance(matrix, pd.DataFrame) or any(c not in matrix.columns for c in need):
        raise ValueError(f"fund_matrix_frame: expected the table of fund_matrix_table with columns {need}")
    if not isinstance(wrap, int) or wrap < 8:
        raise ValueError(f"fund_matrix_frame: wrap: expected an integer of at least 8, got {wrap!r}")
    m = matrix[(matrix["currency"] == "yuan") & matrix["total_size"].notna()]
    names = [sp if sp.startswith(rg) else f"{sp} ({rg})"
             for sp, rg in zip(m["sponsor"].astype(str), m["region"].astype(str))]
    label = pd.Series(names, index=m.index, dtype=object).map(lambda s: "\n".join(textwrap.wrap(s, wrap)) or s)
    suffix = m["status"].map({"planned": " (planned, target)", "new": " (new)"}).fillna("")
    q = m["total_size_qualifier"].astype(object).fillna("exact")
    return pd.DataFrame({"sponsor": label.to_numpy(), "fund_type": (m["fund_type"].astype(str) + suffix).to_numpy(),
                         "value": m["total_size"].to_numpy(dtype=float),
                         "qualifier": q.map(lambda x: _PLOT_QUALIFIER.get(x, x)).to_numpy()})


# --- section 2: ratios --------------------------------------------------------------------------------------

def figure_coverage(ds: Dataset, regions=None) -> pd.DataFrame:
    """How many fund records state each figure the ratios need, by region.

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        Regions to show (None: all in ``ds``).

    Returns
    -------
    pandas.DataFrame
        Index ``region``; columns ``records`` (top-level fund records), ``funds`` (Σ n_funds of the records
        that state it), ``with_size``, ``with_committed``, ``with_paid_in``, ``with_size_and_committed``
        (records), ``funds_with_size_and_committed`` (Σ n_funds of those records), ``with_paid_in_and_committed``
        (records). Every column but ``funds`` and ``funds_with_size_and_committed`` counts records. Empty
        without funds.

    Raises
    ------
    ValueError
        For a non-Dataset or malformed regions.

    Notes
    -----
    Leverage and public share need size and committed capital on the same record; the paid-in ratio needs
    paid-in and committed; breakdown rows carry no money and are not counted.
    """
    top = _top_level(_funds_in(ds, regions, "figure_coverage"))
    both = top["total_size"].notna() & top["committed"].notna()
    n = top["n_funds"].astype("Int64")
    frame = pd.DataFrame({
        "region": top["region"], "records": 1, "funds": n,
        "with_size": top["total_size"].notna().astype(int), "with_committed": top["committed"].notna().astype(int),
        "with_paid_in": top["paid_in"].notna().astype(int), "with_size_and_committed": both.astype(int),
        "funds_with_size_and_committed": n.where(both, 0),
        "with_paid_in_and_committed": (top["paid_in"].notna() & top["committed"].notna()).astype(int),
    })
    out = frame.groupby("region").sum(min_count=0)
    for c in out.columns:
        out[c] = out[c].astype(int)
    return out


def ratio_table(ds: Dataset, regions=None) -> pd.DataFrame:
    """Leverage, paid-in ratio, public share and average size of each fund record, denominators spelled out.

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        Regions to show (None: all in ``ds``).

    Returns
    -------
    pandas.DataFrame
        Long format, one row per (fund record, measure) that the record's figures allow (a measure whose
        inputs are not stated is absent; ``avg_size`` only for groups, ``n_funds`` > 1). Columns:
        ``fund_id``, ``region``, ``sponsor``, ``fund_type``, ``status``, ``n_funds``, ``currency``,
        ``measure`` (``leverage``, ``paid_in_ratio``, ``public_share``, ``avg_size``), ``unit``
        (``multiple``, ``fraction`` or ``money``), ``value``, ``qualifier``, ``bound`` (in words),
        ``value_text``, ``numerator`` and ``denominator`` (names: ``total_size`` or ``target_size``,
        ``committed``, ``paid_in``, ``n_funds``), ``numerator_value``, ``numerator_text``,
        ``denominator_value``, ``denominator_text``, ``basis`` (e.g. ``total_size / committed``), ``doc``,
        ``line``.

    Raises
    ------
    ValueError
        For a non-Dataset, malformed regions or the input errors of :func:`analysis.funds.fund_ratios`.

    Notes
    -----
    leverage = total_size / committed (×); paid_in_ratio = paid_in / committed (fraction); public_share =
    committed / total_size (fraction); avg_size = total_size / n_funds (money). ``committed`` and ``paid_in`` are
    the public sponsor's. Qualifiers by :func:`analysis.funds.ratio_qualifier`: 近200亿元 / 18 is ``just_under``
    (upper bound). Example (doc 002 line 21): 56.45亿元 / 29亿元 = 1.9466×, 15亿元 / 29亿元 = 0.5172.
    """
    top = _top_level(_funds_in(ds, regions, "ratio_table"))
    cols = ["fund_id", "region", "sponsor", "fund_type", "status", "n_funds", "currency", "measure", "unit",
            "value", "qualifier", "bound", "value_text", "numerator", "denominator", "numerator_value",
            "numerator_text", "denominator_value", "denominator_text", "basis", "doc", "line"]
    if top.empty:
        return pd.DataFrame(columns=cols)
    r = fund_ratios(top)
    figures = {"total_size": top["total_size"].astype(float), "committed": top["committed"].astype(float),
               "paid_in": top["paid_in"].astype(float), "n_funds": top["n_funds"].astype("Float64").astype(float)}
    quals = {"total_size": top["total_size_qualifier"].astype(object),
             "committed": top["committed_qualifier"].astype(object),
             "paid_in": top["paid_in_qualifier"].astype(object),
             "n_funds": pd.Series("exact", index=top.index, dtype=object)}
    parts = []
    group = figures["n_funds"].fillna(1) > 1
    for measure, vcol, qcol, bcol, unit in _MEASURES:
        ok = r[vcol].notna() & (group if measure == "avg_size" else True)
        if not ok.any():
            continue
        t, rr = top[ok], r[ok]
        num_col, den_col = _COLUMNS_OF[measure]
        names = rr[bcol].str.split(" / ", n=1, expand=True)  # total_size or target_size (planned), as the basis says
        part = t[["fund_id", "region", "sponsor", "fund_type", "status", "n_funds", "currency"]].copy()
        part["measure"], part["unit"] = measure, unit
        part["value"] = rr[vcol].astype(float)
        part["qualifier"] = rr[qcol].astype(object)
        part["numerator"], part["denominator"] = names[0], names[1]
        part["numerator_value"] = figures[num_col][ok]
        part["denominator_value"] = figures[den_col][ok]
        part["numerator_text"] = _money_texts(part["numerator_value"], quals[num_col][ok].fillna("exact"),
                                              t["currency"])
        part["denominator_text"] = (part["denominator_value"].map(_n_funds_text) if den_col == "n_funds" else
                                    _money_texts(part["denominator_value"], quals[den_col][ok].fillna("exact"),
                                                 t["currency"]))
        part["basis"] = rr[bcol]
        part["doc"], part["line"] = t["doc"], t["line"]
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts)
    out["bound"] = bound_word(out["qualifier"])
    out["value_text"] = [format_measure(v, q, u, c) for v, q, u, c in
                         zip(out["value"], out["qualifier"], out["unit"], out["currency"])]
    m_order = {m[0]: i for i, m in enumerate(_MEASURES)}
    key = pd.DataFrame({"r": out["region"].to_numpy(), "s": _status_rank(out["status"]).to_numpy(),
                        "f": out["fund_id"].to_numpy(), "m": out["measure"].map(m_order).to_numpy()})
    order = key.sort_values(["r", "s", "f", "m"], kind="stable").index.to_numpy()
    return out[cols].iloc[order].reset_index(drop=True)


#: The label of the totals over every region studied (:func:`ratio_totals`).
ALL_REGIONS = "all regions"

# measure of the totals -> (numerator column, denominator column, unit)
_TOTAL_MEASURES = (("leverage", "total_size", "committed", "multiple"),
                   ("paid_in_ratio", "paid_in", "committed", "fraction"),
                   ("public_share", "committed", "total_size", "fraction"))


def _totals_of(funds: pd.DataFrame, scope: str) -> pd.DataFrame:
    """Long table of :func:`ratio_totals` for the funds given (region as given, or all pooled)."""
    f = funds if scope == "region" else funds.assign(region=ALL_REGIONS)
    agg = aggregate_funds(f, by=["region"])
    top = _top_level(f)
    parts = []
    for measure, num, den, unit in _TOTAL_MEASURES:
        ok = agg[f"{measure}_rows"] > 0
        if not ok.any():
            continue
        a = agg[ok]
        both = top[top[num].notna() & top[den].notna()]
        keys = [both["region"], both["status"], both["currency"]]
        ids = both["fund_id"].astype(str).groupby(keys, sort=False).agg(", ".join)
        n_regions = funds.loc[both.index, "region"].groupby(keys, sort=False).nunique()
        part = pd.DataFrame(index=a.index)
        part["scope"], part["measure"], part["unit"] = scope, measure, unit
        part["value"] = a[measure].astype(float)
        part["qualifier"] = a[f"{measure}_qualifier"].astype(object)
        part["n_records"] = a[f"{measure}_rows"].astype(int)
        part["fund_ids"] = ids.reindex(a.index).astype(object)
        part["n_regions"] = n_regions.reindex(a.index).to_numpy()
        planned = a.index.get_level_values("status") == "planned"
        size_name = np.where(planned, "target_size", "total_size")
        part["numerator"] = size_name if num == "total_size" else num
        part["denominator"] = size_name if den == "total_size" else den
        part["numerator_value"] = a[f"{measure}_numerator"].astype(float)
        part["numerator_qualifier"] = a[f"{measure}_numerator_qualifier"].astype(object)
        part["denominator_value"] = a[f"{measure}_denominator"].astype(float)
        part["denominator_qualifier"] = a[f"{measure}_denominator_qualifier"].astype(object)
        parts.append(part)
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts).reset_index()


def ratio_totals(ds: Dataset, regions=None) -> pd.DataFrame:
    """Aggregate leverage, paid-in ratio and public share per region: ratios of sums, with the records behind each.

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        Regions to show (None: all in ``ds``).

    Returns
    -------
    pandas.DataFrame
        Long format, one row per (scope, region, status, currency, measure) for which at least one top-level
        record states both figures of the measure. Columns: ``scope`` (``region``, or ``all regions`` for the
        pooled totals), ``region`` (:data:`ALL_REGIONS` for the pooled rows), ``status``, ``currency``,
        ``measure`` (``leverage``, ``paid_in_ratio``, ``public_share``), ``unit`` (``multiple`` or
        ``fraction``), ``value``, ``qualifier``, ``bound`` (in words), ``value_text``, ``n_records`` (records
        stating both figures: the records the total is made of), ``fund_ids`` (those records, comma-separated),
        ``n_regions`` (regions those records belong to), ``numerator`` and ``denominator`` (``total_size`` or
        ``target_size``, ``committed``, ``paid_in``), ``numerator_value``, ``numerator_qualifier``,
        ``numerator_text``, ``denominator_value``, ``denominator_qualifier``, ``denominator_text`` (the two sums,
        money in the row's currency) and ``basis``. Sorted by scope (regions first), region in the order of
        the data, status (existing, new, planned), currency and measure. Empty (with these columns) when no
        record states both figures of any measure.

    Raises
    ------
    ValueError
        For a non-Dataset, malformed regions or the input errors of :func:`analysis.funds.aggregate_funds`.

    Notes
    -----
    leverage = Σ total_size / Σ committed (×), paid_in_ratio = Σ paid_in / Σ committed, public_share =
    Σ committed / Σ total_size (fractions), each summed over the records that state *both* of its figures, so
    that numerator and denominator cover the same funds (:func:`analysis.funds.aggregate_funds`). A ratio of
    sums is the mean of the records' ratios weighted by their denominators (committed capital for leverage
    and the paid-in ratio, size for the public share), not their plain mean. Money comes from top-level
    records only: breakdown rows (``part_of``) are never added to their group row. A sum carries the
    qualifiers of what it adds (:func:`analysis.funds.sum_qualifier`: exact + about = about, exact + at least =
    at least) and the ratio the qualifiers of both sums (:func:`analysis.funds.ratio_qualifier`). Statuses and
    currencies are never pooled (planned sizes are targets; yuan and USD are not added). The pooled rows
    (``scope`` = ``all regions``) appear only where records of two or more regions enter the same total; they
    add the regions' records as stated, and records of a region and of a region within it may describe the
    same funds (the dataset does not say), so a pooled total can count such funds twice.
    """
    funds = _funds_in(ds, regions, "ratio_totals")
    cols = ["scope", "region", "status", "currency", "measure", "unit", "value", "qualifier", "bound", "value_text",
            "n_records", "fund_ids", "n_regions", "numerator", "numerator_value", "numerator_qualifier",
            "numerator_text", "denominator", "denominator_value", "denominator_qualifier", "denominator_text",
            "basis"]
    if _top_level(funds).empty:
        return pd.DataFrame(columns=cols)
    parts = [_totals_of(funds, "region"), _totals_of(funds, ALL_REGIONS)]
    if not parts[1].empty:
        parts[1] = parts[1][parts[1]["n_regions"] >= 2]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    out["n_regions"] = out["n_regions"].astype(int)
    out["bound"] = bound_word(out["qualifier"])
    out["value_text"] = [format_measure(v, q, u) for v, q, u in zip(out["value"], out["qualifier"], out["unit"])]
    out["numerator_text"] = _money_texts(out["numerator_value"], out["numerator_qualifier"], out["currency"])
    out["denominator_text"] = _money_texts(out["denominator_value"], out["denominator_qualifier"], out["currency"])
    out["basis"] = ("sum " + out["numerator"] + " / sum " + out["denominator"] + " over the "
                    + out["n_records"].astype(str) + " record(s) stating both")
    first_seen = {r: i for i, r in enumerate(pd.unique(funds["region"].astype(object)))}
    first_seen[ALL_REGIONS] = len(first_seen)
    m_order = {m[0]: i for i, m in enumerate(_TOTAL_MEASURES)}
    key = pd.DataFrame({"c": (out["scope"] != "region").astype(int), "r": out["region"].map(first_seen),
                        "s": _status_rank(out["status"]), "u": out["currency"], "m": out["measure"].map(m_order)})
    order = key.sort_values(["c", "r", "s", "u", "m"], kind="stable").index
    return out.loc[order, cols].reset_index(drop=True)


# --- section 3: planned versus existing ----------------------------------------------------------------------

def planned_vs_existing(ds: Dataset, regions=None) -> pd.DataFrame:
    """Planned funds beside the existing and new ones, record by record.

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        Regions to show (None: all in ``ds``).

    Returns
    -------
    pandas.DataFrame
        One row per top-level fund record, sorted by region and status (existing, new, planned); columns
        ``region``, ``status``, ``fund_id``, ``sponsor``, ``fund_type``, ``n_funds``, ``n_funds_text``, ``size``
        (yuan or USD),
        ``size_qualifier``, ``size_basis`` (``target size`` for planned funds, ``total size`` otherwise),
        ``size_bound`` (in words), ``size_text``, ``as_of``, ``doc``, ``line``, ``note``.

    Raises
    ------
    ValueError
        For a non-Dataset or malformed regions.

    Notes
    -----
    A planned size is a target (计划, 设立 ... 以上), not an actual; ``50亿元以上`` is a lower bound on the target.
    """
    top = _top_level(_funds_in(ds, regions, "planned_vs_existing"))
    size = top["total_size"].astype(float)
    q = top["total_size_qualifier"].astype(object).where(size.notna())
    out = pd.DataFrame({
        "region": top["region"], "status": top["status"], "fund_id": top["fund_id"], "sponsor": top["sponsor"],
        "fund_type": top["fund_type"], "n_funds": top["n_funds"].astype("Int64"), "size": size,
        "size_qualifier": q,
        "size_basis": np.where(top["status"].astype(object) == "planned", "target size", "total size"),
    }, index=top.index)
    out["n_funds_text"] = _count_texts(out["n_funds"])
    _add_money_words(out, "size", size, q, top["currency"])
    return _sorted_with_source(out, top, "fund_id")


def planned_summary(ds: Dataset, regions=None) -> pd.DataFrame:
    """Per region: money in funds set up (existing and new) and in funds planned, and the planned/current ratio.

    Parameters
    ----------
    ds : Dataset
        The dataset whose fund records are summed.
    regions : None, str or list of str
        Regions summed, each on its own row (None: every region of ``ds``).

    Returns
    -------
    pandas.DataFrame
        Index (``region``, ``currency``); columns ``current_records``, ``current_size``,
        ``current_size_qualifier``, ``current_text``, ``current_as_of`` (the as-of labels of those records),
        ``planned_records``, ``planned_size``, ``planned_size_qualifier``, ``planned_text``, ``planned_as_of``,
        ``planned_to_current`` (multiple), ``planned_to_current_qualifier``, ``planned_to_current_bound``,
        ``planned_to_current_text``. Sizes are NaN where no record of that kind states one.

    Raises
    ------
    ValueError
        For a non-Dataset, malformed regions or the input errors of :func:`analysis.funds.aggregate_funds`.

    Notes
    -----
    current = Σ total_size over existing and new top-level records; planned = Σ target size over planned ones;
    planned_to_current = planned / current, a multiple. Sums carry :func:`analysis.funds.sum_qualifier`, made a
    lower bound when some record of the kind states no size (``aggregate_funds``). The sum of current records
    does not remove overlaps the documents leave open (e.g. a platform's funds that may include government
    funds), so it is an upper bound on the money of distinct funds in that respect; records of different
    dates are summed as given (see ``current_as_of``). The ratio places a plan against what exists; it is not
    an attainment rate, since the documents do not say which existing funds answer to which plan.
    """
    top = _top_level(_funds_in(ds, regions, "planned_summary"))
    cols = ["current_records", "current_size", "current_size_qualifier", "current_text", "current_as_of",
            "planned_records", "planned_size", "planned_size_qualifier", "planned_text", "planned_as_of",
            "planned_to_current", "planned_to_current_qualifier", "planned_to_current_bound",
            "planned_to_current_text"]
    if top.empty:
        return pd.DataFrame(columns=cols, index=pd.MultiIndex.from_arrays([[], []], names=["region", "currency"]))
    kind = np.where(top["status"].astype(object) == "planned", "planned", "current")
    # existing and new records are summed together: set their status alike so aggregate_funds does not split them
    t = top.assign(kind=kind, status=np.where(kind == "planned", "planned", "existing"))
    agg = aggregate_funds(t, by=["region", "kind"]).droplevel("status")
    idx = pd.MultiIndex.from_frame(t[["region", "currency"]].drop_duplicates().sort_values(["region", "currency"]))
    out = pd.DataFrame(index=idx)
    for k in ("current", "planned"):
        sub = agg.xs(k, level="kind") if k in agg.index.get_level_values("kind") else agg.iloc[:0].droplevel("kind")
        sub = sub.reindex(idx)
        out[f"{k}_records"] = sub["n_records"].fillna(0).astype(int)
        out[f"{k}_size"] = sub["total_size"].astype(float)
        out[f"{k}_size_qualifier"] = sub["total_size_qualifier"].astype(object).where(out[f"{k}_size"].notna())
        out[f"{k}_text"] = [format_money(v, q, c) for v, q, c in
                            zip(out[f"{k}_size"], out[f"{k}_size_qualifier"], idx.get_level_values("currency"))]
        labels = t[t["kind"] == k].groupby(["region", "currency"])["as_of"].agg(
            lambda s: ", ".join(sorted(set(map(str, s)))))
        out[f"{k}_as_of"] = labels.reindex(idx).fillna("").astype(object)
    with np.errstate(all="ignore"):
        ratio = out["planned_size"] / out["current_size"]
    out["planned_to_current"] = ratio.where(np.isfinite(ratio))
    out["planned_to_current_qualifier"] = ratio_qualifier(
        out["planned_size_qualifier"], out["current_size_qualifier"]).astype(object).where(
        out["planned_to_current"].notna())
    out["planned_to_current_bound"] = bound_word(out["planned_to_current_qualifier"])
    out["planned_to_current_text"] = [format_measure(v, q, "multiple") for v, q in
                                      zip(out["planned_to_current"], out["planned_to_current_qualifier"])]
    return out[cols]


# --- section 4: equity stakes -------------------------------------------------------------------------------

def stake_values(ds: Dataset, regions=None) -> pd.DataFrame:
    """Direct equity stakes: the company value a stake implies, and money per investment of a group row.

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        Regions to show (None: all in ``ds``).

    Returns
    -------
    pandas.DataFrame
        One row per equity-stake record (index of ``ds.equity_stakes``), columns ``stake_id``, ``region``,
        ``investor``, ``investee``, ``n_investments``, ``amount`` (yuan), ``amount_qualifier``, ``amount_text``,
        ``stake_pct`` (percent), ``implied_value`` (yuan; NaN without a stake share), ``implied_value_qualifier``,
        ``implied_value_text``, ``per_investment`` (yuan), ``per_investment_qualifier``, ``per_investment_text``,
        ``as_of``, ``doc``, ``line``, ``note``.

    Raises
    ------
    ValueError
        For a non-Dataset, malformed regions, or a stake share outside (0, 100].

    Notes
    -----
    implied_value = amount / (stake_pct / 100) (:func:`analysis.funds.implied_company_value`), with the
    amount's qualifier (the share is taken as exact): 6000万元 for 20 % implies 3亿元 (doc 000 line 62).
    per_investment = amount / n_investments (:func:`analysis.funds.money_per_project`): 10.54亿元 paid in over
    16 investments is 6587.5万元 each on average (doc 002 line 21). Whether an amount was paid in or subscribed
    is in ``note``.
    """
    _check_dataset(ds, "stake_values")
    regs = region_list(regions, "stake_values: regions")
    s = ds.equity_stakes[_in_regions(ds.equity_stakes, regs)]
    amount = s["amount"].astype(float)
    aq = s["amount_qualifier"].astype(object).where(amount.notna())
    aq = aq.where(aq.notna() | amount.isna(), "exact")
    out = pd.DataFrame({"stake_id": s["stake_id"], "region": s["region"], "investor": s["investor"],
                        "investee": s["investee"], "n_investments": s["n_investments"].astype("Int64"),
                        "amount": amount, "amount_qualifier": aq}, index=s.index)
    out["amount_text"] = _money_texts(amount, aq)
    out["stake_pct"] = s["stake_pct"].astype(float)
    out["implied_value"] = (implied_company_value(amount, out["stake_pct"]) if len(s)
                            else pd.Series(dtype=float))
    out["implied_value_qualifier"] = aq.where(out["implied_value"].notna())
    out["implied_value_text"] = _money_texts(out["implied_value"], out["implied_value_qualifier"])
    out["per_investment"] = (money_per_project(amount, out["n_investments"].astype(float)) if len(s)
                             else pd.Series(dtype=float))
    out["per_investment_qualifier"] = aq.where(out["per_investment"].notna())
    out["per_investment_text"] = _money_texts(out["per_investment"], out["per_investment_qualifier"])
    for c in ("as_of", "doc", "line", "note"):
        out[c] = s[c]
    return out.sort_values(["region", "stake_id"], kind="stable")


# --- section 5: policy context ------------------------------------------------------------------------------

def policy_table(ds: Dataset, regions=None, usual_range: tuple[float, float] = POLICY_LEVERAGE_RANGE) -> pd.DataFrame:
    """Leverage and public share of each fund record that states them, placed against the usual policy range.

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        Regions to show (None: all in ``ds``).
    usual_range : (float, float)
        Leverage range of policy documents; default :data:`analysis.funds.POLICY_LEVERAGE_RANGE` (1/0.30 ≈ 3.33×
        to 1/0.20 = 5×).

    Returns
    -------
    pandas.DataFrame
        One row per top-level record with a leverage, columns ``fund_id``, ``label`` (region, sponsor, count of
        funds), ``region``, ``sponsor``, ``fund_type``, ``status``, ``n_funds``, ``is_sub_fund``, ``leverage``,
        ``leverage_qualifier``, ``leverage_text``, ``leverage_basis``, ``public_share``,
        ``public_share_qualifier``, ``public_share_text``, ``policy_context`` (``below``, ``within``, ``above``
        or ``undetermined``), ``band_low``, ``band_high``.

    Raises
    ------
    ValueError
        For a non-Dataset, malformed regions or a bad ``usual_range``.

    Notes
    -----
    The policy cap of 20-30 % (:data:`analysis.funds.POLICY_PUBLIC_SHARE_RANGE`) concerns the public share of a
    *sub-fund*; a platform's stake in several funds or a mother fund is not held to it, so ``policy_context``
    places a figure and is no verdict (``is_sub_fund`` says whether the record is a sub-fund). A bound is placed
    only where its direction allows (:func:`analysis.funds.policy_context`).
    """
    top = _top_level(_funds_in(ds, regions, "policy_table"))
    cols = ["fund_id", "label", "region", "sponsor", "fund_type", "status", "n_funds", "is_sub_fund", "leverage",
            "leverage_qualifier", "leverage_text", "leverage_basis", "public_share", "public_share_qualifier",
            "public_share_text", "policy_context", "band_low", "band_high"]
    r = fund_ratios(top) if len(top) else pd.DataFrame(columns=["leverage"])
    ok = r["leverage"].notna() if len(top) else pd.Series(dtype=bool)
    if not ok.any():
        low, high = usual_range
        if not (0 <= low <= high):
            raise ValueError(f"usual_range: expected 0 <= low <= high, got {usual_range!r}")
        return pd.DataFrame(columns=cols)
    t, rr = top[ok], r[ok]
    n = t["n_funds"].astype("Int64")
    n_text = n.astype(str).replace("<NA>", "?")
    out = pd.DataFrame({
        "fund_id": t["fund_id"],
        "label": (t["region"].astype(str) + ": " + t["sponsor"].astype(str) + " (" + n_text + " fund"
                  + np.where(n.fillna(2) == 1, "", "s") + ", " + t["status"].astype(str) + ")"),
        "region": t["region"], "sponsor": t["sponsor"], "fund_type": t["fund_type"], "status": t["status"],
        "n_funds": n, "is_sub_fund": (t["fund_type"].astype(object) == "sub").to_numpy(),
        "leverage": rr["leverage"].astype(float), "leverage_qualifier": rr["leverage_qualifier"].astype(object),
    }, index=t.index)
    out["leverage_text"] = [format_measure(v, q, "multiple")
                            for v, q in zip(out["leverage"], out["leverage_qualifier"])]
    out["leverage_basis"] = rr["leverage_basis"]
    out["public_share"] = rr["public_share"].astype(float)
    out["public_share_qualifier"] = rr["public_share_qualifier"].astype(object)
    out["public_share_text"] = [format_measure(v, q, "fraction") for v, q in
                                zip(out["public_share"], out["public_share_qualifier"])]
    out["policy_context"] = policy_context(out["leverage"], out["leverage_qualifier"], usual_range=usual_range)
    out["band_low"], out["band_high"] = float(usual_range[0]), float(usual_range[1])
    return out[cols].sort_values(["region", "fund_id"], kind="stable")


def leverage_frame(policy: pd.DataFrame, wrap: int = 40) -> pd.DataFrame:
    """The input of :func:`analysis.plots.leverage_chart` from :func:`policy_table`.

    Parameters
    ----------
    policy : pandas.DataFrame
        From :func:`policy_table` (columns ``label``, ``leverage``, ``leverage_qualifier``).
    wrap : int
        Labels are wrapped to lines of at most this many characters.

    Returns
    -------
    pandas.DataFrame
        Columns ``label`` (with the bound marked: ``≤`` for an upper bound, ``≥`` for a lower one, ``≈`` for an
        approximate multiple, appended as ``[≤]``) and ``leverage`` (multiple).

    Raises
    ------
    ValueError
        For a missing column or ``wrap`` < 8.

    Notes
    -----
    The chart draws the stated multiple; the mark in the label says which side the true one lies on.
    """
    need = ["label", "leverage", "leverage_qualifier"]
    if not isinstance(policy, pd.DataFrame) or any(c not in policy.columns for c in need):
        raise ValueError(f"leverage_frame: expected the table of policy_table with columns {need}")
    if not isinstance(wrap, int) or wrap < 8:
        raise ValueError(f"leverage_frame: wrap: expected an integer of at least 8, got {wrap!r}")
    marks = {"at_least": "≥", "more_than": ">", "about": "≈", "just_under": "<", "at_most": "≤",
             "about_at_least": "≈≥", "about_at_most": "≈≤", "unknown": "?"}
    mark = policy["leverage_qualifier"].astype(object).map(marks).fillna("")
    label = policy["label"].astype(str) + np.where(mark != "", " [" + mark + "]", "")
    return pd.DataFrame({"label": label.map(lambda s: "\n".join(textwrap.wrap(s, wrap)) or s).to_numpy(),
                         "leverage": policy["leverage"].astype(float).to_numpy()})


# --- section 6: statistical checks --------------------------------------------------------------------------

@dataclass(frozen=True)
class SampleSize:
    """How many fund records could enter a statistical estimate of leverage.

    Attributes
    ----------
    n_records : int
        Top-level fund records stating both size and committed capital (the pairs a regression or a mean of
        leverage would use).
    n_funds : int
        Funds those records stand for (Σ n_funds; a group of 5 reported together is one pair of figures).
    min_n : int
        :data:`analysis.stats.MIN_N`: below it no estimate with a confidence interval is possible.
    warn_n : int
        :data:`analysis.stats.WARN_N`: below it an estimate means little.
    """

    n_records: int
    n_funds: int
    min_n: int = _stats.MIN_N
    warn_n: int = _stats.WARN_N

    @property
    def enough(self) -> bool:
        """True when there are at least ``warn_n`` records: enough to estimate anything worth reporting."""
        return self.n_records >= self.warn_n


def sample_size(ds: Dataset, regions=None) -> SampleSize:
    """The number of fund records with both size and committed capital (the n of any leverage statistic).

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        Regions counted (None: all in ``ds``).

    Returns
    -------
    SampleSize

    Raises
    ------
    ValueError
        For a non-Dataset or malformed regions.

    Notes
    -----
    n counts records, not funds: a group record reports one size and one commitment for all its funds, so it
    is one observation. Thresholds from :mod:`analysis.stats` (``MIN_N`` = 3, ``WARN_N`` = 5).
    """
    cov = figure_coverage(ds, regions)
    if cov.empty:
        return SampleSize(0, 0)
    return SampleSize(int(cov["with_size_and_committed"].sum()), int(cov["funds_with_size_and_committed"].sum()))


def ratio_record_table(ds: Dataset, regions=None) -> pd.DataFrame:
    """Each fund record's figures and ratios side by side: the wide view of :func:`ratio_table`.

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        Regions to show (None: all in ``ds``).

    Returns
    -------
    pandas.DataFrame
        One row per top-level fund record with at least one ratio, sorted as :func:`ratio_table`; columns
        ``fund_id``, ``region``, ``sponsor``, ``fund_type``, ``status``, ``n_funds``, ``currency``,
        ``total_size`` (a target size for planned funds), ``committed``, ``paid_in`` (money, with their
        ``*_qualifier``), and ``leverage`` (×),
        ``paid_in_ratio``, ``public_share`` (fractions), ``avg_size`` (money per fund, groups only), each with
        its ``*_qualifier``. NaN where the record does not state what a ratio needs.

    Raises
    ------
    ValueError
        For a non-Dataset, malformed regions or the input errors of :func:`analysis.funds.fund_ratios`.
    """
    top = _top_level(_funds_in(ds, regions, "ratio_record_table"))
    ids = ratio_table(ds, regions)["fund_id"].drop_duplicates()
    cols = ["fund_id", "region", "sponsor", "fund_type", "status", "n_funds", "currency"]
    t = top.set_index("fund_id").loc[ids].reset_index()
    out = t[cols].copy()
    for c in _MONEY:
        out[c] = t[c].astype(float)
        out[f"{c}_qualifier"] = t[f"{c}_qualifier"].astype(object).where(out[c].notna())
    r = fund_ratios(t) if len(t) else pd.DataFrame(columns=[m[1] for m in _MEASURES] + [m[2] for m in _MEASURES])
    for measure, vcol, qcol, _b, _u in _MEASURES:
        out[measure] = r[vcol].astype(float).to_numpy()
        out[f"{measure}_qualifier"] = r[qcol].astype(object).to_numpy()
    group = out["n_funds"].astype("Float64").fillna(1) > 1
    out["avg_size"] = out["avg_size"].where(group)
    out["avg_size_qualifier"] = out["avg_size_qualifier"].where(out["avg_size"].notna())
    return out


def check_include_planned(include_planned) -> bool:
    """The study's own parameter ``include_planned``: True or False.

    Raises
    ------
    ValueError
        For anything else, naming the parameter and the value.
    """
    if not isinstance(include_planned, (bool, np.bool_)):
        raise ValueError(f"parameter include_planned: expected True or False, got {type(include_planned).__name__} "
                         f"{include_planned!r}")
    return bool(include_planned)
