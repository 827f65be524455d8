"""HTML for the report model: self-contained (no network), every string from data escaped.

The notebooks display :class:`~analysis.reporting.Report` parts; each part's ``_repr_html_`` comes from here, so
the same HTML shows in JupyterLab and in the report the runner publishes. Layout follows what readers know from
Quarto's HTML: a title block, key findings linking to their sections, a numbered table of contents, numbered
sections, numbered and captioned tables and figures, an appendix with the provenance of every source figure.

Downloads are embedded in the page as ``data:`` links (no network, nothing outside the file): each table as CSV
(UTF-8 with a byte-order mark, so that Excel reads the Chinese text) and all tables as one XLSX workbook, at full
precision.
"""

from __future__ import annotations

import base64
import html
import io
import re

import pandas as pd

from .format import REPORT_MIMETYPE
from .model import Figure, Report, Section, Table

__all__ = ["REPORT_CSS", "render_text", "render_table", "render_figure", "render_section", "render_report",
           "table_csv", "tables_xlsx", "Front", "Appendix", "FOLD_ROWS", "FOLD_SHOW"]

#: Tables longer than this are folded behind a summary line ...
FOLD_ROWS = 15
#: ... with this many first rows shown.
FOLD_SHOW = 8

REPORT_CSS = """
.ir-report{font-family:system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;
  line-height:1.55;color:#1a1a1a;max-width:60rem;overflow-wrap:anywhere}
.ir-report h1{font-size:1.7rem;margin:.2rem 0 .4rem}
.ir-report h2{font-size:1.3rem;margin:2rem 0 .4rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.ir-report .ir-question{font-size:1.05rem;color:#333;margin:.2rem 0 .8rem}
.ir-report .ir-meta{font-size:.85rem;color:#555}
.ir-report .ir-key{background:#f4f8fb;border-left:4px solid #0072B2;padding:.5rem 1rem;margin:1rem 0}
.ir-report .ir-key h2{border:0;margin:.3rem 0;font-size:1.1rem}
.ir-report nav.ir-toc ol{margin:.2rem 0;padding-left:1.5rem}
.ir-report ul.ir-findings{padding-left:1.2rem}
.ir-report figure{margin:1rem 0}
.ir-report figcaption{font-weight:600;margin:.3rem 0;font-size:.95rem}
.ir-report .ir-scroll{overflow-x:auto;max-width:100%}
.ir-report table.ir{border-collapse:collapse;font-size:.85rem;margin:.2rem 0}
.ir-report table.ir th{text-align:left;border-bottom:2px solid #999;padding:.25rem .5rem;vertical-align:bottom}
.ir-report table.ir td{border-bottom:1px solid #e5e5e5;padding:.2rem .5rem;vertical-align:top}
.ir-report table.ir td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.ir-report .ir-note{font-size:.8rem;color:#555;margin:.2rem 0}
.ir-report .ir-dl a{font-size:.8rem;margin-right:.8rem}
.ir-report details>summary{cursor:pointer;color:#0072B2;font-size:.85rem;margin:.3rem 0}
.ir-report img{max-width:100%;height:auto}
@media (max-width:600px){.ir-report{font-size:.95rem}.ir-report h1{font-size:1.35rem}.ir-report table.ir{font-size:.78rem}}
@media print{@page{size:A4;margin:15mm}.ir-report{max-width:none}.ir-report .ir-dl,.ir-report details>summary{display:none}
  .ir-report details{display:block}.ir-report details>*{display:block}.ir-report a{color:inherit;text-decoration:none}
  .ir-report h2{break-after:avoid}.ir-report figure{break-inside:avoid}}
"""

_NUMERIC_KINDS = {"int", "number", "money", "pct", "pct_signed", "pp", "multiple", "share", "p"}


def render_text(text: str) -> str:
    """Escape a sentence, then read its ``**bold**`` and ```code``` marks."""
    out = html.escape(str(text), quote=False)
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", out)


def _slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return s[:60] or "table"


def table_csv(t: Table) -> bytes:
    """The table's download: full precision, human headers, UTF-8 with BOM (Excel reads the Chinese text)."""
    return t.download_frame().to_csv(index=False).encode("utf-8-sig")


