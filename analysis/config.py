"""Paths of the project, in one place (cookiecutter-data-science style).

Every path the package uses comes from here. Two environment variables override the defaults:

``ANALYSIS_SEEDS_DIR``
    Folder of the five source documents (default: ``../shared/seeds`` beside the project).
``ANALYSIS_REPORTS_DIR``
    Where the runner publishes HTML reports (default: ``reports/``).

Relative paths given as study parameters (``data_dir``, ``actual_dates``) are read from the project folder
(:data:`PROJECT_ROOT`, the folder holding README.md), wherever the notebook or the runner is started from:
:func:`project_path` applies that rule, :func:`missing_path_message` says what was tried when nothing is there.
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
TABLES = ("documents", "observations", "funds", "equity_stakes", "projects", "milestones", "regions")

#: How the rule for relative path parameters is stated in messages.
RELATIVE_PATH_RULE = "relative paths are read from the project folder"


def project_path(value: str | os.PathLike) -> Path:
    """The absolute path a path parameter names: ``~`` expanded, a relative path read from :data:`PROJECT_ROOT`.

    The same rule holds in JupyterLab, in papermill and in the runner, whatever the working directory (a
    notebook's kernel runs in its own folder, the runner in the caller's).

    Parameters
    ----------
    value : str or path-like
        The path as the user wrote it.

    Returns
    -------
    pathlib.Path
        Absolute (not checked to exist).
    """
    path = Path(value).expanduser()
    return (path if path.is_absolute() else PROJECT_ROOT / path).resolve()


def missing_path_message(name: str, value: str | os.PathLike, what: str = "file or folder") -> str:
    """The error for a path parameter that names nothing: the absolute path tried and the rule.

    When the path exists relative to the current working directory (but not to the project folder), the
    message says so and suggests the absolute path.

    Parameters
    ----------
    name : str
        The parameter, e.g. ``data_dir``.
    value : str or path-like
        The path as the user wrote it.
    what : str
        What was expected there ("folder", "file").

    Returns
    -------
    str
    """
    tried = project_path(value)
    msg = f"parameter {name}: {what} {tried} does not exist ({value!r} was given; {RELATIVE_PATH_RULE} {PROJECT_ROOT})"
    here = Path(value).expanduser()
    if not here.is_absolute() and here.exists():
        msg += (f"; {value!r} does exist in the current folder {Path.cwd()}: to use it, give its absolute path "
                f"{here.resolve()}")
    return msg
