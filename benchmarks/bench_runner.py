"""Benchmark: the naive loop against the runner, on the same notebooks (the project's studies), and a grid.

Prints, in one run:

1. the four default studies: the naive loop (for each study, one after another, `papermill IN OUT` then
   `jupyter nbconvert --to html OUT`, as commands) against `analysis.runner.run(force=True)` into a fresh folder,
   cold (its fork server starts in this run), and the ratio (goal >= 6x); then once more with nothing changed
   (goal < 1 s);
2. the floor: the same four notebooks' cells, parameterized as the runner does, executed one after another in one
   warm process (imports done beforehand, no kernel start, no export, no child process), and the runner's ratio
   to it (cold, and once more with the fork server up);
3. a grid of 48 reports (the four studies x 12 parameter sets) in reports per minute: the naive loop (timed on
   12 of the 48, 3 per study, and extrapolated: said so in the output), the local runner and the Dask executor
   with 2 local workers (`analysis.runner.dask.DaskExecutor`; "not available" when it is not installed).

Each parameter set reads its own copy of the embedded dataset (`data_dir`), so the overview study, whose only
parameter is `data_dir`, has 12 distinct reports too; the other studies also vary `as_of`, `regions` and (study
01) `top_k`. Run with `make benchmark-runner` (about 5-8 minutes on 2 cores).
"""

from __future__ import annotations

import inspect
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis import config, runner

BIN = Path(sys.executable).parent
N_SETS = 12  # parameter sets of the grid
NAIVE_SAMPLE = 3  # per study: the naive loop is timed on 4 x 3 of the grid's 48 reports


def naive(jobs: list, studies: dict, out: Path) -> float:
    """The naive loop over ``jobs``: papermill then nbconvert, as commands, one report after another (seconds)."""
    t0 = time.perf_counter()
    for job in jobs:
        nb = studies[job.study].path
        executed = out / f"{job.slug}.ipynb"
        params = [a for k, v in job.params.items() for a in ("-y", f"{k}: {_yaml(v)}")]
        subprocess.run([str(BIN / "papermill"), str(nb), str(executed), "-k", "python3", "--cwd", str(nb.parent),
                        "--no-progress-bar", *params], check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)], check=True,
                       capture_output=True)
    return time.perf_counter() - t0


def _yaml(value) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # JSON is YAML


def timed_run(**kwargs) -> tuple[float, int]:
    """``runner.run(**kwargs)``: (seconds, exit status); its line per report and summary are not shown."""
    import contextlib
    import io

    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        status = runner.run(progress=False, **kwargs)
    return time.perf_counter() - t0, status


