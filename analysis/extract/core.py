"""One document to a draft: the rows proposed from its lines, in the project's tables."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .. import config
from ..schema import table_meta

__all__ = ["Draft", "DocumentInfo", "extract_text", "extract_file", "DRAFT_TABLES", "empty_table"]

#: Tables a draft proposes rows for, in load order.
DRAFT_TABLES = ("observations", "funds", "equity_stakes", "projects", "milestones")


def empty_table(table: str) -> pd.DataFrame:
    """An empty frame with the columns of ``table``'s sidecar, in order."""
    return pd.DataFrame({c.name: pd.Series(dtype="object") for c in table_meta(table).columns})


@dataclass
class DocumentInfo:
    """What is known about a document before its text is read.

    Attributes
    ----------
    doc : str
        File name of the plain text the rows cite (``line`` counts its lines from 1).
    region : str or None
        Region the document is about (``--region``); None when not given: the region its title names
        (:func:`analysis.extract.context.document_region`), else ``unknown``.
    published : str or None
        Publication date as given (YYYY, YYYY-MM or YYYY-MM-DD); None when unknown (periods then read
        ``unknown`` unless the text dates itself).
    title : str
        First non-empty line, or the file name.
    kind : str
        A code of the ``document_kind`` vocabulary (``other`` when not recognised).
    """

    doc: str
    region: str | None = None
    published: str | None = None
    title: str = ""
    kind: str = "other"


@dataclass
class Draft:
    """Rows proposed from one or more documents, in the project's tables.

    Attributes
    ----------
    documents : pandas.DataFrame
        One row per document, in the ``documents`` schema.
    tables : dict of str to pandas.DataFrame
        ``observations``, ``funds``, ``equity_stakes``, ``projects``, ``milestones``, each in its schema.
    new_indicators : pandas.DataFrame
        Indicators the text names that the codebook does not list (``indicator``, ``indicator_zh``,
        ``description_en``, ``unit``): written to the draft's ``indicators.csv`` beside the codebook's own.
    lines : dict of str to list of str
        Each document's plain-text lines, as saved beside the draft.
    """

    documents: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    new_indicators: pd.DataFrame
    lines: dict[str, list[str]] = field(default_factory=dict)

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.documents if table == "documents" else self.tables[table]

    def __repr__(self) -> str:
        counts = ", ".join(f"{t} {len(df)}" for t, df in self.tables.items())
        return f"Draft({len(self.documents)} documents: {counts})"


def extract_text(text: str | list[str], info: DocumentInfo, indicators: pd.DataFrame | None = None) -> Draft:
    """Propose rows in the project's tables from a document's plain text.

    Parameters
    ----------
    text : str or list of str
        The document's plain text, or its lines (``line`` in every row counts these from 1).
    info : DocumentInfo
        File name the rows cite, region, publication date (which dates 今年, 去年, 一季度 ...), title and kind.
    indicators : pandas.DataFrame, optional
        Indicator list with Chinese terms (``indicator``, ``indicator_zh``, ``terms_zh``); default the codebook's
        (``data/default/indicators.csv``).

    Returns
    -------
    Draft
        ``documents`` (one row) and the five tables in their schemas, the new indicators the text names, and the
        lines.

    Notes
    -----
    Fund sentences and project tables are read first; the figures they use are not proposed again as
    observations. Every row cites ``doc`` and ``line`` and keeps ``raw`` as written.
    """
    from .funds import funds_from_lines
    from .observations import observations_from_lines
    from .projects import projects_from_lines

    lines = _split_lines(text)
    if not info.region:  # rows of documents about different places must not share one region "unknown"
        from .context import document_region, region_finder

        title = info.title or next((line.strip() for line in lines if line.strip()), "")
        info = replace(info, region=document_region(title, region_finder()))
    funds, stakes, claimed_funds = funds_from_lines(lines, info)
    projects, milestones, claimed_projects = projects_from_lines(lines, info)
    observations, new_indicators = observations_from_lines(
        lines, info, claimed=frozenset(claimed_funds) | frozenset(claimed_projects), indicators=indicators)
    tables = {"observations": observations, "funds": funds, "equity_stakes": stakes,
              "projects": projects, "milestones": milestones}
    tables = {t: _in_schema(df, t) for t, df in tables.items()}
    from .draft import document_row

    damaged = any((df["quality"] == "damaged").any() for df in tables.values() if "quality" in df)
    documents = pd.DataFrame([document_row(info, info.doc, "text", "text", damaged)])
    return Draft(documents, tables, new_indicators.reset_index(drop=True), {info.doc: lines})


def _split_lines(text: str | list[str]) -> list[str]:
    if isinstance(text, str):
        return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [str(line).rstrip("\r\n") for line in text]


def _in_schema(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """``df`` with exactly the columns of ``table``'s sidecar, in order (missing ones empty)."""
    columns = list(empty_table(table).columns)
    out = df.reindex(columns=columns)
    return out.reset_index(drop=True)


def extract_file(path: str | Path, region: str | None = None, published: str | None = None) -> Draft:
    """Read a document file (txt, md, html, docx, pdf) and propose rows from it.

    Parameters
    ----------
    path : str or path
        The document (:func:`analysis.extract.read.read_document` says how each format is read).
    region : str, optional
        The region it is about.
    published : str, optional
        Its publication date, YYYY, YYYY-MM or YYYY-MM-DD: periods such as 今年 or 一季度 are read from it.

    Returns
    -------
    Draft
        Rows citing ``doc`` = ``<stem>.txt`` (the plain text saved beside a draft) and the line they come from;
        its ``documents`` row in the documents schema.

    Raises
    ------
    analysis.extract.read.DocumentReadError
        When the file cannot be read as text (the message names it).
    """
    from .draft import document_row
    from .read import guess_kind, read_document

    path = Path(path)
    read = read_document(path)
    info = DocumentInfo(doc=f"{path.stem}.txt", region=region, published=published, title=read.title,
                        kind=guess_kind(read.title))
    draft = extract_text(read.lines, info)
    made = draft.documents.loc[0]  # the row extract_text made (damaged; the region the title names, if not given)
    damaged, info = bool(made["damaged"]), replace(info, region=made["region"])
    draft.documents = pd.DataFrame([document_row(info, path.name, read.source_format, read.encoding, damaged)])
    return draft
