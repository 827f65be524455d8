"""Study 00, dataset overview: what the dataset holds, where every figure comes from, and what is damaged.

One function per section, each taking a loaded :class:`~analysis.io.Dataset` and returning a
:class:`~analysis.reporting.Section`; :func:`run` validates the parameters, loads the data and returns the
:class:`~analysis.reporting.Report` the notebook ``00-dataset-overview`` displays. The sentences are true of any
dataset (an empty table, no region, no document, nothing flagged).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .. import config
from ..io import RAW_FIGURES, Dataset, load_dataset, load_indicators
from ..params import check_study_params, region_names
from ..periods import period_order
from ..reporting import Col, Report, Section, Table, fmt_int, provenance
from ..reporting.format import fmt_money, fmt_multiple, fmt_pct
from ..units import Quantity, format_quantity

__all__ = ["run", "tables_section", "observations_section", "regions_section", "quality_section",
           "documents_section", "rows_per_document", "flagged_observations", "review_section", "draft_documents",
           "draft_review_rows", "line_excerpt", "STUDY", "TITLE"]

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
_SOURCE_TABLE = "the dataset's tables (`Dataset.summary()`), counted row by row."


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
                           source="the `doc` column of each table of figures (every row cites the "
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
              source="the observations table, counted by `region` and `status` (codebook rule 6).",
              name="observations-by-region-and-status"),
        Table(by_period, "Observations by region and period",
              [Col("region", "Region"), Col("period", "Period", "period"),
               Col("observations", "Observations (count)", "int")],
              source="the observations table, counted by `region` and `period` (periods in calendar "
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
                  source="the `region` column of every table, and the Chinese names of the regions table "
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
                  source="the observations table, rows whose `quality` is not ok; each figure as the "
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
                  source="the documents table (every figure cites one of these documents and a line).",
                  name="source-documents")
    return Section("documents", "Provenance: the source documents", question, findings=[finding], items=[table],
                   key=[finding])


# --- review of an extracted draft -------------------------------------------------------------------------

#: The file that marks a folder as a draft of ``investment-extract`` (:data:`analysis.extract.draft.MARKER`; a test
#: keeps the two equal). Named here so that the overview of a dataset that is not a draft never loads the extractor.
DRAFT_MARKER = ".investment-extract.json"

#: Characters of a line shown around its figure in the review table (the figure itself included).
EXCERPT_WIDTH = 80
#: How the review table marks the figure in its line's text.
FIGURE_MARKS = ("⟦", "⟧")
#: The key column of each table of figures.
_ROW_KEYS = {"observations": "obs_id", "funds": "fund_id", "equity_stakes": "stake_id", "projects": "project_id",
             "milestones": "milestone_id"}
#: The status and period columns of each table of figures (as in ``review.html``).
_STATUS_COLUMNS = {"observations": "status", "funds": "status", "projects": "stage", "milestones": "stage"}
_PERIOD_COLUMNS = {"observations": "period", "funds": "as_of", "equity_stakes": "as_of", "projects": "stage_as_of",
                   "milestones": "planned"}
_REVIEW_QUESTION = ("Which rows did the extractor propose from each document, and which of them must a person "
                    "check before the draft is used?")


def _text_lines(folder: Path, doc: str) -> list[str] | None:
    """The lines of a draft's saved plain text ``text/<doc>`` (as ``line`` counts them), or None when absent."""
    path = folder / "text" / doc
    if Path(doc).name != doc or not path.is_file():
        return None
    text = path.read_bytes().decode("utf-8", errors="replace")
    lines = text.split("\n")
    return lines[:-1] if text.endswith("\n") else lines


def _new_indicators(ds: Dataset) -> set[str]:
    """Indicators of the dataset's list that the codebook does not list (proposed by the extractor)."""
    return set(ds.indicators["indicator"]) - set(load_indicators()["indicator"])


def _quality_counts(ds: Dataset) -> pd.DataFrame:
    """Uncertain and damaged rows per document, over every table of figures with a ``quality`` column."""
    frames = [ds.table(t)[["doc", "quality"]] for t in FIGURE_TABLES if "quality" in ds.table(t)]
    rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["doc", "quality"])
    return pd.DataFrame({q: rows[rows["quality"] == q].groupby("doc").size() for q in ("uncertain", "damaged")})


