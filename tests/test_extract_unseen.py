"""The extractor on documents it was not built on: the defects found on an unseen county summary, fixed in general.

``tests/data/extract/unseen/qinghe-2024h1.txt`` is synthetic (a made-up county's half-year summary written by the
lead, not from the seeds). Each defect has a golden assertion on it and a small synthetic variant written here in
other words, so that a fix that matched the one file's strings would fail. The last tests run a second synthetic
document, a made-up city's statistical bulletin (written for this test), and check every row it proposes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import load_dataset
from analysis.extract import DocumentInfo, extract_file, extract_text
from analysis.extract.draft import write_draft
from analysis.units import parse_quantity

UNSEEN = Path(__file__).parent / "data" / "extract" / "unseen" / "qinghe-2024h1.txt"
Y = 100_000_000  # 亿 in yuan


@pytest.fixture(scope="module")
def qinghe():
    return extract_file(UNSEEN, region="Qinghe", published="2024-07-15")


def extract(lines: list[str], published: str = "2024-07-15", title: str = "") -> dict[str, pd.DataFrame]:
    """Tables proposed from synthetic lines (document ``variant.txt``)."""
    draft = extract_text(lines, DocumentInfo("variant.txt", region="Testland", published=published, title=title))
    return draft.tables


def one(df: pd.DataFrame, line: int, raw: str | None = None, **match) -> pd.Series:
    """The one row of ``df`` on ``line`` (with ``raw``, or the other columns given)."""
    hit = df[df["line"] == line]
    if raw is not None:
        hit = hit[hit["raw"] == raw]
    for col, value in match.items():
        hit = hit[hit[col] == value]
    assert len(hit) == 1, f"line {line}: expected one row {raw or match}, found {hit.to_dict('records')}"
    return hit.iloc[0]


# --- 1. a period word opening a sentence holds to the 。 ---------------------------------------------------------


def test_opening_period_word_holds_across_semicolons_golden(qinghe):
    obs = qinghe["observations"]
    private = one(obs, 4, indicator="private_investment")
    assert private["period"] == "2024-01/2024-06" and private["yoy_pct"] == -3.1
    assert set(obs[obs["line"] == 4]["period"]) == {"2024-01/2024-06"}


def test_opening_period_word_variant():
    # synthetic: the first line is a sentence (no title naming a period)
    obs = extract(["全区经济运行平稳,各项指标向好。",
                   "一季度,全区完成固定资产投资20.5亿元,增长3.1%;工业投资8亿元,下降1.2%;全年新开工项目30个。",
                   "工业投资9亿元。"])["observations"]
    assert one(obs, 2, "8亿元")["period"] == "2024Q1"
    assert one(obs, 2, "30个")["period"] == "2024"        # its own 全年 wins
    assert one(obs, 3, "9亿元")["period"] == "2024"       # a new sentence: not inherited


# --- 2. the share of an annual target attained ---------------------------------------------------------------------


def test_attainment_share_golden(qinghe):
    obs = qinghe["observations"]
    share = one(obs, 4, "60.3%")
    assert (share["indicator"], share["status"], share["unit"], share["value"]) == \
        ("target_attainment_pct", "actual", "percent", 60.3)
    assert share["period"] == "2024-01/2024-06"
    assert "fdi_utilised" in share["note"]
    assert "construction_progress_pct" not in set(obs["indicator"])


def test_attainment_share_variant():
    obs = extract(["全区经济运行平稳,各项指标向好。",
                   "一季度新签约项目12个,占全年目标的30%。",
                   "力争上半年完成年度目标的55%。"])["observations"]
    share = one(obs, 2, "30%")
    assert (share["indicator"], share["status"], share["period"]) == ("target_attainment_pct", "actual", "2024Q1")
    assert one(obs, 2, "12个")["indicator"] in share["note"]
    target = one(obs, 3, "55%")
    assert (target["indicator"], target["status"]) == ("target_attainment_pct", "target")


# --- 3. a heading of the same level ends a section's status ---------------------------------------------------------


def test_section_status_does_not_leak_golden(qinghe):
    obs = qinghe["observations"]
    assert one(obs, 11, "不低于180亿元")["status"] == "target"
    assert one(obs, 12, "1200亩")["status"] == "target"
    assert one(obs, 14, "5个")["status"] == "actual"
    assert one(obs, 14, "12家")["status"] == "actual"


def test_section_status_variant():
    obs = extract(["全区经济运行平稳,各项指标向好。",
                   "二、明年工作打算", "新开工项目20个。",
                   "(一)重点任务", "新签约项目15个。",
                   "(二)困难问题", "新增企业8家。",
                   "三、存在不足", "有3个项目进度滞后。"])["observations"]
    assert one(obs, 3, "20个")["status"] == "target"
    assert one(obs, 5, "15个")["status"] == "target"   # inherits the level above
    assert one(obs, 7, "8家")["status"] == "target"    # (二) ends (一), not 二、
    assert one(obs, 9, "3个")["status"] == "actual"    # 三、 ends 二、


# --- 4. fund sentences -----------------------------------------------------------------------------------------


def test_fund_sentence_golden(qinghe):
    funds = qinghe["funds"]
    assert len(funds) == 2
    first, angel = funds.iloc[0], funds.iloc[1]
    assert (first["fund_type"], first["n_funds"], first["status"]) == ("industry", 3, "new")
    assert (first["total_size"], first["committed"], first["paid_in"]) == (15 * Y, 12 * Y, 5.4 * Y)
    assert (first["total_size_raw"], first["committed_raw"], first["paid_in_raw"]) == ("15亿元", "12亿元", "5.4亿元")
    assert "3亿元" in first["note"] and "fund_government_contribution" in first["note"]
    assert (angel["fund_type"], angel["n_funds"], angel["status"], angel["total_size"]) == ("venture", 1, "new", 2 * Y)
    assert "not stated" not in angel["note"]
    obs = qinghe["observations"]
    on8 = obs[obs["line"] == 8]
    assert list(on8["raw"]) == ["3亿元"]  # the other figures are the funds'
    gov = on8.iloc[0]
    assert (gov["indicator"], gov["status"], gov["value"]) == ("fund_government_contribution", "actual", 3 * Y)


def test_fund_sentence_variant():
    # synthetic
    t = extract(["全区经济运行平稳,各项指标向好。",
                 "市产业集团新设立招商基金2支,基金总规模8亿元,其中市财政出资2亿元,认缴资金6亿元,已实缴3亿元。"
                 "另设立创投基金1支,规模1亿元。",
                 "拟设立母基金1支,规模20亿元。另设立天使投资基金1支,规模2亿元。"])
    funds = t["funds"]
    assert list(funds["fund_type"]) == ["attraction", "venture", "mother", "venture"]
    assert list(funds["status"]) == ["new", "new", "planned", "planned"]  # 另设立 takes the fund before it
    assert (funds.iloc[0]["committed"], funds.iloc[0]["paid_in"]) == (6 * Y, 3 * Y)
    gov = one(t["observations"], 2, "2亿元")
    assert (gov["indicator"], gov["status"]) == ("fund_government_contribution", "actual")
    assert len(t["observations"]) == 1


# --- 5. the firm an equity stake is in ---------------------------------------------------------------------------


def test_equity_stake_investee_golden(qinghe):
    stake = qinghe["equity_stakes"].iloc[0]
    assert stake["investee"] == "青河新能源科技有限公司"
    assert (stake["amount"], stake["stake_pct"]) == (80_000_000, 35)


@pytest.mark.parametrize("sentence, investee", [
    ("公司出资5000万元入股江川智能装备有限公司,持股20%。", "江川智能装备有限公司"),
    ("集团出资1.2亿元投资江川芯片制造股份有限公司,持股15%。", "江川芯片制造股份有限公司"),
])
def test_equity_stake_investee_variant(sentence, investee):
    stakes = extract(["全区经济运行平稳,各项指标向好。", sentence])["equity_stakes"]
    assert list(stakes["investee"]) == [investee]


# --- 6. a project table whose rows stand on one line -------------------------------------------------------------


def test_project_table_golden(qinghe):
    projects, milestones = qinghe["projects"], qinghe["milestones"]
    first, second = projects.iloc[0], projects.iloc[1]
    assert (first["total_investment_raw"], first["total_investment"]) == ("35", 35 * Y)
    assert parse_quantity(first["total_investment_raw"], default_unit="亿元").value == 35 * Y
    assert (first["stage"], first["lead_unit_zh"], first["investor_zh"]) == ("signed", "县经信局", "宁德某新能源公司")
    # 设计方案已评审: the stage vocabulary has no design stage; a 前期 step is `landed` there (the note says so)
    assert (second["stage"], second["lead_unit_zh"]) == ("landed", "县发改局")
    assert "设计方案已评审" in second["note"]
    m1 = milestones[milestones["project_id"] == first["project_id"]]
    assert list(m1["planned"]) == ["2024-07", "2024-09", "2024-12"]
    assert list(m1["kind"]) == ["land_acquired", "construction_start", "investment_amount"]
    assert (m1.iloc[2]["value"], m1.iloc[2]["raw"]) == (5 * Y, "5亿元")
    assert qinghe["observations"].query("line == 17").empty  # the 5亿元 is the milestone's


def test_project_table_variant(tmp_path):
    # synthetic table: other units and column names, both rows on one line each
    t = extract(["附表:重点项目表",
                 "序号 项目名称 总投资(万元) 用地(亩) 投资方 进展情况 全年工作目标 牵头单位",
                 "1 江川智能制造项目 20000 80 某装备公司 已开工 10月竣工投产;12月完成投资8000万元 区经信局",
                 "2 江川物流园项目 50000 150 某物流集团 已摘牌 9月开工建设 区商务局"])
    p = t["projects"]
    assert list(p["total_investment_raw"]) == ["20000万元", "50000万元"]
    assert list(p["total_investment"]) == [2e8, 5e8]
    assert list(p["stage"]) == ["construction", "land_acquired"]
    assert list(p["lead_unit_zh"]) == ["区经信局", "区商务局"]
    m = t["milestones"]
    assert list(m["kind"]) == ["completed", "production_start", "investment_amount", "construction_start"]
    assert m.iloc[2]["value"] == 8e7
    assert t["observations"].empty


# --- 7. which indicator: the count's pair; a generic term is uncertain --------------------------------------------


def test_indicator_pairing_and_weak_terms_golden(qinghe):
    obs = qinghe["observations"]
    total = one(obs, 5, "达126.5亿元")
    assert (total["indicator"], total["quality"]) == ("signed_projects_100m_plus_investment", "ok")
    idle = one(obs, 12, "300余亩")
    assert idle["indicator"].startswith("new_") and idle["indicator_zh"] == "盘活存量低效用地"
    assert idle["quality"] == "uncertain" and "用地" in idle["note"]


def test_indicator_pairing_and_weak_terms_variant():
    obs = extract(["全区经济运行平稳,各项指标向好。",
                   "新签约亿元以上项目10个,其中10亿元以上项目2个,总投资50亿元。",
                   "复垦用地200亩,完成投资3亿元。"])["observations"]
    assert one(obs, 2, "50亿元")["indicator"] == "signed_projects_100m_plus_investment"
    assert one(obs, 2, "2个")["indicator"] == "signed_projects_1bn_plus"
    for raw in ("200亩", "3亿元"):
        row = one(obs, 3, raw)
        assert row["quality"] == "uncertain" and row["indicator"].startswith("new_"), row.to_dict()
        assert "generic term" in row["note"]


def test_the_unseen_draft_loads(qinghe, tmp_path):
    ds = load_dataset(write_draft(qinghe, tmp_path / "draft"))
    assert len(ds.observations) == len(qinghe["observations"]) and len(ds.funds) == 2
    assert list(ds.projects["total_investment_raw"]) == ["35", "12.5"]


# --- a second unseen document: a city's half-year statistical bulletin (synthetic, written for this test) --------

BULLETIN = [
    "江川市2024年上半年国民经济运行情况",
    "发布时间:2024年7月20日  来源:江川市统计局",
    "一、综合",
    "初步核算,上半年全市实现地区生产总值3560.2亿元,按可比价格计算,增长6.1%。其中,第一产业增加值120.5亿元,"
    "增长3.2%;第二产业增加值1502.3亿元,增长7.0%;第三产业增加值1937.4亿元,增长5.6%。",
    "二、财政",
    "1-6月,一般公共预算收入285.6亿元,下降2.3%,其中税收收入210.4亿元,下降4.1%。一般公共预算支出402.8亿元,增长3.5%。",
    "三、对外经济",
    "上半年,全市进出口总额1020亿元,增长8.4%,其中出口765亿元,增长10.2%;进口255亿元,增长2.9%。"
    "新设外商投资企业46家,实际使用外资3.2亿美元,下降12.5%。",
    "四、产业基金",
    "截至6月底,全市共有基金72支,认缴规模486亿元,实缴规模213.5亿元。",
]
H1 = "2024-01/2024-06"
#: (line, raw, value, unit, yoy_pct, indicator_zh) of every observation the bulletin holds; all exact, actual, H1
BULLETIN_ROWS = [
    (4, "3560.2亿元", 3560.2 * Y, "yuan", 6.1, "地区生产总值"),
    (4, "120.5亿元", 120.5 * Y, "yuan", 3.2, "第一产业增加值"),
    (4, "1502.3亿元", 1502.3 * Y, "yuan", 7.0, "第二产业增加值"),
    (4, "1937.4亿元", 1937.4 * Y, "yuan", 5.6, "第三产业增加值"),
    (6, "285.6亿元", 285.6 * Y, "yuan", -2.3, "一般公共预算收入"),
    (6, "210.4亿元", 210.4 * Y, "yuan", -4.1, "税收收入"),
    (6, "402.8亿元", 402.8 * Y, "yuan", 3.5, "一般公共预算支出"),
    (8, "1020亿元", 1020 * Y, "yuan", 8.4, "进出口总额"),
    (8, "765亿元", 765 * Y, "yuan", 10.2, "出口"),
    (8, "255亿元", 255 * Y, "yuan", 2.9, "进口"),
    (8, "46家", 46, "count", None, "新设外商投资企业"),
    (8, "3.2亿美元", 3.2 * Y, "usd", -12.5, "实际使用外资"),
]


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory):
    path = tmp_path_factory.mktemp("bulletin") / "jiangchuan-2024h1.txt"
    path.write_text("\n".join(BULLETIN) + "\n", encoding="utf-8")
    return extract_file(path, region="Jiangchuan", published="2024-07-20")


def test_bulletin_every_observation_is_true(bulletin):
    obs = bulletin["observations"]
    got = [(r.line, r.raw, r.value, r.unit, None if pd.isna(r.yoy_pct) else r.yoy_pct, r.indicator_zh)
           for r in obs.itertuples()]
    assert got == [(ln, raw, pytest.approx(v), u, g, zh) for ln, raw, v, u, g, zh in BULLETIN_ROWS]
    assert set(obs["status"]) == {"actual"} and set(obs["period"]) == {H1}
    assert set(obs["qualifier"]) == {"exact"} and set(obs["measure"]) == {"flow"}
    assert one(obs, 4, "3560.2亿元")["indicator"] == "gdp"
    assert one(obs, 8, "3.2亿美元")["indicator"] == "fdi_utilised"
    taxes = one(obs, 6, "210.4亿元")  # 税收 alone is two codebook indicators' term: not claimed
    assert taxes["indicator"].startswith("new_") and taxes["quality"] == "uncertain"
    assert set(obs.drop(index=taxes.name)["quality"]) == {"ok"}


def test_bulletin_fund_stock_is_true(bulletin):
    funds = bulletin["funds"]
    assert len(funds) == 1
    f = funds.iloc[0]
    assert (f["n_funds"], f["status"], f["as_of"]) == (72, "existing", "2024-06-30")  # codebook rule 7
    assert (f["committed"], f["committed_raw"], f["paid_in"], f["paid_in_raw"]) == \
        (486 * Y, "486亿元", 213.5 * Y, "213.5亿元")
    assert pd.isna(f["total_size"]) and f["fund_type"] == "platform" and "not stated" in f["note"]
    assert f["sponsor"] == "Jiangchuan (all funds of the region; sponsor not named)"  # not the government's
    for t in ("equity_stakes", "projects", "milestones"):
        assert bulletin[t].empty, t


def test_bulletin_draft_loads(bulletin, tmp_path):
    ds = load_dataset(write_draft(bulletin, tmp_path / "draft"))
    assert len(ds.observations) == len(BULLETIN_ROWS)


def test_a_stock_at_a_month_end_is_dated_its_last_day():
    # synthetic; codebook rule 7: 截至9月底 (a level at a date) → the date; a cumulative flow keeps the month
    obs = extract(["全区经济运行平稳,各项指标向好。", "截至9月底,全区现有企业1200家。", "截至9月底,累计完成投资85.6亿元。"])["observations"]
    assert one(obs, 2, "1200家")[["period", "measure"]].tolist() == ["2024-09-30", "stock"]
    assert one(obs, 3, "85.6亿元")[["period", "measure"]].tolist() == ["2024-09", "cumulative"]
