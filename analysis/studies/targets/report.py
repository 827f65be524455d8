"""The report of study 03, "Targets, milestones and what happened" (notebook ``03-target-versus-actual``).

:func:`run` checks the study's parameters (the shared ones through :mod:`analysis.params`, and ``snail_days``
through :func:`check_snail_days`), loads the dataset, selects the regions once (:func:`select` →
:class:`TargetData`) and returns an :class:`analysis.reporting.Report` whose sections are made by one function
each, in :data:`SECTIONS`: every ``section_*`` takes the :class:`TargetData` and returns a
:class:`~analysis.reporting.Section` (question, findings as sentences with their numbers, tables with human
headers, figures), true of any region's data: a section with nothing to show says so. The notebook only displays
the report.

The tables come from :mod:`analysis.studies.targets.tables`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ...io import Dataset
from ...params import check_study_params, region_list
from ...reporting import Col, Figure, Report, Section, Table
from ...reporting.format import fmt_money, fmt_num, fmt_p, fmt_pct, provenance
from ...targets import time_elapsed
from .tables import (_check_as_of, _check_ds, _check_period, ambition_rows, coverage_sentence, figure_text,
                     flag_table, funnel_chart_frame, heatmap_frame, milestone_frame, no_actual_sentence, pace_rows,
                     pace_sentence, pace_verdict, project_table, projection_sentence, projects_in, provenance_ids,
                     regression_sample, stage_table, status_counts, table_coverage, target_actual_pairs,
                     target_coverage, to_date_sentence)

__all__ = ["STUDY", "TITLE", "QUESTION", "SECTIONS", "TargetData", "check_snail_days", "select", "run",
           "section_attainment", "section_pace", "section_ambition", "section_projects", "section_milestones",
           "section_funnel", "section_heatmap", "section_checks", "provenance_table"]


# ==========================================================================================================
# the report: one function per section, each taking the selected data (TargetData) and returning a Section
# ==========================================================================================================
_BOUND_WORDS = {"exact": "exact", "at_least": "at least (lower bound)", "at_most": "at most (upper bound)",
                "about": "about"}
_DUE_ORDER = ("deadline passed", "in its window", "not yet due", "unknown")
_STATUS_ORDER = ("done", "done_late", "late", "due", "not_yet_due", "unknown")

#: The study's name, title and question (the report's title block).
STUDY = "03-target-versus-actual"
TITLE = "Targets, milestones and what happened"
QUESTION = ("Where local governments set targets, plans and milestones for investment promotion, what does the "
            "record say happened against them?")


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

    def summary(self) -> str:
        """A few lines: what was selected and how many rows each table holds."""
        counts = {"target-actual pairs": self.pairs, "pace pairs": self.pace, "ambition pairs": self.amb,
                  "table projects": self.pt, "milestones": self.ms, "projects": self.prj}
        return "\n".join([f"Study 03 data from {self.ds.source}: regions {_join(self.regions) or 'none'}"
                          + (f" (no data: {_join(self.missing)})" if self.missing else ""),
                          f"period {self.period or 'every period'}, as of {_date(self.as_of)}, actual dates "
                          f"{self.dates_name or 'none'}, snail beyond {fmt_num(self.snail_days, 0)} days",
                          "; ".join(f"{k}: {len(v)}" for k, v in counts.items())])

    def __repr__(self) -> str:
        return self.summary()

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
    from ...params import select_regions
    from ...targets import milestone_status

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


def _table(frame: pd.DataFrame, caption: str, columns: list[Col], **kw: Any) -> Table:
    """A report table without the columns that are empty in every row (a reader learns nothing from them; the
    sentences say what is missing)."""
    keep = [c for c in columns if frame[c.key].notna().any() and not frame[c.key].astype(str).eq("").all()]
    return Table(frame, caption, keep or list(columns), **kw)


def _figure(fig: Any, caption: str, alt: str) -> Figure:
    """A report figure, closed in pyplot (a notebook cell does not draw it a second time)."""
    import matplotlib.pyplot as plt

    plt.close(fig)
    return Figure(fig, caption, alt)


def _date(ts: Any) -> str:
    return "none" if ts is None or pd.isna(ts) else str(pd.Timestamp(ts).date())


def _join(names: Iterable[str]) -> str:
    return ", ".join(str(n) for n in names)


def _stage_words(stages: pd.Series) -> pd.Series:
    """Stage codes as a reader reads them: ``签约 (signed)``; an unknown or missing stage as it is."""
    zh = _plots().STAGE_LABELS_ZH
    return stages.map(lambda s: f"{zh[s]} ({s})" if s in zh else s)


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
        items.append(_table(both.assign(bound=_bound_words(both)), "Targets with an actual of the same period: "
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
        items.append(_table(partial, "Targets without an actual for their whole period: with an actual to date "
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
        items.append(_table(tab, "Actuals of a targeted indicator with no target for their own period", [
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
    from ... import plots

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
        items.append(_table(tab, "Attainment and time progress at the actual's date, with a linear year-end "
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
        items.append(_table(ok, "Next year's target against this year's actual (ambition)", [
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
        items.append(_table(pt.assign(stage_words=_stage_words(pt["stage"])), "Projects of the responsibility "
                            "table (planned total investment; land as recorded)", [
            Col("region", "Region"), Col("table_row", "Row", "int"), Col("name_zh", "Project"),
            Col("sector", "Sector"), Col("total_investment", "Total investment (总投资)", "money",
                                         qualifier="total_investment_qualifier"),
            Col("land", "Land (unit of the row)", "number"), Col("land_unit", "Land unit"),
            Col("investor_zh", "Investor"), Col("stage_words", "Stage"), Col("stage_as_of", "Stage as of", "period"),
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
    return _table(counts, caption, [Col("lead_unit_zh", "Lead unit (主责单位)")]
                 + [Col(c, f"{c.replace('_', ' ').capitalize()} (milestones)", "int") for c in cols]
                 + [Col("total", "Total (milestones)", "int")], source=source)


def _plan_only(d: TargetData, ms: pd.DataFrame) -> tuple[list[str], list, str]:
    """Findings, items and key finding of section 5 when no actual date names a milestone studied: what the plan
    alone says."""
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
                    f"**{int(c.get('not yet due', 0))}** were not yet due."
                    + (f" **{int(c['unknown'])}** have no readable month." if c.get("unknown", 0) else ""))
    items: list = [_counts_table(ms, "due_by_as_of", _DUE_ORDER, "Milestones by lead unit (主责单位) and whether "
                                 "they fall due by the as-of date (plan only)", "milestones of the dataset")]
    due = ms[ms["due_by_as_of"].isin(["deadline passed", "in its window"])]
    if not due.empty:
        items.append(_table(due, "Milestones due by the as-of date (plan only: whether they were met is not "
                           "reported)", [
                               Col("project", "Project"), Col("milestone_id", "Milestone"),
                               Col("description_en", "Milestone (description)"), Col("kind", "Kind"),
                               Col("planned", "Planned", "period"), Col("due_by_as_of", "By the as-of date"),
                               Col("lead_unit_zh", "Lead unit (主责单位)"), Col("leaders_zh", "Leaders")],
                           source="milestones of the dataset", ids="milestone_id"))
    return findings, items, findings[-1]


def _with_dates(d: TargetData) -> tuple[list[str], list, str]:
    """Findings, items and key finding of section 5 with actual dates: status of each milestone, 红旗 / 蜗牛
    ratings."""
    status, flags = d.status, d.flags
    n_unmatched = len(d.dates) - d.n_dates_matched
    sc, fl = status["status"].value_counts(), flags["flag"].value_counts()
    findings = [
        f"Actual dates: {len(d.dates)} row(s) in {d.dates_name}; {d.n_dates_matched} match a milestone of the regions "
        f"studied, {n_unmatched} do not and are ignored. Milestones without an actual date on or before "
        f"{d.as_of.date()} count as not done.",
        f"As of {d.as_of.date()}: **{int(sc.get('done', 0))}** done on time, **{int(sc.get('done_late', 0))}** done "
        f"late, **{int(sc.get('late', 0))}** late (not done, deadline passed), **{int(sc.get('due', 0))}** due (in "
        f"their window), **{int(sc.get('not_yet_due', 0))}** not yet due."
        + (f" **{int(sc['unknown'])}** have no readable month." if sc.get("unknown", 0) else ""),
        f"Ratings (snail: a milestone more than {fmt_num(d.snail_days, 0)} days late; red flag: every milestone due "
        f"done on time, at least one done): **{int(fl.get('red_flag', 0))}** red flag (红旗), "
        f"**{int(fl.get('snail', 0))}** snail (蜗牛), **{int(fl.get('neutral', 0))}** neither."]
    src = f"milestones of the dataset and the actual dates in {d.dates_name}"
    items: list = [
        _counts_table(status, "status", _STATUS_ORDER, "Milestone status by lead unit (主责单位)", src),
        _table(flags, "红旗 / 蜗牛 by project", [
            Col("project_id", "Project id"), Col("project", "Project"), Col("lead_unit_zh", "Lead unit (主责单位)"),
            Col("leaders_zh", "Leaders"), Col("n_milestones", "Milestones", "int"), Col("n_done", "Done", "int"),
            Col("n_done_late", "Done late", "int"), Col("n_late", "Late", "int"), Col("n_due", "Due", "int"),
            Col("n_not_yet_due", "Not yet due", "int"), Col("max_days_late", "Most days late (days)", "int"),
            Col("flag", "Rating"), Col("flag_zh", "Rating (中文)")], source=src, ids="project_id"),
        _table(status, "Milestones as of the as-of date (days late: after the planned end; negative = days to "
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
    return findings, items, findings[1]


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
    more, body, key = _with_dates(d) if d.status is not None else _plan_only(d, ms)
    return Section("milestones", "Milestone status, red flags and snails", q, findings + more, items + body,
                   key=[key])


# ---- section 6 -------------------------------------------------------------------------------------------
def section_funnel(d: TargetData) -> Section:
    """Section 6, the stage funnel (谋划 → 洽谈 → 签约 → 落地 → 摘地 → 开工 → 投产 → 入统).

    Findings: projects in all, of known and unknown stage; the dates the stages were recorded at; how many
        reached signing, construction and production; tables of projects by stage and region and of the
        funnel, and its chart.
    """
    from ...targets import stage_funnel

    prj = d.prj
    q = ("Of the projects named, how many reached each step of the process (谋划 → 洽谈 → 签约 → 落地 → 摘地 → 开工 "
         "→ 投产 → 入统)?")
    items: list = ["A project at a stage has passed every earlier one; projects whose stage the documents do not "
                   "state are counted separately."]
    if prj.empty:
        return Section("funnel", "The stage funnel", q, ["No projects are recorded for the regions studied."], items)
    stages = stage_table(d.ds, d.regions).reset_index()
    stages["stage_words"] = _stage_words(stages["stage"])
    region_cols = [c for c in stages.columns if c not in ("stage", "stage_words", "total", "stage_as_of")]
    items.append(_table(stages, "Projects by recorded stage and region", [Col("stage_words", "Stage")]
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
    ft["stage_words"] = _stage_words(ft["stage"])
    timed = [Col("median_days_from_previous", "Median days from the previous stage (days)", "number", digits=1),
             Col("n_timed", "Projects timed", "int")] if "n_timed" in ft.columns else []
    items.append(_table(ft, "Stage funnel: projects that reached each stage" + timing, [
        Col("stage_words", "Stage"), Col("n_reached", "Reached (projects)", "int"),
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
    from ...targets import investment_heatmap

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
    items.append(_table(grid, "Planned total investment by sector and lead unit (亿元; total: margins)",
                       [Col("sector", "Sector")] + [Col(c, "Total (亿元)" if c == "total" else f"{c} (亿元)", "number")
                                                    for c in units],
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
    from ...stats import BUNCHING_WARN_N, MIN_N, actual_on_target, bunching

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
    return _table(frame, "Source figures used", [
        Col("table", "Table"), Col("id", "Id"), Col("figure", "Figure (as written)"), Col("doc", "Document"),
        Col("line", "Line", "int")], source="the dataset's tables (columns doc and line)")


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
    from ... import load_dataset
    from ...params import load_actual_dates

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
    source = ds.label
    return Report(STUDY, TITLE, QUESTION, params, source,
                  [section(d) for section in SECTIONS], provenance=provenance_table(d), intro=_intro(d),
                  fingerprint=ds.fingerprint)
