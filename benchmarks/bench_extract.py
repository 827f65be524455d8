"""Benchmark: the extractor's speed, and JioNLP's ``extract_money`` beside it on the seeds' money figures.

1. Speed of ``analysis.extract.extract_text``: on each seed document, and on a 10,000-line document made by
   repeating the five seeds' lines in order (a *page* is taken as 40 lines). Goal (issue 10): under 2 s.
2. Money figures side by side on the five seed documents (``../shared/seeds`` or ``ANALYSIS_SEEDS_DIR``):
   JioNLP's ``extract_money`` (jionlp 1.5.31, an optional benchmark dependency) and ours, each scored against the
   embedded dataset's money figures (unit yuan or usd: observation levels, fund sizes, equity amounts, project
   investments) with the matching of ``analysis.extract.evaluate``: same document, line, unit and value (relative
   1e-6), each reference figure matched once. JioNLP is called on one line at a time (so that each entity has a
   line); its ``detail['num']`` is the value (a range such as 550余万元 gives [low, high]: the low end, as the
   codebook records ranges) and ``detail['case']`` the currency (元 → yuan, 美元 → usd; any other currency matches
   nothing). Real money figures the curator did not record (tests/data/extract/uncurated_figures.csv) do not count
   against either's precision.

Prints tables; asserts nothing. Run with ``make benchmark-extract`` (installs the ``benchmark`` extra), or
``python benchmarks/bench_extract.py`` after ``pip install -e ".[benchmark]"`` (or ``pip install jionlp==1.5.31``);
without jionlp the side by side is skipped, and the script says so.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

from analysis import config, load_dataset
from analysis.extract import DocumentInfo, Draft, extract_text
from analysis.extract.core import DRAFT_TABLES, empty_table
from analysis.extract.evaluate import Evaluation, evaluate, read_extras

EXTRAS = config.PROJECT_ROOT / "tests" / "data" / "extract" / "uncurated_figures.csv"
LONG_LINES = 10_000
PAGE_LINES = 40
MONEY = ("yuan", "usd")
JIONLP_CURRENCY = {"元": "yuan", "美元": "usd"}
REPEAT = 3


def seed_documents(dataset) -> list[tuple[DocumentInfo, list[str]]]:
    """The seeds of documents.csv: their DocumentInfo (region, published date of documents.csv) and lines."""
    out = []
    for _, r in dataset.documents.iterrows():
        published = r["published"] if isinstance(r["published"], str) and r["published"].strip() else None
        lines = (config.SEEDS_DIR / r["doc"]).read_text(encoding="utf-8").splitlines()
        out.append((DocumentInfo(doc=r["doc"], region=r["region"], published=published), lines))
    return out


def best_time(fn, repeat: int = REPEAT) -> tuple[float, object]:
    """Shortest wall time of ``repeat`` calls, in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def _figures_proposed(draft: Draft) -> int:
    return sum(len(df) for df in draft.tables.values())


