"""Figures the notebooks share, in one style, with Chinese labels that render.

Call :func:`setup_style` once (every figure function calls it too; repeat calls are cheap). It applies the
project's style and puts a CJK font first in ``font.sans-serif`` so that Chinese project names, regions and units
(临海, 亿元) render instead of empty boxes. A CJK font installed on the system is preferred; without one, the Noto
Sans CJK font that the project installs from PyPI (package ``noto-cjk-sans-otc``, SIL Open Font License 1.1) is
registered with matplotlib's font manager, so figures render on a machine with nothing but Python. Only when
neither is found does it warn with :class:`CJKFontWarning`.

Every figure function takes a tidy ``pandas.DataFrame``, documents the columns it reads (each name can be changed
by a keyword argument), and returns a :class:`matplotlib.figure.Figure` made with ``pyplot.subplots``; none calls
``plt.show``. Close figures you no longer need (``plt.close(fig)``). Money is drawn in 亿元 (10^8 yuan) unless
``scale``/``unit`` say otherwise; growth and attainment in percent; pulls in percentage points.

============================  ==========================================================================
function                      shows
============================  ==========================================================================
:func:`bar_growth`            levels and growth rates by region or indicator (two panels)
:func:`pull_contribution`     stacked bars of pulls (拉动, pp) by component, with the total's growth
:func:`scoreboard_chart`      ranks over periods (晾晒表 / 赛马), rank 1 on top
:func:`fund_matrix`           fund size by sponsor and type, bounds hatched and labelled ≥ / ≤ / ≈
:func:`leverage_chart`        leverage multiples against the policy band 3.3-5×
:func:`attainment_chart`      attainment (完成率) against time progress (序时进度)
:func:`milestone_timeline`    Gantt-like chart of planned milestones by project and month
:func:`stage_funnel_chart`    projects reaching each stage, with conversion from the stage before
:func:`heatmap`               an amount by sector × lead unit (投资热力图), annotated in 亿元
============================  ==========================================================================
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .funds import POLICY_LEVERAGE_RANGE
from .periods import parse_period
from .units import LOWER_BOUND_QUALIFIERS, QUALIFIERS, UPPER_BOUND_QUALIFIERS
from .vocab import MILESTONE_KIND, MILESTONE_STATUS, QUALIFIER, STAGE

__all__ = [
    "CJKFontWarning",
    "CJK_FONT_CANDIDATES",
    "PALETTE",
    "STATUS_COLOURS",
    "MILESTONE_MARKERS",
    "STAGE_ORDER",
    "STAGE_LABELS_ZH",
    "POLICY_LEVERAGE_BAND",
    "setup_style",
    "bar_growth",
    "pull_contribution",
    "scoreboard_chart",
    "fund_matrix",
    "leverage_chart",
    "attainment_chart",
    "milestone_timeline",
    "stage_funnel_chart",
    "heatmap",
    "fig_to_png_bytes",
]


class CJKFontWarning(UserWarning):
    """No font with Chinese glyphs was found: Chinese labels would render as empty boxes."""


#: Font families tried in this order; the first one matplotlib knows is used.
CJK_FONT_CANDIDATES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Noto Sans SC",
    "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN", "AR PL UKai CN",
    "Noto Serif CJK SC",
)

#: File names of CJK fonts, for the last-resort search of font files (see :func:`setup_style`).
_CJK_FILE_RE = re.compile(r"(NotoSans(Mono)?CJK|NotoSansSC|NotoSerifCJK|SourceHan|wqy|WenQuanYi|simhei|msyh|"
                          r"uming|ukai|PingFang)", re.IGNORECASE)

#: Debian package that provides the first candidate.
_CJK_PACKAGE = "fonts-noto-cjk"
#: PyPI package (a dependency of the project) that ships Noto Sans CJK (OFL-1.1) as one OpenType collection.
_CJK_PYPI_PACKAGE = "noto-cjk-sans-otc"

#: Colours used in order by every chart (colour-blind safe, Okabe-Ito).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
                            "#000000", "#999999")
_GOOD, _BAD, _NEUTRAL, _MUTED = "#009E73", "#D55E00", "#0072B2", "#999999"

#: Colours of milestone status in :func:`milestone_timeline`: one per status of
#: :data:`analysis.vocab.MILESTONE_STATUS` (the statuses of :func:`analysis.targets.milestone_status`).
STATUS_COLOURS: dict[str, str] = MILESTONE_STATUS.mapping({
    "done": "#009E73", "done_late": "#E69F00", "late": "#D55E00", "due": "#0072B2", "not_yet_due": "#999999",
    "unknown": "#CCCCCC",
})

#: Marker of each milestone kind (:data:`analysis.vocab.MILESTONE_KIND`, the vocabulary of milestones.kind) in
#: :func:`milestone_timeline`.
MILESTONE_MARKERS: dict[str, str] = MILESTONE_KIND.mapping({
    "site_selected": "v", "negotiation_done": "P", "framework_signed": "d", "signed": "D", "landed": "s",
    "land_conversion": "h", "land_acquired": "H", "planning_approved": "p", "design": "8",
    "construction_start": "^", "production_start": "*", "completed": "X", "investment_amount": "o",
    "organisation": "<", "other": ".",
})

#: Project stages in order (:data:`analysis.vocab.STAGE`, the vocabulary of projects.stage, without 'unknown').
STAGE_ORDER: tuple[str, ...] = tuple(c for c in STAGE.codes if c != "unknown")
#: Chinese name of each stage, as the documents write them (谋划, 招引洽谈, 签约, ...).
STAGE_LABELS_ZH: dict[str, str] = {c: STAGE[c].label for c in STAGE_ORDER}

#: Leverage band implied by a public share of 20-30 % of committed capital (domain notes).
POLICY_LEVERAGE_BAND: tuple[float, float] = POLICY_LEVERAGE_RANGE  # the same band as analysis.funds.policy_context

#: Qualifier → the sign written before a bar's label (≥, >, ≈, <, ≤), and the hatch of its bar by the direction
#: of the bound it puts on the true figure (:data:`analysis.vocab.QUALIFIER`).
_QUALIFIER_SYMBOL = QUALIFIER.attr("symbol")
_BOUND_HATCH = {"exact": None, "lower": "//", "about": "..", "upper": "\\\\"}
_QUALIFIER_HATCH = {q.code: _BOUND_HATCH[q.bound] for q in QUALIFIER}

_BASE_RC: dict[str, Any] = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "grid.alpha": 0.3,
    "grid.linestyle": "-",
    "legend.frameon": False,
    "legend.fontsize": 9,
    "hatch.linewidth": 0.8,
    "font.family": ["sans-serif"],
    "axes.unicode_minus": False,
}
_DEFAULT_SANS = tuple(mpl.rcParamsDefault["font.sans-serif"])

# cache: (candidates, system fonts searched) -> font found (or None)
_FONT_CACHE: dict[tuple[tuple[str, ...], bool], str | None] = {}


# --------------------------------------------------------------------------------------------------------------
# style and fonts
# --------------------------------------------------------------------------------------------------------------
def _known_families() -> set[str]:
    return {f.name for f in font_manager.fontManager.ttflist}


def _pick(candidates: Sequence[str]) -> str | None:
    known = _known_families()
    return next((c for c in candidates if c in known), None)


def _rebuild_font_list() -> None:
    """Rescan the system fonts (the on-disk cache predates a font install) and update the live FontManager."""
    loader = getattr(font_manager, "_load_fontmanager", None)
    if loader is None:  # private API gone in a future matplotlib: the file search below still works
        return
    try:
        fresh = loader(try_read_cache=False)  # also rewrites the on-disk cache for later processes
    except Exception:  # noqa: BLE001 - a failed rescan must not break plotting
        return
    live = font_manager.fontManager
    # update in place: matplotlib.text holds a reference to this very instance
    live.ttflist = fresh.ttflist
    live.afmlist = fresh.afmlist
    live._findfont_cached.cache_clear()


def _add_cjk_font_files() -> None:
    """Register CJK font files found by fontconfig / the font directories (public ``addfont``)."""
    try:
        paths = font_manager.findSystemFonts()
    except Exception:  # noqa: BLE001
        return
    for path in paths:
        if _CJK_FILE_RE.search(path.rsplit("/", 1)[-1]):
            try:
                font_manager.fontManager.addfont(path)
            except Exception:  # noqa: BLE001 - an unreadable font file is skipped
                continue


def _has_bold(family: str) -> bool:
    """Whether matplotlib knows a bold (weight >= 600) face of ``family``."""
    weights = {"semibold": 600, "demibold": 600, "demi": 600, "bold": 700, "extra bold": 800, "heavy": 800,
               "ultrabold": 800, "black": 900}
    for f in font_manager.fontManager.ttflist:
        if f.name == family:
            w = f.weight if isinstance(f.weight, int) else weights.get(str(f.weight).lower(), 400)
            if w >= 600:
                return True
    return False


def _packaged_cjk_font() -> str | None:
    """Path of the Noto Sans CJK collection shipped by the PyPI package ``noto-cjk-sans-otc``, or None."""
    try:
        import noto_cjk_sans_otc  # a dependency of the project: OFL-1.1 fonts, no code beyond the path
    except ImportError:
        return None
    path = noto_cjk_sans_otc.FONT_PATH
    return str(path) if path.is_file() else None


def _add_packaged_cjk_font() -> None:
    """Register the packaged Noto Sans CJK collection (every face: SC, TC, HK, JP, KR) with matplotlib."""
    path = _packaged_cjk_font()
    if path is None:
        return
    known = {f.fname for f in font_manager.fontManager.ttflist}
    if path in known:
        return
    try:
        font_manager.fontManager.addfont(path)
    except Exception:  # noqa: BLE001 - an unreadable font file leaves the warning below to speak
        return


def _find_cjk_font(candidates: Sequence[str], allow_rebuild: bool, *, system: bool = True) -> str | None:
    if system:
        font = _pick(candidates)
        if font is None and allow_rebuild:
            _rebuild_font_list()
            font = _pick(candidates)
        if font is None:
            _add_cjk_font_files()
            font = _pick(candidates)
        if font is not None:
            return font
    _add_packaged_cjk_font()
    return _pick(candidates)


def setup_style(*, refresh: bool = False, candidates: Sequence[str] | None = None,
                system_fonts: bool = True) -> str | None:
    """Apply the project's figure style and a CJK font; return the font's family name.

    Parameters
    ----------
    refresh : bool, default False
        Search for fonts again instead of using the answer of an earlier call (e.g. after installing a font in
        a running kernel); allows one more rescan of the system fonts.
    candidates : sequence of str, optional
        Font families to try, in order. Default :data:`CJK_FONT_CANDIDATES`.
    system_fonts : bool, default True
        Look for CJK fonts installed on the system first. False skips them and uses the packaged font (what a
        machine without any system CJK font gets; the tests use it to check that case anywhere).

    Returns
    -------
    str or None
        The CJK font family put first in ``font.sans-serif``, or None when none was found.

    Raises
    ------
    ValueError
        If ``candidates`` is a string or empty.

    Warns
    -----
    CJKFontWarning
        When no candidate font is found, neither on the system nor from the packaged ``noto-cjk-sans-otc``; the
        message says how to install one.

    Notes
    -----
    Search, stopping at the first success: (1) the families matplotlib already knows; (2) with ``refresh``, a
    rescan of the system fonts, because matplotlib's on-disk font cache is written the first time it runs and
    does not see fonts installed later; (3) font files whose names look like CJK fonts (from fontconfig's
    ``fc-list`` and the font directories), added with ``fontManager.addfont``; (4) the Noto Sans CJK collection
    of the PyPI package ``noto-cjk-sans-otc`` (installed with the project), added with ``fontManager.addfont``:
    the collection Debian's ``fonts-noto-cjk`` also installs. The answer is cached, so repeat
    calls only re-apply ``rcParams`` (idempotent, well under a millisecond). Sets ``font.family`` to
    sans-serif, ``font.sans-serif`` to [font, matplotlib's defaults...] and ``axes.unicode_minus`` to False (the
    Unicode minus sign is missing from some CJK fonts).
    """
    if candidates is None:
        cands = CJK_FONT_CANDIDATES
    else:
        if isinstance(candidates, str) or len(candidates) == 0:
            raise ValueError(f"candidates: expected a non-empty sequence of font family names, got {candidates!r}")
        cands = tuple(candidates)
    key = (cands, bool(system_fonts))
    if refresh or key not in _FONT_CACHE:
        _FONT_CACHE[key] = _find_cjk_font(cands, allow_rebuild=refresh, system=system_fonts)
    font = _FONT_CACHE[key]

    rc = dict(_BASE_RC)
    rc["font.sans-serif"] = ([font] if font else []) + [f for f in _DEFAULT_SANS if f != font]
    if font is not None and not _has_bold(font):
        # the packaged collection has the Regular weight only: bold titles would make matplotlib log "findfont:
        # Failed to find font weight bold" on every figure and fall back to Regular anyway
        rc["axes.titleweight"] = "normal"
        rc["figure.titleweight"] = "normal"
    mpl.rcParams.update(rc)
    if font is None:
        warnings.warn(CJKFontWarning(
            f"no CJK font found (tried {', '.join(cands)}): Chinese labels will render as empty boxes. "
            f"The project's own font comes with `pip install {_CJK_PYPI_PACKAGE}` (a dependency of the project); "
            f"a system font with e.g. `apt-get install {_CJK_PACKAGE}` on Debian/Ubuntu. Then call "
            "setup_style(refresh=True) or restart the kernel."), stacklevel=2)
    return font


# --------------------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------------------
def _check_frame(df: Any, columns: Sequence[str], func: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{func}: expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{func}: missing column(s) {missing}; the frame has {list(df.columns)}")
    if df.empty:
        raise ValueError(f"{func}: the frame has no rows")
    return df


def _numeric(df: pd.DataFrame, column: str, func: str) -> pd.Series:
    try:
        return pd.to_numeric(df[column], errors="raise").astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: column {column!r} must be numeric, got dtype {df[column].dtype}") from None


def _no_duplicates(df: pd.DataFrame, keys: list[str], func: str) -> None:
    dup = df.duplicated(keys, keep=False)
    if dup.any():
        raise ValueError(f"{func}: more than one row per {tuple(keys)}, e.g. "
                         f"{df.loc[dup, keys].iloc[0].tolist()}; aggregate them first")


def _fmt_num(x: float, digits: int = 2) -> str:
    if not np.isfinite(x):
        return ""
    s = f"{x:,.{digits}f}"
    return s.rstrip("0").rstrip(".") if "." in s else s


def _new_figure(nrows: int = 1, ncols: int = 1, **kw: Any) -> tuple[Figure, Any]:
    setup_style()
    return plt.subplots(nrows, ncols, layout="constrained", **kw)


def _height(n_rows: int, per_row: float = 0.45, minimum: float = 2.5) -> float:
    return max(minimum, 1.2 + per_row * n_rows)


# --------------------------------------------------------------------------------------------------------------
# figures
# --------------------------------------------------------------------------------------------------------------
def bar_growth(df: pd.DataFrame, *, label: str = "label", value: str = "value", growth: str = "growth_pct",
               scale: float = 1e8, unit: str = "亿元", title: str | None = None) -> Figure:
    """Levels and growth rates by region or indicator, as two panels of horizontal bars.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per bar, drawn top to bottom in row order. Columns:

        * ``label`` (str): region or indicator, e.g. '临海' or '制造业投资';
        * ``value`` (float): level, in base units (yuan by default); NaN draws no bar;
        * ``growth_pct`` (float, optional): year-on-year growth in percent; when the column is absent only the
          level panel is drawn.
    label, value, growth : str
        Column names.
    scale : float, default 1e8
        Levels are divided by it (1e8 yuan = 1 亿元).
    unit : str, default '亿元'
        Unit of the scaled levels, for the axis label.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes (levels) or two (levels, growth); each bar labelled with its value.

    Raises
    ------
    ValueError
        If a column is missing, the frame is empty, values are not numeric, or ``scale`` is not positive.

    Notes
    -----
    Level bars show ``value / scale`` in ``unit``; growth bars are in percent (positive green, negative red).
    """
    func = "bar_growth"
    _check_frame(df, [label, value], func)
    if not scale > 0:
        raise ValueError(f"{func}: scale must be positive, got {scale!r}")
    levels = _numeric(df, value, func) / scale
    labels = df[label].astype(str).tolist()
    has_growth = growth in df.columns
    fig, axes = _new_figure(1, 2 if has_growth else 1, figsize=(10 if has_growth else 7, _height(len(df))),
                            sharey=True, squeeze=False)
    y = np.arange(len(df))
    ax = axes[0, 0]
    bars = ax.barh(y, levels.to_numpy(), color=PALETTE[0])
    ax.bar_label(bars, labels=[_fmt_num(v) for v in levels], padding=3, fontsize=8)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(f"Level ({unit})")
    ax.margins(x=0.15)
    if has_growth:
        rates = _numeric(df, growth, func)
        ax2 = axes[0, 1]
        colours = [_GOOD if r >= 0 else _BAD for r in rates.fillna(0)]
        bars2 = ax2.barh(y, rates.to_numpy(), color=colours)
        ax2.bar_label(bars2, labels=[f"{_fmt_num(r)}%" if np.isfinite(r) else "" for r in rates],
                      padding=3, fontsize=8)
        ax2.axvline(0, color="black", linewidth=0.8)
        ax2.set_xlabel("Growth (同比, %)")
        ax2.margins(x=0.2)
    if title:
        fig.suptitle(title)
    return fig


def pull_contribution(df: pd.DataFrame, *, label: str = "label", component: str = "component",
                      pull: str = "pull_pp", total: str = "total_pct", title: str | None = None) -> Figure:
    """Stacked bars of pulls (拉动) by component, one bar per label.

    Parameters
    ----------
    df : pandas.DataFrame
        Long frame, one row per (label, component). Columns:

        * ``label`` (str): what a bar stands for, e.g. a region or a period;
        * ``component`` (str): component of the total, e.g. '制造业投资';
        * ``pull_pp`` (float): the component's pull on the total's growth, in percentage points;
        * ``total_pct`` (float, optional): the total's reported growth in percent (same on every row of a
          label); drawn as a black diamond so the stack can be checked against it.
    label, component, pull, total : str
        Column names.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes; ``n_labels × n_components`` bar patches (a missing pair draws a zero-height bar), one legend
        entry per component (plus 'reported total growth').

    Raises
    ------
    ValueError
        If a column is missing, the frame is empty, pulls are not numeric, or a (label, component) pair repeats.

    Notes
    -----
    Pull of component i = (L_i - L_i / (1 + g_i)) / base of the total × 100, in percentage points; pulls add up
    to the total's growth in percent. Positive pulls stack upwards from 0 and negative ones downwards, so the
    net of a bar is the sum of its pulls.
    """
    func = "pull_contribution"
    _check_frame(df, [label, component, pull], func)
    _no_duplicates(df, [label, component], func)
    vals = _numeric(df, pull, func)
    rows, comps = pd.unique(df[label]), pd.unique(df[component])
    table = (pd.DataFrame({"l": df[label].to_numpy(), "c": df[component].to_numpy(), "v": vals.to_numpy()})
             .pivot(index="l", columns="c", values="v").reindex(index=rows, columns=comps).fillna(0.0))
    fig, ax = _new_figure(figsize=(max(5.0, 1.2 + 1.1 * len(rows)), 4.5))
    x = np.arange(len(rows))
    pos_base, neg_base = np.zeros(len(rows)), np.zeros(len(rows))
    handles = []
    for j, comp in enumerate(comps):
        v = table[comp].to_numpy()
        bottom = np.where(v >= 0, pos_base, neg_base)
        handles.append(ax.bar(x, v, bottom=bottom, width=0.6, label=str(comp), color=PALETTE[j % len(PALETTE)]))
        pos_base += np.where(v >= 0, v, 0.0)
        neg_base += np.where(v < 0, v, 0.0)
    if total in df.columns:
        tot = _numeric(df, total, func).groupby(df[label].to_numpy(), sort=False).first().reindex(rows)
        handles.append(ax.scatter(x, tot.to_numpy(), marker="D", color="black", zorder=3,
                                  label="reported total growth (%)"))
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, [str(r) for r in rows])
    ax.set_ylabel("Pull (拉动, percentage points)")
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title)
    return fig


def scoreboard_chart(df: pd.DataFrame, *, region: str = "region", period: str = "period", rank: str = "rank",
                     top_n: int | None = None, title: str | None = None) -> Figure:
    """Ranks over periods (the 晾晒表 scoreboard), one line per region, rank 1 on top.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per (region, period). Columns:

        * ``region`` (str): e.g. '临海';
        * ``period`` (str): e.g. '2022Q1'; periods are drawn left to right in order of first appearance, so
          sort the frame first;
        * ``rank`` (int): 1 = best.
    region, period, rank : str
        Column names.
    top_n : int, optional
        Shade ranks 1..top_n (e.g. the ranks that are rewarded).
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one line per region and the region's name at the end of its line.

    Raises
    ------
    ValueError
        If a column is missing, the frame is empty, a rank is missing, not a whole number or below 1, or a
        (region, period) pair repeats.

    Notes
    -----
    Ranks are ordinal (1 = top); the y axis is inverted so that rising up the chart means a better rank.
    """
    func = "scoreboard_chart"
    _check_frame(df, [region, period, rank], func)
    _no_duplicates(df, [region, period], func)
    r = _numeric(df, rank, func)
    if r.isna().any() or (r < 1).any() or (r != np.round(r)).any():
        raise ValueError(f"{func}: column {rank!r} must hold whole ranks >= 1, got {sorted(set(r.tolist()))[:5]}")
    periods = pd.unique(df[period])
    pos = {p: i for i, p in enumerate(periods)}
    fig, ax = _new_figure(figsize=(max(5.0, 2.0 + 1.2 * len(periods)), _height(int(r.max()), 0.4, 3.0)))
    if top_n:
        ax.axhspan(0.5, top_n + 0.5, color=_GOOD, alpha=0.1, label=f"top {top_n}")
    for i, (name, g) in enumerate(df.assign(_r=r.to_numpy()).groupby(region, sort=False)):
        xs = g[period].map(pos).to_numpy()
        order = np.argsort(xs)
        xs, ys = xs[order], g["_r"].to_numpy()[order]
        (line,) = ax.plot(xs, ys, marker="o", color=PALETTE[i % len(PALETTE)], linewidth=2)
        ax.annotate(str(name), (xs[-1], ys[-1]), xytext=(6, 0), textcoords="offset points", va="center",
                    color=line.get_color(), fontsize=9)
    ax.set_xticks(range(len(periods)), [str(p) for p in periods])
    ax.set_xlim(-0.3, len(periods) - 0.3)
    ax.set_yticks(range(1, int(r.max()) + 1))
    ax.set_ylim(r.max() + 0.5, 0.5)
    ax.set_ylabel("Rank (名次, 1 = best)")
    ax.grid(axis="x", visible=False)
    if title:
        ax.set_title(title)
    return fig


def fund_matrix(df: pd.DataFrame, *, sponsor: str = "sponsor", fund_type: str = "fund_type", value: str = "value",
                qualifier: str = "qualifier", scale: float = 1e8, unit: str = "亿元",
                title: str | None = None) -> Figure:
    """Fund size by sponsor and fund type (the 基金矩阵), with bounds hatched and labelled.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per (sponsor, fund type). Columns:

        * ``sponsor`` (str): e.g. '义乌产投';
        * ``fund_type`` (str): e.g. 'mother', 'industry';
        * ``value`` (float): fund size in base units (yuan), all rows in one currency; NaN draws no bar;
        * ``qualifier`` (str, optional): exact, at_least, more_than, about, just_under, at_most (the vocabulary of
          :mod:`analysis.units`); missing means exact.

        From the funds table: ``funds.rename(columns={'total_size': 'value', 'total_size_qualifier':
        'qualifier'})``, or pass ``value='total_size', qualifier='total_size_qualifier'``.
    sponsor, fund_type, value, qualifier : str
        Column names.
    scale : float, default 1e8
        Sizes are divided by it (1e8 yuan = 1 亿元).
    unit : str, default '亿元'
        Unit of the scaled sizes.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes; grouped bars (sponsors on x, one colour per fund type), one bar and one text label per
        non-missing size. Lower bounds are hatched '//' and labelled '≥' ('>' for more_than), upper bounds
        hatched '\\\\' and labelled '≤' ('<' for just_under, 近), approximate sizes dotted and labelled '≈'.

    Raises
    ------
    ValueError
        If a column is missing, the frame is empty, sizes are not numeric or negative, a qualifier is not in
        the vocabulary, ``scale`` is not positive, or a (sponsor, fund type) pair repeats.

    Notes
    -----
    Bar height = size / ``scale`` in ``unit``. A bound is drawn at its stated value: the true size of a lower
    bound ('超 20 亿元') lies at or above the bar top.
    """
    func = "fund_matrix"
    _check_frame(df, [sponsor, fund_type, value], func)
    if not scale > 0:
        raise ValueError(f"{func}: scale must be positive, got {scale!r}")
    _no_duplicates(df, [sponsor, fund_type], func)
    size = _numeric(df, value, func)
    if (size < 0).any():
        raise ValueError(f"{func}: column {value!r} has negative sizes")
    qual = (df[qualifier].fillna("exact").astype(str) if qualifier in df.columns
            else pd.Series("exact", index=df.index))
    unknown = sorted(set(qual) - set(QUALIFIERS))
    if unknown:
        raise ValueError(f"{func}: column {qualifier!r} has unknown qualifiers {unknown}; expected {list(QUALIFIERS)}")
    sponsors, types = pd.unique(df[sponsor]), pd.unique(df[fund_type])
    s_pos = {s: i for i, s in enumerate(sponsors)}
    t_pos = {t: j for j, t in enumerate(types)}
    width = 0.8 / len(types)
    fig, ax = _new_figure(figsize=(max(6.0, 1.5 + 1.6 * len(sponsors)), 4.8))
    keep = size.notna().to_numpy()
    sub = df.loc[keep]
    x = (sub[sponsor].map(s_pos).to_numpy() - 0.4 + width * (sub[fund_type].map(t_pos).to_numpy() + 0.5))
    heights = (size[keep] / scale).to_numpy()
    q = qual[keep].to_numpy()
    colours = [PALETTE[t_pos[t] % len(PALETTE)] for t in sub[fund_type]]
    bars = ax.bar(x, heights, width=width * 0.95, color=colours, edgecolor="white", linewidth=0.5)
    for bar, qq in zip(bars, q):
        if _QUALIFIER_HATCH[qq]:
            bar.set_hatch(_QUALIFIER_HATCH[qq])
            bar.set_edgecolor("black")
    ax.bar_label(bars, labels=[f"{_QUALIFIER_SYMBOL[qq]}{_fmt_num(h)}" for h, qq in zip(heights, q)],
                 padding=2, fontsize=8)
    ax.set_xticks(range(len(sponsors)), [str(s) for s in sponsors])
    ax.set_ylabel(f"Fund size (基金规模, {unit})")
    ax.margins(y=0.15)
    handles = [Patch(facecolor=PALETTE[j % len(PALETTE)], label=str(t)) for j, t in enumerate(types)]
    present = set(q)
    if present & LOWER_BOUND_QUALIFIERS:
        handles.append(Patch(facecolor="white", edgecolor="black", hatch="//", label="lower bound (≥, 超/以上)"))
    if present & UPPER_BOUND_QUALIFIERS:
        handles.append(Patch(facecolor="white", edgecolor="black", hatch="\\\\", label="upper bound (≤, 近/以下)"))
    if "about" in present:
        handles.append(Patch(facecolor="white", edgecolor="black", hatch="..", label="approximate (≈, 约)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title)
    return fig


def leverage_chart(df: pd.DataFrame, *, label: str = "label", leverage: str = "leverage",
                   band: tuple[float, float] = POLICY_LEVERAGE_BAND, title: str | None = None) -> Figure:
    """Leverage multiples (放大倍数) of funds against the policy band (3.3-5× by default).

    Parameters
    ----------
    df : pandas.DataFrame
        One row per fund or fund group, drawn top to bottom. Columns:

        * ``label`` (str): fund name;
        * ``leverage`` (float): total size / public committed capital, a multiple (4.0 means 4×); NaN draws no
          bar.
    label, leverage : str
        Column names.
    band : (float, float), default (3.3, 5.0)
        Policy range of the multiple, shaded.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one bar per row (blue inside the band, orange above, grey below) and the shaded band (one
        more patch).

    Raises
    ------
    ValueError
        If a column is missing, the frame is empty, multiples are not numeric or negative, or ``band`` is not
        (low, high) with 0 <= low < high.

    Notes
    -----
    Leverage = total fund size / public investor's committed capital (×). A public share capped at 20-30 % of
    committed capital gives 1/0.3 ≈ 3.3× to 1/0.2 = 5×. State which denominator the multiples use.
    """
    func = "leverage_chart"
    _check_frame(df, [label, leverage], func)
    try:
        lo, hi = (float(b) for b in band)
    except (TypeError, ValueError):
        raise ValueError(f"{func}: band must be (low, high), got {band!r}") from None
    if not 0 <= lo < hi:
        raise ValueError(f"{func}: band must satisfy 0 <= low < high, got {band!r}")
    lev = _numeric(df, leverage, func)
    if (lev < 0).any():
        raise ValueError(f"{func}: column {leverage!r} has negative multiples")
    fig, ax = _new_figure(figsize=(7.5, _height(len(df))))
    y = np.arange(len(df))
    ax.axvspan(lo, hi, color=_GOOD, alpha=0.15, label=f"policy range {_fmt_num(lo)}–{_fmt_num(hi)}×")
    colours = [_MUTED if v < lo else PALETTE[1] if v > hi else _NEUTRAL for v in lev.fillna(0)]
    bars = ax.barh(y, lev.to_numpy(), color=colours)
    ax.bar_label(bars, labels=[f"{_fmt_num(v)}×" if np.isfinite(v) else "" for v in lev], padding=3, fontsize=8)
    ax.set_yticks(y, df[label].astype(str).tolist())
    ax.invert_yaxis()
    ax.set_xlabel("Leverage (放大倍数, ×)")
    ax.margins(x=0.15)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title)
    return fig


def attainment_chart(df: pd.DataFrame, *, label: str = "label", attainment: str = "attainment_pct",
                     progress: str = "time_progress_pct", time_progress: float | None = None,
                     title: str | None = None) -> Figure:
    """Attainment (完成率) against time progress (序时进度), one bar per target.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per target, drawn top to bottom. Columns:

        * ``label`` (str): the target, e.g. '签约亿元以上项目';
        * ``attainment_pct`` (float): actual to date / annual target, in percent;
        * ``time_progress_pct`` (float, optional if ``time_progress`` is given): share of the period elapsed,
          in percent.
    label, attainment, progress : str
        Column names.
    time_progress : float, optional
        Time progress in percent for every row, used when the frame has no ``progress`` column.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one bar per row (green when attainment >= time progress, red when behind), a black tick
        at each row's time progress, one text label per row and a dashed line at 100 %.

    Raises
    ------
    ValueError
        If a column is missing (and no ``time_progress``), the frame is empty, or values are not numeric.

    Notes
    -----
    The label gives attainment and its distance to time progress in percentage points (超序时进度 X 个百分点 when
    positive). Investment is back-loaded, so being behind linear time progress early in the year is common.
    """
    func = "attainment_chart"
    _check_frame(df, [label, attainment], func)
    att = _numeric(df, attainment, func)
    if progress in df.columns:
        prog = _numeric(df, progress, func)
    elif time_progress is not None:
        prog = pd.Series(float(time_progress), index=df.index)
    else:
        raise ValueError(f"{func}: missing column {progress!r}; give it or pass time_progress=<percent>")
    gap = att - prog
    fig, ax = _new_figure(figsize=(7.5, _height(len(df))))
    y = np.arange(len(df))
    colours = [_GOOD if g >= 0 else _BAD for g in gap.fillna(0)]
    ax.barh(y, att.to_numpy(), color=colours, alpha=0.85)
    ax.scatter(prog.to_numpy(), y, marker="|", s=600, linewidths=2.5, color="black", zorder=3,
               label="time progress (序时进度)")
    # label to the right of the bar or of the progress tick, whichever is further right, so the two never overlap
    label_x = np.fmax(att.to_numpy(), prog.to_numpy())
    for yy, lx, a, g in zip(y, label_x, att, gap.fillna(0)):
        text = f"{_fmt_num(a)}% ({'+' if g >= 0 else ''}{_fmt_num(g)} pp)" if np.isfinite(a) else ""
        ax.annotate(text, (0 if np.isnan(lx) else lx, yy), xytext=(8, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.axvline(100, color="black", linestyle="--", linewidth=0.8)
    ax.set_yticks(y, df[label].astype(str).tolist())
    ax.invert_yaxis()
    ax.set_xlabel("Attainment (完成率, % of annual target)")
    ax.margins(x=0.25)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), markerscale=0.4)
    if title:
        ax.set_title(title)
    return fig


def milestone_timeline(df: pd.DataFrame, *, project: str = "project", planned: str = "planned",
                       start: str = "start", end: str = "end", kind: str = "kind", status: str = "status",
                       as_of: str | pd.Timestamp | None = None, title: str | None = None) -> Figure:
    """Gantt-like chart of planned milestones: projects on y, months on x, a marker per milestone kind.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per milestone. Columns:

        * ``project`` (str): project name, e.g. '华海药业新药项目' (Chinese names render with the CJK font);
          projects are drawn top to bottom in order of first appearance;
        * either ``planned`` (str): period string of :mod:`analysis.periods` ('2022-04', '2022-04/2022-06',
          '2022'), as in the milestones table; or ``start`` (datetime-like) and optionally ``end``;
        * ``kind`` (str): milestone kind (keys of :data:`MILESTONE_MARKERS`; others get the 'other' marker);
        * ``status`` (str, optional): done, done_late, late, due, not_yet_due, unknown (colours of
          :data:`STATUS_COLOURS`; others grey). Without it every marker is dark grey.
    project, planned, start, end, kind, status : str
        Column names.
    as_of : datetime-like, optional
        Date of the status, drawn as a dashed vertical line.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes: one scatter collection per milestone kind (legend shows the kinds and the statuses present),
        one bar per milestone that spans more than one month, y tick labels = projects.

    Raises
    ------
    ValueError
        If a column is missing, the frame is empty, a period cannot be parsed or is unknown, or an end precedes
        its start.

    Notes
    -----
    A milestone in one month is drawn mid-month; a span (e.g. 4-6月) as a bar from its first to its last day,
    with the marker in its last month (the deadline). Milestones of one project in the same month are spread
    vertically so that none hides another.
    """
    func = "milestone_timeline"
    _check_frame(df, [project, kind], func)
    if start in df.columns:
        t0 = pd.to_datetime(df[start], errors="coerce")
        t1 = pd.to_datetime(df[end], errors="coerce").fillna(t0) if end in df.columns else t0
        if t0.isna().any():
            raise ValueError(f"{func}: column {start!r} has missing or unparseable dates")
    elif planned in df.columns:
        parsed = {}
        for text in pd.unique(df[planned]):
            try:
                p = parse_period(text)
            except ValueError as exc:
                raise ValueError(f"{func}: column {planned!r}: {exc}") from None
            if not p.known:
                raise ValueError(f"{func}: column {planned!r} has an unknown period; drop such rows first")
            parsed[text] = p
        t0 = df[planned].map(lambda s: parsed[s].start)
        t1 = df[planned].map(lambda s: parsed[s].end)
    else:
        raise ValueError(f"{func}: missing column {planned!r} (period strings) or {start!r} (dates)")
    t0, t1 = pd.to_datetime(t0), pd.to_datetime(t1)
    if (t1 < t0).any():
        raise ValueError(f"{func}: an end precedes its start")
    mark = pd.Series(np.maximum(t0.to_numpy(), (t1 - pd.Timedelta(days=14)).to_numpy()), index=df.index)
    span = (t1 - t0) > pd.Timedelta(days=31)

    projects = pd.unique(df[project])
    ypos = df[project].map({p: i for i, p in enumerate(projects)}).to_numpy(dtype=float)
    month = mark.dt.to_period("M")
    slot = df.groupby([df[project].to_numpy(), month.to_numpy()]).cumcount().to_numpy()
    size = df.groupby([df[project].to_numpy(), month.to_numpy()])[kind].transform("size").to_numpy()
    ypos = ypos + (slot - (size - 1) / 2) * 0.22

    has_status = status in df.columns and df[status].notna().any()
    colours = (df[status].map(lambda s: STATUS_COLOURS.get(s, _MUTED) if isinstance(s, str) else _MUTED)
               if has_status else pd.Series("#333333", index=df.index))
    kinds = df[kind].astype(str)

    fig, ax = _new_figure(figsize=(10, _height(len(projects), 0.5, 3.0)))
    for i in np.flatnonzero(span.to_numpy()):
        left = mdates.date2num(t0.iloc[i])
        ax.barh(ypos[i], mdates.date2num(t1.iloc[i]) - left, left=left, height=0.18,
                color=colours.iloc[i], alpha=0.35)
    mark_num = mdates.date2num(mark)
    for k in pd.unique(kinds):
        sel = (kinds == k).to_numpy()
        ax.scatter(mark_num[sel], ypos[sel], marker=MILESTONE_MARKERS.get(k, MILESTONE_MARKERS["other"]), s=70,
                   c=colours[sel].tolist(), edgecolors="black", linewidths=0.5, zorder=3, label=k)
    if as_of is not None:
        ax.axvline(mdates.date2num(pd.Timestamp(as_of)), color="black", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(projects)), [str(p) for p in projects])
    ax.set_ylim(len(projects) - 0.5, -0.5)
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel("Planned month (计划月份)")
    handles = [Line2D([], [], linestyle="", marker=MILESTONE_MARKERS.get(k, MILESTONE_MARKERS["other"]),
                      color="#333333", markersize=7, label=k) for k in pd.unique(kinds)]
    if has_status:
        handles += [Patch(color=STATUS_COLOURS.get(s, _MUTED), label=str(s)) for s in pd.unique(df[status].dropna())]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if title:
        ax.set_title(title)
    return fig


def stage_funnel_chart(df: pd.DataFrame, *, stage: str = "stage", count: str = "count",
                       order: Sequence[str] | None = None, cumulative: bool = False,
                       title: str | None = None) -> Figure:
    """Funnel of projects by stage, with the conversion from each stage to the next.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per stage. Columns:

        * ``stage`` (str): a stage of :data:`STAGE_ORDER` (labelled with its Chinese name, e.g. 签约) or any
          label;
        * ``count`` (int): projects that reached the stage (or, with ``cumulative=True``, projects whose current
          stage it is).
    stage, count : str
        Column names.
    order : sequence of str, optional
        Order of stages, top to bottom. Default: :data:`STAGE_ORDER` when every stage is in it, else row order.
    cumulative : bool, default False
        Convert counts 'currently at stage' into 'reached stage or a later one' (a reverse cumulative sum over
        ``order``) before drawing.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        One axes with one centred bar and one text label per stage.

    Raises
    ------
    ValueError
        If a column is missing, the frame is empty, counts are not numeric or negative, a stage repeats, or
        ``order`` misses a stage of the frame.

    Notes
    -----
    Conversion of stage k = count_k / count_{k-1} × 100, in percent; it exceeds 100 % only when the counts are
    not 'reached' counts (use ``cumulative=True`` for counts by current stage).
    """
    func = "stage_funnel_chart"
    _check_frame(df, [stage, count], func)
    _no_duplicates(df, [stage], func)
    counts = _numeric(df, count, func)
    if counts.isna().any() or (counts < 0).any():
        raise ValueError(f"{func}: column {count!r} must hold non-negative counts")
    stages = list(pd.unique(df[stage]))
    if order is None:
        order = [s for s in STAGE_ORDER if s in stages] if set(stages) <= set(STAGE_ORDER) else stages
    else:
        order = list(order)
        missing = [s for s in stages if s not in order]
        if missing:
            raise ValueError(f"{func}: order misses stage(s) {missing}")
    c = pd.Series(counts.to_numpy(), index=df[stage].to_numpy()).reindex(order).fillna(0.0)
    if cumulative:
        c = c[::-1].cumsum()[::-1]
    fig, ax = _new_figure(figsize=(7.5, _height(len(c), 0.55)))
    y = np.arange(len(c))
    v = c.to_numpy()
    ax.barh(y, v, left=-v / 2, color=PALETTE[5], height=0.7)
    prev = np.concatenate([[np.nan], v[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        conv = v / prev * 100
    labels = [f"{_fmt_num(n, 0)}" + (f"  ({_fmt_num(cv, 0)}% of previous)" if np.isfinite(cv) else "")
              for n, cv in zip(v, conv)]
    for yy, lab in zip(y, labels):
        ax.text(0, yy, lab, ha="center", va="center", color="black", fontsize=9)
    ax.set_yticks(y, [f"{STAGE_LABELS_ZH[s]} ({s})" if s in STAGE_LABELS_ZH else str(s) for s in c.index])
    ax.invert_yaxis()
    ax.set_xlabel("Projects (项目数)")
    lim = max(v.max(), 1) / 2 * 1.05
    ax.set_xlim(-lim, lim)
    ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda x, _: _fmt_num(abs(x), 0)))
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(title)
    return fig


def heatmap(df: pd.DataFrame, *, row: str = "sector", col: str = "lead_unit", value: str = "value",
            scale: float = 1e8, unit: str = "亿元", fmt: str = ".1f", cmap: str = "YlOrRd",
            title: str | None = None) -> Figure:
    """Heat map of an amount by two categories (投资热力图), e.g. sector × lead unit, annotated in 亿元.

    Parameters
    ----------
    df : pandas.DataFrame
        Long frame. Columns:

        * ``sector`` (str): row category;
        * ``lead_unit`` (str): column category, e.g. '市发改局' (主责单位);
        * ``value`` (float): amount in base units (yuan), e.g. projects' total investment. Rows of the same
          (sector, lead_unit) are summed; a pair with no row, or only missing values, is left blank.
    row, col, value : str
        Column names.
    scale, unit : float and str, default 1e8 and '亿元'
        Amounts are divided by ``scale`` (1e8 yuan = 1 亿元); the colour bar names the result in ``unit``.
    fmt : str, default '.1f'
        Format of the annotations.
    cmap : str, default 'YlOrRd'
        Colour map.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.figure.Figure
        Heat-map axes plus colour bar; one annotation per non-blank cell; rows and columns in order of first
        appearance.

    Raises
    ------
    ValueError
        If a column is missing, the frame is empty, amounts are not numeric, or ``scale`` is not positive.

    Notes
    -----
    Cell = sum of ``value`` over the pair / ``scale``, in ``unit``.
    """
    func = "heatmap"
    _check_frame(df, [row, col, value], func)
    if not scale > 0:
        raise ValueError(f"{func}: scale must be positive, got {scale!r}")
    amount = _numeric(df, value, func) / scale
    grid = (pd.DataFrame({"r": df[row].astype(str).to_numpy(), "c": df[col].astype(str).to_numpy(),
                          "v": amount.to_numpy()})
            .groupby(["r", "c"], sort=False)["v"].sum(min_count=1).unstack("c")
            .reindex(index=pd.unique(df[row].astype(str)), columns=pd.unique(df[col].astype(str))))
    grid.index.name, grid.columns.name = row, col
    fig, ax = _new_figure(figsize=(max(6.0, 2.5 + 1.1 * grid.shape[1]), _height(grid.shape[0], 0.5, 3.0)))
    # drawn with matplotlib itself (what seaborn.heatmap does for this case): seaborn's import pulls in scipy.stats,
    # 0.4 s that every report's process would pay for one figure
    values = np.ma.masked_invalid(grid.to_numpy(dtype=float))
    mesh = ax.pcolormesh(values, cmap=cmap, edgecolors="white", linewidth=0.5)
    ax.set_xlim(0, grid.shape[1])
    ax.set_ylim(grid.shape[0], 0)  # first row on top, as a table reads
    ax.set_xticks(np.arange(grid.shape[1]) + 0.5, [str(c) for c in grid.columns])
    ax.set_yticks(np.arange(grid.shape[0]) + 0.5, [str(r) for r in grid.index])
    ax.set_xlabel(col)
    ax.set_ylabel(row)
    ax.grid(False)
    for side in ax.spines.values():
        side.set_visible(False)
    fig.colorbar(mesh, ax=ax, label=unit)
    lo, hi = (float(values.min()), float(values.max())) if values.count() else (0.0, 1.0)
    for (i, j), v in np.ndenumerate(values.filled(np.nan)):
        if np.isnan(v):
            continue
        shade = (v - lo) / (hi - lo) if hi > lo else 0.5
        ax.text(j + 0.5, i + 0.5, format(v, fmt), ha="center", va="center",
                color="white" if shade > 0.6 else "black")
    ax.tick_params(axis="x", labelrotation=30)
    ax.tick_params(axis="y", labelrotation=0)
    if title:
        ax.set_title(title)
    return fig


def fig_to_png_bytes(fig: Figure, dpi: float | None = None) -> bytes:
    """Render a figure to PNG and return the bytes.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    dpi : float, optional
        Resolution; default ``savefig.dpi`` of the style (150).

    Returns
    -------
    bytes
        The PNG file's content (starts with the PNG signature).

    Raises
    ------
    ValueError
        If ``fig`` is not a matplotlib Figure.

    Notes
    -----
    Rendering is where matplotlib warns about glyphs missing from the font, so this is also the call to run
    under ``warnings.catch_warnings`` when checking that Chinese labels render.
    """
    if not isinstance(fig, Figure):
        raise ValueError(f"fig: expected a matplotlib Figure, got {type(fig).__name__}")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
