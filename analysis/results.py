"""What the domain library's result objects share: a short, rounded ``summary()``, the types of its arguments, and
the error a function gives when handed a figure as text.

Result objects (``GrowthResult``, ``ComponentCheck``, ``BoundedBase``, ``PaceGap``, ``TrendGrowthResult``, ...)
are dataclasses that derive from :class:`Result`: in JupyterLab they print as a few rounded lines (their
``summary()``), not as a dump of every field with the DataFrames inside; every field is still there
(``check.checks``, ``res.results``).

A function that computes with numbers and is handed the text of a figure (``"增长7倍多"``, ``"20.75亿元"``) says to
read it first with :func:`analysis.parse_quantity` (codebook ``data/CODEBOOK.md``, rules 3 to 5: base units,
qualifiers, growth): :func:`reject_text`.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from typing import Union

import numpy as np
import pandas as pd

__all__ = ["Result", "Numbers", "DateLike", "reject_text", "text_hint", "float_array", "short"]

#: One number or many: a float, an array, a list of numbers, a Series or a DataFrame (pandas in, pandas out).
Numbers = Union[float, int, np.ndarray, pd.Series, pd.DataFrame, Sequence[float]]
#: A date: ``"2022-06-30"``, a Timestamp, a ``datetime.date`` or a NumPy datetime.
DateLike = Union[str, pd.Timestamp, _dt.date, np.datetime64]


def _first_text(x: object) -> str | None:
    """The first text value of ``x`` (a string, or a string inside a list, array or Series), or None."""
    if isinstance(x, (str, bytes)):
        return x if isinstance(x, str) else x.decode("utf-8", "replace")
    if isinstance(x, (pd.Series, pd.Index, np.ndarray, list, tuple)):
        values = x.to_numpy(dtype=object) if isinstance(x, (pd.Series, pd.Index)) else np.asarray(x, dtype=object)
        for v in values.ravel():
            if isinstance(v, str):
                return v
    if isinstance(x, pd.DataFrame):
        for c in x.columns:
            t = _first_text(x[c]) if x[c].dtype == object else None
            if t is not None:
                return t
    return None


def text_hint(x: object) -> str:
    """``"; it holds the text '20.75亿元': read figures with analysis.parse_quantity(...)"`` when ``x`` holds text,
    else ``""``: for the end of an error message about a non-numeric argument."""
    text = _first_text(x)
    if text is None:
        return ""
    return f"; it holds the text {text!r}: read figures as written with analysis.parse_quantity({text!r})"


def reject_text(x: object, name: str, *, takes_quantity: bool = False) -> None:
    """Raise a ValueError that says to use :func:`analysis.parse_quantity` when ``x`` holds a figure as text.

    Parameters
    ----------
    x : object
        An argument that should be numeric (a number, array, Series or DataFrame).
    name : str
        The argument's name, for the message.
    takes_quantity : bool
        True when the function also takes a :class:`~analysis.units.Quantity` (the message then says to pass
        it as it is, rather than its ``.value``).

    Raises
    ------
    ValueError
        When ``x`` is a string, or a sequence, Series or DataFrame with a string in it.
    """
    text = _first_text(x)
    if text is None:
        return
    use = "pass the Quantity it returns" if takes_quantity else "pass its .value (in base units: yuan, percent, ...)"
    where = "" if isinstance(x, str) else " (one of its values)"
    raise ValueError(f"{name}: got the text {text!r}{where}, expected a number. Read a figure as written with "
                     f"analysis.parse_quantity({text!r}) and {use}; see data/CODEBOOK.md, rules 3-5")


def float_array(x: list | tuple | np.ndarray, name: str) -> np.ndarray:
    """A list, tuple or array of numbers as a float array; ValueError naming ``name`` for any other dtype."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name}: expected numbers, got an array of dtype {arr.dtype}{text_hint(x)}")
    return arr.astype(float)


def _is_scalar(x: object) -> bool:
    return x is None or np.ndim(x) == 0


def short(x: object, kind: str = "number", digits: int | None = None) -> str:
    """A value written for a summary line: one number rounded, or a few of many (``3 values: 7.2, 13.55, 20.75``).

    Parameters
    ----------
    x : float, array-like, Series or DataFrame
    kind : str
        How a number is written (:func:`analysis.reporting.format_cell` kinds: ``number``, ``pct``,
        ``pct_signed``, ``pp``, ``multiple``, ``share``, ``int``, ``p``, ``bool``, ``date``).
    digits : int, optional
        Decimals (default by kind).
    """
    from .reporting.format import format_cell

    def one(v: object) -> str:
        if isinstance(v, (float, np.floating)) and not math.isfinite(float(v)) and not math.isnan(float(v)):
            return str(float(v))
        if kind == "number" and isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)):
            f = float(v)
            if math.isfinite(f) and f != 0 and abs(f) < 0.01:
                return f"{f:.3g}"
        text = format_cell(v, kind, digits=digits)
        return text or "n/a"

    if _is_scalar(x):
        return one(x)
    values = np.asarray(x.to_numpy() if isinstance(x, (pd.Series, pd.DataFrame)) else x, dtype=object).ravel()
    n = len(values)
    if n <= 4:
        return f"{n} value{'s' if n != 1 else ''}: " + ", ".join(one(v) for v in values)
    nums = pd.to_numeric(pd.Series(values), errors="coerce")
    if nums.notna().any() and kind not in ("bool", "date"):
        return f"{n} values, {one(nums.min())} to {one(nums.max())}"
    return f"{n} values: {', '.join(one(v) for v in values[:3])}, ..."


class Result:
    """Mixin of the result dataclasses: ``summary()`` and a short repr (declare the dataclass with ``repr=False``).

    A subclass implements ``_summary_lines()``, returning its headline and the lines under it.
    """

    def _summary_lines(self) -> tuple[str, list[str]]:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def summary(self) -> str:
        """A few lines, numbers rounded: what the result says, and where the full-precision fields are."""
        head, lines = self._summary_lines()
        return "\n".join([f"{type(self).__name__}: {head}", *(f"  {line}" for line in lines)])

    def __repr__(self) -> str:
        return self.summary()

    def _repr_pretty_(self, p, cycle: bool) -> None:  # IPython's pretty printer (JupyterLab, the console)
        p.text(self.summary())
