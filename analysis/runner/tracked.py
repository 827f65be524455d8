"""The studies kept in git: refuse one saved with outputs, warn about an edited ``parameters`` cell; the commit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .. import config
from .discovery import Study, _parameters_source, _read_json, parse_parameters
from .exceptions import RunnerError


def check_study_files(studies: dict[str, Study], notebooks_dir: Path) -> list[str]:
    """Refuse a study kept in git that carries outputs; warn about a ``parameters`` cell that differs from git HEAD.

    A study saved from JupyterLab carries outputs (which must not go into git) and may carry edited defaults,
    which every later run would publish. ``make lab`` opens working copies in ``lab/`` instead; this check catches
    a study edited in place. Without git, the project's own ``notebooks/`` folder counts as tracked (and there is
    no committed version to compare with).

    Parameters
    ----------
    studies : dict of Study
        From :func:`discover`.
    notebooks_dir : path
        Their folder.

    Returns
    -------
    list of str
        One warning per study whose parameters cell differs from the committed version.

    Raises
    ------
    RunnerError
        When a tracked study carries outputs, naming the file and the command that clears them.
    """
    folder = Path(notebooks_dir).resolve()
    top = _git(["rev-parse", "--show-toplevel"], folder)
    top = Path(top.strip()).resolve() if top else None
    paths = {s.path.resolve(): s for s in studies.values()}
    if any(s.outputs for s in studies.values()):
        if top is None:
            tracked = set(paths) if folder == config.NOTEBOOKS_DIR.resolve() else set()
        else:
            tracked = _git_paths(["ls-files", "--full-name", "-z", "--", "."], folder, top)
        dirty = [s for p, s in paths.items() if s.outputs and p in tracked]
        if dirty:
            jupyter = Path(sys.executable).with_name("jupyter")
            jupyter = _shown(jupyter) if jupyter.exists() else "jupyter"
            raise RunnerError("\n".join(
                [f"{_shown(s.path)} is kept in git and carries outputs in {s.outputs} code cell(s)" for s in dirty]
                + ["A study saved after running (e.g. from JupyterLab) must not go into git with its outputs, and is "
                   "not run until they are cleared. Clear them with:"]
                + [f"  {jupyter} nbconvert --clear-output --inplace {_shown(s.path)}" for s in dirty]
                + ["or restore the committed version with `git checkout HEAD -- FILE`. In JupyterLab, work on the "
                   "copies that `make lab` makes in lab/ (not kept in git)."]))
    if top is None:
        return []
    changed = _git_paths(["diff", "--name-only", "-z", "HEAD", "--", "."], folder, top)
    warnings = []
    for path in sorted(set(paths) & changed):
        study = paths[path]
        committed = _git(["show", f"HEAD:{path.relative_to(top).as_posix()}"], top)
        if committed is None:
            continue  # not committed yet: nothing to compare with
        try:
            old_source = _parameters_source(json.loads(committed), path.name)
            new_source = _parameters_source(_read_json(path), path.name)
            old = parse_parameters(old_source, path.name)
        except (ValueError, RunnerError):
            continue
        if old_source == new_source:
            continue
        now = {k: v["default"] for k, v in study.parameters.items()}
        edits = [f"{k} = {now[k]!r} (committed: {old[k]['default']!r})" for k in now
                 if k in old and now[k] != old[k]["default"]]
        edits += [f"{k} is new" for k in study.parameters if k not in old]
        edits += [f"{k} was removed" for k in old if k not in study.parameters]
        warnings.append(
            f"{_shown(study.path)}: its parameters cell differs from the committed version (git HEAD)"
            + (f": {'; '.join(edits)}" if edits else " (comments or layout only)")
            + ". These reports use it as it is now. If that is not meant (a study saved from JupyterLab), restore it "
              f"with `git checkout HEAD -- {_shown(study.path)}` and edit the copies in lab/ (`make lab`); "
              "otherwise commit the change.")
    return warnings


def _git(args: list[str], cwd: Path) -> str | None:
    """Output of a git command run in ``cwd``; None when git is missing, fails, or ``cwd`` is not in a work tree."""
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, encoding="utf-8", timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def _git_paths(args: list[str], cwd: Path, top: Path) -> set[Path]:
    """The files a git command lists (``-z``, paths relative to the work tree's top ``top``), made absolute."""
    return {(top / f).resolve() for f in (_git(args, cwd) or "").split("\0") if f}


def _shown(path: Path) -> str:
    """A path as the user can type it: relative to the working directory when below it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _git_commit() -> str:
    """The project's commit as ``git describe`` names it (``-dirty`` with uncommitted changes), else ``unknown``."""
    return (_git(["describe", "--always", "--dirty", "--abbrev=7"], config.PROJECT_ROOT) or "").strip() or "unknown"
