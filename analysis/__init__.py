"""analysis: the library behind the investment-promotion (招商引资) research notebooks.

Public API (re-exported here; see each module for details):

* units: :func:`parse_quantity`, :class:`Quantity`, :func:`format_quantity`, :func:`parse_chinese_number`
* periods: :func:`parse_period`, :class:`Period`
* data: :func:`load_dataset`, :class:`Dataset`, :class:`DataValidationError`, :func:`write_templates`
"""

from .io import DataValidationError, Dataset, load_dataset, write_templates
from .periods import Period, PeriodParseError, parse_period
from .units import Quantity, QuantityParseError, format_quantity, parse_chinese_number, parse_quantity

__version__ = "0.1.0"

__all__ = [
    "DataValidationError",
    "Dataset",
    "load_dataset",
    "write_templates",
    "Period",
    "PeriodParseError",
    "parse_period",
    "Quantity",
    "QuantityParseError",
    "format_quantity",
    "parse_chinese_number",
    "parse_quantity",
    "__version__",
]
