"""Loading and validation (analysis.io). Data here is synthetic (tests/conftest.py), except the embedded dataset."""

import copy

import pandas as pd
import pytest

from analysis import DataValidationError, load_dataset, write_templates
from analysis.io import DataEncodingWarning
from analysis import config
from analysis.schema import LIST_TABLES, table_meta

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
    for t in config.TABLES + LIST_TABLES:
        header = (config.TEMPLATES_DIR / f"{t}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == table_meta(t).column_names, f"data/templates/{t}.csv is out of date"


# --- files as people have them (issue 8, item 9). All files below are synthetic, made from SYNTHETIC_ROWS. ---

@pytest.mark.parametrize("raw, pct", [("-2.5%", -2.5), ("+7.1%", 7.1), ("下降2.5%", -2.5), ("增长13.7%", 13.7),
                                      ("－2.5％", -2.5), ("增长-2.5%", -2.5)])
def test_signed_and_worded_growth_rates_are_valid(tmp_path, raw, pct):
    ds = load_dataset(_broken(tmp_path, lambda r: r["observations"][0].update(yoy_raw=raw, yoy_pct=str(pct))))
    assert ds.observations.loc[ds.observations.obs_id == "t-o01", "yoy_pct"].item() == pct


def test_signed_rate_must_still_agree_with_its_value(tmp_path):
    err = _problems(_broken(tmp_path, lambda r: r["observations"][0].update(yoy_raw="-2.5%", yoy_pct="2.5")))
    assert len(err.problems) == 1
    assert "row 2, column 'yoy_pct': expected -2.5 as yoy_raw '-2.5%' says, found 2.5" in str(err)


@pytest.mark.parametrize("cell, raw, pct", [("8.0%", "8.0%", 8.0), ("-2.5%", "下降2.5%", -2.5), ("13.7％", None, 13.7)])
def test_percent_sign_in_a_percent_column_is_the_number(tmp_path, cell, raw, pct):
    ds = load_dataset(_broken(tmp_path, lambda r: r["observations"][0].update(yoy_pct=cell, yoy_raw=raw)))
    assert ds.observations["yoy_pct"].iloc[0] == pct


def test_percent_sign_in_value_follows_the_row_unit(tmp_path):
    def in_percent(r):
        r["observations"][1].update(value="63.5%", unit="percent", raw="63.5%")
    assert load_dataset(_broken(tmp_path / "a", in_percent)).observations["value"].iloc[1] == 63.5
    err = _problems(_broken(tmp_path / "b", lambda r: r["observations"][0].update(value="8%")))
    assert err.problems[["row", "column", "expected", "found"]].values.tolist() == [
        [2, "value", "a number without the % sign", "8%"]]


@pytest.mark.parametrize("column, bad", [("value", "abc"), ("unit", "furlong"), ("yoy_pct", "8.0 %x")])
def test_one_bad_cell_gets_one_message(tmp_path, column, bad):
    err = _problems(_broken(tmp_path, lambda r: r["observations"][0].update({column: bad})))
    assert len(err.problems) == 1, str(err)
    assert err.problems.iloc[0][["file", "row", "column"]].tolist() == ["observations.csv", 2, column]
    assert "empty cell" not in str(err)


def _reencode(path, encoding="gb18030"):
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))


def test_gbk_csv_is_read_and_the_user_is_told(tmp_path):
    utf8 = load_dataset(write_dataset(tmp_path / "utf8"))
    folder = write_dataset(tmp_path / "gbk")
    for t in ("observations", "projects"):  # both hold Chinese text (固定资产投资, 测试项目)
        _reencode(folder / f"{t}.csv")
    with pytest.raises(UnicodeDecodeError):
        (folder / "projects.csv").read_text(encoding="utf-8")  # the bytes really are not UTF-8
    with pytest.warns(DataEncodingWarning, match=r"\.csv: not UTF-8; read as GB18030") as caught:
        ds = load_dataset(folder)
    assert sorted(str(w.message).split(":")[0].rsplit("/", 1)[-1] for w in caught) == ["observations.csv", "projects.csv"]
    pd.testing.assert_frame_equal(ds.observations, utf8.observations)
    pd.testing.assert_frame_equal(ds.projects, utf8.projects)
    assert ds.projects["name_zh"].iloc[0] == "测试项目"
    assert ds.encodings == {"documents": "utf-8", "observations": "gb18030", "funds": "utf-8", "projects": "gb18030",
                            "milestones": "utf-8"}
    assert ds.summary().loc["observations", "read as"] == "CSV, GB18030 (not UTF-8)"


