"""Helpers for the studies' narrative: escaped Markdown from data, number formatting, provenance tables.

Reports are shared with people outside the project, so every string that comes from data is HTML-escaped
before it reaches a Markdown or HTML output (:func:`md`); DataFrames are shown with pandas' escaping on.
"""

from __future__ import annotations

import html
import math
from numbers import Number

import pandas as pd

from ..io import RAW_FIGURES, Dataset
from ..units import Quantity, format_quantity
from ..vocab import QUALIFIER

__all__ = ["md", "esc", "fmt_money", "fmt_pct", "fmt_pp", "fmt_num", "fmt_p", "fmt_multiple", "fmt_share", "fmt_int",
           "format_cell", "format_column", "provenance", "show", "report_header", "REPORT_MIMETYPE"]

#: Qualifier → the English words written before a number (``at least ``; nothing for ``exact``), from the vocabulary.
_QUALIFIER_WORDS = {q.code: f"{q.words} " if q.words else "" for q in QUALIFIER}
#: Qualifiers fmt_money writes in words: ``more_than`` (余 reads well only after a whole number) and the bounds
#: derived for sums and ratios (:data:`analysis.funds.RATIO_QUALIFIERS`).
_MONEY_WORDS = {"more_than": _QUALIFIER_WORDS["more_than"], "about_at_least": "about " + _QUALIFIER_WORDS["at_least"],
                "about_at_most": "about " + _QUALIFIER_WORDS["at_most"]}


def esc(value) -> str:
    """HTML-escape any value's text (``<script>`` → ``&lt;script&gt;``); Markdown control characters too."""
    text = str(value).replace("\\", "\\\\")
    for ch in "*_`[]|#":
        text = text.replace(ch, "\\" + ch)
    return html.escape(text, quote=False)


def md(template: str, **values):
    """Markdown output for a notebook, with every value escaped.

    ``md("**{region}** grew {g}", region=name, g=fmt_pct(x))``: the template is the author's; the values come from
    data and are escaped with :func:`esc`, so a region called ``<script>alert(1)</script>`` shows as text.
    """
    from IPython.display import Markdown

    return Markdown(template.format(**{k: esc(v) for k, v in values.items()}))


def fmt_money(value, qualifier: str | None = "exact", unit: str = "yuan", digits: int = 2) -> str:
    """Money in 亿元 (or 万元 below 10^8), with its qualifier: ``fmt_money(2e10, 'just_under')`` → ``近200亿元``.

    Parameters
    ----------
    value : float
        Money in yuan (or USD with ``unit='usd'``); missing gives ``n/a``.
    qualifier : str, optional
        A codebook qualifier (written as the documents write it: 近, 超, 约, 不超过) or a bound derived for sums
        and ratios (``about_at_least``, ``about_at_most``, ``unknown``: written in words); ``more_than`` is
        written in words too, because 余 reads well only after a whole number (550余万元).
    unit : {'yuan', 'usd'}
    digits : int
        Decimals kept in 亿 or 万 (trailing zeros dropped).

    Returns
    -------
    str
    """
    if value is None or value is pd.NA or (isinstance(value, Number) and math.isnan(value)):
        return "n/a"
    q = qualifier if isinstance(qualifier, str) and qualifier else "exact"
    if q in _MONEY_WORDS:
        return _MONEY_WORDS[q] + format_quantity(Quantity(float(value), unit, "exact"), digits=digits)
    if q == "unknown":
        return format_quantity(Quantity(float(value), unit, "exact"), digits=digits) + " (bound direction unknown)"
    return format_quantity(Quantity(float(value), unit, q), digits=digits)


def fmt_pct(value, digits: int = 1, qualifier: str | None = None, signed: bool = False) -> str:
    """A percentage: ``fmt_pct(42.45)`` → ``42.5 %``; with ``signed`` a plus sign for growth."""
    if value is None or value is pd.NA or (isinstance(value, Number) and math.isnan(value)):
        return "n/a"
    sign = "+" if signed and value > 0 else ""
    return f"{_QUALIFIER_WORDS.get(qualifier or 'exact', '')}{sign}{value:,.{digits}f} %"


