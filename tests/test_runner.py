"""The report runner (analysis.runner): parameter checks, incremental reruns, failures, kills, locks, a stress run.

Uses a tiny synthetic study (tests/data/notebooks/01-tiny.ipynb) so the tests are quick; the real studies are run
by tests/test_notebooks.py and by `make reports`.
"""

import html
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


def _study(path: Path, parameters: str, *code: str, kernel: str = "python3") -> Path:
    """Write a synthetic study notebook: a ``parameters`` cell, then the given code cells."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    nb.cells += [nbformat.v4.new_code_cell(c) for c in code]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


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


@pytest.fixture(scope="module")
def dask_cluster():
    """A Dask LocalCluster of 2 worker processes (one thread each) shared by this module's tests; None without
    distributed installed."""
    try:
        import dask
        from distributed import LocalCluster
    except ImportError:
        yield None
        return
    from analysis.runner.dask import LOCAL_CLUSTER_CONFIG

    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    yield cluster
    cluster.close()


@pytest.fixture(params=["local", "dask"])
def executor(request):
    """Where the reports run, for the guarantees that must hold on both: the local executor (one report at a
    time, in this process) or a Dask cluster (the module's LocalCluster)."""
    if request.param == "local":
        return runner.execution.LocalExecutor(1)
    cluster = request.getfixturevalue("dask_cluster")
    if cluster is None:
        pytest.skip("distributed is not installed")
    from analysis.runner.dask import DaskExecutor

    return DaskExecutor(cluster.scheduler_address)


def _cli_executor(executor) -> list[str]:
    """The command-line options that pick ``executor`` for a runner run in another process."""
    return ["-j", "1"] if isinstance(executor, runner.execution.LocalExecutor) else ["--local-cluster", "1"]


class _Counting:
    """``executor``, recording the slug of each report it executed, in order."""

    def __init__(self, inner):
        self.inner, self.seen = inner, []
        self.ships_folders = inner.ships_folders

    @property
    def slots(self):
        return getattr(self.inner, "slots", None) or getattr(self.inner, "jobs_n", None)

    def run(self, tasks):
        for result in self.inner.run(tasks):
            self.seen.append(result.job.slug)
            yield result


@pytest.fixture
def executions(executor):
    """The executor, counting: ``.seen`` lists the slugs of the reports executed, in order."""
    return _Counting(executor)


def _run_counted(executions, reports, studies_dir, **kwargs) -> list[str]:
    before = len(executions.seen)
    assert runner.run(reports_dir=reports, notebooks_dir=studies_dir, progress=False, executor=executions,
                      **kwargs) == 0
    return executions.seen[before:]


def test_run_publishes_then_skips_unchanged_every_time_then_force(studies_dir, tmp_path, executions, capsys):
    """Four runs with nothing changed: only the first executes anything (a kept report stays 'ok' in the
    manifest; it was written as 'skipped' and so rerun every second time)."""
    reports, grid = tmp_path / "reports", [{"x": 1}, {"x": 2}]
    assert len(_run_counted(executions, reports, studies_dir, grid=grid)) == 2
    m = _manifest(reports)
    assert {r["status"] for r in m.values()} == {"ok"} and len(m) == 2
    for r in m.values():
        assert (reports / r["html"]).is_file() and r["built"]
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert all(r["slug"] in index for r in m.values())
    assert (reports / "run.log").read_text(encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in reports.glob("*.html") if p.name != "index.html"}
    capsys.readouterr()

    for _ in range(3):
        t0 = time.perf_counter()
        assert _run_counted(executions, reports, studies_dir, grid=grid) == []
        assert time.perf_counter() - t0 < 1.0  # an unchanged rerun stays well under a second
        assert "0 ran, 2 unchanged, 0 failed" in capsys.readouterr().out
        assert _manifest(reports) == m  # each report is still what it was: ok, from the first build
    assert before == {p.name: p.stat().st_mtime_ns for p in reports.glob("*.html") if p.name != "index.html"}

    assert _run_counted(executions, reports, studies_dir, grid=[{"x": 1}], force=True) == [min(m)]
    assert {r["status"] for r in _manifest(reports).values()} == {"ok"}


def test_a_manifest_of_the_earlier_runner_saying_skipped_is_not_rerun(studies_dir, tmp_path, executions):
    reports = tmp_path / "reports"
    assert _run_counted(executions, reports, studies_dir) == ["01-tiny"]
    data = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    for row in data["reports"]:  # as the runner before this fix wrote a report it had kept
        row["status"] = "skipped"
        row.pop("built")
    (reports / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    assert _run_counted(executions, reports, studies_dir) == []
    assert _manifest(reports)["01-tiny"]["status"] == "ok"


def test_failing_study_keeps_last_good_report(studies_dir, tmp_path, executor):
    reports = tmp_path / "reports"
    assert runner.run(reports_dir=reports, notebooks_dir=studies_dir, progress=False, executor=executor) == 0
    good = (reports / "01-tiny.html").read_bytes()
    _set_default(studies_dir / "01-tiny.ipynb", "fail", "True")  # same parameters as before: same report slot
    assert runner.run(reports_dir=reports, notebooks_dir=studies_dir, progress=False, executor=executor) == 1
    assert (reports / "01-tiny.html").read_bytes() == good
    row = _manifest(reports)["01-tiny"]
    assert row["status"] == "failed" and "asked to fail" in row["error"] and row["failed_cell"] is not None
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "failed" in index and "asked to fail" in index
    assert (reports / "failed" / "01-tiny.ipynb").is_file()


def test_a_kept_failure_is_retried_and_a_fixed_study_is_then_kept(studies_dir, tmp_path, executions):
    reports = tmp_path / "reports"
    assert _run_counted(executions, reports, studies_dir) == ["01-tiny"]
    good = (reports / "01-tiny.html").read_bytes()
    _set_default(studies_dir / "01-tiny.ipynb", "fail", "True")
    for _ in range(2):  # a failure is not kept as if it were a report: an unchanged failing study runs again
        before = len(executions.seen)
        assert runner.run(reports_dir=reports, notebooks_dir=studies_dir, progress=False, executor=executions) == 1
        assert executions.seen[before:] == ["01-tiny"]
        row = _manifest(reports)["01-tiny"]
        assert row["status"] == "failed" and row["html"] == "01-tiny.html"  # the link shows the last good one
        assert (reports / "01-tiny.html").read_bytes() == good
    _set_default(studies_dir / "01-tiny.ipynb", "fail", "False")
    assert _run_counted(executions, reports, studies_dir) == ["01-tiny"]
    assert _run_counted(executions, reports, studies_dir) == []
    assert _manifest(reports)["01-tiny"]["status"] == "ok"


def test_a_failing_study_does_not_stop_the_others(studies_dir, tmp_path, executor):
    reports = tmp_path / "reports"
    if isinstance(executor, runner.execution.LocalExecutor):
        executor = runner.execution.LocalExecutor(2)
    status = runner.run(grid=[{"x": 1}, {"fail": True}], reports_dir=reports, notebooks_dir=studies_dir,
                        progress=False, executor=executor)
    assert status == 1
    statuses = sorted(r["status"] for r in _manifest(reports).values())
    assert statuses == ["failed", "ok"]


def _published(reports: Path) -> dict[str, bytes]:
    """The report files, manifest and index in ``reports``, with their contents."""
    return {p.name: p.read_bytes() for p in reports.iterdir() if p.is_file() and p.suffix in (".html", ".json")}


def _start_slow_rerun(studies_dir: Path, reports: Path, executor, **popen) -> tuple[dict, subprocess.Popen]:
    """Publish the tiny study, then start a rerun in another process (own session) whose report sleeps 30 s,
    and wait until it is building (bounded): what was published, and the process."""
    assert runner.run(reports_dir=reports, notebooks_dir=studies_dir, progress=False) == 0
    snapshot = _published(reports)
    _set_default(studies_dir / "01-tiny.ipynb", "sleep", "30.0")
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis.runner", "--notebooks", str(studies_dir), "-o", str(reports), "--no-progress",
         *_cli_executor(executor)], start_new_session=True, **popen)
    deadline = time.time() + 60
    while time.time() < deadline and not list(reports.glob(".build-*")):
        time.sleep(0.2)  # wait until the run has planned and started building (the study then sleeps 30 s)
    time.sleep(2.5)
    assert proc.poll() is None, "the run ended before it could be stopped"
    return snapshot, proc


