"""Study 03, "Targets, milestones and what happened" (notebook ``03-target-versus-actual``): tables and narrative.

:func:`run` checks the study's parameters (the shared ones through :mod:`analysis.params`, and ``snail_days``
through :func:`check_snail_days`), loads the dataset, selects the regions once (:func:`select` →
:class:`TargetData`) and returns an :class:`analysis.reporting.Report` whose sections are made by one function
each, in :data:`SECTIONS`: every ``section_*`` takes the :class:`TargetData` and returns a
:class:`~analysis.reporting.Section` (question, findings as sentences with their numbers, tables with human
headers, figures), true of any region's data: a section with nothing to show says so. The notebook only displays
the report.

Below the narrative sit small functions that build each section's table from a :class:`~analysis.io.Dataset`.
The measures themselves (attainment 完成率, time progress
序时进度, year-end projection, ambition, milestone status, 红旗/蜗牛, stage funnel, heat map) are those of
:mod:`analysis.targets`; this module only selects and pairs the rows they need.

* :func:`target_actual_pairs`: targets beside actuals of the same region, entity, indicator, unit and period.
* :func:`target_coverage`: whether each target has an actual for its period, only an actual to date, or none.
* :func:`pace_rows`: an annual plan or target beside a year-to-date actual of the same or a related indicator
  (``new_loans`` plan vs ``loans_disbursed``), with time progress (in months or days, following the actual's
  period), the gap and a linear year-end projection.
* sentences of sections 1 and 2 (:class:`Sentence`): :func:`coverage_sentence`, :func:`no_actual_sentence`,
  :func:`to_date_sentence`, :func:`pace_sentence`, :func:`projection_sentence`, with :func:`projection_text`
  (amounts in the unit of their row) and :func:`pace_verdict` (ahead / behind / on pace, never a signed gap).
* :func:`ambition_rows`: next year's target beside this year's actual (known years, or, within one document
  whose year cannot be read, status ``target`` beside status ``actual``).
* :func:`project_table`, :func:`table_coverage`: the responsibility table (分解表) of projects.
* :func:`milestone_frame`, :func:`status_counts`: milestones with their projects, what
  falls due by the as-of date, and colours for :func:`analysis.plots.milestone_timeline`.
* :func:`stage_table`, :func:`funnel_chart_frame`: projects by stage (for :func:`analysis.targets.stage_funnel`).
* :func:`heatmap_frame`: planned investment by sector and lead unit (for :func:`analysis.plots.heatmap`).
* :func:`regression_sample`: the target-actual pairs the statistical checks can use.
* :func:`provenance_ids`: the ids of every source row a set of tables used, for :func:`analysis.report.provenance`.

Units: money in yuan (the dataset's unit) unless a column name ends in ``_yi`` (亿元, 10^8 yuan); percent where a
name ends in ``_pct``; percentage points where it ends in ``_pp``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..io import Dataset
from ..params import check_study_params, region_list
from ..periods import parse_period, period_bounds
from ..reporting import Col, Figure, Report, Section, Table
from ..reporting.format import fmt_money, fmt_num, fmt_p, fmt_pct, provenance
from ..targets import (STAGE_ORDER, ambition, attainment, pace_basis, pace_gap, project_flags, project_year_end,
                      time_elapsed, time_progress)
from ..units import COUNT_UNITS, Quantity, format_quantity

__all__ = [
    "RELATED_INDICATORS",
    "PAIR_CAVEATS",
    "ADDITIVE_UNITS",
    "Sentence",
    "figure_text",
    "projection_text",
    "time_basis_text",
    "pace_verdict",
    "pace_sentence",
    "projection_sentence",
    "target_actual_pairs",
    "COVERAGE_KINDS",
    "target_coverage",
    "coverage_sentence",
    "no_actual_sentence",
    "to_date_sentence",
    "pace_rows",
    "ambition_rows",
    "project_table",
    "table_coverage",
    "milestone_frame",
    "status_counts",
    "flag_table",
    "projects_in",
    "stage_table",
    "funnel_chart_frame",
    "heatmap_frame",
    "regression_sample",
    "provenance_ids",
]

#: Actual indicators that measure progress on a planned indicator although their names differ
#: (plan indicator → actual indicators). The same indicator always pairs with itself.
RELATED_INDICATORS: dict[str, tuple[str, ...]] = {"new_loans": ("loans_disbursed",)}

#: Caveats of related pairs: (plan indicator, actual indicator) → (context indicator, caveat). The context
#: indicator is an observation of the same region that says what the actual covers.
PAIR_CAVEATS: dict[tuple[str, str], tuple[str, str]] = {
    ("new_loans", "loans_disbursed"): (
        "projects_seeking_finance",
        "loans disbursed (放款) may cover only a part of all new lending, such as the loans to the projects of a "
        "bank-project matching drive (融资意向重大项目); attainment then measures those loans against a plan for "
        "all new loans, and is not the attainment of all new lending",
    ),
}

_KEYS = ["region", "entity", "indicator", "unit"]
_QUALIFIER_WORDS = {"exact": "", "at_least": "at least ", "more_than": "more than ", "about": "about ",
                    "just_under": "just under ", "at_most": "at most "}
_BOUND = {"exact": "exact", "at_least": "at_least", "more_than": "at_least", "about": "about",
          "just_under": "at_most", "at_most": "at_most"}


# ----------------------------------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------------------------------
def _check_ds(ds: Any) -> None:
    if not isinstance(ds, Dataset):
        raise ValueError(f"ds must be an analysis.Dataset (from analysis.load_dataset); got {type(ds).__name__}")


def _check_period(period: Any) -> str | None:
    """A period label (``'2022'``, ``'2022Q1'``) or None, by the shared check of :mod:`analysis.params`."""
    return check_study_params(period=period).period


def _check_as_of(as_of: Any) -> pd.Timestamp | None:
    """A date (YYYY-MM-DD, Timestamp, date) at midnight, or None, by the shared check of :mod:`analysis.params`."""
    ts = check_study_params(as_of=as_of).as_of
    return None if ts is None else ts.normalize()


def _in_regions(df: pd.DataFrame, regions: list[str] | None) -> pd.DataFrame:
    return df if regions is None else df[df["region"].isin(regions)]


def _side(obs: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Observation rows with key columns as they are and figure columns prefixed (target_value, ...)."""
    cols = {"obs_id": f"{prefix}_obs_id", "value": f"{prefix}_value", "qualifier": f"{prefix}_qualifier",
            "raw": f"{prefix}_raw", "period": f"{prefix}_period", "status": f"{prefix}_status",
            "indicator_zh": f"{prefix}_indicator_zh", "quality": f"{prefix}_quality", "doc": f"{prefix}_doc",
            "line": f"{prefix}_line"}
    keep = [*_KEYS, "measure", *cols]
    out = obs[keep].rename(columns=cols).copy()
    out["entity"] = out["entity"].astype(object).where(out["entity"].notna(), "")
    return out


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def _bound_of(actual_qualifier: pd.Series) -> pd.Series:
    """Kind of bound an attainment inherits from its actual's qualifier."""
    return actual_qualifier.map(lambda q: _BOUND.get(q, "exact") if isinstance(q, str) else "exact").astype(object)


def figure_text(value: Any, unit: Any, qualifier: Any = "exact") -> str:
    """A figure as prose: its qualifier in English words and its amount in Chinese units (``at least 6700万美元``).

    Parameters
    ----------
    value : float
        The value in the dataset's base unit (yuan, USD, m2, count, ...).
    unit : str
        Unit of the dataset's vocabulary (``yuan``, ``usd``, ``count``, ``mu``, ...).
    qualifier : str, default 'exact'
        ``exact``, ``at_least``, ``more_than``, ``about``, ``just_under`` or ``at_most`` (missing = exact).

    Returns
    -------
    str
        E.g. ``'7.6亿元'``, ``'25个'``, ``'at least 6700万美元'``; ``'n/a'`` for a missing value.

    Raises
    ------
    ValueError
        If the unit or qualifier is not in the vocabulary.

    Notes
    -----
    Money of 10^8 or more is written in 亿, of 10^4 or more in 万 (:func:`analysis.units.format_quantity`);
    the qualifier is a word, so that a bound reads as a bound.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    q = qualifier if isinstance(qualifier, str) and qualifier else "exact"
    if q not in _QUALIFIER_WORDS:
        raise ValueError(f"qualifier must be one of {list(_QUALIFIER_WORDS)}; got {qualifier!r}")
    try:
        text = format_quantity(Quantity(float(value), str(unit), "exact"))
    except (KeyError, ValueError) as e:
        raise ValueError(f"unit {unit!r} is not a unit of the dataset ({e})") from None
    return _QUALIFIER_WORDS[q] + text


#: Units of amounts that accumulate over a period, so that an actual to date can be paced and projected
#: (money, area, length, mass, counts); rates, multiples and ranks cannot.
ADDITIVE_UNITS: tuple[str, ...] = ("yuan", "usd", "m2", "mu", "km", "tonne", *sorted(COUNT_UNITS))


def projection_text(value: Any, unit: Any) -> str:
    """A projected amount in the unit of its row: ``20.97亿元``, ``3090万美元``, ``about 13个``, ``1.6万平方米``.

    Parameters
    ----------
    value : float
        The projection in the row's base unit (yuan, USD, count, m2, mu, ...).
    unit : str
        The row's unit (vocabulary of the dataset).

    Returns
    -------
    str
        Money and quantities as :func:`figure_text` writes them (亿元/万元, 亿美元/万美元, 万平方米, 亩, ...);
        counts (``count``, ``person``, ``person_time``) as whole numbers with their unit word, preceded by
        "about" when the projection was rounded to get there; ``'n/a'`` for a missing value.

    Raises
    ------
    ValueError
        If the unit is not in the vocabulary.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    if unit in COUNT_UNITS:
        whole = float(np.floor(float(value) + 0.5))
        text = format_quantity(Quantity(whole, str(unit), "exact"), scale="")
        return text if whole == float(value) else "about " + text
    return figure_text(value, unit)


def time_basis_text(basis: str, elapsed: float, total: float) -> str:
    """The basis of a time progress for a table: ``'months 9/12'``, ``'days 181/365'``.

    Parameters
    ----------
    basis : {'days', 'months'}
        What was counted (:func:`analysis.targets.time_progress`).
    elapsed, total : float
        Days or months elapsed, and in the period; NaN gives ``''``.

    Returns
    -------
    str
    """
    if basis not in ("days", "months"):
        raise ValueError(f"basis must be 'days' or 'months'; got {basis!r}")
    if elapsed is None or total is None or pd.isna(elapsed) or pd.isna(total):
        return ""
    return f"{basis} {int(round(float(elapsed)))}/{int(round(float(total)))}"


def pace_verdict(gap_pp: float, digits: int = 1) -> str:
    """Attainment against time progress in words, without a signed number: never "behind by -4.8 pp".

    Parameters
    ----------
    gap_pp : float
        Attainment minus time progress, in percentage points (``PaceGap.gap_pp``).
    digits : int, default 1
        Decimals shown; a gap that rounds to zero at this precision is "on pace".

    Returns
    -------
    str
        ``'ahead of time progress by 4.8 pp (超序时进度4.8个百分点)'``, ``'behind time progress by 4.8 pp
        (落后序时进度4.8个百分点)'``, ``'on pace with time progress (与序时进度持平)'``, or ``'n/a'``.
    """
    if gap_pp is None or gap_pp is pd.NA or (isinstance(gap_pp, float) and np.isnan(gap_pp)):
        return "n/a"
    size = f"{abs(float(gap_pp)):,.{digits}f}"
    if float(size.replace(",", "")) == 0:
        return "on pace with time progress (与序时进度持平)"
    if gap_pp > 0:
        return f"ahead of time progress by {size} pp (超序时进度{size}个百分点)"
    return f"behind time progress by {size} pp (落后序时进度{size}个百分点)"


@dataclass(frozen=True)
class Sentence:
    """A sentence of a report: the author's Markdown template and the values from data that fill it.

    Show it with ``analysis.report.md(s.template, **s.values)`` (values escaped); ``s.text`` is the filled
    template, unescaped, for tests and logs.
    """

    template: str
    values: dict

    @property
    def text(self) -> str:
        """The template filled with the values (Markdown, values not escaped)."""
        return self.template.format(**self.values)


def _row(r: Any) -> Mapping:
    """A row as a mapping: a pandas Series, a dict, or a namedtuple of ``itertuples``."""
    return r._asdict() if hasattr(r, "_asdict") else r


def _actual_when(actual_period: str, data_date: Any, plan_period: str) -> str:
    """When an actual to date refers to: ``'in 2023-01/2023-09 (to 2023-09-30)'`` or, for a date, the reading."""
    a = parse_period(str(actual_period))
    if a.kind == "date":
        start = parse_period(str(plan_period)).start.date()
        return f"as of {a.label} (stated for a day: read as cumulative from {start}, the start of {plan_period})"
    return f"in {a.label} (to {pd.Timestamp(data_date).date()})"


def pace_sentence(row: Any) -> Sentence:
    """The sentence of section 2 for one row of :func:`pace_rows`: attainment, time progress and its basis, verdict.

    Parameters
    ----------
    row : Series, dict or namedtuple
        A row of :func:`pace_rows`.

    Returns
    -------
    Sentence
        E.g. "**Taizhou**: 放款 51.7亿元 in 2022Q1 (to 2022-03-31) against a 2022 plan of 100亿元 (新增贷款):
        attainment **51.7 %**; time progress **25.0 %** (months 3/12), so the actual is **ahead of time progress
        by 26.7 pp (超序时进度26.7个百分点)**."

    Notes
    -----
    Figures in the unit of the row (:func:`figure_text`); time progress in whole months for an actual of whole
    months, in days for an actual as of a date (:func:`analysis.targets.pace_basis`).
    """
    r = _row(row)
    bound = r["attainment_bound"]
    return Sentence(
        "**{region}**: {a_zh} {a} {when} against a {p_per} {status} of {plan} ({p_zh}): attainment **{att}**{bound}; "
        "time progress **{tp}** ({basis}), so the actual is **{verdict}**.",
        dict(region=r["region"], a_zh=r["actual_indicator_zh"],
             a=figure_text(r["actual_value"], r["unit"], r["actual_qualifier"]),
             when=_actual_when(r["actual_period"], r["data_date"], r["plan_period"]), p_per=r["plan_period"],
             status=r["plan_status"], plan=figure_text(r["plan_value"], r["unit"], r["plan_qualifier"]),
             p_zh=r["plan_indicator_zh"], att=fmt_pct(r["attainment_pct"]),
             bound="" if not isinstance(bound, str) or bound == "exact" else f" ({bound.replace('_', ' ')})",
             tp=fmt_pct(r["time_progress_pct"]), basis=r["time_basis_text"], verdict=pace_verdict(r["gap_pp"])))


