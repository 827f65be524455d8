"""A draft dataset folder: the extractor's rows in exactly the files :func:`analysis.load_dataset` reads.

A draft folder holds

* ``documents.csv`` and the five tables the extractor proposes rows for (``observations.csv``, ``funds.csv``,
  ``equity_stakes.csv``, ``projects.csv``, ``milestones.csv``): UTF-8, each with exactly its sidecar's columns
  (``data/default/<table>.meta.yaml``), header only when empty;
* ``indicators.csv``: the codebook's indicator list (``data/default/indicators.csv``) and the new indicators the
  documents name (their ``description_en`` says they were proposed by the extractor);
* ``text/<doc>``: each document's plain text, the lines that ``line`` counts from 1;
* ``review.html``: each line with its figures highlighted and the rows proposed from it;
* ``.investment-extract.json``: the marker saying the folder is a draft, with a SHA-256 of every file written.

Writing is atomic: the folder is written beside its destination under a temporary name, then renamed into place.
An existing folder is replaced only when it is an earlier draft that nobody has changed since (every file as the
marker records it, and no file added): a folder of the user's own, or a draft someone has edited, is refused
and left as it is.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from .. import config
from ..schema import table_meta
from .core import DRAFT_TABLES, Draft, DocumentInfo, empty_table

__all__ = ["write_draft", "merge_drafts", "document_row", "is_draft", "DraftFolderError", "MARKER",
           "NEW_INDICATOR_COLUMNS"]

#: The marker file of a draft folder (JSON: who wrote it and the SHA-256 of each file).
MARKER = ".investment-extract.json"

#: Columns of :attr:`Draft.new_indicators`.
NEW_INDICATOR_COLUMNS = ["indicator", "indicator_zh", "description_en", "unit"]


class DraftFolderError(RuntimeError):
    """The destination folder cannot take the draft (a folder of the user's own, or an edited draft)."""


def is_draft(folder: str | Path | None) -> bool:
    """Whether ``folder`` is a draft dataset folder written by ``investment-extract`` (it holds :data:`MARKER`).

    Parameters
    ----------
    folder : str, path or None
        A dataset folder; None (the embedded dataset) is not a draft.

    Returns
    -------
    bool
        True when ``folder/.investment-extract.json`` is a file. The marker is not read: a draft edited since it
        was written is still a draft.
    """
    return folder is not None and (Path(folder) / MARKER).is_file()


# --- the documents table ----------------------------------------------------------------------------------

def _period_of(published: str | None) -> str:
    """The period a document reports on, as far as its date tells: its year (``YYYY``), or ``unknown``."""
    return published[:4] if published else "unknown"


def document_row(info: DocumentInfo, source: str, source_format: str, encoding: str,
                 damaged: bool = False) -> dict:
    """The ``documents`` row of a document the extractor read.

    Parameters
    ----------
    info : DocumentInfo
        What the extractor was told (region, published) and read (title, kind).
    source : str
        The file name of the document as given (``report.docx``).
    source_format, encoding : str
        How it was read (:class:`analysis.extract.read.ReadResult`).
    damaged : bool
        True when some figure of it was flagged damaged.

    Returns
    -------
    dict
        The row, with every column of ``documents.meta.yaml``. ``title_en`` holds the document's own title (not a
        translation: the note says so), ``period`` the year of ``published`` or ``unknown``.
    """
    how = source_format if source_format == encoding else f"{source_format}, {encoding}"
    return {"doc": info.doc, "title_en": info.title or info.doc, "kind": info.kind, "publisher": None,
            "published": info.published, "period": _period_of(info.published), "region": info.region or "unknown",
            "damaged": damaged,
            "note": f"Draft by investment-extract from {source} ({how}); title_en is the document's own title, not a "
                    "translation; period is the year of publication (or unknown): check both."}


def _documents_frame(draft: Draft) -> pd.DataFrame:
    """The draft's documents in the documents schema: rows the extractor left short get the defaults."""
    columns = table_meta("documents").column_names
    docs = draft.documents.reindex(columns=columns).astype(object)
    damaged_docs = set()
    obs = draft.tables.get("observations")
    if obs is not None and not obs.empty and "quality" in obs:
        damaged_docs = set(obs.loc[obs["quality"] == "damaged", "doc"])
    defaults = {"title_en": None, "kind": "other", "period": "unknown", "region": "unknown"}
    for idx, row in docs.iterrows():
        for col, default in defaults.items():
            if _empty(row[col]):
                docs.at[idx, col] = default if default is not None else row["doc"]
        if _empty(row["damaged"]):
            docs.at[idx, "damaged"] = row["doc"] in damaged_docs
    return docs


def _empty(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or (isinstance(v, str) and not v.strip())


# --- several documents, one draft -------------------------------------------------------------------------

def merge_drafts(drafts: list[Draft]) -> Draft:
    """One draft of several documents' drafts: their rows, documents and lines together, each new indicator once.

    Raises
    ------
    ValueError
        When two drafts cite a document of the same name (``doc``), or repeat a key.
    """
    names = [d for dr in drafts for d in dr.documents["doc"]]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"two documents would be saved as {', '.join(twice)}: give the files different names")
    documents = pd.concat([d.documents for d in drafts], ignore_index=True) if drafts else empty_table("documents")
    tables = {}
    for t in DRAFT_TABLES:
        parts = [d.tables[t] for d in drafts if t in d.tables and not d.tables[t].empty]
        tables[t] = pd.concat(parts, ignore_index=True) if parts else empty_table(t)
    new = [d.new_indicators for d in drafts if not d.new_indicators.empty]
    new_indicators = (pd.concat(new, ignore_index=True).drop_duplicates("indicator") if new
                      else pd.DataFrame(columns=NEW_INDICATOR_COLUMNS))
    lines = {doc: text for d in drafts for doc, text in d.lines.items()}
    return Draft(documents, tables, new_indicators, lines)


# --- writing ----------------------------------------------------------------------------------------------

def _cell(v, kind: str) -> str:
    """A cell as the loader reads it: empty for missing, whole floats without ``.0``, booleans lower case."""
    if _empty(v):
        return ""
    if kind == "bool":
        return "true" if bool(v) else "false"
    if kind in ("float", "int") and isinstance(v, (int, float)) and not isinstance(v, bool):
        f = float(v)
        return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)
    return str(v)


