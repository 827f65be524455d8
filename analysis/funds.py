"""Government-sponsored funds: leverage, paid-in ratio, public share, groups of funds and bounds.

Definitions (the codebook ``data/CODEBOOK.md`` gives the fund columns and types; the measures are these):

==================  ==============================  ==========================================================
measure             formula                         meaning
==================  ==============================  ==========================================================
leverage (放大倍数)  total_size / committed          fund money per yuan the public investor committed (认缴)
paid-in ratio       paid_in / committed             share of the commitment actually paid in (实缴), fraction
public share        committed / total_size          the public investor's share of the fund, fraction
average size        total_size / n_funds            mean size of the funds a group row stands for
==================  ==============================  ==========================================================

Ratios are fractions (0.5137, not 51.37 %) and multiples (1.9466×); money is in the unit of the ``currency``
column (yuan or USD). Every table result names its denominator in a ``*_basis`` column, because data providers
mix target size, committed and paid-in capital; a planned fund's size is a *target* and its basis says so.

Bounds. A figure written ``近200亿元`` is an upper bound (``just_under``), ``超50亿元`` a lower bound
(``at_least``), ``约230亿元`` an approximation (``about``). A ratio of such figures is itself bounded, and its
qualifier is worked out, never dropped: see :class:`Bound` and :func:`ratio_qualifier`. Ratio qualifiers extend
the codebook's (:data:`analysis.units.QUALIFIERS`) by three: ``about_at_least`` and ``about_at_most`` (a bound
that holds only approximately, from combining ``about`` with a bound) and ``unknown`` (the stated figures bound
the result in neither direction, e.g. a lower bound divided by a lower bound). The value reported alongside
is always the ratio of the stated figures.

Groups. A row with ``n_funds`` > 1 stands for a group of funds reported together; rows with ``part_of`` break a
group down by type and carry counts only. Money is summed over top-level rows only, so breakdown rows never
count twice (:func:`aggregate_funds`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from numbers import Real

import numpy as np
import pandas as pd

from .results import Numbers, Result, reject_text, short, text_hint
from .units import QUALIFIERS

#: Qualifiers: one codebook word (``'just_under'``), or one per figure (a Series, array or list of them).
Qualifiers = str | pd.Series | np.ndarray | Sequence[str]

__all__ = [
    "Bound",
    "BoundedValue",
    "RATIO_QUALIFIERS",
    "POLICY_PUBLIC_SHARE_RANGE",
    "POLICY_LEVERAGE_RANGE",
    "ratio_qualifier",
    "product_qualifier",
    "sum_qualifier",
    "bounded_ratio",
    "leverage",
    "paid_in_ratio",
    "public_share",
    "average_fund_size",
    "fund_ratios",
    "aggregate_funds",
    "two_layer_leverage",
    "implied_company_value",
    "policy_context",
    "money_per_project",
    "is_breakdown",
]

#: Qualifiers a derived figure (ratio, product, sum) can carry: the codebook's six, plus approximate bounds and
#: ``unknown`` (no direction can be stated).
RATIO_QUALIFIERS = tuple(QUALIFIERS) + ("about_at_least", "about_at_most", "unknown")

#: Usual cap on the public share of a sub-fund in policy documents, as a fraction of committed capital.
POLICY_PUBLIC_SHARE_RANGE = (0.20, 0.30)
#: The leverage multiples those caps imply: 1 / 0.30 ≈ 3.33× to 1 / 0.20 = 5×.
POLICY_LEVERAGE_RANGE = (1.0 / POLICY_PUBLIC_SHARE_RANGE[1], 1.0 / POLICY_PUBLIC_SHARE_RANGE[0])

# qualifier -> (direction of the true value from the stated one: -1 at most, 0 equal/near, +1 at least; approximate)
_DIRECTION = {
    "exact": (0, False),
    "at_least": (1, False),
    "more_than": (1, False),
    "about": (0, True),
    "just_under": (-1, False),
    "at_most": (-1, False),
    "about_at_least": (1, True),
    "about_at_most": (-1, True),
}
_FROM_DIRECTION = {(0, True): "about", (1, False): "at_least", (-1, False): "at_most",
                   (1, True): "about_at_least", (-1, True): "about_at_most", (0, False): "exact"}
# the qualifier of 1/x given the qualifier of x (x > 0)
_INVERSE = {"exact": "exact", "at_least": "at_most", "at_most": "at_least", "more_than": "just_under",
            "just_under": "more_than", "about": "about", "about_at_least": "about_at_most",
            "about_at_most": "about_at_least", "unknown": "unknown"}
_DIRECTION_NAME = {-1: "upper", 1: "lower"}


def _check_qualifier(q: str, name: str = "qualifier") -> str:
    if not isinstance(q, str) or q not in RATIO_QUALIFIERS:
        raise ValueError(f"{name}: expected one of {', '.join(RATIO_QUALIFIERS)}, got {q!r}")
    return q


def _combine(a: str, b: str) -> str:
    """Qualifier of a * b (or a + b) for non-negative a, b with qualifiers ``a``, ``b``."""
    if a == b:
        return a
    if a == "exact":
        return b
    if b == "exact":
        return a
    if "unknown" in (a, b):
        return "unknown"
    (da, xa), (db, xb) = _DIRECTION[a], _DIRECTION[b]
    if da * db < 0:
        return "unknown"
    return _FROM_DIRECTION[(da or db, xa or xb)]


@dataclass(frozen=True)
class Bound:
    """What a qualifier says about the true value relative to the stated one.

    Supports ``*``, ``/`` and ``+`` between bounds of non-negative figures: ``Bound('just_under') /
    Bound('exact')`` is ``Bound('just_under')``; ``Bound('at_least') / Bound('at_most')`` is
    ``Bound('at_least')``; ``Bound('at_least') / Bound('at_least')`` is ``Bound('unknown')``.

    Attributes
    ----------
    qualifier : str
        One of :data:`RATIO_QUALIFIERS`.

    Raises
    ------
    ValueError
        For a ``qualifier`` outside :data:`RATIO_QUALIFIERS`.

    Notes
    -----
    ``direction`` is ``exact`` (true = stated), ``about`` (true ≈ stated), ``lower`` (stated is a lower bound:
    true ≥ stated), ``upper`` (stated is an upper bound: true ≤ stated) or ``unknown``. ``approximate`` is True
    for ``about`` and the approximate bounds ``about_at_least`` / ``about_at_most``.
    """

    qualifier: str

    def __post_init__(self) -> None:
        _check_qualifier(self.qualifier, "Bound")

    @property
    def direction(self) -> str:
        if self.qualifier == "unknown":
            return "unknown"
        d, approx = _DIRECTION[self.qualifier]
        if d == 0:
            return "about" if approx else "exact"
        return _DIRECTION_NAME[d]

    @property
    def approximate(self) -> bool:
        return self.qualifier != "unknown" and _DIRECTION[self.qualifier][1]

    @property
    def is_lower_bound(self) -> bool:
        """True when the true value is at least the stated one (possibly approximately)."""
        return self.direction == "lower"

    @property
    def is_upper_bound(self) -> bool:
        """True when the true value is at most the stated one (possibly approximately)."""
        return self.direction == "upper"

    def inverse(self) -> Bound:
        """The bound of 1 / x: an upper bound becomes a lower bound and vice versa."""
        return Bound(_INVERSE[self.qualifier])

    def __mul__(self, other: Bound) -> Bound:
        if not isinstance(other, Bound):
            return NotImplemented
        return Bound(_combine(self.qualifier, other.qualifier))

    __add__ = __mul__

    def __truediv__(self, other: Bound) -> Bound:
        if not isinstance(other, Bound):
            return NotImplemented
        return Bound(_combine(self.qualifier, _INVERSE[other.qualifier]))


@dataclass(frozen=True, repr=False)
class BoundedValue(Result):
    """A derived figure with its qualifier and the formula it came from.

    Attributes
    ----------
    value : float
        The figure computed from the stated inputs (NaN when an input is missing).
    qualifier : str or None
        One of :data:`RATIO_QUALIFIERS`; None when ``value`` is NaN.
    basis : str
        The formula, naming numerator and denominator, e.g. ``total_size / committed``.
    """

    value: float
    qualifier: str | None
    basis: str

    @property
    def bound(self) -> Bound | None:
        return None if self.qualifier is None else Bound(self.qualifier)

    def _summary_lines(self) -> tuple[str, list[str]]:
        if self.qualifier is None:
            return "n/a (an input is missing or the denominator is 0)", [f"basis: {self.basis}"]
        words = self.qualifier.replace("_", " ")
        return f"{short(self.value, 'number', 4)} ({words})", [f"basis: {self.basis}"]


_CODE = {q: i for i, q in enumerate(RATIO_QUALIFIERS)}
_PRODUCT_TABLE = np.array([[_combine(a, b) for b in RATIO_QUALIFIERS] for a in RATIO_QUALIFIERS], dtype=object)
_RATIO_TABLE = np.array([[_combine(a, _INVERSE[b]) for b in RATIO_QUALIFIERS] for a in RATIO_QUALIFIERS],
                        dtype=object)


def _is_missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _qualifier_codes(q, name: str) -> np.ndarray:
    """Codes into RATIO_QUALIFIERS (-1 for missing) of a qualifier Series/array; ValueError for unknown labels."""
    s = pd.Series(q, dtype=object) if not isinstance(q, pd.Series) else q.astype(object)
    codes = s.map(_CODE)
    bad = s.notna() & codes.isna()
    if bad.any():
        found = sorted({str(v) for v in s[bad]})
        raise ValueError(f"{name}: expected qualifiers among {', '.join(RATIO_QUALIFIERS)}, "
                         f"found {', '.join(map(repr, found))}")
    return codes.fillna(-1).astype(int).to_numpy()


def _apply_table(a, b, table: np.ndarray, names: tuple[str, str]):
    a_scalar = not isinstance(a, (pd.Series, np.ndarray, list, tuple))
    b_scalar = not isinstance(b, (pd.Series, np.ndarray, list, tuple))
    if a_scalar and b_scalar:
        if _is_missing(a) or _is_missing(b):
            return np.nan
        return table[_CODE[_check_qualifier(a, names[0])], _CODE[_check_qualifier(b, names[1])]]
    index = None
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        a, b = a.align(b)
        index = a.index
    elif isinstance(a, pd.Series):
        index = a.index
    elif isinstance(b, pd.Series):
        index = b.index
    n = len(index) if index is not None else len(a if not a_scalar else b)
    ca = np.full(n, -1 if _is_missing(a) else _CODE[_check_qualifier(a, names[0])]) if a_scalar \
        else _qualifier_codes(a, names[0])
    cb = np.full(n, -1 if _is_missing(b) else _CODE[_check_qualifier(b, names[1])]) if b_scalar \
        else _qualifier_codes(b, names[1])
    if len(ca) != len(cb):
        raise ValueError(f"{names[0]} and {names[1]}: lengths differ ({len(ca)} and {len(cb)})")
    ok = (ca >= 0) & (cb >= 0)
    out = np.full(len(ca), np.nan, dtype=object)
    out[ok] = table[ca[ok], cb[ok]]
    if index is not None:
        return pd.Series(out, index=index, dtype="str")
    return out


def ratio_qualifier(numerator_qualifier: Qualifiers | None,
                    denominator_qualifier: Qualifiers | None) -> str | float | pd.Series | np.ndarray:
    """Qualifier of a ratio x / y of non-negative figures, from the qualifiers of x and y.

    Parameters
    ----------
    numerator_qualifier, denominator_qualifier : str, pandas.Series or array-like
        Qualifiers among :data:`RATIO_QUALIFIERS`; missing (None/NaN) gives a missing result.

    Returns
    -------
    str, pandas.Series or numpy.ndarray
        The ratio's qualifier (a Series keeps the input's index).

    Raises
    ------
    ValueError
        For a numerator or denominator qualifier outside :data:`RATIO_QUALIFIERS`.

    Notes
    -----
    Dividing by y turns y's bound around: x / y carries the bound of x combined with the *inverse* bound of y
    (``at_least`` ↔ ``at_most``, ``more_than`` ↔ ``just_under``). Examples: ``just_under / exact`` →
    ``just_under`` (upper bound); ``exact / just_under`` → ``more_than``; ``at_least / at_most`` → ``at_least``;
    ``at_least / at_least`` → ``unknown`` (conflicting directions); ``about / exact`` → ``about``;
    ``about / at_least`` → ``about_at_most``. With one side exact the other side's qualifier passes through;
    two bounds in the same direction give the generic ``at_least`` / ``at_most``.
    """
    return _apply_table(numerator_qualifier, denominator_qualifier, _RATIO_TABLE,
                        ("numerator_qualifier", "denominator_qualifier"))


def product_qualifier(a_qualifier: Qualifiers | None,
                      b_qualifier: Qualifiers | None) -> str | float | pd.Series | np.ndarray:
    """Qualifier of a product x * y, or of a sum x + y, of non-negative figures.

    Parameters
    ----------
    a_qualifier, b_qualifier : str, pandas.Series or array-like
        Qualifiers among :data:`RATIO_QUALIFIERS`; missing gives a missing result.

    Returns
    -------
    str, pandas.Series or numpy.ndarray
        The qualifier of the product (or sum).

    Raises
    ------
    ValueError
        For an ``a_qualifier`` or ``b_qualifier`` outside :data:`RATIO_QUALIFIERS`.

    Notes
    -----
    Both products and sums of non-negative figures are increasing in each input, so bounds in the same
    direction add up (``at_least`` with ``at_least`` → ``at_least``) and opposite ones cancel to ``unknown``.
    The rule is commutative and associative.
    """
    return _apply_table(a_qualifier, b_qualifier, _PRODUCT_TABLE, ("a_qualifier", "b_qualifier"))


def sum_qualifier(qualifiers: Iterable[str]) -> str | float:
    """Qualifier of the sum of several non-negative figures.

    Parameters
    ----------
    qualifiers : iterable of str
        Qualifiers of the summed figures; missing entries are skipped.

    Returns
    -------
    str or float
        The qualifier of the sum, or NaN when no qualifier is given.

    Raises
    ------
    ValueError
        For any of the ``qualifiers`` outside :data:`RATIO_QUALIFIERS`.

    Notes
    -----
    Folds :func:`product_qualifier` over the inputs: exact + at_least = at_least, just_under + just_under =
    just_under, at_least + at_most = unknown.
    """
    qs = [_check_qualifier(q, "qualifiers") for q in qualifiers if not _is_missing(q)]
    if not qs:
        return np.nan
    return reduce(_combine, qs)


# --- numbers -------------------------------------------------------------------------------------------

def _as_number(x, name: str):
    """Float Series / ndarray / float from the input; ValueError for text or negative values."""
    if not isinstance(x, pd.Series):
        reject_text(x, name)
    if isinstance(x, pd.Series):
        if pd.api.types.is_bool_dtype(x.dtype):
            raise ValueError(f"{name}: expected numbers, got booleans")
        if pd.api.types.is_numeric_dtype(x.dtype):
            out = x.astype("Float64").astype(float)
        else:
            out = pd.to_numeric(x, errors="coerce").astype(float)
            bad = x.notna() & out.isna()
            if bad.any():
                raise ValueError(f"{name}: expected numbers, found {x[bad].iloc[0]!r} at index {x.index[bad][0]!r}"
                                 f"{text_hint(x[bad])}")
        arr = out.to_numpy()
    elif isinstance(x, (np.ndarray, list, tuple)):
        try:
            out = np.asarray(x, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name}: expected numbers, got {x!r}") from None
        arr = out
    elif _is_missing(x):
        return np.nan
    elif isinstance(x, (Real, np.number)) and not isinstance(x, (bool, np.bool_)):
        out = float(x)
        arr = np.array([out])
    else:
        raise ValueError(f"{name}: expected a number, a Series or an array of numbers, got {type(x).__name__} {x!r}")
    neg = arr < 0
    if np.any(neg):
        raise ValueError(f"{name}: expected non-negative values, found {arr[neg][0]!r}")
    return out


def _divide(num, den, num_name: str, den_name: str, name: str | None = None):
    """num / den for non-negative inputs; a zero or missing denominator (or an overflow) gives NaN.

    Keeps Series indexes (two Series are aligned as pandas aligns them).
    """
    n, d = _as_number(num, num_name), _as_number(den, den_name)
    if isinstance(n, float) and isinstance(d, float):
        with np.errstate(all="ignore"):
            r = np.float64(n) / d if d > 0 else np.nan  # NaN compares False: a missing figure gives NaN too
        return float(r) if math.isfinite(r) else np.nan
    with np.errstate(all="ignore"):
        r = n / d
    if isinstance(r, pd.Series):
        r = r.where(np.isfinite(r))
        return r.rename(name)
    if isinstance(r, np.ndarray):
        return np.where(np.isfinite(r), r, np.nan)
    return float(r) if math.isfinite(r) else np.nan


def _check_counts(n, name: str, allow_zero: bool):
    v = _as_number(n, name)
    arr = np.atleast_1d(np.asarray(v, dtype=float))
    arr = arr[~np.isnan(arr)]
    if np.any(arr % 1 != 0):
        raise ValueError(f"{name}: expected whole numbers, found {arr[arr % 1 != 0][0]!r}")
    if not allow_zero and np.any(arr < 1):
        raise ValueError(f"{name}: expected counts of at least 1, found {arr[arr < 1][0]!r}")
    return v


def bounded_ratio(numerator: Numbers, denominator: Numbers, numerator_qualifier: Qualifiers = "exact",
                  denominator_qualifier: Qualifiers = "exact",
                  basis: str = "numerator / denominator") -> BoundedValue | pd.DataFrame:
    """A ratio with its qualifier and basis.

    Parameters
    ----------
    numerator, denominator : float, pandas.Series or array-like
        Non-negative figures; NaN is missing.
    numerator_qualifier, denominator_qualifier : str or pandas.Series
        Their qualifiers (:data:`RATIO_QUALIFIERS`).
    basis : str
        The formula to record, e.g. ``total_size / committed``.

    Returns
    -------
    BoundedValue or pandas.DataFrame
        For scalars a :class:`BoundedValue`; otherwise a DataFrame with columns ``value``, ``qualifier``
        (missing where ``value`` is NaN) and ``basis``, with the inputs' index.

    Raises
    ------
    ValueError
        For negative or non-numeric figures or unknown qualifiers.

    Notes
    -----
    value = numerator / denominator (NaN when the denominator is 0 or missing); qualifier =
    :func:`ratio_qualifier`.
    """
    value = _divide(numerator, denominator, "numerator", "denominator")
    qual = ratio_qualifier(numerator_qualifier, denominator_qualifier)
    if not isinstance(value, (pd.Series, np.ndarray)):
        if isinstance(qual, (pd.Series, np.ndarray)):
            raise ValueError("qualifiers: expected single qualifiers for single figures")
        missing = math.isnan(value) or _is_missing(qual)
        return BoundedValue(value, None if missing else str(qual), basis)
    index = value.index if isinstance(value, pd.Series) else None
    value = pd.Series(value, index=index)
    qual = pd.Series(qual, index=value.index) if not isinstance(qual, pd.Series) else qual.reindex(value.index)
    return pd.DataFrame({"value": value, "qualifier": qual.where(value.notna()), "basis": basis},
                        index=value.index)


def leverage(total_size: Numbers, public_committed: Numbers) -> Numbers:
    """Leverage multiple (放大倍数): total fund size per unit of the public investor's committed capital.

    Parameters
    ----------
    total_size : float, pandas.Series or array-like
        Total fund size (基金总规模), money (yuan or USD, the same currency as ``public_committed``).
    public_committed : float, pandas.Series or array-like
        Capital committed (认缴) by the public investor, same currency.

    Returns
    -------
    float, pandas.Series (named ``leverage``) or numpy.ndarray
        The multiple; NaN where an input is missing or the commitment is 0.

    Raises
    ------
    ValueError
        For a negative or non-numeric ``total_size`` or ``public_committed`` (a figure as text: read it with
        :func:`analysis.parse_quantity`).

    Notes
    -----
    leverage = total_size / committed, a multiple (×). Its basis is always the *committed* capital, never the
    paid-in one. Example (doc 002 line 21): 56.45亿元 / 29亿元 = 1.9466×. For bounds use :func:`fund_ratios`
    or :func:`bounded_ratio`.
    """
    return _divide(total_size, public_committed, "total_size", "public_committed", "leverage")


def paid_in_ratio(paid_in: Numbers, committed: Numbers) -> Numbers:
    """Paid-in ratio: share of the committed capital actually paid in.

    Parameters
    ----------
    paid_in : float, pandas.Series or array-like
        Capital paid in (实缴) by the investor, money.
    committed : float, pandas.Series or array-like
        Capital committed (认缴) by the same investor, same currency.

    Returns
    -------
    float, pandas.Series (named ``paid_in_ratio``) or numpy.ndarray
        A fraction (0.5172, not 51.72 %); NaN where an input is missing or ``committed`` is 0.

    Raises
    ------
    ValueError
        For a negative or non-numeric ``paid_in`` or ``committed``.

    Notes
    -----
    paid_in_ratio = paid_in / committed, a fraction. Example (doc 002 line 21): 15亿元 / 29亿元 = 0.5172.
    """
    return _divide(paid_in, committed, "paid_in", "committed", "paid_in_ratio")


def public_share(committed: Numbers, total_size: Numbers) -> Numbers:
    """Public share: the public investor's committed capital as a share of the total fund size.

    Parameters
    ----------
    committed, total_size : float, pandas.Series or array-like
        Capital committed (认缴) by the public investor, and the total fund size: money in the same currency.

    Returns
    -------
    float, pandas.Series (named ``public_share``) or numpy.ndarray
        A fraction (0.5137, not 51.37 %), the inverse of :func:`leverage`; NaN where an input is missing or
        ``total_size`` is 0.

    Raises
    ------
    ValueError
        For a negative or non-numeric ``committed`` or ``total_size``.

    Notes
    -----
    public_share = committed / total_size = 1 / leverage, a fraction. Example (doc 002 line 21):
    29亿元 / 56.45亿元 = 0.5137. A value above 1 means the data contradict themselves (commitment larger than
    the fund); it is returned, not hidden.
    """
    return _divide(committed, total_size, "committed", "total_size", "public_share")


def average_fund_size(total_size: Numbers, n_funds: Numbers) -> Numbers:
    """Average size of the funds a group row stands for.

    Parameters
    ----------
    total_size : float, pandas.Series or array-like
        Total size of all funds of the row, money.
    n_funds : int, pandas.Series or array-like
        Number of funds the row stands for (whole numbers ≥ 1; missing allowed).

    Returns
    -------
    float, pandas.Series (named ``avg_size``) or numpy.ndarray
        Money per fund, same currency as ``total_size``; NaN where an input is missing.

    Raises
    ------
    ValueError
        For negative or non-numeric sizes, or counts that are not whole numbers ≥ 1.

    Notes
    -----
    avg_size = total_size / n_funds. Example (doc 000 line 66): 25.45亿元 / 10 funds = 2.545亿元 per fund.
    """
    _check_counts(n_funds, "n_funds", allow_zero=False)
    return _divide(total_size, n_funds, "total_size", "n_funds", "avg_size")


def money_per_project(fund_money: Numbers, n_projects: Numbers) -> Numbers:
    """Fund money per project attracted.

    Parameters
    ----------
    fund_money : float, pandas.Series or array-like
        Money (fund size, commitment or investment, as the caller states), yuan or USD.
    n_projects : int, pandas.Series or array-like
        Number of projects the money attracted (whole numbers ≥ 0).

    Returns
    -------
    float, pandas.Series (named ``money_per_project``) or numpy.ndarray
        Money per project, same currency; NaN where an input is missing or no project was attracted.

    Raises
    ------
    ValueError
        For negative or non-numeric inputs, or project counts that are not whole numbers.

    Notes
    -----
    money_per_project = fund_money / n_projects. The caller decides which money (size, committed, paid-in)
    is the numerator and should say so.
    """
    projects = _check_counts(n_projects, "n_projects", allow_zero=True)  # whole numbers, 0 allowed
    return _divide(fund_money, projects, "fund_money", "n_projects", "money_per_project")


def two_layer_leverage(mother_leverage: Numbers, sub_leverage: Numbers) -> Numbers:
    """Leverage through two layers: public money into a mother fund, the mother fund into sub-funds.

    Parameters
    ----------
    mother_leverage : float, pandas.Series or array-like
        Leverage of the mother fund (mother size / public commitment), a multiple.
    sub_leverage : float, pandas.Series or array-like
        Leverage of the sub-fund (sub size / the mother fund's commitment to it), a multiple.

    Returns
    -------
    float, pandas.Series (named ``two_layer_leverage``) or numpy.ndarray
        The multiple at the project level.

    Raises
    ------
    ValueError
        For a negative or non-numeric multiple.

    Notes
    -----
    two_layer_leverage = mother_leverage × sub_leverage. Example: 1 yuan of public money is 20 % of a mother
    fund of 5 yuan (leverage 5); the mother fund's 5 yuan are 20 % of sub-funds of 25 yuan (leverage 5): 25× at
    the project level. This assumes the whole mother fund goes into sub-funds; combine the qualifiers with
    :func:`product_qualifier`.
    """
    m = _as_number(mother_leverage, "mother_leverage")
    s = _as_number(sub_leverage, "sub_leverage")
    r = m * s
    if isinstance(r, pd.Series):
        return r.rename("two_layer_leverage")
    return r if isinstance(r, np.ndarray) else float(r)


def implied_company_value(amount: Numbers, stake_pct: Numbers) -> Numbers:
    """Value of a company implied by the price of a stake in it.

    Parameters
    ----------
    amount : float, pandas.Series or array-like
        Money paid for the stake, yuan or USD.
    stake_pct : float, pandas.Series or array-like
        Share of the company bought, in *percent* (20 means 20 %), greater than 0 and at most 100.

    Returns
    -------
    float, pandas.Series (named ``implied_value``) or numpy.ndarray
        The implied value of 100 % of the company, same currency as ``amount``; NaN where an input is missing.

    Raises
    ------
    ValueError
        For negative or non-numeric inputs, or a stake of 0 or above 100 percent.

    Notes
    -----
    implied_value = amount / (stake_pct / 100). Example (doc 000 line 62): 6000万元 for 20 % (百分之二十) implies
    3亿元. Whether ``amount`` was paid in or only subscribed changes what the figure means; check the source.
    """
    pct = _as_number(stake_pct, "stake_pct")
    arr = np.atleast_1d(np.asarray(pct, dtype=float))
    bad = ~np.isnan(arr) & ((arr <= 0) | (arr > 100))
    if np.any(bad):
        raise ValueError(f"stake_pct: expected a percentage in (0, 100], found {arr[bad][0]!r}")
    share = pct / 100.0
    return _divide(amount, share, "amount", "stake_pct", "implied_value")


def policy_context(leverage: Numbers, qualifier: Qualifiers | None = None,
                   usual_range: tuple[float, float] = POLICY_LEVERAGE_RANGE) -> str | float | pd.Series | np.ndarray:
    """Place a leverage multiple against the usual policy range, as context (not a judgement).

    Parameters
    ----------
    leverage : float, pandas.Series or array-like
        Leverage multiples (total size / public commitment).
    qualifier : str, pandas.Series or None
        Qualifiers of the multiples (:data:`RATIO_QUALIFIERS`); None treats them as stated points.
    usual_range : (float, float)
        Low and high multiple, both included; default :data:`POLICY_LEVERAGE_RANGE` (≈3.33× to 5×).

    Returns
    -------
    str, pandas.Series (named ``policy_context``) or numpy.ndarray
        ``below``, ``within`` or ``above`` the usual range; ``undetermined`` when the qualifier lets the true
        multiple lie in another band; NaN for a missing multiple.

    Raises
    ------
    ValueError
        For negative or non-numeric multiples, an unknown qualifier, or a range with low > high.

    Notes
    -----
    Policy documents often cap the public share of a *sub-fund* at 20-30 % of committed capital
    (:data:`POLICY_PUBLIC_SHARE_RANGE`), i.e. leverage 1/0.30 ≈ 3.33× to 1/0.20 = 5×. A mother
    fund, a platform's group of funds or a fund whose public investor is not the only public one is not held
    to that cap; the label only places the figure. Exact and ``about`` multiples are labelled by their value; a
    lower bound is ``above`` only when its value is above the range, an upper bound ``below`` only when its
    value is below it, otherwise ``undetermined``.
    """
    low, high = usual_range
    if not (0 <= low <= high):
        raise ValueError(f"usual_range: expected 0 <= low <= high, got {usual_range!r}")
    v = _as_number(leverage, "leverage")
    arr = np.atleast_1d(np.asarray(v, dtype=float))
    tol = 1e-9
    point = np.full(len(arr), "within", dtype=object)
    point[arr < low * (1 - tol)] = "below"
    point[arr > high * (1 + tol)] = "above"
    point[np.isnan(arr)] = None
    if qualifier is not None:
        if isinstance(qualifier, (pd.Series, np.ndarray, list, tuple)):
            codes = _qualifier_codes(pd.Series(np.asarray(qualifier, dtype=object)), "qualifier")
        else:
            codes = np.full(len(arr), -1 if _is_missing(qualifier) else _CODE[_check_qualifier(qualifier)])
        if len(codes) != len(arr):
            raise ValueError(f"qualifier: expected {len(arr)} qualifiers, got {len(codes)}")
        directions = np.array([Bound(q).direction for q in RATIO_QUALIFIERS] + ["exact"], dtype=object)
        direction = directions[codes]  # code -1 (no qualifier) picks the last entry: a stated point
        keep = ((direction == "exact") | (direction == "about") | ((direction == "lower") & (point == "above"))
                | ((direction == "upper") & (point == "below")) | (point == None))  # noqa: E711
        point = np.where(keep, point, "undetermined")
    point = np.where(point == None, np.nan, point)  # noqa: E711
    if isinstance(v, pd.Series):
        return pd.Series(point, index=v.index, name="policy_context", dtype="str")
    if isinstance(v, np.ndarray):
        return point
    return point[0] if isinstance(point[0], str) else np.nan


# --- tables --------------------------------------------------------------------------------------------

_MONEY = ("total_size", "committed", "paid_in")
_RATIO_COLUMNS = (  # name, numerator, denominator, qualifier column, basis column, basis
    ("leverage", "total_size", "committed", "leverage_qualifier", "leverage_basis"),
    ("paid_in_ratio", "paid_in", "committed", "paid_in_ratio_qualifier", "paid_in_basis"),
    ("public_share", "committed", "total_size", "public_share_qualifier", "public_share_basis"),
    ("avg_size", "total_size", "n_funds", "avg_size_qualifier", "avg_size_basis"),
)


def _require(df, columns: Sequence[str], who: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{who}: expected a pandas DataFrame of funds, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{who}: the funds table lacks column(s) {', '.join(missing)} "
                         "(see data/default/funds.meta.yaml)")


def _money_and_qualifiers(funds: pd.DataFrame) -> tuple[dict, dict]:
    values, quals = {}, {}
    for c in _MONEY:
        v = _as_number(funds[c], c)
        q = funds[f"{c}_qualifier"].astype(object)
        _qualifier_codes(q, f"{c}_qualifier")
        # a stated figure without a qualifier is taken as exact (the codebook's default); no figure, no qualifier
        q = q.where(q.notna(), "exact").where(v.notna(), np.nan)
        values[c], quals[c] = v, q
    n = _check_counts(funds["n_funds"], "n_funds", allow_zero=False)
    values["n_funds"] = n
    quals["n_funds"] = pd.Series("exact", index=funds.index, dtype=object).where(n.notna())
    return values, quals


def _size_word(funds: pd.DataFrame):
    if "status" in funds.columns:
        return np.where(funds["status"].astype(object) == "planned", "target_size", "total_size")
    return np.full(len(funds), "total_size", dtype=object)


def is_breakdown(funds: pd.DataFrame) -> pd.Series:
    """True for rows that break a group of funds down by type (``part_of`` names the group row).

    Parameters
    ----------
    funds : pandas.DataFrame
        The funds table (column ``part_of``).

    Returns
    -------
    pandas.Series of bool
        Same index. Breakdown rows carry counts only: money totals use the other (top-level) rows.
    """
    p = funds["part_of"].astype(object)
    return p.notna() & (p.astype(str).str.strip() != "")


#: Columns of the funds table that identify a record; :func:`fund_ratios` carries those present.
_ID_COLUMNS = ("fund_id", "region", "sponsor", "fund_type", "status")


def fund_ratios(funds: pd.DataFrame) -> pd.DataFrame:
    """Leverage, paid-in ratio, public share and average fund size of each row, with bounds and bases.

    Parameters
    ----------
    funds : pandas.DataFrame
        The funds table (data/default/funds.meta.yaml): at least ``total_size``, ``committed``, ``paid_in``,
        their ``*_qualifier`` columns and ``n_funds``. ``status`` (planned sizes are targets) and ``part_of``
        are used when present.

    Returns
    -------
    pandas.DataFrame
        Same index as ``funds``, columns:

        - the identifying columns of ``funds`` that it has: ``fund_id``, ``region``, ``sponsor``, ``fund_type``,
          ``status``;
        - ``leverage`` (multiple), ``leverage_qualifier``, ``leverage_basis``
          (``total_size / committed``, or ``target_size / committed`` for a planned fund);
        - ``paid_in_ratio`` (fraction), ``paid_in_ratio_qualifier``, ``paid_in_basis`` (``paid_in / committed``);
        - ``public_share`` (fraction), ``public_share_qualifier``, ``public_share_basis``
          (``committed / total_size`` or ``committed / target_size``);
        - ``avg_size`` (money per fund), ``avg_size_qualifier``, ``avg_size_basis`` (``total_size / n_funds``);
        - ``is_breakdown`` (True for rows with ``part_of``; present only when ``funds`` has ``part_of``).

        A value is NaN where an input is missing (or a denominator is 0), and its qualifier is then missing.

    Raises
    ------
    ValueError
        For a missing column, negative or non-numeric money, counts that are not whole numbers ≥ 1, or
        qualifiers outside :data:`RATIO_QUALIFIERS`.

    Notes
    -----
    Formulas as in :func:`leverage`, :func:`paid_in_ratio`, :func:`public_share`, :func:`average_fund_size`.
    Qualifiers from :func:`ratio_qualifier`; counts are exact. A stated figure with an empty qualifier is taken
    as exact. Example (doc 001 line 43): 近200亿元 over 18 funds gives avg_size 11.11亿元, ``just_under``.
    """
    _require(funds, [*_MONEY, *(f"{c}_qualifier" for c in _MONEY), "n_funds"], "fund_ratios")
    values, quals = _money_and_qualifiers(funds)
    size_word = _size_word(funds)
    basis = {
        "leverage_basis": np.char.add(size_word.astype(str), " / committed"),
        "paid_in_basis": np.full(len(funds), "paid_in / committed"),
        "public_share_basis": np.char.add("committed / ", size_word.astype(str)),
        "avg_size_basis": np.char.add(size_word.astype(str), " / n_funds"),
    }
    # the identifying columns come along, so that the ratios read without a join back to the funds table
    out = funds[[c for c in _ID_COLUMNS if c in funds.columns]].copy()
    for name, num, den, qcol, bcol in _RATIO_COLUMNS:
        v = _divide(values[num], values[den], num, den, name)
        out[name] = v
        out[qcol] = ratio_qualifier(quals[num], quals[den]).where(v.notna())
        out[bcol] = pd.Series(basis[bcol], index=funds.index, dtype="str")
    if "part_of" in funds.columns:
        out["is_breakdown"] = is_breakdown(funds)
    return out


_PRODUCT_CODES = np.array([[_CODE[_combine(a, b)] for b in RATIO_QUALIFIERS] for a in RATIO_QUALIFIERS])
_RATIO_CODES = np.array([[_CODE[_combine(a, _INVERSE[b])] for b in RATIO_QUALIFIERS] for a in RATIO_QUALIFIERS])
_LABELS = np.array(RATIO_QUALIFIERS + (np.nan,), dtype=object)  # code -1 -> NaN


def _group_sum(gid: np.ndarray, n_groups: int, values: np.ndarray) -> np.ndarray:
    """Sum of the non-missing values per group; NaN for a group with none (pandas' min_count=1)."""
    ok = ~np.isnan(values)
    total = np.bincount(gid[ok], weights=values[ok], minlength=n_groups)
    count = np.bincount(gid[ok], minlength=n_groups)
    return np.where(count > 0, total, np.nan)


def _group_count(gid: np.ndarray, n_groups: int, mask: np.ndarray) -> np.ndarray:
    return np.bincount(gid[mask], minlength=n_groups)


def _group_sum_qualifier(gid: np.ndarray, n_groups: int, codes: np.ndarray) -> np.ndarray:
    """:func:`sum_qualifier` per group, as codes (-1 where the group has no qualifier).

    The rule is commutative and associative, so a group's result depends only on which qualifiers occur in
    it: find them with one bincount per label and fold the (at most nine) labels.
    """
    res = np.full(n_groups, -1)
    for k in range(len(RATIO_QUALIFIERS)):
        present = _group_count(gid, n_groups, codes == k) > 0
        res = np.where(present, np.where(res < 0, k, _PRODUCT_CODES[np.maximum(res, 0), k]), res)
    return res


def aggregate_funds(funds: pd.DataFrame, by: Sequence[str] = ("sponsor",)) -> pd.DataFrame:
    """Sum funds by sponsor (and/or type, region, ...) without double counting, with ratio-of-sums measures.

    Parameters
    ----------
    funds : pandas.DataFrame
        The funds table, with at least ``fund_id``, ``part_of``, ``n_funds``, ``status``, ``currency``,
        ``total_size``, ``committed``, ``paid_in`` and their ``*_qualifier`` columns, and the ``by`` columns.
    by : sequence of str
        Grouping columns, e.g. ``['sponsor']`` or ``['sponsor', 'fund_type']``. ``status`` and ``currency`` are
        always added (when not given): yuan and USD are never added together, and existing, new and planned
        funds are different populations (planned sizes are targets; new funds may be among the existing ones).

    Returns
    -------
    pandas.DataFrame
        Indexed by the grouping columns (sorted), columns:

        - ``n_records``: top-level rows in the cell;
        - ``n_funds``, ``n_funds_qualifier``: number of funds (``at_least`` when some row does not state it);
        - for each of ``total_size``, ``committed``, ``paid_in``: the sum over top-level rows, its qualifier
          (:func:`sum_qualifier`; combined with ``at_least`` when some row in the cell does not state the
          figure) and ``<column>_rows``, the number of rows that state it;
        - ``leverage`` = Σ total_size / Σ committed, ``paid_in_ratio`` = Σ paid_in / Σ committed,
          ``public_share`` = Σ committed / Σ total_size, ``avg_size`` = Σ total_size / Σ n_funds, each summed
          over the rows that state *both* figures, with ``*_qualifier``, ``*_basis`` and ``*_rows``, and the
          two sums the ratio divides, ``*_numerator`` and ``*_denominator`` (money, or a count of funds for
          ``avg_size``), each with its ``*_qualifier`` (:func:`sum_qualifier` over the same rows).

    Raises
    ------
    ValueError
        For a missing column, duplicate ``fund_id``, a ``part_of`` that names no top-level row, breakdown counts
        that add up to more than their group's ``n_funds``, or the input errors of :func:`fund_ratios`.

    Notes
    -----
    Money is summed over top-level rows only (``part_of`` empty); breakdown rows carry counts and, if they
    carry money, it is ignored, so they never change money totals. When ``fund_type`` is among ``by``, funds
    are counted by type from the breakdown rows: a group row's funds go to its breakdown types (any rest stays
    with the group row's own type, e.g. ``mixed``) while its money stays with its own type, since a group's
    money cannot be split by type. The measures are ratios of sums (means of the rows' ratios weighted by
    their denominators), not means of ratios, and use only rows stating both figures so that numerator and
    denominator cover the same funds; a cell where no row states both has NaN. Cells that only hold breakdown counts have
    ``n_records`` 0 and no money. Rows of different dates or documents are summed as given; choose ``funds``
    accordingly.
    """
    by = [by] if isinstance(by, str) else list(by)
    keys = by + [k for k in ("status", "currency") if k not in by]
    _require(funds, [*_MONEY, *(f"{c}_qualifier" for c in _MONEY), "n_funds", "fund_id", "part_of", *keys],
             "aggregate_funds")
    values, quals = _money_and_qualifiers(funds)
    ids = funds["fund_id"].astype(object)
    dup = ids[ids.duplicated(keep=False) & ids.notna()]
    if len(dup):
        raise ValueError(f"fund_id: expected unique keys, found duplicates {sorted(set(dup))!r}")
    bd = is_breakdown(funds)
    top = ~bd
    top_ids = set(ids[top].dropna())
    parents = funds.loc[bd, "part_of"].astype(object).astype(str).str.strip()
    orphans = parents[~parents.isin(top_ids)]
    if len(orphans):
        raise ValueError(f"part_of: expected the fund_id of a top-level row, found {sorted(set(orphans))!r} "
                         f"(rows {list(orphans.index)!r})")

    key_frame = funds[keys].astype(object)
    n = values["n_funds"]

    # counts: from top-level rows, or by type from the breakdown rows
    if "fund_type" in by:
        bd_n = n[bd].groupby(parents.to_numpy()).sum(min_count=1)
        parent_n = pd.Series(n[top].to_numpy(), index=ids[top].to_numpy())
        rest = parent_n - bd_n.reindex(parent_n.index).fillna(0)
        if (rest < 0).any():
            bad = rest[rest < 0]
            raise ValueError(f"n_funds: breakdown rows of {list(bad.index)!r} count more funds than their group row")
        parent_row = pd.Series(funds.index[top], index=ids[top].to_numpy())
        bd_keys = key_frame.loc[parent_row[parents.to_numpy()].to_numpy()].copy()
        bd_keys["fund_type"] = funds.loc[bd, "fund_type"].astype(object).to_numpy()
        count_keys = bd_keys
        count_values = np.concatenate([rest.to_numpy(dtype=float), n[bd].to_numpy(dtype=float)])
    else:
        count_keys = key_frame.iloc[:0]
        count_values = n[top].to_numpy(dtype=float)

    # one group id per row: top-level rows first (money and, without fund_type, counts), then breakdown counts
    all_keys = pd.concat([key_frame[top], count_keys], ignore_index=True)
    grouped = all_keys.groupby(keys, dropna=False, sort=True)
    gid_all = grouped.ngroup().to_numpy()
    index = grouped.size().index
    n_groups = len(index)
    n_top = int(top.sum())
    gid = gid_all[:n_top]
    gid_count = gid_all if "fund_type" in by else gid

    out = pd.DataFrame(index=index)
    out["n_records"] = np.bincount(gid, minlength=n_groups)
    n_sum = _group_sum(gid_count, n_groups, count_values)
    unstated = _group_count(gid_count, n_groups, np.isnan(count_values))
    out["n_funds"] = pd.array(np.where(np.isnan(n_sum), np.nan, np.round(n_sum)), dtype="Int64")
    out["n_funds_qualifier"] = pd.Series(np.where(unstated > 0, "at_least", "exact"), index=index,
                                         dtype="str").where(~np.isnan(n_sum))

    top_values = {c: values[c][top].to_numpy(dtype=float) for c in (*_MONEY, "n_funds")}
    top_codes = {c: _qualifier_codes(quals[c][top], c) for c in (*_MONEY, "n_funds")}
    for c in _MONEY:
        v, codes = top_values[c], top_codes[c]
        total = _group_sum(gid, n_groups, v)
        rows = _group_count(gid, n_groups, ~np.isnan(v))
        missing = _group_count(gid, n_groups, np.isnan(v))
        q = _group_sum_qualifier(gid, n_groups, codes)
        # rows in the cell that do not state the figure add an unknown non-negative amount: a lower bound
        q = np.where((missing > 0) & (rows > 0), _PRODUCT_CODES[np.maximum(q, 0), _CODE["at_least"]], q)
        out[c] = total
        out[f"{c}_qualifier"] = pd.Series(_LABELS[q], index=index, dtype="str")
        out[f"{c}_rows"] = rows

    size_word = np.where(index.get_level_values("status").astype(object) == "planned", "target_size", "total_size")
    bases = {
        "leverage": np.char.add(np.char.add("sum ", size_word.astype(str)), " / sum committed"),
        "paid_in_ratio": np.full(n_groups, "sum paid_in / sum committed"),
        "public_share": np.char.add("sum committed / sum ", size_word.astype(str)),
        "avg_size": np.char.add(np.char.add("sum ", size_word.astype(str)), " / sum n_funds"),
    }
    for name, num, den, qcol, bcol in _RATIO_COLUMNS:
        both = ~np.isnan(top_values[num]) & ~np.isnan(top_values[den])
        num_sum = _group_sum(gid, n_groups, np.where(both, top_values[num], np.nan))
        den_sum = _group_sum(gid, n_groups, np.where(both, top_values[den], np.nan))
        num_q = _group_sum_qualifier(gid, n_groups, np.where(both, top_codes[num], -1))
        den_q = _group_sum_qualifier(gid, n_groups, np.where(both, top_codes[den], -1))
        with np.errstate(all="ignore"):
            v = num_sum / den_sum
        v = np.where(np.isfinite(v), v, np.nan)  # a zero or missing denominator: undefined, as in _divide
        q = np.where((num_q >= 0) & (den_q >= 0) & ~np.isnan(v),
                     _RATIO_CODES[np.maximum(num_q, 0), np.maximum(den_q, 0)], -1)
        out[name] = v
        out[qcol] = pd.Series(_LABELS[q], index=index, dtype="str")
        out[bcol] = pd.Series(np.char.add(bases[name], " (rows stating both)"), index=index, dtype="str")
        out[f"{name}_rows"] = _group_count(gid, n_groups, both)
        out[f"{name}_numerator"] = num_sum
        out[f"{name}_numerator_qualifier"] = pd.Series(_LABELS[num_q], index=index, dtype="str")
        out[f"{name}_denominator"] = den_sum
        out[f"{name}_denominator_qualifier"] = pd.Series(_LABELS[den_q], index=index, dtype="str")
    return out
