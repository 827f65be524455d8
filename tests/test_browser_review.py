"""review.html in a real browser: headless Chromium (Debian's `chromium`) driven by Playwright opens the review page
of a hand-built draft (synthetic rows; tests/test_extract_cli.py) from file:// and checks: no console error, no
request outside the file, no script from the document runs (a hostile line and note show as text), each figure
a row cites is a <mark> whose title gives value, unit, qualifier and status, the uncertain row is flagged, each
row shows its labelled fields (a fund's sponsor, type, number, status; a project's investor, lead unit, leaders,
stage and stage as-of) and its labelled figures with their qualifiers in words, no code, label or quality word is
broken across lines, the summary counts the rows and stands apart from the next line, the filter hides the lines without figures, and nothing is wider than the page at 1280 px
(a laptop) and 390 px (a phone). In CI (CI set) a missing browser is a failure, not a skip."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_browser import browser  # noqa: E402,F401 - the headless Chromium fixture (fails in CI when absent)
from test_extract_cli import SAMPLE_LINES, sample_draft  # noqa: E402

from analysis.extract.draft import write_draft  # noqa: E402

HOSTILE = '<script>alert("line")</script><img src=x onerror=alert(2)>'
#: The synthetic document, with a hostile line and a very long unbroken one (it must wrap, not widen the page).
LINES = SAMPLE_LINES + [HOSTILE, "长" * 40 + "A" * 300]


@pytest.fixture(scope="module")
def review(tmp_path_factory) -> Path:
    folder = write_draft(sample_draft(lines=LINES, note='<b onmouseover="alert(3)">synthetic</b>'),
                         tmp_path_factory.mktemp("review") / "draft")
    return folder / "review.html"


def _open(browser, path: Path, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    events = {"errors": [], "outside": [], "dialogs": []}
    page.on("console", lambda m: events["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("request", lambda r: events["outside"].append(r.url) if not r.url.startswith(("file://", "data:")) else None)
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(100)
    return page, events


def test_review_opens_cleanly_and_shows_hostile_text_as_text(browser, review):
    page, events = _open(browser, review, 1280)
    text = page.inner_text("body")
    assert HOSTILE in text and '<b onmouseover="alert(3)">synthetic</b>' in text
    assert page.evaluate("document.querySelectorAll('main script, main img, main b').length") == 0
    page.close()
    assert not events["errors"] and not events["outside"] and not events["dialogs"], events


def test_marks_give_value_unit_qualifier_and_status(browser, review):
    page, _ = _open(browser, review, 1280)
    marks = page.evaluate("""Array.from(document.querySelectorAll('mark')).map(m => ({
        line: m.closest('.rv-line').id, text: m.textContent, title: m.title, cls: m.className}))""")
    page.close()
    by_text = {m["text"]: m for m in marks}
    assert set(by_text) >= {"120 亿元", "增长8.5%", "5亿元", "超2亿元", "3 亿元", "50 亩", "6月", "7 个"}
    fai = by_text["120 亿元"]
    assert fai["line"] == "doc1-L2"
    assert fai["title"] == ("observations sample-o001: level 12,000,000,000 yuan (120 亿), qualifier exact, "
                            "status actual")
    assert by_text["增长8.5%"]["title"].startswith("observations sample-o001: growth 8.5 %, qualifier exact")
    assert by_text["超2亿元"]["title"].startswith("funds sample-f01: committed 200,000,000 yuan (2 亿), qualifier at least")
    assert "uncertain" in by_text["7 个"]["cls"] and "uncertain: indicator not in the codebook" in by_text["7 个"]["title"]
    assert by_text["50 亩"]["title"].startswith("projects sample-p01: land 50 mu")
    assert by_text["6月"]["title"].startswith("milestones sample-p01-m01:") and "status construction" in by_text["6月"]["title"]


_ROWS = """Array.from(document.querySelectorAll('tr.rv-row')).map(tr => ({
    line: tr.closest('.rv-line').id, id: tr.dataset.id, cls: tr.className,
    cells: Array.from(tr.cells).map(td => td.innerText.replace(/\u00a0/g, ' ').trim()),
    fields: Object.fromEntries(Array.from(tr.querySelectorAll('.rv-f'))
        .map(f => [f.dataset.field, f.querySelector('.rv-v').innerText])),
    figures: Object.fromEntries(Array.from(tr.querySelectorAll('.rv-fig'))
        .map(f => [f.dataset.field, f.querySelector('.rv-v').innerText]))}))"""


def test_rows_under_their_line_and_the_summary(browser, review):
    page, _ = _open(browser, review, 1280)
    rows = page.evaluate(_ROWS)
    counts = page.evaluate("""Object.fromEntries(Array.from(document.querySelectorAll('.rv-counts td'))
        .map(td => [td.dataset.label, td.textContent]))""")
    new = page.inner_text(".rv-new")
    gap = page.evaluate("""document.querySelector('.rv-new').previousElementSibling.getBoundingClientRect().top
        - document.querySelector('.rv-counts').getBoundingClientRect().bottom""")
    page.close()
    assert [(r["line"], r["id"]) for r in rows] == [
        ("doc1-L2", "sample-o001"), ("doc1-L4", "sample-f01"), ("doc1-L5", "sample-p01"),
        ("doc1-L5", "sample-p01-m01"), ("doc1-L6", "sample-o002")]
    obs, fund, project, milestone = rows[:4]
    assert obs["cells"][:4] == [
        "observations sample-o001",
        "indicator fixed_asset_investment (固定资产投资) · measure flow · status actual · period 2025",
        "level 12,000,000,000 yuan (120 亿), exact 「120亿元」\ngrowth 8.5 %, exact 「增长8.5%」", "ok"]
    assert fund["fields"] == {"sponsor": "示例县", "fund type": "industry fund", "funds": "1", "status": "new",
                              "as of": "2025"}
    assert fund["figures"] == {"size": "500,000,000 yuan (5 亿), exact",
                               "committed": "200,000,000 yuan (2 亿), at least"}
    assert project["fields"] == {"project": "示例项目", "investor": "示例集团", "lead unit": "示例县发改局",
                                 "leaders": "张三;李四", "stage": "land acquired", "stage as of": "2025"}
    assert project["figures"] == {"investment": "300,000,000 yuan (3 亿), exact", "land": "50 mu"}
    assert milestone["fields"] == {"planned": "2025-06", "kind": "construction starts", "stage": "construction",
                                   "of project": "sample-p01"}
    assert milestone["cells"][2] == "planned as written 「6月」"
    assert "uncertain" in rows[-1]["cls"] and rows[-1]["fields"]["measure"] == "stock"
    assert counts == {"observations": "2", "funds": "1", "equity_stakes": "0", "projects": "1", "milestones": "1",
                      "uncertain": "1", "damaged": "0"}
    assert "new_0a1b2c" in new and "示例指标" in new
    assert gap >= 8, f"the new-indicator line stands {gap} px under the summary table"


@pytest.mark.parametrize("width", [1280, 390])
def test_codes_and_words_never_break_inside(browser, review, width):
    """A cell wraps at spaces only: 'uncertain' stays on one line, and so does every code, label and qualifier."""
    page, _ = _open(browser, review, width)
    q = page.evaluate("""(() => { const s = document.querySelector('tr.uncertain .rv-q');
        return [s.textContent, s.getClientRects().length, s.getBoundingClientRect().height,
                parseFloat(getComputedStyle(s).lineHeight) || 1.5 * parseFloat(getComputedStyle(s).fontSize)]; })()""")
    broken = page.evaluate("""Array.from(document.querySelectorAll('.rv-rows code, .rv-rows .rv-k, .rv-rows .rv-l'))
        .filter(e => e.getClientRects().length > 1).map(e => e.textContent)""")
    page.close()
    text, boxes, height, line_height = q
    assert text == "uncertain" and boxes == 1 and height < 1.5 * line_height, q
    assert not broken, f"{width} px: broken across lines: {broken}"


def test_filter_shows_only_lines_with_figures(browser, review):
    page, _ = _open(browser, review, 1280)
    visible = "Array.from(document.querySelectorAll('.rv-line')).filter(l => l.offsetParent !== null).length"
    assert page.evaluate(visible) == len(LINES)
    page.click("label[for=only-figures]")
    assert page.evaluate(visible) == 4  # lines 2, 4, 5 and 6
    page.click("label[for=only-figures]")
    assert page.evaluate(visible) == len(LINES)
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_nothing_wider_than_the_page(browser, review, width):
    page, events = _open(browser, review, width)
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    wide = page.evaluate("""Array.from(document.querySelectorAll('main *')).filter(e =>
        e.getBoundingClientRect().right > window.innerWidth + 1).map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    page.close()
    assert scroll <= inner, f"{width} px: the page is {scroll} px wide; too wide: {wide}"
    assert not wide, f"{width} px: elements wider than the page: {wide}"
    assert not events["errors"], events
