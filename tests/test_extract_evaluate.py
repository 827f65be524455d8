"""Scoring a draft against a curated dataset (analysis.extract.evaluate) on hand-made drafts.

The reference is a small synthetic dataset written here (a made-up document ``synth.txt`` of the made-up region
Testland, not from any source document); the drafts are written by hand so that every count below is known:
a known miss, a false positive, a duplicate, a damaged match, an excused extra.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import load_dataset
from analysis.extract.core import DRAFT_TABLES, Draft, empty_table
from analysis.extract.evaluate import evaluate, proposed_figures, reference_figures

from conftest import write_dataset

DOC, DOC2 = "synth.txt", "other.txt"

_OBS = {"region": "Testland", "measure": "flow", "indicator": "fixed_asset_investment", "indicator_zh": "固定资产投资",
        "status": "actual", "period": "2022", "qualifier": "exact", "quality": "ok", "doc": DOC}

#: The reference (synthetic): 12 figures on doc synth.txt, 1 on other.txt.
REFERENCE_ROWS = {
    "documents": [
        {"doc": d, "title_en": "Synthetic test document", "kind": "work_summary", "published": "2022",
         "period": "2022", "region": "Testland", "damaged": "false", "note": "synthetic"} for d in (DOC, DOC2)],
    "observations": [
        # line 3: a level with its growth (2 figures)
        dict(_OBS, obs_id="s-o01", value="2075000000", unit="yuan", raw="20.75亿元", yoy_pct="42.45",
             yoy_qualifier="exact", yoy_raw="42.45%", line="3"),
        # line 4: a target count
        dict(_OBS, obs_id="s-o02", indicator="signed_projects_100m_plus", indicator_zh="签约亿元以上项目",
             status="target", value="25", unit="count", raw="25个", line="4"),
        # line 5: a damaged figure (value empty, never repaired)
        dict(_OBS, obs_id="s-o03", indicator="enterprises_new", indicator_zh="新投产企业", unit="count", raw="2023家",
             quality="damaged", period="unknown", line="5", note="synthetic damaged count"),
        # line 6: a rate without a level
        dict(_OBS, obs_id="s-o04", yoy_pct="13.7", yoy_qualifier="exact", yoy_raw="13.7%", line="6"),
        # other.txt line 2: one figure
        dict(_OBS, obs_id="s-o05", value="72", unit="count", raw="72个", indicator="signed_projects_100m_plus",
             indicator_zh="签约亿元以上项目", doc=DOC2, line="2"),
    ],
    "funds": [
        {"fund_id": "s-f01", "region": "Testland", "sponsor": "Testland Fund Co", "fund_type": "mixed", "n_funds": "5",
         "status": "existing", "currency": "yuan", "total_size": "5645000000", "total_size_qualifier": "exact",
         "total_size_raw": "56.45亿元", "committed": "2900000000", "committed_qualifier": "exact",
         "committed_raw": "29亿元", "paid_in": "1500000000", "paid_in_qualifier": "exact", "paid_in_raw": "15亿元",
         "as_of": "2022", "doc": DOC, "line": "7"},
    ],
    "equity_stakes": [
        {"stake_id": "s-s01", "region": "Testland", "investor": "Testland Fund Co", "investee": "测试公司",
         "n_investments": "1", "amount": "60000000", "amount_qualifier": "exact", "amount_raw": "6000万元",
         "stake_pct": "20", "stake_raw": "百分之二十", "as_of": "2022", "doc": DOC, "line": "8"},
    ],
    "projects": [
        {"project_id": "s-p01", "region": "Testland", "table_row": "1", "name_zh": "测试项目", "name_en": "Test project",
         "sector": "new_materials", "total_investment": "10000000000", "total_investment_qualifier": "exact",
         "total_investment_raw": "100", "land": "1000", "land_unit": "mu", "land_raw": "1000", "stage": "negotiation",
         "stage_as_of": "2022-01", "doc": DOC, "line": "9"},
    ],
}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    return load_dataset(write_dataset(tmp_path_factory.mktemp("synth"), REFERENCE_ROWS))


def _draft(rows: dict[str, list[dict]], docs=(DOC,)) -> Draft:
    """A draft with the given rows (missing columns empty), values written as the extractor may: strings."""
    tables = {t: pd.DataFrame(rows.get(t, []), dtype=object).reindex(columns=empty_table(t).columns)
              for t in DRAFT_TABLES}
    return Draft(pd.DataFrame({"doc": list(docs)}), tables, pd.DataFrame())


def _p(**kw) -> dict:
    """A proposed observation row on synth.txt (status actual, period 2022, exact, ok unless given)."""
    return {"region": "Testland", "status": "actual", "period": "2022", "qualifier": "exact", "quality": "ok",
            "doc": DOC, **kw}


#: The hand-made draft: 13 proposed figures; 10 match, 1 is an excused extra, 2 are false positives.
DRAFT_ROWS = {
    "observations": [
        _p(value="2075000000", unit="yuan", raw="20.75亿元", yoy_pct="42.45", yoy_raw="42.45%", line=3),  # 2 matches
        _p(value="25", unit="count", raw="25个", line=4),            # match; status wrong (reference: target)
        _p(value="25", unit="count", raw="25个", line=4),            # duplicate: a false positive
        _p(unit="count", raw="2023家", quality="damaged", line=5),    # damaged match; period wrong (unknown)
        _p(value="2023", unit="count", raw="2023年", line=9),         # false positive (a year read as a count)
        _p(value="20", unit="person_time", raw="20余人次", qualifier="more_than", line=10),  # listed extra
        # line 6 (the 13.7% rate) is not proposed: a known miss
    ],
    "funds": [{"doc": DOC, "line": 7, "currency": "yuan", "total_size": "5645000000", "committed": 2.9e9}],  # paid_in missed
    "equity_stakes": [{"doc": DOC, "line": 8, "amount": 6e7, "stake_pct": "20"}],
    "projects": [{"doc": DOC, "line": 9, "total_investment": 1e10, "land": 1000, "land_unit": "mu"}],
}

EXTRAS = pd.DataFrame([{"doc": DOC, "line": 10, "raw": "20余人次", "reason": "training count (synthetic)"}])


def test_reference_figures_lists_levels_growth_damaged_and_table_figures(reference):
    ref = reference_figures(reference)
    mine = ref[ref["doc"] == DOC]
    assert len(mine) == 12
    assert mine["kind"].value_counts().to_dict() == {"level": 9, "growth": 2, "damaged": 1}
    growth = mine[mine["kind"] == "growth"].set_index("line")
    assert growth.loc[3, "value"] == pytest.approx(42.45) and growth.loc[6, "value"] == pytest.approx(13.7)
    assert set(growth["unit"]) == {"percent"}
    level3 = mine[(mine["line"] == 3) & (mine["kind"] == "level")].iloc[0]
    assert (level3["value"], level3["unit"], level3["yoy"]) == (2075000000.0, "yuan", 42.45)
    damaged = mine[mine["kind"] == "damaged"].iloc[0]
    assert (damaged["line"], damaged["raw"], math.isnan(damaged["value"])) == (5, "2023家", True)
    cols = dict(zip(mine["column"] + "@" + mine["table"], mine["unit"]))
    assert cols["total_size@funds"] == "yuan" and cols["stake_pct@equity_stakes"] == "percent"
    assert cols["land@projects"] == "mu" and cols["total_investment@projects"] == "yuan"
    assert mine.loc[mine["column"] == "total_investment", "value"].item() == 1e10


def test_proposed_figures_reads_strings_and_percent_cells():
    figs = proposed_figures(_draft({"observations": [_p(value="63.5%", unit="percent", raw="63.5%", line=2)]}))
    assert figs[["line", "value", "unit", "kind"]].values.tolist() == [[2, 63.5, "percent", "level"]]


def test_scores_a_known_miss_a_false_positive_a_duplicate_and_a_damaged_match(reference):
    ev = evaluate(_draft(DRAFT_ROWS), reference, extras=EXTRAS)
    row = ev.per_document.set_index("doc").loc[DOC]
    assert (row["reference"], row["proposed"], row["matched"], row["extras"]) == (12, 13, 10, 1)
    assert (row["missed"], row["false_positives"]) == (2, 2)
    assert row["recall"] == pytest.approx(10 / 12)
    assert row["precision"] == pytest.approx(11 / 13)
    # matched observation figures: line-3 level and growth, line-4 level, line-5 damaged
    assert (row["status_n"], row["status_acc"]) == (4, pytest.approx(3 / 4))
    assert (row["period_n"], row["period_acc"]) == (4, pytest.approx(3 / 4))
    assert (row["qualifier_n"], row["qualifier_acc"]) == (4, 1.0)
    assert (row["growth_n"], row["growth_acc"]) == (1, 1.0)
    misses = sorted(zip(ev.misses["line"], ev.misses["column"]))
    assert misses == [(6, "yoy_pct"), (7, "paid_in")]
    fps = sorted(zip(ev.false_positives["line"], ev.false_positives["raw"]))
    assert fps == [(4, "25个"), (9, "2023年")]
    assert ev.excused["reason"].tolist() == ["training count (synthetic)"]
    assert ev.per_document["doc"].tolist() == [DOC]  # docs default to the draft's documents


def test_without_extras_the_extra_counts_against_precision(reference):
    ev = evaluate(_draft(DRAFT_ROWS), reference)
    row = ev.per_document.iloc[0]
    assert (row["extras"], row["false_positives"], row["precision"]) == (0, 3, pytest.approx(10 / 13))


def test_an_extra_excuses_one_proposal_only(reference):
    twice = {"observations": [_p(value="20", unit="person_time", raw="20余人次", line=10)] * 2}
    row = evaluate(_draft(twice), reference, extras=EXTRAS).per_document.iloc[0]
    assert (row["proposed"], row["extras"], row["false_positives"], row["precision"]) == (2, 1, 1, 0.5)


@pytest.mark.parametrize("raw, value, excused", [
    ("20余人次(培训)", "20", True),   # text containing the listed raw, same value and unit
    ("余人次", "20", True),           # text inside the listed raw, same value and unit
    ("20人次", "20", False),          # another text with the same value: not the listed figure
    ("20余人次", "21", True),         # the same text: the listed figure, whatever the value read
    ("余人次", "21", False),          # overlapping text, another value
])
def test_an_extra_is_the_same_text_or_overlapping_text_with_the_same_value(reference, raw, value, excused):
    draft = _draft({"observations": [_p(value=value, unit="person_time", raw=raw, line=10)]})
    assert evaluate(draft, reference, extras=EXTRAS).per_document.iloc[0]["extras"] == int(excused)


@pytest.mark.parametrize("factor, matches", [(1 + 5e-7, True), (1 - 5e-7, True), (1 + 2e-6, False)])
def test_values_match_within_a_relative_1e_6(reference, factor, matches):
    draft = _draft({"observations": [_p(value=2075000000 * factor, unit="yuan", line=3)]})
    assert evaluate(draft, reference).per_document.iloc[0]["matched"] == int(matches)


@pytest.mark.parametrize("change", [{"line": 4}, {"unit": "usd"}, {"doc": DOC2}])
def test_a_figure_on_another_line_unit_or_document_does_not_match(reference, change):
    draft = _draft({"observations": [_p(value="2075000000", unit="yuan", line=3) | change]}, docs=(DOC, DOC2))
    assert evaluate(draft, reference).totals()["matched"] == 0


def test_a_growth_rate_matches_only_a_growth_figure(reference):
    as_level = _draft({"observations": [_p(value="13.7", unit="percent", line=6)]})
    as_growth = _draft({"observations": [_p(yoy_pct="13.7", yoy_raw="13.7%", line=6)]})
    assert evaluate(as_level, reference).totals()["matched"] == 0
    assert evaluate(as_growth, reference).totals()["matched"] == 1


def test_a_damaged_figure_matches_only_a_damaged_proposal(reference):
    repaired = _draft({"observations": [_p(value="2023", unit="count", raw="2023家", line=5)]})
    flagged = _draft({"observations": [_p(unit="count", raw="2023家", quality="damaged", line=5)]})
    assert evaluate(repaired, reference).totals()["matched"] == 0
    assert evaluate(flagged, reference).totals()["matched"] == 1


def test_growth_wrongly_attached_is_scored_wrong(reference):
    draft = _draft({"observations": [_p(value="25", unit="count", status="target", yoy_pct="5", line=4)]})
    row = evaluate(draft, reference).per_document.iloc[0]
    assert (row["matched"], row["growth_n"], row["growth_acc"]) == (1, 1, 0.0)


def test_per_document_and_summary_pool_the_documents(reference):
    draft = _draft(DRAFT_ROWS, docs=(DOC, DOC2))
    ev = evaluate(draft, reference, extras=EXTRAS)
    other = ev.per_document.set_index("doc").loc[DOC2]
    assert (other["reference"], other["proposed"], other["recall"]) == (1, 0, 0.0)
    assert math.isnan(other["precision"])
    total = ev.summary().set_index("doc").loc["all"]
    assert (total["reference"], total["proposed"], total["matched"]) == (13, 13, 10)
    assert total["recall"] == round(10 / 13, 3) and ev.precision == pytest.approx(11 / 13)
    only = evaluate(draft, reference, docs=[DOC2])
    assert only.per_document["doc"].tolist() == [DOC2] and only.totals()["reference"] == 1


def test_the_embedded_dataset_scored_against_itself_is_perfect():
    ds = load_dataset()
    ev = evaluate(ds, ds)  # a loaded dataset (as a draft folder is read) scores like a draft
    t = ev.totals()
    assert t["reference"] == t["matched"] == t["proposed"] and t["reference"] > 200
    assert (t["recall"], t["precision"], t["status_acc"], t["period_acc"], t["qualifier_acc"]) == (1, 1, 1, 1, 1)
    damaged = reference_figures(ds).query("kind == 'damaged'")
    assert sorted(zip(damaged["doc"].str[:3], damaged["line"], damaged["raw"])) == [
        ("004", 19, "202300亩"), ("004", 23, "2023家"), ("004", 23, "2023家")]


def test_a_list_of_drafts_is_scored_as_one(reference):
    second = _draft({"observations": [_p(value="72", unit="count", raw="72个", doc=DOC2, line=2)]}, docs=(DOC2,))
    ev = evaluate([_draft(DRAFT_ROWS), second], reference, extras=EXTRAS)
    assert ev.per_document["doc"].tolist() == [DOC, DOC2]
    assert ev.per_document["matched"].tolist() == [10, 1]
    assert (ev.totals()["reference"], ev.totals()["proposed"]) == (13, 14)


@pytest.fixture(scope="module")
def twin_reference(tmp_path_factory):
    """Synthetic: one figure of the text (478公顷 on line 2) recorded twice, as an observation and a project's land."""
    rows = {"documents": REFERENCE_ROWS["documents"][:1],
            "observations": [dict(_OBS, obs_id="t-o01", indicator="wetland_park_area", indicator_zh="湿地公园",
                                  status="plan", value="4780000", unit="m2", raw="478公顷", line="2")],
            "projects": [dict(REFERENCE_ROWS["projects"][0], total_investment="", total_investment_raw="",
                              total_investment_qualifier="", land="4780000", land_unit="m2", land_raw="478公顷",
                              line="2")]}
    return load_dataset(write_dataset(tmp_path_factory.mktemp("twin"), rows))


def test_a_figure_recorded_in_two_tables_is_found_by_one_proposal(twin_reference):
    once = _draft({"observations": [_p(value="4780000", unit="m2", raw="478公顷", status="plan", line=2)]})
    row = evaluate(once, twin_reference).per_document.iloc[0]
    assert (row["reference"], row["matched"], row["proposals_matched"], row["proposed"]) == (2, 2, 1, 1)
    assert (row["recall"], row["precision"], row["false_positives"]) == (1.0, 1.0, 0)
    both = _draft({"observations": once.tables["observations"].to_dict("records"),
                   "projects": [{"doc": DOC, "line": 2, "land": 4780000, "land_unit": "m2", "land_raw": "478公顷"}]})
    row = evaluate(both, twin_reference).per_document.iloc[0]
    assert (row["matched"], row["proposals_matched"], row["proposed"], row["precision"]) == (2, 2, 2, 1.0)
    other_value = _draft({"observations": [_p(value="4780", unit="m2", raw="478公顷", line=2)]})
    assert evaluate(other_value, twin_reference).per_document.iloc[0]["matched"] == 0
