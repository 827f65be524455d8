"""The reports in a real browser: headless Chromium (Debian's `chromium`, installed by .ci/run) driven by
Playwright opens the index and every report from file:// and checks: no console error, no request outside the
file (no network), every image loaded, Chinese text present, and no script from data runs (the hostile names of
tests/data/xss show as text). In CI (CI set) a missing browser is a failure, not a skip."""

import os
import re
import shutil
from pathlib import Path

import pytest

from analysis import runner

XSS = Path(__file__).parent / "data" / "xss"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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
