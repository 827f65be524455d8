"""Provenance: every figure of the embedded dataset stands on the line of the document it cites.

Runs when the source documents are present (../shared/seeds, or ANALYSIS_SEEDS_DIR); skips with the reason
otherwise. For each row: the document exists, the line exists, and every figure's ``raw`` text (the number in the
document's own unit, white space removed) is found on that line. That the raw text gives back the stored value,
unit and qualifier is checked by ``load_dataset`` itself (analysis.io.raw_figure_problems).
"""

import re

import pandas as pd
import pytest

from analysis import load_dataset
from analysis.io import RAW_FIGURES

#: raw column -> value column it must back (a value without its raw text is a figure nobody can trace)
TRACED = {t: [(raw, val) for raw, val, *_ in figs] for t, figs in RAW_FIGURES.items()}
TRACED["milestones"] = [("raw", "value")]


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def lines(seeds_dir, dataset):
    out = {}
    for doc in dataset.documents["doc"]:
        path = seeds_dir / doc
        assert path.exists(), f"documents.csv lists {doc}, not found in {seeds_dir}"
        out[doc] = path.read_text(encoding="utf-8").splitlines()
    return out


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.parametrize("table", ["observations", "funds", "equity_stakes", "projects", "milestones"])
def test_every_figure_is_on_its_cited_line(dataset, lines, table):
    df = dataset.table(table)
    failures, checked = [], 0
    for _, row in df.iterrows():
        key = row.iloc[0]
        doc_lines = lines.get(row["doc"])
        if doc_lines is None:
            failures.append(f"{key}: document {row['doc']} is not in documents.csv")
            continue
        if not 1 <= row["line"] <= len(doc_lines):
            failures.append(f"{key}: line {row['line']} is outside {row['doc']} ({len(doc_lines)} lines)")
            continue
        text = _squash(doc_lines[row["line"] - 1])
        for raw_col, val_col in TRACED[table]:
            raw, value = row.get(raw_col), row.get(val_col)
            if pd.isna(raw):
                if pd.notna(value):
                    failures.append(f"{key}: {val_col} = {value} has no {raw_col} to trace it")
                continue
            checked += 1
            if _squash(str(raw)) not in text:
                failures.append(f"{key}: {raw_col} {raw!r} not found on {row['doc']} line {row['line']}")
    assert not failures, f"{len(failures)} untraceable figure(s) in {table}:\n" + "\n".join(failures)
    if table in ("observations", "projects", "milestones"):
        assert checked > 0, f"no figure of {table} was checked"


def test_dataset_is_substantial(dataset):
    figures = sum(dataset.table(t)[raw].notna().sum() for t, cols in TRACED.items() for raw, _ in cols)
    assert figures > 100, f"only {figures} traced figures"
    assert set(dataset.documents["doc"]) == set(dataset.observations["doc"]) | set(dataset.projects["doc"])


def test_linhai_table_has_its_13_surviving_rows(dataset):
    table = dataset.projects[dataset.projects["doc"].str.startswith("003_") & dataset.projects["table_row"].notna()]
    assert sorted(table["table_row"].astype(int)) == list(range(1, 14))


def test_document_004_is_flagged_not_repaired(dataset):
    obs = dataset.observations[dataset.observations["doc"].str.startswith("004_")]
    assert (obs["period"] == "unknown").all(), "document 004's period cannot be read"
    damaged = obs[obs["quality"] == "damaged"]
    assert len(damaged) > 0 and damaged["value"].isna().all(), "damaged figures keep no value"
    assert damaged["raw"].str.contains("2023").all()
    assert damaged["note"].notna().all(), "every damaged figure says why"
