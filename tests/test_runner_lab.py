"""JupyterLab does not change what the runner publishes (issue 8, item 11).

Lab autosaves: a study edited and saved in place would carry outputs into git and its edited defaults into every
later `make reports`. `make lab` works on copies in lab/ (git-ignored), and the notebooks name the project's kernel.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import config

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))


@pytest.fixture
def make():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    return ["make", "-s", "-C", str(config.PROJECT_ROOT)]


def test_make_lab_copies_the_studies_once_and_keeps_edited_copies(make, tmp_path):
    lab = tmp_path / "lab"
    subprocess.run([*make, "lab-copies", f"LAB_DIR={lab}"], check=True, capture_output=True)
    assert sorted(p.name for p in lab.iterdir()) == [p.name for p in NOTEBOOKS]
    assert all((lab / p.name).read_bytes() == p.read_bytes() for p in NOTEBOOKS)
    edited, removed = lab / NOTEBOOKS[0].name, lab / NOTEBOOKS[-1].name
    edited.write_text('{"synthetic": "a user\'s edits"}', encoding="utf-8")
    removed.unlink()
    out = subprocess.run([*make, "lab-copies", f"LAB_DIR={lab}"], check=True, capture_output=True, text=True).stdout
    assert edited.read_text(encoding="utf-8") == '{"synthetic": "a user\'s edits"}'  # never overwritten
    assert removed.read_bytes() == NOTEBOOKS[-1].read_bytes()  # deleting a copy gives a fresh one
    assert f"{edited}: kept, differs from notebooks/{edited.name}" in out


def test_make_lab_opens_jupyterlab_on_the_copies_in_a_git_ignored_folder(make):
    dry = subprocess.run([*make, "-n", "lab"], check=True, capture_output=True, text=True).stdout
    assert re.search(r"jupyter lab --notebook-dir=lab\s*$", dry, re.MULTILINE), dry
    if shutil.which("git") is None or not (config.PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout: cannot ask git what it ignores")
    ignored = subprocess.run(["git", "check-ignore", "-q", "lab/01-investment-growth.ipynb"], cwd=config.PROJECT_ROOT)
    assert ignored.returncode == 0, "lab/ must be ignored by git"


def _makefile_kernel() -> tuple[str, str]:
    text = (config.PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    m = re.search(r'ipykernel install --sys-prefix --name (\S+)\s*\\?\s*--display-name "([^"]+)"', text)
    assert m, "the Makefile installs no kernelspec"
    return m[1], m[2]


def test_the_studies_name_the_kernel_that_make_installs():
    name, display = _makefile_kernel()
    assert (name, display) == ("investment-notebooks", "Python (investment notebooks)")
    for path in NOTEBOOKS:
        spec = nbformat.read(path, as_version=4).metadata["kernelspec"]
        assert (spec["name"], spec["display_name"]) == (name, display), path.name


def test_jupyterlab_of_the_environment_finds_the_projects_kernel():
    if not (Path(sys.prefix) / ".installed").exists():
        pytest.skip("not the Makefile's environment (.venv): the kernelspec is installed by `make setup`")
    from jupyter_client.kernelspec import KernelSpecManager

    name, display = _makefile_kernel()
    spec = KernelSpecManager().get_kernel_spec(name)  # what `jupyter lab` of this environment lists
    assert spec.display_name == display
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve()  # the kernel runs this environment
