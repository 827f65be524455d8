"""Study 02, fund matrix and leverage (notebook ``02-fund-leverage``): its tables and its report.

Tables
    Each table function builds what one section shows from a :class:`analysis.io.Dataset`, pandas in and pandas
    out (:func:`fund_groups_table`, :func:`fund_matrix_table`, :func:`ratio_table`, :func:`ratio_totals`,
    :func:`planned_summary`, :func:`stake_values`, :func:`policy_table`, ...).
Report
    One function per section (:func:`matrix_section`, :func:`ratios_section`, :func:`totals_section`,
    :func:`planned_section`, :func:`stakes_section`, :func:`policy_section`, :func:`statistics_section`,
    :func:`documents_section`) takes the selected data and returns a :class:`analysis.reporting.Section`: its
    question, its findings as sentences whose numbers come from the data, its tables and figures. :func:`run`
    validates the parameters, loads and selects the data and returns the :class:`analysis.reporting.Report`;
    the notebook only displays it.

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

import matplotlib.pyplot as _plt
import numpy as np
import pandas as pd

from .. import config
from .. import plots as _plots
from .. import stats as _stats
from ..funds import (POLICY_LEVERAGE_RANGE, POLICY_PUBLIC_SHARE_RANGE, RATIO_QUALIFIERS, Bound, aggregate_funds,
                     fund_ratios, implied_company_value, is_breakdown, money_per_project, policy_context,
                     ratio_qualifier)
from ..io import Dataset, load_dataset
from ..params import check_study_params, region_list
from ..periods import parse_period, period_bounds
from ..reporting import Col, Figure, Report, Section, Table
from ..reporting.format import fmt_money, fmt_multiple, fmt_num, fmt_pct, provenance

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
    :func:`analysis.units.format_quantity` (as :func:`analysis.report.fmt_money` does, with ``digits``
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
    out["avg_size_bound"] = bound_word(out["avg_size_qualifier"])
    out["avg_size_text"] = _money_texts(out["avg_size"], out["avg_size_qualifier"], top["currency"])
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
    out["size_bound"] = bound_word(q)
    out["size_text"] = _money_texts(size, q, top["currency"])
    return _sorted_with_source(out, top, "fund_id")


def planned_summary(ds: Dataset, regions=None) -> pd.DataFrame:
    """Per region: money in funds set up (existing and new) and in funds planned, and the planned/current ratio.

    Parameters
    ----------
    ds : Dataset
    regions : None, str or list of str
        Regions to show (None: all in ``ds``).

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


# === the report: one function per section, and run() ==========================================================

STUDY = "02-fund-leverage"
TITLE = "Fund matrix and leverage (基金矩阵)"
QUESTION = ("Which sponsors hold how many funds of which type and size, how much fund money stands behind each "
            "yuan the public sponsor committed, and what do plans and direct equity stakes add?")

_MEASURE_WORDS = {"leverage": "leverage", "paid_in_ratio": "paid-in ratio", "public_share": "public share",
                  "avg_size": "average size"}
_FUNDS_SOURCE = ("the funds table (each record's document and line: appendix, through the fund record's id); "
                 "ratios by analysis.funds")


def _words(name: str) -> str:
    """A column or code name as words: ``total_size`` → ``total size``."""
    return str(name).replace("_", " ")


def _article(word: str) -> str:
    """``a`` or ``an`` before a word (by its first letter): ``an industry record``, ``a mixed record``."""
    return "an" if str(word)[:1].lower() in "aeiou" else "a"


def _records(n: int, what: str = "record") -> str:
    """``1 record``, ``3 records``."""
    return f"{n} {what}" + ("" if n == 1 else "s")


def _text(value, missing: str) -> str:
    """A text cell, or ``missing`` where it is empty."""
    return value if isinstance(value, str) and value else missing


#: Each section's title and the question it answers, in the order of the report.
_SECTIONS = {
    "matrix": ("The fund matrix: sponsors, fund types, groups of funds",
               "How many funds does each sponsor hold, of which type, and how large are they?"),
    "ratios": ("Leverage, paid-in ratio and public share",
               "How much fund money stands behind each yuan the public sponsor committed, and how much of the "
               "commitment is paid in?"),
    "totals": ("Totals per region: ratios of sums",
               "Taken together, how much fund money stands behind each yuan committed in each region?"),
    "planned": ("Planned funds beside existing ones",
                "What do the plans announce, and how does that compare with the funds already set up?"),
    "stakes": ("Direct equity stakes",
               "What do the platforms' direct equity stakes cost, and what company values do they imply?"),
    "policy": ("Context: the usual policy ranges",
               "How do the leverage figures compare with the ranges policy documents usually set?"),
    "statistics": ("Statistical checks",
                   "Could one estimate a typical leverage or paid-in ratio, or test it against the policy range?"),
    "documents": ("Documents cited",
                  "Which documents do the figures come from?"),
}


