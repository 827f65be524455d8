"""Publishing: the lock, the run, atomic publication (report files first, the manifest and the index last)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from .. import __version__, config
from .cache import code_hash, job_key
from .discovery import discover
from .execution import execute_all
from .index import render_index
from .jobs import RECORD_FIELDS, Job, plan_jobs
from .tracked import _git_commit, check_study_files

log = logging.getLogger(__name__)

EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the lock
EXIT_INTERRUPTED = 130  # 128 + SIGINT: stopped by Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM


def run(selected=None, grid=None, force=False, jobs_n=None, reports_dir: Path | None = None, show_code=False,
        wait: float = 0, progress=True, notebooks_dir: Path | None = None, executor=None, dry_run=False) -> int:
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
    executor : optional
        Where the reports run: :class:`~analysis.runner.execution.LocalExecutor` (default, ``jobs_n`` processes)
        or :class:`~analysis.runner.dask.DaskExecutor` (a Dask cluster).
    dry_run : bool
        Print each planned report as "would run" (and why) or "unchanged (cached)", and the counts; run
        nothing, write nothing (no lock, no log, no build folder).

    Returns
    -------
    int
        Exit status: 0 when every report succeeded (or was unchanged), 1 when any failed, 75 when locked out,
        130 when stopped by Ctrl-C and 143 by SIGTERM (the cluster's tasks cancelled, the last good reports and
        the index left as they were, the lock released).
    """
    from filelock import FileLock, Timeout

    reports = Path(reports_dir or config.REPORTS_DIR)
    if dry_run:
        planned, _, _ = _plan(reports, selected, grid or [{}], force, Path(notebooks_dir or config.NOTEBOOKS_DIR))
        print(dry_run_listing(planned), end="")
        return 0
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
        with _sigterm_as_interrupt():
            return _run_locked(reports, selected, grid or [{}], force, jobs_n, show_code, progress,
                               Path(notebooks_dir or config.NOTEBOOKS_DIR), executor)
    except KeyboardInterrupt as e:  # Ctrl-C or SIGTERM: the build folder is gone, nothing was half-published
        status = EXIT_TERMINATED if isinstance(e, Terminated) else EXIT_INTERRUPTED
        msg = f"stopped by {'SIGTERM' if status == EXIT_TERMINATED else 'Ctrl-C'}: the last good reports stay"
        log.error(msg)
        print(f"investment-reports: {msg}", file=sys.stderr)
        return status
    finally:
        lock.release()


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into the same clean stop as Ctrl-C."""


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """While inside: SIGTERM raises :class:`Terminated` in the main thread (elsewhere: no change)."""
    def handler(signum, frame):
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: signals cannot be handled here
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _plan(reports: Path, selected, grid, force: bool, notebooks_dir: Path):
    """The planned jobs, with those whose inputs are unchanged kept (status ok, ``unchanged``); also the studies
    and the previous manifest's rows. Caching is decided here, before anything is sent to an executor."""
    studies = discover(notebooks_dir)
    asked = {n: s for n, s in studies.items() if not selected or n in selected}  # unknown names: plan_jobs says so
    for warning in check_study_files(asked, notebooks_dir):
        log.warning(warning)
        print(f"investment-reports: warning: {warning}", file=sys.stderr)
    planned = plan_jobs(studies, selected, grid)
    code = code_hash()
    previous = _read_manifest(reports / "manifest.json")
    for j in planned:
        j.key = job_key(studies[j.study], j.params, code)
        old = previous.get(j.slug)
        if not force and old and old.get("key") == j.key and old.get("status") == "ok" and _on_disk(reports, old):
            _keep(j, old)
        else:
            j.extra["why"] = _why(old, j, reports, force)
    return planned, studies, previous


def _why(old: dict | None, job: Job, reports: Path, force: bool) -> str:
    """Why a report is to run: forced, new, its last run failed, its file is gone, or its inputs changed."""
    if force:
        return "--force"
    if not old:
        return "new"
    if old.get("status") != "ok":
        return "its last run failed"
    if not _on_disk(reports, old):
        return "its report file is missing"
    return "its inputs changed (notebook, parameters, data or library code)"


def dry_run_listing(planned: list[Job]) -> str:
    """What a run would do: one line per planned report, then the counts."""
    lines = [f"unchanged (cached)  {j.slug}" if j.unchanged else f"would run           {j.slug}: {j.extra['why']}"
             for j in planned]
    todo = sum(not j.unchanged for j in planned)
    lines.append(f"{len(planned)} report(s): {todo} would run, {len(planned) - todo} unchanged (cached); "
                 "nothing was run or written (--dry-run)")
    return "\n".join(lines) + "\n"


