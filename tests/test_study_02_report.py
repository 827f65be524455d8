"""Study 02 (fund matrix and leverage) as a report: ``analysis.studies.funds.run`` and its sections' sentences.

Golden sentences on the embedded dataset (the documents' own figures, worked out by hand with 亿 = 1e8 and
万 = 1e4; document and line in a comment) and on the synthetic region ``tests/data/testland`` (synthetic, made for
the tests: its figures are in tests/data/testland/funds.csv and equity_stakes.csv). Folders written by
``_folder`` hold SYNTHETIC funds made up for the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.reporting import Report, Table
from analysis.studies import funds as sf
from conftest import write_dataset

YI = 1e8  # 亿
TESTLAND = Path(__file__).parent / "data" / "testland"
SECTIONS = ["matrix", "ratios", "totals", "planned", "stakes", "policy", "statistics", "documents"]


@pytest.fixture(scope="module")
def embedded() -> Report:
    return sf.run()


@pytest.fixture(scope="module")
def testland() -> Report:
    return sf.run(data_dir=str(TESTLAND))


def _doc():
    return {"doc": "synthetic.txt", "title_en": "Synthetic funds (made up)", "kind": "work_summary",
            "publisher": "tests", "published": "2022", "period": "2022", "region": "R", "damaged": "false"}


def _fund(fund_id, size=None, committed=None, paid_in=None, fund_type="platform", status="existing", region="R",
          n_funds=1, currency="yuan", size_q="exact", paid_q="exact", part_of=None):
    """One SYNTHETIC fund row (figures in yuan or USD, made up for the test)."""
    row = {"fund_id": fund_id, "region": region, "sponsor": f"Sponsor {fund_id}", "fund_type": fund_type,
           "n_funds": n_funds, "status": status, "currency": currency, "as_of": "2022", "doc": "synthetic.txt",
           "line": 1, "part_of": part_of}
    for col, value, q in (("total_size", size, size_q), ("committed", committed, "exact"),
                          ("paid_in", paid_in, paid_q)):
        if value is not None:
            unit = "亿美元" if currency == "usd" else "亿元"
            row.update({col: value, f"{col}_qualifier": q, f"{col}_raw": f"{'约' if q == 'about' else ''}"
                        f"{value / YI:g}{unit}{'以上' if q == 'at_least' else ''}"})
    return row


def _folder(tmp_path, funds) -> str:
    return str(write_dataset(tmp_path / "data", {"documents": [_doc()], "funds": funds}))


def _all_text(report: Report) -> str:
    return "\n".join([report.intro] + [f for s in report.sections for f in s.findings])


# --- the report's shape ------------------------------------------------------------------------------------------

def test_report_sections_and_key_findings(embedded):
    assert [s.id for s in embedded.sections] == SECTIONS
    assert 3 <= len(embedded.key_findings) <= 6
    assert embedded.study == "02-fund-leverage" and embedded.provenance is not None
    for key, section in embedded.key_findings:
        assert key in section.findings, "a key finding is one of its section's findings"


@pytest.mark.parametrize("which", ["embedded", "testland"])
def test_tables_are_for_readers(which, request):
    report = request.getfixturevalue(which)
    tables = [t for s in report.sections for t in s.tables] + [report.provenance]
    assert tables and all(isinstance(t, Table) for t in tables)
    for t in tables:
        assert t.source, f"table {t.caption!r} says where its numbers come from"
        for c in t.columns:
            assert "_" not in c.label and c.label[:1].isupper(), f"{t.caption!r}: header {c.label!r}"
        shown = t.shown()
        for col in shown.columns:
            for cell in shown[col]:
                assert not re.search(r"\d\.\d{4,}", cell), f"{t.caption!r}, {col}: unrounded {cell!r}"
                assert cell not in ("True", "False", "nan", "<NA>"), f"{t.caption!r}, {col}: {cell!r}"
    html = report.to_html()
    assert "Table 1." in html and "Figure 1." in html


# --- golden sentences: embedded dataset ----------------------------------------------------------------------------

def test_embedded_key_findings(embedded):
    keys = [k for k, _ in embedded.key_findings]
    # 8 top-level records (funds.csv: d000-f01, d001-f01, d001-f04, d001-f05, d002-f01, d002-f02, d003-f01,
    # d003-f02) of 6 sponsors in Linhai, Taizhou and Yiwu; the 6 that state a count: 10 + 18 + 31 + 5 + 1 + 1 = 66
    assert keys[0] == ("**8** fund record(s) from **6** sponsor(s) in 3 regions; the 6 record(s) that state how "
                       "many funds they hold stand for **66** funds.")
    # only Yiwu's record (doc 002 line 21) states size, committed and paid-in capital
    assert keys[1] == ("Leverage and public share need size and committed capital on the same record: **1** of "
                       "**8** record(s) state both; the paid-in ratio needs paid-in and committed capital: **1** "
                       "record(s).")
    # Linhai: 100亿元 planned (+ sub-funds of unstated size: at least) over 25.45亿元 set up = 3.93 (doc 003 line 27,
    # doc 000 line 66); Taizhou: 50亿元以上 over 近200 + 约230亿元 = 0.12, smaller
    assert keys[2] == ("Of the 2 regions with planned and set-up funds of stated size, plans weigh most against the "
                       "funds set up in **Linhai**: the planned 超100亿元 is **at least 3.93×** the 25.45亿元 in funds "
                       "set up (a target beside a stock, not an attainment rate).")
    # 56.45 / 29 = 1.95, below 1 / 0.3 = 3.33; a platform, not a sub-fund
    assert keys[3] == ("Against the usual leverage range of 3.33×-5×, the 1 record(s) with a leverage lie below: "
                       "**1**; within: **0**; above: **0**; not placeable: **0**; sub-funds among them (the kind of "
                       "fund the cap is written for): **0**.")
    # n = 1 record (Yiwu's), a group of 5 funds; analysis.stats.WARN_N = 5
    assert keys[4] == ("Too few records for any estimate: **n = 1** fund record(s) state both size and committed "
                       "capital (standing for 5 fund(s)), fewer than the 5 below which an estimate means little.")


def test_embedded_yiwu_ratios_sentences(embedded):
    # doc 002 line 21: 基金总规模56.45亿元, 公司认缴规模29亿元, 实缴15亿元: 1.95×, 29 / 56.45 = 51.4 %,
    # 15 / 29 = 51.7 %, 29 - 15 = 14亿元 still to pay
    f = embedded["ratios"].findings
    assert ("**Yiwu Industrial Investment Group** (Yiwu; 5 funds, as of 2021): a total size of 56.45亿元 over a "
            "committed 29亿元 gives leverage **1.95×** (exact); the sponsor's public share is **51.4 %** (committed "
            "/ total size).") in f
    assert ("Of the committed 29亿元, 15亿元 is paid in: paid-in ratio **51.7 %** (paid in / committed), so 14亿元 "
            "of the commitment is still to be paid.") in f
    # doc 001 line 43: 近200亿元 over 18 funds = just under 11.111亿元
    assert ("Taizhou government (Taizhou): average size = 近200亿元 / 18 funds = **近11.111亿元** (strict upper "
            "bound): the qualifiers of the stated figures carry over to the ratio.") in f


def test_embedded_matrix_stakes_policy_sentences(embedded):
    # doc 001 line 43: 2只母基金和16只子基金, 合计规模近200亿元
    assert ("**Taizhou government** (Taizhou, existing): 18 funds reported together, 近200亿元 in all: "
            "**近11.111亿元** per fund on average (strict upper bound). Breakdown: mother 2, sub 16."
            ) in embedded["matrix"].findings
    # doc 000 line 62: 6000万元 for 20 % -> 3亿元; doc 002 line 21: 10.54亿元 / 16 = 6587.5万元
    stakes = embedded["stakes"].findings
    assert stakes[0].startswith("**Linhai Industrial Investment Group** (Linhai) put 6000万元 into "
                                "浙江头门港海缆能源科技有限公司 for 20.0 % of it: amount / share prices the whole "
                                "company at **3亿元**")
    assert stakes[1].startswith("**Yiwu Industrial Investment Group** (Yiwu) reports 16 equity investments with "
                                "10.54亿元 in all: **6587.5万元** per investment on average")
    assert ("Yiwu: Yiwu Industrial Investment Group (5 funds, existing): leverage 1.95×, public share 51.4 %: "
            "**below** the usual range. It is a platform record, not a single sub-fund, so the sub-fund cap need "
            "not apply to it.") in embedded["policy"].findings
    assert embedded["totals"].findings[0] == (
        "**Yiwu**, existing funds in yuan: leverage **1.95×** (exact: Σ total size 56.45亿元 / Σ committed 29亿元, "
        "1 record(s): d002-f01); paid-in ratio **51.7 %** (exact: Σ paid in 15亿元 / Σ committed 29亿元, 1 "
        "record(s): d002-f01); public share **51.4 %** (exact: Σ committed 29亿元 / Σ total size 56.45亿元, 1 "
        "record(s): d002-f01).")


# --- golden sentences: the synthetic region Testland ---------------------------------------------------------------

def test_testland_sentences(testland):
    # t-f01: a group of 4 funds (1 mother + 3 sub), 40亿元, committed 10亿元, paid in 6亿元; t-f04: planned
    # industry fund 30亿元以上; t-s01: 5000万元 for 25 %
    keys = [k for k, _ in testland.key_findings]
    assert keys[0] == ("**2** fund record(s) from **2** sponsor(s) in 1 region; the 2 record(s) that state how many "
                       "funds they hold stand for **5** funds.")  # 4 + 1
    assert keys[2] == ("In **Testland**: the planned 超30亿元 is **at least 0.75×** the 40亿元 in funds set up (a "
                       "target beside a stock, not an attainment rate).")  # 30 / 40
    ratios = testland["ratios"].findings
    assert ("**Testland Investment Group** (Testland; 4 funds, as of 2023): a total size of 40亿元 over a committed "
            "10亿元 gives leverage **4×** (exact); the sponsor's public share is **25 %** (committed / total size)."
            ) in ratios  # 40 / 10, 10 / 40
    assert ("Of the committed 10亿元, 6亿元 is paid in: paid-in ratio **60 %** (paid in / committed), so 4亿元 of "
            "the commitment is still to be paid.") in ratios  # 6 / 10, 10 - 6
    assert ("**Testland Investment Group** (Testland, existing): 4 funds reported together, 40亿元 in all: "
            "**10亿元** per fund on average (exact). Breakdown: mother 1, sub 3.") in testland["matrix"].findings
    assert testland["stakes"].findings[0].startswith(  # 5000万 / 0.25 = 2亿
        "**Testland Investment Group** (Testland) put 5000万元 into 测试公司 for 25.0 % of it: amount / share prices "
        "the whole company at **2亿元**")
    # 4× lies within 3.33-5×; the record is a group of type mixed (a, not an)
    assert ("Testland: Testland Investment Group (4 funds, existing): leverage 4×, public share 25 %: **within** the "
            "usual range. It is a mixed record, not a single sub-fund, so the sub-fund cap need not apply to it."
            ) in testland["policy"].findings
    assert "Regions studied: **Testland**." in testland.intro


# --- sentences true of other data ----------------------------------------------------------------------------------

def test_fully_paid_commitment_and_article(tmp_path):
    # SYNTHETIC: an industry fund of 40亿元, committed 10亿元, all of it paid in
    report = sf.run(data_dir=_folder(tmp_path, [_fund("a", 40 * YI, 10 * YI, 10 * YI, fund_type="industry")]))
    text = _all_text(report)
    assert ("Of the committed 10亿元, 10亿元 is paid in: paid-in ratio **100 %** (paid in / committed), so the "
            "commitment is fully paid in.") in text
    assert "0元" not in text
    assert "It is an industry record, not a single sub-fund" in text
    assert " a industry" not in text


def test_paid_in_above_the_commitment(tmp_path):
    # SYNTHETIC: 12亿元 paid in of 10亿元 committed
    report = sf.run(data_dir=_folder(tmp_path, [_fund("a", 40 * YI, 10 * YI, 12 * YI)]))
    assert "so the stated paid-in capital exceeds the commitment by 2亿元 (as stated)" in _all_text(report)


def test_totals_sentences_on_synthetic_folder(tmp_path):
    """The totals of several records and two regions, as written (moved from the notebook test of issue 8)."""
    funds = [
        _fund("a", 10 * YI, 2 * YI, 1 * YI),
        _fund("b", 30 * YI, 10 * YI, 5 * YI, size_q="about", paid_q="at_least"),
        _fund("g", 20 * YI, 5 * YI, fund_type="mixed", n_funds=3),
        _fund("g1", 7 * YI, 3 * YI, 3 * YI, fund_type="sub", part_of="g", n_funds=3),  # breakdown: never added
        _fund("d", 100 * YI),
        _fund("p", 50 * YI, 10 * YI, status="planned"),
        _fund("f", 8 * YI, 4 * YI, 4 * YI, region="Q"),
    ]
    report = sf.run(data_dir=_folder(tmp_path, funds))
    text = _all_text(report)
    # a, b (R) and f (Q) state paid-in and committed capital
    assert "the paid-in ratio needs paid-in and committed capital: **3** record(s)" in text
    # (10 + 约30 + 20) / (2 + 10 + 5) = 60 / 17 = 3.53, approximate
    assert ("**R**, existing funds in yuan: leverage **about 3.53×** (approximate: Σ total size 约60亿元 / "
            "Σ committed 17亿元, 3 record(s): a, b, g)") in text
    # (1 + 5 or more) / (2 + 10) = 50 %, a lower bound
    assert ("paid-in ratio **at least 50 %** (lower bound: Σ paid in 超6亿元 / Σ committed 12亿元, 2 record(s): a, "
            "b)") in text
    # record b: committed 10亿元, paid in 5亿元 or more, so at most 5亿元 is still to be paid
    assert "so 不超过5亿元 of the commitment is still to be paid" in text
    assert "**R**, planned funds in yuan (sizes are targets): leverage **5×**" in text  # 50 / 10
    assert "**All regions together** (records of 2 regions added as stated;" in text
    assert "leverage **about 3.24×**" in text  # (60 + 8) / (17 + 4) = 68 / 21
    assert "weighted by each record" in text
    # tables stay narrow enough to read: at most 13 columns
    assert max(len(t.columns) for s in report.sections for t in s.tables) <= 13


def test_usd_fund_is_not_added_to_yuan(tmp_path):
    # SYNTHETIC: a USD fund of 2亿美元 with 0.5亿美元 committed beside a yuan fund
    report = sf.run(data_dir=_folder(tmp_path, [_fund("u", 2 * YI, 0.5 * YI, currency="usd"),
                                                _fund("y", 10 * YI, 2 * YI)]))
    text = _all_text(report)
    assert "**R**, existing funds in USD: leverage **4×**" in text  # 2 / 0.5
    assert "**R**, existing funds in yuan: leverage **5×**" in text  # 10 / 2


def test_region_without_data_says_so(nowhere_data):
    data = nowhere_data
    report = sf.run(data_dir=str(data), regions=["nowhere"])
    assert "No fund or equity-stake data for: **Nowhere**." in report.intro
    assert "every section is empty" in report.intro
    assert report["matrix"].findings == ["No fund records for the regions and period asked."]
    assert report["stakes"].findings == ["No equity stakes for the regions and period asked."]
    assert report["statistics"].findings[0].startswith("No: no fund record states both size and committed capital")
    assert 1 <= len(report.key_findings) <= 6
    report.to_html()  # renders with every section empty


def test_without_planned_funds(testland):
    report = sf.run(data_dir=str(TESTLAND), include_planned=False)
    assert report["planned"].findings[0] == "Planned funds are left out (parameter `include_planned` = False)."
    assert "planned funds: excluded" in report.intro
    assert not any("plans" in f for f in report["planned"].findings)


@pytest.mark.parametrize("kwargs, match", [
    ({"include_planned": "yes"}, "include_planned"),
    ({"include_planned": None}, "include_planned"),
    ({"period": "2022Q5"}, "period"),
    ({"as_of": "30.06.2022"}, "as_of"),
    ({"regions": ["Atlantis"]}, "regions"),
    ({"data_dir": "no/such/folder"}, "data_dir"),
])
def test_run_checks_its_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sf.run(**kwargs)


def test_notebook_is_thin():
    """The notebook only calls run() and displays the report: no loop, branch or long cell."""
    import ast

    import nbformat

    from analysis import config

    nb = nbformat.read(config.NOTEBOOKS_DIR / "02-fund-leverage.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    for c in code:
        assert len(c.source.splitlines()) <= 10, c.source
        nodes = list(ast.walk(ast.parse(c.source)))
        assert not [n for n in nodes if isinstance(n, (ast.For, ast.While, ast.If, ast.IfExp, ast.comprehension))]
    shown = [c.source.strip() for c in code]
    assert shown[-1] == "report.appendix()"
    assert shown[1:-1] == [f'report["{s}"]' for s in SECTIONS]
