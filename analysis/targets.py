"""Targets, pace, projections, milestones and the project stage funnel.

The measures Chinese investment-promotion reports use to judge progress against plans (``data/CODEBOOK.md``;
the stages, milestone statuses and project flags are the vocabularies of :mod:`analysis.vocab`):

* :func:`attainment`: 完成率, actual to date / target, **in percent** (51.7 means 51.7 %).
* :func:`time_progress`: 序时进度, the share of the period elapsed at a date, **as a fraction** in [0, 1],
  counted in days or in whole months (:data:`TIME_BASES`; :func:`pace_basis` says which suits an actual).
* :func:`time_elapsed`: the days or whole months elapsed and the length of the period, in the same unit.
* :func:`pace_gap`: attainment minus time progress, **in percentage points** ("超序时进度 X 个百分点").
* :func:`project_year_end`: linear and seasonal year-end projections of an actual to date.
* :func:`ambition`: target / last actual - 1, **in percent**, flagging targets below the last actual.
* :func:`milestone_status`, :func:`project_flags`: milestones against plans as of a date, and the
  红旗 (red flag) / 蜗牛 (snail) rating of projects of the 重大项目信息化管理系统.
* :func:`stage_funnel`: how many projects reached each stage of :data:`STAGE_ORDER`, conversion and time
  between stages.
* :func:`investment_heatmap`: total investment by two categories (投资热力图), in yuan.

Units: money in the units of the input (the dataset stores yuan); percent where the name ends in ``_pct``;
percentage points where it ends in ``_pp``; fractions are called shares or progress and lie in [0, 1].
"""

from __future__ import annotations

import datetime as _dt
import numbers
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .periods import Period, parse_period
from .results import DateLike, Numbers, Result, float_array, reject_text, short, text_hint
from .vocab import MILESTONE_STATUS, PROJECT_FLAG, STAGE

__all__ = [
    "STAGE_ORDER",
    "MILESTONE_STATUSES",
    "PROJECT_FLAGS",
    "attainment",
    "TIME_BASES",
    "pace_basis",
    "time_elapsed",
    "time_progress",
    "PaceGap",
    "pace_gap",
    "YearEndProjection",
    "project_year_end",
    "Ambition",
    "ambition",
    "milestone_status",
    "project_flags",
    "StageFunnel",
    "stage_funnel",
    "investment_heatmap",
]

#: Project stages in the order a project passes through them (:data:`analysis.vocab.STAGE`, the vocabulary of
#: ``projects.stage`` without ``unknown``): 谋划 → 招引/洽谈 → 框架协议 → 签约 → 落地 → 摘地 → 开工 → 投产 → 入统.
STAGE_ORDER: tuple[str, ...] = tuple(c for c in STAGE.codes if c != "unknown")
_STAGE_RANK = {s: i for i, s in enumerate(STAGE_ORDER)}

#: Values of the ``status`` column added by :func:`milestone_status` (:data:`analysis.vocab.MILESTONE_STATUS`).
MILESTONE_STATUSES: tuple[str, ...] = MILESTONE_STATUS.codes

#: Values of the ``flag`` column of :func:`project_flags` (红旗, 蜗牛, neither: :data:`analysis.vocab.PROJECT_FLAG`).
PROJECT_FLAGS: tuple[str, ...] = PROJECT_FLAG.codes
_FLAG_ZH = {f.code: f.zh[0] if f.zh else "" for f in PROJECT_FLAG}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Units in which time progress (序时进度) is counted: ``days`` (days elapsed / days in the period, both ends
#: counted) or ``months`` (whole months elapsed / months in the period, as Chinese monthly statistics pace a
#: cumulative 1-m月 figure: 1-9月 is 9 of 12 months, 75 %).
TIME_BASES: tuple[str, ...] = ("days", "months")

#: Period kinds made of whole calendar months (see :mod:`analysis.periods`): paced in months.
_WHOLE_MONTH_KINDS = frozenset({"year", "quarter", "month", "month_span", "year_span"})


# ----------------------------------------------------------------------------------------------------------
# input helpers
# ----------------------------------------------------------------------------------------------------------
def _numeric(x: Any, name: str) -> Any:
    """Return ``x`` as float (scalar), float ndarray, or float Series/DataFrame; ValueError otherwise."""
    if not isinstance(x, (pd.Series, pd.DataFrame)):
        reject_text(x, name)
    if isinstance(x, pd.Series):
        if x.dtype == bool:
            raise ValueError(f"{name} must be numeric, got a boolean Series")
        try:
            return pd.to_numeric(x, errors="raise").astype(float)
        except (ValueError, TypeError):
            raise ValueError(f"{name} must be numeric, got a Series of dtype {x.dtype}{text_hint(x)}") from None
    if isinstance(x, pd.DataFrame):
        try:
            return x.apply(pd.to_numeric, errors="raise").astype(float)
        except (ValueError, TypeError):
            raise ValueError(f"{name} must be numeric, got a DataFrame with dtypes {dict(x.dtypes)}") from None
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{name} must be a number, got a boolean: {x!r}")
    if isinstance(x, numbers.Real):
        return float(x)
    if isinstance(x, (list, tuple, np.ndarray)):
        return float_array(x, name)
    raise ValueError(f"{name} must be a number, array, Series or DataFrame; got {type(x).__name__}: {x!r}")


def _check_aligned(a: Any, b: Any, na: str, nb: str) -> None:
    """Two pandas inputs must share their index (and columns): no silent alignment to a union."""
    if isinstance(a, (pd.Series, pd.DataFrame)) and isinstance(b, (pd.Series, pd.DataFrame)):
        if not a.index.equals(b.index):
            raise ValueError(f"{na} and {nb} must have the same index; got {len(a.index)} and {len(b.index)} labels "
                             "that differ (align them first)")
        if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame) and not a.columns.equals(b.columns):
            raise ValueError(f"{na} and {nb} must have the same columns")


def _check_positive(x: Any, name: str) -> None:
    arr = np.asarray(x, dtype=float)
    bad = arr <= 0  # NaN compares False: missing values pass through as NaN
    if np.any(bad):
        first = arr[bad].ravel()[0]
        raise ValueError(f"{name} must be positive; got {int(bad.sum())} value(s) <= 0 (e.g. {first!r})")


def _wrap(values: np.ndarray | float, like: Any, name: str) -> Any:
    """Give ``values`` the shape and index of ``like`` (a scalar stays a float)."""
    if isinstance(like, pd.Series):
        return pd.Series(values, index=like.index, name=name)
    if isinstance(like, pd.DataFrame):
        return pd.DataFrame(values, index=like.index, columns=like.columns)
    if np.ndim(values) == 0:
        return float(values)
    return np.asarray(values, dtype=float)


