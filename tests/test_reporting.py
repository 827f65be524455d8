"""The report model and its HTML (synthetic tables made here, for tests only)."""

import base64
import html
import io
import re

import pandas as pd
import pytest

from analysis.reporting import Col, Report, Section, Table, format_cell
from analysis.reporting.model import format_scaled_money
from analysis.reporting.render import FOLD_ROWS, FOLD_SHOW, REPORT_CSS, render_table, table_csv, tables_xlsx


def _table(n=3):
    df = pd.DataFrame({"region": [f"R{i}" for i in range(n - 1)] + ["<script>alert(1)</script>"],
                       "inv": [132e8] * n, "q": ["more_than"] + ["exact"] * (n - 1),
                       "lev": [1.94661] * n, "obs_id": [f"o{i}" for i in range(n)]})
    return Table(df, "Levels", [Col("region", "Region"), Col("inv", "Investment (亿元)", "money", qualifier="q"),
                                Col("lev", "Leverage (×)", "multiple"), Col("obs_id", "Source")], ids="obs_id")


def test_format_cell_by_kind():
    assert format_cell(132e8, "money", qualifier="more_than") == "more than 132亿元"
    assert format_cell(6.7e7, "money", unit="usd", qualifier="at_least") == "超6700万美元"
    assert format_cell(1.94661, "multiple") == "1.95×"
    assert format_cell(0.5172, "share") == "51.7 %"
    assert format_cell(42.45, "pct_signed") == "+42.5 %"
    assert format_cell(-4.83, "pp") == "-4.8 pp"
    assert format_cell(5.0, "int") == "5"
    assert format_cell(True, "bool") == "yes"
    assert format_cell(0.0, "p") == "< 0.001"
    assert format_cell(float("nan"), "money") == ""
    with pytest.raises(ValueError, match="kind"):
        Col("x", "X", "furlong")


def test_table_shows_human_headers_no_index_and_escapes_data():
    t = _table()
    out = render_table(t)
    assert re.search(r'<th scope="col" class="num"[^>]*>Investment \(亿元\)</th>', out)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "<script>alert" not in out
    assert "more than 132亿元" in out and "1.95×" in out
    assert 'href="#src-o0"' in out  # a row's source id links to the provenance appendix


def test_csv_download_carries_full_precision():
    t = _table()
    out = render_table(t)
    uri = re.search(r'class="ir-csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', out).group(1)
    back = pd.read_csv(io.BytesIO(base64.b64decode(uri)), encoding="utf-8-sig")
    # money is downloaded in yuan, and headed so (not under the shown header's 亿元)
    assert list(back.columns) == ["Region", "Investment (yuan)", "Investment qualifier", "Leverage (×)", "Source"]
    assert back["Leverage (×)"].iloc[0] == 1.94661
    assert back["Investment (yuan)"].iloc[0] == 132e8
    assert table_csv(t).startswith(b"\xef\xbb\xbf")


def test_long_tables_fold_behind_a_summary_line():
    t = _table(FOLD_ROWS + 5)
    out = render_table(t)
    assert f"Show all {FOLD_ROWS + 5} rows" in out and f"The first {FOLD_SHOW} of {FOLD_ROWS + 5} rows" in out
    assert out.count("<tr") == FOLD_ROWS + 5 + 1  # one table: every row once, plus the header row
    assert out.count('<tr class="ir-more">') == FOLD_ROWS + 5 - FOLD_SHOW  # hidden until "Show all"
    assert "Show all" not in render_table(_table(FOLD_ROWS)) and "ir-more" not in render_table(_table(FOLD_ROWS))


