"""Study 01's report: one function per section, each taking the selected observations and returning a
:class:`~analysis.reporting.Section` (its question, its findings as sentences whose numbers come from the data,
its tables and figures), and :func:`run`, which checks the parameters, loads and selects the data and returns the
:class:`~analysis.reporting.Report` the notebook displays.

Sections, in order: :func:`scope_section` (what the study reads), :func:`levels_section` (levels, rates, implied
bases, revisions), :func:`components_section` (pulls and contribution shares, consistency),
:func:`count_value_section` (more projects or bigger ones), :func:`times_section` (增长N倍),
:func:`scoreboard_section` (the race's ranks, rewards and rank stability) and :func:`trends_section` (trend
growth). Their numbers come from :mod:`analysis.studies.growth.tables`; every sentence is true of any region's
data (a section with nothing to show says so).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ... import plots
from ...growth import ComponentCheck
from ...io import Dataset
from ...params import check_study_params
from ...reporting.format import fmt_money, fmt_num, fmt_p, fmt_pct, fmt_pp, provenance
from ...reporting.model import Col, Figure, Report, Section, Table
from ...stats import MIN_N
from .tables import (COMPONENT_INDICATORS, TOTAL_INDICATOR, Regions, Selection, component_check, component_keys,
                     component_table, count_value_pairs, growth_bars, growth_panel, left_out_regions, level_series,
                     levels_and_rates, pull_frame, race_rewards, race_stability, race_table, region_parents,
                     revision_table, reward_counts, select_observations, subarea_shares, times_readings,
                     trend_table, used_obs_ids)

__all__ = ["STUDY", "TITLE", "QUESTION", "COMPONENT_NAMES", "check_params", "scope_section", "levels_section",
           "components_section", "count_value_section", "times_section", "scoreboard_section", "trends_section",
           "run"]

#: The study's name (its notebook's stem) and title.
STUDY = "01-investment-growth"
TITLE = "Investment growth, as the investment race (赛马) and its scoreboard (晾晒表) see it"
QUESTION = ("What did investment grow by and from what base, which components drove it, did projects grow in "
            "number or in size, and whom would the investment race reward?")
INTRO = ("Taizhou ranks its counties each quarter on the growth of fixed-asset investment and pays the ones at the "
         "top (投资\"赛马\"; the ranks are published on a scoreboard, 晾晒表). A growth rate is only as good as the "
         "base it is computed on, so this study reads every reported growth figure with its level and the base it "
         "implies, splits a total's growth into its components, separates the number of projects from their size, "
         "reads 增长N倍 correctly, and ranks regions where several of them report the same indicator for the same "
         "period. Growth rates are in percent, pulls in percentage points (pp), money in 亿元 (10^8 yuan).")
#: Display names of the components (the documents' words, then English).
COMPONENT_NAMES = {"government_investment": "政府性投入 (government)", "industrial_investment": "工业性投入 (industrial)"}
_SOURCE_OBS = ("observations of the dataset (status actual, not damaged); each source id links to its document and "
               "line in the appendix")
_BOUND_QUALIFIER = {"exact": "exact", "upper": "at_most", "lower": "at_least", "about": "about"}
_INC_BOUND = {"upper": "lower", "lower": "upper", "about": "about", "exact": "exact", "none": "none"}


#: Each section's id -> its title, its question and the paragraph explaining its method (``str.format``
#: fields filled in by the section function).
_SECTIONS = {
    "levels": ("Levels and rates", "What did investment grow by, from what base?",
        "Each investment figure with a year-on-year rate, its level where one is reported, and the base the "
        "two imply: base = level / (1 + g/100) (`analysis.decompose_growth`). A qualified rate (增长N倍多: more "
        "than +N × 100 %) makes the base a bound, and the table says which way."),
    "components": ("Components: government versus industrial investment",
                   "Which part of investment drove the total's growth?",
        "Where a total (固定资产投资) and its components (政府性投入, 工业性投入) are reported for the same region, entity "
        "and period: each component's pull (拉动 = its increment / the total's base × 100, in pp) and "
        "contribution share (贡献率 = its increment / the total's increment), and whether the components add up "
        "to the total in level and in rate, within the rounding of the digits reported "
        "(`analysis.check_components`)."),
    "count-value": ("Count versus value: more projects, or bigger ones?",
                    "Did the new-start projects grow in number or in size?",
        "Where both the number of projects and their investment are reported for the same region and period, "
        "the growth of the average project size is (1 + g_value) / (1 + g_count) − 1 "
        "(`analysis.average_size_growth`), assuming both rates cover the same projects."),
    "times": ("What 增长N倍 implies for a base", "How big was the base behind a growth of \"N times\"?",
        "增长N倍 is an increase of N × 100 %: current = base × (1 + N). The common misreading, 是…的N倍 (current = "
        "base × N), overstates the base. A rate written \"N倍多\" (more than) makes the base an upper bound "
        "(`analysis.implied_base_bound`)."),
    "scoreboard": ("The scoreboard (晾晒表)", "Who would the race reward, and are the ranks stable?",
        "Regions are ranked within a period on the growth of `{indicator}` (`analysis.scoreboard`, ties share"
        " the best place, the top {top_k} rewarded), and rank stability is the Spearman correlation of ranks "
        "between consecutive periods (`analysis.rank_stability`). Only rates for a region as a whole and a "
        "known period are ranked. A region is left out only where the dataset names it as the parent of "
        "regions ranked in the same period (a city above its counties, column `parent` of a regions table); "
        "without that information nobody is left out, whoever wrote the document (a county may report its own"
        " figures beside its peers')."),
    "trends": ("Statistical checks", "Is there a trend in the levels?",
        "A log-linear trend (`analysis.trend_growth`) needs at least {min_n} levels of the same series "
        "(region, entity, indicator, frequency); with fewer there are no residual degrees of freedom. The "
        "rank correlations of the scoreboard state their own n."),
}


def _section(id_: str, **fields: Any) -> Section:
    """A new section: its title, question and the paragraph on its method, from :data:`_SECTIONS`."""
    title, question, method = _SECTIONS[id_]
    return Section(id_, title, question, items=[method.format(**fields)])


def _q(bound: Any) -> str:
    """A bound direction ('upper', 'lower', 'about', 'exact', 'none') as the qualifier of the bounded value."""
    return _BOUND_QUALIFIER.get(bound, "unknown") if isinstance(bound, str) and bound else ""


def _unit(unit: Any) -> str:
    """A row's unit for :func:`fmt_money` (yuan where the data leave it empty)."""
    return unit if isinstance(unit, str) and unit else "yuan"


