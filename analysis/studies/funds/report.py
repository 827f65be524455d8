"""Study 02, fund matrix and leverage: the report (the tables it shows: :mod:`.tables`).

One function per section (:func:`matrix_section`, :func:`ratios_section`, :func:`totals_section`,
:func:`planned_section`, :func:`stakes_section`, :func:`policy_section`, :func:`statistics_section`,
:func:`documents_section`) takes the selected data and returns a :class:`analysis.reporting.Section`: its
question, its findings as sentences whose numbers come from the data (true of any region's data: a section with
nothing to show says so), its tables and figures. :func:`run` validates the parameters, loads and selects the
data and returns the :class:`analysis.reporting.Report`; the notebook ``02-fund-leverage`` only displays it.
"""

from __future__ import annotations

import matplotlib.pyplot as _plt
import pandas as pd

from ... import plots as _plots
from ...funds import POLICY_LEVERAGE_RANGE, POLICY_PUBLIC_SHARE_RANGE, Bound
from ...io import Dataset, load_dataset
from ...params import check_study_params
from ...reporting import Col, Figure, Report, Section, Table
from ...reporting.format import fmt_money, fmt_multiple, fmt_pct, provenance
from .tables import (POLICY_REINVESTMENT_RANGE, _status_rank, check_include_planned, figure_coverage,
                     format_measure, format_money, fund_count_matrix, fund_groups_table, fund_matrix_frame,
                     fund_matrix_table, leverage_frame, planned_summary, planned_vs_existing, policy_table,
                     ratio_record_table, ratio_table, ratio_totals, restrict, sample_size, stake_values,
                     study_regions)

__all__ = ["STUDY", "TITLE", "QUESTION", "run", "matrix_section", "ratios_section", "totals_section",
           "planned_section", "stakes_section", "policy_section", "statistics_section", "documents_section"]


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


def _with_currency(frame: pd.DataFrame, sub: Dataset) -> pd.DataFrame:
    """``frame`` (one row per fund record) with each record's ``currency``, the unit of its money columns."""
    return frame.merge(sub.funds[["fund_id", "currency"]], on="fund_id", how="left")


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
        _with_currency(groups, sub),
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
        _with_currency(pve, sub),
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
         Col("status", "Status"), Col("n_funds", "Funds", "int"),
         Col("leverage", "Leverage (×)", "multiple", qualifier="leverage_qualifier"),
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
    data = ds.label
    return Report(STUDY, TITLE, QUESTION, params, data, sections, provenance=_provenance_table(prov),
                  intro=_scope_text(present, missing, p, include_planned, sub), fingerprint=ds.fingerprint)