def test_killed_run_leaves_previous_reports(studies_dir, tmp_path, executor):
    reports = tmp_path / "reports"
    snapshot, proc = _start_slow_rerun(studies_dir, reports, executor, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert _published(reports) == snapshot


def test_second_run_is_locked_out(studies_dir, tmp_path, executor):
    reports = tmp_path / "reports"
    reports.mkdir()
    with FileLock(str(reports / ".lock")):
        assert runner.run(reports_dir=reports, notebooks_dir=studies_dir, progress=False,
                          executor=executor) == runner.EXIT_LOCKED
    assert not (reports / "index.html").exists()


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_sigterm_or_ctrl_c_stops_cleanly(studies_dir, tmp_path, executor, how):
    """A run stopped by SIGTERM (or Ctrl-C) midway: its tasks are cancelled, the last good reports and the index
    stay as they were, the lock is released, no build folder is left, and it exits 143 (130)."""
    reports = tmp_path / "reports"
    snapshot, proc = _start_slow_rerun(studies_dir, reports, executor, stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
    try:
        t0 = time.time()
        proc.send_signal(getattr(signal, how))
        out, err = proc.communicate(timeout=25)
        assert time.time() - t0 < 20, "the run did not stop promptly"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    assert proc.returncode == (143 if how == "SIGTERM" else 130), err
    assert "stopped by" in err and "last good reports stay" in err
    assert _published(reports) == snapshot
    assert not list(reports.glob(".build-*"))
    with FileLock(str(reports / ".lock")).acquire(timeout=0):  # released
        pass


def test_warnings_go_to_the_log_never_into_the_report(tmp_path, capsys):
    """A study that warns (synthetic): the warning text is in run.log and counted, and in no report file. The
    study's kernelspec names a kernel that is not installed: the runner uses its own (python3) regardless."""
    studies = tmp_path / "notebooks"
    _study(studies / "01-warns.ipynb", "# How many warnings to raise\nn = 2\n",
           "import sys, warnings\n"
           "tag = 'SENTI' + 'NEL'  # the code is in the report (hidden): only the outputs may hold the word\n"
           "for i in range(n):\n"
           "    warnings.warn(f'{tag}-WARNING-{i} (synthetic)', UserWarning)\n"
           "print(f'{tag}-STDERR (synthetic)', file=sys.stderr)\n"
           "print('visible', 'result')",
           kernel="no-such-kernel-installed")
    reports = tmp_path / "reports"
    assert runner.run(reports_dir=reports, notebooks_dir=studies, progress=False) == 0
    out = capsys.readouterr().out
    assert "3 warning(s)" in out and "run.log" in out
    published = [p for p in reports.rglob("*") if p.is_file() and p.name != "run.log"]
    assert (reports / "01-warns.html").is_file() and (reports / "notebooks" / "01-warns.ipynb").is_file()
    for path in published:
        assert "SENTINEL" not in path.read_text(encoding="utf-8", errors="replace"), path
    assert "visible result" in (reports / "01-warns.html").read_text(encoding="utf-8")
    log_text = (reports / "run.log").read_text(encoding="utf-8")
    assert "01-warns" in log_text and "SENTINEL-WARNING-0" in log_text and "SENTINEL-WARNING-1" in log_text
    assert "SENTINEL-STDERR" in log_text
    assert _manifest(reports)["01-warns"]["warnings"] == 3


def test_take_warnings_counts_each_python_warning():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x", execution_count=4)
    two_warnings = "a.py:1: UserWarning: one\n  x = 1\nb.py:2: FutureWarning: two\n"  # synthetic
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text=two_warnings),
                    nbformat.v4.new_output("stream", name="stdout", text="kept"),
                    nbformat.v4.new_output("stream", name="stderr", text="plain text on stderr\n")]
    nb.cells.append(cell)
    taken = runner.take_warnings(nb)
    assert [o["text"] for o in nb.cells[0].outputs] == ["kept"]
    assert taken[0][0] == 4 and sum(runner._count_warnings(t) for _, t in taken) == 3


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


