"""One document to a draft: the rows proposed from its lines, in the project's tables."""

from __future__ import annotations

from dataclasses import dataclass, field
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
        Region the document is about (``--region``); None when not given (rows then name the region they find).
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


def extract_text(text: str | list[str], info: DocumentInfo) -> Draft:
    """Propose rows from a document's plain text (skeleton: filled by issue 10)."""
    lines = text if isinstance(text, list) else text.split("\n")
    documents = pd.DataFrame([{"doc": info.doc}])
    tables = {t: empty_table(t) for t in DRAFT_TABLES}
    return Draft(documents, tables, pd.DataFrame(columns=["indicator", "indicator_zh", "description_en", "unit"]),
                 {info.doc: list(lines)})


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
    obs = draft.tables.get("observations")
    damaged = bool(obs is not None and "quality" in obs and (obs["quality"] == "damaged").any())
    draft.documents = pd.DataFrame([document_row(info, path.name, read.source_format, read.encoding, damaged)])
    return draft
