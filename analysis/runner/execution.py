"""Execution: each report run by papermill and exported by nbconvert in a fresh child process, several at a time.

Two engines run a report's cells: ``warm`` (default; :mod:`analysis.runner.engine`: in the report's own child,
forked from a server with the heavy imports done) and ``kernel`` (papermill with a new Jupyter kernel per report).
A study asks for the kernel with the notebook metadata ``"runner": {"engine": "kernel"}``.

A study's stderr (warnings) is taken out of the executed notebook and logged to ``run.log``; the record the study
emits for the runner is taken out and kept on the job (title, key finding, data fingerprint and source).
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import functools
import io
import json
import logging
import os
import shutil
import sys
import tarfile
import tempfile
import time
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import __version__, config
from .jobs import PATH_PARAMETERS, RECORD_FIELDS, Job

log = logging.getLogger(__name__)


#: Tag of notebook cells shown in JupyterLab but not in the published report.
LAB_ONLY_TAG = "lab-only"


#: The engines that run a report's cells (see :func:`execute_job`).
ENGINES = ("warm", "kernel")


@functools.lru_cache(maxsize=2)
def _exporter(show_code: bool):
    """nbconvert's HTML exporter with the report template (``analysis/templates/report/``); one per process (the
    warm fork server compiles its templates once)."""
    from nbconvert import HTMLExporter

    from traitlets.config import Config

    # cells tagged "lab-only" (a note to the reader of the notebook in JupyterLab, such as where the study's code
    # lives) are left out of the published report: its reader starts at the report's own title
    c = Config({"TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": [LAB_ONLY_TAG]}})
    exp = HTMLExporter(config=c, template_name="report",
                       extra_template_basedirs=[str(config.PACKAGE_DIR / "templates")])
    exp.exclude_input_prompt = True
    exp.embed_images = False  # figures are already data URIs in the outputs; no markdown cell links a file
    exp.sanitize_html = False  # outputs are produced by our own code, which escapes data (analysis.reporting)
    return exp


def execute_job(study_path: str, job: Job, build_dir: str, commit: str, show_code: bool = False,
                cwd: str | None = None, engine: str = "warm") -> Job:
    """Execute one study with papermill and export it to HTML in ``build_dir``. Never raises for a failing study:
    failures are recorded on the returned Job, with the failing cell and the executed notebook kept (an unknown
    ``engine`` is a ValueError).

    Parameters
    ----------
    cwd : str, optional
        The folder the notebook runs in (default: the study's own folder).
    engine : {"warm", "kernel"}
        ``warm``: the cells run in this process (:class:`~analysis.runner.engine.WarmEngine`; run one report per
        process, as :func:`~analysis.runner.engine.run_task_in_child` does); ``kernel``: in a new Jupyter kernel.
        A notebook whose metadata says ``"runner": {"engine": "kernel"}`` runs in a kernel whatever is asked.
    """
    import nbformat

    t0 = time.perf_counter()
    build = Path(build_dir)
    out_nb = build / "notebooks" / f"{job.slug}.ipynb"
    out_nb.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine_of(study_path, engine)
    try:
        (_run_warm if engine == "warm" else _run_kernel)(study_path, str(out_nb), job.params,
                                                         cwd or str(Path(study_path).parent))
        job.status = "ok"
    except Exception as e:  # papermill raises PapermillExecutionError with the cell and the error
        job.status = "failed"
        job.error = f"{getattr(e, 'ename', type(e).__name__)}: {getattr(e, 'evalue', str(e))}".strip()
        job.failed_cell = getattr(e, "exec_count", None) or getattr(e, "cell_index", None)
    job.notebook = str(out_nb)
    job.built_with = f"{__version__} @ {commit}"
    job.built = dt.datetime.now().isoformat(timespec="seconds")
    nb = None
    try:
        nb = nbformat.read(out_nb, as_version=4)
        job.extra["warning_text"] = take_warnings(nb)
        job.warnings = sum(_count_warnings(text) for _, text in job.extra["warning_text"])
        record = _report_record(nb)  # a failed study that got as far as its front matter still has its title
        for name in RECORD_FIELDS:
            value = record.get(name)
            setattr(job, name, None if value in (None, "") else str(value))
        if job.status == "ok":  # the published notebook holds neither; a failed one is kept whole, as it ran
            nbformat.write(nb, out_nb)
    except Exception as e:  # papermill could not even write the notebook (e.g. it did not start)
        if job.status == "ok":
            job.status, job.error = "failed", f"executed notebook unreadable: {type(e).__name__}: {e}"
    if job.status == "ok":
        try:
            nb.metadata["report"] = {
                "title": job.title or job.study, "parameters": {k: repr(v) for k, v in job.params.items()},
                "fingerprint": job.fingerprint or "", "data_source": job.data_source or "",
                "generated": job.built, "version": __version__,
                "commit": commit, "show_code": show_code,
            }
            body, _ = _exporter(show_code).from_notebook_node(nb, resources={"metadata": {"name": job.study}})
            (build / f"{job.slug}.html").write_text(body, encoding="utf-8")
            job.html = f"{job.slug}.html"
        except Exception as e:
            job.status, job.error = "failed", f"HTML export failed: {type(e).__name__}: {e}"
            log.debug(traceback.format_exc())
    job.seconds = round(time.perf_counter() - t0, 2)
    return job


def _engine_of(study_path: str, asked: str) -> str:
    """The engine a study runs with: its notebook's ``runner.engine`` metadata, else ``asked``."""
    if asked not in ENGINES:
        raise ValueError(f"engine: expected one of {', '.join(ENGINES)}, got {asked!r}")
    try:
        meta = json.loads(Path(study_path).read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return asked  # papermill reports the unreadable notebook
    wanted = (meta.get("runner") or {}).get("engine") if isinstance(meta.get("runner"), dict) else None
    return wanted if wanted in ENGINES else asked


def _run_warm(study_path: str, out_nb: str, params: dict, cwd: str) -> None:
    """papermill with the warm engine: the cells run in this process."""
    import papermill as pm

    from . import engine

    engine.register()
    pm.execute_notebook(study_path, out_nb, parameters=params, engine_name=engine.WARM_ENGINE,
                        kernel_name="python3", progress_bar=False, cwd=cwd, request_save_on_cell_execute=False)


def _run_kernel(study_path: str, out_nb: str, params: dict, cwd: str) -> None:
    """papermill with a new kernel, over IPC socket files (no TCP ports to collide), shut down immediately."""
    import papermill as pm
    from jupyter_client.manager import KernelManager

    # IPC socket paths must stay under ~100 bytes: keep them in a short temporary folder
    ipc_dir = Path(tempfile.mkdtemp(prefix="k-", dir="/tmp" if os.path.isdir("/tmp") else None))
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(ipc_dir / f"k-{uuid.uuid4().hex[:8]}"))
    try:
        pm.execute_notebook(
            study_path, out_nb, parameters=params, kernel_name="python3", progress_bar=False, cwd=cwd, km=km,
            shutdown_kernel="immediate", start_timeout=120,
            request_save_on_cell_execute=False,  # write the executed notebook once, not after every cell
        )
    finally:
        try:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
        except Exception:
            pass
        shutil.rmtree(ipc_dir, ignore_errors=True)


def _sift_outputs(nb, keep) -> None:
    """Keep, in place, the outputs of each cell for which ``keep(cell, output)`` is true (it may take from them)."""
    for cell in nb.cells:
        if "outputs" in cell:
            cell["outputs"] = [out for out in cell["outputs"] if keep(cell, out)]


def take_warnings(nb) -> list[tuple[int | None, str]]:
    """Remove every stderr stream output (Python warnings, logging, ``print(..., file=sys.stderr)``) from an
    executed notebook, in place, and return them.

    Returns
    -------
    list of (int or None, str)
        For each stderr output: the execution count of the cell that wrote it, and its text.
    """
    taken = []

    def keep(cell, out) -> bool:
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            if out.get("text", "").strip():
                taken.append((cell.get("execution_count"), out["text"]))
            return False
        return True

    _sift_outputs(nb, keep)
    return taken


def _count_warnings(text: str) -> int:
    """Messages in a stderr text: its lines that do not start with white space, and at least one.

    A Python warning is printed as ``file.py:12: UserWarning: text`` followed by the indented source line, so it
    counts once; a ``print(..., file=sys.stderr)`` or a log record counts once per line.
    """
    return max(1, sum(1 for line in text.splitlines() if line.strip() and not line[0].isspace()))


def _report_record(nb) -> dict:
    """The record a study emitted for the runner (MIME type ``analysis.reporting.REPORT_MIMETYPE``: title,
    question, first key finding, data fingerprint and source), removed from the notebook's outputs: it is
    metadata for the report's header and the index, not something to show. The report's front matter, which
    travels in the same output (``Report.front()``), stays. The last record wins; ``{}`` when there is none."""
    from ..reporting.format import REPORT_MIMETYPE

    record = {}

    def keep(cell, out) -> bool:
        nonlocal record
        data = out.get("data", {})
        if REPORT_MIMETYPE not in data:
            return True
        rec = data.pop(REPORT_MIMETYPE)
        record = json.loads(rec) if isinstance(rec, str) else dict(rec)
        return bool(set(data) - {"text/plain"})

    _sift_outputs(nb, keep)
    return record


# --- tasks: one report as it travels to whatever executes it ----------------------------------------------


@dataclass
class ReportTask:
    """Everything a worker needs to build one report, with no shared file system.

    Attributes
    ----------
    job : Job
        The report: study, parameters (paths absolute on the runner's machine), slug and cache key.
    notebook : str
        The study notebook (JSON text) as the runner read it.
    study_dir : str
        The study's folder on the runner's machine: the notebook runs there when the worker sees it.
    commit, show_code :
        Stamped into the report.
    folders : dict of str to bytes
        For each path parameter naming a folder (``data_dir``): the folder as a gzip'ed tar, for a worker that
        cannot see the runner's path. Empty for the local executor.
    """

    job: Job
    notebook: str
    study_dir: str
    commit: str
    show_code: bool = False
    folders: dict = field(default_factory=dict)


@dataclass
class ReportResult:
    """What building one report gave: the job (status, error, record, timings), the HTML and the executed
    notebook as text (None where there is none)."""

    job: Job
    html: str | None
    notebook: str | None


def make_task(job: Job, study_path: Path, commit: str, show_code: bool, ship_folders: bool = False) -> ReportTask:
    """The task of ``job``; with ``ship_folders``, the folders its path parameters name travel with it."""
    folders = {}
    if ship_folders:
        for name in PATH_PARAMETERS:
            value = job.params.get(name)
            if isinstance(value, str) and value and Path(value).is_dir():
                folders[name] = pack_folder(Path(value))
    return ReportTask(job, Path(study_path).read_text(encoding="utf-8"), str(Path(study_path).parent), commit,
                      show_code, folders)


def pack_folder(folder: Path) -> bytes:
    """``folder``'s files as a gzip'ed tar (names relative to it)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=str(path.relative_to(folder)), recursive=False)
    return buf.getvalue()


def _unpack_folder(data: bytes, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        tar.extractall(into, filter="data")
    return into


def run_task(task: ReportTask) -> ReportResult:
    """Build one report from its task, in a temporary folder of this machine, and return its HTML and executed
    notebook. Never raises for a failing study (the job records it). A folder that travelled with the task is
    used where the runner's path is not visible here; the job keeps the runner's parameters."""
    job = task.job
    with tempfile.TemporaryDirectory(prefix="report-") as tmp:
        tmp = Path(tmp)
        study_path = tmp / f"{job.study}.ipynb"
        study_path.write_text(task.notebook, encoding="utf-8")
        params = dict(job.params)
        for name, data in task.folders.items():
            if not Path(params[name]).is_dir():
                params[name] = str(_unpack_folder(data, tmp / f"param-{name}"))
        cwd = task.study_dir if Path(task.study_dir).is_dir() else str(tmp)
        run_job = replace(job, params=params, extra=dict(job.extra))
        done = execute_job(str(study_path), run_job, str(tmp / "build"), task.commit, task.show_code, cwd=cwd)
        done.params = job.params
        html = (tmp / "build" / done.html).read_text(encoding="utf-8") if done.html else None
        notebook = Path(done.notebook).read_text(encoding="utf-8") if done.notebook and Path(done.notebook).exists() \
            else None
    return ReportResult(done, html, notebook)


def store_result(result: ReportResult, build: Path) -> Job:
    """Write a result's HTML and executed notebook into ``build`` where publishing looks for them."""
    job = result.job
    if result.notebook is not None:
        nb_path = build / "notebooks" / f"{job.slug}.ipynb"
        nb_path.parent.mkdir(parents=True, exist_ok=True)
        nb_path.write_text(result.notebook, encoding="utf-8")
        job.notebook = str(nb_path)
    else:
        job.notebook = None
    if result.html is not None and job.status == "ok":
        (build / f"{job.slug}.html").write_text(result.html, encoding="utf-8")
        job.html = f"{job.slug}.html"
    else:
        job.html = None
    return job


# --- executors: where tasks run ----------------------------------------------------------------------------


class LocalExecutor:
    """This machine's cores: up to ``jobs_n`` reports at once (default: the number of cores), each in a fresh child
    process of the warm fork server (:func:`~analysis.runner.engine.run_task_in_child`).

    ``run(tasks)`` yields a :class:`ReportResult` per task as each ends; a child that dies twice gives a failed
    result, never an exception. Stopping the iteration (Ctrl-C, SIGTERM, an error of the caller) starts nothing
    more and kills the children still running.
    """

    ships_folders = False

    def __init__(self, jobs_n: int | None = None):
        self.jobs_n = jobs_n

    def run(self, tasks: list[ReportTask]) -> Iterator[ReportResult]:
        import threading

        from .engine import kill_children, run_task_in_child

        n = max(1, min(self.jobs_n or os.cpu_count() or 1, len(tasks)))
        stop = threading.Event()
        # threads only wait on the children; the reports run in the children
        with cf.ThreadPoolExecutor(max_workers=n, thread_name_prefix="report") as pool:
            futures = [pool.submit(run_task_in_child, t, stop) for t in tasks]
            try:
                for fut in cf.as_completed(futures):
                    yield fut.result()
            except BaseException:  # Ctrl-C, SIGTERM (as KeyboardInterrupt/SystemExit), the caller stopped
                stop.set()
                for fut in futures:
                    fut.cancel()
                kill_children()
                raise


def report_line(job: Job, n: int, total: int) -> str:
    """The log line of a report that ended: ``[n/total] status slug (seconds s)``, its error and warnings."""
    width = len(str(total))
    return (f"[{n:>{width}}/{total}] {job.status:6} {job.slug} ({job.seconds:.1f} s)"
            + (f": {job.error}" if job.error else "")
            + (f"; {job.warnings} warning(s) in run.log" if job.warnings else ""))


def _slots(executor) -> int:
    """Reports ``executor`` runs at once: its ``slots`` when it knows them (a Dask cluster's threads), a local
    executor's processes, else the number of cores."""
    return getattr(executor, "slots", None) or getattr(executor, "jobs_n", None) or os.cpu_count() or 1


def execute_all(todo: list[Job], studies: dict, build: Path, commit: str, show_code: bool, jobs_n: int | None,
                progress: bool, executor=None) -> list[Job]:
    """Execute the jobs ``todo`` with ``executor`` (default: :class:`LocalExecutor` with ``jobs_n`` processes)
    into ``build``, logging each as it ends (its stderr to the log); the jobs done, in the order they ended.

    With ``progress``, one bar over the whole grid (done, failed, running; time left) on stderr, and each
    report's line written above it (``tqdm.write``: never interleaved with the bar); without it, the lines only,
    on stdout."""
    if not todo:
        return []
    from tqdm import tqdm

    executor = executor or LocalExecutor(jobs_n)
    total = len(todo)
    bar = tqdm(total=total, desc="reports", unit="report", disable=not progress, file=sys.stderr,
               dynamic_ncols=True)
    done = []
    failed = 0

    def show_counts():
        running = min(_slots(executor), total - len(done))
        bar.set_postfix(done=len(done), failed=failed, running=running, refresh=False)

    def report(job: Job):
        nonlocal failed
        done.append(job)
        failed += job.status != "ok"
        line = report_line(job, len(done), total)
        (log.info if job.status == "ok" else log.error)(line)
        for cell, text in job.extra.get("warning_text", []):
            log.warning("%s, cell %s wrote to stderr (not put in the report):\n%s", job.slug,
                        cell if cell is not None else "?", text.rstrip())
        bar.write(line, file=sys.stderr) if progress else print(line)
        show_counts()
        bar.update(1)

    tasks = [make_task(j, studies[j.study].path, commit, show_code, executor.ships_folders) for j in todo]
    show_counts()
    stored: set[str] = set()
    results = executor.run(tasks)
    try:
        for result in results:
            if result.job.slug not in stored:  # each report is stored (and published) once
                stored.add(result.job.slug)
                report(store_result(result, build))
    finally:  # also on Ctrl-C or SIGTERM: the executor cancels what it still runs
        close = getattr(results, "close", None)
        if close is not None:
            close()
        bar.close()
    return done