def draft_documents(ds: Dataset) -> pd.DataFrame:
    """Each document of a draft: its saved lines, the rows proposed from it, and what needs checking.

    Parameters
    ----------
    ds : Dataset
        A draft dataset (its folder holds ``text/<doc>`` for each document).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc``, ``lines`` (lines of the saved plain text; missing when the folder lacks it), one count
        of rows per table of :data:`FIGURE_TABLES`, ``total``, ``uncertain``, ``damaged`` (rows) and
        ``new_indicators`` (distinct indicators the codebook does not list, used by the document's rows); one row
        per document the documents table lists or a row cites, in the documents table's order.
    """
    per_doc = rows_per_document(ds).set_index("doc")
    docs = list(dict.fromkeys(list(ds.documents["doc"]) + list(per_doc.index)))
    out = per_doc.reindex(docs).fillna(0).astype(int)
    out = out.join(_quality_counts(ds).reindex(docs).fillna(0).astype(int))
    new = _new_indicators(ds)
    obs = ds.observations
    used = obs[obs["indicator"].isin(new)].groupby("doc")["indicator"].nunique()
    out["new_indicators"] = used.reindex(docs).fillna(0).astype(int)
    lines = {d: _text_lines(Path(ds.source), d) for d in docs}
    out.insert(0, "lines", pd.array([None if lines[d] is None else len(lines[d]) for d in docs], dtype="Int64"))
    out.index.name = "doc"
    return out.reset_index()


def line_excerpt(line: str, span: tuple[int, int] | None, width: int = EXCERPT_WIDTH) -> str:
    """A line trimmed to about ``width`` characters around its figure, the figure marked ⟦ ⟧.

    Parameters
    ----------
    line : str
        The line of the saved plain text.
    span : tuple of int or None
        Start and end (character offsets) of the figure in ``line``; None when it was not found (the line's
        start is shown, unmarked).
    width : int
        Characters kept from the line (more when the figure alone is longer); a cut is shown as ``…``.

    Returns
    -------
    str
        Plain text (the report escapes it): ``…新签约亿元以上项目⟦25个⟧，力争全年…``.
    """
    if span is None:
        return line[:width] + ("…" if len(line) > width else "")
    start, end = span
    room = max(width - (end - start), 0)
    a = max(0, start - room // 2)
    b = min(len(line), end + room - (start - a))
    a = max(0, min(a, b - width, start))
    left, right = FIGURE_MARKS
    return ("…" if a > 0 else "") + line[a:start] + left + line[start:end] + right + line[end:b] + \
        ("…" if b < len(line) else "")


def _present(v) -> bool:
    return not (v is None or v is pd.NA or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v))


def _quantity_text(value, unit: str, qualifier) -> str:
    """One figure as the other tables write it: money with :func:`fmt_money`, percentages with :func:`fmt_pct`,
    multiples with :func:`fmt_multiple`, counts and areas in Chinese units (``25个``, ``5万平方米``)."""
    q = qualifier if _present(qualifier) else "exact"
    if unit in ("yuan", "usd"):
        return fmt_money(value, q, unit)
    if unit == "percent":
        return fmt_pct(value, qualifier=q)
    if unit == "times":
        return fmt_multiple(value, qualifier=q)
    return format_quantity(Quantity(float(value), unit, q))


def _value_text(table: str, r: pd.Series) -> str:
    """Every figure of a row with its unit (growth signed, ``growth +12.3 %``); empty when it holds no value."""
    parts = []
    for raw_col, val_col, unit_spec, q_col, _ in RAW_FIGURES.get(table, []):
        value = r.get(val_col)
        if not _present(value):
            continue
        unit = unit_spec[1:] if unit_spec.startswith("=") else r.get(unit_spec)
        q = r.get(q_col) if q_col else None
        if raw_col == "yoy_raw":
            parts.append("growth " + fmt_pct(value, qualifier=q if _present(q) else None, signed=True))
        else:
            parts.append(_quantity_text(value, unit if _present(unit) else "yuan", q))
    return "; ".join(parts)


def _row_excerpt(table: str, r: pd.Series, lines: list[str] | None) -> str:
    """The row's line around its first figure as written (``raw`` columns), or a note that the line is missing."""
    n = int(r["line"]) if _present(r.get("line")) else 0
    if lines is None or not 1 <= n <= len(lines):
        return "(line not in the saved text)"
    return line_excerpt(lines[n - 1], _figure_span(lines[n - 1], table, r))


