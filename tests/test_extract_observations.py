"""observations_from_lines: observation rows with status, period, growth, indicator, region and entity.

All lines are synthetic, written for these tests in the style of the seed documents (county work reports and
plans); the document names (report.txt, ...) are made up.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from analysis.extract.core import DocumentInfo, empty_table
from analysis.extract.observations import NEW_INDICATOR_COLUMNS, observations_from_lines
from analysis.io import load_dataset
from analysis.units import parse_quantity

INFO = DocumentInfo("report.txt", region="Linhai", published="2022-05-31", kind="work_summary")


def rows(lines: list[str] | str, info: DocumentInfo = INFO, **kw) -> pd.DataFrame:
    obs, _ = observations_from_lines([lines] if isinstance(lines, str) else lines, info, **kw)
    return obs


def row_of(obs: pd.DataFrame, raw: str) -> pd.Series:
    hit = obs[obs["raw"] == raw]
    assert len(hit) == 1, f"expected one row with raw {raw!r}, found {list(obs['raw'])}"
    return hit.iloc[0]


def test_columns_are_the_sidecars_and_keys_follow_the_doc():
    obs = rows(["标题", "全年完成固定资产投资20.75亿元,新开工项目14个。"])
    assert list(obs.columns) == list(empty_table("observations").columns)
    assert list(obs["obs_id"]) == ["report-o001", "report-o002"]
    assert list(obs["line"]) == [2, 2] and set(obs["doc"]) == {"report.txt"}


@pytest.mark.parametrize("line, raw, status", [
    ("全年完成有效投资15亿元。", "15亿元", "actual"),
    ("力争全年完成有效投资15亿元。", "15亿元", "target"),
    ("目标是签约项目25个。", "25个", "target"),
    ("确保新开工项目30个。", "30个", "target"),
    ("全年计划新增贷款100亿元。", "100亿元", "plan"),
    ("安排2000万元前期经费。", "2000万元", "plan"),
    ("拟投资建设年产10万吨项目。", "10万吨", "plan"),
    ("投产后预计实现产值10亿元。", "10亿元", "forecast"),
])
def test_status_from_the_words_before_the_figure(line, raw, status):
    assert row_of(rows(line), raw)["status"] == status


def test_a_plan_document_defaults_to_plan_and_a_target_heading_to_target():
    info = DocumentInfo("plan.txt", region="Linhai", published="2022", kind="plan")
    obs = rows(["二、目标任务", "2022 年,全市签约亿元以上产业项目 25 个。", "三、工作举措", "强化 14 个专业招商组职能。"], info)
    assert list(obs["status"]) == ["target", "plan"]


@pytest.mark.parametrize("line, period", [
    ("今年一季度,全市签约项目72个。", "2022Q1"),
    ("上半年完成投资12亿元。", "2022-01/2022-06"),
    ("1-6月完成投资12亿元。", "2022-01/2022-06"),
    ("1-9月完成投资12亿元。", "2022-01/2022-09"),
    ("全年完成投资12亿元。", "2022"),
    ("今年完成投资12亿元。", "2022"),
    ("去年完成投资12亿元。", "2021"),
    ("明年计划完成投资12亿元。", "2023"),
    ("年底前完成投资12亿元。", "2022"),
    ("今年以来,新谋划重大项目超过150个。", "2022-01/2022-05"),
    ("2021年完成投资12亿元。", "2021"),
    ("已谋划2022—2030年临港产业带重点项目130个。", "2022/2030"),
    ("完成投资12亿元。", "2022"),
])
def test_period_from_the_date_and_the_text(line, period):
    assert rows(line)["period"].iloc[0] == period


def test_period_is_unknown_without_a_date():
    info = DocumentInfo("summary.txt", region="Eastern cluster", published=None)
    obs = rows(["今年1-2023月,实现固定资产投资20.75亿元。", "全年实现供地600亩。"], info)
    assert list(obs["period"]) == ["unknown", "unknown"]


@pytest.mark.parametrize("line, raw, measure", [
    ("目前累计已完成投资超10.5亿元。", "超10.5亿元", "cumulative"),
    ("2021年以来,共走访服务企业150余家。", "150余家", "cumulative"),
    ("目前集团运营产业园15个。", "15个", "stock"),
    ("全年新开工项目14个。", "14个", "flow"),
])
def test_measure(line, raw, measure):
    assert row_of(rows(line), raw)["measure"] == measure


def test_growth_is_attached_to_the_level_it_follows():
    line = ("实现固定资产投资20.75亿元,同比增长42.45%,其中政府性投入7.2亿元(东部6.93亿元),同比增长44.91%;"
            "新入区企业6家。")
    obs = rows(line)
    assert list(obs["raw"]) == ["20.75亿元", "7.2亿元", "6.93亿元", "6家"]
    assert list(obs["yoy_pct"].fillna(-1)) == [42.45, 44.91, -1, -1]
    fai = row_of(obs, "20.75亿元")
    assert (fai["yoy_qualifier"], fai["yoy_raw"], fai["indicator"]) == ("exact", "同比增长42.45%",
                                                                       "fixed_asset_investment")
    assert parse_quantity(fai["yoy_raw"]).value == 42.45


def test_growth_in_times_is_an_increase_in_percent():
    r = row_of(rows("一季度开工入库重点项目34个,总投资132亿元,同比增长7倍多;"), "132亿元")
    assert (r["yoy_pct"], r["yoy_qualifier"]) == (700, "more_than")


def test_a_rate_without_a_level_is_its_own_row():
    obs = rows("今年一季度,固定资产投资增速达13.7%,新开工统计入库项目数增长65.1%,项目总投资增长246%。")
    assert len(obs) == 3
    assert obs["value"].isna().all() and obs["raw"].isna().all() and obs["unit"].isna().all()
    assert list(obs["yoy_pct"]) == [13.7, 65.1, 246]
    assert obs["indicator"].iloc[0] == "fixed_asset_investment"
    assert set(obs["period"]) == {"2022Q1"}


def test_a_fall_is_negative():
    r = row_of(rows("工业总产值23.21亿元,同比下降3.2%。"), "23.21亿元")
    assert r["yoy_pct"] == -3.2


def test_size_class_is_not_an_amount_in_rows():
    obs = rows("全市签约亿元以上产业项目 25 个,其中 10 亿元以上产业项目 5 个,实际使用外资 6700 万美元以上。")
    assert list(zip(obs["raw"], obs["unit"])) == [("25个", "count"), ("5个", "count"), ("6700万美元以上", "usd")]
    assert list(obs["indicator"][:2]) == ["signed_projects_100m_plus", "signed_projects_1bn_plus"]
    assert row_of(obs, "6700万美元以上")["qualifier"] == "at_least"


def test_indicator_from_a_synonym_in_terms_zh():
    assert row_of(rows("一季度已放款51.7亿元。"), "51.7亿元")["indicator"] == "loans_disbursed"
    assert row_of(rows("新开工工程30个。"), "30个")["indicator"] == "new_start_projects"


def test_a_term_the_list_lacks_becomes_a_marked_new_indicator():
    obs, new = observations_from_lines(["全年培育独角兽企业3家。"], INFO)
    r = obs.iloc[0]
    term = r["indicator_zh"]
    assert term and "独角兽" in term
    assert r["indicator"] == "new_" + hashlib.md5(term.encode("utf-8")).hexdigest()[:6]
    assert list(new.columns) == NEW_INDICATOR_COLUMNS
    assert new.set_index("indicator").loc[r["indicator"], "unit"] == "count"
    assert "Proposed by the extractor" in new.iloc[0]["description_en"] and term in new.iloc[0]["description_en"]


def test_region_named_in_the_line_and_the_documents_by_default():
    info = DocumentInfo("feature.txt", region="Taizhou", published="2022-05-31")
    obs = rows("在临海,115名年轻干部直奔重点项目;在玉环,由637名精锐干部组建的49个专班。", info)
    assert list(obs["region"]) == ["Linhai", "Yuhuan", "Yuhuan"]
    assert rows("台州湾新材料产业园用地1350亩。", info)["region"].iloc[0] == "Taizhou"
    assert rows("完成投资5亿元。", DocumentInfo("x.txt"))["region"].iloc[0] == "unknown"


def test_entity_where_the_sentence_names_a_group():
    obs = rows("截至目前,义乌产投集团运营产业园15个。全年新开工项目14个。")
    assert list(obs["entity"].fillna("")) == ["义乌产投集团", ""]


def test_claimed_spans_are_skipped():
    line = "基金总规模25.45亿元,新开工项目14个。"
    start = line.index("25.45")
    obs = rows(line, claimed={(1, start, start + 7)})
    assert list(obs["raw"]) == ["14个"]


def test_ranges_and_damaged_figures_say_why():
    info = DocumentInfo("summary.txt", region="Eastern cluster")
    obs = rows(["每位领导联系2-3家企业。", "完成了202300亩未利用地指标的报批工作;新投产企业2023家。",
                "布展方案2023月2023日完成招投标。"], info)
    rng = row_of(obs, "2-3家")
    assert (rng["value"], rng["qualifier"], rng["quality"]) == (2, "at_least", "uncertain") and "range" in rng["note"]
    damaged = obs[obs["quality"] == "damaged"]
    assert list(damaged["raw"]) == ["202300亩", "2023家"] and damaged["value"].isna().all()
    assert list(damaged["unit"]) == ["mu", "count"] and damaged["note"].str.contains("not repaired").all()
    assert len(obs) == 3  # the damaged date is no figure


def test_the_loader_accepts_the_rows(tmp_path):
    # synthetic document in the style of a county work report, with every kind of row
    lines = ["东部产业集聚区工作总结",
             "今年1-6月,实现固定资产投资20.75亿元,同比增长42.45%,其中政府性投入7.2亿元(东部6.93亿元),同比增长44.91%;",
             "固定资产投资增速达13.7%,居全省第三。新入区企业6家,完成供地1696亩;新投产企业2023家。",
             "力争全年培育独角兽企业3家,墙体砌筑已完成95%以上,不少于三分之一,每位领导联系2-3家企业,两三个项目。",
             "总投资132亿元,同比增长7倍多;完成了202300亩未利用地指标;是去年的3倍。"]
    info = DocumentInfo("summary.txt", region="Eastern cluster", published="2022-07", kind="work_summary")
    obs, new = observations_from_lines(lines, info)
    assert len(obs) >= 14 and len(new) >= 1
    docs = pd.DataFrame([{"doc": "summary.txt", "title_en": "Synthetic work summary", "kind": "work_summary",
                          "publisher": "tests", "published": "2022-07", "period": "2022", "region": "Eastern cluster",
                          "damaged": "true", "note": "synthetic"}])
    obs.to_csv(tmp_path / "observations.csv", index=False)
    docs.to_csv(tmp_path / "documents.csv", index=False)
    new.to_csv(tmp_path / "indicators.csv", index=False)
    ds = load_dataset(tmp_path)
    loaded = ds.observations
    assert len(loaded) == len(obs)
    assert loaded.loc[loaded["raw"] == "20.75亿元", "yoy_pct"].iloc[0] == 42.45
    assert loaded.loc[loaded["raw"] == "202300亩", "quality"].iloc[0] == "damaged"


def test_a_rate_compared_with_last_year_is_the_levels_growth():
    # synthetic statistical-bulletin sentence
    r = row_of(rows("全年实现地区生产总值1234.5亿元,比上年增长6.1%。"), "1234.5亿元")
    assert (r["indicator"], r["yoy_pct"], r["period"]) == ("gdp", 6.1, "2022")


def test_month_end_sets_the_period_month():
    r = row_of(rows("截至10月底,累计完成投资85.6亿元。"), "85.6亿元")
    assert (r["period"], r["measure"]) == ("2022-10", "cumulative")


def test_total_investment_after_a_count_of_projects_is_theirs():
    obs = rows("一季度新开工项目34个,总投资132亿元,同比增长7倍多;")
    assert list(obs["indicator"]) == ["new_start_projects", "new_start_projects_investment"]


def test_a_count_is_named_by_the_noun_right_after_it():
    obs = rows("强化 14 个专业招商组、重点部门、19 个镇(街道)招商职能。")
    assert list(obs["indicator"]) == ["investment_promotion_groups", "towns_with_promotion_role"]