def _to_timestamp(x: Any, name: str) -> pd.Timestamp:
    """A single date: Timestamp, datetime, date, numpy datetime64 or an ISO 'YYYY-MM-DD' string; normalised."""
    if isinstance(x, str):
        if not _ISO_DATE.match(x.strip()):
            raise ValueError(f"{name} must be a date (YYYY-MM-DD, Timestamp or datetime.date); got {x!r}")
        try:
            ts = pd.Timestamp(x.strip())
        except ValueError as e:
            raise ValueError(f"{name} {x!r} is not a valid date: {e}") from None
    elif isinstance(x, (pd.Timestamp, _dt.date, np.datetime64)):
        ts = pd.Timestamp(x)
    else:
        raise ValueError(f"{name} must be a date (YYYY-MM-DD, Timestamp or datetime.date); got "
                         f"{type(x).__name__}: {x!r}")
    if pd.isna(ts):
        raise ValueError(f"{name} must be a date, got a missing value (NaT)")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def _to_datetimes(x: Any, name: str) -> pd.Series | pd.DatetimeIndex:
    """A vector of dates (Series or DatetimeIndex); NaT allowed; strings must be ISO dates."""
    if isinstance(x, pd.DatetimeIndex):
        return x.normalize()
    if not isinstance(x, pd.Series):
        raise ValueError(f"{name} must be a date or a Series of dates; got {type(x).__name__}")
    if pd.api.types.is_datetime64_any_dtype(x.dtype):
        return x.dt.normalize()
    if pd.api.types.is_numeric_dtype(x.dtype) or pd.api.types.is_bool_dtype(x.dtype):
        if not x.notna().any():  # an empty column (e.g. a blank template read from CSV): no dates
            return pd.Series(pd.NaT, index=x.index, dtype="datetime64[ns]", name=x.name)
        raise ValueError(f"{name} must hold dates, got a Series of dtype {x.dtype}")
    obj = x.astype(object)
    notna = obj.notna()
    bad = notna & ~obj.map(lambda v: isinstance(v, (pd.Timestamp, _dt.date, np.datetime64))
                           or (isinstance(v, str) and bool(_ISO_DATE.match(v.strip()))))
    if bad.any():
        raise ValueError(f"{name} must hold dates (YYYY-MM-DD or datetime); got e.g. {obj[bad].iloc[0]!r} "
                         f"at label {obj[bad].index[0]!r}")
    try:
        out = pd.to_datetime(obj.where(notna, None), errors="raise")
    except (ValueError, TypeError) as e:
        raise ValueError(f"{name} holds an invalid date: {e}") from None
    return out.dt.normalize()


def _to_period(period: Any, name: str = "period") -> Period:
    if isinstance(period, Period):
        p = period
    elif isinstance(period, str):
        p = parse_period(period)  # PeriodParseError is a ValueError
    else:
        raise ValueError(f"{name} must be a period string (e.g. '2022', '2022Q1') or a Period; "
                         f"got {type(period).__name__}: {period!r}")
    if not p.known:
        raise ValueError(f"{name} {p.label!r} is unknown: it has no start or end, so no time progress")
    return p


def _require_columns(df: Any, cols: list[str], name: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} must be a DataFrame; got {type(df).__name__}")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; it has {list(df.columns)}")


# ----------------------------------------------------------------------------------------------------------
# attainment, time progress, pace
# ----------------------------------------------------------------------------------------------------------
def attainment(actual: Numbers, target: Numbers) -> Numbers:
    """完成率: actual to date as a percentage of the target.

    Parameters
    ----------
    actual : float, array-like, Series or DataFrame
        Actual to date (e.g. investment completed 1-m月), in the unit of ``target``.
    target : float, array-like, Series or DataFrame
        Target for the period (e.g. the annual plan). Must be positive; NaN passes through as NaN.
        Two pandas inputs must share their index.

    Returns
    -------
    float, ndarray, Series or DataFrame
        Attainment in **percent** (51.7 means 51.7 % of the target), with the index of the input;
        a Series is named ``attainment_pct``. Scalars in give a float out.

    Raises
    ------
    ValueError
        If an input is not numeric, a target is zero or negative, or two pandas inputs have different indexes.

    Notes
    -----
    ``attainment_pct = actual / target * 100``. Percent, as the documents write 完成率 and as growth rates
    are written elsewhere in the library. The ratio is unit-free, so it does not change when both inputs are
    scaled by the same factor (亿元 or yuan give the same answer).
    """
    a = _numeric(actual, "actual")
    t = _numeric(target, "target")
    _check_positive(t, "target")
    _check_aligned(a, t, "actual", "target")
    out = a / t * 100.0
    if isinstance(out, pd.Series):
        return out.rename("attainment_pct")
    return out


def _check_basis(basis: Any) -> str:
    if not isinstance(basis, str) or basis not in TIME_BASES:
        raise ValueError(f"basis must be one of {list(TIME_BASES)}; got {basis!r}")
    return basis