def _section(id_: str) -> Section:
    """A new, empty section of the report: its id, title and question from :data:`_SECTIONS`."""
    title, question = _SECTIONS[id_]
    return Section(id_, title, question)


def _says(sec: Section, text: str, key: bool = False) -> Section:
    """``sec`` with the finding ``text`` added (and made one of the report's key findings with ``key``)."""
    sec.findings.append(text)
    if key:
        sec.key.append(text)
    return sec


def _fund_col() -> Col:
    return Col("fund_id", "Fund record")


def _money_col(key: str, label: str, qualifier: str) -> Col:
    return Col(key, label, "money", digits=3, unit="currency", qualifier=qualifier)


def _to_currency(frame: pd.DataFrame, fallback: str = "yuan") -> pd.DataFrame:
    """``frame`` with a ``currency`` column (the money columns' unit per row), ``fallback`` where absent."""
    return frame if "currency" in frame.columns else frame.assign(currency=fallback)


def _status_counts(groups: pd.DataFrame) -> list[str]:
    """Per status: funds in the records that state a count, out of the records of that status."""
    by_status = groups.groupby("status", sort=False, observed=True)["n_funds"].agg(["size", "count", "sum"])
    by_status = by_status.loc[sorted(by_status.index, key=lambda s: _status_rank(pd.Series([s])).iloc[0])]
    return [f"{st}: {_records(int(r['sum']), 'fund')} in the {int(r['count'])} of {int(r['size'])} record(s) "
            "that state a count" for st, r in by_status.iterrows()]


def matrix_section(sub: Dataset) -> Section:
    """Section 1: the fund matrix (sponsors, fund types, groups of funds) of the selected data.

    Parameters
    ----------
    sub : Dataset
        The selected data (:func:`restrict`), whose funds table it reads.

    Returns
    -------
    Section
        Findings: how many records, sponsors, groups and funds; each group's average size per fund. Tables:
        the records as reported, the count matrix, the fund matrix; the fund-matrix figure.
    """
    sec = _section("matrix")
    groups = fund_groups_table(sub)
    if groups.empty:
        return _says(sec, "No fund records for the regions and period asked.", key=True)
    counted = groups["n_funds"].notna()
    _says(sec, f"**{len(groups)}** fund record(s) from **{groups['sponsor'].nunique()}** sponsor(s) in "
          f"{_records(groups['region'].nunique(), 'region')}; the {int(counted.sum())} record(s) that state how "
          f"many funds they hold stand for **{int(groups.loc[counted, 'n_funds'].sum())}** funds.", key=True)
    _says(sec, "Funds whose number is stated, by status: " + "; ".join(_status_counts(groups)) + ".")
    _says(sec, f"Groups of several funds reported together: {int(groups['is_group'].sum())}; records that do not "
          f"state how many funds they hold: {int((~counted).sum())}.")
    for g in groups[groups["is_group"] & groups["avg_size"].notna()].itertuples():
        sec.findings.append(f"**{g.sponsor}** ({g.region}, {g.status}): {int(g.n_funds)} funds reported together, "
                            f"{g.size_text} in all: **{g.avg_size_text}** per fund on average ({g.avg_size_bound}). "
                            f"Breakdown: {g.breakdown or 'not stated'}.")
    sec.items.append("A record that stands for several funds reported together (e.g. \"M mother funds and N "
                     "sub-funds, 近X亿元 in all\") is one group, not N records; its size divided by N gives the "
                     "average size per fund. Where the document breaks a group down by type, the funds are counted "
                     "under their types while the money stays with the group (the documents do not split it by "
                     "type), so nothing is counted twice.")
    sec.items.append(Table(
        _to_currency(groups.merge(sub.funds[["fund_id", "currency"]], on="fund_id", how="left")),
        "Fund records as reported (a group of N funds is one record; average size = size / number of funds)",
        [_fund_col(), Col("region", "Region"), Col("sponsor", "Sponsor"), Col("fund_type", "Fund type"),
         Col("status", "Status"), Col("n_funds_text", "Funds"), Col("breakdown", "Breakdown by type"),
         _money_col("total_size", "Size (亿元)", "total_size_qualifier"),
         _money_col("avg_size", "Average size per fund (亿元)", "avg_size_qualifier"),
         Col("as_of", "As of", "period")],
        source=_FUNDS_SOURCE, ids="fund_id"))
    matrix = fund_matrix_table(sub)
    counts = fund_count_matrix(matrix).reset_index()
    types = [c for c in counts.columns if c not in ("region", "sponsor", "status", "total")]
    sec.items.append(Table(
        counts, "Number of funds by sponsor and fund type (groups counted under their breakdown types; ≥: some "
        "record does not state its count; ?: count not stated)",
        [Col("region", "Region"), Col("sponsor", "Sponsor"), Col("status", "Status")]
        + [Col(t, f"{_words(t).capitalize()} (funds)") for t in types] + [Col("total", "Total (funds)")],
        source="the funds table, by analysis.aggregate_funds (breakdown rows give the counts by type)"))
    sec.items.append(Table(
        matrix, "The fund matrix (analysis.aggregate_funds by region, sponsor and type): money summed over "
        "top-level records only",
        [Col("region", "Region"), Col("sponsor", "Sponsor"), Col("fund_type", "Fund type"), Col("status", "Status"),
         Col("n_records", "Records", "int"), Col("n_funds_text", "Funds"), Col("cell", "Cell holds"),
         _money_col("total_size", "Size (亿元)", "total_size_qualifier"),
         _money_col("avg_size", "Average size per fund (亿元)", "avg_size_qualifier")],
        source="the funds table, summed by analysis.aggregate_funds"))
    frame = fund_matrix_frame(matrix)
    if frame.empty:
        sec.items.append("No fund record states a size in yuan: no fund-matrix figure.")
    else:
        fig = _plots.fund_matrix(frame, title="Fund size by sponsor and type (基金矩阵)")
        _plt.close(fig)
        sec.items.append(Figure(
            fig, "Fund size by sponsor and type: hatched bars are bounds (≥ lower, ≤ or < upper), dotted bars "
            "approximate figures; planned funds are targets",
            f"Bar chart of the stated fund size in 亿元 of {len(frame)} sponsor and fund-type cell(s), largest "
            f"{fmt_money(frame['value'].max(), 'exact', digits=3)}."))
    return sec


