"""Imported once by the warm fork server (:mod:`analysis.runner.engine`): the heavy imports and one-off set-ups
that every report would otherwise pay for, done before any report's child is forked.

Only what does not depend on a report is done here: modules imported (also those the studies import late:
scipy.special, openpyxl; not statsmodels and scipy.stats, 0.6 s that only a report with enough data for a
statistical estimate needs: that report's child imports them), the interactive shell made (empty; no code runs here), the CJK font found
and its glyphs loaded (``rcParams`` left as matplotlib's defaults, as in a fresh kernel), the dataset loader's and
the Excel writer's code paths run once (nothing of them is kept), the HTML exporter's templates compiled.
Whatever fails here is left for the report to meet in its own child. Warnings raised here are not shown: a
report's child meets them again if it does the same.
"""

import contextlib
import importlib
import warnings


def _warm() -> None:
    import io
    import sys

    # jsonschema (through nbformat) imports rfc3987_syntax, when installed, for its "iri" format checks: building
    # its grammar takes ~0.8 s, a third of this preload, and no notebook schema uses the format
    sys.modules.setdefault("rfc3987_syntax", None)

    import matplotlib

    matplotlib.use("Agg")  # the shell below switches to the inline backend, as a kernel's
    import matplotlib.pyplot as plt
    import pandas as pd

    for name in ("PIL.PngImagePlugin", "openpyxl", "scipy.special",
                 "matplotlib_inline.backend_inline", "IPython.core.pylabtools", "papermill.parameterize"):
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    import nbformat

    import analysis
    import analysis.api  # noqa: F401
    from analysis.studies import funds, growth, overview, targets  # noqa: F401

    from . import engine, execution

    engine.register()
    # the shell every child runs its report in: made here with an empty namespace; no code ever runs here
    engine._inline_matplotlib(engine._shell(engine._Outputs()))
    with contextlib.suppress(Exception), matplotlib.rc_context():
        analysis.plots.setup_style()  # the font search is cached; the style itself is applied by each figure
        fig, ax = plt.subplots(figsize=(2, 1))
        ax.set_title("临海 2022")  # loads the CJK font's glyphs once
        fig.savefig(io.BytesIO(), format="png")
        plt.close(fig)
    with contextlib.suppress(Exception):
        analysis.load_dataset()
    with contextlib.suppress(Exception):
        pd.DataFrame({"a": [1.5]}).to_excel(io.BytesIO())  # the data downloads of the reports
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
