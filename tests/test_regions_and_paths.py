"""Region names as people write them (issue 8, item 12) and relative path parameters read from the project folder
in every way a study is run (item 13). All data made here is synthetic (made-up regions), for tests only."""

from __future__ import annotations

import copy

import nbformat
import papermill as pm
import pytest

from analysis import config, load_dataset, runner
from analysis.studies import funds as sf
from analysis.studies import growth as sg
from analysis.params import canonical_regions, check_study_params, region_names
from conftest import SYNTHETIC_ROWS, write_dataset

#: Synthetic: "Testland" has observations, funds and projects; "Hillside" is named only in its projects (no
#: observation, no fund); "Riverside" only in the regions table. Chinese names are made up for the test.
REGIONS = [
    {"region": "Testland", "region_zh": "测试市", "doc": "testland.txt", "line": "1"},
    {"region": "Hillside", "region_zh": "山边县", "doc": "testland.txt", "line": "2"},
    {"region": "Riverside", "region_zh": "河边", "doc": "testland.txt", "line": "2"},
]


@pytest.fixture
def ds(tmp_path):
    rows = copy.deepcopy(SYNTHETIC_ROWS)
    rows["projects"].append({**rows["projects"][0], "project_id": "t-p02", "region": "Hillside", "table_row": "2"})
    rows["regions"] = REGIONS
    return load_dataset(write_dataset(tmp_path / "synthetic", rows))


@pytest.mark.parametrize("asked, expected", [
    (["testland"], ["Testland"]),                      # letter case
    (["TESTLAND", " Hillside "], ["Testland", "Hillside"]),
    (["测试市"], ["Testland"]),                        # the Chinese name
    (["测试"], ["Testland"]),                          # ... without 市
    (["山边"], ["Hillside"]),
    (["河边县"], ["Riverside"]),                       # ... with a suffix the table does not write
    (["测试市", "Testland"], ["Testland"]),            # one region named twice is studied once
    (None, None),
])
def test_names_match_in_any_case_and_in_chinese(ds, asked, expected):
    assert canonical_regions(asked, ds) == expected


def test_an_unknown_name_is_refused_with_the_nearest_match_and_the_valid_names(ds):
    with pytest.raises(ValueError) as info:
        canonical_regions(["Testlnad"], ds)
    text = str(info.value)
    assert text.startswith("parameter regions: no region 'Testlnad' in any table of the dataset at ")
    assert "nearest match: Testland (测试市)" in text
    assert "Valid names (any letter case; Chinese names in brackets): Hillside (山边县), Riverside (河边), Testland (测试市)" in text
    with pytest.raises(ValueError, match="nearest match: Riverside"):
        canonical_regions(["河辺"], ds)
    with pytest.raises(ValueError, match="'Atlantis' in any table .*; no name is close to it"):
        canonical_regions(["Atlantis"], ds)


def test_names_of_the_embedded_dataset():
    """The names of the issue: 'taizhou', '台州', ' Linhai ' (as region_list leaves it) and 'Eastern Cluster'."""
    emb = load_dataset()
    asked = check_study_params(regions=["taizhou", "台州", " Linhai ", "Eastern Cluster"]).regions
    assert canonical_regions(asked, emb) == ["Taizhou", "Linhai", "Eastern cluster"]
    with pytest.raises(ValueError, match=r"no region 'Eastern Clustr'.*nearest match: Eastern cluster \(东部产业集聚区\)"):
        canonical_regions(["Eastern Clustr"], emb)


def test_a_name_shared_by_two_regions_is_refused_unless_written_exactly(tmp_path):
    rows = copy.deepcopy(SYNTHETIC_ROWS)
    rows["regions"] = [{**REGIONS[0], "region": "Testland"}, {**REGIONS[0], "region": "testland"}]
    twins = load_dataset(write_dataset(tmp_path / "twins", rows))
    assert canonical_regions(["testland"], twins) == ["testland"]
    with pytest.raises(ValueError, match=r"'测试市' matches several regions of the dataset at .* \(Testland, testland\)"):
        canonical_regions(["测试市"], twins)


def test_region_names_list_every_table_that_names_a_region(ds):
    names = region_names(ds).set_index("region")
    assert names.loc["Hillside", "tables"] == "regions, projects"
    assert names.loc["Riverside", "tables"] == "regions"
    assert names.loc["Testland", "region_zh"] == "测试市"


def test_a_dataset_without_a_regions_table_accepts_the_names_of_its_other_tables(tmp_path):
    plain = load_dataset(write_dataset(tmp_path / "plain"))
    assert plain.regions.empty
    assert canonical_regions(["testland"], plain) == ["Testland"]