def test_csv_in_neither_encoding_is_refused_with_how_to_save_it(tmp_path):
    folder = write_dataset(tmp_path / "bad")
    path = folder / "projects.csv"
    lines = path.read_bytes().split(b"\n")
    lines[1] = lines[1].replace("测试项目".encode(), b"\xff\xfe\xff\xfe")  # invalid in UTF-8 and in GB18030
    path.write_bytes(b"\n".join(lines))
    err = _problems(folder)
    assert len(err.problems) == 1
    text = str(err)
    assert "projects.csv, row 2: expected a CSV file in UTF-8" in text and "CSV UTF-8 (Comma delimited)" in text
    assert "neither UTF-8 nor GB18030" in text and "UnicodeDecodeError" not in text


def _xlsx_with_title(folder, table="observations", title="Testland observations 2022 (synthetic)"):
    """Rewrite ``<table>.csv`` as an XLSX whose row 1 is a title merged across the columns, header on row 2."""
    import openpyxl

    df = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False)
    (folder / f"{table}.csv").unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(df.columns))
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append(list(row))
    wb.save(folder / f"{table}.xlsx")


def test_xlsx_header_below_a_merged_title_row_gets_one_message(tmp_path):
    folder = write_dataset(tmp_path / "title")
    _xlsx_with_title(folder)
    err = _problems(folder)
    assert len(err.problems) == 1, str(err)
    p = err.problems.iloc[0]
    assert (p["file"], p["row"]) == ("observations.xlsx", 1)
    assert "the header on row 2" in p["found"] and "Testland observations 2022" in p["found"]
    assert "missing" not in str(err)


def test_csv_exported_with_its_title_row_gets_one_message(tmp_path):
    folder = write_dataset(tmp_path / "title_csv")
    path = folder / "projects.csv"
    path.write_text("测试项目表 (synthetic)" + "," * 19 + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    err = _problems(folder)
    assert err.problems[["file", "row"]].values.tolist() == [["projects.csv", 1]]
    assert "the header on row 2, below a title (测试项目表 (synthetic))" in str(err)


def test_csv_without_any_header_gets_one_message(tmp_path):
    folder = write_dataset(tmp_path / "nohead")
    path = folder / "funds.csv"
    path.write_text("".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[1:]), encoding="utf-8")
    err = _problems(folder)
    assert len(err.problems) == 1
    assert "funds.csv, row 1: expected the header row (fund_id, region, sponsor, ..." in str(err)
    assert "none of the table's columns (t-f01, Testland" in str(err)


def _empty_xlsx(path):
    import openpyxl

    openpyxl.Workbook().save(path)


@pytest.mark.parametrize("name, make", [
    ("funds.csv", lambda p: p.write_bytes(b"")),
    ("funds.csv", lambda p: p.write_text("\n \n\n", encoding="utf-8")),
    ("funds.xlsx", lambda p: p.write_bytes(b"")),
    ("funds.xlsx", _empty_xlsx),
])
def test_empty_file_is_the_file_is_empty(tmp_path, name, make):
    folder = write_dataset(tmp_path / "e")
    (folder / "funds.csv").unlink()
    make(folder / name)
    err = _problems(folder)
    assert len(err.problems) == 1
    assert err.problems.iloc[0]["file"] == name and err.problems.iloc[0]["found"].startswith("the file is empty")


def test_headers_only_xlsx_is_an_empty_table(tmp_path):
    rows = copy.deepcopy(SYNTHETIC_ROWS)
    rows["funds"] = []
    ds = load_dataset(write_dataset(tmp_path / "h", rows, fmt="xlsx"))
    assert ds.funds.empty and list(ds.funds.columns) == table_meta("funds").column_names


def test_xlsx_percent_formatted_cell_reads_as_it_shows(tmp_path):
    import openpyxl

    folder = write_dataset(tmp_path / "pct", fmt="xlsx")
    wb = openpyxl.load_workbook(folder / "observations.xlsx")
    ws = wb.active
    col = [c.value for c in ws[1]].index("yoy_pct") + 1
    ws.cell(row=2, column=col, value=0.4245).number_format = "0.00%"  # Excel stores 42.45% as 0.4245
    wb.save(folder / "observations.xlsx")
    assert load_dataset(folder).observations["yoy_pct"].iloc[0] == 42.45


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(tmp_path):
    folder = _broken(tmp_path, lambda r: r["observations"][1].update(line="0"))
    path = folder / "observations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + lines[1] + "\n" + "," * 18 + "\n" + lines[2], encoding="utf-8")  # rows 3-4 blank
    err = _problems(folder)
    assert err.problems[["row", "column"]].values.tolist() == [[5, "line"]]


def test_repeated_column_name_is_named(tmp_path):
    folder = write_dataset(tmp_path / "dup")
    path = folder / "funds.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0] = lines[0].replace("sponsor,", "region,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    err = _problems(folder)
    assert "funds.csv, row 1, column 'region': expected each column name once, found 'columns B, C with this name'" in str(err)


