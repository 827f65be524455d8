"""Recall and precision of a draft against a curated dataset: which figures the extractor found, and how well.

A *figure* is one number a table row stands on, cited by document and line: an observation's level
(``value``/``unit``) and its growth rate (``yoy_pct``, kind ``growth``, unit percent); a fund's ``total_size``,
``committed`` and ``paid_in`` (unit: the row's ``currency``); an equity stake's ``amount`` (yuan) and
``stake_pct`` (percent); a project's ``total_investment`` (yuan) and ``land`` (``land_unit``). A damaged
observation (``quality = damaged``, value empty) is a figure of kind ``damaged``.

A proposed figure *matches* a reference figure when doc, line, unit and kind agree and the values agree within a
relative 1e-6; a damaged one when doc, line and kind ``damaged`` agree. Each reference figure is matched at most
once, so a figure proposed twice counts once. A figure of the text that the curator recorded in two tables (an
observation and a project's land: same doc, line, raw, value and unit) is found when either of its rows is
matched. A proposed figure that matches nothing is a false positive unless it is listed among the *extras*: real
figures of the documents that the curator did not record (``doc``, ``line``, ``raw``, ``reason``; each excuses one
proposal on its line with the same raw text, or with text containing the other and the same value and unit).

Recall = matched reference figures / reference figures; precision = (proposals that matched + excused extras) /
proposed figures. On the matched observation figures the evaluation also scores the qualifier, status, period
and growth (``yoy_pct`` of a matched level, where either side has one).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..units import QuantityParseError, parse_quantity

__all__ = ["FIGURE_COLUMNS", "reference_figures", "proposed_figures", "read_extras", "evaluate", "Evaluation"]

#: Columns of a figures frame (:func:`reference_figures`, :func:`proposed_figures`).
FIGURE_COLUMNS = ["doc", "line", "table", "column", "value", "unit", "kind", "raw",
                  "qualifier", "status", "period", "yoy"]

#: Relative tolerance of a value match.
REL_TOL = 1e-6

#: (table, value column, unit: a column name or "=unit", qualifier column, raw column)
_MONEY_AND_LAND = [
    ("funds", "total_size", "currency", "total_size_qualifier", "total_size_raw"),
    ("funds", "committed", "currency", "committed_qualifier", "committed_raw"),
    ("funds", "paid_in", "currency", "paid_in_qualifier", "paid_in_raw"),
    ("equity_stakes", "amount", "=yuan", "amount_qualifier", "amount_raw"),
    ("equity_stakes", "stake_pct", "=percent", None, "stake_raw"),
    ("projects", "total_investment", "=yuan", "total_investment_qualifier", "total_investment_raw"),
    ("projects", "land", "land_unit", None, "land_raw"),
]


def _num(s: pd.Series) -> pd.Series:
    """Numbers from a column the loader or the extractor filled (floats, or strings like ``13.7%``)."""
    text = s.astype("string").str.strip().str.rstrip("%")
    return pd.to_numeric(text, errors="coerce").astype(float)


def _text(df: pd.DataFrame, col: str | None) -> pd.Series:
    """A column as strings with missing cells as None (a missing column: all None)."""
    if col is None or col not in df:
        return pd.Series([None] * len(df), index=df.index, dtype=object)
    s = df[col].astype(object)
    return s.where(s.notna() & s.astype(str).str.strip().ne(""), None)


def _frame(rows: list[pd.DataFrame]) -> pd.DataFrame:
    rows = [r for r in rows if len(r)]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FIGURE_COLUMNS})
    out = pd.concat(rows, ignore_index=True)[FIGURE_COLUMNS]
    out["line"] = pd.to_numeric(out["line"], errors="coerce").astype("Int64")
    out["value"] = out["value"].astype(float)
    out["yoy"] = out["yoy"].astype(float)
    return out.sort_values(["doc", "line"], kind="stable").reset_index(drop=True)


def _observation_figures(obs: pd.DataFrame) -> list[pd.DataFrame]:
    """Levels, growth rates and damaged figures of observation rows."""
    if obs is None or obs.empty:
        return []
    value, yoy = _num(obs["value"]), _num(obs["yoy_pct"]) if "yoy_pct" in obs else pd.Series(np.nan, obs.index)
    damaged = _text(obs, "quality").eq("damaged")
    base = pd.DataFrame({"doc": _text(obs, "doc"), "line": obs["line"], "table": "observations",
                         "status": _text(obs, "status"), "period": _text(obs, "period").map(
                             lambda p: None if p is None else str(p))})
    level = base.assign(column="value", value=value, unit=_text(obs, "unit"), kind="level", raw=_text(obs, "raw"),
                        qualifier=_text(obs, "qualifier"), yoy=yoy)[~damaged & value.notna()]
    growth = base.assign(column="yoy_pct", value=yoy, unit="percent", kind="growth", raw=_text(obs, "yoy_raw"),
                         qualifier=_text(obs, "yoy_qualifier"), yoy=np.nan)[~damaged & yoy.notna()]
    broken = base.assign(column="value", value=np.nan, unit=_text(obs, "unit"), kind="damaged",
                         raw=_text(obs, "raw"), qualifier=_text(obs, "qualifier"), yoy=np.nan)[damaged]
    return [level, growth, broken]


def _table_figures(tables: dict[str, pd.DataFrame]) -> list[pd.DataFrame]:
    """Money, share and land figures of funds, equity stakes and projects."""
    out = []
    for table, col, unit_spec, q_col, raw_col in _MONEY_AND_LAND:
        df = tables.get(table)
        if df is None or df.empty or col not in df:
            continue
        value = _num(df[col])
        unit = (pd.Series(unit_spec[1:], index=df.index, dtype=object) if unit_spec.startswith("=")
                else _text(df, unit_spec))
        fig = pd.DataFrame({"doc": _text(df, "doc"), "line": df["line"], "table": table, "column": col,
                            "value": value, "unit": unit, "kind": "level", "raw": _text(df, raw_col),
                            "qualifier": _text(df, q_col), "status": None, "period": None, "yoy": np.nan})
        out.append(fig[value.notna()])
    return out


def _figure_parts(tables: dict[str, pd.DataFrame]) -> list[pd.DataFrame]:
    """The figures of one set of tables, in parts (observations' levels, growth, damaged; other tables')."""
    return _observation_figures(tables.get("observations")) + _table_figures(tables)


#: Tables whose rows hold figures.
_FIGURE_TABLES = ("observations", "funds", "equity_stakes", "projects")


def _drafts(draft) -> list:
    """A draft, or a list of drafts (one per document), as a list."""
    return list(draft) if isinstance(draft, (list, tuple)) else [draft]


def _tables(one) -> dict[str, pd.DataFrame]:
    """The figure tables of a Draft (``.tables``) or of a loaded Dataset (a draft folder read by load_dataset)."""
    if hasattr(one, "tables"):
        return dict(one.tables)
    return {t: one.table(t) for t in _FIGURE_TABLES}


def _draft_docs(draft) -> list[str]:
    """The documents of one or more drafts (their ``documents['doc']``), in order."""
    return [d for one in _drafts(draft) if "doc" in one.documents for d in one.documents["doc"]]


def reference_figures(dataset) -> pd.DataFrame:
    """Every figure of a curated dataset, one row each.

    Parameters
    ----------
    dataset : analysis.io.Dataset
        A loaded dataset (:func:`analysis.load_dataset`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FIGURE_COLUMNS`: ``doc``, ``line`` (1-based), ``table`` and ``column`` the figure comes from,
        ``value`` (in ``unit``: yuan, usd, m2, mu, count, percent, ...; empty for a damaged figure), ``kind``
        (``level``, ``growth`` or ``damaged``), ``raw`` as written, and for observations the reference
        ``qualifier``, ``status``, ``period`` and ``yoy`` (the growth rate of a level, percent).
    """
    return _frame(_figure_parts(_tables(dataset)))


def proposed_figures(draft) -> pd.DataFrame:
    """Every figure a draft proposes, in the frame of :func:`reference_figures`.

    Parameters
    ----------
    draft : analysis.extract.core.Draft, analysis.io.Dataset or a list of them
        The extractor's draft (its ``tables`` in the dataset's schemas; values as numbers or strings), or several
        (e.g. one per document), or a draft folder as ``load_dataset`` reads it.
    """
    return _frame([part for one in _drafts(draft) for part in _figure_parts(_tables(one))])


def read_extras(path: str | Path) -> pd.DataFrame:
    """Real figures the curator did not record: a CSV with ``doc``, ``line``, ``raw`` and ``reason``."""
    extras = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"doc", "line", "raw", "reason"} - set(extras.columns)
    if missing:
        raise ValueError(f"{path}: expected columns doc, line, raw, reason; missing {', '.join(sorted(missing))}")
    extras["line"] = extras["line"].astype(int)
    return extras


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-12)


def _same_figure(p, r) -> bool:
    """Whether proposed figure ``p`` and reference figure ``r`` (rows on the same doc and line) match."""
    if p.kind != r.kind:
        return False
    if p.kind == "damaged":
        return True
    return p.unit == r.unit and _close(float(p.value), float(r.value))


def _by_line(df: pd.DataFrame) -> dict[tuple, list[int]]:
    out: dict[tuple, list[int]] = {}
    for i, r in df.iterrows():
        if pd.notna(r["line"]):
            out.setdefault((r["doc"], int(r["line"])), []).append(i)
    return out


def _match(proposed: pd.DataFrame, reference: pd.DataFrame) -> dict[int, int]:
    """Proposed index → reference index, each reference figure used once: first the pairs whose raw text agrees
    too (so that the qualifier and status are scored on the figure the proposal read), then by value alone; greedy
    in the proposals' order."""
    by_line = _by_line(reference)
    pairs: dict[int, int] = {}
    for same_raw in (True, False):
        for i, p in proposed.iterrows():
            if i in pairs or pd.isna(p.line):
                continue
            for j in by_line.get((p.doc, int(p.line)), []):
                r = reference.loc[j]
                if (j not in pairs.values() and _same_figure(p, r)
                        and (not same_raw or _squash(p.raw) == _squash(r.raw))):
                    pairs[i] = j
                    break
    return pairs


def _squash(raw) -> str:
    return re.sub(r"\s+", "", str(raw)) if raw is not None and not pd.isna(raw) else ""


def _twin_key(r) -> tuple:
    return (r.doc, int(r.line), r.kind, r.unit, _squash(r.raw), None if pd.isna(r.value) else round(float(r.value), 6))


def _twins(reference: pd.DataFrame, pairs: dict[int, int]) -> dict[int, int]:
    """Reference index → proposed index for reference figures found through their twin: the same figure of the
    text (doc, line, kind, unit, raw, value) that the curator recorded in another table too (an observation and a
    project's land, say), when the proposal matched the other table's row and nothing matched this one."""
    found = {_twin_key(reference.loc[j]): (i, reference.at[j, "table"]) for i, j in pairs.items()}
    used = set(pairs.values())
    out = {}
    for j, r in reference.iterrows():
        hit = found.get(_twin_key(r)) if j not in used else None
        if hit is not None and hit[1] != r.table:
            out[j] = hit[0]
    return out


def _extra_quantity(raw: str) -> tuple[float | None, str | None]:
    try:
        q = parse_quantity(raw)
    except QuantityParseError:
        return None, None
    return q.value, q.unit


def _is_extra(p, raw: str) -> bool:
    """Whether proposal ``p`` is the listed extra written ``raw``: the same text, or text containing the other
    (桥1座 and 1座, 超过150个 and 150个) with the same value and unit."""
    mine = _squash(p.raw)
    if mine == raw:
        return True
    value, unit = _extra_quantity(raw)
    return (bool(mine) and (raw in mine or mine in raw) and value is not None and p.unit == unit
            and pd.notna(p.value) and _close(float(p.value), value))


def _excuse(unmatched: pd.DataFrame, extras: pd.DataFrame | None) -> dict[int, int]:
    """Unmatched proposed index → extras index: the proposal is a real figure the curator left out (each listed
    extra excuses one proposal)."""
    if extras is None or extras.empty:
        return {}
    by_line = _by_line(extras)
    out: dict[int, int] = {}
    for i, p in unmatched.iterrows():
        if pd.isna(p.line):
            continue
        for k in by_line.get((p.doc, int(p.line)), []):
            if k not in out.values() and _is_extra(p, _squash(extras.at[k, "raw"])):
                out[i] = k
                break
    return out


def _same_text(a, b, default: str | None = None) -> bool:
    a = default if a is None or pd.isna(a) else str(a)
    b = default if b is None or pd.isna(b) else str(b)
    return a == b


def _same_yoy(a: float, b: float) -> bool:
    if pd.isna(a) and pd.isna(b):
        return True
    return pd.notna(a) and pd.notna(b) and _close(float(a), float(b))


def _pair_frame(proposed: pd.DataFrame, reference: pd.DataFrame, pairs: list[tuple[int, int]]) -> pd.DataFrame:
    """One row per match (proposed index, reference index): the reference figure with the proposal's index
    (``proposal``) and its table, raw, qualifier, status, period and yoy (``proposed_*``), and the scores."""
    cols = ["doc", "line", "table", "column", "value", "unit", "kind", "raw", "qualifier", "status", "period", "yoy"]
    if not pairs:
        return pd.DataFrame(columns=cols + ["proposal"] + [f"proposed_{c}" for c in (
            "table", "raw", "qualifier", "status", "period", "yoy")] + _SCORES)
    ref = reference.loc[[j for _, j in pairs], cols].reset_index(drop=True)
    ref["proposal"] = [i for i, _ in pairs]
    prop = proposed.loc[[i for i, _ in pairs], ["table", "raw", "qualifier", "status", "period", "yoy"]]
    prop = prop.reset_index(drop=True).add_prefix("proposed_")
    m = pd.concat([ref, prop], axis=1)
    obs = m["table"].eq("observations") & m["proposed_table"].eq("observations")
    m["qualifier_ok"] = [(_same_text(a, b, "exact") if o else np.nan)
                         for a, b, o in zip(m["qualifier"], m["proposed_qualifier"], obs)]
    m["status_ok"] = [(_same_text(a, b) if o else np.nan) for a, b, o in zip(m["status"], m["proposed_status"], obs)]
    m["period_ok"] = [(_same_text(a, b) if o else np.nan) for a, b, o in zip(m["period"], m["proposed_period"], obs)]
    has_yoy = obs & m["kind"].eq("level") & (m["yoy"].notna() | m["proposed_yoy"].notna())
    m["growth_ok"] = [(_same_yoy(a, b) if h else np.nan) for a, b, h in zip(m["yoy"], m["proposed_yoy"], has_yoy)]
    return m


#: Per-match scores of :func:`_pair_frame` (True/False, NaN where not scored).
_SCORES = ["qualifier_ok", "status_ok", "period_ok", "growth_ok"]


def _share(num: float, den: float) -> float:
    return num / den if den else np.nan


def _per_document(docs: list[str], reference: pd.DataFrame, proposed: pd.DataFrame, matched: pd.DataFrame,
                  n_excused: dict[str, int]) -> pd.DataFrame:
    rows = []
    for doc in docs:
        ref_n = int(reference["doc"].eq(doc).sum())
        prop_n = int(proposed["doc"].eq(doc).sum())
        m = matched[matched["doc"].eq(doc)]
        hit, used, extra = len(m), m["proposal"].nunique(), n_excused.get(doc, 0)
        row = {"doc": doc, "reference": ref_n, "proposed": prop_n, "matched": hit, "proposals_matched": used,
               "extras": extra, "missed": ref_n - hit, "false_positives": prop_n - used - extra,
               "recall": _share(hit, ref_n), "precision": _share(used + extra, prop_n)}
        for name in ("qualifier", "status", "growth", "period"):
            ok = m[f"{name}_ok"].dropna()
            row[f"{name}_acc"] = _share(float(ok.astype(bool).sum()), len(ok))
            row[f"{name}_n"] = len(ok)
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass
class Evaluation:
    """A draft scored against a curated dataset.

    Attributes
    ----------
    per_document : pandas.DataFrame
        One row per document: ``reference``, ``proposed``, ``matched`` (reference figures found),
        ``proposals_matched`` (proposals that found one; fewer than ``matched`` where a figure the curator recorded
        in two tables was found once), ``extras`` (proposals excused as real figures the curator left out),
        ``missed``, ``false_positives``, ``recall`` (matched / reference), ``precision``
        ((proposals_matched + extras) / proposed), and on matched observation figures ``qualifier_acc``,
        ``status_acc``, ``growth_acc``, ``period_acc`` (shares, NaN when nothing to score) with the counts scored
        (``*_n``).
    matched : pandas.DataFrame
        One row per match: the reference figure, the index of the proposal that found it (``proposal``) and what
        the draft proposed for it (``proposed_*``), with ``qualifier_ok``, ``status_ok``, ``period_ok``,
        ``growth_ok`` (NaN where not scored).
    misses : pandas.DataFrame
        Reference figures no proposal matched (the frame of :func:`reference_figures`).
    false_positives : pandas.DataFrame
        Proposed figures that matched nothing and are not listed extras.
    excused : pandas.DataFrame
        Proposed figures that matched nothing but are listed extras, with the extra's ``reason``.
    """

    per_document: pd.DataFrame
    matched: pd.DataFrame
    misses: pd.DataFrame
    false_positives: pd.DataFrame
    excused: pd.DataFrame

    def totals(self) -> dict[str, float]:
        """Recall, precision and the accuracies over all documents together (pooled counts)."""
        d = self.per_document
        ref, prop, hit, used, extra = (int(d[c].sum()) for c in ("reference", "proposed", "matched",
                                                                   "proposals_matched", "extras"))
        out = {"reference": ref, "proposed": prop, "matched": hit, "proposals_matched": used, "extras": extra,
               "missed": ref - hit, "false_positives": prop - used - extra,
               "recall": _share(hit, ref), "precision": _share(used + extra, prop)}
        for name in ("qualifier", "status", "growth", "period"):
            ok = self.matched[f"{name}_ok"].dropna() if len(self.matched) else pd.Series(dtype=float)
            out[f"{name}_acc"] = _share(float(ok.astype(bool).sum()), len(ok))
            out[f"{name}_n"] = len(ok)
        return out

    @property
    def recall(self) -> float:
        """Matched / reference figures, over all documents."""
        return self.totals()["recall"]

    @property
    def precision(self) -> float:
        """(Proposals that matched + excused extras) / proposed figures, over all documents."""
        return self.totals()["precision"]

    def summary(self) -> pd.DataFrame:
        """The per-document table with a last row ``all`` (pooled), shares rounded to 3 digits."""
        total = pd.DataFrame([{"doc": "all", **self.totals()}])
        out = pd.concat([self.per_document, total], ignore_index=True)
        shares = [c for c in out.columns if c == "recall" or c == "precision" or c.endswith("_acc")]
        out[shares] = out[shares].astype(float).round(3)
        return out

    def __repr__(self) -> str:
        t = self.totals()
        return (f"Evaluation({len(self.per_document)} documents: recall {t['recall']:.3f} "
                f"({t['matched']}/{t['reference']}), precision {t['precision']:.3f} "
                f"({t['proposals_matched']}+{t['extras']}/{t['proposed']}); .summary() per document, "
                f".misses, .false_positives)")


def evaluate(draft, dataset, docs: list[str] | None = None,
             extras: pd.DataFrame | str | Path | None = None) -> Evaluation:
    """Score a draft's figures against a curated dataset, per document.

    Parameters
    ----------
    draft : analysis.extract.core.Draft, analysis.io.Dataset or a list of them
        Rows the extractor proposed: one draft, several (e.g. one per document), or a draft folder as
        ``load_dataset`` reads it (``investment-extract``'s output).
    dataset : analysis.io.Dataset
        The reference (e.g. the embedded, hand-curated dataset: ``analysis.load_dataset()``).
    docs : list of str, optional
        Documents to score (file names); default: those of the draft(s) (``draft.documents['doc']``), else every
        document of the reference.
    extras : DataFrame or path, optional
        Real figures the curator did not record (``doc``, ``line``, ``raw``, ``reason``; :func:`read_extras`):
        a proposal matching one is not counted against precision.

    Returns
    -------
    Evaluation
    """
    reference, proposed = reference_figures(dataset), proposed_figures(draft)
    if docs is None:
        docs = _draft_docs(draft) or sorted(reference["doc"].dropna().unique())
    docs = list(dict.fromkeys(docs))
    reference = reference[reference["doc"].isin(docs)].reset_index(drop=True)
    proposed = proposed[proposed["doc"].isin(docs)].reset_index(drop=True)
    if extras is not None and not isinstance(extras, pd.DataFrame):
        extras = read_extras(extras)
    pairs = _match(proposed, reference)
    twins = _twins(reference, pairs)
    unmatched = proposed.drop(index=list(pairs))
    excuse = _excuse(unmatched, extras)
    excused = unmatched.loc[list(excuse)].copy()
    excused["reason"] = [extras.at[k, "reason"] for k in excuse.values()]
    matched = _pair_frame(proposed, reference, list(pairs.items()) + [(i, j) for j, i in twins.items()])
    per_doc = _per_document(docs, reference, proposed, matched, excused["doc"].value_counts().to_dict())
    return Evaluation(per_document=per_doc, matched=matched,
                      misses=reference.drop(index=list(pairs.values()) + list(twins)).reset_index(drop=True),
                      false_positives=unmatched.drop(index=list(excuse)).reset_index(drop=True),
                      excused=excused.reset_index(drop=True))
