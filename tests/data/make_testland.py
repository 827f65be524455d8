"""Write tests/data/testland/: a SYNTHETIC dataset of a made-up region, for tests only.

"Testland" and its districts do not exist; no figure here comes from any document. The data is shaped so that
every study has something to compute: components of investment with growth rates, several districts sharing
periods (scoreboard), funds with committed and paid-in capital, targets beside actuals, projects with stages
and milestones, and a table of actual milestone dates. Run: python tests/data/make_testland.py
"""

from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from conftest import write_dataset  # noqa: E402

DOC = "testland.txt"
doc = [{"doc": DOC, "title_en": "Synthetic test data for Testland (made up)", "kind": "work_summary",
        "publisher": "tests", "published": "2023", "period": "2023", "region": "Testland", "damaged": "false",
        "note": "synthetic"}]


def obs(i, region, period, indicator, status, value, unit, raw, yoy=None, yoy_raw=None, measure="flow", q="exact",
        entity=None, zh="指标"):
    return {"obs_id": f"t-o{i:02d}", "region": region, "entity": entity, "period": period, "measure": measure,
            "indicator": indicator, "indicator_zh": zh, "status": status, "value": value, "unit": unit,
            "qualifier": q if value is not None else None, "raw": raw, "yoy_pct": yoy,
            "yoy_qualifier": "exact" if yoy is not None else None, "yoy_raw": yoy_raw, "quality": "ok",
            "doc": DOC, "line": i}


rows = []
n = 0
def add(*a, **k):
    global n
    n += 1
    rows.append(obs(n, *a, **k))

# total and components (consistent by construction: bases 10 + 5 = 15, total 18 = 12 + 6)
add("Testland", "2022", "fixed_asset_investment", "actual", "1800000000", "yuan", "18亿元", "20", "20%", zh="固定资产投资")
add("Testland", "2022", "government_investment", "actual", "1200000000", "yuan", "12亿元", "20", "20%", zh="政府性投入")
add("Testland", "2022", "industrial_investment", "actual", "600000000", "yuan", "6亿元", "20", "20%", zh="工业性投入")
add("Testland", "2023", "fixed_asset_investment", "actual", "2100000000", "yuan", "21亿元", "16.67", "16.67%", zh="固定资产投资")
add("Testland", "2024", "fixed_asset_investment", "target", "2400000000", "yuan", "24亿元", zh="固定资产投资")
add("Testland", "2023", "fixed_asset_investment", "target", "2000000000", "yuan", "20亿元", zh="固定资产投资")
add("Testland", "2023", "industrial_investment", "target", "800000000", "yuan", "8亿元", zh="工业性投入")
add("Testland", "2023", "industrial_investment", "actual", "700000000", "yuan", "7亿元", "16.67", "16.67%", zh="工业性投入")
add("Testland", "2023Q1", "new_start_projects", "actual", None, None, None, "50", "50%", zh="新开工项目")
add("Testland", "2023Q1", "new_start_projects_investment", "actual", "3000000000", "yuan", "30亿元", "200", "增长2倍", zh="新开工项目总投资")
add("Testland", "2023", "new_loans", "plan", "5000000000", "yuan", "50亿元", zh="新增贷款")
add("Testland", "2023Q1", "loans_disbursed", "actual", "1500000000", "yuan", "15亿元", zh="放款")
add("Testland", "2023", "signed_projects_100m_plus", "target", "10", "count", "10个", zh="签约亿元以上项目")
add("Testland", "2023", "signed_projects_100m_plus", "actual", "12", "count", "12个", zh="签约亿元以上项目")
for region, values in (("Testland North", (12, 15, 9)), ("Testland South", (18, 8, 11)), ("Testland East", (7, 10, 14))):
    for period, g in zip(("2022Q1", "2022Q2", "2022Q3"), values):
        add(region, period, "fixed_asset_investment", "actual", None, None, None, str(g), f"{g}%", zh="固定资产投资")
for period, g in zip(("2022Q1", "2022Q2", "2022Q3"), (10, 12, 13)):
    add("Testland", period, "fixed_asset_investment", "actual", None, None, None, str(g), f"{g}%", zh="固定资产投资")

