"""The runner on Dask distributed (analysis.runner.dask): a real scheduler and two workers on 127.0.0.1 with one
killed midway; data folders that travel with the task; --dry-run; the progress lines.

Uses the tiny synthetic study of tests/test_runner.py (tests/data/notebooks/01-tiny.ipynb) and synthetic studies
written here. Every process started here is in its own session and killed in a finalizer; every wait is bounded.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from analysis import runner
from analysis.runner.dask import DaskExecutor, task_function
from analysis.runner.execution import ReportResult, ReportTask, execute_all, make_task, pack_folder, run_task
from analysis.runner.jobs import Job

pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
TINY_DIR = Path(__file__).parent / "data" / "notebooks"
DASK = str(Path(sys.executable).with_name("dask"))  # the venv's own `dask` command
# workers import the project from this checkout; worker processes that are not daemons may start children
WORKER_ENV = {**os.environ, "PYTHONPATH": str(ROOT), "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
              "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}  # as the README says
GRID_N = 12


def _wait_for(what: str, check, seconds: float):
    """Poll ``check()`` until it is truthy (and return it), failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def _kill(proc: subprocess.Popen) -> None:
    """SIGKILL a process started in its own session, with everything it started (a worker: nanny and worker)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)


@pytest.fixture
def studies_dir(tmp_path):
    d = tmp_path / "notebooks"
    shutil.copytree(TINY_DIR, d)
    return d


@pytest.fixture
def cluster(tmp_path, request):
    """A `dask scheduler` and two `dask worker` processes (one thread each) on 127.0.0.1: (address, workers)."""
    sched_file = tmp_path / "scheduler.json"
    procs = []

    def start(*args, log_name):
        log = open(tmp_path / log_name, "wb")
        procs.append(subprocess.Popen([DASK, *args], env=WORKER_ENV, stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True, cwd=tmp_path))
        request.addfinalizer(log.close)
        return procs[-1]

    request.addfinalizer(lambda: [_kill(p) for p in reversed(procs)])
    start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard", "--scheduler-file", str(sched_file),
          log_name="scheduler.log")
    address = _wait_for("the scheduler file", lambda: sched_file.is_file() and json.loads(
        sched_file.read_text() or "{}").get("address"), 60)
    workers = [start("worker", address, "--nthreads", "1", "--nworkers", "1", "--host", "127.0.0.1",
                     "--no-dashboard", log_name=f"worker-{i}.log") for i in range(2)]
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(2, timeout=60)
    return address, workers


def _busy_worker(address: str, workers: list[subprocess.Popen]):
    """One of ``workers`` that is processing a task now, and its tasks' keys; None when neither is."""
    from distributed import Client

    with Client(address, timeout=30) as client:
        pids = client.run(os.getpid)  # on each worker's event loop, not in its (busy) thread
        for addr, keys in client.processing().items():
            if keys and addr in pids:
                by_session = {w.pid: w for w in workers}  # each worker process is in its `dask worker`'s session
                victim = by_session.get(os.getsid(pids[addr]))
                if victim is not None:
                    return victim, list(keys)
    return None


def _manifest(reports):
    return {r["slug"]: r for r in json.loads((reports / "manifest.json").read_text(encoding="utf-8"))["reports"]}


def _start_grid(address: str, studies: Path, tmp_path: Path) -> tuple[subprocess.Popen, Path, Path]:
    """Start `investment-reports --scheduler address` on a grid of 12 reports (1 s each) in its own session, and
    wait (bounded) for its first report: (the process, its output file, the reports folder)."""
    grid = tmp_path / "grid.yaml"
    grid.write_text(f"grid:\n  x: {list(range(GRID_N))}\n  sleep: [1.0]\n", encoding="utf-8")
    reports, out = tmp_path / "reports", tmp_path / "runner.out"
    with open(out, "wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "analysis.runner", "--notebooks", str(studies), "-o",
                                 str(reports), "-c", str(grid), "--scheduler", address, "--no-progress"],
                                env=WORKER_ENV, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for("the first report", lambda: "[ 1/12] ok" in out.read_text(encoding="utf-8"), 120)
    except BaseException:
        _kill(proc)
        raise
    return proc, out, reports


