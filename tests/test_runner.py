"""The report runner (analysis.runner): parameter checks, incremental reruns, failures, kills, locks, a stress run.

Uses a tiny synthetic study (tests/data/notebooks/01-tiny.ipynb) so the tests are quick; the real studies are run
by tests/test_notebooks.py and by `make reports`.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from filelock import FileLock

from analysis import runner

TINY_DIR = Path(__file__).parent / "data" / "notebooks"


@pytest.fixture
def studies_dir(tmp_path):
    d = tmp_path / "notebooks"
    shutil.copytree(TINY_DIR, d)
    return d


def _manifest(reports):
    return {r["slug"]: r for r in json.loads((reports / "manifest.json").read_text(encoding="utf-8"))["reports"]}


def _set_default(nb_path: Path, name: str, value: str):
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.metadata.get("tags", []):
            lines = [f"{name} = {value}" if l.startswith(f"{name} =") else l for l in cell.source.splitlines()]
            cell.source = "\n".join(lines)
    nbformat.write(nb, nb_path)


def test_parameters_are_checked_before_running(studies_dir):
    studies = runner.discover(studies_dir)
    assert set(studies["01-tiny"].parameters) == {"x", "fail", "label", "sleep"}
    with pytest.raises(runner.RunnerError, match="unknown parameter.*colour"):
        runner.plan_jobs(studies, None, [{"colour": "red"}])
    with pytest.raises(runner.RunnerError, match="parameter x must be int.*got str 'abc'"):
        runner.plan_jobs(studies, None, [{"x": "abc"}])
    with pytest.raises(runner.RunnerError, match="unknown study 99-nope"):
        runner.plan_jobs(studies, ["99-nope"], [{}])
    jobs = runner.plan_jobs(studies, None, [{"x": 2}, {"x": 3}])
    assert [j.params["x"] for j in jobs] == [2, 3] and len({j.slug for j in jobs}) == 2


def test_cli_rejects_bad_parameter_without_running(studies_dir, tmp_path, capsys):
    status = runner.main(["--notebooks", str(studies_dir), "-o", str(tmp_path / "r"), "-p", "x=abc", "--no-progress"])
    assert status == 2
    assert "parameter x must be int" in capsys.readouterr().err
    assert not (tmp_path / "r" / "index.html").exists()


def test_grid_config(tmp_path):
    cfg = tmp_path / "grid.yaml"
    cfg.write_text("grid:\n  x: [1, 2]\n  label: [a, b]\nruns:\n  - {x: 9}\n", encoding="utf-8")
    sets = runner.load_grid(cfg, {"fail": False})
    assert len(sets) == 5 and all(s["fail"] is False for s in sets)
    cfg.write_text("grid: [1, 2]\n", encoding="utf-8")
    with pytest.raises(runner.RunnerError, match="grid"):
        runner.load_grid(cfg, {})


def test_run_publishes_then_skips_unchanged_then_force(studies_dir, tmp_path):
    reports = tmp_path / "reports"
    assert runner.run(grid=[{"x": 1}, {"x": 2}], reports_dir=reports, notebooks_dir=studies_dir, progress=False) == 0
    m = _manifest(reports)
    assert {r["status"] for r in m.values()} == {"ok"} and len(m) == 2
    for r in m.values():
        assert (reports / r["html"]).is_file()
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert all(r["slug"] in index for r in m.values())
    assert (reports / "run.log").read_text(encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in reports.glob("*.html") if p.name != "index.html"}

    assert runner.run(grid=[{"x": 1}, {"x": 2}], reports_dir=reports, notebooks_dir=studies_dir, progress=False) == 0
    assert {r["status"] for r in _manifest(reports).values()} == {"skipped"}
    assert before == {p.name: p.stat().st_mtime_ns for p in reports.glob("*.html") if p.name != "index.html"}

    assert runner.run(grid=[{"x": 1}], force=True, reports_dir=reports, notebooks_dir=studies_dir, progress=False) == 0
    assert _manifest(reports)[min(m)]["status"] in ("ok", "skipped")
    assert any(r["status"] == "ok" for r in _manifest(reports).values())


def test_failing_study_keeps_last_good_report(studies_dir, tmp_path):
    reports = tmp_path / "reports"
    assert runner.run(reports_dir=reports, notebooks_dir=studies_dir, progress=False) == 0
    good = (reports / "01-tiny.html").read_bytes()
    _set_default(studies_dir / "01-tiny.ipynb", "fail", "True")  # same parameters as before: same report slot
    assert runner.run(reports_dir=reports, notebooks_dir=studies_dir, progress=False) == 1
    assert (reports / "01-tiny.html").read_bytes() == good
    row = _manifest(reports)["01-tiny"]
    assert row["status"] == "failed" and "asked to fail" in row["error"] and row["failed_cell"] is not None
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "failed" in index and "asked to fail" in index
    assert (reports / "failed" / "01-tiny.ipynb").is_file()


def test_a_failing_study_does_not_stop_the_others(studies_dir, tmp_path):
    reports = tmp_path / "reports"
    status = runner.run(grid=[{"x": 1}, {"fail": True}], reports_dir=reports, notebooks_dir=studies_dir,
                        progress=False, jobs_n=2)
    assert status == 1
    statuses = sorted(r["status"] for r in _manifest(reports).values())
    assert statuses == ["failed", "ok"]


def test_killed_run_leaves_previous_reports(studies_dir, tmp_path):
    reports = tmp_path / "reports"
    assert runner.run(reports_dir=reports, notebooks_dir=studies_dir, progress=False) == 0
    snapshot = {p.name: p.read_bytes() for p in reports.iterdir() if p.is_file() and p.suffix in (".html", ".json")}
    _set_default(studies_dir / "01-tiny.ipynb", "sleep", "30.0")
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis.runner", "--notebooks", str(studies_dir), "-o", str(reports), "--no-progress"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not list(reports.glob(".build-*/notebooks/*.ipynb")):
        time.sleep(0.2)  # wait until the kernel is running the study
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    after = {p.name: p.read_bytes() for p in reports.iterdir() if p.is_file() and p.suffix in (".html", ".json")}
    assert after == snapshot


def test_second_run_is_locked_out(studies_dir, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    with FileLock(str(reports / ".lock")):
        assert runner.run(reports_dir=reports, notebooks_dir=studies_dir, progress=False) == runner.EXIT_LOCKED
    assert not (reports / "index.html").exists()


def test_data_strings_are_escaped_in_reports(studies_dir, tmp_path):
    reports = tmp_path / "reports"
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    assert runner.run(grid=[{"label": evil}], reports_dir=reports, notebooks_dir=studies_dir, progress=False) == 0
    for path in reports.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in text and "<img src=x" not in text
    report = next(p for p in reports.glob("01-tiny--*.html"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report.read_text(encoding="utf-8")


def test_stress_24_parameter_sets_in_parallel(studies_dir, tmp_path):
    """24 reports of one study, run 2 at a time (bounded: 24 small notebooks, a few seconds each)."""
    reports = tmp_path / "reports"
    t0 = time.perf_counter()
    status = runner.run(grid=[{"x": i} for i in range(24)], reports_dir=reports, notebooks_dir=studies_dir,
                        progress=False, jobs_n=2)
    m = _manifest(reports)
    assert status == 0, [r["error"] for r in m.values() if r["status"] != "ok"]
    assert len(m) == 24 and {r["status"] for r in m.values()} == {"ok"}
    assert time.perf_counter() - t0 < 600


def test_runner_starts_without_the_heavy_imports():
    """An unchanged rerun must be cheap: importing the runner does not import pandas, matplotlib or papermill."""
    code = "import sys, analysis.runner; print(sorted(m for m in ('pandas', 'matplotlib', 'papermill', 'statsmodels') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_parameters_read_from_the_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("# comment\na = 1\nb: float = 2\nc = None\nd = 'x'\ne = [1, 2]\n")
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    path = tmp_path / "01-x.ipynb"
    nbformat.write(nb, path)
    params = runner.notebook_parameters(path)
    assert {k: (v["default"], v["type"]) for k, v in params.items()} == {
        "a": (1, "int"), "b": (2, "float"), "c": (None, "None"), "d": ("x", "str"), "e": ([1, 2], "list")}
    nb.cells[0].metadata["tags"] = []
    nbformat.write(nb, path)
    with pytest.raises(runner.RunnerError, match="no cell tagged 'parameters'"):
        runner.notebook_parameters(path)


def test_path_parameters_resolve_from_the_project_folder(tmp_path, monkeypatch):
    """Relative paths are read from the project folder, as the notebooks read them, not from the caller's folder."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("data_dir = None\n")
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    (tmp_path / "nbs").mkdir()
    nbformat.write(nb, tmp_path / "nbs" / "01-x.ipynb")
    monkeypatch.chdir(tmp_path)
    studies = runner.discover(tmp_path / "nbs")
    job = runner.plan_jobs(studies, None, [{"data_dir": "data/templates"}])[0]
    assert job.params["data_dir"] == str(runner.config.TEMPLATES_DIR)
    with pytest.raises(runner.RunnerError, match=f"parameter data_dir: file or folder {runner.config.PROJECT_ROOT}/nothere "
                                                 "does not exist"):
        runner.plan_jobs(studies, None, [{"data_dir": "nothere"}])


