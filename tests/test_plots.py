"""Tests of analysis.plots. Every frame here is synthetic, made for the test (names are only labels)."""

from __future__ import annotations

import logging
import re
import time
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis import plots  # noqa: E402
from analysis.plots import (  # noqa: E402
    CJKFontWarning,
    attainment_chart,
    bar_growth,
    fig_to_png_bytes,
    fund_matrix,
    heatmap,
    leverage_chart,
    milestone_timeline,
    pull_contribution,
    scoreboard_chart,
    setup_style,
    stage_funnel_chart,
)

GLYPH_MISSING = re.compile(r"Glyph .* missing from font")
CHINESE = "临海 台州 义乌 项目"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _font_or_fail() -> str:
    """The CJK font setup_style finds: a system font or the packaged Noto Sans CJK, never none."""
    font = setup_style()
    assert font is not None, "no CJK font: the packaged noto-cjk-sans-otc should always provide one"
    return font


def _glyph_warnings(fig: Figure) -> list[str]:
    """Render to PNG and return the messages of 'Glyph ... missing from font' warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = fig_to_png_bytes(fig)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return [str(w.message) for w in caught if GLYPH_MISSING.search(str(w.message))]


def _bars(ax) -> list:
    return [p for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle)]


# ------------------------------------------------------------------------------------------------------------
# style and fonts
# ------------------------------------------------------------------------------------------------------------
def test_setup_style_is_idempotent_and_cheap():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CJKFontWarning)
        first = setup_style()
        rc_first = {k: matplotlib.rcParams[k] for k in ("font.sans-serif", "axes.unicode_minus", "figure.figsize")}
        t0 = time.perf_counter()
        for _ in range(20):
            again = setup_style()
        elapsed = (time.perf_counter() - t0) / 20
    assert again == first
    assert {k: matplotlib.rcParams[k] for k in rc_first} == rc_first
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert elapsed < 0.05, f"repeat call took {elapsed:.3f} s"
    if first is not None:
        assert matplotlib.rcParams["font.sans-serif"][0] == first
        assert first in plots.CJK_FONT_CANDIDATES


def test_setup_style_warns_and_names_the_packages_when_no_font_is_found():
    with pytest.warns(CJKFontWarning, match="noto-cjk-sans-otc.*fonts-noto-cjk"):
        assert setup_style(candidates=("No Such Font Family XYZ",), refresh=True) is None
    assert matplotlib.rcParams["font.sans-serif"][0] != "No Such Font Family XYZ"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CJKFontWarning)
        setup_style()  # back to the default candidates


def test_setup_style_rejects_bad_candidates():
    with pytest.raises(ValueError, match="candidates"):
        setup_style(candidates="Noto Sans CJK SC")
    with pytest.raises(ValueError, match="candidates"):
        setup_style(candidates=())


def test_setup_style_recovers_from_a_stale_font_cache(monkeypatch):
    # matplotlib's on-disk font list is written on first import and does not see fonts installed later:
    # simulate that by hiding every CJK family from the live list, then ask again.
    font = _font_or_fail()
    fm = font_manager.fontManager
    monkeypatch.setattr(fm, "ttflist", [f for f in fm.ttflist if "CJK" not in f.name and f.name != font])
    fm._findfont_cached.cache_clear()
    monkeypatch.setattr(plots, "_FONT_CACHE", {})
    assert font not in {f.name for f in fm.ttflist}
    assert setup_style() == font
    assert font in {f.name for f in fm.ttflist}
    fm._findfont_cached.cache_clear()


def test_packaged_font_is_used_on_a_machine_without_system_cjk_fonts(monkeypatch, caplog):
    # a newcomer's machine: no system CJK font at all. Hide every CJK family and every system font file, so that
    # only the font of the PyPI package noto-cjk-sans-otc (a dependency of the project) can be found.
    fm = font_manager.fontManager
    monkeypatch.setattr(fm, "ttflist", [f for f in fm.ttflist if "CJK" not in f.name and "SC" not in f.name])
    monkeypatch.setattr(font_manager, "findSystemFonts", lambda *a, **k: [])
    monkeypatch.setattr(plots, "_rebuild_font_list", lambda: None)
    monkeypatch.setattr(plots, "_FONT_CACHE", {})
    fm._findfont_cached.cache_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", CJKFontWarning)
            font = setup_style()
        assert font == "Noto Sans CJK SC"
        path = font_manager.findfont(font)
        assert path.endswith("noto_cjk_sans_otc/NotoSansCJK-Regular.ttc"), path
        fig, ax = plt.subplots()
        ax.set_title(f"{CHINESE} 固定资产投资 (亿元)")
        assert _glyph_warnings(fig) == []
        # the collection is Regular only: titles must not ask for a bold face matplotlib would log as missing
        assert matplotlib.rcParams["axes.titleweight"] == "normal"
        with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
            fig_to_png_bytes(fig)
        assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    finally:
        fm._findfont_cached.cache_clear()
        plots._FONT_CACHE.clear()


def test_system_font_is_preferred_to_the_packaged_one(monkeypatch):
    # a system CJK font that matplotlib knows is taken as it is; the packaged font is not even registered
    fm = font_manager.fontManager
    fake = font_manager.FontEntry(fname="/usr/share/fonts/fake/WenQuanYiZenHei.ttf", name="WenQuanYi Zen Hei")
    monkeypatch.setattr(fm, "ttflist", [f for f in fm.ttflist if "CJK" not in f.name] + [fake])
    monkeypatch.setattr(plots, "_FONT_CACHE", {})
    monkeypatch.setattr(plots, "_add_packaged_cjk_font", lambda: pytest.fail("packaged font registered"))
    assert setup_style() == "WenQuanYi Zen Hei"
    plots._FONT_CACHE.clear()
    fm._findfont_cached.cache_clear()


def test_chinese_labels_render_without_missing_glyphs():
    font = _font_or_fail()
    names = CHINESE.split()
    fig = bar_growth(pd.DataFrame({"label": names, "value": [1e8, 2.5e8, 3e8, 4e8], "growth_pct": [12.5, -3, 0, 7]}),
                     title=f"{CHINESE} 固定资产投资")
    fig.axes[0].set_xlabel("投资额 (亿元)")
    assert _glyph_warnings(fig) == [], f"font {font} lacks glyphs"
    # the bounds' symbols and the Chinese names of the other charts too
    fig2 = fund_matrix(pd.DataFrame({"sponsor": ["义乌产投", "临海工投", "台州"], "fund_type": ["母基金", "子基金", "产业基金"],
                                     "value": [2e10, 5e9, 1e9], "qualifier": ["about", "at_least", "at_most"]}))
    fig3 = milestone_timeline(pd.DataFrame({"project": ["华海药业项目", "临海新能源项目"], "planned": ["2022-04", "2022-04/2022-06"],
                                            "kind": ["signed", "construction_start"]}))
    fig4 = stage_funnel_chart(pd.DataFrame({"stage": ["negotiation", "signed", "construction"], "count": [9, 5, 2]}))
    for f in (fig2, fig3, fig4):
        assert _glyph_warnings(f) == [], f"font {font} lacks glyphs"


def test_missing_glyph_detector_catches_a_latin_only_font():
    # control: with DejaVu Sans alone, Chinese text must trigger the warning the test above looks for
    with matplotlib.rc_context({"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title(CHINESE)
        assert _glyph_warnings(fig), "rendering Chinese with DejaVu Sans should warn about missing glyphs"


# ------------------------------------------------------------------------------------------------------------
# figure functions
# ------------------------------------------------------------------------------------------------------------
def test_bar_growth_levels_and_rates():
    df = pd.DataFrame({"label": ["临海", "台州", "义乌"], "value": [2.075e9, 5e9, 3e9], "growth_pct": [42.45, -3.2, np.nan]})
    fig = bar_growth(df)
    assert isinstance(fig, Figure)
    lev, rate = fig.axes
    assert len(_bars(lev)) == 3 and len(_bars(rate)) == 3
    assert [t.get_text() for t in lev.get_yticklabels()] == ["临海", "台州", "义乌"]
    assert [t.get_text() for t in lev.texts] == ["20.75", "50", "30"]  # 亿元
    assert [t.get_text() for t in rate.texts] == ["42.45%", "-3.2%", ""]
    assert _bars(lev)[0].get_width() == pytest.approx(20.75)
    assert "亿元" in lev.get_xlabel()


def test_bar_growth_without_rates_has_one_panel():
    fig = bar_growth(pd.DataFrame({"label": ["a", "b"], "value": [1.0, 2.0]}), scale=1, unit="count")
    assert len(fig.axes) == 1 and len(_bars(fig.axes[0])) == 2


def test_pull_contribution_stacks():
    df = pd.DataFrame({"label": ["2021", "2021", "2022", "2022", "2022"],
                       "component": ["制造业", "基础设施", "制造业", "基础设施", "房地产"],
                       "pull_pp": [5.0, -1.0, 3.0, 2.0, 0.5], "total_pct": [4.0, 4.0, 5.5, 5.5, 5.5]})
    fig = pull_contribution(df)
    ax = fig.axes[0]
    assert len(_bars(ax)) == 2 * 3  # labels x components, the missing pair as a zero bar
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:3] == ["制造业", "基础设施", "房地产"] and len(legend) == 4
    # the negative pull of 2021 hangs below zero; the 2022 stack tops out at 5.5
    infra_2021 = _bars(ax)[2]
    assert infra_2021.get_y() == pytest.approx(0) and infra_2021.get_height() == pytest.approx(-1)
    tops = [b.get_y() + b.get_height() for b in _bars(ax) if b.get_x() > 0.5]
    assert max(tops) == pytest.approx(5.5)
    assert np.asarray(ax.collections[0].get_offsets())[:, 1].tolist() == [4.0, 5.5]


def test_scoreboard_chart_ranks():
    df = pd.DataFrame({"region": ["临海", "玉环", "仙居"] * 2, "period": ["2022Q1"] * 3 + ["2022Q2"] * 3,
                       "rank": [1, 2, 3, 2, 1, 3]})
    fig = scoreboard_chart(df, top_n=1)
    ax = fig.axes[0]
    assert len(ax.lines) == 3
    assert [t.get_text() for t in ax.texts] == ["临海", "玉环", "仙居"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2022Q1", "2022Q2"]
    lo, hi = ax.get_ylim()
    assert lo > hi  # rank 1 on top
    assert list(ax.lines[0].get_ydata()) == [1, 2]


def test_fund_matrix_bounds_are_labelled_and_hatched():
    df = pd.DataFrame({"sponsor": ["义乌产投", "义乌产投", "临海工投", "临海工投"],
                       "fund_type": ["mother", "sub", "industry", "mother"],
                       "value": [2e10, 5e9, 1e9, np.nan],
                       "qualifier": ["about", "at_least", "at_most", None]})
    fig = fund_matrix(df)
    ax = fig.axes[0]
    bars = _bars(ax)
    assert len(bars) == 3  # the missing size draws nothing
    assert [t.get_text() for t in ax.texts] == ["≈200", "≥50", "≤10"]
    assert [b.get_hatch() for b in bars] == ["..", "//", "\\\\"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:3] == ["mother", "sub", "industry"] and len(legend) == 6


def test_fund_matrix_takes_funds_table_column_names():
    df = pd.DataFrame({"sponsor": ["A"], "fund_type": ["mixed"], "total_size": [5.645e9], "total_size_qualifier": ["exact"]})
    fig = fund_matrix(df, value="total_size", qualifier="total_size_qualifier")
    assert [t.get_text() for t in fig.axes[0].texts] == ["56.45"]


def test_leverage_chart_band():
    df = pd.DataFrame({"label": ["母基金", "子基金A", "子基金B"], "leverage": [2.0, 4.0, 6.5]})
    ax = leverage_chart(df).axes[0]
    assert len(ax.patches) == 3 + 1  # bars and the band
    assert [t.get_text() for t in ax.texts] == ["2×", "4×", "6.5×"]
    band = [p for p in ax.patches if p.get_label().startswith("policy range")]
    assert len(band) == 1
    xs = band[0].get_path().transformed(band[0].get_patch_transform()).vertices[:, 0]
    assert (xs.min(), xs.max()) == pytest.approx((1 / 0.30, 5.0))  # public share 20-30 % of committed capital
    colours = [matplotlib.colors.to_hex(b.get_facecolor()) for b in ax.patches if b not in band]
    assert len(set(colours)) == 3  # below, inside, above the band


def test_attainment_chart_against_time_progress():
    df = pd.DataFrame({"label": ["有效投资", "签约亿元以上项目", "产值"], "attainment_pct": [80.0, 40.0, 58.3],
                       "time_progress_pct": [58.3, 58.3, 58.3]})
    ax = attainment_chart(df).axes[0]
    assert len(_bars(ax)) == 3
    assert [t.get_text() for t in ax.texts] == ["80% (+21.7 pp)", "40% (-18.3 pp)", "58.3% (+0 pp)"]
    assert len(np.asarray(ax.collections[0].get_offsets())) == 3
    # same figure from a scalar time progress
    ax2 = attainment_chart(df.drop(columns="time_progress_pct"), time_progress=58.3).axes[0]
    assert [t.get_text() for t in ax2.texts] == [t.get_text() for t in ax.texts]


def test_milestone_timeline_markers_spans_and_status():
    df = pd.DataFrame({"project": ["华海药业项目", "华海药业项目", "伟星新材项目", "伟星新材项目"],
                       "planned": ["2022-04", "2022-04", "2022-04/2022-06", "2022-12"],
                       "kind": ["signed", "land_acquired", "construction_start", "signed"],
                       "status": ["done", "late", None, "not_yet_due"]})
    ax = milestone_timeline(df, as_of="2022-05-31").axes[0]
    assert len(ax.collections) == 3  # one scatter per kind
    assert len(_bars(ax)) == 1  # the 4-6月 span
    assert [t.get_text() for t in ax.get_yticklabels()] == ["华海药业项目", "伟星新材项目"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["signed", "land_acquired", "construction_start", "done", "late", "not_yet_due"]
    # two milestones of one project in one month are spread apart
    signed = np.asarray(ax.collections[0].get_offsets())
    land = np.asarray(ax.collections[1].get_offsets())
    assert signed[0, 1] != land[0, 1] and signed[0, 0] == land[0, 0]
    assert len(ax.lines) == 1  # as-of line


def test_milestone_timeline_with_dates():
    df = pd.DataFrame({"project": ["P1", "P2"], "start": pd.to_datetime(["2022-03-15", "2022-05-01"]),
                       "kind": ["signed", "made_up_kind"]})
    ax = milestone_timeline(df).axes[0]
    assert len(ax.collections) == 2 and len(_bars(ax)) == 0


def test_stage_funnel_orders_stages_and_converts():
    df = pd.DataFrame({"stage": ["signed", "negotiation", "construction"], "count": [10, 40, 4]})
    ax = stage_funnel_chart(df).axes[0]
    assert len(_bars(ax)) == 3
    assert [t.get_text() for t in ax.get_yticklabels()] == ["招引洽谈 (negotiation)", "签约 (signed)", "开工 (construction)"]
    assert [t.get_text() for t in ax.texts] == ["40", "10  (25% of previous)", "4  (40% of previous)"]
    widths = [b.get_width() for b in _bars(ax)]
    assert widths == [40, 10, 4]


def test_stage_funnel_cumulative():
    # projects by current stage: 5 negotiating, 3 signed, 2 building -> reached: 10, 5, 2
    df = pd.DataFrame({"stage": ["negotiation", "signed", "construction"], "count": [5, 3, 2]})
    ax = stage_funnel_chart(df, cumulative=True).axes[0]
    assert [b.get_width() for b in _bars(ax)] == [10, 5, 2]


def test_heatmap_annotates_cells_in_yi_yuan():
    df = pd.DataFrame({"sector": ["新材料", "新材料", "医药化工", "新材料"], "lead_unit": ["市发改局", "经信局", "市发改局", "市发改局"],
                       "value": [1e10, 5e9, 3e9, 2e9]})
    fig = heatmap(df)
    ax = fig.axes[0]
    assert len(fig.axes) == 2  # heat map and colour bar
    assert sorted(t.get_text() for t in ax.texts) == ["120.0", "30.0", "50.0"]  # 医药化工 × 经信局 blank
    assert [t.get_text() for t in ax.get_yticklabels()] == ["新材料", "医药化工"]
    assert fig.axes[1].get_ylabel() == "亿元"


def test_functions_never_show(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("plt.show called")

    monkeypatch.setattr(plt, "show", boom)
    bar_growth(pd.DataFrame({"label": ["a"], "value": [1.0]}))
    leverage_chart(pd.DataFrame({"label": ["a"], "leverage": [4.0]}))


# ------------------------------------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("func, df, match", [
    (bar_growth, pd.DataFrame({"label": ["a"]}), r"missing column\(s\) \['value'\]"),
    (bar_growth, pd.DataFrame({"label": [], "value": []}), "no rows"),
    (bar_growth, pd.DataFrame({"label": ["a"], "value": ["x"]}), "must be numeric"),
    (pull_contribution, pd.DataFrame({"label": ["a", "a"], "component": ["c", "c"], "pull_pp": [1, 2]}),
     "more than one row"),
    (scoreboard_chart, pd.DataFrame({"region": ["a"], "period": ["p"], "rank": [0]}), "whole ranks"),
    (fund_matrix, pd.DataFrame({"sponsor": ["a"], "fund_type": ["m"], "value": [1.0], "qualifier": ["roughly"]}),
     "unknown qualifiers"),
    (fund_matrix, pd.DataFrame({"sponsor": ["a"], "fund_type": ["m"], "value": [-1.0]}), "negative"),
    (leverage_chart, pd.DataFrame({"label": ["a"], "leverage": [-1.0]}), "negative"),
    (attainment_chart, pd.DataFrame({"label": ["a"], "attainment_pct": [50.0]}), "time_progress"),
    (milestone_timeline, pd.DataFrame({"project": ["a"], "planned": ["April"], "kind": ["signed"]}), "planned"),
    (milestone_timeline, pd.DataFrame({"project": ["a"], "planned": ["unknown"], "kind": ["signed"]}), "unknown"),
    (milestone_timeline, pd.DataFrame({"project": ["a"], "kind": ["signed"]}), "missing column"),
    (stage_funnel_chart, pd.DataFrame({"stage": ["signed"], "count": [-1]}), "non-negative"),
    (heatmap, pd.DataFrame({"sector": ["a"], "value": [1.0]}), "lead_unit"),
])
def test_bad_frames_raise_value_error(func, df, match):
    with pytest.raises(ValueError, match=match):
        func(df)


def test_bad_arguments_raise_value_error():
    with pytest.raises(ValueError, match="band"):
        leverage_chart(pd.DataFrame({"label": ["a"], "leverage": [1.0]}), band=(5, 3))
    with pytest.raises(ValueError, match="order misses"):
        stage_funnel_chart(pd.DataFrame({"stage": ["signed", "x"], "count": [1, 2]}), order=["signed"])
    with pytest.raises(ValueError, match="expected a pandas DataFrame"):
        bar_growth([1, 2, 3])
    with pytest.raises(ValueError, match="Figure"):
        fig_to_png_bytes("not a figure")