def test_a_grid_on_a_real_cluster_survives_a_worker_killed_midway(cluster, studies_dir, tmp_path):
    """12 reports (1 s each) via --scheduler; a worker is SIGKILLed once the first results are in. Dask reruns its
    task on the other worker: every report is published once, correct, and listed."""
    address, workers = cluster
    t0 = time.monotonic()
    proc, out, reports = _start_grid(address, studies_dir, tmp_path)
    try:
        victim, lost = _wait_for("a worker running a report", lambda: _busy_worker(address, workers), 30)
        assert proc.poll() is None, "the run ended before a worker could be killed"
        _kill(victim)  # mid-grid, mid-report: the scheduler must rerun what it had on the other worker
        status = proc.wait(timeout=180)
    finally:
        _kill(proc)
    text = out.read_text(encoding="utf-8")
    assert status == 0, text
    lines = [line for line in text.splitlines() if re.match(r"\[\s*\d+/12\] ", line)]
    slugs = [line.split()[-3] for line in lines]
    assert len(lines) == GRID_N and len(set(slugs)) == GRID_N, text  # each report ended once, in the log too
    m = _manifest(reports)
    assert len(m) == GRID_N and {r["status"] for r in m.values()} == {"ok"}
    index = (reports / "index.html").read_text(encoding="utf-8")
    for row in m.values():
        x = row["params"]["x"]
        html = (reports / row["html"]).read_text(encoding="utf-8")
        assert f"The value is <strong>{x}</strong>" in html, row["slug"]  # its own parameter, not another's
        assert row["slug"] in index
    assert len([p for p in reports.glob("*.html") if p.name != "index.html"]) == GRID_N
    assert lost and all(any(key.startswith(f"report-{slug}-") for slug in m) for key in lost)  # those came back
    assert not list(reports.glob(".build-*"))
    assert time.monotonic() - t0 < 240


def _scheduler_tasks(address: str) -> int:
    """Tasks the scheduler at ``address`` holds (other than this client's own)."""
    from distributed import Client

    with Client(address, timeout=30) as client:
        return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))


def test_sigterm_cancels_the_grid_on_an_existing_cluster(cluster, studies_dir, tmp_path):
    """SIGTERM to a run on --scheduler after its first report: exit 143, the scheduler is left with no task of
    the grid (cancelled, not left queued), nothing is published."""
    address, _ = cluster
    proc, out, reports = _start_grid(address, studies_dir, tmp_path)
    try:
        assert _scheduler_tasks(address) >= GRID_N - 2  # the rest of the grid is on the cluster
        proc.send_signal(signal.SIGTERM)
        status = proc.wait(timeout=30)
    finally:
        _kill(proc)
    assert status == 143, out.read_text(encoding="utf-8")
    _wait_for("the scheduler to drop the grid's tasks", lambda: _scheduler_tasks(address) == 0, 20)
    assert not (reports / "index.html").exists() and not list(reports.glob(".build-*"))
    assert "stopped by SIGTERM" in out.read_text(encoding="utf-8")


def _reading_study(path: Path) -> Path:
    """A synthetic study that prints the file ``data_dir/marker.txt`` and the folder it read it from."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    nb.cells.append(nbformat.v4.new_code_cell("# The data folder\ndata_dir = 'data'\n",
                                              metadata={"tags": ["parameters"]}))
    nb.cells.append(nbformat.v4.new_code_cell(
        "from pathlib import Path\nprint('marker:', (Path(data_dir) / 'marker.txt').read_text().strip())\n"
        "print('read from:', data_dir)"))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_a_data_folder_the_worker_cannot_see_travels_with_the_task(tmp_path):
    """The runner's data_dir does not exist where the task runs: the shipped copy (tar in task.folders) is used,
    and the result keeps the runner's parameters."""
    data = tmp_path / "runner-data"
    data.mkdir()
    (data / "marker.txt").write_text("SHIPPED-7f3a (synthetic)\n", encoding="utf-8")
    study = _reading_study(tmp_path / "notebooks" / "01-reads.ipynb")
    job = Job(study="01-reads", params={"data_dir": str(tmp_path / "gone" / "data")}, slug="01-reads")
    task = ReportTask(job, study.read_text(encoding="utf-8"), str(tmp_path / "gone" / "notebooks"), "test",
                      folders={"data_dir": pack_folder(data)})
    assert not Path(job.params["data_dir"]).exists()
    result = run_task(task)
    assert result.job.status == "ok", result.job.error
    assert "marker: SHIPPED-7f3a (synthetic)" in result.html
    read_from = re.findall(r"read from: ([^\s<]+)", result.html)
    assert len(read_from) == 1 and read_from[0].endswith("param-data_dir"), read_from  # the unpacked copy
    assert result.job.params == {"data_dir": str(tmp_path / "gone" / "data")}
    # the runner packs a folder its Dask executor ships, and not for the local one
    job2 = Job(study="01-reads", params={"data_dir": str(data)}, slug="01-reads")
    assert set(make_task(job2, study, "test", False, ship_folders=True).folders) == {"data_dir"}
    assert make_task(job2, study, "test", False, ship_folders=False).folders == {}


def test_the_task_function_is_the_warm_engine_when_there_is_one():
    try:
        from analysis.runner.engine import run_task_in_child
    except ImportError:
        assert task_function() is run_task
    else:
        assert task_function() is run_task_in_child


def _faulty(task):
    """A task function (synthetic faults): x=2 raises; x=3 kills the worker process running it, every time."""
    if task.job.params.get("x") == 2:
        raise RuntimeError("synthetic failure of the task itself")
    if task.job.params.get("x") == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return run_task(task)