#: A bound direction in words, as a sentence says what a derived value is.
_BOUND_WORDS = {"exact": "exact", "upper": "an upper bound", "lower": "a lower bound", "about": "approximate",
                "none": "of no known bound direction"}


def _entity_col(frame: pd.DataFrame) -> list[Col]:
    """The column of a part of a region (``entity``), where some row names one; none where every row is a whole
    region."""
    return [Col("entity", "Part of the region")] if frame["entity"].notna().any() else []


def _where(region: Any, entity: Any) -> str:
    return str(region) if pd.isna(entity) else f"{region} / {entity}"


def _figure(fig: Any, caption: str, alt: str) -> Figure:
    """A report figure; closed in pyplot (the report draws it, a notebook must not show it a second time)."""
    import matplotlib.pyplot as plt

    plt.close(fig)
    return Figure(fig, caption, alt)


def scope_section(sel: Selection) -> Section:
    """What the study reads: the regions with data, the figures kept and the figures left out, and why.

    Parameters
    ----------
    sel : Selection
        What :func:`select_observations` kept, and the counts of what it left out.

    Returns
    -------
    Section
        Id ``scope``, findings only; a region asked for without data is a key finding.
    """
    findings, key = [], []
    if sel.missing:
        key.append(f"No data for the region(s) asked for: **{', '.join(sel.missing)}**; the sections below say so "
                   "where they have nothing to show.")
    if sel.regions:
        findings.append(f"Regions studied: {', '.join(sel.regions)}. Outcomes only (status `actual`): "
                        f"{len(sel.observations)} figure(s); {sel.n_damaged} damaged figure(s) left out (never "
                        "repaired).")
        if sel.period:
            findings.append(f"Period {sel.period}: {sel.n_other_period} figure(s) of other or unknown periods left out.")
        if sel.as_of:
            findings.append(f"Read as of {sel.as_of}: {sel.n_after_as_of} figure(s) for periods ending later left out.")
    else:
        key.append("None of the regions asked for has data in this dataset, so every section below is empty.")
    return Section("scope", "What the study reads", "Which regions and figures does the study use?",
                   findings=key + findings, key=key)


def _levels_table(levels: pd.DataFrame) -> Table:
    inc = [("" if b == "" else "none" if not (pd.isna(q) or q in ("", "exact")) else _INC_BOUND.get(b, "none"))
           for b, q in zip(levels["base_bound"], levels["level_qualifier"])]
    frame = levels.assign(indicator_name=levels["indicator_zh"].astype(str) + " (" + levels["indicator"].astype(str) + ")",
                          base_qualifier=[_q(b) for b in levels["base_bound"]], increment_qualifier=[_q(b) for b in inc])
    money = {"kind": "money", "unit": "unit"}
    return Table(frame, "Investment levels, year-on-year rates and implied bases (implied base = level / (1 + g/100); "
                 "不超过 = at most, 超 = at least)",
                 [Col("region", "Region"), *_entity_col(frame), Col("period", "Period", "period"),
                  Col("indicator_name", "Indicator"), Col("level", "Level", qualifier="level_qualifier", **money),
                  Col("growth_pct", "Growth (%)", "pct_signed", 2, qualifier="growth_qualifier"),
                  Col("yoy_raw", "Growth as written"),
                  Col("base", "Implied base", qualifier="base_qualifier", **money),
                  Col("increment", "Increment", qualifier="increment_qualifier", **money),
                  Col("obs_id", "Source")],
                 source=f"{_SOURCE_OBS}; base and increment by analysis.decompose_growth, bounds by "
                        "analysis.implied_base_bound.", ids="obs_id")


