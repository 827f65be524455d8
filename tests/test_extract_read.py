"""Documents to plain-text lines (analysis.extract.read): UTF-8 and GB18030 text, HTML, .docx and PDFs with a text
layer, and extract_file on each. Every document here is synthetic, written by the test (made-up figures)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from analysis.extract import extract_file
from analysis.extract.read import DocumentEncodingWarning, DocumentReadError, guess_kind, read_document

#: A made-up report (synthetic, not from any document).
TEXT = ["示例县2025年政府工作报告", "全年完成固定资产投资120亿元，同比增长8.5%。", "", "签约亿元以上项目25个。"]


def _write(path, text: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    path.write_bytes(text.replace("\n", newline).encode(encoding))


def test_utf8_text_lines_without_breaks(tmp_path):
    p = tmp_path / "report.txt"
    _write(p, "\n".join(TEXT) + "\n")
    r = read_document(p)
    assert r.lines == TEXT
    assert (r.source_format, r.encoding, r.title) == ("txt", "utf-8", TEXT[0])


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_breaks_are_normalised(tmp_path, newline):
    p = tmp_path / "report.md"
    _write(p, "\n".join(TEXT), newline=newline)
    assert read_document(p).lines == TEXT


def test_no_line_break_characters_inside_a_line(tmp_path):
    p = tmp_path / "odd.txt"
    _write(p, "第一页\f第二页\u2028同一行\x85尾\n下一行")
    r = read_document(p)
    assert r.lines == ["第一页 第二页 同一行 尾", "下一行"]
    assert "\n".join(r.lines).splitlines() == r.lines


def test_utf8_with_byte_order_mark(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbf" + "\n".join(TEXT).encode("utf-8"))
    r = read_document(p)
    assert r.lines[0] == TEXT[0] and r.encoding == "utf-8"


def test_gb18030_text_is_read_with_a_warning(tmp_path):
    p = tmp_path / "gbk.txt"
    _write(p, "\n".join(TEXT), encoding="gb18030")
    with pytest.warns(DocumentEncodingWarning, match="gbk.txt.*GB18030"):
        r = read_document(p)
    assert r.lines == TEXT
    assert r.encoding == "gb18030"


def test_undecodable_text_is_refused_naming_the_file(tmp_path):
    p = tmp_path / "broken.txt"
    p.write_bytes("第一行\n".encode("utf-8") + b"\xff\xfe\x80")
    with pytest.raises(DocumentReadError, match=r"broken\.txt.*UTF-8 or GB18030.*line 2"):
        read_document(p)


def test_unknown_suffix_and_missing_file(tmp_path):
    with pytest.raises(DocumentReadError, match=r"report\.doc.*\.docx"):
        read_document(tmp_path / "report.doc")
    with pytest.raises(DocumentReadError, match=r"absent\.txt: no such file"):
        read_document(tmp_path / "absent.txt")


def test_html_text_only_without_script_and_style_with_entities(tmp_path):
    page = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>示例市 统计公报</title>
    <style>p { color: red }</style><script>var x = "120亿元";</script></head>
    <body><h1>示例市统计公报</h1>
    <p>全年完成投资&nbsp;120亿元，增长&#56;.5%，R&amp;D 投入 &lt;5&gt; 亿元<br>第二句在新行。</p>
    <div>一<span>段</span>
    跨行的文字</div>
    <script>document.write("not text")</script>
    <table><tr><th>序号</th><th>项目</th></tr><tr><td>1</td><td>示例项目</td></tr></table>
    <ul><li>甲</li><li>乙</li></ul></body></html>"""
    p = tmp_path / "page.html"
    _write(p, page)
    r = read_document(p)
    assert r.lines == ["示例市统计公报", "全年完成投资 120亿元，增长8.5%，R&D 投入 <5> 亿元", "第二句在新行。",
                       "一段 跨行的文字", "序号 项目", "1 示例项目", "甲", "乙"]
    assert (r.source_format, r.encoding, r.title) == ("html", "utf-8", "示例市 统计公报")
    assert not any("120亿元\";" in x or "not text" in x or "color" in x for x in r.lines)


