"""Study 00 (dataset overview) as library code: golden findings on the embedded dataset and on the synthetic test
region (tests/data/testland: synthetic), expected values counted here from the CSV files with the csv module, and
sentences that stay true on datasets made up in the tests (synthetic): nothing flagged, no observation, no region."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from analysis import config
from analysis.reporting import Report, Table
from analysis.studies import overview
from conftest import SYNTHETIC_ROWS, write_dataset

TESTLAND = Path(__file__).parent / "data" / "testland"
FIGURES = ("observations", "funds", "equity_stakes", "projects", "milestones")


def _rows(folder: Path, table: str) -> list[dict]:
    path = folder / f"{table}.csv"
    if not path.exists():
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [r for r in csv.DictReader(f) if any(v.strip() for v in r.values() if v)]


def _expected(folder: Path) -> dict:
    """The key numbers of the overview, counted from the files by hand (csv module, no pandas)."""
    tables = {t: _rows(folder, t) for t in config.TABLES}
    sizes = {t: len(r) for t, r in tables.items()}
    obs = tables["observations"]
    docs_cited = {r["doc"] for t in FIGURES for r in tables[t]}
    quality = Counter(r["quality"] for r in obs)
    return {"total": sum(sizes.values()), "filled": sum(1 for n in sizes.values() if n), "sizes": sizes,
            "figure_rows": sum(sizes[t] for t in FIGURES), "docs_cited": len(docs_cited),
            "obs": len(obs), "obs_regions": len({r["region"] for r in obs}), "status": Counter(r["status"] for r in obs),
            "damaged": quality["damaged"], "uncertain": quality["uncertain"], "documents": tables["documents"],
            "flagged": [r["obs_id"] for r in obs if r["quality"] != "ok"]}


@pytest.fixture(scope="module", params=["default", "testland"])
def case(request):
    folder = config.DEFAULT_DATA_DIR if request.param == "default" else TESTLAND
    return overview.run(None if request.param == "default" else str(TESTLAND)), _expected(folder)


def test_run_returns_a_report_with_every_section(case):
    report, _ = case
    assert isinstance(report, Report)
    assert [s.id for s in report.sections] == ["tables", "observations", "regions", "quality", "documents"]
    assert 3 <= len(report.key_findings) <= 6


def test_rows_per_table_finding_is_the_count_of_the_files(case):
    report, e = case
    largest = max(e["sizes"], key=e["sizes"].get)
    assert report["tables"].findings[0] == (
        f"The dataset holds **{e['total']:,}** rows in {e['filled']} of its {len(config.TABLES)} tables; the largest "
        f"is {largest.replace('_', ' ')} ({e['sizes'][largest]:,} rows).")
    docs = e["docs_cited"]
    assert report["tables"].findings[1] == (
        f"The dataset holds **{e['figure_rows']:,}** rows of figures from **{docs} document{'s' if docs != 1 else ''}**.")


def test_rows_per_document_table_adds_up(case):
    report, e = case
    per_doc = report["tables"].tables[1].frame
    assert int(per_doc["total"].sum()) == e["figure_rows"]
    assert (per_doc[list(FIGURES)].sum(axis=1) == per_doc["total"]).all()


def test_observations_finding_counts_statuses(case):
    report, e = case
    order = [s for s in ("actual", "target", "plan", "forecast") if e["status"][s]]
    parts = ", ".join(f"{e['status'][s]:,} {s}" for s in order)
    assert report["observations"].findings[0] == (
        f"The dataset has **{e['obs']:,}** observations of {e['obs_regions']} regions: {parts}.")
    by_region = report["observations"].tables[0].frame
    assert int(by_region["total"].sum()) == e["obs"]


def test_quality_finding_counts_flags(case):
    report, e = case
    sec = report["quality"]
    if not e["flagged"]:
        assert sec.findings == ["No observation is flagged as damaged or uncertain."]
        assert sec.tables == [] and report.provenance is None
    else:
        n = len(e["flagged"])
        assert sec.findings[0] == (f"{n} observations are flagged: **{e['damaged']}** damaged (kept with an empty "
                                   f"value, never repaired) and {e['uncertain']} uncertain.")
        assert list(sec.tables[0].frame["obs_id"]) == e["flagged"]
        assert sorted(report.provenance.frame["id"]) == sorted(e["flagged"])  # the appendix the rows link to


def test_documents_finding(case):
    report, e = case
    docs = e["documents"]
    damaged = sum(r["damaged"].strip().lower() in ("true", "1", "yes") for r in docs)
    marked = "none is marked damaged" if damaged == 0 else f"{damaged} of them {'is' if damaged == 1 else 'are'} marked damaged"
    assert report["documents"].findings == [
        f"The dataset lists {len(docs)} source document{'s' if len(docs) != 1 else ''}; {marked}."]


def test_every_table_has_human_headers_caption_and_source(case):
    report, _ = case
    for t in report.tables:
        # the renderer writes "Source: " before the note: a note starting with it read "Source: Source: ..."
        assert isinstance(t, Table) and t.caption and t.source and not t.source.startswith("Source")
        for c in t.columns:
            assert "_" not in c.label and c.label[0].isupper(), c.label
        shown = t.shown()
        assert list(shown.index) == list(range(len(shown)))
        assert not any(v in ("True", "False") for v in shown.to_numpy().ravel())


def test_report_record_names_the_data(case):
    report, _ = case
    assert report.data in ("embedded dataset (data/default)", str(TESTLAND.resolve()), str(TESTLAND))
    assert len(report.fingerprint) == 16
    html = report.to_html()
    assert "Key findings" in html and 'href="#sec-quality"' in html


# --- sentences true of any dataset (synthetic data made here) -------------------------------------------------


def _synthetic(tmp_path, **changes):
    rows = {t: [dict(r) for r in rs] for t, rs in SYNTHETIC_ROWS.items()}
    rows.update(changes)
    return str(write_dataset(tmp_path / "data", rows))


def test_a_damaged_and_an_uncertain_figure_are_counted_and_listed(tmp_path):
    obs = [dict(r) for r in SYNTHETIC_ROWS["observations"]]
    obs[0].update(quality="damaged", value="", raw="2023亿元")  # synthetic damage
    obs[1].update(quality="uncertain")
    report = overview.run(_synthetic(tmp_path, observations=obs))
    assert report["quality"].findings == ["2 observations are flagged: **1** damaged (kept with an empty value, "
                                          "never repaired) and 1 uncertain."]
    assert report["documents"].findings == ["The dataset lists 1 source document; none is marked damaged."]
    assert report["observations"].findings[0] == ("The dataset has **2** observations of 1 region: 1 actual, "
                                                  "1 target.")


def test_a_dataset_without_observations_or_documents_says_so(tmp_path):
    report = overview.run(_synthetic(tmp_path, observations=[], documents=[], funds=[], projects=[], milestones=[]))
    assert report["observations"].findings == ["The dataset has no observations."]
    assert report["documents"].findings == ["This dataset lists no documents."]
    assert report["quality"].findings == ["No observation is flagged as damaged or uncertain."]
    assert report["regions"].findings == ["The dataset names no region."]
    assert report["tables"].findings == ["The dataset holds no rows: all 7 of its tables are empty.",
                                         "No table of figures has a row, so no document is cited."]
    report.to_html()


def test_run_checks_data_dir(tmp_path):
    with pytest.raises(ValueError, match="data_dir"):
        overview.run(str(tmp_path / "nowhere"))