def _months_in(p: Period) -> int:
    """Number of calendar months of a whole-month period (ValueError for a period that is not)."""
    if p.kind not in _WHOLE_MONTH_KINDS:
        raise ValueError(f"period {p.label!r} is not made of whole months (it is a {p.kind}); time progress in "
                         "months needs a year, quarter, month or span of months: use basis='days'")
    return (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1


def pace_basis(actual_period: str | Period, period: str | Period) -> str:
    """The basis of time progress that suits an actual: whole months, or days.

    Parameters
    ----------
    actual_period : str or Period
        Period of the actual to date: ``'2023-01/2023-09'`` (1-9月), ``'2022Q1'``, ``'2022-05'``, or a date
        ``'2023-06-20'`` (an actual stated as of a day, 截至6月20日).
    period : str or Period
        Period of the plan or target it is measured against (e.g. ``'2023'``).

    Returns
    -------
    str
        ``'months'`` when the actual covers whole calendar months and the plan's period does too (a cumulative
        1-m月 figure is paced against m of 12 months, as Chinese statistical reports write 序时进度);
        ``'days'`` otherwise (an actual stated as of a date is paced by the days elapsed).

    Raises
    ------
    ValueError
        If a period is not a period string or is ``'unknown'``.
    """
    a = _to_period(actual_period, "actual_period")
    p = _to_period(period)
    return "months" if a.kind in _WHOLE_MONTH_KINDS and p.kind in _WHOLE_MONTH_KINDS else "days"


def time_elapsed(as_of: DateLike | pd.Series, period: str | Period,
                 basis: str = "days") -> tuple[float | pd.Series, int]:
    """Time elapsed in ``period`` at ``as_of``, and the length of the period, in days or whole months.

    Parameters
    ----------
    as_of : date-like or Series of dates
        As in :func:`time_progress`.
    period : str or Period
        As in :func:`time_progress`.
    basis : {'days', 'months'}, default 'days'
        ``days``: days from the start of the period to ``as_of``, both ends counted. ``months``: calendar months
        of the period that have ended on or before ``as_of`` (the month of ``as_of`` counts when ``as_of`` is its
        last day); the period must be made of whole months.

    Returns
    -------
    elapsed : float or Series
        Days or months elapsed, clipped to ``[0, total]``; a Series (NaN for NaT) keeps the index of ``as_of``.
    total : int
        Days or months in the period.

    Raises
    ------
    ValueError
        As :func:`time_progress`, or if ``basis`` is not one of :data:`TIME_BASES`, or is ``'months'`` for a
        period that is not made of whole months (a date).

    Notes
    -----
    Months: ``elapsed = 12 * (year(as_of) - year(start)) + month(as_of) - month(start) + [as_of is a month
    end]``. Example: 2023-09-30 in 2023 is 9 of 12 months; 2023-09-29 is 8 of 12.
    """
    p = _to_period(period)
    basis = _check_basis(basis)
    total = _months_in(p) if basis == "months" else p.days
    if isinstance(as_of, (pd.Series, pd.DatetimeIndex)):
        d = pd.Series(_to_datetimes(as_of, "as_of"))
        if basis == "months":
            n = ((d.dt.year - p.start.year) * 12 + d.dt.month - p.start.month
                 + d.dt.is_month_end.astype(float)).astype(float)
        else:
            n = (d - p.start) / pd.Timedelta(days=1) + 1.0
        vals = np.clip(np.asarray(n, dtype=float), 0.0, total)
        index = as_of.index if isinstance(as_of, pd.Series) else as_of
        return pd.Series(vals, index=index, name="time_elapsed"), total
    ts = _to_timestamp(as_of, "as_of")
    if basis == "months":
        n = (ts.year - p.start.year) * 12 + ts.month - p.start.month + int(ts.is_month_end)
    else:
        n = (ts - p.start).days + 1
    return float(min(max(n, 0), total)), total


def time_progress(as_of: DateLike | pd.Series, period: str | Period, basis: str = "days") -> float | pd.Series:
    """序时进度: the share of ``period`` elapsed at ``as_of``.

    Parameters
    ----------
    as_of : date-like or Series of dates
        The as-of date: ``pd.Timestamp``, ``datetime.date``, ``numpy.datetime64`` or a ``'YYYY-MM-DD'``
        string; or a Series (or DatetimeIndex) of them, NaT allowed. A time of day is dropped.
    period : str or Period
        The period: a period string of :func:`analysis.periods.parse_period` (``'2022'``, ``'2022Q1'``,
        ``'2022-01/2022-10'``, ...) or a :class:`~analysis.periods.Period`.
    basis : {'days', 'months'}, default 'days'
        Count days, or whole calendar months (see :func:`time_elapsed`; :func:`pace_basis` chooses the one
        that suits an actual: months for a 1-m月 figure, days for a figure as of a date).

    Returns
    -------
    float or Series
        Time progress as a **fraction** in [0, 1] (not percent); a Series keeps the index of ``as_of`` and is
        named ``time_progress``.

    Raises
    ------
    ValueError
        If ``as_of`` is not a date, ``period`` is not a period string or is ``'unknown'``, or ``basis`` is
        not valid for the period (see :func:`time_elapsed`).

    Notes
    -----
    Days: ``time_progress = clip((as_of - start).days + 1, 0, days) / days`` where ``days`` is the length of the
    period with both ends included: the as-of day counts as elapsed (a report "as of 31 March" covers
    31 March). At the first day it is ``1 / days``, at the last day 1, before the period 0, after it 1.
    Example: 2022-03-31 in 2022 is 90 / 365 = 0.2466.

    Months: ``whole months elapsed / months in the period``. Example: 1-9月 (as of 2023-09-30) in 2023 is
    9 / 12 = 0.75, and the first quarter 3 / 12 = 0.25, as Chinese statistical reports write 序时进度.
    """
    elapsed, total = time_elapsed(as_of, period, basis)
    if isinstance(elapsed, pd.Series):
        return (elapsed / total).rename("time_progress")
    return float(elapsed / total)


@dataclass(frozen=True, eq=False, repr=False)
class PaceGap(Result):
    """Attainment against time progress (超/落后序时进度).

    Attributes
    ----------
    attainment_pct : float or Series
        完成率 in percent.
    time_progress_pct : float or Series
        序时进度 in percent (time progress × 100).
    gap_pp : float or Series
        ``attainment_pct - time_progress_pct`` in percentage points; positive means ahead of the pace
        ("超序时进度 gap_pp 个百分点"), negative behind (落后序时进度).
    as_of : Timestamp or Series
        The as-of date(s).
    period : str
        Label of the period.
    basis : str
        ``days`` or ``months``: what time progress counts (see :func:`time_progress`).
    """

    attainment_pct: float | pd.Series
    time_progress_pct: float | pd.Series
    gap_pp: float | pd.Series
    as_of: pd.Timestamp | pd.Series
    period: str
    basis: str = "days"

    @property
    def ahead(self) -> bool | pd.Series:
        """True where attainment is at or above time progress (gap_pp >= 0)."""
        return self.gap_pp >= 0

    def _summary_lines(self) -> tuple[str, list[str]]:
        when = f"{self.period} as of {short(self.as_of, 'date')} ({self.basis})"
        if np.ndim(self.gap_pp) == 0:
            side = "ahead of" if self.ahead else "behind"
            return (f"{short(self.gap_pp, 'pp')} ({side} the pace), {when}",
                    [f"attainment {short(self.attainment_pct, 'pct')} against time progress "
                     f"{short(self.time_progress_pct, 'pct')}"])
        n_ahead = int(np.sum(np.asarray(self.ahead, dtype=bool)))
        return (f"{n_ahead} of {int(np.size(self.gap_pp))} ahead of the pace, {when}",
                [f"gap: {short(self.gap_pp, 'pp')}", f"attainment: {short(self.attainment_pct, 'pct')}",
                 f"time progress: {short(self.time_progress_pct, 'pct')}"])


def pace_gap(actual: Numbers, target: Numbers, as_of: DateLike | pd.Series, period: str | Period,
             basis: str = "days") -> PaceGap:
    """Attainment minus time progress, in percentage points ("超序时进度 X 个百分点").

    Parameters
    ----------
    actual, target : float, array-like or Series
        Actual to date and the target for ``period`` (same unit); see :func:`attainment`.
    as_of : date-like or Series of dates
        The date the actual refers to; see :func:`time_progress`.
    period : str or Period
        The period of the target, e.g. ``'2022'`` for an annual plan.
    basis : {'days', 'months'}, default 'days'
        What time progress counts; see :func:`time_progress` and :func:`pace_basis` (``months`` for a
        cumulative 1-m月 actual, ``days`` for an actual as of a date).

    Returns
    -------
    PaceGap
        With ``attainment_pct``, ``time_progress_pct`` (both percent) and ``gap_pp`` (percentage points).

    Raises
    ------
    ValueError
        As :func:`attainment` and :func:`time_progress`.

    Notes
    -----
    ``gap_pp = actual / target * 100 - time_progress(as_of, period, basis) * 100``. Example (document 001,
    Taizhou): 51.7 of a planned 100 (亿元 of new loans) by 2022-03-31 is 51.7 % against 24.66 % by days
    (+27.04 pp); the figure is for the first quarter (一季度), whole months, so ``basis='months'`` paces it
    against 3 / 12 = 25 % (+26.7 pp).
    """
    att = attainment(actual, target)
    tp = time_progress(as_of, period, basis)
    if isinstance(tp, pd.Series):
        _check_aligned(att, tp, "actual", "as_of")
        if not isinstance(att, (pd.Series, pd.DataFrame)):
            att = pd.Series(att, index=tp.index, name="attainment_pct") if np.ndim(att) else att
    if isinstance(att, pd.DataFrame):
        tp_pct = tp * 100.0
        gap = att.sub(tp_pct, axis=0) if isinstance(tp_pct, pd.Series) else att - tp_pct
    else:
        tp_pct = tp * 100.0
        gap = att - tp_pct
    if isinstance(tp_pct, pd.Series):
        tp_pct = tp_pct.rename("time_progress_pct")
    if isinstance(gap, pd.Series):
        gap = gap.rename("gap_pp")
    label = period.label if isinstance(period, Period) else str(period).strip()
    as_of_out = as_of if isinstance(as_of, (pd.Series, pd.DatetimeIndex)) else _to_timestamp(as_of, "as_of")
    return PaceGap(attainment_pct=att, time_progress_pct=tp_pct, gap_pp=gap, as_of=as_of_out, period=label,
                   basis=basis)


# ----------------------------------------------------------------------------------------------------------
# year-end projection
# ----------------------------------------------------------------------------------------------------------
def _check_profile(profile: Any) -> np.ndarray:
    """Validate a cumulative monthly share profile; return shares for months 0..12 (share(0) = 0)."""
    if not isinstance(profile, pd.Series):
        raise ValueError(f"profile must be a Series indexed by month 1..12; got {type(profile).__name__}")
    try:
        months = [int(m) for m in profile.index]
    except (TypeError, ValueError):
        raise ValueError(f"profile must be indexed by month numbers 1..12; got index {list(profile.index)}") from None
    if sorted(months) != list(range(1, 13)) or any(float(m) != m for m in profile.index):
        raise ValueError(f"profile must be indexed by the months 1..12 exactly once each; got {list(profile.index)}")
    vals = _numeric(profile, "profile")
    vals.index = months
    vals = vals.sort_index().to_numpy()
    if np.isnan(vals).any() or (vals <= 0).any() or (vals > 1 + 1e-12).any():
        raise ValueError(f"profile values must be cumulative shares in (0, 1]; got {vals.tolist()}")
    if (np.diff(vals) < -1e-12).any():
        raise ValueError(f"profile must be non-decreasing (cumulative shares by month); got {vals.tolist()}")
    if abs(vals[-1] - 1.0) > 1e-9:
        raise ValueError(f"profile must reach 1 in December (the whole year); got {vals[-1]!r} for month 12")
    return np.concatenate([[0.0], np.minimum(vals, 1.0)])


def _seasonal_share(dates: pd.DatetimeIndex, p: Period, shares: np.ndarray) -> np.ndarray:
    """Cumulative seasonal share at each date (NaT gives NaN), linear within the month of the date."""
    out = np.full(len(dates), np.nan)
    ok = ~dates.isna()
    d = dates[ok]
    m = np.asarray(d.month)
    day = np.asarray(d.day, dtype=float)
    dim = np.asarray(d.days_in_month, dtype=float)
    share = shares[m - 1] + (shares[m] - shares[m - 1]) * day / dim
    share = np.where(d < p.start, 0.0, np.where(d > p.end, 1.0, share))
    out[np.asarray(ok)] = share
    return out


@dataclass(frozen=True, eq=False, repr=False)
class YearEndProjection(Result):
    """Projections of an actual to date to the end of its period.

    Attributes
    ----------
    actual_to_date : float or Series
        The input actual, in its unit.
    time_progress : float or Series
        Fraction of the period elapsed (see :func:`time_progress`).
    linear : float or Series
        ``actual_to_date / time_progress``, in the unit of the actual.
    seasonal_share : float, Series or None
        Last year's cumulative share completed at the as-of date (fraction); None without a profile.
    seasonal : float, Series or None
        ``actual_to_date / seasonal_share``; None without a profile.
    target : float, Series or None
        The target, when given.
    linear_gap, seasonal_gap : float, Series or None
        Projection minus target, in the unit of the actual (negative: a projected shortfall); None when
        there is no target (or no seasonal projection).
    linear_attainment_pct, seasonal_attainment_pct : float, Series or None
        Projected year-end attainment in percent.
    """

    actual_to_date: Numbers
    time_progress: Numbers
    linear: Numbers
    seasonal_share: Numbers | None = None
    seasonal: Numbers | None = None
    target: Numbers | None = None
    linear_gap: Numbers | None = None
    seasonal_gap: Numbers | None = None
    linear_attainment_pct: Numbers | None = None
    seasonal_attainment_pct: Numbers | None = None

    def _summary_lines(self) -> tuple[str, list[str]]:
        head = (f"linear {short(self.linear)} from {short(self.actual_to_date)} to date at time progress "
                f"{short(self.time_progress, 'share')}")
        lines = []
        if self.seasonal is not None:
            lines.append(f"seasonal {short(self.seasonal)} (last year's share done by then: "
                         f"{short(self.seasonal_share, 'share')})")
        if self.target is not None:
            lines.append(f"target {short(self.target)}: projected attainment linear "
                         f"{short(self.linear_attainment_pct, 'pct')}"
                         + ("" if self.seasonal_attainment_pct is None else
                            f", seasonal {short(self.seasonal_attainment_pct, 'pct')}"))
        return head, lines


def project_year_end(
    actual_to_date: Numbers,
    as_of: DateLike | pd.Series,
    period: str | Period,
    profile: pd.Series | None = None,
    target: Numbers | None = None,
    basis: str = "days",
) -> YearEndProjection:
    """Project an actual to date to the end of its period, linearly and (given a profile) seasonally.

    Parameters
    ----------
    actual_to_date : float, array-like or Series
        Cumulative actual from the start of ``period`` to ``as_of`` (e.g. investment 1-m月), non-negative.
    as_of : date-like or Series of dates
        The date the actual refers to (for monthly statistics, the last day of month m). Must not lie before
        the start of ``period``.
    period : str or Period
        The period to project to; a calendar year (``'2022'``) when ``profile`` is given.
    profile : Series, optional
        Last year's cumulative share of the annual total completed by the end of month m, indexed by the
        months 1..12, values in (0, 1], non-decreasing, 1 in December.
    target : float, array-like or Series, optional
        Target for the period (same unit as the actual, positive). Adds the gaps and projected attainment.
    basis : {'days', 'months'}, default 'days'
        What the time progress of the linear projection counts (see :func:`time_progress`): ``months`` for a
        cumulative 1-m月 actual (1-9月: actual / 0.75), ``days`` for an actual as of a date.

    Returns
    -------
    YearEndProjection
        ``linear`` and ``seasonal`` projections (unit of the actual), with gaps to ``target``.

    Raises
    ------
    ValueError
        If inputs are not numeric or not dates, the actual is negative, ``as_of`` is before the period,
        the period is unknown, the profile is malformed, or a profile is given for a period that is not a
        calendar year.

    Notes
    -----
    Linear: ``actual / time_progress(as_of, period, basis)``. Seasonal: ``actual / share(as_of)`` where
    ``share(as_of) = s(m-1) + (s(m) - s(m-1)) * day / days_in_month`` with ``s`` the profile and ``s(0) = 0``;
    at a month end this is exactly ``s(m)``. Gaps: ``projection - target`` (unit of the actual);
    projected attainment: ``projection / target * 100`` (percent).

    Fixed-asset investment is back-loaded: in Chinese statistics a large part of the year's investment is
    completed in the fourth quarter, so the cumulative share by month m is below m/12 for most of the year
    (``s(m) < time_progress``). A linear projection divides the actual by too large a share and so
    understates the year-end outcome: an early shortfall against the target looks larger than it will be.
    The seasonal projection corrects for this, assuming this year follows last year's monthly pattern.
    """
    a = _numeric(actual_to_date, "actual_to_date")
    if np.any(np.asarray(a, dtype=float) < 0):
        raise ValueError("actual_to_date must be non-negative (a cumulative amount)")
    p = _to_period(period)
    tp = time_progress(as_of, p, basis)
    if isinstance(tp, pd.Series):
        _check_aligned(a, tp, "actual_to_date", "as_of")
    if np.any(np.asarray(tp, dtype=float) == 0):
        if basis == "months":
            raise ValueError(f"as_of lies before the end of the first month of period {p.label!r} "
                             f"({p.start.date()}): no whole month has elapsed, nothing to project from")
        raise ValueError(f"as_of lies before the start of period {p.label!r} ({p.start.date()}): nothing to "
                         "project from")
    linear = a / tp
    if isinstance(linear, pd.Series):
        linear = linear.rename("linear")

    seasonal_share = seasonal = None
    if profile is not None:
        shares = _check_profile(profile)
        if p.kind != "year":
            raise ValueError(f"a monthly profile needs a calendar-year period such as '2022'; got {p.label!r}")
        if isinstance(tp, pd.Series):
            dates = pd.DatetimeIndex(_to_datetimes(as_of, "as_of"))
            seasonal_share = pd.Series(_seasonal_share(dates, p, shares), index=tp.index, name="seasonal_share")
        else:
            seasonal_share = float(_seasonal_share(pd.DatetimeIndex([_to_timestamp(as_of, "as_of")]), p, shares)[0])
        seasonal = a / seasonal_share
        if isinstance(seasonal, pd.Series):
            seasonal = seasonal.rename("seasonal")

    t = lin_gap = sea_gap = lin_att = sea_att = None
    if target is not None:
        t = _numeric(target, "target")
        _check_positive(t, "target")
        _check_aligned(a, t, "actual_to_date", "target")
        lin_gap = linear - t
        lin_att = linear / t * 100.0
        if seasonal is not None:
            sea_gap = seasonal - t
            sea_att = seasonal / t * 100.0
    return YearEndProjection(
        actual_to_date=a, time_progress=tp, linear=linear, seasonal_share=seasonal_share, seasonal=seasonal,
        target=t, linear_gap=lin_gap, seasonal_gap=sea_gap, linear_attainment_pct=lin_att,
        seasonal_attainment_pct=sea_att,
    )


# ----------------------------------------------------------------------------------------------------------
# ambition
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class Ambition(Result):
    """Ambition of a target against the last actual.

    Attributes
    ----------
    ambition_pct : float or Series
        ``target / last_actual - 1`` in percent (+5.56 means the target is 5.56 % above the last actual).
    below_last_actual : bool or Series
        True where the target is below the last actual (a target that plans a fall: worth a look).
    """

    ambition_pct: Numbers
    below_last_actual: bool | np.ndarray | pd.Series

    def _summary_lines(self) -> tuple[str, list[str]]:
        if np.ndim(self.ambition_pct) == 0:
            where = "below" if self.below_last_actual else "at or above"
            return f"target {short(self.ambition_pct, 'pct_signed', 2)} against the last actual ({where} it)", []
        n_below = int(np.sum(np.asarray(self.below_last_actual, dtype=bool)))
        return (f"{int(np.size(self.ambition_pct))} targets, {n_below} below the last actual",
                [f"ambition: {short(self.ambition_pct, 'pct_signed', 2)}"])


def ambition(target: Numbers, last_actual: Numbers) -> Ambition:
    """Target ambition: how far a target lies above (or below) the last actual.

    Parameters
    ----------
    target : float, array-like or Series
        Target for the coming period (positive).
    last_actual : float, array-like or Series
        Actual of the last period, same unit (positive). Two pandas inputs must share their index.

    Returns
    -------
    Ambition
        ``ambition_pct`` (percent) and ``below_last_actual`` (flag).

    Raises
    ------
    ValueError
        If an input is not numeric, or a target or last actual is zero or negative.

    Notes
    -----
    ``ambition_pct = (target / last_actual - 1) * 100``, percent. A negative value (a target below this
    year's actual) is flagged in ``below_last_actual``: such a target is met by standing still, or reflects a
    change of coverage or a one-off in the base. Example (document 004): government investment 7.2 → target
    7.6 (亿元) is +5.56 %; industrial investment 13.55 → target 12 is -11.44 %, flagged.
    """
    t = _numeric(target, "target")
    b = _numeric(last_actual, "last_actual")
    _check_positive(t, "target")
    _check_positive(b, "last_actual")
    _check_aligned(t, b, "target", "last_actual")
    pct = (t / b - 1.0) * 100.0
    below = t < b
    if isinstance(pct, pd.Series):
        pct = pct.rename("ambition_pct")
        below = below.rename("below_last_actual")
    elif np.ndim(pct) == 0:
        below = bool(below)
    return Ambition(ambition_pct=pct, below_last_actual=below)


# ----------------------------------------------------------------------------------------------------------
# milestones and project flags
# ----------------------------------------------------------------------------------------------------------
def milestone_status(milestones: pd.DataFrame, actual_dates: pd.DataFrame | None,
                     as_of: DateLike) -> pd.DataFrame:
    """Status of each planned milestone as of a date.

    Parameters
    ----------
    milestones : DataFrame
        With at least ``milestone_id`` (unique) and ``planned`` (period string: ``2022-04``,
        ``2022-04/2022-06``, ``unknown``, ...), as the ``milestones`` table of the dataset.
    actual_dates : DataFrame or None
        With ``milestone_id`` (unique) and ``actual_date`` (date or ``'YYYY-MM-DD'``; empty = not done).
        Milestones without a row are not done; rows for milestones not in ``milestones`` are ignored.
        None: take ``milestones['actual_date']`` if that column exists, else nothing is done.
    as_of : date-like
        The date of the assessment.

    Returns
    -------
    DataFrame
        ``milestones`` with its index and columns, plus (overwritten if present):

        ``planned_start``, ``planned_end``
            First and last day of the planned period (NaT for ``unknown``).
        ``actual_date``
            The actual date (NaT if none); an actual date after ``as_of`` does not count as done.
        ``status``
            One of :data:`MILESTONE_STATUSES`: ``done`` (done on or before ``as_of`` and no later than the
            planned end, including early), ``done_late`` (done on or before ``as_of`` but after the planned
            end), ``late`` (not done and the planned period ended before ``as_of``), ``due`` (not done and
            ``as_of`` within the planned period), ``not_yet_due`` (not done, planned period starts after
            ``as_of``), ``unknown`` (planned period unknown).
        ``days_late``
            Days after the planned end (float, signed): ``actual_date - planned_end`` when done, else
            ``as_of - planned_end``. Positive for ``late`` / ``done_late``; zero or negative (days to spare)
            otherwise; NaN for ``unknown``.

    Raises
    ------
    ValueError
        If a required column is missing, ids are duplicated, ``planned`` is missing or not a period string,
        an actual date is invalid, ``as_of`` is not a date, or both ``actual_dates`` and a
        ``milestones['actual_date']`` column are given.

    Notes
    -----
    A planned month ``2022-04`` runs from 2022-04-01 to 2022-04-30: a milestone planned for April is late
    from 1 May. A span ``2022-04/2022-06`` (4-6月) is due from 1 April and late from 1 July.
    """
    _require_columns(milestones, ["milestone_id", "planned"], "milestones")
    ts = _to_timestamp(as_of, "as_of")
    dup = milestones["milestone_id"][milestones["milestone_id"].duplicated()]
    if len(dup):
        raise ValueError(f"milestones: milestone_id must be unique; duplicated: {sorted(map(str, dup.unique()))}")
    planned = milestones["planned"]
    if planned.isna().any():
        ids = milestones.loc[planned.isna(), "milestone_id"].tolist()
        raise ValueError(f"milestones: 'planned' is missing for {ids} (use 'unknown' when it cannot be read)")
    parsed = {v: parse_period(str(v)) for v in pd.unique(planned)}
    start = pd.to_datetime(planned.map(lambda v: parsed[v].start))
    end = pd.to_datetime(planned.map(lambda v: parsed[v].end))

    if actual_dates is None:
        if "actual_date" in milestones.columns:
            actual = _to_datetimes(milestones["actual_date"], "milestones['actual_date']")
        else:
            actual = pd.Series(pd.NaT, index=milestones.index, dtype="datetime64[ns]")
    else:
        if "actual_date" in milestones.columns:
            raise ValueError("milestones already has an 'actual_date' column and actual_dates was given too: "
                             "pass one of them")
        _require_columns(actual_dates, ["milestone_id", "actual_date"], "actual_dates")
        d = actual_dates["milestone_id"][actual_dates["milestone_id"].duplicated()]
        if len(d):
            raise ValueError(f"actual_dates: milestone_id must be unique; duplicated: {sorted(map(str, d.unique()))}")
        ad = _to_datetimes(actual_dates["actual_date"], "actual_dates['actual_date']")
        pos = pd.Index(actual_dates["milestone_id"].astype(object)).get_indexer(
            milestones["milestone_id"].astype(object))
        values = pd.DatetimeIndex(ad).as_unit("ns").to_numpy()
        taken = np.where(pos >= 0, values[np.clip(pos, 0, None)] if len(values) else np.datetime64("NaT", "ns"),
                         np.datetime64("NaT", "ns"))
        actual = pd.Series(taken, index=milestones.index, dtype="datetime64[ns]")

    known = start.notna()
    done = actual.notna() & (actual <= ts)
    status = np.select(
        [~known, done & (actual <= end), done, end < ts, start <= ts],
        ["unknown", "done", "done_late", "late", "due"],
        "not_yet_due",
    )
    effective = actual.where(done, ts)
    days_late = (effective - end) / pd.Timedelta(days=1)

    out = milestones.copy()
    out["planned_start"] = start
    out["planned_end"] = end
    out["actual_date"] = actual
    out["status"] = pd.Series(status, index=milestones.index, dtype=object)
    out["days_late"] = days_late.astype(float).where(known)
    return out


def project_flags(
    status_df: pd.DataFrame,
    snail_days: float = 30,
    red_tolerance_days: float = 0,
    min_done: int = 1,
    projects: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """红旗 / 蜗牛 rating of projects from the status of their milestones.

    Parameters
    ----------
    status_df : DataFrame
        Output of :func:`milestone_status` (columns ``project_id``, ``status``, ``days_late``).
    snail_days : float, default 30
        A project is a snail (蜗牛) when any milestone is ``late`` or ``done_late`` by more than this many days.
    red_tolerance_days : float, default 0
        Lateness tolerated for a red flag (0: any late milestone bars it). Must not exceed ``snail_days``.
    min_done : int, default 1
        Milestones done on time (status ``done``, including early) needed for a red flag.
    projects : DataFrame, optional
        With ``project_id``: projects without milestones are added with zero counts and flag ``neutral``.

    Returns
    -------
    DataFrame
        Indexed by ``project_id``: ``n_milestones``, ``n_<status>`` for each of :data:`MILESTONE_STATUSES`,
        ``max_days_late`` (largest ``days_late`` among ``late`` / ``done_late`` milestones, NaN if none),
        ``flag`` (``red_flag``, ``snail`` or ``neutral``) and ``flag_zh`` (红旗, 蜗牛 or empty).

    Raises
    ------
    ValueError
        If columns are missing, a status is not in :data:`MILESTONE_STATUSES`, or a parameter is out of range.

    Notes
    -----
    Rule, in this order:

    1. snail: ``max_days_late > snail_days``;
    2. red flag: every milestone whose deadline has passed, or that is done, is done on time (no ``late`` or
       ``done_late`` milestone beyond ``red_tolerance_days``) and at least ``min_done`` are ``done``;
       milestones still ``due`` or ``not_yet_due`` do not count against it;
    3. neutral otherwise (e.g. late by up to ``snail_days``, or nothing done yet).

    Milestones with status ``unknown`` are counted but take no part in the rule.
    """
    _require_columns(status_df, ["project_id", "status", "days_late"], "status_df")
    for name, v in (("snail_days", snail_days), ("red_tolerance_days", red_tolerance_days)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a non-negative number of days; got {v!r}")
    if red_tolerance_days > snail_days:
        raise ValueError(f"red_tolerance_days ({red_tolerance_days}) must not exceed snail_days ({snail_days})")
    if isinstance(min_done, bool) or not isinstance(min_done, numbers.Integral) or min_done < 1:
        raise ValueError(f"min_done must be an integer >= 1; got {min_done!r}")
    st = status_df["status"]
    bad = ~st.isin(MILESTONE_STATUSES)
    if bad.any():
        raise ValueError(f"status_df: unknown status value(s) {sorted(map(str, st[bad].unique()))}; expected "
                         f"{MILESTONE_STATUSES} (run milestone_status first)")
    pid = status_df["project_id"]
    if pid.isna().any():
        raise ValueError("status_df: project_id is missing in some rows")
    days = _numeric(status_df["days_late"], "status_df['days_late']")

    counts = pd.crosstab(pid, st).reindex(columns=list(MILESTONE_STATUSES), fill_value=0)
    counts.columns = [f"n_{c}" for c in counts.columns]
    counts.index.name = "project_id"
    late_mask = st.isin(["late", "done_late"])
    max_late = days.where(late_mask).groupby(pid).max().reindex(counts.index)

    out = counts.copy()
    out.insert(0, "n_milestones", counts.sum(axis=1))
    out["max_days_late"] = max_late.astype(float)
    if projects is not None:
        _require_columns(projects, ["project_id"], "projects")
        extra = pd.Index(projects["project_id"].dropna().unique()).difference(out.index)
        if len(extra):
            add = pd.DataFrame(0, index=extra, columns=out.columns)
            add["max_days_late"] = np.nan
            out = pd.concat([out, add])
            out.index.name = "project_id"
    ml = out["max_days_late"]
    snail = ml > snail_days
    red = ~snail & ~(ml > red_tolerance_days) & (out["n_done"] >= min_done)
    flag = np.select([snail.to_numpy(), red.to_numpy()], ["snail", "red_flag"], "neutral")
    out["flag"] = pd.Series(flag, index=out.index, dtype=object)
    out["flag_zh"] = out["flag"].map(_FLAG_ZH)
    return out


# ----------------------------------------------------------------------------------------------------------
# stage funnel
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class StageFunnel(Result):
    """Projects by stage reached.

    Attributes
    ----------
    table : DataFrame
        Indexed by stage (in funnel order): ``n_reached`` (projects at this stage or beyond), ``n_at_stage``
        (projects whose furthest stage among the funnel's stages is this one), ``conversion_pct``
        (``n_reached`` / ``n_reached`` of the previous stage × 100, NaN for the first stage or after 0),
        and, when dated events were given, ``median_days_from_previous`` and ``n_timed`` (projects with dates
        for both this and the previous stage).
    n_projects : int
        All projects given, including those of unknown stage.
    n_unknown : int
        Projects whose stage is ``unknown`` (or missing): not in the funnel counts.
    unknown_ids : tuple
        Their ``project_id`` (or index labels when there is no ``project_id`` column).
    """

    table: pd.DataFrame
    n_projects: int
    n_unknown: int
    unknown_ids: tuple

    def _summary_lines(self) -> tuple[str, list[str]]:
        head = f"{self.n_projects} projects, {self.n_unknown} of unknown stage"
        reached = ", ".join(f"{stage} {int(n)}" for stage, n in self.table["n_reached"].items())
        lines = [f"reached: {reached}" if reached else "no stage"]
        conv = self.table["conversion_pct"].dropna()
        if not conv.empty:
            lowest = conv.idxmin()
            lines.append(f"lowest conversion: {lowest} {short(conv[lowest], 'pct')} of the stage before")
        return head, lines + [".table for the full funnel (counts, conversion, days between stages)"]


def _check_stages(stages: Any) -> list[str]:
    if isinstance(stages, str):
        raise ValueError(f"stages must be a sequence of stage names, got a string {stages!r}")
    stages = list(stages)
    if not stages:
        raise ValueError("stages must name at least one stage")
    bad = [s for s in stages if s not in _STAGE_RANK]
    if bad:
        raise ValueError(f"unknown stage(s) {bad}; expected stages from {STAGE_ORDER}")
    ranks = [_STAGE_RANK[s] for s in stages]
    if any(b <= a for a, b in zip(ranks, ranks[1:])):
        raise ValueError(f"stages must be distinct and in the order of STAGE_ORDER; got {stages}")
    return stages


def stage_funnel(
    projects: pd.DataFrame,
    milestones: pd.DataFrame | None = None,
    stages: str | tuple[str, ...] | list[str] = STAGE_ORDER,
    date_col: str = "actual_date",
) -> StageFunnel:
    """Stage funnel: how many projects reached each stage, conversion, and time between stages.

    Parameters
    ----------
    projects : DataFrame
        With ``stage`` (vocabulary of ``projects.stage``: :data:`STAGE_ORDER` or ``unknown``), and
        ``project_id`` when ``milestones`` is given.
    milestones : DataFrame, optional
        Dated stage events: ``project_id``, ``stage`` (a stage of :data:`STAGE_ORDER` or empty) and
        ``date_col``. The output of :func:`milestone_status` serves (``date_col='actual_date'`` for what
        happened, ``'planned_end'`` for the plan). Rows with no stage or no date are ignored, as are events of
        projects not in ``projects``; the first date per project and stage counts.
    stages : sequence of str, default STAGE_ORDER
        The funnel's stages, a subsequence of :data:`STAGE_ORDER` (e.g. to merge framework and formal
        signing, leave ``framework_signed`` out).
    date_col : str, default 'actual_date'
        Column of ``milestones`` with the event dates.

    Returns
    -------
    StageFunnel
        ``table`` indexed by stage, and the count and ids of projects of unknown stage.

    Raises
    ------
    ValueError
        If a stage (in ``projects``, ``milestones`` or ``stages``) is not in the vocabulary, ``stages`` is out
        of order, or required columns are missing.

    Notes
    -----
    A project at stage s has reached every earlier stage: ``n_reached(s) = #{projects: rank(stage) >=
    rank(s)}`` with ranks from :data:`STAGE_ORDER`, so counts never increase along the funnel.
    ``conversion_pct(s) = n_reached(s) / n_reached(previous) * 100``. Time between stages:
    ``median over projects of (first date of s - first date of the previous funnel stage)`` in days, for
    projects with both dates (adjacent funnel stages only; negative values, an event recorded before its
    predecessor, are kept). Reached counts come from ``projects.stage`` only, not from the events.
    """
    _require_columns(projects, ["stage"], "projects")
    stages = _check_stages(stages)
    st = projects["stage"]
    valid = st.isna() | st.isin(STAGE_ORDER) | (st == "unknown")
    if not valid.all():
        raise ValueError(f"projects: unknown stage value(s) {sorted(map(str, st[~valid].unique()))}; expected "
                         f"{STAGE_ORDER} or 'unknown'")
    rank = st.map(_STAGE_RANK).astype(float)  # NaN for unknown / missing
    is_unknown = rank.isna()
    ids = projects["project_id"] if "project_id" in projects.columns else pd.Series(projects.index,
                                                                                     index=projects.index)
    unknown_ids = tuple(ids[is_unknown].tolist())

    r = rank.to_numpy()
    n_reached = np.array([(r >= _STAGE_RANK[s]).sum() for s in stages], dtype=int)
    n_at = n_reached - np.append(n_reached[1:], 0)
    prev = np.concatenate([[np.nan], n_reached[:-1].astype(float)])
    with np.errstate(divide="ignore", invalid="ignore"):
        conv = np.where(prev > 0, n_reached / prev * 100.0, np.nan)
    table = pd.DataFrame({"n_reached": n_reached, "n_at_stage": n_at, "conversion_pct": conv},
                         index=pd.Index(stages, name="stage"))

    if milestones is not None:
        _require_columns(projects, ["project_id"], "projects")
        _require_columns(milestones, ["project_id", "stage", date_col], "milestones")
        ms = milestones["stage"]
        bad = ms.notna() & ~ms.isin(STAGE_ORDER)
        if bad.any():
            raise ValueError(f"milestones: unknown stage value(s) {sorted(map(str, ms[bad].unique()))}; "
                             f"expected {STAGE_ORDER} or empty")
        dates = _to_datetimes(milestones[date_col], f"milestones[{date_col!r}]")
        ev = pd.DataFrame({"project_id": milestones["project_id"].to_numpy(), "stage": ms.to_numpy(),
                           "date": pd.to_datetime(pd.Series(dates).to_numpy())})
        ev = ev[ev["stage"].isin(stages) & ev["date"].notna()
                & ev["project_id"].isin(set(projects["project_id"].dropna()))]
        first = {s: ev.loc[ev["stage"] == s].groupby("project_id")["date"].min() for s in stages}
        med, n_timed = [np.nan], [0]
        for a, b in zip(stages, stages[1:]):
            both = first[a].index.intersection(first[b].index)
            d = (first[b].reindex(both) - first[a].reindex(both)) / pd.Timedelta(days=1)
            d = pd.Series(d, dtype=float).dropna()
            med.append(float(d.median()) if len(d) else np.nan)
            n_timed.append(int(len(d)))
        table["median_days_from_previous"] = med
        table["n_timed"] = n_timed

    return StageFunnel(table=table, n_projects=int(len(projects)), n_unknown=int(is_unknown.sum()),
                       unknown_ids=unknown_ids)


# ----------------------------------------------------------------------------------------------------------
# heat map
# ----------------------------------------------------------------------------------------------------------
def investment_heatmap(
    projects: pd.DataFrame,
    rows: str = "sector",
    cols: str = "lead_unit_zh",
    value: str = "total_investment",
    margins: bool = False,
    margins_name: str = "total",
    missing_label: str = "(not stated)",
) -> pd.DataFrame:
    """投资热力图: total investment by two categories, as a pivot table.

    Parameters
    ----------
    projects : DataFrame
        Projects with the columns named by ``rows``, ``cols`` and ``value``.
    rows, cols : str
        Category columns for the rows and columns of the table (default sector × lead unit).
    value : str, default 'total_investment'
        Numeric column to sum (yuan in the dataset).
    margins : bool, default False
        Add a total row and a total column named ``margins_name``.
    margins_name : str, default 'total'
        Label of the total row and column.
    missing_label : str, default '(not stated)'
        Label for projects whose row or column category is missing (kept, not dropped).

    Returns
    -------
    DataFrame
        Index: values of ``rows``; columns: values of ``cols``; cells: sum of ``value`` (unit of ``value``,
        yuan). A cell is NaN when no project falls in it or none of its projects states a value.

    Raises
    ------
    ValueError
        If a column is missing, ``rows == cols``, or ``value`` is not numeric.

    Notes
    -----
    ``cell(r, c) = sum of value over projects with rows == r and cols == c``, missing values skipped (a cell
    with only missing values is NaN, not 0). Qualifiers of the amounts (``at_least``, ``about``) are ignored:
    a sum of lower bounds is a lower bound.
    """
    _require_columns(projects, [rows, cols, value], "projects")
    if rows == cols:
        raise ValueError(f"rows and cols must be different columns; both are {rows!r}")
    v = _numeric(projects[value], f"projects[{value!r}]")
    r = projects[rows].astype(object).where(projects[rows].notna(), missing_label)
    c = projects[cols].astype(object).where(projects[cols].notna(), missing_label)
    frame = pd.DataFrame({rows: r.to_numpy(), cols: c.to_numpy(), value: v.to_numpy()})
    grouped = frame.groupby([rows, cols], sort=True)[value].sum(min_count=1)
    table = grouped.unstack(cols)
    table.columns.name = cols
    table.index.name = rows
    if margins:
        table[margins_name] = table.sum(axis=1, min_count=1)
        table.loc[margins_name] = table.sum(axis=0, min_count=1)
    return table