def test_types_are_declared_not_read_from_the_current_default(tmp_path):
    """A default saved from JupyterLab (regions = "Taizhou") must not turn a list of regions into a type error."""
    path = _study(tmp_path / "01-x.ipynb", 'regions = "Taizhou"\ndata_dir = "/somewhere"\ntop: int | None = 3\n'
                                           'extra = None\nn = 1\n')
    study = runner.discover(tmp_path)["01-x"]
    assert study.parameters["regions"]["type"] == "str | list[str] | None"
    for ok in (["Linhai"], "Linhai", "Linhai,Yiwu", None):
        assert runner.check_parameters(study, {"regions": ok})["regions"] == ok
    cli = dict([runner._parse_cli_param("regions=[Linhai]")])
    assert runner.check_parameters(study, cli)["regions"] == ["Linhai"]
    with pytest.raises(runner.RunnerError, match=r"parameter regions must be str \| list\[str\] \| None.*got int 5"):
        runner.check_parameters(study, {"regions": 5})
    with pytest.raises(runner.RunnerError, match="parameter regions must be"):
        runner.check_parameters(study, {"regions": ["Linhai", 3]})
    assert runner.check_parameters(study, {"top": 7})["top"] == 7  # an annotation declares the type
    with pytest.raises(runner.RunnerError, match=r"parameter top must be int \| None"):
        runner.check_parameters(study, {"top": "many"})
    assert runner.check_parameters(study, {"extra": [1, "a"]})["extra"] == [1, "a"]  # None default: any value
    with pytest.raises(runner.RunnerError, match="parameter n must be int"):
        runner.check_parameters(study, {"n": "one"})
    assert path.is_file()


