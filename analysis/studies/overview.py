"""Study 00, dataset overview: what the dataset holds, where every figure comes from, and what is damaged.

One function per section, each taking a loaded :class:`~analysis.io.Dataset` and returning a
:class:`~analysis.reporting.Section`; :func:`run` validates the parameters, loads the data and returns the
:class:`~analysis.reporting.Report` the notebook ``00-dataset-overview`` displays. The sentences are true of any
dataset (an empty table, no region, no document, nothing flagged).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import config
from ..io import Dataset, load_dataset
from ..params import check_study_params, region_names
from ..periods import period_order
from ..reporting import Col, Report, Section, Table, fmt_int, provenance

__all__ = ["run", "tables_section", "observations_section", "regions_section", "quality_section",
           "documents_section", "rows_per_document", "flagged_observations", "STUDY", "TITLE"]

STUDY = "00-dataset-overview"
TITLE = "Dataset overview"
QUESTION = ("What does the dataset hold: which tables and documents, which regions, periods and statuses, and "
            "which figures are damaged?")

#: The tables whose rows are figures read from a document (each row cites ``doc`` and ``line``).
FIGURE_TABLES = ("observations", "funds", "equity_stakes", "projects", "milestones")
#: Observation statuses in the codebook's order (data/CODEBOOK.md, rule 6); others follow in the data's order.
STATUS_ORDER = ("actual", "target", "plan", "forecast")

_QUESTIONS = {"regions": "Which region names do the studies accept, and which tables hold each region?",
              "quality": "Which figures are damaged in the source, and which were read with judgement?"}
_REGIONS_EXPLAINED = ("A name may be written as below or as its Chinese name, in any letter case, with or without "
                      "市, 县 or 区. A region named only in some tables has no data in the others, and a study says so.")
_QUALITY_EXPLAINED = ("Figures whose text is damaged in the source are kept with an empty value and a note; they "
                      "are never repaired. Figures read with judgement are marked *uncertain*.")
_SOURCE_TABLE = "Source: the dataset's tables (`Dataset.summary()`), counted row by row."


def _plural(n: int, word: str, plural: str | None = None) -> str:
    """``3 documents``, ``1 document`` (count written with :func:`fmt_int`)."""
    return f"{fmt_int(n)} {word if n == 1 else (plural or word + 's')}"


def _label(table: str) -> str:
    return table.replace("_", " ").capitalize()


# --- tables -----------------------------------------------------------------------------------------------


def rows_per_document(ds: Dataset) -> pd.DataFrame:
    """Rows of figures per source document and table.

    Returns
    -------
    pandas.DataFrame
        Column ``doc``, one column of counts per table of :data:`FIGURE_TABLES`, and ``total``; one row per
        document that any of these tables cites, sorted by ``doc``.
    """
    counts = {t: ds.table(t).groupby("doc").size() for t in FIGURE_TABLES}
    frame = pd.concat(counts, axis=1).reindex(columns=list(FIGURE_TABLES)).fillna(0).astype(int)
    frame["total"] = frame.sum(axis=1)
    frame.index.name = "doc"
    return frame.sort_index().reset_index()


def tables_section(ds: Dataset) -> Section:
    """Rows per table, and rows of figures per document and table."""
    summary = ds.summary().reset_index()
    data = summary[summary["table"].isin(config.TABLES)]  # the indicator list is reference data, not figures
    total = int(data["rows"].sum())
    filled = data[data["rows"] > 0]
    n_tables = len(data)
    if filled.empty:
        first = f"The dataset holds no rows: all {n_tables} of its tables are empty."
    else:
        big = filled.loc[filled["rows"].idxmax()]
        first = (f"The dataset holds **{fmt_int(total)}** rows in {fmt_int(len(filled))} of its {n_tables} tables; "
                 f"the largest is {_label(big['table']).lower()} ({_plural(int(big['rows']), 'row')}).")
    per_doc = rows_per_document(ds)
    n_fig = int(per_doc["total"].sum())
    second = (f"The dataset holds **{fmt_int(n_fig)}** rows of figures from "
              f"**{_plural(len(per_doc), 'document')}**.")
    items: list = [
        Table(summary, "Rows per table",
              [Col("table", "Table"), Col("title", "Title"), Col("rows", "Rows", "int"), Col("file", "File"),
               Col("read as", "Read as")],
              source=_SOURCE_TABLE + " File: the file each table was read from in the data folder.",
              name="rows-per-table"),
    ]
    if per_doc.empty:
        second = "No table of figures has a row, so no document is cited."
    else:
        items.append(Table(per_doc, "Rows per document and table",
                           [Col("doc", "Document")] + [Col(t, f"{_label(t)} (rows)", "int") for t in FIGURE_TABLES]
                           + [Col("total", "Total (rows)", "int")],
                           source="Source: the `doc` column of each table of figures (every row cites the "
                                  "document and line it was read from).", name="rows-per-document"))
    return Section("tables", "Tables", "How many rows does each table hold, and from which documents?",
                   findings=[first, second], items=items, key=[first, second])


# --- observations -----------------------------------------------------------------------------------------


def _status_columns(statuses) -> list[str]:
    seen = [s for s in STATUS_ORDER if s in set(statuses)]
    return seen + [s for s in statuses if s not in seen]


def observations_section(ds: Dataset) -> Section:
    """Observations by region and status, and by region and period."""
    obs = ds.observations
    question = "How many observations does each region have, of which status, and for which periods?"
    if obs.empty:
        return Section("observations", "Observations by region and status", question,
                       findings=["The dataset has no observations."], key=["The dataset has no observations."])
    statuses = _status_columns(list(pd.unique(obs["status"].astype(object))))
    by_region = (obs.pivot_table(index="region", columns="status", values="obs_id", aggfunc="count", fill_value=0)
                 .reindex(columns=statuses, fill_value=0).astype(int))
    by_region["total"] = by_region.sum(axis=1)
    by_region = by_region.reset_index()
    by_region.columns.name = None
    counts = obs["status"].value_counts()
    parts = ", ".join(f"{fmt_int(int(counts[s]))} {s}" for s in statuses)
    first = (f"The dataset has **{fmt_int(len(obs))}** observations of "
             f"{_plural(obs['region'].nunique(), 'region')}: {parts}.")
    by_period = obs.groupby(["region", "period"]).size().rename("observations").reset_index()
    by_period = by_period.sort_values(["region", "period"], kind="stable",
                                      key=lambda s: s if s.name == "region" else period_order(s))
    by_period = by_period.reset_index(drop=True)
    n_periods = obs["period"].nunique()
    unknown = int((obs["period"] == "unknown").sum())
    second = f"They cover {_plural(n_periods, 'distinct period')}"
    second += (f"; {_plural(unknown, 'observation')} {'has' if unknown == 1 else 'have'} a period that cannot be "
               f"read (`unknown`)." if unknown else ".")
    items = [
        Table(by_region, "Observations by region and status (actual, target, plan, forecast)",
              [Col("region", "Region")] + [Col(s, f"{s.capitalize()} (count)", "int") for s in statuses]
              + [Col("total", "Total (count)", "int")],
              source="Source: the observations table, counted by `region` and `status` (codebook rule 6).",
              name="observations-by-region-and-status"),
        Table(by_period, "Observations by region and period",
              [Col("region", "Region"), Col("period", "Period", "period"),
               Col("observations", "Observations (count)", "int")],
              source="Source: the observations table, counted by `region` and `period` (periods in calendar "
                     "order; `unknown` last).", name="observations-by-region-and-period"),
    ]
    return Section("observations", "Observations by region and status", question, findings=[first, second],
                   items=items, key=[first])


# --- regions ----------------------------------------------------------------------------------------------


def regions_section(ds: Dataset) -> Section:
    """The names the studies' ``regions`` parameter accepts, and the tables that hold each region."""
    names = region_names(ds)
    if names.empty:
        return Section("regions", "Region names", _QUESTIONS["regions"], findings=["The dataset names no region."])
    with_zh = int(names["region_zh"].notna().sum())
    finding = (f"The studies accept {_plural(len(names), 'region')}; {fmt_int(with_zh)} of them "
               f"{'has' if with_zh == 1 else 'have'} a Chinese name in the regions table.")
    table = Table(names, "Region names the studies accept",
                  [Col("region", "Region"), Col("region_zh", "Chinese name"), Col("tables", "Tables that name it")],
                  source="Source: the `region` column of every table, and the Chinese names of the regions table "
                         "(`analysis.params.region_names`).", name="region-names")
    return Section("regions", "Region names", _QUESTIONS["regions"], findings=[finding],
                   items=[_REGIONS_EXPLAINED, table])


