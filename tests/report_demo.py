"""A small synthetic report (made-up regions and figures, for the rendering tests only): every feature of the
report model once: key findings, a long table that folds, money scaled to 亿 with qualifiers, a wide table, a
hostile region name, a figure, source ids linking to the provenance appendix."""

from __future__ import annotations

import pandas as pd

from analysis.reporting import Col, Figure, Report, Section, Table

QUALIFIERS = ["exact", "at_least", "about", "more_than", "just_under", "at_most"]


def demo_report() -> Report:
    """The synthetic report (deterministic)."""
    n = 24  # a long table: folded behind its summary line
    regions = [f"Region {i:02d}" for i in range(n - 1)] + ["<script>alert(1)</script>"]
    levels = pd.DataFrame({
        "region": regions,
        "total": [1111111111.111111 * (i + 1) for i in range(n)],
        "total_q": [QUALIFIERS[i % len(QUALIFIERS)] for i in range(n)],
        "growth": [12.345 - i * 1.5 for i in range(n)],
        "share": [(i + 1) / 300 for i in range(n)],
        "reached": [i % 2 == 0 for i in range(n)],
        "projects": [float(i * 3) for i in range(n)],
        "obs_id": [f"obs-{i:03d}" for i in range(n)],
    })
    t_levels = Table(levels, "Investment by region (synthetic)", [
        Col("region", "Region"), Col("total", "Total investment (亿元)", "money", scale="亿", qualifier="total_q"),
        Col("growth", "Growth (%)", "pct_signed"), Col("share", "Share of the total (%)", "share"),
        Col("reached", "Target reached", "bool"), Col("projects", "Projects", "int"), Col("obs_id", "Source")],
        source="synthetic figures made in tests/report_demo.py", ids="obs_id")
    wide = pd.DataFrame({f"indicator_{j}": [1234567.891 * (j + 1) * (i + 1) for i in range(4)] for j in range(14)})
    wide.insert(0, "period", ["2024Q1", "2024Q2", "2024Q3", "2024Q4"])
    wide["dated"] = pd.to_datetime(["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"])
    t_wide = Table(wide, "A wide table: fourteen money columns in 万元 (synthetic)",
                   [Col("period", "Period", "period"), Col("dated", "Date", "date")]
                   + [Col(f"indicator_{j}", f"Indicator {j} (万元)", "money", scale="万") for j in range(14)],
                   source="synthetic")
    funds = pd.DataFrame({"fund": ["甲基金", "乙基金", "丙基金"], "size": [5e9, 2.2e9, 6.7e7],
                          "unit": ["yuan", "yuan", "usd"], "q": ["at_least", "exact", "about"],
                          "leverage": [1.94661, 3.0, None], "p": [0.0004, 0.0421, 0.5]})
    t_funds = Table(funds, "Funds (synthetic)", [
        Col("fund", "Fund"), Col("size", "Size", "money", unit="unit", qualifier="q"),
        Col("leverage", "Leverage (×)", "multiple"), Col("p", "p-value", "p")], source="synthetic")

    import matplotlib

    matplotlib.use("Agg")
    from analysis.plots import bar_growth

    fig = bar_growth(pd.DataFrame({"label": ["临海", "仙居", "玉环"], "value": [132e8, 80e8, 45e8],
                                   "growth_pct": [12.3, -4.5, 8.0]}), title="合成数据 (synthetic)")
    figure = Figure(fig, "Levels and growth of three regions (synthetic)",
                    alt="Two bar panels: levels of 132, 80 and 45 亿元; growth of +12.3 %, -4.5 % and +8.0 %.")
    s1 = Section("levels", "Levels and growth", "Which region invests most?",
                 ["**Region 23** leads with 266.67亿元.", "Growth ranges from -22.2 % to +12.3 %."],
                 [t_levels, figure], key=["**Region 23** leads with 266.67亿元 (synthetic)."])
    s2 = Section("wide", "A wide table", "Does a wide table stay inside the page?",
                 ["Fourteen columns scroll inside their box."], [t_wide, "A paragraph with `code` in it."],
                 key=["A wide table of **14** money columns stays inside the page."])
    s3 = Section("funds", "Funds", "How large are the funds?", ["Three funds, one in USD."], [t_funds],
                 key=["The largest fund holds **at least 50亿元**."])
    prov = Table(pd.DataFrame({"table": "observations", "id": levels["obs_id"], "figure": [f"{i}亿元" for i in range(n)],
                               "doc": "synthetic.md", "line": range(1, n + 1)}), "Every source figure (synthetic)",
                 [Col("table", "Table"), Col("id", "Id"), Col("figure", "Figure as written"), Col("doc", "Document"),
                  Col("line", "Line", "int")], source="synthetic")
    return Report("90-demo", "A synthetic report", "Does the report model render as a publication?",
                  {"regions": None, "top_k": 3}, "synthetic data made in tests/report_demo.py",
                  [s1, s2, s3], provenance=prov, intro="Everything here is made up for the tests.",
                  fingerprint="0000synthetic")
