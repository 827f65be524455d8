"""Checking the studies' parameters (the values a notebook's ``parameters`` cell receives from papermill).

Each study validates its parameters in one call, right after the ``parameters`` cell, so that a wrong value stops
the run at once with a message naming the parameter, instead of failing later in the middle of a figure. Right
after loading the dataset it turns the region names asked for into the dataset's own (:meth:`StudyParams.with_regions`):
any letter case, the Chinese name, with or without 市/县/区; a name no table of the dataset knows stops the run.

Relative paths (``data_dir``, ``actual_dates``) are read from the project folder (:data:`analysis.config.PROJECT_ROOT`),
the same in JupyterLab, in papermill and in the runner (:func:`analysis.config.project_path`).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from . import config
from .io import Dataset
from .periods import PeriodParseError, parse_period
from .schema import table_meta

__all__ = ["StudyParams", "check_study_params", "region_list", "region_names", "canonical_regions", "select_regions",
           "load_actual_dates"]


@dataclass(frozen=True)
class StudyParams:
    """Validated study parameters.

    Attributes
    ----------
    data_dir : pathlib.Path or None
        Dataset folder; None for the embedded dataset.
    regions : list of str or None
        Regions asked for; None for all that have data.
    period : str or None
        Period (grammar of :mod:`analysis.periods`), e.g. ``2022``; None for every period.
    as_of : pandas.Timestamp or None
        Date at which progress is assessed.
    actual_dates : pathlib.Path or None
        CSV of actual milestone dates (columns ``milestone_id``, ``actual_date``).
    """

    data_dir: Path | None
    regions: list[str] | None
    period: str | None
    as_of: pd.Timestamp | None
    actual_dates: Path | None

    def with_regions(self, ds: Dataset) -> StudyParams:
        """These parameters with ``regions`` as the dataset names them (:func:`canonical_regions`).

        Parameters
        ----------
        ds : analysis.io.Dataset
            The loaded dataset.

        Raises
        ------
        ValueError
            When a name asked for is in no table of the dataset.
        """
        return replace(self, regions=canonical_regions(self.regions, ds))


def check_study_params(data_dir: str | os.PathLike | None = None, regions: str | Sequence[str] | None = None,
                       period: str | int | None = None, as_of: str | _dt.date | pd.Timestamp | None = None,
                       actual_dates: str | os.PathLike | None = None) -> StudyParams:
    """Validate the parameters every study shares; raise ValueError naming the parameter and what was expected.

    Parameters
    ----------
    data_dir : str or None
        An existing folder; a relative path is read from the project folder (``config.PROJECT_ROOT``).
    regions : str, list of str, or None
        One region name, a comma-separated string or a list of names (checked against the dataset later, by
        :meth:`StudyParams.with_regions`).
    period : str, int or None
        A period such as ``2022`` or ``2022Q1`` (an int year is accepted).
    as_of : str or None
        A date ``YYYY-MM-DD``.
    actual_dates : str or None
        An existing CSV file; a relative path is read from the project folder.

    Returns
    -------
    StudyParams
        With absolute paths.
    """
    folder = _existing_path(data_dir, "data_dir", "folder")
    regions_asked = region_list(regions, "parameter regions")

    period_label = None
    if period not in (None, ""):
        if isinstance(period, bool) or not isinstance(period, (str, int)):
            raise ValueError(f"parameter period: expected a period such as 2022 or 2022Q1, got {period!r}")
        try:
            period_label = parse_period(str(period)).label
        except PeriodParseError as e:
            raise ValueError(f"parameter period: {e}") from None

    as_of_ts = None
    if as_of not in (None, ""):
        if isinstance(as_of, (pd.Timestamp, _dt.date)):
            as_of_ts = pd.Timestamp(as_of)
        else:
            as_of_ts = pd.to_datetime(str(as_of), format="%Y-%m-%d", errors="coerce")
            if pd.isna(as_of_ts):
                raise ValueError(f"parameter as_of: expected a date YYYY-MM-DD, got {as_of!r}")

    dates_path = _existing_path(actual_dates, "actual_dates", "file")
    return StudyParams(folder, regions_asked, period_label, as_of_ts, dates_path)


def _existing_path(value: str | os.PathLike | None, name: str, what: str) -> Path | None:
    """The absolute path of an existing folder (``what='folder'``) or file (``'file'``) a parameter names; a
    relative path is read from the project folder; None when the parameter is empty."""
    if value in (None, ""):
        return None
    if not isinstance(value, (str, Path)):
        expected = "a folder path" if what == "folder" else "a CSV path"
        raise ValueError(f"parameter {name}: expected {expected} or None, got {type(value).__name__} {value!r}")
    path = config.project_path(value)
    if not (path.is_dir() if what == "folder" else path.is_file()):
        raise ValueError(config.missing_path_message(name, value, what))
    return path


def region_list(regions: str | Sequence[str] | None, who: str = "regions") -> list[str] | None:
    """Regions as a list of names: None (or empty) for all; one name; a comma-separated string; a list of names.

    Parameters
    ----------
    regions : None, str or sequence of str
    who : str
        How the argument is named in the error message.

    Returns
    -------
    list of str or None

    Raises
    ------
    ValueError
        For anything else, naming ``who``.
    """
    if regions is None or (isinstance(regions, (str, list, tuple)) and len(regions) == 0):
        return None
    if isinstance(regions, str):
        return [r.strip() for r in regions.split(",") if r.strip()] or None
    if isinstance(regions, (list, tuple, pd.Index, pd.Series)) and all(isinstance(r, str) for r in regions):
        return [r.strip() for r in regions] or None
    raise ValueError(f"{who}: expected None, a region name, a comma-separated string or a list of names, "
                     f"got {type(regions).__name__} {regions!r}")


_ADMIN_SUFFIX = re.compile(r"(?<=[\u4e00-\u9fff])[市县区]$")


def _name_key(name: str) -> str:
    """How two ways of writing a region's name are compared: Unicode NFKC (full-width letters as ASCII), white
    space collapsed, case folded, and a Chinese name's suffix 市, 县 or 区 dropped (台州市 = 台州)."""
    key = " ".join(unicodedata.normalize("NFKC", name).split()).casefold()
    return _ADMIN_SUFFIX.sub("", key) if len(key) > 2 else key


