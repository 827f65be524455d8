"""Run the studies and publish self-contained HTML reports: the ``investment-reports`` command.

Each study is a notebook ``notebooks/NN-name.ipynb`` with a cell tagged ``parameters``. The runner

1. checks every requested parameter against the notebook's ``parameters`` cell before anything runs (unknown
   study, unknown parameter, wrong type: a clear error; papermill alone would only warn);
2. skips a report whose notebook, parameters, data and library code are unchanged (content hashes; ``--force``
   reruns everything);
3. executes the rest with papermill's Python API and exports HTML with nbconvert's exporter in the same worker
   process, several at a time across the machine's cores. Each kernel talks over its own IPC socket files rather
   than TCP ports, so kernels started at the same moment cannot collide on a port, and kernels are shut down
   immediately rather than gracefully;
4. builds everything aside in ``reports/.build-*`` and publishes by atomic renames, report files first and the
   index last, so a failed or killed run leaves the last good reports in place. A failing study does not stop the
   others: the index shows its failing cell and error, and its executed notebook is kept under
   ``reports/failed/`` for debugging;
5. holds a lock (``reports/.lock``) so that two overlapping runs (cron, systemd timers) do not collide: the second
   waits ``--wait`` seconds (default 0) and then exits with a clear message and status 75;
6. exits 0 only when every report succeeded; logs to ``reports/run.log``.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import hashlib
import html
import itertools
import json
import logging
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from . import __version__, config

log = logging.getLogger("analysis.runner")

EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the lock
_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "None": type(None), "list": list, "dict": dict}


class RunnerError(ValueError):
    """A request the runner refuses before running anything (unknown study, parameter or type)."""


# --- studies and their parameters ------------------------------------------------------------------------

@dataclass(frozen=True)
class Study:
    name: str          # e.g. 01-investment-growth
    path: Path
    parameters: dict   # name -> {"default": python value, "type": type name}


def discover(notebooks_dir: Path | None = None) -> dict[str, Study]:
    """The studies in ``notebooks_dir`` (``NN-name.ipynb``), in run order, with their declared parameters."""
    return {path.stem: Study(path.stem, path, notebook_parameters(path))
            for path in sorted(Path(notebooks_dir or config.NOTEBOOKS_DIR).glob("[0-9][0-9]-*.ipynb"))}


def notebook_parameters(path: Path) -> dict:
    """Names, defaults and types declared in a notebook's cell tagged ``parameters``.

    The cell is read with :mod:`ast`, as papermill reads it: ``name = literal`` (the type is the default's) or
    ``name: type = literal``. Reading the JSON directly keeps an unchanged rerun free of papermill's start-up.

    Raises
    ------
    RunnerError
        When the notebook has no cell tagged ``parameters`` or the cell is not valid Python.
    """
    import ast

    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise RunnerError(f"{Path(path).name} has no cell tagged 'parameters'")
    source = "".join(cells[0]["source"]) if isinstance(cells[0]["source"], list) else cells[0]["source"]
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise RunnerError(f"{Path(path).name}: the parameters cell is not valid Python ({e})") from None
    params = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value, annotation = node.targets[0].id, node.value, None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value, annotation = node.target.id, node.value, ast.unparse(node.annotation)
        else:
            continue
        try:
            default = ast.literal_eval(value)
        except ValueError:
            default = ast.unparse(value)
        declared = annotation or ("None" if default is None else type(default).__name__)
        params[name] = {"default": default, "type": declared}
    return params


def check_parameters(study: Study, params: dict) -> dict:
    """Validate ``params`` against the study's ``parameters`` cell; return them merged over the defaults.

    Raises
    ------
    RunnerError
        For an unknown parameter or a value whose type does not match the default's declared type
        (``None`` defaults accept str; ``float`` accepts int).
    """
    unknown = sorted(set(params) - set(study.parameters))
    if unknown:
        raise RunnerError(f"study {study.name}: unknown parameter(s) {', '.join(unknown)}; "
                          f"it takes {', '.join(study.parameters) or 'none'}")
    for name, value in params.items():
        declared = study.parameters[name]["type"]
        allowed = _allowed_types(declared, study.parameters[name]["default"])
        ok = (bool in allowed) if isinstance(value, bool) else (value is None or isinstance(value, allowed))
        if not ok:
            raise RunnerError(f"study {study.name}: parameter {name} must be {declared} "
                              f"(default {study.parameters[name]['default']!r}), got {type(value).__name__} {value!r}")
    return {**{k: v["default"] for k, v in study.parameters.items()}, **params}


def _allowed_types(declared: str, default) -> tuple:
    if declared in ("None", "NoneType") or default is None:
        # a None default declares no type: the study's own validation cell checks the value (e.g. period=2022)
        return (str, int, float, bool, list, dict, type(None))
    t = _TYPES.get(declared, type(default))
    if t is float:
        return (int, float)
    if t is list:
        return (list, str)
    return (t,)


# --- jobs ---------------------------------------------------------------------------------------------------

@dataclass
class Job:
    study: str
    params: dict
    slug: str
    key: str = ""                 # content hash of notebook + parameters + data + library code
    status: str = "pending"       # ok, failed, skipped
    seconds: float = 0.0
    error: str | None = None
    failed_cell: int | None = None
    html: str | None = None
    notebook: str | None = None
    fingerprint: str | None = None
    built_with: str | None = None  # package version and commit that produced the report
    extra: dict = field(default_factory=dict)


def _slug(study: str, params: dict, defaults: dict) -> str:
    changed = {k: v for k, v in sorted(params.items()) if defaults.get(k) != v}
    if not changed:
        return study
    text = "-".join(f"{k}={v}" for k, v in changed.items())
    text = re.sub(r"[^A-Za-z0-9._=-]+", "_", text)[:60]
    digest = hashlib.sha256(json.dumps(changed, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"{study}--{text}-{digest}"


def _tree_hash(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(str(p.name).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def code_hash() -> str:
    """Hash of the library's code and templates (a change reruns every report)."""
    files = [p for p in config.PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in (".py", ".j2", ".json", ".yaml")
             and "__pycache__" not in p.parts]
    return _tree_hash(files)


def data_hash(data_dir: str | None) -> str:
    folder = Path(data_dir) if data_dir else config.DEFAULT_DATA_DIR
    if not folder.is_dir():
        return "missing:" + str(folder)
    return _tree_hash([p for p in folder.iterdir() if p.is_file()])


def job_key(study: Study, params: dict, code: str) -> str:
    h = hashlib.sha256()
    h.update(study.path.read_bytes())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    h.update(data_hash(params.get("data_dir")).encode())
    h.update(code.encode())
    return h.hexdigest()[:20]


# --- executing one report (in a worker process) --------------------------------------------------------------

def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "describe", "--always", "--dirty", "--abbrev=7"], cwd=config.PROJECT_ROOT, capture_output=True,
                             text=True, timeout=5)
        return out.stdout.strip() or "unknown"
    except Exception:
        return "unknown"


