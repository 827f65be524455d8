"""Warm execution: each report's cells run in a fresh child process forked from a server that has the heavy
imports done once, instead of a new kernel per report.

Two pieces:

- :class:`WarmEngine`, a papermill engine (name :data:`WARM_ENGINE`) that runs a notebook's code cells in this
  process with IPython's ``InteractiveShell``, so that papermill itself still parameterizes the notebook (the
  ``injected-parameters`` cell after the ``parameters`` cell), records cell metadata, adds its error markers and
  raises ``PapermillExecutionError`` for the first failing cell, exactly as with a kernel. Outputs are what a
  kernel gives: ``stream`` (stdout, stderr; what C code writes to file descriptors 1 and 2 too),
  ``display_data``, ``execute_result`` (through the shell's display formatter) and ``error`` (ename, evalue,
  traceback); matplotlib uses the inline backend, as in a kernel.
- :func:`run_task_in_child`: :func:`~analysis.runner.execution.run_task` in a fresh child forked from this
  process's warm fork server (``multiprocessing``'s forkserver, preloaded with :data:`PRELOAD`). A child runs one
  report and exits, so no state (globals, module attributes, the working folder) passes from one report to the
  next. A child that dies without a result (a signal, ``os._exit``) is run once more; when it dies again the
  report fails with "the report's process died (signal 9) twice".

Nothing heavy is imported by importing this module.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import tempfile
import threading
import types
from dataclasses import replace

#: The papermill engine name of :class:`WarmEngine`.
WARM_ENGINE = "analysis-warm"

#: Imported once by the fork server; every report's child starts with them loaded (``_preload`` also warms the
#: figure style, the dataset loader and the HTML exporter's templates).
PRELOAD = ["analysis.runner._preload"]

#: Cell tag that lets a cell fail without stopping the notebook (as nbclient reads it).
RAISES_TAG = "raises-exception"

_INLINE = "module://matplotlib_inline.backend_inline"
_live: set = set()  # child processes running now (killed by kill_children)
_live_lock = threading.Lock()
_start_lock = threading.Lock()


# --- the outputs of one notebook, as a kernel and nbclient would record them --------------------------------


class _Outputs:
    """Collects the outputs of the cell being run, in order: consecutive writes to one stream join, as a
    kernel's buffered streams do; ``clear_output`` and display updates behave as in nbclient."""

    def __init__(self):
        self.cell: list = []
        self._clear_next = False
        self._by_display_id: dict[str, list] = {}

    def _add(self, out) -> None:
        if self._clear_next:
            self.cell.clear()
            self._clear_next = False
        self.cell.append(out)

    def stream(self, name: str, text: str) -> None:
        from nbformat.v4 import new_output

        if not text:
            return
        last = self.cell[-1] if self.cell and not self._clear_next else None
        if last is not None and last.output_type == "stream" and last.name == name:
            last.text += text
        else:
            self._add(new_output("stream", name=name, text=text))

    def display(self, data: dict, metadata: dict | None, transient: dict | None, update: bool) -> None:
        from nbformat.v4 import new_output

        display_id = (transient or {}).get("display_id")
        if update:
            for out in self._by_display_id.get(display_id, []):
                out.data, out.metadata = data, metadata or {}
            return
        out = new_output("display_data", data=data, metadata=metadata or {})
        if display_id:
            self._by_display_id.setdefault(display_id, []).append(out)
        self._add(out)

    def result(self, data: dict, metadata: dict | None, count: int) -> None:
        from nbformat.v4 import new_output

        self._add(new_output("execute_result", data=data, metadata=metadata or {}, execution_count=count))

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        from nbformat.v4 import new_output

        self._add(new_output("error", ename=ename, evalue=evalue, traceback=list(traceback)))

    def clear(self, wait: bool) -> None:
        if wait:
            self._clear_next = True
        else:
            self.cell.clear()