def _figure_span(line: str, table: str, r: pd.Series) -> tuple[int, int] | None:
    """Where the row's first figure stands in its line: its ``raw`` as written (the line may space it: ``14 个``),
    else the figure :func:`analysis.extract.find_figures` reads there with the row's value and unit (a range
    written 两三个 is recorded as ``2-3个``); None when neither is found."""
    from ..extract.figures import find_figures
    from ..extract.review import _find_raw

    specs = RAW_FIGURES.get(table, []) or [("raw", "value", "unit", None, None)]
    for raw_col, *_ in specs:
        raw = r.get(raw_col)
        span = _find_raw(line, str(raw), []) if _present(raw) else None
        if span:
            return span
    for _, val_col, unit_spec, *_ in specs:
        value = r.get(val_col)
        unit = unit_spec[1:] if unit_spec.startswith("=") else r.get(unit_spec)
        for f in find_figures(line) if _present(value) else []:
            if f.value is not None and f.unit == unit and math.isclose(f.value, float(value), rel_tol=1e-9):
                return f.start, f.end
    return None


def _indicator_text(r: pd.Series) -> str:
    """The row's indicator and its Chinese term: ``new_048cfc (引进内资)``; empty for a table without one."""
    ind, zh = r.get("indicator"), r.get("indicator_zh")
    if not _present(ind):
        return ""
    return f"{ind} ({zh})" if _present(zh) else str(ind)


def draft_review_rows(ds: Dataset) -> pd.DataFrame:
    """The rows of a draft a person must check: every uncertain or damaged row, and every row with a new indicator.

    Parameters
    ----------
    ds : Dataset
        A draft dataset (its folder holds ``text/<doc>``, the lines the rows cite).

    Returns
    -------
    pandas.DataFrame
        Columns ``id`` (the row's key), ``doc``, ``line``, ``text`` (the line trimmed around the figure, the
        figure marked ⟦ ⟧: :func:`line_excerpt`), ``table``, ``indicator`` (with its Chinese term), ``value``
        (value with unit, as the other tables write it; empty for a damaged figure), ``status``, ``period``,
        ``quality``, ``note``; sorted by document and line.
    """
    new = _new_indicators(ds)
    folder = Path(ds.source)
    cache: dict[str, list[str] | None] = {}
    records = []
    for table in FIGURE_TABLES:
        df = ds.table(table)
        flagged = df["quality"].isin(["uncertain", "damaged"]) if "quality" in df else pd.Series(False, df.index)
        if "indicator" in df:
            flagged |= df["indicator"].isin(new)
        for _, r in df[flagged].iterrows():
            doc = str(r["doc"])
            lines = cache.setdefault(doc, _text_lines(folder, doc))
            records.append({"id": r[_ROW_KEYS[table]], "doc": doc, "line": r["line"],
                            "text": _row_excerpt(table, r, lines), "table": table,
                            "indicator": _indicator_text(r), "value": _value_text(table, r),
                            "status": r.get(_STATUS_COLUMNS.get(table, ""), ""),
                            "period": r.get(_PERIOD_COLUMNS[table], ""), "quality": r.get("quality", ""),
                            "note": r.get("note", "")})
    columns = ["id", "doc", "line", "text", "table", "indicator", "value", "status", "period", "quality", "note"]
    out = pd.DataFrame(records, columns=columns)
    order = {t: i for i, t in enumerate(FIGURE_TABLES)}
    out = out.sort_values(["doc", "line", "table"], key=lambda s: s.map(order) if s.name == "table" else s,
                          kind="stable")
    return out.reset_index(drop=True)


def _review_pointer(folder: Path) -> str:
    """The sentence pointing to the draft's ``review.html``."""
    if (folder / "review.html").is_file():
        return (f"The full line-by-line review is `review.html` in the draft folder (`{folder}`): each line of "
                "each document with its figures highlighted and the rows proposed from it.")
    return (f"The draft folder (`{folder}`) has no `review.html`; `investment-extract` writes one, with each line "
            "of each document, its figures highlighted and the rows proposed from it.")