def _exporter(show_code: bool):
    from nbconvert import HTMLExporter

    exp = HTMLExporter(template_name="report", extra_template_basedirs=[str(config.PACKAGE_DIR / "templates")])
    exp.exclude_input_prompt = True
    exp.embed_images = False  # figures are already data URIs in the outputs; no markdown cell links a file
    exp.sanitize_html = False  # outputs are produced by our own code, which escapes data (analysis.report)
    return exp


def execute_job(study_path: str, job: Job, build_dir: str, commit: str, show_code: bool = False) -> Job:
    """Execute one study with papermill and export it to HTML in ``build_dir``. Never raises: failures are
    recorded on the returned Job, with the failing cell and the executed notebook kept."""
    import nbformat
    import papermill as pm
    from jupyter_client.manager import KernelManager

    t0 = time.perf_counter()
    build = Path(build_dir)
    out_nb = build / "notebooks" / f"{job.slug}.ipynb"
    out_nb.parent.mkdir(parents=True, exist_ok=True)
    # IPC socket paths must stay under ~100 bytes: keep them in a short temporary folder
    ipc_dir = Path(tempfile.mkdtemp(prefix="k-", dir="/tmp" if os.path.isdir("/tmp") else None))
    km = KernelManager(kernel_name="python3", transport="ipc", ip=str(ipc_dir / f"k-{uuid.uuid4().hex[:8]}"))
    try:
        pm.execute_notebook(
            study_path, str(out_nb), parameters=job.params, kernel_name="python3", progress_bar=False,
            cwd=str(Path(study_path).parent), km=km, shutdown_kernel="immediate", start_timeout=120,
            request_save_on_cell_execute=False,  # write the executed notebook once, not after every cell
        )
        job.status = "ok"
    except Exception as e:  # papermill raises PapermillExecutionError with the cell and the error
        job.status = "failed"
        job.error = f"{getattr(e, 'ename', type(e).__name__)}: {getattr(e, 'evalue', str(e))}".strip()
        job.failed_cell = getattr(e, "exec_count", None) or getattr(e, "cell_index", None)
    finally:
        try:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
        except Exception:
            pass
        shutil.rmtree(ipc_dir, ignore_errors=True)
    job.notebook = str(out_nb)
    job.built_with = f"{__version__} @ {commit}"
    if job.status == "ok":
        try:
            nb = nbformat.read(out_nb, as_version=4)
            meta = _report_record(nb)
            job.fingerprint = meta.get("fingerprint")
            nb.metadata["report"] = {
                "title": meta.get("title", job.study), "parameters": {k: repr(v) for k, v in job.params.items()},
                "fingerprint": job.fingerprint or "", "data_source": meta.get("data_source", ""),
                "generated": dt.datetime.now().isoformat(timespec="seconds"), "version": __version__,
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


def _report_record(nb) -> dict:
    """The record a study emitted with analysis.report.report_header (title, fingerprint, data source), removed
    from the notebook's outputs (it is metadata for the report's header, not something to show)."""
    from .report import REPORT_MIMETYPE

    record = {}
    for cell in nb.cells:
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if REPORT_MIMETYPE in data:
                rec = data[REPORT_MIMETYPE]
                record = json.loads(rec) if isinstance(rec, str) else dict(rec)
            else:
                kept.append(out)
        if "outputs" in cell:
            cell["outputs"] = kept
    return record


# --- the index page ----------------------------------------------------------------------------------------

def write_index(jobs: list[Job], path: Path, meta: dict) -> None:
    rows = []
    for j in jobs:
        link = f'<a href="{html.escape(j.html)}">{html.escape(j.slug)}</a>' if j.html else html.escape(j.slug)
        params = "<br>".join(f"<code>{html.escape(k)}</code> = <code>{html.escape(repr(v))}</code>"
                             for k, v in sorted(j.params.items()))
        status = html.escape(j.status)
        if j.status == "failed":
            where = f" in cell {j.failed_cell}" if j.failed_cell is not None else ""
            status += f"{where}: {html.escape(j.error or '')}"
            if j.html:
                status += " (the link shows the last good report)"
        rows.append(f"<tr class='{html.escape(j.status)}'><td>{link}</td><td>{params}</td><td>{status}</td>"
                    f"<td>{j.seconds:.1f} s</td><td><code>{html.escape(j.fingerprint or '')}</code></td>"
                    f"<td><code>{html.escape(j.built_with or '')}</code></td></tr>")
    body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Investment-promotion studies: reports</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}}
