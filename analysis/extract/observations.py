"""Observation rows from a document's lines: every figure with its status, period, growth and indicator."""

from __future__ import annotations

import re
from pathlib import PurePath

import pandas as pd

from . import context as ctx
from .core import DocumentInfo, empty_table
from .figures import Figure, find_figures
from .projects import content_spans

__all__ = ["observations_from_lines", "NEW_INDICATOR_COLUMNS"]

#: Columns of the new-indicators frame (rows for the draft's own indicators.csv).
NEW_INDICATOR_COLUMNS = ["indicator", "indicator_zh", "description_en", "unit"]


def _by_line(spans) -> dict[int, list[tuple[int, int]]]:
    """(line, start, end) spans as line -> [(start, end)] (so that a line's figures look at its own spans only)."""
    out: dict[int, list[tuple[int, int]]] = {}
    for n, s, e in spans:
        out.setdefault(n, []).append((s, e))
    return out


def _overlaps(spans: dict[int, list[tuple[int, int]]], line_no: int, fig: Figure) -> bool:
    return any(s < fig.end and fig.start < e for s, e in spans.get(line_no, ()))


class _Indicators:
    """Indicator of each figure: a codebook one where a term matches, else a proposed ``new_…`` one."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.matcher = ctx.IndicatorMatcher(table)
        self.known = set(table["indicator"])
        self.new: dict[str, dict] = {}
        self.last_count: tuple[str, str] | None = None  # (line, indicator) of the last count named

    def of(self, line: str, fig: Figure, figures: list[Figure], unit: str) -> tuple[str, str, str | None]:
        """(indicator, indicator_zh, doubt) of ``fig``: the longest codebook term since the previous figure in its
        clause (or, for a count, in the words after it); else a new indicator named by those words. A growth rate
        takes the indicator of the level it is the rate of, whatever its unit. ``doubt`` (else None) says why the
        indicator is uncertain: only a generic term (用地, 总投资) matched, so a new indicator is proposed from the
        figure's own words instead of a specific codebook one."""
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
            return self._checked(named_after, line, fig, lo, nxt, unit, unit_wanted)
        hits = [h for h in (self.matcher.match(before, unit_wanted), named_after) if h]
        if not hits and lo > c_lo:  # 、-lists: 总产值实现37亿元、租金收入…: the term may stand before the first item
            hits = [h for h in (self.matcher.match(line[c_lo:fig.start], unit_wanted),) if h]
        if not hits:  # 发行102.8亿元新增专项债券: the term after the figure
            hits = [h for h in (self.matcher.match(after, unit_wanted),) if h]
        if hits:
            hit, paired = self._paired(max(hits, key=lambda h: len(h[1])), line)
            return (*hit, None) if paired else self._checked(hit, line, fig, lo, nxt, unit, unit_wanted)
        term = self._own_term(line, fig, lo, c_lo, nxt, counted)
        doubt = f"indicator uncertain: the figure is named only by the generic term 「{term}」" \
            if term in ctx.GENERIC_TERMS else None
        return self._propose(term, unit), term, doubt

    @staticmethod
    def _own_term(line: str, fig: Figure, lo: int, c_lo: int, nxt: int, counted: bool) -> str:
        """The figure's own words (what a count counts, else the words before it), for a new indicator."""
        return (counted and ctx.term_after(line, fig.end, nxt)) or ctx.term_before(line, lo, fig.start) \
            or ctx.term_after(line, fig.end, nxt) or ctx.term_before(line, c_lo, fig.start) or "数值"

    def _checked(self, hit: tuple[str, str], line: str, fig: Figure, lo: int, nxt: int, unit: str,
                 unit_wanted: str | None) -> tuple[str, str, str | None]:
        """``hit`` as (indicator, term, None); when its term is weak, a new indicator from the figure's own words
        (盘活存量低效用地, not the 用地 of a project phase) and the reason."""
        indicator, term = hit
        if not self.matcher.is_weak(term, unit_wanted):
            return indicator, term, None
        c_lo, _ = ctx.clause_span(line, fig.start, fig.end)
        own = self._own_term(line, fig, lo, c_lo, nxt, fig.unit in ("count", "person"))
        own = own if len(own) >= len(term) and own != "数值" else term
        doubt = (f"indicator uncertain: only the generic term 「{term}」 matched (codebook {indicator}); "
                 f"a new indicator is proposed from 「{own}」")
        return self._propose(own, unit), own, doubt

    def _paired(self, hit: tuple[str, str], line: str) -> tuple[tuple[str, str], bool]:
        """总投资 right after a count of projects is those projects' investment (新开工项目34个,总投资132亿元):
        (the hit, or the count's paired indicator with the term, and whether it was paired)."""
        if hit[1] != "总投资" or not self.last_count:
            return hit, False
        count_line, count_indicator = self.last_count
        paired = self.matcher.value_of.get(count_indicator)
        return ((paired, hit[1]), True) if paired and count_line == line else (hit, False)

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