def floor_seconds() -> float:
    """The four default studies' cells executed in one warm process (a fresh interpreter that imports first)."""
    out = subprocess.run([sys.executable, __file__, "--floor"], check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def _floor() -> None:
    """In the floor's process: import everything (not timed), then run each study's cells (timed)."""
    import os

    import nbformat
    from papermill.parameterize import parameterize_notebook

    import analysis.runner._preload  # noqa: F401  the warm server's imports
    from analysis.runner import engine

    studies = runner.discover()
    total = 0.0
    for job in runner.plan_jobs(studies, None, [{}]):
        path = studies[job.study].path
        nb = nbformat.read(path, as_version=4)
        nb.metadata.setdefault("papermill", {})
        for cell in nb.cells:
            cell.metadata.setdefault("tags", [])
        nb = parameterize_notebook(nb, job.params)
        os.chdir(path.parent)
        engine._shell(engine._Outputs()).reset(new_session=False)  # each study in a clean namespace
        t0 = time.perf_counter()
        failed = engine.execute_notebook_inprocess(nb)
        total += time.perf_counter() - t0
        if failed is not None:
            raise SystemExit(f"floor: {job.study} failed in cell {failed}")
    print(f"{total:.3f}")


def grid_sets(tmp: Path) -> list[dict]:
    """12 parameter sets, each with its own copy of the embedded dataset."""
    regions = [None, ["Taizhou"], ["Linhai"], ["Linhai", "Taizhou"], ["Yiwu"], ["Taizhou", "Yiwu"]]
    as_of = ["2022-06-30", "2022-12-31"]
    sets = []
    for i in range(N_SETS):
        data = tmp / f"data-{i:02d}"
        shutil.copytree(config.DEFAULT_DATA_DIR, data)
        sets.append({"data_dir": str(data), "regions": regions[i % len(regions)], "as_of": as_of[i // len(regions)],
                     "top_k": 2 + i % 3})
    return sets


def dask_executor():
    """A DaskExecutor with 2 local workers, or why there is none (str)."""
    if "executor" not in inspect.signature(runner.run).parameters:
        return "not available (analysis.runner.run takes no executor=)"
    try:
        from analysis.runner.dask import DaskExecutor
    except ImportError as e:
        return f"not available ({e})"
    return DaskExecutor(n_workers=2)


def rpm(n: int, seconds: float) -> float:
    return 60.0 * n / seconds


def main() -> None:
    if "--floor" in sys.argv:
        _floor()
        return
    studies = runner.discover()
    defaults = runner.plan_jobs(studies, None, [{}])
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "naive").mkdir()
        t_naive = naive(defaults, studies, tmp / "naive")
        t_cold, status = timed_run(force=True, reports_dir=tmp / "runner")
        t_again, _ = timed_run(reports_dir=tmp / "runner")
        t_forced, _ = timed_run(force=True, reports_dir=tmp / "runner")
        t_floor = floor_seconds()
        print(f"notebooks: {len(defaults)} ({', '.join(j.study for j in defaults)})")
        print(f"naive loop (papermill + nbconvert commands, sequential): {t_naive:7.2f} s")
        print(f"runner, cold (fork server starts; reports in parallel):  {t_cold:7.2f} s   status {status}")
        print(f"speed-up:                                                 {t_naive / t_cold:7.2f} x (goal >= 6)")
        print(f"runner, nothing changed (incremental):                    {t_again:7.2f} s (goal < 1 s)")
        print(f"runner, forced again (fork server up):                    {t_forced:7.2f} s")
        print(f"floor (cells only, one warm process, sequential):         {t_floor:7.2f} s")
        print(f"runner / floor:                                           {t_cold / t_floor:7.2f} x cold, "
              f"{t_forced / t_floor:.2f} x with the fork server up")

        sets = grid_sets(tmp)
        jobs = runner.plan_jobs(studies, None, sets)
        assert len(jobs) == len(studies) * N_SETS, len(jobs)
        print(f"\ngrid: {len(jobs)} reports ({len(studies)} studies x {N_SETS} parameter sets; each set its own "
              "copy of the dataset, regions, as_of, top_k)")
        sample = [j for name in studies for j in [x for x in jobs if x.study == name][:NAIVE_SAMPLE]]
        (tmp / "naive-grid").mkdir()
        t = naive(sample, studies, tmp / "naive-grid")
        print(f"naive loop:            {rpm(len(sample), t):6.1f} reports/min (timed on {len(sample)} of the "
              f"{len(jobs)}: {t:.1f} s; the 48 would take about {t * len(jobs) / len(sample):.0f} s)")
        t, status = timed_run(grid=sets, force=True, reports_dir=tmp / "grid-local")
        print(f"local runner:          {rpm(len(jobs), t):6.1f} reports/min ({t:.1f} s, status {status})")
        t0 = time.perf_counter()
        executor = dask_executor()
        t_start = time.perf_counter() - t0
        if isinstance(executor, str):
            print(f"dask, 2 local workers: {executor}")
        else:
            t, status = timed_run(grid=sets, force=True, reports_dir=tmp / "grid-dask", executor=executor)
            print(f"dask, 2 local workers: {rpm(len(jobs), t):6.1f} reports/min ({t:.1f} s, status {status}; "
                  f"making the executor took {t_start:.1f} s more)")


if __name__ == "__main__":
    main()