def _run_locked(reports, selected, grid, force, jobs_n, show_code, progress, notebooks_dir, executor=None) -> int:
    """:func:`run` once it holds the lock: plan, keep what is unchanged, execute the rest, publish."""
    t0 = time.perf_counter()
    planned, studies, previous = _plan(reports, selected, grid, force, notebooks_dir)
    manifest_path = reports / "manifest.json"
    todo = longest_first([j for j in planned if j.status == "pending"], studies, previous)
    for stale in reports.glob(".build-*"):  # left by a run that was killed; we hold the lock, so none is live
        shutil.rmtree(stale, ignore_errors=True)
    commit = _git_commit()
    build = Path(tempfile.mkdtemp(prefix=".build-", dir=reports))
    try:
        done = execute_all(todo, studies, build, commit, show_code, jobs_n, progress, executor)
        _publish(build, reports, done)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    by_slug = {j.slug: j for j in done}
    final = [by_slug.get(j.slug, j) for j in planned]
    for j in final:  # a failed report keeps the link to its last good version, if any, and what that one says
        if j.status == "failed" and _on_disk(reports, previous.get(j.slug)):
            j.html = previous[j.slug]["html"]
            for name in RECORD_FIELDS:
                if getattr(j, name) is None:
                    setattr(j, name, previous[j.slug].get(name))
    # reports of other parameter sets from earlier runs stay listed while their HTML is on disk; an earlier
    # failure that left no report is not carried over (this run did not ask for it again)
    listed = final + [Job(**{k: v for k, v in r.items() if k in Job.__dataclass_fields__})
                      for s, r in previous.items()
                      if s not in {j.slug for j in final} and _on_disk(reports, r)]
    meta = {"generated": dt.datetime.now().isoformat(timespec="seconds"), "version": __version__, "commit": commit}
    _atomic_write(manifest_path, json.dumps({**meta, "reports": [_manifest_row(j) for j in listed]}, ensure_ascii=False,
                                            indent=2, default=str))
    _atomic_write(reports / "index.html", render_index(listed, meta))  # last: it links only to what is in place
    failed = [j for j in final if j.status == "failed"]
    ran = [j for j in final if not j.unchanged]
    warned = sum(j.warnings for j in ran)
    summary = (f"{len(final)} report(s): {len(ran) - len(failed)} ran, {len(final) - len(ran)} unchanged, "
               f"{len(failed)} failed, {warned} warning(s)" + (f" (in {reports / 'run.log'})" if warned else "")
               + f", in {time.perf_counter() - t0:.2f} s; index: {reports / 'index.html'}")
    log.info(summary)
    print(summary)
    return 1 if failed else 0


def longest_first(todo: list[Job], studies: dict, previous: dict[str, dict]) -> list[Job]:
    """``todo`` with the longest reports first, so that the last to start is a short one and no core idles at the
    end of a run (longest-processing-time-first scheduling). A report's length is what its last build took (the
    manifest's ``seconds``); a report never built before comes after those, by its study's number of code cells,
    more first. Ties keep the planned order."""
    def key(job: Job):
        seconds = (previous.get(job.slug) or {}).get("seconds")
        known = isinstance(seconds, (int, float)) and seconds > 0
        study = studies.get(job.study)
        return (0, -seconds) if known else (1, -(study.code_cells if study else 0))

    return sorted(todo, key=key)


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


def _on_disk(reports: Path, row: dict | None) -> bool:
    """Whether a manifest row names a report file that is in ``reports``."""
    return bool(row and row.get("html") and (reports / row["html"]).is_file())


def _keep(job: Job, old: dict) -> None:
    """Keep a report whose inputs are unchanged: it stays what it was (ok), from the build that made it."""
    job.status, job.unchanged = old["status"], True
    for name in ("html", "seconds", "built_with", "built", "warnings", *RECORD_FIELDS):
        if name in old:
            setattr(job, name, old[name])


def _manifest_row(j: Job) -> dict:
    """What a report is (status, key, when and by what it was built), not what this run did with it."""
    row = asdict(j)
    for name in ("notebook", "extra", "unchanged"):
        row.pop(name, None)
    return row


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
    """Write ``text`` to ``path`` by an atomic rename: a reader sees the old file or the new one, never a part."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _setup_logging(path: Path) -> None:
    """Send the runner's log (``analysis.runner`` and its modules) to ``path`` only."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger(__package__)
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
