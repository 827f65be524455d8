"""Loading and validating a dataset: the embedded default, or a user's folder of CSV or XLSX files.

A dataset is a folder holding some of the tables ``documents``, ``observations``, ``funds``, ``equity_stakes``,
``projects``, ``milestones`` and ``regions``, each as ``<table>.csv`` or ``<table>.xlsx`` with the columns of its sidecar
(``data/default/<table>.meta.yaml``; empty templates in ``data/templates/``). Tables that are absent are empty.
Every observation's ``indicator`` must be listed in ``indicators.csv``: the embedded list
(``data/default/indicators.csv``), plus the rows of the folder's own ``indicators.csv`` if it has one (codebook:
``data/CODEBOOK.md``).

Every file is read, validated and cross-checked before anything is returned, and every problem in every file
is reported at once, each naming the file, the row (as a spreadsheet shows it: the header is row 1) and the
column, with what was expected and what was found, once per cell. Nothing is half-loaded: on any problem
:func:`load_dataset` raises :class:`DataValidationError` and returns nothing.

Files as people have them: a CSV is read as UTF-8 (with or without a byte-order mark), else as GB18030 (Excel's
plain "CSV" on Chinese Windows) with a :class:`DataEncodingWarning` naming the file; an XLSX cell reads as the
spreadsheet shows it (a percent-formatted 0.137 is ``13.7%``); wholly blank rows are skipped. An empty file, a
header pushed below row 1 by a title row, or a file in neither encoding gets one message for the file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import config
from .schema import LIST_TABLES, TYPE_EXPECTED, pandera_schema, table_meta
from .units import QuantityParseError, parse_quantity
from .vocab import UNIT

__all__ = ["Dataset", "DataValidationError", "DataEncodingWarning", "load_dataset", "load_indicators",
           "write_templates", "RAW_FIGURES", "raw_figure_problems"]


class DataValidationError(ValueError):
    """One or more problems in a dataset's files.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem: ``file``, ``row`` (spreadsheet row, header = 1; empty for a whole-file problem),
        ``column``, ``expected``, ``found``.
    """

    def __init__(self, problems: pd.DataFrame, folder: Path):
        self.problems = problems.reset_index(drop=True)
        self.folder = folder
        lines = [f"{len(problems)} problem(s) in the dataset at {folder}; nothing was loaded:"]
        for p in self.problems.itertuples():
            where = p.file if pd.isna(p.row) else f"{p.file}, row {int(p.row)}"
            col = "" if pd.isna(p.column) or p.column == "" else f", column {p.column!r}"
            found = "" if pd.isna(p.found) else f", found {p.found!r}"
            lines.append(f"  - {where}{col}: expected {p.expected}{found}")
        super().__init__("\n".join(lines))


@dataclass(repr=False)
class Dataset:
    """A validated dataset: one DataFrame per table, with where it came from.

    Printed, it says in a few lines where it came from, its fingerprint and its tables' row counts;
    :meth:`summary` gives the overview as a table.

    Attributes
    ----------
    documents, observations, funds, equity_stakes, projects, milestones, regions : pandas.DataFrame
        The tables, with the columns and dtypes of their sidecars (empty when the folder lacks the table).
        ``regions`` holds the regions' Chinese names; every name a study accepts:
        :func:`analysis.params.region_names`.
    source : pathlib.Path
        The folder the tables were read from.
    files : dict
        Table name → the file it was read from.
    fingerprint : str
        SHA-256 (first 16 hex digits) of the files' bytes, to tell one version of the data from another.
    encodings : dict
        Table name → how its file was read: ``utf-8``, ``gb18030`` (a CSV that was not UTF-8; a
        :class:`DataEncodingWarning` said so when it was loaded) or ``xlsx``.
    indicators : pandas.DataFrame
        The indicator list (``indicators.csv``: the embedded list plus the folder's own rows): ``indicator``,
        ``indicator_zh``, ``description_en``, ``unit``, ``component_of``, ``pairs_with``; read it with
        :func:`analysis.vocab.components` and :func:`analysis.vocab.count_value_pairs`.
    """

    documents: pd.DataFrame
    observations: pd.DataFrame
    funds: pd.DataFrame
    equity_stakes: pd.DataFrame
    projects: pd.DataFrame
    milestones: pd.DataFrame
    regions: pd.DataFrame
    source: Path
    files: dict[str, Path] = field(default_factory=dict)
    fingerprint: str = ""
    encodings: dict[str, str] = field(default_factory=dict)
    indicators: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        if self.indicators is None:
            self.indicators = load_indicators()

    def table(self, name: str) -> pd.DataFrame:
        """The table ``name`` (one of :data:`analysis.config.TABLES`, or ``indicators``)."""
        if name not in config.TABLES + LIST_TABLES:
            raise ValueError(f"unknown table {name!r}; expected one of {', '.join(config.TABLES + LIST_TABLES)}")
        return getattr(self, name)

    @property
    def label(self) -> str:
        """How reports name the data: ``embedded dataset (data/default)``, or the folder's path."""
        if Path(self.source).resolve() == config.DEFAULT_DATA_DIR.resolve():
            return "embedded dataset (data/default)"
        return str(self.source)

    def __repr__(self) -> str:
        source = Path(self.source)
        try:
            shown = source.resolve().relative_to(config.PROJECT_ROOT)
        except ValueError:
            shown = source
        where = f"the embedded dataset ({shown})" if source.resolve() == config.DEFAULT_DATA_DIR.resolve() else shown
        rows = ", ".join(f"{t} {len(self.table(t))}" for t in config.TABLES)
        return (f"Dataset from {where}, fingerprint {self.fingerprint or '(none)'}\n"
                f"  rows: {rows}; {len(self.indicators)} indicators listed\n"
                f"  .summary() for an overview; each table is a DataFrame attribute: .observations, .funds, ... "
                f".indicators")

    @property
    def targets(self) -> pd.DataFrame:
        """Observations that are targets or plans (status ``target`` or ``plan``)."""
        obs = self.observations
        return obs[obs["status"].isin(["target", "plan"])]

    @property
    def actuals(self) -> pd.DataFrame:
        """Observations that are reported outcomes (status ``actual``) of sound quality."""
        obs = self.observations
        return obs[(obs["status"] == "actual") & (obs["quality"] != "damaged")]

    def summary(self) -> pd.DataFrame:
        """A short overview: rows per table (and of the indicator list), the file each came from, how that file
        was read (``read as``: CSV in UTF-8, CSV in GB18030 because it was not UTF-8, or XLSX) and the table's
        title; the indicator list without a file of the folder's own is the embedded one."""
        how = {"utf-8": "CSV, UTF-8", "gb18030": "CSV, GB18030 (not UTF-8)", "xlsx": "XLSX"}
        rows = []
        for name in config.TABLES + LIST_TABLES:
            rows.append({"table": name, "rows": len(self.table(name)),
                         "file": self.files[name].name if name in self.files
                         else ("(embedded list)" if name in LIST_TABLES else "(absent)"),
                         "read as": how.get(self.encodings.get(name, ""), ""), "title": table_meta(name).title})
        return pd.DataFrame(rows).set_index("table")


# --- reading ----------------------------------------------------------------------------------------------

_BOOL = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}

