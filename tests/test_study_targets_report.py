"""The report of study 03 (analysis.studies.targets.run): golden findings, parameter checks, table hygiene.

Golden values on the embedded dataset are computed by hand from the source documents (document and line beside
each); those on the synthetic Testland region (tests/data/testland: synthetic, made for tests, describing no real
place) by hand from its CSV files, the arithmetic written out beside each.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import config
from analysis.reporting import Figure, Report, Table
from analysis.studies import targets as t3

TESTLAND = Path(__file__).parent / "data" / "testland"


@pytest.fixture(scope="module")
def embedded() -> Report:
    return t3.run()


@pytest.fixture(scope="module")
def testland() -> Report:
    # synthetic Testland with its table of actual dates, assessed at the middle of 2023
    return t3.run(data_dir=str(TESTLAND), actual_dates=str(TESTLAND / "actual_dates.csv"), as_of="2023-06-30")


def _keys(report: Report) -> list[str]:
    return [k for k, _ in report.key_findings]


# ---------------------------------------------------------------------------------------------------------
# golden findings: embedded dataset
# ---------------------------------------------------------------------------------------------------------
def test_key_findings_embedded(embedded):
    keys = _keys(embedded)
    assert 3 <= len(keys) <= 6
    # Document 003 line 19 (Linhai 2022: 3 targets) and document 002 (Yiwu 2021: 5 targets) report no outcome;
    # document 004 lines 18-25: 15 next-year goals whose year cannot be read
    assert keys[0] == ("Targets with a level and a readable period: **8**: **0** with an actual for the same period, "
                       "**0** with only an actual to date for part of the period (section 2 sets these against time "
                       "progress), **8** with no actual in the data. Targets whose period cannot be read: **15**. "
                       "Actuals of a targeted indicator for a period without a target of its own: **0**.")
    # Document 001 line 31: 全年计划新增贷款100亿元 … 一季度已放款51.7亿元: 51.7 / 100 = 51.7 %; 3 / 12 = 25 %
    assert keys[1] == ("**Taizhou**: 放款 51.7亿元 in 2022Q1 (to 2022-03-31) against a 2022 plan of 100亿元 (新增贷款): "
                       "attainment **51.7 %**; time progress **25.0 %** (months 3/12), so the actual is **ahead of "
                       "time progress by 26.7 pp (超序时进度26.7个百分点)**.")
    # Document 004: 2 / 6 - 1 = -66.67 % (标准厂房企业投产), 7.6 / 7.2 - 1 = +5.56 % (政府性投入), 12 / 13.55 - 1 =
    # -11.44 %, 600 / 1696 - 1 = -64.62 %: three of four below this year's actual
    assert keys[2] == ("Of 4 next year's target(s) set beside this year's actual, **3** lie below it; ambition ranges "
                       "from -66.67 % to +5.56 %.")
    assert keys[3].startswith("What the plan alone says as of 2022-06-30: of 51 milestones, **13** had their "
                              "deadline before it, **11** were in their planned window")


def test_milestone_and_heatmap_findings_embedded(embedded):
    ms = pd.read_csv(config.DEFAULT_DATA_DIR / "milestones.csv", dtype=str)
    pr = pd.read_csv(config.DEFAULT_DATA_DIR / "projects.csv", dtype=str)
    linhai = ms[ms["project_id"].isin(pr.loc[pr["region"] == "Linhai", "project_id"])]
    assert len(linhai) == 51  # every milestone of the embedded data belongs to Linhai's table (document 003)
    # windows: a single month "2022-MM" or a range "2022-MM/2022-NN"; as of 2022-06-30 a window ending in May or
    # earlier has passed, one containing June 30 is open, one starting in July or later is not yet due
    first = linhai["planned"].str[:7]
    last = linhai["planned"].str[-7:]
    passed, later = int((last < "2022-06").sum()), int((first > "2022-06").sum())
    assert f"**{passed}** had their deadline before it" in embedded["milestones"].findings[-1]
    assert f"**{later}** were not yet due" in embedded["milestones"].findings[-1]
    assert (passed, len(linhai) - passed - later, later) == (13, 11, 27)
    # heat map: every stated total investment of projects.csv; the largest cell is new_materials under
    # 台州湾经济技术开发区 (1000亿元 + 100亿元)
    total = pd.to_numeric(pr["total_investment"]).sum() / 1e8
    assert total == pytest.approx(1600.27)
    assert embedded["heatmap"].findings[0] == (
        "15 projects state a total investment, 1600.27亿元 in all. The largest cell is new_materials × 台州湾经济技术开发区 "
        f"with 1100亿元 ({1100 / total * 100:.1f} % of the total); the largest single project, 台州湾新材料产业园项目, plans "
        "1000亿元 on its own.")


# ---------------------------------------------------------------------------------------------------------
# golden findings: synthetic Testland
# ---------------------------------------------------------------------------------------------------------
def test_attainment_findings_testland(testland):
    f = testland["attainment"].findings
    # targets 2023: 固定资产投资 20亿元 (t-o06) vs 21亿元 (t-o04); 工业性投入 8亿元 (t-o07) vs 7亿元 (t-o08);
    # 签约亿元以上项目 10个 (t-o13) vs 12个 (t-o14); 2024 固定资产投资 24亿元 (t-o05) has no actual; the 2022 actuals
    # t-o01 and t-o03 have no target of their own year
    assert f[0].startswith("Targets with a level and a readable period: **4**: **3** with an actual for the same "
                           "period, **0** with only an actual to date")
    assert f[0].endswith("without a target of its own: **2**.")
    assert f[1:4] == [
        "Testland 固定资产投资 2023: actual 21亿元 against a target of 20亿元: attainment **105.0 %**, target met.",  # 21/20
        "Testland 工业性投入 2023: actual 7亿元 against a target of 8亿元: attainment **87.5 %**, target not met.",  # 7/8
        "Testland 签约亿元以上项目 2023: actual 12个 against a target of 10个: attainment **120.0 %**, target met."]
    assert f[4].startswith("**Testland, 2024**: a target of 固定资产投资 (fixed_asset_investment) 24亿元.")
    table = testland["attainment"].tables[0]
    assert table.download_frame()["Attainment (%)"].tolist() == pytest.approx([105.0, 87.5, 120.0])


def test_pace_and_ambition_findings_testland(testland):
    # plan 50亿元 of new loans (t-o11), 15亿元 disbursed in 2023Q1 (t-o12): 15 / 50 = 30 %, 3 / 12 = 25 %, +5 pp;
    # linear projection 15 / 0.25 = 60亿元 = 120 % of the plan; on 2023-06-30, 181 of 365 days = 49.6 %
    f = testland["pace"].findings
    assert "attainment **30.0 %**; time progress **25.0 %** (months 3/12)" in f[0]
    assert "ahead of time progress by 5.0 pp" in f[0]
    assert f[2].startswith("On the as-of date 2023-06-30, 49.6 % of 2023 had elapsed (181 of 365 days).")
    assert f[3].startswith("A linear projection of the 2023Q1 figure to the end of 2023 gives **60亿元** (120.0 % of "
                           "the plan)")
    assert testland["pace"].tables[0].frame["linear_year_end"].iloc[0] == pytest.approx(15e8 / 0.25)
    # 20/18 - 1 = +11.11 %, 24/21 - 1 = +14.29 %, 8/6 - 1 = +33.33 %
    a = testland["ambition"].findings
    assert a[0] == ("Of 3 next year's target(s) set beside this year's actual, **0** lie below it; ambition ranges "
                    "from +11.11 % to +33.33 %.")
    assert "ambition **+14.29 %**." in a[2]


def test_milestone_findings_testland(testland):
    # as of 2023-06-30 (actual_dates.csv): t-p01-m01 (2023-03) done 03-20 and t-p03-m01 (2023-02) done 02-10: done
    # on time; t-p01-m02 (2023-05) reached 07-15, after the as-of date: late, 30 days past May 31; t-p02-m01
    # (2023-04/2023-06): in its window; the other three fall due later. Snail needs more than 30 days: none; red
    # flag: t-p03 only (its one due milestone done on time)
    f = testland["milestones"].findings
    assert f[1] == ("As of 2023-06-30: **2** done on time, **0** done late, **1** late (not done, deadline passed), "
                    "**1** due (in their window), **3** not yet due.")
    assert f[2].endswith("**1** red flag (红旗), **0** snail (蜗牛), **2** neither.")
    assert f[1] in _keys(testland)
    flags = testland["milestones"].tables[1].frame.set_index("project_id")["flag"]
    assert flags.to_dict() == {"t-p03": "red_flag", "t-p01": "neutral", "t-p02": "neutral"}
    # a stricter rating (snail beyond 29 days) makes t-p01 a snail
    strict = t3.run(data_dir=str(TESTLAND), actual_dates=str(TESTLAND / "actual_dates.csv"), as_of="2023-06-30",
                    snail_days=29)
    assert strict["milestones"].findings[2].endswith("**1** red flag (红旗), **1** snail (蜗牛), **1** neither.")


def test_funnel_heatmap_checks_findings_testland(testland):
    # stages: t-p01 signed, t-p02 negotiation, t-p03 construction
    assert testland["funnel"].findings[-1] == ("Of the 3 projects with a known stage, 2 had reached signing (签约) or "
                                               "beyond, 1 construction (开工) or beyond and 0 production (投产) or beyond.")
    # 100 + 20 + 8 = 128亿元; new_materials × 开发区 = 100 / 128 = 78.1 %
    assert testland["heatmap"].findings[0] == (
        "3 projects state a total investment, 128亿元 in all. The largest cell is new_materials × 开发区 with 100亿元 "
        "(78.1 % of the total); the largest single project, 测试新材料产业园, plans 100亿元 on its own.")
    # ratios 21/20 = 1.05, 7/8 = 0.875, 12/10 = 1.2: only 1.05 within ±10 % of 1; two pairs in yuan, one in counts
    c = testland["checks"].findings
    assert "the data give n = 3 pair(s) in all and 2 in the most common unit (yuan)" in c[0]
    assert c[1].startswith("Bunching of actual / target near 1 (within ±10 %): 1 of 3 ratio(s) in the window, 1 at or "
                           "above 1, 0 below; one-sided p = 0.500.")


# ---------------------------------------------------------------------------------------------------------
# any region's data: a region without data, a region with nothing but projects
# ---------------------------------------------------------------------------------------------------------
def test_region_without_data_shows_no_other_regions_rows(nowhere_data):
    # synthetic: a copy of Testland whose regions table names "Nowhere", which no observation or project names.
    # The notebook before this change said "Regions studied: none" and then showed Testland's targets.
    data = nowhere_data
    r = t3.run(data_dir=str(data), regions="nowhere")
    assert "Regions studied: none. No data for region(s) Nowhere" in r.intro
    assert all(t.empty for t in r.tables), [t.caption for t in r.tables if not t.empty]
    assert not any(s.figures for s in r.sections)
    assert "Testland" not in "\n".join(f for s in r.sections for f in s.findings)
    assert r["attainment"].findings == ["No target with a level is recorded for the regions and period studied, so "
                                        "there is nothing to pair."]
    assert 3 <= len(_keys(r)) <= 6


def test_no_as_of_and_no_milestones(tmp_path):
    r = t3.run(data_dir=str(TESTLAND), as_of=None)
    assert r["milestones"].findings == ["No as-of date was given, so no milestone can be assessed."]
    assert r["milestones"].key == r["milestones"].findings
    late = t3.run(data_dir=str(TESTLAND), as_of="2024-03-01")
    assert late["milestones"].findings[0] == ("The as-of date 2024-03-01 comes after the last planned deadline "
                                              "(2023-12-31): every milestone is due.")


# ---------------------------------------------------------------------------------------------------------
# parameters are checked by the library
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [-1, True, "30", float("nan"), float("inf"), None])
def test_snail_days_checked(bad):
    with pytest.raises(ValueError, match="parameter snail_days: expected a non-negative number of days"):
        t3.run(snail_days=bad)


def test_parameters_checked():
    with pytest.raises(ValueError, match="parameter as_of"):
        t3.run(as_of="mid-2022")
    with pytest.raises(ValueError, match="parameter period"):
        t3.run(period="next year")
    with pytest.raises(ValueError, match="no region 'Atlantis'"):
        t3.run(regions="Atlantis")
    assert t3.check_snail_days(0) == 0.0


# ---------------------------------------------------------------------------------------------------------
# tables and figures as a publication shows them
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["embedded", "testland"])
def test_tables_have_human_headers_sources_and_no_raw_values(which, request):
    report: Report = request.getfixturevalue(which)
    assert report.provenance is not None and not report.provenance.empty
    for t in report.tables:
        assert isinstance(t, Table) and t.caption and t.source, t.caption
        for c in t.columns:
            assert not re.search(r"[a-z]+_[a-z]+", c.label), (t.caption, c.label)  # no snake_case header
        shown = t.shown()
        cells = shown.to_numpy().ravel().tolist()
        assert not {"nan", "NaN", "None", "True", "False", "<NA>", "NaT"} & set(cells), t.caption
        assert not [x for x in cells if re.search(r"\d\.\d{4,}", x)], t.caption  # no unrounded float
        if not t.empty:  # no column that is empty in every row
            assert not [c for c in shown.columns if shown[c].eq("").all()], t.caption
    for s in report.sections:
        for f in s.figures:
            assert isinstance(f, Figure) and f.alt and f.caption


def test_report_ids_and_record(embedded):
    assert [s.id for s in embedded.sections] == ["attainment", "pace", "ambition", "projects", "milestones", "funnel",
                                                 "heatmap", "checks"]
    assert embedded.data == "embedded dataset (data/default)" and len(embedded.fingerprint) == 16
    assert embedded.parameters["snail_days"] == 30
    # the long table of milestones due is the full table after a compact summary by lead unit
    summary, full = embedded["milestones"].tables
    assert len(summary.frame) < 15 < len(full.frame)
    assert summary.frame["total"].sum() == len(embedded["milestones"].tables[1].frame) + 27  # 24 due + 27 later


def test_notebook_is_thin():
    nb = nbformat.read(config.NOTEBOOKS_DIR / "03-target-versus-actual.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    for c in code:
        lines = [x for x in c.source.splitlines() if x.strip()]
        assert len(lines) <= 10
        assert not re.search(r"^\s*(for|if|elif|else|while|def|try)\b", c.source, re.M), c.source
    shown = [c.source.strip() for c in code[1:]]
    assert shown == [f'report["{s}"]' for s in ("attainment", "pace", "ambition", "projects", "milestones",
                                                 "funnel", "heatmap", "checks")] + ["report.appendix()"]


@pytest.mark.parametrize("which", ["embedded", "testland"])
def test_table_ids_are_shown_and_in_the_appendix(which, request):
    report: Report = request.getfixturevalue(which)
    sources = set(report.provenance.frame["id"])
    with_ids = [t for t in report.tables if t.ids]
    assert with_ids
    for t in with_ids:
        assert t.ids in [c.key for c in t.columns], t.caption  # shown, so that each row links to its source
        assert set(t.frame[t.ids].dropna()) <= sources, t.caption


# ---------------------------------------------------------------------------------------------------------
# sentences true of other data: synthetic datasets made here (Synthland: synthetic, no real place)
# ---------------------------------------------------------------------------------------------------------
DOC = "synthetic.txt"  # synthetic


def _synthetic(tmp_path, observations=(), projects=(), milestones=()):
    from conftest import write_dataset

    rows = {"documents": [{"doc": DOC, "title_en": "synthetic", "kind": "work_summary", "publisher": "tests",
                           "published": "2023", "period": "2023", "region": "Synthland", "damaged": "false",
                           "note": "synthetic"}],
            "observations": list(observations), "projects": list(projects), "milestones": list(milestones)}
    return write_dataset(tmp_path / "synth", rows)


def _obs(i, period, indicator, status, value, unit, raw, q="exact"):
    return {"obs_id": f"s-o{i:02d}", "region": "Synthland", "period": period, "measure": "flow",
            "indicator": indicator, "indicator_zh": indicator, "status": status, "value": value, "unit": unit,
            "qualifier": q, "raw": raw, "quality": "ok", "doc": DOC, "line": str(i)}


def test_observations_only_usd_target(tmp_path):
    # synthetic: a USD target of 8000万美元 with an actual of "超5640万美元" for 1-9月 and no project at all;
    # 5640 / 8000 = 70.5 %, 9 / 12 = 75 %: behind by 4.5 pp; linear projection 5640 / 0.75 = 7520万美元
    folder = _synthetic(tmp_path, [_obs(1, "2023", "fdi_utilised", "target", "80000000", "usd", "8000万美元"),
                                   _obs(2, "2023-01/2023-09", "fdi_utilised", "actual", "56400000", "usd",
                                        "超5640万美元", q="at_least")])
    r = t3.run(data_dir=str(folder), as_of="2023-10-31")
    assert r["pace"].findings[0] == (
        "**Synthland**: fdi_utilised at least 5640万美元 in 2023-01/2023-09 (to 2023-09-30) against a 2023 target of "
        "8000万美元 (fdi_utilised): attainment **70.5 %** (at least); time progress **75.0 %** (months 9/12), so the "
        "actual is **behind time progress by 4.5 pp (落后序时进度4.5个百分点)**.")
    assert "gives **7520万美元** (94.0 % of the target)" in r["pace"].findings[-1]
    assert r["pace"].tables[0].shown()["Linear year-end projection (unit of the row)"].tolist() == ["7520万美元"]
    assert r["projects"].findings == ["No responsibility table of projects is recorded for the regions studied.",
                                      "No planned milestones are recorded for the projects of the regions studied."]
    assert r["funnel"].findings == ["No projects are recorded for the regions studied."]
    assert r["heatmap"].findings == ["No project with a stated total investment is recorded for the regions "
                                     "studied."]
    assert r["ambition"].findings[0].startswith("No target is recorded beside an actual of the year before")
    assert 3 <= len(_keys(r)) <= 6


def test_projects_without_amounts_or_stages(tmp_path):
    # synthetic: two projects of a responsibility table, no amount, one of unknown stage, one milestone each
    projects = [{"project_id": f"s-p{i}", "region": "Synthland", "table_row": str(i), "name_zh": f"项目{i}",
                 "name_en": f"Project {i}", "sector": "other", "stage": stage, "stage_as_of": "2023-01", "lead_unit_zh": None,
                 "doc": DOC, "line": str(10 + i)} for i, stage in ((1, "signed"), (2, "unknown"))]
    milestones = [{"milestone_id": f"s-p{i}-m1", "project_id": f"s-p{i}", "planned": "2023-05", "kind": "signed",
                   "description_en": "signed", "doc": DOC, "line": str(20 + i)} for i in (1, 2)]
    milestones.append({"milestone_id": "s-p2-m2", "project_id": "s-p2", "planned": "unknown", "kind": "other",
                       "description_en": "month illegible", "doc": DOC, "line": "23"})
    folder = _synthetic(tmp_path, [_obs(1, "2023", "x", "actual", "1", "count", "1个")], projects, milestones)
    r = t3.run(data_dir=str(folder), as_of="2023-06-30")
    assert r["projects"].findings[0] == ("**Synthland**: 2 row(s) recorded. 0 row(s) have no milestones in the record "
                                         "and 2 no lead unit; nothing missing is filled in.")
    assert r["milestones"].findings[-1] == ("What the plan alone says as of 2023-06-30: of 3 milestones, **2** had "
                                            "their deadline before it, **0** were in their planned window on that "
                                            "date and **0** were not yet due. **1** have no readable month.")
    assert r["projects"].findings[-2:] == ["1 milestone(s) have no readable month and are left out of the chart.",
                                           "3 milestones of 2 projects, planned from 2023-05 to 2023-05."]
    assert r["funnel"].findings[0] == ("2 projects; 1 with a known stage in the funnel; **1** of unknown stage "
                                       "counted separately (s-p2).")
    assert r["heatmap"].findings[0].startswith("No project with a stated total investment")


def test_selected_data_prints_a_short_summary():
    import analysis

    d = t3.select(analysis.load_dataset(TESTLAND), ["Testland"], as_of="2023-06-30")
    text = repr(d)
    assert len(text.splitlines()) == 3 and "DataFrame" not in text and "regions Testland" in text
    # Testland's 2023 and 2024 targets (t-o05, t-o06, t-o07, t-o13) and two 2022 actuals without a target of their
    # own (t-o01, t-o03); three projects with 7 milestones
    assert "target-actual pairs: 6" in text and "milestones: 7" in text
