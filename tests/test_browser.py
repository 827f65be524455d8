"""The reports in a real browser: headless Chromium (Debian's `chromium`, installed by .ci/run) driven by
Playwright opens the index and every report from file:// and checks: no console error, no request outside the
file (no network), every image loaded, Chinese text present, and no script from data runs (the hostile names of
tests/data/xss show as text). Then, as a publication, at 1280 px (a laptop) and 390 px (a phone): nothing wider
than the page, key findings present and linking to sections, every contents link landing on its section, every
table numbered with a CSV download whose values are the table's (a reader's click downloads it; its cells,
written as the column writes them, are the cells shown), and no table outside the report model (a raw pandas
dump). A small synthetic report (tests/report_demo.py) goes through the runner too, and its downloads are
compared with the tables as the library builds them, at full precision. In CI (CI set) a missing browser is a
failure, not a skip."""

import base64
import io
import math
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import runner
from analysis.reporting import Col

TESTS = Path(__file__).parent
XSS = TESTS / "data" / "xss"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium for this test")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    status = runner.run(grid=[{}, {"data_dir": str(XSS)}], reports_dir=out, progress=False, jobs_n=2)
    assert status == 0, (out / "run.log").read_text(encoding="utf-8")
    return out


def _demo_notebook(path: Path) -> None:
    """A study notebook that displays the synthetic report of tests/report_demo.py, as a ported study does."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("# A number (unused; every study has a parameters cell)\nx = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params,
                nbformat.v4.new_code_cell(f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
                                          "from report_demo import demo_report\nreport = demo_report()\n"
                                          "report.front()"),
                nbformat.v4.new_code_cell('report["levels"]'), nbformat.v4.new_code_cell('report["wide"]'),
                nbformat.v4.new_code_cell('report["funds"]'), nbformat.v4.new_code_cell("report.appendix()")]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The synthetic report, published by the runner: (its HTML file, the Report as the library builds it)."""
    studies = tmp_path_factory.mktemp("demo-studies")
    _demo_notebook(studies / "90-demo.ipynb")
    out = tmp_path_factory.mktemp("demo-reports")
    status = runner.run(reports_dir=out, notebooks_dir=studies, progress=False, jobs_n=1)
    assert status == 0, (out / "run.log").read_text(encoding="utf-8")
    sys.path.insert(0, str(TESTS))
    from report_demo import demo_report

    return out / "90-demo.html", demo_report()


def _visit(browser, path: Path):
    page = browser.new_page()
    problems, outside, dialogs = [], [], []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("file://", "data:")) else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_timeout(200)
    broken = page.evaluate("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length")
    n_images = page.evaluate("document.images.length")
    text = page.inner_text("body")
    page.close()
    return {"errors": problems, "outside": outside, "dialogs": dialogs, "broken": broken, "images": n_images, "text": text}


def test_index_and_every_report_open_cleanly(browser, reports):
    pages = [reports / "index.html"] + sorted(p for p in reports.glob("*.html") if p.name != "index.html")
    assert len(pages) >= 3
    for path in pages:
        r = _visit(browser, path)
        assert not r["errors"], f"{path.name}: console errors {r['errors']}"
        assert not r["outside"], f"{path.name}: requests outside the file {r['outside']}"
        assert not r["dialogs"], f"{path.name}: a script from data ran ({r['dialogs']})"
        assert r["broken"] == 0, f"{path.name}: {r['broken']} of {r['images']} images did not load"
        if path.name != "index.html":
            assert re.search(r"[\u4e00-\u9fff]", r["text"]), f"{path.name}: no Chinese text"


def test_hostile_names_show_as_text(browser, reports):
    xss_reports = [p for p in reports.glob("*--*.html")]
    assert xss_reports, "no report was built from tests/data/xss"
    for path in xss_reports:
        r = _visit(browser, path)
        assert "<script>alert(1)</script>" in r["text"], f"{path.name}: the hostile region name is not shown as text"
        assert not r["dialogs"]


# --- reports as publications -------------------------------------------------------------------------------

_TABLES_JS = """() => Array.from(document.querySelectorAll('main table')).map(t => {
  const fig = t.closest('figure.ir-table');
  const link = fig && fig.querySelector('a.ir-csv');
  return {
    inModel: !!fig, id: fig ? fig.id : null,
    caption: fig && fig.querySelector('figcaption') ? fig.querySelector('figcaption').innerText : null,
    heads: Array.from(t.querySelectorAll('thead th')).map(th => Object.assign({label: th.textContent}, th.dataset)),
    rows: Array.from(t.querySelectorAll('tbody tr')).map(tr => Array.from(tr.cells).map(td => td.textContent)),
    href: link ? link.getAttribute('href') : null, download: link ? link.getAttribute('download') : null,
  };
})"""