def test_a_known_region_without_data_for_a_section_is_reported_missing_there(ds):
    regions = canonical_regions(["hillside", "testland"], ds)
    sel = sg.select_observations(ds, regions)
    assert (sel.regions, sel.missing) == (["Testland"], ["Hillside"])
    assert sf.study_regions(ds, regions) == (["Testland"], ["Hillside"])


def test_notebook_refuses_an_unknown_region_before_any_section(tmp_path):
    nb_path = config.NOTEBOOKS_DIR / "02-fund-leverage.ipynb"
    with pytest.raises(pm.PapermillExecutionError) as info:
        pm.execute_notebook(str(nb_path), str(tmp_path / "out.ipynb"), parameters={"regions": "Yiwu, Linhia"},
                            kernel_name="python3", progress_bar=False, cwd=str(tmp_path))
    assert "no region 'Linhia' in any table of the dataset" in str(info.value)
    assert "nearest match: Linhai (临海市)" in str(info.value)
    executed = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    first_code = next(i for i, c in enumerate(executed.cells) if c.cell_type == "code" and "parameters" not in
                      c.metadata.get("tags", []) and "injected-parameters" not in c.metadata.get("tags", []))
    assert [o for c in executed.cells[first_code + 1:] for o in c.get("outputs", [])] == []


# --- relative paths -------------------------------------------------------------------------------------------

#: A dataset folder inside the project, named relative to the project folder (synthetic test data).
RELATIVE = "tests/data/testland"


def test_check_study_params_reads_relative_paths_from_the_project_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = check_study_params(data_dir=RELATIVE, actual_dates=f"{RELATIVE}/actual_dates.csv")
    assert p.data_dir == config.PROJECT_ROOT / RELATIVE
    assert p.actual_dates == config.PROJECT_ROOT / RELATIVE / "actual_dates.csv"


def test_a_missing_path_says_where_it_was_looked_for(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError) as info:
        check_study_params(data_dir="no_such_folder")
    text = str(info.value)
    assert f"parameter data_dir: folder {config.PROJECT_ROOT / 'no_such_folder'} does not exist" in text
    assert f"relative paths are read from the project folder {config.PROJECT_ROOT}" in text
    (tmp_path / "here").mkdir()
    (tmp_path / "here" / "dates.csv").write_text("milestone_id,actual_date\n", encoding="utf-8")
    with pytest.raises(ValueError) as info:
        check_study_params(actual_dates="here/dates.csv")
    assert (f"'here/dates.csv' does exist in the current folder {tmp_path}: to use it, give its absolute path "
            f"{tmp_path / 'here' / 'dates.csv'}") in str(info.value)


def _study(tmp_path):
    none = {"default": None, "type": "None"}
    return {"01-x": runner.Study("01-x", tmp_path / "01-x.ipynb", {"data_dir": none, "actual_dates": none})}


def test_runner_reads_relative_paths_from_the_project_folder_wherever_it_starts(tmp_path, monkeypatch):
    studies = _study(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    job = runner.plan_jobs(studies, None, [{"data_dir": RELATIVE}])[0]
    assert job.params["data_dir"] == str(config.PROJECT_ROOT / RELATIVE)
    assert job.params["data_dir"] == str(check_study_params(data_dir=RELATIVE).data_dir)  # as the notebooks read it
    (elsewhere / "mine").mkdir()
    with pytest.raises(runner.RunnerError) as info:
        runner.plan_jobs(studies, None, [{"data_dir": "mine"}])
    text = str(info.value)
    assert f"parameter data_dir: file or folder {config.PROJECT_ROOT / 'mine'} does not exist" in text
    assert f"relative paths are read from the project folder {config.PROJECT_ROOT}" in text
    assert f"give its absolute path {elsewhere / 'mine'}" in text


def test_notebook_run_from_another_folder_reads_the_same_relative_data_dir(tmp_path):
    """papermill with cwd= a folder that is neither notebooks/ nor the project folder (as a working copy in lab/)."""
    nb_path = config.NOTEBOOKS_DIR / "00-dataset-overview.ipynb"
    (tmp_path / "lab").mkdir()
    pm.execute_notebook(str(nb_path), str(tmp_path / "out.ipynb"), parameters={"data_dir": RELATIVE},
                        kernel_name="python3", progress_bar=False, cwd=str(tmp_path / "lab"))
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    sources = [o["data"]["application/vnd.investment-report+json"]["data_source"] for c in nb.cells
               for o in c.get("outputs", []) if "application/vnd.investment-report+json" in o.get("data", {})]
    assert sources == [str(config.PROJECT_ROOT / RELATIVE)]
