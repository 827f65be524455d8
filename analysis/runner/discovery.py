"""Discovery and parameters: the studies in a folder, their ``parameters`` cells, declared types, ``--list``.

Reading the notebook's JSON directly (not through papermill) keeps an unchanged rerun free of heavy imports.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from .. import config
from .exceptions import RunnerError

_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "None": type(None), "list": list, "dict": dict,
          "Path": os.PathLike, "List": list, "Dict": dict}


#: Types of the parameters the studies share (``analysis.params.check_study_params`` validates their values). A
#: parameter's type comes from an annotation in its cell (``top_k: int = 3``), else from this table, else from
#: its default (a ``None`` default takes any value: the study checks it). A default edited in JupyterLab (say
#: ``regions = "Taizhou"``) therefore never makes a list of regions a type error.
SHARED_PARAMETER_TYPES = {
    "data_dir": "str | Path | None",
    "regions": "str | list[str] | None",
    "period": "str | int | None",
    "as_of": "str | None",
    "actual_dates": "str | Path | None",
}


@dataclass(frozen=True)
class Study:
    """A study notebook as :func:`discover` finds it."""

    name: str          # e.g. 01-investment-growth
    path: Path
    parameters: dict   # name -> {"default": python value, "type": type expression, "help": comment above it}
    outputs: int = 0   # code cells that carry outputs or an execution count (a notebook saved after running)
    code_cells: int = 0  # its code cells: the runner's estimate of its length when no earlier run timed it


def discover(notebooks_dir: Path | None = None) -> dict[str, Study]:
    """The studies in ``notebooks_dir`` (``NN-name.ipynb``), in run order, with their declared parameters."""
    studies = {}
    for path in sorted(Path(notebooks_dir or config.NOTEBOOKS_DIR).glob("[0-9][0-9]-*.ipynb")):
        nb = _read_json(path)
        studies[path.stem] = Study(path.stem, path, parse_parameters(_parameters_source(nb, path.name), path.name),
                                   _cells_with_outputs(nb),
                                   sum(c.get("cell_type") == "code" for c in nb.get("cells", [])))
    return studies


def _read_json(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError as e:
        raise RunnerError(f"{Path(path).name} is not a readable notebook (invalid JSON: {e})") from None


def _cells_with_outputs(nb: dict) -> int:
    return sum(1 for c in nb.get("cells", [])
               if c.get("cell_type") == "code" and (c.get("outputs") or c.get("execution_count") is not None))


def _parameters_source(nb: dict, name: str) -> str:
    cells = [c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise RunnerError(f"{name} has no cell tagged 'parameters'")
    return "".join(cells[0]["source"]) if isinstance(cells[0]["source"], list) else cells[0]["source"]


def notebook_parameters(path: Path) -> dict:
    """Names, defaults, types and help declared in a notebook's cell tagged ``parameters``.

    Reading the JSON directly keeps an unchanged rerun free of papermill's start-up. See :func:`parse_parameters`.

    Raises
    ------
    RunnerError
        When the notebook has no cell tagged ``parameters`` or the cell is not valid Python.
    """
    return parse_parameters(_parameters_source(_read_json(path), Path(path).name), Path(path).name)


def parse_parameters(source: str, name: str = "the notebook") -> dict:
    """Read a ``parameters`` cell with :mod:`ast`, as papermill reads it.

    Parameters
    ----------
    source : str
        The cell's code: ``name = literal`` or ``name: type = literal`` lines, each with its help in the comment
        line(s) directly above it.
    name : str
        The notebook's file name, for messages.

    Returns
    -------
    dict
        Parameter name → ``{"default": value, "type": type expression, "help": text}``. The type is the
        annotation, else :data:`SHARED_PARAMETER_TYPES`, else the default's type (``"None"``: any value).

    Raises
    ------
    RunnerError
        When the cell is not valid Python.
    """
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise RunnerError(f"{name}: the parameters cell is not valid Python ({e})") from None
    lines = source.splitlines()
    params = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            pname, value, annotation = node.targets[0].id, node.value, None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            pname, value, annotation = node.target.id, node.value, ast.unparse(node.annotation)
        else:
            continue
        try:
            default = ast.literal_eval(value)
        except ValueError:
            default = ast.unparse(value)
        declared = annotation or SHARED_PARAMETER_TYPES.get(pname) or (
            "None" if default is None else type(default).__name__)
        params[pname] = {"default": default, "type": declared, "help": _comment_above(lines, node.lineno)}
    return params


def _comment_above(lines: list[str], lineno: int) -> str:
    """The comment lines directly above line ``lineno`` (1-based), joined into one text."""
    block = []
    i = lineno - 2
    while i >= 0 and lines[i].lstrip().startswith("#"):
        block.append(lines[i].lstrip().lstrip("#").strip())
        i -= 1
    return " ".join(reversed(block)).strip()


def check_parameters(study: Study, params: dict) -> dict:
    """Validate ``params`` against the study's ``parameters`` cell; return them merged over the defaults.

    Raises
    ------
    RunnerError
        For an unknown parameter or a value whose type is not the declared one (see :func:`parse_parameters`;
        ``None`` is always accepted, ``float`` accepts int, a bool is not a number).
    """
    unknown = sorted(set(params) - set(study.parameters))
    if unknown:
        raise RunnerError(f"study {study.name}: unknown parameter(s) {', '.join(unknown)}; "
                          f"it takes {', '.join(study.parameters) or 'none'}")
    for name, value in params.items():
        declared = study.parameters[name]["type"]
        if not _accepts(declared, value):
            raise RunnerError(f"study {study.name}: parameter {name} must be {_type_label(declared)} "
                              f"(default {study.parameters[name]['default']!r}), got {type(value).__name__} {value!r}")
    return {**{k: v["default"] for k, v in study.parameters.items()}, **params}


def _type_label(declared: str) -> str:
    return "any value" if _alternatives(declared) is None else declared


def _alternatives(declared: str) -> list[tuple[type, type | None]] | None:
    """The (type, item type) pairs a type expression allows (``str | list[str] | None``, ``Optional[int]``);
    None when it allows anything (``None``, or an expression the runner does not know: the study checks it)."""
    import ast

    if declared in ("None", "NoneType", "Any", "any"):
        return None
    try:
        tree = ast.parse(declared, mode="eval").body
    except SyntaxError:
        return None

    def walk(node):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return walk(node.left) + walk(node.right)
        if isinstance(node, ast.Constant) and node.value is None:
            return [(type(None), None)]
        if isinstance(node, ast.Name) and node.id in _TYPES:
            return [(_TYPES[node.id], None)]
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if node.value.id in ("Optional", "Union"):
                none = [(type(None), None)] if node.value.id == "Optional" else []
                return [a for n in inner for a in walk(n)] + none
            if node.value.id in ("list", "List") and len(inner) == 1:
                item = walk(inner[0])
                return [(list, item[0][0] if len(item) == 1 else None)]
        raise ValueError(ast.unparse(node))

    try:
        return walk(tree)
    except ValueError:
        return None


def _accepts(declared: str, value) -> bool:
    """Whether ``value`` is of the declared type (``None`` always is: the study's own default behaviour)."""
    alternatives = _alternatives(declared)
    return value is None or alternatives is None or any(_matches(t, item, value) for t, item in alternatives)


def _matches(t: type, item: type | None, value) -> bool:
    if isinstance(value, bool):
        return t is bool  # a bool is not a number
    if t is float:
        return isinstance(value, (int, float))
    if t is list:
        if isinstance(value, list):
            return item is None or all(v is not None and _matches(item, None, v) for v in value)
        return isinstance(value, str) and item is None  # a bare list default also takes a comma-separated string
    return isinstance(value, t)


def list_studies(studies: dict[str, Study], width: int = 100) -> str:
    """The studies and, for each parameter, its type, default and help (the comment above it in the cell)."""
    import textwrap

    lines = []
    for s in studies.values():
        lines.append(s.name)
        for k, v in s.parameters.items():
            lines.append(f"    {k}: {_type_label(v['type'])} = {v['default']!r}")
            lines += textwrap.wrap(v.get("help") or "(no help: no comment above it in the parameters cell)", width,
                                   initial_indent=" " * 8, subsequent_indent=" " * 8, break_on_hyphens=False)
    return "\n".join(lines) + "\n"
