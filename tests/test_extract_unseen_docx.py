"""The extractor on a second unseen document, a .docx with a Word table: its defects, fixed in general.

``tests/data/extract/unseen/nanwan-2025.docx`` is synthetic (a made-up district's 2025 government work report,
published 2025-01-10, written by the lead). Each defect has a golden assertion on it and a synthetic variant written
here in other words (documents ``variant.txt`` of a made-up region), so that a fix matching the one file's strings
would fail.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import load_dataset
from analysis.extract import DocumentInfo, extract_file, extract_text
from analysis.extract.draft import write_draft
from test_extract_unseen import one  # the one row of a table on a line

DOCX = Path(__file__).parent / "data" / "extract" / "unseen" / "nanwan-2025.docx"
Y = 100_000_000  # 亿 in yuan


@pytest.fixture(scope="module")
def nanwan():
    return extract_file(DOCX, region="Nanwan", published="2025-01-10")


def extract(lines: list[str], published: str = "2024-02-20") -> dict[str, pd.DataFrame]:
    """Tables proposed from synthetic lines (document ``variant.txt`` of the made-up region Testland)."""
    return extract_text(lines, DocumentInfo("variant.txt", region="Testland", published=published)).tables


# --- 1. a heading's year holds for its section; 过去一年/去年 = the year published − 1 -----------------------------


def test_section_year_golden(nanwan):
    obs = nanwan["observations"]
    for line in (4, 5, 6, 7):  # under 一、2024年工作回顾 (line 4 opens with 过去一年)
        assert set(obs[obs["line"] == line]["period"]) == {"2024"}, line
    for line in (9, 10):  # under 二、2025年主要目标
        assert set(obs[obs["line"] == line]["period"]) == {"2025"}, line
    assert one(obs, 7, "突破300家")[["measure", "period"]].tolist() == ["stock", "2024"]


def test_section_year_variant():
    # synthetic: a report published in 2024 reviewing 2023, then next steps; a sub-heading inherits its section's year
    obs = extract(["示例区政府工作报告",
                   "一、2023年工作总结",
                   "(一)经济运行", "全年新签约项目12个,上半年开工项目5个。",
                   "(二)招商引资", "引进企业30家。",
                   "二、今年重点工作", "新开工项目20个。",
                   "三、其他", "去年新增企业40家,过去一年完成投资9亿元,过去五年累计引进项目300个。",
                   "新增就业800人。"])["observations"]
    assert one(obs, 4, "12个")["period"] == "2023"
    assert one(obs, 4, "5个")["period"] == "2023-01/2023-06"
    assert one(obs, 6, "30家")["period"] == "2023"          # (二) inherits 一、's year
    assert one(obs, 8, "20个")["period"] == "2024"          # 二、今年… : the year published
    assert one(obs, 10, "40家")["period"] == "2023"         # 去年 = published − 1
    assert one(obs, 10, "9亿元")["period"] == "2023"        # 过去一年 likewise
    assert one(obs, 10, "300个")["period"] == "2019/2023"   # 过去五年: a span of years
    assert one(obs, 11, "800人")["period"] == "2024"        # 三、 names no year: the year published


@pytest.mark.parametrize("heading, period", [("一、2023年以来工作情况", "2024"), ("一、2021-2023年工作回顾", "2024"),
                                             ("一、2023年上半年工作回顾", "2023-01/2023-06")])
def test_heading_without_one_whole_year_variant(heading, period):
    # synthetic: a heading naming a period up to now or a span of years gives no year to its section; one naming
    # a part of a year gives it to the actual flows under it that name no period of their own
    obs = extract(["示例区工作总结", heading, "新签约项目12个。"], published="2024-07-10")["observations"]
    assert one(obs, 3, "12个")["period"] == period


# --- 2. a number before a size class names its own class ----------------------------------------------------------


def test_size_class_with_number_golden(nanwan):
    obs = nanwan["observations"]
    assert one(obs, 5, "31个")["indicator"] == "signed_projects_100m_plus"
    big = one(obs, 5, "2个")
    assert big["indicator"].startswith("new_") and big["indicator_zh"] == "50亿元以上项目"
    assert "50亿元以上" not in set(obs["raw"].dropna())  # a size class, not an amount


@pytest.mark.parametrize("part, indicator, term", [
    ("其中10亿元以上项目3个", "signed_projects_1bn_plus", "10亿元以上项目"),
    ("其中5亿元以上项目4个", None, "5亿元以上项目"),
    ("其中20亿元以上产业项目1个", None, "20亿元以上产业项目"),
])
def test_size_class_with_number_variant(part, indicator, term):
    obs = extract(["示例区工作总结", f"新签约亿元以上项目15个,{part}。"])["observations"]
    assert one(obs, 2, "15个")["indicator"] == "signed_projects_100m_plus"
    row = obs[obs["line"] == 2].iloc[1]
    assert row["indicator_zh"] == term
    assert row["indicator"] == indicator if indicator else row["indicator"].startswith("new_")


# --- 3. a plan verb after a word of the past is an act done -------------------------------------------------------


def test_past_plan_verb_golden(nanwan):
    leverage = one(nanwan["observations"], 6, "近45亿元")
    assert (leverage["status"], leverage["qualifier"], leverage["value"]) == ("actual", "just_under", 45 * Y)
    fund = nanwan["funds"].iloc[0]
    assert fund["status"] == "existing"


def test_past_plan_verb_variant():
    t = extract(["示例区工作总结",
                 "已安排专项资金3亿元,计划安排资金2亿元。",
                 "市母基金先后组建子基金5支,总规模20亿元。",
                 "拟设立天使基金1支,规模1亿元。"])
    obs = t["observations"]
    assert one(obs, 2, "3亿元")["status"] == "actual"
    assert one(obs, 2, "2亿元")["status"] == "plan"
    assert list(t["funds"]["status"]) == ["existing", "planned"]


# --- 4. a forecast takes its context's period, unless it is for after a project runs -----------------------------


def test_forecast_period_golden(nanwan):
    f = one(nanwan["observations"], 10, indicator="industrial_value_added_above_scale")
    assert (f["status"], f["period"], f["yoy_pct"]) == ("forecast", "2025", 7)


def test_forecast_period_variant():
    obs = extract(["示例区工作总结",
                   "二、2025年工作目标",
                   "预计工业投资增长5%,预计新增就业500人。",
                   "某项目建成后预计年产值10亿元;另一项目投产后预计实现税收2亿元。",
                   "三、其他", "预计新增企业20家。"])["observations"]
    assert one(obs, 3, indicator_zh="工业投资")["period"] == "2025"
    assert one(obs, 3, "500人")[["status", "period"]].tolist() == ["forecast", "2025"]
    assert one(obs, 4, "10亿元")[["status", "period"]].tolist() == ["forecast", "unknown"]
    assert one(obs, 4, "2亿元")[["status", "period"]].tolist() == ["forecast", "unknown"]
    assert one(obs, 6, "20家")["period"] == "2024"  # no section year: the year published


# --- 5. a Word table read by its header's columns ---------------------------------------------------------------


def test_docx_table_golden(nanwan):
    p = nanwan["projects"]
    assert list(p["name_zh"]) == ["南湾港智能物流园项目", "海洋生物医药产业园项目"]
    assert list(p["lead_unit_zh"]) == ["区发改局", "区经信局"]
    assert p["investor_zh"].isna().all()  # no 投资方 column
    assert list(p["total_investment"]) == [28 * Y, 15.6 * Y] and list(p["land"]) == [650, 300]
    # a work report's 重点项目 table says nothing of how far its projects are: not "being attracted"
    assert set(p["stage"]) == {"unknown"} and all("stage not stated" in n for n in p["note"])
    obs = nanwan["observations"]
    for line, raw in ((13, "20万平方米"), (14, "8万平方米")):
        assert one(obs, line, raw)["status"] == "plan"
    assert obs.query("line == 15").empty


def test_docx_table_variant():
    # synthetic: a table without an investor column, its last row followed by a sentence
    t = extract(["示例区重点项目",
                 "序号 项目名称 总投资(万元) 用地(亩) 建设内容 责任单位",
                 "1 示例智能装备项目 50000 120 新建厂房5万平方米 区经信局",
                 "2 示例冷链物流项目 30000 80 已建成仓库2万平方米 区商务局",
                 "3 示例数字产业园项目 80000 200 建设研发楼3万平方米 区科技局",
                 "以上项目由各责任单位负责推进,2月底前报送进度。"])
    p = t["projects"]
    assert list(p["lead_unit_zh"]) == ["区经信局", "区商务局", "区科技局"]
    assert p["investor_zh"].isna().all()
    assert list(p["total_investment"]) == [5e8, 3e8, 8e8]
    obs = t["observations"]
    assert one(obs, 3, "5万平方米")["status"] == "plan"
    assert one(obs, 4, "2万平方米")["status"] == "actual"  # its own words (已建成) win over the column's plan
    assert one(obs, 5, "3万平方米")["status"] == "plan"


# --- 6. a fund's sponsor as the text says it ----------------------------------------------------------------------


def test_fund_sponsor_golden(nanwan):
    funds = nanwan["funds"]
    assert len(funds) == 1
    f = funds.iloc[0]
    assert (f["sponsor"], f["fund_type"], f["n_funds"], f["total_size"]) == ("区产业引导基金", "sub", 8, 60 * Y)
    assert pd.isna(f["part_of"]) and f["as_of"] == "2024"
    assert "government" not in f["sponsor"] and "owner not named" in f["note"]


def test_fund_sponsor_variant():
    funds = extract(["示例区工作总结",
                     "市创投母基金累计设立子基金6支,总规模12亿元。",
                     "新设立产业基金2支,规模5亿元。",
                     "市产业集团新设立招商基金1支,规模3亿元。"])["funds"]
    assert list(funds["sponsor"]) == ["市创投母基金", "Testland (sponsor not named)", "市产业集团"]
    assert "sponsor not named in the text" in funds.iloc[1]["note"]
    assert not funds["sponsor"].str.contains("government").any()


def test_fund_set_up_without_figures_names_no_sponsor_variant():
    # synthetic: funds set up without figures, in a plan that names no sponsor
    funds = extract(["示例区工作计划", "推动资本招商,设立30亿元母基金,设立新能源、新材料等产业子基金。"])["funds"]
    assert list(funds["fund_type"]) == ["mother", "sub"]
    assert set(funds["sponsor"]) == {"Testland (sponsor not named)"}
    assert all("sponsor not named in the text" in n for n in funds["note"])


def test_the_docx_draft_loads(nanwan, tmp_path):
    ds = load_dataset(write_draft(nanwan, tmp_path / "draft"))
    assert len(ds.observations) == len(nanwan["observations"]) and len(ds.projects) == 2
    assert list(ds.funds["sponsor"]) == ["区产业引导基金"]


@pytest.mark.parametrize("title, stage", [("附件:示例区2024年重大招商项目推进表", "negotiation"),
                                          ("附件:示例区2024年重点建设项目表", "unknown")])
def test_table_stage_by_title_variant(title, stage):
    # synthetic: without a progress column the stage is negotiation only in a table of projects being attracted
    p = extract(["示例区工作总结", "全年完成投资12亿元,同比增长8%,力争引进项目10个。", title,
                 "序号 项目名称 总投资(亿元) 用地(亩) 建设内容 责任单位",
                 "1 示例新材料项目 12 90 新建厂房3万平方米 区经信局"])["projects"]
    assert list(p["stage"]) == [stage]