def _unpaid_words(pr) -> str:
    """What is still to be paid of a commitment, from its paid-in ratio row (committed - paid in)."""
    rest = pr.denominator_value - pr.numerator_value
    q = Bound(pr.qualifier).inverse().qualifier
    if abs(rest) < 0.5:  # less than half a yuan (or dollar): nothing left to pay
        rest = 0.0
    if rest > 0:
        return f"so {format_money(rest, q, pr.currency)} of the commitment is still to be paid"
    if rest < 0:
        return (f"so the stated paid-in capital exceeds the commitment by "
                f"{format_money(-rest, 'exact', pr.currency)} (as stated)")
    return {"at_most": "so at most the whole commitment is paid in: some of it may still be owed",
            "just_under": "so just under the whole commitment is paid in: some of it is still owed",
            "about": "so about the whole commitment is paid in", "about_at_most": "so about the whole commitment "
            "is paid in, perhaps less", "about_at_least": "so about the whole commitment is paid in",
            "unknown": "so about the whole commitment is paid in (bound direction unknown)",
            }.get(pr.qualifier, "so the commitment is fully paid in")


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


def _leverage_sentence(r, ratios: pd.DataFrame, sub: Dataset) -> list[str]:
    """The sentences of one record with a leverage: its leverage and public share, then its paid-in ratio."""
    rows = ratios[ratios["fund_id"] == r.fund_id].set_index("measure")
    ps = rows.loc["public_share"]
    as_of = sub.funds.loc[sub.funds["fund_id"] == r.fund_id, "as_of"].iloc[0]
    n = _records(int(r.n_funds), "fund") if pd.notna(r.n_funds) else "number of funds not stated"
    out = [f"**{r.sponsor}** ({r.region}; {n}, as of {as_of}): a {_words(r.numerator)} of {r.numerator_text} "
           f"over a committed {r.denominator_text} gives leverage **{r.value_text}** ({r.bound}); the sponsor's "
           f"public share is **{ps['value_text']}** ({_words(ps['basis'])})."]
    if "paid_in_ratio" in rows.index:
        pr = rows.loc["paid_in_ratio"]
        out.append(f"Of the committed {pr['denominator_text']}, {pr['numerator_text']} is paid in: paid-in ratio "
                   f"**{pr['value_text']}** ({_words(pr['basis'])}), {_unpaid_words(pr)}.")
    return out