def levels_section(obs: pd.DataFrame) -> Section:
    """Section 1: investment levels, their year-on-year rates, the bases they imply and revision factors.

    Parameters
    ----------
    obs : DataFrame
        Selected observations (``select_observations(...).observations``); investment figures with a rate
        are read from them.

    Returns
    -------
    Section
        Id ``levels``: the levels table, the chart of levels and rates, and the revision table where a prior-year
        level is published.
    """
    sec = _section("levels")
    levels = levels_and_rates(obs)
    if levels.empty:
        sec.findings.append("No investment figure with a growth rate is reported for the regions and period studied.")
        return sec
    with_base = levels[levels["base"].notna()]
    sec.findings.append(f"{len(levels)} investment figure(s) carry a growth rate; {len(with_base)} of them also give a "
                        "level, so a base can be implied; "
                        f"{int(levels['level'].isna().sum())} are rates without a level (their base cannot be known "
                        "from the document).")
    for r in with_base[with_base["base_bound"] != "exact"].itertuples():
        rate = (f"written {r.yoy_raw}" if isinstance(r.yoy_raw, str) and r.yoy_raw
                else f"of {fmt_pct(r.growth_pct, 2, r.growth_qualifier, signed=True)}")
        sec.findings.append(f"**{r.region}**, {r.indicator_zh} ({r.period}): "
                            f"{fmt_money(r.level, r.level_qualifier, _unit(r.unit))} with growth {rate}: the implied "
                            f"base is **{_BOUND_WORDS.get(r.base_bound, r.base_bound)}**, "
                            f"{fmt_money(r.base, _q(r.base_bound), _unit(r.unit))}.")
    sec.items.append(_levels_table(levels))
    bars = growth_bars(levels)
    if not bars.empty:
        sec.items.append(_figure(plots.bar_growth(bars, title="Investment levels (亿元) and year-on-year growth (%)"),
                                 "Investment levels (亿元) and their year-on-year growth (%)",
                                 f"Two panels of horizontal bars, one bar per figure ({len(bars)}): on the left the "
                                 "level in 亿元, on the right the year-on-year growth in percent, labelled with "
                                 "region, indicator and period."))
    revisions = revision_table(obs, levels)
    if revisions.empty:
        sec.findings.append("No prior-year level of these figures is published in the data, so the implied bases "
                            "cannot be compared with a published base (no revision factor can be computed).")
        return sec
    worst = revisions.loc[(revisions["revision_factor"] - 1).abs().idxmax()]
    sec.findings.append(f"The largest gap between an implied base and the published prior-year level is for "
                        f"{worst['region']} {worst['indicator']} {worst['period']}: factor "
                        f"{fmt_num(worst['revision_factor'], 6)} (implied {fmt_money(worst['base'], unit=_unit(worst['unit']))} "
                        f"against published {fmt_money(worst['published_prior'], unit=_unit(worst['unit']))}).")
    sec.items.append(Table(revisions, "Implied base against the level published for the prior year (revision factor "
                           "= implied / published; 1 = no revision)",
                           [Col("region", "Region"), *_entity_col(revisions),
                            Col("indicator", "Indicator"), Col("period", "Period", "period"),
                            Col("base", "Implied base", "money", 6, unit="unit"),
                            Col("prior_period", "Prior period", "period"),
                            Col("published_prior", "Published prior-year level", "money", 6, unit="unit"),
                            Col("revision_factor", "Revision factor (×)", "number", 6),
                            Col("prior_obs_id", "Source of the prior level"), Col("obs_id", "Source")],
                           source=f"{_SOURCE_OBS}; the prior-year level is the same region, indicator and unit one "
                                  "year earlier (analysis.revision_factor).", ids="obs_id"))
    return sec


def _component_tables(key: Any, table: pd.DataFrame, check: ComponentCheck) -> list[Table]:
    where = f"{_where(key.region, key.entity)}, period {key.period}"
    reported = Table(table.reset_index(), f"{where}: the total and its components as reported",
                     [Col("role", "Role"), Col("indicator_zh", "Indicator"), Col("raw", "Level as written"),
                      Col("yoy_raw", "Growth as written"), Col("doc", "Document"), Col("line", "Line", "int"),
                      Col("obs_id", "Source")], source=_SOURCE_OBS + ".", ids="obs_id")
    c = check.components
    decomposition = Table(
        c.assign(component=[COMPONENT_NAMES.get(i, i) for i in c.index]).reset_index(drop=True),
        f"{where}: pull (拉动, pp) and contribution share (贡献率) of each component; the total's base and increment "
        "come from the reported total",
        [Col("component", "Component"), Col("level", "Level (亿元)", "number", 4),
         Col("growth_pct", "Growth (%)", "pct_signed", 2), Col("base", "Implied base (亿元)", "number", 4),
         Col("increment", "Increment (亿元)", "number", 4), Col("pull_pp", "Pull (pp)", "pp", 4),
         Col("contribution_share", "Contribution share (%)", "share", 2)],
        source="the reported levels and rates above; analysis.check_components (pull = increment / the total's "
               "base × 100; share = increment / the total's increment).")
    if not key.complete:
        return [reported, decomposition]
    ch = check.checks.reset_index()
    ch["check"] = ch["check"].map({"level_sum": "Level sum (亿元)", "growth_rate": "Growth rate (%, gaps in pp)"}
                                  ).fillna(ch["check"])
    consistency = Table(ch, f"{where}: consistency of the components with the total (tolerance: rounding of the "
                        "digits reported)",
                        [Col("check", "Check"), Col("reported", "Reported", "number", 4),
                         Col("implied", "Implied by the components", "number", 6),
                         Col("difference", "Difference", "number", 6), Col("tolerance", "Tolerance", "number", 6),
                         Col("ok", "Within tolerance", "bool")],
                        source="analysis.check_components on the levels and rates above; the tolerance follows the "
                               "digits the document writes.")
    return [reported, decomposition, consistency]