def _page(browser, path: Path, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    page.goto(path.as_uri(), wait_until="load")
    return page


def _overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def _lands_on_its_section(page, link_index: int, selector: str) -> str | None:
    """Follow the contents link (a click, as a reader would) and say what is wrong, or None."""
    link = page.locator(selector).nth(link_index)
    href = link.get_attribute("href")
    if not href or not href.startswith("#"):
        return f"link {link_index} goes to {href!r}, not to a section of the report"
    page.evaluate("window.scrollTo(0, 0)")
    link.click()
    page.wait_for_timeout(50)
    where = page.evaluate("""(id) => {
      const el = document.getElementById(id);
      if (!el) return null;
      const r = el.getBoundingClientRect();
      const bottom = Math.ceil(window.scrollY + window.innerHeight) >= document.documentElement.scrollHeight - 1;
      return {top: r.top, height: window.innerHeight, bottom: bottom, hash: location.hash, visible: r.height > 0};
    }""", href[1:])
    if where is None:
        return f"{href}: no element has this id"
    if not where["visible"] or where["top"] < -1 or where["top"] > where["height"]:
        return f"{href}: the section is not in view after the click (its top at {where['top']:.0f} px)"
    if where["top"] > 60 and not where["bottom"]:
        return f"{href}: the page did not scroll to the section (its top at {where['top']:.0f} px)"
    return None


def _csv_of(table: dict) -> pd.DataFrame:
    head, payload = table["href"].split(",", 1)
    assert head.startswith("data:text/csv") and head.endswith(";base64"), head
    return pd.read_csv(io.BytesIO(base64.b64decode(payload)), encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)


def _value(text: str, kind: str):
    """A CSV cell read back as the frame held it (numbers as numbers, dates as dates, True/False as booleans)."""
    if text == "":
        return None
    if kind == "bool":
        return {"True": True, "False": False}.get(text, text)
    if kind == "date":
        try:
            return pd.Timestamp(text)
        except ValueError:
            return text  # a date column may hold a period as written ("2022年"): shown as it is
    if kind in ("text", "period"):
        return text
    try:
        return float(text)
    except ValueError:
        return text  # a descriptive cell in a numeric column, shown as it is


def _cells_from_csv(table: dict, csv: pd.DataFrame) -> list[list[str]]:
    """The download's cells written as each column of the shown table says (kind, digits, scale, qualifier and
    unit columns): what the reader sees, computed from the CSV alone."""
    columns = []
    for h in table["heads"]:
        assert h.get("csv") in csv.columns, f"column {h['label']!r}: no column {h.get('csv')!r} in the CSV {list(csv.columns)}"
        col = Col(h.get("key", h["label"]), h["label"], h["kind"], int(h["digits"]) if "digits" in h else None,
                  h.get("unit"), None, h.get("scale"))
        quals = csv[h["qualifier"]].tolist() if "qualifier" in h else None
        units = csv[h["unitColumn"]].tolist() if "unitColumn" in h else None
        columns.append(col.format([_value(v, h["kind"]) for v in csv[h["csv"]]], quals, units))
    return [list(row) for row in zip(*columns)] if columns else []


def _check_report(browser, path: Path, width: int) -> list[str]:
    """Everything wrong with one report at one width, as sentences."""
    page = _page(browser, path, width)
    wrong = []
    scroll, view = _overflow(page)
    if scroll > view:
        wrong.append(f"the page is {scroll} px wide in a {view} px window")
    keys = page.locator("#key-findings li")
    if keys.count() == 0:
        wrong.append("no key findings (#key-findings li)")
    for i in range(keys.count()):
        ref = keys.nth(i).locator("a[href^='#sec-']")
        if ref.count() != 1 or page.locator(f"[id='{ref.get_attribute('href')[1:]}']").count() != 1:
            wrong.append(f"key finding {i + 1} does not link to a section")
    toc = "nav.ir-toc a"
    if page.locator(toc).count() == 0:
        wrong.append("no table of contents (nav.ir-toc)")
    for i in range(page.locator(toc).count()):
        problem = _lands_on_its_section(page, i, toc)
        if problem:
            wrong.append(f"contents: {problem}")
    tables = page.evaluate(_TABLES_JS)
    for t in tables:
        if not t["inModel"]:
            wrong.append(f"a table outside the report model (headers {[h['label'] for h in t['heads']][:4]})")
            continue
        if not re.match(r"Table \d+\.", t["caption"] or ""):
            wrong.append(f"{t['id']}: not numbered ({t['caption']!r})")
        if not t["href"]:
            wrong.append(f"{t['id']}: no CSV download")
            continue
        csv = _csv_of(t)
        if len(csv) != len(t["rows"]):
            wrong.append(f"{t['id']}: the CSV has {len(csv)} rows, the table {len(t['rows'])}")
        elif _cells_from_csv(t, csv) != t["rows"]:
            wrong.append(f"{t['id']}: the CSV's values are not the table's")
    if width == WIDTHS[0] and tables and tables[0]["href"]:  # a reader's click downloads the file (the CSP allows it)
        with page.expect_download() as dl:
            page.locator("a.ir-csv").first.click()
        if Path(dl.value.path()).read_bytes() != base64.b64decode(tables[0]["href"].split(",", 1)[1]):
            wrong.append("the downloaded CSV is not the link's data")
    page.close()
    return wrong


def test_every_report_reads_as_a_publication_at_1280_and_390_px(browser, reports, demo):
    pages = sorted(p for p in reports.glob("*.html") if p.name != "index.html") + [demo[0]]
    wrong = {f"{p.name} at {w} px": _check_report(browser, p, w) for p in pages for w in WIDTHS}
    wrong = {k: v for k, v in wrong.items() if v}
    assert not wrong, "\n".join(f"{k}: {'; '.join(v[:6])}" + (f" (and {len(v) - 6} more)" if len(v) > 6 else "")
                                for k, v in wrong.items())


def test_index_fits_a_phone(browser, reports):
    for width in WIDTHS:
        page = _page(browser, reports / "index.html", width)
        scroll, view = _overflow(page)
        page.close()
        assert scroll <= view, f"index.html at {width} px: the page is {scroll} px wide in a {view} px window"


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def test_demo_downloads_are_the_tables_at_full_precision(browser, demo):
    path, report = demo
    page = _page(browser, path, WIDTHS[0])
    shown = {t["id"]: t for t in page.evaluate(_TABLES_JS)}
    xlsx = page.locator("a.ir-xlsx").get_attribute("href")
    assert page.locator(".report-bar").count() == 1 and page.locator(".report-header").count() == 0, \
        "a report with its own front matter gets the slim bar, not the runner's header"
    page.close()
    for t in report.tables:
        got = _csv_of(shown[f"table-{t.number}"])
        want = t.download_frame()
        assert list(got.columns) == list(want.columns)
        back = pd.read_csv(io.BytesIO(base64.b64decode(shown[f"table-{t.number}"]["href"].split(",", 1)[1])),
                           encoding="utf-8-sig")
        for c in want.columns:
            if pd.api.types.is_float_dtype(want[c]):
                assert all(_same(float(x), float(y)) for x, y in zip(back[c], want[c])), f"table {t.number}, {c}"
            else:
                assert list(got[c]) == [("" if pd.isna(v) else str(v.date()) if isinstance(v, pd.Timestamp) else str(v))
                                        for v in want[c]], f"table {t.number}, {c}"
    book = pd.read_excel(io.BytesIO(base64.b64decode(xlsx.split(",", 1)[1])), sheet_name=None)
    assert list(book) == ["Contents"] + [f"T{t.number}" for t in report.tables]
    # Excel keeps 15 significant digits (the CSV keeps every digit Python writes)
    assert book["T1"]["Total investment (yuan)"].tolist() == pytest.approx(report.tables[0].frame["total"].tolist(),
                                                                         rel=1e-14)


def test_demo_long_table_folds_and_source_links_land(browser, demo):
    path, report = demo
    page = _page(browser, path, WIDTHS[1])
    rows = page.locator("#table-1 tbody tr")
    visible = sum(rows.nth(i).is_visible() for i in range(rows.count()))
    assert (rows.count(), visible) == (len(report.tables[0].frame), 8)
    page.locator("#table-1 .ir-fold-bar label").click()
    assert sum(rows.nth(i).is_visible() for i in range(rows.count())) == rows.count()
    # a source id in a table links to its row of the appendix, which is shown even where the appendix is folded
    last = page.locator("#table-1 tbody tr").last.locator("a[href^='#src-']")
    problem = _lands_on_its_section(page, 0, f"a[href='{last.get_attribute('href')}']")
    page.close()
    assert problem is None, problem


def test_runner_header_stays_for_a_notebook_without_front_matter(browser, reports):
    page = _page(browser, reports / "00-dataset-overview.html", WIDTHS[0])
    has_front = page.locator(".ir-front").count()
    header, bar = page.locator(".report-header").count(), page.locator(".report-bar").count()
    page.close()
    assert (header, bar) == ((0, 1) if has_front else (1, 0))


def test_demo_prints_on_a4_with_every_row(browser, demo):
    path, report = demo
    page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 px per inch
    page.goto(path.as_uri(), wait_until="load")
    page.emulate_media(media="print")
    rows = page.locator("#table-1 tbody tr")
    visible = sum(rows.nth(i).is_visible() for i in range(rows.count()))
    links = page.locator("a.ir-csv").first.is_visible()
    code_toggle = page.locator("label.code-toggle").first.is_visible()
    scroll, view = _overflow(page)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    page.close()
    assert visible == len(report.tables[0].frame), "on paper a folded table shows every row"
    assert not links and not code_toggle, "on paper no download link or code toggle"
    assert scroll <= view, f"on A4 the page is {scroll} px wide ({view} px)"
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert box and [round(float(x)) for x in box.groups()] == [595, 842], "A4 pages: 595 x 842 pt"
