"""HTML for the report model: self-contained (no network), every string from data escaped.

The notebooks display :class:`~analysis.reporting.Report` parts; each part's ``_repr_html_`` comes from here, so
the same HTML shows in JupyterLab and in the report the runner publishes. Layout follows what readers know from
Quarto's HTML: a title block, key findings linking to their sections, a numbered table of contents, numbered
sections, numbered and captioned tables and figures, an appendix with the provenance of every source figure.

Tables
    Numbered and captioned ("Table 3. ..."), headed by the columns' labels, with a note saying where the numbers
    come from. A table longer than :data:`FOLD_ROWS` rows shows its first :data:`FOLD_SHOW` rows and a summary
    line whose "Show all" reveals the rest (pure CSS: a check box, no script; print shows every row). Each
    header cell says how its column is written (``data-kind``, ``data-csv``, ...), so that a test can check the
    shown cells against the download.
Downloads
    Embedded in the page as ``data:`` links (no network, nothing outside the file; a link the reader follows is
    a download, which the report's content security policy does not restrict): each table as CSV (UTF-8 with a
    byte-order mark, so that Excel reads the Chinese text) and all tables as one XLSX workbook, at full
    precision (money in yuan or USD, headed so).
Figures
    PNG at twice the figure's size in CSS pixels (crisp on a high-density screen and in print), with alt text.
Styles
    :data:`REPORT_CSS`, read from ``analysis/templates/report/report.css``, which the report template also puts
    in the page's head.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re

import pandas as pd

from .. import config
from .format import REPORT_MIMETYPE
from .model import SYMBOL_MEANINGS, Figure, Report, Section, Table

__all__ = ["REPORT_CSS", "render_text", "render_table", "render_figure", "render_section", "render_report",
           "table_csv", "tables_xlsx", "Front", "Appendix", "FOLD_ROWS", "FOLD_SHOW", "source_anchor"]

#: Tables longer than this are folded behind a summary line ...
FOLD_ROWS = 15
#: ... with this many first rows shown.
FOLD_SHOW = 8

#: The report's stylesheet (one file, shared with the nbconvert template).
REPORT_CSS = (config.PACKAGE_DIR / "templates" / "report" / "report.css").read_text(encoding="utf-8")

#: Column kinds written as numbers (right-aligned, tabular figures).
_NUMERIC_KINDS = {"int", "number", "money", "pct", "pct_signed", "pp", "multiple", "share", "p"}

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render_text(text: str) -> str:
    """Escape a sentence, then read its ``**bold**`` and ```code``` marks."""
    out = html.escape(str(text), quote=False)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", out)


def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return s[:60] or "table"


def source_anchor(source_id) -> str:
    """The anchor of a source figure's row in the provenance appendix: ``src-`` and the id, every character
    outside ``A-Za-z0-9_-`` written as ``.`` and its code point in hex (so that distinct ids never share one)."""
    return "src-" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f".{ord(m.group()):x}", str(source_id))


def table_csv(t: Table) -> bytes:
    """The table's download: full precision, human headers, UTF-8 with BOM (Excel reads the Chinese text)."""
    return t.download_frame().to_csv(index=False).encode("utf-8-sig")


def tables_xlsx(tables: list[Table]) -> bytes:
    """All tables of a report as one XLSX workbook: a "Contents" sheet (number, caption, source of each table),
    then one sheet per table ("T1", "T2", ...), full precision."""
    buf = io.BytesIO()
    contents = pd.DataFrame({"Sheet": [f"T{t.number or i}" for i, t in enumerate(tables, start=1)],
                             "Table": [re.sub(r"\*\*|`", "", t.caption) for t in tables],
                             "Source": [re.sub(r"\*\*|`", "", t.source) for t in tables],
                             "Rows": [len(t.frame) for t in tables]})
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        contents.to_excel(xw, sheet_name="Contents", index=False)
        for sheet, t in zip(contents["Sheet"], tables):
            frame = t.download_frame()
            for c in frame.columns:  # Excel has no time zones
                if isinstance(frame[c].dtype, pd.DatetimeTZDtype):
                    frame[c] = frame[c].dt.tz_localize(None)
            frame.to_excel(xw, sheet_name=sheet, index=False)
    return buf.getvalue()