def _component_findings(key: Any, check: ComponentCheck) -> list[str]:
    where = f"{_where(key.region, key.entity)}, period {key.period}"
    out = [f"{where}: {COMPONENT_NAMES.get(ind, ind)} grew {fmt_pct(r['growth_pct'], 2, signed=True)}, adding "
           f"{fmt_money(r['increment'] * 1e8)} over its implied base: a pull of **{fmt_pp(r['pull_pp'], 2)}** on the "
           f"total's growth, a contribution share of **{fmt_pct(r['contribution_share'] * 100, 1)}**."
           for ind, r in check.components.iterrows()]
    if not key.complete:
        return out + [f"{where}: only {key.n_components} of the {len(COMPONENT_INDICATORS)} components is reported, "
                      "so the breakdown is partial: the pull of what is reported is shown, and the consistency check "
                      "(which needs every component) is not run."]
    lv, gr = check.checks.loc["level_sum"], check.checks.loc["growth_rate"]
    verdict = "consistent with" if check.ok else "**not** consistent with"
    return out + [f"{where}: the components are {verdict} the total. Their levels sum to "
                  f"{fmt_money(lv['implied'] * 1e8)} against the reported {fmt_money(lv['reported'] * 1e8)} (tolerance "
                  f"±{fmt_money(lv['tolerance'] * 1e8)}), and their rates imply growth of {fmt_pct(gr['implied'], 4)} "
                  f"for the total against the reported {fmt_pct(gr['reported'], 2)} (difference "
                  f"{fmt_pp(gr['difference'], 4)}, tolerance ±{fmt_pp(gr['tolerance'], 4).lstrip('+')})."]


def components_section(obs: pd.DataFrame, documents: pd.DataFrame | None = None) -> Section:
    """Section 2: a total's growth split into its components' pulls and contribution shares, with the check that
    the components add up, and sub-areas' shares of their region.

    Parameters
    ----------
    obs : DataFrame
        Selected observations; totals and components with a level and a rate are read from them.
    documents : DataFrame, optional
        The dataset's documents table (``doc``, ``note``): its note says why a period is unknown.

    Returns
    -------
    Section
        Id ``components``. Its key finding is the largest pull of the first region and period decomposed.
    """
    sec = _section("components")
    keys = component_keys(obs)
    if keys.empty:
        sec.findings.append("No region reports a total together with its components (each with a level and a rate) "
                            "for the same period, so no pull or contribution share can be computed.")
    notes = documents.set_index("doc")["note"] if documents is not None and "note" in documents else pd.Series(dtype=object)
    pulls = []
    for key in keys.itertuples():
        table = component_table(obs, key.region, key.period, key.entity)
        check = component_check(table)
        found = _component_findings(key, check)
        sec.findings += found
        if not sec.key:
            sec.key.append(found[int(np.argmax(check.components["pull_pp"].to_numpy()))])
        if key.period == "unknown":
            doc = table["doc"].iloc[0]
            note = notes.get(doc)
            sec.items.append(f"The period of the figures of {_where(key.region, key.entity)} is **unknown**: the "
                             f"source document ({doc}) does not let us read it "
                             f"({note if isinstance(note, str) and note else 'no note'}). The figures themselves are "
                             "sound and are used, but they cannot be placed in time or compared with another "
                             "region's period.")
        sec.items += _component_tables(key, table, check)
        where = _where(key.region, key.entity)
        pulls.append(pull_frame(check, f"{where} ({key.period})" if key.period != "unknown"
                                else f"{where} (period unknown)", COMPONENT_NAMES))
    if pulls:
        frame = pd.concat(pulls, ignore_index=True)
        sec.items.append(_figure(plots.pull_contribution(frame, title="Pull of each component on the total's growth (pp)"),
                                 "Pull of each component on the total's growth (pp)",
                                 f"Stacked horizontal bars, one per region and period ({frame['label'].nunique()}), "
                                 "each split into its components' pulls in percentage points, with the total's "
                                 "reported growth marked."))
    shares = subarea_shares(obs)
    for r in shares.itertuples():
        sec.findings.append(f"{r.entity} accounts for {fmt_pct(r.share * 100, 1)} of {r.region}'s {r.indicator} "
                            f"({fmt_money(r.level, unit=_unit(r.unit))} of {fmt_money(r.region_level, unit=_unit(r.unit))}); it "
                            "reports no growth rate, so its "
                            "own pull cannot be computed.")
    if not shares.empty:
        sec.items.append(Table(shares, "A sub-area's figure as a share of its whole region's figure (same indicator "
                               "and period)",
                               [Col("region", "Region"), Col("entity", "Sub-area"), Col("period", "Period", "period"),
                                Col("indicator", "Indicator"), Col("level", "Sub-area's level", "money", unit="unit"),
                                Col("region_level", "Region's level", "money", unit="unit"),
                                Col("share", "Share of the region (%)", "share", 2),
                                Col("region_obs_id", "Source of the region's level"), Col("obs_id", "Source")],
                               source=_SOURCE_OBS + "; share = the sub-area's level / the region's level.",
                               ids="obs_id"))
    return sec


