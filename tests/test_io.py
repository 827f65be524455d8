"""Loading and validation (analysis.io). Data here is synthetic (tests/conftest.py), except the embedded dataset."""

import copy

import pandas as pd
import pytest

from analysis import DataValidationError, load_dataset, write_templates
from analysis import config
from analysis.schema import table_meta

from conftest import SYNTHETIC_ROWS, write_dataset


def test_loads_synthetic_dataset(synthetic_dataset):
    ds = load_dataset(synthetic_dataset)
    assert len(ds.observations) == 2 and len(ds.funds) == 1
    assert ds.observations["value"].dtype == float
    assert ds.funds["n_funds"].iloc[0] == 5
    assert ds.documents["damaged"].iloc[0] is False or ds.documents["damaged"].iloc[0] == False  # noqa: E712
    assert len(ds.targets) == 1 and ds.targets["obs_id"].iloc[0] == "t-o02"
    assert ds.equity_stakes.empty and list(ds.equity_stakes.columns) == table_meta("equity_stakes").column_names
    assert len(ds.fingerprint) == 16


def test_xlsx_loads_the_same(tmp_path):
    csv = load_dataset(write_dataset(tmp_path / "csv"))
    xlsx = load_dataset(write_dataset(tmp_path / "xlsx", fmt="xlsx"))
    pd.testing.assert_frame_equal(csv.observations, xlsx.observations)
    pd.testing.assert_frame_equal(csv.projects, xlsx.projects)


def test_fingerprint_changes_with_data(tmp_path):
    a = load_dataset(write_dataset(tmp_path / "a")).fingerprint
    rows = copy.deepcopy(SYNTHETIC_ROWS)
    rows["observations"][1]["value"] = "26"
    rows["observations"][1]["raw"] = "26个"
    b = load_dataset(write_dataset(tmp_path / "b", rows)).fingerprint
    assert a != b


def _broken(tmp_path, mutate):
    rows = copy.deepcopy(SYNTHETIC_ROWS)
    mutate(rows)
    return write_dataset(tmp_path / "broken", rows)


def _problems(folder):
    with pytest.raises(DataValidationError) as info:
        load_dataset(folder)
    return info.value


def test_missing_column_named(tmp_path):
    folder = write_dataset(tmp_path / "m")
    df = pd.read_csv(folder / "observations.csv", dtype=str).drop(columns=["unit"])
    df.to_csv(folder / "observations.csv", index=False)
    err = _problems(folder)
    assert "observations.csv, column 'unit': expected this column (it is missing)" in str(err)


def test_text_in_number_column_names_file_row_column(tmp_path):
    err = _problems(_broken(tmp_path, lambda r: r["funds"][0].update(total_size="lots")))
    p = err.problems
    hit = p[(p.file == "funds.csv") & (p.column == "total_size")]
    assert hit.iloc[0]["row"] == 2 and hit.iloc[0]["expected"] == "a number" and hit.iloc[0]["found"] == "lots"
    assert "funds.csv, row 2, column 'total_size': expected a number, found 'lots'" in str(err)


def test_unknown_unit(tmp_path):
    err = _problems(_broken(tmp_path, lambda r: r["observations"][0].update(unit="furlong")))
    assert "observations.csv, row 2, column 'unit': expected one of yuan" in str(err)


def test_negative_size(tmp_path):
    def mutate(r):
        r["funds"][0].update(total_size="-5", total_size_raw="")
    err = _problems(_broken(tmp_path, mutate))
    assert "funds.csv, row 2, column 'total_size': expected a value >= 0, found -5.0" in str(err)


def test_duplicate_key_reports_both_rows(tmp_path):
    def mutate(r):
        r["observations"][1]["obs_id"] = "t-o01"
    err = _problems(_broken(tmp_path, mutate))
    p = err.problems
    dup = p[p.expected.str.startswith("a unique key")]
    assert sorted(dup["row"].tolist()) == [2, 3]


def test_all_problems_reported_at_once_across_files(tmp_path):
    def mutate(r):
        r["observations"][0].update(value="abc", period="2022Q5")
        r["observations"][1].update(line="0")
        r["projects"][0].update(stage="dreaming", land_unit="acre")
    err = _problems(_broken(tmp_path, mutate))
    found = {(f, row, c) for f, row, c in err.problems[["file", "row", "column"]].itertuples(index=False)}
    assert {("observations.csv", 2, "value"), ("observations.csv", 2, "period"), ("observations.csv", 3, "line"),
            ("projects.csv", 2, "stage"), ("projects.csv", 2, "land_unit")} <= found


def test_raw_text_must_agree_with_value(tmp_path):
    err = _problems(_broken(tmp_path, lambda r: r["observations"][0].update(raw="2.075亿元")))
    assert "column 'value': expected 2.075e+08 as raw '2.075亿元' says" in str(err)


def test_unparseable_raw_is_reported(tmp_path):
    err = _problems(_broken(tmp_path, lambda r: r["observations"][0].update(raw="20.75亿斤")))
    assert "column 'raw': expected a figure the units parser can read" in str(err)


def test_milestone_of_unknown_project(tmp_path):
    err = _problems(_broken(tmp_path, lambda r: r["milestones"][0].update(project_id="nope")))
    assert "milestones.csv, row 2, column 'project_id': expected a project_id of the projects table, found 'nope'" in str(err)


def test_unknown_extra_column(tmp_path):
    folder = write_dataset(tmp_path / "x")
    df = pd.read_csv(folder / "funds.csv", dtype=str)
    df["colour"] = "red"
    df.to_csv(folder / "funds.csv", index=False)
    assert "funds.csv, column 'colour': expected only the columns" in str(_problems(folder))


def test_bad_boolean(tmp_path):
    err = _problems(_broken(tmp_path, lambda r: r["documents"][0].update(damaged="perhaps")))
    assert "documents.csv, row 2, column 'damaged': expected true or false, found 'perhaps'" in str(err)


def test_folder_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_dataset(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="none of the dataset's tables"):
        load_dataset(tmp_path / "empty")


def test_templates_match_schema_and_load_empty(tmp_path):
    write_templates(tmp_path / "t")
    ds = load_dataset(tmp_path / "t")
    for t in config.TABLES:
        assert list(ds.table(t).columns) == table_meta(t).column_names
        assert ds.table(t).empty


def test_shipped_templates_are_current():
    for t in config.TABLES:
        header = (config.TEMPLATES_DIR / f"{t}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == table_meta(t).column_names, f"data/templates/{t}.csv is out of date"
