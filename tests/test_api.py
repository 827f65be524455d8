"""The public API is re-exported from analysis/__init__ (QuantEcon style) and every public function documents
itself in numpydoc style, with a Notes or Returns section."""

import inspect

import analysis


def test_all_names_exist():
    missing = [n for n in analysis.__all__ if not hasattr(analysis, n)]
    assert not missing


def test_public_functions_have_numpydoc_docstrings():
    lacking = []
    for name in analysis.__all__:
        obj = getattr(analysis, name)
        if inspect.isfunction(obj):
            doc = inspect.getdoc(obj) or ""
            if "Parameters" not in doc and "Returns" not in doc:
                lacking.append(name)
    assert not lacking, f"public functions without a numpydoc Parameters/Returns section: {lacking}"
