"""Run the studies and publish self-contained HTML reports: the ``investment-reports`` command.

Each study is a notebook ``notebooks/NN-name.ipynb`` with a cell tagged ``parameters``. The runner

1. refuses a study kept in git that carries outputs (saved after running, e.g. from JupyterLab) and warns when a
   study's ``parameters`` cell differs from the committed version (:func:`check_study_files`);
2. checks every requested parameter against the notebook's ``parameters`` cell before anything runs (unknown
   study, unknown parameter, wrong type: a clear error; papermill alone would only warn). Types are declared, not
   read from whatever the default is now (:data:`SHARED_PARAMETER_TYPES`, annotations);
3. skips a report whose notebook, parameters, data and library code are unchanged (content hashes; ``--force``
   reruns everything). A kept report stays what it was (``ok``) in the manifest, so the next run skips it too;
4. executes the rest, several at a time across the machine's cores, each report in a fresh child process forked
   from a warm server that has already imported pandas, matplotlib, IPython, nbformat, nbconvert, papermill and
   ``analysis`` with its studies (:mod:`~analysis.runner.engine`): papermill parameterizes the notebook (the
   ``injected-parameters`` cell after the ``parameters`` cell) and the cells run in the child's IPython shell,
   in the study's folder, with the outputs, errors and inline figures a kernel gives; nbconvert's exporter
   writes the HTML in the same child. A child runs one report and exits, so nothing a report sets (globals,
   module attributes, environment, working folder) reaches the next. A child that dies (a signal, ``os._exit``)
   is run once more, then the report fails with the reason. A study that needs a real Jupyter kernel (ipywidgets,
   a GUI event loop, kernel-specific magics) says so in its notebook metadata, ``"runner": {"engine": "kernel"}``:
   papermill then starts a kernel for it, over its own IPC socket files rather than TCP ports (kernels started at
   the same moment cannot collide on a port), shut down immediately rather than gracefully. What a study writes
   to stderr (warnings, also what C code writes to file descriptor 2) goes to ``reports/run.log``, never into a
   report; the summary line counts it;
5. builds everything aside in ``reports/.build-*`` and publishes by atomic renames, report files first and the
   index last, so a failed or killed run leaves the last good reports in place. A failing study does not stop the
   others: the index shows its failing cell and error, and its executed notebook is kept under
   ``reports/failed/`` for debugging;
6. holds a lock (``reports/.lock``) so that two overlapping runs (cron, systemd timers) do not collide: the second
   waits ``--wait`` seconds (default 0) and then exits with a clear message and status 75;
7. exits 0 only when every report succeeded; logs to ``reports/run.log``.

The index (``reports/index.html``) lists each report with its title, first key finding, parameters, status and
when it was built; the manifest (``reports/manifest.json``) holds the same, and the cache keys, for scripts. The
title, question, first finding, data fingerprint and data source come from the record a study emits
(``Report.front()``, MIME type ``analysis.reporting.REPORT_MIMETYPE``); a study without one is listed by name.

Where things are (one module per concern, as in papermill):

- :mod:`~analysis.runner.discovery`: the studies and their ``parameters`` cells, declared types, ``--list``;
- :mod:`~analysis.runner.tracked`: the git checks of step 1, and the commit a report is built from;
- :mod:`~analysis.runner.jobs`: parameter sets (``--param``, grid files) × studies, checked; report slugs;
- :mod:`~analysis.runner.cache`: the content hashes of step 3;
- :mod:`~analysis.runner.execution`: a report as a task, papermill and nbconvert, executors, warnings out to the log;
- :mod:`~analysis.runner.engine`: the warm engine and the fresh child per report (step 4);
- :mod:`~analysis.runner.dask`: the same reports as tasks of a Dask cluster (``--scheduler``, ``--local-cluster``);
- :mod:`~analysis.runner.publish`: the lock, the run, atomic publication and the manifest;
- :mod:`~analysis.runner.index`: the index page, from the template ``analysis/templates/index/``;
- :mod:`~analysis.runner.cli`: the command line (:func:`main`).
"""

from .. import config  # the project's folders, as runner.config (as before the split)
from . import cache, cli, discovery, execution, index, jobs, publish, tracked
from .cache import code_hash, data_hash, job_key
from .cli import main
from .discovery import (SHARED_PARAMETER_TYPES, Study, check_parameters, discover, list_studies, notebook_parameters,
                        parse_parameters)
from .exceptions import RunnerError
from .execution import _count_warnings, execute_job, take_warnings
from .index import render_index, write_index
from .jobs import PATH_PARAMETERS, Job, _parse_cli_param, load_grid, plan_jobs
from .publish import EXIT_LOCKED, run
from .tracked import check_study_files

__all__ = ["EXIT_LOCKED", "PATH_PARAMETERS", "SHARED_PARAMETER_TYPES", "Job", "RunnerError", "Study",
           "check_parameters", "check_study_files", "code_hash", "data_hash", "discover", "execute_job", "job_key",
           "list_studies", "load_grid", "main", "notebook_parameters", "parse_parameters", "plan_jobs",
           "render_index", "run", "take_warnings", "write_index",
           # the modules
           "config", "cache", "cli", "discovery", "execution", "index", "jobs", "publish", "tracked"]
