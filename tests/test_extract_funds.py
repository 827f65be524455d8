"""Funds and equity stakes from fund sentences (analysis.extract.funds).

Golden tests read the seed documents (../shared/seeds or ANALYSIS_SEEDS_DIR; skipped with the reason when absent,
via the ``seeds_dir`` fixture) and compare with the hand-curated data/default/funds.csv and equity_stakes.csv.
Synthetic sentences are written in the tests and say so.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import load_dataset
from analysis.extract.core import DocumentInfo, empty_table
from analysis.extract.funds import as_of_period, funds_from_lines, money_figures
from analysis.schema import table_meta
from analysis.units import parse_quantity

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "default"
SEED_DOCS = ["000_890bd172b6e88206.txt", "001_9c420341d3f08b1c.txt", "002_583c6829ab56027c.txt",
             "003_a07d5e58f742e788.txt"]
FUND_FIGURES = ["total_size", "committed", "paid_in"]


def _info(doc: str) -> DocumentInfo:
    docs = pd.read_csv(DEFAULT / "documents.csv", dtype=str, keep_default_na=False).set_index("doc")
    return DocumentInfo(doc, docs.at[doc, "region"], docs.at[doc, "published"] or None)


@pytest.fixture(scope="module")
def seed_rows(seeds_dir):
    out = {}
    for doc in SEED_DOCS:
        lines = (seeds_dir / doc).read_text(encoding="utf-8").splitlines()
        out[doc] = (lines, *funds_from_lines(lines, _info(doc)))
    return out


def _figures(df: pd.DataFrame, cols: list[str]) -> set[tuple]:
    """(doc, line, column, value) of every figure in ``df``."""
    return {(r["doc"], int(r["line"]), c, round(float(r[c]), 2)) for _, r in df.iterrows() for c in cols
            if pd.notna(r[c])}


def test_every_curated_fund_figure_is_found(seed_rows):
    curated = pd.read_csv(DEFAULT / "funds.csv")
    curated = curated[curated["doc"].isin(SEED_DOCS)]
    proposed = pd.concat([v[1] for v in seed_rows.values()])
    want = _figures(curated, FUND_FIGURES)
    got = _figures(proposed, FUND_FIGURES)
    assert len(want) == 8
    assert want <= got, f"curated figures not found: {sorted(want - got)}"
    assert got <= want, f"figures proposed that the curator did not take: {sorted(got - want)}"


def test_fund_groups_and_types_doc000(seed_rows):
    funds = seed_rows["000_890bd172b6e88206.txt"][1]
    top = funds[funds["part_of"].isna()]
    assert len(top) == 1
    group = top.iloc[0]
    assert (group["fund_type"], group["n_funds"], group["status"], group["as_of"], group["line"]) == \
        ("mixed", 10, "new", "2023", 66)
    assert group["total_size_raw"] == "25.45亿元" and group["sponsor"] == "临海市工投集团"
    parts = funds[funds["part_of"] == group["fund_id"]]
    assert dict(zip(parts["fund_type"], parts["n_funds"])) == {
        "mother": 1, "industry": 3, "listed_company": 1, "attraction": 2, "equity": 3}


def test_qualifiers_status_and_periods_doc001(seed_rows):
    funds = seed_rows["001_9c420341d3f08b1c.txt"][1].set_index("total_size_raw", drop=False)
    assert funds.at["近200亿元", "total_size_qualifier"] == "just_under"
    assert funds.at["近200亿元", "n_funds"] == 18 and funds.at["近200亿元", "fund_type"] == "mixed"
    assert funds.at["约230亿元", "total_size_qualifier"] == "about"
    assert funds.at["约230亿元", "n_funds"] == 31 and funds.at["约230亿元", "fund_type"] == "platform"
    assert funds.at["约230亿元", "as_of"] == "2022-05-31"
    planned = funds.loc["50亿元以上"]
    assert (planned["status"], planned["fund_type"], planned["total_size_qualifier"], planned["as_of"],
            planned["line"]) == ("planned", "industry", "at_least", "2022", 31)


def test_size_split_over_two_lines_and_set_up_sub_funds_doc003(seed_rows):
    funds = seed_rows["003_a07d5e58f742e788.txt"][1]
    assert list(funds["fund_type"]) == ["mother", "sub"]
    assert list(funds["line"]) == [27, 29]  # 设立100亿元 | (blank) | 母基金… in the flattened text
    assert funds.iloc[0]["total_size"] == 1e10 and funds.iloc[0]["status"] == "planned"
    assert pd.isna(funds.iloc[1]["total_size"]) and funds.iloc[1]["status"] == "planned"


def test_committed_paid_in_and_equity_group_doc002(seed_rows):
    _, funds, stakes, _ = seed_rows["002_583c6829ab56027c.txt"]
    row = funds.iloc[0]
    assert (row["total_size_raw"], row["committed_raw"], row["paid_in_raw"], row["n_funds"]) == \
        ("56.45亿元", "29亿元", "15亿元", 5)
    assert len(stakes) == 1
    s = stakes.iloc[0]
    assert (s["n_investments"], s["amount"], s["amount_raw"], s["line"]) == (16, 1.054e9, "10.54亿元", 21)


def test_every_curated_stake_is_found(seed_rows):
    curated = pd.read_csv(DEFAULT / "equity_stakes.csv")
    proposed = pd.concat([v[2] for v in seed_rows.values()])
    cols = ["amount", "stake_pct"]
    assert _figures(curated, cols) == _figures(proposed, cols)
    s = proposed[proposed["doc"] == "000_890bd172b6e88206.txt"].iloc[0]
    assert (s["investor"], s["investee"], s["stake_raw"], s["as_of"]) == \
        ("临海市工投集团", "浙江头门港海缆能源科技有限公司", "百分之二十", "2023")


def test_claimed_spans_are_the_figures(seed_rows):
    for doc, (lines, funds, stakes, claimed) in seed_rows.items():
        texts = {lines[ln - 1][s:e].replace(" ", "") for ln, s, e in claimed}
        raws = set(funds[[f"{c}_raw" for c in FUND_FIGURES]].stack().dropna()) | set(stakes["amount_raw"].dropna())
        assert raws <= texts, f"{doc}: raw figures not claimed: {raws - texts}"
    claimed = seed_rows["000_890bd172b6e88206.txt"][3]
    assert (66, 54, 56) in claimed  # 1支 of 母基金1支 (a count of funds, not an observation)


def test_raw_round_trips(seed_rows):
    for _, funds, stakes, _ in seed_rows.values():
        for _, r in funds.iterrows():
            for c in FUND_FIGURES:
                if r[f"{c}_raw"] is not None:
                    q = parse_quantity(r[f"{c}_raw"])
                    assert (q.value, q.qualifier) == (r[c], r[f"{c}_qualifier"])


def test_synthetic_sentences():
    # synthetic text, written for this test
    lines = ["某某市科创集团拟设立天使基金2支,总规模约3000万美元。",
             "",
             "该集团新设并购基金1只,认缴出资额5亿元,实缴2.5亿元;另与某公司签约10亿元项目。",
             "市国资公司出资1200万元,占股15%。"]
    funds, stakes, claimed = funds_from_lines(lines, DocumentInfo("syn.txt", "Someplace", "2024-06"))
    assert list(funds["fund_type"]) == ["venture", "merger"]
    angel, merger = funds.iloc[0], funds.iloc[1]
    assert (angel["status"], angel["n_funds"], angel["currency"], angel["total_size"],
            angel["total_size_qualifier"]) == ("planned", 2, "usd", 3e7, "about")
    assert angel["sponsor"] == "某某市科创集团" and merger["sponsor"] == "某某市科创集团"
    assert (merger["status"], merger["committed"], merger["paid_in"], merger["line"]) == ("new", 5e8, 2.5e8, 3)
    assert pd.isna(merger["total_size"])  # the 10亿元 of a signed project is no fund figure
    s = stakes.iloc[0]
    assert (s["amount"], s["stake_pct"], s["stake_raw"], s["line"]) == (1.2e7, 15.0, "15%", 4)
    assert (4, 7, 13) in claimed and lines[3][7:13] == "1200万元"


def test_no_fund_without_figures_or_set_up():
    # synthetic: fund words without figures or a set-up verb, and a team member that is "one fund"
    lines = ["推动产业基金运作,多形式支持重大产业招商。", "每个专班由一名市领导、一支基金、一个基地组成。"]
    funds, stakes, claimed = funds_from_lines(lines, DocumentInfo("syn.txt", "X", None))
    assert funds.empty and stakes.empty and not claimed


def test_money_figures_and_periods():
    figs = money_figures("签约10亿元,超过5000万元,近 200 亿元")
    assert [(f.raw, f.qualifier) for f in figs] == [("10亿元", "exact"), ("超过5000万元", "at_least"),
                                                    ("近200亿元", "just_under")]
    assert as_of_period("2023-12", "今年新增") == "2023"
    assert as_of_period("2022-05-31", "目前") == "2022-05-31"
    assert as_of_period(None, "今年") == "unknown"


def write_folder(folder: Path, doc: str, tables: dict[str, pd.DataFrame]) -> None:
    """A dataset folder with one (almost empty) documents.csv row for ``doc`` and the given tables."""
    docs = empty_table("documents")
    docs.loc[0] = {c: None for c in docs.columns}
    docs.loc[0, ["doc", "title_en", "kind", "period", "region", "damaged"]] = [doc, "draft", "other", "unknown",
                                                                              "Someplace", "false"]
    docs.to_csv(folder / "documents.csv", index=False)
    for t, df in tables.items():
        assert list(df.columns) == table_meta(t).column_names
        df.to_csv(folder / f"{t}.csv", index=False)


def test_rows_load(tmp_path, seed_rows):
    lines, funds, stakes, _ = seed_rows["002_583c6829ab56027c.txt"]
    write_folder(tmp_path, "002_583c6829ab56027c.txt", {"funds": funds, "equity_stakes": stakes})
    ds = load_dataset(tmp_path)
    assert len(ds.funds) == len(funds) == 1 and ds.funds.iloc[0]["committed"] == 2.9e9
    assert ds.equity_stakes.iloc[0]["n_investments"] == 16


def test_rows_load_groups(tmp_path, seed_rows):
    _, funds, stakes, _ = seed_rows["000_890bd172b6e88206.txt"]
    write_folder(tmp_path, "000_890bd172b6e88206.txt", {"funds": funds, "equity_stakes": stakes})
    ds = load_dataset(tmp_path)
    assert ds.funds["n_funds"].tolist() == [10, 1, 3, 1, 2, 3]
    assert ds.equity_stakes.iloc[0]["stake_pct"] == 20


@pytest.mark.parametrize("verb, status", [("新组建", "new"), ("已组建", "new"), ("拟组建", "planned"), ("计划组建", "planned")])
def test_set_up_verbs_give_the_fund_status(verb, status):
    """A synthetic sentence (a made-up city's bulletin): 新组建 reports a fund set up, 拟组建 a plan."""
    funds, _, _ = funds_from_lines([f"市产业投资集团{verb}并购基金2只,认缴规模30亿元,首期实缴6亿元。"],
                                   DocumentInfo("x.txt", region="Dongchuan", published="2025-07-20"))
    assert funds[["status", "fund_type", "n_funds", "committed", "paid_in"]].values.tolist() == [
        [status, "merger", 2, 3e9, 6e8]]
