"""The warm engine (analysis.runner.engine): a fresh child per report, forked from a server with the heavy imports
done; outputs, errors and warnings as with a kernel; a dying child retried once.

Every study here is synthetic, written by the test (helper ``_study``); none reads the project's data.
"""

import contextlib
import json
import re
import time
from pathlib import Path

import nbformat
import pytest

from analysis import runner
from analysis.runner import engine, execution


def _study(path: Path, parameters: str, *code: str, metadata: dict | None = None, tags: dict | None = None) -> Path:
    """Write a synthetic study: a ``parameters`` cell, then the code cells (``tags``: {cell number: [tags]})."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.update(metadata or {})
    nb.cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    nb.cells += [nbformat.v4.new_code_cell(c, metadata={"tags": (tags or {}).get(i, [])}) for i, c in enumerate(code)]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _manifest(reports: Path) -> dict:
    return {r["slug"]: r for r in json.loads((reports / "manifest.json").read_text(encoding="utf-8"))["reports"]}


def _run(studies: Path, reports: Path, **kwargs) -> int:
    return runner.run(reports_dir=reports, notebooks_dir=studies, progress=False, **kwargs)


def _text(html: str) -> str:
    """What a report says, without markup (tags removed, white space collapsed)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_no_state_passes_from_one_report_to_the_next(tmp_path):
    """Each report sets a global, an attribute of an imported module and the working folder; none of the next
    reports (run one at a time, so each would meet the one before) sees any of them."""
    studies = tmp_path / "notebooks"
    _study(studies / "01-leaky.ipynb", "# Which report this is\nn = 0\n",
           "import os, analysis\n"
           "seen = {'global': 'LEAKED' in globals(), 'module': hasattr(analysis, '_leaked_by_a_report'),\n"
           "        'env': 'LEAKED_BY_A_REPORT' in os.environ}\n"
           "if any(seen.values()):\n"
           "    raise RuntimeError(f'state of an earlier report is visible: {seen}')\n"
           "print('CWD=' + os.getcwd())\n"
           "LEAKED = n\nanalysis._leaked_by_a_report = n\nos.environ['LEAKED_BY_A_REPORT'] = str(n)\nos.chdir('/')")
    reports = tmp_path / "reports"
    assert _run(studies, reports, grid=[{"n": i} for i in range(1, 4)], jobs_n=1) == 0
    m = _manifest(reports)
    assert len(m) == 3 and {r["status"] for r in m.values()} == {"ok"}, [r["error"] for r in m.values()]
    for row in m.values():  # each ran in the study's folder, whatever the report before it did
        assert f"CWD={studies}" in (reports / row["html"]).read_text(encoding="utf-8")
    import analysis
    import os
    assert not hasattr(analysis, "_leaked_by_a_report") and "LEAKED_BY_A_REPORT" not in os.environ  # nor here


def test_a_child_that_dies_is_run_once_more_then_the_report_fails_with_the_reason(tmp_path):
    """Synthetic studies that kill their own process: by a signal every time, by os._exit every time, and by a
    signal the first time only (then it succeeds). The other reports are not held up."""
    studies, attempts = tmp_path / "notebooks", tmp_path / "attempts"
    attempts.mkdir()
    count = ("import os, signal\nfrom pathlib import Path\n"
             f"tries = Path({str(attempts)!r}) / how\n"
             "tries.write_text(tries.read_text() + 'x' if tries.exists() else 'x')\n")
    _study(studies / "01-dies.ipynb", "# How to die\nhow = 'signal'\n",
           count + "if how == 'signal' or (how == 'once' and tries.read_text() == 'x'):\n"
                   "    os.kill(os.getpid(), signal.SIGKILL)\n"
                   "if how == 'exit':\n    os._exit(3)\nprint('SURVIVED', how)")
    reports = tmp_path / "reports"
    assert _run(studies, reports, grid=[{"how": h} for h in ("signal", "exit", "once")], jobs_n=2) == 1
    rows = {r["params"]["how"]: r for r in _manifest(reports).values()}
    assert rows["signal"]["status"] == "failed"
    assert rows["signal"]["error"] == "the report's process died (signal 9) twice"
    assert rows["exit"]["status"] == "failed"
    assert rows["exit"]["error"] == "the report's process died (exit code 3) twice"
    assert rows["once"]["status"] == "ok" and "SURVIVED once" in (reports / rows["once"]["html"]).read_text("utf-8")
    assert {p.name: p.read_text() for p in attempts.iterdir()} == {"signal": "xx", "exit": "xx", "once": "xx"}
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "process died (signal 9) twice" in index


