"""Every study notebook runs top to bottom: with its defaults (as in JupyterLab) and, under papermill, on the
synthetic test region's data folder (tests/data/testland: synthetic, made for tests)."""

from pathlib import Path

import nbformat
import papermill as pm
import pytest

from analysis import config

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("[0-9][0-9]-*.ipynb"))
TESTLAND = Path(__file__).parent / "data" / "testland"


def _run(nb_path: Path, out: Path, **params):
    pm.execute_notebook(str(nb_path), str(out), parameters=params, kernel_name="python3", progress_bar=False,
                        cwd=str(config.NOTEBOOKS_DIR))
    return nbformat.read(out, as_version=4)


def _errors(nb) -> list[str]:
    return [o.get("ename", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]


def _glyph_warnings(nb) -> list[str]:
    """Matplotlib's 'Glyph ... missing from font' warnings (Chinese labels drawn as empty boxes)."""
    return [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])
            if o.get("output_type") == "stream" and "missing from" in o.get("text", "")]


def test_there_are_studies():
    assert [p.name for p in NOTEBOOKS][:1] == ["00-dataset-overview.ipynb"]


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_with_defaults(nb_path, tmp_path):
    nb = _run(nb_path, tmp_path / nb_path.name)
    assert not _errors(nb)
    assert not _glyph_warnings(nb), "Chinese text renders as boxes: the packaged CJK font (noto-cjk-sans-otc) was not used"
    tags = [c.metadata.get("tags", []) for c in nbformat.read(nb_path, as_version=4).cells]
    assert any("parameters" in t for t in tags), f"{nb_path.name} has no cell tagged 'parameters'"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_on_test_region(nb_path, tmp_path):
    nb = _run(nb_path, tmp_path / nb_path.name, data_dir=str(TESTLAND))
    assert not _errors(nb)
    assert not _glyph_warnings(nb)
    text = "\n".join(str(o.get("data", {}).get("text/html", "")) + str(o.get("data", {}).get("text/markdown", ""))
                     for c in nb.cells for o in c.get("outputs", []))
    assert "Testland" in text


def _takes(nb_path: Path, name: str) -> bool:
    nb = nbformat.read(nb_path, as_version=4)
    return any(name in c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))


REGIONAL = [p for p in NOTEBOOKS if _takes(p, "regions")]


@pytest.mark.parametrize("nb_path", REGIONAL, ids=[p.stem for p in REGIONAL])
def test_notebook_says_so_for_a_region_without_data(nb_path, tmp_path, nowhere_data):
    """A known region with no data gets a sentence, not a crash (every study that takes `regions`). "Nowhere" is
    named only in the regions table of a copy of the synthetic test region's data, and asked for in lower case."""
    data = nowhere_data
    nb = _run(nb_path, tmp_path / nb_path.name, data_dir=str(data), regions=["nowhere"])
    assert not _errors(nb)
    text = "\n".join(str(o.get("data", {}).get(mime, "")) for c in nb.cells for o in c.get("outputs", [])
                     for mime in ("text/markdown", "text/html"))  # report sections display as HTML
    assert "Nowhere" in text
