"""``review.html``: each line of each document with its figures highlighted and the rows proposed from it.

A person checks a draft here, line by line: every figure is a ``<mark>`` whose title gives the value, unit,
qualifier and status the row holds (a figure found with no row proposed from it is marked too, in grey), and
under each line a table lists the rows proposed from it: the row, what it is about as labelled fields (an
observation's indicator, measure, status and period; a fund's sponsor, type, number, status and as-of date; a
stake's investor and investee; a project's name, investor, lead unit, leaders, stage and stage as-of; a
milestone's planned month, kind and stage), each figure labelled (level, growth, size, committed, paid-in, amount,
stake, investment, land) with its qualifier in words, the quality and the note. Codes are shown as words
(``at_least`` → ``at least``) and a cell wraps at spaces only, never inside a word. Uncertain and damaged rows,
and their marks, are flagged. At the top: rows per table, the
number of uncertain and damaged rows, the new indicators, and a check box that shows only the lines with figures.

The page is self-contained (inline style, no script, no request: the content security policy says so, as the
project's reports do) and escapes every string from the documents and the rows. Rendered with Jinja2 from
``analysis/templates/review/``.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field

import pandas as pd

from .. import config, vocab
from ..io import RAW_FIGURES
from .core import DRAFT_TABLES, Draft
from .figures import find_figures

__all__ = ["render_review", "TEMPLATE_DIR"]

#: The review page's template (``review.html.j2``) and style sheet (``review.css``, inlined).
TEMPLATE_DIR = config.PACKAGE_DIR / "templates" / "review"

#: Raw-figure columns of each table: (raw column, value column, unit column or ``=unit``, qualifier column).
_FIGURE_COLUMNS = {t: [(raw, val, unit, q) for raw, val, unit, q, _ in specs] for t, specs in RAW_FIGURES.items()}
_FIGURE_COLUMNS["milestones"] = [("raw", "value", "=count", None)]

_UNIT_SHOWN = {"yuan": "yuan", "usd": "USD", "m2": "m²", "mu": "mu", "percent": "%", "count": "", "times": "×"}


@dataclass
class _Mark:
    start: int
    end: int
    title: str
    classes: list[str] = field(default_factory=list)


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and not v)


def _text(v) -> str:
    return "" if _missing(v) else str(v)


def _number(v: float) -> str:
    """A number with thousands separators and at most four decimals (trailing zeros dropped)."""
    s = f"{v:,.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def format_value(value, unit) -> str:
    """A value in its base unit for a reader: ``2,545,000,000 yuan (25.45 亿)``, ``13.7 %``, ``25``."""
    if _missing(value):
        return ""
    v, u = float(value), _text(unit)
    shown = f"{_number(v)} {_UNIT_SHOWN.get(u, u)}".strip()
    if u in ("yuan", "usd") and abs(v) >= 1e8:
        shown += f" ({_number(v / 1e8)} 亿)"
    elif u in ("yuan", "usd") and abs(v) >= 1e4:
        shown += f" ({_number(v / 1e4)} 万)"
    return shown


# --- the rows of one line ---------------------------------------------------------------------------------

#: What each figure of a table is called in a row's cell (raw column → label).
_FIGURE_LABEL = {"raw": "level", "yoy_raw": "growth", "total_size_raw": "size", "committed_raw": "committed",
                 "paid_in_raw": "paid-in", "amount_raw": "amount", "stake_raw": "stake",
                 "total_investment_raw": "investment", "land_raw": "land"}

#: The vocabulary whose English words a coded column is shown with (the code itself where a term has none).
_VOCAB_COLUMN = {"fund_type": vocab.FUND_TYPE, "kind": vocab.MILESTONE_KIND}


def qualifier_words(code) -> str:
    """A qualifier in words: ``at_least`` → ``at least``, ``exact`` → ``exact`` (empty when none)."""
    c = _text(code)
    if not c:
        return ""
    return (vocab.QUALIFIER[c].words or c) if c in vocab.QUALIFIER else c.replace("_", " ")


def code_words(code, column: str = "") -> str:
    """A coded value for a reader: the vocabulary's English words where it has short ones (``fund_type``
    ``industry`` → ``industry fund``), else the code with spaces for underscores (``just_under`` → ``just
    under``, ``framework_signed`` → ``framework signed``), so that a cell never has to break inside a code."""
    c = _text(code)
    v = _VOCAB_COLUMN.get(column)
    if v is not None and c in v:
        return v[c].en
    return c.replace("_", " ")


def _fields(table: str, r: pd.Series) -> list[tuple[str, str]]:
    """What a row is about, as labelled fields ``(label, value)``; an empty field shows as ``—``."""
    g = lambda c: _text(r.get(c))  # noqa: E731
    w = lambda c: code_words(r.get(c), c)  # noqa: E731
    if table == "observations":
        ind = f"{g('indicator')} ({g('indicator_zh')})" if g("indicator_zh") else g("indicator")
        fields = [("indicator", ind)] + ([("entity", g("entity"))] if g("entity") else [])
        fields += [("measure", w("measure")), ("status", w("status")), ("period", g("period"))]
    elif table == "funds":
        fields = [("sponsor", g("sponsor")), ("fund type", w("fund_type")), ("funds", g("n_funds")),
                  ("status", w("status")), ("as of", g("as_of"))]
    elif table == "equity_stakes":
        fields = [("investor", g("investor")), ("investee", g("investee")), ("as of", g("as_of"))]
    elif table == "projects":
        fields = [("project", g("name_zh")), ("investor", g("investor_zh")), ("lead unit", g("lead_unit_zh")),
                  ("leaders", g("leaders_zh")), ("stage", w("stage")), ("stage as of", g("stage_as_of"))]
    else:
        fields = [("planned", g("planned")), ("kind", w("kind")), ("stage", w("stage")),
                  ("of project", g("project_id"))]
    return [(label, value or "—") for label, value in fields]


#: Fields whose value is one short code or date: never wrapped (``2025-01/2025-06``, ``land acquired``).
_NOWRAP_FIELDS = frozenset({"measure", "status", "stage", "period", "as of", "stage as of", "planned", "funds",
                            "of project"})


def _breakable_code(code: str):
    """A code, escaped, that may wrap only after an underscore (between its words), never inside a word."""
    from markupsafe import Markup

    return Markup("_<wbr>").join(code.split("_"))


def _field_views(table: str, r: pd.Series, fields: list[tuple[str, str]]) -> list[dict]:
    """The fields as the template shows them: the indicator's code breakable between its words only, a short
    code or date kept on one line."""
    from markupsafe import Markup

    out = []
    for label, value in fields:
        if table == "observations" and label == "indicator" and _text(r.get("indicator")):
            zh = _text(r.get("indicator_zh"))
            value = _breakable_code(_text(r.get("indicator"))) + (Markup(" ({})").format(zh) if zh else "")
        out.append({"label": label, "value": value, "nowrap": label in _NOWRAP_FIELDS})
    return out


def _values(table: str, r: pd.Series) -> list[tuple[str, str, str, str]]:
    """Each figure of a row: (label, raw as written, value with unit, qualifier code)."""
    out = []
    for raw_col, val_col, unit_spec, q_col in _FIGURE_COLUMNS.get(table, []):
        raw = _text(r.get(raw_col))
        if not raw and _missing(r.get(val_col)):
            continue
        unit = unit_spec[1:] if unit_spec.startswith("=") else r.get(unit_spec)
        label = _FIGURE_LABEL.get(raw_col, raw_col)
        if table == "milestones":  # its raw is the planned month as written; its value an amount, if any
            label = "value" if not _missing(r.get(val_col)) else "planned as written"
        out.append((label, raw, format_value(r.get(val_col), unit), _text(r.get(q_col)) if q_col else ""))
    return out


_STATUS_COLUMN = {"observations": "status", "funds": "status", "projects": "stage", "milestones": "stage"}
_ID_COLUMN = {"observations": "obs_id", "funds": "fund_id", "equity_stakes": "stake_id", "projects": "project_id",
              "milestones": "milestone_id"}


def _row_view(table: str, r: pd.Series) -> dict:
    values = _values(table, r)
    quality = _text(r.get("quality"))
    fields = _fields(table, r)
    return {"table": table, "id": _text(r.get(_ID_COLUMN[table])), "fields": _field_views(table, r, fields),
            "what": "; ".join(f"{label}: {value}" for label, value in fields),
            "values": values,
            "figures": [{"label": label, "raw": raw, "shown": shown or ("" if table == "milestones" else "no value"),
                         "qualifier": qualifier_words(q)} for label, raw, shown, q in values],
            "value": "; ".join(f"{label} {shown}" for label, _, shown, _ in values if shown),
            "raw": " · ".join(raw for _, raw, _, _ in values if raw),
            "status": _text(r.get(_STATUS_COLUMN.get(table, ""))),
            "quality": quality, "note": _text(r.get("note")),
            "flag": quality if quality in ("uncertain", "damaged") else ""}


def _rows_by_line(draft: Draft) -> dict[tuple[str, int], list[dict]]:
    """The rows of every table, grouped by (doc, line), in table order."""
    out: dict[tuple[str, int], list[dict]] = {}
    for table in DRAFT_TABLES:
        df = draft.tables.get(table)
        if df is None or df.empty:
            continue
        for _, r in df.iterrows():
            if _missing(r.get("doc")) or _missing(r.get("line")):
                continue
            out.setdefault((str(r["doc"]), int(r["line"])), []).append(_row_view(table, r))
    return out


# --- marks in one line ------------------------------------------------------------------------------------

def _find_raw(line: str, raw: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where ``raw`` (written without spaces) stands in ``line`` (which may space it: ``14 个``), not yet taken."""
    pattern = r"\s*".join(re.escape(ch) for ch in raw if not ch.isspace())
    for m in re.finditer(pattern, line):
        if not any(m.start() < e and s < m.end() for s, e in taken):
            return m.start(), m.end()
    return None