def test_html_in_a_declared_gbk_charset(tmp_path):
    p = tmp_path / "gbk.htm"
    p.write_bytes('<html><head><meta charset="gbk"></head><body><p>投资增长8.5%</p></body></html>'.encode("gb18030"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a declared charset is no guess: no warning
        r = read_document(p)
    assert r.lines == ["投资增长8.5%"] and r.encoding == "gb18030" and r.title == "投资增长8.5%"


def test_docx_paragraphs_and_table_rows_in_document_order(tmp_path):
    import docx

    d = docx.Document()
    d.core_properties.title = ""
    d.add_paragraph("示例县2025年工作总结")
    d.add_paragraph("全年完成固定资产投资120亿元。")
    table = d.add_table(rows=2, cols=3)
    for i, row in enumerate([["序号", "项目名称", "总投资（亿元）"], ["1", "示例项目", "3"]]):
        for j, text in enumerate(row):
            table.cell(i, j).text = text
    d.add_paragraph("表后的段落。")
    p = tmp_path / "summary.docx"
    d.save(p)
    r = read_document(p)
    assert r.lines == ["示例县2025年工作总结", "全年完成固定资产投资120亿元。", "序号 项目名称 总投资（亿元）",
                       "1 示例项目 3", "表后的段落。"]
    assert (r.source_format, r.encoding, r.title) == ("docx", "docx", "示例县2025年工作总结")


def test_docx_merged_cell_counts_once(tmp_path):
    import docx

    d = docx.Document()
    table = d.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "合并"
    table.cell(0, 2).text = "右"
    p = tmp_path / "merged.docx"
    d.save(p)
    assert read_document(p).lines == ["合并 右"]


def test_a_renamed_file_is_not_a_docx(tmp_path):
    p = tmp_path / "fake.docx"
    p.write_text("plain text", encoding="utf-8")
    with pytest.raises(DocumentReadError, match=r"fake\.docx: expected a Word document"):
        read_document(p)


def _pdf_with_text(path, lines: list[str]) -> None:
    """A one-page PDF with a text layer (matplotlib, TrueType fonts embedded)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with matplotlib.rc_context({"pdf.fonttype": 42}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")  # the text layer needs no glyphs
        with PdfPages(path) as pdf:
            fig = plt.figure(figsize=(5, 2))
            for i, line in enumerate(lines):
                fig.text(0.05, 0.8 - 0.25 * i, line)
            pdf.savefig(fig)
            plt.close(fig)


def test_pdf_text_layer(tmp_path):
    p = tmp_path / "bulletin.pdf"
    _pdf_with_text(p, ["示例市统计公报", "全年完成投资120亿元"])
    r = read_document(p)
    assert r.lines == ["示例市统计公报", "全年完成投资120亿元"]
    assert r.source_format == "pdf" and r.title == "示例市统计公报"


def test_pdf_without_text_needs_ocr(tmp_path):
    import pypdf

    w = pypdf.PdfWriter()
    w.add_blank_page(width=200, height=200)
    p = tmp_path / "scan.pdf"
    with open(p, "wb") as f:
        w.write(f)
    with pytest.raises(DocumentReadError, match=r"scan\.pdf: this PDF has no text layer.*OCR"):
        read_document(p)


def test_damaged_pdf(tmp_path):
    p = tmp_path / "bad.pdf"
    p.write_bytes(b"%PDF-1.4\nnot really")
    with pytest.raises(DocumentReadError, match=r"bad\.pdf"):
        read_document(p)


@pytest.mark.parametrize("title, kind", [
    ("示例市2024年国民经济和社会发展统计公报", "statistics"), ("2025年政府工作报告", "government_work_report"),
    ("示例区2023年工作总结", "work_summary"), ("招大引强实施方案", "plan"), ("2022年重大项目推进计划", "plan"),
    ("项目推进责任分解表", "plan"), ("示例集团发展纪实", "other")])
def test_kind_from_title(title, kind):
    assert guess_kind(title) == kind


def test_extract_file_names_the_plain_text_and_fills_the_documents_row(tmp_path):
    p = tmp_path / "county-report.html"
    _write(p, "<html><head><title>示例县2025年政府工作报告</title></head><body><p>全年投资120亿元</p></body></html>")
    draft = extract_file(p, region="Sampleland", published="2025-12")
    assert list(draft.lines) == ["county-report.txt"]
    assert draft.lines["county-report.txt"] == ["全年投资120亿元"]
    row = draft.documents.iloc[0]
    assert (row["doc"], row["kind"], row["region"], row["published"], row["period"]) == (
        "county-report.txt", "government_work_report", "Sampleland", "2025-12", "2025")
    assert row["title_en"] == "示例县2025年政府工作报告" and "county-report.html (html, utf-8)" in row["note"]
    assert not row["damaged"]


def test_extract_file_unknown_date_and_region(tmp_path):
    p = tmp_path / "note.txt"
    _write(p, "一份说明\n")
    row = extract_file(p).documents.iloc[0]
    assert (row["region"], row["published"], row["period"], row["kind"]) == ("unknown", None, "unknown", "other")
    assert pd.isna(row["publisher"])
