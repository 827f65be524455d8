"""Paths of the project, in one place (cookiecutter-data-science style).

Every path the package uses comes from here. Two environment variables override the defaults:

``ANALYSIS_SEEDS_DIR``
    Folder of the five source documents (default: ``../shared/seeds`` beside the project).
``ANALYSIS_REPORTS_DIR``
    Where the runner publishes HTML reports (default: ``reports/``).
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent

DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DATA_DIR = DATA_DIR / "default"
TEMPLATES_DIR = DATA_DIR / "templates"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = Path(os.environ.get("ANALYSIS_REPORTS_DIR", PROJECT_ROOT / "reports"))
SEEDS_DIR = Path(os.environ.get("ANALYSIS_SEEDS_DIR", PROJECT_ROOT.parent / "shared" / "seeds"))

#: The tables of a dataset, in the order they are loaded and validated.
TABLES = ("documents", "observations", "funds", "equity_stakes", "projects", "milestones")
