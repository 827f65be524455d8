"""JupyterLab does not change what the runner publishes (issue 8, item 11).

Lab autosaves: a study edited and saved in place would carry outputs into git and its edited defaults into every
later `make reports`. `make lab` works on copies in lab/ (git-ignored); the runner refuses a tracked study with
outputs and warns about a parameters cell that differs from git HEAD; the notebooks name the project's kernel.
The studies used here are copies of the tiny synthetic study (tests/data/notebooks/01-tiny.ipynb) in a throwaway
git repository.
"""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from analysis import config, runner

TINY = Path(__file__).parent / "data" / "notebooks" / "01-tiny.ipynb"
NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=tests", "-c", "user.email=tests@example.invalid", *args], cwd=repo,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    """A git repository holding one committed study, notebooks/01-tiny.ipynb, without outputs."""
    root = tmp_path / "project"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(TINY, root / "notebooks" / TINY.name)
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "synthetic study")
    return root


def _save_as_lab_would(path: Path, **defaults: str) -> None:
    """Give the study outputs and execution counts, and optionally new defaults, as saving in Lab after a run does."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="output saved by Lab (synthetic)\n")]
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = "\n".join(f"{l.split(' =')[0]} = {defaults[l.split(' =')[0]]}" if l.split(" =")[0] in defaults
                                    else l for l in cell.source.splitlines())
    nbformat.write(nb, path)


@needs_git
def test_a_tracked_study_with_outputs_is_refused_with_the_command_that_clears_it(repo, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(repo)
    study = repo / "notebooks" / "01-tiny.ipynb"
    _save_as_lab_would(study)
    reports = tmp_path / "reports"
    assert runner.main(["--notebooks", "notebooks", "-o", str(reports), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "notebooks/01-tiny.ipynb is kept in git and carries outputs in 3 code cell(s)" in err
    assert not (reports / "index.html").exists()
    shutil.copy(TINY, repo / "notebooks" / "02-other.ipynb")  # a run of another study is not held up by this one
    assert runner.main(["--notebooks", "notebooks", "02-other", "-o", str(reports), "--no-progress"]) == 0
    (repo / "notebooks" / "02-other.ipynb").unlink()
    capsys.readouterr()
    command = next(l for l in err.splitlines() if "nbconvert --clear-output --inplace" in l)
    subprocess.run(shlex.split(command), cwd=repo, check=True, capture_output=True)  # the command it gives works
    assert runner.main(["--notebooks", "notebooks", "-o", str(reports), "--no-progress"]) == 0
    assert "warning" not in capsys.readouterr().err  # cleared: the same as the committed version again
    assert _git(repo, "status", "--porcelain") == ""


def test_an_untracked_working_copy_with_outputs_runs(tmp_path):
    """Copies outside git (e.g. lab/ run on purpose with --notebooks lab) may carry outputs: they go nowhere."""
    lab = tmp_path / "lab"
    lab.mkdir()
    shutil.copy(TINY, lab / TINY.name)
    _save_as_lab_would(lab / TINY.name)
    assert runner.run(reports_dir=tmp_path / "reports", notebooks_dir=lab, progress=False) == 0


def test_without_git_the_projects_own_notebooks_count_as_tracked(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(TINY, folder / TINY.name)
    _save_as_lab_would(folder / TINY.name)
    monkeypatch.setattr(runner.tracked, "_git", lambda args, cwd: None)  # as on a machine without git
    monkeypatch.setattr(config, "NOTEBOOKS_DIR", folder)
    with pytest.raises(runner.RunnerError, match="01-tiny.ipynb is kept in git and carries outputs"):
        runner.run(reports_dir=tmp_path / "reports", progress=False)


@needs_git
def test_an_edited_parameters_cell_is_reported_loudly(repo, tmp_path, capsys):
    study = repo / "notebooks" / "01-tiny.ipynb"
    reports = tmp_path / "reports"
    assert runner.run(reports_dir=reports, notebooks_dir=repo / "notebooks", progress=False) == 0
    assert "warning" not in capsys.readouterr().err
    _save_as_lab_would(study, label='"Taizhou"')
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--clear-output", "--inplace", str(study)],
                   check=True, capture_output=True)  # outputs cleared, the edited default kept
    assert runner.run(reports_dir=reports, notebooks_dir=repo / "notebooks", progress=False) == 0
    err = capsys.readouterr().err
    assert "01-tiny.ipynb: its parameters cell differs from the committed version (git HEAD)" in err
    assert "label = 'Taizhou' (committed: 'plain')" in err and "git checkout HEAD --" in err
    assert "label = 'Taizhou' (committed: 'plain')" in (reports / "run.log").read_text(encoding="utf-8")


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