#: A synthetic study whose outputs cover what a kernel gives: streams, display_data, execute_result (a pandas
#: frame, markdown), a figure left open (inline backend).
KINDS = (
    "print('one', x)\nprint('two')",
    "import sys\nprint('to stderr (synthetic)', file=sys.stderr)",
    "from IPython.display import HTML, Markdown, display\ndisplay(HTML('<p>shown <b>html</b></p>'))\n"
    "display(Markdown('*md*'), metadata={'k': 1})",
    "import pandas as pd\npd.DataFrame({'region': ['Testland', 'Nowhere'], 'value': [1.5, x]})",
    "from analysis.reporting import md\nmd('The value is **{x}**.', x=x)",
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(2, 1.5))\n_ = ax.plot([0, 1], [0, x])",
    "x * 10",
)


def _normalized(nb) -> list:
    """The cells as a reader sees them: type, source, tags, execution count, outputs (a traceback by its error)."""
    cells = []
    for cell in nb.cells:
        outs = []
        for out in cell.get("outputs", []):
            out = dict(out)
            if out.get("output_type") == "error":
                out["traceback"] = bool(out["traceback"])
            outs.append(out)
        cells.append((cell.cell_type, cell.source if "injected-parameters" not in cell.metadata.get("tags", []) else
                      "injected", cell.metadata.get("tags", []), cell.get("execution_count"), outs))
    return cells


def _comparable(html: str) -> str:
    """A report without what changes from one build to the next: cell ids (the injected cell's is random), the
    time it was generated."""
    html = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", "TIME", html)
    return re.sub(r'id="cell-id=[^"]+"', 'id="cell-id"', html)


def _both_engines(path: Path, tmp_path: Path, params: dict):
    """The report of ``path`` built by the kernel engine in this process and by the warm engine in a child."""
    studies = runner.discover(path.parent)
    (job,) = runner.plan_jobs(studies, None, [params])
    kernel = execution.execute_job(str(path), runner.Job(job.study, dict(job.params), job.slug), str(tmp_path / "k"),
                                   "c0mmit", engine="kernel")
    warm = engine.run_task_in_child(execution.make_task(job, path, "c0mmit", False))
    kernel_nb = nbformat.read(kernel.notebook, as_version=4)
    warm_nb = nbformat.reads(warm.notebook, as_version=4)
    kernel_html = (tmp_path / "k" / kernel.html).read_text(encoding="utf-8") if kernel.html else None
    return (kernel, kernel_nb, kernel_html), (warm.job, warm_nb, warm.html)


def test_the_warm_engine_gives_the_kernels_outputs_and_report(tmp_path):
    path = _study(tmp_path / "notebooks" / "01-kinds.ipynb", "# A number\nx = 1\n", *KINDS)
    (kjob, knb, khtml), (wjob, wnb, whtml) = _both_engines(path, tmp_path, {"x": 7})
    assert kjob.status == wjob.status == "ok", (kjob.error, wjob.error)
    assert _normalized(wnb) == _normalized(knb)
    outputs = {i: c.outputs for i, c in enumerate(wnb.cells) if c.cell_type == "code"}
    assert outputs[2] == [nbformat.v4.new_output("stream", name="stdout", text="one 7\ntwo\n")]
    assert [o.output_type for o in outputs[7]] == ["display_data"] and "image/png" in outputs[7][0].data
    assert outputs[8][0]["data"] == {"text/plain": "70"} and outputs[8][0]["execution_count"] == 9
    assert [w for _, w in wjob.extra["warning_text"]] == ["to stderr (synthetic)\n"] == \
        [w for _, w in kjob.extra["warning_text"]]
    assert _comparable(whtml) == _comparable(khtml)
    assert "shown <b>html</b>" in whtml and "Testland" in _text(whtml) and "The value is <strong>7</strong>" in whtml


