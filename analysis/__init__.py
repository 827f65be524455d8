"""analysis: the library behind the investment-promotion (招商引资) research notebooks.

Small topical modules, their public API re-exported here (see :mod:`analysis.api` for the list):

* :mod:`analysis.units`: figures as Chinese documents write them (``parse_quantity("近200亿元")``)
* :mod:`analysis.periods`: the period grammar (``2022``, ``2022Q1``, ``2022-01/2022-10``, ...)
* :mod:`analysis.io`: loading and validating a dataset (``load_dataset()``; a user's folder of CSV/XLSX)
* :mod:`analysis.growth`: growth, implied bases, pull and contribution, consistency checks, scoreboards
* :mod:`analysis.funds`: fund leverage, paid-in ratio, public share, bounds, aggregation
* :mod:`analysis.targets`: attainment, time progress, projections, ambition, milestones, funnel, heat map
* :mod:`analysis.stats`: trend growth, actual-on-target regression, bunching (statsmodels)
* :mod:`analysis.plots`: the studies' figures (with a CJK font for Chinese labels)
* :mod:`analysis.extract`: figures from documents: a draft dataset with provenance (``extract_file("report.docx")``)
* :mod:`analysis.vocab`: the one vocabulary (qualifiers, statuses, stages, fund types, units) and indicator relations
* :mod:`analysis.results`: the result objects' shared printing (``summary()``)
* :mod:`analysis.params`: the studies' shared parameter checks and region selection
* :mod:`analysis.studies`: one module per study (overview, growth, funds, targets): tables, sections and ``run``
* :mod:`analysis.reporting`: formatting, the report model (``Report``, ``Section``, ``Table``, ``Figure``) and its HTML
* :mod:`analysis.runner`: the report runner (``investment-reports``)

The re-exported names load on first use, so that ``analysis.runner`` (the ``investment-reports`` command) starts
without importing pandas, matplotlib and statsmodels when there is nothing to run.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    import importlib
    import importlib.util

    if name.startswith("__") and name != "__all__":
        raise AttributeError(name)
    if importlib.util.find_spec(f"{__name__}.{name}") is not None:  # a submodule: load just that one
        return importlib.import_module(f"{__name__}.{name}")
    api = importlib.import_module(f"{__name__}.api")
    try:
        return getattr(api, name)
    except AttributeError:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}") from None


def __dir__():
    import importlib

    return sorted(set(globals()) | set(importlib.import_module(f"{__name__}.api").__all__))