def ratios_section(sub: Dataset) -> Section:
    """Section 2: leverage, paid-in ratio and public share of each fund record that states their figures.

    Parameters
    ----------
    sub : Dataset
        The selected data (:func:`restrict`): the figures of its fund records.

    Returns
    -------
    Section
        Findings: how many records state the figures each ratio needs; each record's leverage, public share and
        paid-in ratio (what is left to pay); which ratios are bounds. Tables: coverage by region, the ratios of
        each record with their figures.
    """
    sec = _section("ratios")
    coverage = figure_coverage(sub)
    ratios = ratio_table(sub)
    if coverage.empty:
        return _says(sec, "No fund records: no ratios.", key=True)
    _says(sec, f"Leverage and public share need size and committed capital on the same record: "
          f"**{int(coverage['with_size_and_committed'].sum())}** of **{int(coverage['records'].sum())}** "
          "record(s) state both; the paid-in ratio needs paid-in and committed capital: "
          f"**{int(coverage['with_paid_in_and_committed'].sum())}** record(s).", key=True)
    lev = ratios[ratios["measure"] == "leverage"]
    if lev.empty:
        sec.findings.append("No record states both a fund size and the public sponsor's committed capital, so no "
                            "leverage can be computed.")
    for r in lev.itertuples():
        sec.findings += _leverage_sentence(r, ratios, sub)
    for r in ratios[ratios["qualifier"] != "exact"].itertuples():
        sec.findings.append(f"{r.sponsor} ({r.region}): {_MEASURE_WORDS[r.measure]} = {r.numerator_text} / "
                            f"{r.denominator_text} = **{r.value_text}** ({r.bound}): the qualifiers of the stated "
                            "figures carry over to the ratio.")
    sec.items.append("Leverage (放大倍数) = total fund size / the public investor's committed capital (认缴), a "
                     "multiple; paid-in ratio = paid-in (实缴) / committed; public share = committed / total size; "
                     "average size = total size / number of funds, where one record stands for a group. Each "
                     "ratio is shown with its numerator and denominator, because data providers mix target size, "
                     "committed and paid-in capital; a ratio is only computed where the same record states both "
                     "figures. Every figure keeps its qualifier: a size written 近X亿元 is just under X亿元, so a "
                     "ratio with it in the numerator is an upper bound, and a planned size is a target.")
    sec.items.append(Table(
        coverage.reset_index(), "Fund records stating each figure, by region",
        [Col("region", "Region"), Col("records", "Records", "int"), Col("funds", "Funds (Σ number of funds)", "int"),
         Col("with_size", "With size (records)", "int"), Col("with_committed", "With committed (records)", "int"),
         Col("with_paid_in", "With paid-in (records)", "int"),
         Col("with_size_and_committed", "With size and committed (records)", "int"),
         Col("funds_with_size_and_committed", "Funds in those records", "int"),
         Col("with_paid_in_and_committed", "With paid-in and committed (records)", "int")],
        source="the funds table (top-level records; breakdown rows carry no money)"))
    if not ratios.empty:
        wide = ratio_record_table(sub)
        sec.items.append(Table(
            wide, "Ratios of each fund record with their numerators and denominators",
            [_fund_col(), Col("region", "Region"), Col("sponsor", "Sponsor"), Col("status", "Status"),
             Col("n_funds", "Funds", "int"),
             _money_col("total_size", "Size (亿元; a target if planned)", "total_size_qualifier"),
             _money_col("committed", "Committed (亿元)", "committed_qualifier"),
             _money_col("paid_in", "Paid in (亿元)", "paid_in_qualifier"),
             Col("leverage", "Leverage (×)", "multiple", qualifier="leverage_qualifier"),
             Col("paid_in_ratio", "Paid-in ratio (%)", "share", qualifier="paid_in_ratio_qualifier"),
             Col("public_share", "Public share (%)", "share", qualifier="public_share_qualifier"),
             _money_col("avg_size", "Average size per fund (亿元)", "avg_size_qualifier")],
            source=_FUNDS_SOURCE + " (leverage = size / committed; paid-in ratio = paid in / committed; public "
            "share = committed / size; average size = size / funds)", ids="fund_id"))
    return sec


def _total_sentence(scope: str, region: str, status: str, currency: str, rows: pd.DataFrame) -> str:
    parts = [f"{_MEASURE_WORDS[r.measure]} **{r.value_text}** ({r.bound}: Σ {_words(r.numerator)} "
             f"{r.numerator_text} / Σ {_words(r.denominator)} {r.denominator_text}, {r.n_records} record(s): "
             f"{r.fund_ids})" for r in rows.itertuples()]
    where = (f"**{region}**" if scope == "region" else
             f"**All regions together** (records of {int(rows['n_regions'].max())} regions added as stated; funds "
             "of a region and of a region within it may be the same funds, which the dataset does not say)")
    target = " (sizes are targets)" if status == "planned" else ""
    return f"{where}, {status} funds in {'USD' if currency == 'usd' else 'yuan'}{target}: " + "; ".join(parts) + "."