def test_a_failing_cell_is_recorded_as_papermill_records_it(tmp_path):
    path = _study(tmp_path / "notebooks" / "01-fails.ipynb", "# Fail?\nfail = False\n",
                  "print('before')",
                  "if fail:\n    raise ValueError('asked to fail (synthetic)')",
                  "print('never reached')")
    (kjob, knb, _), (wjob, wnb, whtml) = _both_engines(path, tmp_path, {"fail": True})
    assert wjob.status == kjob.status == "failed" and whtml is None
    assert wjob.error == kjob.error == "ValueError: asked to fail (synthetic)"
    assert wjob.failed_cell == kjob.failed_cell == 4  # parameters 1, injected parameters 2, print 3, failing cell 4
    assert _normalized(wnb) == _normalized(knb)  # papermill's error markers, the error output, the cell not run
    (error,) = [o for c in wnb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert error.ename == "ValueError" and error.evalue == "asked to fail (synthetic)"
    assert any("asked to fail" in line for line in error.traceback)
    assert [c.metadata.get("tags") for c in wnb.cells if c.cell_type == "markdown"] == [
        ["papermill-error-cell-tag"], ["papermill-error-cell-tag"]]
    assert [c.metadata.get("tags") for c in wnb.cells if c.cell_type == "code"][:2] == [["parameters"],
                                                                                     ["injected-parameters"]]
    assert "fail = True" in wnb.cells[2].source  # the injected cell, right after the parameters cell


def test_warnings_and_what_c_code_writes_to_stderr_go_to_the_log(tmp_path):
    """Also what is written to the file descriptors 2 and 1 themselves (C code, subprocesses): a kernel would let
    it through to the runner's terminal; the warm engine takes it as the cell's stderr and stdout."""
    studies = tmp_path / "notebooks"
    _study(studies / "01-warns.ipynb", "# Nothing to set\nn = 1\n",
           "import os, subprocess, warnings\nwarnings.warn('WARM-' + 'WARNING (synthetic)', UserWarning)\n"
           "os.write(2, b'WARM-' b'FD-STDERR (synthetic)\\n')\nprint('visible')\n"
           "subprocess.run(['echo', 'from a ' + 'subprocess'])")
    reports = tmp_path / "reports"
    assert _run(studies, reports) == 0
    log_text = (reports / "run.log").read_text(encoding="utf-8")
    assert "WARM-WARNING (synthetic)" in log_text and "WARM-FD-STDERR (synthetic)" in log_text
    page = (reports / "01-warns.html").read_text(encoding="utf-8")
    assert "visible" in page and "from a subprocess" in page
    assert "WARM-WARNING" not in page and "WARM-FD-STDERR" not in page
    assert _manifest(reports)["01-warns"]["warnings"] == 2


def test_a_study_can_ask_for_a_kernel(tmp_path):
    """The notebook metadata "runner": {"engine": "kernel"} runs it in a Jupyter kernel (ipykernel); without it,
    in the warm engine's shell."""
    studies = tmp_path / "notebooks"
    probe = "import sys\nprint('ENGINE=' + type(get_ipython()).__name__, 'ipykernel' in sys.modules)"
    _study(studies / "01-kernel.ipynb", "n = 1\n", probe, metadata={"runner": {"engine": "kernel"}})
    _study(studies / "02-warm.ipynb", "n = 1\n", probe)
    reports = tmp_path / "reports"
    assert _run(studies, reports) == 0
    assert "ENGINE=ZMQInteractiveShell True" in _text((reports / "01-kernel.html").read_text(encoding="utf-8"))
    assert "ENGINE=WarmShell False" in _text((reports / "02-warm.html").read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match="engine: expected one of warm, kernel, got 'hot'"):
        execution._engine_of(str(studies / "02-warm.ipynb"), "hot")


def test_stopping_the_iteration_kills_the_children_still_running(tmp_path):
    """A consumer that stops after the first result (as Ctrl-C does): the report still sleeping is killed at
    once, not waited for."""
    path = _study(tmp_path / "notebooks" / "01-sleeps.ipynb", "# Seconds\ns = 0.0\n", "import time\ntime.sleep(s)")
    studies = runner.discover(path.parent)
    jobs = runner.plan_jobs(studies, None, [{"s": 0.0}, {"s": 60.0}])
    tasks = [execution.make_task(j, path, "c", False) for j in jobs]
    results = execution.LocalExecutor(2).run(tasks)
    first = next(results)
    assert first.job.status == "ok" and first.job.params["s"] == 0.0
    t0 = time.perf_counter()
    results.close()  # GeneratorExit inside run(): the sleeping child is killed
    assert time.perf_counter() - t0 < 10
    assert not engine._live


def test_a_report_child_ends_when_the_runner_is_killed(tmp_path):
    """Only the runner's own process is killed (SIGKILL, no clean-up): the report's child, which would sleep
    for a minute, ends within seconds instead of running on as an orphan."""
    import os
    import signal
    import subprocess
    import sys

    pid_file = tmp_path / "child.pid"
    studies = tmp_path / "notebooks"
    _study(studies / "01-sleeps.ipynb", "# Seconds\ns = 60.0\n",
           f"import os, time\nfrom pathlib import Path\nPath({str(pid_file)!r}).write_text(str(os.getpid()))\n"
           "time.sleep(s)")
    proc = subprocess.Popen([sys.executable, "-m", "analysis.runner", "--notebooks", str(studies), "-o",
                             str(tmp_path / "reports"), "--no-progress"], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and not pid_file.exists():
            time.sleep(0.1)
        child = int(pid_file.read_text())
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.time() + 10
        while time.time() < deadline and _alive(child):
            time.sleep(0.1)
        assert not _alive(child), "the report's child outlived the runner"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not yet reaped by its parent, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_the_warm_engine_refuses_a_process_that_has_another_shell(tmp_path, monkeypatch):
    """Called in a process that already has an IPython shell (a Jupyter kernel, here a plain InteractiveShell
    stand-in), the warm engine fails the report with the reason instead of running it in that shell's namespace."""
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setattr(InteractiveShell, "initialized", classmethod(lambda cls: True))
    monkeypatch.setattr(InteractiveShell, "instance", classmethod(lambda cls, *a, **k: object()))
    with pytest.raises(RuntimeError, match=r"already has an IPython shell \(object"):
        engine._shell(engine._Outputs())


def test_a_report_is_not_started_once_the_run_is_stopping(tmp_path):
    """A stop that comes while a report waits for its child (e.g. while the fork server still imports): the
    report is not run at all, and says why."""
    import threading

    marker = tmp_path / "ran"
    path = _study(tmp_path / "notebooks" / "01-marks.ipynb", "n = 1\n",
                  f"from pathlib import Path\nPath({str(marker)!r}).write_text('ran')")
    (job,) = runner.plan_jobs(runner.discover(path.parent), None, [{}])
    stop = threading.Event()
    stop.set()
    result = engine.run_task_in_child(execution.make_task(job, path, "c", False), stop)
    assert result.job.status == "failed" and result.job.error == "the run was stopped before the report ended"
    assert not marker.exists() and result.html is None


def test_longest_reports_start_first():
    """Longest-processing-time first: reports timed by an earlier build by their seconds, then the others by
    their study's code cells (synthetic jobs and studies)."""
    from pathlib import Path

    from analysis.runner.discovery import Study
    from analysis.runner.jobs import Job
    from analysis.runner.publish import longest_first

    studies = {"01-a": Study("01-a", Path("a"), {}, 0, 3), "02-b": Study("02-b", Path("b"), {}, 0, 9)}
    jobs = [Job("01-a", {}, "a1"), Job("01-a", {}, "a2"), Job("02-b", {}, "b1"), Job("02-b", {}, "b2")]
    previous = {"a2": {"seconds": 0.4}, "b2": {"seconds": 2.5}, "a1": {"seconds": None}}
    assert [j.slug for j in longest_first(jobs, studies, previous)] == ["b2", "a2", "b1", "a1"]
