"""Narrative helpers (analysis.reporting): escaping of data strings, number formats, provenance."""

import pandas as pd

from analysis import load_dataset
from analysis.reporting import esc, fmt_money, fmt_pct, fmt_pp, md, provenance, show


def test_esc_neutralises_html_and_markdown():
    assert esc("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert esc("a*b_c#d") == "a\\*b\\_c\\#d"
    assert esc("Yiwu's fund") == "Yiwu's fund"  # an apostrophe stays an apostrophe
    assert "<img" not in md("{x}", x="<img src=x onerror=alert(1)>").data


def test_show_escapes_table_cells():
    html = show(pd.DataFrame({"region": ["<b>x</b>"]})).data
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_formats_keep_qualifiers_and_units():
    assert fmt_money(2e10, "just_under") == "近200亿元"
    assert fmt_money(6e7) == "6000万元"
    assert fmt_money(16.5e8, "more_than") == "more than 16.5亿元"
    assert fmt_money(430e8, "about_at_most") == "about at most 430亿元"
    assert fmt_pct(42.45, 2) == "42.45 %"
    assert fmt_pct(700, 0, qualifier="more_than", signed=True) == "more than +700 %"
    assert fmt_pp(27.04) == "+27.0 pp"
    assert fmt_money(float("nan")) == "n/a"


def test_provenance_lists_document_and_line():
    ds = load_dataset()
    used = ds.funds[ds.funds["region"] == "Yiwu"]
    prov = provenance(ds, funds=used)
    row = prov[prov["id"] == "d002-f01"].iloc[0]
    assert row["doc"].startswith("002_") and row["line"] == 21 and "56.45亿元" in row["figure"]


def test_show_blanks_missing_values_of_every_dtype():
    df = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "x": [1.5, float("nan")], "s": ["a", None]})
    html = show(df).data
    assert "<NA>" not in html and "NaN" not in html and "None" not in html