def projection_sentence(row: Any) -> Sentence:
    """The year-end projection sentence of section 2 for one row of :func:`pace_rows`, in the row's unit.

    Parameters
    ----------
    row : Series, dict or namedtuple
        The row of :func:`pace_rows` whose projection (``linear_year_end``, in the row's unit) is written, as
        for :func:`pace_sentence`.

    Returns
    -------
    Sentence
        E.g. "A linear projection of the 2023-01/2023-09 figure to the end of 2023 gives **8000万美元** (80.0 % of
        the target): the actual divided by time progress (75.0 %, months 9/12). ..."

    Notes
    -----
    ``linear_year_end = actual / time progress``, in the unit of the row (:func:`projection_text`: 万美元 for USD,
    whole numbers for counts). Without a seasonal profile (the notebook has none) the sentence says so.
    """
    r = _row(row)
    a = parse_period(str(r["actual_period"]))
    fig = f"figure as of {a.label}" if a.kind == "date" else f"{a.label} figure"
    seasonal = r.get("seasonal_year_end")
    if seasonal is not None and not pd.isna(seasonal):
        tail = ("A seasonal projection (last year's share completed by the same date) gives {sea} ({sea_att} of the "
                "{status}).")
    else:
        tail = ("No seasonal profile (last year's share completed by month) is in the data, so there is no seasonal "
                "projection. A linear projection assumes an even pace: fixed-asset investment is back-loaded to the "
                "fourth quarter, so the linear projection overstates early shortfalls, while bank lending tends to "
                "be concentrated early in the year, so a linear projection of early loans overstates the year. It "
                "is a yardstick, not a forecast.")
    return Sentence(
        "A linear projection of the {fig} to the end of {per} gives **{lin}** ({lin_att} of the {status}): the "
        "actual divided by time progress ({tp}, {basis}). " + tail,
        dict(fig=fig, per=r["plan_period"], lin=projection_text(r["linear_year_end"], r["unit"]),
             lin_att=fmt_pct(r["linear_year_end_attainment_pct"]), status=r["plan_status"],
             tp=fmt_pct(r["time_progress_pct"]), basis=r["time_basis_text"],
             sea=projection_text(seasonal, r["unit"]) if seasonal is not None else "n/a",
             sea_att=fmt_pct(r.get("seasonal_year_end_attainment_pct"))))


# ----------------------------------------------------------------------------------------------------------
# section 1: targets beside actuals
# ----------------------------------------------------------------------------------------------------------
_PAIR_COLS = ["match", "region", "entity", "indicator", "indicator_zh", "unit", "period", "target_value",
              "target_qualifier", "target_raw", "target_obs_id", "actual_period", "actual_value", "actual_qualifier",
              "actual_raw", "actual_obs_id", "attainment_pct", "attainment_bound", "met", "label"]


def target_actual_pairs(ds: Dataset, regions: Any = None, period: Any = None) -> pd.DataFrame:
    """Targets beside the actuals of the same region, entity, indicator, unit and period.

    Parameters
    ----------
    ds : Dataset
        The dataset (:func:`analysis.load_dataset`).
    regions : list of str, str or None
        Regions to keep (a list, or a comma-separated string); None for all.
    period : str or None
        Keep only targets of this period label (``'2022'``, ``'2022Q1'``, ...) and actuals of the same period
        (same first and last day); None for every period. Targets of unknown period are kept only when
        ``period`` is None.

    Returns
    -------
    DataFrame
        One row per target (status ``target``) with a level, plus one row per actual of a targeted indicator
        that has no target of its own period. Two periods are the same when they have the same first and last
        day, however they are written (``2023`` and ``2023-01/2023-12``). Columns:

        ``match``
            ``both`` (target and actual of the same period), ``target only``, ``actual only`` (an actual of an
            indicator the region targets in another period) or ``period unknown`` (a target whose period cannot
            be read: not paired here, see :func:`ambition_rows`).
        ``region``, ``entity`` (empty string for the region as a whole), ``indicator``, ``indicator_zh``,
        ``unit``, ``period``
            The keys.
        ``target_value``, ``target_qualifier``, ``target_raw``, ``target_obs_id``,
        ``actual_period``, ``actual_value``, ``actual_qualifier``, ``actual_raw``, ``actual_obs_id``
            The two figures (value in the row's unit: yuan, USD, count, ...), as the dataset records them;
            ``actual_period`` as the actual's row writes it (``period`` is the target's, or for ``actual only``
            the actual's).
        ``attainment_pct``
            完成率 in percent, from :func:`analysis.targets.attainment`; NaN unless ``match == 'both'``.
        ``attainment_bound``
            ``exact``, ``at_least``, ``at_most`` or ``about``: the bound the actual's qualifier puts on the
            attainment (an actual of "超X" gives a lower bound).
        ``met``
            True where attainment >= 100 % (pandas nullable boolean; NA without a pair).
        ``label``
            "region indicator_zh period" for charts.

    Raises
    ------
    ValueError
        If ``ds`` is not a Dataset, or ``regions`` or ``period`` is malformed.

    Notes
    -----
    ``attainment_pct = actual / target * 100``. Rows without a level (rate-only rows, damaged figures) are left
    out, as are targets and actuals of quality ``damaged``. Status ``plan`` (planned actions and amounts,
    计划/安排) is not a target here; plans are paced in :func:`pace_rows`. A target with qualifier ``at_least``
    (不少于, 以上) is a floor: attainment is measured against the floor.
    """
    _check_ds(ds)
    regions = region_list(regions)
    period = _check_period(period)
    obs = _in_regions(ds.observations, regions)
    obs = obs[obs["value"].notna() & (obs["quality"] != "damaged")]
    tg = obs[obs["status"] == "target"]
    ac = obs[(obs["status"] == "actual") & (obs["period"] != "unknown")]
    if period is not None:
        tg = tg[tg["period"] == period]
        pb, want = period_bounds(ac["period"]), parse_period(period)
        ac = ac[((pb["start"] == want.start) & (pb["end"] == want.end)).to_numpy()] if want.known else ac.iloc[0:0]
    known_t = tg[tg["period"] != "unknown"]
    unknown_t = tg[tg["period"] == "unknown"]

    # same period: the same first and last day, however written (2023 and 2023-01/2023-12 are one period)
    t = _side(known_t, "target").rename(columns={"target_period": "period"})
    a = _side(ac, "actual")
    for side, col in ((t, "period"), (a, "actual_period")):
        b = period_bounds(side[col])
        side["_start"], side["_end"] = b["start"].to_numpy(), b["end"].to_numpy()
    keys = [*_KEYS, "measure", "_start", "_end"]
    merged = t.merge(a, on=keys, how="left")
    merged["match"] = np.where(merged["actual_obs_id"].notna(), "both", "target only")
    # actuals of a targeted indicator (same region, entity, indicator, unit) without a target of their period
    targeted = t[[*_KEYS, "measure"]].drop_duplicates()
    only = a.merge(targeted, on=[*_KEYS, "measure"], how="inner")
    only = only[~only["actual_obs_id"].isin(merged["actual_obs_id"].dropna())]
    only = only.assign(match="actual only", period=only["actual_period"])
    unk = _side(unknown_t, "target").rename(columns={"target_period": "period"})
    unk = unk.assign(match="period unknown")
    frames = [f for f in (merged, only, unk) if not f.empty]
    if not frames:
        return _empty(_PAIR_COLS)
    out = pd.concat(frames, ignore_index=True)
    for c in [*_PAIR_COLS, "target_indicator_zh", "actual_indicator_zh"]:
        if c not in out:
            out[c] = np.nan
    out["indicator_zh"] = out["target_indicator_zh"].astype(object).fillna(out["actual_indicator_zh"])
    both = out["match"] == "both"
    tv = out["target_value"].astype(float).where(both & (out["target_value"].astype(float) > 0))
    out["attainment_pct"] = attainment(out["actual_value"].astype(float).where(tv.notna()), tv.fillna(1.0)) \
        .where(tv.notna())
    out["attainment_bound"] = _bound_of(out["actual_qualifier"]).where(both, None)
    out["met"] = pd.array(np.where(out["attainment_pct"].notna(), out["attainment_pct"] >= 100, pd.NA),
                          dtype="boolean")
    out["label"] = (out["region"].astype(str) + " " + out["indicator_zh"].astype(str) + " "
                    + out["period"].astype(str))
    order = {"both": 0, "target only": 1, "actual only": 2, "period unknown": 3}
    out = out.assign(_o=out["match"].map(order)).sort_values(["_o", "region", "period", "indicator"],
                                                              kind="stable")
    return out[_PAIR_COLS].reset_index(drop=True)


#: Values of ``coverage`` in :func:`target_coverage`, in the order reports list them.
COVERAGE_KINDS: tuple[str, ...] = ("same period", "to date only", "none")

_COV_COLS = ["region", "entity", "indicator", "indicator_zh", "unit", "period", "target_value", "target_qualifier",
             "target_raw", "target_obs_id", "coverage", "actual_indicator_zh", "actual_period", "actual_value",
             "actual_qualifier", "actual_obs_id", "data_date", "attainment_to_date_pct"]


def target_coverage(pairs: pd.DataFrame, pace: pd.DataFrame) -> pd.DataFrame:
    """What the data hold on each target of a readable period: an actual for its period, one to date, or none.

    Parameters
    ----------
    pairs : DataFrame
        Output of :func:`target_actual_pairs`.
    pace : DataFrame
        Output of :func:`pace_rows` for the same regions and period, best with ``as_of=None`` (every actual to
        date, whatever its date).

    Returns
    -------
    DataFrame
        One row per target (``match`` ``both`` or ``target only`` in ``pairs``), in the order of ``pairs``:
        the target's keys and figure (``region``, ``entity``, ``indicator``, ``indicator_zh``, ``unit``,
        ``period``, ``target_value``, ``target_qualifier``, ``target_raw``, ``target_obs_id``); ``coverage``,
        one of :data:`COVERAGE_KINDS`: ``same period`` (an actual for the target's own period: attainment),
        ``to date only`` (no such actual, but an actual from the start of the period to a date within it, of
        the same or a related indicator: paced by :func:`pace_rows`), ``none``; and for ``to date only`` the
        latest actual to date (``actual_indicator_zh``, ``actual_period``, ``actual_value``,
        ``actual_qualifier``, ``actual_obs_id``, ``data_date``, ``attainment_to_date_pct`` in percent).

    Raises
    ------
    ValueError
        If ``pairs`` or ``pace`` lacks the columns of the functions that make them.

    Notes
    -----
    A target with both an actual for its period and an actual to date counts as ``same period``.
    """
    need_pairs = ["match", "region", "indicator", "period", "target_obs_id", "target_value"]
    need_pace = ["plan_obs_id", "actual_obs_id", "actual_period", "data_date", "attainment_pct"]
    if not isinstance(pairs, pd.DataFrame) or any(c not in pairs.columns for c in need_pairs):
        raise ValueError(f"pairs must be the output of target_actual_pairs (columns {need_pairs})")
    if not isinstance(pace, pd.DataFrame) or any(c not in pace.columns for c in need_pace):
        raise ValueError(f"pace must be the output of pace_rows (columns {need_pace})")
    tg = pairs[pairs["match"].isin(["both", "target only"])]
    both_ids = set(tg.loc[tg["match"] == "both", "target_obs_id"])
    tg = tg.drop_duplicates("target_obs_id")
    if tg.empty:
        return _empty(_COV_COLS)
    latest = (pace.sort_values("data_date", kind="stable").drop_duplicates("plan_obs_id", keep="last")
              .set_index("plan_obs_id"))
    out = tg[["region", "entity", "indicator", "indicator_zh", "unit", "period", "target_value", "target_qualifier",
              "target_raw", "target_obs_id"]].reset_index(drop=True)
    to_date = out["target_obs_id"].isin(latest.index) & ~out["target_obs_id"].isin(both_ids)
    out["coverage"] = np.where(out["target_obs_id"].isin(both_ids), "same period",
                               np.where(to_date, "to date only", "none"))
    src = {"actual_indicator_zh": "actual_indicator_zh", "actual_period": "actual_period",
           "actual_value": "actual_value", "actual_qualifier": "actual_qualifier", "actual_obs_id": "actual_obs_id",
           "data_date": "data_date", "attainment_to_date_pct": "attainment_pct"}
    for col, pc in src.items():
        vals = out["target_obs_id"].map(latest[pc]) if pc in latest.columns else np.nan
        out[col] = pd.Series(vals, index=out.index).where(to_date)
    out["data_date"] = pd.to_datetime(out["data_date"])
    return out[_COV_COLS]


def coverage_sentence(coverage: pd.DataFrame, n_unknown: int = 0, n_actual_only: int = 0) -> Sentence:
    """The count sentence of section 1: how many targets have an actual for their period, only to date, or none.

    Parameters
    ----------
    coverage : DataFrame
        Output of :func:`target_coverage`.
    n_unknown : int, default 0
        Targets whose period cannot be read (``match == 'period unknown'`` in :func:`target_actual_pairs`).
    n_actual_only : int, default 0
        Actuals of a targeted indicator for a period without a target of its own (``match == 'actual only'``).

    Returns
    -------
    Sentence
        E.g. "Targets with a level and a readable period: **4**: **1** with an actual for the same period,
        **2** with only an actual to date for part of the period (section 2 paces them), **1** with no actual
        in the data. ..."
    """
    if not isinstance(coverage, pd.DataFrame) or "coverage" not in coverage.columns:
        raise ValueError("coverage must be the output of target_coverage (a DataFrame with column 'coverage')")
    c = coverage["coverage"].value_counts()
    return Sentence(
        "Targets with a level and a readable period: **{n}**: **{same}** with an actual for the same period, "
        "**{to_date}** with only an actual to date for part of the period (section 2 sets these against time "
        "progress), **{none}** with no actual in the data. Targets whose period cannot be read: **{unk}**. Actuals "
        "of a targeted indicator for a period without a target of its own: **{ao}**.",
        dict(n=len(coverage), same=int(c.get("same period", 0)), to_date=int(c.get("to date only", 0)),
             none=int(c.get("none", 0)), unk=int(n_unknown), ao=int(n_actual_only)))