#: How many rows below row 1 are searched for a header that a title row pushed down.
_HEADER_SEARCH_ROWS = 10

_SAVE_AS_UTF8 = ("a CSV file in UTF-8: in Excel, File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'; in WPS or "
                 "LibreOffice, choose the character set UTF-8")


class DataEncodingWarning(UserWarning):
    """A CSV file was not UTF-8 and was read as GB18030 (the superset of GBK that Excel's plain "CSV" writes on
    Chinese Windows). The file loaded; saving it as "CSV UTF-8" avoids the guess."""


class _FileProblem(Exception):
    """A problem that stops one file from being read; carries its problem rows."""

    def __init__(self, *problems: dict):
        super().__init__(problems[0]["expected"])
        self.problems = list(problems)


def _decode_csv(path: Path, data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its encoding: UTF-8 (with or without a byte-order mark), else GB18030.

    A file that is valid UTF-8 is read as UTF-8; GBK/GB18030 text is almost never valid UTF-8, so the order
    decides nothing for real files. :func:`load_dataset` warns (:class:`DataEncodingWarning`) about a GB18030 file.
    """
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030").removeprefix("\ufeff")
        except UnicodeDecodeError:
            row = data[: utf8_error.start].count(b"\n") + 1
            raise _FileProblem(_problem(
                path.name, row, "", _SAVE_AS_UTF8,
                f"bytes that are neither UTF-8 nor GB18030 (GBK), first at byte {utf8_error.start}: "
                f"{data[utf8_error.start:utf8_error.start + 4]!r}")) from None
    return text, "gb18030"


def _xlsx_cell_text(cell) -> str:
    """A worksheet cell as text, as the spreadsheet shows it: a number formatted as a percent (stored 0.137,
    shown 13.7%) becomes ``13.7%``; a whole float ``5.0`` becomes ``5``; dates and times are written ISO."""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)) and "%" in str(cell.number_format or ""):
        return f"{v * 100:.12g}%"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _header_expected(table: str) -> str:
    cols = table_meta(table).column_names
    return f"the header row ({', '.join(cols[:3])}, ...: the columns of data/templates/{table}.csv)"


def _read_grid(path: Path, table: str) -> tuple[list[list[str]], str]:
    """All rows of a CSV file or of an XLSX file's first sheet, as text (row 1 first), and how the file was read."""
    if path.stat().st_size == 0:
        raise _FileProblem(_problem(path.name, pd.NA, "", _header_expected(table), "the file is empty (0 bytes)"))
    if path.suffix.lower() == ".csv":
        text, encoding = _decode_csv(path, path.read_bytes())
        try:
            return list(csv.reader(io.StringIO(text, newline=""))), encoding
        except csv.Error as e:
            raise _FileProblem(_problem(path.name, pd.NA, "", "a readable CSV file", f"csv.Error: {e}")) from None
    import openpyxl  # the reader pandas uses for XLSX; here directly, to see each cell's number format

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as e:  # not a workbook: a renamed CSV, an old .xls, a damaged file
        raise _FileProblem(_problem(path.name, pd.NA, "", "an Excel workbook (.xlsx)", f"{type(e).__name__}: {e}")) from None
    return [[_xlsx_cell_text(c) for c in row] for row in book.worksheets[0].iter_rows()], "xlsx"


def _header_row(rows: list[list[str]], columns: list[str]) -> int | None:
    """1-based number of the first row (of the first few) that holds at least half of ``columns``."""
    wanted = set(columns)
    for i, row in enumerate(rows[: _HEADER_SEARCH_ROWS + 1]):
        if len(wanted & {c.strip() for c in row}) * 2 >= len(wanted):
            return i + 1
    return None


def _column_letter(j: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(j + 1)


def _read_table(path: Path, table: str) -> tuple[pd.DataFrame, str]:
    """Read one table's file into text cells (empty cells NA), indexed by spreadsheet row (header = row 1).

    Returns the frame and how the file was read (``utf-8``, ``gb18030`` or ``xlsx``). Wholly empty rows are not
    records and are left out (their row numbers are skipped, so later rows keep their spreadsheet numbers);
    wholly empty columns without a name are left out too.

    Raises
    ------
    _FileProblem
        For an empty file, a file not in UTF-8 or GB18030, a header that is not on row 1 (a title row above it),
        a header that names none of the table's columns, and empty or repeated column names.
    """
    rows, how = _read_grid(path, table)
    rows = [[c.strip() for c in r] for r in rows]
    if not any(any(r) for r in rows):
        raise _FileProblem(_problem(path.name, pd.NA, "", _header_expected(table), "the file is empty"))
    columns = table_meta(table).column_names
    header = rows[0]
    if not set(columns) & set(header):
        template = _header_expected(table) + " on row 1"
        found_at = _header_row(rows, columns)
        if found_at is not None:
            above = [c for r in rows[: found_at - 1] for c in r if c]
            title = f"below a title ({above[0][:40]})" if above else "below empty rows"
            raise _FileProblem(_problem(path.name, 1, "", template,
                                        f"the header on row {found_at}, {title}; delete the row(s) above the header"))
        shown = ", ".join([c[:20] for c in header if c][:5])
        raise _FileProblem(_problem(path.name, 1, "", template, f"none of the table's columns ({shown})"))
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    names = rows[0]
    body = {i + 1: r for i, r in enumerate(rows[1:], start=1) if any(r)}
    keep, problems = [], []
    for j, name in enumerate(names):
        if name:
            keep.append(j)
        elif any(r[j] for r in body.values()):
            problems.append(_problem(path.name, 1, f"(column {_column_letter(j)})", "a column name above data",
                                     "an empty header cell"))
    for name in sorted({n for n in names if n and names.count(n) > 1}):
        where = ", ".join(_column_letter(j) for j, n in enumerate(names) if n == name)
        problems.append(_problem(path.name, 1, name, "each column name once", f"columns {where} with this name"))
    if problems:
        raise _FileProblem(*problems)
    df = pd.DataFrame([[r[j] for j in keep] for r in body.values()], columns=[names[j] for j in keep],
                      index=pd.Index(list(body), dtype="int64"), dtype=object)
    return df.replace({"": pd.NA}), how


def _find_file(folder: Path, table: str) -> Path | None:
    found = [p for ext in (".csv", ".xlsx") if (p := folder / f"{table}{ext}").exists()]
    if len(found) > 1:
        raise DataValidationError(
            pd.DataFrame([{"file": f"{table}.csv / {table}.xlsx", "row": pd.NA, "column": "",
                           "expected": "one file per table, not both a CSV and an XLSX", "found": pd.NA}]),
            folder,
        )
    return found[0] if found else None


def _problem(file: str, row, column, expected: str, found=pd.NA) -> dict:
    return {"file": file, "row": row, "column": column, "expected": expected, "found": found}


def _percent_allowed(df: pd.DataFrame, c) -> pd.Series:
    """Where a trailing % is allowed in number column ``c``: everywhere when its sidecar unit is ``percent``
    (yoy_pct, stake_pct), in the rows whose unit column says ``percent`` when the unit is per row (``value``)."""
    if c.unit == "percent":
        return pd.Series(True, index=df.index)
    m = re.fullmatch(r"column `(\w+)`", str(c.unit or ""))
    if m and m.group(1) in df:
        return df[m.group(1)].eq("percent").fillna(False).astype(bool)
    return pd.Series(False, index=df.index)


def _coerce(df: pd.DataFrame, table: str, fname: str) -> tuple[pd.DataFrame, list[dict]]:
    """Convert number and boolean columns cell by cell; report every cell that does not convert.

    A number in percent may carry its % sign (``13.7%`` or ``-2.5%`` in ``yoy_pct`` is 13.7 or -2.5, as a
    spreadsheet writes a percent-formatted cell); elsewhere a % sign is refused with a message saying so. Cells
    that fail are set empty so that the remaining checks (allowed values, bounds, keys) still run on the rest of
    the file and every problem is reported in one pass.
    """
    problems = []
    for c in table_meta(table).columns:
        if c.name not in df:
            continue
        s = df[c.name]
        if c.type in ("float", "int"):
            text = s.astype("string")
            has_pct = text.str.endswith("%").fillna(False) | text.str.endswith("％").fillna(False)
            pct_ok = has_pct & _percent_allowed(df, c)
            num = pd.to_numeric(text.where(~pct_ok, text.str[:-1]), errors="coerce")
            bad = s.notna() & num.isna()
            if c.type == "int":
                frac = num.notna() & (num % 1 != 0)
                bad |= frac
                num = num.where(~frac)
            for idx in s.index[bad]:
                expected = "a number without the % sign" if has_pct[idx] and not pct_ok[idx] else TYPE_EXPECTED[c.type]
                problems.append(_problem(fname, idx, c.name, expected, s[idx]))
            df[c.name] = num.astype("Int64") if c.type == "int" else num.astype(float)
        elif c.type == "bool":
            mapped = s.map(lambda v: _BOOL.get(str(v).lower()) if pd.notna(v) else pd.NA)
            for idx in s.index[s.notna() & mapped.isna()]:
                problems.append(_problem(fname, idx, c.name, TYPE_EXPECTED["bool"], s[idx]))
            df[c.name] = mapped.astype("boolean")
    return df, problems


def _one_per_cell(problems: list[dict]) -> list[dict]:
    """Keep the first problem of each cell (file, row, column): a cell that fails its type is not reported
    again as empty by the later checks, nor a unit outside the vocabulary again as disagreeing with ``raw``."""
    seen, out = set(), []
    for p in problems:
        if pd.notna(p["row"]):
            key = (p["file"], int(p["row"]), p["column"])
            if key in seen:
                continue
            seen.add(key)
        out.append(p)
    return out


def _translate_pandera(err: pa.errors.SchemaErrors, fname: str, table: str) -> list[dict]:
    """Turn pandera's failure cases into file/row/column/expected/found problems."""
    meta = table_meta(table)
    out: dict[tuple, dict] = {}
    for r in err.failure_cases.itertuples(index=False):
        check = str(r.check)
        col = r.column if isinstance(r.column, str) else ""
        row = r.index if isinstance(r.index, (int,)) or (hasattr(r.index, "__index__") and r.index is not None) else pd.NA
        found = r.failure_case
        if check == "column_in_dataframe":
            p = _problem(fname, pd.NA, found, "this column (it is missing)")
        elif check == "column_in_schema":
            p = _problem(fname, pd.NA, found, f"only the columns {', '.join(meta.column_names)}", "an unknown column")
        elif check == "multiple_fields_uniqueness" or check.startswith("field_uniqueness"):
            key = ", ".join(meta.primary_key)
            p = _problem(fname, row, key, f"a unique key ({key})", f"duplicate {found!r}")
        elif check == "not_nullable":
            p = _problem(fname, row, col, "a value (this column may not be empty)")
        elif check.startswith(("coerce_dtype", "dtype(")):
            ctype = meta.column(col).type if col in meta.column_names else "str"
            p = _problem(fname, row, col, TYPE_EXPECTED[ctype], found)
        else:
            p = _problem(fname, row, col, check, found)
        out.setdefault((str(p["row"]), p["column"], p["expected"], str(p["found"])), p)
    return list(out.values())


# --- figures written as text must agree with their values ------------------------------------------------

#: For each table: (raw column, value column, unit column or fixed unit, qualifier column, unit of a bare number).
RAW_FIGURES: dict[str, list[tuple[str, str, str, str | None, str | None]]] = {
    "observations": [("raw", "value", "unit", "qualifier", None), ("yoy_raw", "yoy_pct", "=percent", "yoy_qualifier", None)],
    "funds": [("total_size_raw", "total_size", "currency", "total_size_qualifier", None),
              ("committed_raw", "committed", "currency", "committed_qualifier", None),
              ("paid_in_raw", "paid_in", "currency", "paid_in_qualifier", None)],
    "equity_stakes": [("amount_raw", "amount", "=yuan", "amount_qualifier", None),
                      ("stake_raw", "stake_pct", "=percent", None, None)],
    "projects": [("total_investment_raw", "total_investment", "=yuan", "total_investment_qualifier", "亿元"),
                 ("land_raw", "land", "land_unit", None, "亩")],
}


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | s.astype("string").str.strip().eq("").fillna(True)


def _empty_value_cells(df: pd.DataFrame, table: str) -> dict[str, pd.Series]:
    """For each value column with a ``*_raw`` column: which cells the file leaves empty (before conversion)."""
    return {val: _blank(df[val]) for _, val, *_ in RAW_FIGURES.get(table, []) if val in df}


def fill_from_raw(df: pd.DataFrame, table: str, empty_values: dict[str, pd.Series] | None = None) -> pd.DataFrame:
    """Read value, unit and qualifier from the figure as written (``*_raw``) where the file leaves them empty.

    A user may type only what the source says (``raw`` = ``1.2亿美元以上``, ``yoy_raw`` = ``下降2.5%``): the value
    (1.2e8, in the unit's base: yuan, USD, m², mu, count, percent), the unit (``usd``) and the qualifier
    (``at_least``) are then taken from :func:`analysis.parse_quantity`. Cells the file fills are never changed
    (they are checked against ``raw`` instead, by :func:`raw_figure_problems`); a ``raw`` the parser cannot read,
    and damaged figures (``quality == 'damaged'``), are left as they are.
    """
    out = df.copy()
    for raw_col, val_col, unit_spec, q_col, default_unit in RAW_FIGURES.get(table, []):
        if raw_col not in out or val_col not in out:
            continue
        empty = empty_values.get(val_col) if empty_values else None
        if empty is None:
            empty = out[val_col].isna()
        todo = empty & ~_blank(out[raw_col])
        if "quality" in out:
            todo &= out["quality"].astype("string").ne("damaged").fillna(True)
        for idx in out.index[todo]:
            try:
                q = parse_quantity(str(out.at[idx, raw_col]), default_unit=default_unit)
            except QuantityParseError:
                continue  # reported by raw_figure_problems
            unit_col = None if unit_spec.startswith("=") else unit_spec
            if unit_col and unit_col in out and pd.notna(out.at[idx, unit_col]) and out.at[idx, unit_col] != q.unit:
                continue  # the unit disagrees with raw: raw_figure_problems names it
            out.at[idx, val_col] = q.value
            if unit_col and unit_col in out and pd.isna(out.at[idx, unit_col]):
                out.at[idx, unit_col] = q.unit
            if q_col and q_col in out and pd.isna(out.at[idx, q_col]):
                out.at[idx, q_col] = q.qualifier
    return out


def raw_figure_problems(df: pd.DataFrame, table: str, fname: str) -> list[dict]:
    """Rows whose ``*_raw`` text, read with :func:`analysis.parse_quantity`, disagrees with the stored value,
    unit or qualifier (relative tolerance 1e-9). Damaged figures (``quality == 'damaged'``) are skipped."""
    problems = []
    for raw_col, val_col, unit_spec, q_col, default_unit in RAW_FIGURES.get(table, []):
        if raw_col not in df or val_col not in df:
            continue
        for idx, r in df.iterrows():
            raw = r[raw_col]
            if pd.isna(raw) or (r.get("quality") == "damaged"):
                continue
            try:
                q = parse_quantity(str(raw), default_unit=default_unit)
            except QuantityParseError as e:
                problems.append(_problem(fname, idx, raw_col, "a figure the units parser can read", f"{raw} ({e})"))
                continue
            unit = unit_spec[1:] if unit_spec.startswith("=") else r.get(unit_spec)
            value = r[val_col]
            if pd.isna(value):
                problems.append(_problem(fname, idx, val_col, f"the value of {raw_col} {raw!r} ({q.value:g})", "an empty cell"))
                continue
            if not math.isclose(float(value), q.value, rel_tol=1e-9, abs_tol=1e-12):
                problems.append(_problem(fname, idx, val_col, f"{q.value:g} as {raw_col} {raw!r} says", value))
            if pd.notna(unit) and unit != q.unit:
                problems.append(_problem(fname, idx, unit_spec.lstrip("="), f"{q.unit} as {raw_col} {raw!r} says", unit))
            if q_col and q_col in df and pd.notna(r[q_col]) and r[q_col] != q.qualifier:
                problems.append(_problem(fname, idx, q_col, f"{q.qualifier} as {raw_col} {raw!r} says", r[q_col]))
    return problems


def _nearest_indicator(name, zh, indicators: pd.DataFrame) -> str:
    """The listed indicator closest to an unlisted one, by its Chinese term, else its name (difflib), as
    ``name (中文)``; empty when nothing is close."""
    import difflib

    names = [str(n) for n in indicators["indicator"]]
    zh_of = dict(zip(indicators["indicator"], indicators["indicator_zh"].astype(object)))
    hit: list[str] = []
    if isinstance(zh, str) and zh.strip():  # the document's own term says most about what the figure is
        by_zh = {str(z): n for n, z in zh_of.items() if isinstance(z, str)}
        close = difflib.get_close_matches(zh.strip(), list(by_zh), n=1, cutoff=0.6)
        hit = [by_zh[close[0]]] if close else []
    if not hit:
        hit = difflib.get_close_matches(str(name), names, n=1, cutoff=0.75)
    return f"{hit[0]} ({zh_of.get(hit[0])})" if hit else ""


def _cross_table_problems(tables: dict[str, pd.DataFrame], files: dict[str, Path],
                          indicators: pd.DataFrame) -> list[dict]:
    problems = []
    known = set(indicators["indicator"])
    obs = tables["observations"]
    zh_col = obs["indicator_zh"] if "indicator_zh" in obs else pd.Series(None, index=obs.index, dtype=object)
    for idx, ind in obs["indicator"].items():
        if ind not in known:
            near = _nearest_indicator(ind, zh_col.get(idx), indicators)
            problems.append(_problem(files["observations"].name, idx, "indicator",
                                     "an indicator listed in indicators.csv (the embedded list, or a row of the "
                                     "folder's own indicators.csv: indicator, indicator_zh, description_en, unit)"
                                     + (f"; nearest listed: {near}" if near else ""), ind))
    if not tables["milestones"].empty:
        known = set(tables["projects"]["project_id"])
        for idx, pid in tables["milestones"]["project_id"].items():
            if pid not in known:
                problems.append(_problem(files["milestones"].name, idx, "project_id",
                                         "a project_id of the projects table", pid))
    funds = tables["funds"]
    if not funds.empty:
        known = set(funds["fund_id"])
        for idx, parent in funds["part_of"].items():
            if pd.notna(parent) and parent not in known:
                problems.append(_problem(files["funds"].name, idx, "part_of", "a fund_id of the funds table", parent))
    docs = tables["documents"]
    if not docs.empty:
        known = set(docs["doc"])
        for name, df in tables.items():
            if name != "documents" and not df.empty:
                for idx, d in df["doc"].items():
                    if d not in known:
                        problems.append(_problem(files[name].name, idx, "doc", "a doc listed in the documents table", d))
    return problems


def _empty_table(table: str) -> pd.DataFrame:
    schema = pandera_schema(table)
    return schema.coerce_dtype(pd.DataFrame({c: pd.Series(dtype=object) for c in table_meta(table).column_names}))


def _validated_file(path: Path, table: str, encodings: dict[str, str], problems: list[dict]) -> pd.DataFrame | None:
    """Read, convert and validate one table's file, adding its problems to ``problems``; None if unreadable."""
    try:
        df, encodings[table] = _read_table(path, table)
    except _FileProblem as e:  # a file that cannot be read as a table: its problem only, then the other files
        problems.extend(e.problems)
        return None
    except Exception as e:  # anything else unreadable: report and go on with the others, never a traceback
        problems.append(_problem(path.name, pd.NA, "", "a readable CSV (UTF-8) or XLSX file", f"{type(e).__name__}: {e}"))
        return None
    for c in table_meta(table).columns:  # an optional column left out of the file loads empty
        if c.optional and c.name not in df.columns:
            df[c.name] = ""
    empty_values = _empty_value_cells(df, table)
    df, cell_problems = _coerce(df, table, path.name)
    df = fill_from_raw(df, table, empty_values)
    file_problems = list(cell_problems)
    try:
        df = pandera_schema(table).validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        file_problems.extend(_translate_pandera(err, path.name, table))
    file_problems.extend(raw_figure_problems(df, table, path.name))
    problems.extend(_one_per_cell(file_problems))
    return df


_EMBEDDED_INDICATORS = "indicators.csv (the embedded list)"


@lru_cache(maxsize=None)
def _embedded_indicators() -> pd.DataFrame:
    path = config.DEFAULT_DATA_DIR / "indicators.csv"
    problems: list[dict] = []
    df = _validated_file(path, "indicators", {}, problems)
    if problems:
        raise DataValidationError(pd.DataFrame(problems), config.DEFAULT_DATA_DIR)
    return df.assign(from_file=_EMBEDDED_INDICATORS)


def _indicator_list(own: pd.DataFrame | None, own_path: Path | None) -> pd.DataFrame:
    """The embedded indicator list with a folder's own rows added (a row of the folder replaces the embedded row
    of the same indicator); a ``from_file`` column says where each row came from, the index is its spreadsheet row."""
    embedded = _embedded_indicators()
    if own is None or own_path is None or own_path.resolve() == (config.DEFAULT_DATA_DIR / "indicators.csv").resolve():
        return embedded.copy()
    # a file written without the optional relation columns loads them as empty text: no relation
    own = own.assign(from_file=own_path.name, **{c: own[c].replace("", pd.NA) for c in ("component_of", "pairs_with")})
    return pd.concat([embedded[~embedded["indicator"].isin(own["indicator"])], own])


def load_indicators(folder: str | Path | None = None) -> pd.DataFrame:
    """The indicator list a dataset folder's observations may use: the embedded ``data/default/indicators.csv``
    plus the folder's own ``indicators.csv`` rows (if any), validated.

    Parameters
    ----------
    folder : str or path, optional
        A dataset folder; default the embedded dataset's.

    Returns
    -------
    DataFrame
        ``indicator``, ``indicator_zh``, ``description_en``, ``unit``, ``component_of``, ``pairs_with``
        (columns of ``data/default/indicators.meta.yaml``), one row per indicator.

    Raises
    ------
    DataValidationError
        For a problem in the folder's ``indicators.csv`` (file, row, column, expected, found).
    """
    folder = Path(folder) if folder is not None else config.DEFAULT_DATA_DIR
    path = _find_file(folder, "indicators")
    problems: list[dict] = []
    own = _validated_file(path, "indicators", {}, problems) if path is not None else None
    if not problems:
        table = _indicator_list(own, path)
        problems = _indicator_problems(table)
    if problems:
        raise DataValidationError(pd.DataFrame(problems, columns=["file", "row", "column", "expected", "found"]), folder)
    return table.drop(columns="from_file").reset_index(drop=True)


def _indicator_problems(indicators: pd.DataFrame) -> list[dict]:
    """Relations of the indicator list that do not hold: ``component_of`` and ``pairs_with`` must name a listed
    indicator; a component has its total's unit; ``pairs_with`` goes from a count to a value that is not a count."""
    units = dict(zip(indicators["indicator"], indicators["unit"]))
    counts = UNIT.where(is_count=True)
    problems = []
    for idx, r in zip(indicators.index, indicators.itertuples(index=False)):
        for col in ("component_of", "pairs_with"):
            other = getattr(r, col)
            if pd.notna(other) and other not in units:
                problems.append(_problem(r.from_file, idx, col, "an indicator listed in indicators.csv", other))
            elif pd.notna(other) and other == r.indicator:
                problems.append(_problem(r.from_file, idx, col, "another indicator than the row's own", other))
        if pd.notna(r.component_of) and r.component_of in units and units[r.component_of] != r.unit:
            problems.append(_problem(r.from_file, idx, "unit", f"{units[r.component_of]}, the unit of its total "
                                     f"{r.component_of} (component_of)", r.unit))
        if pd.notna(r.pairs_with) and r.pairs_with in units:
            if r.unit not in counts:
                problems.append(_problem(r.from_file, idx, "pairs_with", "empty: only a count (unit count, person or "
                                         "person_time) pairs with a value", r.pairs_with))
            elif units[r.pairs_with] in counts:
                problems.append(_problem(r.from_file, idx, "pairs_with", "the indicator of a value (not a count) of the "
                                         "same items", f"{r.pairs_with} (unit {units[r.pairs_with]})"))
    return problems


def load_dataset(folder: str | Path | None = None) -> Dataset:
    """Load and validate a dataset folder (default: the embedded dataset built from the five documents).

    Parameters
    ----------
    folder : str or path, optional
        A folder holding ``<table>.csv`` or ``<table>.xlsx`` files in the schema of ``data/templates/``.

    Returns
    -------
    Dataset

    Raises
    ------
    FileNotFoundError
        When the folder does not exist or holds none of the tables.
    DataValidationError
        Listing every problem in every file (file, row, column, expected, found). Nothing is returned then.

    Warns
    -----
    DataEncodingWarning
        For each CSV file that was not UTF-8 and was read as GB18030.
    """
    folder = Path(folder) if folder is not None else config.DEFAULT_DATA_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"dataset folder {folder} does not exist")
    files = {t: p for t in config.TABLES + LIST_TABLES if (p := _find_file(folder, t)) is not None}
    if not set(files) - set(LIST_TABLES):
        names = ", ".join(f"{t}.csv" for t in config.TABLES)
        raise FileNotFoundError(f"{folder} holds none of the dataset's tables (expected some of {names})")

    tables: dict[str, pd.DataFrame] = {}
    encodings: dict[str, str] = {}
    problems: list[dict] = []
    for table in config.TABLES + LIST_TABLES:
        if table not in files:
            if table in config.TABLES:
                tables[table] = _empty_table(table)
            continue
        path = files[table]
        df = _validated_file(path, table, encodings, problems)
        if df is None:
            continue
        if encodings[table] == "gb18030":
            warnings.warn(DataEncodingWarning(
                f"{path}: not UTF-8; read as GB18030 (GBK), the encoding of Excel's plain 'CSV' on Chinese Windows. "
                "Check its Chinese text, and save it as 'CSV UTF-8 (Comma delimited)' to load it without this guess."),
                stacklevel=2)
        tables[table] = df
    indicators = None
    if not problems:
        indicators = _indicator_list(tables.pop("indicators", None), files.get("indicators"))
        problems.extend(_indicator_problems(indicators))
    if not problems:
        problems.extend(_cross_table_problems(tables, files, indicators))
    if problems:
        frame = pd.DataFrame(problems, columns=["file", "row", "column", "expected", "found"])
        frame["_file_order"] = frame["file"].map({p.name: i for i, p in enumerate(files.values())}).fillna(-1)
        frame = frame.sort_values(["_file_order", "row"], kind="stable", na_position="first").drop(columns="_file_order")
        raise DataValidationError(frame, folder)

    digest = hashlib.sha256()
    for t in sorted(files):
        digest.update(t.encode())
        digest.update(files[t].read_bytes())
    for t, df in tables.items():
        tables[t] = df.reset_index(drop=True)
    return Dataset(**tables, source=folder, files=files, fingerprint=digest.hexdigest()[:16], encodings=encodings,
                   indicators=indicators.drop(columns="from_file").reset_index(drop=True))


def write_templates(folder: str | Path = config.TEMPLATES_DIR) -> list[Path]:
    """Write an empty CSV (header only) per table, and one for the folder's own indicators, into ``folder``.

    Parameters
    ----------
    folder : str or path
        Where to write (default ``data/templates``).

    Returns
    -------
    list of pathlib.Path
        The files written, one per table and ``indicators.csv``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for t in config.TABLES + LIST_TABLES:
        p = folder / f"{t}.csv"
        p.write_text(",".join(table_meta(t).column_names) + "\n", encoding="utf-8")
        written.append(p)
    return written