# --- quality ----------------------------------------------------------------------------------------------


def flagged_observations(ds: Dataset) -> pd.DataFrame:
    """Observations whose quality is not ``ok`` (damaged or uncertain), with their source.

    Returns
    -------
    pandas.DataFrame
        Columns ``obs_id``, ``region``, ``indicator``, ``raw`` (the figure as the document writes it),
        ``quality``, ``doc``, ``line``, ``note``, in the order of the observations table.
    """
    obs = ds.observations
    cols = ["obs_id", "region", "indicator", "raw", "quality", "doc", "line", "note"]
    return obs.loc[obs["quality"] != "ok", cols].reset_index(drop=True)


def quality_section(ds: Dataset) -> Section:
    """Figures flagged as damaged or uncertain."""
    flags = flagged_observations(ds)
    question, explain = _QUESTIONS["quality"], _QUALITY_EXPLAINED
    if flags.empty:
        finding = "No observation is flagged as damaged or uncertain."
        return Section("quality", "Quality flags", question, findings=[finding], items=[explain], key=[finding])
    damaged = int((flags["quality"] == "damaged").sum())
    uncertain = int((flags["quality"] == "uncertain").sum())
    finding = (f"{_plural(len(flags), 'observation')} {'is' if len(flags) == 1 else 'are'} flagged: "
               f"**{fmt_int(damaged)}** damaged (kept with an empty value, never repaired) and "
               f"{fmt_int(uncertain)} uncertain.")
    table = Table(flags, "Flagged observations",
                  [Col("obs_id", "Observation"), Col("region", "Region"), Col("indicator", "Indicator"),
                   Col("raw", "Figure as written"), Col("quality", "Quality"), Col("doc", "Document"),
                   Col("line", "Line", "int"), Col("note", "Note")],
                  source="Source: the observations table, rows whose `quality` is not ok; each figure as the "
                         "document writes it, with its document and line (appendix).", ids="obs_id",
                  name="flagged-observations")
    return Section("quality", "Quality flags", question, findings=[finding], items=[explain, table], key=[finding])