class _Stream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` while cells run: text goes to the cell's outputs."""

    def __init__(self, outputs: _Outputs, name: str, fd: int):
        super().__init__()
        self._outputs, self.name, self._fd = outputs, name, fd

    def write(self, text: str) -> int:
        self._outputs.stream(self.name, str(text))
        return len(text)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:  # what C code or a subprocess writes there is captured too (see _FdCapture)
        return self._fd

    @property
    def encoding(self) -> str:
        return "utf-8"


class _FdCapture:
    """File descriptors 1 and 2 sent to temporary files while cells run; read after each cell as streams."""

    def __init__(self, outputs: _Outputs):
        self._outputs = outputs
        self._saved: dict[int, int] = {}
        self._files: dict[int, tuple] = {}
        self._read: dict[int, int] = {}  # bytes of each descriptor's file already taken

    def __enter__(self):
        for fd, name in ((1, "stdout"), (2, "stderr")):
            with contextlib.suppress(Exception):
                (sys.__stdout__ if fd == 1 else sys.__stderr__).flush()
            f = tempfile.TemporaryFile()
            self._saved[fd] = os.dup(fd)
            os.dup2(f.fileno(), fd)
            self._files[fd] = (f, name)
            self._read[fd] = 0
        return self

    def collect(self) -> None:
        """Add what was written to the descriptors since the last call to the cell's outputs."""
        for fd, (f, name) in self._files.items():
            end = os.fstat(fd).st_size
            if end > self._read[fd]:
                data = os.pread(f.fileno(), end - self._read[fd], self._read[fd])
                self._read[fd] += len(data)
                self._outputs.stream(name, data.decode("utf-8", "replace"))

    def __exit__(self, *exc):
        for fd, saved in self._saved.items():
            os.dup2(saved, fd)
            os.close(saved)
            self._files[fd][0].close()
        return False


def _shell(outputs: _Outputs):
    """The interactive shell of this process (created once), its display hook, display publisher and
    tracebacks writing to ``outputs``."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            self.shell.outputs.display(data, metadata, transient, update)

        def clear_output(self, wait=False):
            self.shell.outputs.clear(wait)

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.shell.outputs.result(format_dict, md_dict, self.prompt_count)

    class WarmShell(InteractiveShell):
        displayhook_class = Hook
        display_pub_class = Publisher
        analysis_warm_engine = True

        def _showtraceback(self, etype, evalue, stb):  # as ipykernel: an error output, not printed text
            self.outputs.error(etype.__name__, str(evalue), stb)

        def enable_gui(self, gui=None):  # %matplotlib inline needs no event loop
            if gui not in (None, "inline"):
                raise NotImplementedError(f"the warm engine has no GUI event loop ({gui}): ask for the kernel "
                                          'engine (notebook metadata "runner": {"engine": "kernel"})')

    if not InteractiveShell.initialized():
        # no history file: children run at the same time and the history is of no use to a report
        WarmShell.instance(config=Config({"HistoryManager": {"enabled": False}}))
    shell = InteractiveShell.instance()
    if not getattr(shell, "analysis_warm_engine", False):
        raise RuntimeError(f"this process already has an IPython shell ({type(shell).__name__}, e.g. a Jupyter "
                           "kernel): the warm engine runs a report in a child of its own (run_task_in_child), "
                           "or use engine='kernel'")
    shell.outputs = outputs
    return shell


def _inline_matplotlib(shell) -> None:
    """Figures left open at the end of a cell are shown, as with a kernel's inline backend."""
    if "matplotlib" not in sys.modules or os.environ.get("MPLBACKEND", _INLINE) != _INLINE:
        return
    with contextlib.suppress(ImportError):
        shell.enable_matplotlib("inline")


def execute_notebook_inprocess(nb, on_cell_start=None, on_cell_end=None):
    """Run ``nb``'s code cells in this process, in order, and put their outputs in place; stop at the first cell
    that fails (unless tagged ``raises-exception``).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A parameterized notebook (modified in place).
    on_cell_start, on_cell_end : callable, optional
        Called around every cell (markdown cells too), as ``on_cell_start(cell, index)`` and
        ``on_cell_end(cell, index, failed)``, for papermill's execution manager.

    Returns
    -------
    int or None
        The index of the cell that failed, None when none did.

    Notes
    -----
    The namespace is this process's interactive shell: run one notebook per process (see
    :func:`run_task_in_child`). The working folder is the caller's.
    """
    outputs = _Outputs()
    shell = _shell(outputs)
    _inline_matplotlib(shell)
    failed = None
    with _FdCapture(outputs) as fds, _redirected(outputs):
        for index, cell in enumerate(nb.cells):
            if on_cell_start:
                on_cell_start(cell, index)
            try:
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                outputs.cell = cell.outputs = []
                outputs._clear_next = False
                result = shell.run_cell(cell.source, store_history=True, silent=False)
                sys.stdout.flush()
                fds.collect()
                cell.outputs = outputs.cell
                cell.execution_count = result.execution_count
                if not result.success and RAISES_TAG not in cell.metadata.get("tags", []):
                    failed = index
                    break
            finally:
                if on_cell_end:
                    on_cell_end(cell, index, failed == index)
    return failed


@contextlib.contextmanager
def _redirected(outputs: _Outputs):
    """``sys.stdout`` and ``sys.stderr`` to the cell's outputs."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream(outputs, "stdout", 1), _Stream(outputs, "stderr", 2)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def register() -> None:
    """Register :class:`WarmEngine` with papermill under :data:`WARM_ENGINE` (idempotent)."""
    from papermill.engines import Engine, papermill_engines

    class WarmEngine(Engine):
        """A papermill engine that runs the cells in this process (:func:`execute_notebook_inprocess`)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            def end(cell, index, failed):
                if failed:
                    nb_man.cell_exception(cell, cell_index=index)
                nb_man.cell_complete(cell, cell_index=index)

            execute_notebook_inprocess(nb_man.nb, nb_man.cell_start, end)
            nb_man.nb.metadata["language_info"] = {
                "name": "python", "version": sys.version.split()[0], "mimetype": "text/x-python",
                "file_extension": ".py", "pygments_lexer": "ipython3", "nbconvert_exporter": "python",
                "codemirror_mode": {"name": "ipython", "version": 3}}

    papermill_engines.register(WARM_ENGINE, WarmEngine)


# --- a fresh child per report ----------------------------------------------------------------------------------


def _context():
    """The multiprocessing context whose fork server has :data:`PRELOAD` imported (spawn where there is none)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


@contextlib.contextmanager
def _may_have_children():
    """Let a daemonic process (a Dask worker's) start the report's child: it is waited for and killed here."""
    config = multiprocessing.current_process()._config
    daemon = config.get("daemon")
    config["daemon"] = False
    try:
        yield
    finally:
        if daemon is not None:
            config["daemon"] = daemon


@contextlib.contextmanager
def _without_main():
    """Start a child without the caller's ``__main__``: the child runs :func:`_child_main` only, so a script that
    calls the runner without an ``if __name__ == "__main__":`` guard is not run again in every child."""
    with _start_lock:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


def _exit_with_the_runner() -> None:
    """In the child: end at once when the runner's process ends (killed), not after the report."""
    parent = multiprocessing.parent_process()
    if parent is None or getattr(parent, "sentinel", None) is None:
        return

    def watch():
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="runner watch", daemon=True).start()


def _child_main(task, conn) -> None:
    """In the child: build the report and send its result."""
    from .execution import ReportResult, run_task

    _exit_with_the_runner()
    try:
        result = run_task(task)
    except Exception as e:  # run_task records a failing study itself: this is the runner's own fault
        job = task.job
        job.status, job.error = "failed", f"the report's process failed: {type(e).__name__}: {e}"
        result = ReportResult(job, None, None)
    conn.send(result)
    conn.close()


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"signal {-exitcode}"
    return f"exit code {exitcode}"


def _run_once(ctx, task, stop: threading.Event | None):
    """Run ``task`` in one child: its ReportResult, or why the child died (str)."""
    if stop is not None and stop.is_set():
        return "stopped"
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child_main, args=(task, sender), name=f"report {task.job.slug}")
    with _may_have_children(), _without_main():
        proc.start()  # the first waits for the fork server's imports: a stop may come meanwhile
    sender.close()
    with _live_lock:
        _live.add(proc)
    if stop is not None and stop.is_set():  # kill_children ran before this child was listed
        proc.kill()
    try:
        while True:
            ready = multiprocessing.connection.wait([receiver, proc.sentinel])
            if receiver in ready:
                try:
                    return receiver.recv()
                except EOFError:  # closed without a result: the child died
                    break
            if proc.sentinel in ready and not receiver.poll():
                break
        proc.join()
        return "stopped" if stop is not None and stop.is_set() else _death(proc.exitcode)
    finally:
        receiver.close()
        if proc.is_alive():
            proc.kill()
        proc.join()
        with _live_lock:
            _live.discard(proc)


def run_task_in_child(task, stop: threading.Event | None = None):
    """Build one report in a fresh child of the warm fork server and return its
    :class:`~analysis.runner.execution.ReportResult`. Never raises for a failing study.

    A child that dies without a result is run once more; when it dies again the report fails with the reason
    ("the report's process died (signal 9) twice"). With ``stop`` set (the run is being cancelled), a dead child
    is not run again.
    """
    from .execution import ReportResult

    ctx = _context()
    reason = None
    for _attempt in range(2):
        outcome = _run_once(ctx, task, stop)
        if not isinstance(outcome, str):
            return outcome
        reason = outcome
        if stop is not None and stop.is_set():
            break
    job = replace(task.job, extra=dict(task.job.extra))
    job.status = "failed"
    job.error = ("the run was stopped before the report ended" if reason == "stopped"
                 else f"the report's process died ({reason}) twice")
    return ReportResult(job, None, None)


def kill_children() -> None:
    """Kill every report child running now (the run is being cancelled)."""
    with _live_lock:
        procs = list(_live)
    for proc in procs:
        with contextlib.suppress(Exception):
            os.kill(proc.pid, signal.SIGKILL)
