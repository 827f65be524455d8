"""Tables of study 03, "Targets, milestones and what happened": each section's table built from a Dataset.

Small functions that build each section's table from a :class:`~analysis.io.Dataset`; the narrative of
:mod:`analysis.studies.targets.report` calls them.
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
* :func:`provenance_ids`: the ids of every source row a set of tables used, for :func:`analysis.reporting.provenance`.

Units: money in yuan (the dataset's unit) unless a column name ends in ``_yi`` (亿元, 10^8 yuan); percent where a
name ends in ``_pct``; percentage points where it ends in ``_pp``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ...io import Dataset
from ...params import check_study_params, region_list
from ...periods import parse_period, period_bounds
from ...reporting.format import fmt_pct
from ...targets import (STAGE_ORDER, ambition, attainment, pace_basis, pace_gap, project_flags, project_year_end,
                      time_elapsed, time_progress)
from ...units import COUNT_UNITS, Quantity, format_quantity

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

# TODO(vocab): an indicator relation (plan indicator → actual indicators that measure its progress), to move to
# the vocabulary of data/default/indicators.csv when it says which indicators relate.
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

    Show it with ``analysis.reporting.md(s.template, **s.values)`` (values escaped); ``s.text`` is the filled
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
    ds, regions : Dataset; list of str, str or None
        The dataset, and the regions whose targets are paired with last year's actuals
        (a list or a comma-separated string; None: all).
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
        If ``ds`` is not a Dataset or ``regions`` is not a region list.

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
    ds, regions : Dataset; list of str, str or None
        The dataset, and the regions whose responsibility tables are listed
        (a list or a comma-separated string; None: all).

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
        If ``ds`` is not a Dataset or an argument of ``project_table`` is malformed.

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
    ds, regions : Dataset; list of str, str or None
        The dataset, and the regions whose responsibility tables are counted
        (a list or a comma-separated string; None: all).
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
        If ``ds`` is not a Dataset or an argument of ``table_coverage`` is malformed.

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
        If ``ds`` is not a Dataset or an argument of ``milestone_frame`` is malformed.

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
    ds, regions : Dataset; list of str, str or None
        The dataset, and the regions whose projects are returned
        (a list or a comma-separated string; None: all).

    Returns
    -------
    DataFrame
        Rows of ``ds.projects`` (index and columns kept).

    Raises
    ------
    ValueError
        If ``ds`` is not a Dataset or an argument of ``projects_in`` is malformed.

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
    ds, regions : Dataset; list of str, str or None
        The dataset, and the regions whose projects are counted by stage
        (a list or a comma-separated string; None: all).

    Returns
    -------
    DataFrame
        Index: the stages of :data:`analysis.targets.STAGE_ORDER` present, then ``unknown``; columns: regions
        (counts of projects whose recorded stage it is), ``total`` and ``stage_as_of`` (the dates the stages
        were recorded at, joined by ', ').

    Raises
    ------
    ValueError
        If ``ds`` is not a Dataset or an argument of ``stage_table`` is malformed.

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
    ds, regions : Dataset; list of str, str or None
        The dataset, and the regions whose projects' planned amounts are summed
        (a list or a comma-separated string; None: all).
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
        If ``ds`` is not a Dataset or an argument of ``heatmap_frame`` is malformed.

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
    """Ids of the source rows a study's tables used, by table, for :func:`analysis.reporting.provenance`.

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
