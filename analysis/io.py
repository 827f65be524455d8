"""Loading and validating a dataset: the embedded default, or a user's folder of CSV or XLSX files.

A dataset is a folder holding some of the tables ``documents``, ``observations``, ``funds``, ``equity_stakes``,
``projects``, ``milestones`` and ``regions``, each as ``<table>.csv`` or ``<table>.xlsx`` with the columns of its sidecar
(``data/default/<table>.meta.yaml``; empty templates in ``data/templates/``). Tables that are absent are empty.

Every file is read, validated and cross-checked before anything is returned, and every problem in every file
is reported at once, each naming the file, the row (as a spreadsheet shows it: the header is row 1) and the
column, with what was expected and what was found. Nothing is half-loaded: on any problem :func:`load_dataset`
raises :class:`DataValidationError` and returns nothing.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import config
from .schema import TYPE_EXPECTED, pandera_schema, table_meta
from .units import QuantityParseError, parse_quantity

__all__ = ["Dataset", "DataValidationError", "load_dataset", "write_templates", "RAW_FIGURES", "raw_figure_problems"]


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


@dataclass
class Dataset:
    """A validated dataset: one DataFrame per table, with where it came from.

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

    def table(self, name: str) -> pd.DataFrame:
        if name not in config.TABLES:
            raise ValueError(f"unknown table {name!r}; expected one of {', '.join(config.TABLES)}")
        return getattr(self, name)

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
        """Rows per table, with the table's title and the file it came from."""
        rows = []
        for name in config.TABLES:
            rows.append({"table": name, "title": table_meta(name).title, "rows": len(self.table(name)),
                         "file": self.files[name].name if name in self.files else "(absent)"})
        return pd.DataFrame(rows).set_index("table")


# --- reading ----------------------------------------------------------------------------------------------

_BOOL = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


def _read_table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() == ".csv":
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    else:
        df = pd.read_excel(path, dtype=str, keep_default_na=False)
    df = df.apply(lambda s: s.str.strip() if s.dtype == object or pd.api.types.is_string_dtype(s) else s)
    df = df.replace({"": pd.NA})
    df.index = pd.RangeIndex(2, len(df) + 2)  # spreadsheet rows: the header is row 1
    return df


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


def _coerce(df: pd.DataFrame, table: str, fname: str) -> tuple[pd.DataFrame, list[dict]]:
    """Convert number and boolean columns cell by cell; report every cell that does not convert.

    Cells that fail are set empty so that the remaining checks (allowed values, bounds, keys) still run on the
    rest of the file and every problem is reported in one pass.
    """
    problems = []
    for c in table_meta(table).columns:
        if c.name not in df:
            continue
        s = df[c.name]
        if c.type in ("float", "int"):
            num = pd.to_numeric(s, errors="coerce")
            bad = s.notna() & num.isna()
            if c.type == "int":
                frac = num.notna() & (num % 1 != 0)
                bad |= frac
                num = num.where(~frac)
            for idx in s.index[bad]:
                problems.append(_problem(fname, idx, c.name, TYPE_EXPECTED[c.type], s[idx]))
            df[c.name] = num.astype("Int64") if c.type == "int" else num.astype(float)
        elif c.type == "bool":
            mapped = s.map(lambda v: _BOOL.get(str(v).lower()) if pd.notna(v) else pd.NA)
            for idx in s.index[s.notna() & mapped.isna()]:
                problems.append(_problem(fname, idx, c.name, TYPE_EXPECTED["bool"], s[idx]))
            df[c.name] = mapped.astype("boolean")
    return df, problems


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


def _cross_table_problems(tables: dict[str, pd.DataFrame], files: dict[str, Path]) -> list[dict]:
    problems = []
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
    """
    folder = Path(folder) if folder is not None else config.DEFAULT_DATA_DIR
    if not folder.is_dir():
        raise FileNotFoundError(f"dataset folder {folder} does not exist")
    files = {t: p for t in config.TABLES if (p := _find_file(folder, t)) is not None}
    if not files:
        names = ", ".join(f"{t}.csv" for t in config.TABLES)
        raise FileNotFoundError(f"{folder} holds none of the dataset's tables (expected some of {names})")

    tables: dict[str, pd.DataFrame] = {}
    problems: list[dict] = []
    for table in config.TABLES:
        if table not in files:
            tables[table] = _empty_table(table)
            continue
        path = files[table]
        try:
            df = _read_table(path)
        except Exception as e:  # unreadable file: report and go on with the others
            problems.append(_problem(path.name, pd.NA, "", "a readable UTF-8 CSV or XLSX file", f"{type(e).__name__}: {e}"))
            continue
        df, cell_problems = _coerce(df, table, path.name)
        problems.extend(cell_problems)
        try:
            df = pandera_schema(table).validate(df, lazy=True)
        except pa.errors.SchemaErrors as err:
            bad_cells = {(p["row"], p["column"]) for p in cell_problems}
            problems.extend(p for p in _translate_pandera(err, path.name, table)
                            if not (p["expected"].startswith("a value (") and (p["row"], p["column"]) in bad_cells))
        problems.extend(raw_figure_problems(df, table, path.name))
        tables[table] = df
    if not problems:
        problems.extend(_cross_table_problems(tables, files))
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
    return Dataset(**tables, source=folder, files=files, fingerprint=digest.hexdigest()[:16])


def write_templates(folder: str | Path = config.TEMPLATES_DIR) -> list[Path]:
    """Write an empty CSV (header only) per table into ``folder``.

    Parameters
    ----------
    folder : str or path
        Where to write (default ``data/templates``).

    Returns
    -------
    list of pathlib.Path
        The files written, one per table.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for t in config.TABLES:
        p = folder / f"{t}.csv"
        p.write_text(",".join(table_meta(t).column_names) + "\n", encoding="utf-8")
        written.append(p)
    return written