def _pair_finding(r: Any) -> str:
    if pd.notna(r.average_size_growth_pct):
        bound = "" if r.average_size_bound == "exact" else f" ({_BOUND_WORDS.get(r.average_size_bound, '')})"
        what = "bigger projects" if r.average_size_growth_pct > r.count_growth_pct else "more projects"
        return (f"**{r.region}**, {r.period}: the number of new-start projects grew "
                f"{fmt_pct(r.count_growth_pct, 1, signed=True)} and their investment "
                f"{fmt_pct(r.value_growth_pct, 1, signed=True)}, so the average project grew "
                f"**{fmt_pct(r.average_size_growth_pct, 1, signed=True)}** in size "
                f"(×{fmt_num(1 + r.average_size_growth_pct / 100, 2)}){bound}: the growth came mostly from {what}.")
    missing = "number of projects" if pd.isna(r.count_growth_pct) else "investment"
    u = _unit(r.value_unit)
    return (f"**{r.region}**, {r.period}: {fmt_num(r.count, 0)} project(s) with {fmt_money(r.value, unit=u)} of "
            f"investment, an average of {fmt_money(r.average_size, unit=u)} per project; the growth of the {missing} is "
            "not reported, so the growth of the average size cannot be computed.")


def count_value_section(obs: pd.DataFrame) -> Section:
    """Section 3: the number of new-start projects beside their investment, and the growth of the average size.

    Parameters
    ----------
    obs : DataFrame
        Selected observations; counts and values of the pairs in :data:`COUNT_VALUE_PAIRS` are read.

    Returns
    -------
    Section
        Id ``count-value``. Its key finding is the first region and period whose average size growth is known.
    """
    sec = _section("count-value")
    pairs = count_value_pairs(obs)
    if pairs.empty:
        sec.findings.append("No region reports both the number of new-start projects and their investment for the "
                            "same period.")
        return sec
    sec.findings += [_pair_finding(r) for r in pairs.itertuples()]
    known = pairs["average_size_growth_pct"].notna().to_numpy()
    sec.key.append(sec.findings[int(np.argmax(known))])
    frame = pairs.assign(average_size_qualifier=[_q(b) for b in pairs["average_size_bound"]])
    sec.items.append(Table(frame, "New-start projects: number, investment and average size",
                           [Col("region", "Region"), *_entity_col(frame),
                            Col("period", "Period", "period"), Col("count", "Projects", "int"),
                            Col("count_growth_pct", "Growth in number (%)", "pct_signed",
                                qualifier="count_growth_qualifier"),
                            Col("value", "Investment", "money", unit="value_unit"),
                            Col("value_growth_pct", "Growth in investment (%)", "pct_signed",
                                qualifier="value_growth_qualifier"),
                            Col("average_size", "Average size", "money", unit="value_unit"),
                            Col("average_size_growth_pct", "Growth in average size (%)", "pct_signed",
                                qualifier="average_size_qualifier"),
                            Col("count_obs_id", "Source of the number"), Col("value_obs_id", "Source")],
                           source=_SOURCE_OBS + "; average size = investment / number; its growth by "
                                                "analysis.average_size_growth.", ids="value_obs_id"))
    return sec


