"""Cache keys: content hashes of a report's inputs (notebook, parameters, data, library code).

A report whose key is the one in the manifest, and whose HTML is on disk, is kept rather than rerun.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import config
from .discovery import Study
from .index import TEMPLATE_SUBDIR as INDEX_TEMPLATES

#: Files of the library that make a report: code, templates (nbconvert's and the index's), their styles, data
#: tables shipped with the package. A change to any of them reruns every report.
CODE_SUFFIXES = (".py", ".j2", ".css", ".json", ".yaml")


def value_digest(value) -> str:
    """SHA-256 (hex) of a JSON-able value, independent of key order (a path or date counts as its text)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _tree_hash(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(str(p.name).encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def code_hash() -> str:
    """Hash of the library's code and templates (:data:`CODE_SUFFIXES`; a change reruns every report). The index's
    template is left out: the index is written anew on every run."""
    index = config.PACKAGE_DIR / INDEX_TEMPLATES
    files = [p for p in config.PACKAGE_DIR.rglob("*") if p.is_file() and p.suffix in CODE_SUFFIXES
             and "__pycache__" not in p.parts and index not in p.parents]
    return _tree_hash(files)


def data_hash(data_dir: str | None) -> str:
    """Hash of the files in a data folder (default: the embedded dataset); ``missing:PATH`` when there is none."""
    folder = Path(data_dir) if data_dir else config.DEFAULT_DATA_DIR
    if not folder.is_dir():
        return "missing:" + str(folder)
    return _tree_hash([p for p in folder.iterdir() if p.is_file()])


def job_key(study: Study, params: dict, code: str) -> str:
    """The cache key of one report: its notebook, parameters, data (``data_dir``) and library code (``code``)."""
    h = hashlib.sha256()
    h.update(study.path.read_bytes())
    h.update(value_digest(params).encode())
    h.update(data_hash(params.get("data_dir")).encode())
    h.update(code.encode())
    return h.hexdigest()[:20]
