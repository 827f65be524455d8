"""Study 00 (dataset overview) on a draft folder written by the extractor: the section "Review of the extracted
draft" (issue 10, item 3), and no such section for a folder that is not a draft.

The draft is made here: analysis.extract.extract_text on a few synthetic lines written for this test (a made-up
county, "Linchuan"; not from the seed documents), then analysis.extract.draft.write_draft into tmp_path.
"""

import shutil

import pytest

from analysis import config
from analysis.extract import DocumentInfo, extract_text, merge_drafts
from analysis.extract.draft import MARKER, is_draft, write_draft
from analysis.studies import overview

# Synthetic lines (written for this test): a level with growth, a count and a target with a new indicator, a
# damaged figure beside a <script>, a range (uncertain, new indicator), and a long line with a range in its middle.
LONG = ("为进一步优化营商环境，全县上下围绕招商引资中心工作，持续深化放管服改革，狠抓项目落地，全年新落户企业3-5家，"
        "其中工业企业占多数，服务业企业占少数，力争早日形成集聚效应，推动县域经济高质量发展。")
DOC_A = ["临川县2023年上半年工作总结",
         "上半年全县固定资产投资完成45.6亿元，同比增长12.3%。",
         "新签约亿元以上项目25个，力争全年引进内资超100亿元。",
         "新投产企业2023家。<script>alert(1)</script>",
         "全县共有两三个园区。",
         LONG]
# A second synthetic document: a fund sentence and an equity stake (rows in funds and equity_stakes).
DOC_B = ["临川县产业基金情况",
         "设立产业引导基金，基金总规模10亿元，首期认缴5亿元。",
         "县城投集团出资2亿元，持股40%。"]

KEY = "**8 rows** proposed from 2 documents by the extractor; 2 uncertain, 1 damaged: check them before use."


@pytest.fixture(scope="module")
def draft():
    a = extract_text(DOC_A, DocumentInfo(doc="a.txt", region="Linchuan", published="2023-07-15"))
    b = extract_text(DOC_B, DocumentInfo(doc="b.txt", region="Linchuan", published="2023-12-20"))
    return merge_drafts([a, b])


@pytest.fixture(scope="module")
def folder(draft, tmp_path_factory):
    return write_draft(draft, tmp_path_factory.mktemp("draft") / "linchuan")


@pytest.fixture(scope="module")
def report(folder):
    return overview.run(data_dir=str(folder))


def _true_counts(draft) -> dict:
    """The counts the section must show, from the Draft object itself (not from the study)."""
    obs = draft.tables["observations"]
    return {"rows": sum(len(df) for df in draft.tables.values()), "uncertain": int((obs["quality"] == "uncertain").sum()),
            "damaged": int((obs["quality"] == "damaged").sum()),
            "check": set(obs.loc[obs["quality"].isin(["uncertain", "damaged"])
                                 | obs["indicator"].str.startswith("new_"), "obs_id"])}


def test_is_draft(folder, tmp_path):
    assert is_draft(folder) and is_draft(str(folder))
    assert not is_draft(None)
    assert not is_draft(config.DEFAULT_DATA_DIR)
    assert not is_draft(tmp_path)  # an empty folder
    (tmp_path / MARKER).mkdir()  # a folder named like the marker is not the marker file
    assert not is_draft(tmp_path)


def test_review_is_the_first_numbered_section(report):
    s = report.sections[0]
    assert (s.id, s.number, s.title) == ("review", 1, "Review of the extracted draft")
    assert [x.id for x in report.sections] == ["review", "tables", "observations", "regions", "quality", "documents"]


def test_key_finding_has_the_true_counts(report, draft):
    c = _true_counts(draft)
    assert (c["rows"], c["uncertain"], c["damaged"]) == (8, 2, 1)  # the synthetic lines above, counted by hand
    assert report.key_findings[0] == (KEY, report["review"])
    assert report["review"].findings[1] == ("4 rows need checking (uncertain, damaged or with one of the 3 new "
                                            "indicators the codebook does not list).")


def test_per_document_table(report):
    docs = report["review"].tables[0].frame.set_index("doc")
    assert list(docs.index) == ["a.txt", "b.txt"]
    got = docs[["lines", "observations", "funds", "equity_stakes", "projects", "milestones", "uncertain", "damaged",
                "new_indicators"]].astype(int).to_dict("index")
    assert got == {"a.txt": dict(lines=6, observations=6, funds=0, equity_stakes=0, projects=0, milestones=0,
                                 uncertain=2, damaged=1, new_indicators=3),
                   "b.txt": dict(lines=3, observations=0, funds=1, equity_stakes=1, projects=0, milestones=0,
                                 uncertain=0, damaged=0, new_indicators=0)}


def test_rows_to_check(report, draft):
    rows = report["review"].tables[1].frame
    assert set(rows["id"]) == _true_counts(draft)["check"] == {"a-o003", "a-o004", "a-o005", "a-o006"}
    by_id = rows.set_index("id")
    damaged = by_id.loc["a-o004"]
    assert (damaged["doc"], int(damaged["line"]), damaged["quality"], damaged["value"]) == ("a.txt", 4, "damaged", "")
    assert damaged["text"] == "新投产企业⟦2023家⟧。<script>alert(1)</script>"  # escaped when rendered
    assert damaged["indicator"] == "enterprises_started_production (新投产企业)"
    assert "not repaired" in damaged["note"]
    target = by_id.loc["a-o003"]
    assert (target["value"], target["status"], target["period"], target["quality"]) == ("超100亿元", "target", "2023", "ok")
    assert target["indicator"].startswith("new_") and target["indicator"].endswith("(引进内资)")
    assert target["text"] == "新签约亿元以上项目25个，力争全年引进内资⟦超100亿元⟧。"
    # a range written in words: its row says 2-3个, the figure is found in the line where it stands
    assert by_id.loc["a-o005", "text"] == "全县共有⟦两三个⟧园区。"
    assert by_id.loc["a-o005", "value"] == "超2个" and by_id.loc["a-o005", "quality"] == "uncertain"