def times_section(obs: pd.DataFrame) -> Section:
    """Section 4: figures written 增长N倍, read right (×(1+N)) and wrong (×N), and the base each reading implies.

    Parameters
    ----------
    obs : DataFrame
        Selected observations; levels whose rate is written 增长N倍 are read.

    Returns
    -------
    Section
        Id ``times``. Its key finding is the first such figure.
    """
    sec = _section("times")
    times = times_readings(obs)
    if times.empty:
        sec.findings.append("No growth figure written as 增长N倍 is reported for the regions and period studied.")
        return sec
    for r in times.itertuples():
        u = _unit(r.unit)
        sec.findings.append(f"**{r.region}**, {r.period}: {fmt_money(r.level, r.level_qualifier, u)}, {r.yoy_raw}. "
                            f"Read correctly (+{fmt_pct(r.growth_pct, 0)}, ×{fmt_num(r.ratio)}), the base was "
                            f"**{fmt_money(r.base, _q(r.bound), u)}** ({_BOUND_WORDS.get(r.bound, r.bound)}). Read as "
                            f"×{fmt_num(r.n_times)}, it would be {fmt_money(r.base_if_ratio, unit=u)}, "
                            f"{fmt_pct(r.overstatement_pct, 1)} too high.")
    sec.key.append(sec.findings[0])
    sec.items.append(Table(times.assign(base_qualifier=[_q(b) for b in times["bound"]]),
                           "增长N倍: the right reading (×(1+N)) and the wrong one (×N)",
                           [Col("region", "Region"), Col("period", "Period", "period"), Col("indicator", "Indicator"),
                            Col("level", "Level", "money", unit="unit", qualifier="level_qualifier"),
                            Col("yoy_raw", "As written"), Col("ratio", "Read right: ×(1 + N)", "multiple"),
                            Col("base", "Base", "money", unit="unit", qualifier="base_qualifier"),
                            Col("n_times", "Misread: ×N", "multiple"), Col("base_if_ratio", "Base if misread", "money", unit="unit"),
                            Col("overstatement_pct", "Too high by (%)", "pct"), Col("obs_id", "Source")],
                           source=_SOURCE_OBS + "; the rate as written read by analysis.parse_quantity, the base by "
                                                "analysis.implied_base_bound.", ids="obs_id"))
    return sec


def _reward_summary(board: pd.DataFrame, counts: pd.DataFrame, top_k: int) -> str:
    n_max = int(board["n_ranked"].max())
    if top_k >= n_max:
        return (f"With top_k = {top_k} and at most {n_max} regions ranked in a period, **every ranked region is "
                "rewarded every period**: the reward does not discriminate. A smaller top_k would.")
    most = int(counts["rewarded"].max())
    leaders = list(counts.index[counts["rewarded"] == most])
    never = list(counts.index[counts["rewarded"] == 0])
    return (f"Over {board['period'].nunique()} period(s) the top {top_k} reward went {most} time(s) to "
            f"{', '.join(leaders)}{' (tied: no region leads)' if len(leaders) > 1 else ', the most of any region'}; "
            f"{'never rewarded: ' + ', '.join(never) if never else 'every ranked region was rewarded at least once'}.")


def _left_out_findings(panel: pd.DataFrame, parents: pd.Series) -> list[str]:
    left_out = left_out_regions(panel)
    out = [f"Left out of the ranking of {r.periods}: **{r.region}**, because the dataset names it as the region above "
           f"{r.parent_of} (column parent of its regions table), who are ranked in the same period: a region is not "
           "ranked against its own parts." for r in left_out.itertuples()]
    if left_out.empty and parents.empty:
        out.append("No region is left out of the ranking: the dataset does not say which region lies above which (no "
                   "parent column in a regions table), so every region with a rate for a period is ranked with the "
                   "others of that period, including one that may be the city above them.")
    elif left_out.empty:
        out.append("No region is left out of the ranking: none of the regions with a rate in a period is named by the "
                   "dataset as the parent of another one ranked in that period.")
    return out


def _board_items(board: pd.DataFrame, counts: pd.DataFrame, indicator: str, top_k: int) -> list:
    return [Table(board, f"Scoreboard: rank by {indicator} growth within each period (1 = fastest), top {top_k} "
                  "rewarded",
                  [Col("period", "Period", "period"), Col("region", "Region"),
                   Col("growth_pct", "Growth (%)", "pct_signed", 2, qualifier="growth_qualifier"),
                   Col("rank", "Rank", "int"), Col("n_ranked", "Regions ranked", "int"),
                   Col("rewarded", "Rewarded", "bool"), Col("obs_id", "Source")],
                  source=_SOURCE_OBS + "; ranks by analysis.scoreboard (ties share the best place).", ids="obs_id"),
            _figure(plots.scoreboard_chart(board, top_n=top_k, title=f"Ranks on {indicator} growth (top {top_k} shaded)"),
                    f"Ranks on {indicator} growth by period (1 = fastest; the top {top_k} shaded)",
                    f"One line per region ({board['region'].nunique()}) across {board['period'].nunique()} period(s), "
                    "rank 1 at the top; the rewarded places are shaded."),
            Table(counts.reset_index(), "How often each region was ranked and rewarded (ranks: 1 = fastest growth)",
                  [Col("region", "Region"), Col("periods", "Periods ranked", "int"),
                   Col("rewarded", "Periods rewarded", "int"), Col("best_rank", "Best rank", "int"),
                   Col("worst_rank", "Worst rank", "int"), Col("mean_rank", "Mean rank", "number", 2)],
                  source="the scoreboard above (analysis.studies.growth.reward_counts).")]


