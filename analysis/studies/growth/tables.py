"""Study 01's tables: what the investment-growth study picks from a dataset, in tidy frames.

Taizhou's investment race (投资"赛马") ranks counties each quarter on fixed-asset investment growth and pays
the top ones; its scoreboard (晾晒表) publishes the ranks. This module selects, from a
:class:`~analysis.io.Dataset` (or its ``observations`` table), the figures each section of the study needs and
puts them in tidy frames; the arithmetic itself is :mod:`analysis.growth` and :mod:`analysis.stats`, the
sentences, tables and figures of the report :mod:`analysis.studies.growth.report`.

* :func:`select_observations`: actual, sound figures of the regions, period and date asked for;
* :func:`levels_and_rates`, :func:`revision_table`: levels, year-on-year rates, implied bases (with their bound
  direction) and, where the prior year was published, revision factors;
* :func:`component_keys`, :func:`component_table`, :func:`component_check`, :func:`pull_frame`,
  :func:`subarea_shares`: a total (fixed-asset investment) and its components (government and industrial
  investment) for the same region, entity and period, their pulls (拉动) and contribution shares (贡献率);
* :func:`count_value_pairs`: a count (new-start projects) beside its value (their investment) → average size;
* :func:`times_readings`: figures written ``增长N倍`` and the base each reading implies;
* :func:`region_parents`, :func:`growth_panel`, :func:`left_out_regions`, :func:`race_table`,
  :func:`race_stability`, :func:`reward_counts`, :func:`race_rewards`: the scoreboard;
* :func:`level_series`, :func:`trend_table`: trend growth where a series has enough levels;
* :func:`growth_bars`: the rows the levels chart draws;
* :func:`used_obs_ids`: the observations a study used, for :func:`analysis.reporting.provenance`.

Conventions: growth rates in percent (13.7 means +13.7 %), pulls in percentage points (pp), contribution
shares as fractions, levels in the dataset's base units (yuan, counts) unless a column says 亿元.
Only observations with ``status == 'actual'`` and ``quality != 'damaged'`` are used as outcomes; targets and
plans are never mixed in. ``entity`` is empty (NaN) for a region as a whole; two empty entities match.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ...growth import (ComponentCheck, check_components, decompose_growth, implied_base_bound, rank_stability,
                     scoreboard)
from ...io import Dataset
from ...params import region_list
from ...periods import PeriodParseError, parse_period, period_bounds, period_order
from ...stats import MIN_N, trend_growth
from ...units import LOWER_BOUND_QUALIFIERS, UPPER_BOUND_QUALIFIERS, QuantityParseError, parse_quantity

__all__ = [
    "TOTAL_INDICATOR",
    "COMPONENT_INDICATORS",
    "COUNT_VALUE_PAIRS",
    "Selection",
    "select_observations",
    "is_investment_indicator",
    "levels_and_rates",
    "prior_year_label",
    "revision_table",
    "component_keys",
    "component_table",
    "component_check",
    "pull_frame",
    "subarea_shares",
    "count_value_pairs",
    "times_readings",
    "PARENT_REASON",
    "region_parents",
    "growth_panel",
    "left_out_regions",
    "race_table",
    "race_stability",
    "reward_counts",
    "level_series",
    "trend_table",
    "used_obs_ids",
    "growth_bars",
    "race_rewards",
]

# TODO(vocab): which indicators are components of which total, and which counts pair with which values, belong
# in data/default/indicators.csv (issue 9, item 3); until its API is on main they are these two constants.
#: The total whose components the study decomposes (固定资产投资).
TOTAL_INDICATOR = "fixed_asset_investment"
#: Its components as the documents report them: 政府性投入 and 工业性投入.
COMPONENT_INDICATORS = ("government_investment", "industrial_investment")
#: Count indicator → the indicator of the same items' value (新开工项目 → 新开工项目总投资).
COUNT_VALUE_PAIRS = {"new_start_projects": "new_start_projects_investment"}

#: What the table functions read: a dataset, or its observations table.
Data = Dataset | pd.DataFrame
#: Regions as a study parameter: names, a comma-separated string, or None for every region with data.
Regions = str | Sequence[str] | None

_OBS_COLUMNS = ("obs_id", "region", "entity", "period", "indicator", "status", "value", "unit", "qualifier",
                "yoy_pct", "yoy_qualifier", "quality", "doc", "line")
_KINDS_PER_YEAR = {"year": 1, "quarter": 4, "month": 12}


# --- input handling -----------------------------------------------------------------------------------------


def _observations(data: Any, name: str = "data") -> pd.DataFrame:
    """The observations table of a Dataset, or a DataFrame checked to have the columns the study reads."""
    if isinstance(data, Dataset):
        return data.observations
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"{name}: expected a Dataset or an observations DataFrame, got {type(data).__name__}")
    missing = [c for c in _OBS_COLUMNS if c not in data.columns]
    if missing:
        raise ValueError(f"{name}: the observations frame lacks column(s) {missing}")
    return data


def _require(frame: Any, name: str, producer: str, columns: list[str]) -> None:
    """Raise a ValueError naming the argument unless ``frame`` is a DataFrame with ``columns`` (the output of
    ``producer``)."""
    if not isinstance(frame, pd.DataFrame) or any(c not in frame.columns for c in columns):
        raise ValueError(f"{name}: expected the output of {producer} (columns {columns})")


def _empty(columns: list[str]) -> pd.DataFrame:
    """An empty frame with these columns (what a function returns when nothing is reported)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _entity_key(s: pd.Series) -> pd.Series:
    """Entity as a matching key: empty (NaN) for the region as a whole becomes ''."""
    return s.astype(object).where(s.notna(), "").astype(str)


def _period_mask(labels: pd.Series, period: Any) -> pd.Series:
    """Rows whose period lies within ``period`` (``unknown`` matches only ``unknown``)."""
    try:
        p = parse_period(str(period))
    except PeriodParseError as e:
        raise ValueError(f"period: {e}") from None
    if not p.known:
        return labels.astype(str) == "unknown"
    b = period_bounds(labels)
    return (b["start"] >= p.start) & (b["end"] <= p.end) & b["start"].notna()