def region_names(ds: Dataset) -> pd.DataFrame:
    """Every region a study accepts for this dataset: its name, its Chinese name and the tables that name it.

    Parameters
    ----------
    ds : analysis.io.Dataset

    Returns
    -------
    pandas.DataFrame
        Columns ``region`` (as the tables write it), ``region_zh`` (from the ``regions`` table; empty when it does
        not give one) and ``tables`` (comma-separated names of the tables whose ``region`` column holds it), one
        row per region, sorted by ``region``.
    """
    seen: dict[str, list[str]] = {}
    tables = [t for t in config.TABLES if "region" in table_meta(t).column_names]
    for table in sorted(tables, key=lambda t: t != "regions"):  # the regions table first, then in load order
        for r in ds.table(table)["region"].dropna().unique():
            seen.setdefault(str(r), []).append(table)
    zh = ds.regions.dropna(subset=["region_zh"]).drop_duplicates("region").set_index("region")["region_zh"]
    names = sorted(seen)
    return pd.DataFrame({"region": names, "region_zh": [zh.get(r, pd.NA) for r in names],
                         "tables": [", ".join(seen[r]) for r in names]})


def canonical_regions(asked: list[str] | None, ds: Dataset, who: str = "parameter regions") -> list[str] | None:
    """The regions asked for, as the dataset names them, in the order asked and without repeats.

    A name matches a region's name or its Chinese name (``regions`` table), in any letter case and white space,
    with or without 市/县/区 (see :func:`region_names`). A name written exactly as the data writes it always wins.

    Parameters
    ----------
    asked : list of str or None
        Names as the user wrote them (:func:`region_list`); None for every region.
    ds : analysis.io.Dataset
        The loaded dataset.
    who : str
        How the argument is named in an error.

    Returns
    -------
    list of str or None
        None when ``asked`` is None.

    Raises
    ------
    ValueError
        For a name that is in no table of the dataset (naming it, the nearest match and every valid name), or
        that matches several regions.
    """
    if asked is None:
        return None
    known = region_names(ds)
    by_key: dict[str, set[str]] = {}
    for r in known.itertuples():
        for name in (r.region, r.region_zh):
            if isinstance(name, str):
                by_key.setdefault(_name_key(name), set()).add(r.region)
    out = []
    for name in asked:
        if name in set(known["region"]):
            found = name
        else:
            hits = sorted(by_key.get(_name_key(name), ()))
            if len(hits) > 1:
                raise ValueError(f"{who}: {name!r} matches several regions of the dataset at {ds.source} "
                                 f"({', '.join(hits)}); write one of them exactly")
            if not hits:
                raise ValueError(_unknown_region_message(name, known, by_key, who, ds.source))
            found = hits[0]
        if found not in out:
            out.append(found)
    return out