def test_report_numbers_sections_tables_and_links_key_findings():
    s1 = Section("levels", "Levels", "What grew?", ["A grew **5 %**."], [_table()], key=["A grew **5 %**."])
    s2 = Section("funds", "Funds", "", ["None."], [_table(), "A paragraph."])
    prov = Table(pd.DataFrame({"table": ["observations"], "id": ["o0"], "figure": ["132亿元"], "doc": ["d"],
                               "line": [3]}), "Source figures")
    r = Report("01-x", "Title", "Question?", {"regions": None}, "embedded", [s1, s2], provenance=prov)
    assert (s1.number, s2.number) == (1, 2) and [t.number for t in r.tables] == [1, 2, 3]
    h = r.to_html()
    assert '<a class="ir-ref" href="#sec-levels">→ 1. Levels</a>' in h and 'id="sec-levels"' in h
    assert '<a href="#sec-levels"><span class="ir-num">1</span>Levels</a>' in h  # numbered contents
    assert '<span class="ir-num">Table 1.</span>Levels' in h and 'class="ir-report ir-front"' in h
    assert "<strong>5 %</strong>" in h and 'id="src-o0"' in h
    assert r.front()._repr_mimebundle_()["application/vnd.investment-report+json"]["first_finding"] == "A grew 5 %."
    with pytest.raises(ValueError, match="repeat"):
        Report("x", "T", "Q", {}, "d", [s1, Section("levels", "Again")])
    with pytest.raises(KeyError, match="levels, funds"):
        r.section("nope")


def test_xlsx_holds_every_table():
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(tables_xlsx([_table(), _table(4)])))
    assert book.sheetnames == ["Contents", "T1", "T2"]
    assert book["T2"].max_row == 5 and book["T2"]["A1"].value == "Region"  # header + 4 rows
    assert book["Contents"]["B2"].value == "Levels" and book["Contents"]["D3"].value == 4


def test_money_scale_writes_numbers_under_a_header_that_says_the_unit():
    assert format_scaled_money(1.32e10, "亿", "at_least") == "≥ 132.00"
    assert format_scaled_money(1.32e10, "亿") == "132.00"
    assert format_scaled_money(2e10, "亿", "just_under") == "< 200.00"  # the vocabulary's symbols
    assert format_scaled_money(3.5e5, "亿") == "0.0035"  # too small for two decimals: two significant digits
    assert format_scaled_money(6.7e7, "万", "about", digits=0) == "≈ 6,700"
    assert format_scaled_money(float("nan"), "亿") == "" and format_scaled_money("n/a", "亿") == "n/a"
    df = pd.DataFrame({"inv": [132e8, 5.5e8], "q": ["at_least", "about"]})
    t = Table(df, "Scaled", [Col("inv", "Investment (亿元)", "money", scale="亿", qualifier="q")])
    assert t.shown()["Investment (亿元)"].tolist() == ["≥ 132.00", "≈ 5.50"]
    assert "Symbols: ≥ at least, ≈ about." in render_table(t)  # the note explains the symbols used
    assert Table(df, "Default", [Col("inv", "Investment", "money", qualifier="q")]).shown()["Investment"].tolist() \
        == ["超132亿元", "约5.5亿元"]  # without a scale: each cell says its unit, as before
    with pytest.raises(ValueError, match="scale"):
        Col("inv", "Investment", "pct", scale="亿")
    with pytest.raises(ValueError, match="one unit"):
        Table(df.assign(u="yuan"), "Mixed", [Col("inv", "Investment (亿元)", "money", unit="u", scale="亿")])
    with pytest.raises(ValueError, match="labels repeat"):
        Table(df, "Twice", [Col("inv", "X"), Col("q", "X")])


def test_figures_are_2x_png_with_alt_text_and_the_css_is_one_file():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.reporting import Figure
    from analysis.reporting.render import render_figure

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([1, 2], [3, 4])
    out = render_figure(Figure(fig, "A line <b>", alt='Rises from 3 to 4 "quoted"'))
    plt.close(fig)
    png = base64.b64decode(re.search(r'src="data:image/png;base64,([^"]+)"', out).group(1))
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert 'width="400" height="300"' in out and (width, height) == (800, 600)  # twice the CSS pixels
    assert 'alt="Rises from 3 to 4 &quot;quoted&quot;"' in out and "A line &lt;b&gt;" in out
    assert "@media print" in REPORT_CSS and "size:A4" in REPORT_CSS and "max-width:600px" in REPORT_CSS


def test_source_anchors_are_distinct_for_ids_outside_ascii():
    from analysis.reporting.render import source_anchor

    assert source_anchor("o0") == "src-o0"
    assert len({source_anchor(x) for x in ["甲-1", "乙-1", "a b", "a.b"]}) == 4


def test_report_get_gives_a_section_or_none():
    """``Report.get``: the section a notebook cell shows only when the data give it (None shows nothing)."""
    from analysis.studies import overview

    report = overview.run()
    assert report.get("tables") is report["tables"]
    assert report.get("review") is None