def _stability_part(panel: pd.DataFrame) -> tuple[list[str], list]:
    stability = race_stability(panel)
    if stability.empty:
        return ["Only one period can be ranked, so rank stability across periods cannot be measured."], []
    findings = [f"{r.period_from} → {r.period_to}: rho = {fmt_num(r.rho, 2)} ({fmt_p(r.p_value)}, n = {r.n} "
                f"regions){f'; {r.note}' if r.note else ''}." for r in stability.itertuples()]
    table = Table(stability, "Rank stability: Spearman correlation of ranks between consecutive periods (p: two-sided; "
                  "exact where rho is 1 or -1)",
                  [Col("period_from", "From", "period"), Col("period_to", "To", "period"),
                   Col("rho", "Spearman rho", "number", 4), Col("p_value", "p-value", "p"),
                   Col("n", "Regions", "int"), Col("note", "Note")],
                  source="the growth rates ranked above (analysis.rank_stability).")
    return findings, [table]


def scoreboard_section(obs: pd.DataFrame, *, indicator: str = TOTAL_INDICATOR, top_k: int = 3,
                       parents: pd.Series | None = None, rewards: pd.DataFrame | None = None) -> Section:
    """Section 5: the scoreboard (晾晒表): who the race would reward, who is left out and why, and rank stability.

    Parameters
    ----------
    obs : DataFrame
        Selected observations; rates of ``indicator`` for regions as a whole are ranked.
    indicator : str
        The growth indicator ranked.
    top_k : int
        Places rewarded (a positive whole number).
    parents : Series, optional
        Child region → parent region (:func:`region_parents`); none when not given.
    rewards : DataFrame, optional
        The race's reward as stated (:func:`race_rewards`).

    Returns
    -------
    Section
        Id ``scoreboard``. Its key finding says who the reward goes to, or why nothing can be ranked.
    """
    parents = pd.Series(dtype=object) if parents is None else parents
    sec = _section("scoreboard", indicator=indicator, top_k=top_k)
    for r in ([] if rewards is None else rewards.itertuples()):
        raw = r.raw if isinstance(r.raw, str) and r.raw else fmt_money(r.value, r.qualifier)
        note = f"; note: {r.note}" if isinstance(r.note, str) and r.note else ""
        sec.findings.append(f"The race's reward in the data: {raw} ({r.status}), {r.region}, document {r.doc} line "
                            f"{r.line}{note}. The document does not say how many places are paid; this study assumes "
                            f"the top {top_k}.")
    panel = growth_panel(obs, indicator, parents=parents)
    if panel.empty:
        sec.key.append(f"No region reports a growth rate of **{indicator}** for the regions and period studied, so "
                       "there is no scoreboard.")
        sec.findings += sec.key
        return sec
    board = race_table(panel, top_k)
    if board.empty:
        why = "; ".join(f"{v} {k}" for k, v in panel["reason"].value_counts().items())
        sec.key.append(f"No period has several regions with comparable growth rates of **{indicator}**, so no "
                       f"scoreboard can be ranked and no rank stability computed. Of the {len(panel)} rate(s) "
                       f"reported: {why}.")
    sec.findings += sec.key + _left_out_findings(panel, parents)
    sec.items.append(Table(panel, f"Growth rates of {indicator} by region and period, and whether each can be ranked",
                           [Col("period", "Period", "period"), Col("region", "Region"),
                            Col("growth_pct", "Growth (%)", "pct_signed", 2, qualifier="growth_qualifier"),
                            Col("yoy_raw", "As written"), Col("n_peers", "Rankable regions", "int"),
                            Col("rankable", "Ranked", "bool"), Col("reason", "Why not ranked"),
                            Col("parent_of", "Parent of (ranked)"), Col("obs_id", "Source")],
                           source=_SOURCE_OBS + "; rankability by analysis.studies.growth.growth_panel.", ids="obs_id"))
    if board.empty:
        return sec
    counts = reward_counts(board)
    sec.key.append(_reward_summary(board, counts, top_k))
    stability, table = _stability_part(panel)
    sec.findings += [sec.key[-1], *stability]
    sec.items += _board_items(board, counts, indicator, top_k) + table
    return sec


