"""``python -m analysis.runner``: the ``investment-reports`` command."""

import sys

from . import main

sys.exit(main())