def no_actual_sentence(region: str, period: str, targets: pd.DataFrame) -> Sentence:
    """Section 1's sentence for targets of one region and period that have no actual at all in the data.

    Parameters
    ----------
    region, period : str
        The region and the targets' period.
    targets : DataFrame
        Rows of :func:`target_coverage` with ``coverage == 'none'`` for this region and period.

    Returns
    -------
    Sentence
        E.g. "**Linhai, 2022**: targets of 实际使用外资 (fdi_utilised) at least 6700万美元; ... The data hold no
        actual level of these indicators in the target's unit for 2022, whole or to date (...), so whether they
        were met cannot be said from this record."
    """
    if not isinstance(targets, pd.DataFrame) or targets.empty or (targets["coverage"] != "none").any():
        raise ValueError("targets must be rows of target_coverage with coverage 'none' (at least one)")
    one = len(targets) == 1
    items = "; ".join(f"{r.indicator_zh} ({r.indicator}) {figure_text(r.target_value, r.unit, r.target_qualifier)}"
                      for r in targets.itertuples())
    return Sentence(
        "**{region}, {per}**: {what} {items}. The data hold no actual level of {them} in the target's unit for "
        "{per}, whole or to date (a growth rate alone or a damaged figure is no level), so whether {it} met cannot "
        "be said from this record.",
        dict(region=region, per=period, items=items, what="a target of" if one else "targets of",
             them="this indicator" if one else "these indicators", it="it was" if one else "they were"))


def to_date_sentence(row: Any, as_of: Any = None) -> Sentence:
    """Section 1's sentence for a target that has only an actual to date (a row of :func:`target_coverage`).

    Parameters
    ----------
    row : Series, dict or namedtuple
        A row of :func:`target_coverage` with ``coverage == 'to date only'``.
    as_of : date-like or None
        The study's as-of date: an actual dated after it is left out of section 2, and the sentence says so.

    Returns
    -------
    Sentence
        E.g. "**Synthland, 2023**: the target of 签约项目 (signed_projects) 20个 has no actual for the whole of 2023,
        only one to date: 签约项目 12个 in 2023-01/2023-09 (to 2023-09-30), attainment so far 60.0 %. Section 2
        sets it against time progress."
    """
    r = _row(row)
    if r["coverage"] != "to date only":
        raise ValueError(f"row must have coverage 'to date only'; got {r['coverage']!r}")
    ts = _check_as_of(as_of)
    later = ts is not None and pd.Timestamp(r["data_date"]) > ts
    where = (f"It is dated after the as-of date {ts.date()}, so section 2 leaves it out; set as_of to "
             f"{pd.Timestamp(r['data_date']).date()} or later to pace it." if later
             else "Section 2 sets it against time progress.")
    return Sentence(
        "**{region}, {per}**: the target of {t_zh} ({ind}) {t} has no actual for the whole of {per}, only one to "
        "date: {a_zh} {a} {when}, attainment so far {att}. {where}",
        dict(region=r["region"], per=r["period"], t_zh=r["indicator_zh"], ind=r["indicator"],
             t=figure_text(r["target_value"], r["unit"], r["target_qualifier"]), a_zh=r["actual_indicator_zh"],
             a=figure_text(r["actual_value"], r["unit"], r["actual_qualifier"]),
             when=_actual_when(r["actual_period"], r["data_date"], r["period"]),
             att=fmt_pct(r["attainment_to_date_pct"], 1), where=where))


# ----------------------------------------------------------------------------------------------------------
# section 2: pace against the year
# ----------------------------------------------------------------------------------------------------------
_PACE_COLS = ["region", "entity", "plan_indicator", "plan_indicator_zh", "plan_status", "plan_period",
              "plan_value", "plan_qualifier", "plan_raw", "plan_obs_id", "actual_indicator", "actual_indicator_zh",
              "actual_period", "actual_value", "actual_qualifier", "actual_raw", "actual_obs_id", "unit",
              "related", "data_date", "time_basis", "time_elapsed", "time_total", "time_basis_text",
              "attainment_pct", "attainment_bound", "time_progress_pct", "gap_pp",
              "ahead", "linear_year_end", "linear_year_end_attainment_pct", "seasonal_year_end",
              "seasonal_year_end_attainment_pct", "as_of", "time_progress_as_of_pct", "latest", "caveat",
              "context_value", "context_unit", "context_qualifier", "context_raw", "context_indicator_zh",
              "context_obs_id", "label"]


def pace_rows(ds: Dataset, as_of: Any = None, regions: Any = None, period: Any = None, *,
              related: Mapping[str, Iterable[str]] | None = None, profile: pd.Series | None = None) -> pd.DataFrame:
    """A plan or target for a period beside a year-to-date actual: attainment, time progress, gap, projection.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    as_of : date-like or None
        The as-of date of the study. Only actuals whose period ends on or before it (known by then) are used;
        the output also gives time progress at ``as_of``. None: every actual, no as-of columns.
    regions : list of str, str or None
        Regions to keep; None for all.
    period : str or None
        Keep only plans of this period label (e.g. ``'2022'``); None for all.
    related : mapping, optional
        Plan indicator → actual indicators that measure progress on it. Default :data:`RELATED_INDICATORS`
        (``new_loans`` plan vs ``loans_disbursed``). The same indicator always pairs.
    profile : Series, optional
        Last year's cumulative monthly share (months 1..12), for the seasonal projection of
        :func:`analysis.targets.project_year_end`. None: linear projection only (seasonal columns NaN).

    Returns
    -------
    DataFrame
        One row per (plan, actual) pair, sorted by region, plan and data date. Columns: the keys (``region``,
        ``entity``, ``unit``); the plan (``plan_indicator``, ``plan_indicator_zh``, ``plan_status``,
        ``plan_period``, ``plan_value``, ``plan_qualifier``, ``plan_raw``, ``plan_obs_id``); the actual
        (``actual_indicator``, ..., ``actual_obs_id``); ``related`` (True when the indicators differ);
        ``data_date`` (last day of the actual's period); ``time_basis`` (``months`` or ``days``, from
        :func:`analysis.targets.pace_basis`), ``time_elapsed`` and ``time_total`` (months or days elapsed at
        ``data_date`` and in the plan's period), ``time_basis_text`` (``'months 9/12'``); ``attainment_pct``
        (percent), ``attainment_bound``, ``time_progress_pct`` (percent of the plan's period elapsed at
        ``data_date``, in the row's basis), ``gap_pp`` (percentage points, positive = ahead of time progress),
        ``ahead``; ``linear_year_end`` (projection to the end of
        the plan's period, unit of the actual) and ``linear_year_end_attainment_pct``; ``seasonal_year_end``
        and ``seasonal_year_end_attainment_pct`` (NaN without ``profile``); ``as_of`` and
        ``time_progress_as_of_pct``; ``latest`` (the last actual known for this plan); ``caveat`` and the
        context observation (``context_value``, ``context_unit``, ``context_qualifier``, ``context_raw``,
        ``context_indicator_zh``, ``context_obs_id``) of :data:`PAIR_CAVEATS`; ``label`` for charts.

    Raises
    ------
    ValueError
        If an argument is malformed (see also :func:`analysis.targets.project_year_end` for ``profile``).

    Notes
    -----
    A pair needs: the same region, entity and unit, a unit of :data:`ADDITIVE_UNITS` (an amount that
    accumulates: not a rate, multiple or rank); status ``plan`` or ``target`` on one side and ``actual`` on the
    other, both with a level and not damaged; the plan's period known and the actual's period a year-to-date
    part of it (same first day, an earlier last day), so that the actual is cumulative from the start of the
    plan's period; or an actual stated for a day within the plan's period (period ``2023-06-20``, measure
    ``flow`` or ``cumulative``: 截至6月20日), read as cumulative from the start of the plan's period.
    ``attainment_pct = actual / plan * 100``; ``time_progress_pct`` = :func:`analysis.targets.time_progress`
    (data date, plan period, basis) × 100, where the basis follows the actual: whole months for an actual of
    whole months (1-9月 of 2023: 9 / 12 = 75 %; 2022Q1: 3 / 12 = 25 %), as Chinese statistical reports write
    序时进度, and days for an actual stated for a day (2023-06-20: 171 / 365 = 46.85 %, both ends counted);
    ``gap_pp = attainment_pct - time_progress_pct``. Linear projection: ``actual / time_progress`` (same basis). Investment is back-loaded (a large share is completed in the fourth quarter),
    so a linear projection from early months understates the year-end outcome and overstates an early
    shortfall; only a seasonal profile corrects that.
    """
    _check_ds(ds)
    regions = region_list(regions)
    period = _check_period(period)
    ts = _check_as_of(as_of)
    rel = RELATED_INDICATORS if related is None else {k: tuple(v) for k, v in related.items()}
    obs = _in_regions(ds.observations, regions)
    obs = obs[obs["value"].notna() & (obs["quality"] != "damaged")]
    obs = obs[obs["unit"].isin(ADDITIVE_UNITS)]
    plans = obs[obs["status"].isin(["plan", "target"]) & (obs["period"] != "unknown")]
    if period is not None:
        plans = plans[plans["period"] == period]
    actuals = obs[(obs["status"] == "actual") & (obs["period"] != "unknown")]
    if plans.empty or actuals.empty:
        return _empty(_PACE_COLS)

    p = _side(plans, "plan").rename(columns={"indicator": "plan_indicator", "measure": "plan_measure"})
    a = _side(actuals, "actual").rename(columns={"indicator": "actual_indicator", "measure": "actual_measure"})
    link = pd.DataFrame([(k, v) for k, vs in rel.items() for v in vs], columns=["plan_indicator", "actual_indicator"])
    ind = pd.unique(pd.concat([p["plan_indicator"], a["actual_indicator"]]))
    link = pd.concat([link, pd.DataFrame({"plan_indicator": ind, "actual_indicator": ind})]).drop_duplicates()
    m = (p.merge(link, on="plan_indicator").merge(a, on=["region", "entity", "unit", "actual_indicator"]))
    if m.empty:
        return _empty(_PACE_COLS)
    pp = period_bounds(m["plan_period"])
    ap = period_bounds(m["actual_period"])
    ytd = (ap["start"] == pp["start"]) & (ap["end"] < pp["end"]) & ap["start"].notna()
    # an actual stated as of a day (截至X日) inside the plan's period: read as cumulative from its start
    dated = ((ap["kind"] == "date") & (ap["end"] >= pp["start"]) & (ap["end"] < pp["end"])
             & m["actual_measure"].isin(["flow", "cumulative"]).to_numpy())
    keep = (ytd | dated).to_numpy()
    m = m[keep].copy()
    m["data_date"] = ap.loc[keep, "end"].to_numpy()
    m["time_basis"] = [pace_basis(a, pl) for a, pl in zip(m["actual_period"], m["plan_period"])]
    if ts is not None:
        m = m[m["data_date"] <= ts]
    if m.empty:
        return _empty(_PACE_COLS)
    m = m.reset_index(drop=True)
    m["related"] = m["plan_indicator"] != m["actual_indicator"]

    pv = m["plan_value"].astype(float)
    av = m["actual_value"].astype(float)
    ok = pv > 0
    gaps = []
    projections = []
    for (plan_period, basis), idx in m[ok].groupby(["plan_period", "time_basis"]).groups.items():
        g = pace_gap(av[idx], pv[idx], as_of=m.loc[idx, "data_date"], period=plan_period, basis=basis)
        elapsed, total = time_elapsed(m.loc[idx, "data_date"], plan_period, basis)
        gaps.append(pd.DataFrame({"attainment_pct": g.attainment_pct, "time_progress_pct": g.time_progress_pct,
                                  "gap_pp": g.gap_pp, "time_elapsed": elapsed, "time_total": float(total)},
                                 index=idx))
        use_profile = profile if (profile is not None and parse_period(plan_period).kind == "year") else None
        y = project_year_end(av[idx], m.loc[idx, "data_date"], plan_period, profile=use_profile, target=pv[idx],
                             basis=basis)
        projections.append(pd.DataFrame({
            "linear_year_end": y.linear, "linear_year_end_attainment_pct": y.linear_attainment_pct,
            "seasonal_year_end": y.seasonal if y.seasonal is not None else np.nan,
            "seasonal_year_end_attainment_pct": (y.seasonal_attainment_pct if y.seasonal_attainment_pct is not None
                                                 else np.nan)}, index=idx))
    if gaps:
        m = m.join(pd.concat(gaps)).join(pd.concat(projections))
        m["time_basis_text"] = [time_basis_text(b, e, t) for b, e, t in
                                zip(m["time_basis"], m["time_elapsed"], m["time_total"])]
    m["ahead"] = pd.array(np.where(m["gap_pp"].notna(), m["gap_pp"] >= 0, pd.NA), dtype="boolean")
    m["attainment_bound"] = _bound_of(m["actual_qualifier"])
    m["as_of"] = ts if ts is not None else pd.NaT
    if ts is not None:
        tp_as_of = {pl: time_progress(ts, pl) * 100.0 for pl in pd.unique(m["plan_period"])}
        m["time_progress_as_of_pct"] = m["plan_period"].map(tp_as_of).astype(float)
    else:
        m["time_progress_as_of_pct"] = np.nan
    last = m.groupby("plan_obs_id")["data_date"].transform("max")
    m["latest"] = m["data_date"] == last

    # caveats and context observations of related pairs
    cav = pd.Series([PAIR_CAVEATS.get((pi, ai)) for pi, ai in zip(m["plan_indicator"], m["actual_indicator"])],
                    index=m.index, dtype=object)
    m["caveat"] = cav.map(lambda c: c[1] if c else None)
    m["context_indicator"] = cav.map(lambda c: c[0] if c else None)
    ctx_obs = ds.observations[ds.observations["status"] == "actual"]
    ctx = (ctx_obs[["region", "indicator", "value", "unit", "qualifier", "raw", "indicator_zh", "obs_id", "period"]]
           .rename(columns={"indicator": "context_indicator", "value": "context_value", "unit": "context_unit",
                            "qualifier": "context_qualifier", "raw": "context_raw",
                            "indicator_zh": "context_indicator_zh", "obs_id": "context_obs_id"}))
    ctx = ctx.drop_duplicates(["region", "context_indicator"], keep="last").drop(columns=["period"])
    m = m.merge(ctx, on=["region", "context_indicator"], how="left")
    m["entity"] = m["entity"].astype(object)
    m["label"] = (m["region"].astype(str) + " " + m["plan_indicator_zh"].astype(str) + " " + m["plan_period"]
                  + " (" + m["actual_indicator_zh"].astype(str) + " " + m["actual_period"] + ")")
    for c in _PACE_COLS:
        if c not in m:
            m[c] = np.nan
    m = m.sort_values(["region", "plan_indicator", "plan_period", "data_date"], kind="stable")
    return m[_PACE_COLS].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------------
