"""Figures in a line of text: numbers with their scale, unit and qualifier words (skeleton; filled by issue 10)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Figure", "find_figures"]


@dataclass(frozen=True)
class Figure:
    """One figure found in a line.

    Attributes
    ----------
    start, end : int
        Character offsets of ``text`` in the line (``line[start:end] == text``).
    text : str
        The span as it stands in the line (spaces kept).
    raw : str
        The figure as the dataset's ``raw`` column writes it: ``text`` with white space removed, including its
        qualifier words (超10.5亿元, 95%以上, 近200亿元), so that ``parse_quantity(raw)`` gives value, unit and
        qualifier back (for a damaged figure it does not).
    value : float or None
        In base units (yuan, usd, m2, mu, count, percent, ...); None for a damaged figure.
    unit : str or None
        A code of :data:`analysis.vocab.UNIT`.
    qualifier : str
        A code of :data:`analysis.vocab.QUALIFIER` (exact, at_least, more_than, about, just_under, at_most).
    kind : str
        ``level``, ``growth`` (a growth rate in percent) or ``ratio``.
    upper : float or None
        Upper end of a range (2-3家 → value 2, qualifier at_least, upper 3).
    quality : str
        ``ok``, ``uncertain`` or ``damaged``.
    note : str
        Why the figure is uncertain or damaged ('' otherwise).
    """

    start: int
    end: int
    text: str
    raw: str
    value: float | None
    unit: str | None
    qualifier: str = "exact"
    kind: str = "level"
    upper: float | None = None
    quality: str = "ok"
    note: str = ""


def find_figures(line: str) -> list[Figure]:
    """The figures in ``line``, left to right (skeleton: none yet)."""
    return []