def test_type_rules(studies_dir):
    study = runner.discover(studies_dir)["01-tiny"]
    assert runner.check_parameters(study, {"x": 5})["x"] == 5
    assert runner.check_parameters(study, {"sleep": 1})["sleep"] == 1  # an int where a float is declared
    with pytest.raises(runner.RunnerError, match="parameter x must be int"):
        runner.check_parameters(study, {"x": True})  # a bool is not a number here
    with pytest.raises(runner.RunnerError, match="parameter fail must be bool"):
        runner.check_parameters(study, {"fail": "yes"})
    none_default = runner.Study("01-y", study.path, {"period": {"default": None, "type": "None"}})
    assert runner.check_parameters(none_default, {"period": 2022})["period"] == 2022  # the study validates it


def test_dates_stay_text_from_the_command_line_and_grid_files(tmp_path):
    assert runner._parse_cli_param("as_of=2023-08-31") == ("as_of", "2023-08-31")
    assert runner._parse_cli_param("regions=[Linhai, Yiwu]") == ("regions", ["Linhai", "Yiwu"])
    cfg = tmp_path / "g.yaml"
    cfg.write_text("grid:\n  as_of: [2022-06-30, 2022-12-31]\n", encoding="utf-8")
    assert runner.load_grid(cfg, {}) == [{"as_of": "2022-06-30"}, {"as_of": "2022-12-31"}]
