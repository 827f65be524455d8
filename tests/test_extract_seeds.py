"""The extractor on the five seed documents, measured against the embedded (hand-curated) dataset.

Runs ``analysis.extract.extract_text`` on each document of ``data/default/documents.csv`` (its lines from
``../shared/seeds``, or ``ANALYSIS_SEEDS_DIR``; region and published date from documents.csv) and scores the
proposals with ``analysis.extract.evaluate``: recall and precision of figures over the five documents (same doc,
line, unit and value) must reach 90 % (issue 10). Real figures the curator did not record
(``tests/data/extract/uncurated_figures.csv``) do not count against precision. No proposed figure may fall into a
trap of the codebook (dates, years, size classes 亿元以上, the phone number, slogans, document 004's "2023"
artefacts read as values).

Skips with the reason when the seed documents are absent, except under CI (``CI`` set), where that fails.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from analysis import config, load_dataset
from analysis.extract import DocumentInfo, Draft, extract_text
from analysis.extract.evaluate import evaluate, proposed_figures, read_extras, reference_figures

EXTRAS = Path(__file__).parent / "data" / "extract" / "uncurated_figures.csv"
GOAL = 0.90

D000, D001, D002, D003, D004 = ("000_890bd172b6e88206.txt", "001_9c420341d3f08b1c.txt", "002_583c6829ab56027c.txt",
                                "003_a07d5e58f742e788.txt", "004_84ad286a35deb247.txt")


@dataclass(frozen=True)
class Trap:
    """Text on a line that is not a figure: no proposal (other than a damaged one) may overlap it or give one of
    ``values`` (the reading an extractor that falls into the trap would propose)."""

    doc: str
    line: int
    text: str
    why: str
    values: tuple[float, ...] = ()


TRAPS = [
    Trap(D000, 7, "去年3月", "date"), Trap(D000, 20, "12月8日", "date"), Trap(D000, 30, "三共三创", "slogan"),
    Trap(D000, 32, "六位一体", "slogan"), Trap(D000, 34, "今年6月", "date"), Trap(D000, 36, "八八战略", "slogan"),
    Trap(D000, 40, "八八战略", "slogan"), Trap(D000, 88, "一话通", "slogan"), Trap(D000, 110, "12月13日", "date"),
    Trap(D000, 112, "今年9月", "date"),
    Trap(D001, 4, "2022-05-31", "date"), Trap(D001, 4, "15:41", "time of day"),
    Trap(D001, 10, "签约亿元以上", "size class after 签约, not an amount (nor 约 'about')", (1e8,)),
    Trap(D001, 21, "2023年", "year"), Trap(D001, 21, "2022年", "year"), Trap(D001, 29, "2022年", "year in a title"),
    Trap(D001, 27, "一个项目、一名领导、一套人马", "slogan"), Trap(D001, 43, "五步法", "slogan"),
    Trap(D001, 43, "一个口子", "slogan"), Trap(D001, 57, "三比三看", "slogan"),
    Trap(D001, 59, "2022—2030年", "years"), Trap(D001, 61, "“156”", "name of a plan"),
    Trap(D002, 17, "一手抓", "一手 is not a number"), Trap(D002, 17, "两个样板", "slogan"),
    Trap(D002, 17, "十四五", "name of a five-year plan"), Trap(D002, 31, "三张牌", "slogan"),
    Trap(D002, 37, "一都九中心十五张牌", "slogan"), Trap(D002, 39, "最多跑一次", "slogan"),
    Trap(D002, 43, "2021年", "year"), Trap(D002, 55, "2020年8月", "date"), Trap(D002, 55, "2021年2月", "date"),
    Trap(D003, 15, "十九届六中全会", "ordinal"), Trap(D003, 15, "一把手", "not a number"),
    Trap(D003, 15, "一批", "一批 is not a number"),
    Trap(D003, 19, "签约亿元以上", "size class after 签约, not an amount", (1e8,)),
    Trap(D003, 19, "10亿元以上", "size class (10亿元以上产业项目5个), not an amount", (1e9,)),
    Trap(D003, 23, "一把手", "not a number"), Trap(D003, 25, "一批", "一批 is not a number"),
    Trap(D003, 39, "一盘棋", "slogan"), Trap(D003, 59, "4月", "month"), Trap(D003, 59, "5月", "month"),
    Trap(D003, 59, "8月", "month"), Trap(D003, 65, "2021年12月20日", "date"), Trap(D003, 87, "1月12日", "date"),
    Trap(D003, 89, "4-6月", "span of months"), Trap(D003, 95, "一心", "一心 is not a number"),
    Trap(D003, 95, "一体", "一体 is not a number"), Trap(D003, 137, "十四五", "name of a five-year plan"),
    Trap(D003, 149, "6月", "month"), Trap(D003, 149, "12月", "month"), Trap(D003, 161, "2023年", "year"),
    Trap(D004, 6, "3074922707", "phone number", (3074922707,)),
    Trap(D004, 7, "2023", "damaged artefact", (2023,)),
    Trap(D004, 14, "1-2023月", "damaged span of months", (2023,)),
    Trap(D004, 16, "四纵八横", "slogan"), Trap(D004, 16, "六纵六横", "slogan"),
    Trap(D004, 16, "2023月2023日", "damaged date", (2023,)), Trap(D004, 16, "8月29日", "date"),
    Trap(D004, 17, "2023月26日", "damaged date", (2023,)), Trap(D004, 17, "11月底", "date"),
    Trap(D004, 17, "6月15日", "date"), Trap(D004, 17, "今年3月份", "date"),
    Trap(D004, 18, "9月底", "date"), Trap(D004, 18, "9月26日", "date"), Trap(D004, 18, "第四批", "ordinal"),
    Trap(D004, 19, "202300亩", "damaged figure: flag it, never repair it", (202300, 2023)),
    Trap(D004, 23, "2023家", "damaged figure: flag it, never repair it", (2023,)),
    Trap(D004, 23, "百亿元级", "size class, not an amount", (1e10,)),
    Trap(D004, 25, "三同时", "slogan"), Trap(D004, 27, "一馆两厂两湖三校", "slogan"),
    Trap(D004, 27, "21街", "street name"), Trap(D004, 27, "25街", "street name"),
    Trap(D004, 27, "二十七桥", "name of a bridge"),
]


def _squash(s) -> str:
    return re.sub(r"\s+", "", str(s)) if s is not None and not (isinstance(s, float) and math.isnan(s)) else ""


def _falls_in(trap: Trap, raw, value) -> bool:
    """Whether a figure (raw text, value) on the trap's line overlaps the trap text or gives one of its values."""
    raw, text = _squash(raw), _squash(trap.text)
    if raw and (raw in text or text in raw):
        return True
    return value is not None and not pd.isna(value) and any(
        math.isclose(float(value), v, rel_tol=1e-9) for v in trap.values)


