"""Jobs: the parameter sets asked for (command line, grid file) × the selected studies, all checked first."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import config
from .cache import value_digest
from .discovery import Study, check_parameters
from .exceptions import RunnerError

#: What a report says about itself, from the record its study emits (``analysis.reporting.REPORT_MIMETYPE``):
#: kept on the job and in the manifest, shown on the index. A study that emits no record (or an older one without
#: some of them) leaves them None.
RECORD_FIELDS = ("title", "question", "first_finding", "fingerprint", "data_source")


@dataclass
class Job:
    """One report: a study with one full parameter set, and what became of it (the manifest keeps a row of it)."""

    study: str
    params: dict
    slug: str
    key: str = ""                 # content hash of notebook + parameters + data + library code
    status: str = "pending"       # what the report is: ok or failed (pending before it runs)
    seconds: float = 0.0          # run time of the build that made it
    built: str | None = None      # when that build ran (ISO time)
    warnings: int = 0             # warnings that build wrote to run.log (never into the report)
    unchanged: bool = False       # this run kept the report as it was (inputs unchanged); not in the manifest
    error: str | None = None
    failed_cell: int | None = None
    html: str | None = None
    notebook: str | None = None
    title: str | None = None          # the report's title, question and first key finding (RECORD_FIELDS)
    question: str | None = None
    first_finding: str | None = None
    fingerprint: str | None = None    # of the data the report read, and where that data came from
    data_source: str | None = None
    built_with: str | None = None  # package version and commit that produced the report
    extra: dict = field(default_factory=dict)


def _slug(study: str, params: dict, defaults: dict) -> str:
    """The report's name: the study's, plus the parameters that differ from its defaults and a digest of them."""
    changed = {k: v for k, v in sorted(params.items()) if defaults.get(k) != v}
    if not changed:
        return study
    text = "-".join(f"{k}={v}" for k, v in changed.items())
    text = re.sub(r"[^A-Za-z0-9._=-]+", "_", text)[:60]
    return f"{study}--{text}-{value_digest(changed)[:8]}"


def plan_jobs(studies: dict[str, Study], selected: list[str] | None, grid: list[dict]) -> list[Job]:
    """Jobs for the selected studies (all by default) × each parameter set of the grid, all validated first.

    A parameter set applies to every selected study that declares its parameters; a parameter that no selected
    study declares is an error, and so is a value of the wrong type.
    """
    names = selected or list(studies)
    unknown = [n for n in names if n not in studies]
    if unknown:
        raise RunnerError(f"unknown study {', '.join(unknown)}; available: {', '.join(studies)}")
    declared = set().union(*(studies[n].parameters for n in names))
    jobs = []
    for params in (_resolve_paths(g) for g in grid or [{}]):
        stray = sorted(set(params) - declared)
        if stray:
            raise RunnerError(f"unknown parameter(s) {', '.join(stray)}: no selected study declares them "
                              f"(declared: {', '.join(sorted(declared))})")
        for name in names:
            study = studies[name]
            full = check_parameters(study, {k: v for k, v in params.items() if k in study.parameters})
            defaults = {k: v["default"] for k, v in study.parameters.items()}
            jobs.append(Job(study=name, params=full, slug=_slug(name, full, defaults)))
    seen, unique = set(), []
    for j in jobs:  # a grid over one study's parameter repeats the others' default runs: keep one of each
        if j.slug not in seen:
            seen.add(j.slug)
            unique.append(j)
    return unique


#: Parameters that name files or folders: a relative path is read from the project folder (config.PROJECT_ROOT),
#: as the notebooks read it in JupyterLab and papermill, whatever folder the runner is started from; each is
#: made absolute and checked to exist before anything runs.
PATH_PARAMETERS = ("data_dir", "actual_dates")


def _resolve_paths(params: dict) -> dict:
    """``params`` with each path parameter made absolute by :func:`config.project_path`.

    Raises
    ------
    RunnerError
        When a path names nothing: the message gives the absolute path tried and the rule, and says so when the
        path exists relative to the current folder instead.
    """
    out = dict(params)
    for name in PATH_PARAMETERS:
        value = out.get(name)
        if isinstance(value, str) and value:
            path = config.project_path(value)
            if not path.exists():
                raise RunnerError(config.missing_path_message(name, value))
            out[name] = str(path)
    return out


def load_grid(path: Path | None, cli_params: dict) -> list[dict]:
    """Parameter sets from a YAML config (``grid:`` of lists, expanded as a product; or ``runs:`` a list of sets),
    with command-line ``--param`` values applied to each."""
    sets = [{}]
    if path:
        cfg = _dates_as_text(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})
        if not isinstance(cfg, dict) or not ({"grid", "runs"} & set(cfg)):
            raise RunnerError(f"{path}: expected a mapping with 'grid' (name: [values]) and/or 'runs' (list of sets)")
        sets = []
        if "grid" in cfg:
            grid = cfg["grid"]
            if not isinstance(grid, dict) or not all(isinstance(v, list) for v in grid.values()):
                raise RunnerError(f"{path}: 'grid' must map each parameter to a list of values")
            keys = list(grid)
            sets += [dict(zip(keys, combo)) for combo in itertools.product(*grid.values())]
        if "runs" in cfg:
            if not isinstance(cfg["runs"], list) or not all(isinstance(r, dict) for r in cfg["runs"]):
                raise RunnerError(f"{path}: 'runs' must be a list of parameter mappings")
            sets += cfg["runs"]
    return [{**s, **cli_params} for s in sets]


def _dates_as_text(value):
    """YAML reads 2023-08-31 as a date; studies take dates as ISO strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    return value


def _parse_cli_param(text: str) -> tuple[str, object]:
    if "=" not in text:
        raise RunnerError(f"--param takes name=value, got {text!r}")
    k, v = text.split("=", 1)
    return k.strip(), _dates_as_text(yaml.safe_load(v)) if v.strip() else ""
