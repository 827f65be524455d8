"""The extractor on a GBK HTML page it had never seen while it was written.

tests/data/extract/unseen/dongchuan-2025h1-gbk.html is synthetic: a made-up city's half-year bulletin written by the
lead after the extractor's rules were fixed, saved in GBK with a <meta charset>, a script holding a figure, and a
phone number. Every row proposed from it was read against the text; these are the rows as they should be.
"""

from __future__ import annotations

from pathlib import Path

import math

from analysis.extract import extract_file

PAGE = Path(__file__).parent / "data" / "extract" / "unseen" / "dongchuan-2025h1-gbk.html"
H1 = "2025-01/2025-06"


def _draft():
    return extract_file(PAGE, region="Dongchuan", published="2025-07-20")


def test_every_observation_is_true():
    obs = _draft().tables["observations"]
    got = [(r.line, r.indicator, None if _na(r.value) else float(r.value), r.unit if not _na(r.unit) else None,
            None if _na(r.yoy_pct) else float(r.yoy_pct), r.period, r.status) for r in obs.itertuples()]
    assert got == [
        (3, "gdp", 1286.5e8, "yuan", 5.2, H1, "actual"),
        (3, got[1][1], None, None, 6.3, H1, "actual"),                      # 第二产业增加值: a new indicator
        (4, "fixed_asset_investment", None, None, -2.4, H1, "actual"),       # 同比下降2.4%: rate only
        (4, "industrial_investment", None, None, 11.8, H1, "actual"),
        (4, "infrastructure_investment", None, None, -9.6, H1, "actual"),
        (4, "real_estate_investment", 87.3e8, "yuan", -14.2, H1, "actual"),
        (5, "signed_projects_100m_plus", 27.0, "count", None, H1, "actual"),
        (5, "signed_projects_100m_plus_investment", 318e8, "yuan", None, H1, "plan"),  # 计划总投资
        (5, "fdi_utilised", 5630e4, "usd", None, H1, "actual"),
        (5, "target_attainment_pct", 47.0, "percent", None, H1, "actual"),   # 完成年度目标的47%: done, not a target
        (7, "signed_projects_100m_plus", 50.0, "count", None, "2025", "target"),
    ]
    assert got[1][1].startswith("new_") and obs.loc[1, "indicator_zh"] == "第二产业增加值"
    assert obs.loc[10, "qualifier"] == "at_least"
    assert not obs["raw"].astype(str).str.contains("87654321|1000亿").any()  # the phone number, the script's figure


def test_fund_and_stake():
    d = _draft()
    f = d.tables["funds"].iloc[0]
    assert (f.sponsor, f.fund_type, int(f.n_funds), f.status, float(f.committed), float(f.paid_in)) == (
        "市产业投资集团", "merger", 2, "new", 30e8, 6e8)
    s = d.tables["equity_stakes"].iloc[0]
    assert (s.investee, float(s.amount), float(s.stake_pct)) == ("东川芯材科技股份有限公司", 1.5e8, 12.0)
    assert len(d.tables["projects"]) == 0


def _na(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or str(v) in ("", "nan", "None", "<NA>")


def test_without_region_each_document_takes_the_place_its_title_names(tmp_path):
    """Three unseen documents given without --region must not share one region 'unknown': each takes the place
    its title names (as written when regions.csv does not know it); a title naming a known region gives its
    English name; a title naming none stays unknown."""
    from analysis.extract import DocumentInfo, extract_text

    unseen = PAGE.parent
    regions = [extract_file(unseen / name).documents.loc[0, "region"]
               for name in ("qinghe-2024h1.txt", "nanwan-2025.docx", "dongchuan-2025h1-gbk.html")]
    assert regions == ["青河县", "南湾区", "东川市"]
    d = extract_file(unseen / "qinghe-2024h1.txt")
    assert set(d.tables["observations"]["region"]) == {"青河县"} and set(d.tables["funds"]["region"]) == {"青河县"}
    known = extract_text(["临海市2022年招大引强工作方案", "全年签约亿元以上项目25个。"], DocumentInfo("l.txt"))
    assert known.documents.loc[0, "region"] == "Linhai" and known.tables["observations"].loc[0, "region"] == "Linhai"
    none = extract_text(["工作总结", "新开工项目5个。"], DocumentInfo("n.txt"))
    assert none.documents.loc[0, "region"] == "unknown"
