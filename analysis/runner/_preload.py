"""Imported once by the warm fork server (:mod:`analysis.runner.engine`): the heavy imports and one-off set-ups
that every report would otherwise pay for, done before any report's child is forked.

Only what does not depend on a report is done here: modules imported, the CJK font found (``rcParams`` left as
matplotlib's defaults, as in a fresh kernel), the dataset loader's code paths run once on the embedded dataset
(nothing of it is kept), the HTML exporter's templates compiled. Whatever fails here is left for the report to
meet in its own child. Warnings raised here are not shown: a report's child meets them again if it does the same.
"""

import contextlib
import warnings


def _warm() -> None:
    import matplotlib

    matplotlib.use("Agg")  # a child switches to the inline backend once its shell exists (engine._inline_matplotlib)
    import matplotlib.pyplot  # noqa: F401
    import pandas  # noqa: F401

    with contextlib.suppress(Exception):
        import matplotlib_inline.backend_inline  # noqa: F401
        from IPython.core import pylabtools  # noqa: F401
    import IPython.core.interactiveshell  # noqa: F401
    import nbformat
    import papermill  # noqa: F401
    import papermill.parameterize  # noqa: F401

    import analysis
    import analysis.api  # noqa: F401
    from analysis.studies import funds, growth, overview, targets  # noqa: F401

    from . import engine, execution

    engine.register()
    with contextlib.suppress(Exception), matplotlib.rc_context():
        analysis.plots.setup_style()  # the font search is cached; the style itself is applied by each figure
    with contextlib.suppress(Exception):
        analysis.load_dataset()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("warm-up"), nbformat.v4.new_code_cell("1")])
    nb.metadata["report"] = {"title": "warm-up", "parameters": {}, "fingerprint": "", "data_source": "",
                             "generated": "", "version": "", "commit": "", "show_code": False}
    for show_code in (False, True):
        with contextlib.suppress(Exception):
            execution._exporter(show_code).from_notebook_node(nb, resources={"metadata": {"name": "warm-up"}})


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        _warm()
    except Exception:  # a report's child imports what it needs itself and reports what fails
        pass
