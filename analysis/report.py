"""Former home of the narrative helpers; they live in :mod:`analysis.reporting` now (formatting in
:mod:`analysis.reporting.format`). Kept so that existing imports keep working."""

from .reporting.format import (REPORT_MIMETYPE, esc, fmt_money, fmt_num, fmt_p, fmt_pct, fmt_pp, md,  # noqa: F401
                               provenance, report_header, show)
from .reporting.format import __all__  # noqa: F401
