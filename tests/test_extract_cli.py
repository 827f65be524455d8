"""The draft folder (analysis.extract.draft) and the investment-extract command (analysis.extract.cli).

A draft built by hand (one observation with a new indicator, one fund, one project with one milestone) is written
and loaded with load_dataset; reruns replace an unchanged draft and refuse anything else; the command runs end to
end on made-up documents. Every document and row here is synthetic (made-up region Sampleland, made-up figures).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import load_dataset
from analysis.extract.cli import main
from analysis.extract.core import DRAFT_TABLES, Draft, empty_table
from analysis.extract.draft import MARKER, DraftFolderError, merge_drafts, write_draft
from analysis.schema import table_meta

ROOT = Path(__file__).resolve().parents[1]

#: A made-up work report (synthetic): the hand-built draft's rows cite its lines.
SAMPLE_LINES = ["示例县2025年工作总结", "全年完成固定资产投资 120 亿元，同比增长8.5%。", "",
                "设立产业基金1支，总规模5亿元，已认缴超2亿元。", "1 示例项目 总投资 3 亿元 用地 50 亩 6月开工",
                "新增示例指标 7 个。"]
NEW_INDICATOR = "new_0a1b2c"


def sample_draft(doc: str = "sample.txt", lines: list[str] | None = None, note: str = "synthetic row") -> Draft:
    """A draft built by hand (synthetic): one observation of a codebook indicator with growth, one of a new
    indicator (uncertain), one fund, one project with one milestone."""
    stem = doc.removesuffix(".txt")
    documents = pd.DataFrame([{"doc": doc, "title_en": "示例县2025年工作总结", "kind": "work_summary",
                               "published": "2025-12", "period": "2025", "region": "Sampleland", "damaged": False}])
    obs = pd.DataFrame([
        {"obs_id": f"{stem}-o001", "region": "Sampleland", "entity": None, "period": "2025", "measure": "flow",
         "indicator": "fixed_asset_investment", "indicator_zh": "固定资产投资", "status": "actual", "value": 1.2e10,
         "unit": "yuan", "qualifier": "exact", "raw": "120亿元", "yoy_pct": 8.5, "yoy_qualifier": "exact",
         "yoy_raw": "增长8.5%", "quality": "ok", "doc": doc, "line": 2, "note": note},
        {"obs_id": f"{stem}-o002", "region": "Sampleland", "entity": None, "period": "2025", "measure": "stock",
         "indicator": NEW_INDICATOR, "indicator_zh": "示例指标", "status": "actual", "value": 7, "unit": "count",
         "qualifier": "exact", "raw": "7个", "quality": "uncertain", "doc": doc, "line": 6,
         "note": "indicator not in the codebook"}])
    funds = pd.DataFrame([{"fund_id": f"{stem}-f01", "region": "Sampleland", "sponsor": "示例县", "fund_type": "industry",
                           "n_funds": 1, "status": "new", "currency": "yuan", "total_size": 5e8,
                           "total_size_qualifier": "exact", "total_size_raw": "5亿元", "committed": 2e8,
                           "committed_qualifier": "at_least", "committed_raw": "超2亿元", "as_of": "2025", "doc": doc,
                           "line": 4}])
    projects = pd.DataFrame([{"project_id": f"{stem}-p01", "region": "Sampleland", "table_row": 1, "name_zh": "示例项目",
                              "name_en": "Sample project", "sector": "other", "total_investment": 3e8,
                              "total_investment_qualifier": "exact", "total_investment_raw": "3亿元", "land": 50,
                              "land_unit": "mu", "land_raw": "50亩", "investor_zh": "示例集团", "stage": "land_acquired",
                              "stage_as_of": "2025", "leaders_zh": "张三;李四", "lead_unit_zh": "示例县发改局",
                              "doc": doc, "line": 5}])
    milestones = pd.DataFrame([{"milestone_id": f"{stem}-p01-m01", "project_id": f"{stem}-p01", "planned": "2025-06",
                                "kind": "construction_start", "stage": "construction",
                                "description_en": "Construction starts", "raw": "6月", "doc": doc, "line": 5}])
    tables = {t: empty_table(t) for t in DRAFT_TABLES}
    tables.update(observations=obs, funds=funds, projects=projects, milestones=milestones)
    new = pd.DataFrame([{"indicator": NEW_INDICATOR, "indicator_zh": "示例指标", "unit": "count",
                         "description_en": "Proposed by the extractor from 「示例指标」; check before use"}])
    return Draft(documents, tables, new, {doc: list(lines or SAMPLE_LINES)})


# --- the draft folder -------------------------------------------------------------------------------------

def test_a_draft_with_rows_loads_as_it_is(tmp_path):
    folder = write_draft(sample_draft(), tmp_path / "draft")
    ds = load_dataset(folder)
    assert [len(ds.table(t)) for t in ("documents", *DRAFT_TABLES)] == [1, 2, 1, 0, 1, 1]
    o = ds.observations.set_index("obs_id")
    assert o.loc["sample-o001", "value"] == 1.2e10 and o.loc["sample-o001", "yoy_pct"] == 8.5
    assert o.loc["sample-o002", "indicator"] == NEW_INDICATOR
    assert ds.funds.loc[0, "total_size"] == 5e8 and ds.projects.loc[0, "land"] == 50
    assert ds.milestones.loc[0, "project_id"] == "sample-p01"
    assert ds.observations["line"].tolist() == [2, 6]
    # the new indicator is listed beside the codebook's own
    assert NEW_INDICATOR in set(ds.indicators["indicator"]) and "fixed_asset_investment" in set(ds.indicators["indicator"])
    codebook = pd.read_csv(ROOT / "data" / "default" / "indicators.csv")
    assert len(ds.indicators) == len(codebook) + 1


def test_files_have_exactly_the_sidecar_columns_and_the_text_the_lines_count(tmp_path):
    folder = write_draft(sample_draft(), tmp_path / "draft")
    for t in ("documents", *DRAFT_TABLES, "indicators"):
        header = (folder / f"{t}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == table_meta(t).column_names, t
    text = (folder / "text" / "sample.txt").read_text(encoding="utf-8").split("\n")
    assert text[:-1] == SAMPLE_LINES and text[-1] == ""
    obs = pd.read_csv(folder / "observations.csv", dtype=str)
    assert obs["value"].tolist() == ["12000000000", "7"]  # whole numbers without .0
    for _, r in obs.iterrows():  # each row's raw stands in the line it cites (spaces as the text has them)
        assert r["raw"] in text[int(r["line"]) - 1].replace(" ", "")
    assert (folder / "review.html").is_file()
    marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    assert set(marker["files"]) == {p.relative_to(folder).as_posix() for p in folder.rglob("*")
                                    if p.is_file() and p.name != MARKER}


def test_rerun_over_an_unchanged_draft_replaces_it(tmp_path):
    folder = tmp_path / "draft"
    write_draft(sample_draft(), folder)
    write_draft(sample_draft(doc="other.txt"), folder)
    assert sorted(p.name for p in (folder / "text").iterdir()) == ["other.txt"]
    assert load_dataset(folder).documents["doc"].tolist() == ["other.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft"]  # no temporary folder left beside it


def test_refuses_a_folder_that_is_not_a_draft_and_leaves_it_as_it_was(tmp_path):
    folder = tmp_path / "mydata"
    folder.mkdir()
    (folder / "observations.csv").write_text("my own data\n", encoding="utf-8")
    with pytest.raises(DraftFolderError, match=r"mydata exists and is not a draft"):
        write_draft(sample_draft(), folder)
    assert [p.name for p in folder.iterdir()] == ["observations.csv"]
    assert (folder / "observations.csv").read_text(encoding="utf-8") == "my own data\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mydata"]


def test_refuses_an_edited_draft(tmp_path):
    folder = write_draft(sample_draft(), tmp_path / "draft")
    (folder / "funds.csv").write_text((folder / "funds.csv").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    (folder / "my-notes.txt").write_text("checked lines 1-4", encoding="utf-8")
    with pytest.raises(DraftFolderError, match=r"funds\.csv, my-notes\.txt added or edited"):
        write_draft(sample_draft(), folder)
    assert (folder / "my-notes.txt").read_text(encoding="utf-8") == "checked lines 1-4"


def test_refuses_a_file_and_a_damaged_marker(tmp_path):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(DraftFolderError, match=r"afile is a file, not a folder"):
        write_draft(sample_draft(), tmp_path / "afile")
    folder = write_draft(sample_draft(), tmp_path / "draft")
    (folder / MARKER).write_text("{not json", encoding="utf-8")
    with pytest.raises(DraftFolderError, match=r"could not read it"):
        write_draft(sample_draft(), folder)
    assert (folder / "observations.csv").is_file()


def test_an_empty_folder_is_used(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    write_draft(sample_draft(), folder)
    assert len(load_dataset(folder).observations) == 2


def test_a_draft_of_extract_text_gets_the_documents_defaults(tmp_path):
    from analysis.extract import DocumentInfo, extract_text

    draft = extract_text(SAMPLE_LINES, DocumentInfo(doc="plain.txt", region="Sampleland"))
    ds = load_dataset(write_draft(draft, tmp_path / "draft"))
    row = ds.documents.iloc[0]
    assert (row["doc"], row["title_en"], row["kind"], row["period"], bool(row["damaged"])) == (
        "plain.txt", "plain.txt", "other", "unknown", False)


def test_review_lists_rows_that_cite_no_line(tmp_path):
    draft = sample_draft()
    draft.tables["funds"].loc[0, "line"] = 99  # past the end of the 6-line text
    page = (write_draft(draft, tmp_path / "draft") / "review.html").read_text(encoding="utf-8")
    assert "1 row(s) cite no line of the text" in page and "sample-f01</code> cites sample.txt, line 99" in page


def test_review_marks_figures_no_row_took(tmp_path, monkeypatch):
    import analysis.extract.review as review
    from analysis.extract import Figure

    def figures(line):  # a stand-in for find_figures (synthetic): 1支 on line 4, a damaged 2023家 elsewhere
        out = []
        if "1支" in line:
            i = line.index("1支")
            out.append(Figure(i, i + 2, "1支", "1支", 1.0, "count"))
        if "5亿元" in line:  # the fund row's own figure: marked once, with the row's title
            i = line.index("5亿元")
            out.append(Figure(i, i + 3, "5亿元", "5亿元", 5e8, "yuan"))
        if "2023家" in line:
            i = line.index("2023家")
            out.append(Figure(i, i + 5, "2023家", "2023家", None, "count", quality="damaged", note="2023 artefact"))
        return out

    monkeypatch.setattr(review, "find_figures", figures)
    page = review.render_review(sample_draft(lines=SAMPLE_LINES + ["新投产企业2023家"]))
    assert '<mark class="fig norow" title="figure 1, qualifier exact, level; no row proposed from it">1支</mark>' in page
    assert page.count(">5亿元</mark>") == 1 and 'title="funds sample-f01: size 500,000,000 yuan (5 亿)' in page
    assert 'title="funds sample-f01: committed 200,000,000 yuan (2 亿), qualifier at least, status new">超2亿元</mark>' \
        in page
    assert ('<mark class="fig norow damaged" title="figure (no value), qualifier exact, level; no row proposed from '
            'it; damaged: 2023 artefact">2023家</mark>') in page


def test_review_does_not_mark_a_size_class():
    """亿元以上 after a count noun (签约亿元以上项目25个) is a size class, not an amount: only the count is marked."""
    from analysis.extract.review import render_review

    page = render_review(sample_draft(lines=SAMPLE_LINES + ["签约亿元以上项目25个。"]))
    line = page[page.index('id="doc1-L7"'):]
    text = line[line.index('<span class="rv-t">') + len('<span class="rv-t">'):line.index("</span></p>")]
    assert re.sub(r"<mark [^>]*>(.*?)</mark>", r"[\1]", text) == "签约亿元以上项目[25个]。"


def test_review_shows_codes_as_words():
    from analysis.extract.review import code_words, qualifier_words

    assert [qualifier_words(q) for q in ("at_least", "just_under", "more_than", "exact", "")] == [
        "at least", "just under", "more than", "exact", ""]
    assert code_words("framework_signed") == "framework signed" and code_words("negotiation") == "negotiation"
    assert code_words("industry", "fund_type") == "industry fund"
    assert code_words("construction_start", "kind") == "construction starts"


def test_merge_drafts_keeps_every_row_and_refuses_two_documents_of_one_name():
    merged = merge_drafts([sample_draft("a.txt"), sample_draft("b.txt")])
    assert merged.documents["doc"].tolist() == ["a.txt", "b.txt"]
    assert len(merged.tables["observations"]) == 4 and len(merged.new_indicators) == 1
    assert list(merged.lines) == ["a.txt", "b.txt"]
    with pytest.raises(ValueError, match=r"a\.txt"):
        merge_drafts([sample_draft("a.txt"), sample_draft("a.txt")])


# --- the command ------------------------------------------------------------------------------------------

def _documents(folder: Path) -> list[Path]:
    """Three made-up documents (synthetic): a UTF-8 text, an HTML page and a .docx."""
    import docx

    folder.mkdir(parents=True, exist_ok=True)
    txt = folder / "county-summary.txt"
    txt.write_text("示例县2025年工作总结\n全年完成固定资产投资120亿元，同比增长8.5%。\n", encoding="utf-8")
    page = folder / "city-bulletin.html"
    page.write_text("<html><head><title>示例市统计公报</title></head><body><p>规上工业增加值增长6%</p>"
                    "<script>alert(1)</script></body></html>", encoding="utf-8")
    d = docx.Document()
    d.add_paragraph("示例区招商引资实施方案")
    d.add_paragraph("力争签约亿元以上项目25个。")
    word = folder / "district-plan.docx"
    d.save(word)
    return [txt, page, word]


def test_cli_end_to_end(tmp_path, capsys):
    docs = _documents(tmp_path / "in")
    out = tmp_path / "draft"
    assert main([*map(str, docs), "-o", str(out), "--region", "Sampleland", "--published", "2025-12-31"]) == 0
    printed = capsys.readouterr().out
    assert f"Wrote the draft dataset {out} from 3 document(s)" in printed
    assert "  rows: observations 3 (0 uncertain, 0 damaged), funds 0, equity_stakes 0, projects 0, milestones 0\n" in printed
    obs = load_dataset(out).observations.set_index("doc")
    assert obs.loc["county-summary.txt", "value"] == 12e9 and obs.loc["county-summary.txt", "yoy_pct"] == 8.5
    assert obs.loc["city-bulletin.txt", "yoy_pct"] == 6.0 and obs.loc["district-plan.txt", "status"] == "target"
    assert f"investment-reports -p data_dir={out}" in printed
    ds = load_dataset(out)
    assert ds.documents["doc"].tolist() == ["county-summary.txt", "city-bulletin.txt", "district-plan.txt"]
    assert ds.documents["kind"].tolist() == ["work_summary", "statistics", "plan"]
    assert set(ds.documents["region"]) == {"Sampleland"} and set(ds.documents["period"]) == {"2025"}
    assert (out / "text" / "city-bulletin.txt").read_text(encoding="utf-8") == "规上工业增加值增长6%\n"
    assert (out / "text" / "district-plan.txt").read_text(encoding="utf-8").splitlines()[1] == "力争签约亿元以上项目25个。"
    # rerun over its own draft
    assert main([str(docs[0]), "-o", str(out)]) == 0
    assert load_dataset(out).documents["doc"].tolist() == ["county-summary.txt"]


@pytest.mark.parametrize("published", ["2025", "2025-07", "2024-02-29"])
def test_cli_accepts_year_month_and_day(tmp_path, published):
    doc = tmp_path / "d.txt"
    doc.write_text("示例\n", encoding="utf-8")
    assert main([str(doc), "-o", str(tmp_path / "out"), "--published", published]) == 0
    assert load_dataset(tmp_path / "out").documents.loc[0, "published"] == published


@pytest.mark.parametrize("args, message", [
    (["--published", "2025-13-01"], "expected a date YYYY, YYYY-MM or YYYY-MM-DD"),
    (["--published", "2023-02-29"], "day is out of range"),
    (["--published", "12/2025"], "found '12/2025'"),
    (["--region", " "], "expected the name of a region"),
])
def test_cli_usage_errors_exit_2(tmp_path, capsys, args, message):
    doc = tmp_path / "d.txt"
    doc.write_text("示例\n", encoding="utf-8")
    assert main([str(doc), "-o", str(tmp_path / "out"), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_summary_counts_rows_and_flags(tmp_path, capsys, monkeypatch):
    import analysis.extract.core as core

    monkeypatch.setattr(core, "extract_text", lambda lines, info: sample_draft(info.doc, lines))
    doc = tmp_path / "sample.txt"
    doc.write_text("\n".join(SAMPLE_LINES), encoding="utf-8")
    assert main([str(doc), "-o", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert ("  rows: observations 2 (1 uncertain, 0 damaged), funds 1, equity_stakes 0, projects 1, milestones 1\n"
            in printed)
    assert "  new indicators: 1 " in printed
    assert len(load_dataset(tmp_path / "out").observations) == 2


def test_cli_without_output_folder_exits_2(tmp_path, capsys):
    assert main([str(tmp_path / "d.txt")]) == 2
    assert "-o/--output" in capsys.readouterr().err


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "analysis.extract.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_errors_exit_1_with_one_line_naming_the_file(tmp_path):
    import pypdf

    scan = tmp_path / "scan.pdf"
    w = pypdf.PdfWriter()
    w.add_blank_page(width=100, height=100)
    with open(scan, "wb") as f:
        w.write(f)
    mine = tmp_path / "mydata"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text("示例\n", encoding="utf-8")
    cases = [([str(tmp_path / "absent.txt"), "-o", str(tmp_path / "o1")], "absent.txt: no such file"),
             ([str(scan), "-o", str(tmp_path / "o2")], "scan.pdf: this PDF has no text layer"),
             ([str(good), "-o", str(mine)], "mydata exists and is not a draft"),
             ([str(good), str(good), "-o", str(tmp_path / "o3")], "good.txt")]
    for args, message in cases:
        r = _run(*args, cwd=tmp_path)
        assert r.returncode == 1, (args, r.stdout, r.stderr)
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("investment-extract: error: "), r.stderr
        assert message in r.stderr and "Traceback" not in r.stderr
        assert r.stdout == ""
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    assert not any((tmp_path / o).exists() for o in ("o1", "o2", "o3"))


def test_cli_as_a_process_exit_0_and_2(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("示例县\n投资120亿元\n", encoding="gb18030")
    r = _run(str(good), "-o", "rel-draft", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "warning:" in r.stderr and "GB18030" in r.stderr
    assert f"data_dir={tmp_path / 'rel-draft'}" in r.stdout  # absolute: the runner reads relative paths elsewhere
    assert (tmp_path / "rel-draft" / "text" / "good.txt").read_text(encoding="utf-8") == "示例县\n投资120亿元\n"
    r = _run(str(good), "-o", "x", "--published", "soon", cwd=tmp_path)
    assert r.returncode == 2 and "--published" in r.stderr and "Traceback" not in r.stderr
