"""The report model and its HTML (synthetic tables made here, for tests only)."""

import base64
import html
import io
import re

import pandas as pd
import pytest

from analysis.reporting import Col, Report, Section, Table, format_cell
from analysis.reporting.render import FOLD_ROWS, render_table, table_csv, tables_xlsx


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
    assert "<th scope=\"col\">Investment (亿元)</th>" in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "<script>alert" not in out
    assert "more than 132亿元" in out and "1.95×" in out
    assert 'href="#src-o0"' in out  # a row's source id links to the provenance appendix


def test_csv_download_carries_full_precision():
    t = _table()
    out = render_table(t)
    uri = re.search(r'class="ir-csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', out).group(1)
    back = pd.read_csv(io.BytesIO(base64.b64decode(uri)), encoding="utf-8-sig")
    assert list(back.columns) == ["Region", "Investment (亿元)", "q", "Leverage (×)", "Source"]
    assert back["Leverage (×)"].iloc[0] == pytest.approx(1.94661)
    assert back["Investment (亿元)"].iloc[0] == pytest.approx(132e8)
    assert table_csv(t).startswith(b"\xef\xbb\xbf")


def test_long_tables_fold_behind_a_summary_line():
    t = _table(FOLD_ROWS + 5)
    out = render_table(t)
    assert f"Show all {FOLD_ROWS + 5} rows" in out
    assert out.count("<tr>") == FOLD_ROWS + 5 + 2  # every row once, plus the two header rows
    assert "Show all" not in render_table(_table(FOLD_ROWS))


def test_report_numbers_sections_tables_and_links_key_findings():
    s1 = Section("levels", "Levels", "What grew?", ["A grew **5 %**."], [_table()], key=["A grew **5 %**."])
    s2 = Section("funds", "Funds", "", ["None."], [_table(), "A paragraph."])
    prov = Table(pd.DataFrame({"table": ["observations"], "id": ["o0"], "figure": ["132亿元"], "doc": ["d"],
                               "line": [3]}), "Source figures")
    r = Report("01-x", "Title", "Question?", {"regions": None}, "embedded", [s1, s2], provenance=prov)
    assert (s1.number, s2.number) == (1, 2) and [t.number for t in r.tables] == [1, 2, 3]
    h = r.to_html()
    assert '<a href="#sec-levels">(section 1)</a>' in h and 'id="sec-levels"' in h
    assert "<strong>5 %</strong>" in h and 'id="src-o0"' in h
    assert r.front()._repr_mimebundle_()["application/vnd.investment-report+json"]["first_finding"] == "A grew 5 %."
    with pytest.raises(ValueError, match="repeat"):
        Report("x", "T", "Q", {}, "d", [s1, Section("levels", "Again")])
    with pytest.raises(KeyError, match="levels, funds"):
        r.section("nope")


def test_xlsx_holds_every_table():
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(tables_xlsx([_table(), _table(4)])))
    assert book.sheetnames == ["T1", "T2"]
    assert book["T2"].max_row == 5 and book["T2"]["A1"].value == "Region"  # header + 4 rows