tr.failed td{{background:#fde8e8}}code{{font-size:0.9em}}</style></head>
<body><h1>Investment-promotion studies (招商引资)</h1>
<p>Generated {html.escape(meta['generated'])} by analysis {html.escape(meta['version'])}, commit
<code>{html.escape(meta['commit'])}</code>. {len([j for j in jobs if j.status != 'failed'])} of {len(jobs)} report(s) succeeded.</p>
<table><tr><th>Report</th><th>Parameters</th><th>Status</th><th>Run time</th><th>Data fingerprint</th><th>Version @ commit</th></tr>
{''.join(rows)}
</table></body></html>
"""
    path.write_text(body, encoding="utf-8")


# --- the run -------------------------------------------------------------------------------------------------

def plan_jobs(studies: dict[str, Study], selected: list[str] | None, grid: list[dict]) -> list[Job]:
    """Jobs for the selected studies (all by default) × each parameter set of the grid, all validated first.

    A parameter set applies to every selected study that declares its parameters; a parameter that no selected
    study declares is an error, and so is a value of the wrong type.
    """
    names = selected or list(studies)
    unknown = [n for n in names if n not in studies]
    if unknown:
        raise RunnerError(f"unknown study {', '.join(unknown)}; available: {', '.join(studies)}")
    declared = set().union(*(studies[n].parameters for n in names))
    jobs = []
    for params in (_resolve_paths(g) for g in grid or [{}]):
        stray = sorted(set(params) - declared)
        if stray:
            raise RunnerError(f"unknown parameter(s) {', '.join(stray)}: no selected study declares them "
                              f"(declared: {', '.join(sorted(declared))})")
        for name in names:
            study = studies[name]
            full = check_parameters(study, {k: v for k, v in params.items() if k in study.parameters})
            defaults = {k: v["default"] for k, v in study.parameters.items()}
            jobs.append(Job(study=name, params=full, slug=_slug(name, full, defaults)))
    seen, unique = set(), []
    for j in jobs:  # a grid over one study's parameter repeats the others' default runs: keep one of each
        if j.slug not in seen:
            seen.add(j.slug)
            unique.append(j)
    return unique


#: Parameters that name files or folders: a relative path is read from the project folder (config.PROJECT_ROOT),
#: as the notebooks read it in JupyterLab and papermill, whatever folder the runner is started from; each is
#: made absolute and checked to exist before anything runs.
PATH_PARAMETERS = ("data_dir", "actual_dates")


def _resolve_paths(params: dict) -> dict:
    """``params`` with each path parameter made absolute by :func:`config.project_path`.

    Raises
    ------
    RunnerError
        When a path names nothing: the message gives the absolute path tried and the rule, and says so when the
        path exists relative to the current folder instead.
    """
    out = dict(params)
    for name in PATH_PARAMETERS:
        value = out.get(name)
        if isinstance(value, str) and value:
            path = config.project_path(value)
            if not path.exists():
                raise RunnerError(config.missing_path_message(name, value))
            out[name] = str(path)
    return out


def load_grid(path: Path | None, cli_params: dict) -> list[dict]:
    """Parameter sets from a YAML config (``grid:`` of lists, expanded as a product; or ``runs:`` a list of sets),
    with command-line ``--param`` values applied to each."""
    sets = [{}]
    if path:
        cfg = _dates_as_text(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})
        if not isinstance(cfg, dict) or not ({"grid", "runs"} & set(cfg)):
            raise RunnerError(f"{path}: expected a mapping with 'grid' (name: [values]) and/or 'runs' (list of sets)")
        sets = []
        if "grid" in cfg:
            grid = cfg["grid"]
            if not isinstance(grid, dict) or not all(isinstance(v, list) for v in grid.values()):
                raise RunnerError(f"{path}: 'grid' must map each parameter to a list of values")
            keys = list(grid)
            sets += [dict(zip(keys, combo)) for combo in itertools.product(*grid.values())]
        if "runs" in cfg:
            if not isinstance(cfg["runs"], list) or not all(isinstance(r, dict) for r in cfg["runs"]):
                raise RunnerError(f"{path}: 'runs' must be a list of parameter mappings")
            sets += cfg["runs"]
    return [{**s, **cli_params} for s in sets]


def _dates_as_text(value):
    """YAML reads 2023-08-31 as a date; studies take dates as ISO strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    return value


def _parse_cli_param(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise RunnerError(f"--param takes name=value, got {text!r}")
    k, v = text.split("=", 1)
    return k.strip(), _dates_as_text(yaml.safe_load(v)) if v.strip() else ""


def run(selected=None, grid=None, force=False, jobs_n=None, reports_dir: Path | None = None, show_code=False,
        wait: float = 0, progress=True, notebooks_dir: Path | None = None) -> int:
    """Run the studies and publish the reports.

    Parameters
    ----------
    selected : list of str, optional
        Study names (default: all in ``notebooks_dir``).
    grid : list of dict, optional
        Parameter sets; each applies to every selected study that declares its parameters.
    force : bool
        Rerun reports whose inputs are unchanged.
    jobs_n : int, optional
        Reports run at once (default: the number of cores).
    reports_dir, notebooks_dir : path, optional
        Where reports go (default ``reports/``) and where the studies are (default ``notebooks/``).
    show_code : bool
        Show code cells by default in the reports.
    wait : float
        Seconds to wait for another run's lock before giving up.

    Returns
    -------
    int
        Exit status: 0 when every report succeeded (or was unchanged), 1 when any failed, 75 when locked out.
    """
    from filelock import FileLock, Timeout

    reports = Path(reports_dir or config.REPORTS_DIR)
    reports.mkdir(parents=True, exist_ok=True)
    _setup_logging(reports / "run.log")
    lock = FileLock(str(reports / ".lock"))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        msg = f"another run holds {reports / '.lock'}; not starting (try again later, or pass --wait SECONDS)"
        log.error(msg)
        print(msg, file=sys.stderr)
        return EXIT_LOCKED
    try:
        return _run_locked(reports, selected, grid or [{}], force, jobs_n, show_code, progress,
                           Path(notebooks_dir or config.NOTEBOOKS_DIR))
    finally:
        lock.release()


def _run_locked(reports, selected, grid, force, jobs_n, show_code, progress, notebooks_dir) -> int:
    t0 = time.perf_counter()
    studies = discover(notebooks_dir)
    planned = plan_jobs(studies, selected, grid)
    code = code_hash()
    manifest_path = reports / "manifest.json"
    previous = {}
    if manifest_path.exists():
        try:
            previous = {r["slug"]: r for r in json.loads(manifest_path.read_text(encoding="utf-8"))["reports"]}
        except (ValueError, KeyError):
            previous = {}
    for j in planned:
        j.key = job_key(studies[j.study], j.params, code)
        old = previous.get(j.slug)
        if not force and old and old.get("key") == j.key and old.get("status") == "ok" and (reports / old["html"]).exists():
            j.status, j.html, j.seconds, j.fingerprint = "skipped", old["html"], old["seconds"], old.get("fingerprint")
            j.built_with = old.get("built_with")
    todo = [j for j in planned if j.status == "pending"]
    for stale in reports.glob(".build-*"):  # left by a run that was killed; we hold the lock, so none is live
        shutil.rmtree(stale, ignore_errors=True)
    commit = _git_commit()
    build = Path(tempfile.mkdtemp(prefix=".build-", dir=reports))
    try:
        done = _execute_all(todo, studies, build, commit, show_code, jobs_n, progress)
        _publish(build, reports, done)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    by_slug = {j.slug: j for j in done}
    final = [by_slug.get(j.slug, j) for j in planned]
    for j in final:  # a failed report keeps the link to its last good version, if any
        if j.status == "failed" and j.slug in previous and (reports / previous[j.slug].get("html") or "").is_file() \
                and previous[j.slug].get("html"):
            j.html = previous[j.slug]["html"]
    # reports of other parameter sets from earlier runs stay listed while their HTML is on disk; an earlier
    # failure that left no report is not carried over (this run did not ask for it again)
    listed = final + [Job(**{k: v for k, v in r.items() if k in Job.__dataclass_fields__})
                      for s, r in previous.items()
                      if s not in {j.slug for j in final} and r.get("html") and (reports / r["html"]).is_file()]
    meta = {"generated": dt.datetime.now().isoformat(timespec="seconds"), "version": __version__, "commit": commit}
    _atomic_write(manifest_path, json.dumps({**meta, "reports": [_manifest_row(j) for j in listed]}, ensure_ascii=False,
                                            indent=2, default=str))
    _atomic_index(listed, reports / "index.html", meta)
    failed = [j for j in final if j.status == "failed"]
    ran = [j for j in final if j.status != "skipped"]
    summary = (f"{len(final)} report(s): {len(ran) - len(failed)} ran, {len(final) - len(ran)} unchanged, "
               f"{len(failed)} failed, in {time.perf_counter() - t0:.2f} s; index: {reports / 'index.html'}")
    log.info(summary)
    print(summary)
    return 1 if failed else 0


def _manifest_row(j: Job) -> dict:
    row = asdict(j)
    row.pop("notebook", None)
    row.pop("extra", None)
    return row


def _execute_all(todo, studies, build, commit, show_code, jobs_n, progress) -> list[Job]:
    if not todo:
        return []
    from tqdm import tqdm

    n = max(1, min(jobs_n or os.cpu_count() or 1, len(todo)))
    bar = tqdm(total=len(todo), desc="reports", unit="report", disable=not progress, file=sys.stderr)
    done = []

    def report(job: Job):
        line = f"{job.status:6} {job.slug} ({job.seconds:.1f} s)" + (f": {job.error}" if job.error else "")
        (log.info if job.status == "ok" else log.error)(line)
        bar.write(line) if progress else print(line)
        bar.update(1)
        done.append(job)

    if n == 1:
        for j in todo:
            report(execute_job(str(studies[j.study].path), j, str(build), commit, show_code))
    else:
        ctx = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
        if sys.platform != "win32":  # workers fork from a server that has the heavy imports done once
            ctx.set_forkserver_preload(["analysis.runner", "papermill", "nbconvert", "nbformat", "jupyter_client"])
        with cf.ProcessPoolExecutor(max_workers=n, mp_context=ctx) as pool:
            futures = {pool.submit(execute_job, str(studies[j.study].path), j, str(build), commit, show_code): j
                       for j in todo}
            for fut in cf.as_completed(futures):
                try:
                    report(fut.result())
                except Exception as e:  # a worker that died
                    j = futures[fut]
                    j.status, j.error = "failed", f"worker died: {type(e).__name__}: {e}"
                    report(j)
    bar.close()
    return done


def _publish(build: Path, reports: Path, done: list[Job]) -> None:
    """Move successful reports into place by atomic renames; keep failed runs' executed notebooks."""
    for j in done:
        if j.status == "ok" and j.html:
            os.replace(build / j.html, reports / j.html)
            nb_dir = reports / "notebooks"
            nb_dir.mkdir(exist_ok=True)
            os.replace(j.notebook, nb_dir / Path(j.notebook).name)
        elif j.status == "failed" and j.notebook and Path(j.notebook).exists():
            failed_dir = reports / "failed"
            failed_dir.mkdir(exist_ok=True)
            os.replace(j.notebook, failed_dir / Path(j.notebook).name)
            j.extra["executed_notebook"] = f"failed/{Path(j.notebook).name}"
            j.html = None


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _atomic_index(jobs, path, meta):
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_index(jobs, tmp, meta)
    os.replace(tmp, path)


def _setup_logging(path: Path) -> None:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="investment-reports", description=__doc__.split("\n\n")[0])
    p.add_argument("studies", nargs="*", help="studies to run (default: all), e.g. 01-investment-growth")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="set a parameter (YAML value), for every study that takes it")
    p.add_argument("-c", "--config", type=Path, help="YAML file with a 'grid' (name: [values]) and/or 'runs' list")
    p.add_argument("-f", "--force", action="store_true", help="rerun reports even when nothing changed")
    p.add_argument("-j", "--jobs", type=int, default=None, help="reports run at once (default: number of cores)")
    p.add_argument("-o", "--output", type=Path, default=None, help=f"reports folder (default {config.REPORTS_DIR})")
    p.add_argument("--notebooks", type=Path, default=None, help=f"folder of the studies (default {config.NOTEBOOKS_DIR})")
    p.add_argument("--show-code", action="store_true", help="show code cells by default in the reports")
    p.add_argument("--wait", type=float, default=0, help="seconds to wait for another run's lock (default 0)")
    p.add_argument("--list", action="store_true", help="list the studies and their parameters, then exit")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    a = p.parse_args(argv)
    try:
        if a.list:
            for s in discover(a.notebooks).values():
                print(s.name)
                for k, v in s.parameters.items():
                    print(f"    {k}: {v['type']} = {v['default']!r}")
            return 0
        cli = dict(_parse_cli_param(x) for x in a.param)
        grid = load_grid(a.config, cli)
        return run(a.studies or None, grid, a.force, a.jobs, a.output, a.show_code, a.wait,
                   progress=not a.no_progress and sys.stderr.isatty(), notebooks_dir=a.notebooks)
    except RunnerError as e:
        print(f"investment-reports: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