def fmt_pp(value, digits: int = 1) -> str:
    """Percentage points, signed: ``+27.0 pp``."""
    if value is None or value is pd.NA or (isinstance(value, Number) and math.isnan(value)):
        return "n/a"
    return f"{value:+,.{digits}f} pp"


def fmt_num(value, digits: int = 2) -> str:
    """A plain number, thousands separated, trailing zeros dropped."""
    if value is None or value is pd.NA or (isinstance(value, Number) and math.isnan(value)):
        return "n/a"
    s = f"{value:,.{digits}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def fmt_p(value, digits: int = 3, label: bool = True) -> str:
    """A p-value as a report writes it: ``p = 0.333``, and ``p < 0.001`` below the last digit shown, never ``p = 0``.

    Parameters
    ----------
    value : float
        The p-value, a probability in [0, 1]; missing gives ``p n/a``.
    digits : int
        Decimals shown (3: ``0.042``); a p-value below 10**-digits is written ``< 0.001``.
    label : bool
        False leaves out the leading ``p =`` (``0.042``, ``< 0.001``), for a table column of p-values.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For a value outside [0, 1] or ``digits`` < 1.
    """
    if not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits: expected a whole number of at least 1, got {digits!r}")
    head = "p " if label else ""
    if value is None or value is pd.NA or (isinstance(value, Number) and math.isnan(value)):
        return head + "n/a"
    if not 0.0 <= float(value) <= 1.0:
        raise ValueError(f"p-value: expected a probability between 0 and 1, got {value!r}")
    floor = 10.0 ** -digits
    if float(value) < floor:
        return f"{head}< {floor:.{digits}f}"
    return f"{'p = ' if label else ''}{float(value):.{digits}f}"


_KEYS = {"observations": "obs_id", "funds": "fund_id", "equity_stakes": "stake_id", "projects": "project_id",
         "milestones": "milestone_id"}


def provenance(ds: Dataset, **used: pd.DataFrame | list) -> pd.DataFrame:
    """Every source figure a study used, with its document and line.

    Parameters
    ----------
    ds : Dataset
    **used
        Table name → the rows (DataFrame) or keys (list) the study used, e.g. ``observations=obs_rows``.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``id``, ``figure`` (the raw text, as the document writes it), ``doc``, ``line``.
    """
    frames = []
    for table, rows in used.items():
        if table not in _KEYS:
            raise ValueError(f"unknown table {table!r}; expected one of {', '.join(_KEYS)}")
        key = _KEYS[table]
        ids = list(rows[key]) if isinstance(rows, pd.DataFrame) else list(rows)
        df = ds.table(table)
        df = df[df[key].isin(ids)]
        raw_cols = [r for r, *_ in RAW_FIGURES.get(table, [])] or ["raw"]
        raw_cols = [c for c in raw_cols if c in df]
        figure = df[raw_cols].apply(lambda r: "; ".join(str(v) for v in r if pd.notna(v)), axis=1) if raw_cols else ""
        frames.append(pd.DataFrame({"table": table, "id": df[key], "figure": figure, "doc": df["doc"], "line": df["line"]}))
    if not frames:
        return pd.DataFrame(columns=["table", "id", "figure", "doc", "line"])
    out = pd.concat(frames, ignore_index=True)
    return out.drop_duplicates().sort_values(["doc", "line", "id"]).reset_index(drop=True)


def show(df: pd.DataFrame, caption: str | None = None, **to_html):
    """Display a DataFrame as escaped HTML (data strings cannot inject markup), with an optional caption."""
    from IPython.display import HTML

    shown = df.astype(object).where(df.notna(), "")  # pandas' NA of every dtype shows as an empty cell
    body = shown.to_html(escape=True, border=0, **to_html)
    cap = f"<p><em>{html.escape(caption)}</em></p>" if caption else ""
    return HTML(cap + body)