def test_list_shows_each_parameters_help_type_and_default(studies_dir, tmp_path, capsys):
    assert runner.main(["--list", "--notebooks", str(studies_dir)]) == 0
    out = capsys.readouterr().out
    assert "01-tiny\n    x: int = 1\n        A number to show\n" in out
    assert "    label: str = 'plain'\n        A label shown as text (tests escaping)\n" in out
    _study(tmp_path / "nbs" / "01-x.ipynb",
           "# Cell heading, not a parameter's help\n\n"
           "# Regions to study, as a list\n# or a comma-separated string\nregions = None\n"
           "undocumented = 2.5\n")
    assert runner.main(["--list", "--notebooks", str(tmp_path / "nbs")]) == 0
    out = capsys.readouterr().out
    assert ("    regions: str | list[str] | None = None\n"
            "        Regions to study, as a list or a comma-separated string\n") in out
    assert "    undocumented: float = 2.5\n        (no help: no comment above it in the parameters cell)\n" in out
    assert "heading" not in out


def test_dates_stay_text_from_the_command_line_and_grid_files(tmp_path):
    assert runner._parse_cli_param("as_of=2023-08-31") == ("as_of", "2023-08-31")
    assert runner._parse_cli_param("regions=[Linhai, Yiwu]") == ("regions", ["Linhai", "Yiwu"])
    cfg = tmp_path / "g.yaml"
    cfg.write_text("grid:\n  as_of: [2022-06-30, 2022-12-31]\n", encoding="utf-8")
    assert runner.load_grid(cfg, {}) == [{"as_of": "2022-06-30"}, {"as_of": "2022-12-31"}]


# --- the index page ---------------------------------------------------------------------------------------------

RECORD_MIMETYPE = "application/vnd.investment-report+json"
#: What a synthetic study says about itself (as Report.front() emits it), hostile markup in every string.
RECORD = {"title": "Synthetic <b>growth</b> & co", "question": "Did <i>Testland</i> grow?",
          "first_finding": "Testland grew 5.0 % <script>alert(1)</script>", "fingerprint": "fp<1>",
          "data_source": "synthetic <dir>"}
LONG = "a-long-label-without-spaces-" * 6  # a data string wider than a phone


