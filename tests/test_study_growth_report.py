"""Study 01's report (analysis.studies.growth.run and its section functions): the findings' sentences, golden.

Expected sentences are written out from values computed by hand (the arithmetic in a comment beside each), on the
embedded dataset (document and line cited) and on the synthetic test region tests/data/testland (SYNTHETIC, made
for tests). Frames built inside a test are synthetic too.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.reporting import Report
from analysis.studies import growth

TESTLAND = Path(__file__).parent / "data" / "testland"
SECTIONS = ["scope", "levels", "components", "count-value", "times", "scoreboard", "trends"]


@pytest.fixture(scope="module")
def default():
    return growth.run()


@pytest.fixture(scope="module")
def testland():
    return growth.run(data_dir=str(TESTLAND))


def test_report_shape(default):
    assert isinstance(default, Report) and [s.id for s in default.sections] == SECTIONS
    assert 3 <= len(default.key_findings) <= 6
    assert default.data == "embedded dataset (data/default)" and default.fingerprint
    for t in default.tables:  # human headers, every table captioned with a source note
        assert t.caption and t.source
        assert all("_" not in c.label and c.label[0].isupper() for c in t.columns), t.caption


#: The key findings, in order, on the embedded dataset and on the synthetic test region.
KEY_FINDINGS = {
    "default": [
        # doc 004 line 14: industrial 13.55亿元 +41.18 %: increment 13.55 - 13.55/1.4118 = 3.9523亿元; total base
        # 20.75/1.4245 = 14.5665亿元 -> pull 27.13 pp; share 3.9523 / 6.1835 = 63.9 %
        "Eastern cluster, period unknown: 工业性投入 (industrial) grew +41.18 %, adding 3.95亿元 over its implied base: "
        "a pull of **+27.13 pp** on the total's growth, a contribution share of **63.9 %**.",
        # doc 001 line 61: projects +65.1 %, investment +246 % -> 3.46 / 1.651 = 2.0957: +109.6 %
        "**Taizhou**, 2022Q1: the number of new-start projects grew +65.1 % and their investment +246.0 %, so the "
        "average project grew **+109.6 %** in size (×2.1): the growth came mostly from bigger projects.",
        # doc 001 line 65: 132亿元 增长7倍多 -> base at most 132 / 8 = 16.5亿元; misread 132 / 7 = 18.86亿元, 8/7 - 1 = 14.3 %
        "**Linhai**, 2022Q1: 132亿元, 增长7倍多. Read correctly (+700 %, ×8), the base was **不超过16.5亿元** (an "
        "upper bound). Read as ×7, it would be 18.86亿元, 14.3 % too high.",
        # Taizhou 2022Q1 13.7 % (doc 001 line 10) is alone in its period; the eastern cluster's period is unknown
        "No period has several regions with comparable growth rates of **fixed_asset_investment**, so no scoreboard "
        "can be ranked and no rank stability computed. Of the 2 rate(s) reported: 1 only region in its period; 1 "
        "period unknown.",
        # doc 001 line 65: Linhai's 132亿元 is the only investment level of a year, quarter or month
        "No trend can be estimated: the longest series of investment levels has n = 1 (Linhai, "
        "new_start_projects_investment, 2022Q1 to 2022Q1), and a log-linear trend needs at least 3 levels. 1 series "
        "in all.",
    ],
    "testland": [
        # 2022: total 18亿元 +20 % -> base 15; government 12亿元 +20 % -> base 10, increment 2 -> pull 2/15 = 13.33 pp,
        # share 2/3 = 66.7 % (the larger pull of the two)
        "Testland, period 2022: 政府性投入 (government) grew +20.00 %, adding 2亿元 over its implied base: a pull of "
        "**+13.33 pp** on the total's growth, a contribution share of **66.7 %**.",
        # 2023Q1: projects +50 %, investment +200 % -> 3 / 1.5 = 2: +100 %
        "**Testland**, 2023Q1: the number of new-start projects grew +50.0 % and their investment +200.0 %, so the "
        "average project grew **+100.0 %** in size (×2): the growth came mostly from bigger projects.",
        # 30亿元 增长2倍 -> base 30/3 = 10亿元 exactly; misread 30/2 = 15亿元, 3/2 - 1 = 50 %
        "**Testland**, 2023Q1: 30亿元, 增长2倍. Read correctly (+200 %, ×3), the base was **10亿元** (exact). Read as "
        "×2, it would be 15亿元, 50.0 % too high.",
        # ranks by quarter (t-o15..t-o26): Q1 South 18 > North 12 > Testland 10 > East 7; Q2 North 15 > Testland 12 >
        # East 10 > South 8; Q3 East 14 > Testland 13 > South 11 > North 9: Testland in the top 3 every quarter
        "Over 3 period(s) the top 3 reward went 3 time(s) to Testland, the most of any region; every ranked region "
        "was rewarded at least once.",
        # fixed-asset investment levels 2022 and 2023 only: n = 2 < 3
        "No trend can be estimated: the longest series of investment levels has n = 2 (Testland, "
        "fixed_asset_investment, 2022 to 2023), and a log-linear trend needs at least 3 levels. 4 series in all.",
    ],
}


@pytest.mark.parametrize("data", list(KEY_FINDINGS))
def test_key_findings(data, default, testland):
    report = {"default": default, "testland": testland}[data]
    assert [k for k, _ in report.key_findings] == KEY_FINDINGS[data]
    assert [s.id for _, s in report.key_findings] == ["components", "count-value", "times", "scoreboard", "trends"]


def test_section_findings_on_the_embedded_data(default):
    assert default["scope"].findings == [
        "Regions studied: Linhai, Taizhou, Xianju, Yuhuan, Yiwu, Eastern cluster. Outcomes only (status `actual`): "
        "82 figure(s); 1 damaged figure(s) left out (never repaired)."]
    lv = default["levels"].findings
    # six investment rates: Taizhou FAI and new starts (no level), Linhai 132亿元, the eastern cluster's three
    assert lv[0] == ("6 investment figure(s) carry a growth rate; 4 of them also give a level, so a base can be "
                     "implied; 2 are rates without a level (their base cannot be known from the document).")
    assert lv[1] == ("**Linhai**, 开工入库重点项目总投资 (2022Q1): 132亿元 with growth written 增长7倍多: the implied "
                     "base is **an upper bound**, 不超过16.5亿元.")
    comp = default["components"].findings
    # levels 7.2 + 13.55 = 20.75 (tolerance 0.05 + 0.005 + 0.005 = 0.06亿元 = 600万元)
    assert ("Eastern cluster, period unknown: the components are consistent with the total. Their levels sum to "
            "20.75亿元 against the reported 20.75亿元 (tolerance ±600万元)") in comp[2]
    # doc 004 line 14: 6.93 / 7.2 = 96.25 % -> 96.2 % (round half to even on 96.25)
    assert comp[3] == ("Eastern XX county district (东部XX县区) accounts for 96.2 % of Eastern cluster's "
                       "government_investment (6.93亿元 of 7.2亿元); it reports no growth rate, so its own pull cannot "
                       "be computed.")
    # doc 001 line 65: 132亿元 / 34 = 3.88亿元 a project
    assert default["count-value"].findings[1] == (
        "**Linhai**, 2022Q1: 34 project(s) with 132亿元 of investment, an average of 3.88亿元 per project; the growth "
        "of the number of projects is not reported, so the growth of the average size cannot be computed.")
    # doc 001 line 21: 1000万元 a quarter to the top counties, no number of places
    assert default["scoreboard"].findings[0].startswith(
        "The race's reward in the data: 1000万元 (plan), Taizhou, document 001_9c420341d3f08b1c.txt line 21")


def test_section_findings_on_the_test_region(testland):
    lv = testland["levels"].findings
    # 2023: 21 / 1.1667 = 17.999486亿元 against the published 18亿元 (t-o01): factor 0.999971
    assert lv[-1] == ("The largest gap between an implied base and the published prior-year level is for Testland "
                      "fixed_asset_investment 2023: factor 0.999971 (implied 18亿元 against published 18亿元).")
    comp = testland["components"].findings
    assert comp[-1] == ("Testland, period 2023: only 1 of the 2 components is reported, so the breakdown is partial: "
                        "the pull of what is reported is shown, and the consistency check (which needs every "
                        "component) is not run.")
    sb = testland["scoreboard"].findings
    # Spearman of the ranks Q1 -> Q2 (N 2,1; S 1,4; E 4,3; T 3,2): d^2 = 1 + 9 + 1 + 1 = 12 -> 1 - 6*12/60 = -0.2
    assert "2022Q1 → 2022Q2: rho = -0.2 (p = 0.800, n = 4 regions); n = 4 < 5: too few regions for a reliable rank " \
           "correlation." in sb
    assert sb[0].startswith("No region is left out of the ranking: the dataset does not say which region lies above")


def test_region_without_data_is_a_key_finding(nowhere_data):
    """A copy of the SYNTHETIC test region whose regions table names 'Nowhere', which has no figure."""
    data = nowhere_data
    r = growth.run(data_dir=str(data), regions="nowhere")
    assert r.key_findings[0][0] == ("No data for the region(s) asked for: **Nowhere**; the sections below say so "
                                    "where they have nothing to show.")
    assert r["levels"].findings == ["No investment figure with a growth rate is reported for the regions and period "
                                    "studied."]
    assert r["scoreboard"].findings[0].startswith("No region reports a growth rate of **fixed_asset_investment**")
    assert r["trends"].findings[0].startswith("No investment level is reported")
    assert all(s.findings for s in r.sections)


@pytest.mark.parametrize("kwargs, word", [({"top_k": 0}, "top_k"), ({"top_k": True}, "top_k"),
                                          ({"top_k": 2.5}, "top_k"), ({"indicator": " "}, "indicator"),
                                          ({"indicator": 3}, "indicator"), ({"period": "2022Q5"}, "period")])
def test_run_checks_its_parameters(kwargs, word):
    with pytest.raises(ValueError, match=word):
        growth.run(**kwargs)


def test_one_region_with_usd_and_a_bounded_level():
    """SYNTHETIC: one region, a USD level written 'more than', no parent table, no component, no pair."""
    obs = pd.DataFrame([{"obs_id": "s-1", "region": "A", "entity": np.nan, "period": "2022", "measure": "flow",
                         "indicator": "foreign_investment", "indicator_zh": "外资", "status": "actual", "value": 2e8,
                         "unit": "usd", "qualifier": "more_than", "raw": "2亿美元以上", "yoy_pct": 25.0,
                         "yoy_qualifier": "exact", "yoy_raw": "25%", "quality": "ok", "doc": "s.txt", "line": 1}])
    sec = growth.levels_section(obs)
    shown = sec.tables[0].shown()
    assert shown["Level"].iloc[0].startswith("more than") and "美元" in shown["Level"].iloc[0]
    # a bounded level leaves the increment without a bound direction
    assert "unknown" in shown["Increment"].iloc[0]
    # no row names a part of the region, so no such column; a row that does brings it back
    assert "Part of the region" not in shown.columns
    part = growth.levels_section(obs.assign(entity="Zone (区)")).tables[0].shown()
    assert part["Part of the region"].tolist() == ["Zone (区)"]
    assert growth.components_section(obs).findings[0].startswith("No region reports a total together with")
    assert growth.count_value_section(obs).findings[0].startswith("No region reports both")
    assert growth.times_section(obs).findings[0].startswith("No growth figure written as 增长N倍")
    # the base's bound: a 'more than' level with an exact rate leaves the base a lower bound, in dollars
    assert sec.findings[1] == ("**A**, 外资 (2022): more than 2亿美元 with growth written 25%: the implied base is **a "
                               "lower bound**, 超1.6亿美元.")
    # 增长N倍 of a USD level (2亿 / 3 = 6666.67万美元) and a reward without a note (SYNTHETIC)
    times = growth.times_section(obs.assign(yoy_pct=200.0, yoy_raw="增长2倍", qualifier="exact"))
    assert times.findings[0] == ("**A**, 2022: 2亿美元, 增长2倍. Read correctly (+200 %, ×3), the base was "
                                 "**6666.67万美元** (exact). Read as ×2, it would be 1亿美元, 50.0 % too high.")
    rewards = pd.DataFrame([{"obs_id": "s-2", "region": "A", "period": "2022", "status": "plan", "value": 5e6,
                             "qualifier": "exact", "raw": None, "note": np.nan, "doc": "s.txt", "line": 2}])
    race = growth.scoreboard_section(obs, rewards=rewards)
    assert race.findings[0] == ("The race's reward in the data: 500万元 (plan), A, document s.txt line 2. The document "
                                "does not say how many places are paid; this study assumes the top 3.")
