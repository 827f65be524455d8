"""Projects and milestones from flattened project tables (analysis.extract.projects).

Golden tests read the Linhai responsibility table in seed document 003 (../shared/seeds or ANALYSIS_SEEDS_DIR;
skipped with the reason when absent, via the ``seeds_dir`` fixture) and compare with the hand-curated
data/default/projects.csv and milestones.csv. The synthetic tables are written in the tests and say so.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from analysis import load_dataset
from analysis.extract.core import DocumentInfo
from analysis.extract.projects import find_header, milestones_from_text, projects_from_lines
from analysis.units import parse_quantity
from test_extract_funds import write_folder  # the tests folder is on sys.path under pytest

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "default"
DOC = "003_a07d5e58f742e788.txt"
FIELDS = ["table_row", "name_zh", "sector", "total_investment", "total_investment_raw", "land", "land_unit",
          "land_raw", "investor_zh", "stage", "leaders_zh", "lead_unit_zh", "line"]


@pytest.fixture(scope="module")
def linhai(seeds_dir):
    lines = (seeds_dir / DOC).read_text(encoding="utf-8").splitlines()
    return (lines, *projects_from_lines(lines, DocumentInfo(DOC, "Linhai", "2022")))


@pytest.fixture(scope="module")
def curated():
    projects = pd.read_csv(DEFAULT / "projects.csv", dtype=str, keep_default_na=False)
    return projects[projects["doc"] == DOC].reset_index(drop=True), pd.read_csv(
        DEFAULT / "milestones.csv", dtype=str, keep_default_na=False)


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    return f"{v:g}" if isinstance(v, float) else str(v)


def _num(s: str) -> str:
    return f"{float(s):g}" if s else ""


@pytest.mark.parametrize("field", FIELDS)
def test_table_rows_match_the_curated_projects(linhai, curated, field):
    _, projects, _, _ = linhai
    want = curated[0]
    assert len(projects) == len(want) == 13
    got = [_cell(v) for v in projects[field]]
    exp = list(want[field])
    if field in ("total_investment", "land", "table_row", "line"):
        exp = [_num(v) for v in exp]
    assert got == exp


def test_milestones_match_the_curated_ones(linhai, curated):
    _, projects, milestones, _ = linhai
    key = lambda d: Counter(zip(d["project_id"].str[-3:], d["planned"], d["kind"], d["raw"].map(_cell),
                                d["line"].map(_cell)))
    want, got = key(curated[1]), key(milestones)
    assert sum(want.values()) == 51
    assert sum((want & got).values()) == 51
    # the one milestone more: 完成项目研发,获得相关成果 read as two tasks (the curator took one)
    assert got - want == Counter({("p03", "2022-12", "other", "12月", "83"): 1})


def test_milestone_amounts_and_stages(linhai):
    _, _, milestones, _ = linhai
    amounts = milestones[milestones["kind"] == "investment_amount"]
    assert list(amounts["raw"]) == ["20000万元", "40000万元"] and list(amounts["value"]) == [2e8, 4e8]
    assert list(amounts["planned"]) == ["2022-06", "2022-12"]
    signed = milestones[milestones["kind"] == "signed"]
    assert set(signed["stage"]) == {"signed"}
    p08 = milestones[milestones["project_id"].str.endswith("p08")].iloc[0]
    assert (p08["planned"], p08["raw"], p08["note"]) == ("2022-12", "年底", "争取: strive for")


def test_raw_round_trips_with_the_loaders_bare_units(linhai):
    _, projects, _, _ = linhai
    for _, r in projects.iterrows():
        assert parse_quantity(r["total_investment_raw"], default_unit="亿元").value == r["total_investment"]
        if r["land_raw"] is not None:
            assert parse_quantity(r["land_raw"], default_unit="亩").value == r["land"]
    assert projects.iloc[8]["land"] is None  # 用地 "/" in row 9


def test_claimed_spans_are_the_table_cells(linhai):
    lines, projects, _, claimed = linhai
    texts = Counter(lines[ln - 1][s:e] for ln, s, e in claimed)
    assert (63, 25, 28) in claimed and lines[62][25:28] == "100"  # row 2's 总投资, after the lead unit of row 1
    assert texts["20000 万元"] == 1 and texts["40000 万元"] == 1
    for _, r in projects.iterrows():
        assert texts[r["total_investment_raw"]] >= 1 and texts[str(r["table_row"])] >= 1
    # figures inside the content (一期 总投资 100亿元, 年产120 吨) are left to the observation extractor
    assert not any(ln == 55 and s > 40 for ln, s, _ in claimed)


def test_header_units():
    header = find_header([" 序号 项目名称 总投资 (亿元)", "", " 用地 (亩)", "", " 投资方 主责单位 一、盯引项目"])
    assert header.units == {"total_investment_raw": "亿元", "land_raw": "亩"} and header.line == 1
    assert header.end == (5, 9)  # just after 主责单位
    assert find_header(["序号 名单", "1 张三"]) is None


# synthetic table, written for this test: header units 万元 and 公顷, land column before investment, a row name
# on its own line, the lead unit of each row at the start of the next row's line, a "/" cell
SYNTHETIC = [
    "附表 某县2024年重点项目表",
    "序号 项目名称 用地 (公顷) 总投资 (万元) 投资方 进展情况 全年工作目标 责任领导 责任单位",
    "1 甲乙智能装备产业园项目 12.5 85000 甲乙集团 建设厂房 10 万平方米。",
    "已签订框架协议,正在办理用地手续。",
    "3 月完成项目签约;5-7 月完成土地摘牌;9月开工建设,完成年度投资 5000 万元。",
    "王小明 李四",
    "县经信局 2 丙丁新能源电池",
    "项目 / 30000 丙丁股份 新建电池生产线。",
    "企业已开工建设。",
    "年底投产。",
    "赵六 县发改局",
    "推荐访问:某县 重点 项目",
]


def test_synthetic_table_with_other_units():
    projects, milestones, claimed = projects_from_lines(SYNTHETIC, DocumentInfo("syn.txt", "Somecounty", "2024-03"))
    assert list(projects["name_zh"]) == ["甲乙智能装备产业园项目", "丙丁新能源电池项目"]
    a, b = projects.iloc[0], projects.iloc[1]
    assert (a["total_investment"], a["total_investment_raw"], a["land"], a["land_unit"], a["land_raw"]) == \
        (8.5e8, "85000万元", 125000.0, "m2", "12.5公顷")
    assert (a["investor_zh"], a["leaders_zh"], a["lead_unit_zh"], a["stage"], a["line"], a["sector"]) == \
        ("甲乙集团", "王小明;李四", "县经信局", "framework_signed", 3, "equipment")
    assert (b["total_investment"], b["land"], b["line"], b["stage"], b["leaders_zh"], b["lead_unit_zh"]) == \
        (3e8, None, 8, "construction", "赵六", "县发改局")
    assert b["table_row"] == 2 and b["sector"] == "new_energy"
    got = list(zip(milestones["project_id"].str[-3:], milestones["planned"], milestones["kind"], milestones["raw"]))
    assert got == [("p01", "2024-03", "signed", "3月"), ("p01", "2024-05/2024-07", "land_acquired", "5-7月"),
                   ("p01", "2024-09", "construction_start", "9月"), ("p01", "2024-09", "investment_amount", "5000万元"),
                   ("p02", "2024-12", "production_start", "年底")]
    assert milestones.iloc[3]["value"] == 5e7
    assert (3, 14, 18) in claimed and SYNTHETIC[2][14:18] == "12.5"
    k = SYNTHETIC[4].index("5000 万元")
    assert (5, k, k + len("5000 万元")) in claimed  # the milestone's amount
    for _, r in projects.iterrows():  # the raw figures give the values back, bare or with their unit
        assert parse_quantity(r["total_investment_raw"], default_unit="亿元").value == r["total_investment"]


def test_milestones_from_text_without_a_year():
    # synthetic targets
    ms = milestones_from_text("6月初完成选址;继续跟踪对接;10 月底前深入对接,争取落地。", None)
    assert [(m["planned"], m["kind"], m["raw"]) for m in ms] == [("unknown", "site_selected", "6月初"),
                                                                ("unknown", "landed", "10月底前")]


def test_no_table_no_rows():
    # synthetic prose without a table
    projects, milestones, claimed = projects_from_lines(["序号不详的项目 1 个。", "总投资 5 亿元。"],
                                                        DocumentInfo("syn.txt", "X", None))
    assert projects.empty and milestones.empty and not claimed


def test_rows_load(tmp_path, linhai):
    _, projects, milestones, _ = linhai
    write_folder(tmp_path, DOC, {"projects": projects, "milestones": milestones})
    ds = load_dataset(tmp_path)
    assert len(ds.projects) == 13 and len(ds.milestones) == 52
    assert ds.projects.iloc[0]["total_investment"] == 1e11


def test_synthetic_rows_load(tmp_path):
    projects, milestones, _ = projects_from_lines(SYNTHETIC, DocumentInfo("syn.txt", "Somecounty", "2024-03"))
    write_folder(tmp_path, "syn.txt", {"projects": projects, "milestones": milestones})
    ds = load_dataset(tmp_path)
    assert ds.projects["land"].tolist()[0] == 125000.0 and len(ds.milestones) == 5


def test_table_end_without_trailer_and_a_second_table():
    # synthetic: the table of SYNTHETIC without its trailer, prose after it, then a second table in 亿元 and 亩
    lines = SYNTHETIC[:-1] + ["", "二、保障措施", "加强组织领导,全面推进各项工作落实。", "强化督查考核,确保落到实处。",
                              "序号 项目名称 总投资 (亿元) 用地 (亩) 投资方 主责单位", "1 戊己项目 3.5 / 戊己公司 县商务局"]
    projects, milestones, _ = projects_from_lines(lines, DocumentInfo("syn.txt", "Somecounty", "2024"))
    assert list(projects["name_zh"]) == ["甲乙智能装备产业园项目", "丙丁新能源电池项目", "戊己项目"]
    assert list(projects["table_row"]) == [1, 2, 1]
    assert projects.iloc[1]["lead_unit_zh"] == "县发改局"  # the prose after the table is not row 2's
    assert list(milestones["project_id"].str[-3:]).count("p02") == 1
    last = projects.iloc[2]
    assert (last["total_investment"], last["total_investment_raw"], last["land"], last["line"]) == \
        (3.5e8, "3.5", None, 17)


@pytest.mark.parametrize("doc", ["000_890bd172b6e88206.txt", "001_9c420341d3f08b1c.txt", "002_583c6829ab56027c.txt",
                                 "004_84ad286a35deb247.txt"])
def test_sentence_project_figures_match_the_curated_ones(seeds_dir, doc):
    docs = pd.read_csv(DEFAULT / "documents.csv", dtype=str, keep_default_na=False).set_index("doc")
    lines = (seeds_dir / doc).read_text(encoding="utf-8").splitlines()
    projects, milestones, claimed = projects_from_lines(
        lines, DocumentInfo(doc, docs.at[doc, "region"], docs.at[doc, "published"] or None))
    curated = pd.read_csv(DEFAULT / "projects.csv")
    curated = curated[curated["doc"] == doc]

    def figures(df):
        return {(int(r["line"]), c, float(r[c])) for _, r in df.iterrows() for c in ("total_investment", "land")
                if pd.notna(r[c])}

    # not read: d000-p16's 千亩 from a name (三年千亩百万工业地产项目) and d004-p01's 643亩 of land a firm won
    # (浙江爱仕达电器…获得…643亩工业用地使用权: no project word next to the figure)
    want = figures(curated) - {(9, "land", 1000.0), (17, "land", 643.0)}
    assert figures(projects) == want
    assert milestones.empty and len(claimed) == len(want)


def test_sentence_projects_synthetic():
    # synthetic sentences: a total before and after the name, land won, and floor areas that are not land
    lines = ["签约总投资12亿元的某某新材料项目落户园区。",
             "推进某某物流园区项目总投资约3.5亿元;某某厂房项目摘地120亩。",
             "新建建筑面积5万平方米的标准厂房项目,共计35万平方米的绿化面积已完工。"]
    projects, _, claimed = projects_from_lines(lines, DocumentInfo("syn.txt", "X", "2024"))
    got = list(zip(projects["name_zh"], projects["total_investment_raw"], projects["land_raw"], projects["stage"]))
    assert got == [("某某新材料项目", "12亿元", None, "signed"),
                   ("某某物流园区项目", "约3.5亿元", None, "unknown"),
                   ("某某厂房项目", None, "120亩", "land_acquired")]
    assert projects.iloc[1]["total_investment_qualifier"] == "about"
    assert projects.iloc[2]["land_unit"] == "mu" and (2, 28, 32) in claimed and lines[1][28:32] == "120亩"
