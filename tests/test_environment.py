"""Set-up: environment.yml stays in step with pyproject.toml; notebooks are stored without outputs."""

import json
import tomllib

import yaml

from analysis import config


def _pins_pyproject() -> set[str]:
    data = tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = list(data["project"]["dependencies"])
    for extra in data["project"].get("optional-dependencies", {}).values():
        deps += extra
    return {d.replace(" ", "").lower() for d in deps}


def _pins_environment() -> set[str]:
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    return {p.replace(" ", "").lower() for p in pip if not p.startswith("-e")}


def test_environment_yml_matches_pyproject():
    py, env = _pins_pyproject(), _pins_environment()
    assert py == env, f"only in pyproject: {sorted(py - env)}; only in environment.yml: {sorted(env - py)}"


def test_every_pin_is_exact_and_in_the_lock_file():
    lock = {line.strip().lower() for line in (config.PROJECT_ROOT / "requirements-lock.txt").read_text().splitlines()
            if line.strip() and not line.startswith("#")}
    lock = {l.replace("_", "-") for l in lock}
    for pin in _pins_pyproject():
        assert "==" in pin, f"{pin} is not pinned exactly"
        assert pin.replace("_", "-") in lock, f"{pin} differs from requirements-lock.txt"


def test_environment_installs_the_package():
    env = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip
    assert any(str(d).startswith("python=3.1") for d in env["dependencies"])


def test_notebooks_are_stored_without_outputs():
    dirty = []
    for path in sorted(config.NOTEBOOKS_DIR.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count")):
                dirty.append(f"{path.name} cell {i}")
    assert not dirty, "notebooks must be stored without outputs (run `nbstripout` or clear outputs): " + ", ".join(dirty)


def _name(requirement: str) -> str:
    """A distribution's name as pip compares them (PEP 503: lower case, runs of -_. as one -)."""
    import re

    return re.sub(r"[-_.]+", "-", re.split(r"[=<>!~;\[ ]", requirement, maxsplit=1)[0]).lower()


def test_the_lock_file_pins_what_each_locked_package_needs():
    """requirements-lock.txt is closed: every dependency of a locked package (as installed here, markers
    evaluated, no extras) is locked too; e.g. dask and distributed bring cloudpickle, toolz, msgpack, tblib, zict."""
    import importlib.metadata as md

    from packaging.requirements import Requirement

    lock = {_name(l): l.split("==")[1].strip() for l in (config.PROJECT_ROOT / "requirements-lock.txt").read_text()
            .splitlines() if l.strip() and not l.startswith("#")}
    for needed in ("dask", "distributed", "cloudpickle", "toolz", "msgpack", "tblib", "zict", "partd"):
        assert needed in lock, f"requirements-lock.txt: expected a pin of {needed}"
    missing = []
    for name in sorted(lock):
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue  # not installed here (e.g. the benchmark extra)
        for text in dist.requires or []:
            req = Requirement(text)
            if (req.marker is None or req.marker.evaluate({"extra": ""})) and _name(req.name) not in lock:
                missing.append(f"{name} needs {req.name}")
    assert not missing, "requirements-lock.txt: not pinned: " + "; ".join(missing)
