"""Small regressions and tests for growth and targets (statsmodels).

* :func:`trend_growth`: average annual growth of a level series from a log-linear trend.
* :func:`actual_on_target`: the regression of actual outcomes on targets used in the literature on Chinese
  growth targets (Li, Liu, Weng and Zhou, *Economic Journal* 2019; Chang, Wang and Xiong, NBER w33718).
* :func:`bunching`: is actual/target more often just above 1 than just below it?

Every result states ``n``, the number of observations it used, and carries ``warning``: ``None`` when the
sample is large enough to say something, otherwise a sentence saying why the figure means little. Growth rates
are in percent (13.7 means +13.7 %), as the documents write them.

The documents give few points per series (often two or three), so the small-sample rules matter:

* fewer than :data:`MIN_N` (3) usable observations: ``ValueError`` (a regression with two points has no
  residual degrees of freedom, hence no confidence interval);
* fewer than :data:`WARN_N` (5): the result is returned with a warning;
* :func:`bunching`: fewer than :data:`BUNCHING_WARN_N` (10) observations inside the window: warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .results import Result, short, text_hint

#: A 1-D series of numbers: a Series, a list or an array (NaN for missing).
Series1D = pd.Series | np.ndarray | list | tuple


def _statsmodels():
    """statsmodels.api, imported on first use (it takes about a second to import, and most studies' default
    data are too small to call it)."""
    import statsmodels.api as sm

    return sm

__all__ = [
    "MIN_N",
    "WARN_N",
    "BUNCHING_WARN_N",
    "TrendGrowthResult",
    "ActualOnTargetResult",
    "BunchingResult",
    "trend_growth",
    "actual_on_target",
    "bunching",
]

#: Fewer usable observations than this raise ValueError (no residual degrees of freedom for a CI).
MIN_N = 3
#: Fewer usable observations than this give a result with a warning.
WARN_N = 5
#: Fewer observations inside the bunching window than this give a warning.
BUNCHING_WARN_N = 10


# --------------------------------------------------------------------------------------------------------------
# result objects
# --------------------------------------------------------------------------------------------------------------
def _ci(low: float, high: float, alpha: float, kind: str, digits: int) -> str:
    return f"{100 * (1 - alpha):g} % CI {short(low, kind, digits)} to {short(high, kind, digits)}"


def _warned(lines: list[str], warning: str | None) -> list[str]:
    return lines + ([f"warning: {warning}"] if warning else [])


@dataclass(frozen=True, repr=False)
class TrendGrowthResult(Result):
    """Average annual growth from a log-linear trend (see :func:`trend_growth`).

    Attributes
    ----------
    estimate, ci_low, ci_high : float
        Annual growth and its confidence interval, in percent.
    n : int
        Number of observations used (missing values dropped).
    warning : str or None
        Why the estimate means little, or None.
    slope : float
        OLS slope of log(level) on time, in log points per period.
    freq_per_year : float
        Periods per year used to annualise.
    alpha : float
        1 - confidence level.
    results : statsmodels RegressionResultsWrapper
        The fitted OLS model (``results.params`` = [const, slope]).
    """

    estimate: float
    ci_low: float
    ci_high: float
    n: int
    warning: str | None
    slope: float
    freq_per_year: float
    alpha: float
    results: Any = field(repr=False, compare=False)

    def _summary_lines(self) -> tuple[str, list[str]]:
        head = f"{short(self.estimate, 'pct_signed', 2)} a year ({_ci(self.ci_low, self.ci_high, self.alpha, 'pct_signed', 2)})"
        return head, _warned([f"n = {self.n}; log-linear OLS, .results for the fitted model"], self.warning)


@dataclass(frozen=True, repr=False)
class ActualOnTargetResult(Result):
    """OLS of actual on target (see :func:`actual_on_target`).

    Attributes
    ----------
    slope, slope_ci_low, slope_ci_high : float
        Slope b and its confidence interval (an elasticity when ``log`` is True).
    intercept, intercept_ci_low, intercept_ci_high : float
        Intercept a and its confidence interval (in the units of ``actual``, or log units when ``log``).
    n : int
        Number of (actual, target) pairs used (pairs with a missing value dropped).
    r_squared : float
        R² of the fit.
    log : bool
        Whether the regression was log(actual) on log(target).
    warning : str or None
        Why the estimate means little, or None.
    alpha : float
        1 - confidence level.
    results : statsmodels RegressionResultsWrapper
        The fitted OLS model (``results.params`` = [const, target]).
    """

    slope: float
    slope_ci_low: float
    slope_ci_high: float
    intercept: float
    intercept_ci_low: float
    intercept_ci_high: float
    n: int
    r_squared: float
    log: bool
    warning: str | None
    alpha: float
    results: Any = field(repr=False, compare=False)

    def _summary_lines(self) -> tuple[str, list[str]]:
        form = "log(actual) = a + b log(target)" if self.log else "actual = a + b target"
        lines = [f"b = {short(self.slope, 'number', 3)} ({_ci(self.slope_ci_low, self.slope_ci_high, self.alpha, 'number', 3)})",
                 f"a = {short(self.intercept, 'number', 3)} "
                 f"({_ci(self.intercept_ci_low, self.intercept_ci_high, self.alpha, 'number', 3)})",
                 f"R² = {short(self.r_squared, 'number', 3)}, n = {self.n}; .results for the fitted model"]
        return form, _warned(lines, self.warning)


@dataclass(frozen=True, repr=False)
class BunchingResult(Result):
    """Counts of actual/target just below and just above 1 (see :func:`bunching`).

    Attributes
    ----------
    n : int
        Observations inside the window ``[1 - window, 1 + window]`` (= ``n_below + n_above``); the binomial
        test's number of trials.
    n_below, n_above : int
        Ratios in ``[1 - window, 1)`` and in ``[1, 1 + window]``.
    n_total : int
        All usable ratios (missing values dropped), inside the window or not.
    share_above : float
        ``n_above / n`` (a fraction, not percent); NaN when ``n == 0``.
    p_value : float
        One-sided exact binomial p-value of H0: P(above | in window) = 0.5 against P(above) > 0.5; NaN when
        ``n == 0``.
    warning : str or None
        Why the test means little, or None.
    window, bin_width : float
        As given.
    ratio : pandas.Series
        actual / target for every input row (index kept; NaN where a value was missing).
    histogram : pandas.DataFrame
        Counts in bins of ``bin_width`` over the window, columns ``bin_left``, ``bin_right``, ``count``, ``side``
        ('below' or 'above' 1). Bins are closed on the left, the last one on both sides, so the counts of the
        'below' bins add up to ``n_below`` and those of the 'above' bins to ``n_above``.
    """

    n: int
    n_below: int
    n_above: int
    n_total: int
    share_above: float
    p_value: float
    warning: str | None
    window: float
    bin_width: float
    ratio: pd.Series = field(repr=False, compare=False)
    histogram: pd.DataFrame = field(repr=False, compare=False)

    def _summary_lines(self) -> tuple[str, list[str]]:
        lo, hi = short(1 - self.window, "number", 3), short(1 + self.window, "number", 3)
        from .reporting.format import fmt_p

        head = (f"{self.n_above} of {self.n} ratios in [{lo}, {hi}] at or above 1 "
                f"({short(self.share_above, 'share')}), one-sided binomial {fmt_p(self.p_value)}")
        return head, _warned([f"{self.n_total} usable ratios in all; .ratio, .histogram"], self.warning)


# --------------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------------
def _as_float_array(x: Any, name: str) -> np.ndarray:
    """1-D float array from a Series, list or array (NaN for missing); ValueError naming ``name`` otherwise."""
    if isinstance(x, pd.DataFrame):
        raise ValueError(f"{name}: expected a 1-D sequence (Series, list or array), got a DataFrame")
    if isinstance(x, (str, bytes)) or np.isscalar(x) or x is None:
        raise ValueError(f"{name}: expected a 1-D sequence (Series, list or array), got {x!r}{text_hint(x)}")
    values = x.to_numpy(dtype=object) if isinstance(x, (pd.Series, pd.Index)) else np.asarray(x, dtype=object)
    if values.ndim != 1:
        raise ValueError(f"{name}: expected a 1-D sequence, got shape {values.shape}")
    try:
        arr = pd.to_numeric(pd.Series(values, dtype=object), errors="raise").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: expected numbers, got a value that is not numeric ({exc})"
                         f"{text_hint(values)}") from None
    if np.isinf(arr).any():
        raise ValueError(f"{name}: infinite values at positions {np.flatnonzero(np.isinf(arr)).tolist()}")
    return arr


def _check_alpha(alpha: float) -> float:
    if not (isinstance(alpha, (int, float)) and 0 < float(alpha) < 1):
        raise ValueError(f"alpha: expected a number strictly between 0 and 1 (0.05 for a 95 % interval), got {alpha!r}")
    return float(alpha)


def _small_n(n: int, what: str) -> str | None:
    """Raise below MIN_N, return a warning text below WARN_N, else None."""
    if n < MIN_N:
        raise ValueError(
            f"{what}: needs at least {MIN_N} usable observations (non-missing), got {n}; "
            "with fewer there are no residual degrees of freedom and no confidence interval")
    if n < WARN_N:
        return (f"only {n} observations (fewer than {WARN_N}): the estimate means little and its confidence "
                f"interval rests on {n - 2} residual degree(s) of freedom")
    return None


# --------------------------------------------------------------------------------------------------------------
# trend growth
# --------------------------------------------------------------------------------------------------------------
def trend_growth(series: Series1D, freq_per_year: float = 1, *, time: Series1D | None = None,
                 alpha: float = 0.05) -> TrendGrowthResult:
    """Average annual growth of a level series from a log-linear trend.

    Parameters
    ----------
    series : pandas.Series or array-like of float
        Levels (e.g. yuan of fixed-asset investment), oldest first, equally spaced in time unless ``time`` is
        given. Missing values (NaN) are dropped; the remaining points keep their positions in time.
    freq_per_year : float, default 1
        Number of periods per year: 1 for annual data, 4 for quarterly, 12 for monthly.
    time : array-like of float, optional
        Time of each observation in periods (same length as ``series``). Default ``0, 1, ..., len(series) - 1``.
    alpha : float, default 0.05
        1 - confidence level of the interval (0.05 gives a 95 % interval).

    Returns
    -------
    TrendGrowthResult
        ``estimate``, ``ci_low``, ``ci_high`` in percent per year; ``n``; ``warning``; ``slope``; ``results``.

    Raises
    ------
    ValueError
        If a level is zero or negative (log undefined) or infinite, if ``time`` and ``series`` differ in
        length, if ``freq_per_year`` or ``alpha`` is out of range, if all time values are equal, or if fewer
        than :data:`MIN_N` (3) non-missing levels remain.

    Notes
    -----
    OLS of ``log(L_t) = c + b t + e_t`` with ``t`` in periods. Annual growth in percent:

    .. math:: g = 100\\,(e^{b f} - 1),

    with ``f = freq_per_year``. The confidence interval is the OLS t-interval of ``b`` mapped through the same
    monotone function, so it is exact for ``g`` whenever it is exact for ``b``. An exact exponential series
    with growth ``r`` per year gives ``g = 100 r`` and a zero-width interval. With fewer than :data:`WARN_N`
    (5) observations the result carries a warning.

    Examples
    --------
    >>> round(trend_growth([100, 110, 121, 133.1, 146.41]).estimate, 6)
    10.0
    """
    alpha = _check_alpha(alpha)
    if not (isinstance(freq_per_year, (int, float)) and np.isfinite(freq_per_year) and freq_per_year > 0):
        raise ValueError(f"freq_per_year: expected a positive number of periods per year (1, 4, 12), "
                         f"got {freq_per_year!r}")
    y = _as_float_array(series, "series")
    if time is None:
        t = np.arange(len(y), dtype=float)
    else:
        t = _as_float_array(time, "time")
        if len(t) != len(y):
            raise ValueError(f"time: expected the same length as series ({len(y)}), got {len(t)}")
        if np.isnan(t).any():
            raise ValueError("time: contains missing values")
    keep = ~np.isnan(y)
    y, t = y[keep], t[keep]
    bad = y <= 0
    if bad.any():
        raise ValueError(f"series: levels must be positive for a log-linear trend; got non-positive values "
                         f"{y[bad][:5].tolist()}")
    n = int(len(y))
    warning = _small_n(n, "trend_growth")
    if np.ptp(t) == 0:
        raise ValueError("time: all observations are at the same time; the trend is not identified")

    sm = _statsmodels()
    res = sm.OLS(np.log(y), sm.add_constant(t, has_constant="add")).fit()
    b = float(res.params[1])
    lo, hi = (float(v) for v in res.conf_int(alpha=alpha)[1])
    to_pct = lambda s: 100.0 * np.expm1(s * freq_per_year)  # noqa: E731
    return TrendGrowthResult(
        estimate=float(to_pct(b)), ci_low=float(to_pct(lo)), ci_high=float(to_pct(hi)), n=n, warning=warning,
        slope=b, freq_per_year=float(freq_per_year), alpha=alpha, results=res)


# --------------------------------------------------------------------------------------------------------------
# actual on target
# --------------------------------------------------------------------------------------------------------------
def _paired(actual: Any, target: Any) -> tuple[np.ndarray, np.ndarray, pd.Index | None]:
    """Two float arrays of equal length (pairs kept in order); the common index when both are Series."""
    if isinstance(actual, pd.Series) and isinstance(target, pd.Series):
        if len(actual) != len(target):
            raise ValueError(f"actual and target: expected the same length, got {len(actual)} and {len(target)}")
        if not actual.index.equals(target.index):
            raise ValueError("actual and target: the two Series have different indexes; align them first "
                             "(e.g. actual, target = actual.align(target, join='inner'))")
        index = actual.index
    else:
        index = actual.index if isinstance(actual, pd.Series) else target.index if isinstance(target, pd.Series) else None
    a = _as_float_array(actual, "actual")
    t = _as_float_array(target, "target")
    if len(a) != len(t):
        raise ValueError(f"actual and target: expected the same length, got {len(a)} and {len(t)}")
    return a, t, index


def actual_on_target(actual: Series1D, target: Series1D, *, log: bool = False,
                     alpha: float = 0.05) -> ActualOnTargetResult:
    """OLS of actual outcomes on their targets: ``actual = a + b * target``.

    Parameters
    ----------
    actual, target : pandas.Series or array-like of float
        Paired outcomes and targets in the same unit (e.g. growth in percent, or yuan). Two Series must have the
        same index. Pairs with a missing value are dropped.
    log : bool, default False
        Regress ``log(actual)`` on ``log(target)`` (an elasticity); both must then be positive.
    alpha : float, default 0.05
        1 - confidence level of the intervals.

    Returns
    -------
    ActualOnTargetResult
        Slope, intercept, their confidence intervals, ``n``, ``r_squared``, ``warning`` and ``results``.

    Raises
    ------
    ValueError
        If the lengths (or Series indexes) differ, values are not numeric or are infinite, ``log`` is True and a
        value is zero or negative, all targets are equal (slope not identified), or fewer than :data:`MIN_N` (3)
        complete pairs remain.

    Notes
    -----
    OLS of ``y_i = a + b x_i + e_i`` with ``y = actual, x = target`` (or their logs); t-intervals at level
    ``1 - alpha``. ``b = 1, a = 0`` means outcomes track targets one for one; in the growth-target literature a
    slope near 1 with actual mostly above target is read as targets that bind. Units: ``a`` in the unit of
    ``actual`` (log units when ``log``), ``b`` unit-free when both share a unit. With fewer than :data:`WARN_N`
    (5) pairs the result carries a warning.
    """
    alpha = _check_alpha(alpha)
    a, t, _ = _paired(actual, target)
    keep = ~(np.isnan(a) | np.isnan(t))
    a, t = a[keep], t[keep]
    if log:
        for name, arr in (("actual", a), ("target", t)):
            if (arr <= 0).any():
                raise ValueError(f"{name}: log=True needs positive values; got non-positive values "
                                 f"{arr[arr <= 0][:5].tolist()}")
        a, t = np.log(a), np.log(t)
    n = int(len(a))
    warning = _small_n(n, "actual_on_target")
    if np.ptp(t) == 0:
        raise ValueError("target: all targets are equal; the slope on target is not identified")

    sm = _statsmodels()
    res = sm.OLS(a, sm.add_constant(t, has_constant="add")).fit()
    ci = res.conf_int(alpha=alpha)
    return ActualOnTargetResult(
        slope=float(res.params[1]), slope_ci_low=float(ci[1][0]), slope_ci_high=float(ci[1][1]),
        intercept=float(res.params[0]), intercept_ci_low=float(ci[0][0]), intercept_ci_high=float(ci[0][1]),
        n=n, r_squared=float(res.rsquared), log=bool(log), warning=warning, alpha=alpha, results=res)


# --------------------------------------------------------------------------------------------------------------
# bunching
# --------------------------------------------------------------------------------------------------------------
def bunching(actual: Series1D, target: Series1D, bin_width: float = 0.02, window: float = 0.1) -> BunchingResult:
    """Is actual/target more often just above 1 than just below it?

    Parameters
    ----------
    actual, target : pandas.Series or array-like of float
        Paired outcomes and targets in the same unit (levels, e.g. yuan, or counts). Two Series must have the
        same index. Targets must be positive; pairs with a missing value are dropped.
    bin_width : float, default 0.02
        Width of the histogram bins of the ratio (a fraction: 0.02 = 2 % of target). ``window`` must be a whole
        multiple of it.
    window : float, default 0.1
        Half-width of the window around 1 (a fraction: 0.1 = within 10 % of target). Must be in (0, 1).

    Returns
    -------
    BunchingResult
        ``n`` (in window), ``n_below``, ``n_above``, ``n_total``, ``share_above``, ``p_value``, ``warning``,
        the ``ratio`` Series (input index kept) and a ``histogram`` DataFrame.

    Raises
    ------
    ValueError
        If lengths or Series indexes differ, values are not numeric or infinite, a target is zero or negative,
        ``window`` is not in (0, 1), ``bin_width`` is not positive, or ``window`` is not a whole multiple of
        ``bin_width``.

    Notes
    -----
    ``r_i = actual_i / target_i``. Below: ``1 - w <= r < 1``; above: ``1 <= r <= 1 + w`` (meeting the target
    exactly counts as above). Under the symmetric null the ratio's density is flat near 1, so an observation in
    the window is above with probability 1/2: the one-sided exact binomial test (``scipy.stats.binomtest``,
    ``alternative='greater'``) of ``n_above`` successes in ``n = n_below + n_above`` trials. ``share_above`` is a
    fraction. With fewer than :data:`BUNCHING_WARN_N` (10) observations in the window the result carries a
    warning; with none, ``share_above`` and ``p_value`` are NaN.
    """
    if not (isinstance(window, (int, float)) and 0 < window < 1):
        raise ValueError(f"window: expected a fraction in (0, 1), e.g. 0.1 for within 10 % of target, got {window!r}")
    if not (isinstance(bin_width, (int, float)) and np.isfinite(bin_width) and bin_width > 0):
        raise ValueError(f"bin_width: expected a positive fraction, e.g. 0.02, got {bin_width!r}")
    n_bins_side = window / bin_width
    if abs(n_bins_side - round(n_bins_side)) > 1e-9 * max(1.0, n_bins_side) or round(n_bins_side) < 1:
        raise ValueError(f"bin_width: window ({window}) must be a whole multiple of bin_width ({bin_width})")
    m = int(round(n_bins_side))

    a, t, index = _paired(actual, target)
    bad = t <= 0
    if bad.any():
        raise ValueError(f"target: must be positive for the ratio actual/target; got non-positive values "
                         f"{t[bad][:5].tolist()}")
    with np.errstate(invalid="ignore"):
        r = a / t
    ratio = pd.Series(r, index=index, name="ratio")
    valid = r[~np.isnan(r)]
    lo, hi = 1.0 - window, 1.0 + window
    below_mask = (valid >= lo) & (valid < 1.0)
    above_mask = (valid >= 1.0) & (valid <= hi)
    n_below, n_above = int(below_mask.sum()), int(above_mask.sum())
    n = n_below + n_above

    edges = np.linspace(lo, hi, 2 * m + 1)
    edges[m] = 1.0
    counts, _ = np.histogram(valid[below_mask | above_mask], bins=edges)
    histogram = pd.DataFrame({"bin_left": edges[:-1], "bin_right": edges[1:], "count": counts.astype(int),
                              "side": ["below"] * m + ["above"] * m})

    if n == 0:
        share, p = float("nan"), float("nan")
    else:
        share = n_above / n
        from scipy import stats as _sps

        p = float(_sps.binomtest(n_above, n, 0.5, alternative="greater").pvalue)
    warning = None
    if n < BUNCHING_WARN_N:
        warning = (f"only {n} observation(s) within ±{window:g} of target (fewer than {BUNCHING_WARN_N}): "
                   "the test has little power and the share above means little")
    return BunchingResult(n=n, n_below=n_below, n_above=n_above, n_total=int(len(valid)), share_above=share,
                          p_value=p, warning=warning, window=float(window), bin_width=float(bin_width),
                          ratio=ratio, histogram=histogram)