# --- documents --------------------------------------------------------------------------------------------


def documents_section(ds: Dataset) -> Section:
    """The source documents."""
    docs = ds.documents
    question = "Which documents were the figures read from?"
    if docs.empty:
        return Section("documents", "Provenance: the source documents", question,
                       findings=["This dataset lists no documents."])
    damaged = int(docs["damaged"].fillna(False).astype(bool).sum())
    marked = ("none is marked damaged" if damaged == 0 else
              f"{fmt_int(damaged)} of them {'is' if damaged == 1 else 'are'} marked damaged")
    finding = f"The dataset lists {_plural(len(docs), 'source document')}; {marked}."
    frame = docs[["doc", "title_en", "kind", "published", "period", "region", "damaged"]].reset_index(drop=True)
    table = Table(frame, "Source documents",
                  [Col("doc", "Document"), Col("title_en", "Title"), Col("kind", "Kind"),
                   Col("published", "Published"), Col("period", "Period", "period"), Col("region", "Region"),
                   Col("damaged", "Damaged", "bool")],
                  source="Source: the documents table (every figure cites one of these documents and a line).",
                  name="source-documents")
    return Section("documents", "Provenance: the source documents", question, findings=[finding], items=[table],
                   key=[finding])


# --- the report -------------------------------------------------------------------------------------------


def run(data_dir: str | Path | None = None) -> Report:
    """The dataset overview report.

    Parameters
    ----------
    data_dir : str, pathlib.Path or None
        Folder of the dataset; None for the embedded dataset. A relative path is read from the project folder.

    Returns
    -------
    analysis.reporting.Report
        Sections ``tables``, ``observations``, ``regions``, ``quality``, ``documents``; the appendix gives the
        document and line of every flagged figure.

    Raises
    ------
    ValueError
        For a ``data_dir`` that is not an existing folder (:func:`analysis.params.check_study_params`).
    analysis.DataValidationError
        For a dataset that does not validate.
    """
    p = check_study_params(data_dir=data_dir)
    ds = load_dataset(p.data_dir)
    sections = [tables_section(ds), observations_section(ds), regions_section(ds), quality_section(ds),
                documents_section(ds)]
    prov = provenance(ds, observations=flagged_observations(ds))
    appendix = None if prov.empty else Table(prov, "Source of every figure shown (document and line)",
                     [Col("id", "Source id"), Col("table", "Table"), Col("figure", "Figure as written"),
                      Col("doc", "Document"), Col("line", "Line", "int")],
                     source="Source: the dataset's `doc` and `line` columns.", name="sources")
    intro = ("What the dataset holds: tables and rows, figures per source document, regions, periods and the "
             "status of each figure (actual, target, plan, forecast), and what was flagged as damaged. Every "
             "figure in the dataset cites the document and line it was read from.")
    return Report(STUDY, TITLE, QUESTION, {"data_dir": None if p.data_dir is None else str(p.data_dir)},
                  ds.label, sections, provenance=appendix, intro=intro, fingerprint=ds.fingerprint)
