"""Study parameters (analysis.params): clear errors naming the parameter; actual-dates files checked by row."""

import pandas as pd
import pytest

from analysis.params import check_study_params, load_actual_dates, region_list, select_regions


def test_defaults_are_none():
    p = check_study_params()
    assert (p.data_dir, p.regions, p.period, p.as_of, p.actual_dates) == (None, None, None, None, None)


def test_values_are_normalised(tmp_path):
    p = check_study_params(data_dir=str(tmp_path), regions="Linhai, Taizhou", period=2022, as_of="2022-06-30")
    assert p.data_dir == tmp_path and p.regions == ["Linhai", "Taizhou"]
    assert p.period == "2022" and p.as_of == pd.Timestamp("2022-06-30")


@pytest.mark.parametrize("kwargs, message", [
    ({"data_dir": "/no/such/folder"}, "parameter data_dir: folder /no/such/folder does not exist"),
    ({"regions": 5}, "parameter regions: expected None, a region name"),
    ({"period": "2022Q5"}, "parameter period:"),
    ({"period": True}, "parameter period:"),
    ({"as_of": "June"}, "parameter as_of: expected a date YYYY-MM-DD"),
    ({"actual_dates": "/no/such.csv"}, "parameter actual_dates: file /no/such.csv does not exist"),
])
def test_bad_values_name_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_study_params(**kwargs)


def test_region_list_and_selection():
    assert region_list(None) is None and region_list([]) is None and region_list("") is None
    assert region_list(["Yiwu "]) == ["Yiwu"]
    assert select_regions(["Yiwu", "Linhai", None], ["Linhai", "Nowhere"]) == (["Linhai"], ["Nowhere"])
    assert select_regions(["Yiwu", "Linhai"], None) == (["Linhai", "Yiwu"], [])


def test_actual_dates_file(tmp_path):
    good = tmp_path / "dates.csv"
    good.write_text("milestone_id,actual_date\nm1,2022-04-20\nm2,\n", encoding="utf-8")
    df = load_actual_dates(good)
    assert df.loc[0, "actual_date"] == pd.Timestamp("2022-04-20") and pd.isna(df.loc[1, "actual_date"])
    bad = tmp_path / "bad.csv"
    bad.write_text("milestone_id,actual_date\nm1,20 April\nm1,2022-05-01\n", encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_actual_dates(bad)
    text = str(info.value)
    assert "bad.csv, row 2, column 'actual_date': expected a date YYYY-MM-DD, found '20 April'" in text
    assert "bad.csv, row 3, column 'milestone_id': expected a unique milestone" in text
    missing = tmp_path / "missing.csv"
    missing.write_text("id,date\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing column"):
        load_actual_dates(missing)


def test_regions_are_turned_into_the_datasets_names_after_loading():
    """The call every study makes right after loading the dataset (embedded dataset; see test_regions_and_paths)."""
    from analysis import load_dataset

    p = check_study_params(regions="taizhou, 台州, 临海")
    assert p.regions == ["taizhou", "台州", "临海"]
    assert p.with_regions(load_dataset()).regions == ["Taizhou", "Linhai"]
    with pytest.raises(ValueError, match="parameter regions: no region 'Taizhuo'.*nearest match: Taizhou"):
        check_study_params(regions="Taizhuo").with_regions(load_dataset())


def test_actual_dates_saved_by_excel_as_gbk_are_read_with_a_warning(tmp_path):
    # synthetic: a GBK (GB18030) file as Excel's plain "CSV" writes it on Chinese Windows, with a Chinese id
    from analysis.io import DataEncodingWarning
    from analysis.params import load_actual_dates

    path = tmp_path / "actual_dates.csv"
    path.write_bytes("milestone_id,actual_date\n临海-m01,2022-04-20\nm02,\n".encode("gb18030"))
    with pytest.warns(DataEncodingWarning, match="GB18030"):
        df = load_actual_dates(path)
    assert df["milestone_id"].tolist() == ["临海-m01", "m02"]
    assert str(df["actual_date"].iloc[0].date()) == "2022-04-20" and pd.isna(df["actual_date"].iloc[1])
    path.write_bytes(b"milestone_id,actual_date\n\xff\xfe\xfd,2022-04-20\n")
    with pytest.raises(ValueError, match="actual_dates.csv, row 2"):
        load_actual_dates(path)