def _index_rows(text: str) -> dict[str, dict[str, str]]:
    """The index's table: for each row, by the slug its Report cell shows, each cell's text by its data-label."""
    from html.parser import HTMLParser

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if self.cell and tag in ("p", "li", "br"):  # block elements: their texts are apart
                self.rows[-1][self.cell] += " "
            if tag == "tr":
                self.rows.append({})
            elif tag == "td":
                self.cell = dict(attrs)["data-label"]
                self.rows[-1][self.cell] = ""

        def handle_endtag(self, tag):
            if tag == "td":
                self.cell = None

        def handle_data(self, data):
            if self.cell:
                self.rows[-1][self.cell] += data

    parser = Rows()
    parser.feed(text)
    rows = [{k: " ".join(v.split()) for k, v in r.items()} for r in parser.rows if r]
    return {r["Report"].split()[-1]: r for r in rows}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    """Reports of two synthetic studies: 01-tiny (no record, a long label) and 02-record (emits RECORD)."""
    tmp = tmp_path_factory.mktemp("indexed")
    studies = tmp / "notebooks"
    shutil.copytree(TINY_DIR, studies)
    _set_default(studies / "01-tiny.ipynb", "label", repr(LONG))
    _study(studies / "02-record.ipynb", "# How many\nn = 1\n",
           "from IPython.display import display\n"
           f"display({{{RECORD_MIMETYPE!r}: {RECORD!r}, 'text/html': '<p>FRONT-MATTER (synthetic)</p>',"
           " 'text/plain': 'front'}, raw=True)")
    _study(studies / "03-model.ipynb", "# How many\nn = 1\n",  # the record as the report model emits it
           "from analysis.reporting import Report, Section\n"
           "s = Section('growth', 'Growth', 'Did it grow?', ['Synthetic grew **5.0 %**.'], key=['Synthetic grew **5.0 %**.'])\n"
           "report = Report('03-model', 'Model report', 'Did synthetic grow?', {'n': n}, 'synthetic data', [s],"
           " fingerprint='fp-model')\n"
           "report.front()")
    reports = tmp / "reports"
    assert runner.run(reports_dir=reports, notebooks_dir=studies, progress=False, jobs_n=2) == 0
    return reports, studies


def test_the_index_shows_each_reports_title_first_finding_parameters_status_and_time(indexed):
    reports, studies = indexed
    m = _manifest(reports)
    assert {k: m["02-record"][k] for k in RECORD} == RECORD  # the record is kept in the manifest
    assert {m["01-tiny"][k] for k in RECORD} == {None}  # a study without a record still gets its row
    text = (reports / "index.html").read_text(encoding="utf-8")
    rows = _index_rows(text)
    assert set(rows) == {"01-tiny", "02-record", "03-model"}
    model = {"title": "Model report", "question": "Did synthetic grow?", "first_finding": "Synthetic grew 5.0 %.",
             "fingerprint": "fp-model", "data_source": "synthetic data"}
    assert {k: m["03-model"][k] for k in model} == model  # what Report.front() emits reaches the manifest
    assert rows["03-model"]["First key finding"] == model["first_finding"]
    assert "Synthetic grew <strong>5.0 %</strong>" in (reports / "03-model.html").read_text(encoding="utf-8")
    rec = rows["02-record"]
    assert rec["Report"] == f"{RECORD['title']} {RECORD['question']} 02-record"
    assert rec["First key finding"] == RECORD["first_finding"]
    assert rec["Parameters"] == "n = 1" and rec["Status"] == "ok"
    assert rec["Built"].startswith(f"{m['02-record']['built'].replace('T', ' ')}, in {m['02-record']['seconds']:.1f} s")
    assert RECORD["data_source"] in rec["Built"] and RECORD["fingerprint"] in rec["Built"]
    tiny = rows["01-tiny"]
    assert tiny["Report"] == "01-tiny 01-tiny" and tiny["First key finding"] == "none recorded"
    assert f"label = '{LONG}'" in tiny["Parameters"] and tiny["Status"] == "ok"
    for value in RECORD.values():  # every string is escaped
        assert html.escape(value, quote=False) in text
    assert "<script>alert(1)" not in text and "<b>growth" not in text and "<i>Testland" not in text
    assert '<a href="02-record.html">' in text
    report = (reports / "02-record.html").read_text(encoding="utf-8")
    assert "<p>FRONT-MATTER (synthetic)</p>" in report  # the front matter that travels with the record is shown
    outputs = [o for c in nbformat.read(reports / "notebooks" / "02-record.ipynb", as_version=4).cells
               for o in c.get("outputs", [])]
    assert [sorted(o.get("data", {})) for o in outputs] == [["text/html", "text/plain"]]  # the record is not
    assert runner.run(reports_dir=reports, notebooks_dir=studies, progress=False) == 0  # unchanged: kept as it was
    assert _manifest(reports) == m
    assert _index_rows((reports / "index.html").read_text(encoding="utf-8")) == rows


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed")
def test_the_index_is_no_wider_than_the_page_on_a_phone_or_a_laptop(indexed):
    from playwright.sync_api import sync_playwright

    reports, _ = indexed
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            for width in (390, 1280):
                page = browser.new_page(viewport={"width": width, "height": 800})
                page.goto((reports / "index.html").as_uri(), wait_until="load")
                assert page.evaluate("document.documentElement.scrollWidth") <= width, width
                assert page.evaluate("[...document.querySelectorAll('td')].every(td => td.scrollWidth <= "
                                     "td.clientWidth)"), f"a cell's content overflows it at {width} px"
                page.close()
        finally:
            browser.close()