def totals_section(sub: Dataset) -> Section:
    """Section 3: leverage, paid-in ratio and public share per region as ratios of sums.

    Parameters
    ----------
    sub : Dataset
        The selected data (:func:`restrict`): its top-level fund records are summed.

    Returns
    -------
    Section
        Findings: one sentence per region, status and currency with each total, its bound, its two sums and the
        records behind it (and the pooled totals of several regions). Table: the totals.
    """
    sec = _section("totals")
    totals = ratio_totals(sub)
    if totals.empty:
        return _says(sec, "No record states both figures of any ratio, so there is no total.")
    for (scope, region, status, currency), rows in totals.groupby(["scope", "region", "status", "currency"],
                                                                   sort=False):
        sec.findings.append(_total_sentence(scope, region, status, currency, rows))
    if (totals["n_records"] == 1).any():
        sec.findings.append("Where a total rests on one record, it is that record's own ratio.")
    if (totals["n_records"] > 1).any():
        sec.findings.append("A total over several records is the mean of their ratios weighted by each record's "
                            "denominator (committed capital for leverage and the paid-in ratio, size for the "
                            "public share), not their plain mean; records of different dates are added as they "
                            "are stated; a bound or an approximate figure in a sum makes the sum, and the ratio, "
                            "a bound or approximate too.")
    sec.items.append("A total is a ratio of sums (Σ size / Σ committed, Σ paid-in / Σ committed, Σ committed / "
                     "Σ size) over the records that state both of its figures, with the count of those records; "
                     "a group of funds is one record and its breakdown rows are never added to it.")
    frame = totals.assign(
        measure_text=[f"{_MEASURE_WORDS[m]} (Σ {_words(n)} / Σ {_words(d)})"
                      for m, n, d in zip(totals["measure"], totals["numerator"], totals["denominator"])],
        multiple=totals["value"].where(totals["unit"] == "multiple"),
        share=totals["value"].where(totals["unit"] == "fraction"))
    sec.items.append(Table(
        frame, "Totals: ratios of sums over the records stating both figures of each ratio",
        [Col("region", "Region"), Col("status", "Status"), Col("measure_text", "Measure"),
         Col("multiple", "Total (×)", "multiple", qualifier="qualifier"),
         Col("share", "Total (%)", "share", qualifier="qualifier"), Col("bound", "Bound"),
         _money_col("numerator_value", "Σ numerator (亿元)", "numerator_qualifier"),
         _money_col("denominator_value", "Σ denominator (亿元)", "denominator_qualifier"),
         Col("n_records", "Records", "int"), Col("fund_ids", "Fund records")],
        source="the funds table, summed by analysis.aggregate_funds over the records named in the last column"))
    return sec


def _plan_items(rows: pd.DataFrame) -> str:
    return "; ".join(f"{r.sponsor}: {_words(r.fund_type)} fund(s), " + (
        f"{r.size_text} ({r.size_basis}, {r.size_bound}; " if r.size_text != "n/a" else "size not stated (")
        + f"{r.as_of}, {r.doc} line {r.line})" for r in rows.itertuples())


def planned_section(sub: Dataset, include_planned: bool = True) -> Section:
    """Section 4: planned funds beside the funds set up.

    Parameters
    ----------
    sub : Dataset
        The selected data (:func:`restrict`), planned and set-up funds alike.
    include_planned : bool
        Whether the selection kept planned funds (the section says so when it did not).

    Returns
    -------
    Section
        Findings: per region, what the plans announce and how large they are against the money in funds set up
        (a multiple, not an attainment rate). Tables: records by status, and the sums per region.
    """
    sec = _section("planned")
    pve = planned_vs_existing(sub)
    summary = planned_summary(sub)
    if not include_planned:
        sec.findings.append("Planned funds are left out (parameter `include_planned` = False).")
    if pve.empty:
        return _says(sec, "No fund records for the regions and period asked.")
    planned = pve[pve["status"] == "planned"]
    if include_planned and planned.empty:
        sec.findings.append("No planned fund in the regions and period asked.")
    for region, rows in planned.groupby("region", sort=False):
        s = summary.xs(region, level="region").iloc[0]
        if s["current_records"] == 0 or pd.isna(s["current_size"]):
            sec.findings.append(f"**{region}** plans: {_plan_items(rows)}. No fund set up is reported with a size, "
                                "so the plan cannot be placed against existing funds.")
        else:
            sec.findings.append(
                f"**{region}** plans: {_plan_items(rows)}. The {int(s['current_records'])} record(s) of funds set up "
                f"(as of {s['current_as_of']}) add up to {s['current_text']} (summed as stated; overlaps the "
                f"documents leave open are not removed); the planned {s['planned_text']} is "
                f"**{s['planned_to_current_text']}** that amount ({s['planned_to_current_bound']}).")
        unsized = int(rows["size"].isna().sum())
        if unsized:
            sec.findings.append(f"The planned sum of {region} is a lower bound: {unsized} planned record(s) state "
                                "no size.")
    ranked = summary.dropna(subset=["planned_to_current"]).sort_values("planned_to_current", ascending=False)
    if not ranked.empty:
        (region, _cur), top = ranked.index[0], ranked.iloc[0]
        where = (f"In **{region}**" if len(ranked) == 1 else
                 f"Of the {len(ranked)} regions with planned and set-up funds of stated size, plans weigh most "
                 f"against the funds set up in **{region}**")
        sec.findings.insert(0, f"{where}: the planned {top['planned_text']} is **{top['planned_to_current_text']}** "
                            f"the {top['current_text']} in funds set up (a target beside a stock, not an attainment "
                            "rate).")
        sec.key.append(sec.findings[0])
    sec.items.append("A planned size is a target (计划, 设立 … 以上), not money raised; 以上 makes it a lower bound on "
                     "the target. The comparison places a plan against the stock of funds the documents report; it "
                     "is not an attainment rate, since the documents do not say which existing fund answers to "
                     "which plan.")
    sec.items.append(Table(
        _to_currency(pve.merge(sub.funds[["fund_id", "currency"]], on="fund_id", how="left")),
        "Fund records by status: existing (set up), new (set up during the period), planned (announced; sizes are "
        "targets)",
        [_fund_col(), Col("region", "Region"), Col("status", "Status"), Col("sponsor", "Sponsor"),
         Col("fund_type", "Fund type"), Col("n_funds_text", "Funds"),
         _money_col("size", "Size (亿元; a target if planned)", "size_qualifier"), Col("as_of", "As of", "period"),
         Col("note", "Note")],
        source=_FUNDS_SOURCE, ids="fund_id"))
    sec.items.append(Table(
        summary.reset_index(), "Money in funds set up (existing and new records, summed as stated, overlaps not "
        "removed) and in planned funds; planned / current as a multiple",
        [Col("region", "Region"), Col("current_records", "Records set up", "int"),
         _money_col("current_size", "Set up (亿元)", "current_size_qualifier"),
         Col("current_as_of", "Set up: as of"), Col("planned_records", "Planned records", "int"),
         _money_col("planned_size", "Planned, target (亿元)", "planned_size_qualifier"),
         Col("planned_as_of", "Planned: as of"),
         Col("planned_to_current", "Planned / set up (×)", "multiple", qualifier="planned_to_current_qualifier"),
         Col("planned_to_current_bound", "Bound")],
        source="the funds table, summed by analysis.aggregate_funds"))
    return sec