def trends_section(obs: pd.DataFrame) -> Section:
    """Section 6: log-linear trend growth of the series of investment levels long enough to estimate one.

    Parameters
    ----------
    obs : DataFrame
        Selected observations; flow levels by year, quarter or month make the series.

    Returns
    -------
    Section
        Id ``trends``. Its key finding is the first trend estimated, or why none can be.
    """
    sec = _section("trends", min_n=MIN_N)
    trends = trend_table(level_series(obs))
    est = trends[trends["estimate"].notna()] if not trends.empty else trends
    series_cols = [Col("region", "Region"), *_entity_col(trends), Col("indicator", "Indicator"),
                   Col("kind", "Frequency"), Col("n", "Levels (n)", "int"), Col("first", "First", "period"),
                   Col("last", "Last", "period")]
    if trends.empty:
        sec.findings.append("No investment level is reported for a year, quarter or month in the regions and period "
                            "studied (n = 0), so no trend can be estimated.")
    elif not est.empty:
        sec.findings += [f"{r.region} {r.indicator}: trend growth {fmt_pct(r.estimate, 1, signed=True)} a year (95 % "
                         f"CI {fmt_pct(r.ci_low, 1)} to {fmt_pct(r.ci_high, 1)}), n = {r.n}"
                         f"{f'; {r.note}' if r.note else ''}." for r in est.itertuples()]
        sec.items.append(Table(est, "Trend growth of investment levels (annual, %, with 95 % confidence interval)",
                               series_cols + [Col("estimate", "Trend growth (% a year)", "pct_signed"),
                                              Col("ci_low", "95 % CI, low (%)", "pct"),
                                              Col("ci_high", "95 % CI, high (%)", "pct"), Col("note", "Note")],
                               source="levels of the observations (flow, status actual, not damaged); OLS of log "
                                      "level on time (analysis.trend_growth)."))
    else:
        top = trends.iloc[0]
        sec.findings.append(f"No trend can be estimated: the longest series of investment levels has n = {int(top['n'])} "
                            f"({top['region']}, {top['indicator']}, {top['first']} to {top['last']}), and a log-linear "
                            f"trend needs at least {MIN_N} levels. {len(trends)} series in all.")
        sec.items.append(Table(trends, "Series of investment levels and their length n",
                               series_cols + [Col("note", "Note")],
                               source="levels of the observations (flow, status actual, not damaged), by "
                                      "analysis.studies.growth.level_series."))
    sec.key.append(sec.findings[0])
    return sec


def check_params(indicator: str = TOTAL_INDICATOR, top_k: int = 3) -> tuple[str, int]:
    """The study's own parameters, checked: the scoreboard's indicator and the number of places rewarded.

    Parameters
    ----------
    indicator : str
        A growth indicator's codebook name (``fixed_asset_investment``); surrounding blanks are dropped.
    top_k : int
        Places the race rewards: a positive whole number.

    Returns
    -------
    tuple of (str, int)

    Raises
    ------
    ValueError
        Naming the parameter and what was expected.
    """
    if not isinstance(indicator, str) or not indicator.strip():
        raise ValueError(f"parameter indicator: expected an indicator name such as 'fixed_asset_investment', got "
                         f"{indicator!r}")
    if isinstance(top_k, (bool, np.bool_)) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise ValueError(f"parameter top_k: expected a positive whole number of rewarded places, got {top_k!r}")
    return indicator.strip(), int(top_k)


def run(data_dir: str | Path | None = None, regions: Regions = None, period: str | int | None = None,
        as_of: str | pd.Timestamp | None = None,
        indicator: str = TOTAL_INDICATOR, top_k: int = 3) -> Report:
    """The investment-growth study: check the parameters, load and select the data, build every section.

    Parameters
    ----------
    data_dir : None, str or Path
        A dataset folder; None for the embedded dataset.
    regions : None, str or list of str
        Regions to study (names as the data writes them, or in Chinese); None for every region with data.
    period : None, str or int
        Keep figures whose period lies within it (``2022``, ``2022Q1``, ``unknown``); None for every period.
    as_of : None or str
        Date (YYYY-MM-DD) the scoreboard is read on: figures for periods ending later are left out.
    indicator : str, default ``'fixed_asset_investment'``
        The growth indicator the scoreboard ranks.
    top_k : int, default 3
        Places the race rewards.

    Returns
    -------
    Report
        Sections ``scope``, ``levels``, ``components``, ``count-value``, ``times``, ``scoreboard``, ``trends`` and the
        provenance of every source figure used.

    Raises
    ------
    ValueError
        For a parameter outside its domain (naming it), or a region name no table of the dataset knows.
    """
    from ...io import load_dataset

    ind, k = check_params(indicator, top_k)
    p = check_study_params(data_dir=data_dir, regions=regions, period=period, as_of=as_of)
    ds = load_dataset(p.data_dir)
    p = p.with_regions(ds)
    sel = select_observations(ds, p.regions, p.period, p.as_of)
    obs = sel.observations
    rewards = race_rewards(ds, sel.regions) if sel.regions else race_rewards(ds).iloc[0:0]
    sections = [scope_section(sel), levels_section(obs), components_section(obs, ds.documents),
                count_value_section(obs), times_section(obs),
                scoreboard_section(obs, indicator=ind, top_k=k, parents=region_parents(ds), rewards=rewards),
                trends_section(obs)]
    used = used_obs_ids(*[t.frame for s in sections for t in s.tables], level_series(obs), rewards)
    prov = Table(provenance(ds, observations=used), "Source figures used, as the documents write them",
                 [Col("id", "Source id"), Col("figure", "Figure as written"), Col("doc", "Document"),
                  Col("line", "Line", "int")], source="the dataset's observations table.", ids="id")
    return Report(STUDY, TITLE, QUESTION, {"data_dir": data_dir, "regions": regions, "period": period, "as_of": as_of,
                                           "indicator": ind, "top_k": k},
                  ds.label, sections, provenance=prov, intro=INTRO, fingerprint=ds.fingerprint)
