"""Growth rates as Chinese statistical reports write them.

Year-on-year growth and the base it implies, revision factors, the decomposition of a total's growth into
its components' pulls (拉动) and contribution shares (贡献率) with a consistency check, average-size growth
from count and value growth, a single month from year-to-date figures, compound and annualised rates,
``增长N倍`` versus ``是…的N倍``, and regional scoreboards (投资"赛马") with rank stability.

Conventions (the codebook ``data/CODEBOOK.md``, rule 5 on growth, and the definitions below):

* **Growth rates are in percent**: ``13.7`` means +13.7 %. Arguments and results named ``*_pct`` are percent.
* **Pulls are in percentage points** (pp) of the total's growth rate.
* **Contribution shares are fractions** (0.36 means 36 % of the total's increment).
* Levels are in whatever unit the caller gives (yuan, 亿元, counts); functions never rescale them.
* pandas in, pandas out: Series/DataFrame inputs keep their index; scalar inputs give Python floats.
  Two pandas inputs must have the same index (no silent alignment to NaN).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from .periods import period_order
from .results import Numbers, Result, float_array, reject_text, short, text_hint
from .units import Quantity

#: Components of a total: a Series or dict keyed by component name, or a list or array (numbers or numeric text).
Components = pd.Series | dict | list | tuple | np.ndarray

__all__ = [
    "GrowthResult",
    "BoundedBase",
    "ComponentCheck",
    "yoy_growth",
    "implied_base",
    "increment",
    "decompose_growth",
    "revision_factor",
    "pull",
    "contribution_share",
    "decompose_components",
    "rounding_half_unit",
    "check_components",
    "average_size_growth",
    "single_month_from_ytd",
    "cagr",
    "annualise",
    "growth_from_times",
    "implied_base_bound",
    "scoreboard",
    "rank_stability",
]

# --- input handling -----------------------------------------------------------------------------------------


def _num(x: Any, name: str) -> Any:
    """Check that ``x`` is numeric; return a float, a float ndarray, or the pandas object as float."""
    if not isinstance(x, (pd.Series, pd.DataFrame)):
        reject_text(x, name)
    if isinstance(x, Quantity):
        raise ValueError(f"{name}: got a Quantity ({x.raw or x.value!r}); pass its .value (or use "
                         f"growth_from_times / implied_base_bound, which read Quantities)")
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{name}: expected a number, got a boolean {x!r}")
    if isinstance(x, (Real, np.number)):
        return float(x)
    if isinstance(x, pd.Series):
        if pd.api.types.is_bool_dtype(x) or not pd.api.types.is_numeric_dtype(x):
            raise ValueError(f"{name}: expected a numeric Series, got dtype {x.dtype}{text_hint(x)}")
        return x.astype(float)
    if isinstance(x, pd.DataFrame):
        bad = [c for c in x.columns if pd.api.types.is_bool_dtype(x[c]) or not pd.api.types.is_numeric_dtype(x[c])]
        if bad:
            raise ValueError(f"{name}: expected numeric columns, but {bad[:5]} are not numeric{text_hint(x[bad])}")
        return x.astype(float)
    if isinstance(x, (list, tuple, np.ndarray)):
        return float_array(x, name)
    raise ValueError(f"{name}: expected a number, array, Series or DataFrame, got {type(x).__name__}: {x!r}")


def _check_aligned(**named: Any) -> None:
    """Pandas inputs must share their index (and columns); Series and DataFrames must not be mixed."""
    pandas = [(n, v) for n, v in named.items() if isinstance(v, (pd.Series, pd.DataFrame))]
    if len(pandas) < 2:
        return
    first_name, first = pandas[0]
    for name, other in pandas[1:]:
        if type(other) is not type(first):
            raise ValueError(f"{first_name} is a {type(first).__name__} but {name} is a {type(other).__name__}; "
                             f"pass both as Series or both as DataFrames")
        if not other.index.equals(first.index):
            raise ValueError(f"{name} and {first_name} have different indexes; align them first "
                             f"(e.g. {name}.reindex({first_name}.index))")
        if isinstance(first, pd.DataFrame) and not other.columns.equals(first.columns):
            raise ValueError(f"{name} and {first_name} have different columns; align them first")


def _check_growth(g: Any, name: str) -> None:
    if np.any(np.asarray(g) <= -100.0):
        raise ValueError(f"{name}: a growth rate of -100 % or less implies a zero or negative base; "
                         f"got a minimum of {np.nanmin(np.asarray(g, dtype=float))} (rates are in percent)")


def _check_positive(x: Any, name: str, what: str = "positive") -> None:
    if np.any(np.asarray(x) <= 0):
        raise ValueError(f"{name}: expected {what} values, got a minimum of {np.nanmin(np.asarray(x, dtype=float))}")


def _out(res: Any, name: str) -> Any:
    if isinstance(res, pd.Series):
        return res.rename(name)
    if isinstance(res, pd.DataFrame):
        return res
    if np.ndim(res) == 0:
        return float(res)
    return res


# --- year-on-year growth, base and increment ---------------------------------------------------------------


def yoy_growth(current: Numbers, previous: Numbers) -> Numbers:
    """Year-on-year growth in percent.

    Parameters
    ----------
    current, previous : float, array-like, Series or DataFrame
        Levels of this period and of the same period a year earlier, in the same unit.

    Returns
    -------
    float, ndarray, Series or DataFrame
        Growth in percent (13.7 means +13.7 %); a Series is named ``growth_pct``.

    Raises
    ------
    ValueError
        When an input is not numeric, pandas inputs have different indexes, or ``previous`` is 0
        (growth from a zero base is undefined). NaN passes through as NaN.

    Notes
    -----
    ``g = (current / previous - 1) * 100`` (percent).
    """
    current, previous = _num(current, "current"), _num(previous, "previous")
    _check_aligned(current=current, previous=previous)
    if np.any(np.asarray(previous) == 0):
        raise ValueError("previous: growth from a zero base is undefined; some previous levels are 0")
    return _out((current / previous - 1.0) * 100.0, "growth_pct")


def implied_base(level: Numbers, growth_pct: Numbers) -> Numbers:
    """The prior-year level implied by a level and its year-on-year growth.

    Parameters
    ----------
    level : float, array-like, Series or DataFrame
        Current level (any unit).
    growth_pct : float, array-like, Series or DataFrame
        Year-on-year growth in percent.

    Returns
    -------
    float, ndarray, Series or DataFrame
        The implied base in the unit of ``level``; a Series is named ``base``.

    Raises
    ------
    ValueError
        For non-numeric input, misaligned pandas inputs, or a growth rate of -100 % or less.

    Notes
    -----
    ``base = level / (1 + g/100)``. A rate of 0 gives ``base == level``.
    """
    level, growth_pct = _num(level, "level"), _num(growth_pct, "growth_pct")
    _check_aligned(level=level, growth_pct=growth_pct)
    _check_growth(growth_pct, "growth_pct")
    return _out(level / (1.0 + growth_pct / 100.0), "base")


def increment(level: Numbers, growth_pct: Numbers) -> Numbers:
    """The year-on-year increment implied by a level and its growth.

    Parameters
    ----------
    level, growth_pct : float, array-like, Series or DataFrame
        The current level (any unit) and its year-on-year growth in percent, as for :func:`implied_base`.

    Returns
    -------
    float, ndarray, Series or DataFrame
        ``level - implied_base`` in the unit of ``level``; a Series is named ``increment``.

    Raises
    ------
    ValueError
        As :func:`implied_base`.

    Notes
    -----
    ``increment = level - level / (1 + g/100) = level * g / (100 + g)``.
    """
    base = implied_base(level, growth_pct)
    return _out(_num(level, "level") - base, "increment")


@dataclass(frozen=True, repr=False)
class GrowthResult(Result):
    """A level with its growth, implied base and increment (all vectorised alike).

    Attributes
    ----------
    level : float, ndarray or Series
        Current level.
    growth_pct : float, ndarray or Series
        Year-on-year growth in percent.
    base : float, ndarray or Series
        Implied prior-year level, ``level / (1 + g/100)``.
    increment : float, ndarray or Series
        ``level - base``.
    ratio : float, ndarray or Series
        ``level / base = 1 + g/100``.
    """

    level: Numbers
    growth_pct: Numbers
    base: Numbers
    increment: Numbers
    ratio: Numbers

    def _summary_lines(self) -> tuple[str, list[str]]:
        if np.ndim(self.level) == 0:
            head = (f"level {short(self.level)} growing {short(self.growth_pct, 'pct_signed', 2)} "
                    f"from a base of {short(self.base)}")
            return head, [f"increment {short(self.increment)}, ratio {short(self.ratio, 'multiple', 4)} "
                          "(level / base)"]
        n = int(np.size(self.level))
        return (f"{n} levels with their growth", [
            f"level: {short(self.level)}", f"growth: {short(self.growth_pct, 'pct_signed', 2)}",
            f"base: {short(self.base)}", f"increment: {short(self.increment)}",
            "fields .level, .growth_pct, .base, .increment, .ratio (full precision)"])


def decompose_growth(level: Numbers, growth_pct: Numbers) -> GrowthResult:
    """Implied base, increment and ratio of a level with its growth, in one call.

    Parameters
    ----------
    level, growth_pct : float, array-like, Series or DataFrame
        The current level (any unit) and its year-on-year growth in percent (see :func:`implied_base`).

    Returns
    -------
    GrowthResult
        ``level``, ``growth_pct``, ``base``, ``increment`` and ``ratio``.

    Raises
    ------
    ValueError
        For non-numeric input, misaligned pandas inputs, or a growth rate of -100 % or less (the checks of
        :func:`implied_base`).

    Notes
    -----
    ``ratio = 1 + g/100``; ``base = level / ratio``; ``increment = level - base``.
    """
    lv, g = _num(level, "level"), _num(growth_pct, "growth_pct")
    base = implied_base(lv, g)
    return GrowthResult(level=_out(lv, "level"), growth_pct=_out(g, "growth_pct"), base=base,
                        increment=_out(lv - base, "increment"), ratio=_out(1.0 + g / 100.0, "ratio"))


def revision_factor(level: Numbers, growth_pct: Numbers, published_prior: Numbers) -> Numbers:
    """Implied base over the prior-year level as it was published.

    Parameters
    ----------
    level : float, array-like, Series or DataFrame
        Current level as published.
    growth_pct : float, array-like, Series or DataFrame
        Year-on-year growth in percent as published with ``level``.
    published_prior : float, array-like, Series or DataFrame
        The prior-year level as published a year earlier, same unit as ``level``.

    Returns
    -------
    float, ndarray, Series or DataFrame
        ``implied_base / published_prior`` (a fraction; 1 means no revision); a Series is named
        ``revision_factor``.

    Raises
    ------
    ValueError
        For non-numeric or misaligned input, a growth rate of -100 % or less, or a zero ``published_prior``.

    Notes
    -----
    ``factor = [level / (1 + g/100)] / published_prior``.

    Official growth rates are computed on a *revised* base (same-scope comparison, 可比口径: statistical
    enforcement, changes of coverage and data quality checks revise last year's figure), and the revised base
    is not back-filled into last year's published level. Levels and rates therefore disagree: national
    fixed-asset investment in 2017-2019 was published as growing about 5-7 % a year while the published levels
    barely rose (2018) and then fell by about an eighth (2019), because the bases had been revised down; the
    factor there is well below 1. A factor far from 1 is
    information about revisions, not an arithmetic error: report it rather than force agreement.
    """
    prior = _num(published_prior, "published_prior")
    _check_aligned(level=_num(level, "level"), published_prior=prior)
    if np.any(np.asarray(prior) == 0):
        raise ValueError("published_prior: a published prior level of 0 gives no revision factor")
    return _out(implied_base(level, growth_pct) / prior, "revision_factor")


# --- components: pull (拉动) and contribution share (贡献率) ---------------------------------------------------


def pull(level: Numbers, growth_pct: Numbers, total_level: Numbers, total_growth_pct: Numbers) -> Numbers:
    """Pull (拉动) of a component on its total's growth, in percentage points.

    Parameters
    ----------
    level, growth_pct : float, array-like, Series or DataFrame
        The component's level and growth (percent).
    total_level, total_growth_pct : float, array-like, Series or DataFrame
        The total's level and growth (percent); broadcast against the component (e.g. merged onto
        component rows of a panel).

    Returns
    -------
    float, ndarray, Series or DataFrame
        Pull in percentage points; a Series is named ``pull_pp``.

    Raises
    ------
    ValueError
        For non-numeric input, a component and a total that are not aligned, or a growth rate of -100 % or
        less (which leaves no base).

    Notes
    -----
    ``pull_i = increment_i / base_total * 100`` (pp), with ``increment_i = L_i - L_i/(1+g_i/100)`` and
    ``base_total = L_total / (1 + g_total/100)``. When the components add up to the total, their pulls add
    up to the total's growth rate.
    """
    inc = increment(level, growth_pct)
    base_total = implied_base(total_level, total_growth_pct)
    _check_aligned(level=inc, total_level=base_total)
    return _out(inc / base_total * 100.0, "pull_pp")


def contribution_share(level: Numbers, growth_pct: Numbers, total_level: Numbers, total_growth_pct: Numbers) -> Numbers:
    """Contribution share (贡献率) of a component to its total's increment, as a fraction.

    Parameters
    ----------
    level, growth_pct, total_level, total_growth_pct : float, array-like, Series or DataFrame
        As for :func:`pull`: the component's level and growth (percent), and the total's.

    Returns
    -------
    float, ndarray, Series or DataFrame
        ``increment_i / increment_total`` as a fraction (0.36 = 36 %); a Series is named ``contribution_share``.
        Where the total's increment is 0 (total growth 0 %) the share is undefined and returned as NaN.

    Raises
    ------
    ValueError
        As :func:`pull`.

    Notes
    -----
    ``share_i = increment_i / increment_total``; equivalently ``pull_i / g_total``. Shares add up to 1 when the
    components add up to the total; a component that shrank has a negative share.
    """
    inc = increment(level, growth_pct)
    inc_total = increment(total_level, total_growth_pct)
    _check_aligned(level=inc, total_level=inc_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = inc / (inc_total if np.ndim(inc_total) else (inc_total or np.nan))
    if isinstance(share, (pd.Series, pd.DataFrame)):
        share = share.replace([np.inf, -np.inf], np.nan)
    elif np.ndim(share):
        share = np.where(np.isfinite(share), share, np.nan)
    return _out(share, "contribution_share")


_PLAIN_NUMBER = re.compile(r"^\s*[+-]?(\d+)(?:\.(\d*))?\s*%?\s*$")


def _one_half_unit(x: Any, name: str) -> float:
    if isinstance(x, str):
        m = _PLAIN_NUMBER.match(x)
        if not m:
            _not_plain(x, name)
        decimals = len(m.group(2) or "")
    else:
        if isinstance(x, (bool, np.bool_)) or not isinstance(x, (Real, np.number)):
            raise ValueError(f"{name}: expected a number or a numeric string, got {type(x).__name__}: {x!r}")
        if not math.isfinite(float(x)):
            return float("nan")
        text = np.format_float_positional(float(x), trim="-")
        decimals = len(text.split(".")[1]) if "." in text else 0
    return 0.5 * 10.0 ** (-decimals)


def rounding_half_unit(reported: Numbers | str) -> Numbers:
    """Half a unit of the last digit reported: the rounding error a published figure may carry.

    Parameters
    ----------
    reported : float, str, array-like or Series
        Figures as reported. Strings keep trailing zeros (``'7.20'`` has two decimals); floats are read in
        their shortest form (``7.20`` is ``7.2``, one decimal, so the tolerance is the wider ±0.05).

    Returns
    -------
    float, ndarray or Series
        ``0.5 * 10**(-decimals)``, in the unit the figure is written in (``20.75`` 亿元 → 0.005 亿元;
        ``42.45`` % → 0.005 pp).

    Raises
    ------
    ValueError
        For a string that is not a plain number, or a non-numeric value.

    Notes
    -----
    Give levels in the unit the document reports (20.75 for 20.75亿元, not 2.075e9 yuan): an integer like
    2075000000 reads as exact to ±0.5 yuan. Computed floats (``0.1 + 0.2``) carry binary noise and read as
    17 decimals; pass explicit tolerances for those.
    """
    if isinstance(reported, pd.Series):
        return pd.Series([_one_half_unit(v, "reported") for v in reported], index=reported.index,
                         name="half_unit", dtype=float)
    if isinstance(reported, (list, tuple, np.ndarray)):
        return np.array([_one_half_unit(v, "reported") for v in np.asarray(reported, dtype=object).ravel()],
                        dtype=float).reshape(np.shape(reported))
    return _one_half_unit(reported, "reported")


def _components_frame(levels: Any, growth_pcts: Any) -> pd.DataFrame:
    """Components as a DataFrame with raw (possibly string) values in columns ``level_raw``, ``growth_raw``."""

    def as_series(x: Any, name: str) -> pd.Series:
        if isinstance(x, pd.Series):
            return x
        if isinstance(x, dict):
            return pd.Series(x, dtype=object)
        if isinstance(x, (list, tuple, np.ndarray)):
            return pd.Series(list(np.asarray(x, dtype=object).ravel()), dtype=object)
        raise ValueError(f"{name}: expected a Series, dict, list or array of components, got {type(x).__name__}")

    lv, g = as_series(levels, "levels"), as_series(growth_pcts, "growth_pcts")
    if len(lv) == 0:
        raise ValueError("levels: no components given")
    if not lv.index.is_unique:
        raise ValueError("levels: component names (the index) must be unique")
    if not lv.index.equals(g.index):
        if set(lv.index) != set(g.index) or not g.index.is_unique:
            raise ValueError(f"levels and growth_pcts name different components: {list(lv.index)} vs {list(g.index)}")
        g = g.reindex(lv.index)
    return pd.DataFrame({"level_raw": lv, "growth_raw": g})


def _to_float(s: pd.Series, name: str) -> pd.Series:
    def conv(v: Any) -> float:
        return _scalar(v, name, "numbers")

    return pd.Series([conv(v) for v in s], index=s.index, dtype=float)


def _not_plain(x: str, name: str) -> None:
    """A figure as text that is not a plain number (``'20.75'``, ``'42.45%'``): say to read it with
    parse_quantity, in the unit the document reports."""
    raise ValueError(f"{name}: {x!r} is not a plain number (expected e.g. '20.75' or '42.45%', in the unit the "
                     f"document reports). Read a figure as written with analysis.parse_quantity({x!r}); see "
                     f"data/CODEBOOK.md, rules 3-5")


def _scalar(x: Any, name: str, what: str = "a single number") -> float:
    if isinstance(x, str):
        if not _PLAIN_NUMBER.match(x):
            _not_plain(x, name)
        return float(x.strip().rstrip("%"))
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (Real, np.number)):
        raise ValueError(f"{name}: expected {what} (or numeric string), got {type(x).__name__}: {x!r}")
    return float(x)


def decompose_components(total_level: float | str, total_growth_pct: float | str, levels: Components, growth_pcts: Components) -> pd.DataFrame:
    """Implied base, increment, pull (拉动) and contribution share (贡献率) of each component of a total.

    Parameters
    ----------
    total_level : float or str
        The total's level (e.g. ``20.75`` for 20.75亿元).
    total_growth_pct : float or str
        The total's year-on-year growth in percent.
    levels : Series, dict, list or array
        Component levels, same unit as ``total_level``; the index (or dict keys) names the components.
        Numeric strings are accepted.
    growth_pcts : Series, dict, list or array
        Component growth rates in percent, for the same components.

    Returns
    -------
    DataFrame
        Indexed by component, columns:

        ``level``, ``growth_pct``
            as given (float);
        ``base``
            implied base ``L_i / (1 + g_i/100)``;
        ``increment``
            ``L_i - base_i``;
        ``pull_pp``
            ``increment_i / base_total * 100``, percentage points of the total's growth;
        ``contribution_share``
            ``increment_i / increment_total``, a fraction (NaN when the total did not grow).

    Raises
    ------
    ValueError
        For non-numeric values, mismatched component names, an empty list or growth rates of -100 % or less.

    Notes
    -----
    The total's base and increment come from the *reported* total: ``base_total = L_total / (1 + g_total/100)``.
    Pulls add up to ``g_total`` and shares to 1 only when the components are consistent with the total;
    use :func:`check_components` to test that. For a panel of many totals use :func:`pull` and
    :func:`contribution_share`, which broadcast over rows.
    """
    tl, tg = _scalar(total_level, "total_level"), _scalar(total_growth_pct, "total_growth_pct")
    frame = _components_frame(levels, growth_pcts)
    lv, g = _to_float(frame["level_raw"], "levels"), _to_float(frame["growth_raw"], "growth_pcts")
    _check_growth(g, "growth_pcts")
    _check_growth(tg, "total_growth_pct")
    out = pd.DataFrame({"level": lv, "growth_pct": g})
    out["base"] = implied_base(lv, g)
    out["increment"] = lv - out["base"]
    out["pull_pp"] = pull(lv, g, tl, tg)
    out["contribution_share"] = contribution_share(lv, g, tl, tg)
    out.index.name = frame.index.name or "component"
    return out


@dataclass(frozen=True, repr=False)
class ComponentCheck(Result):
    """Result of :func:`check_components`.

    Attributes
    ----------
    checks : DataFrame
        One row per check, indexed by ``check`` (``level_sum``, ``growth_rate``), columns ``reported``,
        ``implied``, ``difference`` (implied - reported), ``tolerance`` (≥ 0), ``ok`` (bool) and ``unit``
        (``level`` for the level check, ``pp`` for the rate check).
    ok : bool
        True when every check is within its tolerance.
    failed : tuple of str
        Names of the checks that are not.
    verdict : str
        One sentence saying which part disagrees and by how much, or that all agree.
    implied_growth_pct : float
        The total's growth implied by the components, ``sum L_i / sum base_i - 1``, in percent.
    components : DataFrame
        The decomposition from :func:`decompose_components`.
    """

    checks: pd.DataFrame
    ok: bool
    failed: tuple
    verdict: str
    implied_growth_pct: float
    components: pd.DataFrame

    def _summary_lines(self) -> tuple[str, list[str]]:
        head = "consistent" if self.ok else f"inconsistent ({', '.join(self.failed)})"
        lines = []
        for name, row in self.checks.iterrows():
            kind, unit, what = (("number", "", "level sum") if row["unit"] == "level" else
                                ("pct", " pp", "growth rate"))
            lines.append(f"{what}: implied {short(row['implied'], kind, 2)} vs reported "
                         f"{short(row['reported'], kind, 2)}, difference {'+' if row['difference'] > 0 else ''}"
                         f"{short(row['difference'], 'number', 3)}{unit} (tolerance ±{short(row['tolerance'], 'number', 3)}"
                         f"{unit}): {'ok' if row['ok'] else 'FAILS'}")
        names = ", ".join(str(c) for c in self.components.index[:5])
        more = ", ..." if len(self.components) > 5 else ""
        lines.append(f"{len(self.components)} components: {names}{more} (.components; .checks, .verdict)")
        return head, lines


def check_components(
    total_level: float | str,
    total_growth_pct: float | str,
    levels: Components,
    growth_pcts: Components,
    *,
    level_half_units: float | dict | pd.Series | None = None,
    rate_half_units: float | dict | pd.Series | None = None,
) -> ComponentCheck:
    """Do components add up to their total, in level and in growth rate, within the rounding reported?

    Parameters
    ----------
    total_level : float or str
        The total's level in the unit reported (``20.75`` for 20.75亿元). A string keeps trailing zeros.
    total_growth_pct : float or str
        The total's growth in percent as reported (``42.45``).
    levels : Series, dict, list or array
        Component levels in the same unit (floats or numeric strings). The components should be exhaustive:
        a partial breakdown (其中 listing only some parts) fails the level check by design.
    growth_pcts : Series, dict, list or array
        Component growth rates in percent.
    level_half_units : float, dict or Series, optional
        Rounding half-widths of the levels, keyed ``'total'`` and by component name (or one number for all).
        By default inferred from the reported digits (:func:`rounding_half_unit`): 20.75 → ±0.005, 7.2 → ±0.05.
    rate_half_units : float, dict or Series, optional
        The same for the growth rates, in pp: 42.45 → ±0.005.

    Returns
    -------
    ComponentCheck
        ``checks`` DataFrame (check, reported, implied, difference, tolerance, ok, unit), ``ok``, ``failed``,
        ``verdict``, ``implied_growth_pct`` and the ``components`` decomposition.

    Raises
    ------
    ValueError
        For non-numeric values, mismatched component names, negative half units, or growth of -100 % or less.

    Notes
    -----
    Two checks:

    ``level_sum``
        ``sum L_i`` against ``L_total``; tolerance ``h(L_total) + sum h(L_i)`` (h: half unit of the last digit).
    ``growth_rate``
        ``G = (sum L_i / sum B_i - 1) * 100`` with ``B_i = L_i / (1 + g_i/100)``, against ``g_total`` (pp).
        Tolerance: ``h(g_total)`` plus the first-order worst case of the component roundings,
        ``sum |dG/dL_i| h(L_i) + sum |dG/dg_i| h(g_i)``, where, with ``R = sum L / sum B``,
        ``dG/dL_i = 100 (1 - R/(1+g_i/100)) / sum B`` and ``dG/dg_i = R * B_i / ((1+g_i/100) sum B)`` (pp per pp).

    A small relative allowance (1e-9) absorbs floating-point noise. A failed rate check with a passing level
    check often means the rates were computed on revised bases (see :func:`revision_factor`): report it
    rather than force agreement.
    """
    frame = _components_frame(levels, growth_pcts)
    names = list(frame.index)

    def half_units(override: Any, total_raw: Any, comp_raw: pd.Series, label: str) -> tuple[float, pd.Series]:
        if override is None:
            return _one_half_unit(total_raw, f"total {label}"), rounding_half_unit(comp_raw.astype(object)).rename(None)
        if isinstance(override, (dict, pd.Series)):
            ov = dict(override)
            missing = [k for k in ["total", *names] if k not in ov]
            if missing:
                raise ValueError(f"{label}_half_units: missing entries for {missing} (keys: 'total' and component names)")
            h_t = _scalar(ov["total"], f"{label}_half_units['total']")
            h_c = pd.Series([_scalar(ov[k], f"{label}_half_units[{k!r}]") for k in names], index=frame.index)
        else:
            h_t = _scalar(override, f"{label}_half_units")
            h_c = pd.Series(h_t, index=frame.index, dtype=float)
        if h_t < 0 or (h_c < 0).any():
            raise ValueError(f"{label}_half_units: tolerances must be >= 0")
        return h_t, h_c

    hL_t, hL = half_units(level_half_units, total_level, frame["level_raw"], "level")
    hg_t, hg = half_units(rate_half_units, total_growth_pct, frame["growth_raw"], "rate")

    comp = decompose_components(total_level, total_growth_pct, frame["level_raw"], frame["growth_raw"])
    tl, tg = _scalar(total_level, "total_level"), _scalar(total_growth_pct, "total_growth_pct")
    lv, g, base = comp["level"], comp["growth_pct"], comp["base"]
    s_l, s_b = float(lv.sum()), float(base.sum())
    if s_b <= 0:
        raise ValueError(f"levels: the components' implied bases sum to {s_b}; expected a positive total base")
    ratio = s_l / s_b
    implied_g = (ratio - 1.0) * 100.0
    one_g = 1.0 + g / 100.0
    d_level = (100.0 * (1.0 - ratio / one_g) / s_b).abs()
    d_rate = (ratio * base / (one_g * s_b)).abs()
    tol_rate = hg_t + float((d_level * hL).sum() + (d_rate * hg).sum())
    tol_level = hL_t + float(hL.sum())

    checks = pd.DataFrame(
        {
            "reported": [tl, tg],
            "implied": [s_l, implied_g],
            "tolerance": [tol_level, tol_rate],
            "unit": ["level", "pp"],
        },
        index=pd.Index(["level_sum", "growth_rate"], name="check"),
    )
    checks.insert(2, "difference", checks["implied"] - checks["reported"])
    eps = 1e-9 * np.maximum(1.0, checks["reported"].abs())
    checks["ok"] = checks["difference"].abs() <= checks["tolerance"] + eps
    checks = checks[["reported", "implied", "difference", "tolerance", "ok", "unit"]]

    failed = tuple(checks.index[~checks["ok"]])
    if not failed:
        verdict = (f"consistent: components sum to {s_l:.6g} (reported {tl:.6g}, tolerance ±{tol_level:.3g}) and "
                   f"imply growth {implied_g:.4f} % (reported {tg:.6g} %, difference {implied_g - tg:+.4f} pp, "
                   f"tolerance ±{tol_rate:.4f} pp)")
    else:
        parts = []
        for name in failed:
            row = checks.loc[name]
            what = "component levels sum" if name == "level_sum" else "implied growth rate"
            unit = "" if name == "level_sum" else " pp"
            parts.append(f"{what} differs from the reported total by {row['difference']:+.6g}{unit} "
                         f"(tolerance ±{row['tolerance']:.3g}{unit})")
        verdict = "inconsistent: " + "; ".join(parts)
    return ComponentCheck(checks=checks, ok=not failed, failed=failed, verdict=verdict,
                          implied_growth_pct=implied_g, components=comp)


# --- other growth arithmetic ---------------------------------------------------------------------------------


def average_size_growth(count_growth_pct: Numbers, value_growth_pct: Numbers) -> Numbers:
    """Growth of the average size (value per item) from the growth of the count and of the total value.

    Parameters
    ----------
    count_growth_pct : float, array-like, Series or DataFrame
        Growth of the number of items (e.g. projects) in percent.
    value_growth_pct : float, array-like, Series or DataFrame
        Growth of their total value (e.g. investment) in percent.

    Returns
    -------
    float, ndarray, Series or DataFrame
        Growth of the average value per item in percent; a Series is named ``average_size_growth_pct``.

    Raises
    ------
    ValueError
        For non-numeric or misaligned rates, or a rate of -100 % or less (a count or value that vanished).

    Notes
    -----
    ``(1 + g_value/100) / (1 + g_count/100) - 1``, times 100 (percent). It assumes both rates are on the same
    set of items (same scope).
    """
    gc, gv = _num(count_growth_pct, "count_growth_pct"), _num(value_growth_pct, "value_growth_pct")
    _check_aligned(count_growth_pct=gc, value_growth_pct=gv)
    _check_growth(gc, "count_growth_pct")
    _check_growth(gv, "value_growth_pct")
    return _out(((1.0 + gv / 100.0) / (1.0 + gc / 100.0) - 1.0) * 100.0, "average_size_growth_pct")


def single_month_from_ytd(ytd: Numbers, ytd_prev: Numbers, growth_ytd_pct: Numbers, growth_ytd_prev_pct: Numbers) -> Numbers:
    """Year-on-year growth of a single month from cumulative (year-to-date) figures.

    Parameters
    ----------
    ytd : float, array-like, Series or DataFrame
        Year-to-date level to month m (e.g. 1-10月).
    ytd_prev : float, array-like, Series or DataFrame
        Year-to-date level to month m-1 (1-9月), same unit.
    growth_ytd_pct : float, array-like, Series or DataFrame
        Year-on-year growth of ``ytd`` in percent.
    growth_ytd_prev_pct : float, array-like, Series or DataFrame
        Year-on-year growth of ``ytd_prev`` in percent.

    Returns
    -------
    float, ndarray, Series or DataFrame
        Growth of month m alone in percent; a Series is named ``single_month_growth_pct``. NaN where the
        implied prior-year single month is zero or negative (a growth rate from such a base is meaningless).

    Raises
    ------
    ValueError
        For non-numeric or misaligned figures, or a year-to-date rate of -100 % or less.

    Notes
    -----
    ``[YTD(m) - YTD(m-1)] / [YTD(m)/(1+g_m/100) - YTD(m-1)/(1+g_{m-1}/100)] - 1``, times 100 (percent).
    The implied bases use the rates as published, so revised bases carry into the single month.
    """
    y, yp = _num(ytd, "ytd"), _num(ytd_prev, "ytd_prev")
    gm, gp = _num(growth_ytd_pct, "growth_ytd_pct"), _num(growth_ytd_prev_pct, "growth_ytd_prev_pct")
    _check_aligned(ytd=y, ytd_prev=yp, growth_ytd_pct=gm, growth_ytd_prev_pct=gp)
    _check_growth(gm, "growth_ytd_pct")
    _check_growth(gp, "growth_ytd_prev_pct")
    month = y - yp
    month_base = y / (1.0 + gm / 100.0) - yp / (1.0 + gp / 100.0)
    if isinstance(month_base, (pd.Series, pd.DataFrame)):
        month_base = month_base.where(month_base > 0)
    elif np.ndim(month_base):
        month_base = np.where(month_base > 0, month_base, np.nan)
    elif not month_base > 0:
        month_base = np.nan
    return _out((month / month_base - 1.0) * 100.0, "single_month_growth_pct")


def cagr(start: Numbers, end: Numbers, years: Numbers) -> Numbers:
    """Compound annual growth rate in percent.

    Parameters
    ----------
    start, end : float, array-like, Series or DataFrame
        Levels at the start and the end, same unit, both positive.
    years : float, array-like, Series or DataFrame
        Years between them (> 0; fractions allowed).

    Returns
    -------
    float, ndarray, Series or DataFrame
        Average annual growth in percent; a Series is named ``cagr_pct``.

    Raises
    ------
    ValueError
        For non-numeric or misaligned input, non-positive levels or non-positive ``years``.

    Notes
    -----
    ``((end / start) ** (1 / years) - 1) * 100`` (percent).
    """
    s, e, n = _num(start, "start"), _num(end, "end"), _num(years, "years")
    _check_aligned(start=s, end=e, years=n)
    _check_positive(s, "start", "positive levels")
    _check_positive(e, "end", "positive levels")
    _check_positive(n, "years", "a positive number of years")
    return _out(((e / s) ** (1.0 / n) - 1.0) * 100.0, "cagr_pct")


def annualise(rate_pct: Numbers, months: Numbers) -> Numbers:
    """Convert a cumulative growth rate over ``months`` months into an annual (compound) rate.

    Parameters
    ----------
    rate_pct : float, array-like, Series or DataFrame
        Growth over the span, in percent (e.g. a quarter-on-quarter rate with ``months=3``).
    months : float, array-like, Series or DataFrame
        Length of the span in months (> 0).

    Returns
    -------
    float, ndarray, Series or DataFrame
        The annual rate in percent; a Series is named ``annualised_pct``.

    Raises
    ------
    ValueError
        For non-numeric or misaligned input, a rate of -100 % or less, or non-positive ``months``.

    Notes
    -----
    ``((1 + r/100) ** (12 / months) - 1) * 100`` (percent): +2 % in a quarter is +8.24 % a year.
    Only for period-on-period growth (环比, growth *over* the span). A year-on-year rate (同比), including one
    on a cumulative 1-3月 figure, already compares a year apart: do not annualise it.
    """
    r, m = _num(rate_pct, "rate_pct"), _num(months, "months")
    _check_aligned(rate_pct=r, months=m)
    _check_growth(r, "rate_pct")
    _check_positive(m, "months", "a positive number of months")
    return _out(((1.0 + r / 100.0) ** (12.0 / m) - 1.0) * 100.0, "annualised_pct")


_FORMS = {"increase": "increase", "增长": "increase", "ratio": "ratio", "是…的": "ratio"}


def growth_from_times(n: Numbers | Quantity, form: str | None = None) -> Numbers:
    """Growth in percent from a 倍 figure: ``增长N倍`` (an increase) versus ``是…的N倍`` (a ratio).

    Parameters
    ----------
    n : float, array-like, Series, or Quantity
        The number of 倍. A :class:`~analysis.units.Quantity` of kind ``growth`` (``增长7倍``, value already
        in percent) or ``ratio`` (``是去年的3倍``) is read as parsed, and ``form`` may be omitted.
    form : {'increase', 'ratio'}, optional
        ``'increase'`` (增长N倍, 增长了N倍): current = base × (1 + N); ``'ratio'`` (是…的N倍, 为…的N倍, N倍于):
        current = base × N. Required for plain numbers.

    Returns
    -------
    float, ndarray or Series
        Growth in percent; a Series is named ``growth_pct``.

    Raises
    ------
    ValueError
        For an unknown or missing ``form``, a ``form`` that contradicts a Quantity's kind, a level Quantity,
        a negative N, or a ratio of 0 or less.

    Notes
    -----
    ``增长N倍`` → ``N * 100`` %; ``是…的N倍`` → ``(N - 1) * 100`` %. So 增长7倍 is +700 % (×8) while 是…的7倍 is
    +600 % (×7). A Quantity's qualifier (7倍多: more than) is not carried by the number; use
    :func:`implied_base_bound` when the bound matters.
    """
    if form is not None and form not in _FORMS:
        raise ValueError(f"form: expected 'increase' (增长N倍) or 'ratio' (是…的N倍), got {form!r}")
    if isinstance(n, Quantity):
        if n.kind == "level":
            raise ValueError(f"n: {n.raw or n!r} is a level, not a growth (增长N倍) or ratio (是…的N倍)")
        if form is not None and _FORMS[form] != {"growth": "increase", "ratio": "ratio"}[n.kind]:
            raise ValueError(f"form={form!r} contradicts the Quantity {n.raw or n!r}, which is a {n.kind}")
        return float(n.as_growth_pct())
    reject_text(n, "n", takes_quantity=True)
    if form is None:
        raise ValueError("form: required for a plain number: 'increase' (增长N倍, ×(1+N)) or 'ratio' (是…的N倍, ×N)")
    x = _num(n, "n")
    if _FORMS[form] == "increase":
        if np.any(np.asarray(x) < 0):
            raise ValueError("n: 增长N倍 needs N >= 0 (a fall is written as a percent, 下降X%)")
        return _out(x * 100.0, "growth_pct")
    _check_positive(x, "n", "a positive ratio")
    return _out((x - 1.0) * 100.0, "growth_pct")


@dataclass(frozen=True, repr=False)
class BoundedBase(Result):
    """An implied base with the direction in which it is bounded.

    Attributes
    ----------
    value : float
        ``level / ratio``, from the figures as written.
    bound : str
        ``'exact'``; ``'upper'`` (the true base is at most ``value``); ``'lower'`` (at least ``value``);
        ``'about'`` (approximate); or ``'none'`` (the qualifiers push in opposite directions, no bound).
    level : float
        The level used (base units when a Quantity was given).
    ratio : float
        ``1 + g/100`` used.
    note : str
        How the bound was derived.
    """

    value: float
    bound: str
    level: float
    ratio: float
    note: str

    def _summary_lines(self) -> tuple[str, list[str]]:
        says = {"exact": "exact", "upper": "an upper bound: the true base is at most this",
                "lower": "a lower bound: the true base is at least this", "about": "approximate",
                "none": "no bound: the qualifiers pull in opposite directions"}
        return (f"{short(self.value)} ({says.get(self.bound, self.bound)})",
                [f"= level {short(self.level)} / ratio {short(self.ratio, 'number', 4)} (1 + g/100)"])


_DIRECTION = {"at_least": "lower", "more_than": "lower", "at_most": "upper", "just_under": "upper",
              "about": "about", "exact": "exact"}
_FLIP = {"lower": "upper", "upper": "lower", "about": "about", "exact": "exact"}


def implied_base_bound(level: float | Quantity, growth: float | Quantity, *, level_qualifier: str = "exact",
                       growth_qualifier: str = "exact") -> BoundedBase:
    """The base a level and a (possibly qualified) growth imply, with its bound direction.

    Parameters
    ----------
    level : float or Quantity
        The current level; a Quantity of kind ``level`` carries its own qualifier (近200亿元: at most).
    growth : float or Quantity
        Growth in percent, or a Quantity of kind ``growth`` (``同比增长7倍多``) or ``ratio`` (``是…的3倍``).
    level_qualifier, growth_qualifier : str
        Qualifiers (:data:`analysis.units.QUALIFIERS`) for plain-number inputs; ignored for Quantities.

    Returns
    -------
    BoundedBase
        ``value``, ``bound`` ('exact', 'upper', 'lower', 'about', 'none'), ``level``, ``ratio`` and ``note``.

    Raises
    ------
    ValueError
        For an unknown qualifier, a level Quantity passed as growth (or vice versa), or a ratio of 0 or less.

    Notes
    -----
    ``base = level / ratio`` with ``ratio = 1 + g/100`` (增长N倍: ``1 + N``; 是…的N倍: ``N``). The base falls as
    the ratio rises, so a lower-bounded growth (7倍多: more than +700 %) makes the base an *upper* bound, and
    an upper-bounded growth makes it a lower bound. A lower-bounded level makes the base a lower bound.
    When level and growth bounds point the same way that direction holds; opposite directions give no bound
    ('none'); 'about' on either side gives 'about' unless the other side leaves no bound.
    """
    if isinstance(level, Quantity):
        if level.kind != "level":
            raise ValueError(f"level: {level.raw or level!r} is a {level.kind}, not a level")
        level_value, level_qualifier = float(level.value), level.qualifier
    else:
        level_value = _scalar(level, "level")
    if isinstance(growth, Quantity):
        if growth.kind == "level":
            raise ValueError(f"growth: {growth.raw or growth!r} is a level, not a growth rate or ratio")
        ratio, growth_qualifier = float(growth.as_ratio()), growth.qualifier
    else:
        ratio = 1.0 + _scalar(growth, "growth") / 100.0
    for name, q in (("level_qualifier", level_qualifier), ("growth_qualifier", growth_qualifier)):
        if q not in _DIRECTION:
            raise ValueError(f"{name}: expected one of {', '.join(_DIRECTION)}, got {q!r}")
    if ratio <= 0:
        raise ValueError(f"growth: the ratio current/base must be positive, got {ratio}")

    from_level = _DIRECTION[level_qualifier]
    from_growth = _FLIP[_DIRECTION[growth_qualifier]]
    directions = {d for d in (from_level, from_growth) if d != "exact"}
    if not directions:
        bound = "exact"
    elif {"lower", "upper"} <= directions:
        bound = "none"
    elif "about" in directions:
        bound = "about"
    else:
        bound = directions.pop()
    note = (f"base = level / ratio = {level_value:.6g} / {ratio:.6g}; level is {level_qualifier} "
            f"(base {from_level}), growth is {growth_qualifier} (base {from_growth}) -> {bound}")
    return BoundedBase(value=level_value / ratio, bound=bound, level=level_value, ratio=ratio, note=note)


# --- scoreboards (投资"赛马") ------------------------------------------------------------------------------------

_RANK_METHODS = ("min", "max", "dense", "average")


def _check_columns(df: Any, **cols: Any) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"df: expected a DataFrame, got {type(df).__name__}")
    for arg, col in cols.items():
        if col is not None and col not in df.columns:
            raise ValueError(f"{arg}: column {col!r} is not in df (columns: {list(df.columns)[:20]})")


def _check_unique(df: pd.DataFrame, keys: list) -> None:
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        example = df.loc[dup, keys].drop_duplicates().head(3).to_dict("records")
        raise ValueError(f"df has more than one row per {' and '.join(map(repr, keys))}, e.g. {example}; "
                         f"aggregate first")


def scoreboard(df: pd.DataFrame, region_col: str, value_col: str, period_col: str | None = None, *,
               k: int = 3, ascending: bool = False, method: str = "min") -> pd.DataFrame:
    """Rank regions per period, as a 晾晒表 scoreboard does, and mark who a top-k reward would pay.

    Parameters
    ----------
    df : DataFrame
        One row per region (and period).
    region_col : str
        Column naming the region.
    value_col : str
        Numeric column ranked (e.g. fixed-asset investment growth in percent). NaN is not ranked.
    period_col : str, optional
        Column of the period; ranks are computed within each period. None ranks all rows together.
    k : int, default 3
        Number of places rewarded. Taizhou's 投资"赛马" pays "排名前列" counties (document 001 lines 10 and 21:
        10 million yuan a quarter from the city budget) without saying how many; 3 is a placeholder.
    ascending : bool, default False
        False ranks the largest value first.
    method : {'min', 'max', 'dense', 'average'}, default 'min'
        Tie rule for ``rank`` (pandas ``rank``): ``'min'`` gives tied regions the best place they share and
        skips the next (1, 1, 3: two regions tied for first are both 1); ``'max'`` the worst (2, 2, 3);
        ``'dense'`` does not skip (1, 1, 2); ``'average'`` averages (1.5, 1.5, 3). ``'first'`` is refused:
        it breaks ties by row order, so shuffled rows would change ranks.

    Returns
    -------
    DataFrame
        ``df`` (same index and columns) with three columns added: ``rank`` (float, NaN where the value is NaN),
        ``n_ranked`` (regions with a value in the period) and ``rewarded`` (bool).

    Raises
    ------
    ValueError
        For a missing column, a non-numeric value column, duplicate region-period rows, an unknown ``method``,
        ``k`` not a positive integer, or ``df`` already holding ``rank``, ``n_ranked`` or ``rewarded``.

    Notes
    -----
    ``rewarded`` is ``min_rank <= k`` whatever ``method`` is, where ``min_rank`` is the ``'min'`` rank:
    a region is paid when fewer than k regions beat it strictly. Ties at the boundary are all rewarded, so more
    than k regions can be paid (two tied for third with k=3 gives four winners). Computed with a vectorised
    ``groupby(period).rank``.
    """
    _check_columns(df, region_col=region_col, value_col=value_col, period_col=period_col)
    if method not in _RANK_METHODS:
        raise ValueError(f"method: expected one of {', '.join(_RANK_METHODS)}, got {method!r}"
                         + (" ('first' breaks ties by row order, so ranks would depend on how rows are sorted)"
                            if method == "first" else ""))
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k: expected a positive integer number of rewarded places, got {k!r}")
    clash = [c for c in ("rank", "n_ranked", "rewarded") if c in df.columns]
    if clash:
        raise ValueError(f"df already has column(s) {clash}; rename them before ranking")
    values = df[value_col]
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        raise ValueError(f"value_col: column {value_col!r} must be numeric, got dtype {values.dtype}")
    keys = [region_col] if period_col is None else [period_col, region_col]
    _check_unique(df, keys)

    out = df.copy()
    if period_col is None:
        ranked = values
        out["rank"] = ranked.rank(method=method, ascending=ascending)
        min_rank = out["rank"] if method == "min" else ranked.rank(method="min", ascending=ascending)
        out["n_ranked"] = int(values.notna().sum())
    else:
        grouped = values.groupby(df[period_col], sort=False, observed=True, dropna=False)
        out["rank"] = grouped.rank(method=method, ascending=ascending)
        min_rank = out["rank"] if method == "min" else grouped.rank(method="min", ascending=ascending)
        out["n_ranked"] = grouped.transform("count").astype(int)
    out["rewarded"] = (min_rank <= k).to_numpy()
    return out


def _perfect_rank_p_value(ranks: np.ndarray) -> float:
    """Exact two-sided permutation p-value of a Spearman correlation of +1 or -1.

    Parameters
    ----------
    ranks : numpy.ndarray
        The ranks (ties averaged) of one of the two periods over the n regions of the pair.

    Returns
    -------
    float
        P(|rho| = 1) when the other period's values are assigned to the regions in one of the n! orders at
        random: ``m * prod(t_i!) / n!``, where ``t_i`` are the sizes of the groups of tied ranks (an order
        gives rho = 1 only if it keeps every region in its tie group) and ``m`` is 2 when the sequence of tie
        group sizes reads the same backwards (rho = -1 is then reachable too), else 1.

    Notes
    -----
    |rho| = 1 needs the two periods' tie groups to match, so the ranks of either period give the same count.
    Computed in logs (``scipy.special.gammaln``): no overflow for large n.
    """
    from scipy.special import gammaln

    _, sizes = np.unique(ranks, return_counts=True)
    both_signs = 2.0 if np.array_equal(sizes, sizes[::-1]) else 1.0
    log_p = float(np.sum(gammaln(sizes + 1.0)) - gammaln(len(ranks) + 1.0))
    return min(1.0, both_signs * math.exp(log_p))


def rank_stability(df: pd.DataFrame, region_col: str, value_col: str, period_col: str) -> pd.DataFrame:
    """Spearman rank correlation of regions' values between consecutive periods.

    Parameters
    ----------
    df : DataFrame
        One row per region and period.
    region_col, value_col, period_col : str
        Columns of the region, the numeric value ranked and the period. Periods are taken in sorted order
        (period labels of :mod:`analysis.periods` in calendar order, by their last day; other labels and ordered
        Categoricals in their sort order).

    Returns
    -------
    DataFrame
        One row per pair of consecutive periods, columns ``period_from``, ``period_to``, ``rho`` (Spearman,
        ties averaged), ``p_value`` (two-sided: scipy's t approximation, or the exact permutation p-value
        where ``|rho|`` = 1, see Notes), ``n`` (regions with a value in both periods) and ``note``
        (empty, or a warning: ``n < 5`` makes rho unreliable; ``n < 3`` or constant values leave it NaN).
        Empty (with these columns) when there are fewer than two periods.

    Raises
    ------
    ValueError
        For a missing column, a non-numeric value column or duplicate region-period rows.

    Notes
    -----
    ``rho`` is the Pearson correlation of the ranks, over regions present in both periods
    (``scipy.stats.spearmanr``). A rho near 1 means the scoreboard is stable; near 0, ranks are reshuffled each
    period (rewards then look more like luck than lasting effort). Where ``|rho|`` = 1 the t approximation
    gives p = 0, which is false (3 regions ranked alike twice happens by chance once in 6 orders); the p-value
    there is the exact share of the n! orders of one period's values that give ``|rho|`` = 1
    (:func:`_perfect_rank_p_value`), e.g. 2 / 3! = 1/3 for n = 3 without ties.
    """
    from scipy import stats

    _check_columns(df, region_col=region_col, value_col=value_col, period_col=period_col)
    if pd.api.types.is_bool_dtype(df[value_col]) or not pd.api.types.is_numeric_dtype(df[value_col]):
        raise ValueError(f"value_col: column {value_col!r} must be numeric, got dtype {df[value_col].dtype}")
    _check_unique(df, [period_col, region_col])
    wide = df.pivot(index=region_col, columns=period_col, values=value_col).sort_index(axis=1)
    if not isinstance(df[period_col].dtype, pd.CategoricalDtype) and all(isinstance(c, str) for c in wide.columns):
        # period labels in calendar order (2024Q1 before 2024-01/2024-06), not in the order of their text
        labels = pd.Series(list(wide.columns))
        wide = wide[list(labels.iloc[period_order(labels).sort_values(kind="stable").index])]
    periods = list(wide.columns)
    columns = ["period_from", "period_to", "rho", "p_value", "n", "note"]
    if len(periods) < 2:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("rho", "p_value") else object) for c in columns})
    x0 = wide.iloc[:, :-1].to_numpy(dtype=float)
    x1 = wide.iloc[:, 1:].to_numpy(dtype=float)
    both = ~np.isnan(x0) & ~np.isnan(x1)
    # rank each period over the regions present in both periods of the pair (ties get the average rank)
    r0 = pd.DataFrame(np.where(both, x0, np.nan)).rank(axis=0, method="average").to_numpy()
    r1 = pd.DataFrame(np.where(both, x1, np.nan)).rank(axis=0, method="average").to_numpy()
    n = both.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r0, r1 = np.where(both, r0, 0.0), np.where(both, r1, 0.0)
        d0 = np.where(both, r0 - r0.sum(axis=0) / n, 0.0)
        d1 = np.where(both, r1 - r1.sum(axis=0) / n, 0.0)
        ss0, ss1 = (d0 ** 2).sum(axis=0), (d1 ** 2).sum(axis=0)
        constant = (ss0 <= 1e-12) | (ss1 <= 1e-12)
        rho = np.clip((d0 * d1).sum(axis=0) / np.sqrt(ss0 * ss1), -1.0, 1.0)
        rho = np.where((n >= 3) & ~constant, rho, np.nan)
        # two-sided p-value of the t approximation, as scipy.stats.spearmanr computes it
        dof = n - 2
        t = rho * np.sqrt(dof / ((1.0 - rho) * (1.0 + rho)))
        p_value = np.where(np.abs(rho) >= 1.0, np.nan, 2.0 * stats.t.sf(np.abs(t), np.maximum(dof, 1)))
        p_value = np.where(np.isnan(rho), np.nan, p_value)
    for j in np.flatnonzero(np.abs(np.nan_to_num(rho)) >= 1.0):
        p_value[j] = _perfect_rank_p_value(r0[both[:, j], j])
    note = np.where(n < 3, pd.Series(n).map(lambda v: f"n = {v} < 3: no rank correlation computed").to_numpy(),
                    np.where(constant, "constant values in a period: rank correlation undefined",
                             np.where(n < 5, pd.Series(n).map(
                                 lambda v: f"n = {v} < 5: too few regions for a reliable rank correlation"
                             ).to_numpy(), "")))
    return pd.DataFrame({"period_from": periods[:-1], "period_to": periods[1:], "rho": rho, "p_value": p_value,
                         "n": n.astype(int), "note": note}, columns=columns)