def _in_data_order(df: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``df`` sorted by ``by``, regions in the order the frame first names them (not in code-point order,
    which means nothing for Chinese names); stable, so equal keys keep their order."""
    first = {r: i for i, r in enumerate(pd.unique(df["region"].astype(object)))}
    return df.sort_values(by, key=lambda c: c.map(first) if c.name == "region" else c, kind="stable")


# --- selection ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """The observations a study works on, and what was left out.

    Attributes
    ----------
    observations : DataFrame
        Actual (``status == 'actual'``), not damaged rows of the regions, period and date asked for.
    regions : list of str
        Regions asked for that have data, in the order asked; when none was asked, all regions with data in the
        order the data first name them (not sorted: code-point order means nothing for Chinese names).
    missing : list of str
        Regions asked for that have no observation at all.
    n_damaged : int
        Actual rows of the selected regions left out because their figure is damaged.
    n_other_period : int
        Actual rows left out because their period does not lie within ``period`` (unknown periods included).
    n_after_as_of : int
        Actual rows left out because their period ends after ``as_of``.
    period, as_of : str or None
        As asked (``as_of`` as ``YYYY-MM-DD``).
    """

    observations: pd.DataFrame = field(repr=False)
    regions: list
    missing: list
    n_damaged: int
    n_other_period: int
    n_after_as_of: int
    period: str | None
    as_of: str | None


def select_observations(data: Data, regions: Regions = None, period: str | int | None = None,
                        as_of: str | pd.Timestamp | None = None) -> Selection:
    """Actual, sound observations of the regions and period asked for, as of a date.

    Parameters
    ----------
    data : Dataset or DataFrame
        A dataset, or its ``observations`` table.
    regions : None, str or list of str
        Region names (a comma-separated string is split); None for every region with data.
    period : None, str or int
        A period of :mod:`analysis.periods` (``2022``, ``2022Q1``, ``unknown``); rows whose period lies within
        it are kept. None keeps every period, including ``unknown``.
    as_of : None, str or Timestamp
        Keep only periods that have ended by this date (a scoreboard read on that day); rows of unknown period
        are kept, since their end cannot be placed.

    Returns
    -------
    Selection
        The rows and the counts of rows left out (see its attributes). The rows keep the table's index.

    Raises
    ------
    ValueError
        For ``data`` of the wrong type or without the needed columns, a malformed ``regions``, a ``period``
        outside the grammar, or an ``as_of`` that is not a date.

    Notes
    -----
    A period ``P`` keeps a row of period ``Q`` when ``start(P) <= start(Q)`` and ``end(Q) <= end(P)``:
    ``period=2022`` keeps ``2022Q1``. Targets, plans and forecasts are left out: this selection holds outcomes.
    """
    obs = _observations(data)
    asked = region_list(regions)
    have = list(pd.unique(obs["region"].dropna().astype(str)))  # order of the data, not of code points
    if asked is None:
        present, missing = have, []
    else:
        present = [r for r in asked if r in have]
        missing = [r for r in asked if r not in have]
    in_regions = obs["region"].isin(present)
    actual = in_regions & (obs["status"] == "actual")
    damaged = actual & (obs["quality"] == "damaged")
    keep = actual & ~damaged
    period_label = None
    n_other = 0
    if period not in (None, ""):
        if isinstance(period, bool) or not isinstance(period, (str, int, np.integer)):
            raise ValueError(f"period: expected a period such as 2022 or 2022Q1, got {period!r}")
        period_label = parse_period(str(period)).label if str(period) else None
        inside = _period_mask(obs["period"], period_label)
        n_other = int((keep & ~inside).sum())
        keep &= inside
    as_of_label = None
    n_after = 0
    if as_of not in (None, ""):
        try:
            ts = pd.Timestamp(str(as_of) if not isinstance(as_of, pd.Timestamp) else as_of)
        except (ValueError, TypeError):
            raise ValueError(f"as_of: expected a date YYYY-MM-DD, got {as_of!r}") from None
        if pd.isna(ts):
            raise ValueError(f"as_of: expected a date YYYY-MM-DD, got {as_of!r}")
        as_of_label = ts.strftime("%Y-%m-%d")
        ends = period_bounds(obs["period"])["end"]
        late = ends.notna() & (ends > ts)
        n_after = int((keep & late).sum())
        keep &= ~late
    return Selection(observations=obs[keep], regions=present, missing=missing, n_damaged=int(damaged.sum()),
                     n_other_period=n_other, n_after_as_of=n_after, period=period_label, as_of=as_of_label)


# --- levels and rates ---------------------------------------------------------------------------------------


def is_investment_indicator(indicators: pd.Series | Sequence[str],
                            units: pd.Series | Sequence[str] | None = None) -> pd.Series:
    """Whether each indicator is an investment amount.

    Parameters
    ----------
    indicators : Series or list of str
        Indicator names (codebook vocabulary, e.g. ``fixed_asset_investment``).
    units : Series or list of str, optional
        The rows' units, same length; when given, a row counts only if its unit is money (``yuan``, ``usd``)
        or missing (a rate-only row).

    Returns
    -------
    Series of bool
        Same index as a Series input (a RangeIndex for a list), named ``is_investment``.

    Raises
    ------
    ValueError
        If ``indicators`` is not a Series, list or tuple, or ``units`` differs in length.

    Notes
    -----
    A naming rule: the snake-case name contains ``investment``. ``fixed_asset_investment``,
    ``government_investment``, ``industrial_investment``, ``new_start_projects_investment`` are investment;
    ``new_start_projects`` (a count) and ``industrial_output`` are not. With ``units``, counts whose name
    mentions investment (``policy_measures_effective_investment``, articles of a policy) are left out.
    """
    if isinstance(indicators, (list, tuple)):
        indicators = pd.Series(list(indicators), dtype=object)
    if not isinstance(indicators, pd.Series):
        raise ValueError(f"indicators: expected a Series or list of names, got {type(indicators).__name__}")
    out = indicators.astype(str).str.contains("investment", regex=False)
    if units is not None:
        u = pd.Series(list(units), dtype=object)
        if len(u) != len(indicators):
            raise ValueError(f"units: expected {len(indicators)} values (one per indicator), got {len(u)}")
        money = (u.isna() | u.isin(["yuan", "usd"])).to_numpy()
        out = out & money
    return out.rename("is_investment")


def _bound(level: float, growth: float, level_q: Any, growth_q: Any) -> str:
    if not (np.isfinite(level) and np.isfinite(growth)) or growth <= -100:
        return ""
    lq = level_q if isinstance(level_q, str) and level_q else "exact"
    gq = growth_q if isinstance(growth_q, str) and growth_q else "exact"
    return implied_base_bound(level, growth, level_qualifier=lq, growth_qualifier=gq).bound


def levels_and_rates(data: Data, indicators: Sequence[str] | None = None, *,
                     investment_only: bool = True) -> pd.DataFrame:
    """Levels with their year-on-year rates, implied bases and increments, one row per reported figure.

    Parameters
    ----------
    data : Dataset or DataFrame
        Observations (already selected, e.g. ``select_observations(...).observations``).
    indicators : list of str, optional
        Indicators to keep; default every indicator with a growth rate (investment only, see below), plus
        :data:`TOTAL_INDICATOR` levels without a rate.
    investment_only : bool, default True
        With ``indicators=None``, keep only investment amounts (:func:`is_investment_indicator` with units).

    Returns
    -------
    DataFrame
        Index as in ``data``; columns ``obs_id``, ``region``, ``entity``, ``period``, ``indicator``,
        ``indicator_zh``, ``level`` (base units), ``unit``, ``level_qualifier``, ``raw``, ``growth_pct``
        (percent), ``growth_qualifier``, ``yoy_raw``, ``base`` and ``increment`` (base units; NaN where the
        level or the rate is missing), ``base_bound`` ('exact', 'upper', 'lower', 'about', 'none'; '' where no
        base), ``doc``, ``line``. Sorted by region (in the order of the data), period, indicator.

    Raises
    ------
    ValueError
        For ``data`` of the wrong type or lacking columns.

    Notes
    -----
    ``base = level / (1 + g/100)``, ``increment = level - base`` (:func:`analysis.decompose_growth`). The bound
    follows :func:`analysis.implied_base_bound`: a lower-bounded rate (增长7倍多) makes the base an upper bound.
    """
    obs = _observations(data)
    if indicators is None:
        sel = obs["yoy_pct"].notna() | ((obs["indicator"] == TOTAL_INDICATOR) & obs["value"].notna())
        if investment_only:
            sel &= is_investment_indicator(obs["indicator"], obs["unit"])
    else:
        sel = obs["indicator"].isin(list(indicators)) & (obs["yoy_pct"].notna() | obs["value"].notna())
    rows = obs[sel]
    out = pd.DataFrame({
        "obs_id": rows["obs_id"], "region": rows["region"], "entity": rows["entity"], "period": rows["period"],
        "indicator": rows["indicator"],
        "indicator_zh": rows["indicator_zh"] if "indicator_zh" in rows else rows["indicator"],
        "level": rows["value"].astype(float), "unit": rows["unit"], "level_qualifier": rows["qualifier"],
        "raw": rows["raw"] if "raw" in rows else pd.NA, "growth_pct": rows["yoy_pct"].astype(float),
        "growth_qualifier": rows["yoy_qualifier"],
        "yoy_raw": rows["yoy_raw"] if "yoy_raw" in rows else pd.NA,
    })
    ok = out["level"].notna() & out["growth_pct"].notna() & (out["growth_pct"] > -100)
    res = decompose_growth(out["level"].where(ok), out["growth_pct"].where(ok))
    out["base"] = res.base
    out["increment"] = res.increment
    out["base_bound"] = [_bound(lv, g, lq, gq) if k else "" for lv, g, lq, gq, k in
                         zip(out["level"], out["growth_pct"], out["level_qualifier"], out["growth_qualifier"], ok)]
    out["doc"], out["line"] = rows["doc"], rows["line"]
    return _in_data_order(out, ["region", "period", "indicator"])



_YEAR_IN_LABEL = re.compile(r"\d{4}")


def prior_year_label(label: str) -> str | None:
    """The same period one year earlier (``2023`` → ``2022``, ``2023Q1`` → ``2022Q1``).

    Parameters
    ----------
    label : str
        A period label of :mod:`analysis.periods`.

    Returns
    -------
    str or None
        The label with every year moved back by one; None for ``unknown`` or a label outside the grammar.

    Raises
    ------
    ValueError
        If ``label`` is not a string.

    Notes
    -----
    Year-on-year growth compares a period with the same period a year earlier: the prior label of
    ``2022-01/2022-10`` is ``2021-01/2021-10``. A date ``2024-02-29`` has no prior (None).
    """
    if not isinstance(label, str):
        raise ValueError(f"label: expected a period string, got {type(label).__name__} {label!r}")
    try:
        p = parse_period(label)
    except PeriodParseError:
        return None
    if not p.known:
        return None
    prior = _YEAR_IN_LABEL.sub(lambda m: str(int(m.group()) - 1), p.label)
    try:
        return parse_period(prior).label
    except PeriodParseError:
        return None


def revision_table(data: Data, table: pd.DataFrame) -> pd.DataFrame:
    """Implied bases against prior-year levels published in the same dataset (revision factors).

    Parameters
    ----------
    data : Dataset or DataFrame
        Observations in which to look for the prior-year level (same region, entity, indicator and unit,
        period one year earlier, actual and not damaged).
    table : DataFrame
        Output of :func:`levels_and_rates` (rows with a base are used).

    Returns
    -------
    DataFrame
        One row per figure whose prior-year level is in ``data``: ``obs_id``, ``region``, ``entity``,
        ``indicator``, ``unit``, ``period``, ``base`` (implied), ``prior_period``, ``prior_obs_id``, ``published_prior``
        and ``revision_factor`` (implied / published, 1 = no revision). Empty (with these columns) when none.

    Raises
    ------
    ValueError
        For inputs of the wrong type or lacking columns.

    Notes
    -----
    ``factor = [L_t / (1 + g_t/100)] / L_{t-1}`` (:func:`analysis.revision_factor`). Official rates use
    revised bases that are not back-filled, so a factor away from 1 is information about revisions, not an error.
    """
    obs = _observations(data)
    cols = ["obs_id", "region", "entity", "indicator", "unit", "period", "base", "prior_period", "prior_obs_id",
            "published_prior", "revision_factor"]
    if not isinstance(table, pd.DataFrame) or "base" not in table.columns:
        raise ValueError("table: expected the output of levels_and_rates")
    t = table[table["base"].notna()].copy()
    prior = obs[(obs["status"] == "actual") & (obs["quality"] != "damaged") & obs["value"].notna()]
    if t.empty or prior.empty:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("base", "published_prior", "revision_factor")
                                          else object) for c in cols})
    t["prior_period"] = [prior_year_label(str(p)) for p in t["period"]]
    t["_e"] = _entity_key(t["entity"])
    right = pd.DataFrame({"region": prior["region"], "_e": _entity_key(prior["entity"]),
                          "indicator": prior["indicator"], "unit": prior["unit"], "prior_period": prior["period"],
                          "prior_obs_id": prior["obs_id"], "published_prior": prior["value"].astype(float)})
    right = right.drop_duplicates(["region", "_e", "indicator", "unit", "prior_period"], keep=False)
    m = t.merge(right, on=["region", "_e", "indicator", "unit", "prior_period"], how="inner")
    m["revision_factor"] = m["base"] / m["published_prior"]
    return m[cols].reset_index(drop=True)


# --- components: pull and contribution share ---------------------------------------------------------------


def component_keys(data: Data, total: str = TOTAL_INDICATOR,
                   components: Sequence[str] = COMPONENT_INDICATORS) -> pd.DataFrame:
    """Region, entity and period where a total and at least one of its components are both reported.

    Parameters
    ----------
    data : Dataset or DataFrame
        Observations.
    total : str, default ``'fixed_asset_investment'``
        Indicator of the total.
    components : sequence of str
        Indicators of its components (default government and industrial investment).

    Returns
    -------
    DataFrame
        Columns ``region``, ``entity`` (NaN for the region as a whole), ``period``, ``n_components``
        (components with a level and a rate), ``complete`` (bool: every component in ``components`` has both).
        Only keys where the total has a level and a rate and ``n_components >= 1``. Sorted by region (in the
        order of the data) and period; RangeIndex.

    Raises
    ------
    ValueError
        For ``data`` of the wrong type or an empty ``components``.

    Notes
    -----
    Only actual, not damaged figures with both a level (``value``) and a rate (``yoy_pct``) count: a pull
    needs the component's increment and the total's base. Entities must match exactly (empty with empty).
    """
    obs = _observations(data)
    comps = list(components)
    if not comps or total in comps:
        raise ValueError(f"components: expected one or more indicators other than the total, got {comps!r}")
    good = obs[(obs["status"] == "actual") & (obs["quality"] != "damaged") & obs["value"].notna()
               & obs["yoy_pct"].notna() & obs["indicator"].isin([total, *comps])]
    key = pd.DataFrame({"region": good["region"], "_e": _entity_key(good["entity"]), "period": good["period"],
                        "indicator": good["indicator"]})
    has_total = key[key["indicator"] == total][["region", "_e", "period"]].drop_duplicates()
    n_comp = (key[key["indicator"] != total].drop_duplicates()
              .groupby(["region", "_e", "period"]).size().rename("n_components").reset_index())
    out = has_total.merge(n_comp, on=["region", "_e", "period"], how="inner")
    out["complete"] = out["n_components"] == len(set(comps))
    out["entity"] = out["_e"].where(out["_e"] != "", np.nan)
    out = out[["region", "entity", "period", "n_components", "complete"]]
    return _in_data_order(out, ["region", "period"]).reset_index(drop=True)


def component_table(data: Data, region: str, period: str, entity: str | None = None, *, total: str = TOTAL_INDICATOR,
                    components: Sequence[str] = COMPONENT_INDICATORS) -> pd.DataFrame:
    """The total and its components reported for one region, entity and period.

    Parameters
    ----------
    data : Dataset or DataFrame
        Observations.
    region : str
        Region name as in the data (``'Eastern cluster'``).
    period : str
        Period label exactly as recorded (``'unknown'`` for the damaged document 004).
    entity : str or None, default None
        None (or NaN) for the region as a whole: rows with an empty entity. A sub-area's rows (entity set, e.g.
        ``'Eastern XX county district (东部XX县区)'``) are matched only when their entity is given.
    total, components : str, sequence of str
        Indicators of the total and of its components.

    Returns
    -------
    DataFrame
        Indexed by ``indicator`` (the total first, then components in the order given); columns ``role``
        ('total' or 'component'), ``obs_id``, ``indicator_zh``, ``level`` (base units), ``level_100m`` (亿元,
        i.e. level / 1e8), ``qualifier``, ``growth_pct`` (percent), ``growth_qualifier``, ``raw``, ``yoy_raw``,
        ``doc``, ``line``. Only actual, not damaged rows; empty when the total is not there.

    Raises
    ------
    ValueError
        For ``data`` of the wrong type, or several actual rows of one indicator for the same key
        (the table would be ambiguous).

    Notes
    -----
    Matching is on ``region``, ``entity`` and ``period`` with ``status == 'actual'``: the eastern cluster's
    targets for next year (政府性投入7.6亿元, 工业性投入12亿元) are never taken as components of this year's total.
    """
    obs = _observations(data)
    ent = "" if entity is None or (isinstance(entity, float) and np.isnan(entity)) else str(entity)
    comps = list(components)
    sel = obs[(obs["region"] == region) & (obs["period"].astype(str) == str(period))
              & (_entity_key(obs["entity"]) == ent) & (obs["status"] == "actual") & (obs["quality"] != "damaged")
              & obs["indicator"].isin([total, *comps])]
    cols = ["role", "obs_id", "indicator_zh", "level", "level_100m", "qualifier", "growth_pct", "growth_qualifier",
            "raw", "yoy_raw", "doc", "line"]
    dup = sel["indicator"].duplicated(keep=False)
    if dup.any():
        raise ValueError(f"data: more than one actual row of {sorted(set(sel.loc[dup, 'indicator']))} for "
                         f"region {region!r}, entity {ent or '(whole region)'!r}, period {period!r}")
    if not (sel["indicator"] == total).any():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols}, index=pd.Index([], name="indicator"))
    order = [i for i in [total, *comps] if i in set(sel["indicator"])]
    s = sel.set_index("indicator").reindex(order)
    out = pd.DataFrame({
        "role": ["total" if i == total else "component" for i in order], "obs_id": s["obs_id"],
        "indicator_zh": s["indicator_zh"] if "indicator_zh" in s else s.index.to_series(),
        "level": s["value"].astype(float), "level_100m": s["value"].astype(float) / 1e8, "qualifier": s["qualifier"],
        "growth_pct": s["yoy_pct"].astype(float), "growth_qualifier": s["yoy_qualifier"],
        "raw": s["raw"] if "raw" in s else pd.NA, "yoy_raw": s["yoy_raw"] if "yoy_raw" in s else pd.NA,
        "doc": s["doc"], "line": s["line"]}, index=pd.Index(order, name="indicator"))
    return out[cols]


def _plain(x: float) -> str:
    """A level in 亿元 as the document would write it: floating-point noise removed, trailing zeros dropped."""
    return np.format_float_positional(round(float(x), 8), trim="-")


def component_check(table: pd.DataFrame) -> ComponentCheck:
    """Pulls, contribution shares and the consistency check of a :func:`component_table`.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`component_table` with a total and at least one component, each with a level and a rate.

    Returns
    -------
    ComponentCheck
        From :func:`analysis.check_components`, on levels in 亿元: ``checks`` (level sum and growth rate, with
        tolerances from the digits reported), ``ok``, ``verdict``, ``implied_growth_pct`` and ``components``
        (level, growth_pct, base, increment, pull_pp, contribution_share per component, indexed by indicator).

    Raises
    ------
    ValueError
        If the table has no total, no component, or a missing level or rate.

    Notes
    -----
    ``pull_i = increment_i / base_total * 100`` (pp), ``share_i = increment_i / increment_total`` (fraction);
    the check compares ``sum L_i`` with ``L_total`` and ``(sum L_i / sum B_i - 1) * 100`` with ``g_total``.
    Levels are passed in 亿元 with float noise removed so the rounding tolerance follows the digits written
    (20.75 → ±0.005). A partial breakdown (not every component reported) fails the level check by design.
    """
    if not isinstance(table, pd.DataFrame) or "role" not in table.columns:
        raise ValueError("table: expected the output of component_table")
    tot = table[table["role"] == "total"]
    comp = table[table["role"] == "component"]
    if len(tot) != 1 or comp.empty:
        raise ValueError(f"table: needs one total and at least one component, got {len(tot)} total(s) and "
                         f"{len(comp)} component(s)")
    if table[["level_100m", "growth_pct"]].isna().any().any():
        raise ValueError("table: every row needs a level and a growth rate for the decomposition")
    t = tot.iloc[0]
    return check_components(_plain(t["level_100m"]), float(t["growth_pct"]),
                            pd.Series([_plain(v) for v in comp["level_100m"]], index=comp.index, dtype=object),
                            comp["growth_pct"].astype(float))


def pull_frame(check: ComponentCheck, label: str, names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The long frame :func:`analysis.plots.pull_contribution` draws, from a component check.

    Parameters
    ----------
    check : ComponentCheck
        Output of :func:`component_check`.
    label : str
        What the bar stands for (e.g. ``'Eastern cluster, period unknown'``).
    names : dict, optional
        Component indicator → display name (e.g. ``{'government_investment': '政府性投入'}``).

    Returns
    -------
    DataFrame
        Columns ``label``, ``component``, ``pull_pp`` (pp), ``contribution_share`` (fraction), ``total_pct``
        (the total's reported growth, percent); one row per component.

    Raises
    ------
    ValueError
        If ``check`` is not a ComponentCheck.

    Notes
    -----
    Pulls add up to the total's growth when the components are consistent with the total.
    """
    if not isinstance(check, ComponentCheck):
        raise ValueError(f"check: expected a ComponentCheck, got {type(check).__name__}")
    comp = check.components
    names = dict(names or {})
    return pd.DataFrame({"label": label, "component": [names.get(i, i) for i in comp.index],
                         "pull_pp": comp["pull_pp"].to_numpy(), "contribution_share": comp["contribution_share"].to_numpy(),
                         "total_pct": float(check.checks.loc["growth_rate", "reported"])})