@pytest.fixture(scope="module")
def seeds() -> Path:
    if not config.SEEDS_DIR.is_dir():
        reason = f"seed documents not found at {config.SEEDS_DIR} (set ANALYSIS_SEEDS_DIR)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; under CI the extractor must be measured on them")
        pytest.skip(f"{reason}; the extractor is not measured")
    return config.SEEDS_DIR


@pytest.fixture(scope="module")
def dataset():
    return load_dataset()


@pytest.fixture(scope="module")
def lines(seeds, dataset) -> dict[str, list[str]]:
    docs = list(dataset.documents["doc"])
    missing = [d for d in docs if not (seeds / d).exists()]
    assert not missing, f"documents.csv lists {', '.join(missing)}, not found in {seeds}"
    return {d: (seeds / d).read_text(encoding="utf-8").splitlines() for d in docs}


def _info(row) -> DocumentInfo:
    published = row["published"] if isinstance(row["published"], str) and row["published"].strip() else None
    return DocumentInfo(doc=row["doc"], region=row["region"], published=published)


@pytest.fixture(scope="module")
def draft(dataset, lines) -> list[Draft]:
    """One draft per seed document."""
    return [extract_text(lines[r["doc"]], _info(r)) for _, r in dataset.documents.iterrows()]


@pytest.fixture(scope="module")
def evaluation(draft, dataset):
    return evaluate(draft, dataset, docs=list(dataset.documents["doc"]), extras=read_extras(EXTRAS))


def _table(ev) -> str:
    cols = ["doc", "reference", "proposed", "matched", "extras", "recall", "precision", "qualifier_acc",
            "status_acc", "growth_acc", "period_acc"]
    return ev.summary()[cols].to_string(index=False)


