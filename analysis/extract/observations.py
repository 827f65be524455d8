"""Observation rows from a document's lines: every figure with its status, period, growth and indicator."""

from __future__ import annotations

import re
from pathlib import PurePath

import pandas as pd

from . import context as ctx
from .core import DocumentInfo, empty_table
from .figures import Figure, find_figures

__all__ = ["observations_from_lines", "NEW_INDICATOR_COLUMNS"]

#: Columns of the new-indicators frame (rows for the draft's own indicators.csv).
NEW_INDICATOR_COLUMNS = ["indicator", "indicator_zh", "description_en", "unit"]


def _overlaps(claimed: set[tuple[int, int, int]], line_no: int, fig: Figure) -> bool:
    return any(n == line_no and s < fig.end and fig.start < e for n, s, e in claimed)


class _Indicators:
    """Indicator of each figure: a codebook one where a term matches, else a proposed ``new_…`` one."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.matcher = ctx.IndicatorMatcher(table)
        self.known = set(table["indicator"])
        self.new: dict[str, dict] = {}
        self.last_count: tuple[str, str] | None = None  # (line, indicator) of the last count named

    def of(self, line: str, fig: Figure, figures: list[Figure], unit: str) -> tuple[str, str]:
        """(indicator, indicator_zh) of ``fig``: the longest codebook term since the previous figure in its clause
        (or, for a count, in the words after it); else a new indicator named by those words. A growth rate takes
        the indicator of the level it is the rate of, whatever its unit."""
        unit_wanted = None if fig.kind == "growth" else unit
        c_lo, c_hi = ctx.clause_span(line, fig.start, fig.end)
        prev_end = max([f.end for f in figures if f.end <= fig.start] + [c_lo])
        lo = prev_end if prev_end > c_lo else c_lo
        nxt = min([f.start for f in figures if f.start >= fig.end] + [c_hi])
        before = line[lo:fig.start]
        after = line[fig.end:nxt]
        counted = fig.unit in ("count", "person")
        named_after = counted and self.matcher.match(after, unit_wanted)
        if named_after and re.sub(r"\s+", "", after).startswith(named_after[1]):  # 19个镇(街道): what it counts
            return named_after
        hits = [h for h in (self.matcher.match(before, unit_wanted), named_after) if h]
        if not hits and lo > c_lo:  # 、-lists: 总产值实现37亿元、租金收入…: the term may stand before the first item
            hits = [h for h in (self.matcher.match(line[c_lo:fig.start], unit_wanted),) if h]
        if not hits:  # 发行102.8亿元新增专项债券: the term after the figure
            hits = [h for h in (self.matcher.match(after, unit_wanted),) if h]
        if hits:
            return self._paired(max(hits, key=lambda h: len(h[1])), line, fig)
        term = (counted and ctx.term_after(line, fig.end, nxt)) or ctx.term_before(line, lo, fig.start) \
            or ctx.term_after(line, fig.end, nxt) or ctx.term_before(line, c_lo, fig.start) or "数值"
        return self._propose(term, unit), term

    def _paired(self, hit: tuple[str, str], line: str, fig: Figure) -> tuple[str, str]:
        """总投资 right after a count of projects is those projects' investment (新开工项目34个,总投资132亿元)."""
        if hit[1] != "总投资" or not self.last_count:
            return hit
        count_line, count_indicator = self.last_count
        paired = self.matcher.value_of.get(count_indicator)
        return (paired, hit[1]) if paired and count_line == line else hit

    def _propose(self, term: str, unit: str) -> str:
        name = ctx.new_indicator_id(term)
        if name in self.new and self.new[name]["unit"] != unit:
            name = ctx.new_indicator_id(f"{term}|{unit}")
        while name in self.known and name not in self.new:
            name = ctx.new_indicator_id(name)
        self.new.setdefault(name, {"indicator": name, "indicator_zh": term, "unit": unit,
                                   "description_en": f"Proposed by the extractor from 「{term}」; check before use"})
        return name

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(list(self.new.values()), columns=NEW_INDICATOR_COLUMNS)