def subarea_shares(data: Data, indicators: Sequence[str] = COMPONENT_INDICATORS + (TOTAL_INDICATOR,)) -> pd.DataFrame:
    """Figures of a sub-area (entity set) as a share of the same figure for its whole region.

    Parameters
    ----------
    data : Dataset or DataFrame
        Observations.
    indicators : sequence of str
        Indicators considered (default the total and its components).

    Returns
    -------
    DataFrame
        One row per sub-area figure with a whole-region figure of the same indicator, unit and period:
        ``region``, ``entity``, ``period``, ``indicator``, ``unit``, ``level`` (sub-area), ``region_level``, ``share``
        (fraction), ``obs_id``, ``region_obs_id``. Empty (with these columns) when none.

    Raises
    ------
    ValueError
        For ``data`` that is neither a Dataset nor an observations frame with the study's columns.

    Notes
    -----
    ``share = L_entity / L_region``. Document 004 line 14 writes the sub-area's part in brackets
    (政府性投入7.2亿元(东部XX县区6.93亿元)), so the sub-area is a part of the cluster's figure, not a component.
    """
    obs = _observations(data)
    good = obs[(obs["status"] == "actual") & (obs["quality"] != "damaged") & obs["value"].notna()
               & obs["indicator"].isin(list(indicators))]
    whole = good[good["entity"].isna()]
    part = good[good["entity"].notna()]
    cols = ["region", "entity", "period", "indicator", "unit", "level", "region_level", "share", "obs_id",
            "region_obs_id"]
    right = pd.DataFrame({"region": whole["region"], "period": whole["period"], "indicator": whole["indicator"],
                          "unit": whole["unit"], "region_level": whole["value"].astype(float),
                          "region_obs_id": whole["obs_id"]}).drop_duplicates(
        ["region", "period", "indicator", "unit"], keep=False)
    left = pd.DataFrame({"region": part["region"], "entity": part["entity"], "period": part["period"],
                         "indicator": part["indicator"], "unit": part["unit"], "level": part["value"].astype(float),
                         "obs_id": part["obs_id"]})
    m = left.merge(right, on=["region", "period", "indicator", "unit"], how="inner")
    if m.empty:
        return _empty(cols)
    m["share"] = m["level"] / m["region_level"]
    return m[cols].reset_index(drop=True)


