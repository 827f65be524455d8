"""The index page of the reports (``reports/index.html``), rendered from ``analysis/templates/index/``.

Jinja2 (which nbconvert ships) renders the template with autoescaping on, so every string from data, parameters,
errors or a study's record is escaped. A row per report: its title, question and first key finding (from the
record the study emits; a study without one shows its name), parameters, status and when it was built.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .. import config

if TYPE_CHECKING:
    from .jobs import Job

#: The folder of the index's template (``index.html.j2``) and its style sheet (``index.css``, inlined). The index
#: is written anew on every run, so these are not inputs of a report (:func:`analysis.runner.cache.code_hash`).
TEMPLATE_SUBDIR = Path("templates", "index")  # in the package
TEMPLATE_DIR = config.PACKAGE_DIR / TEMPLATE_SUBDIR


def _row(job: Job) -> dict:
    """What the template shows of one report (its strings are escaped by the template, not here)."""
    return {
        "job": job,
        "title": job.title or job.study,
        "params": [(name, repr(value)) for name, value in sorted(job.params.items())],
        "built": (job.built or "").replace("T", " "),
        "seconds": f"{job.seconds:.1f}",
    }


def render_index(jobs: list[Job], meta: dict) -> str:
    """The index page as HTML.

    Parameters
    ----------
    jobs : list of Job
        The reports to list, in order.
    meta : dict
        ``generated`` (ISO time), ``version`` (the package's) and ``commit`` of this run.

    Returns
    -------
    str
        A self-contained page (inline style, no script, no request outside the file).
    """
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("index.html.j2").render(
        rows=[_row(j) for j in jobs], meta=meta, n_ok=sum(j.status != "failed" for j in jobs), n=len(jobs))


def write_index(jobs: list[Job], path: Path, meta: dict) -> None:
    """Write :func:`render_index` to ``path`` (the runner itself writes it by an atomic rename)."""
    Path(path).write_text(render_index(jobs, meta), encoding="utf-8")