@pytest.mark.parametrize("table, column, value", [
    ("documents", "kind", "statistics"), ("documents", "kind", "government_work_report"), ("documents", "kind", "news"),
    ("funds", "fund_type", "venture"), ("funds", "fund_type", "guidance"),
])
def test_vocabularies_cover_users_sources(tmp_path, table, column, value):
    ds = load_dataset(_broken(tmp_path, lambda r: r[table][0].update({column: value})))
    assert ds.table(table)[column].iloc[0] == value


@pytest.mark.parametrize("table, column", [("documents", "kind"), ("funds", "fund_type"), ("projects", "stage"),
                                           ("observations", "unit"), ("observations", "status")])
def test_every_allowed_value_is_documented_in_sidecar_and_codebook(table, column):
    meta = table_meta(table).column(column)
    codebook = (config.DEFAULT_DATA_DIR.parent / "CODEBOOK.md").read_text(encoding="utf-8")
    for v in meta.allowed:
        assert v in meta.description, f"{table}.{column}: {v!r} not described in the sidecar"
        assert v in codebook, f"{table}.{column}: {v!r} not in data/CODEBOOK.md"


def test_optional_column_may_be_left_out_but_a_required_one_may_not(tmp_path):
    # synthetic: a regions table written before the `parent` column existed (optional: true in its sidecar)
    write_dataset(tmp_path, SYNTHETIC_ROWS)
    (tmp_path / "regions.csv").write_text("region,region_zh,doc,line,note\nTestland,测试地,testland.txt,1,synthetic\n",
                                          encoding="utf-8")
    ds = load_dataset(tmp_path)
    assert "parent" in ds.regions.columns
    assert ds.regions["parent"].isna().all() or (ds.regions["parent"] == "").all()
    assert [c.name for c in table_meta("regions").columns if c.optional] == ["parent"]
    # region_zh is nullable but not optional: leaving it out is still refused, naming the column
    (tmp_path / "regions.csv").write_text("region,doc,line,note\nTestland,testland.txt,1,synthetic\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="regions.csv, column 'region_zh': expected this column"):
        load_dataset(tmp_path)


def test_value_unit_and_qualifier_are_read_from_raw_when_left_empty(tmp_path):
    # synthetic: a user types only what the source says (1.2亿美元以上, 下降2.5%) and leaves value, unit,
    # qualifier and yoy_pct empty; a value the user did fill is checked against raw, never overwritten
    folder = write_dataset(tmp_path / "r")
    df = pd.read_csv(folder / "observations.csv", dtype=str, keep_default_na=False)
    df.loc[0, ["value", "unit", "qualifier", "raw"]] = ["", "", "", "1.2亿美元以上"]
    df.loc[0, ["yoy_pct", "yoy_qualifier", "yoy_raw"]] = ["", "", "下降2.5%"]
    df.to_csv(folder / "observations.csv", index=False)
    obs = load_dataset(folder).observations
    row = obs[obs["obs_id"] == df.loc[0, "obs_id"]].iloc[0]
    assert (row["value"], row["unit"], row["qualifier"]) == (120_000_000.0, "usd", "at_least")
    assert (row["yoy_pct"], row["yoy_qualifier"]) == (-2.5, "exact")
    df.loc[0, ["value", "unit", "qualifier"]] = ["130000000", "usd", "at_least"]
    df.to_csv(folder / "observations.csv", index=False)
    err = _problems(folder)
    assert "column 'value': expected 1.2e+08 as raw '1.2亿美元以上' says, found 130000000" in str(err)


# --- the indicator list (indicators.csv) ------------------------------------------------------------------


def test_observation_with_unlisted_indicator_is_refused_naming_file_row_column(tmp_path):
    # synthetic: an indicator name that is in no indicators.csv
    rows = copy.deepcopy(SYNTHETIC_ROWS)
    rows["observations"][1].update(indicator="widgets_made")
    err = _problems(write_dataset(tmp_path / "unlisted", rows, list_indicators=False))
    p = err.problems
    hit = p[(p.file == "observations.csv") & (p.column == "indicator")]
    assert hit["row"].tolist() == [3] and hit["found"].tolist() == ["widgets_made"]
    assert "observations.csv, row 3, column 'indicator': expected an indicator listed in indicators.csv" in str(err)


def test_folder_indicators_csv_adds_its_rows_to_the_embedded_list(tmp_path):
    # synthetic: the folder lists a new indicator of its own, and uses it beside an embedded one
    rows = copy.deepcopy(SYNTHETIC_ROWS)
    rows["observations"][1].update(indicator="widgets_made")
    rows["indicators"] = [{"indicator": "widgets_made", "indicator_zh": "小部件", "description_en": "Widgets made (synthetic)",
                           "unit": "count"}]
    ds = load_dataset(write_dataset(tmp_path / "own", rows))
    listed = set(ds.indicators["indicator"])
    assert "widgets_made" in listed and "fixed_asset_investment" in listed
    assert len(ds.indicators) == len(load_dataset().indicators) + 1
    assert ds.files["indicators"].name == "indicators.csv"
    assert ds.summary().loc["indicators", "rows"] == len(ds.indicators)


def test_folder_row_replaces_the_embedded_row_of_the_same_indicator(tmp_path):
    # synthetic: the folder re-describes an embedded indicator
    rows = copy.deepcopy(SYNTHETIC_ROWS)
    rows["indicators"] = [{"indicator": "fixed_asset_investment", "indicator_zh": "固投", "description_en": "FAI (synthetic)",
                           "unit": "yuan"}]
    ds = load_dataset(write_dataset(tmp_path / "own", rows))
    row = ds.indicators[ds.indicators["indicator"] == "fixed_asset_investment"]
    assert row["indicator_zh"].tolist() == ["固投"]
    assert len(ds.indicators) == len(load_dataset().indicators)


def test_a_folder_without_indicators_csv_uses_the_embedded_list(synthetic_dataset):
    ds = load_dataset(synthetic_dataset)
    assert "indicators" not in ds.files
    pd.testing.assert_frame_equal(ds.indicators, load_dataset().indicators)
    assert ds.summary().loc["indicators", "file"] == "(embedded list)"


@pytest.mark.parametrize("row, column, expected", [
    ({"component_of": "no_such_total"}, "component_of", "an indicator listed in indicators.csv"),
    ({"component_of": "fixed_asset_investment", "unit": "count"}, "unit", "yuan, the unit of its total"),
    ({"pairs_with": "fixed_asset_investment", "unit": "yuan"}, "pairs_with", "empty: only a count"),
    ({"pairs_with": "new_start_projects"}, "pairs_with", "the indicator of a value (not a count)"),
    ({"unit": "furlong"}, "unit", "one of yuan"),
])
def test_indicator_relations_are_checked_with_file_row_column(tmp_path, row, column, expected):
    # synthetic: a folder's own indicators.csv with one wrong relation
    rows = copy.deepcopy(SYNTHETIC_ROWS)
    rows["indicators"] = [{"indicator": "widgets_made", "indicator_zh": "小部件", "description_en": "synthetic",
                           "unit": "count", **row}]
    err = _problems(write_dataset(tmp_path / "bad", rows))
    p = err.problems
    hit = p[(p.file == "indicators.csv") & (p.column == column)]
    assert hit["row"].tolist() == [2] and hit["expected"].str.startswith(expected).all(), str(err)


def test_indicator_file_with_only_the_four_first_columns_loads(tmp_path):
    # synthetic: an indicators.csv written before component_of and pairs_with existed (both optional)
    write_dataset(tmp_path, SYNTHETIC_ROWS)
    (tmp_path / "indicators.csv").write_text("indicator,indicator_zh,description_en,unit\nwidgets_made,小部件,synthetic,"
                                             "count\n", encoding="utf-8")
    ds = load_dataset(tmp_path)
    row = ds.indicators.set_index("indicator").loc["widgets_made"]
    assert pd.isna(row["component_of"]) and pd.isna(row["pairs_with"])


def test_every_embedded_observation_indicator_is_listed():
    ds = load_dataset()
    assert set(ds.observations["indicator"]) <= set(ds.indicators["indicator"])
    assert ds.indicators["indicator"].is_unique


# --- printing a Dataset -----------------------------------------------------------------------------------


def test_dataset_prints_a_few_lines_pointing_to_summary_and_tables():
    ds = load_dataset()
    text = repr(ds)
    assert len(text.splitlines()) <= 4, text
    assert ds.fingerprint in text and "data/default" in text
    assert f"observations {len(ds.observations)}" in text and f"funds {len(ds.funds)}" in text
    assert ".summary()" in text and ".observations" in text
    assert "DataFrame" not in text.split("\n")[0] and "obs_id" not in text


def test_dataset_of_a_folder_prints_its_path(synthetic_dataset):
    text = repr(load_dataset(synthetic_dataset))
    assert str(synthetic_dataset) in text and "embedded" not in text.splitlines()[0]


def test_unlisted_indicator_names_the_nearest_listed_one(tmp_path):
    # synthetic: a user's own name for 实际利用外资; the embedded list writes it fdi_utilised (实际使用外资)
    folder = write_dataset(tmp_path / "n")
    df = pd.read_csv(folder / "observations.csv", dtype=str, keep_default_na=False)
    df.loc[0, ["indicator", "indicator_zh"]] = ["foreign_capital_used", "实际利用外资"]
    df.to_csv(folder / "observations.csv", index=False)
    err = str(_problems(folder))
    assert "column 'indicator'" in err and "nearest listed: fdi_utilised (实际使用外资)" in err
    assert "found 'foreign_capital_used'" in err