def tables_xlsx(tables: list[Table]) -> bytes:
    """All tables of a report as one XLSX workbook, one sheet each ("T1", "T2", ...), full precision."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for i, t in enumerate(tables, start=1):
            sheet = f"T{t.number or i}"
            frame = t.download_frame()
            for c in frame.columns:  # Excel has no time zones and no pandas NA
                if isinstance(frame[c].dtype, pd.DatetimeTZDtype):
                    frame[c] = frame[c].dt.tz_localize(None)
            frame.to_excel(xw, sheet_name=sheet, index=False)
    return buf.getvalue()


def _data_uri(mime: str, payload: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


def _rows_html(t: Table, shown: pd.DataFrame, rows: range) -> str:
    kinds = [c.kind for c in t.columns]
    ids = t.frame[t.ids].tolist() if t.ids else None
    out = []
    for i in rows:
        cells = []
        for j, (c, kind) in enumerate(zip(t.columns, kinds)):
            text = html.escape(shown.iat[i, j], quote=False)
            if ids is not None and c.key == t.ids and text:
                text = f'<a href="#src-{html.escape(_slug(str(ids[i])))}">{text}</a>'
            cls = ' class="num"' if kind in _NUMERIC_KINDS else ""
            cells.append(f"<td{cls}>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join(out)


def _table_html(t: Table, shown: pd.DataFrame, rows: range) -> str:
    head = "".join(f"<th scope=\"col\">{html.escape(c.label, quote=False)}</th>" for c in t.columns)
    return (f'<div class="ir-scroll"><table class="ir"><thead><tr>{head}</tr></thead>'
            f"<tbody>\n{_rows_html(t, shown, rows)}\n</tbody></table></div>")


def render_table(t: Table) -> str:
    """A numbered, captioned table; folded behind a summary line when long; with its CSV download."""
    label = f"Table {t.number}. " if t.number else ""
    anchor = f"table-{t.number}" if t.number else f"table-{_slug(t.caption)}"
    cap = f"<figcaption>{label}{render_text(t.caption)}</figcaption>"
    if t.empty:
        return f'<figure class="ir-table" id="{anchor}">{cap}<p class="ir-note">No rows.</p></figure>'
    shown = t.shown()
    n = len(shown)
    if n > FOLD_ROWS:
        body = (f'<div class="ir-fold-first">{_table_html(t, shown, range(FOLD_SHOW))}</div>'
                f"<details><summary>Show all {n} rows (the first {FOLD_SHOW} are above)</summary>"
                f"{_table_html(t, shown, range(FOLD_SHOW, n))}</details>")
    else:
        body = _table_html(t, shown, range(n))
    name = t.name or (f"table-{t.number}-" if t.number else "") + _slug(t.caption)
    dl = (f'<p class="ir-dl"><a download="{html.escape(name)}.csv" class="ir-csv" '
          f'href="{_data_uri("text/csv;charset=utf-8", table_csv(t))}">Download CSV ({n} rows, full precision)</a></p>')
    note = f'<p class="ir-note">Source: {render_text(t.source)}</p>' if t.source else ""
    return f'<figure class="ir-table" id="{anchor}">{cap}{body}{note}{dl}</figure>'


def render_figure(f: Figure) -> str:
    """A numbered, captioned figure: PNG at twice the figure's pixel size (crisp on high-density screens and in
    print), shown at its natural width, with alt text."""
    from ..plots import fig_to_png_bytes

    png = fig_to_png_bytes(f.fig, dpi=200)
    width = int(round(f.fig.get_figwidth() * 100))
    label = f"Figure {f.number}. " if f.number else ""
    anchor = f"figure-{f.number}" if f.number else f"figure-{_slug(f.caption)}"
    return (f'<figure class="ir-figure" id="{anchor}"><img src="{_data_uri("image/png", png)}" '
            f'alt="{html.escape(f.alt)}" style="width:{width}px"><figcaption>{label}{render_text(f.caption)}'
            "</figcaption></figure>")


def _item_html(item) -> str:
    if isinstance(item, Table):
        return render_table(item)
    if isinstance(item, Figure):
        return render_figure(item)
    return f"<p>{render_text(item)}</p>"


def render_section(s: Section) -> str:
    """A numbered section: heading, its question, its findings, then its paragraphs, tables and figures."""
    num = f"{s.number}. " if s.number else ""
    q = f'<p class="ir-question"><em>{render_text(s.question)}</em></p>' if s.question else ""
    findings = ("<ul class=\"ir-findings\">" + "".join(f"<li>{render_text(x)}</li>" for x in s.findings) + "</ul>"
                if s.findings else "")
    body = "\n".join(_item_html(i) for i in s.items)
    return (f'<div class="ir-report"><section id="sec-{s.id}"><h2>{num}{render_text(s.title)}</h2>{q}{findings}'
            f"{body}</section></div>")


def _front_html(r: Report) -> str:
    params = ", ".join(f"{k} = {v!r}" for k, v in r.parameters.items()) or "defaults"
    keys = r.key_findings
    key_html = ("<ol>" + "".join(f'<li>{render_text(k)} <a href="#sec-{s.id}">(section {s.number})</a></li>'
                                 for k, s in keys) + "</ol>") if keys else "<p>No key finding: see the sections.</p>"
    toc = "".join(f'<li><a href="#sec-{s.id}">{render_text(s.title)}</a></li>' for s in r.sections)
    if r.provenance is not None:
        toc += '<li value="0"><a href="#sec-provenance">Appendix: sources of every figure</a></li>'
    tables = [t for t in r.tables if not t.empty]
    xlsx = (f'<p class="ir-dl"><a download="{html.escape(r.study)}-tables.xlsx" class="ir-xlsx" '
            f'href="{_data_uri("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", tables_xlsx(tables))}">'
            f"Download all {len(tables)} tables (XLSX, full precision)</a></p>") if tables else ""
    intro = f"<p>{render_text(r.intro)}</p>" if r.intro else ""
    return (f'<style>{REPORT_CSS}</style><div class="ir-report"><header><h1>{render_text(r.title)}</h1>'
            f'<p class="ir-question">{render_text(r.question)}</p>'
            f'<p class="ir-meta">Data: {render_text(r.data)}. Parameters: {html.escape(params)}.</p></header>'
            f'<div class="ir-key" id="key-findings"><h2>Key findings</h2>{key_html}</div>{intro}'
            f'<nav class="ir-toc"><h2>Contents</h2><ol>{toc}</ol></nav>{xlsx}</div>')


class Front:
    """The title block, key findings and contents of a report; also the record the runner's index reads."""

    def __init__(self, report: Report):
        self.report = report

    def _repr_mimebundle_(self, include=None, exclude=None):
        r = self.report
        first = r.key_findings[0][0] if r.key_findings else ""
        record = {"title": r.title, "question": r.question, "first_finding": re.sub(r"\*\*|`", "", first),
                  "fingerprint": r.fingerprint, "data_source": r.data}
        return {"text/html": _front_html(r), "text/plain": r.summary(), REPORT_MIMETYPE: record}