def _rows(df: pd.DataFrame, n: int = 15) -> str:
    cols = [c for c in ("doc", "line", "table", "column", "raw", "value", "unit", "kind") if c in df]
    return df[cols].head(n).to_string(index=False) + (f"\n... {len(df) - n} more" if len(df) > n else "")


def test_the_extractor_finds_90_percent_of_the_curated_figures(evaluation):
    t = evaluation.totals()
    assert t["recall"] >= GOAL, (
        f"recall {t['recall']:.3f} ({t['matched']} of {t['reference']} reference figures) over the five seed "
        f"documents; expected at least {GOAL}\n{_table(evaluation)}\nfirst misses:\n{_rows(evaluation.misses)}")


def test_90_percent_of_the_proposed_figures_are_real(evaluation):
    t = evaluation.totals()
    assert t["proposed"] > 0, f"the extractor proposed no figure in the five seed documents\n{_table(evaluation)}"
    assert t["precision"] >= GOAL, (
        f"precision {t['precision']:.3f} (({t['matched']} matched + {t['extras']} listed extras) of {t['proposed']} "
        f"proposed) over the five seed documents; expected at least {GOAL}\n{_table(evaluation)}\n"
        f"first false positives (a real figure the curator left out belongs in {EXTRAS.name}, with its reason):\n"
        f"{_rows(evaluation.false_positives)}")


@pytest.mark.parametrize("doc", [D000, D001, D002, D003, D004])
def test_no_trap_is_proposed(draft, doc):
    figs = proposed_figures(draft)
    figs = figs[(figs["doc"] == doc) & (figs["kind"] != "damaged")]
    assert len(figs), f"{doc}: the extractor proposed no figure, so the trap check would say nothing"
    fallen = [f"{doc} line {t.line}: proposed {f.raw!r} ({f.value} {f.unit}) where {t.text!r} is a {t.why}"
              for t in TRAPS if t.doc == doc
              for f in figs[figs["line"] == t.line].itertuples() if _falls_in(t, f.raw, f.value)]
    assert not fallen, "figures proposed from traps:\n" + "\n".join(fallen)


def test_the_trap_list_names_text_of_the_documents_and_no_real_figure(lines, dataset):
    ref = reference_figures(dataset)
    ref = ref[ref["kind"] != "damaged"]
    extras = read_extras(EXTRAS)
    problems = []
    for t in TRAPS:
        line = _squash(lines[t.doc][t.line - 1]) if t.line <= len(lines[t.doc]) else ""
        if _squash(t.text) not in line:
            problems.append(f"{t.doc} line {t.line}: trap text {t.text!r} is not on the line")
        here = ref[(ref["doc"] == t.doc) & (ref["line"] == t.line)]
        listed = extras[(extras["doc"] == t.doc) & (extras["line"] == t.line)]
        real = [(r.raw, r.value) for r in here.itertuples()] + [(raw, None) for raw in listed["raw"]]
        problems += [f"{t.doc} line {t.line}: trap {t.text!r} overlaps the real figure {raw!r}"
                     for raw, value in real if _falls_in(t, raw, value)]
    assert not problems, "\n".join(problems)


def test_every_uncurated_figure_stands_on_its_line_and_is_not_a_reference_figure(lines, dataset):
    extras = read_extras(EXTRAS)
    ref = reference_figures(dataset)
    problems = []
    for e in extras.itertuples():
        if _squash(e.raw) not in _squash(lines[e.doc][e.line - 1]):
            problems.append(f"{EXTRAS.name}: {e.doc} line {e.line}: {e.raw!r} is not on the line")
        if not e.reason.strip():
            problems.append(f"{EXTRAS.name}: {e.doc} line {e.line}: {e.raw!r} has no reason")
    on_line = extras.groupby(["doc", "line", "raw"]).size()
    for (doc, line, raw), n in on_line.items():
        written = len(re.findall(re.escape(raw), _squash(lines[doc][line - 1])))
        curated = int(((ref["doc"] == doc) & (ref["line"] == line) & (ref["raw"] == raw)).sum())
        if n + curated > written:
            problems.append(f"{EXTRAS.name}: {doc} line {line}: {raw!r} listed {n} times and curated {curated} "
                            f"times, but written {written} times on the line")
    assert not problems, "\n".join(problems)