#: MIME type of the small JSON record a study emits for the runner (title, data fingerprint, data source).
REPORT_MIMETYPE = "application/vnd.investment-report+json"


def report_header(ds: Dataset, title: str):
    """Announce the report: returns a Markdown title and emits, for the runner, the data fingerprint and source.

    The runner reads the record (MIME type :data:`REPORT_MIMETYPE`) from the executed notebook and puts the title,
    parameters and fingerprint at the top of the HTML report.
    """
    from IPython.display import display

    source = ds.label
    display({REPORT_MIMETYPE: {"title": title, "fingerprint": ds.fingerprint, "data_source": source}}, raw=True)
    return md("Data: {source}, fingerprint `{fp}`.", source=source, fp=ds.fingerprint)


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, Number) and math.isnan(value))


def fmt_int(value) -> str:
    """A count: ``fmt_int(1234.0)`` → ``1,234``; a value that is not whole keeps two decimals."""
    if _missing(value):
        return ""
    v = float(value)
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}"


def fmt_multiple(value, digits: int = 2, qualifier: str | None = None) -> str:
    """A multiple: ``fmt_multiple(1.9466)`` → ``1.95×``, with its qualifier in words (``about 3×``)."""
    if _missing(value):
        return "n/a"
    return f"{_QUALIFIER_WORDS.get(qualifier or 'exact', '')}{fmt_num(value, digits)}×"


def fmt_share(value, digits: int = 1, qualifier: str | None = None) -> str:
    """A fraction as a percentage: ``fmt_share(0.5172)`` → ``51.7 %``."""
    if _missing(value):
        return "n/a"
    return fmt_pct(float(value) * 100, digits=digits, qualifier=qualifier)


_DEFAULT_DIGITS = {"money": 2, "multiple": 2, "pct": 1, "pct_signed": 1, "pp": 1, "share": 1, "number": 2, "p": 3}


def format_cell(value, kind: str, digits: int | None = None, unit: str | None = None,
                qualifier: str | None = None) -> str:
    """One value written for reading, by the kind of its column (see :class:`analysis.reporting.Col`).

    Missing values are written as an empty cell (``n/a`` is for sentences); every other value as text ready
    for escaping. Money is in yuan or USD (``unit``) and written in 亿元/万元 with its qualifier.
    """
    if _missing(value):
        return ""
    d = digits if digits is not None else _DEFAULT_DIGITS.get(kind, 2)
    if kind == "text" or kind == "period":
        return str(value)
    if kind == "bool":
        return "yes" if bool(value) else "no"
    if kind == "date":
        return pd.Timestamp(value).strftime("%Y-%m-%d") if not isinstance(value, str) else value
    if isinstance(value, str):  # a formatted or descriptive cell in a numeric column: shown as it is
        return value
    if kind == "int":
        return fmt_int(value)
    if kind == "number":
        return fmt_num(value, d)
    if kind == "money":
        return fmt_money(value, qualifier, unit or "yuan", d)
    if kind == "pct":
        return fmt_pct(value, d, qualifier)
    if kind == "pct_signed":
        return fmt_pct(value, d, qualifier, signed=True)
    if kind == "pp":
        return fmt_pp(value, d)
    if kind == "multiple":
        return fmt_multiple(value, d, qualifier)
    if kind == "share":
        return fmt_share(value, d, qualifier)
    if kind == "p":
        return fmt_p(value, d, label=False)
    raise ValueError(f"unknown column kind {kind!r}")


def format_column(frame: pd.DataFrame, col) -> list[str]:
    """The values of one :class:`~analysis.reporting.Col` of ``frame``, written for reading."""
    values = frame[col.key].tolist()
    n = len(values)
    quals = frame[col.qualifier].tolist() if col.qualifier and col.qualifier in frame else [None] * n
    if col.unit and col.unit in frame.columns:
        units = frame[col.unit].tolist()
    else:
        units = [col.unit] * n
    return [format_cell(v, col.kind, col.digits, u if isinstance(u, str) else None, q if isinstance(q, str) else None)
            for v, q, u in zip(values, quals, units)]