class Appendix:
    """The provenance appendix: every source figure with its document and line; table rows link here."""

    def __init__(self, report: Report):
        self.report = report

    def _repr_html_(self) -> str:
        p = self.report.provenance
        if p is None:
            return ""
        rows = []
        id_col = "id" if "id" in p.frame.columns else p.frame.columns[0]
        for _, r in p.frame.iterrows():
            anchor = f"src-{_slug(str(r[id_col]))}"
            cells = "".join(f"<td>{html.escape('' if pd.isna(r[c.key]) else str(r[c.key]), quote=False)}</td>"
                            for c in p.columns)
            rows.append(f'<tr id="{html.escape(anchor)}">{cells}</tr>')
        head = "".join(f"<th scope=\"col\">{html.escape(c.label, quote=False)}</th>" for c in p.columns)
        dl = (f'<p class="ir-dl"><a download="{html.escape(self.report.study)}-sources.csv" class="ir-csv" '
              f'href="{_data_uri("text/csv;charset=utf-8", table_csv(p))}">Download CSV ({len(p.frame)} rows)</a></p>')
        return (f'<div class="ir-report"><section id="sec-provenance"><h2>Appendix: sources of every figure</h2>'
                f'<figure class="ir-table" id="table-{p.number}"><figcaption>Table {p.number}. '
                f'{render_text(p.caption)}</figcaption><div class="ir-scroll"><table class="ir"><thead><tr>{head}'
                f'</tr></thead><tbody>{"".join(rows)}</tbody></table></div>{dl}</figure></section></div>')


def render_report(r: Report) -> str:
    """The whole report as one HTML fragment: front, sections, appendix."""
    return _front_html(r) + "".join(render_section(s) for s in r.sections) + Appendix(r)._repr_html_()
