"""Run the studies and publish self-contained HTML reports: the ``investment-reports`` command.

Each study is a notebook ``notebooks/NN-name.ipynb`` with a cell tagged ``parameters``. The runner

1. refuses a study kept in git that carries outputs (saved after running, e.g. from JupyterLab) and warns when a
   study's ``parameters`` cell differs from the committed version (:func:`check_study_files`);
2. checks every requested parameter against the notebook's ``parameters`` cell before anything runs (unknown
   study, unknown parameter, wrong type: a clear error; papermill alone would only warn). Types are declared, not
   read from whatever the default is now (:data:`SHARED_PARAMETER_TYPES`, annotations);
3. skips a report whose notebook, parameters, data and library code are unchanged (content hashes; ``--force``
   reruns everything). A kept report stays what it was (``ok``) in the manifest, so the next run skips it too;
4. executes the rest with papermill's Python API and exports HTML with nbconvert's exporter in the same worker
   process, several at a time across the machine's cores. Each kernel talks over its own IPC socket files rather
   than TCP ports, so kernels started at the same moment cannot collide on a port, and kernels are shut down
   immediately rather than gracefully. What a study writes to stderr (warnings) goes to ``reports/run.log``,
   never into a report; the summary line counts it;
5. builds everything aside in ``reports/.build-*`` and publishes by atomic renames, report files first and the
   index last, so a failed or killed run leaves the last good reports in place. A failing study does not stop the
   others: the index shows its failing cell and error, and its executed notebook is kept under
   ``reports/failed/`` for debugging;
6. holds a lock (``reports/.lock``) so that two overlapping runs (cron, systemd timers) do not collide: the second
   waits ``--wait`` seconds (default 0) and then exits with a clear message and status 75;
7. exits 0 only when every report succeeded; logs to ``reports/run.log``.
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
_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "None": type(None), "list": list, "dict": dict,
          "Path": os.PathLike, "List": list, "Dict": dict}


class RunnerError(ValueError):
    """A request the runner refuses before running anything (unknown study, parameter or type)."""


# --- studies and their parameters ------------------------------------------------------------------------

#: Types of the parameters the studies share (``analysis.params.check_study_params`` validates their values). A
#: parameter's type comes from an annotation in its cell (``top_k: int = 3``), else from this table, else from
#: its default (a ``None`` default takes any value: the study checks it). A default edited in JupyterLab (say
#: ``regions = "Taizhou"``) therefore never makes a list of regions a type error.
SHARED_PARAMETER_TYPES = {
    "data_dir": "str | Path | None",
    "regions": "str | list[str] | None",
    "period": "str | int | None",
    "as_of": "str | None",
    "actual_dates": "str | Path | None",
}


@dataclass(frozen=True)
class Study:
    name: str          # e.g. 01-investment-growth
    path: Path
    parameters: dict   # name -> {"default": python value, "type": type expression, "help": comment above it}
    outputs: int = 0   # code cells that carry outputs or an execution count (a notebook saved after running)


def discover(notebooks_dir: Path | None = None) -> dict[str, Study]:
    """The studies in ``notebooks_dir`` (``NN-name.ipynb``), in run order, with their declared parameters."""
    studies = {}
    for path in sorted(Path(notebooks_dir or config.NOTEBOOKS_DIR).glob("[0-9][0-9]-*.ipynb")):
        nb = _read_json(path)
        studies[path.stem] = Study(path.stem, path, parse_parameters(_parameters_source(nb, path.name), path.name),
                                   _cells_with_outputs(nb))
    return studies


def _read_json(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError as e:
        raise RunnerError(f"{Path(path).name} is not a readable notebook (invalid JSON: {e})") from None


def _cells_with_outputs(nb: dict) -> int:
    return sum(1 for c in nb.get("cells", [])
               if c.get("cell_type") == "code" and (c.get("outputs") or c.get("execution_count") is not None))


def _parameters_source(nb: dict, name: str) -> str:
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise RunnerError(f"{name} has no cell tagged 'parameters'")
    return "".join(cells[0]["source"]) if isinstance(cells[0]["source"], list) else cells[0]["source"]


def notebook_parameters(path: Path) -> dict:
    """Names, defaults, types and help declared in a notebook's cell tagged ``parameters``.

    Reading the JSON directly keeps an unchanged rerun free of papermill's start-up. See :func:`parse_parameters`.

    Raises
    ------
    RunnerError
        When the notebook has no cell tagged ``parameters`` or the cell is not valid Python.
    """
    return parse_parameters(_parameters_source(_read_json(path), Path(path).name), Path(path).name)


def parse_parameters(source: str, name: str = "the notebook") -> dict:
    """Read a ``parameters`` cell with :mod:`ast`, as papermill reads it.

    Parameters
    ----------
    source : str
        The cell's code: ``name = literal`` or ``name: type = literal`` lines, each with its help in the comment
        line(s) directly above it.
    name : str
        The notebook's file name, for messages.

    Returns
    -------
    dict
        Parameter name → ``{"default": value, "type": type expression, "help": text}``. The type is the
        annotation, else :data:`SHARED_PARAMETER_TYPES`, else the default's type (``"None"``: any value).

    Raises
    ------
    RunnerError
        When the cell is not valid Python.
    """
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise RunnerError(f"{name}: the parameters cell is not valid Python ({e})") from None
    lines = source.splitlines()
    params = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            pname, value, annotation = node.targets[0].id, node.value, None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            pname, value, annotation = node.target.id, node.value, ast.unparse(node.annotation)
        else:
            continue
        try:
            default = ast.literal_eval(value)
        except ValueError:
            default = ast.unparse(value)
        declared = annotation or SHARED_PARAMETER_TYPES.get(pname) or (
            "None" if default is None else type(default).__name__)
        params[pname] = {"default": default, "type": declared, "help": _comment_above(lines, node.lineno)}
    return params


def _comment_above(lines: list[str], lineno: int) -> str:
    """The comment lines directly above line ``lineno`` (1-based), joined into one text."""
    block = []
    i = lineno - 2
    while i >= 0 and lines[i].lstrip().startswith("#"):
        block.append(lines[i].lstrip().lstrip("#").strip())
        i -= 1
    return " ".join(reversed(block)).strip()


def check_parameters(study: Study, params: dict) -> dict:
    """Validate ``params`` against the study's ``parameters`` cell; return them merged over the defaults.

    Raises
    ------
    RunnerError
        For an unknown parameter or a value whose type is not the declared one (see :func:`parse_parameters`;
        ``None`` is always accepted, ``float`` accepts int, a bool is not a number).
    """
    unknown = sorted(set(params) - set(study.parameters))
    if unknown:
        raise RunnerError(f"study {study.name}: unknown parameter(s) {', '.join(unknown)}; "
                          f"it takes {', '.join(study.parameters) or 'none'}")
    for name, value in params.items():
        declared = study.parameters[name]["type"]
        if not _accepts(declared, value):
            raise RunnerError(f"study {study.name}: parameter {name} must be {_type_label(declared)} "
                              f"(default {study.parameters[name]['default']!r}), got {type(value).__name__} {value!r}")
    return {**{k: v["default"] for k, v in study.parameters.items()}, **params}


def _type_label(declared: str) -> str:
    return "any value" if _alternatives(declared) is None else declared


def _alternatives(declared: str) -> list[tuple[type, type | None]] | None:
    """The (type, item type) pairs a type expression allows (``str | list[str] | None``, ``Optional[int]``);
    None when it allows anything (``None``, or an expression the runner does not know: the study checks it)."""
    import ast

    if declared in ("None", "NoneType", "Any", "any"):
        return None
    try:
        tree = ast.parse(declared, mode="eval").body
    except SyntaxError:
        return None

    def walk(node):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return walk(node.left) + walk(node.right)
        if isinstance(node, ast.Constant) and node.value is None:
            return [(type(None), None)]
        if isinstance(node, ast.Name) and node.id in _TYPES:
            return [(_TYPES[node.id], None)]
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if node.value.id in ("Optional", "Union"):
                none = [(type(None), None)] if node.value.id == "Optional" else []
                return [a for n in inner for a in walk(n)] + none
            if node.value.id in ("list", "List") and len(inner) == 1:
                item = walk(inner[0])
                return [(list, item[0][0] if len(item) == 1 else None)]
        raise ValueError(ast.unparse(node))

    try:
        return walk(tree)
    except ValueError:
        return None


def _accepts(declared: str, value) -> bool:
    """Whether ``value`` is of the declared type (``None`` always is: the study's own default behaviour)."""
    alternatives = _alternatives(declared)
    return value is None or alternatives is None or any(_matches(t, item, value) for t, item in alternatives)


def _matches(t: type, item: type | None, value) -> bool:
    if isinstance(value, bool):
        return t is bool  # a bool is not a number
    if t is float:
        return isinstance(value, (int, float))
    if t is list:
        if isinstance(value, list):
            return item is None or all(v is not None and _matches(item, None, v) for v in value)
        return isinstance(value, str) and item is None  # a bare list default also takes a comma-separated string
    return isinstance(value, t)


# --- the tracked studies: outputs and edited defaults ----------------------------------------------------------

def check_study_files(studies: dict[str, Study], notebooks_dir: Path) -> list[str]:
    """Refuse a study kept in git that carries outputs; warn about a ``parameters`` cell that differs from git HEAD.

    A study saved from JupyterLab carries outputs (which must not go into git) and may carry edited defaults,
    which every later run would publish. ``make lab`` opens working copies in ``lab/`` instead; this check catches
    a study edited in place. Without git, the project's own ``notebooks/`` folder counts as tracked (and there is
    no committed version to compare with).

    Parameters
    ----------
    studies : dict of Study
        From :func:`discover`.
    notebooks_dir : path
        Their folder.

    Returns
    -------
    list of str
        One warning per study whose parameters cell differs from the committed version.

    Raises
    ------
    RunnerError
        When a tracked study carries outputs, naming the file and the command that clears them.
    """
    folder = Path(notebooks_dir).resolve()
    top = _git(["rev-parse", "--show-toplevel"], folder)
    top = Path(top.strip()).resolve() if top else None
    paths = {s.path.resolve(): s for s in studies.values()}
    if any(s.outputs for s in studies.values()):
        if top is None:
            tracked = set(paths) if folder == config.NOTEBOOKS_DIR.resolve() else set()
        else:
            tracked = _git_paths(["ls-files", "--full-name", "-z", "--", "."], folder, top)
        dirty = [s for p, s in paths.items() if s.outputs and p in tracked]
        if dirty:
            jupyter = Path(sys.executable).with_name("jupyter")
            jupyter = _shown(jupyter) if jupyter.exists() else "jupyter"
            raise RunnerError("\n".join(
                [f"{_shown(s.path)} is kept in git and carries outputs in {s.outputs} code cell(s)" for s in dirty]
                + ["A study saved after running (e.g. from JupyterLab) must not go into git with its outputs, and is "
                   "not run until they are cleared. Clear them with:"]
                + [f"  {jupyter} nbconvert --clear-output --inplace {_shown(s.path)}" for s in dirty]
                + ["or restore the committed version with `git checkout HEAD -- FILE`. In JupyterLab, work on the "
                   "copies that `make lab` makes in lab/ (not kept in git)."]))
    if top is None:
        return []
    changed = _git_paths(["diff", "--name-only", "-z", "HEAD", "--", "."], folder, top)
    warnings = []
    for path in sorted(set(paths) & changed):
        study = paths[path]
        committed = _git(["show", f"HEAD:{path.relative_to(top).as_posix()}"], top)
        if committed is None:
            continue  # not committed yet: nothing to compare with
        try:
            old_source = _parameters_source(json.loads(committed), path.name)
            new_source = _parameters_source(_read_json(path), path.name)
            old = parse_parameters(old_source, path.name)
        except (ValueError, RunnerError):
            continue
        if old_source == new_source:
            continue
        now = {k: v["default"] for k, v in study.parameters.items()}
        edits = [f"{k} = {now[k]!r} (committed: {old[k]['default']!r})" for k in now
                 if k in old and now[k] != old[k]["default"]]
        edits += [f"{k} is new" for k in study.parameters if k not in old]
        edits += [f"{k} was removed" for k in old if k not in study.parameters]
        warnings.append(
            f"{_shown(study.path)}: its parameters cell differs from the committed version (git HEAD)"
            + (f": {'; '.join(edits)}" if edits else " (comments or layout only)")
            + ". These reports use it as it is now. If that is not meant (a study saved from JupyterLab), restore it "
              f"with `git checkout HEAD -- {_shown(study.path)}` and edit the copies in lab/ (`make lab`); "
              "otherwise commit the change.")
    return warnings


def _git(args: list[str], cwd: Path) -> str | None:
    """Output of a git command run in ``cwd``; None when git is missing, fails, or ``cwd`` is not in a work tree."""
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, encoding="utf-8", timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def _git_paths(args: list[str], cwd: Path, top: Path) -> set[Path]:
    """The files a git command lists (``-z``, paths relative to the work tree's top ``top``), made absolute."""
    return {(top / f).resolve() for f in (_git(args, cwd) or "").split("\0") if f}


def _shown(path: Path) -> str:
    """A path as the user can type it: relative to the working directory when below it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- jobs ---------------------------------------------------------------------------------------------------

@dataclass
class Job:
    study: str
    params: dict
    slug: str
    key: str = ""                 # content hash of notebook + parameters + data + library code
    status: str = "pending"       # what the report is: ok or failed (pending before it runs)
    seconds: float = 0.0          # run time of the build that made it
    built: str | None = None      # when that build ran (ISO time)
    warnings: int = 0             # warnings that build wrote to run.log (never into the report)
    unchanged: bool = False       # this run kept the report as it was (inputs unchanged); not in the manifest
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
    job.built = dt.datetime.now().isoformat(timespec="seconds")
    nb = None
    try:
        nb = nbformat.read(out_nb, as_version=4)
        job.extra["warning_text"] = take_warnings(nb)
        job.warnings = sum(_count_warnings(text) for _, text in job.extra["warning_text"])
        if job.status == "ok":  # the published notebook holds no warning either; a failed one is kept whole
            nbformat.write(nb, out_nb)
    except Exception as e:  # papermill could not even write the notebook (e.g. it did not start)
        if job.status == "ok":
            job.status, job.error = "failed", f"executed notebook unreadable: {type(e).__name__}: {e}"
    if job.status == "ok":
        try:
            meta = _report_record(nb)
            job.fingerprint = meta.get("fingerprint")
            nb.metadata["report"] = {
                "title": meta.get("title", job.study), "parameters": {k: repr(v) for k, v in job.params.items()},
                "fingerprint": job.fingerprint or "", "data_source": meta.get("data_source", ""),
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


def take_warnings(nb) -> list[tuple[int | None, str]]:
    """Remove every stderr stream output (Python warnings, logging, ``print(..., file=sys.stderr)``) from an
    executed notebook, in place, and return them.

    Returns
    -------
    list of (int or None, str)
        For each stderr output: the execution count of the cell that wrote it, and its text.
    """
    taken = []
    for cell in nb.cells:
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                if out.get("text", "").strip():
                    taken.append((cell.get("execution_count"), out["text"]))
            else:
                kept.append(out)
        if "outputs" in cell:
            cell["outputs"] = kept
    return taken


def _count_warnings(text: str) -> int:
    """Messages in a stderr text: its lines that do not start with white space, and at least one.

    A Python warning is printed as ``file.py:12: UserWarning: text`` followed by the indented source line, so it
    counts once; a ``print(..., file=sys.stderr)`` or a log record counts once per line.
    """
    return max(1, sum(1 for line in text.splitlines() if line.strip() and not line[0].isspace()))


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
                rec = data.pop(REPORT_MIMETYPE)
                record = json.loads(rec) if isinstance(rec, str) else dict(rec)
                if set(data) - {"text/plain"}:  # the report's front matter travels with the record: keep it
                    kept.append(out)
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
        built = f"<br><small>built {html.escape(j.built)}</small>" if j.built else ""
        rows.append(f"<tr class='{html.escape(j.status)}'><td>{link}</td><td>{params}</td><td>{status}</td>"
                    f"<td>{j.seconds:.1f} s{built}</td><td><code>{html.escape(j.fingerprint or '')}</code></td>"
                    f"<td><code>{html.escape(j.built_with or '')}</code></td></tr>")
    body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Investment-promotion studies: reports</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}}
tr.failed td{{background:#fde8e8}}code{{font-size:0.9em}}body{{overflow-wrap:anywhere}}
@media (max-width:640px){{table,tbody,tr,td{{display:block}}tr:first-child{{display:none}}tr{{border:1px solid #ccc;margin:0 0 .8em}}td{{border:0;border-top:1px solid #eee}}}}</style></head>
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
    asked = {n: s for n, s in studies.items() if not selected or n in selected}  # unknown names: plan_jobs says so
    for warning in check_study_files(asked, notebooks_dir):
        log.warning(warning)
        print(f"investment-reports: warning: {warning}", file=sys.stderr)
    planned = plan_jobs(studies, selected, grid)
    code = code_hash()
    manifest_path = reports / "manifest.json"
    previous = _read_manifest(manifest_path)
    for j in planned:
        j.key = job_key(studies[j.study], j.params, code)
        old = previous.get(j.slug)
        if not force and old and old.get("key") == j.key and old.get("status") == "ok" and old.get("html") \
                and (reports / old["html"]).is_file():
            _keep(j, old)
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
    ran = [j for j in final if not j.unchanged]
    warned = sum(j.warnings for j in ran)
    summary = (f"{len(final)} report(s): {len(ran) - len(failed)} ran, {len(final) - len(ran)} unchanged, "
               f"{len(failed)} failed, {warned} warning(s)" + (f" (in {reports / 'run.log'})" if warned else "")
               + f", in {time.perf_counter() - t0:.2f} s; index: {reports / 'index.html'}")
    log.info(summary)
    print(summary)
    return 1 if failed else 0


def _read_manifest(path: Path) -> dict[str, dict]:
    """The previous run's manifest rows by slug ({} when there is none or it is unreadable)."""
    if not path.exists():
        return {}
    try:
        rows = {r["slug"]: r for r in json.loads(path.read_text(encoding="utf-8"))["reports"]}
    except (ValueError, KeyError, TypeError):
        return {}
    for r in rows.values():  # earlier runners wrote an unchanged report as "skipped": it was ok
        if r.get("status") == "skipped":
            r["status"] = "ok"
    return rows


def _keep(job: Job, old: dict) -> None:
    """Keep a report whose inputs are unchanged: it stays what it was (ok), from the build that made it."""
    job.status, job.unchanged = old["status"], True
    for name in ("html", "seconds", "fingerprint", "built_with", "built", "warnings"):
        if name in old:
            setattr(job, name, old[name])


def _manifest_row(j: Job) -> dict:
    """What a report is (status, key, when and by what it was built), not what this run did with it."""
    row = asdict(j)
    for name in ("notebook", "extra", "unchanged"):
        row.pop(name, None)
    return row


def _execute_all(todo, studies, build, commit, show_code, jobs_n, progress) -> list[Job]:
    if not todo:
        return []
    from tqdm import tqdm

    n = max(1, min(jobs_n or os.cpu_count() or 1, len(todo)))
    bar = tqdm(total=len(todo), desc="reports", unit="report", disable=not progress, file=sys.stderr)
    done = []

    def report(job: Job):
        line = f"{job.status:6} {job.slug} ({job.seconds:.1f} s)" + (f": {job.error}" if job.error else "") + (
            f"; {job.warnings} warning(s) in run.log" if job.warnings else "")
        (log.info if job.status == "ok" else log.error)(line)
        for cell, text in job.extra.get("warning_text", []):
            log.warning("%s, cell %s wrote to stderr (not put in the report):\n%s", job.slug,
                        cell if cell is not None else "?", text.rstrip())
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


def list_studies(studies: dict[str, Study], width: int = 100) -> str:
    """The studies and, for each parameter, its type, default and help (the comment above it in the cell)."""
    import textwrap

    lines = []
    for s in studies.values():
        lines.append(s.name)
        for k, v in s.parameters.items():
            lines.append(f"    {k}: {_type_label(v['type'])} = {v['default']!r}")
            lines += textwrap.wrap(v.get("help") or "(no help: no comment above it in the parameters cell)", width,
                                   initial_indent=" " * 8, subsequent_indent=" " * 8, break_on_hyphens=False)
    return "\n".join(lines) + "\n"


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
            print(list_studies(discover(a.notebooks)), end="")
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
