"""The public API of analysis, collected from its topical modules (re-exported by ``analysis/__init__``).

Modules:

* :mod:`analysis.units`: figures as Chinese documents write them (``parse_quantity("近200亿元")``)
* :mod:`analysis.periods`: the period grammar (``2022``, ``2022Q1``, ``2022-01/2022-10``, ...)
* :mod:`analysis.io`: loading and validating a dataset (``load_dataset()``; a user's folder of CSV/XLSX)
* :mod:`analysis.growth`: year-on-year growth, implied bases, pull and contribution, consistency checks,
  single months from year-to-date figures, CAGR, scoreboards and rank stability
* :mod:`analysis.funds`: fund leverage, paid-in ratio, public share, bounds, aggregation, two-layer leverage
* :mod:`analysis.targets`: attainment, time progress, year-end projection, ambition, milestone status,
  red flag / snail, stage funnel, investment heat map
* :mod:`analysis.stats`: trend growth, actual-on-target regression, bunching (statsmodels)
* :mod:`analysis.plots`: the studies' figures (with a CJK font for Chinese labels)
* :mod:`analysis.extract`: figures from documents: a draft dataset with provenance (``extract_file("report.docx")``)
* :mod:`analysis.vocab`, :mod:`analysis.params`, :mod:`analysis.studies`, :mod:`analysis.reporting`,
  :mod:`analysis.runner`: the vocabulary, study parameters, the studies, the report model and the runner (imported
  as submodules: ``from analysis.studies import growth``)
"""

from . import funds, growth, periods, plots, stats, targets, units
from .funds import *  # noqa: F401,F403
from .growth import *  # noqa: F401,F403
from .io import DataValidationError, Dataset, load_dataset, write_templates
from .periods import Period, PeriodParseError, parse_period, period_bounds
from .plots import (CJKFontWarning, attainment_chart, bar_growth, fund_matrix, heatmap, leverage_chart,
                    milestone_timeline, pull_contribution, scoreboard_chart, setup_style, stage_funnel_chart)
from .stats import *  # noqa: F401,F403
from .targets import *  # noqa: F401,F403
from . import __version__
from .units import Quantity, QuantityParseError, format_quantity, parse_chinese_number, parse_quantity

__all__ = (
    ["DataValidationError", "Dataset", "load_dataset", "write_templates",
     "Period", "PeriodParseError", "parse_period", "period_bounds",
     "Quantity", "QuantityParseError", "format_quantity", "parse_chinese_number", "parse_quantity",
     "CJKFontWarning", "setup_style", "bar_growth", "pull_contribution", "scoreboard_chart", "fund_matrix",
     "leverage_chart", "attainment_chart", "milestone_timeline", "stage_funnel_chart", "heatmap",
     "Draft", "DocumentInfo", "Evaluation", "Figure", "evaluate_extraction", "extract_file", "extract_text",
     "find_figures", "read_document", "write_draft",
     "__version__"]
    + growth.__all__ + funds.__all__ + targets.__all__ + stats.__all__
)


# analysis.extract loads on first use of one of its names: a study's report (and the runner's warm fork server)
# never needs the document extractor, and importing it costs 0.1 s
_EXTRACT = {"Draft": "Draft", "DocumentInfo": "DocumentInfo", "Evaluation": "Evaluation", "Figure": "Figure",
            "evaluate_extraction": "evaluate", "extract_file": "extract_file", "extract_text": "extract_text",
            "find_figures": "find_figures", "read_document": "read_document", "write_draft": "write_draft"}


def __getattr__(name: str):
    if name in _EXTRACT:
        from . import extract

        return getattr(extract, _EXTRACT[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