funds = [
    {"fund_id": "t-f01", "region": "Testland", "sponsor": "Testland Investment Group", "fund_type": "mixed", "n_funds": "4",
     "status": "existing", "currency": "yuan", "total_size": "4000000000", "total_size_qualifier": "exact",
     "total_size_raw": "40亿元", "committed": "1000000000", "committed_qualifier": "exact", "committed_raw": "10亿元",
     "paid_in": "600000000", "paid_in_qualifier": "exact", "paid_in_raw": "6亿元", "as_of": "2023", "doc": DOC, "line": "40"},
    {"fund_id": "t-f02", "region": "Testland", "sponsor": "Testland Investment Group", "fund_type": "mother", "part_of": "t-f01",
     "n_funds": "1", "status": "existing", "currency": "yuan", "as_of": "2023", "doc": DOC, "line": "40"},
    {"fund_id": "t-f03", "region": "Testland", "sponsor": "Testland Investment Group", "fund_type": "sub", "part_of": "t-f01",
     "n_funds": "3", "status": "existing", "currency": "yuan", "as_of": "2023", "doc": DOC, "line": "40"},
    {"fund_id": "t-f04", "region": "Testland", "sponsor": "Testland government", "fund_type": "industry", "n_funds": "1",
     "status": "planned", "currency": "yuan", "total_size": "3000000000", "total_size_qualifier": "at_least",
     "total_size_raw": "30亿元以上", "as_of": "2023", "doc": DOC, "line": "41"},
]
stakes = [{"stake_id": "t-s01", "region": "Testland", "investor": "Testland Investment Group", "investee": "测试公司",
           "n_investments": "1", "amount": "50000000", "amount_qualifier": "exact", "amount_raw": "5000万元",
           "stake_pct": "25", "stake_raw": "百分之二十五", "as_of": "2023", "doc": DOC, "line": "42"}]
projects, milestones = [], []
spec = [("t-p01", "测试新材料产业园", "Test new materials park", "new_materials", "100", "500", "signed", "开发区"),
        ("t-p02", "测试医药项目", "Test pharma project", "chemicals_pharma", "20", "120", "negotiation", "开发区"),
        ("t-p03", "测试数字产业园", "Test digital park", "digital_economy", "8", "60", "construction", "科技局")]
for i, (pid, zh, en, sector, inv, land, stage, unit) in enumerate(spec, start=1):
    projects.append({"project_id": pid, "region": "Testland", "table_row": str(i), "name_zh": zh, "name_en": en,
                     "sector": sector, "total_investment": str(int(float(inv) * 1e8)), "total_investment_qualifier": "exact",
                     "total_investment_raw": inv, "land": land, "land_unit": "mu", "land_raw": land, "investor_zh": "测试集团",
                     "stage": stage, "stage_as_of": "2023-01", "leaders_zh": "测试领导", "lead_unit_zh": unit,
                     "doc": DOC, "line": str(50 + i)})
for pid, plan in (("t-p01", [("2023-03", "signed", "signed"), ("2023-05", "landed", "landed"), ("2023-09", "construction_start", "construction")]),
                  ("t-p02", [("2023-04/2023-06", "signed", "signed"), ("2023-12", "land_acquired", "land_acquired")]),
                  ("t-p03", [("2023-02", "construction_start", "construction"), ("2023-11", "production_start", "production")])):
    for j, (planned, kind, stage) in enumerate(plan, start=1):
        milestones.append({"milestone_id": f"{pid}-m{j:02d}", "project_id": pid, "planned": planned, "kind": kind,
                           "stage": stage, "description_en": kind.replace("_", " "), "raw": None, "doc": DOC, "line": "60"})

folder = Path(__file__).parent / "testland"
write_dataset(folder, {"documents": doc, "observations": rows, "funds": funds, "equity_stakes": stakes,
                       "projects": projects, "milestones": milestones})
(folder / "actual_dates.csv").write_text(
    "milestone_id,actual_date\nt-p01-m01,2023-03-20\nt-p01-m02,2023-07-15\nt-p02-m01,\nt-p03-m01,2023-02-10\n",
    encoding="utf-8")
print(f"wrote {folder}")
