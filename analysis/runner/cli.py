"""Run the studies and publish self-contained HTML reports: the ``investment-reports`` command.

See :mod:`analysis.runner` for what a run does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import config
from .discovery import discover, list_studies
from .exceptions import RunnerError
from .jobs import _parse_cli_param, load_grid
from .publish import run


def main(argv: list[str] | None = None) -> int:
    """The command: parse ``argv`` (default: ``sys.argv[1:]``), run, and return the exit status (2: refused)."""
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
    p.add_argument("--dry-run", action="store_true",
                   help="list each report as 'would run' (and why) or 'unchanged (cached)'; run and write nothing")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="tcp://HOST:8786",
                       help="run the reports on this Dask cluster (see README, 'More than one machine')")
    where.add_argument("--local-cluster", type=int, metavar="N",
                       help="run the reports on a Dask LocalCluster of N worker processes on this machine")
    a = p.parse_args(argv)
    if a.local_cluster is not None and a.local_cluster < 1:
        p.error(f"--local-cluster: expected a number of workers >= 1, got {a.local_cluster}")
    try:
        if a.list:
            print(list_studies(discover(a.notebooks)), end="")
            return 0
        cli = dict(_parse_cli_param(x) for x in a.param)
        grid = load_grid(a.config, cli)
        return run(a.studies or None, grid, a.force, a.jobs, a.output, a.show_code, a.wait,
                   progress=not a.no_progress and sys.stderr.isatty(), notebooks_dir=a.notebooks,
                   executor=_executor(a.scheduler, a.local_cluster), dry_run=a.dry_run)
    except RunnerError as e:
        print(f"investment-reports: error: {e}", file=sys.stderr)
        return 2


def _executor(scheduler: str | None, local_cluster: int | None):
    """The Dask executor ``--scheduler`` or ``--local-cluster`` asks for; None (the local one) otherwise."""
    if scheduler is None and local_cluster is None:
        return None
    from .dask import DaskExecutor

    return DaskExecutor(scheduler) if scheduler else DaskExecutor(n_workers=local_cluster)