def _unknown_region_message(name: str, known: pd.DataFrame, by_key: dict[str, set[str]], who: str, source) -> str:
    def label(region):
        zh = known.set_index("region").at[region, "region_zh"]
        return f"{region} ({zh})" if isinstance(zh, str) else region

    if known.empty:
        return f"{who}: no region {name!r}: the dataset at {source} names no region at all"
    key = _name_key(name)

    def score(k):  # similarity (difflib), ties broken by the length of the common beginning
        return difflib.SequenceMatcher(None, key, k).ratio(), len(os.path.commonprefix([key, k]))

    best = max(sorted(by_key), key=score)
    close = score(best)[0] >= (0.5 if len(key) <= 3 else 0.6)  # a two-character Chinese name differs by one in two
    nearest = f"nearest match: {label(sorted(by_key[best])[0])}" if close else "no name is close to it"
    return (f"{who}: no region {name!r} in any table of the dataset at {source}; {nearest}. "
            f"Valid names (any letter case; Chinese names in brackets): {', '.join(label(r) for r in known['region'])}")


def select_regions(available: Iterable[str], asked: list[str] | None) -> tuple[list[str], list[str]]:
    """The regions to study and those asked for that have no data.

    Returns
    -------
    (present, missing) : tuple of lists
        ``present`` keeps the order asked (or sorted available ones when none was asked).
    """
    have = sorted({r for r in available if isinstance(r, str)})
    if not asked:
        return have, []
    return [r for r in asked if r in have], [r for r in asked if r not in have]


def load_actual_dates(path: Path | None) -> pd.DataFrame:
    """Read a table of actual milestone dates (template: ``data/templates/actual_dates.csv``).

    Columns: ``milestone_id`` (text) and ``actual_date`` (YYYY-MM-DD; empty when not yet done). Errors name the
    file, the row (header = row 1) and the column.
    """
    cols = ["milestone_id", "actual_date"]
    if path is None:
        return pd.DataFrame({"milestone_id": pd.Series(dtype=str), "actual_date": pd.Series(dtype="datetime64[ns]")})
    import io as _io
    import warnings

    from .io import DataEncodingWarning, _decode_csv, _FileProblem

    try:  # the same reading as the dataset's CSVs: UTF-8, else GB18030 (Excel's plain CSV on Chinese Windows)
        text, encoding = _decode_csv(Path(path), Path(path).read_bytes())
    except _FileProblem as e:
        p = e.problems[0]
        raise ValueError(f"{p['file']}, row {p['row']}: expected {p['expected']}, found {p['found']}") from None
    if encoding == "gb18030":
        warnings.warn(DataEncodingWarning(f"{path}: not UTF-8; read as GB18030 (GBK). Save it as 'CSV UTF-8 "
                                          "(Comma delimited)' to load it without this guess."), stacklevel=2)
    df = pd.read_csv(_io.StringIO(text), dtype=str, keep_default_na=False)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {', '.join(missing)}; expected {', '.join(cols)}")
    problems = []
    dates = pd.to_datetime(df["actual_date"].replace("", None), format="%Y-%m-%d", errors="coerce")
    for i, (raw, parsed) in enumerate(zip(df["actual_date"], dates), start=2):
        if raw.strip() and pd.isna(parsed):
            problems.append(f"{path.name}, row {i}, column 'actual_date': expected a date YYYY-MM-DD, found {raw!r}")
    for i in df.index[df["milestone_id"].duplicated(keep=False)]:
        problems.append(f"{path.name}, row {i + 2}, column 'milestone_id': expected a unique milestone, "
                        f"found duplicate {df.at[i, 'milestone_id']!r}")
    if problems:
        raise ValueError(f"{len(problems)} problem(s) in {path}:\n" + "\n".join(problems))
    return pd.DataFrame({"milestone_id": df["milestone_id"], "actual_date": dates})
