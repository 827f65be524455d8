"""Benchmark: the naive loop against the runner, on the same notebooks (the project's studies).

Naive loop: for each study, one after another, `papermill IN OUT` then `jupyter nbconvert --to html OUT`, as
commands. Runner: `analysis.runner.run(force=True)` into a fresh folder (cold), in this process; then once more with
nothing changed (incremental). Prints the times and the ratio. Goal: the runner at least 3x faster than the naive
loop, and an unchanged rerun under 1 s. Run with `make benchmark-runner`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis import config, runner

BIN = Path(sys.executable).parent


def naive(notebooks: list[Path], out: Path) -> float:
    t0 = time.perf_counter()
    for nb in notebooks:
        executed = out / nb.name
        subprocess.run([str(BIN / "papermill"), str(nb), str(executed), "-k", "python3", "--cwd", str(nb.parent),
                        "--no-progress-bar"], check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)], check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    notebooks = sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "naive").mkdir()
        t_naive = naive(notebooks, tmp / "naive")
        t0 = time.perf_counter()
        status = runner.run(force=True, reports_dir=tmp / "runner", progress=False)
        t_runner = time.perf_counter() - t0
        t0 = time.perf_counter()
        runner.run(reports_dir=tmp / "runner", progress=False)
        t_again = time.perf_counter() - t0
    print(f"notebooks: {len(notebooks)} ({', '.join(p.stem for p in notebooks)})")
    print(f"naive loop (papermill + nbconvert commands, sequential): {t_naive:7.2f} s")
    print(f"runner, cold (in-process, parallel):                      {t_runner:7.2f} s   status {status}")
    print(f"speed-up:                                                 {t_naive / t_runner:7.2f} x (goal >= 3)")
    print(f"runner, nothing changed (incremental):                    {t_again:7.2f} s (goal < 1 s)")


if __name__ == "__main__":
    main()