def _data_uri(mime: str, payload: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


def _header_html(t: Table) -> str:
    """The header row; each cell says how its column is written and which download column holds its data."""
    dl = t.download_columns()
    cells = []
    for c in t.columns:
        data = {"data-key": c.key, "data-kind": c.kind, "data-csv": dl[c.key]}
        if c.digits is not None:
            data["data-digits"] = c.digits
        if c.scale:
            data["data-scale"] = c.scale
        if c.qualifier and c.qualifier in t.frame.columns:
            data["data-qualifier"] = dl[c.qualifier]
        if c.unit and c.unit in t.frame.columns:
            data["data-unit-column"] = dl[c.unit]
        elif c.unit:
            data["data-unit"] = c.unit
        cls = ' class="num"' if c.kind in _NUMERIC_KINDS else ""
        attrs = "".join(f' {k}="{_attr(v)}"' for k, v in data.items())
        cells.append(f'<th scope="col"{cls}{attrs}>{html.escape(c.label, quote=False)}</th>')
    return "<thead><tr>" + "".join(cells) + "</tr></thead>"


def _rows_html(t: Table, shown: pd.DataFrame, folded: bool, row_anchors: list[str] | None) -> str:
    numeric = [c.kind in _NUMERIC_KINDS for c in t.columns]
    ids = t.frame[t.ids].tolist() if t.ids else None
    out = []
    for i in range(len(shown)):
        cells = []
        for j, c in enumerate(t.columns):
            text = html.escape(shown.iat[i, j], quote=False)
            if ids is not None and c.key == t.ids and text:
                text = f'<a href="#{_attr(source_anchor(ids[i]))}">{text}</a>'
            cls = "num" if numeric[j] else "nowrap" if c.kind in ("date", "period") else ""
            cells.append(f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>")
        attrs = f' id="{_attr(row_anchors[i])}"' if row_anchors else ""
        if folded and i >= FOLD_SHOW:
            attrs += ' class="ir-more"'
        out.append(f"<tr{attrs}>" + "".join(cells) + "</tr>")
    return "\n".join(out)


def _symbols_note(t: Table, shown: pd.DataFrame) -> str:
    """The meaning of the qualifier symbols that the table's scaled money columns use (``≥ at least``)."""
    used = set()
    for c in t.columns:
        if c.scale:
            for v in shown[c.label]:
                m = re.match(r"(?:about )?(\S+) ", v)
                if m and m.group(1) in SYMBOL_MEANINGS:
                    used.add(m.group(1))
    if not used:
        return ""
    return "Symbols: " + ", ".join(f"{s} {SYMBOL_MEANINGS[s]}" for s in SYMBOL_MEANINGS if s in used) + "."


def render_table(t: Table, row_anchors: list[str] | None = None) -> str:
    """A numbered, captioned table with its source note and CSV download; folded behind a summary line when long.

    Parameters
    ----------
    t : Table
    row_anchors : list of str, optional
        An ``id`` for each row (the provenance appendix: table rows' source ids link to them; a folded row that is
        a link's target is shown).
    """
    label = f'<span class="ir-num">Table {t.number}.</span>' if t.number else ""
    anchor = f"table-{t.number}" if t.number else f"table-{_slug(t.caption)}"
    cap = f"<figcaption>{label}{render_text(t.caption)}</figcaption>"
    note = f'<p class="ir-note">Source: {render_text(t.source)}</p>' if t.source else ""
    if t.empty:
        return f'<figure class="ir-table" id="{anchor}">{cap}<p class="ir-note">No rows.</p>{note}</figure>'
    shown = t.shown()
    n = len(shown)
    folded = n > FOLD_ROWS
    table = (f'<div class="ir-scroll"><table class="ir">{_header_html(t)}<tbody>\n'
             f"{_rows_html(t, shown, folded, row_anchors)}\n</tbody></table></div>")
    if folded:
        key = hashlib.sha1(f"{anchor}|{t.caption}|{n}".encode()).hexdigest()[:10]
        box = f"fold-{anchor}-{key}"
        table = (f'<input type="checkbox" class="ir-fold-toggle" id="{box}">'
                 f'<p class="ir-fold-bar"><span class="ir-when-folded">The first {FOLD_SHOW} of {n} rows.</span>'
                 f'<span class="ir-when-open">All {n} rows.</span><label for="{box}">'
                 f'<span class="ir-when-folded">Show all {n} rows</span><span class="ir-when-open">Show the first '
                 f"{FOLD_SHOW} only</span></label></p>{table}")
    symbols = _symbols_note(t, shown)
    if symbols:
        note = note.replace("</p>", f" {symbols}</p>") if note else f'<p class="ir-note">{symbols}</p>'
    name = t.name or (f"table-{t.number}-" if t.number else "") + _slug(t.caption)
    dl = (f'<p class="ir-dl"><a download="{_attr(name)}.csv" class="ir-csv" '
          f'href="{_data_uri("text/csv;charset=utf-8", table_csv(t))}">Download CSV ({n} rows, full precision)</a></p>')
    return f'<figure class="ir-table" id="{anchor}">{cap}{table}{note}{dl}</figure>'


def render_figure(f: Figure) -> str:
    """A numbered, captioned figure: PNG at twice the figure's size in CSS pixels (crisp on high-density screens
    and in print), shown at its natural width or the page's if narrower, with alt text."""
    from ..plots import fig_to_png_bytes

    png = fig_to_png_bytes(f.fig, dpi=200)
    width, height = (int(round(x * 100)) for x in f.fig.get_size_inches())
    label = f'<span class="ir-num">Figure {f.number}.</span>' if f.number else ""
    anchor = f"figure-{f.number}" if f.number else f"figure-{_slug(f.caption)}"
    return (f'<figure class="ir-figure" id="{anchor}"><img src="{_data_uri("image/png", png)}" '
            f'alt="{_attr(f.alt)}" width="{width}" height="{height}" style="width:{width}px">'
            f"<figcaption>{label}{render_text(f.caption)}</figcaption></figure>")


def _item_html(item) -> str:
    if isinstance(item, Table):
        return render_table(item)
    if isinstance(item, Figure):
        return render_figure(item)
    return f"<p>{render_text(item)}</p>"


def _num(n: int | str) -> str:
    return f'<span class="ir-num">{n}</span>' if n else ""


def render_section(s: Section) -> str:
    """A numbered section: heading, its question, its findings, then its paragraphs, tables and figures."""
    q = f'<p class="ir-question"><em>{render_text(s.question)}</em></p>' if s.question else ""
    findings = ('<ul class="ir-findings">' + "".join(f"<li>{render_text(x)}</li>" for x in s.findings) + "</ul>"
                if s.findings else "")
    body = "\n".join(_item_html(i) for i in s.items)
    return (f'<div class="ir-report"><section class="ir-section" id="sec-{s.id}"><h2>{_num(s.number)}'
            f"{render_text(s.title)}</h2>{q}{findings}{body}</section></div>")


def _front_html(r: Report) -> str:
    params = " · ".join(f"<code>{html.escape(k)} = {html.escape(repr(v))}</code>"
                        for k, v in r.parameters.items()) or "defaults"
    fp = (f", fingerprint <code>{html.escape(r.fingerprint)}</code>"
          if r.fingerprint and r.fingerprint not in r.data else "")
    keys = r.key_findings
    key_html = ("<ol>" + "".join(f'<li>{render_text(k)} <a class="ir-ref" href="#sec-{s.id}">→ {s.number}. '
                                 f"{render_text(s.title)}</a></li>" for k, s in keys) + "</ol>"
                ) if keys else "<p>No key finding: see the sections.</p>"
    toc = "".join(f'<li><a href="#sec-{s.id}">{_num(s.number)}{render_text(s.title)}</a></li>' for s in r.sections)
    if r.provenance is not None:
        toc += f'<li><a href="#sec-provenance">{_num("A")}Appendix: sources of every figure</a></li>'
    tables = [t for t in r.tables if not t.empty]
    xlsx = (f'<p class="ir-dl"><a download="{_attr(r.study)}-tables.xlsx" class="ir-xlsx" '
            f'href="{_data_uri(_XLSX, tables_xlsx(tables))}">Download all {len(tables)} tables '
            "(XLSX, one sheet each, full precision)</a></p>") if tables else ""
    intro = f"<p>{render_text(r.intro)}</p>" if r.intro else ""
    return (f'<style>{REPORT_CSS}</style><div class="ir-report ir-front"><header class="ir-title">'
            f"<h1>{render_text(r.title)}</h1>"
            f'<p class="ir-question">{render_text(r.question)}</p>'
            f'<p class="ir-meta"><strong>Data:</strong> {render_text(r.data)}{fp}<br><strong>Parameters:</strong> {params}</p>'
            f'</header><section class="ir-key" id="key-findings"><h2>Key findings</h2>{key_html}</section>{intro}'
            f'<nav class="ir-toc" aria-label="Contents"><h2>Contents</h2><ol>{toc}</ol></nav>{xlsx}</div>')


class Front:
    """The title block, key findings and contents of a report; also the record the runner's index reads."""

    def __init__(self, report: Report):
        self.report = report

    def _repr_mimebundle_(self, include=None, exclude=None):
        r = self.report
        first = r.key_findings[0][0] if r.key_findings else ""
        record = {"title": r.title, "question": r.question, "first_finding": re.sub(r"\*\*|`", "", first),
                  "fingerprint": r.fingerprint, "data_source": r.data, "front": True}
        return {"text/html": _front_html(r), "text/plain": r.summary(), REPORT_MIMETYPE: record}


class Appendix:
    """The provenance appendix: every source figure with its document and line; table rows link here."""

    def __init__(self, report: Report):
        self.report = report

    def _repr_html_(self) -> str:
        p = self.report.provenance
        if p is None:
            return ""
        id_col = "id" if "id" in p.frame.columns else p.frame.columns[0]
        anchors = [source_anchor(x) for x in p.frame[id_col]]
        return ('<div class="ir-report"><section class="ir-section" id="sec-provenance">'
                f"<h2>{_num('A')}Appendix: sources of every figure</h2>{render_table(p, row_anchors=anchors)}"
                "</section></div>")

    def __repr__(self) -> str:
        p = self.report.provenance
        return "No provenance appendix." if p is None else repr(p)


def render_report(r: Report) -> str:
    """The whole report as one HTML fragment: front, sections, appendix."""
    return _front_html(r) + "".join(render_section(s) for s in r.sections) + Appendix(r)._repr_html_()