# --- count versus value --------------------------------------------------------------------------------------


def _avg_bound(count_q: Any, value_q: Any) -> str:
    """Bound direction of (1+gv)/(1+gc): rises with gv, falls with gc."""
    def d(q: Any, flip: bool) -> str:
        q = q if isinstance(q, str) else "exact"
        if q in LOWER_BOUND_QUALIFIERS:
            return "upper" if flip else "lower"
        if q in UPPER_BOUND_QUALIFIERS:
            return "lower" if flip else "upper"
        return "about" if q == "about" else "exact"
    dirs = {d(value_q, False), d(count_q, True)} - {"exact"}
    if not dirs:
        return "exact"
    if {"lower", "upper"} <= dirs:
        return "none"
    return "about" if "about" in dirs else dirs.pop()


def count_value_pairs(data: Data, pairs: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A count indicator beside its value indicator for the same region, entity and period.

    Parameters
    ----------
    data : Dataset or DataFrame
        Observations.
    pairs : dict, optional
        Count indicator → value indicator; default :data:`COUNT_VALUE_PAIRS`
        (``new_start_projects`` → ``new_start_projects_investment``).

    Returns
    -------
    DataFrame
        One row per region, entity and period where both are reported (actual, not damaged): ``region``,
        ``entity``, ``period``, ``count_indicator``, ``value_indicator``, ``count`` and ``value`` (levels, NaN
        where only a rate is reported), ``count_growth_pct``, ``count_growth_qualifier``, ``value_growth_pct``,
        ``value_growth_qualifier`` (percent), ``average_size`` (value / count, base units per item),
        ``average_size_growth_pct`` (percent; NaN unless both rates are reported), ``average_size_bound``
        ('exact', 'lower', 'upper', 'about', 'none'; '' where no growth), ``value_unit`` (of the value and the
        average size: ``yuan``, ``usd``), ``count_obs_id``, ``value_obs_id``.
        Empty (with these columns) when no pair is reported.

    Raises
    ------
    ValueError
        For ``data`` of the wrong type or ``pairs`` that is not a mapping of strings.

    Notes
    -----
    ``average size growth = ((1 + g_value/100) / (1 + g_count/100) - 1) * 100`` (:func:`analysis.average_size_growth`),
    which assumes both rates cover the same set of projects. A lower-bounded value growth makes it a lower
    bound; a lower-bounded count growth an upper bound.
    """
    from ...growth import average_size_growth

    obs = _observations(data)
    pairs = dict(COUNT_VALUE_PAIRS if pairs is None else pairs)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in pairs.items()):
        raise ValueError(f"pairs: expected a mapping of count indicator names to value indicator names, got {pairs!r}")
    cols = ["region", "entity", "period", "count_indicator", "value_indicator", "count", "value", "count_growth_pct",
            "count_growth_qualifier", "value_growth_pct", "value_growth_qualifier", "average_size",
            "average_size_growth_pct", "average_size_bound", "value_unit", "count_obs_id", "value_obs_id"]
    good = obs[(obs["status"] == "actual") & (obs["quality"] != "damaged")
               & (obs["value"].notna() | obs["yoy_pct"].notna())]
    frames = []
    for count_ind, value_ind in pairs.items():
        def side(ind: str, prefix: str) -> pd.DataFrame:
            r = good[good["indicator"] == ind]
            return pd.DataFrame({"region": r["region"], "_e": _entity_key(r["entity"]), "period": r["period"],
                                 prefix: r["value"].astype(float), f"{prefix}_growth_pct": r["yoy_pct"].astype(float),
                                 f"{prefix}_growth_qualifier": r["yoy_qualifier"], f"{prefix}_unit": r["unit"],
                                 f"{prefix}_obs_id": r["obs_id"]}
                                ).drop_duplicates(["region", "_e", "period"], keep=False)
        m = side(count_ind, "count").merge(side(value_ind, "value"), on=["region", "_e", "period"], how="inner")
        m["count_indicator"], m["value_indicator"] = count_ind, value_ind
        frames.append(m)
    m = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if m.empty:
        return _empty(cols)
    m["entity"] = m["_e"].where(m["_e"] != "", np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        m["average_size"] = (m["value"] / m["count"]).where(m["count"] > 0)
    both = m["count_growth_pct"].notna() & m["value_growth_pct"].notna()
    m["average_size_growth_pct"] = np.nan
    if both.any():
        m.loc[both, "average_size_growth_pct"] = average_size_growth(m.loc[both, "count_growth_pct"],
                                                                     m.loc[both, "value_growth_pct"]).to_numpy()
    m["average_size_bound"] = [_avg_bound(cq, vq) if b else "" for cq, vq, b in
                               zip(m["count_growth_qualifier"], m["value_growth_qualifier"], both)]
    return _in_data_order(m[cols], ["region", "period"]).reset_index(drop=True)


# --- 增长N倍 ---------------------------------------------------------------------------------------------------


def times_readings(data: Data) -> pd.DataFrame:
    """Figures whose growth is written ``增长N倍``: the base each reading implies, with its bound.

    Parameters
    ----------
    data : Dataset or DataFrame
        Observations; rows with a level and a ``yoy_raw`` that parses as a 倍 growth (``增长7倍多``) are used.

    Returns
    -------
    DataFrame
        One row per such figure: ``obs_id``, ``region``, ``entity``, ``period``, ``indicator``, ``level`` (base
        units), ``level_qualifier``, ``unit``, ``yoy_raw``, ``n_times`` (N), ``growth_pct`` (the right reading, N × 100 %),
        ``ratio`` (1 + N), ``base`` (level / (1 + N)), ``bound`` ('exact', 'upper', 'lower', 'about', 'none'),
        ``base_if_ratio`` (level / N: the wrong reading 是…的N倍), ``overstatement_pct`` (how much the wrong
        reading overstates the base, percent: (1 + N) / N - 1), ``doc``, ``line``. Empty (with these columns)
        when none.

    Raises
    ------
    ValueError
        For ``data`` of the wrong type.

    Notes
    -----
    增长N倍 is an increase of N × 100 %: current = base × (1 + N). Reading it as a ratio (×N) gives the base
    ``level / N``, too high by ``1/N``. A lower-bounded growth (7倍多: more than +700 %) makes the base an
    upper bound (:func:`analysis.implied_base_bound`).
    """
    obs = _observations(data)
    cols = ["obs_id", "region", "entity", "period", "indicator", "level", "level_qualifier", "unit", "yoy_raw", "n_times",
            "growth_pct", "ratio", "base", "bound", "base_if_ratio", "overstatement_pct", "doc", "line"]
    if "yoy_raw" not in obs.columns:
        return _empty(cols)
    cand = obs[(obs["status"] == "actual") & (obs["quality"] != "damaged") & obs["value"].notna()
               & obs["yoy_raw"].astype(str).str.contains("倍", regex=False) & obs["yoy_raw"].notna()]
    rows = []
    for r in cand.itertuples(index=False):
        try:
            q = parse_quantity(str(r.yoy_raw))
        except QuantityParseError:
            continue
        if q.kind != "growth":
            continue
        n = q.value / 100.0
        lq = r.qualifier if isinstance(r.qualifier, str) and r.qualifier else "exact"
        bb = implied_base_bound(float(r.value), q, level_qualifier=lq)
        rows.append({"obs_id": r.obs_id, "region": r.region, "entity": r.entity, "period": r.period,
                     "indicator": r.indicator, "level": float(r.value), "level_qualifier": lq, "unit": r.unit,
                     "yoy_raw": r.yoy_raw,
                     "n_times": n, "growth_pct": float(q.value), "ratio": bb.ratio, "base": bb.value, "bound": bb.bound,
                     "base_if_ratio": float(r.value) / n if n > 0 else np.nan,
                     "overstatement_pct": ((1.0 + n) / n - 1.0) * 100.0 if n > 0 else np.nan,
                     "doc": r.doc, "line": r.line})
    if not rows:
        return _empty(cols)
    return pd.DataFrame(rows, columns=cols)


# --- scoreboard ----------------------------------------------------------------------------------------------


#: Why a region is not ranked although its rate could be: the dataset names it as the parent of others ranked
#: in the same period (:func:`growth_panel`).
PARENT_REASON = "parent of other regions ranked in the period"


def region_parents(data: Data) -> pd.Series:
    """Which region lies directly above which, as the dataset says: child region → parent region.

    Parameters
    ----------
    data : Dataset or DataFrame
        A dataset, whose ``regions`` table is read when it has one, or that table itself: one row per region,
        columns ``region`` and ``parent`` (the region directly above it, e.g. the city above a county, named
        as the ``region`` column names regions; empty for none).

    Returns
    -------
    pandas.Series
        Index: region names; values: their parent's name. Empty when the dataset has no ``regions`` table, the
        table has no ``parent`` column, or no row names a parent: the dataset then does not say which region
        lies above which.

    Raises
    ------
    ValueError
        For ``data`` of the wrong type, a frame without a ``region`` column, a region that is its own parent, a
        region with two different parents, or a cycle (a region above itself through others), naming the row
        (as a spreadsheet numbers it: the header is row 1) and the column ``parent``.

    Notes
    -----
    Nothing is inferred from who wrote a document or whose figures it lists: a county may write its own report
    and list its peers, so that is no evidence of a level above them. Only the ``parent`` column says so.
    """
    if isinstance(data, Dataset):
        table = getattr(data, "regions", None)
        if table is None:
            return pd.Series(dtype=object, name="parent")
    elif isinstance(data, pd.DataFrame):
        table = data
    else:
        raise ValueError(f"data: expected a Dataset or a regions DataFrame, got {type(data).__name__}")
    if "parent" not in table.columns or table.empty:
        return pd.Series(dtype=object, name="parent")
    if "region" not in table.columns:
        raise ValueError("regions table: column 'region' is missing (expected columns region and parent)")
    region = table["region"].astype(object)
    parent = table["parent"].astype(object)
    stated = parent.notna() & (parent.astype(str).str.strip() != "")
    pairs = pd.DataFrame({"region": region[stated].astype(str).str.strip(),
                          "parent": parent[stated].astype(str).str.strip()})
    row_no = {idx: i + 2 for i, idx in enumerate(table.index)}
    own = pairs[pairs["region"] == pairs["parent"]]
    if len(own):
        raise ValueError(f"regions table, row {row_no[own.index[0]]}, column 'parent': expected the region above "
                         f"{own['region'].iloc[0]!r}, found the region itself")
    pairs = pairs.drop_duplicates()
    twice = pairs[pairs["region"].duplicated(keep=False)]
    if len(twice):
        name = twice["region"].iloc[0]
        raise ValueError(f"regions table, row {row_no[twice.index[-1]]}, column 'parent': expected one parent of "
                         f"{name!r}, found {', '.join(map(repr, twice.loc[twice['region'] == name, 'parent']))}")
    out = pd.Series(pairs["parent"].to_numpy(), index=pd.Index(pairs["region"].to_numpy(), name="region"),
                    name="parent", dtype=object)
    for start in out.index:
        seen, node = {start}, out[start]
        while node in out.index:
            if node in seen:
                raise ValueError(f"regions table, row {row_no[pairs.index[pairs['region'] == start][0]]}, column "
                                 f"'parent': expected regions above {start!r} that do not lead back to it, "
                                 f"found a cycle through {node!r}")
            seen.add(node)
            node = out[node]
    return out


def _ancestors(parents: pd.Series) -> dict[str, set[str]]:
    """Every region above each region, following ``parents`` (child → parent) upwards."""
    up: dict[str, set[str]] = {}
    for region in parents.index:
        chain, node = set(), region
        while node in parents.index and parents[node] not in chain:
            node = parents[node]
            chain.add(node)
        up[region] = chain
    return up


def growth_panel(data: Data, indicator: str = TOTAL_INDICATOR, regions: Regions = None,
                 period: str | int | None = None, *,
                 parents: pd.Series | pd.DataFrame | Mapping[str, str] | None = None) -> pd.DataFrame:
    """Growth rates of one indicator by region and period, with whether each can be ranked and why not.

    Parameters
    ----------
    data : Dataset or DataFrame
        A dataset or its observations (already selected or not: only actual, not damaged rows are used).
    indicator : str, default ``'fixed_asset_investment'``
        The growth indicator of the scoreboard.
    regions : None, str or list of str
        Regions to keep; None for all.
    period : None, str or int
        Keep periods within it (as :func:`select_observations`); None for all.
    parents : pandas.Series, dict or DataFrame, optional
        Which region lies directly above which (child → parent), as :func:`region_parents` returns it (a
        regions frame with ``region`` and ``parent`` is read with it). Default: :func:`region_parents` of a
        Dataset; none for a DataFrame of observations.

    Returns
    -------
    DataFrame
        One row per region and period with a reported rate for the region as a whole (empty entity):
        ``region``, ``period``, ``growth_pct`` (percent), ``growth_qualifier``, ``yoy_raw``, ``obs_id``, ``doc``,
        ``line``, ``parent_of`` (the regions ranked in the same period that lie below this one, comma-separated;
        empty for none), ``left_out`` (bool: not ranked because it is their parent), ``n_peers`` (rankable
        regions in the period), ``rankable`` (bool) and ``reason`` (why a row is not ranked: 'period unknown',
        :data:`PARENT_REASON`, 'several figures for the region and period', 'only region in its period'; ''
        when rankable). Sorted by period, then in the order of the data (never by name).

    Raises
    ------
    ValueError
        For ``data`` of the wrong type, ``indicator`` not a non-empty string, bad ``regions``/``period`` or
        ``parents`` (see :func:`region_parents`).

    Notes
    -----
    Two figures of period ``unknown`` are not known to share a period, so they are never ranked. A region is
    ranked only against other regions with a rate of the same indicator for the same period label. A region
    is left out only when the dataset names it as the parent (or a region further up) of another region ranked
    in that period: the race ranks the counties of a city, and the city is not one of them. Without that
    information no region is left out, whoever wrote the document: a county that reports its own figures and
    lists its peers' competes with them.
    """
    if not isinstance(indicator, str) or not indicator:
        raise ValueError(f"indicator: expected an indicator name, got {indicator!r}")
    if parents is None:
        parents = region_parents(data) if isinstance(data, Dataset) else pd.Series(dtype=object)
    elif isinstance(parents, pd.DataFrame):
        parents = region_parents(parents)
    elif isinstance(parents, dict):
        parents = pd.Series(parents, dtype=object)
    elif not isinstance(parents, pd.Series):
        raise ValueError(f"parents: expected a Series or dict (child region -> parent region) or a regions "
                         f"DataFrame, got {type(parents).__name__}")
    up = _ancestors(parents)
    sel = select_observations(data, regions=regions, period=period).observations
    rows = sel[(sel["indicator"] == indicator) & sel["yoy_pct"].notna() & sel["entity"].isna()]
    out = pd.DataFrame({"region": rows["region"], "period": rows["period"].astype(str),
                        "growth_pct": rows["yoy_pct"].astype(float), "growth_qualifier": rows["yoy_qualifier"],
                        "yoy_raw": rows["yoy_raw"] if "yoy_raw" in rows else pd.NA, "obs_id": rows["obs_id"],
                        "doc": rows["doc"], "line": rows["line"]})
    dup = out.duplicated(["region", "period"], keep=False)
    unknown = out["period"] == "unknown"
    comparable = ~unknown & ~dup
    below: dict[tuple[str, str], list[str]] = {}
    for reg, per in zip(out.loc[comparable, "region"], out.loc[comparable, "period"]):
        for anc in up.get(reg, ()):
            below.setdefault((anc, per), []).append(reg)
    out["parent_of"] = [", ".join(below.get((r, p), [])) for r, p in zip(out["region"], out["period"])]
    out["left_out"] = comparable & (out["parent_of"] != "")
    candidate = comparable & ~out["left_out"]
    out["n_peers"] = candidate.groupby(out["period"]).transform("sum").astype(int)
    out["rankable"] = candidate & (out["n_peers"] >= 2)
    out["reason"] = np.select([unknown, dup, out["left_out"], ~out["rankable"]],
                              ["period unknown", "several figures for the region and period", PARENT_REASON,
                               "only region in its period"], default="")
    return out.sort_values("period", key=period_order, kind="stable").reset_index(drop=True)


def left_out_regions(panel: pd.DataFrame) -> pd.DataFrame:
    """Who a :func:`growth_panel` leaves out of the ranking as the parent of ranked regions, and when.

    Parameters
    ----------
    panel : DataFrame
        Output of :func:`growth_panel`; its ``left_out`` and ``parent_of`` columns are read.

    Returns
    -------
    DataFrame
        One row per region left out in some period, in the order of the panel: ``region``, ``periods``
        (comma-separated, in panel order) and ``parent_of`` (the regions below it that were ranked in those
        periods, comma-separated, in order of first appearance). Empty (with these columns) when nobody is left
        out.

    Raises
    ------
    ValueError
        If ``panel`` lacks the panel's columns.
    """
    _require(panel, "panel", "growth_panel", ["region", "period", "left_out", "parent_of"])
    p = panel[panel["left_out"].astype(bool)]
    rows = []
    for region, g in p.groupby("region", sort=False):
        kids = pd.unique(pd.Series([k for v in g["parent_of"] for k in str(v).split(", ") if k], dtype=object))
        rows.append({"region": region, "periods": ", ".join(pd.unique(g["period"].astype(str))),
                     "parent_of": ", ".join(kids)})
    return pd.DataFrame(rows, columns=["region", "periods", "parent_of"])


def race_table(panel: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    """Rank the rankable rows of a :func:`growth_panel` within each period; mark the top ``k`` as rewarded.

    Parameters
    ----------
    panel : DataFrame
        Output of :func:`growth_panel`; its rankable rows are ranked.
    k : int, default 3
        Places rewarded (the race pays "排名前列" counties without saying how many; 3 is a placeholder).

    Returns
    -------
    DataFrame
        Columns ``period``, ``region``, ``growth_pct``, ``growth_qualifier``, ``rank`` (integer, Int64: 1 =
        fastest growth; ties share the best place, ``method='min'``), ``n_ranked``, ``rewarded`` (bool),
        ``obs_id``; sorted by period and rank, tied regions in the order of the panel (never by name). Empty
        (with these columns) when no row is rankable.

    Raises
    ------
    ValueError
        If ``panel`` lacks the panel's columns, or ``k`` is not a positive integer.

    Notes
    -----
    :func:`analysis.scoreboard` with ``ascending=False``: a region is rewarded when fewer than ``k`` regions
    grew strictly faster, so ties at the boundary can pay more than ``k``; with ``k`` at least the number of
    regions, every region is paid.
    """
    _require(panel, "panel", "growth_panel", ["region", "period", "growth_pct", "growth_qualifier", "obs_id", "rankable"])
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k: expected a positive integer number of rewarded places, got {k!r}")
    cols = ["period", "region", "growth_pct", "growth_qualifier", "rank", "n_ranked", "rewarded", "obs_id"]
    p = panel[panel["rankable"]][["period", "region", "growth_pct", "growth_qualifier", "obs_id"]]
    if p.empty:
        return _empty(cols)
    board = scoreboard(p, "region", "growth_pct", "period", k=int(k))
    board["rank"] = board["rank"].round().astype("Int64")  # method 'min': whole places
    return board[cols].sort_values(["period", "rank"], key=lambda c: period_order(c) if c.name == "period" else c,
                                   kind="stable").reset_index(drop=True)


def race_stability(panel: pd.DataFrame) -> pd.DataFrame:
    """Spearman rank correlation of the rankable regions' growth between consecutive periods.

    Parameters
    ----------
    panel : DataFrame
        Output of :func:`growth_panel`; the growth rates of its rankable rows are compared.

    Returns
    -------
    DataFrame
        :func:`analysis.rank_stability` on the rankable rows: ``period_from``, ``period_to``, ``rho``,
        ``p_value``, ``n``, ``note``. Empty when fewer than two periods are rankable.

    Raises
    ------
    ValueError
        If ``panel`` lacks the panel's columns.

    Notes
    -----
    ``rho`` near 1: the same regions lead every period; near 0 or negative: the ranking reshuffles, and a
    top-k reward pays different regions each time. With n < 5 regions rho means little (``note`` says so).
    Periods are taken in sorted label order (``2022Q1`` < ``2022Q2``).
    """
    _require(panel, "panel", "growth_panel", ["region", "period", "growth_pct", "rankable"])
    p = panel[panel["rankable"]]
    return rank_stability(p[["region", "period", "growth_pct"]], "region", "growth_pct", "period")


def reward_counts(board: pd.DataFrame) -> pd.DataFrame:
    """How often each region was ranked and rewarded on a :func:`race_table`.

    Parameters
    ----------
    board : DataFrame
        Output of :func:`race_table` (one row per region and period ranked).

    Returns
    -------
    DataFrame
        Indexed by ``region``: ``periods`` (ranked), ``rewarded`` (count), ``best_rank``, ``worst_rank``
        (integers, Int64), ``mean_rank`` (float); sorted by rewards (most first), then mean rank, then best
        rank, regions still tied in the order of the board (never by name). Empty when the board is empty.

    Raises
    ------
    ValueError
        If ``board`` lacks ``region``, ``rank`` or ``rewarded``.

    Notes
    -----
    A rank is ordinal (1 = best); the mean rank is only a summary across periods with the same regions.
    """
    _require(board, "board", "race_table", ["region", "rank", "rewarded"])
    if board.empty:
        return pd.DataFrame(columns=["periods", "rewarded", "best_rank", "worst_rank", "mean_rank"],
                            index=pd.Index([], name="region"))
    b = board.assign(rank=board["rank"].astype(float), rewarded=board["rewarded"].astype(bool))
    out = b.groupby("region", sort=False).agg(periods=("rank", "size"), rewarded=("rewarded", "sum"),
                                              best_rank=("rank", "min"), worst_rank=("rank", "max"),
                                              mean_rank=("rank", "mean"))
    out["rewarded"] = out["rewarded"].astype(int)
    for c in ("best_rank", "worst_rank"):
        out[c] = out[c].round().astype("Int64")
    return out.sort_values(["rewarded", "mean_rank", "best_rank"], ascending=[False, True, True], kind="stable")


# --- statistical checks -------------------------------------------------------------------------------------


def level_series(data: Data, indicators: Sequence[str] | None = None,
                 measures: Sequence[str] | None = ("flow",)) -> pd.DataFrame:
    """Series of reported levels by region, entity, indicator and period frequency (year, quarter, month).

    Parameters
    ----------
    data : Dataset or DataFrame
        Observations (actual, not damaged rows with a level are used).
    indicators : list of str, optional
        Indicators to use; default the investment amounts (:func:`is_investment_indicator` with units).
    measures : sequence of str or None, default ('flow',)
        Values of the ``measure`` column kept (investment during a period); None keeps all. Ignored when
        the frame has no ``measure`` column.

    Returns
    -------
    DataFrame
        One row per level: ``region``, ``entity``, ``indicator``, ``unit``, ``kind`` ('year', 'quarter',
        'month'), ``period``, ``t`` (time in periods: year, 4 × year + quarter - 1, or 12 × year + month - 1),
        ``freq_per_year`` (1, 4, 12), ``level``, ``obs_id``, ``n`` (levels in the series). Sorted by series and
        ``t``. Periods of other kinds (spans, dates, unknown) are left out: their spacing is not regular.

    Raises
    ------
    ValueError
        For ``data`` that is not a Dataset or an observations frame.

    Notes
    -----
    A series is one region, entity (empty for the whole region), indicator, unit and frequency; duplicate
    periods within a series are dropped (the first kept). Stocks and cumulative amounts (from an unstated
    start) are left out by default: their growth is not the growth of investment in a period.
    """
    obs = _observations(data)
    cols = ["region", "entity", "indicator", "unit", "kind", "period", "t", "freq_per_year", "level", "obs_id", "n"]
    good = obs[(obs["status"] == "actual") & (obs["quality"] != "damaged") & obs["value"].notna()]
    if measures is not None and "measure" in good.columns:
        good = good[good["measure"].isin(list(measures))]
    if indicators is None:
        good = good[is_investment_indicator(good["indicator"], good["unit"]).to_numpy()] if not good.empty else good
    else:
        good = good[good["indicator"].isin(list(indicators))]
    if good.empty:
        return _empty(cols)
    b = period_bounds(good["period"])
    keep = b["kind"].isin(list(_KINDS_PER_YEAR))
    good, b = good[keep], b[keep]
    if good.empty:
        return _empty(cols)
    freq = b["kind"].map(_KINDS_PER_YEAR).astype(int)
    start = pd.DatetimeIndex(b["start"])
    t = np.where(freq == 1, start.year, np.where(freq == 4, start.year * 4 + (start.month - 1) // 3,
                                                 start.year * 12 + start.month - 1))
    out = pd.DataFrame({"region": good["region"], "entity": good["entity"], "_e": _entity_key(good["entity"]),
                        "indicator": good["indicator"], "unit": good["unit"], "kind": b["kind"],
                        "period": good["period"], "t": t.astype(int), "freq_per_year": freq,
                        "level": good["value"].astype(float), "obs_id": good["obs_id"]})
    key = ["region", "_e", "indicator", "unit", "kind"]
    out = out.drop_duplicates([*key, "t"]).sort_values([*key, "t"], kind="stable")
    out["n"] = out.groupby(key)["t"].transform("size").astype(int)
    return out[cols].reset_index(drop=True)


def trend_table(series: pd.DataFrame, min_n: int = MIN_N) -> pd.DataFrame:
    """Trend growth (:func:`analysis.trend_growth`) of every level series with at least ``min_n`` levels.

    Parameters
    ----------
    series : DataFrame
        Output of :func:`level_series`.
    min_n : int, default :data:`analysis.stats.MIN_N` (3)
        Fewest levels a series needs.

    Returns
    -------
    DataFrame
        One row per series: ``region``, ``entity``, ``indicator``, ``kind``, ``n``, ``first``, ``last``
        (periods), ``estimate``, ``ci_low``, ``ci_high`` (annual growth, percent; NaN when ``n < min_n``) and
        ``note`` (the stats warning, or why no estimate). Sorted by ``n`` (largest first).

    Raises
    ------
    ValueError
        If ``series`` lacks the columns of :func:`level_series` or ``min_n`` is below 3.

    Notes
    -----
    OLS of ``log L_t`` on ``t``; annual growth ``100 (exp(b f) - 1)`` with ``f`` periods per year.
    """
    _require(series, "series", "level_series", ["region", "entity", "indicator", "unit", "kind", "period", "t", "freq_per_year", "level", "n"])
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)) or min_n < MIN_N:
        raise ValueError(f"min_n: expected an integer >= {MIN_N}, got {min_n!r}")
    cols = ["region", "entity", "indicator", "kind", "n", "first", "last", "estimate", "ci_low", "ci_high", "note"]
    if series.empty:
        return _empty(cols)
    rows = []
    s = series.assign(_e=_entity_key(series["entity"]))
    for (_region, _e, _ind, _unit, _kind), g in s.groupby(["region", "_e", "indicator", "unit", "kind"], sort=True):
        g = g.sort_values("t")
        row = {"region": _region, "entity": g["entity"].iloc[0], "indicator": _ind, "kind": _kind, "n": len(g),
               "first": g["period"].iloc[0], "last": g["period"].iloc[-1], "estimate": np.nan, "ci_low": np.nan,
               "ci_high": np.nan, "note": ""}
        if len(g) < min_n:
            row["note"] = f"n = {len(g)} < {min_n}: no trend estimated"
        elif (g["level"] <= 0).any():
            row["note"] = "a level is zero or negative: no log-linear trend"
        else:
            res = trend_growth(g["level"].to_numpy(), float(g["freq_per_year"].iloc[0]),
                               time=g["t"].to_numpy(dtype=float))
            row.update(estimate=res.estimate, ci_low=res.ci_low, ci_high=res.ci_high, note=res.warning or "")
        rows.append(row)
    return pd.DataFrame(rows, columns=cols).sort_values("n", ascending=False, kind="stable").reset_index(drop=True)


# --- display helpers -----------------------------------------------------------------------------------------


def growth_bars(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`levels_and_rates` with a money level and a rate, as :func:`analysis.plots.bar_growth` reads them.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`levels_and_rates`; its rows with a level in yuan and a rate are drawn.

    Returns
    -------
    DataFrame
        Columns ``label`` (region, indicator as the document names it, period, and the rate's qualifier when
        it is not exact, e.g. ``rate: more than``), ``value`` (yuan) and ``growth_pct`` (percent), in the
        table's order; same index. Empty when no row has both.

    Raises
    ------
    ValueError
        If ``table`` lacks a column of :func:`levels_and_rates`.

    Notes
    -----
    Only ``unit == 'yuan'`` rows: the chart's level axis is in 亿元. A bounded rate is drawn at its number,
    and its label says which bound it is.
    """
    _require(table, "table", "levels_and_rates", ["region", "entity", "period", "indicator_zh", "level", "unit", "growth_pct"])
    t = table[(table["unit"] == "yuan") & table["level"].notna() & table["growth_pct"].notna()]
    ent = t["entity"].fillna("").astype(str)
    gq = t["growth_qualifier"] if "growth_qualifier" in t.columns else pd.Series("exact", index=t.index)
    bound = gq.map(lambda q: "" if not isinstance(q, str) or q == "exact" else f", rate: {q.replace('_', ' ')}")
    label = (t["region"].astype(str) + ent.where(ent == "", " / " + ent) + " " + t["indicator_zh"].astype(str)
             + " (" + t["period"].astype(str) + bound + ")")
    return pd.DataFrame({"label": label, "value": t["level"].astype(float), "growth_pct": t["growth_pct"].astype(float)},
                        index=t.index)





def race_rewards(data: Data, regions: Regions = None, indicator: str = "investment_race_reward") -> pd.DataFrame:
    """The race's reward as the documents state it (any status: a reward is usually a plan).

    Parameters
    ----------
    data : Dataset or DataFrame
        Observations (all statuses; damaged rows left out).
    regions : None, str or list of str
        Regions to keep; None for all.
    indicator : str, default ``'investment_race_reward'``
        Indicator of the reward (投资"赛马"激励奖励).

    Returns
    -------
    DataFrame
        Columns ``obs_id``, ``region``, ``period``, ``status``, ``value`` (yuan), ``qualifier``, ``raw``,
        ``note``, ``doc``, ``line``. Empty (with these columns) when none.

    Raises
    ------
    ValueError
        For ``data`` of the wrong type or bad ``regions``.

    Notes
    -----
    In the embedded dataset: 1000万元 per quarter from Taizhou's budget to the top-ranked counties (document
    001, line 21), with no number of places stated.
    """
    obs = _observations(data)
    cols = ["obs_id", "region", "period", "status", "value", "qualifier", "raw", "note", "doc", "line"]
    asked = region_list(regions)
    r = obs[(obs["indicator"] == indicator) & (obs["quality"] != "damaged")]
    if asked is not None:
        r = r[r["region"].isin(asked)]
    r = r.reindex(columns=cols)
    return r.reset_index(drop=True)


# --- provenance ----------------------------------------------------------------------------------------------


def used_obs_ids(*frames: pd.DataFrame) -> list[str]:
    """Observation keys used by a study, collected from the frames it showed.

    Parameters
    ----------
    *frames : DataFrame
        Frames with observation-key columns: ``obs_id`` and any column ending in ``_obs_id``
        (e.g. ``count_obs_id``, ``prior_obs_id``). Frames without such columns are skipped.

    Returns
    -------
    list of str
        Unique keys, sorted.

    Raises
    ------
    ValueError
        If one of ``frames`` is not a DataFrame.

    Notes
    -----
    Pass the result to :func:`analysis.reporting.provenance` as ``observations=...``.
    """
    ids: set[str] = set()
    for f in frames:
        if not isinstance(f, pd.DataFrame):
            raise ValueError(f"frames: expected DataFrames, got {type(f).__name__}")
        for c in f.columns:
            if c == "obs_id" or str(c).endswith("_obs_id"):
                ids.update(str(v) for v in f[c].dropna())
    return sorted(ids)
