"""Periods as the dataset writes them.

Grammar (column type ``period`` in the codebook):

========================  ===================================================  =====================
text                      meaning                                              start – end
========================  ===================================================  =====================
``2022``                  calendar year (全年)                                 2022-01-01 – 2022-12-31
``2022Q1``                quarter (一季度)                                     2022-01-01 – 2022-03-31
``2022-03``               one month                                            2022-03-01 – 2022-03-31
``2022-01/2022-10``       span of months, e.g. the cumulative 1-10月           2022-01-01 – 2022-10-31
``2021/2022``             span of years                                        2021-01-01 – 2022-12-31
``2023-12-13``            a date (for stocks and as-of figures)                2023-12-13 – 2023-12-13
``unknown``               the document does not let us read the period         NaT – NaT
========================  ===================================================  =====================
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

__all__ = ["Period", "PeriodParseError", "parse_period", "is_valid_period", "period_bounds", "period_order"]


class PeriodParseError(ValueError):
    """A period string does not follow the grammar."""


@dataclass(frozen=True)
class Period:
    """A period with its first and last day (inclusive). ``start`` and ``end`` are NaT for ``unknown``."""

    label: str
    kind: str  # year, quarter, month, month_span, year_span, date, unknown
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def known(self) -> bool:
        return self.kind != "unknown"

    @property
    def year(self) -> int | None:
        """The calendar year when the period lies within one year, else None."""
        if not self.known or self.start.year != self.end.year:
            return None
        return int(self.start.year)

    @property
    def days(self) -> int:
        """Length in days, both ends included."""
        if not self.known:
            raise PeriodParseError(f"period {self.label!r} is unknown: it has no length")
        return int((self.end - self.start).days) + 1


_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH_SPAN = re.compile(r"^(\d{4})-(\d{2})/(\d{4})-(\d{2})$")
_YEAR_SPAN = re.compile(r"^(\d{4})/(\d{4})$")


def _month_end(year: int, month: int) -> pd.Timestamp:
    return pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)


def _month_start(year: int, month: int, text: str) -> pd.Timestamp:
    if not 1 <= month <= 12:
        raise PeriodParseError(f"period {text!r}: month {month} is not 1-12")
    return pd.Timestamp(year=year, month=month, day=1)


def parse_period(text: str) -> Period:
    """Parse a period string (see the module docstring for the grammar).

    Parameters
    ----------
    text : str
        ``2022``, ``2022Q1``, ``2022-03``, ``2022-01/2022-10``, ``2021/2022``, ``2023-12-13`` or ``unknown``.

    Returns
    -------
    Period
        With its first and last day (inclusive); NaT for ``unknown``.

    Raises
    ------
    PeriodParseError
        With the text and the grammar it was expected to follow.
    """
    if not isinstance(text, str):
        raise PeriodParseError(f"expected a period string, got {type(text).__name__}: {text!r}")
    t = text.strip()
    if t == "unknown":
        return Period(t, "unknown", pd.NaT, pd.NaT)
    if m := _YEAR.match(t):
        y = int(m[1])
        return Period(t, "year", pd.Timestamp(y, 1, 1), pd.Timestamp(y, 12, 31))
    if m := _QUARTER.match(t):
        y, q = int(m[1]), int(m[2])
        return Period(t, "quarter", pd.Timestamp(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if m := _MONTH.match(t):
        y, mo = int(m[1]), int(m[2])
        return Period(t, "month", _month_start(y, mo, t), _month_end(y, mo))
    if m := _DATE.match(t):
        try:
            d = pd.Timestamp(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as e:
            raise PeriodParseError(f"period {text!r} is not a valid date: {e}") from None
        return Period(t, "date", d, d)
    if m := _MONTH_SPAN.match(t):
        start = _month_start(int(m[1]), int(m[2]), t)
        end = _month_start(int(m[3]), int(m[4]), t) + pd.offsets.MonthEnd(0)
        if end < start:
            raise PeriodParseError(f"period {text!r} ends before it starts")
        return Period(t, "month_span", start, end)
    if m := _YEAR_SPAN.match(t):
        y0, y1 = int(m[1]), int(m[2])
        if y1 < y0:
            raise PeriodParseError(f"period {text!r} ends before it starts")
        return Period(t, "year_span", pd.Timestamp(y0, 1, 1), pd.Timestamp(y1, 12, 31))
    raise PeriodParseError(
        f"{text!r} is not a period; expected one of 2022, 2022Q1, 2022-03, 2022-01/2022-10, 2021/2022, "
        "2023-12-13 or unknown"
    )


def is_valid_period(text: object) -> bool:
    """True when ``text`` is a string that :func:`parse_period` accepts."""
    try:
        parse_period(text)  # type: ignore[arg-type]
    except PeriodParseError:
        return False
    return True


def period_bounds(labels: pd.Series) -> pd.DataFrame:
    """First day, last day and kind of each period label in a column (each distinct label parsed once).

    Parameters
    ----------
    labels : pandas.Series
        Period strings (grammar above).

    Returns
    -------
    pandas.DataFrame
        Columns ``start``, ``end`` (Timestamps, both inclusive) and ``kind``, with the index of ``labels``;
        NaT and ``unknown`` for ``unknown``, missing or unreadable labels.
    """
    if not isinstance(labels, pd.Series):
        raise ValueError(f"labels: expected a pandas Series of period strings, got {type(labels).__name__}")
    rows = {}
    for lab in pd.unique(labels.dropna().astype(str)):
        try:
            p = parse_period(lab)
            rows[lab] = (p.start, p.end, p.kind)
        except PeriodParseError:
            rows[lab] = (pd.NaT, pd.NaT, "unknown")
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["start", "end", "kind"])
    out = table.reindex(labels.astype(object).where(labels.notna(), None).astype(str).to_numpy())
    out.index = labels.index
    out["start"] = pd.to_datetime(out["start"])
    out["end"] = pd.to_datetime(out["end"])
    out["kind"] = out["kind"].fillna("unknown").astype(object)
    return out


def period_order(labels: pd.Series) -> pd.Series:
    """A sort key that puts period labels in calendar order, for ``sort_values(key=...)``.

    Parameters
    ----------
    labels : pandas.Series
        Period strings (grammar above), each read with :func:`period_bounds`.

    Returns
    -------
    pandas.Series
        Integers with the index of ``labels``: periods ordered by their last day, then their first day (so
        ``2024Q1`` (ends 31 March) comes before ``2024-01/2024-06`` (1-6月, ends 30 June), which a sort of the
        text would reverse), then by label; ``unknown``, missing and unreadable labels last, by label.
    """
    b = period_bounds(labels)
    frame = pd.DataFrame({"unknown": b["end"].isna(), "end": b["end"], "start": b["start"],
                          "label": labels.astype("string").fillna("")}, index=labels.index)
    order = frame.sort_values(["unknown", "end", "start", "label"], kind="stable", na_position="last").index
    key = pd.Series(0, index=labels.index, dtype="int64")
    # equal labels get equal keys, so that a stable sort on this key keeps the data's order within a period
    first = {}
    for pos, idx in enumerate(order):
        lab = frame.at[idx, "label"]
        first.setdefault(lab, pos)
        key.at[idx] = first[lab]
    return key