def test_long_line_is_trimmed_around_its_figure(report):
    text = report["review"].tables[1].frame.set_index("id").loc["a-o006", "text"]
    assert text.startswith("…") and text.endswith("…") and "⟦3-5家⟧" in text
    assert len(text) == 80 + 2 + 2  # 80 characters of the line, two marks, two ellipses
    left, right = text[1:-1].split("⟦3-5家⟧")
    assert abs(len(left) - len(right)) <= 1 and LONG.index(left + "3-5家" + right) > 0


def test_line_excerpt():
    line = "甲" * 100 + "12个" + "乙" * 100
    out = overview.line_excerpt(line, (100, 103), width=13)
    assert out == "…甲甲甲甲甲⟦12个⟧乙乙乙乙乙…"
    assert overview.line_excerpt("全县25个", (2, 5)) == "全县⟦25个⟧"
    assert overview.line_excerpt("x" * 90, None) == "x" * 80 + "…"
    assert overview.line_excerpt(line, (0, 3), width=5) == "⟦甲甲甲⟧甲甲…"  # figure at the start: room on the right


def test_html_escapes_the_line_and_points_to_review_html(report, folder):
    html = report.to_html()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert 'id="sec-review"' in html and '<a class="ir-ref" href="#sec-review">→ 1. Review of the extracted draft' in html
    pointer = report["review"].items[-1]
    assert pointer.startswith(f"The full line-by-line review is `review.html` in the draft folder (`{folder}`)")
    assert (folder / "review.html").is_file()
    # each row to check links to the provenance appendix, which lists it
    assert {"a-o003", "a-o006"} <= set(report.provenance.frame["id"])


def test_embedded_dataset_has_no_review_section():
    report = overview.run()
    assert [s.id for s in report.sections] == ["tables", "observations", "regions", "quality", "documents"]
    assert "Review of the extracted draft" not in report.to_html()


def test_same_folder_without_the_marker_gives_the_report_unchanged(folder, report, tmp_path):
    plain = tmp_path / "plain"
    shutil.copytree(folder, plain)
    (plain / MARKER).unlink()
    other = overview.run(data_dir=str(plain))
    assert [s.id for s in other.sections] == [s.id for s in report.sections[1:]]
    assert [(s.title, s.findings) for s in other.sections] == [(s.title, s.findings) for s in report.sections[1:]]
    assert [k for k, _ in other.key_findings] == [k for k, _ in report.key_findings[1:]]
    assert set(other.provenance.frame["id"]) == {"a-o004", "a-o005", "a-o006"}  # the flagged ones only


def test_draft_with_nothing_to_check(tmp_path):
    # synthetic: one line, one figure of a codebook indicator, read with no doubt
    d = extract_text(["上半年全县固定资产投资完成45.6亿元。"], DocumentInfo(doc="c.txt", region="Linchuan",
                                                                   published="2023-07-15"))
    r = overview.run(data_dir=str(write_draft(d, tmp_path / "c")))
    s = r["review"]
    assert s.findings == ["**1 row** proposed from 1 document by the extractor; 0 uncertain, 0 damaged: check them "
                          "before use.", "No row is uncertain or damaged, and no row uses an indicator the codebook "
                                         "does not list."]
    assert len(s.tables) == 1  # no table of rows to check
    assert s.tables[0].frame[["doc", "lines", "observations", "total"]].astype(str).values.tolist() == [
        ["c.txt", "1", "1", "1"]]


def test_notebook_shows_the_review_section_for_a_draft_only(folder, tmp_path):
    import nbformat
    import papermill as pm

    nb_path = config.NOTEBOOKS_DIR / "00-dataset-overview.ipynb"

    def html_of(**params) -> str:
        out = tmp_path / f"run-{len(params)}.ipynb"
        pm.execute_notebook(str(nb_path), str(out), parameters=params, kernel_name="python3", progress_bar=False,
                            cwd=str(config.NOTEBOOKS_DIR))
        nb = nbformat.read(out, as_version=4)
        return "\n".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))

    draft_html = html_of(data_dir=str(folder))
    assert draft_html.count('id="sec-review"') == 1 and "&lt;script&gt;alert(1)&lt;/script&gt;" in draft_html
    assert draft_html.index('id="sec-review"') < draft_html.index('id="sec-tables"')
    embedded = html_of()
    assert 'id="sec-review"' not in embedded and 'id="sec-tables"' in embedded


def test_overview_knows_the_draft_marker_without_loading_the_extractor():
    import subprocess
    import sys

    from analysis.extract.draft import MARKER
    from analysis.studies import overview

    assert overview.DRAFT_MARKER == MARKER
    code = ("import sys; from analysis.studies import overview; overview.run(); "
            "print('analysis.extract' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False"