def _row(info: DocumentInfo, line_no: int, line: str, fig: Figure, status: str, region: str) -> dict:
    measure = ctx.measure_of(line, fig)
    note = fig.note
    return {
        "region": region,
        "entity": ctx.entity_of(line, fig),
        "period": ctx.period_of(line, fig, info.published, measure, status),
        "measure": measure,
        "status": status,
        "value": fig.value,
        "unit": fig.unit,
        "qualifier": fig.qualifier,
        "raw": fig.raw,
        "quality": fig.quality,
        "doc": info.doc,
        "line": line_no,
        "note": note or None,
    }


def _growth_columns(g: Figure) -> dict:
    return {"yoy_pct": g.value, "yoy_qualifier": g.qualifier, "yoy_raw": g.raw}


def observations_from_lines(lines: list[str], info: DocumentInfo,
                            claimed: set[tuple[int, int, int]] | frozenset = frozenset(),
                            indicators: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observation rows for every figure of a document that no fund or project row has claimed.

    Parameters
    ----------
    lines : list of str
        The document's plain-text lines (``line`` counts them from 1).
    info : DocumentInfo
        Its file name, region and date (the period of a figure is read from ``info.published`` and the text).
    claimed : set of (line, start, end)
        Spans already used by fund or project rows: figures overlapping them are skipped.
    indicators : pandas.DataFrame, optional
        The indicator list (default: the codebook's, :func:`analysis.vocab.indicator_table`).

    Returns
    -------
    observations : pandas.DataFrame
        In the observations schema (money in yuan, areas in m² or mu, counts, percent), ``obs_id`` =
        ``<doc stem>-o<nnn>``. A growth rate that follows a level fills that row's ``yoy_pct`` (percent),
        ``yoy_qualifier`` and ``yoy_raw``; a rate with no level is a row of its own with an empty value.
    new_indicators : pandas.DataFrame
        ``indicator``, ``indicator_zh``, ``description_en``, ``unit`` of the indicators proposed for terms the
        list does not have.
    """
    if indicators is None:
        from ..vocab import indicator_table

        indicators = indicator_table()
    names = _Indicators(indicators)
    regions = ctx.region_finder()
    default_status = "plan" if info.kind == "plan" else "actual"
    section = default_status
    rows: list[dict] = []
    for line_no, line in enumerate(lines, 1):
        section = ctx.section_status(line, section)
        figures = [f for f in find_figures(line) if not _overlaps(claimed, line_no, f)]
        if not figures:
            continue
        attached = ctx.attach_growth(line, figures)
        growth_of = {li: gi for gi, li in attached.items()}
        for i, fig in enumerate(figures):
            if i in attached or (fig.quality == "damaged" and fig.unit is None):
                continue  # the growth of a level is on the level's row; a damaged date is not a figure
            status = ctx.status_of(line, fig, section)
            region = ctx.region_of(line, fig, info.region, regions)
            row = _row(info, line_no, line, fig, status, region)
            unit = fig.unit if fig.kind != "growth" else "percent"
            row["indicator"], row["indicator_zh"] = names.of(line, fig, figures, unit)
            if fig.unit == "count":
                names.last_count = (line, row["indicator"])
            if fig.kind == "growth":
                row.update(value=None, unit=None, qualifier=None, raw=None, **_growth_columns(fig))
            elif i in growth_of:
                row.update(_growth_columns(figures[growth_of[i]]))
            if fig.quality == "damaged":
                row.update(value=None)
            rows.append(row)
    stem = PurePath(info.doc).stem
    out = empty_table("observations")
    if rows:
        frame = pd.DataFrame(rows)
        frame["obs_id"] = [f"{stem}-o{k:03d}" for k in range(1, len(frame) + 1)]
        out = pd.concat([out, frame[[c for c in out.columns if c in frame.columns]]], ignore_index=True)
    return out, names.frame()
