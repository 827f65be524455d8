"""The Dask distributed executor: a grid's reports on a Dask cluster (``--scheduler``, ``--local-cluster``).

Each report is one task (:class:`~analysis.runner.execution.ReportTask` in, ``ReportResult`` out): the worker
builds it in a temporary folder of its own machine and returns the HTML and the executed notebook, so workers need
the package installed (same commit) but no shared file system; a data folder travels with the task. The runner
alone publishes. A worker that dies mid-task: the scheduler reschedules its task on another worker; after
``distributed.scheduler.allowed-failures`` deaths (default 3) the task errs with ``KilledWorker`` and the report is
failed with that reason. Each report's result is taken once (by slug), so nothing is published twice.

``distributed`` is imported only when a run starts: importing the runner stays cheap.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator

from .exceptions import RunnerError
from .execution import ReportResult, ReportTask, run_task

log = logging.getLogger(__name__)

#: Seconds to wait for the scheduler at ``address`` before giving up.
CONNECT_TIMEOUT = 30


#: Dask settings of the LocalCluster the executor makes (the README gives them for a cluster of your own):
#: worker processes that are not daemons may start children (the warm engine forks one per report); a worker
#: holds only the reports it runs (no queue behind them), so a worker that dies takes no innocent report's
#: retries with it, and an idle worker takes the next report at once.
LOCAL_CLUSTER_CONFIG = {"distributed.worker.daemon": False, "distributed.scheduler.worker-saturation": 1.0}


def task_function() -> Callable[[ReportTask], ReportResult]:
    """What a worker runs for each task: the warm engine's ``run_task_in_child`` (a fresh child forked from a
    process with the heavy imports done) when it is there, else :func:`~analysis.runner.execution.run_task`."""
    try:
        from .engine import run_task_in_child
    except ImportError:
        return run_task
    return run_task_in_child


class DaskExecutor:
    """Reports as tasks of a Dask cluster.

    Parameters
    ----------
    address : str, optional
        The scheduler, e.g. ``tcp://HOST:8786``. Default: a :class:`distributed.LocalCluster` on this machine,
        made for the run and closed after it.
    n_workers : int
        Worker processes of that LocalCluster (one thread each); unused with ``address``.
    connect_timeout : float
        Seconds to wait for the scheduler at ``address`` before giving up (:class:`RunnerError`).

    Attributes
    ----------
    slots : int or None
        Reports the cluster runs at once (its worker threads), known once a run has connected.
    """

    ships_folders = True

    def __init__(self, address: str | None = None, n_workers: int = 2, connect_timeout: float = CONNECT_TIMEOUT):
        self.address, self.n_workers, self.connect_timeout = address, n_workers, connect_timeout
        self.slots: int | None = None

    def _connect(self):
        """A client of the scheduler at ``address``, or of a LocalCluster made now; (client, cluster or None)."""
        import dask
        from distributed import Client, LocalCluster

        if self.address:
            try:
                return Client(self.address, timeout=self.connect_timeout), None
            except (OSError, TimeoutError, ValueError) as e:
                raise RunnerError(f"--scheduler {self.address}: cannot reach a Dask scheduler there within "
                                  f"{self.connect_timeout:g} s ({type(e).__name__}: {e}); is `dask scheduler` "
                                  "running, and the address tcp://HOST:PORT?") from None
        with dask.config.set(LOCAL_CLUSTER_CONFIG):
            cluster = LocalCluster(n_workers=self.n_workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
        return Client(cluster), cluster

    def run(self, tasks: list[ReportTask]) -> Iterator[ReportResult]:
        """Submit one task per report and yield each report's result once, as it ends. A task that erred gives a
        failed result with the reason, never an exception. Ctrl-C or SIGTERM (KeyboardInterrupt, SystemExit),
        or the caller closing the generator: the cluster's tasks are cancelled, then it is re-raised."""
        if not tasks:
            return
        from distributed import as_completed

        client, cluster = self._connect()
        try:
            self.slots = sum(client.nthreads().values()) or None
            fn = task_function()
            futures = {client.submit(fn, t, key=f"report-{t.job.slug}-{uuid.uuid4().hex}", pure=False): t
                       for t in tasks}
            seen: set[str] = set()
            try:
                for fut in as_completed(futures):
                    task = futures[fut]
                    if task.job.slug in seen:  # as_completed yields each future once; a report is taken once
                        continue
                    seen.add(task.job.slug)
                    yield _result(fut, task)
            except BaseException:  # Ctrl-C, SIGTERM, generator closed: nothing more runs on the cluster
                client.cancel(list(futures), force=True)
                raise
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


def _result(fut, task: ReportTask) -> ReportResult:
    """The result a finished future holds, or a failed one saying why the task erred."""
    try:
        return fut.result()
    except Exception as e:  # KilledWorker (the scheduler gave up rescheduling), or the task function raised
        job = task.job
        job.status = "failed"
        job.error = f"the report's task failed on the cluster: {type(e).__name__}: {e}"
        log.error("%s: %s", job.slug, job.error)
        return ReportResult(job, None, None)