def _table_csv(df: pd.DataFrame, table: str) -> str:
    """A table as CSV text with exactly its sidecar's columns, in order (missing columns empty)."""
    meta = table_meta(table)
    out = pd.DataFrame({c.name: ([_cell(v, c.type) for v in df[c.name]] if c.name in df else [""] * len(df))
                        for c in meta.columns})
    return out.to_csv(index=False, lineterminator="\n")


def _indicators_frame(new_indicators: pd.DataFrame) -> pd.DataFrame:
    """The codebook's indicator list, then the draft's new indicators (an indicator listed already kept once)."""
    codebook = pd.read_csv(config.DEFAULT_DATA_DIR / "indicators.csv", dtype=str, keep_default_na=False)
    new = new_indicators[~new_indicators["indicator"].isin(codebook["indicator"])] if len(new_indicators) else None
    return codebook if new is None or new.empty else pd.concat([codebook, new.astype(object)], ignore_index=True)


def _files(draft: Draft) -> dict[str, bytes]:
    """Every file of the draft folder but the marker: relative path → bytes."""
    from .review import render_review

    files = {"documents.csv": _table_csv(_documents_frame(draft), "documents")}
    for t in DRAFT_TABLES:
        files[f"{t}.csv"] = _table_csv(draft.tables.get(t, empty_table(t)), t)
    files["indicators.csv"] = _table_csv(_indicators_frame(draft.new_indicators), "indicators")
    for doc, lines in draft.lines.items():
        if Path(doc).name != doc or doc in ("", ".", ".."):
            raise ValueError(f"document name {doc!r}: expected a plain file name (no folder)")
        files[f"text/{doc}"] = "".join(line + "\n" for line in lines)
    files["review.html"] = render_review(draft)
    return {name: text.encode("utf-8") for name, text in files.items()}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_replaceable(folder: Path) -> None:
    """Raise :class:`DraftFolderError` unless ``folder`` is absent, empty, or an unchanged earlier draft."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise DraftFolderError(f"{folder} is a file, not a folder; nothing was written")
    marker = folder / MARKER
    if not marker.is_file():
        if not any(folder.iterdir()):
            return  # an empty folder holds nothing to lose
        raise DraftFolderError(f"{folder} exists and is not a draft written by investment-extract (it has no "
                               f"{MARKER}); choose a new folder: nothing was written, and nothing in it changed")
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError) as e:
        raise DraftFolderError(f"{marker}: expected the draft's record of its files; could not read it ({e}); "
                               "nothing was written") from None
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if not p.is_dir()}
    changed = sorted(name for name in present - {MARKER}
                     if name not in recorded or _sha256((folder / name).read_bytes()) != recorded[name])
    if changed:
        shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise DraftFolderError(f"{folder}: a draft changed since investment-extract wrote it ({shown} added or "
                               "edited); move it away or choose a new folder: nothing was written")


def write_draft(draft: Draft, folder: str | Path) -> Path:
    """Write a draft dataset folder that :func:`analysis.load_dataset` reads as it is.

    Parameters
    ----------
    draft : Draft
        The rows, documents and plain-text lines (one document or several: :func:`merge_drafts`).
    folder : str or path
        The destination. Absent, empty, or an earlier draft nobody has changed (it is replaced).

    Returns
    -------
    pathlib.Path
        The folder, absolute.

    Raises
    ------
    DraftFolderError
        When ``folder`` holds anything but an unchanged earlier draft: nothing is written then.
    """
    folder = Path(folder).expanduser().resolve()
    _check_replaceable(folder)
    files = _files(draft)
    marker = {"written_by": "investment-extract (analysis.extract.draft.write_draft)",
              "documents": list(draft.lines), "files": {name: _sha256(data) for name, data in files.items()}}
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.writing-", dir=folder.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp's folder is private; the draft is an ordinary folder
        for name, data in files.items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_bytes(data)
        (tmp / MARKER).write_text(json.dumps(marker, ensure_ascii=False, indent=1), encoding="utf-8")
        _swap_in(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def _swap_in(tmp: Path, folder: Path) -> None:
    """Rename ``tmp`` to ``folder``; an earlier draft there is moved aside first and removed after."""
    if not folder.exists():
        os.replace(tmp, folder)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old-", dir=folder.parent))
    os.rmdir(old)
    os.replace(folder, old)
    try:
        os.replace(tmp, folder)
    except BaseException:
        os.replace(old, folder)  # put the earlier draft back
        raise
    shutil.rmtree(old, ignore_errors=True)