# section 3: ambition of next year's targets
# ----------------------------------------------------------------------------------------------------------
_AMB_COLS = ["region", "entity", "indicator", "indicator_zh", "unit", "measure", "period_known",
             "actual_period", "actual_value", "actual_qualifier", "actual_raw", "actual_obs_id",
             "target_period", "target_value", "target_qualifier", "target_raw", "target_obs_id", "target_quality",
             "ambition_pct", "below_last_actual", "basis", "label"]


def ambition_rows(ds: Dataset, regions: Any = None, period: Any = None) -> pd.DataFrame:
    """Next year's target beside this year's actual of the same region, entity, indicator, unit and measure.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    regions : list of str, str or None
        Regions to keep; None for all.
    period : str or None
        Keep only targets of this period label; None for all. Pairs of unknown period (below) are kept only
        when ``period`` is None.

    Returns
    -------
    DataFrame
        One row per pair. Columns: keys (``region``, ``entity`` (empty string for the region as a whole),
        ``indicator``, ``indicator_zh``, ``unit``, ``measure``); ``period_known``; this year's actual
        (``actual_period``, ``actual_value``, ``actual_qualifier``, ``actual_raw``, ``actual_obs_id``);
        next year's target (``target_period``, ``target_value``, ``target_qualifier``, ``target_raw``,
        ``target_obs_id``, ``target_quality``); ``ambition_pct`` (percent, NaN when the target is damaged);
        ``below_last_actual`` (nullable boolean: a target below this year's actual); ``basis`` (how the pair
        was made); ``label``.

    Raises
    ------
    ValueError
        If an argument is malformed.

    Notes
    -----
    ``ambition_pct = (target / actual - 1) * 100`` (:func:`analysis.targets.ambition`), percent. Two ways to
    pair:

    * known years: a target for year Y+1 (period kind ``year``) beside the actual of year Y;
    * unknown period: a year-end summary whose year cannot be read (document 004) records this year's
      outcomes as status ``actual`` and next year's goals as status ``target``, both with period ``unknown``;
      within one document the two are paired by status. The years themselves are then unknown, and the
      actual may cover fewer than twelve months (its months may be illegible): if it is a part of the year, the
      ambition is overstated.

    Targets of quality ``damaged`` (value not readable) are kept with ``ambition_pct`` NaN so that a report
    can say which targets could not be assessed. Plans (status ``plan``) are not targets and are left out.
    """
    _check_ds(ds)
    regions = region_list(regions)
    period = _check_period(period)
    obs = _in_regions(ds.observations, regions)
    tg = obs[obs["status"] == "target"]
    ac = obs[(obs["status"] == "actual") & obs["value"].notna() & (obs["quality"] != "damaged")]
    if period is not None:
        tg = tg[tg["period"] == period]
    if tg.empty or ac.empty:
        return _empty(_AMB_COLS)
    t = _side(tg, "target")
    a = _side(ac, "actual")
    keys = [*_KEYS, "measure"]

    # known years: target of Y+1 beside actual of Y
    tk = t[t["target_period"] != "unknown"].copy()
    akn = a[a["actual_period"] != "unknown"].copy()
    tper, aper = period_bounds(tk["target_period"]), period_bounds(akn["actual_period"])
    tk = tk[(tper["kind"] == "year").to_numpy()]
    akn = akn[(aper["kind"] == "year").to_numpy()]
    tk["_year"] = tk["target_period"].astype(int)
    akn["_year"] = akn["actual_period"].astype(int) + 1
    known = tk.merge(akn, on=[*keys, "_year"]).drop(columns=["_year"])
    known["period_known"] = True
    known["basis"] = "target of the year after the actual's year"

    # unknown period: same document, status target beside status actual
    tu = t[t["target_period"] == "unknown"]
    au = a[a["actual_period"] == "unknown"]
    unknown = tu.merge(au, left_on=[*keys, "target_doc"], right_on=[*keys, "actual_doc"])
    unknown["period_known"] = False
    unknown["basis"] = ("same document, period unreadable: status target read as next year's goal, status "
                        "actual as this year's outcome")
    frames = [f for f in (known, unknown) if not f.empty]
    if not frames:
        return _empty(_AMB_COLS)
    out = pd.concat(frames, ignore_index=True)
    out["indicator_zh"] = out["target_indicator_zh"]
    tv, av = out["target_value"].astype(float), out["actual_value"].astype(float)
    ok = (tv > 0) & (av > 0)
    res = ambition(tv.where(ok, 1.0), av.where(ok, 1.0))
    out["ambition_pct"] = res.ambition_pct.where(ok)
    out["below_last_actual"] = pd.array(np.where(ok, res.below_last_actual, pd.NA), dtype="boolean")
    out["label"] = out["region"].astype(str) + " " + out["indicator_zh"].astype(str)
    out = out.sort_values(["region", "period_known", "indicator", "target_period"], kind="stable")
    return out[_AMB_COLS].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------------
# section 4: the responsibility table
# ----------------------------------------------------------------------------------------------------------
_PROJ_COLS = ["project_id", "region", "table_row", "name_zh", "name_en", "sector", "total_investment",
              "total_investment_qualifier", "total_investment_yi", "land", "land_unit", "investor_zh", "stage",
              "stage_as_of", "leaders_zh", "lead_unit_zh", "n_milestones", "doc", "line"]


def project_table(ds: Dataset, regions: Any = None) -> pd.DataFrame:
    """The projects of a responsibility table (推进责任分解表): rows with a table row number.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    regions : list of str, str or None
        Regions to keep; None for all.

    Returns
    -------
    DataFrame
        One row per project with a ``table_row``, sorted by region and row: ``project_id``, ``region``,
        ``table_row``, ``name_zh``, ``name_en``, ``sector``, ``total_investment`` (yuan),
        ``total_investment_qualifier``, ``total_investment_yi`` (亿元), ``land`` and ``land_unit``,
        ``investor_zh``, ``stage``, ``stage_as_of``, ``leaders_zh`` (names separated by ';'),
        ``lead_unit_zh``, ``n_milestones`` (planned milestones in the milestones table), ``doc``, ``line``.

    Raises
    ------
    ValueError
        If an argument is malformed.

    Notes
    -----
    ``total_investment_yi = total_investment / 1e8``. Projects named elsewhere in the documents (without a
    table row) are not part of a responsibility table and are left out; they count in :func:`stage_table`.
    """
    _check_ds(ds)
    regions = region_list(regions)
    pr = _in_regions(ds.projects, regions)
    pr = pr[pr["table_row"].notna()].copy()
    if pr.empty:
        return _empty(_PROJ_COLS)
    n = ds.milestones.groupby("project_id").size()
    pr["n_milestones"] = pr["project_id"].map(n).fillna(0).astype(int)
    pr["total_investment_yi"] = pr["total_investment"].astype(float) / 1e8
    pr = pr.sort_values(["region", "table_row"], kind="stable")
    return pr[_PROJ_COLS].reset_index(drop=True)


def table_coverage(ds: Dataset, regions: Any = None,
                   stated_indicator: str = "projects_pursued_to_signing") -> pd.DataFrame:
    """How many rows of each region's responsibility table survive, against the number the document states.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    regions : list of str, str or None
        Regions to keep; None for all.
    stated_indicator : str, default 'projects_pursued_to_signing'
        Indicator of the observation giving the table's stated number of projects (e.g. 盯引抓签约项目 33个).

    Returns
    -------
    DataFrame
        Indexed by region: ``rows_present`` (projects with a table row), ``max_row`` (highest row number),
        ``rows_stated`` (value of the stated observation, NaN if none), ``stated_raw``, ``stated_obs_id``,
        ``rows_without_milestones``, ``rows_without_lead_unit``.

    Raises
    ------
    ValueError
        If an argument is malformed.

    Notes
    -----
    ``rows_stated - rows_present`` rows are missing from the record (cut off in the document, for Linhai's
    table); no figure of the missing rows is inferred.
    """
    _check_ds(ds)
    pt = project_table(ds, regions)
    cols = ["rows_present", "max_row", "rows_stated", "stated_raw", "stated_obs_id", "rows_without_milestones",
            "rows_without_lead_unit"]
    if pt.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="region"))
    g = pt.groupby("region")
    out = pd.DataFrame({
        "rows_present": g.size(),
        "max_row": g["table_row"].max().astype(int),
        "rows_without_milestones": g["n_milestones"].apply(lambda s: int((s == 0).sum())),
        "rows_without_lead_unit": g["lead_unit_zh"].apply(lambda s: int(s.isna().sum())),
    })
    st = ds.observations[(ds.observations["indicator"] == stated_indicator) & ds.observations["value"].notna()]
    st = st.drop_duplicates("region", keep="first").set_index("region")
    out["rows_stated"] = st["value"].reindex(out.index)
    out["stated_raw"] = st["raw"].reindex(out.index)
    out["stated_obs_id"] = st["obs_id"].reindex(out.index)
    out.index.name = "region"
    return out[cols]


# ----------------------------------------------------------------------------------------------------------
# section 5: milestones
# ----------------------------------------------------------------------------------------------------------
_DUE = {"passed": "deadline passed", "window": "in its window", "later": "not yet due", "unknown": "unknown"}


def milestone_frame(ds: Dataset, regions: Any = None, as_of: Any = None) -> pd.DataFrame:
    """Milestones with their project, planned window and (given a date) whether they fall due by it.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    regions : list of str, str or None
        Regions (of the projects) to keep; None for all.
    as_of : date-like or None
        The as-of date; None leaves ``due_by_as_of`` empty.

    Returns
    -------
    DataFrame
        The ``milestones`` columns plus ``region``, ``project`` (Chinese name, else English name, else id:
        the label of :func:`analysis.plots.milestone_timeline`), ``name_en``, ``table_row``, ``leaders_zh``,
        ``lead_unit_zh``, ``planned_start``, ``planned_end`` (first and last day of the planned period, NaT
        when unknown), ``planned_known`` and ``due_by_as_of``: ``deadline passed`` (planned end before
        ``as_of``), ``in its window`` (``as_of`` within the planned period), ``not yet due`` or ``unknown``.
        Sorted by table row, project and planned start.

    Raises
    ------
    ValueError
        If an argument is malformed.

    Notes
    -----
    ``due_by_as_of`` uses the plan only, not what happened: a milestone whose deadline passed may well be done.
    What happened needs actual dates (:func:`analysis.targets.milestone_status`).
    """
    _check_ds(ds)
    regions = region_list(regions)
    ts = _check_as_of(as_of)
    pr = _in_regions(ds.projects, regions)
    cols = list(ds.milestones.columns) + ["region", "project", "name_en", "table_row", "leaders_zh",
                                          "lead_unit_zh", "planned_start", "planned_end", "planned_known",
                                          "due_by_as_of"]
    ms = ds.milestones[ds.milestones["project_id"].isin(pr["project_id"])]
    if ms.empty:
        return _empty(cols)
    info = pr.set_index("project_id")[["region", "name_zh", "name_en", "table_row", "leaders_zh", "lead_unit_zh"]]
    out = ms.join(info, on="project_id")
    out["project"] = out["name_zh"].fillna(out["name_en"]).fillna(out["project_id"]).astype(object)
    per = period_bounds(out["planned"])
    out["planned_start"], out["planned_end"] = per["start"], per["end"]
    out["planned_known"] = out["planned_start"].notna()
    if ts is None:
        out["due_by_as_of"] = None
    else:
        due = np.select([~out["planned_known"], out["planned_end"] < ts, out["planned_start"] <= ts],
                        [_DUE["unknown"], _DUE["passed"], _DUE["window"]], _DUE["later"])
        out["due_by_as_of"] = pd.Series(due, index=out.index, dtype=object)
    out = out.sort_values(["table_row", "project_id", "planned_start", "milestone_id"], kind="stable",
                          na_position="last")
    return out[cols].reset_index(drop=True)


def flag_table(ds: Dataset, status_df: pd.DataFrame, snail_days: float = 30, regions: Any = None) -> pd.DataFrame:
    """红旗 / 蜗牛 ratings of projects with their names and lead units.

    Parameters
    ----------
    ds : Dataset
        The dataset (for project names and lead units).
    status_df : DataFrame
        Output of :func:`analysis.targets.milestone_status`.
    snail_days : float, default 30
        Lateness beyond which a project is a snail (蜗牛), in days.
    regions : list of str, str or None
        Regions whose projects are rated (projects of a responsibility table without milestones get
        ``neutral``); None for all.

    Returns
    -------
    DataFrame
        The columns of :func:`analysis.targets.project_flags` (``n_milestones``, ``n_<status>``,
        ``max_days_late``, ``flag``, ``flag_zh``) with ``project_id`` as a column and ``project`` (Chinese
        name), ``lead_unit_zh``, ``leaders_zh`` in front; sorted snail first, then red flag, then neutral.

    Raises
    ------
    ValueError
        As :func:`analysis.targets.project_flags`.

    Notes
    -----
    Rule of :func:`analysis.targets.project_flags`: snail when a milestone is (or was done) more than
    ``snail_days`` late; red flag when every milestone due is done on time and at least one is done.
    """
    _check_ds(ds)
    regions = region_list(regions)
    pt = project_table(ds, regions)
    flags = project_flags(status_df, snail_days=snail_days, projects=pt if not pt.empty else None)
    info = ds.projects.set_index("project_id")
    out = flags.reset_index()
    out.insert(1, "project", out["project_id"].map(info["name_zh"]).fillna(out["project_id"]).astype(object))
    out.insert(2, "lead_unit_zh", out["project_id"].map(info["lead_unit_zh"]).astype(object))
    out.insert(3, "leaders_zh", out["project_id"].map(info["leaders_zh"]).astype(object))
    order = {"snail": 0, "red_flag": 1, "neutral": 2}
    out = out.assign(_o=out["flag"].map(order)).sort_values(["_o", "project_id"], kind="stable")
    return out.drop(columns=["_o"]).reset_index(drop=True)