def _row(info: DocumentInfo, line_no: int, line: str, fig: Figure, status: str, region: str,
         doc_period: str | None = None, context_year: int | None = None) -> dict:
    measure = ctx.measure_of(line, fig)
    note = fig.note
    return {
        "region": region,
        "entity": ctx.entity_of(line, fig),
        "period": ctx.period_of(line, fig, info.published, measure, status, doc_period, context_year),
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


#: The indicator of the share of an annual target attained (完成全年目标的60.3%).
ATTAINMENT = "target_attainment_pct"


def _doubt(row: dict, why: str) -> None:
    """Mark ``row`` uncertain (a damaged one stays damaged) and add ``why`` to its note."""
    if row["quality"] == "ok":
        row["quality"] = "uncertain"
    row["note"] = "; ".join(n for n in (row["note"], why) if n)


def _is_part(line: str, fig: Figure, last: tuple[str, str] | None) -> bool:
    """Whether a count is a part (其中10亿元以上项目3个) of the count named before it in the line."""
    c_lo, _ = ctx.clause_span(line, fig.start, fig.end)
    return bool(last and last[0] == line and line[c_lo:fig.start].lstrip().startswith("其中"))


def _refer(row: dict, line: str, fig: Figure, figures: list[Figure], rows: list[dict], line_no: int) -> None:
    """Name in the note of an attainment share the figure whose target it is (the level before it in its
    sentence: 实际利用外资4820万美元,完成全年目标的60.3%)."""
    lo, _ = ctx.sentence_span(line, fig.start, fig.end)
    levels = [f for f in figures if lo <= f.start < fig.start and f.kind == "level" and f.unit != "percent"]
    ref = next((r for r in reversed(rows) if levels and r["line"] == line_no and r["raw"] == levels[-1].raw), None)
    what = f"{ref['indicator']} ({ref['raw']})" if ref else "the figure before it (not found)"
    row["note"] = "; ".join(n for n in (row["note"], f"share of the annual target attained by {what}") if n)


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
    sections = ctx.SectionStatus("plan" if info.kind == "plan" else "actual")
    doc_period = ctx.title_period(info.title or next((s for s in lines if s.strip()), ""), info.published)
    sections_in_force = ctx.section_periods(lines, info.published)
    contents, claimed_at = _by_line(content_spans(lines)), _by_line(claimed)
    rows: list[dict] = []
    last_count_row: dict = {}
    for line_no, line in enumerate(lines, 1):
        section = sections.read(line)
        figures = [f for f in find_figures(line) if not _overlaps(claimed_at, line_no, f)]
        if not figures:
            continue
        attached = ctx.attach_growth(line, figures)
        growth_of = {li: gi for gi, li in attached.items()}
        for i, fig in enumerate(figures):
            if i in attached or (fig.quality == "damaged" and fig.unit is None):
                continue  # the growth of a level is on the level's row; a damaged date is not a figure
            planned_cell = _overlaps(contents, line_no, fig)  # a table's 建设内容: a plan unless its words say
            status = ctx.status_of(line, fig, "plan" if planned_cell else section)
            region = ctx.region_of(line, fig, info.region, regions)
            year, part = sections_in_force[line_no - 1]
            row = _row(info, line_no, line, fig, status, region, part or doc_period, year)
            unit = fig.unit if fig.kind != "growth" else "percent"
            row["indicator"], row["indicator_zh"], doubt = names.of(line, fig, figures, unit)
            if doubt:
                _doubt(row, doubt)
            if fig.unit == "count" and _is_part(line, fig, names.last_count):
                row.update(measure=last_count_row["measure"], period=last_count_row["period"])  # 其中…3个
            elif fig.unit == "count":
                names.last_count, last_count_row = (line, row["indicator"]), row
            if row["indicator"] == ATTAINMENT:
                _refer(row, line, fig, figures, rows, line_no)
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