def _row_mark_title(row: dict, label: str, shown: str, qualifier: str) -> str:
    parts = [f"{label} {shown or 'no value'}", f"qualifier {qualifier_words(qualifier) or 'exact'}"]
    if row["status"]:
        parts.append(f"status {code_words(row['status'])}")
    if row["flag"]:
        parts.append(row["flag"] + (f": {row['note']}" if row["note"] else ""))
    return f"{row['table']} {row['id']}: " + ", ".join(parts)


def _marks(line: str, rows: list[dict]) -> list[_Mark]:
    """The figures of a line: each row's raw figures where they stand, then figures no row took."""
    marks: list[_Mark] = []
    taken: list[tuple[int, int]] = []
    for row in rows:
        for label, raw, shown, qualifier in row["values"]:
            span = _find_raw(line, raw, taken) if raw else None
            if span:
                taken.append(span)
                classes = ["fig"] + ([row["flag"]] if row["flag"] else [])
                marks.append(_Mark(*span, _row_mark_title(row, label, shown, qualifier), classes))
    for f in find_figures(line):
        if any(f.start < e and s < f.end for s, e in taken):
            continue
        taken.append((f.start, f.end))
        value = format_value(f.value, f.unit) or "(no value)"
        title = f"figure {value}, qualifier {qualifier_words(f.qualifier)}, {f.kind}; no row proposed from it"
        if f.quality != "ok":
            title += f"; {f.quality}" + (f": {f.note}" if f.note else "")
        marks.append(_Mark(f.start, f.end, title, ["fig", "norow"] + ([f.quality] if f.quality != "ok" else [])))
    return sorted(marks, key=lambda m: m.start)