def stakes_section(sub: Dataset) -> Section:
    """Section 5: direct equity stakes, the company value a stake implies and money per investment.

    Parameters
    ----------
    sub : Dataset
        Selected data (:func:`restrict`); only its equity stakes matter here.

    Returns
    -------
    Section
        Findings: each implied company value and each group's money per investment. Table: the stakes.
    """
    sec = _section("stakes")
    stakes = stake_values(sub)
    if stakes.empty:
        return _says(sec, "No equity stakes for the regions and period asked.")
    for s in stakes[stakes["implied_value"].notna()].itertuples():
        sec.findings.append(
            f"**{s.investor}** ({s.region}) put {s.amount_text} into {_text(s.investee, 'an unnamed company')} for "
            f"{fmt_pct(s.stake_pct, 1)} of it: amount / share prices the whole company at **{s.implied_value_text}** "
            f"(note on the amount: {_text(s.note, 'not stated')}).")
    for s in stakes[stakes["n_investments"].fillna(0) > 1].itertuples():
        sec.findings.append(
            f"**{s.investor}** ({s.region}) reports {int(s.n_investments)} equity investments with {s.amount_text} "
            f"in all: **{s.per_investment_text}** per investment on average "
            f"({_text(s.note, 'basis of the amount not stated')}).")
    if len(sec.findings) == 0:
        sec.findings.append(f"{_records(len(stakes), 'equity-stake record')}: none states a stake share or several "
                            "investments, so no company value or money per investment follows.")
    sec.items.append("Besides funds, platforms invest directly. The price of a stake implies a value for the whole "
                     "company (amount / stake share); a record that stands for several investments gives the money "
                     "per investment.")
    sec.items.append(Table(
        stakes, "Equity stakes: implied company value = amount / (stake % / 100); per investment = amount / "
        "number of investments",
        [Col("stake_id", "Stake record"), Col("region", "Region"), Col("investor", "Investor"),
         Col("investee", "Company"), Col("n_investments", "Investments", "int"),
         Col("amount", "Amount (亿元)", "money", digits=3, qualifier="amount_qualifier"),
         Col("stake_pct", "Stake (%)", "pct"),
         Col("implied_value", "Implied company value (亿元)", "money", digits=3, qualifier="implied_value_qualifier"),
         Col("per_investment", "Per investment (亿元)", "money", digits=3, qualifier="per_investment_qualifier"),
         Col("as_of", "As of", "period"), Col("note", "Note")],
        source="the equity_stakes table (document and line: appendix); values by analysis.funds", ids="stake_id"))
    return sec


def _policy_sentence(r) -> str:
    ctx = r.policy_context if r.policy_context != "undetermined" else "not placeable against"
    kind = ("It is a sub-fund, the kind of fund the cap is written for." if r.is_sub_fund else
            f"It is {_article(_words(r.fund_type))} {_words(r.fund_type)} record, not a single sub-fund, so the "
            "sub-fund cap need not apply to it.")
    return (f"{r.label}: leverage {r.leverage_text}, public share {r.public_share_text}: **{ctx}** the usual "
            f"range. {kind}")