def review_section(ds: Dataset) -> Section:
    """Review of an extracted draft: rows per document, and every row a person must check (a draft only).

    Parameters
    ----------
    ds : Dataset
        A draft dataset folder written by ``investment-extract`` (:func:`analysis.extract.draft.is_draft`).

    Returns
    -------
    Section
        ``review``: the key finding (rows proposed, documents, uncertain and damaged rows), a table per document
        (:func:`draft_documents`), a table of the rows to check (:func:`draft_review_rows`) and a sentence
        pointing to ``review.html``.
    """
    docs = draft_documents(ds)
    rows = draft_review_rows(ds)
    n_rows, n_docs = int(docs["total"].sum()), len(docs)
    uncertain, damaged = int(docs["uncertain"].sum()), int(docs["damaged"].sum())
    key = (f"**{_plural(n_rows, 'row')}** proposed from {_plural(n_docs, 'document')} by the extractor; "
           f"{fmt_int(uncertain)} uncertain, {fmt_int(damaged)} damaged: check them before use.")
    n_new = len(_new_indicators(ds))
    second = (f"{_plural(len(rows), 'row')} {'needs' if len(rows) == 1 else 'need'} checking (uncertain, damaged "
              f"or with one of the {_plural(n_new, 'new indicator')} the codebook does not list)."
              if len(rows) else "No row is uncertain or damaged, and no row uses an indicator the codebook does not "
                                "list.")
    from ..extract.draft import MARKER

    explain = ("This folder is a draft written by `investment-extract` (it holds `" + MARKER + "`): its rows "
               "were proposed by the extractor, not curated by hand. An uncertain row was read with judgement (its "
               "note says why); a damaged figure is kept with an empty value, never repaired; a new indicator "
               "(`new_…`) is a Chinese term the codebook does not list.")
    items: list = [explain,
                   Table(docs, "Rows proposed per document, and what needs checking",
                         [Col("doc", "Document"), Col("lines", "Lines", "int")]
                         + [Col(t, f"{_label(t)} (rows)", "int") for t in FIGURE_TABLES]
                         + [Col("uncertain", "Uncertain (rows)", "int"), Col("damaged", "Damaged (rows)", "int"),
                            Col("new_indicators", "New indicators", "int")],
                         source="the draft's tables (`doc` of every row, `quality`), its `indicators.csv` "
                                "against the codebook's list, and the plain text saved in `text/`.",
                         name="draft-documents")]
    if len(rows):
        items.append(Table(rows, "Rows to check: uncertain, damaged, or with a new indicator",
                           [Col("id", "Row"), Col("doc", "Document"), Col("line", "Line", "int"),
                            Col("text", "Text of the line (figure marked ⟦ ⟧)"), Col("table", "Table"),
                            Col("indicator", "Indicator"), Col("value", "Value"), Col("status", "Status"),
                            Col("period", "Period", "period"), Col("quality", "Quality"), Col("note", "Note")],
                           source=f"the draft's rows and the line each cites in `text/<doc>`, trimmed to "
                                  f"about {EXCERPT_WIDTH} characters around the figure (… where cut).",
                           ids="id", name="draft-rows-to-check"))
    items.append(_review_pointer(Path(ds.source)))
    return Section("review", "Review of the extracted draft", _REVIEW_QUESTION, findings=[key, second],
                   items=items, key=[key])


# --- the report -------------------------------------------------------------------------------------------


def _with_review_rows(used: dict, rows: pd.DataFrame) -> dict:
    """The rows each table's provenance lists, with the review's rows added (their ids link to the appendix)."""
    out = {t: list(v[_ROW_KEYS[t]]) for t, v in used.items()}
    for table, ids in rows.groupby("table")["id"]:
        out[table] = list(dict.fromkeys(out.get(table, []) + list(ids)))
    return out


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
        document and line of every flagged figure. For a draft folder written by ``investment-extract``
        (:func:`analysis.extract.draft.is_draft`) a first section ``review`` comes before them
        (:func:`review_section`), and the appendix lists its rows too.

    Raises
    ------
    ValueError
        For a ``data_dir`` that is not an existing folder (:func:`analysis.params.check_study_params`).
    analysis.DataValidationError
        For a dataset that does not validate.
    """
    p = check_study_params(data_dir=data_dir)
    ds = load_dataset(p.data_dir)
    # the extractor is imported only for a draft folder: the other reports never load it
    draft = p.data_dir is not None and (Path(ds.source) / DRAFT_MARKER).is_file()
    sections = [review_section(ds)] if draft else []
    sections += [tables_section(ds), observations_section(ds), regions_section(ds), quality_section(ds),
                 documents_section(ds)]
    used = {"observations": flagged_observations(ds)}
    if draft:
        used = _with_review_rows(used, draft_review_rows(ds))
    prov = provenance(ds, **used)
    appendix = None if prov.empty else Table(prov, "Source of every figure shown (document and line)",
                     [Col("id", "Source id"), Col("table", "Table"), Col("figure", "Figure as written"),
                      Col("doc", "Document"), Col("line", "Line", "int")],
                     source="the dataset's `doc` and `line` columns.", name="sources")
    intro = ("What the dataset holds: tables and rows, figures per source document, regions, periods and the "
             "status of each figure (actual, target, plan, forecast), and what was flagged as damaged. Every "
             "figure in the dataset cites the document and line it was read from.")
    return Report(STUDY, TITLE, QUESTION, {"data_dir": None if p.data_dir is None else str(p.data_dir)},
                  ds.label, sections, provenance=appendix, intro=intro, fingerprint=ds.fingerprint)
