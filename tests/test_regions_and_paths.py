"""Relative path parameters read from the project folder in every way a study is run (issue 8, item 13). All data
used here is synthetic (tests/data/testland), for tests only."""

from __future__ import annotations

import nbformat
import papermill as pm
import pytest

from analysis import config, runner
from analysis.params import check_study_params


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