def test_a_failed_report_is_listed_with_what_its_last_good_version_says(tmp_path):
    """A synthetic study that fails before it emits its record: the index row keeps the last good report's title
    and finding (which its link shows), and says it failed."""
    studies, reports = tmp_path / "notebooks", tmp_path / "reports"
    study = _study(studies / "01-rec.ipynb", "# Fail\nfail = False\n",
                   "if fail:\n    raise RuntimeError('asked to fail (synthetic)')",
                   "from IPython.display import display\n"
                   f"display({{{RECORD_MIMETYPE!r}: {RECORD!r}, 'text/plain': 'front'}}, raw=True)")
    assert runner.run(reports_dir=reports, notebooks_dir=studies, progress=False) == 0
    _set_default(study, "fail", "True")
    assert runner.run(reports_dir=reports, notebooks_dir=studies, progress=False) == 1
    row = _manifest(reports)["01-rec"]
    assert row["status"] == "failed" and row["html"] == "01-rec.html"
    assert {k: row[k] for k in RECORD} == RECORD
    shown = _index_rows((reports / "index.html").read_text(encoding="utf-8"))["01-rec"]
    assert shown["Report"].startswith(RECORD["title"]) and shown["First key finding"] == RECORD["first_finding"]
    assert "asked to fail (synthetic) (the link shows the last good report)" in shown["Status"]


def test_a_study_that_keeps_failing_without_a_good_report_is_listed(studies_dir, tmp_path):
    """Two failed runs in a row of a report that never succeeded (the second crashed reading the first's row)."""
    reports = tmp_path / "reports"
    for _ in range(2):
        assert runner.run(grid=[{"fail": True}], reports_dir=reports, notebooks_dir=studies_dir, progress=False) == 1
        (row,) = _manifest(reports).values()
        assert row["status"] == "failed" and row["html"] is None and "asked to fail" in row["error"]
    status = _index_rows((reports / "index.html").read_text(encoding="utf-8"))[row["slug"]]["Status"]
    assert status.startswith(f"failed in cell {row['failed_cell']}: RuntimeError: this study was asked to fail")


def test_the_code_hash_covers_report_templates_and_styles_not_the_index(tmp_path, monkeypatch):
    """A synthetic package folder: a report's style sheet is an input of every report; the index's is not (the
    index is written anew on every run)."""
    files = {"mod.py": "x = 1\n", "templates/report/report.css": "p { }\n", "templates/index/index.css": "p { }\n",
             "templates/index/index.html.j2": "{{ rows }}\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(runner.config, "PACKAGE_DIR", tmp_path)
    before = runner.code_hash()
    for name in ("templates/index/index.css", "templates/index/index.html.j2"):
        (tmp_path / name).write_text("changed\n", encoding="utf-8")
        assert runner.code_hash() == before, name
    (tmp_path / "templates/report/report.css").write_text("p { color: red }\n", encoding="utf-8")
    assert runner.code_hash() != before


def test_lab_only_cells_stay_out_of_the_published_report(tmp_path):
    """A markdown cell tagged lab-only (a note for the notebook's reader in JupyterLab) is not in the HTML that the
    report's reader gets; the other cells are (synthetic study)."""
    studies = tmp_path / "notebooks"
    path = _study(studies / "01-note.ipynb", "# Nothing to set\nx = 1\n", "print('REPORT-' + 'BODY')")
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("LAB-ONLY-NOTE: the code is in analysis.studies",
                                                     metadata={"tags": [runner.execution.LAB_ONLY_TAG]}))
    nb.cells.append(nbformat.v4.new_markdown_cell("SHOWN-NOTE"))
    nbformat.write(nb, path)
    reports = tmp_path / "reports"
    assert runner.run(reports_dir=reports, notebooks_dir=studies, progress=False) == 0
    page = (reports / "01-note.html").read_text(encoding="utf-8")
    assert "REPORT-BODY" in page and "SHOWN-NOTE" in page
    assert "LAB-ONLY-NOTE" not in page