def test_a_task_that_raises_or_keeps_killing_its_worker_is_a_failed_report(studies_dir, tmp_path, monkeypatch):
    """Neither stops the others: the report is failed with the reason (the exception; KilledWorker once the
    scheduler gave up rerunning it, here after 1 retry)."""
    import dask

    monkeypatch.setattr("analysis.runner.dask.task_function", lambda: _faulty)
    reports = tmp_path / "reports"
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):  # the LocalCluster's scheduler is here
        status = runner.run(grid=[{"x": 1}, {"x": 2}, {"x": 3}, {"x": 4}], reports_dir=reports,
                            notebooks_dir=studies_dir, progress=False, executor=DaskExecutor(n_workers=1))
    assert status == 1
    rows = {r["params"]["x"]: r for r in _manifest(reports).values()}
    assert rows[1]["status"] == rows[4]["status"] == "ok"
    assert rows[2]["status"] == "failed" and "RuntimeError: synthetic failure of the task itself" in rows[2]["error"]
    assert rows[3]["status"] == "failed" and "KilledWorker" in rows[3]["error"]


def _snapshot(folder: Path) -> dict:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}


def test_dry_run_lists_what_would_run_and_what_is_cached_and_writes_nothing(studies_dir, tmp_path, capsys):
    reports = tmp_path / "reports"
    assert runner.main(["--notebooks", str(studies_dir), "-o", str(reports), "--dry-run", "-p", "x=5"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^would run +01-tiny--x=5-\w+: new$", out, re.M), out
    assert "1 report(s): 1 would run, 0 unchanged (cached)" in out
    assert not reports.exists()  # not even the folder, the lock or the log

    assert runner.run(grid=[{"x": 1}, {"x": 2}], reports_dir=reports, notebooks_dir=studies_dir, progress=False) == 0
    capsys.readouterr()
    before = _snapshot(reports)
    assert runner.run(grid=[{"x": 1}, {"x": 2}, {"x": 3}], reports_dir=reports, notebooks_dir=studies_dir,
                      dry_run=True) == 0
    lines = capsys.readouterr().out.splitlines()
    cached = [l.split()[-1] for l in lines if l.startswith("unchanged (cached)")]
    would = [l for l in lines if l.startswith("would run")]
    assert len(cached) == 2 and all(s in _manifest(reports) for s in cached)
    assert len(would) == 1 and "x=3" in would[0] and would[0].endswith(": new")
    assert lines[-1].startswith("3 report(s): 1 would run, 2 unchanged (cached)")
    assert _snapshot(reports) == before
    assert runner.run(grid=[{"x": 1}], reports_dir=reports, notebooks_dir=studies_dir, dry_run=True, force=True) == 0
    assert "would run" in capsys.readouterr().out and _snapshot(reports) == before


class _Canned:
    """An executor that returns made-up results at once (synthetic): for the progress output alone."""

    ships_folders = False
    slots = 2

    def run(self, tasks):
        for i, t in enumerate(tasks):
            job = t.job
            job.seconds = 1.25 + i
            if i == 1:
                job.status, job.error = "failed", "RuntimeError: made up"
            else:
                job.status = "ok"
            yield ReportResult(job, "<p>made up</p>" if job.status == "ok" else None, None)
        yield ReportResult(tasks[0].job, "<p>again</p>", None)  # a duplicate is not stored twice


def _canned_jobs(studies_dir):
    studies = runner.discover(studies_dir)
    return studies, runner.plan_jobs(studies, None, [{"x": i} for i in range(3)])


def test_one_line_per_report_without_a_bar(studies_dir, tmp_path, capsys):
    studies, jobs = _canned_jobs(studies_dir)
    done = execute_all(jobs, studies, tmp_path, "test", False, None, progress=False, executor=_Canned())
    assert [j.slug for j in done] == [j.slug for j in jobs]
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 3 and err == ""
    assert lines[0] == f"[1/3] ok     {jobs[0].slug} (1.2 s)"
    assert lines[1] == f"[2/3] failed {jobs[1].slug} (2.2 s): RuntimeError: made up"
    assert lines[2] == f"[3/3] ok     {jobs[2].slug} (3.2 s)"


def test_the_bar_counts_done_failed_running_and_the_lines_go_above_it(studies_dir, tmp_path, capsys):
    studies, jobs = _canned_jobs(studies_dir)
    execute_all(jobs, studies, tmp_path, "test", False, None, progress=True, executor=_Canned())
    out, err = capsys.readouterr()
    assert out == ""  # everything on stderr, through tqdm
    assert f"[2/3] failed {jobs[1].slug} (2.2 s): RuntimeError: made up\n" in err
    assert "3/3" in err and "done=3, failed=1, running=0" in err
    assert err.count(jobs[0].slug) == 1


def test_a_scheduler_that_is_not_there_is_a_clear_error_and_nothing_is_published(studies_dir, tmp_path):
    import socket

    with socket.socket() as sock:  # a port nothing listens on (closed again at once)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    reports = tmp_path / "reports"
    with pytest.raises(runner.RunnerError, match=rf"--scheduler tcp://127.0.0.1:{port}: cannot reach a Dask "
                                                 r"scheduler there within 2 s"):
        runner.run(reports_dir=reports, notebooks_dir=studies_dir, progress=False,
                   executor=DaskExecutor(f"tcp://127.0.0.1:{port}", connect_timeout=2))
    assert not (reports / "index.html").exists() and not list(reports.glob(".build-*"))