def policy_section(sub: Dataset) -> Section:
    """Section 6: leverage and public share against the usual policy ranges (context, not a verdict).

    Parameters
    ----------
    sub : Dataset
        The selected data (:func:`restrict`): records stating a leverage are placed.

    Returns
    -------
    Section
        Findings: the usual ranges; where each record's leverage lies against them; that no reinvestment
        requirement is recorded. Table and figure: leverage against the range.
    """
    sec = _section("policy")
    lo, hi = POLICY_PUBLIC_SHARE_RANGE
    llo, lhi = (format_measure(x, None, "multiple") for x in POLICY_LEVERAGE_RANGE)
    rlo, rhi = (format_measure(x, None, "multiple") for x in POLICY_REINVESTMENT_RANGE)
    _says(sec, f"Usual cap on the public share of a sub-fund: **{fmt_pct(lo * 100, 0)}-{fmt_pct(hi * 100, 0)}** "
                        f"of committed capital, i.e. leverage **{llo}-{lhi}**. Reinvestment (返投) requirements: "
                        f"commonly **{rlo}-{rhi}** the public contribution (until the 2025 guidance).")
    policy = policy_table(sub)
    if policy.empty:
        _says(sec, "No record states both size and committed capital, so no leverage can be placed against the "
              "range.", key=True)
    else:
        counts = policy["policy_context"].value_counts()
        parts = [f"{c if c != 'undetermined' else 'not placeable'}: **{int(counts.get(c, 0))}**"
                 for c in ("below", "within", "above", "undetermined")]
        _says(sec, f"Against the usual leverage range of {llo}-{lhi}, the {len(policy)} record(s) with a leverage "
              f"lie {'; '.join(parts)}; sub-funds among them (the kind of fund the cap is written for): "
              f"**{int(policy['is_sub_fund'].sum())}**.", key=True)
        sec.findings += [_policy_sentence(r) for r in policy.itertuples()]
    sec.findings.append("The funds table records no reinvestment (返投) requirement, so that range cannot be set "
                        "against the data.")
    sec.items.append("Policy documents often cap the public share of a *sub-fund*, and many required reinvestment "
                     "in the region (返投) until the 2025 national guidance asked to lower or drop such "
                     "requirements. These ranges are context for reading the figures, not a verdict: a platform's "
                     "commitment to several funds, or a mother fund, is not held to a sub-fund's cap.")
    if policy.empty:
        return sec
    sec.items.append(Table(
        policy, "Leverage and public share against the usual range (context, not a verdict)",
        [_fund_col(), Col("region", "Region"), Col("sponsor", "Sponsor"), Col("fund_type", "Fund type"),
         Col("n_funds", "Funds", "int"), Col("leverage", "Leverage (×)", "multiple", qualifier="leverage_qualifier"),
         Col("leverage_basis", "Leverage basis"),
         Col("public_share", "Public share (%)", "share", qualifier="public_share_qualifier"),
         Col("policy_context", "Against the usual range"), Col("is_sub_fund", "Sub-fund", "bool")],
        source=_FUNDS_SOURCE + "; range: analysis.funds.POLICY_LEVERAGE_RANGE", ids="fund_id"))
    fig = _plots.leverage_chart(leverage_frame(policy), band=POLICY_LEVERAGE_RANGE,
                                title="Leverage (放大倍数) against the usual policy range")
    _plt.close(fig)
    sec.items.append(Figure(fig, f"Leverage (放大倍数) of each record against the usual policy range {llo}-{lhi}",
                            f"Horizontal bars of the leverage of {_records(len(policy))}, from "
                            f"{fmt_multiple(policy['leverage'].min())} to {fmt_multiple(policy['leverage'].max())}, "
                            f"with the band {llo}-{lhi} shaded."))
    return sec


def statistics_section(sub: Dataset) -> Section:
    """Section 7: whether the records allow an estimate or a test of leverage.

    Parameters
    ----------
    sub : Dataset
        The selected data (:func:`restrict`): its records are counted.

    Returns
    -------
    Section
        One finding: the number of records stating both size and committed capital, and what it allows.
    """
    sec = _section("statistics")
    n = sample_size(sub)
    if n.n_records == 0:
        return _says(sec, f"No: no fund record states both size and committed capital (**n = {n.n_records}**), so "
                     "there is nothing to estimate or test.", key=True)
    if n.enough:
        return _says(sec, f"**n = {n.n_records}** fund records state both size and committed capital ({n.n_funds} "
                     "funds). The library has no test for fund leverage; the records are listed in section 2.",
                     key=True)
    _says(sec, f"Too few records for any estimate: **n = {n.n_records}** fund record(s) state both size and "
          f"committed capital (standing for {n.n_funds} fund(s)), fewer than the {n.warn_n} below which an estimate "
          "means little.", key=True)
    _says(sec, f"A group reports one size and one commitment, so it is one observation; an estimate with a "
          f"confidence interval needs at least {n.min_n} observations (analysis.stats). The figures above are "
          "descriptions of the records, not estimates of a population.")
    return sec


