"""Study 02, fund matrix and leverage (notebook ``02-fund-leverage``).

* :mod:`.tables`: the tables, from a :class:`analysis.io.Dataset` (fund matrix, ratios and their totals, planned
  funds, equity stakes, policy context, sample size) and the selection :func:`restrict`;
* :mod:`.report`: one function per section returning a :class:`analysis.reporting.Section`, and :func:`run`,
  which validates the parameters and returns the :class:`analysis.reporting.Report`.

Everything public in both is importable from here: ``from analysis.studies import funds; funds.run()``.
"""

from .report import *  # noqa: F401,F403
from .report import __all__ as _report_all
from .tables import *  # noqa: F401,F403
from .tables import __all__ as _tables_all

__all__ = list(_tables_all) + list(_report_all)
