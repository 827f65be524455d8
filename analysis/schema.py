"""Table schemas, read from the metadata sidecars.

Each table of the dataset has a sidecar ``data/default/<table>.meta.yaml`` (title, producer, citation, date, and
per column a type, description, unit, allowed values and checks). The sidecar is the single source of truth:
the pandera schemas that validate the embedded data and users' files are built from it, so the codebook and
the validation cannot drift apart. A coded column names its vocabulary (``vocabulary: qualifier``), defined
once in :mod:`analysis.vocab`: its allowed values (all the vocabulary's codes, or the subset its ``allowed``
lists) and the meaning of each value, appended to the column's description, come from there
(``data/CODEBOOK.md``, section *Vocabularies*).

Besides the dataset's tables (:data:`analysis.config.TABLES`) there is the indicator list ``indicators``
(:data:`LIST_TABLES`): the embedded ``data/default/indicators.csv``, to which a dataset folder may add rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandera.pandas as pa
import yaml

from . import config
from .periods import is_valid_period
from .vocab import vocabulary

__all__ = ["TableMeta", "ColumnMeta", "table_meta", "pandera_schema", "TYPE_EXPECTED", "LIST_TABLES"]

#: Tables that are lists shared by every dataset (a folder may add rows), beside the dataset's own tables.
LIST_TABLES = ("indicators",)

#: What a user is told a column of each type expects.
TYPE_EXPECTED = {
    "str": "text",
    "float": "a number",
    "int": "a whole number",
    "bool": "true or false",
    "period": "a period such as 2022, 2022Q1, 2022-03, 2022-01/2022-10, 2023-12-13 or unknown",
}
_DTYPES = {"str": str, "float": float, "int": "Int64", "bool": "boolean", "period": str}


@dataclass(frozen=True)
class ColumnMeta:
    name: str
    type: str
    description: str
    nullable: bool = False
    unit: str | None = None
    allowed: tuple[str, ...] | None = None
    ge: float | None = None
    le: float | None = None
    #: a column a user's file may leave out (it loads empty); only nullable columns added to a table later
    optional: bool = False
    #: the name of the column's vocabulary in :data:`analysis.vocab.VOCABULARIES`, if it has one
    vocabulary: str | None = None


@dataclass(frozen=True)
class TableMeta:
    name: str
    title: str
    description: str
    producer: str
    citation: str
    date_curated: str
    primary_key: tuple[str, ...]
    columns: tuple[ColumnMeta, ...]
    path: Path

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnMeta:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}")


@lru_cache(maxsize=None)
def table_meta(table: str, meta_dir: Path | None = None) -> TableMeta:
    """Read the sidecar of ``table`` (default: the embedded dataset's folder), with its vocabularies expanded."""
    if table not in config.TABLES + LIST_TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {', '.join(config.TABLES + LIST_TABLES)}")
    path = Path(meta_dir or config.DEFAULT_DATA_DIR) / f"{table}.meta.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    cols = []
    for name, spec in raw["columns"].items():
        checks = spec.get("checks") or {}
        if spec["type"] not in _DTYPES:
            raise ValueError(f"{path}: column {name!r} has unknown type {spec['type']!r}")
        if spec.get("optional") and not spec.get("nullable"):
            raise ValueError(f"{path}: column {name!r} is optional, so it must be nullable")
        allowed, description = _allowed(spec, path, name)
        cols.append(
            ColumnMeta(
                name=name,
                type=spec["type"],
                description=description,
                nullable=bool(spec.get("nullable", False)),
                unit=spec.get("unit"),
                allowed=allowed,
                ge=checks.get("ge"),
                le=checks.get("le"),
                optional=bool(spec.get("optional", False)),
                vocabulary=spec.get("vocabulary"),
            )
        )
    return TableMeta(
        name=table,
        title=raw["title"],
        description=" ".join(str(raw.get("description", "")).split()),
        producer=raw.get("producer", ""),
        citation=raw.get("citation", ""),
        date_curated=str(raw.get("date_curated", "")),
        primary_key=tuple(raw.get("primary_key", [])),
        columns=tuple(cols),
        path=path,
    )


def _allowed(spec: dict, path: Path, name: str) -> tuple[tuple[str, ...] | None, str]:
    """A column's allowed values and description: a ``vocabulary`` gives its codes (or the subset ``allowed``
    lists, or all but those ``exclude`` lists; both must be codes of it) and appends each value's meaning to the
    description."""
    description = str(spec.get("description", ""))
    allowed = tuple(spec["allowed"]) if spec.get("allowed") else None
    if not spec.get("vocabulary"):
        return allowed, description
    try:
        voc = vocabulary(spec["vocabulary"])
    except ValueError as e:
        raise ValueError(f"{path}: column {name!r}: {e}") from None
    exclude = tuple(spec.get("exclude") or ())
    unknown = [v for v in (allowed or ()) + exclude if v not in voc]
    if unknown:
        raise ValueError(f"{path}: column {name!r} allows {unknown}, not codes of the vocabulary {voc.name!r} "
                         f"({', '.join(voc.codes)}; analysis/vocab.py)")
    allowed = tuple(v for v in allowed or voc.codes if v not in exclude)
    meanings = "; ".join(voc[v].describe() for v in allowed)
    return allowed, f"{description} {meanings}.".strip()


def _column(c: ColumnMeta) -> pa.Column:
    checks = []
    if c.allowed:
        checks.append(pa.Check.isin(list(c.allowed), error=f"one of {', '.join(c.allowed)}"))
    if c.ge is not None:
        checks.append(pa.Check.ge(c.ge, error=f"a value >= {c.ge:g}"))
    if c.le is not None:
        checks.append(pa.Check.le(c.le, error=f"a value <= {c.le:g}"))
    if c.type == "period":
        checks.append(pa.Check(is_valid_period, element_wise=True, error=TYPE_EXPECTED["period"]))
    if c.type == "str" and not c.nullable:
        checks.append(pa.Check(lambda s: s.str.strip().str.len() > 0, error="non-empty text"))
    return pa.Column(_DTYPES[c.type], checks=checks, nullable=c.nullable, coerce=True, required=True)


def pandera_schema(table: str) -> pa.DataFrameSchema:
    """The pandera schema of ``table``, built from its sidecar: types, allowed values, bounds, primary key."""
    meta = table_meta(table)
    return pa.DataFrameSchema(
        {c.name: _column(c) for c in meta.columns},
        strict=True,
        unique=list(meta.primary_key) or None,
        report_duplicates="all",
        name=table,
    )