def _line_html(line: str, marks: list[_Mark]) -> str:
    """The line, escaped, with each mark as ``<mark title=...>``."""
    out, at = [], 0
    for m in marks:
        out.append(html.escape(line[at:m.start], quote=False))
        out.append(f'<mark class="{" ".join(m.classes)}" title="{html.escape(m.title, quote=True)}">'
                   f"{html.escape(line[m.start:m.end], quote=False)}</mark>")
        at = m.end
    out.append(html.escape(line[at:], quote=False))
    return "".join(out)


# --- the page ---------------------------------------------------------------------------------------------

def _summary(draft: Draft) -> dict:
    obs = draft.tables.get("observations")
    quality = obs["quality"] if obs is not None and "quality" in obs else pd.Series(dtype=object)
    new = draft.new_indicators
    return {"tables": [(t, len(draft.tables.get(t, ()))) for t in DRAFT_TABLES],
            "uncertain": int((quality == "uncertain").sum()), "damaged": int((quality == "damaged").sum()),
            "new_indicators": [(_text(r.get("indicator")), _text(r.get("indicator_zh")), _text(r.get("unit")))
                               for _, r in new.iterrows()] if len(new) else []}


def _document_views(draft: Draft) -> list[dict]:
    from markupsafe import Markup

    rows = _rows_by_line(draft)
    titles = dict(zip(draft.documents["doc"], draft.documents.get("title_en", draft.documents["doc"]))) \
        if len(draft.documents) else {}
    docs = []
    for k, (doc, lines) in enumerate(draft.lines.items(), start=1):
        views = []
        for n, line in enumerate(lines, start=1):
            line_rows = rows.get((doc, n), [])
            marks = _marks(line, line_rows)
            views.append({"n": n, "html": Markup(_line_html(line, marks)), "rows": line_rows,
                          "has_fig": bool(marks or line_rows), "empty": not line.strip(),
                          "flag": next((r["flag"] for r in line_rows if r["flag"] == "damaged"), "")
                          or next((r["flag"] for r in line_rows if r["flag"]), "")})
        n_rows = sum(len(v["rows"]) for v in views)
        docs.append({"anchor": f"doc{k}", "doc": doc, "title": _text(titles.get(doc)), "lines": views,
                     "n_rows": n_rows, "n_fig_lines": sum(v["has_fig"] for v in views)})
    return docs


def _stray_rows(draft: Draft) -> list[dict]:
    """Rows that cite no line of the saved text (an unknown document, or a line past its end): a provenance error
    the page lists apart, so that none goes unseen."""
    stray = []
    for (doc, n), rows in _rows_by_line(draft).items():
        if not 1 <= n <= len(draft.lines.get(doc, ())):
            stray.extend(dict(r, cited=f"{doc}, line {n}") for r in rows)
    return stray


def render_review(draft: Draft) -> str:
    """The review page of a draft, as HTML.

    Parameters
    ----------
    draft : Draft
        Rows and plain-text lines (``draft.lines``: document → its lines; rows cite them by ``doc`` and ``line``).

    Returns
    -------
    str
        A self-contained page: inline style, no script, no request outside the file.
    """
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("review.html.j2").render(summary=_summary(draft), documents=_document_views(draft),
                                                     stray=_stray_rows(draft))
