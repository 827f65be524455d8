"""The domain library for ad hoc use (JupyterLab): result objects print as a short rounded summary, public functions
have real type hints, a figure handed over as text says to use parse_quantity, and the docstrings cite the
project's own codebook. Every input here is synthetic (made up for the test) unless it says it is a document's
figure; expected values are worked out by hand in the test."""

from __future__ import annotations

import inspect
import re
import typing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis import funds, growth, params, periods, stats, targets
from analysis.results import Result

ROOT = Path(__file__).resolve().parents[1]


def _results() -> dict[str, Result]:
    """One of each result object, from synthetic inputs."""
    ds = analysis.load_dataset(ROOT / "tests" / "data" / "testland")
    return {
        "GrowthResult": growth.decompose_growth(20.75, 42.45),
        "GrowthResult (Series)": growth.decompose_growth(pd.Series([7.2, 13.55]), pd.Series([44.91, 41.16])),
        "ComponentCheck": growth.check_components(20.75, 42.45, {"a": 7.2, "b": 13.55}, {"a": 44.91, "b": 41.16}),
        "BoundedBase": growth.implied_base_bound(analysis.parse_quantity("近200亿元"), analysis.parse_quantity("增长7倍多")),
        "BoundedValue": funds.bounded_ratio(5645000000.0, 2900000000.0, "just_under", "exact"),
        "PaceGap": targets.pace_gap(45.0, 100.0, "2022-06-30", "2022"),
        "PaceGap (Series)": targets.pace_gap(pd.Series([45.0, 60.0]), pd.Series([100.0, 100.0]), "2022-06-30", "2022"),
        "YearEndProjection": targets.project_year_end(45.0, "2022-06-30", "2022", target=100.0),
        "Ambition": targets.ambition(105.0, 100.0),
        "StageFunnel": targets.stage_funnel(ds.projects),
        "TrendGrowthResult": stats.trend_growth([100.0, 112.0, 125.0, 141.0, 158.0]),
        "ActualOnTargetResult": stats.actual_on_target([1.0, 2.0, 3.2, 4.0, 5.1, 6.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
        "BunchingResult": stats.bunching(np.linspace(0.92, 1.08, 12) * 100, [100.0] * 12),
    }


RESULTS = _results()


@pytest.mark.parametrize("name", list(RESULTS))
def test_result_prints_as_a_short_rounded_summary(name):
    res = RESULTS[name]
    text = repr(res)
    assert text == res.summary() == str(res)
    assert text.startswith(type(res).__name__ + ": ")
    assert len(text.splitlines()) <= 6, text
    assert "DataFrame" not in text and "dtype" not in text and "\n0 " not in text  # no frame dumped inside
    assert not re.search(r"\d\.\d{5,}", text), f"unrounded number in {text!r}"


def test_growth_summary_numbers_are_the_hand_computed_ones():
    # 20.75 / 1.4245 = 14.5665...; 20.75 - 14.5665 = 6.1835
    assert RESULTS["GrowthResult"].summary() == (
        "GrowthResult: level 20.75 growing +42.45 % from a base of 14.57\n"
        "  increment 6.18, ratio 1.4245× (level / base)")


def test_component_check_summary_says_consistent_and_names_components():
    # implied growth: (7.2 + 13.55) / (7.2/1.4491 + 13.55/1.4116) - 1 = 20.75 / 14.5677... - 1 = 42.44 %
    text = RESULTS["ComponentCheck"].summary()
    lines = text.splitlines()
    assert lines[0] == "ComponentCheck: consistent"
    assert lines[1].startswith("  level sum: implied 20.75 vs reported 20.75")
    assert lines[2].startswith("  growth rate: implied 42.44 % vs reported 42.45 %")
    assert lines[3] == "  2 components: a, b (.components; .checks, .verdict)"
    assert RESULTS["ComponentCheck"].checks.shape == (2, 6)  # the fields are all still there


def test_bounded_base_summary_says_the_direction():
    # 近200亿元 / (1 + 7) = 25亿元, an upper bound (more than ×8 growth makes the base smaller still)
    assert RESULTS["BoundedBase"].summary().splitlines()[0] == (
        "BoundedBase: 2,500,000,000 (an upper bound: the true base is at most this)")


def test_pace_gap_summary():
    # time progress at 2022-06-30: 181 of 365 days = 49.59 %; gap 45 - 49.59 = -4.59 pp
    assert RESULTS["PaceGap"].summary() == ("PaceGap: -4.6 pp (behind the pace), 2022 as of 2022-06-30 (days)\n"
                                            "  attainment 45.0 % against time progress 49.6 %")


def test_regression_summaries_keep_the_fitted_model():
    res = RESULTS["ActualOnTargetResult"]
    assert res.summary().splitlines()[0] == "ActualOnTargetResult: actual = a + b target"
    assert hasattr(res.results, "params")
    assert "warning: only 3 observations" in repr(stats.trend_growth([100.0, 112.0, 125.0]))


# --- a figure as text ---------------------------------------------------------------------------------------

TEXT_CALLS = {
    "yoy_growth": lambda: growth.yoy_growth("增长7倍多", 1.0),
    "implied_base": lambda: growth.implied_base("20.75亿元", 42.45),
    "growth_from_times": lambda: growth.growth_from_times("增长7倍多"),
    "implied_base_bound": lambda: growth.implied_base_bound("20.75亿元", 42.45),
    "cagr": lambda: growth.cagr(["20.75亿元"], [30.0], 2),
    "leverage": lambda: funds.leverage("56.45亿元", 2.9e9),
    "paid_in_ratio (Series)": lambda: funds.paid_in_ratio(pd.Series(["15亿元"]), pd.Series([2.9e9])),
    "attainment": lambda: targets.attainment("51.7亿元", 100.0),
    "ambition": lambda: targets.ambition(105.0, "增长7倍多"),
    "trend_growth": lambda: stats.trend_growth([1.0, 2.0, "增长7倍多"]),
    "bunching": lambda: stats.bunching(["增长7倍多"], [1.0]),
}


@pytest.mark.parametrize("call", list(TEXT_CALLS))
def test_a_figure_as_text_says_to_use_parse_quantity(call):
    with pytest.raises(ValueError, match=r"analysis\.parse_quantity\('(增长7倍多|20\.75亿元|56\.45亿元|15亿元|51\.7亿元)'\)"):
        TEXT_CALLS[call]()


def test_plain_numeric_text_still_reads_where_it_did():
    # check_components reads reported figures as text to keep trailing zeros (synthetic figures)
    assert growth.check_components("20.75", "42.45", ["7.2", "13.55"], ["44.91", "41.16"]).ok


# --- type hints ------------------------------------------------------------------------------------------------

MODULES = [growth, funds, targets, stats, periods, params]


def _public_functions():
    for mod in MODULES:
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                yield f"{mod.__name__}.{name}", obj


@pytest.mark.parametrize("name,fn", list(_public_functions()), ids=[n for n, _ in _public_functions()])
def test_public_function_has_real_type_hints(name, fn):
    sig = inspect.signature(fn)
    for p in sig.parameters.values():
        assert p.annotation is not inspect.Parameter.empty, f"{name}: parameter {p.name} has no type hint"
        assert "Any" not in str(p.annotation), f"{name}: parameter {p.name} reads {p.annotation}"
    assert sig.return_annotation is not inspect.Signature.empty, f"{name}: no return type"
    assert "Any" not in str(sig.return_annotation), f"{name}: returns {sig.return_annotation}"
    typing.get_type_hints(fn)  # the hints resolve to real types


# --- the codebook ------------------------------------------------------------------------------------------------

OWN = ["analysis/growth.py", "analysis/funds.py", "analysis/targets.py", "analysis/stats.py", "analysis/periods.py",
       "analysis/params.py", "analysis/plots.py", "analysis/results.py", "analysis/units.py",
       "analysis/studies/overview.py", "tests/test_funds.py", "tests/test_units.py"]


@pytest.mark.parametrize("path", OWN)
def test_docstrings_cite_the_projects_codebook_not_a_file_outside_the_repository(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    assert "domain.md" not in text
    if "CODEBOOK" in text:
        assert (ROOT / "data" / "CODEBOOK.md").is_file()