def documents_section(ds: Dataset, prov: pd.DataFrame) -> Section:
    """Section 8: the documents the figures of the report come from.

    Parameters
    ----------
    ds : Dataset
        The loaded data (its ``documents`` table).
    prov : pandas.DataFrame
        The source figures used (:func:`analysis.reporting.provenance`).

    Returns
    -------
    Section
    """
    sec = _section("documents")
    docs = ds.documents[ds.documents["doc"].isin(prov["doc"])]
    if prov.empty:
        return _says(sec, "No source figure was used.")
    sec.findings.append(f"The {_records(len(prov), 'source figure')} used come from "
                        f"{_records(prov['doc'].nunique(), 'document')}; each is listed with its document and line "
                        "in the appendix.")
    if not docs.empty:
        sec.items.append(Table(docs, "Documents cited",
                               [Col("doc", "Document"), Col("title_en", "Title"), Col("published", "Published"),
                                Col("period", "Period", "period"), Col("region", "Region")],
                               source="the documents table"))
    return sec


def _provenance_table(prov: pd.DataFrame) -> Table:
    return Table(prov, "Source figures used (funds and equity stakes), as the documents write them",
                 [Col("table", "Table"), Col("id", "Record"), Col("figure", "Figure as written"),
                  Col("doc", "Document"), Col("line", "Line", "int")],
                 source="the dataset's funds and equity_stakes tables")


def _data_label(ds: Dataset) -> str:
    default = ds.source.resolve() == config.DEFAULT_DATA_DIR.resolve()
    return f"{'embedded dataset (data/default)' if default else ds.source}, fingerprint `{ds.fingerprint}`"


def _scope_text(present: list[str], missing: list[str], p, include_planned: bool, sub: Dataset) -> str:
    text = [f"Regions studied: **{', '.join(present) or 'none'}**."]
    if missing:
        text.append(f"No fund or equity-stake data for: **{', '.join(missing)}**.")
    text.append(f"Period filter: {p.period or 'none (every period)'}; stated by: "
                f"{p.as_of.date() if p.as_of is not None else 'no limit'}; planned funds: "
                f"{'included' if include_planned else 'excluded'}.")
    if sub.funds.empty and sub.equity_stakes.empty:
        text.append("With these parameters the dataset holds no fund and no equity stake: every section is empty.")
    return ("This study reads the fund matrix the documents report (基金招商, \"fund + base\": local governments "
            "and their platforms set up funds to attract investment) and the platforms' direct equity stakes. "
            + " ".join(text))


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


def run(data_dir=None, regions=None, period=None, as_of=None, include_planned: bool = True) -> Report:
    """Study 02, fund matrix and leverage: validate the parameters, load and select the data, build the report.

    Parameters
    ----------
    data_dir : str or None
        Dataset folder (None: the embedded dataset); a relative path is read from the project folder.
    regions : None, str or list of str
        Regions to study (None: every region with fund or equity-stake data), as
        :func:`analysis.params.check_study_params` reads them.
    period : None, str or int
        Keep figures whose as-of period lies within this period (``2022``, ``2022Q1``).
    as_of : None or str
        Keep figures stated by this date, ``YYYY-MM-DD``.
    include_planned : bool
        Show planned (announced, not yet set up) funds beside the existing ones.

    Returns
    -------
    Report
        Sections ``matrix``, ``ratios``, ``totals``, ``planned``, ``stakes``, ``policy``, ``statistics``,
        ``documents``, and the provenance appendix.

    Raises
    ------
    ValueError
        For a parameter that is not valid, naming it (a region the dataset does not know included).
    """
    p = check_study_params(data_dir=data_dir, regions=regions, period=period, as_of=as_of)
    include_planned = check_include_planned(include_planned)
    ds = load_dataset(p.data_dir)
    p = p.with_regions(ds)
    present, missing = study_regions(ds, p.regions)
    sub = restrict(ds, regions=p.regions, period=p.period, as_of=p.as_of, include_planned=include_planned)
    prov = provenance(ds, funds=sub.funds, equity_stakes=sub.equity_stakes)
    sections = [matrix_section(sub), ratios_section(sub), totals_section(sub), planned_section(sub, include_planned),
                stakes_section(sub), policy_section(sub), statistics_section(sub), documents_section(ds, prov)]
    params = {"data_dir": data_dir, "regions": regions, "period": period, "as_of": as_of,
              "include_planned": include_planned}
    return Report(STUDY, TITLE, QUESTION, params, _data_label(ds), sections, provenance=_provenance_table(prov),
                  intro=_scope_text(present, missing, p, include_planned, sub), fingerprint=ds.fingerprint)
