"""Reports as publications: one formatting module and the report model the studies return.

* :mod:`analysis.reporting.format`: numbers, money with qualifiers, percentages, pp, multiples, p-values, and
  escaping of every string from data;
* :mod:`analysis.reporting.model`: :class:`Report`, :class:`Section`, :class:`Table` (with :class:`Col`),
  :class:`Figure`;
* :mod:`analysis.reporting.render`: their HTML (self-contained; downloads embedded).
"""

from .format import (REPORT_MIMETYPE, esc, fmt_int, fmt_money, fmt_multiple, fmt_num, fmt_p, fmt_pct, fmt_pp,
                     fmt_share, format_cell, format_column, md, provenance, report_header, show)
from .model import COLUMN_KINDS, Col, Figure, Report, Section, Table

__all__ = ["Report", "Section", "Table", "Col", "Figure", "COLUMN_KINDS", "REPORT_MIMETYPE", "esc", "md", "show",
           "provenance", "report_header", "fmt_int", "fmt_money", "fmt_multiple", "fmt_num", "fmt_p", "fmt_pct",
           "fmt_pp", "fmt_share", "format_cell", "format_column"]