def long_document(seeds: list[tuple[DocumentInfo, list[str]]]) -> list[str]:
    """The seeds' lines, in order, repeated to :data:`LONG_LINES` lines."""
    pool = [line for _, lines in seeds for line in lines]
    return (pool * (LONG_LINES // len(pool) + 1))[:LONG_LINES]


def speed(seeds: list[tuple[DocumentInfo, list[str]]], long: list[str]) -> list[Draft]:
    """Print the time to extract each seed and the long document; return the seeds' drafts."""
    rows, drafts = [], []
    for info, lines in seeds:
        t, draft = best_time(lambda: extract_text(lines, info))
        drafts.append(draft)
        rows.append({"document": info.doc, "lines": len(lines), "ms": round(t * 1000, 1),
                     "rows proposed": _figures_proposed(draft)})
    print(f"Time to extract each seed (best of {REPEAT}):")
    print(pd.DataFrame(rows).to_string(index=False))
    info = DocumentInfo(doc="long.txt", region=None, published="2022")
    t, draft = best_time(lambda: extract_text(long, info))
    print(f"\nLong document: the seeds' {sum(len(lines) for _, lines in seeds)} lines repeated to {LONG_LINES} lines "
          f"({sum(map(len, long)):,} characters; a page = {PAGE_LINES} lines, so {LONG_LINES // PAGE_LINES} pages)")
    print(f"  extract_text: {t:.3f} s (best of {REPEAT}; goal < 2 s), {LONG_LINES / t:,.0f} lines/s, "
          f"{LONG_LINES / PAGE_LINES / t:,.1f} pages/s, {_figures_proposed(draft)} rows proposed")
    return drafts


def load_jionlp():
    """JioNLP's ``extract_money``, or None when jionlp is not installed (its banner on import is silenced)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import jionlp
    except ImportError:
        return None
    return jionlp


def _jionlp_value(detail: dict) -> float:
    num = detail["num"]
    return float(num[0] if isinstance(num, (list, tuple)) else num)


def jionlp_draft(extract_money, info: DocumentInfo, lines: list[str]) -> tuple[Draft, int]:
    """JioNLP's money entities of a document, line by line, as observation rows; and the count of lines it failed on."""
    rows, errors = [], 0
    for no, line in enumerate(lines, 1):
        try:
            entities = extract_money(line, with_parsing=True)
        except Exception:  # noqa: BLE001 - a third-party failure on one line is counted, not fatal
            errors += 1
            continue
        for e in entities:
            d = e["detail"]
            rows.append({"doc": info.doc, "line": no, "value": _jionlp_value(d),
                         "unit": JIONLP_CURRENCY.get(d["case"], d["case"]), "raw": "".join(e["text"].split()),
                         "quality": "ok", "note": d.get("definition")})
    tables = {t: empty_table(t) for t in DRAFT_TABLES}
    tables["observations"] = pd.DataFrame(rows, dtype=object).reindex(columns=empty_table("observations").columns)
    return Draft(pd.DataFrame({"doc": [info.doc]}), tables, pd.DataFrame()), errors


def money_scores(ev: Evaluation) -> pd.DataFrame:
    """Per document: reference money figures, proposed money figures, matched, excused extras, recall, precision."""
    def money(df: pd.DataFrame) -> pd.DataFrame:
        return df[df["unit"].isin(MONEY)] if len(df) else df

    rows = []
    for doc in ev.per_document["doc"]:
        m, miss, fp, ex = (money(df[df["doc"] == doc]) if len(df) else df
                           for df in (ev.matched, ev.misses, ev.false_positives, ev.excused))
        used = m["proposal"].nunique() if len(m) else 0
        rows.append({"doc": doc, "reference": len(m) + len(miss), "proposed": used + len(fp) + len(ex),
                     "matched": len(m), "proposals_matched": used, "extras": len(ex)})
    out = pd.DataFrame(rows)
    total = out.drop(columns="doc").sum().to_dict()
    out = pd.concat([out, pd.DataFrame([{"doc": "all", **total}])], ignore_index=True)
    out["recall"] = (out["matched"] / out["reference"]).round(3)
    out["precision"] = ((out["proposals_matched"] + out["extras"])
                        / out["proposed"].where(out["proposed"] > 0)).round(3)
    return out


def side_by_side(seeds, drafts: list[Draft], dataset, extras: pd.DataFrame, long: list[str]) -> None:
    """Print JioNLP's and our money figures' recall and precision per document."""
    docs = [info.doc for info, _ in seeds]
    ours_ev = evaluate(drafts, dataset, docs=docs, extras=extras)
    print("\nOur extractor, all figures, per document (analysis.extract.evaluate; shares of matched figures):")
    cols = ["doc", "reference", "proposed", "matched", "extras", "recall", "precision", "qualifier_acc",
            "status_acc", "growth_acc", "period_acc"]
    print(ours_ev.summary()[cols].to_string(index=False))
    ours = money_scores(ours_ev)
    jio = load_jionlp()
    if jio is None:
        print("\nJioNLP is not installed: side by side skipped. Install the optional benchmark dependency with\n"
              "  pip install -e \".[benchmark]\"   (or: pip install jionlp==1.5.31; or: make benchmark-extract)")
        print("\nOur extractor, money figures (yuan, usd):")
        print(ours.to_string(index=False))
        return
    t0 = time.perf_counter()
    made = [jionlp_draft(jio.ner.extract_money, info, lines) for info, lines in seeds]
    t_jio = time.perf_counter() - t0
    jio_ev = evaluate([d for d, _ in made], dataset, docs=docs, extras=extras)
    theirs = money_scores(jio_ev)
    both = ours[["doc", "reference"]].copy()
    for name, scores in (("jionlp", theirs), ("ours", ours)):
        for col in ("proposed", "matched", "recall", "precision"):
            both[f"{name} {col}"] = scores[col]
    errors = sum(e for _, e in made)
    t_long, _ = best_time(lambda: jionlp_draft(jio.ner.extract_money, DocumentInfo(doc="long.txt"), long), 1)
    print(f"\nJioNLP extract_money on the long document, line by line: {t_long:.3f} s, {LONG_LINES / t_long:,.0f} "
          f"lines/s, {LONG_LINES / PAGE_LINES / t_long:,.1f} pages/s (money only)")
    print(f"\nMoney figures (yuan, usd) on the five seeds: JioNLP {jio.__version__} extract_money "
          f"(line by line, {t_jio:.2f} s for {sum(len(l) for _, l in seeds)} lines; {errors} lines raised) "
          f"and ours, against the embedded dataset; extras excused: jionlp {int(theirs['extras'].iloc[-1])}, "
          f"ours {int(ours['extras'].iloc[-1])}")
    print(both.to_string(index=False))
    fps = jio_ev.false_positives
    print(f"\nJioNLP's {len(fps)} false positives (first 25): doc, line, text, value, currency")
    for f in fps.head(25).itertuples():
        print(f"  {f.doc[:3]} line {f.line:>3}: {f.raw:<14} {f.value:>16,.0f} {f.unit}")
    miss = jio_ev.misses[jio_ev.misses["unit"].isin(MONEY)]
    bare = miss["raw"].map(lambda r: "元" not in str(r)).sum()
    print(f"JioNLP's {len(miss)} missed money figures by table: "
          + ", ".join(f"{t} {n}" for t, n in miss["table"].value_counts().items())
          + f"; {bare} of them bare numbers in a table column whose header gives the unit (总投资(亿元))")


def main() -> None:
    if not config.SEEDS_DIR.is_dir():
        print(f"seed documents not found at {config.SEEDS_DIR} (set ANALYSIS_SEEDS_DIR); nothing to measure")
        sys.exit(1)
    dataset = load_dataset()
    seeds = seed_documents(dataset)
    long = long_document(seeds)
    drafts = speed(seeds, long)
    side_by_side(seeds, drafts, dataset, read_extras(EXTRAS), long)


if __name__ == "__main__":
    main()