def status_counts(frame: pd.DataFrame, by: str = "lead_unit_zh", status: str = "status",
                  missing_label: str = "(not stated)") -> pd.DataFrame:
    """Milestones by a grouping column (lead unit, project) and status, with a total column.

    Parameters
    ----------
    frame : DataFrame
        Milestones with columns ``by`` and ``status`` (e.g. :func:`milestone_frame` with ``due_by_as_of``, or
        the output of :func:`analysis.targets.milestone_status`).
    by : str, default 'lead_unit_zh'
        Grouping column; missing values are labelled ``missing_label``.
    status : str, default 'status'
        Status column.
    missing_label : str, default '(not stated)'
        Label of a missing group.

    Returns
    -------
    DataFrame
        Index: groups; columns: statuses present (counts of milestones, int) and ``total``.

    Raises
    ------
    ValueError
        If a column is missing.

    Notes
    -----
    Counts, not shares: ``total`` = number of milestones of the group.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"frame must be a DataFrame; got {type(frame).__name__}")
    missing = [c for c in (by, status) if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks column(s) {missing}; it has {list(frame.columns)}")
    if frame.empty:
        return pd.DataFrame(columns=["total"], index=pd.Index([], name=by))
    g = frame[by].astype(object).where(frame[by].notna(), missing_label)
    out = pd.crosstab(g, frame[status].astype(object).fillna("unknown"))
    out.columns.name = None
    out.index.name = by
    out["total"] = out.sum(axis=1)
    return out


# ----------------------------------------------------------------------------------------------------------
# section 6: stages
# ----------------------------------------------------------------------------------------------------------
def projects_in(ds: Dataset, regions: Any = None) -> pd.DataFrame:
    """All projects of the given regions (the input of :func:`analysis.targets.stage_funnel`).

    Parameters
    ----------
    ds : Dataset
        The dataset.
    regions : list of str, str or None
        Regions to keep; None for all.

    Returns
    -------
    DataFrame
        Rows of ``ds.projects`` (index and columns kept).

    Raises
    ------
    ValueError
        If an argument is malformed.

    Notes
    -----
    Includes projects named outside a responsibility table, unlike :func:`project_table`.
    """
    _check_ds(ds)
    return _in_regions(ds.projects, region_list(regions))


def stage_table(ds: Dataset, regions: Any = None) -> pd.DataFrame:
    """Projects by current stage and region, in funnel order, with unknown stages in their own row.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    regions : list of str, str or None
        Regions to keep; None for all.

    Returns
    -------
    DataFrame
        Index: the stages of :data:`analysis.targets.STAGE_ORDER` present, then ``unknown``; columns: regions
        (counts of projects whose recorded stage it is), ``total`` and ``stage_as_of`` (the dates the stages
        were recorded at, joined by ', ').

    Raises
    ------
    ValueError
        If an argument is malformed.

    Notes
    -----
    The counts are of projects *at* each stage ("currently"); the funnel of
    :func:`analysis.targets.stage_funnel` turns them into "reached" counts. Stages of different projects are
    recorded at different dates (``stage_as_of``), so the table is a set of snapshots, not one cross-section.
    """
    _check_ds(ds)
    regions = region_list(regions)
    pr = _in_regions(ds.projects, regions)
    if pr.empty:
        return pd.DataFrame(columns=["total", "stage_as_of"], index=pd.Index([], name="stage"))
    stage = pr["stage"].astype(object).fillna("unknown")
    tab = pd.crosstab(stage, pr["region"].astype(object))
    tab.columns.name = None
    order = [s for s in STAGE_ORDER if s in tab.index] + [s for s in tab.index if s not in STAGE_ORDER]
    tab = tab.reindex(order)
    tab["total"] = tab.sum(axis=1)
    asof = pr.assign(_s=stage).groupby("_s")["stage_as_of"].agg(lambda s: ", ".join(sorted(set(s.dropna()))))
    tab["stage_as_of"] = asof.reindex(tab.index)
    tab.index.name = "stage"
    return tab


def funnel_chart_frame(funnel_table: pd.DataFrame) -> pd.DataFrame:
    """The frame :func:`analysis.plots.stage_funnel_chart` draws, from a :class:`~analysis.targets.StageFunnel` table.

    Parameters
    ----------
    funnel_table : DataFrame
        ``StageFunnel.table`` (indexed by stage, column ``n_reached``).

    Returns
    -------
    DataFrame
        Columns ``stage`` and ``count`` (projects that reached the stage), stages after the last one reached
        by any project dropped (a funnel of zeros says nothing).

    Raises
    ------
    ValueError
        If ``n_reached`` is missing.

    Notes
    -----
    ``count = n_reached``, already cumulative: draw with ``cumulative=False``.
    """
    if not isinstance(funnel_table, pd.DataFrame) or "n_reached" not in funnel_table.columns:
        raise ValueError("funnel_table must be StageFunnel.table (a DataFrame with column 'n_reached')")
    df = pd.DataFrame({"stage": funnel_table.index.astype(str), "count": funnel_table["n_reached"].to_numpy()})
    nz = np.flatnonzero(df["count"].to_numpy() > 0)
    if len(nz) == 0:
        return df.iloc[0:0]
    return df.iloc[: nz[-1] + 1].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------------
# section 7: heat map
# ----------------------------------------------------------------------------------------------------------
def heatmap_frame(ds: Dataset, regions: Any = None, missing_label: str = "(not stated)") -> pd.DataFrame:
    """Projects with a planned total investment, as the long frame of :func:`analysis.plots.heatmap`.

    Parameters
    ----------
    ds : Dataset
        The dataset.
    regions : list of str, str or None
        Regions to keep; None for all.
    missing_label : str, default '(not stated)'
        Label of a missing sector or lead unit.

    Returns
    -------
    DataFrame
        Columns ``project_id``, ``region``, ``name_zh``, ``sector``, ``lead_unit`` (主责单位; ``missing_label``
        when the row does not name one), ``value`` (total investment in yuan), ``qualifier``.

    Raises
    ------
    ValueError
        If an argument is malformed.

    Notes
    -----
    Total investment is what a project plans over its life (总投资), not spending in a year; sums over
    projects are sums of plans. Projects without a stated amount are left out.
    """
    _check_ds(ds)
    regions = region_list(regions)
    pr = _in_regions(ds.projects, regions)
    pr = pr[pr["total_investment"].notna()]
    cols = ["project_id", "region", "name_zh", "sector", "lead_unit", "value", "qualifier"]
    if pr.empty:
        return _empty(cols)
    out = pd.DataFrame({
        "project_id": pr["project_id"].to_numpy(), "region": pr["region"].to_numpy(),
        "name_zh": pr["name_zh"].to_numpy(),
        "sector": pr["sector"].astype(object).where(pr["sector"].notna(), missing_label).to_numpy(),
        "lead_unit": pr["lead_unit_zh"].astype(object).where(pr["lead_unit_zh"].notna(), missing_label).to_numpy(),
        "value": pr["total_investment"].astype(float).to_numpy(),
        "qualifier": pr["total_investment_qualifier"].to_numpy(),
    })
    return out.sort_values(["value"], ascending=False, kind="stable").reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------------
# section 8: statistical checks
# ----------------------------------------------------------------------------------------------------------
def regression_sample(pairs: pd.DataFrame) -> pd.DataFrame:
    """The target-actual pairs an actual-on-target regression can use: complete pairs of the most common unit.

    Parameters
    ----------
    pairs : DataFrame
        Output of :func:`target_actual_pairs`.

    Returns
    -------
    DataFrame
        The rows with ``match == 'both'``, a positive target and an actual, in the unit that has the most such
        pairs (ties: alphabetical), with columns ``label``, ``unit``, ``actual_value``, ``target_value``,
        ``ratio`` (actual / target, a fraction). Empty when there is no complete pair.

    Raises
    ------
    ValueError
        If ``pairs`` lacks the columns of :func:`target_actual_pairs`.

    Notes
    -----
    A regression of actual on target in levels mixes nothing but one unit (yuan with yuan, counts with
    counts); ``ratio`` is unit-free, so :func:`analysis.stats.bunching` can use every complete pair (take them
    from ``pairs`` directly).
    """
    need = ["match", "label", "unit", "actual_value", "target_value"]
    if not isinstance(pairs, pd.DataFrame) or any(c not in pairs.columns for c in need):
        raise ValueError(f"pairs must be the output of target_actual_pairs (columns {need})")
    ok = (pairs["match"] == "both") & pairs["actual_value"].notna() & (pairs["target_value"].astype(float) > 0)
    df = pairs.loc[ok, ["label", "unit", "actual_value", "target_value"]].copy()
    if df.empty:
        return df.assign(ratio=pd.Series(dtype=float))
    counts = df.groupby("unit").size()
    unit = sorted(counts[counts == counts.max()].index)[0]
    df = df[df["unit"] == unit].copy()
    df["actual_value"] = df["actual_value"].astype(float)
    df["target_value"] = df["target_value"].astype(float)
    df["ratio"] = df["actual_value"] / df["target_value"]
    return df.reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------------
# section 9: provenance
# ----------------------------------------------------------------------------------------------------------
def provenance_ids(*frames: pd.DataFrame) -> dict[str, list[str]]:
    """Ids of the source rows a study's tables used, by table, for :func:`analysis.report.provenance`.

    Parameters
    ----------
    *frames : DataFrame
        Tables of this module (or any frames): every column named ``obs_id`` or ending in ``_obs_id`` gives
        observation ids, ``project_id`` project ids and ``milestone_id`` milestone ids.

    Returns
    -------
    dict
        ``{'observations': [...], 'projects': [...], 'milestones': [...]}``, each sorted, without duplicates
        or missing values; tables with no id are left out.

    Raises
    ------
    ValueError
        If an argument is not a DataFrame.

    Notes
    -----
    Pass the result as keyword arguments: ``provenance(ds, **provenance_ids(pairs, pace, ...))``.
    """
    ids: dict[str, set] = {"observations": set(), "projects": set(), "milestones": set()}
    for f in frames:
        if not isinstance(f, pd.DataFrame):
            raise ValueError(f"provenance_ids takes DataFrames; got {type(f).__name__}")
        cols = list(f.columns) + ([f.index.name] if f.index.name else [])
        for c in cols:
            s = f.index.to_series() if c == f.index.name and c not in f.columns else f[c]
            if c == "obs_id" or str(c).endswith("_obs_id"):
                ids["observations"].update(s.dropna().astype(str))
            elif c == "project_id":
                ids["projects"].update(s.dropna().astype(str))
            elif c == "milestone_id":
                ids["milestones"].update(s.dropna().astype(str))
    return {k: sorted(v) for k, v in ids.items() if v}


# ==========================================================================================================
# the report: one function per section, each taking the selected data (TargetData) and returning a Section
# ==========================================================================================================
STUDY = "03-target-versus-actual"
TITLE = "Targets, milestones and what happened"
QUESTION = ("Where local governments set targets, plans and milestones for investment promotion, what does the "
            "record say happened against them?")

_BOUND_WORDS = {"exact": "exact", "at_least": "at least (lower bound)", "at_most": "at most (upper bound)",
                "about": "about"}
_DUE_ORDER = ("deadline passed", "in its window", "not yet due", "unknown")
_STATUS_ORDER = ("done", "done_late", "late", "due", "not_yet_due", "unknown")


def check_snail_days(snail_days: Any) -> float:
    """The study's ``snail_days`` parameter, checked: a non-negative number of days.

    Parameters
    ----------
    snail_days : int or float
        Lateness, in days, beyond which a project is rated a snail (蜗牛).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        For a boolean, a non-number, NaN, infinity or a negative number, naming the parameter.
    """
    if (isinstance(snail_days, bool) or not isinstance(snail_days, (int, float, np.integer, np.floating))
            or not np.isfinite(snail_days) or snail_days < 0):
        raise ValueError(f"parameter snail_days: expected a non-negative number of days, got {snail_days!r}")
    return float(snail_days)


@dataclass
class TargetData:
    """The data study 03 reads, selected once for every section (made by :func:`select`).

    Attributes
    ----------
    ds : Dataset
    regions : list of str
        Regions studied (asked for and present in the observations or projects; all present when none asked).
    missing : list of str
        Regions asked for that have no observation and no project.
    period : str or None
        Period of the targets and plans of sections 1-3.
    as_of : Timestamp or None
        Date at which progress is assessed.
    dates : DataFrame or None
        Actual milestone dates (``milestone_id``, ``actual_date``) as read, or None.
    dates_name : str or None
        File name of the actual dates.
    snail_days : float
        Lateness in days beyond which a project is a snail.
    dates_in_folder : bool
        The data folder holds an ``actual_dates.csv`` that was not passed.
    pairs, pace_all, pace, amb, pt, table_cov, ms, status, flags, prj, hm : DataFrame
        The tables of this module for these regions: :func:`target_actual_pairs`, :func:`pace_rows` without and
        with the as-of date, :func:`ambition_rows`, :func:`project_table`, :func:`table_coverage`,
        :func:`milestone_frame`, :func:`analysis.targets.milestone_status` (None without matched actual dates),
        :func:`flag_table` (None likewise), :func:`projects_in`, :func:`heatmap_frame`.
    """

    ds: Dataset
    regions: list[str]
    missing: list[str]
    period: str | None
    as_of: pd.Timestamp | None
    dates: pd.DataFrame | None
    dates_name: str | None
    snail_days: float
    dates_in_folder: bool
    pairs: pd.DataFrame
    pace_all: pd.DataFrame
    pace: pd.DataFrame
    amb: pd.DataFrame
    pt: pd.DataFrame
    table_cov: pd.DataFrame
    ms: pd.DataFrame
    status: pd.DataFrame | None
    flags: pd.DataFrame | None
    prj: pd.DataFrame
    hm: pd.DataFrame

    @property
    def n_dates_matched(self) -> int:
        """Rows of the actual dates that name a milestone of the regions studied."""
        return 0 if self.dates is None else int(self.dates["milestone_id"].isin(self.ms["milestone_id"]).sum())


def select(ds: Dataset, regions: Any = None, period: Any = None, as_of: Any = None,
           actual_dates: pd.DataFrame | None = None, snail_days: Any = 30, *, dates_name: str | None = None,
           dates_in_folder: bool = False) -> TargetData:
    """Select the data of study 03 and build every table its sections show.

    Parameters
    ----------
    ds : Dataset
    regions : list of str or None
        Regions as the dataset names them (:meth:`analysis.params.StudyParams.with_regions`); None for all.
    period : str or None
        Period of targets and plans (sections 1-3).
    as_of : date-like or None
        Date at which progress is assessed.
    actual_dates : DataFrame or None
        Actual milestone dates (:func:`analysis.params.load_actual_dates`).
    snail_days : float, default 30
        Lateness in days beyond which a project is a snail (:func:`check_snail_days`).
    dates_name : str, optional
        File name of the actual dates, for the sentences.
    dates_in_folder : bool, default False
        Whether the data folder holds an ``actual_dates.csv`` not passed as ``actual_dates``.

    Returns
    -------
    TargetData
    """
    _check_ds(ds)
    from ..params import select_regions
    from ..targets import milestone_status

    snail = check_snail_days(snail_days)
    period = _check_period(period)
    ts = _check_as_of(as_of)
    available = set(ds.observations["region"]) | set(ds.projects["region"])
    present, missing = select_regions(available, region_list(regions))

    def rows(frame: pd.DataFrame) -> pd.DataFrame:  # no region with data: no rows (an empty list means "all")
        return frame if present else frame.iloc[0:0]

    ms = rows(milestone_frame(ds, present, ts))
    d = TargetData(ds=ds, regions=present, missing=missing, period=period, as_of=ts, dates=actual_dates,
                   dates_name=dates_name, snail_days=snail, dates_in_folder=dates_in_folder,
                   pairs=rows(target_actual_pairs(ds, present, period)),
                   pace_all=rows(pace_rows(ds, None, present, period)), pace=rows(pace_rows(ds, ts, present, period)),
                   amb=rows(ambition_rows(ds, present, period)), pt=rows(project_table(ds, present)),
                   table_cov=rows(table_coverage(ds, present)), ms=ms, status=None, flags=None,
                   prj=rows(projects_in(ds, present)), hm=rows(heatmap_frame(ds, present)))
    if not ms.empty and ts is not None and d.n_dates_matched:
        d.status = milestone_status(ms, actual_dates, ts)
        d.flags = flag_table(ds, d.status, snail, present)
    return d


def _figure(fig: Any, caption: str, alt: str) -> Figure:
    """A report figure, closed in pyplot (a notebook cell does not draw it a second time)."""
    import matplotlib.pyplot as plt

    plt.close(fig)
    return Figure(fig, caption, alt)


def _date(ts: Any) -> str:
    return "none" if ts is None or pd.isna(ts) else str(pd.Timestamp(ts).date())


def _join(names: Iterable[str]) -> str:
    return ", ".join(str(n) for n in names)


def _bound_words(frame: pd.DataFrame, col: str = "attainment_bound") -> pd.Series:
    return frame[col].map(lambda b: _BOUND_WORDS.get(b, b) if isinstance(b, str) else None)


_OBS_SOURCE = ("observations of the dataset (document and line of each in the appendix); attainment = actual / "
               "target × 100")


# ---- section 1 -------------------------------------------------------------------------------------------
def _attainment_sentence(r: Any) -> str:
    bound = "" if r.attainment_bound == "exact" else f" ({r.attainment_bound.replace('_', ' ')})"
    return (f"{r.label}: actual {figure_text(r.actual_value, r.unit, r.actual_qualifier)} against a target of "
            f"{figure_text(r.target_value, r.unit, r.target_qualifier)}: attainment **{fmt_pct(r.attainment_pct, 1)}**"
            f"{bound}, target {'met' if r.met else 'not met'}.")


def section_attainment(d: TargetData) -> Section:
    """Section 1, targets beside actuals: attainment (完成率) where a target has an actual of its period, and what
    the record holds on every other target.

    Findings: the count of targets by coverage (key finding), one sentence per target with an actual
        (attainment in %), per target with only an actual to date, per region and period of targets with none;
        tables of each group, a chart of attainment.
    """
    pairs = d.pairs
    both, a_only = pairs[pairs["match"] == "both"], pairs[pairs["match"] == "actual only"]
    unk = pairs[pairs["match"] == "period unknown"]
    cov = target_coverage(pairs, d.pace_all)
    items: list = ["A target is paired with an actual of the same region, entity, indicator, unit and period; "
                   "attainment (完成率) = actual / target × 100. Targets whose period cannot be read (a damaged "
                   "document) are compared with this year's actual in section 3."]
    if pairs.empty:
        findings = ["No target with a level is recorded for the regions and period studied, so there is nothing "
                    "to pair."]
    else:
        findings = [coverage_sentence(cov, n_unknown=len(unk), n_actual_only=len(a_only)).text]
    if both.empty and not pairs.empty:
        findings.append("No target has an actual of the same region, indicator and period in the data, so no "
                        "attainment can be computed.")
    elif not both.empty:
        findings += [_attainment_sentence(r) for r in both.itertuples()]
        items.append(Table(both.assign(bound=_bound_words(both)), "Targets with an actual of the same period: "
                           "attainment (完成率)", [
                               Col("region", "Region"), Col("entity", "Entity"), Col("indicator_zh", "Indicator"),
                               Col("indicator", "Code"), Col("period", "Period", "period"),
                               Col("target_raw", "Target (as written)"), Col("actual_period", "Actual's period",
                                                                             "period"),
                               Col("actual_raw", "Actual (as written)"),
                               Col("attainment_pct", "Attainment (%)", "pct", digits=2),
                               Col("bound", "Bound of the attainment"), Col("met", "Target met", "bool"),
                               Col("target_obs_id", "Source (target)")],
                           source=_OBS_SOURCE, ids="target_obs_id"))
        items.append(_figure(_plots().attainment_chart(
            both, label="label", attainment="attainment_pct", time_progress=100.0,
            title="Attainment of targets with an actual for the whole period"),
            "Attainment of targets with an actual for their whole period (line: 100 %)",
            f"Bar chart of attainment in percent for {len(both)} target(s), from "
            f"{fmt_pct(both['attainment_pct'].min())} to {fmt_pct(both['attainment_pct'].max())}, against a line "
            "at 100 %."))
    partial = cov[cov["coverage"] != "same period"]
    if not partial.empty:
        items.append(Table(partial, "Targets without an actual for their whole period: with an actual to date "
                           "(attainment so far) or with none", [
                               Col("region", "Region"), Col("entity", "Entity"), Col("indicator_zh", "Indicator"),
                               Col("indicator", "Code"), Col("period", "Period", "period"),
                               Col("target_raw", "Target (as written)"), Col("coverage", "Actual in the data"),
                               Col("actual_indicator_zh", "Actual to date: indicator"),
                               Col("actual_period", "Actual's period", "period"), Col("data_date", "Data date", "date"),
                               Col("attainment_to_date_pct", "Attainment so far (%)", "pct", digits=2),
                               Col("target_obs_id", "Source (target)")],
                           source=_OBS_SOURCE, ids="target_obs_id"))
        findings += [to_date_sentence(r, d.as_of).text
                     for r in partial[partial["coverage"] == "to date only"].itertuples()]
        findings += [no_actual_sentence(region, per, g).text for (region, per), g in
                     partial[partial["coverage"] == "none"].groupby(["region", "period"], sort=True)]
    if not a_only.empty:
        pa = d.pace_all
        of_target = (pa[pa["plan_status"] == "target"].groupby("actual_obs_id")["plan_period"]
                     .agg(lambda s: ", ".join(sorted(set(s)))))
        tab = a_only.assign(to_date_of=[of_target.get(i, "") for i in a_only["actual_obs_id"]])
        items.append(Table(tab, "Actuals of a targeted indicator with no target for their own period", [
            Col("region", "Region"), Col("entity", "Entity"), Col("indicator_zh", "Indicator"),
            Col("period", "Period", "period"), Col("actual_raw", "Actual (as written)"),
            Col("to_date_of", "To date of the target for (paced in section 2)", "period"),
            Col("actual_obs_id", "Source (actual)")],
            source="observations of the dataset", ids="actual_obs_id"))
    if not unk.empty:
        findings.append(f"{len(unk)} target(s) of {_join(sorted(unk['region'].unique()))} have a period that cannot "
                        "be read (the document is damaged); they are next year's goals and are set against this "
                        "year's actual in section 3.")
    obs = d.ds.observations
    n_plans = int(((obs["status"] == "plan") & obs["region"].isin(d.regions)).sum())
    if n_plans:
        items.append(f"Planned actions and amounts (status `plan`, {n_plans} row(s): task forces, capacities, "
                     "phases of projects) are not targets and are not paired here; an annual plan with a "
                     "year-to-date actual is paced in section 2.")
    return Section("attainment", "Targets beside actuals",
                   "Where a region set a target, does the record say whether it was met?", findings, items,
                   key=findings[:1])


def _plots():
    """The figures module (imported on first use: matplotlib is slow to import)."""
    from .. import plots

    return plots


# ---- section 2 -------------------------------------------------------------------------------------------
_PACE_METHOD = (
    "An annual plan or target is set beside an actual to date of the same region and the same or a related "
    "indicator (e.g. a plan of new loans beside loans disbursed): an actual from the start of the plan's period "
    "(1-9月, a first quarter), or an actual stated as of a day within it (read as cumulative from the start of the "
    "period). Time progress (序时进度) follows the period of the actual: for whole months it is the months elapsed "
    "over the months of the plan's period, as Chinese statistical reports write it (1-9月 of a year: 9 / 12 = "
    "75 %); for an actual as of a day it is the days elapsed over the days of the period, both ends counted. The "
    "column Time basis says which was used. The gap is attainment minus time progress, in percentage points: "
    "ahead of time progress (超序时进度) or behind it (落后序时进度).")


def _pace_row_findings(r: Any, as_of: pd.Timestamp | None) -> list[str]:
    """The sentences of one latest pace row: pace, caveat, attainment at the as-of date, projection."""
    out = [pace_sentence(r).text]
    if isinstance(r.caveat, str):
        ctx = ("" if pd.isna(r.context_value) else
               " The document gives the number of those projects as "
               f"{figure_text(r.context_value, r.context_unit, r.context_qualifier)} ({r.context_indicator_zh}).")
        out.append(f"Caveat: {r.caveat}.{ctx}")
    if as_of is not None:
        n_days, days = time_elapsed(as_of, r.plan_period, "days")
        out.append(f"On the as-of date {as_of.date()}, {fmt_pct(r.time_progress_as_of_pct, 1)} of {r.plan_period} "
                   f"had elapsed ({int(n_days)} of {days} days). The data hold no later figure than "
                   f"{r.data_date.date()}; a cumulative amount cannot fall, so attainment on {as_of.date()} was at "
                   f"least {fmt_pct(r.attainment_pct, 1)}.")
    out.append(projection_sentence(r).text)
    return out


def section_pace(d: TargetData) -> Section:
    """Section 2, pace against the calendar: attainment to date against time progress (序时进度), and a linear
    year-end projection.

    Findings: for the latest actual of each plan, the pace sentence (key finding: the first), its caveat,
        attainment at the as-of date and the projection; a table of every pair and a chart; or why there is
        nothing to pace.
    """
    pace, later = d.pace, d.pace_all
    items: list = [_PACE_METHOD]
    if pace.empty and not later.empty and d.as_of is not None:
        findings = [f"No year-to-date actual is dated on or before the as-of date {d.as_of.date()}; {len(later)} "
                    f"plan-actual pair(s) exist with later figures (first data date "
                    f"{later['data_date'].min().date()}). Set as_of to a later date to see them."]
    elif pace.empty:
        findings = ["No annual plan or target is reported with a year-to-date actual of the same or a related "
                    "indicator for the regions and period studied, so pace cannot be measured."]
    else:
        findings = [s for r in pace[pace["latest"]].itertuples() for s in _pace_row_findings(r, d.as_of)]
        tab = pace.assign(pace=[pace_verdict(g) for g in pace["gap_pp"]])
        items.append(Table(tab, "Attainment and time progress at the actual's date, with a linear year-end "
                           "projection in the unit of the row", [
                               Col("region", "Region"), Col("plan_indicator_zh", "Plan or target"),
                               Col("plan_period", "Period", "period"), Col("plan_raw", "Plan (as written)"),
                               Col("actual_indicator_zh", "Actual to date"),
                               Col("actual_period", "Actual's period", "period"),
                               Col("actual_raw", "Actual (as written)"), Col("data_date", "Data date", "date"),
                               Col("attainment_pct", "Attainment (%)", "pct", digits=2),
                               Col("time_progress_pct", "Time progress (%)", "pct", digits=2),
                               Col("time_basis_text", "Time basis (elapsed / in the period)"),
                               Col("gap_pp", "Gap (pp)", "pp", digits=2), Col("pace", "Pace"),
                               Col("linear_year_end", "Linear year-end projection (unit of the row)", "money",
                                   unit="unit"),
                               Col("linear_year_end_attainment_pct", "Projected attainment (%)", "pct", digits=2),
                               Col("plan_obs_id", "Source (plan)")],
                           source="observations of the dataset; time progress and projection by "
                                  "analysis.targets.pace_gap and project_year_end", ids="plan_obs_id"))
        items.append(_figure(_plots().attainment_chart(
            pace, label="label", attainment="attainment_pct", progress="time_progress_pct",
            title="Attainment against time progress at the actual's date"),
            "Attainment against time progress at the actual's date",
            f"Bar chart of attainment to date for {len(pace)} plan-actual pair(s), each beside the time progress "
            "of its plan's period at the actual's date."))
    return Section("pace", "Pace against the calendar", "Part-way through the year, is the actual ahead of or "
                   "behind the share of the year elapsed?", findings, items, key=findings[:1])


# ---- section 3 -------------------------------------------------------------------------------------------
def _ambition_sentence(r: Any) -> str:
    flag = " — **flag: the target lies below this year's actual**." if r.below_last_actual else "."
    return (f"{r.label}: this year's actual {figure_text(r.actual_value, r.unit, r.actual_qualifier)}, next year's "
            f"target {figure_text(r.target_value, r.unit, r.target_qualifier)}: ambition "
            f"**{fmt_pct(r.ambition_pct, 2, signed=True)}**{flag}")


def section_ambition(d: TargetData) -> Section:
    """Section 3, ambition of next year's targets: next year's target / this year's actual − 1, in %.

    Findings: how many targets lie below this year's actual (key finding), one sentence per pair, the
        caveat of pairs of unknown period, the targets whose figure is damaged; a table of the pairs.
    """
    amb = d.amb
    ok, bad = amb[amb["ambition_pct"].notna()], amb[amb["ambition_pct"].isna()]
    items: list = ["Ambition = next year's target / this year's actual − 1, in %. A target below this year's "
                   "actual is flagged: it is met by standing still, or it reflects a change of coverage or a "
                   "one-off in this year's figure."]
    if amb.empty:
        findings = ["No target is recorded beside an actual of the year before (or, in a document whose year "
                    "cannot be read, beside this year's actual) for the regions studied, so ambition cannot be "
                    "measured."]
        return Section("ambition", "Ambition of next year's targets", _AMB_Q, findings, items, key=findings)
    if ok.empty:
        findings = [f"No target beside this year's actual can be assessed: all {len(amb)} have a damaged figure."]
    else:
        below = ok[ok["below_last_actual"].fillna(False).astype(bool)]
        findings = [f"Of {len(ok)} next year's target(s) set beside this year's actual, **{len(below)}** lie "
                    f"below it; ambition ranges from {fmt_pct(ok['ambition_pct'].min(), 2, signed=True)} to "
                    f"{fmt_pct(ok['ambition_pct'].max(), 2, signed=True)}."]
        findings += [_ambition_sentence(r) for r in ok.itertuples()]
        items.append(Table(ok, "Next year's target against this year's actual (ambition)", [
            Col("region", "Region"), Col("entity", "Entity"), Col("indicator_zh", "Indicator"),
            Col("indicator", "Code"), Col("actual_period", "This year", "period"),
            Col("actual_raw", "Actual (as written)"), Col("target_period", "Next year", "period"),
            Col("target_raw", "Target (as written)"), Col("ambition_pct", "Ambition (%)", "pct_signed", digits=2),
            Col("below_last_actual", "Below this year's actual", "bool"), Col("target_obs_id", "Source (target)")],
            source="observations of the dataset; ambition by analysis.targets.ambition", ids="target_obs_id"))
    if (~amb["period_known"].astype(bool)).any():
        u = amb[~amb["period_known"].astype(bool)]
        findings.append(f"The period of {len(u)} of these pairs ({_join(sorted(u['region'].unique()))}) is unknown: "
                        "the document is damaged and its year cannot be read, so 'this year' and 'next year' are "
                        "years we cannot name. The pairs rest on the document's own split: this year's outcomes "
                        "are recorded as actuals, next year's goals as targets. If this year's figures cover less "
                        "than the full year, the ambition shown is overstated.")
    if not bad.empty:
        listed = "; ".join(f"{r.indicator_zh} ({r.indicator}): written {r.target_raw}" for r in bad.itertuples())
        findings.append(f"{len(bad)} target(s) could not be assessed because the figure is damaged in the document "
                        f"(never repaired): {listed}.")
    return Section("ambition", "Ambition of next year's targets", _AMB_Q, findings, items, key=findings[:1])


_AMB_Q = "How far above this year's actual do next year's targets lie?"


# ---- section 4 -------------------------------------------------------------------------------------------
def _table_cov_sentence(region: str, c: pd.Series) -> str:
    stated = ("recorded" if pd.isna(c["rows_stated"]) else
              f"survive of the {int(c['rows_stated'])} the document names ({c['stated_raw']})")
    return (f"**{region}**: {int(c['rows_present'])} row(s) {stated}. {int(c['rows_without_milestones'])} row(s) "
            f"have no milestones in the record and {int(c['rows_without_lead_unit'])} no lead unit; nothing missing "
            "is filled in.")


def section_projects(d: TargetData) -> Section:
    """Section 4, the responsibility table (推进责任分解表) and its monthly milestones.

    Findings: per region, the rows that survive against the number stated; the planned total investment;
        the milestones and their months; the table of projects and a timeline of milestones.
    """
    pt, ms = d.pt, d.ms
    findings: list[str] = []
    items: list = []
    if pt.empty:
        findings.append("No responsibility table of projects is recorded for the regions studied.")
    else:
        findings += [_table_cov_sentence(region, c) for region, c in d.table_cov.iterrows()]
        if pt["total_investment"].notna().any():
            big = pt.loc[pt["total_investment"].idxmax()]
            findings.append(f"Planned total investment of the rows recorded: {fmt_money(pt['total_investment'].sum())} "
                            f"over {int(pt['total_investment'].notna().sum())} projects with an amount; the largest "
                            f"is {big['name_zh']} ({fmt_money(big['total_investment'], big['total_investment_qualifier'])}). "
                            "These are lifetime totals (总投资) as planned, not spending in the year.")
        items.append(Table(pt, "Projects of the responsibility table (planned total investment; land as recorded)", [
            Col("region", "Region"), Col("table_row", "Row", "int"), Col("name_zh", "Project"),
            Col("sector", "Sector"), Col("total_investment", "Total investment (总投资)", "money",
                                         qualifier="total_investment_qualifier"),
            Col("land", "Land (unit of the row)", "number"), Col("land_unit", "Land unit"),
            Col("investor_zh", "Investor"), Col("stage", "Stage"), Col("stage_as_of", "Stage as of", "period"),
            Col("leaders_zh", "Leaders"), Col("lead_unit_zh", "Lead unit (主责单位)"),
            Col("n_milestones", "Milestones", "int"), Col("project_id", "Source (project)")],
            source="projects and milestones of the dataset", ids="project_id"))
    if ms.empty:
        findings.append("No planned milestones are recorded for the projects of the regions studied.")
    else:
        known = ms[ms["planned_known"]]
        if len(known) < len(ms):
            findings.append(f"{len(ms) - len(known)} milestone(s) have no readable month and are left out of the "
                            "chart.")
        if not known.empty:
            findings.append(f"{len(ms)} milestones of {ms['project_id'].nunique()} projects, planned from "
                            f"{known['planned_start'].min():%Y-%m} to {known['planned_end'].max():%Y-%m}.")
            items.append(_figure(_plots().milestone_timeline(
                known, project="project", planned="planned", kind="kind", as_of=d.as_of,
                title="Planned milestones (dashed line: as-of date)"),
                "Planned milestones by project and month (dashed line: the as-of date)",
                f"Timeline of {len(known)} planned milestones of {known['project_id'].nunique()} projects from "
                f"{known['planned_start'].min():%Y-%m} to {known['planned_end'].max():%Y-%m}, one marker per "
                "milestone kind."))
    return Section("projects", "The project table and its monthly milestones", "Which projects does the "
                   "responsibility table (推进责任分解表) assign, to whom, and on what schedule?", findings, items)


# ---- section 5 -------------------------------------------------------------------------------------------
def _counts_table(frame: pd.DataFrame, status: str, order: tuple[str, ...], caption: str, source: str) -> Table:
    """Milestones by lead unit and status (:func:`status_counts`) as a report table, statuses in ``order``."""
    counts = status_counts(frame, by="lead_unit_zh", status=status).reset_index()
    cols = [c for c in order if c in counts.columns] + [c for c in counts.columns
                                                        if c not in order and c not in ("lead_unit_zh", "total")]
    return Table(counts, caption, [Col("lead_unit_zh", "Lead unit (主责单位)")]
                 + [Col(c, f"{c.replace('_', ' ').capitalize()} (milestones)", "int") for c in cols]
                 + [Col("total", "Total (milestones)", "int")], source=source)


def _plan_only(d: TargetData, ms: pd.DataFrame) -> tuple[list[str], list]:
    """Findings and items of section 5 when no actual date names a milestone studied: what the plan alone says."""
    findings = []
    if d.dates is not None:
        findings.append(f"None of the {len(d.dates)} row(s) of {d.dates_name} names a milestone of the regions "
                        "studied, so the table of actual dates is not used.")
    findings.append("**No actual dates.** The documents report the plan (the month each milestone is due), not "
                    "when milestones were reached, so no milestone can be called done or late and no project can "
                    "be rated red flag or snail. Give a table of actual dates (parameter `actual_dates`) to assess "
                    "them.")
    if d.dates is None and d.dates_in_folder:
        findings.append("The data folder holds a file actual_dates.csv; pass it as `actual_dates` to use it.")
    c = ms["due_by_as_of"].value_counts()
    findings.append(f"What the plan alone says as of {d.as_of.date()}: of {len(ms)} milestones, "
                    f"**{int(c.get('deadline passed', 0))}** had their deadline before it, "
                    f"**{int(c.get('in its window', 0))}** were in their planned window on that date and "
                    f"**{int(c.get('not yet due', 0))}** were not yet due.")
    items: list = [_counts_table(ms, "due_by_as_of", _DUE_ORDER, "Milestones by lead unit (主责单位) and whether "
                                 "they fall due by the as-of date (plan only)", "milestones of the dataset")]
    due = ms[ms["due_by_as_of"].isin(["deadline passed", "in its window"])]
    if not due.empty:
        items.append(Table(due, "Milestones due by the as-of date (plan only: whether they were met is not "
                           "reported)", [
                               Col("project", "Project"), Col("milestone_id", "Milestone"),
                               Col("description_en", "Milestone (description)"), Col("kind", "Kind"),
                               Col("planned", "Planned", "period"), Col("due_by_as_of", "By the as-of date"),
                               Col("lead_unit_zh", "Lead unit (主责单位)"), Col("leaders_zh", "Leaders")],
                           source="milestones of the dataset", ids="milestone_id"))
    return findings, items


def _with_dates(d: TargetData) -> tuple[list[str], list]:
    """Findings and items of section 5 with actual dates: status of each milestone, 红旗 / 蜗牛 ratings."""
    status, flags = d.status, d.flags
    n_unmatched = len(d.dates) - d.n_dates_matched
    sc, fl = status["status"].value_counts(), flags["flag"].value_counts()
    findings = [
        f"Actual dates: {len(d.dates)} row(s) in {d.dates_name}; {d.n_dates_matched} match a milestone of the regions "
        f"studied, {n_unmatched} do not and are ignored. Milestones without an actual date on or before "
        f"{d.as_of.date()} count as not done.",
        f"As of {d.as_of.date()}: **{int(sc.get('done', 0))}** done on time, **{int(sc.get('done_late', 0))}** done "
        f"late, **{int(sc.get('late', 0))}** late (not done, deadline passed), **{int(sc.get('due', 0))}** due (in "
        f"their window), **{int(sc.get('not_yet_due', 0))}** not yet due.",
        f"Ratings (snail: a milestone more than {fmt_num(d.snail_days, 0)} days late; red flag: every milestone due "
        f"done on time, at least one done): **{int(fl.get('red_flag', 0))}** red flag (红旗), "
        f"**{int(fl.get('snail', 0))}** snail (蜗牛), **{int(fl.get('neutral', 0))}** neither."]
    src = f"milestones of the dataset and the actual dates in {d.dates_name}"
    items: list = [
        _counts_table(status, "status", _STATUS_ORDER, "Milestone status by lead unit (主责单位)", src),
        Table(flags, "红旗 / 蜗牛 by project", [
            Col("project_id", "Project id"), Col("project", "Project"), Col("lead_unit_zh", "Lead unit (主责单位)"),
            Col("leaders_zh", "Leaders"), Col("n_milestones", "Milestones", "int"), Col("n_done", "Done", "int"),
            Col("n_done_late", "Done late", "int"), Col("n_late", "Late", "int"), Col("n_due", "Due", "int"),
            Col("n_not_yet_due", "Not yet due", "int"), Col("max_days_late", "Most days late (days)", "int"),
            Col("flag", "Rating"), Col("flag_zh", "Rating (中文)")], source=src, ids="project_id"),
        Table(status, "Milestones as of the as-of date (days late: after the planned end; negative = days to "
              "spare)", [
                  Col("project", "Project"), Col("milestone_id", "Milestone"),
                  Col("description_en", "Milestone (description)"), Col("planned", "Planned", "period"),
                  Col("actual_date", "Actual date", "date"), Col("status", "Status"),
                  Col("days_late", "Days late (days)", "int"), Col("lead_unit_zh", "Lead unit (主责单位)")],
              source=src, ids="milestone_id")]
    known = status[status["planned_start"].notna()]
    if not known.empty:
        items.append(_figure(_plots().milestone_timeline(
            known, project="project", planned="planned", kind="kind", status="status", as_of=d.as_of,
            title="Milestones by status as of the as-of date"), "Milestones by status as of the as-of date",
            f"Timeline of {len(known)} milestones coloured by their status on {d.as_of.date()}."))
    return findings, items


def section_milestones(d: TargetData) -> Section:
    """Section 5, milestone status and red flag (红旗) / snail (蜗牛) ratings as of the as-of date.

    Without actual dates: what the plan alone says (deadlines passed, in their window, not yet due) with a
        summary by lead unit and the milestones due (folded when long). With actual dates: status counts,
        ratings, a summary by lead unit, the ratings by project, every milestone and a timeline. Key finding:
        the count of milestones by status.
    """
    ms = d.ms
    q = (f"As of the as-of date, which milestones were met on time, which late, and which projects earn a red "
         f"flag (红旗: every milestone due done on time) or a snail (蜗牛: a milestone more than "
         f"{fmt_num(d.snail_days, 0)} days late)?")
    items: list = ["This needs the dates on which milestones were actually reached."]
    if ms.empty:
        findings = ["No milestones are recorded for the regions studied, so no status and no ratings."]
        return Section("milestones", "Milestone status, red flags and snails", q, findings, items, key=findings)
    if d.as_of is None:
        findings = ["No as-of date was given, so no milestone can be assessed."]
        return Section("milestones", "Milestone status, red flags and snails", q, findings, items, key=findings)
    findings = []
    first, last = ms["planned_start"].min(), ms["planned_end"].max()
    if pd.notna(first) and d.as_of < first:
        findings.append(f"The as-of date {d.as_of.date()} comes before the first planned milestone (window from "
                        f"{first.date()}): nothing is due yet. Set as_of to a date within the plan to assess it.")
    elif pd.notna(last) and d.as_of > last:
        findings.append(f"The as-of date {d.as_of.date()} comes after the last planned deadline ({last.date()}): "
                        "every milestone is due.")
    more, body = _with_dates(d) if d.status is not None else _plan_only(d, ms)
    key = [f for f in more if f.startswith(("As of ", "What the plan alone says"))][:1]
    return Section("milestones", "Milestone status, red flags and snails", q, findings + more, items + body,
                   key=key)


# ---- section 6 -------------------------------------------------------------------------------------------
def section_funnel(d: TargetData) -> Section:
    """Section 6, the stage funnel (谋划 → 洽谈 → 签约 → 落地 → 摘地 → 开工 → 投产 → 入统).

    Findings: projects in all, of known and unknown stage; the dates the stages were recorded at; how many
        reached signing, construction and production; tables of projects by stage and region and of the
        funnel, and its chart.
    """
    from ..targets import stage_funnel

    prj = d.prj
    q = ("Of the projects named, how many reached each step of the process (谋划 → 洽谈 → 签约 → 落地 → 摘地 → 开工 "
         "→ 投产 → 入统)?")
    items: list = ["A project at a stage has passed every earlier one; projects whose stage the documents do not "
                   "state are counted separately."]
    if prj.empty:
        return Section("funnel", "The stage funnel", q, ["No projects are recorded for the regions studied."], items)
    stages = stage_table(d.ds, d.regions).reset_index()
    region_cols = [c for c in stages.columns if c not in ("stage", "total", "stage_as_of")]
    items.append(Table(stages, "Projects by recorded stage and region", [Col("stage", "Stage")]
                       + [Col(c, f"{c} (projects)", "int") for c in region_cols]
                       + [Col("total", "Total (projects)", "int"), Col("stage_as_of", "Stage recorded at")],
                       source="projects of the dataset"))
    if d.status is not None:
        funnel = stage_funnel(prj, milestones=d.status, date_col="actual_date")
        timing = "; median days between stages from actual dates"
    elif not d.ms.empty:
        funnel = stage_funnel(prj, milestones=d.ms, date_col="planned_end")
        timing = "; median days between stages in the plan (planned deadlines, not outcomes)"
    else:
        funnel, timing = stage_funnel(prj), ""
    ft = funnel.table.reset_index()
    ft = ft.rename(columns={ft.columns[0]: "stage"})
    timed = [Col("median_days_from_previous", "Median days from the previous stage (days)", "number", digits=1),
             Col("n_timed", "Projects timed", "int")] if "n_timed" in ft.columns else []
    items.append(Table(ft, "Stage funnel: projects that reached each stage" + timing, [
        Col("stage", "Stage"), Col("n_reached", "Reached (projects)", "int"),
        Col("n_at_stage", "At this stage (projects)", "int"),
        Col("conversion_pct", "Conversion from the previous stage (%)", "pct"), *timed],
        source="projects and milestones of the dataset; analysis.targets.stage_funnel"))
    unknown = "" if not funnel.unknown_ids else " (" + _join(funnel.unknown_ids) + ")"
    findings = [f"{funnel.n_projects} projects; {funnel.n_projects - funnel.n_unknown} with a known stage in the "
                f"funnel; **{funnel.n_unknown}** of unknown stage counted separately{unknown}."]
    recorded = sorted(prj["stage_as_of"].dropna().unique())
    if len(recorded) > 1:
        findings.append(f"The stages were recorded at {len(recorded)} different dates or periods "
                        f"({_join(recorded)}): the funnel pools snapshots of different moments rather than following "
                        "one cohort.")
    chart = funnel_chart_frame(funnel.table)
    if chart.empty:
        findings.append("No project has a known stage, so there is no funnel to draw.")
    else:
        reached = funnel.table["n_reached"]
        findings.append(f"Of the {int(chart.iloc[0]['count'])} projects with a known stage, "
                        f"{int(reached.get('signed', 0))} had reached signing (签约) or beyond, "
                        f"{int(reached.get('construction', 0))} construction (开工) or beyond and "
                        f"{int(reached.get('production', 0))} production (投产) or beyond.")
        items.append(_figure(_plots().stage_funnel_chart(chart, title="Projects that reached each stage"),
                             "Projects that reached each stage",
                             f"Funnel of {int(chart.iloc[0]['count'])} projects from {chart.iloc[0]['stage']} to "
                             f"{chart.iloc[-1]['stage']}, with the count that reached each stage."))
    return Section("funnel", "The stage funnel", q, findings, items)


# ---- section 7 -------------------------------------------------------------------------------------------
def section_heatmap(d: TargetData) -> Section:
    """Section 7, planned investment by sector and lead unit (投资热力图).

    Findings: the projects with an amount, their total, the largest cell and project; the grid in 亿元 with
        margins and its heat map.
    """
    from ..targets import investment_heatmap

    hm = d.hm
    q = "Where, by sector and responsible unit, does the planned money sit?"
    items: list = ["Cells sum the planned total investment (总投资) of the projects in them, in 亿元. Projects whose "
                   "lead unit is not stated (outside the responsibility table, or its cut-off row) are shown as "
                   "'(not stated)'."]
    if hm.empty:
        return Section("heatmap", "Planned investment by sector and lead unit (投资热力图)", q,
                       ["No project with a stated total investment is recorded for the regions studied."], items)
    grid = (investment_heatmap(hm, rows="sector", cols="lead_unit", value="value", margins=True) / 1e8)
    grid.columns = [str(c) for c in grid.columns]
    grid = grid.reset_index().rename(columns={grid.index.name or "index": "sector"})
    units = [c for c in grid.columns if c != "sector"]
    items.append(Table(grid, "Planned total investment by sector and lead unit (亿元; total: margins)",
                       [Col("sector", "Sector")] + [Col(c, f"{c} (亿元)", "number") for c in units],
                       source="projects of the dataset (total investment 总投资 as planned)"))
    top = hm.iloc[0]
    total = hm["value"].sum()
    cell = hm.groupby(["sector", "lead_unit"])["value"].sum().sort_values(ascending=False)
    findings = [f"{len(hm)} projects state a total investment, {fmt_money(total)} in all. The largest cell is "
                f"{cell.index[0][0]} × {cell.index[0][1]} with {fmt_money(cell.iloc[0])} "
                f"({fmt_pct(cell.iloc[0] / total * 100)} of the total); the largest single project, "
                f"{top['name_zh']}, plans {fmt_money(top['value'], top['qualifier'])} on its own."]
    items.append(_figure(_plots().heatmap(hm, row="sector", col="lead_unit", value="value",
                                          title="Planned total investment (亿元) by sector and lead unit"),
                         "Planned total investment (亿元) by sector and lead unit",
                         f"Heat map of planned total investment in 亿元 over {hm['sector'].nunique()} sector(s) and "
                         f"{hm['lead_unit'].nunique()} lead unit(s); the largest cell is {cell.index[0][0]} × "
                         f"{cell.index[0][1]}."))
    return Section("heatmap", "Planned investment by sector and lead unit (投资热力图)", q, findings, items,
                   key=findings)


# ---- section 8 -------------------------------------------------------------------------------------------
def section_checks(d: TargetData) -> Section:
    """Section 8, statistical checks: actual on target, and bunching of actual / target near 1.

    Findings: the regression (slope with its 95 % CI, intercept, R²) or why it was not run; the bunching
        test (ratios in the window, above and below 1, one-sided p) or why it was not run.
    """
    from ..stats import BUNCHING_WARN_N, MIN_N, actual_on_target, bunching

    pairs = d.pairs
    both = pairs[pairs["match"] == "both"]
    reg = regression_sample(pairs)
    findings = []
    if len(reg) >= MIN_N:
        res = actual_on_target(reg["actual_value"], reg["target_value"])
        warn = f" Warning: {res.warning}." if res.warning else ""
        findings.append(f"Actual on target ({reg['unit'].iloc[0]}, n = {res.n}): slope {fmt_num(res.slope, 3)} "
                        f"(95 % CI {fmt_num(res.slope_ci_low, 3)} to {fmt_num(res.slope_ci_high, 3)}), intercept "
                        f"{fmt_num(res.intercept, 0)}, R² {fmt_num(res.r_squared, 3)}.{warn}")
    else:
        unit = "" if reg.empty else f" and {len(reg)} in the most common unit ({reg['unit'].iloc[0]})"
        why = ("There is no target for the regions and period studied." if pairs.empty else
               "The documents state targets and outcomes for different indicators or periods (a plan for the year "
               "beside outcomes for a quarter, or next-year goals beside this-year results)." if len(both) < MIN_N
               else "Pairs in different units cannot share one regression in levels.")
        findings.append(f"Actual-on-target regression: not run. It needs at least {MIN_N} complete target-actual "
                        f"pairs in one unit; the data give n = {len(both)} pair(s) in all{unit}. {why}")
    if len(both):
        b = bunching(both["actual_value"].astype(float), both["target_value"].astype(float))
        warn = f" Warning: {b.warning}." if b.warning else ""
        findings.append(f"Bunching of actual / target near 1 (within ±{fmt_pct(b.window * 100, 0)}): {b.n} of "
                        f"{b.n_total} ratio(s) in the window, {b.n_above} at or above 1, {b.n_below} below; "
                        f"one-sided {fmt_p(b.p_value)}.{warn}")
    else:
        n_amb = int(d.amb["ambition_pct"].notna().sum())
        amb = (f" The {n_amb} ambition pair(s) of section 3 compare two different years and are no substitute."
               if n_amb else "")
        findings.append(f"Bunching test: not run, n = 0 target-actual pairs (it needs at least {BUNCHING_WARN_N} "
                        f"ratios near 1 to say anything).{amb}")
    return Section("checks", "Statistical checks", "Do actual outcomes track their targets, and do they bunch "
                   "just above them?", findings,
                   ["The literature on Chinese targets regresses actual outcomes on targets and looks for bunching "
                    "of actual / target just above 1 (Li, Liu, Weng and Zhou 2019; Chang, Wang and Xiong, NBER "
                    "w33718). Both need many target-actual pairs of the same period."])


# ---- the report ------------------------------------------------------------------------------------------
#: The sections of the report, in order.
SECTIONS = (section_attainment, section_pace, section_ambition, section_projects, section_milestones,
            section_funnel, section_heatmap, section_checks)


def provenance_table(d: TargetData) -> Table:
    """The appendix: every source figure the sections used, with its document and line."""
    used = provenance_ids(d.pairs, d.pace, d.amb, d.pt, d.ms, d.hm, d.prj[["project_id"]])
    frame = provenance(d.ds, **used)
    return Table(frame, "Source figures used", [
        Col("table", "Table"), Col("id", "Id"), Col("figure", "Figure (as written)"), Col("doc", "Document"),
        Col("line", "Line", "int")], source="the dataset's tables (columns doc and line)")


def _data_source(ds: Dataset) -> str:
    from .. import config

    default = Path(ds.source).resolve() == Path(config.DEFAULT_DATA_DIR).resolve()
    return "embedded dataset (data/default)" if default else str(ds.source)


def _intro(d: TargetData) -> str:
    missing = (f" No data for region(s) {_join(d.missing)}: every section below says so where it has nothing to "
               "show." if d.missing else "")
    return ("Local governments run investment promotion by numbers: annual targets (签约亿元以上项目 25 个 …), a "
            "responsibility table (推进责任分解表) giving each project a leader, a lead unit and monthly milestones, "
            "red flag (红旗) and snail (蜗牛) ratings, and the steps that take a project from first contact to "
            "production. This study sets each plan beside what the documents report as having happened. "
            f"Regions studied: {_join(d.regions) if d.regions else 'none'}.{missing} Period of targets: "
            f"{d.period or 'every period'}. As-of date: {_date(d.as_of)}. Actual milestone dates: "
            f"{d.dates_name or 'none given'}. Money is written in 亿元 (10^8 yuan) or 万元 (10^4 yuan), in 亿美元 or "
            "万美元 where the source states US dollars; counts as whole numbers with their unit word; percentages "
            "in %, differences of percentages in percentage points (pp).")


def run(data_dir: Any = None, regions: Any = None, period: Any = None, as_of: Any = "2022-06-30",
        actual_dates: Any = None, snail_days: Any = 30) -> Report:
    """Study 03, targets versus actual: check the parameters, load and select the data, build every section.

    Parameters
    ----------
    data_dir : str or None
        Folder of the dataset (None: the embedded dataset); a relative path is read from the project folder.
    regions : str, list of str or None
        Regions to study (any letter case, Chinese names); None for every region with data.
    period : str or None
        Period of the targets and plans of sections 1-3, e.g. ``"2022"``; None for every period.
    as_of : str or None, default "2022-06-30"
        Date (YYYY-MM-DD) at which progress is assessed; None: no pace at a date, no milestone status.
    actual_dates : str or None
        CSV of actual milestone dates (columns ``milestone_id``, ``actual_date``).
    snail_days : int or float, default 30
        A project is a snail (蜗牛) when a milestone is late by more than this many days.

    Returns
    -------
    Report
        Sections ``attainment``, ``pace``, ``ambition``, ``projects``, ``milestones``, ``funnel``, ``heatmap``,
        ``checks``; the provenance appendix.

    Raises
    ------
    ValueError
        For a malformed parameter (naming it), an unknown region or a malformed table of actual dates (naming the
        file, row and column).
    """
    from .. import load_dataset
    from ..params import load_actual_dates

    p = check_study_params(data_dir=data_dir, regions=regions, period=period, as_of=as_of,
                           actual_dates=actual_dates)
    snail = check_snail_days(snail_days)
    ds = load_dataset(p.data_dir)
    p = p.with_regions(ds)
    dates = load_actual_dates(p.actual_dates) if p.actual_dates is not None else None
    in_folder = p.data_dir is not None and (p.data_dir / "actual_dates.csv").is_file()
    d = select(ds, p.regions, p.period, p.as_of, dates, snail,
               dates_name=p.actual_dates.name if p.actual_dates is not None else None, dates_in_folder=in_folder)
    params = {"data_dir": data_dir, "regions": regions, "period": period, "as_of": as_of,
              "actual_dates": actual_dates, "snail_days": snail_days}
    source = _data_source(ds)
    return Report(STUDY, TITLE, QUESTION, params, source,
                  [section(d) for section in SECTIONS], provenance=provenance_table(d), intro=_intro(d),
                  fingerprint=ds.fingerprint)
