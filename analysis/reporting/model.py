"""The report model: what a study returns, and what the renderer turns into a report a reader can use.

A study is a function of the data that returns a :class:`Report`: a title, the question it answers, its key
findings (each linking to its section), and numbered :class:`Section` objects, each with its question, its
findings as sentences whose numbers come from the data, and its :class:`Table` and :class:`Figure` items. The
notebooks only display these objects (each has ``_repr_html_``); the HTML is made by
:mod:`analysis.reporting.render`, and the runner publishes it.

Text
    Findings and paragraphs are plain text written by the library, with numbers and names from data already
    formatted into them. The renderer escapes all of it (a region called ``<script>`` shows as text); the only
    markup it reads is ``**bold**`` and ```code```, applied after escaping.
Tables
    A :class:`Table` holds the full-precision frame (downloads carry it as it is) and a list of :class:`Col`
    saying how each column is headed (human header with its unit) and formatted for reading (counts as
    integers, money in 亿元/万元 with its qualifier, rates with 1-2 decimals, ratios as 1.95×).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from ..vocab import QUALIFIER

__all__ = ["Col", "Table", "Figure", "Section", "Report", "COLUMN_KINDS", "MONEY_SCALES", "format_scaled_money"]

#: How a column's values are written for reading (see :func:`analysis.reporting.format.format_cell`).
COLUMN_KINDS = ("text", "int", "number", "money", "pct", "pct_signed", "pp", "multiple", "share", "bool", "date",
                "p", "period")

Kind = Literal["text", "int", "number", "money", "pct", "pct_signed", "pp", "multiple", "share", "bool", "date",
               "p", "period"]


@dataclass(frozen=True)
class Col:
    """One column of a :class:`Table`: which frame column, its header, and how its values are written.

    Parameters
    ----------
    key : str
        Column of the frame.
    label : str
        Human header, with its unit where it has one: ``"Total investment (亿元)"``, ``"Leverage (×)"``.
    kind : str
        One of :data:`COLUMN_KINDS`: ``text``; ``int`` (counts, whole numbers); ``number`` (``digits``
        decimals, thousands separated); ``money`` (a value in yuan, or USD where ``unit`` says so, written in
        亿元/万元 with its qualifier); ``pct`` (a value in percent, 13.7 → ``13.7 %``); ``pct_signed`` (growth,
        ``+13.7 %``); ``pp`` (percentage points, signed); ``multiple`` (``1.95×``); ``share`` (a fraction,
        0.517 → ``51.7 %``); ``bool`` (yes / no); ``date`` (YYYY-MM-DD); ``p`` (a p-value, ``< 0.001``);
        ``period`` (a period label as it is).
    digits : int, optional
        Decimals shown (default by kind: 2 for money and multiples, 1 for percentages, 2 for numbers).
    unit : str, optional
        For ``money``: ``yuan`` (default) or ``usd``; or the name of a column of the frame holding it per row.
    qualifier : str, optional
        For ``money``, ``pct``, ``multiple``, ``share``: the name of a column holding each value's qualifier
        (codebook words: ``at_least``, ``about``, ...), written before the value.
    scale : {'亿', '万'}, optional
        For ``money`` only: write every value as a number in this unit (10^8 or 10^4 of ``unit``), the unit
        being said once in the header (``label="Total investment (亿元)"``), not in every cell; a qualifier is
        written as its symbol in :data:`analysis.vocab.QUALIFIER` (``≥ 132``, ``> 5.5``, ``≈ 20``, ``< 200``,
        ``≤ 3``; the table's note explains the symbols it uses). Needs one unit for the whole column (``unit`` not a column name).
        Default: each value in 亿元 or 万元 as its size suits, with its qualifier (``超132亿元``).

        For example ``Col("total", "Total investment (亿元)", "money", scale="亿", qualifier="total_q")``.
    """

    key: str
    label: str
    kind: Kind = "text"
    digits: int | None = None
    unit: str | None = None
    qualifier: str | None = None
    scale: str | None = None

    def __post_init__(self):
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"Col {self.key!r}: kind must be one of {', '.join(COLUMN_KINDS)}, got {self.kind!r}")
        if self.scale is not None:
            if self.kind != "money":
                raise ValueError(f"Col {self.key!r}: scale is for money columns, not {self.kind!r}")
            if self.scale not in MONEY_SCALES:
                raise ValueError(f"Col {self.key!r}: scale must be one of {', '.join(MONEY_SCALES)}, got {self.scale!r}")

    def format(self, values: Sequence, qualifiers: Sequence | None = None, units: Sequence | None = None) -> list[str]:
        """These values written as the column shows them (``qualifiers``, ``units``: per value, or None).

        Parameters
        ----------
        values : sequence
            The column's values (money in yuan or USD, percentages in percent, fractions as fractions, ...).
        qualifiers, units : sequence, optional
            Each value's qualifier (codebook word) and unit (``yuan``, ``usd``), where the column has them.

        Returns
        -------
        list of str
            One text per value; a missing value gives an empty string.
        """
        from .format import format_cell

        n = len(values)
        qualifiers = [q if isinstance(q, str) and q else None for q in (qualifiers if qualifiers is not None else [None] * n)]
        if units is None:
            units = [self.unit if self.unit in (None, "yuan", "usd") else None] * n
        units = [u if isinstance(u, str) and u else None for u in units]
        if self.scale is not None:
            return [format_scaled_money(v, self.scale, q, self.digits) for v, q in zip(values, qualifiers)]
        return [format_cell(v, self.kind, self.digits, u, q) for v, q, u in zip(values, qualifiers, units)]

    def download_label(self) -> str:
        """The column's header in the CSV and XLSX downloads: the label, and for money the unit its values are
        in (they are kept in yuan or USD at full precision: ``Total investment (yuan)``, not ``(亿元)``)."""
        if self.kind != "money":
            return self.label
        base = re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", self.label) or self.label
        unit = {None: "yuan", "yuan": "yuan", "usd": "USD"}.get(self.unit, f"yuan or USD, see {self.unit}")
        return f"{base} ({unit})"


#: Scales of :attr:`Col.scale`: the unit a money column is written in, and its size in yuan (or USD).
MONEY_SCALES = {"亿": 1e8, "万": 1e4}

#: How :attr:`Col.scale` columns write a qualifier: its symbol from the vocabulary (``≥``, ``>``, ``≈``, ``<``,
#: ``≤``), and for the bounds derived for sums and ratios ``about`` and the symbol.
QUALIFIER_SYMBOLS = {q.code: f"{q.symbol} " if q.symbol else "" for q in QUALIFIER}
QUALIFIER_SYMBOLS.update({"about_at_least": "about " + QUALIFIER_SYMBOLS["at_least"],
                          "about_at_most": "about " + QUALIFIER_SYMBOLS["at_most"]})

#: What each symbol means, in the vocabulary's words (a table's note explains the symbols its scaled columns use).
SYMBOL_MEANINGS = {q.symbol: q.words for q in QUALIFIER if q.symbol}


def format_scaled_money(value, scale: str, qualifier: str | None = None, digits: int | None = None) -> str:
    """Money as a number of 亿 or 万 (the unit said once, in the column's header), with its qualifier as a symbol.

    Parameters
    ----------
    value : float
        Money in yuan (or USD); missing gives an empty string; a string (a descriptive cell) is kept as it is.
    scale : {'亿', '万'}
        10^8 or 10^4.
    qualifier : str, optional
        Codebook qualifier, written as its symbol (``at_least`` → ``≥``, ``more_than`` → ``>``, ``about`` → ``≈``,
        ``just_under`` → ``<``, ``at_most`` → ``≤``), or a derived bound (``about_at_least``, ``unknown``).
    digits : int, optional
        Decimals shown (default 2), kept so that the column's decimals line up; a value too small to show at
        that many decimals keeps two significant digits (``0.0035`` rather than ``0.00``).

    Returns
    -------
    str
        ``format_scaled_money(1.32e10, "亿", "at_least")`` → ``"≥ 132.00"``.
    """
    from .format import _missing

    if isinstance(value, str):
        return value
    if _missing(value):
        return ""
    d = 2 if digits is None else digits
    x = float(value) / MONEY_SCALES[scale]
    text = f"{x:,.{d}f}"
    if x != 0 and float(f"{x:.{d}f}") == 0:
        text = f"{x:.2g}"
    q = qualifier if isinstance(qualifier, str) and qualifier else "exact"
    if q == "unknown":
        return f"{text} (bound direction unknown)"
    return QUALIFIER_SYMBOLS.get(q, f"{q} ") + text


@dataclass
class Table:
    """A table of a report: the full-precision frame, how it is shown, its caption and where its numbers come from.

    Parameters
    ----------
    frame : pandas.DataFrame
        The data, at full precision (the CSV and XLSX downloads carry it as it is, with the shown columns).
    caption : str
        What the table shows (the renderer numbers it: "Table 3. ...").
    columns : sequence of Col, optional
        Columns shown, in order, with headers and formats; default: every column as text under its own name.
    source : str, optional
        Where the numbers come from (document and line through the provenance appendix, a function, ...).
    ids : str, optional
        A column of source-figure ids (``obs_id``, ``fund_id``, ...): each row's id links to the provenance
        appendix.
    name : str, optional
        File name stem of the downloads (default from the caption).
    """

    frame: pd.DataFrame
    caption: str
    columns: Sequence[Col] | None = None
    source: str = ""
    ids: str | None = None
    name: str | None = None
    number: int = 0  # set by the Report

    def __post_init__(self):
        if not isinstance(self.frame, pd.DataFrame):
            raise ValueError(f"Table {self.caption!r}: frame must be a pandas DataFrame, got {type(self.frame).__name__}")
        if self.columns is None:
            self.columns = [Col(str(c), str(c)) for c in self.frame.columns]
        missing = [c.key for c in self.columns if c.key not in self.frame.columns]
        if missing:
            raise ValueError(f"Table {self.caption!r}: columns {missing} are not in the frame "
                             f"(it has {list(self.frame.columns)})")
        labels = [c.label for c in self.columns]
        twice = sorted({x for x in labels if labels.count(x) > 1})
        if twice:
            raise ValueError(f"Table {self.caption!r}: column labels repeat: {twice} (each header must be unique)")
        per_row = [c.key for c in self.columns if c.scale and c.unit not in (None, "yuan", "usd")]
        if per_row:
            raise ValueError(f"Table {self.caption!r}: columns {per_row} have a scale but a unit per row: a scaled "
                             "column needs one unit (unit='yuan' or 'usd')")
        if self.ids is not None and self.ids not in self.frame.columns:
            raise ValueError(f"Table {self.caption!r}: ids column {self.ids!r} is not in the frame")

    @property
    def empty(self) -> bool:
        return self.frame.empty

    def shown(self) -> pd.DataFrame:
        """The frame as shown: formatted text under the human headers, no index."""
        out = pd.DataFrame({c.label: c.format(*self._column_inputs(c)) for c in self.columns})
        return out.reset_index(drop=True)

    def _column_inputs(self, c: Col) -> tuple[list, list | None, list | None]:
        """A column's values, and its qualifiers and units per row where columns of the frame hold them."""
        quals = self.frame[c.qualifier].tolist() if c.qualifier and c.qualifier in self.frame.columns else None
        units = self.frame[c.unit].tolist() if c.unit and c.unit in self.frame.columns else None
        return self.frame[c.key].tolist(), quals, units

    def download_columns(self) -> dict[str, str]:
        """Frame column → its header in the downloads, in order: each shown column (money with the unit its
        values are in), then beside it its qualifier column (``… qualifier``) and unit column (``… unit``)."""
        out: dict[str, str] = {}
        shown = {c.key for c in self.columns}
        for c in self.columns:
            out.setdefault(c.key, c.download_label())
            base = re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", c.label) or c.label
            for k, what in ((c.qualifier, "qualifier"), (c.unit, "unit")):
                if k and k in self.frame.columns and k not in out and k not in shown:
                    out[k] = f"{base} {what}"
        return out

    def download_frame(self) -> pd.DataFrame:
        """The frame as downloaded: the shown columns (and their qualifier and unit columns) at full precision,
        under the human headers (money headed with the unit its values are in: ``Total investment (yuan)``)."""
        cols = self.download_columns()
        out = self.frame[list(cols)].reset_index(drop=True)
        out.columns = list(cols.values())
        return out

    def _repr_html_(self) -> str:
        from .render import render_table

        return render_table(self)

    def __repr__(self) -> str:
        return f"Table {self.number or ''}: {self.caption} ({len(self.frame)} rows; .frame for the data)"


@dataclass
class Figure:
    """A figure of a report: a matplotlib figure, its caption and its alt text (what it shows, for a reader who
    cannot see it)."""

    fig: Any
    caption: str
    alt: str
    number: int = 0  # set by the Report

    def _repr_html_(self) -> str:
        from .render import render_figure

        return render_figure(self)

    def __repr__(self) -> str:
        return f"Figure {self.number or ''}: {self.caption}"


Item = str | Table | Figure


@dataclass
class Section:
    """A numbered section of a report.

    Parameters
    ----------
    id : str
        Anchor (letters, digits, hyphens), unique in the report.
    title : str
    question : str
        The question the section answers, in one sentence.
    findings : list of str
        What the data say, as sentences whose numbers come from the data (true on any region's data: a section
        with nothing to show says so).
    items : list of str, Table or Figure
        The body after the findings, in order: paragraphs (explanations, caveats), tables and figures.
    key : list of str
        Findings promoted to the report's key findings (each links back here).
    """

    id: str
    title: str
    question: str = ""
    findings: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    key: list[str] = field(default_factory=list)
    number: int = 0  # set by the Report

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", self.id):
            raise ValueError(f"Section id {self.id!r}: expected lower-case letters, digits and hyphens")

    @property
    def tables(self) -> list[Table]:
        return [i for i in self.items if isinstance(i, Table)]

    @property
    def figures(self) -> list[Figure]:
        return [i for i in self.items if isinstance(i, Figure)]

    def _repr_html_(self) -> str:
        from .render import render_section

        return render_section(self)

    def summary(self) -> str:
        lines = [f"{self.number}. {self.title}" if self.number else self.title]
        lines += [f"  - {f}" for f in self.findings]
        lines += [f"  [{t!r}]" for t in self.tables]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


@dataclass
class Report:
    """A study's report: title block, key findings, numbered sections, provenance appendix.

    Parameters
    ----------
    study : str
        The study's name (``01-investment-growth``).
    title : str
    question : str
        The question the study answers.
    parameters : dict
        The parameters it ran with (shown in the title block).
    data : str
        The data it read (embedded dataset or a folder) and its fingerprint.
    sections : list of Section
        Numbered in order (1, 2, ...); tables and figures are numbered across the report.
    provenance : Table, optional
        Every source figure used, with document and line (the appendix; rows' ids link here).
    intro : str, optional
        A paragraph under the title: what the study reads and how.
    fingerprint : str, optional
        The data's fingerprint (``Dataset.fingerprint``), for the runner's record.
    """

    study: str
    title: str
    question: str
    parameters: dict
    data: str
    sections: list[Section]
    provenance: Table | None = None
    intro: str = ""
    fingerprint: str = ""

    def __post_init__(self):
        ids = [s.id for s in self.sections]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"Report {self.title!r}: section ids repeat: {dup}")
        t = f = 0
        for n, s in enumerate(self.sections, start=1):
            s.number = n
            for item in s.items:
                if isinstance(item, Table):
                    t += 1
                    item.number = t
                elif isinstance(item, Figure):
                    f += 1
                    item.number = f
        if self.provenance is not None:
            self.provenance.number = t + 1

    @property
    def key_findings(self) -> list[tuple[str, Section]]:
        """The key findings, each with the section it links to (at most six, in section order)."""
        return [(k, s) for s in self.sections for k in s.key][:6]

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables] + ([self.provenance] if self.provenance is not None else [])

    def section(self, id_: str) -> Section:
        """The section with this id (``report.section("levels")``)."""
        for s in self.sections:
            if s.id == id_:
                return s
        raise KeyError(f"no section {id_!r}; the sections are {', '.join(s.id for s in self.sections)}")

    def __getitem__(self, id_: str) -> Section:
        return self.section(id_)

    def get(self, id_: str) -> Section | None:
        """The section with this id, or None when the report has none (a section only some data give, such as the
        overview's ``review`` of an extracted draft: a notebook cell ``report.get("review")`` then shows nothing)."""
        return next((s for s in self.sections if s.id == id_), None)

    def front(self):
        """The title block, key findings and table of contents (displayed first in a notebook)."""
        from .render import Front

        return Front(self)

    def appendix(self):
        """The provenance appendix (displayed last in a notebook)."""
        from .render import Appendix

        return Appendix(self)

    def to_html(self) -> str:
        """The whole report as one self-contained HTML fragment (front, sections, appendix)."""
        from .render import render_report

        return render_report(self)

    def _repr_html_(self) -> str:
        return self.to_html()

    def summary(self) -> str:
        """A short text summary: title, key findings, sections with their tables."""
        lines = [self.title, "=" * len(self.title), self.question, "", "Key findings:"]
        lines += [f"  - {k} (section {s.number})" for k, s in self.key_findings] or ["  (none)"]
        lines += ["", "Sections:"] + [f"  {s.number}. {s.title} ({len(s.tables)} table(s), {len(s.figures)} figure(s))"
                                      for s in self.sections]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()
